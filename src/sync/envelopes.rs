//! Handing out community keys. When a lead removes a laptop from an encrypted community, their
//! laptop makes a new community key; at each sync, a lead's laptop seals every key made after
//! the founding one for each laptop in the roster that lacks it, and writes the sealed copy (an
//! *envelope*) to the target as `keys/<key id>/<device>.json`, signed with its device key. Each
//! laptop opens the envelopes addressed to it, once it has checked that a lead's laptop signed
//! them: a key planted by anyone else (a removed laptop, whoever holds the folder) would let
//! them read what is sealed with it afterwards. Every laptop keeps the envelopes it checked and
//! passes them on to other targets, as it does segments.
//!
//! A removed laptop cannot read its removal (it is sealed with the key it never gets), so a
//! lead's laptop also leaves a signed notice, `removed/<device>.json`, which says nothing but
//! the device's id (as visible as its folder under `log/`).

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::store::blobs::write_atomically;
use crate::store::library::Access;
use crate::sync::crypto::{self, CommunityKey, Keyring};
use crate::sync::roster;
use crate::sync::storage::Store;

const FOLDER: &str = "keys";

/// What an envelope says, signed by the laptop that wrote it.
#[derive(Serialize, Deserialize)]
struct Envelope {
    key_id: String,
    device: String,
    /// When the key was made (milliseconds): the newest key seals what is new.
    made_at: i64,
    /// The key, sealed for `device` alone (base64).
    sealed: String,
}

fn envelope_name(key_id: &str, device: &str) -> String {
    format!("{FOLDER}/{key_id}/{device}.json")
}

/// The envelopes on the target: (key id, device, name).
type Listing = Vec<(String, String, String)>;

fn listed(store: &Store) -> Result<Listing> {
    Ok(store
        .list(FOLDER)?
        .into_iter()
        .filter_map(|(name, _)| {
            let mut parts = name.strip_prefix("keys/")?.splitn(2, '/');
            let key_id = parts.next()?.to_owned();
            let device = parts.next()?.strip_suffix(".json")?.to_owned();
            (crate::sync::plain_name(&key_id) && crate::sync::plain_name(&device)).then_some((key_id, device, name))
        })
        .collect())
}

/// Fetches the envelopes this laptop does not hold yet, keeps each one a laptop that may hand
/// out keys signed (to pass on to other targets), and opens those sealed for this laptop that
/// hold keys it lacks. An envelope from a laptop this replica does not know yet is left for a
/// later sync; one from a laptop that may not hand out keys is refused and listed. Returns how
/// many keys are new.
pub(crate) fn receive(
    access: &impl Access,
    store: &Store,
    device_key: &ed25519_dalek::SigningKey,
    keyring: &mut Keyring,
    refused: &mut Vec<String>,
) -> Result<u32> {
    receive_listed(access, store, &listed(store)?, device_key, keyring, refused)
}

/// What one sync does with keys before it sends anything, from one listing of the target's
/// envelopes: receive the keys sealed for this laptop, pass on the envelopes the target lacks,
/// then (on a lead's laptop) seal keys for the laptops that lack them and leave removal
/// notices. Returns (keys received, envelopes written, envelopes passed on).
pub(crate) fn exchange(
    access: &impl Access,
    store: &Store,
    device_key: &ed25519_dalek::SigningKey,
    keyring: &mut Keyring,
    refused: &mut Vec<String>,
) -> Result<(u32, u32, u32)> {
    let listing = listed(store)?;
    let received = receive_listed(access, store, &listing, device_key, keyring, refused)?;
    // Passed on before new ones are written: those are on the target already.
    let root = access.with(|library| Ok(library.root().to_path_buf()))?;
    let relayed = relay(store, &listing, &root)?;
    let handed_out = hand_out_listed(access, store, &listing, device_key, keyring)?;
    announce_removals(access, store, device_key)?;
    Ok((received, handed_out, relayed))
}

