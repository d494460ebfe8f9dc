//! The book as a self-contained folder: `index.html` (no script, no network, every link
//! relative) and `images/`, each photo its 1280 px preview. The same book gives the same bytes:
//! nothing in it depends on when it was written.

use std::fmt::Write as _;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};

use super::book::{Book, Photo};
use super::words::{self, plural};
use crate::error::{Error, Result};
use crate::text::escape_html as escape;
use crate::text::markdown::render as markdown;

/// Paragraphs of plain text, escaped (moments' stories and a ritual's why are Markdown, rendered
/// and sanitised as everywhere else by `text::markdown`).
fn paragraphs(text: &str) -> String {
    text.split("\n\n").filter(|p| !p.trim().is_empty()).map(|p| format!("<p>{}</p>", escape(p.trim()))).collect()
}

/// A photo and its caption; `from` says where it comes from, for its text alternative.
fn figure(photo: &Photo, from: &str) -> String {
    format!(
        "<figure><img src=\"images/{}.jpg\" alt=\"{}\" loading=\"lazy\">{}</figure>",
        escape(&photo.hash),
        escape(&words::photo_alt(&photo.caption, from)),
        if photo.caption.is_empty() {
            String::new()
        } else {
            format!("<figcaption>{}</figcaption>", escape(&photo.caption))
        }
    )
}

/// Photos that come from the same place (`from`, for their text alternatives).
fn figures(photos: &[Photo], from: &str) -> String {
    photos.iter().map(|photo| figure(photo, from)).collect()
}

/// The year chapter: each month's moments (story, what was learned, photos) and highlights.
fn months(book: &Book) -> String {
    let mut body = String::new();
    for month in &book.months {
        let _ = write!(body, "<section class=\"month\"><h3>{}</h3>", words::month(month.month));
        for moment in &month.moments {
            let _ = write!(
                body,
                "<article><h4>{}</h4><p class=\"when\">{}{}</p>{}{}<div class=\"photos\">{}</div></article>",
                escape(&moment.title),
                escape(&words::day(&moment.day)),
                if moment.place.is_empty() { String::new() } else { format!(" · {}", escape(&moment.place)) },
                markdown(&moment.story),
                if moment.learned.is_empty() {
                    String::new()
                } else {
                    format!("<p class=\"learned\"><strong>What we learned:</strong></p>{}", markdown(&moment.learned))
                },
                figures(&moment.photos, &words::from_moment(&moment.title, &moment.day))
            );
        }
        if !month.highlights.is_empty() {
            let from = words::from_highlights(month.month);
            let _ = write!(body, "<div class=\"photos\">{}</div>", figures(&month.highlights, &from));
        }
        body.push_str("</section>");
    }
    body
}

/// The year's totals in one sentence, leaving out what did not happen.
fn totals(book: &Book) -> String {
    words::totals(book).map(|t| format!("<p class=\"totals\">{}</p>", escape(&t))).unwrap_or_default()
}

/// A song's lyrics, line by line, stanza by stanza.
fn lyrics(text: &str) -> String {
    text.split("\n\n")
        .filter(|stanza| !stanza.trim().is_empty())
        .map(|stanza| {
            let lines: Vec<String> = stanza.trim().lines().map(|l| escape(l.trim())).collect();
            format!("<p class=\"lyrics\">{}</p>", lines.join("<br>"))
        })
        .collect()
}

/// Words signed by name (signatures, farewells), as quotations.
fn quotes(signed: &[(String, String)]) -> String {
    signed
        .iter()
        .map(|(name, words)| {
            format!("<blockquote>{}<p class=\"when\">— {}</p></blockquote>", paragraphs(words), escape(name))
        })
        .collect()
}

/// A member's personal copy: their pages (with photos) and the signatures they approved.
fn personal_chapters(book: &Book) -> Vec<(&'static str, String, String)> {
    let mut chapters = Vec::new();
    if !book.pages.is_empty() {
        let body = book
            .pages
            .iter()
            .map(|page| {
                format!(
                    "<article><h4>{}</h4>{}<div class=\"photos\">{}</div></article>",
                    escape(&page.title),
                    markdown(&page.body),
                    figures(&page.photos, &words::from_page(&page.title, &book.owner))
                )
            })
            .collect();
        chapters.push(("pages", words::pages_of(&book.owner), body));
    }
    if !book.signatures.is_empty() {
        chapters.push(("signatures", words::CHAPTER_SIGNATURES.into(), quotes(&book.signatures)));
    }
    chapters
}

