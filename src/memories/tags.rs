//! Who is in a photo, with their consent: tagging as each member allows ("allow", "ask" for
//! their yes, "never"), answering tag requests, and asking for a photo to be hidden.

use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use crate::clock::Millis;
use crate::error::{Error, Result};
use crate::ids;
use crate::people::members::{person, Person};
use crate::store::library::Library;
use crate::text::validate_text;
use crate::viewer::Viewer;

use crate::memories::media::{get, item_row, require_member, require_visible, MediaDetail, MediaItem, ITEM_COLUMNS};

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

/// SQL condition on a media row aliased `m`: nobody tagged on it asked not to be featured in
/// memories and the yearbook (`members.feature_me = 0`).
pub const FEATURES_NO_ONE_OUT: &str = "NOT EXISTS (SELECT 1 FROM media_tags ft JOIN members fp ON fp.id = ft.member_id
     WHERE ft.media_id = m.id AND ft.deleted = 0 AND fp.feature_me = 0)";

/// SQL true when the medium aliased `m` is a photo that may be shown beyond the gallery (the
/// yearbook, Home's greeting, a member's own pages): not deleted or hidden, every tag on it
/// agreed to, no request to hide it waiting, no one on it who asked not to be featured, and not
/// of a day someone on it hid (`memories::hidden`).
pub fn shown_photo() -> String {
    format!(
        "m.deleted = 0 AND m.hidden = 0 AND m.kind = 'photo'
         AND NOT EXISTS (SELECT 1 FROM media_tags t WHERE t.media_id = m.id AND t.deleted = 0 AND t.status != 'tagged')
         AND NOT EXISTS (SELECT 1 FROM hide_requests h WHERE h.media_id = m.id AND h.deleted = 0 AND h.status = 'open')
         AND {FEATURES_NO_ONE_OUT} AND {}",
        crate::memories::hidden::MEDIA_DAY_SHOWN
    )
}

/// Whether the photo whose file is `hash` shows a member who asked not to be featured, or is
/// of a day someone on it (or at its moment) asked to hide (`memories::hidden`).
pub fn shows_someone_not_featured(conn: &Connection, hash: &str) -> Result<bool> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT count(*) > 0 FROM media m WHERE m.hash = ?1 AND NOT ({FEATURES_NO_ONE_OUT} AND {})",
            crate::memories::hidden::MEDIA_DAY_SHOWN
        ))?
        .query_row([hash], |r| r.get(0))?)
}

/// Whether member `id` may be named in memories, exports and the yearbook.
pub fn may_feature(conn: &Connection, id: &str) -> Result<bool> {
    Ok(conn
        .prepare_cached("SELECT feature_me FROM members WHERE id = ?1")?
        .query_row([id], |r| r.get::<_, bool>(0))
        .optional()?
        .unwrap_or(true))
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
