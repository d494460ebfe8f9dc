use hearth::memories::moments::{self, HistoryYear, Moment, MomentDraft, MomentKind, MomentSuggestion, OnThisDay};
use tauri::State;

use crate::error::CommandResult;
use crate::state::AppState;

#[tauri::command]
#[specta::specta]
pub fn list_moments(state: State<AppState>) -> CommandResult<Vec<Moment>> {
    state.with_library(|library| moments::list(library.conn()))
}

#[tauri::command]
#[specta::specta]
pub fn get_moment(state: State<AppState>, id: String) -> CommandResult<Moment> {
    state.with_library(|library| moments::get(library.conn(), &id))
}

#[tauri::command]
#[specta::specta]
pub fn create_moment(state: State<AppState>, draft: MomentDraft) -> CommandResult<Moment> {
    state.with_library(|library| moments::create(library, draft))
}

#[tauri::command]
#[specta::specta]
pub fn update_moment(state: State<AppState>, id: String, draft: MomentDraft) -> CommandResult<Moment> {
    state.with_library(|library| moments::update(library, &id, draft))
}

#[tauri::command]
#[specta::specta]
pub fn delete_moment(state: State<AppState>, id: String) -> CommandResult<()> {
    state.with_library(|library| moments::delete(library, &id))
}

#[tauri::command]
#[specta::specta]
pub fn suggest_moments(state: State<AppState>) -> CommandResult<Vec<MomentSuggestion>> {
    state.with_library(|library| moments::suggest(library.conn()))
}

#[tauri::command]
#[specta::specta]
pub fn accept_suggestion(
    state: State<AppState>,
    media_ids: Vec<String>,
    title: String,
    kind: MomentKind,
) -> CommandResult<Moment> {
    state.with_library(|library| moments::accept(library, &media_ids, &title, kind))
}

#[tauri::command]
#[specta::specta]
pub fn on_this_day(state: State<AppState>) -> CommandResult<OnThisDay> {
    state.with_library(|library| moments::on_this_day_for(library, library.today()))
}

#[tauri::command]
#[specta::specta]
pub fn community_history(state: State<AppState>) -> CommandResult<Vec<HistoryYear>> {
    state.with_library(|library| moments::history(library.conn()))
}

/// The most recent moment with photos that may be shown, and up to eight of them, for Home.
#[tauri::command]
#[specta::specta]
pub fn latest_moment_pictures(state: State<AppState>) -> CommandResult<Option<moments::LatestMoment>> {
    state.with_library(|library| moments::latest_with_photos(library.conn(), 8))
}
