use hearth::artefacts::registry::ArtefactDraft;
use hearth::artefacts::versions::VersionDraft;
use hearth::artefacts::{accounts, files, registry, versions, Artefact};
use tauri::State;

use crate::chosen::Chosen;
use crate::error::CommandResult;
use crate::state::AppState;

/// Every artefact this member may see, by kind then name.
#[tauri::command]
#[specta::specta]
pub fn list_artefacts(state: State<AppState>) -> CommandResult<Vec<Artefact>> {
    state.with_library(|library| registry::list(library))
}

#[tauri::command]
#[specta::specta]
pub fn get_artefact(state: State<AppState>, id: String) -> CommandResult<Artefact> {
    state.with_library(|library| registry::get(library, &id))
}

#[tauri::command]
#[specta::specta]
pub fn create_artefact(state: State<AppState>, draft: ArtefactDraft) -> CommandResult<Artefact> {
    state.with_library(|library| registry::create(library, draft))
}

#[tauri::command]
#[specta::specta]
pub fn update_artefact(state: State<AppState>, id: String, draft: ArtefactDraft) -> CommandResult<Artefact> {
    state.with_library(|library| registry::update(library, &id, draft))
}

#[tauri::command]
#[specta::specta]
pub fn delete_artefact(state: State<AppState>, id: String) -> CommandResult<()> {
    state.with_library(|library| registry::delete(library, &id))
}

/// Adds a file the person chose (an image, audio, video or PDF) to an artefact or one of its
/// versions.
#[tauri::command]
#[specta::specta]
pub fn attach_artefact_file(
    state: State<AppState>,
    chosen: State<Chosen>,
    id: String,
    version: Option<String>,
    path: String,
) -> CommandResult<Artefact> {
    let path = chosen.check(&path)?;
    state.with_library(|library| files::attach(library, &id, version.as_deref(), &path))
}

#[tauri::command]
#[specta::specta]
pub fn remove_artefact_file(state: State<AppState>, id: String, file: String) -> CommandResult<Artefact> {
    state.with_library(|library| files::remove(library, &id, &file))
}

/// Saves a copy of an artefact's file where the person chose.
#[tauri::command]
#[specta::specta]
pub fn save_artefact_file(
    state: State<AppState>,
    chosen: State<Chosen>,
    id: String,
    file: String,
    path: String,
) -> CommandResult<()> {
    let path = chosen.check_write(&path)?;
    state.with_library(|library| files::save_copy(library, &id, &file, &path))
}

/// Adds this member's account of an artefact, or changes their own (`account`).
#[tauri::command]
#[specta::specta]
pub fn write_account(
    state: State<AppState>,
    id: String,
    account: Option<String>,
    body: String,
) -> CommandResult<Artefact> {
    state.with_library(|library| accounts::write(library, &id, account.as_deref(), &body))
}

/// Hides an account from everyone but the leads and its author, or shows it again (leads).
#[tauri::command]
#[specta::specta]
pub fn hide_account(state: State<AppState>, id: String, account: String, hidden: bool) -> CommandResult<Artefact> {
    state.with_library(|library| accounts::hide(library, &id, &account, hidden))
}

#[tauri::command]
#[specta::specta]
pub fn delete_account(state: State<AppState>, id: String, account: String) -> CommandResult<Artefact> {
    state.with_library(|library| accounts::delete(library, &id, &account))
}

#[tauri::command]
#[specta::specta]
pub fn add_version(state: State<AppState>, id: String, draft: VersionDraft) -> CommandResult<Artefact> {
    state.with_library(|library| versions::add(library, &id, draft))
}

#[tauri::command]
#[specta::specta]
pub fn update_version(
    state: State<AppState>,
    id: String,
    version: String,
    draft: VersionDraft,
) -> CommandResult<Artefact> {
    state.with_library(|library| versions::update(library, &id, &version, draft))
}

/// Sets this member's size and count of a version (0 withdraws the order).
#[tauri::command]
#[specta::specta]
pub fn order_size(
    state: State<AppState>,
    id: String,
    version: String,
    size: String,
    count: u32,
) -> CommandResult<Artefact> {
    state.with_library(|library| versions::order(library, &id, &version, &size, count))
}

/// Writes a version's totals by size as CSV for the printer, where the person chose (leads).
#[tauri::command]
#[specta::specta]
pub fn save_orders_csv(
    state: State<AppState>,
    chosen: State<Chosen>,
    id: String,
    version: String,
    path: String,
) -> CommandResult<()> {
    let path = chosen.check_write(&path)?;
    state.with_library(|library| {
        let csv = versions::orders_csv(library, &id, &version)?;
        std::fs::write(&path, csv).map_err(|source| hearth::Error::Io { path: path.clone(), source })
    })
}

/// Artefacts made, new versions, and badges members chose to show, for the History.
#[tauri::command]
#[specta::specta]
pub fn artefact_history(state: State<AppState>) -> CommandResult<Vec<hearth::artefacts::history::HistoryEvent>> {
    state.with_library(|library| hearth::artefacts::history::events(library))
}
