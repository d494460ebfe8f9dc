//! Who may write what: the one table of write rules for every synced table and column, used
//! by both ways a change enters a library. [`crate::store::write::Writer::apply`] checks each local
//! change against it (the window's writes), and merge checks each op from another laptop
//! against it, so a member cannot get through a crafted segment what the window would refuse.
//!
//! A change is one write: the columns one row gets at one clock. A rule reads the row's owner
//! and its other values from the database as this replica holds them, with the write's own
//! values over them, never what an op claims about anything else. `id`, `author` and
//! `created_at` are set once by the creator; ids derived from a row's parts are recomputed and
//! compared; each value is checked against its column's type in the schema, the words it may
//! hold, its range, and (for file names) the shape of a hash.
//!
//! To add a synced table or column: the migration, its entry in
//! [`crate::store::write::SYNCED_TABLES`], its words, range or references here if it has any, a
//! branch in [`permitted`] for who may create, change and delete it (a table without one is
//! refused everywhere), and a hostile-member test in `tests/it/hostile.rs`.
//!
//! This module knows tables and columns and the few facts rules need (roles, consent, an
//! initiative's co-leads); it calls no domain function.

use std::collections::HashMap;
use std::sync::OnceLock;

use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension};

use crate::error::Result;
use crate::ids;

mod artefacts;
mod forms;
mod pulse;
mod tables;
mod yearbook;

/// Who writes: the member a change speaks for, and whether they are a lead. The founding
/// laptop writing before anyone chose an identity (the community's first rows) is `founder`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub member: String,
    pub lead: bool,
    pub founder: bool,
}

impl Actor {
    /// The actor for `member` as this replica knows their role.
    pub fn of(conn: &Connection, member: &str, founder: bool) -> Result<Actor> {
        let lead = conn
            .prepare_cached("SELECT role = 'lead' FROM members WHERE id = ?1 AND deleted = 0")?
            .query_row([member], |row| row.get::<_, bool>(0))
            .optional()?
            .unwrap_or(false);
        Ok(Actor { member: member.to_owned(), lead: lead || (founder && member.is_empty()), founder })
    }
}

/// One change to one column of one row, with what the rule needs to see around it.
pub struct Change<'a> {
    pub table: &'a str,
    pub row: &'a str,
    pub column: &'a str,
    pub value: &'a Value,
    /// This change (or its segment) creates the row: it did not exist here before.
    pub creating: bool,
    /// The key that signed it, at merge (a laptop's own roster entry must name that key); None
    /// for a local write, which is this laptop's own.
    pub signer: Option<&'a str>,
    /// The laptop that wrote it (a `devices` row may be written only by its own laptop).
    pub device: &'a str,
    /// When it was written (its clock's milliseconds).
    pub at: i64,
}

/// The row's values as they will stand: what the same change or segment sets, else what the
/// database holds.
pub trait RowValues {
    fn get(&self, column: &str) -> Option<Value>;
}

/// Why a change is refused, in words for a report ("changes another member's profile").
pub type Refusal = String;

/// Rows two laptops may create at once: their ids come from what they are (a photo's content,
/// a member's one stance, support, tag, reaction or hide request) or, for a member, a
/// newcomer's laptop makes its profile before the lead's copy arrives. A second creation's
/// stamps give way to the first's; every other table's rows have fresh ids and one creator.
pub const SHARED_ROWS: &[&str] = &[
    "members",
    "media",
    "media_tags",
    "album_media",
    "story_reactions",
    "stances",
    "initiative_people",
    "hide_requests",
    "ritual_occurrences",
    "rsvps",
    "ritual_hosts",
    "attendance",
    "welcomes",
    "pair_optins",
    "merch_orders",
    "badge_issuers",
    "badge_awards",
    "badge_showcase",
    "pulse_answers",
    "pulse_results",
    "yearbook_pages",
    "yearbook_signatures",
];

