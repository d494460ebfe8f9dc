//! `hearth` subcommands: Initiatives.

use std::path::PathBuf;

use clap::Subcommand;

use hearth::initiatives;
use hearth::{Library, Result};

use crate::{print_json, Reader};

/// Initiatives members propose, support and drive.
#[derive(clap::Args)]
pub struct InitiativesArgs {
    #[command(subcommand)]
    pub command: InitiativesCommand,
}

pub fn initiatives(InitiativesArgs { command }: InitiativesArgs) -> Result<()> {
    run_initiatives(command)?;
    Ok(())
}

#[derive(Subcommand)]
pub enum InitiativesCommand {
    /// Every initiative, newest first.
    List {
        /// The library: the folder holding hearth.db.
        library: PathBuf,
        #[command(flatten)]
        reader: Reader,
    },
    /// Propose an initiative as this device's member.
    Propose {
        /// The library: the folder holding hearth.db.
        library: PathBuf,
        /// Its title, a few words.
        #[arg(long)]
        title: String,
        /// The difference it should make, and why it matters to you.
        #[arg(long)]
        difference: String,
        /// What it involves.
        #[arg(long, default_value = "")]
        involves: String,
        /// Skills wanted, comma-separated.
        #[arg(long, value_delimiter = ',')]
        help_wanted: Vec<String>,
        /// Linked interests, comma-separated.
        #[arg(long, value_delimiter = ',')]
        interests: Vec<String>,
        /// Print the new initiative as JSON instead of a sentence.
        #[arg(long)]
        json: bool,
    },
    /// Support an initiative as this device's member.
    Support {
        /// The library: the folder holding hearth.db.
        library: PathBuf,
        /// The initiative's id (as `hearth initiatives list` shows it).
        initiative: String,
        /// Why you care.
        #[arg(long, default_value = "")]
        why: String,
    },
    /// Move an initiative on the board.
    Move {
        /// The library: the folder holding hearth.db.
        library: PathBuf,
        /// The initiative's id (as `hearth initiatives list` shows it).
        initiative: String,
        /// Where it moves on the board (not `done`: an initiative is done only when closed with an outcome).
        to: initiatives::Status,
    },
}

fn run_initiatives(command: InitiativesCommand) -> Result<()> {
    match command {
        InitiativesCommand::List { library, reader } => {
            let lib = Library::open(&library)?;
            let all = initiatives::list(lib.conn(), &reader.viewer(&lib)?)?;
            if reader.json {
                print_json(&all);
            } else {
                for i in all {
                    out!("{:<10} {:<40} {} supporters  {}", i.status.as_str(), i.title, i.supporters.len(), i.id);
                }
            }
        }
        InitiativesCommand::Propose { library, title, difference, involves, help_wanted, interests, json } => {
            let mut lib = Library::open(&library)?;
            let draft = initiatives::InitiativeDraft {
                title,
                difference,
                involves,
                help_wanted,
                interests,
                ..Default::default()
            };
            let proposed = initiatives::propose(&mut lib, draft)?;
            if json {
                print_json(&proposed);
            } else {
                out!("Proposed {:?} ({})", proposed.title, proposed.id);
            }
        }
        InitiativesCommand::Support { library, initiative, why } => {
            let mut lib = Library::open(&library)?;
            let supported = initiatives::support(&mut lib, &initiative, &why)?;
            out!("{} now has {} supporters", supported.title, supported.supporters.len());
        }
        InitiativesCommand::Move { library, initiative, to } => {
            let mut lib = Library::open(&library)?;
            let moved = initiatives::move_to(&mut lib, &initiative, to)?;
            out!("{} is now {}", moved.title, moved.status.as_str());
        }
    }
    Ok(())
}
