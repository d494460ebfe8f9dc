//! The finders behind the health report: each turns the graph, the ledger or the learning
//! shares into findings in sentences, with the evidence and a next step worded as an
//! invitation. [`super::report`] decides who may read which.

use std::collections::BTreeSet;

use super::bridges;
use super::equity::{Ledger, Opportunity};
use super::graph::Graph;
use super::groups::{self, SplitTest};
use super::learning::{self, Share};
use super::report::{Considered, Finding, FindingKind, Picture, PictureLink, PictureNode, MAX_PEOPLE, SETTLED_DAYS};
use crate::error::Result;
use crate::people::members::{person, Person};
use crate::store::library::Library;

/// What the finders read.
pub(super) struct Inputs<'a> {
    pub considered: &'a [Considered],
    pub graph: &'a Graph,
    pub ledger: &'a Ledger,
    pub learning: &'a [Share],
    pub leads: &'a BTreeSet<u32>,
    pub window_days: u32,
    pub test: &'a SplitTest,
    pub bridges: &'a [bridges::Bridge],
}

/// Every finding, with names (the report removes them for whoever may not read them), and the
/// network picture.
pub(super) struct Found {
    pub findings: Vec<Finding>,
    pub picture: Picture,
}

/// Circles that keep to themselves reported at most (the most inward).
const MAX_CIRCLES: usize = 3;
/// Members shown in the picture at most.
const PICTURE_PEOPLE: usize = 150;

fn finding(kind: FindingKind, sentence: String, evidence: String, next_step: String, people: Vec<Person>) -> Finding {
    Finding { kind, sentence, evidence, next_step, people, held: false }
}

fn plural<'a>(n: usize, one: &'a str, many: &'a str) -> &'a str {
    if n == 1 {
        one
    } else {
        many
    }
}

fn names(people: &[Person]) -> String {
    match people {
        [] => String::new(),
        [one] => one.display_name.clone(),
        [rest @ .., last] => {
            format!(
                "{} and {}",
                rest.iter().map(|p| p.display_name.as_str()).collect::<Vec<_>>().join(", "),
                last.display_name
            )
        }
    }
}

pub(super) fn find(library: &Library, inputs: &Inputs) -> Result<Found> {
    let conn = library.conn();
    let Inputs { considered, graph, leads, window_days, .. } = *inputs;
    let who = |i: u32| person(conn, &considered[i as usize].id);
    let connected = graph.connected();
    let mut findings = Vec::new();

    let isolated: Vec<u32> = (0..considered.len() as u32)
        .filter(|i| !connected[*i as usize] && considered[*i as usize].days >= SETTLED_DAYS)
        .collect();
    if !isolated.is_empty() {
        findings.push(finding(
            FindingKind::Isolated,
            format!(
                "{} {} with us for a month or more had no exchange with anyone in the last {window_days} days.",
                isolated.len(),
                plural(isolated.len(), "member", "members")
            ),
            "No response, reaction, celebration message, shared initiative or decision, moment, photo or gathering \
             with anyone in the window."
                .into(),
            "Invite them personally to the next gathering, or ask them about something they know well.".into(),
            isolated.iter().take(MAX_PEOPLE).map(|i| who(*i)).collect::<Result<_>>()?,
        ));
    }

    let total = graph.total();
    let with_lead: f64 =
        graph.ties.iter().filter(|((a, b), _)| leads.contains(a) || leads.contains(b)).map(|(_, (s, l))| s + l).sum();
    if total > 0.0 && with_lead / total >= super::report::HUB_SHARE && !leads.is_empty() {
        findings.push(finding(
            FindingKind::HubAndSpoke,
            format!(
                "{}% of all exchanges involve a lead: the community runs through its leads more than between its members.",
                (with_lead / total * 100.0).round()
            ),
            format!("{with_lead:.1} of {total:.1} weighted ties have a lead at one end ({} leads).", leads.len()),
            "Pair members who have not met to host or write together, so ties grow between them too.".into(),
            Vec::new(),
        ));
    }

    let test = inputs.test;
    findings.extend(circles(library, inputs, test)?);
    let found_bridges = inputs.bridges;
    if let Some(first) = found_bridges.first() {
        let (bridge, partner) = (who(first.person)?, who(first.partner)?);
        findings.push(finding(
            FindingKind::Bridge,
            format!(
                "{} {} connect circles that otherwise rarely meet.",
                found_bridges.len(),
                plural(found_bridges.len(), "member seems to", "members seem to")
            ),
            format!(
                "{} lies on many of the shortest paths between members (betweenness {:.2}, among the highest here).",
                bridge.display_name, first.betweenness
            ),
            format!(
                "{} could co-host the next gathering with {}, from the other circle, so the two meet.",
                bridge.display_name, partner.display_name
            ),
            vec![bridge, partner],
        ));
    }
    findings.extend(newcomer_watch(library, considered, &connected)?);
    findings.extend(opportunities(library, inputs)?);
    if let Some((before, now)) = learning::slid(inputs.learning) {
        let last = inputs.learning.last().expect("slid needs two windows");
        findings.push(finding(
            FindingKind::LearningSlide,
            format!(
                "Learning is giving way to belonging: {:.0}% of stories, responses and moments were about learning, \
                 down from {:.0}% in the {window_days} days before.",
                now * 100.0,
                before * 100.0
            ),
            format!(
                "{} of {} items in the window (95% interval {:.0}–{:.0}%).",
                last.learning,
                last.items,
                last.low.unwrap_or(0.0) * 100.0,
                last.high.unwrap_or(1.0) * 100.0
            ),
            "Ask for a story about a hard case, or add \"what we learned\" to the next gathering's moment.".into(),
            Vec::new(),
        ));
    }
    let picture = picture(library, inputs, test, &isolated, found_bridges)?;
    Ok(Found { findings, picture })
}

