//! The year's chapters, gathered from what every member may see: moments and highlight photos
//! month by month, rituals (gatherings held, attendance counted), artefacts born that year,
//! initiatives finished and what came of them, accomplishments the honouree shared themselves,
//! newcomers welcomed, pulse rounds closed (their totals, above their threshold), and the
//! community's totals. Never "top members": no one is ranked or counted.
//!
//! The people in it decide: a member who set "don't feature me" (`members.feature_me = 0`)
//! is named nowhere and no photo they are tagged on appears; a day a member hid leaves out their
//! photos of it and the moments of it they were at (`memories::hidden`); a photo appears only when it is
//! not hidden and every tag on it is agreed to (none pending or refused); care notes are never
//! read.

use std::collections::{BTreeMap, HashSet};

use rusqlite::Connection;
use serde::Serialize;

use crate::error::Result;
use crate::store::library::Library;

/// A photo in the book: its hash (its 1280 px preview is what the book holds) and caption.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Photo {
    pub hash: String,
    pub caption: String,
}

/// A moment of the year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MomentPage {
    pub title: String,
    /// `YYYY-MM-DD`.
    pub day: String,
    pub place: String,
    pub story: String,
    pub learned: String,
    pub photos: Vec<Photo>,
}

/// A month and its moments and highlight photos outside any moment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Month {
    /// 1–12.
    pub month: u32,
    pub moments: Vec<MomentPage>,
    pub highlights: Vec<Photo>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RitualYear {
    pub name: String,
    pub why: String,
    pub gatherings: u32,
    /// Attendances recorded over the year's gatherings.
    pub attendance: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ArtefactEntry {
    pub name: String,
    pub kind: String,
    pub summary: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InitiativeEntry {
    pub title: String,
    pub difference: String,
    pub outcome: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Accomplishment {
    pub member: String,
    pub title: String,
    pub day: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PulseEntry {
    pub title: String,
    pub respondents: u32,
}

/// The community's totals for the year: counts of things, never of a person.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Totals {
    pub moments: u32,
    pub photos: u32,
    pub gatherings: u32,
    pub stories: u32,
    pub newcomers: u32,
    pub initiatives_finished: u32,
}

/// The whole book.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Book {
    pub community: String,
    pub description: String,
    pub year: i32,
    pub totals: Totals,
    pub months: Vec<Month>,
    pub rituals: Vec<RitualYear>,
    pub artefacts: Vec<ArtefactEntry>,
    pub initiatives: Vec<InitiativeEntry>,
    pub accomplishments: Vec<Accomplishment>,
    /// Newcomers who joined this year and may be featured, by name.
    pub newcomers: Vec<String>,
    pub pulse: Vec<PulseEntry>,
    /// Under the community's name on the cover: the year, or "Welcome" for the newcomers' guide.
    pub subtitle: String,
    /// After the community's name in the folder's: "2025", or "welcome guide".
    pub folder_label: String,
    /// The newcomers' guide's chapters (`yearbook::primer`), empty in a year's book.
    pub guide: Vec<super::primer::RitualGuide>,
    pub songs: Vec<super::primer::Song>,
    pub stories: Vec<super::primer::StoryPage>,
    pub welcomers: Vec<String>,
    /// In a member's personal copy (`yearbook::personal`): whose it is, their pages, and the
    /// signatures they approved as (signer's name, message).
    pub owner: String,
    pub pages: Vec<super::personal::PersonalPage>,
    pub signatures: Vec<(String, String)>,
    /// Members who left this year and wrote a farewell, as (name, words).
    pub farewells: Vec<(String, String)>,
}

impl Book {
    /// Every photo the book shows (moments, highlights, a member's own pages), in order, with
    /// repeats.
    pub fn photos_mut(&mut self) -> Vec<&mut Vec<Photo>> {
        let mut lists: Vec<&mut Vec<Photo>> = Vec::new();
        for month in &mut self.months {
            for moment in &mut month.moments {
                lists.push(&mut moment.photos);
            }
            lists.push(&mut month.highlights);
        }
        for page in &mut self.pages {
            lists.push(&mut page.photos);
        }
        lists
    }

    /// A book with no chapters yet.
    pub fn empty(community: String, description: String, subtitle: &str, folder_label: &str) -> Book {
        Book {
            community,
            description,
            year: 0,
            totals: Totals::default(),
            months: Vec::new(),
            rituals: Vec::new(),
            artefacts: Vec::new(),
            initiatives: Vec::new(),
            accomplishments: Vec::new(),
            newcomers: Vec::new(),
            pulse: Vec::new(),
            subtitle: subtitle.to_owned(),
            folder_label: folder_label.to_owned(),
            guide: Vec::new(),
            songs: Vec::new(),
            stories: Vec::new(),
            welcomers: Vec::new(),
            owner: String::new(),
            pages: Vec::new(),
            signatures: Vec::new(),
            farewells: Vec::new(),
        }
    }
}

/// Members who asked not to be featured.
fn not_featured(conn: &Connection) -> Result<HashSet<String>> {
    let ids = conn
        .prepare("SELECT id FROM members WHERE feature_me = 0")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(ids)
}

/// Photos of `year` (by their sort time) that may appear (`memories::tags::shown_photo`), by
/// moment id ('' for none), in time order.
fn photos(conn: &Connection, year: i32) -> Result<Vec<(String, i64, bool, Photo)>> {
    let (from, until) = year_span(year);
    let rows = conn
        .prepare(&format!(
            "SELECT m.moment_id, m.sort_at, m.highlight, m.hash, m.caption FROM media m
             WHERE m.sort_at >= ?1 AND m.sort_at < ?2 AND {} ORDER BY m.sort_at, m.id",
            crate::memories::tags::shown_photo()
        ))?
        .query_map([from, until], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, Photo { hash: r.get(3)?, caption: r.get(4)? }))
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// `[1 January, 1 January next year)` of `year` in Unix milliseconds (UTC).
fn year_span(year: i32) -> (i64, i64) {
    let start = |y: i32| {
        chrono::NaiveDate::from_ymd_opt(y, 1, 1)
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .map_or(0, |t| t.and_utc().timestamp_millis())
    };
    (start(year), start(year + 1))
}

/// At most this many photos a moment shows, and highlights a month.
pub const PHOTOS_PER_MOMENT: usize = 6;

/// The year's months: each moment (by its day) with up to [`PHOTOS_PER_MOMENT`] of its photos,
/// and the month's highlight photos outside any moment; with the year's count of moments and
/// of the photos shown.
fn months(conn: &Connection, year: i32) -> Result<(Vec<Month>, u32, u32)> {
    let prefix = format!("{year:04}-");
    let all_photos = photos(conn, year)?;
    let mut by_moment: BTreeMap<String, Vec<Photo>> = BTreeMap::new();
    let mut highlights: BTreeMap<u32, Vec<Photo>> = BTreeMap::new();
    for (moment, at, highlight, photo) in &all_photos {
        if !moment.is_empty() {
            by_moment.entry(moment.clone()).or_default().push(photo.clone());
        } else if *highlight {
            let month = chrono::DateTime::from_timestamp_millis(*at).map_or(1, |t| chrono::Datelike::month(&t));
            highlights.entry(month).or_default().push(photo.clone());
        }
    }
    let moments: Vec<(String, String, String, String, String, String)> = conn
        .prepare(&format!(
            "SELECT mo.id, mo.title, mo.starts_at, mo.place, mo.story, mo.learned FROM moments mo
             WHERE mo.deleted = 0 AND substr(mo.starts_at, 1, 5) = ?1 AND {}
             ORDER BY mo.starts_at, mo.id",
            crate::memories::hidden::MOMENT_DAY_SHOWN
        ))?
        .query_map([&prefix], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut months: BTreeMap<u32, Month> = BTreeMap::new();
    for (id, title, starts, place, story, learned) in &moments {
        let month: u32 = starts.get(5..7).and_then(|m| m.parse().ok()).unwrap_or(1);
        let mut photos = by_moment.get(id).cloned().unwrap_or_default();
        photos.truncate(PHOTOS_PER_MOMENT);
        months
            .entry(month)
            .or_insert_with(|| Month { month, moments: Vec::new(), highlights: Vec::new() })
            .moments
            .push(MomentPage {
                title: title.clone(),
                day: starts.get(..10).unwrap_or_default().to_owned(),
                place: place.clone(),
                story: story.clone(),
                learned: learned.clone(),
                photos,
            });
    }
    for (month, mut photos) in highlights {
        photos.truncate(PHOTOS_PER_MOMENT);
        months
            .entry(month)
            .or_insert_with(|| Month { month, moments: Vec::new(), highlights: Vec::new() })
            .highlights = photos;
    }
    let months: Vec<Month> = months.into_values().collect();
    // The photos the book shows (up to six a moment), not every photo of the year.
    let shown = months
        .iter()
        .map(|m| m.highlights.len() + m.moments.iter().map(|x| x.photos.len()).sum::<usize>())
        .sum::<usize>();
    Ok((months, moments.len() as u32, shown as u32))
}

/// The years with moments or photos, newest first (the years a book can be made of).
pub fn years(conn: &Connection) -> Result<Vec<i32>> {
    let years = conn
        .prepare(
            "SELECT DISTINCT CAST(substr(starts_at, 1, 4) AS INTEGER) AS y FROM moments WHERE deleted = 0 AND starts_at != ''
             UNION SELECT DISTINCT CAST(strftime('%Y', sort_at / 1000, 'unixepoch') AS INTEGER) FROM media WHERE deleted = 0
             ORDER BY 1 DESC",
        )?
        .query_map([], |r| r.get::<_, Option<i32>>(0))?
        .filter_map(|y| y.transpose())
        .filter(|y| y.as_ref().map_or(true, |y| (1900..=2200).contains(y)))
        .collect::<rusqlite::Result<_>>()?;
    Ok(years)
}

/// Gathers `year`'s book from `library`.
pub fn gather(library: &Library, year: i32) -> Result<Book> {
    let conn = library.conn();
    let out = not_featured(conn)?;
    let prefix = format!("{year:04}-");
    let (from, until) = year_span(year);
    let (community, description): (String, String) =
        conn.query_row("SELECT name, description FROM community LIMIT 1", [], |r| Ok((r.get(0)?, r.get(1)?)))?;
    let (months, moment_count, photo_count) = months(conn, year)?;
    let rituals = rituals(conn, &prefix)?;
    let strings = |sql: &str| -> Result<Vec<(String, String, String)>> {
        Ok(conn
            .prepare(sql)?
            .query_map([&prefix], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<rusqlite::Result<_>>()?)
    };
    let artefacts = strings(
        "SELECT name, kind, summary FROM artefacts WHERE deleted = 0 AND visibility = 'community'
         AND (substr(original_date, 1, 5) = ?1 OR original_date || '-' = ?1) ORDER BY original_date, name, id",
    )?
    .into_iter()
    .map(|(name, kind, summary)| ArtefactEntry { name, kind, summary })
    .collect();
    let initiatives: Vec<InitiativeEntry> = conn
        .prepare(
            "SELECT title, difference, outcome FROM initiatives WHERE deleted = 0 AND status = 'done'
             AND updated_at >= ?1 AND updated_at < ?2 ORDER BY updated_at, id",
        )?
        .query_map([from, until], |r| {
            Ok(InitiativeEntry { title: r.get(0)?, difference: r.get(1)?, outcome: r.get(2)? })
        })?
        .collect::<rusqlite::Result<_>>()?;
    let name_of = |id: &str| -> Option<String> {
        (!out.contains(id))
            .then(|| {
                conn.query_row("SELECT display_name FROM members WHERE id = ?1 AND deleted = 0", [id], |r| r.get(0))
                    .ok()
            })
            .flatten()
    };
    // Accomplishments the honouree shared themselves (their consent), of people who may be featured.
    let accomplishments: Vec<Accomplishment> = strings(
        "SELECT member_id, title, happened_on FROM accomplishments WHERE deleted = 0 AND author = member_id
         AND substr(happened_on, 1, 5) = ?1 ORDER BY happened_on, id",
    )?
    .into_iter()
    .filter_map(|(member, title, day)| {
        // Not on a day the honouree hid.
        let hidden = crate::memories::hidden::hid(conn, &member, day.get(..10).unwrap_or_default()).unwrap_or(true);
        Some(Accomplishment { member: name_of(&member).filter(|_| !hidden)?, title, day })
    })
    .collect();
    let joined: Vec<String> = conn
        .prepare("SELECT id FROM members WHERE deleted = 0 AND substr(joined_on, 1, 5) = ?1 ORDER BY joined_on, id")?
        .query_map([&prefix], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let newcomers: Vec<String> = joined.iter().filter_map(|id| name_of(id)).collect();
    let pulse: Vec<PulseEntry> = conn
        .prepare(
            "SELECT r.title, p.respondents FROM pulse_rounds r JOIN pulse_results p ON p.round_id = r.id
             WHERE r.deleted = 0 AND p.deleted = 0 AND r.closed_at >= ?1 AND r.closed_at < ?2
               AND p.respondents >= (SELECT pulse_threshold FROM community LIMIT 1)
             ORDER BY r.closed_at, r.id",
        )?
        .query_map([from, until], |r| Ok(PulseEntry { title: r.get(0)?, respondents: r.get(1)? }))?
        .collect::<rusqlite::Result<_>>()?;
    let stories: u32 = conn.query_row(
        "SELECT count(*) FROM stories WHERE deleted = 0 AND visibility = 'community' AND created_at >= ?1 AND created_at < ?2",
        [from, until],
        |r| r.get(0),
    )?;
    let totals = Totals {
        moments: moment_count,
        photos: photo_count,
        gatherings: rituals.iter().map(|r| r.gatherings).sum(),
        stories,
        // Those named, so the count never points at someone who asked to be left out.
        newcomers: newcomers.len() as u32,
        initiatives_finished: initiatives.len() as u32,
    };
    let mut book = Book::empty(community, description, &year.to_string(), &year.to_string());
    book.year = year;
    book.totals = totals;
    book.months = months;
    book.rituals = rituals;
    book.artefacts = artefacts;
    book.initiatives = initiatives;
    book.accomplishments = accomplishments;
    book.newcomers = newcomers;
    book.pulse = pulse;
    book.farewells = super::farewell::of_year(conn, year)?;
    Ok(book)
}

/// Each ritual with gatherings this year: how many were held (a gathering with attendance
/// recorded) and how many attendances.
fn rituals(conn: &Connection, prefix: &str) -> Result<Vec<RitualYear>> {
    let rows = conn
        .prepare(
            "SELECT r.name, r.why, count(DISTINCT a.occurrence_key), count(*) FROM rituals r
             JOIN attendance a ON a.ritual_id = r.id AND a.deleted = 0 AND a.went = 1
             WHERE r.deleted = 0 AND substr(a.occurrence_key, 1, 5) = ?1
             GROUP BY r.id ORDER BY r.name, r.id",
        )?
        .query_map([prefix], |r| {
            Ok(RitualYear { name: r.get(0)?, why: r.get(1)?, gatherings: r.get(2)?, attendance: r.get(3)? })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}
