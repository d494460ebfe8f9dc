//! `hearth` subcommands: Rituals.

use std::path::PathBuf;

use clap::Subcommand;

use hearth::clock::cadence::{Cadence, WeekOfMonth};
use hearth::convene::rituals::{self, Answer, Ritual, RitualDraft};
use hearth::{Error, Library, Result};

use crate::{find_member, print_json, shown};

/// Rituals and their gatherings: when they meet, RSVPs, the calendar.
#[derive(clap::Args)]
pub struct RitualsArgs {
    #[command(subcommand)]
    pub command: RitualsCommand,
}

#[derive(Subcommand)]
pub enum RitualsCommand {
    /// Every ritual, the next gathering first.
    List {
        /// The library: the folder holding hearth.db.
        library: PathBuf,
        /// Print the rituals as JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// One ritual and its next gatherings (with this laptop's member's answers and the counts).
    Show {
        /// The library: the folder holding hearth.db.
        library: PathBuf,
        /// The ritual's id (as `hearth rituals list` shows it).
        ritual: String,
        /// Print the ritual as JSON instead of text.
        #[arg(long)]
        json: bool,
        /// Print the next gatherings as iCalendar instead (stable UIDs, for calendar apps).
        #[arg(long)]
        ics: bool,
    },
    /// Start a ritual as this laptop's member.
    Create {
        /// The library: the folder holding hearth.db.
        library: PathBuf,
        /// The ritual's name.
        #[arg(long)]
        name: String,
        /// `weekly:<weekday>`, `every-weeks:<2-4>:<weekday>`, `monthly-day:<1-31>`,
        /// `monthly-weekday:<first|second|third|fourth|last>:<weekday>` or `yearly:<MM-DD>`;
        /// weekdays 1 (Monday) to 7 (Sunday).
        #[arg(long)]
        cadence: String,
        /// Local time it begins, HH:MM.
        #[arg(long, default_value = "19:00")]
        at: String,
        /// IANA time zone, e.g. Europe/Paris.
        #[arg(long)]
        zone: String,
        /// First date it may meet, YYYY-MM-DD.
        #[arg(long)]
        starts: String,
        /// How long it lasts, in minutes (5 to 1440).
        #[arg(long, default_value_t = 120)]
        minutes: u32,
        /// Why you do it (Markdown).
        #[arg(long, default_value = "")]
        why: String,
        /// Where it meets.
        #[arg(long, default_value = "")]
        place: String,
        /// A custom ("the first toast is for the newest member"); repeat for more.
        #[arg(long = "custom")]
        customs: Vec<String>,
        /// Print the new ritual as JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Answer for one gathering (named by its date key), or with --following for it and all later.
    Rsvp {
        /// The library: the folder holding hearth.db.
        library: PathBuf,
        /// The ritual's id (as `hearth rituals list` shows it).
        ritual: String,
        /// The gathering, named by its usual date, YYYY-MM-DD (as `hearth rituals show` lists it, even when moved).
        occurrence: String,
        /// going, maybe or not-going.
        answer: String,
        /// Give this answer for this gathering and every later one.
        #[arg(long)]
        following: bool,
        /// How many guests you bring (0 to 20).
        #[arg(long, default_value_t = 0)]
        guests: u32,
        /// A note for the leads and the host (sealed to them).
        #[arg(long, default_value = "")]
        note: String,
    },
    /// Record who went to a past gathering: this laptop's member (default), `--member <MEMBER>`
    /// (the ritual's starter, the leads and the gathering's host), or `--confirm-proposed` (whom
    /// its moment proposes).
    Attend {
        /// The library: the folder holding hearth.db.
        library: PathBuf,
        /// The ritual's id (as `hearth rituals list` shows it).
        ritual: String,
        /// The gathering, named by its usual date, YYYY-MM-DD (as `hearth rituals show` lists it, even when moved).
        occurrence: String,
        /// Record this member (id or display name) instead of you (the ritual's starter, the leads and the
        /// gathering's host may).
        #[arg(long)]
        member: Option<String>,
        /// Record that they did not go.
        #[arg(long)]
        not: bool,
        /// Record as gone everyone the gathering's moment says was there, from its who-was-there list
        /// and photo tags (the ritual's starter, the leads and the gathering's host may).
        #[arg(long)]
        confirm_proposed: bool,
    },
    /// Mix the tables of a gathering from those going (leads and the gathering's host).
    Tables {
        /// The library: the folder holding hearth.db.
        library: PathBuf,
        /// The ritual's id (as `hearth rituals list` shows it).
        ritual: String,
        /// The gathering, named by its usual date, YYYY-MM-DD (as `hearth rituals show` lists it, even when moved).
        occurrence: String,
        /// How many people a table seats (2 to 20).
        #[arg(long, default_value_t = 8)]
        size: u32,
        /// Another number mixes the tables another way; the same number gives the same tables.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Print the tables as JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Move one gathering (--to YYYY-MM-DDTHH:MM), cancel it (--cancel) or put it back.
    Occurrence {
        /// The library: the folder holding hearth.db.
        library: PathBuf,
        /// The ritual's id (as `hearth rituals list` shows it).
        ritual: String,
        /// The gathering, named by its usual date, YYYY-MM-DD (as `hearth rituals show` lists it, even when moved).
        occurrence: String,
        /// Move it to this date and time, YYYY-MM-DDTHH:MM in the ritual's time zone (`--to ''`: back to
        /// its usual time).
        #[arg(long)]
        to: Option<String>,
        /// Cancel it (without this flag, a cancelled gathering is restored).
        #[arg(long)]
        cancel: bool,
    },
}

pub fn rituals(RitualsArgs { command }: RitualsArgs) -> Result<()> {
    match command {
        RitualsCommand::List { library, json } => {
            let lib = Library::open(&library)?;
            let all = rituals::list(&lib)?;
            if json {
                print_json(&all);
            } else {
                for ritual in all {
                    let next = ritual.upcoming.iter().find(|g| !g.occurrence.cancelled);
                    let when = next.map_or("no gathering ahead".to_owned(), |g| g.occurrence.local.replace('T', " "));
                    out!("{:<32} next: {:<18} {}", shown(&ritual.draft.name), when, ritual.id);
                }
            }
        }
        RitualsCommand::Show { library, ritual, json, ics } => {
            let lib = Library::open(&library)?;
            let ritual = rituals::get(&lib, &ritual)?;
            if ics {
                crate::write_text(&rituals::to_ics(&ritual, lib.now()));
            } else if json {
                print_json(&ritual);
            } else {
                print_ritual(&ritual);
            }
        }
        RitualsCommand::Create { library, name, cadence, at, zone, starts, minutes, why, place, customs, json } => {
            let mut lib = Library::open(&library)?;
            let draft = RitualDraft {
                name,
                why,
                origin: String::new(),
                origin_moment: None,
                customs,
                place,
                zone,
                cadence: parse_cadence(&cadence)?,
                starts,
                at,
                minutes,
            };
            let ritual = rituals::create(&mut lib, draft)?;
            if json {
                print_json(&ritual);
            } else {
                print_ritual(&ritual);
            }
        }
        RitualsCommand::Rsvp { library, ritual, occurrence, answer, following, guests, note } => {
            let mut lib = Library::open(&library)?;
            let answer = match answer.as_str() {
                "going" => Answer::Going,
                "maybe" => Answer::Maybe,
                "not-going" | "not_going" => Answer::NotGoing,
                other => return Err(Error::invalid("answer", format!("{other:?}: answer going, maybe or not-going"))),
            };
            let ritual = rituals::rsvp(&mut lib, &ritual, &occurrence, answer, following, guests, &note)?;
            print_ritual(&ritual);
        }
        RitualsCommand::Attend { library, ritual, occurrence, member, not, confirm_proposed } => {
            let mut lib = Library::open(&library)?;
            let ritual = match confirm_proposed {
                true => rituals::confirm_proposed(&mut lib, &ritual, &occurrence)?,
                false => {
                    let member = match member {
                        Some(member) => find_member(&lib, &member)?,
                        None => lib.me()?.ok_or(Error::NoIdentity)?,
                    };
                    rituals::record_attendance(&mut lib, &ritual, &occurrence, &member, Some(!not))?
                }
            };
            for past in ritual.past.iter().filter(|p| p.occurrence.key == occurrence) {
                let names: Vec<String> = past.went.iter().map(|p| shown(&p.display_name)).collect();
                out!("{}  {} went: {}", past.occurrence.key, names.len(), names.join(", "));
            }
        }
        RitualsCommand::Tables { library, ritual, occurrence, size, seed, json } => {
            let lib = Library::open(&library)?;
            let plan = rituals::mix_tables(&lib, &ritual, &occurrence, size, seed)?;
            if json {
                print_json(&plan);
            } else {
                out!("{} of {} pairs sitting together have not met yet", plan.new_pairs, plan.pairs);
                for (i, table) in plan.tables.iter().enumerate() {
                    let names: Vec<String> = table.people.iter().map(|p| shown(&p.display_name)).collect();
                    out!("Table {}: {}", i + 1, names.join(", "));
                    for reason in &table.reasons {
                        out!("  {reason}");
                    }
                }
            }
        }
        RitualsCommand::Occurrence { library, ritual, occurrence, to, cancel } => {
            let mut lib = Library::open(&library)?;
            let ritual = rituals::change_occurrence(&mut lib, &ritual, &occurrence, to.as_deref(), cancel)?;
            print_ritual(&ritual);
        }
    }
    Ok(())
}

fn print_ritual(ritual: &Ritual) {
    out!("{}  ({})", shown(&ritual.draft.name), ritual.id);
    for gathering in &ritual.upcoming {
        let o = &gathering.occurrence;
        let state = match (o.cancelled, o.moved) {
            (true, _) => " (cancelled)",
            (false, true) => " (moved)",
            _ => "",
        };
        let mine = match gathering.my_answer {
            Some(Answer::Going) => "you: going",
            Some(Answer::Maybe) => "you: maybe",
            Some(Answer::NotGoing) => "you: not going",
            None => "",
        };
        out!(
            "  {}  {}{}{state}  {} going (+{} guests), {} maybe  {mine}",
            o.key,
            o.local.replace('T', " "),
            o.offset,
            gathering.going,
            gathering.guests,
            gathering.maybe
        );
        if !gathering.who_is_going.is_empty() {
            let names: Vec<String> = gathering.who_is_going.iter().map(|p| shown(&p.display_name)).collect();
            out!("      going: {}", names.join(", "));
        }
    }
}

/// The CLI's short form of a cadence (see `Create --cadence`).
fn parse_cadence(text: &str) -> Result<Cadence> {
    let bad = || Error::invalid("cadence", format!("{text:?}: see `hearth rituals create --help` for the forms"));
    let parts: Vec<&str> = text.trim().split(':').collect();
    let number = |part: Option<&&str>| part.and_then(|p| p.parse::<u8>().ok()).ok_or_else(bad);
    let cadence = match parts.first().copied() {
        Some("weekly") => Cadence::Weekly { weekday: number(parts.get(1))? },
        Some("every-weeks") => Cadence::EveryWeeks { weeks: number(parts.get(1))?, weekday: number(parts.get(2))? },
        Some("monthly-day") => Cadence::MonthlyOnDay { day: number(parts.get(1))? },
        Some("monthly-weekday") => {
            let week = match parts.get(1).copied() {
                Some("first") => WeekOfMonth::First,
                Some("second") => WeekOfMonth::Second,
                Some("third") => WeekOfMonth::Third,
                Some("fourth") => WeekOfMonth::Fourth,
                Some("last") => WeekOfMonth::Last,
                _ => return Err(bad()),
            };
            Cadence::MonthlyOnWeekday { week, weekday: number(parts.get(2))? }
        }
        Some("yearly") => {
            let (month, day) = parts.get(1).and_then(|d| d.split_once('-')).ok_or_else(bad)?;
            Cadence::Yearly { month: month.parse().map_err(|_| bad())?, day: day.parse().map_err(|_| bad())? }
        }
        _ => return Err(bad()),
    };
    cadence.validated()
}
