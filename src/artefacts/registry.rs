//! The registry of artefacts: what the community made and keeps (songs, mascots, logos,
//! garments, signs, objects, documents), each with its provenance as heritage archives keep it
//! (who made it, who helped, when to the precision known, how it began) and what it links to.

use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::people::members::{person, Person};
use crate::store::library::Library;
use crate::text::forms::{Credit, NamedPerson, PartialDate};
use crate::text::markdown::render;
use crate::text::validate_text;
use crate::viewer::Viewer;

/// What an artefact is (`store::rules::ARTEFACT_KINDS`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum Kind {
    Song,
    Mascot,
    Logo,
    /// A garment or other merchandise (the t-shirt), which comes in versions and sizes.
    Garment,
    /// A sign of membership worn or carried: a pin, a patch, a lanyard.
    Sign,
    Object,
    Document,
    Other,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Song => "song",
            Kind::Mascot => "mascot",
            Kind::Logo => "logo",
            Kind::Garment => "garment",
            Kind::Sign => "sign",
            Kind::Object => "object",
            Kind::Document => "document",
            Kind::Other => "other",
        }
    }

    pub fn parse(text: &str) -> Option<Kind> {
        [Kind::Song, Kind::Mascot, Kind::Logo, Kind::Garment, Kind::Sign, Kind::Object, Kind::Document, Kind::Other]
            .into_iter()
            .find(|k| k.as_str() == text)
    }
}

/// Who may see an artefact: everyone, or the leads and who added it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum ArtefactVisibility {
    Community,
    Leads,
}

/// What a person fills in to add (or change) an artefact.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct ArtefactDraft {
    pub kind: Kind,
    pub name: String,
    /// One or two sentences.
    pub summary: String,
    pub creators: Vec<NamedPerson>,
    pub contributors: Vec<NamedPerson>,
    /// When it was made, at the precision known: `YYYY`, `YYYY-MM` or `YYYY-MM-DD`, or empty.
    pub original_date: String,
    /// The date as people say it ("summer 2019").
    pub date_description: String,
    /// How it began (Markdown).
    pub origin: String,
    pub keywords: Vec<String>,
    /// Moments and rituals it belongs to, by id.
    pub moments: Vec<String>,
    pub rituals: Vec<String>,
    /// A song's words (Markdown), and who wrote which part.
    pub lyrics: String,
    pub credits: Vec<Credit>,
    pub visibility: ArtefactVisibility,
}

impl ArtefactDraft {
    pub fn new(kind: Kind, name: &str) -> ArtefactDraft {
        ArtefactDraft {
            kind,
            name: name.to_owned(),
            summary: String::new(),
            creators: vec![],
            contributors: vec![],
            original_date: String::new(),
            date_description: String::new(),
            origin: String::new(),
            keywords: vec![],
            moments: vec![],
            rituals: vec![],
            lyrics: String::new(),
            credits: vec![],
            visibility: ArtefactVisibility::Community,
        }
    }

    fn columns(&self, conn: &Connection) -> Result<Vec<(&'static str, Value)>> {
        let name = validate_text("name", &self.name, 120)?;
        if name.is_empty() {
            return Err(Error::invalid("name", "give the artefact a name"));
        }
        let original_date = self.original_date.trim();
        if !original_date.is_empty() && PartialDate::parse(original_date).is_none() {
            return Err(Error::invalid(
                "originalDate",
                "give the year (2019), the month (2019-06) or the day (2019-06-21)",
            ));
        }
        let people = |field: &'static str, list: &[NamedPerson]| -> Result<Vec<NamedPerson>> {
            if list.len() > 50 {
                return Err(Error::invalid(field, "at most 50 people"));
            }
            list.iter().map(|p| named(conn, field, p)).collect()
        };
        let credits = self
            .credits
            .iter()
            .map(|c| Ok(Credit { who: named(conn, "credits", &c.who)?, part: validate_text("credits", &c.part, 120)? }))
            .collect::<Result<Vec<_>>>()?;
        if credits.len() > 50 {
            return Err(Error::invalid("credits", "at most 50 credits"));
        }
        let keywords = words("keywords", &self.keywords)?;
        let moments = existing(conn, "moments", &self.moments)?;
        let rituals = existing(conn, "rituals", &self.rituals)?;
        Ok(vec![
            ("kind", Value::Text(self.kind.as_str().into())),
            ("name", Value::Text(name)),
            ("summary", Value::Text(validate_text("summary", &self.summary, 500)?)),
            ("creators", Value::Text(json(&people("creators", &self.creators)?))),
            ("contributors", Value::Text(json(&people("contributors", &self.contributors)?))),
            ("original_date", Value::Text(original_date.to_owned())),
            ("date_description", Value::Text(validate_text("dateDescription", &self.date_description, 120)?)),
            ("origin", Value::Text(validate_text("origin", &self.origin, 20_000)?)),
            ("keywords", Value::Text(json(&keywords))),
            ("moments", Value::Text(json(&moments))),
            ("rituals", Value::Text(json(&rituals))),
            ("lyrics", Value::Text(validate_text("lyrics", &self.lyrics, 20_000)?)),
            ("credits", Value::Text(json(&credits))),
            (
                "visibility",
                Value::Text(
                    match self.visibility {
                        ArtefactVisibility::Community => "community",
                        ArtefactVisibility::Leads => "leads",
                    }
                    .into(),
                ),
            ),
        ])
    }
}

