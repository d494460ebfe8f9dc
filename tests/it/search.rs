//! Search and the directory: only what the reader may see can match.

use hearth::people::directory::{self as search, DirectoryQuery, DirectorySort};
use hearth::people::members::{self, MemberDraft, ProfileFields, Role};
use hearth::people::stories::{self, StoryDraft, StoryKind, StoryVisibility};
use hearth::viewer::{Viewer, Visibility};

use crate::support::{create, reopen, Scratch};

fn names(members: &[members::Member]) -> Vec<&str> {
    members.iter().map(|m| m.display_name.as_str()).collect()
}

#[test]
fn the_directory_finds_by_visible_fields_and_stories_only() {
    let scratch = Scratch::new();
    let root = scratch.path("c");
    let mut library = create(&root, "Circle");
    let lead = members::create_my_profile(&mut library, MemberDraft::named("Lea")).unwrap().id;
    let ada = members::create_member(
        &mut library,
        MemberDraft {
            joined_on: Some("2019-04-01".into()),
            profile: ProfileFields {
                bio: "I keep bees on the hospital roof.".into(),
                interests: vec!["Beekeeping".into()],
                contact: "ada@example.org".into(),
                ..Default::default()
            },
            ..MemberDraft::named("Ada Ōkubo")
        },
    )
    .unwrap()
    .id;
    let bo = members::create_member(
        &mut library,
        MemberDraft {
            role: Some(Role::Newcomer),
            joined_on: Some("2025-02-01".into()),
            profile: ProfileFields {
                bio: "Secret: I also keep bees.".into(),
                visibility: [("bio".to_string(), Visibility::OnlyMe)].into(),
                ..Default::default()
            },
            ..MemberDraft::named("Bo")
        },
    )
    .unwrap()
    .id;
    members::choose_me(&library, &bo).unwrap();
    let story = StoryDraft {
        title: "Night ferry".into(),
        body: "The lighthouse keeper's daughter.".into(),
        prompt_id: None,
        kind: StoryKind::Personal,
        visibility: StoryVisibility::Leads,
        audience: vec![],
        photos: vec![],
    };
    stories::write_story(&mut library, story).unwrap();
    drop(library);

    // Reopened, so the index is the one on disk.
    let library = reopen(&root).unwrap();
    let conn = library.conn();
    let as_lead = Viewer::member(conn, &lead).unwrap();
    let as_ada = Viewer::member(conn, &ada).unwrap();
    let find = |viewer: &Viewer, text: &str| {
        search::directory(conn, viewer, &DirectoryQuery { text: text.into(), ..Default::default() }).unwrap()
    };
    assert_eq!(names(&find(&as_ada, "bees")), ["Ada Ōkubo"], "Bo's only-me bio must not make him match for Ada");
    assert_eq!(names(&find(&Viewer::member(conn, &bo).unwrap(), "bees")), ["Ada Ōkubo", "Bo"], "Bo finds his own");
    assert_eq!(names(&find(&as_ada, "okubo")), ["Ada Ōkubo"], "accents do not matter");
    assert_eq!(names(&find(&as_ada, "bee")), ["Ada Ōkubo"], "words match as prefixes");
    assert_eq!(names(&find(&as_lead, "lighthouse")), ["Bo"], "a lead finds Bo through his leads-only story");
    assert!(find(&as_ada, "lighthouse").is_empty(), "Ada cannot see that story, so it does not match");
    assert!(find(&as_ada, "ada@example").is_empty(), "contact details are not searchable at all");
    for hostile in ["\"", "bees OR", "NEAR(", "*", "a\" OR \"b", "-bees"] {
        assert!(search::search(conn, &as_ada, hostile).is_ok(), "{hostile:?} must not break the query");
    }
}

#[test]
fn directory_filters_and_sorts_on_what_the_reader_sees() {
    let scratch = Scratch::new();
    let mut library = create(&scratch.path("c"), "Circle");
    members::create_my_profile(
        &mut library,
        MemberDraft { joined_on: Some("2021-01-01".into()), ..MemberDraft::named("Lea") },
    )
    .unwrap();
    let tagged = |interest: &str, hidden: bool| ProfileFields {
        interests: vec![interest.into()],
        visibility: if hidden { [("interests".to_string(), Visibility::OnlyMe)].into() } else { Default::default() },
        ..Default::default()
    };
    members::create_member(
        &mut library,
        MemberDraft {
            joined_on: Some("2019-05-01".into()),
            profile: tagged("choir", false),
            ..MemberDraft::named("Ada")
        },
    )
    .unwrap();
    members::create_member(
        &mut library,
        MemberDraft {
            role: Some(Role::Newcomer),
            joined_on: Some("2025-05-01".into()),
            profile: tagged("choir", true),
            ..MemberDraft::named("Bo")
        },
    )
    .unwrap();
    let conn = library.conn();
    let anyone = Viewer::anonymous();
    let query = |q: DirectoryQuery| {
        names(&search::directory(conn, &anyone, &q).unwrap()).into_iter().map(String::from).collect::<Vec<_>>()
    };
    assert_eq!(
        query(DirectoryQuery { interest: Some("Choir".into()), ..Default::default() }),
        ["Ada"],
        "Bo's hidden interest cannot be filtered on"
    );
    assert_eq!(query(DirectoryQuery { role: Some(Role::Newcomer), ..Default::default() }), ["Bo"]);
    assert_eq!(query(DirectoryQuery { joined_year: Some(2019), ..Default::default() }), ["Ada"]);
    assert_eq!(query(DirectoryQuery { sort: DirectorySort::NewestFirst, ..Default::default() }), ["Bo", "Lea", "Ada"]);
    assert_eq!(
        query(DirectoryQuery { sort: DirectorySort::LongestServing, ..Default::default() }),
        ["Ada", "Lea", "Bo"]
    );
    let facets = search::facets(conn, &anyone).unwrap();
    assert_eq!(facets.interests, ["choir"]);
    assert_eq!(facets.joined_years, [2019, 2021, 2025]);
}
