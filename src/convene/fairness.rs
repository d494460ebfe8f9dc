//! A time that suits: for each gathering, how many members (by their profile's time zone, as
//! the reader may see it; never who) it falls outside 06:00–24:00 for, and, when members in one
//! zone are left out three gatherings running, a second time to alternate with that suits them.

use chrono::{Offset, TimeZone, Timelike};

use crate::clock::cadence::Occurrence;

/// Local hours a gathering may fall in for a member to count as included: 06:00 to 24:00.
pub const WAKING: std::ops::Range<u32> = 6..24;

/// Members' zones as they read (unreadable ones are left out).
pub fn zones<'a>(time_zones: impl Iterator<Item = &'a str>) -> Vec<chrono_tz::Tz> {
    time_zones.filter_map(|zone| zone.trim().parse().ok()).collect()
}

/// How many of `zones` the gathering falls outside waking hours for.
pub fn outside(occurrence: &Occurrence, zones: &[chrono_tz::Tz]) -> u32 {
    let at = occurrence.starts_at.to_utc();
    zones.iter().filter(|zone| !WAKING.contains(&at.with_timezone(*zone).hour())).count() as u32
}

/// When members in one zone are left out of the next three gatherings running, a sentence that
/// says so and proposes alternating with a time at 19:00 theirs (given in the ritual's zone).
pub fn alternate(next: &[Occurrence], zones: &[chrono_tz::Tz], ritual_zone: chrono_tz::Tz) -> Option<String> {
    let upcoming: Vec<&Occurrence> = next.iter().filter(|o| !o.cancelled).take(3).collect();
    if upcoming.len() < 3 {
        return None;
    }
    let mut left_out: Vec<chrono_tz::Tz> = zones
        .iter()
        .copied()
        .filter(|zone| upcoming.iter().all(|o| !WAKING.contains(&o.starts_at.to_utc().with_timezone(zone).hour())))
        .collect();
    left_out.sort_by_key(|zone| zone.name());
    left_out.dedup();
    let zone = *left_out.first()?;
    let count = zones.iter().filter(|z| **z == zone).count();
    let first = upcoming[0].starts_at.to_utc();
    let theirs = first.with_timezone(&zone);
    let evening = zone.from_local_datetime(&theirs.date_naive().and_hms_opt(19, 0, 0)?).earliest()?;
    let ours = evening.with_timezone(&ritual_zone);
    let offset = ours.offset().fix();
    Some(format!(
        "{count} {} in {} {} left out of the next three gatherings (it is {} there). Alternate with a second time that suits them: {} {} ({offset} here), 19:00 theirs.",
        if count == 1 { "member" } else { "members" },
        zone.name(),
        if count == 1 { "is" } else { "are" },
        theirs.format("%H:%M"),
        ours.format("%H:%M"),
        ritual_zone.name(),
    ))
}
