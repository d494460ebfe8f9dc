//! The `hearth://` protocol: serves the open library's stored images and videos to the page by
//! hash, so media never travel as bytes over IPC. Only these shapes resolve, and only for
//! well-formed hashes, so no request can name a path of its own:
//!
//! - `blobs/<hash>` and `thumbs/<hash>`: portraits and story photos;
//! - `media/<hash>/thumb`, `media/<hash>/preview`, `media/<hash>/original.<format>`: the gallery,
//!   and an artefact's audio, video and documents (as originals).
//!
//! Answers are at most a slice (8 MiB) in memory: HTTP Range requests get their range a slice
//! at a time, and a larger file asked for whole gets its first slice. The window loads
//! originals (videos, and photos to zoom into) from the loopback server, which streams them
//! from disk. Hidden media are served only to leads.

use std::io::{Read, Seek, SeekFrom};
use std::path::PathBuf;

use hearth::viewer::Viewer;
use hearth::{memories::media, store::blobs};
use tauri::http::{Request, Response, StatusCode};
use tauri::{AppHandle, Manager};

use crate::state::AppState;

/// The most one response carries; players ask again for the rest.
const MAX_SLICE: u64 = 8 * 1024 * 1024;

fn mime(format: &str) -> Option<&'static str> {
    Some(match format {
        "jpg" => "image/jpeg",
        "png" => "image/png",
        "webp" => "image/webp",
        "gif" => "image/gif",
        "tif" => "image/tiff",
        "mp4" | "m4v" => "video/mp4",
        "mov" => "video/quicktime",
        "webm" => "video/webm",
        "mp3" => "audio/mpeg",
        "ogg" => "audio/ogg",
        "opus" => "audio/ogg; codecs=opus",
        "wav" => "audio/wav",
        "flac" => "audio/flac",
        "m4a" => "audio/mp4",
        "pdf" => "application/pdf",
        _ => return None,
    })
}

pub fn serve(app: &AppHandle, request: &Request<Vec<u8>>) -> Response<Vec<u8>> {
    let range = request.headers().get("range").and_then(|v| v.to_str().ok()).map(str::to_owned);
    serve_path(app, request.uri().path(), range.as_deref())
}

/// Answers a request for `path` (with an optional Range header) from the open library.
pub fn serve_path(app: &AppHandle, path: &str, range: Option<&str>) -> Response<Vec<u8>> {
    match resolve(app, path) {
        Ok((file, content_type)) => respond(&file, content_type, range).unwrap_or_else(status),
        Err(code) => status(code),
    }
}

/// The file `path` names and its content type, once the viewer may see it (an original
/// kept on the sync target is fetched first). Not found for anything else, so a refused
/// hash looks like a missing one.
pub fn resolve(app: &AppHandle, path: &str) -> Result<(PathBuf, &'static str), StatusCode> {
    let path = path.trim_start_matches('/');
    let parts: Vec<&str> = path.split('/').collect();
    let state = app.state::<AppState>();
    let (root, allowed) = {
        let guard = state.library.lock().unwrap_or_else(|p| p.into_inner());
        let Some(library) = guard.as_ref() else { return Err(StatusCode::NOT_FOUND) };
        let hash = match parts.as_slice() {
            [_, hash, ..] => hash.trim_end_matches(".jpg"),
            _ => "",
        };
        // A file the gallery, a portrait or a story names is served as their rules say, whatever
        // an artefact claims (a crafted artefact row naming a hidden photo shows nothing); a
        // file only artefacts name, to whoever sees one of them.
        let allowed = Viewer::me(library).and_then(|viewer| {
            let conn = library.conn();
            match hearth::artefacts::files::may_serve(conn, &viewer, hash)? {
                Some(allowed) if !media::names(conn, hash)? => Ok(allowed),
                _ => media::may_serve(conn, &viewer, hash),
            }
        });
        (library.root().to_path_buf(), allowed.unwrap_or(false))
    };
    if !allowed {
        return Err(StatusCode::NOT_FOUND);
    }
    let (file, content_type): (hearth::Result<PathBuf>, &str) = match parts.as_slice() {
        ["blobs", hash] => (blobs::image(&root, hash.trim_end_matches(".jpg")), "image/jpeg"),
        ["thumbs", hash] => (blobs::image_thumb(&root, hash.trim_end_matches(".jpg")), "image/jpeg"),
        ["media", hash, "thumb"] => (blobs::thumb(&root, hash), "image/jpeg"),
        ["media", hash, "preview"] => (blobs::preview(&root, hash), "image/jpeg"),
        ["media", hash, original] => {
            let format = original.strip_prefix("original.").ok_or(StatusCode::NOT_FOUND)?;
            let content_type = mime(format).ok_or(StatusCode::NOT_FOUND)?;
            let file = blobs::original(&root, hash, format).map_err(|_| StatusCode::NOT_FOUND)?;
            if !file.is_file() {
                // Originals may come on demand: fetched from the sync target when first opened.
                let source = state.with_library(|library| hearth::sync::original_source(library));
                let fetched = match source {
                    Ok((root, target, credentials)) => {
                        hearth::sync::fetch_original(&root, &target, &credentials, hash, format)
                            .map_err(|e| e.to_string())
                    }
                    Err(e) => Err(e.message.clone()),
                };
                if let Err(reason) = fetched {
                    tracing::warn!("original {hash} could not be fetched: {}", reason.escape_debug());
                    return Err(StatusCode::NOT_FOUND);
                }
            }
            (Ok(file), content_type)
        }
        _ => return Err(StatusCode::NOT_FOUND),
    };
    Ok((file.map_err(|_| StatusCode::NOT_FOUND)?, content_type))
}

