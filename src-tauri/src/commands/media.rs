use hearth::memories::media::{self, MediaDetail, MediaPage, MediaQuery, MonthSection};
use hearth::memories::tags::{self, GalleryCounts, HideRequest, PhotoConsent, TagRequest};
use hearth::viewer::Viewer;
use tauri::State;

use crate::error::CommandResult;
use crate::state::AppState;

#[tauri::command]
#[specta::specta]
pub fn media_page(state: State<AppState>, query: MediaQuery) -> CommandResult<MediaPage> {
    state.with_library(|library| media::page(library.conn(), &Viewer::me(library)?, &query))
}

#[tauri::command]
#[specta::specta]
pub fn media_months(state: State<AppState>, query: MediaQuery) -> CommandResult<Vec<MonthSection>> {
    state.with_library(|library| media::months(library.conn(), &query))
}

#[tauri::command]
#[specta::specta]
pub fn media_detail(state: State<AppState>, id: String) -> CommandResult<MediaDetail> {
    state.with_library(|library| media::get(library.conn(), &Viewer::me(library)?, &id))
}

#[tauri::command]
#[specta::specta]
pub fn gallery_counts(state: State<AppState>) -> CommandResult<GalleryCounts> {
    state.with_library(|library| tags::counts(library))
}

#[tauri::command]
#[specta::specta]
pub fn set_caption(state: State<AppState>, id: String, caption: String) -> CommandResult<MediaDetail> {
    state.with_library(|library| media::set_caption(library, &id, &caption))
}

#[tauri::command]
#[specta::specta]
pub fn set_highlight(state: State<AppState>, id: String, highlight: bool) -> CommandResult<MediaDetail> {
    state.with_library(|library| media::set_highlight(library, &id, highlight))
}

#[tauri::command]
#[specta::specta]
pub fn set_media_moment(state: State<AppState>, ids: Vec<String>, moment_id: String) -> CommandResult<()> {
    state.with_library(|library| hearth::memories::moments::add_media(library, &ids, &moment_id))
}

#[tauri::command]
#[specta::specta]
pub fn delete_media(state: State<AppState>, id: String) -> CommandResult<()> {
    state.with_library(|library| media::delete(library, &id))
}

#[tauri::command]
#[specta::specta]
pub fn tag_member(state: State<AppState>, media_id: String, member_id: String) -> CommandResult<MediaDetail> {
    state.with_library(|library| tags::tag(library, &media_id, &member_id))
}

#[tauri::command]
#[specta::specta]
pub fn untag_member(state: State<AppState>, media_id: String, member_id: String) -> CommandResult<MediaDetail> {
    state.with_library(|library| tags::untag(library, &media_id, &member_id))
}

#[tauri::command]
#[specta::specta]
pub fn answer_tag(state: State<AppState>, media_id: String, approve: bool) -> CommandResult<()> {
    state.with_library(|library| tags::answer_tag(library, &media_id, approve))
}

#[tauri::command]
#[specta::specta]
pub fn my_tag_requests(state: State<AppState>) -> CommandResult<Vec<TagRequest>> {
    state.with_library(|library| tags::my_tag_requests(library))
}

#[tauri::command]
#[specta::specta]
pub fn my_photo_consent(state: State<AppState>) -> CommandResult<PhotoConsent> {
    state.with_library(|library| {
        let me = library.me()?.ok_or(hearth::Error::NoIdentity)?;
        tags::photo_consent(library.conn(), &me)
    })
}

#[tauri::command]
#[specta::specta]
pub fn set_photo_consent(state: State<AppState>, consent: PhotoConsent) -> CommandResult<PhotoConsent> {
    state.with_library(|library| tags::set_photo_consent(library, consent))
}

#[tauri::command]
#[specta::specta]
pub fn request_hide(state: State<AppState>, media_id: String, reason: String) -> CommandResult<MediaDetail> {
    state.with_library(|library| tags::request_hide(library, &media_id, &reason))
}

#[tauri::command]
#[specta::specta]
pub fn hide_requests(state: State<AppState>) -> CommandResult<Vec<HideRequest>> {
    state.with_library(|library| tags::hide_requests(library))
}

#[tauri::command]
#[specta::specta]
pub fn resolve_hide_request(state: State<AppState>, id: String, hide: bool) -> CommandResult<()> {
    state.with_library(|library| tags::resolve_hide_request(library, &id, hide))
}

/// Where videos are served (see `video_server`).
pub struct VideoBase(pub String);

#[tauri::command]
#[specta::specta]
pub fn video_base_url(base: State<VideoBase>) -> String {
    base.0.clone()
}
