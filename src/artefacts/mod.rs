//! Artefacts and signs of membership: the registry of what the community made and keeps
//! (`registry`), several members' accounts of each (`accounts`), its files (`files`), and its
//! versions with the sizes members want (`versions`); badges (`badges`), their awards and what
//! the person awarded decides (`awards`), and what the leads do (`awarding`).

pub mod accounts;
pub mod awarding;
pub mod awards;
pub mod badges;
pub mod files;
pub mod history;
pub mod registry;
pub mod versions;

pub use registry::Artefact;
