//! Sync through a real shared folder: convergence, merge rules, bad segments.

use std::path::Path;

use hearth::community::CommunityDraft;
use hearth::people::members::{self, MemberDraft};
use hearth::store::write::SYNCED_TABLES;
use hearth::sync::roster;
use hearth::sync::storage::{Credentials, Target};
use hearth::sync::{self, Cell, Op};
use hearth::{initiatives, Library};

use crate::support::{forge, import_photos, Scratch};

/// `lead` invites `name` and syncs; the newcomer joins from the folder with the invitation.
pub fn join(lead: &mut Library, name: &str, root: &Path, folder: &Path) -> hearth::Result<(Library, sync::SyncReport)> {
    let invitation = hearth::community::invite(lead, name, None)?;
    sync::sync_folder(lead, folder)?;
    sync::join(root, &invitation, Some(&Target::Folder(folder.to_path_buf())), &Credentials::default())
}

/// Every synced table's rows, as text, in id order: two replicas agree when these are equal.
pub fn dump(library: &Library) -> Vec<String> {
    let conn = library.conn();
    let mut out = Vec::new();
    for (table, _) in SYNCED_TABLES {
        let mut stmt = conn.prepare(&format!("SELECT * FROM {table} ORDER BY id")).unwrap();
        let width = stmt.column_count();
        let rows = stmt
            .query_map([], |row| {
                let cells: Vec<String> = (0..width).map(|i| format!("{:?}", row.get_ref(i).unwrap())).collect();
                Ok(format!("{table}: {}", cells.join(" | ")))
            })
            .unwrap();
        out.extend(rows.map(|r| r.unwrap()));
    }
    out
}

#[test]
fn three_laptops_converge_through_a_shared_folder() {
    let scratch = Scratch::new();
    three_laptops_converge(&scratch, &Target::Folder(scratch.path("usb-stick")), &Credentials::default());
}

/// Ada starts a community, Bo joins and proposes, Cy joins and supports, Ada edits offline;
/// after two rounds every laptop holds the same tables, and a further sync moves nothing.
pub fn three_laptops_converge(scratch: &Scratch, target: &Target, credentials: &Credentials) {
    let sync_once = |library: &mut Library| sync::sync_target(library, target, credentials).unwrap();
    let join = |lead: &mut Library, name: &str| {
        let invitation = hearth::community::invite(lead, name, None).unwrap();
        sync_once(lead);
        sync::join(&scratch.path(name), &invitation, Some(target), credentials).unwrap()
    };
    let mut a = hearth::community::create(&scratch.path("a"), CommunityDraft::new("River Circle", "")).unwrap();
    members::create_my_profile(&mut a, MemberDraft::named("Ada")).unwrap();
    let (mut a, photos) = import_photos(a, &scratch.path("photos"), &[("dinner.jpg", 160, 120, 5)], None);
    let bytes = &photos[0];
    let first = sync_once(&mut a);
    assert!(first.sent_ops > 10, "the community, its dimensions and Ada travel: {first:?}");
    assert_eq!(first.files_sent, 3, "the photo's original, thumbnail and preview");

    let (mut b, joined) = join(&mut a, "Bo");
    assert_eq!(joined.segments_read, 2, "Ada's first sync and the one after inviting Bo");
    assert_eq!(joined.files_received, 3, "the photo arrives with its row");
    let record = &hearth::memories::media::records(b.conn()).unwrap()[0];
    let original = std::fs::read(hearth::store::blobs::original(b.root(), &record.hash, "jpg").unwrap()).unwrap();
    assert_eq!(&original, bytes, "the original arrives byte for byte");
    assert_eq!(hearth::community::community(b.conn()).unwrap().name, "River Circle");
    let bo = b.me().unwrap().expect("Bo's laptop speaks for Bo");
    assert_eq!(members::get(b.conn(), &hearth::viewer::Viewer::me(&b).unwrap(), &bo).unwrap().display_name, "Bo");
    let idea = initiatives::propose(
        &mut b,
        initiatives::InitiativeDraft {
            title: "Walking group".into(),
            difference: "People who never come in the evening would meet us".into(),
            ..Default::default()
        },
    )
    .unwrap();
    sync_once(&mut b);

    let (mut c, _) = join(&mut a, "Cy");
    initiatives::support(&mut c, &idea.id, "I walk every morning").unwrap();
    sync_once(&mut c);

    // Offline on A meanwhile: Ada edits her profile.
    let ada = a.me().unwrap().unwrap();
    let fields = members::ProfileFields { profession: "Nurse educator".into(), ..Default::default() };
    members::update_profile(&mut a, &ada, "Ada Lovelace", &fields).unwrap();

    for _ in 0..2 {
        for library in [&mut a, &mut b, &mut c] {
            sync_once(library);
        }
    }
    let (da, db, dc) = (dump(&a), dump(&b), dump(&c));
    assert_eq!(da, db, "A and B hold the same community");
    assert_eq!(db, dc, "B and C hold the same community");
    let seen_by_a = initiatives::get(a.conn(), &hearth::viewer::Viewer::me(&a).unwrap(), &idea.id).unwrap();
    assert_eq!(seen_by_a.supporters.len(), 1, "Cy's support reached Ada's laptop");
    let laptops = roster::devices(&a).unwrap();
    let described: Vec<(String, bool, bool, bool)> =
        laptops.iter().map(|d| (d.member_name.clone(), d.this_laptop, d.founding, d.invited)).collect();
    assert_eq!(
        described,
        [
            ("Ada Lovelace".to_owned(), true, true, false),
            ("Bo".to_owned(), false, false, true),
            ("Cy".to_owned(), false, false, true)
        ],
        "the roster: Ada's founding laptop first, then the invited ones"
    );
    let again = sync_once(&mut a);
    assert_eq!(
        (again.sent_ops, again.segments_read, again.files_sent, again.files_received),
        (0, 0, 0, 0),
        "{again:?}"
    );
}

