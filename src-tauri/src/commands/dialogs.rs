//! The file and folder dialogs, opened by the shell so that it knows what the person chose:
//! only those paths (and drops, and known libraries) are accepted by the commands that read or
//! write files (see `chosen`). The page gets the paths back to show and pass on.

use serde::Deserialize;
use tauri::{AppHandle, Manager, Window};
use tauri_plugin_dialog::DialogExt;

use crate::chosen::{Chosen, Reach, Use};
use crate::error::CommandResult;

/// A group of file types a dialog offers, e.g. "Images" with `["jpg", "png"]` (no dots).
#[derive(Debug, Clone, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct FileFilter {
    pub name: String,
    pub extensions: Vec<String>,
}

/// What to choose: one or several files, or folders.
#[derive(Debug, Clone, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct ChooseOptions {
    pub title: String,
    /// Folders instead of files.
    pub directory: bool,
    pub multiple: bool,
    pub filters: Vec<FileFilter>,
}

/// Opens the system's open dialog; the paths chosen (none when cancelled), granted for this run.
#[tauri::command]
#[specta::specta]
pub async fn choose_paths(app: AppHandle, window: Window, options: ChooseOptions) -> CommandResult<Vec<String>> {
    let mut dialog = app.dialog().file().set_title(&options.title).set_parent(&window);
    for filter in &options.filters {
        let extensions: Vec<&str> = filter.extensions.iter().map(String::as_str).collect();
        dialog = dialog.add_filter(&filter.name, &extensions);
    }
    let picked = blocking(move || match (options.directory, options.multiple) {
        (true, true) => dialog.blocking_pick_folders(),
        (true, false) => dialog.blocking_pick_folder().map(|one| vec![one]),
        (false, true) => dialog.blocking_pick_files(),
        (false, false) => dialog.blocking_pick_file().map(|one| vec![one]),
    })
    .await;
    // A folder chosen may be written into (an export, a new library); a file chosen to open
    // is only read.
    let (reach, purpose) = if options.directory { (Reach::Within, Use::Write) } else { (Reach::Exactly, Use::Read) };
    let chosen = app.state::<Chosen>();
    Ok(picked
        .unwrap_or_default()
        .into_iter()
        .filter_map(|path| path.into_path().ok())
        .map(|path| {
            chosen.grant(&path, reach, purpose);
            path.display().to_string()
        })
        .collect())
}

/// Opens the system's save dialog with `default_name` filled in; the path chosen (None when
/// cancelled), granted for this run.
#[tauri::command]
#[specta::specta]
pub async fn choose_save_path(
    app: AppHandle,
    window: Window,
    title: String,
    default_name: String,
    filters: Vec<FileFilter>,
) -> CommandResult<Option<String>> {
    let mut dialog = app.dialog().file().set_title(&title).set_file_name(&default_name).set_parent(&window);
    for filter in &filters {
        let extensions: Vec<&str> = filter.extensions.iter().map(String::as_str).collect();
        dialog = dialog.add_filter(&filter.name, &extensions);
    }
    let picked = blocking(move || dialog.blocking_save_file()).await;
    Ok(picked.and_then(|path| path.into_path().ok()).map(|path| {
        app.state::<Chosen>().grant(&path, Reach::Exactly, Use::Write);
        path.display().to_string()
    }))
}

/// Runs a dialog off the async runtime's threads (it waits for the person).
async fn blocking<T: Send + 'static>(dialog: impl FnOnce() -> Option<T> + Send + 'static) -> Option<T> {
    tauri::async_runtime::spawn_blocking(dialog).await.ok().flatten()
}
