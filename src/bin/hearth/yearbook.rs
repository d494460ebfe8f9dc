//! `hearth yearbook`: the community's year as a self-contained folder, and a PDF with `--pdf`.

use std::io::Write as _;
use std::path::PathBuf;
use std::sync::atomic::AtomicBool;

use hearth::yearbook::export::{self, Stage};
use hearth::yearbook::{book, coverage};
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
    /// Also typeset the book as a PDF, in the same folder.
    #[arg(long)]
    pdf: bool,
    /// For a lead: how many times every consenting member should appear (default 2).
    #[arg(long, default_value_t = coverage::GOAL)]
    goal: u32,
}

pub fn yearbook(YearbookArgs { library, year, out, pdf, goal }: YearbookArgs) -> Result<()> {
    let library = Library::open(&library)?;
    let book = book::gather(&library, year)?;
    let created = library.now().to_utc();
    let last = std::sync::Mutex::new(None);
    let progress = |p: export::Progress| {
        // One line per stage on the terminal's error stream, so the output stays readable.
        let mut last = last.lock().unwrap_or_else(|e| e.into_inner());
        if *last != Some(p.stage) {
            *last = Some(p.stage);
            let line = match p.stage {
                Stage::Photos => format!("Copying {} photos…", p.total),
                Stage::PdfPhotos => format!("Preparing {} photos for the PDF…", p.total),
                Stage::Typesetting => "Typesetting the PDF…".to_owned(),
            };
            let _ = writeln!(std::io::stderr(), "{line}");
        }
    };
    let Some(written) = export::export(library.root(), &book, &out, pdf, created, &AtomicBool::new(false), &progress)?
    else {
        return Ok(());
    };
    // For the lead who edits the book: who is not in it enough yet, and who far more than most
    // (names only, by name: no counts to compare).
    if hearth::viewer::Viewer::me(&library)?.is_lead {
        let coverage = coverage::coverage(&library, &book, goal)?;
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
        "Wrote the {} yearbook of {} ({} photos) to {}; open index.html in any browser{}.",
        year,
        shown(&book.community),
        written.photos,
        shown(&written.folder.display().to_string()),
        if written.pdf.is_some() { ", or the PDF beside it" } else { "" }
    );
    Ok(())
}
