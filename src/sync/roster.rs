//! Membership and trust: who may write what into a community's shared log.
//!
//! Every replica trusts one key without question, the founding device's (its *trust root*,
//! learnt from the invitation it joined with). A lead lets a new device in by writing an
//! invitation: a fresh key pair whose public half goes into the synced `invitations` table and
//! whose secret half travels in the invitation file (or code). The joining device signs its
//! own public key and the member it speaks for with that secret, and publishes the signature
//! in its `devices` row. At merge, a segment is accepted only from a device so admitted, and
//! each of its ops only if that device's member may write it: their own profile, their own
//! stories, supports and stances; the community's settings and roles only as a lead.

use base64::Engine;
use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::store::library::{self, Library};
use crate::sync::{Cell, Op, Segment};
use crate::viewer::Viewer;

pub const INVITATION_FORMAT: u32 = 1;
const CODE_PREFIX: &str = "hearth-invite:";

/// What a lead hands a newcomer: where the community syncs, whom they join as, the secret
/// that lets their laptop in, and the key every replica trusts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct Invitation {
    pub format: u32,
    pub community: String,
    /// The sync target (never its password or keys).
    pub target: Option<String>,
    pub invitation_id: String,
    pub member_id: String,
    pub name: String,
    /// The invitation's secret key: whoever holds it can let one laptop in as this member.
    pub secret: String,
    /// The founding device's public key.
    pub trust_root: String,
    /// The community's keys, one per line (oldest first, each with when it was made), when
    /// its target is encrypted.
    #[serde(default)]
    pub community_key: Option<String>,
}

impl Invitation {
    /// The invitation as one line of text to paste (`hearth-invite:…`).
    pub fn to_code(&self) -> String {
        let json = serde_json::to_vec(self).expect("invitations serialise");
        format!("{CODE_PREFIX}{}", base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(json))
    }

    /// Reads an invitation from its code or from the contents of an invitation file.
    pub fn parse(text: &str) -> Result<Invitation> {
        let text = text.trim();
        let bad =
            || Error::invalid("invitation", "this is not a Hearth invitation (it may be cut short: copy all of it)");
        let json = match text.strip_prefix(CODE_PREFIX) {
            Some(code) => base64::engine::general_purpose::URL_SAFE_NO_PAD
                .decode(code.split_whitespace().collect::<String>())
                .map_err(|_| bad())?,
            None => text.as_bytes().to_vec(),
        };
        let invitation: Invitation = serde_json::from_slice(&json).map_err(|_| bad())?;
        if invitation.format > INVITATION_FORMAT {
            return Err(Error::invalid(
                "invitation",
                "this invitation was made by a newer Hearth; update Hearth to use it",
            ));
        }
        Ok(invitation)
    }
}

