//! Sync targets behind one storage abstraction (the `object_store` crate): a shared folder
//! (USB stick, Syncthing folder, network drive), S3-compatible storage (Garage, Ceph, AWS,
//! Backblaze) or WebDAV (Nextcloud). Sync sees only named, immutable objects: it gets, lists
//! and creates them, and never rewrites one.
//!
//! The stores are asynchronous; [`Store`] owns a small runtime and offers blocking calls, so
//! the rest of the core stays synchronous. Transfers of many files run concurrently.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use futures::{StreamExt, TryStreamExt};
use object_store::path::Path as ObjectPath;
use object_store::{ObjectStore, ObjectStoreExt, PutMode, PutOptions, PutPayload};
use serde::{Deserialize, Serialize};

use super::store_errors::describe;
use crate::error::{Error, Result};

/// Files in flight at once during a transfer.
pub const TRANSFERS: usize = 8;
/// Files larger than this travel in pieces of this size, so an interrupted transfer of a long
/// video resumes where it stopped instead of starting over.
pub const CHUNK_BYTES: u64 = 8 * 1024 * 1024;

/// The most a target may serve as one object: a segment, a whole file, a piece. Real ones are
/// far smaller (segments hold at most [`crate::sync::SEGMENT_OPS`] ops, whole files at most
/// [`CHUNK_BYTES`], pieces the chunk size a manifest names); anything larger is refused
/// before it is read, so whoever holds the target cannot exhaust a laptop's memory.
pub const MAX_OBJECT_BYTES: u64 = 64 * 1024 * 1024;
/// The most a small object may be: a key envelope, a removal notice, a manifest, the marker.
pub const MAX_SMALL_BYTES: u64 = 64 * 1024;
/// The largest file that travels in pieces (a very long video).
pub const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024 * 1024;

/// What is done to an object's bytes on the way out (sealing) or in (opening), given its
/// name on the target (sealed objects are bound to their names).
pub type Transform<'a> = dyn Fn(&str, Vec<u8>) -> Result<Vec<u8>> + Sync + 'a;

/// Written after the last piece of a file sent in pieces: `<name>.chunks`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChunkManifest {
    pub size: u64,
    pub chunk_bytes: u64,
    pub chunks: u32,
}

pub fn manifest_name(name: &str) -> String {
    format!("{name}.chunks")
}

fn chunk_name(name: &str, index: u32) -> String {
    format!("chunks/{name}/{index:06}")
}

/// Where a community's segments and media meet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    Folder(PathBuf),
    /// `s3://bucket?endpoint=https://…&region=…` (endpoint left out: AWS).
    S3 {
        bucket: String,
        endpoint: Option<String>,
        region: String,
    },
    /// `https://cloud.example/remote.php/dav/files/ada/hearth` (or `webdav+http://…`).
    WebDav {
        url: String,
    },
}

/// Secrets for a remote target. Kept beside the database in a file only its user can read,
/// never in the database and never synced.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct Credentials {
    /// S3 access key id, or the WebDAV user name.
    #[serde(default)]
    pub user: String,
    /// S3 secret access key, or the WebDAV password.
    #[serde(default)]
    pub secret: String,
}

impl Credentials {
    pub fn is_empty(&self) -> bool {
        self.user.is_empty() && self.secret.is_empty()
    }
}

