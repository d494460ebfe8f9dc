//! Offline-first sync: members' laptops meet in a shared folder, S3 or WebDAV target.
//!
//! Every synced write is an op (table, row, column, value) stamped with a hybrid logical
//! clock. A sync writes this device's new ops as an immutable, signed segment
//! `log/<device>/<seq>.json` in the target (what is restricted sealed to its audiences), reads
//! every segment it has not merged yet (any device's: a USB stick carries everyone's changes),
//! and merges them: per column, the value with the larger clock wins, so any order of
//! delivery, with duplicates, ends in the same tables, and each write is judged by the rules
//! the window applies. Media files go to the target under their hash.
//!
//! This layer knows tables and columns, never a domain's functions. Its parts: `ops` (merge),
//! `check` (judging writes), `segments`, `target`, `run` (one sync), `offline` (originals on
//! demand), `set_aside`, `revisions`, `roster` (who may write), `crypto`, `envelopes`
//! (community keys), `audiences` (audience keys), `storage` (targets), `before_sealing`.

pub(crate) mod audiences;
pub mod before_sealing;
pub mod crypto;
pub(crate) mod envelopes;
pub mod roster;
pub mod storage;

mod check;
mod merge_segments;
mod offline;
mod ops;
mod revisions;
mod run;
mod segments;
mod set_aside;
mod store_errors;
mod target;

pub use offline::{
    auto_sync, fetch_original, keep_offline, kept_offline, original_source, originals_on_demand, set_auto_sync,
    set_originals_on_demand,
};
pub use ops::{long_text_label, merge, Cell, MergeReport, Op, LONG_TEXTS};
pub use revisions::{my_revisions, restore_revision, Revision};
pub use run::{run, SyncProgress, SyncReport, SyncStage};
pub(crate) use segments::{device_key, plain_name, sign, verify};
pub use segments::{SealedKey, SealedOps, Segment};
pub use set_aside::{release_set_aside, set_aside_changes, SetAside};
pub use target::{
    join, new_community, probe, remember, resolve, status, sync_folder, sync_remembered, sync_shared, sync_target,
    sync_with, SyncOptions, SyncStatus,
};

/// The target's format; a target written by a newer Hearth is never written by this one.
pub const FORMAT: u32 = 2;
/// Ops stamped further ahead of this device's clock are set aside, and merged at a later sync
/// once its clock has come near them; an incoming stamp moves this device's clock at most this
/// far past its own (5 minutes: more than laptops kept by a time server drift apart).
pub const FUTURE_LIMIT_MS: i64 = 5 * 60 * 1000;
/// The most ops one segment holds (a few MB of JSON: far under what a target may serve).
pub const SEGMENT_OPS: i64 = 20_000;