/// Columns that hold numbers within a range (inclusive); booleans are 0 or 1.
const RANGES: &[(&str, &str, i64, i64)] = &[
    ("members", "years_in_practice", 0, 80),
    ("members", "celebrate_birthday", 0, 1),
    ("members", "health_opt_out", 0, 1),
    ("members", "feature_me", 0, 1),
    ("members", "welcomes_newcomers", 0, 1),
    ("yearbook_pages", "year", 1900, 2200),
    ("yearbook_pages", "position", 1, 4),
    ("yearbook_signatures", "year", 1900, 2200),
    ("yearbook_signatures", "approved", 0, 1),
    ("dimensions", "number", 1, 99),
    ("care_notes", "closed", 0, 1),
    ("decisions", "closed", 0, 1),
    ("media", "bytes", 0, i64::MAX),
    ("media", "width", 0, u32::MAX as i64),
    ("media", "height", 0, u32::MAX as i64),
    ("media", "orientation", 1, 8),
    ("media", "duration_ms", 0, i64::MAX),
    ("media", "highlight", 0, 1),
    ("media", "hidden", 0, 1),
    ("rituals", "minutes", 5, 24 * 60),
    ("ritual_occurrences", "cancelled", 0, 1),
    ("rsvps", "guests", 0, 20),
    ("ritual_hosts", "willing", 0, 1),
    ("attendance", "went", 0, 1),
    ("bring_items", "brought", 0, 1),
    ("pair_optins", "opted_in", 0, 1),
    ("artefact_files", "bytes", 0, i64::MAX),
    ("artefact_accounts", "hidden", 0, 1),
    ("artefact_versions", "position", 0, 999),
    ("merch_orders", "count", 0, 20),
    ("badges", "requestable", 0, 1),
    ("badge_awards", "awarded_at", 0, i64::MAX),
    ("badge_showcase", "shown", 0, 1),
    ("community", "pulse_threshold", 3, 50),
    ("pulse_rounds", "opens_at", 0, i64::MAX),
    ("pulse_rounds", "closes_at", 0, i64::MAX),
    ("pulse_rounds", "closed_at", 0, i64::MAX),
    ("pulse_results", "respondents", 0, 1_000_000),
];

/// The rows a row refers to, by column: a change whose referred row has not arrived here yet
/// waits for it rather than being judged without it.
pub const REFERENCES: &[(&str, &str, &str)] = &[
    ("story_responses", "story_id", "stories"),
    ("story_reactions", "story_id", "stories"),
    ("care_notes", "member_id", "members"),
    ("care_messages", "note_id", "care_notes"),
    ("accomplishments", "member_id", "members"),
    ("initiative_moves", "initiative_id", "initiatives"),
    ("initiative_people", "initiative_id", "initiatives"),
    ("initiative_updates", "initiative_id", "initiatives"),
    ("decisions", "initiative_id", "initiatives"),
    ("stances", "decision_id", "decisions"),
    ("media_tags", "media_id", "media"),
    ("media_tags", "member_id", "members"),
    ("hide_requests", "media_id", "media"),
    ("album_media", "album_id", "albums"),
    ("album_media", "media_id", "media"),
    ("ritual_occurrences", "ritual_id", "rituals"),
    ("rsvps", "ritual_id", "rituals"),
    ("rsvps", "member_id", "members"),
    ("ritual_hosts", "ritual_id", "rituals"),
    ("ritual_hosts", "member_id", "members"),
    ("attendance", "ritual_id", "rituals"),
    ("attendance", "member_id", "members"),
    ("bring_items", "ritual_id", "rituals"),
    ("welcomes", "ritual_id", "rituals"),
    ("welcomes", "newcomer_id", "members"),
    ("welcomes", "welcomer_id", "members"),
    ("pair_optins", "member_id", "members"),
    ("artefact_files", "artefact_id", "artefacts"),
    ("artefact_files", "version_id", "artefact_versions"),
    ("artefact_accounts", "artefact_id", "artefacts"),
    ("artefact_versions", "artefact_id", "artefacts"),
    ("artefact_versions", "decision_id", "decisions"),
    ("merch_orders", "version_id", "artefact_versions"),
    ("merch_orders", "member_id", "members"),
    ("badge_awards", "badge_id", "badges"),
    ("badge_awards", "member_id", "members"),
    ("badge_showcase", "member_id", "members"),
    ("badge_showcase", "issuer_id", "badge_issuers"),
    ("pulse_answers", "round_id", "pulse_rounds"),
    ("pulse_answers", "member_id", "members"),
    ("pulse_results", "round_id", "pulse_rounds"),
    ("yearbook_signatures", "member_id", "members"),
];

