//! The gallery: import (metadata, duplicates, bad input, crash recovery), paging, moments and
//! people in photos with their consent.

use hearth::memories::tags;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use std::sync::Mutex;

use hearth::dev::sample::{self, SampleExif};
use hearth::memories::import::{self, ImportOptions, Summary};
use hearth::memories::media::{self, MediaQuery, TagStatus};
use hearth::memories::moments::{self, MomentKind};
use hearth::memories::tags::PhotoConsent;
use hearth::people::members;
use hearth::viewer::Viewer;
use hearth::{Error, Library};

use crate::support::{circle, Scratch};

fn exif(taken: &str, orientation: u16) -> SampleExif {
    SampleExif {
        taken_at: Some(taken.into()),
        offset: Some("+02:00".into()),
        orientation: Some(orientation),
        gps: Some((48.8584, -2.2945)),
        camera: Some(("Fujifilm".into(), "X100V".into())),
    }
}

fn run(library: Library, paths: &[PathBuf]) -> (Library, Summary) {
    let shared = Mutex::new(library);
    let summary = import::run(&shared, paths, &ImportOptions::default(), &AtomicBool::new(false), &mut |_| {}).unwrap();
    (shared.into_inner().unwrap(), summary)
}

/// `who` chooses their consent on this device, then the lead is back at the keyboard.
fn consent_of(library: &mut Library, who: &str, consent: PhotoConsent, lead: &str) {
    members::choose_me(library, who).unwrap();
    tags::set_photo_consent(library, consent).unwrap();
    members::choose_me(library, lead).unwrap();
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    std::fs::create_dir_all(dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

#[test]
fn an_import_reads_exif_makes_upright_previews_and_skips_duplicates() {
    let scratch = Scratch::new();
    let c = circle(&scratch);
    let photos = scratch.path("photos");
    write(&photos, "upright.jpg", &sample::jpeg(400, 300, 1, &exif("2025:06:01 20:00:00", 1)));
    write(&photos, "turned.jpg", &sample::jpeg(400, 300, 2, &exif("2025:06:01 20:05:00", 6)));
    write(&photos, "copy of upright.jpg", &sample::jpeg(400, 300, 1, &exif("2025:06:01 20:00:00", 1)));
    write(&photos, "drawing.png", &sample::png(64, 48, 3));
    let (library, summary) = run(c.library, std::slice::from_ref(&photos));
    assert_eq!(summary.imported.len(), 3, "{summary:?}");
    assert_eq!(summary.duplicates.len(), 1, "the byte-identical copy is skipped");
    assert!(summary.duplicates[0].reason.contains("the same file as"), "{:?}", summary.duplicates);

    let records = media::records(library.conn()).unwrap();
    let turned = records.iter().find(|r| r.file_name == "turned.jpg").unwrap();
    assert_eq!((turned.width, turned.height, turned.orientation), (300, 400, 6), "orientation 6 is shown portrait");
    assert_eq!(turned.taken_at.as_deref(), Some("2025-06-01T20:05:00+02:00"));
    let (latitude, longitude) = turned.gps.unwrap();
    assert!((latitude - 48.8584).abs() < 1e-4 && (longitude + 2.2945).abs() < 1e-4, "west is negative: {longitude}");
    assert_eq!(turned.camera, "Fujifilm X100V");

    let root = library.root().to_path_buf();
    let thumb = image::open(hearth::store::blobs::thumb(&root, &turned.hash).unwrap()).unwrap();
    assert_eq!((thumb.width(), thumb.height()), (192, 256), "the thumbnail is upright, 256 px long");
    let original = std::fs::read(hearth::store::blobs::original(&root, &turned.hash, "jpg").unwrap()).unwrap();
    assert_eq!(blake3::hash(&original).to_hex().as_str(), turned.hash, "the original is kept byte for byte");

    let (library, again) = run(library, &[photos]);
    assert_eq!((again.imported.len(), again.duplicates.len()), (0, 4), "a second run imports nothing twice");
    assert!(again.duplicates.iter().all(|d| d.reason == "already in the library" || d.reason.contains("same file")));
    assert_eq!(media::records(library.conn()).unwrap().len(), 3);
}

#[test]
fn bad_files_are_reported_one_by_one_and_the_import_goes_on() {
    let scratch = Scratch::new();
    let c = circle(&scratch);
    let dir = scratch.path("mixed");
    let good = sample::jpeg(200, 150, 7, &exif("2025:01:02 10:00:00", 3));
    write(&dir, "good.jpg", &good);
    write(&dir, "truncated.jpg", &good[..good.len() / 3]);
    write(&dir, "empty.jpg", b"");
    write(&dir, "notes.txt", b"hello");
    write(&dir, "phone.heic", b"\0\0\0\x18ftypheic\0\0\0\0mif1heic");
    // A small PNG whose header announces 30000 x 30000 pixels.
    let mut bomb = sample::png(2, 2, 1);
    bomb[16..20].copy_from_slice(&30_000u32.to_be_bytes());
    bomb[20..24].copy_from_slice(&30_000u32.to_be_bytes());
    let crc = crc32(&bomb[12..29]);
    bomb[29..33].copy_from_slice(&crc.to_be_bytes());
    write(&dir, "bomb.png", &bomb);
    // A CMYK JPEG, as print shops send them (libjpeg-turbo will not make RGB of it).
    let cmyk = image::DynamicImage::ImageRgb8(image::RgbImage::from_pixel(40, 30, image::Rgb([200, 30, 30])));
    let cmyk_path = dir.join("cmyk.jpg");
    let status = std::process::Command::new("/usr/bin/convert")
        .arg("-size")
        .arg("40x30")
        .arg("xc:red")
        .arg("-colorspace")
        .arg("CMYK")
        .arg(&cmyk_path)
        .status();
    let have_cmyk = status.is_ok_and(|s| s.success());
    drop(cmyk);
    // A file name that is not UTF-8.
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        let name = std::ffi::OsStr::from_bytes(b"caf\xe9.jpg");
        std::fs::write(dir.join(name), sample::jpeg(120, 90, 8, &SampleExif::default())).unwrap();
    }
    let (library, summary) = run(c.library, &[dir, scratch.path("vanished.jpg")]);
    let reason = |file: &str| {
        summary
            .failed
            .iter()
            .find(|f| f.file == file)
            .map(|f| f.reason.clone())
            .unwrap_or_else(|| panic!("{file} not reported: {summary:?}"))
    };
    assert!(reason("truncated.jpg").contains("damaged"), "{}", reason("truncated.jpg"));
    assert!(reason("empty.jpg").contains("empty"));
    assert!(reason("notes.txt").contains("not a photo or video"));
    assert!(reason("phone.heic").contains("HEIC"));
    assert!(reason("bomb.png").contains("30000"), "{}", reason("bomb.png"));
    assert!(reason("vanished.jpg").contains("could not be read"));
    let imported = 2 + usize::from(have_cmyk);
    assert_eq!(summary.imported.len(), imported, "good.jpg, the non-UTF-8 name and the CMYK JPEG import: {summary:?}");
    let names: Vec<String> = media::records(library.conn()).unwrap().into_iter().map(|r| r.file_name).collect();
    assert!(names.contains(&"caf\u{fffd}.jpg".to_owned()), "a non-UTF-8 name is kept readable: {names:?}");
}

#[test]
fn a_crash_between_files_and_row_leaves_nothing_behind_and_the_next_run_resumes() {
    let scratch = Scratch::new();
    let c = circle(&scratch);
    let root = c.library.root().to_path_buf();
    let dir = scratch.path("photos");
    let bytes = sample::jpeg(160, 120, 9, &exif("2025:03:03 18:00:00", 1));
    write(&dir, "a.jpg", &bytes);
    // Simulate a crash after step 2: the hash was claimed and files written, no row yet.
    let hash = blake3::hash(&bytes).to_hex().to_string();
    c.library.conn().execute("INSERT INTO import_pending (hash, started_at) VALUES (?1, 0)", [&hash]).unwrap();
    write(&root.join("blobs"), &format!("{hash}.jpg"), &bytes);
    write(&root.join("thumbs"), &format!("{hash}-256.jpg"), b"half a thumb");
    write(&root.join("previews"), "0123.partial", b"half a preview");

    let recovered = import::recover(&c.library).unwrap();
    assert_eq!(recovered, 1);
    assert!(
        !hearth::store::blobs::original(&root, &hash, "jpg").unwrap().exists(),
        "an unreferenced original is removed"
    );
    assert!(!hearth::store::blobs::thumb(&root, &hash).unwrap().exists());
    assert!(!root.join("previews/0123.partial").exists(), "temporary files are removed");

    let (library, summary) = run(c.library, &[dir]);
    assert_eq!(summary.imported.len(), 1, "the interrupted file imports on the next run");
    let thumb = image::open(hearth::store::blobs::thumb(&root, &hash).unwrap()).unwrap();
    assert_eq!(thumb.width(), 160, "the thumbnail is whole again (small photos are not enlarged)");
    let pending: i64 = library.conn().query_row("SELECT count(*) FROM import_pending", [], |r| r.get(0)).unwrap();
    assert_eq!(pending, 0);
}

#[test]
fn a_cancelled_import_commits_nothing_more() {
    let scratch = Scratch::new();
    let c = circle(&scratch);
    let dir = scratch.path("photos");
    for i in 0..6 {
        write(&dir, &format!("{i}.jpg"), &sample::jpeg(100, 80, 20 + i, &SampleExif::default()));
    }
    let shared = Mutex::new(c.library);
    let cancel = AtomicBool::new(false);
    let mut seen = 0;
    let summary =
        import::run(&shared, &[dir], &ImportOptions { workers: 1, ..Default::default() }, &cancel, &mut |p| {
            seen += 1;
            if p.imported == 2 {
                cancel.store(true, std::sync::atomic::Ordering::Relaxed);
            }
        })
        .unwrap();
    assert!(summary.cancelled);
    assert_eq!(summary.imported.len(), 2, "nothing is committed after the cancel");
    let library = shared.into_inner().unwrap();
    assert_eq!(media::records(library.conn()).unwrap().len(), 2);
    let root = library.root().to_path_buf();
    let originals = std::fs::read_dir(root.join("blobs")).unwrap().count();
    assert_eq!(originals, 2, "no file without a row");
    assert!(seen >= 3);
}

#[test]
fn pages_are_newest_first_by_keyset_and_by_moment_and_member() {
    let scratch = Scratch::new();
    let mut c = circle(&scratch);
    let dir = scratch.path("photos");
    for i in 0..7u64 {
        write(
            &dir,
            &format!("{i}.jpg"),
            &sample::jpeg(80, 60, 40 + i, &exif(&format!("2025:05:0{} 12:00:00", i + 1), 1)),
        );
    }
    let moment =
        moments::create(&mut c.library, moments::MomentDraft::titled("Picnic", MomentKind::Outing, "2025-05-01"))
            .unwrap();
    let (mut library, _) = run(c.library, &[dir]);
    let viewer = Viewer::me(&library).unwrap();
    let first = media::page(library.conn(), &viewer, &MediaQuery { limit: 3, ..Default::default() }).unwrap();
    let dates: Vec<&str> = first.items.iter().map(|i| &i.taken_at[..10]).collect();
    assert_eq!(dates, ["2025-05-07", "2025-05-06", "2025-05-05"]);
    let second =
        media::page(library.conn(), &viewer, &MediaQuery { limit: 3, after: first.next.clone(), ..Default::default() })
            .unwrap();
    assert_eq!(second.items[0].taken_at[..10], *"2025-05-04", "the next page starts after the cursor");

    let early: Vec<String> = second.items.iter().map(|i| i.id.clone()).collect();
    hearth::memories::moments::add_media(&mut library, &early, &moment.id).unwrap();
    consent_of(&mut library, &c.ada, PhotoConsent::Allow, &c.lead);
    tags::tag(&mut library, &early[1], &c.ada).unwrap();
    let by_both = media::page(
        library.conn(),
        &viewer,
        &MediaQuery {
            member_id: Some(c.ada.clone()),
            moment_id: Some(moment.id.clone()),
            limit: 10,
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(by_both.items.len(), 1, "moment copied into the tag keeps the member + moment page right");
    assert_eq!(moments::get(library.conn(), &moment.id).unwrap().media_count, 3);
    let suggestions = moments::suggest(library.conn()).unwrap();
    assert_eq!(suggestions.len(), 4, "four days, one day apart, are four suggested moments: {suggestions:?}");
}

#[test]
fn consent_decides_how_a_tag_lands_and_hidden_photos_leave_every_view() {
    let scratch = Scratch::new();
    let c = circle(&scratch);
    let dir = scratch.path("photos");
    write(&dir, "a.jpg", &sample::jpeg(80, 60, 60, &exif("2025:02:02 19:00:00", 1)));
    let (mut library, summary) = run(c.library, &[dir]);
    let photo = summary.imported[0].clone();
    consent_of(&mut library, &c.ada, PhotoConsent::Allow, &c.lead);
    consent_of(&mut library, &c.cy, PhotoConsent::Never, &c.lead);
    // Bo keeps the default: ask first.

    let tagged = tags::tag(&mut library, &photo, &c.ada).unwrap();
    assert_eq!(tagged.tags[0].status, TagStatus::Tagged, "Ada allows tags");
    let Err(Error::Forbidden { reason, .. }) = tags::tag(&mut library, &photo, &c.cy) else { panic!("Cy said never") };
    assert!(reason.contains("Cy"));
    tags::tag(&mut library, &photo, &c.bo).unwrap();

    // Bo sees the request and says yes; Ada's view shows Bo only once he has.
    members::choose_me(&library, &c.ada).unwrap();
    let seen_by_ada = media::get(library.conn(), &Viewer::me(&library).unwrap(), &photo).unwrap();
    assert!(!seen_by_ada.tags.iter().any(|t| t.member.id == c.bo), "a pending tag is not shown to others");
    members::choose_me(&library, &c.bo).unwrap();
    assert_eq!(tags::my_tag_requests(&library).unwrap().len(), 1);
    tags::answer_tag(&mut library, &photo, true).unwrap();
    let bo_photos = media::page(
        library.conn(),
        &Viewer::me(&library).unwrap(),
        &MediaQuery { member_id: Some(c.bo.clone()), limit: 10, ..Default::default() },
    )
    .unwrap();
    assert_eq!(bo_photos.items.len(), 1, "Bo's profile shows the photo he approved");

    // Bo asks for it to be hidden; only a lead may act on that.
    tags::request_hide(&mut library, &photo, "I had my eyes closed").unwrap();
    assert!(matches!(tags::hide_requests(&library), Err(Error::Forbidden { .. })), "members do not see requests");
    members::choose_me(&library, &c.lead).unwrap();
    let requests = tags::hide_requests(&library).unwrap();
    assert_eq!(requests[0].reason, "I had my eyes closed");
    tags::resolve_hide_request(&mut library, &requests[0].id, true).unwrap();

    members::choose_me(&library, &c.ada).unwrap();
    let ada = Viewer::me(&library).unwrap();
    assert!(matches!(media::get(library.conn(), &ada, &photo), Err(Error::NotFound { .. })), "hidden for members");
    assert!(media::page(library.conn(), &ada, &MediaQuery { limit: 10, ..Default::default() })
        .unwrap()
        .items
        .is_empty());
    let hash = media::records(library.conn()).unwrap()[0].hash.clone();
    assert!(!media::may_serve(library.conn(), &ada, &hash).unwrap(), "the protocol refuses its files to members");
    let lead = Viewer::member(library.conn(), &c.lead).unwrap();
    assert!(media::may_serve(library.conn(), &lead, &hash).unwrap(), "leads can still review it");

    // Choosing "never" takes Ada out of every photo.
    tags::set_photo_consent(&mut library, PhotoConsent::Never).unwrap();
    let tags: i64 = library
        .conn()
        .query_row("SELECT count(*) FROM media_tags WHERE member_id = ?1 AND deleted = 0", [&c.ada], |r| r.get(0))
        .unwrap();
    assert_eq!(tags, 0);
}

/// PNG's CRC-32, so the bomb's header is valid and only its size is absurd.
fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &byte in bytes {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
        }
    }
    !crc
}

#[test]
fn on_this_day_brings_back_moments_from_past_years_only() {
    let scratch = Scratch::new();
    let mut c = circle(&scratch);
    let create = |library: &mut Library, title: &str, day: &str| {
        moments::create(library, moments::MomentDraft::titled(title, MomentKind::Dinner, day)).unwrap()
    };
    create(&mut c.library, "Two years ago", "2024-03-01T19:00");
    create(&mut c.library, "This year", "2026-03-01T19:00");
    create(&mut c.library, "Another day", "2025-03-02");
    let today = chrono::NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
    let day = moments::on_this_day(c.library.conn(), today).unwrap();
    let found: Vec<(String, u32)> = day.moments.iter().map(|m| (m.item.title.clone(), m.years)).collect();
    assert_eq!(found, [("Two years ago".to_owned(), 2)], "same day, earlier years: {found:?}");
}

#[test]
fn an_album_exports_as_originals_and_a_page_that_needs_nothing_else() {
    use hearth::{memories::albums, memories::export};
    let scratch = Scratch::new();
    let mut c = circle(&scratch);
    let dir = scratch.path("photos");
    for i in 0..3u64 {
        write(
            &dir,
            &format!("dinner {i}.jpg"),
            &sample::jpeg(120, 90, 70 + i, &exif(&format!("2025:04:0{} 19:00:00", i + 1), 1)),
        );
    }
    let album = albums::create(&mut c.library, "Best of spring", "Our favourites").unwrap();
    let (mut library, summary) = run(c.library, &[dir]);
    // Workers finish in any order: find each photo by name.
    let id_of = |library: &Library, name: &str| {
        media::records(library.conn()).unwrap().into_iter().find(|r| r.file_name == name).unwrap().id
    };
    let (first, last) = (id_of(&library, "dinner 0.jpg"), id_of(&library, "dinner 2.jpg"));
    media::set_caption(&mut library, &first, "Soup <and> stories").unwrap();
    let album = albums::add(&mut library, &album.id, &summary.imported).unwrap();
    assert_eq!(album.media_count, 3);
    albums::remove(&mut library, &album.id, &last).unwrap();
    let in_album = media::page(
        library.conn(),
        &Viewer::me(&library).unwrap(),
        &MediaQuery { album_id: Some(album.id.clone()), limit: 10, ..Default::default() },
    )
    .unwrap();
    assert_eq!(in_album.items.len(), 2, "a removed photo leaves the album, not the gallery");

    let out = scratch.path("exports");
    let done = export::export(&library, &export::ExportSource::Album(album.id.clone()), &out).unwrap();
    assert_eq!(done.files, 2);
    let folder = PathBuf::from(&done.folder);
    assert_eq!(folder.file_name().unwrap(), "Best of spring");
    let mut names: Vec<String> =
        std::fs::read_dir(&folder).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    assert_eq!(names, ["001-dinner 0.jpg", "002-dinner 1.jpg", "index.html"], "originals in capture order");
    let original = std::fs::read(folder.join("001-dinner 0.jpg")).unwrap();
    let record = media::records(library.conn()).unwrap().into_iter().find(|r| r.file_name == "dinner 0.jpg").unwrap();
    assert_eq!(blake3::hash(&original).to_hex().as_str(), record.hash, "originals are exported byte for byte");
    let html = std::fs::read_to_string(folder.join("index.html")).unwrap();
    assert!(html.contains("Soup &lt;and&gt; stories"), "captions are escaped");
    assert!(html.contains("data:image/jpeg;base64,"), "thumbnails are embedded");
    assert!(html.contains("href=\"001-dinner 0.jpg\""), "each links to its original");
    assert!(!html.contains("hearth://"), "nothing points back into the app");

    let again = export::export(&library, &export::ExportSource::Album(album.id), &out).unwrap();
    assert!(again.folder.ends_with("Best of spring (2)"), "a second export does not overwrite the first");
}

#[test]
fn all_eight_orientations_import_upright() {
    let scratch = Scratch::new();
    let c = circle(&scratch);
    let dir = scratch.path("turned");
    for orientation in 1..=8u16 {
        let taken = format!("2025:07:0{orientation} 12:00:00");
        write(
            &dir,
            &format!("o{orientation}.jpg"),
            &sample::jpeg(400, 200, 90 + u64::from(orientation), &exif(&taken, orientation)),
        );
    }
    let (library, summary) = run(c.library, &[dir]);
    assert_eq!(summary.imported.len(), 8, "{summary:?}");
    let root = library.root().to_path_buf();
    for record in media::records(library.conn()).unwrap() {
        let turned = record.orientation >= 5;
        let expected = if turned { (200, 400) } else { (400, 200) };
        assert_eq!((record.width, record.height), expected, "{} is shown as the camera saw it", record.file_name);
        let thumb = image::open(hearth::store::blobs::thumb(&root, &record.hash).unwrap()).unwrap();
        let thumb_size = if turned { (128, 256) } else { (256, 128) };
        assert_eq!((thumb.width(), thumb.height()), thumb_size, "{}'s thumbnail is upright", record.file_name);
        let preview = image::open(hearth::store::blobs::preview(&root, &record.hash).unwrap()).unwrap();
        assert_eq!((preview.width(), preview.height()), expected, "a preview never enlarges a small photo");
    }
}

/// What the `hearth://` protocol serves follows who may see it: a photo deleted after it was
/// hidden is served to no one (it once was, to everyone), a portrait follows its field's
/// visibility, a story's photo its story's audience.
#[test]
fn files_are_served_as_their_rows_may_be_seen() {
    use hearth::people::members::ProfileFields;
    use hearth::people::stories::{self, StoryDraft, StoryKind, StoryVisibility};
    use hearth::viewer::Visibility;
    let scratch = Scratch::new();
    let c = circle(&scratch);
    let dir = scratch.path("photos");
    write(&dir, "a.jpg", &sample::jpeg(80, 60, 61, &exif("2025:02:02 19:00:00", 1)));
    let (mut library, summary) = run(c.library, &[dir]);
    let photo = summary.imported[0].clone();
    let hash = media::records(library.conn()).unwrap()[0].hash.clone();
    let as_member = |library: &Library, id: &str| Viewer::member(library.conn(), id).unwrap();
    members::choose_me(&library, &c.ada).unwrap();
    tags::request_hide(&mut library, &photo, "eyes closed").unwrap();
    members::choose_me(&library, &c.lead).unwrap();
    let request = tags::hide_requests(&library).unwrap()[0].id.clone();
    tags::resolve_hide_request(&mut library, &request, true).unwrap();
    assert!(media::may_serve(library.conn(), &as_member(&library, &c.lead), &hash).unwrap(), "a lead reviews it");
    media::delete(&mut library, &photo).unwrap();
    for who in [&c.lead, &c.ada] {
        assert!(
            !media::may_serve(library.conn(), &as_member(&library, who), &hash).unwrap(),
            "deleted: served to no one"
        );
    }

    // Ada's portrait, only for her; a story's photo, only for the leads.
    members::choose_me(&library, &c.ada).unwrap();
    let portrait = members::set_my_portrait(&mut library, &sample::jpeg(64, 64, 62, &SampleExif::default()))
        .unwrap()
        .portrait
        .unwrap();
    let profile =
        ProfileFields { visibility: [("portrait".to_string(), Visibility::OnlyMe)].into(), ..Default::default() };
    members::update_profile(&mut library, &c.ada, "Ada", &profile).unwrap();
    assert!(media::may_serve(library.conn(), &as_member(&library, &c.ada), &portrait).unwrap(), "her own");
    assert!(!media::may_serve(library.conn(), &as_member(&library, &c.bo), &portrait).unwrap(), "not Bo's to see");
    let story_photo =
        hearth::ingest::images::store_photo(library.root(), &sample::jpeg(90, 60, 63, &SampleExif::default())).unwrap();
    assert!(
        media::may_serve(library.conn(), &as_member(&library, &c.bo), &story_photo).unwrap(),
        "a photo no row names yet is its picker's (the story being written)"
    );
    let draft = StoryDraft {
        title: "Night shift".into(),
        body: "For the leads.".into(),
        prompt_id: None,
        kind: StoryKind::Personal,
        visibility: StoryVisibility::Leads,
        audience: vec![],
        photos: vec![story_photo.clone()],
    };
    stories::write_story(&mut library, draft).unwrap();
    assert!(media::may_serve(library.conn(), &as_member(&library, &c.lead), &story_photo).unwrap(), "the leads see it");
    assert!(!media::may_serve(library.conn(), &as_member(&library, &c.bo), &story_photo).unwrap(), "Bo does not");
    let story =
        stories::list_stories(library.conn(), &as_member(&library, &c.ada), &Default::default()).unwrap()[0].id.clone();
    stories::delete_story(&mut library, &story).unwrap();
    assert!(
        !media::may_serve(library.conn(), &as_member(&library, &c.lead), &story_photo).unwrap(),
        "a photo only a deleted story named is no one's to see"
    );
}

/// Small files whose headers claim a huge picture ("decompression bombs") are refused from the
/// header, before any pixel is decoded, by the import and by the photo picker alike; the
/// import goes on with the rest.
#[test]
fn small_files_that_claim_huge_pictures_are_refused_unread() {
    let scratch = Scratch::new();
    let c = circle(&scratch);
    // A real 16 × 16 JPEG whose frame header is rewritten to say 24000 × 6000 (144 megapixels).
    let mut jpeg = sample::jpeg(16, 16, 71, &SampleExif::default());
    let sof = jpeg.windows(2).position(|w| w == [0xFF, 0xC0] || w == [0xFF, 0xC2]).expect("a frame header");
    jpeg[sof + 5..sof + 7].copy_from_slice(&6000u16.to_be_bytes());
    jpeg[sof + 7..sof + 9].copy_from_slice(&24000u16.to_be_bytes());
    // A real 4 × 4 PNG whose header says 20000 × 7000, its checksum made right again.
    let mut png = Vec::new();
    image::DynamicImage::new_rgb8(4, 4).write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png).unwrap();
    png[16..20].copy_from_slice(&20000u32.to_be_bytes());
    png[20..24].copy_from_slice(&7000u32.to_be_bytes());
    let crc = crc32(&png[12..29]);
    png[29..33].copy_from_slice(&crc.to_be_bytes());
    let dir = scratch.path("bombs");
    write(&dir, "tiny-but-huge.jpg", &jpeg);
    write(&dir, "tiny-but-huge.png", &png);
    write(&dir, "real.jpg", &sample::jpeg(120, 80, 72, &exif("2025:03:03 10:00:00", 1)));
    let (library, summary) = run(c.library, &[dir]);
    assert_eq!(summary.imported.len(), 1, "the real photo is imported: {:?}", summary.failed);
    assert_eq!(summary.failed.len(), 2, "{:?}", summary.failed);
    for failed in &summary.failed {
        assert!(failed.reason.contains("cannot be this small"), "{}: {}", failed.file, failed.reason);
    }
    let Err(Error::Invalid { reason, .. }) = hearth::ingest::images::store_photo(library.root(), &png) else {
        panic!("the photo picker read a bomb")
    };
    assert!(reason.contains("cannot be this small"), "{reason}");
}

