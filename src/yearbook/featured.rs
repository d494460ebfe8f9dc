//! A member's choice not to be featured in memories and the yearbook: no photo they are tagged
//! on and no mention of their name. Only the member decides (`store::rules`).

use rusqlite::types::Value;

use crate::error::{Error, Result};
use crate::store::library::Library;

/// Whether the member at this laptop may be featured.
pub fn get(library: &Library) -> Result<bool> {
    let me = library.me()?.ok_or(Error::NoIdentity)?;
    Ok(library.conn().query_row("SELECT feature_me FROM members WHERE id = ?1", [&me], |r| r.get(0))?)
}

/// Sets whether the member at this laptop may be featured.
pub fn set(library: &mut Library, featured: bool) -> Result<()> {
    library.ensure_writable()?;
    let me = library.me()?.ok_or(Error::NoIdentity)?;
    library.write(|w| w.apply("members", &me, &[("feature_me", Value::Integer(featured.into()))]))?;
    Ok(())
}
