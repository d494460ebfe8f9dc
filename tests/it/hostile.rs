//! A hostile member: edits their own `hearth.db` (as with `sqlite3`) and lets their next sync
//! sign and send the result, or drops files into the shared folder. Every attack the trust
//! issue reproduced is here, and a property test drives random writes through both the
//! window's path and merge and checks they agree.

use hearth::memories::tags;
use std::path::Path;

use rusqlite::types::Value;

use hearth::community::CommunityDraft;
use hearth::people::members::{self, MemberDraft};
use hearth::sync::storage::{Credentials, Target};
use hearth::sync::{self, SyncReport};
use hearth::viewer::Viewer;
use hearth::{
    initiatives, initiatives::decisions, memories::media, memories::moments, people::care, people::stories,
    sync::roster, Library,
};

use crate::support::{forge, forge_row, import_photos, Scratch};
use crate::sync::join;

/// Ada (the lead, on the founding laptop), Bo and Cy (members, each on a laptop of their own),
/// all synced through one folder.
struct Community {
    scratch: Scratch,
    folder: std::path::PathBuf,
    a: Library,
    b: Library,
    c: Library,
    ada: String,
    bo: String,
    cy: String,
}

fn community() -> Community {
    let scratch = Scratch::new();
    let folder = scratch.path("shared");
    let mut a = hearth::community::create(&scratch.path("a"), CommunityDraft::new("Circle", "")).unwrap();
    let ada = members::create_my_profile(&mut a, MemberDraft::named("Ada")).unwrap().id;
    sync::sync_folder(&mut a, &folder).unwrap();
    let (b, _) = join(&mut a, "Bo", &scratch.path("b"), &folder).unwrap();
    let (c, _) = join(&mut a, "Cy", &scratch.path("c"), &folder).unwrap();
    let (bo, cy) = (b.me().unwrap().unwrap(), c.me().unwrap().unwrap());
    let mut k = Community { scratch, folder, a, b, c, ada, bo, cy };
    k.round();
    k
}

impl Community {
    /// Everyone syncs twice, so everything reaches everyone.
    fn round(&mut self) {
        for _ in 0..2 {
            for library in [&mut self.a, &mut self.b, &mut self.c] {
                sync::sync_folder(library, &self.folder).unwrap();
            }
        }
    }

    /// Bo's laptop sends what it holds; Ada's merges it. Returns Ada's report.
    fn bo_to_ada(&mut self) -> SyncReport {
        sync::sync_folder(&mut self.b, &self.folder).unwrap();
        sync::sync_folder(&mut self.a, &self.folder).unwrap()
    }
}

fn text(value: &str) -> Value {
    Value::Text(value.to_owned())
}

fn cell(library: &Library, table: &str, row: &str, column: &str) -> Value {
    library
        .conn()
        .query_row(&format!("SELECT {column} FROM {table} WHERE id = ?1"), [row], |r| r.get(0))
        .unwrap_or(Value::Null)
}

fn refusals(report: &SyncReport) -> String {
    report.rejected.join("\n")
}

/// The first attack: a photo row whose format climbs out of `blobs/`, with the payload planted
/// in the folder under the matching name. Exporting it once wrote outside the library.
#[test]
fn a_crafted_format_is_refused_and_never_becomes_a_path() {
    let mut k = community();
    let b = std::mem::replace(&mut k.b, Library::create_for_join(&k.scratch.path("placeholder")).unwrap());
    let (b, _) = import_photos(b, &k.scratch.path("photos"), &[("walk.jpg", 64, 48, 1)], None);
    k.b = b;
    k.round();
    let photo = hearth::memories::media::records(k.b.conn()).unwrap()[0].clone();
    let payload = b"[Desktop Entry]\nExec=sh -c 'echo pwned'\n";
    let payload_hash = blake3::hash(payload).to_hex().to_string();
    let crafted = "jpg/../../../PWNED.desktop";
    forge(&k.b, "media", &photo.id, "format", text(crafted), None);
    forge(&k.b, "media", &photo.id, "hash", text(&payload_hash), None);
    let planted = k.folder.join(format!("blobs/{payload_hash}.jpg"));
    std::fs::create_dir_all(planted.parent().unwrap()).unwrap();
    std::fs::write(&planted, payload).unwrap();

    let report = k.bo_to_ada();
    let why = refusals(&report);
    assert!(why.contains("media.format, which holds one of"), "the crafted format is refused: {why}");
    assert!(why.contains("gives a photo an id that does not match"), "the swapped hash is refused: {why}");
    assert_eq!(cell(&k.a, "media", &photo.id, "format"), text("jpg"), "Ada's row keeps its format");

    // Even a row Ada's own database was edited to hold never becomes a path.
    k.a.conn().execute("UPDATE media SET format = ?1 WHERE id = ?2", [crafted, &photo.id]).unwrap();
    let moment = moments::create(
        &mut k.a,
        moments::MomentDraft::titled("Walk", moments::MomentKind::Outing, "2026-03-01T10:00"),
    )
    .unwrap();
    k.a.conn().execute("UPDATE media SET moment_id = ?1 WHERE id = ?2", [&moment.id, &photo.id]).unwrap();
    let out = k.scratch.path("out");
    std::fs::create_dir_all(&out).unwrap();
    let exported =
        hearth::memories::export::export(&k.a, &hearth::memories::export::ExportSource::Moment(moment.id), &out);
    assert!(matches!(exported, Err(hearth::Error::Invalid { .. })), "refused with a clear error: {exported:?}");
    let escaped: Vec<_> = walk(k.scratch.dir.path()).into_iter().filter(|p| p.ends_with("PWNED.desktop")).collect();
    assert!(escaped.is_empty(), "nothing was written outside a library: {escaped:?}");
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            found.extend(walk(&path));
        } else {
            found.push(path);
        }
    }
    found
}