/// The headers every file answer carries.
pub fn file_headers(content_type: &str) -> tauri::http::response::Builder {
    Response::builder()
        .header("Content-Type", content_type)
        .header("Accept-Ranges", "bytes")
        // Content-addressed: a hash always names the same bytes.
        .header("Cache-Control", "max-age=31536000, immutable")
}

/// At most [`MAX_SLICE`] bytes of `file` in memory: a reader that did not ask for a range gets
/// the first slice (a partial answer it can continue from) when the file is larger. The window
/// loads originals from the loopback server, which streams them instead (`video_server`).
fn respond(file: &std::path::Path, content_type: &str, range: Option<&str>) -> Result<Response<Vec<u8>>, StatusCode> {
    let mut handle = std::fs::File::open(file).map_err(|_| StatusCode::NOT_FOUND)?;
    let size = handle.metadata().map_err(|_| StatusCode::NOT_FOUND)?.len();
    let builder = file_headers(content_type);
    let Some(range) = range else {
        if size > MAX_SLICE {
            return slice(&mut handle, builder, 0, MAX_SLICE - 1, size);
        }
        let mut bytes = Vec::with_capacity(size as usize);
        handle.read_to_end(&mut bytes).map_err(|_| StatusCode::INTERNAL_SERVER_ERROR)?;
        return builder.status(StatusCode::OK).body(bytes).map_err(|_| StatusCode::INTERNAL_SERVER_ERROR);
    };
    let (start, end) = parse_range(range, size).ok_or(StatusCode::RANGE_NOT_SATISFIABLE)?;
    slice(&mut handle, builder, start, end.min(start + MAX_SLICE - 1), size)
}

fn slice(
    handle: &mut std::fs::File,
    builder: tauri::http::response::Builder,
    start: u64,
    end: u64,
    size: u64,
) -> Result<Response<Vec<u8>>, StatusCode> {
    handle.seek(SeekFrom::Start(start)).map_err(|_| StatusCode::INTERNAL_SERVER_ERROR)?;
    let mut bytes = vec![0u8; (end - start + 1) as usize];
    handle.read_exact(&mut bytes).map_err(|_| StatusCode::INTERNAL_SERVER_ERROR)?;
    builder
        .status(StatusCode::PARTIAL_CONTENT)
        .header("Content-Range", format!("bytes {start}-{end}/{size}"))
        .body(bytes)
        .map_err(|_| StatusCode::INTERNAL_SERVER_ERROR)
}

/// `bytes=a-b`, `bytes=a-` or `bytes=-n` (the last n bytes), within `size`.
pub fn parse_range(header: &str, size: u64) -> Option<(u64, u64)> {
    let spec = header.strip_prefix("bytes=")?.split(',').next()?.trim();
    let (start, end) = spec.split_once('-')?;
    let (start, end) = match (start.trim(), end.trim()) {
        ("", suffix) => {
            let n: u64 = suffix.parse().ok()?;
            (size.checked_sub(n.min(size))?, size.checked_sub(1)?)
        }
        (start, "") => (start.parse().ok()?, size.checked_sub(1)?),
        (start, end) => (start.parse().ok()?, end.parse::<u64>().ok()?.min(size.checked_sub(1)?)),
    };
    (start <= end && end < size).then_some((start, end))
}

fn status(code: StatusCode) -> Response<Vec<u8>> {
    Response::builder().status(code).body(Vec::new()).expect("an empty response builds")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_are_read_as_players_send_them() {
        assert_eq!(parse_range("bytes=0-", 1000), Some((0, 999)));
        assert_eq!(parse_range("bytes=100-199", 1000), Some((100, 199)));
        assert_eq!(parse_range("bytes=-100", 1000), Some((900, 999)));
        assert_eq!(parse_range("bytes=900-5000", 1000), Some((900, 999)), "an end past the file is clipped");
        assert_eq!(parse_range("bytes=1000-", 1000), None, "a start past the end is not satisfiable");
        assert_eq!(parse_range("items=0-1", 1000), None);
    }

    #[test]
    fn a_range_answer_is_partial_and_says_where_it_is() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("v.mp4");
        std::fs::write(&file, (0..=255u8).collect::<Vec<_>>()).unwrap();
        let response = respond(&file, "video/mp4", Some("bytes=10-19")).unwrap();
        assert_eq!(response.status(), StatusCode::PARTIAL_CONTENT);
        assert_eq!(response.headers()["content-range"], "bytes 10-19/256");
        assert_eq!(response.body(), &(10..20u8).collect::<Vec<_>>());
        let whole = respond(&file, "video/mp4", None).unwrap();
        assert_eq!((whole.status(), whole.body().len()), (StatusCode::OK, 256));
    }
}
