//! Celebrations: birthdays (day and month only, opt-in), join anniversaries, and
//! accomplishments, each an occasion with a board of messages. What a viewer may see of a
//! birthday follows the member's profile visibility.
//!
//! A 29 February birthday is celebrated on 28 February in years without a 29 February: the
//! last day of the birthday's own month, so it stays in February and never drifts into March.
//! Join anniversaries on 29 February follow the same rule.

use chrono::{Datelike, NaiveDate};
use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use crate::clock::Millis;
use crate::error::{Error, Result};
use crate::people::members::Person;
use crate::people::members::{self, Member};
use crate::people::threads::{self, Message};
use crate::store::library::Library;
use crate::text::validate_text;
use crate::viewer::Viewer;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum OccasionKind {
    Birthday,
    Anniversary,
    Accomplishment,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type, clap::ValueEnum)]
#[serde(rename_all = "camelCase")]
pub enum AccomplishmentKind {
    Promotion,
    Publication,
    Certification,
    Milestone,
    Thanks,
}

impl AccomplishmentKind {
    fn as_str(self) -> &'static str {
        match self {
            AccomplishmentKind::Promotion => "promotion",
            AccomplishmentKind::Publication => "publication",
            AccomplishmentKind::Certification => "certification",
            AccomplishmentKind::Milestone => "milestone",
            AccomplishmentKind::Thanks => "thanks",
        }
    }

    fn parse(text: &str) -> AccomplishmentKind {
        match text {
            "promotion" => AccomplishmentKind::Promotion,
            "publication" => AccomplishmentKind::Publication,
            "certification" => AccomplishmentKind::Certification,
            "thanks" => AccomplishmentKind::Thanks,
            _ => AccomplishmentKind::Milestone,
        }
    }
}

/// Something to celebrate on a day.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct Occasion {
    /// Names the occasion and its board: `birthday:<member>:<year>`, `anniversary:<member>:<year>`
    /// or `accomplishment:<id>`.
    pub key: String,
    pub kind: OccasionKind,
    pub member: Person,
    /// `YYYY-MM-DD`, the day it is celebrated.
    pub date: String,
    pub title: String,
    pub description: String,
    pub accomplishment_kind: Option<AccomplishmentKind>,
    /// Years with the community, for anniversaries.
    pub years: Option<u32>,
    pub message_count: u32,
}

/// An occasion with everyone's messages, Kudoboard-style.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct Board {
    pub occasion: Occasion,
    pub messages: Vec<Message>,
}

#[derive(Debug, Clone, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct AccomplishmentDraft {
    pub member_id: String,
    pub kind: AccomplishmentKind,
    pub title: String,
    #[serde(default)]
    pub description: String,
    /// `YYYY-MM-DD`; today when empty.
    #[serde(default)]
    pub happened_on: String,
}

/// The day a yearly date (month, day) falls on in `year`: 29 February becomes 28 February in
/// years without one.
pub fn observed_on(year: i32, month: u32, day: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(year, month, day)
        .or_else(|| (month == 2 && day == 29).then(|| NaiveDate::from_ymd_opt(year, 2, 28)).flatten())
}

/// Occasions from `from` through `from + days`, soonest first, as `viewer` may see them.
pub fn upcoming(conn: &Connection, viewer: &Viewer, from: NaiveDate, days: u32) -> Result<Vec<Occasion>> {
    let until = from + chrono::Days::new(days.min(MAX_DAYS).into());
    let mut out = Vec::new();
    for member in members::list(conn, viewer)? {
        if member.role == members::Role::Alumni {
            continue;
        }
        let years = [from.year(), until.year()];
        let years = if years[0] == years[1] { &years[..1] } else { &years[..] };
        for &year in years {
            if let Some(occasion) = birthday_in(&member, year) {
                if (from..=until).contains(&parse_day(&occasion.date)) {
                    out.push(occasion);
                }
            }
            if let Some(occasion) = anniversary_in(&member, year) {
                if (from..=until).contains(&parse_day(&occasion.date)) {
                    out.push(occasion);
                }
            }
        }
    }
    let mut stmt =
        conn.prepare_cached("SELECT id FROM accomplishments WHERE deleted = 0 AND happened_on BETWEEN ?1 AND ?2")?;
    let ids: Vec<String> =
        stmt.query_map([from.to_string(), until.to_string()], |row| row.get(0))?.collect::<rusqlite::Result<_>>()?;
    for id in ids {
        out.push(accomplishment(conn, viewer, &id)?);
    }
    for occasion in &mut out {
        occasion.message_count = message_count(conn, &occasion.key)?;
    }
    out.sort_by(|a, b| a.date.cmp(&b.date).then(a.member.display_name.cmp(&b.member.display_name)));
    Ok(out)
}

