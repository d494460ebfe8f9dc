//! The gallery's photos and videos: where their files live, pages of them for the grid (keyset
//! paging on denormalised indexes), captions and highlights, and people in photos with each
//! member's consent. Hidden media are left out of every read for anyone but the leads, here
//! in the core, and the `hearth://` protocol asks [`may_serve`] before serving a file.

use rusqlite::types::Value;
use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};

use crate::clock::Millis;
use crate::error::{Error, Result};
use crate::ids;
use crate::people::members::{person, Person};
use crate::store::library::Library;
use crate::text::validate_text;
use crate::viewer::Viewer;

pub const PAGE_LIMIT: u32 = 500;

/// Media rows are one per content: the same file imported on two laptops merges into one.
pub fn media_id(hash: &str) -> String {
    ids::derived(&["media", hash])
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum MediaKind {
    Photo,
    Video,
}

/// One cell of the grid: just what it needs to draw.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct MediaItem {
    pub id: String,
    pub hash: String,
    pub kind: MediaKind,
    pub format: String,
    pub width: u32,
    pub height: u32,
    /// 'YYYY-MM-DDTHH:MM:SS' as the camera recorded it ('' when unknown).
    pub taken_at: String,
    pub sort_at: Millis,
    pub caption: String,
    pub moment_id: String,
    pub highlight: bool,
    pub duration_ms: u32,
    /// Whether a thumbnail and preview exist (a video imported without ffmpeg has none).
    pub has_preview: bool,
}

pub(crate) const ITEM_COLUMNS: &str =
    "m.id, m.hash, m.kind, m.format, m.width, m.height, m.taken_at, m.sort_at, m.caption,
     m.moment_id, m.highlight, m.duration_ms, (m.kind = 'photo' OR m.phash != '')";

pub(crate) fn item_row(row: &Row) -> rusqlite::Result<MediaItem> {
    // Read in place: no allocation for a value only compared.
    let video = row.get_ref(2)?.as_str().is_ok_and(|kind| kind == "video");
    Ok(MediaItem {
        id: row.get(0)?,
        hash: row.get(1)?,
        kind: if video { MediaKind::Video } else { MediaKind::Photo },
        format: row.get(3)?,
        width: row.get(4)?,
        height: row.get(5)?,
        taken_at: row.get(6)?,
        sort_at: Millis(row.get(7)?),
        caption: row.get(8)?,
        moment_id: row.get(9)?,
        highlight: row.get::<_, i64>(10)? != 0,
        duration_ms: row.get::<_, i64>(11)?.clamp(0, i64::from(u32::MAX)) as u32,
        has_preview: row.get::<_, i64>(12)? != 0,
    })
}

/// Where a page starts: after this item in newest-first order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct PageCursor {
    pub sort_at: Millis,
    pub id: String,
}

