//! A ritual's gatherings as this database holds them: its schedule and what was decided for
//! single gatherings (moved, cancelled).
//!
//! Which gatherings may be answered (the next 12) or recorded (those held) depends on the
//! schedule when the answer was written. The window checks it; merge checks only each key's
//! form (`store::rules`), because judging a change against a schedule that another change may
//! alter would leave laptops that merged in different orders with different answers. What a
//! schedule does not give is never shown: answers, items and welcomes count only for the
//! gatherings projected here, who came only for gatherings held.

use rusqlite::{Connection, OptionalExtension};

use crate::clock::cadence::{parse_moved, Cadence, Exception, Schedule};
use crate::error::Result;

/// A ritual's schedule, how long a gathering lasts (minutes, 5 to 1440) and its exceptions by
/// occurrence key.
pub struct Gatherings {
    pub schedule: Schedule,
    pub minutes: u32,
    pub exceptions: Vec<(String, Exception)>,
}

/// The gatherings of ritual `id`; None when it is not here, deleted, or its schedule cannot be
/// read (then no gathering of it can be answered or recorded).
pub fn read(conn: &Connection, id: &str) -> Result<Option<Gatherings>> {
    let parts: Option<(String, String, String, String, i64)> = conn
        .query_row(
            "SELECT cadence, starts, at_time, zone, minutes FROM rituals WHERE id = ?1 AND deleted = 0",
            [id],
            |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?, row.get(4)?)),
        )
        .optional()?;
    let Some((cadence, starts, at, zone, minutes)) = parts else { return Ok(None) };
    let Ok(cadence) = serde_json::from_str::<Cadence>(&cadence) else { return Ok(None) };
    let Ok(schedule) = Schedule::from_parts(cadence, &starts, &at, &zone) else { return Ok(None) };
    Ok(Some(Gatherings { schedule, minutes: minutes.clamp(5, 1440) as u32, exceptions: exceptions(conn, id)? }))
}

/// What was decided for single gatherings of ritual `id`: cancelled, or moved to a local
/// date and time (a move this version cannot read is left out, so the gathering meets as the
/// cadence says).
pub fn exceptions(conn: &Connection, id: &str) -> Result<Vec<(String, Exception)>> {
    let rows: Vec<(String, String, i64)> = conn
        .prepare_cached(
            "SELECT occurrence_key, moved_to, cancelled FROM ritual_occurrences WHERE ritual_id = ?1 AND deleted = 0",
        )?
        .query_map([id], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows
        .into_iter()
        .filter_map(|(key, moved, cancelled)| match (cancelled, moved.as_str()) {
            (1, _) => Some((key, Exception::Cancelled)),
            (_, "") => None,
            (_, moved) => parse_moved(moved).map(|to| (key, Exception::Moved(to))),
        })
        .collect())
}
