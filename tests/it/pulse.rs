//! The community pulse: thresholds, the differencing guard, a confidential round across three
//! laptops (no laptop, log or target file keeps a readable individual answer), an open round's
//! answers with names, and what merge refuses.

use hearth::pulse::rounds::{self, PulseAnswer, RoundKind};
use hearth::pulse::tally::{self, aggregate, comparable};
use hearth::sync;
use hearth::Library;
use rusqlite::types::Value::{Integer, Text};

use crate::sealing::{holding, sync_all, ward};
use crate::support::forge_row;

fn answer(now: u8, wished: u8, note: &str) -> PulseAnswer {
    PulseAnswer { now: vec![Some(now); 7], wished: vec![Some(wished); 7], note: note.into() }
}

/// Five answers show; three are "too few"; a group or a comparison that could single people
/// out is not made.
#[test]
fn aggregates_hide_behind_the_threshold_and_rounds_compare_only_when_safe() {
    let dimensions: Vec<rounds::RoundDimension> =
        (0..7).map(|i| rounds::RoundDimension { id: format!("d{i}"), name: format!("Dimension {i}") }).collect();
    let five: Vec<(String, PulseAnswer)> = (0..5).map(|i| ("member".to_owned(), answer(3 + i, 8, ""))).collect();
    let shown = aggregate(&dimensions, &five, 5, "");
    assert!(!shown.too_few);
    let spread = shown.dimensions[0].now.as_ref().unwrap();
    assert_eq!((spread.count, spread.median), (5, 5.0));
    assert_eq!(spread.histogram[3..8], [1, 1, 1, 1, 1]);
    assert_eq!(shown.dimensions[0].wants_much_more, Some(0.6), "3 of 5 wish for 3 or more above what they see");
    let three = aggregate(&dimensions, &five[..3], 5, "");
    assert!(three.too_few && three.dimensions.is_empty(), "three answers: too few, nothing shown");
    assert!(shown.breakdown.is_none(), "no newcomers' breakdown of fewer than five");
    assert_eq!(shown.notes_summary, "", "no notes summary with fewer than ten notes");

    let of = |n: u32| tally::Results { respondents: n, ..shown.clone() };
    assert!(!comparable(&of(10), &of(11)), "one more respondent: comparing would single them out");
    assert!(comparable(&of(10), &of(15)) && comparable(&of(10), &of(10)));
}

/// A confidential round across three laptops: answers sealed to a key only Lea's laptop holds;
/// at the close she publishes only aggregates; afterwards no database, log or target file on
/// any laptop holds an individual answer readably (each note's words are searched for), the
/// key is gone, and the aggregates are on all three.
#[test]
fn a_confidential_round_leaves_no_readable_answer_anywhere() {
    let scratch = crate::support::Scratch::new();
    let (mut lea, mut mo, mut oz, folder) = ward(&scratch);
    tally::set_threshold(&mut lea, 3).unwrap();
    let round = rounds::open(&mut lea, RoundKind::Confidential, "Autumn pulse", 21).unwrap();
    sync_all([&mut lea, &mut mo, &mut oz], &folder);
    let notes = ["Zarquellian rota worries", "Vexmoorish newcomers", "Plindrovic identity"];
    rounds::answer(&mut lea, &round.id, &answer(4, 8, notes[0])).unwrap();
    rounds::answer(&mut mo, &round.id, &answer(6, 7, notes[1])).unwrap();
    rounds::answer(&mut oz, &round.id, &answer(5, 9, notes[2])).unwrap();
    sync_all([&mut lea, &mut mo, &mut oz], &folder);
    let open_at_oz = rounds::get(&oz, &round.id).unwrap();
    assert_eq!(open_at_oz.answered, 3, "a count");
    assert!(!open_at_oz.can_close, "a member cannot close it");
    for library in [&mo, &oz] {
        for note in notes {
            assert!(holding(library.root(), note).is_empty(), "{note} is readable on a laptop that is not Lea's");
        }
    }
    let Err(hearth::Error::Forbidden { .. }) = tally::close(&mut mo, &round.id, "") else {
        panic!("a member closed it")
    };

    let closed = tally::close(&mut lea, &round.id, "").unwrap();
    let results = closed.results.unwrap();
    assert_eq!(results.respondents, 3);
    assert_eq!(results.dimensions[0].now.as_ref().unwrap().median, 5.0);
    sync_all([&mut lea, &mut mo, &mut oz], &folder);
    for library in [&lea, &mo, &oz] {
        for note in notes {
            assert!(holding(library.root(), note).is_empty(), "{note} stays readable on a laptop");
        }
        let unsealed: i64 = library
            .conn()
            .query_row("SELECT count(*) FROM pulse_answers WHERE answer != '' OR sealed != ''", [], |r| r.get(0))
            .unwrap();
        assert_eq!(unsealed, 0, "no per-member answer row holds an answer");
        let round = rounds::get(library, &round.id).unwrap();
        assert_eq!(round.results.as_ref().map(|r| r.respondents), Some(3), "the aggregates reach every laptop");
        assert!(round.answers.is_empty(), "no names with answers");
    }
    for note in notes {
        assert!(holding(&folder, note).is_empty(), "nor does the folder");
    }
    let keys = std::fs::read_to_string(lea.root().join("pulse.keys")).unwrap_or_default();
    assert!(!keys.contains(&round.id), "Lea's laptop forgot the round's key");
}

