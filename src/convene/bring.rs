//! A gathering's bring list, for potlucks: items anyone may add, each claimed by one member
//! (who may let go of it), and marked brought.

use std::collections::HashMap;

use rusqlite::types::Value;
use rusqlite::Connection;
use serde::Serialize;

use crate::convene::rituals::{get, invalid, Ritual};
use crate::error::{Error, Result};
use crate::people::members::{person, Person};
use crate::store::library::Library;
use crate::text::validate_text;
use crate::viewer::Viewer;

/// One item on a bring list.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct BringItem {
    pub id: String,
    pub item: String,
    pub claimed_by: Option<Person>,
    pub brought: bool,
    /// Whether this member may change or remove it (who added it, a lead).
    pub can_edit: bool,
}

/// At most this many items on one gathering's list.
pub const MAX_ITEMS: usize = 60;

/// Each upcoming gathering's bring list, by key.
pub(super) fn lists(conn: &Connection, id: &str, me: &str, lead: bool) -> Result<HashMap<String, Vec<BringItem>>> {
    let rows: Vec<(String, String, String, String, i64, String)> = conn
        .prepare_cached(
            "SELECT occurrence_key, id, item, claimed_by, brought, author FROM bring_items
             WHERE ritual_id = ?1 AND deleted = 0 ORDER BY created_at, id",
        )?
        .query_map([id], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?, row.get(4)?, row.get(5)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut out: HashMap<String, Vec<BringItem>> = HashMap::new();
    for (key, item_id, item, claimed_by, brought, author) in rows {
        let claimed_by = match claimed_by.as_str() {
            "" => None,
            member => Some(person(conn, member)?),
        };
        out.entry(key).or_default().push(BringItem {
            id: item_id,
            item,
            claimed_by,
            brought: brought == 1,
            can_edit: lead || (!me.is_empty() && author == me),
        });
    }
    Ok(out)
}

/// Adds an item to the bring list of an upcoming gathering.
pub fn add_item(library: &mut Library, id: &str, key: &str, item: &str) -> Result<Ritual> {
    Viewer::me(library)?.member_id.ok_or(Error::NoIdentity)?;
    let ritual = get(library, id)?;
    let gathering = ritual
        .upcoming
        .iter()
        .find(|g| g.occurrence.key == key)
        .ok_or_else(|| invalid("occurrence", "that gathering is not among the next ones"))?;
    if gathering.bring.len() >= MAX_ITEMS {
        return Err(invalid("item", format!("a bring list holds at most {MAX_ITEMS} items")));
    }
    let item = validate_text("item", item.trim(), 120)?;
    if item.is_empty() {
        return Err(invalid("item", "say what to bring"));
    }
    library.write(|w| {
        let row = w.new_id();
        w.apply(
            "bring_items",
            &row,
            &[
                ("ritual_id", Value::Text(id.to_owned())),
                ("occurrence_key", Value::Text(key.to_owned())),
                ("item", Value::Text(item.clone())),
            ],
        )
    })?;
    get(library, id)
}

/// Claims an unclaimed item (`claim`), or lets go of one's own (a lead may free any).
pub fn claim_item(library: &mut Library, id: &str, item_id: &str, claim: bool) -> Result<Ritual> {
    let viewer = Viewer::me(library)?;
    let me = viewer.member_id.clone().ok_or(Error::NoIdentity)?;
    let item = find(library, id, item_id)?;
    let current = item.claimed_by.as_ref().map(|p| p.id.clone());
    let value = match (claim, current.as_deref()) {
        (true, None) => me,
        (true, Some(_)) => return Err(invalid("item", "someone is already bringing it")),
        (false, Some(claimer)) if claimer == me || viewer.is_lead => String::new(),
        (false, _) => {
            return Err(Error::Forbidden {
                action: "let go of this item",
                reason: "who claimed it and the leads may".into(),
            })
        }
    };
    library.write(|w| w.apply("bring_items", item_id, &[("claimed_by", Value::Text(value.clone()))]))?;
    get(library, id)
}

/// Marks an item brought (its claimer or a lead).
pub fn mark_brought(library: &mut Library, id: &str, item_id: &str, brought: bool) -> Result<Ritual> {
    let viewer = Viewer::me(library)?;
    let item = find(library, id, item_id)?;
    let claimer = item.claimed_by.as_ref().map(|p| p.id.as_str());
    if !(viewer.is_lead || (claimer.is_some() && claimer == viewer.member_id.as_deref())) {
        return Err(Error::Forbidden {
            action: "mark this item brought",
            reason: "who claimed it and the leads may".into(),
        });
    }
    library.write(|w| w.apply("bring_items", item_id, &[("brought", Value::Integer(brought.into()))]))?;
    get(library, id)
}

/// Removes an item (who added it, a lead).
pub fn remove_item(library: &mut Library, id: &str, item_id: &str) -> Result<Ritual> {
    if !find(library, id, item_id)?.can_edit {
        return Err(Error::Forbidden { action: "remove this item", reason: "who added it and the leads may".into() });
    }
    library.write(|w| w.delete("bring_items", item_id))?;
    get(library, id)
}

fn find(library: &Library, id: &str, item_id: &str) -> Result<BringItem> {
    get(library, id)?
        .upcoming
        .into_iter()
        .flat_map(|g| g.bring)
        .find(|item| item.id == item_id)
        .ok_or_else(|| Error::NotFound { entity: "item on the bring list", id: item_id.to_owned() })
}
