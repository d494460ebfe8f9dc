//! An artefact's files: images (kept as photos are, at most 1600 px, with a thumbnail), audio
//! (a song's recording), video, and PDF documents, each stored once by its BLAKE3 hash in
//! `blobs/` and carried by sync like the gallery's originals. A file's kind is read from its
//! first bytes (the `infer` crate), never from its name.

use std::io::{Read, Write};
use std::path::Path;

use rusqlite::types::Value;
use rusqlite::Connection;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::store::blobs;
use crate::store::library::Library;
use crate::viewer::Viewer;

/// What a file is, for how the window shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum FileKind {
    Image,
    Audio,
    Video,
    Document,
}

impl FileKind {
    fn as_str(self) -> &'static str {
        match self {
            FileKind::Image => "image",
            FileKind::Audio => "audio",
            FileKind::Video => "video",
            FileKind::Document => "document",
        }
    }
}

/// One file of an artefact (or of one of its versions).
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct ArtefactFile {
    pub id: String,
    pub kind: FileKind,
    /// Its hash: images are served as `blobs/<hash>` (and `thumbs/<hash>`), anything else as
    /// `media/<hash>/original.<format>` from the loopback server.
    pub hash: String,
    pub format: String,
    /// The name it had when added ("club-song-2019.mp3").
    pub name: String,
    /// Its size in bytes (exact: files are far below 2^53).
    pub bytes: f64,
    /// The version it belongs to, if one.
    pub version_id: Option<String>,
    /// Whether this member may remove it (who added it, who added the artefact, a lead).
    pub can_remove: bool,
}

/// Largest audio, video or document an artefact keeps (a song's recording, a short film).
pub const MAX_FILE_BYTES: u64 = 1 << 30;

/// The files of artefact `id`, oldest first.
pub(super) fn of(conn: &Connection, viewer: &Viewer, id: &str, edits_artefact: bool) -> Result<Vec<ArtefactFile>> {
    conn.prepare_cached(
        "SELECT id, kind, hash, format, name, bytes, version_id, author FROM artefact_files
         WHERE artefact_id = ?1 AND deleted = 0 ORDER BY created_at, id",
    )?
    .query_map([id], |r| {
        let author: String = r.get(7)?;
        Ok(ArtefactFile {
            id: r.get(0)?,
            kind: match r.get::<_, String>(1)?.as_str() {
                "image" => FileKind::Image,
                "audio" => FileKind::Audio,
                "video" => FileKind::Video,
                _ => FileKind::Document,
            },
            hash: r.get(2)?,
            format: r.get(3)?,
            name: r.get(4)?,
            bytes: r.get::<_, i64>(5)? as f64,
            version_id: Some(r.get::<_, String>(6)?).filter(|v| !v.is_empty()),
            can_remove: edits_artefact || viewer.is(&author),
        })
    })?
    .collect::<rusqlite::Result<_>>()
    .map_err(Into::into)
}

/// What the first bytes say a file is: its kind and the format it is stored under. None for
/// anything Hearth does not keep.
pub fn recognise(head: &[u8]) -> Option<(FileKind, &'static str)> {
    let mime = infer::get(head)?.mime_type();
    Some(match mime {
        "image/jpeg" | "image/png" | "image/webp" | "image/gif" | "image/tiff" => (FileKind::Image, "jpg"),
        "audio/mpeg" => (FileKind::Audio, "mp3"),
        "audio/ogg" => (FileKind::Audio, "ogg"),
        "audio/opus" => (FileKind::Audio, "opus"),
        "audio/x-wav" | "audio/wav" => (FileKind::Audio, "wav"),
        "audio/x-flac" | "audio/flac" => (FileKind::Audio, "flac"),
        "audio/m4a" | "audio/x-m4a" | "audio/mp4" => (FileKind::Audio, "m4a"),
        "video/mp4" => (FileKind::Video, "mp4"),
        "video/webm" => (FileKind::Video, "webm"),
        "video/quicktime" => (FileKind::Video, "mov"),
        "application/pdf" => (FileKind::Document, "pdf"),
        _ => return None,
    })
}

