//! The yearbook and a member's choice not to be featured in memories and the yearbook.

use hearth::yearbook::featured;
use tauri::State;

use crate::error::CommandResult;
use crate::state::AppState;

/// Whether the member at this laptop may be featured in memories and the yearbook.
#[tauri::command]
#[specta::specta]
pub fn featured_in_memories(state: State<AppState>) -> CommandResult<bool> {
    state.with_library(|library| featured::get(library))
}

/// Sets whether the member at this laptop may be featured (only they may).
#[tauri::command]
#[specta::specta]
pub fn set_featured_in_memories(state: State<AppState>, featured: bool) -> CommandResult<()> {
    state.with_library(|library| featured::set(library, featured))
}
