use hearth::pulse::rounds::{self, PulseAnswer, Round, RoundKind};
use hearth::pulse::tally;
use tauri::State;

use crate::error::CommandResult;
use crate::state::AppState;

/// Every round, newest first (a round whose time is up is closed first where it can be).
#[tauri::command]
#[specta::specta]
pub fn list_pulse_rounds(state: State<AppState>) -> CommandResult<Vec<Round>> {
    state.with_library(rounds::list)
}

/// Opens a round (leads).
#[tauri::command]
#[specta::specta]
pub fn open_pulse_round(state: State<AppState>, kind: RoundKind, title: String, days: u32) -> CommandResult<Round> {
    state.with_library(|library| rounds::open(library, kind, &title, days))
}

/// Answers a round (again, to change the answer).
#[tauri::command]
#[specta::specta]
pub fn answer_pulse(state: State<AppState>, round: String, answer: PulseAnswer) -> CommandResult<Round> {
    state.with_library(|library| rounds::answer(library, &round, &answer))
}

/// Closes a round and publishes its results (leads; a confidential one on the laptop holding its key).
#[tauri::command]
#[specta::specta]
pub fn close_pulse_round(state: State<AppState>, round: String, notes: String) -> CommandResult<Round> {
    state.with_library(|library| tally::close(library, &round, &notes))
}

/// The fewest respondents any aggregate may have.
#[tauri::command]
#[specta::specta]
pub fn pulse_threshold(state: State<AppState>) -> CommandResult<u32> {
    state.with_library(|library| tally::threshold(library.conn()))
}

/// Sets the threshold (leads; 3 to 50).
#[tauri::command]
#[specta::specta]
pub fn set_pulse_threshold(state: State<AppState>, value: u32) -> CommandResult<()> {
    state.with_library(|library| tally::set_threshold(library, value))
}