/// An open round: answers with names once closed; merge refuses an answer after the close, in
/// another member's name, a confidential answer sent unsealed, and a close from a laptop that
/// does not hold a confidential round's key.
#[test]
fn an_open_round_names_its_answers_and_merge_refuses_what_the_window_would() {
    let scratch = crate::support::Scratch::new();
    let (mut lea, mut mo, mut oz, folder) = ward(&scratch);
    tally::set_threshold(&mut lea, 3).unwrap();
    let round = rounds::open(&mut lea, RoundKind::Open, "Open pulse", 21).unwrap();
    let secret = rounds::open(&mut lea, RoundKind::Confidential, "Quiet pulse", 21).unwrap();
    sync_all([&mut lea, &mut mo, &mut oz], &folder);
    for (library, now) in [(&mut lea, 4), (&mut mo, 6), (&mut oz, 5)] {
        rounds::answer(library, &round.id, &answer(now, 8, "More projects please")).unwrap();
    }
    sync_all([&mut lea, &mut mo, &mut oz], &folder);
    tally::close(&mut lea, &round.id, "").unwrap();
    sync_all([&mut lea, &mut mo, &mut oz], &folder);
    let at_oz = rounds::get(&oz, &round.id).unwrap();
    let mut names: Vec<String> = at_oz.answers.iter().map(|a| a.member.display_name.clone()).collect();
    names.sort();
    assert_eq!(names, ["Lea", "Mo", "Oz"], "an open round's answers, with names, to talk about");
    let Err(hearth::Error::Invalid { .. }) = rounds::answer(&mut mo, &round.id, &answer(1, 1, "")) else {
        panic!("answered a closed round")
    };

    let (mo_id, lea_id) = (mo.me().unwrap().unwrap(), lea.me().unwrap().unwrap());
    let late = serde_json::to_string(&answer(0, 0, "")).unwrap();
    let created = || vec![("author", Text(mo_id.clone())), ("created_at", Integer(1))];
    let mut after_close = created();
    after_close.extend([
        ("round_id", Text(round.id.clone())),
        ("member_id", Text(mo_id.clone())),
        ("answer", Text(late.clone())),
    ]);
    forge_row(&mo, "pulse_answers", &hearth::ids::derived(&["pulse_answers", &round.id, &mo_id]), &after_close);
    let mut for_lea = created();
    for_lea.extend([
        ("round_id", Text(secret.id.clone())),
        ("member_id", Text(lea_id.clone())),
        ("sealed", Text("x.y".into())),
    ]);
    forge_row(&mo, "pulse_answers", &hearth::ids::derived(&["pulse_answers", &secret.id, &lea_id]), &for_lea);
    let mut unsealed = created();
    unsealed.extend([
        ("round_id", Text(secret.id.clone())),
        ("member_id", Text(mo_id.clone())),
        ("answer", Text(late)),
    ]);
    forge_row(&mo, "pulse_answers", &hearth::ids::derived(&["pulse_answers", &secret.id, &mo_id]), &unsealed);
    sync::sync_folder(&mut mo, &folder).unwrap();
    let report = sync::sync_folder(&mut lea, &folder).unwrap();
    for why in [
        "answers a pulse round after it closed",
        "answers a pulse round for another member",
        "a confidential answer unsealed",
    ] {
        assert!(report.rejected.iter().any(|r| r.contains(why)), "{why}: {:?}", report.rejected);
    }

    // A lead's laptop reopens the closed round, or rewrites its results: refused.
    forge_row(&lea, "pulse_rounds", &round.id, &[("closed_at", Integer(0))]);
    forge_row(
        &lea,
        "pulse_results",
        &hearth::ids::derived(&["pulse_results", &round.id]),
        &[("aggregates", Text("{\"respondents\": 99}".into()))],
    );
    sync::sync_folder(&mut lea, &folder).unwrap();
    let report = sync::sync_folder(&mut oz, &folder).unwrap();
    assert!(
        report.rejected.iter().any(|r| r.contains("changes a pulse round after it was opened")),
        "{:?}",
        report.rejected
    );
    assert!(report.rejected.iter().any(|r| r.contains("changes published results")), "{:?}", report.rejected);
    assert_eq!(rounds::get(&oz, &round.id).unwrap().results.unwrap().respondents, 3, "the results stand");
}

