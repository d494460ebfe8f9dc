//! Audience keys: what is restricted ([`crate::store::sealing`]) is sealed to the keys of its
//! audiences, "the leads" and each member's own laptops, so only their laptops read it.
//!
//! An audience key is an X25519 secret ([`crypto::AudienceKey`]). Its public half is
//! *announced* on the target (`audiences/<audience>/<key id>.json`, signed by a laptop of the
//! audience), so anyone may seal to it: a member writes to the leads without being one. Its
//! secret is handed out as *envelopes* (`audiences/<audience>/<key id>/<device>.json`), sealed
//! to each entitled laptop's device key and signed by an entitled laptop, with the machinery
//! of community keys ([`crate::sync::envelopes`]): every key an audience ever had goes to each laptop
//! entitled now, so a member who becomes a lead reads the older leads-only data.
//!
//! Entitled: for the leads, a laptop (not removed) whose member is a lead now; for `m-<id>`, a
//! laptop of that member. When a laptop that held an audience's newest key is no longer
//! entitled (a lead stepped down, a laptop was removed), an entitled laptop makes a new key,
//! and what is written once writers have it is sealed to it: what came before stays readable
//! to those who had it, which cannot be taken back.
//!
//! Secrets live beside the database in `audience.keys`, readable only by its user; the public
//! halves this laptop checked are in the `audience_keys` table.

use std::collections::{BTreeMap, HashSet};
use std::path::Path;

use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::store::blobs::write_atomically;
use crate::store::library::Access;
use crate::store::sealing::{self, LEADS};
use crate::sync::crypto::{self, AudienceKey};
use crate::sync::roster;
use crate::sync::storage::Store;

const FOLDER: &str = "audiences";
const KEY_FILE: &str = "audience.keys";

/// The audience keys a laptop holds: (audience, key, when it was made in milliseconds).
#[derive(Debug, Clone, Default)]
pub struct AudienceRing {
    keys: Vec<(String, AudienceKey, i64)>,
}

impl AudienceRing {
    /// Reads `audience.keys` (one key a line: audience, key, millisecond made); none when absent.
    pub fn load(root: &Path) -> Result<AudienceRing> {
        let path = root.join(KEY_FILE);
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(AudienceRing::default()),
            Err(e) => return Err(Error::io(&path, e)),
        };
        let keys = text
            .lines()
            .filter(|line| !line.trim().is_empty())
            .map(|line| {
                let mut parts = line.split_whitespace();
                let audience = parts.next()?.to_owned();
                let key = AudienceKey::from_text(parts.next()?)?;
                Some((audience, key, parts.next()?.parse().ok()?))
            })
            .collect::<Option<Vec<_>>>()
            .ok_or_else(|| Error::invalid("audience keys", format!("{} is damaged", path.display())))?;
        Ok(AudienceRing { keys })
    }

    /// Keeps the keys beside the database, readable only by its user; the file only grows.
    fn save(&self, root: &Path) -> Result<()> {
        let mut held = AudienceRing::load(root)?;
        for (audience, key, made_at) in &self.keys {
            held.add(audience, key.clone(), *made_at);
        }
        let text: String = held
            .keys
            .iter()
            .map(|(audience, key, made_at)| format!("{audience} {} {made_at}\n", key.to_text()))
            .collect();
        crypto::replace_private(&root.join(KEY_FILE), text.as_bytes())
    }

    pub fn get(&self, key_id: &str) -> Option<&AudienceKey> {
        self.keys.iter().find(|(_, key, _)| key.id() == key_id).map(|(_, key, _)| key)
    }

    pub fn holds(&self, key_id: &str) -> bool {
        self.get(key_id).is_some()
    }

    /// Adds a key; false when it was held already.
    fn add(&mut self, audience: &str, key: AudienceKey, made_at: i64) -> bool {
        if self.holds(&key.id()) {
            return false;
        }
        self.keys.push((audience.to_owned(), key, made_at));
        true
    }
}

