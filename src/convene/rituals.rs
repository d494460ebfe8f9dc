//! Rituals: why and how the community meets, and when (a [`Cadence`] in its own time zone).
//! Occurrences are projected from the cadence; what was decided for one of them (moved,
//! cancelled) is stored under its key. RSVPs are per occurrence, or for "this and all
//! following"; for each occurrence the more recent of the two answers that apply wins, so
//! answering one gathering never signs anyone up for the series, and changing one gathering
//! after answering for the series changes only that one.

use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use crate::clock::cadence::{Cadence, Occurrence, Schedule};
use crate::clock::Millis;
use crate::error::{Error, Result};
use crate::ids;
use crate::people::members::{person, Person};
use crate::store::library::Library;
use crate::text::validate_text;
use crate::viewer::Viewer;

pub use super::attendance::{confirm_proposed, gathering_moment, record_attendance, PastGathering, PAST};
pub use super::hosts::{offer_to_host, set_host, HostSuggestion};
pub use super::seating::{mix_tables, TableOfPeople, TablePlan};
pub use super::welcome::{ask_welcomer, Welcome};

pub use crate::clock::cadence::{AHEAD, YEARS};

/// What a person fills in to start (or change) a ritual.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct RitualDraft {
    pub name: String,
    /// Why we do it (Markdown).
    pub why: String,
    /// How it began (Markdown).
    pub origin: String,
    /// The moment it began with (its id), if any: its photos tell the origin too.
    #[serde(default)]
    pub origin_moment: Option<String>,
    /// "The first toast is for the newest member", one a line.
    pub customs: Vec<String>,
    pub place: String,
    /// IANA time zone, e.g. "Europe/Paris".
    pub zone: String,
    pub cadence: Cadence,
    /// First date it may meet, `YYYY-MM-DD`.
    pub starts: String,
    /// Local time it begins, `HH:MM`.
    pub at: String,
    /// How long it lasts, in minutes (5 to 1440).
    pub minutes: u32,
}

/// An answer to an invitation to gather.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum Answer {
    Going,
    Maybe,
    NotGoing,
}

impl Answer {
    fn as_str(self) -> &'static str {
        match self {
            Answer::Going => "going",
            Answer::Maybe => "maybe",
            Answer::NotGoing => "not_going",
        }
    }

    fn parse(text: &str) -> Option<Answer> {
        Some(match text {
            "going" => Answer::Going,
            "maybe" => Answer::Maybe,
            "not_going" => Answer::NotGoing,
            _ => return None,
        })
    }
}

/// One gathering as a member sees it.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct Gathering {
    #[serde(flatten)]
    pub occurrence: Occurrence,
    /// This member's answer (None: not answered), and whether it comes from a "this and all
    /// following" answer.
    pub my_answer: Option<Answer>,
    pub my_answer_from_series: bool,
    /// Members going (and the guests they bring), maybe: counts.
    pub going: u32,
    pub guests: u32,
    pub maybe: u32,
    /// For members: who said they are going, by name (answers are signed and every member's
    /// laptop holds them); never who said maybe or not going.
    pub who_is_going: Vec<Person>,
    /// The guests this member brings.
    pub my_guests: u32,
    /// Who hosts it, when someone was named.
    pub host: Option<Person>,
    /// How many members (by the time zone on their profile) it falls outside 06:00–24:00 for.
    pub outside_waking_hours: u32,
    /// What people bring (potlucks).
    pub bring: Vec<super::bring::BringItem>,
    /// This member's note with their answer (for the leads), and, for the leads and the
    /// gathering's host, the notes of those who answered (written for them).
    pub my_note: Option<String>,
    pub notes: Vec<RsvpNote>,
    /// For the leads and the gathering's host: dietary and access needs of those going, as
    /// totals ("vegetarian": 3), from what this laptop may read of their profiles; never who.
    pub needs: Vec<NeedTotal>,
}

/// A note someone left with their answer, for the leads and the host.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct RsvpNote {
    pub member: Person,
    pub answer: Answer,
    pub note: String,
}

/// How many of those going said they have one need.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct NeedTotal {
    /// As members wrote it, lower-cased ("vegetarian", "step-free access").
    pub need: String,
    pub count: u32,
}

