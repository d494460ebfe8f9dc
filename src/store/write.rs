//! The one write path for synced tables. A domain function describes a change as column
//! values for one row; [`Writer::apply`] stamps it with the next hybrid-logical-clock reading,
//! writes the row, the per-column clocks and an op-log entry in the caller's transaction.
//! Remote changes will enter through a `merge` beside it (the sync issue); domain reads use
//! the ordinary tables and never see clocks or ops.

use rusqlite::types::Value;
use rusqlite::{params, Connection, OptionalExtension};

use crate::clock::Millis;
use crate::error::{Error, Result};
use crate::ids::IdSource;

/// Columns every synced row has, written by this module rather than by domains.
pub const ROW_COLUMNS: &[&str] = &["id", "author", "created_at", "updated_at", "deleted"];

/// Every synced table and the domain columns a change may set. Nothing outside this list can
/// be written through [`Writer::apply`] (and, later, nothing outside it will be merged).
pub const SYNCED_TABLES: &[(&str, &[&str])] = &[
    ("community", &["name", "description", "pulse_threshold", "primer_stories"]),
    ("dimensions", &["number", "name", "description"]),
    (
        "members",
        &[
            "display_name",
            "role",
            "joined_on",
            "profession",
            "organisation",
            "interests",
            "pronouns",
            "portrait",
            "years_in_practice",
            "expertise",
            "ask_me_about",
            "bio",
            "location",
            "time_zone",
            "contact",
            "birthday",
            "celebrate_birthday",
            "visibility",
            "photo_consent",
            "dietary",
            "access_needs",
            "health_opt_out",
            "feature_me",
            "hidden_dates",
            "welcomes_newcomers",
            "farewell",
            "farewell_on",
        ],
    ),
    ("story_prompts", &["text"]),
    ("stories", &["title", "body", "prompt_id", "kind", "visibility", "audience", "photos"]),
    ("story_responses", &["story_id", "body"]),
    ("story_reactions", &["story_id", "reaction"]),
    ("accomplishments", &["member_id", "kind", "title", "description", "happened_on"]),
    ("celebration_messages", &["occasion", "body", "photos"]),
    ("care_notes", &["member_id", "consent", "audience_kind", "audience", "title", "body", "closed"]),
    ("care_messages", &["note_id", "body"]),
    (
        "initiatives",
        &[
            "title",
            "difference",
            "involves",
            "help_wanted",
            "interests",
            "dimensions",
            "target_date",
            "cover",
            "status",
            "outcome",
            "reflection",
        ],
    ),
    ("initiative_moves", &["initiative_id", "from_status", "to_status"]),
    ("initiative_people", &["initiative_id", "kind", "reason"]),
    ("initiative_updates", &["initiative_id", "kind", "body", "photos"]),
    ("decisions", &["initiative_id", "proposal", "closes_at", "closed", "outcome"]),
    ("stances", &["decision_id", "stance", "reason"]),
    ("moments", &["title", "kind", "starts_at", "ends_at", "place", "description", "story", "learned", "attendees"]),
    (
        "media",
        &[
            "hash",
            "kind",
            "format",
            "file_name",
            "bytes",
            "width",
            "height",
            "orientation",
            "taken_at",
            "taken_offset",
            "sort_at",
            "latitude",
            "longitude",
            "camera",
            "duration_ms",
            "caption",
            "moment_id",
            "highlight",
            "hidden",
            "phash",
            "similar_to",
            "note",
            "thumb_hash",
            "preview_hash",
        ],
    ),
    ("media_tags", &["media_id", "member_id", "status", "sort_at", "moment_id"]),
    ("hide_requests", &["media_id", "reason", "status", "resolved_by"]),
    ("albums", &["title", "description"]),
    ("album_media", &["album_id", "media_id"]),
    ("devices", &["public_key", "name", "member_id", "invitation_id", "endorsement"]),
    ("invitations", &["public_key", "member_id", "name"]),
    (
        "rituals",
        &[
            "name",
            "why",
            "origin",
            "customs",
            "place",
            "zone",
            "cadence",
            "starts",
            "at_time",
            "minutes",
            "origin_moment",
        ],
    ),
    ("ritual_occurrences", &["ritual_id", "occurrence_key", "moved_to", "cancelled", "host_id", "moment_id"]),
    ("attendance", &["ritual_id", "occurrence_key", "member_id", "went", "source"]),
    ("bring_items", &["ritual_id", "occurrence_key", "item", "claimed_by", "brought"]),
    ("welcomes", &["ritual_id", "occurrence_key", "newcomer_id", "welcomer_id"]),
    ("pair_optins", &["member_id", "opted_in"]),
    (
        "artefacts",
        &[
            "kind",
            "name",
            "summary",
            "creators",
            "contributors",
            "original_date",
            "date_description",
            "origin",
            "keywords",
            "moments",
            "rituals",
            "lyrics",
            "credits",
            "visibility",
        ],
    ),
    ("artefact_files", &["artefact_id", "version_id", "hash", "format", "kind", "name", "bytes"]),
    ("artefact_accounts", &["artefact_id", "body", "hidden"]),
    ("artefact_versions", &["artefact_id", "label", "position", "status", "sizes", "decision_id"]),
    ("merch_orders", &["version_id", "member_id", "size", "count"]),
    ("badge_issuers", &["did", "secret"]),
    ("badges", &["name", "description", "criteria", "image", "requestable", "rule"]),
    (
        "badge_awards",
        &["badge_id", "member_id", "status", "source", "snapshot", "credential", "awarded_at", "revoked_reason"],
    ),
    ("badge_showcase", &["badge_id", "member_id", "issuer_id", "credential", "shown"]),
    ("badge_revocations", &["credential_id"]),
    ("pulse_rounds", &["kind", "title", "opens_at", "closes_at", "closed_at", "dimensions", "public_key", "tallier"]),
    ("pulse_answers", &["round_id", "member_id", "answer", "sealed"]),
    ("pulse_results", &["round_id", "respondents", "aggregates"]),
    ("pair_rounds", &["made_on", "pairs"]),
    ("ritual_hosts", &["ritual_id", "member_id", "willing"]),
    ("rsvps", &["ritual_id", "member_id", "occurrence_key", "scope", "answer", "guests", "note"]),
    ("yearbook_pages", &["year", "position", "title", "body", "photos"]),
    ("yearbook_signatures", &["year", "member_id", "message", "approved"]),
];

