//! A member's personal copy of a year's book: the community's book, with up to four pages the
//! member writes (with photos of the year they choose) and the signatures others wrote to
//! them, each shown only once the member approved it. Pages are sealed to the member's own
//! laptops and a signature to its author and the member signed (`store::sealing`), so only
//! the member's laptop can make their copy.

use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension};
use serde::Serialize;

use super::book::{Book, Photo};
use crate::error::{Error, Result};
use crate::store::library::Library;

/// At most this many pages a member writes for a year, and photos on a page.
pub const MAX_PAGES: u32 = 4;
pub const MAX_PHOTOS: usize = 6;

/// A page of a member's own, as the window edits it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct PageDraft {
    /// 1–4.
    pub position: u32,
    pub title: String,
    /// Markdown.
    pub body: String,
    /// Media ids of photos from the gallery, at most [`MAX_PHOTOS`].
    pub photos: Vec<String>,
}

/// A page in the book.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PersonalPage {
    pub title: String,
    pub body: String,
    pub photos: Vec<Photo>,
}

/// A signature, as its author or the member signed sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct Signature {
    pub id: String,
    /// Who wrote it, and to whom.
    pub from: String,
    pub to: String,
    pub message: String,
    pub approved: bool,
}

fn me(library: &Library) -> Result<String> {
    library.me()?.ok_or(Error::NoIdentity)
}

fn page_id(author: &str, year: i32, position: u32) -> String {
    crate::ids::derived(&["yearbook_pages", author, &year.to_string(), &position.to_string()])
}

