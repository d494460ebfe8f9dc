//! Hearth's core: everything a community keeps about itself, in one SQLite library folder.
//! Nothing here knows about Tauri or the window; the shell and the `hearth` CLI both call in.
//!
//! Layers, lowest first (a layer imports only those below it; `tests/it/layers.rs` checks):
//! the ground (`error`, `clock`, `ids`, `text`), `store`, `viewer`, `sync`, `community`,
//! `ingest`, `people`, `memories`, `initiatives`, `home`, `dev`.

pub mod artefacts;
pub mod clock;
pub mod community;
pub mod convene;
pub mod credentials;
pub mod dev;
pub mod error;
pub mod health;
pub mod ids;
pub mod ingest;
pub mod initiatives;
pub mod memories;
pub mod people;
pub mod pulse;
pub mod store;
pub mod sync;
pub mod text;
pub mod viewer;
pub mod yearbook;
pub use error::{Error, ReadOnlyReason, Result, TargetProblem};
pub use store::library::Library;
