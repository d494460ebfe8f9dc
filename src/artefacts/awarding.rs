//! What the leads do with awards: award a badge (by hand, or as an automatic one falls due),
//! approve or decline a request, revoke with a private reason. Each award is signed as an
//! Open Badges credential with the community's issuer key: an Ed25519 key whose secret is
//! sealed to the leads (`badge_issuers.secret`), so every lead's laptop signs with it and no
//! other laptop holds it; its public half, a `did:key`, is public.

use base64::Engine;
use rusqlite::types::Value;
use rusqlite::OptionalExtension;

use super::awards::{award_id, read, AwardSource, AwardStatus, Snapshot};
use super::badges;
use crate::credentials::{self, Claim};
use crate::error::{Error, Result};
use crate::store::library::Library;
use crate::viewer::Viewer;

fn lead(library: &Library, action: &'static str) -> Result<Viewer> {
    let viewer = Viewer::me(library)?;
    if !viewer.is_lead {
        return Err(Error::Forbidden { action, reason: "the leads may".into() });
    }
    Ok(viewer)
}

/// The community's issuer key this laptop can sign with, made (and sealed to the leads) when
/// there is none yet. Returns the key and its `badge_issuers` row id.
fn issuer(library: &mut Library) -> Result<(ed25519_dalek::SigningKey, String)> {
    let held: Option<String> = library
        .conn()
        .query_row(
            "SELECT secret FROM badge_issuers WHERE deleted = 0 AND secret != '' ORDER BY created_at, id LIMIT 1",
            [],
            |r| r.get(0),
        )
        .optional()?;
    let seed: [u8; 32] = match held.and_then(|s| base64::engine::general_purpose::STANDARD.decode(s).ok()) {
        Some(bytes) => {
            bytes.try_into().map_err(|_| Error::invalid("issuer", "the community's issuer key is damaged"))?
        }
        None => crate::sync::crypto::random_bytes()?,
    };
    let key = credentials::signing_key(&seed);
    let did = credentials::did_key(&key.verifying_key());
    let id = crate::ids::derived(&["badge_issuers", &did]);
    let exists: bool =
        library.conn().query_row("SELECT count(*) > 0 FROM badge_issuers WHERE id = ?1", [&id], |r| r.get(0))?;
    if !exists {
        let secret = base64::engine::general_purpose::STANDARD.encode(seed);
        library.write(|w| {
            w.apply("badge_issuers", &id, &[("did", Value::Text(did.clone())), ("secret", Value::Text(secret.clone()))])
        })?;
    }
    Ok((key, id))
}

/// Awards badge `badge` to member `member` (a lead): offered to them with a snapshot of the
/// badge as it is now and its signed credential. Approves a request the same way.
///
/// Errors: `Forbidden` for a member; `NotFound`; `Invalid` when the member holds it already.
pub fn award(library: &mut Library, badge: &str, member: &str, source: AwardSource) -> Result<super::awards::Award> {
    let viewer = lead(library, "award a badge")?;
    let draft = badges::read(library.conn(), badge)?
        .ok_or_else(|| Error::NotFound { entity: "badge", id: badge.to_owned() })?;
    let person = crate::people::members::person(library.conn(), member)?;
    let id = award_id(badge, member);
    let current = read(library.conn(), &viewer, &id)?;
    let source = match current.as_ref().map(|a| a.status) {
        Some(AwardStatus::Requested) => AwardSource::Requested,
        Some(status) if status.active() => {
            return Err(Error::invalid("member", format!("{} has this badge already", person.display_name)))
        }
        _ => source,
    };
    let (key, _) = issuer(library)?;
    let now = library.now();
    let awarded_at = now.to_utc().format("%Y-%m-%dT%H:%M:%SZ").to_string();
    let community: String =
        library.conn().query_row("SELECT name FROM community LIMIT 1", [], |r| r.get(0)).unwrap_or_default();
    let credential_id = uuid::Uuid::new_v4().to_string();
    let mut credential = credentials::issue(
        &Claim {
            credential_id: &credential_id,
            community: &community,
            member_id: member,
            member_name: &person.display_name,
            badge_id: badge,
            name: &draft.name,
            description: &draft.description,
            criteria: &draft.criteria,
            awarded_at: &awarded_at,
        },
        &key,
    )?;
    if let Some(image) = &draft.image {
        // The picture travels by hash inside Hearth; a baked PNG carries it as itself.
        credential = with_image(credential, image, &key)?;
    }
    let snapshot =
        Snapshot { name: draft.name, description: draft.description, criteria: draft.criteria, image: draft.image };
    let source_text = match source {
        AwardSource::Manual => "manual",
        AwardSource::Requested => "requested",
        AwardSource::Automatic => "automatic",
    };
    library.write(|w| {
        w.apply(
            "badge_awards",
            &id,
            &[
                ("badge_id", Value::Text(badge.to_owned())),
                ("member_id", Value::Text(member.to_owned())),
                ("status", Value::Text("offered".into())),
                ("source", Value::Text(source_text.into())),
                ("snapshot", Value::Text(serde_json::to_string(&snapshot).expect("a snapshot serialises"))),
                ("credential", Value::Text(credential.to_string())),
                ("awarded_at", Value::Integer(now.0)),
                ("revoked_reason", Value::Text(String::new())),
            ],
        )
    })?;
    read(library.conn(), &viewer, &id)?.ok_or_else(|| Error::NotFound { entity: "award", id })
}

