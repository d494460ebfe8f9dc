//! What a file says about itself: EXIF in photos (capture time and its offset, GPS,
//! orientation, camera), XMP (in the image or a sidecar: date and caption), and for videos
//! what `ffprobe` reports (duration, size, rotation, creation time, local or UTC). Missing or
//! malformed metadata is never an error: the photo still imports, with what could be read,
//! and one malformed entry (an empty GPS directory, a tag of an unexpected type) loses only
//! itself.
//!
//! The capture time comes from the first source that says, in the order of EXIF 2.32 (4.6.6)
//! and the Metadata Working Group's guidelines: DateTimeOriginal, then DateTimeDigitized (a
//! scan's CreateDate), then XMP (`exif:DateTimeOriginal`, `photoshop:DateCreated`,
//! `xmp:CreateDate`), and only then DateTime (the file's last change). Each EXIF date takes its
//! own offset and sub-second tags; an XMP date its own ISO 8601 offset and fraction.

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
    /// Which source gave `taken_at` (a later, better-ranked source replaces it).
    pub date_source: DateSource,
    /// Videos only.
    pub duration_ms: i64,
    pub width: u32,
    pub height: u32,
}

/// Where a capture time came from, from least to most trusted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord)]
pub enum DateSource {
    #[default]
    None,
    /// EXIF DateTime: when the file was last changed, the last resort.
    Modified,
    /// An XMP date, in the image or its sidecar.
    Xmp,
    /// EXIF DateTimeDigitized: when it was scanned, or taken.
    Digitized,
    /// EXIF DateTimeOriginal (or a video's own creation date).
    Original,
}

