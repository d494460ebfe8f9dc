//! Care notes: a struggle or a loss shared with a chosen audience (the leads, or named
//! members), and the support others offer. The member a note is about and its author always
//! see it; nobody else outside its audience does, by any read. Nothing outside this module
//! reads the care tables, so feeds, search, exports, notifications and statistics cannot
//! reach them.

use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};

use crate::clock::Millis;
use crate::error::{Error, Result};
use crate::people::members::{person, Person};
use crate::people::threads::{self, Message};
use crate::store::library::Library;
use crate::text::validate_text;
use crate::viewer::Viewer;
use crate::{people::members, text::markdown};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum CareAudience {
    /// The community's leads.
    Leads,
    /// Only the members named.
    Members,
}

#[derive(Debug, Clone, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct CareNoteDraft {
    /// Whom the note is about; the writer themselves when empty.
    #[serde(default)]
    pub member_id: Option<String>,
    /// How the member agreed, when a lead writes for them (e.g. "Asked her on the phone, 2 March").
    #[serde(default)]
    pub consent: String,
    pub audience_kind: CareAudience,
    #[serde(default)]
    pub audience: Vec<String>,
    pub title: String,
    pub body: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct CareNote {
    pub id: String,
    pub member: Person,
    pub author: Person,
    pub consent: String,
    pub audience_kind: CareAudience,
    /// Everyone who can see this note, by name, so the window can say it plainly.
    pub seen_by: Vec<Person>,
    pub title: String,
    pub body_html: String,
    pub closed: bool,
    pub created_at: Millis,
    pub messages: Vec<Message>,
}

struct Stored {
    id: String,
    author: String,
    member_id: String,
    consent: String,
    audience_kind: CareAudience,
    audience: Vec<String>,
    title: String,
    body: String,
    closed: bool,
    created_at: i64,
}

const COLUMNS: &str = "id, author, member_id, consent, audience_kind, audience, title, body, closed, created_at";

fn stored(row: &Row) -> rusqlite::Result<Stored> {
    Ok(Stored {
        id: row.get(0)?,
        author: row.get(1)?,
        member_id: row.get(2)?,
        consent: row.get(3)?,
        audience_kind: if row.get::<_, String>(4)? == "leads" { CareAudience::Leads } else { CareAudience::Members },
        audience: serde_json::from_str(&row.get::<_, String>(5)?).unwrap_or_default(),
        title: row.get(6)?,
        body: row.get(7)?,
        closed: row.get::<_, i64>(8)? != 0,
        created_at: row.get(9)?,
    })
}

impl Stored {
    fn visible_to(&self, viewer: &Viewer) -> bool {
        let Some(me) = viewer.member_id.as_deref() else { return false };
        me == self.member_id
            || me == self.author
            || match self.audience_kind {
                CareAudience::Leads => viewer.is_lead,
                CareAudience::Members => self.audience.iter().any(|a| a == me),
            }
    }
}

/// Care notes the viewer is in the audience of, newest first. Anonymous readers see none.
pub fn list_care_notes(conn: &Connection, viewer: &Viewer) -> Result<Vec<CareNote>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM care_notes WHERE deleted = 0 ORDER BY closed, created_at DESC, id DESC"
    ))?;
    let rows = stmt.query_map([], stored)?;
    let mut out = Vec::new();
    for note in rows {
        let note = note?;
        if note.visible_to(viewer) {
            out.push(assemble(conn, note)?);
        }
    }
    Ok(out)
}

/// One care note; outside its audience it is "not found", like one that does not exist.
pub fn get_care_note(conn: &Connection, viewer: &Viewer, id: &str) -> Result<CareNote> {
    let note = conn
        .prepare_cached(&format!("SELECT {COLUMNS} FROM care_notes WHERE id = ?1 AND deleted = 0"))?
        .query_row([id], stored)
        .optional()?;
    match note {
        Some(note) if note.visible_to(viewer) => assemble(conn, note),
        _ => Err(Error::not_found("care note", id)),
    }
}