/// The pages the member at this laptop wrote for `year`, by position (a blank draft for each
/// place not written).
pub fn my_pages(library: &Library, year: i32) -> Result<Vec<PageDraft>> {
    let me = me(library)?;
    let mut pages = Vec::new();
    for position in 1..=MAX_PAGES {
        let row: Option<(String, String, String)> = library
            .conn()
            .query_row(
                "SELECT title, body, photos FROM yearbook_pages WHERE id = ?1 AND author = ?2 AND deleted = 0",
                [page_id(&me, year, position), me.clone()],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        let (title, body, photos) = row.unwrap_or_default();
        let photos = serde_json::from_str(&photos).unwrap_or_default();
        pages.push(PageDraft { position, title, body, photos });
    }
    Ok(pages)
}

/// Writes (or, when title and body are empty, removes) the member's page at `draft.position`.
///
/// # Errors
/// [`Error::Invalid`] for a place outside 1–4, too long a text, more than [`MAX_PHOTOS`]
/// photos, or a photo that is not in the gallery.
pub fn write_page(library: &mut Library, year: i32, draft: PageDraft) -> Result<()> {
    library.ensure_writable()?;
    let me = me(library)?;
    if !(1..=MAX_PAGES).contains(&draft.position) {
        return Err(Error::invalid("position", format!("a member has pages 1 to {MAX_PAGES}")));
    }
    if !(1900..=2200).contains(&year) {
        return Err(Error::invalid("year", "choose a year between 1900 and 2200"));
    }
    let title = crate::text::validate_text("title", draft.title.trim(), 120)?;
    let body = crate::text::validate_text("body", draft.body.trim(), 5_000)?;
    if draft.photos.len() > MAX_PHOTOS {
        return Err(Error::invalid("photos", format!("at most {MAX_PHOTOS} photos on a page")));
    }
    let (from, until) = span(year);
    for id in &draft.photos {
        let allowed: bool = library.conn().query_row(
            &format!("SELECT count(*) > 0 FROM media m WHERE m.id = ?4 AND {}", page_photo_filter()),
            rusqlite::params![me, from, until, id],
            |r| r.get(0),
        )?;
        if !allowed {
            return Err(Error::invalid("photos", "choose photos of the year you are in"));
        }
    }
    let id = page_id(&me, year, draft.position);
    let empty = title.is_empty() && body.is_empty() && draft.photos.is_empty();
    let photos = serde_json::to_string(&draft.photos).map_err(|e| Error::invalid("photos", e.to_string()))?;
    library.write(|w| {
        w.apply(
            "yearbook_pages",
            &id,
            &[
                ("year", Value::Integer(year.into())),
                ("position", Value::Integer(draft.position.into())),
                ("title", Value::Text(title.clone())),
                ("body", Value::Text(body.clone())),
                ("photos", Value::Text(photos.clone())),
                ("deleted", Value::Integer(empty.into())),
            ],
        )
    })?;
    Ok(())
}

/// Signs member `to`'s `year` book (one signature each; signing again changes it).
///
/// # Errors
/// [`Error::Invalid`] for signing one's own book, an empty or too long message, or someone who
/// is not a member.
pub fn sign(library: &mut Library, year: i32, to: &str, message: &str) -> Result<()> {
    library.ensure_writable()?;
    let me = me(library)?;
    if to == me {
        return Err(Error::invalid("member", "others sign your book; you write your own pages"));
    }
    let known: bool =
        library
            .conn()
            .query_row("SELECT count(*) > 0 FROM members WHERE id = ?1 AND deleted = 0", [to], |r| r.get(0))?;
    if !known {
        return Err(Error::NotFound { entity: "member", id: to.to_owned() });
    }
    let message = crate::text::validate_text("message", message.trim(), 1_000)?;
    if message.is_empty() {
        return Err(Error::invalid("message", "write a few words"));
    }
    let id = crate::ids::derived(&["yearbook_signatures", &me, to, &year.to_string()]);
    // New words wait for the member's yes again (`store::rules`): approval is always reset.
    library.write(|w| {
        w.apply(
            "yearbook_signatures",
            &id,
            &[
                ("year", Value::Integer(year.into())),
                ("member_id", Value::Text(to.to_owned())),
                ("message", Value::Text(message.clone())),
                ("approved", Value::Integer(0)),
                ("deleted", Value::Integer(0)),
            ],
        )
    })?;
    Ok(())
}

fn name(conn: &Connection, id: &str) -> Result<String> {
    Ok(conn
        .query_row("SELECT display_name FROM members WHERE id = ?1", [id], |r| r.get(0))
        .optional()?
        .unwrap_or_default())
}

/// How a signer is named in print: by name, unless they left or asked not to be featured.
fn signer(conn: &Connection, id: &str) -> Result<String> {
    let present: bool =
        conn.query_row("SELECT count(*) > 0 FROM members WHERE id = ?1 AND deleted = 0", [id], |r| r.get(0))?;
    if present && crate::memories::tags::may_feature(conn, id)? {
        name(conn, id)
    } else {
        Ok("A friend".into())
    }
}

/// SQL true when the photo aliased `m` may be on member `?1`'s page of the year from `?2` to
/// `?3` (Unix ms): of that year, showing them with their yes, and shown in the book by its own
/// rules (not hidden, no tag pending or refused, no request to hide it waiting, no one on it who
/// asked not to be featured or hid its day).
fn page_photo_filter() -> String {
    format!(
        "m.sort_at >= ?2 AND m.sort_at < ?3
         AND EXISTS (SELECT 1 FROM media_tags mine WHERE mine.media_id = m.id AND mine.member_id = ?1
                     AND mine.deleted = 0 AND mine.status = 'tagged')
         AND {}",
        crate::memories::tags::shown_photo()
    )
}

/// `[1 January, 1 January next year)` of `year` in Unix milliseconds.
fn span(year: i32) -> (i64, i64) {
    let start = |y: i32| {
        chrono::NaiveDate::from_ymd_opt(y, 1, 1)
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .map_or(0, |t| t.and_utc().timestamp_millis())
    };
    (start(year), start(year + 1))
}

/// Signatures of `year` written to the member at this laptop (to approve) and by them.
pub fn signatures(library: &Library, year: i32) -> Result<(Vec<Signature>, Vec<Signature>)> {
    let me = me(library)?;
    let conn = library.conn();
    let rows: Vec<(String, String, String, String, bool)> = conn
        .prepare(
            "SELECT id, author, member_id, message, approved FROM yearbook_signatures
             WHERE deleted = 0 AND year = ?1 AND (member_id = ?2 OR author = ?2) ORDER BY created_at, id",
        )?
        .query_map(rusqlite::params![year, me], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let (mut to_me, mut by_me) = (Vec::new(), Vec::new());
    for (id, author, member, message, approved) in rows {
        let signature = Signature { id, from: name(conn, &author)?, to: name(conn, &member)?, message, approved };
        if member == me {
            to_me.push(signature);
        } else {
            by_me.push(signature);
        }
    }
    Ok((to_me, by_me))
}

/// Approves (or takes back the approval of) a signature written to the member at this laptop.
///
/// # Errors
/// [`Error::NotFound`] for a signature not written to them.
pub fn approve(library: &mut Library, id: &str, approved: bool) -> Result<()> {
    library.ensure_writable()?;
    let me = me(library)?;
    let mine: bool = library.conn().query_row(
        "SELECT count(*) > 0 FROM yearbook_signatures WHERE id = ?1 AND member_id = ?2 AND deleted = 0",
        [id, &me],
        |r| r.get(0),
    )?;
    if !mine {
        return Err(Error::NotFound { entity: "signature", id: id.to_owned() });
    }
    library.write(|w| w.apply("yearbook_signatures", id, &[("approved", Value::Integer(approved.into()))]))?;
    Ok(())
}

/// `book` as `member`'s copy: their pages of its year (photos that may be shown, by the book's
/// own rules) and the signatures they approved, signed by name.
///
/// # Errors
/// [`Error::Forbidden`] unless `member` is the member at this laptop: only their laptop holds
/// their pages and signatures.
pub fn personal_copy(library: &Library, mut book: Book, member: &str) -> Result<Book> {
    if library.me()?.as_deref() != Some(member) {
        return Err(Error::Forbidden {
            action: "make someone else's personal copy",
            reason: "only their own laptop holds their pages and signatures".into(),
        });
    }
    let conn = library.conn();
    let year = book.year;
    for draft in my_pages(library, year)? {
        if draft.title.is_empty() && draft.body.is_empty() && draft.photos.is_empty() {
            continue;
        }
        let mut photos = Vec::new();
        for id in &draft.photos {
            let (from, until) = span(year);
            let photo: Option<(String, String)> = conn
                .query_row(
                    &format!("SELECT m.hash, m.caption FROM media m WHERE m.id = ?4 AND {}", page_photo_filter()),
                    rusqlite::params![member, from, until, id],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?;
            if let Some((hash, caption)) = photo {
                photos.push(Photo { hash, caption });
            }
        }
        book.pages.push(PersonalPage { title: draft.title, body: draft.body, photos });
    }
    let mut signatures = Vec::new();
    for (author, message) in conn
        .prepare(
            "SELECT author, message FROM yearbook_signatures WHERE deleted = 0 AND approved = 1 AND year = ?1
             AND member_id = ?2 ORDER BY created_at, id",
        )?
        .query_map(rusqlite::params![year, member], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?
        .collect::<rusqlite::Result<Vec<_>>>()?
    {
        signatures.push((signer(conn, &author)?, message));
    }
    book.signatures = signatures;
    book.owner = name(conn, member)?;
    book.folder_label = format!("{year} for {}", book.owner);
    Ok(book)
}

/// A photo a member may put on their pages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct PhotoChoice {
    pub id: String,
    pub hash: String,
    pub caption: String,
}

/// The photos of `year` the member at this laptop is tagged in (and agreed to), that the book
/// may show, newest first (at most 200).
pub fn photos_to_choose(library: &Library, year: i32) -> Result<Vec<PhotoChoice>> {
    let me = me(library)?;
    let (from, until) = span(year);
    let photos = library
        .conn()
        .prepare(&format!(
            "SELECT m.id, m.hash, m.caption FROM media m WHERE {} ORDER BY m.sort_at DESC, m.id LIMIT 200",
            page_photo_filter()
        ))?
        .query_map(rusqlite::params![me, from, until], |r| {
            Ok(PhotoChoice { id: r.get(0)?, hash: r.get(1)?, caption: r.get(2)? })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(photos)
}