/// A key's public half, as announced.
#[derive(Serialize, Deserialize)]
struct Announcement {
    audience: String,
    key_id: String,
    /// The X25519 public key (base64).
    public: String,
    /// When the key was made (milliseconds): writers seal to the newest.
    made_at: i64,
    /// The laptop that made it.
    device: String,
}

/// A key's secret, sealed for one laptop.
#[derive(Serialize, Deserialize)]
struct Envelope {
    audience: String,
    key_id: String,
    device: String,
    made_at: i64,
    /// The key, sealed for `device` alone (base64).
    sealed: String,
}

/// What is in `audiences/` (on a target, or kept in the library): announcements as
/// (audience, key id) and envelopes as (audience, key id, device), each with its name.
#[derive(Default)]
struct Listing {
    announced: Vec<(String, String, String)>,
    sealed: Vec<(String, String, String, String)>,
}

impl Listing {
    /// The laptops with an envelope of key `key_id`.
    fn envelopes_of<'a>(&'a self, key_id: &'a str) -> impl Iterator<Item = &'a String> + 'a {
        self.sealed.iter().filter(move |(_, id, ..)| id == key_id).map(|(_, _, device, _)| device)
    }
}

fn parse_name(name: &str) -> Option<(String, String, Option<String>)> {
    let rest = name.strip_prefix("audiences/")?.strip_suffix(".json")?;
    let parts: Vec<&str> = rest.split('/').collect();
    if !parts.iter().all(|part| crate::sync::plain_name(part)) {
        return None;
    }
    match parts[..] {
        [audience, key_id] => Some((audience.to_owned(), key_id.to_owned(), None)),
        // `<device>_<random>`: a name nobody can take before the envelope is written.
        [audience, key_id, file] => {
            let (device, _) = file.rsplit_once('_')?;
            Some((audience.to_owned(), key_id.to_owned(), Some(device.to_owned())))
        }
        _ => None,
    }
}

fn listing(names: impl IntoIterator<Item = String>) -> Listing {
    let mut listing = Listing::default();
    for name in names {
        match parse_name(&name) {
            Some((audience, key_id, None)) => listing.announced.push((audience, key_id, name)),
            Some((audience, key_id, Some(device))) => listing.sealed.push((audience, key_id, device, name)),
            None => {}
        }
    }
    listing
}

/// The files this laptop kept (checked when they came), named as on a target.
fn kept(root: &Path) -> Vec<String> {
    let mut names = Vec::new();
    let mut stack = vec![(root.join(FOLDER), FOLDER.to_owned())];
    while let Some((dir, name)) = stack.pop() {
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let child = format!("{name}/{}", entry.file_name().to_string_lossy());
            match entry.file_type() {
                Ok(kind) if kind.is_dir() => stack.push((entry.path(), child)),
                Ok(kind) if kind.is_file() => names.push(child),
                _ => {}
            }
        }
    }
    names.sort();
    names
}

/// Whether roster entry `device` is entitled to `audience` now: a laptop, not removed, of a
/// lead (for the leads) or of the member the audience names.
pub(crate) fn entitled(conn: &Connection, audience: &str, device: &str) -> Result<bool> {
    let entry: Option<(String, Option<String>)> = conn
        .prepare_cached(
            "SELECT d.member_id, m.role FROM devices d LEFT JOIN members m ON m.id = d.member_id AND m.deleted = 0
             WHERE d.id = ?1 AND d.deleted = 0 AND d.public_key != ''",
        )?
        .query_row([device], |row| Ok((row.get(0)?, row.get(1)?)))
        .optional()?;
    let Some((member, role)) = entry else { return Ok(false) };
    Ok(match sealing::member_of(audience) {
        Some(id) => id == member,
        None => audience == LEADS && role.as_deref() == Some("lead"),
    })
}

