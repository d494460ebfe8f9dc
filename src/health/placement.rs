//! Where each person sits in the network picture: a force-directed layout (fjadra, a Rust
//! implementation of d3-force's simulation), computed here rather than in the window.
//!
//! The window runs its script without a JIT (see the shell's `scripting`), and d3-force's 300
//! ticks over a full picture of 150 people took the Health page from 1.1 s to 3.0 s there; here
//! they take milliseconds. The forces and their figures are the ones the window used: ties
//! pull (stronger the heavier, 60 px apart), everyone repels (−240), a gentle pull to the
//! centre, and marks are kept 30 px apart while they settle. fjadra applies the forces in
//! another order and damps speed a step later than d3-force, so a picture is not the same as
//! the window's was, only alike. Ticks start from a circle of positions, and fjadra's own
//! jiggle is seeded, so the same report always gives the same picture. The result is fitted
//! into the drawing (see [`fit`]), which brings marks closer when a crowd is shrunk to fit.

use fjadra::{Center, Collide, Link, ManyBody, Node, PositionX, PositionY, SimulationBuilder};

/// The drawing's size in px, as the window draws it.
pub const WIDTH: f64 = 760.0;
pub const HEIGHT: f64 = 520.0;
/// Room left at the edges for the names (left and right) and a group's outline (top and bottom).
const MARGIN_X: f64 = 90.0;
const MARGIN_Y: f64 = 40.0;
/// d3-force's ticks from full heat to rest at its default cooling.
const TICKS: usize = 300;

/// `[x, y]` in px within [`WIDTH`] × [`HEIGHT`] for each of `people` marks, tied by `links`
/// (`(source, target, weight)`, indices into the marks). Links to a mark out of range are
/// ignored.
pub fn place(people: usize, links: &[(u32, u32, f64)]) -> Vec<[f64; 2]> {
    if people == 0 {
        return Vec::new();
    }
    let (cx, cy) = (WIDTH / 2.0, HEIGHT / 2.0);
    let ties: Vec<(u32, u32, f64)> =
        links.iter().copied().filter(|(a, b, _)| (*a as usize) < people && (*b as usize) < people && a != b).collect();
    // A weight is a positive count today (`graph`); anything else pulls as the weakest tie,
    // never with a negative or infinite strength (NaN positions would stop fjadra's quadtree).
    let weights: Vec<f64> = ties.iter().map(|(_, _, w)| if w.is_finite() && *w > 0.0 { *w } else { 0.0 }).collect();
    let start = (0..people).map(|i| {
        let angle = i as f64 / people as f64 * std::f64::consts::TAU;
        Node::default().position(cx + 200.0 * angle.cos(), cy + 200.0 * angle.sin())
    });
    let mut simulation = SimulationBuilder::default()
        .build(start)
        .add_force(
            "link",
            Link::new(ties.iter().map(|(a, b, _)| (*a as usize, *b as usize)))
                .strength(move |_: &_, i: usize| (0.15 + 0.1 * weights[i]).clamp(0.15, 1.0))
                .distance(60.0),
        )
        .add_force("charge", ManyBody::new().strength(-240.0))
        .add_force("center", Center::new().x(cx).y(cy))
        .add_force("x", PositionX::new().x(cx).strength(0.05))
        .add_force("y", PositionY::new().y(cy).strength(0.07))
        .add_force("collide", Collide::new().radius(|_| 30.0));
    simulation.tick(TICKS);
    fit(simulation.positions().map(|[x, y]| if x.is_finite() && y.is_finite() { [x, y] } else { [cx, cy] }).collect())
}

