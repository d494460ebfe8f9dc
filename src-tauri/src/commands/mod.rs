//! Tauri commands: each a few lines that call the core. No SQL and no domain rules here.

pub mod albums;
pub mod artefacts;
pub mod badges;
pub mod bench;
pub mod care;
pub mod celebrations;
pub mod community;
pub mod dialogs;
pub mod health;
pub mod import;
pub mod initiatives;
pub mod library;
pub mod links;
pub mod media;
pub mod members;
pub mod moments;
pub mod pulse;
pub mod rituals;
pub mod settings;
pub mod stories;
pub mod sync;
pub mod yearbook;
