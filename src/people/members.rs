//! Members of the community, their profiles with per-field visibility, and who uses this
//! device ("I am <member>"). Every read takes a [`Viewer`] and leaves out what that viewer may
//! not see; nothing hidden leaves the core.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::store::library::Library;
use crate::store::write::Writer;
use crate::text::validate_text;
use crate::viewer::{Viewer, Visibility};
use crate::{store::search, text::markdown};

pub const DISPLAY_NAME_MAX: usize = 80;
pub const BIO_MAX: usize = 5_000;

/// Profile fields that carry their own visibility. Name, role and joined date are always
/// seen by the community: without them there is no directory.
pub const PRIVATE_FIELDS: &[&str] = &[
    "pronouns",
    "portrait",
    "profession",
    "organisation",
    "yearsInPractice",
    "expertise",
    "interests",
    "askMeAbout",
    "bio",
    "location",
    "timeZone",
    "contact",
    "birthday",
    "dietary",
    "accessNeeds",
];

/// Fields kept to the leads unless the member chooses otherwise (the window's default for the
/// others is the community): what a member eats and what access they need are nobody else's.
pub const LEADS_BY_DEFAULT: &[&str] = &["dietary", "accessNeeds"];

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

    pub fn parse(text: &str) -> Option<Role> {
        match text.trim().to_lowercase().as_str() {
            "lead" => Some(Role::Lead),
            "member" => Some(Role::Member),
            "newcomer" => Some(Role::Newcomer),
            "alumni" | "alumnus" | "alumna" => Some(Role::Alumni),
            _ => None,
        }
    }
}

/// Who wrote or is named in something: always visible, like the directory's names.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct Person {
    pub id: String,
    pub display_name: String,
}

/// The person behind a member id; a member who has left keeps a name that says so.
pub fn person(conn: &Connection, id: &str) -> Result<Person> {
    let name: Option<String> = conn
        .prepare_cached("SELECT display_name FROM members WHERE id = ?1")?
        .query_row([id], |row| row.get(0))
        .optional()?;
    Ok(Person { id: id.to_owned(), display_name: name.unwrap_or_else(|| "A former member".into()) })
}

/// A member as one viewer may see them. `None` means hidden from this viewer (or, for
/// `visibility`, that the viewer is not the member).
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct Member {
    pub id: String,
    pub display_name: String,
    pub role: Role,
    /// `YYYY-MM-DD`, or empty when not known.
    pub joined_on: String,
    pub pronouns: Option<String>,
    /// BLAKE3 hash of the portrait in the library's blobs, empty for none.
    pub portrait: Option<String>,
    pub profession: Option<String>,
    pub organisation: Option<String>,
    pub years_in_practice: Option<u32>,
    pub expertise: Option<Vec<String>>,
    pub interests: Option<Vec<String>>,
    pub ask_me_about: Option<String>,
    /// The bio's Markdown source (for editing).
    pub bio: Option<String>,
    /// The bio rendered to sanitised HTML (for showing).
    pub bio_html: Option<String>,
    pub location: Option<String>,
    pub time_zone: Option<String>,
    pub contact: Option<String>,
    /// `MM-DD`, or empty when not given.
    pub birthday: Option<String>,
    pub celebrate_birthday: bool,
    /// "Vegetarian, no nuts": what hosts should know to feed them.
    pub dietary: Option<String>,
    /// "Step-free access, hearing loop".
    pub access_needs: Option<String>,
    /// Per-field visibility; only the member themselves sees it.
    pub visibility: Option<BTreeMap<String, Visibility>>,
}

/// What a person fills in about themselves.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase", default)]
pub struct ProfileFields {
    pub pronouns: String,
    pub profession: String,
    pub organisation: String,
    pub years_in_practice: Option<u32>,
    pub expertise: Vec<String>,
    pub interests: Vec<String>,
    pub ask_me_about: String,
    pub bio: String,
    pub location: String,
    pub time_zone: String,
    pub contact: String,
    /// `MM-DD` (or `--MM-DD` as vCard writes it); empty for none. Never a year.
    pub birthday: String,
    pub celebrate_birthday: bool,
    pub dietary: String,
    pub access_needs: String,
    pub visibility: BTreeMap<String, Visibility>,
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
    pub profile: ProfileFields,
}