/// A small deterministic generator for the property test.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn op(rng: &mut Rng) -> Op {
    let rows = ["r1", "r2", "r3"];
    let (column, value) = match rng.below(4) {
        0 => ("title", Cell::Text(format!("title {}", rng.below(100)))),
        1 => ("status", Cell::Text(["idea", "active", "done"][rng.below(3) as usize].into())),
        2 => ("deleted", Cell::Integer(rng.below(2) as i64)),
        _ => ("outcome", Cell::Text(format!("outcome {}", rng.below(100)))),
    };
    let device = ["dev-a", "dev-b", "dev-c"][rng.below(3) as usize];
    Op {
        // Few distinct times, so equal millis and counters happen and ties must break the same way.
        hlc: format!("{:012x}-{:06x}-{device}", 1_700_000_000_000u64 + rng.below(20), rng.below(3)),
        table: "initiatives".into(),
        row: rows[rng.below(3) as usize].into(),
        column: column.into(),
        value,
        author: "m".into(),
    }
}

#[test]
fn random_ops_in_random_orders_with_repeats_end_in_identical_tables() {
    let scratch = Scratch::new();
    for round in 0..25u64 {
        let mut rng = Rng(0x9E37_79B9 ^ ((round + 1) * 0x2545_F491));
        let ops: Vec<Op> = (0..60).map(|_| op(&mut rng)).collect();
        let mut dumps = Vec::new();
        for replica in 0..3 {
            let mut library = Library::create_for_join(&scratch.path(&format!("p{round}-{replica}"))).unwrap();
            // Shuffled, with a third of the ops delivered twice, in batches of random size.
            let mut delivery: Vec<Op> = ops.clone();
            delivery.extend(ops.iter().filter(|_| rng.below(3) == 0).cloned());
            for i in (1..delivery.len()).rev() {
                delivery.swap(i, rng.below(i as u64 + 1) as usize);
            }
            let mut rest = delivery.as_slice();
            while !rest.is_empty() {
                let take = (1 + rng.below(12) as usize).min(rest.len());
                sync::merge(&mut library, &rest[..take]).unwrap();
                rest = &rest[take..];
            }
            dumps.push(dump(&library));
        }
        assert_eq!(dumps[0], dumps[1], "round {round}: replicas 0 and 1 differ");
        assert_eq!(dumps[1], dumps[2], "round {round}: replicas 1 and 2 differ");
    }
}

fn op_at(millis: u64, column: &str, value: Cell) -> Op {
    Op {
        hlc: format!("{millis:012x}-000000-dev-x"),
        table: "initiatives".into(),
        row: "r1".into(),
        column: column.into(),
        value,
        author: "m".into(),
    }
}

