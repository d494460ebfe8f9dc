//! One scenario across domains: the demo community, created twice, is the same community.

use hearth::{community, dev::demo, people::members};

use crate::support::Scratch;

#[test]
fn the_demo_is_deterministic_and_varied() {
    let scratch = Scratch::new();
    let first = demo::create_demo(&scratch.path("one")).unwrap();
    let second = demo::create_demo(&scratch.path("two")).unwrap();
    let a = members::list(first.conn(), &hearth::viewer::Viewer::anonymous()).unwrap();
    let b = members::list(second.conn(), &hearth::viewer::Viewer::anonymous()).unwrap();
    assert!(a.len() >= 30, "the demo shows a community of at least 30 people");
    let ids = |m: &[members::Member]| m.iter().map(|m| m.id.clone()).collect::<Vec<_>>();
    assert_eq!(ids(&a), ids(&b), "same ids on every run");
    assert_eq!(community::info(&first).unwrap().community.id, community::info(&second).unwrap().community.id);

    let professions: std::collections::BTreeSet<_> =
        a.iter().map(|m| m.profession.clone().unwrap_or_default()).collect();
    let roles: std::collections::BTreeSet<_> = a.iter().map(|m| m.role.as_str()).collect();
    assert!(professions.len() >= 25, "backgrounds vary: {} professions", professions.len());
    assert_eq!(roles.len(), 4, "leads, members, newcomers and alumni are all there");
    assert!(first.me().unwrap().is_some(), "the demo opens as one of its leads");
}

#[test]
fn what_people_do_in_the_demo_happens_today_not_on_the_demo_day() {
    // Regression: the demo library was handed back still running on its fixed clock, so a
    // story written in it today was dated January 2026.
    let scratch = Scratch::new();
    let mut library = demo::create_demo(&scratch.path("demo")).unwrap();
    let created = members::create_member(&mut library, members::MemberDraft::named("Today")).unwrap();
    let at: i64 =
        library.conn().query_row("SELECT created_at FROM members WHERE id = ?1", [&created.id], |r| r.get(0)).unwrap();
    assert!(at > 1_780_000_000_000, "written at {at}, which is before mid-2026: the demo clock leaked");
}
