use hearth::community::{self, Community, Dimension};
use tauri::State;

use crate::error::CommandResult;
use crate::state::AppState;

#[tauri::command]
#[specta::specta]
pub fn update_community(state: State<AppState>, name: String, description: String) -> CommandResult<Community> {
    state.with_library(|library| community::update_community(library, &name, &description))
}

#[tauri::command]
#[specta::specta]
pub fn update_dimension(
    state: State<AppState>,
    id: String,
    name: String,
    description: String,
) -> CommandResult<Dimension> {
    state.with_library(|library| community::update_dimension(library, &id, &name, &description))
}
