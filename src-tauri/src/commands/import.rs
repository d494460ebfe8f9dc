//! Imports run on their own thread; the window follows them through `import-progress` events
//! and `import_status`, and may cancel. The library's lock is taken only for each short commit.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use hearth::memories::import::{self, ImportOptions, Progress, Summary};
use serde::Serialize;
use tauri::{AppHandle, Emitter, Manager, State};

use crate::chosen::Chosen;
use crate::error::{CommandError, CommandResult};
use crate::state::{AppState, OpenLibrary};

/// What the window shows of the running (or last) import.
#[derive(Debug, Clone, Default, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct ImportStatus {
    pub running: bool,
    pub progress: Progress,
    pub summary: Option<Summary>,
    pub error: Option<CommandError>,
}

#[tauri::command]
#[specta::specta]
pub fn start_import(
    app: AppHandle,
    state: State<AppState>,
    chosen: State<Chosen>,
    paths: Vec<String>,
    moment_id: Option<String>,
) -> CommandResult<ImportStatus> {
    let paths = paths.iter().map(|path| chosen.check(path)).collect::<CommandResult<Vec<PathBuf>>>()?;
    let root = state.with_library(|library| {
        library.ensure_writable()?;
        Ok(library.root().to_path_buf())
    })?;
    if paths.is_empty() {
        return Err(hearth::Error::invalid("paths", "choose photos, videos or a folder to import").into());
    }
    let cancel = Arc::new(AtomicBool::new(false));
    {
        let mut running = state.import.lock().unwrap_or_else(|p| p.into_inner());
        if running.status.running {
            return Err(
                hearth::Error::invalid("import", "an import is already running; wait for it or cancel it").into()
            );
        }
        running.status = ImportStatus { running: true, ..ImportStatus::default() };
        running.cancel = cancel.clone();
    }
    let handle = app.clone();
    std::thread::spawn(move || {
        let state = handle.state::<AppState>();
        let access = OpenLibrary { state: &state, root };
        let options = ImportOptions { moment_id, workers: 0 };
        let publish = |change: &dyn Fn(&mut ImportStatus)| {
            let status = {
                let mut running = state.import.lock().unwrap_or_else(|p| p.into_inner());
                change(&mut running.status);
                running.status.clone()
            };
            let _ = handle.emit("import-progress", status);
        };
        let result = import::run(&access, &paths, &options, &cancel, &mut |progress| {
            publish(&|status| status.progress = progress.clone());
        })
        .map_err(CommandError::from);
        publish(&|status| {
            status.running = false;
            match &result {
                Ok(summary) => status.summary = Some(summary.clone()),
                Err(error) => status.error = Some(error.clone()),
            }
        });
    });
    Ok(import_status(state))
}

#[tauri::command]
#[specta::specta]
pub fn import_status(state: State<AppState>) -> ImportStatus {
    state.import.lock().unwrap_or_else(|p| p.into_inner()).status.clone()
}

#[tauri::command]
#[specta::specta]
pub fn cancel_import(state: State<AppState>) {
    state.import.lock().unwrap_or_else(|p| p.into_inner()).cancel.store(true, Ordering::Relaxed);
}