pub fn encode(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// A device's public key from its roster entry.
pub(crate) fn decode_key(text: &str) -> Option<ed25519_dalek::VerifyingKey> {
    decode::<32>(text).and_then(|bytes| ed25519_dalek::VerifyingKey::from_bytes(&bytes).ok())
}

fn decode<const N: usize>(text: &str) -> Option<[u8; N]> {
    base64::engine::general_purpose::STANDARD.decode(text).ok().and_then(|b| <[u8; N]>::try_from(b).ok())
}

/// What a joining device signs with its invitation's secret.
fn endorsement_message(device: &str, public_key: &str, member_id: &str) -> Vec<u8> {
    format!("hearth-device\n{device}\n{public_key}\n{member_id}").into_bytes()
}

/// The key this replica trusts without question. A library that founded its community (or
/// predates invitations) trusts its own device.
pub fn trust_root(library: &Library) -> Result<String> {
    if let Some(root) = library::get_local(library.conn(), "trust_root")? {
        return Ok(root);
    }
    let own = encode(crate::sync::device_key(library)?.verifying_key().as_bytes());
    library::set_local(library.conn(), "trust_root", &own)?;
    Ok(own)
}

/// The invitation that lets one laptop in as member `member_id` (`community::invite` makes or
/// finds the member). Leads only.
pub fn invitation_for(library: &mut Library, member_id: &str, name: &str) -> Result<Invitation> {
    if !Viewer::me(library)?.is_lead {
        return Err(Error::Forbidden { action: "invite people", reason: "only the community's leads may".into() });
    }
    let trust_root = trust_root(library)?;
    let secret = crate::sync::crypto::random_bytes()?;
    let public = encode(ed25519_dalek::SigningKey::from_bytes(&secret).verifying_key().as_bytes());
    let invitation_id = library.write(|w| {
        let id = w.new_id();
        w.apply(
            "invitations",
            &id,
            &[
                ("public_key", Value::Text(public.clone())),
                ("member_id", Value::Text(member_id.to_owned())),
                ("name", Value::Text(name.to_owned())),
            ],
        )?;
        Ok(id)
    })?;
    let community: String = library.conn().query_row(
        "SELECT name FROM community WHERE deleted = 0 ORDER BY created_at LIMIT 1",
        [],
        |row| row.get(0),
    )?;
    Ok(Invitation {
        format: INVITATION_FORMAT,
        community,
        target: library::get_local(library.conn(), "sync_target")?,
        invitation_id,
        member_id: member_id.to_owned(),
        name: name.to_owned(),
        secret: encode(&secret),
        trust_root,
        community_key: crate::sync::crypto::load(library.root())?.map(|keyring| keyring.to_text()),
    })
}

/// Prepares a new library to join with `invitation`: who this laptop speaks for, whom it
/// trusts, and the secret it endorses its own key with at its first sync.
pub(crate) fn accept(library: &Library, invitation: &Invitation) -> Result<()> {
    decode::<32>(&invitation.secret).ok_or_else(|| Error::invalid("invitation", "its secret is damaged"))?;
    decode::<32>(&invitation.trust_root).ok_or_else(|| Error::invalid("invitation", "its community key is damaged"))?;
    if let Some(text) = &invitation.community_key {
        let keyring = crate::sync::crypto::Keyring::from_text(text)
            .ok_or_else(|| Error::invalid("invitation", "its community key is damaged"))?;
        crate::sync::crypto::save(library.root(), &keyring)?;
    }
    let conn = library.conn();
    library::set_local(conn, "me", &invitation.member_id)?;
    library::set_local(conn, "trust_root", &invitation.trust_root)?;
    library::set_local(conn, "invitation_id", &invitation.invitation_id)?;
    library::set_local(conn, "invitation_secret", &invitation.secret)?;
    Ok(())
}

/// After joining: when the lead's copy of the invited member has not reached the target yet,
/// the newcomer's own laptop makes their profile (the same id, so the two merge).
pub(crate) fn ensure_member(library: &mut Library, invitation: &Invitation) -> Result<()> {
    let exists: bool =
        library
            .conn()
            .query_row("SELECT count(*) > 0 FROM members WHERE id = ?1", [&invitation.member_id], |row| row.get(0))?;
    if !exists {
        let today = library.today().to_string();
        library.write(|w| {
            w.apply(
                "members",
                &invitation.member_id,
                // No role: the lead's copy says it (a member until it arrives, by the
                // column's default), and only a lead may.
                &[("display_name", Value::Text(invitation.name.clone())), ("joined_on", Value::Text(today.clone()))],
            )?;
            crate::store::search::index_member(w.conn(), &invitation.member_id)
        })?;
    }
    Ok(())
}

/// This device's `devices` row as it should stand: its key, its member, and (for a device let
/// in by an invitation) the endorsement signed with the invitation's secret.
pub(crate) fn device_columns(library: &Library, key: &ed25519_dalek::SigningKey) -> Result<Vec<(&'static str, Value)>> {
    use ed25519_dalek::Signer;
    let conn = library.conn();
    let public = encode(key.verifying_key().as_bytes());
    let member = library.me()?.unwrap_or_default();
    let mut columns = vec![("public_key", Value::Text(public.clone())), ("member_id", Value::Text(member.clone()))];
    if let (Some(id), Some(secret)) =
        (library::get_local(conn, "invitation_id")?, library::get_local(conn, "invitation_secret")?)
    {
        let secret = decode::<32>(&secret).ok_or_else(|| Error::invalid("invitation", "its secret is damaged"))?;
        let signature = ed25519_dalek::SigningKey::from_bytes(&secret).sign(&endorsement_message(
            library.device(),
            &public,
            &member,
        ));
        columns.push(("invitation_id", Value::Text(id)));
        columns.push(("endorsement", Value::Text(encode(&signature.to_bytes()))));
    }
    Ok(columns)
}

/// Forgets the invitation's secret once this laptop's endorsement has left with a segment: it
/// has done its work, and whoever later reads this laptop's files cannot let another laptop in
/// with it (other replicas would refuse a second one anyway).
pub(crate) fn forget_invitation_secret(library: &Library) -> Result<()> {
    let conn = library.conn();
    if library::get_local(conn, "invitation_secret")?.is_none() {
        return Ok(());
    }
    let endorsed: bool = conn
        .query_row("SELECT endorsement != '' FROM devices WHERE id = ?1", [library.device()], |row| row.get(0))
        .optional()?
        .unwrap_or(false);
    let sent: i64 = library::get_local(conn, "sync_sent_seq")?.and_then(|s| s.parse().ok()).unwrap_or(0);
    let unsent: bool = conn.query_row("SELECT count(*) > 0 FROM ops WHERE seq > ?1", [sent], |row| row.get(0))?;
    if endorsed && !unsent {
        conn.execute("DELETE FROM local_settings WHERE key = 'invitation_secret'", [])?;
    }
    Ok(())
}

/// A device let in: the member it writes as, and whether it is the trust root itself.
pub(crate) struct Admitted {
    pub member: String,
    pub root: bool,
}

/// Why a segment is not merged: refused for good, or waiting for the invitation that lets its
/// device in (merged at a later sync once that arrives).
pub(crate) enum Refusal {
    Refused(String),
    Waiting(String),
}

fn text(cell: &Cell) -> String {
    match cell {
        Cell::Text(t) => t.clone(),
        _ => String::new(),
    }
}

/// Whether the segment's device is let in, judged by the roster as this replica knows it
/// plus what the segment itself says about its own device.
pub(crate) fn admit(
    conn: &Connection,
    trust_root: &str,
    segment: &Segment,
    signer: &str,
    now: crate::clock::Millis,
) -> Result<std::result::Result<Admitted, Refusal>> {
    admit_ops(conn, trust_root, &segment.device, &segment.ops, signer, now)
}

/// [`admit`] for `device`'s `ops` signed by `signer`: what a segment says of its own device,
/// or what was set aside of it (a roster entry stamped ahead, merged once the clock gets there).
pub(crate) fn admit_ops(
    conn: &Connection,
    trust_root: &str,
    device: &str,
    ops: &[Op],
    signer: &str,
    now: crate::clock::Millis,
) -> Result<std::result::Result<Admitted, Refusal>> {
    let stored: Option<(String, String, String, String, bool)> = conn
        .prepare_cached("SELECT public_key, member_id, invitation_id, endorsement, deleted FROM devices WHERE id = ?1")?
        .query_row([device], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?, row.get(4)?)))
        .optional()?;
    let (stored_key, mut member, mut invitation_id, mut endorsement, removed) = stored.unwrap_or_default();
    if removed {
        return Ok(Err(Refusal::Refused("from a laptop a lead removed from the community".into())));
    }
    let mut public_key = stored_key.clone();
    // What the segment says of its own device, as merge will store it: per column, the op with
    // the latest clock (not the last listed, which a crafted segment could order otherwise).
    let mut latest: std::collections::HashMap<&str, &Op> = std::collections::HashMap::new();
    for op in ops.iter().filter(|op| op.table == "devices" && op.row == device) {
        match latest.get(op.column.as_str()) {
            // Two values for one field at one clock: admission would verify one and merge
            // store the other.
            Some(seen) if seen.hlc == op.hlc => {
                return Ok(Err(Refusal::Refused("names two values for one field of its roster entry".into())));
            }
            Some(seen) if seen.hlc > op.hlc => {}
            _ => {
                latest.insert(op.column.as_str(), op);
            }
        }
    }
    for (column, op) in latest {
        match column {
            "public_key" => public_key = text(&op.value),
            "member_id" => member = text(&op.value),
            "invitation_id" => invitation_id = text(&op.value),
            "endorsement" => endorsement = text(&op.value),
            _ => {}
        }
    }
    if !stored_key.is_empty() && stored_key != signer {
        return Ok(Err(Refusal::Refused("signed by a key the roster does not hold for this device".into())));
    }
    if public_key != signer {
        if let Some(cause) = entry_waits_for_clock(conn, device, signer, now)? {
            return Ok(Err(Refusal::Waiting(cause)));
        }
        return Ok(Err(Refusal::Refused("from a device the roster does not know".into())));
    }
    if signer == trust_root {
        return Ok(Ok(Admitted { member, root: true }));
    }
    if invitation_id.is_empty() {
        return Ok(Err(Refusal::Refused("from a device no invitation let in".into())));
    }
    let invitation: Option<(String, String, bool)> = conn
        .prepare_cached("SELECT public_key, member_id, deleted FROM invitations WHERE id = ?1")?
        .query_row([&invitation_id], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))
        .optional()?;
    let Some((invitation_key, invited_member, withdrawn)) = invitation else {
        return Ok(Err(Refusal::Waiting("waits for the invitation that lets its device in".into())));
    };
    if withdrawn {
        return Ok(Err(Refusal::Refused("let in by an invitation a lead withdrew".into())));
    }
    let verified = decode_key(&invitation_key).zip(decode::<64>(&endorsement)).is_some_and(|(key, signature)| {
        key.verify_strict(
            &endorsement_message(device, &public_key, &member),
            &ed25519_dalek::Signature::from_bytes(&signature),
        )
        .is_ok()
    });
    if !verified {
        return Ok(Err(Refusal::Refused("its device's invitation signature does not match".into())));
    }
    if member != invited_member {
        return Ok(Err(Refusal::Refused("its device speaks for a member its invitation does not name".into())));
    }
    // An invitation admits one laptop: the first endorsement this replica saw. A removed
    // laptop keeps its row (deleted), so its invitation cannot let a new laptop in either.
    let used: bool = conn
        .prepare_cached("SELECT count(*) > 0 FROM devices WHERE invitation_id = ?1 AND id != ?2")?
        .query_row([invitation_id.as_str(), device], |row| row.get(0))?;
    if used {
        return Ok(Err(Refusal::Refused("let in by an invitation another laptop already used".into())));
    }
    Ok(Ok(Admitted { member, root: false }))
}

