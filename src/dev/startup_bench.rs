//! `hearth bench startup`: how long the window takes to open and how much memory it holds.
//! Targets (the Release quality issue): the first interactive Home in < 1 s on the demo and
//! in < 1.5 s on a library of 100,000 media (`bench fill`); < 300 MB in all (the app and its
//! WebKit processes) on that library after scrolling the whole gallery. The target is held
//! against the proportional figure: the resident sum counts each shared library once per
//! process (WebKit's, GTK's, Mesa's: about 180 MB of the three processes' resident total), so
//! it measures what the processes map more than what they cost the machine.
//!
//! It starts the built window (`hearth-desktop`, beside this program unless `--app` says
//! otherwise) with `HEARTH_BENCH_STARTUP=1`. Under it the window prints `hearth-bench
//! home-ready` once Home shows its first data and the page is idle, and waits. Once the window
//! is measured at rest the benchmark says `go` on its standard input; the window then opens
//! Memories, scrolls the gallery from its first row to its last three screens at a time and prints
//! `hearth-bench gallery-scrolled` (or `failed`; ui: lib/startup.ts). Times run from the
//! moment the process is spawned to the moment its line arrives. Memory is the sum over the process and
//! its descendants of the resident size (`Rss`) and of the proportional set size (`Pss`,
//! shared pages divided among the processes sharing them), from `/proc/<pid>/smaps_rollup`.
//! After the scroll it is sampled twice: 2 s after the last screen, and 15 s after, the gallery
//! still open, as when a person stops to look (whatever an idle page's collections free by then).
//!
//! The first round of each library is its first start; the operating system's file cache is
//! warm from writing the library (dropping it needs root), so "cold" here means a new process.
//! Linux only; it needs a display (run it under `xvfb-run -a` on a machine without one).

use std::collections::{BTreeSet, HashMap};
use std::io::{BufRead, BufReader, Write};
#[cfg(unix)]
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use crate::clock::Stopwatch;

use crate::error::{Error, Result};

/// How long to wait for Home before calling the start failed.
const HOME_TIMEOUT: Duration = Duration::from_secs(60);
/// How long the whole gallery may take to scroll (100,000 media are about 1,200 stops of three screens).
const SCROLL_TIMEOUT: Duration = Duration::from_secs(900);
/// Memory is sampled this long after a mark, once the page has settled.
const SETTLE: Duration = Duration::from_secs(2);
/// And once more this long after the scroll, as when a person stops to look: what the idle
/// page's garbage collections free by then is gone.
const LOOKING: Duration = Duration::from_secs(15);

/// One start of the window: seconds to Home, seconds to scroll the gallery, and memory (MB).
struct Round {
    home: f64,
    scrolled: Option<f64>,
    opened: Memory,
    after_scrolling: Option<Memory>,
    /// [`LOOKING`] later.
    after_looking: Option<Memory>,
}

/// Memory of a process tree, in MB (10^6 bytes), in all and by process.
#[derive(Clone, Default)]
struct Memory {
    rss: f64,
    pss: f64,
    /// Each process's name (`/proc/<pid>/comm`) with its resident and proportional MB.
    processes: Vec<(String, f64, f64)>,
}

