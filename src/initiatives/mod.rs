//! Initiatives: what members propose, support, drive and close, with every move of the
//! lifecycle recorded (who, when, from, to). Counts (supporters, helpers) are derived from
//! rows, never stored; one support, role or follow per member through derived ids.

pub mod decisions;

use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};

use crate::clock::Millis;
use crate::community;
use crate::error::{Error, Result};
use crate::people::members::{self, person, Person};
use crate::store::library::Library;
use crate::text::validate_text;
use crate::viewer::Viewer;
use crate::{ids, text::markdown};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type, clap::ValueEnum)]
#[serde(rename_all = "camelCase")]
pub enum Status {
    Idea,
    Gathering,
    Active,
    Done,
    Paused,
    Dropped,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Idea => "idea",
            Status::Gathering => "gathering",
            Status::Active => "active",
            Status::Done => "done",
            Status::Paused => "paused",
            Status::Dropped => "dropped",
        }
    }

    fn parse(text: &str) -> Status {
        match text {
            "gathering" => Status::Gathering,
            "active" => Status::Active,
            "done" => Status::Done,
            "paused" => Status::Paused,
            "dropped" => Status::Dropped,
            _ => Status::Idea,
        }
    }

    /// Where a card may move from here. `done` is reached only by closing with an outcome.
    pub fn next(self) -> &'static [Status] {
        match self {
            Status::Idea => &[Status::Gathering, Status::Paused, Status::Dropped],
            Status::Gathering => &[Status::Idea, Status::Active, Status::Paused, Status::Dropped],
            Status::Active => &[Status::Gathering, Status::Paused, Status::Dropped],
            Status::Paused => &[Status::Idea, Status::Gathering, Status::Active, Status::Dropped],
            Status::Dropped => &[Status::Idea],
            Status::Done => &[],
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type, clap::ValueEnum)]
#[serde(rename_all = "camelCase")]
pub enum Involvement {
    Colead,
    Helper,
    Follower,
}

impl Involvement {
    fn as_str(self) -> &'static str {
        match self {
            Involvement::Colead => "colead",
            Involvement::Helper => "helper",
            Involvement::Follower => "follower",
        }
    }
}

#[derive(Debug, Clone, Default, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase", default)]
pub struct InitiativeDraft {
    pub title: String,
    /// The difference it should make: why it matters to me.
    pub difference: String,
    pub involves: String,
    pub help_wanted: Vec<String>,
    pub interests: Vec<String>,
    /// Ids of the community dimensions it turns up.
    pub dimensions: Vec<String>,
    /// `YYYY-MM-DD`, or empty.
    pub target_date: String,
    /// A cover photo already stored in the library (its hash), or empty.
    pub cover: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct Move {
    pub by: Person,
    pub at: Millis,
    pub from: Status,
    pub to: Status,
}

#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct Supporter {
    pub person: Person,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct Update {
    pub id: String,
    pub author: Person,
    pub progress: bool,
    pub body_html: String,
    pub photos: Vec<String>,
    pub at: Millis,
}

#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct Initiative {
    pub id: String,
    pub proposer: Person,
    pub title: String,
    pub difference: String,
    pub involves: String,
    pub help_wanted: Vec<String>,
    pub interests: Vec<String>,
    pub dimensions: Vec<String>,
    pub target_date: String,
    /// Hash of the cover photo, or empty.
    pub cover: String,
    pub status: Status,
    pub outcome: String,
    pub reflection: String,
    pub created_at: Millis,
    pub supporters: Vec<Supporter>,
    pub coleads: Vec<Person>,
    pub helpers: Vec<Person>,
    pub followers: u32,
    /// What the viewer may do, so the window offers only those.
    pub can_move: bool,
    /// Where the reader may move it now (empty when they may not move it): its lifecycle's
    /// next steps ([`Status::next`]); closing as done is its own action.
    pub next: Vec<Status>,
    pub i_support: bool,
    pub moves: Vec<Move>,
    pub updates: Vec<Update>,
}

const COLUMNS: &str = "id, author, title, difference, involves, help_wanted, interests, dimensions, target_date, \
     status, outcome, reflection, created_at, cover";

fn list_of(row: &Row, index: usize) -> rusqlite::Result<Vec<String>> {
    Ok(serde_json::from_str(&row.get::<_, String>(index)?).unwrap_or_default())
}

