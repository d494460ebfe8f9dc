//! Judging another laptop's writes as the window judges its own: a write at a time, whole,
//! against the write rules (`store::rules`), on the rows as they stand.

use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension};

use crate::error::Result;
use crate::store::write::Hlc;
use crate::sync::ops::known;
use crate::sync::ops::Op;
use crate::sync::roster::{self};

/// A row's values as a segment leaves them: its ops for the row, else the database's.
pub(crate) struct SegmentRow<'a> {
    conn: &'a Connection,
    table: &'a str,
    row: &'a str,
    values: Option<&'a std::collections::HashMap<String, Value>>,
}

impl crate::store::rules::RowValues for SegmentRow<'_> {
    fn get(&self, column: &str) -> Option<Value> {
        if let Some(value) = self.values.and_then(|values| values.get(column)) {
            return Some(value.clone());
        }
        if !known(self.table, column) {
            return None;
        }
        self.conn
            .prepare_cached(&format!("SELECT {column} FROM {} WHERE id = ?1", self.table))
            .and_then(|mut stmt| stmt.query_row([self.row], |row| row.get(0)).optional())
            .ok()
            .flatten()
    }
}

/// Why an op from another device is not merged now.
#[derive(Clone)]
pub(crate) enum Held {
    /// Refused, with why; `retry` when only its writer's role, or a member's consent, stood
    /// in the way (their promotion or their yes may not have arrived yet).
    Refused(String, bool),
    /// A change to a row this replica does not hold yet, which its segment does not create, or
    /// that refers to one that has not arrived.
    Waiting,
    /// A second creation's stamps (`author`, `created_at`, `deleted` = 0) on a row another
    /// laptop created first: the first creation stands.
    Superseded,
}

/// One write as it travels: the ops of one row that share a clock, with their author.
pub(crate) type BatchKey = (String, String, String);

/// Checks ops from one admitted device against the write rules ([`crate::store::rules`]) as the
/// window checks a screen's writes: a write at a time (the ops one write made share a clock),
/// judged whole before any of it is stored, on the row as the database holds it then (the
/// merge so far included) with the write's own values over it. A write is merged whole or not
/// at all. Owners and everything else come from the database, never from what the ops claim.
pub(crate) struct Checker<'a> {
    pub(crate) device: &'a str,
    pub(crate) admitted: &'a roster::Admitted,
    /// The key that signed the ops.
    pub(crate) signer: &'a str,
    /// Each write's ops: column, value and the author it claims.
    pub(crate) batches: std::collections::HashMap<BatchKey, Vec<(String, Value, String)>>,
    /// Each write's verdict by column, decided when its first op comes.
    pub(crate) verdicts:
        std::cell::RefCell<std::collections::HashMap<BatchKey, std::collections::HashMap<String, Option<Held>>>>,
}