fn assemble(conn: &Connection, note: Stored) -> Result<CareNote> {
    let mut seen_by: Vec<String> = vec![note.member_id.clone()];
    if !note.author.is_empty() && note.author != note.member_id {
        seen_by.push(note.author.clone());
    }
    let audience: Vec<String> = match note.audience_kind {
        CareAudience::Members => note.audience.clone(),
        CareAudience::Leads => {
            let mut stmt = conn
                .prepare_cached("SELECT id FROM members WHERE deleted = 0 AND role = 'lead' ORDER BY display_name")?;
            let leads = stmt.query_map([], |row| row.get(0))?.collect::<rusqlite::Result<_>>()?;
            leads
        }
    };
    for id in audience {
        if !seen_by.contains(&id) {
            seen_by.push(id);
        }
    }
    let messages = threads::read(conn, "care_messages", "note_id", &note.id, false)?;
    Ok(CareNote {
        member: person(conn, &note.member_id)?,
        author: person(conn, &note.author)?,
        seen_by: seen_by.iter().map(|id| person(conn, id)).collect::<Result<_>>()?,
        consent: note.consent,
        audience_kind: note.audience_kind,
        title: note.title,
        body_html: markdown::render(&note.body),
        closed: note.closed,
        created_at: Millis(note.created_at),
        messages,
        id: note.id,
    })
}

/// Shares a struggle or loss. A member writes about themselves; a lead may write about another
/// member only with that member's consent recorded.
pub fn share_care_note(library: &mut Library, draft: CareNoteDraft) -> Result<CareNote> {
    let viewer = Viewer::me(library)?;
    let me = viewer.member_id.clone().ok_or(Error::NoIdentity)?;
    let member_id = draft.member_id.clone().filter(|id| !id.is_empty()).unwrap_or_else(|| me.clone());
    members::role_of(library.conn(), &member_id)?;
    let consent = validate_text("consent", &draft.consent, 300)?;
    if member_id != me {
        if !viewer.is_lead {
            return Err(Error::Forbidden {
                action: "share a care note about someone else",
                reason: "only a lead may, and only with the member's consent".into(),
            });
        }
        if consent.is_empty() {
            return Err(Error::invalid("consent", "record how the member agreed to this being shared"));
        }
    }
    let title = validate_text("title", &draft.title, 140)?;
    if title.is_empty() {
        return Err(Error::invalid("title", "give the note a short title"));
    }
    let body = validate_text("body", &draft.body, 10_000)?;
    let mut audience: Vec<String> = Vec::new();
    if draft.audience_kind == CareAudience::Members {
        for id in &draft.audience {
            members::role_of(library.conn(), id)?;
            if !audience.contains(id) && *id != member_id {
                audience.push(id.clone());
            }
        }
        if audience.is_empty() {
            return Err(Error::invalid("audience", "choose who may see this note"));
        }
    }
    let id = library.write(|w| {
        let id = w.new_id();
        w.apply(
            "care_notes",
            &id,
            &[
                ("member_id", Value::Text(member_id.clone())),
                ("consent", Value::Text(consent)),
                (
                    "audience_kind",
                    Value::Text(if draft.audience_kind == CareAudience::Leads { "leads" } else { "members" }.into()),
                ),
                ("audience", Value::Text(serde_json::to_string(&audience).expect("ids serialize"))),
                ("title", Value::Text(title)),
                ("body", Value::Text(body)),
                ("closed", Value::Integer(0)),
            ],
        )?;
        Ok(id)
    })?;
    get_care_note(library.conn(), &viewer, &id)
}

/// Offers support on a note the member at this device can see, while it is open.
pub fn offer_support(library: &mut Library, note_id: &str, body: &str) -> Result<CareNote> {
    let viewer = Viewer::me(library)?;
    let note = get_care_note(library.conn(), &viewer, note_id)?;
    if note.closed {
        return Err(Error::invalid("note", "this note is closed; it stays private, but takes no new messages"));
    }
    let body = validate_text("body", body, 4_000)?;
    if body.is_empty() {
        return Err(Error::invalid("body", "a message needs words"));
    }
    library.write(|w| {
        w.apply(
            "care_messages",
            &w.new_id(),
            &[("note_id", Value::Text(note_id.to_owned())), ("body", Value::Text(body))],
        )
    })?;
    get_care_note(library.conn(), &viewer, note_id)
}

/// Closes a note (its member or author may). It stays exactly as private as it was.
pub fn close_care_note(library: &mut Library, note_id: &str) -> Result<CareNote> {
    let viewer = Viewer::me(library)?;
    let note = get_care_note(library.conn(), &viewer, note_id)?;
    if !viewer.is(&note.member.id) && !viewer.is(&note.author.id) {
        return Err(Error::Forbidden { action: "close this note", reason: "its member or author closes it".into() });
    }
    library.write(|w| w.apply("care_notes", note_id, &[("closed", Value::Integer(1))]))?;
    get_care_note(library.conn(), &viewer, note_id)
}
