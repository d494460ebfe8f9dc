//! Bringing photos and videos into the library.
//!
//! Worker threads read, hash, probe and shrink files (no database, no shared state but the
//! set of hashes already claimed); the calling thread commits each result in three steps:
//!
//! 1. the hash is recorded in `import_pending` (committed);
//! 2. the original, its thumbnail and preview are written under temporary names and renamed;
//! 3. the media row is written and the pending record removed, in one transaction.
//!
//! A crash or a cancel between 1 and 3 leaves a pending record; [`recover`] (run before every
//! import) deletes its files unless a media row took them. So no half-written row and no
//! unreferenced file survives, and running the same import again resumes where it stopped:
//! what was committed is reported as already in the library.

use std::collections::HashMap;
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{mpsc, Mutex};

use rusqlite::types::Value;
use rusqlite::{params, OptionalExtension};
use serde::{Deserialize, Serialize};

use crate::clock::Stopwatch;
use crate::error::{Error, Result};
use crate::ingest::imaging::{self, Derived};
use crate::ingest::metadata::{self, Metadata};
use crate::memories::media::{self, MediaItem, MediaKind};
use crate::store::library::Library;

fn derived_hash(prepared: &Prepared, file: impl Fn(&Derived) -> &Vec<u8>) -> String {
    prepared.derived.as_ref().map(|d| blake3::hash(file(d)).to_hex().to_string()).unwrap_or_default()
}

/// Photos larger than this are refused before they are read.
pub const MAX_PHOTO_BYTES: u64 = 200 * 1024 * 1024;
/// Difference hashes this close mark a near-duplicate.
pub const SIMILAR_BITS: u32 = 5;
use crate::store::blobs;
/// Files that travel with photos and are not media themselves: passed over quietly.
const COMPANIONS: &[&str] = &["xmp", "aae", "json", "thm", "ds_store", "ini", "db"];

/// How the importer reaches the library: a lock taken for each short commit, so the window
/// stays usable while a long import runs.
pub use crate::store::library::Access;

