//! Write rules of the pulse's tables (see `pulse`): the leads open and close rounds and publish
//! results; a confidential round is closed, and its results published, only by the laptop that
//! opened it (it alone holds the round's key); a member writes only their own answer, before
//! the round closes, in the round's kind.

use rusqlite::types::Value;

use super::tables::{Judged, Verdict};
use super::{stored, text};
use crate::error::Result;

pub(super) fn rule(j: &Judged) -> Result<Verdict> {
    match j.change.table {
        "pulse_rounds" => round(j),
        "pulse_answers" => answer(j),
        "pulse_results" => results(j),
        table => Ok(Err(format!("writes {table}, which has no write rule"))),
    }
}

/// The kind and the laptop that tallies round `id`, as stored here.
fn kind_and_tallier(j: &Judged, id: &str) -> Result<(String, String)> {
    Ok((text(stored(j.conn, "pulse_rounds", id, "kind")?), text(stored(j.conn, "pulse_rounds", id, "tallier")?)))
}

/// Whether round `id` is closed, as stored here.
fn closed(j: &Judged, id: &str) -> Result<bool> {
    Ok(matches!(stored(j.conn, "pulse_rounds", id, "closed_at")?, Some(Value::Integer(t)) if t > 0))
}

/// A round is opened once and closed once: after it is opened, only its close may change.
fn round(j: &Judged) -> Result<Verdict> {
    if !j.actor.lead {
        return Ok(Err("opens or closes a pulse round, which only leads may".into()));
    }
    if j.change.creating {
        return Ok(match text(j.row.get("tallier")) == j.change.device {
            true => Ok(()),
            false => Err("opens a pulse round in another laptop's name".into()),
        });
    }
    let closing = j.change.column == "closed_at"
        && matches!(j.change.value, Value::Integer(t) if *t > 0)
        && !closed(j, j.change.row)?;
    if !closing {
        return Ok(Err("changes a pulse round after it was opened (only closing it, once, is possible)".into()));
    }
    let (kind, tallier) = kind_and_tallier(j, j.change.row)?;
    if kind == "confidential" && tallier != j.change.device {
        return Ok(Err("closes a confidential round from a laptop that does not hold its key".into()));
    }
    Ok(Ok(()))
}

fn answer(j: &Judged) -> Result<Verdict> {
    let round = text(j.row.get("round_id"));
    let (kind, tallier) = kind_and_tallier(j, &round)?;
    // At the close, the laptop holding a confidential round's key blanks its sealed answers.
    let blanking = j.change.column == "sealed" && text(Some(j.change.value.clone())).is_empty() && !j.change.creating;
    if blanking && j.actor.lead && kind == "confidential" && tallier == j.change.device && closed(j, &round)? {
        return Ok(Ok(()));
    }
    if j.me.is_empty() || text(j.row.get("member_id")) != j.me {
        return Ok(Err("answers a pulse round for another member".into()));
    }
    if j.set_once(&["round_id", "member_id"])? {
        return Ok(Err("moves an answer to another round or member".into()));
    }
    let closes = stored(j.conn, "pulse_rounds", &round, "closes_at")?;
    let after = |at: Option<Value>| matches!(at, Some(Value::Integer(t)) if t > 0 && j.change.at > t);
    if closed(j, &round)? || after(closes) {
        return Ok(Err("answers a pulse round after it closed".into()));
    }
    // An open round's answer has one value per dimension the round asked about.
    let answer = text(j.row.get("answer"));
    if !answer.is_empty() {
        let asked = serde_json::from_str::<Vec<serde_json::Value>>(&text(stored(
            j.conn,
            "pulse_rounds",
            &round,
            "dimensions",
        )?))
        .map_or(0, |d| d.len());
        let given = serde_json::from_str::<serde_json::Value>(&answer)
            .map_or(usize::MAX, |a| a["now"].as_array().map_or(0, Vec::len));
        if given != asked {
            return Ok(Err("answers a pulse round with another number of dimensions than it asked".into()));
        }
    }
    let wrong_kind = match kind.as_str() {
        "confidential" => !text(j.row.get("answer")).is_empty(),
        _ => !text(j.row.get("sealed")).is_empty(),
    };
    if wrong_kind {
        return Ok(Err("answers a round in a form its kind does not take (a confidential answer unsealed)".into()));
    }
    Ok(Ok(()))
}

/// Results are published once, for a closed round, and never changed or taken back.
fn results(j: &Judged) -> Result<Verdict> {
    if !j.actor.lead {
        return Ok(Err("publishes a pulse round's results, which only leads may".into()));
    }
    let round = text(j.row.get("round_id"));
    let (kind, tallier) = kind_and_tallier(j, &round)?;
    if kind == "confidential" && tallier != j.change.device {
        return Ok(Err("publishes a confidential round's results from a laptop that does not hold its key".into()));
    }
    if !j.change.creating || !closed(j, &round)? {
        return Ok(Err("publishes results for a round that is not closed, or changes published results".into()));
    }
    let aggregates: serde_json::Value = serde_json::from_str(&text(j.row.get("aggregates"))).unwrap_or_default();
    if aggregates["respondents"].as_i64()
        != Some(match j.row.get("respondents") {
            Some(Value::Integer(n)) => n,
            _ => -1,
        })
    {
        return Ok(Err("publishes results that do not say how many answered".into()));
    }
    Ok(Ok(()))
}
