//! The community's health report, computed on a laptop from what it holds and never synced:
//! findings in sentences, each with its evidence and a next step worded as an invitation, then
//! the figures behind them (the learning share window by window, the spread of opportunities,
//! participation by variety).
//!
//! Privacy and tone, enforced here rather than in the window: findings that name people go only
//! to the leads, and at most [`WEEKLY_SUGGESTIONS`] kinds of them a week for each lead (the
//! kinds already named this week come back; another waits, its names held, until next week);
//! a member who is not a lead reads only community figures about at least [`MIN_GROUP`] people;
//! a member who opted out is in no tie and no figure from the next computation on; nobody is
//! ranked or scored.

use std::collections::{BTreeSet, HashSet};

use serde::{Deserialize, Serialize};

use super::equity::{self, Spread, Variety};
use super::findings::{self, Found};
use super::graph::{self, Window};
use super::learning::{self, Share};
use super::{bridges, groups};
use crate::error::Result;
use crate::people::members::Person;
use crate::store::library::Library;
use crate::viewer::Viewer;

/// What a finding is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, specta::Type)]
#[serde(rename = "HealthFindingKind", rename_all = "camelCase")]
pub enum FindingKind {
    /// A newcomer with no tie after 30 days.
    NewcomerAlone,
    /// A newcomer's first story with no response after 7 days.
    StoryUnanswered,
    Isolated,
    /// A circle that keeps to itself (E-I gap, two windows, significant modularity).
    Split,
    /// A circle dense socially with no tie in the learning layer.
    SocialOnly,
    /// A member who connects circles: could co-host.
    Bridge,
    /// Members with us 90 days or more never offered an opportunity.
    NeverOffered,
    HubAndSpoke,
    LearningSlide,
    /// Half of an opportunity going to a few.
    Concentrated,
}

impl FindingKind {
    /// Whether the finding names people (and so goes only to the leads, within the weekly cap).
    pub fn names_people(self) -> bool {
        !matches!(self, FindingKind::HubAndSpoke | FindingKind::LearningSlide | FindingKind::Concentrated)
    }
}

/// One finding: a sentence, its evidence, a next step, and (leads only) the people it is about.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
#[serde(rename = "HealthFinding", rename_all = "camelCase")]
pub struct Finding {
    pub kind: FindingKind,
    pub sentence: String,
    pub evidence: String,
    pub next_step: String,
    /// How many people it is about (0 for a community figure).
    pub count: u32,
    /// Who, for the leads only (at most [`MAX_PEOPLE`], within the weekly cap); empty for
    /// everyone else. The words above never name anyone.
    pub people: Vec<Person>,
    /// The names wait for next week: this week's suggestions about people are used up.
    pub held: bool,
}

