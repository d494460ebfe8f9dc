//! Row ids: UUIDv7 text (time-ordered, so new rows sort last and index pages stay warm).
//! A library draws ids from an [`IdSource`]: random in use, seeded for the demo and tests so
//! that the same steps produce the same ids.

use std::sync::Mutex;

use crate::clock::Millis;

pub struct IdSource {
    seed: Mutex<Option<u64>>,
}

impl IdSource {
    pub fn random() -> Self {
        IdSource { seed: Mutex::new(None) }
    }

    pub fn seeded(seed: u64) -> Self {
        IdSource { seed: Mutex::new(Some(seed)) }
    }

    /// A new UUIDv7 for a row created at `at`.
    pub fn next(&self, at: Millis) -> String {
        let mut seed = self.seed.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let random: [u8; 10] = match seed.as_mut() {
            Some(state) => {
                let mut bytes = [0u8; 10];
                bytes[..8].copy_from_slice(&splitmix64(state).to_le_bytes());
                bytes[8..].copy_from_slice(&splitmix64(state).to_le_bytes()[..2]);
                bytes
            }
            None => *uuid::Uuid::new_v4().as_bytes().first_chunk().expect("16 > 10"),
        };
        uuid::Builder::from_unix_timestamp_millis(at.0.max(0) as u64, &random).into_uuid().to_string()
    }
}

/// The id of a "one per member" row, derived from its parts, so the same member doing the same
/// thing on two offline devices makes one row, not two.
pub fn derived(parts: &[&str]) -> String {
    let mut hasher = blake3::Hasher::new();
    for part in parts {
        hasher.update(&(part.len() as u64).to_le_bytes());
        hasher.update(part.as_bytes());
    }
    let bytes: [u8; 16] = hasher.finalize().as_bytes()[..16].try_into().expect("16 bytes");
    uuid::Builder::from_custom_bytes(bytes).into_uuid().to_string()
}

/// A small, well-mixed deterministic generator; enough for ids, not for secrets.
fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeded_ids_repeat_and_sort_by_time() {
        let a = IdSource::seeded(7);
        let b = IdSource::seeded(7);
        let first = a.next(Millis(1_000));
        assert_eq!(first, b.next(Millis(1_000)), "the same seed must give the same ids");
        let later = a.next(Millis(2_000));
        assert!(later > first, "UUIDv7 text sorts by creation time");
        assert_eq!(uuid::Uuid::parse_str(&later).unwrap().get_version_num(), 7);
    }
}
