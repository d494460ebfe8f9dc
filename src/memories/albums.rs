//! Albums: media gathered across moments, in the order they were added.

use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::ids;
use crate::memories::media;
use crate::store::library::Library;
use crate::text::validate_text;
use crate::viewer::Viewer;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct Album {
    pub id: String,
    pub title: String,
    pub description: String,
    pub media_count: u32,
    /// The hash of its first photo ('' while it has none).
    pub cover: String,
    pub author: String,
}

const ALBUM_SELECT: &str = "SELECT a.id, a.title, a.description, a.author,
        (SELECT count(*) FROM album_media x JOIN media m ON m.id = x.media_id
         WHERE x.album_id = a.id AND x.deleted = 0 AND m.deleted = 0 AND m.hidden = 0),
        coalesce((SELECT m.hash FROM album_media x JOIN media m ON m.id = x.media_id
                  WHERE x.album_id = a.id AND x.deleted = 0 AND m.deleted = 0 AND m.hidden = 0
                  AND (m.kind = 'photo' OR m.phash != '') ORDER BY x.created_at LIMIT 1), '')
    FROM albums a";

fn album_row(row: &rusqlite::Row) -> rusqlite::Result<Album> {
    Ok(Album {
        id: row.get(0)?,
        title: row.get(1)?,
        description: row.get(2)?,
        author: row.get(3)?,
        media_count: row.get(4)?,
        cover: row.get(5)?,
    })
}

pub fn list(conn: &Connection) -> Result<Vec<Album>> {
    let albums = conn
        .prepare_cached(&format!("{ALBUM_SELECT} WHERE a.deleted = 0 ORDER BY a.title COLLATE NOCASE"))?
        .query_map([], album_row)?
        .collect::<rusqlite::Result<_>>()?;
    Ok(albums)
}

pub fn get(conn: &Connection, id: &str) -> Result<Album> {
    conn.prepare_cached(&format!("{ALBUM_SELECT} WHERE a.id = ?1 AND a.deleted = 0"))?
        .query_row([id], album_row)
        .optional()?
        .ok_or_else(|| Error::NotFound { entity: "album", id: id.to_owned() })
}

fn member(library: &Library) -> Result<Viewer> {
    let viewer = Viewer::me(library)?;
    viewer.member_id.as_ref().ok_or(Error::NoIdentity)?;
    Ok(viewer)
}

fn columns(title: &str, description: &str) -> Result<Vec<(&'static str, Value)>> {
    let title = validate_text("title", title, 120)?;
    if title.is_empty() {
        return Err(Error::invalid("title", "an album needs a title"));
    }
    Ok(vec![
        ("title", Value::Text(title)),
        ("description", Value::Text(validate_text("description", description, 2000)?)),
    ])
}

pub fn create(library: &mut Library, title: &str, description: &str) -> Result<Album> {
    member(library)?;
    let columns = columns(title, description)?;
    let id = library.write(|w| {
        let id = w.new_id();
        w.apply("albums", &id, &columns)?;
        Ok(id)
    })?;
    get(library.conn(), &id)
}

pub fn update(library: &mut Library, id: &str, title: &str, description: &str) -> Result<Album> {
    member(library)?;
    get(library.conn(), id)?;
    let columns = columns(title, description)?;
    library.write(|w| w.apply("albums", id, &columns))?;
    get(library.conn(), id)
}

/// Deletes an album (who made it, or a lead); its media stay in the gallery.
pub fn delete(library: &mut Library, id: &str) -> Result<()> {
    let viewer = member(library)?;
    let album = get(library.conn(), id)?;
    if Some(&album.author) != viewer.member_id.as_ref() && !viewer.is_lead {
        return Err(Error::Forbidden { action: "delete this album", reason: "who made it and the leads may".into() });
    }
    library.write(|w| w.delete("albums", id))
}

pub fn add(library: &mut Library, id: &str, media_ids: &[String]) -> Result<Album> {
    let viewer = member(library)?;
    get(library.conn(), id)?;
    for media_id in media_ids {
        media::get(library.conn(), &viewer, media_id)?;
    }
    library.write(|w| {
        for media_id in media_ids {
            w.apply(
                "album_media",
                &ids::derived(&["album", id, media_id]),
                &[
                    ("album_id", Value::Text(id.to_owned())),
                    ("media_id", Value::Text(media_id.clone())),
                    ("deleted", Value::Integer(0)),
                ],
            )?;
        }
        Ok(())
    })?;
    get(library.conn(), id)
}

pub fn remove(library: &mut Library, id: &str, media_id: &str) -> Result<Album> {
    member(library)?;
    get(library.conn(), id)?;
    library.write(|w| w.delete("album_media", &ids::derived(&["album", id, media_id])))?;
    get(library.conn(), id)
}

/// The albums a media belongs to (for the lightbox).
pub fn of_media(conn: &Connection, media_id: &str) -> Result<Vec<String>> {
    let ids = conn
        .prepare_cached("SELECT album_id FROM album_media WHERE media_id = ?1 AND deleted = 0")?
        .query_map([media_id], |row| row.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(ids)
}
