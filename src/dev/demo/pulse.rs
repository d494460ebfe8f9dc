//! The demo's pulse: two closed rounds (an open one in the spring, a confidential one in the
//! autumn) with two planted camps, one wishing for more Identification and one for more
//! Projects; and a round open now.

use crate::clock::{FixedClock, Millis};
use crate::error::Result;
use crate::people::members;
use crate::pulse::rounds::{self, PulseAnswer, RoundKind};
use crate::pulse::tally;
use crate::store::library::Library;
use crate::viewer::Viewer;

use super::{DAY, DEMO_START};

pub(super) fn add_pulse(library: &mut Library, clock: &FixedClock) -> Result<()> {
    let me = library.me()?.expect("the demo has a member at the keyboard");
    let everyone: Vec<String> = members::list(library.conn(), &Viewer::anonymous())?
        .into_iter()
        .filter(|m| m.role != crate::people::members::Role::Alumni)
        .map(|m| m.id)
        .collect();
    let dimensions = crate::community::dimensions(library.conn())?;
    // Which dimension each camp pushes: Identification and Projects, wherever they sit.
    let position = |word: &str| dimensions.iter().position(|d| d.name.contains(word)).unwrap_or(0);
    let (identification, projects) = (position("Identification"), position("Project"));
    let mut state = 3u64;
    let mut noise = move || {
        state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        ((state >> 33) % 3) as u8
    };
    for (days_ago, kind, title, answering) in
        [(240, RoundKind::Open, "Spring pulse", 22usize), (90, RoundKind::Confidential, "Autumn pulse", 28usize)]
    {
        clock.set(Millis(DEMO_START.0 - days_ago * DAY));
        members::choose_me(library, &me)?;
        let round = rounds::open(library, kind, title, 21)?;
        for (i, member) in everyone.iter().take(answering).enumerate() {
            clock.set(Millis(DEMO_START.0 - (days_ago - 1 - (i as i64 % 10)) * DAY));
            let wants = if i % 2 == 0 { identification } else { projects };
            let now: Vec<Option<u8>> = (0..dimensions.len()).map(|_| Some(4 + noise())).collect();
            let wished: Vec<Option<u8>> = (0..dimensions.len())
                .map(|d| match d {
                    d if d == wants => Some(8 + noise().min(2)),
                    d if d == identification || d == projects => Some(3 + noise()),
                    _ => Some(5 + noise()),
                })
                .collect();
            let note = if i % 3 == 0 { "More time to talk about what we learn." } else { "" };
            members::choose_me(library, member)?;
            rounds::answer(library, &round.id, &PulseAnswer { now, wished, note: note.into() })?;
        }
        clock.set(Millis(DEMO_START.0 - (days_ago - 22) * DAY));
        members::choose_me(library, &me)?;
        tally::close(library, &round.id, "Many asked for more time to talk about what we learn at the dinners.")?;
    }
    members::choose_me(library, &me)?;
    Ok(())
}

/// A round open now (on the library's own clock), four answers in: too few to show yet.
pub(super) fn open_current_round(library: &mut Library) -> Result<()> {
    let me = library.me()?.expect("the demo has a member at the keyboard");
    let dimensions = crate::community::dimensions(library.conn())?.len();
    let round = rounds::open(library, RoundKind::Open, "Winter pulse", 21)?;
    let others: Vec<String> = members::list(library.conn(), &Viewer::anonymous())?
        .into_iter()
        .filter(|m| m.id != me && m.role != crate::people::members::Role::Alumni)
        .map(|m| m.id)
        .skip(5)
        .take(4)
        .collect();
    for (i, member) in others.iter().enumerate() {
        members::choose_me(library, member)?;
        let values: Vec<Option<u8>> = (0..dimensions).map(|d| Some(((4 + i + d) % 4 + 4) as u8)).collect();
        rounds::answer(library, &round.id, &PulseAnswer { now: values.clone(), wished: values, note: String::new() })?;
    }
    members::choose_me(library, &me)?;
    Ok(())
}
