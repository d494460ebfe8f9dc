//! The yearbook: what the people in it asked for holds in every byte of the book; the same
//! library and year give the same book; every image the page names is in the folder.

use hearth::memories::tags;
use hearth::people::care::{self, CareAudience, CareNoteDraft};
use hearth::people::members::{self, MemberDraft};
use hearth::yearbook::{book, featured, html};

use crate::support::{create, import_photos, Scratch, T0};

#[test]
fn a_member_not_featured_a_hidden_photo_a_pending_tag_and_a_care_note_appear_nowhere() {
    let scratch = Scratch::new();
    let mut lea = create(&scratch.path("c"), "Circle");
    members::create_my_profile(&mut lea, MemberDraft::named("Lea")).unwrap();
    let lea_id = lea.me().unwrap().unwrap();
    let joined = |name: &str| MemberDraft { joined_on: Some("2026-02-01".into()), ..MemberDraft::named(name) };
    let ana = members::create_member(&mut lea, joined("Anastasia")).unwrap().id;
    let ben = members::create_member(&mut lea, joined("Benedikt")).unwrap().id;
    let moment = hearth::memories::moments::create(
        &mut lea,
        hearth::memories::moments::MomentDraft {
            title: "Spring walk".into(),
            kind: hearth::memories::moments::MomentKind::Outing,
            starts_at: "2026-03-01T10:00".into(),
            ends_at: String::new(),
            place: "The river path".into(),
            description: String::new(),
            story: "We walked and talked about the winter.".into(),
            learned: String::new(),
            attendees: vec![],
        },
    )
    .unwrap();
    let (mut lea, _) = import_photos(
        lea,
        &scratch.path("photos"),
        &[("a.jpg", 64, 48, 1), ("b.jpg", 64, 48, 2), ("c.jpg", 64, 48, 3), ("d.jpg", 64, 48, 4)],
        Some(&moment.id),
    );
    // The photos are of the year 2026 (the sample files carry an older date).
    lea.conn().execute("UPDATE media SET sort_at = ?1", [T0.0]).unwrap();
    let photos: Vec<(String, String)> = lea
        .conn()
        .prepare("SELECT id, hash FROM media ORDER BY file_name")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    // a.jpg: Anastasia tags herself, then asks not to be featured.
    members::choose_me(&lea, &ana).unwrap();
    tags::tag(&mut lea, &photos[0].0, &ana).unwrap();
    featured::set(&mut lea, false).unwrap();
    // b.jpg: hidden at a member's request.
    members::choose_me(&lea, &ben).unwrap();
    tags::request_hide(&mut lea, &photos[1].0, "not me at my best").unwrap();
    members::choose_me(&lea, &lea_id).unwrap();
    let request = tags::hide_requests(&lea).unwrap().remove(0);
    tags::resolve_hide_request(&mut lea, &request.id, true).unwrap();
    // c.jpg: Benedikt tagged by Lea, his answer still pending.
    tags::tag(&mut lea, &photos[2].0, &ben).unwrap();
    // A care note, which no book reads.
    care::share_care_note(
        &mut lea,
        CareNoteDraft {
            member_id: Some(ben.clone()),
            consent: "He asked us to".into(),
            audience_kind: CareAudience::Leads,
            audience: vec![],
            title: "Sciatica flare".into(),
            body: "Benedikt cannot stand for long this month.".into(),
        },
    )
    .unwrap();

    let gathered = book::gather(&lea, 2026).unwrap();
    let out = scratch.path("books");
    std::fs::create_dir_all(&out).unwrap();
    let written = html::write(&lea, &gathered, &out, "Circle 2026").unwrap();
    let page = std::fs::read_to_string(written.folder.join("index.html")).unwrap();
    assert!(page.contains("Spring walk"), "the moment is in the book");
    assert!(page.contains(&photos[3].1), "the untagged photo is in the book");
    for (why, hash) in
        [("Anastasia asked not to be featured", &photos[0].1), ("hidden", &photos[1].1), ("tag pending", &photos[2].1)]
    {
        assert!(!page.contains(hash.as_str()), "a photo appears although {why}");
        assert!(
            !written.folder.join("images").join(format!("{hash}.jpg")).exists(),
            "its file is copied although {why}"
        );
    }
    assert!(!page.contains("Anastasia"), "her name is nowhere, not even among the newcomers welcomed");
    assert!(page.contains("Benedikt"), "a newcomer who may be featured is welcomed by name");
    assert!(!page.contains("Sciatica") && !page.contains("cannot stand"), "no care note");
    // Every image the page names is in the folder, and nothing points outside it.
    for src in page.split("src=\"").skip(1).map(|s| s.split('"').next().unwrap()) {
        assert!(!src.contains("://") && !src.starts_with('/'), "{src} is not relative");
        assert!(written.folder.join(src).is_file(), "{src} is missing");
    }
    assert!(!page.contains("<script"), "readable with JavaScript off");

    // The same library and year give the same bytes.
    let again = html::write(&lea, &book::gather(&lea, 2026).unwrap(), &out, "Again").unwrap();
    assert_eq!(std::fs::read(again.folder.join("index.html")).unwrap(), page.as_bytes());
    assert!(html::write(&lea, &gathered, &out, "Circle 2026").is_err(), "an existing book is never overwritten");

    // The moment's export leaves out her photo too (the hidden one is out of every listing).
    let exported = hearth::memories::export::export(
        &lea,
        &hearth::memories::export::ExportSource::Moment(moment.id.clone()),
        &scratch.path("exports"),
    )
    .unwrap();
    let files: Vec<String> = std::fs::read_dir(&exported.folder)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(exported.files, 2, "c.jpg and d.jpg only: {files:?}");
    assert!(files.iter().all(|f| !f.ends_with("a.jpg")), "{files:?}");
    // On this day, a year on: no highlight showing her.
    lea.conn().execute("UPDATE media SET highlight = 1, taken_at = '2025-03-01T10:00:00'", []).unwrap();
    let day = hearth::memories::moments::on_this_day(lea.conn(), chrono::NaiveDate::from_ymd_opt(2026, 3, 1).unwrap())
        .unwrap();
    let shown: Vec<&str> = day.highlights.iter().map(|h| h.item.hash.as_str()).collect();
    assert!(shown.contains(&photos[3].1.as_str()), "the day's other highlights are there: {shown:?}");
    assert!(!shown.contains(&photos[0].1.as_str()), "her photo is not among On this day's highlights");
}

