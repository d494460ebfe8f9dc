//! Members in and out of Hearth: CSV and vCard import with a preview and per-row errors, and
//! CSV export of what the reader may see. An import writes all its valid rows in one
//! transaction or none of them, so a crash midway leaves nothing half-imported.

use serde::Serialize;

use crate::error::{Error, Result};
use crate::people::members::{self, MemberDraft, ProfileFields, Role};
use crate::store::library::Library;
use crate::viewer::Viewer;

pub const MAX_IMPORT_BYTES: usize = 5 * 1024 * 1024;
pub const MAX_IMPORT_ROWS: usize = 5_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum ImportFormat {
    Csv,
    VCard,
}

#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct ImportRow {
    /// Line (CSV) or card number (vCard), counting from 1, for people to find it in the file.
    pub line: u32,
    pub display_name: String,
    pub profession: String,
    pub role: Option<Role>,
    /// Why this row will not be imported; empty when it will.
    pub errors: Vec<String>,
    /// What was adjusted on the way in (a birth year dropped, say).
    pub notes: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct ImportPreview {
    pub format: ImportFormat,
    pub rows: Vec<ImportRow>,
    pub valid: u32,
    pub invalid: u32,
}

struct Parsed {
    row: ImportRow,
    draft: Option<MemberDraft>,
}

/// What importing `bytes` would do, without changing anything.
pub fn preview(library: &Library, file_name: &str, bytes: &[u8]) -> Result<ImportPreview> {
    let (format, parsed) = parse(library, file_name, bytes)?;
    Ok(summarise(format, parsed.into_iter().map(|p| p.row).collect()))
}

/// Imports every valid row in one transaction. Leads only.
pub fn import(library: &mut Library, file_name: &str, bytes: &[u8]) -> Result<ImportPreview> {
    if !Viewer::me(library)?.is_lead {
        return Err(Error::Forbidden { action: "import members", reason: "only the community's leads may".into() });
    }
    let (format, parsed) = parse(library, file_name, bytes)?;
    let drafts: Vec<MemberDraft> = parsed.iter().filter_map(|p| p.draft.clone()).collect();
    members::create_members(library, drafts)?;
    Ok(summarise(format, parsed.into_iter().map(|p| p.row).collect()))
}

/// Refuses a file too large to be a member list (checked before it is read).
fn check_size(size: u64) -> Result<()> {
    if size > MAX_IMPORT_BYTES as u64 {
        let megabytes = |bytes: u64| bytes.div_ceil(1024 * 1024);
        return Err(Error::invalid(
            "file",
            format!(
                "is {} MB; at most {} MB can be imported at once",
                megabytes(size),
                megabytes(MAX_IMPORT_BYTES as u64)
            ),
        ));
    }
    Ok(())
}

/// A member list the person chose (CSV or vCard): its name and bytes, refused before it is
/// read when it is too large.
pub fn read_import_file(path: &std::path::Path) -> Result<(String, Vec<u8>)> {
    let size = std::fs::metadata(path).map_err(|e| Error::io(path, e))?.len();
    check_size(size)?;
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    Ok((name, std::fs::read(path).map_err(|e| Error::io(path, e))?))
}

fn summarise(format: ImportFormat, rows: Vec<ImportRow>) -> ImportPreview {
    let invalid = rows.iter().filter(|r| !r.errors.is_empty()).count() as u32;
    ImportPreview { format, valid: rows.len() as u32 - invalid, invalid, rows }
}

