//! Circles that turn inward: Louvain communities of the interaction graph, each measured by its
//! E-I index against what random mixing would give, and the whole partition's modularity tested
//! against degree-preserving rewirings of the same graph.
//!
//! - Louvain: Blondel, Guillaume, Lambiotte & Lefebvre, "Fast unfolding of communities in large
//!   networks", J. Stat. Mech. (2008) P10008. Hand-written here: petgraph and rustworkx-core
//!   have no community detection, and the crates that do are young or unmaintained.
//! - E-I index: Krackhardt & Stern, "Informal networks and organizational crises", Social
//!   Psychology Quarterly 51 (1988): (external − internal) / (external + internal) tie weight.
//!   Under random mixing a share p = (g−1)/(n−1) of the tie ends at a group of g among n
//!   connected people lands inside; a tie inside has two such ends and counts once, so the
//!   expected E-I index is (1 − 1.5p)/(1 − 0.5p); the *gap* is observed − expected.
//! - The null model: Maslov & Sneppen, "Specificity and stability in topology of protein
//!   networks", Science 296 (2002): double edge swaps keep every member's number of ties. The
//!   modularity of a small graph's best partition is high even when it is random (Guimerà, Sales-
//!   Pardo & Amaral, Phys. Rev. E 70, 2004), so only modularity well above the rewired graphs'
//!   (z ≥ 2) counts.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use rayon::prelude::*;
use rustc_hash::FxHashSet;

use super::graph::Graph;

/// A circle is at least this many people.
pub const MIN_CIRCLE: usize = 5;
/// A circle's E-I index at least this far below random mixing's (Krackhardt & Stern's scale
/// runs from −1, all inside, to +1, all outside).
pub const GAP: f64 = -0.5;
/// How many standard deviations above the rewired graphs a finding must stand.
pub const Z: f64 = 2.0;
/// Rewired graphs in the null model (the issue asks for 20 to 50).
pub const REWIRINGS: usize = 20;
/// Double edge swaps per tie in a rewiring: each tie is then moved about six times, and the
/// share never moved is e^−6, a quarter of a percent (Milo et al., "On the uniform generation
/// of random graphs with prescribed degree sequences", arXiv cond-mat/0312028, suggest ~100
/// attempts per edge for full uniformity; the null's mean modularity settles far sooner).
pub const SWAPS: usize = 3;

/// Undirected weighted adjacency: each tie appears at both of its ends.
pub type Adjacency = Vec<Vec<(u32, f64)>>;

/// The split test reads the backbone of each member's strongest ties (a tie kept when it is
/// among the strongest of either end): in a community of thousands, a member's many faint ties
/// from big photos and busy threads say little about where they belong and make the twenty
/// rewired copies slow (5,000 members: 410,000 ties against about 60,000). A small community's
/// backbone is the whole graph.
pub const BACKBONE: usize = 16;

/// The ties kept when each member keeps their `k` strongest (ties equally strong by the other
/// member's index), as adjacency in index order.
pub fn backbone(adjacency: &Adjacency, k: usize) -> Adjacency {
    let mut kept: Vec<Vec<(u32, f64)>> = vec![Vec::new(); adjacency.len()];
    for (i, ties) in adjacency.iter().enumerate() {
        let mut strongest: Vec<(u32, f64)> = ties.clone();
        if strongest.len() > k {
            strongest.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
            strongest.truncate(k);
        }
        for (j, w) in strongest {
            kept[i].push((j, w));
            kept[j as usize].push((i as u32, w));
        }
    }
    for ties in &mut kept {
        ties.sort_by_key(|(j, _)| *j);
        ties.dedup_by_key(|(j, _)| *j);
    }
    kept
}

/// The community of each node, numbered from 0 in order of first appearance, by Louvain's
/// local moving and aggregation until no move raises modularity. Nodes are visited in index
/// order, so the result is deterministic.
pub fn louvain(adjacency: &Adjacency) -> Vec<u32> {
    let n = adjacency.len();
    let mut membership: Vec<u32> = (0..n as u32).collect();
    let mut level = adjacency.clone();
    let mut loops = vec![0.0; n];
    loop {
        let (community, moved) = local_moving(&level, &loops);
        if !moved {
            break;
        }
        let (renumbered, count) = renumber(&community);
        for c in &mut membership {
            *c = renumbered[*c as usize];
        }
        // Aggregate: one node per community, ties summed (a dense accumulator per community).
        let mut members_of: Vec<Vec<u32>> = vec![Vec::new(); count];
        for (i, c) in renumbered.iter().enumerate() {
            members_of[*c as usize].push(i as u32);
        }
        let mut next_loops = vec![0.0; count];
        let mut towards = vec![0.0f64; count];
        let mut touched: Vec<u32> = Vec::new();
        let mut next: Adjacency = Vec::with_capacity(count);
        for (c, members) in members_of.iter().enumerate() {
            for i in members {
                next_loops[c] += loops[*i as usize];
                for (j, w) in &level[*i as usize] {
                    let cj = renumbered[*j as usize];
                    if cj as usize == c {
                        next_loops[c] += w / 2.0;
                    } else {
                        if towards[cj as usize] == 0.0 {
                            touched.push(cj);
                        }
                        towards[cj as usize] += w;
                    }
                }
            }
            touched.sort_unstable();
            next.push(touched.iter().map(|cj| (*cj, towards[*cj as usize])).collect());
            for cj in touched.drain(..) {
                towards[cj as usize] = 0.0;
            }
        }
        level = next;
        loops = next_loops;
    }
    renumber(&membership).0
}