#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    /// Put everything imported into this moment.
    pub moment_id: Option<String>,
    /// Worker threads (0: one per core).
    pub workers: usize,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct Progress {
    pub files_total: u32,
    pub files_done: u32,
    pub bytes_total: f64,
    pub bytes_done: f64,
    pub current: String,
    pub imported: u32,
    pub duplicates: u32,
    pub failed: u32,
    pub seconds_left: Option<f64>,
    /// What was just added, so the grid can show it while the import goes on.
    pub latest: Option<MediaItem>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct FileNote {
    pub file: String,
    pub reason: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct Summary {
    pub imported: Vec<String>,
    pub duplicates: Vec<FileNote>,
    pub failed: Vec<FileNote>,
    /// Imported media that look almost the same as one already there.
    pub similar: u32,
    /// What the import could not do for everything (e.g. video posters without ffmpeg).
    pub notes: Vec<String>,
    pub cancelled: bool,
}

/// What a worker made of one file.
enum Outcome {
    Ready(Box<Prepared>),
    Duplicate(String),
    Failed(String),
}

struct Prepared {
    hash: String,
    kind: MediaKind,
    format: &'static str,
    bytes: u64,
    /// The photo's bytes (read once: hashed, probed and decoded from memory). Videos are
    /// copied from their source and hashed again on the way.
    data: Option<Vec<u8>>,
    derived: Option<Derived>,
    meta: Metadata,
    modified_ms: Option<i64>,
    note: String,
}

enum Sniffed {
    Photo(&'static str),
    Video(&'static str),
    Heif,
    Unknown,
}

fn sniff(head: &[u8], extension: &str) -> Sniffed {
    match head {
        [0xFF, 0xD8, 0xFF, ..] => Sniffed::Photo("jpg"),
        [0x89, b'P', b'N', b'G', ..] => Sniffed::Photo("png"),
        [b'G', b'I', b'F', b'8', ..] => Sniffed::Photo("gif"),
        [b'R', b'I', b'F', b'F', _, _, _, _, b'W', b'E', b'B', b'P', ..] => Sniffed::Photo("webp"),
        [b'I', b'I', 42, 0, ..] | [b'M', b'M', 0, 42, ..] => Sniffed::Photo("tif"),
        [0x1A, 0x45, 0xDF, 0xA3, ..] => Sniffed::Video("webm"),
        [_, _, _, _, b'f', b't', b'y', b'p', brand @ ..] if brand.len() >= 4 => match &brand[..4] {
            b"heic" | b"heix" | b"hevc" | b"heim" | b"heis" | b"hevm" | b"hevs" | b"mif1" | b"msf1" | b"avif" => {
                Sniffed::Heif
            }
            b"qt  " => Sniffed::Video("mov"),
            b"M4V " | b"M4VH" | b"M4VP" => Sniffed::Video("m4v"),
            _ if extension == "m4v" => Sniffed::Video("m4v"),
            _ if extension == "mov" => Sniffed::Video("mov"),
            _ => Sniffed::Video("mp4"),
        },
        _ => Sniffed::Unknown,
    }
}

fn display(path: &Path) -> String {
    path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| path.to_string_lossy().into_owned())
}

/// The files under what the person chose. Links inside chosen folders are not followed, so
/// an import never reaches outside them; hidden files and photo companions are passed over.
pub fn gather(paths: &[PathBuf]) -> (Vec<(PathBuf, u64)>, Vec<FileNote>) {
    let mut files = Vec::new();
    let mut failed = Vec::new();
    fn walk(dir: &Path, files: &mut Vec<(PathBuf, u64)>, failed: &mut Vec<FileNote>) {
        let entries = match std::fs::read_dir(dir) {
            Ok(entries) => entries,
            Err(e) => return failed.push(FileNote { file: display(dir), reason: format!("could not be read: {e}") }),
        };
        let mut entries: Vec<_> = entries.filter_map(|e| e.ok()).collect();
        entries.sort_by_key(|e| e.file_name());
        for entry in entries {
            let path = entry.path();
            let name = entry.file_name().to_string_lossy().into_owned();
            let extension = path.extension().map(|e| e.to_string_lossy().to_lowercase()).unwrap_or_default();
            if name.starts_with('.') || COMPANIONS.contains(&extension.as_str()) {
                continue;
            }
            match entry.file_type() {
                Ok(kind) if kind.is_symlink() => failed.push(FileNote {
                    file: name,
                    reason: "is a link; Hearth imports only files inside the folders you chose".into(),
                }),
                Ok(kind) if kind.is_dir() => walk(&path, files, failed),
                Ok(_) => files.push((path.clone(), entry.metadata().map(|m| m.len()).unwrap_or(0))),
                Err(e) => failed.push(FileNote { file: name, reason: format!("could not be read: {e}") }),
            }
        }
    }
    for path in paths {
        match std::fs::metadata(path) {
            Ok(meta) if meta.is_dir() => walk(path, &mut files, &mut failed),
            Ok(meta) => files.push((path.clone(), meta.len())),
            Err(e) => failed.push(FileNote { file: display(path), reason: format!("could not be read: {e}") }),
        }
    }
    (files, failed)
}

/// Removes what an interrupted import left: files of claimed hashes no media row took, and
/// temporary files. Returns how many claims were cleared.
pub fn recover(library: &Library) -> Result<u32> {
    library.ensure_writable()?;
    let root = library.root().to_path_buf();
    let conn = library.conn();
    let pending: Vec<String> = conn
        .prepare("SELECT hash FROM import_pending")?
        .query_map([], |row| row.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for hash in &pending {
        let taken: bool = conn
            .prepare_cached("SELECT 1 FROM media WHERE hash = ?1")?
            .query_row([hash], |_| Ok(()))
            .optional()?
            .is_some();
        if !taken && blobs::is_hash(hash) {
            for format in blobs::MEDIA_FORMATS {
                remove_if_present(&blobs::original(&root, hash, format)?)?;
            }
            remove_if_present(&blobs::thumb(&root, hash)?)?;
            remove_if_present(&blobs::preview(&root, hash)?)?;
        }
        conn.execute("DELETE FROM import_pending WHERE hash = ?1", [hash])?;
    }
    for folder in ["blobs", "thumbs", "previews"] {
        let Ok(entries) = std::fs::read_dir(root.join(folder)) else { continue };
        for entry in entries.flatten() {
            if entry.path().extension().is_some_and(|e| e == "partial") {
                remove_if_present(&entry.path())?;
            }
        }
    }
    Ok(pending.len() as u32)
}

fn remove_if_present(path: &Path) -> Result<()> {
    match std::fs::remove_file(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(Error::io(path, e)),
        _ => Ok(()),
    }
}

/// Before an import: finishes what a crash left half done, checks the moment, and reads what
/// the gallery holds (hashes, to skip duplicates; difference hashes, to spot near-duplicates).
#[allow(clippy::type_complexity)]
fn begin(
    library: &mut Library,
    options: &ImportOptions,
) -> Result<(PathBuf, HashMap<String, String>, Vec<(String, u64)>)> {
    recover(library)?;
    if let Some(moment) = &options.moment_id {
        crate::memories::moments::get(library.conn(), moment)?;
    }
    let conn = library.conn();
    let known: HashMap<String, String> = conn
        .prepare("SELECT hash FROM media WHERE deleted = 0")?
        .query_map([], |row| row.get::<_, String>(0))?
        .map(|hash| hash.map(|h| (h, String::new())))
        .collect::<rusqlite::Result<_>>()?;
    let phashes: Vec<(String, u64)> = conn
        .prepare("SELECT id, phash FROM media WHERE deleted = 0 AND phash != ''")?
        .query_map([], |row| Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?)))?
        .filter_map(|row| row.ok().and_then(|(id, hex)| u64::from_str_radix(&hex, 16).ok().map(|h| (id, h))))
        .collect();
    Ok((library.root().to_path_buf(), known, phashes))
}

/// Imports `paths` (files and folders), reporting progress after each file.
pub fn run<A: Access>(
    access: &A,
    paths: &[PathBuf],
    options: &ImportOptions,
    cancel: &AtomicBool,
    progress: &mut dyn FnMut(&Progress),
) -> Result<Summary> {
    let (root, known, phashes) = access.with(|library| begin(library, options))?;
    let (files, mut failed) = gather(paths);
    let ffmpeg = metadata::ffmpeg_available();
    let mut summary = Summary { failed: std::mem::take(&mut failed), ..Summary::default() };
    let mut state = Progress {
        files_total: files.len() as u32,
        bytes_total: files.iter().map(|(_, size)| *size as f64).sum(),
        failed: summary.failed.len() as u32,
        ..Progress::default()
    };
    progress(&state);
    let claimed = Mutex::new(known);
    let next = AtomicUsize::new(0);
    let workers = if options.workers == 0 {
        std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2)
    } else {
        options.workers
    };
    let mut phashes = phashes;
    let clock = Stopwatch::start();
    let mut posterless = 0u32;
    std::thread::scope(|scope| -> Result<()> {
        // A small queue bounds memory: at most a few decoded photos wait for their commit.
        let (sender, receiver) = mpsc::sync_channel::<(usize, Outcome)>(workers * 2);
        for _ in 0..workers {
            let sender = sender.clone();
            let (files, claimed, next) = (&files, &claimed, &next);
            scope.spawn(move || loop {
                if cancel.load(Ordering::Relaxed) {
                    break;
                }
                let index = next.fetch_add(1, Ordering::Relaxed);
                let Some((path, size)) = files.get(index) else { break };
                let outcome = prepare(path, *size, claimed, ffmpeg);
                if sender.send((index, outcome)).is_err() {
                    break;
                }
            });
        }
        drop(sender);
        for (index, outcome) in receiver {
            let (path, size) = &files[index];
            state.files_done += 1;
            state.bytes_done += *size as f64;
            state.current = display(path);
            state.latest = None;
            if cancel.load(Ordering::Relaxed) {
                summary.cancelled = true;
                continue; // drain what the workers finish; nothing more is committed
            }
            match outcome {
                Outcome::Duplicate(reason) => {
                    state.duplicates += 1;
                    summary.duplicates.push(FileNote { file: display(path), reason });
                }
                Outcome::Failed(reason) => {
                    state.failed += 1;
                    summary.failed.push(FileNote { file: display(path), reason });
                }
                Outcome::Ready(prepared) => {
                    if prepared.kind == MediaKind::Video && prepared.derived.is_none() {
                        posterless += 1;
                    }
                    match commit(access, &root, path, &prepared, options, &mut phashes) {
                        Ok((item, similar)) => {
                            state.imported += 1;
                            summary.similar += u32::from(similar);
                            summary.imported.push(item.id.clone());
                            state.latest = Some(item);
                        }
                        Err(Error::ReadOnly { reason }) => return Err(Error::ReadOnly { reason }),
                        Err(e) => {
                            state.failed += 1;
                            summary.failed.push(FileNote { file: display(path), reason: e.to_string() });
                        }
                    }
                }
            }
            let elapsed = clock.seconds();
            state.seconds_left = (state.bytes_done > 0.0 && elapsed > 0.5)
                .then(|| elapsed * (state.bytes_total - state.bytes_done).max(0.0) / state.bytes_done);
            progress(&state);
        }
        Ok(())
    })?;
    if cancel.load(Ordering::Relaxed) {
        summary.cancelled = true;
    }
    if posterless > 0 {
        summary.notes.push(format!(
            "{posterless} video(s) were imported without a poster frame or duration: ffmpeg was not found. \
             Install ffmpeg and import them again to add them."
        ));
    }
    state.latest = None;
    state.current = String::new();
    state.seconds_left = Some(0.0);
    progress(&state);
    Ok(summary)
}

fn modified_ms(path: &Path) -> Option<i64> {
    let modified = std::fs::metadata(path).ok()?.modified().ok()?;
    Some(modified.duration_since(std::time::UNIX_EPOCH).ok()?.as_millis() as i64)
}

fn claim(claimed: &Mutex<HashMap<String, String>>, hash: &str, path: &Path) -> Option<String> {
    let mut claimed = claimed.lock().unwrap_or_else(|p| p.into_inner());
    match claimed.get(hash) {
        Some(first) if first.is_empty() => Some("already in the library".into()),
        Some(first) => Some(format!("the same file as {first}")),
        None => {
            claimed.insert(hash.to_owned(), display(path));
            None
        }
    }
}

/// Reads, hashes and shrinks one file. Pure work: no database.
fn prepare(path: &Path, size: u64, claimed: &Mutex<HashMap<String, String>>, ffmpeg: bool) -> Outcome {
    let extension = path.extension().map(|e| e.to_string_lossy().to_lowercase()).unwrap_or_default();
    let mut file = match std::fs::File::open(path) {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Outcome::Failed("disappeared before it could be imported".into())
        }
        Err(e) => return Outcome::Failed(format!("could not be read: {e}")),
    };
    let mut head = [0u8; 16];
    let read = match file.read(&mut head) {
        Ok(read) => read,
        Err(e) => return Outcome::Failed(format!("could not be read: {e}")),
    };
    if read == 0 {
        return Outcome::Failed("is an empty file".into());
    }
    match sniff(&head[..read], &extension) {
        Sniffed::Heif => Outcome::Failed(
            "is a HEIC/HEIF/AVIF photo, which this build of Hearth cannot decode yet (no HEIF decoder is available \
             here without patent-encumbered codecs); export it as JPEG from your photo app and import that"
                .into(),
        ),
        Sniffed::Unknown => Outcome::Failed(format!(
            "is not a photo or video Hearth can import (JPEG, PNG, WebP, GIF, TIFF, MP4, MOV, M4V, WebM){}",
            if extension.is_empty() { String::new() } else { format!("; .{extension} files are not supported") }
        )),
        Sniffed::Photo(format) => {
            if size > MAX_PHOTO_BYTES {
                return Outcome::Failed(format!(
                    "is {} MB; photos up to {} MB are imported",
                    size >> 20,
                    MAX_PHOTO_BYTES >> 20
                ));
            }
            let mut data = Vec::with_capacity(size as usize);
            data.extend_from_slice(&head[..read]);
            if let Err(e) = file.read_to_end(&mut data) {
                return Outcome::Failed(format!("could not be read: {e}"));
            }
            let hash = blake3::hash(&data).to_hex().to_string();
            if let Some(reason) = claim(claimed, &hash, path) {
                return Outcome::Duplicate(reason);
            }
            let mut meta = metadata::read_exif(&data);
            metadata::apply_sidecar(path, &mut meta);
            match imaging::derive(&data, meta.orientation) {
                Ok(derived) => Outcome::Ready(Box::new(Prepared {
                    hash,
                    kind: MediaKind::Photo,
                    format,
                    bytes: data.len() as u64,
                    data: Some(data),
                    derived: Some(derived),
                    meta,
                    modified_ms: modified_ms(path),
                    note: String::new(),
                })),
                Err(Error::Invalid { reason, .. }) => Outcome::Failed(reason),
                Err(e) => Outcome::Failed(e.to_string()),
            }
        }
        Sniffed::Video(format) => {
            drop(file);
            let hash = match hash_file(path) {
                Ok((hash, _)) => hash,
                Err(reason) => return Outcome::Failed(reason),
            };
            if let Some(reason) = claim(claimed, &hash, path) {
                return Outcome::Duplicate(reason);
            }
            let mut meta = Metadata { orientation: 1, ..Metadata::default() };
            let mut note = String::new();
            let mut derived = None;
            if ffmpeg {
                match metadata::probe_video(path) {
                    Ok(probed) => meta = probed,
                    Err(reason) => return Outcome::Failed(reason),
                }
                match metadata::poster_frame(path)
                    .and_then(|poster| imaging::derive(&poster, 1).map_err(|e| e.to_string()))
                {
                    Ok(mut poster) => {
                        (poster.width, poster.height) = (meta.width, meta.height);
                        derived = Some(poster);
                    }
                    Err(reason) => note = format!("No poster frame: {reason}"),
                }
            } else {
                note = "No poster frame or duration: ffmpeg was not found when this video was imported".into();
            }
            metadata::apply_sidecar(path, &mut meta);
            Outcome::Ready(Box::new(Prepared {
                hash,
                kind: MediaKind::Video,
                format,
                bytes: size,
                data: None,
                derived,
                meta,
                modified_ms: modified_ms(path),
                note,
            }))
        }
    }
}

