//! Crash tests: a `hearth sync` child process is killed with SIGKILL at a named point in the
//! middle of its work; the next sync loses nothing and applies nothing twice.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};

use hearth::community::CommunityDraft;
use hearth::people::members::{self, MemberDraft};
use hearth::sync::storage::{Credentials, Target};
use hearth::{sync, Library};

use crate::support::{import_photos, Scratch};
use crate::sync::dump;

/// Runs `hearth sync` on `library` until it says it paused at `point`, then kills it with
/// SIGKILL (no chance to tidy up).
fn sync_killed_at(library: &Path, folder: &Path, point: &str) {
    sync_killed_at_with(library, folder, point, &[]);
}

/// Like [`sync_killed_at`], with extra arguments for the sync.
fn sync_killed_at_with(library: &Path, folder: &Path, point: &str, extra: &[&str]) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_hearth"))
        .arg("sync")
        .arg(library)
        .arg("--target")
        .arg(folder)
        .args(extra)
        .env("HEARTH_SYNC_PAUSE_AT", point)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the hearth binary runs");
    let stderr = child.stderr.take().unwrap();
    let mut said = String::new();
    for line in BufReader::new(stderr).lines() {
        let line = line.unwrap();
        if line == format!("paused at {point}") {
            child.kill().expect("SIGKILL");
            child.wait().unwrap();
            return;
        }
        said.push_str(&line);
    }
    panic!("the sync ended without reaching {point}: {said} ({:?})", child.wait());
}

/// Every media file in a library is whole: its name's hash matches its bytes (originals),
/// and no half-written file is left where the gallery would read it.
fn media_whole(root: &Path) {
    for entry in std::fs::read_dir(root.join("blobs")).into_iter().flatten().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.ends_with(".partial") {
            continue; // a temporary name, never read as media
        }
        let hash = name.split('.').next().unwrap();
        assert_eq!(blake3::hash(&std::fs::read(entry.path()).unwrap()).to_hex().as_str(), hash, "{name} is whole");
    }
}

fn lead_with_photos(scratch: &Scratch, folder: &Path) -> (Library, Library) {
    let mut a = hearth::community::create(&scratch.path("a"), CommunityDraft::new("Circle", "")).unwrap();
    members::create_my_profile(&mut a, MemberDraft::named("Ada")).unwrap();
    sync::sync_folder(&mut a, folder).unwrap();
    let invitation = hearth::community::invite(&mut a, "Bo", None).unwrap();
    sync::sync_folder(&mut a, folder).unwrap();
    let (b, _) = sync::join(
        &scratch.path("b"),
        &invitation,
        Some(&Target::Folder(folder.to_path_buf())),
        &Credentials::default(),
    )
    .unwrap();
    // Several segments and several photos wait for B.
    let names: Vec<String> = (0..6).map(|i| format!("p{i}.jpg")).collect();
    let photos: Vec<(&str, u32, u32, u64)> =
        names.iter().enumerate().map(|(i, name)| (name.as_str(), 200 + i as u32 * 10, 150, i as u64 + 11)).collect();
    let (mut a, _) = import_photos(a, &scratch.path("photos"), &photos, None);
    sync::sync_folder(&mut a, folder).unwrap();
    for name in ["Cy", "Dee", "Eli"] {
        members::create_member(&mut a, MemberDraft::named(name)).unwrap();
        sync::sync_folder(&mut a, folder).unwrap();
    }
    (a, b)
}

#[test]
fn a_sync_killed_while_merging_or_receiving_resumes_without_loss_or_repeats() {
    let scratch = Scratch::new();
    let folder = scratch.path("shared");
    let (a, b) = lead_with_photos(&scratch, &folder);
    let b_root = b.root().to_path_buf();
    drop(b);

    sync_killed_at(&b_root, &folder, "file-received");
    let media_files = |root: &Path| {
        ["blobs", "thumbs", "previews"]
            .iter()
            .map(|f| std::fs::read_dir(root.join(f)).map(|d| d.count()).unwrap_or(0))
            .sum::<usize>()
    };
    assert!(media_files(&b_root) < 18, "killed while the 18 files were still arriving");
    sync_killed_at(&b_root, &folder, "segment-merged");
    let mut b = Library::open(&b_root).unwrap();
    let merged_before: i64 = b.conn().query_row("SELECT count(*) FROM merged_segments", [], |r| r.get(0)).unwrap();
    let report = sync::sync_folder(&mut b, &folder).unwrap();
    let merged_after: i64 = b.conn().query_row("SELECT count(*) FROM merged_segments", [], |r| r.get(0)).unwrap();
    assert!(merged_before > 1, "the killed sync had merged a segment for good before it died");
    assert_eq!(
        merged_after - merged_before,
        i64::from(report.segments_read),
        "the rerun reads only what was not merged: {report:?}"
    );
    assert_eq!(report.merge.superseded, 0, "nothing the killed sync applied is applied again: {report:?}");
    assert_eq!(dump(&a), dump(&b), "B holds everything A wrote");
    assert_eq!(hearth::memories::media::records(b.conn()).unwrap().len(), 6);
    for record in hearth::memories::media::records(b.conn()).unwrap() {
        assert!(
            hearth::store::blobs::original(&b_root, &record.hash, "jpg").unwrap().is_file(),
            "{} arrived",
            record.hash
        );
    }
    media_whole(&b_root);
}

