//! `hearth`: the command line over the core, for scripts, tests and people who like terminals.
//! Every listing takes `--json`.

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use hearth::people::members;
use hearth::sync::storage::Credentials;
use hearth::viewer::Viewer;
use hearth::{Library, Result};

/// `println!` for command output: see [`write_line`].
macro_rules! out {
    () => {
        $crate::write_line(format_args!(""))
    };
    ($($arg:tt)*) => {
        $crate::write_line(format_args!($($arg)*))
    };
}

mod artefacts;
mod badges;
mod bench;
mod community;
mod convene;
mod health;
mod initiatives;
mod memories;
mod people;
mod pulse;
mod sync;
mod yearbook;

#[derive(Parser)]
#[command(name = "hearth", version, about = "A community of practice's people, memory and initiatives")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
pub enum Command {
    /// Create a new library (a folder) holding a new community.
    Init(community::InitArgs),
    /// Create the deterministic demo community in a new folder.
    Demo(community::DemoArgs),
    /// Show what a library holds.
    Info(community::InfoArgs),
    /// Members of the community.
    Members(people::MembersArgs),
    /// Personal stories.
    Stories(people::StoriesArgs),
    /// Initiatives members propose, support and drive.
    Initiatives(initiatives::InitiativesArgs),
    /// Rituals and their gatherings: when they meet, RSVPs, the calendar.
    Rituals(convene::RitualsArgs),
    /// The community's artefacts: songs, mascots, garments, signs, with their stories.
    Artefacts(artefacts::ArtefactsArgs),
    /// Signs of membership: badges, awards, and credentials that verify offline.
    Badges(badges::BadgesArgs),
    /// The community pulse: rounds in which members set the dimensions' sliders.
    Pulse(pulse::PulseArgs),
    /// Community health: findings in sentences, computed on this laptop and never synced.
    Health(health::HealthArgs),
    /// The community's year as a book: a folder anyone can open (index.html and its photos).
    Yearbook(yearbook::YearbookArgs),
    /// The newcomers' guide: rituals, songs, stories the leads chose and who will welcome them.
    Primer(yearbook::PrimerArgs),
    /// Birthdays, join anniversaries and accomplishments.
    Celebrations(people::CelebrationsArgs),
    /// Import photos and videos (files or folders) into the gallery.
    Import(memories::ImportArgs),
    /// The gallery's photos and videos.
    Media(memories::MediaArgs),
    /// The community's moments (events).
    Moments(memories::MomentsArgs),
    /// Albums of photos and videos.
    Albums(memories::AlbumsArgs),
    /// Export a moment or an album as a folder: the originals and a self-contained index.html.
    Export(memories::ExportArgs),
    /// Sync with a shared folder, S3 bucket or WebDAV server: send this laptop's changes and
    /// media, merge everyone's.
    Sync(sync::SyncArgs),
    /// Invite someone (leads): a new member (or an existing one) and an invitation that lets
    /// one laptop in as them. Sync afterwards so the invitation reaches the target first.
    Invite(sync::InviteArgs),
    /// Changes from other laptops set aside at merge, with why (leads); `--release ID` merges
    /// one that waits only for this laptop's clock, or lets any other go.
    SetAside(sync::SetAsideArgs),
    /// Restricted data shared before sealing existed (leads): care notes, messages, private
    /// fields and restricted stories that may be on the laptops listed, in clear.
    BeforeSealing(sync::BeforeSealingArgs),
    /// Invitations no laptop has used yet; `--withdraw ID` withdraws one (leads).
    Invitations(sync::InvitationsArgs),
    /// The laptops in the community's roster; `--remove ID` removes a lost one (leads): every
    /// replica refuses what it writes, and in an encrypted community a new key seals what comes
    /// after.
    Devices(sync::DevicesArgs),
    /// Join a community with an invitation (its file or code) into a new library.
    Join(sync::JoinArgs),
    /// Benchmarks that print a comparison.
    Bench(bench::BenchArgs),
}
/// Credentials for a remote target. The secret comes from the environment, never from the
/// command line (where other users could read it).
#[derive(clap::Args)]
pub struct CredentialArgs {
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
/// Who is reading, and how to print.
#[derive(clap::Args)]
pub struct Reader {
    /// Read as this member (id or display name); defaults to this device's member.
    #[arg(long = "as", value_name = "MEMBER")]
    as_member: Option<String>,
    /// Print as JSON instead of text.
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
pub(crate) fn find_member(library: &Library, who: &str) -> Result<String> {
    let everyone = members::list(library.conn(), &Viewer::anonymous())?;
    if let Some(m) = everyone.iter().find(|m| m.id == who) {
        return Ok(m.id.clone());
    }
    // Case does not count, in any script ("zoë" finds "Zoë").
    let wanted = who.trim().to_lowercase();
    let named: Vec<_> = everyone.iter().filter(|m| m.display_name.to_lowercase() == wanted).collect();
    match named.as_slice() {
        [one] => Ok(one.id.clone()),
        [] => Err(hearth::Error::NotFound { entity: "member", id: who.to_owned() }),
        several => Err(hearth::Error::Invalid {
            field: "member",
            reason: format!(
                "several members are called {who:?}; use an id: {}",
                several.iter().map(|m| m.id.as_str()).collect::<Vec<_>>().join(", ")
            ),
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
        Command::Init(args) => community::init(args),
        Command::Demo(args) => community::demo(args),
        Command::Info(args) => community::info(args),
        Command::Members(args) => people::members(args),
        Command::Stories(args) => people::stories(args),
        Command::Initiatives(args) => initiatives::initiatives(args),
        Command::Rituals(args) => convene::rituals(args),
        Command::Artefacts(args) => artefacts::artefacts(args),
        Command::Badges(args) => badges::badges(args),
        Command::Pulse(args) => pulse::pulse(args),
        Command::Health(args) => health::health(args),
        Command::Yearbook(args) => yearbook::yearbook(args),
        Command::Primer(args) => yearbook::primer(args),
        Command::Celebrations(args) => people::celebrations(args),
        Command::Import(args) => memories::import(args),
        Command::Media(args) => memories::media(args),
        Command::Moments(args) => memories::moments(args),
        Command::Albums(args) => memories::albums(args),
        Command::Export(args) => memories::export(args),
        Command::Sync(args) => sync::sync(args),
        Command::Invite(args) => sync::invite(args),
        Command::SetAside(args) => sync::set_aside(args),
        Command::BeforeSealing(args) => sync::before_sealing(args),
        Command::Invitations(args) => sync::invitations(args),
        Command::Devices(args) => sync::devices(args),
        Command::Join(args) => sync::join(args),
        Command::Bench(args) => bench::bench(args),
    }
}
pub(crate) fn print_json(value: &impl serde::Serialize) {
    out!("{}", serde_json::to_string_pretty(value).expect("core types serialize"));
}

/// One line of output. When whoever reads it has gone (`hearth … --json | head`), the command
/// ends quietly, as Unix tools do, instead of panicking over a broken pipe.
pub(crate) fn write_line(line: std::fmt::Arguments) {
    write_text(&format!("{line}\n"));
}

/// Output exactly as given (a CSV, an iCalendar file with its CRLF line ends); a reader that
/// has gone ends the command quietly, as for [`write_line`].
pub(crate) fn write_text(text: &str) {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    if let Err(e) = stdout.write_all(text.as_bytes()).and_then(|()| stdout.flush()) {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        eprintln!("error: could not write the output: {e}");
        std::process::exit(1);
    }
}

/// Text from outside (a file name, a reason naming one) as one line of terminal output:
/// control characters (a newline, an escape sequence) shown escaped, so a crafted name cannot
/// forge lines or move the cursor.
pub(crate) fn shown(text: &str) -> String {
    text.chars().map(|c| if c.is_control() { c.escape_default().to_string() } else { c.to_string() }).collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn control_characters_in_names_are_shown_escaped() {
        assert_eq!(super::shown("dinner.jpg"), "dinner.jpg");
        assert_eq!(
            super::shown("a.jpg\n  failed  b.jpg: forged\u{1b}[2K"),
            r"a.jpg\n  failed  b.jpg: forged\u{1b}[2K",
            "a newline and an escape sequence never reach the terminal raw"
        );
        assert_eq!(super::shown("Café ☕"), "Café ☕", "the rest of Unicode stays as it is");
    }
}
