//! `hearth` subcommands: Founding, the demo and library info.

use std::path::PathBuf;

use hearth::community::{self, CommunityDraft};
use hearth::people::members::MemberDraft;
use hearth::{dev::demo, Library, Result};

use crate::print_json;

/// Create a new library (a folder) holding a new community.
#[derive(clap::Args)]
pub struct InitArgs {
    /// The new library's folder (it must not exist yet, or be an empty folder).
    pub library: PathBuf,
    /// The community's name.
    #[arg(long)]
    pub name: String,
    /// What the community is, in a sentence or two.
    #[arg(long, default_value = "")]
    pub description: String,
    /// Your own display name: creates your member profile, as the community's first lead.
    #[arg(long)]
    pub me: Option<String>,
}

pub fn init(InitArgs { library, name, description, me }: InitArgs) -> Result<()> {
    let draft = CommunityDraft::new(&name, &description);
    match me {
        Some(me) => community::found(&library, draft, MemberDraft::named(&me))?,
        None => community::create(&library, draft)?,
    };
    out!("Created {:?} in {}", name.trim(), library.display());
    Ok(())
}

/// Create the deterministic demo community in a new folder.
#[derive(clap::Args)]
pub struct DemoArgs {
    /// The new library's folder (it must not exist yet, or be an empty folder).
    pub library: PathBuf,
}

pub fn demo(DemoArgs { library }: DemoArgs) -> Result<()> {
    let lib = demo::create_demo(&library)?;
    let info = community::info(&lib)?;
    out!(
        "Created the demo community {:?} with {} members in {}",
        info.community.name,
        info.member_count,
        library.display()
    );
    Ok(())
}

/// Show what a library holds.
#[derive(clap::Args)]
pub struct InfoArgs {
    /// The library: the folder holding hearth.db.
    pub library: PathBuf,
    /// Print what it holds as JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

pub fn info(InfoArgs { library, json }: InfoArgs) -> Result<()> {
    let info = community::info(&Library::open(&library)?)?;
    if json {
        print_json(&info);
    } else {
        out!("{}\n{}", info.community.name, info.community.description);
        out!("Library:  {} (version {})", info.path, info.library_version);
        out!("Members:  {}", info.member_count);
        match &info.me {
            Some(me) => out!("You are:  {}", me.display_name),
            None => out!("You are:  not chosen yet on this device"),
        }
        if let Some(reason) = &info.read_only {
            out!("Read-only: {reason}");
        }
        out!("Dimensions:");
        for d in &info.dimensions {
            out!("  {}. {}", d.number, d.name);
        }
    }
    Ok(())
}