impl Target {
    /// Reads a target as people write it: a folder path, an `s3://` address or a WebDAV URL.
    pub fn parse(text: &str) -> Result<Target> {
        let text = text.trim();
        if text.is_empty() {
            return Err(Error::invalid("target", "choose a shared folder, an S3 bucket or a WebDAV address"));
        }
        if let Some(rest) = text.strip_prefix("s3://") {
            let (bucket, query) = rest.split_once('?').unwrap_or((rest, ""));
            let bucket = bucket.trim_end_matches('/');
            if bucket.is_empty() || bucket.contains('/') {
                return Err(Error::invalid("target", format!("{text}: name one bucket, as s3://bucket?endpoint=…")));
            }
            let mut endpoint = None;
            let mut region = "us-east-1".to_owned();
            for pair in query.split('&').filter(|p| !p.is_empty()) {
                match pair.split_once('=') {
                    Some(("endpoint", value)) if !value.is_empty() => endpoint = Some(value.to_owned()),
                    Some(("region", value)) if !value.is_empty() => region = value.to_owned(),
                    _ => {
                        return Err(Error::invalid(
                            "target",
                            format!("{text}: unknown setting {pair:?} (known: endpoint, region)"),
                        ))
                    }
                }
            }
            if let Some(endpoint) = &endpoint {
                if !endpoint.starts_with("http://") && !endpoint.starts_with("https://") {
                    return Err(Error::invalid(
                        "target",
                        format!("{text}: the endpoint must start with http:// or https://"),
                    ));
                }
            }
            return Ok(Target::S3 { bucket: bucket.to_owned(), endpoint, region });
        }
        let web = text.strip_prefix("webdav+").unwrap_or(text);
        if web.starts_with("http://") || web.starts_with("https://") {
            let after_scheme = web.split_once("://").map(|(_, rest)| rest).unwrap_or_default();
            let authority = after_scheme.split('/').next().unwrap_or_default();
            if authority.contains('@') {
                return Err(Error::invalid(
                    "target",
                    "leave the user name and password out of the address; give them as credentials",
                ));
            }
            return Ok(Target::WebDav { url: web.trim_end_matches('/').to_owned() });
        }
        if text.contains("://") && !text.starts_with("file://") {
            return Err(Error::invalid(
                "target",
                format!("{text}: not a folder, an s3:// bucket or an http(s):// WebDAV address"),
            ));
        }
        Ok(Target::Folder(PathBuf::from(text.strip_prefix("file://").unwrap_or(text))))
    }

    pub fn is_remote(&self) -> bool {
        !matches!(self, Target::Folder(_))
    }
}

impl std::fmt::Display for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Target::Folder(path) => write!(f, "{}", path.display()),
            Target::S3 { bucket, endpoint, region } => {
                write!(f, "s3://{bucket}")?;
                let mut settings = Vec::new();
                if let Some(endpoint) = endpoint {
                    settings.push(format!("endpoint={endpoint}"));
                }
                if region != "us-east-1" {
                    settings.push(format!("region={region}"));
                }
                if !settings.is_empty() {
                    write!(f, "?{}", settings.join("&"))?;
                }
                Ok(())
            }
            Target::WebDav { url } => write!(f, "{url}"),
        }
    }
}

/// Reads the credentials remembered for `target` in a library folder.
pub fn remembered_credentials(root: &Path, target: &Target) -> Result<Credentials> {
    let path = root.join("sync-credentials.json");
    let all: std::collections::BTreeMap<String, Credentials> = match std::fs::read(&path) {
        Ok(bytes) => serde_json::from_slice(&bytes)
            .map_err(|e| Error::invalid("credentials", format!("{} is damaged ({e})", path.display())))?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Default::default(),
        Err(e) => return Err(Error::io(&path, e)),
    };
    Ok(all.get(&target.to_string()).cloned().unwrap_or_default())
}

/// Remembers credentials for `target` (a file readable only by its user).
pub fn remember_credentials(root: &Path, target: &Target, credentials: &Credentials) -> Result<()> {
    let path = root.join("sync-credentials.json");
    let mut all: std::collections::BTreeMap<String, Credentials> =
        std::fs::read(&path).ok().and_then(|bytes| serde_json::from_slice(&bytes).ok()).unwrap_or_default();
    all.insert(target.to_string(), credentials.clone());
    let bytes = serde_json::to_vec_pretty(&all).expect("credentials serialise");
    crate::sync::crypto::replace_private(&path, &bytes)
}

/// An open target.
pub struct Store {
    target: Target,
    store: Arc<dyn ObjectStore>,
    runtime: tokio::runtime::Runtime,
    /// Whether the store refuses to overwrite on its own (`PutMode::Create`); WebDAV does not,
    /// so there a new object is written under a temporary name and copied without overwriting.
    conditional_put: bool,
}

