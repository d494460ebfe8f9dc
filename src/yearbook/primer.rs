//! The newcomers' guide, from the yearbook's pipeline (the same folder, PDF and export): the
//! community's rituals (why, when and where, and what is good to know or bring), its songs with
//! their lyrics, up to five stories the leads choose (`community.primer_stories`), and the
//! members who offered to welcome newcomers (`members.welcomes_newcomers`, theirs alone to set).
//! Only what every member may see: community stories and artefacts, and no one named who asked
//! not to be featured.

use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension};
use serde::Serialize;

use super::book::Book;
use crate::error::{Error, Result};
use crate::store::library::Library;
use crate::viewer::Viewer;

/// At most this many stories the leads choose for the guide.
pub const MAX_STORIES: usize = 5;

/// A ritual as a newcomer needs it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RitualGuide {
    pub name: String,
    pub why: String,
    /// "Every second Friday of the month at 19:00".
    pub when: String,
    pub place: String,
    /// Customs and what to bring, as the ritual lists them.
    pub customs: Vec<String>,
}

/// A song with its lyrics.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Song {
    pub name: String,
    pub summary: String,
    pub lyrics: String,
}

/// A story the leads chose, with its author's name (empty when they asked not to be featured).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StoryPage {
    pub title: String,
    pub body: String,
    pub author: String,
}

const WEEKDAYS: [&str; 7] = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];

/// How often a ritual meets, in words, at `at` ("19:00").
pub fn cadence_words(cadence: &crate::clock::cadence::Cadence, at: &str) -> String {
    use crate::clock::cadence::{Cadence, WeekOfMonth};
    let day = |n: u8| WEEKDAYS.get(usize::from(n.clamp(1, 7)) - 1).copied().unwrap_or("day");
    let ordinal = |n: u8| {
        let suffix = match (n % 10, n % 100) {
            (_, 11..=13) => "th",
            (1, _) => "st",
            (2, _) => "nd",
            (3, _) => "rd",
            _ => "th",
        };
        format!("{n}{suffix}")
    };
    let when = match cadence {
        Cadence::Weekly { weekday } => format!("Every {}", day(*weekday)),
        Cadence::EveryWeeks { weeks, weekday } => format!("Every {weeks} weeks on {}", day(*weekday)),
        Cadence::MonthlyOnDay { day } => format!("Each month on the {}", ordinal(*day)),
        Cadence::MonthlyOnWeekday { week, weekday } => {
            let week = match week {
                WeekOfMonth::First => "first",
                WeekOfMonth::Second => "second",
                WeekOfMonth::Third => "third",
                WeekOfMonth::Fourth => "fourth",
                WeekOfMonth::Last => "last",
            };
            format!("The {week} {} of each month", day(*weekday))
        }
        Cadence::Yearly { month, day } => format!("Every year on {day} {}", super::words::month(u32::from(*month))),
    };
    format!("{when} at {at}")
}

/// The stories the leads chose for the guide (ids, at most [`MAX_STORIES`]).
pub fn chosen_stories(conn: &Connection) -> Result<Vec<String>> {
    let text: Option<String> =
        conn.query_row("SELECT primer_stories FROM community LIMIT 1", [], |r| r.get(0)).optional()?;
    Ok(text.and_then(|t| serde_json::from_str(&t).ok()).unwrap_or_default())
}

/// A story a lead may choose for the guide.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct StoryChoice {
    pub id: String,
    pub title: String,
    /// The author's name.
    pub author: String,
    pub chosen: bool,
}

/// The stories a lead may choose: every story shared with the whole community (at most the 200
/// newest), the chosen ones first, then newest first.
pub fn story_choices(conn: &Connection) -> Result<Vec<StoryChoice>> {
    let chosen = chosen_stories(conn)?;
    let stories = conn
        .prepare(
            "SELECT s.id, s.title, coalesce(m.display_name, '') FROM stories s LEFT JOIN members m ON m.id = s.author
             WHERE s.deleted = 0 AND s.visibility = 'community' ORDER BY s.created_at DESC, s.id LIMIT 200",
        )?
        .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get(1)?, r.get(2)?)))?
        .map(|row| row.map(|(id, title, author)| StoryChoice { chosen: chosen.contains(&id), id, title, author }))
        .collect::<rusqlite::Result<Vec<StoryChoice>>>()?;
    let mut stories = stories;
    // The chosen ones first, so a lead sees the guide's stories without scrolling.
    stories.sort_by_key(|story| !story.chosen);
    Ok(stories)
}

