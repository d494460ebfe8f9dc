//! Merge judges a ritual's gatherings as the window offers them: an answer, a bring-list item
//! or a welcome only for one of the next gatherings, who came only to one held, a change only
//! on a date the ritual meets; and a ritual's schedule only in the forms the window writes.

use hearth::clock::cadence::{Cadence, Schedule, WeekOfMonth};
use hearth::clock::Millis;
use hearth::convene::rituals::{self, Answer, RitualDraft};
use hearth::people::members::{self, MemberDraft};
use hearth::sync;
use rusqlite::types::Value::{Integer, Text};

use crate::support::{forge_row, Scratch};
use crate::sync::join;

fn supper() -> RitualDraft {
    RitualDraft {
        name: "Last-Friday supper".into(),
        why: String::new(),
        origin: String::new(),
        origin_moment: None,
        customs: vec![],
        place: String::new(),
        zone: "Europe/Paris".into(),
        cadence: Cadence::MonthlyOnWeekday { week: WeekOfMonth::Last, weekday: 5 },
        starts: "2020-01-01".into(),
        at: "19:00".into(),
        minutes: 180,
    }
}

/// Each forged write is refused at Lea's with its reason; the window's own answers for a
/// gathering moved from far ahead pass both.
#[test]
fn merge_accepts_only_gatherings_the_window_offers() {
    let scratch = Scratch::new();
    let folder = scratch.path("shared");
    let mut lea =
        hearth::community::create(&scratch.path("lea"), hearth::community::CommunityDraft::new("Circle", "")).unwrap();
    members::create_my_profile(&mut lea, MemberDraft::named("Lea")).unwrap();
    let ritual = rituals::create(&mut lea, supper()).unwrap();
    sync::sync_folder(&mut lea, &folder).unwrap();
    let (mut bo, _) = join(&mut lea, "Bo", &scratch.path("bo"), &folder).unwrap();
    sync::sync_folder(&mut bo, &folder).unwrap();
    let bo_id = bo.me().unwrap().unwrap();

    // Every last Friday from five years back to three years ahead, by the same calendar.
    let schedule = Schedule::from_parts(supper().cadence, "2020-01-01", "19:00", "Europe/Paris").unwrap();
    let now = lea.now();
    let from = Millis(now.0 - 5 * 365 * 86_400_000);
    let all: Vec<String> = schedule.project(from, 100, &[]).into_iter().map(|o| o.key).collect();
    let next = ritual.upcoming[0].occurrence.key.clone();
    let far = all.iter().find(|k| **k > ritual.upcoming.last().unwrap().occurrence.key).unwrap().clone();
    let past = rituals::get(&lea, &ritual.id).unwrap().past[0].occurrence.key.clone();
    assert!(all.contains(&past) && all.contains(&next), "the window's gatherings are the cadence's dates");

    let forged = [
        ("rsvps", far.clone(), "answers for a gathering that was not among the ritual's next ones"),
        ("rsvps", "2026-12-01".to_owned(), "answers for a gathering that was not among the ritual's next ones"),
        ("attendance", next.clone(), "records who came to a gathering that had not taken place"),
        ("bring_items", past.clone(), "changes the bring list of a gathering that was not among"),
        ("rsvps", "next Friday".to_owned(), "which holds a gathering's date (YYYY-MM-DD)"),
    ];
    for (n, (table, key, why)) in forged.iter().enumerate() {
        let mut columns = vec![
            ("author", Text(bo_id.clone())),
            ("created_at", Integer(1)),
            ("ritual_id", Text(ritual.id.clone())),
            ("occurrence_key", Text(key.clone())),
        ];
        match *table {
            "rsvps" => columns.extend([
                ("member_id", Text(bo_id.clone())),
                ("scope", Text("one".into())),
                ("answer", Text("going".into())),
            ]),
            "attendance" => columns.extend([
                ("member_id", Text(bo_id.clone())),
                ("went", Integer(1)),
                ("source", Text("self".into())),
            ]),
            _ => columns.push(("item", Text("Bread".into()))),
        }
        // Each row's id as the window derives it (bring-list items have their own).
        let row = match *table {
            "rsvps" => hearth::ids::derived(&["rsvps", &ritual.id, &bo_id, key, "one"]),
            "attendance" => hearth::ids::derived(&["attendance", &ritual.id, key, &bo_id]),
            _ => hearth::ids::derived(&["forged", &n.to_string()]),
        };
        forge_row(&bo, table, &row, &columns);
        sync::sync_folder(&mut bo, &folder).unwrap();
        let report = sync::sync_folder(&mut lea, &folder).unwrap();
        assert!(report.rejected.iter().any(|r| r.contains(why)), "{table} for {key}: {:?}", report.rejected);
    }

    // A ritual's schedule and a move only in the window's forms.
    let schedules = [
        ("rituals", "cadence", Text(r#"{"kind":"everyWeeks","weeks":9,"weekday":1}"#.into()), "which holds a cadence"),
        ("rituals", "zone", Text("Mars/Olympus".into()), "which holds a time zone"),
        ("rituals", "at_time", Text("7pm".into()), "which holds a time of day"),
    ];
    for (table, column, value, why) in schedules {
        let row = hearth::ids::derived(&["forged ritual", column]);
        forge_row(&bo, table, &row, &[("author", Text(bo_id.clone())), ("created_at", Integer(1)), (column, value)]);
        sync::sync_folder(&mut bo, &folder).unwrap();
        let report = sync::sync_folder(&mut lea, &folder).unwrap();
        assert!(report.rejected.iter().any(|r| r.contains(why)), "{column}: {:?}", report.rejected);
    }
    let Err(hearth::Error::Invalid { field: "occurrence", .. }) =
        rituals::change_occurrence(&mut lea, &ritual.id, "2026-12-01", None, true)
    else {
        panic!("the window cancelled a date the ritual does not meet on")
    };

    // Lea moves a gathering from beyond those projected to next week: it is among the next
    // ones, answerable in the window, and Bo's answer for it merges.
    let soon = chrono::DateTime::from_timestamp_millis(now.0 + 7 * 86_400_000).unwrap();
    let to = soon.format("%Y-%m-%dT19:30").to_string();
    let moved = rituals::change_occurrence(&mut lea, &ritual.id, &far, Some(&to), false).unwrap();
    assert!(moved.upcoming.iter().any(|g| g.occurrence.key == far && g.occurrence.moved), "moved in from far ahead");
    sync::sync_folder(&mut lea, &folder).unwrap();
    sync::sync_folder(&mut bo, &folder).unwrap();
    rituals::rsvp(&mut bo, &ritual.id, &far, Answer::Going, false, 0, "").unwrap();
    sync::sync_folder(&mut bo, &folder).unwrap();
    let report = sync::sync_folder(&mut lea, &folder).unwrap();
    assert!(report.rejected.is_empty(), "{:?}", report.rejected);
    let at_lea = rituals::get(&lea, &ritual.id).unwrap();
    assert_eq!(at_lea.upcoming.iter().find(|g| g.occurrence.key == far).unwrap().going, 1, "Bo's answer merged");
}
