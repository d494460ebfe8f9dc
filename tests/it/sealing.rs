//! Private by possession: care notes, their messages, leads-only and only-me profile fields and
//! stories for chosen readers reach only their audience's laptops, sealed; the laptop of a
//! member outside the audience, and the sync target, hold only ciphertext.

use std::collections::BTreeMap;
use std::path::Path;

use hearth::community::CommunityDraft;
use hearth::people::care::{self, CareAudience, CareNoteDraft};
use hearth::people::members::{self, MemberDraft, ProfileFields, Role};
use hearth::people::stories::{self, StoryDraft, StoryKind, StoryVisibility};
use hearth::sync::storage::{Credentials, Store, Target};
use hearth::viewer::{Viewer, Visibility};
use hearth::{sync, sync::roster, Library};

use crate::support::Scratch;

// Each secret is one word no other text holds, so a search of the bytes finds any copy (the
// row, the search index, a log, a kept segment).
const NOTE: &str = "Quillworth";
const MESSAGE: &str = "Brambleton";
const BIO: &str = "Fennimore";
const CONTACT: &str = "Oxleigh";
const STORY: &str = "Marrowdale";
const FOR_MO: &str = "Thistlecombe";
const AFTER: &str = "Wrenfield";
const LEA_HOME: &str = "Pemberleigh";

#[test]
fn restricted_data_reaches_only_its_audience_through_a_folder() {
    let scratch = Scratch::new();
    let folder = scratch.path("shared");
    private_by_possession(&scratch, &Target::Folder(folder), &Credentials::default());
}

#[test]
fn restricted_data_reaches_only_its_audience_through_s3() {
    let server = crate::servers::s3("ward");
    let scratch = Scratch::new();
    let target = Target::parse(&format!("s3://ward?endpoint=http://127.0.0.1:{}", server.port)).unwrap();
    let credentials = Credentials { user: "hearth-test".into(), secret: "hearth-test-secret".into() };
    private_by_possession(&scratch, &target, &credentials);
}