/// The newcomers' guide's chapters (`yearbook::primer`), each when it has something.
fn guide_chapters(book: &Book) -> Vec<(&'static str, String, String)> {
    let mut chapters = Vec::new();
    if !book.guide.is_empty() {
        let body = book
            .guide
            .iter()
            .map(|r| {
                let when = [r.when.as_str(), r.place.as_str()]
                    .iter()
                    .filter(|t| !t.is_empty())
                    .map(|t| escape(t))
                    .collect::<Vec<_>>();
                let customs = if r.customs.is_empty() {
                    String::new()
                } else {
                    format!(
                        "<p><strong>Good to know:</strong></p><ul>{}</ul>",
                        r.customs.iter().map(|c| format!("<li>{}</li>", escape(c))).collect::<String>()
                    )
                };
                format!(
                    "<article><h4>{}</h4><p class=\"when\">{}</p>{}{customs}</article>",
                    escape(&r.name),
                    when.join(" · "),
                    markdown(&r.why)
                )
            })
            .collect();
        chapters.push(("meet", words::CHAPTER_GUIDE.into(), body));
    }
    if !book.songs.is_empty() {
        let body = book
            .songs
            .iter()
            .map(|song| {
                format!(
                    "<article><h4>{}</h4>{}{}</article>",
                    escape(&song.name),
                    paragraphs(&song.summary),
                    lyrics(&song.lyrics)
                )
            })
            .collect();
        chapters.push(("songs", words::CHAPTER_SONGS.into(), body));
    }
    if !book.stories.is_empty() {
        let body = book
            .stories
            .iter()
            .map(|story| {
                let by = if story.author.is_empty() {
                    String::new()
                } else {
                    format!("<p class=\"when\">By {}</p>", escape(&story.author))
                };
                format!("<article><h4>{}</h4>{by}{}</article>", escape(&story.title), markdown(&story.body))
            })
            .collect();
        chapters.push(("stories", words::CHAPTER_STORIES.into(), body));
    }
    if !book.welcomers.is_empty() {
        let body = format!(
            "<p>These members offered to welcome you: ask any of them anything.</p><ul class=\"names\">{}</ul>",
            book.welcomers.iter().map(|n| format!("<li>{}</li>", escape(n))).collect::<String>()
        );
        chapters.push(("welcomers", words::CHAPTER_WELCOMERS.into(), body));
    }
    chapters
}

/// The book's `index.html`.
pub fn render(book: &Book) -> String {
    let mut html = String::new();
    let title = format!("{} — {}", book.community, book.subtitle);
    let totals = totals(book);
    let _ = write!(
        html,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<header class=\"cover\"><h1>{}</h1><p class=\"year\">{}</p>{}{totals}</header>\n",
        escape(&title),
        escape(&book.community),
        escape(&book.subtitle),
        paragraphs(&book.description),
    );
    let mut chapters: Vec<(&str, String, String)> = Vec::new();
    if !book.months.is_empty() {
        chapters.push(("year", words::CHAPTER_YEAR.into(), months(book)));
    }
    if !book.rituals.is_empty() {
        let body = book
            .rituals
            .iter()
            .map(|r| {
                format!(
                    "<article><h4>{}</h4>{}<p>{}, {}.</p></article>",
                    escape(&r.name),
                    markdown(&r.why),
                    plural(r.gatherings, "gathering", "gatherings"),
                    plural(r.attendance, "place taken", "places taken")
                )
            })
            .collect();
        chapters.push(("rituals", words::CHAPTER_RITUALS.into(), body));
    }
    if !book.artefacts.is_empty() {
        let body = book
            .artefacts
            .iter()
            .map(|a| {
                format!(
                    "<article><h4>{}</h4><p class=\"when\">{}</p>{}</article>",
                    escape(&a.name),
                    escape(&a.kind),
                    paragraphs(&a.summary)
                )
            })
            .collect();
        chapters.push(("artefacts", words::CHAPTER_ARTEFACTS.into(), body));
    }
    if !book.initiatives.is_empty() {
        let body = book
            .initiatives
            .iter()
            .map(|i| {
                format!(
                    "<article><h4>{}</h4>{}{}</article>",
                    escape(&i.title),
                    paragraphs(&i.difference),
                    if i.outcome.is_empty() {
                        String::new()
                    } else {
                        format!("<p class=\"learned\"><strong>What came of it:</strong></p>{}", paragraphs(&i.outcome))
                    }
                )
            })
            .collect();
        chapters.push(("initiatives", words::CHAPTER_INITIATIVES.into(), body));
    }
    if !book.accomplishments.is_empty() {
        let body = format!(
            "<ul>{}</ul>",
            book.accomplishments
                .iter()
                .map(|a| format!(
                    "<li><strong>{}</strong>: {} <span class=\"when\">({})</span></li>",
                    escape(&a.member),
                    escape(&a.title),
                    escape(&words::day(&a.day))
                ))
                .collect::<String>()
        );
        chapters.push(("celebrations", words::CHAPTER_CELEBRATIONS.into(), body));
    }
    if !book.newcomers.is_empty() {
        let body = format!(
            "<p>We welcomed {}.</p><ul class=\"names\">{}</ul>",
            plural(book.totals.newcomers, "newcomer", "newcomers"),
            book.newcomers.iter().map(|n| format!("<li>{}</li>", escape(n))).collect::<String>()
        );
        chapters.push(("welcome", words::CHAPTER_WELCOME.into(), body));
    }
    if !book.farewells.is_empty() {
        chapters.push(("farewells", words::CHAPTER_FAREWELLS.into(), quotes(&book.farewells)));
    }
    if !book.pulse.is_empty() {
        let body = format!(
            "<ul>{}</ul>",
            book.pulse
                .iter()
                .map(|p| format!("<li>{}: {} answered.</li>", escape(&p.title), p.respondents))
                .collect::<String>()
        );
        chapters.push(("pulse", words::CHAPTER_PULSE.into(), body));
    }
    chapters.extend(guide_chapters(book));
    chapters.extend(personal_chapters(book));
    let _ = write!(
        html,
        "<nav aria-label=\"Chapters\"><h2>Chapters</h2><ol>{}</ol></nav>\n<main>\n",
        chapters
            .iter()
            .map(|(id, name, _)| format!("<li><a href=\"#{id}\">{}</a></li>", escape(name)))
            .collect::<String>()
    );
    for (id, name, body) in &chapters {
        let _ = writeln!(html, "<section class=\"chapter\" id=\"{id}\"><h2>{}</h2>{body}</section>", escape(name));
    }
    let _ = write!(html, "</main>\n<footer><p>{}</p></footer>\n</body>\n</html>\n", words::colophon(book));
    html
}

