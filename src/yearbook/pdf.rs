//! The book as a PDF, typeset by typst used as a library (`book.typ`), with typst's own fonts
//! bundled (Libertinus Serif; nothing is downloaded or read from the system, so every laptop
//! sets the same pages). Members' words reach the template as JSON data and are placed as
//! text, never parsed as markup. The PDF is tagged (headings, reading order, photos' alt
//! text) for screen readers, and differs between two runs only in its creation date.
//!
//! Photos enter at [`PDF_LONG_SIDE`] pixels, re-encoded from their previews: typst holds every
//! image decoded until the PDF is written, so the side bounds memory (a 2,000-photo book).

use std::collections::HashMap;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

use rayon::prelude::*;
use serde_json::{json, Value};
use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime, Duration};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};

use super::book::{Book, Photo};
use super::words::{self, plural};
use crate::error::{Error, Result};
use crate::text::markdown::plain_paragraphs;

/// The long side, in pixels, of a photo in the PDF: a grid cell is a third of the A4 text
/// column (5.3 cm wide), so 360 px is about 170 dpi there. typst holds each photo decoded
/// (360 × 270 × 3 bytes) until the PDF is written: 2,000 photos take about 0.6 GB at this
/// side, against 1.0 GB at 480 px (`hearth bench yearbook`).
pub const PDF_LONG_SIDE: u32 = 360;

const TEMPLATE: &str = include_str!("book.typ");

/// Where the PDF is along the way: photos prepared (`done` of `total`), then typesetting and
/// writing, which typst does in one step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Photos { done: u32, total: u32 },
    Typesetting,
}

/// Every photo the book shows, once.
fn photos_of(book: &Book) -> Vec<&Photo> {
    let mut seen = std::collections::HashSet::new();
    book.months
        .iter()
        .flat_map(|m| m.moments.iter().flat_map(|x| x.photos.iter()).chain(m.highlights.iter()))
        .chain(book.pages.iter().flat_map(|page| page.photos.iter()))
        .filter(|p| seen.insert(p.hash.as_str()))
        .collect()
}

fn image_path(hash: &str) -> String {
    format!("/images/{hash}.jpg")
}

/// A photo for the template; `from` says where it comes from, for its text alternative.
fn photo_json(photo: &Photo, from: &str) -> Value {
    json!({
        "path": image_path(&photo.hash),
        "alt": words::photo_alt(&photo.caption, from),
        "caption": photo.caption,
    })
}

/// Photos that come from the same place (`from`, for their text alternatives).
fn photos_json(photos: &[Photo], from: &str) -> Vec<Value> {
    photos.iter().map(|photo| photo_json(photo, from)).collect()
}

fn entry(title: &str, note: String, paragraphs: Vec<String>, more_title: &str, more: Vec<String>) -> Value {
    json!({ "title": title, "note": note, "paragraphs": paragraphs, "more_title": more_title, "more": more })
}