/// Lea leads; a care note is about Mo; Oz is in neither audience. Then Oz becomes a lead (and
/// reads the older leads-only data) and steps down (and reads nothing written after).
fn private_by_possession(scratch: &Scratch, target: &Target, credentials: &Credentials) {
    let sync = |library: &mut Library| sync::sync_with(library, target, credentials, &Default::default()).unwrap();
    let mut lea = hearth::community::create(&scratch.path("lea"), CommunityDraft::new("Ward 7", "")).unwrap();
    members::create_my_profile(&mut lea, MemberDraft::named("Lea")).unwrap();
    sync(&mut lea);
    let join = |lead: &mut Library, name: &str| {
        let invitation = hearth::community::invite(lead, name, None).unwrap();
        sync(lead);
        sync::join(&scratch.path(name), &invitation, Some(target), credentials).unwrap().0
    };
    let mut mo = join(&mut lea, "mo");
    let mut oz = join(&mut lea, "oz");
    let (mo_id, oz_id) = (mo.me().unwrap().unwrap(), oz.me().unwrap().unwrap());

    // Mo shares a struggle with the leads, a bio for the leads, a contact for no one, and a
    // story for the leads.
    let note = care::share_care_note(
        &mut mo,
        CareNoteDraft {
            member_id: None,
            consent: String::new(),
            audience_kind: CareAudience::Leads,
            audience: vec![],
            title: "A hard month".into(),
            body: format!("My mother died last week. {NOTE}"),
        },
    )
    .unwrap()
    .id;
    let profile = ProfileFields {
        bio: format!("Night nurse. {BIO}"),
        contact: format!("{CONTACT}@example.org"),
        visibility: BTreeMap::from([("bio".into(), Visibility::Leads), ("contact".into(), Visibility::OnlyMe)]),
        ..Default::default()
    };
    members::update_profile(&mut mo, &mo_id, "Mo", &profile).unwrap();
    stories::write_story(&mut mo, story(&format!("The night the power went. {STORY}"), StoryVisibility::Leads, vec![]))
        .unwrap();
    for library in [&mut mo, &mut lea, &mut oz] {
        sync(library);
    }
    // Lea keeps where she lives to the leads.
    let lea_id = lea.me().unwrap().unwrap();
    let lea_profile = ProfileFields {
        location: format!("{LEA_HOME} Street"),
        visibility: BTreeMap::from([("location".into(), Visibility::Leads)]),
        ..Default::default()
    };
    members::update_profile(&mut lea, &lea_id, "Lea", &lea_profile).unwrap();
    // Lea answers the note and writes a story for Mo alone.
    care::offer_support(&mut lea, &note, &format!("Thinking of you. {MESSAGE}")).unwrap();
    stories::write_story(
        &mut lea,
        story(&format!("For you, Mo. {FOR_MO}"), StoryVisibility::Members, vec![mo_id.clone()]),
    )
    .unwrap();
    for library in [&mut lea, &mut mo, &mut oz] {
        sync(library);
    }

    // The audience reads it all.
    let lea_reads = reads(&lea, &mo_id);
    assert!(lea_reads.contains(NOTE) && lea_reads.contains(MESSAGE), "the lead reads the note and its messages");
    assert!(lea_reads.contains(BIO) && lea_reads.contains(STORY), "and the leads-only field and story");
    let mo_reads = reads(&mo, &mo_id);
    for secret in [NOTE, MESSAGE, BIO, CONTACT, STORY, FOR_MO] {
        assert!(mo_reads.contains(secret), "Mo reads {secret}: it is his, or for him");
    }
    // Nobody else holds any of it: not Oz's laptop, not the target; not even the lead holds
    // Mo's only-me contact.
    for secret in [NOTE, MESSAGE, BIO, CONTACT, STORY, FOR_MO, LEA_HOME] {
        assert_eq!(holding(oz.root(), secret), Vec::<String>::new(), "Oz's laptop holds no {secret}");
        assert_eq!(target_holding(target, credentials, secret), Vec::<String>::new(), "the target holds no {secret}");
    }
    assert_eq!(holding(lea.root(), CONTACT), Vec::<String>::new(), "the lead's laptop holds no only-me field");
    let oz_sees = members::get(oz.conn(), &Viewer::me(&oz).unwrap(), &mo_id).unwrap();
    assert_eq!(oz_sees.display_name, "Mo", "what is for everyone still travels");

    // Oz becomes a lead: the next syncs bring the leads' keys, and what was sealed to them
    // before opens from the segments Oz's laptop kept.
    members::set_role(&mut lea, &oz_id, Role::Lead).unwrap();
    sync(&mut lea);
    let report = sync(&mut oz);
    assert!(report.keys_received >= 1, "{report:?}");
    let oz_reads = reads(&oz, &mo_id);
    for secret in [NOTE, MESSAGE, BIO, STORY] {
        assert!(oz_reads.contains(secret), "a new lead reads the older leads-only {secret}");
    }
    let lea_seen = members::get(oz.conn(), &Viewer::me(&oz).unwrap(), &lea_id).unwrap();
    assert!(
        lea_seen.location.unwrap_or_default().contains(LEA_HOME),
        "and the founder's leads-only field: {:?}",
        report.rejected
    );
    for secret in [CONTACT, FOR_MO] {
        assert_eq!(holding(oz.root(), secret), Vec::<String>::new(), "still not Mo's own {secret}");
    }

    // Oz steps down: the leads get a new key, and what Mo writes once he has it is not Oz's.
    members::set_role(&mut lea, &oz_id, Role::Member).unwrap();
    for library in [&mut lea, &mut mo] {
        sync(library);
    }
    care::share_care_note(
        &mut mo,
        CareNoteDraft {
            member_id: None,
            consent: String::new(),
            audience_kind: CareAudience::Leads,
            audience: vec![],
            title: "Still hard".into(),
            body: format!("The funeral is on Friday. {AFTER}"),
        },
    )
    .unwrap();
    for library in [&mut mo, &mut lea, &mut oz] {
        sync(library);
    }
    assert!(reads(&lea, &mo_id).contains(AFTER), "the leads read what came after");
    assert_eq!(holding(oz.root(), AFTER), Vec::<String>::new(), "a lead who stepped down does not");
    assert_eq!(target_holding(target, credentials, AFTER), Vec::<String>::new());
}

fn story(body: &str, visibility: StoryVisibility, audience: Vec<String>) -> StoryDraft {
    StoryDraft {
        title: "A story".into(),
        body: body.into(),
        prompt_id: None,
        kind: StoryKind::Personal,
        visibility,
        audience,
        photos: vec![],
    }
}

