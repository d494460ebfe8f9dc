//! Closing a round: its answers tallied into aggregates behind the community's threshold (no
//! aggregate of fewer respondents; groups and breakdowns only when each side has at least as
//! many; notes only as text a lead publishes when ten or more wrote one), published as one
//! synced row. For a confidential round only the laptop holding the round's key can do it.

use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use super::groups::{self, Groups};
use super::rounds::{self, PulseAnswer, RoundKind};
use super::stats::{self, Spread};
use crate::error::{Error, Result};
use crate::store::library::Library;
use crate::viewer::Viewer;

/// The fewest respondents an aggregate may have, by default; a community may raise it, and
/// never set it below [`MIN_THRESHOLD`].
pub const DEFAULT_THRESHOLD: u32 = 5;
pub const MIN_THRESHOLD: u32 = 3;
/// Notes are summarised (by a lead) only when at least this many wrote one.
pub const MIN_NOTES: u32 = 10;

/// One dimension's picture: where the community is and where it wishes it were.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct DimensionResult {
    pub id: String,
    pub name: String,
    /// None when fewer than the threshold answered it.
    pub now: Option<Spread>,
    pub wished: Option<Spread>,
    /// The share of those who answered both whose wish exceeds what they see by 3 or more.
    pub wants_much_more: Option<f64>,
}

/// A breakdown of medians for one group of members against the rest (newcomers vs others),
/// shown only when both have at least the threshold.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct Breakdown {
    pub group: String,
    pub size: u32,
    pub rest: u32,
    /// Per dimension: (group's median now, rest's), (group's median wished, rest's); None where
    /// either side has fewer answers on that dimension than the threshold.
    pub now: Vec<Option<(f64, f64)>>,
    pub wished: Vec<Option<(f64, f64)>>,
}

/// A closed round's published results.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct Results {
    pub respondents: u32,
    pub threshold: u32,
    /// Fewer answered than the threshold: nothing else is published.
    pub too_few: bool,
    pub dimensions: Vec<DimensionResult>,
    /// Names of the dimensions with the most and the least consensus (on now).
    pub agree_most: Option<String>,
    pub disagree_most: Option<String>,
    pub groups: Groups,
    pub breakdown: Option<Breakdown>,
    /// How many wrote a note, and the text a lead published about them (only when at least
    /// [`MIN_NOTES`] did).
    pub notes: u32,
    pub notes_summary: String,
    /// Why the picture is withheld although enough answered: set beside the last round's, it
    /// would single out the few people by whom the two differ.
    pub withheld: Option<String>,
}

/// The community's threshold (5 unless the leads set another, never below 3).
pub fn threshold(conn: &Connection) -> Result<u32> {
    let set: Option<i64> =
        conn.query_row("SELECT pulse_threshold FROM community LIMIT 1", [], |r| r.get(0)).optional()?;
    Ok(set.map_or(DEFAULT_THRESHOLD, |t| t.clamp(i64::from(MIN_THRESHOLD), 50) as u32))
}

/// Sets the threshold (leads), 3 to 50.
pub fn set_threshold(library: &mut Library, value: u32) -> Result<()> {
    if !Viewer::me(library)?.is_lead {
        return Err(Error::Forbidden { action: "set the pulse threshold", reason: "the leads may".into() });
    }
    if !(MIN_THRESHOLD..=50).contains(&value) {
        return Err(Error::invalid("threshold", format!("from {MIN_THRESHOLD} to 50 respondents")));
    }
    let id: String = library.conn().query_row("SELECT id FROM community LIMIT 1", [], |r| r.get(0))?;
    library.write(|w| w.apply("community", &id, &[("pulse_threshold", Value::Integer(i64::from(value)))]))
}