/// The words some columns may hold; any other value is refused.
const WORDS: &[(&str, &str, &[&str])] = &[
    ("members", "role", &["lead", "member", "newcomer", "alumni"]),
    ("members", "photo_consent", &["allow", "ask", "never"]),
    ("stories", "kind", &["personal", "learning"]),
    ("stories", "visibility", &["community", "leads", "members"]),
    ("story_reactions", "reaction", REACTIONS),
    ("accomplishments", "kind", &["promotion", "publication", "certification", "milestone", "thanks"]),
    ("care_notes", "audience_kind", &["leads", "members"]),
    ("initiatives", "status", STATUSES),
    ("initiative_moves", "from_status", STATUSES),
    ("initiative_moves", "to_status", STATUSES),
    ("initiative_people", "kind", &["support", "colead", "helper", "follower"]),
    ("initiative_updates", "kind", &["comment", "progress"]),
    ("stances", "stance", &["agree", "abstain", "disagree", "block"]),
    ("moments", "kind", &["dinner", "outing", "meeting", "conference", "celebration", "other"]),
    ("media", "kind", &["photo", "video"]),
    ("media", "format", crate::store::blobs::MEDIA_FORMATS),
    ("media_tags", "status", &["tagged", "requested"]),
    ("hide_requests", "status", &["open", "hidden", "kept"]),
    ("rsvps", "scope", &["one", "following"]),
    ("rsvps", "answer", &["going", "maybe", "not_going"]),
    ("attendance", "source", &["self", "lead"]),
    ("artefacts", "kind", ARTEFACT_KINDS),
    ("artefacts", "visibility", &["community", "leads"]),
    ("artefact_files", "kind", &["image", "audio", "video", "document"]),
    ("artefact_files", "format", crate::store::blobs::FORMATS),
    ("artefact_versions", "status", &["idea", "choosing", "made", "retired"]),
    ("badge_awards", "status", &["requested", "offered", "accepted", "hidden", "returned", "declined", "revoked"]),
    ("badge_awards", "source", &["manual", "requested", "automatic"]),
    ("pulse_rounds", "kind", &["open", "confidential"]),
];
/// What an artefact may be (as `artefacts::registry::Kind` names them).
pub const ARTEFACT_KINDS: &[&str] = &["song", "mascot", "logo", "garment", "sign", "object", "document", "other"];
const STATUSES: &[&str] = &["idea", "gathering", "active", "done", "paused", "dropped"];

/// Columns holding a file's hash: 64 hex digits (or empty where a row may have none).
const HASHES: &[(&str, &str, bool)] = &[
    ("media", "hash", false),
    ("media", "thumb_hash", true),
    ("media", "preview_hash", true),
    ("members", "portrait", true),
    ("initiatives", "cover", true),
    ("artefact_files", "hash", false),
    ("badges", "image", true),
];
/// Columns holding a JSON list of file hashes.
const HASH_LISTS: &[(&str, &str)] =
    &[("stories", "photos"), ("celebration_messages", "photos"), ("initiative_updates", "photos")];

/// The reactions a story can get, named for what they say.
pub const REACTIONS: &[&str] = &["heart", "thanks", "insight", "hug", "laugh"];

/// Where an initiative may go from `from` (as `initiatives::Status::next` says;
/// `done` only by closing an active or paused one).
fn lifecycle_allows(from: &str, to: &str) -> bool {
    let next: &[&str] = match from {
        "idea" => &["gathering", "paused", "dropped"],
        "gathering" => &["idea", "active", "paused", "dropped"],
        "active" => &["gathering", "paused", "dropped", "done"],
        "paused" => &["idea", "gathering", "active", "dropped", "done"],
        "dropped" => &["idea"],
        _ => &[],
    };
    next.contains(&to)
}

/// Each synced column's declared type and whether it may be NULL, from the schema itself
/// (table → column → (type, not null)).
type Schema = HashMap<&'static str, HashMap<&'static str, (String, bool)>>;

