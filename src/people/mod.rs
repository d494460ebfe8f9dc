//! People and what they share: members and profiles, stories, celebrations, care notes, message
//! threads, people to meet, CSV/vCard exchange. Imports the ground, the store, `viewer`,
//! `community` and `ingest`.

pub mod care;
pub mod celebrations;
pub mod directory;
pub mod exchange;
pub mod meet;
pub mod members;
pub mod stories;
pub mod threads;
