//! People to get to know: for the member at this device, a few members they have not yet
//! interacted with (no responses, reactions or board messages either way), newcomers first,
//! with the reason shown. Only what the reader may see of others is used for reasons.

use std::collections::{BTreeMap, BTreeSet};

use rusqlite::Connection;
use serde::Serialize;

use crate::error::Result;
use crate::people::members::{self, Member, Role};
use crate::viewer::Viewer;

#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct Suggestion {
    pub member: Member,
    pub reasons: Vec<String>,
}

/// Who `me` has interacted with through stories and celebrations, either way.
pub fn interacted_with(conn: &Connection, me: &str) -> Result<BTreeSet<String>> {
    let sql = "
        SELECT s.author FROM story_responses r JOIN stories s ON s.id = r.story_id
         WHERE r.author = ?1 AND r.deleted = 0
        UNION SELECT r.author FROM story_responses r JOIN stories s ON s.id = r.story_id
         WHERE s.author = ?1 AND r.deleted = 0
        UNION SELECT s.author FROM story_reactions x JOIN stories s ON s.id = x.story_id
         WHERE x.author = ?1 AND x.deleted = 0
        UNION SELECT x.author FROM story_reactions x JOIN stories s ON s.id = x.story_id
         WHERE s.author = ?1 AND x.deleted = 0
        UNION SELECT a.member_id FROM celebration_messages m JOIN accomplishments a ON m.occasion = 'accomplishment:' || a.id
         WHERE m.author = ?1 AND m.deleted = 0
        UNION SELECT m.author FROM celebration_messages m JOIN accomplishments a ON m.occasion = 'accomplishment:' || a.id
         WHERE a.member_id = ?1 AND m.deleted = 0
        UNION SELECT substr(m.occasion, instr(m.occasion, ':') + 1, 36) FROM celebration_messages m
         WHERE m.author = ?1 AND m.deleted = 0 AND m.occasion NOT LIKE 'accomplishment:%'
        UNION SELECT m.author FROM celebration_messages m
         WHERE m.deleted = 0 AND (m.occasion LIKE 'birthday:' || ?1 || ':%' OR m.occasion LIKE 'anniversary:' || ?1 || ':%')";
    let mut stmt = conn.prepare_cached(sql)?;
    let rows = stmt.query_map([me], |row| row.get::<_, String>(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn tags(m: &Member) -> Vec<String> {
    let mut all = m.interests.clone().unwrap_or_default();
    all.extend(m.expertise.clone().unwrap_or_default());
    all
}

/// Up to `limit` people for `viewer` to get to know, best first.
/// At most this many suggestions: a short list to act on, not a ranking.
pub const MAX_SUGGESTIONS: usize = 20;

pub fn people_to_meet(conn: &Connection, viewer: &Viewer, limit: usize) -> Result<Vec<Suggestion>> {
    let limit = limit.min(MAX_SUGGESTIONS);
    let Some(me_id) = viewer.member_id.clone() else { return Ok(Vec::new()) };
    let everyone = members::list(conn, viewer)?;
    let Some(me) = everyone.iter().find(|m| m.id == me_id) else { return Ok(Vec::new()) };
    let mine: Vec<String> = tags(me).iter().map(|t| t.to_lowercase()).collect();
    let known = interacted_with(conn, &me_id)?;
    let mut scored: BTreeMap<(i64, String), Suggestion> = BTreeMap::new();
    for other in everyone.iter().filter(|m| m.id != me_id && m.role != Role::Alumni) {
        let mut score = 0i64;
        let mut reasons = Vec::new();
        let shared: Vec<String> = tags(other).into_iter().filter(|t| mine.contains(&t.to_lowercase())).collect();
        if !shared.is_empty() {
            score += 2 * shared.len().min(3) as i64;
            reasons.push(format!("You both care about {}", join_words(&shared)));
        }
        if other.role == Role::Newcomer {
            score += 3;
            let since = chrono::NaiveDate::parse_from_str(&other.joined_on, "%Y-%m-%d")
                .map(|d| d.format("%B %Y").to_string())
                .unwrap_or_else(|_| other.joined_on.clone());
            reasons.push(format!("New to the community since {since}: say hello"));
        }
        if known.contains(&other.id) {
            score -= 10;
        } else {
            score += 2;
            if reasons.is_empty() {
                reasons.push("You have not crossed paths in Hearth yet".into());
            }
        }
        // Highest score first; the name keeps ties stable.
        scored.insert((-score, other.display_name.to_lowercase()), Suggestion { member: other.clone(), reasons });
    }
    Ok(scored.into_values().take(limit).collect())
}

fn join_words(words: &[String]) -> String {
    match words {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// The community's newcomers other than the viewer, as the viewer may see them: the new
/// faces Home invites everyone to greet (the domain text: newcomers find their way in, not a
/// clique they cannot enter).
pub fn newcomers(conn: &Connection, viewer: &Viewer) -> Result<Vec<crate::people::members::Member>> {
    Ok(members::list(conn, viewer)?
        .into_iter()
        .filter(|m| m.role == members::Role::Newcomer && !viewer.is(&m.id))
        .collect())
}
