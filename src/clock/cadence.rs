//! When a ritual meets: a cadence from a small closed set, projected into occurrences in the
//! ritual's own time zone, so that 19:00 stays 19:00 across daylight-saving changes.
//!
//! An occurrence is named by the local date the cadence gives it (its *key*, `YYYY-MM-DD`):
//! RSVPs, a move, a cancellation and the calendar UID all hang on the key, so moving one
//! occurrence to another day leaves the others, and the answers given for it, as they were.

use chrono::{Datelike, Duration, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Weekday};
use serde::{Deserialize, Serialize};

use crate::clock::Millis;
use crate::error::{Error, Result};

/// The years a ritual's dates may fall in (a typo's year 20226 is refused, not projected).
pub const YEARS: std::ops::RangeInclusive<i32> = 1900..=2200;

/// How many gatherings are projected ahead (and answerable).
pub const AHEAD: usize = 12;

/// Which week of the month, for "the k-th or last weekday".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum WeekOfMonth {
    First,
    Second,
    Third,
    Fourth,
    Last,
}

/// How often a ritual meets (the closed set of the issue: Meetup's and RFC 5545's common
/// cases, without the rules people never use).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
#[serde(tag = "kind", rename_all = "camelCase", rename_all_fields = "camelCase")]
pub enum Cadence {
    /// Every week on a weekday (ISO 8601: 1 is Monday, 7 Sunday).
    Weekly { weekday: u8 },
    /// Every 2, 3 or 4 weeks on a weekday, counted from the first occurrence.
    EveryWeeks { weeks: u8, weekday: u8 },
    /// Each month on day 1–31; a month without that day meets on its last day.
    MonthlyOnDay { day: u8 },
    /// Each month on its first … fourth or last given weekday ("the last Friday").
    MonthlyOnWeekday { week: WeekOfMonth, weekday: u8 },
    /// Each year on a month and day; 29 February meets on 28 February in other years.
    Yearly { month: u8, day: u8 },
}

/// A cadence with where it starts and when in the day, in a time zone.
#[derive(Debug, Clone, PartialEq)]
pub struct Schedule {
    pub cadence: Cadence,
    /// No occurrence before this local date.
    pub starts: NaiveDate,
    /// Local time of day it begins.
    pub at: NaiveTime,
    /// The ritual's time zone (IANA name, e.g. "Europe/Paris").
    pub zone: chrono_tz::Tz,
}

/// What was decided for one occurrence, apart from the cadence.
#[derive(Debug, Clone, PartialEq)]
pub enum Exception {
    /// Meets at this local date and time instead.
    Moved(NaiveDateTime),
    Cancelled,
}

fn occurrence(key: String, begins: chrono::DateTime<chrono_tz::Tz>, exception: Option<&Exception>) -> Occurrence {
    Occurrence {
        key,
        starts_at: Millis(begins.timestamp_millis()),
        local: begins.naive_local().format("%Y-%m-%dT%H:%M").to_string(),
        offset: begins.format("%:z").to_string(),
        moved: matches!(exception, Some(Exception::Moved(_))),
        cancelled: matches!(exception, Some(Exception::Cancelled)),
    }
}

/// A stored move (`YYYY-MM-DDTHH:MM`, local, within [`YEARS`]); None for anything else.
pub fn parse_moved(text: &str) -> Option<NaiveDateTime> {
    NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M").ok().filter(|to| YEARS.contains(&to.year()))
}

/// One meeting as projected.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct Occurrence {
    /// The local date the cadence gives it, `YYYY-MM-DD`: its name for RSVPs and calendars.
    pub key: String,
    /// When it begins, UTC.
    pub starts_at: Millis,
    /// When it begins in the ritual's zone, `YYYY-MM-DDTHH:MM` (what people read).
    pub local: String,
    /// The zone's offset then ('+02:00').
    pub offset: String,
    pub moved: bool,
    pub cancelled: bool,
}