/// One level of local moving: each node joins the neighbouring community with the best
/// modularity gain, in passes until none moves. Returns each node's community and whether any
/// node moved at all.
fn local_moving(level: &Adjacency, loops: &[f64]) -> (Vec<u32>, bool) {
    let n = level.len();
    let strength: Vec<f64> =
        level.iter().zip(loops).map(|(ties, own)| ties.iter().map(|(_, w)| w).sum::<f64>() + 2.0 * own).collect();
    let m2: f64 = strength.iter().sum();
    let mut community: Vec<u32> = (0..n as u32).collect();
    if m2 <= 0.0 {
        return (community, false);
    }
    let mut total = strength.clone();
    let mut towards = vec![0.0f64; n];
    let mut touched: Vec<u32> = Vec::new();
    let mut seen = vec![false; n];
    let mut moved_any = false;
    for _pass in 0..100 {
        let mut moved = 0;
        for i in 0..n {
            let own = community[i];
            let k = strength[i];
            total[own as usize] -= k;
            touched.clear();
            touched.push(own);
            seen[own as usize] = true;
            for (j, w) in &level[i] {
                let c = community[*j as usize];
                if !seen[c as usize] {
                    seen[c as usize] = true;
                    touched.push(c);
                }
                towards[c as usize] += w;
            }
            // Stay unless another community gains strictly more (ties keep the node still).
            let gain = |c: u32| towards[c as usize] - total[c as usize] * k / m2;
            let mut best = own;
            let mut best_gain = gain(own);
            for &c in &touched {
                if gain(c) > best_gain + 1e-12 {
                    best = c;
                    best_gain = gain(c);
                }
            }
            for &c in &touched {
                towards[c as usize] = 0.0;
                seen[c as usize] = false;
            }
            total[best as usize] += k;
            if best != own {
                community[i] = best;
                moved += 1;
                moved_any = true;
            }
        }
        // Stop when (almost) nobody moves: on a large graph the last passes move a handful of
        // nodes each for a negligible gain (a common stopping rule; exact below 200 nodes).
        if moved <= n / 200 {
            break;
        }
    }
    (community, moved_any)
}

/// Community labels renumbered 0.. in order of first appearance, and how many there are.
fn renumber(labels: &[u32]) -> (Vec<u32>, usize) {
    let mut map = vec![u32::MAX; labels.iter().map(|c| *c as usize + 1).max().unwrap_or(0)];
    let mut next = 0u32;
    let out = labels
        .iter()
        .map(|c| {
            if map[*c as usize] == u32::MAX {
                map[*c as usize] = next;
                next += 1;
            }
            map[*c as usize]
        })
        .collect();
    (out, next as usize)
}

/// Newman's modularity of a partition of a weighted graph: Σ_c [ in_c / m − (tot_c / 2m)² ].
pub fn modularity(adjacency: &Adjacency, membership: &[u32]) -> f64 {
    let communities = membership.iter().map(|c| *c as usize + 1).max().unwrap_or(0);
    let mut inside = vec![0.0; communities];
    let mut total = vec![0.0; communities];
    let mut m2 = 0.0;
    for (i, ties) in adjacency.iter().enumerate() {
        let ci = membership[i] as usize;
        for (j, w) in ties {
            total[ci] += w;
            m2 += w;
            if membership[*j as usize] as usize == ci {
                inside[ci] += w;
            }
        }
    }
    if m2 <= 0.0 {
        return 0.0;
    }
    inside.iter().zip(&total).map(|(i, t)| i / m2 - (t / m2) * (t / m2)).sum()
}

