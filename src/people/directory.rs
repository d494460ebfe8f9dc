//! Search and the member directory, over the index `store::search` keeps: every hit is
//! checked against what the reader may see before it counts, so a hidden field or story can
//! never make a member match.

use rusqlite::Connection;
use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::people::members::{self, Member, Role};
use crate::people::stories;
use crate::store::search::MEMBER_FIELDS;
use crate::viewer::{Viewer, Visibility};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum HitKind {
    Member,
    Story,
}

#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct SearchHit {
    pub kind: HitKind,
    pub id: String,
    /// The member's id (for a story, its author's).
    pub member_id: String,
}

/// An FTS5 query matching every word of `text` as a prefix, with FTS syntax neutralised.
fn fts_query(text: &str) -> Option<String> {
    let words: Vec<String> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| format!("\"{}\"*", w.replace('"', "")))
        .collect();
    (!words.is_empty()).then(|| words.join(" "))
}

/// Members and stories matching `text` that `viewer` may see, best first.
pub fn search(conn: &Connection, viewer: &Viewer, text: &str) -> Result<Vec<SearchHit>> {
    let Some(query) = fts_query(text) else { return Ok(Vec::new()) };
    // Every word must match within one visible field, so one field cannot be completed by
    // another the reader may not see.
    let mut stmt = conn.prepare_cached(
        "SELECT kind, ref_id, field FROM search_index WHERE search_index MATCH ?1 ORDER BY rank LIMIT 500",
    )?;
    let rows =
        stmt.query_map([query], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?)))?;
    let mut hits: Vec<SearchHit> = Vec::new();
    for row in rows {
        let (kind, ref_id, field) = row?;
        let hit = match kind.as_str() {
            "member" => {
                let guard = MEMBER_FIELDS.iter().find(|(c, _)| *c == field).map(|(_, g)| *g).unwrap_or("bio");
                if !guard.is_empty() && !member_field_visible(conn, viewer, &ref_id, guard)? {
                    continue;
                }
                SearchHit { kind: HitKind::Member, member_id: ref_id.clone(), id: ref_id }
            }
            "story" => match stories::get_story(conn, viewer, &ref_id) {
                Ok(story) => SearchHit { kind: HitKind::Story, id: ref_id, member_id: story.author.id },
                Err(_) => continue,
            },
            _ => continue,
        };
        if !hits.contains(&hit) {
            hits.push(hit);
        }
    }
    Ok(hits)
}

fn member_field_visible(conn: &Connection, viewer: &Viewer, member_id: &str, field: &str) -> Result<bool> {
    let visibility: String =
        conn.prepare_cached("SELECT visibility FROM members WHERE id = ?1")?.query_row([member_id], |r| r.get(0))?;
    let map: std::collections::BTreeMap<String, Visibility> = serde_json::from_str(&visibility).unwrap_or_default();
    Ok(viewer.may_see(member_id, map.get(field).copied().unwrap_or_default()))
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum DirectorySort {
    #[default]
    Name,
    NewestFirst,
    LongestServing,
}

/// What the directory shows: a search and filters. Filters apply to what the reader may see,
/// so a hidden interest can neither be found nor filtered on.
#[derive(Debug, Clone, Default, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase", default)]
pub struct DirectoryQuery {
    pub text: String,
    pub interest: Option<String>,
    pub expertise: Option<String>,
    pub role: Option<Role>,
    pub joined_year: Option<i32>,
    pub sort: DirectorySort,
}

/// The filter choices the directory offers, from what the reader may see.
#[derive(Debug, Clone, Default, PartialEq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct DirectoryFacets {
    pub interests: Vec<String>,
    pub expertise: Vec<String>,
    pub joined_years: Vec<i32>,
}

pub fn directory(conn: &Connection, viewer: &Viewer, query: &DirectoryQuery) -> Result<Vec<Member>> {
    let mut everyone = members::list(conn, viewer)?;
    if fts_query(&query.text).is_some() {
        let matched: Vec<String> = search(conn, viewer, &query.text)?.into_iter().map(|h| h.member_id).collect();
        everyone.retain(|m| matched.contains(&m.id));
    }
    let has = |tags: &Option<Vec<String>>, wanted: &str| {
        tags.as_ref().is_some_and(|t| t.iter().any(|x| x.eq_ignore_ascii_case(wanted)))
    };
    everyone.retain(|m| {
        query.interest.as_deref().is_none_or(|i| has(&m.interests, i))
            && query.expertise.as_deref().is_none_or(|e| has(&m.expertise, e))
            && query.role.is_none_or(|r| m.role == r)
            && query.joined_year.is_none_or(|y| m.joined_on.starts_with(&format!("{y:04}-")))
    });
    match query.sort {
        DirectorySort::Name => {}
        DirectorySort::NewestFirst => everyone.sort_by(|a, b| b.joined_on.cmp(&a.joined_on)),
        DirectorySort::LongestServing => everyone.sort_by(|a, b| a.joined_on.cmp(&b.joined_on)),
    }
    Ok(everyone)
}

pub fn facets(conn: &Connection, viewer: &Viewer) -> Result<DirectoryFacets> {
    let mut facets = DirectoryFacets::default();
    for m in members::list(conn, viewer)? {
        for tag in m.interests.unwrap_or_default() {
            if !facets.interests.iter().any(|t| t.eq_ignore_ascii_case(&tag)) {
                facets.interests.push(tag);
            }
        }
        for tag in m.expertise.unwrap_or_default() {
            if !facets.expertise.iter().any(|t| t.eq_ignore_ascii_case(&tag)) {
                facets.expertise.push(tag);
            }
        }
        if let Some(year) = m.joined_on.get(..4).and_then(|y| y.parse().ok()) {
            if !facets.joined_years.contains(&year) {
                facets.joined_years.push(year);
            }
        }
    }
    facets.interests.sort_by_key(|t| t.to_lowercase());
    facets.expertise.sort_by_key(|t| t.to_lowercase());
    facets.joined_years.sort_unstable();
    Ok(facets)
}