/// The furthest ahead (or back) a list of occasions looks: a year and a day.
pub const MAX_DAYS: u32 = 366;

/// Recent accomplishments (posted in the last `days`), newest first.
pub fn recent_accomplishments(
    conn: &Connection,
    viewer: &Viewer,
    today: NaiveDate,
    days: u32,
) -> Result<Vec<Occasion>> {
    let since = today - chrono::Days::new(days.min(MAX_DAYS).into());
    let mut stmt = conn.prepare_cached(
        "SELECT id FROM accomplishments WHERE deleted = 0 AND happened_on BETWEEN ?1 AND ?2
         ORDER BY happened_on DESC, id DESC",
    )?;
    let ids: Vec<String> =
        stmt.query_map([since.to_string(), today.to_string()], |row| row.get(0))?.collect::<rusqlite::Result<_>>()?;
    let mut out = Vec::new();
    for id in ids {
        let mut occasion = accomplishment(conn, viewer, &id)?;
        occasion.message_count = message_count(conn, &occasion.key)?;
        out.push(occasion);
    }
    Ok(out)
}

fn parse_day(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap_or_default()
}

fn person_of(member: &Member) -> Person {
    Person { id: member.id.clone(), display_name: member.display_name.clone() }
}

fn first_name(member: &Member) -> &str {
    member.display_name.split_whitespace().next().unwrap_or(&member.display_name)
}

/// The member's birthday occasion in `year`, if they celebrate it and the viewer may see it
/// (a `Member` read for a viewer carries `celebrate_birthday` only when the birthday is visible).
fn birthday_in(member: &Member, year: i32) -> Option<Occasion> {
    if !member.celebrate_birthday {
        return None;
    }
    let birthday = member.birthday.as_deref()?;
    let (month, day) = birthday.split_once('-')?;
    let date = observed_on(year, month.parse().ok()?, day.parse().ok()?)?;
    Some(Occasion {
        key: format!("birthday:{}:{year}", member.id),
        kind: OccasionKind::Birthday,
        member: person_of(member),
        date: date.to_string(),
        title: format!("{}'s birthday", first_name(member)),
        description: String::new(),
        accomplishment_kind: None,
        years: None,
        message_count: 0,
    })
}

fn anniversary_in(member: &Member, year: i32) -> Option<Occasion> {
    let joined = NaiveDate::parse_from_str(&member.joined_on, "%Y-%m-%d").ok()?;
    let years = u32::try_from(year - joined.year()).ok().filter(|y| *y >= 1)?;
    let date = observed_on(year, joined.month(), joined.day())?;
    Some(Occasion {
        key: format!("anniversary:{}:{year}", member.id),
        kind: OccasionKind::Anniversary,
        member: person_of(member),
        date: date.to_string(),
        title: format!("{} year{} with us", years, if years == 1 { "" } else { "s" }),
        description: format!("{} joined on {}", member.display_name, member.joined_on),
        accomplishment_kind: None,
        years: Some(years),
        message_count: 0,
    })
}

