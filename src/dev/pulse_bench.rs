//! `hearth bench pulse`: tallying a round of many respondents, groups included.

use crate::clock::Stopwatch;
use crate::error::Result;
use crate::pulse::rounds::{PulseAnswer, RoundDimension};

/// Tallies a round of `respondents` answers in two planted camps `rounds` times; prints the
/// median and slowest time (target: 500 respondents in < 100 ms).
pub fn pulse(respondents: usize, rounds: usize) -> Result<()> {
    let dimensions: Vec<RoundDimension> =
        (0..7).map(|i| RoundDimension { id: format!("d{i}"), name: format!("Dimension {i}") }).collect();
    let mut state = 5u64;
    let mut noise = || {
        state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        ((state >> 33) % 3) as u8
    };
    let answers: Vec<(String, PulseAnswer)> = (0..respondents)
        .map(|i| {
            let camp = i % 2;
            let now: Vec<Option<u8>> = (0..7).map(|_| Some(4 + noise())).collect();
            let wished: Vec<Option<u8>> =
                (0..7).map(|d| Some(if d == 3 + camp { 8 + noise().min(2) } else { 4 + noise() })).collect();
            (
                if i % 9 == 0 { "newcomer" } else { "member" }.to_owned(),
                PulseAnswer { now, wished, note: String::new() },
            )
        })
        .collect();
    let mut times = Vec::new();
    let mut results = None;
    for _ in 0..rounds.max(1) {
        let watch = Stopwatch::start();
        results = Some(crate::pulse::tally::aggregate(&dimensions, &answers, 5, ""));
        times.push(watch.seconds() * 1000.0);
    }
    times.sort_by(f64::total_cmp);
    let results = results.expect("at least one round");
    println!(
        "{respondents} respondents: {} groups found ({}); median {:.1} ms, slowest {:.1} ms (target < 100 ms for 500)",
        results.groups.groups.len(),
        results.groups.why_not.as_deref().unwrap_or("distinct camps"),
        times[times.len() / 2],
        times[times.len() - 1]
    );
    Ok(())
}
