//! Ops and their merge: per-column last-writer-wins by hybrid logical clock, what is set aside
//! (and tried again), and the losing versions of long texts kept as revisions.

use std::collections::BTreeMap;

use base64::Engine;
use rusqlite::types::Value;
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::store::library::{self, Library};
use crate::store::write::{Hlc, SYNCED_TABLES};
use crate::sync::check::Checker;
use crate::sync::check::Held;
use crate::sync::roster::{self};
use crate::sync::FUTURE_LIMIT_MS;

/// One change to one column, as it travels.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Op {
    pub hlc: String,
    pub table: String,
    pub row: String,
    pub column: String,
    pub value: Cell,
    pub author: String,
}

impl Op {
    /// An op from six columns of a row (hlc, table, row, column, value, author) starting at
    /// `first`: how the op log and the set-aside tables store them.
    pub(crate) fn from_row(row: &rusqlite::Row, first: usize) -> rusqlite::Result<Op> {
        Ok(Op {
            hlc: row.get(first)?,
            table: row.get(first + 1)?,
            row: row.get(first + 2)?,
            column: row.get(first + 3)?,
            value: Cell::from_value(row.get(first + 4)?),
            author: row.get(first + 5)?,
        })
    }
}

/// A column value that keeps SQLite's types apart (an integer stays an integer).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Cell {
    Null,
    Integer(i64),
    Real(f64),
    Text(String),
    Blob(String),
}

impl Cell {
    pub(crate) fn from_value(value: Value) -> Cell {
        match value {
            Value::Null => Cell::Null,
            Value::Integer(i) => Cell::Integer(i),
            Value::Real(r) => Cell::Real(r),
            Value::Text(t) => Cell::Text(t),
            Value::Blob(b) => Cell::Blob(base64::engine::general_purpose::STANDARD.encode(b)),
        }
    }

    pub(crate) fn to_value(&self) -> Value {
        match self {
            Cell::Null => Value::Null,
            Cell::Integer(i) => Value::Integer(*i),
            Cell::Real(r) => Value::Real(*r),
            Cell::Text(t) => Value::Text(t.clone()),
            Cell::Blob(b) => Value::Blob(base64::engine::general_purpose::STANDARD.decode(b).unwrap_or_default()),
        }
    }
}

/// What a merge did.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct MergeReport {
    /// Ops whose value now stands.
    pub applied: u32,
    /// Ops older than what the library already had (or already merged).
    pub superseded: u32,
    /// Ops for tables or columns this version does not know, kept for after an upgrade.
    pub parked: u32,
    /// Ops stamped too far in the future, kept aside and not merged.
    pub quarantined: u32,
    /// Ops their signer may not write (another member's profile, a lead's setting), kept
    /// aside and not merged.
    pub refused: u32,
    /// Changes to rows that have not arrived yet (another laptop's segment creates them),
    /// kept aside and merged once they have.
    #[serde(default)]
    pub waiting: u32,
}

pub(crate) fn known(table: &str, column: &str) -> bool {
    SYNCED_TABLES.iter().any(|(t, columns)| {
        *t == table && (columns.contains(&column) || crate::store::write::ROW_COLUMNS.contains(&column))
    })
}

/// Merges ops (from this device or any other) by per-column last-writer-wins. Idempotent and
/// order-independent: the same set of ops, in any order, with repeats, gives the same tables.
pub fn merge(library: &mut Library, ops: &[Op]) -> Result<MergeReport> {
    let (report, _) = merge_ops(library, ops, None, None, false)?;
    if report.applied > 0 {
        crate::store::search::rebuild(library.conn())?;
    }
    Ok(report)
}