fn parse(library: &Library, file_name: &str, bytes: &[u8]) -> Result<(ImportFormat, Vec<Parsed>)> {
    check_size(bytes.len() as u64)?;
    let text = std::str::from_utf8(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes))
        .map_err(|_| Error::invalid("file", "is not UTF-8 text; save it as UTF-8 CSV or vCard and try again"))?;
    let lower = file_name.to_lowercase();
    let (format, raw) =
        if lower.ends_with(".vcf") || lower.ends_with(".vcard") || text.trim_start().starts_with("BEGIN:VCARD") {
            (ImportFormat::VCard, parse_vcards(text)?)
        } else if lower.ends_with(".csv") || lower.ends_with(".txt") {
            (ImportFormat::Csv, parse_csv(text)?)
        } else {
            return Err(Error::invalid("file", "is neither CSV (.csv) nor vCard (.vcf)"));
        };
    if raw.len() > MAX_IMPORT_ROWS {
        return Err(Error::invalid(
            "file",
            format!("has {} rows; at most {MAX_IMPORT_ROWS} fit in one import", raw.len()),
        ));
    }
    let existing: Vec<String> = members::list(library.conn(), &Viewer::anonymous())?
        .into_iter()
        .map(|m| m.display_name.to_lowercase())
        .collect();
    let mut seen: Vec<String> = Vec::new();
    let today = library.today().to_string();
    let parsed = raw
        .into_iter()
        .map(|(line, fields)| {
            let mut p = to_draft(line, &fields, &today);
            let name = p.row.display_name.to_lowercase();
            if !name.is_empty() && existing.contains(&name) {
                p.row.errors.push(format!("{} is already a member", p.row.display_name));
            } else if !name.is_empty() && seen.contains(&name) {
                p.row.errors.push(format!("{} appears twice in this file", p.row.display_name));
            }
            seen.push(name);
            if !p.row.errors.is_empty() {
                p.draft = None;
            }
            p
        })
        .collect();
    Ok((format, parsed))
}

/// Field name → value, from either format.
type Fields = Vec<(String, String)>;

/// The separator a spreadsheet wrote: the one of `,` `;` and tab found most often outside
/// quotes in the header line (spreadsheets in many European locales write `;`, because `,` is
/// their decimal mark; "tab-separated" exports use tabs).
fn separator(text: &str) -> u8 {
    let mut counts = [(b',', 0), (b';', 0), (b'\t', 0)];
    let mut quoted = false;
    for byte in text.bytes() {
        match byte {
            b'"' => quoted = !quoted,
            b'\n' if !quoted => break,
            _ if !quoted => {
                for (separator, count) in counts.iter_mut() {
                    *count += usize::from(byte == *separator);
                }
            }
            _ => {}
        }
    }
    counts.iter().max_by_key(|(separator, count)| (*count, *separator == b',')).map_or(b',', |(s, _)| *s)
}

fn parse_csv(text: &str) -> Result<Vec<(u32, Fields)>> {
    // Windows line ends (also inside quoted cells) read as one line end, so every record's line
    // is the physical line it starts on in any editor.
    let text = &text.replace("\r\n", "\n");
    let delimiter = separator(text);
    let mut reader =
        csv::ReaderBuilder::new().delimiter(delimiter).flexible(true).trim(csv::Trim::All).from_reader(text.as_bytes());
    let read: Vec<String> = reader
        .headers()
        .map_err(|e| Error::invalid("file", format!("its header line cannot be read: {e}")))?
        .iter()
        .map(str::to_owned)
        .collect();
    let headers: Vec<String> = read.iter().map(|h| normalise_header(h)).collect();
    if !headers.iter().any(|h| h == "name") {
        let shown = match delimiter {
            b';' => "semicolons",
            b'\t' => "tabs",
            _ => "commas",
        };
        return Err(Error::invalid(
            "file",
            format!(
                "needs a \"name\" column (or \"display name\"); its first line, read as columns separated by {shown}, names: {}",
                read.iter().map(|h| format!("\"{h}\"")).collect::<Vec<_>>().join(", ")
            ),
        ));
    }
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| Error::invalid("file", format!("cannot be read as CSV: {e}")))?;
        let line = record.position().map_or(0, |p| p.line() as u32);
        if record.iter().all(|v| v.is_empty()) {
            continue;
        }
        rows.push((line, headers.iter().cloned().zip(record.iter().map(str::to_owned)).collect()));
    }
    Ok(rows)
}

fn normalise_header(header: &str) -> String {
    let h: String = header.trim().to_lowercase().chars().filter(|c| c.is_alphanumeric()).collect();
    match h.as_str() {
        "name" | "displayname" | "fullname" => "name",
        "joined" | "joinedon" | "joindate" => "joined",
        "organization" | "organisation" | "org" => "organisation",
        "profession" | "job" | "jobtitle" | "title" => "profession",
        "years" | "yearsinpractice" => "years",
        "email" | "contact" | "phone" | "howtoreachme" => "contact",
        "askmeabout" => "askmeabout",
        "timezone" | "tz" => "timezone",
        "birthday" | "bday" => "birthday",
        other => return other.to_owned(),
    }
    .to_owned()
}