fn json<T: Serialize>(value: &T) -> String {
    serde_json::to_string(value).expect("a list serialises")
}

/// A person named on a record: a member here (their current name kept beside), or a name.
fn named(conn: &Connection, field: &'static str, who: &NamedPerson) -> Result<NamedPerson> {
    let member_id = who.member_id.trim();
    if member_id.is_empty() {
        let name = validate_text(field, &who.name, 120)?;
        if name.is_empty() {
            return Err(Error::invalid(field, "give each person a name"));
        }
        return Ok(NamedPerson { member_id: String::new(), name });
    }
    let member = person(conn, member_id)
        .ok()
        .filter(|_| exists(conn, "members", member_id))
        .ok_or_else(|| Error::invalid(field, format!("{member_id:?} is not a member here")))?;
    Ok(NamedPerson { member_id: member.id, name: member.display_name })
}

fn words(field: &'static str, list: &[String]) -> Result<Vec<String>> {
    let mut out: Vec<String> = Vec::new();
    for word in list {
        let word = validate_text(field, word, 60)?;
        if !word.is_empty() && !out.contains(&word) {
            out.push(word);
        }
    }
    if out.len() > 50 {
        return Err(Error::invalid(field, "at most 50"));
    }
    Ok(out)
}

fn exists(conn: &Connection, table: &str, id: &str) -> bool {
    conn.query_row(&format!("SELECT 1 FROM {table} WHERE id = ?1 AND deleted = 0"), [id], |_| Ok(()))
        .optional()
        .is_ok_and(|found| found.is_some())
}

fn existing(conn: &Connection, table: &'static str, ids: &[String]) -> Result<Vec<String>> {
    let mut out: Vec<String> = Vec::new();
    for id in ids {
        if !exists(conn, table, id) {
            return Err(Error::invalid(
                if table == "moments" { "moments" } else { "rituals" },
                format!("{id:?} is not here"),
            ));
        }
        if !out.contains(id) {
            out.push(id.clone());
        }
    }
    Ok(out)
}

/// An artefact as one member sees it.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct Artefact {
    pub id: String,
    #[serde(flatten)]
    pub draft: ArtefactDraft,
    pub added_by: Person,
    pub origin_html: String,
    pub lyrics_html: String,
    /// The first image, for the grid (a hash served as `blobs/<hash>`).
    pub cover: Option<String>,
    pub files: Vec<super::files::ArtefactFile>,
    pub accounts: Vec<super::accounts::Account>,
    pub versions: Vec<super::versions::Version>,
    /// Whether this member may change it (who added it, a lead).
    pub can_edit: bool,
}

/// Whether `viewer` may see an artefact of `visibility` added by `author` (the rule
/// `store::sealing` seals by).
pub(crate) fn may_see(viewer: &Viewer, author: &str, visibility: &str) -> bool {
    visibility == "community" || viewer.is_lead || viewer.is(author)
}

