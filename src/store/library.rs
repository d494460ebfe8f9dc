//! A library is a folder: `hearth.db`, `blobs/` (originals) and `thumbs/` (derived). This
//! module creates and opens them, decides whether they may be written, and owns the write
//! transaction every domain change goes through. It knows nothing of any one domain.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rusqlite::{Connection, OptionalExtension};

use crate::clock::{Clock, Millis, SystemClock};
use crate::error::{Error, ReadOnlyReason, Result};
use crate::ids::IdSource;
use crate::store::db::{self, Header};
use crate::store::write::Writer;

pub const DATABASE_FILE: &str = "hearth.db";
const CREATING_FILE: &str = "hearth.db.creating";

pub struct Library {
    root: PathBuf,
    conn: Connection,
    clock: Arc<dyn Clock>,
    ids: IdSource,
    read_only: Option<ReadOnlyReason>,
    device: String,
}

/// Where the app keeps its own library unless told otherwise.
pub fn default_library_dir() -> PathBuf {
    hearth_data_dir().join("Community")
}

/// A folder for a new library: the default one while it is free, else "Community 2", "Community 3"...
pub fn suggest_new_library_dir() -> PathBuf {
    let base = default_library_dir();
    let free = |dir: &Path| std::fs::read_dir(dir).map(|mut e| e.next().is_none()).unwrap_or(!dir.exists());
    if free(&base) {
        return base;
    }
    (2..)
        .map(|n| hearth_data_dir().join(format!("Community {n}")))
        .find(|dir| free(dir))
        .expect("some numbered folder is free")
}

/// Where the app keeps the demo community, apart from the user's own.
pub fn demo_library_dir() -> PathBuf {
    hearth_data_dir().join("Demo community")
}

fn hearth_data_dir() -> PathBuf {
    dirs::data_dir().unwrap_or_else(std::env::temp_dir).join("Hearth")
}

impl Library {
    /// Creates a library in `root`, which must not exist yet or be an empty folder, with what
    /// `first` writes (the community, its founder: `community::create`, `community::found`) in
    /// the same transaction. The database is built under a temporary name and renamed into
    /// place when complete, so a crash midway never leaves something that looks like a
    /// library, nor a library without what `first` writes.
    pub fn create_with(
        root: &Path,
        clock: Arc<dyn Clock>,
        ids: IdSource,
        first: impl FnOnce(&Writer) -> Result<()>,
    ) -> Result<Library> {
        Self::create_inner(root, Some(Box::new(first)), clock, ids)
    }

    /// An empty library (no community yet) that a sync will fill: joining a community that
    /// exists elsewhere.
    pub fn create_for_join(root: &Path) -> Result<Library> {
        Self::create_inner(root, None, Arc::new(SystemClock), IdSource::random())
    }

    #[allow(clippy::type_complexity)]
    fn create_inner(
        root: &Path,
        first: Option<Box<dyn FnOnce(&Writer) -> Result<()> + '_>>,
        clock: Arc<dyn Clock>,
        ids: IdSource,
    ) -> Result<Library> {
        if root.join(DATABASE_FILE).exists() {
            return Err(Error::AlreadyExists { path: root.to_path_buf() });
        }
        if root.is_file() {
            return Err(Error::invalid("folder", format!("{} is a file; choose a folder", root.display())));
        }
        if root.is_dir() && !folder_is_empty(root)? {
            return Err(Error::invalid(
                "folder",
                format!("{} already holds other files; choose an empty or new folder", root.display()),
            ));
        }
        std::fs::create_dir_all(root).map_err(|e| Error::io(root, e))?;
        // A library holds what its member may see of other people's lives: others using the
        // computer may not list or read it.
        keep_private(root, 0o700)?;

        let partial = root.join(CREATING_FILE);
        for leftover in [partial.clone(), wal_of(&partial), shm_of(&partial)] {
            if leftover.exists() {
                std::fs::remove_file(&leftover).map_err(|e| Error::io(&leftover, e))?;
            }
        }
        {
            let mut conn = db::create(&partial)?;
            let device = ids.next(clock.now());
            set_local(&conn, "device", &device)?;
            let tx = conn.transaction()?;
            let now = clock.now();
            let today = now.date_in(clock.offset_at(now));
            let writer = Writer { conn: &tx, author: "", now, today, device: &device, ids: &ids };
            match first {
                Some(first) => first(&writer)?,
                None => set_local(&tx, "joining", "1")?,
            }
            tx.commit()?;
            // Closing the last connection checkpoints the WAL into the file and removes it,
            // so the rename below moves the whole database.
            conn.close().map_err(|(_, e)| e)?;
        }
        let db_path = root.join(DATABASE_FILE);
        // SQLite gives its -wal and -shm files the database file's mode.
        keep_private(&partial, 0o600)?;
        std::fs::rename(&partial, &db_path).map_err(|e| Error::io(&db_path, e))?;
        for dir in ["blobs", "thumbs"] {
            std::fs::create_dir_all(root.join(dir)).map_err(|e| Error::io(root.join(dir), e))?;
        }
        Self::open_with(root, clock, ids)
    }

