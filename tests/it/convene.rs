//! Rituals: RSVPs per gathering or for the series, moving and cancelling one gathering, the
//! calendar, and offline answers from several laptops merging.

use hearth::clock::cadence::Cadence;
use hearth::convene::rituals::{self, Answer, Ritual, RitualDraft};
use hearth::people::members::{self, MemberDraft};
use hearth::sync;
use hearth::Library;

use crate::support::{create, Scratch};
use crate::sync::join;

fn dinner() -> RitualDraft {
    RitualDraft {
        name: "Monthly dinner".into(),
        why: "We eat together and **talk shop**.".into(),
        origin: "Started by Ana after the 2019 conference.".into(),
        origin_moment: None,
        customs: vec!["The first toast is for the newest member".into()],
        place: "Ana's kitchen".into(),
        zone: "Europe/Paris".into(),
        cadence: Cadence::MonthlyOnWeekday { week: hearth::clock::cadence::WeekOfMonth::Last, weekday: 5 },
        starts: "2020-01-01".into(),
        at: "19:00".into(),
        minutes: 180,
    }
}

fn mine(ritual: &Ritual) -> Vec<Option<Answer>> {
    ritual.upcoming.iter().map(|g| g.my_answer).collect()
}

fn circle(scratch: &Scratch) -> Library {
    let mut library = create(&scratch.path("c"), "Circle");
    members::create_my_profile(&mut library, MemberDraft::named("Lea")).unwrap();
    library
}

/// "This and all following" answers every later gathering; one gathering answered alone
/// changes only that one; a later answer for the series wins again where it applies.
#[test]
fn an_answer_for_one_gathering_never_changes_the_series_and_the_latest_answer_wins() {
    let scratch = Scratch::new();
    let mut library = circle(&scratch);
    let ritual = rituals::create(&mut library, dinner()).unwrap();
    assert_eq!(ritual.upcoming.len(), rituals::AHEAD);
    assert!(ritual.why_html.contains("<strong>talk shop</strong>"));
    let keys: Vec<String> = ritual.upcoming.iter().map(|g| g.occurrence.key.clone()).collect();

    let third = rituals::rsvp(&mut library, &ritual.id, &keys[2], Answer::Maybe, false, 0, "").unwrap();
    assert_eq!(mine(&third)[..4], [None, None, Some(Answer::Maybe), None], "one gathering, not the series");

    let series = rituals::rsvp(&mut library, &ritual.id, &keys[1], Answer::Going, true, 1, "").unwrap();
    assert_eq!(
        mine(&series)[..4],
        [None, Some(Answer::Going), Some(Answer::Going), Some(Answer::Going)],
        "the later series answer wins"
    );
    assert!(series.upcoming[3].my_answer_from_series);
    assert_eq!((series.upcoming[3].going, series.upcoming[3].guests), (1, 1), "counts, with guests");

    let one = rituals::rsvp(&mut library, &ritual.id, &keys[4], Answer::NotGoing, false, 0, "").unwrap();
    assert_eq!(
        mine(&one)[3..6],
        [Some(Answer::Going), Some(Answer::NotGoing), Some(Answer::Going)],
        "changing one gathering leaves the others going"
    );
    assert_eq!(one.upcoming[4].going, 0);
}

#[test]
fn one_gathering_is_moved_or_cancelled_alone_and_the_calendar_says_so() {
    let scratch = Scratch::new();
    let mut library = circle(&scratch);
    let ritual = rituals::create(&mut library, dinner()).unwrap();
    let (first, second) = (ritual.upcoming[0].occurrence.key.clone(), ritual.upcoming[1].occurrence.key.clone());
    let moved_to = format!("{}T20:30", &second[..10]);
    let changed = rituals::change_occurrence(&mut library, &ritual.id, &first, None, true).unwrap();
    let changed = rituals::change_occurrence(&mut library, &changed.id, &second, Some(&moved_to), false).unwrap();
    assert!(changed.upcoming[0].occurrence.cancelled && changed.upcoming[0].occurrence.key == first);
    assert!(changed.upcoming[1].occurrence.moved && changed.upcoming[1].occurrence.local == moved_to);
    assert_eq!(changed.upcoming[2].occurrence.key, ritual.upcoming[2].occurrence.key, "the others keep their days");
    let ics = rituals::to_ics(&changed, library.now());
    assert!(ics.contains(&format!("UID:{}-{first}@hearth", ritual.id)), "a stable UID per gathering");
    assert_eq!(ics.matches("BEGIN:VEVENT").count(), rituals::AHEAD);
    assert_eq!(ics.matches("STATUS:CANCELLED").count(), 1);
    for bad in [Cadence::EveryWeeks { weeks: 6, weekday: 2 }, Cadence::Weekly { weekday: 0 }] {
        let draft = RitualDraft { cadence: bad, ..dinner() };
        assert!(matches!(rituals::create(&mut library, draft), Err(hearth::Error::Invalid { .. })));
    }
    let draft = RitualDraft { zone: "Mars/Olympus".into(), ..dinner() };
    assert!(matches!(rituals::create(&mut library, draft), Err(hearth::Error::Invalid { field: "zone", .. })));
}

