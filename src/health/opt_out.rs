//! A member's choice to be left out of community health: no tie, no figure and no finding
//! about them from the next computation on. Only the member decides (`store::rules`: a
//! member's profile columns are theirs alone).

use rusqlite::types::Value;

use crate::error::{Error, Result};
use crate::store::library::Library;

/// Whether the member at this laptop has left themselves out.
pub fn get(library: &Library) -> Result<bool> {
    let me = library.me()?.ok_or(Error::NoIdentity)?;
    Ok(library.conn().query_row("SELECT health_opt_out FROM members WHERE id = ?1", [&me], |r| r.get(0))?)
}

/// Leaves the member at this laptop out of community health (`true`) or back in.
pub fn set(library: &mut Library, out: bool) -> Result<()> {
    library.ensure_writable()?;
    let me = library.me()?.ok_or(Error::NoIdentity)?;
    library.write(|w| w.apply("members", &me, &[("health_opt_out", Value::Integer(out.into()))]))?;
    Ok(())
}
