//! Artefacts: the registry with files (an image, a song's recording), several accounts side
//! by side, versions and sizes sealed to the leads and their member, and what merge refuses.

use hearth::artefacts::files::FileKind;
use hearth::artefacts::registry::{self, ArtefactDraft, ArtefactVisibility, Kind};
use hearth::artefacts::versions::{self, VersionDraft, VersionStatus};
use hearth::artefacts::{accounts, files};
use hearth::sync;
use hearth::text::forms::{Credit, NamedPerson};
use rusqlite::types::Value::{Integer, Text};

use crate::sealing::{holding, sync_all, ward};
use crate::support::{forge_row, Scratch};

/// A song with its recording and a drawing: the files are recognised by their bytes (a WAV
/// named `.mp3` is stored as WAV; a text file is refused), reach the other laptops, and a
/// second member's account stands beside the first.
#[test]
fn a_song_keeps_its_recording_lyrics_credits_and_everyones_accounts() {
    let scratch = Scratch::new();
    let (mut lea, mut mo, mut oz, folder) = ward(&scratch);
    let mo_id = mo.me().unwrap().unwrap();
    let mut draft = ArtefactDraft::new(Kind::Song, "The ward round");
    draft.summary = "Sung at every leaving do since 2019.".into();
    draft.original_date = "2019-06".into();
    draft.date_description = "summer 2019".into();
    draft.lyrics = "We walk the ward at seven,\n*we walk it back at nine*".into();
    draft.creators = vec![NamedPerson { member_id: mo_id.clone(), name: String::new() }];
    draft.credits = vec![Credit {
        who: NamedPerson { member_id: String::new(), name: "Sister Ada".into() },
        part: "verse 2".into(),
    }];
    let song = registry::create(&mut mo, draft.clone()).unwrap();
    assert_eq!(song.draft.creators[0].name, "Mo", "a member creator is named as they are now");
    assert!(song.lyrics_html.contains("<em>we walk it back at nine</em>"));

    let recording = scratch.path("ward-round.mp3");
    std::fs::write(&recording, hearth::dev::sound::tune_wav(6)).unwrap();
    let drawing = scratch.path("drawing.png");
    std::fs::write(&drawing, hearth::dev::sample::png(320, 200, 7)).unwrap();
    let notes = scratch.path("notes.txt");
    std::fs::write(&notes, "just words").unwrap();
    files::attach(&mut mo, &song.id, None, &recording).unwrap();
    let song = files::attach(&mut mo, &song.id, None, &drawing).unwrap();
    let kinds: Vec<(FileKind, &str)> = song.files.iter().map(|f| (f.kind, f.format.as_str())).collect();
    assert_eq!(kinds, [(FileKind::Audio, "wav"), (FileKind::Image, "jpg")], "kinds come from the bytes, not the name");
    assert_eq!(song.cover.as_deref(), Some(song.files[1].hash.as_str()));
    let Err(hearth::Error::Invalid { field: "file", .. }) = files::attach(&mut mo, &song.id, None, &notes) else {
        panic!("a text file was kept as an artefact's file")
    };

    accounts::write(&mut mo, &song.id, None, "I wrote it on a night shift.").unwrap();
    sync_all([&mut lea, &mut mo, &mut oz], &folder);
    let at_oz = accounts::write(&mut oz, &song.id, None, "We first sang it at **Ada's** leaving do.").unwrap();
    assert_eq!(at_oz.accounts.len(), 2, "Oz's account stands beside Mo's");
    let mo_account = at_oz.accounts.iter().find(|a| a.author.display_name == "Mo").unwrap().id.clone();
    let Err(hearth::Error::Forbidden { .. }) = accounts::write(&mut oz, &song.id, Some(&mo_account), "Mine now") else {
        panic!("Oz changed Mo's account")
    };
    sync_all([&mut lea, &mut mo, &mut oz], &folder);
    let at_lea = registry::get(&lea, &song.id).unwrap();
    assert_eq!(at_lea.accounts.len(), 2);
    let audio = &at_lea.files[0];
    assert!(hearth::store::blobs::original(lea.root(), &audio.hash, "wav").unwrap().is_file(), "the recording synced");

    // A lead hides Oz's account: Mo no longer sees it, Oz sees it marked hidden.
    let oz_account = at_lea.accounts.iter().find(|a| a.author.display_name == "Oz").unwrap().id.clone();
    accounts::hide(&mut lea, &song.id, &oz_account, true).unwrap();
    let Err(hearth::Error::Forbidden { .. }) = accounts::hide(&mut mo, &song.id, &mo_account, true) else {
        panic!("a member hid an account")
    };
    sync_all([&mut lea, &mut mo, &mut oz], &folder);
    assert_eq!(registry::get(&mo, &song.id).unwrap().accounts.len(), 1, "hidden from Mo");
    let own = registry::get(&oz, &song.id).unwrap();
    assert!(own.accounts.iter().any(|a| a.mine && a.hidden), "its author sees it, marked hidden");
}