/// GPS 0, 0 (what a camera writes without a fix) is no position: the outing in
/// `tests/cases/null-island/` stays one suggested moment of three photos.
#[test]
fn a_zeroed_gps_position_is_no_position_and_does_not_split_an_outing() {
    let scratch = Scratch::new();
    let c = circle(&scratch);
    let cases = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cases/null-island");
    let (library, summary) = run(c.library, &[cases]);
    assert_eq!(summary.imported.len(), 3, "{:?}", summary.failed);
    let records = media::records(library.conn()).unwrap();
    let zeroed = records.iter().find(|r| r.file_name == "gps-zeroed.jpg").expect("imported");
    let (lat, lon): (Option<f64>, Option<f64>) = library
        .conn()
        .query_row("SELECT latitude, longitude FROM media WHERE id = ?1", [&zeroed.id], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap();
    assert_eq!((lat, lon), (None, None), "0, 0 means no fix");
    let real = records.iter().find(|r| r.file_name == "gps-real.jpg").expect("imported");
    let lat: Option<f64> =
        library.conn().query_row("SELECT latitude FROM media WHERE id = ?1", [&real.id], |r| r.get(0)).unwrap();
    assert!(lat.is_some(), "a real position stays");
    let suggested = moments::suggest(library.conn()).unwrap();
    assert_eq!(suggested.len(), 1, "one outing, one suggestion: {suggested:?}");
    assert_eq!(suggested[0].count, 3);
}

/// A phone's "motion photo" (a JPEG still with its short clip appended) is a photo: the JPEG is
/// judged by its own image stream, not by the file's tail, and is kept whole as the original.
/// Trailing data of any kind never fails a good photo; a photo cut short still fails.
#[test]
fn a_motion_photo_is_a_photo_and_trailing_data_never_fails_one() {
    let scratch = Scratch::new();
    let c = circle(&scratch);
    let motion =
        std::fs::read(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cases/motion-photo.MP.jpg"))
            .unwrap();
    let still = sample::jpeg(200, 150, 81, &exif("2025:04:04 12:00:00", 1));
    // A maker trailer whose bytes happen to hold a start-of-scan marker and no end.
    let trailer = [&still[..], &[0xFF, 0xDA, 0x00, 0x08, 1, 2, 3, 4, 5, 6, 0x42, 0x42][..]].concat();
    let cut = &still[..still.len() * 2 / 3];
    let dir = scratch.path("phone");
    write(&dir, "PXL_20250404.MP.jpg", &motion);
    write(&dir, "trailer.jpg", &trailer);
    write(&dir, "cut.jpg", cut);
    let (library, summary) = run(c.library, &[dir]);
    assert_eq!(summary.imported.len(), 2, "the motion photo and the one with a trailer: {:?}", summary.failed);
    assert_eq!(summary.failed.len(), 1, "the cut one: {:?}", summary.failed);
    assert!(summary.failed[0].file.contains("cut.jpg") && summary.failed[0].reason.contains("incomplete"));
    let motion_row = media::records(library.conn())
        .unwrap()
        .into_iter()
        .find(|r| r.file_name == "PXL_20250404.MP.jpg")
        .expect("imported");
    assert_eq!((motion_row.width, motion_row.height), (640, 480), "the still's size");
    assert_eq!(motion_row.hash, blake3::hash(&motion).to_hex().as_str(), "the original is kept whole, clip and all");
}

/// A scan with no DateTimeOriginal is dated by when it was digitised (CreateDate), not by its
/// last edit (ModifyDate): `tests/cases/scan-no-original-date.jpg` was scanned in 2004 and
/// retouched in 2015.
#[test]
fn a_scan_is_dated_by_when_it_was_digitised_not_by_its_last_edit() {
    let scratch = Scratch::new();
    let c = circle(&scratch);
    let dir = scratch.path("scans");
    let scan =
        std::fs::read(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cases/scan-no-original-date.jpg"))
            .unwrap();
    write(&dir, "scan.jpg", &scan);
    let (library, summary) = run(c.library, &[dir]);
    assert_eq!(summary.imported.len(), 1, "{:?}", summary.failed);
    let record = &media::records(library.conn()).unwrap()[0];
    assert_eq!(record.taken_at.as_deref().map(|t| &t[..19]), Some("2004-07-09T10:00:17"), "{record:?}");
}

#[test]
fn month_sections_count_each_utc_month_newest_first_with_their_bounds() {
    let scratch = Scratch::new();
    let c = circle(&scratch);
    let dir = scratch.path("photos");
    // Local times at +02:00, so in UTC: 31 January 21:59, 1 February 00:30, the last second of
    // February and the first millisecond of March.
    let taken = [
        "2024:12:20 12:00:00",
        "2025:01:10 12:00:00",
        "2025:01:31 23:59:00",
        "2025:02:01 02:30:00",
        "2025:03:01 01:59:59",
        "2025:03:01 02:00:00",
    ];
    for (i, at) in taken.iter().enumerate() {
        write(&dir, &format!("{i}.jpg"), &sample::jpeg(80, 60, 90 + i as u64, &exif(at, 1)));
    }
    let (library, _) = run(c.library, &[dir]);
    let sections = media::months(library.conn(), &MediaQuery::default()).unwrap();
    let counts: Vec<(&str, u32)> = sections.iter().map(|s| (s.month.as_str(), s.count)).collect();
    assert_eq!(
        counts,
        [("2025-03", 1), ("2025-02", 2), ("2025-01", 2), ("2024-12", 1)],
        "one section a month, newest first"
    );
    let february = &sections[1];
    let utc = |text: &str| chrono::DateTime::parse_from_rfc3339(text).unwrap().timestamp_millis();
    assert_eq!(february.from.0, utc("2025-02-01T00:00:00Z"), "a month starts at its first millisecond");
    assert_eq!(february.until.0, utc("2025-03-01T00:00:00Z") - 1, "and ends at its last");
    for section in &sections {
        let page = media::page(
            library.conn(),
            &Viewer::me(&library).unwrap(),
            &MediaQuery { from: Some(section.from), until: Some(section.until), limit: 100, ..Default::default() },
        )
        .unwrap();
        assert_eq!(
            page.items.len() as u32,
            section.count,
            "the grid loads exactly the counted media of {}",
            section.month
        );
    }
    let none = media::months(library.conn(), &MediaQuery { highlights: true, ..Default::default() }).unwrap();
    assert!(none.is_empty(), "no highlight, no section");
}