/// A small vCard 3/4 reader: unfolds lines, drops parameters, and keeps the properties a
/// profile can use.
fn parse_vcards(text: &str) -> Result<Vec<(u32, Fields)>> {
    let mut unfolded: Vec<String> = Vec::new();
    // A quoted-printable value (vCard 2.1) that ends with `=` goes on on the next line as it is
    // (a "soft line break", even inside a UTF-8 character).
    // Whether the logical line being built is quoted-printable: decided once, when it starts.
    let (mut soft_break, mut quoted) = (false, false);
    for line in text.lines() {
        if soft_break {
            let last = unfolded.last_mut().expect("a soft break follows a line");
            last.pop();
            last.push_str(line);
        } else {
            match line.strip_prefix(' ').or_else(|| line.strip_prefix('\t')) {
                Some(rest) if !unfolded.is_empty() => unfolded.last_mut().expect("not empty").push_str(rest),
                _ => {
                    quoted = encoding_of(line.split_once(':').map_or("", |(key, _)| key)) == Encoding::Quoted;
                    unfolded.push(line.to_owned());
                }
            }
        }
        soft_break = quoted && line.ends_with('=');
    }
    let mut cards = Vec::new();
    let mut current: Option<Fields> = None;
    for line in unfolded {
        let Some((key, value)) = line.split_once(':') else { continue };
        let property = key.split(';').next().unwrap_or("").to_uppercase();
        let property = property.rsplit('.').next().unwrap_or("").to_owned(); // item1.EMAIL
        let value = unescape(decode_value(key, value).trim());
        match property.as_str() {
            "BEGIN" if value.eq_ignore_ascii_case("VCARD") => current = Some(Vec::new()),
            "END" if value.eq_ignore_ascii_case("VCARD") => {
                if let Some(card) = current.take() {
                    cards.push(((cards.len() + 1) as u32, card));
                }
            }
            _ => {
                let Some(card) = current.as_mut() else { continue };
                let field = match property.as_str() {
                    "FN" => "name",
                    "N" if !card.iter().any(|(k, _)| k == "name") => {
                        // Family;Given;Additional;Prefix;Suffix → "Given Family"
                        let parts: Vec<&str> = value.split(';').collect();
                        let given = parts.get(1).copied().unwrap_or("");
                        let family = parts.first().copied().unwrap_or("");
                        card.push(("name".into(), format!("{given} {family}").trim().to_owned()));
                        continue;
                    }
                    "ORG" => "organisation",
                    "TITLE" | "ROLE" => "profession",
                    "EMAIL" | "TEL" => "contact",
                    "BDAY" => "birthday",
                    "NOTE" => "bio",
                    "CATEGORIES" => "interests",
                    "TZ" => "timezone",
                    _ => continue,
                };
                let value = if field == "organisation" { value.replace(';', ", ") } else { value };
                match card.iter_mut().find(|(k, _)| k == field) {
                    // Several emails and phones all help someone reach the member.
                    Some((_, existing)) if field == "contact" => *existing = format!("{existing}, {value}"),
                    Some(_) => {}
                    None => card.push((field.into(), value)),
                }
            }
        }
    }
    if cards.is_empty() {
        return Err(Error::invalid("file", "holds no vCards (BEGIN:VCARD … END:VCARD)"));
    }
    Ok(cards)
}

/// How a vCard value is encoded: vCard 2.1 allows quoted-printable and BASE64 (Android,
/// Thunderbird, older phones), 3.0 and 4.0 plain text.
#[derive(Debug, PartialEq, Eq)]
enum Encoding {
    Plain,
    Quoted,
    Base64,
}

/// A property's encoding, from its parameters (`ENCODING=QUOTED-PRINTABLE`, 2.1's bare
/// `QUOTED-PRINTABLE`, `ENCODING=BASE64`, 3.0's `ENCODING=b`).
fn encoding_of(key: &str) -> Encoding {
    for parameter in key.split(';').skip(1) {
        let value = parameter.rsplit('=').next().unwrap_or("").trim().to_ascii_uppercase();
        match value.as_str() {
            "QUOTED-PRINTABLE" => return Encoding::Quoted,
            "BASE64" | "B" => return Encoding::Base64,
            _ => {}
        }
    }
    Encoding::Plain
}

