//! `hearth` subcommands: Community pulse.

use std::path::PathBuf;

use clap::Subcommand;

use hearth::pulse::rounds::{self, PulseAnswer, Round, RoundKind};
use hearth::pulse::tally;
use hearth::{Error, Library, Result};

use crate::{print_json, shown};

/// The community pulse: rounds in which members set the dimensions' sliders.
#[derive(clap::Args)]
pub struct PulseArgs {
    #[command(subcommand)]
    pub command: PulseCommand,
}

#[derive(Subcommand)]
pub enum PulseCommand {
    /// Open a round (leads): `--confidential` seals every answer to a key only this laptop holds.
    Open {
        /// The library: the folder holding hearth.db.
        library: PathBuf,
        /// A title for the round.
        #[arg(long, default_value = "")]
        title: String,
        /// How many days it stays open (1 to 90).
        #[arg(long, default_value_t = 21)]
        days: u32,
        /// Seal every answer to a key only this laptop holds: only the totals are kept, and only
        /// this laptop can close the round.
        #[arg(long)]
        confidential: bool,
        /// Print the round as JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Answer a round: three lines on standard input, now and wished-for (one value 0–10 per
    /// dimension, `?` for don't know, separated by commas) and a note, e.g.
    /// `printf '4,5,?,6,3,5,7\n8,5,6,9,3,5,7\nMore time to talk\n' | hearth pulse answer lib ID`.
    /// Read from standard input so that a confidential answer stays out of shell history and
    /// the process list.
    Answer {
        /// The library: the folder holding hearth.db.
        library: PathBuf,
        /// The round's id (as `hearth pulse show` shows it).
        round: String,
    },
    /// Close a round and publish its results (leads; a confidential one on the laptop that opened it).
    Close {
        /// The library: the folder holding hearth.db.
        library: PathBuf,
        /// The round's id (as `hearth pulse show` shows it).
        round: String,
        /// What the notes say, published only when ten or more wrote one.
        #[arg(long, default_value = "")]
        notes: String,
        /// Print the round and its results as JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Every round with its count of answers and, once closed, its results.
    Show {
        /// The library: the folder holding hearth.db.
        library: PathBuf,
        /// Print the rounds as JSON instead of text.
        #[arg(long)]
        json: bool,
    },
}

fn values(text: &str) -> Result<Vec<Option<u8>>> {
    text.split(',')
        .map(|v| match v.trim() {
            "?" => Ok(None),
            v => v
                .parse::<u8>()
                .ok()
                .filter(|n| *n <= 10)
                .map(Some)
                .ok_or_else(|| Error::invalid("answer", format!("{v:?}: give 0 to 10, or ? for don't know"))),
        })
        .collect()
}

pub fn pulse(PulseArgs { command }: PulseArgs) -> Result<()> {
    match command {
        PulseCommand::Open { library, title, days, confidential, json } => {
            let kind = if confidential { RoundKind::Confidential } else { RoundKind::Open };
            let round = rounds::open(&mut Library::open(&library)?, kind, &title, days)?;
            if json {
                print_json(&round);
            } else {
                print(&round);
            }
        }
        PulseCommand::Answer { library, round } => {
            let mut lines = std::io::stdin().lines().map_while(std::result::Result::ok);
            let mut next = || lines.next().unwrap_or_default();
            let (now, wished, note) = (next(), next(), next());
            let answer = PulseAnswer { now: values(&now)?, wished: values(&wished)?, note: note.trim().to_owned() };
            print(&rounds::answer(&mut Library::open(&library)?, &round, &answer)?);
        }
        PulseCommand::Close { library, round, notes, json } => {
            let round = tally::close(&mut Library::open(&library)?, &round, &notes)?;
            if json {
                print_json(&round);
            } else {
                print(&round);
            }
        }
        PulseCommand::Show { library, json } => {
            let all = rounds::list(&mut Library::open(&library)?)?;
            if json {
                print_json(&all);
            } else {
                all.iter().for_each(print);
            }
        }
    }
    Ok(())
}

fn print(round: &Round) {
    let kind = match round.kind {
        RoundKind::Open => "open: answers shown with names after the close",
        RoundKind::Confidential => "confidential: only totals are kept",
    };
    let state = if round.closed_at.is_some() { "closed" } else { "open now" };
    out!("{}  ({kind}; {state}; {} of {} answered)  {}", shown(&round.title), round.answered, round.members, round.id);
    let Some(results) = &round.results else { return };
    if results.too_few {
        out!("  too few answers to show (fewer than {})", results.threshold);
        return;
    }
    for d in &results.dimensions {
        let median = |s: &Option<hearth::pulse::stats::Spread>| {
            s.as_ref().map_or("too few".to_owned(), |s| format!("{:.1} ({:.1}–{:.1})", s.median, s.q1, s.q3))
        };
        out!("  {:<22} now {:<16} wished {}", shown(&d.name), median(&d.now), median(&d.wished));
    }
    if let (Some(most), Some(least)) = (&results.agree_most, &results.disagree_most) {
        out!("  agree most on {}, least on {}", shown(most), shown(least));
    }
    match (&results.groups.found, &results.groups.why_not) {
        (true, _) => out!(
            "  {} opinion groups: {}",
            results.groups.groups.len(),
            results.groups.groups.iter().map(|g| g.size.to_string()).collect::<Vec<_>>().join(" and ")
        ),
        (false, Some(why)) => out!("  opinion groups: {why}"),
        _ => {}
    }
}
