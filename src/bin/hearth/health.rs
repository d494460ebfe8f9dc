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
        library: PathBuf,
        #[arg(long, default_value_t = 90)]
        window: u32,
        #[arg(long)]
        json: bool,
    },
    /// Leaves the member at this laptop out of community health (`--back-in` to undo).
    OptOut {
        library: PathBuf,
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

fn print_report(report: &report::Report) {
    out!(
        "The last {} days: {} of {} members had an exchange with someone ({} left themselves out).",
        report.window_days,
        report.connected,
        report.members,
        report.opted_out
    );
    for finding in &report.findings {
        out!("- {}", shown(&finding.sentence));
        out!("  Evidence: {}", shown(&finding.evidence));
        out!("  Next step: {}", shown(&finding.next_step));
        if !finding.people.is_empty() {
            let names: Vec<String> = finding.people.iter().map(|p| shown(&p.display_name)).collect();
            out!("  (for the leads) {}", names.join(", "));
        }
        if finding.held {
            out!("  (names held until next week: at most three suggestions about people a week)");
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
            "  {}: {} in all, {} members, half from {} (Gini {:.2})",
            spread.kind.noun(),
            spread.total,
            spread.people,
            spread.half_from,
            spread.gini
        );
    }
    let v = &report.variety;
    if !report.opportunities.is_empty() {
        out!(
            "Ways of taking part: {} members in three or more, {} in two, {} in one, {} not yet.",
            v.three_or_more,
            v.two,
            v.one,
            v.none
        );
    }
    if let Some(days) = report.first_tie_days {
        out!("Newcomers of the last year met someone after {days:.0} days (median of {}).", report.newcomers_counted);
    }
    out!("{}", shown(&report.audit));
}
