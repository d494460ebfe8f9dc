//! Members and who uses this device.

use hearth::people::members::{self, MemberDraft, ProfileFields, Role};
use hearth::viewer::Viewer;
use hearth::Error;

use crate::support::{create, reopen, Scratch};

#[test]
fn who_are_you_creates_my_profile_and_this_device_remembers_it() {
    let scratch = Scratch::new();
    let root = scratch.path("c");
    let mut library = create(&root, "Circle");
    assert_eq!(library.me().unwrap(), None, "nobody is chosen before the first profile");
    let me = members::create_my_profile(&mut library, MemberDraft::named("  Amara Okafor ")).unwrap();
    assert_eq!(me.display_name, "Amara Okafor");
    assert_eq!(me.joined_on, "2026-03-01", "joined today, by the library's clock");
    drop(library);
    let library = reopen(&root).unwrap();
    assert_eq!(library.me().unwrap(), Some(me.id.clone()));
    let author: String =
        library.conn().query_row("SELECT author FROM members WHERE id = ?1", [&me.id], |r| r.get(0)).unwrap();
    assert_eq!(author, "", "the first profile is written before anyone is 'me'");
}

#[test]
fn later_writes_carry_their_author() {
    let scratch = Scratch::new();
    let mut library = create(&scratch.path("c"), "Circle");
    let me = members::create_my_profile(&mut library, MemberDraft::named("Ada")).unwrap();
    let bo = members::create_member(&mut library, MemberDraft::named("Bo")).unwrap();
    let author: String =
        library.conn().query_row("SELECT author FROM members WHERE id = ?1", [&bo.id], |r| r.get(0)).unwrap();
    assert_eq!(author, me.id, "rows record which member wrote them");
}

#[test]
fn bad_member_input_is_refused_with_the_field_named() {
    let scratch = Scratch::new();
    let mut library = create(&scratch.path("c"), "Circle");
    let cases = [
        (MemberDraft::named(""), "displayName"),
        (MemberDraft::named(&"n".repeat(81)), "displayName"),
        (MemberDraft { joined_on: Some("last spring".into()), ..MemberDraft::named("Ada") }, "joinedOn"),
        (
            MemberDraft {
                profile: ProfileFields { birthday: "1990-04-01".into(), ..Default::default() },
                ..MemberDraft::named("Ada")
            },
            "birthday",
        ),
    ];
    for (draft, field) in cases {
        let result = members::create_member(&mut library, draft);
        assert!(
            matches!(result, Err(Error::Invalid { field: f, .. }) if f == field),
            "expected {field} to be named, got {:?}",
            result.err()
        );
    }
    assert_eq!(members::count(library.conn()).unwrap(), 0, "nothing is half-written");
}

#[test]
fn choosing_an_unknown_member_is_refused() {
    let scratch = Scratch::new();
    let library = create(&scratch.path("c"), "Circle");
    assert!(matches!(members::choose_me(&library, "nobody"), Err(Error::NotFound { entity: "member", .. })));
}

#[test]
fn members_list_by_name_and_keep_their_interests_once() {
    let scratch = Scratch::new();
    let mut library = create(&scratch.path("c"), "Circle");
    members::create_member(&mut library, MemberDraft::named("zoe")).unwrap();
    let ada = MemberDraft {
        role: Some(Role::Newcomer),
        profile: ProfileFields {
            interests: vec!["simulation".into(), " Simulation ".into(), "choir".into()],
            ..Default::default()
        },
        ..MemberDraft::named("Ada")
    };
    members::create_member(&mut library, ada).unwrap();
    let all = members::list(library.conn(), &Viewer::anonymous()).unwrap();
    let names: Vec<&str> = all.iter().map(|m| m.display_name.as_str()).collect();
    assert_eq!(names, vec!["Ada", "zoe"], "sorted by name regardless of case");
    assert_eq!(
        all[0].interests.as_deref(),
        Some(&["simulation".to_string(), "choir".to_string()][..]),
        "duplicate interests collapse"
    );
    assert_eq!(all[0].role, Role::Newcomer);
}
