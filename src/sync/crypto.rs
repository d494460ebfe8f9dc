//! The community keys: when a community's sync target is encrypted, every segment and media
//! file is sealed with one of them (XChaCha20-Poly1305) before it leaves a laptop, so whoever
//! holds the folder, bucket or server sees only names and sizes. The keys live beside the
//! database in `community.key`, readable only by its user, never in the database and never
//! synced as they are; a newcomer receives them inside their invitation.
//!
//! The first key founds the community's target. When a lead removes a laptop, a new key is
//! made and sealed for each laptop still in the roster (an *envelope* only that laptop's own
//! key opens); from then on everything is sealed with the newest key, which the removed laptop
//! never receives. Older keys are kept: what was sealed with them stays readable.

use std::path::Path;

use base64::Engine;
use chacha20poly1305::aead::{Aead, KeyInit};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};

use crate::error::{Error, Result};

/// What a sealed object starts with: the first format (one community key, so no key named)...
const MAGIC_V1: &[u8; 8] = b"HEARTHX1";
/// ...the second, followed by the id of the key that sealed it...
const MAGIC_V2: &[u8; 8] = b"HEARTHX2";
/// ...and the current one: like the second, and bound to the object's name (the name is the
/// AEAD's associated data), so a sealed object cannot be passed off under another name.
const MAGIC: &[u8; 8] = b"HEARTHX3";
const ID_LEN: usize = 8;
/// What a key envelope's inner seal is bound to.
const ENVELOPE: &str = "hearth key envelope";
const NONCE_LEN: usize = 24;
const KEY_FILE: &str = "community.key";

/// 32 bytes from the operating system's generator.
pub fn random_bytes() -> Result<[u8; 32]> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes)
        .map_err(|e| Error::invalid("randomness", format!("the system's random generator failed: {e}")))?;
    Ok(bytes)
}

#[derive(Clone, PartialEq, Eq)]
pub struct CommunityKey([u8; 32]);

impl std::fmt::Debug for CommunityKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "CommunityKey({})", self.id())
    }
}

/// Why sealed bytes could not be opened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unopened {
    NotSealed,
    /// Sealed with a key this laptop has not been given (yet, or ever: a removed laptop).
    MissingKey(String),
    Altered,
}

impl std::fmt::Display for Unopened {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Unopened::NotSealed => "not encrypted, though the target is",
            Unopened::MissingKey(_) => "sealed with a community key this laptop has not been given",
            Unopened::Altered => "cannot be decrypted with the community key (altered, or sealed with another key)",
        })
    }
}

impl From<Unopened> for String {
    fn from(unopened: Unopened) -> String {
        unopened.to_string()
    }
}

impl CommunityKey {
    pub fn generate() -> Result<CommunityKey> {
        Ok(CommunityKey(random_bytes()?))
    }

    pub fn from_text(text: &str) -> Option<CommunityKey> {
        base64::engine::general_purpose::STANDARD
            .decode(text.trim())
            .ok()
            .and_then(|b| <[u8; 32]>::try_from(b).ok())
            .map(CommunityKey)
    }

    pub fn to_text(&self) -> String {
        base64::engine::general_purpose::STANDARD.encode(self.0)
    }

    fn id_bytes(&self) -> [u8; ID_LEN] {
        let derived = blake3::derive_key("hearth 2026 community key id", &self.0);
        derived[..ID_LEN].try_into().expect("a derived key is longer than an id")
    }

    /// A name for the key that reveals nothing of it, so a laptop can tell which key sealed
    /// what (and whether it holds that key).
    pub fn id(&self) -> String {
        hex(&self.id_bytes())
    }

