//! `hearth` subcommands: Artefacts.

use std::path::PathBuf;

use clap::Subcommand;

use hearth::artefacts::registry::{self, ArtefactDraft, ArtefactVisibility, Kind};
use hearth::artefacts::versions::{self, VersionDraft, VersionStatus};
use hearth::artefacts::{accounts, files, Artefact};
use hearth::{Error, Library, Result};

use crate::{print_json, shown, write_text};

/// The community's artefacts: songs, mascots, garments, signs, with their stories.
#[derive(clap::Args)]
pub struct ArtefactsArgs {
    #[command(subcommand)]
    pub command: ArtefactsCommand,
}

#[derive(Subcommand)]
pub enum ArtefactsCommand {
    /// Every artefact this laptop's member may see, by kind.
    List {
        /// The library: the folder holding hearth.db.
        library: PathBuf,
        /// Print the artefacts as JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// One artefact: its story, files, accounts and versions.
    Show {
        /// The library: the folder holding hearth.db.
        library: PathBuf,
        /// The artefact's id (as `hearth artefacts list` shows it).
        artefact: String,
        /// Print the artefact as JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Add an artefact as this laptop's member, with files.
    Add {
        /// The library: the folder holding hearth.db.
        library: PathBuf,
        /// song, mascot, logo, garment, sign, object, document or other.
        #[arg(long)]
        kind: String,
        /// The artefact's name.
        #[arg(long)]
        name: String,
        /// What it is, in a sentence or two.
        #[arg(long, default_value = "")]
        summary: String,
        /// When it was made: YYYY, YYYY-MM or YYYY-MM-DD.
        #[arg(long, default_value = "")]
        date: String,
        /// How it began (Markdown).
        #[arg(long, default_value = "")]
        origin: String,
        /// A song's words (Markdown).
        #[arg(long, default_value = "")]
        lyrics: String,
        /// Only the leads (and you) see it.
        #[arg(long)]
        leads_only: bool,
        /// Files to add: images, audio, video or PDF.
        #[arg(long = "file")]
        files: Vec<PathBuf>,
        /// Print the new artefact as JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Add your account of an artefact.
    Account {
        /// The library: the folder holding hearth.db.
        library: PathBuf,
        /// The artefact's id (as `hearth artefacts list` shows it).
        artefact: String,
        /// Your account: what you know or remember of it (Markdown).
        body: String,
    },
    /// Add a version (who added the artefact, a lead): `--sizes S,M,L` for a garment.
    Version {
        /// The library: the folder holding hearth.db.
        library: PathBuf,
        /// The artefact's id (as `hearth artefacts list` shows it).
        artefact: String,
        /// The version's name: a year will do ("2019"), or "Blue edition".
        label: String,
        /// idea, choosing, made or retired.
        #[arg(long, default_value = "idea")]
        status: String,
        /// The sizes members may order, comma-separated, in order (S,M,L); none if it is not ordered.
        #[arg(long, value_delimiter = ',')]
        sizes: Vec<String>,
    },
    /// Your size and count of a version (count 0 withdraws).
    Size {
        /// The library: the folder holding hearth.db.
        library: PathBuf,
        /// The artefact's id (as `hearth artefacts list` shows it).
        artefact: String,
        /// The version's id (as `hearth artefacts show` shows it).
        version: String,
        /// One of the sizes the version comes in.
        size: String,
        /// How many you want (0 to 20; 0 withdraws your order).
        count: u32,
    },
    /// A version's totals by size as CSV for the printer (leads).
    Sizes {
        /// The library: the folder holding hearth.db.
        library: PathBuf,
        /// The artefact's id (as `hearth artefacts list` shows it).
        artefact: String,
        /// The version's id (as `hearth artefacts show` shows it).
        version: String,
        /// Write the CSV to this file (default: standard output).
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

pub fn artefacts(ArtefactsArgs { command }: ArtefactsArgs) -> Result<()> {
    match command {
        ArtefactsCommand::List { library, json } => {
            let all = registry::list(&Library::open(&library)?)?;
            if json {
                print_json(&all);
            }
            for artefact in all.iter().filter(|_| !json) {
                let when = [artefact.draft.original_date.as_str(), artefact.draft.date_description.as_str()]
                    .into_iter()
                    .find(|w| !w.is_empty())
                    .unwrap_or("");
                out!(
                    "{:<9} {:<32} {:<14} {}",
                    artefact.draft.kind.as_str(),
                    shown(&artefact.draft.name),
                    shown(when),
                    artefact.id
                );
            }
        }
        ArtefactsCommand::Show { library, artefact, json } => {
            let artefact = registry::get(&Library::open(&library)?, &artefact)?;
            if json {
                print_json(&artefact);
            } else {
                print(&artefact);
            }
        }
        ArtefactsCommand::Add {
            library,
            kind,
            name,
            summary,
            date,
            origin,
            lyrics,
            leads_only,
            files: paths,
            json,
        } => {
            let mut lib = Library::open(&library)?;
            let kind = Kind::parse(&kind).ok_or_else(|| {
                Error::invalid(
                    "kind",
                    format!("{kind:?}: song, mascot, logo, garment, sign, object, document or other"),
                )
            })?;
            let mut draft = ArtefactDraft::new(kind, &name);
            draft.summary = summary;
            draft.original_date = date;
            draft.origin = origin;
            draft.lyrics = lyrics;
            draft.visibility = if leads_only { ArtefactVisibility::Leads } else { ArtefactVisibility::Community };
            let mut artefact = registry::create(&mut lib, draft)?;
            for path in paths {
                artefact = files::attach(&mut lib, &artefact.id, None, &path)?;
            }
            if json {
                print_json(&artefact);
            } else {
                print(&artefact);
            }
        }
        ArtefactsCommand::Account { library, artefact, body } => {
            print(&accounts::write(&mut Library::open(&library)?, &artefact, None, &body)?);
        }
        ArtefactsCommand::Version { library, artefact, label, status, sizes } => {
            let status = match status.as_str() {
                "idea" => VersionStatus::Idea,
                "choosing" => VersionStatus::Choosing,
                "made" => VersionStatus::Made,
                "retired" => VersionStatus::Retired,
                other => return Err(Error::invalid("status", format!("{other:?}: idea, choosing, made or retired"))),
            };
            let draft = VersionDraft { label, status, sizes, decision_id: None };
            print(&versions::add(&mut Library::open(&library)?, &artefact, draft)?);
        }
        ArtefactsCommand::Size { library, artefact, version, size, count } => {
            print(&versions::order(&mut Library::open(&library)?, &artefact, &version, &size, count)?);
        }
        ArtefactsCommand::Sizes { library, artefact, version, out } => {
            let csv = versions::orders_csv(&Library::open(&library)?, &artefact, &version)?;
            match out {
                Some(path) => std::fs::write(&path, csv).map_err(|source| Error::Io { path: path.clone(), source })?,
                None => write_text(&csv),
            }
        }
    }
    Ok(())
}

fn print(artefact: &Artefact) {
    let d = &artefact.draft;
    out!("{}  ({}, {})", shown(&d.name), d.kind.as_str(), artefact.id);
    if !d.summary.is_empty() {
        out!("  {}", shown(&d.summary));
    }
    let when: Vec<&str> =
        [d.original_date.as_str(), d.date_description.as_str()].into_iter().filter(|w| !w.is_empty()).collect();
    if !when.is_empty() {
        out!("  made: {}", shown(&when.join(", ")));
    }
    let names = |people: &[hearth::text::forms::NamedPerson]| {
        people.iter().map(|p| shown(&p.name)).collect::<Vec<_>>().join(", ")
    };
    if !d.creators.is_empty() {
        out!("  by: {}", names(&d.creators));
    }
    for file in &artefact.files {
        out!("  file: {} ({:?}, {:.0} KB)", shown(&file.name), file.kind, file.bytes / 1024.0);
    }
    for account in &artefact.accounts {
        let hidden = if account.hidden { " (hidden by a lead)" } else { "" };
        out!("  account by {}{hidden}: {}", shown(&account.author.display_name), shown(&account.body));
    }
    for version in &artefact.versions {
        let mine =
            version.my_order.as_ref().map(|o| format!("  you: {} × {}", o.count, shown(&o.size))).unwrap_or_default();
        out!(
            "  version {} ({:?}) {}{mine}  {}",
            shown(&version.draft.label),
            version.draft.status,
            version.draft.sizes.join("/"),
            version.id
        );
        if let Some(totals) = &version.totals {
            let line: Vec<String> = totals.iter().map(|t| format!("{} {}", shown(&t.size), t.count)).collect();
            out!("    sizes ordered: {}", line.join(", "));
        }
    }
}
