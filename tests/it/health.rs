//! Community health (first part): an isolated member is found and named only to the leads;
//! a member who is not a lead sees no one named and no figure of fewer than five; care notes
//! never change the graph; a community that runs through its lead is called hub-and-spoke.

use hearth::health::report::{report, FindingKind};
use hearth::people::care::{self, CareAudience, CareNoteDraft};
use hearth::people::members::{self, MemberDraft};
use hearth::people::stories::{self, StoryDraft, StoryKind, StoryVisibility};
use hearth::Library;

use crate::support::{create, Scratch};

fn circle(scratch: &Scratch) -> (Library, Vec<String>) {
    let mut lea = create(&scratch.path("c"), "Circle");
    let joined = |name: &str| MemberDraft { joined_on: Some("2020-01-01".into()), ..MemberDraft::named(name) };
    members::create_my_profile(&mut lea, joined("Lea")).unwrap();
    let mut ids = vec![lea.me().unwrap().unwrap()];
    for name in ["Ana", "Ben", "Cy"] {
        ids.push(members::create_member(&mut lea, joined(name)).unwrap().id);
    }
    (lea, ids)
}

fn story(library: &mut Library, title: &str) -> String {
    let draft = StoryDraft {
        title: title.into(),
        body: "What happened on the ward.".into(),
        prompt_id: None,
        kind: StoryKind::Personal,
        visibility: StoryVisibility::Community,
        audience: vec![],
        photos: vec![],
    };
    stories::write_story(library, draft).unwrap().id
}

#[test]
fn an_isolated_member_is_named_only_to_the_leads_and_care_notes_change_nothing() {
    let scratch = Scratch::new();
    let (mut lea, ids) = circle(&scratch);
    // Lea, Ana and Ben exchange; Cy does not.
    let told = story(&mut lea, "Night shift");
    for member in &ids[1..3] {
        members::choose_me(&lea, member).unwrap();
        stories::respond(&mut lea, &told, "Thank you for this.").unwrap();
    }
    members::choose_me(&lea, &ids[0]).unwrap();
    // A care note about Cy, written by a lead: never read by the report.
    let draft = CareNoteDraft {
        member_id: Some(ids[3].clone()),
        consent: "Asked her on the phone".into(),
        audience_kind: CareAudience::Leads,
        audience: vec![],
        title: "A hard month".into(),
        body: "Cy is caring for her father.".into(),
    };
    care::share_care_note(&mut lea, draft).unwrap();

    let as_lead = report(&lea, 90).unwrap();
    assert_eq!((as_lead.members, as_lead.connected), (4, 3));
    let isolated = as_lead.findings.iter().find(|f| f.kind == FindingKind::Isolated).expect("Cy is isolated");
    assert_eq!(
        isolated.people.iter().map(|p| p.display_name.as_str()).collect::<Vec<_>>(),
        ["Cy"],
        "named to the lead"
    );
    assert!(isolated.next_step.starts_with("Invite"), "worded as an invitation");
    assert!(as_lead.findings.iter().any(|f| f.kind == FindingKind::HubAndSpoke), "every tie runs through Lea");

    // As Ana, a member: nobody named, and no finding about fewer than five people.
    members::choose_me(&lea, &ids[1]).unwrap();
    let as_member = report(&lea, 90).unwrap();
    assert!(as_member.findings.iter().all(|f| f.people.is_empty()), "no person-level signal to a member");
    assert!(
        as_member.findings.iter().all(|f| f.kind != FindingKind::Isolated),
        "one isolated member is not a community figure"
    );
}

/// The newcomer watch: a newcomer alone after a month, and one whose first story went
/// unanswered for a week, each found for the lead with a next step; never for a member.
#[test]
fn the_newcomer_watch_finds_a_newcomer_alone_and_a_first_story_unanswered() {
    use hearth::clock::{Clock, FixedClock, Millis};
    let scratch = Scratch::new();
    let clock = std::sync::Arc::new(FixedClock::new(Millis(1_767_603_600_000), 1_000));
    let mut lea = hearth::community::create_with(
        &scratch.path("c"),
        hearth::community::CommunityDraft::new("Circle", ""),
        clock.clone(),
        hearth::ids::IdSource::seeded(5),
    )
    .unwrap();
    members::create_my_profile(&mut lea, MemberDraft::named("Lea")).unwrap();
    let lea_id = lea.me().unwrap().unwrap();
    let newcomer = |name: &str, on: &str| MemberDraft {
        joined_on: Some(on.into()),
        role: Some(members::Role::Newcomer),
        ..MemberDraft::named(name)
    };
    let nia = members::create_member(&mut lea, newcomer("Nia", "2025-11-01")).unwrap().id;
    let omar = members::create_member(&mut lea, newcomer("Omar", "2025-12-28")).unwrap().id;
    members::choose_me(&lea, &omar).unwrap();
    story(&mut lea, "My first week");
    // Ten days later, as the lead.
    clock.set(Millis(clock.now().0 + 10 * 86_400_000));
    members::choose_me(&lea, &lea_id).unwrap();
    let found = report(&lea, 90).unwrap();
    let named = |kind: FindingKind| -> Vec<String> {
        found
            .findings
            .iter()
            .filter(|f| f.kind == kind)
            .flat_map(|f| f.people.iter().map(|p| p.display_name.clone()))
            .collect()
    };
    assert_eq!(named(FindingKind::NewcomerAlone), ["Nia"], "with us two months, no tie");
    assert_eq!(named(FindingKind::StoryUnanswered), ["Omar"], "his first story, unanswered ten days");
    members::choose_me(&lea, &nia).unwrap();
    let as_member = report(&lea, 90).unwrap();
    assert!(as_member
        .findings
        .iter()
        .all(|f| f.kind != FindingKind::NewcomerAlone && f.kind != FindingKind::StoryUnanswered));
}
