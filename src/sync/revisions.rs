//! Long texts that lost a concurrent edit, kept for their author to restore.

use rusqlite::types::Value;
use rusqlite::OptionalExtension;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::store::library::Library;
use crate::sync::ops::LONG_TEXTS;

/// A version of a long text that lost to a concurrent edit, for its author.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct Revision {
    pub id: u32,
    pub table: String,
    pub row_id: String,
    pub field: String,
    pub text: String,
    /// What stands now.
    pub current: String,
    pub kept_at: crate::clock::Millis,
}

/// My versions that lost to someone's concurrent edit (only their author sees them).
pub fn my_revisions(library: &Library) -> Result<Vec<Revision>> {
    let Some(me) = library.me()? else { return Ok(Vec::new()) };
    let conn = library.conn();
    let rows: Vec<(u32, String, String, String, String, i64)> = conn
        .prepare("SELECT id, tbl, row_id, col, value, kept_at FROM revisions WHERE author = ?1 AND restored = 0 ORDER BY kept_at DESC")?
        .query_map([&me], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?, row.get(4)?, row.get(5)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut out = Vec::new();
    for (id, table, row_id, field, text, kept_at) in rows {
        let Some((table_name, column)) = LONG_TEXTS.iter().find(|(t, c)| *t == table && *c == field) else { continue };
        let current: String = conn
            .prepare(&format!("SELECT {column} FROM {table_name} WHERE id = ?1"))?
            .query_row([&row_id], |row| row.get(0))
            .optional()?
            .unwrap_or_default();
        if current == text {
            continue;
        }
        out.push(Revision { id, table, row_id, field, text, current, kept_at: crate::clock::Millis(kept_at) });
    }
    Ok(out)
}

/// Puts my losing version back (as a new edit, so it wins everywhere after the next sync).
pub fn restore_revision(library: &mut Library, id: u32) -> Result<()> {
    let me = library.me()?.ok_or(Error::NoIdentity)?;
    let found: Option<(String, String, String, String, String)> = library
        .conn()
        .prepare("SELECT tbl, row_id, col, value, author FROM revisions WHERE id = ?1 AND restored = 0")?
        .query_row([id], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?, row.get(4)?)))
        .optional()?;
    let (table, row_id, field, text, author) =
        found.ok_or_else(|| Error::NotFound { entity: "revision", id: id.to_string() })?;
    if author != me {
        return Err(Error::Forbidden { action: "restore this version", reason: "only its author may".into() });
    }
    let (table, column) = *LONG_TEXTS
        .iter()
        .find(|(t, c)| *t == table && *c == field)
        .ok_or_else(|| Error::invalid("revision", "not a long text"))?;
    library.write(|w| {
        w.apply(table, &row_id, &[(column, Value::Text(text.clone()))])?;
        w.conn().execute("UPDATE revisions SET restored = 1 WHERE id = ?1", [id])?;
        Ok(())
    })
}
