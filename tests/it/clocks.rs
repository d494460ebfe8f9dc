//! Laptops whose clocks are wrong: one that joined with its clock days fast is let in once the
//! others' clocks get there, and the leads are told why it waits (three laptops; the fast one
//! runs under `faketime`, the lead's later day comes from the clock module).

use std::process::Command;
use std::sync::Arc;

use hearth::clock::{FixedClock, Millis};
use hearth::community::CommunityDraft;
use hearth::ids::IdSource;
use hearth::people::members::{self, MemberDraft};
use hearth::sync::{self, roster};
use hearth::viewer::Viewer;
use hearth::{initiatives, Library};

use crate::support::Scratch;
use crate::sync::join;

/// The CLI on `args`, its laptop's clock `offset` ahead (a `faketime` offset such as "+2d").
fn hearth_at(offset: Option<&str>, args: &[&str]) -> String {
    let binary = env!("CARGO_BIN_EXE_hearth");
    let output = match offset {
        Some(offset) => Command::new("faketime").args(["-f", offset, binary]).args(args).output(),
        None => Command::new(binary).args(args).output(),
    }
    .expect("faketime is installed by `make test` (scripts/deps.sh)");
    assert!(output.status.success(), "hearth {args:?}: {}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn initiative_titles(library: &Library) -> Vec<String> {
    let viewer = Viewer::me(library).unwrap();
    initiatives::list(library.conn(), &viewer).unwrap().into_iter().map(|i| i.title).collect()
}

/// The fault: Sam joined while his laptop's clock was two days fast. His roster entry was set
/// aside at the lead's as stamped ahead, every later segment was refused for good as "from a
/// device the roster does not know", even after his clock was fixed, and `hearth devices` never
/// listed his laptop.
#[test]
fn a_laptop_that_joined_with_a_fast_clock_is_let_in_once_the_clock_gets_there() {
    let scratch = Scratch::new();
    let folder = scratch.path("shared");
    let mut ada = hearth::community::create(&scratch.path("ada"), CommunityDraft::new("Circle", "")).unwrap();
    members::create_my_profile(&mut ada, MemberDraft::named("Ada")).unwrap();
    sync::sync_folder(&mut ada, &folder).unwrap();
    let (mut bo, _) = join(&mut ada, "Bo", &scratch.path("bo"), &folder).unwrap();

    let invitation = hearth::community::invite(&mut ada, "Sam", None).unwrap();
    sync::sync_folder(&mut ada, &folder).unwrap();
    let sam = scratch.path("sam");
    let (sam, folder_arg) = (sam.to_str().unwrap(), folder.to_str().unwrap());
    hearth_at(Some("+2d"), &["join", sam, "--invitation", &invitation.to_code(), "--target", folder_arg]);
    hearth_at(Some("+2d"), &["sync", sam]);

    let report = sync::sync_folder(&mut ada, &folder).unwrap();
    assert!(report.merge.quarantined > 0, "Sam's roster entry is stamped two days ahead: {report:?}");
    let held = sync::set_aside_changes(&ada).unwrap();
    let entry = held.iter().find(|group| group.by == "Sam").expect("Sam's entry is listed for the leads");
    assert!(
        entry.reason.starts_with("Sam's laptop's clock was 2 days ahead")
            || entry.reason.starts_with("Sam's laptop's clock was 1 day 23 h ahead"),
        "the cause in words: {}",
        entry.reason
    );

    // Sam's clock is put right; he proposes an initiative. His segment waits at Ada's, with
    // the cause, instead of being refused as from an unknown device.
    hearth_at(None, &["initiatives", "propose", sam, "--title", "Seed swap", "--difference", "Spring seeds"]);
    hearth_at(None, &["sync", sam]);
    let report = sync::sync_folder(&mut ada, &folder).unwrap();
    let said = report.rejected.join("\n");
    assert!(said.contains("from Sam's laptop, whose clock was"), "{said}");
    assert!(!said.contains("does not know"), "not refused as unknown: {said}");
    assert!(!initiative_titles(&ada).contains(&"Seed swap".to_owned()));

    // Two days and an hour later, Ada's and Bo's laptops let Sam's in and merge what he wrote.
    let later = Millis(ada.now().0 + 50 * 3600 * 1000);
    for library in [&mut ada, &mut bo] {
        let root = library.root().to_path_buf();
        drop(std::mem::replace(library, Library::create_for_join(&scratch.path("placeholder")).unwrap()));
        std::fs::remove_dir_all(scratch.path("placeholder")).unwrap();
        *library = Library::open_with(&root, Arc::new(FixedClock::new(later, 1_000)), IdSource::random()).unwrap();
        let report = sync::sync_folder(library, &folder).unwrap();
        assert!(!report.rejected.join("\n").contains("Sam"), "nothing of Sam's waits or is refused: {report:?}");
        let laptops = roster::devices(library).unwrap();
        assert!(laptops.iter().any(|d| d.member_name == "Sam"), "Sam's laptop is in the roster: {laptops:?}");
        assert!(initiative_titles(library).contains(&"Seed swap".to_owned()), "his initiative merged");
    }
    let held = sync::set_aside_changes(&ada).unwrap();
    assert!(held.iter().all(|group| group.by != "Sam"), "nothing of Sam's is set aside any more: {held:?}");
}
