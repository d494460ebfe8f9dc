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

/// A finding about `people` (all of them: the report keeps the names a lead may read this
/// week, at most [`MAX_PEOPLE`]). Its words never name anyone: names go only in `people`.
fn finding(kind: FindingKind, sentence: String, evidence: String, next_step: String, people: Vec<Person>) -> Finding {
    Finding { kind, sentence, evidence, next_step, count: people.len() as u32, people, held: false }
}

fn plural<'a>(n: usize, one: &'a str, many: &'a str) -> &'a str {
    if n == 1 {
        one
    } else {
        many
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
                "{} {} with us for a month or more {} not had an exchange with anyone in the last {window_days} days.",
                isolated.len(),
                plural(isolated.len(), "member", "members"),
                plural(isolated.len(), "has", "have")
            ),
            format!(
                "No response, reaction, celebration message, initiative or decision, moment, photo or gathering shared \
                 with anyone in the last {window_days} days."
            ),
            "Invite them personally to the next gathering, or ask them about something they know well.".into(),
            isolated.iter().map(|i| who(*i)).collect::<Result<_>>()?,
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
            format!(
                "{:.0} of {:.0} exchanges have a lead in them (a big photo or gathering counts less for each pair); \
                 there {} {} {}.",
                with_lead,
                total,
                plural(leads.len(), "is", "are"),
                leads.len(),
                plural(leads.len(), "lead", "leads")
            ),
            "Pair members who have not met yet to host or write something together, so they get to know each other \
             directly."
                .into(),
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
                "{} {} groups that otherwise rarely meet.",
                found_bridges.len(),
                plural(found_bridges.len(), "member links", "members link")
            ),
            "Many of the shortest paths between members of different groups run through them (betweenness \
             centrality on each member's strongest ties)."
                .into(),
            "The first named could co-host the next gathering with the second, from the other group, so their two \
             groups meet."
                .into(),
            vec![bridge, partner],
        ));
    }
    findings.extend(newcomer_watch(library, considered, &connected, window_days)?);
    findings.extend(opportunities(library, inputs)?);
    if let Some((before, now)) = learning::slid(inputs.learning) {
        let last = inputs.learning.last().expect("slid needs two windows");
        findings.push(finding(
            FindingKind::LearningSlide,
            format!(
                "Fewer exchanges are about practice lately: {:.0}% of stories, responses and moments in the last \
                 {window_days} days, down from {:.0}% in the {window_days} days before.",
                now * 100.0,
                before * 100.0
            ),
            format!(
                "{} of {} stories, responses and moments in the last {window_days} days were about practice \
                 (95% Wilson interval {:.0}–{:.0}%).",
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
        n if n > MAX_CIRCLES => {
            format!(" There are {n} groups like this; the {MAX_CIRCLES} that keep most to themselves are shown.")
        }
        _ => String::new(),
    };
    let window_days = inputs.window_days;
    // The share of a group's tie ends that land inside, 2I / (2I + E), from its E-I index (an
    // inside tie has both ends there and counts once): with E + I = 2, E = 1 + EI and I = 1 − EI.
    let inside_share = |ei: f64| {
        let (e, i) = (1.0 + ei, 1.0 - ei);
        2.0 * i / (2.0 * i + e)
    };
    for (rank, circle) in inward.into_iter().take(MAX_CIRCLES).enumerate() {
        let people = who(&circle.people)?;
        let more = if rank == 0 { more.as_str() } else { "" };
        let social_only = learning_of(&circle.people) == 0.0;
        out.push(finding(
            FindingKind::Split,
            format!(
                "A group of {} members has mostly exchanged with one another, and less with everyone else, for the \
                 last {} days.{more}",
                people.len(),
                2 * window_days
            ),
            format!(
                "{:.0}% of their exchanges were with one another; if people mixed at random it would be about {:.0}%. \
                 It was much the same in the {window_days} days before.{} (E-I index {:.2} against {:.2} for random \
                 mixing; the community's modularity {:.2} stands {:.1} standard deviations above {} rewired copies \
                 of the same ties.)",
                inside_share(circle.ei) * 100.0,
                inside_share(circle.ei - circle.gap) * 100.0,
                if social_only { " None of their exchanges was about practice." } else { "" },
                circle.ei,
                circle.ei - circle.gap,
                test.modularity,
                test.z,
                groups::REWIRINGS
            ),
            "Ask one of them to welcome a newcomer or co-host with someone from outside the group; mix the tables \
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
                "A group of {} members often gets together socially but has not exchanged about practice in the last \
                 {} days{}.",
                people.len(),
                inputs.window_days,
                match others {
                    0 => String::new(),
                    n => format!(" ({n} more {} like it)", plural(n, "group", "groups")),
                }
            ),
            format!(
                "Photos, gatherings and celebrations together ({social:.0} exchanges, a big photo counting less for \
                 each pair); none about practice."
            ),
            "Invite them to tell a story from their practice together, or to join an initiative.".into(),
            people,
        ));
    }
    Ok(out)
}

/// Newcomers with no tie after 30 days, and newcomers whose first story has had no response
/// after 7 days: each with a next step (at most three people each).
fn newcomer_watch(
    library: &Library,
    considered: &[Considered],
    connected: &[bool],
    window_days: u32,
) -> Result<Vec<Finding>> {
    let conn = library.conn();
    let now = library.now().0;
    let newcomers: Vec<usize> = (0..considered.len()).filter(|i| considered[*i].role == "newcomer").collect();
    let alone: Vec<usize> =
        newcomers.iter().copied().filter(|i| !connected[*i] && considered[*i].days >= SETTLED_DAYS).collect();
    let mut findings = Vec::new();
    let who =
        |list: &[usize]| -> Result<Vec<Person>> { list.iter().map(|i| person(conn, &considered[*i].id)).collect() };
    if !alone.is_empty() {
        findings.push(finding(
            FindingKind::NewcomerAlone,
            format!(
                "{} {} who joined a month or more ago {} not had an exchange with anyone in the last {} days.",
                alone.len(),
                plural(alone.len(), "newcomer", "newcomers"),
                plural(alone.len(), "has", "have"),
                window_days
            ),
            "No response, reaction, photo, gathering or other exchange with anyone in that time.".into(),
            "Introduce them to someone who shares an interest, or seat them beside a regular at the next gathering."
                .into(),
            who(&alone)?,
        ));
    }
    // Each author's first story shared with the community, read in one pass (SQLite gives the
    // other columns of the row holding the min()).
    let firsts: std::collections::HashMap<String, (String, i64)> = conn
        .prepare_cached(
            "SELECT author, id, min(created_at) FROM stories NOT INDEXED
             WHERE deleted = 0 AND visibility = 'community' GROUP BY author",
        )?
        .query_map([], |r| Ok((r.get(0)?, (r.get(1)?, r.get(2)?))))?
        .collect::<rusqlite::Result<_>>()?;
    let mut unanswered = Vec::new();
    for i in &newcomers {
        let id = &considered[*i].id;
        let Some((story, written)) = firsts.get(id) else { continue };
        // A first story of the window that has waited a week or more, with no response.
        let age = now - written;
        if age < 7 * 86_400_000 || age > i64::from(window_days) * 86_400_000 {
            continue;
        }
        let answered: bool = conn.query_row(
            "SELECT count(*) > 0 FROM story_responses WHERE story_id = ?1 AND deleted = 0 AND author != ?2",
            [story, id],
            |r| r.get(0),
        )?;
        if !answered {
            unanswered.push(*i);
        }
    }
    if !unanswered.is_empty() {
        let people = who(&unanswered)?;
        findings.push(finding(
            FindingKind::StoryUnanswered,
            match unanswered.len() {
                1 => "A newcomer's first story has waited a week or more for a response.".to_owned(),
                n => format!("{n} newcomers' first stories have waited a week or more for a response."),
            },
            "Their first story shared with the community has no response from anyone else yet.".into(),
            "Reply to the story, or ask someone who knows the subject to.".into(),
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
    // Concentrated: at least five in all and half from a tenth of the members or fewer (the Gini
    // over every member, zeros included, is high whenever there are fewer chances than members,
    // so it is evidence, not the test).
    let few = (considered.len() / 10).max(1) as u32;
    for spread in spreads.iter().filter(|s| s.total >= 5 && s.half_from.unwrap_or(0) <= few) {
        let half_from = spread.half_from.unwrap_or(0);
        let mut concentrated = finding(
            FindingKind::Concentrated,
            format!(
                "{} in the last 12 months {} {} {}.",
                spread.kind.half_of(),
                spread.kind.went_to(),
                half_from,
                plural(half_from as usize, "person", "people")
            ),
            format!(
                "{} in all, to {} of {} members (Gini {:.2}, where 0 is evenly shared).",
                spread.total,
                spread.people.unwrap_or(0),
                considered.len(),
                spread.gini
            ),
            spread.kind.widen().into(),
            Vec::new(),
        );
        // About that many people, unnamed (a member reads it only when they are five or more).
        concentrated.count = half_from;
        out.push(concentrated);
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
        let people: Vec<Person> = never.iter().map(|i| person(conn, &considered[*i].id)).collect::<Result<_>>()?;
        out.push(finding(
            FindingKind::NeverOffered,
            format!(
                "{} {} with us three months or more {} not had the chance to {} in the last 12 months.",
                never.len(),
                plural(never.len(), "member", "members"),
                plural(never.len(), "has", "have"),
                kind.invitation()
            ),
            format!(
                "None of the last 12 months' {} ({} in all) came from them.",
                kind.noun(),
                inputs.ledger.total(kind)
            ),
            format!("Invite them to {}.", kind.invitation()),
            people,
        ));
    }
    Ok(out)
}

/// Median days from joining to a first exchange for newcomers who joined in the last year,
/// and how many such newcomers had one. An exchange as the graph counts them: a response to a
/// story shared with the community (given or received, not to oneself), a gathering attended, a
/// consented tag on a photo that is not hidden, a welcome, a moment's who-was-there.
pub(super) fn first_tie(
    library: &Library,
    stories: &super::graph::Stories,
    considered: &[Considered],
) -> Result<(Option<f64>, u32)> {
    let conn = library.conn();
    let newcomers: Vec<&Considered> = considered.iter().filter(|c| (0..=365).contains(&c.days)).collect();
    if newcomers.is_empty() {
        return Ok((None, 0));
    }
    // Each person's first exchange since a little over a year ago, in one pass per table.
    let since = library.now().0 - 400 * 86_400_000;
    let mut first: std::collections::HashMap<String, i64> = std::collections::HashMap::new();
    let mut seen = |who: &str, at: i64| {
        let entry = first.entry(who.to_owned()).or_insert(at);
        *entry = (*entry).min(at);
    };
    let mut statement = conn.prepare_cached(
        "SELECT author, story_id, created_at FROM story_responses NOT INDEXED WHERE deleted = 0 AND created_at >= ?1",
    )?;
    let mut rows = statement.query([since])?;
    while let Some(row) = rows.next()? {
        let (from, story, at): (String, String, i64) = (row.get(0)?, row.get(1)?, row.get(2)?);
        if let Some((to, _)) = stories.get(&story).filter(|(to, _)| *to != from) {
            seen(&from, at);
            seen(to, at);
        }
    }
    for sql in [
        "SELECT member_id, min(created_at) FROM attendance WHERE deleted = 0 AND went = 1 AND created_at >= ?1
         GROUP BY member_id",
        "SELECT t.member_id, min(t.created_at) FROM media_tags t JOIN media m ON m.id = t.media_id
         WHERE t.deleted = 0 AND t.status = 'tagged' AND m.deleted = 0 AND m.hidden = 0 AND t.created_at >= ?1
         GROUP BY t.member_id",
        "SELECT newcomer_id, min(created_at) FROM welcomes WHERE deleted = 0 AND created_at >= ?1 GROUP BY newcomer_id",
        "SELECT j.value, min(m.created_at) FROM moments m,
             json_each(CASE WHEN json_valid(m.attendees) THEN m.attendees ELSE '[]' END) j
         WHERE m.deleted = 0 AND m.created_at >= ?1 AND j.type = 'text' GROUP BY j.value",
    ] {
        let mut statement = conn.prepare_cached(sql)?;
        let mut rows = statement.query([since])?;
        while let Some(row) = rows.next()? {
            seen(&row.get::<_, String>(0)?, row.get(1)?);
        }
    }
    let mut days = Vec::new();
    for member in newcomers {
        if let Some(at) = first.get(&member.id) {
            let joined = library.today() - chrono::Duration::days(member.days);
            let met = library.local_date(crate::clock::Millis(*at));
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
    let mut links: Vec<PictureLink> = graph
        .ties
        .iter()
        .filter_map(|((a, b), (s, l))| {
            Some(PictureLink { source: position(*a)?, target: position(*b)?, weight: s + l, learning: l > s })
        })
        .collect();
    links.sort_by_key(|l| (l.source, l.target));
    let ties: Vec<(u32, u32, f64)> = links.iter().map(|l| (l.source, l.target, l.weight)).collect();
    let places = super::placement::place(shown.len(), &ties);
    let nodes = shown
        .iter()
        .zip(places)
        .map(|(i, [x, y])| {
            Ok(PictureNode {
                person: person(conn, &inputs.considered[*i as usize].id)?,
                role: inputs.considered[*i as usize].role.clone(),
                circle: test.circles.iter().position(|c| c.people.contains(i)).map(|c| c as u32 + 1),
                isolated: isolated.contains(i),
                bridge: found_bridges.iter().take(MAX_PEOPLE).any(|b| b.person == *i),
                x,
                y,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(Picture { nodes, links, left_out: (inputs.considered.len() - shown.len()) as u32 })
}