impl MemberDraft {
    pub fn named(display_name: &str) -> Self {
        MemberDraft { display_name: display_name.to_owned(), ..Default::default() }
    }
}

const COLUMNS: &str = "id, display_name, role, joined_on, pronouns, portrait, profession, organisation, \
     years_in_practice, expertise, interests, ask_me_about, bio, location, time_zone, contact, birthday, \
     celebrate_birthday, visibility, dietary, access_needs";

/// A members row as stored, before any viewer's rules apply.
struct Stored {
    id: String,
    display_name: String,
    role: Role,
    joined_on: String,
    portrait: String,
    years_in_practice: Option<u32>,
    fields: ProfileFields,
}

fn stored(row: &Row) -> rusqlite::Result<Stored> {
    let list = |index: usize| -> rusqlite::Result<Vec<String>> {
        Ok(serde_json::from_str(&row.get::<_, String>(index)?).unwrap_or_default())
    };
    let visibility: String = row.get(18)?;
    Ok(Stored {
        id: row.get(0)?,
        display_name: row.get(1)?,
        // An unknown role from a newer Hearth reads as an ordinary member.
        role: Role::parse(&row.get::<_, String>(2)?).unwrap_or(Role::Member),
        joined_on: row.get(3)?,
        portrait: row.get(5)?,
        years_in_practice: row.get(8)?,
        fields: ProfileFields {
            pronouns: row.get(4)?,
            profession: row.get(6)?,
            organisation: row.get(7)?,
            years_in_practice: row.get(8)?,
            expertise: list(9)?,
            interests: list(10)?,
            ask_me_about: row.get(11)?,
            bio: row.get(12)?,
            location: row.get(13)?,
            time_zone: row.get(14)?,
            contact: row.get(15)?,
            birthday: row.get(16)?,
            celebrate_birthday: row.get::<_, i64>(17)? != 0,
            dietary: row.get(19)?,
            access_needs: row.get(20)?,
            visibility: serde_json::from_str(&visibility).unwrap_or_default(),
        },
    })
}

impl Stored {
    fn visibility_of(&self, field: &str) -> Visibility {
        self.fields.visibility.get(field).copied().unwrap_or_default()
    }

    /// The member as `viewer` may see them.
    fn for_viewer(self, viewer: &Viewer) -> Member {
        let may = |field: &str| viewer.may_see(&self.id, self.visibility_of(field));
        let text = |field: &str, value: &String| may(field).then(|| value.clone());
        let f = &self.fields;
        let birthday_visible = may("birthday");
        Member {
            pronouns: text("pronouns", &f.pronouns),
            portrait: text("portrait", &self.portrait),
            profession: text("profession", &f.profession),
            organisation: text("organisation", &f.organisation),
            years_in_practice: if may("yearsInPractice") { self.years_in_practice } else { None },
            expertise: may("expertise").then(|| f.expertise.clone()),
            interests: may("interests").then(|| f.interests.clone()),
            ask_me_about: text("askMeAbout", &f.ask_me_about),
            bio: text("bio", &f.bio),
            bio_html: may("bio").then(|| markdown::render(&f.bio)),
            location: text("location", &f.location),
            time_zone: text("timeZone", &f.time_zone),
            contact: text("contact", &f.contact),
            birthday: text("birthday", &f.birthday),
            celebrate_birthday: birthday_visible && f.celebrate_birthday,
            dietary: text("dietary", &f.dietary),
            access_needs: text("accessNeeds", &f.access_needs),
            visibility: viewer.is(&self.id).then(|| f.visibility.clone()),
            id: self.id,
            display_name: self.display_name,
            role: self.role,
            joined_on: self.joined_on,
        }
    }
}

