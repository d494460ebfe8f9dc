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

/// How many media each month holds, newest month first, so the window can lay out a
/// 100,000-item grid before it has loaded a single page.
pub fn months(conn: &Connection, query: &MediaQuery) -> Result<Vec<MonthSection>> {
    let mut values: Vec<Value> = Vec::new();
    let (from, key, _, conditions) = selection(query, &mut values);
    let sql = format!(
        "SELECT strftime('%Y-%m', {key} / 1000, 'unixepoch') AS month, count(*) FROM {from}
         WHERE {} GROUP BY month ORDER BY month DESC",
        conditions.join(" AND ")
    );
    let sections = conn
        .prepare_cached(&sql)?
        .query_map(rusqlite::params_from_iter(values.iter()), |row| {
            let month: String = row.get(0)?;
            let (year, number) = month.split_once('-').unwrap_or(("1970", "01"));
            let start = chrono::NaiveDate::from_ymd_opt(year.parse().unwrap_or(1970), number.parse().unwrap_or(1), 1)
                .unwrap_or_default();
            let end = start.checked_add_months(chrono::Months::new(1)).unwrap_or(start);
            Ok(MonthSection {
                month,
                count: row.get(1)?,
                from: Millis(start.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc().timestamp_millis()),
                until: Millis(end.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc().timestamp_millis() - 1),
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(sections)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type, clap::ValueEnum)]
#[serde(rename_all = "camelCase")]
pub enum PhotoConsent {
    /// Anyone may tag me.
    Allow,
    /// Each tag waits for my yes.
    Ask,
    /// No one may tag me.
    Never,
}

impl PhotoConsent {
    pub fn as_str(self) -> &'static str {
        match self {
            PhotoConsent::Allow => "allow",
            PhotoConsent::Ask => "ask",
            PhotoConsent::Never => "never",
        }
    }

    fn parse(text: &str) -> PhotoConsent {
        match text {
            "allow" => PhotoConsent::Allow,
            "never" => PhotoConsent::Never,
            _ => PhotoConsent::Ask,
        }
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

/// Whether the file named by `hash` may be served to `viewer` (not part of hidden media, unless
/// a lead asks). Hashes that are not gallery media (portraits, story photos) are served.
pub fn may_serve(conn: &Connection, viewer: &Viewer, hash: &str) -> Result<bool> {
    if !crate::store::blobs::is_hash(hash) {
        return Ok(false);
    }
    let hidden: Option<i64> = conn
        .prepare_cached("SELECT max(hidden) FROM media WHERE hash = ?1 AND deleted = 0")?
        .query_row([hash], |row| row.get(0))?;
    Ok(hidden != Some(1) || viewer.is_lead)
}

fn require_member(library: &Library) -> Result<(Viewer, String)> {
    let viewer = Viewer::me(library)?;
    let me = viewer.member_id.clone().ok_or(Error::NoIdentity)?;
    Ok((viewer, me))
}

fn require_visible(library: &Library, viewer: &Viewer, id: &str) -> Result<MediaDetail> {
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

/// Puts media into a moment ('' takes them out), keeping the tag table's copy in step.
pub fn set_moment(library: &mut Library, ids: &[String], moment_id: &str) -> Result<()> {
    let (viewer, _) = require_member(library)?;
    if !moment_id.is_empty() {
        crate::memories::moments::get(library.conn(), moment_id)?;
    }
    for id in ids {
        require_visible(library, &viewer, id)?;
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

pub fn photo_consent(conn: &Connection, member_id: &str) -> Result<PhotoConsent> {
    let consent: Option<String> = conn
        .prepare_cached("SELECT photo_consent FROM members WHERE id = ?1 AND deleted = 0")?
        .query_row([member_id], |row| row.get(0))
        .optional()?;
    consent
        .map(|c| PhotoConsent::parse(&c))
        .ok_or_else(|| Error::NotFound { entity: "member", id: member_id.to_owned() })
}

/// Chooses whether others may tag me. Choosing "never" also takes me out of every photo I
/// am tagged in and withdraws every request waiting for me.
pub fn set_photo_consent(library: &mut Library, consent: PhotoConsent) -> Result<PhotoConsent> {
    let (_, me) = require_member(library)?;
    library.write(|w| {
        w.apply("members", &me, &[("photo_consent", Value::Text(consent.as_str().into()))])?;
        if consent == PhotoConsent::Never {
            let tags: Vec<String> = w
                .conn()
                .prepare_cached("SELECT id FROM media_tags WHERE member_id = ?1 AND deleted = 0")?
                .query_map([&me], |row| row.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            for tag in tags {
                w.delete("media_tags", &tag)?;
            }
        }
        Ok(())
    })?;
    photo_consent(library.conn(), &me)
}

/// Tags `member_id` in a photo, as their consent allows: tagged at once ("allow", or tagging
/// yourself), waiting for their yes ("ask"), or refused ("never").
pub fn tag(library: &mut Library, media_id: &str, member_id: &str) -> Result<MediaDetail> {
    let (viewer, me) = require_member(library)?;
    let detail = require_visible(library, &viewer, media_id)?;
    let consent = photo_consent(library.conn(), member_id)?;
    let name = person(library.conn(), member_id)?.display_name;
    let status = if member_id == me {
        "tagged"
    } else {
        match consent {
            PhotoConsent::Never => {
                return Err(Error::Forbidden {
                    action: "tag this member",
                    reason: format!("{name} has asked not to be tagged in photos"),
                })
            }
            PhotoConsent::Ask => "requested",
            PhotoConsent::Allow => "tagged",
        }
    };
    let existing: Option<String> = library
        .conn()
        .prepare_cached("SELECT status FROM media_tags WHERE id = ?1 AND deleted = 0")?
        .query_row([ids::derived(&["tag", media_id, member_id])], |row| row.get(0))
        .optional()?;
    if existing.as_deref() == Some("tagged") {
        return Ok(detail);
    }
    library.write(|w| {
        w.apply(
            "media_tags",
            &ids::derived(&["tag", media_id, member_id]),
            &[
                ("media_id", Value::Text(media_id.to_owned())),
                ("member_id", Value::Text(member_id.to_owned())),
                ("status", Value::Text(status.into())),
                ("sort_at", Value::Integer(detail.item.sort_at.0)),
                ("moment_id", Value::Text(detail.item.moment_id.clone())),
                ("deleted", Value::Integer(0)),
            ],
        )
    })?;
    get(library.conn(), &viewer, media_id)
}

/// Removes a tag: the member in it, whoever tagged them, or a lead.
pub fn untag(library: &mut Library, media_id: &str, member_id: &str) -> Result<MediaDetail> {
    let (viewer, _) = require_member(library)?;
    let detail = require_visible(library, &viewer, media_id)?;
    let tag = detail.tags.iter().find(|t| t.member.id == member_id);
    match tag {
        Some(tag) if tag.can_remove => {}
        Some(_) => {
            return Err(Error::Forbidden {
                action: "remove this tag",
                reason: "the member tagged, who tagged them and the community's leads may".into(),
            })
        }
        None => return Ok(detail),
    }
    library.write(|w| w.delete("media_tags", &ids::derived(&["tag", media_id, member_id])))?;
    get(library.conn(), &viewer, media_id)
}

/// Says yes or no to a tag waiting for me.
pub fn answer_tag(library: &mut Library, media_id: &str, approve: bool) -> Result<()> {
    let (_, me) = require_member(library)?;
    let id = ids::derived(&["tag", media_id, &me]);
    let status: Option<String> = library
        .conn()
        .prepare_cached("SELECT status FROM media_tags WHERE id = ?1 AND deleted = 0")?
        .query_row([&id], |row| row.get(0))
        .optional()?;
    if status.as_deref() != Some("requested") {
        return Err(Error::NotFound { entity: "tag request", id: media_id.to_owned() });
    }
    library.write(|w| {
        if approve {
            w.apply("media_tags", &id, &[("status", Value::Text("tagged".into()))])
        } else {
            w.delete("media_tags", &id)
        }
    })
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct TagRequest {
    pub item: MediaItem,
    pub asked_by: Person,
}

/// Tags waiting for my yes.
pub fn my_tag_requests(library: &Library) -> Result<Vec<TagRequest>> {
    let Some(me) = library.me()? else { return Ok(Vec::new()) };
    let conn = library.conn();
    let rows: Vec<(MediaItem, String)> = conn
        .prepare_cached(&format!(
            "SELECT {ITEM_COLUMNS}, t.author FROM media_tags t JOIN media m ON m.id = t.media_id
             WHERE t.member_id = ?1 AND t.deleted = 0 AND t.status = 'requested' AND m.deleted = 0 AND m.hidden = 0
             ORDER BY t.created_at"
        ))?
        .query_map([&me], |row| Ok((item_row(row)?, row.get(13)?)))?
        .collect::<rusqlite::Result<_>>()?;
    rows.into_iter().map(|(item, by)| Ok(TagRequest { item, asked_by: person(conn, &by)? })).collect()
}

/// Asks the leads to take a photo out of view.
pub fn request_hide(library: &mut Library, media_id: &str, reason: &str) -> Result<MediaDetail> {
    let (viewer, me) = require_member(library)?;
    require_visible(library, &viewer, media_id)?;
    let reason = validate_text("reason", reason, 500)?;
    library.write(|w| {
        w.apply(
            "hide_requests",
            &ids::derived(&["hide", media_id, &me]),
            &[
                ("media_id", Value::Text(media_id.to_owned())),
                ("reason", Value::Text(reason)),
                ("status", Value::Text("open".into())),
                ("resolved_by", Value::Text(String::new())),
                ("deleted", Value::Integer(0)),
            ],
        )
    })?;
    get(library.conn(), &viewer, media_id)
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct HideRequest {
    pub id: String,
    pub item: MediaItem,
    pub asked_by: Person,
    pub reason: String,
    pub asked_at: Millis,
}

fn require_lead(library: &Library, action: &'static str) -> Result<Viewer> {
    let viewer = Viewer::me(library)?;
    if !viewer.is_lead {
        return Err(Error::Forbidden { action, reason: "only the community's leads may".into() });
    }
    Ok(viewer)
}

/// Open requests to hide photos, for the leads.
pub fn hide_requests(library: &Library) -> Result<Vec<HideRequest>> {
    require_lead(library, "see requests to hide photos")?;
    let conn = library.conn();
    let rows: Vec<(MediaItem, String, String, String, i64)> = conn
        .prepare_cached(&format!(
            "SELECT {ITEM_COLUMNS}, h.id, h.author, h.reason, h.created_at FROM hide_requests h
             JOIN media m ON m.id = h.media_id
             WHERE h.deleted = 0 AND h.status = 'open' AND m.deleted = 0 ORDER BY h.created_at"
        ))?
        .query_map([], |row| Ok((item_row(row)?, row.get(13)?, row.get(14)?, row.get(15)?, row.get(16)?)))?
        .collect::<rusqlite::Result<_>>()?;
    rows.into_iter()
        .map(|(item, id, by, reason, at)| {
            Ok(HideRequest { id, item, asked_by: person(conn, &by)?, reason, asked_at: Millis(at) })
        })
        .collect()
}

/// A lead hides the photo (out of every member's view) or keeps it, closing the request.
pub fn resolve_hide_request(library: &mut Library, request_id: &str, hide: bool) -> Result<()> {
    let viewer = require_lead(library, "act on requests to hide photos")?;
    let media_id: Option<String> = library
        .conn()
        .prepare_cached("SELECT media_id FROM hide_requests WHERE id = ?1 AND deleted = 0 AND status = 'open'")?
        .query_row([request_id], |row| row.get(0))
        .optional()?;
    let media_id = media_id.ok_or_else(|| Error::NotFound { entity: "hide request", id: request_id.to_owned() })?;
    let lead = viewer.member_id.clone().unwrap_or_default();
    library.write(|w| {
        w.apply(
            "hide_requests",
            request_id,
            &[("status", Value::Text(if hide { "hidden" } else { "kept" }.into())), ("resolved_by", Value::Text(lead))],
        )?;
        if hide {
            w.apply("media", &media_id, &[("hidden", Value::Integer(1))])?;
        }
        Ok(())
    })
}

/// Counts for the gallery's header.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct GalleryCounts {
    pub photos: u32,
    pub videos: u32,
    pub highlights: u32,
    pub tag_requests: u32,
    /// Open hide requests (leads only; 0 for others).
    pub hide_requests: u32,
}

pub fn counts(library: &Library) -> Result<GalleryCounts> {
    let viewer = Viewer::me(library)?;
    let conn = library.conn();
    let (photos, videos, highlights): (u32, u32, u32) = conn.query_row(
        "SELECT count(*) FILTER (WHERE kind = 'photo'), count(*) FILTER (WHERE kind = 'video'),
                count(*) FILTER (WHERE highlight = 1)
         FROM media WHERE deleted = 0 AND hidden = 0",
        [],
        |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
    )?;
    let tag_requests = my_tag_requests(library)?.len() as u32;
    let hide_requests = if viewer.is_lead { hide_requests(library)?.len() as u32 } else { 0 };
    Ok(GalleryCounts { photos, videos, highlights, tag_requests, hide_requests })
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
