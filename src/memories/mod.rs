//! The shared memory: moments, the gallery (media, tags with consent, hide requests), albums,
//! gallery import and exports. Imports everything below it, `people` included.

pub mod albums;
pub mod export;
pub mod hidden;
pub mod import;
pub mod media;
pub mod moments;
pub mod tags;
