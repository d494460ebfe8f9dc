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
}

pub fn health(HealthArgs { command }: HealthArgs) -> Result<()> {
    match command {
        HealthCommand::Report { library, window, json } => {
            let report = report::report(&Library::open(&library)?, window)?;
            if json {
                print_json(&report);
                return Ok(());
            }
            out!(
                "The last {} days: {} of {} members had an exchange with someone.",
                report.window_days,
                report.connected,
                report.members
            );
            for finding in &report.findings {
                out!("- {}", shown(&finding.sentence));
                out!("  Evidence: {}", shown(&finding.evidence));
                out!("  Next step: {}", shown(&finding.next_step));
                if !finding.people.is_empty() {
                    let names: Vec<String> = finding.people.iter().map(|p| shown(&p.display_name)).collect();
                    out!("  (for the leads) {}", names.join(", "));
                }
            }
            out!("{}", shown(&report.audit));
        }
    }
    Ok(())
}
