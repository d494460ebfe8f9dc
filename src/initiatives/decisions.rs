//! Decisions: a proposal (on an initiative, or a question to the whole community) with one
//! stance per member (agree, abstain, disagree, block) and a reason, changeable until the
//! decision closes; the tally and every reason are visible to all; closing records an outcome.

use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use crate::clock::Millis;
use crate::error::{Error, Result};
use crate::ids;
use crate::initiatives;
use crate::people::members::{person, Person};
use crate::store::library::Library;
use crate::text::validate_text;
use crate::viewer::Viewer;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type, clap::ValueEnum)]
#[serde(rename_all = "camelCase")]
pub enum StanceKind {
    Agree,
    Abstain,
    Disagree,
    Block,
}

impl StanceKind {
    fn as_str(self) -> &'static str {
        match self {
            StanceKind::Agree => "agree",
            StanceKind::Abstain => "abstain",
            StanceKind::Disagree => "disagree",
            StanceKind::Block => "block",
        }
    }

    fn parse(text: &str) -> Option<StanceKind> {
        Some(match text {
            "agree" => StanceKind::Agree,
            "abstain" => StanceKind::Abstain,
            "disagree" => StanceKind::Disagree,
            "block" => StanceKind::Block,
            _ => return None,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct Stance {
    pub person: Person,
    pub stance: StanceKind,
    pub reason: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct Tally {
    pub agree: u32,
    pub abstain: u32,
    pub disagree: u32,
    pub block: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct Decision {
    pub id: String,
    /// Empty for a question to the whole community.
    pub initiative_id: String,
    pub proposer: Person,
    pub proposal: String,
    pub closes_at: Millis,
    /// Closed by hand or because its closing time has passed.
    pub closed: bool,
    pub outcome: String,
    pub tally: Tally,
    pub stances: Vec<Stance>,
    pub my_stance: Option<StanceKind>,
}

pub fn get(conn: &Connection, viewer: &Viewer, id: &str, now: Millis) -> Result<Decision> {
    let row: Option<(String, String, String, i64, i64, String)> = conn
        .prepare_cached(
            "SELECT initiative_id, author, proposal, closes_at, closed, outcome FROM decisions WHERE id = ?1 AND deleted = 0",
        )?
        .query_row([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?)))
        .optional()?;
    let (initiative_id, proposer, proposal, closes_at, closed, outcome) =
        row.ok_or_else(|| Error::not_found("decision", id))?;
    let mut stances = Vec::new();
    let mut tally = Tally::default();
    let mut my_stance = None;
    let mut stmt = conn.prepare_cached(
        "SELECT author, stance, reason FROM stances WHERE decision_id = ?1 AND deleted = 0 ORDER BY created_at, id",
    )?;
    let rows =
        stmt.query_map([id], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?)))?;
    for row in rows {
        let (who, stance, reason) = row?;
        let Some(stance) = StanceKind::parse(&stance) else { continue };
        match stance {
            StanceKind::Agree => tally.agree += 1,
            StanceKind::Abstain => tally.abstain += 1,
            StanceKind::Disagree => tally.disagree += 1,
            StanceKind::Block => tally.block += 1,
        }
        if viewer.is(&who) {
            my_stance = Some(stance);
        }
        stances.push(Stance { person: person(conn, &who)?, stance, reason });
    }
    Ok(Decision {
        id: id.to_owned(),
        initiative_id,
        proposer: person(conn, &proposer)?,
        proposal,
        closes_at: Millis(closes_at),
        closed: closed != 0 || now.0 >= closes_at,
        outcome,
        tally,
        stances,
        my_stance,
    })
}

/// Decisions on an initiative (or, for `""`, the community's questions), newest first.
pub fn list(conn: &Connection, viewer: &Viewer, initiative_id: &str, now: Millis) -> Result<Vec<Decision>> {
    let ids: Vec<String> = conn
        .prepare_cached(
            "SELECT id FROM decisions WHERE initiative_id = ?1 AND deleted = 0 ORDER BY created_at DESC, id",
        )?
        .query_map([initiative_id], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    ids.iter().map(|id| get(conn, viewer, id, now)).collect()
}

/// Who may open and close a decision: for an initiative, whoever may move it; for a
/// community question, the leads.
fn may_run(conn: &Connection, viewer: &Viewer, initiative_id: &str) -> Result<bool> {
    Ok(if initiative_id.is_empty() { viewer.is_lead } else { initiatives::get(conn, viewer, initiative_id)?.can_move })
}

/// Opens a decision that closes at `closes_at`.
pub fn propose(library: &mut Library, initiative_id: &str, proposal: &str, closes_at: Millis) -> Result<Decision> {
    let viewer = Viewer::me(library)?;
    viewer.member_id.as_ref().ok_or(Error::NoIdentity)?;
    if !may_run(library.conn(), &viewer, initiative_id)? {
        return Err(Error::Forbidden {
            action: "open a decision here",
            reason: "an initiative's proposer and co-leads, or the community's leads, may".into(),
        });
    }
    let proposal = validate_text("proposal", proposal, 4_000)?;
    if proposal.is_empty() {
        return Err(Error::invalid("proposal", "say what is being decided"));
    }
    let now = library.now();
    if closes_at <= now {
        return Err(Error::invalid("closesAt", "the closing time must be in the future"));
    }
    let id = library.write(|w| {
        let id = w.new_id();
        w.apply(
            "decisions",
            &id,
            &[
                ("initiative_id", Value::Text(initiative_id.to_owned())),
                ("proposal", Value::Text(proposal)),
                ("closes_at", Value::Integer(closes_at.0)),
                ("closed", Value::Integer(0)),
                ("outcome", Value::Text(String::new())),
            ],
        )?;
        Ok(id)
    })?;
    get(library.conn(), &viewer, &id, now)
}

/// Takes or changes the member's stance, with a reason, while the decision is open.
pub fn take_stance(library: &mut Library, decision_id: &str, stance: StanceKind, reason: &str) -> Result<Decision> {
    let viewer = Viewer::me(library)?;
    let me = viewer.member_id.clone().ok_or(Error::NoIdentity)?;
    let now = library.now();
    if get(library.conn(), &viewer, decision_id, now)?.closed {
        return Err(Error::invalid("stance", "this decision is closed; stances can no longer change"));
    }
    let reason = validate_text("reason", reason, 2_000)?;
    if stance == StanceKind::Block && reason.is_empty() {
        return Err(Error::invalid("reason", "a block needs a reason, so it can be worked through"));
    }
    let id = ids::derived(&["stance", decision_id, &me]);
    library.write(|w| {
        w.apply(
            "stances",
            &id,
            &[
                ("decision_id", Value::Text(decision_id.to_owned())),
                ("stance", Value::Text(stance.as_str().into())),
                ("reason", Value::Text(reason)),
            ],
        )
    })?;
    get(library.conn(), &viewer, decision_id, now)
}

/// Closes a decision with its outcome statement.
pub fn close(library: &mut Library, decision_id: &str, outcome: &str) -> Result<Decision> {
    let viewer = Viewer::me(library)?;
    let now = library.now();
    let current = get(library.conn(), &viewer, decision_id, now)?;
    if !current.outcome.is_empty() {
        return Err(Error::invalid("outcome", "this decision already has its outcome"));
    }
    if !may_run(library.conn(), &viewer, &current.initiative_id)? {
        return Err(Error::Forbidden {
            action: "close this decision",
            reason: "whoever may open it may close it".into(),
        });
    }
    let outcome = validate_text("outcome", outcome, 4_000)?;
    if outcome.is_empty() {
        return Err(Error::invalid("outcome", "say what was decided"));
    }
    library.write(|w| {
        w.apply("decisions", decision_id, &[("closed", Value::Integer(1)), ("outcome", Value::Text(outcome))])
    })?;
    get(library.conn(), &viewer, decision_id, now)
}