fn load(row: &Row) -> rusqlite::Result<(String, Initiative)> {
    let id: String = row.get(0)?;
    let proposer: String = row.get(1)?;
    let initiative = Initiative {
        id: id.clone(),
        proposer: Person { id: proposer.clone(), display_name: String::new() },
        title: row.get(2)?,
        difference: row.get(3)?,
        involves: row.get(4)?,
        help_wanted: list_of(row, 5)?,
        interests: list_of(row, 6)?,
        dimensions: list_of(row, 7)?,
        target_date: row.get(8)?,
        status: Status::parse(&row.get::<_, String>(9)?),
        outcome: row.get(10)?,
        reflection: row.get(11)?,
        created_at: Millis(row.get(12)?),
        cover: row.get(13)?,
        supporters: Vec::new(),
        coleads: Vec::new(),
        helpers: Vec::new(),
        followers: 0,
        can_move: false,
        next: Vec::new(),
        i_support: false,
        moves: Vec::new(),
        updates: Vec::new(),
    };
    Ok((proposer, initiative))
}

/// Fills in people, moves and updates, and what the viewer may do.
fn complete(conn: &Connection, viewer: &Viewer, proposer: &str, mut i: Initiative) -> Result<Initiative> {
    i.proposer = person(conn, proposer)?;
    let mut stmt = conn.prepare_cached(
        "SELECT author, kind, reason FROM initiative_people WHERE initiative_id = ?1 AND deleted = 0 ORDER BY created_at, id",
    )?;
    let rows =
        stmt.query_map([&i.id], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?)))?;
    for row in rows {
        let (who, kind, reason) = row?;
        match kind.as_str() {
            "support" => {
                i.i_support |= viewer.is(&who);
                i.supporters.push(Supporter { person: person(conn, &who)?, reason });
            }
            "colead" => i.coleads.push(person(conn, &who)?),
            "helper" => i.helpers.push(person(conn, &who)?),
            "follower" => i.followers += 1,
            _ => {}
        }
    }
    let mut stmt = conn.prepare_cached(
        "SELECT author, created_at, from_status, to_status FROM initiative_moves WHERE initiative_id = ?1 ORDER BY created_at, id",
    )?;
    let rows = stmt.query_map([&i.id], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?, r.get::<_, String>(2)?, r.get::<_, String>(3)?))
    })?;
    for row in rows {
        let (who, at, from, to) = row?;
        i.moves.push(Move {
            by: person(conn, &who)?,
            at: Millis(at),
            from: Status::parse(&from),
            to: Status::parse(&to),
        });
    }
    let mut stmt = conn.prepare_cached(
        "SELECT id, author, kind, body, photos, created_at FROM initiative_updates
         WHERE initiative_id = ?1 AND deleted = 0 ORDER BY created_at, id",
    )?;
    let rows = stmt.query_map([&i.id], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, String>(3)?,
            r.get::<_, String>(4)?,
            r.get::<_, i64>(5)?,
        ))
    })?;
    for row in rows {
        let (id, who, kind, body, photos, at) = row?;
        i.updates.push(Update {
            id,
            author: person(conn, &who)?,
            progress: kind == "progress",
            body_html: markdown::render(&body),
            photos: serde_json::from_str(&photos).unwrap_or_default(),
            at: Millis(at),
        });
    }
    i.can_move = may_move(viewer, proposer, &i.coleads);
    i.next = if i.can_move { i.status.next().to_vec() } else { Vec::new() };
    Ok(i)
}

/// Its proposer and co-leads may move a card; the community's leads may move any.
fn may_move(viewer: &Viewer, proposer: &str, coleads: &[Person]) -> bool {
    viewer.is_lead || viewer.is(proposer) || coleads.iter().any(|c| viewer.is(&c.id))
}

pub fn get(conn: &Connection, viewer: &Viewer, id: &str) -> Result<Initiative> {
    let found = conn
        .prepare_cached(&format!("SELECT {COLUMNS} FROM initiatives WHERE id = ?1 AND deleted = 0"))?
        .query_row([id], load)
        .optional()?;
    let (proposer, initiative) = found.ok_or_else(|| Error::not_found("initiative", id))?;
    complete(conn, viewer, &proposer, initiative)
}

