//! Per-field visibility is enforced in the core: a read on behalf of member X never returns a
//! field hidden from X, whichever way it is read.

use std::collections::BTreeMap;

use hearth::people::members::{self, Member, MemberDraft, ProfileFields, Role, PRIVATE_FIELDS};
use hearth::viewer::{Viewer, Visibility};
use hearth::Library;

use crate::support::{create, Scratch};

/// A profile with every field filled in.
fn full_profile(visibility: Visibility) -> ProfileFields {
    ProfileFields {
        pronouns: "she/her".into(),
        profession: "Midwife".into(),
        organisation: "Harbour Maternity".into(),
        years_in_practice: Some(12),
        expertise: vec!["water births".into()],
        interests: vec!["poetry".into()],
        ask_me_about: "night shifts".into(),
        bio: "Grew up by the *sea*.".into(),
        location: "Harbour Town".into(),
        time_zone: "Europe/Lisbon".into(),
        contact: "fatima@example.org".into(),
        birthday: "05-17".into(),
        celebrate_birthday: true,
        dietary: "vegetarian".into(),
        access_needs: "step-free access".into(),
        visibility: PRIVATE_FIELDS.iter().map(|f| (f.to_string(), visibility)).collect(),
    }
}

/// Which private fields of `m` came back (are `Some`).
fn visible_fields(m: &Member) -> Vec<&'static str> {
    let present = [
        ("pronouns", m.pronouns.is_some()),
        ("portrait", m.portrait.is_some()),
        ("profession", m.profession.is_some()),
        ("organisation", m.organisation.is_some()),
        ("yearsInPractice", m.years_in_practice.is_some()),
        ("expertise", m.expertise.is_some()),
        ("interests", m.interests.is_some()),
        ("askMeAbout", m.ask_me_about.is_some()),
        ("bio", m.bio.is_some() && m.bio_html.is_some()),
        ("location", m.location.is_some()),
        ("timeZone", m.time_zone.is_some()),
        ("contact", m.contact.is_some()),
        ("birthday", m.birthday.is_some()),
        ("dietary", m.dietary.is_some()),
        ("accessNeeds", m.access_needs.is_some()),
    ];
    assert_eq!(present.len(), PRIVATE_FIELDS.len(), "every private field is checked");
    present.iter().filter(|(_, shown)| *shown).map(|(f, _)| *f).collect()
}

struct Circle {
    library: Library,
    lead: String,
    fatima: String,
    bo: String,
}

fn circle(scratch: &Scratch, visibility: Visibility) -> Circle {
    let mut library = create(&scratch.path("c"), "Circle");
    let lead = members::create_my_profile(&mut library, MemberDraft::named("Lea Lead")).unwrap().id;
    let fatima = members::create_member(&mut library, MemberDraft::named("Fatima")).unwrap().id;
    let bo = members::create_member(&mut library, MemberDraft::named("Bo")).unwrap().id;
    members::choose_me(&library, &fatima).unwrap();
    members::update_profile(&mut library, &fatima, "Fatima", &full_profile(visibility)).unwrap();
    Circle { library, lead, fatima, bo }
}

#[test]
fn only_me_fields_reach_nobody_else_by_any_read() {
    let scratch = Scratch::new();
    let c = circle(&scratch, Visibility::OnlyMe);
    let conn = c.library.conn();
    for (who, viewer) in [
        ("another member", Viewer::member(conn, &c.bo).unwrap()),
        ("a lead", Viewer::member(conn, &c.lead).unwrap()),
        ("no one in particular", Viewer::anonymous()),
    ] {
        let one = members::get(conn, &viewer, &c.fatima).unwrap();
        assert_eq!(visible_fields(&one), Vec::<&str>::new(), "{who} must see none of Fatima's only-me fields");
        assert!(one.visibility.is_none(), "{who} must not see her visibility settings");
        assert!(!one.celebrate_birthday, "a hidden birthday is not celebrated for {who}");
        let listed = members::list(conn, &viewer).unwrap().into_iter().find(|m| m.id == c.fatima).unwrap();
        assert_eq!(listed, one, "the directory shows {who} exactly what the profile does");
    }
    let mine = members::get(conn, &Viewer::member(conn, &c.fatima).unwrap(), &c.fatima).unwrap();
    assert_eq!(visible_fields(&mine).len(), PRIVATE_FIELDS.len(), "Fatima sees all of her own profile");
    assert_eq!(mine.bio_html.as_deref(), Some("<p>Grew up by the <em>sea</em>.</p>\n"));
}

