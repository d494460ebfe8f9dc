//! Segments as they travel: a device's ops in clear and sealed to their audiences, signed with
//! its device key, encrypted with the community key on an encrypted target; their names.

use std::collections::BTreeMap;
use std::path::Path;

use base64::Engine;
use rusqlite::types::Value;
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::store::library::{self, Library};
use crate::sync::audiences;
use crate::sync::crypto::{self, Keyring};
use crate::sync::ops::Op;
use crate::sync::roster;
use crate::sync::FORMAT;
use crate::sync::SEGMENT_OPS;

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
pub(crate) const MAX_SEALED_BLOCKS: usize = 5_000;

/// ...and this many recipients a block (the audiences named, or each laptop of them).
pub(crate) const MAX_RECIPIENTS: usize = 1_000;

/// What a block of sealed ops is bound to: its segment and its place.
pub(crate) fn block_name(segment: &str, index: usize) -> String {
    format!("{segment}#{index}")
}

/// Seals `ops` for `recipients`; None when there is nobody to seal them for.
pub(crate) fn seal_ops(name: &str, ops: &[Op], recipients: &[audiences::Recipient]) -> Result<Option<SealedOps>> {
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
    pub(crate) fn load(library: &Library) -> Result<Opener> {
        Ok(Opener {
            ring: audiences::AudienceRing::load(library.root())?,
            device: library.device().to_owned(),
            device_key: device_key(library)?,
        })
    }

    /// Whether this laptop holds a key named in `keys`.
    pub(crate) fn can_open(&self, mut keys: impl Iterator<Item = impl AsRef<str>>) -> bool {
        let own = format!("device-{}", self.device);
        keys.any(|key| self.ring.holds(key.as_ref()) || key.as_ref() == own)
    }

    /// The ops in a block: None when this laptop holds none of its keys, Err when it does
    /// and they do not open (altered).
    pub(crate) fn open(&self, name: &str, sealed: &SealedOps) -> Option<std::result::Result<Vec<Op>, String>> {
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

/// This device's ops not yet sent, as the next segment with the local sequence number of its
/// last op (None when there is nothing new).
pub(crate) fn next_segment(library: &Library) -> Result<Option<(Segment, i64, u32)>> {
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

pub(crate) fn encode_key(key: &ed25519_dalek::VerifyingKey) -> String {
    roster::encode(key.as_bytes())
}

/// Publishes this device's entry in the roster (its key, its member, its invitation's
/// endorsement) when it is new or has changed.
pub(crate) fn register(library: &mut Library, key: &ed25519_dalek::SigningKey) -> Result<()> {
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
pub(crate) fn seal(segment: &Segment, key: &ed25519_dalek::SigningKey, community: Option<&Keyring>) -> Result<Vec<u8>> {
    let mut body = serde_json::to_vec(segment).expect("segments serialise");
    if let Some(community) = community {
        body = community.seal(&segment_name(&segment.device, segment.seq), &body)?;
    }
    Ok(sign(&body, key))
}

/// Objects refused for good, by name, with the size they had then.
pub(crate) fn refused_objects(conn: &Connection) -> Result<std::collections::HashMap<String, u64>> {
    Ok(conn
        .prepare("SELECT name, size FROM refused_objects")?
        .query_map([], |row| Ok((row.get::<_, String>(0)?, row.get::<_, i64>(1)? as u64)))?
        .collect::<rusqlite::Result<_>>()?)
}

pub(crate) fn remember_refused(conn: &Connection, name: &str, size: u64, reason: &str) -> Result<()> {
    conn.execute(
        "INSERT OR REPLACE INTO refused_objects (name, size, reason) VALUES (?1, ?2, ?3)",
        params![name, size as i64, reason],
    )?;
    Ok(())
}

/// Why a stored segment cannot be merged.
#[derive(Debug)]
pub(crate) enum Unread {
    /// Signed by a key the roster does not know yet, and too large to parse before it does.
    Unknown,
    /// Refused for good: unsigned, altered, damaged.
    Bad(String),
    /// Sealed with a community key this laptop has not received (yet).
    Locked,
}

/// Checks a stored segment's signature and opens it; returns the segment and its signer's
/// public key.
pub(crate) fn open_sealed(
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

pub(crate) fn segment_name(device: &str, seq: u64) -> String {
    format!("log/{device}/{seq:010}.json")
}

/// The device and number a segment's name gives.
pub(crate) fn segment_of(name: &str) -> Option<(String, u64)> {
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
pub(crate) fn local_segments(root: &Path) -> Vec<String> {
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

    /// Segments as a hostile member would write them: the body altered (and signed again by
    /// their own key, so it gets past the signature), or the signed bytes altered. Opening,
    /// admitting and merging them never panics nor takes long (see `dev::fuzz`).
    #[test]
    fn crafted_segments_never_panic_the_merge() {
        use crate::dev::fuzz;
        let dir = tempfile::tempdir().unwrap();
        let mut library =
            crate::community::create(&dir.path().join("c"), crate::community::CommunityDraft::new("Circle", ""))
                .unwrap();
        crate::people::members::create_my_profile(&mut library, crate::people::members::MemberDraft::named("Lea"))
            .unwrap();
        let key = device_key(&library).unwrap();
        let (segment, _, _) = next_segment(&library).unwrap().expect("the founding ops");
        let body = serde_json::to_vec(&segment).unwrap();
        let signed = seal(&segment, &key, None).unwrap();
        let name = segment_name(&segment.device, segment.seq);
        let opener = Opener::load(&library).unwrap();
        let cases = fuzz::cases(fuzz::DEFAULT_CASES);
        let resigned = fuzz::inputs(std::slice::from_ref(&body), cases, 7).map(|body| sign(&body, &key));
        let altered = fuzz::inputs(std::slice::from_ref(&signed), cases / 4, 8);
        let structured = serde_json::to_value(&segment).unwrap();
        let crafted = fuzz::json_inputs(&structured, cases, 9).map(|body| sign(&body, &key));
        let ran = fuzz::run("segment", resigned.chain(altered).chain(crafted), |bytes| {
            let opened = open_sealed(&name, bytes, None).map_err(|unread| format!("{unread:?}"));
            let mut report = crate::sync::SyncReport::default();
            let device = opened.as_ref().map(|(s, _)| s.device.clone()).unwrap_or_default();
            let seq = opened.as_ref().map(|(s, _)| s.seq).unwrap_or(1);
            let _ =
                crate::sync::merge_segments::merge_segment(&mut library, &device, seq, &opened, &opener, &mut report);
        });
        assert!(ran > cases, "the mutations ran");
    }
}
