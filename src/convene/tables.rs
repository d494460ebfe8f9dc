//! Mixing the tables of a gathering so that people meet people they have not met: "start
//! small, meet new people" from the domain text. A lead gives who is going and the table size;
//! Hearth seats them to maximise pairs who have not interacted yet (the same interactions as
//! "people to get to know"), spreads newcomers so that each sits with regulars, and mixes
//! professions and time with the community. Each table says why it looks as it does.
//!
//! The method: an even first seating (newcomers dealt first, one a table), then hill climbing
//! over swaps between tables, each judged by the change in the two tables' scores only; it is
//! deterministic for a given seed. A table's score counts +2 for each pair who have not met,
//! −1 for each pair of the same profession, −6 for each newcomer beyond an even share, and −20
//! when newcomers sit with no regular.

use std::collections::HashSet;

use serde::Serialize;

/// One person going, as mixing sees them.
#[derive(Debug, Clone, PartialEq)]
pub struct Guest {
    pub id: String,
    pub name: String,
    pub newcomer: bool,
    pub profession: String,
    /// Whole years with the community.
    pub years: u32,
}

/// One table: who sits there (ids, in seating order) and why it looks as it does.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct Table {
    pub guests: Vec<String>,
    pub reasons: Vec<String>,
}

/// A seating.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct Seating {
    pub tables: Vec<Table>,
    /// Pairs at the same table who had not met, and all pairs at the same table.
    pub new_pairs: u32,
    pub pairs: u32,
}

/// Who has met whom: unordered pairs of ids.
#[derive(Debug, Default, Clone)]
pub struct Met(HashSet<(String, String)>);

impl Met {
    pub fn insert(&mut self, a: &str, b: &str) {
        self.0.insert(Self::key(a, b));
    }

    pub fn contains(&self, a: &str, b: &str) -> bool {
        self.0.contains(&Self::key(a, b))
    }

    fn key(a: &str, b: &str) -> (String, String) {
        if a <= b {
            (a.to_owned(), b.to_owned())
        } else {
            (b.to_owned(), a.to_owned())
        }
    }
}

struct Scorer<'a> {
    guests: &'a [Guest],
    met: Vec<Vec<bool>>,
    newcomer_share: usize,
}

impl Scorer<'_> {
    fn table(&self, seats: &[usize]) -> i64 {
        let mut score = 0;
        for (i, &a) in seats.iter().enumerate() {
            for &b in &seats[i + 1..] {
                score += if self.met[a][b] { 0 } else { 2 };
                let (pa, pb) = (&self.guests[a].profession, &self.guests[b].profession);
                if !pa.is_empty() && pa.eq_ignore_ascii_case(pb) {
                    score -= 1;
                }
            }
        }
        let newcomers = seats.iter().filter(|&&g| self.guests[g].newcomer).count();
        score -= 6 * newcomers.saturating_sub(self.newcomer_share) as i64;
        if newcomers > 0 && newcomers == seats.len() {
            score -= 20;
        }
        score
    }
}

/// Seats `guests` at tables of at most `size` (sizes differ by one at most), see the module's
/// notes. `seed` makes it repeatable; a different seed gives another good seating.
pub fn mix(guests: &[Guest], size: usize, met: &Met, seed: u64) -> Seating {
    let size = size.max(2);
    let count = guests.len().div_ceil(size).max(1);
    let met_matrix: Vec<Vec<bool>> =
        guests.iter().map(|a| guests.iter().map(|b| a.id == b.id || met.contains(&a.id, &b.id)).collect()).collect();
    let newcomer_total = guests.iter().filter(|g| g.newcomer).count();
    let scorer = Scorer { guests, met: met_matrix, newcomer_share: newcomer_total.div_ceil(count) };
    // Deal newcomers first, then everyone else, round the tables.
    let mut order: Vec<usize> = (0..guests.len()).collect();
    order.sort_by_key(|&g| (!guests[g].newcomer, guests[g].id.clone()));
    let mut tables: Vec<Vec<usize>> = vec![Vec::new(); count];
    for (turn, guest) in order.into_iter().enumerate() {
        tables[turn % count].push(guest);
    }
    let mut scores: Vec<i64> = tables.iter().map(|t| scorer.table(t)).collect();
    let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let mut next = move |below: usize| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % below.max(1) as u64) as usize
    };
    let rounds = if count < 2 { 0 } else { 200 * guests.len() };
    for _ in 0..rounds {
        let (t1, t2) = (next(count), next(count));
        if t1 == t2 || tables[t1].is_empty() || tables[t2].is_empty() {
            continue;
        }
        let (s1, s2) = (next(tables[t1].len()), next(tables[t2].len()));
        let (a, b) = (tables[t1][s1], tables[t2][s2]);
        tables[t1][s1] = b;
        tables[t2][s2] = a;
        let (n1, n2) = (scorer.table(&tables[t1]), scorer.table(&tables[t2]));
        if n1 + n2 > scores[t1] + scores[t2] {
            (scores[t1], scores[t2]) = (n1, n2);
        } else {
            tables[t1][s1] = a;
            tables[t2][s2] = b;
        }
    }
    let (mut new_pairs, mut pairs) = (0, 0);
    let tables = tables
        .into_iter()
        .map(|seats| {
            let mut table_pairs = 0;
            let mut table_new = 0;
            for (i, &a) in seats.iter().enumerate() {
                for &b in &seats[i + 1..] {
                    table_pairs += 1;
                    table_new += u32::from(!scorer.met[a][b]);
                }
            }
            pairs += table_pairs;
            new_pairs += table_new;
            Table {
                guests: seats.iter().map(|&g| guests[g].id.clone()).collect(),
                reasons: reasons(guests, &seats, table_new, table_pairs),
            }
        })
        .collect();
    Seating { tables, new_pairs, pairs }
}

