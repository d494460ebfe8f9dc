//! Community health: the report (computed on this laptop, never synced; names and the picture
//! only for a lead) and a member's choice to be left out of it.

use hearth::health::{opt_out, report};
use tauri::State;

use crate::error::CommandResult;
use crate::state::AppState;

/// The report for the last `window_days` days (30 to 365), as the member at this laptop may read it.
#[tauri::command]
#[specta::specta]
pub fn health_report(state: State<AppState>, window_days: u32) -> CommandResult<report::Report> {
    state.with_library(|library| report::report(library, window_days.clamp(30, 365)))
}

/// Whether the member at this laptop has left themselves out of community health.
#[tauri::command]
#[specta::specta]
pub fn health_opt_out(state: State<AppState>) -> CommandResult<bool> {
    state.with_library(|library| opt_out::get(library))
}

/// Leaves the member at this laptop out of community health (`true`) or back in.
#[tauri::command]
#[specta::specta]
pub fn set_health_opt_out(state: State<AppState>, out: bool) -> CommandResult<()> {
    state.with_library(|library| opt_out::set(library, out))
}
