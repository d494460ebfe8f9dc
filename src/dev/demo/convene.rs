//! The demo's rituals: a monthly dinner and a yearly summer walk, each with past gatherings
//! (moments with photos, attendance, a first-timer), offers to host and answers for what comes.

use crate::clock::cadence::{Cadence, WeekOfMonth};
use crate::clock::{FixedClock, Millis};
use crate::convene::rituals::{self, Answer, RitualDraft};
use crate::error::Result;
use crate::memories::moments;
use crate::people::members;
use crate::store::library::Library;
use crate::viewer::Viewer;

use super::{DAY, DEMO_START};

pub(super) fn add_rituals(library: &mut Library, clock: &FixedClock) -> Result<()> {
    let everyone = members::list(library.conn(), &Viewer::anonymous())?;
    let id_of =
        |name: &str| everyone.iter().find(|m| m.display_name == name).map(|m| m.id.clone()).expect("demo member");
    let moment_titled = |library: &Library, title: &str| -> Result<String> {
        Ok(moments::list(library.conn())?.into_iter().find(|m| m.title == title).map(|m| m.id).expect("demo moment"))
    };
    let me = library.me()?.expect("the demo has a member at the keyboard");
    clock.set(Millis(DEMO_START.0 - 20 * DAY));
    let dinner = rituals::create(
        library,
        RitualDraft {
            name: "Second-Friday dinner".into(),
            why: "Once a month we eat together and each of us says **one thing we learned at work**. Newcomers sit between two regulars.".into(),
            origin: "Amara and Tomás started it after the 2024 regional conference: eight people in a borrowed room.".into(),
            origin_moment: None,
            customs: vec!["The first toast is for the newest member".into(), "Phones in the basket until dessert".into()],
            place: "The boathouse, Riverside".into(),
            zone: "Europe/London".into(),
            cadence: Cadence::MonthlyOnWeekday { week: WeekOfMonth::Second, weekday: 5 },
            starts: "2024-09-01".into(),
            at: "19:00".into(),
            minutes: 180,
        },
    )?;
    let walk = rituals::create(
        library,
        RitualDraft {
            name: "Summer walk along the river".into(),
            why: "A morning outdoors, families welcome, no talk of rotas.".into(),
            origin: String::new(),
            origin_moment: Some(moment_titled(library, "Walk along the river")?),
            customs: vec!["Whoever is newest chooses where we stop for coffee".into()],
            place: "Riverside path, from the boathouse".into(),
            zone: "Europe/London".into(),
            cadence: Cadence::Yearly { month: 6, day: 14 },
            starts: "2023-01-01".into(),
            at: "10:00".into(),
            minutes: 180,
        },
    )?;
    // Past gatherings: their moments (the demo's photos) and who came, as a lead records it.
    rituals::gathering_moment(
        library,
        &dinner.id,
        "2025-04-11",
        Some(&moment_titled(library, "Spring dinner at the boathouse")?),
    )?;
    rituals::gathering_moment(library, &walk.id, "2025-06-14", Some(&moment_titled(library, "Walk along the river")?))?;
    let regulars = ["Amara Okafor", "Tomás Herrera", "Grace Mwangi", "Liam O'Connor", "Priya Raman", "Kwame Mensah"];
    let came: [(&str, &str, &[&str]); 5] = [
        (&dinner.id, "2025-09-12", &regulars[..5]),
        (&dinner.id, "2025-10-10", &["Amara Okafor", "Grace Mwangi", "Marta Nowak"]),
        (&dinner.id, "2025-11-14", &regulars[1..]),
        (&walk.id, "2023-06-14", &regulars[..3]),
        (&walk.id, "2024-06-14", &regulars[2..]),
    ];
    for (ritual, key, who) in came {
        for name in who {
            rituals::record_attendance(library, ritual, key, &id_of(name), Some(true))?;
        }
    }
    for name in ["Tomás Herrera", "Grace Mwangi", "Liam O'Connor"] {
        members::choose_me(library, &id_of(name))?;
        rituals::offer_to_host(library, &dinner.id, true)?;
    }
    // Answers for what comes: regulars for every dinner, a newcomer for her first one.
    clock.set(DEMO_START);
    let first = rituals::get(library, &dinner.id)?.upcoming[0].occurrence.key.clone();
    for name in ["Tomás Herrera", "Grace Mwangi", "Priya Raman", "Amara Okafor"] {
        members::choose_me(library, &id_of(name))?;
        rituals::rsvp(library, &dinner.id, &first, Answer::Going, true, 0, "")?;
    }
    members::choose_me(library, &id_of("Amelia Watson"))?;
    rituals::rsvp(library, &dinner.id, &first, Answer::Going, false, 0, "My first dinner!")?;
    members::choose_me(library, &id_of("Kwame Mensah"))?;
    rituals::rsvp(library, &dinner.id, &first, Answer::Maybe, false, 0, "")?;
    // A potluck list for each of the next twelve dinners (the demo is opened long after its
    // own clock stops): bread claimed by Grace, a salad nobody has claimed yet.
    let ahead: Vec<String> =
        rituals::get(library, &dinner.id)?.upcoming.iter().map(|g| g.occurrence.key.clone()).collect();
    members::choose_me(library, &id_of("Grace Mwangi"))?;
    for key in &ahead {
        let listed = crate::convene::bring::add_item(library, &dinner.id, key, "Bread")?;
        let bread = listed
            .upcoming
            .iter()
            .find(|g| g.occurrence.key == *key)
            .and_then(|g| g.bring.first())
            .map(|i| i.id.clone());
        if let Some(bread) = bread {
            crate::convene::bring::claim_item(library, &dinner.id, &bread, true)?;
        }
        crate::convene::bring::add_item(library, &dinner.id, key, "A salad")?;
    }
    members::choose_me(library, &me)?;
    Ok(())
}