/// Everything the window shows a laptop's member: care notes with their messages, Mo's
/// profile, stories.
fn reads(library: &Library, mo: &str) -> String {
    let viewer = Viewer::me(library).unwrap();
    let notes = care::list_care_notes(library.conn(), &viewer).unwrap();
    let profile = members::get(library.conn(), &viewer, mo).unwrap();
    let stories = stories::list_stories(library.conn(), &viewer, &Default::default()).unwrap();
    format!("{notes:?} {profile:?} {stories:?}")
}

/// The files under `dir` whose bytes hold `secret` (any case).
pub(crate) fn holding(dir: &Path, secret: &str) -> Vec<String> {
    let needle = secret.to_lowercase().into_bytes();
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(at) = stack.pop() {
        for entry in std::fs::read_dir(&at).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if contains(&std::fs::read(&path).unwrap_or_default(), &needle) {
                found.push(path.display().to_string());
            }
        }
    }
    found
}

fn target_holding(target: &Target, credentials: &Credentials, secret: &str) -> Vec<String> {
    let needle = secret.to_lowercase().into_bytes();
    let store = Store::open(target, credentials).unwrap();
    let mut found = Vec::new();
    for folder in ["log", "audiences", "keys", "blobs", "thumbs", "previews", "removed"] {
        for (name, _) in store.list(folder).unwrap() {
            if contains(&store.get(&name).unwrap().unwrap_or_default(), &needle) {
                found.push(name);
            }
        }
    }
    found
}

fn contains(bytes: &[u8], lowercase: &[u8]) -> bool {
    bytes.windows(lowercase.len()).any(|window| window.eq_ignore_ascii_case(lowercase))
}

/// Two rounds of syncs of the three laptops of [`ward`] through `folder`: everything each
/// wrote reaches the others.
pub(crate) fn sync_all(libraries: [&mut Library; 3], folder: &Path) {
    let [a, b, c] = libraries;
    for _ in 0..2 {
        for library in [&mut *a, &mut *b, &mut *c] {
            sync::sync_folder(library, folder).unwrap();
        }
    }
}

/// Lea (lead), Mo and Oz on one folder, every laptop up to date.
pub(crate) fn ward(scratch: &Scratch) -> (Library, Library, Library, std::path::PathBuf) {
    let folder = scratch.path("shared");
    let mut lea = hearth::community::create(&scratch.path("lea"), CommunityDraft::new("Ward 7", "")).unwrap();
    members::create_my_profile(&mut lea, MemberDraft::named("Lea")).unwrap();
    sync::sync_folder(&mut lea, &folder).unwrap();
    let (mut mo, _) = crate::sync::join(&mut lea, "Mo", &scratch.path("mo"), &folder).unwrap();
    let (mut oz, _) = crate::sync::join(&mut lea, "Oz", &scratch.path("oz"), &folder).unwrap();
    for library in [&mut lea, &mut mo, &mut oz] {
        sync::sync_folder(library, &folder).unwrap();
    }
    (lea, mo, oz, folder)
}

fn note_for_leads(library: &mut Library, body: &str) -> String {
    let draft = CareNoteDraft {
        member_id: None,
        consent: String::new(),
        audience_kind: CareAudience::Leads,
        audience: vec![],
        title: "A hard month".into(),
        body: body.into(),
    };
    care::share_care_note(library, draft).unwrap().id
}

