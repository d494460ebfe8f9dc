//! Pulse rounds: a lead opens one; each member answers, per dimension, where the community is
//! now and where they wish it were (0–10, or "don't know"), with a note; it closes by hand or
//! when its time is up, and its results are published as one synced row.
//!
//! Two kinds, chosen when opening:
//! - **open**: answers are ordinary signed rows, visible with names once the round closes;
//! - **confidential**: each answer is sealed (X25519 and XChaCha20-Poly1305, `sync::crypto`) to a
//!   key of that round whose secret never leaves the opening lead's laptop (`pulse.keys`
//!   beside the database, never synced). Every other laptop holds only ciphertext. At the close
//!   that laptop opens the answers in memory, publishes only the aggregates, blanks the sealed
//!   answers and forgets the key, so no laptop can ever read an individual answer again. The
//!   window says that the opening lead's laptop could read answers before the close.

use base64::Engine;
use rusqlite::types::Value;
use rusqlite::OptionalExtension;
use serde::{Deserialize, Serialize};

use crate::clock::Millis;
use crate::error::{Error, Result};
use crate::people::members::{person, Person};
use crate::store::library::Library;
use crate::sync::crypto::{self, AudienceKey, CommunityKey};
use crate::viewer::Viewer;

/// The two kinds of round.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum RoundKind {
    Open,
    Confidential,
}

/// One member's answer: for each of the round's dimensions, now and wished-for (0–10), or
/// None for "don't know"; and a note.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct PulseAnswer {
    pub now: Vec<Option<u8>>,
    pub wished: Vec<Option<u8>>,
    pub note: String,
}

/// A dimension as the round asked it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct RoundDimension {
    pub id: String,
    pub name: String,
}

/// A round as a member sees it.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct Round {
    pub id: String,
    pub kind: RoundKind,
    pub title: String,
    pub opened_by: Person,
    pub opened_at: Millis,
    pub closes_at: Millis,
    pub closed_at: Option<Millis>,
    pub dimensions: Vec<RoundDimension>,
    /// How many answered, and how many members there are: a count, never a list.
    pub answered: u32,
    pub members: u32,
    /// Whether the member at this laptop answered, and (open rounds) their answer.
    pub i_answered: bool,
    pub my_answer: Option<PulseAnswer>,
    /// Whether this laptop holds the round's key (confidential: it alone can close and tally).
    pub tallied_here: bool,
    /// Whether this member may close it now.
    pub can_close: bool,
    /// Once closed: the results (aggregates behind the thresholds).
    pub results: Option<super::tally::Results>,
    /// Open rounds, once closed: each answer with its member's name, to talk about.
    pub answers: Vec<NamedAnswer>,
    /// For the lead who may close it: the notes written so far, in alphabetical order (never
    /// with names), to summarise at the close.
    pub notes_to_summarise: Vec<String>,
}

/// An open round's answer with its member.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct NamedAnswer {
    pub member: Person,
    #[serde(flatten)]
    pub answer: PulseAnswer,
}

const KEY_FILE: &str = "pulse.keys";
/// Longest a round may stay open (days).
pub const MAX_DAYS: u32 = 90;

fn lead(library: &Library, action: &'static str) -> Result<Viewer> {
    let viewer = Viewer::me(library)?;
    if !viewer.is_lead {
        return Err(Error::Forbidden { action, reason: "the leads may".into() });
    }
    Ok(viewer)
}

/// The round keys this laptop holds: (round id, key).
fn keys(library: &Library) -> Result<Vec<(String, AudienceKey)>> {
    let path = library.root().join(KEY_FILE);
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(Error::io(&path, e)),
    };
    Ok(text
        .lines()
        .filter_map(|line| {
            let (round, key) = line.split_once(' ')?;
            Some((round.to_owned(), AudienceKey::from_text(key)?))
        })
        .collect())
}

