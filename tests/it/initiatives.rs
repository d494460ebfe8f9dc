//! Initiatives and decisions: lifecycle and permissions, one support and one stance per
//! member, tallies with blocks, matching.

use hearth::clock::Millis;
use hearth::initiatives::decisions::{self, StanceKind};
use hearth::initiatives::{self, InitiativeDraft, Involvement, Status};
use hearth::people::members::{self, MemberDraft, ProfileFields};
use hearth::viewer::Viewer;
use hearth::{Error, Library};

use crate::support::{create, Scratch};

struct Circle {
    library: Library,
    lead: String,
    ada: String,
    bo: String,
    cy: String,
}

fn circle(scratch: &Scratch) -> Circle {
    let mut library = create(&scratch.path("c"), "Circle");
    let lead = members::create_my_profile(&mut library, MemberDraft::named("Lea")).unwrap().id;
    let skilled = |name: &str, expertise: &[&str], interests: &[&str]| MemberDraft {
        profile: ProfileFields {
            expertise: expertise.iter().map(|s| s.to_string()).collect(),
            interests: interests.iter().map(|s| s.to_string()).collect(),
            ..Default::default()
        },
        ..MemberDraft::named(name)
    };
    let ada = members::create_member(&mut library, skilled("Ada", &[], &["falls"])).unwrap().id;
    let bo = members::create_member(&mut library, skilled("Bo", &["data analysis"], &[])).unwrap().id;
    let cy = members::create_member(&mut library, skilled("Cy", &["Data analysis"], &["falls"])).unwrap().id;
    Circle { library, lead, ada, bo, cy }
}

fn draft(title: &str) -> InitiativeDraft {
    InitiativeDraft {
        title: title.into(),
        difference: "Fewer falls on the wards, because I have seen what one fall does.".into(),
        help_wanted: vec!["data analysis".into()],
        interests: vec!["falls".into()],
        ..Default::default()
    }
}

#[test]
fn a_proposal_moves_through_its_lifecycle_and_every_move_is_recorded() {
    let scratch = Scratch::new();
    let mut c = circle(&scratch);
    members::choose_me(&c.library, &c.ada).unwrap();
    let idea = initiatives::propose(&mut c.library, draft("Falls audit")).unwrap();
    assert_eq!(idea.status, Status::Idea);
    assert_eq!(
        idea.next,
        [Status::Gathering, Status::Paused, Status::Dropped],
        "the window offers the lifecycle's next steps, from the core; done only by closing"
    );
    members::choose_me(&c.library, &c.bo).unwrap();
    let as_bo = initiatives::get(c.library.conn(), &Viewer::me(&c.library).unwrap(), &idea.id).unwrap();
    assert!(as_bo.next.is_empty() && !as_bo.can_move, "someone who may not move a card is offered no move");
    members::choose_me(&c.library, &c.ada).unwrap();
    initiatives::move_to(&mut c.library, &idea.id, Status::Gathering).unwrap();
    let active = initiatives::move_to(&mut c.library, &idea.id, Status::Active).unwrap();
    let moves: Vec<(Status, Status, &str)> =
        active.moves.iter().map(|m| (m.from, m.to, m.by.display_name.as_str())).collect();
    assert_eq!(moves, [(Status::Idea, Status::Gathering, "Ada"), (Status::Gathering, Status::Active, "Ada")]);

    let skip = initiatives::move_to(&mut c.library, &idea.id, Status::Done);
    assert!(matches!(skip, Err(Error::Invalid { field: "status", .. })), "done only through closing");
    let no_reflection = initiatives::close(&mut c.library, &idea.id, "Audit published", " ");
    assert!(matches!(no_reflection, Err(Error::Invalid { field: "reflection", .. })));
    let done = initiatives::close(&mut c.library, &idea.id, "Audit published", "Start with the night shift.").unwrap();
    assert_eq!((done.status, done.reflection.as_str()), (Status::Done, "Start with the night shift."));
    assert_eq!(done.moves.last().map(|m| m.to), Some(Status::Done));
    let after = initiatives::move_to(&mut c.library, &idea.id, Status::Active);
    assert!(matches!(after, Err(Error::Invalid { .. })), "a done initiative stays done");
    assert!(done.next.is_empty(), "and offers no move");
}

#[test]
fn only_the_proposer_coleads_and_leads_move_a_card() {
    let scratch = Scratch::new();
    let mut c = circle(&scratch);
    members::choose_me(&c.library, &c.ada).unwrap();
    let id = initiatives::propose(&mut c.library, draft("Falls audit")).unwrap().id;
    members::choose_me(&c.library, &c.bo).unwrap();
    let bo_moves = initiatives::move_to(&mut c.library, &id, Status::Gathering);
    assert!(matches!(bo_moves, Err(Error::Forbidden { .. })), "a supporter cannot move it");
    initiatives::involve(&mut c.library, &id, Involvement::Colead, false).unwrap();
    initiatives::move_to(&mut c.library, &id, Status::Gathering).expect("a co-lead can");
    members::choose_me(&c.library, &c.lead).unwrap();
    initiatives::move_to(&mut c.library, &id, Status::Paused).expect("a community lead can move any card");
}

