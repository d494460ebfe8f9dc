//! Rituals: why and how the community meets, and when (a [`Cadence`] in its own time zone).
//! Occurrences are projected from the cadence; what was decided for one of them (moved,
//! cancelled) is stored under its key. RSVPs are per occurrence, or for "this and all
//! following"; for each occurrence the more recent of the two answers that apply wins, so
//! answering one gathering never signs anyone up for the series, and changing one gathering
//! after answering for the series changes only that one.

use rusqlite::types::Value;
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use crate::clock::Millis;
use crate::convene::cadence::{Cadence, Exception, Occurrence, Schedule};
use crate::error::{Error, Result};
use crate::ids;
use crate::people::members::{person, Person};
use crate::store::library::Library;
use crate::text::validate_text;
use crate::viewer::Viewer;

/// How many occurrences are projected ahead.
pub const AHEAD: usize = 12;

/// What a person fills in to start (or change) a ritual.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct RitualDraft {
    pub name: String,
    /// Why we do it (Markdown).
    pub why: String,
    /// How it began (Markdown).
    pub origin: String,
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
    /// Counts, never names: members going (and the guests they bring), maybe.
    pub going: u32,
    pub guests: u32,
    pub maybe: u32,
    /// Who hosts it, when someone was named.
    pub host: Option<Person>,
}

/// A gathering that has taken place: its moment and who came.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct PastGathering {
    #[serde(flatten)]
    pub occurrence: Occurrence,
    /// Its moment (photos, who was there, what we learned), once made.
    pub moment_id: Option<String>,
    /// Members recorded as having gone.
    pub went: Vec<Person>,
    /// Whether this member went, as recorded (None: not recorded).
    pub i_went: Option<bool>,
    /// For its starter and the leads: members the moment proposes (its who-was-there and
    /// consented photo tags) whose attendance is not recorded yet.
    pub proposed: Vec<Person>,
}

/// Who could host the next gathering without a host: the willing member who hosted least in
/// the last 12 months (ties: longest since hosting, then by name), and a backup.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct HostSuggestion {
    /// The gathering it is for.
    pub key: String,
    pub host: Person,
    pub backup: Option<Person>,
    /// Why, in words ("hosted once in the last 12 months, in March").
    pub reason: String,
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
    /// Whether this member may change it, move or cancel a gathering (its starter, a lead).
    pub can_edit: bool,
}

fn invalid(field: &'static str, reason: impl Into<String>) -> Error {
    Error::invalid(field, reason.into())
}

impl RitualDraft {
    fn schedule(&self) -> Result<Schedule> {
        let zone: chrono_tz::Tz =
            self.zone.trim().parse().map_err(|_| invalid("zone", format!("{:?} is not a time zone", self.zone)))?;
        let starts = chrono::NaiveDate::parse_from_str(self.starts.trim(), "%Y-%m-%d")
            .map_err(|_| invalid("starts", "give the first date as YYYY-MM-DD"))?;
        let at = chrono::NaiveTime::parse_from_str(self.at.trim(), "%H:%M")
            .map_err(|_| invalid("at", "give the time as HH:MM, 24-hour"))?;
        Ok(Schedule { cadence: self.cadence.clone().validated()?, starts, at, zone })
    }

    fn columns(&self) -> Result<Vec<(&'static str, Value)>> {
        self.schedule()?;
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
            ("starts", Value::Text(self.starts.trim().to_owned())),
            ("at_time", Value::Text(self.at.trim().to_owned())),
            ("minutes", Value::Integer(i64::from(self.minutes))),
        ])
    }
}

/// Starts a ritual (any member).
pub fn create(library: &mut Library, draft: RitualDraft) -> Result<Ritual> {
    Viewer::me(library)?.member_id.ok_or(Error::NoIdentity)?;
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
    let columns = draft.columns()?;
    library.write(|w| w.apply("rituals", id, &columns))?;
    get(library, id)
}

fn read_draft(conn: &Connection, id: &str) -> Result<(String, RitualDraft)> {
    conn.query_row(
        "SELECT author, name, why, origin, customs, place, zone, cadence, starts, at_time, minutes
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
                },
            ))
        },
    )
    .optional()?
    .ok_or_else(|| Error::NotFound { entity: "ritual", id: id.to_owned() })
}

