//! What a file says about itself: EXIF in photos (capture time and its offset, GPS,
//! orientation, camera), an XMP sidecar's date and caption, and for videos what `ffprobe`
//! reports (duration, size, rotation, creation time). Missing or malformed metadata is never
//! an error: the photo still imports, with what could be read.

use std::io::Cursor;
use std::path::Path;
use std::process::Command;

use chrono::{NaiveDateTime, TimeZone};

/// What was read; every part is optional.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Metadata {
    /// Capture time as the camera wrote it, local.
    pub taken_at: Option<NaiveDateTime>,
    /// '+02:00' when the camera recorded its offset.
    pub offset: Option<String>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    /// EXIF orientation, 1 (upright) to 8.
    pub orientation: u16,
    pub camera: String,
    pub caption: String,
    /// Videos only.
    pub duration_ms: i64,
    pub width: u32,
    pub height: u32,
}

impl Metadata {
    /// Unix ms for ordering: UTC when the offset is known, else the local time read as UTC.
    pub fn sort_at(&self) -> Option<i64> {
        let taken = self.taken_at?;
        let offset_seconds = self.offset.as_deref().and_then(parse_offset).unwrap_or(0);
        Some(
            (taken.and_utc().timestamp() - i64::from(offset_seconds)) * 1000
                + i64::from(taken.and_utc().timestamp_subsec_millis()),
        )
    }
}

fn parse_offset(text: &str) -> Option<i32> {
    let (sign, rest) = match text.as_bytes().first()? {
        b'+' => (1, &text[1..]),
        b'-' => (-1, &text[1..]),
        _ => return None,
    };
    let (hours, minutes) = rest.split_once(':')?;
    let (hours, minutes): (i32, i32) = (hours.parse().ok()?, minutes.parse().ok()?);
    (minutes < 60 && hours * 60 + minutes <= 14 * 60).then_some(sign * (hours * 3600 + minutes * 60))
}

fn ascii(field: &exif::Field) -> Option<String> {
    match &field.value {
        exif::Value::Ascii(parts) => {
            let text = String::from_utf8_lossy(parts.first()?).trim().trim_end_matches('\0').to_owned();
            (!text.is_empty()).then_some(text)
        }
        _ => None,
    }
}

fn degrees(field: &exif::Field) -> Option<f64> {
    match &field.value {
        exif::Value::Rational(parts) if parts.len() == 3 && parts.iter().all(|r| r.denom != 0) => {
            Some(parts[0].to_f64() + parts[1].to_f64() / 60.0 + parts[2].to_f64() / 3600.0)
        }
        _ => None,
    }
}

/// Reads EXIF from image bytes (JPEG, TIFF, PNG, WebP). No EXIF gives the defaults.
pub fn read_exif(bytes: &[u8]) -> Metadata {
    let mut meta = Metadata { orientation: 1, ..Metadata::default() };
    let Ok(exif) = exif::Reader::new().read_from_container(&mut Cursor::new(bytes)) else { return meta };
    let get = |tag| exif.get_field(tag, exif::In::PRIMARY);
    if let Some(orientation) = get(exif::Tag::Orientation).and_then(|f| f.value.get_uint(0)) {
        meta.orientation = if (1..=8).contains(&orientation) { orientation as u16 } else { 1 };
    }
    // When it was taken, from the first source that says (EXIF 2.32, 4.6.6): the moment of
    // capture, then of digitising (a scan's CreateDate), and only then the file's last change;
    // each with its own offset tag, so a date is never paired with another's offset.
    let sources = [
        (exif::Tag::DateTimeOriginal, exif::Tag::OffsetTimeOriginal),
        (exif::Tag::DateTimeDigitized, exif::Tag::OffsetTimeDigitized),
        (exif::Tag::DateTime, exif::Tag::OffsetTime),
    ];
    for (date_tag, offset_tag) in sources {
        if let Some(taken) = get(date_tag).and_then(ascii).as_deref().and_then(parse_exif_date) {
            meta.taken_at = Some(taken);
            meta.offset = get(offset_tag).and_then(ascii).filter(|o| parse_offset(o).is_some());
            break;
        }
    }
    let latitude = get(exif::Tag::GPSLatitude).and_then(degrees);
    let longitude = get(exif::Tag::GPSLongitude).and_then(degrees);
    if let (Some(latitude), Some(longitude)) = (latitude, longitude) {
        let south = get(exif::Tag::GPSLatitudeRef).and_then(ascii).is_some_and(|r| r.starts_with('S'));
        let west = get(exif::Tag::GPSLongitudeRef).and_then(ascii).is_some_and(|r| r.starts_with('W'));
        let (latitude, longitude) =
            (if south { -latitude } else { latitude }, if west { -longitude } else { longitude });
        // GPSStatus "V" (void): the receiver had no fix, whatever the numbers say.
        let void = get(exif::Tag::GPSStatus).and_then(ascii).is_some_and(|s| s.trim().eq_ignore_ascii_case("V"));
        if !void {
            (meta.latitude, meta.longitude) = position(latitude, longitude).unzip();
        }
    }
    let make = get(exif::Tag::Make).and_then(ascii).unwrap_or_default();
    let model = get(exif::Tag::Model).and_then(ascii).unwrap_or_default();
    meta.camera = if model.starts_with(&make) { model } else { format!("{make} {model}").trim().to_owned() };
    meta.caption = get(exif::Tag::ImageDescription).and_then(ascii).unwrap_or_default();
    meta
}