fn schema() -> &'static Schema {
    static SCHEMA: OnceLock<Schema> = OnceLock::new();
    SCHEMA.get_or_init(|| {
        let conn = crate::store::db::open_in_memory().expect("the schema opens in memory");
        let mut map: Schema = HashMap::new();
        for (table, columns) in crate::store::write::SYNCED_TABLES {
            let mut stmt = conn
                .prepare(&format!("SELECT name, type, \"notnull\" FROM pragma_table_info('{table}')"))
                .expect("pragma_table_info reads");
            let rows = stmt
                .query_map([], |row| Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?, row.get::<_, bool>(2)?)))
                .expect("pragma_table_info reads");
            for (column, kind, not_null) in rows.flatten() {
                let name = columns
                    .iter()
                    .chain(crate::store::write::ROW_COLUMNS)
                    .find(|c| **c == column)
                    .expect("the registry lists every column (changes::tests::registry_matches_schema)");
                map.entry(*table).or_default().insert(name, (kind, not_null));
            }
        }
        map
    })
}

/// Whether `value` fits `table.column` as the schema declares it and as its meaning allows.
pub fn check_value(table: &str, column: &str, value: &Value) -> std::result::Result<(), Refusal> {
    let Some((kind, not_null)) = schema().get(table).and_then(|columns| columns.get(column)) else {
        return Err(format!("writes {table}.{column}, which is not a synced column"));
    };
    let fits = match (kind.as_str(), value) {
        (_, Value::Null) => !not_null,
        ("TEXT", Value::Text(_)) | ("INTEGER", Value::Integer(_)) | ("REAL", Value::Real(_) | Value::Integer(_)) => {
            true
        }
        ("BLOB", Value::Blob(_)) | ("ANY", _) => true,
        _ => false,
    };
    if !fits {
        return Err(format!("puts {} into {table}.{column}, which holds {}", describe(value), kind.to_lowercase()));
    }
    if let Value::Text(text) = value {
        if text.len() > 1_000_000 {
            return Err(format!("puts {} bytes of text into {table}.{column}", text.len()));
        }
    }
    if let Some((.., low, high)) = RANGES.iter().find(|(t, c, ..)| *t == table && *c == column) {
        if !matches!(value, Value::Null) && !matches!(value, Value::Integer(n) if (low..=high).contains(&n)) {
            return Err(format!("puts {} into {table}.{column}, which holds {low} to {high}", describe(value)));
        }
    }
    if column == "deleted" && !matches!(value, Value::Integer(0 | 1)) {
        return Err(format!("puts {} into {table}.deleted, which holds 0 or 1", describe(value)));
    }
    if let Some((_, _, words)) = WORDS.iter().find(|(t, c, _)| *t == table && *c == column) {
        if !matches!(value, Value::Text(text) if words.contains(&text.as_str())) {
            return Err(format!(
                "puts {} into {table}.{column}, which holds one of {}",
                describe(value),
                words.join(", ")
            ));
        }
    }
    forms::check(table, column, value)?;
    if let Some((_, _, may_be_empty)) = HASHES.iter().find(|(t, c, _)| *t == table && *c == column) {
        let ok = matches!(value, Value::Text(text) if crate::store::blobs::is_hash(text) || (*may_be_empty && text.is_empty()));
        if !ok {
            return Err(format!("puts {} into {table}.{column}, which names a file by its hash", describe(value)));
        }
    }
    if HASH_LISTS.iter().any(|(t, c)| *t == table && *c == column) {
        let ok = matches!(value, Value::Text(text)
            if serde_json::from_str::<Vec<String>>(text).is_ok_and(|list| list.iter().all(|h| crate::store::blobs::is_hash(h))));
        if !ok {
            return Err(format!("puts {} into {table}.{column}, which lists files by their hashes", describe(value)));
        }
    }
    Ok(())
}

fn describe(value: &Value) -> String {
    match value {
        Value::Null => "nothing".into(),
        Value::Integer(i) => format!("the number {i}"),
        Value::Real(r) => format!("the number {r}"),
        Value::Text(t) => format!("the text {:?}", t.chars().take(40).collect::<String>()),
        Value::Blob(b) => format!("{} bytes of binary data", b.len()),
    }
}

fn text(value: Option<Value>) -> String {
    match value {
        Some(Value::Text(text)) => text,
        _ => String::new(),
    }
}

