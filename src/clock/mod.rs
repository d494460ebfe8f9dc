//! Time. This module is the only reader of the wall clock (clippy bans `SystemTime::now`
//! elsewhere); everything else is handed a [`Clock`] so tests and the demo are deterministic.
//! Calendar arithmetic lives here too: when a ritual meets ([`cadence`]), which merge checks
//! as the window does, so it sits below the store.

pub mod cadence;

use std::sync::atomic::{AtomicI64, Ordering};

use chrono::{Datelike, NaiveDate, NaiveDateTime};

/// A calendar date as a person types it (`2024-03-05`, or `2024-3-5`), within
/// [`cadence::YEARS`]; None for anything else. chrono alone reads `21-01-01` as the year 21
/// and `20226-01-01` as a year of five digits: both are refused here.
pub fn read_day(text: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").ok().filter(|day| cadence::YEARS.contains(&day.year()))
}

/// Whether `text` is a date as Hearth stores it: `YYYY-MM-DD`, four digits of year, zero-padded,
/// as every domain function writes one (`NaiveDate::to_string`). Merge holds synced date
/// columns to it (`store::rules`), so dates compare as text. Any year of four digits: before
/// [`read_day`] held the window to [`cadence::YEARS`], a window could store `0021-01-01` or
/// `1895-04-01`, and merge must not refuse what an older laptop honestly wrote.
pub fn is_stored_day(text: &str) -> bool {
    text.len() == 10 && is_stored_local(text, "%Y-%m-%d")
}

/// Whether `text` is a local date or date and time exactly as `format` (`%Y-%m-%dT%H:%M`, say)
/// writes it, zero-padded: what a photo's capture time or a moment's start is stored as. No
/// range of years, since a community's history may begin before [`cadence::YEARS`] does.
pub fn is_stored_local(text: &str, format: &str) -> bool {
    let written = |at: NaiveDateTime| at.format(format).to_string() == text;
    if format.contains("%H") {
        NaiveDateTime::parse_from_str(text, format).is_ok_and(written)
    } else {
        NaiveDate::parse_from_str(text, format).is_ok_and(|day| written(day.into()))
    }
}

/// Milliseconds since the Unix epoch. Crosses into the window as a JavaScript number, which
/// holds every millisecond timestamp of the next 285,000 years exactly.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct Millis(pub i64);

impl specta::Type for Millis {
    fn definition(types: &mut specta::Types) -> specta::datatype::DataType {
        <i32 as specta::Type>::definition(types)
    }
}

impl Millis {
    pub fn to_utc(self) -> chrono::DateTime<chrono::Utc> {
        chrono::DateTime::from_timestamp_millis(self.0).unwrap_or_default()
    }

    /// The UTC date of this instant: for what is stored, never for "today" (see
    /// [`Millis::date_in`]).
    pub fn utc_date(self) -> chrono::NaiveDate {
        self.to_utc().date_naive()
    }

    /// The date of this instant on a laptop at `offset` from UTC: 23:30 UTC on 14 April is
    /// already 15 April in Auckland (+12:00) and still 14 April in Los Angeles (−07:00).
    pub fn date_in(self, offset: chrono::FixedOffset) -> chrono::NaiveDate {
        self.to_utc().with_timezone(&offset).date_naive()
    }
}

pub trait Clock: Send + Sync {
    fn now(&self) -> Millis;

    /// This laptop's offset from UTC at `at`: its time zone, daylight saving included.
    fn offset_at(&self, _at: Millis) -> chrono::FixedOffset {
        chrono::FixedOffset::east_opt(0).expect("zero is an offset")
    }
}

/// The real clock.
pub struct SystemClock;

impl Clock for SystemClock {
    #[allow(clippy::disallowed_methods)] // The one sanctioned read of the wall clock.
    fn now(&self) -> Millis {
        let since_epoch = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
        Millis(since_epoch.as_millis() as i64)
    }

    /// From the system's time zone (`TZ`, else /etc/localtime), as every clock on the laptop.
    fn offset_at(&self, at: Millis) -> chrono::FixedOffset {
        use chrono::{Offset, TimeZone};
        chrono::Local.offset_from_utc_datetime(&at.to_utc().naive_utc()).fix()
    }
}

