//! Hearth's core: everything a community keeps about itself, in one SQLite library folder.
//! Nothing here knows about Tauri or the window; the shell and the `hearth` CLI both call in.

pub mod albums;
mod audiences;
pub mod bench;
pub mod blobs;
pub mod care;
pub mod celebrations;
pub mod changes;
pub mod clock;
pub mod community;
pub mod crypto;
pub mod db;
pub mod decisions;
pub mod demo;
mod envelopes;
pub mod error;
pub mod exchange;
pub mod export;
pub mod ids;
pub mod images;
pub mod imaging;
pub mod import;
pub mod initiatives;
pub mod library;
pub mod markdown;
pub mod media;
pub mod meet;
pub mod members;
pub mod metadata;
pub mod moments;
pub mod roster;
pub mod rules;
pub mod sample;
pub mod sealing;
pub mod search;
pub mod storage;
pub mod stories;
pub mod sync;
pub mod threads;
pub mod viewer;

pub use error::{Error, ReadOnlyReason, Result};
pub use library::Library;