impl Cadence {
    /// Refuses values outside the set (every 5 weeks, day 32, 30 February).
    pub fn validated(self) -> Result<Cadence> {
        let bad = |reason: &str| Err(Error::invalid("cadence", reason.to_owned()));
        let weekday = match &self {
            Cadence::Weekly { weekday }
            | Cadence::EveryWeeks { weekday, .. }
            | Cadence::MonthlyOnWeekday { weekday, .. } => Some(*weekday),
            _ => None,
        };
        if weekday.is_some_and(|day| !(1..=7).contains(&day)) {
            return bad("meets on a weekday from 1 (Monday) to 7 (Sunday)");
        }
        match &self {
            Cadence::EveryWeeks { weeks, .. } if !(2..=4).contains(weeks) => bad("repeats every 2, 3 or 4 weeks"),
            Cadence::MonthlyOnDay { day } if !(1..=31).contains(day) => bad("meets on a day of the month from 1 to 31"),
            Cadence::Yearly { month, day }
                if NaiveDate::from_ymd_opt(2000, u32::from(*month), u32::from(*day)).is_none() =>
            {
                bad("meets on a real date (29 February counts)")
            }
            _ => Ok(self),
        }
    }

    /// The first date on or after `from` this cadence meets, counting `EveryWeeks` from
    /// `anchor` (the schedule's first occurrence).
    fn next_on_or_after(&self, from: NaiveDate, anchor: NaiveDate) -> Option<NaiveDate> {
        let day = |iso: u8| Weekday::try_from(iso.clamp(1, 7) - 1).expect("0 to 6 is a weekday");
        match *self {
            Cadence::Weekly { weekday } => Some(on_or_after(from, day(weekday))),
            Cadence::EveryWeeks { weeks, weekday } => {
                let first = on_or_after(anchor, day(weekday));
                let period = 7 * i64::from(weeks);
                let behind = (from - first).num_days();
                let steps = if behind <= 0 { 0 } else { (behind + period - 1) / period };
                first.checked_add_signed(Duration::days(steps * period))
            }
            Cadence::MonthlyOnDay { day } => {
                month_dates(from, |year, month| Some(clamped(year, month, u32::from(day))))
            }
            Cadence::MonthlyOnWeekday { week, weekday } => {
                month_dates(from, |year, month| nth_weekday(year, month, week, day(weekday)))
            }
            Cadence::Yearly { month, day } => (from.year()..from.year() + 2)
                .map(|year| clamped(year, u32::from(month), u32::from(day)))
                .find(|date| *date >= from),
        }
    }
}

/// The first `weekday` on or after `date`.
fn on_or_after(date: NaiveDate, weekday: Weekday) -> NaiveDate {
    let ahead = (7 + weekday.num_days_from_monday() - date.weekday().num_days_from_monday()) % 7;
    date + Duration::days(i64::from(ahead))
}

/// `day` of the month, or the month's last day when it has fewer (31 April is 30 April, 29
/// February in a common year is 28 February), as birthdays fall back.
fn clamped(year: i32, month: u32, day: u32) -> NaiveDate {
    (1..=day.min(31)).rev().find_map(|d| NaiveDate::from_ymd_opt(year, month, d)).expect("every month has a 28th")
}

fn last_day(year: i32, month: u32) -> NaiveDate {
    clamped(year, month, 31)
}

fn nth_weekday(year: i32, month: u32, week: WeekOfMonth, weekday: Weekday) -> Option<NaiveDate> {
    let first = on_or_after(NaiveDate::from_ymd_opt(year, month, 1)?, weekday);
    match week {
        WeekOfMonth::Last => {
            let last = last_day(year, month);
            let back = (7 + last.weekday().num_days_from_monday() - weekday.num_days_from_monday()) % 7;
            Some(last - Duration::days(i64::from(back)))
        }
        nth => Some(first + Duration::weeks(nth as i64)),
    }
}

/// The first date on or after `from` that `in_month` gives, trying this month and the next.
fn month_dates(from: NaiveDate, in_month: impl Fn(i32, u32) -> Option<NaiveDate>) -> Option<NaiveDate> {
    let (mut year, mut month) = (from.year(), from.month());
    for _ in 0..3 {
        if let Some(date) = in_month(year, month).filter(|d| *d >= from) {
            return Some(date);
        }
        (year, month) = if month == 12 { (year + 1, 1) } else { (year, month + 1) };
    }
    None
}

