//! Who came to a ritual's gatherings: a gathering held is a moment (its photos and who was
//! there), and attendance is recorded by the member or a lead, or proposed from the moment's
//! who-was-there and photo tags given with consent and confirmed by a lead. No strikes, and no
//! counts of anyone's absences.

use rusqlite::types::Value;
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;

use crate::clock::cadence::{Exception, Occurrence, Schedule};
use crate::clock::Millis;
use crate::convene::rituals::{get, invalid, Ritual, RitualDraft};
use crate::error::{Error, Result};
use crate::ids;
use crate::people::members::{person, Person};
use crate::store::library::Library;
use crate::viewer::Viewer;

/// A gathering that has taken place: its moment and who came.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct PastGathering {
    #[serde(flatten)]
    pub occurrence: Occurrence,
    /// Its moment (photos, who was there, what we learned), once made.
    pub moment_id: Option<String>,
    /// Members recorded as having gone.
    pub went: Vec<Person>,
    /// Whether this member went, as recorded (None: not recorded).
    pub i_went: Option<bool>,
    /// For its starter and the leads: members the moment proposes (its who-was-there and
    /// consented photo tags) whose attendance is not recorded yet.
    pub proposed: Vec<Person>,
}

/// How many past gatherings a ritual's page shows.
pub const PAST: usize = 6;

