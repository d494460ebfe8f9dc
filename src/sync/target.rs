//! A sync target as a library sees it: its marker and encryption, joining it, remembering it,
//! and the status the window shows.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result, TargetProblem};
use crate::store::library::{self, Access, Library};
use crate::sync::crypto::{self, CommunityKey, Keyring};
use crate::sync::offline::auto_sync;
use crate::sync::offline::originals_on_demand;
use crate::sync::roster::{self, Invitation};
use crate::sync::run::run;
use crate::sync::run::{SyncProgress, SyncReport};
use crate::sync::storage::{self, Credentials, Store, Target};
use crate::sync::FORMAT;

pub(crate) const MARKER: &str = "hearth-sync.json";

/// What a target's marker says.
pub(crate) struct Marker {
    /// The id of the community key everything in the target is sealed with.
    sealed_with: Option<String>,
}

/// Reads the target's format marker; a target written by a newer Hearth is refused.
pub(crate) fn read_format(store: &Store) -> Result<Option<Marker>> {
    let Some(bytes) = store.get(MARKER)? else { return Ok(None) };
    let marker: serde_json::Value = serde_json::from_slice(&bytes).unwrap_or_default();
    let format = marker["format"].as_u64().ok_or_else(|| {
        Error::target(TargetProblem::NotATarget, format!("{}: {MARKER} is not a Hearth sync marker", store.target()))
    })?;
    if format > u64::from(FORMAT) {
        return Err(Error::target(
            TargetProblem::NewerFormat,
            format!(
                "{} was written by a newer Hearth (sync format {format}; this app knows {FORMAT}); update Hearth to sync with it",
                store.target()
            ),
        ));
    }
    Ok(Some(Marker { sealed_with: marker["encrypted_with"].as_str().map(str::to_owned) }))
}

/// Checks (or writes) the target's marker and settles encryption: the community keys to seal
/// and open with, or None for a plain target. A new target is encrypted when asked or when
/// this library already holds a community key (the key is made, and kept, first).
pub(crate) fn check_format(store: &Store, root: &Path, encrypt: bool) -> Result<Option<Keyring>> {
    let mut held = crypto::load(root)?;
    let marker = match read_format(store)? {
        Some(marker) => marker,
        None => {
            if held.is_none() && encrypt {
                let keyring = Keyring::founding(CommunityKey::generate()?);
                crypto::save(root, &keyring)?;
                held = Some(keyring);
            }
            let mut marker = serde_json::json!({ "format": FORMAT, "app": "Hearth" });
            if let Some(keyring) = &held {
                marker["encrypted_with"] = serde_json::Value::String(keyring.first().id());
            }
            store.put_new(MARKER, marker.to_string().into_bytes())?;
            // Another device may have written its marker at the same moment: read what stands.
            read_format(store)?
                .ok_or_else(|| Error::invalid("target", format!("{}: the marker vanished", store.target())))?
        }
    };
    match (marker.sealed_with, held) {
        (Some(id), Some(keyring)) if keyring.first().id() == id => Ok(Some(keyring)),
        (Some(_), Some(_)) => Err(Error::target(
            TargetProblem::OtherCommunity,
            format!("{} is encrypted with another community's key than this library's", store.target()),
        )),
        (Some(_), None) => Err(Error::target(
            TargetProblem::NeedsInvitation,
            format!(
                "{} is encrypted and this laptop has no key for it: join with an invitation from one of the community's leads",
                store.target()
            ),
        )),
        (None, _) if encrypt => Err(Error::invalid(
            "target",
            format!("{} already holds unencrypted data; to encrypt, start with an empty folder, bucket or address", store.target()),
        )),
        (None, _) => Ok(None),
    }
}

/// How a sync goes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct SyncOptions {
    /// Seal everything with the community key (only a new, empty target can start so; one
    /// that is already encrypted stays so regardless).
    pub encrypt: bool,
    /// Files larger than this many bytes travel in pieces of this size (default 8 MiB).
    #[serde(default)]
    pub chunk_bytes: Option<u32>,
}

/// One sync with a folder target (see [`run`]).
pub fn sync_folder(library: &mut Library, target: &Path) -> Result<SyncReport> {
    sync_target(library, &Target::Folder(target.to_path_buf()), &Credentials::default())
}

/// One sync with any target, the library held throughout (the command line, tests).
pub fn sync_target(library: &mut Library, target: &Target, credentials: &Credentials) -> Result<SyncReport> {
    sync_with(library, target, credentials, &SyncOptions::default())
}

