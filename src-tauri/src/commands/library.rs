use std::path::PathBuf;

use hearth::community::{self, CommunityDraft, LibraryInfo};
use hearth::people::members::MemberDraft;
use hearth::store::library::{default_library_dir, demo_library_dir, suggest_new_library_dir, DATABASE_FILE};
use hearth::{dev::demo, Library};
use serde::Serialize;
use tauri::State;

use crate::chosen::{Chosen, Reach, Use};
use crate::error::{CommandError, CommandResult};
use crate::state::AppState;

/// What the window shows first.
#[derive(Serialize, specta::Type)]
#[serde(tag = "kind", rename_all = "camelCase", rename_all_fields = "camelCase")]
pub enum Startup {
    /// No library yet: offer to create one (at `suggestedPath`) or explore the demo.
    Welcome {
        suggested_path: String,
    },
    Open {
        info: Box<LibraryInfo>,
    },
    /// The library to open could not be; say why and offer a way on.
    Failed {
        path: String,
        error: CommandError,
    },
}

/// Opens the library this start should show: `--library`, else the last one, else the default.
#[tauri::command]
#[specta::specta]
pub fn startup(state: State<AppState>, chosen: State<Chosen>) -> Startup {
    let path = state.library_override.clone().or_else(|| state.settings().library.map(PathBuf::from));
    let path = path.unwrap_or_else(default_library_dir);
    // Shown to the page, which may create the community there or try it again.
    let path = std::path::absolute(&path).unwrap_or(path);
    chosen.grant(&path, Reach::Exactly, Use::Read);
    if !path.join(DATABASE_FILE).exists() && is_empty_or_missing(&path) {
        return Startup::Welcome { suggested_path: path.display().to_string() };
    }
    match open_at(&state, path.clone()) {
        Ok(info) => Startup::Open { info: Box::new(info) },
        Err(error) => Startup::Failed { path: path.display().to_string(), error },
    }
}

/// Creates a community in `path` (or where startup suggested) with the creator's own profile.
#[tauri::command]
#[specta::specta]
pub fn create_community(
    state: State<AppState>,
    chosen: State<Chosen>,
    path: String,
    community: CommunityDraft,
    me: MemberDraft,
) -> CommandResult<LibraryInfo> {
    let library = community::found(&chosen.check(&path)?, community, me)?;
    let info = community::info(&library)?;
    state.set_library(library)?;
    Ok(info)
}

#[tauri::command]
#[specta::specta]
pub fn open_library(state: State<AppState>, chosen: State<Chosen>, path: String) -> CommandResult<LibraryInfo> {
    open_at(&state, chosen.check(&path)?)
}

/// Opens the demo community, creating it the first time.
#[tauri::command]
#[specta::specta]
pub fn open_demo(state: State<AppState>) -> CommandResult<LibraryInfo> {
    let path = demo_library_dir();
    let library = match path.join(DATABASE_FILE).exists() {
        true => Library::open(&path)?,
        false => demo::create_demo(&path)?,
    };
    let info = community::info(&library)?;
    state.set_library(library)?;
    Ok(info)
}

#[tauri::command]
#[specta::specta]
pub fn library_info(state: State<AppState>) -> CommandResult<LibraryInfo> {
    state.with_library(|library| community::info(library))
}

/// Where a new library goes unless the person picks another folder: a free folder.
#[tauri::command]
#[specta::specta]
pub fn suggest_library_path(chosen: State<Chosen>) -> String {
    let path = suggest_new_library_dir();
    chosen.grant(&path, Reach::Exactly, Use::Read);
    path.display().to_string()
}

fn open_at(state: &AppState, path: PathBuf) -> CommandResult<LibraryInfo> {
    let library = Library::open(&path)?;
    let info = community::info(&library)?;
    state.set_library(library)?;
    Ok(info)
}

fn is_empty_or_missing(path: &std::path::Path) -> bool {
    std::fs::read_dir(path).map(|mut entries| entries.next().is_none()).unwrap_or(!path.exists())
}
