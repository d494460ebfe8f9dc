//! Merging a fetched segment: admitting its writer, opening what is sealed to this laptop,
//! judging and merging its writes; and opening later what a key that arrived since unlocks.

use rusqlite::params;

use crate::error::Result;
use crate::store::library::Library;
use crate::sync::crypto::Keyring;
use crate::sync::ops::long_text_label;
use crate::sync::ops::merge_ops;
use crate::sync::ops::MergeReport;
use crate::sync::roster::{self, Refusal};
use crate::sync::run::SyncReport;
use crate::sync::segments::block_name;
use crate::sync::segments::open_sealed;
use crate::sync::segments::segment_name;
use crate::sync::segments::Opener;
use crate::sync::segments::Segment;
use crate::sync::segments::MAX_RECIPIENTS;
use crate::sync::segments::MAX_SEALED_BLOCKS;
use crate::sync::FORMAT;

/// What became of a fetched segment.
pub(crate) enum Merged {
    /// Its device is let in and its ops merged (any it may not write set aside).
    Admitted,
    /// Rejected for good (and listed); not read again this sync.
    Refused,
    /// Its device is not let in yet; read again later.
    Waiting(String),
}

/// Checks one downloaded segment and merges the ops its device may write; lists what it
/// rejects, with why.
pub(crate) fn merge_segment(
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
    let admitted = match roster::admit(library.conn(), &trust_root, segment, signer, library.now())? {
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
pub(crate) fn open_locked(
    library: &mut Library,
    community: Option<&Keyring>,
    rejected: &mut Vec<String>,
) -> Result<MergeReport> {
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
            let Ok(admitted) = roster::admit(library.conn(), &trust_root, segment, signer, library.now())? else {
                continue;
            };
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