/// Why `device`'s segments wait, when its own roster entry (naming `signer`) was set aside
/// because its laptop's clock ran ahead when it joined: in words, with its member's name and how
/// long until this laptop's clock gets there. None when nothing of the kind was set aside.
fn entry_waits_for_clock(
    conn: &Connection,
    device: &str,
    signer: &str,
    now: crate::clock::Millis,
) -> Result<Option<String>> {
    let waiting: Option<(String, String)> = conn
        .prepare_cached(
            "SELECT q.hlc, coalesce((SELECT m.display_name FROM members m WHERE m.id = q.author), 'a member')
             FROM quarantined_ops q
             WHERE q.tbl = 'devices' AND q.row_id = ?1 AND q.col = 'public_key' AND q.value = ?2 AND q.reason = ?3
             ORDER BY q.hlc DESC LIMIT 1",
        )?
        .query_row(rusqlite::params![device, signer, crate::sync::ops::AHEAD_OF_CLOCK], |row| {
            Ok((row.get(0)?, row.get(1)?))
        })
        .optional()?;
    let Some((hlc, name)) = waiting else { return Ok(None) };
    let ahead = crate::store::write::Hlc::parse(&hlc).map(|h| h.millis).unwrap_or(0) - now.0;
    Ok(Some(format!(
        "from {name}'s laptop, whose clock was {} ahead when it joined: it is let in when this laptop's clock gets there",
        crate::clock::span_words(ahead.max(0))
    )))
}

