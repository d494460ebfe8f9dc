//! Opening and creating libraries, and every kind of bad folder: nothing is overwritten or lost.

use hearth::{store::db, Error, ReadOnlyReason};

use crate::support::{create, reopen, snapshot, Scratch};

#[test]
fn a_new_library_is_a_folder_with_database_blobs_and_thumbs() {
    let scratch = Scratch::new();
    let root = scratch.path("circle");
    drop(create(&root, "Circle"));
    for part in ["hearth.db", "blobs", "thumbs"] {
        assert!(root.join(part).exists(), "a library folder holds {part}");
    }
    assert!(!root.join("hearth.db.creating").exists(), "the temporary file is renamed into place");
    let library = reopen(&root).expect("a library we created opens");
    assert_eq!(library.read_only(), None);
    let mode: String = library.conn().query_row("PRAGMA journal_mode", [], |r| r.get(0)).unwrap();
    assert_eq!(mode, "wal", "libraries are opened in WAL mode");
}

#[test]
fn creating_over_an_existing_library_is_refused_and_keeps_it() {
    let scratch = Scratch::new();
    let root = scratch.path("circle");
    drop(create(&root, "Circle"));
    let before = snapshot(&root);
    let again = hearth::community::create(&root, hearth::community::CommunityDraft::new("Other", ""));
    assert!(matches!(again, Err(Error::AlreadyExists { .. })), "got {:?}", again.err());
    assert_eq!(snapshot(&root), before, "a refused create must not touch the existing library");
}

#[test]
fn creating_in_a_folder_with_other_files_is_refused() {
    let scratch = Scratch::new();
    let root = scratch.path("documents");
    std::fs::create_dir_all(&root).unwrap();
    std::fs::write(root.join("thesis.txt"), "mine").unwrap();
    let result = hearth::community::create(&root, hearth::community::CommunityDraft::new("Circle", ""));
    assert!(matches!(result, Err(Error::Invalid { field: "folder", .. })), "got {:?}", result.err());
    assert_eq!(std::fs::read_to_string(root.join("thesis.txt")).unwrap(), "mine");
    assert!(!root.join("hearth.db").exists());
}

#[test]
fn a_crash_while_creating_leaves_no_library_and_a_retry_succeeds() {
    let scratch = Scratch::new();
    let root = scratch.path("circle");
    std::fs::create_dir_all(&root).unwrap();
    // What a crash before the final rename leaves behind.
    std::fs::write(root.join("hearth.db.creating"), b"half a database").unwrap();
    assert!(matches!(reopen(&root), Err(Error::NotALibrary { .. })), "a half-created library is not a library");
    std::fs::remove_file(root.join("hearth.db.creating")).unwrap();
    drop(create(&root, "Circle"));
    assert!(reopen(&root).is_ok());
}

#[test]
fn a_missing_folder_a_file_and_a_plain_folder_are_not_libraries() {
    let scratch = Scratch::new();
    let file = scratch.path("notes.txt");
    std::fs::write(&file, "hello").unwrap();
    for path in [scratch.path("nowhere"), file, scratch.dir.path().to_path_buf()] {
        let result = reopen(&path);
        assert!(matches!(result, Err(Error::NotALibrary { .. })), "{} gave {:?}", path.display(), result.err());
    }
    assert!(!scratch.path("nowhere").exists(), "opening must not create the folder");
}

#[test]
fn another_programs_sqlite_file_is_not_a_library_and_is_untouched() {
    let scratch = Scratch::new();
    let root = scratch.path("other");
    std::fs::create_dir_all(&root).unwrap();
    let conn = rusqlite::Connection::open(root.join("hearth.db")).unwrap();
    conn.execute_batch("CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('keep me');").unwrap();
    drop(conn);
    let before = snapshot(&root);
    let result = reopen(&root);
    let Err(Error::NotALibrary { reason, .. }) = result else { panic!("got {:?}", result.err()) };
    assert!(reason.contains("another program"), "the message says why: {reason}");
    assert_eq!(snapshot(&root), before, "a foreign database is never migrated or changed");
}

#[test]
fn a_truncated_database_is_reported_as_damaged_and_left_as_it_was() {
    let scratch = Scratch::new();
    let root = scratch.path("circle");
    let mut library = create(&root, "Circle");
    // Enough rows that the file spans several pages.
    for i in 0..200 {
        hearth::people::members::create_member(
            &mut library,
            hearth::people::members::MemberDraft::named(&format!("Member {i}")),
        )
        .unwrap();
    }
    drop(library);
    let db_path = root.join("hearth.db");
    let bytes = std::fs::read(&db_path).unwrap();
    assert!(bytes.len() > 8192, "the fixture must span several pages");
    std::fs::write(&db_path, &bytes[..bytes.len() / 2]).unwrap();
    let before = snapshot(&root);

    let result = reopen(&root);
    let Err(Error::Corrupt { detail, .. }) = result else { panic!("got {:?}", result.err()) };
    assert!(detail.contains("truncated"), "the message names the damage: {detail}");
    assert_eq!(snapshot(&root), before, "a damaged library is not written to");
}

