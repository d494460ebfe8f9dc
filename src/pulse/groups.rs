//! Opinion groups, after Polis's published method (Small et al., "Polis: Scaling deliberation by
//! mapping high dimensional opinion spaces", 2021) adapted to a community's few dozen members:
//! each respondent is a point of 14 numbers (now and wished-for on seven dimensions); those who
//! answered at least half are kept, a missing value takes its column's mean; the points are
//! projected on their two principal components (power iteration from a fixed start, so the same
//! answers give the same picture on every laptop) and clustered with k-means for k from 2 to
//! min(5, 2 + ⌊n/12⌋), keeping the k with the best mean silhouette. Groups are reported only
//! when each has at least the threshold of members and the silhouette is at least 0.25.

use serde::{Deserialize, Serialize};

/// The outcome of looking for groups.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct Groups {
    /// Whether distinct groups were found and may be shown.
    pub found: bool,
    /// Why not, in words ("no distinct camps: views vary continuously").
    pub why_not: Option<String>,
    pub groups: Vec<Group>,
    /// Columns (0–6 now, 7–13 wished) on which every group is within one point of the others.
    pub shared: Vec<u32>,
    /// The best mean silhouette, for the curious.
    pub silhouette: f64,
    /// How answers map to the picture (columns' means, then the two components), so a member's
    /// laptop can place its own answer, and no one else's, among the groups.
    pub basis: Option<Basis>,
}

/// The projection the groups were found in.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct Basis {
    pub means: Vec<f64>,
    pub first: Vec<f64>,
    pub second: Vec<f64>,
}

/// One group: its size and where it stands apart.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct Group {
    pub size: u32,
    /// Its mean on each of the 14 columns.
    pub means: Vec<f64>,
    /// Columns where its mean is at least 1.5 from everyone else's.
    pub differs: Vec<u32>,
    /// Its centre on the two principal components.
    pub centre: [f64; 2],
}

/// Respondents answering fewer columns are left out of the groups.
const MIN_ANSWERED: usize = 7;
/// Below this mean silhouette, the views vary continuously rather than in camps.
const MIN_SILHOUETTE: f64 = 0.25;

/// Groups among `points` (each 14 values 0–10 or None), reported only when every group has at
/// least `threshold` members.
pub fn find(points: &[Vec<Option<f64>>], threshold: u32) -> Groups {
    let none = |why: &str, silhouette: f64| Groups {
        found: false,
        why_not: Some(why.to_owned()),
        groups: vec![],
        shared: vec![],
        silhouette,
        basis: None,
    };
    let kept: Vec<&Vec<Option<f64>>> = points.iter().filter(|p| p.iter().flatten().count() >= MIN_ANSWERED).collect();
    let n = kept.len();
    if n < 2 * threshold as usize || n < 4 {
        return none("too few answers to look for groups", 0.0);
    }
    let width = kept[0].len();
    let means: Vec<f64> = (0..width)
        .map(|c| {
            let known: Vec<f64> = kept.iter().filter_map(|p| p.get(c).copied().flatten()).collect();
            if known.is_empty() {
                0.0
            } else {
                known.iter().sum::<f64>() / known.len() as f64
            }
        })
        .collect();
    let data: Vec<Vec<f64>> =
        kept.iter().map(|p| (0..width).map(|c| p.get(c).copied().flatten().unwrap_or(means[c])).collect()).collect();
    let (projected, first, second) = project(&data, &means);
    let most = 5.min(2 + n / 12);
    let mut best: Option<(f64, Vec<usize>, usize)> = None;
    for k in 2..=most {
        let labels = kmeans(&projected, k);
        let score = silhouette(&projected, &labels, k);
        if best.as_ref().is_none_or(|(s, ..)| score > *s + 1e-12) {
            best = Some((score, labels, k));
        }
    }
    let Some((score, labels, k)) = best else { return none("too few answers to look for groups", 0.0) };
    if score < MIN_SILHOUETTE {
        return none("no distinct camps: views vary continuously", score);
    }
    let groups: Vec<Group> = (0..k)
        .map(|g| {
            let members: Vec<usize> = (0..n).filter(|i| labels[*i] == g).collect();
            let mean_of =
                |rows: &[usize], c: usize| rows.iter().map(|i| data[*i][c]).sum::<f64>() / rows.len().max(1) as f64;
            let others: Vec<usize> = (0..n).filter(|i| labels[*i] != g).collect();
            let group_means: Vec<f64> = (0..width).map(|c| mean_of(&members, c)).collect();
            let differs = (0..width)
                .filter(|c| (group_means[*c] - mean_of(&others, *c)).abs() >= 1.5)
                .map(|c| c as u32)
                .collect();
            let centre = [
                members.iter().map(|i| projected[*i][0]).sum::<f64>() / members.len().max(1) as f64,
                members.iter().map(|i| projected[*i][1]).sum::<f64>() / members.len().max(1) as f64,
            ];
            Group { size: members.len() as u32, means: group_means, differs, centre }
        })
        .collect();
    if groups.iter().any(|g| g.size < threshold) {
        return none("groups would be smaller than the community's threshold, so they are not shown", score);
    }
    let shared = (0..width)
        .filter(|c| {
            let values: Vec<f64> = groups.iter().map(|g| g.means[*c]).collect();
            values.iter().cloned().fold(f64::MIN, f64::max) - values.iter().cloned().fold(f64::MAX, f64::min) <= 1.0
        })
        .map(|c| c as u32)
        .collect();
    let basis = Some(Basis { means, first, second });
    Groups { found: true, why_not: None, groups, shared, silhouette: score, basis }
}

