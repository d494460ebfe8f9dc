//! "Hide this date": days a member asked not to be shown on, such as a bereavement or a
//! memorial (`members.hidden_dates`, a JSON list of `YYYY-MM-DD`; only the member sets it,
//! `store::rules`). On every laptop, a photo of such a day on which they are tagged, and a moment
//! of the day they were at (with its photos), are left out of On this day, the yearbook and
//! exports; on their own laptop, On this day stays quiet on the day's anniversaries.
//!
//! The list travels unsealed, as `feature_me` does, so that every laptop can honour it: it is
//! in every member's copy of the library, though the window shows a member only their own.

use chrono::{Datelike, NaiveDate};
use rusqlite::types::Value;
use rusqlite::Connection;

use crate::error::{Error, Result};
use crate::store::library::Library;

/// At most this many days a member may hide (merge refuses a longer list).
pub const MAX_DATES: usize = 20;

/// `json` when it is valid JSON, else an empty list, for `json_each` in SQL (a member may edit
/// their own database; a malformed list must not stop every query that reads it).
macro_rules! json_list {
    ($column:literal) => {
        concat!("CASE WHEN json_valid(", $column, ") THEN ", $column, " ELSE '[]' END")
    };
}

/// SQL true when the moment aliased `mo` is not on a day one of its people hid.
pub const MOMENT_DAY_SHOWN: &str = concat!(
    "NOT EXISTS (SELECT 1 FROM json_each(",
    json_list!("mo.attendees"),
    ") ha JOIN members hp ON hp.id = ha.value JOIN json_each(",
    json_list!("hp.hidden_dates"),
    ") hd WHERE hd.value = substr(mo.starts_at, 1, 10))"
);

/// SQL true when the medium aliased `m` is not of a day hidden by someone tagged on it (and who
/// agreed to the tag: a pending tag is not theirs to hide by), nor in a moment on a day one of
/// its people hid. A photo's day is when it was taken, else the UTC day it sorts under, give or
/// take one.
pub const MEDIA_DAY_SHOWN: &str = concat!(
    "NOT EXISTS (SELECT 1 FROM media_tags ht JOIN members hp ON hp.id = ht.member_id JOIN json_each(",
    json_list!("hp.hidden_dates"),
    ") hd WHERE ht.media_id = m.id AND ht.deleted = 0 AND ht.status = 'tagged' AND (hd.value = substr(m.taken_at, 1, 10)",
    // Without a capture time, the UTC day it sorts under may be a day off the local one: the
    // day before and after count too, erring towards leaving out.
    " OR m.taken_at = '' AND julianday(hd.value) BETWEEN julianday(m.sort_at / 1000, 'unixepoch', 'start of day') - 1",
    " AND julianday(m.sort_at / 1000, 'unixepoch', 'start of day') + 1))",
    " AND NOT EXISTS (SELECT 1 FROM moments mo WHERE mo.id = m.moment_id AND mo.deleted = 0 AND ",
    "EXISTS (SELECT 1 FROM json_each(",
    json_list!("mo.attendees"),
    ") ha JOIN members hp ON hp.id = ha.value JOIN json_each(",
    json_list!("hp.hidden_dates"),
    ") hd WHERE hd.value = substr(mo.starts_at, 1, 10)))"
);

/// Whether moment `id` may be shown: not on a day one of its people hid.
pub fn moment_shown(conn: &Connection, id: &str) -> Result<bool> {
    Ok(conn
        .prepare_cached(&format!("SELECT count(*) = 0 FROM moments mo WHERE mo.id = ?1 AND NOT {MOMENT_DAY_SHOWN}"))?
        .query_row([id], |r| r.get(0))?)
}

/// Member `id`'s hidden days (none when the stored list is malformed).
pub fn of(conn: &Connection, id: &str) -> Result<Vec<String>> {
    let text: Option<String> = rusqlite::OptionalExtension::optional(
        conn.prepare_cached("SELECT hidden_dates FROM members WHERE id = ?1")?.query_row([id], |r| r.get(0)),
    )?;
    Ok(text.and_then(|t| serde_json::from_str(&t).ok()).unwrap_or_default())
}

/// Whether member `id` hid `day`.
pub fn hid(conn: &Connection, id: &str, day: &str) -> Result<bool> {
    Ok(of(conn, id)?.iter().any(|d| d == day))
}

/// The hidden days of the member at this laptop, in date order.
pub fn mine(library: &Library) -> Result<Vec<String>> {
    let me = library.me()?.ok_or(Error::NoIdentity)?;
    of(library.conn(), &me)
}

/// Whether `today` is an anniversary (same month and day) of one of the member's hidden days
/// at this laptop: their On this day stays quiet.
pub fn is_my_quiet_day(library: &Library, today: NaiveDate) -> Result<bool> {
    let Some(me) = library.me()? else { return Ok(false) };
    let day = today.format("-%m-%d").to_string();
    // 29 February is remembered on 28 February in other years.
    let leap_day_elsewhere = day == "-02-28" && NaiveDate::from_ymd_opt(today.year(), 2, 29).is_none();
    Ok(of(library.conn(), &me)?
        .iter()
        .any(|d| d.get(4..) == Some(day.as_str()) || leap_day_elsewhere && d.get(4..) == Some("-02-29")))
}

fn save(library: &mut Library, days: &[String]) -> Result<Vec<String>> {
    let me = library.me()?.ok_or(Error::NoIdentity)?;
    let text = serde_json::to_string(days).map_err(|e| Error::invalid("hidden_dates", e.to_string()))?;
    library.write(|w| w.apply("members", &me, &[("hidden_dates", Value::Text(text))]))?;
    Ok(days.to_vec())
}

/// Hides `day` (`YYYY-MM-DD`) for the member at this laptop; returns their hidden days.
///
/// # Errors
/// [`Error::Invalid`] for a text that is not a date, or beyond [`MAX_DATES`] days.
pub fn hide(library: &mut Library, day: &str) -> Result<Vec<String>> {
    library.ensure_writable()?;
    let date = NaiveDate::parse_from_str(day.trim(), "%Y-%m-%d")
        .map_err(|_| Error::invalid("date", "give the day as YYYY-MM-DD, such as 2024-03-14"))?;
    let day = date.format("%Y-%m-%d").to_string();
    let mut days = mine(library)?;
    if days.contains(&day) {
        return Ok(days);
    }
    if days.len() >= MAX_DATES {
        return Err(Error::invalid("date", format!("at most {MAX_DATES} days can be hidden; show one again first")));
    }
    days.push(day);
    days.sort();
    save(library, &days)
}

/// Shows `day` again for the member at this laptop; returns their hidden days.
pub fn show_again(library: &mut Library, day: &str) -> Result<Vec<String>> {
    library.ensure_writable()?;
    let mut days = mine(library)?;
    let day = NaiveDate::parse_from_str(day.trim(), "%Y-%m-%d")
        .map_or(day.trim().to_owned(), |d| d.format("%Y-%m-%d").to_string());
    days.retain(|d| *d != day);
    save(library, &days)
}