/// The E-I index of the people marked in `inside` and the gap to random mixing's expectation
/// among `connected` people; `None` when the group has no tie at all.
pub fn ei_gap(adjacency: &Adjacency, inside: &[bool], connected: usize) -> Option<(f64, f64)> {
    let (mut internal, mut external) = (0.0, 0.0);
    let size = inside.iter().filter(|x| **x).count();
    for (_, ties) in adjacency.iter().enumerate().filter(|(i, _)| inside[*i]) {
        for (j, w) in ties {
            if inside[*j as usize] {
                internal += w / 2.0;
            } else {
                external += w;
            }
        }
    }
    if internal + external <= 0.0 || connected < 2 {
        return None;
    }
    let ei = (external - internal) / (external + internal);
    // A share p of the tie ends at the group's members lands inside; an inside tie has two such
    // ends and is counted once, an outside tie one: I = pD/2, E = (1 − p)D.
    let p = size.saturating_sub(1) as f64 / (connected - 1) as f64;
    let expected = (1.0 - 1.5 * p) / (1.0 - 0.5 * p);
    Some((ei, ei - expected))
}

/// A copy of the graph's ties with each person's number of ties kept and the ties themselves
/// swapped at random: [`SWAPS`] attempted double edge swaps per tie, each tie keeping its
/// weight; a swap that would make a loop or repeat a tie is skipped.
pub fn rewired(adjacency: &Adjacency, seed: u64) -> Adjacency {
    let mut edges: Vec<(u32, u32, f64)> = adjacency
        .iter()
        .enumerate()
        .flat_map(|(i, ties)| ties.iter().filter(move |(j, _)| *j as usize > i).map(move |(j, w)| (i as u32, *j, *w)))
        .collect();
    let key = |a: u32, b: u32| (u64::from(a.min(b)) << 32) | u64::from(a.max(b));
    let mut present: FxHashSet<u64> = edges.iter().map(|(a, b, _)| key(*a, *b)).collect();
    let mut rng = StdRng::seed_from_u64(seed);
    let count = edges.len();
    if count >= 2 {
        for _ in 0..SWAPS * count {
            let (x, y) = (rng.random_range(0..count), rng.random_range(0..count));
            let ((a, b, w1), (mut c, mut d, w2)) = (edges[x], edges[y]);
            if rng.random::<bool>() {
                std::mem::swap(&mut c, &mut d);
            }
            // (a, b), (c, d) → (a, d), (c, b)
            let (e1, e2) = (key(a, d), key(c, b));
            if a == d || c == b || e1 == e2 || present.contains(&e1) || present.contains(&e2) {
                continue;
            }
            present.remove(&key(a, b));
            present.remove(&key(c, d));
            present.insert(e1);
            present.insert(e2);
            edges[x] = (a.min(d), a.max(d), w1);
            edges[y] = (c.min(b), c.max(b), w2);
        }
    }
    let mut out: Adjacency = vec![Vec::new(); adjacency.len()];
    for (a, b, w) in edges {
        out[a as usize].push((b, w));
        out[b as usize].push((a, w));
    }
    for ties in &mut out {
        ties.sort_unstable_by_key(|(j, _)| *j);
    }
    out
}

/// A circle found: its people (indices) and how inward it looks now and in the window before.
#[derive(Debug, Clone, PartialEq)]
pub struct Circle {
    pub people: Vec<u32>,
    pub ei: f64,
    pub gap: f64,
    pub gap_before: f64,
    /// How far below the rewired graphs' most inward circle it stands, in standard deviations.
    pub z: f64,
}

/// The whole test: the partition, its modularity against the rewired graphs', and the circles
/// that pass every condition.
#[derive(Debug, Clone, PartialEq)]
pub struct SplitTest {
    pub partition: Vec<u32>,
    pub modularity: f64,
    pub null_mean: f64,
    pub null_sd: f64,
    pub z: f64,
    pub circles: Vec<Circle>,
}

/// Finds circles of at least [`MIN_CIRCLE`] people whose E-I gap is at most [`GAP`] in this
/// window and in the one before, when the partition's modularity stands at least [`Z`] standard
/// deviations above [`REWIRINGS`] rewired copies and the circle's gap at least [`Z`] below the
/// most inward circle each rewired copy yields. `now` and `before` are over the same people.
pub fn split_test(now: &Graph, before: &Graph, seed: u64) -> SplitTest {
    let adjacency = backbone(&now.adjacency(), BACKBONE);
    let partition = louvain(&adjacency);
    let q = modularity(&adjacency, &partition);
    let connected = adjacency.iter().filter(|t| !t.is_empty()).count();
    let null: Vec<(f64, f64)> = (0..REWIRINGS as u64)
        .into_par_iter()
        .map(|r| {
            let graph = rewired(&adjacency, seed.wrapping_add(r));
            let groups = louvain(&graph);
            let most_inward = circles_of(&groups, MIN_CIRCLE)
                .iter()
                .filter_map(|people| ei_gap(&graph, &marks(people, graph.len()), connected).map(|(_, gap)| gap))
                .fold(0.0, f64::min);
            (modularity(&graph, &groups), most_inward)
        })
        .collect();
    let (null_mean, null_sd) = mean_sd(null.iter().map(|(q, _)| *q));
    let (gap_mean, gap_sd) = mean_sd(null.iter().map(|(_, g)| *g));
    let z = (q - null_mean) / null_sd.max(1e-3);
    let before_adjacency = backbone(&before.adjacency(), BACKBONE);
    let before_connected = before_adjacency.iter().filter(|t| !t.is_empty()).count();
    let circles = circles_of(&partition, MIN_CIRCLE)
        .into_iter()
        .filter_map(|people| {
            let inside = marks(&people, adjacency.len());
            let (ei, gap) = ei_gap(&adjacency, &inside, connected)?;
            let (_, gap_before) = ei_gap(&before_adjacency, &inside, before_connected)?;
            let circle_z = (gap_mean - gap) / gap_sd.max(0.05);
            (z >= Z && gap <= GAP && gap_before <= GAP && circle_z >= Z).then_some(Circle {
                people,
                ei,
                gap,
                gap_before,
                z: circle_z,
            })
        })
        .collect();
    SplitTest { partition, modularity: q, null_mean, null_sd, z, circles }
}