fn accomplishment(conn: &Connection, viewer: &Viewer, id: &str) -> Result<Occasion> {
    let row: Option<(String, String, String, String, String)> = conn
        .prepare_cached(
            "SELECT member_id, kind, title, description, happened_on FROM accomplishments WHERE id = ?1 AND deleted = 0",
        )?
        .query_row([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))
        .optional()?;
    let (member_id, kind, title, description, happened_on) =
        row.ok_or_else(|| Error::not_found("accomplishment", id))?;
    let member = members::get(conn, viewer, &member_id)?;
    Ok(Occasion {
        key: format!("accomplishment:{id}"),
        kind: OccasionKind::Accomplishment,
        member: person_of(&member),
        date: happened_on,
        title,
        description,
        accomplishment_kind: Some(AccomplishmentKind::parse(&kind)),
        years: None,
        message_count: 0,
    })
}

/// The occasion a board key names, if it exists and `viewer` may see it.
pub fn occasion(conn: &Connection, viewer: &Viewer, key: &str) -> Result<Occasion> {
    let not_found = || Error::not_found("occasion", key);
    let mut parts = key.split(':');
    let occasion = match (parts.next(), parts.next(), parts.next(), parts.next()) {
        (Some("accomplishment"), Some(id), None, None) => accomplishment(conn, viewer, id)?,
        (Some(kind @ ("birthday" | "anniversary")), Some(member_id), Some(year), None) => {
            let member = members::get(conn, viewer, member_id).map_err(|_| not_found())?;
            let year: i32 = year.parse().map_err(|_| not_found())?;
            let found = if kind == "birthday" { birthday_in(&member, year) } else { anniversary_in(&member, year) };
            found.ok_or_else(not_found)?
        }
        _ => return Err(not_found()),
    };
    Ok(Occasion { message_count: message_count(conn, key)?, ..occasion })
}

fn message_count(conn: &Connection, key: &str) -> Result<u32> {
    Ok(conn
        .prepare_cached("SELECT count(*) FROM celebration_messages WHERE occasion = ?1 AND deleted = 0")?
        .query_row([key], |row| row.get(0))?)
}

/// An occasion's board: the occasion and every message, oldest first.
pub fn board(conn: &Connection, viewer: &Viewer, key: &str) -> Result<Board> {
    let occasion = occasion(conn, viewer, key)?;
    let messages = threads::read(conn, "celebration_messages", "occasion", key, true)?;
    Ok(Board { occasion, messages })
}

/// Leaves a message on an occasion's board, as the member at this device.
pub fn leave_message(library: &mut Library, key: &str, body: &str, photos: &[String]) -> Result<Board> {
    let viewer = Viewer::me(library)?;
    viewer.member_id.as_ref().ok_or(Error::NoIdentity)?;
    occasion(library.conn(), &viewer, key)?;
    let body = validate_text("body", body, 2_000)?;
    let photos = crate::ingest::images::validate_photos(library.root(), photos)?;
    if body.is_empty() && photos.is_empty() {
        return Err(Error::invalid("body", "a message needs words or a photo"));
    }
    library.write(|w| {
        w.apply(
            "celebration_messages",
            &w.new_id(),
            &[
                ("occasion", Value::Text(key.to_owned())),
                ("body", Value::Text(body)),
                ("photos", Value::Text(serde_json::to_string(&photos).expect("hashes serialize"))),
            ],
        )
    })?;
    board(library.conn(), &viewer, key)
}

/// Posts an accomplishment, for oneself or for another member.
pub fn post_accomplishment(library: &mut Library, draft: AccomplishmentDraft) -> Result<Occasion> {
    let viewer = Viewer::me(library)?;
    viewer.member_id.as_ref().ok_or(Error::NoIdentity)?;
    members::role_of(library.conn(), &draft.member_id)?;
    let title = validate_text("title", &draft.title, 140)?;
    if title.is_empty() {
        return Err(Error::invalid("title", "say what is being celebrated"));
    }
    let description = validate_text("description", &draft.description, 2_000)?;
    let happened_on = match draft.happened_on.trim() {
        "" => library.today().to_string(),
        text => crate::clock::read_day(text)
            .ok_or_else(|| {
                Error::invalid("happenedOn", format!("{text:?} is not a date like 2026-03-15, between 1900 and 2200"))
            })?
            .to_string(),
    };
    let id = library.write(|w| {
        let id = w.new_id();
        w.apply(
            "accomplishments",
            &id,
            &[
                ("member_id", Value::Text(draft.member_id.clone())),
                ("kind", Value::Text(draft.kind.as_str().to_owned())),
                ("title", Value::Text(title)),
                ("description", Value::Text(description)),
                ("happened_on", Value::Text(happened_on)),
            ],
        )?;
        Ok(id)
    })?;
    occasion(library.conn(), &viewer, &format!("accomplishment:{id}"))
}

