//! The community a library holds: its name and description, and the dimensions along which
//! it matures (data, not code: seven defaults, Identification as number 4, renamable by leads).

use rusqlite::types::Value;
use rusqlite::Connection;
use serde::{Deserialize, Serialize};

use crate::clock::Millis;
use crate::error::{Error, ReadOnlyReason, Result};
use std::path::Path;
use std::sync::Arc;

use crate::clock::{Clock, SystemClock};
use crate::ids::IdSource;
use crate::people::members::{self, Member, MemberDraft};
use crate::store::library::Library;
use crate::store::write::Writer;
use crate::sync::roster::{self, Invitation};
use crate::text::validate_text;
use crate::viewer::Viewer;

pub const NAME_MAX: usize = 120;
pub const DESCRIPTION_MAX: usize = 2_000;

/// The defaults, after the dimensions of intentional community development the domain text
/// refers to. Identification must stay number 4: the rest of Hearth is built around it.
pub const DEFAULT_DIMENSIONS: [(&str, &str); 7] = [
    ("Meeting", "Members come together regularly, in person or online, to learn with each other."),
    ("Conversation", "Open-ended exchanges where members ask, share and think aloud together."),
    ("Projects", "Members take on joint work that produces something useful for the practice."),
    (
        "Identification",
        "Members know each other as whole people, share a memory and an identity, and act on what they care about.",
    ),
    ("Shared repertoire", "Stories, tools, documents and ways of doing things the community builds and keeps."),
    ("Access to expertise", "Members find the experience they need, inside the community and beyond it."),
    ("Influence", "The community makes a difference in the organisations and the wider field around it."),
];

#[derive(Debug, Clone, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct CommunityDraft {
    pub name: String,
    #[serde(default)]
    pub description: String,
}

impl CommunityDraft {
    pub fn new(name: &str, description: &str) -> Self {
        CommunityDraft { name: name.to_owned(), description: description.to_owned() }
    }

    pub(crate) fn validated(self) -> Result<CommunityDraft> {
        Ok(CommunityDraft {
            name: validate_name(&self.name)?,
            description: validate_text("description", &self.description, DESCRIPTION_MAX)?,
        })
    }
}

#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct Community {
    pub id: String,
    pub name: String,
    pub description: String,
    pub created_at: Millis,
}

#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct Dimension {
    pub id: String,
    pub number: u32,
    pub name: String,
    pub description: String,
}

/// What the window and `hearth info` show about an open library.
#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct LibraryInfo {
    pub path: String,
    pub community: Community,
    pub dimensions: Vec<Dimension>,
    pub member_count: u32,
    pub me: Option<Member>,
    pub library_version: u32,
    pub app_library_version: u32,
    pub read_only: Option<ReadOnlyReason>,
    /// What the member at this laptop may do here (the window shows or hides actions by it).
    pub can: Can,
    /// The profile fields with a visibility of their own (`members::PRIVATE_FIELDS`).
    pub private_fields: Vec<String>,
}

/// What the reader at this laptop may do in this library.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct Can {
    /// Write at all: the library is writable and this laptop knows who its member is.
    pub write: bool,
    /// A lead's actions (community settings, roles, invitations, hiding photos…): `write`, and
    /// the member is a lead.
    pub lead: bool,
}

/// A new library in `root` holding a new community (no member yet: the window asks who you
/// are next; the demo and tests add members themselves).
pub fn create(root: &Path, draft: CommunityDraft) -> Result<Library> {
    create_with(root, draft, Arc::new(SystemClock), IdSource::random())
}

/// [`create`] with a given clock and ids (the demo, tests).
pub fn create_with(root: &Path, draft: CommunityDraft, clock: Arc<dyn Clock>, ids: IdSource) -> Result<Library> {
    let draft = draft.validated()?;
    Library::create_with(root, clock, ids, |w| insert_new(w, &draft).map(drop))
}

/// Founds a community: its library, and its founder (its first lead, "me" on this laptop),
/// in one transaction, so no community is ever left without its founder. Both drafts are
/// checked before anything is made.
pub fn found(root: &Path, draft: CommunityDraft, founder: MemberDraft) -> Result<Library> {
    let draft = draft.validated()?;
    members::validate_draft(&founder)?;
    Library::create_with(root, Arc::new(SystemClock), IdSource::random(), |w| {
        insert_new(w, &draft)?;
        let me = members::insert_founder(w, &founder)?;
        crate::store::library::set_local(w.conn(), "me", &me)
    })
}