impl<'a> Checker<'a> {
    pub(crate) fn new(device: &'a str, admitted: &'a roster::Admitted, signer: &'a str, ops: &[Op]) -> Checker<'a> {
        let mut batches: std::collections::HashMap<BatchKey, Vec<(String, Value, String)>> =
            std::collections::HashMap::new();
        for op in ops.iter().filter(|op| known(&op.table, &op.column)) {
            batches.entry((op.table.clone(), op.row.clone(), op.hlc.clone())).or_default().push((
                op.column.clone(),
                op.value.to_value(),
                op.author.clone(),
            ));
        }
        Checker { device, admitted, signer, batches, verdicts: Default::default() }
    }

    /// None when the op may be merged now.
    pub(crate) fn check(&self, conn: &Connection, op: &Op) -> Result<Option<Held>> {
        // Unknown tables and columns are parked by the merge, for after an upgrade.
        if !known(&op.table, &op.column) {
            return Ok(None);
        }
        let key = (op.table.clone(), op.row.clone(), op.hlc.clone());
        if !self.verdicts.borrow().contains_key(&key) {
            let verdict = self.judge(conn, &key)?;
            self.verdicts.borrow_mut().insert(key.clone(), verdict);
        }
        Ok(self.verdicts.borrow()[&key].get(&op.column).cloned().flatten())
    }

    /// The verdict on one write, by column.
    pub(crate) fn judge(
        &self,
        conn: &Connection,
        key: &BatchKey,
    ) -> Result<std::collections::HashMap<String, Option<Held>>> {
        let (table, row_id, hlc) = key;
        let ops = &self.batches[key];
        let every = |held: Option<Held>| ops.iter().map(|(column, ..)| (column.clone(), held.clone())).collect();
        // One write sets each field once, as one member: anything else is a crafted write
        // that would show the rules one value and store another.
        let mut columns = std::collections::HashSet::new();
        if !ops.iter().all(|(column, ..)| columns.insert(column.as_str())) {
            return Ok(every(Some(Held::Refused("writes one field twice in one change".into(), false))));
        }
        if ops.iter().any(|(.., author)| *author != ops[0].2) {
            return Ok(every(Some(Held::Refused("claims two writers for one change".into(), false))));
        }
        let values: std::collections::HashMap<String, Value> =
            ops.iter().map(|(column, value, _)| (column.clone(), value.clone())).collect();
        let member = if self.admitted.root { ops[0].2.as_str() } else { self.admitted.member.as_str() };
        let exists = row_exists(conn, table, row_id)?;
        let claimed = values.get("author");
        if !exists && claimed.is_none() {
            return Ok(every(Some(Held::Waiting)));
        }
        let row = SegmentRow { conn, table, row: row_id, values: Some(&values) };
        // A second creation of a row two laptops may make at once: its stamps give way to the
        // first creation's (for a member, the earliest stands everywhere: who wrote a profile
        // grants nothing, a profile is its member's).
        let recreating = exists
            && claimed == Some(&Value::Text(member.to_owned()))
            && crate::store::rules::SHARED_ROWS.contains(&table.as_str());
        let mut verdict: std::collections::HashMap<String, Option<Held>> = std::collections::HashMap::new();
        let mut refusals: Vec<(String, bool)> = Vec::new();
        let mut waits = false;
        for (column, value, _) in ops {
            if recreating
                && (matches!(column.as_str(), "author" | "created_at")
                    || (column == "deleted" && *value == Value::Integer(0)))
            {
                let keeps_earliest = table == "members" && column != "deleted";
                verdict.insert(column.clone(), if keeps_earliest { None } else { Some(Held::Superseded) });
            }
            // What a value is never depends on what has arrived: refused at once.
            if let Err(reason) = crate::store::rules::intrinsic(table, row_id, column, value, &row) {
                refusals.push((reason.clone(), false));
                verdict.insert(column.clone(), Some(Held::Refused(reason, false)));
            }
        }
        if refusals.is_empty() {
            // A write that refers to a row that has not arrived here waits for it.
            for (_, column, refers_to) in crate::store::rules::REFERENCES.iter().filter(|(t, ..)| t == table) {
                if exists && !values.contains_key(*column) {
                    continue;
                }
                let target = match crate::store::rules::RowValues::get(&row, column) {
                    Some(Value::Text(id)) if !id.is_empty() => id,
                    _ => continue,
                };
                waits |= !row_exists(conn, refers_to, &target)?;
            }
        }
        if refusals.is_empty() && !waits {
            let actor = self.actor(conn, member, hlc)?;
            let as_lead = crate::store::rules::Actor { lead: true, ..actor.clone() };
            for (column, value, _) in ops {
                if verdict.contains_key(column) {
                    continue;
                }
                let change = crate::store::rules::Change {
                    table,
                    row: row_id,
                    column,
                    value,
                    creating: !exists,
                    signer: Some(self.signer),
                    device: self.device,
                    at: Hlc::parse(hlc).map(|hlc| hlc.millis).unwrap_or(i64::MAX),
                };
                // Every value of the write passed `intrinsic` above.
                if let Err(reason) = crate::store::rules::allowed(conn, &actor, &change, &row)? {
                    // Tried again later when only its writer's role stood in the way (their
                    // promotion may not have arrived), or a member's consent to be tagged.
                    let retry = (!actor.lead && crate::store::rules::allowed(conn, &as_lead, &change, &row)?.is_ok())
                        || reason.contains("without their yes");
                    refusals.push((reason.clone(), retry));
                    verdict.insert(column.clone(), Some(Held::Refused(reason, retry)));
                }
            }
        }
        if let Some((first, _)) = refusals.first() {
            // A write is merged whole or not at all, as the window's is.
            let retry = refusals.iter().all(|(_, retry)| *retry);
            let reason = format!("belongs to a change that was refused ({first})");
            for (column, ..) in ops {
                let own = match verdict.get(column) {
                    Some(Some(Held::Refused(reason, _))) => reason.clone(),
                    Some(Some(Held::Superseded)) => continue,
                    _ => reason.clone(),
                };
                verdict.insert(column.clone(), Some(Held::Refused(own, retry)));
            }
            return Ok(verdict);
        }
        if waits {
            return Ok(every(Some(Held::Waiting)));
        }
        for (column, ..) in ops {
            verdict.entry(column.clone()).or_insert(None);
        }
        Ok(verdict)
    }

    /// The writer as this replica knows them at the write's clock: a lead only for what they
    /// wrote after they became one (a refused write retried after a promotion does not become
    /// good by it).
    pub(crate) fn actor(&self, conn: &Connection, member: &str, hlc: &str) -> Result<crate::store::rules::Actor> {
        let mut actor = crate::store::rules::Actor::of(conn, member, self.admitted.root)?;
        if actor.lead && !member.is_empty() {
            let promoted: Option<String> = conn
                .prepare_cached("SELECT hlc FROM column_clocks WHERE tbl = 'members' AND row_id = ?1 AND col = 'role'")?
                .query_row([member], |r| r.get(0))
                .optional()?;
            if promoted.is_some_and(|promoted| promoted.as_str() > hlc) {
                actor.lead = false;
            }
        }
        Ok(actor)
    }
}

pub(crate) fn row_exists(conn: &Connection, table: &str, row: &str) -> Result<bool> {
    // Table names come from the registry (known() or the rules' tables), never from an op.
    Ok(conn
        .prepare_cached(&format!("SELECT 1 FROM {table} WHERE id = ?1"))?
        .query_row([row], |_| Ok(()))
        .optional()?
        .is_some())
}
