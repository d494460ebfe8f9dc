//! One sync, phase by phase: send media and segments, relay, receive, merge in rounds, open
//! what newly arrived keys open, hand out keys.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use rusqlite::params;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::store::blobs::write_atomically;
use crate::store::library::{self, Access};
use crate::sync::crypto::{self, Keyring};
use crate::sync::merge_segments::{merge_segment, open_locked, Merged};
use crate::sync::offline::derived_hashes;
use crate::sync::offline::image_thumb_name;
use crate::sync::offline::rebuild_image_thumbs;
use crate::sync::offline::wanted_originals;
use crate::sync::offline::Wanted;
use crate::sync::ops::retry_set_aside;
use crate::sync::ops::MergeReport;
use crate::sync::roster::{self};
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
use crate::sync::segments::Unread;
use crate::sync::storage::pause_point;
use crate::sync::storage::{self, Store};
use crate::sync::target::check_format;
use crate::sync::target::SyncOptions;
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
    let (round, mut merged, mut report) = Round::start(access, store, options, meter)?;
    // 1. Send: media first, so a segment never names a file the target lacks.
    let remote = round.remote_media()?;
    round.send_media(&remote, options, &mut report)?;
    round.send_segments(&mut merged, &mut report)?;
    access.with(|library| roster::forget_invitation_secret(library))?;
    let remote_log = store.list("log")?;
    report.relayed += round.relay_segments(&remote_log)?;
    // 2. Receive media, then every segment not merged yet. Originals only when this laptop
    // keeps them all, or for what it keeps offline; the rest come when opened.
    let derived = access.with(|library| derived_hashes(library.conn()))?;
    let wanted = access.with(|library| wanted_originals(library))?;
    let mut locked_files = round.receive_media(round.missing(&remote, &wanted), &remote, &derived, &mut report)?;
    let fetched = round.fetch_segments(remote_log, &merged, &mut report)?;
    // What waited for this laptop's clock first: a laptop whose roster entry came stamped
    // ahead (its clock ran fast when it joined) is let in before its later segments are read.
    let retried = access.with(retry_set_aside)?;
    report.merge.applied += retried.applied;
    report.merge.superseded += retried.superseded;
    let (locked_segments, keys_late) = round.merge_rounds(fetched, &mut report)?;
    report.keys_received += keys_late;
    // 3. Rows that just arrived may belong to a moment or album kept offline, and keys that
    // just arrived open files left locked: fetch those. Derived files whose rows arrived in
    // this sync are taken now, checked against them.
    let wanted_now = match &wanted {
        Some(_) => access.with(|library| wanted_originals(library))?,
        None => None,
    };
    let more_wanted = matches!((&wanted, &wanted_now), (Some(before), Some(after)) if after != before);
    let derived_now = access.with(|library| derived_hashes(library.conn()))?;
    if more_wanted || derived_now.len() > derived.len() || (keys_late > 0 && locked_files > 0) {
        locked_files = round.receive_media(round.missing(&remote, &wanted_now), &remote, &derived_now, &mut report)?;
    }
    rebuild_image_thumbs(&round.root, &remote.sizes);
    report.locked = locked_segments + locked_files;
    round.finish(&mut report)?;
    Ok(report)
}

/// The community keys as they stand (closures that run on transfer threads read them so).
fn read_keys(community: &std::sync::RwLock<Option<Keyring>>) -> std::sync::RwLockReadGuard<'_, Option<Keyring>> {
    community.read().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// One sync's shared state: where it reads and writes, and the keys it has so far.
struct Round<'a, A: Access> {
    access: &'a A,
    store: &'a Store,
    meter: Meter<'a>,
    key: ed25519_dalek::SigningKey,
    root: PathBuf,
    /// The community keys, when the target is encrypted; more may arrive while merging.
    community: std::sync::RwLock<Option<Keyring>>,
}