/// A shared folder's files under `prefix` (object names, `/`-separated, with their sizes),
/// walked without following links. Anyone who can write to the folder could plant a link loop,
/// a link to `/` (even as `prefix` itself, which a walk would otherwise enter), an unreadable
/// folder or a name that is not UTF-8: each is skipped, never followed, and never stops the
/// listing (object_store's own walk follows links and fails the whole listing on any of them,
/// which stopped every laptop's sync). Files being written (object_store stages them as
/// `<name>#<n>`) and names no store could hold are left out too. Everything listed is a
/// regular file reached through real folders only.
fn list_folder(root: &Path, prefix: &str) -> Vec<(String, u64)> {
    let mut start = root.to_path_buf();
    for part in prefix.split('/') {
        start.push(part);
        if !std::fs::symlink_metadata(&start).is_ok_and(|meta| meta.is_dir()) {
            return Vec::new();
        }
    }
    walkdir::WalkDir::new(start)
        .follow_links(false)
        .min_depth(1)
        .into_iter()
        .filter_map(std::result::Result::ok)
        .filter(|entry| entry.file_type().is_file())
        .filter_map(|entry| {
            let relative = entry.path().strip_prefix(root).ok()?;
            let name = relative.iter().map(|part| part.to_str()).collect::<Option<Vec<_>>>()?.join("/");
            if name.contains('#') || !ObjectPath::parse(&name).is_ok_and(|parsed| parsed.as_ref() == name) {
                return None;
            }
            Some((name, entry.metadata().ok()?.len()))
        })
        .collect()
}

/// For crash tests: with `HEARTH_SYNC_PAUSE_AT=<point>` a sync stops at that point, says so on
/// standard error, and waits to be killed.
pub(crate) fn pause_point(point: &str) {
    if std::env::var("HEARTH_SYNC_PAUSE_AT").is_ok_and(|at| at == point) {
        eprintln!("paused at {point}");
        loop {
            std::thread::sleep(std::time::Duration::from_secs(1));
        }
    }
}

fn path(name: &str) -> ObjectPath {
    ObjectPath::from(name)
}

impl Store {
    /// Opens `target`; a folder is created if missing (the caller checks a remembered one is
    /// reachable first).
    pub fn open(target: &Target, credentials: &Credentials) -> Result<Store> {
        let client_options = || {
            object_store::ClientOptions::new()
                .with_allow_http(true)
                .with_connect_timeout(Duration::from_secs(10))
                .with_timeout(Duration::from_secs(120))
        };
        let retry =
            object_store::RetryConfig { max_retries: 3, retry_timeout: Duration::from_secs(30), ..Default::default() };
        let bad = |e: object_store::Error| Error::invalid("target", format!("{target}: {e}"));
        let (store, conditional_put): (Arc<dyn ObjectStore>, bool) = match target {
            Target::Folder(folder) => {
                std::fs::create_dir_all(folder).map_err(|e| Error::io(folder, e))?;
                (Arc::new(object_store::local::LocalFileSystem::new_with_prefix(folder).map_err(bad)?), true)
            }
            Target::S3 { bucket, endpoint, region } => {
                let mut builder = object_store::aws::AmazonS3Builder::new()
                    .with_bucket_name(bucket)
                    .with_region(region)
                    .with_client_options(client_options())
                    .with_retry(retry);
                if let Some(endpoint) = endpoint {
                    builder = builder.with_endpoint(endpoint).with_allow_http(true);
                }
                if credentials.is_empty() {
                    builder = builder.with_skip_signature(true);
                } else {
                    builder = builder.with_access_key_id(&credentials.user).with_secret_access_key(&credentials.secret);
                }
                (Arc::new(builder.build().map_err(bad)?), true)
            }
            Target::WebDav { url } => {
                let mut options = client_options();
                if !credentials.is_empty() {
                    use base64::Engine;
                    let basic = base64::engine::general_purpose::STANDARD
                        .encode(format!("{}:{}", credentials.user, credentials.secret));
                    let mut headers = http::HeaderMap::new();
                    let mut value = http::HeaderValue::from_str(&format!("Basic {basic}")).map_err(|_| {
                        Error::invalid("credentials", "the user name or password has characters HTTP cannot carry")
                    })?;
                    value.set_sensitive(true);
                    headers.insert(http::header::AUTHORIZATION, value);
                    options = options.with_default_headers(headers);
                }
                // The store is opened on the folder's parent with the folder as a prefix, so
                // the first upload creates the folder itself (MKCOL) when it is missing.
                let (scheme, rest) = url.split_once("://").unwrap_or(("https", url));
                let (parent, folder) = match rest.rsplit_once('/') {
                    Some((parent, folder)) => (format!("{scheme}://{parent}"), folder),
                    None => (url.clone(), ""),
                };
                let store = object_store::http::HttpBuilder::new()
                    .with_url(parent)
                    .with_client_options(options)
                    .with_retry(retry)
                    .build()
                    .map_err(bad)?;
                if folder.is_empty() {
                    (Arc::new(store), false)
                } else {
                    (Arc::new(object_store::prefix::PrefixStore::new(store, folder)), false)
                }
            }
        };
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("hearth-sync")
            .enable_all()
            .build()
            .map_err(|e| Error::invalid("sync", format!("could not start the transfer threads: {e}")))?;
        Ok(Store { target: target.clone(), store, runtime, conditional_put })
    }

