//! The core's one error type. Every variant carries what a person needs to understand what
//! happened; the shell maps variants to codes the window switches on, never to message text.

use std::path::PathBuf;

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{entity} {id} was not found")]
    NotFound { entity: &'static str, id: String },

    #[error("{field}: {reason}")]
    Invalid { field: &'static str, reason: String },

    #[error("{} is not a Hearth library: {reason}", path.display())]
    NotALibrary { path: PathBuf, reason: String },

    #[error("{} already holds a Hearth library; open it instead of creating a new one", path.display())]
    AlreadyExists { path: PathBuf },

    #[error("{} is damaged ({detail}); Hearth left it untouched. Restore it from a backup or a sync target", path.display())]
    Corrupt { path: PathBuf, detail: String },

    #[error("this library is read-only: {reason}")]
    ReadOnly { reason: ReadOnlyReason },

    #[error("you may not {action}: {reason}")]
    Forbidden { action: &'static str, reason: String },

    #[error("this device does not know who you are yet; choose or create your member profile first")]
    NoIdentity,

    #[error("{} could not be read or written: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    /// A sync target that cannot be used now, and why (the window says what to do for each).
    #[error("{reason}")]
    Target { problem: TargetProblem, reason: String },

    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
}

/// Why a sync target cannot be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum TargetProblem {
    /// Out of reach: a drive unplugged, a server offline, a wrong address.
    Unreachable,
    /// The server refused the user name or password (or access key).
    CredentialsRefused,
    /// The S3 bucket does not exist.
    NoBucket,
    /// It holds something that is not a Hearth sync target, or no community to join.
    NotATarget,
    /// A newer Hearth wrote it; this one must be updated first.
    NewerFormat,
    /// It belongs to another community (encrypted with another community's key).
    OtherCommunity,
    /// It is encrypted and this laptop has no key: join with an invitation.
    NeedsInvitation,
}

/// Why a library was opened without write access. Each says what to do about it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, specta::Type)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum ReadOnlyReason {
    /// The library was written by a newer Hearth; writing with this one could lose its data.
    NewerVersion { found: u32, supported: u32 },
    /// The folder (or the database file) cannot be written by this user.
    FolderNotWritable,
}

impl std::fmt::Display for ReadOnlyReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReadOnlyReason::NewerVersion { found, supported } => write!(
                f,
                "it was written by a newer Hearth (library version {found}, this app knows up to {supported}); update Hearth to change it"
            ),
            ReadOnlyReason::FolderNotWritable => write!(
                f,
                "its folder cannot be written; copy it somewhere writable to make changes"
            ),
        }
    }
}

impl Error {
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io { path: path.into(), source }
    }

    pub fn invalid(field: &'static str, reason: impl Into<String>) -> Self {
        Error::Invalid { field, reason: reason.into() }
    }

    pub(crate) fn target(problem: TargetProblem, reason: impl Into<String>) -> Self {
        Error::Target { problem, reason: reason.into() }
    }

    pub(crate) fn not_found(entity: &'static str, id: impl Into<String>) -> Self {
        Error::NotFound { entity, id: id.into() }
    }
}