/// The data the template sets: each chapter that has something, in the HTML's order and words.
fn data(book: &Book) -> Value {
    let mut chapters = Vec::new();
    if !book.months.is_empty() {
        let months: Vec<Value> = book
            .months
            .iter()
            .map(|m| {
                let moments: Vec<Value> = m
                    .moments
                    .iter()
                    .map(|x| {
                        let when = if x.place.is_empty() {
                            words::day(&x.day)
                        } else {
                            format!("{} · {}", words::day(&x.day), x.place)
                        };
                        json!({
                            "title": x.title, "when": when, "story": plain_paragraphs(&x.story),
                            "learned": plain_paragraphs(&x.learned),
                            "photos": photos_json(&x.photos, &words::from_moment(&x.title, &x.day)),
                        })
                    })
                    .collect();
                json!({ "name": words::month(m.month), "moments": moments,
                        "highlights": photos_json(&m.highlights, &words::from_highlights(m.month)) })
            })
            .collect();
        chapters.push(json!({ "kind": "year", "title": words::CHAPTER_YEAR, "months": months }));
    }
    let entries = |title: &str, entries: Vec<Value>| json!({ "kind": "entries", "title": title, "entries": entries });
    let list = |title: &str, intro: String, items: Vec<String>, columns: u32| json!({ "kind": "list", "title": title, "intro": intro, "items": items, "columns": columns });
    if !book.rituals.is_empty() {
        chapters.push(entries(
            words::CHAPTER_RITUALS,
            book.rituals
                .iter()
                .map(|r| {
                    let note = format!(
                        "{}, {}.",
                        plural(r.gatherings, "gathering", "gatherings"),
                        plural(r.attendance, "place taken", "places taken")
                    );
                    entry(&r.name, note, plain_paragraphs(&r.why), "", Vec::new())
                })
                .collect(),
        ));
    }
    if !book.artefacts.is_empty() {
        chapters.push(entries(
            words::CHAPTER_ARTEFACTS,
            book.artefacts
                .iter()
                .map(|a| entry(&a.name, a.kind.clone(), plain_paragraphs(&a.summary), "", Vec::new()))
                .collect(),
        ));
    }
    if !book.initiatives.is_empty() {
        chapters.push(entries(
            words::CHAPTER_INITIATIVES,
            book.initiatives
                .iter()
                .map(|i| {
                    let outcome = plain_paragraphs(&i.outcome);
                    entry(&i.title, String::new(), plain_paragraphs(&i.difference), "What came of it", outcome)
                })
                .collect(),
        ));
    }
    if !book.accomplishments.is_empty() {
        let items = book
            .accomplishments
            .iter()
            .map(|a| format!("{}: {} ({})", a.member, a.title, words::day(&a.day)))
            .collect();
        chapters.push(list(words::CHAPTER_CELEBRATIONS, String::new(), items, 1));
    }
    if !book.newcomers.is_empty() {
        let intro = format!("We welcomed {}.", plural(book.totals.newcomers, "newcomer", "newcomers"));
        chapters.push(list(words::CHAPTER_WELCOME, intro, book.newcomers.clone(), 2));
    }
    if !book.farewells.is_empty() {
        chapters.push(entries(
            words::CHAPTER_FAREWELLS,
            book.farewells
                .iter()
                .map(|(name, words)| {
                    entry(&format!("From {name}"), String::new(), plain_paragraphs(words), "", Vec::new())
                })
                .collect(),
        ));
    }
    if !book.pulse.is_empty() {
        let items = book.pulse.iter().map(|p| format!("{}: {} answered.", p.title, p.respondents)).collect();
        chapters.push(list(words::CHAPTER_PULSE, String::new(), items, 1));
    }
    chapters.extend(guide_chapters(book));
    chapters.extend(personal_chapters(book));
    json!({
        "title": format!("{} — {}", book.community, book.subtitle),
        "community": book.community,
        "year": book.subtitle,
        "description": plain_paragraphs(&book.description),
        "totals": words::totals(book).unwrap_or_default(),
        "chapters": chapters,
        "colophon": words::colophon(book),
    })
}

/// A member's personal copy: their pages (with photos) and the signatures they approved.
fn personal_chapters(book: &Book) -> Vec<Value> {
    let mut chapters = Vec::new();
    if !book.pages.is_empty() {
        let pages: Vec<Value> = book
            .pages
            .iter()
            .map(|page| {
                json!({ "title": page.title, "when": "", "story": plain_paragraphs(&page.body), "learned": [],
                        "photos": photos_json(&page.photos, &words::from_page(&page.title, &book.owner)) })
            })
            .collect();
        let title = words::pages_of(&book.owner);
        chapters.push(
            json!({ "kind": "year", "title": title, "months": [{ "name": "", "moments": pages, "highlights": [] }] }),
        );
    }
    if !book.signatures.is_empty() {
        let signatures: Vec<Value> = book
            .signatures
            .iter()
            .map(|(from, message)| {
                entry(&format!("From {from}"), String::new(), plain_paragraphs(message), "", Vec::new())
            })
            .collect();
        chapters.push(json!({ "kind": "entries", "title": words::CHAPTER_SIGNATURES, "entries": signatures }));
    }
    chapters
}