/// Totals of the needs of `going` (each need named once per member, from their profile's
/// comma- or semicolon-separated dietary and access needs), most common first.
fn need_totals(everyone: &[crate::people::members::Member], going: &[String]) -> Vec<NeedTotal> {
    let mut counts: std::collections::BTreeMap<String, u32> = std::collections::BTreeMap::new();
    for member in everyone.iter().filter(|m| going.contains(&m.id)) {
        let mut theirs: Vec<String> = [&member.dietary, &member.access_needs]
            .into_iter()
            .flatten()
            .flat_map(|text| text.split([',', ';']).map(|n| n.trim().to_lowercase()).collect::<Vec<_>>())
            .filter(|n| !n.is_empty())
            .collect();
        theirs.sort();
        theirs.dedup();
        for need in theirs {
            *counts.entry(need).or_default() += 1;
        }
    }
    let mut totals: Vec<NeedTotal> = counts.into_iter().map(|(need, count)| NeedTotal { need, count }).collect();
    totals.sort_by(|a, b| b.count.cmp(&a.count).then(a.need.cmp(&b.need)));
    totals
}

/// A ritual with its next gatherings.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct Ritual {
    pub id: String,
    pub author: String,
    #[serde(flatten)]
    pub draft: RitualDraft,
    /// Rendered from `why` and `origin` (sanitised Markdown).
    pub why_html: String,
    pub origin_html: String,
    pub upcoming: Vec<Gathering>,
    /// Members willing to host, by name.
    pub hosts: Vec<Person>,
    /// Whether this member offered to host.
    pub i_host: bool,
    pub suggested_host: Option<HostSuggestion>,
    /// The last gatherings before now, newest first, with who came.
    pub past: Vec<PastGathering>,
    /// The last three years of gatherings by month, first-timers apart from those returning.
    pub looking_back: Vec<super::looking_back::AttendanceYear>,
    /// For its starter and the leads: regulars who missed the last three gatherings (at most
    /// three), to reach out to gently.
    pub missing_regulars: Vec<Person>,
    /// When members in one zone are left out of the next three gatherings, a second time to
    /// alternate with (see `convene::fairness`).
    pub time_suggestion: Option<String>,
    /// Newcomers' first gatherings: who welcomes them (asked, as those concerned and the leads
    /// see it), and, for the leads, whom to ask.
    pub welcomes: Vec<super::welcome::Welcome>,
    /// Whether this member may change it, move or cancel a gathering (its starter, a lead).
    pub can_edit: bool,
}

pub(super) fn invalid(field: &'static str, reason: impl Into<String>) -> Error {
    Error::invalid(field, reason.into())
}

impl RitualDraft {
    pub(crate) fn schedule(&self) -> Result<Schedule> {
        Schedule::from_parts(self.cadence.clone(), &self.starts, &self.at, &self.zone)
    }

    fn columns(&self) -> Result<Vec<(&'static str, Value)>> {
        // Stored as written out again (`2026-03-01`, `09:00`): the form merge holds them to.
        let schedule = self.schedule()?;
        let name = validate_text("name", self.name.trim(), 120)?;
        if name.is_empty() {
            return Err(invalid("name", "give the ritual a name"));
        }
        if !(5..=1440).contains(&self.minutes) {
            return Err(invalid("minutes", "lasts from 5 minutes to a day"));
        }
        let customs: Vec<String> = self
            .customs
            .iter()
            .map(|c| validate_text("customs", c.trim(), 300))
            .collect::<Result<Vec<_>>>()?
            .into_iter()
            .filter(|c| !c.is_empty())
            .collect();
        if customs.len() > 30 {
            return Err(invalid("customs", "at most 30 customs"));
        }
        Ok(vec![
            ("name", Value::Text(name)),
            ("why", Value::Text(validate_text("why", &self.why, 20_000)?)),
            ("origin", Value::Text(validate_text("origin", &self.origin, 20_000)?)),
            ("customs", Value::Text(serde_json::to_string(&customs).expect("strings serialise"))),
            ("place", Value::Text(validate_text("place", self.place.trim(), 200)?)),
            ("zone", Value::Text(self.zone.trim().to_owned())),
            ("cadence", Value::Text(serde_json::to_string(&self.cadence).expect("a cadence serialises"))),
            ("starts", Value::Text(schedule.starts.to_string())),
            ("at_time", Value::Text(schedule.at.format("%H:%M").to_string())),
            ("minutes", Value::Integer(i64::from(self.minutes))),
            ("origin_moment", Value::Text(self.origin_moment.clone().unwrap_or_default())),
        ])
    }
}

