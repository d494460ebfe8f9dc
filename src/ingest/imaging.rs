//! Derived images for the gallery: a 256 px thumbnail and a ~1280 px preview from one decode.
//!
//! JPEGs are decoded by libjpeg-turbo at the smallest DCT scale that still covers the preview
//! (a 12 MP photo at 3/8 scale), both sizes are made from that one decode, and the orientation
//! is applied to the small results only. Other formats go through the `image` crate within a
//! memory budget ([`DECODE_BUDGET`]). Headers are checked before any pixel buffer is allocated.

use std::io::Cursor;

use fast_image_resize::images::{Image as ResizeImage, ImageRef};
use fast_image_resize::{FilterType, PixelType, ResizeAlg, ResizeOptions, Resizer};
use image::{ImageReader, Limits};

use crate::error::{Error, Result};

pub const THUMB_LONG_SIDE: u32 = 256;
pub const PREVIEW_LONG_SIDE: u32 = 1280;
/// Wider or taller images are refused before decoding (a 30000 × 30000 "bomb" never allocates).
pub const MAX_SIDE: u32 = 25_000;
pub const MAX_PIXELS: u64 = 150_000_000;
const QUALITY: i32 = 82;

/// An RGB image, 3 bytes a pixel, no padding.
#[derive(Debug, Clone)]
pub struct Rgb {
    pub width: u32,
    pub height: u32,
    pub pixels: Vec<u8>,
}

/// What a photo (or a video's poster frame) gives the gallery.
#[derive(Debug, Clone)]
pub struct Derived {
    /// Full size as displayed (after orientation).
    pub width: u32,
    pub height: u32,
    pub thumb: Vec<u8>,
    pub preview: Vec<u8>,
    pub phash: u64,
}

fn invalid(reason: impl Into<String>) -> Error {
    Error::invalid("image", reason.into())
}

fn check_size(width: u32, height: u32) -> Result<()> {
    if width == 0 || height == 0 {
        return Err(invalid("has no pixels"));
    }
    if width > MAX_SIDE || height > MAX_SIDE || u64::from(width) * u64::from(height) > MAX_PIXELS {
        return Err(invalid(format!(
            "is {width} × {height} pixels; Hearth reads images up to {MAX_SIDE} pixels a side and {} megapixels",
            MAX_PIXELS / 1_000_000
        )));
    }
    Ok(())
}

/// Above this many pixels an image must hold at least one byte of file per
/// [`PIXELS_PER_BYTE`] pixels: photos of that size are megabytes (a 24-megapixel JPEG holds
/// 0.25–0.5 bytes a pixel; a flat 33-megapixel screenshot as PNG about 0.06), while a
/// "decompression bomb" (a 634-byte JPEG, a 5 KB WebP or a 145 KB PNG claiming 144
/// megapixels) would take a gigabyte and a minute to decode, and the same again on every
/// laptop it syncs to.
pub const PLAUSIBLE_FROM_PIXELS: u64 = 16_000_000;
/// See [`PLAUSIBLE_FROM_PIXELS`]: at most 100 pixels a byte (0.01 bytes a pixel).
pub const PIXELS_PER_BYTE: u64 = 100;

/// Refuses an image whose header claims more pixels than its file could plausibly hold.
pub fn check_plausible(width: u32, height: u32, file_bytes: usize) -> Result<()> {
    let pixels = u64::from(width) * u64::from(height);
    if pixels > PLAUSIBLE_FROM_PIXELS && (file_bytes as u64).saturating_mul(PIXELS_PER_BYTE) < pixels {
        return Err(invalid(format!(
            "says it is {width} × {height} pixels but is only {} KB: a picture that size cannot be this small, so it is not read (a damaged or crafted file)",
            file_bytes.div_ceil(1024)
        )));
    }
    Ok(())
}

/// Makes the thumbnail and preview of an encoded image. `orientation` is the EXIF value (1–8).
pub fn derive(bytes: &[u8], orientation: u16) -> Result<Derived> {
    let (full_width, full_height, decoded) = decode_for(bytes, PREVIEW_LONG_SIDE)?;
    from_rgb(full_width, full_height, &decoded, orientation)
}