/// Why a table looks as it does, in plain sentences.
fn reasons(guests: &[Guest], seats: &[usize], new_pairs: u32, pairs: u32) -> Vec<String> {
    let mut out = vec![match (new_pairs, pairs) {
        (_, 0) => "One person: nobody else is going yet.".to_owned(),
        (n, p) if n == p => "Nobody at this table has met before.".to_owned(),
        (n, p) => format!("{n} of the {p} pairs at this table have not met yet."),
    }];
    let newcomers: Vec<&str> =
        seats.iter().filter(|&&g| guests[g].newcomer).map(|&g| guests[g].name.as_str()).collect();
    let regulars = seats.len() - newcomers.len();
    if !newcomers.is_empty() {
        out.push(format!("{} new, with {regulars} who know the community.", newcomers.join(" and ")));
    }
    let mut professions: Vec<&str> =
        seats.iter().map(|&g| guests[g].profession.as_str()).filter(|p| !p.is_empty()).collect();
    professions.sort_unstable();
    professions.dedup();
    if professions.len() > 1 {
        out.push(format!("{} professions: {}.", professions.len(), professions.join(", ")));
    }
    let years: Vec<u32> = seats.iter().map(|&g| guests[g].years).collect();
    if let (Some(least), Some(most)) = (years.iter().min(), years.iter().max()) {
        if most > least {
            out.push(format!("From {least} to {most} years with us."));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 40 going to tables of 8: a clique of five who all know each other, five newcomers, and
    /// 20 % of the other pairs having met.
    fn planted() -> (Vec<Guest>, Met) {
        let professions = ["nurse", "teacher", "social worker", "midwife"];
        let guests: Vec<Guest> = (0..40)
            .map(|i| Guest {
                id: format!("m{i:02}"),
                name: format!("Member {i}"),
                newcomer: (35..40).contains(&i),
                profession: professions[i % 4].to_owned(),
                years: if (35..40).contains(&i) { 0 } else { (i % 9) as u32 + 1 },
            })
            .collect();
        let mut met = Met::default();
        let mut state = 7u64;
        for a in 0..40 {
            for b in a + 1..40 {
                state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
                let clique = a < 5 && b < 5;
                if clique || (a < 35 && b < 35 && state >> 60 < 3) {
                    met.insert(&guests[a].id, &guests[b].id);
                }
            }
        }
        (guests, met)
    }

    #[test]
    fn a_clique_is_spread_and_every_newcomer_sits_with_regulars() {
        let (guests, met) = planted();
        let seating = mix(&guests, 8, &met, 1);
        assert_eq!(seating.tables.len(), 5);
        assert!(seating.tables.iter().all(|t| t.guests.len() == 8), "even tables");
        let index = |id: &str| guests.iter().position(|g| g.id == id).unwrap();
        for table in &seating.tables {
            let clique = table.guests.iter().filter(|id| index(id) < 5).count();
            assert!(clique <= 1, "the clique is spread, one a table: {table:?}");
            let newcomers = table.guests.iter().filter(|id| guests[index(id)].newcomer).count();
            assert!(newcomers <= 1, "newcomers spread: {table:?}");
            assert!(newcomers < table.guests.len(), "a newcomer sits with regulars");
            assert!(!table.reasons.is_empty());
        }
        // Seating in id order (the clique together) makes fewer new pairs.
        let naive: u32 = guests
            .chunks(8)
            .map(|chunk| {
                let mut new = 0;
                for (i, a) in chunk.iter().enumerate() {
                    for b in &chunk[i + 1..] {
                        new += u32::from(!met.contains(&a.id, &b.id));
                    }
                }
                new
            })
            .sum();
        assert!(seating.new_pairs > naive, "{} new pairs against {naive} in id order", seating.new_pairs);
        assert_eq!(seating.pairs, 5 * 28);
    }

    #[test]
    fn tables_are_even_and_reasons_read_plainly() {
        let (guests, met) = planted();
        let seating = mix(&guests[5..27], 8, &met, 3);
        let mut sizes: Vec<usize> = seating.tables.iter().map(|t| t.guests.len()).collect();
        sizes.sort_unstable();
        assert_eq!(sizes, [7, 7, 8], "22 people at three tables of 7 or 8");
        assert!(
            seating.tables[0].reasons[0].contains("pairs at this table have not met")
                || seating.tables[0].reasons[0].starts_with("Nobody")
        );
        assert_eq!(mix(&guests[5..27], 8, &met, 3), seating, "the same seed gives the same seating");
    }
}
