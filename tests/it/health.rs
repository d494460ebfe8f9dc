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

/// The names a report gives under findings of `kind`.
fn named_in(report: &hearth::health::report::Report, kind: FindingKind) -> Vec<String> {
    report
        .findings
        .iter()
        .filter(|f| f.kind == kind)
        .flat_map(|f| f.people.iter().map(|p| p.display_name.clone()))
        .collect()
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
    assert_eq!((as_lead.members, as_lead.connected), (4, Some(3)));
    let isolated = as_lead.findings.iter().find(|f| f.kind == FindingKind::Isolated).expect("Cy is isolated");
    assert_eq!(
        isolated.people.iter().map(|p| p.display_name.as_str()).collect::<Vec<_>>(),
        ["Cy"],
        "named to the lead"
    );
    assert!(isolated.next_step.starts_with("Invite"), "worded as an invitation");
    assert!(as_lead.findings.iter().any(|f| f.kind == FindingKind::HubAndSpoke), "every tie runs through Lea");

    // A story Cy keeps to the leads, answered by Lea: not something every member may see, so
    // it changes nothing (Cy is still without an exchange).
    members::choose_me(&lea, &ids[3]).unwrap();
    let kept = stories::write_story(
        &mut lea,
        StoryDraft {
            title: "Only for the leads".into(),
            body: "A hard week.".into(),
            prompt_id: None,
            kind: StoryKind::Personal,
            visibility: StoryVisibility::Leads,
            audience: vec![],
            photos: vec![],
        },
    )
    .unwrap();
    members::choose_me(&lea, &ids[0]).unwrap();
    stories::respond(&mut lea, &kept.id, "Thank you for telling us.").unwrap();
    let again = report(&lea, 90).unwrap();
    assert_eq!(again.connected, Some(3), "a leads-only story and its response are no exchange in the report");

    // As Ana, a member: nobody named, and no figure about fewer than five people.
    members::choose_me(&lea, &ids[1]).unwrap();
    let as_member = report(&lea, 90).unwrap();
    assert_eq!(as_member.connected, None, "3 of 4 would point at the one without an exchange");
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
    let named = |kind: FindingKind| named_in(&found, kind);
    assert_eq!(named(FindingKind::NewcomerAlone), ["Nia"], "with us two months, no tie");
    assert_eq!(named(FindingKind::StoryUnanswered), ["Omar"], "his first story, unanswered ten days");
    members::choose_me(&lea, &nia).unwrap();
    let as_member = report(&lea, 90).unwrap();
    assert!(as_member
        .findings
        .iter()
        .all(|f| f.kind != FindingKind::NewcomerAlone && f.kind != FindingKind::StoryUnanswered));
}

/// A community of 40 on generated ties: 35 people answering each other at random and five who
/// answer only one another, in both windows.
fn planted(seed: u64) -> (hearth::health::graph::Graph, hearth::health::graph::Graph) {
    use hearth::health::graph::{Graph, Layer};
    let people: Vec<String> = (0..40).map(|i| format!("m{i:02}")).collect();
    let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let mut next = move |below: u32| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % u64::from(below)) as u32
    };
    let mut window = || {
        let mut graph = Graph::over(people.clone());
        for _ in 0..120 {
            let (a, b) = (next(35), next(35));
            graph.add(a, b, Layer::Learning, 1.0);
        }
        for a in 35..40 {
            for b in a + 1..40 {
                graph.add(a, b, Layer::Social, 2.0);
            }
        }
        graph
    };
    (window(), window())
}

