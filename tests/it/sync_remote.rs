//! Sync through real S3 (moto_server) and WebDAV (rclone) servers on loopback.

use hearth::community::CommunityDraft;
use hearth::sync::storage::{Credentials, Target};
use hearth::{sync, Library};

use crate::servers;
use crate::support::{import_photos, Scratch};
use crate::sync::three_laptops_converge;

fn s3_target(port: u16, bucket: &str) -> Target {
    Target::parse(&format!("s3://{bucket}?endpoint=http://127.0.0.1:{port}")).unwrap()
}

fn s3_credentials() -> Credentials {
    Credentials { user: "hearth-test".into(), secret: "hearth-test-secret".into() }
}

#[test]
fn three_laptops_converge_through_s3() {
    let server = servers::s3("souvenirs");
    let scratch = Scratch::new();
    three_laptops_converge(&scratch, &s3_target(server.port, "souvenirs"), &s3_credentials());
}

#[test]
fn three_laptops_converge_through_webdav() {
    let scratch = Scratch::new();
    let server = servers::webdav(&scratch.path("dav"), "ada", "correct horse");
    let target = Target::parse(&format!("http://127.0.0.1:{}/hearth", server.port)).unwrap();
    three_laptops_converge(&scratch, &target, &Credentials { user: "ada".into(), secret: "correct horse".into() });
    // Nothing half-written is left behind: every object is named as sync names them.
    let leftovers: Vec<_> = walk(&scratch.path("dav")).into_iter().filter(|p| p.ends_with(".partial")).collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

fn walk(dir: &std::path::Path) -> Vec<String> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        if entry.path().is_dir() {
            out.extend(walk(&entry.path()));
        } else {
            out.push(entry.path().display().to_string());
        }
    }
    out
}

#[test]
fn wrong_credentials_and_unreachable_servers_are_explained() {
    let scratch = Scratch::new();
    let server = servers::webdav(&scratch.path("dav"), "ada", "correct horse");
    let mut library = hearth::community::create(&scratch.path("a"), CommunityDraft::new("Circle", "")).unwrap();
    let target = Target::parse(&format!("http://127.0.0.1:{}/hearth", server.port)).unwrap();
    let wrong = Credentials { user: "ada".into(), secret: "battery staple".into() };
    let Err(hearth::Error::Target { problem: hearth::TargetProblem::CredentialsRefused, reason }) =
        sync::sync_target(&mut library, &target, &wrong)
    else {
        panic!("a wrong password synced")
    };
    assert!(reason.contains("refused the credentials"), "{reason}");

    // A port nobody listens on. Not a stopped server's port: under load another test's server
    // could take that port meanwhile (this test failed so twice). Port 1 is privileged, so no
    // test server can bind it, and nothing here listens on it.
    drop(server);
    let Err(hearth::Error::Target { problem: hearth::TargetProblem::Unreachable, reason }) =
        sync::sync_target(&mut library, &s3_target(1, "b"), &s3_credentials())
    else {
        panic!("synced with nobody")
    };
    assert!(reason.contains("cannot reach"), "{reason}");
    // Nothing was recorded as sent: the next reachable sync sends everything.
    let folder = scratch.path("usb");
    let sent = sync::sync_folder(&mut library, &folder).unwrap();
    assert!(sent.sent_ops > 10, "{sent:?}");
}

#[test]
fn the_connection_test_describes_the_target_and_writes_nothing() {
    let server = servers::s3("empty");
    let scratch = Scratch::new();
    let target = s3_target(server.port, "empty");
    let said = sync::probe(&target, &s3_credentials()).unwrap();
    assert!(said.contains("empty"), "{said}");
    let mut library = hearth::community::create(&scratch.path("a"), CommunityDraft::new("Circle", "")).unwrap();
    let said_again = sync::probe(&target, &s3_credentials()).unwrap();
    assert!(said_again.contains("empty"), "probing wrote nothing: {said_again}");
    sync::sync_target(&mut library, &target, &s3_credentials()).unwrap();
    let said = sync::probe(&target, &s3_credentials()).unwrap();
    assert!(said.contains("synced by 1 device"), "{said}");
    let probed = sync::probe(&s3_target(server.port, "missing"), &s3_credentials());
    let Err(hearth::Error::Target { problem: hearth::TargetProblem::NoBucket, reason }) = probed else {
        panic!("a missing bucket is not explained as one: {probed:?}")
    };
    assert!(reason.contains("bucket"), "{reason}");
}