/// [`sync_target`] with options.
pub fn sync_with(
    library: &mut Library,
    target: &Target,
    credentials: &Credentials,
    options: &SyncOptions,
) -> Result<SyncReport> {
    let store = Store::open(target, credentials)?;
    run(&std::cell::RefCell::new(library), &store, options, &|_| {})
}

/// What the window's "Test connection" says about a target; never writes to it.
pub fn probe(target: &Target, credentials: &Credentials) -> Result<String> {
    // Checked before opening, which would create a missing folder.
    if let Target::Folder(folder) = target {
        if !folder.is_dir() {
            return Err(Error::target(
                TargetProblem::Unreachable,
                format!("{} is not a folder that can be reached (is the drive plugged in?)", folder.display()),
            ));
        }
    }
    let store = Store::open(target, credentials)?;
    Ok(match read_format(&store)? {
        Some(marker) => {
            let devices: std::collections::BTreeSet<String> = store
                .list("log")?
                .into_iter()
                .filter_map(|(name, _)| name.split('/').nth(1).map(str::to_owned))
                .collect();
            format!(
                "Reachable: {} Hearth community synced by {} device{}.",
                if marker.sealed_with.is_some() { "an encrypted" } else { "a" },
                devices.len(),
                if devices.len() == 1 { "" } else { "s" }
            )
        }
        None => {
            store.list("")?;
            "Reachable and empty: the first sync will start the community here.".to_owned()
        }
    })
}

/// Joins a community with an invitation: a new library, trusting the community's founding
/// device, speaking for the invited member, filled by one sync with the invitation's target
/// (or `target`, for a community that moved).
pub fn join(
    root: &Path,
    invitation: &Invitation,
    target: Option<&Target>,
    credentials: &Credentials,
) -> Result<(Library, SyncReport)> {
    let target = match target {
        Some(target) => target.clone(),
        None => Target::parse(invitation.target.as_deref().ok_or_else(|| {
            Error::invalid("target", "the invitation names no sync target; give the shared folder, bucket or address")
        })?)?,
    };
    if let Target::Folder(folder) = &target {
        if !folder.join(MARKER).is_file() {
            return Err(Error::target(
                TargetProblem::NotATarget,
                format!("{} holds no Hearth community to join", folder.display()),
            ));
        }
    }
    let store = Store::open(&target, credentials)?;
    if read_format(&store)?.is_none() {
        return Err(Error::target(TargetProblem::NotATarget, format!("{target} holds no Hearth community to join")));
    }
    let existed = root.exists();
    let mut library = Library::create_for_join(root)?;
    let joined = (|| {
        roster::accept(&library, invitation)?;
        let report = run(&std::cell::RefCell::new(&mut library), &store, &SyncOptions::default(), &|_| {})?;
        let has_community: bool =
            library.conn().query_row("SELECT count(*) > 0 FROM community WHERE deleted = 0", [], |row| row.get(0))?;
        if !has_community {
            return Err(Error::invalid("target", "the target's segments held no community; nothing was joined"));
        }
        library.conn().execute("DELETE FROM local_settings WHERE key = 'joining'", [])?;
        roster::ensure_member(&mut library, invitation)?;
        remember(&library, &target, credentials)?;
        Ok(report)
    })();
    match joined {
        Ok(report) => Ok((library, report)),
        Err(e) => {
            // A join that did not work leaves no half-made library: the folder is as it was
            // (new folders go, an empty one chosen is emptied again).
            drop(library);
            if existed {
                for entry in std::fs::read_dir(root).into_iter().flatten().flatten() {
                    let path = entry.path();
                    let _ = if path.is_dir() { std::fs::remove_dir_all(&path) } else { std::fs::remove_file(&path) };
                }
            } else {
                let _ = std::fs::remove_dir_all(root);
            }
            Err(e)
        }
    }
}

