//! Shared fixtures: temporary library folders on a deterministic clock.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use hearth::clock::{FixedClock, Millis};
use hearth::community::CommunityDraft;
use hearth::ids::IdSource;
use hearth::Library;

/// 2026-03-01T12:00:00Z
pub const T0: Millis = Millis(1_772_366_400_000);

pub struct Scratch {
    pub dir: tempfile::TempDir,
}

impl Scratch {
    pub fn new() -> Scratch {
        Scratch { dir: tempfile::tempdir().expect("temporary folder") }
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }
}

pub fn create(root: &Path, name: &str) -> Library {
    hearth::community::create_with(
        root,
        CommunityDraft::new(name, ""),
        Arc::new(FixedClock::new(T0, 1_000)),
        IdSource::seeded(3),
    )
    .expect("a new library in an empty folder")
}

pub fn reopen(root: &Path) -> hearth::Result<Library> {
    Library::open_with(root, Arc::new(FixedClock::new(Millis(T0.0 + 86_400_000), 1_000)), IdSource::seeded(4))
}

/// Every file under `dir` with its length and a digest of its bytes, to prove a failed open
/// changed nothing.
pub fn snapshot(dir: &Path) -> Vec<(PathBuf, usize, u64)> {
    use std::hash::{Hash, Hasher};
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(next) = stack.pop() {
        for entry in std::fs::read_dir(&next).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let bytes = std::fs::read(&path).unwrap();
                let mut hasher = std::collections::hash_map::DefaultHasher::new();
                bytes.hash(&mut hasher);
                files.push((path.clone(), bytes.len(), hasher.finish()));
            }
        }
    }
    files.sort();
    files
}

/// A small community: Lea (its lead, at the keyboard) and three members, Ada, Bo and Cy.
pub struct Circle {
    pub library: Library,
    pub lead: String,
    pub ada: String,
    pub bo: String,
    pub cy: String,
}

pub fn circle(scratch: &Scratch) -> Circle {
    use hearth::people::members::{self, MemberDraft};
    let mut library = create(&scratch.path("c"), "Circle");
    let lead = members::create_my_profile(&mut library, MemberDraft::named("Lea")).unwrap().id;
    let ada = members::create_member(&mut library, MemberDraft::named("Ada")).unwrap().id;
    let bo = members::create_member(&mut library, MemberDraft::named("Bo")).unwrap().id;
    let cy = members::create_member(&mut library, MemberDraft::named("Cy")).unwrap().id;
    Circle { library, lead, ada, bo, cy }
}

/// Writes generated JPEGs (`file name, width, height, seed`) into `folder` and imports them
/// into `library` through the real import, optionally into a moment. Returns the library and
/// each photo's bytes, in order.
pub fn import_photos(
    library: Library,
    folder: &Path,
    photos: &[(&str, u32, u32, u64)],
    moment: Option<&str>,
) -> (Library, Vec<Vec<u8>>) {
    std::fs::create_dir_all(folder).unwrap();
    let mut written = Vec::new();
    for (name, width, height, seed) in photos {
        let bytes = hearth::dev::sample::jpeg(*width, *height, *seed, &hearth::dev::sample::SampleExif::default());
        std::fs::write(folder.join(name), &bytes).unwrap();
        written.push(bytes);
    }
    let shared = std::sync::Mutex::new(library);
    let options =
        hearth::memories::import::ImportOptions { moment_id: moment.map(str::to_owned), ..Default::default() };
    let summary =
        hearth::memories::import::run(&shared, &[folder.to_path_buf()], &options, &Default::default(), &mut |_| {})
            .unwrap();
    assert_eq!(summary.imported.len(), photos.len(), "{:?}", summary.failed);
    (shared.into_inner().unwrap(), written)
}

/// What a hostile member does with `sqlite3` on their own laptop: appends an op to the log,
/// past every check of the app, stamped with the laptop's next clock and written as `author`
/// (the laptop's member when None), for its next sync to sign and send as its own.
pub fn forge(
    library: &Library,
    table: &str,
    row: &str,
    column: &str,
    value: rusqlite::types::Value,
    author: Option<&str>,
) {
    use hearth::store::write::Hlc;
    let conn = library.conn();
    let last: Option<String> =
        conn.query_row("SELECT value FROM local_settings WHERE key = 'hlc'", [], |r| r.get(0)).ok();
    let hlc = Hlc::tick(last.as_deref().and_then(Hlc::parse).as_ref(), library.now(), library.device()).to_string();
    let me = library.me().unwrap().unwrap_or_default();
    conn.execute(
        "INSERT INTO ops (hlc, tbl, row_id, col, value, author) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        rusqlite::params![hlc, table, row, column, value, author.unwrap_or(&me)],
    )
    .unwrap();
    conn.execute("INSERT OR REPLACE INTO local_settings (key, value) VALUES ('hlc', ?1)", [&hlc]).unwrap();
}

/// [`forge`] for one write of several columns (one clock, as the app's own writes are).
pub fn forge_row(library: &Library, table: &str, row: &str, columns: &[(&str, rusqlite::types::Value)]) {
    use hearth::store::write::Hlc;
    let conn = library.conn();
    let last: Option<String> =
        conn.query_row("SELECT value FROM local_settings WHERE key = 'hlc'", [], |r| r.get(0)).ok();
    let hlc = Hlc::tick(last.as_deref().and_then(Hlc::parse).as_ref(), library.now(), library.device()).to_string();
    let me = library.me().unwrap().unwrap_or_default();
    for (column, value) in columns {
        conn.execute(
            "INSERT INTO ops (hlc, tbl, row_id, col, value, author) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            rusqlite::params![hlc, table, row, column, value, me],
        )
        .unwrap();
    }
    conn.execute("INSERT OR REPLACE INTO local_settings (key, value) VALUES ('hlc', ?1)", [&hlc]).unwrap();
}
