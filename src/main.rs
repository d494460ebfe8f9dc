//! `hearth`: the command line over the core, for scripts, tests and people who like terminals.
//! Every listing takes `--json`.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use hearth::community::{self, CommunityDraft};
use hearth::members::{self, MemberDraft};
use hearth::{demo, Library, Result};

#[derive(Parser)]
#[command(name = "hearth", version, about = "A community of practice's people, memory and initiatives")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Create a new library (a folder) holding a new community.
    Init {
        library: PathBuf,
        #[arg(long)]
        name: String,
        #[arg(long, default_value = "")]
        description: String,
        /// Your own display name: creates your member profile, as the community's first lead.
        #[arg(long)]
        me: Option<String>,
    },
    /// Create the deterministic demo community in a new folder.
    Demo { library: PathBuf },
    /// Show what a library holds.
    Info {
        library: PathBuf,
        #[arg(long)]
        json: bool,
    },
    /// Members of the community.
    Members {
        #[command(subcommand)]
        command: MembersCommand,
    },
}

#[derive(Subcommand)]
enum MembersCommand {
    /// List members by name.
    List {
        library: PathBuf,
        #[arg(long)]
        json: bool,
    },
}

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("hearth: {error}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Init { library, name, description, me } => {
            let mut lib = Library::create(&library, CommunityDraft::new(&name, &description))?;
            if let Some(me) = me {
                members::create_my_profile(&mut lib, MemberDraft::named(&me))?;
            }
            println!("Created {:?} in {}", name.trim(), library.display());
        }
        Command::Demo { library } => {
            let lib = demo::create_demo(&library)?;
            let info = community::info(&lib)?;
            println!(
                "Created the demo community {:?} with {} members in {}",
                info.community.name,
                info.member_count,
                library.display()
            );
        }
        Command::Info { library, json } => {
            let info = community::info(&Library::open(&library)?)?;
            if json {
                print_json(&info);
            } else {
                println!("{}\n{}", info.community.name, info.community.description);
                println!("Library:  {} (version {})", info.path, info.library_version);
                println!("Members:  {}", info.member_count);
                match &info.me {
                    Some(me) => println!("You are:  {}", me.display_name),
                    None => println!("You are:  not chosen yet on this device"),
                }
                if let Some(reason) = &info.read_only {
                    println!("Read-only: {reason}");
                }
                println!("Dimensions:");
                for d in &info.dimensions {
                    println!("  {}. {}", d.number, d.name);
                }
            }
        }
        Command::Members { command: MembersCommand::List { library, json } } => {
            let lib = Library::open(&library)?;
            let all = members::list(lib.conn())?;
            if json {
                print_json(&all);
            } else {
                for m in all {
                    println!("{:<28} {:<9} {}", m.display_name, m.role.as_str(), m.profession);
                }
            }
        }
    }
    Ok(())
}

fn print_json(value: &impl serde::Serialize) {
    println!("{}", serde_json::to_string_pretty(value).expect("core types serialize"));
}