    pub fn open(root: &Path) -> Result<Library> {
        Self::open_with(root, Arc::new(SystemClock), IdSource::random())
    }

    /// Opens an existing library. Anything we do not recognise, that is damaged, or that a
    /// newer Hearth wrote is reported or opened read-only; it is never modified.
    pub fn open_with(root: &Path, clock: Arc<dyn Clock>, ids: IdSource) -> Result<Library> {
        let not_a_library = |reason: &str| Error::NotALibrary { path: root.to_path_buf(), reason: reason.to_owned() };
        if !root.exists() {
            return Err(not_a_library("the folder does not exist"));
        }
        if !root.is_dir() {
            return Err(not_a_library("it is a file, not a folder"));
        }
        let db_path = root.join(DATABASE_FILE);
        if !db_path.is_file() {
            return Err(not_a_library("it has no hearth.db; choose a library folder, or create a new library"));
        }
        let user_version = match db::inspect_header(&db_path)? {
            Header::Hearth { user_version } => user_version,
            Header::ForeignSqlite => {
                return Err(not_a_library("its hearth.db is a database of another program"));
            }
        };

        let writable = is_writable(root, &db_path);
        let read_only = if user_version > db::latest_version() {
            Some(ReadOnlyReason::NewerVersion { found: user_version, supported: db::latest_version() })
        } else if !writable {
            Some(ReadOnlyReason::FolderNotWritable)
        } else {
            None
        };
        let corrupt = |e: rusqlite::Error| -> Error {
            if db::is_corruption(&e) {
                Error::Corrupt { path: db_path.clone(), detail: e.to_string() }
            } else {
                Error::Sqlite(e)
            }
        };
        let lift = |e: Error| match e {
            Error::Sqlite(inner) => corrupt(inner),
            other => other,
        };
        let mut conn = match read_only {
            // Without a pending -wal, `immutable` reads the file without creating anything beside it.
            Some(_) => db::open_read_only(&db_path, !writable || !wal_of(&db_path).exists()).map_err(lift)?,
            None => db::open_read_write(&db_path).map_err(lift)?,
        };
        if read_only.is_none() {
            // Libraries made before folders were private become so when next opened.
            keep_private(root, 0o700)?;
            keep_private(&db_path, 0o600)?;
            db::migrate(&mut conn).map_err(lift)?;
            crate::store::search::ensure_index(&conn).map_err(lift)?;
        }
        // Touch the schema and the community row now, so damage shows at open and not in the
        // middle of someone's work.
        let has_community: Option<i64> = conn
            .query_row("SELECT 1 FROM community WHERE deleted = 0 LIMIT 1", [], |row| row.get(0))
            .optional()
            .map_err(corrupt)?;
        // A library made to join a community has none until its first sync brings it.
        let joining = get_local(&conn, "joining").map_err(lift)?.is_some();
        if has_community.is_none() && !joining {
            return Err(Error::Corrupt { path: db_path, detail: "it holds no community".into() });
        }
        let device = match get_local(&conn, "device").map_err(lift)? {
            Some(device) => device,
            None if read_only.is_none() => {
                let device = ids.next(clock.now());
                set_local(&conn, "device", &device)?;
                device
            }
            None => String::new(),
        };
        Ok(Library { root: root.to_path_buf(), conn, clock, ids, read_only, device })
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    pub(crate) fn conn_mut(&mut self) -> &mut Connection {
        &mut self.conn
    }

    pub fn conn(&self) -> &Connection {
        &self.conn
    }

    pub fn now(&self) -> Millis {
        self.clock.now()
    }

    /// Today's date on this laptop, in its time zone: what "today", "this week", "upcoming"
    /// and "on this day" count from (never the UTC date).
    pub fn today(&self) -> chrono::NaiveDate {
        self.local_date(self.clock.now())
    }

    /// The date of `at` on this laptop, in its time zone (for showing when something was).
    pub fn local_date(&self, at: Millis) -> chrono::NaiveDate {
        at.date_in(self.clock.offset_at(at))
    }

    pub fn read_only(&self) -> Option<&ReadOnlyReason> {
        self.read_only.as_ref()
    }

    pub fn device(&self) -> &str {
        &self.device
    }

    /// The member who uses this device, if they have said who they are.
    pub fn me(&self) -> Result<Option<String>> {
        get_local(&self.conn, "me")
    }

    pub(crate) fn set_me(&self, member_id: &str) -> Result<()> {
        self.ensure_writable()?;
        set_local(&self.conn, "me", member_id)
    }

    pub fn ensure_writable(&self) -> Result<()> {
        match &self.read_only {
            Some(reason) => Err(Error::ReadOnly { reason: reason.clone() }),
            None => Ok(()),
        }
    }

    /// Runs `change` in one transaction on behalf of the member using this device (or no one,
    /// before anyone has said who they are). Every synced write goes through here.
    pub fn write<T>(&mut self, change: impl FnOnce(&Writer) -> Result<T>) -> Result<T> {
        self.ensure_writable()?;
        let author = self.me()?.unwrap_or_default();
        let now = self.clock.now();
        let today = now.date_in(self.clock.offset_at(now));
        let tx = self.conn.transaction()?;
        let writer = Writer { conn: &tx, author: &author, now, today, device: &self.device, ids: &self.ids };
        let out = change(&writer)?;
        tx.commit()?;
        Ok(out)
    }
}

fn folder_is_empty(dir: &Path) -> Result<bool> {
    let mut entries = std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))?;
    Ok(entries.next().is_none())
}