impl Metadata {
    /// Takes `taken` (with its offset) when `source` ranks above what gave the time so far.
    fn offer_date(&mut self, source: DateSource, taken: NaiveDateTime, offset: Option<String>) {
        if source > self.date_source {
            self.taken_at = Some(taken);
            self.offset = offset.filter(|o| parse_offset(o).is_some());
            self.date_source = source;
        }
    }

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

/// Reads EXIF and embedded XMP from image bytes (JPEG, TIFF, PNG, WebP). No metadata gives
/// the defaults; a malformed part loses only itself.
pub fn read_exif(bytes: &[u8]) -> Metadata {
    let mut meta = Metadata { orientation: 1, ..Metadata::default() };
    if let Some(xmp) = embedded_xmp(bytes) {
        apply_xmp(&xmp, &mut meta);
    }
    let read = exif::Reader::new().continue_on_error(true).read_from_container(&mut Cursor::new(bytes));
    // What could be read around a malformed entry (partial results) is kept.
    let Ok(exif) = read.or_else(|error| error.distill_partial_result(|_| {})) else { return meta };
    let get = |tag| exif.get_field(tag, exif::In::PRIMARY);
    if let Some(orientation) = get(exif::Tag::Orientation).and_then(|f| f.value.get_uint(0)) {
        meta.orientation = if (1..=8).contains(&orientation) { orientation as u16 } else { 1 };
    }
    // Each date with its own offset and sub-second tags, so a date is never paired with
    // another's offset; the ranking (see the module's notes) decides between them and XMP.
    let sources = [
        (
            exif::Tag::DateTimeOriginal,
            exif::Tag::OffsetTimeOriginal,
            exif::Tag::SubSecTimeOriginal,
            DateSource::Original,
        ),
        (
            exif::Tag::DateTimeDigitized,
            exif::Tag::OffsetTimeDigitized,
            exif::Tag::SubSecTimeDigitized,
            DateSource::Digitized,
        ),
        (exif::Tag::DateTime, exif::Tag::OffsetTime, exif::Tag::SubSecTime, DateSource::Modified),
    ];
    for (date_tag, offset_tag, subsec_tag, source) in sources {
        if let Some(taken) = get(date_tag).and_then(ascii).as_deref().and_then(parse_exif_date) {
            let fraction = get(subsec_tag).and_then(ascii).map_or(0, |digits| subsec_millis(&digits));
            meta.offer_date(source, taken + chrono::Duration::milliseconds(fraction), get(offset_tag).and_then(ascii));
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
    if let Some(description) = get(exif::Tag::ImageDescription).and_then(ascii) {
        meta.caption = description;
    }
    meta
}

/// EXIF sub-second digits as milliseconds: "3" is 300, "345" is 345, "345678" is 345.
fn subsec_millis(digits: &str) -> i64 {
    let digits: String = digits.trim().chars().take_while(char::is_ascii_digit).take(3).collect();
    if digits.is_empty() {
        return 0;
    }
    digits.parse::<i64>().unwrap_or(0) * 10_i64.pow(3 - digits.len() as u32)
}

fn parse_exif_date(text: &str) -> Option<NaiveDateTime> {
    let text = text.get(..19)?;
    NaiveDateTime::parse_from_str(text, "%Y:%m:%d %H:%M:%S")
        .or_else(|_| NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S"))
        .ok()
}

/// An XMP date (ISO 8601 as XMP allows it: with or without seconds, a fraction, an offset or
/// `Z`; a date alone) as local time and its offset ('+02:00').
fn parse_xmp_date(text: &str) -> Option<(NaiveDateTime, Option<String>)> {
    let text = text.trim();
    let zoned = text.strip_suffix('Z').map_or_else(|| text.to_owned(), |utc| format!("{utc}+00:00"));
    for format in ["%Y-%m-%dT%H:%M:%S%.f%:z", "%Y-%m-%dT%H:%M%:z", "%Y-%m-%dT%H:%M:%S%.f%z"] {
        if let Ok(time) = chrono::DateTime::parse_from_str(&zoned, format) {
            return Some((time.naive_local(), Some(time.format("%:z").to_string())));
        }
    }
    for format in ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%dT%H:%M", "%Y:%m:%d %H:%M:%S"] {
        if let Ok(time) = NaiveDateTime::parse_from_str(text, format) {
            return Some((time, None));
        }
    }
    let date = chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()?;
    Some((date.and_hms_opt(0, 0, 0)?, None))
}

/// The XMP packet inside an image's first megabyte (JPEG APP1, PNG iTXt, WebP XMP chunk and
/// TIFF tag 700 all hold it as text between these markers).
fn embedded_xmp(bytes: &[u8]) -> Option<String> {
    let head = &bytes[..bytes.len().min(1 << 20)];
    let start = head.windows(10).position(|w| w == b"<x:xmpmeta")?;
    let length = head[start..].windows(12).position(|w| w == b"</x:xmpmeta>")? + 12;
    Some(String::from_utf8_lossy(&head[start..start + length]).into_owned())
}

/// Applies an XMP packet: its date where it ranks above what EXIF gave (see the module's
/// notes), its caption where there is none.
fn apply_xmp(text: &str, meta: &mut Metadata) {
    let date = xmp_value(text, "exif:DateTimeOriginal")
        .or_else(|| xmp_value(text, "photoshop:DateCreated"))
        .or_else(|| xmp_value(text, "xmp:CreateDate"));
    if let Some((taken, offset)) = date.as_deref().and_then(parse_xmp_date) {
        meta.offer_date(DateSource::Xmp, taken, offset);
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

/// Reads `photo.jpg.xmp` or `photo.xmp` beside `path`, as XMP inside the image counts (a
/// sidecar is often where a photo manager put the caption).
pub fn apply_sidecar(path: &Path, meta: &mut Metadata) {
    let mut candidates =
        vec![path.with_extension(format!("{}.xmp", path.extension().and_then(|e| e.to_str()).unwrap_or_default()))];
    candidates.push(path.with_extension("xmp"));
    let Some(text) = candidates.iter().find_map(|p| std::fs::read_to_string(p).ok()) else { return };
    apply_xmp(&text, meta);
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

/// How long ffprobe may take to read one video's headers (a damaged file can make it loop).
pub const PROBE_LIMIT: std::time::Duration = std::time::Duration::from_secs(30);
/// How long ffmpeg may take to make one poster frame (a 4K keyframe on an old laptop takes
/// about a second).
pub const POSTER_LIMIT: std::time::Duration = std::time::Duration::from_secs(60);
/// The most a helper program's output is read, in bytes (a report, a JPEG frame).
const MAX_OUTPUT: u64 = 64 * 1024 * 1024;

/// Runs `command` to its end, or for at most `limit` and then kills it: a file that makes
/// ffprobe or ffmpeg hang is reported ("did not finish within 30 s"), never waited on.
pub fn run_bounded(mut command: Command, limit: std::time::Duration) -> Result<std::process::Output, String> {
    use std::io::Read;
    use wait_timeout::ChildExt;
    let program = command.get_program().to_string_lossy().into_owned();
    let mut child = command
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .map_err(|e| format!("{program} could not run: {e}"))?;
    let drain = |pipe: Option<Box<dyn Read + Send>>| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            if let Some(pipe) = pipe {
                let _ = pipe.take(MAX_OUTPUT).read_to_end(&mut bytes);
            }
            bytes
        })
    };
    let stdout = drain(child.stdout.take().map(|p| Box::new(p) as Box<dyn Read + Send>));
    let stderr = drain(child.stderr.take().map(|p| Box::new(p) as Box<dyn Read + Send>));
    match child.wait_timeout(limit).map_err(|e| format!("{program} could not be waited for: {e}"))? {
        Some(status) => Ok(std::process::Output {
            status,
            stdout: stdout.join().unwrap_or_default(),
            stderr: stderr.join().unwrap_or_default(),
        }),
        None => {
            let _ = child.kill();
            let _ = child.wait();
            Err(format!(
                "{program} did not finish within {} s, so the file was left out (it may be damaged)",
                limit.as_secs()
            ))
        }
    }
}

/// Duration, displayed size, rotation and creation time of a video, from ffprobe.
pub fn probe_video(path: &Path) -> Result<Metadata, String> {
    let mut command = Command::new("ffprobe");
    command.args(["-v", "error", "-print_format", "json", "-show_format", "-show_streams"]).arg(path);
    let output = run_bounded(command, PROBE_LIMIT)?;
    if !output.status.success() {
        let reason = String::from_utf8_lossy(&output.stderr);
        return Err(format!(
            "is not a video ffprobe can read ({})",
            reason.trim().lines().last().unwrap_or("no reason")
        ));
    }
    let report: serde_json::Value =
        serde_json::from_slice(&output.stdout).map_err(|e| format!("ffprobe said something unreadable: {e}"))?;
    from_probe_report(&report)
}

/// What ffprobe's JSON report (`-show_format -show_streams`) says of a video.
pub fn from_probe_report(report: &serde_json::Value) -> Result<Metadata, String> {
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
    // Phones that know the local time write it beside the container's UTC one (Apple's
    // `com.apple.quicktime.creationdate`, "2019-07-14T18:30:12+0200"): the same instant, and
    // the local time a person remembers. Otherwise the container's UTC creation time.
    let tags = &report["format"]["tags"];
    let local = tags["com.apple.quicktime.creationdate"].as_str().and_then(parse_xmp_date);
    let created = tags["creation_time"].as_str().or_else(|| video["tags"]["creation_time"].as_str());
    if let Some((taken, offset)) = local.filter(|(_, offset)| offset.is_some()) {
        meta.offer_date(DateSource::Original, taken, offset);
    } else if let Some(created) = created.and_then(|c| chrono::DateTime::parse_from_rfc3339(c).ok()) {
        meta.offer_date(DateSource::Original, created.naive_utc(), Some("+00:00".into()));
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
    // Signs are ASCII, so every index found is a character boundary; a text too short (or
    // empty, as a damaged file can give) has none past its first sign.
    let text = text.trim_end_matches('/');
    let second = text.get(1..)?.find(['+', '-'])? + 1;
    let latitude: f64 = text[..second].parse().ok()?;
    let rest = &text[second..];
    let end = rest.get(1..)?.find(['+', '-']).map_or(rest.len(), |i| i + 1);
    let longitude: f64 = rest[..end].parse().ok()?;
    Some((latitude, longitude))
}

/// The first keyframe of a video as a JPEG, made by ffmpeg (keyframe-only decoding is about
/// three times cheaper than seeking).
pub fn poster_frame(path: &Path) -> Result<Vec<u8>, String> {
    let mut command = Command::new("ffmpeg");
    command.args(["-v", "error", "-skip_frame", "nokey", "-i"]).arg(path).args([
        "-frames:v",
        "1",
        "-an",
        "-f",
        "image2pipe",
        "-c:v",
        "mjpeg",
        "-q:v",
        "3",
        "-",
    ]);
    let output = run_bounded(command, POSTER_LIMIT)?;
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

    /// A little-endian TIFF holding `primary` entries in IFD0 and `exif` entries in its Exif
    /// IFD (tag, type, ASCII text), and, with `gps_at`, a GPS IFD pointer to that offset.
    fn tiff(primary: &[(u16, &str)], exif: &[(u16, &str)], gps_at: Option<u32>) -> Vec<u8> {
        let mut out = b"II*\0".to_vec();
        out.extend_from_slice(&8u32.to_le_bytes());
        let ifd0_len = 2 + 12 * (primary.len() + 1 + usize::from(gps_at.is_some())) + 4;
        let exif_at = 8 + ifd0_len as u32;
        let exif_len = 2 + 12 * exif.len() + 4;
        let mut data_at = exif_at + exif_len as u32;
        let mut data = Vec::new();
        let mut entry = |out: &mut Vec<u8>, tag: u16, text: &str| {
            let bytes = [text.as_bytes(), b"\0"].concat();
            out.extend_from_slice(&tag.to_le_bytes());
            out.extend_from_slice(&2u16.to_le_bytes());
            out.extend_from_slice(&(bytes.len() as u32).to_le_bytes());
            if bytes.len() <= 4 {
                // Four bytes or fewer are held in the entry itself (TIFF 6.0, section 2).
                out.extend_from_slice(&[bytes.as_slice(), &[0; 4][bytes.len()..]].concat());
                return;
            }
            out.extend_from_slice(&data_at.to_le_bytes());
            data_at += bytes.len() as u32;
            data.extend_from_slice(&bytes);
        };
        let count = primary.len() + 1 + usize::from(gps_at.is_some());
        out.extend_from_slice(&(count as u16).to_le_bytes());
        let mut sorted: Vec<(u16, &str)> = primary.to_vec();
        sorted.sort();
        for (tag, text) in sorted {
            entry(&mut out, tag, text);
        }
        for (tag, at) in [(0x8769u16, Some(exif_at)), (0x8825, gps_at)] {
            if let Some(at) = at {
                out.extend_from_slice(&tag.to_le_bytes());
                out.extend_from_slice(&4u16.to_le_bytes());
                out.extend_from_slice(&1u32.to_le_bytes());
                out.extend_from_slice(&at.to_le_bytes());
            }
        }
        out.extend_from_slice(&0u32.to_le_bytes());
        out.extend_from_slice(&(exif.len() as u16).to_le_bytes());
        for (tag, text) in exif {
            entry(&mut out, *tag, text);
        }
        out.extend_from_slice(&0u32.to_le_bytes());
        out.extend_from_slice(&data);
        out
    }

    const MAKE: u16 = 0x010F;
    const DATE_TIME: u16 = 0x0132;
    const ORIGINAL: u16 = 0x9003;
    const DIGITIZED: u16 = 0x9004;
    const OFFSET_ORIGINAL: u16 = 0x9011;
    const SUBSEC_ORIGINAL: u16 = 0x9291;

    #[test]
    fn sub_seconds_and_the_dates_own_offset_give_the_instant() {
        let bytes = tiff(
            &[(MAKE, "Pixel"), (DATE_TIME, "2021:01:01 00:00:00")],
            &[(ORIGINAL, "2019:07:14 18:30:12"), (OFFSET_ORIGINAL, "+02:00"), (SUBSEC_ORIGINAL, "45")],
            None,
        );
        let meta = read_exif(&bytes);
        assert_eq!(meta.date_source, DateSource::Original);
        assert_eq!(local_time(meta.taken_at.unwrap(), meta.offset.as_deref()), "2019-07-14T18:30:12+02:00");
        let utc = chrono::DateTime::parse_from_rfc3339("2019-07-14T16:30:12.450Z").unwrap().timestamp_millis();
        assert_eq!(meta.sort_at(), Some(utc), "450 ms past the second, in UTC");
    }

    /// XMP ranks below DateTimeOriginal and DateTimeDigitized but above DateTime (the last
    /// edit), whether it is inside the image or beside it.
    #[test]
    fn an_xmp_date_beats_the_last_edit_but_not_the_capture() {
        let xmp = r#"<x:xmpmeta><rdf:RDF><rdf:Description xmp:CreateDate="2004-05-06T07:08:09.5+01:00"/></rdf:RDF></x:xmpmeta>"#;
        let edited_only = [tiff(&[(DATE_TIME, "2015:01:01 10:00:00")], &[], None), xmp.as_bytes().to_vec()].concat();
        let meta = read_exif(&edited_only);
        assert_eq!(meta.date_source, DateSource::Xmp, "{meta:?}");
        assert_eq!(local_time(meta.taken_at.unwrap(), meta.offset.as_deref()), "2004-05-06T07:08:09+01:00");
        let scanned = [
            tiff(&[(DATE_TIME, "2015:01:01 10:00:00")], &[(DIGITIZED, "2003:02:03 04:05:06")], None),
            xmp.as_bytes().to_vec(),
        ]
        .concat();
        assert_eq!(read_exif(&scanned).taken_at.unwrap().to_string(), "2003-02-03 04:05:06");
    }

    #[test]
    fn xmp_dates_are_read_in_every_form_the_standard_allows() {
        let read = |text: &str| parse_xmp_date(text).map(|(t, o)| (t.format("%Y-%m-%d %H:%M:%S%.3f").to_string(), o));
        let some = |t: &str, o: Option<&str>| Some((t.to_owned(), o.map(str::to_owned)));
        assert_eq!(read("2019-07-14T18:30:12.345+02:00"), some("2019-07-14 18:30:12.345", Some("+02:00")));
        assert_eq!(read("2019-07-14T16:30:12Z"), some("2019-07-14 16:30:12.000", Some("+00:00")));
        assert_eq!(read("2019-07-14T18:30+02:00"), some("2019-07-14 18:30:00.000", Some("+02:00")));
        assert_eq!(read("2019-07-14T18:30:12"), some("2019-07-14 18:30:12.000", None));
        assert_eq!(read("2019-07-14"), some("2019-07-14 00:00:00.000", None));
        assert_eq!(read("summer 2019"), None);
    }

    /// One malformed entry (a GPS directory pointing past the end of the data) loses only
    /// itself: the capture date and the camera are still read.
    #[test]
    fn a_broken_gps_directory_does_not_lose_the_other_tags() {
        let bytes = tiff(&[(MAKE, "Canon")], &[(ORIGINAL, "2010:10:10 10:10:10")], Some(0xFFFF_0000));
        assert!(exif::Reader::new().read_from_container(&mut Cursor::new(&bytes)).is_err(), "the file is malformed");
        let meta = read_exif(&bytes);
        assert_eq!(meta.taken_at.map(|t| t.to_string()).as_deref(), Some("2010-10-10 10:10:10"));
        assert_eq!(meta.camera, "Canon");
        assert_eq!((meta.latitude, meta.longitude), (None, None));
    }

    /// A phone's local creation date (beside the container's UTC one) gives the local time a
    /// person remembers and the same instant.
    #[test]
    fn a_videos_local_creation_date_is_read_with_its_offset() {
        let report = serde_json::json!({
            "streams": [{ "codec_type": "video", "width": 1920, "height": 1080 }],
            "format": { "duration": "3.5", "tags": {
                "creation_time": "2019-07-14T16:30:12.000000Z",
                "com.apple.quicktime.creationdate": "2019-07-14T18:30:12+0200"
            } }
        });
        let meta = from_probe_report(&report).unwrap();
        assert_eq!(local_time(meta.taken_at.unwrap(), meta.offset.as_deref()), "2019-07-14T18:30:12+02:00");
        let utc_only = serde_json::json!({
            "streams": [{ "codec_type": "video", "width": 1920, "height": 1080 }],
            "format": { "tags": { "creation_time": "2019-07-14T16:30:12.000000Z" } }
        });
        let utc = from_probe_report(&utc_only).unwrap();
        assert_eq!(utc.sort_at(), meta.sort_at(), "the same instant either way");
    }

    #[test]
    fn a_helper_program_that_hangs_is_stopped_and_reported() {
        let mut sleep = Command::new("sleep");
        sleep.arg("30");
        let watch = crate::clock::Stopwatch::start();
        let error = run_bounded(sleep, std::time::Duration::from_millis(300)).expect_err("it hung");
        assert!(error.contains("did not finish within"), "{error}");
        assert!(watch.seconds() < 5.0, "stopped, not waited on ({} s)", watch.seconds());
        let mut echo = Command::new("echo");
        echo.arg("done");
        assert_eq!(run_bounded(echo, PROBE_LIMIT).unwrap().stdout, b"done\n");
    }

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
        for damaged in ["", "+", "/", "é+1", "+1é"] {
            assert_eq!(parse_iso6709(damaged), None, "{damaged:?} is no position (found by fuzzing: it panicked)");
        }
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
