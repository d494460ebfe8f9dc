//! Celebrations: birthdays without years, anniversaries, accomplishments and their boards.

use chrono::NaiveDate;
use hearth::people::celebrations::{self, AccomplishmentDraft, AccomplishmentKind, OccasionKind};
use hearth::people::members::{self, MemberDraft, ProfileFields};
use hearth::viewer::{Viewer, Visibility};
use hearth::{Error, Library};

use crate::support::{create, Scratch};

fn day(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
}

fn member(library: &mut Library, name: &str, joined: &str, birthday: &str, celebrate: bool) -> String {
    let draft = MemberDraft {
        joined_on: Some(joined.into()),
        profile: ProfileFields { birthday: birthday.into(), celebrate_birthday: celebrate, ..Default::default() },
        ..MemberDraft::named(name)
    };
    members::create_member(library, draft).unwrap().id
}

fn keys(occasions: &[celebrations::Occasion]) -> Vec<(OccasionKind, String, String)> {
    occasions.iter().map(|o| (o.kind, o.member.display_name.clone(), o.date.clone())).collect()
}

#[test]
fn coming_up_shows_opted_in_birthdays_and_anniversaries_across_the_new_year() {
    let scratch = Scratch::new();
    let mut library = create(&scratch.path("c"), "Circle");
    members::create_my_profile(
        &mut library,
        MemberDraft { joined_on: Some("2026-06-01".into()), ..MemberDraft::named("Lea") },
    )
    .unwrap();
    member(&mut library, "Ada", "2020-01-05", "12-28", true);
    member(&mut library, "Bo", "2025-12-24", "01-10", true);
    member(&mut library, "Cy", "2019-03-01", "12-30", false); // did not opt in
    let conn = library.conn();
    let soon = celebrations::upcoming(conn, &Viewer::anonymous(), day("2026-12-20"), 30).unwrap();
    assert_eq!(
        keys(&soon),
        vec![
            (OccasionKind::Anniversary, "Bo".into(), "2026-12-24".into()),
            (OccasionKind::Birthday, "Ada".into(), "2026-12-28".into()),
            (OccasionKind::Anniversary, "Ada".into(), "2027-01-05".into()),
            (OccasionKind::Birthday, "Bo".into(), "2027-01-10".into()),
        ],
        "Cy's birthday is not shown without opting in, and the window crosses into January"
    );
    assert_eq!(soon[2].years, Some(7));
    assert_eq!(soon[0].title, "1 year with us");
}

#[test]
fn a_29_february_birthday_is_celebrated_on_28_february_in_other_years() {
    let scratch = Scratch::new();
    let mut library = create(&scratch.path("c"), "Circle");
    member(&mut library, "Leap", "2026-01-01", "02-29", true);
    let conn = library.conn();
    let in_2027 = celebrations::upcoming(conn, &Viewer::anonymous(), day("2027-02-20"), 14).unwrap();
    assert_eq!(keys(&in_2027), vec![(OccasionKind::Birthday, "Leap".into(), "2027-02-28".into())]);
    let in_2028 = celebrations::upcoming(conn, &Viewer::anonymous(), day("2028-02-20"), 14).unwrap();
    assert_eq!(keys(&in_2028), vec![(OccasionKind::Birthday, "Leap".into(), "2028-02-29".into())]);
}

