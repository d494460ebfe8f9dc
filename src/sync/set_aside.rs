//! What merge set aside, as the leads see it, and releasing it.

use std::collections::BTreeMap;

use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::store::library::Library;
use crate::store::write::{Hlc, SYNCED_TABLES};
use crate::sync::ops::merge_ops;
use crate::sync::ops::MergeReport;
use crate::sync::ops::Op;
use crate::sync::ops::AHEAD_OF_CLOCK;
use crate::sync::ops::VOUCH_LIMIT_MS;
use crate::sync::roster::{self};

/// Changes another laptop sent to one row that this laptop set aside for one reason, as the
/// leads see them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct SetAside {
    /// Names them for [`release_set_aside`].
    pub id: String,
    /// What they change, in words ("initiatives: title, status").
    pub what: String,
    /// How many column changes.
    pub changes: u32,
    /// Who they say wrote them (their name, or their id when unknown here).
    pub by: String,
    /// When their laptop says the newest was written.
    pub at: crate::clock::Millis,
    pub reason: String,
    /// Set aside for now (stamped ahead of this laptop's clock, waiting for their row or their
    /// writer's promotion, written by a newer Hearth): they merge by themselves when they can.
    pub waiting: bool,
    /// A lead may merge them now: they wait only for this laptop's clock (the other laptop's
    /// clock runs fast), and are still checked by the write rules.
    pub can_merge_now: bool,
}

pub(crate) const PARKED_REASON: &str = "written by a newer Hearth: merged after an update";

/// The set-aside ops of one group (table, row, reason, author), or all of them.
pub(crate) fn set_aside_ops(conn: &Connection) -> Result<Vec<(Op, String, bool)>> {
    Ok(conn
        .prepare(
            "SELECT hlc, tbl, row_id, col, value, author, reason, retry FROM quarantined_ops
             UNION ALL SELECT hlc, tbl, row_id, col, value, author, ?1, 1 FROM parked_ops
             ORDER BY 1 DESC",
        )?
        .query_map([PARKED_REASON], |row| Ok((Op::from_row(row, 0)?, row.get(6)?, row.get(7)?)))?
        .collect::<rusqlite::Result<_>>()?)
}

pub(crate) fn group_id(op: &Op, reason: &str) -> String {
    let key = format!("{}\n{}\n{}\n{reason}", op.table, op.row, op.author);
    blake3::hash(key.as_bytes()).to_hex()[..32].to_owned()
}

/// What this laptop set aside from other laptops' segments, grouped by row and reason,
/// newest first (leads only: it may hold what members wrote about others).
pub fn set_aside_changes(library: &Library) -> Result<Vec<SetAside>> {
    if !crate::viewer::Viewer::me(library)?.is_lead {
        return Err(Error::Forbidden {
            action: "see changes set aside",
            reason: "only the community's leads may".into(),
        });
    }
    let conn = library.conn();
    let mut groups: Vec<SetAside> = Vec::new();
    let mut columns: std::collections::HashMap<String, Vec<String>> = std::collections::HashMap::new();
    for (op, reason, waiting) in set_aside_ops(conn)? {
        let id = group_id(&op, &reason);
        let named = columns.entry(id.clone()).or_default();
        if !named.contains(&op.column) {
            named.push(op.column.clone());
        }
        if let Some(group) = groups.iter_mut().find(|g| g.id == id) {
            group.changes += 1;
            continue;
        }
        let by: Option<String> = conn
            .prepare_cached("SELECT display_name FROM members WHERE id = ?1")?
            .query_row([&op.author], |r| r.get(0))
            .optional()?;
        groups.push(SetAside {
            id,
            what: op.table.clone(),
            changes: 1,
            by: by.unwrap_or_else(|| op.author.clone()),
            at: crate::clock::Millis(Hlc::parse(&op.hlc).map(|h| h.millis).unwrap_or(0)),
            can_merge_now: reason == AHEAD_OF_CLOCK
                && Hlc::parse(&op.hlc).is_some_and(|hlc| hlc.millis <= library.now().0 + VOUCH_LIMIT_MS),
            reason,
            waiting,
        });
        if groups.len() >= 500 {
            break;
        }
    }
    let now = library.now().0;
    for group in &mut groups {
        if group.reason == AHEAD_OF_CLOCK {
            // The cause in words: whose clock, and how far ahead (the stamp past this clock).
            let ahead = group.at.0 - now;
            group.reason = match ahead > crate::sync::FUTURE_LIMIT_MS {
                true => format!(
                    "{}'s laptop's clock was {} ahead of this one's: these merge by themselves when this laptop's clock gets there",
                    group.by,
                    crate::clock::span_words(ahead)
                ),
                false => format!("{}'s laptop's clock was ahead of this one's: these merge at the next sync", group.by),
            };
        }
        // In the schema's order, as a person reads the row.
        let table = std::mem::take(&mut group.what);
        let noun = crate::store::rules::a(crate::store::rules::noun(&table));
        let mut words = noun.chars();
        group.what = words.next().map(|first| first.to_uppercase().chain(words).collect()).unwrap_or_default();
        let order = SYNCED_TABLES.iter().find(|(t, _)| *t == table).map(|(_, columns)| *columns).unwrap_or(&[]);
        let mut named = columns[&group.id].clone();
        named.sort_by_key(|c| order.iter().position(|o| o == c).unwrap_or(usize::MAX));
        let shown: Vec<String> = named
            .iter()
            .filter(|c| !crate::store::write::ROW_COLUMNS.contains(&c.as_str()))
            .map(|c| c.replace('_', " "))
            .collect();
        if !shown.is_empty() {
            group.what = format!("{}: {}", group.what, shown.join(", "));
        }
    }
    Ok(groups)
}

