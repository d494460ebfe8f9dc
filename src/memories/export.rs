//! Export of a moment or an album as a folder anyone can open: the originals, numbered in
//! order, and an `index.html` that needs nothing else (thumbnails are embedded, each links to
//! its original beside it). Built under a temporary name and renamed when complete.

use std::path::{Path, PathBuf};

use base64::Engine;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::memories::media::{self, MediaItem, MediaKind, MediaQuery};
use crate::store::library::Library;
use crate::text::escape_html as escape;
use crate::viewer::Viewer;
use crate::{memories::albums, memories::moments};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
#[serde(tag = "kind", content = "id", rename_all = "camelCase")]
pub enum ExportSource {
    Moment(String),
    Album(String),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct Exported {
    pub folder: String,
    pub files: u32,
}

/// A name safe on every file system: no separators, reserved or control characters.
fn safe_name(text: &str) -> String {
    let cleaned: String = text
        .chars()
        .map(|c| if c.is_control() || "/\\:*?\"<>|".contains(c) { '-' } else { c })
        .collect::<String>()
        .trim()
        .trim_matches('.')
        .chars()
        .take(80)
        .collect();
    if cleaned.is_empty() {
        "Hearth export".into()
    } else {
        cleaned
    }
}

/// Every item `query` lists, in pages, without the photos showing someone who asked not to be
/// featured.
fn listed(conn: &rusqlite::Connection, viewer: &Viewer, mut query: MediaQuery) -> Result<Vec<MediaItem>> {
    query.limit = media::PAGE_LIMIT;
    let mut items: Vec<MediaItem> = Vec::new();
    loop {
        let page = media::page(conn, viewer, &query)?;
        items.extend(page.items);
        match page.next {
            Some(next) => query.after = Some(next),
            None => break,
        }
    }
    // No photo showing someone who asked not to be featured.
    let mut kept = Vec::with_capacity(items.len());
    for item in items {
        if !crate::memories::tags::shows_someone_not_featured(conn, &item.hash)? {
            kept.push(item);
        }
    }
    Ok(kept)
}

/// Why a moment of a day one of its people hid is not exported (`memories::hidden`).
const HIDDEN_DAY: &str = "this moment is of a day one of its people asked to leave out, so it is not exported";

/// Writes `source` into a new folder inside `destination`.
pub fn export(library: &Library, source: &ExportSource, destination: &Path) -> Result<Exported> {
    let viewer = Viewer::me(library)?;
    let conn = library.conn();
    let (title, intro, query) = match source {
        ExportSource::Moment(id) => {
            let moment = moments::get(conn, id)?;
            if !crate::memories::hidden::moment_shown(conn, id)? {
                return Err(Error::invalid("moment", HIDDEN_DAY));
            }
            let mut intro = format!(
                "<p class=\"meta\">{} · {}{}</p>",
                escape(moment.kind.as_str()),
                escape(&moment.starts_at.replace('T', " ")),
                if moment.place.is_empty() { String::new() } else { format!(" · {}", escape(&moment.place)) }
            );
            if !moment.description.is_empty() {
                intro.push_str(&format!("<p>{}</p>", escape(&moment.description)));
            }
            // Nobody who asked not to be featured is named.
            let mut named = Vec::new();
            let day = moment.starts_at.get(..10).unwrap_or_default();
            for person in &moment.attendees {
                if crate::memories::tags::may_feature(conn, &person.id)?
                    && !crate::memories::hidden::hid(conn, &person.id, day)?
                {
                    named.push(person);
                }
            }
            if !named.is_empty() {
                let names: Vec<String> = named.iter().map(|p| escape(&p.display_name)).collect();
                intro.push_str(&format!("<p class=\"meta\">With {}</p>", names.join(", ")));
            }
            // Already sanitised Markdown.
            if !moment.story_html.is_empty() {
                intro.push_str(&format!("<section><h2>What happened</h2>{}</section>", moment.story_html));
            }
            if !moment.learned_html.is_empty() {
                intro.push_str(&format!("<section><h2>What we learned</h2>{}</section>", moment.learned_html));
            }
            (moment.title, intro, MediaQuery { moment_id: Some(id.clone()), ..MediaQuery::default() })
        }
        ExportSource::Album(id) => {
            let album = albums::get(conn, id)?;
            let intro = if album.description.is_empty() {
                String::new()
            } else {
                format!("<p>{}</p>", escape(&album.description))
            };
            (album.title, intro, MediaQuery { album_id: Some(id.clone()), ..MediaQuery::default() })
        }
    };
    let mut items = listed(conn, &viewer, query)?;
    items.reverse(); // oldest first, as the day went

    std::fs::create_dir_all(destination).map_err(|e| Error::io(destination, e))?;
    let name = safe_name(&title);
    let mut folder = destination.join(&name);
    let mut n = 2;
    while folder.exists() {
        folder = destination.join(format!("{name} ({n})"));
        n += 1;
    }
    let partial: PathBuf = destination.join(format!(".{name}.partial"));
    if partial.exists() {
        std::fs::remove_dir_all(&partial).map_err(|e| Error::io(&partial, e))?;
    }
    std::fs::create_dir(&partial).map_err(|e| Error::io(&partial, e))?;
    let root = library.root();
    let mut figures = String::new();
    for (index, item) in items.iter().enumerate() {
        let detail = media::get(conn, &viewer, &item.id)?;
        let stem =
            Path::new(&detail.file_name).file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        let file = format!("{:03}-{}.{}", index + 1, safe_name(&stem), item.format);
        let mut original = crate::store::blobs::original(root, &item.hash, &item.format)?;
        if !original.is_file() {
            // Originals may come on demand: fetch the ones this laptop does not hold yet.
            let (root, target, credentials) = crate::sync::original_source(library)?;
            original = crate::sync::fetch_original(&root, &target, &credentials, &item.hash, &item.format)?;
        }
        std::fs::copy(&original, partial.join(&file)).map_err(|e| Error::io(&original, e))?;
        let picture = if item.has_preview {
            let thumb =
                crate::store::blobs::thumb(root, &item.hash).map(|path| std::fs::read(path).unwrap_or_default())?;
            format!(
                "<img src=\"data:image/jpeg;base64,{}\" alt=\"{}\">",
                base64::engine::general_purpose::STANDARD.encode(thumb),
                escape(&item.caption)
            )
        } else {
            "<span class=\"video\">▶</span>".to_owned()
        };
        let when = if item.taken_at.is_empty() { String::new() } else { item.taken_at.replace('T', " ") };
        let label = if item.kind == MediaKind::Video { "video" } else { "photo" };
        figures.push_str(&format!(
            "<figure><a href=\"{}\" title=\"Open the original {label}\">{picture}</a><figcaption>{}<small>{}</small></figcaption></figure>\n",
            escape(&file),
            if item.caption.is_empty() { String::new() } else { format!("{}<br>", escape(&item.caption)) },
            escape(&when),
        ));
    }
    let html = format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\">\n\
         <title>{title}</title><style>\n\
         body{{font-family:system-ui,sans-serif;background:#fbf6ee;color:#2b211c;margin:2rem auto;max-width:1100px;padding:0 1rem}}\n\
         h1{{margin-bottom:.2rem}} .meta{{color:#6f6058}} section{{max-width:70ch}}\n\
         .grid{{display:grid;grid-template-columns:repeat(auto-fill,minmax(200px,1fr));gap:.8rem;margin-top:1.5rem}}\n\
         figure{{margin:0}} img,.video{{width:100%;aspect-ratio:1;object-fit:cover;border-radius:8px;display:block;background:#f4ebdf}}\n\
         .video{{display:grid;place-items:center;font-size:3rem;color:#6f6058}} figcaption{{font-size:.85rem;margin-top:.3rem}}\n\
         small{{color:#6f6058}}\n</style></head><body>\n<h1>{title}</h1>\n{intro}\n<div class=\"grid\">\n{figures}</div>\n\
         <p class=\"meta\">{count} photos and videos, exported from Hearth. Click one to open its original.</p>\n</body></html>\n",
        title = escape(&title),
        count = items.len(),
    );
    let index = partial.join("index.html");
    std::fs::write(&index, html).map_err(|e| Error::io(&index, e))?;
    std::fs::rename(&partial, &folder).map_err(|e| Error::io(&folder, e))?;
    Ok(Exported { folder: folder.display().to_string(), files: items.len() as u32 })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_safe_everywhere() {
        assert_eq!(safe_name("Dinner: 12/03 <best>"), "Dinner- 12-03 -best-");
        assert_eq!(safe_name("..."), "Hearth export");
    }
}
