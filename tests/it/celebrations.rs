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

/// "Today" is the laptop's local date, not the UTC one (`tests/cases/members-time-zones.csv`:
/// birthdays on 14 and 15 April). At 23:30 UTC on 14 April it is 11:30 on 15 April in Auckland
/// (NZST, +12:00) and 16:30 on 14 April in Los Angeles (PDT, −07:00): each laptop celebrates
/// its own today's birthday first.
#[test]
fn today_is_the_laptops_local_date_in_auckland_and_in_los_angeles() {
    use hearth::clock::{FixedClock, Millis};
    let case =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/cases/members-time-zones.csv")).unwrap();
    let instant = Millis(chrono::DateTime::parse_from_rfc3339("2026-04-14T23:30:00Z").unwrap().timestamp_millis());
    for (zone, hours, today, celebrated) in
        [("auckland", 12, "2026-04-15", "Aroha Ngata"), ("los-angeles", -7, "2026-04-14", "Carlos Ruiz")]
    {
        let scratch = Scratch::new();
        let clock = FixedClock::new(instant, 1_000).in_zone(chrono::FixedOffset::east_opt(hours * 3600).unwrap());
        let mut library = hearth::community::create_with(
            &scratch.path(zone),
            hearth::community::CommunityDraft::new("Circle", ""),
            std::sync::Arc::new(clock),
            hearth::ids::IdSource::seeded(3),
        )
        .unwrap();
        members::create_my_profile(&mut library, MemberDraft::named("Lea")).unwrap();
        for line in case.lines().skip(1) {
            let fields: Vec<&str> = line.split(',').collect();
            member(&mut library, fields[0], "2020-01-01", fields[1], true);
        }
        assert_eq!(library.today().to_string(), today, "{zone}'s date");
        let soon = celebrations::upcoming(library.conn(), &Viewer::anonymous(), library.today(), 0).unwrap();
        let birthdays: Vec<(String, String)> = soon
            .iter()
            .filter(|o| o.kind == OccasionKind::Birthday)
            .map(|o| (o.member.display_name.clone(), o.date.clone()))
            .collect();
        assert_eq!(birthdays, vec![(celebrated.to_owned(), today.to_owned())], "today's birthday in {zone}");
        // A member made today joins on the local date too.
        let lea = members::list(library.conn(), &Viewer::me(&library).unwrap()).unwrap();
        assert!(lea.iter().any(|m| m.display_name == "Lea" && m.joined_on == today), "joined on {today} in {zone}");
    }
}

/// The real clock reads the laptop's time zone (`TZ`, else /etc/localtime): the CLI at the same
/// instant lists Aroha's birthday in Auckland and Carlos's in Los Angeles.
#[test]
fn the_system_clock_counts_today_in_the_laptops_time_zone() {
    let scratch = Scratch::new();
    let mut library = create(&scratch.path("c"), "Circle");
    members::create_my_profile(&mut library, MemberDraft::named("Lea")).unwrap();
    member(&mut library, "Aroha Ngata", "2020-01-01", "04-15", true);
    member(&mut library, "Carlos Ruiz", "2020-01-01", "04-14", true);
    let root = library.root().to_str().unwrap().to_owned();
    drop(library);
    // 23:30 UTC on 14 April 2026, as each zone's wall clock shows it (faketime reads it in TZ).
    for (zone, wall, expected) in [
        ("Pacific/Auckland", "@2026-04-15 11:30:00", "Aroha Ngata"),
        ("America/Los_Angeles", "@2026-04-14 16:30:00", "Carlos Ruiz"),
    ] {
        let output = std::process::Command::new("faketime")
            .args([
                "-f",
                wall,
                env!("CARGO_BIN_EXE_hearth"),
                "celebrations",
                "upcoming",
                &root,
                "--days",
                "0",
                "--json",
            ])
            .env("TZ", zone)
            .output()
            .expect("faketime is installed by `make test` (scripts/deps.sh)");
        let listed = String::from_utf8_lossy(&output.stdout);
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
        assert!(listed.contains(expected), "{zone}: {listed}");
        let other = if expected == "Aroha Ngata" { "Carlos Ruiz" } else { "Aroha Ngata" };
        assert!(!listed.contains(other), "{zone} lists only its own today: {listed}");
    }
}
