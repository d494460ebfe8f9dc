//! Care notes never leave their audience: not by reading, listing, responding, searching,
//! exporting or celebrating, and not after they are closed.

use hearth::people::care::{self, CareAudience, CareNoteDraft};
use hearth::people::members;
use hearth::viewer::Viewer;
use hearth::{people::celebrations, people::stories, Error};

use crate::support::{circle, Circle, Scratch};

fn note(audience_kind: CareAudience, audience: Vec<String>) -> CareNoteDraft {
    CareNoteDraft {
        member_id: None,
        consent: String::new(),
        audience_kind,
        audience,
        title: "My father died on Sunday".into(),
        body: "I will be away for two weeks. Zanzibarite.".into(),
    }
}

fn titles(c: &Circle, who: &str) -> Vec<String> {
    let viewer = Viewer::member(c.library.conn(), who).unwrap();
    care::list_care_notes(c.library.conn(), &viewer).unwrap().into_iter().map(|n| n.title).collect()
}

#[test]
fn a_note_for_named_members_reaches_them_and_nobody_else() {
    let scratch = Scratch::new();
    let mut c = circle(&scratch);
    members::choose_me(&c.library, &c.ada).unwrap();
    let shared = care::share_care_note(&mut c.library, note(CareAudience::Members, vec![c.bo.clone()])).unwrap();
    let names: Vec<&str> = shared.seen_by.iter().map(|p| p.display_name.as_str()).collect();
    assert_eq!(names, ["Ada", "Bo"], "the note says plainly who can see it");

    assert_eq!(titles(&c, &c.ada).len(), 1, "the member it is about sees it");
    assert_eq!(titles(&c, &c.bo).len(), 1, "the named member sees it");
    assert!(titles(&c, &c.cy).is_empty(), "an ordinary member outside the audience does not");
    assert!(titles(&c, &c.lead).is_empty(), "nor does a lead who was not named");
    assert!(care::list_care_notes(c.library.conn(), &Viewer::anonymous()).unwrap().is_empty());
    let read = care::get_care_note(c.library.conn(), &Viewer::member(c.library.conn(), &c.cy).unwrap(), &shared.id);
    assert!(matches!(read, Err(Error::NotFound { .. })));

    members::choose_me(&c.library, &c.bo).unwrap();
    care::offer_support(&mut c.library, &shared.id, "Thinking of you, Ada.").unwrap();
    members::choose_me(&c.library, &c.cy).unwrap();
    let support = care::offer_support(&mut c.library, &shared.id, "?");
    assert!(matches!(support, Err(Error::NotFound { .. })), "outsiders cannot write to it either");
}

#[test]
fn a_note_for_the_leads_reaches_every_lead() {
    let scratch = Scratch::new();
    let mut c = circle(&scratch);
    members::choose_me(&c.library, &c.ada).unwrap();
    care::share_care_note(&mut c.library, note(CareAudience::Leads, vec![])).unwrap();
    assert_eq!(titles(&c, &c.lead).len(), 1);
    assert!(titles(&c, &c.bo).is_empty());
}

#[test]
fn a_lead_writes_for_a_member_only_with_consent_recorded() {
    let scratch = Scratch::new();
    let mut c = circle(&scratch);
    let for_ada = CareNoteDraft { member_id: Some(c.ada.clone()), ..note(CareAudience::Leads, vec![]) };
    let without = care::share_care_note(&mut c.library, for_ada.clone());
    assert!(matches!(without, Err(Error::Invalid { field: "consent", .. })), "got {:?}", without.err());
    let with = CareNoteDraft { consent: "Ada asked me to, by phone on Monday".into(), ..for_ada.clone() };
    let written = care::share_care_note(&mut c.library, with).unwrap();
    assert_eq!(written.member.display_name, "Ada");
    assert_eq!(titles(&c, &c.ada).len(), 1, "the member it is about always sees it");

    members::choose_me(&c.library, &c.bo).unwrap();
    let by_member = care::share_care_note(&mut c.library, CareNoteDraft { consent: "sure".into(), ..for_ada });
    assert!(matches!(by_member, Err(Error::Forbidden { .. })), "members do not write about others");
}

#[test]
fn closing_keeps_a_note_private_and_stops_new_messages() {
    let scratch = Scratch::new();
    let mut c = circle(&scratch);
    members::choose_me(&c.library, &c.ada).unwrap();
    let shared = care::share_care_note(&mut c.library, note(CareAudience::Members, vec![c.bo.clone()])).unwrap();
    let closed = care::close_care_note(&mut c.library, &shared.id).unwrap();
    assert!(closed.closed);
    assert!(titles(&c, &c.cy).is_empty(), "closed notes stay private");
    assert_eq!(titles(&c, &c.bo).len(), 1, "and stay with their audience");
    members::choose_me(&c.library, &c.bo).unwrap();
    assert!(matches!(care::offer_support(&mut c.library, &shared.id, "late"), Err(Error::Invalid { .. })));
    assert!(matches!(care::close_care_note(&mut c.library, &shared.id), Err(Error::Forbidden { .. })));
}

#[test]
fn care_notes_never_surface_in_stories_celebrations_or_search() {
    let scratch = Scratch::new();
    let mut c = circle(&scratch);
    members::choose_me(&c.library, &c.ada).unwrap();
    care::share_care_note(&mut c.library, note(CareAudience::Members, vec![c.bo.clone()])).unwrap();
    let conn = c.library.conn();
    let bo = Viewer::member(conn, &c.bo).unwrap();
    assert!(stories::list_stories(conn, &bo, &Default::default()).unwrap().is_empty(), "not a story in any feed");
    let today = c.library.today();
    let occasions = celebrations::upcoming(conn, &bo, today, 365).unwrap();
    assert!(
        occasions.iter().all(|o| !o.title.contains("father") && !o.description.contains("Zanzibarite")),
        "not an occasion"
    );
    let export = hearth::people::exchange::export_csv(&c.library, &bo).unwrap();
    assert!(!export.contains("Zanzibarite") && !export.contains("father"), "not in exports, even for its audience");
    for who in [&c.bo, &c.cy, &c.lead] {
        let viewer = Viewer::member(conn, who).unwrap();
        let hits = hearth::people::directory::search(conn, &viewer, "Zanzibarite").unwrap();
        assert!(hits.is_empty(), "search never finds care notes, even for their audience: {hits:?}");
    }
}
