//! `hearth` subcommands: Sync, invitations, the roster, what is set aside.

use std::path::PathBuf;

use hearth::community::{self};
use hearth::sync;
use hearth::sync::roster;
use hearth::sync::storage::Target;
use hearth::{Library, Result};

use crate::{find_member, print_json, CredentialArgs};

/// Sync with a shared folder, S3 bucket or WebDAV server: send this laptop's changes and
/// media, merge everyone's.
#[derive(clap::Args)]
pub struct SyncArgs {
    /// The library: the folder holding hearth.db.
    pub library: PathBuf,
    /// A folder, `s3://bucket?endpoint=…&region=…` or a WebDAV `https://…` address
    /// (remembered for the next sync).
    #[arg(long)]
    pub target: Option<String>,
    #[command(flatten)]
    pub credentials: CredentialArgs,
    /// Encrypt everything stored in the target with the community key (a new target only;
    /// the key travels in invitations). A new community's first target is encrypted
    /// unless `--plain` is given.
    #[arg(long, conflicts_with = "plain")]
    pub encrypt: bool,
    /// Leave a new community's first target unencrypted: whoever holds it can read what is
    /// shared with everyone (care notes, leads-only and only-me fields stay sealed).
    #[arg(long)]
    pub plain: bool,
    /// Files larger than this many bytes travel in pieces of this size (default 8 MiB).
    #[arg(long)]
    pub chunk_bytes: Option<u32>,
    /// Print the sync's report as JSON instead of sentences.
    #[arg(long)]
    pub json: bool,
}

pub fn sync(SyncArgs { library, target, credentials, encrypt, plain, chunk_bytes, json }: SyncArgs) -> Result<()> {
    let mut lib = Library::open(&library)?;
    let encrypt = encrypt || (!plain && sync::new_community(&lib)?);
    let options = sync::SyncOptions { encrypt, chunk_bytes };
    let report = sync::sync_remembered(&mut lib, target.as_deref(), credentials.read(), &options)?;
    if json {
        print_json(&report);
    } else {
        out!(
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
            out!("  settled a concurrent edit of {settled} (the later kept; the other saved for its author)");
        }
        if report.relayed > 0 {
            out!("  passed on {} segment(s) and key envelope(s) the target lacked", report.relayed);
        }
        if report.keys_received > 0 {
            out!("  received {} new community key(s) from a lead", report.keys_received);
        }
        if report.keys_handed_out > 0 {
            out!("  sealed the community's keys for other laptops {} time(s)", report.keys_handed_out);
        }
        if report.locked > 0 {
            out!(
                    "  {} segment(s) or file(s) are sealed with a community key this laptop has not been given: a lead hands it over at their next sync, unless this laptop was removed",
                    report.locked
                );
        }
        for rejected in &report.rejected {
            out!("  rejected {rejected}");
        }
    }
    Ok(())
}

/// Invite someone (leads): a new member (or an existing one) and an invitation that lets
/// one laptop in as them. Sync afterwards so the invitation reaches the target first.
#[derive(clap::Args)]
pub struct InviteArgs {
    /// The library: the folder holding hearth.db.
    pub library: PathBuf,
    /// The newcomer's name (a new member profile is made for them).
    #[arg(long, required_unless_present = "member")]
    pub name: Option<String>,
    /// Invite an existing member (by id or name) instead.
    #[arg(long, conflicts_with = "name")]
    pub member: Option<String>,
    /// Write the invitation to this file (default: print its code).
    #[arg(long)]
    pub out: Option<PathBuf>,
}

pub fn invite(InviteArgs { library, name, member, out }: InviteArgs) -> Result<()> {
    let mut lib = Library::open(&library)?;
    let member = member.map(|m| find_member(&lib, &m)).transpose()?;
    let invitation = hearth::community::invite(&mut lib, name.as_deref().unwrap_or_default(), member.as_deref())?;
    match out {
        Some(path) => {
            roster::write_invitation(&path, &invitation)?;
            out!(
                "Invitation for {} written to {} (sync now, then hand it over privately)",
                invitation.name,
                path.display()
            );
        }
        None => out!("{}", invitation.to_code()),
    }
    Ok(())
}