/// The second attack: 25 crafted ops from a plain member, none of which the lead's laptop
/// refused. Each is now refused with its reason, and Bo's honest edit in the same segment merges.
#[test]
fn a_member_cannot_write_through_merge_what_the_window_refuses() {
    let mut k = community();
    let a = std::mem::replace(&mut k.a, Library::create_for_join(&k.scratch.path("placeholder")).unwrap());
    let (a, _) = import_photos(a, &k.scratch.path("photos"), &[("dinner.jpg", 64, 48, 2)], None);
    k.a = a;
    let photo = hearth::memories::media::records(k.a.conn()).unwrap()[0].id.clone();
    let story = stories::write_story(
        &mut k.a,
        stories::StoryDraft {
            title: "How I came to nursing".into(),
            body: "My grandmother.".into(),
            prompt_id: None,
            kind: stories::StoryKind::Personal,
            visibility: stories::StoryVisibility::Community,
            audience: vec![],
            photos: vec![],
        },
    )
    .unwrap()
    .id;
    let closes = hearth::clock::Millis(k.a.now().0 + 86_400_000);
    let question = decisions::propose(&mut k.a, "", "Meet on Tuesdays?", closes).unwrap().id;
    decisions::take_stance(&mut k.a, &question, decisions::StanceKind::Agree, "").unwrap();
    let idea = initiatives::propose(
        &mut k.a,
        initiatives::InitiativeDraft { title: "Garden".into(), difference: "Green".into(), ..Default::default() },
    )
    .unwrap()
    .id;
    let moment =
        moments::create(&mut k.a, moments::MomentDraft::titled("Dinner", moments::MomentKind::Dinner, "2026-03-01"))
            .unwrap()
            .id;
    tags::set_photo_consent(&mut k.c, tags::PhotoConsent::Ask).unwrap();
    k.round();
    // Bo asks for the photo to be hidden, and Ada, a lead, hides it.
    let hide = hearth::ids::derived(&["hide", &photo, &k.bo]);
    tags::request_hide(&mut k.b, &photo, "I look tired").unwrap();
    k.round();
    tags::resolve_hide_request(&mut k.a, &hide, true).unwrap();
    // Cy signs Ada's 2026 yearbook (sealed to the two of them).
    let ada_id = k.ada.clone();
    hearth::yearbook::personal::sign(&mut k.c, 2026, &ada_id, "Thank you for the dinners").unwrap();
    let signature = hearth::ids::derived(&["yearbook_signatures", &k.cy, &ada_id, "2026"]);
    k.round();

    let b = &k.b;
    let (ada, bo, cy) = (k.ada.clone(), k.bo.clone(), k.cy.clone());
    let stance = hearth::ids::derived(&["stance", &question, &ada]);
    let cy_tag = hearth::ids::derived(&["tag", &photo, &cy]);
    let note = "forged-care-note";
    let attacks: Vec<(&str, &str, &str, Value, &str)> = vec![
        ("media", &photo, "hidden", Value::Integer(0), "hides or shows a photo, which only leads may"),
        ("stories", &story, "author", text(&bo), "changes who wrote a story"),
        ("stances", &stance, "stance", text("block"), "changes someone else's stance"),
        ("decisions", &question, "closed", Value::Integer(1), "community question, which only leads may"),
        ("initiatives", &idea, "status", text("gathering"), "moves an initiative its author does not lead"),
        ("moments", &moment, "author", text(&bo), "changes who wrote a moment"),
        ("moments", &moment, "attendees", text("[1,2]"), "a list of at most 1,000 members"),
        ("moments", &moment, "deleted", Value::Integer(1), "deletes someone else's moment"),
        ("hide_requests", &hide, "status", text("kept"), "settles a request to hide a photo"),
        ("members", &ada, "bio", text("Bo was here"), "changes another member's profile"),
        ("members", &ada, "health_opt_out", Value::Integer(1), "sets another member's choice about community health"),
        ("members", &ada, "feature_me", Value::Integer(0), "sets whether another member is featured"),
        (
            "members",
            &ada,
            "hidden_dates",
            text("[\"2025-04-11\"]"),
            "sets the days another member asked not to be shown on",
        ),
        ("members", &bo, "hidden_dates", text("[\"11 April\"]"), "a list of at most 20 dates"),
        ("members", &ada, "welcomes_newcomers", Value::Integer(1), "offers another member as a welcomer"),
        (
            "yearbook_signatures",
            &signature,
            "approved",
            Value::Integer(1),
            "approves a signature written to someone else",
        ),
        ("yearbook_signatures", &signature, "message", text("Bo was here"), "changes someone else's signature"),
        ("members", &ada, "farewell", text("Bo says goodbye for Ada"), "writes another member's farewell"),
        ("members", &bo, "role", text("lead"), "changes a member's role"),
        ("members", &bo, "years_in_practice", text("lots"), "which holds integer"),
        // The year 21 to chrono, and "earlier" than any real date only as text: it would earn
        // Bo every badge for years with the community. The window writes only `YYYY-MM-DD`.
        ("members", &bo, "joined_on", text("21-01-01"), "members.joined_on, which holds a date (YYYY-MM-DD)"),
        ("members", &bo, "birthday", text("2-30"), "members.birthday, which holds a day and month (MM-DD)"),
        ("moments", &moment, "starts_at", text("1 March"), "moments.starts_at, which holds a date (YYYY-MM-DD)"),
    ];
    for (table, row, column, value, _) in &attacks {
        forge(b, table, row, column, value.clone(), None);
    }
    // Two more "block" stances under ids that are not Bo's one stance.
    for fake in ["stance-1", "stance-2"] {
        forge_row(
            b,
            "stances",
            fake,
            &[
                ("author", text(&bo)),
                ("created_at", Value::Integer(1)),
                ("decision_id", text(&question)),
                ("stance", text("block")),
            ],
        );
    }
    // A care note about Cy, visible to everyone, with a made-up consent.
    forge_row(
        b,
        "care_notes",
        note,
        &[
            ("author", text(&bo)),
            ("created_at", Value::Integer(1)),
            ("member_id", text(&cy)),
            ("consent", text("she said yes")),
            ("audience_kind", text("members")),
            ("audience", text(&format!("[\"{ada}\",\"{bo}\"]"))),
            ("title", text("Cy's divorce")),
        ],
    );
    // Cy asked to be asked first: a tag straight to "tagged".
    forge_row(
        b,
        "media_tags",
        &cy_tag,
        &[
            ("author", text(&bo)),
            ("created_at", Value::Integer(1)),
            ("media_id", text(&photo)),
            ("member_id", text(&cy)),
            ("status", text("tagged")),
        ],
    );
    forge(b, "members", &bo, "bio", text("I like walks"), None);

    let report = k.bo_to_ada();
    let why = refusals(&report);
    for (table, _, column, _, reason) in &attacks {
        assert!(why.contains(reason), "{table}.{column} is refused ({reason}): {why}");
    }
    assert!(why.contains("an id that does not match"), "made-up stance ids are refused: {why}");
    assert!(why.contains("care note about another member, which only leads may"), "{why}");
    assert!(why.contains("tags a member without their yes"), "{why}");
    let lead = Viewer::me(&k.a).unwrap();
    assert_eq!(cell(&k.a, "media", &photo, "hidden"), Value::Integer(1), "the photo the leads hid stays hidden");
    assert_eq!(cell(&k.a, "stories", &story, "author"), text(&ada), "Ada's story stays Ada's");
    assert_eq!(cell(&k.a, "stances", &stance, "stance"), text("agree"), "Ada's stance stands");
    let tally = decisions::get(k.a.conn(), &lead, &question, k.a.now()).unwrap();
    assert!(!tally.closed, "a member cannot close a community question");
    assert_eq!(cell(&k.a, "stances", "stance-1", "stance"), Value::Null, "no invented stance");
    assert_eq!(cell(&k.a, "care_notes", note, "title"), Value::Null, "no invented care note");
    assert_eq!(cell(&k.a, "media_tags", &cy_tag, "status"), Value::Null, "Cy is not tagged without her yes");
    assert_eq!(cell(&k.a, "initiatives", &idea, "status"), text("idea"));
    assert_eq!(cell(&k.a, "moments", &moment, "deleted"), Value::Integer(0));
    assert_eq!(cell(&k.a, "hide_requests", &hide, "status"), text("hidden"), "only a lead settles it");
    assert_eq!(cell(&k.a, "members", &bo, "role"), text("member"));
    assert_ne!(cell(&k.a, "members", &bo, "joined_on"), text("21-01-01"), "Bo did not join in the year 21");
    assert_eq!(cell(&k.a, "members", &bo, "bio"), text("I like walks"), "Bo's own edit in the same segment merges");
    let care = care::list_care_notes(k.a.conn(), &lead).unwrap();
    assert!(care.is_empty(), "nothing reached the care notes: {care:?}");
}

