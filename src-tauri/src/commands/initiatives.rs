use hearth::clock::Millis;
use hearth::initiatives::decisions::{self, Decision, StanceKind};
use hearth::initiatives::{self, Collaborator, Initiative, InitiativeDraft, Involvement, Match, Status};
use hearth::viewer::Viewer;
use tauri::State;

use crate::error::CommandResult;
use crate::state::AppState;

#[tauri::command]
#[specta::specta]
pub fn list_initiatives(state: State<AppState>) -> CommandResult<Vec<Initiative>> {
    state.with_library(|library| initiatives::list(library.conn(), &Viewer::me(library)?))
}

#[tauri::command]
#[specta::specta]
pub fn get_initiative(state: State<AppState>, id: String) -> CommandResult<Initiative> {
    state.with_library(|library| initiatives::get(library.conn(), &Viewer::me(library)?, &id))
}

#[tauri::command]
#[specta::specta]
pub fn propose_initiative(state: State<AppState>, draft: InitiativeDraft) -> CommandResult<Initiative> {
    state.with_library(|library| initiatives::propose(library, draft))
}

#[tauri::command]
#[specta::specta]
pub fn move_initiative(state: State<AppState>, id: String, to: Status) -> CommandResult<Initiative> {
    state.with_library(|library| initiatives::move_to(library, &id, to))
}

#[tauri::command]
#[specta::specta]
pub fn close_initiative(
    state: State<AppState>,
    id: String,
    outcome: String,
    reflection: String,
) -> CommandResult<Initiative> {
    state.with_library(|library| initiatives::close(library, &id, &outcome, &reflection))
}

#[tauri::command]
#[specta::specta]
pub fn support_initiative(state: State<AppState>, id: String, why: String) -> CommandResult<Initiative> {
    state.with_library(|library| initiatives::support(library, &id, &why))
}

#[tauri::command]
#[specta::specta]
pub fn withdraw_initiative_support(state: State<AppState>, id: String) -> CommandResult<Initiative> {
    state.with_library(|library| initiatives::withdraw_support(library, &id))
}

#[tauri::command]
#[specta::specta]
pub fn involve_in_initiative(
    state: State<AppState>,
    id: String,
    how: Involvement,
    leave: bool,
) -> CommandResult<Initiative> {
    state.with_library(|library| initiatives::involve(library, &id, how, leave))
}

#[tauri::command]
#[specta::specta]
pub fn post_initiative_update(
    state: State<AppState>,
    id: String,
    progress: bool,
    body: String,
    photos: Vec<String>,
) -> CommandResult<Initiative> {
    state.with_library(|library| initiatives::post_update(library, &id, progress, &body, &photos))
}

#[tauri::command]
#[specta::specta]
pub fn initiatives_for_you(state: State<AppState>) -> CommandResult<Vec<Match>> {
    state.with_library(|library| initiatives::for_you(library.conn(), &Viewer::me(library)?))
}

#[tauri::command]
#[specta::specta]
pub fn suggest_collaborators(state: State<AppState>, id: String) -> CommandResult<Vec<Collaborator>> {
    state.with_library(|library| initiatives::suggest_collaborators(library.conn(), &Viewer::me(library)?, &id))
}

/// Decisions on an initiative, or (for an empty id) the community's questions.
#[tauri::command]
#[specta::specta]
pub fn list_decisions(state: State<AppState>, initiative_id: String) -> CommandResult<Vec<Decision>> {
    state.with_library(|library| decisions::list(library.conn(), &Viewer::me(library)?, &initiative_id, library.now()))
}

#[tauri::command]
#[specta::specta]
pub fn propose_decision(
    state: State<AppState>,
    initiative_id: String,
    proposal: String,
    closes_at: Millis,
) -> CommandResult<Decision> {
    state.with_library(|library| decisions::propose(library, &initiative_id, &proposal, closes_at))
}

#[tauri::command]
#[specta::specta]
pub fn take_stance(
    state: State<AppState>,
    decision_id: String,
    stance: StanceKind,
    reason: String,
) -> CommandResult<Decision> {
    state.with_library(|library| decisions::take_stance(library, &decision_id, stance, &reason))
}

#[tauri::command]
#[specta::specta]
pub fn close_decision(state: State<AppState>, decision_id: String, outcome: String) -> CommandResult<Decision> {
    state.with_library(|library| decisions::close(library, &decision_id, &outcome))
}
