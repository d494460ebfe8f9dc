//! `hearth bench yearbook`: a year of photos written as the yearbook's folder and PDF, each
//! stage timed, with the peak resident memory. Targets (the Yearbook issue): 2,000 photos give
//! the HTML folder in < 30 s and the PDF in < 90 s on 2 cores, in < 1 GB.
//!
//! The year has `photos` photos in moments of six, so every photo is in the book (the most a
//! book of that year can hold). Their 1280 px previews are real JPEGs of noisy gradients, each
//! its own picture (typst keeps one copy of identical images, so repeats would flatter it).

use std::path::Path;
use std::sync::atomic::AtomicBool;

use rusqlite::params;

use crate::clock::{Millis, Stopwatch};
use crate::community::CommunityDraft;
use crate::error::{Error, Result};
use crate::yearbook::{book, export, pdf};

/// Fills `library` with `photos` photos of 2025 in moments of six, with their previews.
fn fill(library: &crate::store::library::Library, photos: usize) -> Result<()> {
    let previews = library.root().join("previews");
    std::fs::create_dir_all(&previews).map_err(|e| Error::io(&previews, e))?;
    let hashes: Vec<String> =
        (0..photos).map(|i| blake3::hash(&(i as u64).to_le_bytes()).to_hex().to_string()).collect();
    {
        use rayon::prelude::*;
        let root = library.root().to_path_buf();
        hashes.par_iter().enumerate().try_for_each(|(i, hash)| -> Result<()> {
            let exif = crate::dev::sample::SampleExif::default();
            let path = crate::store::blobs::preview(&root, hash)?;
            std::fs::write(&path, crate::dev::sample::jpeg(1280, 960, i as u64 + 1, &exif))
                .map_err(|e| Error::io(&path, e))
        })?;
    }
    let conn = library.conn();
    conn.execute_batch("BEGIN")?;
    {
        let mut moment = conn.prepare(
            "INSERT INTO moments (id, title, kind, starts_at, place, story, learned)
             VALUES (?1, ?2, 'dinner', ?3, 'The community hall', ?4, 'What we learned that evening.')",
        )?;
        let mut row = conn.prepare(
            "INSERT INTO media (id, hash, kind, format, width, height, taken_at, sort_at, moment_id, phash, caption)
             VALUES (?1, ?2, 'photo', 'jpg', 1280, 960, ?3, ?4, ?5, '0', ?6)",
        )?;
        let start =
            chrono::NaiveDate::from_ymd_opt(2025, 1, 1).and_then(|d| d.and_hms_opt(19, 0, 0)).unwrap_or_default();
        for (i, hash) in hashes.iter().enumerate() {
            let moment_index = i / crate::yearbook::book::PHOTOS_PER_MOMENT;
            let day = start + chrono::Duration::hours(moment_index as i64 * 24 * 364 / (photos as i64 / 6 + 1).max(1));
            let moment_id = format!("moment-{moment_index:05}");
            if i % crate::yearbook::book::PHOTOS_PER_MOMENT == 0 {
                moment.execute(params![
                    moment_id,
                    format!("Evening {}", moment_index + 1),
                    day.format("%Y-%m-%dT%H:%M").to_string(),
                    "We met, ate together and told each other about the week's work.\n\nA second paragraph of the story.",
                ])?;
            }
            let at = Millis(day.and_utc().timestamp_millis() + i as i64 * 1000);
            row.execute(params![
                crate::memories::media::media_id(hash),
                hash,
                at.to_utc().format("%Y-%m-%dT%H:%M:%S").to_string(),
                at.0,
                moment_id,
                if i % 3 == 0 { format!("At the table, photo {i}") } else { String::new() },
            ])?;
        }
    }
    conn.execute_batch("COMMIT; ANALYZE;")?;
    Ok(())
}

/// Runs the benchmark with `photos` photos (default 2,000) in a scratch folder inside `dir`.
pub fn yearbook(photos: usize, dir: Option<&Path>) -> Result<()> {
    let base = super::bench::scratch(dir, "yearbook")?;
    let folder = base.join("library");
    let watch = Stopwatch::start();
    let library = crate::community::create(&folder, CommunityDraft::new("A busy community", "hearth bench yearbook"))?;
    fill(&library, photos)?;
    println!("Generated {photos} photos of 2025 with their 1280 px previews in {:.1} s", watch.seconds());
    let memory_before = super::bench::reset_peak_memory();

    let watch = Stopwatch::start();
    let gathered = book::gather(&library, 2025)?;
    let gather_seconds = watch.seconds();
    println!("  {:<34} {:>7.2} s  ({} photos in the book)", "gather the year", gather_seconds, gathered.totals.photos);

    let out = base.join("html");
    std::fs::create_dir_all(&out).map_err(|e| Error::io(&out, e))?;
    let created = chrono::DateTime::from_timestamp(1_767_225_600, 0).unwrap_or_default();
    let watch = Stopwatch::start();
    let html = export::export(library.root(), &gathered, &out, false, created, &AtomicBool::new(false), &|_| {})?
        .ok_or_else(|| Error::invalid("bench", "the export was cancelled"))?;
    let html_seconds = watch.seconds();
    println!("  {:<34} {:>7.2} s  ({} photos copied)", "HTML folder", html_seconds, html.photos);
    let html_peak = super::bench::peak_memory();

    super::bench::reset_peak_memory();
    let laps = std::sync::Mutex::new(Vec::<(&str, f64)>::new());
    let lap = Stopwatch::start();
    let watch = Stopwatch::start();
    let bytes = pdf::typeset(library.root(), &gathered, created, &AtomicBool::new(false), &|step| {
        if step == pdf::Step::Typesetting {
            laps.lock().unwrap_or_else(|e| e.into_inner()).push(("photos prepared", lap.seconds()));
        }
    })?
    .ok_or_else(|| Error::invalid("bench", "the PDF was cancelled"))?;
    let pdf_seconds = watch.seconds();
    let prepared = laps.lock().unwrap_or_else(|e| e.into_inner()).first().map_or(0.0, |(_, s)| *s);
    println!("  {:<34} {:>7.2} s", format!("PDF: photos prepared at {} px", pdf::PDF_LONG_SIDE), prepared);
    println!(
        "  {:<34} {:>7.2} s  ({} MB)",
        "PDF: typeset and written",
        pdf_seconds - prepared,
        bytes.len() / 1_000_000
    );
    let pdf_peak = super::bench::peak_memory();
    let mb = |kib: Option<u64>| kib.map_or("not measured here".to_owned(), |k| format!("{} MB", k / 1024));
    println!(
        "HTML folder {:.1} s (target < 30 s), peak resident {}; PDF {:.1} s (target < 90 s), peak resident {} (target < 1 GB); {} before",
        gather_seconds + html_seconds,
        mb(html_peak),
        gather_seconds + pdf_seconds,
        mb(pdf_peak),
        mb(memory_before)
    );
    Ok(())
}
