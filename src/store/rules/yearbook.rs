//! Write rules of the yearbook's personal tables (see `yearbook::personal`): a member's pages
//! are theirs alone; a signature is its writer's to write and take back, and only the member
//! signed approves it or takes it down.

use rusqlite::types::Value;

use super::tables::{Judged, Verdict};
use super::text;
use super::Change;
use crate::error::Result;

pub(super) fn rule(j: &Judged) -> Result<Verdict> {
    match j.change.table {
        "yearbook_pages" => page(j),
        "yearbook_signatures" => signature(j),
        table => Ok(Err(format!("writes {table}, which has no write rule"))),
    }
}

/// A yearbook page is its author's alone, for one year.
fn page(j: &Judged) -> Result<Verdict> {
    if !j.owns()? {
        return Ok(Err("writes someone else's yearbook page".into()));
    }
    if j.set_once(&["year", "position"])? {
        return Ok(Err("moves a yearbook page to another year or place".into()));
    }
    Ok(Ok(()))
}

/// A signature is its author's to write and take back; only the member signed may approve it
/// (or take it down); nobody signs their own book. Whatever its author writes afterwards (new
/// words, or bringing it back after it was taken down) leaves it waiting for the member's yes
/// again: an approval never covers words the member has not read.
fn signature(j: &Judged) -> Result<Verdict> {
    let Change { column, value, .. } = *j.change;
    let recipient = text(j.row.get("member_id"));
    let theirs = recipient == j.me && !j.me.is_empty();
    if theirs && matches!(column, "approved" | "deleted") {
        return Ok(Ok(()));
    }
    if column == "approved" && *value != Value::Integer(0) {
        return Ok(Err("approves a signature written to someone else".into()));
    }
    if !j.owns()? {
        return Ok(Err("changes someone else's signature".into()));
    }
    let taking_back = column == "deleted" && *value == Value::Integer(1);
    if !taking_back && j.row.get("approved") != Some(Value::Integer(0)) {
        return Ok(Err("changes a signature the member approved without asking them again".into()));
    }
    if j.change.creating && theirs {
        return Ok(Err("signs their own yearbook".into()));
    }
    if j.set_once(&["member_id", "year"])? {
        return Ok(Err("moves a signature to another member or year".into()));
    }
    let signed: bool = j
        .conn
        .prepare_cached("SELECT count(*) > 0 FROM members WHERE id = ?1 AND deleted = 0")?
        .query_row([&recipient], |r| r.get(0))?;
    if !signed {
        return Ok(Err("signs the book of someone who is not a member".into()));
    }
    Ok(Ok(()))
}