/// Decodes any image Hearth reads into RGB whose long side still covers `target` where the
/// format allows (a JPEG at a reduced DCT scale), else whole within [`DECODE_BUDGET`]; with the
/// full picture's width and height. A JPEG cut short is refused.
pub fn decode_for(bytes: &[u8], target: u32) -> Result<(u32, u32, Rgb)> {
    let is_jpeg = bytes.starts_with(&[0xFF, 0xD8, 0xFF]);
    if is_jpeg && !jpeg_is_complete(bytes) {
        // libjpeg-turbo fills what is missing with grey and only warns; a cut-off photo is
        // refused rather than stored half grey.
        return Err(invalid("is damaged or incomplete (the file ends before the picture does)"));
    }
    if !is_jpeg {
        return decode_generic(bytes);
    }
    match decode_jpeg_scaled(bytes, target) {
        Ok(result) => Ok(result),
        // CMYK and other rare JPEGs libjpeg-turbo will not turn into RGB: the image crate can.
        Err(turbo) => decode_generic(bytes).map_err(|_| turbo),
    }
}

/// Whether the JPEG's own image stream is whole: its markers, walked from the start (each
/// segment skipped by its length, each scan's entropy-coded data up to the next marker that is
/// not a restart or a stuffed 0xFF), reach the end-of-image marker. What follows it is not the
/// picture's: phones append the clip of a "motion photo", cameras their maker trailers, so
/// trailing data never makes a good photo fail, and a photo cut short still does.
fn jpeg_is_complete(bytes: &[u8]) -> bool {
    jpeg_end(bytes).is_some()
}

/// Where a JPEG's image stream ends (just past its end-of-image marker), if it does.
pub fn jpeg_end(bytes: &[u8]) -> Option<usize> {
    if !bytes.starts_with(&[0xFF, 0xD8]) {
        return None;
    }
    let mut at = 2;
    loop {
        // Markers may be padded with any number of 0xFF.
        while *bytes.get(at)? == 0xFF && *bytes.get(at + 1)? == 0xFF {
            at += 1;
        }
        if *bytes.get(at)? != 0xFF {
            return None;
        }
        let marker = *bytes.get(at + 1)?;
        at += 2;
        match marker {
            0xD9 => return Some(at),
            0x01 | 0xD0..=0xD7 => continue, // no length
            _ => {
                let length = usize::from(u16::from_be_bytes([*bytes.get(at)?, *bytes.get(at + 1)?]));
                if length < 2 {
                    return None;
                }
                at += length;
                if marker == 0xDA {
                    // Entropy-coded data: up to the next real marker.
                    loop {
                        let next = at + bytes.get(at..)?.iter().position(|b| *b == 0xFF)?;
                        match *bytes.get(next + 1)? {
                            0x00 | 0xD0..=0xD7 | 0xFF => at = next + 1,
                            _ => {
                                at = next;
                                break;
                            }
                        }
                    }
                }
            }
        }
    }
}

/// Makes both sizes from decoded pixels (the full image's size is given for the record).
pub fn from_rgb(full_width: u32, full_height: u32, decoded: &Rgb, orientation: u16) -> Result<Derived> {
    let preview = fit(decoded, PREVIEW_LONG_SIDE)?;
    let thumb = fit(&preview, THUMB_LONG_SIDE)?;
    let phash = difference_hash(&thumb);
    let preview = orient(&preview, orientation);
    let thumb = orient(&thumb, orientation);
    let (width, height) = if orientation >= 5 { (full_height, full_width) } else { (full_width, full_height) };
    Ok(Derived { width, height, thumb: encode_jpeg(&thumb)?, preview: encode_jpeg(&preview)?, phash })
}