/// The largest counter a clock reading holds (six hex digits in its text form).
pub const MAX_COUNTER: u32 = 0xff_ffff;

/// A hybrid logical clock reading: wall milliseconds, a counter for readings within the same
/// millisecond (or when the wall clock steps back), and the device that made it. Its text
/// form has fixed widths, so comparing texts compares clocks.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Hlc {
    pub millis: i64,
    pub counter: u32,
    pub device: String,
}

impl Hlc {
    /// Reads a clock's text form; None for anything that is not exactly one (a counter past
    /// [`MAX_COUNTER`], a wrong width, a sign), so a crafted clock cannot break text order.
    pub fn parse(text: &str) -> Option<Hlc> {
        let mut parts = text.splitn(3, '-');
        let (millis, counter) = (parts.next()?, parts.next()?);
        let hex = |part: &str, width: usize| part.len() == width && part.bytes().all(|b| b.is_ascii_hexdigit());
        if !hex(millis, 12) || !hex(counter, 6) {
            return None;
        }
        let millis = i64::from_str_radix(millis, 16).ok()?;
        let counter = u32::from_str_radix(counter, 16).ok()?;
        let device = parts.next()?.to_owned();
        Some(Hlc { millis, counter, device })
    }

    /// The reading after `previous` on `device` when the wall clock says `now`. The counter
    /// stays within [`MAX_COUNTER`] (its six hex digits keep text order); past it the clock
    /// moves to the next millisecond.
    pub fn tick(previous: Option<&Hlc>, now: Millis, device: &str) -> Hlc {
        match previous {
            Some(last) if last.millis >= now.0 => match last.counter.checked_add(1).filter(|c| *c <= MAX_COUNTER) {
                Some(counter) => Hlc { millis: last.millis, counter, device: device.to_owned() },
                None => Hlc { millis: last.millis.saturating_add(1), counter: 0, device: device.to_owned() },
            },
            _ => Hlc { millis: now.0, counter: 0, device: device.to_owned() },
        }
    }
}

