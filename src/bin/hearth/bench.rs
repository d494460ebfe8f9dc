//! `hearth` subcommands: Benchmarks.

use std::path::PathBuf;

use clap::Subcommand;

use hearth::dev::bench;
use hearth::Result;

/// Benchmarks that print a comparison.
#[derive(clap::Args)]
pub struct BenchArgs {
    #[command(subcommand)]
    pub command: BenchCommand,
}

pub fn bench(BenchArgs { command }: BenchArgs) -> Result<()> {
    match command {
        BenchCommand::Import { files, rounds, dir } => bench::import(files, rounds.max(1), dir.as_deref())?,
        BenchCommand::Fill { library, media, tags } => bench::fill(&library, media, tags)?,
        BenchCommand::Upload { files, megabytes, rounds, endpoint, dir } => {
            bench::upload(files, megabytes, rounds.max(1), endpoint.as_deref(), dir.as_deref())?
        }
        BenchCommand::Merge { ops, dir } => bench::merge(ops, dir.as_deref())?,
        BenchCommand::Gallery { media, tags, page, dir } => bench::gallery(media, tags, page, dir.as_deref())?,
        BenchCommand::Decode { megapixels } => bench::decode(megapixels)?,
        BenchCommand::Tables { people, size, rounds } => bench::tables(people, size, rounds)?,
        BenchCommand::Pulse { respondents, rounds } => hearth::dev::pulse_bench::pulse(respondents, rounds)?,
        BenchCommand::Health { members, interactions, rounds, dir } => {
            hearth::dev::health_bench::health(members, interactions, rounds, dir.as_deref())?
        }
        BenchCommand::Yearbook { photos, dir } => hearth::dev::yearbook_bench::yearbook(photos, dir.as_deref())?,
        BenchCommand::Startup { app, media, rounds, no_scroll, dir } => {
            hearth::dev::startup_bench::startup(app.as_deref(), media, rounds, !no_scroll, dir.as_deref())?
        }
    }
    Ok(())
}