/// A crafted answer of another shape (merged unread, as a confidential one is) never upsets
/// the close: it is left out, and the round is tallied and its key forgotten.
#[test]
fn a_crafted_answer_never_stops_a_round_closing() {
    let scratch = crate::support::Scratch::new();
    let (mut lea, mut mo, mut oz, folder) = ward(&scratch);
    tally::set_threshold(&mut lea, 3).unwrap();
    let round = rounds::open(&mut lea, RoundKind::Open, "Shapes", 21).unwrap();
    sync_all([&mut lea, &mut mo, &mut oz], &folder);
    for (library, now) in [(&mut lea, 4), (&mut mo, 6), (&mut oz, 5)] {
        rounds::answer(library, &round.id, &answer(now, 8, "")).unwrap();
    }
    // Mo's laptop sends an answer with a fourteenth dimension and a value of 200.
    let mo_id = mo.me().unwrap().unwrap();
    let crafted = r#"{"now":[200,1,1,1,1,1,1,1],"wished":[1,1,1,1,1,1,1,1],"note":""}"#;
    forge_row(
        &mo,
        "pulse_answers",
        &hearth::ids::derived(&["pulse_answers", &round.id, &mo_id]),
        &[("answer", Text(crafted.into()))],
    );
    sync_all([&mut lea, &mut mo, &mut oz], &folder);
    let closed = tally::close(&mut lea, &round.id, "").unwrap();
    assert_eq!(closed.results.unwrap().respondents, 3, "Mo's own answer stands; the crafted one was refused");
}

/// Two rounds a few respondents apart: the second's picture is withheld, so subtracting one
/// from the other cannot single those few out; a round far enough apart is shown. A lone
/// newcomer makes no breakdown, and results always read back.
#[test]
fn a_round_a_few_respondents_from_the_last_is_withheld() {
    use hearth::people::members::{self, MemberDraft};
    let scratch = crate::support::Scratch::new();
    let mut lea = crate::support::create(&scratch.path("c"), "Circle");
    members::create_my_profile(&mut lea, MemberDraft::named("Lea")).unwrap();
    let mut ids = vec![lea.me().unwrap().unwrap()];
    for name in ["Ana", "Ben", "Cy", "Di", "Ed"] {
        ids.push(members::create_member(&mut lea, MemberDraft::named(name)).unwrap().id);
    }
    tally::set_threshold(&mut lea, 3).unwrap();
    let round_of = |lea: &mut Library, title: &str, answering: usize| {
        members::choose_me(lea, &ids[0]).unwrap();
        let round = rounds::open(lea, RoundKind::Open, title, 21).unwrap();
        for (i, member) in ids.iter().take(answering).enumerate() {
            members::choose_me(lea, member).unwrap();
            rounds::answer(lea, &round.id, &answer(3 + i as u8, 8, "")).unwrap();
        }
        members::choose_me(lea, &ids[0]).unwrap();
        tally::close(lea, &round.id, "").unwrap().results.unwrap()
    };
    let first = round_of(&mut lea, "First", 3);
    assert!(first.withheld.is_none() && !first.dimensions.is_empty(), "the first is shown");
    let second = round_of(&mut lea, "Second", 4);
    assert!(second.withheld.is_some() && second.dimensions.is_empty(), "one more than last time: withheld");
    let third = round_of(&mut lea, "Third", 6);
    assert!(third.withheld.is_none() && !third.dimensions.is_empty(), "three more than the last shown: shown");

    let dimensions: Vec<rounds::RoundDimension> =
        (0..7).map(|i| rounds::RoundDimension { id: format!("d{i}"), name: format!("Dimension {i}") }).collect();
    let mut group: Vec<(String, PulseAnswer)> = (0..6).map(|i| ("member".to_owned(), answer(3 + i, 8, ""))).collect();
    group.push(("newcomer".to_owned(), answer(9, 9, "")));
    let results = aggregate(&dimensions, &group, 5, "");
    assert!(results.breakdown.is_none(), "one newcomer is no group");
    assert!(
        serde_json::from_str::<tally::Results>(&serde_json::to_string(&results).unwrap()).is_ok(),
        "results read back"
    );
}