#[test]
fn a_database_with_garbage_in_its_header_or_pages_is_damaged() {
    let scratch = Scratch::new();
    for (name, offset) in [("header", 0usize), ("schema page", 100)] {
        let root = scratch.path(name);
        drop(create(&root, "Circle"));
        let db_path = root.join("hearth.db");
        let mut bytes = std::fs::read(&db_path).unwrap();
        for byte in &mut bytes[offset..offset + 400] {
            *byte = 0xA5;
        }
        std::fs::write(&db_path, &bytes).unwrap();
        let before = snapshot(&root);
        let result = reopen(&root);
        assert!(matches!(result, Err(Error::Corrupt { .. })), "garbage in the {name} gave {:?}", result.err());
        assert_eq!(snapshot(&root), before, "a damaged library ({name}) is not written to");
    }
}

#[test]
fn a_library_from_a_newer_hearth_opens_read_only_and_is_never_changed() {
    let scratch = Scratch::new();
    let root = scratch.path("future");
    drop(create(&root, "Circle"));
    let future = db::latest_version() + 3;
    let conn = rusqlite::Connection::open(root.join("hearth.db")).unwrap();
    conn.pragma_update(None, "user_version", future).unwrap();
    drop(conn);
    let before = snapshot(&root);

    let mut library = reopen(&root).expect("a newer library still opens, read-only");
    assert_eq!(
        library.read_only(),
        Some(&ReadOnlyReason::NewerVersion { found: future, supported: db::latest_version() })
    );
    let info = hearth::community::info(&library).unwrap();
    assert_eq!(info.community.name, "Circle", "it can still be read");
    let write =
        hearth::people::members::create_member(&mut library, hearth::people::members::MemberDraft::named("Ada"));
    assert!(matches!(write, Err(Error::ReadOnly { .. })), "got {:?}", write.err());
    drop(library);
    assert_eq!(snapshot(&root), before, "nothing on disk changes");
}

#[test]
fn a_library_in_a_read_only_folder_opens_read_only() {
    let scratch = Scratch::new();
    let root = scratch.path("readonly");
    drop(create(&root, "Circle"));
    let Some(_guard) = ReadOnlyFolder::make(&root) else {
        eprintln!("skipped: this machine cannot make a folder read-only for this user");
        return;
    };
    let before = snapshot(&root);
    let mut library = reopen(&root).expect("a read-only library still opens");
    assert_eq!(library.read_only(), Some(&ReadOnlyReason::FolderNotWritable));
    assert_eq!(hearth::community::info(&library).unwrap().community.name, "Circle");
    let write =
        hearth::people::members::create_member(&mut library, hearth::people::members::MemberDraft::named("Ada"));
    assert!(matches!(write, Err(Error::ReadOnly { .. })), "got {:?}", write.err());
    drop(library);
    assert_eq!(snapshot(&root), before);
}

/// Makes a folder unwritable for this user for the guard's lifetime: permission bits for an
/// ordinary user, the immutable attribute for root (whom permission bits do not stop).
struct ReadOnlyFolder {
    root: std::path::PathBuf,
    immutable: bool,
}

impl ReadOnlyFolder {
    fn make(root: &std::path::Path) -> Option<ReadOnlyFolder> {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(root, std::fs::Permissions::from_mode(0o555)).ok()?;
        let mut guard = ReadOnlyFolder { root: root.to_path_buf(), immutable: false };
        if writable(root) {
            let status = std::process::Command::new("chattr").arg("+i").arg(root).status();
            guard.immutable = status.map(|s| s.success()).unwrap_or(false);
        }
        if writable(root) {
            return None;
        }
        Some(guard)
    }
}

fn writable(root: &std::path::Path) -> bool {
    let probe = root.join(".probe");
    let ok = std::fs::write(&probe, b"").is_ok();
    let _ = std::fs::remove_file(probe);
    ok
}

impl Drop for ReadOnlyFolder {
    fn drop(&mut self) {
        use std::os::unix::fs::PermissionsExt;
        if self.immutable {
            let _ = std::process::Command::new("chattr").arg("-i").arg(&self.root).status();
        }
        let _ = std::fs::set_permissions(&self.root, std::fs::Permissions::from_mode(0o755));
    }
}

#[test]
fn a_library_of_the_first_version_is_migrated_and_keeps_its_data() {
    let scratch = Scratch::new();
    let root = scratch.path("v1");
    std::fs::create_dir_all(&root).unwrap();
    {
        // A version-1 library as the first Hearth wrote it.
        let mut conn = rusqlite::Connection::open(root.join("hearth.db")).unwrap();
        conn.pragma_update(None, "application_id", db::APPLICATION_ID).unwrap();
        db::migrate_to(&mut conn, 1).unwrap();
        conn.execute_batch(
            "INSERT INTO community (id, name) VALUES ('c1', 'Old Circle');
             INSERT INTO members (id, display_name, role, profession) VALUES ('m1', 'Ada', 'lead', 'Nurse');",
        )
        .unwrap();
    }
    let library = reopen(&root).expect("an older library opens");
    assert_eq!(db::user_version(library.conn()).unwrap(), db::latest_version(), "it is brought up to date");
    let ada = hearth::people::members::get(library.conn(), &hearth::viewer::Viewer::anonymous(), "m1").unwrap();
    assert_eq!((ada.display_name.as_str(), ada.profession.as_deref()), ("Ada", Some("Nurse")), "its rows survive");
    assert_eq!(ada.bio.as_deref(), Some(""), "new columns take their defaults");
}