#[derive(Subcommand)]
pub enum BenchCommand {
    /// Import 12 MP JPEGs against vipsthumbnail making the same two sizes.
    Import {
        /// How many photos each round imports.
        #[arg(long, default_value_t = 24)]
        files: usize,
        /// How many times the import is timed (the median is reported).
        #[arg(long, default_value_t = 3)]
        rounds: usize,
        /// Scratch folder (default: `hearth-bench` in the system's temporary folder); the
        /// benchmark's own subfolders in it are emptied first.
        #[arg(long)]
        dir: Option<PathBuf>,
    },
    /// Media upload to an S3 server against `rclone copy` of the same files.
    Upload {
        /// How many files each round uploads.
        #[arg(long, default_value_t = 24)]
        files: usize,
        /// Size of each file in MB.
        #[arg(long, default_value_t = 4)]
        megabytes: usize,
        /// How many times the upload is timed, against as many `rclone copy` runs.
        #[arg(long, default_value_t = 2)]
        rounds: usize,
        /// An S3 endpoint to use instead of starting moto_server on loopback.
        #[arg(long)]
        endpoint: Option<String>,
        /// Scratch folder (default: `hearth-bench` in the system's temporary folder); the
        /// benchmark's own subfolders in it are emptied first.
        #[arg(long)]
        dir: Option<PathBuf>,
    },
    /// Merge of 100,000 ops from another device.
    Merge {
        /// How many ops the other device wrote.
        #[arg(long, default_value_t = 100_000)]
        ops: usize,
        /// Scratch folder (default: `hearth-bench` in the system's temporary folder); the
        /// benchmark's own subfolders in it are emptied first.
        #[arg(long)]
        dir: Option<PathBuf>,
    },
    /// Create a large library (default 100,000 media) to try the gallery in the window.
    Fill {
        /// Folder of the new library (it must not hold a library already).
        library: PathBuf,
        /// How many photos and videos the gallery holds (60 real pictures, repeated).
        #[arg(long, default_value_t = 100_000)]
        media: usize,
        /// How many tags are spread over them, as people tagged in photos.
        #[arg(long, default_value_t = 0)]
        tags: usize,
    },
    /// Peak memory of decoding one large image of each kind (PNG, 16-bit, TIFF, JPEG).
    Decode {
        /// Size of each image, in megapixels.
        #[arg(long, default_value_t = 48)]
        megapixels: u32,
    },
    /// Tally a pulse round of many respondents, opinion groups included (target: 500 in < 100 ms).
    Pulse {
        /// How many members answer the round.
        #[arg(long, default_value_t = 500)]
        respondents: usize,
        /// How many times the tally is timed.
        #[arg(long, default_value_t = 20)]
        rounds: usize,
    },
    /// The full health report on a generated community (target: 5,000 members and 1,000,000
    /// interactions in < 2 s and < 500 MB).
    Health {
        /// How many members the generated community has.
        #[arg(long, default_value_t = 5_000)]
        members: usize,
        /// How many interactions link them (responses and reactions to stories, moments shared,
        /// photos tagged together, gatherings attended).
        #[arg(long, default_value_t = 1_000_000)]
        interactions: usize,
        /// How many times the report is timed, on the same community.
        #[arg(long, default_value_t = 3)]
        rounds: usize,
        /// Scratch folder (default: `hearth-bench` in the system's temporary folder); the
        /// benchmark's own subfolders in it are emptied first.
        #[arg(long)]
        dir: Option<PathBuf>,
    },
    /// The yearbook of a year of photos, as its HTML folder and its PDF (target: 2,000 photos
    /// in < 30 s and < 90 s, under 1 GB).
    Yearbook {
        /// How many photos the year holds.
        #[arg(long, default_value_t = 2_000)]
        photos: usize,
        /// Scratch folder (default: `hearth-bench` in the system's temporary folder); the
        /// benchmark's own subfolders in it are emptied first.
        #[arg(long)]
        dir: Option<PathBuf>,
    },
    /// Start-up and memory of the window: first interactive Home on the demo and on a large
    /// library, memory after opening and after scrolling the whole gallery (targets: < 1 s,
    /// < 1.5 s at 100,000 media, < 300 MB proportional). Needs the built window (a release
    /// build, as `make package` makes) and a display: `xvfb-run -a hearth bench startup`.
    Startup {
        /// The window's program (default: `hearth-desktop` beside this one).
        #[arg(long)]
        app: Option<PathBuf>,
        /// Media in the large library.
        #[arg(long, default_value_t = 100_000)]
        media: usize,
        /// How many times each library is started and measured at rest (each start is a new
        /// process; the file cache stays warm); unless --no-scroll, one more start then scrolls
        /// the whole gallery.
        #[arg(long, default_value_t = 3)]
        rounds: usize,
        /// Measure the start only, without scrolling the gallery.
        #[arg(long)]
        no_scroll: bool,
        /// Scratch folder (default: `hearth-bench` in the system's temporary folder); the
        /// benchmark's own subfolders in it are emptied first.
        #[arg(long)]
        dir: Option<PathBuf>,
    },
    /// Mixing the tables of a gathering (120 people at tables of 8).
    Tables {
        /// How many people come to the gathering.
        #[arg(long, default_value_t = 120)]
        people: usize,
        /// Seats at each table.
        #[arg(long, default_value_t = 8)]
        size: usize,
        /// How many times the mixing is timed.
        #[arg(long, default_value_t = 20)]
        rounds: usize,
    },
    /// Gallery page queries at 100,000 media and 1,000,000 tags.
    Gallery {
        /// How many photos and videos the gallery holds.
        #[arg(long, default_value_t = 100_000)]
        media: usize,
        /// How many tags are spread over them.
        #[arg(long, default_value_t = 1_000_000)]
        tags: usize,
        /// Items per page (the window loads 60 at a time).
        #[arg(long, default_value_t = 60)]
        page: u32,
        /// Scratch folder (default: `hearth-bench` in the system's temporary folder); the
        /// benchmark's own subfolders in it are emptied first.
        #[arg(long)]
        dir: Option<PathBuf>,
    },
}
