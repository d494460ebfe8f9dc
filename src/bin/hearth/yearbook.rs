//! `hearth yearbook`: the community's year as a self-contained folder.

use std::path::PathBuf;

use hearth::yearbook::{book, html};
use hearth::{Library, Result};

use crate::shown;

#[derive(clap::Args)]
pub struct YearbookArgs {
    library: PathBuf,
    /// The year, such as 2025.
    #[arg(value_parser = clap::value_parser!(i32).range(1900..=2200))]
    year: i32,
    /// The folder to write the book into (a new folder is made inside it).
    #[arg(long)]
    out: PathBuf,
    /// For a lead: how many times every consenting member should appear (default 2).
    #[arg(long, default_value_t = hearth::yearbook::coverage::GOAL)]
    goal: u32,
}

pub fn yearbook(YearbookArgs { library, year, out, goal }: YearbookArgs) -> Result<()> {
    let library = Library::open(&library)?;
    let book = book::gather(&library, year)?;
    // A folder name every file browser shows: no separators, no leading dot or space.
    let cleaned: String = book.community.chars().filter(|c| !"/\\:*?\"<>|".contains(*c) && !c.is_control()).collect();
    let cleaned = cleaned.trim().trim_start_matches('.').trim();
    let name = if cleaned.is_empty() { format!("Yearbook {year}") } else { format!("{cleaned} {year}") };
    let written = html::write(&library, &book, &out, &name)?;
    // For the lead who edits the book: who is not in it enough yet, and who far more than most
    // (names only, by name: no counts to compare).
    if hearth::viewer::Viewer::me(&library)?.is_lead {
        let coverage = hearth::yearbook::coverage::coverage(&library, &book, goal)?;
        let names = |people: &[(hearth::people::members::Person, u32)]| {
            people.iter().map(|(p, _)| shown(&p.display_name)).collect::<Vec<_>>().join(", ")
        };
        if !coverage.below.is_empty() {
            out!(
                "{} {} in the book fewer than {goal} times (photos they agreed to be tagged in, or their name): {}.",
                coverage.below.len(),
                if coverage.below.len() == 1 { "member is" } else { "members are" },
                names(&coverage.below)
            );
        }
        if !coverage.over.is_empty() {
            out!(
                "In the book five times as often as most members, or more: {}; think of others too.",
                names(&coverage.over)
            );
        }
    }
    out!(
        "Wrote the {} yearbook of {} ({} photos) to {}; open index.html in any browser.",
        year,
        shown(&book.community),
        written.photos,
        shown(&written.folder.display().to_string())
    );
    Ok(())
}