/// A local date-time in `zone` as an instant, as RFC 5545 (3.3.5) reads one: the earlier of two
/// when the clocks go back (the first 01:30), and, for a time the clocks skip, the offset in
/// force before the gap (02:30 on the night Paris jumps from 02:00 to 03:00 is 03:30), so no
/// occurrence is lost to a change.
pub fn instant(zone: chrono_tz::Tz, local: NaiveDateTime) -> chrono::DateTime<chrono_tz::Tz> {
    use chrono::Offset;
    match zone.from_local_datetime(&local) {
        LocalResult::Single(time) => time,
        LocalResult::Ambiguous(earlier, _) => earlier,
        LocalResult::None => {
            let before = (1..=24)
                .find_map(|hours| zone.from_local_datetime(&(local - Duration::hours(hours))).earliest())
                .map_or(0, |time| time.offset().fix().local_minus_utc());
            zone.from_utc_datetime(&(local - Duration::seconds(i64::from(before))))
        }
    }
}

impl Schedule {
    /// A schedule from its stored parts: `starts` as `YYYY-MM-DD` (within [`YEARS`]), `at` as
    /// `HH:MM`, `zone` an IANA name. Errors: `Invalid` naming the field.
    pub fn from_parts(cadence: Cadence, starts: &str, at: &str, zone: &str) -> Result<Schedule> {
        let zone: chrono_tz::Tz =
            zone.trim().parse().map_err(|_| Error::invalid("zone", format!("{zone:?} is not a time zone")))?;
        let starts = NaiveDate::parse_from_str(starts.trim(), "%Y-%m-%d")
            .ok()
            .filter(|date| YEARS.contains(&date.year()))
            .ok_or_else(|| Error::invalid("starts", "give the first date as YYYY-MM-DD, between 1900 and 2200"))?;
        let at = NaiveTime::parse_from_str(at.trim(), "%H:%M")
            .map_err(|_| Error::invalid("at", "give the time as HH:MM, 24-hour"))?;
        Ok(Schedule { cadence: cadence.validated()?, starts, at, zone })
    }

    /// Whether `key` names one of this schedule's gatherings: a `YYYY-MM-DD` date within
    /// [`YEARS`], on or after its start, that the cadence meets on.
    pub fn names(&self, key: &str) -> bool {
        NaiveDate::parse_from_str(key, "%Y-%m-%d")
            .ok()
            .filter(|date| YEARS.contains(&date.year()))
            .is_some_and(|date| date >= self.starts && self.cadence.next_on_or_after(date, self.starts) == Some(date))
    }

    /// The next [`AHEAD`] gatherings as of `now`, one that began less than `minutes` ago
    /// included (it is still on): those a member may answer for.
    pub fn upcoming(&self, now: Millis, minutes: u32, exceptions: &[(String, Exception)]) -> Vec<Occurrence> {
        self.project(Millis(now.0 - i64::from(minutes) * 60_000), AHEAD, exceptions)
    }

    /// Gatherings held before `now` in the last three years, oldest first (cancelled ones were
    /// not held): those whose attendance may be recorded.
    pub fn held_before(&self, now: Millis, exceptions: &[(String, Exception)]) -> Vec<Occurrence> {
        let three_years = Millis(now.0 - 3 * 366 * 86_400_000);
        self.project(three_years, 200, exceptions).into_iter().filter(|o| o.starts_at < now && !o.cancelled).collect()
    }

