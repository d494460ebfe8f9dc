use hearth::memories::albums::{self, Album};
use hearth::memories::export::{self, ExportSource, Exported};
use tauri::State;

use crate::error::CommandResult;
use crate::state::AppState;

#[tauri::command]
#[specta::specta]
pub fn list_albums(state: State<AppState>) -> CommandResult<Vec<Album>> {
    state.with_library(|library| albums::list(library.conn()))
}

#[tauri::command]
#[specta::specta]
pub fn create_album(state: State<AppState>, title: String, description: String) -> CommandResult<Album> {
    state.with_library(|library| albums::create(library, &title, &description))
}

#[tauri::command]
#[specta::specta]
pub fn update_album(state: State<AppState>, id: String, title: String, description: String) -> CommandResult<Album> {
    state.with_library(|library| albums::update(library, &id, &title, &description))
}

#[tauri::command]
#[specta::specta]
pub fn delete_album(state: State<AppState>, id: String) -> CommandResult<()> {
    state.with_library(|library| albums::delete(library, &id))
}

#[tauri::command]
#[specta::specta]
pub fn add_to_album(state: State<AppState>, id: String, media_ids: Vec<String>) -> CommandResult<Album> {
    state.with_library(|library| albums::add(library, &id, &media_ids))
}

#[tauri::command]
#[specta::specta]
pub fn remove_from_album(state: State<AppState>, id: String, media_id: String) -> CommandResult<Album> {
    state.with_library(|library| albums::remove(library, &id, &media_id))
}

#[tauri::command]
#[specta::specta]
pub fn albums_of_media(state: State<AppState>, media_id: String) -> CommandResult<Vec<String>> {
    state.with_library(|library| albums::of_media(library.conn(), &media_id))
}

/// Writes a moment or album as a folder (originals + index.html) inside `destination`.
#[tauri::command]
#[specta::specta]
pub fn export_media(
    state: State<AppState>,
    chosen: State<crate::chosen::Chosen>,
    source: ExportSource,
    destination: String,
) -> CommandResult<Exported> {
    let destination = chosen.check_write(&destination)?;
    state.with_library(|library| export::export(library, &source, &destination))
}
