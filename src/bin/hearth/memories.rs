//! `hearth` subcommands: Gallery import, media, moments, albums and exports.

use std::path::PathBuf;

use clap::Subcommand;

use hearth::{memories::albums, memories::export, memories::import, memories::media, memories::moments};
use hearth::{Library, Result};

use crate::print_json;
use crate::shown;

/// Import photos and videos (files or folders) into the gallery.
#[derive(clap::Args)]
pub struct ImportArgs {
    /// The library: the folder holding hearth.db.
    pub library: PathBuf,
    /// Photos, videos and folders to import (everything inside a folder; hidden files are passed over).
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// Put everything imported into this moment.
    #[arg(long)]
    pub moment: Option<String>,
    /// Print what was imported, skipped and failed as JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

pub fn import(ImportArgs { library, paths, moment, json }: ImportArgs) -> Result<()> {
    run_import(&library, &paths, moment, json)?;
    Ok(())
}

/// The gallery's photos and videos.
#[derive(clap::Args)]
pub struct MediaArgs {
    #[command(subcommand)]
    pub command: MediaCommand,
}

pub fn media(MediaArgs { command }: MediaArgs) -> Result<()> {
    match command {
        MediaCommand::List { library, json } => {
            let records = media::records(Library::open(&library)?.conn())?;
            if json {
                print_json(&records);
            } else {
                for r in records {
                    out!(
                        "{}  {:<5}  {:<25}  {:>5}×{:<5}  {}",
                        r.id,
                        if r.kind == media::MediaKind::Video { "video" } else { "photo" },
                        r.taken_at.as_deref().unwrap_or("(no date)"),
                        r.width,
                        r.height,
                        shown(&r.file_name)
                    );
                }
            }
        }
    }
    Ok(())
}

/// The community's moments (events).
#[derive(clap::Args)]
pub struct MomentsArgs {
    #[command(subcommand)]
    pub command: MomentsCommand,
}

pub fn moments(MomentsArgs { command }: MomentsArgs) -> Result<()> {
    run_moments(command)?;
    Ok(())
}

/// Albums of photos and videos.
#[derive(clap::Args)]
pub struct AlbumsArgs {
    #[command(subcommand)]
    pub command: AlbumsCommand,
}

pub fn albums(AlbumsArgs { command }: AlbumsArgs) -> Result<()> {
    match command {
        AlbumsCommand::List { library, json } => {
            let list = albums::list(Library::open(&library)?.conn())?;
            if json {
                print_json(&list);
            } else {
                for a in list {
                    out!("{}  {} ({} media)", a.id, a.title, a.media_count);
                }
            }
        }
        AlbumsCommand::Create { library, title, description, media, json } => {
            let mut lib = Library::open(&library)?;
            let mut album = albums::create(&mut lib, &title, &description)?;
            if !media.is_empty() {
                album = albums::add(&mut lib, &album.id, &media)?;
            }
            if json {
                print_json(&album);
            } else {
                out!("Created album {} ({}) with {} media", album.title, album.id, album.media_count);
            }
        }
    }
    Ok(())
}

/// Export a moment or an album as a folder: the originals and a self-contained index.html.
#[derive(clap::Args)]
pub struct ExportArgs {
    /// The library: the folder holding hearth.db.
    pub library: PathBuf,
    /// The folder to create the export in.
    pub destination: PathBuf,
    /// Export this moment (its id, as `hearth moments list` shows it).
    #[arg(long, conflicts_with = "album", required_unless_present = "album")]
    pub moment: Option<String>,
    /// Export this album (its id, as `hearth albums list` shows it).
    #[arg(long)]
    pub album: Option<String>,
}

pub fn export(ExportArgs { library, destination, moment, album }: ExportArgs) -> Result<()> {
    let source = match (moment, album) {
        (Some(id), _) => export::ExportSource::Moment(id),
        (None, Some(id)) => export::ExportSource::Album(id),
        (None, None) => unreachable!("clap requires one"),
    };
    let done = export::export(&Library::open(&library)?, &source, &destination)?;
    out!("Exported {} files and index.html to {}", done.files, done.folder);
    Ok(())
}

#[derive(Subcommand)]
pub enum MediaCommand {
    /// Every photo and video: id, hash, kind, capture time, size, orientation, GPS, moment.
    List {
        /// The library: the folder holding hearth.db.
        library: PathBuf,
        /// Print the photos and videos as JSON (every field) instead of text.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
pub enum MomentsCommand {
    /// Moments, newest first.
    List {
        /// The library: the folder holding hearth.db.
        library: PathBuf,
        /// Print the moments as JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Create a moment.
    Create {
        /// The library: the folder holding hearth.db.
        library: PathBuf,
        /// The moment's title.
        #[arg(long)]
        title: String,
        /// What kind of moment it is.
        #[arg(long, value_enum, default_value = "other")]
        kind: moments::MomentKind,
        /// YYYY-MM-DD or YYYY-MM-DDTHH:MM
        #[arg(long)]
        starts: String,
        /// Where it took place.
        #[arg(long, default_value = "")]
        place: String,
        /// Print the new moment as JSON instead of a sentence.
        #[arg(long)]
        json: bool,
    },
    /// Write a moment's story: what happened.
    Story {
        /// The library: the folder holding hearth.db.
        library: PathBuf,
        /// The moment's id (as `hearth moments list` shows it).
        moment: String,
        /// What happened (Markdown); it replaces the story written before.
        #[arg(long)]
        text: String,
    },
    /// Groups of media not yet in a moment, by capture-time gaps and place.
    Suggest {
        /// The library: the folder holding hearth.db.
        library: PathBuf,
        /// Print the suggested groups as JSON instead of text.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
pub enum AlbumsCommand {
    /// Albums, by title.
    List {
        /// The library: the folder holding hearth.db.
        library: PathBuf,
        /// Print the albums as JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Create an album.
    Create {
        /// The library: the folder holding hearth.db.
        library: PathBuf,
        /// The album's title.
        #[arg(long)]
        title: String,
        /// What the album holds, in a sentence or two.
        #[arg(long, default_value = "")]
        description: String,
        /// Media ids to put in it.
        #[arg(long, value_delimiter = ',')]
        media: Vec<String>,
        /// Print the new album as JSON instead of a sentence.
        #[arg(long)]
        json: bool,
    },
}

fn run_import(library: &std::path::Path, paths: &[PathBuf], moment: Option<String>, json: bool) -> Result<()> {
    use std::io::Write;
    let library = std::sync::Mutex::new(Library::open(library)?);
    let cancel = std::sync::atomic::AtomicBool::new(false);
    let options = import::ImportOptions { moment_id: moment, workers: 0 };
    let interactive = !json && std::io::IsTerminal::is_terminal(&std::io::stderr());
    let summary = import::run(&library, paths, &options, &cancel, &mut |p| {
        if interactive {
            eprint!(
                "\r\x1b[2K{}/{} files, {:.0}/{:.0} MB{}  {}",
                p.files_done,
                p.files_total,
                p.bytes_done / 1e6,
                p.bytes_total / 1e6,
                p.seconds_left.map(|s| format!(", {s:.0} s left")).unwrap_or_default(),
                shown(&p.current)
            );
            let _ = std::io::stderr().flush();
        }
    })?;
    if interactive {
        eprintln!();
    }
    if json {
        print_json(&summary);
    } else {
        out!(
            "Imported {}, {} duplicate(s) skipped, {} failed",
            summary.imported.len(),
            summary.duplicates.len(),
            summary.failed.len()
        );
        for note in &summary.duplicates {
            out!("  skipped {}: {}", shown(&note.file), shown(&note.reason));
        }
        for note in &summary.failed {
            out!("  failed  {}: {}", shown(&note.file), shown(&note.reason));
        }
        if summary.similar > 0 {
            out!("  {} look almost the same as a photo already there", summary.similar);
        }
        for note in &summary.notes {
            out!("  note: {}", shown(note));
        }
    }
    Ok(())
}

fn run_moments(command: MomentsCommand) -> Result<()> {
    match command {
        MomentsCommand::List { library, json } => {
            let list = moments::list(Library::open(&library)?.conn())?;
            if json {
                print_json(&list);
            } else {
                for m in list {
                    out!(
                        "{}  {:<16}  {:<10}  {} ({} media)",
                        m.id,
                        m.starts_at,
                        m.kind.as_str(),
                        m.title,
                        m.media_count
                    );
                }
            }
        }
        MomentsCommand::Create { library, title, kind, starts, place, json } => {
            let mut lib = Library::open(&library)?;
            let mut draft = moments::MomentDraft::titled(&title, kind, &starts);
            draft.place = place;
            let moment = moments::create(&mut lib, draft)?;
            if json {
                print_json(&moment);
            } else {
                out!("Created moment {} ({})", moment.title, moment.id);
            }
        }
        MomentsCommand::Story { library, moment, text } => {
            let mut lib = Library::open(&library)?;
            let current = moments::get(lib.conn(), &moment)?;
            let draft = moments::MomentDraft {
                title: current.title,
                kind: current.kind,
                starts_at: current.starts_at,
                ends_at: current.ends_at,
                place: current.place,
                description: current.description,
                story: text,
                learned: current.learned,
                attendees: current.attendees.into_iter().map(|p| p.id).collect(),
            };
            moments::update(&mut lib, &moment, draft)?;
            out!("Updated what happened at {moment}");
        }
        MomentsCommand::Suggest { library, json } => {
            let suggestions = moments::suggest(Library::open(&library)?.conn())?;
            if json {
                print_json(&suggestions);
            } else {
                for s in suggestions {
                    out!("{}  {} → {}  {} media", s.title, s.starts_at, s.ends_at, s.count);
                }
            }
        }
    }
    Ok(())
}
