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
    let name = format!(
        "{} {year}",
        book.community.chars().filter(|c| !"/\\:*?\"<>|".contains(*c) && !c.is_control()).collect::<String>().trim()
    );
    // For the lead who edits the book: who is not in it enough yet, and who far more than most.
    if hearth::viewer::Viewer::me(&library)?.is_lead {
        let coverage = hearth::yearbook::coverage::coverage(&library, &book, goal)?;
        let list = |people: &[(hearth::people::members::Person, u32)]| {
            people.iter().map(|(p, n)| format!("{} ({n})", shown(&p.display_name))).collect::<Vec<_>>().join(", ")
        };
        if !coverage.below.is_empty() {
            out!("Not yet in the book {} times: {}.", coverage.goal, list(&coverage.below));
        }
        if !coverage.over.is_empty() {
            out!(
                "Shown five times the median ({:.0}) or more: {}; think of others too.",
                coverage.median,
                list(&coverage.over)
            );
        }
    }
    let written = html::write(&library, &book, &out, &name)?;
    out!(
        "Wrote the {} yearbook of {} ({} photos) to {}; open index.html in any browser.",
        year,
        shown(&book.community),
        written.photos,
        shown(&written.folder.display().to_string())
    );
    Ok(())
}