/// The media a target holds: sizes by name, and which travelled in pieces (known by their
/// manifest, `<name>.chunks`).
struct RemoteMedia {
    sizes: BTreeMap<String, u64>,
    in_pieces: std::collections::HashSet<String>,
}

/// The segments merged (or sent) already, by device and number.
type MergedSegments = std::collections::HashSet<(String, u64)>;

/// A segment fetched from the target, to merge.
struct Fetched {
    device: String,
    seq: u64,
    name: String,
    size: u64,
    /// None when it vanished while it was being read.
    bytes: Option<Vec<u8>>,
}

impl<'a, A: Access> Round<'a, A> {
    /// Registers this laptop, settles the target's format and encryption, and takes in the
    /// keys sealed for it (others may already seal with them); on a lead's laptop, hands out
    /// the community keys others lack. Returns the round, the segments merged before, and the
    /// report so far.
    fn start(
        access: &'a A,
        store: &'a Store,
        options: &SyncOptions,
        meter: Meter<'a>,
    ) -> Result<(Self, MergedSegments, SyncReport)> {
        let (key, root, merged) = access.with(|library| {
            library.ensure_writable()?;
            let key = device_key(library)?;
            roster::trust_root(library)?;
            register(library, &key)?;
            let merged: MergedSegments = library
                .conn()
                .prepare("SELECT device, seq FROM merged_segments")?
                .query_map([], |row| Ok((row.get::<_, String>(0)?, row.get::<_, i64>(1)? as u64)))?
                .collect::<rusqlite::Result<_>>()?;
            Ok((key, library.root().to_path_buf(), merged))
        })?;
        let mut keyring = check_format(store, &root, options.encrypt)?;
        let mut report = SyncReport::default();
        // Audience keys before anything is sealed to them; made and handed out after merge.
        let audience_news = audiences::exchange(access, store, &key, false, &mut report.rejected)?;
        if let Some(keyring) = &mut keyring {
            (report.keys_received, report.keys_handed_out, report.relayed) =
                envelopes::exchange(access, store, &key, keyring, &mut report.rejected)?;
        }
        report.keys_received += audience_news.received;
        report.relayed += audience_news.relayed;
        let round = Round { access, store, meter, key, root, community: std::sync::RwLock::new(keyring) };
        Ok((round, merged, report))
    }