/// The laptops entitled to `audience` now, with their device keys.
fn entitled_laptops(conn: &Connection, audience: &str) -> Result<Vec<(String, ed25519_dalek::VerifyingKey)>> {
    let mut out = Vec::new();
    for (device, public_key) in roster::laptops(conn)? {
        if entitled(conn, audience, &device)? {
            if let Some(key) = roster::decode_key(&public_key) {
                out.push((device, key));
            }
        }
    }
    Ok(out)
}

/// The roster entry (not removed) holding `signer`'s key.
fn device_of(conn: &Connection, signer: &str) -> Result<Option<String>> {
    Ok(conn
        .prepare_cached("SELECT id FROM devices WHERE public_key = ?1 AND deleted = 0")?
        .query_row([signer], |row| row.get(0))
        .optional()?)
}

/// Where a sealed write's data key goes: an audience's newest announced key or, for an
/// audience with none announced yet, each of its laptops' device keys ("device-<id>").
pub(crate) struct Recipient {
    pub audience: String,
    pub key: String,
    pub public: curve25519_dalek::montgomery::MontgomeryPoint,
}

/// The recipients of a write for `audience` (its names, see [`sealing`]): each audience's
/// newest key, when every laptop known to hold it (its maker, and those this laptop saw an
/// envelope for) is entitled to it now; else (a lead stepped down, a laptop was removed, and
/// no new key has come yet) each laptop entitled now, by its own key. A member with no laptop
/// and no key yet receives nothing (there is no laptop to read it on).
pub(crate) fn recipients(conn: &Connection, root: &Path, audience: &[&str]) -> Result<Vec<Recipient>> {
    let mut out = Vec::new();
    for name in audience {
        let newest: Option<(String, String, String)> = conn
            .prepare_cached(
                "SELECT key_id, public, device FROM audience_keys WHERE audience = ?1
                 ORDER BY made_at DESC, key_id DESC LIMIT 1",
            )?
            .query_row([name], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))
            .optional()?;
        let newest = match newest {
            Some((key_id, public, maker)) if held_by_entitled(conn, root, name, &key_id, &maker)? => {
                Some((key_id, public))
            }
            _ => None,
        };
        let public = newest.as_ref().and_then(|(_, public)| {
            let bytes = base64::Engine::decode(&base64::engine::general_purpose::STANDARD, public).ok()?;
            Some(curve25519_dalek::montgomery::MontgomeryPoint(bytes.try_into().ok()?))
        });
        match (newest, public) {
            (Some((key_id, _)), Some(public)) => {
                out.push(Recipient { audience: (*name).to_owned(), key: key_id, public })
            }
            _ => {
                for (device, key) in entitled_laptops(conn, name)? {
                    out.push(Recipient {
                        audience: (*name).to_owned(),
                        key: format!("device-{device}"),
                        public: key.to_montgomery(),
                    });
                }
            }
        }
    }
    Ok(out)
}

/// Whether every laptop known to hold key `key_id` of `audience` is entitled to it now.
fn held_by_entitled(conn: &Connection, root: &Path, audience: &str, key_id: &str, maker: &str) -> Result<bool> {
    if !entitled(conn, audience, maker)? {
        return Ok(false);
    }
    let folder = root.join(FOLDER).join(audience).join(key_id);
    for entry in std::fs::read_dir(folder).into_iter().flatten().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some((device, _)) = name.strip_suffix(".json").and_then(|n| n.rsplit_once('_')) else { continue };
        if !entitled(conn, audience, device)? {
            return Ok(false);
        }
    }
    Ok(true)
}

/// What one exchange of audience keys did.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct Exchanged {
    /// Keys sealed for this laptop and opened.
    pub received: u32,
    /// Envelopes this laptop sealed for others, and keys it made.
    pub handed_out: u32,
    pub relayed: u32,
}

