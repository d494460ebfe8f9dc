//! `hearth bench health`: the full health report on a generated community (5,000 members and
//! 1,000,000 interactions by default) written straight into a real library's SQLite file, with
//! the time of each stage and the peak memory. Targets (the Community health issue): < 2 s and
//! < 500 MB on 2 cores.
//!
//! The community: members in neighbourhoods of 50 (85% of exchanges stay in one), stories and
//! their responses and reactions over the last half year, moments of 10 to 40 people, photos
//! with three people tagged, and gatherings attended.

use std::path::Path;

use rusqlite::params;

use crate::clock::{Clock, Stopwatch, SystemClock};
use crate::community::CommunityDraft;
use crate::error::Result;

/// A small deterministic generator (xorshift64*), so every run makes the same community.
struct Draw(u64);

impl Draw {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 33) as usize % n.max(1)
    }
}

/// Generates the community in a scratch folder (under `dir`, or the temporary folder), then times `rounds` reports as its first lead.
pub fn health(members: usize, interactions: usize, rounds: usize, dir: Option<&Path>) -> Result<()> {
    let folder = super::bench::scratch(dir, "health")?;
    std::fs::remove_dir(&folder).map_err(|e| crate::error::Error::io(&folder, e))?;
    let folder = folder.as_path();
    let watch = Stopwatch::start();
    let mut library =
        crate::community::create(folder, CommunityDraft::new("A large community", "hearth bench health"))?;
    let made = fill(&library, members, interactions)?;
    library.set_me("member-00000")?;
    drop(library);
    library = crate::store::library::Library::open(folder)?;
    println!("Generated {members} members and {made} interactions in {:.1} s ({})", watch.seconds(), folder.display());
    let base = super::bench::reset_peak_memory();
    let mut totals = Vec::new();
    for round in 0..rounds.max(1) {
        let watch = Stopwatch::start();
        let (report, laps) = crate::health::report::report_timed(&library, 90)?;
        let seconds = watch.seconds();
        totals.push(seconds);
        if round == 0 {
            for (stage, s) in &laps {
                println!("  {stage:<34} {:>7.0} ms", s * 1000.0);
            }
            println!(
                "  {} findings; {} of {} members connected; picture of {} people",
                report.findings.len(),
                report.connected.unwrap_or(0),
                report.members,
                report.picture.as_ref().map_or(0, |p| p.nodes.len())
            );
        }
    }
    totals.sort_by(f64::total_cmp);
    let peak = super::bench::peak_memory().zip(base).map(|(peak, base)| (peak.max(base), base));
    println!(
        "Full report: median {:.2} s, slowest {:.2} s over {} runs (target < 2 s); peak resident {} (target < 500 MB)",
        totals[totals.len() / 2],
        totals[totals.len() - 1],
        totals.len(),
        peak.map_or("not measured here".into(), |(peak, base)| format!(
            "{} MB ({} MB before the report)",
            peak / 1024,
            base / 1024
        ))
    );
    Ok(())
}

/// Writes members and about `interactions` interactions; returns how many were written.
fn fill(library: &crate::store::library::Library, members: usize, interactions: usize) -> Result<usize> {
    let conn = library.conn();
    let now = SystemClock.now().0;
    let mut draw = Draw(0x4845_414c_5448);
    let id = |i: usize| format!("member-{i:05}");
    // A member's neighbour: usually in their own neighbourhood of 50.
    let near = |draw: &mut Draw, i: usize| {
        if draw.below(100) < 85 {
            (i / 50 * 50 + draw.below(50)).min(members - 1)
        } else {
            draw.below(members)
        }
    };
    let when = |draw: &mut Draw| now - (draw.below(178 * 24) as i64 + 1) * 3_600_000;
    conn.execute_batch("BEGIN")?;
    let mut made = 0;
    {
        let mut member = conn.prepare(
            "INSERT INTO members (id, display_name, role, joined_on, created_at) VALUES (?1, ?2, ?3, ?4, 0)",
        )?;
        // One in ten a newcomer of the last year, so the newcomer watch has work to do.
        let today = chrono::DateTime::from_timestamp_millis(now).map(|t| t.date_naive()).unwrap_or_default();
        for i in 0..members {
            let (role, joined) = match i % 10 {
                _ if i % 100 == 0 => ("lead", "2022-01-01".to_owned()),
                3 => ("newcomer", (today - chrono::Duration::days((i % 300) as i64 + 20)).to_string()),
                _ => ("member", "2022-01-01".to_owned()),
            };
            member.execute(params![id(i), format!("Member {i}"), role, joined])?;
        }
        let stories_count = interactions / 20;
        let mut story = conn.prepare(
            "INSERT INTO stories (id, author, created_at, updated_at, title, kind) VALUES (?1, ?2, ?3, ?3, 'A story', ?4)",
        )?;
        let mut authors = Vec::with_capacity(stories_count);
        for s in 0..stories_count {
            let author = draw.below(members);
            authors.push(author);
            let kind = if s % 3 == 0 { "learning" } else { "personal" };
            story.execute(params![format!("story-{s:07}"), id(author), when(&mut draw), kind])?;
        }
        made += stories_count;
        let mut response = conn.prepare(
            "INSERT INTO story_responses (id, author, created_at, updated_at, story_id, body) VALUES (?1, ?2, ?3, ?3, ?4, 'Thank you')",
        )?;
        let mut reaction = conn.prepare(
            "INSERT INTO story_reactions (id, author, created_at, updated_at, story_id, reaction) VALUES (?1, ?2, ?3, ?3, ?4, 'heart')",
        )?;
        let pairwise = interactions * 8 / 10;
        for r in 0..pairwise {
            let s = draw.below(stories_count);
            let from = id(near(&mut draw, authors[s]));
            let at = when(&mut draw);
            if r % 3 == 0 {
                reaction.execute(params![format!("reaction-{r:07}"), from, at, format!("story-{s:07}")])?;
            } else {
                response.execute(params![format!("response-{r:07}"), from, at, format!("story-{s:07}")])?;
            }
        }
        made += pairwise;
        // Moments of 10 to 40 people, and gatherings attended, until the rest is used.
        let mut moment = conn.prepare(
            "INSERT INTO moments (id, author, created_at, updated_at, title, attendees, learned) VALUES (?1, ?2, ?3, ?3, 'A moment', ?4, ?5)",
        )?;
        let mut attended =
            conn.prepare("INSERT INTO attendance (id, created_at, ritual_id, occurrence_key, member_id, went) VALUES (?1, ?2, ?3, ?4, ?5, 1)")?;
        let mut m = 0;
        while made < interactions {
            let host = draw.below(members);
            let size = 10 + draw.below(31);
            let people: Vec<String> = (0..size).map(|_| id(near(&mut draw, host))).collect();
            let at = when(&mut draw);
            if m % 2 == 0 {
                let learned = if m % 4 == 0 { "What we learned" } else { "" };
                let attendees = serde_json::to_string(&people).expect("strings serialise");
                moment.execute(params![format!("moment-{m:06}"), id(host), at, attendees, learned])?;
            } else {
                for (k, person) in people.iter().enumerate() {
                    attended.execute(params![
                        format!("attended-{m:06}-{k}"),
                        at,
                        "ritual-1",
                        format!("g{m}"),
                        person
                    ])?;
                }
            }
            made += size;
            m += 1;
        }
    }
    conn.execute_batch("COMMIT")?;
    Ok(made)
}
