//! `hearth` subcommands: Members, stories and celebrations.

use std::path::PathBuf;

use clap::Subcommand;

use hearth::community::{self};
use hearth::people::members::{self};
use hearth::{people::celebrations, people::exchange, people::stories};
use hearth::{Library, Result};

use crate::{find_member, print_json, Reader};

/// Members of the community.
#[derive(clap::Args)]
pub struct MembersArgs {
    #[command(subcommand)]
    pub command: MembersCommand,
}

pub fn members(MembersArgs { command }: MembersArgs) -> Result<()> {
    match command {
        MembersCommand::List { library, reader } => {
            let lib = Library::open(&library)?;
            let all = members::list(lib.conn(), &reader.viewer(&lib)?)?;
            if reader.json {
                print_json(&all);
            } else {
                for m in all {
                    out!("{:<28} {:<9} {}", m.display_name, m.role.as_str(), m.profession.unwrap_or_default());
                }
            }
        }
        MembersCommand::Import { library, file, dry_run, json } => {
            let mut lib = Library::open(&library)?;
            let bytes = std::fs::read(&file).map_err(|source| hearth::Error::Io { path: file.clone(), source })?;
            let name = file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            let result = if dry_run {
                exchange::preview(&lib, &name, &bytes)?
            } else {
                exchange::import(&mut lib, &name, &bytes)?
            };
            if json {
                print_json(&result);
            } else {
                for row in &result.rows {
                    let status = if row.errors.is_empty() { "ok".to_owned() } else { row.errors.join("; ") };
                    out!("{:>5}  {:<28} {status}", row.line, row.display_name);
                }
                let verb = if dry_run { "would import" } else { "imported" };
                out!("{verb} {} members; {} rows refused", result.valid, result.invalid);
            }
        }
        MembersCommand::Export { library, as_member } => {
            let lib = Library::open(&library)?;
            let reader = Reader { as_member, json: false };
            crate::write_text(&exchange::export_csv(&lib, &reader.viewer(&lib)?)?);
        }
        MembersCommand::Portrait { library, image } => {
            let mut lib = Library::open(&library)?;
            let bytes = hearth::ingest::images::read_image_file(&image)?;
            let me = members::set_my_portrait(&mut lib, &bytes)?;
            out!("Portrait of {} set", me.display_name);
        }
        MembersCommand::Show { library, member, reader } => {
            let lib = Library::open(&library)?;
            let id = find_member(&lib, &member)?;
            let profile = members::get(lib.conn(), &reader.viewer(&lib)?, &id)?;
            if reader.json {
                print_json(&profile);
            } else {
                print_profile(&profile);
            }
        }
    }
    Ok(())
}

/// Personal stories.
#[derive(clap::Args)]
pub struct StoriesArgs {
    #[command(subcommand)]
    pub command: StoriesCommand,
}

pub fn stories(StoriesArgs { command }: StoriesArgs) -> Result<()> {
    match command {
        StoriesCommand::List { library, by, reader } => {
            let lib = Library::open(&library)?;
            let author = by.map(|who| find_member(&lib, &who)).transpose()?;
            let filter = stories::StoryFilter { author, ..Default::default() };
            let all = stories::list_stories(lib.conn(), &reader.viewer(&lib)?, &filter)?;
            if reader.json {
                print_json(&all);
            } else {
                for story in all {
                    out!(
                        "{}  {}  by {} ({} responses)",
                        lib.local_date(story.created_at),
                        story.title,
                        story.author.display_name,
                        story.responses.len()
                    );
                }
            }
        }
    }
    Ok(())
}

/// Birthdays, join anniversaries and accomplishments.
#[derive(clap::Args)]
pub struct CelebrationsArgs {
    #[command(subcommand)]
    pub command: CelebrationsCommand,
}