/// One member as `viewer` may see them.
pub fn get(conn: &Connection, viewer: &Viewer, id: &str) -> Result<Member> {
    Ok(get_stored(conn, id)?.for_viewer(viewer))
}

fn get_stored(conn: &Connection, id: &str) -> Result<Stored> {
    conn.prepare_cached(&format!("SELECT {COLUMNS} FROM members WHERE id = ?1 AND deleted = 0"))?
        .query_row([id], stored)
        .optional()?
        .ok_or_else(|| Error::not_found("member", id))
}

/// Everyone, by name, as `viewer` may see them.
pub fn list(conn: &Connection, viewer: &Viewer) -> Result<Vec<Member>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM members WHERE deleted = 0 ORDER BY display_name COLLATE NOCASE, id"
    ))?;
    let rows = stmt.query_map([], stored)?;
    rows.map(|row| Ok(row?.for_viewer(viewer))).collect()
}

pub fn count(conn: &Connection) -> Result<u32> {
    Ok(conn.query_row("SELECT count(*) FROM members WHERE deleted = 0", [], |row| row.get(0))?)
}

/// The role of member `id`, for rules that depend on it.
pub fn role_of(conn: &Connection, id: &str) -> Result<Role> {
    Ok(get_stored(conn, id)?.role)
}

/// Adds a member. The first member of a community is its lead; later ones default to member.
pub fn create_member(library: &mut Library, draft: MemberDraft) -> Result<Member> {
    let created = create_members(library, vec![draft])?;
    Ok(created.into_iter().next().expect("one draft, one member"))
}

/// Adds several members in one transaction: all of them, or (on any error) none.
pub fn create_members(library: &mut Library, drafts: Vec<MemberDraft>) -> Result<Vec<Member>> {
    let today = library.today().to_string();
    let mut rows = Vec::with_capacity(drafts.len());
    let mut first = count(library.conn())? == 0;
    for draft in &drafts {
        rows.push(new_member_columns(draft, first, &today)?);
        first = false;
    }
    let ids = library.write(|w| {
        let mut ids = Vec::with_capacity(rows.len());
        for columns in &rows {
            let id = w.new_id();
            w.apply("members", &id, columns)?;
            search::index_member(w.conn(), &id)?;
            ids.push(id);
        }
        Ok(ids)
    })?;
    ids.iter().map(|id| get(library.conn(), &Viewer::member(library.conn(), id)?, id)).collect()
}

/// The founder of a new community, written with it (`community::found`): its first lead.
/// Returns their id.
pub(crate) fn insert_founder(w: &Writer, draft: &MemberDraft) -> Result<String> {
    let columns = new_member_columns(draft, true, &w.today().to_string())?;
    let id = w.new_id();
    w.apply("members", &id, &columns)?;
    search::index_member(w.conn(), &id)?;
    Ok(id)
}

/// A new member's columns: the draft's, its role (the first member of a community is its
/// lead; later ones default to member) and when they joined (`today` unless the draft says).
fn new_member_columns(draft: &MemberDraft, first: bool, today: &str) -> Result<Vec<(&'static str, Value)>> {
    let mut columns = validate_draft(draft)?;
    let joined_on = match draft.joined_on.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(text) => parse_date("joinedOn", text)?,
        None => today.to_owned(),
    };
    let role = match draft.role {
        _ if first => Role::Lead,
        Some(role) => role,
        None => Role::Member,
    };
    columns.push(("role", Value::Text(role.as_str().to_owned())));
    columns.push(("joined_on", Value::Text(joined_on)));
    Ok(columns)
}

/// Checks a draft as creation would, returning its name and profile columns.
pub fn validate_draft(draft: &MemberDraft) -> Result<Vec<(&'static str, Value)>> {
    let mut columns = profile_columns(&draft.profile)?;
    columns.push(("display_name", Value::Text(validate_name(&draft.display_name)?)));
    if let Some(text) = draft.joined_on.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        parse_date("joinedOn", text)?;
    }
    Ok(columns)
}