impl std::fmt::Display for Hlc {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:012x}-{:06x}-{}", self.millis, self.counter, self.device)
    }
}

/// One open write transaction on behalf of `author`, at `now`, on `device`.
pub struct Writer<'a> {
    pub(crate) conn: &'a Connection,
    pub(crate) author: &'a str,
    pub(crate) now: Millis,
    /// Today's date on this laptop (its time zone), for dates a write records.
    pub(crate) today: chrono::NaiveDate,
    pub(crate) device: &'a str,
    pub(crate) ids: &'a IdSource,
}

impl Writer<'_> {
    pub fn conn(&self) -> &Connection {
        self.conn
    }

    pub fn author(&self) -> &str {
        self.author
    }

    pub fn now(&self) -> Millis {
        self.now
    }

    /// Today's date on this laptop, in its time zone.
    pub fn today(&self) -> chrono::NaiveDate {
        self.today
    }

    pub fn new_id(&self) -> String {
        self.ids.next(self.now)
    }

    /// Inserts or updates one synced row. A new row gets its author and creation time here.
    pub fn apply(&self, table: &'static str, row_id: &str, columns: &[(&'static str, Value)]) -> Result<()> {
        let allowed = synced_columns(table)?;
        for (column, _) in columns {
            if !allowed.contains(column) && *column != "deleted" {
                return Err(Error::invalid("column", format!("{table}.{column} is not a synced column")));
            }
        }
        let exists: bool = self
            .conn
            .prepare_cached(&format!("SELECT 1 FROM {table} WHERE id = ?1"))?
            .query_row([row_id], |_| Ok(()))
            .optional()?
            .is_some();

        let mut all: Vec<(&str, Value)> = Vec::with_capacity(columns.len() + 4);
        if !exists {
            all.push(("author", Value::Text(self.author.to_owned())));
            all.push(("created_at", Value::Integer(self.now.0)));
            if !columns.iter().any(|(c, _)| *c == "deleted") {
                all.push(("deleted", Value::Integer(0)));
            }
        }
        all.push(("updated_at", Value::Integer(self.now.0)));
        all.extend(columns.iter().cloned());
        if exists {
            self.rewrite_widened(table, row_id, &mut all)?;
        }

        // The same rules merge applies to other laptops' changes (crate::store::rules): what the
        // window may not write here, no crafted segment can write elsewhere.
        // A library that founded its community (not one let in by an invitation) is the
        // trust root, which the window lets switch between members on a shared laptop.
        let founder = self.author.is_empty() || crate::store::library::get_local(self.conn, "invitation_id")?.is_none();
        let actor = crate::store::rules::Actor::of(self.conn, self.author, founder)?;
        let row = crate::store::rules::Writing { conn: self.conn, table, row: row_id, columns: &all };
        for (column, value) in &all {
            let change = crate::store::rules::Change {
                table,
                row: row_id,
                column,
                value,
                creating: !exists,
                signer: None,
                device: self.device,
                at: self.now.0,
            };
            if let Err(reason) = crate::store::rules::permitted(self.conn, &actor, &change, &row)? {
                return Err(Error::Forbidden { action: "write this", reason });
            }
        }

        let names: Vec<&str> = all.iter().map(|(c, _)| *c).collect();
        let placeholders: Vec<String> = (2..=all.len() + 1).map(|i| format!("?{i}")).collect();
        let updates: Vec<String> = names.iter().map(|c| format!("{c} = excluded.{c}")).collect();
        let sql = format!(
            "INSERT INTO {table} (id, {}) VALUES (?1, {}) ON CONFLICT (id) DO UPDATE SET {}",
            names.join(", "),
            placeholders.join(", "),
            updates.join(", ")
        );
        let mut values: Vec<Value> = vec![Value::Text(row_id.to_owned())];
        values.extend(all.iter().map(|(_, v)| v.clone()));
        self.conn.prepare_cached(&sql)?.execute(rusqlite::params_from_iter(values.iter()))?;

        // Whom each value is for, as the row leaves this write: what is restricted travels
        // sealed to its audience (crate::store::sealing).
        let written = crate::store::rules::Writing { conn: self.conn, table, row: row_id, columns: &[] };
        let mut audiences = Vec::with_capacity(all.len());
        for (column, _) in &all {
            audiences.push(crate::store::sealing::to_text(&crate::store::sealing::audience(
                self.conn, table, row_id, column, &written,
            )?));
        }

        let hlc = self.next_hlc()?.to_string();
        let mut clock = self.conn.prepare_cached(
            "INSERT INTO column_clocks (tbl, row_id, col, hlc) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (tbl, row_id, col) DO UPDATE SET hlc = excluded.hlc",
        )?;
        let mut op = self.conn.prepare_cached(
            "INSERT INTO ops (hlc, tbl, row_id, col, value, author, audience) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        )?;
        for ((column, value), audience) in all.iter().zip(&audiences) {
            clock.execute(params![table, row_id, column, hlc])?;
            op.execute(params![hlc, table, row_id, column, value, self.author, audience])?;
        }
        Ok(())
    }

    /// A write that changes whom a value is for (a story shown to everyone that was for the
    /// leads, a field made leads-only) writes again, to its new audience, what the row holds
    /// and the write does not name: laptops that could not read it before get all of it (its
    /// author and time too, for a row restricted whole), and what follows is sealed.
    fn rewrite_widened(&self, table: &'static str, row_id: &str, all: &mut Vec<(&'static str, Value)>) -> Result<()> {
        let candidates: Vec<&'static str> = if crate::store::sealing::ROW_SCOPED.contains(&table) {
            ["author", "created_at", "deleted"].into_iter().chain(synced_columns(table)?.iter().copied()).collect()
        } else if table == "members" && all.iter().any(|(c, _)| *c == "visibility") {
            crate::store::sealing::PROFILE_FIELDS.iter().map(|(column, _)| *column).collect()
        } else {
            return Ok(());
        };
        let before = crate::store::rules::Writing { conn: self.conn, table, row: row_id, columns: &[] };
        let stored: Vec<(&'static str, Value)> = {
            let after = crate::store::rules::Writing { conn: self.conn, table, row: row_id, columns: all };
            let mut stored = Vec::new();
            for column in candidates {
                if all.iter().any(|(c, _)| *c == column) {
                    continue;
                }
                let was = crate::store::sealing::audience(self.conn, table, row_id, column, &before)?;
                if was != crate::store::sealing::audience(self.conn, table, row_id, column, &after)? {
                    if let Some(value) = crate::store::rules::RowValues::get(&before, column) {
                        stored.push((column, value));
                    }
                }
            }
            stored
        };
        all.extend(stored);
        Ok(())
    }

    /// Marks a synced row deleted; rows are never removed so a delete can be merged.
    pub fn delete(&self, table: &'static str, row_id: &str) -> Result<()> {
        self.apply(table, row_id, &[("deleted", Value::Integer(1))])
    }

    fn next_hlc(&self) -> Result<Hlc> {
        let last: Option<String> = self
            .conn
            .prepare_cached("SELECT value FROM local_settings WHERE key = 'hlc'")?
            .query_row([], |row| row.get(0))
            .optional()?;
        let next = Hlc::tick(last.as_deref().and_then(Hlc::parse).as_ref(), self.now, self.device);
        self.conn
            .prepare_cached("INSERT OR REPLACE INTO local_settings (key, value) VALUES ('hlc', ?1)")?
            .execute([next.to_string()])?;
        Ok(next)
    }
}

