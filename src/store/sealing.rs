//! What is restricted, and to whom: the rule that decides which ops travel sealed and to which
//! audiences' keys (`sync::audiences`). It is the window's own rule of who may see what
//! (care notes' audiences, profile fields' visibility, stories' audiences, read by `viewer`,
//! `care` and `stories`), so a laptop holds in readable form only what its
//! member may see, and whoever holds the sync target nothing restricted.
//!
//! An audience is a set of names: [`LEADS`] for the community's leads, and `m-<member id>` for
//! one member's own laptops. What a member wrote always includes them: they may read it.

use std::collections::BTreeSet;

use rusqlite::types::Value;
use rusqlite::Connection;

use crate::error::Result;
use crate::store::rules::{RowValues, Writing};

/// The community's leads.
pub const LEADS: &str = "leads";

/// The audience name of one member's own laptops.
pub fn member(id: &str) -> String {
    format!("m-{id}")
}

/// The member an audience name stands for, if it stands for one.
pub fn member_of(audience: &str) -> Option<&str> {
    audience.strip_prefix("m-").filter(|id| !id.is_empty())
}

/// Tables whose rows are restricted whole (their existence, author and time too) when their
/// audience is not everyone.
pub const ROW_SCOPED: &[&str] = &[
    "care_notes",
    "care_messages",
    "stories",
    "story_responses",
    "story_reactions",
    "artefacts",
    "artefact_files",
    "artefact_accounts",
    "artefact_versions",
    "merch_orders",
    "badge_awards",
    "yearbook_pages",
    "yearbook_signatures",
];

/// Profile columns and the field whose visibility governs them (`members.visibility`, a map
/// of field names to "community", "leads" or "onlyMe"; see `members::PRIVATE_FIELDS`).
pub const PROFILE_FIELDS: &[(&str, &str)] = &[
    ("pronouns", "pronouns"),
    ("portrait", "portrait"),
    ("profession", "profession"),
    ("organisation", "organisation"),
    ("years_in_practice", "yearsInPractice"),
    ("expertise", "expertise"),
    ("interests", "interests"),
    ("ask_me_about", "askMeAbout"),
    ("bio", "bio"),
    ("location", "location"),
    ("time_zone", "timeZone"),
    ("contact", "contact"),
    ("birthday", "birthday"),
    // Whether to celebrate the birthday shows only where the birthday does.
    ("celebrate_birthday", "birthday"),
    ("dietary", "dietary"),
    ("access_needs", "accessNeeds"),
];

