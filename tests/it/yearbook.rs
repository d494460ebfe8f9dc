//! The yearbook: what the people in it asked for holds in every byte of the book, the HTML and
//! the PDF's text alike; the same library and year give the same book; every image the page
//! names is in the folder, and every page of the PDF renders.

use std::path::Path;
use std::process::Command;
use std::sync::atomic::AtomicBool;

use hearth::artefacts::registry::{ArtefactDraft, Kind};
use hearth::memories::{hidden, tags};
use hearth::people::care::{self, CareAudience, CareNoteDraft};
use hearth::people::members::{self, MemberDraft};
use hearth::yearbook::export::{self, Written};
use hearth::yearbook::{book, featured, html};

use crate::support::{create, import_photos, Scratch, T0};

/// The PDF's creation date in these tests.
fn created(day: u32) -> chrono::DateTime<chrono::Utc> {
    chrono::NaiveDate::from_ymd_opt(2027, 1, day).unwrap().and_hms_opt(9, 30, 0).unwrap().and_utc()
}

/// Writes `gathered` with its PDF into `out`, from the library at `root`.
fn write_book(root: &Path, gathered: &book::Book, out: &Path, day: u32) -> Written {
    std::fs::create_dir_all(out).unwrap();
    export::export(root, gathered, out, true, created(day), &AtomicBool::new(false), &|_| {}).unwrap().unwrap()
}

