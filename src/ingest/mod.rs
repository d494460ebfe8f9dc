//! Reading what people bring in: decoding images with limits, derived thumbnails and previews,
//! metadata (EXIF, XMP, ffprobe), portraits and story photos. Imports the store and the ground;
//! never a domain.

pub mod images;
pub mod imaging;
pub mod metadata;