/// A property's value as text: decoded from its encoding, then from its charset (UTF-8 unless
/// `CHARSET=` names ISO-8859-1 or Windows-1252, read as Latin-1).
fn decode_value(key: &str, value: &str) -> String {
    let bytes: Vec<u8> = match encoding_of(key) {
        Encoding::Plain => return value.to_owned(),
        Encoding::Base64 => {
            base64::Engine::decode(&base64::engine::general_purpose::STANDARD, value.trim()).unwrap_or_default()
        }
        Encoding::Quoted => {
            let mut out = Vec::with_capacity(value.len());
            let raw = value.as_bytes();
            let mut at = 0;
            while at < raw.len() {
                let hex = |b: u8| (b as char).to_digit(16);
                match (raw[at], raw.get(at + 1).copied().and_then(hex), raw.get(at + 2).copied().and_then(hex)) {
                    (b'=', Some(high), Some(low)) => {
                        out.push((high * 16 + low) as u8);
                        at += 3;
                    }
                    (byte, ..) => {
                        out.push(byte);
                        at += 1;
                    }
                }
            }
            out
        }
    };
    let latin = key.split(';').any(|p| {
        let p = p.to_ascii_uppercase();
        p.starts_with("CHARSET=") && ["ISO-8859-1", "LATIN1", "WINDOWS-1252", "CP1252"].iter().any(|c| p.ends_with(c))
    });
    match latin {
        true => bytes.iter().map(|b| char::from(*b)).collect(),
        false => String::from_utf8_lossy(&bytes).into_owned(),
    }
}

fn unescape(value: &str) -> String {
    value.replace("\\n", "\n").replace("\\N", "\n").replace("\\,", ",").replace("\\;", ";").replace("\\\\", "\\")
}

fn to_draft(line: u32, fields: &Fields, today: &str) -> Parsed {
    let get = |key: &str| fields.iter().find(|(k, _)| k == key).map(|(_, v)| v.trim().to_owned()).unwrap_or_default();
    let tags = |key: &str| -> Vec<String> {
        get(key).split([';', ',']).map(|t| t.trim().to_owned()).filter(|t| !t.is_empty()).collect()
    };
    let mut errors = Vec::new();
    let mut notes = Vec::new();
    let name = get("name");
    if name.is_empty() {
        errors.push("has no name".to_owned());
    }
    let role = match get("role").as_str() {
        "" => None,
        text => match Role::parse(text) {
            Some(role) => Some(role),
            None => {
                errors.push(format!("role {text:?} is not lead, member, newcomer or alumni"));
                None
            }
        },
    };
    let years = match get("years").as_str() {
        "" => None,
        text => match text.parse::<u32>() {
            Ok(y) if y <= 80 => Some(y),
            _ => {
                errors.push(format!("years in practice {text:?} is not a number from 0 to 80"));
                None
            }
        },
    };
    let given = get("birthday");
    let birthday = match day_and_month(&given) {
        Birthday::DayAndMonth(day) => day,
        Birthday::WithYear(day) => {
            notes.push("the birth year was left out: Hearth keeps day and month only".into());
            day
        }
        Birthday::Unreadable => {
            // An optional field never costs the person their place in the community.
            notes.push(format!("the birthday {given:?} is not a day and month Hearth can read, so it was left out"));
            String::new()
        }
    };
    let joined = get("joined");
    let profile = ProfileFields {
        pronouns: get("pronouns"),
        profession: get("profession"),
        organisation: get("organisation"),
        years_in_practice: years,
        expertise: tags("expertise"),
        interests: tags("interests"),
        ask_me_about: get("askmeabout"),
        bio: get("bio"),
        location: get("location"),
        time_zone: get("timezone"),
        contact: get("contact"),
        celebrate_birthday: !birthday.is_empty(),
        birthday,
        dietary: String::new(),
        access_needs: String::new(),
        visibility: Default::default(),
    };
    let draft = MemberDraft {
        display_name: name.clone(),
        role,
        joined_on: Some(if joined.is_empty() { today.to_owned() } else { joined }),
        profile,
    };
    // The same checks the core applies on the way in, so the preview names every problem.
    if errors.is_empty() {
        if let Err(error) = members::validate_draft(&draft) {
            errors.push(error.to_string());
        }
    }
    let row = ImportRow { line, display_name: name, profession: draft.profile.profession.clone(), role, errors, notes };
    Parsed { draft: row.errors.is_empty().then_some(draft), row }
}

