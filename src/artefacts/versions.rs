//! An artefact's versions (the 2019 and the 2023 t-shirt), in order, each with a status from
//! idea to retired, and, for a garment or sign, the sizes members want: each member's order is
//! sealed to the leads and that member (`store::sealing`); the leads see totals and a CSV for
//! the printer.

use rusqlite::types::Value;
use rusqlite::Connection;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::store::library::Library;
use crate::text::validate_text;
use crate::viewer::Viewer;

/// Where a version is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum VersionStatus {
    Idea,
    /// Being chosen, perhaps by a decision on an initiative's board.
    Choosing,
    Made,
    Retired,
}

impl VersionStatus {
    fn as_str(self) -> &'static str {
        match self {
            VersionStatus::Idea => "idea",
            VersionStatus::Choosing => "choosing",
            VersionStatus::Made => "made",
            VersionStatus::Retired => "retired",
        }
    }

    fn parse(text: &str) -> VersionStatus {
        match text {
            "choosing" => VersionStatus::Choosing,
            "made" => VersionStatus::Made,
            "retired" => VersionStatus::Retired,
            _ => VersionStatus::Idea,
        }
    }
}

/// What a person fills in for a version.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct VersionDraft {
    /// "2019", "Blue edition".
    pub label: String,
    pub status: VersionStatus,
    /// Sizes it comes in, in order ("S", "M", "L"); empty when members do not order it.
    pub sizes: Vec<String>,
    /// The decision (on an initiative's board) that chooses its design, if one.
    pub decision_id: Option<String>,
}

/// How many of one size.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct SizeTotal {
    pub size: String,
    pub count: u32,
}

/// One version as a member sees it.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct Version {
    pub id: String,
    #[serde(flatten)]
    pub draft: VersionDraft,
    pub position: u32,
    /// This member's order (size and count), if any.
    pub my_order: Option<SizeTotal>,
    /// For the leads: totals by size (in the version's order) and how many members ordered.
    pub totals: Option<Vec<SizeTotal>>,
    pub ordered_by: Option<u32>,
}