    fn keyring(&self) -> std::sync::RwLockReadGuard<'_, Option<Keyring>> {
        read_keys(&self.community)
    }

    fn remote_media(&self) -> Result<RemoteMedia> {
        let mut remote = RemoteMedia { sizes: BTreeMap::new(), in_pieces: Default::default() };
        for folder in MEDIA_FOLDERS {
            for (name, size) in self.store.list(folder)? {
                let file = name.rsplit('/').next().unwrap_or_default();
                if !media_name(file) {
                    continue;
                }
                match name.strip_suffix(".chunks") {
                    Some(whole) => {
                        remote.in_pieces.insert(whole.to_owned());
                        remote.sizes.insert(whole.to_owned(), size);
                    }
                    None => {
                        remote.sizes.insert(name, size);
                    }
                }
            }
        }
        Ok(remote)
    }

    /// Sends the media files the target lacks, sealed when it is encrypted.
    fn send_media(&self, remote: &RemoteMedia, options: &SyncOptions, report: &mut SyncReport) -> Result<()> {
        let local = local_media(&self.root);
        let chunk_bytes = options.chunk_bytes.map(u64::from).filter(|b| *b > 0).unwrap_or(storage::CHUNK_BYTES);
        let (community, meter) = (&self.community, &self.meter);
        let seal_bytes = |name: &str, bytes: Vec<u8>| match read_keys(community).as_ref() {
            Some(community) => community.seal(name, &bytes),
            None => Ok(bytes),
        };
        let to_send: Vec<(String, PathBuf)> = local
            .keys()
            .filter(|name| !remote.sizes.contains_key(*name))
            .map(|name| (name.clone(), self.root.join(name)))
            .collect();
        self.meter.update(|p| {
            p.stage = SyncStage::Sending;
            p.files_total = to_send.len() as u32;
            p.bytes_total = to_send.iter().map(|(name, _)| local[name]).sum::<u64>() as f64;
        });
        report.files_sent = self.store.upload(to_send, chunk_bytes, &seal_bytes, &|size| {
            meter.update(|p| {
                p.files_done += 1;
                p.bytes_done += size as f64;
            })
        })?;
        Ok(())
    }

    /// Sends this laptop's new ops, at most SEGMENT_OPS a segment, so every segment stays well
    /// under what a target may serve (storage::MAX_OBJECT_BYTES); a big import goes as several.
    fn send_segments(
        &self,
        merged: &mut std::collections::HashSet<(String, u64)>,
        report: &mut SyncReport,
    ) -> Result<()> {
        let mut outgoing = self.access.with(|library| next_segment(library))?;
        while let Some((segment, last_sent, count)) = outgoing {
            let name = segment_name(&segment.device, segment.seq);
            let sealed = seal(&segment, &self.key, self.keyring().as_ref())?;
            let written = self.store.put_new(&name, sealed.clone())?;
            pause_point("segment-written");
            if !written {
                return Err(Error::invalid(
                    "sync",
                    format!("{name} already exists in {}: another copy of this library is syncing there; sync from one copy only", self.store.target()),
                ));
            }
            // A crash before this records it sends the same ops again next time: merging is
            // idempotent.
            self.access.with(|library| {
                let conn = library.conn();
                library::set_local(conn, "sync_sent_seq", &last_sent.to_string())?;
                conn.execute(
                    "INSERT OR IGNORE INTO merged_segments (device, seq) VALUES (?1, ?2)",
                    params![segment.device, segment.seq as i64],
                )?;
                Ok(())
            })?;
            write_atomically(&self.root.join(&name), &sealed)?;
            report.sent_ops += count;
            merged.insert((segment.device, segment.seq));
            outgoing = self.access.with(|library| next_segment(library))?;
        }
        Ok(())
    }

    /// Passes on the segments this laptop holds and the target lacks (its own sent elsewhere,
    /// and every other laptop's it merged): a USB stick carried between two groups, or a
    /// laptop syncing with two targets, carries everyone's changes. They go as they came,
    /// signed by their writers; nothing is sealed again.
    fn relay_segments(&self, remote_log: &[(String, u64)]) -> Result<u32> {
        let on_target: std::collections::HashSet<&str> = remote_log.iter().map(|(name, _)| name.as_str()).collect();
        let relay: Vec<(String, PathBuf)> = local_segments(&self.root)
            .into_iter()
            .filter(|name| !on_target.contains(name.as_str()))
            .map(|name| (self.root.join(&name), name))
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
        self.store.upload(relay, u64::MAX, &|_, bytes| Ok(bytes), &|_| {})
    }

    /// The media to fetch: what the target holds and this library lacks (originals only those
    /// `wanted`, when originals come on demand).
    fn missing(&self, remote: &RemoteMedia, wanted: &Option<Wanted>) -> Vec<String> {
        remote
            .sizes
            .iter()
            .filter(|(name, size)| remote.in_pieces.contains(*name) || **size <= storage::MAX_OBJECT_BYTES)
            .map(|(name, _)| name)
            .filter(|name| !self.root.join(name).is_file() && image_thumb_name(name).is_none())
            .filter(|name| match (wanted, name.strip_prefix("blobs/")) {
                (Some(wanted), Some(file)) => {
                    let hash = file.split('.').next().unwrap_or_default();
                    wanted.kept.contains(hash) || wanted.images.contains(hash)
                }
                _ => true,
            })
            .cloned()
            .collect()
    }

    /// Fetches media files, each checked against what its name (an original's hash) or its row
    /// (a thumbnail's or preview's hash, in `expected`) promises. Returns how many are sealed
    /// with a community key this laptop lacks.
    fn receive_media(
        &self,
        names: Vec<String>,
        remote: &RemoteMedia,
        expected: &std::collections::HashMap<String, Option<String>>,
        report: &mut SyncReport,
    ) -> Result<u32> {
        use std::sync::atomic::{AtomicU32, Ordering::Relaxed};
        let refused_derived = AtomicU32::new(0);
        // Gallery thumbnails and previews are checked against their rows (what they hash to);
        // one no row names yet waits for its row.
        let derived_ok = |name: &str, bytes: &[u8]| match name.split('/').next() {
            Some("thumbs" | "previews") => match expected.get(name) {
                Some(Some(hash)) => {
                    let ok = blake3::hash(bytes).to_hex().as_str() == hash;
                    if !ok {
                        refused_derived.fetch_add(1, Relaxed);
                    }
                    ok
                }
                Some(None) => true,
                None => false,
            },
            _ => true,
        };
        let (pieces, whole): (Vec<String>, Vec<String>) =
            names.into_iter().partition(|name| remote.in_pieces.contains(name));
        self.meter.update(|p| {
            *p = SyncProgress {
                stage: SyncStage::Receiving,
                files_total: (whole.len() + pieces.len()) as u32,
                bytes_total: whole.iter().chain(&pieces).map(|name| remote.sizes[name]).sum::<u64>() as f64,
                ..SyncProgress::default()
            }
        });
        let (received, undecryptable, locked) = (AtomicU32::new(0), AtomicU32::new(0), AtomicU32::new(0));
        let (community, meter, root) = (&self.community, &self.meter, &self.root);
        self.store.download(whole, &|name, bytes| {
            let size = bytes.len() as u64;
            let bytes = match read_keys(community).as_ref() {
                Some(community) => community.open(name, &bytes).unwrap_or_else(|unopened| {
                    let count = match unopened {
                        crypto::Unopened::MissingKey(_) => &locked,
                        _ => &undecryptable,
                    };
                    count.fetch_add(1, Relaxed);
                    Vec::new()
                }),
                None => bytes,
            };
            if !bytes.is_empty() && promised(name, &bytes) && derived_ok(name, &bytes) {
                write_atomically(&root.join(name), &bytes)?;
                received.fetch_add(1, Relaxed);
                pause_point("file-received");
            }
            meter.update(|p| {
                p.files_done += 1;
                p.bytes_done += size as f64;
            });
            Ok(())
        })?;
        received.fetch_add(self.receive_pieces(pieces, remote, expected, report)?, Relaxed);
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
    }

    /// Long videos come in pieces, one file at a time, resuming what an interrupted sync began.
    /// Returns how many arrived whole.
    fn receive_pieces(
        &self,
        pieces: Vec<String>,
        remote: &RemoteMedia,
        expected: &std::collections::HashMap<String, Option<String>>,
        report: &mut SyncReport,
    ) -> Result<u32> {
        let community = &self.community;
        let open_bytes = |name: &str, bytes: Vec<u8>| match read_keys(community).as_ref() {
            Some(community) => community.open(name, &bytes).map_err(|reason| Error::invalid("target", reason)),
            None => Ok(bytes),
        };
        let mut received = 0;
        for name in pieces {
            let promise = match name.strip_prefix("blobs/") {
                Some(file_name) => Some(file_name.split(['.', '-']).next().unwrap_or_default().to_owned()),
                None => match expected.get(&name) {
                    Some(hash) => hash.clone(),
                    None => continue, // its row has not arrived yet
                },
            };
            let check = |file: &Path| promise.as_deref().is_none_or(|hash| file_has_hash(file, hash));
            match self.store.download_chunked(&name, &self.root.join(&name), &open_bytes, &check) {
                Ok(fetched) => {
                    received += u32::from(fetched.is_some());
                    self.meter.update(|p| {
                        p.files_done += 1;
                        p.bytes_done += remote.sizes[&name] as f64;
                    });
                }
                // One bad file does not stop the sync; it is listed and tried again next time.
                Err(Error::Invalid { reason, .. }) => report.rejected.push(format!("{name}: {reason}")),
                Err(other) => return Err(other),
            }
        }
        Ok(received)
    }

    /// Fetches every segment not merged yet, in order, leaving out what was refused for good
    /// (unless it changed) and what is larger than any segment Hearth writes.
    fn fetch_segments(
        &self,
        remote_log: Vec<(String, u64)>,
        merged: &MergedSegments,
        report: &mut SyncReport,
    ) -> Result<Vec<Fetched>> {
        let mut waiting: Vec<(String, u64, String, u64)> = Vec::new();
        let refused_before = self.access.with(|library| refused_objects(library.conn()))?;
        for (name, size) in remote_log {
            let Some((device, seq)) = segment_of(&name) else { continue };
            if merged.contains(&(device.clone(), seq)) || refused_before.get(&name) == Some(&size) {
                continue;
            }
            if size > storage::MAX_OBJECT_BYTES {
                let reason = format!("{size} bytes, more than any segment Hearth writes; left unread");
                report.rejected.push(format!("{device}/{seq}: {reason}"));
                self.access.with(|library| remember_refused(library.conn(), &name, size, &reason))?;
                continue;
            }
            waiting.push((device, seq, name, size));
        }
        waiting.sort();
        self.meter.update(|p| {
            *p = SyncProgress {
                stage: SyncStage::Merging,
                segments_total: waiting.len() as u32,
                ..SyncProgress::default()
            }
        });
        let mut fetched = Vec::new();
        for (device, seq, name, size) in waiting {
            match self.store.get(&name) {
                Ok(bytes) => fetched.push(Fetched { device, seq, name, size, bytes }),
                Err(Error::Invalid { reason, .. }) => report.rejected.push(format!("{device}/{seq}: {reason}")),
                Err(other) => return Err(other),
            }
        }
        Ok(fetched)
    }

    /// Merges the fetched segments. A device's segments may arrive before the invitation that
    /// lets it in (in another device's segment), and a segment sealed with a new key before
    /// the roster entry of the lead who handed it out: merge in rounds until nothing more can
    /// be read or admitted. Returns (segments still locked, community keys that came late).
    fn merge_rounds(&self, mut pending: Vec<Fetched>, report: &mut SyncReport) -> Result<(u32, u32)> {
        let trust_root = self.access.with(|library| roster::trust_root(library))?;
        let opener = self.access.with(|library| Opener::load(library))?;
        let mut keys_late = 0;
        loop {
            let mut progressed = false;
            let mut later = Vec::new();
            let mut locked = 0;
            for fetched in pending {
                match self.merge_fetched(&fetched, &trust_root, &opener, report)? {
                    Merged::Admitted | Merged::Refused => {
                        progressed = true;
                        self.meter.update(|p| p.segments_done += 1);
                        pause_point("segment-merged");
                    }
                    Merged::Waiting(reason) => {
                        locked += u32::from(reason.is_empty());
                        later.push((fetched, reason));
                    }
                }
            }
            if locked > 0 && progressed {
                let mut ring = self.community.write().unwrap_or_else(|poisoned| poisoned.into_inner());
                if let Some(ring) = ring.as_mut() {
                    keys_late += envelopes::receive(self.access, self.store, &self.key, ring, &mut report.rejected)?;
                }
            }
            if !progressed || later.is_empty() {
                // Left for a later sync, when the invitation (or the key) may have arrived.
                for (fetched, reason) in later.iter().filter(|(_, reason)| !reason.is_empty()) {
                    let Fetched { device, seq, .. } = fetched;
                    report.rejected.push(format!("{device}/{seq}: {reason} (tried again at the next sync)"));
                }
                return Ok((locked, keys_late));
            }
            pending = later.into_iter().map(|(fetched, _)| fetched).collect();
        }
    }

    /// Opens and merges one fetched segment (kept as it came, once admitted, to pass on).
    /// Waiting with an empty reason: sealed with a community key this laptop lacks.
    fn merge_fetched(
        &self,
        fetched: &Fetched,
        trust_root: &str,
        opener: &Opener,
        report: &mut SyncReport,
    ) -> Result<Merged> {
        let Fetched { device, seq, name, size, bytes } = fetched;
        // The signer is checked against the roster before a large body is parsed.
        let unknown_and_large = bytes.as_ref().is_some_and(|bytes| {
            bytes.len() > UNKNOWN_SIGNER_BYTES
                && verify(bytes).is_ok_and(|(_, signer)| {
                    self.access
                        .with(|library| roster::knows_key(library.conn(), trust_root, device, &signer))
                        .is_ok_and(|known| !known)
                })
        });
        let opened = match bytes {
            _ if unknown_and_large => Err(Unread::Unknown),
            Some(bytes) => open_sealed(name, bytes, self.keyring().as_ref()),
            None => Err(Unread::Bad("vanished while it was being read".to_owned())),
        };
        let merged = match opened {
            Err(Unread::Locked) => Merged::Waiting(String::new()),
            Err(Unread::Unknown) => Merged::Waiting(
                "from a laptop the roster does not know yet, and too large to read before it does".into(),
            ),
            Err(Unread::Bad(reason)) => {
                // Refused for its bytes (unsigned, altered, damaged): not fetched again until
                // it changes.
                self.access.with(|library| remember_refused(library.conn(), name, *size, &reason))?;
                self.access.with(|library| merge_segment(library, device, *seq, &Err(reason), opener, report))?
            }
            Ok(opened) => {
                self.access.with(|library| merge_segment(library, device, *seq, &Ok(opened), opener, report))?
            }
        };
        if let (Merged::Admitted, Some(bytes)) = (&merged, bytes) {
            write_atomically(&self.root.join(name), bytes)?;
        }
        Ok(merged)
    }

    /// After merge: a laptop that cannot open what it fetched may have been removed; laptops
    /// that just joined get the keys they lack; audience keys are made and handed out now that
    /// the roster is up to date, and what they newly open is merged; what waited for a row or
    /// for this laptop's clock merges; the search index is refreshed once.
    fn finish(&self, report: &mut SyncReport) -> Result<()> {
        if report.locked > 0 {
            envelopes::read_removal(self.access, self.store)?;
        }
        if let (Some(ring), true) = (self.keyring().as_ref(), report.segments_read > 0) {
            report.keys_handed_out += envelopes::hand_out(self.access, self.store, &self.key, ring)?;
        }
        let audience_news = audiences::exchange(self.access, self.store, &self.key, true, &mut report.rejected)?;
        report.keys_received += audience_news.received;
        report.keys_handed_out += audience_news.handed_out;
        report.relayed += audience_news.relayed;
        let opened = self.access.with(|library| open_locked(library, self.keyring().as_ref(), &mut report.rejected))?;
        report.merge.applied += opened.applied;
        report.merge.superseded += opened.superseded;
        report.merge.refused += opened.refused;
        let retried = self.access.with(retry_set_aside)?;
        report.merge.applied += retried.applied;
        report.merge.superseded += retried.superseded;
        // What waited and has now merged no longer waits.
        report.merge.waiting = report.merge.waiting.min(retried.waiting);
        if report.merge.applied > 0 {
            self.access.with(|library| crate::store::search::rebuild(library.conn()))?;
        }
        self.meter.update(|p| p.stage = SyncStage::Done);
        Ok(())
    }
}