/// Runs the benchmark: `rounds` starts on the demo, then on a library of `media` items.
pub fn startup(app: Option<&Path>, media: usize, rounds: usize, scroll: bool, dir: Option<&Path>) -> Result<()> {
    if !cfg!(target_os = "linux") {
        return Err(Error::invalid("bench", "the start-up benchmark reads /proc and runs on Linux only"));
    }
    let app = match app {
        Some(app) => app.to_path_buf(),
        None => {
            std::env::current_exe().map_err(|e| Error::io(Path::new("hearth"), e))?.with_file_name("hearth-desktop")
        }
    };
    if !app.is_file() {
        return Err(Error::invalid(
            "bench",
            format!(
                "the window's program is not at {}: build it (`make app`, or `cargo build --release -p hearth-desktop \
                 --features hearth-desktop/custom-protocol` for release figures) or pass --app",
                app.display()
            ),
        ));
    }
    // The program first: without it a display would not help.
    if std::env::var_os("DISPLAY").is_none() && std::env::var_os("WAYLAND_DISPLAY").is_none() {
        return Err(Error::invalid("bench", "there is no display: run it as `xvfb-run -a hearth bench startup`"));
    }
    let base = crate::dev::bench::scratch(dir, "startup")?;
    let demo = base.join("demo");
    crate::dev::demo::create_demo(&demo)?;
    let large = base.join("large");
    println!("Filling a library with {media} media …");
    crate::dev::bench::fill(&large, media, 0)?;
    println!("Window: {}", app.display());
    println!(
        "Targets: first interactive Home < 1 s (demo), < 1.5 s ({media} media); < 300 MB proportional after scrolling the gallery."
    );
    for (name, library) in [("demo", &demo), ("large library", &large)] {
        println!();
        println!("{name} ({}):", library.display());
        let mut homes = Vec::new();
        // `rounds` starts measured at rest, then one more that scrolls the whole gallery.
        let runs = rounds.max(1) + usize::from(scroll);
        for round in 0..runs {
            let scrolls = scroll && round + 1 == runs;
            let config = base.join(format!("config-{}-{round}", name.replace(' ', "-")));
            let Round { home, scrolled, opened, after_scrolling, after_looking } =
                run_once(&app, library, &config, scrolls)?;
            homes.push(home);
            let first = if round == 0 { " (first start)" } else { "" };
            println!(
                "  start {}{first}: Home interactive in {:.0} ms; at rest: {}",
                round + 1,
                home * 1000.0,
                opened.words()
            );
            if let (Some(scrolled), Some(memory)) = (scrolled, after_scrolling) {
                println!("    gallery scrolled top to bottom in {scrolled:.1} s; then: {}", memory.words());
            }
            if let Some(memory) = after_looking {
                println!("    {} s later, the gallery still open: {}", LOOKING.as_secs(), memory.words());
            }
        }
        println!("  median Home interactive: {:.0} ms over {} starts", median(&mut homes) * 1000.0, homes.len());
    }
    Ok(())
}

/// The median of `values` (the mean of the middle two for an even count); sorts them.
fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    let middle = values.len() / 2;
    if values.len() % 2 == 0 {
        (values[middle - 1] + values[middle]) / 2.0
    } else {
        values[middle]
    }
}

impl Memory {
    fn words(&self) -> String {
        let each: Vec<String> =
            self.processes.iter().map(|(name, rss, pss)| format!("{name} {rss:.0}/{pss:.0}")).collect();
        format!("{:.0} MB resident, {:.0} MB proportional ({})", self.rss, self.pss, each.join(", "))
    }
}

/// Starts the window once on `library`, waits for its marks and measures; always stops it.
fn run_once(app: &Path, library: &Path, config: &Path, scroll: bool) -> Result<Round> {
    std::fs::create_dir_all(config).map_err(|e| Error::io(config, e))?;
    let started = Stopwatch::start();
    let mut command = Command::new(app);
    command
        .arg("--library")
        .arg(library)
        .arg("--config-dir")
        .arg(config)
        .env("HEARTH_BENCH_STARTUP", "1")
        .env("HEARTH_BENCH_SCROLL", if scroll { "1" } else { "0" })
        .env("RUST_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    // Its own process group, so that stopping it stops WebKit's processes too.
    #[cfg(unix)]
    command.process_group(0);
    let mut child = command.spawn().map_err(|e| Error::io(app, e))?;
    let marks = read_marks(&mut child, started);
    let outcome = measure(&mut child, &marks, scroll);
    stop(&mut child);
    outcome
}

/// The window's `hearth-bench <mark>` lines, each with the seconds since `started` it arrived at.
fn read_marks(child: &mut Child, started: Stopwatch) -> mpsc::Receiver<(String, f64)> {
    let (send, receive) = mpsc::channel();
    if let Some(stdout) = child.stdout.take() {
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(std::io::Result::ok) {
                if let Some(mark) = line.strip_prefix("hearth-bench ") {
                    if send.send((mark.trim().to_owned(), started.seconds())).is_err() {
                        break;
                    }
                }
            }
        });
    }
    receive
}