/// Whether this replica knows `signer` as `device`'s key (or as the founding laptop's).
pub(crate) fn knows_key(conn: &Connection, trust_root: &str, device: &str, signer: &str) -> Result<bool> {
    if signer == trust_root {
        return Ok(true);
    }
    let stored: Option<String> = conn
        .prepare_cached("SELECT public_key FROM devices WHERE id = ?1")?
        .query_row([device], |row| row.get(0))
        .optional()?;
    Ok(stored.as_deref() == Some(signer))
}

/// Whether the laptop with this public key may hand out community keys: a lead's laptop still
/// in the roster, or the founding one. None when this replica does not know the laptop yet.
pub(crate) fn hands_out_keys(conn: &Connection, trust_root: &str, signer: &str) -> Result<Option<bool>> {
    let device: Option<(String, bool)> = conn
        .prepare_cached("SELECT member_id, deleted FROM devices WHERE public_key = ?1 ORDER BY deleted DESC LIMIT 1")?
        .query_row([signer], |row| Ok((row.get(0)?, row.get(1)?)))
        .optional()?;
    Ok(match device {
        Some((_, true)) => Some(false),
        _ if signer == trust_root => Some(true),
        None => None,
        Some((member, false)) => Some(
            conn.prepare_cached("SELECT role = 'lead' FROM members WHERE id = ?1 AND deleted = 0")?
                .query_row([&member], |row| row.get(0))
                .optional()?
                .unwrap_or(false),
        ),
    })
}