    /// Seals `plain` as the object named `name` (its name on the target: `log/<device>/…`,
    /// `blobs/<hash>.jpg`, `chunks/<name>/<index>`).
    pub fn seal(&self, name: &str, plain: &[u8]) -> Result<Vec<u8>> {
        use chacha20poly1305::aead::Payload;
        let nonce_bytes = random_bytes()?;
        let nonce = XNonce::from_slice(&nonce_bytes[..NONCE_LEN]);
        let cipher = XChaCha20Poly1305::new((&self.0).into());
        let sealed = cipher
            .encrypt(nonce, Payload { msg: plain, aad: name.as_bytes() })
            .expect("XChaCha20-Poly1305 seals any length we hand it");
        let mut out = Vec::with_capacity(MAGIC.len() + ID_LEN + NONCE_LEN + sealed.len());
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&self.id_bytes());
        out.extend_from_slice(&nonce_bytes[..NONCE_LEN]);
        out.extend_from_slice(&sealed);
        Ok(out)
    }

    /// The plain bytes of the object named `name`, or why they cannot be had (not sealed,
    /// another key, altered, or sealed under another name). Objects sealed before names were
    /// bound (the first two formats) open under any name.
    pub fn open(&self, name: &str, sealed: &[u8]) -> std::result::Result<Vec<u8>, Unopened> {
        use chacha20poly1305::aead::Payload;
        let (body, bound) = match sealed_with(sealed) {
            Some(Sealed::First(body)) => (body, false),
            Some(Sealed::Named(id, body, bound)) if id == self.id_bytes() => (body, bound),
            Some(Sealed::Named(id, ..)) => return Err(Unopened::MissingKey(hex(&id))),
            None => return Err(Unopened::NotSealed),
        };
        let nonce = XNonce::from_slice(&body[..NONCE_LEN]);
        let aad = if bound { name.as_bytes() } else { b"" };
        XChaCha20Poly1305::new((&self.0).into())
            .decrypt(nonce, Payload { msg: &body[NONCE_LEN..], aad })
            .map_err(|_| Unopened::Altered)
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

enum Sealed<'a> {
    /// The first format: sealed with the founding key; nonce and cipher text follow.
    First(&'a [u8]),
    /// Sealed with the key of this id; bound to its name when true.
    Named([u8; ID_LEN], &'a [u8], bool),
}

fn sealed_with(bytes: &[u8]) -> Option<Sealed<'_>> {
    for (magic, bound) in [(MAGIC, true), (MAGIC_V2, false)] {
        if bytes.len() >= magic.len() + ID_LEN + NONCE_LEN && bytes.starts_with(magic) {
            let id = bytes[magic.len()..magic.len() + ID_LEN].try_into().expect("the length was checked");
            return Some(Sealed::Named(id, &bytes[magic.len() + ID_LEN..], bound));
        }
    }
    if bytes.len() >= MAGIC_V1.len() + NONCE_LEN && bytes.starts_with(MAGIC_V1) {
        return Some(Sealed::First(&bytes[MAGIC_V1.len()..]));
    }
    None
}

pub fn is_sealed(bytes: &[u8]) -> bool {
    sealed_with(bytes).is_some()
}

/// The community keys a laptop holds: the founding key first, each later one with the time it
/// was made (the newest seals everything new).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Keyring {
    keys: Vec<(CommunityKey, i64)>,
}

impl Keyring {
    pub fn founding(key: CommunityKey) -> Keyring {
        Keyring { keys: vec![(key, 0)] }
    }

    /// Reads a keyring from its text: one key per line, oldest first, each with the
    /// millisecond it was made (the founding key may stand alone).
    pub fn from_text(text: &str) -> Option<Keyring> {
        let keys = text
            .lines()
            .filter(|line| !line.trim().is_empty())
            .map(|line| {
                let mut parts = line.split_whitespace();
                let key = CommunityKey::from_text(parts.next()?)?;
                let made_at = match parts.next() {
                    Some(millis) => millis.parse().ok()?,
                    None => 0,
                };
                Some((key, made_at))
            })
            .collect::<Option<Vec<_>>>()?;
        (!keys.is_empty()).then_some(Keyring { keys })
    }

    pub fn to_text(&self) -> String {
        self.keys.iter().map(|(key, made_at)| format!("{} {made_at}\n", key.to_text())).collect()
    }

    /// The key the target was founded with (its marker names it).
    pub fn first(&self) -> &CommunityKey {
        &self.keys[0].0
    }

    /// The key everything new is sealed with.
    pub fn current(&self) -> &CommunityKey {
        let (key, _) = self.keys.iter().max_by_key(|(key, made_at)| (*made_at, key.id())).expect("never empty");
        key
    }

    pub fn current_made_at(&self) -> i64 {
        self.keys.iter().map(|(_, made_at)| *made_at).max().unwrap_or(0)
    }

    pub fn holds(&self, id: &str) -> bool {
        self.keys.iter().any(|(key, _)| key.id() == id)
    }