fn save_keys(library: &Library, keys: &[(String, AudienceKey)]) -> Result<()> {
    let text: String = keys.iter().map(|(round, key)| format!("{round} {}\n", key.to_text())).collect();
    crypto::replace_private(&library.root().join(KEY_FILE), text.as_bytes())
}

/// Opens a round (leads) for `days` (1–90; 21 by default in the window) of `kind`.
pub fn open(library: &mut Library, kind: RoundKind, title: &str, days: u32) -> Result<Round> {
    lead(library, "open a pulse round")?;
    if !(1..=MAX_DAYS).contains(&days) {
        return Err(Error::invalid("days", format!("open it for 1 to {MAX_DAYS} days")));
    }
    let title = crate::text::validate_text("title", title, 120)?;
    let dimensions: Vec<RoundDimension> = crate::community::dimensions(library.conn())?
        .into_iter()
        .map(|d| RoundDimension { id: d.id, name: d.name })
        .collect();
    if dimensions.is_empty() {
        return Err(Error::invalid("dimensions", "the community has no dimensions to ask about"));
    }
    let now = library.now();
    let id = library.write(|w| Ok(w.new_id()))?;
    let mut columns = vec![
        (
            "kind",
            Value::Text(
                match kind {
                    RoundKind::Open => "open",
                    RoundKind::Confidential => "confidential",
                }
                .into(),
            ),
        ),
        ("title", Value::Text(title)),
        ("opens_at", Value::Integer(now.0)),
        ("closes_at", Value::Integer(now.0 + i64::from(days) * 86_400_000)),
        ("dimensions", Value::Text(serde_json::to_string(&dimensions).expect("dimensions serialise"))),
        ("tallier", Value::Text(library.device().to_owned())),
    ];
    if kind == RoundKind::Confidential {
        let key = AudienceKey::generate()?;
        let public = base64::engine::general_purpose::STANDARD.encode(key.public().to_bytes());
        columns.push(("public_key", Value::Text(public)));
        let mut held = keys(library)?;
        held.push((id.clone(), key));
        save_keys(library, &held)?;
    }
    library.write(|w| w.apply("pulse_rounds", &id, &columns))?;
    get(library, &id)
}

/// The stored parts of a round.
pub(super) struct Stored {
    pub kind: RoundKind,
    pub title: String,
    pub author: String,
    pub opens_at: i64,
    pub closes_at: i64,
    pub closed_at: i64,
    pub dimensions: Vec<RoundDimension>,
    pub public_key: String,
    pub tallier: String,
}

pub(super) fn stored(library: &Library, id: &str) -> Result<Stored> {
    library
        .conn()
        .query_row(
            "SELECT kind, title, author, opens_at, closes_at, closed_at, dimensions, public_key, tallier
             FROM pulse_rounds WHERE id = ?1 AND deleted = 0",
            [id],
            |r| {
                Ok(Stored {
                    kind: if r.get::<_, String>(0)? == "confidential" {
                        RoundKind::Confidential
                    } else {
                        RoundKind::Open
                    },
                    title: r.get(1)?,
                    author: r.get(2)?,
                    opens_at: r.get(3)?,
                    closes_at: r.get(4)?,
                    closed_at: r.get(5)?,
                    dimensions: serde_json::from_str(&r.get::<_, String>(6)?).unwrap_or_default(),
                    public_key: r.get(7)?,
                    tallier: r.get(8)?,
                })
            },
        )
        .optional()?
        .ok_or_else(|| Error::NotFound { entity: "pulse round", id: id.to_owned() })
}

