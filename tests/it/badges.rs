//! Signs of membership: awards keep the badge as it was, one per member, automatic ones from
//! Hearth's own data, the person awarded decides whether it shows, a forged award or badge is
//! refused at merge, and the exported credential verifies offline (a one-byte change fails).

use hearth::artefacts::awarding;
use hearth::artefacts::awards::{self, AwardSource, AwardStatus};
use hearth::artefacts::badges::{self, AutoRule, BadgeDraft};
use hearth::people::members::{self, MemberDraft};
use hearth::sync;
use hearth::Library;
use rusqlite::types::Value::{Integer, Text};

use crate::sealing::{holding, sync_all, ward};
use crate::support::{create, forge_row, Scratch};

fn badge(name: &str) -> BadgeDraft {
    BadgeDraft {
        name: name.into(),
        description: "Was there when it began.".into(),
        criteria: "Joined in the first three months.".into(),
        image: None,
        requestable: false,
        rule: None,
    }
}

/// An award keeps the badge as it was; one active award per badge and member; the member
/// accepts it and chooses whether it shows; a member who hides it is shown nowhere (Oz's
/// laptop holds no readable copy); a lead revokes with a reason the member never reads.
#[test]
fn the_person_awarded_decides_and_the_award_keeps_the_badge_as_it_was() {
    let scratch = Scratch::new();
    let (mut lea, mut mo, mut oz, folder) = ward(&scratch);
    let mo_id = mo.me().unwrap().unwrap();
    let first = badges::define(&mut lea, badge("Quorvel founder")).unwrap();
    let award = awarding::award(&mut lea, &first.id, &mo_id, AwardSource::Manual).unwrap();
    assert_eq!(award.status, AwardStatus::Offered);
    let Err(hearth::Error::Invalid { .. }) = awarding::award(&mut lea, &first.id, &mo_id, AwardSource::Manual) else {
        panic!("a second active award of one badge to one member")
    };
    badges::update(&mut lea, &first.id, badge("Renamed badge")).unwrap();
    let Err(hearth::Error::Forbidden { .. }) = badges::define(&mut mo, badge("Mine")) else {
        panic!("a member defined a badge")
    };
    sync_all([&mut lea, &mut mo, &mut oz], &folder);

    let offered = awards::offered_to_me(&mo).unwrap();
    assert_eq!(offered.len(), 1, "offered to Mo");
    assert_eq!(offered[0].snapshot.as_ref().unwrap().name, "Quorvel founder", "the badge as it was awarded");
    awards::respond(&mut mo, &award.id, AwardStatus::Accepted, false).unwrap();
    sync_all([&mut lea, &mut mo, &mut oz], &folder);
    assert!(awards::shown_on_profile(oz.conn(), &mo_id).unwrap().is_empty(), "accepted but not shown: nowhere");
    let badge_events = |library: &Library| {
        hearth::artefacts::history::events(library)
            .unwrap()
            .into_iter()
            .filter(|e| e.kind == hearth::artefacts::history::HistoryKind::Badge)
            .count()
    };
    assert_eq!((badge_events(&oz), badge_events(&lea)), (0, 0), "nor on the History, even the lead's");
    // The badge's definition is public; its award to Mo is not.
    let (rows, ops): (i64, i64) = oz
        .conn()
        .query_row(
            "SELECT (SELECT count(*) FROM badge_awards), (SELECT count(*) FROM ops WHERE row_id = ?1)",
            [&award.id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((rows, ops), (0, 0), "Oz's laptop holds neither the award nor its changes in clear");

    awards::respond(&mut mo, &award.id, AwardStatus::Accepted, true).unwrap();
    sync_all([&mut lea, &mut mo, &mut oz], &folder);
    let shown = awards::shown_on_profile(oz.conn(), &mo_id).unwrap();
    assert_eq!(shown.iter().map(|b| b.name.as_str()).collect::<Vec<_>>(), ["Quorvel founder"], "shown once Mo chose");
    assert_eq!(badges::get(&oz, &first.id).unwrap().shown_by.len(), 1);
    assert_eq!(badge_events(&oz), 1, "on the History once shown");

    // Deleting the badge leaves Mo's award as it was.
    badges::delete(&mut lea, &first.id).unwrap();
    sync_all([&mut lea, &mut mo, &mut oz], &folder);
    let mine = awards::mine(&mo).unwrap();
    assert_eq!(mine[0].snapshot.as_ref().unwrap().name, "Quorvel founder", "the snapshot outlives the badge");

    // A lead revokes a second badge with a reason; Mo never reads the reason.
    let second = badges::define(&mut lea, badge("Night owl")).unwrap();
    let given = awarding::award(&mut lea, &second.id, &mo_id, AwardSource::Manual).unwrap();
    sync_all([&mut lea, &mut mo, &mut oz], &folder);
    awards::respond(&mut mo, &given.id, AwardStatus::Accepted, true).unwrap();
    sync_all([&mut lea, &mut mo, &mut oz], &folder);
    awarding::revoke(&mut lea, &given.id, "Zyxquor mistake in the rota").unwrap();
    sync_all([&mut lea, &mut mo, &mut oz], &folder);
    let at_mo = awards::mine(&mo).unwrap().into_iter().find(|a| a.id == given.id).unwrap();
    assert_eq!((at_mo.status, at_mo.revoked_reason), (AwardStatus::Revoked, None), "revoked; the reason is the leads'");
    assert!(holding(mo.root(), "Zyxquor").is_empty(), "Mo's laptop holds no readable copy of the reason");
    assert!(awards::shown_on_profile(oz.conn(), &mo_id).unwrap().iter().all(|b| b.name != "Night owl"), "taken down");
}

/// A requested badge: Mo asks, a lead approves; Mo cannot award himself, nor show a badge with
/// a credential he made, nor one given to someone else (each refused at Lea's merge).
#[test]
fn a_forged_award_or_badge_is_refused_at_merge() {
    let scratch = Scratch::new();
    let (mut lea, mut mo, mut oz, folder) = ward(&scratch);
    let (mo_id, oz_id) = (mo.me().unwrap().unwrap(), oz.me().unwrap().unwrap());
    let mut open = badge("First-aid buddy");
    open.requestable = true;
    let open = badges::define(&mut lea, open).unwrap();
    let closed = badges::define(&mut lea, badge("Founder")).unwrap();
    let given = awarding::award(&mut lea, &closed.id, &oz_id, AwardSource::Manual).unwrap();
    sync_all([&mut lea, &mut mo, &mut oz], &folder);
    awards::respond(&mut oz, &given.id, AwardStatus::Accepted, true).unwrap();
    let asked = awards::request(&mut mo, &open.id).unwrap();
    let Err(hearth::Error::Invalid { .. }) = awards::request(&mut mo, &closed.id) else {
        panic!("asked for a badge that is not asked for")
    };
    sync_all([&mut lea, &mut mo, &mut oz], &folder);
    let approved = awarding::award(&mut lea, &open.id, &mo_id, AwardSource::Manual).unwrap();
    assert_eq!((approved.id.clone(), approved.source), (asked.id, AwardSource::Requested), "the request, approved");

    // Forgeries from Mo's laptop.
    let created = || vec![("author", Text(mo_id.clone())), ("created_at", Integer(1))];
    let mut self_award = created();
    self_award.extend([
        ("badge_id", Text(closed.id.clone())),
        ("member_id", Text(mo_id.clone())),
        ("status", Text("offered".into())),
        ("source", Text("manual".into())),
    ]);
    forge_row(&mo, "badge_awards", &awards::award_id(&closed.id, &mo_id), &self_award);
    // A credential Mo signed with his own key, and Oz's real one shown as his.
    let key = hearth::credentials::signing_key(&[9; 32]);
    let fake = hearth::credentials::issue(
        &hearth::credentials::Claim {
            credential_id: "fake",
            community: "Ward 7",
            member_id: &mo_id,
            member_name: "Mo",
            badge_id: &closed.id,
            name: "Founder",
            description: "",
            criteria: "",
            awarded_at: "2026-11-30T00:00:00Z",
        },
        &key,
    )
    .unwrap();
    let issuer: String = lea.conn().query_row("SELECT id FROM badge_issuers", [], |r| r.get(0)).unwrap();
    let oz_credential: String = oz.conn().query_row("SELECT credential FROM badge_showcase", [], |r| r.get(0)).unwrap();
    for (credential, badge_id) in [(fake.to_string(), &closed.id), (oz_credential, &closed.id)] {
        let mut shown = created();
        shown.extend([
            ("badge_id", Text(badge_id.clone())),
            ("member_id", Text(mo_id.clone())),
            ("issuer_id", Text(issuer.clone())),
            ("credential", Text(credential)),
            ("shown", Integer(1)),
        ]);
        forge_row(&mo, "badge_showcase", &hearth::ids::derived(&["badge_showcase", badge_id, &mo_id]), &shown);
        sync::sync_folder(&mut mo, &folder).unwrap();
        let report = sync::sync_folder(&mut lea, &folder).unwrap();
        assert!(
            report.rejected.iter().any(|r| r.contains("does not verify") || r.contains("did not award to that member")),
            "{:?}",
            report.rejected
        );
    }
    let report = sync::sync_folder(&mut oz, &folder).unwrap();
    assert!(!report.rejected.is_empty(), "Oz's laptop refuses the forgeries too: {report:?}");
    assert!(awards::shown_on_profile(lea.conn(), &mo_id).unwrap().is_empty(), "no forged badge on Mo's profile");
    assert!(awards::shown_on_profile(oz.conn(), &mo_id).unwrap().is_empty());
    let forged: Option<String> = lea
        .conn()
        .query_row("SELECT status FROM badge_awards WHERE id = ?1", [awards::award_id(&closed.id, &mo_id)], |r| {
            r.get(0)
        })
        .ok();
    assert_eq!(forged, None, "Mo's self-award did not merge");

    // Oz's badge is revoked; Oz's laptop puts it back on his profile with the old credential
    // (a crafted write): whatever merges, no laptop shows a revoked credential.
    let old_credential: String =
        oz.conn().query_row("SELECT credential FROM badge_showcase", [], |r| r.get(0)).unwrap();
    awarding::revoke(&mut lea, &given.id, "Left the ward").unwrap();
    sync_all([&mut lea, &mut mo, &mut oz], &folder);
    forge_row(
        &oz,
        "badge_showcase",
        &hearth::ids::derived(&["badge_showcase", &closed.id, &oz_id]),
        &[("credential", Text(old_credential)), ("shown", Integer(1))],
    );
    sync_all([&mut lea, &mut mo, &mut oz], &folder);
    for library in [&lea, &mo, &oz] {
        assert!(awards::shown_on_profile(library.conn(), &oz_id).unwrap().is_empty(), "a revoked badge shows nowhere");
    }
    assert_eq!(awards::mine(&oz).unwrap().iter().find(|a| a.id == given.id).unwrap().status, AwardStatus::Revoked);

    // Nor does a member move their own joining date to earn an automatic badge.
    forge_row(&mo, "members", &mo_id, &[("joined_on", Text("1990-01-01".into()))]);
    sync::sync_folder(&mut mo, &folder).unwrap();
    let report = sync::sync_folder(&mut lea, &folder).unwrap();
    assert!(report.rejected.iter().any(|r| r.contains("changes when a member joined")), "{:?}", report.rejected);
}

/// The exported credential verifies offline as JSON and baked into a PNG; a one-byte change
/// fails.
#[test]
fn an_exported_credential_verifies_and_a_one_byte_change_fails() {
    let scratch = Scratch::new();
    let mut lea = create(&scratch.path("c"), "Circle");
    members::create_my_profile(&mut lea, MemberDraft::named("Lea")).unwrap();
    let lea_id = lea.me().unwrap().unwrap();
    let b = badges::define(&mut lea, badge("Founder")).unwrap();
    let award = awarding::award(&mut lea, &b.id, &lea_id, AwardSource::Manual).unwrap();
    let json = awards::export(&lea, &award.id, false).unwrap();
    let verified = hearth::credentials::verify(&hearth::credentials::read(&json).unwrap()).unwrap();
    assert_eq!((verified.achievement_name.as_str(), verified.subject_name.as_str()), ("Founder", "Lea"));
    let text = String::from_utf8(json.clone()).unwrap();
    let changed = text.replacen("\"Founder\"", "\"Foundes\"", 1).into_bytes();
    assert_eq!(changed.len(), json.len(), "one byte changed");
    assert!(
        hearth::credentials::verify(&hearth::credentials::read(&changed).unwrap()).is_err(),
        "a one-byte change fails"
    );
    let png = awards::export(&lea, &award.id, true).unwrap();
    assert!(png.starts_with(b"\x89PNG"));
    assert!(hearth::credentials::verify(&hearth::credentials::read(&png).unwrap()).is_ok(), "the baked PNG verifies");
}

/// Automatic badges on planted data: founding members (within 90 days of the first), five
/// years with us, went to three dinners, closed a first initiative; run twice, offered once.
#[test]
fn automatic_badges_fall_due_from_hearths_own_data() {
    let scratch = Scratch::new();
    let mut lea = create(&scratch.path("c"), "Circle");
    let joined = |name: &str, on: &str| MemberDraft { joined_on: Some(on.into()), ..MemberDraft::named(name) };
    members::create_my_profile(&mut lea, joined("Lea", "2019-01-10")).unwrap();
    for (name, on) in [("Ana", "2019-03-30"), ("Ben", "2019-04-30"), ("Cy", "2024-06-01")] {
        members::create_member(&mut lea, joined(name, on)).unwrap();
    }
    let id = |library: &Library, name: &str| {
        members::list(library.conn(), &hearth::viewer::Viewer::anonymous())
            .unwrap()
            .into_iter()
            .find(|m| m.display_name == name)
            .unwrap()
            .id
    };
    let names = |library: &Library, due: std::collections::BTreeSet<String>| {
        let mut out: Vec<String> = due
            .into_iter()
            .map(|m| hearth::people::members::person(library.conn(), &m).unwrap().display_name)
            .collect();
        out.sort();
        out
    };
    let today = chrono::NaiveDate::from_ymd_opt(2024, 4, 30).unwrap();
    assert_eq!(
        names(&lea, badges::due(&lea, &AutoRule::Founding, today).unwrap()),
        ["Ana", "Lea"],
        "within 90 days of Lea"
    );
    assert_eq!(
        names(&lea, badges::due(&lea, &AutoRule::YearsWithUs { years: 5 }, today).unwrap()),
        ["Ana", "Ben", "Lea"],
        "Ben's fifth anniversary is today"
    );

    let mut founding = badge("Founding member");
    founding.rule = Some(AutoRule::Founding);
    badges::define(&mut lea, founding).unwrap();
    assert_eq!(awarding::run_automatic(&mut lea).unwrap(), 2, "offered to Lea and Ana");
    assert_eq!(awarding::run_automatic(&mut lea).unwrap(), 0, "never twice");

    // Went to three held dinners (Ben), two (Cy): "three dinners" is Ben's.
    let dinner = hearth::convene::rituals::RitualDraft {
        name: "Monthly dinner".into(),
        why: String::new(),
        origin: String::new(),
        origin_moment: None,
        customs: vec![],
        place: String::new(),
        zone: "Europe/Paris".into(),
        cadence: hearth::clock::cadence::Cadence::MonthlyOnDay { day: 1 },
        starts: "2024-01-01".into(),
        at: "19:00".into(),
        minutes: 180,
    };
    let ritual = hearth::convene::rituals::create(&mut lea, dinner).unwrap();
    let past: Vec<String> = ritual.past.iter().map(|p| p.occurrence.key.clone()).collect();
    assert!(past.len() >= 3, "the dinner has met: {past:?}");
    let (ben, cy) = (id(&lea, "Ben"), id(&lea, "Cy"));
    for key in &past[..3] {
        hearth::convene::rituals::record_attendance(&mut lea, &ritual.id, key, &ben, Some(true)).unwrap();
    }
    for key in &past[..2] {
        hearth::convene::rituals::record_attendance(&mut lea, &ritual.id, key, &cy, Some(true)).unwrap();
    }
    let three = AutoRule::Attended { ritual_id: ritual.id.clone(), times: 3 };
    assert_eq!(names(&lea, badges::due(&lea, &three, today).unwrap()), ["Ben"]);

    // Cy proposed an initiative and closed it as done; Ana's is still an idea.
    members::choose_me(&lea, &id(&lea, "Cy")).unwrap();
    let done = hearth::initiatives::propose(&mut lea, initiative("Falls audit")).unwrap();
    hearth::initiatives::move_to(&mut lea, &done.id, hearth::initiatives::Status::Gathering).unwrap();
    hearth::initiatives::move_to(&mut lea, &done.id, hearth::initiatives::Status::Active).unwrap();
    hearth::initiatives::close(&mut lea, &done.id, "Audit shared with the ward", "Start smaller").unwrap();
    members::choose_me(&lea, &id(&lea, "Ana")).unwrap();
    hearth::initiatives::propose(&mut lea, initiative("Reading group")).unwrap();
    assert_eq!(names(&lea, badges::due(&lea, &AutoRule::FirstInitiative, today).unwrap()), ["Cy"]);
}

fn initiative(title: &str) -> hearth::initiatives::InitiativeDraft {
    hearth::initiatives::InitiativeDraft {
        title: title.into(),
        difference: "Fewer falls on the ward.".into(),
        ..Default::default()
    }
}

/// The CLI names the member awarded by id or by display name (case aside), as `--as` does; a name nobody has
/// is refused, not awarded to someone who is not there.
#[test]
fn the_cli_awards_to_a_member_named() {
    let scratch = Scratch::new();
    let path = scratch.path("c");
    let mut lea = create(&path, "C");
    members::create_my_profile(&mut lea, MemberDraft::named("Lea")).unwrap();
    members::create_members(&mut lea, vec![MemberDraft::named("Zoë Diallo")]).unwrap();
    let founder = badges::define(&mut lea, badge("Quorvel founder")).unwrap();
    drop(lea);
    let award = |who: &str| {
        std::process::Command::new(env!("CARGO_BIN_EXE_hearth"))
            .args(["badges", "award"])
            .arg(&path)
            .args([founder.id.as_str(), who])
            .output()
            .unwrap()
    };
    let named = award("ZOË DIALLO");
    assert!(named.status.success(), "{}", String::from_utf8_lossy(&named.stderr));
    assert!(
        String::from_utf8_lossy(&named.stdout).starts_with("Offered to Zoë Diallo"),
        "the name is found, case aside in any script"
    );
    let nobody = award("Nobody Here");
    assert!(!nobody.status.success(), "a name nobody has is refused");
    assert!(String::from_utf8_lossy(&nobody.stderr).contains("Nobody Here"), "and the message names it");
}
