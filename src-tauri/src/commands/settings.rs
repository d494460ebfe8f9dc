use tauri::State;

use crate::error::CommandResult;
use crate::state::{AppState, Settings, Theme, TEXT_SIZES};

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

/// Sets the window's text size, in percent: one of 100, 125, 150, 175 and 200.
/// Errors: `Invalid` for any other size.
#[tauri::command]
#[specta::specta]
pub fn set_text_size(state: State<AppState>, percent: u16) -> CommandResult<Settings> {
    if !TEXT_SIZES.contains(&percent) {
        return Err(hearth::Error::invalid(
            "text size",
            format!("{percent} % is not one of 100, 125, 150, 175 and 200 %"),
        )
        .into());
    }
    state.update_settings(|settings| settings.text_size = percent)
}