#[test]
fn an_encrypted_community_sends_large_files_in_pieces_and_new_keys_through_s3() {
    use hearth::people::members::{self, MemberDraft};
    let server = servers::s3("pieces");
    let scratch = Scratch::new();
    let target = s3_target(server.port, "pieces");
    let mut a = hearth::community::create(&scratch.path("a"), CommunityDraft::new("Circle", "")).unwrap();
    members::create_my_profile(&mut a, MemberDraft::named("Ada")).unwrap();
    let (mut a, photos) = import_photos(a, &scratch.path("photos"), &[("big.jpg", 900, 700, 4)], None);
    let jpeg = &photos[0];
    // Pieces of 4 KiB: the original and its preview go in several pieces each.
    let options = sync::SyncOptions { encrypt: true, chunk_bytes: Some(4096) };
    let sent = sync::sync_with(&mut a, &target, &s3_credentials(), &options).unwrap();
    assert_eq!(sent.files_sent, 3, "{sent:?}");
    let invitation = hearth::community::invite(&mut a, "Bo", None).unwrap();
    sync::sync_with(&mut a, &target, &s3_credentials(), &options).unwrap();

    let (b, got) = sync::join(&scratch.path("b"), &invitation, Some(&target), &s3_credentials()).unwrap();
    assert!(got.rejected.is_empty(), "{:?}", got.rejected);
    assert_eq!(got.files_received, 3);
    let record = &hearth::memories::media::records(b.conn()).unwrap()[0];
    let original = std::fs::read(hearth::store::blobs::original(b.root(), &record.hash, "jpg").unwrap()).unwrap();
    assert!(jpeg.len() > 3 * 4096, "the photo is big enough to need pieces ({} bytes)", jpeg.len());
    assert_eq!(&original, jpeg, "the pieces, decrypted and joined, are the original byte for byte");

    // A lost laptop is removed: the new key travels through the bucket to Bo's laptop, not to
    // the lost one.
    let for_cy = hearth::community::invite(&mut a, "Cy", None).unwrap();
    sync::sync_with(&mut a, &target, &s3_credentials(), &options).unwrap();
    let (mut lost, _) = sync::join(&scratch.path("c"), &for_cy, Some(&target), &s3_credentials()).unwrap();
    sync::sync_with(&mut a, &target, &s3_credentials(), &options).unwrap();
    hearth::sync::roster::remove_device(&mut a, lost.device()).unwrap();
    let handed = sync::sync_with(&mut a, &target, &s3_credentials(), &options).unwrap();
    assert_eq!(handed.keys_handed_out, 1, "{handed:?}");
    let draft = hearth::initiatives::InitiativeDraft {
        title: "After the loss".into(),
        difference: "Us".into(),
        ..Default::default()
    };
    let idea = hearth::initiatives::propose(&mut a, draft).unwrap().id;
    sync::sync_with(&mut a, &target, &s3_credentials(), &options).unwrap();
    let mut b = b;
    let got = sync::sync_with(&mut b, &target, &s3_credentials(), &options).unwrap();
    assert_eq!((got.keys_received, got.locked), (1, 0), "{got:?}");
    let sees = |library: &Library| {
        let viewer = hearth::viewer::Viewer::me(library).unwrap();
        hearth::initiatives::get(library.conn(), &viewer, &idea).is_ok()
    };
    assert!(sees(&b));
    let got = sync::sync_with(&mut lost, &target, &s3_credentials(), &options).unwrap();
    assert!(got.locked > 0 && !sees(&lost), "{got:?}");
}