/// Moves (`to` as local `YYYY-MM-DDTHH:MM`), cancels or restores one gathering.
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
    chrono::NaiveDate::parse_from_str(key, "%Y-%m-%d").map_err(|_| invalid("occurrence", "names no gathering"))?;
    let moved_to = match to.map(str::trim).filter(|t| !t.is_empty()) {
        Some(to) => chrono::NaiveDateTime::parse_from_str(to, "%Y-%m-%dT%H:%M")
            .map_err(|_| invalid("to", "give the new date and time as YYYY-MM-DDTHH:MM"))?
            .format("%Y-%m-%dT%H:%M")
            .to_string(),
        None => String::new(),
    };
    let row = ids::derived(&["ritual_occurrences", id, key]);
    library.write(|w| {
        w.apply(
            "ritual_occurrences",
            &row,
            &[
                ("ritual_id", Value::Text(id.to_owned())),
                ("occurrence_key", Value::Text(key.to_owned())),
                ("moved_to", Value::Text(moved_to)),
                ("cancelled", Value::Integer(cancelled.into())),
            ],
        )
    })?;
    get(library, id)
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
    let row = ids::derived(&["rsvps", id, &me, key, scope]);
    let note = validate_text("note", note.trim(), 500)?;
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
struct Stored {
    member: String,
    key: String,
    following: bool,
    answer: Answer,
    guests: u32,
    /// Its clock: the more recent of two answers that apply wins.
    at: (i64, String),
}