/// The rows (centred on `means`) on their first two principal components, and the components.
fn project(data: &[Vec<f64>], means: &[f64]) -> (Vec<[f64; 2]>, Vec<f64>, Vec<f64>) {
    let width = means.len();
    let centred: Vec<Vec<f64>> = data.iter().map(|row| row.iter().zip(means).map(|(v, m)| v - m).collect()).collect();
    let mut covariance = vec![vec![0.0; width]; width];
    for row in &centred {
        for a in 0..width {
            for b in 0..width {
                covariance[a][b] += row[a] * row[b];
            }
        }
    }
    let first = power_iteration(&covariance, None);
    let second = power_iteration(&covariance, Some(&first));
    let points = centred.iter().map(|row| [dot(row, &first), dot(row, &second)]).collect();
    (points, first, second)
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// The matrix's leading eigenvector (orthogonal to `away` when given), from a fixed start.
fn power_iteration(matrix: &[Vec<f64>], away: Option<&[f64]>) -> Vec<f64> {
    let width = matrix.len();
    let mut v: Vec<f64> = (0..width).map(|i| 1.0 + i as f64 / width as f64).collect();
    for _ in 0..200 {
        if let Some(away) = away {
            let along = dot(&v, away);
            v.iter_mut().zip(away).for_each(|(x, a)| *x -= along * a);
        }
        let mut next: Vec<f64> = matrix.iter().map(|row| dot(row, &v)).collect();
        let norm = dot(&next, &next).sqrt();
        if norm < 1e-12 {
            return vec![0.0; width];
        }
        next.iter_mut().for_each(|x| *x /= norm);
        v = next;
    }
    v
}

fn distance(a: &[f64; 2], b: &[f64; 2]) -> f64 {
    ((a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2)).sqrt()
}

/// Lloyd's k-means from a deterministic farthest-point start (the point farthest from the
/// centre, then each next the farthest from those chosen).
fn kmeans(points: &[[f64; 2]], k: usize) -> Vec<usize> {
    let origin = [0.0, 0.0];
    let mut centres: Vec<[f64; 2]> = Vec::with_capacity(k);
    let far =
        (0..points.len()).max_by(|a, b| distance(&points[*a], &origin).total_cmp(&distance(&points[*b], &origin)));
    centres.push(points[far.unwrap_or(0)]);
    while centres.len() < k {
        let next = (0..points.len()).max_by(|a, b| {
            let near = |i: usize| centres.iter().map(|c| distance(&points[i], c)).fold(f64::MAX, f64::min);
            near(*a).total_cmp(&near(*b))
        });
        centres.push(points[next.unwrap_or(0)]);
    }
    let mut labels = vec![0; points.len()];
    for _ in 0..100 {
        let next: Vec<usize> = points
            .iter()
            .map(|p| (0..k).min_by(|a, b| distance(p, &centres[*a]).total_cmp(&distance(p, &centres[*b]))).unwrap_or(0))
            .collect();
        for (c, centre) in centres.iter_mut().enumerate() {
            let members: Vec<&[f64; 2]> = points.iter().zip(&next).filter(|(_, l)| **l == c).map(|(p, _)| p).collect();
            if !members.is_empty() {
                *centre = [
                    members.iter().map(|p| p[0]).sum::<f64>() / members.len() as f64,
                    members.iter().map(|p| p[1]).sum::<f64>() / members.len() as f64,
                ];
            }
        }
        if next == labels {
            break;
        }
        labels = next;
    }
    labels
}

/// The mean silhouette (Rousseeuw 1987) of a labelling: near 1 when each point sits far closer
/// to its own group than to the nearest other.
fn silhouette(points: &[[f64; 2]], labels: &[usize], k: usize) -> f64 {
    let n = points.len();
    let mut total = 0.0;
    for i in 0..n {
        let mean_to = |g: usize| {
            let others: Vec<f64> =
                (0..n).filter(|j| *j != i && labels[*j] == g).map(|j| distance(&points[i], &points[j])).collect();
            if others.is_empty() {
                None
            } else {
                Some(others.iter().sum::<f64>() / others.len() as f64)
            }
        };
        let Some(a) = mean_to(labels[i]) else { continue };
        let b = (0..k).filter(|g| *g != labels[i]).filter_map(mean_to).fold(f64::MAX, f64::min);
        if b < f64::MAX {
            total += (b - a) / a.max(b).max(1e-12);
        }
    }
    total / n as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two planted camps: one wishes for more Identification (column 10), one for more
    /// Projects (column 9), with a little noise from a fixed generator.
    pub(crate) fn camps(first: usize, second: usize) -> Vec<Vec<Option<f64>>> {
        let mut seed = 7u64;
        let mut noise = || {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            ((seed >> 33) % 3) as f64 - 1.0
        };
        let mut out = Vec::new();
        for (count, wants) in [(first, 10), (second, 9)] {
            for _ in 0..count {
                let mut row: Vec<Option<f64>> = (0..14).map(|_| Some((5.0 + noise()).clamp(0.0, 10.0))).collect();
                row[wants] = Some((9.0 + noise()).clamp(0.0, 10.0));
                let other = if wants == 10 { 9 } else { 10 };
                row[other] = Some((3.0 + noise()).clamp(0.0, 10.0));
                out.push(row);
            }
        }
        out
    }

    #[test]
    fn two_planted_camps_are_found_and_suppressed_when_one_is_too_small() {
        let found = find(&camps(12, 10), 5);
        assert!(found.found, "{found:?}");
        assert_eq!(found.groups.len(), 2, "k = 2");
        let mut sizes: Vec<u32> = found.groups.iter().map(|g| g.size).collect();
        sizes.sort();
        assert_eq!(sizes, [10, 12]);
        assert!(
            found.groups.iter().all(|g| g.differs.contains(&9) && g.differs.contains(&10)),
            "they differ on the two wishes"
        );
        assert!(!found.shared.contains(&9) && found.shared.contains(&0), "and share the rest");
        let small = find(&camps(12, 4), 5);
        assert!(!small.found && small.groups.is_empty(), "a camp of four is never shown");
        assert_eq!(find(&camps(12, 10), 5), found, "the same answers give the same groups");
    }

    #[test]
    fn a_community_that_sees_it_alike_has_no_camps() {
        let alike: Vec<Vec<Option<f64>>> =
            (0..30).map(|_| (0..14).map(|c| Some((c % 3 + 4) as f64)).collect()).collect();
        let groups = find(&alike, 5);
        assert!(
            !groups.found && groups.why_not.as_deref() == Some("no distinct camps: views vary continuously"),
            "{groups:?}"
        );
    }
}
