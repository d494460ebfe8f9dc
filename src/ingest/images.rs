//! Images members bring in (portraits, story and board photos): decoded like the gallery's
//! (`imaging::decode_for`: a JPEG at a reduced scale, others within the decoding budget),
//! cropped and resized, and stored content-addressed in the library's `blobs/` with a
//! thumbnail in `thumbs/`. Files are written under a temporary name and renamed into place,
//! so a crash never leaves half an image where the window would look for one.

use std::path::Path;

use image::DynamicImage;

use crate::error::{Error, Result};
use crate::store::blobs::{self, write_atomically};

/// Larger files are refused before reading: no portrait needs more.
pub const MAX_IMAGE_BYTES: u64 = 40 * 1024 * 1024;
pub const PORTRAIT_SIDE: u32 = 512;
pub const THUMB_SIDE: u32 = crate::store::blobs::IMAGE_THUMB_SIDE;

/// The picture at no more than [`PHOTO_MAX_SIDE`] on its long side where the format allows
/// decoding it smaller, see-through pixels already laid on Hearth's cream.
fn decode(bytes: &[u8]) -> Result<DynamicImage> {
    let (_, _, rgb) = crate::ingest::imaging::decode_for(bytes, PHOTO_MAX_SIDE)?;
    let image = image::RgbImage::from_raw(rgb.width, rgb.height, rgb.pixels)
        .ok_or_else(|| Error::invalid("image", "could not be decoded whole".to_owned()))?;
    Ok(DynamicImage::ImageRgb8(image))
}

fn encode_jpeg(image: &DynamicImage) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    let mut encoder = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 86);
    encoder
        .encode_image(&image.to_rgb8())
        .map_err(|e| Error::invalid("image", format!("could not be encoded: {e}")))?;
    Ok(out)
}

/// Turns image bytes into a square portrait (centre-cropped, at most 512 px) and its 128 px
/// thumbnail in `root`, returning the portrait's BLAKE3 hash.
pub fn store_portrait(root: &Path, bytes: &[u8]) -> Result<String> {
    let image = decode(bytes)?;
    let side = image.width().min(image.height());
    if side == 0 {
        return Err(Error::invalid("image", "has no pixels".to_owned()));
    }
    let square = image.crop_imm((image.width() - side) / 2, (image.height() - side) / 2, side, side);
    let portrait =
        square.resize_exact(side.min(PORTRAIT_SIDE), side.min(PORTRAIT_SIDE), image::imageops::FilterType::Lanczos3);
    let thumb = portrait.resize_exact(THUMB_SIDE, THUMB_SIDE, image::imageops::FilterType::Triangle);
    let portrait_bytes = encode_jpeg(&portrait)?;
    let hash = blake3::hash(&portrait_bytes).to_hex().to_string();
    write_atomically(&blobs::image_thumb(root, &hash)?, &encode_jpeg(&thumb)?)?;
    write_atomically(&blobs::image(root, &hash)?, &portrait_bytes)?;
    Ok(hash)
}

/// Rebuilds a portrait's or story photo's 128 px square thumbnail from the stored image (a
/// thumbnail is not named by its own content, so a laptop never takes one from a sync target).
///
/// Errors: `Invalid` for a hash that names no file; `Io` when the image is not stored here.
pub fn rebuild_image_thumb(root: &Path, hash: &str) -> Result<()> {
    let path = blobs::image(root, hash)?;
    let bytes = std::fs::read(&path).map_err(|e| Error::io(&path, e))?;
    let image = decode(&bytes)?;
    let side = image.width().min(image.height()).max(1);
    let square = image.crop_imm((image.width() - side) / 2, (image.height() - side) / 2, side, side);
    let thumb = square.resize_exact(THUMB_SIDE, THUMB_SIDE, image::imageops::FilterType::Triangle);
    write_atomically(&blobs::image_thumb(root, hash)?, &encode_jpeg(&thumb)?)
}

pub const PHOTO_MAX_SIDE: u32 = 1600;

/// Stores a photo (for a story or a celebration board): at most 1600 px on its long side,
/// with a 128 px square thumbnail, returning its hash.
pub fn store_photo(root: &Path, bytes: &[u8]) -> Result<String> {
    let image = decode(bytes)?;
    let photo = if image.width().max(image.height()) > PHOTO_MAX_SIDE {
        image.resize(PHOTO_MAX_SIDE, PHOTO_MAX_SIDE, image::imageops::FilterType::Lanczos3)
    } else {
        image
    };
    let side = photo.width().min(photo.height()).max(1);
    let square = photo.crop_imm((photo.width() - side) / 2, (photo.height() - side) / 2, side, side);
    let thumb = square.resize_exact(THUMB_SIDE, THUMB_SIDE, image::imageops::FilterType::Triangle);
    let photo_bytes = encode_jpeg(&photo)?;
    let hash = blake3::hash(&photo_bytes).to_hex().to_string();
    write_atomically(&blobs::image_thumb(root, &hash)?, &encode_jpeg(&thumb)?)?;
    write_atomically(&blobs::image(root, &hash)?, &photo_bytes)?;
    Ok(hash)
}

