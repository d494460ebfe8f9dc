//! Farewells: a member who leaves may write a few words to the community (`members.farewell`,
//! dated `farewell_on`). Writing them is their consent: the year's book prints them with their
//! name; nobody else may write or change them (`store::rules`), and emptying them takes them out.

use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension};

use crate::error::{Error, Result};
use crate::store::library::Library;

/// The farewell of the member at this laptop (empty when none).
pub fn mine(library: &Library) -> Result<String> {
    let me = library.me()?.ok_or(Error::NoIdentity)?;
    Ok(library
        .conn()
        .query_row("SELECT farewell FROM members WHERE id = ?1", [&me], |r| r.get(0))
        .optional()?
        .unwrap_or_default())
}

/// Writes (or, empty, takes back) the farewell of the member at this laptop, dated today.
///
/// # Errors
/// [`Error::Invalid`] for more than 2,000 characters.
pub fn write(library: &mut Library, words: &str) -> Result<()> {
    library.ensure_writable()?;
    let me = library.me()?.ok_or(Error::NoIdentity)?;
    let words = crate::text::validate_text("farewell", words.trim(), 2_000)?;
    let on = if words.is_empty() { String::new() } else { library.today().format("%Y-%m-%d").to_string() };
    library.write(|w| {
        w.apply("members", &me, &[("farewell", Value::Text(words.clone())), ("farewell_on", Value::Text(on.clone()))])
    })?;
    Ok(())
}

/// The farewells written in `year`, as (name, words), by date: only of members who did not
/// ask not to be featured.
pub fn of_year(conn: &Connection, year: i32) -> Result<Vec<(String, String)>> {
    let rows = conn
        .prepare(
            "SELECT display_name, farewell FROM members WHERE deleted = 0 AND feature_me = 1 AND farewell != ''
             AND substr(farewell_on, 1, 5) = ?1 ORDER BY farewell_on, display_name, id",
        )?
        .query_map([format!("{year:04}-")], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}