/// Circles that keep to themselves, and circles dense socially with no learning tie.
fn circles(library: &Library, inputs: &Inputs, test: &SplitTest) -> Result<Vec<Finding>> {
    let conn = library.conn();
    let graph = inputs.graph;
    // Each person's learning weight, and each community's inside social weight, in one pass.
    let mut learning = vec![0.0; inputs.considered.len()];
    let mut inside_social = vec![0.0; test.partition.iter().map(|c| *c as usize + 1).max().unwrap_or(0)];
    for ((a, b), (social, learned)) in &graph.ties {
        learning[*a as usize] += learned;
        learning[*b as usize] += learned;
        if test.partition[*a as usize] == test.partition[*b as usize] {
            inside_social[test.partition[*a as usize] as usize] += social;
        }
    }
    let learning_of = |people: &[u32]| -> f64 { people.iter().map(|p| learning[*p as usize]).sum() };
    let who = |people: &[u32]| -> Result<Vec<Person>> {
        people.iter().map(|i| person(conn, &inputs.considered[*i as usize].id)).collect()
    };
    let mut out = Vec::new();
    let mut inward: Vec<&groups::Circle> = test.circles.iter().collect();
    inward.sort_by(|a, b| a.gap.total_cmp(&b.gap));
    let more = match inward.len() {
        n if n > MAX_CIRCLES => format!(" ({} circles like this in all; the {MAX_CIRCLES} most inward are shown.)", n),
        _ => String::new(),
    };
    for circle in inward.into_iter().take(MAX_CIRCLES) {
        let people = who(&circle.people)?;
        let social_only = learning_of(&circle.people) == 0.0;
        out.push(finding(
            FindingKind::Split,
            format!(
                "{} members ({}) have kept mostly to one another for two windows in a row.{more}",
                people.len(),
                names(&people)
            ),
            format!(
                "E-I index {:.2} (−1 is all ties inside) where random mixing would give {:.2}; in the window \
                 before it stood {:.2} below random mixing too. The community's modularity {:.2} stands {:.1} \
                 standard deviations above {} rewired copies of the same ties.{}",
                circle.ei,
                circle.ei - circle.gap,
                circle.gap_before.abs(),
                test.modularity,
                test.z,
                groups::REWIRINGS,
                if social_only { " None of their exchanges is about learning." } else { "" }
            ),
            "Ask one of them to welcome a newcomer or co-host with someone from outside the circle; mix the tables \
             at the next gathering."
                .into(),
            people,
        ));
    }
    let reported: Vec<&Vec<u32>> = test.circles.iter().map(|c| &c.people).collect();
    let learns_at_all = graph.ties.values().any(|(_, l)| *l > 0.0);
    let social_only: Vec<(Vec<u32>, f64)> = groups::circles_of(&test.partition, groups::MIN_CIRCLE)
        .into_iter()
        .filter(|group| learns_at_all && !reported.contains(&group) && learning_of(group) == 0.0)
        .map(|group| {
            let social = inside_social[test.partition[group[0] as usize] as usize];
            (group, social)
        })
        .filter(|(group, social)| *social >= group.len() as f64)
        .collect();
    let others = social_only.len().saturating_sub(1);
    if let Some((group, social)) = social_only.into_iter().next() {
        let people = who(&group)?;
        out.push(finding(
            FindingKind::SocialOnly,
            format!(
                "A circle of {} members meets often socially but never around learning{}.",
                people.len(),
                match others {
                    0 => String::new(),
                    n => format!(" ({n} more circles like it)"),
                }
            ),
            format!("{social:.1} weighted social ties among them, none in the learning layer, in the window."),
            format!(
                "Invite {} to tell a story from their practice, or to join an initiative.",
                names(&people[..people.len().min(MAX_PEOPLE)])
            ),
            people,
        ));
    }
    Ok(out)
}

