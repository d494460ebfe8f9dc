//! Coverage, as school yearbook makers keep it: every consenting member should appear in the
//! book at least [`GOAL`] times (a photo they are tagged on, or their name), and nobody far more
//! than everyone else. For the lead who edits the book, before it is written; nothing here goes
//! into the book.

use std::collections::HashMap;

use serde::Serialize;

use super::book::Book;
use crate::error::Result;
use crate::people::members::{person, Person};
use crate::store::library::Library;

/// The default goal: every consenting member appears at least twice.
pub const GOAL: u32 = 2;
/// A member shown this many times the median or more is pointed out.
pub const OVER: u32 = 5;

/// Who is not yet in the book enough, and who is in it far more than the rest.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Coverage {
    pub goal: u32,
    /// Consenting members (with us, not former, who did not ask to be left out nor never to be
    /// tagged) below the goal,
    /// with how many times they appear.
    pub below: Vec<(Person, u32)>,
    /// Members shown [`OVER`] times the median or more.
    pub over: Vec<(Person, u32)>,
    pub median: f64,
}

/// Counts each consenting member's appearances in `book` against `goal`.
pub fn coverage(library: &Library, book: &Book, goal: u32) -> Result<Coverage> {
    let conn = library.conn();
    let members: Vec<String> = conn
        .prepare(
            "SELECT id FROM members WHERE deleted = 0 AND role != 'alumni' AND feature_me = 1 AND photo_consent != 'never'
             ORDER BY id",
        )?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let mut seen: HashMap<String, u32> = members.iter().map(|id| (id.clone(), 0)).collect();
    let mut tagged = conn.prepare_cached(
        "SELECT t.member_id FROM media_tags t JOIN media m ON m.id = t.media_id
         WHERE m.hash = ?1 AND t.deleted = 0 AND t.status = 'tagged'",
    )?;
    let photos =
        book.months.iter().flat_map(|m| m.moments.iter().flat_map(|x| x.photos.iter()).chain(m.highlights.iter()));
    for photo in photos {
        for member in tagged.query_map([&photo.hash], |r| r.get::<_, String>(0))? {
            if let Some(count) = seen.get_mut(&member?) {
                *count += 1;
            }
        }
    }
    // Named in the book: a newcomer welcomed, an accomplishment shared.
    let mut by_name: HashMap<String, Vec<String>> = HashMap::new();
    for id in &members {
        by_name.entry(person(conn, id)?.display_name).or_default().push(id.clone());
    }
    let names = book.newcomers.iter().chain(book.accomplishments.iter().map(|a| &a.member));
    for name in names {
        for id in by_name.get(name).into_iter().flatten() {
            *seen.entry(id.clone()).or_default() += 1;
        }
    }
    let mut counts: Vec<u32> = seen.values().copied().collect();
    counts.sort_unstable();
    let median = match counts.len() {
        0 => 0.0,
        n if n % 2 == 1 => f64::from(counts[n / 2]),
        n => f64::from(counts[n / 2 - 1] + counts[n / 2]) / 2.0,
    };
    let mut below = Vec::new();
    let mut over = Vec::new();
    for id in &members {
        let count = seen[id];
        if count < goal {
            below.push((person(conn, id)?, count));
        }
        if median > 0.0 && f64::from(count) >= f64::from(OVER) * median {
            over.push((person(conn, id)?, count));
        }
    }
    below.sort_by(|a, b| a.1.cmp(&b.1).then(a.0.display_name.cmp(&b.0.display_name)));
    over.sort_by(|a, b| a.0.display_name.cmp(&b.0.display_name));
    Ok(Coverage { goal, below, over, median })
}
