//! Community keys after a laptop is removed: a new key seals what is shared from then on,
//! handed to every laptop still in the roster and to nobody else.

use std::path::Path;

use base64::Engine;
use hearth::community::CommunityDraft;
use hearth::initiatives::{self, InitiativeDraft};
use hearth::people::members::{self, MemberDraft};
use hearth::sync::storage::{Credentials, Target};
use hearth::viewer::Viewer;
use hearth::{sync, sync::roster, Library};

use crate::support::{import_photos, Scratch};
use crate::sync::{dump, join};

fn encrypted_lead(scratch: &Scratch, folder: &Path) -> Library {
    let mut a = hearth::community::create(&scratch.path("a"), CommunityDraft::new("Circle", "")).unwrap();
    members::create_my_profile(&mut a, MemberDraft::named("Ada")).unwrap();
    let encrypt = sync::SyncOptions { encrypt: true, ..Default::default() };
    sync::sync_with(&mut a, &Target::Folder(folder.to_path_buf()), &Credentials::default(), &encrypt).unwrap();
    a
}

/// A lead and two members (Bo, Cy) on an encrypted folder, every laptop up to date.
fn lead_with_two_members(scratch: &Scratch, folder: &Path) -> (Library, Library, Library) {
    let mut a = encrypted_lead(scratch, folder);
    let (mut b, _) = join(&mut a, "Bo", &scratch.path("b"), folder).unwrap();
    let (mut c, _) = join(&mut a, "Cy", &scratch.path("c"), folder).unwrap();
    for library in [&mut a, &mut b, &mut c] {
        sync::sync_folder(library, folder).unwrap();
    }
    (a, b, c)
}

fn propose(library: &mut Library, title: &str) -> String {
    let draft = InitiativeDraft { title: title.into(), difference: "Us".into(), ..Default::default() };
    initiatives::propose(library, draft).unwrap().id
}

fn sees(library: &Library, initiative: &str) -> bool {
    initiatives::get(library.conn(), &Viewer::me(library).unwrap(), initiative).is_ok()
}

/// The envelope files in the target, as (key id, device).
fn envelopes(folder: &Path) -> Vec<(String, String)> {
    let mut found = Vec::new();
    for key in std::fs::read_dir(folder.join("keys")).into_iter().flatten().flatten() {
        for file in std::fs::read_dir(key.path()).unwrap().flatten() {
            let device = file.file_name().to_string_lossy().trim_end_matches(".json").to_owned();
            found.push((key.file_name().to_string_lossy().into_owned(), device));
        }
    }
    found
}