/// The answer a member may give: one value or "don't know" per dimension, each 0–10.
pub(super) fn check(answer: &PulseAnswer, dimensions: usize) -> Result<PulseAnswer> {
    if answer.now.len() != dimensions || answer.wished.len() != dimensions {
        return Err(Error::invalid(
            "answer",
            format!("answer each of the {dimensions} dimensions (or say you don't know)"),
        ));
    }
    if answer.now.iter().chain(&answer.wished).flatten().any(|v| *v > 10) {
        return Err(Error::invalid("answer", "each answer is 0 to 10"));
    }
    if answer.now.iter().chain(&answer.wished).all(Option::is_none) {
        return Err(Error::invalid("answer", "set at least one slider (the others may stay \"don't know\")"));
    }
    Ok(PulseAnswer { note: crate::text::validate_text("note", &answer.note, 1_000)?, ..answer.clone() })
}

/// Answers a round that is open (again, to change the answer).
pub fn answer(library: &mut Library, id: &str, answer: &PulseAnswer) -> Result<Round> {
    let me = Viewer::me(library)?.member_id.ok_or(Error::NoIdentity)?;
    let round = stored(library, id)?;
    let now = library.now().0;
    if round.closed_at != 0 || now >= round.closes_at {
        return Err(Error::invalid("round", "this round has closed"));
    }
    let answer = check(answer, round.dimensions.len())?;
    let row = crate::ids::derived(&["pulse_answers", id, &me]);
    let columns = match round.kind {
        RoundKind::Open => vec![
            ("answer", Value::Text(serde_json::to_string(&answer).expect("an answer serialises"))),
            ("sealed", Value::Text(String::new())),
        ],
        RoundKind::Confidential => vec![
            ("answer", Value::Text(String::new())),
            ("sealed", Value::Text(seal(&round.public_key, &row, &answer)?)),
        ],
    };
    library.write(|w| {
        let mut all = columns.clone();
        all.push(("round_id", Value::Text(id.to_owned())));
        all.push(("member_id", Value::Text(me.clone())));
        w.apply("pulse_answers", &row, &all)
    })?;
    get(library, id)
}

/// An answer sealed to the round's public key: a fresh key wraps the answer, and is itself
/// sealed to the round's key (`envelope.answer`, both base64).
fn seal(public: &str, row: &str, answer: &PulseAnswer) -> Result<String> {
    let bytes: [u8; 32] = base64::engine::general_purpose::STANDARD
        .decode(public)
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or_else(|| Error::invalid("round", "this round's key is damaged"))?;
    let recipient = curve25519_dalek::montgomery::MontgomeryPoint(bytes);
    let key = CommunityKey::generate()?;
    let envelope = crypto::seal_to(&key, &recipient)?;
    let plain = serde_json::to_vec(answer).expect("an answer serialises");
    let sealed = key.seal(row, &plain)?;
    let b64 = |b: &[u8]| base64::engine::general_purpose::STANDARD.encode(b);
    Ok(format!("{}.{}", b64(&envelope), b64(&sealed)))
}

/// Opens a sealed answer with the round's key (None for one that does not open).
pub(super) fn unseal(key: &AudienceKey, row: &str, text: &str) -> Option<PulseAnswer> {
    let (envelope, sealed) = text.split_once('.')?;
    let b64 = |t: &str| base64::engine::general_purpose::STANDARD.decode(t).ok();
    let wrapping = key.open(&b64(envelope)?)?;
    let plain = wrapping.open(row, &b64(sealed)?).ok()?;
    serde_json::from_slice(&plain).ok()
}

/// The round key this laptop holds for round `id`.
pub(super) fn key_of(library: &Library, id: &str) -> Result<Option<AudienceKey>> {
    Ok(keys(library)?.into_iter().find(|(round, _)| round == id).map(|(_, key)| key))
}

/// Forgets round `id`'s key on this laptop.
pub(super) fn forget_key(library: &Library, id: &str) -> Result<()> {
    let kept: Vec<(String, AudienceKey)> = keys(library)?.into_iter().filter(|(round, _)| round != id).collect();
    save_keys(library, &kept)
}

