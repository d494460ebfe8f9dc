//! Who gets the opportunities: a ledger derived from what the community already records (hosted
//! a gathering, told a story, led or co-led an initiative, featured in a highlight, received a
//! sign of membership, credited on an artefact), its spread among the members (the Gini
//! coefficient, and how few people account for half) and participation by variety: how many
//! kinds of contribution each member made, never how many of each.

use std::collections::HashMap;

use rusqlite::Connection;
use serde::Serialize;

use super::graph::Window;
use crate::error::Result;

/// A kind of opportunity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum Opportunity {
    Hosted,
    ToldStory,
    LedInitiative,
    Featured,
    Recognised,
    Credited,
}

impl Opportunity {
    pub const ALL: [Opportunity; 6] = [
        Opportunity::Hosted,
        Opportunity::ToldStory,
        Opportunity::LedInitiative,
        Opportunity::Featured,
        Opportunity::Recognised,
        Opportunity::Credited,
    ];

    /// The noun for sentences: "half of all {hosting} came from 3 people".
    pub fn noun(self) -> &'static str {
        match self {
            Opportunity::Hosted => "hosting",
            Opportunity::ToldStory => "stories",
            Opportunity::LedInitiative => "leading initiatives",
            Opportunity::Featured => "highlight photos",
            Opportunity::Recognised => "signs of membership",
            Opportunity::Credited => "artefact credits",
        }
    }

    /// "Half of all hosting", as a sentence starts.
    pub fn half_of(self) -> &'static str {
        match self {
            Opportunity::Hosted => "Half of all hosting",
            Opportunity::ToldStory => "Half of all stories",
            Opportunity::LedInitiative => "Half of all initiatives",
            Opportunity::Featured => "Half of the places in highlight photos",
            Opportunity::Recognised => "Half of the signs of membership",
            Opportunity::Credited => "Half of the artefact credits",
        }
    }

    /// "was done by", "went to": how the half reached its people.
    pub fn went_to(self) -> &'static str {
        match self {
            Opportunity::Hosted => "was done by",
            Opportunity::ToldStory => "were told by",
            Opportunity::LedInitiative => "were led by",
            _ => "went to",
        }
    }

    /// The next step when it goes to a few.
    pub fn widen(self) -> &'static str {
        match self {
            Opportunity::Hosted => "Ask others to host or co-host: a pair of a regular and a first-timer works well.",
            Opportunity::ToldStory => "Invite others to tell a story from their practice; a prompt helps.",
            Opportunity::LedInitiative => {
                "Invite others to co-lead an initiative beside someone who has done it before."
            }
            Opportunity::Featured => {
                "When you choose the next highlights, look for photos of people not yet in them, if they wish."
            }
            Opportunity::Recognised => "Think of who else brings something worth a sign, and offer it.",
            Opportunity::Credited => "Invite others to help make the next artefact.",
        }
    }

    /// The invitation for someone never offered it: "host a gathering".
    pub fn invitation(self) -> &'static str {
        match self {
            Opportunity::Hosted => "host or co-host a gathering",
            Opportunity::ToldStory => "tell a story from their practice",
            Opportunity::LedInitiative => "co-lead an initiative",
            Opportunity::Featured => "be in the next highlight photos, if they wish",
            Opportunity::Recognised => "be recognised for what they bring",
            Opportunity::Credited => "help make the next artefact",
        }
    }

    fn query(self) -> &'static str {
        match self {
            Opportunity::Hosted => {
                "SELECT host_id FROM ritual_occurrences WHERE deleted = 0 AND cancelled = 0 AND host_id != ''
                 AND updated_at >= ?1 AND updated_at < ?2 AND occurrence_key <= date(?2 / 1000, 'unixepoch')"
            }
            Opportunity::ToldStory => {
                "SELECT author FROM stories WHERE deleted = 0 AND visibility = 'community' AND created_at >= ?1 AND created_at < ?2"
            }
            Opportunity::LedInitiative => {
                "SELECT author FROM initiatives WHERE deleted = 0 AND created_at >= ?1 AND created_at < ?2
                 UNION ALL SELECT author FROM initiative_people WHERE deleted = 0 AND kind = 'colead'
                 AND created_at >= ?1 AND created_at < ?2"
            }
            Opportunity::Featured => {
                "SELECT t.member_id FROM media_tags t JOIN media m ON m.id = t.media_id
                 WHERE t.deleted = 0 AND t.status = 'tagged' AND m.deleted = 0 AND m.hidden = 0 AND m.highlight = 1
                 AND m.created_at >= ?1 AND m.created_at < ?2"
            }
            Opportunity::Recognised => {
                "SELECT member_id FROM badge_awards WHERE deleted = 0 AND status = 'accepted'
                 AND awarded_at >= ?1 AND awarded_at < ?2"
            }
            Opportunity::Credited => {
                "SELECT json_extract(j.value, '$.memberId') FROM artefacts a,
                     json_each(CASE WHEN json_valid(a.creators) THEN a.creators ELSE '[]' END) j
                 WHERE a.deleted = 0 AND a.visibility = 'community' AND j.type = 'object' AND a.created_at >= ?1 AND a.created_at < ?2
                 UNION ALL SELECT json_extract(j.value, '$.memberId') FROM artefacts a,
                     json_each(CASE WHEN json_valid(a.contributors) THEN a.contributors ELSE '[]' END) j
                 WHERE a.deleted = 0 AND a.visibility = 'community' AND j.type = 'object' AND a.created_at >= ?1 AND a.created_at < ?2"
            }
        }
    }
}