#[test]
fn leads_fields_reach_leads_only() {
    let scratch = Scratch::new();
    let c = circle(&scratch, Visibility::Leads);
    let conn = c.library.conn();
    let by_lead = members::get(conn, &Viewer::member(conn, &c.lead).unwrap(), &c.fatima).unwrap();
    assert_eq!(visible_fields(&by_lead).len(), PRIVATE_FIELDS.len(), "a lead sees leads-only fields");
    let by_member = members::get(conn, &Viewer::member(conn, &c.bo).unwrap(), &c.fatima).unwrap();
    assert_eq!(visible_fields(&by_member), Vec::<&str>::new(), "an ordinary member does not");
}

#[test]
fn each_field_is_hidden_on_its_own() {
    // Hiding one field hides that field only.
    let scratch = Scratch::new();
    let mut c = circle(&scratch, Visibility::Community);
    let bo = Viewer::member(c.library.conn(), &c.bo).unwrap();
    for field in PRIVATE_FIELDS {
        let mut profile = full_profile(Visibility::Community);
        profile.visibility = BTreeMap::from([(field.to_string(), Visibility::OnlyMe)]);
        members::update_profile(&mut c.library, &c.fatima, "Fatima", &profile).unwrap();
        let seen = members::get(c.library.conn(), &bo, &c.fatima).unwrap();
        let visible = visible_fields(&seen);
        assert!(!visible.contains(field), "{field} set to only-me must be hidden from Bo");
        // Dietary and access needs stay with the leads unless their member says otherwise.
        let kept_to_leads = members::LEADS_BY_DEFAULT.iter().filter(|f| *f != field).count();
        assert_eq!(visible.len(), PRIVATE_FIELDS.len() - 1 - kept_to_leads, "hiding {field} must hide nothing else");
        for needs in members::LEADS_BY_DEFAULT.iter().filter(|f| *f != field) {
            assert!(!visible.contains(needs), "{needs} is for the leads by default");
        }
    }
}

#[test]
fn only_the_member_edits_their_profile_and_only_leads_change_roles() {
    let scratch = Scratch::new();
    let mut c = circle(&scratch, Visibility::Community);
    members::choose_me(&c.library, &c.bo).unwrap();
    let result = members::update_profile(&mut c.library, &c.fatima, "Not Fatima", &ProfileFields::default());
    assert!(matches!(result, Err(hearth::Error::Forbidden { .. })), "got {:?}", result.err());
    let result = members::set_role(&mut c.library, &c.bo, Role::Lead);
    assert!(matches!(result, Err(hearth::Error::Forbidden { .. })), "a member cannot promote themselves");

    members::choose_me(&c.library, &c.lead).unwrap();
    let result = members::set_role(&mut c.library, &c.lead, Role::Member);
    assert!(matches!(result, Err(hearth::Error::Invalid { .. })), "the last lead cannot step down");
    members::set_role(&mut c.library, &c.bo, Role::Lead).unwrap();
    members::set_role(&mut c.library, &c.lead, Role::Member).unwrap();
}

#[test]
fn unknown_visibility_fields_are_refused() {
    let scratch = Scratch::new();
    let mut c = circle(&scratch, Visibility::Community);
    let mut profile = full_profile(Visibility::Community);
    profile.visibility.insert("displayName".into(), Visibility::OnlyMe);
    let result = members::update_profile(&mut c.library, &c.fatima, "Fatima", &profile);
    assert!(matches!(result, Err(hearth::Error::Invalid { field: "visibility", .. })), "got {:?}", result.err());
}

#[test]
fn the_cli_reads_as_the_member_it_is_told() {
    let scratch = Scratch::new();
    let c = circle(&scratch, Visibility::OnlyMe);
    drop(c.library);
    let run = |who: &str| -> serde_json::Value {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_hearth"))
            .args(["members", "show"])
            .arg(scratch.path("c"))
            .args(["Fatima", "--as", who, "--json"])
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        serde_json::from_slice(&out.stdout).unwrap()
    };
    assert_eq!(run("Bo")["contact"], serde_json::Value::Null, "Bo must not get Fatima's contact");
    assert_eq!(run("Fatima")["contact"], "fatima@example.org");
}