/// The target to sync with: `given` (with its credentials, remembered for next time), or the
/// one this library synced with last. A remembered folder that is not there (an unplugged
/// drive) is an error, never quietly created on the local disk.
pub fn resolve(
    library: &Library,
    given: Option<&str>,
    credentials: Option<Credentials>,
) -> Result<(Target, Credentials)> {
    let target = match given {
        // A new folder is made for a first sync, but only where a folder already stands: a typo
        // or an unplugged stick must not quietly fill a folder on the laptop's own disk.
        Some(text) => match Target::parse(text)? {
            Target::Folder(folder) if !folder.is_dir() && !folder.parent().is_some_and(Path::is_dir) => {
                return Err(Error::target(
                    TargetProblem::Unreachable,
                    format!(
                        "{} cannot be reached: {} does not exist (is the drive plugged in?)",
                        folder.display(),
                        folder.parent().map_or_else(String::new, |p| p.display().to_string())
                    ),
                ));
            }
            target => target,
        },
        None => {
            let remembered = library::get_local(library.conn(), "sync_target")?.ok_or_else(|| {
                Error::invalid("target", "no sync target yet: choose a shared folder, S3 bucket or WebDAV address")
            })?;
            let target = Target::parse(&remembered)?;
            if let Target::Folder(folder) = &target {
                if !folder.is_dir() {
                    return Err(Error::target(
                        TargetProblem::Unreachable,
                        format!("the shared folder {} is not reachable (is the drive plugged in?)", folder.display()),
                    ));
                }
            }
            target
        }
    };
    let credentials = match credentials {
        Some(credentials) => credentials,
        None => storage::remembered_credentials(library.root(), &target)?,
    };
    Ok((target, credentials))
}

/// Remembers the target (and its credentials) after a sync that worked.
pub fn remember(library: &Library, target: &Target, credentials: &Credentials) -> Result<()> {
    if !credentials.is_empty() {
        storage::remember_credentials(library.root(), target, credentials)?;
    }
    library::set_local(library.conn(), "sync_target", &target.to_string())?;
    library::set_local(library.conn(), "sync_last_at", &library.now().0.to_string())?;
    Ok(())
}

/// One sync with the remembered target (or `target`, which is then remembered), as the window
/// and the CLI both run it: resolve the target and its credentials, open it, run the sync
/// without holding the library during transfers, and remember the target once it worked.
pub fn sync_shared(
    access: &impl Access,
    target: Option<&str>,
    credentials: Option<Credentials>,
    options: &SyncOptions,
    listener: &(dyn Fn(&SyncProgress) + Sync),
) -> Result<SyncReport> {
    let (target, credentials) = access.with(|library| resolve(library, target, credentials))?;
    let store = Store::open(&target, &credentials)?;
    let report = run(access, &store, options, listener)?;
    access.with(|library| remember(library, &target, &credentials))?;
    Ok(report)
}

/// Syncs with `target`, or with the one this library synced with last; remembers it.
pub fn sync_remembered(
    library: &mut Library,
    target: Option<&str>,
    credentials: Option<Credentials>,
    options: &SyncOptions,
) -> Result<SyncReport> {
    sync_shared(&std::cell::RefCell::new(library), target, credentials, options, &|_| {})
}

/// Where this library syncs and when it last did.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct SyncStatus {
    pub target: Option<String>,
    pub last_sync: Option<crate::clock::Millis>,
    /// The user name (or access key id) remembered for the target; the secret never leaves
    /// its file.
    pub user: Option<String>,
    /// Whether this library holds the community key (its targets are encrypted).
    pub encrypted: bool,
    /// Whether originals come only when opened (and for what is kept offline).
    pub originals_on_demand: bool,
    /// Whether the app syncs on its own whenever the target is reachable.
    pub auto: bool,
    /// Whether a lead removed this laptop from the community (what it writes is refused).
    pub removed: bool,
    /// Whether this is a new community's founding laptop that has never synced: its first
    /// target is encrypted unless its lead chooses otherwise ([`new_community`]).
    pub new_community: bool,
}

/// Whether `library` founded its community and has shared nothing yet (no target, no key, no
/// segment sent or merged): the window and the CLI encrypt its first target by default.
pub fn new_community(library: &Library) -> Result<bool> {
    let conn = library.conn();
    let synced: bool = conn.query_row("SELECT EXISTS (SELECT 1 FROM merged_segments)", [], |row| row.get(0))?;
    Ok(!synced
        && library::get_local(conn, "sync_target")?.is_none()
        && library::get_local(conn, "invitation_id")?.is_none()
        && crypto::load(library.root())?.is_none())
}

pub fn status(library: &Library) -> Result<SyncStatus> {
    let conn = library.conn();
    let target = library::get_local(conn, "sync_target")?;
    let user = match target.as_deref().map(Target::parse) {
        Some(Ok(target)) => {
            Some(storage::remembered_credentials(library.root(), &target)?.user).filter(|u| !u.is_empty())
        }
        _ => None,
    };
    Ok(SyncStatus {
        target,
        last_sync: library::get_local(conn, "sync_last_at")?.and_then(|t| t.parse().ok()).map(crate::clock::Millis),
        user,
        encrypted: crypto::load(library.root())?.is_some(),
        originals_on_demand: originals_on_demand(library)?,
        auto: auto_sync(library)?,
        removed: roster::removed(library)?,
        new_community: new_community(library)?,
    })
}
