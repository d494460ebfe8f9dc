//! Originals on demand: which originals a laptop keeps, fetching one when it is opened, and
//! the automatic-sync setting.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use rusqlite::{Connection, OptionalExtension};

use crate::error::{Error, Result};
use crate::store::blobs::write_atomically;
use crate::store::library::{self, Library};
use crate::sync::crypto::{self};
use crate::sync::run::file_has_hash;
use crate::sync::run::promised;
use crate::sync::storage::{Credentials, Store, Target};
use crate::sync::target::resolve;

/// The originals a sync fetches: None for all of them, or the hashes of what is kept offline
/// when originals come on demand.
pub(crate) fn wanted_originals(library: &Library) -> Result<Option<Wanted>> {
    if !originals_on_demand(library)? {
        return Ok(None);
    }
    let images = library
        .conn()
        .prepare(
            "SELECT portrait FROM members WHERE portrait != ''
             UNION SELECT cover FROM initiatives WHERE cover != ''
             UNION SELECT j.value FROM stories, json_each(stories.photos) j
             UNION SELECT j.value FROM celebration_messages, json_each(celebration_messages.photos) j
             UNION SELECT j.value FROM initiative_updates, json_each(initiative_updates.photos) j
             UNION SELECT hash FROM artefact_files WHERE kind = 'image' AND deleted = 0
             UNION SELECT image FROM badges WHERE image != ''",
        )?
        .query_map([], |row| row.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let kept = library
        .conn()
        .prepare(
            "SELECT m.hash FROM media m WHERE m.deleted = 0 AND (
                 m.moment_id IN (SELECT item_id FROM offline_keeps WHERE kind = 'moment')
                 OR m.id IN (SELECT am.media_id FROM album_media am JOIN offline_keeps k
                             ON k.kind = 'album' AND k.item_id = am.album_id WHERE am.deleted = 0))",
        )?
        .query_map([], |row| row.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(Some(Wanted { kept, images }))
}

/// With originals on demand, what of `blobs/` comes at every sync: the gallery originals kept
/// offline, and the small images rows show (portraits, covers, photos in stories and on
/// boards). Anything else waits until it is opened, or until a row names it.
#[derive(PartialEq)]
pub(crate) struct Wanted {
    pub(crate) kept: std::collections::HashSet<String>,
    pub(crate) images: std::collections::HashSet<String>,
}

/// What each gallery thumbnail and preview must hash to, by object name: what its row was
/// imported with (None for rows imported before rows carried it). A derived file no row
/// names yet is not taken (its row may come later in the sync).
pub(crate) fn derived_hashes(conn: &Connection) -> Result<std::collections::HashMap<String, Option<String>>> {
    let mut expected = std::collections::HashMap::new();
    let rows: Vec<(String, String, String)> = conn
        .prepare("SELECT hash, thumb_hash, preview_hash FROM media")?
        .query_map([], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let some = |hash: String| Some(hash).filter(|h| !h.is_empty());
    for (hash, thumb, preview) in rows {
        if crate::store::blobs::is_hash(&hash) {
            expected.insert(format!("thumbs/{hash}{}", crate::store::blobs::THUMB_SUFFIX), some(thumb));
            expected.insert(format!("previews/{hash}{}", crate::store::blobs::PREVIEW_SUFFIX), some(preview));
        }
    }
    Ok(expected)
}

/// Whether a file name is a portrait's or story photo's thumbnail (rebuilt here from its
/// image, never taken from a target).
pub(crate) fn image_thumb_name(name: &str) -> Option<&str> {
    name.strip_prefix("thumbs/")?.strip_suffix(&format!("-{}.jpg", crate::store::blobs::IMAGE_THUMB_SIDE))
}

/// Rebuilds the thumbnails of portraits and story photos the target lists, from their images
/// once they are here.
pub(crate) fn rebuild_image_thumbs(root: &Path, listed: &BTreeMap<String, u64>) {
    for hash in listed.keys().filter_map(|name| image_thumb_name(name)) {
        let Ok(thumb) = crate::store::blobs::image_thumb(root, hash) else { continue };
        if !thumb.is_file() && crate::store::blobs::image(root, hash).is_ok_and(|image| image.is_file()) {
            // A damaged image keeps its thumbnail missing; the window shows initials instead.
            let _ = crate::ingest::images::rebuild_image_thumb(root, hash);
        }
    }
}

/// Whether this laptop fetches originals only when they are opened (and for what it keeps
/// offline) rather than at every sync.
pub fn originals_on_demand(library: &Library) -> Result<bool> {
    Ok(library::get_local(library.conn(), "originals")?.as_deref() == Some("on-demand"))
}

/// Whether the app syncs on its own, every few minutes, whenever the target is reachable.
pub fn auto_sync(library: &Library) -> Result<bool> {
    Ok(library::get_local(library.conn(), "auto_sync")?.as_deref() == Some("on"))
}

pub fn set_auto_sync(library: &Library, on: bool) -> Result<()> {
    if on && library::get_local(library.conn(), "sync_target")?.is_none() {
        return Err(Error::invalid("sync", "sync once first, so Hearth knows where to sync"));
    }
    library::set_local(library.conn(), "auto_sync", if on { "on" } else { "off" })
}

pub fn set_originals_on_demand(library: &Library, on_demand: bool) -> Result<()> {
    library::set_local(library.conn(), "originals", if on_demand { "on-demand" } else { "all" })
}

/// Keeps a moment's or album's originals on this laptop (fetched at every sync), or stops.
pub fn keep_offline(library: &Library, kind: &str, id: &str, keep: bool) -> Result<()> {
    if !matches!(kind, "moment" | "album") {
        return Err(Error::invalid("kind", "only moments and albums can be kept offline"));
    }
    if keep {
        library.conn().execute("INSERT OR IGNORE INTO offline_keeps (kind, item_id) VALUES (?1, ?2)", [kind, id])?;
    } else {
        library.conn().execute("DELETE FROM offline_keeps WHERE kind = ?1 AND item_id = ?2", [kind, id])?;
    }
    Ok(())
}

pub fn kept_offline(library: &Library, kind: &str, id: &str) -> Result<bool> {
    Ok(library
        .conn()
        .query_row("SELECT 1 FROM offline_keeps WHERE kind = ?1 AND item_id = ?2", [kind, id], |_| Ok(()))
        .optional()?
        .is_some())
}

/// Where a missing original can be fetched from: the remembered target and its secrets.
pub fn original_source(library: &Library) -> Result<(PathBuf, Target, Credentials)> {
    let (target, credentials) = resolve(library, None, None).map_err(|e| match e {
        Error::Invalid { reason, .. } => {
            Error::invalid("original", format!("this original is not on this laptop, and {reason}"))
        }
        other => other,
    })?;
    Ok((library.root().to_path_buf(), target, credentials))
}

/// Fetches one original that is not on this laptop yet (checked against its hash, decrypted
/// when the target is encrypted) and returns where it now is. Needs no library lock.
pub fn fetch_original(
    root: &Path,
    target: &Target,
    credentials: &Credentials,
    hash: &str,
    format: &str,
) -> Result<PathBuf> {
    let dest = crate::store::blobs::original(root, hash, format)?;
    if dest.is_file() {
        return Ok(dest);
    }
    let store = Store::open(target, credentials)?;
    let keyring = crypto::load(root)?;
    let open_bytes = |name: &str, bytes: Vec<u8>| match &keyring {
        Some(community) => community.open(name, &bytes).map_err(|reason| Error::invalid("original", reason)),
        None => Ok(bytes),
    };
    let name = format!("blobs/{hash}.{format}");
    if let Some(bytes) = store.get(&name)? {
        let bytes = open_bytes(&name, bytes)?;
        if !promised(&name, &bytes) {
            return Err(Error::invalid("original", format!("{name} in {target} is not what its name promises")));
        }
        write_atomically(&dest, &bytes)?;
        return Ok(dest);
    }
    match store.download_chunked(&name, &dest, &open_bytes, &|file| file_has_hash(file, hash))? {
        Some(_) => Ok(dest),
        None => Err(Error::invalid(
            "original",
            format!("{target} does not hold this original (yet): its owner has not synced it"),
        )),
    }
}