/// One sync's exchange of audience keys: takes in the announcements and envelopes the target
/// holds (each checked against the roster: signed by a laptop entitled to its audience), opens
/// the keys sealed for this laptop, passes on what the target lacks, makes a key for an
/// audience this laptop is in that has none (or whose newest reached a laptop no longer
/// entitled), and seals each key it holds for every entitled laptop that lacks it. What the
/// roster cannot place yet is left for a later sync.
/// With `make` false only steps 1 and 2: before merge, when this laptop's roster may not know
/// yet who stepped down, it makes and hands out nothing.
pub(crate) fn exchange(
    access: &impl Access,
    store: &Store,
    device_key: &ed25519_dalek::SigningKey,
    make: bool,
    refused: &mut Vec<String>,
) -> Result<Exchanged> {
    let (root, now, me) =
        access.with(|library| Ok((library.root().to_path_buf(), library.now().0, library.device().to_owned())))?;
    let round = Exchange { access, store, device_key, root, now, me };
    let mut ring = AudienceRing::load(&round.root)?;
    let on_target: Vec<String> = store.list(FOLDER)?.into_iter().map(|(name, _)| name).collect();
    let target = listing(on_target.iter().cloned());
    let mut done = Exchanged::default();
    // 1. Take in what is new; 2. pass on what the target lacks.
    round.take_announcements(&target, refused)?;
    done.received = round.take_envelopes(&target, &mut ring, refused)?;
    done.relayed = round.relay(&on_target.into_iter().collect())?;
    // 3. Make the keys this laptop's audiences need, and hand out every key it holds.
    if make {
        let held = listing(kept(&round.root));
        let mine = round.audiences_of_mine()?;
        for audience in &mine {
            done.handed_out += u32::from(round.renew_if_needed(audience, &held, &mut ring)?);
        }
        done.handed_out += round.hand_out(&mine, &held, &ring)?;
    }
    Ok(done)
}

/// One exchange of audience keys: where it reads and writes, as which laptop, when.
struct Exchange<'a, A: Access> {
    access: &'a A,
    store: &'a Store,
    device_key: &'a ed25519_dalek::SigningKey,
    root: std::path::PathBuf,
    now: i64,
    /// This laptop's device id.
    me: String,
}

