//! Generated photos with real EXIF, for the demo community, the benchmarks and the tests:
//! real JPEG (or PNG) bytes encoded by real codecs, never checked-in binaries.

use std::io::Cursor;

use crate::ingest::imaging::{self, Rgb};

/// The EXIF a generated photo carries.
#[derive(Debug, Clone, Default)]
pub struct SampleExif {
    /// 'YYYY:MM:DD HH:MM:SS'
    pub taken_at: Option<String>,
    pub offset: Option<String>,
    pub orientation: Option<u16>,
    pub gps: Option<(f64, f64)>,
    pub camera: Option<(String, String)>,
}

/// A picture that looks like a photo to a codec: soft gradients, a few discs, fine grain.
pub fn picture(width: u32, height: u32, seed: u64) -> Rgb {
    let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let base = [(next() % 200) as i32 + 30, (next() % 200) as i32 + 30, (next() % 200) as i32 + 30];
    let discs: Vec<(i64, i64, i64, [i32; 3])> = (0..6)
        .map(|_| {
            let r = (next() % u64::from((height / 3).max(1))) as i64 + 4;
            (
                (next() % u64::from(width.max(1))) as i64,
                (next() % u64::from(height.max(1))) as i64,
                r,
                [(next() % 256) as i32, (next() % 256) as i32, (next() % 256) as i32],
            )
        })
        .collect();
    let mut pixels = Vec::with_capacity((width * height * 3) as usize);
    for y in 0..height {
        for x in 0..width {
            let mut colour = [
                base[0] + (x * 60 / width.max(1)) as i32 - 30,
                base[1] + (y * 60 / height.max(1)) as i32 - 30,
                base[2] - (x * 40 / width.max(1)) as i32,
            ];
            for (cx, cy, r, c) in &discs {
                let (dx, dy) = (i64::from(x) - cx, i64::from(y) - cy);
                if dx * dx + dy * dy < r * r {
                    colour = *c;
                }
            }
            let grain = (next() % 9) as i32 - 4;
            pixels.extend(colour.map(|c| (c + grain).clamp(0, 255) as u8));
        }
    }
    Rgb { width, height, pixels }
}

/// A JPEG of `width` × `height` with the given EXIF in an APP1 segment.
pub fn jpeg(width: u32, height: u32, seed: u64, exif: &SampleExif) -> Vec<u8> {
    let encoded = imaging::encode_jpeg(&picture(width, height, seed)).expect("generated pixels encode");
    with_exif(&encoded, exif)
}

/// Inserts an EXIF APP1 segment right after the JPEG's start-of-image marker.
pub fn with_exif(jpeg: &[u8], sample: &SampleExif) -> Vec<u8> {
    use exif::{Field, In, Rational, Tag, Value};
    let mut fields = Vec::new();
    let ascii = |tag, ifd, text: &str| Field { tag, ifd_num: ifd, value: Value::Ascii(vec![text.as_bytes().to_vec()]) };
    if let Some(orientation) = sample.orientation {
        fields.push(Field { tag: Tag::Orientation, ifd_num: In::PRIMARY, value: Value::Short(vec![orientation]) });
    }
    if let Some(taken) = &sample.taken_at {
        fields.push(ascii(Tag::DateTimeOriginal, In::PRIMARY, taken));
    }
    if let Some(offset) = &sample.offset {
        fields.push(ascii(Tag::OffsetTimeOriginal, In::PRIMARY, offset));
    }
    if let Some((make, model)) = &sample.camera {
        fields.push(ascii(Tag::Make, In::PRIMARY, make));
        fields.push(ascii(Tag::Model, In::PRIMARY, model));
    }
    if let Some((latitude, longitude)) = sample.gps {
        let dms = |value: f64| {
            let value = value.abs();
            let degrees = value.trunc();
            let minutes = ((value - degrees) * 60.0).trunc();
            let seconds = ((value - degrees) * 60.0 - minutes) * 60.0;
            Value::Rational(vec![
                Rational { num: degrees as u32, denom: 1 },
                Rational { num: minutes as u32, denom: 1 },
                Rational { num: (seconds * 1000.0).round() as u32, denom: 1000 },
            ])
        };
        fields.push(ascii(Tag::GPSLatitudeRef, In::PRIMARY, if latitude < 0.0 { "S" } else { "N" }));
        fields.push(Field { tag: Tag::GPSLatitude, ifd_num: In::PRIMARY, value: dms(latitude) });
        fields.push(ascii(Tag::GPSLongitudeRef, In::PRIMARY, if longitude < 0.0 { "W" } else { "E" }));
        fields.push(Field { tag: Tag::GPSLongitude, ifd_num: In::PRIMARY, value: dms(longitude) });
    }
    if fields.is_empty() {
        return jpeg.to_vec();
    }
    let mut writer = exif::experimental::Writer::new();
    for field in &fields {
        writer.push_field(field);
    }
    let mut tiff = Cursor::new(Vec::new());
    writer.write(&mut tiff, false).expect("EXIF fields write");
    let tiff = tiff.into_inner();
    let length = u16::try_from(2 + 6 + tiff.len()).expect("EXIF fits one segment");
    let mut out = Vec::with_capacity(jpeg.len() + tiff.len() + 10);
    out.extend_from_slice(&jpeg[..2]);
    out.extend_from_slice(&[0xFF, 0xE1]);
    out.extend_from_slice(&length.to_be_bytes());
    out.extend_from_slice(b"Exif\0\0");
    out.extend_from_slice(&tiff);
    out.extend_from_slice(&jpeg[2..]);
    out
}

/// A PNG of the generated picture (no EXIF).
pub fn png(width: u32, height: u32, seed: u64) -> Vec<u8> {
    let picture = picture(width, height, seed);
    let image = image::RgbImage::from_raw(width, height, picture.pixels).expect("sizes match");
    let mut out = Vec::new();
    image::DynamicImage::ImageRgb8(image)
        .write_to(&mut Cursor::new(&mut out), image::ImageFormat::Png)
        .expect("PNG encodes");
    out
}

/// A short test-pattern video made by ffmpeg (`None` without ffmpeg).
pub fn video(path: &std::path::Path, seconds: u32, creation_time: &str) -> Option<()> {
    let status = std::process::Command::new("ffmpeg")
        .args(["-v", "error", "-y", "-f", "lavfi", "-i"])
        .arg(format!("testsrc=duration={seconds}:size=320x240:rate=10"))
        .args(["-pix_fmt", "yuv420p", "-metadata"])
        .arg(format!("creation_time={creation_time}"))
        .arg(path)
        .status()
        .ok()?;
    status.success().then_some(())
}
