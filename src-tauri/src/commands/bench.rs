//! The start-up benchmark's marks (`hearth bench startup`). The window says when Home's first
//! data is on screen and when it has scrolled the whole gallery; under the benchmark
//! (`HEARTH_BENCH_STARTUP=1`) the shell prints each mark on standard output, where the
//! benchmark times it and samples memory. Otherwise a mark does nothing.

use std::io::Write;

use serde::Deserialize;
use tauri::State;

/// Whether this window runs under `hearth bench startup`, and whether it should then scroll
/// the gallery (`HEARTH_BENCH_SCROLL=0` measures the start alone).
pub struct StartupBench {
    on: bool,
    scroll: bool,
}

impl StartupBench {
    pub fn from_environment() -> Self {
        let set = |name: &str| std::env::var_os(name).map(|value| value == "1");
        StartupBench {
            on: set("HEARTH_BENCH_STARTUP").unwrap_or(false),
            scroll: set("HEARTH_BENCH_SCROLL").unwrap_or(true),
        }
    }
}

#[derive(Debug, Clone, Copy, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum StartupMark {
    /// Home shows its first data and the page is idle: the window is usable.
    HomeReady,
    /// The gallery has been scrolled from its first row to its last.
    GalleryScrolled,
}

impl StartupMark {
    /// The word the benchmark reads after `hearth-bench `.
    pub fn word(self) -> &'static str {
        match self {
            StartupMark::HomeReady => "home-ready",
            StartupMark::GalleryScrolled => "gallery-scrolled",
        }
    }
}

/// Prints `hearth-bench <mark>` under the benchmark; returns whether the window should go on
/// to scroll the gallery (only after `HomeReady`, only under the benchmark).
#[tauri::command]
#[specta::specta]
pub fn startup_mark(bench: State<StartupBench>, mark: StartupMark) -> bool {
    if !bench.on {
        return false;
    }
    let mut out = std::io::stdout().lock();
    // A benchmark that stopped reading is no reason to fail the window.
    let _ = writeln!(out, "hearth-bench {}", mark.word()).and_then(|()| out.flush());
    matches!(mark, StartupMark::HomeReady) && bench.scroll
}
