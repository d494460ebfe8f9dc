//! One sync, phase by phase: send media and segments, relay, receive, merge in rounds, open
//! what newly arrived keys open, hand out keys.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use rusqlite::params;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::store::blobs::write_atomically;
use crate::store::library::{self, Access, Library};
use crate::sync::crypto::{self, Keyring};
use crate::sync::offline::derived_hashes;
use crate::sync::offline::image_thumb_name;
use crate::sync::offline::rebuild_image_thumbs;
use crate::sync::offline::wanted_originals;
use crate::sync::offline::Wanted;
use crate::sync::ops::long_text_label;
use crate::sync::ops::merge_ops;
use crate::sync::ops::retry_set_aside;
use crate::sync::ops::MergeReport;
use crate::sync::roster::{self, Refusal};
use crate::sync::segments::block_name;
use crate::sync::segments::device_key;
use crate::sync::segments::local_segments;
use crate::sync::segments::next_segment;
use crate::sync::segments::open_sealed;
use crate::sync::segments::refused_objects;
use crate::sync::segments::register;
use crate::sync::segments::remember_refused;
use crate::sync::segments::seal;
use crate::sync::segments::segment_name;
use crate::sync::segments::segment_of;
use crate::sync::segments::verify;
use crate::sync::segments::Opener;
use crate::sync::segments::Segment;
use crate::sync::segments::Unread;
use crate::sync::segments::MAX_RECIPIENTS;
use crate::sync::segments::MAX_SEALED_BLOCKS;
use crate::sync::storage::{self, Store};
use crate::sync::target::check_format;
use crate::sync::target::SyncOptions;
use crate::sync::FORMAT;
use crate::sync::{audiences, envelopes};

pub(crate) const MEDIA_FOLDERS: &[&str] = &["blobs", "thumbs", "previews"];

/// A segment from a laptop the roster does not know yet is read only when at most this large
/// (a new laptop's first segment holds its roster entry and profile); a larger one waits
/// unparsed until the laptop's first segment has let it in.
pub(crate) const UNKNOWN_SIGNER_BYTES: usize = 1024 * 1024;

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
pub(crate) struct Meter<'a> {
    progress: std::sync::Mutex<SyncProgress>,
    listener: &'a (dyn Fn(&SyncProgress) + Sync),
}

impl Meter<'_> {
    pub(crate) fn update(&self, change: impl FnOnce(&mut SyncProgress)) {
        let snapshot = {
            let mut progress = self.progress.lock().unwrap_or_else(|p| p.into_inner());
            change(&mut progress);
            progress.clone()
        };
        (self.listener)(&snapshot);
    }
}

/// Media files in a local library folder, by object name (`blobs/<hash>`, …), with sizes.
pub(crate) fn local_media(root: &Path) -> BTreeMap<String, u64> {
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
pub(crate) fn media_name(name: &str) -> bool {
    let hash = name.split(['.', '-']).next().unwrap_or_default();
    crate::store::blobs::is_hash(hash)
        && !name.ends_with(".partial")
        && !name.ends_with(".incoming")
        && !name.contains('#')
}

/// Whether a file's BLAKE3 hash is `hash` (read in a stream: long videos are not loaded whole).
pub(crate) fn file_has_hash(file: &Path, hash: &str) -> bool {
    let mut hasher = blake3::Hasher::new();
    let read = std::fs::File::open(file).and_then(|f| hasher.update_reader(std::io::BufReader::new(f)).map(|_| ()));
    read.is_ok() && hasher.finalize().to_hex().as_str() == hash
}

/// Whether downloaded bytes are what their name promises (an original's name is its hash), so
/// a tampered file never spreads.
pub(crate) fn promised(name: &str, bytes: &[u8]) -> bool {
    match name.strip_prefix("blobs/") {
        Some(file) => {
            let hash = file.split(['.', '-']).next().unwrap_or_default();
            blake3::hash(bytes).to_hex().as_str() == hash
        }
        None => true,
    }
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

pub(crate) enum Merged {
    /// Its device is let in and its ops merged (any it may not write set aside).
    Admitted,
    /// Rejected for good (and listed); not read again this sync.
    Refused,
    /// Its device is not let in yet; read again later.
    Waiting(String),
}

use crate::sync::storage::pause_point;

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