#[test]
fn an_edit_does_not_bring_back_a_deleted_row_and_odd_ops_are_kept_aside() {
    let scratch = Scratch::new();
    let mut library = Library::create_for_join(&scratch.path("x")).unwrap();
    let now = library.now().0 as u64;
    let report = sync::merge(
        &mut library,
        &[
            op_at(now - 5000, "title", Cell::Text("Old".into())),
            op_at(now - 4000, "deleted", Cell::Integer(1)),
            op_at(now - 3000, "title", Cell::Text("Edited after the delete".into())),
            Op { table: "rituals_of_the_future".into(), ..op_at(now - 2000, "name", Cell::Text("?".into())) },
            Op { column: "mood".into(), ..op_at(now - 2000, "mood", Cell::Text("?".into())) },
            op_at(now + 3 * 24 * 3600 * 1000, "title", Cell::Text("From a laptop set to next week".into())),
        ],
    )
    .unwrap();
    assert_eq!((report.applied, report.parked, report.quarantined), (3, 2, 1), "{report:?}");
    let (title, deleted): (String, i64) = library
        .conn()
        .query_row("SELECT title, deleted FROM initiatives WHERE id = 'r1'", [], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap();
    assert_eq!(title, "Edited after the delete");
    assert_eq!(deleted, 1, "a later edit of another column does not resurrect the row");
    let parked: i64 = library.conn().query_row("SELECT count(*) FROM parked_ops", [], |r| r.get(0)).unwrap();
    assert_eq!(parked, 2, "unknown tables and columns wait for an upgrade");
}

#[test]
fn a_damaged_segment_is_reported_and_a_newer_target_is_not_written() {
    let scratch = Scratch::new();
    let folder = scratch.path("shared");
    let mut a = hearth::community::create(&scratch.path("a"), CommunityDraft::new("Circle", "")).unwrap();
    members::create_my_profile(&mut a, MemberDraft::named("Ada")).unwrap();
    sync::sync_folder(&mut a, &folder).unwrap();
    let bogus = folder.join("log/some-device/0000000001.json");
    std::fs::create_dir_all(bogus.parent().unwrap()).unwrap();
    std::fs::write(&bogus, b"{\"format\":1,\"device\":\"some-device\",\"seq\":1,\"ops\":[{\"hl").unwrap();
    let (b, report) = join(&mut a, "Bo", &scratch.path("b"), &folder).unwrap();
    assert_eq!(report.segments_read, 2, "A's two good segments merge");
    assert!(report.rejected.iter().any(|r| r.starts_with("some-device/1: unsigned")), "{:?}", report.rejected);
    assert_eq!(hearth::community::community(b.conn()).unwrap().name, "Circle");

    std::fs::write(folder.join("hearth-sync.json"), br#"{"format": 9}"#).unwrap();
    let before = std::fs::read_dir(folder.join("log")).unwrap().count();
    let Err(hearth::Error::Target { problem: hearth::TargetProblem::NewerFormat, reason }) =
        sync::sync_folder(&mut a, &folder)
    else {
        panic!("newer target written")
    };
    assert!(reason.contains("newer Hearth"), "{reason}");
    assert_eq!(std::fs::read_dir(folder.join("log")).unwrap().count(), before);
}

#[test]
fn photos_travel_with_their_rows() {
    let scratch = Scratch::new();
    let folder = scratch.path("shared");
    let mut a = hearth::community::create(&scratch.path("a"), CommunityDraft::new("Circle", "")).unwrap();
    members::create_my_profile(&mut a, MemberDraft::named("Ada")).unwrap();
    let (mut a, photos) = import_photos(a, &scratch.path("photos"), &[("a.jpg", 120, 90, 3)], None);
    let bytes = &photos[0];
    let sent = sync::sync_folder(&mut a, &folder).unwrap();
    assert_eq!(sent.files_sent, 3, "original, thumbnail and preview");
    let (b, got) = join(&mut a, "Bo", &scratch.path("b"), &folder).unwrap();
    assert_eq!(got.files_received, 3);
    let record = &hearth::memories::media::records(b.conn()).unwrap()[0];
    let original = std::fs::read(hearth::store::blobs::original(b.root(), &record.hash, "jpg").unwrap()).unwrap();
    assert_eq!(&original, bytes);
    assert!(Path::new(&hearth::store::blobs::thumb(b.root(), &record.hash).unwrap()).is_file());
}

#[test]
fn a_sync_interrupted_after_writing_its_segment_loses_nothing_and_applies_nothing_twice() {
    let scratch = Scratch::new();
    let folder = scratch.path("shared");
    let mut a = hearth::community::create(&scratch.path("a"), CommunityDraft::new("Circle", "")).unwrap();
    members::create_my_profile(&mut a, MemberDraft::named("Ada")).unwrap();
    sync::sync_folder(&mut a, &folder).unwrap();
    let (mut b, _) = join(&mut a, "Bea", &scratch.path("b"), &folder).unwrap();

    // A writes more, syncs, and "crashes" before recording what it sent: simulate by forgetting it.
    members::create_member(&mut a, MemberDraft::named("Bo")).unwrap();
    sync::sync_folder(&mut a, &folder).unwrap();
    a.conn().execute("UPDATE local_settings SET value = '0' WHERE key = 'sync_sent_seq'", []).unwrap();
    sync::sync_folder(&mut b, &folder).unwrap();
    // After the restart A writes again and syncs: everything is resent under a new number.
    members::create_member(&mut a, MemberDraft::named("Cy")).unwrap();
    let resent = sync::sync_folder(&mut a, &folder).unwrap();
    assert!(resent.sent_ops > 20, "the unconfirmed ops go again: {resent:?}");
    let later = sync::sync_folder(&mut b, &folder).unwrap();
    assert!(later.merge.superseded > 0, "repeats are recognised, not applied twice: {later:?}");
    assert_eq!(dump(&a), dump(&b), "B has Bo and Cy, once each");
    let names: Vec<String> = members::list(b.conn(), &hearth::viewer::Viewer::anonymous())
        .unwrap()
        .into_iter()
        .map(|m| m.display_name)
        .collect();
    assert_eq!(names.iter().filter(|n| *n == "Bo").count(), 1);
    assert!(names.contains(&"Cy".to_owned()));
}

#[test]
fn an_unreachable_remembered_folder_is_reported_not_recreated() {
    let scratch = Scratch::new();
    let folder = scratch.path("usb");
    let mut a = hearth::community::create(&scratch.path("a"), CommunityDraft::new("Circle", "")).unwrap();
    sync::sync_remembered(&mut a, Some(folder.to_str().unwrap()), None, &Default::default()).unwrap();
    std::fs::remove_dir_all(&folder).unwrap(); // the stick is unplugged
    let Err(hearth::Error::Target { problem: hearth::TargetProblem::Unreachable, reason }) =
        sync::sync_remembered(&mut a, None, None, &Default::default())
    else {
        panic!("synced")
    };
    assert!(reason.contains("not reachable"), "{reason}");
    assert!(!folder.exists(), "the missing folder is not created on the local disk");
    // A first sync to a folder whose drive is not there (or a typo) is refused, not made.
    let typo = scratch.path("no-such-drive").join("usb");
    let Err(hearth::Error::Target { problem: hearth::TargetProblem::Unreachable, .. }) =
        sync::sync_remembered(&mut a, Some(typo.to_str().unwrap()), None, &Default::default())
    else {
        panic!("synced into a folder made on the laptop's disk")
    };
    assert!(!typo.exists(), "nothing was created");
}

fn segments(folder: &Path, library: &Library) -> Vec<std::path::PathBuf> {
    let mut files: Vec<_> = std::fs::read_dir(folder.join("log").join(library.device()))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    files
}

#[test]
fn altered_replayed_and_unknown_segments_are_rejected_and_the_rest_merges() {
    use hearth::memories::moments::{self, MomentDraft, MomentKind};
    let scratch = Scratch::new();
    let folder = scratch.path("shared");
    let mut a = hearth::community::create(&scratch.path("a"), CommunityDraft::new("Circle", "")).unwrap();
    members::create_my_profile(&mut a, MemberDraft::named("Ada")).unwrap();
    sync::sync_folder(&mut a, &folder).unwrap();
    moments::create(&mut a, MomentDraft::titled("Spring dinner", MomentKind::Dinner, "2025-04-11")).unwrap();
    sync::sync_folder(&mut a, &folder).unwrap();
    let written = segments(&folder, &a);
    assert_eq!(written.len(), 2);

    // A flipped byte in A's second segment.
    let mut bytes = std::fs::read(&written[1]).unwrap();
    let at = bytes.len() - 20;
    bytes[at] ^= 0x01;
    std::fs::write(&written[1], &bytes).unwrap();
    // A's first segment replayed under another device's name.
    let replay = folder.join("log/replaying-device/0000000001.json");
    std::fs::create_dir_all(replay.parent().unwrap()).unwrap();
    std::fs::copy(&written[0], &replay).unwrap();

    let (b, report) = join(&mut a, "Bo", &scratch.path("b"), &folder).unwrap();
    let reasons = report.rejected.join("\n");
    assert!(reasons.contains("/2: its signature does not match its contents (altered"), "{reasons}");
    assert!(reasons.contains("replaying-device/1: says it is"), "{reasons}");
    assert_eq!(report.segments_read, 2, "the untouched segments still merge");
    assert_eq!(hearth::community::community(b.conn()).unwrap().name, "Circle");
    assert!(moments::list(b.conn()).unwrap().is_empty(), "the altered segment's moment did not arrive");
}

#[test]
fn devices_no_invitation_let_in_and_swapped_keys_are_refused() {
    let scratch = Scratch::new();
    let folder = scratch.path("shared");
    let mut a = hearth::community::create(&scratch.path("a"), CommunityDraft::new("Circle", "")).unwrap();
    members::create_my_profile(&mut a, MemberDraft::named("Ada")).unwrap();
    sync::sync_folder(&mut a, &folder).unwrap();
    let (mut b, _) = join(&mut a, "Bo", &scratch.path("b"), &folder).unwrap();

    // A stranger who found the folder starts their own library and syncs into it.
    let mut stranger = hearth::community::create(&scratch.path("s"), CommunityDraft::new("Circle", "")).unwrap();
    members::create_my_profile(&mut stranger, MemberDraft::named("Mallory")).unwrap();
    sync::sync_folder(&mut stranger, &folder).unwrap();
    let report = sync::sync_folder(&mut b, &folder).unwrap();
    assert!(
        report.rejected.iter().any(|r| r.starts_with(stranger.device()) && r.contains("no invitation let in")),
        "{:?}",
        report.rejected
    );
    assert_eq!(report.segments_read, 0, "nothing of the stranger's merges: {report:?}");

    // Someone forges an invitation (a made-up secret) for an existing member.
    let mut forged = hearth::community::invite(&mut a, "Cy", None).unwrap();
    sync::sync_folder(&mut a, &folder).unwrap();
    forged.secret = roster::encode(&[7u8; 32]);
    let (_, _) =
        sync::join(&scratch.path("f"), &forged, Some(&Target::Folder(folder.clone())), &Credentials::default())
            .unwrap();
    let report = sync::sync_folder(&mut b, &folder).unwrap();
    assert!(report.rejected.iter().any(|r| r.contains("invitation signature does not match")), "{:?}", report.rejected);

    // A loses its key and makes a new one: its new segments no longer speak for it.
    std::fs::remove_file(a.root().join("device.key")).unwrap();
    hearth::community::update_community(&mut a, "Circle renamed", "").ok();
    sync::sync_folder(&mut a, &folder).unwrap();
    let report = sync::sync_folder(&mut b, &folder).unwrap();
    assert!(report.rejected.iter().any(|r| r.contains("key the roster does not hold")), "{:?}", report.rejected);
    assert_eq!(hearth::community::community(b.conn()).unwrap().name, "Circle");
}

#[test]
fn a_member_cannot_write_what_is_not_theirs_and_the_rest_of_their_segment_merges() {
    use rusqlite::types::Value;
    let scratch = Scratch::new();
    let folder = scratch.path("shared");
    let mut a = hearth::community::create(&scratch.path("a"), CommunityDraft::new("Circle", "")).unwrap();
    let ada = members::create_my_profile(&mut a, MemberDraft::named("Ada")).unwrap();
    sync::sync_folder(&mut a, &folder).unwrap();
    let (mut b, _) = join(&mut a, "Bo", &scratch.path("b"), &folder).unwrap();
    let bo = b.me().unwrap().unwrap();
    let Err(hearth::Error::Forbidden { .. }) = hearth::community::invite(&mut b, "Eve", None) else {
        panic!("Bo invited")
    };
    let Err(hearth::Error::Forbidden { .. }) = members::choose_me(&b, &ada.id) else {
        panic!("Bo's laptop switched to speaking as Ada")
    };

    // A modified app on Bo's laptop writes straight into the log, past the local checks.
    let community = hearth::community::community(b.conn()).unwrap().id;
    forge(&b, "members", &ada.id, "bio", Value::Text("Bo was here".into()), None);
    forge(&b, "members", &bo, "role", Value::Text("lead".into()), None);
    forge(&b, "community", &community, "name", Value::Text("Bo's club".into()), None);
    forge(&b, "members", &bo, "bio", Value::Text("I like walks".into()), None);
    sync::sync_folder(&mut b, &folder).unwrap();
    let report = sync::sync_folder(&mut a, &folder).unwrap();
    let reasons = report.rejected.join("\n");
    assert_eq!(report.merge.refused, 3, "the three forbidden changes, not Bo's own edit: {reasons}");
    assert!(reasons.contains("changes another member's profile"), "{reasons}");
    assert!(reasons.contains("changes a member's role, which only leads may"), "{reasons}");
    assert!(reasons.contains("changes community, which only leads may"), "{reasons}");
    let viewer = hearth::viewer::Viewer::me(&a).unwrap();
    assert_eq!(members::get(a.conn(), &viewer, &ada.id).unwrap().bio.unwrap_or_default(), "", "Ada's profile is Ada's");
    let bo_seen = members::get(a.conn(), &viewer, &bo).unwrap();
    assert_eq!(bo_seen.role, members::Role::Member, "Bo did not make himself a lead");
    assert_eq!(bo_seen.bio.as_deref(), Some("I like walks"), "Bo's own edit in the same segment merged");
    assert_eq!(hearth::community::community(a.conn()).unwrap().name, "Circle");
}

#[test]
fn a_device_whose_invitation_has_not_arrived_yet_merges_once_it_does() {
    let scratch = Scratch::new();
    let folder = scratch.path("shared");
    let mut a = hearth::community::create(&scratch.path("a"), CommunityDraft::new("Circle", "")).unwrap();
    members::create_my_profile(&mut a, MemberDraft::named("Ada")).unwrap();
    let (mut b, _) = join(&mut a, "Bo", &scratch.path("b"), &folder).unwrap();
    // Ada hands Cy an invitation before syncing it.
    let invitation = hearth::community::invite(&mut a, "Cy", None).unwrap();
    let (mut c, _) =
        sync::join(&scratch.path("c"), &invitation, Some(&Target::Folder(folder.clone())), &Credentials::default())
            .unwrap();
    let idea = initiatives::propose(
        &mut c,
        initiatives::InitiativeDraft {
            title: "Reading circle".into(),
            difference: "We read together".into(),
            ..Default::default()
        },
    )
    .unwrap();
    sync::sync_folder(&mut c, &folder).unwrap();
    let waiting = sync::sync_folder(&mut b, &folder).unwrap();
    assert!(
        waiting.rejected.iter().any(|r| r.contains("waits for the invitation") && r.contains("tried again")),
        "{:?}",
        waiting.rejected
    );
    let viewer = hearth::viewer::Viewer::me(&b).unwrap();
    assert!(initiatives::get(b.conn(), &viewer, &idea.id).is_err(), "not merged before the invitation arrives");
    sync::sync_folder(&mut a, &folder).unwrap();
    let arrived = sync::sync_folder(&mut b, &folder).unwrap();
    assert!(arrived.rejected.is_empty(), "{:?}", arrived.rejected);
    assert_eq!(initiatives::get(b.conn(), &viewer, &idea.id).unwrap().title, "Reading circle");
    assert_eq!(dump(&a), dump(&b));
}

#[test]
fn the_losing_side_of_a_concurrent_edit_is_kept_for_its_author_to_restore() {
    use hearth::memories::moments::{self, MomentDraft, MomentKind};
    let scratch = Scratch::new();
    let folder = scratch.path("shared");
    let mut a = hearth::community::create(&scratch.path("a"), CommunityDraft::new("Circle", "")).unwrap();
    members::create_my_profile(&mut a, MemberDraft::named("Ada")).unwrap();
    let moment =
        moments::create(&mut a, MomentDraft::titled("Spring dinner", MomentKind::Dinner, "2025-04-11")).unwrap();
    let (mut b, _) = join(&mut a, "Bo", &scratch.path("b"), &folder).unwrap();

    // Both write "what happened" offline; Bo a little later.
    let edit = |library: &mut Library, story: &str| {
        let mut draft = MomentDraft::titled("Spring dinner", MomentKind::Dinner, "2025-04-11");
        draft.story = story.into();
        moments::update(library, &moment.id, draft).unwrap();
    };
    edit(&mut a, "Ada's account: soup, then stories until midnight.");
    std::thread::sleep(std::time::Duration::from_millis(20));
    edit(&mut b, "Bo's account: we ran out of bread.");
    sync::sync_folder(&mut a, &folder).unwrap();
    sync::sync_folder(&mut b, &folder).unwrap();
    let settled = sync::sync_folder(&mut a, &folder).unwrap();
    assert_eq!(settled.resolved, ["a moment's “what happened”"], "the report names what was settled");
    sync::sync_folder(&mut b, &folder).unwrap();
    assert_eq!(moments::get(a.conn(), &moment.id).unwrap().story, "Bo's account: we ran out of bread.");
    assert!(sync::my_revisions(&b).unwrap().is_empty(), "Bo's version won; Ada's lost text is not Bo's to see");
    let kept = sync::my_revisions(&a).unwrap();
    assert_eq!(kept.len(), 1, "{kept:?}");
    assert_eq!(kept[0].text, "Ada's account: soup, then stories until midnight.");
    assert_eq!(kept[0].current, "Bo's account: we ran out of bread.");

    sync::restore_revision(&mut a, kept[0].id).unwrap();
    sync::sync_folder(&mut a, &folder).unwrap();
    sync::sync_folder(&mut b, &folder).unwrap();
    assert_eq!(moments::get(b.conn(), &moment.id).unwrap().story, "Ada's account: soup, then stories until midnight.");
    assert!(sync::my_revisions(&a).unwrap().is_empty(), "a restored version leaves the list");
}

/// Every file under `dir`, recursively.
fn files_under(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        if entry.path().is_dir() {
            out.extend(files_under(&entry.path()));
        } else {
            out.push(entry.path());
        }
    }
    out
}

#[test]
fn an_encrypted_target_holds_nothing_readable_and_members_with_the_key_converge() {
    let scratch = Scratch::new();
    let folder = scratch.path("cloud-folder");
    let mut a = hearth::community::create(&scratch.path("a"), CommunityDraft::new("River Circle", "")).unwrap();
    members::create_my_profile(&mut a, MemberDraft::named("Ada Quietname")).unwrap();
    let (mut a, photos) = import_photos(a, &scratch.path("photos"), &[("dinner.jpg", 160, 120, 9)], None);
    let jpeg = photos[0].clone();
    let encrypt = sync::SyncOptions { encrypt: true, ..Default::default() };
    sync::sync_with(&mut a, &Target::Folder(folder.clone()), &Credentials::default(), &encrypt).unwrap();
    assert!(sync::status(&a).unwrap().encrypted);

    let (mut b, joined) = join(&mut a, "Bo", &scratch.path("b"), &folder).unwrap();
    assert_eq!(joined.files_received, 3, "the photo's three files arrive and decrypt");
    assert!(joined.rejected.is_empty(), "{:?}", joined.rejected);
    let bo = b.me().unwrap().unwrap();
    members::update_profile(&mut b, &bo, "Bo Secretive", &Default::default()).unwrap();
    for _ in 0..2 {
        sync::sync_folder(&mut b, &folder).unwrap();
        sync::sync_folder(&mut a, &folder).unwrap();
    }
    assert_eq!(dump(&a), dump(&b), "members holding the key converge");
    let record = &hearth::memories::media::records(b.conn()).unwrap()[0];
    assert_eq!(std::fs::read(hearth::store::blobs::original(b.root(), &record.hash, "jpg").unwrap()).unwrap(), jpeg);

    // Whoever holds the folder sees names and sizes, nothing more.
    for file in files_under(&folder) {
        let bytes = std::fs::read(&file).unwrap();
        for secret in [&b"Quietname"[..], b"Secretive", b"River Circle", &jpeg[..64]] {
            assert!(!bytes.windows(secret.len()).any(|w| w == secret), "{} shows {:?}", file.display(), secret);
        }
    }

    // An invitation without the key (say, from a lead on an old version) cannot join.
    let mut keyless = hearth::community::invite(&mut a, "Cy", None).unwrap();
    sync::sync_folder(&mut a, &folder).unwrap();
    keyless.community_key = None;
    let Err(hearth::Error::Target { problem: hearth::TargetProblem::NeedsInvitation, reason }) =
        sync::join(&scratch.path("c"), &keyless, Some(&Target::Folder(folder.clone())), &Credentials::default())
    else {
        panic!("joined an encrypted community without its key")
    };
    assert!(reason.contains("encrypted and this laptop has no key"), "{reason}");

    // A sealed file altered in the folder is refused, not written.
    let thumb = files_under(&folder.join("thumbs"))[0].clone();
    let mut bytes = std::fs::read(&thumb).unwrap();
    *bytes.last_mut().unwrap() ^= 1;
    std::fs::remove_file(&thumb).unwrap();
    std::fs::write(&thumb, &bytes).unwrap();
    let (d, report) = join(&mut a, "Dee", &scratch.path("d"), &folder).unwrap();
    assert!(report.rejected.iter().any(|r| r.contains("could not be decrypted")), "{:?}", report.rejected);
    assert!(!d.root().join("thumbs").join(thumb.file_name().unwrap()).exists());
}

#[test]
fn a_target_holding_plain_data_is_not_switched_to_encryption_half_way() {
    let scratch = Scratch::new();
    let folder = scratch.path("usb");
    let mut a = hearth::community::create(&scratch.path("a"), CommunityDraft::new("Circle", "")).unwrap();
    sync::sync_folder(&mut a, &folder).unwrap();
    let encrypt = sync::SyncOptions { encrypt: true, ..Default::default() };
    let Err(hearth::Error::Invalid { reason, .. }) =
        sync::sync_with(&mut a, &Target::Folder(folder.clone()), &Credentials::default(), &encrypt)
    else {
        panic!("encryption switched on over plain data")
    };
    assert!(reason.contains("already holds unencrypted data"), "{reason}");
    assert!(!sync::status(&a).unwrap().encrypted, "no key was made for nothing");
}

#[test]
fn a_removed_laptop_is_refused_everywhere_and_cannot_let_itself_back_in() {
    use rusqlite::types::Value;
    let scratch = Scratch::new();
    let folder = scratch.path("shared");
    let mut a = hearth::community::create(&scratch.path("a"), CommunityDraft::new("Circle", "")).unwrap();
    members::create_my_profile(&mut a, MemberDraft::named("Ada")).unwrap();
    let (mut b, _) = join(&mut a, "Bo", &scratch.path("b"), &folder).unwrap();
    let (mut c, _) = join(&mut a, "Cy", &scratch.path("c"), &folder).unwrap();
    sync::sync_folder(&mut b, &folder).unwrap();
    sync::sync_folder(&mut c, &folder).unwrap();
    let Err(hearth::Error::Forbidden { .. }) = roster::remove_device(&mut c, b.device()) else {
        panic!("a member removed a laptop")
    };

    // Bo's laptop is lost; Ada removes it. Whoever has it writes and syncs anyway, and even
    // tries to restore its own entry.
    roster::remove_device(&mut a, b.device()).unwrap();
    sync::sync_folder(&mut a, &folder).unwrap();
    let idea = initiatives::propose(
        &mut b,
        initiatives::InitiativeDraft {
            title: "Sell the kettle".into(),
            difference: "Money".into(),
            ..Default::default()
        },
    )
    .unwrap();
    sync::sync_folder(&mut b, &folder).unwrap();
    assert!(sync::status(&b).unwrap().removed, "Bo's laptop learns it was removed");
    // A modified app on it restores its own entry, past the local checks.
    let device = b.device().to_owned();
    forge(&b, "devices", &device, "deleted", Value::Integer(0), None);
    sync::sync_folder(&mut b, &folder).unwrap();

    for library in [&mut a, &mut c] {
        let report = sync::sync_folder(library, &folder).unwrap();
        assert!(report.rejected.iter().any(|r| r.contains("removed from the community")), "{:?}", report.rejected);
        let viewer = hearth::viewer::Viewer::me(library).unwrap();
        assert!(initiatives::get(library.conn(), &viewer, &idea.id).is_err(), "the lost laptop's proposal is refused");
        assert!(roster::devices(library).unwrap().iter().all(|d| d.id != device), "it left the roster");
    }
    assert_eq!(dump(&a), dump(&c));
}

#[test]
fn a_withdrawn_invitation_lets_no_laptop_in() {
    let scratch = Scratch::new();
    let folder = scratch.path("shared");
    let mut a = hearth::community::create(&scratch.path("a"), CommunityDraft::new("Circle", "")).unwrap();
    members::create_my_profile(&mut a, MemberDraft::named("Ada")).unwrap();
    let (mut b, _) = join(&mut a, "Bo", &scratch.path("b"), &folder).unwrap();
    sync::sync_folder(&mut a, &folder).unwrap();
    let sent_to_the_wrong_person = hearth::community::invite(&mut a, "Cy", None).unwrap();
    let names: Vec<String> = roster::pending_invitations(&a).unwrap().into_iter().map(|i| i.name).collect();
    assert_eq!(names, ["Cy"], "Bo's invitation was used; Cy's waits");
    let bo_invitation: String =
        b.conn().query_row("SELECT value FROM local_settings WHERE key = 'invitation_id'", [], |r| r.get(0)).unwrap();
    let Err(hearth::Error::Invalid { reason, .. }) = roster::withdraw_invitation(&mut a, &bo_invitation) else {
        panic!("a used invitation was withdrawn")
    };
    assert!(reason.contains("remove that laptop instead"), "{reason}");
    roster::withdraw_invitation(&mut a, &sent_to_the_wrong_person.invitation_id).unwrap();
    assert!(roster::pending_invitations(&a).unwrap().is_empty());
    sync::sync_folder(&mut a, &folder).unwrap();

    // Whoever got the code joins anyway; nobody lets their laptop in.
    let (mut intruder, _) = sync::join(
        &scratch.path("x"),
        &sent_to_the_wrong_person,
        Some(&Target::Folder(folder.clone())),
        &Credentials::default(),
    )
    .unwrap();
    members::update_profile(&mut intruder, &sent_to_the_wrong_person.member_id, "Cy", &Default::default()).unwrap();
    sync::sync_folder(&mut intruder, &folder).unwrap();
    let report = sync::sync_folder(&mut b, &folder).unwrap();
    assert!(report.rejected.iter().any(|r| r.contains("invitation a lead withdrew")), "{:?}", report.rejected);
    let refused = report.rejected.iter().filter(|r| r.starts_with(intruder.device())).count();
    assert_eq!(refused, 2, "both of the intruder's segments are refused: {report:?}");
}

#[test]
fn an_invitation_file_is_private_and_a_newer_one_replaces_it() {
    use std::os::unix::fs::PermissionsExt;
    let scratch = Scratch::new();
    let mut a = hearth::community::create(&scratch.path("a"), CommunityDraft::new("Circle", "")).unwrap();
    members::create_my_profile(&mut a, MemberDraft::named("Ada")).unwrap();
    let file = scratch.path("newcomer.hearth-invite");
    let first = hearth::community::invite(&mut a, "Bo", None).unwrap();
    roster::write_invitation(&file, &first).unwrap();
    let second = hearth::community::invite(&mut a, "Cy", None).unwrap();
    roster::write_invitation(&file, &second).unwrap();
    assert_eq!(
        roster::read_invitation(file.to_str().unwrap()).unwrap(),
        second,
        "the newer invitation is the one on disk"
    );
    assert_eq!(std::fs::metadata(&file).unwrap().permissions().mode() & 0o777, 0o600, "it holds a secret");
    assert_eq!(roster::read_invitation(&second.to_code()).unwrap(), second, "the code reads as the file does");
}

#[test]
fn a_laptop_syncing_with_two_targets_carries_changes_between_them() {
    let scratch = Scratch::new();
    let (office, stick) = (scratch.path("office-drive"), scratch.path("usb-stick"));
    let mut a = hearth::community::create(&scratch.path("a"), CommunityDraft::new("Circle", "")).unwrap();
    members::create_my_profile(&mut a, MemberDraft::named("Ada")).unwrap();
    // Bo uses both the office drive and a USB stick; Cy only ever sees the stick.
    let (mut b, _) = join(&mut a, "Bo", &scratch.path("b"), &office).unwrap();
    let for_cy = hearth::community::invite(&mut a, "Cy", None).unwrap();
    sync::sync_folder(&mut a, &office).unwrap();
    sync::sync_folder(&mut b, &office).unwrap();
    let report = sync::sync_folder(&mut b, &stick).unwrap();
    assert!(report.relayed >= 2, "the lead's segments are passed on to the stick: {report:?}");
    let (mut c, _) =
        sync::join(&scratch.path("c"), &for_cy, Some(&Target::Folder(stick.clone())), &Credentials::default()).unwrap();
    assert_eq!(c.me().unwrap().as_deref(), Some(for_cy.member_id.as_str()));

    let draft = |title: &str| initiatives::InitiativeDraft {
        title: title.into(),
        difference: "Us".into(),
        ..Default::default()
    };
    let bridge = initiatives::propose(&mut a, draft("Build a bridge")).unwrap().id;
    let (mut a, _) = import_photos(a, &scratch.path("photos"), &[("bridge.jpg", 200, 150, 3)], None);
    let photo = hearth::memories::media::records(a.conn()).unwrap()[0].hash.clone();
    sync::sync_folder(&mut a, &office).unwrap();
    let back = initiatives::propose(&mut c, draft("Walk back across")).unwrap().id;
    sync::sync_folder(&mut c, &stick).unwrap();
    for target in [&office, &stick, &office] {
        sync::sync_folder(&mut b, target).unwrap();
    }
    sync::sync_folder(&mut a, &office).unwrap();
    let report = sync::sync_folder(&mut c, &stick).unwrap();
    assert!(report.rejected.is_empty(), "every relayed segment is let in: {:?}", report.rejected);

    let sees = |library: &Library, id: &str| {
        initiatives::get(library.conn(), &hearth::viewer::Viewer::me(library).unwrap(), id).is_ok()
    };
    assert!(sees(&c, &bridge), "the lead's proposal crossed to the stick");
    assert!(c.root().join(format!("blobs/{photo}.jpg")).exists(), "and the photo with it");
    assert!(sees(&a, &back), "Cy's proposal crossed to the office drive");
    assert_eq!(dump(&a), dump(&b));
    assert_eq!(dump(&a), dump(&c));
}
