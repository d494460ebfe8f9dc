//! `hearth`: the command line over the core, for scripts, tests and people who like terminals.
//! Every listing takes `--json`.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use hearth::community::{self, CommunityDraft};
use hearth::people::members::{self, MemberDraft};
use hearth::sync::roster;
use hearth::sync::storage::{Credentials, Target};
use hearth::viewer::Viewer;
use hearth::{
    dev::bench, initiatives, memories::albums, memories::export, memories::import, memories::media, memories::moments,
    people::celebrations, people::exchange, people::stories, sync,
};
use hearth::{dev::demo, Library, Result};

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
    /// Personal stories.
    Stories {
        #[command(subcommand)]
        command: StoriesCommand,
    },
    /// Initiatives members propose, support and drive.
    Initiatives {
        #[command(subcommand)]
        command: InitiativesCommand,
    },
    /// Birthdays, join anniversaries and accomplishments.
    Celebrations {
        #[command(subcommand)]
        command: CelebrationsCommand,
    },
    /// Import photos and videos (files or folders) into the gallery.
    Import {
        library: PathBuf,
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Put everything imported into this moment.
        #[arg(long)]
        moment: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// The gallery's photos and videos.
    Media {
        #[command(subcommand)]
        command: MediaCommand,
    },
    /// The community's moments (events).
    Moments {
        #[command(subcommand)]
        command: MomentsCommand,
    },
    /// Albums of photos and videos.
    Albums {
        #[command(subcommand)]
        command: AlbumsCommand,
    },
    /// Export a moment or an album as a folder: the originals and a self-contained index.html.
    Export {
        library: PathBuf,
        /// The folder to create the export in.
        destination: PathBuf,
        #[arg(long, conflicts_with = "album", required_unless_present = "album")]
        moment: Option<String>,
        #[arg(long)]
        album: Option<String>,
    },
    /// Sync with a shared folder, S3 bucket or WebDAV server: send this laptop's changes and
    /// media, merge everyone's.
    Sync {
        library: PathBuf,
        /// A folder, `s3://bucket?endpoint=…&region=…` or a WebDAV `https://…` address
        /// (remembered for the next sync).
        #[arg(long)]
        target: Option<String>,
        #[command(flatten)]
        credentials: CredentialArgs,
        /// Encrypt everything stored in the target with the community key (a new target only;
        /// the key travels in invitations). A new community's first target is encrypted
        /// unless `--plain` is given.
        #[arg(long, conflicts_with = "plain")]
        encrypt: bool,
        /// Leave a new community's first target unencrypted: whoever holds it can read what is
        /// shared with everyone (care notes, leads-only and only-me fields stay sealed).
        #[arg(long)]
        plain: bool,
        /// Files larger than this many bytes travel in pieces of this size (default 8 MiB).
        #[arg(long)]
        chunk_bytes: Option<u32>,
        #[arg(long)]
        json: bool,
    },
    /// Invite someone (leads): a new member (or an existing one) and an invitation that lets
    /// one laptop in as them. Sync afterwards so the invitation reaches the target first.
    Invite {
        library: PathBuf,
        /// The newcomer's name (a new member profile is made for them).
        #[arg(long, required_unless_present = "member")]
        name: Option<String>,
        /// Invite an existing member (by id or name) instead.
        #[arg(long, conflicts_with = "name")]
        member: Option<String>,
        /// Write the invitation to this file (default: print its code).
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Changes from other laptops set aside at merge, with why (leads); `--release ID` merges
    /// one that waits only for this laptop's clock, or lets any other go.
    SetAside {
        library: PathBuf,
        #[arg(long)]
        release: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Restricted data shared before sealing existed (leads): care notes, messages, private
    /// fields and restricted stories that may be on the laptops listed, in clear.
    BeforeSealing {
        library: PathBuf,
        #[arg(long)]
        json: bool,
    },
    /// Invitations no laptop has used yet; `--withdraw ID` withdraws one (leads).
    Invitations {
        library: PathBuf,
        #[arg(long)]
        withdraw: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// The laptops in the community's roster; `--remove ID` removes a lost one (leads): every
    /// replica refuses what it writes, and in an encrypted community a new key seals what comes
    /// after.
    Devices {
        library: PathBuf,
        #[arg(long)]
        remove: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Join a community with an invitation (its file or code) into a new library.
    Join {
        library: PathBuf,
        /// The invitation file, or its `hearth-invite:…` code.
        #[arg(long)]
        invitation: String,
        /// The sync target, when it is not the one the invitation names.
        #[arg(long)]
        target: Option<String>,
        #[command(flatten)]
        credentials: CredentialArgs,
    },
    /// Benchmarks that print a comparison.
    Bench {
        #[command(subcommand)]
        command: BenchCommand,
    },
}

/// Credentials for a remote target. The secret comes from the environment, never from the
/// command line (where other users could read it).
#[derive(clap::Args)]
struct CredentialArgs {
    /// S3 access key id or WebDAV user name (default: `AWS_ACCESS_KEY_ID`).
    #[arg(long)]
    user: Option<String>,
}

impl CredentialArgs {
    /// The credentials given now, or None to use the ones remembered for the target.
    fn read(&self) -> Option<Credentials> {
        let user = self.user.clone().or_else(|| std::env::var("AWS_ACCESS_KEY_ID").ok())?;
        let secret =
            std::env::var("HEARTH_SYNC_SECRET").or_else(|_| std::env::var("AWS_SECRET_ACCESS_KEY")).unwrap_or_default();
        Some(Credentials { user, secret })
    }
}

#[derive(Subcommand)]
enum MediaCommand {
    /// Every photo and video: id, hash, kind, capture time, size, orientation, GPS, moment.
    List {
        library: PathBuf,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
enum MomentsCommand {
    /// Moments, newest first.
    List {
        library: PathBuf,
        #[arg(long)]
        json: bool,
    },
    /// Create a moment.
    Create {
        library: PathBuf,
        #[arg(long)]
        title: String,
        #[arg(long, value_enum, default_value = "other")]
        kind: moments::MomentKind,
        /// YYYY-MM-DD or YYYY-MM-DDTHH:MM
        #[arg(long)]
        starts: String,
        #[arg(long, default_value = "")]
        place: String,
        #[arg(long)]
        json: bool,
    },
    /// Write a moment's story: what happened.
    Story {
        library: PathBuf,
        moment: String,
        #[arg(long)]
        text: String,
    },
    /// Groups of media not yet in a moment, by capture-time gaps and place.
    Suggest {
        library: PathBuf,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
enum AlbumsCommand {
    /// Albums, by title.
    List {
        library: PathBuf,
        #[arg(long)]
        json: bool,
    },
    /// Create an album.
    Create {
        library: PathBuf,
        #[arg(long)]
        title: String,
        #[arg(long, default_value = "")]
        description: String,
        /// Media ids to put in it.
        #[arg(long, value_delimiter = ',')]
        media: Vec<String>,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
enum BenchCommand {
    /// Import 12 MP JPEGs against vipsthumbnail making the same two sizes.
    Import {
        #[arg(long, default_value_t = 24)]
        files: usize,
        #[arg(long, default_value_t = 3)]
        rounds: usize,
        /// Scratch folder (default: the system's temporary folder).
        #[arg(long)]
        dir: Option<PathBuf>,
    },
    /// Media upload to an S3 server against `rclone copy` of the same files.
    Upload {
        #[arg(long, default_value_t = 24)]
        files: usize,
        /// Size of each file in MB.
        #[arg(long, default_value_t = 4)]
        megabytes: usize,
        #[arg(long, default_value_t = 2)]
        rounds: usize,
        /// An S3 endpoint to use instead of starting moto_server on loopback.
        #[arg(long)]
        endpoint: Option<String>,
        #[arg(long)]
        dir: Option<PathBuf>,
    },
    /// Merge of 100,000 ops from another device.
    Merge {
        #[arg(long, default_value_t = 100_000)]
        ops: usize,
        #[arg(long)]
        dir: Option<PathBuf>,
    },
    /// Create a large library (default 100,000 media) to try the gallery in the window.
    Fill {
        library: PathBuf,
        #[arg(long, default_value_t = 100_000)]
        media: usize,
        #[arg(long, default_value_t = 0)]
        tags: usize,
    },
    /// Gallery page queries at 100,000 media and 1,000,000 tags.
    Gallery {
        #[arg(long, default_value_t = 100_000)]
        media: usize,
        #[arg(long, default_value_t = 1_000_000)]
        tags: usize,
        /// Items a page (the window loads 60 at a time).
        #[arg(long, default_value_t = 60)]
        page: u32,
        #[arg(long)]
        dir: Option<PathBuf>,
    },
}

#[derive(Subcommand)]
enum InitiativesCommand {
    /// Every initiative, newest first.
    List {
        library: PathBuf,
        #[command(flatten)]
        reader: Reader,
    },
    /// Propose an initiative as this device's member.
    Propose {
        library: PathBuf,
        #[arg(long)]
        title: String,
        /// The difference it should make, and why it matters to you.
        #[arg(long)]
        difference: String,
        #[arg(long, default_value = "")]
        involves: String,
        /// Skills wanted, comma-separated.
        #[arg(long, value_delimiter = ',')]
        help_wanted: Vec<String>,
        /// Linked interests, comma-separated.
        #[arg(long, value_delimiter = ',')]
        interests: Vec<String>,
        #[arg(long)]
        json: bool,
    },
    /// Support an initiative as this device's member.
    Support {
        library: PathBuf,
        initiative: String,
        /// Why you care.
        #[arg(long, default_value = "")]
        why: String,
    },
    /// Move an initiative on the board.
    Move { library: PathBuf, initiative: String, to: initiatives::Status },
}

#[derive(Subcommand)]
enum CelebrationsCommand {
    /// What is coming up, as one member may see it.
    Upcoming {
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
enum StoriesCommand {
    /// Stories one member may see, newest first.
    List {
        library: PathBuf,
        /// Only stories by this member (id or display name).
        #[arg(long)]
        by: Option<String>,
        #[command(flatten)]
        reader: Reader,
    },
}

#[derive(Subcommand)]
enum MembersCommand {
    /// List members by name, as one member may see them.
    List {
        library: PathBuf,
        #[command(flatten)]
        reader: Reader,
    },
    /// Import members from a CSV or vCard file (as this device's member, a lead).
    Import {
        library: PathBuf,
        file: PathBuf,
        /// Only show what would be imported and why rows would be refused.
        #[arg(long)]
        dry_run: bool,
        #[arg(long)]
        json: bool,
    },
    /// Write the directory as CSV to standard output, as one member may see it.
    Export {
        library: PathBuf,
        /// Read as this member (id or display name); defaults to this device's member.
        #[arg(long = "as", value_name = "MEMBER")]
        as_member: Option<String>,
    },
    /// Set this device's member's portrait from an image file (cropped square).
    Portrait { library: PathBuf, image: PathBuf },
    /// One member's profile, as one member may see it.
    Show {
        library: PathBuf,
        /// The member's id or display name.
        member: String,
        #[command(flatten)]
        reader: Reader,
    },
}

/// Who is reading, and how to print.
#[derive(clap::Args)]
struct Reader {
    /// Read as this member (id or display name); defaults to this device's member.
    #[arg(long = "as", value_name = "MEMBER")]
    as_member: Option<String>,
    #[arg(long)]
    json: bool,
}

impl Reader {
    fn viewer(&self, library: &Library) -> Result<Viewer> {
        match &self.as_member {
            Some(who) => Viewer::member(library.conn(), &find_member(library, who)?),
            None => Viewer::me(library),
        }
    }
}

/// A member id from an id or a display name (names must be unambiguous).
fn find_member(library: &Library, who: &str) -> Result<String> {
    let everyone = members::list(library.conn(), &Viewer::anonymous())?;
    if let Some(m) = everyone.iter().find(|m| m.id == who) {
        return Ok(m.id.clone());
    }
    let named: Vec<_> = everyone.iter().filter(|m| m.display_name.eq_ignore_ascii_case(who.trim())).collect();
    match named.as_slice() {
        [one] => Ok(one.id.clone()),
        [] => Err(hearth::Error::NotFound { entity: "member", id: who.to_owned() }),
        _ => Err(hearth::Error::Invalid {
            field: "member",
            reason: format!("several members are called {who:?}; use an id"),
        }),
    }
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
            let draft = CommunityDraft::new(&name, &description);
            match me {
                Some(me) => community::found(&library, draft, MemberDraft::named(&me))?,
                None => community::create(&library, draft)?,
            };
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
        Command::Members { command: MembersCommand::List { library, reader } } => {
            let lib = Library::open(&library)?;
            let all = members::list(lib.conn(), &reader.viewer(&lib)?)?;
            if reader.json {
                print_json(&all);
            } else {
                for m in all {
                    println!("{:<28} {:<9} {}", m.display_name, m.role.as_str(), m.profession.unwrap_or_default());
                }
            }
        }
        Command::Stories { command: StoriesCommand::List { library, by, reader } } => {
            let lib = Library::open(&library)?;
            let author = by.map(|who| find_member(&lib, &who)).transpose()?;
            let filter = stories::StoryFilter { author, ..Default::default() };
            let all = stories::list_stories(lib.conn(), &reader.viewer(&lib)?, &filter)?;
            if reader.json {
                print_json(&all);
            } else {
                for story in all {
                    println!(
                        "{}  {}  by {} ({} responses)",
                        story.created_at.date(),
                        story.title,
                        story.author.display_name,
                        story.responses.len()
                    );
                }
            }
        }
        Command::Celebrations { command: CelebrationsCommand::Upcoming { library, days, from, ics, reader } } => {
            let lib = Library::open(&library)?;
            let from = from.unwrap_or_else(|| lib.now().date());
            let soon = celebrations::upcoming(lib.conn(), &reader.viewer(&lib)?, from, days)?;
            if ics {
                let name = community::community(lib.conn())?.name;
                print!("{}", celebrations::to_ics(&soon, &name, lib.now()));
            } else if reader.json {
                print_json(&soon);
            } else {
                for o in soon {
                    println!("{}  {:<28} {}", o.date, o.member.display_name, o.title);
                }
            }
        }
        Command::Members { command: MembersCommand::Import { library, file, dry_run, json } } => {
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
                    println!("{:>5}  {:<28} {status}", row.line, row.display_name);
                }
                let verb = if dry_run { "would import" } else { "imported" };
                println!("{verb} {} members; {} rows refused", result.valid, result.invalid);
            }
        }
        Command::Members { command: MembersCommand::Export { library, as_member } } => {
            let lib = Library::open(&library)?;
            let reader = Reader { as_member, json: false };
            print!("{}", exchange::export_csv(&lib, &reader.viewer(&lib)?)?);
        }
        Command::Members { command: MembersCommand::Portrait { library, image } } => {
            let mut lib = Library::open(&library)?;
            let bytes = hearth::ingest::images::read_image_file(&image)?;
            let me = members::set_my_portrait(&mut lib, &bytes)?;
            println!("Portrait of {} set", me.display_name);
        }
        Command::Initiatives { command } => run_initiatives(command)?,
        Command::Import { library, paths, moment, json } => run_import(&library, &paths, moment, json)?,
        Command::Media { command: MediaCommand::List { library, json } } => {
            let records = media::records(Library::open(&library)?.conn())?;
            if json {
                print_json(&records);
            } else {
                for r in records {
                    println!(
                        "{}  {:<5}  {:<25}  {:>5}×{:<5}  {}",
                        r.id,
                        if r.kind == media::MediaKind::Video { "video" } else { "photo" },
                        r.taken_at.as_deref().unwrap_or("(no date)"),
                        r.width,
                        r.height,
                        r.file_name
                    );
                }
            }
        }
        Command::Moments { command } => run_moments(command)?,
        Command::Sync { library, target, credentials, encrypt, plain, chunk_bytes, json } => {
            let mut lib = Library::open(&library)?;
            let encrypt = encrypt || (!plain && sync::new_community(&lib)?);
            let options = sync::SyncOptions { encrypt, chunk_bytes };
            let report = sync::sync_remembered(&mut lib, target.as_deref(), credentials.read(), &options)?;
            if json {
                print_json(&report);
            } else {
                println!(
                    "Sent {} changes and {} files; read {} segments: {} changes applied, {} older, {} parked, {} quarantined, {} refused; received {} files",
                    report.sent_ops,
                    report.files_sent,
                    report.segments_read,
                    report.merge.applied,
                    report.merge.superseded,
                    report.merge.parked,
                    report.merge.quarantined,
                    report.merge.refused,
                    report.files_received
                );
                for settled in &report.resolved {
                    println!(
                        "  settled a concurrent edit of {settled} (the later kept; the other saved for its author)"
                    );
                }
                if report.relayed > 0 {
                    println!("  passed on {} segment(s) and key envelope(s) the target lacked", report.relayed);
                }
                if report.keys_received > 0 {
                    println!("  received {} new community key(s) from a lead", report.keys_received);
                }
                if report.keys_handed_out > 0 {
                    println!("  sealed the community's keys for other laptops {} time(s)", report.keys_handed_out);
                }
                if report.locked > 0 {
                    println!(
                        "  {} segment(s) or file(s) are sealed with a community key this laptop has not been given: a lead hands it over at their next sync, unless this laptop was removed",
                        report.locked
                    );
                }
                for rejected in &report.rejected {
                    println!("  rejected {rejected}");
                }
            }
        }
        Command::Invite { library, name, member, out } => {
            let mut lib = Library::open(&library)?;
            let member = member.map(|m| find_member(&lib, &m)).transpose()?;
            let invitation =
                hearth::community::invite(&mut lib, name.as_deref().unwrap_or_default(), member.as_deref())?;
            match out {
                Some(path) => {
                    roster::write_invitation(&path, &invitation)?;
                    println!(
                        "Invitation for {} written to {} (sync now, then hand it over privately)",
                        invitation.name,
                        path.display()
                    );
                }
                None => println!("{}", invitation.to_code()),
            }
        }
        Command::SetAside { library, release, json } => {
            let mut lib = Library::open(&library)?;
            if let Some(id) = release {
                let merged = hearth::sync::release_set_aside(&mut lib, &id)?;
                if !json {
                    println!("Released ({} merged)", merged.applied);
                }
            }
            let held = hearth::sync::set_aside_changes(&lib)?;
            if json {
                print_json(&held);
            } else {
                for change in held {
                    let how = if change.waiting { "waits" } else { "refused" };
                    println!(
                        "{}  {} ({} changes) by {} · {how}: {}",
                        change.id, change.what, change.changes, change.by, change.reason
                    );
                }
            }
        }
        Command::BeforeSealing { library, json } => {
            let lib = Library::open(&library)?;
            let shared = hearth::sync::before_sealing::shared_before_sealing(&lib)?;
            if json {
                print_json(&shared);
            } else {
                match shared {
                    None => println!("Nothing restricted was shared before sealing (or you are not a lead)."),
                    Some(shared) => {
                        println!("{}", shared.sentence);
                        for laptop in shared.laptops {
                            println!("  {laptop}");
                        }
                    }
                }
            }
        }
        Command::Invitations { library, withdraw, json } => {
            let mut lib = Library::open(&library)?;
            if let Some(id) = withdraw {
                roster::withdraw_invitation(&mut lib, &id)?;
            }
            let pending = roster::pending_invitations(&lib)?;
            if json {
                print_json(&pending);
            } else {
                for invitation in pending {
                    println!("{}  {}", invitation.id, invitation.name);
                }
            }
        }
        Command::Devices { library, remove, json } => {
            let mut lib = Library::open(&library)?;
            if let Some(id) = remove {
                roster::remove_device(&mut lib, &id)?;
            }
            let devices = roster::devices(&lib)?;
            if json {
                print_json(&devices);
            } else {
                for device in devices {
                    let whose = if device.member_name.is_empty() { "Someone" } else { &device.member_name };
                    let how = match (device.this_laptop, device.founding, device.invited) {
                        (_, true, _) => "founded the community",
                        (_, _, true) => "let in by an invitation",
                        _ => "waiting to be let in",
                    };
                    let this = if device.this_laptop { " (this one)" } else { "" };
                    println!("{}  {whose}'s laptop{this} · {how}", device.id);
                }
            }
        }
        Command::Join { library, invitation, target, credentials } => {
            let invitation = roster::read_invitation(&invitation)?;
            let target = target.as_deref().map(Target::parse).transpose()?;
            let credentials = credentials.read().unwrap_or_default();
            let (lib, report) = sync::join(&library, &invitation, target.as_ref(), &credentials)?;
            let info = community::info(&lib)?;
            println!(
                "Joined {:?} as {} ({} members, {} changes) in {}",
                info.community.name,
                invitation.name,
                info.member_count,
                report.merge.applied,
                library.display()
            );
            for rejected in &report.rejected {
                println!("  rejected {rejected}");
            }
        }
        Command::Albums { command: AlbumsCommand::List { library, json } } => {
            let list = albums::list(Library::open(&library)?.conn())?;
            if json {
                print_json(&list);
            } else {
                for a in list {
                    println!("{}  {} ({} media)", a.id, a.title, a.media_count);
                }
            }
        }
        Command::Albums { command: AlbumsCommand::Create { library, title, description, media, json } } => {
            let mut lib = Library::open(&library)?;
            let mut album = albums::create(&mut lib, &title, &description)?;
            if !media.is_empty() {
                album = albums::add(&mut lib, &album.id, &media)?;
            }
            if json {
                print_json(&album);
            } else {
                println!("Created album {} ({}) with {} media", album.title, album.id, album.media_count);
            }
        }
        Command::Export { library, destination, moment, album } => {
            let source = match (moment, album) {
                (Some(id), _) => export::ExportSource::Moment(id),
                (None, Some(id)) => export::ExportSource::Album(id),
                (None, None) => unreachable!("clap requires one"),
            };
            let done = export::export(&Library::open(&library)?, &source, &destination)?;
            println!("Exported {} files and index.html to {}", done.files, done.folder);
        }
        Command::Bench { command: BenchCommand::Import { files, rounds, dir } } => {
            bench::import(files, rounds.max(1), dir.as_deref())?
        }
        Command::Bench { command: BenchCommand::Fill { library, media, tags } } => bench::fill(&library, media, tags)?,
        Command::Bench { command: BenchCommand::Upload { files, megabytes, rounds, endpoint, dir } } => {
            bench::upload(files, megabytes, rounds.max(1), endpoint.as_deref(), dir.as_deref())?
        }
        Command::Bench { command: BenchCommand::Merge { ops, dir } } => bench::merge(ops, dir.as_deref())?,
        Command::Bench { command: BenchCommand::Gallery { media, tags, page, dir } } => {
            bench::gallery(media, tags, page, dir.as_deref())?
        }
        Command::Members { command: MembersCommand::Show { library, member, reader } } => {
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

fn run_initiatives(command: InitiativesCommand) -> Result<()> {
    match command {
        InitiativesCommand::List { library, reader } => {
            let lib = Library::open(&library)?;
            let all = initiatives::list(lib.conn(), &reader.viewer(&lib)?)?;
            if reader.json {
                print_json(&all);
            } else {
                for i in all {
                    println!("{:<10} {:<40} {} supporters  {}", i.status.as_str(), i.title, i.supporters.len(), i.id);
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
                println!("Proposed {:?} ({})", proposed.title, proposed.id);
            }
        }
        InitiativesCommand::Support { library, initiative, why } => {
            let mut lib = Library::open(&library)?;
            let supported = initiatives::support(&mut lib, &initiative, &why)?;
            println!("{} now has {} supporters", supported.title, supported.supporters.len());
        }
        InitiativesCommand::Move { library, initiative, to } => {
            let mut lib = Library::open(&library)?;
            let moved = initiatives::move_to(&mut lib, &initiative, to)?;
            println!("{} is now {}", moved.title, moved.status.as_str());
        }
    }
    Ok(())
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
                p.current
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
        println!(
            "Imported {}, {} duplicate(s) skipped, {} failed",
            summary.imported.len(),
            summary.duplicates.len(),
            summary.failed.len()
        );
        for note in &summary.duplicates {
            println!("  skipped {}: {}", note.file, note.reason);
        }
        for note in &summary.failed {
            println!("  failed  {}: {}", note.file, note.reason);
        }
        if summary.similar > 0 {
            println!("  {} look almost the same as a photo already there", summary.similar);
        }
        for note in &summary.notes {
            println!("  note: {note}");
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
                    println!(
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
                println!("Created moment {} ({})", moment.title, moment.id);
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
            println!("Updated what happened at {moment}");
        }
        MomentsCommand::Suggest { library, json } => {
            let suggestions = moments::suggest(Library::open(&library)?.conn())?;
            if json {
                print_json(&suggestions);
            } else {
                for s in suggestions {
                    println!("{}  {} → {}  {} media", s.title, s.starts_at, s.ends_at, s.count);
                }
            }
        }
    }
    Ok(())
}

fn print_profile(m: &members::Member) {
    println!("{} ({})", m.display_name, m.role.as_str());
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
    println!("Joined: {}", m.joined_on);
    for (label, value) in lines {
        if let Some(value) = value.filter(|v| !v.is_empty()) {
            println!("{label}: {value}");
        }
    }
}

fn print_json(value: &impl serde::Serialize) {
    println!("{}", serde_json::to_string_pretty(value).expect("core types serialize"));
}
