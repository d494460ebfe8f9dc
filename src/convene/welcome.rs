//! A newcomer's first gathering: when a newcomer says "going" for the first time, the leads are
//! offered a welcomer, a regular going too whom the newcomer has not met yet; once asked, the
//! newcomer and the welcomer each read it on the ritual's page.

use std::collections::HashMap;

use rusqlite::types::Value;
use rusqlite::Connection;
use serde::Serialize;

use crate::convene::rituals::{get, invalid, Gathering, Ritual};
use crate::error::{Error, Result};
use crate::ids;
use crate::people::members::{self, person, Person, Role};
use crate::store::library::Library;
use crate::viewer::Viewer;

/// A welcome, asked for or suggested, for one newcomer at one gathering.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct Welcome {
    pub key: String,
    pub newcomer: Person,
    /// The regular asked (or, in a suggestion, to ask).
    pub welcomer: Person,
    /// Whether a lead asked already (else it is a suggestion, for the leads only).
    pub asked: bool,
}

/// The welcomes of a ritual's next gatherings as `viewer` may see them: the asked ones that
/// concern them (as newcomer or welcomer; the leads and the starter see all), and, for the
/// leads and the starter, suggestions for newcomers going for the first time.
pub(super) fn welcomes(
    conn: &Connection,
    viewer: &Viewer,
    id: &str,
    upcoming: &[Gathering],
    going: &HashMap<String, Vec<String>>,
    can_edit: bool,
) -> Result<Vec<Welcome>> {
    let me = viewer.member_id.clone().unwrap_or_default();
    let asked: Vec<(String, String, String)> = conn
        .prepare_cached(
            "SELECT occurrence_key, newcomer_id, welcomer_id FROM welcomes WHERE ritual_id = ?1 AND deleted = 0",
        )?
        .query_map([id], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut out = Vec::new();
    for (key, newcomer, welcomer) in &asked {
        if can_edit || *newcomer == me || *welcomer == me {
            out.push(Welcome {
                key: key.clone(),
                newcomer: person(conn, newcomer)?,
                welcomer: person(conn, welcomer)?,
                asked: true,
            });
        }
    }
    if !can_edit {
        return Ok(out);
    }
    let everyone = members::list(conn, viewer)?;
    let came: std::collections::HashSet<String> = conn
        .prepare_cached("SELECT DISTINCT member_id FROM attendance WHERE ritual_id = ?1 AND went = 1 AND deleted = 0")?
        .query_map([id], |row| row.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let mut suggested: std::collections::HashSet<String> = asked.iter().map(|(_, n, _)| n.clone()).collect();
    for gathering in upcoming.iter().filter(|g| !g.occurrence.cancelled) {
        let Some(going) = going.get(&gathering.occurrence.key) else { continue };
        for newcomer in everyone.iter().filter(|m| m.role == Role::Newcomer && going.contains(&m.id)) {
            // The first time: never recorded at this ritual, and the first gathering they go to.
            if came.contains(&newcomer.id) || !suggested.insert(newcomer.id.clone()) {
                continue;
            }
            let met = crate::people::meet::interacted_with(conn, &newcomer.id)?;
            let regular = everyone
                .iter()
                .filter(|m| {
                    m.id != newcomer.id && m.role != Role::Newcomer && going.contains(&m.id) && !met.contains(&m.id)
                })
                .min_by_key(|m| (!came.contains(&m.id), m.display_name.clone()));
            if let Some(regular) = regular {
                out.push(Welcome {
                    key: gathering.occurrence.key.clone(),
                    newcomer: Person { id: newcomer.id.clone(), display_name: newcomer.display_name.clone() },
                    welcomer: Person { id: regular.id.clone(), display_name: regular.display_name.clone() },
                    asked: false,
                });
            }
        }
    }
    Ok(out)
}

/// Asks `welcomer` to welcome `newcomer` at the gathering `key` (the leads and the starter).
pub fn ask_welcomer(library: &mut Library, id: &str, key: &str, newcomer: &str, welcomer: &str) -> Result<Ritual> {
    let ritual = get(library, id)?;
    if !ritual.can_edit {
        return Err(Error::Forbidden {
            action: "ask someone to welcome a newcomer",
            reason: "the leads and the ritual's starter may".into(),
        });
    }
    if !ritual.upcoming.iter().any(|g| g.occurrence.key == key) {
        return Err(invalid("occurrence", "that gathering is not among the next ones"));
    }
    person(library.conn(), newcomer)?;
    person(library.conn(), welcomer)?;
    let row = ids::derived(&["welcomes", id, key, newcomer]);
    library.write(|w| {
        w.apply(
            "welcomes",
            &row,
            &[
                ("ritual_id", Value::Text(id.to_owned())),
                ("occurrence_key", Value::Text(key.to_owned())),
                ("newcomer_id", Value::Text(newcomer.to_owned())),
                ("welcomer_id", Value::Text(welcomer.to_owned())),
            ],
        )
    })?;
    get(library, id)
}
