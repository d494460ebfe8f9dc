//! The yearbook (Memories → Yearbook): written on its own thread, which the window follows
//! through `yearbook-progress` events and `yearbook_status` and may cancel; coverage for the
//! editing lead; and the member's own choices about being shown (not featured, hidden days).

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use hearth::memories::hidden;
use hearth::yearbook::export::{self, Progress, Written};
use hearth::yearbook::personal::{self, PageDraft, PhotoChoice, Signature};
use hearth::yearbook::{book, coverage, featured, primer};
use serde::Serialize;
use tauri::{AppHandle, Emitter, Manager, State};

use crate::chosen::Chosen;
use crate::error::{CommandError, CommandResult};
use crate::state::AppState;

/// The running (or last) export and its cancel switch.
#[derive(Default)]
pub struct RunningYearbook {
    pub status: YearbookStatus,
    pub cancel: Arc<AtomicBool>,
}

/// Which book: the community's year, a member's own copy of it, or the newcomers' guide.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, serde::Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum Edition {
    #[default]
    Community,
    Personal,
    Primer,
}

/// What the window shows of the running (or last) yearbook export.
#[derive(Debug, Clone, Default, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct YearbookStatus {
    /// Grows with every change, so the window keeps the newest of a reply and an event.
    pub seq: u32,
    pub running: bool,
    pub year: i32,
    pub edition: Edition,
    pub progress: Option<Progress>,
    pub written: Option<Written>,
    /// The last export was cancelled; nothing was left behind.
    pub cancelled: bool,
    pub error: Option<CommandError>,
}

/// Where a book is saved unless the person chooses another folder: their Documents folder,
/// else their home folder.
fn default_folder() -> Option<PathBuf> {
    dirs::document_dir().filter(|d| d.is_dir()).or_else(dirs::home_dir)
}

/// The folder a book is saved in unless another is chosen.
#[tauri::command]
#[specta::specta]
pub fn yearbook_default_folder() -> Option<String> {
    default_folder().map(|d| d.display().to_string())
}

/// The years the library has moments or photos of, newest first.
#[tauri::command]
#[specta::specta]
pub fn yearbook_years(state: State<AppState>) -> CommandResult<Vec<i32>> {
    state.with_library(|library| book::years(library.conn()))
}

/// Who is not yet in `year`'s book `goal` times, and who far more than most (by name, for a
/// lead; empty for anyone else).
#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct YearbookCoverage {
    pub below: Vec<String>,
    pub over: Vec<String>,
}

#[tauri::command]
#[specta::specta]
pub fn yearbook_coverage(state: State<AppState>, year: i32, goal: u32) -> CommandResult<YearbookCoverage> {
    state.with_library(|library| {
        if !hearth::viewer::Viewer::me(library)?.is_lead {
            return Ok(YearbookCoverage { below: Vec::new(), over: Vec::new() });
        }
        let found = coverage::coverage(library, &book::gather(library, year)?, goal.clamp(1, 20))?;
        let names = |people: Vec<(hearth::people::members::Person, u32)>| {
            people.into_iter().map(|(p, _)| p.display_name).collect::<Vec<_>>()
        };
        Ok(YearbookCoverage { below: names(found.below), over: names(found.over) })
    })
}