/// The newcomers' guide's chapters (`yearbook::primer`), in the HTML's order and words.
fn guide_chapters(book: &Book) -> Vec<Value> {
    let mut chapters = Vec::new();
    let entries = |title: &str, entries: Vec<Value>| json!({ "kind": "entries", "title": title, "entries": entries });
    if !book.guide.is_empty() {
        let guide = book
            .guide
            .iter()
            .map(|r| {
                let note =
                    [r.when.as_str(), r.place.as_str()].iter().filter(|t| !t.is_empty()).copied().collect::<Vec<_>>();
                let mut ritual =
                    entry(&r.name, note.join(" · "), plain_paragraphs(&r.why), "Good to know", r.customs.clone());
                // Customs are a list, not a sentence.
                ritual["more_list"] = json!(true);
                ritual
            })
            .collect();
        chapters.push(entries(words::CHAPTER_GUIDE, guide));
    }
    if !book.songs.is_empty() {
        let songs: Vec<Value> = book
            .songs
            .iter()
            .map(|song| {
                let stanzas: Vec<Vec<&str>> = song
                    .lyrics
                    .split("\n\n")
                    .filter(|s| !s.trim().is_empty())
                    .map(|s| s.trim().lines().map(str::trim).collect())
                    .collect();
                json!({ "title": song.name, "summary": plain_paragraphs(&song.summary), "stanzas": stanzas })
            })
            .collect();
        chapters.push(json!({ "kind": "songs", "title": words::CHAPTER_SONGS, "songs": songs }));
    }
    if !book.stories.is_empty() {
        let stories = book
            .stories
            .iter()
            .map(|s| {
                let by = if s.author.is_empty() { String::new() } else { format!("By {}", s.author) };
                entry(&s.title, by, plain_paragraphs(&s.body), "", Vec::new())
            })
            .collect();
        chapters.push(entries(words::CHAPTER_STORIES, stories));
    }
    if !book.welcomers.is_empty() {
        chapters.push(json!({
            "kind": "list", "title": words::CHAPTER_WELCOMERS, "columns": 2, "items": book.welcomers,
            "intro": "These members offered to welcome you: ask any of them anything.",
        }));
    }
    chapters
}

/// The preview of `hash` under `root`, at [`PDF_LONG_SIDE`], as JPEG; `None` when the preview
/// is missing or unreadable (the photo is then left out of the PDF, as of the HTML).
fn prepare(root: &Path, hash: &str) -> Option<Vec<u8>> {
    let preview = crate::store::blobs::preview(root, hash).ok()?;
    let bytes = std::fs::read(preview).ok()?;
    let (_, _, decoded) = crate::ingest::imaging::decode_jpeg_scaled(&bytes, PDF_LONG_SIDE).ok()?;
    crate::ingest::imaging::encode_jpeg(&crate::ingest::imaging::fit(&decoded, PDF_LONG_SIDE).ok()?).ok()
}

/// What typst reads: the template, the book's data, the photos, the bundled fonts.
struct BookWorld {
    library: LazyHash<Library>,
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
    main: Source,
    files: HashMap<FileId, Bytes>,
    today: Datetime,
}

fn file_id(path: &str) -> FileId {
    FileId::new(RootedPath::new(
        VirtualRoot::Project,
        VirtualPath::new(path).expect("the book's own paths are valid virtual paths"),
    ))
}

impl World for BookWorld {
    fn library(&self) -> &LazyHash<Library> {
        &self.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &self.book
    }

    fn main(&self) -> FileId {
        self.main.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() {
            Ok(self.main.clone())
        } else {
            Err(FileError::NotFound(id.vpath().get_with_slash().into()))
        }
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        self.files.get(&id).cloned().ok_or_else(|| FileError::NotFound(id.vpath().get_with_slash().into()))
    }

    fn font(&self, index: usize) -> Option<Font> {
        self.fonts.get(index).cloned()
    }

    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        Some(self.today)
    }
}