/// The versions of artefact `id`, in order.
pub(super) fn of(conn: &Connection, viewer: &Viewer, id: &str, _edits: bool) -> Result<Vec<Version>> {
    let rows: Vec<(String, String, String, String, String, i64)> = conn
        .prepare_cached(
            "SELECT id, label, status, sizes, decision_id, position FROM artefact_versions
             WHERE artefact_id = ?1 AND deleted = 0 ORDER BY position, created_at, id",
        )?
        .query_map([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let me = viewer.member_id.clone().unwrap_or_default();
    rows.into_iter()
        .map(|(id, label, status, sizes, decision, position)| {
            let sizes: Vec<String> = serde_json::from_str(&sizes).unwrap_or_default();
            // What this laptop may read: every order for a lead, one's own for a member.
            let orders: Vec<(String, String, u32)> = conn
                .prepare_cached(
                    "SELECT member_id, size, count FROM merch_orders
                     WHERE version_id = ?1 AND deleted = 0 AND count > 0 AND size != ''",
                )?
                .query_map([&id], |r| Ok((r.get(0)?, r.get(1)?, r.get::<_, i64>(2)?.clamp(0, 20) as u32)))?
                .collect::<rusqlite::Result<_>>()?;
            let my_order = orders
                .iter()
                .find(|(member, ..)| !me.is_empty() && *member == me)
                .map(|(_, size, count)| SizeTotal { size: size.clone(), count: *count });
            let (totals, ordered_by) = match viewer.is_lead {
                true => {
                    let totals = sizes
                        .iter()
                        .map(|size| SizeTotal {
                            size: size.clone(),
                            count: orders.iter().filter(|(_, s, _)| s == size).map(|(.., c)| c).sum(),
                        })
                        .collect();
                    (Some(totals), Some(orders.len() as u32))
                }
                false => (None, None),
            };
            Ok(Version {
                id,
                draft: VersionDraft {
                    label,
                    status: VersionStatus::parse(&status),
                    sizes,
                    decision_id: Some(decision).filter(|d| !d.is_empty()),
                },
                position: position.clamp(0, 999) as u32,
                my_order,
                totals,
                ordered_by,
            })
        })
        .collect()
}

fn columns(conn: &Connection, draft: &VersionDraft) -> Result<Vec<(&'static str, Value)>> {
    let label = validate_text("label", &draft.label, 80)?;
    if label.is_empty() {
        return Err(Error::invalid("label", "name the version (a year will do)"));
    }
    let mut sizes: Vec<String> = Vec::new();
    for size in &draft.sizes {
        let size = validate_text("sizes", size, 60)?;
        if !size.is_empty() && !sizes.contains(&size) {
            sizes.push(size);
        }
    }
    if sizes.len() > 50 {
        return Err(Error::invalid("sizes", "at most 50 sizes"));
    }
    let decision = draft.decision_id.clone().unwrap_or_default();
    if !decision.is_empty() {
        let found: bool =
            conn.query_row("SELECT count(*) > 0 FROM decisions WHERE id = ?1 AND deleted = 0", [&decision], |r| {
                r.get(0)
            })?;
        if !found {
            return Err(Error::invalid("decisionId", "that decision is not here"));
        }
    }
    Ok(vec![
        ("label", Value::Text(label)),
        ("status", Value::Text(draft.status.as_str().into())),
        ("sizes", Value::Text(serde_json::to_string(&sizes).expect("sizes serialise"))),
        ("decision_id", Value::Text(decision)),
    ])
}

/// Adds a version after the others (who added the artefact, a lead).
pub fn add(library: &mut Library, id: &str, draft: VersionDraft) -> Result<super::Artefact> {
    let artefact = super::registry::editable(library, id)?;
    if artefact.versions.len() >= 100 {
        return Err(Error::invalid("label", "an artefact keeps at most 100 versions"));
    }
    let mut columns = columns(library.conn(), &draft)?;
    let position = artefact.versions.iter().map(|v| i64::from(v.position) + 1).max().unwrap_or(0).min(999);
    columns.push(("artefact_id", Value::Text(id.to_owned())));
    columns.push(("position", Value::Integer(position)));
    library.write(|w| {
        let row = w.new_id();
        w.apply("artefact_versions", &row, &columns)
    })?;
    super::registry::get(library, id)
}

/// Changes a version (who added the artefact, a lead).
pub fn update(library: &mut Library, id: &str, version: &str, draft: VersionDraft) -> Result<super::Artefact> {
    let artefact = super::registry::editable(library, id)?;
    if !artefact.versions.iter().any(|v| v.id == version) {
        return Err(Error::NotFound { entity: "version", id: version.to_owned() });
    }
    let columns = columns(library.conn(), &draft)?;
    library.write(|w| w.apply("artefact_versions", version, &columns))?;
    super::registry::get(library, id)
}

/// Sets this member's order of a version: a size it comes in and how many (0 withdraws it).
pub fn order(library: &mut Library, id: &str, version: &str, size: &str, count: u32) -> Result<super::Artefact> {
    let me = Viewer::me(library)?.member_id.ok_or(Error::NoIdentity)?;
    let artefact = super::registry::get(library, id)?;
    let Some(found) = artefact.versions.iter().find(|v| v.id == version) else {
        return Err(Error::NotFound { entity: "version", id: version.to_owned() });
    };
    if count > 20 {
        return Err(Error::invalid("count", "at most 20"));
    }
    let size = if count == 0 { String::new() } else { size.trim().to_owned() };
    if count > 0 && !found.draft.sizes.contains(&size) {
        return Err(Error::invalid("size", format!("it comes in {}", found.draft.sizes.join(", "))));
    }
    let row = crate::ids::derived(&["merch_orders", version, &me]);
    library.write(|w| {
        w.apply(
            "merch_orders",
            &row,
            &[
                ("version_id", Value::Text(version.to_owned())),
                ("member_id", Value::Text(me.clone())),
                ("size", Value::Text(size.clone())),
                ("count", Value::Integer(i64::from(count))),
            ],
        )
    })?;
    super::registry::get(library, id)
}

/// The totals of a version as CSV for the printer (RFC 4180: `Size,Quantity` and a total
/// line), for the leads. Errors: `Forbidden` for anyone else.
pub fn orders_csv(library: &Library, id: &str, version: &str) -> Result<String> {
    let artefact = super::registry::get(library, id)?;
    let Some(found) = artefact.versions.iter().find(|v| v.id == version) else {
        return Err(Error::NotFound { entity: "version", id: version.to_owned() });
    };
    let Some(totals) = &found.totals else {
        return Err(Error::Forbidden { action: "read everyone's sizes", reason: "the leads may".into() });
    };
    let mut writer = csv::Writer::from_writer(Vec::new());
    let failed = |e: csv::Error| Error::invalid("csv", e.to_string());
    writer.write_record(["Size", "Quantity"]).map_err(failed)?;
    for total in totals {
        writer
            .write_record([crate::people::exchange::spreadsheet_safe(total.size.clone()), total.count.to_string()])
            .map_err(failed)?;
    }
    let all: u32 = totals.iter().map(|t| t.count).sum();
    writer.write_record(["Total".to_owned(), all.to_string()]).map_err(failed)?;
    let bytes = writer.into_inner().map_err(|e| Error::invalid("csv", e.to_string()))?;
    Ok(String::from_utf8(bytes).expect("CSV of strings is UTF-8"))
}