/// The third attack: one value of the wrong type stopped every laptop's sync, for good, and
/// no one could join any more.
#[test]
fn one_bad_value_never_stops_a_sync_and_newcomers_still_join() {
    let mut k = community();
    let (bo, ada) = (k.bo.clone(), k.ada.clone());
    forge(&k.b, "members", &bo, "years_in_practice", text("lots"), None);
    forge(&k.b, "members", &bo, "display_name", Value::Null, None);
    forge(&k.b, "members", &bo, "bio", Value::Blob(vec![0xde, 0xad]), None);
    forge(&k.b, "members", &bo, "id", text(&ada), None);
    forge(&k.b, "members", &bo, "years_in_practice", Value::Integer(12), None);

    let report = k.bo_to_ada();
    let why = refusals(&report);
    assert_eq!(report.merge.refused, 4, "the four bad values, not Bo's good one: {why}");
    assert!(why.contains("into members.years_in_practice, which holds integer"), "{why}");
    assert!(why.contains("puts nothing into members.display_name"), "{why}");
    assert!(why.contains("binary data into members.bio"), "{why}");
    assert!(why.contains("changes a row's id"), "{why}");
    assert_eq!(cell(&k.a, "members", &bo, "years_in_practice"), Value::Integer(12), "Bo's good edit merged");
    assert_eq!(cell(&k.a, "members", &ada, "display_name"), text("Ada"), "no row took another's id");
    // Every later sync works, and a newcomer joins.
    k.round();
    let (di, _) = join(&mut k.a, "Di", &k.scratch.path("d"), &k.folder).unwrap();
    assert_eq!(cell(&di, "members", &bo, "years_in_practice"), Value::Integer(12));
}

/// The fourth attack: after a lead removed a lost laptop, the same, already-used invitation let
/// a new laptop in as that member.
#[test]
fn an_invitation_admits_one_laptop_and_is_forgotten_once_used() {
    let mut k = community();
    let invitation = hearth::community::invite(&mut k.a, "Di", None).unwrap();
    sync::sync_folder(&mut k.a, &k.folder).unwrap();
    let target = Target::Folder(k.folder.clone());
    let (d1, _) = sync::join(&k.scratch.path("d1"), &invitation, Some(&target), &Credentials::default()).unwrap();
    let secret: Option<String> =
        d1.conn().query_row("SELECT value FROM local_settings WHERE key = 'invitation_secret'", [], |r| r.get(0)).ok();
    assert_eq!(secret, None, "the joined laptop forgets the invitation's secret once its endorsement is out");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = |path: &Path| std::fs::metadata(path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(d1.root()), 0o700, "a library folder is its user's alone");
        assert_eq!(mode(&d1.root().join("hearth.db")), 0o600);
    }
    sync::sync_folder(&mut k.a, &k.folder).unwrap();

    // Someone who kept a copy of the invitation lets a second laptop in with it.
    let (_, _) = sync::join(&k.scratch.path("d2"), &invitation, Some(&target), &Credentials::default()).unwrap();
    let report = sync::sync_folder(&mut k.a, &k.folder).unwrap();
    assert!(refusals(&report).contains("an invitation another laptop already used"), "{}", refusals(&report));

    // The lead removes Di's lost laptop; the invitation lets no new laptop in either.
    roster::remove_device(&mut k.a, d1.device()).unwrap();
    sync::sync_folder(&mut k.a, &k.folder).unwrap();
    let (d3, _) = sync::join(&k.scratch.path("d3"), &invitation, Some(&target), &Credentials::default()).unwrap();
    let report = sync::sync_folder(&mut k.a, &k.folder).unwrap();
    assert!(
        report.rejected.iter().any(|r| r.starts_with(d3.device()) && r.contains("already used")),
        "{}",
        refusals(&report)
    );
    let roster = roster::devices(&k.a).unwrap();
    assert!(roster.iter().all(|d| d.id != d3.device()), "the third laptop is not in the roster");
}

/// The fifth attack: a clock at its counter's limit made every later local write panic or wrap
/// backwards; one stamped 23 h 59 min ahead dragged an honest laptop's clock with it.
#[test]
fn clocks_at_their_limit_or_far_ahead_neither_freeze_nor_drag_a_laptop() {
    use hearth::store::write::Hlc;
    let mut k = community();
    let bo = k.bo.clone();
    let now = k.b.now().0;
    let raw = |hlc: String, column: &str, value: Value| {
        k.b.conn()
            .execute(
                "INSERT INTO ops (hlc, tbl, row_id, col, value, author) VALUES (?1, 'members', ?2, ?3, ?4, ?2)",
                rusqlite::params![hlc, bo, column, value],
            )
            .unwrap();
    };
    raw(format!("{now:012x}-{:x}-{}", u32::MAX, k.b.device()), "pronouns", text("they"));
    raw(format!("{now:012x}-{:06x}-{}", 0xff_ffff, k.b.device()), "location", text("Leeds"));
    raw(format!("{:012x}-000000-{}", now + 86_340_000, k.b.device()), "bio", text("from the future"));
    let report = k.bo_to_ada();
    assert_eq!(report.merge.quarantined, 1, "the far-ahead clock is set aside: {report:?}");
    assert!(refusals(&report).contains("a clock that is not one"), "the unreadable one refused: {report:?}");
    assert_eq!(cell(&k.a, "members", &bo, "location"), text("Leeds"), "a clock at the counter's limit is a clock");
    let ada_clock: String =
        k.a.conn().query_row("SELECT value FROM local_settings WHERE key = 'hlc'", [], |r| r.get(0)).unwrap();
    let ada_clock = Hlc::parse(&ada_clock).unwrap();
    assert!(
        ada_clock.millis <= k.a.now().0 + sync::FUTURE_LIMIT_MS,
        "Ada's clock is not dragged a day ahead: {ada_clock:?}"
    );
    // Ada's next edits are stamped as usual (no panic, no wrap) and merge at Cy's.
    hearth::community::update_community(&mut k.a, "Circle of care", "").unwrap();
    sync::sync_folder(&mut k.a, &k.folder).unwrap();
    sync::sync_folder(&mut k.c, &k.folder).unwrap();
    let held_back: i64 =
        k.c.conn()
            .query_row("SELECT count(*) FROM quarantined_ops WHERE hlc LIKE '%' || ?1", [k.a.device()], |r| r.get(0))
            .unwrap();
    assert_eq!(held_back, 0, "nothing of Ada's is set aside at Cy's");
    assert_eq!(hearth::community::community(k.c.conn()).unwrap().name, "Circle of care");
}

