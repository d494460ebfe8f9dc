//! Conversation pairs between gatherings, for members who opt in: a lead starts a round, which
//! pairs them so that people who have not met talk (the interactions "people to get to know"
//! reads), never the same pair as the round before; an odd one out joins a pair as a third.

use std::collections::HashSet;

use rusqlite::types::Value;
use serde::Serialize;

use crate::error::{Error, Result};
use crate::ids;
use crate::people::members::{person, Person};
use crate::store::library::Library;
use crate::viewer::Viewer;

/// The conversation pairs as the member at this laptop sees them.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct Pairs {
    pub opted_in: bool,
    /// How many members opted in (a count, never who).
    pub opted_in_count: u32,
    /// The latest round's date (`YYYY-MM-DD`) and whom this member talks with in it.
    pub round_on: Option<String>,
    pub partners: Vec<Person>,
    /// Whether this member may start a round (the leads).
    pub can_start: bool,
}

fn opted_in_members(library: &Library) -> Result<Vec<String>> {
    Ok(library
        .conn()
        .prepare(
            "SELECT o.member_id FROM pair_optins o JOIN members m ON m.id = o.member_id
             WHERE o.opted_in = 1 AND o.deleted = 0 AND m.deleted = 0 AND m.role != 'alumni' ORDER BY o.member_id",
        )?
        .query_map([], |row| row.get(0))?
        .collect::<rusqlite::Result<_>>()?)
}

/// The latest round: its date and groups (pairs, and perhaps one trio).
fn latest_round(library: &Library) -> Result<Option<(String, Vec<Vec<String>>)>> {
    let row: Option<(String, String)> = rusqlite::OptionalExtension::optional(library.conn().query_row(
        "SELECT made_on, pairs FROM pair_rounds WHERE deleted = 0 ORDER BY made_on DESC, created_at DESC, id DESC LIMIT 1",
        [],
        |row| Ok((row.get(0)?, row.get(1)?)),
    ))?;
    Ok(row.map(|(on, pairs)| (on, serde_json::from_str(&pairs).unwrap_or_default())))
}

/// The conversation pairs for the member at this laptop.
pub fn pairs(library: &Library) -> Result<Pairs> {
    let viewer = Viewer::me(library)?;
    let me = viewer.member_id.clone().unwrap_or_default();
    let opted = opted_in_members(library)?;
    let round = latest_round(library)?;
    let partners = match &round {
        Some((_, groups)) => groups
            .iter()
            .find(|group| group.contains(&me))
            .map(|group| {
                group.iter().filter(|m| **m != me).map(|m| person(library.conn(), m)).collect::<Result<Vec<_>>>()
            })
            .transpose()?
            .unwrap_or_default(),
        None => Vec::new(),
    };
    Ok(Pairs {
        opted_in: opted.contains(&me),
        opted_in_count: opted.len() as u32,
        round_on: round.map(|(on, _)| on),
        partners,
        can_start: viewer.is_lead,
    })
}

/// Opts the member at this laptop in or out.
pub fn opt_in(library: &mut Library, opted_in: bool) -> Result<Pairs> {
    let me = Viewer::me(library)?.member_id.ok_or(Error::NoIdentity)?;
    let row = ids::derived(&["pair_optins", &me]);
    library.write(|w| {
        w.apply(
            "pair_optins",
            &row,
            &[("member_id", Value::Text(me.clone())), ("opted_in", Value::Integer(opted_in.into()))],
        )
    })?;
    pairs(library)
}

/// Starts a round (the leads): pairs the members who opted in, preferring people who have not
/// met, never a pair of the round before (unless there is no other way, with two people).
pub fn start_round(library: &mut Library) -> Result<Pairs> {
    if !Viewer::me(library)?.is_lead {
        return Err(Error::Forbidden { action: "start a round of conversation pairs", reason: "the leads may".into() });
    }
    let opted = opted_in_members(library)?;
    if opted.len() < 2 {
        return Err(Error::invalid("pairs", "at least two members must opt in"));
    }
    let before: HashSet<(String, String)> =
        latest_round(library)?.map(|(_, groups)| groups.iter().flat_map(|g| pairs_of(g)).collect()).unwrap_or_default();
    let met: HashSet<(String, String)> = opted
        .iter()
        .map(|m| {
            Ok(crate::people::meet::interacted_with(library.conn(), m)?
                .into_iter()
                .map(|o| key(m, &o))
                .collect::<Vec<_>>())
        })
        .collect::<Result<Vec<_>>>()?
        .into_iter()
        .flatten()
        .collect();
    let today = library.today().to_string();
    let groups = pair_up(&opted, &before, &met, &today);
    let pairs_json = serde_json::to_string(&groups).expect("ids serialise");
    library.write(|w| {
        let row = w.new_id();
        w.apply(
            "pair_rounds",
            &row,
            &[("made_on", Value::Text(today.clone())), ("pairs", Value::Text(pairs_json.clone()))],
        )
    })?;
    pairs(library)
}

fn key(a: &str, b: &str) -> (String, String) {
    if a <= b {
        (a.to_owned(), b.to_owned())
    } else {
        (b.to_owned(), a.to_owned())
    }
}

fn pairs_of(group: &[String]) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (i, a) in group.iter().enumerate() {
        for b in &group[i + 1..] {
            out.push(key(a, b));
        }
    }
    out
}

/// Greedy pairing in an order shuffled by `seed` (the day): each member takes the first partner
/// left who is not a pair of the round before and, if possible, has not met them; an odd one
/// out joins the last pair.
pub fn pair_up(
    members: &[String],
    before: &HashSet<(String, String)>,
    met: &HashSet<(String, String)>,
    seed: &str,
) -> Vec<Vec<String>> {
    let mut order: Vec<&String> = members.iter().collect();
    order.sort_by_key(|m| blake3::hash(format!("{seed}{m}").as_bytes()).to_hex().to_string());
    let mut left: Vec<&String> = order;
    let mut groups: Vec<Vec<String>> = Vec::new();
    while left.len() >= 2 {
        let first = left.remove(0);
        let rank = |other: &&String| {
            let pair = key(first, other);
            (before.contains(&pair), met.contains(&pair))
        };
        let best = (0..left.len()).min_by_key(|i| rank(&left[*i])).expect("someone is left");
        let partner = left.remove(best);
        groups.push(vec![first.clone(), partner.clone()]);
    }
    if let (Some(odd), Some(last)) = (left.pop(), groups.last_mut()) {
        last.push(odd.clone());
    }
    groups
}