/// Checks a list of photo hashes names images stored in this library.
pub fn validate_photos(root: &Path, photos: &[String]) -> Result<Vec<String>> {
    if photos.len() > 12 {
        return Err(Error::invalid("photos", "at most 12 photos fit".to_owned()));
    }
    for hash in photos {
        if !blobs::image(root, hash).is_ok_and(|path| path.is_file()) {
            return Err(Error::invalid("photos", format!("{hash:?} is not a photo in this library")));
        }
    }
    let mut unique = photos.to_vec();
    unique.dedup();
    Ok(unique)
}

/// Reads an image file the person chose, refusing what is too large to be one before reading.
pub fn read_image_file(path: &Path) -> Result<Vec<u8>> {
    let size = std::fs::metadata(path).map_err(|e| Error::io(path, e))?.len();
    if size == 0 {
        return Err(Error::invalid("image", "is an empty file".to_owned()));
    }
    if size > MAX_IMAGE_BYTES {
        return Err(Error::invalid("image", format!("is {} MB; at most {} MB", size >> 20, MAX_IMAGE_BYTES >> 20)));
    }
    std::fs::read(path).map_err(|e| Error::io(path, e))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;

    fn png(width: u32, height: u32) -> Vec<u8> {
        let image = image::RgbImage::from_fn(width, height, |x, y| image::Rgb([(x % 256) as u8, (y % 256) as u8, 90]));
        let mut out = Vec::new();
        DynamicImage::ImageRgb8(image).write_to(&mut Cursor::new(&mut out), image::ImageFormat::Png).unwrap();
        out
    }

    #[test]
    fn a_wide_photo_becomes_a_centred_square_with_a_thumbnail() {
        let dir = tempfile::tempdir().unwrap();
        let hash = store_portrait(dir.path(), &png(900, 600)).unwrap();
        assert!(blobs::is_hash(&hash));
        let portrait = image::open(blobs::image(dir.path(), &hash).unwrap()).unwrap();
        assert_eq!((portrait.width(), portrait.height()), (512, 512));
        let thumb = image::open(blobs::image_thumb(dir.path(), &hash).unwrap()).unwrap();
        assert_eq!((thumb.width(), thumb.height()), (128, 128));
        assert_eq!(store_portrait(dir.path(), &png(900, 600)).unwrap(), hash, "the same image is stored once");
    }

    #[test]
    fn corrupt_truncated_and_foreign_files_are_refused_clearly() {
        let dir = tempfile::tempdir().unwrap();
        let whole = png(64, 64);
        for (bytes, expect) in
            [(whole[..whole.len() / 2].to_vec(), "damaged"), (b"%PDF-1.7 not an image".to_vec(), "not an image")]
        {
            let Err(Error::Invalid { reason, .. }) = store_portrait(dir.path(), &bytes) else {
                panic!("{expect} accepted")
            };
            assert!(reason.contains(expect), "{reason}");
        }
        assert_eq!(
            std::fs::read_dir(dir.path()).map(|d| d.count()).unwrap_or(0),
            0,
            "nothing is written for a refused image"
        );
    }

    #[test]
    fn an_image_bomb_is_refused_before_it_is_decoded() {
        // A PNG header announcing 30000 × 30000 pixels, followed by almost nothing.
        let mut bomb = png(1, 1);
        bomb[16..20].copy_from_slice(&30_000u32.to_be_bytes());
        bomb[20..24].copy_from_slice(&30_000u32.to_be_bytes());
        let dir = tempfile::tempdir().unwrap();
        let Err(Error::Invalid { reason, .. }) = store_portrait(dir.path(), &bomb) else { panic!("bomb accepted") };
        assert!(reason.contains("30000 × 30000") || reason.contains("damaged"), "{reason}");
    }

    #[test]
    fn only_hex_hashes_name_blobs() {
        assert!(!blobs::is_hash("../../etc/passwd"));
        assert!(!blobs::is_hash(&"A".repeat(64)));
        assert!(blobs::is_hash(&"0f".repeat(32)));
    }
}
