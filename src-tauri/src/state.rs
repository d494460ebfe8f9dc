//! What the shell holds between commands: the open library (at most one) and the app's own
//! settings file (which library to open, which theme). No domain rules live here.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use hearth::Library;
use serde::{Deserialize, Serialize};

use crate::error::{CommandError, CommandResult};

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum Theme {
    #[default]
    System,
    Light,
    Dark,
}

/// The sizes text may take, in percent of the window's default (15 px). WCAG 2.2 success
/// criterion 1.4.4 asks that text can be resized to 200 % without loss of content.
pub const TEXT_SIZES: [u16; 5] = [100, 125, 150, 175, 200];

#[derive(Debug, Clone, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct Settings {
    /// The library opened last, reopened at start.
    pub library: Option<String>,
    pub theme: Theme,
    /// Text size in percent, one of [`TEXT_SIZES`] (a settings file from before has none, and a
    /// hand-edited one may hold anything: both read as 100, and the rest of the file is kept).
    #[serde(default = "default_text_size", deserialize_with = "offered_text_size")]
    #[specta(type = u16)]
    pub text_size: u16,
}

fn default_text_size() -> u16 {
    100
}

fn offered_text_size<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<u16, D::Error> {
    let value = serde_json::Value::deserialize(deserializer)?;
    Ok(value.as_u64().and_then(|n| u16::try_from(n).ok()).filter(|n| TEXT_SIZES.contains(n)).unwrap_or(100))
}

impl Default for Settings {
    fn default() -> Self {
        Settings { library: None, theme: Theme::default(), text_size: default_text_size() }
    }
}

/// The running (or last) import and its cancel switch.
#[derive(Default)]
pub struct RunningImport {
    pub status: crate::commands::import::ImportStatus,
    pub cancel: std::sync::Arc<std::sync::atomic::AtomicBool>,
}

pub struct AppState {
    pub library: Mutex<Option<Library>>,
    pub import: Mutex<RunningImport>,
    pub yearbook: Mutex<crate::commands::yearbook::RunningYearbook>,
    /// Held while a sync runs: one at a time, whether clicked or automatic.
    pub sync_lock: Mutex<()>,
    /// `--library <folder>` (or `HEARTH_LIBRARY`): open this folder instead of the last one.
    pub library_override: Option<PathBuf>,
    settings_file: PathBuf,
    settings: Mutex<Settings>,
}

impl AppState {
    pub fn new(library_override: Option<PathBuf>, config_dir: PathBuf) -> Self {
        let settings_file = config_dir.join("settings.json");
        // Unreadable settings are not worth refusing to start over: fall back to defaults.
        let settings = std::fs::read(&settings_file)
            .ok()
            .and_then(|bytes| serde_json::from_slice(&bytes).ok())
            .unwrap_or_default();
        AppState {
            library: Mutex::new(None),
            import: Mutex::default(),
            yearbook: Mutex::default(),
            sync_lock: Mutex::default(),
            library_override,
            settings_file,
            settings: Mutex::new(settings),
        }
    }

    pub fn settings(&self) -> Settings {
        self.settings.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    pub fn update_settings(&self, change: impl FnOnce(&mut Settings)) -> CommandResult<Settings> {
        let mut settings = self.settings.lock().unwrap_or_else(|p| p.into_inner());
        change(&mut settings);
        write_atomically(&self.settings_file, &serde_json::to_vec_pretty(&*settings).expect("settings serialize"))
            .map_err(|source| CommandError::from(hearth::Error::Io { path: self.settings_file.clone(), source }))?;
        Ok(settings.clone())
    }

    /// Runs `f` on the open library.
    pub fn with_library<T>(&self, f: impl FnOnce(&mut Library) -> hearth::Result<T>) -> CommandResult<T> {
        let mut guard = self.library.lock().unwrap_or_else(|p| p.into_inner());
        let library = guard.as_mut().ok_or_else(CommandError::no_library)?;
        Ok(f(library)?)
    }

    /// Makes `library` the open one and remembers it for the next start.
    pub fn set_library(&self, library: Library) -> CommandResult<()> {
        let path = library.root().display().to_string();
        *self.library.lock().unwrap_or_else(|p| p.into_inner()) = Some(library);
        self.update_settings(|s| s.library = Some(path))?;
        Ok(())
    }
}

fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    let temporary = path.with_extension("json.tmp");
    std::fs::write(&temporary, bytes)?;
    std::fs::rename(&temporary, path)
}

/// The open library, as long as it is still the one long work (an import, a sync) started on;
/// taken only for each short read or write.
pub struct OpenLibrary<'a> {
    pub state: &'a AppState,
    pub root: PathBuf,
}

impl hearth::store::library::Access for OpenLibrary<'_> {
    fn with<T>(&self, change: impl FnOnce(&mut Library) -> hearth::Result<T>) -> hearth::Result<T> {
        let mut guard = self.state.library.lock().unwrap_or_else(|p| p.into_inner());
        match guard.as_mut() {
            Some(library) if library.root() == self.root => change(library),
            _ => {
                Err(hearth::Error::invalid("library", "another library was opened; the work on the first one stopped"))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bad_text_size_reads_as_100_and_keeps_the_rest_of_the_settings() {
        for size in ["0", "5", "70000", "1.5", "\"150\"", "null"] {
            let text = format!(r#"{{"library": "/home/ada/circle", "theme": "dark", "textSize": {size}}}"#);
            let settings: Settings = serde_json::from_str(&text).unwrap();
            assert_eq!(settings.text_size, 100, "{size} is not a size offered");
            assert_eq!(
                settings.library.as_deref(),
                Some("/home/ada/circle"),
                "the library is remembered despite {size}"
            );
            assert_eq!(settings.theme, Theme::Dark);
        }
        let settings: Settings =
            serde_json::from_str(r#"{"library": null, "theme": "system", "textSize": 175}"#).unwrap();
        assert_eq!(settings.text_size, 175, "an offered size is kept");
    }
}