/// The laptops in the roster (not removed), with their public keys.
pub(crate) fn laptops(conn: &Connection) -> Result<Vec<(String, String)>> {
    Ok(conn
        .prepare("SELECT id, public_key FROM devices WHERE deleted = 0 AND public_key != '' ORDER BY id")?
        .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?)
}

/// Whether an op speaks for the segment's device as that device may: stamped with its own
/// clock, and written as its own member (the founding laptop, which the window lets switch
/// between members on a shared laptop, may write as any member; rules still apply to that
/// member). The rule for the op itself is [`crate::store::rules::permitted`].
pub(crate) fn speaks_for(segment_device: &str, admitted: &Admitted, op: &Op) -> std::result::Result<(), String> {
    match crate::store::write::Hlc::parse(&op.hlc) {
        None => return Err("stamped with a clock that is not one (a counter past its limit, a wrong width)".into()),
        Some(hlc) if hlc.device != segment_device => return Err("stamped with another device's clock".into()),
        Some(_) => {}
    }
    if !admitted.root && op.author != admitted.member {
        return Err("claims to be written by another member".into());
    }
    Ok(())
}

/// Writes an invitation file, readable only by its user (it holds a secret).
pub fn write_invitation(path: &std::path::Path, invitation: &Invitation) -> Result<()> {
    // Not the content-addressed writer: that one leaves an existing file as it is, and an
    // older invitation under the same name must be replaced.
    crate::sync::crypto::replace_private(path, &serde_json::to_vec_pretty(invitation).expect("invitations serialise"))
}

/// Reads an invitation from a file, or from its code given directly.
pub fn read_invitation(file_or_code: &str) -> Result<Invitation> {
    if file_or_code.trim_start().starts_with(CODE_PREFIX) {
        return Invitation::parse(file_or_code);
    }
    let path = std::path::Path::new(file_or_code);
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    Invitation::parse(&text)
}

/// A laptop in the community's roster, as Settings lists them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct DeviceEntry {
    pub id: String,
    /// Whose laptop it is ("" when it has not said).
    pub member_name: String,
    pub this_laptop: bool,
    /// The founding device every replica trusts.
    pub founding: bool,
    /// Let in by an invitation a lead wrote.
    pub invited: bool,
}