pub fn celebrations(CelebrationsArgs { command }: CelebrationsArgs) -> Result<()> {
    match command {
        CelebrationsCommand::Upcoming { library, days, from, ics, reader } => {
            let lib = Library::open(&library)?;
            let from = from.unwrap_or_else(|| lib.today());
            let soon = celebrations::upcoming(lib.conn(), &reader.viewer(&lib)?, from, days)?;
            if ics {
                let name = community::community(lib.conn())?.name;
                crate::write_text(&celebrations::to_ics(&soon, &name, lib.now()));
            } else if reader.json {
                print_json(&soon);
            } else {
                for o in soon {
                    out!("{}  {:<28} {}", o.date, o.member.display_name, o.title);
                }
            }
        }
    }
    Ok(())
}

#[derive(Subcommand)]
pub enum CelebrationsCommand {
    /// What is coming up, as one member may see it.
    Upcoming {
        /// The library: the folder holding hearth.db.
        library: PathBuf,
        /// How many days ahead to look.
        #[arg(long, default_value_t = 30)]
        days: u32,
        /// Start from this day (YYYY-MM-DD) instead of today.
        #[arg(long)]
        from: Option<chrono::NaiveDate>,
        /// Print an iCalendar file (for calendar apps) instead of a list.
        #[arg(long, conflicts_with = "json")]
        ics: bool,
        #[command(flatten)]
        reader: Reader,
    },
}

#[derive(Subcommand)]
pub enum StoriesCommand {
    /// Stories one member may see, newest first.
    List {
        /// The library: the folder holding hearth.db.
        library: PathBuf,
        /// Only stories by this member (id or display name).
        #[arg(long)]
        by: Option<String>,
        #[command(flatten)]
        reader: Reader,
    },
}

#[derive(Subcommand)]
pub enum MembersCommand {
    /// List members by name, as one member may see them.
    List {
        /// The library: the folder holding hearth.db.
        library: PathBuf,
        #[command(flatten)]
        reader: Reader,
    },
    /// Import members from a CSV or vCard file (as this device's member, a lead).
    Import {
        /// The library: the folder holding hearth.db.
        library: PathBuf,
        /// The file: CSV (.csv or .txt) or vCard (.vcf), saved as UTF-8.
        file: PathBuf,
        /// Only show what would be imported and why rows would be refused.
        #[arg(long)]
        dry_run: bool,
        /// Print each row's result as JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Write the directory as CSV to standard output, as one member may see it.
    Export {
        /// The library: the folder holding hearth.db.
        library: PathBuf,
        /// Read as this member (id or display name); defaults to this device's member.
        #[arg(long = "as", value_name = "MEMBER")]
        as_member: Option<String>,
    },
    /// Set this device's member's portrait from an image file (cropped square).
    Portrait {
        /// The library: the folder holding hearth.db.
        library: PathBuf,
        /// The picture: an image file of at most 40 MB.
        image: PathBuf,
    },
    /// One member's profile, as one member may see it.
    Show {
        /// The library: the folder holding hearth.db.
        library: PathBuf,
        /// The member's id or display name.
        member: String,
        #[command(flatten)]
        reader: Reader,
    },
}

fn print_profile(m: &members::Member) {
    out!("{} ({})", m.display_name, m.role.as_str());
    let lines = [
        ("Pronouns", m.pronouns.clone()),
        ("Profession", m.profession.clone()),
        ("Organisation", m.organisation.clone()),
        ("Years in practice", m.years_in_practice.map(|y| y.to_string())),
        ("Expertise", m.expertise.as_ref().map(|e| e.join(", "))),
        ("Interests", m.interests.as_ref().map(|e| e.join(", "))),
        ("Ask me about", m.ask_me_about.clone()),
        ("Location", m.location.clone()),
        ("Time zone", m.time_zone.clone()),
        ("Contact", m.contact.clone()),
        ("Birthday", m.birthday.clone()),
        ("Bio", m.bio.clone()),
    ];
    out!("Joined: {}", m.joined_on);
    for (label, value) in lines {
        if let Some(value) = value.filter(|v| !v.is_empty()) {
            out!("{label}: {value}");
        }
    }
}
