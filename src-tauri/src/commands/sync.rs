use hearth::sync::{self, SyncReport, SyncStatus};
use tauri::State;

use crate::error::CommandResult;
use crate::state::AppState;

#[tauri::command]
#[specta::specta]
pub fn sync_status(state: State<AppState>) -> CommandResult<SyncStatus> {
    state.with_library(|library| sync::status(library))
}

/// One sync with the shared folder (`target`, or the one used last). Runs off the main
/// thread so the window stays responsive.
#[tauri::command]
#[specta::specta]
pub async fn sync_now(state: State<'_, AppState>, target: Option<String>) -> CommandResult<SyncReport> {
    state.with_library(|library| sync::sync_remembered(library, target.as_deref().map(std::path::Path::new)))
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
