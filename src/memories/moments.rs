//! Moments: the community's events (a dinner, an outing, a conference) with their story and
//! who was there; suggestions that group freshly imported media by capture-time gaps and
//! place; "on this day"; and the community's history across the years.

use chrono::{Datelike, NaiveDate, NaiveDateTime};
use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};

use crate::clock::Millis;
use crate::error::{Error, Result};
use crate::memories::media::{self, MediaItem, MediaQuery};
use crate::people::members::{person, Person};
use crate::store::library::Library;
use crate::text::markdown;
use crate::text::validate_text;
use crate::viewer::Viewer;

/// A new moment starts after this long without a photo.
pub const GAP_HOURS: i64 = 4;
/// ... or when consecutive photos were taken this far apart.
pub const PLACE_KM: f64 = 2.0;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type, clap::ValueEnum)]
#[serde(rename_all = "camelCase")]
pub enum MomentKind {
    Dinner,
    Outing,
    Meeting,
    Conference,
    Celebration,
    Other,
}

impl MomentKind {
    pub fn as_str(self) -> &'static str {
        match self {
            MomentKind::Dinner => "dinner",
            MomentKind::Outing => "outing",
            MomentKind::Meeting => "meeting",
            MomentKind::Conference => "conference",
            MomentKind::Celebration => "celebration",
            MomentKind::Other => "other",
        }
    }

    fn parse(text: &str) -> MomentKind {
        match text {
            "dinner" => MomentKind::Dinner,
            "outing" => MomentKind::Outing,
            "meeting" => MomentKind::Meeting,
            "conference" => MomentKind::Conference,
            "celebration" => MomentKind::Celebration,
            _ => MomentKind::Other,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct MomentDraft {
    pub title: String,
    pub kind: MomentKind,
    /// 'YYYY-MM-DDTHH:MM' or 'YYYY-MM-DD'
    pub starts_at: String,
    pub ends_at: String,
    pub place: String,
    pub description: String,
    pub story: String,
    pub learned: String,
    pub attendees: Vec<String>,
}

impl MomentDraft {
    pub fn titled(title: &str, kind: MomentKind, starts_at: &str) -> MomentDraft {
        MomentDraft {
            title: title.into(),
            kind,
            starts_at: starts_at.into(),
            ends_at: String::new(),
            place: String::new(),
            description: String::new(),
            story: String::new(),
            learned: String::new(),
            attendees: Vec::new(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct Moment {
    pub id: String,
    pub title: String,
    pub kind: MomentKind,
    pub starts_at: String,
    pub ends_at: String,
    pub place: String,
    pub description: String,
    pub story: String,
    pub story_html: String,
    pub learned: String,
    pub learned_html: String,
    pub attendees: Vec<Person>,
    pub media_count: u32,
    /// The hash of a highlight, or else of its first photo ('' when it has none).
    pub cover: String,
    pub author: String,
}

fn moment_from(conn: &Connection, row: &Row) -> rusqlite::Result<(Moment, Vec<String>)> {
    let attendees: String = row.get(10)?;
    let story: String = row.get(8)?;
    let learned: String = row.get(9)?;
    let _ = conn;
    Ok((
        Moment {
            id: row.get(0)?,
            title: row.get(1)?,
            kind: MomentKind::parse(&row.get::<_, String>(2)?),
            starts_at: row.get(3)?,
            ends_at: row.get(4)?,
            place: row.get(5)?,
            description: row.get(6)?,
            story_html: markdown::render(&story),
            story,
            learned_html: markdown::render(&learned),
            learned,
            attendees: Vec::new(),
            media_count: row.get(11)?,
            cover: row.get(12)?,
            author: row.get(7)?,
        },
        serde_json::from_str(&attendees).unwrap_or_default(),
    ))
}

const MOMENT_SELECT: &str = "SELECT o.id, o.title, o.kind, o.starts_at, o.ends_at, o.place, o.description, o.author,
        o.story, o.learned, o.attendees,
        (SELECT count(*) FROM media m WHERE m.moment_id = o.id AND m.deleted = 0 AND m.hidden = 0),
        coalesce((SELECT m.hash FROM media m WHERE m.moment_id = o.id AND m.deleted = 0 AND m.hidden = 0
                  AND (m.kind = 'photo' OR m.phash != '') ORDER BY m.highlight DESC, m.sort_at LIMIT 1), '')
    FROM moments o";

fn with_people(conn: &Connection, (mut moment, attendees): (Moment, Vec<String>)) -> Result<Moment> {
    moment.attendees = attendees.iter().map(|id| person(conn, id)).collect::<Result<_>>()?;
    Ok(moment)
}

pub fn get(conn: &Connection, id: &str) -> Result<Moment> {
    let found = conn
        .prepare_cached(&format!("{MOMENT_SELECT} WHERE o.id = ?1 AND o.deleted = 0"))?
        .query_row([id], |row| moment_from(conn, row))
        .optional()?;
    with_people(conn, found.ok_or_else(|| Error::NotFound { entity: "moment", id: id.to_owned() })?)
}

/// Every moment, newest first.
pub fn list(conn: &Connection) -> Result<Vec<Moment>> {
    let rows: Vec<_> = conn
        .prepare_cached(&format!("{MOMENT_SELECT} WHERE o.deleted = 0 ORDER BY o.starts_at DESC, o.id DESC"))?
        .query_map([], |row| moment_from(conn, row))?
        .collect::<rusqlite::Result<_>>()?;
    rows.into_iter().map(|row| with_people(conn, row)).collect()
}

fn parse_when(field: &'static str, text: &str) -> Result<String> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(String::new());
    }
    if let Ok(at) = NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M") {
        return Ok(at.format("%Y-%m-%dT%H:%M").to_string());
    }
    if let Ok(day) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        return Ok(day.format("%Y-%m-%d").to_string());
    }
    Err(Error::invalid(field, format!("{text:?} is not a date (YYYY-MM-DD) or a date and time (YYYY-MM-DDTHH:MM)")))
}

fn draft_columns(conn: &Connection, draft: &MomentDraft) -> Result<Vec<(&'static str, Value)>> {
    let title = validate_text("title", &draft.title, 120)?;
    if title.is_empty() {
        return Err(Error::invalid("title", "a moment needs a title"));
    }
    let starts_at = parse_when("startsAt", &draft.starts_at)?;
    if starts_at.is_empty() {
        return Err(Error::invalid("startsAt", "a moment needs a start date"));
    }
    let ends_at = parse_when("endsAt", &draft.ends_at)?;
    if !ends_at.is_empty() && ends_at < starts_at {
        return Err(Error::invalid("endsAt", "a moment cannot end before it starts"));
    }
    for id in &draft.attendees {
        crate::people::members::person(conn, id)?;
    }
    let mut attendees = draft.attendees.clone();
    attendees.sort();
    attendees.dedup();
    Ok(vec![
        ("title", Value::Text(title)),
        ("kind", Value::Text(draft.kind.as_str().into())),
        ("starts_at", Value::Text(starts_at)),
        ("ends_at", Value::Text(ends_at)),
        ("place", Value::Text(validate_text("place", &draft.place, 200)?)),
        ("description", Value::Text(validate_text("description", &draft.description, 2000)?)),
        ("story", Value::Text(validate_text("story", &draft.story, 20_000)?)),
        ("learned", Value::Text(validate_text("learned", &draft.learned, 20_000)?)),
        ("attendees", Value::Text(serde_json::to_string(&attendees).expect("ids serialise"))),
    ])
}

pub fn create(library: &mut Library, draft: MomentDraft) -> Result<Moment> {
    Viewer::me(library)?.member_id.ok_or(Error::NoIdentity)?;
    let columns = draft_columns(library.conn(), &draft)?;
    let id = library.write(|w| {
        let id = w.new_id();
        w.apply("moments", &id, &columns)?;
        Ok(id)
    })?;
    get(library.conn(), &id)
}

pub fn update(library: &mut Library, id: &str, draft: MomentDraft) -> Result<Moment> {
    Viewer::me(library)?.member_id.ok_or(Error::NoIdentity)?;
    get(library.conn(), id)?;
    let columns = draft_columns(library.conn(), &draft)?;
    library.write(|w| w.apply("moments", id, &columns))?;
    get(library.conn(), id)
}

/// Deletes a moment (who made it, or a lead); its media stay in the gallery.
pub fn delete(library: &mut Library, id: &str) -> Result<()> {
    let viewer = Viewer::me(library)?;
    let me = viewer.member_id.clone().ok_or(Error::NoIdentity)?;
    let moment = get(library.conn(), id)?;
    if moment.author != me && !viewer.is_lead {
        return Err(Error::Forbidden { action: "delete this moment", reason: "who made it and the leads may".into() });
    }
    let media: Vec<String> = library
        .conn()
        .prepare("SELECT id FROM media WHERE moment_id = ?1 AND deleted = 0")?
        .query_map([id], |row| row.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    add_media(library, &media, "")?;
    library.write(|w| w.delete("moments", id))
}

/// Media that could become a moment together.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct MomentSuggestion {
    pub media_ids: Vec<String>,
    pub first: Millis,
    pub last: Millis,
    /// 'YYYY-MM-DDTHH:MM' of the first capture, local.
    pub starts_at: String,
    pub ends_at: String,
    pub title: String,
    /// A few hashes to show.
    pub preview: Vec<String>,
    pub count: u32,
    /// Average position of the photos that carry one.
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
}

fn kilometres(a: (f64, f64), b: (f64, f64)) -> f64 {
    let (la1, lo1, la2, lo2) = (a.0.to_radians(), a.1.to_radians(), b.0.to_radians(), b.1.to_radians());
    let h = ((la2 - la1) / 2.0).sin().powi(2) + la1.cos() * la2.cos() * ((lo2 - lo1) / 2.0).sin().powi(2);
    2.0 * 6371.0 * h.sqrt().asin()
}

/// Groups the media not yet in a moment: a new group starts after a gap of more than
/// [`GAP_HOURS`] or a move of more than [`PLACE_KM`] between consecutive photos.
pub fn suggest(conn: &Connection) -> Result<Vec<MomentSuggestion>> {
    type Row = (String, String, i64, String, Option<f64>, Option<f64>);
    let rows: Vec<Row> = conn
        .prepare_cached(
            "SELECT id, hash, sort_at, taken_at, latitude, longitude FROM media
             WHERE deleted = 0 AND hidden = 0 AND moment_id = '' AND taken_at != '' ORDER BY sort_at, id",
        )?
        .query_map([], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?, row.get(4)?, row.get(5)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut groups: Vec<Vec<usize>> = Vec::new();
    let mut last_place: Option<(f64, f64)> = None;
    for (index, (_, _, sort_at, _, latitude, longitude)) in rows.iter().enumerate() {
        let place = latitude.zip(*longitude);
        let split = match groups.last().and_then(|g| g.last()) {
            None => true,
            Some(&previous) => {
                let gap = sort_at - rows[previous].2 > GAP_HOURS * 3600 * 1000;
                let moved = matches!((last_place, place), (Some(a), Some(b)) if kilometres(a, b) > PLACE_KM);
                gap || moved
            }
        };
        if split {
            groups.push(Vec::new());
            last_place = None;
        }
        groups.last_mut().expect("a group was pushed").push(index);
        last_place = place.or(last_place);
    }
    Ok(groups
        .into_iter()
        .map(|group| {
            let first = &rows[group[0]];
            let last = &rows[*group.last().expect("groups are never empty")];
            let places: Vec<(f64, f64)> = group.iter().filter_map(|&i| rows[i].4.zip(rows[i].5)).collect();
            let centre = (!places.is_empty()).then(|| {
                let n = places.len() as f64;
                (places.iter().map(|p| p.0).sum::<f64>() / n, places.iter().map(|p| p.1).sum::<f64>() / n)
            });
            let start = NaiveDateTime::parse_from_str(&first.3, "%Y-%m-%dT%H:%M:%S").ok();
            MomentSuggestion {
                media_ids: group.iter().map(|&i| rows[i].0.clone()).collect(),
                first: Millis(first.2),
                last: Millis(last.2),
                starts_at: first.3.get(..16).unwrap_or_default().to_owned(),
                ends_at: last.3.get(..16).unwrap_or_default().to_owned(),
                title: start.map(title_for).unwrap_or_else(|| "Undated photos".into()),
                preview: group.iter().take(6).map(|&i| rows[i].1.clone()).collect(),
                count: group.len() as u32,
                latitude: centre.map(|c| c.0),
                longitude: centre.map(|c| c.1),
            }
        })
        .rev()
        .collect())
}

/// 'Saturday evening, 9 March 2024'
fn title_for(start: NaiveDateTime) -> String {
    use chrono::Timelike;
    let part = match start.hour() {
        5..=11 => "morning",
        12..=16 => "afternoon",
        17..=21 => "evening",
        _ => "night",
    };
    format!("{} {part}, {}", start.format("%A"), start.format("%-d %B %Y"))
}

/// Makes one moment of the given media (one suggestion, or several merged), titled as the
/// lead chose.
pub fn accept(library: &mut Library, media_ids: &[String], title: &str, kind: MomentKind) -> Result<Moment> {
    if media_ids.is_empty() {
        return Err(Error::invalid("media", "choose at least one photo or video"));
    }
    let viewer = Viewer::me(library)?;
    let mut times: Vec<String> = Vec::new();
    for id in media_ids {
        let detail = media::get(library.conn(), &viewer, id)?;
        if !detail.item.taken_at.is_empty() {
            times.push(detail.item.taken_at.clone());
        }
    }
    times.sort();
    let starts_at = times.first().and_then(|t| t.get(..16)).unwrap_or_default().to_owned();
    let ends_at = times.last().and_then(|t| t.get(..16)).unwrap_or_default().to_owned();
    let mut draft = MomentDraft::titled(title, kind, &starts_at);
    draft.ends_at = if ends_at > starts_at { ends_at } else { String::new() };
    let moment = create(library, draft)?;
    add_media(library, media_ids, &moment.id)?;
    get(library.conn(), &moment.id)
}

/// Moments from past years on today's date, and highlights taken on it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct OnThisDay {
    pub moments: Vec<YearsAgo<Moment>>,
    pub highlights: Vec<YearsAgo<MediaItem>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct YearsAgo<T> {
    pub years: u32,
    pub item: T,
}

/// On this day at this laptop: quiet (nothing) on an anniversary of a day its member hid
/// (`memories::hidden`), else [`on_this_day`].
pub fn on_this_day_for(library: &crate::store::library::Library, today: NaiveDate) -> Result<OnThisDay> {
    if crate::memories::hidden::is_my_quiet_day(library, today)? {
        return Ok(OnThisDay { moments: Vec::new(), highlights: Vec::new() });
    }
    on_this_day(library.conn(), today)
}

/// Moments from past years on `today`'s month and day, and highlights taken on it: none on a day
/// one of their people hid, no cover or name of someone who asked not to be featured.
pub fn on_this_day(conn: &Connection, today: NaiveDate) -> Result<OnThisDay> {
    let day = today.format("-%m-%d").to_string();
    let mut shown = Vec::new();
    for moment in list(conn)? {
        if moment.starts_at.get(4..10) == Some(day.as_str()) && crate::memories::hidden::moment_shown(conn, &moment.id)?
        {
            shown.push(moment);
        }
    }
    let moments = shown
        .into_iter()
        .filter_map(|m| {
            let starts = NaiveDate::parse_from_str(m.starts_at.get(..10)?, "%Y-%m-%d").ok()?;
            let same_day = m.starts_at.get(4..10) == Some(day.as_str());
            (same_day && starts.year() < today.year())
                .then(|| YearsAgo { years: (today.year() - starts.year()) as u32, item: m })
        })
        .map(|mut m: YearsAgo<Moment>| {
            // A cover showing someone who asked not to be featured is not shown, nor their name.
            if crate::memories::tags::shows_someone_not_featured(conn, &m.item.cover)? {
                m.item.cover = String::new();
            }
            let mut named = Vec::with_capacity(m.item.attendees.len());
            for person in m.item.attendees.drain(..) {
                if crate::memories::tags::may_feature(conn, &person.id)? {
                    named.push(person);
                }
            }
            m.item.attendees = named;
            Ok(m)
        })
        .collect::<Result<_>>()?;
    let highlights: Vec<MediaItem> = conn
        .prepare_cached(&format!(
            "SELECT {} FROM media m WHERE m.deleted = 0 AND m.hidden = 0 AND m.highlight = 1
             AND substr(m.taken_at, 5, 6) = ?1 AND {} AND {} ORDER BY m.sort_at DESC LIMIT 24",
            crate::memories::media::ITEM_COLUMNS,
            crate::memories::tags::FEATURES_NO_ONE_OUT,
            crate::memories::hidden::MEDIA_DAY_SHOWN
        ))?
        .query_map([&day], crate::memories::media::item_row)?
        .collect::<rusqlite::Result<_>>()?;
    let highlights = highlights
        .into_iter()
        .filter_map(|item| {
            let year: i32 = item.taken_at.get(..4)?.parse().ok()?;
            (year < today.year()).then(|| YearsAgo { years: (today.year() - year) as u32, item })
        })
        .collect();
    Ok(OnThisDay { moments, highlights })
}

/// The most recent moment with photos that may be shown, and up to `limit` of them
/// (highlights first), for Home's greeting: a moment of a day one of its people hid is passed
/// over, and so is a photo that is hidden, has a tag not agreed to or a request to hide it
/// waiting, or shows someone who asked not to be featured.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct LatestMoment {
    pub moment: Moment,
    pub photos: Vec<MediaItem>,
}

pub fn latest_with_photos(conn: &Connection, limit: u32) -> Result<Option<LatestMoment>> {
    let mut by_start = list(conn)?;
    by_start.sort_by(|a, b| b.starts_at.cmp(&a.starts_at));
    let mut photos = conn.prepare_cached(&format!(
        "SELECT {} FROM media m WHERE m.moment_id = ?1 AND {} ORDER BY m.highlight DESC, m.sort_at, m.id LIMIT ?2",
        crate::memories::media::ITEM_COLUMNS,
        crate::memories::tags::shown_photo()
    ))?;
    for mut moment in by_start.into_iter().take(50) {
        if !crate::memories::hidden::moment_shown(conn, &moment.id)? {
            continue;
        }
        let shown: Vec<MediaItem> = photos
            .query_map(rusqlite::params![moment.id, limit], crate::memories::media::item_row)?
            .collect::<rusqlite::Result<_>>()?;
        if shown.is_empty() {
            continue;
        }
        let mut named = Vec::with_capacity(moment.attendees.len());
        for person in moment.attendees.drain(..) {
            if crate::memories::tags::may_feature(conn, &person.id)? {
                named.push(person);
            }
        }
        moment.attendees = named;
        return Ok(Some(LatestMoment { moment, photos: shown }));
    }
    Ok(None)
}

/// One year of the community's history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct HistoryYear {
    pub year: i32,
    pub moments: Vec<Moment>,
    pub highlights: Vec<MediaItem>,
}

/// Moments and highlights by year, newest first: without a highlight showing someone who asked
/// not to be featured, or of a day someone on it hid, nor a moment of a day one of its people hid.
pub fn history(conn: &Connection) -> Result<Vec<HistoryYear>> {
    let mut years: Vec<HistoryYear> = Vec::new();
    let year_of = |year: i32, years: &mut Vec<HistoryYear>| -> usize {
        match years.iter().position(|y| y.year == year) {
            Some(i) => i,
            None => {
                years.push(HistoryYear { year, moments: Vec::new(), highlights: Vec::new() });
                years.len() - 1
            }
        }
    };
    for moment in list(conn)? {
        let Some(year) = moment.starts_at.get(..4).and_then(|y| y.parse().ok()) else { continue };
        // History resurfaces the past as On this day does: not a day one of its people hid.
        if !crate::memories::hidden::moment_shown(conn, &moment.id)? {
            continue;
        }
        let i = year_of(year, &mut years);
        years[i].moments.push(moment);
    }
    let highlights = media::page(
        conn,
        &Viewer::anonymous(),
        &MediaQuery { highlights: true, limit: media::PAGE_LIMIT, ..MediaQuery::default() },
    )?;
    for item in highlights.items {
        if crate::memories::tags::shows_someone_not_featured(conn, &item.hash)? {
            continue;
        }
        let year =
            item.taken_at.get(..4).and_then(|y| y.parse().ok()).unwrap_or_else(|| item.sort_at.utc_date().year());
        let i = year_of(year, &mut years);
        years[i].highlights.push(item);
    }
    years.sort_by_key(|y| std::cmp::Reverse(y.year));
    Ok(years)
}

/// Puts media into a moment ('' takes them out), keeping the tag table's copy in step.
pub fn add_media(library: &mut Library, ids: &[String], moment_id: &str) -> Result<()> {
    let (viewer, _) = crate::memories::media::require_member(library)?;
    if !moment_id.is_empty() {
        get(library.conn(), moment_id)?;
    }
    for id in ids {
        crate::memories::media::require_visible(library, &viewer, id)?;
    }
    library.write(|w| {
        for id in ids {
            w.apply("media", id, &[("moment_id", Value::Text(moment_id.to_owned()))])?;
            let tags: Vec<String> = w
                .conn()
                .prepare_cached("SELECT id FROM media_tags WHERE media_id = ?1")?
                .query_map([id], |row| row.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            for tag in tags {
                w.apply("media_tags", &tag, &[("moment_id", Value::Text(moment_id.to_owned()))])?;
            }
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances_are_great_circle_kilometres() {
        let paris = (48.8566, 2.3522);
        let versailles = (48.8049, 2.1204);
        let d = kilometres(paris, versailles);
        assert!((d - 17.8).abs() < 1.0, "Paris to Versailles is about 18 km, got {d}");
    }

    #[test]
    fn titles_say_the_day_and_part_of_it() {
        let at = NaiveDateTime::parse_from_str("2024-03-09T19:30:00", "%Y-%m-%dT%H:%M:%S").unwrap();
        assert_eq!(title_for(at), "Saturday evening, 9 March 2024");
    }
}
