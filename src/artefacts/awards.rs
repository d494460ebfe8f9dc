//! Awards of badges, and what the person awarded decides. A lead awards (by hand, on a
//! member's request, or as an automatic badge falls due); the award keeps an immutable snapshot
//! of the badge as it was, and a signed Open Badges credential (`credentials`). It is offered:
//! the member accepts it or not, chooses whether it shows on their profile, and may give it
//! back; a lead may revoke it, with a reason only the leads read.
//!
//! One award per badge and member (its id derives from both). The award row is sealed to the
//! leads and its member (`store::sealing`); what shows on a profile is a separate public row
//! that carries the credential, which every laptop checks against the community's issuer keys
//! before it merges.

use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::people::members::{person, Person};
use crate::store::library::Library;
use crate::viewer::Viewer;

/// Where an award stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum AwardStatus {
    /// A member asked for it; a lead has not answered yet.
    Requested,
    /// Awarded, waiting for the member's answer.
    Offered,
    Accepted,
    /// The member would rather not have it (it shows nowhere).
    Hidden,
    /// Given back by the member.
    Returned,
    /// A lead declined the request.
    Declined,
    Revoked,
}

impl AwardStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            AwardStatus::Requested => "requested",
            AwardStatus::Offered => "offered",
            AwardStatus::Accepted => "accepted",
            AwardStatus::Hidden => "hidden",
            AwardStatus::Returned => "returned",
            AwardStatus::Declined => "declined",
            AwardStatus::Revoked => "revoked",
        }
    }

    fn parse(text: &str) -> AwardStatus {
        match text {
            "requested" => AwardStatus::Requested,
            "accepted" => AwardStatus::Accepted,
            "hidden" => AwardStatus::Hidden,
            "returned" => AwardStatus::Returned,
            "declined" => AwardStatus::Declined,
            "revoked" => AwardStatus::Revoked,
            _ => AwardStatus::Offered,
        }
    }

    /// Whether the member holds it (one active award per badge and member).
    pub fn active(self) -> bool {
        matches!(self, AwardStatus::Requested | AwardStatus::Offered | AwardStatus::Accepted | AwardStatus::Hidden)
    }
}

/// How an award came.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum AwardSource {
    Manual,
    Requested,
    Automatic,
}

/// The badge as it was when awarded: editing or deleting the badge never changes it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct Snapshot {
    pub name: String,
    pub description: String,
    pub criteria: String,
    pub image: Option<String>,
}

/// One award, as the leads and its member see it.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct Award {
    pub id: String,
    pub badge_id: String,
    pub member: Person,
    pub status: AwardStatus,
    pub source: AwardSource,
    /// None for a request not yet approved.
    pub snapshot: Option<Snapshot>,
    pub awarded_at: Option<crate::clock::Millis>,
    /// Whether it shows on the member's profile.
    pub shown: bool,
    /// For the leads: why it was revoked.
    pub revoked_reason: Option<String>,
}

/// The id of member `member`'s award of badge `badge`.
pub fn award_id(badge: &str, member: &str) -> String {
    crate::ids::derived(&["badge_awards", badge, member])
}

pub(super) fn showcase_id(badge: &str, member: &str) -> String {
    crate::ids::derived(&["badge_showcase", badge, member])
}