    /// Every key after the founding one, with when it was made: what leads hand out.
    pub fn later_keys(&self) -> impl Iterator<Item = (&CommunityKey, i64)> {
        self.keys.iter().skip(1).map(|(key, made_at)| (key, *made_at))
    }

    /// Adds a key; false when it was held already.
    pub fn add(&mut self, key: CommunityKey, made_at: i64) -> bool {
        if self.holds(&key.id()) {
            return false;
        }
        self.keys.push((key, made_at));
        true
    }

    pub fn seal(&self, name: &str, plain: &[u8]) -> Result<Vec<u8>> {
        self.current().seal(name, plain)
    }

    pub fn open(&self, name: &str, sealed: &[u8]) -> std::result::Result<Vec<u8>, Unopened> {
        match sealed_with(sealed) {
            Some(Sealed::First(_)) => self.first().open(name, sealed),
            Some(Sealed::Named(id, ..)) => match self.keys.iter().find(|(key, _)| key.id_bytes() == id) {
                Some((key, _)) => key.open(name, sealed),
                None => Err(Unopened::MissingKey(hex(&id))),
            },
            None => Err(Unopened::NotSealed),
        }
    }
}

/// The library's community keys, if it has any.
pub fn load(root: &Path) -> Result<Option<Keyring>> {
    let path = root.join(KEY_FILE);
    match std::fs::read_to_string(&path) {
        Ok(text) => Keyring::from_text(&text)
            .map(Some)
            .ok_or_else(|| Error::invalid("community key", format!("{} is damaged", path.display()))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(Error::io(&path, e)),
    }
}

/// Keeps the community keys beside the database, readable only by its user. The keyring only
/// grows: keys are added, never dropped, and the founding key never changes.
pub fn save(root: &Path, keyring: &Keyring) -> Result<()> {
    let path = root.join(KEY_FILE);
    let merged = match load(root)? {
        Some(mut held) => {
            if held.first() != keyring.first() {
                return Err(Error::invalid("community key", "this library already holds a different community key"));
            }
            let before = held.keys.len();
            for (key, made_at) in &keyring.keys {
                held.add(key.clone(), *made_at);
            }
            if held.keys.len() == before {
                return Ok(());
            }
            held
        }
        None => {
            return write_private(&path, keyring.to_text().as_bytes());
        }
    };
    replace_private(&path, merged.to_text().as_bytes())
}

/// A community key sealed for one laptop: an X25519 exchange with the laptop's ed25519 device
/// key, seen as a Montgomery point (as `age` does for ssh-ed25519 recipients; Thormarker,
/// "On using the same key pair for Ed25519 and an X25519 based KEM", 2021, shows this safe),
/// and a fresh ephemeral key, so only that laptop's own key opens it.
pub fn seal_for(key: &CommunityKey, device: &ed25519_dalek::VerifyingKey) -> Result<Vec<u8>> {
    seal_to(key, &device.to_montgomery())
}

/// Opens an envelope sealed for this laptop.
pub fn open_for(envelope: &[u8], device: &ed25519_dalek::SigningKey) -> Option<CommunityKey> {
    open_with(envelope, device.to_scalar_bytes(), &device.verifying_key().to_montgomery())
}

/// Seals a key for whoever holds the X25519 secret of `recipient` (a laptop, or an audience).
pub fn seal_to(key: &CommunityKey, recipient: &curve25519_dalek::montgomery::MontgomeryPoint) -> Result<Vec<u8>> {
    use curve25519_dalek::montgomery::MontgomeryPoint;
    let ephemeral = random_bytes()?;
    let ephemeral_public = MontgomeryPoint::mul_base_clamped(ephemeral);
    let shared = recipient.mul_clamped(ephemeral);
    let wrapping = envelope_key(&shared, &ephemeral_public, recipient)
        .ok_or_else(|| Error::invalid("recipient", "this key cannot receive a sealed key"))?;
    let sealed = wrapping.seal(ENVELOPE, &key.0)?;
    let mut out = ephemeral_public.to_bytes().to_vec();
    out.extend_from_slice(&sealed);
    Ok(out)
}

/// Opens what [`seal_to`] sealed, with the recipient's secret scalar and public point.
pub fn open_with(
    envelope: &[u8],
    secret: [u8; 32],
    public: &curve25519_dalek::montgomery::MontgomeryPoint,
) -> Option<CommunityKey> {
    use curve25519_dalek::montgomery::MontgomeryPoint;
    let ephemeral_public = MontgomeryPoint(envelope.get(..32)?.try_into().ok()?);
    let shared = ephemeral_public.mul_clamped(secret);
    let wrapping = envelope_key(&shared, &ephemeral_public, public)?;
    let bytes = wrapping.open(ENVELOPE, &envelope[32..]).ok()?;
    Some(CommunityKey(bytes.try_into().ok()?))
}

/// An audience's key (the leads; one member's own laptops): an X25519 secret its laptops hold,
/// and whose public half anyone may seal to, so a member writes to the leads without being
/// one. Handed out sealed to each laptop's device key, as community keys are.
#[derive(Clone, PartialEq, Eq)]
pub struct AudienceKey([u8; 32]);

impl std::fmt::Debug for AudienceKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "AudienceKey({})", self.id())
    }
}

