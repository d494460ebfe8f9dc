use hearth::sync::storage::{Credentials, Target};
use hearth::sync::{self, SyncOptions, SyncProgress, SyncReport, SyncStatus};
use tauri::{AppHandle, Emitter, Manager, State};

use crate::error::{CommandError, CommandResult};
use crate::state::{AppState, OpenLibrary};

#[tauri::command]
#[specta::specta]
pub fn sync_status(state: State<AppState>) -> CommandResult<SyncStatus> {
    state.with_library(|library| sync::status(library))
}

/// One sync with `target` (a folder, `s3://…` or a WebDAV address), or the one used last.
/// Runs on a worker thread and holds the library only while it reads or writes the database,
/// so the window stays usable; progress arrives as `sync-progress` events. A sync already
/// running (an automatic one) is waited for.
#[tauri::command]
#[specta::specta]
pub async fn sync_now(
    app: AppHandle,
    target: Option<String>,
    credentials: Option<Credentials>,
    options: Option<SyncOptions>,
) -> CommandResult<SyncReport> {
    if let Some(target) = &target {
        let remembered = app.state::<AppState>().with_library(remembered_target)?;
        app.state::<crate::chosen::Chosen>().check_target(target, remembered.as_deref())?;
    }
    let work = tauri::async_runtime::spawn_blocking(move || {
        if let Some(target) = &target {
            let remembered = app.state::<AppState>().with_library(remembered_target)?;
            confirm_new_remote(&app, target, remembered.as_deref())?;
        }
        let state = app.state::<AppState>();
        let _one_at_a_time = state.sync_lock.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        sync_once(&app, target, credentials, &options.unwrap_or_default())
    });
    work.await.map_err(|e| hearth::Error::invalid("sync", format!("the sync stopped unexpectedly: {e}")))?
}

fn sync_once(
    app: &AppHandle,
    target: Option<String>,
    credentials: Option<Credentials>,
    options: &SyncOptions,
) -> CommandResult<SyncReport> {
    let state = app.state::<AppState>();
    let root = state.with_library(|library| Ok(library.root().to_path_buf()))?;
    let access = OpenLibrary { state: &state, root };
    Ok(sync::sync_shared(&access, target.as_deref(), credentials, options, &|progress: &SyncProgress| {
        let _ = app.emit("sync-progress", progress.clone());
    })?)
}

/// What an automatic sync came to, sent to the window as a `sync-finished` event.
#[derive(Debug, Clone, serde::Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct AutoSyncOutcome {
    pub report: Option<SyncReport>,
    /// Why it could not sync this time (the target is out of reach, …), as any command's
    /// error: the window switches on its code; it tries again later.
    pub problem: Option<CommandError>,
}

/// Syncs on its own, for a library that asks to (`sync::auto_sync`), every two minutes (or
/// `HEARTH_AUTO_SYNC_SECONDS`) whichever page the window shows; a target out of reach (a USB
/// stick unplugged, no network) is tried again at the next turn. Never two syncs at once.
pub fn start_auto_sync(app: AppHandle) {
    let every = std::env::var("HEARTH_AUTO_SYNC_SECONDS").ok().and_then(|s| s.parse::<u64>().ok()).unwrap_or(120);
    let every = std::time::Duration::from_secs(every.max(1));
    let tick = every.min(std::time::Duration::from_secs(15));
    let spawned = std::thread::Builder::new().name("auto-sync".into()).spawn(move || {
        // Time is counted in the thread's own sleeps (the wall clock is read only by
        // hearth::clock); the first turn comes one tick after the app starts.
        let mut since_last = every;
        loop {
            std::thread::sleep(tick);
            since_last += tick;
            if since_last < every {
                continue;
            }
            let state = app.state::<AppState>();
            if !state.with_library(|library| sync::auto_sync(library)).unwrap_or(false) {
                continue;
            }
            let Ok(_one_at_a_time) = state.sync_lock.try_lock() else { continue };
            since_last = std::time::Duration::ZERO;
            let outcome = match sync_once(&app, None, None, &SyncOptions::default()) {
                Ok(report) => AutoSyncOutcome { report: Some(report), problem: None },
                Err(error) => AutoSyncOutcome { report: None, problem: Some(error) },
            };
            let _ = app.emit("sync-finished", outcome);
        }
    });
    if let Err(e) = spawned {
        tracing::warn!("automatic sync is off: its thread did not start ({e})");
    }
}