const STYLE: &str = "body{font-family:Georgia,'DejaVu Serif',serif;max-width:48rem;margin:0 auto;padding:1.5rem;color:#2b211c;background:#fbf6ee;line-height:1.5}\
h1,h2,h3,h4{font-family:'DejaVu Sans',Arial,sans-serif}.cover{text-align:center;padding:3rem 0;border-bottom:2px solid #c2552d}\
.year{font-size:2rem;color:#a4452a}.when{color:#6f6058;font-size:.9rem}.photos{display:flex;flex-wrap:wrap;gap:.5rem}\
figure{margin:0;flex:1 1 14rem;max-width:100%}img{width:100%;height:auto;border-radius:6px}figcaption{font-size:.85rem;color:#6f6058}\
.chapter{border-top:1px solid #e6d9c8;margin-top:2rem}.lyrics{font-style:italic}.names{columns:2}article{margin:1rem 0}";

/// Writes `book` into `folder` (made if missing): `images/` with each photo's preview, then
/// `index.html`. A photo whose preview is missing is left out of the page. Reports photos
/// copied (`done`, `total`) and returns how many, with the book as written (only the photos
/// it holds); `Ok(None)` when `cancel` was set.
///
/// # Errors
/// [`Error::Io`] when the folder cannot be written.
pub fn write_into(
    root: &Path,
    book: &Book,
    folder: &Path,
    cancel: &AtomicBool,
    progress: &dyn Fn(u32, u32),
) -> Result<Option<(u32, Book)>> {
    let images = folder.join("images");
    std::fs::create_dir_all(&images).map_err(|e| Error::io(&images, e))?;
    let mut counted = book.clone();
    let total = counted.photos_mut().iter().map(|list| list.len()).sum::<usize>() as u32;
    let (mut done, mut photos) = (0u32, 0u32);
    let mut book = book.clone();
    let mut copy = |photo: &Photo| -> bool {
        if cancel.load(Ordering::Relaxed) {
            return false;
        }
        done += 1;
        progress(done, total);
        let Ok(source) = crate::store::blobs::preview(root, &photo.hash) else { return false };
        let target = images.join(format!("{}.jpg", photo.hash));
        if target.exists() {
            return true;
        }
        let copied = std::fs::copy(&source, &target).is_ok();
        photos += u32::from(copied);
        copied
    };
    for photos in book.photos_mut() {
        photos.retain(|p| copy(p));
    }
    if cancel.load(Ordering::Relaxed) {
        return Ok(None);
    }
    let index = folder.join("index.html");
    std::fs::write(&index, render(&book)).map_err(|e| Error::io(&index, e))?;
    Ok(Some((photos, book)))
}