/// Newcomers with no tie after 30 days, and newcomers whose first story has had no response
/// after 7 days: each with a next step (at most three people each).
fn newcomer_watch(library: &Library, considered: &[Considered], connected: &[bool]) -> Result<Vec<Finding>> {
    let conn = library.conn();
    let now = library.now().0;
    let newcomers: Vec<usize> = (0..considered.len()).filter(|i| considered[*i].role == "newcomer").collect();
    let alone: Vec<usize> =
        newcomers.iter().copied().filter(|i| !connected[*i] && considered[*i].days >= SETTLED_DAYS).collect();
    let mut findings = Vec::new();
    let who = |list: &[usize]| -> Result<Vec<Person>> {
        list.iter().take(MAX_PEOPLE).map(|i| person(conn, &considered[*i].id)).collect()
    };
    if !alone.is_empty() {
        findings.push(finding(
            FindingKind::NewcomerAlone,
            format!(
                "{} {} joined more than a month ago and {} not had an exchange with anyone yet.",
                alone.len(),
                plural(alone.len(), "newcomer", "newcomers"),
                plural(alone.len(), "has", "have")
            ),
            "No tie of any kind in the window since they joined.".into(),
            "Introduce them to someone who shares an interest, or seat them beside a regular at the next gathering."
                .into(),
            who(&alone)?,
        ));
    }
    let mut unanswered = Vec::new();
    for i in &newcomers {
        let id = &considered[*i].id;
        let first: Option<(String, i64)> = conn
            .query_row(
                "SELECT id, created_at FROM stories WHERE author = ?1 AND deleted = 0 ORDER BY created_at, id LIMIT 1",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .ok();
        let Some((story, written)) = first else { continue };
        let answered: bool = conn.query_row(
            "SELECT count(*) > 0 FROM story_responses WHERE story_id = ?1 AND deleted = 0 AND author != ?2",
            [&story, id],
            |r| r.get(0),
        )?;
        if !answered && now - written >= 7 * 86_400_000 {
            unanswered.push(*i);
        }
    }
    if !unanswered.is_empty() {
        let people = who(&unanswered)?;
        findings.push(finding(
            FindingKind::StoryUnanswered,
            format!(
                "{} {} first story has had no response for a week or more.",
                unanswered.len(),
                plural(unanswered.len(), "newcomer's", "newcomers'")
            ),
            "Their first story, with no response from anyone else.".into(),
            format!("Answer {}'s story, or ask someone who knows the subject to.", names(&people)),
            people,
        ));
    }
    Ok(findings)
}

/// Opportunities that go to a few, and members with us 90 days or more never offered one.
fn opportunities(library: &Library, inputs: &Inputs) -> Result<Vec<Finding>> {
    let conn = library.conn();
    let considered = inputs.considered;
    let mut out = Vec::new();
    let spreads = inputs.ledger.spreads();
    for spread in spreads.iter().filter(|s| s.total >= 5 && s.gini >= 0.5) {
        out.push(finding(
            FindingKind::Concentrated,
            format!(
                "Half of all {} this year came from {} {}.",
                spread.kind.noun(),
                spread.half_from,
                plural(spread.half_from as usize, "person", "people")
            ),
            format!(
                "{} in all, from {} of {} members (Gini {:.2}; 0 is evenly shared).",
                spread.total,
                spread.people,
                considered.len(),
                spread.gini
            ),
            format!("Ask others to {}: a pair of a regular and a first-timer works well.", spread.kind.invitation()),
            Vec::new(),
        ));
    }
    // The invitable kind least evenly shared.
    let invitable = [Opportunity::Hosted, Opportunity::ToldStory, Opportunity::LedInitiative];
    let Some(kind) = spreads
        .iter()
        .filter(|s| invitable.contains(&s.kind) && s.total >= 5)
        .max_by(|a, b| a.gini.total_cmp(&b.gini))
        .map(|s| s.kind)
    else {
        return Ok(out);
    };
    let never: Vec<usize> =
        (0..considered.len()).filter(|i| considered[*i].days >= 90 && inputs.ledger.counts[&kind][*i] == 0).collect();
    if !never.is_empty() {
        let people: Vec<Person> =
            never.iter().take(MAX_PEOPLE).map(|i| person(conn, &considered[*i].id)).collect::<Result<_>>()?;
        out.push(finding(
            FindingKind::NeverOffered,
            format!(
                "{} {} with us three months or more {} not had the chance to {} this year.",
                never.len(),
                plural(never.len(), "member", "members"),
                plural(never.len(), "has", "have"),
                kind.invitation()
            ),
            format!("From the year's {}: none came from them.", kind.noun()),
            format!("Invite {} to {}.", names(&people), kind.invitation()),
            people,
        ));
    }
    Ok(out)
}

/// Median days from joining to a first exchange for newcomers who joined in the last year,
/// and how many such newcomers had one.
pub(super) fn first_tie(library: &Library, considered: &[Considered]) -> Result<(Option<f64>, u32)> {
    let conn = library.conn();
    let mut days = Vec::new();
    for member in considered.iter().filter(|c| c.days <= 365) {
        let first: Option<i64> = conn.query_row(
            "SELECT min(at) FROM (
                 SELECT r.created_at AS at FROM story_responses r JOIN stories s ON s.id = r.story_id
                   WHERE r.deleted = 0 AND ((r.author = ?1 AND s.author != ?1) OR (s.author = ?1 AND r.author != ?1))
                 UNION ALL SELECT created_at FROM attendance WHERE deleted = 0 AND went = 1 AND member_id = ?1
                 UNION ALL SELECT created_at FROM media_tags WHERE deleted = 0 AND status = 'tagged' AND member_id = ?1
                 UNION ALL SELECT created_at FROM welcomes WHERE deleted = 0 AND newcomer_id = ?1
                 UNION ALL SELECT m.created_at FROM moments m, json_each(m.attendees) j
                   WHERE m.deleted = 0 AND j.value = ?1)",
            [&member.id],
            |r| r.get(0),
        )?;
        if let Some(at) = first {
            let joined = library.today() - chrono::Duration::days(member.days);
            let met = library.local_date(crate::clock::Millis(at));
            days.push(((met - joined).num_days().max(0)) as f64);
        }
    }
    days.sort_by(f64::total_cmp);
    let median = match days.len() {
        0 => None,
        n if n % 2 == 1 => Some(days[n / 2]),
        n => Some((days[n / 2 - 1] + days[n / 2]) / 2.0),
    };
    Ok((median, days.len() as u32))
}

