//! Members of the community and who uses this device ("I am <member>"). The foundation keeps
//! the profile small (name, role, joined date, work, interests); profiles grow with the
//! relationships issue.

use chrono::NaiveDate;
use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};

use crate::community::validate_text;
use crate::error::{Error, Result};
use crate::library::Library;

pub const DISPLAY_NAME_MAX: usize = 80;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type, clap::ValueEnum)]
#[serde(rename_all = "camelCase")]
pub enum Role {
    Lead,
    Member,
    Newcomer,
    Alumni,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Lead => "lead",
            Role::Member => "member",
            Role::Newcomer => "newcomer",
            Role::Alumni => "alumni",
        }
    }

    fn parse(text: &str) -> Role {
        match text {
            "lead" => Role::Lead,
            "newcomer" => Role::Newcomer,
            "alumni" => Role::Alumni,
            // An unknown role from a newer Hearth reads as an ordinary member.
            _ => Role::Member,
        }
    }
}

#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct Member {
    pub id: String,
    pub display_name: String,
    pub role: Role,
    /// `YYYY-MM-DD`, or empty when not known.
    pub joined_on: String,
    pub profession: String,
    pub organisation: String,
    pub interests: Vec<String>,
}

#[derive(Debug, Clone, Default, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct MemberDraft {
    pub display_name: String,
    #[serde(default)]
    pub role: Option<Role>,
    #[serde(default)]
    pub joined_on: Option<String>,
    #[serde(default)]
    pub profession: String,
    #[serde(default)]
    pub organisation: String,
    #[serde(default)]
    pub interests: Vec<String>,
}

impl MemberDraft {
    pub fn named(display_name: &str) -> Self {
        MemberDraft { display_name: display_name.to_owned(), ..Default::default() }
    }
}

const COLUMNS: &str = "id, display_name, role, joined_on, profession, organisation, interests";

fn from_row(row: &Row) -> rusqlite::Result<Member> {
    let interests: String = row.get(6)?;
    Ok(Member {
        id: row.get(0)?,
        display_name: row.get(1)?,
        role: Role::parse(&row.get::<_, String>(2)?),
        joined_on: row.get(3)?,
        profession: row.get(4)?,
        organisation: row.get(5)?,
        interests: serde_json::from_str(&interests).unwrap_or_default(),
    })
}

pub fn get(conn: &Connection, id: &str) -> Result<Member> {
    conn.prepare_cached(&format!("SELECT {COLUMNS} FROM members WHERE id = ?1 AND deleted = 0"))?
        .query_row([id], from_row)
        .optional()?
        .ok_or_else(|| Error::not_found("member", id))
}

pub fn list(conn: &Connection) -> Result<Vec<Member>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM members WHERE deleted = 0 ORDER BY display_name COLLATE NOCASE, id"
    ))?;
    let rows = stmt.query_map([], from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn count(conn: &Connection) -> Result<u32> {
    Ok(conn.query_row("SELECT count(*) FROM members WHERE deleted = 0", [], |row| row.get(0))?)
}

/// Adds a member. The first member of a community is its lead; later ones default to member.
pub fn create_member(library: &mut Library, draft: MemberDraft) -> Result<Member> {
    let display_name = validate_text("displayName", &draft.display_name, DISPLAY_NAME_MAX)?;
    if display_name.is_empty() {
        return Err(Error::invalid("displayName", "a member needs a name others will know them by"));
    }
    let profession = validate_text("profession", &draft.profession, 120)?;
    let organisation = validate_text("organisation", &draft.organisation, 120)?;
    let joined_on = match draft.joined_on.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(text) => NaiveDate::parse_from_str(text, "%Y-%m-%d")
            .map_err(|_| Error::invalid("joinedOn", format!("{text:?} is not a date like 2024-03-15")))?
            .to_string(),
        None => library.now().date().to_string(),
    };
    let mut interests = Vec::new();
    for interest in &draft.interests {
        let interest = validate_text("interests", interest, 60)?;
        if !interest.is_empty() && !interests.contains(&interest) {
            interests.push(interest);
        }
    }
    let first = count(library.conn())? == 0;
    let role = match draft.role {
        _ if first => Role::Lead,
        Some(role) => role,
        None => Role::Member,
    };
    let id = library.write(|w| {
        let id = w.new_id();
        w.apply(
            "members",
            &id,
            &[
                ("display_name", Value::Text(display_name)),
                ("role", Value::Text(role.as_str().to_owned())),
                ("joined_on", Value::Text(joined_on)),
                ("profession", Value::Text(profession)),
                ("organisation", Value::Text(organisation)),
                ("interests", Value::Text(serde_json::to_string(&interests).expect("strings serialize"))),
            ],
        )?;
        Ok(id)
    })?;
    get(library.conn(), &id)
}

/// "Who are you": a new member profile for the person at this device, who becomes "me".
pub fn create_my_profile(library: &mut Library, draft: MemberDraft) -> Result<Member> {
    let member = create_member(library, draft)?;
    library.set_me(&member.id)?;
    Ok(member)
}

/// "I am <member>" on this device.
pub fn choose_me(library: &Library, member_id: &str) -> Result<Member> {
    let member = get(library.conn(), member_id)?;
    library.set_me(&member.id)?;
    Ok(member)
}
