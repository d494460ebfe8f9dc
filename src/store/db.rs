//! The SQLite file: opening it with the house PRAGMAs, recognising (and refusing to damage)
//! files that are not ours, are damaged or were written by a newer Hearth, and applying the
//! append-only migrations in `migrations/`.

use std::path::Path;

use rusqlite::{Connection, OpenFlags};

use crate::error::{Error, Result};

/// `PRAGMA application_id` of every Hearth database ("HRTH"), so a stray SQLite file is
/// never mistaken for a library.
pub const APPLICATION_ID: i32 = 0x4852_5448;

/// Append-only: never edit or reorder an entry, add a new one. `user_version` holds how many
/// have been applied, which is also the library version.
pub const MIGRATIONS: &[(&str, &str)] = &[
    ("0001_foundation", include_str!("../../migrations/0001_foundation.sql")),
    ("0002_profiles", include_str!("../../migrations/0002_profiles.sql")),
    ("0003_stories", include_str!("../../migrations/0003_stories.sql")),
    ("0004_celebrations", include_str!("../../migrations/0004_celebrations.sql")),
    ("0005_care_notes", include_str!("../../migrations/0005_care_notes.sql")),
    ("0006_search", include_str!("../../migrations/0006_search.sql")),
    ("0007_photos", include_str!("../../migrations/0007_photos.sql")),
    ("0008_initiatives", include_str!("../../migrations/0008_initiatives.sql")),
    ("0009_media", include_str!("../../migrations/0009_media.sql")),
    ("0010_albums", include_str!("../../migrations/0010_albums.sql")),
    ("0011_media_cards", include_str!("../../migrations/0011_media_cards.sql")),
    ("0012_sync", include_str!("../../migrations/0012_sync.sql")),
    ("0013_devices", include_str!("../../migrations/0013_devices.sql")),
    ("0014_revisions", include_str!("../../migrations/0014_revisions.sql")),
    ("0015_roster", include_str!("../../migrations/0015_roster.sql")),
    ("0016_offline", include_str!("../../migrations/0016_offline.sql")),
    ("0017_trust", include_str!("../../migrations/0017_trust.sql")),
    ("0018_derived_hashes", include_str!("../../migrations/0018_derived_hashes.sql")),
    ("0019_sealing", include_str!("../../migrations/0019_sealing.sql")),
    ("0020_convene", include_str!("../../migrations/0020_convene.sql")),
    ("0021_hosts", include_str!("../../migrations/0021_hosts.sql")),
    ("0022_attendance", include_str!("../../migrations/0022_attendance.sql")),
    ("0023_bring", include_str!("../../migrations/0023_bring.sql")),
    ("0024_welcomes", include_str!("../../migrations/0024_welcomes.sql")),
    ("0025_needs", include_str!("../../migrations/0025_needs.sql")),
    ("0026_pairs", include_str!("../../migrations/0026_pairs.sql")),
    ("0027_origin_moment", include_str!("../../migrations/0027_origin_moment.sql")),
    ("0028_artefacts", include_str!("../../migrations/0028_artefacts.sql")),
    ("0029_badges", include_str!("../../migrations/0029_badges.sql")),
    ("0030_pulse", include_str!("../../migrations/0030_pulse.sql")),
    ("0031_health", include_str!("../../migrations/0031_health.sql")),
    ("0032_yearbook", include_str!("../../migrations/0032_yearbook.sql")),
    ("0033_hidden_dates", include_str!("../../migrations/0033_hidden_dates.sql")),
    ("0034_primer", include_str!("../../migrations/0034_primer.sql")),
    ("0035_personal_copy", include_str!("../../migrations/0035_personal_copy.sql")),
    ("0036_farewells", include_str!("../../migrations/0036_farewells.sql")),
];

pub fn latest_version() -> u32 {
    MIGRATIONS.len() as u32
}

/// The one place connections are configured.
pub fn configure(conn: &Connection, writable: bool) -> Result<()> {
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    conn.pragma_update(None, "foreign_keys", true)?;
    // A gallery of 100,000 photos is tens of MB of rows and indexes: the hot pages stay in an
    // 8 MB page cache and the rest is read through the system's file cache. A 32 MB cache held
    // 27 MB more in the window at 100,000 media (it fills while the month sections are counted),
    // for pages no faster and month sections 3.5 → 5.5 ms, once per gallery open (`hearth bench
    // gallery`, `hearth bench startup`). No memory map: every page a scan touched through one
    // stayed in the app's resident memory (73 MB more than the demo at rest), and page queries
    // were as fast without it.
    conn.pragma_update(None, "cache_size", -8_000)?;
    conn.pragma_update(None, "mmap_size", 0)?;
    if writable {
        conn.pragma_update(None, "journal_mode", "wal")?;
        conn.pragma_update(None, "synchronous", "normal")?;
    } else {
        conn.pragma_update(None, "query_only", true)?;
    }
    Ok(())
}

/// A new, empty database at `path`, migrated to the latest version.
pub fn create(path: &Path) -> Result<Connection> {
    let mut conn = Connection::open(path)?;
    conn.pragma_update(None, "application_id", APPLICATION_ID)?;
    configure(&conn, true)?;
    migrate(&mut conn)?;
    Ok(conn)
}

pub fn open_in_memory() -> Result<Connection> {
    let mut conn = Connection::open_in_memory()?;
    conn.pragma_update(None, "application_id", APPLICATION_ID)?;
    configure(&conn, true)?;
    migrate(&mut conn)?;
    Ok(conn)
}