impl<A: Access> Exchange<'_, A> {
    fn is_kept(&self, name: &str) -> bool {
        self.root.join(name).is_file()
    }

    /// Keeps each announcement signed by a laptop entitled to its audience, naming a key that
    /// fits it and made no later than now (a key "made" in the future would stay the newest).
    fn take_announcements(&self, target: &Listing, refused: &mut Vec<String>) -> Result<()> {
        for (audience, key_id, name) in &target.announced {
            if self.is_kept(name) {
                continue;
            }
            let Some(bytes) = fetch(self.store, name, refused)? else { continue };
            let Ok((body, signer)) = crate::sync::verify(&bytes) else { continue };
            let Ok(said) = serde_json::from_slice::<Announcement>(body) else { continue };
            let public = base64::Engine::decode(&base64::engine::general_purpose::STANDARD, &said.public)
                .ok()
                .and_then(|bytes| <[u8; 32]>::try_from(bytes).ok())
                .map(curve25519_dalek::montgomery::MontgomeryPoint);
            let fits = said.audience == *audience
                && said.key_id == *key_id
                && said.made_at <= self.now + crate::sync::FUTURE_LIMIT_MS
                && public.is_some_and(|public| crypto::public_id(&public) == *key_id);
            let stored = self.access.with(|library| {
                let conn = library.conn();
                let Some(device) = device_of(conn, &signer)? else { return Ok(false) };
                if !fits || device != said.device || !entitled(conn, audience, &device)? {
                    return Ok(false);
                }
                remember_announced(conn, &said)?;
                Ok(true)
            })?;
            if stored {
                write_atomically(&self.root.join(name), &bytes)?;
            }
        }
        Ok(())
    }

    /// Keeps each envelope signed by a laptop entitled to its audience, and opens those sealed
    /// for this laptop that hold keys it lacks. Returns how many keys are new.
    fn take_envelopes(&self, target: &Listing, ring: &mut AudienceRing, refused: &mut Vec<String>) -> Result<u32> {
        let mut received = 0;
        for (audience, key_id, device, name) in &target.sealed {
            if self.is_kept(name) {
                continue;
            }
            let Some(bytes) = fetch(self.store, name, refused)? else { continue };
            let Ok((body, signer)) = crate::sync::verify(&bytes) else { continue };
            let Ok(envelope) = serde_json::from_slice::<Envelope>(body) else { continue };
            if envelope.audience != *audience || envelope.key_id != *key_id || envelope.device != *device {
                continue;
            }
            let signed_by_entitled = self.access.with(|library| {
                let conn = library.conn();
                Ok(match device_of(conn, &signer)? {
                    Some(by) => entitled(conn, audience, &by)?,
                    None => false,
                })
            })?;
            if !signed_by_entitled {
                continue; // a key planted by anyone else would make this laptop seal to it; or its roster entry has not come yet
            }
            if *device == self.me && !ring.holds(key_id) {
                let sealed = base64::Engine::decode(&base64::engine::general_purpose::STANDARD, &envelope.sealed)
                    .unwrap_or_default();
                match AudienceKey::open_for(&sealed, self.device_key) {
                    Some(key) if key.id() == *key_id => {
                        received += u32::from(ring.add(audience, key, envelope.made_at));
                    }
                    _ => {
                        let line = format!("{name}: cannot be opened with this laptop's key, or holds another key than its name says; not used");
                        if !refused.contains(&line) {
                            refused.push(line);
                        }
                        continue;
                    }
                }
            }
            write_atomically(&self.root.join(name), &bytes)?;
        }
        if received > 0 {
            ring.save(&self.root)?;
        }
        Ok(received)
    }

    /// Passes on what this laptop keeps and the target lacks. Returns how many.
    fn relay(&self, on_target: &HashSet<String>) -> Result<u32> {
        let mut relayed = 0;
        for name in kept(&self.root) {
            if on_target.contains(&name) {
                continue;
            }
            let bytes = std::fs::read(self.root.join(&name)).map_err(|e| Error::io(self.root.join(&name), e))?;
            if crate::sync::verify(&bytes).is_ok() {
                relayed += u32::from(self.store.put_new(&name, bytes)?);
            }
        }
        Ok(relayed)
    }

    /// The audiences this laptop is entitled to: the leads (when its member leads) and its
    /// member's own.
    fn audiences_of_mine(&self) -> Result<Vec<String>> {
        self.access.with(|library| {
            let conn = library.conn();
            let member: Option<String> = conn
                .prepare("SELECT member_id FROM devices WHERE id = ?1 AND deleted = 0")?
                .query_row([&self.me], |row| row.get(0))
                .optional()?;
            let mut mine = Vec::new();
            for audience in [Some(LEADS.to_owned()), member.filter(|m| !m.is_empty()).map(|m| sealing::member(&m))]
                .into_iter()
                .flatten()
            {
                if entitled(conn, &audience, &self.me)? {
                    mine.push(audience);
                }
            }
            Ok(mine)
        })
    }

    /// Makes and announces a new key for `audience` when it has none, or when a laptop known
    /// to hold its newest (its maker, or one this laptop checked an envelope for: the names on
    /// the target are anyone's to plant) is no longer entitled. True when it made one.
    fn renew_if_needed(&self, audience: &str, held: &Listing, ring: &mut AudienceRing) -> Result<bool> {
        let newest: Option<(String, i64, String)> = self.access.with(|library| {
            Ok(library
                .conn()
                .prepare(
                    "SELECT key_id, made_at, device FROM audience_keys WHERE audience = ?1
                     ORDER BY made_at DESC, key_id DESC LIMIT 1",
                )?
                .query_row([audience], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))
                .optional()?)
        })?;
        let renew = match &newest {
            None => true,
            Some((key_id, _, made_by)) => {
                let holders: Vec<&String> = held.envelopes_of(key_id).chain([made_by]).collect();
                self.access.with(|library| {
                    for holder in holders {
                        if !entitled(library.conn(), audience, holder)? {
                            return Ok(true);
                        }
                    }
                    Ok(false)
                })?
            }
        };
        if !renew {
            return Ok(false);
        }
        let key = AudienceKey::generate()?;
        let made_at = self.now.max(newest.as_ref().map_or(0, |(_, made_at, _)| made_at.saturating_add(1)));
        let said = Announcement {
            audience: audience.to_owned(),
            key_id: key.id(),
            public: base64::Engine::encode(&base64::engine::general_purpose::STANDARD, key.public().as_bytes()),
            made_at,
            device: self.me.clone(),
        };
        ring.add(audience, key.clone(), made_at);
        ring.save(&self.root)?;
        let name = format!("{FOLDER}/{audience}/{}.json", key.id());
        let signed = crate::sync::sign(&serde_json::to_vec(&said).expect("announcements serialise"), self.device_key);
        self.store.put_new(&name, signed.clone())?;
        write_atomically(&self.root.join(&name), &signed)?;
        self.access.with(|library| remember_announced(library.conn(), &said))?;
        Ok(true)
    }

    /// Seals every key this laptop holds of its audiences for each entitled laptop that has
    /// no checked envelope of it. Returns how many envelopes it wrote.
    fn hand_out(&self, mine: &[String], held: &Listing, ring: &AudienceRing) -> Result<u32> {
        let mut by_audience: BTreeMap<&str, Vec<(&AudienceKey, i64)>> = BTreeMap::new();
        for (audience, key, made_at) in &ring.keys {
            if mine.contains(audience) {
                by_audience.entry(audience).or_default().push((key, *made_at));
            }
        }
        let mut written = 0;
        for (audience, keys) in by_audience {
            let laptops = self.access.with(|library| entitled_laptops(library.conn(), audience))?;
            for (key, made_at) in keys {
                let key_id = key.id();
                let has: HashSet<&String> = held.envelopes_of(&key_id).collect();
                for (device, public) in &laptops {
                    if *device == self.me || has.contains(device) {
                        continue;
                    }
                    let envelope = Envelope {
                        audience: audience.to_owned(),
                        key_id: key_id.clone(),
                        device: device.clone(),
                        made_at,
                        sealed: roster::encode(&key.seal_for(public)?),
                    };
                    let nonce = &crypto::AudienceKey::generate()?.id()[..8];
                    let name = format!("{FOLDER}/{audience}/{key_id}/{device}_{nonce}.json");
                    let signed = crate::sync::sign(
                        &serde_json::to_vec(&envelope).expect("envelopes serialise"),
                        self.device_key,
                    );
                    written += u32::from(self.store.put_new(&name, signed.clone())?);
                    write_atomically(&self.root.join(&name), &signed)?;
                }
            }
        }
        Ok(written)
    }
}

fn fetch(store: &Store, name: &str, refused: &mut Vec<String>) -> Result<Option<Vec<u8>>> {
    match store.get_at_most(name, crate::sync::storage::MAX_SMALL_BYTES) {
        Ok(found) => Ok(found),
        Err(Error::Invalid { reason, .. }) => {
            refused.push(format!("{name}: {reason}"));
            Ok(None)
        }
        Err(other) => Err(other),
    }
}

fn remember_announced(conn: &Connection, said: &Announcement) -> Result<()> {
    conn.execute(
        "INSERT OR IGNORE INTO audience_keys (key_id, audience, public, made_at, device) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![said.key_id, said.audience, said.public, said.made_at, said.device],
    )?;
    Ok(())
}