pub(super) fn read(conn: &Connection, viewer: &Viewer, id: &str) -> Result<Option<Award>> {
    let row: Option<(String, String, String, String, String, i64, String)> = conn
        .query_row(
            "SELECT badge_id, member_id, status, source, snapshot, awarded_at, revoked_reason
             FROM badge_awards WHERE id = ?1 AND deleted = 0",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?)),
        )
        .optional()?;
    let Some((badge_id, member_id, status, source, snapshot, awarded_at, reason)) = row else { return Ok(None) };
    if !(viewer.is_lead || viewer.is(&member_id)) {
        return Ok(None);
    }
    let shown: bool = conn
        .query_row(
            "SELECT shown FROM badge_showcase WHERE id = ?1 AND deleted = 0",
            [showcase_id(&badge_id, &member_id)],
            |r| r.get(0),
        )
        .optional()?
        .unwrap_or(false);
    // A revoked credential is revoked whatever the status column says (the revocation and the
    // member's answer may arrive in either order).
    let revoked = credential_id_of(&credential_text(conn, id)?).is_some_and(|c| is_revoked(conn, &c));
    let status = if revoked { AwardStatus::Revoked } else { AwardStatus::parse(&status) };
    Ok(Some(Award {
        id: id.to_owned(),
        member: person(conn, &member_id)?,
        badge_id,
        status,
        source: match source.as_str() {
            "requested" => AwardSource::Requested,
            "automatic" => AwardSource::Automatic,
            _ => AwardSource::Manual,
        },
        snapshot: serde_json::from_str(&snapshot).ok(),
        awarded_at: (awarded_at > 0).then_some(crate::clock::Millis(awarded_at)),
        shown: shown && status == AwardStatus::Accepted,
        revoked_reason: Some(reason).filter(|r| viewer.is_lead && !r.is_empty()),
    }))
}

/// The credential stored with award `id` ('' when none).
pub(super) fn credential_text(conn: &Connection, id: &str) -> Result<String> {
    Ok(conn
        .query_row("SELECT credential FROM badge_awards WHERE id = ?1", [id], |r| r.get(0))
        .optional()?
        .unwrap_or_default())
}

fn credential_id_of(text: &str) -> Option<String> {
    serde_json::from_str::<serde_json::Value>(text).ok()?["id"].as_str().map(str::to_owned)
}

/// Whether a lead revoked the credential `id` (`urn:uuid:…`).
fn is_revoked(conn: &Connection, id: &str) -> bool {
    conn.query_row("SELECT count(*) > 0 FROM badge_revocations WHERE credential_id = ?1 AND deleted = 0", [id], |r| {
        r.get(0)
    })
    .unwrap_or(true)
}

/// What a shown badge's credential says, once it verifies: signed by one of the community's
/// issuer keys, for that member and badge, and not revoked. None for anything else (a row
/// merged before its revocation arrived, or one this version cannot check).
fn verified(conn: &Connection, member: &str, badge_id: &str, text: &str) -> Option<ShownBadge> {
    let credential: serde_json::Value = serde_json::from_str(text).ok()?;
    let checked = crate::credentials::verify(&credential).ok()?;
    let issuer_known: bool = conn
        .query_row("SELECT count(*) > 0 FROM badge_issuers WHERE did = ?1 AND deleted = 0", [&checked.issuer], |r| {
            r.get(0)
        })
        .ok()?;
    let ours = checked.subject == format!("urn:hearth:member:{member}")
        && checked.achievement == format!("urn:hearth:badge:{badge_id}");
    if !issuer_known || !ours || is_revoked(conn, &checked.id) {
        return None;
    }
    let achievement = &credential["credentialSubject"]["achievement"];
    let text = |v: &serde_json::Value| v.as_str().unwrap_or_default().to_owned();
    Some(ShownBadge {
        badge_id: badge_id.to_owned(),
        name: checked.achievement_name,
        description: text(&achievement["description"]),
        image: achievement["image"]["id"].as_str().and_then(|i| i.strip_prefix("urn:hearth:blob:")).map(str::to_owned),
        awarded_on: checked.valid_from.chars().take(10).collect(),
    })
}