/// Starts writing `year`'s book as `edition` (the newcomers' guide has no year) into
/// `destination` (a folder chosen in the dialog) or, when none, the default folder; with the
/// PDF when `pdf`.
#[tauri::command]
#[specta::specta]
pub fn start_yearbook(
    app: AppHandle,
    state: State<AppState>,
    chosen: State<Chosen>,
    year: i32,
    destination: Option<String>,
    pdf: bool,
    edition: Edition,
) -> CommandResult<YearbookStatus> {
    let destination = match destination {
        Some(path) => chosen.check_write(&path)?,
        None => default_folder()
            .ok_or_else(|| hearth::Error::invalid("destination", "choose a folder to save the book in"))?,
    };
    if edition != Edition::Primer && !(1900..=2200).contains(&year) {
        return Err(hearth::Error::invalid("year", "choose a year between 1900 and 2200").into());
    }
    let root = state.with_library(|library| Ok(library.root().to_path_buf()))?;
    let cancel = Arc::new(AtomicBool::new(false));
    {
        // The slot is taken before anything is read, so a double click starts one book.
        let mut running = state.yearbook.lock().unwrap_or_else(|p| p.into_inner());
        if running.status.running {
            return Err(
                hearth::Error::invalid("yearbook", "a yearbook is being written; wait for it or cancel it").into()
            );
        }
        let seq = running.status.seq + 1;
        running.status = YearbookStatus { running: true, year, edition, seq, ..YearbookStatus::default() };
        running.cancel = cancel.clone();
    }
    let handle = app.clone();
    std::thread::spawn(move || {
        let state = handle.state::<AppState>();
        let publish = |change: &dyn Fn(&mut YearbookStatus)| {
            let status = {
                let mut running = state.yearbook.lock().unwrap_or_else(|p| p.into_inner());
                change(&mut running.status);
                running.status.seq += 1;
                running.status.clone()
            };
            let _ = handle.emit("yearbook-progress", status);
        };
        // Gathering reads the library under its lock (briefly); the long part runs without it.
        // A panic anywhere in it is reported, and the next book can be started.
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let (gathered, created) = state.with_library(|library| {
                let gathered = match edition {
                    Edition::Primer => primer::gather(library)?,
                    Edition::Personal => {
                        let me = library.me()?.ok_or(hearth::Error::NoIdentity)?;
                        personal::personal_copy(library, book::gather(library, year)?, &me)?
                    }
                    Edition::Community => book::gather(library, year)?,
                };
                Ok((gathered, library.now()))
            })?;
            export::export(&root, &gathered, &destination, pdf, created.to_utc(), &cancel, &|progress| {
                publish(&|status| status.progress = Some(progress));
            })
            .map_err(CommandError::from)
        }))
        .unwrap_or_else(|_| {
            Err(hearth::Error::invalid("yearbook", "the book could not be written (an internal error); try again")
                .into())
        });
        publish(&|status| {
            status.running = false;
            match &result {
                Ok(Some(written)) => status.written = Some(written.clone()),
                Ok(None) => status.cancelled = true,
                Err(error) => status.error = Some(error.clone()),
            }
        });
    });
    Ok(yearbook_status(state))
}

#[tauri::command]
#[specta::specta]
pub fn yearbook_status(state: State<AppState>) -> YearbookStatus {
    state.yearbook.lock().unwrap_or_else(|p| p.into_inner()).status.clone()
}

#[tauri::command]
#[specta::specta]
pub fn cancel_yearbook(state: State<AppState>) {
    state.yearbook.lock().unwrap_or_else(|p| p.into_inner()).cancel.store(true, Ordering::Relaxed);
}

/// Opens the folder of the book just written in the system's file manager (only that folder:
/// the path never comes from the page).
#[tauri::command]
#[specta::specta]
pub async fn open_yearbook_folder(state: State<'_, AppState>) -> CommandResult<()> {
    let folder =
        state.yearbook.lock().unwrap_or_else(|p| p.into_inner()).status.written.as_ref().map(|w| w.folder.clone());
    let folder = folder.ok_or_else(|| hearth::Error::invalid("yearbook", "no book was written yet"))?;
    crate::opening::open_folder(folder)
        .await
        .map_err(|e| hearth::Error::invalid("yearbook", format!("the folder could not be opened: {e}")).into())
}

/// Whether the member at this laptop may be featured in memories and the yearbook.
#[tauri::command]
#[specta::specta]
pub fn featured_in_memories(state: State<AppState>) -> CommandResult<bool> {
    state.with_library(|library| featured::get(library))
}

/// Sets whether the member at this laptop may be featured (only they may).
#[tauri::command]
#[specta::specta]
pub fn set_featured_in_memories(state: State<AppState>, featured: bool) -> CommandResult<()> {
    state.with_library(|library| featured::set(library, featured))
}

/// The days the member at this laptop asked not to be shown on, in date order.
#[tauri::command]
#[specta::specta]
pub fn hidden_dates(state: State<AppState>) -> CommandResult<Vec<String>> {
    state.with_library(|library| hidden::mine(library))
}

/// Hides `day` (`YYYY-MM-DD`) for the member at this laptop.
#[tauri::command]
#[specta::specta]
pub fn hide_date(state: State<AppState>, day: String) -> CommandResult<Vec<String>> {
    state.with_library(|library| hidden::hide(library, &day))
}