#[test]
fn a_removed_laptop_cannot_read_what_is_shared_after_its_removal() {
    let scratch = Scratch::new();
    let folder = scratch.path("shared");
    let mut a = encrypted_lead(&scratch, &folder);
    let (mut b, _) = join(&mut a, "Bo", &scratch.path("b"), &folder).unwrap();
    let (mut c, _) = join(&mut a, "Cy", &scratch.path("c"), &folder).unwrap();
    // Eve's invitation is written before the removal and used after it: it holds only the
    // first key.
    let for_eve = hearth::community::invite(&mut a, "Eve", None).unwrap();
    let before = propose(&mut a, "Shared before");
    for library in [&mut a, &mut b, &mut c] {
        sync::sync_folder(library, &folder).unwrap();
    }
    assert!(sees(&c, &before));

    roster::remove_device(&mut a, c.device()).unwrap();
    let report = sync::sync_folder(&mut a, &folder).unwrap();
    assert_eq!(report.keys_handed_out, 1, "the new key is sealed for Bo's laptop, the only other one left");
    let sealed_for: Vec<String> = envelopes(&folder).into_iter().map(|(_, device)| device).collect();
    assert_eq!(sealed_for, [b.device().to_owned()], "nothing is sealed for the removed laptop");

    let report = sync::sync_folder(&mut b, &folder).unwrap();
    assert_eq!(report.keys_received, 1, "{report:?}");
    assert_eq!(report.locked, 0, "Bo reads the lead's segment sealed with the new key");
    let after = propose(&mut b, "Shared after");
    let (mut b, _) = import_photos(b, &scratch.path("photos"), &[("after.jpg", 180, 120, 5)], None);
    let photo = hearth::memories::media::records(b.conn()).unwrap()[0].hash.clone();
    sync::sync_folder(&mut b, &folder).unwrap();
    let report = sync::sync_folder(&mut a, &folder).unwrap();
    assert_eq!(report.locked, 0);
    assert!(sees(&a, &after), "the lead reads what Bo sealed with the new key");
    assert_eq!(dump(&a), dump(&b));

    let report = sync::sync_folder(&mut c, &folder).unwrap();
    assert!(report.locked >= 2, "the removed laptop cannot open what came after: {report:?}");
    assert!(!sees(&c, &after), "nor does it learn of Bo's proposal");
    assert!(sees(&c, &before), "what it had stays");
    assert!(!c.root().join(format!("blobs/{photo}.jpg")).exists(), "nor does Bo's photo reach it");
    assert!(!c.root().join(format!("thumbs/{photo}.webp")).exists());
    assert!(sync::status(&c).unwrap().removed, "the lead's signed notice tells it it was removed");
    assert!(!sync::status(&b).unwrap().removed);

    // Eve joins with her older invitation: she waits for the new key, which the lead hands
    // her at their next sync; then she reads everything.
    let (mut eve, report) =
        sync::join(&scratch.path("e"), &for_eve, Some(&Target::Folder(folder.clone())), &Credentials::default())
            .unwrap();
    assert!(report.locked > 0, "the newest segments wait for her key: {report:?}");
    let report = sync::sync_folder(&mut a, &folder).unwrap();
    assert_eq!(report.keys_handed_out, 1, "the lead seals the new key for Eve's laptop");
    let report = sync::sync_folder(&mut eve, &folder).unwrap();
    assert_eq!((report.keys_received, report.locked), (1, 0), "{report:?}");
    assert!(sees(&eve, &after));
    assert!(eve.root().join(format!("blobs/{photo}.jpg")).exists(), "the photo sealed with the new key arrives");

    // Dee is invited after the removal: her invitation holds both keys.
    let (dee, report) = join(&mut a, "Dee", &scratch.path("d"), &folder).unwrap();
    assert_eq!(report.locked, 0, "{report:?}");
    assert!(sees(&dee, &after) && sees(&dee, &before));
    for library in [&mut a, &mut b, &mut eve] {
        sync::sync_folder(library, &folder).unwrap();
    }
    assert_eq!(dump(&a), dump(&b));
    assert_eq!(dump(&a), dump(&eve));
}

/// Writes an envelope as a laptop would: `key` sealed for `for_device`, signed with the key
/// of the laptop at `signer_root`.
fn plant_key(folder: &Path, signer_root: &Path, for_device: &str, for_public: &str, made_at: i64) {
    let b64 = base64::engine::general_purpose::STANDARD;
    let recipient =
        ed25519_dalek::VerifyingKey::from_bytes(&b64.decode(for_public).unwrap().try_into().unwrap()).unwrap();
    let key = hearth::sync::crypto::CommunityKey::generate().unwrap();
    let body = serde_json::json!({
        "key_id": key.id(),
        "device": for_device,
        "made_at": made_at,
        "sealed": b64.encode(hearth::sync::crypto::seal_for(&key, &recipient).unwrap()),
    })
    .to_string();
    let dir = folder.join("keys").join(key.id());
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join(format!("{for_device}.json")), signed_by(signer_root, &body)).unwrap();
}

/// `body` signed as the laptop at `root` signs what it stores: a header line with its public
/// key and the signature, then the body.
fn signed_by(root: &Path, body: &str) -> String {
    use ed25519_dalek::Signer;
    let b64 = base64::engine::general_purpose::STANDARD;
    let secret = b64.decode(std::fs::read_to_string(root.join("device.key")).unwrap().trim()).unwrap();
    let signer = ed25519_dalek::SigningKey::from_bytes(&secret.try_into().unwrap());
    let header = serde_json::json!({
        "public_key": b64.encode(signer.verifying_key().as_bytes()),
        "signature": b64.encode(signer.sign(body.as_bytes()).to_bytes()),
    });
    format!("{header}\n{body}")
}

