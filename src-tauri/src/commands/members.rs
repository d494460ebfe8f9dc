use hearth::people::directory::{self as search, DirectoryFacets, DirectoryQuery};
use hearth::people::exchange::{self, ImportPreview};
use hearth::people::meet::{self, Suggestion};
use hearth::people::members::{self, Member, MemberDraft, ProfileFields, Role};
use hearth::viewer::Viewer;
use tauri::State;

use crate::chosen::Chosen;
use crate::error::CommandResult;
use crate::state::AppState;

/// Everyone, as the member at this device may see them.
#[tauri::command]
#[specta::specta]
pub fn list_members(state: State<AppState>) -> CommandResult<Vec<Member>> {
    state.with_library(|library| members::list(library.conn(), &Viewer::me(library)?))
}

#[tauri::command]
#[specta::specta]
pub fn get_member(state: State<AppState>, member_id: String) -> CommandResult<Member> {
    state.with_library(|library| members::get(library.conn(), &Viewer::me(library)?, &member_id))
}

/// Saves the profile of the member at this device.
#[tauri::command]
#[specta::specta]
pub fn update_my_profile(
    state: State<AppState>,
    display_name: String,
    profile: ProfileFields,
) -> CommandResult<Member> {
    state.with_library(|library| {
        let me = library.me()?.ok_or(hearth::Error::NoIdentity)?;
        members::update_profile(library, &me, &display_name, &profile)
    })
}

#[tauri::command]
#[specta::specta]
pub fn set_member_role(state: State<AppState>, member_id: String, role: Role) -> CommandResult<Member> {
    state.with_library(|library| members::set_role(library, &member_id, role))
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

/// The directory: search, filters and sort, on what this device's member may see.
#[tauri::command]
#[specta::specta]
pub fn directory(state: State<AppState>, query: DirectoryQuery) -> CommandResult<Vec<Member>> {
    state.with_library(|library| search::directory(library.conn(), &Viewer::me(library)?, &query))
}

#[tauri::command]
#[specta::specta]
pub fn directory_facets(state: State<AppState>) -> CommandResult<DirectoryFacets> {
    state.with_library(|library| search::facets(library.conn(), &Viewer::me(library)?))
}

/// A few people for this device's member to get to know, with the reasons.
#[tauri::command]
#[specta::specta]
pub fn people_to_meet(state: State<AppState>, limit: u32) -> CommandResult<Vec<Suggestion>> {
    state.with_library(|library| meet::people_to_meet(library.conn(), &Viewer::me(library)?, limit as usize))
}

/// The newcomers other than this device's member (Home's new faces).
#[tauri::command]
#[specta::specta]
pub fn newcomers(state: State<AppState>) -> CommandResult<Vec<Member>> {
    state.with_library(|library| meet::newcomers(library.conn(), &Viewer::me(library)?))
}

/// What importing the chosen file would do, without changing anything.
#[tauri::command]
#[specta::specta]
pub fn preview_member_import(
    state: State<AppState>,
    chosen: State<Chosen>,
    path: String,
) -> CommandResult<ImportPreview> {
    let (name, bytes) = read_chosen_file(&chosen, &path)?;
    state.with_library(|library| exchange::preview(library, &name, &bytes))
}

#[tauri::command]
#[specta::specta]
pub fn import_members(state: State<AppState>, chosen: State<Chosen>, path: String) -> CommandResult<ImportPreview> {
    let (name, bytes) = read_chosen_file(&chosen, &path)?;
    state.with_library(|library| exchange::import(library, &name, &bytes))
}

/// Writes the directory, as this device's member may see it, to the CSV file they chose.
#[tauri::command]
#[specta::specta]
pub fn export_members_csv(state: State<AppState>, chosen: State<Chosen>, path: String) -> CommandResult<()> {
    let path = chosen.check_write(&path)?;
    state.with_library(|library| {
        let csv = exchange::export_csv(library, &Viewer::me(library)?)?;
        std::fs::write(&path, csv).map_err(|source| hearth::Error::Io { path: path.clone(), source })
    })
}

/// A file the person picked in the open dialog, refused when too large to be an import.
fn read_chosen_file(chosen: &Chosen, path: &str) -> CommandResult<(String, Vec<u8>)> {
    Ok(exchange::read_import_file(&chosen.check(path)?)?)
}

/// Sets (from the image file the person chose) or, with an empty path, removes their portrait.
#[tauri::command]
#[specta::specta]
pub fn set_my_portrait(state: State<AppState>, chosen: State<Chosen>, path: String) -> CommandResult<Member> {
    let bytes =
        if path.is_empty() { Vec::new() } else { hearth::ingest::images::read_image_file(&chosen.check(&path)?)? };
    state.with_library(|library| members::set_my_portrait(library, &bytes))
}

/// Stores a photo the person chose (for a story or a board) and returns its hash.
#[tauri::command]
#[specta::specta]
pub fn store_photo(state: State<AppState>, chosen: State<Chosen>, path: String) -> CommandResult<String> {
    let bytes = hearth::ingest::images::read_image_file(&chosen.check(&path)?)?;
    state.with_library(|library| {
        library.ensure_writable()?;
        hearth::ingest::images::store_photo(library.root(), &bytes)
    })
}
