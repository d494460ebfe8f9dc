//! Short messages attached to something: responses to a story, support on a care note,
//! messages on a celebration board. One shape and one reader for all of them; who may read a
//! thread is decided by the module that owns its parent, before it calls here.

use rusqlite::Connection;
use serde::Serialize;

use crate::clock::Millis;
use crate::error::Result;
use crate::people::members::{person, Person};
use crate::text::markdown;

#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct Message {
    pub id: String,
    pub author: Person,
    pub body_html: String,
    /// Photo hashes, for threads that carry photos (empty otherwise).
    pub photos: Vec<String>,
    pub created_at: Millis,
}

/// The messages of `table` whose `parent` column is `parent_id`, oldest first. `table` and
/// `parent` are this crate's own constants, never input.
pub(crate) fn read(
    conn: &Connection,
    table: &str,
    parent: &str,
    parent_id: &str,
    with_photos: bool,
) -> Result<Vec<Message>> {
    let photos = if with_photos { "photos" } else { "'[]'" };
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT id, author, body, created_at, {photos} FROM {table}
         WHERE {parent} = ?1 AND deleted = 0 ORDER BY created_at, id"
    ))?;
    let rows = stmt.query_map([parent_id], |row| {
        Ok((
            row.get::<_, String>(0)?,
            row.get::<_, String>(1)?,
            row.get::<_, String>(2)?,
            row.get::<_, i64>(3)?,
            row.get::<_, String>(4)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (id, author, body, created_at, photos) = row?;
        out.push(Message {
            id,
            author: person(conn, &author)?,
            body_html: markdown::render(&body),
            photos: serde_json::from_str(&photos).unwrap_or_default(),
            created_at: Millis(created_at),
        });
    }
    Ok(out)
}