/// Decodes a JPEG at the smallest DCT scale whose long side still reaches `target`.
pub fn decode_jpeg_scaled(bytes: &[u8], target: u32) -> Result<(u32, u32, Rgb)> {
    let mut decompressor = turbojpeg::Decompressor::new().map_err(|e| invalid(format!("could not be read: {e}")))?;
    let header = decompressor.read_header(bytes).map_err(|e| invalid(format!("is damaged or incomplete ({e})")))?;
    let (width, height) = (header.width as u32, header.height as u32);
    check_size(width, height)?;
    check_plausible(width, height, bytes.len())?;
    let long = width.max(height);
    let eighths = (1..=8).find(|n| long * n / 8 >= target).unwrap_or(8);
    let scale = turbojpeg::ScalingFactor::new(eighths as usize, 8);
    let scaled = header.scaled(scale);
    decompressor.set_scaling_factor(scale).map_err(|e| invalid(format!("could not be scaled: {e}")))?;
    let mut image = turbojpeg::Image {
        pixels: vec![0u8; 3 * scaled.width * scaled.height],
        width: scaled.width,
        pitch: 3 * scaled.width,
        height: scaled.height,
        format: turbojpeg::PixelFormat::RGB,
    };
    decompressor
        .decompress(bytes, image.as_deref_mut())
        .map_err(|e| invalid(format!("is damaged or incomplete ({e})")))?;
    Ok((width, height, Rgb { width: scaled.width as u32, height: scaled.height as u32, pixels: image.pixels }))
}

/// The most memory one non-JPEG image may take decoded, in bytes (384 MiB): a 100-megapixel
/// 8-bit RGBA PNG or a 48-megapixel 16-bit one. The decoder is held to it (the image crate's
/// allocation limit); a TIFF in one large strip may need intermediate buffers that make it
/// refuse an image a little under it.
pub const DECODE_BUDGET: u64 = 384 * 1024 * 1024;

/// The most memory decoding one image may take in all, in bytes (640 MiB), estimated from its
/// header before anything is allocated (see [`decoding_peak`]): an import worker's peak above
/// the file's own bytes (at most `import::MAX_PHOTO_BYTES`). `hearth bench decode` measures it.
pub const PEAK_BUDGET: u64 = 640 * 1024 * 1024;

/// What decoding an image of `pixels` pixels takes at its peak, in bytes: the decoder's output
/// (`output`), the 8-bit RGB or RGBA copy every colour type but 8-bit RGB(A) is turned into,
/// and the decoder's own buffers where they are large: WebP keeps a 4-byte-a-pixel scratch
/// image and, when `animated`, a canvas, a frame and its YUV planes (about 11 bytes a pixel in
/// all, image-webp 0.2); a JPEG libjpeg-turbo refused (CMYK, odd sampling) is decoded by the
/// image crate keeping every component's coefficients when progressive (8 bytes a pixel).
pub fn decoding_peak(
    format: image::ImageFormat,
    color: image::ColorType,
    animated: bool,
    pixels: u64,
    output: u64,
) -> u64 {
    let copy = match color {
        image::ColorType::Rgb8 | image::ColorType::Rgba8 => 0,
        other if other.has_alpha() => 4 * pixels,
        _ => 3 * pixels,
    };
    let scratch = match format {
        image::ImageFormat::WebP if animated => 11 * pixels,
        image::ImageFormat::WebP => 4 * pixels,
        image::ImageFormat::Jpeg => 8 * pixels,
        _ => 0,
    };
    output + copy + scratch
}

/// Decodes PNG, WebP, GIF, TIFF (and JPEGs libjpeg-turbo refused) within [`DECODE_BUDGET`].
/// These formats cannot be decoded at a reduced size, so the whole picture is decoded once and
/// turned into RGB in place where it already is 8-bit.
pub fn decode_generic(bytes: &[u8]) -> Result<(u32, u32, Rgb)> {
    let reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| invalid(format!("could not be read: {e}")))?;
    let Some(format) = reader.format() else { return Err(invalid("is not an image Hearth can read")) };
    // The header alone gives the size and the memory to decode: an absurd one is refused
    // before any pixel is decoded.
    let decoder = reader.into_decoder().map_err(|e| invalid(format!("is damaged or incomplete ({e})")))?;
    let (width, height) = image::ImageDecoder::dimensions(&decoder);
    check_size(width, height)?;
    check_plausible(width, height, bytes.len())?;
    let output = image::ImageDecoder::total_bytes(&decoder);
    let animated = format == image::ImageFormat::WebP
        && image::codecs::webp::WebPDecoder::new(Cursor::new(bytes)).is_ok_and(|webp| webp.has_animation());
    let peak = decoding_peak(
        format,
        image::ImageDecoder::color_type(&decoder),
        animated,
        u64::from(width) * u64::from(height),
        output,
    );
    if output > DECODE_BUDGET || peak > PEAK_BUDGET {
        return Err(invalid(format!(
            "would take {} MB of memory to decode; Hearth decodes one image in at most {} MB (save it as a JPEG, or smaller)",
            peak.div_ceil(1_000_000),
            PEAK_BUDGET / 1_000_000
        )));
    }
    drop(decoder);
    let mut reader = ImageReader::new(Cursor::new(bytes)).with_guessed_format().map_err(|e| invalid(e.to_string()))?;
    let mut limits = Limits::default();
    limits.max_alloc = Some(DECODE_BUDGET);
    reader.limits(limits);
    let image = reader.decode().map_err(|e| match e {
        image::ImageError::Limits(_) => invalid(format!(
            "needs more than the {} MB of memory Hearth allows to decode one image (save it as a JPEG, or smaller)",
            DECODE_BUDGET / 1_000_000
        )),
        image::ImageError::Unsupported(_) => invalid("is in a variant Hearth cannot read"),
        other => invalid(format!("is damaged or incomplete ({other})")),
    })?;
    let pixels = match image {
        image::DynamicImage::ImageRgb8(buffer) => buffer.into_raw(),
        image::DynamicImage::ImageRgba8(buffer) => flatten_on_cream(buffer.into_raw()),
        other if other.color().has_alpha() => flatten_on_cream(other.into_rgba8().into_raw()),
        other => other.into_rgb8().into_raw(),
    };
    Ok((width, height, Rgb { width, height, pixels }))
}

