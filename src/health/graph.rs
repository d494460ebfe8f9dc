//! The interaction graph of a window of days, built on one laptop from what it holds: ties from
//! story responses and reactions, celebration messages, initiatives and decisions done together,
//! moments' who-was-there, consented photo co-tags, gatherings attended together and newcomers
//! welcomed. A photo, moment, gathering, initiative or decision with k people adds 1/(k−1) to
//! each of its pairs (Newman, "Scientific collaboration networks", Phys. Rev. E 64, 016131,
//! 2001), so one 40-person photo is not 780 strong ties. Two layers: social (photos, moments
//! without a lesson, gatherings, celebrations, welcomes, personal stories) and learning
//! (learning stories and their responses, moments with "what we learned", initiatives,
//! decisions). Care notes are never read.

use std::collections::HashMap;

use rustc_hash::FxHashMap;

use rusqlite::Connection;
use serde::Serialize;

use crate::error::Result;

/// Story id → (author, whether it is about learning), for every story everyone may read.
pub type Stories = HashMap<String, (String, bool)>;

/// A group of more people than this (a forged moment listing everyone, say) adds no tie: it
/// says nothing about who knows whom, and its k²/2 pairs would cost more than the rest.
pub const MAX_GROUP: usize = 300;

/// Which layer a tie belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum Layer {
    Social,
    Learning,
}

/// A span of time, `[since, until)` in Unix milliseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub since: i64,
    pub until: i64,
}

/// The weighted ties of a window among a fixed list of people.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Graph {
    /// Member ids, in id order; a tie's ends are indices into this list.
    pub people: Vec<String>,
    /// (a, b) with a < b → (social, learning) weight. A hash map (Fx): a 40-person photo adds
    /// 780 pairs, and a large community's groups add millions; read it through
    /// [`Graph::adjacency`] for a fixed order.
    pub ties: FxHashMap<(u32, u32), (f64, f64)>,
}

impl Graph {
    /// An empty graph over `people` (ids, sorted and distinct).
    pub fn over(people: Vec<String>) -> Graph {
        Graph { people, ties: FxHashMap::default() }
    }

    /// Adds `weight` to the tie between `a` and `b` (indices) in `layer`; a loop is ignored.
    pub fn add(&mut self, a: u32, b: u32, layer: Layer, weight: f64) {
        if a == b {
            return;
        }
        let tie = self.ties.entry((a.min(b), a.max(b))).or_default();
        match layer {
            Layer::Social => tie.0 += weight,
            Layer::Learning => tie.1 += weight,
        }
    }

    /// A group of people together once: 1/(k−1) to each of its pairs.
    pub fn add_group(&mut self, people: &[u32], layer: Layer) {
        let mut list = people.to_vec();
        list.sort_unstable();
        list.dedup();
        let k = list.len();
        if k < 2 {
            return;
        }
        let weight = 1.0 / (k - 1) as f64;
        for (i, a) in list.iter().enumerate() {
            for b in &list[i + 1..] {
                self.add(*a, *b, layer, weight);
            }
        }
    }

    /// For each person, whether they have at least one tie.
    pub fn connected(&self) -> Vec<bool> {
        let mut seen = vec![false; self.people.len()];
        for (a, b) in self.ties.keys() {
            seen[*a as usize] = true;
            seen[*b as usize] = true;
        }
        seen
    }

    /// The total weight of ties (both layers).
    pub fn total(&self) -> f64 {
        self.ties.values().map(|(s, l)| s + l).sum()
    }

    /// Each person's neighbours (in index order) with the tie's weight in both layers together.
    pub fn adjacency(&self) -> Vec<Vec<(u32, f64)>> {
        let mut adjacency = vec![Vec::new(); self.people.len()];
        for ((a, b), (s, l)) in &self.ties {
            adjacency[*a as usize].push((*b, s + l));
            adjacency[*b as usize].push((*a, s + l));
        }
        for ties in &mut adjacency {
            ties.sort_unstable_by_key(|(j, _)| *j);
        }
        adjacency
    }

    /// The index of member `id`, if they are in the graph.
    pub fn index_of(&self, id: &str) -> Option<u32> {
        self.people.binary_search_by(|p| p.as_str().cmp(id)).ok().map(|i| i as u32)
    }
}

