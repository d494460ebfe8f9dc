//! `hearth yearbook`: the community's year as a self-contained folder, and a PDF with `--pdf`.

use std::io::Write as _;
use std::path::PathBuf;
use std::sync::atomic::AtomicBool;

use hearth::yearbook::export::{self, Stage};
use hearth::yearbook::{book, coverage, primer as guide};
use hearth::{Library, Result};

use crate::shown;

#[derive(clap::Args)]
pub struct YearbookArgs {
    /// The library: the folder holding hearth.db.
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
    /// Your personal copy (your name or member id): your own pages and the signatures you
    /// approved are added. Only your laptop holds them.
    #[arg(long = "as")]
    as_member: Option<String>,
}

#[derive(clap::Args)]
pub struct PrimerArgs {
    /// The library: the folder holding hearth.db.
    library: PathBuf,
    /// The folder to write the guide into (a new folder is made inside it).
    #[arg(long)]
    out: Option<PathBuf>,
    /// Also typeset the guide as a PDF, in the same folder.
    #[arg(long)]
    pdf: bool,
    /// For a lead: the stories (ids, at most 5, comma-separated) newcomers should read first.
    #[arg(long, value_delimiter = ',')]
    stories: Option<Vec<String>>,
    /// Offer (yes) or stop offering (no) to welcome newcomers: your name is in the guide.
    #[arg(long, value_parser = ["yes", "no"])]
    welcome: Option<String>,
}

pub fn primer(PrimerArgs { library, out, pdf, stories, welcome }: PrimerArgs) -> Result<()> {
    let mut library = Library::open(&library)?;
    if let Some(ids) = stories {
        let ids: Vec<String> = ids.into_iter().map(|id| id.trim().to_owned()).filter(|id| !id.is_empty()).collect();
        guide::choose_stories(&mut library, &ids)?;
        out!("The guide's stories: {} chosen.", ids.len());
    }
    if let Some(welcome) = welcome {
        guide::offer_to_welcome(&mut library, welcome == "yes")?;
        out!(
            "{}",
            if welcome == "yes" {
                "You are in the guide as someone who welcomes newcomers."
            } else {
                "You are no longer in the guide as a welcomer."
            }
        );
    }
    let Some(out) = out else { return Ok(()) };
    let book = guide::gather(&library)?;
    let created = library.now().to_utc();
    let Some(written) =
        export::export(library.root(), &book, &out, pdf, created, &AtomicBool::new(false), &stage_lines())?
    else {
        return Ok(());
    };
    out!(
        "Wrote the newcomers' guide of {} to {}; open index.html in any browser{}.",
        shown(&book.community),
        shown(&written.folder.display().to_string()),
        if written.pdf.is_some() { ", or the PDF beside it" } else { "" }
    );
    Ok(())
}

/// Progress as one line per stage on the terminal's error stream, so the output stays readable.
fn stage_lines() -> impl Fn(export::Progress) + Sync {
    let last = std::sync::Mutex::new(None);
    move |p: export::Progress| {
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
    }
}

pub fn yearbook(YearbookArgs { library, year, out, pdf, goal, as_member }: YearbookArgs) -> Result<()> {
    let library = Library::open(&library)?;
    let mut book = book::gather(&library, year)?;
    if let Some(who) = as_member {
        let everyone = hearth::people::members::list(library.conn(), &hearth::viewer::Viewer::me(&library)?)?;
        let member = everyone
            .iter()
            .find(|m| m.id == who || m.display_name.eq_ignore_ascii_case(who.trim()))
            .ok_or_else(|| hearth::Error::invalid("as", format!("no member is called {}", shown(&who))))?;
        book = hearth::yearbook::personal::personal_copy(&library, book, &member.id)?;
    }
    let created = library.now().to_utc();
    let progress = stage_lines();
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