fn hash_file(path: &Path) -> std::result::Result<(String, u64), String> {
    let file = std::fs::File::open(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => "disappeared while it was being imported".to_owned(),
        _ => format!("could not be read: {e}"),
    })?;
    let mut hasher = blake3::Hasher::new();
    let mut reader = BufReader::with_capacity(1 << 20, file);
    let copied = std::io::copy(&mut reader, &mut hasher).map_err(|e| format!("could not be read: {e}"))?;
    Ok((hasher.finalize().to_hex().to_string(), copied))
}

/// Copies a video into the library, checking it is still the file that was hashed.
fn copy_verified(source: &Path, target: &Path, hash: &str) -> Result<()> {
    if target.exists() {
        return Ok(());
    }
    let folder = target.parent().expect("blob paths have a folder");
    std::fs::create_dir_all(folder).map_err(|e| Error::io(folder, e))?;
    let temporary = target.with_extension("partial");
    let mut reader = BufReader::with_capacity(
        1 << 20,
        std::fs::File::open(source).map_err(|_| Error::invalid("file", "disappeared while it was being imported"))?,
    );
    let mut writer = std::fs::File::create(&temporary).map_err(|e| Error::io(&temporary, e))?;
    let mut hasher = blake3::Hasher::new();
    let mut buffer = vec![0u8; 1 << 20];
    loop {
        let read = reader.read(&mut buffer).map_err(|e| Error::io(source, e))?;
        if read == 0 {
            break;
        }
        hasher.update(&buffer[..read]);
        std::io::Write::write_all(&mut writer, &buffer[..read]).map_err(|e| Error::io(&temporary, e))?;
    }
    writer.sync_all().map_err(|e| Error::io(&temporary, e))?;
    if hasher.finalize().to_hex().as_str() != hash {
        let _ = std::fs::remove_file(&temporary);
        return Err(Error::invalid("file", "changed while it was being imported; import it again"));
    }
    std::fs::rename(&temporary, target).map_err(|e| Error::io(target, e))
}