/// Shows `day` again for the member at this laptop.
#[tauri::command]
#[specta::specta]
pub fn show_date_again(state: State<AppState>, day: String) -> CommandResult<Vec<String>> {
    state.with_library(|library| hidden::show_again(library, &day))
}

/// What the guide's card shows: the stories a lead may choose (every story shared with the whole
/// community, newest first, for a lead only), and whether this member offered to welcome.
#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct PrimerChoices {
    pub stories: Vec<primer::StoryChoice>,
    pub welcomes: bool,
}

#[tauri::command]
#[specta::specta]
pub fn primer_choices(state: State<AppState>) -> CommandResult<PrimerChoices> {
    state.with_library(|library| {
        let welcomes = if library.me()?.is_some() { primer::welcomes(library)? } else { false };
        if !hearth::viewer::Viewer::me(library)?.is_lead {
            return Ok(PrimerChoices { stories: Vec::new(), welcomes });
        }
        let stories = primer::story_choices(library.conn())?;
        Ok(PrimerChoices { stories, welcomes })
    })
}

/// Chooses the guide's stories (a lead only; at most five).
#[tauri::command]
#[specta::specta]
pub fn set_primer_stories(state: State<AppState>, ids: Vec<String>) -> CommandResult<()> {
    state.with_library(|library| primer::choose_stories(library, &ids))
}

/// Offers (or stops offering) the member at this laptop as a welcomer in the guide.
#[tauri::command]
#[specta::specta]
pub fn set_welcomes_newcomers(state: State<AppState>, offer: bool) -> CommandResult<()> {
    state.with_library(|library| primer::offer_to_welcome(library, offer))
}

/// The pages the member at this laptop wrote for `year` (four places, blank when not written).
#[tauri::command]
#[specta::specta]
pub fn my_yearbook_pages(state: State<AppState>, year: i32) -> CommandResult<Vec<PageDraft>> {
    state.with_library(|library| personal::my_pages(library, year))
}

/// Writes (or, emptied, removes) one of the member's pages for `year`.
#[tauri::command]
#[specta::specta]
pub fn write_yearbook_page(state: State<AppState>, year: i32, page: PageDraft) -> CommandResult<()> {
    state.with_library(|library| personal::write_page(library, year, page))
}

/// Photos of `year` the member is tagged in, to put on their pages.
#[tauri::command]
#[specta::specta]
pub fn yearbook_photos_to_choose(state: State<AppState>, year: i32) -> CommandResult<Vec<PhotoChoice>> {
    state.with_library(|library| personal::photos_to_choose(library, year))
}

/// Signatures of `year` written to the member at this laptop, and by them.
#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct YearbookSignatures {
    pub to_me: Vec<Signature>,
    pub by_me: Vec<Signature>,
}

#[tauri::command]
#[specta::specta]
pub fn yearbook_signatures(state: State<AppState>, year: i32) -> CommandResult<YearbookSignatures> {
    state.with_library(|library| {
        let (to_me, by_me) = personal::signatures(library, year)?;
        Ok(YearbookSignatures { to_me, by_me })
    })
}

/// Signs `member_id`'s book of `year`.
#[tauri::command]
#[specta::specta]
pub fn sign_yearbook(state: State<AppState>, year: i32, member_id: String, message: String) -> CommandResult<()> {
    state.with_library(|library| personal::sign(library, year, &member_id, &message))
}

/// Approves (or takes back the approval of) a signature written to the member at this laptop.
#[tauri::command]
#[specta::specta]
pub fn approve_signature(state: State<AppState>, id: String, approved: bool) -> CommandResult<()> {
    state.with_library(|library| personal::approve(library, &id, approved))
}

/// The farewell the member at this laptop wrote (empty when none).
#[tauri::command]
#[specta::specta]
pub fn my_farewell(state: State<AppState>) -> CommandResult<String> {
    state.with_library(|library| hearth::yearbook::farewell::mine(library))
}

/// Writes (or, empty, takes back) the member's farewell, printed in this year's book.
#[tauri::command]
#[specta::specta]
pub fn write_farewell(state: State<AppState>, words: String) -> CommandResult<()> {
    state.with_library(|library| hearth::yearbook::farewell::write(library, &words))
}