/// A lead releases changes set aside: those that wait only for this laptop's clock merge now
/// (still checked by the write rules); any others are let go, no longer kept or tried.
pub fn release_set_aside(library: &mut Library, id: &str) -> Result<MergeReport> {
    if !crate::viewer::Viewer::me(library)?.is_lead {
        return Err(Error::Forbidden {
            action: "release changes set aside",
            reason: "only the community's leads may".into(),
        });
    }
    let group: Vec<(Op, String, bool)> =
        set_aside_ops(library.conn())?.into_iter().filter(|(op, reason, _)| group_id(op, reason) == id).collect();
    if group.is_empty() {
        return Err(Error::NotFound { entity: "change set aside", id: id.to_owned() });
    }
    for (op, _, _) in &group {
        for from in ["quarantined_ops", "parked_ops"] {
            library.conn().execute(
                &format!("DELETE FROM {from} WHERE hlc = ?1 AND tbl = ?2 AND row_id = ?3 AND col = ?4"),
                params![op.hlc, op.table, op.row, op.column],
            )?;
        }
    }
    // A lead vouches for a clock that runs fast, not for one a day or more ahead: such a stamp
    // would win every later edit of its column on every laptop.
    let now = library.now().0;
    let ahead: Vec<Op> = group
        .into_iter()
        .filter(|(op, reason, _)| {
            reason == AHEAD_OF_CLOCK && Hlc::parse(&op.hlc).is_some_and(|hlc| hlc.millis <= now + VOUCH_LIMIT_MS)
        })
        .map(|(op, ..)| op)
        .collect();
    let mut report = MergeReport::default();
    let trust_root = roster::trust_root(library)?;
    let mut by_device: BTreeMap<String, Vec<Op>> = BTreeMap::new();
    for op in ahead {
        by_device.entry(Hlc::parse(&op.hlc).map(|h| h.device).unwrap_or_default()).or_default().push(op);
    }
    for (device, mut ops) in by_device {
        let entry: Option<(String, String)> = library
            .conn()
            .query_row("SELECT member_id, public_key FROM devices WHERE id = ?1 AND deleted = 0", [&device], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .optional()?;
        let Some((member, key)) = entry else { continue };
        ops.sort_by(|a, b| a.hlc.cmp(&b.hlc));
        let admitted = roster::Admitted { member, root: key == trust_root };
        // The lead vouches for the writer's clock: merged now, checked as any other.
        let (merged, _) = merge_ops(library, &ops, None, Some((&device, &admitted, &key)), true)?;
        report.applied += merged.applied;
        report.refused += merged.refused;
    }
    if report.applied > 0 {
        crate::store::search::rebuild(library.conn())?;
    }
    Ok(report)
}