impl AudienceKey {
    pub fn generate() -> Result<AudienceKey> {
        Ok(AudienceKey(random_bytes()?))
    }

    pub fn from_text(text: &str) -> Option<AudienceKey> {
        CommunityKey::from_text(text).map(|key| AudienceKey(key.0))
    }

    pub fn to_text(&self) -> String {
        CommunityKey(self.0).to_text()
    }

    pub fn public(&self) -> curve25519_dalek::montgomery::MontgomeryPoint {
        curve25519_dalek::montgomery::MontgomeryPoint::mul_base_clamped(self.0)
    }

    /// Names the key by its public half, so whoever seals to it and whoever holds it agree.
    pub fn id(&self) -> String {
        public_id(&self.public())
    }

    /// Opens a data key sealed to this audience key.
    pub fn open(&self, wrapped: &[u8]) -> Option<CommunityKey> {
        open_with(wrapped, self.0, &self.public())
    }

    /// This key, as an envelope for one laptop.
    pub fn seal_for(&self, device: &ed25519_dalek::VerifyingKey) -> Result<Vec<u8>> {
        seal_for(&CommunityKey(self.0), device)
    }

    /// The key in an envelope sealed for this laptop.
    pub fn open_for(envelope: &[u8], device: &ed25519_dalek::SigningKey) -> Option<AudienceKey> {
        open_for(envelope, device).map(|key| AudienceKey(key.0))
    }
}

/// The id of an audience key, from its public half (16 hex digits).
pub fn public_id(public: &curve25519_dalek::montgomery::MontgomeryPoint) -> String {
    hex(&blake3::derive_key("hearth 2026 audience key id", public.as_bytes())[..ID_LEN])
}

fn envelope_key(
    shared: &curve25519_dalek::montgomery::MontgomeryPoint,
    ephemeral: &curve25519_dalek::montgomery::MontgomeryPoint,
    recipient: &curve25519_dalek::montgomery::MontgomeryPoint,
) -> Option<CommunityKey> {
    // A low-order point gives an all-zero secret anyone could compute.
    if shared.to_bytes() == [0; 32] {
        return None;
    }
    let mut material = shared.to_bytes().to_vec();
    material.extend_from_slice(ephemeral.as_bytes());
    material.extend_from_slice(recipient.as_bytes());
    Some(CommunityKey(blake3::derive_key("hearth 2026 community key envelope", &material)))
}

/// Creates a file readable only by its user (a key, a secret); never replaces one.
pub fn write_private(path: &Path, bytes: &[u8]) -> Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path).map_err(|e| Error::io(path, e))?;
    std::io::Write::write_all(&mut file, bytes).map_err(|e| Error::io(path, e))?;
    file.sync_all().map_err(|e| Error::io(path, e))
}