/// The awards of a badge this laptop may read (every one for a lead, one's own for a member),
/// newest first.
pub(super) fn of_badge(library: &Library, viewer: &Viewer, badge: &str) -> Result<Vec<Award>> {
    let ids: Vec<String> = library
        .conn()
        .prepare_cached("SELECT id FROM badge_awards WHERE badge_id = ?1 AND deleted = 0 ORDER BY updated_at DESC, id")?
        .query_map([badge], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let mut out = Vec::new();
    for id in ids {
        out.extend(read(library.conn(), viewer, &id)?);
    }
    Ok(out)
}

/// Members who show badge `badge` on their profile (with a credential that verifies), by name.
pub(super) fn shown_by(conn: &Connection, badge: &str) -> Result<Vec<Person>> {
    let rows: Vec<(String, String)> = conn
        .prepare_cached(
            "SELECT s.member_id, s.credential FROM badge_showcase s JOIN members m ON m.id = s.member_id
             WHERE s.badge_id = ?1 AND s.shown = 1 AND s.deleted = 0 AND m.deleted = 0 ORDER BY m.display_name",
        )?
        .query_map([badge], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    rows.iter()
        .filter(|(member, text)| verified(conn, member, badge, text).is_some())
        .map(|(m, _)| person(conn, m))
        .collect()
}

/// A badge shown on a profile: what the credential it carries says.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct ShownBadge {
    pub badge_id: String,
    pub name: String,
    pub description: String,
    pub image: Option<String>,
    pub awarded_on: String,
}

/// The badges member `member` chose to show, by name.
pub fn shown_on_profile(conn: &Connection, member: &str) -> Result<Vec<ShownBadge>> {
    let rows: Vec<(String, String)> = conn
        .prepare_cached(
            "SELECT badge_id, credential FROM badge_showcase WHERE member_id = ?1 AND shown = 1 AND deleted = 0",
        )?
        .query_map([member], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut out: Vec<ShownBadge> =
        rows.into_iter().filter_map(|(badge_id, credential)| verified(conn, member, &badge_id, &credential)).collect();
    out.sort_by_key(|b| b.name.to_lowercase());
    Ok(out)
}

/// Awards offered to the member at this laptop, waiting for their answer (by where each
/// stands as read, so one revoked meanwhile is not offered).
pub fn offered_to_me(library: &Library) -> Result<Vec<Award>> {
    Ok(mine(library)?.into_iter().filter(|a| a.status == AwardStatus::Offered).collect())
}

/// Every award of the member at this laptop (for their own page), newest first.
pub fn mine(library: &Library) -> Result<Vec<Award>> {
    let viewer = Viewer::me(library)?;
    let Some(me) = viewer.member_id.clone() else { return Ok(Vec::new()) };
    let ids: Vec<String> = library
        .conn()
        .prepare("SELECT id FROM badge_awards WHERE member_id = ?1 AND deleted = 0 ORDER BY awarded_at DESC, id")?
        .query_map([&me], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let mut out = Vec::new();
    for id in ids {
        out.extend(read(library.conn(), &viewer, &id)?);
    }
    Ok(out)
}

/// This member's own award `id`. Errors: `NotFound`.
pub(super) fn own(library: &Library, id: &str) -> Result<(Viewer, Award)> {
    let viewer = Viewer::me(library)?;
    let award = read(library.conn(), &viewer, id)?
        .filter(|a| viewer.is(&a.member.id))
        .ok_or_else(|| Error::NotFound { entity: "award", id: id.to_owned() })?;
    Ok((viewer, award))
}

/// Asks for a badge that may be requested (a lead then approves or declines).
pub fn request(library: &mut Library, badge: &str) -> Result<Award> {
    let viewer = Viewer::me(library)?;
    let me = viewer.member_id.clone().ok_or(Error::NoIdentity)?;
    let draft = super::badges::read(library.conn(), badge)?
        .ok_or_else(|| Error::NotFound { entity: "badge", id: badge.to_owned() })?;
    if !draft.requestable {
        return Err(Error::invalid("badge", "this badge is awarded by the leads, not asked for"));
    }
    let id = award_id(badge, &me);
    if read(library.conn(), &viewer, &id)?.is_some_and(|a| a.status.active()) {
        return Err(Error::invalid("badge", "you have it, or asked for it already"));
    }
    library.write(|w| {
        w.apply(
            "badge_awards",
            &id,
            &[
                ("badge_id", Value::Text(badge.to_owned())),
                ("member_id", Value::Text(me.clone())),
                ("status", Value::Text("requested".into())),
                ("source", Value::Text("requested".into())),
                ("snapshot", Value::Text(String::new())),
                ("credential", Value::Text(String::new())),
                ("awarded_at", Value::Integer(0)),
            ],
        )
    })?;
    read(library.conn(), &viewer, &id)?.ok_or_else(|| Error::NotFound { entity: "award", id })
}

/// Answers an award offered to this member: accept it (and show it on the profile or not),
/// or set it aside (`Hidden`: it shows nowhere); later, show or hide it, or give it back.
pub fn respond(library: &mut Library, id: &str, status: AwardStatus, show: bool) -> Result<Award> {
    let (viewer, award) = own(library, id)?;
    let allowed = matches!(
        (award.status, status),
        (
            AwardStatus::Offered | AwardStatus::Accepted | AwardStatus::Hidden,
            AwardStatus::Accepted | AwardStatus::Hidden
        ) | (AwardStatus::Offered | AwardStatus::Accepted | AwardStatus::Hidden, AwardStatus::Returned)
    );
    if !allowed {
        return Err(Error::invalid("status", "this award cannot be answered that way now"));
    }
    let credential: String =
        library.conn().query_row("SELECT credential FROM badge_awards WHERE id = ?1", [id], |r| r.get(0))?;
    let issuer = serde_json::from_str::<serde_json::Value>(&credential)
        .ok()
        .and_then(|c| c["issuer"]["id"].as_str().map(|did| crate::ids::derived(&["badge_issuers", did])))
        .unwrap_or_default();
    let shows = status == AwardStatus::Accepted && show;
    let member = award.member.id.clone();
    // Nothing public is written for an award kept private, set aside or given back, unless it
    // was shown before and now comes down.
    let showcase = showcase_id(&award.badge_id, &member);
    let was_shown: bool =
        library.conn().query_row("SELECT count(*) > 0 FROM badge_showcase WHERE id = ?1", [&showcase], |r| r.get(0))?;
    library.write(|w| {
        w.apply("badge_awards", id, &[("status", Value::Text(status.as_str().into()))])?;
        if !(shows || was_shown) {
            return Ok(());
        }
        w.apply(
            "badge_showcase",
            &showcase,
            &[
                ("badge_id", Value::Text(award.badge_id.clone())),
                ("member_id", Value::Text(member.clone())),
                ("issuer_id", Value::Text(issuer.clone())),
                ("credential", Value::Text(if shows { credential.clone() } else { String::new() })),
                ("shown", Value::Integer(shows.into())),
            ],
        )
    })?;
    read(library.conn(), &viewer, id)?.ok_or_else(|| Error::NotFound { entity: "award", id: id.to_owned() })
}

/// The credential of an award this laptop holds (the member's own; a lead reads every one),
/// for export. Errors: `NotFound`; `Invalid` for an award not held (asked for, given back).
pub fn credential(library: &Library, id: &str) -> Result<serde_json::Value> {
    let viewer = Viewer::me(library)?;
    let award =
        read(library.conn(), &viewer, id)?.ok_or_else(|| Error::NotFound { entity: "award", id: id.to_owned() })?;
    if !matches!(award.status, AwardStatus::Offered | AwardStatus::Accepted | AwardStatus::Hidden) {
        return Err(Error::invalid("award", "only an award held can be exported"));
    }
    let text: String =
        library.conn().query_row("SELECT credential FROM badge_awards WHERE id = ?1", [id], |r| r.get(0))?;
    serde_json::from_str(&text).map_err(|_| Error::invalid("award", "its credential could not be read"))
}

/// The award as a file: the credential as JSON, or (`png`) baked into the badge's picture.
pub fn export(library: &Library, id: &str, png: bool) -> Result<Vec<u8>> {
    let credential = self::credential(library, id)?;
    if !png {
        return Ok(serde_json::to_vec_pretty(&credential).expect("a credential serialises"));
    }
    let image = credential["credentialSubject"]["achievement"]["image"]["id"]
        .as_str()
        .and_then(|i| i.strip_prefix("urn:hearth:blob:"))
        .and_then(|hash| crate::store::blobs::image(library.root(), hash).ok())
        .and_then(|path| std::fs::read(path).ok())
        .and_then(|bytes| image::load_from_memory(&bytes).ok())
        .unwrap_or_else(|| {
            image::DynamicImage::ImageRgb8(image::RgbImage::from_pixel(256, 256, image::Rgb([0xc2, 0x5b, 0x33])))
        });
    let mut bytes = Vec::new();
    image
        .write_to(&mut std::io::Cursor::new(&mut bytes), image::ImageFormat::Png)
        .map_err(|e| Error::invalid("image", e.to_string()))?;
    crate::credentials::bake(&bytes, &credential)
}