fn commit<A: Access>(
    access: &A,
    root: &Path,
    path: &Path,
    prepared: &Prepared,
    options: &ImportOptions,
    phashes: &mut Vec<(String, u64)>,
) -> Result<(MediaItem, bool)> {
    let hash = prepared.hash.as_str();
    access.with(|library| {
        library.ensure_writable()?;
        let now = library.now();
        library.conn().execute(
            "INSERT OR REPLACE INTO import_pending (hash, started_at) VALUES (?1, ?2)",
            params![hash, now.0],
        )?;
        Ok(())
    })?;
    let written = (|| -> Result<()> {
        let original = blobs::original(root, hash, prepared.format)?;
        match &prepared.data {
            Some(data) => crate::store::blobs::write_atomically(&original, data)?,
            None => copy_verified(path, &original, hash)?,
        }
        if let Some(derived) = &prepared.derived {
            crate::store::blobs::write_atomically(&blobs::thumb(root, hash)?, &derived.thumb)?;
            crate::store::blobs::write_atomically(&blobs::preview(root, hash)?, &derived.preview)?;
        }
        Ok(())
    })();
    if let Err(e) = written {
        access.with(|library| recover(library))?;
        return Err(e);
    }
    let id = media::media_id(hash);
    let similar_to = prepared
        .derived
        .as_ref()
        .and_then(|d| phashes.iter().find(|(_, other)| imaging::distance(d.phash, *other) <= SIMILAR_BITS))
        .map(|(id, _)| id.clone())
        .unwrap_or_default();
    let meta = &prepared.meta;
    let (width, height) = match &prepared.derived {
        Some(d) if prepared.kind == MediaKind::Photo => (d.width, d.height),
        _ => (meta.width, meta.height),
    };
    let sort_at = meta.sort_at().or(prepared.modified_ms).unwrap_or(0);
    let phash = prepared.derived.as_ref().map(|d| format!("{:016x}", d.phash)).unwrap_or_default();
    let real = |v: Option<f64>| v.map(Value::Real).unwrap_or(Value::Null);
    let columns: Vec<(&'static str, Value)> = vec![
        ("hash", Value::Text(hash.to_owned())),
        ("kind", Value::Text(if prepared.kind == MediaKind::Video { "video" } else { "photo" }.into())),
        ("format", Value::Text(prepared.format.into())),
        ("file_name", Value::Text(display(path))),
        ("bytes", Value::Integer(prepared.bytes as i64)),
        ("width", Value::Integer(i64::from(width))),
        ("height", Value::Integer(i64::from(height))),
        ("orientation", Value::Integer(i64::from(meta.orientation))),
        ("taken_at", Value::Text(meta.taken_at.map(|t| t.format("%Y-%m-%dT%H:%M:%S").to_string()).unwrap_or_default())),
        ("taken_offset", Value::Text(meta.offset.clone().unwrap_or_default())),
        ("sort_at", Value::Integer(sort_at)),
        ("latitude", real(meta.latitude)),
        ("longitude", real(meta.longitude)),
        ("camera", Value::Text(meta.camera.clone())),
        ("duration_ms", Value::Integer(meta.duration_ms)),
        ("caption", Value::Text(meta.caption.chars().take(500).collect())),
        ("moment_id", Value::Text(options.moment_id.clone().unwrap_or_default())),
        ("highlight", Value::Integer(0)),
        ("hidden", Value::Integer(0)),
        ("phash", Value::Text(phash)),
        // What its derived files hash to, so a laptop receiving them can tell them from a
        // planted picture.
        ("thumb_hash", Value::Text(derived_hash(prepared, |d| &d.thumb))),
        ("preview_hash", Value::Text(derived_hash(prepared, |d| &d.preview))),
        ("similar_to", Value::Text(similar_to.clone())),
        ("note", Value::Text(prepared.note.clone())),
        ("deleted", Value::Integer(0)),
    ];
    let item = access.with(|library| {
        library.write(|w| {
            // A photo removed from the gallery and imported again comes back as it was: only
            // its removal is undone (by who imported it, or a lead), so what its first import
            // recorded, and who made it, stay.
            let removed: bool = w
                .conn()
                .query_row("SELECT deleted FROM media WHERE id = ?1", [&id], |row| row.get(0))
                .optional()?
                .unwrap_or(false);
            if removed {
                let mut restore = vec![("deleted", Value::Integer(0))];
                if let Some(moment) = &options.moment_id {
                    restore.push(("moment_id", Value::Text(moment.clone())));
                }
                w.apply("media", &id, &restore).map_err(|e| match e {
                    Error::Forbidden { .. } => Error::invalid(
                        "file",
                        "this photo was in the gallery and was removed; who imported it, or a lead, can bring it back",
                    ),
                    other => other,
                })?;
            } else {
                w.apply("media", &id, &columns)?;
            }
            w.conn().execute("DELETE FROM import_pending WHERE hash = ?1", [hash])?;
            Ok(())
        })?;
        Ok(media::get(library.conn(), &crate::viewer::Viewer::anonymous(), &id)?.item)
    })?;
    if let Some(derived) = &prepared.derived {
        phashes.push((id, derived.phash));
    }
    Ok((item, !similar_to.is_empty()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_not_names_decides_what_a_file_is() {
        assert!(matches!(sniff(&[0xFF, 0xD8, 0xFF, 0xE1], "png"), Sniffed::Photo("jpg")));
        assert!(matches!(sniff(b"\0\0\0\x18ftypheic\0\0\0\0", "jpg"), Sniffed::Heif));
        assert!(matches!(sniff(b"\0\0\0\x14ftypqt  \0\0\0\0", "mp4"), Sniffed::Video("mov")));
        assert!(matches!(sniff(b"\0\0\0\x18ftypisom\0\0\0\0", "mp4"), Sniffed::Video("mp4")));
        assert!(matches!(sniff(b"%PDF-1.7", "jpg"), Sniffed::Unknown));
    }
}