/// `at` moved and, along each axis it spreads further than the drawing, shrunk (never grown) to
/// sit within the margins, centred: a crowd settles round, and the drawing is wider than tall,
/// so a full picture uses the width for its names. The window used to clamp each mark to the
/// margins instead: from about 40 people most of them were pressed into lines along the edges
/// (39 of 60, 131 of 150).
fn fit(at: Vec<[f64; 2]>) -> Vec<[f64; 2]> {
    let (mut low, mut high) = ([f64::MAX; 2], [f64::MIN; 2]);
    for p in &at {
        for axis in 0..2 {
            low[axis] = low[axis].min(p[axis]);
            high[axis] = high[axis].max(p[axis]);
        }
    }
    let room = [WIDTH - 2.0 * MARGIN_X, HEIGHT - 2.0 * MARGIN_Y];
    let scale = |axis: usize| (room[axis] / (high[axis] - low[axis]).max(f64::EPSILON)).min(1.0);
    let (sx, sy) = (scale(0), scale(1));
    let middle = [(low[0] + high[0]) / 2.0, (low[1] + high[1]) / 2.0];
    at.into_iter().map(|p| [WIDTH / 2.0 + (p[0] - middle[0]) * sx, HEIGHT / 2.0 + (p[1] - middle[1]) * sy]).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn distance(a: [f64; 2], b: [f64; 2]) -> f64 {
        (a[0] - b[0]).hypot(a[1] - b[1])
    }

    #[test]
    fn tied_people_sit_closer_than_strangers_and_all_within_the_drawing() {
        // Two groups of five, tied within, none between.
        let mut links = Vec::new();
        for group in [0u32, 5] {
            for a in group..group + 5 {
                for b in a + 1..group + 5 {
                    links.push((a, b, 2.0));
                }
            }
        }
        let at = place(10, &links);
        assert_eq!(at.len(), 10, "one place per mark");
        for [x, y] in &at {
            assert!((MARGIN_X..=WIDTH - MARGIN_X).contains(x) && (MARGIN_Y..=HEIGHT - MARGIN_Y).contains(y), "{x},{y}");
        }
        let mean = |pairs: &[(usize, usize)]| {
            pairs.iter().map(|(a, b)| distance(at[*a], at[*b])).sum::<f64>() / pairs.len() as f64
        };
        let within = mean(&[(0, 1), (2, 3), (5, 6), (7, 9)]);
        let between = mean(&[(0, 5), (1, 6), (2, 8), (4, 9)]);
        assert!(within < between, "ties pull together: {within:.0} px within a group, {between:.0} px between");
    }

    #[test]
    fn the_same_report_gives_the_same_picture_and_marks_do_not_overlap() {
        let links: Vec<(u32, u32, f64)> = (0..60u32).map(|i| (i, (i * 7 + 3) % 60, 1.0)).collect();
        let first = place(60, &links);
        assert_eq!(first, place(60, &links), "seeded: no picture moves between two openings");
        let close = (0..60)
            .flat_map(|a| (a + 1..60).map(move |b| (a, b)))
            .filter(|(a, b)| distance(first[*a], first[*b]) < 20.0)
            .count();
        assert_eq!(close, 0, "{close} pairs of marks closer than 20 px (their radius is 30)");
    }

    #[test]
    fn nobody_and_bad_links_are_handled() {
        assert!(place(0, &[(0, 1, 1.0)]).is_empty());
        for weight in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY, -1e308, 1e308] {
            let at = place(3, &[(0, 7, 1.0), (1, 1, 1.0), (0, 1, weight), (1, 2, 1.0)]);
            assert_eq!(at.len(), 3, "out of range and self ties are ignored");
            assert!(at.iter().flatten().all(|v| v.is_finite()), "a weight of {weight} places every mark: {at:?}");
        }
    }

    #[test]
    fn a_crowd_is_shrunk_into_the_drawing_and_a_small_picture_is_only_centred() {
        let inside = |[x, y]: [f64; 2]| {
            (MARGIN_X - 1e-9..=WIDTH - MARGIN_X + 1e-9).contains(&x)
                && (MARGIN_Y - 1e-9..=HEIGHT - MARGIN_Y + 1e-9).contains(&y)
        };
        let wide = fit(vec![[0.0, 0.0], [2000.0, 1000.0], [1000.0, 500.0]]);
        assert!(wide.iter().all(|p| inside(*p)), "{wide:?}");
        assert_eq!(wide[0], [MARGIN_X, MARGIN_Y], "the extremes touch the margins");
        assert_eq!(wide[1], [WIDTH - MARGIN_X, HEIGHT - MARGIN_Y]);
        let small = fit(vec![[0.0, 0.0], [10.0, 20.0]]);
        assert_eq!(distance(small[0], small[1]), 10f64.hypot(20.0), "never grown");
        assert_eq!(fit(vec![[5.0, 5.0]]), vec![[WIDTH / 2.0, HEIGHT / 2.0]], "one mark sits in the middle");
        assert_eq!(fit(vec![[3.0, 3.0], [3.0, 3.0]]), vec![[WIDTH / 2.0, HEIGHT / 2.0]; 2]);
        let links: Vec<(u32, u32, f64)> =
            (0..150u32).flat_map(|i| [(i, (i * 7 + 3) % 150, 1.0), (i, (i * 11 + 5) % 150, 3.0)]).collect();
        assert!(place(150, &links).into_iter().all(inside), "a full picture of 150 stays within the margins");
    }
}