/// Every initiative, newest first.
pub fn list(conn: &Connection, viewer: &Viewer) -> Result<Vec<Initiative>> {
    let mut stmt = conn
        .prepare_cached(&format!("SELECT {COLUMNS} FROM initiatives WHERE deleted = 0 ORDER BY created_at DESC, id"))?;
    let rows: Vec<(String, Initiative)> = stmt.query_map([], load)?.collect::<rusqlite::Result<_>>()?;
    rows.into_iter().map(|(proposer, i)| complete(conn, viewer, &proposer, i)).collect()
}

fn draft_columns(library: &Library, draft: &InitiativeDraft) -> Result<Vec<(&'static str, Value)>> {
    let conn = library.conn();
    let cover = match draft.cover.trim() {
        "" => String::new(),
        hash => crate::ingest::images::validate_photos(library.root(), &[hash.to_owned()])?.remove(0),
    };
    let title = validate_text("title", &draft.title, 140)?;
    if title.is_empty() {
        return Err(Error::invalid("title", "an initiative needs a title"));
    }
    let difference = validate_text("difference", &draft.difference, 4_000)?;
    if difference.is_empty() {
        return Err(Error::invalid("difference", "say what difference it should make, and why it matters to you"));
    }
    let involves = validate_text("involves", &draft.involves, 4_000)?;
    let tags = |field: &'static str, items: &[String]| -> Result<Value> {
        let mut out: Vec<String> = Vec::new();
        for item in items {
            let item = validate_text(field, item, 60)?;
            if !item.is_empty() && !out.iter().any(|o| o.eq_ignore_ascii_case(&item)) {
                out.push(item);
            }
        }
        if out.len() > 20 {
            return Err(Error::invalid(field, "at most 20 fit"));
        }
        Ok(Value::Text(serde_json::to_string(&out).expect("strings serialize")))
    };
    let known: Vec<String> = community::dimensions(conn)?.into_iter().map(|d| d.id).collect();
    if let Some(unknown) = draft.dimensions.iter().find(|d| !known.contains(d)) {
        return Err(Error::not_found("dimension", unknown.clone()));
    }
    let target_date = match draft.target_date.trim() {
        "" => String::new(),
        text => crate::clock::read_day(text)
            .ok_or_else(|| {
                Error::invalid("targetDate", format!("{text:?} is not a date like 2026-06-30, between 1900 and 2200"))
            })?
            .to_string(),
    };
    Ok(vec![
        ("title", Value::Text(title)),
        ("difference", Value::Text(difference)),
        ("involves", Value::Text(involves)),
        ("help_wanted", tags("helpWanted", &draft.help_wanted)?),
        ("interests", tags("interests", &draft.interests)?),
        ("dimensions", Value::Text(serde_json::to_string(&draft.dimensions).expect("ids serialize"))),
        ("target_date", Value::Text(target_date)),
        ("cover", Value::Text(cover)),
    ])
}

/// Proposes an initiative as the member at this device. It starts as an idea.
pub fn propose(library: &mut Library, draft: InitiativeDraft) -> Result<Initiative> {
    let viewer = Viewer::me(library)?;
    viewer.member_id.as_ref().ok_or(Error::NoIdentity)?;
    let mut columns = draft_columns(library, &draft)?;
    columns.push(("status", Value::Text(Status::Idea.as_str().into())));
    let id = library.write(|w| {
        let id = w.new_id();
        w.apply("initiatives", &id, &columns)?;
        Ok(id)
    })?;
    get(library.conn(), &viewer, &id)
}

/// Moves a card to `to`, recording who moved it, when, from where.
pub fn move_to(library: &mut Library, id: &str, to: Status) -> Result<Initiative> {
    let viewer = Viewer::me(library)?;
    viewer.member_id.as_ref().ok_or(Error::NoIdentity)?;
    let current = get(library.conn(), &viewer, id)?;
    if !current.can_move {
        return Err(Error::Forbidden {
            action: "move this initiative",
            reason: "its proposer, its co-leads and the community's leads may".into(),
        });
    }
    if to == Status::Done {
        return Err(Error::invalid("status", "close it with an outcome and a reflection to mark it done"));
    }
    if !current.status.next().contains(&to) {
        return Err(Error::invalid(
            "status",
            format!("an initiative cannot go from {} to {}", current.status.as_str(), to.as_str()),
        ));
    }
    record_move(library, id, current.status, to, &[])?;
    get(library.conn(), &viewer, id)
}

