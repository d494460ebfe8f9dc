//! Bridges: members who connect circles that otherwise rarely meet, by betweenness centrality
//! (Freeman, "A set of measures of centrality based on betweenness", Sociometry 40, 1977;
//! Brandes' algorithm as rustworkx-core computes it) on the backbone of each member's strongest
//! ties, so a person's many faint ties from big group photos do not make them a bridge and the
//! cost stays near n × 8n for any size of community.

use rustworkx_core::centrality::betweenness_centrality;
use rustworkx_core::petgraph::graph::UnGraph;

use super::groups::Adjacency;

/// Each member's strongest ties kept in the backbone.
pub const BACKBONE: usize = 8;
/// A circle a bridge connects has at least this many people.
pub const MIN_GROUP: usize = 3;

/// A member who connects their own circle with another: the person in the other circle they
/// are most tied to, with whom they could co-host.
#[derive(Debug, Clone, PartialEq)]
pub struct Bridge {
    pub person: u32,
    pub partner: u32,
    /// Normalised betweenness, 0–1.
    pub betweenness: f64,
}

/// Betweenness on the backbone, per node (0 for a node with no tie).
pub fn betweenness(adjacency: &Adjacency) -> Vec<f64> {
    let mut graph = UnGraph::<(), ()>::with_capacity(adjacency.len(), adjacency.len() * BACKBONE);
    let nodes: Vec<_> = (0..adjacency.len()).map(|_| graph.add_node(())).collect();
    for (i, ties) in super::groups::backbone(adjacency, BACKBONE).iter().enumerate() {
        for (j, _) in ties.iter().filter(|(j, _)| *j as usize > i) {
            graph.add_edge(nodes[i], nodes[*j as usize], ());
        }
    }
    betweenness_centrality(&graph, false, true, 200).into_iter().map(|b| b.unwrap_or(0.0)).collect()
}

/// Members with ties of weight ≥ 1 into a circle (of at least [`MIN_GROUP`]) other than their
/// own, whose betweenness is at least twice the mean and above zero, highest first.
pub fn bridges(adjacency: &Adjacency, partition: &[u32]) -> Vec<Bridge> {
    let mut sizes = vec![0usize; partition.iter().map(|c| *c as usize + 1).max().unwrap_or(0)];
    for c in partition {
        sizes[*c as usize] += 1;
    }
    let scores = betweenness(adjacency);
    let connected: Vec<f64> = scores.iter().zip(adjacency).filter(|(_, t)| !t.is_empty()).map(|(s, _)| *s).collect();
    let mean = connected.iter().sum::<f64>() / connected.len().max(1) as f64;
    let mut found: Vec<Bridge> = adjacency
        .iter()
        .enumerate()
        .filter(|(i, _)| scores[*i] > 0.0 && scores[*i] >= 2.0 * mean && sizes[partition[*i] as usize] >= MIN_GROUP)
        .filter_map(|(i, ties)| {
            let own = partition[i];
            let partner = ties
                .iter()
                .filter(|(j, w)| {
                    let theirs = partition[*j as usize];
                    theirs != own && sizes[theirs as usize] >= MIN_GROUP && *w >= 1.0
                })
                .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)))?;
            Some(Bridge { person: i as u32, partner: partner.0, betweenness: scores[i] })
        })
        .collect();
    found.sort_by(|a, b| b.betweenness.total_cmp(&a.betweenness).then(a.person.cmp(&b.person)));
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_one_who_joins_two_circles_is_the_bridge() {
        // Two squares of four with every pair tied, joined through node 8.
        let mut adjacency: Adjacency = vec![Vec::new(); 9];
        let mut tie = |a: u32, b: u32| {
            adjacency[a as usize].push((b, 1.0));
            adjacency[b as usize].push((a, 1.0));
        };
        for base in [0u32, 4] {
            for a in base..base + 4 {
                for b in a + 1..base + 4 {
                    tie(a, b);
                }
            }
        }
        tie(8, 0);
        tie(8, 1);
        tie(8, 4);
        let partition = [0, 0, 0, 0, 1, 1, 1, 1, 0];
        let found = bridges(&adjacency, &partition);
        assert_eq!(found.first().map(|b| (b.person, b.partner)), Some((8, 4)), "{found:?}");
    }
}