/// Chooses the guide's stories (a lead only): at most [`MAX_STORIES`], each a story every member
/// may read.
///
/// # Errors
/// [`Error::Forbidden`] for a member who is not a lead; [`Error::Invalid`] for too many stories
/// or one kept to some members.
pub fn choose_stories(library: &mut Library, ids: &[String]) -> Result<()> {
    library.ensure_writable()?;
    if !Viewer::me(library)?.is_lead {
        return Err(Error::Forbidden {
            action: "choose the newcomers' guide's stories",
            reason: "only leads may".into(),
        });
    }
    let mut unique: Vec<String> = Vec::new();
    for id in ids {
        if !unique.contains(id) {
            unique.push(id.clone());
        }
    }
    if unique.len() > MAX_STORIES {
        return Err(Error::invalid("stories", format!("choose at most {MAX_STORIES} stories for newcomers")));
    }
    for id in &unique {
        let shared: Option<String> = library
            .conn()
            .query_row("SELECT visibility FROM stories WHERE id = ?1 AND deleted = 0", [id], |r| r.get(0))
            .optional()?;
        if shared.as_deref() != Some("community") {
            return Err(Error::invalid("stories", "only a story shared with the whole community can be in the guide"));
        }
    }
    let community: String = library.conn().query_row("SELECT id FROM community LIMIT 1", [], |r| r.get(0))?;
    let text = serde_json::to_string(&unique).map_err(|e| Error::invalid("stories", e.to_string()))?;
    library.write(|w| w.apply("community", &community, &[("primer_stories", Value::Text(text))]))?;
    Ok(())
}

/// Whether the member at this laptop offered to welcome newcomers.
pub fn welcomes(library: &Library) -> Result<bool> {
    let me = library.me()?.ok_or(Error::NoIdentity)?;
    Ok(library.conn().query_row("SELECT welcomes_newcomers FROM members WHERE id = ?1", [&me], |r| r.get(0))?)
}

/// Offers (or stops offering) the member at this laptop as a welcomer, named in the guide.
pub fn offer_to_welcome(library: &mut Library, offer: bool) -> Result<()> {
    library.ensure_writable()?;
    let me = library.me()?.ok_or(Error::NoIdentity)?;
    library.write(|w| w.apply("members", &me, &[("welcomes_newcomers", Value::Integer(offer.into()))]))?;
    Ok(())
}

/// The guide, as a [`Book`] with only the guide's chapters.
pub fn gather(library: &Library) -> Result<Book> {
    let conn = library.conn();
    let (community, description): (String, String) =
        conn.query_row("SELECT name, description FROM community LIMIT 1", [], |r| Ok((r.get(0)?, r.get(1)?)))?;
    let rows: Vec<(String, String, String, String, String, String)> = conn
        .prepare("SELECT name, why, place, cadence, at_time, customs FROM rituals WHERE deleted = 0 ORDER BY name, id")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let guide = rows
        .into_iter()
        .map(|(name, why, place, cadence, at, customs)| RitualGuide {
            name,
            why,
            when: serde_json::from_str(&cadence).map(|c| cadence_words(&c, &at)).unwrap_or_default(),
            place,
            customs: serde_json::from_str(&customs).unwrap_or_default(),
        })
        .collect();
    let songs = conn
        .prepare(
            "SELECT name, summary, lyrics FROM artefacts WHERE deleted = 0 AND kind = 'song' AND visibility = 'community'
             AND lyrics != '' ORDER BY name, id",
        )?
        .query_map([], |r| Ok(Song { name: r.get(0)?, summary: r.get(1)?, lyrics: r.get(2)? }))?
        .collect::<rusqlite::Result<_>>()?;
    let named = |id: &str| -> Result<String> {
        if !crate::memories::tags::may_feature(conn, id)? {
            return Ok(String::new());
        }
        Ok(conn
            .query_row("SELECT display_name FROM members WHERE id = ?1 AND deleted = 0", [id], |r| r.get(0))
            .optional()?
            .unwrap_or_default())
    };
    let mut stories = Vec::new();
    for id in chosen_stories(conn)?.iter().take(MAX_STORIES) {
        // Only a story every member may read, whatever the list says.
        let story: Option<(String, String, String)> = conn
            .query_row(
                "SELECT title, body, author FROM stories WHERE id = ?1 AND deleted = 0 AND visibility = 'community'",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        if let Some((title, body, author)) = story {
            stories.push(StoryPage { title, body, author: named(&author)? });
        }
    }
    let welcomers: Vec<String> = conn
        .prepare(
            "SELECT display_name FROM members WHERE deleted = 0 AND welcomes_newcomers = 1 AND feature_me = 1
             ORDER BY display_name, id",
        )?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let mut book = Book::empty(community, description, "Welcome", "welcome guide");
    book.guide = guide;
    book.songs = songs;
    book.stories = stories;
    book.welcomers = welcomers;
    Ok(book)
}