fn receive_listed(
    access: &impl Access,
    store: &Store,
    listing: &Listing,
    device_key: &ed25519_dalek::SigningKey,
    keyring: &mut Keyring,
    refused: &mut Vec<String>,
) -> Result<u32> {
    let (device, root, trust_root) = access.with(|library| {
        Ok((library.device().to_owned(), library.root().to_path_buf(), roster::trust_root(library)?))
    })?;
    let mut learned = 0;
    for (key_id, addressee, name) in listing {
        let kept = root.join(name);
        if kept.exists() {
            continue;
        }
        let bytes = match store.get_at_most(name, crate::sync::storage::MAX_SMALL_BYTES) {
            Ok(Some(bytes)) => bytes,
            Ok(None) => continue,
            Err(Error::Invalid { reason, .. }) => {
                refused.push(reason);
                continue;
            }
            Err(other) => return Err(other),
        };
        let checked = match crate::sync::verify(&bytes) {
            Ok((body, signer)) => {
                match access.with(|library| roster::hands_out_keys(library.conn(), &trust_root, &signer))? {
                    None => continue, // its laptop's roster entry has not arrived yet
                    Some(false) => Err("signed by a laptop that may not hand out community keys".to_owned()),
                    Some(true) => read(body, key_id, addressee),
                }
            }
            Err(reason) => Err(reason.to_owned()),
        };
        let opened = checked.and_then(|envelope| {
            if *addressee != device || keyring.holds(key_id) {
                return Ok(None);
            }
            open(&envelope, key_id, device_key).map(Some)
        });
        match opened {
            Ok(key) => {
                if let Some((key, made_at)) = key {
                    learned += u32::from(keyring.add(key, made_at));
                }
                write_atomically(&kept, &bytes)?;
            }
            Err(reason) => {
                // Listed once, though the rounds of a sync may read it again.
                let line = format!("{name}: {reason}; the key in it is not used");
                if !refused.contains(&line) {
                    refused.push(line);
                }
            }
        }
    }
    if learned > 0 {
        crypto::save(&root, keyring)?;
    }
    Ok(learned)
}

/// Passes on the envelopes this laptop holds and the target lacks (as they came, signed by the
/// lead's laptop that wrote them). Returns how many.
fn relay(store: &Store, listing: &Listing, root: &Path) -> Result<u32> {
    let on_target: std::collections::HashSet<&str> = listing.iter().map(|(.., name)| name.as_str()).collect();
    let mut relayed = 0;
    for key in std::fs::read_dir(root.join(FOLDER)).into_iter().flatten().flatten() {
        for file in std::fs::read_dir(key.path()).into_iter().flatten().flatten() {
            let name = format!("{FOLDER}/{}/{}", key.file_name().to_string_lossy(), file.file_name().to_string_lossy());
            if !name.ends_with(".json") || on_target.contains(name.as_str()) {
                continue;
            }
            let bytes = std::fs::read(file.path()).map_err(|e| crate::error::Error::io(file.path(), e))?;
            if crate::sync::verify(&bytes).is_ok() {
                relayed += u32::from(store.put_new(&name, bytes)?);
            }
        }
    }
    Ok(relayed)
}

/// An envelope's contents, checked against its name.
fn read(body: &[u8], key_id: &str, device: &str) -> std::result::Result<Envelope, String> {
    let envelope: Envelope = serde_json::from_slice(body).map_err(|e| format!("damaged ({e})"))?;
    if envelope.key_id != key_id || envelope.device != device {
        return Err("says it is another key's or another laptop's".into());
    }
    Ok(envelope)
}

fn open(
    envelope: &Envelope,
    key_id: &str,
    device_key: &ed25519_dalek::SigningKey,
) -> std::result::Result<(CommunityKey, i64), String> {
    let sealed = base64::Engine::decode(&base64::engine::general_purpose::STANDARD, &envelope.sealed)
        .map_err(|_| "damaged (not base64)")?;
    let key = crypto::open_for(&sealed, device_key).ok_or("cannot be opened with this laptop's key")?;
    if key.id() != key_id {
        return Err("holds another key than its name says".into());
    }
    Ok((key, envelope.made_at))
}

/// On a lead's laptop: seals every key made after the founding one for each laptop in the
/// roster that has no envelope for it yet. Returns how many envelopes were written.
pub(crate) fn hand_out(
    access: &impl Access,
    store: &Store,
    device_key: &ed25519_dalek::SigningKey,
    keyring: &Keyring,
) -> Result<u32> {
    hand_out_listed(access, store, &listed(store)?, device_key, keyring)
}