/// The laptops this replica knows, this one first.
pub fn devices(library: &Library) -> Result<Vec<DeviceEntry>> {
    let root = library::get_local(library.conn(), "trust_root")?.unwrap_or_default();
    let mut list: Vec<DeviceEntry> = library
        .conn()
        .prepare(
            "SELECT d.id, coalesce(m.display_name, ''), d.public_key, d.invitation_id != ''
             FROM devices d LEFT JOIN members m ON m.id = d.member_id AND m.deleted = 0
             WHERE d.deleted = 0 AND d.public_key != '' ORDER BY m.display_name, d.id",
        )?
        .query_map([], |row| {
            let id: String = row.get(0)?;
            let key: String = row.get(2)?;
            Ok(DeviceEntry {
                this_laptop: id == library.device(),
                founding: key == root,
                id,
                member_name: row.get(1)?,
                invited: row.get(3)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    list.sort_by_key(|d| !d.this_laptop);
    Ok(list)
}

/// A lead removes a laptop from the community (lost, stolen, given away): from the next sync
/// on, every replica refuses what it writes. In an encrypted community a new community key
/// seals everything from now on, handed to every other laptop at the next sync: the removed
/// one cannot read what is shared after its removal.
pub fn remove_device(library: &mut Library, device_id: &str) -> Result<()> {
    if !Viewer::me(library)?.is_lead {
        return Err(Error::Forbidden { action: "remove laptops", reason: "only the community's leads may".into() });
    }
    if device_id == library.device() {
        return Err(Error::invalid("device", "this is the laptop you are using; remove it from another lead's laptop"));
    }
    let known: bool =
        library.conn().query_row("SELECT count(*) > 0 FROM devices WHERE id = ?1", [device_id], |row| row.get(0))?;
    if !known {
        return Err(Error::NotFound { entity: "device", id: device_id.to_owned() });
    }
    // The new key first: a crash between the two leaves one key too many, never a removal
    // without a new key.
    crate::sync::envelopes::renew(library.root(), library.now().0)?;
    library.write(|w| w.apply("devices", device_id, &[("deleted", Value::Integer(1))]))
}

/// Whether a lead removed this laptop from the community: its roster entry says so, or (in an
/// encrypted community, where it cannot read the removal) a lead's signed notice on the
/// target did.
pub fn removed(library: &Library) -> Result<bool> {
    let in_roster = library
        .conn()
        .query_row("SELECT deleted FROM devices WHERE id = ?1", [library.device()], |row| row.get::<_, bool>(0))
        .optional()?
        .unwrap_or(false);
    Ok(in_roster || library::get_local(library.conn(), "removed_notice")?.is_some())
}

/// An invitation no laptop has used yet (as far as this replica knows).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct PendingInvitation {
    pub id: String,
    pub name: String,
    pub created_at: crate::clock::Millis,
}

pub fn pending_invitations(library: &Library) -> Result<Vec<PendingInvitation>> {
    Ok(library
        .conn()
        .prepare(
            "SELECT i.id, i.name, i.created_at FROM invitations i
             WHERE i.deleted = 0 AND NOT EXISTS (SELECT 1 FROM devices d WHERE d.invitation_id = i.id)
             ORDER BY i.created_at DESC",
        )?
        .query_map([], |row| {
            Ok(PendingInvitation { id: row.get(0)?, name: row.get(1)?, created_at: crate::clock::Millis(row.get(2)?) })
        })?
        .collect::<rusqlite::Result<_>>()?)
}

/// A lead withdraws an invitation not used yet (a code sent to the wrong person): no laptop
/// can join with it from the next sync on. A used one is undone by removing its laptop.
pub fn withdraw_invitation(library: &mut Library, id: &str) -> Result<()> {
    if !Viewer::me(library)?.is_lead {
        return Err(Error::Forbidden {
            action: "withdraw invitations",
            reason: "only the community's leads may".into(),
        });
    }
    if !pending_invitations(library)?.iter().any(|i| i.id == id) {
        let used: bool =
            library
                .conn()
                .query_row("SELECT count(*) > 0 FROM devices WHERE invitation_id = ?1", [id], |row| row.get(0))?;
        if used {
            return Err(Error::invalid("invitation", "a laptop already joined with it: remove that laptop instead"));
        }
        return Err(Error::NotFound { entity: "invitation", id: id.to_owned() });
    }
    library.write(|w| w.apply("invitations", id, &[("deleted", Value::Integer(1))]))
}