    /// The next `count` occurrences that begin at or after `after` (cancelled ones included
    /// and marked, moved ones at their new time, in the order they begin), with `exceptions`
    /// by key.
    pub fn project(&self, after: Millis, count: usize, exceptions: &[(String, Exception)]) -> Vec<Occurrence> {
        let from = after.to_utc().with_timezone(&self.zone).date_naive().max(self.starts);
        // Moved occurrences may begin later than ones after them: look a little further.
        let mut found: Vec<Occurrence> = Vec::new();
        let mut day = (from - Duration::days(400)).max(self.starts);
        let mut guard = 0;
        while found.len() < count + 8 && guard < 2_000 {
            guard += 1;
            let Some(date) = self.cadence.next_on_or_after(day, self.starts) else { break };
            day = date + Duration::days(1);
            let key = date.format("%Y-%m-%d").to_string();
            let exception = exceptions.iter().find(|(k, _)| *k == key).map(|(_, e)| e);
            let local = match exception {
                Some(Exception::Moved(to)) => *to,
                _ => date.and_time(self.at),
            };
            let begins = instant(self.zone, local);
            if begins.timestamp_millis() < after.0 {
                continue;
            }
            found.push(occurrence(key, begins, exception));
        }
        // A gathering moved here from further ahead than the scan reached still meets here.
        for (key, exception) in exceptions {
            let Exception::Moved(to) = exception else { continue };
            let begins = instant(self.zone, *to);
            if begins.timestamp_millis() >= after.0 && self.names(key) && !found.iter().any(|o| o.key == *key) {
                found.push(occurrence(key.clone(), begins, Some(exception)));
            }
        }
        found.sort_by_key(|o| o.starts_at);
        found.truncate(count);
        found
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> Millis {
        Millis(chrono::DateTime::parse_from_rfc3339(text).unwrap().timestamp_millis())
    }

    fn schedule(cadence: Cadence, starts: &str, time: &str, zone: &str) -> Schedule {
        Schedule {
            cadence: cadence.validated().unwrap(),
            starts: starts.parse().unwrap(),
            at: NaiveTime::parse_from_str(time, "%H:%M").unwrap(),
            zone: zone.parse().unwrap(),
        }
    }

    fn locals(occurrences: &[Occurrence]) -> Vec<String> {
        occurrences.iter().map(|o| format!("{}{}", o.local, o.offset)).collect()
    }

    /// 19:00 stays 19:00 in the ritual's zone across its daylight-saving change, which falls on
    /// different dates in Paris (29 March 2026) and New York (8 March 2026).
    #[test]
    fn the_local_time_holds_across_daylight_saving_in_two_zones() {
        let paris = schedule(Cadence::Weekly { weekday: 4 }, "2026-01-01", "19:00", "Europe/Paris");
        let next = paris.project(at("2026-03-20T00:00:00Z"), 3, &[]);
        assert_eq!(locals(&next), ["2026-03-26T19:00+01:00", "2026-04-02T19:00+02:00", "2026-04-09T19:00+02:00"]);
        assert_eq!(next[0].starts_at, at("2026-03-26T18:00:00Z"));
        assert_eq!(next[1].starts_at, at("2026-04-02T17:00:00Z"), "an hour earlier in UTC after the change");
        let new_york = schedule(Cadence::Weekly { weekday: 1 }, "2026-01-01", "19:00", "America/New_York");
        let next = new_york.project(at("2026-03-01T00:00:00Z"), 2, &[]);
        assert_eq!(locals(&next), ["2026-03-02T19:00-05:00", "2026-03-09T19:00-04:00"]);
        assert_eq!(next[0].starts_at, at("2026-03-03T00:00:00Z"));
        assert_eq!(next[1].starts_at, at("2026-03-09T23:00:00Z"));
    }

    /// A time the clocks skip (02:30 on the night they jump to 03:00) meets at 03:30, and the
    /// occurrence is not lost.
    #[test]
    fn a_time_the_clocks_skip_moves_on_an_hour() {
        let early = schedule(Cadence::Weekly { weekday: 7 }, "2026-03-01", "02:30", "Europe/Paris");
        let next = early.project(at("2026-03-28T00:00:00Z"), 2, &[]);
        assert_eq!(locals(&next), ["2026-03-29T03:30+02:00", "2026-04-05T02:30+02:00"]);
        assert_eq!(next[0].key, "2026-03-29", "still named by its own date");
    }

    #[test]
    fn each_cadence_kind_meets_on_its_days() {
        let dates = |cadence: Cadence, starts: &str, from: &str, count: usize| -> Vec<String> {
            schedule(cadence, starts, "18:00", "UTC").project(at(from), count, &[]).into_iter().map(|o| o.key).collect()
        };
        assert_eq!(
            dates(Cadence::EveryWeeks { weeks: 2, weekday: 3 }, "2026-01-07", "2026-01-20T00:00:00Z", 3),
            ["2026-01-21", "2026-02-04", "2026-02-18"],
            "every other Wednesday, counted from the first"
        );
        assert_eq!(
            dates(Cadence::MonthlyOnDay { day: 31 }, "2026-01-01", "2026-01-01T00:00:00Z", 4),
            ["2026-01-31", "2026-02-28", "2026-03-31", "2026-04-30"],
            "a 31st falls back to the month's last day"
        );
        assert_eq!(
            dates(
                Cadence::MonthlyOnWeekday { week: WeekOfMonth::Last, weekday: 5 },
                "2026-01-01",
                "2026-01-01T00:00:00Z",
                3
            ),
            ["2026-01-30", "2026-02-27", "2026-03-27"],
            "the last Friday"
        );
        assert_eq!(
            dates(
                Cadence::MonthlyOnWeekday { week: WeekOfMonth::Second, weekday: 2 },
                "2026-01-01",
                "2026-03-01T00:00:00Z",
                2
            ),
            ["2026-03-10", "2026-04-14"],
            "the second Tuesday"
        );
        assert_eq!(
            dates(Cadence::Yearly { month: 2, day: 29 }, "2026-01-01", "2026-01-01T00:00:00Z", 3),
            ["2026-02-28", "2027-02-28", "2028-02-29"],
            "29 February meets on the 28th in common years"
        );
        assert_eq!(
            dates(Cadence::Weekly { weekday: 1 }, "2026-06-01", "2026-01-01T00:00:00Z", 1),
            ["2026-06-01"],
            "nothing before the ritual starts"
        );
    }

    /// Moving or cancelling one occurrence touches no other: the rest keep their days, the
    /// moved one is listed at its new time (in order), the cancelled one stays, marked.
    #[test]
    fn one_occurrence_moves_or_is_cancelled_alone() {
        let dinner = schedule(Cadence::Weekly { weekday: 4 }, "2026-01-01", "19:00", "Europe/Paris");
        let moved = NaiveDateTime::parse_from_str("2026-04-17 20:00", "%Y-%m-%d %H:%M").unwrap();
        let exceptions =
            [("2026-04-09".to_owned(), Exception::Moved(moved)), ("2026-04-16".to_owned(), Exception::Cancelled)];
        let next = dinner.project(at("2026-04-01T00:00:00Z"), 5, &exceptions);
        let shown: Vec<(String, String, bool, bool)> =
            next.iter().map(|o| (o.key.clone(), o.local.clone(), o.moved, o.cancelled)).collect();
        assert_eq!(
            shown,
            [
                ("2026-04-02".into(), "2026-04-02T19:00".into(), false, false),
                ("2026-04-16".into(), "2026-04-16T19:00".into(), false, true),
                ("2026-04-09".into(), "2026-04-17T20:00".into(), true, false),
                ("2026-04-23".into(), "2026-04-23T19:00".into(), false, false),
                ("2026-04-30".into(), "2026-04-30T19:00".into(), false, false),
            ]
        );
    }

    #[test]
    fn twelve_are_projected_and_values_outside_the_set_are_refused() {
        let monthly = schedule(Cadence::MonthlyOnDay { day: 15 }, "2026-01-01", "12:00", "Pacific/Auckland");
        let next = monthly.project(at("2026-01-01T00:00:00Z"), 12, &[]);
        assert_eq!(next.len(), 12);
        assert!(next.windows(2).all(|w| w[0].starts_at < w[1].starts_at), "in order");
        for bad in [
            Cadence::EveryWeeks { weeks: 5, weekday: 1 },
            Cadence::MonthlyOnDay { day: 32 },
            Cadence::Yearly { month: 2, day: 30 },
            Cadence::Weekly { weekday: 8 },
        ] {
            assert!(matches!(bad.clone().validated(), Err(Error::Invalid { .. })), "{bad:?}");
        }
    }
}
