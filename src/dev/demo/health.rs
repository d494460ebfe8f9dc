//! The demo's recent half year, so the Health page has something true to say: most members
//! answer each other's stories across the circle; five friends answer only one another, about
//! life rather than practice, for two windows running; one settled member has no exchange at
//! all; a newcomer's first story has waited ten days for an answer; and stories about practice
//! fall from most to a third of all in the last quarter.
//!
//! The rest of the demo happened before its own clock stopped (January 2026), so this part is
//! planted relative to the real day it is created on.

use std::path::Path;
use std::sync::Arc;

use crate::clock::{Clock, FixedClock, Millis, SystemClock};
use crate::error::Result;
use crate::ids::IdSource;
use crate::people::members::{self, Role};
use crate::people::stories::{self, StoryDraft, StoryKind, StoryVisibility};
use crate::store::library::Library;
use crate::viewer::Viewer;

use super::DAY;

/// The five who keep to one another.
pub(super) const CIRCLE: [&str; 5] = ["Grace Mwangi", "Oliver Bennett", "Leilani Kahale", "Arjun Nair", "Yusuf Demir"];
/// The settled member with no exchange in the last quarter.
pub(super) const ALONE: &str = "Zanele Khumalo";

const LEARNING: [&str; 6] = [
    "What a near-miss taught me about handovers",
    "Explaining a new diagnosis with the teach-back method",
    "When the family disagreed with the care plan",
    "A better way to run the ward huddle",
    "Reading a medication chart with a patient partner",
    "The question I now ask at every discharge",
];
const PERSONAL: [&str; 6] = [
    "Our walk along the river",
    "The cake that did not rise",
    "A weekend at my sister's",
    "My first allotment harvest",
    "The choir concert",
    "Finally, a holiday",
];

/// Plants the last 180 days in the library at `root` on a clock that runs up to yesterday, then
/// closes it.
pub(super) fn plant(root: &Path) -> Result<()> {
    let today = SystemClock.now().0;
    let clock = Arc::new(FixedClock::new(Millis(today - 178 * DAY), 60_000));
    let mut library = Library::open_with(root, clock.clone(), IdSource::seeded(0x6865_616c))?;
    let me = library.me()?.expect("the demo has a member at the keyboard");
    let everyone: Vec<members::Member> =
        members::list(library.conn(), &Viewer::anonymous())?.into_iter().filter(|m| m.role != Role::Alumni).collect();
    let id_of = |name: &str| everyone.iter().find(|m| m.display_name == name).map(|m| m.id.clone());
    let circle: Vec<String> = CIRCLE.iter().filter_map(|n| id_of(n)).collect();
    let told: std::collections::HashSet<String> = library
        .conn()
        .prepare("SELECT DISTINCT author FROM stories WHERE deleted = 0")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    // The newcomer whose first story waits: the first newcomer who has told none yet.
    let waiting = everyone.iter().find(|m| m.role == Role::Newcomer && !told.contains(&m.id)).map(|m| m.id.clone());
    let rest: Vec<String> = everyone
        .iter()
        .map(|m| m.id.clone())
        .filter(|id| {
            !circle.contains(id) && Some(id.as_str()) != id_of(ALONE).as_deref() && Some(id) != waiting.as_ref()
        })
        .collect();
    // Two windows of 90 days; in the earlier one two of three stories are about practice,
    // in the later one one of three.
    for (window, start, learning_every) in [(0usize, 178i64, 3usize), (1, 88, 3)] {
        for (i, author) in rest.iter().enumerate() {
            clock.set(Millis(today - (start - (i as i64 * 3) % 80) * DAY));
            let learning = if window == 0 { i % learning_every != 0 } else { i % learning_every == 0 };
            let story = tell(&mut library, author, i + window, learning)?;
            // Three answers from across the circle, never the same three.
            for k in 1..=3 {
                let from = &rest[(i * 7 + k * 5 + window * 3) % rest.len()];
                if from != author {
                    members::choose_me(&library, from)?;
                    stories::respond(&mut library, &story, "Thank you for telling this; it stays with me.")?;
                }
            }
        }
        for (i, author) in circle.iter().enumerate() {
            clock.set(Millis(today - (start - 10 - i as i64 * 9) * DAY));
            let story = tell(&mut library, author, i + 2 * window, false)?;
            for from in circle.iter().filter(|c| *c != author) {
                members::choose_me(&library, from)?;
                stories::respond(&mut library, &story, "Lovely. Same again next month?")?;
            }
        }
    }
    if let Some(newcomer) = waiting {
        // The newcomer answered someone once, then told a first story nobody has answered.
        clock.set(Millis(today - 40 * DAY));
        let first = tell(&mut library, &rest[1], 4, true)?;
        members::choose_me(&library, &newcomer)?;
        stories::respond(&mut library, &first, "This helps me a lot in my first months here.")?;
        clock.set(Millis(today - 10 * DAY));
        members::choose_me(&library, &newcomer)?;
        stories::write_story(
            &mut library,
            StoryDraft {
                title: "My first month on the community team".into(),
                body: "I visit people at home now, after ten years on a hospital ward. Some days I do not know \
                       whether I helped. How did you learn to tell?"
                    .into(),
                prompt_id: None,
                kind: StoryKind::Learning,
                visibility: StoryVisibility::Community,
                audience: Vec::new(),
                photos: Vec::new(),
            },
        )?;
    }
    members::choose_me(&library, &me)?;
    Ok(())
}

/// A story by `author` (a title chosen by `n`), about practice or about life; returns its id.
fn tell(library: &mut Library, author: &str, n: usize, learning: bool) -> Result<String> {
    members::choose_me(library, author)?;
    let (title, kind) = match learning {
        true => (LEARNING[n % LEARNING.len()], StoryKind::Learning),
        false => (PERSONAL[n % PERSONAL.len()], StoryKind::Personal),
    };
    let body = match learning {
        true => "What happened, what I tried, and what I would do differently next time.",
        false => "Nothing to do with work, and all the better for it.",
    };
    let draft = StoryDraft {
        title: title.into(),
        body: body.into(),
        prompt_id: None,
        kind,
        visibility: StoryVisibility::Community,
        audience: Vec::new(),
        photos: Vec::new(),
    };
    Ok(stories::write_story(library, draft)?.id)
}
