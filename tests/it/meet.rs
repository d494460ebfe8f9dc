//! People to get to know: strangers and newcomers first, with the reason.

use hearth::people::meet;
use hearth::people::members::{self, MemberDraft, ProfileFields, Role};
use hearth::people::stories::{self, StoryDraft, StoryKind, StoryVisibility};
use hearth::viewer::{Viewer, Visibility};

use crate::support::{create, Scratch};

fn with_interests(name: &str, role: Role, interests: &[&str], hidden: bool) -> MemberDraft {
    MemberDraft {
        role: Some(role),
        profile: ProfileFields {
            interests: interests.iter().map(|s| s.to_string()).collect(),
            visibility: if hidden {
                [("interests".to_string(), Visibility::OnlyMe)].into()
            } else {
                Default::default()
            },
            ..Default::default()
        },
        ..MemberDraft::named(name)
    }
}

#[test]
fn suggestions_favour_people_i_have_not_met_and_newcomers_and_say_why() {
    let scratch = Scratch::new();
    let mut library = create(&scratch.path("c"), "Circle");
    let me = members::create_my_profile(&mut library, with_interests("Me", Role::Lead, &["choir", "hiking"], false))
        .unwrap()
        .id;
    let friend =
        members::create_member(&mut library, with_interests("Friend", Role::Member, &["choir"], false)).unwrap().id;
    members::create_member(&mut library, with_interests("Stranger", Role::Member, &["Choir"], false)).unwrap();
    members::create_member(&mut library, with_interests("Newbie", Role::Newcomer, &[], false)).unwrap();
    members::create_member(&mut library, with_interests("Private", Role::Member, &["hiking"], true)).unwrap();
    members::create_member(&mut library, with_interests("Gone", Role::Alumni, &["choir"], false)).unwrap();

    // I have already responded to Friend's story.
    members::choose_me(&library, &friend).unwrap();
    let story = stories::write_story(
        &mut library,
        StoryDraft {
            title: "t".into(),
            body: "b".into(),
            prompt_id: None,
            kind: StoryKind::Personal,
            visibility: StoryVisibility::Community,
            audience: vec![],
            photos: vec![],
        },
    )
    .unwrap();
    members::choose_me(&library, &me).unwrap();
    stories::respond(&mut library, &story.id, "lovely").unwrap();

    let conn = library.conn();
    let suggestions = meet::people_to_meet(conn, &Viewer::member(conn, &me).unwrap(), 10).unwrap();
    let order: Vec<&str> = suggestions.iter().map(|s| s.member.display_name.as_str()).collect();
    assert_eq!(order, ["Newbie", "Stranger", "Private", "Friend"], "strangers and newcomers first, alumni never");
    assert_eq!(suggestions[1].reasons, ["You both care about Choir"]);
    assert!(suggestions[0].reasons[0].starts_with("New to the community"));
    assert_eq!(suggestions[2].reasons, ["You have not crossed paths in Hearth yet"], "hidden interests give no reason");
}

/// Home's new faces come from the core: the newcomers, never the reader themselves.
#[test]
fn newcomers_are_the_new_faces_other_than_the_reader() {
    use hearth::people::members::{MemberDraft, Role};
    let scratch = crate::support::Scratch::new();
    let mut library = crate::support::create(&scratch.path("c"), "Circle");
    let lea = hearth::people::members::create_my_profile(&mut library, MemberDraft::named("Lea")).unwrap().id;
    let nia = hearth::people::members::create_member(
        &mut library,
        MemberDraft { role: Some(Role::Newcomer), ..MemberDraft::named("Nia") },
    )
    .unwrap()
    .id;
    hearth::people::members::create_member(&mut library, MemberDraft::named("Bo")).unwrap();
    let names = |id: &str| -> Vec<String> {
        let viewer = hearth::viewer::Viewer::member(library.conn(), id).unwrap();
        hearth::people::meet::newcomers(library.conn(), &viewer).unwrap().into_iter().map(|m| m.display_name).collect()
    };
    assert_eq!(names(&lea), ["Nia"], "a member sees the newcomer, not the members");
    assert!(names(&nia).is_empty(), "a newcomer is not asked to greet themselves");
}