/// Two members answer offline on their own laptops; after syncing in either order both laptops
/// count the same. A member cannot move another's gathering, and a crafted RSVP for someone
/// else is refused at merge as in the window.
#[test]
fn offline_answers_from_two_laptops_merge_and_nobody_answers_for_another() {
    let scratch = Scratch::new();
    let folder = scratch.path("shared");
    // Both laptops on the real clock, as joining makes Bo's.
    let mut lea =
        hearth::community::create(&scratch.path("lea"), hearth::community::CommunityDraft::new("Circle", "")).unwrap();
    members::create_my_profile(&mut lea, MemberDraft::named("Lea")).unwrap();
    let ritual = rituals::create(&mut lea, dinner()).unwrap();
    sync::sync_folder(&mut lea, &folder).unwrap();
    let (mut bo, _) = join(&mut lea, "Bo", &scratch.path("bo"), &folder).unwrap();
    sync::sync_folder(&mut lea, &folder).unwrap();
    sync::sync_folder(&mut bo, &folder).unwrap();
    let key = ritual.upcoming[0].occurrence.key.clone();

    rituals::rsvp(&mut lea, &ritual.id, &key, Answer::Going, true, 0, "").unwrap();
    rituals::rsvp(&mut bo, &ritual.id, &key, Answer::Going, false, 2, "").unwrap();
    let Err(hearth::Error::Forbidden { .. }) = rituals::change_occurrence(&mut bo, &ritual.id, &key, None, true) else {
        panic!("a member cancelled a gathering of a ritual someone else started")
    };
    sync::sync_folder(&mut bo, &folder).unwrap();
    sync::sync_folder(&mut lea, &folder).unwrap();
    sync::sync_folder(&mut bo, &folder).unwrap();
    let (at_lea, at_bo) = (rituals::get(&lea, &ritual.id).unwrap(), rituals::get(&bo, &ritual.id).unwrap());
    assert_eq!((at_lea.upcoming[0].going, at_lea.upcoming[0].guests), (2, 2));
    assert_eq!((at_bo.upcoming[0].going, at_bo.upcoming[0].guests), (2, 2));
    assert_eq!((at_bo.upcoming[1].going, at_lea.upcoming[1].going), (1, 1), "Bo answered one gathering only");

    // Bo's laptop writes an RSVP in Lea's name (a crafted write): refused at Lea's.
    let lea_id = lea.me().unwrap().unwrap();
    let forged = hearth::ids::derived(&["rsvps", &ritual.id, &lea_id, &key, "one"]);
    crate::support::forge_row(
        &bo,
        "rsvps",
        &forged,
        &[
            ("author", rusqlite::types::Value::Text(bo.me().unwrap().unwrap())),
            ("created_at", rusqlite::types::Value::Integer(1)),
            ("ritual_id", rusqlite::types::Value::Text(ritual.id.clone())),
            ("member_id", rusqlite::types::Value::Text(lea_id.clone())),
            ("occurrence_key", rusqlite::types::Value::Text(key.clone())),
            ("scope", rusqlite::types::Value::Text("one".into())),
            ("answer", rusqlite::types::Value::Text("not_going".into())),
        ],
    );
    sync::sync_folder(&mut bo, &folder).unwrap();
    let report = sync::sync_folder(&mut lea, &folder).unwrap();
    assert!(report.rejected.iter().any(|r| r.contains("answers for another member")), "{report:?}");
    assert_eq!(rituals::get(&lea, &ritual.id).unwrap().upcoming[0].my_answer, Some(Answer::Going));

    // Squatting Lea's own RSVP id with an answer of Bo's (to block her), naming a host who
    // never offered, and a ritual whose dates leave the calendar: refused, or harmless.
    use rusqlite::types::Value::{Integer, Text};
    let bo_id = bo.me().unwrap().unwrap();
    let lea_series = hearth::ids::derived(&["rsvps", &ritual.id, &lea_id, &key, "following"]);
    let created = |author: &str| vec![("author", Text(author.to_owned())), ("created_at", Integer(1))];
    let mut squat = created(&bo_id);
    squat.extend([
        ("ritual_id", Text(ritual.id.clone())),
        ("member_id", Text(bo_id.clone())),
        ("occurrence_key", Text(key.clone())),
        ("scope", Text("following".into())),
        ("answer", Text("not_going".into())),
    ]);
    crate::support::forge_row(&bo, "rsvps", &lea_series, &squat);
    let mut crafted = created(&bo_id);
    crafted.extend([
        ("name", Text("Far away".into())),
        ("zone", Text("UTC".into())),
        ("cadence", Text(r#"{"kind":"weekly","weekday":1}"#.into())),
        ("starts", Text("+262143-12-31".into())),
    ]);
    crate::support::forge_row(&bo, "rituals", &hearth::ids::derived(&["crafted ritual"]), &crafted);
    sync::sync_folder(&mut bo, &folder).unwrap();
    let report = sync::sync_folder(&mut lea, &folder).unwrap();
    assert!(report.merge.refused >= 1, "the squatted id is refused: {report:?}");
    let listed = rituals::list(&lea).unwrap();
    assert!(listed.iter().any(|r| r.id == ritual.id), "a crafted ritual does not take the page down");
    assert!(listed.iter().filter(|r| r.draft.name == "Far away").all(|r| r.upcoming.is_empty()));
    let at_lea = rituals::get(&lea, &ritual.id).unwrap();
    assert_eq!(at_lea.upcoming[0].my_answer, Some(Answer::Going), "Lea's answer stands");
    let Err(hearth::Error::Invalid { .. }) = rituals::set_host(&mut lea, &ritual.id, &key, Some(&bo_id)) else {
        panic!("named a host who did not offer")
    };
}

/// A lead mixes the tables of a gathering from the members going: everyone going is seated
/// once, at even tables, each newcomer with regulars; members who are not going are not; only
/// the ritual's starter and the leads may mix.
#[test]
fn the_tables_of_a_gathering_seat_everyone_going_and_newcomers_with_regulars() {
    use hearth::people::members::Role;
    let scratch = Scratch::new();
    let mut library = circle(&scratch);
    let ritual = rituals::create(&mut library, dinner()).unwrap();
    let key = ritual.upcoming[0].occurrence.key.clone();
    let lea = library.me().unwrap().unwrap();
    rituals::rsvp(&mut library, &ritual.id, &key, Answer::Going, false, 0, "").unwrap();
    let mut going = vec![lea.clone()];
    let others: Vec<String> = (0..13)
        .map(|i| {
            let role = if i < 3 { Role::Newcomer } else { Role::Member };
            let draft = MemberDraft { role: Some(role), ..MemberDraft::named(&format!("Member {i}")) };
            members::create_member(&mut library, draft).unwrap().id
        })
        .collect();
    let newcomers: Vec<String> = others[..3].to_vec();
    for (i, id) in others.into_iter().enumerate() {
        members::choose_me(&library, &id).unwrap();
        let answer = if i == 12 { Answer::NotGoing } else { Answer::Going };
        rituals::rsvp(&mut library, &ritual.id, &key, answer, i % 2 == 0, 0, "").unwrap();
        if answer == Answer::Going {
            going.push(id);
        }
    }
    let Err(hearth::Error::Forbidden { .. }) = rituals::mix_tables(&library, &ritual.id, &key, 4, 1) else {
        panic!("a member who did not start the ritual mixed its tables")
    };
    members::choose_me(&library, &lea).unwrap();
    let plan = rituals::mix_tables(&library, &ritual.id, &key, 4, 1).unwrap();
    let mut seated: Vec<String> = plan.tables.iter().flat_map(|t| t.people.iter().map(|p| p.id.clone())).collect();
    seated.sort();
    going.sort();
    assert_eq!(seated, going, "the 13 going are seated once; the one not going is not");
    let mut sizes: Vec<usize> = plan.tables.iter().map(|t| t.people.len()).collect();
    sizes.sort_unstable();
    assert_eq!(sizes, [3, 3, 3, 4]);
    for table in &plan.tables {
        let new_here = table.people.iter().filter(|p| newcomers.contains(&p.id)).count();
        assert!(new_here <= 1 && new_here < table.people.len(), "newcomers spread, each with regulars: {table:?}");
        assert!(!table.reasons.is_empty());
    }
}

/// The suggested host is the willing member who hosted least in the last 12 months (ties:
/// longest since hosting), with a backup; a named host may step out, a member may not name one.
#[test]
fn the_next_host_is_who_hosted_least_lately_and_a_host_may_step_out() {
    use rusqlite::types::Value;
    let scratch = Scratch::new();
    let mut library = circle(&scratch);
    let lea = library.me().unwrap().unwrap();
    let ritual =
        rituals::create(&mut library, RitualDraft { cadence: Cadence::Weekly { weekday: 5 }, ..dinner() }).unwrap();
    let names = ["Ana", "Ben", "Cas"];
    let ids: Vec<String> =
        names.iter().map(|n| members::create_member(&mut library, MemberDraft::named(n)).unwrap().id).collect();
    for id in &ids {
        members::choose_me(&library, id).unwrap();
        rituals::offer_to_host(&mut library, &ritual.id, true).unwrap();
    }
    members::choose_me(&library, &lea).unwrap();
    // Past gatherings: Ana hosted twice, Ben once, Cas never.
    let next = ritual.upcoming[0].occurrence.key.clone();
    let day = |back: i64| {
        (chrono::NaiveDate::parse_from_str(&next, "%Y-%m-%d").unwrap() - chrono::Duration::weeks(back)).to_string()
    };
    for (back, host) in [(1, &ids[0]), (2, &ids[1]), (3, &ids[0])] {
        let key = day(back);
        let row = hearth::ids::derived(&["ritual_occurrences", &ritual.id, &key]);
        library
            .write(|w| {
                w.apply(
                    "ritual_occurrences",
                    &row,
                    &[
                        ("ritual_id", Value::Text(ritual.id.clone())),
                        ("occurrence_key", Value::Text(key.clone())),
                        ("host_id", Value::Text(host.clone())),
                    ],
                )
            })
            .unwrap();
    }
    let now = rituals::get(&library, &ritual.id).unwrap();
    assert_eq!(now.hosts.len(), 3);
    let suggestion = now.suggested_host.clone().expect("a suggestion");
    assert_eq!(
        (suggestion.key.as_str(), suggestion.host.display_name.as_str()),
        (next.as_str(), "Cas"),
        "{suggestion:?}"
    );
    assert_eq!(suggestion.backup.map(|b| b.display_name), Some("Ben".into()), "Ben hosted once, Ana twice");
    assert_eq!(suggestion.reason, "has not hosted yet");

    let named = rituals::set_host(&mut library, &ritual.id, &next, Some(&ids[2])).unwrap();
    assert_eq!(named.upcoming[0].host.as_ref().map(|h| h.display_name.as_str()), Some("Cas"));
    let following = named.suggested_host.expect("the next one without a host");
    assert_eq!(following.key, named.upcoming[1].occurrence.key);
    assert_eq!(following.host.display_name, "Ben", "Ben and Cas hosted once each; Ben longest ago");

    members::choose_me(&library, &ids[0]).unwrap();
    let Err(hearth::Error::Forbidden { .. }) = rituals::set_host(&mut library, &ritual.id, &next, Some(&ids[0])) else {
        panic!("a member named a host")
    };
    members::choose_me(&library, &ids[2]).unwrap();
    let stepped = rituals::set_host(&mut library, &ritual.id, &next, None).unwrap();
    assert_eq!(stepped.upcoming[0].host, None, "Cas stepped out");
}

/// Attendance is proposed from a past gathering's moment: members tagged with their consent in
/// its photos, never one whose tag waits for their yes or who asked not to be tagged; a lead
/// confirms in one click; a member records only their own.
#[test]
fn attendance_is_proposed_from_consented_photo_tags_and_confirmed_by_a_lead() {
    use hearth::memories::tags::{self, PhotoConsent};
    let scratch = Scratch::new();
    let mut library = circle(&scratch);
    let lea = library.me().unwrap().unwrap();
    let ritual =
        rituals::create(&mut library, RitualDraft { cadence: Cadence::Weekly { weekday: 5 }, ..dinner() }).unwrap();
    let last = ritual.past.first().expect("gatherings before today").occurrence.key.clone();
    let consents = [("Ada", PhotoConsent::Allow), ("Bo", PhotoConsent::Ask), ("Cy", PhotoConsent::Allow)];
    let ids: Vec<String> =
        consents.iter().map(|(n, _)| members::create_member(&mut library, MemberDraft::named(n)).unwrap().id).collect();
    for (id, (_, consent)) in ids.iter().zip(consents) {
        members::choose_me(&library, id).unwrap();
        tags::set_photo_consent(&mut library, consent).unwrap();
    }
    members::choose_me(&library, &lea).unwrap();
    let with_moment = rituals::gathering_moment(&mut library, &ritual.id, &last, None).unwrap();
    let moment = with_moment.past[0].moment_id.clone().expect("its moment");
    let (mut library, _) =
        crate::support::import_photos(library, &scratch.path("photos"), &[("dinner.jpg", 64, 48, 5)], Some(&moment));
    let photo: String =
        library.conn().query_row("SELECT id FROM media WHERE moment_id = ?1", [&moment], |r| r.get(0)).unwrap();
    for id in &ids {
        tags::tag(&mut library, &photo, id).unwrap();
    }
    // Cy then asks never to be tagged: an earlier tag proposes nothing any more.
    members::choose_me(&library, &ids[2]).unwrap();
    tags::set_photo_consent(&mut library, PhotoConsent::Never).unwrap();
    members::choose_me(&library, &lea).unwrap();

    let now = rituals::get(&library, &ritual.id).unwrap();
    let proposed: Vec<&str> = now.past[0].proposed.iter().map(|p| p.display_name.as_str()).collect();
    assert_eq!(proposed, ["Ada"], "Bo's tag waits for his yes and Cy asked never to be tagged");
    let confirmed = rituals::confirm_proposed(&mut library, &ritual.id, &last).unwrap();
    assert_eq!(confirmed.past[0].went.iter().map(|p| p.display_name.as_str()).collect::<Vec<_>>(), ["Ada"]);
    assert!(confirmed.past[0].proposed.is_empty(), "confirmed ones are no longer proposed");

    members::choose_me(&library, &ids[1]).unwrap();
    let bo = rituals::record_attendance(&mut library, &ritual.id, &last, &ids[1], Some(true)).unwrap();
    assert_eq!(bo.past[0].i_went, Some(true));
    assert_eq!(bo.past[0].went.len(), 2);
    let Err(hearth::Error::Forbidden { .. }) =
        rituals::record_attendance(&mut library, &ritual.id, &last, &ids[0], Some(false))
    else {
        panic!("a member recorded another's attendance")
    };
}

/// Looking back counts gatherings and who came by month, first-timers apart from returning
/// members; the leads see regulars who missed the last three (gently, at most three), members
/// do not.
#[test]
fn looking_back_counts_first_timers_and_leads_see_regulars_who_stopped_coming() {
    let scratch = Scratch::new();
    let mut library = circle(&scratch);
    let lea = library.me().unwrap().unwrap();
    let ritual =
        rituals::create(&mut library, RitualDraft { cadence: Cadence::Weekly { weekday: 5 }, ..dinner() }).unwrap();
    let ids: Vec<String> = ["Ana", "Ben", "Cas"]
        .iter()
        .map(|n| members::create_member(&mut library, MemberDraft::named(n)).unwrap().id)
        .collect();
    // The nine Fridays before today, oldest first.
    let mut keys: Vec<String> = ritual.past.iter().map(|p| p.occurrence.key.clone()).collect();
    keys.reverse();
    let all = rituals::get(&library, &ritual.id).unwrap();
    assert!(all.past.len() >= 6, "six past gatherings listed");
    let start = chrono::NaiveDate::parse_from_str(&keys[keys.len() - 1], "%Y-%m-%d").unwrap();
    let nine: Vec<String> = (0..9).rev().map(|w| (start - chrono::Duration::weeks(w)).to_string()).collect();
    for (i, key) in nine.iter().enumerate() {
        rituals::record_attendance(&mut library, &ritual.id, key, &ids[1], Some(true)).unwrap();
        if i < 6 {
            rituals::record_attendance(&mut library, &ritual.id, key, &ids[0], Some(true)).unwrap();
        }
        if i >= 7 {
            rituals::record_attendance(&mut library, &ritual.id, key, &ids[2], Some(true)).unwrap();
        }
    }
    let now = rituals::get(&library, &ritual.id).unwrap();
    let cells: Vec<_> = now.looking_back.iter().flat_map(|y| y.months.clone()).collect();
    let first: u32 = cells.iter().map(|c| c.first_timers).sum();
    let returning: u32 = cells.iter().map(|c| c.returning).sum();
    assert_eq!(first, 3, "Ana, Ben and Cas each came a first time");
    assert_eq!(returning, 9 + 6 + 2 - 3, "every later visit is a return");
    assert_eq!(now.missing_regulars.iter().map(|p| p.display_name.as_str()).collect::<Vec<_>>(), ["Ana"]);

    members::choose_me(&library, &ids[1]).unwrap();
    assert!(
        rituals::get(&library, &ritual.id).unwrap().missing_regulars.is_empty(),
        "only leads and its starter see it"
    );
    members::choose_me(&library, &lea).unwrap();
}

/// A time that suits: a Paris dinner at 19:00 is 03:00 in Tokyo, so each gathering leaves out
/// the two members there (a count, never who), and a second time at 19:00 theirs is suggested.
#[test]
fn members_left_out_by_the_hour_are_counted_and_an_alternate_time_suggested() {
    use hearth::people::members::ProfileFields;
    let scratch = Scratch::new();
    let mut library = circle(&scratch);
    for (name, zone) in
        [("Aiko", "Asia/Tokyo"), ("Kenji", "Asia/Tokyo"), ("Marie", "Europe/Paris"), ("Odd", "Mars/Olympus")]
    {
        let draft = MemberDraft {
            profile: ProfileFields { time_zone: zone.into(), ..Default::default() },
            ..MemberDraft::named(name)
        };
        members::create_member(&mut library, draft).unwrap();
    }
    let ritual =
        rituals::create(&mut library, RitualDraft { cadence: Cadence::Weekly { weekday: 5 }, ..dinner() }).unwrap();
    assert!(
        ritual.upcoming.iter().all(|g| g.outside_waking_hours == 2),
        "{:?}",
        ritual.upcoming.iter().map(|g| g.outside_waking_hours).collect::<Vec<_>>()
    );
    let suggestion = ritual.time_suggestion.expect("an alternate time");
    assert!(
        suggestion.starts_with("2 members in Asia/Tokyo are left out of the next three gatherings (it is 03:00 there)"),
        "{suggestion}"
    );
    assert!(suggestion.contains("11:00 Europe/Paris"), "19:00 in Tokyo is 11:00 in Paris in March: {suggestion}");
    assert!(!suggestion.contains("Aiko") && !suggestion.contains("Kenji"), "never who");
}

/// A potluck's bring list: anyone adds, one member claims an item (nobody takes it from them),
/// lets go of it, and marks it brought; others may not.
#[test]
fn a_bring_list_item_is_claimed_by_one_member_and_marked_brought() {
    use hearth::convene::bring;
    let scratch = Scratch::new();
    let mut library = circle(&scratch);
    let lea = library.me().unwrap().unwrap();
    let ana = members::create_member(&mut library, MemberDraft::named("Ana")).unwrap().id;
    let ben = members::create_member(&mut library, MemberDraft::named("Ben")).unwrap().id;
    let ritual = rituals::create(&mut library, dinner()).unwrap();
    let key = ritual.upcoming[0].occurrence.key.clone();
    members::choose_me(&library, &ana).unwrap();
    let listed = bring::add_item(&mut library, &ritual.id, &key, "Bread").unwrap();
    let item = listed.upcoming[0].bring[0].id.clone();
    assert!(listed.upcoming[1].bring.is_empty(), "a list belongs to one gathering");
    let claimed = bring::claim_item(&mut library, &ritual.id, &item, true).unwrap();
    assert_eq!(claimed.upcoming[0].bring[0].claimed_by.as_ref().map(|p| p.display_name.as_str()), Some("Ana"));
    members::choose_me(&library, &ben).unwrap();
    assert!(bring::claim_item(&mut library, &ritual.id, &item, true).is_err(), "already claimed");
    assert!(matches!(bring::mark_brought(&mut library, &ritual.id, &item, true), Err(hearth::Error::Forbidden { .. })));
    assert!(matches!(bring::remove_item(&mut library, &ritual.id, &item), Err(hearth::Error::Forbidden { .. })));
    members::choose_me(&library, &ana).unwrap();
    let brought = bring::mark_brought(&mut library, &ritual.id, &item, true).unwrap();
    assert!(brought.upcoming[0].bring[0].brought);
    let freed = bring::claim_item(&mut library, &ritual.id, &item, false).unwrap();
    assert_eq!(freed.upcoming[0].bring[0].claimed_by, None);
    members::choose_me(&library, &lea).unwrap();
    let gone = bring::remove_item(&mut library, &ritual.id, &item).unwrap();
    assert!(gone.upcoming[0].bring.is_empty(), "a lead removes it");
}

/// A newcomer going for the first time: the leads are offered a welcomer among the regulars
/// going whom the newcomer has not met; once asked, the newcomer and the welcomer read it, and
/// other members do not.
#[test]
fn a_newcomers_first_gathering_gets_a_welcomer_they_have_not_met() {
    use hearth::people::members::Role;
    let scratch = Scratch::new();
    let mut library = circle(&scratch);
    let lea = library.me().unwrap().unwrap();
    let new = |library: &mut Library, name: &str, role| {
        members::create_member(library, MemberDraft { role: Some(role), ..MemberDraft::named(name) }).unwrap().id
    };
    let (nia, ana, ben, cal) = (
        new(&mut library, "Nia", Role::Newcomer),
        new(&mut library, "Ana", Role::Member),
        new(&mut library, "Ben", Role::Member),
        new(&mut library, "Cal", Role::Member),
    );
    let ritual = rituals::create(&mut library, dinner()).unwrap();
    let key = ritual.upcoming[0].occurrence.key.clone();
    for who in [&nia, &ana, &ben] {
        members::choose_me(&library, who).unwrap();
        rituals::rsvp(&mut library, &ritual.id, &key, Answer::Going, false, 0, "").unwrap();
    }
    members::choose_me(&library, &lea).unwrap();
    let suggested = rituals::get(&library, &ritual.id).unwrap().welcomes;
    assert_eq!(suggested.len(), 1, "{suggested:?}");
    let suggestion = &suggested[0];
    assert!(!suggestion.asked && suggestion.newcomer.id == nia && suggestion.key == key);
    assert!(
        suggestion.welcomer.id == ana || suggestion.welcomer.id == ben,
        "a regular going, not Cal who is not: {suggestion:?}"
    );
    let welcomer = suggestion.welcomer.id.clone();
    let asked = rituals::ask_welcomer(&mut library, &ritual.id, &key, &nia, &welcomer).unwrap();
    assert!(asked.welcomes.iter().all(|w| w.asked), "asked, no longer suggested");
    for (who, sees) in [(&nia, true), (&welcomer, true), (&cal, false)] {
        members::choose_me(&library, who).unwrap();
        let shown = rituals::get(&library, &ritual.id).unwrap().welcomes;
        assert_eq!(shown.len(), usize::from(sees), "{who}: {shown:?}");
    }
    let Err(hearth::Error::Forbidden { .. }) = rituals::ask_welcomer(&mut library, &ritual.id, &key, &nia, &cal) else {
        panic!("a member asked a welcomer")
    };
}

/// A member's own streak: how many gatherings they went to and how many of the last ones in a
/// row, counted only for themself.
#[test]
fn a_member_sees_their_own_streak() {
    let scratch = Scratch::new();
    let mut library = circle(&scratch);
    let lea = library.me().unwrap().unwrap();
    let ritual =
        rituals::create(&mut library, RitualDraft { cadence: Cadence::Weekly { weekday: 5 }, ..dinner() }).unwrap();
    let mut keys: Vec<String> = ritual.past.iter().map(|p| p.occurrence.key.clone()).collect();
    keys.reverse();
    let last = keys.len();
    for (i, key) in keys.iter().enumerate() {
        // Went to all but the fourth from last.
        rituals::record_attendance(&mut library, &ritual.id, key, &lea, Some(i != last - 4)).unwrap();
    }
    let streaks = hearth::convene::looking_back::my_streaks(&library).unwrap();
    assert_eq!(streaks.len(), 1);
    assert_eq!((streaks[0].came, streaks[0].in_a_row), (last as u32 - 1, 3), "{streaks:?}");
}

/// Hosts and leads see the needs of those going as totals, never who; a need kept to its
/// member alone is not counted; a member who neither leads nor hosts sees none.
#[test]
fn needs_of_those_going_reach_the_leads_as_totals_only() {
    use hearth::people::members::ProfileFields;
    use hearth::viewer::Visibility;
    let scratch = Scratch::new();
    let mut library = circle(&scratch);
    let lea = library.me().unwrap().unwrap();
    let ritual = rituals::create(&mut library, dinner()).unwrap();
    let key = ritual.upcoming[0].occurrence.key.clone();
    let people = [
        ("Ana", "Vegetarian", "", None),
        ("Ben", "vegetarian; no nuts", "Step-free access", None),
        ("Cas", "vegan", "", Some(Visibility::OnlyMe)),
    ];
    let mut ids = Vec::new();
    for (name, dietary, access, only) in people {
        let mut profile = ProfileFields { dietary: dietary.into(), access_needs: access.into(), ..Default::default() };
        if let Some(v) = only {
            profile.visibility.insert("dietary".into(), v);
        }
        members::choose_me(&library, &lea).unwrap();
        let id = members::create_member(&mut library, MemberDraft { profile, ..MemberDraft::named(name) }).unwrap().id;
        members::choose_me(&library, &id).unwrap();
        rituals::rsvp(&mut library, &ritual.id, &key, Answer::Going, false, 0, "").unwrap();
        ids.push(id);
    }
    members::choose_me(&library, &lea).unwrap();
    let needs: Vec<(String, u32)> = rituals::get(&library, &ritual.id).unwrap().upcoming[0]
        .needs
        .iter()
        .map(|n| (n.need.clone(), n.count))
        .collect();
    assert_eq!(
        needs,
        [("vegetarian".into(), 2), ("no nuts".into(), 1), ("step-free access".into(), 1)],
        "totals of what the leads may read; Cas's vegan is hers alone"
    );
    members::choose_me(&library, &ids[0]).unwrap();
    assert!(rituals::get(&library, &ritual.id).unwrap().upcoming[0].needs.is_empty(), "a member sees no totals");
}

/// Conversation pairs: members opt in (their own choice); a lead starts a round; everyone who
/// opted in talks with someone, an odd one out as a third; the next round repeats no pair.
#[test]
fn conversation_pairs_pair_everyone_opted_in_and_never_repeat_a_pair_next_round() {
    use hearth::convene::pairs;
    let scratch = Scratch::new();
    let mut library = circle(&scratch);
    let lea = library.me().unwrap().unwrap();
    let ids: Vec<String> = ["Ana", "Ben", "Cas", "Dee", "Eli"]
        .iter()
        .map(|n| members::create_member(&mut library, MemberDraft::named(n)).unwrap().id)
        .collect();
    for id in &ids[..4] {
        members::choose_me(&library, id).unwrap();
        assert!(pairs::opt_in(&mut library, true).unwrap().opted_in);
        assert!(
            matches!(pairs::start_round(&mut library), Err(hearth::Error::Forbidden { .. })),
            "members do not start rounds"
        );
    }
    members::choose_me(&library, &lea).unwrap();
    pairs::opt_in(&mut library, true).unwrap();
    let first = pairs::start_round(&mut library).unwrap();
    assert_eq!(first.opted_in_count, 5);
    assert!(!first.partners.is_empty(), "the lead talks with someone");
    let groups = |library: &Library| -> Vec<Vec<String>> {
        let text: String = library
            .conn()
            .query_row("SELECT pairs FROM pair_rounds ORDER BY created_at DESC LIMIT 1", [], |r| r.get(0))
            .unwrap();
        serde_json::from_str(&text).unwrap()
    };
    let one = groups(&library);
    let mut everyone: Vec<String> = one.iter().flatten().cloned().collect();
    everyone.sort();
    let mut expected = vec![lea.clone(), ids[0].clone(), ids[1].clone(), ids[2].clone(), ids[3].clone()];
    expected.sort();
    assert_eq!(everyone, expected, "everyone opted in, once; Eli did not opt in");
    assert_eq!(one.iter().map(Vec::len).collect::<Vec<_>>(), [2, 3], "two talks, an odd one out as a third");
    pairs::start_round(&mut library).unwrap();
    let two = groups(&library);
    let pairs_in = |groups: &[Vec<String>]| -> Vec<(String, String)> {
        groups
            .iter()
            .flat_map(|g| {
                g.iter().enumerate().flat_map(move |(i, a)| {
                    g[i + 1..].iter().map(move |b| if a < b { (a.clone(), b.clone()) } else { (b.clone(), a.clone()) })
                })
            })
            .collect()
    };
    let before = pairs_in(&one);
    assert!(
        pairs_in(&two).iter().filter(|p| before.contains(p)).count() <= 1,
        "at most the trio's unavoidable overlap: {one:?} then {two:?}"
    );
    members::choose_me(&library, &ids[4]).unwrap();
    let eli = pairs::pairs(&library).unwrap();
    assert!(!eli.opted_in && eli.partners.is_empty(), "Eli did not opt in and is in no pair");
}

/// The host of a gathering held records who came, as the leads do; another member does not.
#[test]
fn the_host_of_a_gathering_records_who_came() {
    use rusqlite::types::Value;
    let scratch = Scratch::new();
    let mut library = circle(&scratch);
    let ritual =
        rituals::create(&mut library, RitualDraft { cadence: Cadence::Weekly { weekday: 5 }, ..dinner() }).unwrap();
    let key = ritual.past[0].occurrence.key.clone();
    let (host, guest, other) = (
        members::create_member(&mut library, MemberDraft::named("Hal")).unwrap().id,
        members::create_member(&mut library, MemberDraft::named("Gus")).unwrap().id,
        members::create_member(&mut library, MemberDraft::named("Oto")).unwrap().id,
    );
    let lea = library.me().unwrap().unwrap();
    members::choose_me(&library, &host).unwrap();
    rituals::offer_to_host(&mut library, &ritual.id, true).unwrap();
    members::choose_me(&library, &lea).unwrap();
    let row = hearth::ids::derived(&["ritual_occurrences", &ritual.id, &key]);
    library
        .write(|w| {
            w.apply(
                "ritual_occurrences",
                &row,
                &[
                    ("ritual_id", Value::Text(ritual.id.clone())),
                    ("occurrence_key", Value::Text(key.clone())),
                    ("host_id", Value::Text(host.clone())),
                ],
            )
        })
        .unwrap();
    members::choose_me(&library, &other).unwrap();
    assert!(matches!(
        rituals::record_attendance(&mut library, &ritual.id, &key, &guest, Some(true)),
        Err(hearth::Error::Forbidden { .. })
    ));
    members::choose_me(&library, &host).unwrap();
    let recorded = rituals::record_attendance(&mut library, &ritual.id, &key, &guest, Some(true)).unwrap();
    assert_eq!(recorded.past[0].went.iter().map(|p| p.display_name.as_str()).collect::<Vec<_>>(), ["Gus"]);
}

/// A ritual's origin links the moment it began with; a moment that is not the community's is
/// refused.
#[test]
fn a_rituals_origin_links_the_moment_it_began_with() {
    use hearth::memories::moments::{self, MomentDraft, MomentKind};
    let scratch = Scratch::new();
    let mut library = circle(&scratch);
    let first =
        moments::create(&mut library, MomentDraft::titled("The first dinner", MomentKind::Dinner, "2019-05-10"))
            .unwrap();
    let ritual =
        rituals::create(&mut library, RitualDraft { origin_moment: Some(first.id.clone()), ..dinner() }).unwrap();
    assert_eq!(rituals::get(&library, &ritual.id).unwrap().draft.origin_moment, Some(first.id));
    let Err(hearth::Error::Invalid { field, .. }) =
        rituals::create(&mut library, RitualDraft { origin_moment: Some("not-a-moment".into()), ..dinner() })
    else {
        panic!("linked a moment that does not exist")
    };
    assert_eq!(field, "originMoment");
}
