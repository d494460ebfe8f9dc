//! Every file path built from a database value. Rows name files by a content hash and, for
//! originals, a format; both arrive by sync from other laptops, so neither is trusted: a path
//! is made only from a hash of 64 lowercase hex digits and a format from [`FORMATS`], and
//! anything else is refused before it comes near the file system (a crafted
//! `jpg/../../../x.desktop` would otherwise write outside the library).
//!
//! This module owns the names of `blobs/`, `thumbs/` and `previews/`; it does not read or
//! write files.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// Formats a gallery original may have in `blobs/`, as the importer names them.
pub const MEDIA_FORMATS: &[&str] = &["jpg", "png", "webp", "gif", "tif", "mp4", "mov", "m4v", "webm"];
/// Every format a file may have in `blobs/`: the gallery's, and an artefact's audio and
/// documents.
pub const FORMATS: &[&str] = &[
    "jpg", "png", "webp", "gif", "tif", "mp4", "mov", "m4v", "webm", "mp3", "ogg", "opus", "wav", "flac", "m4a", "pdf",
];
/// Suffixes of the gallery's derived files.
pub const THUMB_SUFFIX: &str = "-256.jpg";
pub const PREVIEW_SUFFIX: &str = "-1280.jpg";
/// Side of a portrait's or story photo's square thumbnail.
pub const IMAGE_THUMB_SIDE: u32 = 128;

/// Whether `text` can name a blob (64 lowercase hex digits: a BLAKE3 hash).
pub fn is_hash(text: &str) -> bool {
    text.len() == 64 && text.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// Whether `text` is a format an original may be stored in.
pub fn is_format(text: &str) -> bool {
    FORMATS.contains(&text)
}

fn checked(hash: &str) -> Result<&str> {
    if is_hash(hash) {
        Ok(hash)
    } else {
        Err(Error::invalid(
            "hash",
            format!("{:?} does not name a file (a file is named by its 64-digit hash)", cut(hash)),
        ))
    }
}

/// A value quoted in an error, cut so a huge crafted one does not fill the message.
fn cut(text: &str) -> String {
    text.chars().take(80).collect()
}

/// A gallery original as imported, byte for byte: `blobs/<hash>.<format>`.
///
/// Errors: `Invalid` when `hash` is not 64 lowercase hex digits or `format` is not one of
/// [`FORMATS`].
pub fn original(root: &Path, hash: &str, format: &str) -> Result<PathBuf> {
    let hash = checked(hash)?;
    if !is_format(format) {
        return Err(Error::invalid("format", format!("{:?} is not a format Hearth stores", cut(format))));
    }
    Ok(root.join("blobs").join(format!("{hash}.{format}")))
}

/// A gallery item's 256 px thumbnail: `thumbs/<hash>-256.jpg`.
pub fn thumb(root: &Path, hash: &str) -> Result<PathBuf> {
    Ok(root.join("thumbs").join(format!("{}{THUMB_SUFFIX}", checked(hash)?)))
}

/// A gallery item's 1280 px preview: `previews/<hash>-1280.jpg`.
pub fn preview(root: &Path, hash: &str) -> Result<PathBuf> {
    Ok(root.join("previews").join(format!("{}{PREVIEW_SUFFIX}", checked(hash)?)))
}

/// A portrait or story photo (always JPEG): `blobs/<hash>.jpg`.
pub fn image(root: &Path, hash: &str) -> Result<PathBuf> {
    Ok(root.join("blobs").join(format!("{}.jpg", checked(hash)?)))
}

/// A portrait's or story photo's 128 px square thumbnail: `thumbs/<hash>-128.jpg`.
pub fn image_thumb(root: &Path, hash: &str) -> Result<PathBuf> {
    Ok(root.join("thumbs").join(format!("{}-{IMAGE_THUMB_SIDE}.jpg", checked(hash)?)))
}

/// Writes a content-addressed file (a blob, thumbnail, preview, kept segment or key file) by
/// way of a temporary name, so a crash never leaves half a file under the real name; a file
/// already there holds the same bytes and is left alone.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    if path.exists() {
        return Ok(()); // content-addressed: the same name holds the same bytes
    }
    let dir = path.parent().expect("blob paths have a folder");
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let temporary = path.with_extension("partial");
    std::fs::write(&temporary, bytes).map_err(|e| Error::io(&temporary, e))?;
    std::fs::rename(&temporary, path).map_err(|e| Error::io(path, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The attack from the trust issue: a row whose format climbs out of `blobs/`.
    #[test]
    fn crafted_formats_and_hashes_never_become_paths() {
        let root = Path::new("/lib");
        let hash = "a".repeat(64);
        assert!(original(root, &hash, "jpg/../../../PWNED.desktop").is_err(), "a format with a path is refused");
        assert!(original(root, &hash, "desktop").is_err(), "only known formats");
        for bad in ["../../etc/passwd", "", &"A".repeat(64), &format!("{}/", "a".repeat(63)), &"a".repeat(65)] {
            assert!(original(root, bad, "jpg").is_err(), "{bad:?} is not a hash");
            assert!(thumb(root, bad).is_err() && preview(root, bad).is_err() && image(root, bad).is_err());
        }
        assert_eq!(original(root, &hash, "mp4").unwrap(), root.join("blobs").join(format!("{hash}.mp4")));
        assert_eq!(thumb(root, &hash).unwrap(), root.join("thumbs").join(format!("{hash}-256.jpg")));
    }
}