/// A member who plants a "leads" key of his own (announced and sealed for himself, signed by
/// his laptop) gets nothing sealed to it: only a lead's laptop may announce the leads' key.
#[test]
fn a_leads_key_planted_by_a_member_is_not_used() {
    let scratch = Scratch::new();
    let (mut lea, mut mo, mut oz, folder) = ward(&scratch);
    // What Oz's hacked laptop writes: an announcement of a key he holds.
    let planted = hearth::sync::crypto::AudienceKey::generate().unwrap();
    let announcement = serde_json::json!({
        "audience": "leads",
        "key_id": planted.id(),
        "public": base64::Engine::encode(&base64::engine::general_purpose::STANDARD, planted.public().as_bytes()),
        "made_at": i64::MAX / 2,
        "device": oz.device(),
    });
    let key = std::fs::read_to_string(oz.root().join("device.key")).unwrap();
    let key = base64::Engine::decode(&base64::engine::general_purpose::STANDARD, key.trim()).unwrap();
    let signing = ed25519_dalek::SigningKey::from_bytes(&key.try_into().unwrap());
    let signed = {
        use ed25519_dalek::Signer;
        let body = announcement.to_string();
        let header = serde_json::json!({
            "public_key": roster::encode(signing.verifying_key().as_bytes()),
            "signature": base64::Engine::encode(&base64::engine::general_purpose::STANDARD, signing.sign(body.as_bytes()).to_bytes()),
        });
        format!("{header}\n{body}")
    };
    let name = folder.join("audiences/leads").join(format!("{}.json", planted.id()));
    std::fs::create_dir_all(name.parent().unwrap()).unwrap();
    std::fs::write(&name, signed).unwrap();

    sync::sync_folder(&mut mo, &folder).unwrap();
    note_for_leads(&mut mo, &format!("Not for Oz. {NOTE}"));
    for library in [&mut mo, &mut lea, &mut oz] {
        sync::sync_folder(library, &folder).unwrap();
    }
    assert!(reads(&lea, mo.me().unwrap().as_deref().unwrap()).contains(NOTE), "the leads read it");
    assert_eq!(holding(oz.root(), NOTE), Vec::<String>::new(), "the planted key opened nothing");
    assert!(
        !holding(mo.root(), planted.id().as_str()).iter().any(|f| f.ends_with(".json")),
        "Mo's laptop did not keep the planted announcement"
    );
}

/// Ops written before sealing existed (no audience in the log) are sealed when they are sent.
#[test]
fn restricted_ops_written_before_sealing_are_sealed_when_sent() {
    let scratch = Scratch::new();
    let (mut lea, mut mo, mut oz, folder) = ward(&scratch);
    note_for_leads(&mut mo, &format!("Written before the upgrade. {NOTE}"));
    mo.conn().execute("UPDATE ops SET audience = NULL", []).unwrap();
    for library in [&mut mo, &mut lea, &mut oz] {
        sync::sync_folder(library, &folder).unwrap();
    }
    assert!(reads(&lea, mo.me().unwrap().as_deref().unwrap()).contains(NOTE));
    assert_eq!(holding(oz.root(), NOTE), Vec::<String>::new());
    assert_eq!(holding(&folder, NOTE), Vec::<String>::new());
}

/// Showing to everyone what was restricted sends it again in clear, whole; restricting what
/// was everyone's seals what follows.
#[test]
fn widening_an_audience_sends_what_it_could_not_read_and_narrowing_seals_what_follows() {
    let scratch = Scratch::new();
    let (mut lea, mut mo, mut oz, folder) = ward(&scratch);
    let mo_id = mo.me().unwrap().unwrap();
    let oz_viewer = |oz: &Library| Viewer::me(oz).unwrap();
    let mut draft = story(&format!("First for the leads. {STORY}"), StoryVisibility::Leads, vec![]);
    let id = stories::write_story(&mut mo, draft.clone()).unwrap().id;
    let mut profile = ProfileFields {
        bio: format!("Night nurse. {BIO}"),
        visibility: BTreeMap::from([("bio".into(), Visibility::Leads)]),
        ..Default::default()
    };
    members::update_profile(&mut mo, &mo_id, "Mo", &profile).unwrap();
    for library in [&mut mo, &mut oz] {
        sync::sync_folder(library, &folder).unwrap();
    }
    assert!(stories::get_story(oz.conn(), &oz_viewer(&oz), &id).is_err());

    draft.visibility = StoryVisibility::Community;
    stories::update_story(&mut mo, &id, draft).unwrap();
    profile.visibility.insert("bio".into(), Visibility::Community);
    members::update_profile(&mut mo, &mo_id, "Mo", &profile).unwrap();
    for library in [&mut mo, &mut oz] {
        sync::sync_folder(library, &folder).unwrap();
    }
    let seen = stories::get_story(oz.conn(), &oz_viewer(&oz), &id).unwrap();
    assert!(seen.body_html.contains(STORY), "the whole story reaches everyone once it is theirs");
    assert_eq!(seen.author.id, mo_id, "its author and time came with it");
    let bio = members::get(oz.conn(), &oz_viewer(&oz), &mo_id).unwrap().bio.unwrap_or_default();
    assert!(bio.contains(BIO), "and the field: {bio:?}");

    // Narrowed again: what Mo writes now is sealed.
    profile.visibility.insert("bio".into(), Visibility::OnlyMe);
    profile.bio = format!("Changed. {AFTER}");
    members::update_profile(&mut mo, &mo_id, "Mo", &profile).unwrap();
    for library in [&mut mo, &mut lea, &mut oz] {
        sync::sync_folder(library, &folder).unwrap();
    }
    assert_eq!(holding(oz.root(), AFTER), Vec::<String>::new());
    assert_eq!(holding(lea.root(), AFTER), Vec::<String>::new(), "only me is Mo's alone");
}