/// A lead invites someone: a new member named `name` (or the existing `member_id`), and an
/// invitation that lets one laptop in as them ([`roster::invitation_for`]). Sync afterwards,
/// so the invitation reaches the target before the newcomer does.
pub fn invite(library: &mut Library, name: &str, member_id: Option<&str>) -> Result<Invitation> {
    let viewer = Viewer::me(library)?;
    if !viewer.is_lead {
        return Err(Error::Forbidden { action: "invite people", reason: "only the community's leads may".into() });
    }
    let member = match member_id {
        Some(id) => members::get(library.conn(), &viewer, id)?,
        None => members::create_member(library, MemberDraft::named(name))?,
    };
    roster::invitation_for(library, &member.id, &member.display_name)
}

pub(crate) fn insert_new(writer: &Writer, draft: &CommunityDraft) -> Result<String> {
    let id = writer.new_id();
    writer.apply(
        "community",
        &id,
        &[("name", Value::Text(draft.name.clone())), ("description", Value::Text(draft.description.clone()))],
    )?;
    for (index, (name, description)) in DEFAULT_DIMENSIONS.iter().enumerate() {
        writer.apply(
            "dimensions",
            &writer.new_id(),
            &[
                ("number", Value::Integer(index as i64 + 1)),
                ("name", Value::Text((*name).to_owned())),
                ("description", Value::Text((*description).to_owned())),
            ],
        )?;
    }
    Ok(id)
}

pub fn community(conn: &Connection) -> Result<Community> {
    Ok(conn.query_row(
        "SELECT id, name, description, created_at FROM community WHERE deleted = 0 ORDER BY created_at LIMIT 1",
        [],
        |row| {
            Ok(Community {
                id: row.get(0)?,
                name: row.get(1)?,
                description: row.get(2)?,
                created_at: Millis(row.get(3)?),
            })
        },
    )?)
}

pub fn dimensions(conn: &Connection) -> Result<Vec<Dimension>> {
    let mut stmt = conn
        .prepare_cached("SELECT id, number, name, description FROM dimensions WHERE deleted = 0 ORDER BY number, id")?;
    let rows = stmt.query_map([], |row| {
        Ok(Dimension { id: row.get(0)?, number: row.get(1)?, name: row.get(2)?, description: row.get(3)? })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn info(library: &Library) -> Result<LibraryInfo> {
    let conn = library.conn();
    let me = match library.me()? {
        Some(id) => members::get(conn, &Viewer::member(conn, &id)?, &id).ok(),
        None => None,
    };
    let write = library.read_only().is_none() && me.is_some();
    let lead = write && me.as_ref().is_some_and(|m| m.role == members::Role::Lead);
    Ok(LibraryInfo {
        path: library.root().display().to_string(),
        community: community(conn)?,
        dimensions: dimensions(conn)?,
        member_count: members::count(conn)?,
        me,
        library_version: crate::store::db::user_version(conn)?,
        app_library_version: crate::store::db::latest_version(),
        read_only: library.read_only().cloned(),
        can: Can { write, lead },
        private_fields: members::PRIVATE_FIELDS.iter().map(|f| (*f).to_owned()).collect(),
    })
}

/// Renames the community and rewrites its description. Leads only, once anyone is a member.
pub fn update_community(library: &mut Library, name: &str, description: &str) -> Result<Community> {
    let name = validate_name(name)?;
    let description = validate_text("description", description, DESCRIPTION_MAX)?;
    ensure_lead(library, "change the community's name")?;
    let id = community(library.conn())?.id;
    library.write(|w| {
        w.apply("community", &id, &[("name", Value::Text(name)), ("description", Value::Text(description))])
    })?;
    community(library.conn())
}

/// Renames a dimension (leads only); its number, and so its place among the sliders, stays.
pub fn update_dimension(library: &mut Library, id: &str, name: &str, description: &str) -> Result<Dimension> {
    let name = validate_text("name", name, 60)?;
    if name.is_empty() {
        return Err(Error::invalid("name", "a dimension needs a name"));
    }
    let description = validate_text("description", description, 500)?;
    ensure_lead(library, "rename the community's dimensions")?;
    if !dimensions(library.conn())?.iter().any(|d| d.id == id) {
        return Err(Error::not_found("dimension", id));
    }
    library.write(|w| {
        w.apply("dimensions", id, &[("name", Value::Text(name)), ("description", Value::Text(description))])
    })?;
    dimensions(library.conn())?.into_iter().find(|d| d.id == id).ok_or_else(|| Error::not_found("dimension", id))
}

/// Community settings are for leads. Before anyone has joined, whoever holds the library may.
fn ensure_lead(library: &Library, action: &'static str) -> Result<()> {
    if members::count(library.conn())? == 0 {
        return Ok(());
    }
    library.me()?.ok_or(Error::NoIdentity)?;
    if !Viewer::me(library)?.is_lead {
        return Err(Error::Forbidden { action, reason: "only the community's leads may".into() });
    }
    Ok(())
}

fn validate_name(name: &str) -> Result<String> {
    let name = validate_text("name", name, NAME_MAX)?;
    if name.is_empty() {
        return Err(Error::invalid("name", "the community needs a name"));
    }
    Ok(name)
}
