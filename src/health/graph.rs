//! The interaction graph of a window of days, built on one laptop from what it holds: ties from
//! story responses and reactions, celebration messages, initiatives done together, moments'
//! who-was-there, consented photo co-tags and gatherings attended together. A photo, moment,
//! gathering or initiative with k people adds 1/(k−1) to each of its pairs (Newman, "Scientific
//! collaboration networks", Phys. Rev. E 64, 2001), so one 40-person photo is not 780 strong
//! ties. Two layers: social (photos, moments, gatherings, celebrations, personal stories) and
//! learning (learning stories and their responses, initiatives). Care notes are never read.

use std::collections::{BTreeMap, BTreeSet};

use rusqlite::Connection;
use serde::Serialize;

use crate::error::Result;

/// Which layer a tie belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum Layer {
    Social,
    Learning,
}

/// The weighted ties of a window: (member, member) in id order → (social, learning) weight.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Graph {
    pub ties: BTreeMap<(String, String), (f64, f64)>,
}

impl Graph {
    fn add(&mut self, a: &str, b: &str, layer: Layer, weight: f64) {
        if a == b || a.is_empty() || b.is_empty() {
            return;
        }
        let key = if a < b { (a.to_owned(), b.to_owned()) } else { (b.to_owned(), a.to_owned()) };
        let tie = self.ties.entry(key).or_default();
        match layer {
            Layer::Social => tie.0 += weight,
            Layer::Learning => tie.1 += weight,
        }
    }

    /// A group of `people` together once: 1/(k−1) to each pair.
    fn add_group(&mut self, people: &BTreeSet<String>, layer: Layer) {
        let k = people.len();
        if k < 2 {
            return;
        }
        let weight = 1.0 / (k - 1) as f64;
        let list: Vec<&String> = people.iter().collect();
        for (i, a) in list.iter().enumerate() {
            for b in &list[i + 1..] {
                self.add(a, b, layer, weight);
            }
        }
    }

    /// Members with at least one tie.
    pub fn connected(&self) -> BTreeSet<&str> {
        self.ties.keys().flat_map(|(a, b)| [a.as_str(), b.as_str()]).collect()
    }

    /// The total weight of ties (both layers).
    pub fn total(&self) -> f64 {
        self.ties.values().map(|(s, l)| s + l).sum()
    }
}

/// The graph of interactions from `since` (milliseconds) on, among `members` (ids; anyone else
/// is left out, so an opted-out or former member is in no tie).
pub fn build(conn: &Connection, since: i64, members: &BTreeSet<String>) -> Result<Graph> {
    let mut graph = Graph::default();
    let keep = |id: &str| members.contains(id);
    let add = |graph: &mut Graph, a: &str, b: &str, layer: Layer| {
        if keep(a) && keep(b) {
            graph.add(a, b, layer, 1.0);
        }
    };
    // Responses and reactions to stories: with the story's author.
    for table in ["story_responses", "story_reactions"] {
        let rows: Vec<(String, String, String)> = conn
            .prepare(&format!(
                "SELECT t.author, s.author, s.kind FROM {table} t JOIN stories s ON s.id = t.story_id
                 WHERE t.deleted = 0 AND s.deleted = 0 AND t.created_at >= ?1"
            ))?
            .query_map([since], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<rusqlite::Result<_>>()?;
        for (from, to, kind) in rows {
            add(&mut graph, &from, &to, if kind == "learning" { Layer::Learning } else { Layer::Social });
        }
    }
    // Celebration messages: with the member celebrated.
    let rows: Vec<(String, String)> = conn
        .prepare("SELECT author, occasion FROM celebration_messages WHERE deleted = 0 AND created_at >= ?1")?
        .query_map([since], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    for (from, occasion) in rows {
        let honouree = occasion.split(':').nth(1).unwrap_or_default().to_owned();
        let honouree = match occasion.split(':').next() {
            Some("birthday") | Some("anniversary") => honouree,
            _ => conn
                .query_row("SELECT member_id FROM accomplishments WHERE id = ?1", [&honouree], |r| r.get(0))
                .unwrap_or(honouree),
        };
        add(&mut graph, &from, &honouree, Layer::Social);
    }
    let keep_set = |people: Vec<String>| -> BTreeSet<String> { people.into_iter().filter(|p| keep(p)).collect() };
    // Initiatives worked on together: proposer, co-leads, helpers and supporters.
    let rows: Vec<(String, String)> = conn
        .prepare(
            "SELECT i.id, i.author FROM initiatives i WHERE i.deleted = 0 AND i.updated_at >= ?1
             UNION ALL SELECT p.initiative_id, p.author FROM initiative_people p WHERE p.deleted = 0 AND p.created_at >= ?1",
        )?
        .query_map([since], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    for people in group_by(rows).into_values() {
        graph.add_group(&keep_set(people), Layer::Learning);
    }
    // Moments: who was there.
    let rows: Vec<(String, String)> = conn
        .prepare(
            "SELECT m.id, j.value FROM moments m, json_each(m.attendees) j
             WHERE m.deleted = 0 AND m.created_at >= ?1",
        )?
        .query_map([since], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    for people in group_by(rows).into_values() {
        graph.add_group(&keep_set(people), Layer::Social);
    }
    // Photos: people tagged with their consent on a photo that is not hidden.
    let rows: Vec<(String, String)> = conn
        .prepare(
            "SELECT t.media_id, t.member_id FROM media_tags t JOIN media m ON m.id = t.media_id
             WHERE t.deleted = 0 AND t.status = 'tagged' AND m.deleted = 0 AND m.hidden = 0 AND t.created_at >= ?1",
        )?
        .query_map([since], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    for people in group_by(rows).into_values() {
        graph.add_group(&keep_set(people), Layer::Social);
    }
    // Gatherings: who went, together.
    let rows: Vec<(String, String)> = conn
        .prepare(
            "SELECT ritual_id || '/' || occurrence_key, member_id FROM attendance
             WHERE deleted = 0 AND went = 1 AND created_at >= ?1",
        )?
        .query_map([since], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    for people in group_by(rows).into_values() {
        graph.add_group(&keep_set(people), Layer::Social);
    }
    Ok(graph)
}

fn group_by(rows: Vec<(String, String)>) -> BTreeMap<String, Vec<String>> {
    let mut groups: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (group, member) in rows {
        groups.entry(group).or_default().push(member);
    }
    groups
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_big_photo_adds_little_to_each_pair() {
        let mut graph = Graph::default();
        let forty: BTreeSet<String> = (0..40).map(|i| format!("m{i:02}")).collect();
        graph.add_group(&forty, Layer::Social);
        assert_eq!(graph.ties.len(), 780, "every pair once");
        assert!((graph.total() - 20.0).abs() < 1e-9, "40 people add k/2 = 20 in all, not 780");
        let pair: BTreeSet<String> = ["a".to_owned(), "b".to_owned()].into();
        let mut two = Graph::default();
        two.add_group(&pair, Layer::Learning);
        assert_eq!(two.ties[&("a".to_owned(), "b".to_owned())], (0.0, 1.0));
    }
}
