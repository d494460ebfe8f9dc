//! Several accounts of one artefact, side by side as heritage archives keep them (Mukurtu's
//! "community records"): any member adds their own account, which never overwrites another;
//! its author edits it; the leads may hide one (its author still sees it, marked hidden).

use rusqlite::types::Value;
use rusqlite::Connection;
use serde::Serialize;

use crate::error::{Error, Result};
use crate::people::members::{person, Person};
use crate::store::library::Library;
use crate::text::markdown::render;
use crate::text::validate_text;
use crate::viewer::Viewer;

/// One member's account of an artefact.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct Account {
    pub id: String,
    pub author: Person,
    /// Markdown, and as HTML.
    pub body: String,
    pub body_html: String,
    /// Hidden by a lead: shown only to the leads and its author.
    pub hidden: bool,
    pub mine: bool,
    pub written_at: crate::clock::Millis,
}

/// The accounts of artefact `id` this member may read, oldest first.
pub(super) fn of(conn: &Connection, viewer: &Viewer, id: &str) -> Result<Vec<Account>> {
    let rows: Vec<(String, String, String, bool, i64)> = conn
        .prepare_cached(
            "SELECT id, author, body, hidden, created_at FROM artefact_accounts
             WHERE artefact_id = ?1 AND deleted = 0 ORDER BY created_at, id",
        )?
        .query_map([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))?
        .collect::<rusqlite::Result<_>>()?;
    rows.into_iter()
        .filter(|(_, author, _, hidden, _)| !hidden || viewer.is_lead || viewer.is(author))
        .map(|(id, author, body, hidden, written_at)| {
            Ok(Account {
                id,
                mine: viewer.is(&author),
                author: person(conn, &author)?,
                body_html: render(&body),
                body,
                hidden,
                written_at: crate::clock::Millis(written_at),
            })
        })
        .collect()
}

/// Adds this member's account of artefact `id`, or changes it when `account` names their own.
pub fn write(library: &mut Library, id: &str, account: Option<&str>, body: &str) -> Result<super::Artefact> {
    Viewer::me(library)?.member_id.ok_or(Error::NoIdentity)?;
    let artefact = super::registry::get(library, id)?;
    let body = validate_text("body", body, 20_000)?;
    if body.is_empty() {
        return Err(Error::invalid("body", "write your account"));
    }
    if let Some(account) = account {
        if !artefact.accounts.iter().any(|a| a.id == account && a.mine) {
            return Err(Error::Forbidden { action: "change this account", reason: "only who wrote it may".into() });
        }
    }
    library.write(|w| {
        let row = account.map_or_else(|| w.new_id(), str::to_owned);
        let mut columns = vec![("body", Value::Text(body.clone()))];
        if account.is_none() {
            columns.push(("artefact_id", Value::Text(id.to_owned())));
        }
        w.apply("artefact_accounts", &row, &columns)
    })?;
    super::registry::get(library, id)
}

/// Hides an account from everyone but the leads and its author, or shows it again (leads).
pub fn hide(library: &mut Library, id: &str, account: &str, hidden: bool) -> Result<super::Artefact> {
    if !Viewer::me(library)?.is_lead {
        return Err(Error::Forbidden { action: "hide an account", reason: "the leads may".into() });
    }
    let artefact = super::registry::get(library, id)?;
    if !artefact.accounts.iter().any(|a| a.id == account) {
        return Err(Error::NotFound { entity: "account", id: account.to_owned() });
    }
    library.write(|w| w.apply("artefact_accounts", account, &[("hidden", Value::Integer(hidden.into()))]))?;
    super::registry::get(library, id)
}

/// Deletes this member's own account.
pub fn delete(library: &mut Library, id: &str, account: &str) -> Result<super::Artefact> {
    let artefact = super::registry::get(library, id)?;
    if !artefact.accounts.iter().any(|a| a.id == account && a.mine) {
        return Err(Error::Forbidden { action: "delete this account", reason: "only who wrote it may".into() });
    }
    library.write(|w| w.delete("artefact_accounts", account))?;
    super::registry::get(library, id)
}