/// One round. Errors: `NotFound`.
pub fn get(library: &Library, id: &str) -> Result<Round> {
    let viewer = Viewer::me(library)?;
    let round = stored(library, id)?;
    let conn = library.conn();
    let me = viewer.member_id.clone().unwrap_or_default();
    let rows: Vec<(String, String)> = conn
        .prepare_cached(
            "SELECT a.member_id, a.answer FROM pulse_answers a JOIN members m ON m.id = a.member_id
             WHERE a.round_id = ?1 AND a.deleted = 0 AND m.deleted = 0 AND (a.answer != '' OR a.sealed != '')",
        )?
        .query_map([id], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let members: u32 =
        conn.query_row("SELECT count(*) FROM members WHERE deleted = 0 AND role != 'alumni'", [], |r| r.get(0))?;
    let closed = round.closed_at != 0;
    let results = super::tally::published(conn, id)?;
    let tallied_here =
        key_of(library, id)?.is_some() || (round.kind == RoundKind::Open && round.tallier == library.device());
    let my_answer = rows.iter().find(|(m, _)| *m == me).and_then(|(_, a)| serde_json::from_str(a).ok());
    let answers = match (round.kind, closed) {
        (RoundKind::Open, true) => rows
            .iter()
            .filter_map(|(m, a)| {
                Some(NamedAnswer { member: person(conn, m).ok()?, answer: serde_json::from_str(a).ok()? })
            })
            .collect(),
        _ => Vec::new(),
    };
    let can_close = viewer.is_lead && !closed && (round.kind == RoundKind::Open || tallied_here);
    let mut notes_to_summarise: Vec<String> = match (can_close, round.kind) {
        (false, _) => Vec::new(),
        (true, RoundKind::Open) => {
            rows.iter().filter_map(|(_, a)| serde_json::from_str::<PulseAnswer>(a).ok().map(|a| a.note)).collect()
        }
        (true, RoundKind::Confidential) => match key_of(library, id)? {
            None => Vec::new(),
            Some(key) => conn
                .prepare_cached(
                    "SELECT id, sealed FROM pulse_answers WHERE round_id = ?1 AND deleted = 0 AND sealed != ''",
                )?
                .query_map([id], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?
                .collect::<rusqlite::Result<Vec<_>>>()?
                .into_iter()
                .filter_map(|(row, sealed)| unseal(&key, &row, &sealed).map(|a| a.note))
                .collect(),
        },
    };
    notes_to_summarise.retain(|n| !n.trim().is_empty());
    notes_to_summarise.sort();
    Ok(Round {
        id: id.to_owned(),
        kind: round.kind,
        title: round.title,
        opened_by: person(conn, &round.author)?,
        opened_at: Millis(round.opens_at),
        closes_at: Millis(round.closes_at),
        closed_at: closed.then_some(Millis(round.closed_at)),
        dimensions: round.dimensions,
        answered: results.as_ref().map_or(rows.len() as u32, |r| r.respondents),
        members,
        i_answered: rows.iter().any(|(m, _)| *m == me),
        my_answer,
        tallied_here,
        can_close,
        results,
        answers,
        notes_to_summarise,
    })
}

/// Every round, newest first; a round whose time is up is closed and tallied first by the
/// laptop that tallies it.
pub fn list(library: &mut Library) -> Result<Vec<Round>> {
    let ids: Vec<(String, i64, i64)> = library
        .conn()
        .prepare("SELECT id, closes_at, closed_at FROM pulse_rounds WHERE deleted = 0 ORDER BY opens_at DESC, id")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let now = library.now().0;
    let lead = Viewer::me(library)?.is_lead;
    for (id, closes_at, closed_at) in &ids {
        if closed_at == &0
            && now >= *closes_at
            && lead
            && get(library, id)?.can_close
            && library.ensure_writable().is_ok()
        {
            super::tally::close(library, id, "")?;
        }
    }
    ids.iter().map(|(id, ..)| get(library, id)).collect()
}