/// The network picture for the leads: members as nodes, the strongest ties as links.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct Picture {
    pub nodes: Vec<PictureNode>,
    pub links: Vec<PictureLink>,
    /// Members left out of the picture to keep it readable (the strongest-tied are kept).
    pub left_out: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct PictureNode {
    pub person: Person,
    /// `lead`, `member` or `newcomer`.
    pub role: String,
    /// The circle found turning inward (1, 2, …), if any.
    pub circle: Option<u32>,
    pub isolated: bool,
    pub bridge: bool,
    /// Where the mark sits, in px within the picture's 760 × 520 drawing
    /// (`health::placement`).
    pub x: f64,
    pub y: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct PictureLink {
    pub source: u32,
    pub target: u32,
    pub weight: f64,
    pub learning: bool,
}

/// The report.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
#[serde(rename = "HealthReport", rename_all = "camelCase")]
pub struct Report {
    pub window_days: u32,
    /// Whether the member at this laptop reads it as a lead (names and the picture).
    pub as_lead: bool,
    /// Members the report considers (with us, not former, not opted out), and how many have a tie.
    pub members: u32,
    /// `None` for a member (not a lead) when fewer than five have no tie, so no one can be
    /// singled out; the same for every count below.
    pub connected: Option<u32>,
    /// How many left themselves out.
    pub opted_out: Option<u32>,
    /// Whether the member at this laptop left themselves out.
    pub me_opted_out: bool,
    pub findings: Vec<Finding>,
    /// The learning share of the last four windows, oldest first.
    pub learning: Vec<Share>,
    /// Opportunities over the last year.
    pub opportunities: Vec<Spread>,
    pub variety: Variety,
    /// Median days from joining to a first exchange, for newcomers of the last year (at least
    /// five of them), and how many are counted.
    pub first_tie_days: Option<f64>,
    pub newcomers_counted: Option<u32>,
    pub picture: Option<Picture>,
    /// Which data fed it.
    pub audit: String,
}

/// The share of all tie weight with a lead at one end at or above which the community is
/// hub-and-spoke (60% as the issue asks).
pub const HUB_SHARE: f64 = 0.6;
/// Members with us fewer days than this are not called isolated (the newcomer watch covers them).
pub const SETTLED_DAYS: i64 = 30;
/// The fewest members a community figure may describe when a member (not a lead) reads it.
pub const MIN_GROUP: usize = 5;
/// At most this many people named in one finding.
pub const MAX_PEOPLE: usize = 3;
/// At most this many kinds of finding that name people, a week, for each lead.
pub const WEEKLY_SUGGESTIONS: usize = 3;
/// The seed of the rewired graphs (fixed, so the same data gives the same report).
const SEED: u64 = 0x6865_616c_7468;

/// A member considered by the report.
#[derive(Debug, Clone)]
pub(super) struct Considered {
    pub id: String,
    pub role: String,
    /// Days with us, by `joined_on` (or when the profile was made).
    pub days: i64,
}

/// The report for the last `window_days` days, as the member at this laptop may read it.
pub fn report(library: &Library, window_days: u32) -> Result<Report> {
    Ok(report_timed(library, window_days)?.0)
}

/// [`report`], with the seconds each stage took (for `hearth bench health`).
pub fn report_timed(library: &Library, window_days: u32) -> Result<(Report, Vec<(&'static str, f64)>)> {
    let window_days = window_days.clamp(7, 365);
    let mut laps = Vec::new();
    let mut watch = crate::clock::Stopwatch::start();
    let mut lap = |name: &'static str| {
        laps.push((name, watch.seconds()));
        watch = crate::clock::Stopwatch::start();
    };
    let viewer = Viewer::me(library)?;
    let conn = library.conn();
    let now = library.now().0;
    let span = i64::from(window_days.max(1)) * 86_400_000;
    let me = viewer.member_id.clone().unwrap_or_default();
    let (considered, opted_out, me_opted_out) = considered(library, &me)?;
    let people: Vec<String> = considered.iter().map(|c| c.id.clone()).collect();
    let window = Window { since: now - span, until: now + 1 };
    let before = Window { since: now - 2 * span, until: now - span };
    // Stories shared with the community, read once for the graph, the learning share and the
    // newcomers' first exchanges.
    let stories = graph::story_kinds(conn)?;
    let [previous, graph]: [graph::Graph; 2] = graph::build_windows(conn, &stories, &[before, window], people.clone())?
        .try_into()
        .expect("two windows, two graphs");
    lap("graphs of two windows");
    let year = Window { since: now - 365 * 86_400_000, until: now + 1 };
    let ledger = equity::ledger(conn, year, &people)?;
    lap("opportunity ledger");
    let who: HashSet<&str> = people.iter().map(String::as_str).collect();
    let quarters: Vec<Window> = (0..4i64)
        .rev()
        .map(|back| Window { since: now - (back + 1) * span, until: now - back * span + i64::from(back == 0) })
        .collect();
    let day = |ms: i64| library.local_date(crate::clock::Millis(ms)).to_string();
    let learning: Vec<Share> = learning::count(conn, &stories, &quarters, &who)?
        .into_iter()
        .zip(&quarters)
        .map(|((items, learned), w)| learning::share(day(w.since), day(w.until - 1), items, learned))
        .collect();
    lap("learning shares");
    let leads: BTreeSet<u32> =
        considered.iter().enumerate().filter(|(_, c)| c.role == "lead").map(|(i, _)| i as u32).collect();
    let test = groups::split_test(&graph, &previous, SEED);
    lap("circles (Louvain, 20 rewirings)");
    let found_bridges = bridges::bridges(&graph.adjacency(), &test.partition);
    lap("bridges (betweenness)");
    let found: Found = findings::find(
        library,
        &findings::Inputs {
            considered: &considered,
            graph: &graph,
            ledger: &ledger,
            learning: &learning,
            leads: &leads,
            window_days,
            test: &test,
            bridges: &found_bridges,
        },
    )?;
    lap("findings and picture");
    let (first_tie_days, newcomers_counted) = findings::first_tie(library, &stories, &considered)?;
    lap("newcomers' first exchanges");
    let mut findings = found.findings;
    findings.sort_by_key(|f| f.kind);
    let lead = viewer.is_lead;
    let picture = match lead {
        true => {
            let named = cap_weekly(library, &me, &mut findings)?;
            Some(marked_as_named(found.picture, &named))
        }
        false => {
            findings.retain(|f| for_members(f, considered.len()));
            findings.iter_mut().for_each(|f| f.people.clear());
            None
        }
    };
    let members = considered.len() as u32;
    let small = !lead && (members as usize) < MIN_GROUP;
    let connected = graph.connected().iter().filter(|c| **c).count() as u32;
    // For a member: a count of fewer than five people is not given (0 is).
    let shown = |n: u32| (lead || n == 0 || n as usize >= MIN_GROUP).then_some(n);
    let mut opportunities = ledger.spreads();
    let mut variety = ledger.variety();
    if !lead {
        for spread in &mut opportunities {
            spread.people = spread.people.and_then(shown);
            spread.half_from = spread.half_from.and_then(shown);
        }
        for bucket in [&mut variety.none, &mut variety.one, &mut variety.two, &mut variety.three_or_more] {
            *bucket = bucket.and_then(shown);
        }
    }
    let report = Report {
        window_days,
        as_lead: lead,
        members,
        connected: shown(members - connected).map(|_| connected),
        opted_out: shown(opted_out),
        me_opted_out,
        findings: if small { Vec::new() } else { findings },
        learning: if small { Vec::new() } else { learning },
        opportunities: if small { Vec::new() } else { opportunities },
        variety: if small { Variety::default() } else { variety },
        first_tie_days: shown(newcomers_counted).and(first_tie_days),
        newcomers_counted: shown(newcomers_counted),
        picture,
        audit: format!(
            "Computed on this laptop from what it holds: story responses and reactions, celebration messages, \
             initiatives and decisions, moments' who-was-there and what was learned, consented tags on photos \
             that are not hidden, gatherings attended and newcomers welcomed (the last {window_days} days and the \
             {window_days} before), and over the last year stories, hosting, initiative leads, highlights, signs \
             of membership and artefact credits, all as every member may see them (stories kept to a few, \
             hidden photos, tags not agreed to and signs kept private are left out). Care notes are never read. \
             Members who chose to be left out are in no tie or figure. Nothing here leaves this laptop."
        ),
    };
    lap("wording and caps");
    Ok((report, laps))
}

/// The members the report considers (with us, not former, not opted out), in id order; how
/// many opted out; whether `me` did.
fn considered(library: &Library, me: &str) -> Result<(Vec<Considered>, u32, bool)> {
    let today = library.today();
    let rows: Vec<(String, String, String, i64, bool)> = library
        .conn()
        .prepare(
            "SELECT id, role, joined_on, created_at, health_opt_out FROM members
             WHERE deleted = 0 AND role != 'alumni' ORDER BY id",
        )?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let me_opted_out = rows.iter().any(|r| r.0 == me && r.4);
    let opted_out = rows.iter().filter(|r| r.4).count() as u32;
    let considered = rows
        .into_iter()
        .filter(|r| !r.4)
        .map(|(id, role, joined, created, _)| {
            let date = chrono::NaiveDate::parse_from_str(&joined, "%Y-%m-%d")
                .unwrap_or_else(|_| library.local_date(crate::clock::Millis(created)));
            Considered { id, role, days: (today - date).num_days() }
        })
        .collect();
    Ok((considered, opted_out, me_opted_out))
}

/// The kinds a member who is not a lead may read: community figures about at least
/// [`MIN_GROUP`] people, never about a particular circle or person.
fn for_members(finding: &Finding, members: usize) -> bool {
    match finding.kind {
        FindingKind::HubAndSpoke | FindingKind::LearningSlide => members >= MIN_GROUP,
        // "Half of all hosting was done by 3 people" could point at those three.
        FindingKind::Concentrated => members >= MIN_GROUP && finding.count as usize >= MIN_GROUP,
        // A count of isolated members, once it is at least five people.
        FindingKind::Isolated => finding.count as usize >= MIN_GROUP,
        _ => false,
    }
}

/// This week's findings that named people, per lead, in `local_settings` (never synced): each
/// kind with the people it named.
#[derive(Debug, Default, Serialize, Deserialize)]
struct Named {
    week: String,
    kinds: Vec<(FindingKind, Vec<String>)>,
}

/// Keeps names on at most [`WEEKLY_SUGGESTIONS`] kinds of finding a week for this lead, and at
/// most [`MAX_PEOPLE`] people on each. A kind named earlier this week names only the people it
/// named then (another window or new data brings no new names until next week); a new kind is
/// named while there is room; the rest are held. Returns what is named this week.
fn cap_weekly(library: &Library, lead: &str, findings: &mut [Finding]) -> Result<Named> {
    use chrono::Datelike;
    let week = library.today().iso_week();
    let week = format!("{}-W{:02}", week.year(), week.week());
    let key = format!("health_named:{lead}");
    let stored: Option<String> =
        library.conn().query_row("SELECT value FROM local_settings WHERE key = ?1", [&key], |r| r.get(0)).ok();
    let mut named: Named = stored.and_then(|s| serde_json::from_str(&s).ok()).unwrap_or_default();
    if named.week != week {
        named = Named { week, kinds: Vec::new() };
    }
    for finding in findings.iter_mut().filter(|f| !f.people.is_empty()) {
        match named.kinds.iter().find(|(kind, _)| *kind == finding.kind) {
            Some((_, before)) => finding.people.retain(|p| before.contains(&p.id)),
            None if named.kinds.len() < WEEKLY_SUGGESTIONS => {
                finding.people.truncate(MAX_PEOPLE);
                named.kinds.push((finding.kind, finding.people.iter().map(|p| p.id.clone()).collect()));
            }
            None => finding.people.clear(),
        }
        finding.people.truncate(MAX_PEOPLE);
        finding.held = finding.people.is_empty();
    }
    // A read-only library keeps no record; the cap still holds within this report.
    let _ = library.conn().execute(
        "INSERT OR REPLACE INTO local_settings (key, value) VALUES (?1, ?2)",
        [key, serde_json::to_string(&named).expect("plain data serialises")],
    );
    Ok(named)
}

/// The picture with its marks (no exchange, a circle, a bridge) only on people named this week
/// under those findings, so the picture says no more than the capped findings do.
fn marked_as_named(mut picture: Picture, named: &Named) -> Picture {
    let under =
        |kind: FindingKind, id: &str| named.kinds.iter().any(|(k, ids)| *k == kind && ids.iter().any(|i| i == id));
    for node in &mut picture.nodes {
        let id = node.person.id.as_str();
        node.isolated &= under(FindingKind::Isolated, id);
        node.bridge &= under(FindingKind::Bridge, id);
        if !under(FindingKind::Split, id) {
            node.circle = None;
        }
    }
    picture
}
