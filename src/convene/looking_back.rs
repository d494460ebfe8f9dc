//! Looking back on a ritual: how many gathered, month by month and year by year, first-timers
//! apart from those returning (counts, never a ranking); and, for its starter and the leads,
//! regulars who have missed the last three gatherings, to reach out to gently.

use std::collections::{BTreeMap, HashMap, HashSet};

use rusqlite::Connection;
use serde::Serialize;

use crate::clock::cadence::Occurrence;
use crate::error::Result;
use crate::people::members::{person, Person};

/// One month's gatherings of a ritual.
#[derive(Debug, Clone, Default, PartialEq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct AttendanceMonth {
    /// 1 to 12.
    pub month: u32,
    pub gatherings: u32,
    /// Members whose first recorded gathering of this ritual it was.
    pub first_timers: u32,
    /// Members who had come before.
    pub returning: u32,
}

/// One year of a ritual's gatherings, months with none left out.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct AttendanceYear {
    pub year: i32,
    pub months: Vec<AttendanceMonth>,
}

/// At most this many regulars are suggested to reach out to.
pub const MAX_MISSED: usize = 3;

/// The ritual's gatherings `held` (oldest first) counted by month with who went.
pub fn looking_back(conn: &Connection, id: &str, held: &[Occurrence]) -> Result<Vec<AttendanceYear>> {
    let went = went_by_gathering(conn, id)?;
    let mut seen: HashSet<&str> = HashSet::new();
    let mut years: BTreeMap<i32, BTreeMap<u32, AttendanceMonth>> = BTreeMap::new();
    for occurrence in held {
        let (Some(year), Some(month)) = (
            occurrence.key.get(..4).and_then(|y| y.parse().ok()),
            occurrence.key.get(5..7).and_then(|m| m.parse().ok()),
        ) else {
            continue;
        };
        let cell =
            years.entry(year).or_default().entry(month).or_insert(AttendanceMonth { month, ..Default::default() });
        cell.gatherings += 1;
        for member in went.get(&occurrence.key).into_iter().flatten() {
            match seen.insert(member.as_str()) {
                true => cell.first_timers += 1,
                false => cell.returning += 1,
            }
        }
    }
    Ok(years
        .into_iter()
        .rev()
        .map(|(year, months)| AttendanceYear { year, months: months.into_values().collect() })
        .collect())
}

/// Regulars (who went to at least three of the six gatherings before the last three) who went
/// to none of the last three, at most [`MAX_MISSED`], by name; only gatherings whose attendance
/// was recorded count.
pub fn missing_regulars(conn: &Connection, id: &str, held: &[Occurrence]) -> Result<Vec<Person>> {
    let went = went_by_gathering(conn, id)?;
    let recorded: Vec<&Occurrence> = held.iter().filter(|o| went.contains_key(&o.key)).collect();
    if recorded.len() < 6 {
        return Ok(Vec::new());
    }
    let (before, last) = recorded.split_at(recorded.len() - 3);
    let before = &before[before.len().saturating_sub(6)..];
    let mut counts: HashMap<&str, u32> = HashMap::new();
    for occurrence in before {
        for member in &went[&occurrence.key] {
            *counts.entry(member.as_str()).or_default() += 1;
        }
    }
    let lately: HashSet<&str> = last.iter().flat_map(|o| went[&o.key].iter().map(String::as_str)).collect();
    let mut missing = counts
        .into_iter()
        .filter(|(member, count)| *count >= 3 && !lately.contains(member))
        .map(|(member, _)| person(conn, member))
        .collect::<Result<Vec<_>>>()?;
    missing.retain(|p| p.display_name != "A former member");
    missing.sort_by(|a, b| a.display_name.cmp(&b.display_name));
    missing.truncate(MAX_MISSED);
    Ok(missing)
}

/// Who went to each gathering of the ritual, by key (members still in the community).
fn went_by_gathering(conn: &Connection, id: &str) -> Result<HashMap<String, Vec<String>>> {
    let mut out: HashMap<String, Vec<String>> = HashMap::new();
    let rows: Vec<(String, String)> = conn
        .prepare_cached(
            "SELECT a.occurrence_key, a.member_id FROM attendance a JOIN members m ON m.id = a.member_id
             WHERE a.ritual_id = ?1 AND a.went = 1 AND a.deleted = 0 AND m.deleted = 0",
        )?
        .query_map([id], |row| Ok((row.get(0)?, row.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    for (key, member) in rows {
        out.entry(key).or_default().push(member);
    }
    Ok(out)
}

/// A member's own record with one ritual, for their own page only.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct MyStreak {
    pub ritual_id: String,
    pub ritual: String,
    /// Gatherings they went to, in all.
    pub came: u32,
    /// The last gatherings held (with attendance recorded) they went to, without a gap.
    pub in_a_row: u32,
}

/// The member at this laptop's record with each ritual they went to (theirs alone: never
/// computed for anyone else).
pub fn my_streaks(library: &crate::store::library::Library) -> Result<Vec<MyStreak>> {
    let Some(me) = library.me()? else { return Ok(Vec::new()) };
    let conn = library.conn();
    let mut out = Vec::new();
    for ritual in crate::convene::rituals::list(library)? {
        let Ok(schedule) = ritual.draft.schedule() else { continue };
        let exceptions = crate::convene::gatherings::exceptions(conn, &ritual.id)?;
        let held = schedule.held_before(library.now(), &exceptions);
        let went = went_by_gathering(conn, &ritual.id)?;
        let mine = |key: &str| went.get(key).is_some_and(|members| members.contains(&me));
        let came = held.iter().filter(|o| mine(&o.key)).count() as u32;
        if came == 0 {
            continue;
        }
        // Gatherings with any attendance recorded (went or not) count; unrecorded ones do not.
        let recorded: HashSet<String> = conn
            .prepare_cached("SELECT DISTINCT occurrence_key FROM attendance WHERE ritual_id = ?1 AND deleted = 0")?
            .query_map([&ritual.id], |row| row.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        let in_a_row =
            held.iter().rev().filter(|o| recorded.contains(&o.key)).take_while(|o| mine(&o.key)).count() as u32;
        out.push(MyStreak { ritual_id: ritual.id, ritual: ritual.draft.name, came, in_a_row });
    }
    Ok(out)
}