/// Each member's answer for the gathering `key`: their answer for it alone or their latest
/// "this and all following" from it or before, whichever was given last.
fn answers_for<'a>(all: &'a [Stored], key: &str) -> std::collections::HashMap<&'a str, &'a Stored> {
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
fn load_answers(conn: &Connection, id: &str) -> Result<Vec<Stored>> {
    Ok(conn
        .prepare(
            "SELECT member_id, occurrence_key, scope, answer, guests, updated_at, id FROM rsvps
             WHERE ritual_id = ?1 AND deleted = 0 AND member_id IN (SELECT id FROM members WHERE deleted = 0)",
        )?
        .query_map([id], |row| {
            Ok((
                row.get::<_, String>(0)?,
                row.get::<_, String>(1)?,
                row.get::<_, String>(2)?,
                row.get::<_, String>(3)?,
                row.get::<_, i64>(4)?,
                row.get::<_, i64>(5)?,
                row.get::<_, String>(6)?,
            ))
        })?
        .filter_map(|row| row.ok())
        .filter_map(|(member, key, scope, answer, guests, at, row)| {
            Some(Stored {
                member,
                key,
                following: scope == "following",
                answer: Answer::parse(&answer)?,
                guests: guests.clamp(0, 20) as u32,
                at: (at, row),
            })
        })
        .collect())
}

/// A ritual with its next [`AHEAD`] gatherings as the member at this laptop sees them.
pub fn get(library: &Library, id: &str) -> Result<Ritual> {
    let viewer = Viewer::me(library)?;
    let conn = library.conn();
    let (author, draft) = read_draft(conn, id)?;
    let decided: Vec<(String, String, i64, String)> = conn
        .prepare(
            "SELECT occurrence_key, moved_to, cancelled, host_id FROM ritual_occurrences WHERE ritual_id = ?1 AND deleted = 0",
        )?
        .query_map([id], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let hosted: std::collections::HashMap<String, String> =
        decided.iter().filter(|d| !d.3.is_empty()).map(|d| (d.0.clone(), d.3.clone())).collect();
    let exceptions: Vec<(String, Exception)> = decided
        .into_iter()
        .filter_map(|(key, moved, cancelled, _)| match (cancelled, moved.as_str()) {
            (1, _) => Some((key, Exception::Cancelled)),
            (_, "") => None,
            (_, moved) => chrono::NaiveDateTime::parse_from_str(moved, "%Y-%m-%dT%H:%M")
                .ok()
                .map(|to| (key, Exception::Moved(to))),
        })
        .collect();
    // Started today or earlier: today's gathering still shows until it is over.
    let since = Millis(library.now().0 - i64::from(draft.minutes) * 60_000);
    let occurrences = match draft.schedule() {
        Ok(schedule) => schedule.project(since, AHEAD, &exceptions),
        Err(_) => Vec::new(),
    };
    let stored = load_answers(conn, id)?;
    let me = viewer.member_id.clone().unwrap_or_default();
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
                host: hosted.get(&occurrence.key).and_then(|member| person(conn, member).ok()),
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
        .and_then(|g| suggest_host(&hosts, &hosted, &g.occurrence.key));
    let can_edit = viewer.is_lead || (!me.is_empty() && author == me);
    let past = match draft.schedule() {
        Ok(schedule) => past_gatherings(conn, id, &schedule, &exceptions, library.now(), &me, can_edit)?,
        Err(_) => Vec::new(),
    };
    Ok(Ritual {
        id: id.to_owned(),
        past,
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
    let mut rituals = ids.iter().map(|id| get(library, id)).collect::<Result<Vec<_>>>()?;
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

/// One table of a gathering, with its people's names.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct TableOfPeople {
    pub people: Vec<crate::people::members::Person>,
    pub reasons: Vec<String>,
}

/// The tables of a gathering as mixed, with the pairs who meet someone new.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct TablePlan {
    pub tables: Vec<TableOfPeople>,
    pub new_pairs: u32,
    pub pairs: u32,
}

/// Mixes the tables of a gathering (its starter or a lead) from the members going, at tables
/// of `size` (2 to 20): see `convene::tables`. Who has met whom is what "people to get to know"
/// reads (story responses and reactions, celebration messages, either way). `seed` gives
/// another good seating ("Mix again").
pub fn mix_tables(library: &Library, id: &str, key: &str, size: u32, seed: u64) -> Result<TablePlan> {
    use crate::convene::tables::{mix, Guest, Met};
    let ritual = get(library, id)?;
    if !ritual.can_edit {
        return Err(Error::Forbidden {
            action: "mix the tables",
            reason: "who started the ritual and the leads may".into(),
        });
    }
    if !(2..=20).contains(&size) {
        return Err(invalid("size", "tables seat 2 to 20"));
    }
    let conn = library.conn();
    let answers = load_answers(conn, id)?;
    let going: std::collections::HashSet<&str> = answers_for(&answers, key)
        .into_iter()
        .filter(|(_, a)| a.answer == Answer::Going)
        .map(|(member, _)| member)
        .collect();
    let viewer = Viewer::me(library)?;
    let today = library.today();
    let guests: Vec<Guest> = crate::people::members::list(conn, &viewer)?
        .into_iter()
        .filter(|m| going.contains(m.id.as_str()))
        .map(|m| Guest {
            years: chrono::NaiveDate::parse_from_str(&m.joined_on, "%Y-%m-%d")
                .map(|joined| (today - joined).num_days().max(0) as u32 / 365)
                .unwrap_or(0),
            newcomer: m.role == crate::people::members::Role::Newcomer,
            profession: m.profession.clone().unwrap_or_default(),
            name: m.display_name.clone(),
            id: m.id,
        })
        .collect();
    let mut met = Met::default();
    for guest in &guests {
        for other in crate::people::meet::interacted_with(conn, &guest.id)? {
            met.insert(&guest.id, &other);
        }
    }
    let seating = mix(&guests, size as usize, &met, seed);
    let name = |member: &str| guests.iter().find(|g| g.id == member).map(|g| g.name.clone()).unwrap_or_default();
    Ok(TablePlan {
        tables: seating
            .tables
            .into_iter()
            .map(|table| TableOfPeople {
                people: table
                    .guests
                    .iter()
                    .map(|member| crate::people::members::Person { id: member.clone(), display_name: name(member) })
                    .collect(),
                reasons: table.reasons,
            })
            .collect(),
        new_pairs: seating.new_pairs,
        pairs: seating.pairs,
    })
}

/// The willing member who hosted least in the 12 months before `key` (ties: longest since
/// hosting, never first; then by name), and the next as a backup.
fn suggest_host(
    willing: &[Person],
    hosted: &std::collections::HashMap<String, String>,
    key: &str,
) -> Option<HostSuggestion> {
    let year_before = chrono::NaiveDate::parse_from_str(key, "%Y-%m-%d").ok()? - chrono::Duration::days(365);
    let year_before = year_before.format("%Y-%m-%d").to_string();
    let mut ranked: Vec<(usize, String, &Person)> = willing
        .iter()
        .map(|p| {
            let mine: Vec<&String> =
                hosted.iter().filter(|(k, m)| **m == p.id && k.as_str() < key).map(|(k, _)| k).collect();
            let recent = mine.iter().filter(|k| k.as_str() >= year_before.as_str()).count();
            let last = mine.iter().max().map(|k| k.to_string()).unwrap_or_default();
            (recent, last, p)
        })
        .collect();
    ranked.sort_by(|a, b| (a.0, &a.1, &a.2.display_name).cmp(&(b.0, &b.1, &b.2.display_name)));
    let (recent, last, host) = ranked.first()?.clone();
    let reason = match (recent, last.as_str()) {
        (_, "") => "has not hosted yet".to_owned(),
        (0, last) => format!("last hosted on {last}, more than a year ago"),
        (1, last) => format!("hosted once in the last 12 months, last on {last}"),
        (n, last) => format!("hosted {n} times in the last 12 months, last on {last}"),
    };
    Some(HostSuggestion { key: key.to_owned(), host: host.clone(), backup: ranked.get(1).map(|r| r.2.clone()), reason })
}

/// Offers (or stops offering) to host a ritual's gatherings.
pub fn offer_to_host(library: &mut Library, id: &str, willing: bool) -> Result<Ritual> {
    let me = Viewer::me(library)?.member_id.ok_or(Error::NoIdentity)?;
    get(library, id)?;
    let row = ids::derived(&["ritual_hosts", id, &me]);
    library.write(|w| {
        w.apply(
            "ritual_hosts",
            &row,
            &[
                ("ritual_id", Value::Text(id.to_owned())),
                ("member_id", Value::Text(me.clone())),
                ("willing", Value::Integer(willing.into())),
            ],
        )
    })?;
    get(library, id)
}

/// Names the host of a gathering (its starter or a lead; a member willing to host), or, with
/// None, leaves it without one; the host may step out of it themselves.
pub fn set_host(library: &mut Library, id: &str, key: &str, host: Option<&str>) -> Result<Ritual> {
    let me = Viewer::me(library)?.member_id.ok_or(Error::NoIdentity)?;
    let ritual = get(library, id)?;
    let current = ritual
        .upcoming
        .iter()
        .find(|g| g.occurrence.key == key)
        .ok_or_else(|| invalid("occurrence", "that gathering is not among the next ones"))?;
    let stepping_out = host.is_none() && current.host.as_ref().is_some_and(|h| h.id == me);
    if !(ritual.can_edit || stepping_out) {
        return Err(Error::Forbidden {
            action: "name a host",
            reason: "who started the ritual and the leads may; a host may step out".into(),
        });
    }
    if let Some(host) = host {
        if !ritual.hosts.iter().any(|p| p.id == host) {
            return Err(invalid("host", "only members who offered to host can be named"));
        }
    }
    let row = ids::derived(&["ritual_occurrences", id, key]);
    let mut columns = vec![("host_id", Value::Text(host.unwrap_or_default().to_owned()))];
    if !stepping_out {
        columns.push(("ritual_id", Value::Text(id.to_owned())));
        columns.push(("occurrence_key", Value::Text(key.to_owned())));
    }
    library.write(|w| w.apply("ritual_occurrences", &row, &columns))?;
    get(library, id)
}

/// How many past gatherings a ritual's page shows.
pub const PAST: usize = 6;

fn past_gatherings(
    conn: &Connection,
    id: &str,
    schedule: &Schedule,
    exceptions: &[(String, Exception)],
    now: Millis,
    me: &str,
    can_edit: bool,
) -> Result<Vec<PastGathering>> {
    // The last few, and any earlier one with its moment or attendance recorded.
    let recorded: std::collections::HashSet<String> = conn
        .prepare_cached(
            "SELECT occurrence_key FROM ritual_occurrences WHERE ritual_id = ?1 AND moment_id != '' AND deleted = 0
             UNION SELECT occurrence_key FROM attendance WHERE ritual_id = ?1 AND deleted = 0",
        )?
        .query_map([id], |row| row.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let mut occurrences = held_before(schedule, exceptions, now);
    occurrences.reverse();
    let occurrences: Vec<Occurrence> = occurrences
        .into_iter()
        .enumerate()
        .filter(|(index, o)| *index < PAST || recorded.contains(&o.key))
        .map(|(_, o)| o)
        .take(2 * PAST)
        .collect();
    let mut out = Vec::new();
    for occurrence in occurrences {
        let moment: Option<String> = conn
            .prepare_cached(
                "SELECT moment_id FROM ritual_occurrences WHERE ritual_id = ?1 AND occurrence_key = ?2 AND deleted = 0
                 AND moment_id != '' AND moment_id IN (SELECT id FROM moments WHERE deleted = 0)",
            )?
            .query_row(params![id, occurrence.key], |row| row.get(0))
            .optional()?;
        let recorded: Vec<(String, bool)> = conn
            .prepare_cached(
                "SELECT a.member_id, a.went FROM attendance a JOIN members m ON m.id = a.member_id
                 WHERE a.ritual_id = ?1 AND a.occurrence_key = ?2 AND a.deleted = 0 AND m.deleted = 0
                 ORDER BY m.display_name",
            )?
            .query_map(params![id, occurrence.key], |row| Ok((row.get(0)?, row.get::<_, i64>(1)? == 1)))?
            .collect::<rusqlite::Result<_>>()?;
        let went =
            recorded.iter().filter(|(_, went)| *went).map(|(m, _)| person(conn, m)).collect::<Result<Vec<_>>>()?;
        let i_went = recorded.iter().find(|(m, _)| m == me).map(|(_, went)| *went);
        let proposed = match (&moment, can_edit) {
            (Some(moment), true) => proposed_from(conn, moment)?
                .into_iter()
                .filter(|member| !recorded.iter().any(|(m, _)| m == member))
                .map(|member| person(conn, &member))
                .collect::<Result<Vec<_>>>()?,
            _ => Vec::new(),
        };
        out.push(PastGathering { occurrence, moment_id: moment, went, i_went, proposed });
    }
    Ok(out)
}

/// The gatherings held before `now` in the last three years, oldest first (cancelled ones were
/// not held).
fn held_before(schedule: &Schedule, exceptions: &[(String, Exception)], now: Millis) -> Vec<Occurrence> {
    let three_years = Millis(now.0 - 3 * 366 * 86_400_000);
    schedule.project(three_years, 200, exceptions).into_iter().filter(|o| o.starts_at < now && !o.cancelled).collect()
}

/// The gathering `key` if it was held (for recording its moment and who came).
fn held(library: &Library, draft: &RitualDraft, id: &str, key: &str) -> Result<Occurrence> {
    let exceptions = read_exceptions(library.conn(), id)?;
    held_before(&draft.schedule()?, &exceptions, library.now())
        .into_iter()
        .find(|o| o.key == key)
        .ok_or_else(|| invalid("occurrence", "that gathering has not taken place"))
}

fn read_exceptions(conn: &Connection, id: &str) -> Result<Vec<(String, Exception)>> {
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
            (_, moved) => chrono::NaiveDateTime::parse_from_str(moved, "%Y-%m-%dT%H:%M")
                .ok()
                .map(|to| (key, Exception::Moved(to))),
        })
        .collect())
}

/// Who a moment says was there: its who-was-there list and the members tagged, with their
/// consent, in its photos that are not hidden; never anyone who asked not to be tagged, nor a
/// tag still waiting for its member's yes.
fn proposed_from(conn: &Connection, moment: &str) -> Result<Vec<String>> {
    let attendees: String = conn
        .query_row("SELECT attendees FROM moments WHERE id = ?1", [moment], |row| row.get(0))
        .optional()?
        .unwrap_or_default();
    let mut members: Vec<String> = serde_json::from_str(&attendees).unwrap_or_default();
    let tagged: Vec<String> = conn
        .prepare_cached(
            "SELECT DISTINCT t.member_id FROM media_tags t JOIN media m ON m.id = t.media_id
             JOIN members p ON p.id = t.member_id
             WHERE m.moment_id = ?1 AND m.deleted = 0 AND m.hidden = 0 AND t.deleted = 0 AND t.status = 'tagged'
               AND p.deleted = 0 AND p.photo_consent != 'never'",
        )?
        .query_map([moment], |row| row.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    members.extend(tagged);
    members.sort();
    members.dedup();
    Ok(members)
}

/// Makes a past gathering's moment (its starter or a lead), titled after the ritual and the
/// day, or links it to `moment` when one exists already.
pub fn gathering_moment(library: &mut Library, id: &str, key: &str, moment: Option<&str>) -> Result<Ritual> {
    let ritual = get(library, id)?;
    if !ritual.can_edit {
        return Err(Error::Forbidden {
            action: "make a gathering's moment",
            reason: "who started the ritual and the leads may".into(),
        });
    }
    let past = held(library, &ritual.draft, id, key)?;
    let moment = match moment {
        Some(moment) => crate::memories::moments::get(library.conn(), moment)?.id,
        None => {
            let title = format!("{}, {}", ritual.draft.name, key);
            let mut draft = crate::memories::moments::MomentDraft::titled(
                &title,
                crate::memories::moments::MomentKind::Other,
                &past.local,
            );
            draft.place = ritual.draft.place.clone();
            crate::memories::moments::create(library, draft)?.id
        }
    };
    let row = ids::derived(&["ritual_occurrences", id, key]);
    library.write(|w| {
        w.apply(
            "ritual_occurrences",
            &row,
            &[
                ("ritual_id", Value::Text(id.to_owned())),
                ("occurrence_key", Value::Text(key.to_owned())),
                ("moment_id", Value::Text(moment.clone())),
            ],
        )
    })?;
    get(library, id)
}

/// Records whether `member` went to a past gathering (`went` None: not recorded). A member
/// records their own; the ritual's starter and the leads anyone's.
pub fn record_attendance(
    library: &mut Library,
    id: &str,
    key: &str,
    member: &str,
    went: Option<bool>,
) -> Result<Ritual> {
    let me = Viewer::me(library)?.member_id.ok_or(Error::NoIdentity)?;
    let ritual = get(library, id)?;
    if member != me && !ritual.can_edit {
        return Err(Error::Forbidden {
            action: "record someone's attendance",
            reason: "who started the ritual and the leads may".into(),
        });
    }
    held(library, &ritual.draft, id, key)?;
    person(library.conn(), member)?;
    write_attendance(library, id, key, &[member.to_owned()], went, member == me)?;
    get(library, id)
}

/// Confirms in one click whom the gathering's moment proposes (its starter or a lead).
pub fn confirm_proposed(library: &mut Library, id: &str, key: &str) -> Result<Ritual> {
    let ritual = get(library, id)?;
    let past = ritual
        .past
        .iter()
        .find(|p| p.occurrence.key == key)
        .ok_or_else(|| invalid("occurrence", "that gathering has not taken place"))?;
    if !ritual.can_edit {
        return Err(Error::Forbidden {
            action: "confirm attendance",
            reason: "who started the ritual and the leads may".into(),
        });
    }
    let members: Vec<String> = past.proposed.iter().map(|p| p.id.clone()).collect();
    write_attendance(library, id, key, &members, Some(true), false)?;
    get(library, id)
}

fn write_attendance(
    library: &mut Library,
    id: &str,
    key: &str,
    members: &[String],
    went: Option<bool>,
    own: bool,
) -> Result<()> {
    library.write(|w| {
        for member in members {
            let row = ids::derived(&["attendance", id, key, member]);
            w.apply(
                "attendance",
                &row,
                &[
                    ("ritual_id", Value::Text(id.to_owned())),
                    ("occurrence_key", Value::Text(key.to_owned())),
                    ("member_id", Value::Text(member.clone())),
                    ("went", Value::Integer(went.unwrap_or(false).into())),
                    ("source", Value::Text(if own { "self" } else { "lead" }.to_owned())),
                    ("deleted", Value::Integer(went.is_none().into())),
                ],
            )?;
        }
        Ok(())
    })
}
