//! Merge and a ritual's gatherings: the window answers only the next gatherings and records
//! only those held; merge refuses what is not in the window's forms, and what it accepts but
//! the schedule does not give (an answer for a date long past) is never shown or counted.

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

/// Forged forms are refused at Lea's with their reason; forged dates in the right form count
/// nowhere; the window's own answers for a gathering moved from far ahead pass both.
#[test]
fn merge_refuses_what_the_window_cannot_write_and_counts_only_real_gatherings() {
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

    // Answers and records for dates the window would not offer merge (judging them by a
    // schedule another change may alter would make laptops disagree) and count nowhere.
    let forged = [("rsvps", far.clone()), ("rsvps", "2026-12-01".to_owned()), ("attendance", next.clone())];
    for (table, key) in &forged {
        forge_row(&bo, table, &row_of(table, &ritual.id, &bo_id, key), &columns(table, &ritual.id, &bo_id, key));
    }
    forge_row(
        &bo,
        "bring_items",
        &hearth::ids::derived(&["forged item"]),
        &columns("bring_items", &ritual.id, &bo_id, &past),
    );
    sync::sync_folder(&mut bo, &folder).unwrap();
    let report = sync::sync_folder(&mut lea, &folder).unwrap();
    assert!(report.rejected.is_empty(), "{:?}", report.rejected);
    let at_lea = rituals::get(&lea, &ritual.id).unwrap();
    assert!(at_lea.upcoming.iter().all(|g| g.going == 0), "no answer for another date counts for a gathering");
    assert!(at_lea.upcoming.iter().all(|g| g.bring.is_empty()), "an item for a past gathering is on no list");
    assert!(at_lea.past.iter().all(|p| p.went.is_empty()), "nobody went to a gathering not held yet");

    // A key not in the form of a date is refused, as the window never writes one.
    forge_row(
        &bo,
        "rsvps",
        &row_of("rsvps", &ritual.id, &bo_id, "next Friday"),
        &columns("rsvps", &ritual.id, &bo_id, "next Friday"),
    );
    sync::sync_folder(&mut bo, &folder).unwrap();
    let report = sync::sync_folder(&mut lea, &folder).unwrap();
    assert!(
        report.rejected.iter().any(|r| r.contains("which holds a gathering's date (YYYY-MM-DD)")),
        "{:?}",
        report.rejected
    );

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

/// The columns of a forged row of `table` for gathering `key`, written by `member`.
fn columns(table: &str, ritual: &str, member: &str, key: &str) -> Vec<(&'static str, rusqlite::types::Value)> {
    let mut columns = vec![
        ("author", Text(member.to_owned())),
        ("created_at", Integer(1)),
        ("ritual_id", Text(ritual.to_owned())),
        ("occurrence_key", Text(key.to_owned())),
    ];
    match table {
        "rsvps" => columns.extend([
            ("member_id", Text(member.to_owned())),
            ("scope", Text("one".into())),
            ("answer", Text("going".into())),
        ]),
        "attendance" => columns.extend([
            ("member_id", Text(member.to_owned())),
            ("went", Integer(1)),
            ("source", Text("self".into())),
        ]),
        _ => columns.push(("item", Text("Bread".into()))),
    }
    columns
}

/// A forged row's id as the window derives it.
fn row_of(table: &str, ritual: &str, member: &str, key: &str) -> String {
    match table {
        "rsvps" => hearth::ids::derived(&["rsvps", ritual, member, key, "one"]),
        _ => hearth::ids::derived(&["attendance", ritual, key, member]),
    }
}
