//! Write rules of the artefacts' tables (see `artefacts`): an artefact is its author's and
//! the leads'; anyone adds a file or their own account; the leads hide an account; a member's
//! sizes are their own.

use rusqlite::types::Value;
use rusqlite::OptionalExtension;

use super::tables::{Judged, Verdict};
use super::{stored, text};
use crate::error::Result;

pub(super) fn rule(j: &Judged) -> Result<Verdict> {
    match j.change.table {
        "artefacts" => artefact(j),
        "artefact_files" => file(j),
        "artefact_accounts" => account(j),
        "artefact_versions" => version(j),
        "merch_orders" => order(j),
        "badge_awards" => award(j),
        "badge_showcase" => showcase(j),
        table => Ok(Err(format!("writes {table}, which has no write rule"))),
    }
}

/// Whether the writer started the artefact `id` (or is a lead).
fn edits_artefact(j: &Judged, id: &str) -> Result<bool> {
    Ok(j.actor.lead || (!j.me.is_empty() && text(stored(j.conn, "artefacts", id, "author")?) == j.me))
}

/// Any member adds an artefact; its author and the leads change or delete it.
fn artefact(j: &Judged) -> Result<Verdict> {
    if j.me.is_empty() && !j.actor.lead {
        return Ok(Err("adds an artefact without a member's profile".into()));
    }
    if !(j.change.creating || j.owns()? || j.actor.lead) {
        return Ok(Err("changes someone else's artefact".into()));
    }
    Ok(Ok(()))
}

/// Any member adds a file to an artefact; its adder, the artefact's author and the leads
/// remove it. A file stays what it is (its artefact, version and bytes).
fn file(j: &Judged) -> Result<Verdict> {
    let artefact_id = text(j.row.get("artefact_id"));
    if !(j.change.creating || j.owns()? || edits_artefact(j, &artefact_id)?) {
        return Ok(Err("changes a file someone else added to an artefact".into()));
    }
    if j.set_once(&["artefact_id", "version_id", "hash", "format", "kind", "bytes"])? {
        return Ok(Err("changes what an artefact's file is".into()));
    }
    let version = text(j.row.get("version_id"));
    if !version.is_empty() && text(stored(j.conn, "artefact_versions", &version, "artefact_id")?) != artefact_id {
        return Ok(Err("adds a file to a version of another artefact".into()));
    }
    Ok(Ok(()))
}

/// An account is its author's; the leads may hide or show it, and change nothing else.
fn account(j: &Judged) -> Result<Verdict> {
    let Judged { change, .. } = *j;
    match change.column {
        "hidden" if !(j.actor.lead || (change.creating && *change.value == Value::Integer(0))) => {
            Ok(Err("hides an account of an artefact, which only leads may".into()))
        }
        "hidden" => Ok(Ok(())),
        _ if !(change.creating || j.owns()?) => Ok(Err("changes someone else's account of an artefact".into())),
        _ if j.set_once(&["artefact_id"])? => Ok(Err("moves an account to another artefact".into())),
        _ => Ok(Ok(())),
    }
}

/// An artefact's versions: its author and the leads.
fn version(j: &Judged) -> Result<Verdict> {
    let artefact_id = text(j.row.get("artefact_id"));
    if !edits_artefact(j, &artefact_id)? {
        return Ok(Err("changes the versions of an artefact someone else added".into()));
    }
    if j.set_once(&["artefact_id"])? {
        return Ok(Err("moves a version to another artefact".into()));
    }
    Ok(Ok(()))
}

/// A member's sizes are their own, in a size the version offers.
fn order(j: &Judged) -> Result<Verdict> {
    if text(j.row.get("member_id")) != j.me || j.me.is_empty() {
        return Ok(Err("orders sizes for another member".into()));
    }
    if j.set_once(&["version_id", "member_id"])? {
        return Ok(Err("moves an order to another version or member".into()));
    }
    if j.change.column == "size" || j.change.creating {
        let sizes: Vec<String> =
            serde_json::from_str(&text(stored(j.conn, "artefact_versions", &text(j.row.get("version_id")), "sizes")?))
                .unwrap_or_default();
        let size = text(j.row.get("size"));
        if !(size.is_empty() || sizes.contains(&size)) {
            return Ok(Err("orders a size the version does not come in".into()));
        }
    }
    Ok(Ok(()))
}

