//! Writing a gathered book out: the HTML folder and, when asked, the PDF beside `index.html`,
//! all in a folder named after the community and year. Written under a temporary name and
//! renamed when complete, so a crash or a cancel leaves no half book; the same steps for the
//! command line and the window, which follows [`Progress`] and may cancel.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use serde::Serialize;

use super::book::Book;
use super::{html, pdf};
use crate::error::{Error, Result};

/// The stage an export is at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase", rename = "YearbookStage")]
pub enum Stage {
    /// Copying photos' previews into the folder.
    Photos,
    /// Preparing photos for the PDF.
    PdfPhotos,
    /// typst setting the pages and writing the PDF (one step, with no count).
    Typesetting,
}

/// How far an export is: `done` of `total` in its stage (both 0 while typesetting), and the
/// whole export's fraction in `[0, 1]` for a progress bar.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase", rename = "YearbookProgress")]
pub struct Progress {
    pub stage: Stage,
    pub done: u32,
    pub total: u32,
    pub fraction: f64,
}

/// What was written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase", rename = "YearbookWritten")]
pub struct Written {
    /// The book's folder; `index.html` opens it.
    pub folder: PathBuf,
    /// Photos in the book.
    pub photos: u32,
    /// The PDF inside the folder, when asked for.
    pub pdf: Option<PathBuf>,
}

/// A folder name every file browser shows, "Riverside Nurses 2025": no separators or
/// characters Windows refuses, no leading dot or space; "Hearth 2025" when nothing is left.
pub fn folder_name(book: &Book) -> String {
    let clean =
        |text: &str| -> String { text.chars().filter(|c| !"/\\:*?\"<>|".contains(*c) && !c.is_control()).collect() };
    // The label may hold a member's name (a personal copy): cleaned as the community's is.
    let label = clean(&book.folder_label);
    let community = clean(&book.community);
    let community = community.trim().trim_start_matches('.').trim();
    if community.is_empty() {
        format!("Hearth {}", label.trim())
    } else {
        format!("{community} {}", label.trim())
    }
}

/// Writes `book` (photos read from the library at `root`) into a new folder named by
/// [`folder_name`] (with " (2)" and so on when taken) inside `destination`, with `<name>.pdf` in it when `with_pdf`; the PDF is
/// dated `created`. Returns `Ok(None)` when `cancel` was set (nothing is left behind).
///
/// # Errors
/// [`Error::Invalid`] when `destination` is not a folder;
/// [`Error::Io`] when writing fails (the partial folder is removed).
pub fn export(
    root: &Path,
    book: &Book,
    destination: &Path,
    with_pdf: bool,
    created: chrono::DateTime<chrono::Utc>,
    cancel: &AtomicBool,
    progress: &(dyn Fn(Progress) + Sync),
) -> Result<Option<Written>> {
    if !destination.is_dir() {
        return Err(Error::invalid("yearbook", format!("{} is not a folder", destination.display())));
    }
    // A book already there is never written over: the next one is "… 2025 (2)".
    let base = folder_name(book);
    let name = (1..=100)
        .map(|n| if n == 1 { base.clone() } else { format!("{base} ({n})") })
        .find(|name| !destination.join(name).exists())
        .ok_or_else(|| {
            Error::invalid("yearbook", "there are 100 books of this year there already; choose another place")
        })?;
    let folder = destination.join(&name);
    let partial = destination.join(format!(".{name}.partial"));
    if partial.exists() {
        std::fs::remove_dir_all(&partial).map_err(|e| Error::io(&partial, e))?;
    }
    let outcome = write_all(root, book, &partial, &name, with_pdf, created, cancel, progress).and_then(|written| {
        match written {
            Some((photos, pdf_written)) if !cancel.load(Ordering::Relaxed) => {
                // `create_dir` refuses a folder made meanwhile, which a rename would replace.
                std::fs::create_dir(&folder).map_err(|e| Error::io(&folder, e))?;
                std::fs::rename(&partial, &folder).map_err(|e| Error::io(&folder, e))?;
                let pdf = pdf_written.then(|| folder.join(format!("{name}.pdf")));
                Ok(Some(Written { folder, photos, pdf }))
            }
            _ => Ok(None),
        }
    });
    if !matches!(outcome, Ok(Some(_))) {
        // Cancelled or failed: no hidden folder of the community's photos is left behind.
        let _ = std::fs::remove_dir_all(&partial);
    }
    outcome
}

/// The folder's share of the progress bar when a PDF follows (its photos and typesetting take
/// the rest).
const FOLDER_SHARE: f64 = 0.3;

#[allow(clippy::too_many_arguments)]
fn write_all(
    root: &Path,
    book: &Book,
    partial: &Path,
    name: &str,
    with_pdf: bool,
    created: chrono::DateTime<chrono::Utc>,
    cancel: &AtomicBool,
    progress: &(dyn Fn(Progress) + Sync),
) -> Result<Option<(u32, bool)>> {
    let folder_share = if with_pdf { FOLDER_SHARE } else { 1.0 };
    let ratio = |done: u32, total: u32| if total == 0 { 1.0 } else { f64::from(done) / f64::from(total) };
    let Some((written, shown)) = html::write_into(root, book, partial, cancel, &|done, total| {
        progress(Progress { stage: Stage::Photos, done, total, fraction: folder_share * ratio(done, total) });
    })?
    else {
        return Ok(None);
    };
    if !with_pdf {
        return Ok(Some((written, false)));
    }
    let bytes = pdf::typeset(root, &shown, created, cancel, &|step| {
        let (stage, done, total, fraction) = match step {
            pdf::Step::Photos { done, total } => {
                (Stage::PdfPhotos, done, total, FOLDER_SHARE + 0.4 * ratio(done, total))
            }
            pdf::Step::Typesetting => (Stage::Typesetting, 0, 0, FOLDER_SHARE + 0.4),
        };
        progress(Progress { stage, done, total, fraction });
    })?;
    let Some(bytes) = bytes else { return Ok(None) };
    let path = partial.join(format!("{name}.pdf"));
    std::fs::write(&path, bytes).map_err(|e| Error::io(&path, e))?;
    Ok(Some((written, true)))
}