/// Starts a ritual (any member).
pub fn create(library: &mut Library, draft: RitualDraft) -> Result<Ritual> {
    Viewer::me(library)?.member_id.ok_or(Error::NoIdentity)?;
    check_origin_moment(library, &draft)?;
    let columns = draft.columns()?;
    let id = library.write(|w| {
        let id = w.new_id();
        w.apply("rituals", &id, &columns)?;
        Ok(id)
    })?;
    get(library, &id)
}

/// Changes a ritual (its starter or a lead).
pub fn update(library: &mut Library, id: &str, draft: RitualDraft) -> Result<Ritual> {
    let current = get(library, id)?;
    if !current.can_edit {
        return Err(Error::Forbidden {
            action: "change this ritual",
            reason: "who started it and the leads may".into(),
        });
    }
    check_origin_moment(library, &draft)?;
    let columns = draft.columns()?;
    library.write(|w| w.apply("rituals", id, &columns))?;
    get(library, id)
}

/// The origin's moment must be one of the community's moments.
fn check_origin_moment(library: &Library, draft: &RitualDraft) -> Result<()> {
    if let Some(moment) = draft.origin_moment.as_deref().filter(|m| !m.is_empty()) {
        crate::memories::moments::get(library.conn(), moment)
            .map_err(|_| invalid("originMoment", "choose one of the community's moments"))?;
    }
    Ok(())
}

fn read_draft(conn: &Connection, id: &str) -> Result<(String, RitualDraft)> {
    conn.query_row(
        "SELECT author, name, why, origin, customs, place, zone, cadence, starts, at_time, minutes, origin_moment
         FROM rituals WHERE id = ?1 AND deleted = 0",
        [id],
        |row| {
            let customs: String = row.get(4)?;
            let cadence: String = row.get(7)?;
            Ok((
                row.get(0)?,
                RitualDraft {
                    name: row.get(1)?,
                    why: row.get(2)?,
                    origin: row.get(3)?,
                    customs: serde_json::from_str(&customs).unwrap_or_default(),
                    place: row.get(5)?,
                    zone: row.get(6)?,
                    // A cadence this version cannot read meets weekly on Mondays rather than
                    // failing the page; it is shown and can be set again.
                    cadence: serde_json::from_str(&cadence).unwrap_or(Cadence::Weekly { weekday: 1 }),
                    starts: row.get(8)?,
                    at: row.get(9)?,
                    minutes: row.get::<_, i64>(10)?.clamp(5, 1440) as u32,
                    origin_moment: Some(row.get::<_, String>(11)?).filter(|m| !m.is_empty()),
                },
            ))
        },
    )
    .optional()?
    .ok_or_else(|| Error::NotFound { entity: "ritual", id: id.to_owned() })
}

/// Cancels or restores one gathering, and moves it when `to` is given: a local
/// `YYYY-MM-DDTHH:MM`, or empty for back to its usual time. Without `to` its time stays as it
/// was (a cancelled move is still moved once restored).
pub fn change_occurrence(
    library: &mut Library,
    id: &str,
    key: &str,
    to: Option<&str>,
    cancelled: bool,
) -> Result<Ritual> {
    let current = get(library, id)?;
    if !current.can_edit {
        return Err(Error::Forbidden {
            action: "move or cancel a gathering",
            reason: "who started the ritual and the leads may".into(),
        });
    }
    let mut columns = vec![("cancelled", Value::Integer(cancelled.into()))];
    if let Some(to) = to.map(str::trim) {
        let moved_to = match to {
            "" => String::new(),
            to => crate::clock::cadence::parse_moved(to)
                .ok_or_else(|| invalid("to", "give the new date and time as YYYY-MM-DDTHH:MM"))?
                .format("%Y-%m-%dT%H:%M")
                .to_string(),
        };
        columns.push(("moved_to", Value::Text(moved_to)));
    }
    write_gathering(library, id, key, columns, true)?;
    get(library, id)
}