/// A library that had synced before sealing existed: the migration remembers how far it had
/// come, and its leads are told what restricted data may have travelled in clear, and where.
#[test]
fn restricted_data_shared_before_sealing_is_listed_for_the_leads() {
    use hearth::store::db;
    // The migration itself, on a database of the version before it.
    let mut conn = rusqlite::Connection::open_in_memory().unwrap();
    db::migrate_to(&mut conn, 18).unwrap();
    conn.execute_batch(
        "INSERT INTO column_clocks (tbl, row_id, col, hlc) VALUES ('care_notes', 'n1', 'body', '0000000003e8-000000-dev');
         INSERT INTO merged_segments (device, seq) VALUES ('other', 1);",
    )
    .unwrap();
    db::migrate_to(&mut conn, 19).unwrap();
    let began: String =
        conn.query_row("SELECT value FROM local_settings WHERE key = 'sealing_began'", [], |r| r.get(0)).unwrap();
    assert_eq!(began, "0000000003e8-000000-dev", "a library that had synced remembers its newest clock");
    let mut fresh = rusqlite::Connection::open_in_memory().unwrap();
    db::migrate_to(&mut fresh, 19).unwrap();
    let none: i64 =
        fresh.query_row("SELECT count(*) FROM local_settings WHERE key = 'sealing_began'", [], |r| r.get(0)).unwrap();
    assert_eq!(none, 0, "one that never synced shared nothing in clear");

    // What Lea's laptop lists, once it knows how far it had come.
    let scratch = Scratch::new();
    let (mut lea, mut mo, _oz, folder) = ward(&scratch);
    assert_eq!(
        hearth::sync::before_sealing::shared_before_sealing(&lea).unwrap(),
        None,
        "nothing before sealing began"
    );
    note_for_leads(&mut mo, "Before.");
    let mo_id = mo.me().unwrap().unwrap();
    let profile = ProfileFields {
        bio: "Night nurse.".into(),
        visibility: BTreeMap::from([("bio".into(), Visibility::Leads), ("contact".into(), Visibility::OnlyMe)]),
        ..Default::default()
    };
    members::update_profile(&mut mo, &mo_id, "Mo", &profile).unwrap();
    for library in [&mut mo, &mut lea] {
        sync::sync_folder(library, &folder).unwrap();
    }
    lea.conn()
        .execute(
            "INSERT OR REPLACE INTO local_settings (key, value) SELECT 'sealing_began', max(hlc) FROM column_clocks",
            [],
        )
        .unwrap();
    let listed = hearth::sync::before_sealing::shared_before_sealing(&lea).unwrap().expect("Lea is a lead");
    assert_eq!(
        (listed.care_notes, listed.profile_fields),
        (1, 1),
        "the note and the bio (an empty contact is nothing)"
    );
    assert_eq!(
        listed.sentence,
        "1 care note and 1 leads-only or only-me profile field were shared before sealing existed: they are on these laptops, readable there, and laptops that join later receive them too; this cannot be taken back."
    );
    assert_eq!(listed.laptops.len(), 3, "{:?}", listed.laptops);
    assert_eq!(hearth::sync::before_sealing::shared_before_sealing(&mo).unwrap(), None, "only leads are told");
}