/// RGBA to RGB in the same buffer, see-through pixels laid on Hearth's cream (JPEG has no
/// transparency; on black they would look burnt). Pixel i's three bytes go to 3i, never past
/// 4i, which is still to be read, so no second buffer is needed.
fn flatten_on_cream(mut pixels: Vec<u8>) -> Vec<u8> {
    let count = pixels.len() / 4;
    for i in 0..count {
        let [r, g, b, a] = [pixels[4 * i], pixels[4 * i + 1], pixels[4 * i + 2], pixels[4 * i + 3]];
        let over = |c: u8, bg: u16| ((u16::from(c) * u16::from(a) + bg * (255 - u16::from(a))) / 255) as u8;
        pixels[3 * i..3 * i + 3].copy_from_slice(&[over(r, 251), over(g, 246), over(b, 238)]);
    }
    pixels.truncate(3 * count);
    pixels.shrink_to_fit();
    pixels
}

/// Scales down (never up) so the long side is at most `long_side`, with Lanczos3.
pub fn fit(image: &Rgb, long_side: u32) -> Result<Rgb> {
    let long = image.width.max(image.height);
    if long <= long_side {
        return Ok(image.clone());
    }
    let width = ((u64::from(image.width) * u64::from(long_side) + u64::from(long) / 2) / u64::from(long)).max(1) as u32;
    let height =
        ((u64::from(image.height) * u64::from(long_side) + u64::from(long) / 2) / u64::from(long)).max(1) as u32;
    let source = ImageRef::new(image.width, image.height, &image.pixels, PixelType::U8x3)
        .map_err(|e| invalid(format!("could not be resized: {e}")))?;
    let mut target = ResizeImage::new(width, height, PixelType::U8x3);
    Resizer::new()
        .resize(&source, &mut target, &ResizeOptions::new().resize_alg(ResizeAlg::Convolution(FilterType::Lanczos3)))
        .map_err(|e| invalid(format!("could not be resized: {e}")))?;
    Ok(Rgb { width, height, pixels: target.into_vec() })
}

/// Turns pixels as stored into pixels as seen, for the eight EXIF orientations.
pub fn orient(image: &Rgb, orientation: u16) -> Rgb {
    let (w, h) = (image.width as usize, image.height as usize);
    if !(2..=8).contains(&orientation) {
        return image.clone();
    }
    let swap = orientation >= 5;
    let (out_w, out_h) = if swap { (h, w) } else { (w, h) };
    let mut pixels = vec![0u8; w * h * 3];
    for y in 0..out_h {
        for x in 0..out_w {
            let (sx, sy) = match orientation {
                2 => (w - 1 - x, y),
                3 => (w - 1 - x, h - 1 - y),
                4 => (x, h - 1 - y),
                5 => (y, x),
                6 => (y, h - 1 - x),
                7 => (w - 1 - y, h - 1 - x),
                _ => (w - 1 - y, x),
            };
            let from = (sy * w + sx) * 3;
            let to = (y * out_w + x) * 3;
            pixels[to..to + 3].copy_from_slice(&image.pixels[from..from + 3]);
        }
    }
    Rgb { width: out_w as u32, height: out_h as u32, pixels }
}

