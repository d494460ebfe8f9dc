//! Small structured values kept as text in synced columns, with the one parser the window and
//! merge both use: a date at its precision, a person who is a member or only a name, a credit.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// A date known to a year, a month or a day ("2019", "2019-06", "2019-06-21"), as archives
/// record an object's date (Dublin Core's W3CDTF profile of ISO 8601). Years 1000–2200.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum PartialDate {
    Year(i32),
    Month(i32, u32),
    Day(NaiveDate),
}

impl PartialDate {
    /// None for anything but the three forms (a day that does not exist, "2019-6", "summer").
    pub fn parse(text: &str) -> Option<PartialDate> {
        let in_range = |year: i32| (1000..=2200).contains(&year).then_some(year);
        let parts: Vec<&str> = text.split('-').collect();
        let digits = |part: &str, n: usize| part.len() == n && part.bytes().all(|b| b.is_ascii_digit());
        match parts.as_slice() {
            [y] if digits(y, 4) => Some(PartialDate::Year(in_range(y.parse().ok()?)?)),
            [y, m] if digits(y, 4) && digits(m, 2) => {
                let month: u32 = m.parse().ok()?;
                (1..=12).contains(&month).then_some(PartialDate::Month(in_range(y.parse().ok()?)?, month))
            }
            [y, m, d] if digits(y, 4) && digits(m, 2) && digits(d, 2) => {
                let date = NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()?;
                in_range(chrono::Datelike::year(&date)).map(|_| PartialDate::Day(date))
            }
            _ => None,
        }
    }

    /// The year it falls in.
    pub fn year(self) -> i32 {
        match self {
            PartialDate::Year(year) | PartialDate::Month(year, _) => year,
            PartialDate::Day(date) => chrono::Datelike::year(&date),
        }
    }
}

/// Someone named on a record: a member (by id) or, for people outside Hearth, a name only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NamedPerson {
    /// A member's id, or empty for a name only.
    #[serde(default)]
    pub member_id: String,
    /// The name as written (for a member, their name when it was written; the window shows
    /// their current one).
    #[serde(default)]
    pub name: String,
}

/// Who did which part ("verse 2", "the melody", "the drawing").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Credit {
    pub who: NamedPerson,
    pub part: String,
}

/// The shape of a pulse answer as stored (`pulse::rounds::PulseAnswer`): now and wished-for per
/// dimension (0–10 or null), the same length, at most 99 dimensions, and a note.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PulseShape {
    pub now: Vec<Option<u8>>,
    pub wished: Vec<Option<u8>>,
    pub note: String,
}

impl PulseShape {
    pub fn fits(&self) -> bool {
        self.now.len() == self.wished.len()
            && self.now.len() <= 99
            && self.now.iter().chain(&self.wished).flatten().all(|v| *v <= 10)
            && self.note.chars().count() <= 1_000
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_date_keeps_its_precision_and_refuses_what_is_not_a_date() {
        assert_eq!(PartialDate::parse("2019"), Some(PartialDate::Year(2019)));
        assert_eq!(PartialDate::parse("2019-06"), Some(PartialDate::Month(2019, 6)));
        assert_eq!(PartialDate::parse("2019-06-21").map(PartialDate::year), Some(2019));
        for bad in ["2019-6", "2019-13", "2019-02-30", "summer 2019", "+2019", "20190", "", "0999"] {
            assert_eq!(PartialDate::parse(bad), None, "{bad:?} is not a date at a precision");
        }
    }
}