/// How one kind of opportunity is spread among the members considered.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
#[serde(rename = "OpportunitySpread", rename_all = "camelCase")]
pub struct Spread {
    pub kind: Opportunity,
    /// How many times it happened, and to how many different members.
    pub total: u32,
    /// `None` when a member (not a lead) reads fewer than five.
    pub people: Option<u32>,
    /// Gini coefficient over every member considered (0 = evenly, 1 = all to one person).
    pub gini: f64,
    /// The fewest members who account for at least half of it (`None` as `people`).
    pub half_from: Option<u32>,
}

/// Participation by variety: how many members made no, one, two, or three or more kinds of
/// contribution.
#[derive(Debug, Clone, Default, PartialEq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct Variety {
    /// Each `None` when a member (not a lead) reads fewer than five.
    pub none: Option<u32>,
    pub one: Option<u32>,
    pub two: Option<u32>,
    pub three_or_more: Option<u32>,
}

/// The ledger: per member (index into `people`) how many of each kind.
#[derive(Debug, Clone, PartialEq)]
pub struct Ledger {
    pub counts: HashMap<Opportunity, Vec<u32>>,
}

/// Counts each kind of opportunity in `window` for each of `people` (ids, sorted).
pub fn ledger(conn: &Connection, window: Window, people: &[String]) -> Result<Ledger> {
    let index: HashMap<&str, usize> = people.iter().enumerate().map(|(i, id)| (id.as_str(), i)).collect();
    let mut counts = HashMap::new();
    for kind in Opportunity::ALL {
        let mut per = vec![0u32; people.len()];
        let mut statement = conn.prepare_cached(kind.query())?;
        let mut rows = statement.query([window.since, window.until])?;
        while let Some(row) = rows.next()? {
            let id: Option<String> = row.get(0)?;
            if let Some(i) = id.as_deref().and_then(|id| index.get(id)) {
                per[*i] += 1;
            }
        }
        counts.insert(kind, per);
    }
    Ok(Ledger { counts })
}

impl Ledger {
    /// How many times `kind` happened in all.
    pub fn total(&self, kind: Opportunity) -> u32 {
        self.counts[&kind].iter().sum()
    }

    /// Each kind's spread.
    pub fn spreads(&self) -> Vec<Spread> {
        Opportunity::ALL
            .iter()
            .map(|kind| {
                let per = &self.counts[kind];
                Spread {
                    kind: *kind,
                    total: per.iter().sum(),
                    people: Some(per.iter().filter(|c| **c > 0).count() as u32),
                    gini: gini(per),
                    half_from: Some(half_from(per)),
                }
            })
            .collect()
    }

    /// How many kinds each member made, gathered into a [`Variety`].
    pub fn variety(&self) -> Variety {
        let n = self.counts.values().next().map_or(0, Vec::len);
        let mut buckets = [0u32; 4];
        for i in 0..n {
            buckets[self.counts.values().filter(|per| per[i] > 0).count().min(3)] += 1;
        }
        Variety {
            none: Some(buckets[0]),
            one: Some(buckets[1]),
            two: Some(buckets[2]),
            three_or_more: Some(buckets[3]),
        }
    }
}

/// The Gini coefficient of non-negative counts: Σ_i Σ_j |x_i − x_j| / (2 n² x̄) (Gini, 1912),
/// computed on the sorted values as Σ (2i − n − 1) x_(i) / (n Σ x). 0 for no counts at all.
pub fn gini(counts: &[u32]) -> f64 {
    let total: f64 = counts.iter().map(|c| f64::from(*c)).sum();
    if total == 0.0 || counts.len() < 2 {
        return 0.0;
    }
    let mut sorted = counts.to_vec();
    sorted.sort_unstable();
    let n = sorted.len() as f64;
    let weighted: f64 =
        sorted.iter().enumerate().map(|(i, x)| (2.0 * (i as f64 + 1.0) - n - 1.0) * f64::from(*x)).sum();
    weighted / (n * total)
}

/// The fewest people whose counts make up at least half the total (0 for none).
pub fn half_from(counts: &[u32]) -> u32 {
    let total: u32 = counts.iter().sum();
    let mut sorted = counts.to_vec();
    sorted.sort_unstable_by(|a, b| b.cmp(a));
    let mut sum = 0;
    for (i, c) in sorted.iter().enumerate() {
        if total == 0 {
            break;
        }
        sum += c;
        if 2 * sum >= total {
            return i as u32 + 1;
        }
    }
    0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gini_is_zero_when_even_and_near_one_when_one_person_has_all() {
        assert_eq!(gini(&[2, 2, 2, 2]), 0.0);
        // One of four has everything: (n − 1) / n.
        assert!((gini(&[0, 0, 0, 8]) - 0.75).abs() < 1e-12);
        assert_eq!(half_from(&[1, 5, 1, 1, 2]), 1, "5 of 10 is half");
        assert_eq!(half_from(&[3, 3, 3, 3]), 2);
    }
}