pub(super) fn past_gatherings(
    conn: &Connection,
    id: &str,
    schedule: &Schedule,
    exceptions: &[(String, Exception)],
    now: Millis,
    me: &str,
    can_edit: bool,
) -> Result<Vec<PastGathering>> {
    // The last few, and any earlier one with its moment or attendance recorded.
    let recorded: std::collections::HashSet<String> = conn
        .prepare_cached(
            "SELECT occurrence_key FROM ritual_occurrences WHERE ritual_id = ?1 AND moment_id != '' AND deleted = 0
             UNION SELECT occurrence_key FROM attendance WHERE ritual_id = ?1 AND deleted = 0",
        )?
        .query_map([id], |row| row.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let mut occurrences = schedule.held_before(now, exceptions);
    occurrences.reverse();
    let occurrences: Vec<Occurrence> = occurrences
        .into_iter()
        .enumerate()
        .filter(|(index, o)| *index < PAST || recorded.contains(&o.key))
        .map(|(_, o)| o)
        .take(2 * PAST)
        .collect();
    let mut out = Vec::new();
    for occurrence in occurrences {
        let moment: Option<String> = conn
            .prepare_cached(
                "SELECT moment_id FROM ritual_occurrences WHERE ritual_id = ?1 AND occurrence_key = ?2 AND deleted = 0
                 AND moment_id != '' AND moment_id IN (SELECT id FROM moments WHERE deleted = 0)",
            )?
            .query_row(params![id, occurrence.key], |row| row.get(0))
            .optional()?;
        let recorded: Vec<(String, bool)> = conn
            .prepare_cached(
                "SELECT a.member_id, a.went FROM attendance a JOIN members m ON m.id = a.member_id
                 WHERE a.ritual_id = ?1 AND a.occurrence_key = ?2 AND a.deleted = 0 AND m.deleted = 0
                 ORDER BY m.display_name",
            )?
            .query_map(params![id, occurrence.key], |row| Ok((row.get(0)?, row.get::<_, i64>(1)? == 1)))?
            .collect::<rusqlite::Result<_>>()?;
        let went =
            recorded.iter().filter(|(_, went)| *went).map(|(m, _)| person(conn, m)).collect::<Result<Vec<_>>>()?;
        let i_went = recorded.iter().find(|(m, _)| m == me).map(|(_, went)| *went);
        let hosting = !me.is_empty() && host_of(conn, id, &occurrence.key)?.as_deref() == Some(me);
        let proposed = match (&moment, can_edit || hosting) {
            (Some(moment), true) => proposed_from(conn, moment)?
                .into_iter()
                .filter(|member| !recorded.iter().any(|(m, _)| m == member))
                .map(|member| person(conn, &member))
                .collect::<Result<Vec<_>>>()?,
            _ => Vec::new(),
        };
        out.push(PastGathering { occurrence, moment_id: moment, went, i_went, proposed });
    }
    Ok(out)
}

/// The gathering `key` if it was held (for recording its moment and who came).
fn held(library: &Library, draft: &RitualDraft, id: &str, key: &str) -> Result<Occurrence> {
    let exceptions = crate::convene::gatherings::exceptions(library.conn(), id)?;
    draft
        .schedule()?
        .held_before(library.now(), &exceptions)
        .into_iter()
        .find(|o| o.key == key)
        .ok_or_else(|| invalid("occurrence", "that gathering has not taken place"))
}

/// Who a moment says was there: its who-was-there list and the members tagged, with their
/// consent, in its photos that are not hidden; never anyone who asked not to be tagged, nor a
/// tag still waiting for its member's yes.
fn proposed_from(conn: &Connection, moment: &str) -> Result<Vec<String>> {
    let attendees: String = conn
        .query_row("SELECT attendees FROM moments WHERE id = ?1", [moment], |row| row.get(0))
        .optional()?
        .unwrap_or_default();
    let listed: Vec<String> = serde_json::from_str(&attendees).unwrap_or_default();
    // Who was there, as members still here who have not asked never to be shown in photos.
    let mut members: Vec<String> = Vec::new();
    for member in listed {
        let present: bool = conn.query_row(
            "SELECT count(*) > 0 FROM members WHERE id = ?1 AND deleted = 0 AND photo_consent != 'never'",
            [&member],
            |row| row.get(0),
        )?;
        if present {
            members.push(member);
        }
    }
    let tagged: Vec<String> = conn
        .prepare_cached(
            "SELECT DISTINCT t.member_id FROM media_tags t JOIN media m ON m.id = t.media_id
             JOIN members p ON p.id = t.member_id
             WHERE m.moment_id = ?1 AND m.deleted = 0 AND m.hidden = 0 AND t.deleted = 0 AND t.status = 'tagged'
               AND p.deleted = 0 AND p.photo_consent != 'never'",
        )?
        .query_map([moment], |row| row.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    members.extend(tagged);
    members.sort();
    members.dedup();
    Ok(members)
}

/// Makes a past gathering's moment (its starter or a lead), titled after the ritual and the
/// day, or links it to `moment` when one exists already.
pub fn gathering_moment(library: &mut Library, id: &str, key: &str, moment: Option<&str>) -> Result<Ritual> {
    let ritual = get(library, id)?;
    if !ritual.can_edit {
        return Err(Error::Forbidden {
            action: "make a gathering's moment",
            reason: "who started the ritual and the leads may".into(),
        });
    }
    let past = held(library, &ritual.draft, id, key)?;
    let moment = match moment {
        Some(moment) => crate::memories::moments::get(library.conn(), moment)?.id,
        None => {
            let title = format!("{}, {}", ritual.draft.name, key);
            let mut draft = crate::memories::moments::MomentDraft::titled(
                &title,
                crate::memories::moments::MomentKind::Other,
                &past.local,
            );
            draft.place = ritual.draft.place.clone();
            crate::memories::moments::create(library, draft)?.id
        }
    };
    crate::convene::rituals::write_gathering(library, id, key, vec![("moment_id", Value::Text(moment))], true)?;
    get(library, id)
}

/// Who hosts (or hosted) the gathering `key` of ritual `id`, if someone was named.
fn host_of(conn: &Connection, id: &str, key: &str) -> Result<Option<String>> {
    Ok(conn
        .prepare_cached(
            "SELECT host_id FROM ritual_occurrences WHERE ritual_id = ?1 AND occurrence_key = ?2 AND deleted = 0",
        )?
        .query_row(params![id, key], |row| row.get(0))
        .optional()?)
}

/// Whether the member at this laptop hosted the gathering `key` (hosts record who came).
fn hosted_by_me(library: &Library, id: &str, key: &str) -> Result<bool> {
    let Some(me) = library.me()? else { return Ok(false) };
    Ok(host_of(library.conn(), id, key)?.as_deref() == Some(me.as_str()))
}

/// Records whether `member` went to a past gathering (`went` None: not recorded). A member
/// records their own; the ritual's starter and the leads anyone's.
pub fn record_attendance(
    library: &mut Library,
    id: &str,
    key: &str,
    member: &str,
    went: Option<bool>,
) -> Result<Ritual> {
    let me = Viewer::me(library)?.member_id.ok_or(Error::NoIdentity)?;
    let ritual = get(library, id)?;
    if member != me && !(ritual.can_edit || hosted_by_me(library, id, key)?) {
        return Err(Error::Forbidden {
            action: "record someone's attendance",
            reason: "who started the ritual and the leads may".into(),
        });
    }
    held(library, &ritual.draft, id, key)?;
    person(library.conn(), member)?;
    write_attendance(library, id, key, &[member.to_owned()], went, member == me)?;
    get(library, id)
}

/// Confirms in one click whom the gathering's moment proposes (its starter or a lead).
pub fn confirm_proposed(library: &mut Library, id: &str, key: &str) -> Result<Ritual> {
    let ritual = get(library, id)?;
    let past = ritual
        .past
        .iter()
        .find(|p| p.occurrence.key == key)
        .ok_or_else(|| invalid("occurrence", "that gathering has not taken place"))?;
    if !(ritual.can_edit || hosted_by_me(library, id, key)?) {
        return Err(Error::Forbidden {
            action: "confirm attendance",
            reason: "who started the ritual, the leads and the gathering's host may".into(),
        });
    }
    let members: Vec<String> = past.proposed.iter().map(|p| p.id.clone()).collect();
    write_attendance(library, id, key, &members, Some(true), false)?;
    get(library, id)
}

fn write_attendance(
    library: &mut Library,
    id: &str,
    key: &str,
    members: &[String],
    went: Option<bool>,
    own: bool,
) -> Result<()> {
    library.write(|w| {
        for member in members {
            let row = ids::derived(&["attendance", id, key, member]);
            w.apply(
                "attendance",
                &row,
                &[
                    ("ritual_id", Value::Text(id.to_owned())),
                    ("occurrence_key", Value::Text(key.to_owned())),
                    ("member_id", Value::Text(member.clone())),
                    ("went", Value::Integer(went.unwrap_or(false).into())),
                    ("source", Value::Text(if own { "self" } else { "lead" }.to_owned())),
                    ("deleted", Value::Integer(went.is_none().into())),
                ],
            )?;
        }
        Ok(())
    })
}

/// The keys of the gatherings of ritual `id` held before now, in the last three years (none
/// for a ritual that is not here).
pub fn held_keys(library: &Library, id: &str) -> Result<std::collections::BTreeSet<String>> {
    let Some(g) = crate::convene::gatherings::read(library.conn(), id)? else { return Ok(Default::default()) };
    Ok(g.schedule.held_before(library.now(), &g.exceptions).into_iter().map(|o| o.key).collect())
}
