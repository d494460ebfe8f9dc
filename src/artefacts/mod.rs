//! Artefacts and signs of membership: the registry of what the community made and keeps
//! (`registry`), several members' accounts of each (`accounts`), its files (`files`), and its
//! versions with the sizes members want (`versions`).

pub mod accounts;
pub mod files;
pub mod registry;
pub mod versions;

pub use registry::Artefact;
