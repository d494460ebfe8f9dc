//! Restricted data that may have travelled in clear before sealing existed (a library that
//! synced before this version), as its leads are told it.

use crate::error::Result;
use crate::store::library::{self, Library};
use crate::store::sealing::PROFILE_FIELDS;
use crate::viewer::Viewer;

/// Restricted data this laptop held when sealing began, which may have travelled in clear to
/// the laptops of that time (a library that had synced before this version): what leads are
/// told, so they can decide what to do. Counts by kind.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct SharedBeforeSealing {
    pub care_notes: u32,
    pub care_messages: u32,
    /// Profile fields for the leads or their member only (each field of each member once).
    pub profile_fields: u32,
    /// Stories for the leads or for chosen members.
    pub stories: u32,
    /// The laptops in the roster, by their member's name and the laptop's name: where it may be.
    pub laptops: Vec<String>,
    /// All of it in one plain sentence ([`before_sealing_sentence`]).
    pub sentence: String,
}

/// What [`SharedBeforeSealing`] counts, for a lead; None for anyone else, or when nothing was.
pub fn shared_before_sealing(library: &Library) -> Result<Option<SharedBeforeSealing>> {
    let conn = library.conn();
    if !Viewer::me(library)?.is_lead {
        return Ok(None);
    }
    let Some(began) = library::get_local(conn, "sealing_began")? else { return Ok(None) };
    let count = |sql: &str| -> Result<u32> { Ok(conn.query_row(sql, [&began], |row| row.get(0))?) };
    let before = |table: &str, column: &str| {
        format!(
            "EXISTS (SELECT 1 FROM column_clocks c WHERE c.tbl = '{table}' AND c.row_id = t.id AND c.col = '{column}' AND c.hlc <= ?1)"
        )
    };
    let mut shared = SharedBeforeSealing {
        care_notes: count(&format!("SELECT count(*) FROM care_notes t WHERE {}", before("care_notes", "body")))?,
        care_messages: count(&format!(
            "SELECT count(*) FROM care_messages t WHERE {}",
            before("care_messages", "body")
        ))?,
        stories: count(&format!(
            "SELECT count(*) FROM stories t WHERE visibility != 'community' AND {}",
            before("stories", "body")
        ))?,
        ..SharedBeforeSealing::default()
    };
    for (column, field) in PROFILE_FIELDS.iter().filter(|(column, _)| *column != "celebrate_birthday") {
        shared.profile_fields += count(&format!(
            "SELECT count(*) FROM members t WHERE json_extract(t.visibility, '$.{field}') IN ('leads', 'onlyMe')
             AND coalesce({column}, '') NOT IN ('', '[]') AND {}",
            before("members", column)
        ))?;
    }
    if shared == SharedBeforeSealing::default() {
        return Ok(None);
    }
    shared.laptops = conn
        .prepare(
            "SELECT coalesce(m.display_name, 'someone') || ': ' || coalesce(d.name, 'a laptop') FROM devices d
             LEFT JOIN members m ON m.id = d.member_id WHERE d.deleted = 0 AND d.public_key != '' ORDER BY 1",
        )?
        .query_map([], |row| row.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    shared.sentence = before_sealing_sentence(&shared);
    Ok(Some(shared))
}

/// [`SharedBeforeSealing`] in one plain sentence: "7 care notes and 2 profile fields were
/// shared before sealing existed: they are on these laptops, readable there."
pub fn before_sealing_sentence(shared: &SharedBeforeSealing) -> String {
    let parts: Vec<String> = [
        (shared.care_notes, "care note", "care notes"),
        (shared.care_messages, "care message", "care messages"),
        (shared.profile_fields, "leads-only or only-me profile field", "leads-only or only-me profile fields"),
        (shared.stories, "story for chosen readers", "stories for chosen readers"),
    ]
    .into_iter()
    .filter(|(count, ..)| *count > 0)
    .map(|(count, one, many)| format!("{count} {}", if count == 1 { one } else { many }))
    .collect();
    let listed = match parts.as_slice() {
        [] => return String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    };
    let total = shared.care_notes + shared.care_messages + shared.profile_fields + shared.stories;
    let verb = if total == 1 { "was" } else { "were" };
    format!(
        "{listed} {verb} shared before sealing existed: they are on these laptops, readable there, and laptops that join later receive them too; this cannot be taken back."
    )
}