pub fn user_version(conn: &Connection) -> Result<u32> {
    Ok(conn.query_row("PRAGMA user_version", [], |row| row.get::<_, i64>(0))? as u32)
}

/// Applies the migrations this database has not seen, all in one transaction: a crash midway
/// leaves the previous version intact.
pub fn migrate(conn: &mut Connection) -> Result<()> {
    migrate_to(conn, latest_version())
}

/// Applies migrations up to `target` (tests use it to build libraries of older versions).
pub fn migrate_to(conn: &mut Connection, target: u32) -> Result<()> {
    let current = user_version(conn)? as usize;
    let target = (target as usize).min(MIGRATIONS.len());
    if current >= target {
        return Ok(());
    }
    let tx = conn.transaction()?;
    for (_, sql) in &MIGRATIONS[current..target] {
        tx.execute_batch(sql)?;
    }
    tx.pragma_update(None, "user_version", target as i64)?;
    tx.commit()?;
    Ok(())
}

/// What the first page of a database file says about it, read without SQLite so that a file
/// we do not recognise is never handed to code that might write to it.
#[derive(Debug, PartialEq, Eq)]
pub enum Header {
    Hearth { user_version: u32 },
    ForeignSqlite,
}

pub fn inspect_header(path: &Path) -> Result<Header> {
    use std::io::Read;

    let corrupt = |detail: String| Error::Corrupt { path: path.to_path_buf(), detail };
    let mut file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let file_len = file.metadata().map_err(|e| Error::io(path, e))?.len();
    let mut page = [0u8; 100];
    let mut read = 0;
    while read < page.len() {
        match file.read(&mut page[read..]).map_err(|e| Error::io(path, e))? {
            0 => break,
            n => read += n,
        }
    }
    if read < page.len() {
        return Err(corrupt(format!("the file is only {file_len} bytes long")));
    }
    if &page[..16] != b"SQLite format 3\0" {
        return Err(corrupt("its header is not an SQLite header".into()));
    }
    let be32 = |at: usize| u32::from_be_bytes(page[at..at + 4].try_into().expect("4 bytes"));
    let page_size = match u16::from_be_bytes([page[16], page[17]]) {
        1 => 65_536,
        n if n >= 512 && n.is_power_of_two() => u64::from(n),
        n => return Err(corrupt(format!("its page size {n} is impossible"))),
    };
    // The page count in the header is trustworthy only when written by SQLite 3.7+ and the
    // "version valid for" number matches the change counter.
    let page_count = u64::from(be32(28));
    if be32(92) == be32(24) && page_count * page_size > file_len {
        return Err(corrupt(format!("it is truncated: {} bytes expected, {file_len} found", page_count * page_size)));
    }
    if be32(68) as i32 != APPLICATION_ID {
        return Ok(Header::ForeignSqlite);
    }
    Ok(Header::Hearth { user_version: be32(60) })
}

/// Opens an existing file without write access (for libraries we must not change).
/// `immutable` is for folders where SQLite cannot even create its shared-memory file.
pub fn open_read_only(path: &Path, immutable: bool) -> Result<Connection> {
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_URI | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = if immutable {
        let uri = format!("file:{}?immutable=1", uri_escape(path));
        Connection::open_with_flags(uri, flags)?
    } else {
        Connection::open_with_flags(path, flags)?
    };
    configure(&conn, false)?;
    Ok(conn)
}

pub fn open_read_write(path: &Path) -> Result<Connection> {
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(path, flags)?;
    configure(&conn, true)?;
    Ok(conn)
}

fn uri_escape(path: &Path) -> String {
    let mut out = String::new();
    for byte in path.to_string_lossy().bytes() {
        match byte {
            b'%' | b'?' | b'#' | b' ' => out.push_str(&format!("%{byte:02X}")),
            _ => out.push(byte as char),
        }
    }
    out
}

/// Whether an SQLite error means the file is damaged rather than, say, busy.
pub fn is_corruption(error: &rusqlite::Error) -> bool {
    matches!(error.sqlite_error_code(), Some(rusqlite::ErrorCode::DatabaseCorrupt | rusqlite::ErrorCode::NotADatabase))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every migration applies on a fresh database, every table is STRICT, and the version
    /// recorded is the number of migrations.
    #[test]
    fn migrations_apply_and_every_table_is_strict() {
        let conn = open_in_memory().unwrap();
        assert_eq!(user_version(&conn).unwrap(), latest_version());
        let mut tables = conn
            .prepare("SELECT name, sql FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
            .unwrap();
        let rows: Vec<(String, String)> =
            tables.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).unwrap().map(|r| r.unwrap()).collect();
        assert!(!rows.is_empty());
        for (name, sql) in rows {
            // FTS5 tables and their shadow tables are SQLite's own, not ours to type.
            if sql.contains("VIRTUAL TABLE") || name.starts_with("search_index_") {
                continue;
            }
            assert!(sql.contains(") STRICT"), "table {name} must be STRICT so types are enforced");
        }
    }

    #[test]
    fn every_migration_starts_with_a_why_comment() {
        for (name, sql) in MIGRATIONS {
            assert!(sql.trim_start().starts_with("-- Why:"), "migration {name} must open with a `-- Why:` comment");
        }
    }

    #[test]
    fn migrating_twice_changes_nothing() {
        let mut conn = open_in_memory().unwrap();
        migrate(&mut conn).unwrap();
        assert_eq!(user_version(&conn).unwrap(), latest_version());
    }
}
