//! The spread of views on one dimension: an 11-bucket histogram of 0–10, the median and
//! interquartile range, Tastle and Wierman's consensus index, and how many wish for much more
//! than they see. Pure functions over the answers, the same on every laptop.

use serde::{Deserialize, Serialize};

/// The answers on one scale (0–10): how many gave each value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct Spread {
    /// How many answered each value 0 to 10.
    pub histogram: [u32; 11],
    /// How many answered (not "don't know").
    pub count: u32,
    pub median: f64,
    /// First and third quartiles (the middle half of the answers lies between them).
    pub q1: f64,
    pub q3: f64,
    /// Tastle and Wierman's consensus, 0 (split between the ends) to 1 (everyone agrees).
    pub consensus: f64,
}

/// The spread of `values` (each 0–10); None when there are none.
pub fn spread(values: &[u8]) -> Option<Spread> {
    if values.is_empty() {
        return None;
    }
    let mut histogram = [0u32; 11];
    for v in values {
        histogram[usize::from((*v).min(10))] += 1;
    }
    let mut sorted: Vec<f64> = values.iter().map(|v| f64::from((*v).min(10))).collect();
    sorted.sort_by(f64::total_cmp);
    Some(Spread {
        count: values.len() as u32,
        median: quantile(&sorted, 0.5),
        q1: quantile(&sorted, 0.25),
        q3: quantile(&sorted, 0.75),
        consensus: consensus(&histogram),
        histogram,
    })
}

/// The `p` quantile of sorted values, interpolated between the two nearest ranks (the method
/// most spreadsheets call QUARTILE.INC, Hyndman and Fan's type 7).
fn quantile(sorted: &[f64], p: f64) -> f64 {
    let at = p * (sorted.len() - 1) as f64;
    let (low, high) = (at.floor() as usize, at.ceil() as usize);
    sorted[low] + (sorted[high] - sorted[low]) * (at - low as f64)
}

/// Tastle and Wierman's consensus measure ("Consensus and dissention: a measure of ordinal
/// dispersion", International Journal of Approximate Reasoning 45, 2007):
/// Cns = 1 + Σ pᵢ · log₂(1 − |Xᵢ − μ| / d), with d the width of the scale (here 10). It is 1 when
/// everyone gives the same value and 0 when half give 0 and half 10.
pub fn consensus(histogram: &[u32; 11]) -> f64 {
    let total: u32 = histogram.iter().sum();
    if total == 0 {
        return 0.0;
    }
    let n = f64::from(total);
    let mean: f64 = histogram.iter().enumerate().map(|(x, c)| x as f64 * f64::from(*c)).sum::<f64>() / n;
    let sum: f64 = histogram
        .iter()
        .enumerate()
        .filter(|(_, c)| **c > 0)
        .map(|(x, c)| f64::from(*c) / n * (1.0 - (x as f64 - mean).abs() / 10.0).log2())
        .sum();
    (1.0 + sum).clamp(0.0, 1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn consensus_matches_hand_computed_values() {
        let mut all_same = [0; 11];
        all_same[7] = 9;
        assert_eq!(consensus(&all_same), 1.0, "everyone agrees");
        let mut split = [0; 11];
        split[0] = 5;
        split[10] = 5;
        assert!(consensus(&split).abs() < 1e-12, "half at each end: no consensus");
        // 4 and 6, one each: mean 5, each 1/10 of the width away: 1 + log2(0.9) = 0.847997…
        let mut near = [0; 11];
        near[4] = 1;
        near[6] = 1;
        assert!((consensus(&near) - 0.847_996_906_554_95).abs() < 1e-9, "{}", consensus(&near));
        // 0, 5, 10: mean 5; 1/3·log2(0.5)·2 + 1/3·log2(1) = −2/3, so 1/3.
        let mut three = [0; 11];
        three[0] = 1;
        three[5] = 1;
        three[10] = 1;
        assert!((consensus(&three) - 1.0 / 3.0).abs() < 1e-12, "{}", consensus(&three));
    }

    #[test]
    fn median_and_quartiles_interpolate() {
        let s = spread(&[1, 2, 3, 4, 5, 6, 7, 8]).unwrap();
        assert_eq!((s.median, s.q1, s.q3), (4.5, 2.75, 6.25));
        assert_eq!(s.histogram[1..9], [1; 8]);
        assert_eq!(spread(&[]), None);
    }
}