/// Every artefact this member may see, by kind then name.
pub fn list(library: &Library) -> Result<Vec<Artefact>> {
    let ids: Vec<String> = library
        .conn()
        .prepare("SELECT id FROM artefacts WHERE deleted = 0 ORDER BY kind, name COLLATE NOCASE, id")?
        .query_map([], |row| row.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let mut out = Vec::new();
    for id in ids {
        match get(library, &id) {
            Ok(artefact) => out.push(artefact),
            Err(Error::NotFound { .. }) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(out)
}

/// One artefact. Errors: `NotFound` when it is not here, deleted, or not for this member.
pub fn get(library: &Library, id: &str) -> Result<Artefact> {
    let viewer = Viewer::me(library)?;
    let conn = library.conn();
    let not_found = || Error::NotFound { entity: "artefact", id: id.to_owned() };
    let row: Option<(String, String, ArtefactDraft)> = conn
        .query_row(
            "SELECT author, visibility, kind, name, summary, creators, contributors, original_date,
                    date_description, origin, keywords, moments, rituals, lyrics, credits
             FROM artefacts WHERE id = ?1 AND deleted = 0",
            [id],
            |r| {
                let json = |i: usize| -> rusqlite::Result<String> { r.get(i) };
                let visibility: String = r.get(1)?;
                Ok((
                    r.get(0)?,
                    visibility.clone(),
                    ArtefactDraft {
                        kind: Kind::parse(&r.get::<_, String>(2)?).unwrap_or(Kind::Other),
                        name: r.get(3)?,
                        summary: r.get(4)?,
                        creators: serde_json::from_str(&json(5)?).unwrap_or_default(),
                        contributors: serde_json::from_str(&json(6)?).unwrap_or_default(),
                        original_date: r.get(7)?,
                        date_description: r.get(8)?,
                        origin: r.get(9)?,
                        keywords: serde_json::from_str(&json(10)?).unwrap_or_default(),
                        moments: serde_json::from_str(&json(11)?).unwrap_or_default(),
                        rituals: serde_json::from_str(&json(12)?).unwrap_or_default(),
                        lyrics: r.get(13)?,
                        credits: serde_json::from_str(&json(14)?).unwrap_or_default(),
                        visibility: match visibility.as_str() {
                            "community" => ArtefactVisibility::Community,
                            _ => ArtefactVisibility::Leads,
                        },
                    },
                ))
            },
        )
        .optional()?;
    let Some((author, visibility, mut draft)) = row else { return Err(not_found()) };
    if !may_see(&viewer, &author, &visibility) {
        return Err(not_found());
    }
    // Members named keep their current names.
    let current = |p: NamedPerson| match p.member_id.is_empty() {
        true => p,
        false => NamedPerson { name: person(conn, &p.member_id).map(|m| m.display_name).unwrap_or(p.name), ..p },
    };
    draft.creators = draft.creators.into_iter().map(current).collect();
    draft.contributors = draft.contributors.into_iter().map(current).collect();
    draft.credits = draft.credits.into_iter().map(|c| Credit { who: current(c.who), part: c.part }).collect();
    let can_edit = viewer.is_lead || viewer.is(&author);
    let files = super::files::of(conn, &viewer, id, can_edit)?;
    Ok(Artefact {
        id: id.to_owned(),
        added_by: person(conn, &author)?,
        origin_html: render(&draft.origin),
        lyrics_html: render(&draft.lyrics),
        cover: files.iter().find(|f| f.kind == super::files::FileKind::Image).map(|f| f.hash.clone()),
        accounts: super::accounts::of(conn, &viewer, id)?,
        versions: super::versions::of(conn, &viewer, id, can_edit)?,
        files,
        draft,
        can_edit,
    })
}

/// Adds an artefact (any member).
pub fn create(library: &mut Library, draft: ArtefactDraft) -> Result<Artefact> {
    Viewer::me(library)?.member_id.ok_or(Error::NoIdentity)?;
    let columns = draft.columns(library.conn())?;
    let id = library.write(|w| {
        let id = w.new_id();
        w.apply("artefacts", &id, &columns)?;
        Ok(id)
    })?;
    get(library, &id)
}

/// Changes an artefact (who added it, a lead).
///
/// Errors: `Invalid` for showing to everyone a leads-only artefact that already has files,
/// accounts or versions: those were sealed to the leads and their authors, and other laptops
/// would get the artefact without them (add it again for everyone instead).
pub fn update(library: &mut Library, id: &str, draft: ArtefactDraft) -> Result<Artefact> {
    let current = editable(library, id)?;
    let widening =
        current.draft.visibility == ArtefactVisibility::Leads && draft.visibility == ArtefactVisibility::Community;
    if widening && !(current.files.is_empty() && current.accounts.is_empty() && current.versions.is_empty()) {
        return Err(Error::invalid(
            "visibility",
            "its files, accounts and versions were shared with the leads only; add it again for everyone instead",
        ));
    }
    let columns = draft.columns(library.conn())?;
    library.write(|w| w.apply("artefacts", id, &columns))?;
    get(library, id)
}

/// Deletes an artefact (who added it, a lead); its accounts, versions and files stay in the
/// database, unseen, so a merge of an older change cannot bring half of it back.
pub fn delete(library: &mut Library, id: &str) -> Result<()> {
    editable(library, id)?;
    library.write(|w| w.delete("artefacts", id))
}

/// The artefact, when this member may change it. Errors: `NotFound`, `Forbidden`.
pub(super) fn editable(library: &Library, id: &str) -> Result<Artefact> {
    let artefact = get(library, id)?;
    if !artefact.can_edit {
        return Err(Error::Forbidden {
            action: "change this artefact",
            reason: "who added it and the leads may".into(),
        });
    }
    Ok(artefact)
}