/// An integer column as text for a derived id ("" when it is not an integer).
fn number(value: Option<Value>) -> String {
    match value {
        Some(Value::Integer(n)) => n.to_string(),
        _ => String::new(),
    }
}

/// What is wrong with a change whatever else has arrived: a value that does not fit its
/// column, or an id that does not match what its row is about.
pub fn intrinsic(
    table: &str,
    row_id: &str,
    column: &str,
    value: &Value,
    row: &dyn RowValues,
) -> std::result::Result<(), Refusal> {
    check_value(table, column, value)?;
    if column != "updated_at" {
        if let Some(expected) = derived_id(table, row) {
            if expected != row_id {
                return Err(format!("gives {} an id that does not match what it is about", a(noun(table))));
            }
        }
    }
    Ok(())
}

/// Whether `change`, written by `actor`, may stand. `Ok(Err(why))` when it may not.
pub fn permitted(
    conn: &Connection,
    actor: &Actor,
    change: &Change,
    row: &dyn RowValues,
) -> Result<std::result::Result<(), Refusal>> {
    if let Err(why) = intrinsic(change.table, change.row, change.column, change.value, row) {
        return Ok(Err(why));
    }
    allowed(conn, actor, change, row)
}

/// [`permitted`] for a change whose value already passed [`intrinsic`] (merge checks values
/// for a whole write first).
pub fn allowed(
    conn: &Connection,
    actor: &Actor,
    change: &Change,
    row: &dyn RowValues,
) -> Result<std::result::Result<(), Refusal>> {
    let Change { table, column, value, creating, .. } = *change;
    let me = actor.member.as_str();
    let noun = noun(table);
    // A row refers only to rows that are here (merge holds such a change until they arrive).
    for (_, reference, refers_to) in REFERENCES.iter().filter(|(t, ..)| *t == table) {
        if !(creating || column == *reference) {
            continue;
        }
        let target = text(row.get(reference));
        if !target.is_empty() && stored(conn, refers_to, &target, "id")?.is_none() {
            return Ok(Err(format!("refers to {} that is not here", a(crate::store::rules::noun(refers_to)))));
        }
    }
    // What every row shares: set once by its creator.
    match column {
        "id" => {
            return Ok(if matches!(value, Value::Text(id) if id == change.row) {
                Ok(())
            } else {
                Err("changes a row's id".into())
            })
        }
        "author" => {
            let claimed = matches!(value, Value::Text(author) if author == me);
            return Ok(match (creating, claimed) {
                (true, true) => Ok(()),
                (true, false) => Err("claims to be written by another member".into()),
                (false, _) if stored(conn, table, change.row, "author")? == Some(value.clone()) => Ok(()),
                (false, _) => Err(format!("changes who wrote {}", a(noun))),
            });
        }
        "created_at" => {
            return Ok(if creating || stored(conn, table, change.row, "created_at")? == Some(value.clone()) {
                Ok(())
            } else {
                Err(format!("changes when {} was written", a(noun)))
            })
        }
        "updated_at" => return Ok(Ok(())),
        _ => {}
    }
    tables::by_table(&tables::Judged { conn, actor, change, row, me, noun })
}