/// The eighth fault: what was set aside was never looked at again. An op stamped ahead merges
/// once the laptop's clock reaches it; a change to a row that arrives later merges then.
#[test]
fn set_aside_ops_merge_once_their_time_or_their_row_comes() {
    let mut k = community();
    let bo = k.bo.clone();
    let now = k.b.now().0;
    k.b.conn()
        .execute(
            "INSERT INTO ops (hlc, tbl, row_id, col, value, author) VALUES (?1, 'members', ?2, 'bio', 'an hour early', ?2)",
            rusqlite::params![format!("{:012x}-000000-{}", now + 3_600_000, k.b.device()), bo],
        )
        .unwrap();
    let report = k.bo_to_ada();
    assert_eq!(report.merge.quarantined, 1, "{report:?}");
    assert_ne!(cell(&k.a, "members", &bo, "bio"), text("an hour early"));
    // Two hours later on Ada's laptop, the next sync merges it.
    let root = k.a.root().to_path_buf();
    drop(std::mem::replace(&mut k.a, Library::create_for_join(&k.scratch.path("placeholder")).unwrap()));
    let later = std::sync::Arc::new(hearth::clock::FixedClock::new(hearth::clock::Millis(now + 7_200_000), 1_000));
    let mut a = Library::open_with(&root, later, hearth::ids::IdSource::random()).unwrap();
    sync::sync_folder(&mut a, &k.folder).unwrap();
    assert_eq!(cell(&a, "members", &bo, "bio"), text("an hour early"), "merged once its time came");

    // Cy makes a moment; Bo (whose laptop sorts first) adds its place. A newcomer reads Bo's
    // change before the moment exists, and merges it once Cy's segment has made it.
    let moment =
        moments::create(&mut k.c, moments::MomentDraft::titled("Picnic", moments::MomentKind::Outing, "2026-06-01"))
            .unwrap()
            .id;
    sync::sync_folder(&mut k.c, &k.folder).unwrap();
    sync::sync_folder(&mut k.b, &k.folder).unwrap();
    let mut draft = moments::MomentDraft::titled("Picnic", moments::MomentKind::Outing, "2026-06-01");
    draft.place = "By the river".into();
    moments::update(&mut k.b, &moment, draft).unwrap();
    sync::sync_folder(&mut k.b, &k.folder).unwrap();
    assert!(k.b.device() < k.c.device(), "Bo's segments are read before Cy's");
    let (di, report) = join(&mut a, "Di", &k.scratch.path("d"), &k.folder).unwrap();
    assert_eq!(report.merge.refused, 0, "{:?}", report.rejected);
    assert_eq!(cell(&di, "moments", &moment, "place"), text("By the river"), "Bo's change waited for the row");
}

/// The window's rule and the merge rule agree: random writes by Bo, each tried through the
/// one local write path (what any screen of Bo's window can do) and, when that refuses it,
/// forged into Bo's log; Ada's laptop must accept exactly what Bo's window accepted.
///
/// Left out: `author` and `created_at` of rows that exist, which merge lets a second creation
/// of a shared row (a photo imported on two laptops) carry, settled earliest-wins; and the
/// roster's `devices`, where a forged entry has the whole segment refused at admission (the
/// invitation tests above).
#[test]
fn the_window_rule_and_the_merge_rule_agree_on_random_writes() {
    use hearth::store::write::SYNCED_TABLES;
    let mut k = community();
    let (ada, bo, cy) = (k.ada.clone(), k.bo.clone(), k.cy.clone());
    let a = std::mem::replace(&mut k.a, Library::create_for_join(&k.scratch.path("placeholder")).unwrap());
    let (a, _) = import_photos(a, &k.scratch.path("photos"), &[("one.jpg", 64, 48, 5)], None);
    k.a = a;
    for library in [&mut k.a, &mut k.b] {
        let draft =
            initiatives::InitiativeDraft { title: "Walks".into(), difference: "Air".into(), ..Default::default() };
        let idea = initiatives::propose(library, draft).unwrap().id;
        initiatives::support(library, &idea, "").unwrap();
        moments::create(library, moments::MomentDraft::titled("Tea", moments::MomentKind::Meeting, "2026-05-01"))
            .unwrap();
        let closes = hearth::clock::Millis(library.now().0 + 86_400_000);
        decisions::propose(library, &idea, "Weekly?", closes).unwrap();
        care::share_care_note(
            library,
            care::CareNoteDraft {
                member_id: None,
                consent: String::new(),
                audience_kind: care::CareAudience::Leads,
                audience: vec![],
                title: "A hard month".into(),
                body: "".into(),
            },
        )
        .unwrap();
    }
    k.round();

    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    let mut next = move |n: usize| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % n as u64) as usize
    };
    let hash = "ab".repeat(32);
    let words = [
        "lead",
        "member",
        "tagged",
        "requested",
        "open",
        "kept",
        "idea",
        "gathering",
        "done",
        "jpg",
        "photo",
        "agree",
        "block",
        "leads",
        "members",
        "[]",
        "x",
        "",
    ];
    let (mut agreed, mut refused_both) = (0, 0);
    for attempt in 0..700 {
        let (table, columns) = SYNCED_TABLES[next(SYNCED_TABLES.len())];
        let mut all_columns: Vec<&'static str> = columns.to_vec();
        all_columns.extend(["deleted", "author", "created_at"]);
        let column = all_columns[next(all_columns.len())];
        if table == "devices" {
            continue;
        }
        let mut rows: Vec<String> =
            k.b.conn()
                .prepare(&format!("SELECT id FROM {table} ORDER BY id"))
                .unwrap()
                .query_map([], |r| r.get(0))
                .unwrap()
                .map(|r| r.unwrap())
                .collect();
        rows.push(format!("new-{attempt}"));
        let row = rows[next(rows.len())].clone();
        let value = match next(6) {
            0 => Value::Integer(next(3) as i64),
            1 => Value::Null,
            2 => text([&ada, &bo, &cy, &hash][next(4)]),
            3 => text(rows[next(rows.len())].as_str()),
            _ => text(words[next(words.len())]),
        };
        let exists = !row.starts_with("new-");
        if exists && matches!(column, "author" | "created_at") {
            continue;
        }
        let by_window = k.b.write(|w| w.apply(table, &row, &[(column, value.clone())]));
        let forged_too = match &by_window {
            Ok(()) => false,
            Err(hearth::Error::Forbidden { .. }) => true,
            Err(_) => continue,
        };
        if forged_too {
            // The same write the window refused, as one write of the same columns.
            let now = k.b.now().0;
            let mut columns = vec![];
            if !exists {
                columns.push(("author", text(&bo)));
                columns.push(("created_at", Value::Integer(now)));
                columns.push(("deleted", Value::Integer(0)));
            }
            columns.push(("updated_at", Value::Integer(now)));
            columns.push((column, value.clone()));
            forge_row(&k.b, table, &row, &columns);
        }
        let locked = |k: &Community| -> i64 {
            k.a.conn().query_row("SELECT count(*) FROM locked_writes", [], |r| r.get(0)).unwrap()
        };
        let locked_before = locked(&k);
        let report = k.bo_to_ada();
        if locked(&k) > locked_before {
            // Sealed to an audience Ada is not in (a care message on no note is its writer's
            // alone): her laptop never reads it, so it neither merges nor is judged there.
            assert_eq!(report.merge.applied, 0, "{table}.{column}: nothing Ada cannot read merges");
            continue;
        }
        // Held back counts as refused: a change that names a row Ada does not have waits for
        // it (and merges only if it ever comes); Bo's window refused it for naming no row.
        let refused = report.merge.refused > 0 || (report.merge.waiting > 0 && report.merge.applied == 0);
        assert_eq!(
            refused,
            forged_too,
            "{table}.{column} = {value:?} on {} row {row}: the window said {by_window:?}, merge said {:?}",
            if exists { "an existing" } else { "a new" },
            report
        );
        agreed += 1;
        refused_both += usize::from(refused);
    }
    assert!(agreed > 370 && refused_both > 90 && agreed - refused_both > 30, "{agreed} writes, {refused_both} refused");
}

