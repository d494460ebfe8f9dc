//! Offline-first sync through a shared folder (first increment of the sync issue).
//!
//! Every synced write is already an op (table, row, column, value) stamped with a hybrid
//! logical clock. A sync writes this device's new ops as an immutable segment
//! `log/<device>/<seq>.json` in the target, reads every segment it has not merged yet (any
//! device's: a USB stick carries everyone's changes), and merges them: per column, the value
//! with the larger clock wins, so any order of delivery, with duplicates, ends in the same
//! tables. Media files go to the target under their hash, created only if absent.
//!
//! Targets are a shared folder, S3-compatible storage or WebDAV, all through [`Store`].

pub(crate) mod audiences;
pub mod before_sealing;
pub mod crypto;
pub(crate) mod envelopes;
pub mod roster;
pub mod storage;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use base64::Engine;
use rusqlite::types::Value;
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::store::blobs::write_atomically;
use crate::store::library::{self, Access, Library};
use crate::store::write::{Hlc, SYNCED_TABLES};
use crypto::{CommunityKey, Keyring};
use roster::{Invitation, Refusal};
use storage::{Credentials, Store, Target};

/// The target's format; a target written by a newer Hearth is never written by this one.
pub const FORMAT: u32 = 2;
/// Ops stamped further ahead of this device's clock are set aside, and merged at a later sync
/// once its clock has come near them; an incoming stamp moves this device's clock at most this
/// far past its own (5 minutes: more than laptops kept by a time server drift apart).
pub const FUTURE_LIMIT_MS: i64 = 5 * 60 * 1000;
const MEDIA_FOLDERS: &[&str] = &["blobs", "thumbs", "previews"];
/// The most ops one segment holds (a few MB of JSON: far under what a target may serve).
pub const SEGMENT_OPS: i64 = 20_000;
/// A segment from a laptop the roster does not know yet is read only when at most this large
/// (a new laptop's first segment holds its roster entry and profile); a larger one waits
/// unparsed until the laptop's first segment has let it in.
const UNKNOWN_SIGNER_BYTES: usize = 1024 * 1024;

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
    fn from_row(row: &rusqlite::Row, first: usize) -> rusqlite::Result<Op> {
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
    fn from_value(value: Value) -> Cell {
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

/// An immutable batch of one device's ops: those for everyone in clear, and those for an
/// audience ([`crate::store::sealing`]) sealed to its keys, a block per audience.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Segment {
    pub format: u32,
    pub device: String,
    pub seq: u64,
    pub ops: Vec<Op>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sealed: Vec<SealedOps>,
}

/// Ops for one audience, sealed: a fresh data key seals them (XChaCha20-Poly1305, bound to the
/// segment's name and the block's place in it), and the data key is sealed to each recipient
/// (X25519). The segment's signature covers all of it, so who wrote it stays checkable by
/// every laptop, and only the audience's laptops read it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SealedOps {
    pub to: Vec<SealedKey>,
    /// The ops (JSON), sealed with the data key (base64).
    pub ops: String,
}

/// The data key of a [`SealedOps`], sealed to one recipient.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SealedKey {
    /// The audience ("leads", "m-<member id>").
    pub audience: String,
    /// The audience key's id, or "device-<id>" when sealed to a laptop's own key (an audience
    /// with no key announced yet).
    pub key: String,
    /// The data key, sealed (base64).
    pub sealed: String,
}

/// At most this many sealed blocks a segment (one per audience among at most
/// [`SEGMENT_OPS`] ops: far more than any community's members and their care notes' audiences)...
const MAX_SEALED_BLOCKS: usize = 5_000;
/// ...and this many recipients a block (the audiences named, or each laptop of them).
const MAX_RECIPIENTS: usize = 1_000;

/// What a block of sealed ops is bound to: its segment and its place.
fn block_name(segment: &str, index: usize) -> String {
    format!("{segment}#{index}")
}

/// Seals `ops` for `recipients`; None when there is nobody to seal them for.
fn seal_ops(name: &str, ops: &[Op], recipients: &[audiences::Recipient]) -> Result<Option<SealedOps>> {
    if recipients.is_empty() {
        return Ok(None);
    }
    let data_key = crypto::CommunityKey::generate()?;
    let body = data_key.seal(name, &serde_json::to_vec(ops).expect("ops serialise"))?;
    let mut to = Vec::with_capacity(recipients.len());
    for recipient in recipients {
        to.push(SealedKey {
            audience: recipient.audience.clone(),
            key: recipient.key.clone(),
            sealed: roster::encode(&crypto::seal_to(&data_key, &recipient.public)?),
        });
    }
    Ok(Some(SealedOps { to, ops: roster::encode(&body) }))
}

/// What opens sealed ops on this laptop: its audience keys and its own device key.
pub(crate) struct Opener {
    pub ring: audiences::AudienceRing,
    pub device: String,
    pub device_key: ed25519_dalek::SigningKey,
}

impl Opener {
    fn load(library: &Library) -> Result<Opener> {
        Ok(Opener {
            ring: audiences::AudienceRing::load(library.root())?,
            device: library.device().to_owned(),
            device_key: device_key(library)?,
        })
    }

    /// Whether this laptop holds a key named in `keys`.
    fn can_open(&self, mut keys: impl Iterator<Item = impl AsRef<str>>) -> bool {
        let own = format!("device-{}", self.device);
        keys.any(|key| self.ring.holds(key.as_ref()) || key.as_ref() == own)
    }