fn public_key(library: &Library) -> String {
    library.conn().query_row("SELECT public_key FROM devices WHERE id = ?1", [library.device()], |r| r.get(0)).unwrap()
}

#[test]
fn a_key_planted_by_anyone_but_a_lead_is_refused() {
    let scratch = Scratch::new();
    let folder = scratch.path("shared");
    let (mut a, mut b, mut c) = lead_with_two_members(&scratch, &folder);
    roster::remove_device(&mut a, c.device()).unwrap();
    sync::sync_folder(&mut a, &folder).unwrap();

    // The removed laptop plants a key of its own for Bo, newer than any; Bo (a member, not a
    // lead) plants one for the lead. Had either been taken, what its holder seals next would
    // be readable by the planter.
    let far_future = i64::MAX / 2;
    plant_key(&folder, c.root(), b.device(), &public_key(&b), far_future);
    plant_key(&folder, b.root(), a.device(), &public_key(&a), far_future);
    let report = sync::sync_folder(&mut b, &folder).unwrap();
    assert_eq!(report.keys_received, 1, "the lead's key is taken: {report:?}");
    assert!(
        report.rejected.iter().any(|r| r.contains("may not hand out community keys")),
        "the removed laptop's key is refused: {:?}",
        report.rejected
    );
    let report = sync::sync_folder(&mut a, &folder).unwrap();
    assert!(
        report.rejected.iter().any(|r| r.contains("may not hand out community keys")),
        "a member's key is refused: {:?}",
        report.rejected
    );

    let idea = propose(&mut b, "Sealed for the community only");
    sync::sync_folder(&mut b, &folder).unwrap();
    let report = sync::sync_folder(&mut a, &folder).unwrap();
    assert_eq!(report.locked, 0, "Bo sealed with the lead's key, not a planted one");
    assert!(sees(&a, &idea));
    let report = sync::sync_folder(&mut c, &folder).unwrap();
    assert!(report.locked > 0 && !sees(&c, &idea), "the planter cannot read it: {report:?}");
    assert_eq!(dump(&a), dump(&b));
}

fn hearth(args: &[&std::ffi::OsStr]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_hearth")).args(args).output().unwrap()
}