/// Replaces a file with one readable only by its user from its first byte on.
pub fn replace_private(path: &Path, bytes: &[u8]) -> Result<()> {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let staged = path.with_file_name(format!(".{name}.partial"));
    let _ = std::fs::remove_file(&staged);
    write_private(&staged, bytes)?;
    std::fs::rename(&staged, path).map_err(|e| Error::io(path, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_bytes_open_only_with_their_key_and_unaltered() {
        let key = CommunityKey::generate().unwrap();
        let other = CommunityKey::generate().unwrap();
        let name = "blobs/aa.jpg";
        let sealed = key.seal(name, b"Ada's phone number").unwrap();
        assert!(!sealed.windows(5).any(|w| w == b"Ada's"), "the plain text does not show");
        assert_eq!(key.open(name, &sealed).unwrap(), b"Ada's phone number");
        assert!(other.open(name, &sealed).is_err(), "another community's key cannot open it");
        assert_eq!(key.open("blobs/bb.jpg", &sealed), Err(Unopened::Altered), "nor can it pass under another name");
        let mut altered = sealed.clone();
        *altered.last_mut().unwrap() ^= 1;
        assert!(key.open(name, &altered).is_err(), "an altered byte is caught");
        assert_ne!(key.seal(name, b"same").unwrap(), key.seal(name, b"same").unwrap(), "a fresh nonce each time");
        assert_eq!(CommunityKey::from_text(&key.to_text()), Some(key.clone()));
        assert_ne!(key.id(), other.id());
    }

    #[test]
    fn a_keyring_opens_what_any_of_its_keys_sealed_and_names_a_key_it_lacks() {
        let first = CommunityKey::generate().unwrap();
        let mut ring = Keyring::founding(first.clone());
        let old = ring.seal("log/a/1", b"before").unwrap();
        let newer = CommunityKey::generate().unwrap();
        assert!(ring.add(newer.clone(), 1_000));
        assert!(!ring.add(newer.clone(), 2_000), "a key is held once");
        assert_eq!(ring.current(), &newer, "the newest key seals what is new");
        let new = ring.seal("log/a/2", b"after").unwrap();
        assert_eq!(ring.open("log/a/1", &old).unwrap(), b"before", "older keys still open what they sealed");
        assert_eq!(ring.open("log/a/2", &new).unwrap(), b"after");
        let removed = Keyring::founding(first.clone());
        assert_eq!(
            removed.open("log/a/2", &new),
            Err(Unopened::MissingKey(newer.id())),
            "a laptop without the new key is told so"
        );
        assert_eq!(Keyring::from_text(&ring.to_text()), Some(ring.clone()));
        assert_eq!(Keyring::from_text(&first.to_text()).unwrap().first(), &first, "a lone founding key still reads");
        // The first two formats bound no name; the first named no key either (it was always
        // the founding one). What was sealed in them stays readable.
        let unbound = |key: &CommunityKey, plain: &[u8]| {
            let nonce = [7u8; NONCE_LEN];
            let cipher = XChaCha20Poly1305::new((&key.0).into());
            let sealed = cipher.encrypt(XNonce::from_slice(&nonce), plain).unwrap();
            [&nonce[..], &sealed].concat()
        };
        let first_format = [&MAGIC_V1[..], &unbound(&first, b"before")].concat();
        assert_eq!(ring.open("any", &first_format).unwrap(), b"before", "the first format was the founding key's");
        let second_format = [&MAGIC_V2[..], &newer.id_bytes(), &unbound(&newer, b"after")].concat();
        assert_eq!(ring.open("any", &second_format).unwrap(), b"after", "the second format opens under any name");
        let forged_first = [&MAGIC_V1[..], &unbound(&newer, b"after")].concat();
        assert_eq!(
            ring.open("any", &forged_first),
            Err(Unopened::Altered),
            "the first format is the founding key's only"
        );
    }

    #[test]
    fn an_envelope_opens_only_with_the_laptop_it_was_sealed_for() {
        let key = CommunityKey::generate().unwrap();
        let laptop = ed25519_dalek::SigningKey::from_bytes(&random_bytes().unwrap());
        let other = ed25519_dalek::SigningKey::from_bytes(&random_bytes().unwrap());
        let envelope = seal_for(&key, &laptop.verifying_key()).unwrap();
        assert_eq!(open_for(&envelope, &laptop), Some(key.clone()));
        assert_eq!(open_for(&envelope, &other), None, "another laptop's key cannot open it");
        let mut altered = envelope.clone();
        altered[40] ^= 1;
        assert_eq!(open_for(&altered, &laptop), None, "an altered envelope is refused");
        assert_ne!(seal_for(&key, &laptop.verifying_key()).unwrap(), envelope, "a fresh ephemeral key each time");
    }
}