/// The sixth attack: whoever holds the folder served a 500 MB segment signed by no one the
/// roster knows (downloaded and parsed at every sync), manifests announcing pieces of any
/// size, and links that were followed out of the folder.
#[test]
fn what_a_folder_serves_is_bounded_checked_before_parsing_and_never_followed() {
    let mut k = community();
    // A huge "segment" (sparse: its size is what counts).
    let huge = k.folder.join("log/0000-intruder/0000000001.json");
    std::fs::create_dir_all(huge.parent().unwrap()).unwrap();
    std::fs::File::create(&huge).unwrap().set_len(hearth::sync::storage::MAX_OBJECT_BYTES + 1).unwrap();
    // A 2 MB segment, properly signed, by a key no invitation let in.
    let stranger = ed25519_dalek::SigningKey::from_bytes(&[9u8; 32]);
    let mut body = b"{\"format\":1,\"device\":\"0000-stranger\",\"seq\":1,\"ops\":[".to_vec();
    body.extend(std::iter::repeat_n(b' ', 2 * 1024 * 1024));
    body.extend(b"]}");
    let signed = {
        use base64::Engine;
        use ed25519_dalek::Signer;
        let b64 = base64::engine::general_purpose::STANDARD;
        let header = serde_json::json!({
            "public_key": b64.encode(stranger.verifying_key().as_bytes()),
            "signature": b64.encode(stranger.sign(&body).to_bytes()),
        });
        [header.to_string().into_bytes(), b"\n".to_vec(), body].concat()
    };
    let big = k.folder.join("log/0000-stranger/0000000001.json");
    std::fs::create_dir_all(big.parent().unwrap()).unwrap();
    std::fs::write(&big, signed).unwrap();

    let report = sync::sync_folder(&mut k.a, &k.folder).unwrap();
    let why = refusals(&report);
    assert!(why.contains("0000-intruder/1: 67108865 bytes, more than any segment Hearth writes"), "{why}");
    assert!(why.contains("0000-stranger/1: from a laptop the roster does not know yet, and too large"), "{why}");
    let again = sync::sync_folder(&mut k.a, &k.folder).unwrap();
    assert!(!refusals(&again).contains("0000-intruder"), "a refused object is not fetched again: {again:?}");

    // A manifest that announces 10 GB pieces for a photo Ada does not have.
    let hash = "cd".repeat(32);
    std::fs::create_dir_all(k.folder.join("blobs")).unwrap();
    std::fs::write(
        k.folder.join(format!("blobs/{hash}.jpg.chunks")),
        serde_json::json!({ "size": 10_u64 << 30, "chunk_bytes": 10_u64 << 30, "chunks": 1 }).to_string(),
    )
    .unwrap();
    // And a link from the folder to a file outside it.
    let secret = k.scratch.path("outside.txt");
    std::fs::write(&secret, "not for the folder").unwrap();
    let linked = "ef".repeat(32);
    #[cfg(unix)]
    std::os::unix::fs::symlink(&secret, k.folder.join(format!("blobs/{linked}.jpg"))).unwrap();
    let report = sync::sync_folder(&mut k.b, &k.folder).unwrap();
    assert!(refusals(&report).contains("announces what no real file is"), "{report:?}");
    assert!(!k.b.root().join(format!("blobs/{hash}.jpg.incoming")).exists(), "nothing of it was written");
    assert!(!k.b.root().join(format!("blobs/{linked}.jpg")).exists(), "the link was not followed");

    // What a listing walk stumbles on: a link loop, a link to the whole disk, a name that is
    // not UTF-8. Each stopped every laptop's sync, for good.
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        std::os::unix::fs::symlink("..", k.folder.join("blobs/loop")).unwrap();
        std::os::unix::fs::symlink("/", k.folder.join("log/everything")).unwrap();
        std::fs::write(k.folder.join("log").join(std::ffi::OsStr::from_bytes(b"bad-\xff-name")), b"x").unwrap();
        let draft = stories::StoryDraft {
            title: "Written after the traps were set".into(),
            body: "Still here.".into(),
            prompt_id: None,
            kind: stories::StoryKind::Personal,
            visibility: stories::StoryVisibility::Community,
            audience: vec![],
            photos: vec![],
        };
        let story = stories::write_story(&mut k.b, draft).unwrap().id;
        let report = sync::sync_folder(&mut k.b, &k.folder).expect("a sync goes past what it cannot list");
        assert!(report.sent_ops > 0, "Bo's new story still went out: {report:?}");
        sync::sync_folder(&mut k.a, &k.folder).expect("and every other laptop's sync too");
        assert_eq!(cell(&k.a, "stories", &story, "title"), text("Written after the traps were set"));
    }
}