/// The network picture: the most-tied members (at most [`PICTURE_PEOPLE`], the isolated
/// always included), the ties among them, each circle, bridge and isolated member marked.
fn picture(
    library: &Library,
    inputs: &Inputs,
    test: &SplitTest,
    isolated: &[u32],
    found_bridges: &[bridges::Bridge],
) -> Result<Picture> {
    let conn = library.conn();
    let graph = inputs.graph;
    let adjacency = graph.adjacency();
    let mut order: Vec<u32> = (0..inputs.considered.len() as u32).collect();
    let strength = |i: u32| adjacency[i as usize].iter().map(|(_, w)| w).sum::<f64>();
    order.sort_by(|a, b| strength(*b).total_cmp(&strength(*a)).then(a.cmp(b)));
    let mut shown: Vec<u32> = isolated.iter().take(PICTURE_PEOPLE / 10).copied().collect();
    shown.extend(order.into_iter().filter(|i| !isolated.contains(i)).take(PICTURE_PEOPLE - shown.len()));
    shown.sort_unstable();
    let position = |i: u32| shown.binary_search(&i).ok().map(|p| p as u32);
    let nodes = shown
        .iter()
        .map(|i| {
            Ok(PictureNode {
                person: person(conn, &inputs.considered[*i as usize].id)?,
                role: inputs.considered[*i as usize].role.clone(),
                circle: test.circles.iter().position(|c| c.people.contains(i)).map(|c| c as u32 + 1),
                isolated: isolated.contains(i),
                bridge: found_bridges.iter().take(MAX_PEOPLE).any(|b| b.person == *i),
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let mut links: Vec<PictureLink> = graph
        .ties
        .iter()
        .filter_map(|((a, b), (s, l))| {
            Some(PictureLink { source: position(*a)?, target: position(*b)?, weight: s + l, learning: l > s })
        })
        .collect();
    links.sort_by_key(|l| (l.source, l.target));
    Ok(Picture { nodes, links, left_out: (inputs.considered.len() - shown.len()) as u32 })
}