/// [`merge`] without refreshing the search index, for callers that merge several batches
/// and refresh it once. `segment` (device, number) is recorded as merged in the same
/// transaction, so a crash never leaves a segment applied but unrecorded. With `check`, each
/// op is first checked against the write rules as its device's member (one op at a time, on
/// the tables as the ops before it left them, as the window checks a screen's writes); what
/// is refused or waits is set aside with why, and listed by reason. `vouched`: a lead vouches
/// for the ops' clocks, so one stamped ahead merges now.
pub(crate) fn merge_ops(
    library: &mut Library,
    ops: &[Op],
    segment: Option<(&str, u64)>,
    check: Option<(&str, &roster::Admitted, &str)>,
    vouched: bool,
) -> Result<(MergeReport, BTreeMap<String, u32>)> {
    library.ensure_writable()?;
    let now = library.now();
    let tx = library.conn_mut().transaction()?;
    let checker = check.map(|(device, admitted, signer)| Checker::new(device, admitted, signer, ops));
    let mut report = MergeReport::default();
    let mut newest: Option<Hlc> = None;
    let mut held: Vec<(&Op, String, bool)> = Vec::new();
    for op in ops {
        let Some(hlc) = Hlc::parse(&op.hlc) else {
            held.push((
                op,
                "stamped with a clock that is not one (a counter past its limit, a wrong width)".into(),
                false,
            ));
            continue;
        };
        // Who may speak for the device is settled before anything is set aside for later.
        if let Some(checker) = &checker {
            if let Err(reason) = roster::speaks_for(checker.device, checker.admitted, op) {
                held.push((op, reason, false));
                continue;
            }
        }
        if hlc.millis > now.0 + FUTURE_LIMIT_MS && !vouched {
            report.quarantined += 1;
            set_aside(&tx, op, AHEAD_OF_CLOCK, true)?;
            continue;
        }
        if let Some(checker) = &checker {
            match checker.check(&tx, op)? {
                None => {}
                Some(Held::Superseded) => {
                    report.superseded += 1;
                    continue;
                }
                Some(Held::Waiting) => {
                    report.waiting += 1;
                    set_aside(&tx, op, WAITING_FOR_ROW, true)?;
                    continue;
                }
                Some(Held::Refused(reason, retry)) => {
                    held.push((op, reason, retry));
                    continue;
                }
            }
        }
        if !known(&op.table, &op.column) {
            report.parked += 1;
            tx.prepare_cached(
                    "INSERT OR IGNORE INTO parked_ops (hlc, tbl, row_id, col, value, author) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                )?
                .execute(params![op.hlc, op.table, op.row, op.column, op.value.to_value(), op.author])?;
            continue;
        }
        // One op from another laptop that cannot be stored (a value the schema refuses after
        // all) is set aside with why; it never stops the merge of the others. This
        // laptop's own ops need no such guard.
        let guarded = checker.is_some();
        if guarded {
            tx.prepare_cached("SAVEPOINT op")?.execute([])?;
        }
        match apply(&tx, op, now.0) {
            Ok(applied) => {
                if guarded {
                    tx.prepare_cached("RELEASE op")?.execute([])?;
                }
                if applied {
                    report.applied += 1;
                } else {
                    report.superseded += 1;
                }
            }
            Err(Error::Sqlite(e)) if guarded => {
                tx.execute_batch("ROLLBACK TO op; RELEASE op")?;
                held.push((op, format!("could not be stored ({e})"), false));
                continue;
            }
            Err(other) => return Err(other),
        }
        if newest.as_ref().is_none_or(|n| (hlc.millis, hlc.counter) > (n.millis, n.counter)) {
            newest = Some(hlc);
        }
    }
    let mut reasons: BTreeMap<String, u32> = BTreeMap::new();
    for (op, reason, retry) in held {
        set_aside(&tx, op, &reason, retry)?;
        report.refused += 1;
        *reasons.entry(reason).or_default() += 1;
    }
    // This device's next writes must come after everything it has seen.
    if let Some(newest) = newest {
        catch_up_clock(&tx, newest, now.0)?;
    }
    if let Some((device, seq)) = segment {
        tx.execute("INSERT OR IGNORE INTO merged_segments (device, seq) VALUES (?1, ?2)", params![device, seq as i64])?;
    }
    tx.commit()?;
    Ok((report, reasons))
}

/// Moves this laptop's clock past `newest` (a merged op's), but never past a little ahead of
/// its own wall clock: a far-future stamp must not drag its next edits along (ops beyond that
/// are set aside).
fn catch_up_clock(conn: &Connection, newest: Hlc, now: i64) -> Result<()> {
    let last: Option<String> = conn
        .prepare_cached("SELECT value FROM local_settings WHERE key = 'hlc'")?
        .query_row([], |row| row.get(0))
        .optional()?;
    let behind =
        last.as_deref().and_then(Hlc::parse).is_none_or(|l| (l.millis, l.counter) < (newest.millis, newest.counter));
    if behind {
        let newest = match newest.millis > now + FUTURE_LIMIT_MS {
            true => Hlc { millis: now + FUTURE_LIMIT_MS, counter: 0, ..newest },
            false => newest,
        };
        let seen = Hlc { device: library_device(conn)?, ..newest };
        conn.execute("INSERT OR REPLACE INTO local_settings (key, value) VALUES ('hlc', ?1)", [seen.to_string()])?;
    }
    Ok(())
}

pub(crate) fn library_device(conn: &Connection) -> Result<String> {
    Ok(library::get_local(conn, "device")?.unwrap_or_default())
}

/// Keeps an op aside with why; `retry` when a later sync may merge it (its clock is ahead, its
/// row or its writer's promotion has not arrived).
pub(crate) fn set_aside(conn: &Connection, op: &Op, reason: &str, retry: bool) -> Result<()> {
    conn.prepare_cached(
        "INSERT OR REPLACE INTO quarantined_ops (hlc, tbl, row_id, col, value, author, reason, retry)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?
    .execute(params![op.hlc, op.table, op.row, op.column, op.value.to_value(), op.author, reason, retry])?;
    Ok(())
}

/// Long texts whose losing version of a concurrent edit is kept as a revision.
pub const LONG_TEXTS: &[(&str, &str)] = &[
    ("stories", "body"),
    ("moments", "story"),
    ("moments", "learned"),
    ("moments", "description"),
    ("initiatives", "difference"),
    ("initiatives", "reflection"),
    ("community", "description"),
    ("members", "bio"),
];

/// What a long text is, in words: "a moment's “what happened”".
pub fn long_text_label(table: &str, column: &str) -> String {
    match (table, column) {
        ("stories", "body") => "a story",
        ("moments", "story") => "a moment's “what happened”",
        ("moments", "learned") => "a moment's “what we learned”",
        ("moments", "description") => "a moment's description",
        ("initiatives", "difference") => "an initiative's “difference it should make”",
        ("initiatives", "reflection") => "an initiative's reflection",
        ("community", "description") => "the community's description",
        ("members", "bio") => "a member's “about me”",
        _ => "a text",
    }
    .to_owned()
}

/// Keeps the version of a long text that lost, unless it is empty or the same as what stands.
pub(crate) fn keep_revision(
    conn: &Connection,
    op: &Op,
    value: &Value,
    hlc: &str,
    author: &str,
    now: i64,
) -> Result<()> {
    let Value::Text(text) = value else { return Ok(()) };
    let winner: Option<String> = match &op.value {
        Cell::Text(t) if hlc != op.hlc => Some(t.clone()),
        _ => None,
    };
    if text.trim().is_empty() || winner.as_deref() == Some(text.as_str()) {
        return Ok(());
    }
    conn.prepare_cached(
        "INSERT OR IGNORE INTO revisions (tbl, row_id, col, value, hlc, author, kept_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![op.table, op.row, op.column, text, hlc, author, now])?;
    Ok(())
}

/// Sets the column if the op's clock is newer than the column's; true when it did.
pub(crate) fn apply(conn: &Connection, op: &Op, now: i64) -> Result<bool> {
    let current: Option<String> = conn
        .prepare_cached("SELECT hlc FROM column_clocks WHERE tbl = ?1 AND row_id = ?2 AND col = ?3")?
        .query_row(params![op.table, op.row, op.column], |row| row.get(0))
        .optional()?;
    // Table and column names come from the registry, never from the op.
    let (table, columns) = SYNCED_TABLES.iter().find(|(t, _)| *t == op.table).expect("known() checked the table");
    let column = columns
        .iter()
        .chain(crate::store::write::ROW_COLUMNS.iter())
        .find(|c| **c == op.column)
        .expect("known() checked the column");
    let long_text = LONG_TEXTS.contains(&(table, column));
    if let Some(current) = current.as_deref().and_then(Hlc::parse) {
        let incoming = Hlc::parse(&op.hlc).expect("parsed by the caller");
        // Ties break on the device id, so every replica picks the same winner.
        let mut order = (incoming.millis, incoming.counter, incoming.device.as_str()).cmp(&(
            current.millis,
            current.counter,
            current.device.as_str(),
        ));
        // Who created a row, and when, is set once: of two creations of a shared row (the
        // same photo imported on two laptops) the earliest stands everywhere.
        if *table == "members" && matches!(*column, "author" | "created_at") {
            order = order.reverse();
        }
        match order {
            std::cmp::Ordering::Less => {
                if long_text && incoming.device != current.device {
                    keep_revision(conn, op, &op.value.to_value(), &op.hlc, &op.author, now)?;
                }
                return Ok(false);
            }
            std::cmp::Ordering::Equal => {
                // The same clock twice (a replay, or a tampered segment): the larger value wins
                // everywhere, so replicas still agree.
                let stored: Value = conn
                    .prepare_cached(&format!("SELECT {column} FROM {table} WHERE id = ?1"))?
                    .query_row([&op.row], |row| row.get(0))
                    .optional()?
                    .unwrap_or(Value::Null);
                if format!("{:?}", op.value.to_value()) <= format!("{stored:?}") {
                    return Ok(false);
                }
            }
            std::cmp::Ordering::Greater => {
                if long_text && incoming.device != current.device {
                    let stored: Value = conn
                        .prepare_cached(&format!("SELECT {column} FROM {table} WHERE id = ?1"))?
                        .query_row([&op.row], |row| row.get(0))
                        .optional()?
                        .unwrap_or(Value::Null);
                    let current_text = current.to_string();
                    let author: String = conn
                        .prepare_cached(
                            "SELECT author FROM ops WHERE hlc = ?1 AND tbl = ?2 AND row_id = ?3 AND col = ?4",
                        )?
                        .query_row(params![current_text, op.table, op.row, op.column], |row| row.get(0))
                        .optional()?
                        .unwrap_or_default();
                    keep_revision(conn, op, &stored, &current_text, &author, now)?;
                }
            }
        }
    }
    conn.prepare_cached(&format!("INSERT INTO {table} (id) VALUES (?1) ON CONFLICT (id) DO NOTHING"))?
        .execute([&op.row])?;
    conn.prepare_cached(&format!("UPDATE {table} SET {column} = ?1 WHERE id = ?2"))?
        .execute(params![op.value.to_value(), op.row])?;
    conn.prepare_cached(
        "INSERT INTO column_clocks (tbl, row_id, col, hlc) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (tbl, row_id, col) DO UPDATE SET hlc = excluded.hlc",
    )?
    .execute(params![op.table, op.row, op.column, op.hlc])?;
    Ok(true)
}

/// Why an op is set aside until the row it changes arrives (from another laptop's segment).
pub(crate) const WAITING_FOR_ROW: &str = "waits for the row it changes";

/// How far ahead of this laptop's clock a lead may vouch for another laptop's (a day).
pub(crate) const VOUCH_LIMIT_MS: i64 = 24 * 3600 * 1000;

/// The most set-aside ops tried again at one sync (the oldest first): a member who floods the
/// set-aside list slows no sync down.
pub(crate) const RETRY_LIMIT: i64 = 20_000;

/// Why an op is set aside until this laptop's clock comes near it.
pub(crate) const AHEAD_OF_CLOCK: &str = "stamped ahead of this device's clock";

/// Tries again what was set aside: changes that waited for their row, ops stamped ahead of
/// this laptop's clock that it has now reached, and parked ops this version now knows (after
/// an upgrade). Each is checked as when it first came, by the device that wrote it.
pub(crate) fn retry_set_aside(library: &mut Library) -> Result<MergeReport> {
    let now = library.now().0;
    let trust_root = roster::trust_root(library)?;
    let conn = library.conn();
    let read = |sql: &str, reasons: &[&str]| -> Result<Vec<Op>> {
        Ok(conn
            .prepare(sql)?
            .query_map(rusqlite::params_from_iter(reasons), |row| Op::from_row(row, 0))?
            .collect::<rusqlite::Result<_>>()?)
    };
    let mut candidates =
        read(&format!("SELECT hlc, tbl, row_id, col, value, author FROM quarantined_ops WHERE retry = 1 ORDER BY hlc LIMIT {RETRY_LIMIT}"), &[])?;
    candidates.retain(|op| Hlc::parse(&op.hlc).is_some_and(|hlc| hlc.millis <= now + FUTURE_LIMIT_MS));
    // Parked ops are looked at again only after an upgrade (a newer schema may know them).
    let version = crate::store::db::user_version(conn)?.to_string();
    let parked: Vec<Op> = match library::get_local(conn, "parked_checked_at")?.as_deref() == Some(version.as_str()) {
        true => Vec::new(),
        false => {
            library::set_local(conn, "parked_checked_at", &version)?;
            read("SELECT hlc, tbl, row_id, col, value, author FROM parked_ops ORDER BY hlc", &[])?
                .into_iter()
                .filter(|op| known(&op.table, &op.column))
                .collect()
        }
    };
    if candidates.is_empty() && parked.is_empty() {
        return Ok(MergeReport::default());
    }
    let mut by_device: BTreeMap<String, Vec<Op>> = BTreeMap::new();
    for op in candidates.iter().chain(&parked) {
        if let Some(hlc) = Hlc::parse(&op.hlc) {
            by_device.entry(hlc.device).or_default().push(op.clone());
        }
    }
    let mut report = MergeReport::default();
    for (device, ops) in by_device {
        let entry: Option<(String, String, bool)> = library
            .conn()
            .prepare("SELECT member_id, public_key, deleted FROM devices WHERE id = ?1")?
            .query_row([&device], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))
            .optional()?;
        let (admitted, key) = match entry {
            Some((_, _, true)) => continue,
            Some((member, key, false)) => (roster::Admitted { member, root: key == trust_root }, key),
            // A laptop whose own roster entry was set aside (its clock ran ahead when it
            // joined): let in now from that entry, checked as its segment was, once this
            // laptop's clock has reached it; otherwise it would stay out for good.
            None => {
                let claimed =
                    ops.iter().find(|op| op.table == "devices" && op.row == device && op.column == "public_key");
                let Some(Cell::Text(key)) = claimed.map(|op| op.value.clone()) else { continue };
                match roster::admit_ops(library.conn(), &trust_root, &device, &ops, &key, library.now())? {
                    Ok(admitted) => (admitted, key),
                    Err(_) => continue,
                }
            }
        };
        // Taken out of where they wait; the merge sets aside again whatever still must wait.
        for op in &ops {
            for table in ["quarantined_ops", "parked_ops"] {
                library
                    .conn()
                    .prepare_cached(&format!(
                        "DELETE FROM {table} WHERE hlc = ?1 AND tbl = ?2 AND row_id = ?3 AND col = ?4"
                    ))?
                    .execute(params![op.hlc, op.table, op.row, op.column])?;
            }
        }
        let (merged, _) = merge_ops(library, &ops, None, Some((&device, &admitted, &key)), false)?;
        report.refused += merged.refused;
        report.waiting += merged.waiting;
        report.applied += merged.applied;
        report.superseded += merged.superseded;
        report.quarantined += merged.quarantined;
        report.parked += merged.parked;
    }
    Ok(report)
}
