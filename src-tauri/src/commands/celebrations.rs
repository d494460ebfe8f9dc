use hearth::community;
use hearth::people::celebrations::{self, AccomplishmentDraft, Board, Occasion};
use hearth::viewer::Viewer;
use tauri::State;

use crate::error::CommandResult;
use crate::state::AppState;

/// Occasions in the next `days` days, as the member at this device may see them.
#[tauri::command]
#[specta::specta]
pub fn upcoming_celebrations(state: State<AppState>, days: u32) -> CommandResult<Vec<Occasion>> {
    state.with_library(|library| celebrations::upcoming(library.conn(), &Viewer::me(library)?, library.today(), days))
}

#[tauri::command]
#[specta::specta]
pub fn recent_accomplishments(state: State<AppState>, days: u32) -> CommandResult<Vec<Occasion>> {
    state.with_library(|library| {
        celebrations::recent_accomplishments(library.conn(), &Viewer::me(library)?, library.today(), days)
    })
}

#[tauri::command]
#[specta::specta]
pub fn celebration_board(state: State<AppState>, key: String) -> CommandResult<Board> {
    state.with_library(|library| celebrations::board(library.conn(), &Viewer::me(library)?, &key))
}

#[tauri::command]
#[specta::specta]
pub fn leave_celebration_message(
    state: State<AppState>,
    key: String,
    body: String,
    photos: Vec<String>,
) -> CommandResult<Board> {
    state.with_library(|library| celebrations::leave_message(library, &key, &body, &photos))
}

#[tauri::command]
#[specta::specta]
pub fn post_accomplishment(state: State<AppState>, draft: AccomplishmentDraft) -> CommandResult<Occasion> {
    state.with_library(|library| celebrations::post_accomplishment(library, draft))
}

/// Writes the next year of celebrations as an `.ics` file where the person chose to save it.
#[tauri::command]
#[specta::specta]
pub fn export_celebrations_ics(
    state: State<AppState>,
    chosen: State<crate::chosen::Chosen>,
    path: String,
) -> CommandResult<u32> {
    let path = chosen.check_write(&path)?;
    state.with_library(|library| {
        let soon = celebrations::upcoming(library.conn(), &Viewer::me(library)?, library.today(), 365)?;
        let name = community::community(library.conn())?.name;
        let ics = celebrations::to_ics(&soon, &name, library.now());
        std::fs::write(&path, ics).map_err(|e| hearth::Error::Io { path: path.clone(), source: e })?;
        Ok(soon.len() as u32)
    })
}
