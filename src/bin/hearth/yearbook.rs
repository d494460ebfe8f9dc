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
}

pub fn yearbook(YearbookArgs { library, year, out }: YearbookArgs) -> Result<()> {
    let library = Library::open(&library)?;
    let book = book::gather(&library, year)?;
    let name = format!(
        "{} {year}",
        book.community.chars().filter(|c| !"/\\:*?\"<>|".contains(*c) && !c.is_control()).collect::<String>().trim()
    );
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
