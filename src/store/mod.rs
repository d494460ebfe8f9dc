//! The store: the SQLite library folder, the one write path and its rules (who may write what,
//! and to whom it is sealed), every path built from a database value, and the search index.
//! Imports only the ground (`error`, `clock`, `ids`, `text`); never a domain, never `sync`.

pub mod blobs;
pub mod db;
pub mod library;
pub mod rules;
pub mod sealing;
pub mod search;
pub mod write;