/// A field made private before it ever left the laptop never leaves in clear: what was written
/// for everyone and not sent yet follows the field's audience when it is sent.
#[test]
fn a_field_made_private_before_its_first_sync_never_leaves_in_clear() {
    let scratch = Scratch::new();
    let (mut lea, mut mo, mut oz, folder) = ward(&scratch);
    let mo_id = mo.me().unwrap().unwrap();
    let mut profile = ProfileFields { location: format!("Flat 2, {CONTACT} Road"), ..Default::default() };
    members::update_profile(&mut mo, &mo_id, "Mo", &profile).unwrap();
    profile.visibility.insert("location".into(), Visibility::OnlyMe);
    members::update_profile(&mut mo, &mo_id, "Mo", &profile).unwrap();
    for library in [&mut mo, &mut lea, &mut oz] {
        sync::sync_folder(library, &folder).unwrap();
    }
    assert!(reads(&mo, &mo_id).contains(CONTACT));
    for (who, root) in [("Oz", oz.root()), ("Lea", lea.root()), ("the folder", folder.as_path())] {
        assert_eq!(holding(root, CONTACT), Vec::<String>::new(), "{who} holds no copy of the first, unsent value");
    }
}

/// A board message for a birthday kept to the leads tells the day: it is sealed like the
/// birthday.
#[test]
fn messages_for_a_birthday_kept_to_the_leads_reach_only_them() {
    let scratch = Scratch::new();
    let (mut lea, mut mo, mut oz, folder) = ward(&scratch);
    let mo_id = mo.me().unwrap().unwrap();
    let profile = ProfileFields {
        birthday: "03-14".into(),
        celebrate_birthday: true,
        visibility: BTreeMap::from([("birthday".into(), Visibility::Leads)]),
        ..Default::default()
    };
    members::update_profile(&mut mo, &mo_id, "Mo", &profile).unwrap();
    for library in [&mut mo, &mut lea] {
        sync::sync_folder(library, &folder).unwrap();
    }
    let year = hearth::people::celebrations::upcoming(
        lea.conn(),
        &Viewer::me(&lea).unwrap(),
        chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
        366,
    )
    .unwrap()
    .into_iter()
    .find(|occasion| occasion.member.id == mo_id)
    .expect("the lead sees Mo's birthday")
    .key;
    hearth::people::celebrations::leave_message(&mut lea, &year, &format!("Happy birthday! {MESSAGE}"), &[]).unwrap();
    for library in [&mut lea, &mut mo, &mut oz] {
        sync::sync_folder(library, &folder).unwrap();
    }
    assert!(
        hearth::people::celebrations::board(mo.conn(), &Viewer::me(&mo).unwrap(), &year).unwrap().messages.len() == 1
    );
    assert_eq!(holding(oz.root(), MESSAGE), Vec::<String>::new(), "Oz may not know the day");
    assert_eq!(holding(&folder, MESSAGE), Vec::<String>::new());
}

/// A lead who stepped down gets nothing written once the writer knows it, even before the
/// leads have a new key: the writer seals to the leads' own laptops instead of to a key the
/// former lead holds.
#[test]
fn a_key_held_by_a_laptop_no_longer_entitled_is_not_sealed_to() {
    let scratch = Scratch::new();
    let (mut lea, mut mo, mut oz, folder) = ward(&scratch);
    let oz_id = oz.me().unwrap().unwrap();
    members::set_role(&mut lea, &oz_id, Role::Lead).unwrap();
    for library in [&mut lea, &mut oz, &mut mo] {
        sync::sync_folder(library, &folder).unwrap();
    }
    let announced = |folder: &Path| -> Vec<std::path::PathBuf> {
        std::fs::read_dir(folder.join("audiences/leads"))
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.is_file())
            .collect()
    };
    let before = announced(&folder);
    members::set_role(&mut lea, &oz_id, Role::Member).unwrap();
    sync::sync_folder(&mut lea, &folder).unwrap();
    // The new leads key has not reached Mo (its announcement is lost on the way); the
    // step-down has.
    let new: Vec<_> = announced(&folder).into_iter().filter(|p| !before.contains(p)).collect();
    assert_eq!(new.len(), 1, "Lea's laptop made a new leads key when Oz stepped down");
    std::fs::remove_file(&new[0]).unwrap();
    std::fs::remove_file(lea.root().join(new[0].strip_prefix(&folder).unwrap())).unwrap();
    sync::sync_folder(&mut mo, &folder).unwrap();
    note_for_leads(&mut mo, &format!("After the step down. {AFTER}"));
    for library in [&mut mo, &mut lea, &mut oz] {
        sync::sync_folder(library, &folder).unwrap();
    }
    assert!(reads(&lea, mo.me().unwrap().as_deref().unwrap()).contains(AFTER), "the leads read it");
    assert_eq!(holding(oz.root(), AFTER), Vec::<String>::new(), "the lead who stepped down does not");
}