    pub fn target(&self) -> &Target {
        &self.target
    }

    fn fail(&self, e: object_store::Error) -> Error {
        describe(&self.target, e)
    }

    /// An object's bytes, or None when there is none by that name. Errors: `Invalid` when it
    /// is larger than [`MAX_OBJECT_BYTES`] (checked before reading) or, in a folder target, a
    /// link or anything but a plain file.
    pub fn get(&self, name: &str) -> Result<Option<Vec<u8>>> {
        self.get_at_most(name, MAX_OBJECT_BYTES)
    }

    /// [`Store::get`] with a smaller cap, for objects that are always small.
    pub fn get_at_most(&self, name: &str, max: u64) -> Result<Option<Vec<u8>>> {
        if !self.plain_file(name) {
            return Ok(None);
        }
        let store = self.store.clone();
        let result = self.runtime.block_on(async move {
            match store.get(&path(name)).await {
                Ok(found) if found.meta.size > max => Ok(Err(found.meta.size)),
                Ok(found) => found.bytes().await.map(|b| Ok(Some(b.to_vec()))),
                Err(object_store::Error::NotFound { .. }) => Ok(Ok(None)),
                Err(e) => Err(e),
            }
        });
        match result.map_err(|e| self.fail(e))? {
            Ok(found) => Ok(found),
            Err(size) => Err(too_large(&self.target, name, size, max)),
        }
    }

    /// Whether a name in a folder target is a plain file reached through plain folders: links
    /// and special files that someone placed in a shared folder are never followed. Other
    /// targets hold only objects.
    fn plain_file(&self, name: &str) -> bool {
        let Target::Folder(root) = &self.target else { return true };
        let mut at = root.clone();
        let parts: Vec<&str> = name.split('/').collect();
        for (index, part) in parts.iter().enumerate() {
            at.push(part);
            let Ok(meta) = std::fs::symlink_metadata(&at) else { return true };
            let last = index + 1 == parts.len();
            if meta.file_type().is_symlink() || (last && !meta.is_file()) || (!last && !meta.is_dir()) {
                return false;
            }
        }
        true
    }

    /// Creates an object unless one by that name exists; true when it wrote.
    pub fn put_new(&self, name: &str, bytes: Vec<u8>) -> Result<bool> {
        let store = self.store.clone();
        let conditional = self.conditional_put;
        self.runtime.block_on(put_new(store, conditional, name.to_owned(), bytes)).map_err(|e| self.fail(e))
    }

    /// Every object under `prefix` (a folder name such as `log` or `blobs`), with its size.
    pub fn list(&self, prefix: &str) -> Result<Vec<(String, u64)>> {
        if let Target::Folder(root) = &self.target {
            return Ok(list_folder(root, prefix));
        }
        let store = self.store.clone();
        let prefix = path(prefix);
        let listed: std::result::Result<Vec<_>, _> = self.runtime.block_on(async move {
            store.list(Some(&prefix)).map_ok(|meta| (meta.location.to_string(), meta.size)).try_collect().await
        });
        match listed {
            Ok(listed) => Ok(listed.into_iter().filter(|(name, _)| self.plain_file(name)).collect()),
            Err(object_store::Error::NotFound { .. }) => Ok(Vec::new()),
            Err(e) => Err(self.fail(e)),
        }
    }