/// Which media a page holds. Empty fields do not filter.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase", default)]
pub struct MediaQuery {
    pub moment_id: Option<String>,
    pub album_id: Option<String>,
    pub member_id: Option<String>,
    pub highlights: bool,
    /// Inclusive bounds on the sort time, for date ranges and month sections.
    pub from: Option<Millis>,
    pub until: Option<Millis>,
    /// Matches captions, the moment's title and place, and file names.
    pub text: Option<String>,
    pub after: Option<PageCursor>,
    /// Skip this many first (for jumping into a month section; keyset paging otherwise).
    pub offset: u32,
    pub limit: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct MediaPage {
    pub items: Vec<MediaItem>,
    pub next: Option<PageCursor>,
}

/// The FROM clause, the sort key columns and the conditions for `query` (all but paging).
fn selection(query: &MediaQuery, values: &mut Vec<Value>) -> (&'static str, &'static str, &'static str, Vec<String>) {
    let mut push = |value: Value| {
        values.push(value);
        format!("?{}", values.len())
    };
    // By member, the tag table's own index gives the order; otherwise the media indexes do.
    let (from, key, id_key, mut conditions) = match &query.member_id {
        Some(member) => {
            let member = push(Value::Text(member.clone()));
            (
                "media_tags t JOIN media m ON m.id = t.media_id",
                "t.sort_at",
                "t.media_id",
                vec![format!("t.member_id = {member}"), "t.deleted = 0".into(), "t.status = 'tagged'".into()],
            )
        }
        None => ("media m", "m.sort_at", "m.id", vec![]),
    };
    conditions.push("m.deleted = 0".into());
    conditions.push("m.hidden = 0".into());
    if let Some(moment) = &query.moment_id {
        let moment = push(Value::Text(moment.clone()));
        let column = if query.member_id.is_some() { "t.moment_id" } else { "m.moment_id" };
        conditions.push(format!("{column} = {moment}"));
    }
    if query.highlights {
        conditions.push("m.highlight = 1".into());
    }
    if let Some(album) = &query.album_id {
        let album = push(Value::Text(album.clone()));
        conditions.push(format!("m.id IN (SELECT media_id FROM album_media WHERE album_id = {album} AND deleted = 0)"));
    }
    if let Some(from) = query.from {
        conditions.push(format!("{key} >= {}", push(Value::Integer(from.0))));
    }
    if let Some(until) = query.until {
        conditions.push(format!("{key} <= {}", push(Value::Integer(until.0))));
    }
    if let Some(text) = query.text.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        let pattern = push(Value::Text(format!("%{}%", text.replace(['%', '_'], ""))));
        conditions.push(format!(
            "(m.caption LIKE {pattern} OR m.file_name LIKE {pattern} OR m.moment_id IN
              (SELECT id FROM moments WHERE deleted = 0 AND (title LIKE {pattern} OR place LIKE {pattern})))"
        ));
    }
    (from, key, id_key, conditions)
}

/// One page of media, newest first. Hidden media are out for every viewer here; leads review
/// them through hide requests.
pub fn page(conn: &Connection, _viewer: &Viewer, query: &MediaQuery) -> Result<MediaPage> {
    let limit = query.limit.clamp(1, PAGE_LIMIT);
    let mut values: Vec<Value> = Vec::new();
    let (from, key, id_key, mut conditions) = selection(query, &mut values);
    if let Some(after) = &query.after {
        values.push(Value::Integer(after.sort_at.0));
        values.push(Value::Text(after.id.clone()));
        conditions.push(format!("({key}, {id_key}) < (?{}, ?{})", values.len() - 1, values.len()));
    }
    let sql = format!(
        "SELECT {ITEM_COLUMNS} FROM {from} WHERE {} ORDER BY {key} DESC, {id_key} DESC LIMIT {} OFFSET {}",
        conditions.join(" AND "),
        limit,
        query.offset
    );
    let items: Vec<MediaItem> = conn
        .prepare_cached(&sql)?
        .query_map(rusqlite::params_from_iter(values.iter()), item_row)?
        .collect::<rusqlite::Result<_>>()?;
    let next = (items.len() as u32 == limit)
        .then(|| items.last().map(|last| PageCursor { sort_at: last.sort_at, id: last.id.clone() }))
        .flatten();
    Ok(MediaPage { items, next })
}

/// A month section of the grid.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct MonthSection {
    /// 'YYYY-MM'
    pub month: String,
    pub count: u32,
    pub from: Millis,
    pub until: Millis,
}

/// How many media each month (UTC) holds, newest month first, so the window can lay out a
/// 100,000-item grid before it has loaded a single page.
///
/// The keys are read as integers and counted here: asking SQLite to format each row's month
/// (`strftime … GROUP BY`) took 77 ms at 100,000 media, this takes a fraction of it
/// (`hearth bench gallery`, "month sections").
pub fn months(conn: &Connection, query: &MediaQuery) -> Result<Vec<MonthSection>> {
    let mut values: Vec<Value> = Vec::new();
    let (from, key, _, conditions) = selection(query, &mut values);
    let sql = format!("SELECT {key} FROM {from} WHERE {}", conditions.join(" AND "));
    let mut statement = conn.prepare_cached(&sql)?;
    let mut rows = statement.query(rusqlite::params_from_iter(values.iter()))?;
    // Neighbouring rows are mostly of one month: its bounds are kept, and the calendar is
    // consulted only when a key falls outside them.
    let mut counts: std::collections::BTreeMap<i64, MonthSection> = std::collections::BTreeMap::new();
    let mut current: Option<(i64, i64)> = None;
    while let Some(row) = rows.next()? {
        let at: i64 = row.get::<_, Option<i64>>(0)?.unwrap_or(0);
        let start = match current {
            Some((start, until)) if at >= start && at <= until => start,
            _ => {
                let section = month_of(at);
                let start = section.from.0;
                current = Some((start, section.until.0));
                counts.entry(start).or_insert(section);
                start
            }
        };
        if let Some(section) = counts.get_mut(&start) {
            section.count += 1;
        }
    }
    Ok(counts.into_values().rev().collect())
}

