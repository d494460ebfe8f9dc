//! The error every command returns: a code the window switches on, and a message written for
//! the person at the keyboard. The window never matches on message text.

use hearth::Error;
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum ErrorCode {
    NotFound,
    Invalid,
    NotALibrary,
    AlreadyExists,
    Corrupt,
    ReadOnly,
    Forbidden,
    NoIdentity,
    /// A command that needs an open library ran before one was opened.
    NoLibrary,
    /// A sync target that cannot be used now; `target` says why.
    Target,
    Io,
    Internal,
}

#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct CommandError {
    pub code: ErrorCode,
    pub message: String,
    /// For `invalid`: which input was refused, so the form can point at it.
    pub field: Option<String>,
    /// For `target`: why the sync target cannot be used.
    pub target: Option<hearth::TargetProblem>,
}

impl CommandError {
    pub fn no_library() -> Self {
        CommandError {
            code: ErrorCode::NoLibrary,
            message: "No library is open. Create a community or open a library first.".into(),
            field: None,
            target: None,
        }
    }
}

impl From<Error> for CommandError {
    fn from(error: Error) -> Self {
        let code = match &error {
            Error::NotFound { .. } => ErrorCode::NotFound,
            Error::Invalid { .. } => ErrorCode::Invalid,
            Error::NotALibrary { .. } => ErrorCode::NotALibrary,
            Error::AlreadyExists { .. } => ErrorCode::AlreadyExists,
            Error::Corrupt { .. } => ErrorCode::Corrupt,
            Error::ReadOnly { .. } => ErrorCode::ReadOnly,
            Error::Forbidden { .. } => ErrorCode::Forbidden,
            Error::NoIdentity => ErrorCode::NoIdentity,
            Error::Io { .. } => ErrorCode::Io,
            Error::Target { .. } => ErrorCode::Target,
            Error::Sqlite(_) => ErrorCode::Internal,
        };
        let field = match &error {
            Error::Invalid { field, .. } => Some((*field).to_owned()),
            Error::Target { .. } => Some("target".to_owned()),
            _ => None,
        };
        let target = match &error {
            Error::Target { problem, .. } => Some(*problem),
            _ => None,
        };
        let message = match code {
            ErrorCode::Internal => {
                tracing::error!(error = ?error, "internal error");
                format!("Something went wrong inside Hearth ({error}). Nothing was changed; please try again.")
            }
            _ => sentence(&error.to_string()),
        };
        CommandError { code, message, field, target }
    }
}

/// Core messages are lower-case clauses (they also serve the CLI); the window shows sentences.
fn sentence(text: &str) -> String {
    let mut chars = text.chars();
    let mut out: String = match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    };
    if !out.ends_with('.') {
        out.push('.');
    }
    out
}

pub type CommandResult<T> = Result<T, CommandError>;
