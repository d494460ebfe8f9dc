use hearth::members::{self, Member, MemberDraft};
use tauri::State;

use crate::error::CommandResult;
use crate::state::AppState;

#[tauri::command]
#[specta::specta]
pub fn list_members(state: State<AppState>) -> CommandResult<Vec<Member>> {
    state.with_library(|library| members::list(library.conn()))
}

/// "Who are you": creates the profile of the person at this device.
#[tauri::command]
#[specta::specta]
pub fn create_my_profile(state: State<AppState>, draft: MemberDraft) -> CommandResult<Member> {
    state.with_library(|library| members::create_my_profile(library, draft))
}

/// "I am <member>" on this device.
#[tauri::command]
#[specta::specta]
pub fn choose_me(state: State<AppState>, member_id: String) -> CommandResult<Member> {
    state.with_library(|library| members::choose_me(library, &member_id))
}