    /// Uploads local files (object name, file), [`TRANSFERS`] at a time, each created only if
    /// absent, after `transform` (encryption, or nothing). Files over `chunk_bytes` go in
    /// pieces (see [`CHUNK_BYTES`]); pieces already there from an interrupted transfer are
    /// not sent again. `done` hears each file's byte count as it lands.
    pub fn upload(
        &self,
        files: Vec<(String, PathBuf)>,
        chunk_bytes: u64,
        transform: &Transform<'_>,
        done: &(dyn Fn(u64) + Sync),
    ) -> Result<u32> {
        let store = self.store.clone();
        let conditional = self.conditional_put;
        let result: std::result::Result<u32, Error> = self.runtime.block_on(async {
            let mut written = 0;
            let mut transfers = futures::stream::iter(files.into_iter().map(|(name, file)| {
                let store = store.clone();
                async move {
                    let size = tokio::fs::metadata(&file).await.map_err(|e| Error::io(&file, e))?.len();
                    let wrote = if size > chunk_bytes {
                        self.upload_chunked(&store, conditional, &name, &file, size, chunk_bytes, transform).await?
                    } else {
                        let bytes = tokio::fs::read(&file).await.map_err(|e| Error::io(&file, e))?;
                        let sealed = transform(&name, bytes)?;
                        put_new(store, conditional, name, sealed).await.map_err(|e| describe(&self.target, e))?
                    };
                    Ok::<_, Error>((wrote, size))
                }
            }))
            .buffer_unordered(TRANSFERS);
            while let Some(result) = transfers.next().await {
                let (wrote, size) = result?;
                written += u32::from(wrote);
                done(size);
            }
            Ok(written)
        });
        result
    }

    #[allow(clippy::too_many_arguments)]
    async fn upload_chunked(
        &self,
        store: &Arc<dyn ObjectStore>,
        conditional: bool,
        name: &str,
        file: &Path,
        size: u64,
        chunk_bytes: u64,
        transform: &Transform<'_>,
    ) -> Result<bool> {
        use tokio::io::{AsyncReadExt, AsyncSeekExt};
        let chunks = size.div_ceil(chunk_bytes) as u32;
        let present: std::collections::HashSet<String> = if let Target::Folder(root) = &self.target {
            list_folder(root, &format!("chunks/{name}")).into_iter().map(|(piece, _)| piece).collect()
        } else {
            store
                .list(Some(&path(&format!("chunks/{name}"))))
                .map_ok(|meta| meta.location.to_string())
                .try_collect()
                .await
                .or_else(|e| {
                    if matches!(e, object_store::Error::NotFound { .. }) {
                        Ok(Default::default())
                    } else {
                        Err(e)
                    }
                })
                .map_err(|e| describe(&self.target, e))?
        };
        let mut reader = tokio::fs::File::open(file).await.map_err(|e| Error::io(file, e))?;
        for index in 0..chunks {
            let piece = chunk_name(name, index);
            if present.contains(&piece) {
                continue;
            }
            let start = u64::from(index) * chunk_bytes;
            let mut bytes = vec![0u8; chunk_bytes.min(size - start) as usize];
            reader.seek(std::io::SeekFrom::Start(start)).await.map_err(|e| Error::io(file, e))?;
            reader.read_exact(&mut bytes).await.map_err(|e| Error::io(file, e))?;
            let sealed = transform(&piece, bytes)?;
            put_new(store.clone(), conditional, piece, sealed).await.map_err(|e| describe(&self.target, e))?;
            pause_point("piece-sent");
        }
        // The manifest last: a reader sees the file only once every piece is there.
        let manifest = serde_json::to_vec(&ChunkManifest { size, chunk_bytes, chunks }).expect("manifests serialise");
        put_new(store.clone(), conditional, manifest_name(name), manifest).await.map_err(|e| describe(&self.target, e))
    }