/// The aggregates of `answers` (with each answerer's role), behind `threshold`.
pub fn aggregate(
    dimensions: &[rounds::RoundDimension],
    answers: &[(String, PulseAnswer)],
    threshold: u32,
    notes_summary: &str,
) -> Results {
    let respondents = answers.len() as u32;
    let notes = answers.iter().filter(|(_, a)| !a.note.trim().is_empty()).count() as u32;
    let too_few = respondents < threshold;
    let column = |pick: &dyn Fn(&PulseAnswer) -> &Vec<Option<u8>>, d: usize| -> Vec<u8> {
        answers.iter().filter_map(|(_, a)| pick(a).get(d).copied().flatten()).collect()
    };
    let shown = |values: Vec<u8>| (values.len() as u32 >= threshold).then(|| stats::spread(&values)).flatten();
    let dimensions: Vec<DimensionResult> = match too_few {
        true => Vec::new(),
        false => dimensions
            .iter()
            .enumerate()
            .map(|(d, dim)| {
                let both: Vec<(u8, u8)> = answers
                    .iter()
                    .filter_map(|(_, a)| Some((a.now.get(d).copied().flatten()?, a.wished.get(d).copied().flatten()?)))
                    .collect();
                DimensionResult {
                    id: dim.id.clone(),
                    name: dim.name.clone(),
                    now: shown(column(&|a| &a.now, d)),
                    wished: shown(column(&|a| &a.wished, d)),
                    wants_much_more: (both.len() as u32 >= threshold).then(|| {
                        both.iter().filter(|(n, w)| *w >= n.saturating_add(3)).count() as f64 / both.len() as f64
                    }),
                }
            })
            .collect(),
    };
    let by_consensus = |most: bool| {
        dimensions
            .iter()
            .filter_map(|d| d.now.as_ref().map(|s| (d.name.clone(), s.consensus)))
            .reduce(|a, b| if (b.1 > a.1) == most && b.1 != a.1 { b } else { a })
            .map(|(name, _)| name)
    };
    let points: Vec<Vec<Option<f64>>> =
        answers.iter().map(|(_, a)| a.now.iter().chain(&a.wished).map(|v| v.map(f64::from)).collect()).collect();
    let groups = match too_few {
        true => groups::find(&[], threshold),
        false => groups::find(&points, threshold),
    };
    Results {
        respondents,
        threshold,
        too_few,
        agree_most: by_consensus(true),
        disagree_most: by_consensus(false),
        breakdown: if too_few { None } else { breakdown(dimensions.len(), answers, threshold) },
        dimensions,
        groups,
        notes: if too_few { 0 } else { notes },
        notes_summary: if notes >= MIN_NOTES && !too_few { notes_summary.trim().to_owned() } else { String::new() },
        withheld: None,
    }
}

/// Newcomers against everyone else, when each side has at least `threshold` respondents.
fn breakdown(width: usize, answers: &[(String, PulseAnswer)], threshold: u32) -> Option<Breakdown> {
    let (new, rest): (Vec<&PulseAnswer>, Vec<&PulseAnswer>) = (
        answers.iter().filter(|(r, _)| r == "newcomer").map(|(_, a)| a).collect(),
        answers.iter().filter(|(r, _)| r != "newcomer").map(|(_, a)| a).collect(),
    );
    if (new.len() as u32) < threshold || (rest.len() as u32) < threshold {
        return None;
    }
    let median = |group: &[&PulseAnswer], pick: &dyn Fn(&PulseAnswer) -> &Vec<Option<u8>>, d: usize| {
        let values: Vec<u8> = group.iter().filter_map(|a| pick(a).get(d).copied().flatten()).collect();
        (values.len() as u32 >= threshold).then(|| stats::spread(&values).map(|s| s.median)).flatten()
    };
    let pair = |pick: &dyn Fn(&PulseAnswer) -> &Vec<Option<u8>>, d: usize| {
        Some((median(&new, pick, d)?, median(&rest, pick, d)?))
    };
    Some(Breakdown {
        group: "newcomers".into(),
        size: new.len() as u32,
        rest: rest.len() as u32,
        now: (0..width).map(|d| pair(&|a| &a.now, d)).collect(),
        wished: (0..width).map(|d| pair(&|a| &a.wished, d)).collect(),
    })
}

