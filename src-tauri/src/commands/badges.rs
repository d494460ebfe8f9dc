use hearth::artefacts::awarding;
use hearth::artefacts::awards::{self, Award, AwardSource, AwardStatus, ShownBadge};
use hearth::artefacts::badges::{self, Badge, BadgeDraft};
use tauri::State;

use crate::chosen::Chosen;
use crate::error::CommandResult;
use crate::state::AppState;

/// Every badge; a lead's laptop first offers the automatic ones now due.
#[tauri::command]
#[specta::specta]
pub fn list_badges(state: State<AppState>) -> CommandResult<Vec<Badge>> {
    state.with_library(|library| {
        if hearth::viewer::Viewer::me(library)?.is_lead && library.ensure_writable().is_ok() {
            awarding::run_automatic(library)?;
        }
        badges::list(library)
    })
}

#[tauri::command]
#[specta::specta]
pub fn define_badge(state: State<AppState>, draft: BadgeDraft) -> CommandResult<Badge> {
    state.with_library(|library| badges::define(library, draft))
}

#[tauri::command]
#[specta::specta]
pub fn update_badge(state: State<AppState>, id: String, draft: BadgeDraft) -> CommandResult<Badge> {
    state.with_library(|library| badges::update(library, &id, draft))
}

#[tauri::command]
#[specta::specta]
pub fn delete_badge(state: State<AppState>, id: String) -> CommandResult<()> {
    state.with_library(|library| badges::delete(library, &id))
}

/// Awards a badge to a member, or approves their request (leads).
#[tauri::command]
#[specta::specta]
pub fn award_badge(state: State<AppState>, badge: String, member: String) -> CommandResult<Award> {
    state.with_library(|library| awarding::award(library, &badge, &member, AwardSource::Manual))
}

#[tauri::command]
#[specta::specta]
pub fn decline_request(state: State<AppState>, award: String) -> CommandResult<Award> {
    state.with_library(|library| awarding::decline(library, &award))
}

/// Revokes an award, with a reason only the leads read (leads).
#[tauri::command]
#[specta::specta]
pub fn revoke_award(state: State<AppState>, award: String, reason: String) -> CommandResult<Award> {
    state.with_library(|library| awarding::revoke(library, &award, &reason))
}

/// Asks for a badge that may be requested.
#[tauri::command]
#[specta::specta]
pub fn request_badge(state: State<AppState>, badge: String) -> CommandResult<Award> {
    state.with_library(|library| awards::request(library, &badge))
}

/// The member's answer to their award: accept (and show it or not), set it aside, give it back.
#[tauri::command]
#[specta::specta]
pub fn respond_award(state: State<AppState>, award: String, status: AwardStatus, show: bool) -> CommandResult<Award> {
    state.with_library(|library| awards::respond(library, &award, status, show))
}

/// Awards waiting for this member's answer.
#[tauri::command]
#[specta::specta]
pub fn offered_awards(state: State<AppState>) -> CommandResult<Vec<Award>> {
    state.with_library(|library| awards::offered_to_me(library))
}

/// Every award of this member.
#[tauri::command]
#[specta::specta]
pub fn my_awards(state: State<AppState>) -> CommandResult<Vec<Award>> {
    state.with_library(|library| awards::mine(library))
}

/// The badges a member chose to show on their profile.
#[tauri::command]
#[specta::specta]
pub fn member_badges(state: State<AppState>, member: String) -> CommandResult<Vec<ShownBadge>> {
    state.with_library(|library| awards::shown_on_profile(library.conn(), &member))
}

/// Saves an award as an Open Badges credential where the person chose: a PNG with it baked in
/// when the name ends in `.png`, else JSON.
#[tauri::command]
#[specta::specta]
pub fn export_award(state: State<AppState>, chosen: State<Chosen>, award: String, path: String) -> CommandResult<()> {
    let path = chosen.check_write(&path)?;
    let png = path.extension().is_some_and(|e| e.eq_ignore_ascii_case("png"));
    state.with_library(|library| {
        let bytes = awards::export(library, &award, png)?;
        std::fs::write(&path, bytes).map_err(|source| hearth::Error::Io { path: path.clone(), source })
    })
}

/// Stores a badge's picture the person chose, square (centre-cropped, at most 512 px), and
/// returns its hash.
#[tauri::command]
#[specta::specta]
pub fn store_badge_image(state: State<AppState>, chosen: State<Chosen>, path: String) -> CommandResult<String> {
    let bytes = hearth::ingest::images::read_image_file(&chosen.check(&path)?)?;
    state.with_library(|library| {
        library.ensure_writable()?;
        hearth::ingest::images::store_portrait(library.root(), &bytes)
    })
}
