//! `hearth` subcommands: Badges (signs of membership).

use std::path::PathBuf;

use clap::Subcommand;

use hearth::artefacts::awarding;
use hearth::artefacts::awards::{self, AwardSource};
use hearth::artefacts::badges::{self, AutoRule, BadgeDraft};
use hearth::{Error, Library, Result};

use crate::{find_member, print_json, shown};

/// Signs of membership: badges, their awards, and portable credentials.
#[derive(clap::Args)]
pub struct BadgesArgs {
    #[command(subcommand)]
    pub command: BadgesCommand,
}

#[derive(Subcommand)]
pub enum BadgesCommand {
    /// Every badge; for a lead, each with its awards; for a member, their own.
    List {
        /// The library: the folder holding hearth.db.
        library: PathBuf,
        /// Print the badges and their awards as JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Define a badge (leads).
    Define {
        /// The library: the folder holding hearth.db.
        library: PathBuf,
        /// The badge's name.
        #[arg(long)]
        name: String,
        /// What it means.
        #[arg(long, default_value = "")]
        description: String,
        /// What earns it.
        #[arg(long, default_value = "")]
        criteria: String,
        /// Members may ask for it.
        #[arg(long)]
        requestable: bool,
        /// Awarded automatically: `founding`, `years:<n>`, `first-initiative` or
        /// `attended:<ritual id>:<n>`.
        #[arg(long)]
        automatic: Option<String>,
        /// Print the new badge as JSON instead of a sentence.
        #[arg(long)]
        json: bool,
    },
    /// Award a badge to a member (leads), or offer every automatic badge now due (`--automatic`).
    Award {
        /// The library: the folder holding hearth.db.
        library: PathBuf,
        /// The badge's id (as `hearth badges list` shows it).
        badge: Option<String>,
        /// The member (id or display name).
        member: Option<String>,
        /// Instead of one badge to one member, offer every automatic badge to those it is now due to.
        #[arg(long)]
        automatic: bool,
        /// Print the award as JSON instead of a sentence.
        #[arg(long)]
        json: bool,
    },
    /// Write an award as an Open Badges 3.0 credential: JSON, or a PNG with it baked in
    /// (by the file's extension).
    Export {
        /// The library: the folder holding hearth.db.
        library: PathBuf,
        /// The award's id (as `hearth badges list` shows it).
        award: String,
        /// The file to write: a name ending in .png bakes the credential into the badge's picture;
        /// any other name gets JSON.
        #[arg(long)]
        out: PathBuf,
    },
    /// Check a credential (JSON or baked PNG) offline; exit status 0 only when it is valid.
    Verify {
        /// The credential file: JSON, or a PNG with it baked in.
        file: PathBuf,
    },
}

fn parse_rule(text: &str) -> Result<AutoRule> {
    let parts: Vec<&str> = text.split(':').collect();
    let number = |p: Option<&&str>| p.and_then(|n| n.parse::<u32>().ok());
    Ok(match parts.as_slice() {
        ["founding"] => AutoRule::Founding,
        ["first-initiative"] => AutoRule::FirstInitiative,
        ["years", _] => AutoRule::YearsWithUs { years: number(parts.get(1)).ok_or_else(|| bad(text))? },
        ["attended", ritual, _] => AutoRule::Attended {
            ritual_id: (*ritual).to_owned(),
            times: number(parts.get(2)).ok_or_else(|| bad(text))?,
        },
        _ => return Err(bad(text)),
    })
}

fn bad(text: &str) -> Error {
    Error::invalid("automatic", format!("{text:?}: founding, years:<n>, first-initiative or attended:<ritual id>:<n>"))
}

pub fn badges(BadgesArgs { command }: BadgesArgs) -> Result<()> {
    match command {
        BadgesCommand::List { library, json } => {
            let all = badges::list(&Library::open(&library)?)?;
            if json {
                print_json(&all);
                return Ok(());
            }
            for badge in all {
                let shown_by: Vec<String> = badge.shown_by.iter().map(|p| shown(&p.display_name)).collect();
                out!(
                    "{}  ({})  shown by: {}",
                    shown(&badge.draft.name),
                    badge.id,
                    if shown_by.is_empty() { "nobody yet".into() } else { shown_by.join(", ") }
                );
                for award in badge.awards.iter().flatten().chain(badge.mine.iter().filter(|_| badge.awards.is_none())) {
                    out!("  {}  {:?}  {}", shown(&award.member.display_name), award.status, award.id);
                }
            }
        }
        BadgesCommand::Define { library, name, description, criteria, requestable, automatic, json } => {
            let rule = automatic.as_deref().map(parse_rule).transpose()?;
            let draft = BadgeDraft { name, description, criteria, image: None, requestable, rule };
            let badge = badges::define(&mut Library::open(&library)?, draft)?;
            if json {
                print_json(&badge);
            } else {
                out!("Defined {}  ({})", shown(&badge.draft.name), badge.id);
            }
        }
        BadgesCommand::Award { library, badge, member, automatic, json } => {
            let mut lib = Library::open(&library)?;
            if automatic {
                let offered = awarding::run_automatic(&mut lib)?;
                out!("Offered {offered} automatic {}.", if offered == 1 { "award" } else { "awards" });
                return Ok(());
            }
            let (Some(badge), Some(member)) = (badge, member) else {
                return Err(Error::invalid("badge", "name the badge and the member, or pass --automatic"));
            };
            let member = find_member(&lib, &member)?;
            let award = awarding::award(&mut lib, &badge, &member, AwardSource::Manual)?;
            if json {
                print_json(&award);
            } else {
                out!("Offered to {}: {}", shown(&award.member.display_name), award.id);
            }
        }
        BadgesCommand::Export { library, award, out } => {
            let png = out.extension().is_some_and(|e| e.eq_ignore_ascii_case("png"));
            let bytes = awards::export(&Library::open(&library)?, &award, png)?;
            std::fs::write(&out, bytes).map_err(|source| Error::Io { path: out.clone(), source })?;
            out!("Wrote {}", out.display());
        }
        BadgesCommand::Verify { file } => {
            let bytes = std::fs::read(&file).map_err(|source| Error::Io { path: file.clone(), source })?;
            let verified = hearth::credentials::verify(&hearth::credentials::read(&bytes)?)?;
            out!(
                "Valid: {} awarded to {} by {} ({}), from {}.",
                shown(&verified.achievement_name),
                shown(&verified.subject_name),
                shown(&verified.issuer_name),
                verified.issuer,
                shown(&verified.valid_from)
            );
        }
    }
    Ok(())
}