fn hand_out_listed(
    access: &impl Access,
    store: &Store,
    listing: &Listing,
    device_key: &ed25519_dalek::SigningKey,
    keyring: &Keyring,
) -> Result<u32> {
    let (me, root, laptops) = access.with(|library| {
        let lead = crate::viewer::Viewer::me(library)?.is_lead && !roster::removed(library)?;
        let laptops = if lead { roster::laptops(library.conn())? } else { Vec::new() };
        Ok((library.device().to_owned(), library.root().to_path_buf(), laptops))
    })?;
    if laptops.is_empty() || keyring.later_keys().next().is_none() {
        return Ok(0);
    }
    let present: std::collections::HashSet<(String, String)> =
        listing.iter().map(|(key_id, device, _)| (key_id.clone(), device.clone())).collect();
    let mut written = 0;
    for (key, made_at) in keyring.later_keys() {
        let key_id = key.id();
        for (device, public_key) in &laptops {
            if *device == me || present.contains(&(key_id.clone(), device.clone())) {
                continue;
            }
            let Some(public) = roster::decode_key(public_key) else { continue };
            let envelope = Envelope {
                key_id: key_id.clone(),
                device: device.clone(),
                made_at,
                sealed: roster::encode(&crypto::seal_for(key, &public)?),
            };
            let body = serde_json::to_vec(&envelope).expect("envelopes serialise");
            let name = envelope_name(&key_id, device);
            let signed = crate::sync::sign(&body, device_key);
            if store.put_new(&name, signed.clone())? {
                written += 1;
            }
            write_atomically(&root.join(&name), &signed)?;
        }
    }
    Ok(written)
}

/// A lead removed a laptop: a new community key, newer than every key held, seals everything
/// from now on. Nothing happens for a community that is not encrypted.
pub(crate) fn renew(root: &Path, now: i64) -> Result<bool> {
    let Some(mut keyring) = crypto::load(root)? else { return Ok(false) };
    let made_at = now.max(keyring.current_made_at() + 1);
    keyring.add(CommunityKey::generate()?, made_at);
    crypto::save(root, &keyring)?;
    Ok(true)
}

const REMOVED: &str = "removed";

/// On a lead's laptop: a signed notice for each removed laptop that has none yet. Returns how
/// many were written.
fn announce_removals(access: &impl Access, store: &Store, device_key: &ed25519_dalek::SigningKey) -> Result<u32> {
    let removed: Vec<String> = access.with(|library| {
        if !crate::viewer::Viewer::me(library)?.is_lead || roster::removed(library)? {
            return Ok(Vec::new());
        }
        Ok(library
            .conn()
            .prepare("SELECT id FROM devices WHERE deleted = 1 AND public_key != '' ORDER BY id")?
            .query_map([], |row| row.get(0))?
            .collect::<rusqlite::Result<_>>()?)
    })?;
    if removed.is_empty() {
        return Ok(0);
    }
    let noticed: std::collections::HashSet<String> = store.list(REMOVED)?.into_iter().map(|(name, _)| name).collect();
    let mut written = 0;
    for device in removed {
        let name = format!("{REMOVED}/{device}.json");
        if noticed.contains(&name) {
            continue;
        }
        let body = serde_json::json!({ "removed": device }).to_string();
        written += u32::from(store.put_new(&name, crate::sync::sign(body.as_bytes(), device_key))?);
    }
    Ok(written)
}

/// Whether the target holds a lead's notice that this laptop was removed; remembered once seen.
pub(crate) fn read_removal(access: &impl Access, store: &Store) -> Result<bool> {
    let (device, trust_root) =
        access.with(|library| Ok((library.device().to_owned(), roster::trust_root(library)?)))?;
    let Ok(Some(bytes)) = store.get_at_most(&format!("{REMOVED}/{device}.json"), crate::sync::storage::MAX_SMALL_BYTES)
    else {
        return Ok(false);
    };
    let Ok((body, signer)) = crate::sync::verify(&bytes) else { return Ok(false) };
    let says: serde_json::Value = serde_json::from_slice(body).unwrap_or_default();
    if says["removed"].as_str() != Some(device.as_str()) {
        return Ok(false);
    }
    access.with(|library| {
        if roster::hands_out_keys(library.conn(), &trust_root, &signer)? != Some(true) {
            return Ok(false); // only a lead may say so
        }
        crate::store::library::set_local(library.conn(), "removed_notice", &signer)?;
        Ok(true)
    })
}