/// Whether we may write both the folder (SQLite needs its -wal and -shm files there) and the
/// database. Probing beats reading permission bits, which ACLs, mounts and root all bend.
fn is_writable(root: &Path, db_path: &Path) -> bool {
    let probe = root.join(".hearth-write-probe");
    let folder_ok = std::fs::OpenOptions::new().write(true).create(true).truncate(true).open(&probe).is_ok();
    if folder_ok {
        let _ = std::fs::remove_file(&probe);
    }
    folder_ok && std::fs::OpenOptions::new().append(true).open(db_path).is_ok()
}

fn wal_of(path: &Path) -> PathBuf {
    PathBuf::from(format!("{}-wal", path.display()))
}

fn shm_of(path: &Path) -> PathBuf {
    PathBuf::from(format!("{}-shm", path.display()))
}

/// Makes a file or folder readable only by its owner (`mode` 0o700 or 0o600); elsewhere than
/// on Unix the user's own folder already keeps others out.
fn keep_private(path: &Path, mode: u32) -> Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let current = std::fs::metadata(path).map_err(|e| Error::io(path, e))?.permissions().mode() & 0o777;
        if current & 0o077 != 0 {
            std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).map_err(|e| Error::io(path, e))?;
        }
    }
    #[cfg(not(unix))]
    let _ = (path, mode);
    Ok(())
}

pub(crate) fn get_local(conn: &Connection, key: &str) -> Result<Option<String>> {
    Ok(conn
        .prepare_cached("SELECT value FROM local_settings WHERE key = ?1")?
        .query_row([key], |row| row.get(0))
        .optional()?)
}

pub(crate) fn set_local(conn: &Connection, key: &str, value: &str) -> Result<()> {
    conn.prepare_cached("INSERT OR REPLACE INTO local_settings (key, value) VALUES (?1, ?2)")?.execute([key, value])?;
    Ok(())
}

/// Brief, repeated access to a library shared with others (the window's commands), so long
/// work (an import, a sync) holds it only while it reads or writes the database.
pub trait Access {
    fn with<T>(&self, change: impl FnOnce(&mut Library) -> Result<T>) -> Result<T>;
}

impl Access for std::sync::Mutex<Library> {
    fn with<T>(&self, change: impl FnOnce(&mut Library) -> Result<T>) -> Result<T> {
        let mut library = self.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        change(&mut library)
    }
}

/// One caller holding the library alone (the command line, tests).
impl Access for std::cell::RefCell<&mut Library> {
    fn with<T>(&self, change: impl FnOnce(&mut Library) -> Result<T>) -> Result<T> {
        change(&mut self.borrow_mut())
    }
}