/// Syncs on its own whenever the target is reachable, or only when asked.
#[tauri::command]
#[specta::specta]
pub fn set_auto_sync(state: State<AppState>, on: bool) -> CommandResult<SyncStatus> {
    state.with_library(|library| {
        sync::set_auto_sync(library, on)?;
        sync::status(library)
    })
}

/// Checks that a target answers and what it holds, without writing to it.
#[tauri::command]
#[specta::specta]
pub async fn test_sync_target(
    state: State<'_, AppState>,
    chosen: State<'_, crate::chosen::Chosen>,
    target: String,
    credentials: Option<Credentials>,
) -> CommandResult<String> {
    let remembered = state.with_library(remembered_target)?;
    chosen.check_target(&target, remembered.as_deref())?;
    let parsed = Target::parse(&target)?;
    let credentials = match credentials {
        Some(credentials) => credentials,
        None => state.with_library(|library| hearth::sync::storage::remembered_credentials(library.root(), &parsed))?,
    };
    let probed = tauri::async_runtime::spawn_blocking(move || sync::probe(&parsed, &credentials)).await;
    Ok(probed.map_err(|e| hearth::Error::invalid("sync", format!("the test stopped unexpectedly: {e}")))??)
}

#[tauri::command]
#[specta::specta]
pub fn my_revisions(state: State<AppState>) -> CommandResult<Vec<sync::Revision>> {
    state.with_library(|library| sync::my_revisions(library))
}

#[tauri::command]
#[specta::specta]
pub fn restore_revision(state: State<AppState>, id: u32) -> CommandResult<()> {
    state.with_library(|library| sync::restore_revision(library, id))
}

/// An invitation as the window shows it: the code to hand over, and whom it is for.
#[derive(Debug, Clone, serde::Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct InvitationCode {
    pub code: String,
    pub name: String,
    pub target: Option<String>,
}

/// A lead invites someone new: a member profile for them and a code that lets one laptop in.
#[tauri::command]
#[specta::specta]
pub fn create_invitation(state: State<AppState>, name: String) -> CommandResult<InvitationCode> {
    let invitation = state.with_library(|library| hearth::community::invite(library, &name, None))?;
    Ok(InvitationCode { code: invitation.to_code(), name: invitation.name, target: invitation.target })
}

/// Joins a community with an invitation code into a new library at `path`, fills it with one
/// sync (off the main thread) and opens it.
#[tauri::command]
#[specta::specta]
pub async fn join_community(
    app: AppHandle,
    path: String,
    invitation: String,
    target: Option<String>,
    credentials: Option<Credentials>,
) -> CommandResult<hearth::community::LibraryInfo> {
    let work = tauri::async_runtime::spawn_blocking(move || -> CommandResult<hearth::community::LibraryInfo> {
        let invitation = hearth::sync::roster::Invitation::parse(&invitation)?;
        let chosen = app.state::<crate::chosen::Chosen>();
        // The invitation's own target, or one the person chose (joining writes there too).
        let named = target.as_deref().map(str::trim).filter(|t| !t.is_empty());
        if let Some(named) = named {
            chosen.check_target(named, invitation.target.as_deref())?;
        }
        let target = named.map(Target::parse).transpose()?;
        let (library, _) = sync::join(
            &app.state::<crate::chosen::Chosen>().check(&path)?,
            &invitation,
            target.as_ref(),
            &credentials.unwrap_or_default(),
        )?;
        let info = hearth::community::info(&library)?;
        app.state::<AppState>().set_library(library)?;
        Ok(info)
    });
    work.await.map_err(|e| hearth::Error::invalid("join", format!("joining stopped unexpectedly: {e}")))?
}

/// Originals only when opened (thumbnails and previews always come), or all at every sync.
#[tauri::command]
#[specta::specta]
pub fn set_originals_on_demand(state: State<AppState>, on_demand: bool) -> CommandResult<SyncStatus> {
    state.with_library(|library| {
        sync::set_originals_on_demand(library, on_demand)?;
        sync::status(library)
    })
}

/// Keeps a moment's or album's originals on this laptop (`kind` is "moment" or "album").
#[tauri::command]
#[specta::specta]
pub fn keep_offline(state: State<AppState>, kind: String, id: String, keep: bool) -> CommandResult<bool> {
    state.with_library(|library| {
        sync::keep_offline(library, &kind, &id, keep)?;
        sync::kept_offline(library, &kind, &id)
    })
}