#[test]
fn a_sync_killed_after_writing_its_segment_sends_it_again_and_it_counts_once() {
    let scratch = Scratch::new();
    let folder = scratch.path("shared");
    let (a, mut b) = lead_with_photos(&scratch, &folder);
    sync::sync_folder(&mut b, &folder).unwrap();
    let a_root = a.root().to_path_buf();
    drop(a);
    let mut a = Library::open(&a_root).unwrap();
    members::create_member(&mut a, MemberDraft::named("Fay")).unwrap();
    drop(a);

    sync_killed_at(&a_root, &folder, "segment-written");
    let mut a = Library::open(&a_root).unwrap();
    let again = sync::sync_folder(&mut a, &folder).unwrap();
    assert!(again.sent_ops > 0, "what was written but not recorded as sent goes again: {again:?}");
    let report = sync::sync_folder(&mut b, &folder).unwrap();
    assert_eq!(report.segments_read, 2, "the orphaned segment and its resend both arrive");
    assert!(report.merge.superseded > 0, "the resend's ops are recognised as already applied: {report:?}");
    assert_eq!(dump(&a), dump(&b));
    let fays = members::list(b.conn(), &hearth::viewer::Viewer::anonymous())
        .unwrap()
        .into_iter()
        .filter(|m| m.display_name == "Fay")
        .count();
    assert_eq!(fays, 1, "Fay exists once");
}

#[test]
fn a_file_sent_in_pieces_resumes_both_ways_after_a_kill() {
    let scratch = Scratch::new();
    let folder = scratch.path("shared");
    let mut a = hearth::community::create(&scratch.path("a"), CommunityDraft::new("Circle", "")).unwrap();
    members::create_my_profile(&mut a, MemberDraft::named("Ada")).unwrap();
    sync::sync_folder(&mut a, &folder).unwrap();
    let invitation = hearth::community::invite(&mut a, "Bo", None).unwrap();
    sync::sync_folder(&mut a, &folder).unwrap();
    let (b, _) =
        sync::join(&scratch.path("b"), &invitation, Some(&Target::Folder(folder.clone())), &Credentials::default())
            .unwrap();
    let (a, photos) = import_photos(a, &scratch.path("photos"), &[("big.jpg", 900, 700, 4)], None);
    let jpeg = &photos[0];
    let hash = hearth::memories::media::records(a.conn()).unwrap()[0].hash.clone();
    let (a_root, b_root) = (a.root().to_path_buf(), b.root().to_path_buf());
    drop((a, b));
    let pieces = ["--chunk-bytes", "4096"];
    let manifest = folder.join(format!("blobs/{hash}.jpg.chunks"));

    // Killed after sending its first piece: the file is not visible yet (no manifest).
    // (The original, its preview and its thumbnail all go in pieces, side by side: any may be
    // first.)
    sync_killed_at_with(&a_root, &folder, "piece-sent", &pieces);
    let manifests = |dir: &str| {
        let files = std::fs::read_dir(folder.join(dir)).into_iter().flatten().flatten();
        files.filter(|e| e.path().to_string_lossy().ends_with(".chunks")).count()
    };
    let media = ["blobs", "thumbs", "previews"];
    assert_eq!(media.iter().map(|d| manifests(d)).sum::<usize>(), 0, "half a file is never announced");
    let pieces_sent: usize = media
        .iter()
        .filter_map(|d| std::fs::read_dir(folder.join("chunks").join(d)).ok())
        .flat_map(|files| files.map(|f| std::fs::read_dir(f.unwrap().path()).unwrap().count()))
        .sum();
    assert!(pieces_sent >= 1, "a piece went before the kill");
    let mut a = Library::open(&a_root).unwrap();
    let options = sync::SyncOptions { chunk_bytes: Some(4096), ..Default::default() };
    sync::sync_with(&mut a, &Target::Folder(folder.clone()), &Credentials::default(), &options).unwrap();
    assert!(manifest.exists(), "the resumed upload finished the file");

    // Killed after receiving its first piece: the rest is fetched next time, and only the rest.
    sync_killed_at_with(&b_root, &folder, "piece-received", &[]);
    let incoming = b_root.join(format!("blobs/{hash}.jpg.incoming"));
    let kept = std::fs::metadata(&incoming).expect("the pieces so far are kept").len();
    assert!(kept >= 4096 && kept < jpeg.len() as u64, "{kept} of {} bytes", jpeg.len());
    let mut b = Library::open(&b_root).unwrap();
    let report = sync::sync_folder(&mut b, &folder).unwrap();
    assert!(report.rejected.is_empty(), "{:?}", report.rejected);
    assert!(!incoming.exists(), "the finished file took its name");
    assert_eq!(&std::fs::read(b_root.join(format!("blobs/{hash}.jpg"))).unwrap(), jpeg);
    assert_eq!(dump(&a), dump(&b));
}