fn record_move(
    library: &mut Library,
    id: &str,
    from: Status,
    to: Status,
    extra: &[(&'static str, Value)],
) -> Result<()> {
    let mut columns = vec![("status", Value::Text(to.as_str().into()))];
    columns.extend(extra.iter().cloned());
    library.write(|w| {
        w.apply("initiatives", id, &columns)?;
        w.apply(
            "initiative_moves",
            &w.new_id(),
            &[
                ("initiative_id", Value::Text(id.to_owned())),
                ("from_status", Value::Text(from.as_str().into())),
                ("to_status", Value::Text(to.as_str().into())),
            ],
        )
    })
}

/// Closes an active (or paused) initiative as done, with its outcome and what was learned;
/// it then belongs to the community's history.
pub fn close(library: &mut Library, id: &str, outcome: &str, reflection: &str) -> Result<Initiative> {
    let viewer = Viewer::me(library)?;
    let current = get(library.conn(), &viewer, id)?;
    if !current.can_move {
        return Err(Error::Forbidden {
            action: "close this initiative",
            reason: "its proposer, its co-leads and the community's leads may".into(),
        });
    }
    if !matches!(current.status, Status::Active | Status::Paused) {
        return Err(Error::invalid(
            "status",
            format!("only an active initiative can be closed; this one is {}", current.status.as_str()),
        ));
    }
    let outcome = validate_text("outcome", outcome, 4_000)?;
    let reflection = validate_text("reflection", reflection, 4_000)?;
    if outcome.is_empty() {
        return Err(Error::invalid("outcome", "say what came of it"));
    }
    if reflection.is_empty() {
        return Err(Error::invalid("reflection", "say what you learned; it becomes part of the community's history"));
    }
    record_move(
        library,
        id,
        current.status,
        Status::Done,
        &[("outcome", Value::Text(outcome)), ("reflection", Value::Text(reflection))],
    )?;
    get(library.conn(), &viewer, id)
}

fn person_row(library: &mut Library, id: &str, kind: &str, reason: &str, deleted: bool) -> Result<()> {
    let me = library.me()?.ok_or(Error::NoIdentity)?;
    let row = ids::derived(&["initiative_people", id, &me, kind]);
    library.write(|w| {
        w.apply(
            "initiative_people",
            &row,
            &[
                ("initiative_id", Value::Text(id.to_owned())),
                ("kind", Value::Text(kind.to_owned())),
                ("reason", Value::Text(reason.to_owned())),
                ("deleted", Value::Integer(deleted.into())),
            ],
        )
    })
}

/// Supports an initiative, once per member, with an optional "why I care".
pub fn support(library: &mut Library, id: &str, why: &str) -> Result<Initiative> {
    let viewer = Viewer::me(library)?;
    let current = get(library.conn(), &viewer, id)?;
    if current.i_support {
        return Err(Error::invalid("support", "you already support this initiative"));
    }
    if matches!(current.status, Status::Done | Status::Dropped) {
        return Err(Error::invalid("support", format!("this initiative is {}", current.status.as_str())));
    }
    let why = validate_text("reason", why, 1_000)?;
    person_row(library, id, "support", &why, false)?;
    get(library.conn(), &viewer, id)
}

pub fn withdraw_support(library: &mut Library, id: &str) -> Result<Initiative> {
    let viewer = Viewer::me(library)?;
    if !get(library.conn(), &viewer, id)?.i_support {
        return Err(Error::invalid("support", "you do not support this initiative"));
    }
    person_row(library, id, "support", "", true)?;
    get(library.conn(), &viewer, id)
}

/// Joins as co-lead or helper, or follows; `leave` takes it back.
pub fn involve(library: &mut Library, id: &str, how: Involvement, leave: bool) -> Result<Initiative> {
    let viewer = Viewer::me(library)?;
    get(library.conn(), &viewer, id)?;
    person_row(library, id, how.as_str(), "", leave)?;
    get(library.conn(), &viewer, id)
}

/// A comment or a progress update (with photos from the library).
pub fn post_update(
    library: &mut Library,
    id: &str,
    progress: bool,
    body: &str,
    photos: &[String],
) -> Result<Initiative> {
    let viewer = Viewer::me(library)?;
    viewer.member_id.as_ref().ok_or(Error::NoIdentity)?;
    get(library.conn(), &viewer, id)?;
    let body = validate_text("body", body, 8_000)?;
    let photos = crate::ingest::images::validate_photos(library.root(), photos)?;
    if body.is_empty() {
        return Err(Error::invalid("body", "an update needs words"));
    }
    library.write(|w| {
        w.apply(
            "initiative_updates",
            &w.new_id(),
            &[
                ("initiative_id", Value::Text(id.to_owned())),
                ("kind", Value::Text(if progress { "progress" } else { "comment" }.into())),
                ("body", Value::Text(body)),
                ("photos", Value::Text(serde_json::to_string(&photos).expect("hashes serialize"))),
            ],
        )
    })?;
    get(library.conn(), &viewer, id)
}

#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct Match {
    pub initiative: Initiative,
    pub reasons: Vec<String>,
}

/// Open initiatives that match the viewer's interests and expertise, help wanted first.
pub fn for_you(conn: &Connection, viewer: &Viewer) -> Result<Vec<Match>> {
    let Some(me) = viewer.member_id.as_deref() else { return Ok(Vec::new()) };
    let mine = members::get(conn, viewer, me)?;
    let lower =
        |v: &Option<Vec<String>>| v.clone().unwrap_or_default().iter().map(|s| s.to_lowercase()).collect::<Vec<_>>();
    let (interests, skills) = (lower(&mine.interests), lower(&mine.expertise));
    let mut out: Vec<(i32, Match)> = Vec::new();
    for initiative in list(conn, viewer)? {
        if matches!(initiative.status, Status::Done | Status::Dropped) || initiative.proposer.id == me {
            continue;
        }
        let mut reasons = Vec::new();
        let mut score = 0;
        let wanted: Vec<&String> =
            initiative.help_wanted.iter().filter(|h| skills.contains(&h.to_lowercase())).collect();
        if !wanted.is_empty() {
            score += 3;
            reasons.push(format!("Help wanted with {}: you have that expertise", join(&wanted)));
        }
        let shared: Vec<&String> =
            initiative.interests.iter().filter(|i| interests.contains(&i.to_lowercase())).collect();
        if !shared.is_empty() {
            score += 2;
            reasons.push(format!("About {}, which you care about", join(&shared)));
        }
        if score > 0 {
            out.push((-score, Match { initiative, reasons }));
        }
    }
    out.sort_by_key(|(score, m)| (*score, std::cmp::Reverse(m.initiative.created_at)));
    Ok(out.into_iter().map(|(_, m)| m).collect())
}

#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct Collaborator {
    pub person: Person,
    pub reasons: Vec<String>,
}