/// The seventh attack: thumbnails and previews were taken from the target unchecked, so a
/// member (or whoever holds the folder) could plant a different picture for someone's photo.
#[test]
fn a_planted_thumbnail_is_refused_and_image_thumbnails_are_rebuilt_here() {
    let mut k = community();
    let a = std::mem::replace(&mut k.a, Library::create_for_join(&k.scratch.path("placeholder")).unwrap());
    let (a, _) = import_photos(a, &k.scratch.path("photos"), &[("beach.jpg", 320, 240, 7)], None);
    k.a = a;
    let portrait = hearth::dev::sample::jpeg(200, 200, 8, &hearth::dev::sample::SampleExif::default());
    members::set_my_portrait(&mut k.b, &portrait).unwrap();
    let photo = hearth::memories::media::records(k.a.conn()).unwrap()[0].hash.clone();
    let portrait_hash = members::get(k.b.conn(), &Viewer::me(&k.b).unwrap(), &k.bo).unwrap().portrait.unwrap();
    sync::sync_folder(&mut k.a, &k.folder).unwrap();
    sync::sync_folder(&mut k.b, &k.folder).unwrap();

    // Whoever holds the folder swaps both thumbnails for another picture.
    let other = hearth::dev::sample::jpeg(256, 192, 99, &hearth::dev::sample::SampleExif::default());
    let planted_thumb = k.folder.join(format!("thumbs/{photo}-256.jpg"));
    let planted_portrait = k.folder.join(format!("thumbs/{portrait_hash}-128.jpg"));
    for file in [&planted_thumb, &planted_portrait] {
        std::fs::remove_file(file).unwrap();
        std::fs::write(file, &other).unwrap();
    }
    let report = sync::sync_folder(&mut k.c, &k.folder).unwrap();
    assert!(refusals(&report).contains("not what their photo's row says"), "{report:?}");
    assert!(!hearth::store::blobs::thumb(k.c.root(), &photo).unwrap().exists(), "the planted thumbnail is not taken");
    assert!(hearth::store::blobs::preview(k.c.root(), &photo).unwrap().is_file(), "the genuine preview is");
    let rebuilt = std::fs::read(hearth::store::blobs::image_thumb(k.c.root(), &portrait_hash).unwrap()).unwrap();
    assert_ne!(rebuilt, other, "a portrait's thumbnail is made here from the portrait, not taken from the folder");
    assert_eq!(image::load_from_memory(&rebuilt).unwrap().width(), 128);
}

/// A lead sees what was set aside and why, and releases it: a change stamped ahead (its
/// laptop's clock runs fast) merges now; a refused one is let go.
#[test]
fn a_lead_sees_what_was_set_aside_and_releases_it() {
    let mut k = community();
    let (ada, bo) = (k.ada.clone(), k.bo.clone());
    let now = k.b.now().0;
    k.b.conn()
        .execute(
            "INSERT INTO ops (hlc, tbl, row_id, col, value, author) VALUES (?1, 'members', ?2, 'location', 'Leeds', ?2)",
            rusqlite::params![format!("{:012x}-000000-{}", now + 3_600_000, k.b.device()), bo],
        )
        .unwrap();
    forge(&k.b, "members", &ada, "bio", text("Bo was here"), None);
    k.bo_to_ada();
    let Err(hearth::Error::Forbidden { .. }) = sync::set_aside_changes(&k.b) else { panic!("a member saw the list") };
    let held = sync::set_aside_changes(&k.a).unwrap();
    assert_eq!(held.len(), 2, "{held:?}");
    let ahead = held.iter().find(|c| c.can_merge_now).expect("the change stamped ahead");
    assert!(ahead.waiting && ahead.by == "Bo" && ahead.what == "A member: location" && ahead.changes == 1, "{ahead:?}");
    assert!(
        ahead.reason.starts_with("Bo's laptop's clock was 1 h ahead") || ahead.reason.contains("59 min"),
        "{ahead:?}"
    );
    let refused = held.iter().find(|c| !c.waiting).expect("the refused change");
    assert!(refused.reason.contains("another member's profile"), "{refused:?}");

    let merged = sync::release_set_aside(&mut k.a, &ahead.id).unwrap();
    assert_eq!(merged.applied, 1);
    assert_eq!(cell(&k.a, "members", &bo, "location"), text("Leeds"), "merged now, vouched for by a lead");
    sync::release_set_aside(&mut k.a, &refused.id).unwrap();
    assert!(sync::set_aside_changes(&k.a).unwrap().is_empty(), "both released");
    assert_ne!(cell(&k.a, "members", &ada, "bio"), text("Bo was here"), "letting go never merges a refused change");
}

/// Appends an op stamped with a chosen clock on `library`'s device (`offset` milliseconds from
/// now; counter as given), as a modified app could.
fn forge_at(library: &Library, offset: i64, counter: u32, table: &str, row: &str, column: &str, value: Value) {
    // Ops with the same offset and counter form one write: the offset counts from one moment
    // per library, taken at its first forged op (the clock moves on between calls).
    let me = library.me().unwrap().unwrap_or_default();
    let conn = library.conn();
    conn.execute(
        "INSERT OR IGNORE INTO local_settings (key, value) VALUES ('test_forge_base', ?1)",
        [library.now().0.to_string()],
    )
    .unwrap();
    let base: String =
        conn.query_row("SELECT value FROM local_settings WHERE key = 'test_forge_base'", [], |r| r.get(0)).unwrap();
    let hlc = format!("{:012x}-{counter:06x}-{}", base.parse::<i64>().unwrap() + offset, library.device());
    library
        .conn()
        .execute(
            "INSERT INTO ops (hlc, tbl, row_id, col, value, author) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            rusqlite::params![hlc, table, row, column, value, me],
        )
        .unwrap();
}

