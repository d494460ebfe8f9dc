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

fn round(j: &Judged) -> Result<Verdict> {
    if !j.actor.lead {
        return Ok(Err("opens or closes a pulse round, which only leads may".into()));
    }
    if j.set_once(&["kind", "opens_at", "dimensions", "public_key", "tallier"])? {
        return Ok(Err("changes how a pulse round was opened".into()));
    }
    if j.change.creating && text(j.row.get("tallier")) != j.change.device {
        return Ok(Err("opens a pulse round in another laptop's name".into()));
    }
    if j.change.column == "closed_at" && !j.change.creating {
        let (kind, tallier) = kind_and_tallier(j, j.change.row)?;
        if kind == "confidential" && tallier != j.change.device {
            return Ok(Err("closes a confidential round from a laptop that does not hold its key".into()));
        }
    }
    Ok(Ok(()))
}

fn answer(j: &Judged) -> Result<Verdict> {
    let round = text(j.row.get("round_id"));
    let (kind, tallier) = kind_and_tallier(j, &round)?;
    // At the close, the laptop holding a confidential round's key blanks its sealed answers.
    let blanking = j.change.column == "sealed" && text(Some(j.change.value.clone())).is_empty() && !j.change.creating;
    if blanking && j.actor.lead && kind == "confidential" && tallier == j.change.device {
        return Ok(Ok(()));
    }
    if j.me.is_empty() || text(j.row.get("member_id")) != j.me {
        return Ok(Err("answers a pulse round for another member".into()));
    }
    if j.set_once(&["round_id", "member_id"])? {
        return Ok(Err("moves an answer to another round or member".into()));
    }
    let closes = stored(j.conn, "pulse_rounds", &round, "closes_at")?;
    let closed = stored(j.conn, "pulse_rounds", &round, "closed_at")?;
    let after = |at: Option<Value>| matches!(at, Some(Value::Integer(t)) if t > 0 && j.change.at > t);
    if after(closes) || after(closed) {
        return Ok(Err("answers a pulse round after it closed".into()));
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

fn results(j: &Judged) -> Result<Verdict> {
    if !j.actor.lead {
        return Ok(Err("publishes a pulse round's results, which only leads may".into()));
    }
    let (kind, tallier) = kind_and_tallier(j, &text(j.row.get("round_id")))?;
    if kind == "confidential" && tallier != j.change.device {
        return Ok(Err("publishes a confidential round's results from a laptop that does not hold its key".into()));
    }
    if j.set_once(&["round_id"])? {
        return Ok(Err("moves results to another round".into()));
    }
    Ok(Ok(()))
}