/// The planted circle is found; the same graphs with their ties rewired at random (every
/// member keeps their number of ties) are not called split, for 20 seeds.
#[test]
fn a_planted_circle_is_found_and_twenty_random_graphs_of_the_same_degrees_are_not() {
    use hearth::health::graph::{Graph, Layer};
    use hearth::health::groups::{rewired, split_test};
    let (now, before) = planted(1);
    let test = split_test(&now, &before, 7);
    assert_eq!(
        test.circles.len(),
        1,
        "one circle: {:?} z {} q {} null {} ± {}",
        test.circles,
        test.z,
        test.modularity,
        test.null_mean,
        test.null_sd
    );
    assert_eq!(test.circles[0].people, (35..40).collect::<Vec<u32>>(), "the five who answer only each other");
    assert!(test.z >= 2.0, "modularity {} against rewired {} ± {}", test.modularity, test.null_mean, test.null_sd);

    let random = |graph: &Graph, seed: u64| {
        let mut out = Graph::over(graph.people.clone());
        for (a, ties) in rewired(&graph.adjacency(), seed).iter().enumerate() {
            for (b, w) in ties.iter().filter(|(b, _)| *b as usize > a) {
                out.add(a as u32, *b, Layer::Social, *w);
            }
        }
        out
    };
    for seed in 0..20u64 {
        let (now, before) = planted(seed + 2);
        let (now, before) = (random(&now, 100 + seed), random(&before, 200 + seed));
        let test = split_test(&now, &before, 7);
        assert!(test.circles.is_empty(), "seed {seed}: a random graph called split: {:?} (z {})", test.circles, test.z);
    }
}

/// The demo's planted findings are found for its lead, each with a next step; a member of the
/// demo reads only community figures, and nobody's name appears anywhere in what they receive.
#[test]
fn the_demo_shows_its_lead_the_planted_findings_and_a_member_only_figures() {
    let scratch = Scratch::new();
    let library = hearth::dev::demo::create_demo(&scratch.path("demo")).unwrap();
    let found = report(&library, 90).unwrap();
    let named = |kind: FindingKind| named_in(&found, kind);
    assert_eq!(named(FindingKind::Isolated), ["Zanele Khumalo"]);
    assert_eq!(named(FindingKind::StoryUnanswered).len(), 1, "the newcomer's first story");
    let five = ["Arjun Nair", "Grace Mwangi", "Leilani Kahale", "Oliver Bennett", "Yusuf Demir"];
    let circle = named(FindingKind::Split);
    assert_eq!(circle.len(), 3, "at most three names on a finding");
    assert!(circle.iter().all(|n| five.contains(&n.as_str())), "{circle:?}");
    let split = found.findings.iter().find(|f| f.kind == FindingKind::Split).unwrap();
    assert_eq!(split.count, 5, "the finding is about the five");
    // The words of every finding, named or held, name nobody: names go only where the cap rules.
    let everyone: Vec<String> = hearth::people::members::list(library.conn(), &hearth::viewer::Viewer::anonymous())
        .unwrap()
        .into_iter()
        .map(|m| m.display_name)
        .collect();
    for f in &found.findings {
        for name in &everyone {
            let words = format!("{} {} {}", f.sentence, f.evidence, f.next_step);
            assert!(!words.contains(name.as_str()), "{name} named in the words of {:?}: {words}", f.kind);
        }
    }
    // A held finding has no names, and the picture marks only people named this week.
    assert!(found.findings.iter().filter(|f| f.held).all(|f| f.people.is_empty()));
    let picture = found.picture.as_ref().unwrap();
    let ringed: Vec<&str> =
        picture.nodes.iter().filter(|n| n.circle.is_some()).map(|n| n.person.display_name.as_str()).collect();
    assert_eq!(ringed.len(), 3, "the picture rings only the three named: {ringed:?}");

    // Another window the same week names no one new under a kind already named.
    let isolated_then = named(FindingKind::Isolated);
    let shorter = report(&library, 30).unwrap();
    let isolated_now = named_in(&shorter, FindingKind::Isolated);
    assert!(isolated_now.iter().all(|n| isolated_then.contains(n)), "new names this week: {isolated_now:?}");
    let kinds_named: std::collections::BTreeSet<_> =
        shorter.findings.iter().filter(|f| !f.people.is_empty()).map(|f| f.kind).collect();
    assert!(kinds_named.len() <= 3, "{kinds_named:?}");
    assert!(found.findings.iter().any(|f| f.kind == FindingKind::LearningSlide), "{:#?}", found.findings);
    assert!(found.findings.iter().all(|f| !f.next_step.is_empty()), "every finding has a next step");
    let named_kinds: std::collections::BTreeSet<_> =
        found.findings.iter().filter(|f| !f.people.is_empty()).map(|f| f.kind).collect();
    assert!(named_kinds.len() <= 3, "at most three suggestions about people a week: {named_kinds:?}");
    assert!(found.picture.as_ref().is_some_and(|p| p.nodes.len() == 30), "the lead's picture shows everyone");
    // The core places every mark within the drawing's margins (760 × 520, 90 and 40 px), and
    // not all in one spot.
    let marks = &found.picture.as_ref().unwrap().nodes;
    assert!(
        marks.iter().all(|n| (90.0..=670.0).contains(&n.x) && (40.0..=480.0).contains(&n.y)),
        "{:?}",
        marks.iter().map(|n| (n.x, n.y)).collect::<Vec<_>>()
    );
    assert!(marks.iter().any(|n| (n.x, n.y) != (marks[0].x, marks[0].y)), "the marks are spread out");

    let member = hearth::people::members::list(library.conn(), &hearth::viewer::Viewer::anonymous())
        .unwrap()
        .into_iter()
        .find(|m| m.display_name == "Sipho Dlamini")
        .unwrap();
    members::choose_me(&library, &member.id).unwrap();
    let as_member = report(&library, 90).unwrap();
    let json = serde_json::to_string(&as_member).unwrap();
    for name in ["Zanele", "Grace", "Amelia", "Arjun", "Amara"] {
        assert!(!json.contains(name), "{name} appears in a member's report: {json}");
    }
    assert!(as_member.picture.is_none());
    assert!(as_member.findings.iter().any(|f| f.kind == FindingKind::LearningSlide), "a community figure");
    assert!(as_member.findings.iter().all(|f| matches!(
        f.kind,
        FindingKind::LearningSlide | FindingKind::HubAndSpoke | FindingKind::Concentrated | FindingKind::Isolated
    )));
}