/// An iCalendar file of the occasions from `from` for `days`, for calendar apps to import.
pub fn to_ics(occasions: &[Occasion], community: &str, stamp: Millis) -> String {
    let mut out =
        String::from("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Hearth//Celebrations//EN\r\nCALSCALE:GREGORIAN\r\n");
    push_line(&mut out, &format!("X-WR-CALNAME:{}", escape(&format!("{community}: celebrations"))));
    let stamp = stamp.to_utc().format("%Y%m%dT%H%M%SZ").to_string();
    for occasion in occasions {
        let day = parse_day(&occasion.date);
        let next = day.succ_opt().unwrap_or(day);
        out.push_str("BEGIN:VEVENT\r\n");
        push_line(&mut out, &format!("UID:{}@hearth", escape(&occasion.key)));
        push_line(&mut out, &format!("DTSTAMP:{stamp}"));
        push_line(&mut out, &format!("DTSTART;VALUE=DATE:{}", day.format("%Y%m%d")));
        push_line(&mut out, &format!("DTEND;VALUE=DATE:{}", next.format("%Y%m%d")));
        let summary = match occasion.kind {
            OccasionKind::Accomplishment => format!("{}: {}", occasion.member.display_name, occasion.title),
            OccasionKind::Anniversary => format!("{}: {}", occasion.member.display_name, occasion.title),
            OccasionKind::Birthday => occasion.title.clone(),
        };
        push_line(&mut out, &format!("SUMMARY:{}", escape(&summary)));
        if !occasion.description.is_empty() {
            push_line(&mut out, &format!("DESCRIPTION:{}", escape(&occasion.description)));
        }
        out.push_str("TRANSP:TRANSPARENT\r\nEND:VEVENT\r\n");
    }
    out.push_str("END:VCALENDAR\r\n");
    out
}

fn escape(text: &str) -> String {
    text.replace('\\', "\\\\").replace(';', "\\;").replace(',', "\\,").replace('\n', "\\n").replace('\r', "")
}

/// Appends a content line folded at 75 octets, as RFC 5545 asks, never inside a character.
fn push_line(out: &mut String, line: &str) {
    let mut width = 0;
    for c in line.chars() {
        if width + c.len_utf8() > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += c.len_utf8();
    }
    out.push_str("\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leap_day_birthdays_fall_on_28_february_in_other_years() {
        assert_eq!(observed_on(2028, 2, 29), NaiveDate::from_ymd_opt(2028, 2, 29));
        assert_eq!(observed_on(2027, 2, 29), NaiveDate::from_ymd_opt(2027, 2, 28));
        assert_eq!(observed_on(2100, 2, 29), NaiveDate::from_ymd_opt(2100, 2, 28), "2100 is not a leap year");
        assert_eq!(observed_on(2027, 3, 1), NaiveDate::from_ymd_opt(2027, 3, 1));
    }

    #[test]
    fn ics_lines_are_escaped_and_folded() {
        let mut out = String::new();
        push_line(&mut out, &format!("SUMMARY:{}", escape(&"é, x; y".repeat(20))));
        for line in out.split("\r\n") {
            assert!(line.len() <= 75, "{line:?} is {} octets", line.len());
        }
        assert!(out.contains("\\,") && out.contains("\\;"));
    }
}