/// Coverage for the editing lead: consenting members below the goal are listed with how often
/// they appear; a member who asked not to be featured is not counted at all.
#[test]
fn coverage_lists_consenting_members_below_the_goal() {
    let scratch = Scratch::new();
    let mut lea = create(&scratch.path("c"), "Circle");
    let long_ago = |name: &str| MemberDraft { joined_on: Some("2020-01-01".into()), ..MemberDraft::named(name) };
    members::create_my_profile(&mut lea, long_ago("Lea")).unwrap();
    let joined = |name: &str| MemberDraft { joined_on: Some("2026-02-01".into()), ..MemberDraft::named(name) };
    members::create_member(&mut lea, joined("Ana")).unwrap();
    members::create_member(&mut lea, long_ago("Quentin")).unwrap();
    let out_of_it = members::create_member(&mut lea, joined("Olga")).unwrap().id;
    members::choose_me(&lea, &out_of_it).unwrap();
    featured::set(&mut lea, false).unwrap();
    let gathered = book::gather(&lea, 2026).unwrap();
    let coverage = hearth::yearbook::coverage::coverage(&lea, &gathered, 2).unwrap();
    let below: Vec<(&str, u32)> = coverage.below.iter().map(|(p, n)| (p.display_name.as_str(), *n)).collect();
    // Ana is named once, as a newcomer welcomed; Lea and Quentin not at all; Olga is not counted.
    assert_eq!(below, [("Lea", 0), ("Quentin", 0), ("Ana", 1)]);
}

/// A photo someone asked to hide stays out of the book while the request waits; On this day
/// names no one who asked not to be featured among a moment's people; the newcomers welcomed
/// are counted as they are named.
#[test]
fn a_hide_request_waiting_and_a_name_on_this_day_are_honoured() {
    let scratch = Scratch::new();
    let mut lea = create(&scratch.path("c"), "Circle");
    members::create_my_profile(
        &mut lea,
        MemberDraft { joined_on: Some("2020-01-01".into()), ..MemberDraft::named("Lea") },
    )
    .unwrap();
    let joined = |name: &str| MemberDraft { joined_on: Some("2026-02-01".into()), ..MemberDraft::named(name) };
    let ana = members::create_member(&mut lea, joined("Anastasia")).unwrap().id;
    members::create_member(&mut lea, joined("Benedikt")).unwrap();
    let moment = hearth::memories::moments::create(
        &mut lea,
        hearth::memories::moments::MomentDraft {
            title: "Spring walk".into(),
            kind: hearth::memories::moments::MomentKind::Outing,
            starts_at: "2026-03-01T10:00".into(),
            ends_at: String::new(),
            place: String::new(),
            description: String::new(),
            story: String::new(),
            learned: String::new(),
            attendees: vec![ana.clone()],
        },
    )
    .unwrap();
    let (mut lea, _) =
        import_photos(lea, &scratch.path("photos"), &[("a.jpg", 64, 48, 1), ("b.jpg", 64, 48, 2)], Some(&moment.id));
    lea.conn().execute("UPDATE media SET sort_at = ?1", [T0.0]).unwrap();
    let (waiting, hash): (String, String) = lea
        .conn()
        .query_row("SELECT id, hash FROM media ORDER BY file_name LIMIT 1", [], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap();
    tags::request_hide(&mut lea, &waiting, "please take it down").unwrap();
    members::choose_me(&lea, &ana).unwrap();
    featured::set(&mut lea, false).unwrap();

    let gathered = book::gather(&lea, 2026).unwrap();
    let page = html::render(&gathered);
    assert!(!page.contains(&hash), "a photo waiting on a request to hide it is not printed");
    assert_eq!(gathered.totals.photos, 1, "the other photo is");
    assert_eq!((gathered.totals.newcomers, gathered.newcomers.len()), (1, 1), "Benedikt, counted as named");
    let day = hearth::memories::moments::on_this_day(lea.conn(), chrono::NaiveDate::from_ymd_opt(2027, 3, 1).unwrap())
        .unwrap();
    let people: Vec<&str> =
        day.moments.iter().flat_map(|m| m.item.attendees.iter().map(|p| p.display_name.as_str())).collect();
    assert_eq!(day.moments.len(), 1, "the walk, a year on");
    assert!(!people.contains(&"Anastasia"), "{people:?}");
}