/// Dietary and access needs are kept to the leads by default: Mo's reach the lead's laptop and
/// are sealed everywhere else (Oz's laptop and the folder hold no readable copy); every field
/// with a visibility of its own is sealed by it.
#[test]
fn needs_are_sealed_to_the_leads_by_default() {
    const DIET: &str = "Lindqvistfare";
    for field in members::PRIVATE_FIELDS {
        assert!(
            hearth::store::sealing::PROFILE_FIELDS.iter().any(|(_, governs)| governs == field),
            "{field} has a visibility but no seal"
        );
    }
    let scratch = Scratch::new();
    let (mut lea, mut mo, mut oz, folder) = ward(&scratch);
    let mo_id = mo.me().unwrap().unwrap();
    let profile = ProfileFields { dietary: format!("{DIET}, vegetarian"), ..Default::default() };
    members::update_profile(&mut mo, &mo_id, "Mo", &profile).unwrap();
    for _ in 0..2 {
        for library in [&mut mo, &mut lea, &mut oz] {
            sync::sync_folder(library, &folder).unwrap();
        }
    }
    let seen = |library: &Library| {
        members::get(library.conn(), &Viewer::me(library).unwrap(), &mo_id).unwrap().dietary.unwrap_or_default()
    };
    assert!(seen(&lea).contains(DIET), "the lead reads it");
    assert_eq!(seen(&oz), "", "Oz does not");
    assert!(holding(oz.root(), DIET).is_empty(), "Oz's laptop holds no readable copy");
    assert!(holding(&folder, DIET).is_empty(), "nor does the folder");
}

/// An RSVP's note is for the leads and its member: Lea (a lead) reads Mo's note with his
/// answer; Oz's laptop and the folder hold no readable copy.
#[test]
fn an_rsvp_note_is_sealed_to_the_leads_and_its_member() {
    use hearth::clock::cadence::{Cadence, WeekOfMonth};
    use hearth::convene::rituals::{self, Answer, RitualDraft};
    const NOTE: &str = "Quorvelline";
    let scratch = Scratch::new();
    let (mut lea, mut mo, mut oz, folder) = ward(&scratch);
    let draft = RitualDraft {
        name: "Ward dinner".into(),
        why: String::new(),
        origin: String::new(),
        origin_moment: None,
        customs: vec![],
        place: String::new(),
        zone: "Europe/London".into(),
        cadence: Cadence::MonthlyOnWeekday { week: WeekOfMonth::First, weekday: 5 },
        starts: "2020-01-01".into(),
        at: "19:00".into(),
        minutes: 120,
    };
    let ritual = rituals::create(&mut lea, draft).unwrap();
    let round = |lea: &mut Library, mo: &mut Library, oz: &mut Library| {
        for _ in 0..2 {
            for library in [&mut *lea, &mut *mo, &mut *oz] {
                sync::sync_folder(library, &folder).unwrap();
            }
        }
    };
    round(&mut lea, &mut mo, &mut oz);
    let key = rituals::get(&mo, &ritual.id).unwrap().upcoming[0].occurrence.key.clone();
    let mine =
        rituals::rsvp(&mut mo, &ritual.id, &key, Answer::Going, false, 0, &format!("{NOTE}: no shellfish")).unwrap();
    assert!(mine.upcoming[0].my_note.as_deref().is_some_and(|n| n.contains(NOTE)), "Mo reads his own note");
    round(&mut lea, &mut mo, &mut oz);
    let at_lea = rituals::get(&lea, &ritual.id).unwrap();
    let gathering = at_lea.upcoming.iter().find(|g| g.occurrence.key == key).unwrap();
    assert!(
        gathering.notes.iter().any(|n| n.note.contains(NOTE) && n.member.display_name == "Mo"),
        "{:?}",
        gathering.notes
    );
    let at_oz = rituals::get(&oz, &ritual.id).unwrap();
    assert_eq!(at_oz.upcoming.iter().find(|g| g.occurrence.key == key).unwrap().going, 1, "Oz still counts Mo going");
    assert!(holding(oz.root(), NOTE).is_empty(), "Oz's laptop holds no readable copy of the note");
    assert!(holding(&folder, NOTE).is_empty(), "nor does the folder");
}
