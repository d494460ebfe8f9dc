//! The community and its dimensions.

use hearth::community::{self, CommunityDraft};
use hearth::people::members::{self, MemberDraft, Role};
use hearth::Error;

use crate::support::{create, reopen, Scratch};

#[test]
fn a_new_community_has_seven_dimensions_with_identification_fourth() {
    let scratch = Scratch::new();
    let library = create(&scratch.path("c"), "Circle");
    let dims = community::dimensions(library.conn()).unwrap();
    let numbers: Vec<u32> = dims.iter().map(|d| d.number).collect();
    assert_eq!(numbers, vec![1, 2, 3, 4, 5, 6, 7]);
    assert_eq!(dims[3].name, "Identification", "the domain text numbers Identification 4");
}

#[test]
fn names_are_trimmed_and_bad_names_refused() {
    let scratch = Scratch::new();
    for (name, why) in
        [("   ", "blank"), (&"x".repeat(121) as &str, "too long"), ("tab\u{7}bell", "control characters")]
    {
        let result = hearth::community::create(&scratch.path(why), CommunityDraft::new(name, ""));
        assert!(matches!(result, Err(Error::Invalid { field: "name", .. })), "{why} name gave {:?}", result.err());
        assert!(!scratch.path(why).join("hearth.db").exists(), "a refused create leaves nothing");
    }
    let library = create(&scratch.path("ok"), "  Circle  ");
    assert_eq!(community::community(library.conn()).unwrap().name, "Circle");
}

#[test]
fn a_lead_renames_the_community_and_a_dimension_and_it_persists() {
    let scratch = Scratch::new();
    let root = scratch.path("c");
    let mut library = create(&root, "Circle");
    members::create_my_profile(&mut library, MemberDraft::named("Ada")).unwrap();
    community::update_community(&mut library, "Riverside Circle", "We learn together").unwrap();
    let fourth = community::dimensions(library.conn()).unwrap()[3].id.clone();
    community::update_dimension(&mut library, &fourth, "Belonging", "Who we are together").unwrap();
    drop(library);

    let library = reopen(&root).unwrap();
    let info = community::info(&library).unwrap();
    assert_eq!(info.community.name, "Riverside Circle");
    assert_eq!(info.community.description, "We learn together");
    assert_eq!(
        (info.dimensions[3].number, info.dimensions[3].name.as_str()),
        (4, "Belonging"),
        "a rename keeps the number"
    );
}

#[test]
fn only_leads_change_community_settings() {
    let scratch = Scratch::new();
    let mut library = create(&scratch.path("c"), "Circle");
    let lead = members::create_my_profile(&mut library, MemberDraft::named("Ada")).unwrap();
    assert_eq!(lead.role, Role::Lead, "the first member leads");
    let member = members::create_member(&mut library, MemberDraft::named("Bo")).unwrap();
    assert_eq!(member.role, Role::Member);
    members::choose_me(&library, &member.id).unwrap();
    let result = community::update_community(&mut library, "Bo's club", "");
    assert!(matches!(result, Err(Error::Forbidden { .. })), "got {:?}", result.err());
    assert_eq!(community::community(library.conn()).unwrap().name, "Circle");
}

/// Founding writes the community and its founder in one transaction: there is never a
/// community without its founder, and a founder's bad name leaves no library behind.
#[test]
fn founding_makes_the_community_and_its_lead_together_or_nothing() {
    let scratch = Scratch::new();
    let refused = community::found(&scratch.path("bad"), CommunityDraft::new("Circle", ""), MemberDraft::named("  "));
    assert!(matches!(refused, Err(Error::Invalid { field: "displayName" | "name", .. })), "{:?}", refused.err());
    assert!(!scratch.path("bad").join("hearth.db").exists(), "no community was left without its founder");

    let library =
        community::found(&scratch.path("ok"), CommunityDraft::new("Circle", ""), MemberDraft::named("Ada")).unwrap();
    let me = library.me().unwrap().expect("the founder is this laptop's member");
    assert_eq!(members::role_of(library.conn(), &me).unwrap(), Role::Lead, "the founder is the first lead");
    let info = community::info(&library).unwrap();
    assert_eq!((info.member_count, info.me.map(|m| m.display_name)), (1, Some("Ada".to_owned())));
    assert_eq!(info.can, community::Can { write: true, lead: true }, "the founder may write and lead");
    assert!(info.private_fields.iter().any(|f| f == "bio"), "the window learns the private fields from the core");
    drop(library);
    let again = reopen(&scratch.path("ok")).unwrap();
    assert_eq!(again.me().unwrap(), Some(me), "and it is there after reopening");
}