/// A cell a spreadsheet will not run: one starting with `=`, `+`, `-`, `@`, a tab or a carriage
/// return is a formula to Excel, LibreOffice and Google Sheets ("CSV injection", OWASP), so it
/// gets a leading `'`, which they show as text. Every CSV Hearth writes goes through this.
pub fn spreadsheet_safe(cell: String) -> String {
    // What a spreadsheet may skip before a formula (spaces, line breaks) is skipped here too,
    // and the full-width signs some read as their ASCII twins count as well.
    match cell.trim_start_matches([' ', '\n']).chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r' | '＝' | '＋' | '－' | '＠') => format!("'{cell}"),
        _ => cell,
    }
}

/// A CSV of the directory as `viewer` may see it: hidden fields are left empty, and care
/// notes are never part of it.
pub fn export_csv(library: &Library, viewer: &Viewer) -> Result<String> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let header = [
        "name",
        "role",
        "joined",
        "pronouns",
        "profession",
        "organisation",
        "years in practice",
        "expertise",
        "interests",
        "ask me about",
        "bio",
        "location",
        "time zone",
        "contact",
        "birthday",
    ];
    let io = |e: csv::Error| Error::invalid("export", e.to_string());
    writer.write_record(header).map_err(io)?;
    for m in members::list(library.conn(), viewer)? {
        let or_empty = |v: Option<String>| v.unwrap_or_default();
        let row = [
            m.display_name,
            m.role.as_str().to_owned(),
            m.joined_on,
            or_empty(m.pronouns),
            or_empty(m.profession),
            or_empty(m.organisation),
            m.years_in_practice.map(|y| y.to_string()).unwrap_or_default(),
            m.expertise.unwrap_or_default().join("; "),
            m.interests.unwrap_or_default().join("; "),
            or_empty(m.ask_me_about),
            or_empty(m.bio),
            or_empty(m.location),
            or_empty(m.time_zone),
            or_empty(m.contact),
            or_empty(m.birthday),
        ];
        writer.write_record(row.map(spreadsheet_safe)).map_err(io)?;
    }
    let bytes = writer.into_inner().map_err(|e| Error::invalid("export", e.to_string()))?;
    Ok(String::from_utf8(bytes).expect("CSV of UTF-8 strings"))
}

/// A birthday as read from a member list.
#[derive(Debug, PartialEq)]
enum Birthday {
    /// `MM-DD` (or nothing given).
    DayAndMonth(String),
    /// `MM-DD` of a full date of birth, whose year was dropped.
    WithYear(String),
    /// Not a day and month: a year alone, a month alone, "circa 1970", 30 February.
    Unreadable,
}

/// The day and month of a birthday in any form the standards and spreadsheets write: vCard
/// 4.0's date-and-or-time (RFC 6350 4.3.1: `19850412`, `--0412`, `--04-12`, `1953-10-15T23:10:00Z`,
/// `--0412T0800`), vCard 3.0's and ISO 8601's `1985-04-12`, and Hearth's own `MM-DD`. A time
/// of day is ignored; a reduced date without day or month (`1985`, `1985-04`, `---12`) or free
/// text is unreadable. 29 February is a day.
fn day_and_month(text: &str) -> Birthday {
    let text = text.trim();
    if text.is_empty() {
        return Birthday::DayAndMonth(String::new());
    }
    let date = text.split('T').next().unwrap_or_default();
    let digits: String = date.chars().filter(char::is_ascii_digit).collect();
    let well_formed = date.chars().all(|c| c.is_ascii_digit() || c == '-');
    let (month_day, with_year) = match (well_formed, date.starts_with("--"), digits.len()) {
        (true, true, 4) if !date.starts_with("---") => (&digits[..], false),
        (true, false, 8) => (&digits[4..], true),
        (true, false, 4) if date.len() == 5 && date.as_bytes()[2] == b'-' => (&digits[..], false),
        _ => return Birthday::Unreadable,
    };
    let (month, day) = (&month_day[..2], &month_day[2..]);
    let real = chrono::NaiveDate::from_ymd_opt(2000, month.parse().unwrap_or(0), day.parse().unwrap_or(0)).is_some();
    match (real, with_year) {
        (true, true) => Birthday::WithYear(format!("{month}-{day}")),
        (true, false) => Birthday::DayAndMonth(format!("{month}-{day}")),
        (false, _) => Birthday::Unreadable,
    }
}