/// Who may read `column` of row `row` of `table` as `values` leave it: None for everyone, or
/// the audiences it is sealed to.
pub fn audience(
    conn: &Connection,
    table: &str,
    row: &str,
    column: &str,
    values: &dyn RowValues,
) -> Result<Option<BTreeSet<String>>> {
    Ok(match table {
        "care_notes" => Some(care_note(values)),
        "care_messages" => {
            let note = text(values.get("note_id"));
            let mut audience = care_note(&Writing { conn, table: "care_notes", row: &note, columns: &[] });
            add_member(&mut audience, values.get("author"));
            Some(audience)
        }
        "stories" => story(values),
        "story_responses" | "story_reactions" => {
            let id = text(values.get("story_id"));
            story(&Writing { conn, table: "stories", row: &id, columns: &[] }).map(|mut audience| {
                add_member(&mut audience, values.get("author"));
                audience
            })
        }
        "members" => {
            let Some((_, field)) = PROFILE_FIELDS.iter().find(|(c, _)| *c == column) else { return Ok(None) };
            field_audience(row, field, values)
        }
        "artefacts" => artefact(values),
        "artefact_files" | "artefact_accounts" | "artefact_versions" => {
            let id = text(values.get("artefact_id"));
            artefact(&Writing { conn, table: "artefacts", row: &id, columns: &[] }).map(|mut audience| {
                add_member(&mut audience, values.get("author"));
                audience
            })
        }
        // An award is the leads' and its member's until the member shows it (`badge_showcase`);
        // why it was revoked is the leads' alone.
        "badge_awards" if column == "revoked_reason" => Some([LEADS.to_owned()].into()),
        "badge_awards" => {
            let mut audience: BTreeSet<String> = [LEADS.to_owned()].into();
            add_member(&mut audience, values.get("member_id"));
            Some(audience)
        }
        // A member's own yearbook pages are for their laptops alone; a signature for the two.
        "yearbook_pages" => {
            let mut audience = BTreeSet::new();
            add_member(&mut audience, values.get("author"));
            Some(audience)
        }
        "yearbook_signatures" => {
            let mut audience = BTreeSet::new();
            add_member(&mut audience, values.get("author"));
            add_member(&mut audience, values.get("member_id"));
            Some(audience)
        }
        // The community's issuer key: its secret for the leads, who sign awards with it.
        "badge_issuers" if column == "secret" => Some([LEADS.to_owned()].into()),
        // The sizes a member wants of a garment: for the leads (who order) and that member.
        "merch_orders" => {
            let mut audience: BTreeSet<String> = [LEADS.to_owned()].into();
            add_member(&mut audience, values.get("member_id"));
            Some(audience)
        }
        // An RSVP's note is for the leads (who host and plan) and its member.
        "rsvps" if column == "note" => {
            let mut audience: BTreeSet<String> = [LEADS.to_owned()].into();
            add_member(&mut audience, values.get("member_id"));
            Some(audience)
        }
        // A birthday board's messages would tell the day of a birthday kept from others.
        "celebration_messages" => {
            let occasion = text(values.get("occasion"));
            let mut parts = occasion.split(':');
            match (parts.next(), parts.next()) {
                (Some("birthday"), Some(id)) if !id.is_empty() => {
                    let owner = Writing { conn, table: "members", row: id, columns: &[] };
                    field_audience(id, "birthday", &owner).map(|mut audience| {
                        add_member(&mut audience, values.get("author"));
                        audience
                    })
                }
                _ => None,
            }
        }
        _ => None,
    })
}

/// Whether ops of `table`.`column` may ever travel sealed: what a sealed block may hold (a
/// block holding anything else is a crafted one).
pub fn may_be_sealed(table: &str, column: &str) -> bool {
    ROW_SCOPED.contains(&table)
        || table == "celebration_messages"
        || table == "members" && PROFILE_FIELDS.iter().any(|(c, _)| *c == column)
        || table == "rsvps" && column == "note"
        || table == "badge_issuers" && column == "secret"
}

/// The audience of member `id`'s profile field `field` ("bio", "birthday"…): None for everyone.
fn field_audience(id: &str, field: &str, values: &dyn RowValues) -> Option<BTreeSet<String>> {
    let visibility: serde_json::Value = serde_json::from_str(&text(values.get("visibility"))).unwrap_or_default();
    match visibility[field].as_str() {
        Some("leads") => Some([LEADS.to_owned(), member(id)].into()),
        Some("onlyMe") => Some([member(id)].into()),
        _ => None,
    }
}

/// An audience as the op log stores it: '' for everyone, else names joined by commas.
pub fn to_text(audience: &Option<BTreeSet<String>>) -> String {
    match audience {
        None => String::new(),
        Some(names) => names.iter().cloned().collect::<Vec<_>>().join(","),
    }
}

/// The names in an audience's text ('' for everyone gives none).
pub fn names(text: &str) -> Vec<&str> {
    text.split(',').filter(|name| !name.is_empty()).collect()
}

/// A care note is for its member, its author, and the leads or the members named.
fn care_note(values: &dyn RowValues) -> BTreeSet<String> {
    let mut audience = BTreeSet::new();
    add_member(&mut audience, values.get("member_id"));
    add_member(&mut audience, values.get("author"));
    if text(values.get("audience_kind")) == "leads" {
        audience.insert(LEADS.to_owned());
    } else {
        let named: Vec<String> = serde_json::from_str(&text(values.get("audience"))).unwrap_or_default();
        for id in named {
            add_member(&mut audience, Some(Value::Text(id)));
        }
    }
    audience
}