/// Adds the file at `path` (which the person chose) to artefact `id`, or to its version
/// `version`. Any member may add a file to an artefact they see.
///
/// Errors: `Invalid` for a file that is empty, too large, or not an image, audio, video or
/// PDF; `Io` when it cannot be read.
pub fn attach(library: &mut Library, id: &str, version: Option<&str>, path: &Path) -> Result<super::Artefact> {
    Viewer::me(library)?.member_id.ok_or(Error::NoIdentity)?;
    let artefact = super::registry::get(library, id)?;
    if let Some(version) = version {
        if !artefact.versions.iter().any(|v| v.id == version) {
            return Err(Error::invalid("version", "that version is not one of this artefact's"));
        }
    }
    if artefact.files.len() >= 60 {
        return Err(Error::invalid("file", "an artefact keeps at most 60 files"));
    }
    let size = std::fs::metadata(path).map_err(|e| Error::io(path, e))?.len();
    let mut head = [0u8; 512];
    let read = std::fs::File::open(path).and_then(|mut f| f.read(&mut head)).map_err(|e| Error::io(path, e))?;
    if size == 0 || read == 0 {
        return Err(Error::invalid("file", "is an empty file"));
    }
    let (kind, format) = recognise(&head[..read]).ok_or_else(|| {
        Error::invalid("file", "is not a file Hearth keeps: an image, audio (MP3, Ogg, Opus, WAV, FLAC, M4A), a video (MP4, WebM, MOV) or a PDF")
    })?;
    let hash = match kind {
        FileKind::Image => {
            crate::ingest::images::store_photo(library.root(), &crate::ingest::images::read_image_file(path)?)?
        }
        _ if size > MAX_FILE_BYTES => {
            return Err(Error::invalid("file", format!("is {} MB; at most {} MB", size >> 20, MAX_FILE_BYTES >> 20)))
        }
        _ => store(library.root(), path, format)?,
    };
    let bytes = match kind {
        FileKind::Image => std::fs::metadata(blobs::image(library.root(), &hash)?).map_or(0, |m| m.len() as i64),
        _ => size as i64,
    };
    let name: String = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let name = crate::text::validate_text(
        "name",
        &name.chars().filter(|c| !c.is_control()).take(200).collect::<String>(),
        200,
    )?;
    library.write(|w| {
        let row = w.new_id();
        w.apply(
            "artefact_files",
            &row,
            &[
                ("artefact_id", Value::Text(id.to_owned())),
                ("version_id", Value::Text(version.unwrap_or_default().to_owned())),
                ("hash", Value::Text(hash.clone())),
                ("format", Value::Text(format.to_owned())),
                ("kind", Value::Text(kind.as_str().to_owned())),
                ("name", Value::Text(name.clone())),
                ("bytes", Value::Integer(bytes)),
            ],
        )
    })?;
    super::registry::get(library, id)
}

/// Copies `path` into `blobs/<hash>.<format>`, hashing as it goes (a recording of any length
/// costs the same few kilobytes of memory); the file appears under its name only once whole.
fn store(root: &Path, path: &Path, format: &str) -> Result<String> {
    let folder = root.join("blobs");
    std::fs::create_dir_all(&folder).map_err(|e| Error::io(&folder, e))?;
    let partial = folder.join(format!("{}.partial", uuid::Uuid::new_v4()));
    let hash = (|| -> std::io::Result<String> {
        let mut source = std::io::BufReader::new(std::fs::File::open(path)?);
        let mut out = std::io::BufWriter::new(std::fs::File::create(&partial)?);
        let mut hasher = blake3::Hasher::new();
        let mut buffer = vec![0u8; 64 * 1024];
        loop {
            let n = source.read(&mut buffer)?;
            if n == 0 {
                break;
            }
            hasher.update(&buffer[..n]);
            out.write_all(&buffer[..n])?;
        }
        out.into_inner().map_err(|e| e.into_error())?.sync_all()?;
        Ok(hasher.finalize().to_hex().to_string())
    })();
    let hash = match hash {
        Ok(hash) => hash,
        Err(e) => {
            let _ = std::fs::remove_file(&partial);
            return Err(Error::io(path, e));
        }
    };
    let target = blobs::original(root, &hash, format)?;
    std::fs::rename(&partial, &target).map_err(|e| Error::io(&target, e))?;
    Ok(hash)
}

/// Removes a file from an artefact (who added it, who added the artefact, a lead). The bytes
/// stay while any row names them.
pub fn remove(library: &mut Library, id: &str, file: &str) -> Result<super::Artefact> {
    let artefact = super::registry::get(library, id)?;
    let Some(found) = artefact.files.iter().find(|f| f.id == file) else {
        return Err(Error::NotFound { entity: "file", id: file.to_owned() });
    };
    if !found.can_remove {
        return Err(Error::Forbidden { action: "remove this file", reason: "who added it and the leads may".into() });
    }
    library.write(|w| w.delete("artefact_files", file))?;
    super::registry::get(library, id)
}

/// Whether `viewer` may be served the file `hash` of an artefact: None when no artefact names
/// it, else whether a live file row names it on an artefact the viewer sees.
pub fn may_serve(conn: &Connection, viewer: &Viewer, hash: &str) -> Result<Option<bool>> {
    let rows: Vec<(bool, String, String, bool)> = conn
        .prepare_cached(
            "SELECT f.deleted, a.author, a.visibility, a.deleted FROM artefact_files f
             JOIN artefacts a ON a.id = f.artefact_id WHERE f.hash = ?1",
        )?
        .query_map([hash], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
        .collect::<rusqlite::Result<_>>()?;
    if rows.is_empty() {
        return Ok(None);
    }
    Ok(Some(rows.iter().any(|(file_deleted, author, visibility, artefact_deleted)| {
        !file_deleted && !artefact_deleted && super::registry::may_see(viewer, author, visibility)
    })))
}

/// Copies an artefact's file to `to` (a path the person chose), byte for byte. Errors:
/// `NotFound` for a file not on this artefact or not on this laptop yet; `Io`.
pub fn save_copy(library: &Library, id: &str, file: &str, to: &Path) -> Result<()> {
    let artefact = super::registry::get(library, id)?;
    let Some(found) = artefact.files.iter().find(|f| f.id == file) else {
        return Err(Error::NotFound { entity: "file", id: file.to_owned() });
    };
    let source = match found.kind {
        FileKind::Image => blobs::image(library.root(), &found.hash)?,
        _ => blobs::original(library.root(), &found.hash, &found.format)?,
    };
    if !source.is_file() {
        return Err(Error::NotFound {
            entity: "file on this laptop (it comes with the next sync)",
            id: found.name.clone(),
        });
    }
    std::fs::copy(&source, to).map_err(|e| Error::io(to, e))?;
    Ok(())
}