#[test]
fn the_cli_lists_laptops_removes_one_and_the_next_syncs_hand_the_new_key_over() {
    let scratch = Scratch::new();
    let folder = scratch.path("shared");
    let (a, b, c) = lead_with_two_members(&scratch, &folder);
    let (a_root, b_root) = (a.root().as_os_str().to_owned(), b.root().as_os_str().to_owned());
    let (a_device, c_device) = (a.device().to_owned(), c.device().to_owned());
    drop((a, b, c));

    let out = hearth(&["devices".as_ref(), &a_root, "--json".as_ref()]);
    let listed: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(listed.as_array().unwrap().len(), 3, "{listed}");
    let out = hearth(&["devices".as_ref(), &a_root, "--remove".as_ref(), c_device.as_ref()]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(text.contains("Bo's laptop") && !text.contains("Cy's laptop"), "{text}");
    let out = hearth(&["sync".as_ref(), &a_root, "--target".as_ref(), folder.as_os_str()]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("sealed the community's keys for other laptops 1 time(s)"),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = hearth(&["sync".as_ref(), &b_root, "--target".as_ref(), folder.as_os_str()]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("received 1 new community key(s) from a lead"), "{text}");
    let out = hearth(&["devices".as_ref(), &b_root, "--remove".as_ref(), a_device.as_ref()]);
    assert!(!out.status.success(), "a member removed the lead's laptop");
    assert!(String::from_utf8_lossy(&out.stderr).contains("only the community's leads"));
}

#[test]
fn a_new_key_reaches_a_laptop_on_another_target_through_one_that_syncs_with_both() {
    let scratch = Scratch::new();
    let (office, stick) = (scratch.path("office-drive"), scratch.path("usb-stick"));
    let mut a = encrypted_lead(&scratch, &office);
    let (mut b, _) = join(&mut a, "Bo", &scratch.path("b"), &office).unwrap();
    let (lost, _) = join(&mut a, "Lu", &scratch.path("lost"), &office).unwrap();
    let for_cy = hearth::community::invite(&mut a, "Cy", None).unwrap();
    sync::sync_folder(&mut a, &office).unwrap();
    for target in [&office, &stick] {
        sync::sync_folder(&mut b, target).unwrap();
    }
    let (mut c, _) =
        sync::join(&scratch.path("c"), &for_cy, Some(&Target::Folder(stick.clone())), &Credentials::default()).unwrap();
    // Cy's laptop reaches the lead's roster by way of Bo's.
    for target in [&stick, &office] {
        sync::sync_folder(&mut b, target).unwrap();
    }
    sync::sync_folder(&mut a, &office).unwrap();

    roster::remove_device(&mut a, lost.device()).unwrap();
    let report = sync::sync_folder(&mut a, &office).unwrap();
    assert_eq!(report.keys_handed_out, 2, "sealed for Bo's laptop and Cy's, not the lost one");
    let news = propose(&mut a, "Sealed anew");
    sync::sync_folder(&mut a, &office).unwrap();
    for target in [&office, &stick] {
        sync::sync_folder(&mut b, target).unwrap();
    }
    assert_eq!(envelopes(&stick).len(), 2, "Bo's laptop passed the lead's envelopes on to the stick");
    let report = sync::sync_folder(&mut c, &stick).unwrap();
    assert_eq!((report.keys_received, report.locked), (1, 0), "{report:?}");
    assert!(sees(&c, &news), "Cy reads what the lead sealed with the new key");
    assert_eq!(dump(&a), dump(&c));
}

/// Writes a removal notice for `device`, signed by the laptop at `signer_root`.
fn plant_notice(folder: &Path, signer_root: &Path, device: &str) {
    let body = serde_json::json!({ "removed": device }).to_string();
    std::fs::create_dir_all(folder.join("removed")).unwrap();
    std::fs::write(folder.join(format!("removed/{device}.json")), signed_by(signer_root, &body)).unwrap();
}

#[test]
fn only_a_lead_can_tell_a_laptop_it_was_removed() {
    let scratch = Scratch::new();
    let folder = scratch.path("shared");
    let (mut a, mut b, c) = lead_with_two_members(&scratch, &folder);
    roster::remove_device(&mut a, c.device()).unwrap();
    sync::sync_folder(&mut a, &folder).unwrap();
    propose(&mut a, "Sealed anew");
    sync::sync_folder(&mut a, &folder).unwrap();
    // Bo's key has not reached the folder yet (say, it was lost in transit), and the removed
    // laptop, then Bo's own, claim Bo was removed.
    for (key_id, device) in envelopes(&folder) {
        std::fs::remove_file(folder.join(format!("keys/{key_id}/{device}.json"))).unwrap();
    }
    plant_notice(&folder, c.root(), b.device());
    let report = sync::sync_folder(&mut b, &folder).unwrap();
    assert!(report.locked > 0, "{report:?}");
    assert!(!sync::status(&b).unwrap().removed, "the removed laptop cannot say Bo was removed");
    plant_notice(&folder, b.root(), b.device());
    sync::sync_folder(&mut b, &folder).unwrap();
    assert!(!sync::status(&b).unwrap().removed, "nor can a member, of themselves");
    // The lead's next sync passes its own copy of Bo's envelope on again; Bo reads everything.
    let report = sync::sync_folder(&mut a, &folder).unwrap();
    assert_eq!((report.relayed, report.keys_handed_out), (1, 0), "{report:?}");
    let report = sync::sync_folder(&mut b, &folder).unwrap();
    assert_eq!((report.keys_received, report.locked), (1, 0), "{report:?}");
    assert_eq!(dump(&a), dump(&b));
}
