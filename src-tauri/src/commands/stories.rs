use hearth::people::stories::{self, Prompt, Story, StoryDraft, StoryFilter};
use hearth::viewer::Viewer;
use tauri::State;

use crate::error::CommandResult;
use crate::state::AppState;

#[tauri::command]
#[specta::specta]
pub fn list_prompts(state: State<AppState>) -> CommandResult<Vec<Prompt>> {
    state.with_library(|library| stories::prompts(library.conn()))
}

#[tauri::command]
#[specta::specta]
pub fn add_prompt(state: State<AppState>, text: String) -> CommandResult<Prompt> {
    state.with_library(|library| stories::add_prompt(library, &text))
}

/// Stories the member at this device may see, newest first.
#[tauri::command]
#[specta::specta]
pub fn list_stories(state: State<AppState>, filter: StoryFilter) -> CommandResult<Vec<Story>> {
    state.with_library(|library| stories::list_stories(library.conn(), &Viewer::me(library)?, &filter))
}

#[tauri::command]
#[specta::specta]
pub fn get_story(state: State<AppState>, story_id: String) -> CommandResult<Story> {
    state.with_library(|library| stories::get_story(library.conn(), &Viewer::me(library)?, &story_id))
}

#[tauri::command]
#[specta::specta]
pub fn write_story(state: State<AppState>, draft: StoryDraft) -> CommandResult<Story> {
    state.with_library(|library| stories::write_story(library, draft))
}

#[tauri::command]
#[specta::specta]
pub fn update_story(state: State<AppState>, story_id: String, draft: StoryDraft) -> CommandResult<Story> {
    state.with_library(|library| stories::update_story(library, &story_id, draft))
}

#[tauri::command]
#[specta::specta]
pub fn delete_story(state: State<AppState>, story_id: String) -> CommandResult<()> {
    state.with_library(|library| stories::delete_story(library, &story_id))
}

#[tauri::command]
#[specta::specta]
pub fn respond_to_story(state: State<AppState>, story_id: String, body: String) -> CommandResult<Story> {
    state.with_library(|library| stories::respond(library, &story_id, &body))
}

#[tauri::command]
#[specta::specta]
pub fn toggle_story_reaction(state: State<AppState>, story_id: String, reaction: String) -> CommandResult<Story> {
    state.with_library(|library| stories::toggle_reaction(library, &story_id, &reaction))
}