/// Changes from other laptops set aside at merge, with why (leads); `--release ID` merges
/// one that waits only for this laptop's clock, or lets any other go.
#[derive(clap::Args)]
pub struct SetAsideArgs {
    /// The library: the folder holding hearth.db.
    pub library: PathBuf,
    /// Release these changes (their id, as listed): merge them if they wait only for this laptop's
    /// clock, else let them go.
    #[arg(long)]
    pub release: Option<String>,
    /// Print the changes set aside as JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

pub fn set_aside(SetAsideArgs { library, release, json }: SetAsideArgs) -> Result<()> {
    let mut lib = Library::open(&library)?;
    if let Some(id) = release {
        let merged = hearth::sync::release_set_aside(&mut lib, &id)?;
        if !json {
            out!("Released ({} merged)", merged.applied);
        }
    }
    let held = hearth::sync::set_aside_changes(&lib)?;
    if json {
        print_json(&held);
    } else {
        for change in held {
            let how = if change.waiting { "waits" } else { "refused" };
            out!(
                "{}  {} ({} changes) by {} · {how}: {}",
                change.id,
                change.what,
                change.changes,
                change.by,
                change.reason
            );
        }
    }
    Ok(())
}

/// Restricted data shared before sealing existed (leads): care notes, messages, private
/// fields and restricted stories that may be on the laptops listed, in clear.
#[derive(clap::Args)]
pub struct BeforeSealingArgs {
    /// The library: the folder holding hearth.db.
    pub library: PathBuf,
    /// Print what was shared and the laptops as JSON instead of text (null if nothing was, or not a lead).
    #[arg(long)]
    pub json: bool,
}

pub fn before_sealing(BeforeSealingArgs { library, json }: BeforeSealingArgs) -> Result<()> {
    let lib = Library::open(&library)?;
    let shared = hearth::sync::before_sealing::shared_before_sealing(&lib)?;
    if json {
        print_json(&shared);
    } else {
        match shared {
            None => out!("Nothing restricted was shared before sealing (or you are not a lead)."),
            Some(shared) => {
                out!("{}", shared.sentence);
                for laptop in shared.laptops {
                    out!("  {laptop}");
                }
            }
        }
    }
    Ok(())
}

/// Invitations no laptop has used yet; `--withdraw ID` withdraws one (leads).
#[derive(clap::Args)]
pub struct InvitationsArgs {
    /// The library: the folder holding hearth.db.
    pub library: PathBuf,
    /// Withdraw this invitation (its id, as listed): no laptop can join with it from the next sync on.
    #[arg(long)]
    pub withdraw: Option<String>,
    /// Print the invitations as JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

pub fn invitations(InvitationsArgs { library, withdraw, json }: InvitationsArgs) -> Result<()> {
    let mut lib = Library::open(&library)?;
    if let Some(id) = withdraw {
        roster::withdraw_invitation(&mut lib, &id)?;
    }
    let pending = roster::pending_invitations(&lib)?;
    if json {
        print_json(&pending);
    } else {
        for invitation in pending {
            out!("{}  {}", invitation.id, invitation.name);
        }
    }
    Ok(())
}

/// The laptops in the community's roster; `--remove ID` removes a lost one (leads): every
/// replica refuses what it writes, and in an encrypted community a new key seals what comes
/// after.
#[derive(clap::Args)]
pub struct DevicesArgs {
    /// The library: the folder holding hearth.db.
    pub library: PathBuf,
    /// Remove this laptop (its id, as listed); not the one you are using.
    #[arg(long)]
    pub remove: Option<String>,
    /// Print the laptops as JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

pub fn devices(DevicesArgs { library, remove, json }: DevicesArgs) -> Result<()> {
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
            out!("{}  {whose}'s laptop{this} · {how}", device.id);
        }
    }
    Ok(())
}

/// Join a community with an invitation (its file or code) into a new library.
#[derive(clap::Args)]
pub struct JoinArgs {
    /// The new library's folder (it must not exist yet, or be an empty folder).
    pub library: PathBuf,
    /// The invitation file, or its `hearth-invite:…` code.
    #[arg(long)]
    pub invitation: String,
    /// The sync target, when it is not the one the invitation names.
    #[arg(long)]
    pub target: Option<String>,
    #[command(flatten)]
    pub credentials: CredentialArgs,
}

pub fn join(JoinArgs { library, invitation, target, credentials }: JoinArgs) -> Result<()> {
    let invitation = roster::read_invitation(&invitation)?;
    let target = target.as_deref().map(Target::parse).transpose()?;
    let credentials = credentials.read().unwrap_or_default();
    let (lib, report) = sync::join(&library, &invitation, target.as_ref(), &credentials)?;
    let info = community::info(&lib)?;
    out!(
        "Joined {:?} as {} ({} members, {} changes) in {}",
        info.community.name,
        invitation.name,
        info.member_count,
        report.merge.applied,
        library.display()
    );
    for rejected in &report.rejected {
        out!("  rejected {rejected}");
    }
    Ok(())
}