/// A story is for everyone, or its author and the leads or the members chosen. Anything but
/// "community" is read as restricted (as `stories` reads an unknown visibility: narrowest).
fn story(values: &dyn RowValues) -> Option<BTreeSet<String>> {
    let visibility = text(values.get("visibility"));
    if visibility == "community" || visibility.is_empty() && values.get("author").is_none() {
        return None;
    }
    let mut audience = BTreeSet::new();
    add_member(&mut audience, values.get("author"));
    if visibility == "leads" {
        audience.insert(LEADS.to_owned());
    } else {
        let named: Vec<String> = serde_json::from_str(&text(values.get("audience"))).unwrap_or_default();
        for id in named {
            add_member(&mut audience, Some(Value::Text(id)));
        }
    }
    Some(audience)
}

/// An artefact is for everyone, or for the leads and its author; anything but "community" is
/// read as the narrowest.
fn artefact(values: &dyn RowValues) -> Option<BTreeSet<String>> {
    let visibility = text(values.get("visibility"));
    if visibility == "community" || visibility.is_empty() && values.get("author").is_none() {
        return None;
    }
    let mut audience: BTreeSet<String> = [LEADS.to_owned()].into();
    add_member(&mut audience, values.get("author"));
    Some(audience)
}

fn add_member(audience: &mut BTreeSet<String>, id: Option<Value>) {
    let id = text(id);
    if !id.is_empty() {
        audience.insert(member(&id));
    }
}

fn text(value: Option<Value>) -> String {
    match value {
        Some(Value::Text(text)) => text,
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Row(Vec<(&'static str, &'static str)>);

    impl RowValues for Row {
        fn get(&self, column: &str) -> Option<Value> {
            self.0.iter().find(|(c, _)| *c == column).map(|(_, v)| Value::Text((*v).to_owned()))
        }
    }

    #[test]
    fn audiences_follow_the_windows_rules() {
        let conn = crate::store::db::open_in_memory().unwrap();
        let note = Row(vec![("member_id", "ada"), ("author", "lea"), ("audience_kind", "leads")]);
        let leads = audience(&conn, "care_notes", "n1", "body", &note).unwrap().unwrap();
        assert_eq!(
            leads.into_iter().collect::<Vec<_>>(),
            ["leads", "m-ada", "m-lea"],
            "a note for the leads is read by them, its member and its author"
        );
        let named =
            Row(vec![("member_id", "ada"), ("author", "ada"), ("audience_kind", "members"), ("audience", "[\"bo\"]")]);
        assert_eq!(
            audience(&conn, "care_notes", "n2", "title", &named).unwrap().unwrap().into_iter().collect::<Vec<_>>(),
            ["m-ada", "m-bo"],
            "a note for named members is not the leads'"
        );
        let profile = Row(vec![("visibility", r#"{"bio":"leads","contact":"onlyMe","birthday":"community"}"#)]);
        let of = |column| audience(&conn, "members", "ada", column, &profile).unwrap().map(|a| to_text(&Some(a)));
        assert_eq!(of("bio").as_deref(), Some("leads,m-ada"));
        assert_eq!(of("contact").as_deref(), Some("m-ada"), "only me is the member's own laptops");
        assert_eq!(of("birthday"), None, "a field for everyone travels in clear");
        assert_eq!(of("display_name"), None, "names are always the community's");
        let story = Row(vec![("author", "bo"), ("visibility", "members"), ("audience", "[\"cy\"]")]);
        assert_eq!(to_text(&audience(&conn, "stories", "s1", "body", &story).unwrap()), "m-bo,m-cy");
        let odd = Row(vec![("author", "bo"), ("visibility", "friends")]);
        assert_eq!(
            to_text(&audience(&conn, "stories", "s2", "body", &odd).unwrap()),
            "m-bo",
            "an unknown visibility is read as the narrowest"
        );
    }
}
