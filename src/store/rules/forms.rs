//! Text columns with a limit or a form: the window's length limits, and the forms of dates,
//! keys, schedules and lists it writes (`clock::cadence`, `text::forms`), checked for every
//! change before any table's rule.

use rusqlite::types::Value;

use super::{describe, Refusal};
use chrono::Datelike;

use crate::clock::{self, cadence};

/// Text columns with the window's length limit (characters), so a crafted write cannot carry
/// more than the window lets anyone type.
const LENGTHS: &[(&str, &str, usize)] = &[
    ("members", "hidden_dates", 1_000),
    ("community", "primer_stories", 1_000),
    ("members", "farewell", 2_000),
    ("yearbook_pages", "title", 120),
    ("yearbook_pages", "body", 5_000),
    ("yearbook_pages", "photos", 1_000),
    ("yearbook_signatures", "message", 1_000),
    ("artefacts", "name", 120),
    ("artefacts", "summary", 500),
    ("artefacts", "date_description", 120),
    ("artefacts", "origin", 20_000),
    ("artefacts", "lyrics", 20_000),
    ("artefacts", "creators", 20_000),
    ("artefacts", "contributors", 20_000),
    ("artefacts", "credits", 20_000),
    ("artefacts", "keywords", 5_000),
    ("artefacts", "moments", 5_000),
    ("artefacts", "rituals", 5_000),
    ("artefact_files", "name", 200),
    ("artefact_accounts", "body", 20_000),
    ("artefact_versions", "label", 80),
    ("artefact_versions", "sizes", 5_000),
    ("merch_orders", "size", 60),
    ("badges", "name", 80),
    ("badges", "description", 1_000),
    ("badges", "criteria", 2_000),
    ("badges", "rule", 500),
    ("badge_awards", "snapshot", 10_000),
    ("badge_awards", "credential", 20_000),
    ("badge_awards", "revoked_reason", 1_000),
    ("badge_showcase", "credential", 20_000),
    ("badge_revocations", "credential_id", 200),
    ("pulse_rounds", "title", 120),
    ("pulse_rounds", "dimensions", 20_000),
    ("pulse_answers", "answer", 5_000),
    ("pulse_answers", "sealed", 20_000),
    ("pulse_results", "aggregates", 200_000),
];

/// Columns whose text has a form: a gathering's key (`YYYY-MM-DD`), a move, and a ritual's
/// schedule, each as the window writes it (`clock::cadence`), with what the form is called.
const FORMS: &[(&str, &str, Fits, &str)] = &[
    ("ritual_occurrences", "occurrence_key", is_key, "a gathering's date (YYYY-MM-DD)"),
    ("rsvps", "occurrence_key", is_key, "a gathering's date (YYYY-MM-DD)"),
    ("attendance", "occurrence_key", is_key, "a gathering's date (YYYY-MM-DD)"),
    ("bring_items", "occurrence_key", is_key, "a gathering's date (YYYY-MM-DD)"),
    ("welcomes", "occurrence_key", is_key, "a gathering's date (YYYY-MM-DD)"),
    (
        "ritual_occurrences",
        "moved_to",
        |t| t.is_empty() || cadence::parse_moved(t).is_some() && clock::is_stored_local(t, "%Y-%m-%dT%H:%M"),
        "a local date and time",
    ),
    // As typed, by the CLI before it was written out again (`2026-3-1`): still a first date.
    (
        "rituals",
        "starts",
        |t| chrono::NaiveDate::parse_from_str(t, "%Y-%m-%d").is_ok_and(|d| cadence::YEARS.contains(&d.year())),
        "a first date (YYYY-MM-DD)",
    ),
    ("rituals", "at_time", |t| chrono::NaiveTime::parse_from_str(t, "%H:%M").is_ok(), "a time of day (HH:MM)"),
    ("rituals", "zone", |t| t.parse::<chrono_tz::Tz>().is_ok(), "a time zone"),
    ("members", "hidden_dates", is_hidden_dates, "a list of at most 20 dates (YYYY-MM-DD)"),
    ("members", "farewell_on", is_day_or_none, "a date (YYYY-MM-DD)"),
    // Dates compare as text in the rules (`joined_on` may only move later), and badges for years
    // with the community are counted from it: only the form the window writes.
    ("members", "joined_on", is_day_or_none, "a date (YYYY-MM-DD)"),
    ("members", "birthday", is_birthday, "a day and month (MM-DD)"),
    ("accomplishments", "happened_on", is_day_or_none, "a date (YYYY-MM-DD)"),
    ("initiatives", "target_date", is_day_or_none, "a date (YYYY-MM-DD)"),
    ("pair_rounds", "made_on", clock::is_stored_day, "a date (YYYY-MM-DD)"),
    ("moments", "starts_at", is_when, "a date (YYYY-MM-DD) or a date and time (YYYY-MM-DDTHH:MM)"),
    ("moments", "ends_at", |t| t.is_empty() || is_when(t), "a date (YYYY-MM-DD) or a date and time (YYYY-MM-DDTHH:MM)"),
    (
        "media",
        "taken_at",
        |t| t.is_empty() || clock::is_stored_local(t, "%Y-%m-%dT%H:%M:%S"),
        "a local date and time (YYYY-MM-DDTHH:MM:SS)",
    ),
    (
        "community",
        "primer_stories",
        |t| serde_json::from_str::<Vec<String>>(t).is_ok_and(|l| l.len() <= 5) && is_ids(t),
        "a list of at most 5 stories",
    ),
    ("artefacts", "original_date", is_partial_date, "a date as YYYY, YYYY-MM or YYYY-MM-DD"),
    ("artefacts", "creators", is_people, "a list of people (members or names)"),
    ("artefacts", "contributors", is_people, "a list of people (members or names)"),
    ("artefacts", "credits", is_credits, "a list of credits (who, and their part)"),
    ("artefacts", "keywords", is_words, "a list of keywords"),
    ("artefacts", "moments", is_ids, "a list of ids"),
    (
        "yearbook_pages",
        "photos",
        |t| serde_json::from_str::<Vec<String>>(t).is_ok_and(|l| l.len() <= 6) && is_ids(t),
        "a list of at most 6 photos",
    ),
    ("artefacts", "rituals", is_ids, "a list of ids"),
    ("artefact_versions", "sizes", is_words, "a list of sizes"),
    (
        "moments",
        "attendees",
        |t| {
            serde_json::from_str::<Vec<String>>(t)
                .is_ok_and(|list| list.len() <= 1_000 && list.iter().all(|id| !id.is_empty() && id.len() <= 80))
        },
        "a list of at most 1,000 members",
    ),
    (
        "pulse_answers",
        "answer",
        |t| t.is_empty() || serde_json::from_str::<crate::text::forms::PulseShape>(t).is_ok_and(|a| a.fits()),
        "an answer of 0 to 10 per dimension",
    ),
    ("badge_issuers", "did", |t| crate::credentials::key_of_did(t).is_some(), "an Ed25519 did:key"),
    (
        "badges",
        "rule",
        |t| t.is_empty() || serde_json::from_str::<serde_json::Value>(t).is_ok_and(|v| v["kind"].is_string()),
        "an automatic rule",
    ),
    (
        "rituals",
        "cadence",
        |t| serde_json::from_str::<cadence::Cadence>(t).is_ok_and(|c| c.validated().is_ok()),
        "a cadence",
    ),
];