/// Awards: the leads award, approve, decline and revoke; a member asks for a badge that may be
/// requested, and answers their own award (accept, set aside, give back), nothing else.
fn award(j: &Judged) -> Result<Verdict> {
    let Judged { change, .. } = *j;
    if j.set_once(&["badge_id", "member_id"])? {
        return Ok(Err("moves an award to another badge or member".into()));
    }
    if j.actor.lead {
        return Ok(Ok(()));
    }
    let member = text(j.row.get("member_id"));
    if j.me.is_empty() || member != j.me {
        return Ok(Err("awards a badge, which only leads may".into()));
    }
    let status = text(j.row.get("status"));
    if change.creating {
        let requestable = stored(j.conn, "badges", &text(j.row.get("badge_id")), "requestable")?;
        let asks = status == "requested" && text(j.row.get("source")) == "requested";
        let empty = ["snapshot", "credential", "revoked_reason"].iter().all(|c| text(j.row.get(c)).is_empty());
        return Ok(match asks && empty && requestable == Some(Value::Integer(1)) {
            true => Ok(()),
            false => Err("awards themself a badge, or asks for one that is not asked for".into()),
        });
    }
    let was = text(stored(j.conn, "badge_awards", change.row, "status")?);
    let held = ["offered", "accepted", "hidden"];
    match change.column {
        "status" if held.contains(&was.as_str()) && ["accepted", "hidden", "returned"].contains(&status.as_str()) => {
            Ok(Ok(()))
        }
        "updated_at" => Ok(Ok(())),
        _ => Ok(Err("changes their award other than by answering it".into())),
    }
}

/// What shows on a profile: its member's choice, with the award's credential, which must be
/// signed by one of the community's issuer keys for that member and badge (checked whenever a
/// credential is written, shown or not); a lead may only take one down (on revoking it).
fn showcase(j: &Judged) -> Result<Verdict> {
    let Judged { change, .. } = *j;
    if j.set_once(&["badge_id", "member_id"])? {
        return Ok(Err("moves a badge on a profile to another badge or member".into()));
    }
    let member = text(j.row.get("member_id"));
    let taking_down = match change.column {
        "shown" => *change.value == Value::Integer(0),
        "credential" => text(Some(change.value.clone())).is_empty(),
        column => column == "updated_at",
    };
    let own = member == j.me && !j.me.is_empty();
    if !(own || j.actor.lead && taking_down) {
        return Ok(Err("shows a badge on someone else's profile".into()));
    }
    let credential_text = text(j.row.get("credential"));
    let shows = j.row.get("shown") == Some(Value::Integer(1));
    let checks = ["credential", "shown", "issuer_id", "badge_id", "member_id"].contains(&change.column);
    if checks && (shows || !credential_text.is_empty()) {
        let credential: serde_json::Value = serde_json::from_str(&credential_text).unwrap_or_default();
        let Ok(verified) = crate::credentials::verify(&credential) else {
            return Ok(Err("shows a badge whose credential does not verify".into()));
        };
        let issuer: Option<String> = j
            .conn
            .query_row(
                "SELECT did FROM badge_issuers WHERE id = ?1 AND deleted = 0",
                [text(j.row.get("issuer_id"))],
                |r| r.get(0),
            )
            .optional()?;
        let badge = format!("urn:hearth:badge:{}", text(j.row.get("badge_id")));
        let subject = format!("urn:hearth:member:{member}");
        if issuer.as_deref() != Some(verified.issuer.as_str())
            || verified.achievement != badge
            || verified.subject != subject
        {
            return Ok(Err("shows a badge the community did not award to that member".into()));
        }
    }
    Ok(Ok(()))
}