/// Replaces `member_id`'s name and profile. Only the member themselves may.
pub fn update_profile(
    library: &mut Library,
    member_id: &str,
    display_name: &str,
    profile: &ProfileFields,
) -> Result<Member> {
    let viewer = Viewer::me(library)?;
    get_stored(library.conn(), member_id)?;
    if !viewer.is(member_id) {
        return Err(Error::Forbidden {
            action: "edit this profile",
            reason: "a profile is edited by its member".into(),
        });
    }
    let mut columns = profile_columns(profile)?;
    columns.push(("display_name", Value::Text(validate_name(display_name)?)));
    library.write(|w| {
        w.apply("members", member_id, &columns)?;
        search::index_member(w.conn(), member_id)
    })?;
    get(library.conn(), &viewer, member_id)
}

/// Sets the portrait of the member at this device from image bytes (cropped square, stored
/// with a thumbnail). Empty bytes remove it.
pub fn set_my_portrait(library: &mut Library, image: &[u8]) -> Result<Member> {
    library.ensure_writable()?;
    let viewer = Viewer::me(library)?;
    let me = viewer.member_id.clone().ok_or(Error::NoIdentity)?;
    let hash =
        if image.is_empty() { String::new() } else { crate::ingest::images::store_portrait(library.root(), image)? };
    library.write(|w| w.apply("members", &me, &[("portrait", Value::Text(hash))]))?;
    get(library.conn(), &viewer, &me)
}

/// Changes a member's role. Leads only; a community always keeps at least one lead.
pub fn set_role(library: &mut Library, member_id: &str, role: Role) -> Result<Member> {
    let viewer = Viewer::me(library)?;
    if !viewer.is_lead {
        return Err(Error::Forbidden { action: "change roles", reason: "only the community's leads may".into() });
    }
    let current = role_of(library.conn(), member_id)?;
    if current == Role::Lead && role != Role::Lead {
        let leads: u32 = library.conn().query_row(
            "SELECT count(*) FROM members WHERE deleted = 0 AND role = 'lead'",
            [],
            |row| row.get(0),
        )?;
        if leads <= 1 {
            return Err(Error::invalid("role", "the community needs at least one lead; name another lead first"));
        }
    }
    library.write(|w| w.apply("members", member_id, &[("role", Value::Text(role.as_str().to_owned()))]))?;
    get(library.conn(), &viewer, member_id)
}

/// "Who are you": a new member profile for the person at this device, who becomes "me".
pub fn create_my_profile(library: &mut Library, draft: MemberDraft) -> Result<Member> {
    let member = create_member(library, draft)?;
    library.set_me(&member.id)?;
    Ok(member)
}

/// "I am <member>" on this device.
pub fn choose_me(library: &Library, member_id: &str) -> Result<Member> {
    let stored = get_stored(library.conn(), member_id)?;
    // A laptop let in by an invitation speaks for its member only: the others' laptops would
    // refuse what it wrote as anyone else.
    if crate::store::library::get_local(library.conn(), "invitation_id")?.is_some()
        && library.me()?.as_deref() != Some(member_id)
    {
        return Err(Error::Forbidden {
            action: "switch to another member on this laptop",
            reason: "it joined the community as its own member; others join from their own laptops with an invitation"
                .into(),
        });
    }
    library.set_me(&stored.id)?;
    get(library.conn(), &Viewer::member(library.conn(), member_id)?, member_id)
}

fn validate_name(name: &str) -> Result<String> {
    let name = validate_text("displayName", name, DISPLAY_NAME_MAX)?;
    if name.is_empty() {
        return Err(Error::invalid("displayName", "a member needs a name others will know them by"));
    }
    Ok(name)
}

fn parse_date(field: &'static str, text: &str) -> Result<String> {
    Ok(crate::clock::read_day(text)
        .ok_or_else(|| Error::invalid(field, format!("{text:?} is not a date like 2024-03-15, between 1900 and 2200")))?
        .to_string())
}