#[tauri::command]
#[specta::specta]
pub fn kept_offline(state: State<AppState>, kind: String, id: String) -> CommandResult<bool> {
    state.with_library(|library| sync::kept_offline(library, &kind, &id))
}

/// The laptops in the community's roster.
#[tauri::command]
#[specta::specta]
pub fn list_devices(state: State<AppState>) -> CommandResult<Vec<hearth::sync::roster::DeviceEntry>> {
    state.with_library(|library| hearth::sync::roster::devices(library))
}

/// A lead removes a laptop from the community; returns the roster as it now stands.
#[tauri::command]
#[specta::specta]
pub fn remove_device(state: State<AppState>, id: String) -> CommandResult<Vec<hearth::sync::roster::DeviceEntry>> {
    state.with_library(|library| {
        hearth::sync::roster::remove_device(library, &id)?;
        hearth::sync::roster::devices(library)
    })
}

#[tauri::command]
#[specta::specta]
pub fn pending_invitations(state: State<AppState>) -> CommandResult<Vec<hearth::sync::roster::PendingInvitation>> {
    state.with_library(|library| hearth::sync::roster::pending_invitations(library))
}

/// A lead withdraws an invitation not used yet; returns those still pending.
#[tauri::command]
#[specta::specta]
pub fn withdraw_invitation(
    state: State<AppState>,
    id: String,
) -> CommandResult<Vec<hearth::sync::roster::PendingInvitation>> {
    state.with_library(|library| {
        hearth::sync::roster::withdraw_invitation(library, &id)?;
        hearth::sync::roster::pending_invitations(library)
    })
}

/// Restricted data shared in clear before sealing existed, for a lead; null for anyone else or
/// when there was none.
#[tauri::command]
#[specta::specta]
pub fn shared_before_sealing(
    state: State<AppState>,
) -> CommandResult<Option<hearth::sync::before_sealing::SharedBeforeSealing>> {
    state.with_library(|library| hearth::sync::before_sealing::shared_before_sealing(library))
}

/// Changes other laptops sent that this one set aside at merge, with why (leads only).
#[tauri::command]
#[specta::specta]
pub fn set_aside_changes(state: State<AppState>) -> CommandResult<Vec<sync::SetAside>> {
    state.with_library(|library| sync::set_aside_changes(library))
}

/// A lead releases a change set aside (merges one that waits only for this laptop's clock,
/// lets any other go); returns what is still set aside.
#[tauri::command]
#[specta::specta]
pub fn release_set_aside(state: State<AppState>, id: String) -> CommandResult<Vec<sync::SetAside>> {
    state.with_library(|library| {
        sync::release_set_aside(library, &id)?;
        sync::set_aside_changes(library)
    })
}

/// The target this library synced with last, as text (None before its first sync).
fn remembered_target(library: &mut hearth::Library) -> hearth::Result<Option<String>> {
    Ok(sync::status(library)?.target)
}

/// Before anything is sent to an S3 or WebDAV address the library has not synced with, the
/// person confirms it in a dialog of the shell's own, which a script in the page can neither
/// open nor answer: a crafted page cannot send the community to its own server.
fn confirm_new_remote(app: &AppHandle, target: &str, remembered: Option<&str>) -> CommandResult<()> {
    use tauri_plugin_dialog::{DialogExt, MessageDialogButtons, MessageDialogKind};
    let canonical = match Target::parse(target.trim())? {
        Target::Folder(_) => return Ok(()),
        remote => remote.to_string(),
    };
    let chosen = app.state::<crate::chosen::Chosen>();
    if Some(canonical.as_str()) == remembered || chosen.remote_confirmed(&canonical) {
        return Ok(());
    }
    let community =
        app.state::<AppState>().with_library(|library| Ok(hearth::community::community(library.conn())?.name))?;
    let confirmed = app
        .dialog()
        .message(format!(
            "Hearth will send {community}'s changes and photos to {canonical}, and keep syncing with it. \
             Continue only if you typed this address yourself."
        ))
        .title("Sync with a new address?")
        .kind(MessageDialogKind::Warning)
        .buttons(MessageDialogButtons::OkCancelCustom("Sync there".into(), "Cancel".into()))
        .blocking_show();
    if !confirmed {
        return Err(CommandError {
            code: crate::error::ErrorCode::Forbidden,
            message: format!("Nothing was sent: syncing with {canonical} was not confirmed."),
            field: Some("target".into()),
            target: None,
        });
    }
    chosen.confirm_remote(&canonical);
    Ok(())
}