/// Writes `columns` of what was decided for the gathering `key` of ritual `id` (moved,
/// cancelled, its host, its moment), on the row whose id derives from them; `naming` adds the
/// ritual and key themselves (left out only where nothing else may change: a host stepping out).
pub(super) fn write_gathering(
    library: &mut Library,
    id: &str,
    key: &str,
    mut columns: Vec<(&'static str, Value)>,
    naming: bool,
) -> Result<()> {
    let names = crate::convene::gatherings::read(library.conn(), id)?.is_some_and(|g| g.schedule.names(key));
    if !names {
        return Err(invalid("occurrence", "that date is not one of the ritual's gatherings"));
    }
    if naming {
        columns.push(("ritual_id", Value::Text(id.to_owned())));
        columns.push(("occurrence_key", Value::Text(key.to_owned())));
    }
    let row = ids::derived(&["ritual_occurrences", id, key]);
    library.write(|w| w.apply("ritual_occurrences", &row, &columns))
}

/// Answers for one gathering (`following`: for it and every later one).
pub fn rsvp(
    library: &mut Library,
    id: &str,
    key: &str,
    answer: Answer,
    following: bool,
    guests: u32,
    note: &str,
) -> Result<Ritual> {
    let me = Viewer::me(library)?.member_id.ok_or(Error::NoIdentity)?;
    let current = get(library, id)?;
    if !current.upcoming.iter().any(|g| g.occurrence.key == key) {
        return Err(invalid("occurrence", "that gathering is not among the next ones"));
    }
    if guests > 20 {
        return Err(invalid("guests", "at most 20 guests"));
    }
    let scope = if following { "following" } else { "one" };
    // Sealed to the leads and this member (`store::sealing`).
    let note = validate_text("note", note.trim(), 500)?;
    let row = ids::derived(&["rsvps", id, &me, key, scope]);
    library.write(|w| {
        w.apply(
            "rsvps",
            &row,
            &[
                ("ritual_id", Value::Text(id.to_owned())),
                ("member_id", Value::Text(me.clone())),
                ("occurrence_key", Value::Text(key.to_owned())),
                ("scope", Value::Text(scope.to_owned())),
                ("answer", Value::Text(answer.as_str().to_owned())),
                ("guests", Value::Integer(i64::from(guests))),
                ("note", Value::Text(note.clone())),
                ("deleted", Value::Integer(0)),
            ],
        )
    })?;
    get(library, id)
}

/// One stored answer.
pub(super) struct Stored {
    pub(super) member: String,
    pub(super) key: String,
    pub(super) following: bool,
    pub(super) answer: Answer,
    pub(super) guests: u32,
    pub(super) note: String,
    /// Its answer's clock (HLC, the same on every laptop): the later of two answers that apply
    /// wins, whatever the laptops' wall clocks said.
    pub(super) at: (String, String),
}

/// Each member's answer for the gathering `key`: their answer for it alone or their latest
/// "this and all following" from it or before, whichever was given last.
pub(super) fn answers_for<'a>(all: &'a [Stored], key: &str) -> std::collections::HashMap<&'a str, &'a Stored> {
    let mut chosen: std::collections::HashMap<&str, &Stored> = std::collections::HashMap::new();
    for answer in all.iter().filter(|a| if a.following { a.key.as_str() <= key } else { a.key == key }) {
        let entry = chosen.entry(answer.member.as_str()).or_insert(answer);
        if answer.at > entry.at {
            *entry = answer;
        }
    }
    chosen
}

/// Every answer given for a ritual by a member still in the community.
pub(super) fn load_answers(conn: &Connection, id: &str) -> Result<Vec<Stored>> {
    Ok(conn
        .prepare(
            "SELECT r.member_id, r.occurrence_key, r.scope, r.answer, r.guests, r.note,
                    coalesce((SELECT hlc FROM column_clocks c WHERE c.tbl = 'rsvps' AND c.row_id = r.id AND c.col = 'answer'), ''), r.id
             FROM rsvps r
             WHERE r.ritual_id = ?1 AND r.deleted = 0 AND r.member_id IN (SELECT id FROM members WHERE deleted = 0)",
        )?
        .query_map([id], |row| {
            Ok((
                row.get::<_, String>(0)?,
                row.get::<_, String>(1)?,
                row.get::<_, String>(2)?,
                row.get::<_, String>(3)?,
                row.get::<_, i64>(4)?,
                row.get::<_, String>(5)?,
                row.get::<_, String>(6)?,
                row.get::<_, String>(7)?,
            ))
        })?
        .filter_map(|row| row.ok())
        .filter_map(|(member, key, scope, answer, guests, note, at, row)| {
            Some(Stored {
                member,
                key,
                following: scope == "following",
                answer: Answer::parse(&answer)?,
                guests: guests.clamp(0, 20) as u32,
                note,
                at: (at, row),
            })
        })
        .collect())
}

/// The members who gave `answers`, by name.
fn named<'a>(conn: &Connection, answers: impl Iterator<Item = &'a &'a Stored>) -> Vec<Person> {
    let mut people: Vec<Person> = answers.filter_map(|a| person(conn, &a.member).ok()).collect();
    people.sort_by(|a, b| a.display_name.cmp(&b.display_name));
    people
}