/// The credential with the badge's picture named in its achievement, signed again.
fn with_image(
    credential: serde_json::Value,
    image: &str,
    key: &ed25519_dalek::SigningKey,
) -> Result<serde_json::Value> {
    let mut document = credential;
    document.as_object_mut().map(|d| d.remove("proof"));
    document["credentialSubject"]["achievement"]["image"] =
        serde_json::json!({ "id": format!("urn:hearth:blob:{image}"), "type": "Image" });
    credentials::resign(document, key)
}

/// Declines a member's request (a lead).
pub fn decline(library: &mut Library, id: &str) -> Result<super::awards::Award> {
    let viewer = lead(library, "decline a request")?;
    let award =
        read(library.conn(), &viewer, id)?.ok_or_else(|| Error::NotFound { entity: "award", id: id.to_owned() })?;
    if award.status != AwardStatus::Requested {
        return Err(Error::invalid("award", "only a request can be declined"));
    }
    library.write(|w| w.apply("badge_awards", id, &[("status", Value::Text("declined".into()))]))?;
    read(library.conn(), &viewer, id)?.ok_or_else(|| Error::NotFound { entity: "award", id: id.to_owned() })
}

/// Revokes an award (a lead), with a reason only the leads read; it leaves the member's profile.
pub fn revoke(library: &mut Library, id: &str, reason: &str) -> Result<super::awards::Award> {
    let viewer = lead(library, "revoke a badge")?;
    let award =
        read(library.conn(), &viewer, id)?.ok_or_else(|| Error::NotFound { entity: "award", id: id.to_owned() })?;
    if !matches!(award.status, AwardStatus::Offered | AwardStatus::Accepted | AwardStatus::Hidden) {
        return Err(Error::invalid("award", "only an award held can be revoked"));
    }
    let reason = crate::text::validate_text("reason", reason, 1_000)?;
    let showcase = super::awards::showcase_id(&award.badge_id, &award.member.id);
    let shown: bool =
        library.conn().query_row("SELECT count(*) > 0 FROM badge_showcase WHERE id = ?1", [&showcase], |r| r.get(0))?;
    // The credential's id goes on the public list of revoked credentials, which every laptop
    // reads as final whatever order this and the member's answers arrive in.
    let credential = super::awards::credential_text(library.conn(), id)?;
    let credential_id = serde_json::from_str::<serde_json::Value>(&credential)
        .ok()
        .and_then(|c| c["id"].as_str().map(str::to_owned))
        .unwrap_or_default();
    library.write(|w| {
        w.apply(
            "badge_awards",
            id,
            &[("status", Value::Text("revoked".into())), ("revoked_reason", Value::Text(reason.clone()))],
        )?;
        if !credential_id.is_empty() {
            let row = crate::ids::derived(&["badge_revocations", &credential_id]);
            w.apply("badge_revocations", &row, &[("credential_id", Value::Text(credential_id.clone()))])?;
        }
        if shown {
            w.apply(
                "badge_showcase",
                &showcase,
                &[("shown", Value::Integer(0)), ("credential", Value::Text(String::new()))],
            )?;
        }
        Ok(())
    })?;
    read(library.conn(), &viewer, id)?.ok_or_else(|| Error::NotFound { entity: "award", id: id.to_owned() })
}

/// Offers every automatic badge to the members it is due to and who never had it (a lead's
/// laptop runs this when the leads open the badges; two leads doing it at once make the same
/// rows). Returns how many were offered.
pub fn run_automatic(library: &mut Library) -> Result<usize> {
    let viewer = lead(library, "award automatic badges")?;
    let today = library.today();
    let mut offered = 0;
    for badge in badges::list(library)? {
        let Some(rule) = badge.draft.rule.clone() else { continue };
        let due = badges::due(library, &rule, today)?;
        for member in due {
            // Never again to someone who has or had it (given back, revoked, set aside).
            if read(library.conn(), &viewer, &award_id(&badge.id, &member))?.is_some() {
                continue;
            }
            award(library, &badge.id, &member, AwardSource::Automatic)?;
            offered += 1;
        }
    }
    Ok(offered)
}
