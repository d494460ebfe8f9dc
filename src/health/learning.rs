//! Belonging vs learning: the share of stories, responses and moments that are about learning,
//! window by window, with a Wilson score interval (Wilson, "Probable inference, the law of
//! succession, and statistical inference", JASA 22, 1927) once a window holds at least ten.

use std::collections::HashSet;

use rusqlite::Connection;
use serde::Serialize;

use super::graph::Window;
use crate::error::Result;

/// Fewer items than this in a window give no share (too few to say anything).
pub const MIN_ITEMS: u32 = 10;
/// A fall of this much (a share, 0–1) from one window to the next is flagged.
pub const SLIDE: f64 = 0.20;

/// The learning share of one window.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
#[serde(rename = "LearningShare", rename_all = "camelCase")]
pub struct Share {
    /// The window's first and last day as `YYYY-MM-DD` (local).
    pub from: String,
    pub to: String,
    pub items: u32,
    pub learning: u32,
    /// 0–1; `None` below [`MIN_ITEMS`].
    pub share: Option<f64>,
    /// The 95% Wilson interval, 0–1.
    pub low: Option<f64>,
    pub high: Option<f64>,
}

/// The 95% Wilson score interval of `k` successes in `n` trials.
pub fn wilson(k: u32, n: u32) -> (f64, f64) {
    if n == 0 {
        return (0.0, 1.0);
    }
    let (z, n_f) = (1.959_963_984_540_054, f64::from(n));
    let p = f64::from(k) / n_f;
    let centre = p + z * z / (2.0 * n_f);
    let spread = z * (p * (1.0 - p) / n_f + z * z / (4.0 * n_f * n_f)).sqrt();
    let denominator = 1.0 + z * z / n_f;
    (((centre - spread) / denominator).max(0.0), ((centre + spread) / denominator).min(1.0))
}

/// Counts items and learning items in each of `windows`, written by `people` (ids): stories (a
/// learning story), responses (to a learning story) and moments (one with "what we learned").
pub fn count(
    conn: &Connection,
    stories: &super::graph::Stories,
    windows: &[Window],
    people: &HashSet<&str>,
) -> Result<Vec<(u32, u32)>> {
    let mut counts = vec![(0, 0); windows.len()];
    let span = [windows.iter().map(|w| w.since).min().unwrap_or(0), windows.iter().map(|w| w.until).max().unwrap_or(0)];
    for sql in [
        "SELECT author, story_id, created_at FROM story_responses NOT INDEXED WHERE deleted = 0 AND created_at >= ?1 AND created_at < ?2",
        "SELECT author, id, created_at FROM stories NOT INDEXED WHERE deleted = 0 AND created_at >= ?1 AND created_at < ?2",
        "SELECT author, learned != '', created_at FROM moments NOT INDEXED WHERE deleted = 0 AND created_at >= ?1 AND created_at < ?2",
    ] {
        let moments = sql.contains("moments");
        let mut statement = conn.prepare_cached(sql)?;
        let mut rows = statement.query(span)?;
        while let Some(row) = rows.next()? {
            let when: i64 = row.get(2)?;
            let Some(w) = windows.iter().position(|w| when >= w.since && when < w.until) else { continue };
            if !people.contains(row.get_ref(0)?.as_str().unwrap_or_default()) {
                continue;
            }
            // A response or a story is learning when its story is; a moment when it says what was learned.
            let learning = match moments {
                true => row.get::<_, bool>(1)?,
                false => match stories.get(row.get_ref(1)?.as_str().unwrap_or_default()) {
                    Some((_, learning)) => *learning,
                    None => continue,
                },
            };
            counts[w].0 += 1;
            counts[w].1 += u32::from(learning);
        }
    }
    Ok(counts)
}

/// A window's share from its counts.
pub fn share(from: String, to: String, items: u32, learning: u32) -> Share {
    let enough = items >= MIN_ITEMS;
    let (low, high) = wilson(learning, items);
    Share {
        from,
        to,
        items,
        learning,
        share: enough.then(|| f64::from(learning) / f64::from(items)),
        low: enough.then_some(low),
        high: enough.then_some(high),
    }
}

/// Whether the last window's share fell by [`SLIDE`] or more from the one before (both known).
pub fn slid(shares: &[Share]) -> Option<(f64, f64)> {
    let [.., before, now] = shares else { return None };
    let (b, n) = (before.share?, now.share?);
    (b - n >= SLIDE - 1e-9).then_some((b, n))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wilson_matches_the_published_example() {
        // Newcombe (1998), Statistics in Medicine 17, table I: 81 of 263 → 0.2553 to 0.3662.
        let (low, high) = wilson(81, 263);
        assert!((low - 0.2553).abs() < 5e-4 && (high - 0.3662).abs() < 5e-4, "{low} {high}");
    }

    #[test]
    fn a_fall_of_twenty_points_is_a_slide() {
        let at = |items, learning| share(String::new(), String::new(), items, learning);
        assert_eq!(slid(&[at(20, 12), at(20, 8)]), Some((0.6, 0.4)));
        assert_eq!(slid(&[at(20, 12), at(20, 9)]), None, "15 points is not");
        assert_eq!(slid(&[at(20, 12), at(9, 0)]), None, "nine items say nothing");
    }
}
