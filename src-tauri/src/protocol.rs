//! The `hearth://` protocol: serves the open library's stored images to the page by hash, so
//! pictures never travel as bytes over IPC. Only `blobs/<hash>` and `thumbs/<hash>` resolve,
//! and only for well-formed hashes, so no request can name a path of its own.

use hearth::images;
use tauri::http::{Request, Response, StatusCode};
use tauri::{AppHandle, Manager};

use crate::state::AppState;

pub fn serve(app: &AppHandle, request: &Request<Vec<u8>>) -> Response<Vec<u8>> {
    let path = request.uri().path().trim_start_matches('/');
    let (kind, hash) = path.split_once('/').unwrap_or(("", ""));
    let hash = hash.trim_end_matches(".jpg");
    if !images::is_blob_hash(hash) || !matches!(kind, "blobs" | "thumbs") {
        return status(StatusCode::NOT_FOUND);
    }
    let state = app.state::<AppState>();
    let root = {
        let guard = state.library.lock().unwrap_or_else(|p| p.into_inner());
        match guard.as_ref() {
            Some(library) => library.root().to_path_buf(),
            None => return status(StatusCode::NOT_FOUND),
        }
    };
    let file = if kind == "blobs" { images::blob_path(&root, hash) } else { images::thumb_path(&root, hash) };
    match std::fs::read(&file) {
        Ok(bytes) => Response::builder()
            .status(StatusCode::OK)
            .header("Content-Type", "image/jpeg")
            // Content-addressed: a hash always names the same bytes.
            .header("Cache-Control", "max-age=31536000, immutable")
            .body(bytes)
            .unwrap_or_else(|_| status(StatusCode::INTERNAL_SERVER_ERROR)),
        Err(_) => status(StatusCode::NOT_FOUND),
    }
}

fn status(code: StatusCode) -> Response<Vec<u8>> {
    Response::builder().status(code).body(Vec::new()).expect("an empty response builds")
}