/// What a review of the rules found a member could still do, each now refused: claim the
/// founding laptop's key in the roster, show the rules one value and have merge store another
/// (two ops for one cell, the later clock listed first), re-create someone's photo to unhide
/// or delete it, tag without a status, take a stance on a closed decision, reopen a decision
/// or rewrite its outcome, move an initiative out of "done", and numbers out of range.
#[test]
fn roster_claims_duplicate_cells_and_re_creations_are_refused() {
    let mut k = community();
    let (ada, bo, cy) = (k.ada.clone(), k.bo.clone(), k.cy.clone());
    let a = std::mem::replace(&mut k.a, Library::create_for_join(&k.scratch.path("placeholder")).unwrap());
    let (a, _) = import_photos(a, &k.scratch.path("photos"), &[("dinner.jpg", 64, 48, 4)], None);
    k.a = a;
    let photo = hearth::memories::media::records(k.a.conn()).unwrap()[0].id.clone();
    tags::set_photo_consent(&mut k.c, tags::PhotoConsent::Ask).unwrap();
    // Bo proposes an initiative, runs a decision on it, closes both.
    let idea = initiatives::propose(
        &mut k.b,
        initiatives::InitiativeDraft { title: "Choir".into(), difference: "Song".into(), ..Default::default() },
    )
    .unwrap()
    .id;
    let closes = hearth::clock::Millis(k.b.now().0 + 86_400_000);
    let decision = decisions::propose(&mut k.b, &idea, "Tuesdays?", closes).unwrap().id;
    decisions::close(&mut k.b, &decision, "Tuesdays it is").unwrap();
    initiatives::move_to(&mut k.b, &idea, initiatives::Status::Gathering).unwrap();
    initiatives::move_to(&mut k.b, &idea, initiatives::Status::Active).unwrap();
    initiatives::close(&mut k.b, &idea, "We sang", "Start earlier").unwrap();
    k.round();
    assert_eq!(cell(&k.a, "initiatives", &idea, "status"), text("done"), "Bo's closed initiative reached Ada");
    assert_eq!(cell(&k.a, "decisions", &decision, "closed"), Value::Integer(1), "and his closed decision");
    let bo_device = k.b.device().to_owned();
    let founder_key = roster::trust_root(&k.a).unwrap();
    let bo_key: String =
        k.a.conn().query_row("SELECT public_key FROM devices WHERE id = ?1", [&bo_device], |r| r.get(0)).unwrap();

    // Two ops for one cell: the later clock (what merge stores) listed first.
    let real = hearth::ids::derived(&["stance", &decision, &bo]);
    for (column, value) in [("author", text(&bo)), ("decision_id", text(&decision)), ("stance", text("block"))] {
        forge_at(&k.b, 2_000, 0, "stances", &real, column, value);
    }
    forge_at(&k.b, 1_000, 0, "stances", &real, "decision_id", text("some-other-decision"));
    // Re-creating Ada's photo to unhide-and-delete it, and a tag of Cy with no status.
    forge_row(
        &k.b,
        "media",
        &photo,
        &[("author", text(&bo)), ("deleted", Value::Integer(1)), ("highlight", Value::Integer(1))],
    );
    let tag = hearth::ids::derived(&["tag", &photo, &cy]);
    forge_row(&k.b, "media_tags", &tag, &[("author", text(&bo)), ("media_id", text(&photo)), ("member_id", text(&cy))]);
    // A closed decision reopened and its outcome rewritten; the initiative out of "done".
    forge(&k.b, "decisions", &decision, "closed", Value::Integer(0), None);
    forge(&k.b, "decisions", &decision, "outcome", text("Never mind"), None);
    forge(&k.b, "initiatives", &idea, "status", text("idea"), None);
    forge(&k.b, "initiatives", &idea, "outcome", text("Nothing"), None);
    forge(&k.b, "members", &bo, "years_in_practice", Value::Integer(-1), None);
    let report = k.bo_to_ada();
    let why = refusals(&report);
    for reason in [
        "takes a stance after its decision closed",
        "deletes someone else's photo",
        "tags a member without their yes",
        "reopens a decision",
        "changes a decision's outcome other than by closing it",
        "changes an initiative that was closed as done",
        "which holds 0 to 80",
    ] {
        assert!(why.contains(reason), "refused: {reason}\n{why}\n{report:?}");
    }
    assert_eq!(cell(&k.a, "media", &photo, "deleted"), Value::Integer(0), "Ada's photo stays");
    assert_eq!(cell(&k.a, "media", &photo, "author"), text(&ada), "and stays Ada's");
    assert_eq!(cell(&k.a, "media_tags", &tag, "status"), Value::Null, "Cy is not tagged");
    assert_eq!(cell(&k.a, "stances", &real, "stance"), Value::Null, "no stance after the close");
    assert_eq!(cell(&k.a, "decisions", &decision, "outcome"), text("Tuesdays it is"));
    assert_eq!(cell(&k.a, "initiatives", &idea, "status"), text("done"));

    // Bo's laptop names the founding laptop's key as its own, at a later clock than its real
    // one, which it lists last.
    forge_at(&k.b, 60_000, 0, "devices", &bo_device, "public_key", text(&founder_key));
    forge_at(&k.b, 1_000, 0, "devices", &bo_device, "public_key", text(&bo_key));
    forge_at(&k.b, 60_000, 1, "members", &bo, "role", text("lead"));
    let report = k.bo_to_ada();
    assert!(
        report
            .rejected
            .iter()
            .any(|r| r.starts_with(&bo_device) && r.contains("from a device the roster does not know")),
        "{report:?}"
    );
    let stored: String =
        k.a.conn().query_row("SELECT public_key FROM devices WHERE id = ?1", [&bo_device], |r| r.get(0)).unwrap();
    assert_eq!(stored, bo_key, "the roster keeps Bo's own key");
    assert_eq!(cell(&k.a, "members", &bo, "role"), text("member"));
}