/// Typesets `book` (its photos read from the library at `root`) as PDF bytes, dated
/// `created`. Returns `Ok(None)` when `cancel` is set before the end; reports each [`Step`].
///
/// # Errors
/// [`Error::Invalid`] when typst refuses the document (which would be a fault in the template).
pub fn typeset(
    root: &Path,
    book: &Book,
    created: chrono::DateTime<chrono::Utc>,
    cancel: &AtomicBool,
    progress: &(dyn Fn(Step) + Sync),
) -> Result<Option<Vec<u8>>> {
    let photos = photos_of(book);
    let total = photos.len() as u32;
    let done = Mutex::new(0u32);
    progress(Step::Photos { done: 0, total });
    let prepared: Vec<(String, Option<Vec<u8>>)> = photos
        .par_iter()
        .map(|p| {
            if cancel.load(Ordering::Relaxed) {
                return (p.hash.clone(), None);
            }
            let bytes = prepare(root, &p.hash);
            let mut count = done.lock().unwrap_or_else(|e| e.into_inner());
            *count += 1;
            progress(Step::Photos { done: *count, total });
            (p.hash.clone(), bytes)
        })
        .collect();
    if cancel.load(Ordering::Relaxed) {
        return Ok(None);
    }
    let mut files: HashMap<FileId, Bytes> = HashMap::new();
    let mut book = book.clone();
    let available: std::collections::HashSet<String> =
        prepared.iter().filter(|(_, b)| b.is_some()).map(|(h, _)| h.clone()).collect();
    for (hash, bytes) in prepared {
        if let Some(bytes) = bytes {
            files.insert(file_id(&image_path(&hash)), Bytes::new(bytes));
        }
    }
    // A photo whose preview is missing is left out, as the HTML folder leaves it out.
    for photos in book.photos_mut() {
        photos.retain(|p| available.contains(&p.hash));
    }
    let data = serde_json::to_vec(&data(&book)).map_err(|e| Error::invalid("yearbook", e.to_string()))?;
    files.insert(file_id("/book.json"), Bytes::new(data));
    progress(Step::Typesetting);
    let fonts: Vec<Font> = typst_assets::fonts().flat_map(|data| Font::iter(Bytes::new(data))).collect();
    let date = created.date_naive();
    let world = BookWorld {
        library: LazyHash::new(Library::builder().build()),
        book: LazyHash::new(FontBook::from_fonts(&fonts)),
        fonts,
        main: Source::new(file_id("/book.typ"), TEMPLATE.to_owned()),
        files,
        today: Datetime::from_ymd(
            chrono::Datelike::year(&date),
            chrono::Datelike::month(&date) as u8,
            chrono::Datelike::day(&date) as u8,
        )
        .expect("a calendar date is a typst date"),
    };
    let refused = |what: &str, diagnostics: &[typst::diag::SourceDiagnostic]| {
        let first = diagnostics.first().map_or_else(String::new, |d| d.message.to_string());
        Error::invalid("yearbook", format!("the PDF could not be {what}: {first}"))
    };
    let document: typst_layout::PagedDocument = typst::compile(&world).output.map_err(|d| refused("typeset", &d))?;
    if cancel.load(Ordering::Relaxed) {
        typst::comemo::evict(0);
        return Ok(None);
    }
    let timestamp = typst::foundations::Datetime::from_ymd_hms(
        chrono::Datelike::year(&created),
        chrono::Datelike::month(&created) as u8,
        chrono::Datelike::day(&created) as u8,
        chrono::Timelike::hour(&created) as u8,
        chrono::Timelike::minute(&created) as u8,
        chrono::Timelike::second(&created) as u8,
    )
    .map(typst_pdf::Timestamp::new_utc);
    let options = typst_pdf::PdfOptions {
        // The same book gets the same identifier, so two exports differ only in their date.
        ident: typst::foundations::Smart::Custom(format!("hearth-yearbook-{}-{}", book.community, book.subtitle)),
        creator: typst::foundations::Smart::Custom(Some("Hearth".into())),
        timestamp,
        tagged: true,
        ..typst_pdf::PdfOptions::default()
    };
    let pdf = typst_pdf::pdf(&document, &options).map_err(|d| refused("written", &d));
    drop(document);
    // typst caches what it computed (decoded photos among it) for the next compile; the app
    // runs for days, so free it now.
    typst::comemo::evict(0);
    Ok(Some(pdf?))
}