/// A clock that only moves when told to; each reading advances it by `step` so that
/// consecutive writes still get distinct, ordered times.
pub struct FixedClock {
    now: AtomicI64,
    step: i64,
    /// Seconds east of UTC (0 unless set with [`FixedClock::in_zone`]).
    offset: i32,
}

impl FixedClock {
    pub fn new(start: Millis, step: i64) -> Self {
        FixedClock { now: AtomicI64::new(start.0), step, offset: 0 }
    }

    /// The same clock on a laptop `offset` from UTC (for tests in two time zones).
    pub fn in_zone(mut self, offset: chrono::FixedOffset) -> Self {
        self.offset = offset.local_minus_utc();
        self
    }

    pub fn set(&self, to: Millis) {
        self.now.store(to.0, Ordering::SeqCst);
    }
}

impl Clock for FixedClock {
    fn now(&self) -> Millis {
        Millis(self.now.fetch_add(self.step, Ordering::SeqCst))
    }

    fn offset_at(&self, _at: Millis) -> chrono::FixedOffset {
        chrono::FixedOffset::east_opt(self.offset).expect("a zone set from a FixedOffset")
    }
}

/// Elapsed time for progress estimates and benchmarks (never for what is stored).
#[derive(Debug, Clone, Copy)]
pub struct Stopwatch(std::time::Instant);

impl Stopwatch {
    #[allow(clippy::disallowed_methods)] // Monotonic time for measuring, not for records.
    pub fn start() -> Stopwatch {
        Stopwatch(std::time::Instant::now())
    }

    pub fn seconds(&self) -> f64 {
        self.0.elapsed().as_secs_f64()
    }
}

/// A span of time in words, to the unit a person needs: "2 days", "1 day 4 h", "3 h", "12 min"
/// (a negative span reads as its length).
pub fn span_words(ms: i64) -> String {
    let minutes = ms.unsigned_abs() / 60_000;
    let (days, hours) = (minutes / 1440, minutes / 60 % 24);
    match (days, hours) {
        (2.., _) => format!("{days} days"),
        (1, 0) => "1 day".to_owned(),
        (1, _) => format!("1 day {hours} h"),
        (0, 1..) => format!("{} h", minutes / 60),
        _ => format!("{} min", minutes.max(1)),
    }
}

#[cfg(test)]
mod span_tests {
    #[test]
    fn spans_read_in_the_unit_a_person_needs() {
        let hour = 3_600_000;
        assert_eq!(super::span_words(48 * hour + 5 * 60_000), "2 days");
        assert_eq!(super::span_words(28 * hour), "1 day 4 h");
        assert_eq!(super::span_words(24 * hour), "1 day");
        assert_eq!(super::span_words(3 * hour + 59 * 60_000), "3 h");
        assert_eq!(super::span_words(12 * 60_000), "12 min");
        assert_eq!(super::span_words(10), "1 min");
    }
}

#[cfg(test)]
mod day_tests {
    use super::{is_stored_day, is_stored_local, read_day};

    #[test]
    fn a_stored_date_is_zero_padded_and_within_the_years() {
        assert_eq!(read_day(" 2024-3-5 ").unwrap().to_string(), "2024-03-05", "typed loosely, written out padded");
        assert!(read_day("21-01-01").is_none(), "chrono alone reads the year 21");
        assert!(read_day("20226-01-01").is_none(), "a typo's five-digit year");
        assert!(is_stored_day("2024-03-05"));
        assert!(!is_stored_day("2024-3-5"), "the same day under another text would compare wrongly");
        assert!(is_stored_day("0021-01-01"), "an older window wrote the year 21 padded, and merge keeps it");
        assert!(!is_stored_day("+10000-01-01") && !is_stored_day("21-01-01"));
        assert!(is_stored_local("1887-06-01T09:30", "%Y-%m-%dT%H:%M"), "history before 1900 has its moments");
        assert!(!is_stored_local("1887-06-01T9:30", "%Y-%m-%dT%H:%M"));
        assert!(is_stored_local("2024-02-29", "%Y-%m-%d") && !is_stored_local("2023-02-29", "%Y-%m-%d"));
    }
}