/// The graph of interactions in `window` among `people` (ids, sorted and distinct; anyone else
/// is left out, so an opted-out or former member is in no tie).
pub fn build(conn: &Connection, window: Window, people: Vec<String>) -> Result<Graph> {
    Ok(build_windows(conn, &story_kinds(conn)?, &[window], people)?.remove(0))
}

/// One graph per window, read in one pass over the tables (a row counts in each window its
/// time falls in; an initiative in each window it was open during). `stories` is
/// [`story_kinds`], read once by the caller for every stage that needs it.
pub fn build_windows(
    conn: &Connection,
    stories: &Stories,
    windows: &[Window],
    people: Vec<String>,
) -> Result<Vec<Graph>> {
    let index: HashMap<String, u32> = people.iter().enumerate().map(|(i, id)| (id.clone(), i as u32)).collect();
    let mut graphs = vec![Graph::over(people); windows.len()];
    let at = |id: &str| index.get(id).copied();
    let span = [windows.iter().map(|w| w.since).min().unwrap_or(0), windows.iter().map(|w| w.until).max().unwrap_or(0)];
    let within = |from: i64, to: i64| windows.iter().enumerate().filter(move |(_, w)| from < w.until && to >= w.since);
    // Responses and reactions to stories: with the story's author (matched in `stories`, not
    // by a join).
    for table in ["story_responses", "story_reactions"] {
        let mut statement = conn.prepare_cached(&format!(
            "SELECT author, story_id, created_at FROM {table} NOT INDEXED WHERE deleted = 0 AND created_at >= ?1 AND created_at < ?2"
        ))?;
        let mut rows = statement.query(span)?;
        while let Some(row) = rows.next()? {
            let from = row.get_ref(0)?.as_str().unwrap_or_default();
            let story = row.get_ref(1)?.as_str().unwrap_or_default();
            let when: i64 = row.get(2)?;
            let Some((to, learning)) = stories.get(story) else { continue };
            let layer = if *learning { Layer::Learning } else { Layer::Social };
            if let (Some(a), Some(b)) = (at(from), at(to)) {
                for (w, _) in within(when, when) {
                    graphs[w].add(a, b, layer, 1.0);
                }
            }
        }
    }
    // Celebration messages: with the member celebrated.
    let rows: Vec<(String, String, Option<String>, i64)> = conn
        .prepare_cached(
            "SELECT c.author, c.occasion, a.member_id, c.created_at FROM celebration_messages c NOT INDEXED
             LEFT JOIN accomplishments a ON 'accomplishment:' || a.id = c.occasion AND a.deleted = 0
             WHERE c.deleted = 0 AND c.created_at >= ?1 AND c.created_at < ?2",
        )?
        .query_map(span, |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
        .collect::<rusqlite::Result<_>>()?;
    for (from, occasion, accomplished_by, when) in rows {
        // `birthday:<member>:<year>`, `anniversary:<member>:<year>` or `accomplishment:<id>`.
        let honouree = accomplished_by.unwrap_or_else(|| occasion.split(':').nth(1).unwrap_or_default().to_owned());
        if let (Some(a), Some(b)) = (at(&from), at(&honouree)) {
            for (w, _) in within(when, when) {
                graphs[w].add(a, b, Layer::Social, 1.0);
            }
        }
    }
    // Groups of people together once, each group in its layer; each row gives its group, a
    // member, whether it is learning, and the span of time it belongs to.
    let groups = [
        // Initiatives worked on together: proposer, co-leads, helpers and supporters.
        "SELECT 'i' || i.id, i.author, 1, i.created_at, i.updated_at FROM initiatives i NOT INDEXED
             WHERE i.deleted = 0 AND i.updated_at >= ?1 AND i.created_at < ?2
         UNION ALL SELECT 'i' || p.initiative_id, p.author, 1, p.created_at, p.created_at FROM initiative_people p NOT INDEXED
             WHERE p.deleted = 0 AND p.created_at >= ?1 AND p.created_at < ?2
               AND p.initiative_id IN (SELECT id FROM initiatives WHERE deleted = 0)",
        // Decisions: those who took a stance on the same question.
        "SELECT decision_id, author, 1, created_at, created_at FROM stances NOT INDEXED
             WHERE deleted = 0 AND created_at >= ?1 AND created_at < ?2
               AND decision_id IN (SELECT id FROM decisions WHERE deleted = 0)",
        // Moments: who was there; a moment with a lesson is learning.
        "SELECT m.id, j.value, m.learned != '', m.created_at, m.created_at FROM moments m NOT INDEXED,
                 json_each(CASE WHEN json_valid(m.attendees) THEN m.attendees ELSE '[]' END) j
             WHERE m.deleted = 0 AND j.type = 'text' AND m.created_at >= ?1 AND m.created_at < ?2",
        // Photos: people tagged with their consent on a photo that is not hidden.
        "SELECT t.media_id, t.member_id, 0, t.created_at, t.created_at FROM media_tags t NOT INDEXED JOIN media m ON m.id = t.media_id
             WHERE t.deleted = 0 AND t.status = 'tagged' AND m.deleted = 0 AND m.hidden = 0
               AND t.created_at >= ?1 AND t.created_at < ?2",
        // Gatherings: who went, together.
        "SELECT ritual_id || '/' || occurrence_key, member_id, 0, created_at, created_at FROM attendance NOT INDEXED
             WHERE deleted = 0 AND went = 1 AND created_at >= ?1 AND created_at < ?2",
        // A newcomer welcomed at a gathering, with the member who welcomed them.
        "SELECT id, newcomer_id, 0, created_at, created_at FROM welcomes NOT INDEXED
             WHERE deleted = 0 AND created_at >= ?1 AND created_at < ?2
         UNION ALL SELECT id, welcomer_id, 0, created_at, created_at FROM welcomes NOT INDEXED
             WHERE deleted = 0 AND created_at >= ?1 AND created_at < ?2",
    ];
    for sql in groups {
        // (group, window) → (people, whether it is learning).
        let mut together: HashMap<(String, usize), (Vec<u32>, bool)> = HashMap::new();
        let mut statement = conn.prepare_cached(sql)?;
        let mut rows = statement.query(span)?;
        while let Some(row) = rows.next()? {
            let (group, member, learning): (String, String, bool) = (row.get(0)?, row.get(1)?, row.get(2)?);
            let (from, to): (i64, i64) = (row.get(3)?, row.get(4)?);
            for (w, _) in within(from, to) {
                let entry = together.entry((group.clone(), w)).or_default();
                entry.1 |= learning;
                entry.0.extend(at(&member));
            }
        }
        let mut together: Vec<_> = together.into_iter().collect();
        together.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        for ((_, w), (people, learning)) in together {
            if people.len() <= MAX_GROUP {
                graphs[w].add_group(&people, if learning { Layer::Learning } else { Layer::Social });
            }
        }
    }
    Ok(graphs)
}

/// Every story everyone may read (not deleted, shared with the whole community): its author
/// and whether it is about learning, by id. Stories kept to the leads or to chosen members, and
/// so their responses and reactions, never enter the report: it reads only what every member
/// may see, so it is the same whoever sits at the laptop.
///
/// The scans here say `NOT INDEXED`: the partial indexes on `deleted = 0` would otherwise turn a
/// read of every row into one table seek per row (0.73 s against 0.05 s for 533,000 responses).
pub fn story_kinds(conn: &Connection) -> Result<Stories> {
    let mut statement = conn.prepare_cached(
        "SELECT id, author, kind = 'learning' FROM stories NOT INDEXED WHERE deleted = 0 AND visibility = 'community'",
    )?;
    let rows = statement.query_map([], |r| Ok((r.get(0)?, (r.get(1)?, r.get(2)?))))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_big_photo_adds_little_to_each_pair() {
        let mut graph = Graph::over((0..40).map(|i| format!("m{i:02}")).collect());
        graph.add_group(&(0..40).collect::<Vec<u32>>(), Layer::Social);
        assert_eq!(graph.ties.len(), 780, "every pair once");
        assert!((graph.total() - 20.0).abs() < 1e-9, "40 people add k/2 = 20 in all, not 780");
        let mut two = Graph::over(vec!["a".into(), "b".into()]);
        two.add_group(&[1, 0, 1], Layer::Learning);
        assert_eq!(two.ties[&(0, 1)], (0.0, 1.0), "a pair together once is one tie, a repeat ignored");
    }
}