/// A member's hidden days: a JSON list of at most 20 calendar dates, each once (the window's
/// limit too).
fn is_hidden_dates(text: &str) -> bool {
    serde_json::from_str::<Vec<String>>(text).is_ok_and(|list| {
        list.len() <= 20
            && list.iter().all(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").is_ok() && d.len() == 10)
            && list.iter().collect::<std::collections::HashSet<_>>().len() == list.len()
    })
}

/// An artefact's original date at its precision: a year, a month or a day (or none).
fn is_partial_date(text: &str) -> bool {
    text.is_empty() || crate::text::forms::PartialDate::parse(text).is_some()
}

/// A JSON list of people as the window writes them (`text::forms::NamedPerson`).
fn is_people(text: &str) -> bool {
    serde_json::from_str::<Vec<crate::text::forms::NamedPerson>>(text).is_ok_and(|list| list.len() <= 50)
}

fn is_credits(text: &str) -> bool {
    serde_json::from_str::<Vec<crate::text::forms::Credit>>(text).is_ok_and(|list| list.len() <= 50)
}

/// A JSON list of at most 50 short texts (keywords, sizes).
fn is_words(text: &str) -> bool {
    serde_json::from_str::<Vec<String>>(text)
        .is_ok_and(|list| list.len() <= 50 && list.iter().all(|w| !w.trim().is_empty() && w.chars().count() <= 60))
}

/// A JSON list of at most 50 row ids.
fn is_ids(text: &str) -> bool {
    serde_json::from_str::<Vec<String>>(text)
        .is_ok_and(|list| list.len() <= 50 && list.iter().all(|id| !id.is_empty() && id.len() <= 80))
}

/// Whether a column's text has its form.
type Fits = fn(&str) -> bool;

/// A gathering's key: a stored date within [`cadence::YEARS`] (zero-padded, so `2026-3-1`
/// cannot name the same gathering as `2026-03-01` under another key).
fn is_key(text: &str) -> bool {
    clock::read_day(text).is_some() && clock::is_stored_day(text)
}

/// A stored date (see [`clock::is_stored_day`]) or none.
fn is_day_or_none(text: &str) -> bool {
    text.is_empty() || clock::is_stored_day(text)
}

/// A moment's start or end as `memories::moments` writes it: a day, or a day and a time.
fn is_when(text: &str) -> bool {
    clock::is_stored_local(text, "%Y-%m-%d") || clock::is_stored_local(text, "%Y-%m-%dT%H:%M")
}

/// A birthday as `people::members::parse_birthday` writes it: `MM-DD`, a real day of a leap
/// year (29 February is one), or nothing.
fn is_birthday(text: &str) -> bool {
    text.is_empty() || text.len() == 5 && clock::is_stored_local(&format!("2024-{text}"), "%Y-%m-%d")
}

/// Whether `value` of `table.column` is within its length and has its form.
pub(super) fn check(table: &str, column: &str, value: &Value) -> std::result::Result<(), Refusal> {
    if let Some((.., max)) = LENGTHS.iter().find(|(t, c, _)| *t == table && *c == column) {
        if matches!(value, Value::Text(text) if text.chars().count() > *max) {
            return Err(format!("puts more than {max} characters into {table}.{column}"));
        }
    }
    if let Some((.., fits, form)) = FORMS.iter().find(|(t, c, ..)| *t == table && *c == column) {
        if !matches!(value, Value::Text(text) if fits(text)) {
            return Err(format!("puts {} into {table}.{column}, which holds {form}", describe(value)));
        }
    }
    Ok(())
}