fn parse_exif_date(text: &str) -> Option<NaiveDateTime> {
    let text = text.get(..19)?;
    NaiveDateTime::parse_from_str(text, "%Y:%m:%d %H:%M:%S")
        .or_else(|_| NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S"))
        .ok()
}

/// Reads `photo.jpg.xmp` or `photo.xmp` beside `path`: its capture date and caption fill
/// what EXIF left empty (a sidecar is often where a photo manager put the caption).
pub fn apply_sidecar(path: &Path, meta: &mut Metadata) {
    let mut candidates =
        vec![path.with_extension(format!("{}.xmp", path.extension().and_then(|e| e.to_str()).unwrap_or_default()))];
    candidates.push(path.with_extension("xmp"));
    let Some(text) = candidates.iter().find_map(|p| std::fs::read_to_string(p).ok()) else { return };
    if meta.taken_at.is_none() {
        let date = xmp_value(&text, "exif:DateTimeOriginal")
            .or_else(|| xmp_value(&text, "photoshop:DateCreated"))
            .or_else(|| xmp_value(&text, "xmp:CreateDate"));
        if let Some(date) = date {
            meta.taken_at = parse_exif_date(&date);
            if meta.offset.is_none() && date.len() >= 25 {
                meta.offset = Some(date[19..25].to_owned()).filter(|o| parse_offset(o).is_some());
            }
        }
    }
    if meta.caption.is_empty() {
        if let Some(description) = text.find("<dc:description").map(|at| &text[at..]) {
            if let Some(item) = description.find("<rdf:li").map(|at| &description[at..]) {
                if let (Some(open), Some(close)) = (item.find('>'), item.find("</rdf:li>")) {
                    if open < close {
                        meta.caption = unescape(item[open + 1..close].trim());
                    }
                }
            }
        }
    }
}

/// An attribute (`name="value"`) or element (`<name>value</name>`) in XMP text.
fn xmp_value(text: &str, name: &str) -> Option<String> {
    if let Some(at) = text.find(&format!("{name}=\"")) {
        let rest = &text[at + name.len() + 2..];
        return rest.find('"').map(|end| rest[..end].to_owned());
    }
    let open = format!("<{name}>");
    let at = text.find(&open)?;
    let rest = &text[at + open.len()..];
    rest.find('<').map(|end| rest[..end].trim().to_owned())
}

fn unescape(text: &str) -> String {
    text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&apos;", "'").replace("&amp;", "&")
}

/// Whether `ffmpeg` and `ffprobe` can be run.
pub fn ffmpeg_available() -> bool {
    let runs = |program: &str| {
        Command::new(program)
            .arg("-version")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    };
    runs("ffprobe") && runs("ffmpeg")
}

/// Duration, displayed size, rotation and creation time of a video, from ffprobe.
pub fn probe_video(path: &Path) -> Result<Metadata, String> {
    let output = Command::new("ffprobe")
        .args(["-v", "error", "-print_format", "json", "-show_format", "-show_streams"])
        .arg(path)
        .output()
        .map_err(|e| format!("ffprobe could not run: {e}"))?;
    if !output.status.success() {
        let reason = String::from_utf8_lossy(&output.stderr);
        return Err(format!(
            "is not a video ffprobe can read ({})",
            reason.trim().lines().last().unwrap_or("no reason")
        ));
    }
    let report: serde_json::Value =
        serde_json::from_slice(&output.stdout).map_err(|e| format!("ffprobe said something unreadable: {e}"))?;
    let streams = report["streams"].as_array().cloned().unwrap_or_default();
    let video = streams.iter().find(|s| s["codec_type"] == "video").ok_or_else(|| "has no video stream".to_owned())?;
    let mut meta = Metadata { orientation: 1, ..Metadata::default() };
    let (width, height) = (video["width"].as_u64().unwrap_or(0) as u32, video["height"].as_u64().unwrap_or(0) as u32);
    let rotation = video["side_data_list"]
        .as_array()
        .and_then(|list| list.iter().find_map(|d| d["rotation"].as_i64()))
        .or_else(|| video["tags"]["rotate"].as_str().and_then(|r| r.parse().ok()))
        .unwrap_or(0);
    let quarter_turn = rotation.rem_euclid(180) == 90;
    (meta.width, meta.height) = if quarter_turn { (height, width) } else { (width, height) };
    let seconds = report["format"]["duration"].as_str().and_then(|d| d.parse::<f64>().ok()).unwrap_or(0.0);
    meta.duration_ms = (seconds * 1000.0).round() as i64;
    let created =
        report["format"]["tags"]["creation_time"].as_str().or_else(|| video["tags"]["creation_time"].as_str());
    if let Some(created) = created.and_then(|c| chrono::DateTime::parse_from_rfc3339(c).ok()) {
        // Containers record UTC; keep it as such, with its offset, so the order is right.
        meta.taken_at = Some(created.naive_utc());
        meta.offset = Some("+00:00".into());
    }
    if let Some(location) = report["format"]["tags"]["location"].as_str() {
        (meta.latitude, meta.longitude) = parse_iso6709(location).and_then(|(lat, lon)| position(lat, lon)).unzip();
    }
    Ok(meta)
}

/// A position, or None for numbers that mean "no position": exactly 0, 0 (what cameras and
/// phones write when they had no fix: "null island" would split an outing into moments a
/// continent apart), out of range, or not numbers.
fn position(latitude: f64, longitude: f64) -> Option<(f64, f64)> {
    let in_range = latitude.is_finite() && longitude.is_finite() && latitude.abs() <= 90.0 && longitude.abs() <= 180.0;
    (in_range && (latitude, longitude) != (0.0, 0.0)).then_some((latitude, longitude))
}

/// '+48.8577+002.2950/' → (48.8577, 2.295).
fn parse_iso6709(text: &str) -> Option<(f64, f64)> {
    let text = text.trim_end_matches('/');
    let second = text[1..].find(['+', '-'])? + 1;
    let latitude: f64 = text[..second].parse().ok()?;
    let rest = &text[second..];
    let end = rest[1..].find(['+', '-']).map_or(rest.len(), |i| i + 1);
    let longitude: f64 = rest[..end].parse().ok()?;
    Some((latitude, longitude))
}

/// The first keyframe of a video as a JPEG, made by ffmpeg (keyframe-only decoding is about
/// three times cheaper than seeking).
pub fn poster_frame(path: &Path) -> Result<Vec<u8>, String> {
    let output = Command::new("ffmpeg")
        .args(["-v", "error", "-skip_frame", "nokey", "-i"])
        .arg(path)
        .args(["-frames:v", "1", "-an", "-f", "image2pipe", "-c:v", "mjpeg", "-q:v", "3", "-"])
        .output()
        .map_err(|e| format!("ffmpeg could not run: {e}"))?;
    if !output.status.success() || output.stdout.is_empty() {
        return Err(format!(
            "ffmpeg made no poster frame ({})",
            String::from_utf8_lossy(&output.stderr).trim().lines().last().unwrap_or("no frame")
        ));
    }
    Ok(output.stdout)
}

/// A local date-time with an offset as a `DateTime` for display.
pub fn local_time(taken: NaiveDateTime, offset: Option<&str>) -> String {
    match offset.and_then(parse_offset).and_then(chrono::FixedOffset::east_opt) {
        Some(fixed) => match fixed.from_local_datetime(&taken).single() {
            Some(time) => time.format("%Y-%m-%dT%H:%M:%S%:z").to_string(),
            None => taken.format("%Y-%m-%dT%H:%M:%S").to_string(),
        },
        None => taken.format("%Y-%m-%dT%H:%M:%S").to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_offset_moves_the_sort_time_to_utc() {
        let taken = NaiveDateTime::parse_from_str("2025-06-01 20:00:00", "%Y-%m-%d %H:%M:%S").unwrap();
        let paris = Metadata { taken_at: Some(taken), offset: Some("+02:00".into()), ..Metadata::default() };
        let unknown = Metadata { taken_at: Some(taken), ..Metadata::default() };
        assert_eq!(
            unknown.sort_at().unwrap() - paris.sort_at().unwrap(),
            2 * 3600 * 1000,
            "20:00 in Paris is 18:00 UTC"
        );
        assert_eq!(parse_offset("+14:30"), None, "offsets beyond +14:00 are not real");
    }

    #[test]
    fn iso6709_locations_from_phones_are_read() {
        assert_eq!(parse_iso6709("+48.8577+002.2950/"), Some((48.8577, 2.295)));
        assert_eq!(parse_iso6709("-33.8688+151.2093+012.000/"), Some((-33.8688, 151.2093)));
        assert_eq!(parse_iso6709("nowhere"), None);
    }

    #[test]
    fn a_sidecar_gives_date_and_caption_exif_lacked() {
        let dir = tempfile::tempdir().unwrap();
        let photo = dir.path().join("dinner.jpg");
        std::fs::write(
            dir.path().join("dinner.jpg.xmp"),
            r#"<x:xmpmeta><rdf:RDF><rdf:Description
            exif:DateTimeOriginal="2024-03-09T19:30:00+01:00"><dc:description><rdf:Alt>
            <rdf:li xml:lang="x-default">Soup &amp; stories</rdf:li></rdf:Alt></dc:description>
            </rdf:Description></rdf:RDF></x:xmpmeta>"#,
        )
        .unwrap();
        let mut meta = Metadata::default();
        apply_sidecar(&photo, &mut meta);
        assert_eq!(meta.caption, "Soup & stories");
        assert_eq!(meta.offset.as_deref(), Some("+01:00"));
        assert_eq!(meta.taken_at.unwrap().to_string(), "2024-03-09 19:30:00");
    }
}