/// The PDF's text, as `pdftotext` (poppler) extracts it.
fn pdf_text(pdf: &Path) -> String {
    let output = Command::new("pdftotext").arg("-enc").arg("UTF-8").arg(pdf).arg("-").output().unwrap();
    assert!(output.status.success(), "pdftotext read the PDF: {}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout).unwrap()
}

/// How many pages the PDF has (`pdfinfo`), and how many `pdftoppm` rendered as images.
fn pages_rendered(pdf: &Path, into: &Path) -> (usize, usize) {
    let info = Command::new("pdfinfo").arg(pdf).output().unwrap();
    let info = String::from_utf8_lossy(&info.stdout);
    let pages: usize = info.lines().find_map(|l| l.strip_prefix("Pages:")).unwrap().trim().parse().unwrap();
    std::fs::create_dir_all(into).unwrap();
    let status = Command::new("pdftoppm").args(["-r", "20", "-png"]).arg(pdf).arg(into.join("page")).status().unwrap();
    assert!(status.success(), "pdftoppm rendered the PDF");
    let rendered =
        std::fs::read_dir(into).unwrap().filter(|e| e.as_ref().unwrap().metadata().unwrap().len() > 0).count();
    (pages, rendered)
}

/// How many images the PDF embeds (`pdfimages -list`: two header lines, then one per image).
fn pdf_images(pdf: &Path) -> usize {
    let output = Command::new("pdfimages").arg("-list").arg(pdf).output().unwrap();
    String::from_utf8_lossy(&output.stdout).lines().skip(2).filter(|l| !l.trim().is_empty()).count()
}

#[test]
fn a_member_not_featured_a_hidden_photo_a_pending_tag_and_a_care_note_appear_nowhere() {
    let scratch = Scratch::new();
    let mut lea = create(&scratch.path("c"), "Circle");
    members::create_my_profile(&mut lea, MemberDraft::named("Lea")).unwrap();
    let lea_id = lea.me().unwrap().unwrap();
    let joined = |name: &str| MemberDraft { joined_on: Some("2026-02-01".into()), ..MemberDraft::named(name) };
    let ana = members::create_member(&mut lea, joined("Anastasia")).unwrap().id;
    let mut private = joined("Benedikt");
    private.profile.contact = "benedikt.private@example.org".into();
    private.profile.visibility.insert("contact".into(), hearth::viewer::Visibility::Leads);
    let ben = members::create_member(&mut lea, private).unwrap().id;
    // A memorial evening Benedikt was at; he will hide its day.
    let memorial = hearth::memories::moments::create(
        &mut lea,
        hearth::memories::moments::MomentDraft {
            title: "Memorial evening".into(),
            kind: hearth::memories::moments::MomentKind::Other,
            starts_at: "2026-05-10T19:00".into(),
            ends_at: String::new(),
            place: "The chapel".into(),
            description: String::new(),
            story: "We remembered Marta together.".into(),
            learned: String::new(),
            attendees: vec![ben.clone()],
        },
    )
    .unwrap();
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
    // Benedikt hides the day of the memorial.
    members::choose_me(&lea, &ben).unwrap();
    assert_eq!(hidden::hide(&mut lea, "2026-05-10").unwrap(), ["2026-05-10"]);
    assert!(hidden::hide(&mut lea, "10 May").is_err(), "a day is given as YYYY-MM-DD");
    members::choose_me(&lea, &lea_id).unwrap();
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
    let written = write_book(lea.root(), &gathered, &out, 1);
    let page = std::fs::read_to_string(written.folder.join("index.html")).unwrap();
    let pdf = written.pdf.clone().expect("the PDF was asked for");
    assert_eq!(pdf.parent(), Some(written.folder.as_path()), "the PDF is in the book's folder");
    let text = pdf_text(&pdf);
    assert!(page.contains("Spring walk") && text.contains("Spring walk"), "the moment is in the book: {text}");
    assert!(page.contains(&photos[3].1), "the untagged photo is in the book");
    // Without a caption, a photo's text alternative says where it is from, so a screen reader
    // tells one from the next.
    let img = page.split("<img ").find(|tag| tag.contains(photos[3].1.as_str())).expect("the photo's img");
    assert!(img.contains("alt=\"A photo from Spring walk, "), "named by its moment and day: {img}");
    assert_eq!(pdf_images(&pdf), 1, "the PDF holds the one photo that may be shown (d.jpg)");
    for (why, hash) in
        [("Anastasia asked not to be featured", &photos[0].1), ("hidden", &photos[1].1), ("tag pending", &photos[2].1)]
    {
        assert!(!page.contains(hash.as_str()), "a photo appears although {why}");
        assert!(
            !written.folder.join("images").join(format!("{hash}.jpg")).exists(),
            "its file is copied although {why}"
        );
    }
    for (book, words) in [("HTML", &page), ("PDF", &text)] {
        assert!(!words.contains("Anastasia"), "{book}: her name is nowhere, not even among the newcomers welcomed");
        assert!(words.contains("Benedikt"), "{book}: a newcomer who may be featured is welcomed by name");
        assert!(!words.contains("Sciatica") && !words.contains("cannot stand"), "{book}: no care note");
        assert!(!words.contains("Memorial") && !words.contains("Marta"), "{book}: the day Benedikt hid is not in it");
        assert!(!words.contains("benedikt.private"), "{book}: no profile field kept to the leads");
    }
    // Every image the page names is in the folder, and nothing points outside it.
    for src in page.split("src=\"").skip(1).map(|s| s.split('"').next().unwrap()) {
        assert!(!src.contains("://") && !src.starts_with('/'), "{src} is not relative");
        assert!(written.folder.join(src).is_file(), "{src} is missing");
    }
    assert!(!page.contains("<script"), "readable with JavaScript off");
    let (pages, rendered) = pages_rendered(&pdf, &scratch.path("pages"));
    assert!(pages >= 3, "a cover, the chapters and the year: {pages} pages");
    assert_eq!(rendered, pages, "every page of the PDF renders");

    // The same library and year give the same HTML; the PDF differs only in its date.
    let again = write_book(lea.root(), &book::gather(&lea, 2026).unwrap(), &scratch.path("again"), 1);
    assert_eq!(std::fs::read(again.folder.join("index.html")).unwrap(), page.as_bytes());
    assert_eq!(std::fs::read(again.pdf.unwrap()).unwrap(), std::fs::read(&pdf).unwrap(), "same date, same bytes");
    let later = write_book(lea.root(), &gathered, &scratch.path("later"), 2);
    let (first, second) = (std::fs::read(&pdf).unwrap(), std::fs::read(later.pdf.unwrap()).unwrap());
    assert_eq!(first.len(), second.len(), "another day changes the date's digits only");
    // Its dates, and the instance ID the writer derives from the dated document, are all that
    // differ: with those put back, the bytes are the same.
    let instance = |pdf: &[u8]| {
        let text = String::from_utf8_lossy(pdf).into_owned();
        text.split("<xmpMM:InstanceID>").nth(1).unwrap().split('<').next().unwrap().to_owned()
    };
    let mut normalised = second.clone();
    for (from, to) in [
        ("20270102".to_owned(), "20270101".to_owned()),
        ("2027-01-02".to_owned(), "2027-01-01".to_owned()),
        (instance(&second), instance(&first)),
    ] {
        assert_eq!(from.len(), to.len());
        let mut at = 0;
        while let Some(found) = normalised[at..].windows(from.len()).position(|w| w == from.as_bytes()) {
            normalised[at + found..at + found + from.len()].copy_from_slice(to.as_bytes());
            at += found + from.len();
        }
    }
    assert_ne!(first, second, "the date is the day it was written");
    assert!(normalised == first, "nothing but the date and its instance ID differ");
    let second = export::export(lea.root(), &gathered, &out, false, created(1), &AtomicBool::new(false), &|_| {})
        .unwrap()
        .unwrap();
    assert_eq!(second.folder, out.join("Circle 2026 (2)"), "an existing book is never written over");
    assert_eq!(std::fs::read(&pdf).unwrap(), first, "the first book is as it was");
    let names: Vec<String> =
        std::fs::read_dir(&out).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    assert!(names.iter().all(|n| !n.starts_with('.')), "no partial folder is left: {names:?}");
    // Cancelled: nothing is left behind.
    let cancelled =
        export::export(lea.root(), &gathered, &out, true, created(1), &AtomicBool::new(true), &|_| {}).unwrap();
    assert!(cancelled.is_none());
    assert_eq!(std::fs::read_dir(&out).unwrap().count(), 2, "the cancelled book left nothing");

    // On this day, a year on, shows the memorial to no one; Benedikt's own day is quiet.
    let may_10 = chrono::NaiveDate::from_ymd_opt(2027, 5, 10).unwrap();
    assert!(hearth::memories::moments::on_this_day(lea.conn(), may_10).unwrap().moments.is_empty());
    members::choose_me(&lea, &ben).unwrap();
    assert!(hidden::is_my_quiet_day(&lea, may_10).unwrap(), "his anniversary of the day");
    members::choose_me(&lea, &lea_id).unwrap();
    assert!(!hidden::is_my_quiet_day(&lea, may_10).unwrap(), "not Lea's");
    // Nor does History show it, nor may it be exported.
    let history = hearth::memories::moments::history(lea.conn()).unwrap();
    assert!(history.iter().flat_map(|y| &y.moments).all(|m| m.title != "Memorial evening"), "History leaves it out");
    let refused = hearth::memories::export::export(
        &lea,
        &hearth::memories::export::ExportSource::Moment(memorial.id.clone()),
        &scratch.path("exports"),
    );
    assert!(refused.is_err(), "a moment of a hidden day is not exported");

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

/// The newcomers' guide: rituals with when, why and customs, songs with their lyrics, the stories
/// the leads chose (only stories every member may read), and who offered to welcome (not someone
/// who asked not to be featured); the same folder and PDF as the yearbook.
#[test]
fn the_newcomers_guide_has_rituals_songs_chosen_stories_and_welcomers() {
    use hearth::convene::rituals;
    use hearth::yearbook::primer;
    let scratch = Scratch::new();
    let mut lea = create(&scratch.path("c"), "Circle");
    members::create_my_profile(&mut lea, MemberDraft::named("Lea")).unwrap();
    let lea_id = lea.me().unwrap().unwrap();
    let ana = members::create_member(&mut lea, MemberDraft::named("Anastasia")).unwrap().id;
    let ben = members::create_member(&mut lea, MemberDraft::named("Benedikt")).unwrap().id;
    let dinner = rituals::RitualDraft {
        name: "Second-Friday dinner".into(),
        why: "We eat together and each says one thing we learned.".into(),
        origin: String::new(),
        origin_moment: None,
        customs: vec!["Bring a dish to share".into()],
        place: "The boathouse".into(),
        zone: "Europe/Paris".into(),
        cadence: hearth::clock::cadence::Cadence::MonthlyOnWeekday {
            week: hearth::clock::cadence::WeekOfMonth::Second,
            weekday: 5,
        },
        starts: "2026-01-01".into(),
        at: "19:00".into(),
        minutes: 180,
    };
    rituals::create(&mut lea, dinner).unwrap();
    let mut song = ArtefactDraft::new(Kind::Song, "The boathouse round");
    song.lyrics = "Row, row together\nall the way home\n\nSing it once more".into();
    hearth::artefacts::registry::create(&mut lea, song).unwrap();
    let shared = hearth::people::stories::write_story(&mut lea, story("My first night shift", "community")).unwrap();
    let kept = hearth::people::stories::write_story(&mut lea, story("A leads' matter", "leads")).unwrap();
    assert!(
        primer::choose_stories(&mut lea, std::slice::from_ref(&kept.id)).is_err(),
        "a story kept to the leads is refused"
    );
    let six: Vec<String> = (0..6).map(|i| format!("story-{i}")).collect();
    assert!(primer::choose_stories(&mut lea, &six).is_err(), "at most five");
    primer::choose_stories(&mut lea, std::slice::from_ref(&shared.id)).unwrap();
    // Anastasia and Benedikt offer to welcome; Anastasia then asks not to be featured.
    for id in [&ana, &ben] {
        members::choose_me(&lea, id).unwrap();
        primer::offer_to_welcome(&mut lea, true).unwrap();
        assert!(primer::choose_stories(&mut lea, &[]).is_err(), "only a lead chooses the stories");
    }
    members::choose_me(&lea, &ana).unwrap();
    featured::set(&mut lea, false).unwrap();
    members::choose_me(&lea, &lea_id).unwrap();

    let guide = primer::gather(&lea).unwrap();
    let out = scratch.path("guide");
    let written = write_book(lea.root(), &guide, &out, 1);
    assert_eq!(written.folder, out.join("Circle welcome guide"));
    let page = std::fs::read_to_string(written.folder.join("index.html")).unwrap();
    let text = pdf_text(written.pdf.as_ref().unwrap());
    for (book, words) in [("HTML", &page), ("PDF", &text)] {
        for expected in [
            "Second-Friday dinner",
            "The second Friday of each month at 19:00",
            "each says one thing we learned",
            "Bring a dish to share",
            "The boathouse round",
            "all the way home",
            "My first night shift",
            "Benedikt",
        ] {
            assert!(words.contains(expected), "{book} lacks {expected:?}:\n{words}");
        }
        assert!(!words.contains("A leads' matter"), "{book}: a story kept to the leads");
        assert!(!words.contains("Anastasia"), "{book}: she asked not to be featured");
    }
    let (pages, rendered) = pages_rendered(written.pdf.as_ref().unwrap(), &scratch.path("guide-pages"));
    assert_eq!(rendered, pages, "every page of the guide renders");
}

fn story(title: &str, visibility: &str) -> hearth::people::stories::StoryDraft {
    hearth::people::stories::StoryDraft {
        title: title.into(),
        body: "It was a long night, and someone made me tea.".into(),
        prompt_id: None,
        kind: hearth::people::stories::StoryKind::Personal,
        visibility: serde_json::from_value(serde_json::json!(visibility)).unwrap(),
        audience: vec![],
        photos: vec![],
    }
}

/// An artefact dated by its year alone ("2026") is made that year, as one dated "2026-05" is.
#[test]
fn an_artefact_dated_by_its_year_is_in_that_years_book() {
    let scratch = Scratch::new();
    let mut lea = create(&scratch.path("c"), "Circle");
    members::create_my_profile(&mut lea, MemberDraft::named("Lea")).unwrap();
    for (name, date) in [("Ollie the otter", "2026"), ("The round", "2026-05"), ("Old banner", "2025")] {
        let mut draft = ArtefactDraft::new(Kind::Mascot, name);
        draft.original_date = date.into();
        hearth::artefacts::registry::create(&mut lea, draft).unwrap();
    }
    let names: Vec<String> = book::gather(&lea, 2026).unwrap().artefacts.into_iter().map(|a| a.name).collect();
    assert_eq!(names, ["Ollie the otter", "The round"], "ordered by date; last year's banner is not in it");
}

/// A member's own copy: their pages (with a photo they are in) and the signatures they approved;
/// a signature not approved, and everything personal, stay out of the community's book; only
/// the member's laptop makes their copy.
#[test]
fn a_personal_copy_adds_own_pages_and_approved_signatures_only() {
    use hearth::yearbook::personal::{self, PageDraft};
    let scratch = Scratch::new();
    let mut lea = create(&scratch.path("c"), "Circle");
    members::create_my_profile(&mut lea, MemberDraft::named("Lea")).unwrap();
    let lea_id = lea.me().unwrap().unwrap();
    let ana = members::create_member(&mut lea, MemberDraft::named("Anastasia")).unwrap().id;
    let ben = members::create_member(&mut lea, MemberDraft::named("Benedikt")).unwrap().id;
    let (mut lea, _) = import_photos(lea, &scratch.path("photos"), &[("a.jpg", 64, 48, 1)], None);
    lea.conn().execute("UPDATE media SET sort_at = ?1", [T0.0]).unwrap();
    let (photo, hash): (String, String) =
        lea.conn().query_row("SELECT id, hash FROM media", [], |r| Ok((r.get(0)?, r.get(1)?))).unwrap();
    members::choose_me(&lea, &ana).unwrap();
    tags::tag(&mut lea, &photo, &ana).unwrap();
    let choices = personal::photos_to_choose(&lea, 2026).unwrap();
    assert_eq!(choices.iter().map(|c| c.id.as_str()).collect::<Vec<_>>(), [photo.as_str()], "the photo she is in");
    let page = PageDraft {
        position: 1,
        title: "My first year".into(),
        body: "I arrived shy and left with friends.".into(),
        photos: vec![photo.clone()],
    };
    personal::write_page(&mut lea, 2026, page.clone()).unwrap();
    assert!(personal::write_page(&mut lea, 2026, PageDraft { position: 5, ..page.clone() }).is_err(), "four pages");
    assert!(personal::sign(&mut lea, 2026, &ana, "Me!").is_err(), "nobody signs their own book");
    members::choose_me(&lea, &ben).unwrap();
    personal::sign(&mut lea, 2026, &ana, "So glad you joined us, Ana.").unwrap();
    assert!(
        personal::approve(&mut lea, &hearth::ids::derived(&["yearbook_signatures", &ben, &ana, "2026"]), true).is_err(),
        "only the member signed approves"
    );
    members::choose_me(&lea, &lea_id).unwrap();
    personal::sign(&mut lea, 2026, &ana, "Waiting for her yes.").unwrap();
    members::choose_me(&lea, &ana).unwrap();
    let (to_me, _) = personal::signatures(&lea, 2026).unwrap();
    assert_eq!(to_me.len(), 2);
    let from_ben = to_me.iter().find(|s| s.from == "Benedikt").unwrap();
    personal::approve(&mut lea, &from_ben.id, true).unwrap();

    let gathered = book::gather(&lea, 2026).unwrap();
    let copy = personal::personal_copy(&lea, gathered.clone(), &ana).unwrap();
    let written = write_book(lea.root(), &copy, &scratch.path("copy"), 1);
    assert_eq!(written.folder.file_name().unwrap(), "Circle 2026 for Anastasia");
    let page_html = std::fs::read_to_string(written.folder.join("index.html")).unwrap();
    let text = pdf_text(written.pdf.as_ref().unwrap());
    for (book, words) in [("HTML", &page_html), ("PDF", &text)] {
        for expected in ["Anastasia's pages", "My first year", "left with friends", "So glad you joined us", "Benedikt"]
        {
            assert!(words.contains(expected), "{book} lacks {expected:?}:\n{words}");
        }
        assert!(!words.contains("Waiting for her yes"), "{book}: a signature she did not approve");
    }
    assert!(page_html.contains(&hash), "her page's photo is in her copy");
    assert!(written.folder.join("images").join(format!("{hash}.jpg")).is_file());

    // New words from Benedikt wait for her yes again, and are not printed until then.
    members::choose_me(&lea, &ben).unwrap();
    personal::sign(&mut lea, 2026, &ana, "Changed my mind about you.").unwrap();
    members::choose_me(&lea, &ana).unwrap();
    let again = personal::personal_copy(&lea, gathered.clone(), &ana).unwrap();
    assert!(again.signatures.is_empty(), "changed words are not covered by the old approval: {:?}", again.signatures);

    let community = html::render(&gathered);
    assert!(
        !community.contains("My first year") && !community.contains("So glad"),
        "the community's book has none of it"
    );
    members::choose_me(&lea, &lea_id).unwrap();
    assert!(personal::personal_copy(&lea, gathered, &ana).is_err(), "only her laptop makes her copy");
}

/// A farewell is in the book of the year it was written, with its writer's name, only because
/// they wrote it; emptied, it is gone; and not for someone who asked not to be featured.
#[test]
fn a_farewell_is_printed_only_as_its_writer_wrote_it() {
    use hearth::yearbook::farewell;
    let scratch = Scratch::new();
    let mut lea = create(&scratch.path("c"), "Circle");
    members::create_my_profile(&mut lea, MemberDraft::named("Lea")).unwrap();
    let ana = members::create_member(&mut lea, MemberDraft::named("Anastasia")).unwrap().id;
    let ben = members::create_member(&mut lea, MemberDraft::named("Benedikt")).unwrap().id;
    let year: i32 = lea.today().format("%Y").to_string().parse().unwrap();
    members::choose_me(&lea, &ana).unwrap();
    farewell::write(&mut lea, "Thank you all; I am moving north.").unwrap();
    members::choose_me(&lea, &ben).unwrap();
    farewell::write(&mut lea, "Goodbye, and keep the Fridays.").unwrap();
    featured::set(&mut lea, false).unwrap();
    let page = html::render(&book::gather(&lea, year).unwrap());
    assert!(page.contains("Farewells") && page.contains("moving north") && page.contains("Anastasia"), "{page}");
    assert!(!page.contains("keep the Fridays"), "Benedikt asked not to be featured");
    assert!(!html::render(&book::gather(&lea, year - 1).unwrap()).contains("moving north"), "only its year");
    members::choose_me(&lea, &ana).unwrap();
    farewell::write(&mut lea, "").unwrap();
    assert!(!html::render(&book::gather(&lea, year).unwrap()).contains("moving north"), "taken back");
}

/// Home greets with the latest moment's photos that may be shown: a hidden photo and a photo of
/// someone who asked not to be featured are left out, and a newer moment with nothing to show
/// is passed over.
#[test]
fn home_greets_with_the_latest_moment_photos_that_may_be_shown() {
    use hearth::memories::moments::{self, MomentDraft, MomentKind};
    let scratch = Scratch::new();
    let mut lea = create(&scratch.path("c"), "Circle");
    members::create_my_profile(&mut lea, MemberDraft::named("Lea")).unwrap();
    let lea_id = lea.me().unwrap().unwrap();
    let ana = members::create_member(&mut lea, MemberDraft::named("Anastasia")).unwrap().id;
    let walk = moments::create(&mut lea, MomentDraft::titled("Spring walk", MomentKind::Outing, "2026-03-01")).unwrap();
    let (mut lea, _) = import_photos(
        lea,
        &scratch.path("walk"),
        &[("a.jpg", 64, 48, 1), ("b.jpg", 64, 48, 2), ("c.jpg", 64, 48, 3)],
        Some(&walk.id),
    );
    let later =
        moments::create(&mut lea, MomentDraft::titled("Quiet dinner", MomentKind::Dinner, "2026-04-01")).unwrap();
    let ids: Vec<String> = lea
        .conn()
        .prepare("SELECT id FROM media ORDER BY file_name")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    // a.jpg shows Anastasia, who asks not to be featured; b.jpg is hidden by a lead.
    members::choose_me(&lea, &ana).unwrap();
    tags::tag(&mut lea, &ids[0], &ana).unwrap();
    featured::set(&mut lea, false).unwrap();
    members::choose_me(&lea, &lea_id).unwrap();
    // (as a lead's answer to a request to hide it leaves it)
    lea.conn().execute("UPDATE media SET hidden = 1 WHERE id = ?1", [&ids[1]]).unwrap();
    let latest = moments::latest_with_photos(lea.conn(), 8).unwrap().expect("a moment with photos");
    assert_eq!(latest.moment.id, walk.id, "the newer dinner has no photo to show: {}", later.title);
    let shown: Vec<&str> = latest.photos.iter().map(|p| p.id.as_str()).collect();
    assert_eq!(shown, [ids[2].as_str()], "only c.jpg may greet everyone");
}