pub fn encode_jpeg(image: &Rgb) -> Result<Vec<u8>> {
    let mut compressor = turbojpeg::Compressor::new().map_err(|e| invalid(format!("could not be encoded: {e}")))?;
    compressor.set_quality(QUALITY).map_err(|e| invalid(e.to_string()))?;
    compressor.set_subsamp(turbojpeg::Subsamp::Sub2x2).map_err(|e| invalid(e.to_string()))?;
    let view = turbojpeg::Image {
        pixels: image.pixels.as_slice(),
        width: image.width as usize,
        pitch: 3 * image.width as usize,
        height: image.height as usize,
        format: turbojpeg::PixelFormat::RGB,
    };
    compressor.compress_to_vec(view).map_err(|e| invalid(format!("could not be encoded: {e}")))
}

/// A 64-bit difference hash: brightness of a 9 × 8 grid, one bit per left-right step. Photos
/// a few bits apart look alike (a re-save, a slight crop, a burst shot).
pub fn difference_hash(image: &Rgb) -> u64 {
    let (w, h) = (image.width as usize, image.height as usize);
    let mut cells = [[0u32; 9]; 8];
    for (row, cells_row) in cells.iter_mut().enumerate() {
        let (y0, y1) = (row * h / 8, ((row + 1) * h / 8).max(row * h / 8 + 1).min(h));
        for (column, cell) in cells_row.iter_mut().enumerate() {
            let (x0, x1) = (column * w / 9, ((column + 1) * w / 9).max(column * w / 9 + 1).min(w));
            let (mut sum, mut count) = (0u32, 0u32);
            for y in y0..y1 {
                for x in x0..x1 {
                    let i = (y * w + x) * 3;
                    let [r, g, b] = [image.pixels[i], image.pixels[i + 1], image.pixels[i + 2]].map(u32::from);
                    sum += (r * 299 + g * 587 + b * 114) / 1000;
                    count += 1;
                }
            }
            *cell = sum / count.max(1);
        }
    }
    let mut hash = 0u64;
    for row in cells {
        for pair in row.windows(2) {
            hash = (hash << 1) | u64::from(pair[0] < pair[1]);
        }
    }
    hash
}

