use hearth::people::care::{self, CareNote, CareNoteDraft};
use hearth::viewer::Viewer;
use tauri::State;

use crate::error::CommandResult;
use crate::state::AppState;

/// Care notes the member at this device is in the audience of.
#[tauri::command]
#[specta::specta]
pub fn list_care_notes(state: State<AppState>) -> CommandResult<Vec<CareNote>> {
    state.with_library(|library| care::list_care_notes(library.conn(), &Viewer::me(library)?))
}

#[tauri::command]
#[specta::specta]
pub fn share_care_note(state: State<AppState>, draft: CareNoteDraft) -> CommandResult<CareNote> {
    state.with_library(|library| care::share_care_note(library, draft))
}

#[tauri::command]
#[specta::specta]
pub fn offer_support(state: State<AppState>, note_id: String, body: String) -> CommandResult<CareNote> {
    state.with_library(|library| care::offer_support(library, &note_id, &body))
}

#[tauri::command]
#[specta::specta]
pub fn close_care_note(state: State<AppState>, note_id: String) -> CommandResult<CareNote> {
    state.with_library(|library| care::close_care_note(library, &note_id))
}