/// The groups of a partition with at least `min` people, each as sorted indices.
pub fn circles_of(partition: &[u32], min: usize) -> Vec<Vec<u32>> {
    let mut groups: Vec<Vec<u32>> = vec![Vec::new(); partition.iter().map(|c| *c as usize + 1).max().unwrap_or(0)];
    for (i, c) in partition.iter().enumerate() {
        groups[*c as usize].push(i as u32);
    }
    groups.into_iter().filter(|g| g.len() >= min).collect()
}

fn marks(people: &[u32], n: usize) -> Vec<bool> {
    let mut inside = vec![false; n];
    for p in people {
        inside[*p as usize] = true;
    }
    inside
}

fn mean_sd(values: impl Iterator<Item = f64>) -> (f64, f64) {
    let values: Vec<f64> = values.collect();
    if values.is_empty() {
        return (0.0, 0.0);
    }
    let mean = values.iter().sum::<f64>() / values.len() as f64;
    let variance = values.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / (values.len().max(2) - 1) as f64;
    (mean, variance.sqrt())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn graph_of(n: usize, edges: &[(u32, u32)]) -> Adjacency {
        let mut adjacency = vec![Vec::new(); n];
        for (a, b) in edges {
            adjacency[*a as usize].push((*b, 1.0));
            adjacency[*b as usize].push((*a, 1.0));
        }
        adjacency
    }

    #[test]
    fn louvain_separates_two_triangles_joined_by_one_tie() {
        let adjacency = graph_of(6, &[(0, 1), (0, 2), (1, 2), (3, 4), (3, 5), (4, 5), (2, 3)]);
        let partition = louvain(&adjacency);
        assert_eq!(partition, [0, 0, 0, 1, 1, 1], "each triangle is a community");
        // Newman's value for this graph: 2 × (3/7 − (7/14)²) = 5/14.
        assert!((modularity(&adjacency, &partition) - 5.0 / 14.0).abs() < 1e-9);
    }

    #[test]
    fn rewiring_keeps_everyones_number_of_ties() {
        let edges: Vec<(u32, u32)> = (0..30u32).flat_map(|i| [(i, (i + 1) % 30), (i, (i + 7) % 30)]).collect();
        let adjacency = graph_of(30, &edges);
        let swapped = rewired(&adjacency, 9);
        // With every tie of weight 1, a member's total weight is their number of tie ends,
        // repeats merged or not.
        let ends =
            |a: &Adjacency| a.iter().map(|t| t.iter().map(|(_, w)| *w as usize).sum::<usize>()).collect::<Vec<_>>();
        assert_eq!(ends(&swapped), ends(&adjacency), "Maslov–Sneppen swaps keep degrees");
        assert!(swapped.iter().enumerate().all(|(i, t)| t.iter().all(|(j, _)| *j as usize != i)), "no loops");
        assert_ne!(swapped, adjacency, "and move ties");
    }

    #[test]
    fn an_inward_group_has_a_gap_far_below_random_mixing() {
        // Five people tied only to each other, among ten connected people.
        let mut edges: Vec<(u32, u32)> = (0..5u32).flat_map(|a| (a + 1..5).map(move |b| (a, b))).collect();
        edges.extend([(5, 6), (6, 7), (7, 8), (8, 9), (9, 5)]);
        let adjacency = graph_of(10, &edges);
        let inside: Vec<bool> = (0..10).map(|i| i < 5).collect();
        let (ei, gap) = ei_gap(&adjacency, &inside, 10).unwrap();
        assert_eq!(ei, -1.0, "every tie inside");
        // Random mixing lands p = 4/9 of their tie ends inside: expected (1 − 1.5p)/(1 − 0.5p) = 3/7.
        assert!((gap - (-1.0 - 3.0 / 7.0)).abs() < 1e-9, "{gap}");
    }
}