    /// The ops in a block: None when this laptop holds none of its keys, Err when it does
    /// and they do not open (altered).
    fn open(&self, name: &str, sealed: &SealedOps) -> Option<std::result::Result<Vec<Op>, String>> {
        let own = format!("device-{}", self.device);
        let decode = |text: &str| base64::engine::general_purpose::STANDARD.decode(text).ok();
        let recipient = sealed.to.iter().find(|to| self.ring.holds(&to.key) || to.key == own)?;
        let wrapped = decode(&recipient.sealed).unwrap_or_default();
        let data_key = match self.ring.get(&recipient.key) {
            Some(key) => key.open(&wrapped),
            None => crypto::open_for(&wrapped, &self.device_key),
        };
        Some((|| {
            let data_key = data_key.ok_or("its key does not open (altered?)")?;
            let body = decode(&sealed.ops).ok_or("damaged (not base64)")?;
            let plain = data_key
                .open(name, &body)
                .map_err(|_| "cannot be decrypted (altered, or moved from another segment)")?;
            let ops: Vec<Op> = serde_json::from_slice(&plain).map_err(|e| format!("damaged ({e})"))?;
            // Only what may be restricted travels sealed: anything else in a block would merge
            // on the laptops that open it and not on the others.
            if let Some(op) = ops.iter().find(|op| !crate::store::sealing::may_be_sealed(&op.table, &op.column)) {
                return Err(format!("hold {}.{}, which is never sealed", op.table, op.column));
            }
            Ok(ops)
        })())
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

/// What a sync did.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct SyncReport {
    pub sent_ops: u32,
    pub segments_read: u32,
    pub merge: MergeReport,
    pub files_sent: u32,
    pub files_received: u32,
    /// Segments that could not be read (damaged, or from a newer Hearth), with why.
    pub rejected: Vec<String>,
    /// Concurrent edits of long texts settled by this sync (the later stands; the other is
    /// kept for its author), named by what was edited.
    pub resolved: Vec<String>,
    /// Community keys a lead handed this laptop.
    pub keys_received: u32,
    /// Community keys this (lead's) laptop sealed for other laptops.
    pub keys_handed_out: u32,
    /// Segments and files sealed with a community key this laptop has not been given (yet, or
    /// ever: a removed laptop); read at a later sync once the key arrives.
    pub locked: u32,
    /// Segments (other laptops', and this one's sent elsewhere) and key envelopes passed on to
    /// this target.
    pub relayed: u32,
}

fn known(table: &str, column: &str) -> bool {
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
fn merge_ops(
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
        let last: Option<String> = tx
            .prepare_cached("SELECT value FROM local_settings WHERE key = 'hlc'")?
            .query_row([], |row| row.get(0))
            .optional()?;
        let behind = last
            .as_deref()
            .and_then(Hlc::parse)
            .is_none_or(|l| (l.millis, l.counter) < (newest.millis, newest.counter));
        if behind {
            // Never past a little ahead of this laptop's own clock: a far-future stamp
            // must not drag its next edits along (ops beyond that are set aside above).
            let newest = match newest.millis > now.0 + FUTURE_LIMIT_MS {
                true => Hlc { millis: now.0 + FUTURE_LIMIT_MS, counter: 0, ..newest },
                false => newest,
            };
            let seen = Hlc { device: library_device(&tx)?, ..newest };
            tx.execute("INSERT OR REPLACE INTO local_settings (key, value) VALUES ('hlc', ?1)", [seen.to_string()])?;
        }
    }
    if let Some((device, seq)) = segment {
        tx.execute("INSERT OR IGNORE INTO merged_segments (device, seq) VALUES (?1, ?2)", params![device, seq as i64])?;
    }
    tx.commit()?;
    Ok((report, reasons))
}

fn library_device(conn: &Connection) -> Result<String> {
    Ok(library::get_local(conn, "device")?.unwrap_or_default())
}

/// Keeps an op aside with why; `retry` when a later sync may merge it (its clock is ahead, its
/// row or its writer's promotion has not arrived).
fn set_aside(conn: &Connection, op: &Op, reason: &str, retry: bool) -> Result<()> {
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
fn keep_revision(conn: &Connection, op: &Op, value: &Value, hlc: &str, author: &str, now: i64) -> Result<()> {
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
fn apply(conn: &Connection, op: &Op, now: i64) -> Result<bool> {
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

/// This device's ops not yet sent, as the next segment with the local sequence number of its
/// last op (None when there is nothing new).
fn next_segment(library: &Library) -> Result<Option<(Segment, i64, u32)>> {
    let conn = library.conn();
    let sent: i64 = library::get_local(conn, "sync_sent_seq")?.and_then(|s| s.parse().ok()).unwrap_or(0);
    let read =
        |row: &rusqlite::Row| Ok((row.get::<_, i64>(0)?, Op::from_row(row, 1)?, row.get::<_, Option<String>>(7)?));
    let mut rows: Vec<(i64, Op, Option<String>)> = conn
        .prepare(
            "SELECT seq, hlc, tbl, row_id, col, value, author, audience FROM ops WHERE seq > ?1 ORDER BY seq LIMIT ?2",
        )?
        .query_map(params![sent, SEGMENT_OPS], read)?
        .collect::<rusqlite::Result<_>>()?;
    let Some((last_seq, last_op)) = rows.last().map(|(seq, op, _)| (*seq, op.hlc.clone())) else { return Ok(None) };
    // A write is never cut in two (merge judges a write whole): the rest of the last one
    // comes along.
    // (A write sets each of a table's columns at most once: fewer than a hundred ops.)
    let rest: Vec<(i64, Op, Option<String>)> = conn
        .prepare(
            "SELECT seq, hlc, tbl, row_id, col, value, author, audience FROM ops WHERE seq > ?1 ORDER BY seq LIMIT 100",
        )?
        .query_map(params![last_seq], read)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    rows.extend(rest.into_iter().take_while(|(_, op, _)| op.hlc == last_op));
    // The number is taken before the file is written: a crash after this leaves a gap (fine),
    // never two different segments under one number (a device that merged the first would
    // skip the second).
    let seq: u64 = library::get_local(conn, "sync_segment_seq")?.and_then(|s| s.parse().ok()).unwrap_or(0) + 1;
    library::set_local(conn, "sync_segment_seq", &seq.to_string())?;
    let last = rows.last().map(|(s, ..)| *s).unwrap_or(sent);
    let count = rows.len() as u32;
    // What is for everyone goes in clear; the rest is sealed, a block per audience. Ops
    // written before sealing existed have no audience yet: it is decided now, from the row.
    let mut clear = Vec::new();
    let mut restricted: BTreeMap<String, Vec<Op>> = BTreeMap::new();
    for (_, op, audience) in rows {
        // An op written for everyone and not sent yet follows its row's audience now: a field
        // made leads-only before the first sync never leaves in clear.
        let audience = match audience {
            Some(audience) if !audience.is_empty() => audience,
            _ => {
                let row = crate::store::rules::Writing { conn, table: &op.table, row: &op.row, columns: &[] };
                crate::store::sealing::to_text(&crate::store::sealing::audience(
                    conn, &op.table, &op.row, &op.column, &row,
                )?)
            }
        };
        match audience.is_empty() {
            true => clear.push(op),
            false => restricted.entry(audience).or_default().push(op),
        }
    }
    let name = segment_name(library.device(), seq);
    let mut sealed = Vec::new();
    for (audience, ops) in restricted {
        let recipients = audiences::recipients(conn, library.root(), &crate::store::sealing::names(&audience))?;
        if let Some(block) = seal_ops(&block_name(&name, sealed.len()), &ops, &recipients)? {
            sealed.push(block);
        }
    }
    // A segment with sealed ops is format 2: a Hearth before sealing refuses it (and reads it
    // after its upgrade) rather than merge half of it for good.
    let format = if sealed.is_empty() { 1 } else { FORMAT };
    let segment = Segment { format, device: library.device().to_owned(), seq, ops: clear, sealed };
    Ok(Some((segment, last, count)))
}

/// This device's signing key: `device.key` beside the database (never in it, never synced),
/// readable only by its user; made on first use.
pub(crate) fn device_key(library: &Library) -> Result<ed25519_dalek::SigningKey> {
    let path = library.root().join("device.key");
    match std::fs::read_to_string(&path) {
        Ok(text) => {
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(text.trim())
                .ok()
                .and_then(|b| <[u8; 32]>::try_from(b).ok())
                .ok_or_else(|| Error::invalid("device key", format!("{} is damaged", path.display())))?;
            Ok(ed25519_dalek::SigningKey::from_bytes(&bytes))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let secret = crypto::random_bytes()?;
            crypto::write_private(&path, base64::engine::general_purpose::STANDARD.encode(secret).as_bytes())?;
            Ok(ed25519_dalek::SigningKey::from_bytes(&secret))
        }
        Err(e) => Err(Error::io(&path, e)),
    }
}

fn encode_key(key: &ed25519_dalek::VerifyingKey) -> String {
    roster::encode(key.as_bytes())
}

/// Publishes this device's entry in the roster (its key, its member, its invitation's
/// endorsement) when it is new or has changed.
fn register(library: &mut Library, key: &ed25519_dalek::SigningKey) -> Result<()> {
    let columns = roster::device_columns(library, key)?;
    let device = library.device().to_owned();
    let mut changed = Vec::new();
    for (column, value) in columns {
        let stored: Option<Value> = library
            .conn()
            .prepare(&format!("SELECT {column} FROM devices WHERE id = ?1"))?
            .query_row([&device], |row| row.get(0))
            .optional()?;
        // A laptop whose key file was replaced cannot rename its key in the roster (the
        // others would refuse it anyway): its segments are refused as signed by a key the
        // roster does not hold.
        let rekeyed = column == "public_key" && matches!(&stored, Some(Value::Text(key)) if !key.is_empty());
        if stored.as_ref() != Some(&value) && !rekeyed {
            changed.push((column, value));
        }
    }
    if !changed.is_empty() {
        library.write(|w| w.apply("devices", &device, &changed))?;
    }
    Ok(())
}

/// Signed bytes as stored: a header line with the signer's public key and the signature,
/// then the exact bytes signed.
pub(crate) fn sign(body: &[u8], key: &ed25519_dalek::SigningKey) -> Vec<u8> {
    use ed25519_dalek::Signer;
    let signature = key.sign(body);
    let header = serde_json::json!({
        "public_key": encode_key(&key.verifying_key()),
        "signature": base64::engine::general_purpose::STANDARD.encode(signature.to_bytes()),
    });
    let mut out = header.to_string().into_bytes();
    out.push(b'\n');
    out.extend_from_slice(body);
    out
}

/// Checks signed bytes; returns the bytes signed and the signer's public key.
pub(crate) fn verify(bytes: &[u8]) -> std::result::Result<(&[u8], String), String> {
    use ed25519_dalek::Verifier;
    let split = bytes.iter().position(|b| *b == b'\n').ok_or("unsigned")?;
    let (header, body) = (&bytes[..split], &bytes[split + 1..]);
    let header: serde_json::Value = serde_json::from_slice(header).map_err(|_| "unsigned (no signature header)")?;
    let decode = |field: &str| {
        header[field].as_str().and_then(|text| base64::engine::general_purpose::STANDARD.decode(text).ok())
    };
    let public = decode("public_key").and_then(|b| <[u8; 32]>::try_from(b).ok()).ok_or("unsigned (no public key)")?;
    let signature = decode("signature").and_then(|b| <[u8; 64]>::try_from(b).ok()).ok_or("unsigned (no signature)")?;
    let key = ed25519_dalek::VerifyingKey::from_bytes(&public).map_err(|_| "signed with an invalid key")?;
    key.verify(body, &ed25519_dalek::Signature::from_bytes(&signature))
        .map_err(|_| "its signature does not match its contents (altered after it was written)")?;
    Ok((body, encode_key(&key)))
}

/// A segment as stored: encrypted (when the target is), then signed, so a replica checks who
/// wrote a segment before it decrypts anything.
fn seal(segment: &Segment, key: &ed25519_dalek::SigningKey, community: Option<&Keyring>) -> Result<Vec<u8>> {
    let mut body = serde_json::to_vec(segment).expect("segments serialise");
    if let Some(community) = community {
        body = community.seal(&segment_name(&segment.device, segment.seq), &body)?;
    }
    Ok(sign(&body, key))
}

/// Objects refused for good, by name, with the size they had then.
fn refused_objects(conn: &Connection) -> Result<std::collections::HashMap<String, u64>> {
    Ok(conn
        .prepare("SELECT name, size FROM refused_objects")?
        .query_map([], |row| Ok((row.get::<_, String>(0)?, row.get::<_, i64>(1)? as u64)))?
        .collect::<rusqlite::Result<_>>()?)
}

fn remember_refused(conn: &Connection, name: &str, size: u64, reason: &str) -> Result<()> {
    conn.execute(
        "INSERT OR REPLACE INTO refused_objects (name, size, reason) VALUES (?1, ?2, ?3)",
        params![name, size as i64, reason],
    )?;
    Ok(())
}

/// Why a stored segment cannot be merged.
enum Unread {
    /// Signed by a key the roster does not know yet, and too large to parse before it does.
    Unknown,
    /// Refused for good: unsigned, altered, damaged.
    Bad(String),
    /// Sealed with a community key this laptop has not received (yet).
    Locked,
}

/// Checks a stored segment's signature and opens it; returns the segment and its signer's
/// public key.
fn open_sealed(
    name: &str,
    bytes: &[u8],
    community: Option<&Keyring>,
) -> std::result::Result<(Segment, String), Unread> {
    let (body, signer) = verify(bytes).map_err(Unread::Bad)?;
    let opened;
    let body = match community {
        Some(community) => {
            opened = community.open(name, body).map_err(|unopened| match unopened {
                crypto::Unopened::MissingKey(_) => Unread::Locked,
                other => Unread::Bad(other.to_string()),
            })?;
            &opened[..]
        }
        None if crypto::is_sealed(body) => return Err(Unread::Bad("encrypted, but the target says it is not".into())),
        None => body,
    };
    let segment: Segment = serde_json::from_slice(body).map_err(|e| Unread::Bad(format!("damaged ({e})")))?;
    Ok((segment, signer))
}

fn segment_name(device: &str, seq: u64) -> String {
    format!("log/{device}/{seq:010}.json")
}

/// The device and number a segment's name gives.
fn segment_of(name: &str) -> Option<(String, u64)> {
    let mut parts = name.strip_prefix("log/")?.splitn(2, '/');
    let device = parts.next().filter(|device| plain_name(device))?;
    let seq = parts.next()?.strip_suffix(".json")?.parse::<u64>().ok()?;
    Some((device.to_owned(), seq))
}

/// Whether a name read from a target (a device or key id) is safe to use as one folder's name
/// in the library: letters, digits, `-` and `_` only, so `..` or `/` can never lead a copy out
/// of its folder.
pub(crate) fn plain_name(name: &str) -> bool {
    !name.is_empty() && name.len() <= 128 && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// The segments this laptop keeps (its own, and every other laptop's it merged), named as on
/// a target.
fn local_segments(root: &Path) -> Vec<String> {
    let mut found = Vec::new();
    for device in std::fs::read_dir(root.join("log")).into_iter().flatten().flatten() {
        let device = device.file_name().to_string_lossy().into_owned();
        for file in std::fs::read_dir(root.join("log").join(&device)).into_iter().flatten().flatten() {
            let name = format!("log/{device}/{}", file.file_name().to_string_lossy());
            if segment_of(&name).is_some() {
                found.push(name);
            }
        }
    }
    found.sort();
    found
}

const MARKER: &str = "hearth-sync.json";

/// What a target's marker says.
struct Marker {
    /// The id of the community key everything in the target is sealed with.
    sealed_with: Option<String>,
}

/// Reads the target's format marker; a target written by a newer Hearth is refused.
fn read_format(store: &Store) -> Result<Option<Marker>> {
    let Some(bytes) = store.get(MARKER)? else { return Ok(None) };
    let marker: serde_json::Value = serde_json::from_slice(&bytes).unwrap_or_default();
    let format = marker["format"]
        .as_u64()
        .ok_or_else(|| Error::invalid("target", format!("{}: {MARKER} is not a Hearth sync marker", store.target())))?;
    if format > u64::from(FORMAT) {
        return Err(Error::invalid(
            "target",
            format!(
                "{} was written by a newer Hearth (sync format {format}; this app knows {FORMAT}); update Hearth to sync with it",
                store.target()
            ),
        ));
    }
    Ok(Some(Marker { sealed_with: marker["encrypted_with"].as_str().map(str::to_owned) }))
}

/// Checks (or writes) the target's marker and settles encryption: the community keys to seal
/// and open with, or None for a plain target. A new target is encrypted when asked or when
/// this library already holds a community key (the key is made, and kept, first).
fn check_format(store: &Store, root: &Path, encrypt: bool) -> Result<Option<Keyring>> {
    let mut held = crypto::load(root)?;
    let marker = match read_format(store)? {
        Some(marker) => marker,
        None => {
            if held.is_none() && encrypt {
                let keyring = Keyring::founding(CommunityKey::generate()?);
                crypto::save(root, &keyring)?;
                held = Some(keyring);
            }
            let mut marker = serde_json::json!({ "format": FORMAT, "app": "Hearth" });
            if let Some(keyring) = &held {
                marker["encrypted_with"] = serde_json::Value::String(keyring.first().id());
            }
            store.put_new(MARKER, marker.to_string().into_bytes())?;
            // Another device may have written its marker at the same moment: read what stands.
            read_format(store)?
                .ok_or_else(|| Error::invalid("target", format!("{}: the marker vanished", store.target())))?
        }
    };
    match (marker.sealed_with, held) {
        (Some(id), Some(keyring)) if keyring.first().id() == id => Ok(Some(keyring)),
        (Some(_), Some(_)) => Err(Error::invalid(
            "target",
            format!("{} is encrypted with another community's key than this library's", store.target()),
        )),
        (Some(_), None) => Err(Error::invalid(
            "target",
            format!(
                "{} is encrypted and this laptop has no key for it: join with an invitation from one of the community's leads",
                store.target()
            ),
        )),
        (None, _) if encrypt => Err(Error::invalid(
            "target",
            format!("{} already holds unencrypted data; to encrypt, start with an empty folder, bucket or address", store.target()),
        )),
        (None, _) => Ok(None),
    }
}

/// How a sync goes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct SyncOptions {
    /// Seal everything with the community key (only a new, empty target can start so; one
    /// that is already encrypted stays so regardless).
    pub encrypt: bool,
    /// Files larger than this many bytes travel in pieces of this size (default 8 MiB).
    #[serde(default)]
    pub chunk_bytes: Option<u32>,
}

/// Where a sync is, for a progress bar.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum SyncStage {
    #[default]
    Connecting,
    Sending,
    Receiving,
    Merging,
    Done,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct SyncProgress {
    pub stage: SyncStage,
    pub files_done: u32,
    pub files_total: u32,
    pub bytes_done: f64,
    pub bytes_total: f64,
    pub segments_done: u32,
    pub segments_total: u32,
}

/// Shares progress between transfer threads and the listener.
struct Meter<'a> {
    progress: std::sync::Mutex<SyncProgress>,
    listener: &'a (dyn Fn(&SyncProgress) + Sync),
}

impl Meter<'_> {
    fn update(&self, change: impl FnOnce(&mut SyncProgress)) {
        let snapshot = {
            let mut progress = self.progress.lock().unwrap_or_else(|p| p.into_inner());
            change(&mut progress);
            progress.clone()
        };
        (self.listener)(&snapshot);
    }
}

/// Media files in a local library folder, by object name (`blobs/<hash>`, …), with sizes.
fn local_media(root: &Path) -> BTreeMap<String, u64> {
    let mut found = BTreeMap::new();
    for folder in MEDIA_FOLDERS {
        let Ok(entries) = std::fs::read_dir(root.join(folder)) else { continue };
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if media_name(&name) {
                found.insert(format!("{folder}/{name}"), entry.metadata().map(|m| m.len()).unwrap_or(0));
            }
        }
    }
    found
}

/// Whether a file name is a media file sync carries (named by its hash, not half-written).
fn media_name(name: &str) -> bool {
    let hash = name.split(['.', '-']).next().unwrap_or_default();
    crate::store::blobs::is_hash(hash)
        && !name.ends_with(".partial")
        && !name.ends_with(".incoming")
        && !name.contains('#')
}

/// Whether a file's BLAKE3 hash is `hash` (read in a stream: long videos are not loaded whole).
fn file_has_hash(file: &Path, hash: &str) -> bool {
    let mut hasher = blake3::Hasher::new();
    let read = std::fs::File::open(file).and_then(|f| hasher.update_reader(std::io::BufReader::new(f)).map(|_| ()));
    read.is_ok() && hasher.finalize().to_hex().as_str() == hash
}

/// Whether downloaded bytes are what their name promises (an original's name is its hash), so
/// a tampered file never spreads.
fn promised(name: &str, bytes: &[u8]) -> bool {
    match name.strip_prefix("blobs/") {
        Some(file) => {
            let hash = file.split(['.', '-']).next().unwrap_or_default();
            blake3::hash(bytes).to_hex().as_str() == hash
        }
        None => true,
    }
}

/// One sync with a folder target (see [`run`]).
pub fn sync_folder(library: &mut Library, target: &Path) -> Result<SyncReport> {
    sync_target(library, &Target::Folder(target.to_path_buf()), &Credentials::default())
}

/// One sync with any target, the library held throughout (the command line, tests).
pub fn sync_target(library: &mut Library, target: &Target, credentials: &Credentials) -> Result<SyncReport> {
    sync_with(library, target, credentials, &SyncOptions::default())
}

/// [`sync_target`] with options.
pub fn sync_with(
    library: &mut Library,
    target: &Target,
    credentials: &Credentials,
    options: &SyncOptions,
) -> Result<SyncReport> {
    let store = Store::open(target, credentials)?;
    run(&std::cell::RefCell::new(library), &store, options, &|_| {})
}

/// One sync: send this device's new media and ops, fetch media this library lacks, merge
/// everyone's segments not merged yet. The library is held only while the database is read
/// or written, never during transfers.
pub fn run(
    access: &impl Access,
    store: &Store,
    options: &SyncOptions,
    listener: &(dyn Fn(&SyncProgress) + Sync),
) -> Result<SyncReport> {
    let meter = Meter { progress: std::sync::Mutex::new(SyncProgress::default()), listener };
    meter.update(|_| {});
    let (key, root, mut merged) = access.with(|library| {
        library.ensure_writable()?;
        let key = device_key(library)?;
        roster::trust_root(library)?;
        register(library, &key)?;
        let merged: std::collections::HashSet<(String, u64)> = library
            .conn()
            .prepare("SELECT device, seq FROM merged_segments")?
            .query_map([], |row| Ok((row.get::<_, String>(0)?, row.get::<_, i64>(1)? as u64)))?
            .collect::<rusqlite::Result<_>>()?;
        Ok((key, library.root().to_path_buf(), merged))
    })?;
    let mut keyring = check_format(store, &root, options.encrypt)?;
    // Audience keys before anything is sealed to them.
    let mut rejected_keys = Vec::new();
    let audience_news = audiences::exchange(access, store, &key, false, &mut rejected_keys)?;
    let outgoing = access.with(|library| next_segment(library))?;
    // Keys a lead sealed for this laptop first (others may already seal with them), then,
    // on a lead's laptop, the keys others lack.
    let mut key_news = SyncReport::default();
    if let Some(keyring) = &mut keyring {
        (key_news.keys_received, key_news.keys_handed_out, key_news.relayed) =
            envelopes::exchange(access, store, &key, keyring, &mut key_news.rejected)?;
    }
    // Keys may also arrive while merging (from a lead this replica learns of then).
    let community = std::sync::RwLock::new(keyring);
    let keyring = || community.read().unwrap_or_else(|poisoned| poisoned.into_inner());

    // 1. Send: media first, so a segment never names a file the target lacks.
    let local = local_media(&root);
    let mut remote: BTreeMap<String, u64> = BTreeMap::new();
    // Files that travelled in pieces, known by their manifest (`<name>.chunks`).
    let mut in_pieces = std::collections::HashSet::new();
    for folder in MEDIA_FOLDERS {
        for (name, size) in store.list(folder)? {
            let file = name.rsplit('/').next().unwrap_or_default();
            if !media_name(file) {
                continue;
            }
            match name.strip_suffix(".chunks") {
                Some(whole) => {
                    in_pieces.insert(whole.to_owned());
                    remote.insert(whole.to_owned(), size);
                }
                None => {
                    remote.insert(name, size);
                }
            }
        }
    }
    let chunk_bytes = options.chunk_bytes.map(u64::from).filter(|b| *b > 0).unwrap_or(storage::CHUNK_BYTES);
    let seal_bytes = |name: &str, bytes: Vec<u8>| match keyring().as_ref() {
        Some(community) => community.seal(name, &bytes),
        None => Ok(bytes),
    };
    let open_bytes = |name: &str, bytes: Vec<u8>| match keyring().as_ref() {
        Some(community) => community.open(name, &bytes).map_err(|reason| Error::invalid("target", reason)),
        None => Ok(bytes),
    };
    let to_send: Vec<(String, PathBuf)> =
        local.keys().filter(|name| !remote.contains_key(*name)).map(|name| (name.clone(), root.join(name))).collect();
    meter.update(|p| {
        p.stage = SyncStage::Sending;
        p.files_total = to_send.len() as u32;
        p.bytes_total = to_send.iter().map(|(name, _)| local[name]).sum::<u64>() as f64;
    });
    key_news.rejected.extend(rejected_keys);
    key_news.keys_received += audience_news.received;
    key_news.keys_handed_out += audience_news.handed_out;
    key_news.relayed += audience_news.relayed;
    let mut report = SyncReport {
        files_sent: store.upload(to_send, chunk_bytes, &seal_bytes, &|size| {
            meter.update(|p| {
                p.files_done += 1;
                p.bytes_done += size as f64;
            })
        })?,
        ..key_news
    };
    // At most SEGMENT_OPS ops a segment, so every segment stays well under what a target may
    // serve (storage::MAX_OBJECT_BYTES); a big import goes as several.
    let mut outgoing = outgoing;
    while let Some((segment, last_sent, count)) = outgoing {
        let name = segment_name(&segment.device, segment.seq);
        let sealed = seal(&segment, &key, keyring().as_ref())?;
        let written = store.put_new(&name, sealed.clone())?;
        pause_point("segment-written");
        if !written {
            return Err(Error::invalid(
                "sync",
                format!("{name} already exists in {}: another copy of this library is syncing there; sync from one copy only", store.target()),
            ));
        }
        // A crash before this records it sends the same ops again next time: merging is
        // idempotent.
        access.with(|library| {
            let conn = library.conn();
            library::set_local(conn, "sync_sent_seq", &last_sent.to_string())?;
            conn.execute(
                "INSERT OR IGNORE INTO merged_segments (device, seq) VALUES (?1, ?2)",
                params![segment.device, segment.seq as i64],
            )?;
            Ok(())
        })?;
        write_atomically(&root.join(&name), &sealed)?;
        report.sent_ops += count;
        merged.insert((segment.device, segment.seq));
        outgoing = access.with(|library| next_segment(library))?;
    }

    access.with(|library| roster::forget_invitation_secret(library))?;

    // Pass on the segments this laptop holds and the target lacks (its own sent elsewhere,
    // and every other laptop's it merged): a USB stick carried between two groups, or a
    // laptop syncing with two targets, carries everyone's changes. They go as they came,
    // signed by their writers; nothing is sealed again.
    let remote_log = store.list("log")?;
    let on_target: std::collections::HashSet<&str> = remote_log.iter().map(|(name, _)| name.as_str()).collect();
    let relay: Vec<(String, PathBuf)> = local_segments(&root)
        .into_iter()
        .filter(|name| !on_target.contains(name.as_str()))
        .map(|name| (root.join(&name), name))
        // A copy cut short by a crash would take the segment's name on the target for good.
        .filter(|(file, _)| match std::fs::read(file) {
            Ok(bytes) if verify(&bytes).is_ok() => true,
            _ => {
                let _ = std::fs::remove_file(file);
                false
            }
        })
        .map(|(file, name)| (name, file))
        .collect();
    report.relayed += store.upload(relay, u64::MAX, &|_, bytes| Ok(bytes), &|_| {})?;

    // 2. Receive media, then every segment not merged yet. Originals only when this laptop
    // keeps them all, or for what it keeps offline; the rest come when opened.
    // Returns how many files are sealed with a key this laptop lacks.
    let derived = std::cell::RefCell::new(access.with(|library| derived_hashes(library.conn()))?);
    let receive = |names: Vec<String>, report: &mut SyncReport| -> Result<u32> {
        let expected = derived.borrow().clone();
        let refused_derived = std::sync::atomic::AtomicU32::new(0);
        // Gallery thumbnails and previews are checked against their rows (what they hash to);
        // one no row names yet waits for its row.
        let derived_ok = |name: &str, bytes: &[u8]| match name.split('/').next() {
            Some("thumbs" | "previews") => match expected.get(name) {
                Some(Some(hash)) => {
                    let ok = blake3::hash(bytes).to_hex().as_str() == hash;
                    if !ok {
                        refused_derived.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    }
                    ok
                }
                Some(None) => true,
                None => false,
            },
            _ => true,
        };
        let (pieces, whole): (Vec<String>, Vec<String>) = names.into_iter().partition(|name| in_pieces.contains(name));
        meter.update(|p| {
            *p = SyncProgress {
                stage: SyncStage::Receiving,
                files_total: (whole.len() + pieces.len()) as u32,
                bytes_total: whole.iter().chain(&pieces).map(|name| remote[name]).sum::<u64>() as f64,
                ..SyncProgress::default()
            }
        });
        let received = std::sync::atomic::AtomicU32::new(0);
        let undecryptable = std::sync::atomic::AtomicU32::new(0);
        let locked = std::sync::atomic::AtomicU32::new(0);
        store.download(whole, &|name, bytes| {
            let size = bytes.len() as u64;
            let bytes = match keyring().as_ref() {
                Some(community) => community.open(name, &bytes).unwrap_or_else(|unopened| {
                    let count = match unopened {
                        crypto::Unopened::MissingKey(_) => &locked,
                        _ => &undecryptable,
                    };
                    count.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    Vec::new()
                }),
                None => bytes,
            };
            if !bytes.is_empty() && promised(name, &bytes) && derived_ok(name, &bytes) {
                write_atomically(&root.join(name), &bytes)?;
                received.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                pause_point("file-received");
            }
            meter.update(|p| {
                p.files_done += 1;
                p.bytes_done += size as f64;
            });
            Ok(())
        })?;
        // Long videos come in pieces, one file at a time, resuming what an interrupted sync began.
        for name in pieces {
            let promise = match name.strip_prefix("blobs/") {
                Some(file_name) => Some(file_name.split(['.', '-']).next().unwrap_or_default().to_owned()),
                None => match expected.get(&name) {
                    Some(hash) => hash.clone(),
                    None => continue, // its row has not arrived yet
                },
            };
            let check = |file: &Path| promise.as_deref().is_none_or(|hash| file_has_hash(file, hash));
            match store.download_chunked(&name, &root.join(&name), &open_bytes, &check) {
                Ok(fetched) => {
                    if fetched.is_some() {
                        received.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    }
                    meter.update(|p| {
                        p.files_done += 1;
                        p.bytes_done += remote[&name] as f64;
                    });
                }
                // One bad file does not stop the sync; it is listed and tried again next time.
                Err(Error::Invalid { reason, .. }) => report.rejected.push(format!("{name}: {reason}")),
                Err(other) => return Err(other),
            }
        }
        report.files_received += received.into_inner();
        let refused_derived = refused_derived.into_inner();
        if refused_derived > 0 {
            report.rejected.push(format!(
                "{refused_derived} thumbnails or previews were not what their photo's row says (planted?) and were left out"
            ));
        }
        let undecryptable = undecryptable.into_inner();
        if undecryptable > 0 {
            report.rejected.push(format!(
                "{undecryptable} files could not be decrypted with the community key (altered?) and were left out"
            ));
        }
        Ok(locked.into_inner())
    };
    let missing = |wanted: &Option<Wanted>| -> Vec<String> {
        remote
            .iter()
            .filter(|(name, size)| in_pieces.contains(*name) || **size <= storage::MAX_OBJECT_BYTES)
            .map(|(name, _)| name)
            .filter(|name| !root.join(name).is_file() && image_thumb_name(name).is_none())
            .filter(|name| match (wanted, name.strip_prefix("blobs/")) {
                (Some(wanted), Some(file)) => {
                    let hash = file.split('.').next().unwrap_or_default();
                    wanted.kept.contains(hash) || wanted.images.contains(hash)
                }
                _ => true,
            })
            .cloned()
            .collect()
    };
    let wanted = access.with(|library| wanted_originals(library))?;
    let mut locked_files = receive(missing(&wanted), &mut report)?;

    let mut waiting: Vec<(String, u64, String, u64)> = Vec::new();
    let refused_before = access.with(|library| refused_objects(library.conn()))?;
    for (name, size) in remote_log {
        let Some((device, seq)) = segment_of(&name) else { continue };
        if merged.contains(&(device.clone(), seq)) || refused_before.get(&name) == Some(&size) {
            continue;
        }
        if size > storage::MAX_OBJECT_BYTES {
            let reason = format!("{size} bytes, more than any segment Hearth writes; left unread");
            report.rejected.push(format!("{device}/{seq}: {reason}"));
            access.with(|library| remember_refused(library.conn(), &name, size, &reason))?;
            continue;
        }
        waiting.push((device, seq, name, size));
    }
    waiting.sort();
    meter.update(|p| {
        *p = SyncProgress { stage: SyncStage::Merging, segments_total: waiting.len() as u32, ..SyncProgress::default() }
    });
    let mut pending = Vec::new();
    let mut sizes = std::collections::HashMap::new();
    for (device, seq, name, size) in waiting {
        let bytes = match store.get(&name) {
            Ok(bytes) => bytes,
            Err(Error::Invalid { reason, .. }) => {
                report.rejected.push(format!("{device}/{seq}: {reason}"));
                continue;
            }
            Err(other) => return Err(other),
        };
        sizes.insert((device.clone(), seq), (name, size));
        pending.push((device, seq, bytes));
    }
    let trust_root = access.with(|library| roster::trust_root(library))?;
    let opener = access.with(|library| Opener::load(library))?;
    // A device's segments may arrive before the invitation that lets it in (in another
    // device's segment), and a segment sealed with a new key before the roster entry of the
    // lead who handed it out: merge in rounds until nothing more can be read or admitted.
    let mut keys_late = 0;
    let mut locked_segments;
    loop {
        let mut progressed = false;
        let mut later = Vec::new();
        locked_segments = 0;
        for (device, seq, bytes) in pending {
            // The signer is checked against the roster before a large body is parsed.
            let unknown_and_large = bytes.as_ref().is_some_and(|bytes| {
                bytes.len() > UNKNOWN_SIGNER_BYTES
                    && verify(bytes).is_ok_and(|(_, signer)| {
                        access
                            .with(|library| roster::knows_key(library.conn(), &trust_root, &device, &signer))
                            .is_ok_and(|known| !known)
                    })
            });
            let opened = match &bytes {
                _ if unknown_and_large => Err(Unread::Unknown),
                Some(bytes) => open_sealed(&segment_name(&device, seq), bytes, keyring().as_ref()),
                None => Err(Unread::Bad("vanished while it was being read".to_owned())),
            };
            let merged = match opened {
                Err(Unread::Locked) => {
                    locked_segments += 1;
                    Merged::Waiting(String::new())
                }
                Err(Unread::Unknown) => Merged::Waiting(
                    "from a laptop the roster does not know yet, and too large to read before it does".into(),
                ),
                Err(Unread::Bad(reason)) => {
                    // Refused for its bytes (unsigned, altered, damaged): not fetched again
                    // until it changes.
                    if let Some((name, size)) = sizes.get(&(device.clone(), seq)) {
                        access.with(|library| remember_refused(library.conn(), name, *size, &reason))?;
                    }
                    access.with(|library| merge_segment(library, &device, seq, &Err(reason), &opener, &mut report))?
                }
                Ok(opened) => {
                    access.with(|library| merge_segment(library, &device, seq, &Ok(opened), &opener, &mut report))?
                }
            };
            match merged {
                Merged::Admitted | Merged::Refused => {
                    if let (Merged::Admitted, Some(bytes)) = (&merged, &bytes) {
                        // Kept as it came, signature and all, to pass on to other targets.
                        write_atomically(&root.join(segment_name(&device, seq)), bytes)?;
                    }
                    progressed = true;
                    meter.update(|p| p.segments_done += 1);
                    pause_point("segment-merged");
                }
                Merged::Waiting(reason) => later.push((device, seq, bytes, reason)),
            }
        }
        if locked_segments > 0 && progressed {
            let mut ring = community.write().unwrap_or_else(|poisoned| poisoned.into_inner());
            if let Some(ring) = ring.as_mut() {
                keys_late += envelopes::receive(access, store, &key, ring, &mut report.rejected)?;
            }
        }
        if !progressed || later.is_empty() {
            // Left for a later sync, when the invitation (or the key) may have arrived.
            for (device, seq, _, reason) in later.iter().filter(|(.., reason)| !reason.is_empty()) {
                report.rejected.push(format!("{device}/{seq}: {reason} (tried again at the next sync)"));
            }
            break;
        }
        pending = later.into_iter().map(|(device, seq, bytes, _)| (device, seq, bytes)).collect();
    }
    report.keys_received += keys_late;
    // Rows that just arrived may belong to a moment or album kept offline, and keys that just
    // arrived open files left locked: fetch those.
    let wanted_now = match &wanted {
        Some(_) => access.with(|library| wanted_originals(library))?,
        None => None,
    };
    let more_wanted = matches!((&wanted, &wanted_now), (Some(before), Some(after)) if after != before);
    // Derived files whose rows arrived in this sync are taken now, checked against them.
    let derived_now = access.with(|library| derived_hashes(library.conn()))?;
    let new_rows = derived_now.len() > derived.borrow().len();
    if more_wanted || new_rows || (keys_late > 0 && locked_files > 0) {
        *derived.borrow_mut() = derived_now;
        locked_files = receive(missing(&wanted_now), &mut report)?;
    }
    rebuild_image_thumbs(&root, &remote);
    report.locked = locked_segments + locked_files;
    // What this laptop cannot open may be sealed with a key it will never get: a lead may
    // have removed it.
    if report.locked > 0 {
        envelopes::read_removal(access, store)?;
    }
    // Laptops that just joined the roster get the keys they lack.
    if let (Some(ring), true) = (keyring().as_ref(), report.segments_read > 0) {
        report.keys_handed_out += envelopes::hand_out(access, store, &key, ring)?;
    }
    // Audience keys again, now that the roster is up to date (a new lead, a new laptop), and
    // what was sealed to a key that has now arrived is opened from the kept segments.
    let audience_news = audiences::exchange(access, store, &key, true, &mut report.rejected)?;
    report.keys_received += audience_news.received;
    report.keys_handed_out += audience_news.handed_out;
    report.relayed += audience_news.relayed;
    let opened = access.with(|library| open_locked(library, keyring().as_ref(), &mut report.rejected))?;
    report.merge.applied += opened.applied;
    report.merge.superseded += opened.superseded;
    report.merge.refused += opened.refused;
    // What waited for a row that has now arrived, or for this laptop's clock, merges now.
    let retried = access.with(retry_set_aside)?;
    report.merge.applied += retried.applied;
    report.merge.superseded += retried.superseded;
    // What waited and has now merged no longer waits.
    report.merge.waiting = report.merge.waiting.min(retried.waiting);
    // The search index is refreshed once, after every batch.
    if report.merge.applied > 0 {
        access.with(|library| crate::store::search::rebuild(library.conn()))?;
    }
    meter.update(|p| p.stage = SyncStage::Done);
    Ok(report)
}

enum Merged {
    /// Its device is let in and its ops merged (any it may not write set aside).
    Admitted,
    /// Rejected for good (and listed); not read again this sync.
    Refused,
    /// Its device is not let in yet; read again later.
    Waiting(String),
}

use crate::sync::storage::pause_point;

/// Why an op is set aside until the row it changes arrives (from another laptop's segment).
const WAITING_FOR_ROW: &str = "waits for the row it changes";
/// How far ahead of this laptop's clock a lead may vouch for another laptop's (a day).
const VOUCH_LIMIT_MS: i64 = 24 * 3600 * 1000;
/// The most set-aside ops tried again at one sync (the oldest first): a member who floods the
/// set-aside list slows no sync down.
const RETRY_LIMIT: i64 = 20_000;
/// Why an op is set aside until this laptop's clock comes near it.
const AHEAD_OF_CLOCK: &str = "stamped ahead of this device's clock";

/// A row's values as a segment leaves them: its ops for the row, else the database's.
struct SegmentRow<'a> {
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
enum Held {
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
type BatchKey = (String, String, String);

/// Checks ops from one admitted device against the write rules ([`crate::store::rules`]) as the
/// window checks a screen's writes: a write at a time (the ops one write made share a clock),
/// judged whole before any of it is stored, on the row as the database holds it then (the
/// merge so far included) with the write's own values over it. A write is merged whole or not
/// at all. Owners and everything else come from the database, never from what the ops claim.
struct Checker<'a> {
    device: &'a str,
    admitted: &'a roster::Admitted,
    /// The key that signed the ops.
    signer: &'a str,
    /// Each write's ops: column, value and the author it claims.
    batches: std::collections::HashMap<BatchKey, Vec<(String, Value, String)>>,
    /// Each write's verdict by column, decided when its first op comes.
    verdicts: std::cell::RefCell<std::collections::HashMap<BatchKey, std::collections::HashMap<String, Option<Held>>>>,
}

impl<'a> Checker<'a> {
    fn new(device: &'a str, admitted: &'a roster::Admitted, signer: &'a str, ops: &[Op]) -> Checker<'a> {
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
    fn check(&self, conn: &Connection, op: &Op) -> Result<Option<Held>> {
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
    fn judge(&self, conn: &Connection, key: &BatchKey) -> Result<std::collections::HashMap<String, Option<Held>>> {
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
    fn actor(&self, conn: &Connection, member: &str, hlc: &str) -> Result<crate::store::rules::Actor> {
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

fn row_exists(conn: &Connection, table: &str, row: &str) -> Result<bool> {
    // Table names come from the registry (known() or the rules' tables), never from an op.
    Ok(conn
        .prepare_cached(&format!("SELECT 1 FROM {table} WHERE id = ?1"))?
        .query_row([row], |_| Ok(()))
        .optional()?
        .is_some())
}

/// Tries again what was set aside: changes that waited for their row, ops stamped ahead of
/// this laptop's clock that it has now reached, and parked ops this version now knows (after
/// an upgrade). Each is checked as when it first came, by the device that wrote it.
fn retry_set_aside(library: &mut Library) -> Result<MergeReport> {
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
        let Some((member, key, removed)) = entry else { continue };
        if removed {
            continue;
        }
        let admitted = roster::Admitted { member, root: key == trust_root };
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

/// Checks one downloaded segment and merges the ops its device may write; lists what it
/// rejects, with why.
fn merge_segment(
    library: &mut Library,
    device: &str,
    seq: u64,
    opened: &std::result::Result<(Segment, String), String>,
    opener: &Opener,
    report: &mut SyncReport,
) -> Result<Merged> {
    let (segment, signer) = match opened {
        Ok(opened) => opened,
        Err(reason) => {
            report.rejected.push(format!("{device}/{seq}: {reason}"));
            return Ok(Merged::Refused);
        }
    };
    if segment.sealed.len() > MAX_SEALED_BLOCKS || segment.sealed.iter().any(|block| block.to.len() > MAX_RECIPIENTS) {
        report.rejected.push(format!(
            "{device}/{seq}: more sealed blocks or recipients than Hearth writes ({MAX_SEALED_BLOCKS} blocks of {MAX_RECIPIENTS})"
        ));
        return Ok(Merged::Refused);
    }
    if segment.format > FORMAT {
        report.rejected.push(format!("{device}/{seq}: written by a newer Hearth (format {})", segment.format));
        return Ok(Merged::Refused);
    }
    if segment.device != device || segment.seq != seq {
        report.rejected.push(format!("{device}/{seq}: says it is {}/{}", segment.device, segment.seq));
        return Ok(Merged::Refused);
    }
    let trust_root = roster::trust_root(library)?;
    let admitted = match roster::admit(library.conn(), &trust_root, segment, signer)? {
        Ok(admitted) => admitted,
        Err(Refusal::Waiting(reason)) => return Ok(Merged::Waiting(reason)),
        Err(Refusal::Refused(reason)) => {
            // Not recorded as merged: a roster that later knows the device reads it again.
            report.rejected.push(format!("{device}/{seq}: {reason}"));
            return Ok(Merged::Refused);
        }
    };
    // The sealed ops this laptop may read join the others (one write may have both: a
    // profile's name and its leads-only fields); the rest wait for a key that may come.
    let name = segment_name(device, seq);
    let mut ops = std::borrow::Cow::Borrowed(&segment.ops);
    for (index, block) in segment.sealed.iter().enumerate() {
        match opener.open(&block_name(&name, index), block) {
            Some(Ok(more)) => ops.to_mut().extend(more),
            Some(Err(reason)) => report.rejected.push(format!("{device}/{seq}: sealed changes {reason}")),
            None => {
                let keys: Vec<&str> = block.to.iter().map(|to| to.key.as_str()).collect();
                library.conn().execute(
                    "INSERT OR IGNORE INTO locked_writes (device, seq, block, keys) VALUES (?1, ?2, ?3, ?4)",
                    params![device, seq as i64, index as i64, keys.join(",")],
                )?;
            }
        }
    }
    let kept_before: i64 = library.conn().query_row("SELECT coalesce(max(id), 0) FROM revisions", [], |r| r.get(0))?;
    let (merged, refused) =
        merge_ops(library, &ops, Some((device, seq)), Some((&segment.device, &admitted, signer)), false)?;
    for (reason, count) in refused {
        let changes = if count == 1 { "change" } else { "changes" };
        report.rejected.push(format!("{device}/{seq}: {count} {changes} refused: {reason}"));
    }
    let settled: Vec<(String, String)> = library
        .conn()
        .prepare("SELECT tbl, col FROM revisions WHERE id > ?1 ORDER BY id")?
        .query_map([kept_before], |row| Ok((row.get(0)?, row.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    report.resolved.extend(settled.iter().map(|(table, column)| long_text_label(table, column)));
    report.segments_read += 1;
    report.merge.applied += merged.applied;
    report.merge.superseded += merged.superseded;
    report.merge.parked += merged.parked;
    report.merge.quarantined += merged.quarantined;
    report.merge.refused += merged.refused;
    report.merge.waiting += merged.waiting;
    Ok(Merged::Admitted)
}

/// Opens the sealed writes of kept segments that this laptop could not open when they came
/// and now can (a key of their audience arrived: a member became a lead, a laptop joined), and
/// merges them, checked as their writer's, as they would have been then. Last-writer-wins by
/// clock makes a late merge give what an early one would have.
fn open_locked(library: &mut Library, community: Option<&Keyring>, rejected: &mut Vec<String>) -> Result<MergeReport> {
    let opener = Opener::load(library)?;
    let locked: Vec<(String, i64, i64, String)> = library
        .conn()
        .prepare("SELECT device, seq, block, keys FROM locked_writes ORDER BY device, seq, block")?
        .query_map([], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut report = MergeReport::default();
    let trust_root = roster::trust_root(library)?;
    // Each kept segment is read once, however many of its blocks open.
    let mut read: Option<(String, Option<(Segment, String)>)> = None;
    let forget = |library: &Library, device: &str, seq: i64, block: i64| -> Result<()> {
        library.conn().execute(
            "DELETE FROM locked_writes WHERE device = ?1 AND seq = ?2 AND block = ?3",
            params![device, seq, block],
        )?;
        Ok(())
    };
    for (device, seq, block, keys) in locked {
        if !opener.can_open(keys.split(',')) {
            continue;
        }
        let name = segment_name(&device, seq as u64);
        if read.as_ref().is_none_or(|(read_name, _)| *read_name != name) {
            let opened = std::fs::read(library.root().join(&name))
                .ok()
                .and_then(|bytes| open_sealed(&name, &bytes, community).ok());
            read = Some((name.clone(), opened));
        }
        // A kept segment that is gone or no longer opens never will: its blocks are let go.
        let Some((_, Some((segment, signer)))) = &read else {
            forget(library, &device, seq, block)?;
            continue;
        };
        let Some(sealed) = segment.sealed.get(block as usize) else {
            forget(library, &device, seq, block)?;
            continue;
        };
        let ops = match opener.open(&block_name(&name, block as usize), sealed) {
            Some(Ok(ops)) => ops,
            Some(Err(reason)) => {
                rejected.push(format!("{device}/{seq}: sealed changes {reason}"));
                Vec::new()
            }
            None => continue,
        };
        if !ops.is_empty() {
            // Its writer's laptop may be waiting for its roster entry: tried again next sync.
            let Ok(admitted) = roster::admit(library.conn(), &trust_root, segment, signer)? else { continue };
            let (merged, refused) = merge_ops(library, &ops, None, Some((&device, &admitted, signer)), false)?;
            for (reason, count) in refused {
                rejected.push(format!("{device}/{seq}: {count} sealed changes refused: {reason}"));
            }
            report.applied += merged.applied;
            report.superseded += merged.superseded;
            report.refused += merged.refused;
        }
        forget(library, &device, seq, block)?;
    }
    Ok(report)
}

/// The originals a sync fetches: None for all of them, or the hashes of what is kept offline
/// when originals come on demand.
fn wanted_originals(library: &Library) -> Result<Option<Wanted>> {
    if !originals_on_demand(library)? {
        return Ok(None);
    }
    let images = library
        .conn()
        .prepare(
            "SELECT portrait FROM members WHERE portrait != ''
             UNION SELECT cover FROM initiatives WHERE cover != ''
             UNION SELECT j.value FROM stories, json_each(stories.photos) j
             UNION SELECT j.value FROM celebration_messages, json_each(celebration_messages.photos) j
             UNION SELECT j.value FROM initiative_updates, json_each(initiative_updates.photos) j",
        )?
        .query_map([], |row| row.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let kept = library
        .conn()
        .prepare(
            "SELECT m.hash FROM media m WHERE m.deleted = 0 AND (
                 m.moment_id IN (SELECT item_id FROM offline_keeps WHERE kind = 'moment')
                 OR m.id IN (SELECT am.media_id FROM album_media am JOIN offline_keeps k
                             ON k.kind = 'album' AND k.item_id = am.album_id WHERE am.deleted = 0))",
        )?
        .query_map([], |row| row.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(Some(Wanted { kept, images }))
}

/// With originals on demand, what of `blobs/` comes at every sync: the gallery originals kept
/// offline, and the small images rows show (portraits, covers, photos in stories and on
/// boards). Anything else waits until it is opened, or until a row names it.
#[derive(PartialEq)]
struct Wanted {
    kept: std::collections::HashSet<String>,
    images: std::collections::HashSet<String>,
}

/// What each gallery thumbnail and preview must hash to, by object name: what its row was
/// imported with (None for rows imported before rows carried it). A derived file no row
/// names yet is not taken (its row may come later in the sync).
fn derived_hashes(conn: &Connection) -> Result<std::collections::HashMap<String, Option<String>>> {
    let mut expected = std::collections::HashMap::new();
    let rows: Vec<(String, String, String)> = conn
        .prepare("SELECT hash, thumb_hash, preview_hash FROM media")?
        .query_map([], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let some = |hash: String| Some(hash).filter(|h| !h.is_empty());
    for (hash, thumb, preview) in rows {
        if crate::store::blobs::is_hash(&hash) {
            expected.insert(format!("thumbs/{hash}{}", crate::store::blobs::THUMB_SUFFIX), some(thumb));
            expected.insert(format!("previews/{hash}{}", crate::store::blobs::PREVIEW_SUFFIX), some(preview));
        }
    }
    Ok(expected)
}

/// Whether a file name is a portrait's or story photo's thumbnail (rebuilt here from its
/// image, never taken from a target).
fn image_thumb_name(name: &str) -> Option<&str> {
    name.strip_prefix("thumbs/")?.strip_suffix(&format!("-{}.jpg", crate::store::blobs::IMAGE_THUMB_SIDE))
}

/// Rebuilds the thumbnails of portraits and story photos the target lists, from their images
/// once they are here.
fn rebuild_image_thumbs(root: &Path, listed: &BTreeMap<String, u64>) {
    for hash in listed.keys().filter_map(|name| image_thumb_name(name)) {
        let Ok(thumb) = crate::store::blobs::image_thumb(root, hash) else { continue };
        if !thumb.is_file() && crate::store::blobs::image(root, hash).is_ok_and(|image| image.is_file()) {
            // A damaged image keeps its thumbnail missing; the window shows initials instead.
            let _ = crate::ingest::images::rebuild_image_thumb(root, hash);
        }
    }
}

/// Whether this laptop fetches originals only when they are opened (and for what it keeps
/// offline) rather than at every sync.
pub fn originals_on_demand(library: &Library) -> Result<bool> {
    Ok(library::get_local(library.conn(), "originals")?.as_deref() == Some("on-demand"))
}

/// Whether the app syncs on its own, every few minutes, whenever the target is reachable.
pub fn auto_sync(library: &Library) -> Result<bool> {
    Ok(library::get_local(library.conn(), "auto_sync")?.as_deref() == Some("on"))
}

pub fn set_auto_sync(library: &Library, on: bool) -> Result<()> {
    if on && library::get_local(library.conn(), "sync_target")?.is_none() {
        return Err(Error::invalid("sync", "sync once first, so Hearth knows where to sync"));
    }
    library::set_local(library.conn(), "auto_sync", if on { "on" } else { "off" })
}

pub fn set_originals_on_demand(library: &Library, on_demand: bool) -> Result<()> {
    library::set_local(library.conn(), "originals", if on_demand { "on-demand" } else { "all" })
}

/// Keeps a moment's or album's originals on this laptop (fetched at every sync), or stops.
pub fn keep_offline(library: &Library, kind: &str, id: &str, keep: bool) -> Result<()> {
    if !matches!(kind, "moment" | "album") {
        return Err(Error::invalid("kind", "only moments and albums can be kept offline"));
    }
    if keep {
        library.conn().execute("INSERT OR IGNORE INTO offline_keeps (kind, item_id) VALUES (?1, ?2)", [kind, id])?;
    } else {
        library.conn().execute("DELETE FROM offline_keeps WHERE kind = ?1 AND item_id = ?2", [kind, id])?;
    }
    Ok(())
}

pub fn kept_offline(library: &Library, kind: &str, id: &str) -> Result<bool> {
    Ok(library
        .conn()
        .query_row("SELECT 1 FROM offline_keeps WHERE kind = ?1 AND item_id = ?2", [kind, id], |_| Ok(()))
        .optional()?
        .is_some())
}

/// Where a missing original can be fetched from: the remembered target and its secrets.
pub fn original_source(library: &Library) -> Result<(PathBuf, Target, Credentials)> {
    let (target, credentials) = resolve(library, None, None).map_err(|e| match e {
        Error::Invalid { reason, .. } => {
            Error::invalid("original", format!("this original is not on this laptop, and {reason}"))
        }
        other => other,
    })?;
    Ok((library.root().to_path_buf(), target, credentials))
}

/// Fetches one original that is not on this laptop yet (checked against its hash, decrypted
/// when the target is encrypted) and returns where it now is. Needs no library lock.
pub fn fetch_original(
    root: &Path,
    target: &Target,
    credentials: &Credentials,
    hash: &str,
    format: &str,
) -> Result<PathBuf> {
    let dest = crate::store::blobs::original(root, hash, format)?;
    if dest.is_file() {
        return Ok(dest);
    }
    let store = Store::open(target, credentials)?;
    let keyring = crypto::load(root)?;
    let open_bytes = |name: &str, bytes: Vec<u8>| match &keyring {
        Some(community) => community.open(name, &bytes).map_err(|reason| Error::invalid("original", reason)),
        None => Ok(bytes),
    };
    let name = format!("blobs/{hash}.{format}");
    if let Some(bytes) = store.get(&name)? {
        let bytes = open_bytes(&name, bytes)?;
        if !promised(&name, &bytes) {
            return Err(Error::invalid("original", format!("{name} in {target} is not what its name promises")));
        }
        write_atomically(&dest, &bytes)?;
        return Ok(dest);
    }
    match store.download_chunked(&name, &dest, &open_bytes, &|file| file_has_hash(file, hash))? {
        Some(_) => Ok(dest),
        None => Err(Error::invalid(
            "original",
            format!("{target} does not hold this original (yet): its owner has not synced it"),
        )),
    }
}

/// What the window's "Test connection" says about a target; never writes to it.
pub fn probe(target: &Target, credentials: &Credentials) -> Result<String> {
    // Checked before opening, which would create a missing folder.
    if let Target::Folder(folder) = target {
        if !folder.is_dir() {
            return Err(Error::invalid("target", format!("{} is not a folder", folder.display())));
        }
    }
    let store = Store::open(target, credentials)?;
    Ok(match read_format(&store)? {
        Some(marker) => {
            let devices: std::collections::BTreeSet<String> = store
                .list("log")?
                .into_iter()
                .filter_map(|(name, _)| name.split('/').nth(1).map(str::to_owned))
                .collect();
            format!(
                "Reachable: {} Hearth community synced by {} device{}.",
                if marker.sealed_with.is_some() { "an encrypted" } else { "a" },
                devices.len(),
                if devices.len() == 1 { "" } else { "s" }
            )
        }
        None => {
            store.list("")?;
            "Reachable and empty: the first sync will start the community here.".to_owned()
        }
    })
}

/// Joins a community with an invitation: a new library, trusting the community's founding
/// device, speaking for the invited member, filled by one sync with the invitation's target
/// (or `target`, for a community that moved).
pub fn join(
    root: &Path,
    invitation: &Invitation,
    target: Option<&Target>,
    credentials: &Credentials,
) -> Result<(Library, SyncReport)> {
    let target = match target {
        Some(target) => target.clone(),
        None => Target::parse(invitation.target.as_deref().ok_or_else(|| {
            Error::invalid("target", "the invitation names no sync target; give the shared folder, bucket or address")
        })?)?,
    };
    if let Target::Folder(folder) = &target {
        if !folder.join(MARKER).is_file() {
            return Err(Error::invalid("target", format!("{} holds no Hearth community to join", folder.display())));
        }
    }
    let store = Store::open(&target, credentials)?;
    if read_format(&store)?.is_none() {
        return Err(Error::invalid("target", format!("{target} holds no Hearth community to join")));
    }
    let existed = root.exists();
    let mut library = Library::create_for_join(root)?;
    let joined = (|| {
        roster::accept(&library, invitation)?;
        let report = run(&std::cell::RefCell::new(&mut library), &store, &SyncOptions::default(), &|_| {})?;
        let has_community: bool =
            library.conn().query_row("SELECT count(*) > 0 FROM community WHERE deleted = 0", [], |row| row.get(0))?;
        if !has_community {
            return Err(Error::invalid("target", "the target's segments held no community; nothing was joined"));
        }
        library.conn().execute("DELETE FROM local_settings WHERE key = 'joining'", [])?;
        roster::ensure_member(&mut library, invitation)?;
        remember(&library, &target, credentials)?;
        Ok(report)
    })();
    match joined {
        Ok(report) => Ok((library, report)),
        Err(e) => {
            // A join that did not work leaves no half-made library: the folder is as it was
            // (new folders go, an empty one chosen is emptied again).
            drop(library);
            if existed {
                for entry in std::fs::read_dir(root).into_iter().flatten().flatten() {
                    let path = entry.path();
                    let _ = if path.is_dir() { std::fs::remove_dir_all(&path) } else { std::fs::remove_file(&path) };
                }
            } else {
                let _ = std::fs::remove_dir_all(root);
            }
            Err(e)
        }
    }
}

/// The target to sync with: `given` (with its credentials, remembered for next time), or the
/// one this library synced with last. A remembered folder that is not there (an unplugged
/// drive) is an error, never quietly created on the local disk.
pub fn resolve(
    library: &Library,
    given: Option<&str>,
    credentials: Option<Credentials>,
) -> Result<(Target, Credentials)> {
    let target = match given {
        Some(text) => Target::parse(text)?,
        None => {
            let remembered = library::get_local(library.conn(), "sync_target")?.ok_or_else(|| {
                Error::invalid("target", "no sync target yet: choose a shared folder, S3 bucket or WebDAV address")
            })?;
            let target = Target::parse(&remembered)?;
            if let Target::Folder(folder) = &target {
                if !folder.is_dir() {
                    return Err(Error::invalid(
                        "target",
                        format!("the shared folder {} is not reachable (is the drive plugged in?)", folder.display()),
                    ));
                }
            }
            target
        }
    };
    let credentials = match credentials {
        Some(credentials) => credentials,
        None => storage::remembered_credentials(library.root(), &target)?,
    };
    Ok((target, credentials))
}

/// Remembers the target (and its credentials) after a sync that worked.
pub fn remember(library: &Library, target: &Target, credentials: &Credentials) -> Result<()> {
    if !credentials.is_empty() {
        storage::remember_credentials(library.root(), target, credentials)?;
    }
    library::set_local(library.conn(), "sync_target", &target.to_string())?;
    library::set_local(library.conn(), "sync_last_at", &library.now().0.to_string())?;
    Ok(())
}

/// Syncs with `target`, or with the one this library synced with last; remembers it.
pub fn sync_remembered(
    library: &mut Library,
    target: Option<&str>,
    credentials: Option<Credentials>,
    options: &SyncOptions,
) -> Result<SyncReport> {
    let (target, credentials) = resolve(library, target, credentials)?;
    let report = sync_with(library, &target, &credentials, options)?;
    remember(library, &target, &credentials)?;
    Ok(report)
}

/// Where this library syncs and when it last did.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct SyncStatus {
    pub target: Option<String>,
    pub last_sync: Option<crate::clock::Millis>,
    /// The user name (or access key id) remembered for the target; the secret never leaves
    /// its file.
    pub user: Option<String>,
    /// Whether this library holds the community key (its targets are encrypted).
    pub encrypted: bool,
    /// Whether originals come only when opened (and for what is kept offline).
    pub originals_on_demand: bool,
    /// Whether the app syncs on its own whenever the target is reachable.
    pub auto: bool,
    /// Whether a lead removed this laptop from the community (what it writes is refused).
    pub removed: bool,
    /// Whether this is a new community's founding laptop that has never synced: its first
    /// target is encrypted unless its lead chooses otherwise ([`new_community`]).
    pub new_community: bool,
}

/// Whether `library` founded its community and has shared nothing yet (no target, no key, no
/// segment sent or merged): the window and the CLI encrypt its first target by default.
pub fn new_community(library: &Library) -> Result<bool> {
    let conn = library.conn();
    let synced: bool = conn.query_row("SELECT EXISTS (SELECT 1 FROM merged_segments)", [], |row| row.get(0))?;
    Ok(!synced
        && library::get_local(conn, "sync_target")?.is_none()
        && library::get_local(conn, "invitation_id")?.is_none()
        && crypto::load(library.root())?.is_none())
}

pub fn status(library: &Library) -> Result<SyncStatus> {
    let conn = library.conn();
    let target = library::get_local(conn, "sync_target")?;
    let user = match target.as_deref().map(Target::parse) {
        Some(Ok(target)) => {
            Some(storage::remembered_credentials(library.root(), &target)?.user).filter(|u| !u.is_empty())
        }
        _ => None,
    };
    Ok(SyncStatus {
        target,
        last_sync: library::get_local(conn, "sync_last_at")?.and_then(|t| t.parse().ok()).map(crate::clock::Millis),
        user,
        encrypted: crypto::load(library.root())?.is_some(),
        originals_on_demand: originals_on_demand(library)?,
        auto: auto_sync(library)?,
        removed: roster::removed(library)?,
        new_community: new_community(library)?,
    })
}

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

const PARKED_REASON: &str = "written by a newer Hearth: merged after an update";

/// The set-aside ops of one group (table, row, reason, author), or all of them.
fn set_aside_ops(conn: &Connection) -> Result<Vec<(Op, String, bool)>> {
    Ok(conn
        .prepare(
            "SELECT hlc, tbl, row_id, col, value, author, reason, retry FROM quarantined_ops
             UNION ALL SELECT hlc, tbl, row_id, col, value, author, ?1, 1 FROM parked_ops
             ORDER BY 1 DESC",
        )?
        .query_map([PARKED_REASON], |row| Ok((Op::from_row(row, 0)?, row.get(6)?, row.get(7)?)))?
        .collect::<rusqlite::Result<_>>()?)
}

fn group_id(op: &Op, reason: &str) -> String {
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
    for group in &mut groups {
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

/// A version of a long text that lost to a concurrent edit, for its author.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct Revision {
    pub id: u32,
    pub table: String,
    pub row_id: String,
    pub field: String,
    pub text: String,
    /// What stands now.
    pub current: String,
    pub kept_at: crate::clock::Millis,
}

/// My versions that lost to someone's concurrent edit (only their author sees them).
pub fn my_revisions(library: &Library) -> Result<Vec<Revision>> {
    let Some(me) = library.me()? else { return Ok(Vec::new()) };
    let conn = library.conn();
    let rows: Vec<(u32, String, String, String, String, i64)> = conn
        .prepare("SELECT id, tbl, row_id, col, value, kept_at FROM revisions WHERE author = ?1 AND restored = 0 ORDER BY kept_at DESC")?
        .query_map([&me], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?, row.get(4)?, row.get(5)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut out = Vec::new();
    for (id, table, row_id, field, text, kept_at) in rows {
        let Some((table_name, column)) = LONG_TEXTS.iter().find(|(t, c)| *t == table && *c == field) else { continue };
        let current: String = conn
            .prepare(&format!("SELECT {column} FROM {table_name} WHERE id = ?1"))?
            .query_row([&row_id], |row| row.get(0))
            .optional()?
            .unwrap_or_default();
        if current == text {
            continue;
        }
        out.push(Revision { id, table, row_id, field, text, current, kept_at: crate::clock::Millis(kept_at) });
    }
    Ok(out)
}

/// Puts my losing version back (as a new edit, so it wins everywhere after the next sync).
pub fn restore_revision(library: &mut Library, id: u32) -> Result<()> {
    let me = library.me()?.ok_or(Error::NoIdentity)?;
    let found: Option<(String, String, String, String, String)> = library
        .conn()
        .prepare("SELECT tbl, row_id, col, value, author FROM revisions WHERE id = ?1 AND restored = 0")?
        .query_row([id], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?, row.get(4)?)))
        .optional()?;
    let (table, row_id, field, text, author) =
        found.ok_or_else(|| Error::NotFound { entity: "revision", id: id.to_string() })?;
    if author != me {
        return Err(Error::Forbidden { action: "restore this version", reason: "only its author may".into() });
    }
    let (table, column) = *LONG_TEXTS
        .iter()
        .find(|(t, c)| *t == table && *c == field)
        .ok_or_else(|| Error::invalid("revision", "not a long text"))?;
    library.write(|w| {
        w.apply(table, &row_id, &[(column, Value::Text(text.clone()))])?;
        w.conn().execute("UPDATE revisions SET restored = 1 WHERE id = ?1", [id])?;
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_names_from_a_target_become_paths() {
        assert_eq!(segment_of("log/0195f3a2-dev_1/0000000007.json"), Some(("0195f3a2-dev_1".into(), 7)));
        for crafted in ["log/../0000000001.json", "log/a/b/0000000001.json", "log//0000000001.json", "log/a b/1.json"] {
            assert_eq!(segment_of(crafted), None, "{crafted} must not name a segment");
        }
        assert!(!plain_name("..") && !plain_name("a/b") && !plain_name(""));
    }
}