#[test]
fn originals_come_when_opened_or_with_a_moment_kept_offline_and_thumbnails_always() {
    use hearth::memories::moments::{self, MomentDraft, MomentKind};
    use hearth::people::members::{self, MemberDraft};
    let scratch = Scratch::new();
    let server = servers::webdav(&scratch.path("dav"), "ada", "pw");
    let target = Target::parse(&format!("http://127.0.0.1:{}/circle", server.port)).unwrap();
    let credentials = Credentials { user: "ada".into(), secret: "pw".into() };
    let mut a = hearth::community::create(&scratch.path("a"), CommunityDraft::new("Circle", "")).unwrap();
    members::create_my_profile(&mut a, MemberDraft::named("Ada")).unwrap();
    sync::sync_remembered(&mut a, Some(&target.to_string()), Some(credentials.clone()), &Default::default()).unwrap();
    // The password is remembered beside the database, readable only by its user, and the
    // next sync needs no credentials.
    use std::os::unix::fs::PermissionsExt;
    let remembered = std::fs::metadata(a.root().join("sync-credentials.json")).unwrap();
    assert_eq!(remembered.permissions().mode() & 0o777, 0o600);
    assert_eq!(sync::status(&a).unwrap().user.as_deref(), Some("ada"));
    let invitation = hearth::community::invite(&mut a, "Bo", None).unwrap();
    sync::sync_remembered(&mut a, None, None, &Default::default()).unwrap();
    let (mut b, _) = sync::join(&scratch.path("b"), &invitation, None, &credentials).unwrap();
    sync::set_originals_on_demand(&b, true).unwrap();

    // Ada imports a dinner (kept offline by Bo) and a walk (not).
    let dinner = moments::create(&mut a, MomentDraft::titled("Dinner", MomentKind::Dinner, "2025-04-11")).unwrap();
    let hash = |bytes: &[u8]| blake3::hash(bytes).to_hex().to_string();
    let (a, dinner_photo) =
        import_photos(a, &scratch.path("dinner"), &[("dinner.jpg", 300, 200, 21)], Some(&dinner.id));
    let (mut a, walk_photo) = import_photos(a, &scratch.path("walk"), &[("walk.jpg", 300, 200, 22)], None);
    let (dinner_hash, walk_hash) = (hash(&dinner_photo[0]), hash(&walk_photo[0]));
    sync::sync_remembered(&mut a, None, None, &Default::default()).unwrap();
    sync::keep_offline(&b, "moment", &dinner.id, true).unwrap();
    let got = sync::sync_remembered(&mut b, None, None, &Default::default()).unwrap();
    assert_eq!(got.files_received, 5, "two thumbnails, two previews, and only the kept dinner's original: {got:?}");
    let original = |hash: &str| hearth::store::blobs::original(b.root(), hash, "jpg").unwrap();
    assert!(original(&dinner_hash).is_file());
    assert!(!original(&walk_hash).exists(), "the walk's original waits until it is opened");
    assert!(hearth::store::blobs::thumb(b.root(), &walk_hash).unwrap().is_file(), "thumbnails always come");

    // Opening it fetches it (decrypted and checked like any transfer).
    let (root, source, secrets) = sync::original_source(&b).unwrap();
    let fetched = sync::fetch_original(&root, &source, &secrets, &walk_hash, "jpg").unwrap();
    assert_eq!(blake3::hash(&std::fs::read(fetched).unwrap()).to_hex().as_str(), walk_hash);

    // Offline, an original not fetched yet is explained, not silently missing.
    drop(server);
    std::fs::remove_file(original(&walk_hash)).unwrap();
    let (root, source, secrets) = sync::original_source(&b).unwrap();
    let fetched = sync::fetch_original(&root, &source, &secrets, &walk_hash, "jpg");
    let Err(hearth::Error::Target { problem: hearth::TargetProblem::Unreachable, reason }) = fetched else {
        panic!("a server that is gone is explained as out of reach, not {fetched:?}")
    };
    assert!(reason.contains("cannot reach"), "{reason}");
}