/// `MM-DD` from `MM-DD` or vCard's `--MM-DD`; 29 February is allowed (see celebrations).
pub fn parse_birthday(text: &str) -> Result<String> {
    let text = text.trim().trim_start_matches("--");
    if text.is_empty() {
        return Ok(String::new());
    }
    let invalid = || Error::invalid("birthday", format!("{text:?} is not a day and month like 03-15 (no year)"));
    let (month, day) = text.split_once('-').ok_or_else(invalid)?;
    if month.len() != 2 || day.len() != 2 {
        return Err(invalid());
    }
    let (month, day): (u32, u32) = (month.parse().map_err(|_| invalid())?, day.parse().map_err(|_| invalid())?);
    // 2024 is a leap year, so every real day and month (29 February included) exists in it.
    NaiveDate::from_ymd_opt(2024, month, day).ok_or_else(invalid)?;
    Ok(format!("{month:02}-{day:02}"))
}

fn clean_list(field: &'static str, items: &[String]) -> Result<Vec<String>> {
    let mut out: Vec<String> = Vec::new();
    for item in items {
        let item = validate_text(field, item, 60)?;
        if !item.is_empty() && !out.iter().any(|o| o.eq_ignore_ascii_case(&item)) {
            out.push(item);
        }
    }
    if out.len() > 30 {
        return Err(Error::invalid(field, "at most 30 tags fit"));
    }
    Ok(out)
}

/// Validates profile fields into the columns to write.
fn profile_columns(p: &ProfileFields) -> Result<Vec<(&'static str, Value)>> {
    for field in p.visibility.keys() {
        if !PRIVATE_FIELDS.contains(&field.as_str()) {
            return Err(Error::invalid("visibility", format!("{field} has no visibility of its own")));
        }
    }
    if p.years_in_practice.is_some_and(|y| y > 80) {
        return Err(Error::invalid("yearsInPractice", "at most 80 years"));
    }
    // Written out, so that the window, the seal and every laptop read the same audience.
    let mut visibility = p.visibility.clone();
    for field in LEADS_BY_DEFAULT {
        visibility.entry((*field).to_owned()).or_insert(Visibility::Leads);
    }
    let json = |items: Vec<String>| Value::Text(serde_json::to_string(&items).expect("strings serialize"));
    let text = |field: &'static str, value: &str, max: usize| -> Result<Value> {
        Ok(Value::Text(validate_text(field, value, max)?))
    };
    Ok(vec![
        ("pronouns", text("pronouns", &p.pronouns, 40)?),
        ("profession", text("profession", &p.profession, 120)?),
        ("organisation", text("organisation", &p.organisation, 120)?),
        ("years_in_practice", p.years_in_practice.map_or(Value::Null, |y| Value::Integer(y.into()))),
        ("expertise", json(clean_list("expertise", &p.expertise)?)),
        ("interests", json(clean_list("interests", &p.interests)?)),
        ("ask_me_about", text("askMeAbout", &p.ask_me_about, 300)?),
        ("bio", text("bio", &p.bio, BIO_MAX)?),
        ("location", text("location", &p.location, 120)?),
        ("time_zone", text("timeZone", &p.time_zone, 60)?),
        ("contact", text("contact", &p.contact, 300)?),
        ("birthday", Value::Text(parse_birthday(&p.birthday)?)),
        ("celebrate_birthday", Value::Integer(p.celebrate_birthday.into())),
        ("dietary", text("dietary", &p.dietary, 200)?),
        ("access_needs", text("accessNeeds", &p.access_needs, 200)?),
        ("visibility", Value::Text(serde_json::to_string(&visibility).expect("map serializes"))),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn birthdays_are_day_and_month_only() {
        assert_eq!(parse_birthday("03-05").unwrap(), "03-05");
        assert_eq!(parse_birthday("--12-31").unwrap(), "12-31", "vCard's yearless form");
        assert_eq!(parse_birthday("02-29").unwrap(), "02-29", "leap-day birthdays exist");
        assert_eq!(parse_birthday("").unwrap(), "");
        for bad in ["1990-03-05", "02-30", "13-01", "3-5", "march"] {
            assert!(parse_birthday(bad).is_err(), "{bad} must be refused");
        }
    }
}