fn measure(child: &mut Child, marks: &mpsc::Receiver<(String, f64)>, scroll: bool) -> Result<Round> {
    let wait = |mark: &str, timeout: Duration| -> Result<f64> {
        match marks.recv_timeout(timeout) {
            Ok((got, at)) if got == mark => Ok(at),
            Ok((got, _)) if got == "failed" => Err(Error::invalid(
                "bench",
                format!("the window could not go on to `{mark}`: it found no gallery to scroll (see its console)"),
            )),
            Ok((got, _)) => {
                Err(Error::invalid("bench", format!("the window said `{got}` where `{mark}` was expected")))
            }
            Err(_) => Err(Error::invalid(
                "bench",
                format!(
                    "the window did not report `{mark}` within {} s (did it start? is the build current?)",
                    timeout.as_secs()
                ),
            )),
        }
    };
    let home = wait("home-ready", HOME_TIMEOUT)?;
    std::thread::sleep(SETTLE);
    let opened = tree_memory(child.id());
    if !scroll {
        return Ok(Round { home, scrolled: None, opened, after_scrolling: None, after_looking: None });
    }
    let go = child.stdin.as_mut().map(|stdin| stdin.write_all(b"go\n").and_then(|()| stdin.flush()));
    if !matches!(go, Some(Ok(()))) {
        return Err(Error::invalid("bench", "the window stopped listening before the gallery could be scrolled"));
    }
    let scrolled = wait("gallery-scrolled", SCROLL_TIMEOUT)? - home;
    std::thread::sleep(SETTLE);
    let after_scrolling = tree_memory(child.id());
    std::thread::sleep(LOOKING - SETTLE);
    let after_looking = tree_memory(child.id());
    Ok(Round {
        home,
        scrolled: Some(scrolled),
        opened,
        after_scrolling: Some(after_scrolling),
        after_looking: Some(after_looking),
    })
}

/// Ends the window and every process it started (WebKit's web and network processes), all in
/// the process group it leads.
fn stop(child: &mut Child) {
    let group = format!("-{}", child.id());
    let _ = Command::new("kill").args(["-KILL", "--", &group]).stderr(Stdio::null()).status();
    let _ = child.kill();
    let _ = child.wait();
}

/// `root` and its descendants, from each process's parent in `/proc/<pid>/stat`.
fn descendants(root: u32) -> BTreeSet<u32> {
    let mut parents: HashMap<u32, Vec<u32>> = HashMap::new();
    for entry in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
        let Some(pid) = entry.file_name().to_str().and_then(|name| name.parse::<u32>().ok()) else { continue };
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else { continue };
        // The command name is in parentheses and may hold spaces: fields follow the last ')'.
        let ppid = stat.rsplit_once(')').and_then(|(_, rest)| rest.split_whitespace().nth(1)?.parse::<u32>().ok());
        if let Some(ppid) = ppid {
            parents.entry(ppid).or_default().push(pid);
        }
    }
    let mut found = BTreeSet::new();
    let mut queue = vec![root];
    while let Some(pid) = queue.pop() {
        for &child in parents.get(&pid).map(Vec::as_slice).unwrap_or_default() {
            if found.insert(child) {
                queue.push(child);
            }
        }
    }
    found
}

/// Resident and proportional memory of `root` and its descendants.
fn tree_memory(root: u32) -> Memory {
    let mut memory = Memory::default();
    for pid in std::iter::once(root).chain(descendants(root)) {
        let Ok(rollup) = std::fs::read_to_string(PathBuf::from(format!("/proc/{pid}/smaps_rollup"))) else { continue };
        let field = |name: &str| -> f64 {
            rollup
                .lines()
                .find_map(|line| line.strip_prefix(name))
                .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
                .unwrap_or(0.0)
        };
        let (rss, pss) = (field("Rss:") * 1024.0 / 1e6, field("Pss:") * 1024.0 / 1e6);
        let name = std::fs::read_to_string(format!("/proc/{pid}/comm")).unwrap_or_default().trim().to_owned();
        memory.rss += rss;
        memory.pss += pss;
        memory.processes.push((name, rss, pss));
    }
    memory
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_median_of_an_even_count_is_the_mean_of_the_middle_two() {
        assert_eq!(super::median(&mut [0.61, 0.58, 0.60, 0.59]), 0.595, "not the upper middle, 0.60");
        assert_eq!(super::median(&mut [0.7, 0.5, 0.6]), 0.6);
    }
}
