use hearth::convene::rituals::{self, Answer, Ritual, RitualDraft, TablePlan};
use tauri::State;

use crate::chosen::Chosen;
use crate::error::CommandResult;
use crate::state::AppState;

/// Every ritual, the next gathering first.
#[tauri::command]
#[specta::specta]
pub fn list_rituals(state: State<AppState>) -> CommandResult<Vec<Ritual>> {
    state.with_library(|library| rituals::list(library))
}

#[tauri::command]
#[specta::specta]
pub fn get_ritual(state: State<AppState>, id: String) -> CommandResult<Ritual> {
    state.with_library(|library| rituals::get(library, &id))
}

#[tauri::command]
#[specta::specta]
pub fn create_ritual(state: State<AppState>, draft: RitualDraft) -> CommandResult<Ritual> {
    state.with_library(|library| rituals::create(library, draft))
}

#[tauri::command]
#[specta::specta]
pub fn update_ritual(state: State<AppState>, id: String, draft: RitualDraft) -> CommandResult<Ritual> {
    state.with_library(|library| rituals::update(library, &id, draft))
}

#[tauri::command]
#[specta::specta]
pub fn delete_ritual(state: State<AppState>, id: String) -> CommandResult<()> {
    state.with_library(|library| rituals::delete(library, &id))
}

/// Answers for one gathering, or (`following`) for it and every later one.
#[tauri::command]
#[specta::specta]
pub fn answer_gathering(
    state: State<AppState>,
    id: String,
    key: String,
    answer: Answer,
    following: bool,
    guests: u32,
    note: String,
) -> CommandResult<Ritual> {
    state.with_library(|library| rituals::rsvp(library, &id, &key, answer, following, guests, &note))
}

/// Moves one gathering (`to`: local `YYYY-MM-DDTHH:MM`), cancels it, or puts it back.
#[tauri::command]
#[specta::specta]
pub fn change_gathering(
    state: State<AppState>,
    id: String,
    key: String,
    to: Option<String>,
    cancelled: bool,
) -> CommandResult<Ritual> {
    state.with_library(|library| rituals::change_occurrence(library, &id, &key, to.as_deref(), cancelled))
}

/// Writes the next gatherings as an `.ics` file where the person chose to save it.
#[tauri::command]
#[specta::specta]
pub fn export_ritual_ics(state: State<AppState>, chosen: State<Chosen>, id: String, path: String) -> CommandResult<()> {
    let path = chosen.check_write(&path)?;
    state.with_library(|library| {
        let ics = rituals::to_ics(&rituals::get(library, &id)?, library.now());
        std::fs::write(&path, ics).map_err(|source| hearth::Error::Io { path: path.clone(), source })
    })
}

/// Mixes the tables of a gathering from the members going (its starter or a lead).
#[tauri::command]
#[specta::specta]
pub fn mix_tables(state: State<AppState>, id: String, key: String, size: u32, seed: u32) -> CommandResult<TablePlan> {
    state.with_library(|library| rituals::mix_tables(library, &id, &key, size, u64::from(seed)))
}

/// Offers (or stops offering) to host a ritual's gatherings.
#[tauri::command]
#[specta::specta]
pub fn offer_to_host(state: State<AppState>, id: String, willing: bool) -> CommandResult<Ritual> {
    state.with_library(|library| rituals::offer_to_host(library, &id, willing))
}

/// Names the host of a gathering, or (None) leaves it without one; a host may step out.
#[tauri::command]
#[specta::specta]
pub fn set_gathering_host(
    state: State<AppState>,
    id: String,
    key: String,
    host: Option<String>,
) -> CommandResult<Ritual> {
    state.with_library(|library| rituals::set_host(library, &id, &key, host.as_deref()))
}

/// Makes a past gathering's moment, or links it to an existing one.
#[tauri::command]
#[specta::specta]
pub fn gathering_moment(
    state: State<AppState>,
    id: String,
    key: String,
    moment: Option<String>,
) -> CommandResult<Ritual> {
    state.with_library(|library| rituals::gathering_moment(library, &id, &key, moment.as_deref()))
}

/// Records whether a member went to a past gathering (None: not recorded).
#[tauri::command]
#[specta::specta]
pub fn record_attendance(
    state: State<AppState>,
    id: String,
    key: String,
    member: String,
    went: Option<bool>,
) -> CommandResult<Ritual> {
    state.with_library(|library| rituals::record_attendance(library, &id, &key, &member, went))
}

/// Confirms whom a past gathering's moment proposes as having gone.
#[tauri::command]
#[specta::specta]
pub fn confirm_attendance(state: State<AppState>, id: String, key: String) -> CommandResult<Ritual> {
    state.with_library(|library| rituals::confirm_proposed(library, &id, &key))
}

/// Adds an item to a gathering's bring list.
#[tauri::command]
#[specta::specta]
pub fn add_bring_item(state: State<AppState>, id: String, key: String, item: String) -> CommandResult<Ritual> {
    state.with_library(|library| hearth::convene::bring::add_item(library, &id, &key, &item))
}

/// Claims an item on a bring list, or lets go of it.
#[tauri::command]
#[specta::specta]
pub fn claim_bring_item(state: State<AppState>, id: String, item: String, claim: bool) -> CommandResult<Ritual> {
    state.with_library(|library| hearth::convene::bring::claim_item(library, &id, &item, claim))
}

/// Marks an item on a bring list brought.
#[tauri::command]
#[specta::specta]
pub fn mark_item_brought(state: State<AppState>, id: String, item: String, brought: bool) -> CommandResult<Ritual> {
    state.with_library(|library| hearth::convene::bring::mark_brought(library, &id, &item, brought))
}

/// Removes an item from a bring list.
#[tauri::command]
#[specta::specta]
pub fn remove_bring_item(state: State<AppState>, id: String, item: String) -> CommandResult<Ritual> {
    state.with_library(|library| hearth::convene::bring::remove_item(library, &id, &item))
}

/// Asks a regular to welcome a newcomer at their first gathering.
#[tauri::command]
#[specta::specta]
pub fn ask_welcomer(
    state: State<AppState>,
    id: String,
    key: String,
    newcomer: String,
    welcomer: String,
) -> CommandResult<Ritual> {
    state.with_library(|library| rituals::ask_welcomer(library, &id, &key, &newcomer, &welcomer))
}

/// The member at this laptop's own record with each ritual (shown on their own page only).
#[tauri::command]
#[specta::specta]
pub fn my_streaks(state: State<AppState>) -> CommandResult<Vec<hearth::convene::looking_back::MyStreak>> {
    state.with_library(|library| hearth::convene::looking_back::my_streaks(library))
}

/// Conversation pairs as the member at this laptop sees them.
#[tauri::command]
#[specta::specta]
pub fn conversation_pairs(state: State<AppState>) -> CommandResult<hearth::convene::pairs::Pairs> {
    state.with_library(|library| hearth::convene::pairs::pairs(library))
}

/// Opts the member at this laptop in or out of conversation pairs.
#[tauri::command]
#[specta::specta]
pub fn opt_in_to_pairs(state: State<AppState>, opted_in: bool) -> CommandResult<hearth::convene::pairs::Pairs> {
    state.with_library(|library| hearth::convene::pairs::opt_in(library, opted_in))
}

/// Starts a round of conversation pairs (leads).
#[tauri::command]
#[specta::specta]
pub fn start_pair_round(state: State<AppState>) -> CommandResult<hearth::convene::pairs::Pairs> {
    state.with_library(hearth::convene::pairs::start_round)
}