/// Closes round `id` (a lead; a confidential round only on the laptop holding its key):
/// tallies, publishes the results, and for a confidential round blanks every sealed answer and
/// forgets the key. `notes_summary` is what the lead writes about the notes (published only
/// when ten or more wrote one).
pub fn close(library: &mut Library, id: &str, notes_summary: &str) -> Result<rounds::Round> {
    let current = rounds::get(library, id)?;
    if !current.can_close {
        let reason = match current.kind {
            RoundKind::Confidential if current.closed_at.is_none() => {
                "only the laptop of the lead who opened it holds its key, and can close it"
            }
            _ => "the leads may, while it is open",
        };
        return Err(Error::Forbidden { action: "close this round", reason: reason.into() });
    }
    let round = rounds::stored(library, id)?;
    let conn = library.conn();
    let rows: Vec<(String, String, String, String, i64)> = conn
        .prepare(
            "SELECT a.id, a.answer, a.sealed, m.role, a.updated_at FROM pulse_answers a JOIN members m ON m.id = a.member_id
             WHERE a.round_id = ?1 AND a.deleted = 0 AND m.deleted = 0 ORDER BY a.id",
        )?
        .query_map([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let key = rounds::key_of(library, id)?;
    let now = library.now().0;
    let answers: Vec<(String, PulseAnswer)> = rows
        .iter()
        .filter(|(.., at)| *at <= round.closes_at)
        .filter_map(|(row, answer, sealed, role, _)| {
            let answer: PulseAnswer = match round.kind {
                RoundKind::Open => serde_json::from_str(answer).ok()?,
                RoundKind::Confidential => rounds::unseal(key.as_ref()?, row, sealed)?,
            };
            // Only answers in the round's shape count (a crafted one of another length or with
            // values above 10 is left out rather than upsetting the tally).
            Some((role.clone(), rounds::check(&answer, round.dimensions.len()).ok()?))
        })
        .collect();
    let mut results = aggregate(&round.dimensions, &answers, threshold(conn)?, notes_summary);
    // Beside the last round shown, a difference of a few respondents would single them out.
    if let Some(last) = last_shown(conn, id)? {
        if !results.too_few && !comparable(&results, &last) {
            results = Results {
                withheld: Some(format!(
                    "{} answered, {} last time: showing both would single out the few between them",
                    results.respondents, last.respondents
                )),
                dimensions: Vec::new(),
                agree_most: None,
                disagree_most: None,
                groups: groups::find(&[], results.threshold),
                breakdown: None,
                notes: 0,
                notes_summary: String::new(),
                ..results
            };
        }
    }
    let sealed_rows: Vec<String> =
        rows.iter().filter(|(_, _, sealed, ..)| !sealed.is_empty()).map(|(row, ..)| row.clone()).collect();
    library.write(|w| {
        // Closed first: merge takes results only for a closed round, and blanking only after.
        w.apply("pulse_rounds", id, &[("closed_at", Value::Integer(now))])?;
        let result_row = crate::ids::derived(&["pulse_results", id]);
        w.apply(
            "pulse_results",
            &result_row,
            &[
                ("round_id", Value::Text(id.to_owned())),
                ("respondents", Value::Integer(i64::from(results.respondents))),
                ("aggregates", Value::Text(serde_json::to_string(&results).expect("results serialise"))),
            ],
        )?;
        for row in &sealed_rows {
            w.apply("pulse_answers", row, &[("sealed", Value::Text(String::new()))])?;
        }
        Ok(())
    })?;
    if round.kind == RoundKind::Confidential {
        rounds::forget_key(library, id)?;
    }
    rounds::get(library, id)
}

/// The results published for round `id`, if it closed.
pub fn published(conn: &Connection, id: &str) -> Result<Option<Results>> {
    let text: Option<String> = conn
        .query_row("SELECT aggregates FROM pulse_results WHERE round_id = ?1 AND deleted = 0", [id], |r| r.get(0))
        .optional()?;
    Ok(text.and_then(|t| serde_json::from_str(&t).ok()))
}

/// The results of the last round closed before round `id` whose picture was shown.
fn last_shown(conn: &Connection, id: &str) -> Result<Option<Results>> {
    let texts: Vec<String> = conn
        .prepare(
            "SELECT r.aggregates FROM pulse_results r JOIN pulse_rounds p ON p.id = r.round_id
             WHERE r.deleted = 0 AND p.closed_at > 0 AND p.id != ?1 ORDER BY p.closed_at DESC",
        )?
        .query_map([id], |row| row.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(texts
        .iter()
        .filter_map(|t| serde_json::from_str::<Results>(t).ok())
        .find(|r| !r.too_few && r.withheld.is_none()))
}

/// Whether two rounds' results may be compared: their respondent counts are equal or differ by
/// at least the threshold, so subtracting one from the other cannot single out a few people.
/// The guard reads counts: a confidential round's tally keeps no list of who answered (each
/// laptop can tell who sent an answer, as every change is signed, but not what).
pub fn comparable(a: &Results, b: &Results) -> bool {
    let threshold = a.threshold.max(b.threshold);
    !a.too_few && !b.too_few && (a.respondents == b.respondents || a.respondents.abs_diff(b.respondents) >= threshold)
}