#[test]
fn one_support_per_member_counted_from_rows() {
    let scratch = Scratch::new();
    let mut c = circle(&scratch);
    members::choose_me(&c.library, &c.ada).unwrap();
    let id = initiatives::propose(&mut c.library, draft("Falls audit")).unwrap().id;
    members::choose_me(&c.library, &c.bo).unwrap();
    initiatives::support(&mut c.library, &id, "My mum fell last year").unwrap();
    let twice = initiatives::support(&mut c.library, &id, "again");
    assert!(matches!(twice, Err(Error::Invalid { field: "support", .. })), "a second support is refused");
    members::choose_me(&c.library, &c.cy).unwrap();
    let two = initiatives::support(&mut c.library, &id, "").unwrap();
    assert_eq!(two.supporters.len(), 2);
    assert_eq!(two.supporters[0].reason, "My mum fell last year");
    let one = initiatives::withdraw_support(&mut c.library, &id).unwrap();
    assert_eq!((one.supporters.len(), one.i_support), (1, false));
    initiatives::support(&mut c.library, &id, "back again").unwrap();
    let rows: i64 = c
        .library
        .conn()
        .query_row("SELECT count(*) FROM initiative_people WHERE kind = 'support'", [], |r| r.get(0))
        .unwrap();
    assert_eq!(rows, 2, "withdrawing and supporting again reuses the member's one row");
}

#[test]
fn bad_proposals_are_refused_with_the_field_named() {
    let scratch = Scratch::new();
    let mut c = circle(&scratch);
    let cases = [
        (InitiativeDraft { title: "".into(), ..draft("x") }, "title"),
        (InitiativeDraft { title: "t".repeat(141), ..draft("x") }, "title"),
        (InitiativeDraft { difference: "".into(), ..draft("x") }, "difference"),
        (InitiativeDraft { target_date: "soon".into(), ..draft("x") }, "targetDate"),
    ];
    for (bad, field) in cases {
        let result = initiatives::propose(&mut c.library, bad);
        assert!(matches!(result, Err(Error::Invalid { field: f, .. }) if f == field), "{field}: {:?}", result.err());
    }
    let unknown_dimension = InitiativeDraft { dimensions: vec!["nope".into()], ..draft("x") };
    assert!(matches!(initiatives::propose(&mut c.library, unknown_dimension), Err(Error::NotFound { .. })));
    assert!(initiatives::list(c.library.conn(), &Viewer::anonymous()).unwrap().is_empty());
}

#[test]
fn a_decision_tallies_stances_with_blocks_and_refuses_late_ones() {
    let scratch = Scratch::new();
    let mut c = circle(&scratch);
    members::choose_me(&c.library, &c.ada).unwrap();
    let id = initiatives::propose(&mut c.library, draft("Falls audit")).unwrap().id;
    let now = c.library.now();
    let decision = decisions::propose(&mut c.library, &id, "Audit nights first", Millis(now.0 + 86_400_000)).unwrap();
    decisions::take_stance(&mut c.library, &decision.id, StanceKind::Agree, "").unwrap();
    members::choose_me(&c.library, &c.bo).unwrap();
    let no_reason = decisions::take_stance(&mut c.library, &decision.id, StanceKind::Block, "");
    assert!(matches!(no_reason, Err(Error::Invalid { field: "reason", .. })), "a block must say why");
    decisions::take_stance(&mut c.library, &decision.id, StanceKind::Disagree, "Days are busier").unwrap();
    decisions::take_stance(&mut c.library, &decision.id, StanceKind::Block, "No data on nights yet").unwrap();
    members::choose_me(&c.library, &c.cy).unwrap();
    let tallied = decisions::take_stance(&mut c.library, &decision.id, StanceKind::Abstain, "").unwrap();
    assert_eq!(
        (tallied.tally.agree, tallied.tally.abstain, tallied.tally.disagree, tallied.tally.block),
        (1, 1, 0, 1),
        "Bo's changed stance replaces his first one"
    );
    assert!(tallied.stances.iter().any(|s| s.reason == "No data on nights yet"), "reasons are visible to all");

    members::choose_me(&c.library, &c.cy).unwrap();
    assert!(matches!(decisions::close(&mut c.library, &decision.id, "Nights first"), Err(Error::Forbidden { .. })));
    members::choose_me(&c.library, &c.ada).unwrap();
    let closed =
        decisions::close(&mut c.library, &decision.id, "Start with two night shifts, gather data first").unwrap();
    assert!(closed.closed);
    members::choose_me(&c.library, &c.cy).unwrap();
    let late = decisions::take_stance(&mut c.library, &decision.id, StanceKind::Agree, "");
    assert!(matches!(late, Err(Error::Invalid { field: "stance", .. })), "no stance after closing");
}

#[test]
fn for_you_and_collaborators_match_skills_and_favour_new_faces() {
    let scratch = Scratch::new();
    let mut c = circle(&scratch);
    members::choose_me(&c.library, &c.ada).unwrap();
    let earlier = initiatives::propose(&mut c.library, draft("Earlier project")).unwrap().id;
    members::choose_me(&c.library, &c.bo).unwrap();
    initiatives::involve(&mut c.library, &earlier, Involvement::Helper, false).unwrap();
    members::choose_me(&c.library, &c.ada).unwrap();
    let id = initiatives::propose(&mut c.library, draft("Falls audit")).unwrap().id;
    let conn = c.library.conn();

    let for_cy = initiatives::for_you(conn, &Viewer::member(conn, &c.cy).unwrap()).unwrap();
    assert_eq!(for_cy.len(), 2);
    assert!(for_cy[0].reasons[0].starts_with("Help wanted with data analysis"), "{:?}", for_cy[0].reasons);

    let helpers = initiatives::suggest_collaborators(conn, &Viewer::member(conn, &c.ada).unwrap(), &id).unwrap();
    let names: Vec<&str> = helpers.iter().map(|h| h.person.display_name.as_str()).collect();
    assert_eq!(names, ["Cy", "Bo"], "Cy has not worked with Ada yet, Bo has");
    assert!(helpers[0].reasons.iter().any(|r| r.contains("Has not worked with Ada")));
}