    /// Downloads a file sent in pieces into `dest`, resuming from the pieces an interrupted
    /// download left in `<dest>.incoming`; `open` undoes the sender's transform. `check` sees
    /// the finished file before it takes its name. Returns the bytes fetched now.
    pub fn download_chunked(
        &self,
        name: &str,
        dest: &Path,
        open: &Transform<'_>,
        check: &dyn Fn(&Path) -> bool,
    ) -> Result<Option<u64>> {
        use std::io::Write;
        let Some(manifest) = self.get_at_most(&manifest_name(name), MAX_SMALL_BYTES)? else { return Ok(None) };
        let manifest: ChunkManifest = serde_json::from_slice(&manifest).map_err(|e| {
            Error::invalid("target", format!("{}: {name}'s list of pieces is damaged ({e})", self.target))
        })?;
        // A manifest announces what will be written to disk: it must describe a real file.
        let pieces_needed = manifest.size.div_ceil(manifest.chunk_bytes.max(1));
        if manifest.chunk_bytes == 0
            || manifest.chunk_bytes > MAX_OBJECT_BYTES
            || manifest.size > MAX_FILE_BYTES
            || u64::from(manifest.chunks) != pieces_needed
        {
            return Err(Error::invalid(
                "target",
                format!("{}: {name}'s list of pieces announces what no real file is", self.target),
            ));
        }
        let incoming = dest.with_file_name(format!(
            "{}.incoming",
            dest.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
        ));
        if let Some(dir) = incoming.parent() {
            std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        }
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .read(true)
            .write(true)
            .open(&incoming)
            .map_err(|e| Error::io(&incoming, e))?;
        // Only whole pieces count: a piece cut short by a crash is fetched again.
        let have = file.metadata().map_err(|e| Error::io(&incoming, e))?.len();
        let done = (have / manifest.chunk_bytes.max(1)).min(u64::from(manifest.chunks)) as u32;
        file.set_len(u64::from(done) * manifest.chunk_bytes).map_err(|e| Error::io(&incoming, e))?;
        std::io::Seek::seek(&mut file, std::io::SeekFrom::End(0)).map_err(|e| Error::io(&incoming, e))?;
        let mut fetched = 0;
        for index in done..manifest.chunks {
            let piece_name = chunk_name(name, index);
            let piece = self.get(&piece_name)?.ok_or_else(|| {
                Error::invalid("target", format!("{}: piece {index} of {name} is missing", self.target))
            })?;
            let piece = open(&piece_name, piece)?;
            if piece.len() as u64 > manifest.chunk_bytes {
                let _ = std::fs::remove_file(&incoming);
                return Err(Error::invalid(
                    "target",
                    format!("{}: piece {index} of {name} is larger than its list of pieces says", self.target),
                ));
            }
            fetched += piece.len() as u64;
            file.write_all(&piece).map_err(|e| Error::io(&incoming, e))?;
            if index + 1 < manifest.chunks {
                file.sync_data().map_err(|e| Error::io(&incoming, e))?;
                pause_point("piece-received");
            }
        }
        file.sync_all().map_err(|e| Error::io(&incoming, e))?;
        drop(file);
        if !check(&incoming) {
            let _ = std::fs::remove_file(&incoming);
            return Err(Error::invalid(
                "target",
                format!("{}: {name} arrived different from what its name promises", self.target),
            ));
        }
        std::fs::rename(&incoming, dest).map_err(|e| Error::io(dest, e))?;
        Ok(Some(fetched))
    }

