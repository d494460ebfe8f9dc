//! Bounded fuzzing of the parsers of outside input, run by `make test`: each target takes a
//! small seed corpus (real files of the kind) and a few hundred deterministic mutations of it
//! (bit flips, interesting bytes, cut, duplicated and spliced chunks, lengths set to extremes),
//! and must neither panic nor take long on any of them. `HEARTH_FUZZ_CASES` runs more (the
//! closing note of each parser's issue says how many ran and for how long).
//!
//! A mutational loop of a few dozen lines rather than cargo-fuzz (which needs a nightly
//! compiler and libFuzzer, neither in `make test`) or proptest (whose shrinking is of little
//! use on opaque bytes, and which would add a dependency to every test build).

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::time::Duration;

/// Mutations each target runs by default (a few seconds in all on 2 cores).
pub const DEFAULT_CASES: usize = 300;
/// The longest one input may take: a parser slower than this on a small file is a fault.
pub const MAX_CASE_TIME: Duration = Duration::from_secs(2);

/// How many mutations to run: `HEARTH_FUZZ_CASES`, else `default`.
pub fn cases(default: usize) -> usize {
    std::env::var("HEARTH_FUZZ_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(default)
}

/// A deterministic stream of inputs: each seed as it is, then `count` mutations of seeds.
pub fn inputs(seeds: &[Vec<u8>], count: usize, seed: u64) -> impl Iterator<Item = Vec<u8>> + '_ {
    let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let mut next = move |below: usize| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % below.max(1) as u64) as usize
    };
    let mutated = (0..count).map(move |_| {
        let mut bytes = seeds[next(seeds.len())].clone();
        for _ in 0..=next(4) {
            let at = next(bytes.len() + 1);
            let last = bytes.len().saturating_sub(1);
            match next(7) {
                0 if !bytes.is_empty() => bytes[at.min(last)] ^= 1 << next(8),
                1 if !bytes.is_empty() => bytes[at.min(last)] = [0x00, 0xFF, 0x7F, 0x80, b'"', b'\n', b'='][next(7)],
                2 => bytes.truncate(at),
                3 if at < bytes.len() => {
                    let end = (at + 1 + next(64)).min(bytes.len());
                    let chunk = bytes[at..end].to_vec();
                    let to = next(bytes.len() + 1);
                    bytes.splice(to..to, chunk);
                }
                4 if at < bytes.len() => {
                    let end = (at + 1 + next(64)).min(bytes.len());
                    bytes.drain(at..end);
                }
                5 if at + 4 <= bytes.len() => {
                    // A length or size field set to an extreme.
                    let extreme = [0u32, 1, 0x7FFF_FFFF, 0xFFFF_FFFF, 0x0001_0000][next(5)];
                    bytes[at..at + 4].copy_from_slice(&extreme.to_be_bytes());
                }
                _ => {
                    let other = &seeds[next(seeds.len())];
                    let from = next(other.len() + 1);
                    bytes.extend_from_slice(&other[from..(from + next(256)).min(other.len())]);
                }
            }
        }
        bytes
    });
    seeds.iter().cloned().chain(mutated)
}

/// Runs `parse` on every input; panics (failing the test) naming the first input that made it
/// panic or take longer than [`MAX_CASE_TIME`], with its bytes' length and start.
pub fn run(target: &str, inputs: impl Iterator<Item = Vec<u8>>, mut parse: impl FnMut(&[u8])) -> usize {
    let mut ran = 0;
    for (index, input) in inputs.enumerate() {
        let watch = crate::clock::Stopwatch::start();
        let outcome = catch_unwind(AssertUnwindSafe(|| parse(&input)));
        let seconds = watch.seconds();
        let shown = &input[..input.len().min(48)];
        assert!(outcome.is_ok(), "{target}: input {index} ({} bytes, {shown:02x?}…) panicked", input.len());
        assert!(
            seconds <= MAX_CASE_TIME.as_secs_f64(),
            "{target}: input {index} ({} bytes, {shown:02x?}…) took {seconds:.1} s",
            input.len()
        );
        ran += 1;
    }
    ran
}

/// Structure-aware inputs for JSON formats (segments, manifests, reports): `count` copies of
/// `seed` with one to three values replaced by hostile ones (null, wrong types, extremes, very
/// long or path-like text), serialised; they get past the JSON parser to the code behind it.
pub fn json_inputs(seed: &serde_json::Value, count: usize, stream: u64) -> impl Iterator<Item = Vec<u8>> + '_ {
    use serde_json::{json, Value};
    fn pointers(value: &Value, at: String, out: &mut Vec<String>) {
        match value {
            Value::Object(map) => map.iter().for_each(|(k, v)| pointers(v, format!("{at}/{k}"), out)),
            Value::Array(items) => items.iter().enumerate().for_each(|(i, v)| pointers(v, format!("{at}/{i}"), out)),
            _ => {}
        }
        out.push(at);
    }
    let mut all = Vec::new();
    pointers(seed, String::new(), &mut all);
    let hostile = move |pick: usize| -> Value {
        match pick {
            0 => Value::Null,
            1 => json!(""),
            2 => json!("x".repeat(10_000)),
            3 => json!(-1),
            4 => json!(i64::MAX),
            5 => json!(1e308),
            6 => json!([]),
            7 => json!({}),
            8 => json!("../../etc/passwd"),
            9 => json!("\u{202e}\u{0000}\n"),
            10 => json!(true),
            _ => json!([[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]),
        }
    };
    let mut state = stream.wrapping_mul(0x2545_F491_4F6C_DD1D) | 1;
    let mut next = move |below: usize| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % below.max(1) as u64) as usize
    };
    (0..count).map(move |_| {
        let mut value = seed.clone();
        for _ in 0..=next(3) {
            let pointer = &all[next(all.len())];
            if let Some(slot) = value.pointer_mut(pointer) {
                *slot = hostile(next(12));
            }
        }
        serde_json::to_vec(&value).expect("a JSON value serialises")
    })
}