/// Sizes of a t-shirt: each member's order is theirs and the leads'; the leads get totals
/// and a CSV; Oz's laptop and the folder hold no readable copy of Mo's size.
#[test]
fn sizes_reach_only_the_leads_and_their_member() {
    const SIZE: &str = "XXQuorvelL";
    let scratch = Scratch::new();
    let (mut lea, mut mo, mut oz, folder) = ward(&scratch);
    let shirt = registry::create(&mut lea, ArtefactDraft::new(Kind::Garment, "Ward t-shirt")).unwrap();
    let draft = |label: &str, status| VersionDraft {
        label: label.into(),
        status,
        sizes: vec!["S".into(), "M".into(), SIZE.into()],
        decision_id: None,
    };
    versions::add(&mut lea, &shirt.id, draft("2019", VersionStatus::Retired)).unwrap();
    let shirt = versions::add(&mut lea, &shirt.id, draft("2023", VersionStatus::Made)).unwrap();
    let labels: Vec<&str> = shirt.versions.iter().map(|v| v.draft.label.as_str()).collect();
    assert_eq!(labels, ["2019", "2023"], "versions in order");
    let new = shirt.versions[1].id.clone();
    sync_all([&mut lea, &mut mo, &mut oz], &folder);

    versions::order(&mut mo, &shirt.id, &new, SIZE, 2).unwrap();
    versions::order(&mut oz, &shirt.id, &new, "M", 1).unwrap();
    let Err(hearth::Error::Invalid { field: "size", .. }) = versions::order(&mut oz, &shirt.id, &new, "XXL", 1) else {
        panic!("a size the version does not come in was ordered")
    };
    let Err(hearth::Error::Forbidden { .. }) = versions::add(&mut mo, &shirt.id, draft("2027", VersionStatus::Idea))
    else {
        panic!("a member added a version of a lead's artefact")
    };
    sync_all([&mut lea, &mut mo, &mut oz], &folder);

    let at_lea = registry::get(&lea, &shirt.id).unwrap();
    let totals = at_lea.versions[1].totals.clone().unwrap();
    let counts: Vec<(&str, u32)> = totals.iter().map(|t| (t.size.as_str(), t.count)).collect();
    assert_eq!(counts, [("S", 0), ("M", 1), (SIZE, 2)], "the leads' totals, in the version's order");
    assert_eq!(at_lea.versions[1].ordered_by, Some(2));
    let csv = versions::orders_csv(&lea, &shirt.id, &new).unwrap();
    assert_eq!(csv, format!("Size,Quantity\nS,0\nM,1\n{SIZE},2\nTotal,3\n"));
    let at_oz = registry::get(&oz, &shirt.id).unwrap();
    assert_eq!(at_oz.versions[1].totals, None, "members see no totals");
    assert_eq!(at_oz.versions[1].my_order.as_ref().map(|o| o.size.as_str()), Some("M"), "only their own order");
    let Err(hearth::Error::Forbidden { .. }) = versions::orders_csv(&oz, &shirt.id, &new) else {
        panic!("a member read everyone's sizes")
    };
    // The sizes offered are public; who ordered which is not.
    let mo_order = hearth::ids::derived(&["merch_orders", &new, &mo.me().unwrap().unwrap()]);
    let (rows, ops): (i64, i64) = oz
        .conn()
        .query_row(
            "SELECT (SELECT count(*) FROM merch_orders WHERE id = ?1), (SELECT count(*) FROM ops WHERE row_id = ?1)",
            [&mo_order],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((rows, ops), (0, 0), "Oz's laptop holds neither Mo's order nor its changes in clear");
    let at_lea_ops: i64 =
        lea.conn().query_row("SELECT count(*) FROM merch_orders WHERE id = ?1", [&mo_order], |r| r.get(0)).unwrap();
    assert_eq!(at_lea_ops, 1, "the lead's laptop reads it");
}

/// What merge refuses of a member's crafted writes: hiding someone's account, ordering for
/// another member, an artefact of a kind or date the window never writes.
#[test]
fn merge_refuses_crafted_artefact_writes() {
    let scratch = Scratch::new();
    let (mut lea, mut mo, mut oz, folder) = ward(&scratch);
    let lea_id = lea.me().unwrap().unwrap();
    let mo_id = mo.me().unwrap().unwrap();
    let shirt = registry::create(&mut lea, ArtefactDraft::new(Kind::Garment, "Ward t-shirt")).unwrap();
    let shirt = versions::add(
        &mut lea,
        &shirt.id,
        VersionDraft { label: "2023".into(), status: VersionStatus::Made, sizes: vec!["M".into()], decision_id: None },
    )
    .unwrap();
    let account =
        accounts::write(&mut lea, &shirt.id, None, "Designed by the whole ward.").unwrap().accounts[0].id.clone();
    sync_all([&mut lea, &mut mo, &mut oz], &folder);
    let version = shirt.versions[0].id.clone();

    let created = |id: &str| vec![("author", Text(id.to_owned())), ("created_at", Integer(1))];
    forge_row(&mo, "artefact_accounts", &account, &[("hidden", Integer(1))]);
    let mut order = created(&mo_id);
    order.extend([
        ("version_id", Text(version.clone())),
        ("member_id", Text(lea_id.clone())),
        ("size", Text("M".into())),
        ("count", Integer(3)),
    ]);
    forge_row(&mo, "merch_orders", &hearth::ids::derived(&["merch_orders", &version, &lea_id]), &order);
    let mut odd = created(&mo_id);
    odd.extend([("name", Text("Odd".into())), ("kind", Text("spaceship".into()))]);
    forge_row(&mo, "artefacts", &hearth::ids::derived(&["odd artefact"]), &odd);
    let mut dated = created(&mo_id);
    dated.extend([("name", Text("Dated".into())), ("original_date", Text("summer 2019".into()))]);
    forge_row(&mo, "artefacts", &hearth::ids::derived(&["dated artefact"]), &dated);
    sync::sync_folder(&mut mo, &folder).unwrap();
    let report = sync::sync_folder(&mut lea, &folder).unwrap();
    for why in [
        "hides an account of an artefact, which only leads may",
        "orders sizes for another member",
        "which holds one of song, mascot",
        "which holds a date as YYYY, YYYY-MM or YYYY-MM-DD",
    ] {
        assert!(report.rejected.iter().any(|r| r.contains(why)), "{why}: {:?}", report.rejected);
    }
    assert!(!registry::get(&lea, &shirt.id).unwrap().accounts[0].hidden, "the account still shows");

    // A leads-only artefact never reaches a member's laptop in readable form.
    let mut secret = ArtefactDraft::new(Kind::Document, "Quorvellian minutes");
    secret.visibility = ArtefactVisibility::Leads;
    registry::create(&mut lea, secret).unwrap();
    sync_all([&mut lea, &mut mo, &mut oz], &folder);
    assert!(registry::list(&oz).unwrap().iter().all(|a| a.draft.name != "Quorvellian minutes"));
    assert!(holding(oz.root(), "Quorvellian").is_empty(), "Oz's laptop holds no readable copy");
    assert!(holding(&folder, "Quorvellian").is_empty(), "nor does the folder");

    // Shown to everyone later, it reaches everyone; once it has accounts sealed to the leads,
    // widening is refused rather than leaving members with half of it.
    let lea_only = registry::list(&lea).unwrap().into_iter().find(|a| a.draft.name == "Quorvellian minutes").unwrap();
    accounts::write(&mut lea, &lea_only.id, None, "Written for the leads.").unwrap();
    let mut wide = registry::get(&lea, &lea_only.id).unwrap().draft;
    wide.visibility = ArtefactVisibility::Community;
    let Err(hearth::Error::Invalid { field: "visibility", .. }) = registry::update(&mut lea, &lea_only.id, wide) else {
        panic!("widened an artefact whose accounts stay with the leads")
    };
}
