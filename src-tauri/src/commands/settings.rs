use tauri::State;

use crate::error::CommandResult;
use crate::state::{AppState, Settings, Theme};

#[tauri::command]
#[specta::specta]
pub fn get_settings(state: State<AppState>) -> Settings {
    state.settings()
}

#[tauri::command]
#[specta::specta]
pub fn set_theme(state: State<AppState>, theme: Theme) -> CommandResult<Settings> {
    state.update_settings(|settings| settings.theme = theme)
}