/// The notes left with `answers` (what this laptop may read of them), by member name.
fn notes_of<'a>(conn: &Connection, answers: impl Iterator<Item = &'a &'a Stored>) -> Vec<RsvpNote> {
    let mut notes: Vec<RsvpNote> = answers
        .filter(|a| !a.note.is_empty())
        .filter_map(|a| {
            Some(RsvpNote { member: person(conn, &a.member).ok()?, answer: a.answer, note: a.note.clone() })
        })
        .collect();
    notes.sort_by(|a, b| a.member.display_name.cmp(&b.member.display_name));
    notes
}

/// A ritual with its next [`AHEAD`] gatherings as the member at this laptop sees them.
pub fn get(library: &Library, id: &str) -> Result<Ritual> {
    let viewer = Viewer::me(library)?;
    let conn = library.conn();
    let (author, draft) = read_draft(conn, id)?;
    let hosted: std::collections::HashMap<String, String> = conn
        .prepare("SELECT occurrence_key, host_id FROM ritual_occurrences WHERE ritual_id = ?1 AND deleted = 0 AND host_id != ''")?
        .query_map([id], |row| Ok((row.get(0)?, row.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let exceptions = crate::convene::gatherings::exceptions(conn, id)?;
    // Started today or earlier: today's gathering still shows until it is over.
    let occurrences = match draft.schedule() {
        Ok(schedule) => schedule.upcoming(library.now(), draft.minutes, &exceptions),
        Err(_) => Vec::new(),
    };
    let stored = load_answers(conn, id)?;
    let me = viewer.member_id.clone().unwrap_or_default();
    let everyone = crate::people::members::list(conn, &viewer)?;
    let zones = super::fairness::zones(everyone.iter().filter_map(|m| m.time_zone.as_deref()));
    let time_suggestion = match draft.schedule() {
        Ok(schedule) => super::fairness::alternate(&occurrences, &zones, schedule.zone),
        Err(_) => None,
    };
    let mut bring = super::bring::lists(conn, id, &me, viewer.is_lead)?;
    let going_by_key: std::collections::HashMap<String, Vec<String>> = occurrences
        .iter()
        .map(|o| {
            let going = answers_for(&stored, &o.key).into_iter().filter(|(_, a)| a.answer == Answer::Going);
            (o.key.clone(), going.map(|(member, _)| member.to_owned()).collect())
        })
        .collect();
    let upcoming: Vec<Gathering> = occurrences
        .into_iter()
        .map(|occurrence| {
            let answers = answers_for(&stored, &occurrence.key);
            let count = |wanted: Answer| answers.values().filter(|a| a.answer == wanted).count() as u32;
            let mine = answers.get(me.as_str());
            Gathering {
                my_answer: mine.map(|a| a.answer),
                my_answer_from_series: mine.is_some_and(|a| a.following),
                going: count(Answer::Going),
                guests: answers.values().filter(|a| a.answer == Answer::Going).map(|a| a.guests).sum(),
                maybe: count(Answer::Maybe),
                my_guests: mine.map_or(0, |a| a.guests),
                who_is_going: match viewer.member_id {
                    Some(_) => named(conn, answers.values().filter(|a| a.answer == Answer::Going)),
                    None => Vec::new(),
                },
                host: hosted.get(&occurrence.key).and_then(|member| person(conn, member).ok()),
                outside_waking_hours: super::fairness::outside(&occurrence, &zones),
                bring: bring.remove(&occurrence.key).unwrap_or_default(),
                my_note: mine.map(|a| a.note.clone()).filter(|n| !n.is_empty()),
                notes: match viewer.is_lead || hosted.get(&occurrence.key).is_some_and(|host| *host == me) {
                    true => notes_of(conn, answers.values()),
                    false => Vec::new(),
                },
                needs: match viewer.is_lead || hosted.get(&occurrence.key).is_some_and(|host| *host == me) {
                    true => need_totals(&everyone, going_by_key.get(&occurrence.key).map_or(&[][..], Vec::as_slice)),
                    false => Vec::new(),
                },
                occurrence,
            }
        })
        .collect();
    let willing: Vec<String> = conn
        .prepare(
            "SELECT h.member_id FROM ritual_hosts h JOIN members m ON m.id = h.member_id
             WHERE h.ritual_id = ?1 AND h.willing = 1 AND h.deleted = 0 AND m.deleted = 0 ORDER BY m.display_name",
        )?
        .query_map([id], |row| row.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let hosts = willing.iter().map(|member| person(conn, member)).collect::<Result<Vec<_>>>()?;
    let suggested_host = upcoming
        .iter()
        .find(|g: &&Gathering| !g.occurrence.cancelled && g.host.is_none())
        .and_then(|g| super::hosts::suggest_host(&hosts, &hosted, &g.occurrence.key));
    let can_edit = viewer.is_lead || (!me.is_empty() && author == me);
    let welcomes = super::welcome::welcomes(conn, &viewer, id, &upcoming, &going_by_key, can_edit)?;
    let (past, looking_back, missing_regulars) = match draft.schedule() {
        Ok(schedule) => {
            let held = schedule.held_before(library.now(), &exceptions);
            let missing = match can_edit {
                true => super::looking_back::missing_regulars(conn, id, &held)?,
                false => Vec::new(),
            };
            (
                super::attendance::past_gatherings(conn, id, &schedule, &exceptions, library.now(), &me, can_edit)?,
                super::looking_back::looking_back(conn, id, &held)?,
                missing,
            )
        }
        Err(_) => Default::default(),
    };
    Ok(Ritual {
        id: id.to_owned(),
        past,
        looking_back,
        missing_regulars,
        time_suggestion,
        welcomes,
        i_host: willing.contains(&me),
        hosts,
        suggested_host,
        can_edit,
        author,
        why_html: crate::text::markdown::render(&draft.why),
        origin_html: crate::text::markdown::render(&draft.origin),
        draft,
        upcoming,
    })
}

/// Every ritual, the next gathering first (rituals with none last, by name).
pub fn list(library: &Library) -> Result<Vec<Ritual>> {
    let ids: Vec<String> = library
        .conn()
        .prepare("SELECT id FROM rituals WHERE deleted = 0 ORDER BY name")?
        .query_map([], |row| row.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    // A ritual that cannot be read (a crafted row) is left out rather than hiding every other.
    let mut rituals: Vec<Ritual> = ids.iter().filter_map(|id| get(library, id).ok()).collect();
    rituals.sort_by_key(|r| {
        r.upcoming.iter().find(|g| !g.occurrence.cancelled).map_or(i64::MAX, |g| g.occurrence.starts_at.0)
    });
    Ok(rituals)
}

/// Deletes a ritual (its starter or a lead); its past gatherings' moments stay.
pub fn delete(library: &mut Library, id: &str) -> Result<()> {
    if !get(library, id)?.can_edit {
        return Err(Error::Forbidden {
            action: "delete this ritual",
            reason: "who started it and the leads may".into(),
        });
    }
    library.write(|w| w.delete("rituals", id))
}

/// The next gatherings as iCalendar (RFC 5545), one event per occurrence with a UID stable
/// across exports (`<ritual>-<key>@hearth`), so a calendar updates rather than duplicates
/// them; cancelled ones are sent as cancelled.
pub fn to_ics(ritual: &Ritual, now: Millis) -> String {
    let stamp = now.to_utc().format("%Y%m%dT%H%M%SZ");
    let escape = |text: &str| text.replace('\\', "\\\\").replace(';', "\\;").replace(',', "\\,").replace('\n', "\\n");
    let mut out =
        String::from("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Hearth//Rituals//EN\r\nCALSCALE:GREGORIAN\r\n");
    for gathering in &ritual.upcoming {
        let o = &gathering.occurrence;
        let start = o.starts_at.to_utc();
        let end = start + chrono::Duration::minutes(i64::from(ritual.draft.minutes));
        out.push_str("BEGIN:VEVENT\r\n");
        out.push_str(&format!("UID:{}-{}@hearth\r\n", ritual.id, o.key));
        out.push_str(&format!("DTSTAMP:{stamp}\r\n"));
        out.push_str(&format!("DTSTART:{}\r\n", start.format("%Y%m%dT%H%M%SZ")));
        out.push_str(&format!("DTEND:{}\r\n", end.format("%Y%m%dT%H%M%SZ")));
        out.push_str(&format!("SUMMARY:{}\r\n", escape(&ritual.draft.name)));
        if !ritual.draft.place.is_empty() {
            out.push_str(&format!("LOCATION:{}\r\n", escape(&ritual.draft.place)));
        }
        if o.cancelled {
            out.push_str("STATUS:CANCELLED\r\n");
        }
        out.push_str("END:VEVENT\r\n");
    }
    out.push_str("END:VCALENDAR\r\n");
    out
}