/// Bits that differ between two difference hashes.
pub fn distance(a: u64, b: u64) -> u32 {
    (a ^ b).count_ones()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A stored image whose top-left pixel is red and the rest blue, 4 × 2.
    fn marked() -> Rgb {
        let mut pixels = Vec::new();
        for i in 0..8 {
            pixels.extend_from_slice(if i == 0 { &[255, 0, 0] } else { &[0, 0, 255] });
        }
        Rgb { width: 4, height: 2, pixels }
    }

    fn red_at(image: &Rgb) -> (usize, usize) {
        let i = image.pixels.chunks(3).position(|p| p == [255, 0, 0]).unwrap();
        (i % image.width as usize, i / image.width as usize)
    }

    #[test]
    fn each_exif_orientation_puts_the_corner_where_the_camera_saw_it() {
        // Where the stored top-left corner ends up, per the EXIF specification's drawings.
        let expected =
            [(1, (0, 0)), (2, (3, 0)), (3, (3, 1)), (4, (0, 1)), (5, (0, 0)), (6, (1, 0)), (7, (1, 3)), (8, (0, 3))];
        for (orientation, corner) in expected {
            let seen = orient(&marked(), orientation);
            let size = if orientation >= 5 { (2, 4) } else { (4, 2) };
            assert_eq!((seen.width, seen.height), size, "orientation {orientation} size");
            assert_eq!(red_at(&seen), corner, "orientation {orientation} corner");
        }
    }

    #[test]
    fn a_decode_makes_both_sizes_within_their_bounds() {
        let image = Rgb { width: 3000, height: 2000, pixels: vec![128; 3000 * 2000 * 3] };
        let derived = from_rgb(3000, 2000, &image, 6).unwrap();
        assert_eq!((derived.width, derived.height), (2000, 3000), "orientation 6 swaps the displayed size");
        let thumb = image::load_from_memory(&derived.thumb).unwrap();
        assert_eq!((thumb.width(), thumb.height()), (171, 256), "thumbnail is upright and 256 px long");
        let preview = image::load_from_memory(&derived.preview).unwrap();
        assert_eq!((preview.width(), preview.height()), (853, 1280));
    }

    #[test]
    fn similar_pictures_have_close_hashes_and_different_ones_do_not() {
        let gradient = |w: u32, h: u32, flip: bool| {
            let mut pixels = Vec::new();
            for y in 0..h {
                for x in 0..w {
                    let v = ((x * 255 / w) as u8).wrapping_add((y * 40 / h) as u8);
                    let v = if flip { 255 - v } else { v };
                    pixels.extend_from_slice(&[v, v / 2, 255 - v]);
                }
            }
            Rgb { width: w, height: h, pixels }
        };
        let a = difference_hash(&gradient(256, 192, false));
        let resized = difference_hash(&fit(&gradient(256, 192, false), 100).unwrap());
        let other = difference_hash(&gradient(256, 192, true));
        assert!(distance(a, resized) <= 6, "a resized copy is near: {}", distance(a, resized));
        assert!(distance(a, other) > 20, "a mirrored gradient is far: {}", distance(a, other));
    }

    #[test]
    fn see_through_pixels_are_laid_on_cream_in_the_same_buffer() {
        let flat = flatten_on_cream(vec![10, 20, 30, 255, 10, 20, 30, 0, 0, 0, 0, 128]);
        assert_eq!(flat, vec![10, 20, 30, 251, 246, 238, 125, 122, 118], "opaque kept, clear is cream, half between");
    }

    /// PNG's CRC-32 over a chunk's type and data.
    fn crc32(bytes: &[u8]) -> u32 {
        !bytes.iter().fold(0xFFFF_FFFFu32, |crc, &byte| {
            (0..8).fold(crc ^ u32::from(byte), |c, _| if c & 1 == 1 { (c >> 1) ^ 0xEDB8_8320 } else { c >> 1 })
        })
    }

    /// A real 16-bit RGBA PNG whose header says `width` × `height`, padded with a private
    /// chunk to `padding` bytes so that its size is plausible for that many pixels.
    fn png16(width: u32, height: u32, padding: usize) -> Vec<u8> {
        let mut png = Vec::new();
        image::DynamicImage::new_rgba16(4, 4).write_to(&mut Cursor::new(&mut png), image::ImageFormat::Png).unwrap();
        png[16..20].copy_from_slice(&width.to_be_bytes());
        png[20..24].copy_from_slice(&height.to_be_bytes());
        let crc = crc32(&png[12..29]);
        png[29..33].copy_from_slice(&crc.to_be_bytes());
        let mut chunk = b"prVt".to_vec();
        chunk.resize(4 + padding, 0);
        let mut padded = png[..33].to_vec();
        padded.extend_from_slice(&(padding as u32).to_be_bytes());
        padded.extend_from_slice(&chunk);
        padded.extend_from_slice(&crc32(&chunk).to_be_bytes());
        padded.extend_from_slice(&png[33..]);
        padded
    }

    /// A 52-megapixel 16-bit RGBA PNG takes 416 MB decoded, over the budget: refused from its
    /// header with the figure, before anything is allocated for its pixels.
    #[test]
    fn an_image_over_the_decoding_budget_is_refused_with_the_figure() {
        let large = png16(8000, 6500, 600_000);
        let Err(Error::Invalid { reason, .. }) = decode_generic(&large) else { panic!("decoded over the budget") };
        assert!(reason.contains("624 MB of memory") && reason.contains("at most 671 MB"), "{reason}");
        // Within the budget the header passes and the (missing) pixels are what fails.
        let Err(Error::Invalid { reason, .. }) = decode_generic(&png16(4000, 3000, 200_000)) else { panic!() };
        assert!(reason.contains("damaged"), "{reason}");
    }

    #[test]
    fn a_huge_header_is_refused_before_decoding() {
        let Err(Error::Invalid { reason, .. }) = check_size(30_000, 30_000) else { panic!("accepted") };
        assert!(reason.contains("30000 × 30000"), "{reason}");
    }
}