#[test]
fn a_birthday_hidden_from_a_viewer_is_not_celebrated_for_them() {
    let scratch = Scratch::new();
    let mut library = create(&scratch.path("c"), "Circle");
    let lead = members::create_my_profile(&mut library, MemberDraft::named("Lea")).unwrap().id;
    let ada = member(&mut library, "Ada", "2026-01-01", "05-17", true);
    let bo = member(&mut library, "Bo", "2026-01-01", "", false);
    members::choose_me(&library, &ada).unwrap();
    let profile = ProfileFields {
        birthday: "05-17".into(),
        celebrate_birthday: true,
        visibility: [("birthday".to_string(), Visibility::Leads)].into(),
        ..Default::default()
    };
    members::update_profile(&mut library, &ada, "Ada", &profile).unwrap();
    let conn = library.conn();
    let for_lead = celebrations::upcoming(conn, &Viewer::member(conn, &lead).unwrap(), day("2026-05-10"), 30).unwrap();
    assert_eq!(for_lead.len(), 1, "a lead sees the leads-only birthday");
    let for_bo = celebrations::upcoming(conn, &Viewer::member(conn, &bo).unwrap(), day("2026-05-10"), 30).unwrap();
    assert!(for_bo.is_empty(), "Bo may not see Ada's birthday, so it is not celebrated for him");
    let key = format!("birthday:{ada}:2026");
    members::choose_me(&library, &bo).unwrap();
    let message = celebrations::leave_message(&mut library, &key, "Happy birthday!", &[]);
    assert!(matches!(message, Err(Error::NotFound { .. })), "nor can he write on its board");
}

#[test]
fn members_leave_messages_and_the_honouree_sees_them_together() {
    let scratch = Scratch::new();
    let mut library = create(&scratch.path("c"), "Circle");
    let lead = members::create_my_profile(&mut library, MemberDraft::named("Lea")).unwrap().id;
    let ada = member(&mut library, "Ada", "2026-01-01", "", false);
    let bo = member(&mut library, "Bo", "2026-01-01", "", false);
    let posted = celebrations::post_accomplishment(
        &mut library,
        AccomplishmentDraft {
            member_id: ada.clone(),
            kind: AccomplishmentKind::Publication,
            title: "Published on night-shift handovers".into(),
            description: "In the Nursing Times".into(),
            happened_on: "2026-03-02".into(),
        },
    )
    .unwrap();
    celebrations::leave_message(&mut library, &posted.key, "So proud of you", &[]).unwrap();
    members::choose_me(&library, &bo).unwrap();
    celebrations::leave_message(&mut library, &posted.key, "Well *deserved*", &[]).unwrap();
    let conn = library.conn();
    let board = celebrations::board(conn, &Viewer::member(conn, &ada).unwrap(), &posted.key).unwrap();
    let authors: Vec<&str> = board.messages.iter().map(|m| m.author.display_name.as_str()).collect();
    assert_eq!(authors, ["Lea", "Bo"]);
    assert_eq!(board.messages[1].body_html, "<p>Well <em>deserved</em></p>\n");
    assert_eq!(board.occasion.message_count, 2);
    let _ = lead;
    let bad = celebrations::post_accomplishment(
        &mut library,
        AccomplishmentDraft {
            member_id: ada,
            kind: AccomplishmentKind::Thanks,
            title: "".into(),
            description: "".into(),
            happened_on: "".into(),
        },
    );
    assert!(matches!(bad, Err(Error::Invalid { field: "title", .. })));
    let unknown = celebrations::board(library.conn(), &Viewer::anonymous(), "birthday:nobody:2026");
    assert!(matches!(unknown, Err(Error::NotFound { .. })));
}

#[test]
fn the_calendar_export_holds_every_upcoming_occasion() {
    let scratch = Scratch::new();
    let mut library = create(&scratch.path("c"), "Circle");
    member(&mut library, "Ada, RN", "2020-01-05", "12-28", true);
    let soon = celebrations::upcoming(library.conn(), &Viewer::anonymous(), day("2026-12-20"), 30).unwrap();
    let ics = celebrations::to_ics(&soon, "Circle", hearth::clock::Millis(0));
    assert!(ics.starts_with("BEGIN:VCALENDAR\r\n") && ics.ends_with("END:VCALENDAR\r\n"));
    assert_eq!(ics.matches("BEGIN:VEVENT").count(), 2, "a birthday and an anniversary");
    assert!(ics.contains("DTSTART;VALUE=DATE:20261228"));
    assert!(ics.contains("SUMMARY:Ada\\,'s birthday"), "commas are escaped:\n{ics}");
}