/// What a table's row is called in a refusal ("story", as in "someone else's story").
pub fn noun(table: &str) -> &'static str {
    match table {
        "stories" => "story",
        "story_responses" => "response",
        "story_reactions" => "reaction",
        "celebration_messages" => "celebration message",
        "initiative_people" => "support or role",
        "initiative_updates" => "initiative update",
        "stances" => "stance",
        "accomplishments" => "accomplishment",
        "care_notes" => "care note",
        "care_messages" => "care message",
        "moments" => "moment",
        "albums" => "album",
        "album_media" => "album's photo",
        "media" => "photo",
        "media_tags" => "tag",
        "hide_requests" => "request to hide a photo",
        "initiatives" => "initiative",
        "decisions" => "decision",
        "members" => "member",
        "community" => "community",
        "dimensions" => "dimension",
        "story_prompts" => "story prompt",
        "invitations" => "invitation",
        "devices" => "laptop's entry in the roster",
        "initiative_moves" => "initiative's move",
        "rituals" => "ritual",
        "ritual_occurrences" => "ritual's occurrence",
        "rsvps" => "RSVP",
        "ritual_hosts" => "offer to host",
        "attendance" => "attendance",
        "bring_items" => "item on a bring list",
        "welcomes" => "welcome",
        "pair_optins" => "choice about conversation pairs",
        "pair_rounds" => "round of conversation pairs",
        "artefacts" => "artefact",
        "artefact_files" => "artefact's file",
        "artefact_accounts" => "account of an artefact",
        "artefact_versions" => "artefact's version",
        "merch_orders" => "order of sizes",
        "badge_issuers" => "issuer key",
        "badges" => "badge",
        "badge_awards" => "award",
        "badge_showcase" => "badge on a profile",
        "badge_revocations" => "revocation of a badge",
        "pulse_rounds" => "pulse round",
        "pulse_answers" => "answer to a pulse round",
        "pulse_results" => "pulse round's results",
        "yearbook_pages" => "yearbook page",
        "yearbook_signatures" => "yearbook signature",
        _ => "row",
    }
}

/// The noun with its article: "a story", "an album".
pub fn a(noun: &str) -> String {
    let article = if noun.starts_with(['a', 'e', 'i', 'o', 'u']) { "an" } else { "a" };
    format!("{article} {noun}")
}

/// The id a row must have when it is derived from its parts (one per member, or per content),
/// None for rows with free ids.
fn derived_id(table: &str, row: &dyn RowValues) -> Option<String> {
    let get = |column: &str| text(row.get(column));
    let author = get("author");
    Some(match table {
        "media" => ids::derived(&["media", &get("hash")]),
        "media_tags" => ids::derived(&["tag", &get("media_id"), &get("member_id")]),
        "hide_requests" => ids::derived(&["hide", &get("media_id"), &author]),
        "stances" => ids::derived(&["stance", &get("decision_id"), &author]),
        "initiative_people" => ids::derived(&["initiative_people", &get("initiative_id"), &author, &get("kind")]),
        "story_reactions" => ids::derived(&["story_reaction", &get("story_id"), &author, &get("reaction")]),
        "album_media" => ids::derived(&["album", &get("album_id"), &get("media_id")]),
        "rsvps" => {
            ids::derived(&["rsvps", &get("ritual_id"), &get("member_id"), &get("occurrence_key"), &get("scope")])
        }
        "attendance" => ids::derived(&["attendance", &get("ritual_id"), &get("occurrence_key"), &get("member_id")]),
        "ritual_hosts" => ids::derived(&["ritual_hosts", &get("ritual_id"), &get("member_id")]),
        "ritual_occurrences" => ids::derived(&["ritual_occurrences", &get("ritual_id"), &get("occurrence_key")]),
        "welcomes" => ids::derived(&["welcomes", &get("ritual_id"), &get("occurrence_key"), &get("newcomer_id")]),
        "pair_optins" => ids::derived(&["pair_optins", &get("member_id")]),
        "merch_orders" => ids::derived(&["merch_orders", &get("version_id"), &get("member_id")]),
        "badge_issuers" => ids::derived(&["badge_issuers", &get("did")]),
        "badge_awards" => ids::derived(&["badge_awards", &get("badge_id"), &get("member_id")]),
        "badge_showcase" => ids::derived(&["badge_showcase", &get("badge_id"), &get("member_id")]),
        "badge_revocations" => ids::derived(&["badge_revocations", &get("credential_id")]),
        "pulse_answers" => ids::derived(&["pulse_answers", &get("round_id"), &get("member_id")]),
        "pulse_results" => ids::derived(&["pulse_results", &get("round_id")]),
        "yearbook_pages" => {
            ids::derived(&["yearbook_pages", &author, &number(row.get("year")), &number(row.get("position"))])
        }
        "yearbook_signatures" => {
            ids::derived(&["yearbook_signatures", &author, &get("member_id"), &number(row.get("year"))])
        }
        _ => return None,
    })
}

fn stored(conn: &Connection, table: &str, row: &str, column: &str) -> Result<Option<Value>> {
    // Table and column names are checked against the schema before any rule runs.
    Ok(conn
        .prepare_cached(&format!("SELECT {column} FROM {table} WHERE id = ?1"))?
        .query_row([row], |r| r.get(0))
        .optional()?)
}