    /// Downloads objects, [`TRANSFERS`] at a time, handing each one's bytes to `keep` (which
    /// checks and stores them) as it arrives.
    pub fn download(&self, names: Vec<String>, keep: &(dyn Fn(&str, Vec<u8>) -> Result<()> + Sync)) -> Result<()> {
        let store = self.store.clone();
        self.runtime.block_on(async {
            let mut transfers = futures::stream::iter(names.into_iter().map(|name| {
                let store = store.clone();
                async move {
                    if !self.plain_file(&name) {
                        return Ok((name, None));
                    }
                    let found = store.get(&path(&name)).await;
                    let bytes = match found {
                        // Left out (the sync lists it as too large from its size).
                        Ok(found) if found.meta.size > MAX_OBJECT_BYTES => None,
                        Ok(found) => Some(found.bytes().await.map_err(|e| describe(&self.target, e))?.to_vec()),
                        // Listed a moment ago and gone now: someone tidied up; not ours to mind.
                        Err(object_store::Error::NotFound { .. }) => None,
                        Err(e) => return Err(describe(&self.target, e)),
                    };
                    Ok::<_, Error>((name, bytes))
                }
            }))
            .buffer_unordered(TRANSFERS);
            while let Some(result) = transfers.next().await {
                if let (name, Some(bytes)) = result? {
                    keep(&name, bytes)?;
                }
            }
            Ok(())
        })
    }
}

async fn put_new(
    store: Arc<dyn ObjectStore>,
    conditional: bool,
    name: String,
    bytes: Vec<u8>,
) -> std::result::Result<bool, object_store::Error> {
    let location = path(&name);
    if conditional {
        let options = PutOptions { mode: PutMode::Create, ..Default::default() };
        return match store.put_opts(&location, PutPayload::from(bytes), options).await {
            Ok(_) => Ok(true),
            Err(object_store::Error::AlreadyExists { .. } | object_store::Error::Precondition { .. }) => Ok(false),
            Err(e) => Err(e),
        };
    }
    // Written whole under a temporary name, then copied into place without overwriting: a
    // reader never sees half an object, and an existing one is never replaced.
    let staged = path(&format!("{name}.{}.partial", uuid::Uuid::new_v4().simple()));
    let payload = PutPayload::from(bytes);
    let mut attempt = 0;
    loop {
        match store.put(&staged, payload.clone()).await {
            Ok(_) => break,
            // Two uploads into a folder that does not exist yet both create it; the server
            // refuses the second (423 Locked, 405): by now the folder is there, so try again.
            Err(e) if attempt < 5 && e.to_string().contains("MKCOL") => {
                attempt += 1;
                tokio::time::sleep(Duration::from_millis(50 * attempt)).await;
            }
            Err(e) => return Err(e),
        }
    }
    let placed = match store.copy_if_not_exists(&staged, &location).await {
        Ok(()) => Ok(true),
        Err(object_store::Error::AlreadyExists { .. } | object_store::Error::Precondition { .. }) => Ok(false),
        Err(e) => Err(e),
    };
    let _ = store.delete(&staged).await;
    placed
}

/// A file larger than anything Hearth writes, refused unread.
fn too_large(target: &Target, name: &str, size: u64, max: u64) -> Error {
    Error::invalid(
        "target",
        format!("{target}: {name} is {size} bytes, more than anything Hearth writes ({max} at most); left unread"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_read_as_people_write_them() {
        assert_eq!(Target::parse("/media/usb/hearth").unwrap(), Target::Folder("/media/usb/hearth".into()));
        assert_eq!(
            Target::parse("s3://souvenirs?endpoint=http://127.0.0.1:9000&region=eu-west-1").unwrap(),
            Target::S3 {
                bucket: "souvenirs".into(),
                endpoint: Some("http://127.0.0.1:9000".into()),
                region: "eu-west-1".into()
            }
        );
        assert_eq!(
            Target::parse("webdav+https://cloud.example/dav/hearth/").unwrap(),
            Target::WebDav { url: "https://cloud.example/dav/hearth".into() }
        );
        // Round trip: what is remembered reads back as the same target.
        for text in ["s3://b?endpoint=http://127.0.0.1:1", "s3://b", "https://x.example/dav", "/tmp/f"] {
            let target = Target::parse(text).unwrap();
            assert_eq!(Target::parse(&target.to_string()).unwrap(), target, "{text}");
        }
        for bad in
            ["", "s3://", "s3://a/b", "s3://b?colour=red", "s3://b?endpoint=ftp://x", "ftp://x", "https://ada:pw@x/dav"]
        {
            assert!(Target::parse(bad).is_err(), "{bad:?} should be refused");
        }
    }
}