/// People a proposer could ask to help: those with the expertise wanted, favouring people the
/// proposer has not yet worked with on any initiative.
pub fn suggest_collaborators(conn: &Connection, viewer: &Viewer, id: &str) -> Result<Vec<Collaborator>> {
    let initiative = get(conn, viewer, id)?;
    let proposer = initiative.proposer.id.clone();
    let mut worked_with: Vec<String> = Vec::new();
    for other in list(conn, viewer)? {
        let team: Vec<String> = std::iter::once(other.proposer.id.clone())
            .chain(other.coleads.iter().chain(other.helpers.iter()).map(|p| p.id.clone()))
            .collect();
        if team.contains(&proposer) {
            worked_with.extend(team);
        }
    }
    let wanted: Vec<String> = initiative.help_wanted.iter().map(|h| h.to_lowercase()).collect();
    let mut out: Vec<(i32, Collaborator)> = Vec::new();
    for m in members::list(conn, viewer)? {
        if m.id == proposer
            || m.role == members::Role::Alumni
            || initiative.helpers.iter().chain(&initiative.coleads).any(|p| p.id == m.id)
        {
            continue;
        }
        let skills: Vec<String> = m
            .expertise
            .clone()
            .unwrap_or_default()
            .into_iter()
            .filter(|e| wanted.contains(&e.to_lowercase()))
            .collect();
        if skills.is_empty() {
            continue;
        }
        let mut reasons = vec![format!("Knows about {}", skills.join(", "))];
        let mut score = 2;
        if !worked_with.contains(&m.id) {
            score += 3;
            reasons.push(format!("Has not worked with {} on an initiative yet", initiative.proposer.display_name));
        }
        out.push((-score, Collaborator { person: Person { id: m.id, display_name: m.display_name }, reasons }));
    }
    out.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.person.display_name.cmp(&b.1.person.display_name)));
    Ok(out.into_iter().map(|(_, c)| c).collect())
}

fn join(items: &[&String]) -> String {
    items.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ")
}