/// A member's photo consent ("ask" when not known here: the column's default).
fn consent(conn: &Connection, member: &str) -> Result<String> {
    let consent = text(stored(conn, "members", member, "photo_consent")?);
    Ok(if consent.is_empty() { "ask".into() } else { consent })
}

/// Whether the actor may move an initiative: a lead, its proposer or one of its co-leads.
fn may_move_initiative(conn: &Connection, actor: &Actor, initiative: &str) -> Result<bool> {
    if actor.lead {
        return Ok(true);
    }
    let proposer = text(stored(conn, "initiatives", initiative, "author")?);
    if proposer == actor.member && !proposer.is_empty() {
        return Ok(true);
    }
    let colead = ids::derived(&["initiative_people", initiative, &actor.member, "colead"]);
    Ok(conn
        .prepare_cached("SELECT 1 FROM initiative_people WHERE id = ?1 AND deleted = 0")?
        .query_row([&colead], |_| Ok(()))
        .optional()?
        .is_some())
}

/// Whether the actor is in a care note's audience (as `care::visible_to` decides for reads).
fn sees_care_note(conn: &Connection, actor: &Actor, note: &str) -> Result<bool> {
    let found: Option<(String, String, String, String)> = conn
        .prepare_cached(
            "SELECT author, member_id, audience_kind, audience FROM care_notes WHERE id = ?1 AND deleted = 0",
        )?
        .query_row([note], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .optional()?;
    let Some((author, about, kind, audience)) = found else { return Ok(false) };
    let me = actor.member.as_str();
    Ok(author == me
        || about == me
        || match kind.as_str() {
            "leads" => actor.lead,
            _ => serde_json::from_str::<Vec<String>>(&audience).unwrap_or_default().iter().any(|m| m == me),
        })
}

/// A row's values during a local write: the columns being written, else the database's.
pub(crate) struct Writing<'a> {
    pub conn: &'a Connection,
    pub table: &'a str,
    pub row: &'a str,
    pub columns: &'a [(&'a str, Value)],
}

impl RowValues for Writing<'_> {
    fn get(&self, column: &str) -> Option<Value> {
        if let Some((_, value)) = self.columns.iter().rev().find(|(c, _)| *c == column) {
            return Some(value.clone());
        }
        stored(self.conn, self.table, self.row, column).ok().flatten()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_checked_against_the_schema() {
        assert!(
            check_value("members", "years_in_practice", &Value::Text("lots".into())).is_err(),
            "text into a number"
        );
        assert!(check_value("members", "display_name", &Value::Null).is_err(), "NULL into NOT NULL");
        assert!(check_value("members", "bio", &Value::Blob(vec![1, 2])).is_err(), "a blob into text");
        assert!(check_value("media", "latitude", &Value::Null).is_ok(), "latitude may be unknown");
        assert!(check_value("media", "latitude", &Value::Integer(3)).is_ok(), "an integer is a real number");
        assert!(check_value("media", "format", &Value::Text("jpg/../../x".into())).is_err(), "formats are words");
        assert!(check_value("media", "hash", &Value::Text("../../etc".into())).is_err(), "hashes are hex");
        assert!(check_value("members", "role", &Value::Text("owner".into())).is_err(), "roles are words");
        assert!(
            check_value("stories", "photos", &Value::Text("[\"../x\"]".into())).is_err(),
            "photo lists hold hashes"
        );
        assert!(check_value("members", "role", &Value::Text("lead".into())).is_ok());
    }

    #[test]
    fn lifecycle_matches_the_initiatives_own() {
        use crate::initiatives::Status;
        let all = [Status::Idea, Status::Gathering, Status::Active, Status::Done, Status::Paused, Status::Dropped];
        for from in all {
            for to in all {
                let closes = to == Status::Done && matches!(from, Status::Active | Status::Paused);
                assert_eq!(
                    lifecycle_allows(from.as_str(), to.as_str()),
                    from.next().contains(&to) || closes,
                    "{} → {}: the merge rule and the board must agree",
                    from.as_str(),
                    to.as_str()
                );
            }
        }
    }
}