/// A member who opts out is in no tie, figure or finding from the next computation on, and only
/// they can make that choice.
#[test]
fn an_opted_out_member_appears_nowhere_in_the_report() {
    let scratch = Scratch::new();
    let (mut lea, ids) = circle(&scratch);
    let told = story(&mut lea, "Night shift");
    members::choose_me(&lea, &ids[1]).unwrap();
    stories::respond(&mut lea, &told, "Thank you for this.").unwrap();
    // Cy has no exchange: isolated, until she opts out.
    members::choose_me(&lea, &ids[0]).unwrap();
    let before = report(&lea, 90).unwrap();
    assert!(serde_json::to_string(&before).unwrap().contains("\"Cy\""), "Cy is named before she opts out");
    members::choose_me(&lea, &ids[3]).unwrap();
    hearth::health::opt_out::set(&mut lea, true).unwrap();
    assert!(hearth::health::opt_out::get(&lea).unwrap());
    members::choose_me(&lea, &ids[0]).unwrap();
    let after = report(&lea, 90).unwrap();
    let json = serde_json::to_string(&after).unwrap();
    assert!(!json.contains("\"Cy\"") && !json.contains(&ids[3]), "Cy appears after opting out: {json}");
    assert_eq!((after.members, after.opted_out), (3, Some(1)), "counted out; to a lead, the count of those out shows");
}

/// A member who edits their own database writes a moment whose who-was-there is not a list of
/// members: the report reads past it (the merge refuses it from anyone else's laptop).
#[test]
fn a_moment_with_malformed_attendees_breaks_nothing() {
    let scratch = Scratch::new();
    let (lea, _) = circle(&scratch);
    for (row, attendees) in [("m1", "oops"), ("m2", "[1,2]"), ("m3", "[null]"), ("m4", "{\"a\":1}")] {
        lea.conn()
            .execute(
                "INSERT INTO moments (id, author, created_at, updated_at, title, attendees) VALUES (?1, '', ?2, ?2, 't', ?3)",
                rusqlite::params![row, lea.now().0 - 1000, attendees],
            )
            .unwrap();
    }
    let found = report(&lea, 90).unwrap();
    assert_eq!(found.connected, Some(0), "no tie from a malformed list");
}