/// The UTC month holding `at`, with no media counted yet.
fn month_of(at: i64) -> MonthSection {
    use chrono::Datelike;
    let day = chrono::DateTime::from_timestamp_millis(at).unwrap_or_default().date_naive();
    let start = day.with_day(1).unwrap_or(day);
    let end = start.checked_add_months(chrono::Months::new(1)).unwrap_or(start);
    let millis = |date: chrono::NaiveDate| date.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc().timestamp_millis();
    MonthSection {
        month: start.format("%Y-%m").to_string(),
        count: 0,
        from: Millis(millis(start)),
        until: Millis(millis(end) - 1),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum TagStatus {
    Tagged,
    /// Waiting for the member's yes.
    Requested,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct Tag {
    pub member: Person,
    pub status: TagStatus,
    pub tagged_by: String,
    /// Whether the viewer may remove it (the member, who tagged, or a lead).
    pub can_remove: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct MediaDetail {
    pub item: MediaItem,
    pub file_name: String,
    pub bytes: f64,
    pub taken_offset: String,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub camera: String,
    pub note: String,
    pub moment_title: String,
    /// Media this one looks almost the same as (a burst shot, a re-save).
    pub similar_to: String,
    pub imported_by: String,
    pub tags: Vec<Tag>,
    pub hidden: bool,
    /// Whether the viewer has asked for it to be hidden and the request is open.
    pub hide_requested: bool,
}

/// One media with its people, for the lightbox. Hidden media exist only for leads.
pub fn get(conn: &Connection, viewer: &Viewer, id: &str) -> Result<MediaDetail> {
    let found = conn
        .prepare_cached(&format!(
            "SELECT {ITEM_COLUMNS}, m.file_name, m.bytes, m.taken_offset, m.latitude, m.longitude, m.camera, m.note,
                    coalesce(o.title, ''), m.similar_to, m.author, m.hidden
             FROM media m LEFT JOIN moments o ON o.id = m.moment_id AND o.deleted = 0
             WHERE m.id = ?1 AND m.deleted = 0"
        ))?
        .query_row([id], |row| {
            Ok((
                item_row(row)?,
                row.get::<_, String>(13)?,
                row.get::<_, i64>(14)?,
                row.get::<_, String>(15)?,
                row.get::<_, Option<f64>>(16)?,
                row.get::<_, Option<f64>>(17)?,
                row.get::<_, String>(18)?,
                row.get::<_, String>(19)?,
                row.get::<_, String>(20)?,
                row.get::<_, String>(21)?,
                row.get::<_, String>(22)?,
                row.get::<_, i64>(23)? != 0,
            ))
        })
        .optional()?;
    let Some((
        item,
        file_name,
        bytes,
        taken_offset,
        latitude,
        longitude,
        camera,
        note,
        moment_title,
        similar_to,
        author,
        hidden,
    )) = found
    else {
        return Err(Error::NotFound { entity: "photo or video", id: id.to_owned() });
    };
    if hidden && !viewer.is_lead {
        return Err(Error::NotFound { entity: "photo or video", id: id.to_owned() });
    }
    let tags = tags_of(conn, viewer, id)?;
    let hide_requested = match &viewer.member_id {
        Some(me) => conn
            .prepare_cached("SELECT 1 FROM hide_requests WHERE id = ?1 AND deleted = 0 AND status = 'open'")?
            .query_row([ids::derived(&["hide", id, me])], |_| Ok(()))
            .optional()?
            .is_some(),
        None => false,
    };
    Ok(MediaDetail {
        item,
        file_name,
        bytes: bytes as f64,
        taken_offset,
        latitude,
        longitude,
        camera,
        note,
        moment_title,
        similar_to,
        imported_by: if author.is_empty() { String::new() } else { person(conn, &author)?.display_name },
        tags,
        hidden,
        hide_requested,
    })
}

/// People in a photo. A tag still waiting for its member's yes is seen only by that member,
/// by whoever asked, and by the leads.
fn tags_of(conn: &Connection, viewer: &Viewer, media_id: &str) -> Result<Vec<Tag>> {
    let rows: Vec<(String, String, String)> = conn
        .prepare_cached(
            "SELECT t.member_id, t.status, t.author FROM media_tags t JOIN members p ON p.id = t.member_id
             WHERE t.media_id = ?1 AND t.deleted = 0 ORDER BY p.display_name COLLATE NOCASE",
        )?
        .query_map([media_id], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut tags = Vec::new();
    for (member_id, status, author) in rows {
        let status = if status == "tagged" { TagStatus::Tagged } else { TagStatus::Requested };
        let involved = viewer.is(&member_id) || viewer.is(&author) || viewer.is_lead;
        if status == TagStatus::Requested && !involved {
            continue;
        }
        tags.push(Tag {
            member: person(conn, &member_id)?,
            status,
            tagged_by: person(conn, &author)?.display_name,
            can_remove: involved,
        });
    }
    Ok(tags)
}

/// Whether the file named by `hash` may be served to `viewer`. A gallery photo or video: while
/// it is in the gallery (not deleted), and when hidden only to a lead. A portrait: as its
/// member's portrait field is visible. A story's photo: as the story is. Other photos (on
/// celebration boards, initiative updates and covers) are the community's; a file no row
/// names yet (a photo picked for a story not saved yet) is its picker's own.
/// Whether a gallery item, a portrait or a story's photo names `hash` (then its rule, not an
/// artefact's, decides who is served the file).
pub fn names(conn: &Connection, hash: &str) -> Result<bool> {
    Ok(conn
        .prepare_cached(
            "SELECT EXISTS (SELECT 1 FROM media WHERE hash = ?1)
                 OR EXISTS (SELECT 1 FROM members WHERE portrait = ?1)
                 OR EXISTS (SELECT 1 FROM stories s, json_each(s.photos) p WHERE p.value = ?1)",
        )?
        .query_row([hash], |row| row.get(0))?)
}

pub fn may_serve(conn: &Connection, viewer: &Viewer, hash: &str) -> Result<bool> {
    if !crate::store::blobs::is_hash(hash) {
        return Ok(false);
    }
    // Every row that names it, deleted or not: a photo deleted after it was hidden is no
    // longer served (it once left a NULL here, which served it).
    let (rows, live, hidden): (i64, i64, i64) = conn
        .prepare_cached(
            "SELECT count(*), count(*) FILTER (WHERE deleted = 0), coalesce(max(hidden) FILTER (WHERE deleted = 0), 0)
             FROM media WHERE hash = ?1",
        )?
        .query_row([hash], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))?;
    if rows > 0 {
        return Ok(live > 0 && (hidden == 0 || viewer.is_lead));
    }
    // Deleted rows count too: a photo only a deleted story or a removed member named is no
    // longer anyone's to see.
    let portraits: Vec<(String, String, bool)> = conn
        .prepare_cached("SELECT id, visibility, deleted FROM members WHERE portrait = ?1")?
        .query_map([hash], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let stories: Vec<(String, bool)> = conn
        .prepare_cached("SELECT s.id, s.deleted FROM stories s, json_each(s.photos) p WHERE p.value = ?1")?
        .query_map([hash], |row| Ok((row.get(0)?, row.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    if portraits.is_empty() && stories.is_empty() {
        return Ok(true);
    }
    for (member, visibility, deleted) in &portraits {
        let visibility: std::collections::BTreeMap<String, crate::viewer::Visibility> =
            serde_json::from_str(visibility).unwrap_or_default();
        if !deleted && viewer.may_see(member, visibility.get("portrait").copied().unwrap_or_default()) {
            return Ok(true);
        }
    }
    for (story, deleted) in &stories {
        if !deleted && crate::people::stories::visible_to(conn, viewer, story)? {
            return Ok(true);
        }
    }
    Ok(false)
}

pub(crate) fn require_member(library: &Library) -> Result<(Viewer, String)> {
    let viewer = Viewer::me(library)?;
    let me = viewer.member_id.clone().ok_or(Error::NoIdentity)?;
    Ok((viewer, me))
}

pub(crate) fn require_visible(library: &Library, viewer: &Viewer, id: &str) -> Result<MediaDetail> {
    get(library.conn(), viewer, id)
}

/// Sets what is written under a photo.
pub fn set_caption(library: &mut Library, id: &str, caption: &str) -> Result<MediaDetail> {
    let (viewer, _) = require_member(library)?;
    require_visible(library, &viewer, id)?;
    let caption = validate_text("caption", caption, 500)?;
    library.write(|w| w.apply("media", id, &[("caption", Value::Text(caption))]))?;
    get(library.conn(), &viewer, id)
}

/// Marks or unmarks one of the community's favourites.
pub fn set_highlight(library: &mut Library, id: &str, highlight: bool) -> Result<MediaDetail> {
    let (viewer, _) = require_member(library)?;
    require_visible(library, &viewer, id)?;
    library.write(|w| w.apply("media", id, &[("highlight", Value::Integer(i64::from(highlight)))]))?;
    get(library.conn(), &viewer, id)
}

/// Removes media from the gallery (who imported it, or a lead).
pub fn delete(library: &mut Library, id: &str) -> Result<()> {
    let (viewer, me) = require_member(library)?;
    require_visible(library, &viewer, id)?;
    let author: String = library.conn().query_row("SELECT author FROM media WHERE id = ?1", [id], |r| r.get(0))?;
    if author != me && !viewer.is_lead {
        return Err(Error::Forbidden {
            action: "remove this photo",
            reason: "who imported it and the community's leads may".into(),
        });
    }
    library.write(|w| w.delete("media", id))
}

/// For `hearth media list --json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MediaRecord {
    pub id: String,
    pub hash: String,
    pub kind: MediaKind,
    pub file_name: String,
    pub taken_at: Option<String>,
    pub width: u32,
    pub height: u32,
    pub orientation: u16,
    pub gps: Option<(f64, f64)>,
    pub camera: String,
    pub duration_ms: i64,
    pub moment: Option<String>,
    pub similar_to: Option<String>,
    pub note: String,
}

pub fn records(conn: &Connection) -> Result<Vec<MediaRecord>> {
    let rows = conn
        .prepare(
            "SELECT id, hash, kind, file_name, taken_at, taken_offset, width, height, orientation, latitude, longitude,
                    camera, duration_ms, moment_id, similar_to, note
             FROM media WHERE deleted = 0 ORDER BY sort_at, id",
        )?
        .query_map(params![], |row| {
            let taken: String = row.get(4)?;
            let offset: String = row.get(5)?;
            let latitude: Option<f64> = row.get(9)?;
            let longitude: Option<f64> = row.get(10)?;
            let moment: String = row.get(13)?;
            let similar: String = row.get(14)?;
            Ok(MediaRecord {
                id: row.get(0)?,
                hash: row.get(1)?,
                kind: if row.get::<_, String>(2)? == "video" { MediaKind::Video } else { MediaKind::Photo },
                file_name: row.get(3)?,
                taken_at: (!taken.is_empty()).then(|| format!("{taken}{offset}")),
                width: row.get(6)?,
                height: row.get(7)?,
                orientation: row.get(8)?,
                gps: latitude.zip(longitude),
                camera: row.get(11)?,
                duration_ms: row.get(12)?,
                moment: (!moment.is_empty()).then_some(moment),
                similar_to: (!similar.is_empty()).then_some(similar),
                note: row.get(15)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}
