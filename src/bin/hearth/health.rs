//! `hearth` subcommands: Community health.

use std::path::PathBuf;

use clap::Subcommand;

use hearth::health::report;
use hearth::{Library, Result};

use crate::{print_json, shown};

/// Community health: findings in sentences, computed on this laptop and never synced.
#[derive(clap::Args)]
pub struct HealthArgs {
    #[command(subcommand)]
    pub command: HealthCommand,
}

#[derive(Subcommand)]
pub enum HealthCommand {
    /// The report for the last days (`--window 90`), as this laptop's member may read it.
    Report {
        /// The library: the folder holding hearth.db.
        library: PathBuf,
        /// Days, 7 to 365 (`90` or `90d`).
        #[arg(long, default_value = "90", value_parser = window_days)]
        window: u32,
        /// Print the report as JSON instead of sentences.
        #[arg(long)]
        json: bool,
    },
    /// Leaves the member at this laptop out of community health (`--back-in` to undo).
    OptOut {
        /// The library: the folder holding hearth.db.
        library: PathBuf,
        /// Come back into community health instead.
        #[arg(long)]
        back_in: bool,
    },
}

pub fn health(HealthArgs { command }: HealthArgs) -> Result<()> {
    match command {
        HealthCommand::Report { library, window, json } => {
            let report = report::report(&Library::open(&library)?, window)?;
            if json {
                print_json(&report);
                return Ok(());
            }
            print_report(&report);
        }
        HealthCommand::OptOut { library, back_in } => {
            let mut library = Library::open(&library)?;
            hearth::health::opt_out::set(&mut library, !back_in)?;
            out!(
                "{}",
                match back_in {
                    true => "You are back in community health from its next computation.",
                    false => "You are left out of community health: no tie, figure or finding about you from its next computation.",
                }
            );
        }
    }
    Ok(())
}

/// `90` or `90d`: a number of days from 7 to 365.
fn window_days(text: &str) -> std::result::Result<u32, String> {
    match text.trim().trim_end_matches('d').parse::<u32>() {
        Ok(days) if (7..=365).contains(&days) => Ok(days),
        _ => Err(format!("“{text}” is not a window: give a number of days from 7 to 365, such as 90 or 90d")),
    }
}

/// A count, or "fewer than 5" where a member may not read it.
fn count(n: Option<u32>) -> String {
    n.map_or("fewer than 5".into(), |n| n.to_string())
}

fn print_report(report: &report::Report) {
    out!(
        "The last {} days: {} of {} members with us had an exchange with someone (former members are not counted; \
         {} chose to be left out).",
        report.window_days,
        report.connected.map_or("most".into(), |n| n.to_string()),
        report.members,
        count(report.opted_out)
    );
    for finding in &report.findings {
        out!("- {}", shown(&finding.sentence));
        out!("  Evidence: {}", shown(&finding.evidence));
        out!("  Next step: {}", shown(&finding.next_step));
        if !finding.people.is_empty() {
            let names: Vec<String> = finding.people.iter().map(|p| shown(&p.display_name)).collect();
            out!("  (for the leads) {} of {}: {}", names.len(), finding.count, names.join(", "));
        }
        if finding.held {
            out!("  (names held until next week: names are shown on at most three kinds of finding a week)");
        }
    }
    if !report.learning.is_empty() {
        out!("Learning share of stories, responses and moments:");
    }
    for share in &report.learning {
        match (share.share, share.low, share.high) {
            (Some(s), Some(low), Some(high)) => out!(
                "  {} to {}: {:.0}% ({} of {}; 95% interval {:.0}–{:.0}%)",
                share.from,
                share.to,
                s * 100.0,
                share.learning,
                share.items,
                low * 100.0,
                high * 100.0
            ),
            _ => out!("  {} to {}: {} items, too few to say", share.from, share.to, share.items),
        }
    }
    if !report.opportunities.is_empty() {
        out!("Opportunities over the last year:");
    }
    for spread in &report.opportunities {
        out!(
            "  {}: {} in all, {} {}, half from {} (Gini {:.2})",
            spread.kind.noun(),
            spread.total,
            count(spread.people),
            if spread.people == Some(1) { "member" } else { "members" },
            count(spread.half_from),
            spread.gini
        );
    }
    let v = &report.variety;
    if !report.opportunities.is_empty() {
        out!(
            "Ways of taking part: {} in three or more, {} in two, {} in one, {} not yet.",
            count(v.three_or_more),
            count(v.two),
            count(v.one),
            count(v.none)
        );
    }
    // As the window shows it: a figure about three newcomers or more.
    if let Some(days) = report.first_tie_days.filter(|_| report.newcomers_counted.unwrap_or(0) >= 3) {
        let days = days.round();
        let when = match days {
            0.0 => "on the day they joined".to_string(),
            1.0 => "within 1 day of joining".to_string(),
            _ => format!("within {days:.0} days of joining"),
        };
        out!(
            "Half of the newcomers of the last year had a first exchange {when} ({} counted).",
            count(report.newcomers_counted)
        );
    }
    out!("{}", shown(&report.audit));
}
