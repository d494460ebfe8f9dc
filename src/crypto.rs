//! The community key: when a community's sync target is encrypted, every segment and media
//! file is sealed with it (XChaCha20-Poly1305) before it leaves a laptop, so whoever holds the
//! folder, bucket or server sees only names and sizes. The key lives beside the database in
//! `community.key`, readable only by its user, never in the database and never synced; a
//! newcomer receives it inside their invitation.

use std::path::Path;

use base64::Engine;
use chacha20poly1305::aead::{Aead, KeyInit};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};

use crate::error::{Error, Result};

/// What a sealed object starts with.
const MAGIC: &[u8; 8] = b"HEARTHX1";
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

    /// A name for the key that reveals nothing of it, so a laptop can tell it holds the key a
    /// target was sealed with.
    pub fn id(&self) -> String {
        blake3::derive_key("hearth 2026 community key id", &self.0)[..8].iter().map(|b| format!("{b:02x}")).collect()
    }

    pub fn seal(&self, plain: &[u8]) -> Result<Vec<u8>> {
        let nonce_bytes = random_bytes()?;
        let nonce = XNonce::from_slice(&nonce_bytes[..NONCE_LEN]);
        let cipher = XChaCha20Poly1305::new((&self.0).into());
        let sealed = cipher.encrypt(nonce, plain).expect("XChaCha20-Poly1305 seals any length we hand it");
        let mut out = Vec::with_capacity(MAGIC.len() + NONCE_LEN + sealed.len());
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&nonce_bytes[..NONCE_LEN]);
        out.extend_from_slice(&sealed);
        Ok(out)
    }

    /// The plain bytes, or why they cannot be had (not sealed, another key, altered).
    pub fn open(&self, sealed: &[u8]) -> std::result::Result<Vec<u8>, String> {
        if !is_sealed(sealed) {
            return Err("not encrypted, though the target is".into());
        }
        let nonce = XNonce::from_slice(&sealed[MAGIC.len()..MAGIC.len() + NONCE_LEN]);
        XChaCha20Poly1305::new((&self.0).into())
            .decrypt(nonce, &sealed[MAGIC.len() + NONCE_LEN..])
            .map_err(|_| "cannot be decrypted with the community key (altered, or sealed with another key)".into())
    }
}

pub fn is_sealed(bytes: &[u8]) -> bool {
    bytes.len() >= MAGIC.len() + NONCE_LEN && bytes.starts_with(MAGIC)
}

/// The library's community key, if it has one.
pub fn load(root: &Path) -> Result<Option<CommunityKey>> {
    let path = root.join(KEY_FILE);
    match std::fs::read_to_string(&path) {
        Ok(text) => CommunityKey::from_text(&text)
            .map(Some)
            .ok_or_else(|| Error::invalid("community key", format!("{} is damaged", path.display()))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(Error::io(&path, e)),
    }
}

/// Keeps the community key beside the database, readable only by its user. A library's key
/// never changes once written.
pub fn save(root: &Path, key: &CommunityKey) -> Result<()> {
    let path = root.join(KEY_FILE);
    if let Some(existing) = load(root)? {
        if &existing == key {
            return Ok(());
        }
        return Err(Error::invalid("community key", "this library already holds a different community key"));
    }
    write_private(&path, key.to_text().as_bytes())
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
        let sealed = key.seal(b"Ada's phone number").unwrap();
        assert!(!sealed.windows(5).any(|w| w == b"Ada's"), "the plain text does not show");
        assert_eq!(key.open(&sealed).unwrap(), b"Ada's phone number");
        assert!(other.open(&sealed).is_err(), "another community's key cannot open it");
        let mut altered = sealed.clone();
        *altered.last_mut().unwrap() ^= 1;
        assert!(key.open(&altered).is_err(), "an altered byte is caught");
        assert_ne!(key.seal(b"same").unwrap(), key.seal(b"same").unwrap(), "a fresh nonce each time");
        assert_eq!(CommunityKey::from_text(&key.to_text()), Some(key.clone()));
        assert_ne!(key.id(), other.id());
    }
}