fn synced_columns(table: &str) -> Result<&'static [&'static str]> {
    SYNCED_TABLES
        .iter()
        .find(|(name, _)| *name == table)
        .map(|(_, columns)| *columns)
        .ok_or_else(|| Error::invalid("table", format!("{table} is not a synced table")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::db;

    fn writer_on<'a>(conn: &'a Connection, ids: &'a IdSource, now: i64) -> Writer<'a> {
        Writer { conn, author: "m1", now: Millis(now), today: Millis(now).utc_date(), device: "dev1", ids }
    }

    /// The registry must list exactly the columns the schema has, or a column would be
    /// written without a clock (and silently never sync).
    #[test]
    fn registry_matches_schema() {
        let conn = db::open_in_memory().unwrap();
        for (table, columns) in SYNCED_TABLES {
            let mut stmt = conn.prepare(&format!("SELECT name FROM pragma_table_info('{table}')")).unwrap();
            let mut actual: Vec<String> = stmt.query_map([], |r| r.get(0)).unwrap().map(|r| r.unwrap()).collect();
            actual.sort();
            let mut expected: Vec<String> = ROW_COLUMNS.iter().chain(columns.iter()).map(|c| c.to_string()).collect();
            expected.sort();
            assert_eq!(actual, expected, "synced table {table} and its registry entry differ");
        }
    }

    #[test]
    fn apply_writes_row_clock_and_op_in_order() {
        let conn = db::open_in_memory().unwrap();
        let ids = IdSource::seeded(1);
        writer_on(&conn, &ids, 1_000).apply("members", "m1", &[("display_name", Value::Text("Ada".into()))]).unwrap();
        writer_on(&conn, &ids, 1_000)
            .apply("members", "m1", &[("display_name", Value::Text("Ada L.".into()))])
            .unwrap();

        let (name, created, author): (String, i64, String) = conn
            .query_row("SELECT display_name, created_at, author FROM members WHERE id = 'm1'", [], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })
            .unwrap();
        assert_eq!((name.as_str(), created, author.as_str()), ("Ada L.", 1_000, "m1"));

        let clock: String = conn
            .query_row("SELECT hlc FROM column_clocks WHERE row_id = 'm1' AND col = 'display_name'", [], |r| r.get(0))
            .unwrap();
        let clock = Hlc::parse(&clock).unwrap();
        assert_eq!(
            (clock.millis, clock.counter),
            (1_000, 1),
            "a second write in the same millisecond advances the counter"
        );
        let ops: i64 = conn.query_row("SELECT count(*) FROM ops WHERE col = 'display_name'", [], |r| r.get(0)).unwrap();
        assert_eq!(ops, 2, "every change is logged for sync");
    }

    #[test]
    fn unknown_tables_and_columns_are_refused() {
        let conn = db::open_in_memory().unwrap();
        let ids = IdSource::seeded(1);
        let w = writer_on(&conn, &ids, 1);
        assert!(matches!(w.apply("local_settings", "x", &[]), Err(Error::Invalid { .. })));
        assert!(matches!(w.apply("members", "x", &[("created_at", Value::Integer(5))]), Err(Error::Invalid { .. })));
    }

    /// A crafted op at the counter's limit once made every later local write panic (debug)
    /// or wrap the clock backwards (release).
    #[test]
    fn the_counter_moves_to_the_next_millisecond_at_its_limit() {
        let last = Hlc { millis: 5_000, counter: MAX_COUNTER, device: "x".into() };
        let next = Hlc::tick(Some(&last), Millis(4_000), "dev");
        assert_eq!((next.millis, next.counter), (5_001, 0), "overflow moves to the next millisecond");
        assert!(next.to_string() > last.to_string(), "and the text still orders after it");
        assert_eq!(Hlc::parse("000000001388-1000000-dev"), None, "a counter wider than six digits is refused");
        assert_eq!(Hlc::parse("-00000001388-000001-dev"), None, "no signs");
        assert_eq!(Hlc::parse("1388-000001-dev"), None, "fixed widths only");
    }

    #[test]
    fn hlc_text_orders_like_the_clock() {
        let earlier = Hlc { millis: 0x0fff, counter: 9, device: "b".into() };
        let later = Hlc { millis: 0x1000, counter: 0, device: "a".into() };
        assert!(earlier < later);
        assert!(earlier.to_string() < later.to_string(), "fixed-width hex keeps text order");
        assert_eq!(Hlc::parse(&later.to_string()), Some(later));
    }
}
