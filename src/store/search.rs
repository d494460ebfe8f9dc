//! The search index: an FTS5 table (derived, rebuildable, never synced) holding one row per
//! searchable field of members and stories, kept up to date by the write paths and rebuilt
//! after a merge. Care notes are never indexed. Reading it, with what each reader may see, is
//! `people::directory`.

use rusqlite::{params, Connection};

use crate::error::Result;

/// Bumped when what is indexed changes, so libraries rebuild their index on open.
const INDEX_VERSION: &str = "1";

/// Member fields in the index, with the profile field whose visibility guards each.
pub(crate) const MEMBER_FIELDS: &[(&str, &str)] = &[
    ("display_name", ""),
    ("profession", "profession"),
    ("organisation", "organisation"),
    ("expertise", "expertise"),
    ("interests", "interests"),
    ("ask_me_about", "askMeAbout"),
    ("bio", "bio"),
    ("location", "location"),
];

/// Rebuilds the index when it is missing or was built by an older Hearth.
pub fn ensure_index(conn: &Connection) -> Result<()> {
    let built = crate::store::library::get_local(conn, "search_index")?;
    if built.as_deref() != Some(INDEX_VERSION) {
        rebuild(conn)?;
        crate::store::library::set_local(conn, "search_index", INDEX_VERSION)?;
    }
    Ok(())
}

pub fn rebuild(conn: &Connection) -> Result<()> {
    conn.execute("DELETE FROM search_index", [])?;
    let ids: Vec<String> =
        conn.prepare("SELECT id FROM members")?.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
    for id in ids {
        index_member(conn, &id)?;
    }
    let ids: Vec<String> =
        conn.prepare("SELECT id FROM stories")?.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
    for id in ids {
        index_story(conn, &id)?;
    }
    Ok(())
}

/// Re-indexes one member from the members table (a deleted member leaves the index).
pub fn index_member(conn: &Connection, id: &str) -> Result<()> {
    conn.prepare_cached("DELETE FROM search_index WHERE kind = 'member' AND ref_id = ?1")?.execute([id])?;
    let mut stmt = conn.prepare_cached(
        "SELECT display_name, profession, organisation, expertise, interests, ask_me_about, bio, location
         FROM members WHERE id = ?1 AND deleted = 0",
    )?;
    let row: Option<Vec<String>> =
        stmt.query_row([id], |r| (0..MEMBER_FIELDS.len()).map(|i| r.get::<_, String>(i)).collect()).ok();
    let Some(values) = row else { return Ok(()) };
    let mut insert =
        conn.prepare_cached("INSERT INTO search_index (kind, ref_id, field, text) VALUES ('member', ?1, ?2, ?3)")?;
    for ((column, _), value) in MEMBER_FIELDS.iter().zip(values) {
        let text = if value.starts_with('[') {
            serde_json::from_str::<Vec<String>>(&value).map(|v| v.join(", ")).unwrap_or(value)
        } else {
            value
        };
        if !text.is_empty() {
            insert.execute(params![id, column, text])?;
        }
    }
    Ok(())
}

pub fn index_story(conn: &Connection, id: &str) -> Result<()> {
    conn.prepare_cached("DELETE FROM search_index WHERE kind = 'story' AND ref_id = ?1")?.execute([id])?;
    conn.prepare_cached(
        "INSERT INTO search_index (kind, ref_id, field, text)
         SELECT 'story', id, 'story', title || ' ' || body FROM stories WHERE id = ?1 AND deleted = 0",
    )?
    .execute([id])?;
    Ok(())
}