/// A join that fails (here: a folder whose segments hold no community) leaves no half-made
/// library behind; and a photo removed from the gallery and imported again by who imported it
/// comes back as it was.
#[test]
fn a_failed_join_leaves_nothing_and_a_removed_photo_comes_back_when_imported_again() {
    let mut k = community();
    let invitation = hearth::community::invite(&mut k.a, "Di", None).unwrap();
    let empty = k.scratch.path("empty");
    std::fs::create_dir_all(&empty).unwrap();
    std::fs::write(empty.join("hearth-sync.json"), r#"{"format":1,"app":"Hearth"}"#).unwrap();
    let root = k.scratch.path("di");
    let failed = sync::join(&root, &invitation, Some(&Target::Folder(empty)), &Credentials::default());
    assert!(failed.is_err(), "nothing to join");
    assert!(!root.exists(), "the half-made library is gone");

    let b = std::mem::replace(&mut k.b, Library::create_for_join(&k.scratch.path("placeholder")).unwrap());
    let (b, _) = import_photos(b, &k.scratch.path("photos"), &[("tea.jpg", 64, 48, 11)], None);
    let mut b = b;
    let photo = hearth::memories::media::records(b.conn()).unwrap()[0].id.clone();
    media::delete(&mut b, &photo).unwrap();
    let (b, _) = import_photos(b, &k.scratch.path("photos again"), &[("tea.jpg", 64, 48, 11)], None);
    assert_eq!(cell(&b, "media", &photo, "deleted"), Value::Integer(0), "it is back");
    assert_eq!(cell(&b, "media", &photo, "author"), text(&k.bo), "and still Bo's");
}

/// What a second review found, each now refused: one field written twice in one change (the
/// rules would judge one value and merge store the other), a change half refused (its other
/// fields once went through), two values for one field of a roster entry (admission verified
/// one invitation, the roster stored another); and an initiative closed in the window reaches
/// other laptops whole, with what came of it.
#[test]
fn a_change_is_judged_whole_and_one_field_is_written_once() {
    let mut k = community();
    let (ada, bo, cy) = (k.ada.clone(), k.bo.clone(), k.cy.clone());
    tags::set_photo_consent(&mut k.c, tags::PhotoConsent::Never).unwrap();
    let note = care::share_care_note(
        &mut k.a,
        care::CareNoteDraft {
            member_id: None,
            consent: String::new(),
            audience_kind: care::CareAudience::Leads,
            audience: vec![],
            title: "A hard week".into(),
            body: "".into(),
        },
    )
    .unwrap()
    .id;
    let idea = initiatives::propose(
        &mut k.b,
        initiatives::InitiativeDraft { title: "Garden".into(), difference: "Green".into(), ..Default::default() },
    )
    .unwrap()
    .id;
    initiatives::move_to(&mut k.b, &idea, initiatives::Status::Gathering).unwrap();
    initiatives::move_to(&mut k.b, &idea, initiatives::Status::Active).unwrap();
    initiatives::close(&mut k.b, &idea, "Tomatoes", "Water more").unwrap();
    k.round();
    assert_eq!(cell(&k.a, "initiatives", &idea, "outcome"), text("Tomatoes"), "a closed initiative arrives whole");
    assert_eq!(cell(&k.a, "initiatives", &idea, "reflection"), text("Water more"));

    // A care note about Cy in one write whose member_id is written twice (Bo's own id listed
    // last, Cy's the larger value, which merge would store).
    let (first, second) = if cy > bo { (cy.as_str(), bo.as_str()) } else { (bo.as_str(), cy.as_str()) };
    forge_at(&k.b, 1_000, 0, "care_notes", "twice", "author", text(&bo));
    forge_at(&k.b, 1_000, 0, "care_notes", "twice", "member_id", text(first));
    forge_at(&k.b, 1_000, 0, "care_notes", "twice", "member_id", text(second));
    forge_at(&k.b, 1_000, 0, "care_notes", "twice", "title", text("About Cy"));
    // Ada's care note deleted in a write that also claims it is about Bo.
    forge_at(&k.b, 2_000, 0, "care_notes", &note, "member_id", text(&bo));
    forge_at(&k.b, 2_000, 0, "care_notes", &note, "deleted", Value::Integer(1));
    let report = k.bo_to_ada();
    let why = refusals(&report);
    assert!(why.contains("writes one field twice in one change"), "{why}");
    assert!(why.contains("belongs to a change that was refused"), "{why}");
    assert_eq!(cell(&k.a, "care_notes", "twice", "title"), Value::Null, "no note about Cy");
    assert_eq!(cell(&k.a, "care_notes", &note, "deleted"), Value::Integer(0), "Ada's note is not deleted by Bo");
    assert_eq!(cell(&k.a, "care_notes", &note, "member_id"), text(&ada));

    // Bo's laptop names two invitations in one write of its roster entry.
    let device = k.b.device().to_owned();
    forge_at(&k.b, 3_000, 0, "devices", &device, "invitation_id", text("an-invitation"));
    forge_at(&k.b, 3_000, 0, "devices", &device, "invitation_id", text("another-invitation"));
    let report = k.bo_to_ada();
    assert!(refusals(&report).contains("names two values for one field of its roster entry"), "{report:?}");
}

/// A big write log goes in several segments, and no write is cut in two between them (merge
/// judges a write whole; half a write once arrived as a change without its creation).
#[test]
fn segments_never_cut_a_write_in_two() {
    let mut k = community();
    // Nine ops a write (four stamps, five columns): 20,000 falls inside one, where the rest of
    // a proposal, judged alone, would be an outcome written without closing.
    let rows = (hearth::sync::SEGMENT_OPS as usize) / 9 + 60;
    k.b.write(|w| {
        for row in 0..rows {
            let columns = [
                ("title", Value::Text(format!("Idea {row}"))),
                ("difference", Value::Text("Some".into())),
                ("status", Value::Text("idea".into())),
                ("outcome", Value::Text(String::new())),
                ("reflection", Value::Text(String::new())),
            ];
            w.apply("initiatives", &format!("bulk-{row:05}"), &columns)?;
        }
        Ok(())
    })
    .unwrap();
    let report = k.bo_to_ada();
    assert_eq!(report.merge.refused, 0, "{report:?}");
    let count: i64 =
        k.a.conn().query_row("SELECT count(*) FROM initiatives WHERE id LIKE 'bulk-%'", [], |r| r.get(0)).unwrap();
    assert_eq!(count as usize, rows, "every proposal arrived, across {} segments", report.segments_read);
    assert!(report.segments_read >= 2, "{report:?}");
}

/// Parked ops (a column an older Hearth did not know) merge after an upgrade, checked by the
/// rules as their writer's; they are not read again at every sync in between.
#[test]
fn parked_ops_merge_after_an_upgrade() {
    let mut k = community();
    let bo = k.bo.clone();
    let hlc = |counter: u32| format!("{:012x}-{counter:06x}-{}", k.b.now().0, k.b.device());
    let ada = k.a.me().unwrap().unwrap();
    for (hlc, column, value, author) in
        [(hlc(0), "location", "Leeds", bo.as_str()), (hlc(1), "bio", "Parked as Bo", ada.as_str())]
    {
        k.a.conn()
            .execute(
                "INSERT INTO parked_ops (hlc, tbl, row_id, col, value, author) VALUES (?1, 'members', ?2, ?3, ?4, ?5)",
                rusqlite::params![hlc, bo, column, value, author],
            )
            .unwrap();
    }
    // As if this laptop had last looked at them under an older schema.
    k.a.conn()
        .execute("INSERT OR REPLACE INTO local_settings (key, value) VALUES ('parked_checked_at', '1')", [])
        .unwrap();
    sync::sync_folder(&mut k.a, &k.folder).unwrap();
    assert_eq!(cell(&k.a, "members", &bo, "location"), text("Leeds"), "merged after the upgrade");
    let left: i64 = k.a.conn().query_row("SELECT count(*) FROM parked_ops", [], |r| r.get(0)).unwrap();
    assert_eq!(left, 0, "no longer parked");
    let refused: String =
        k.a.conn().query_row("SELECT reason FROM quarantined_ops WHERE col = 'bio'", [], |r| r.get(0)).unwrap();
    assert!(refused.contains("another member"), "the one claiming another writer is refused: {refused}");
}
