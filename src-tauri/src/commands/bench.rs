//! The start-up benchmark's marks (`hearth bench startup`). The window says when Home's first
//! data is on screen and when it has scrolled the whole gallery; under the benchmark
//! (`HEARTH_BENCH_STARTUP=1`) the shell prints each mark on standard output, where the
//! benchmark times it and samples memory. Otherwise a mark does nothing.

use std::io::Write;

use serde::Deserialize;
use tauri::{AppHandle, Manager};

/// Whether this window runs under `hearth bench startup`, and whether it should then scroll
/// the gallery (`HEARTH_BENCH_SCROLL=0` measures the start alone).
pub struct StartupBench {
    on: bool,
    scroll: bool,
    /// Set by the first `HomeReady`: only that one waits for `go` (a page calling again holds
    /// no thread and cannot take the benchmark's line).
    waited: std::sync::atomic::AtomicBool,
}

impl StartupBench {
    pub fn from_environment() -> Self {
        let set = |name: &str| std::env::var_os(name).map(|value| value == "1");
        StartupBench {
            on: set("HEARTH_BENCH_STARTUP").unwrap_or(false),
            scroll: set("HEARTH_BENCH_SCROLL").unwrap_or(true),
            waited: std::sync::atomic::AtomicBool::new(false),
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
    /// The window could not do what the benchmark asked (no gallery, no Memories).
    Failed,
}

impl StartupMark {
    /// The word the benchmark reads after `hearth-bench `.
    pub fn word(self) -> &'static str {
        match self {
            StartupMark::HomeReady => "home-ready",
            StartupMark::GalleryScrolled => "gallery-scrolled",
            StartupMark::Failed => "failed",
        }
    }
}

/// Prints `hearth-bench <mark>` under the benchmark; returns whether the window should go on
/// to scroll the gallery: only after `HomeReady`, only under the benchmark, and only once the
/// benchmark, having measured the window at rest, says `go` on standard input.
#[tauri::command]
#[specta::specta]
pub async fn startup_mark(app: AppHandle, mark: StartupMark) -> bool {
    let (on, scroll) = {
        let bench = app.state::<StartupBench>();
        let first_home =
            matches!(mark, StartupMark::HomeReady) && !bench.waited.swap(true, std::sync::atomic::Ordering::SeqCst);
        (bench.on, bench.scroll && first_home)
    };
    if !on {
        return false;
    }
    {
        let mut out = std::io::stdout().lock();
        // A benchmark that stopped reading is no reason to fail the window.
        let _ = writeln!(out, "hearth-bench {}", mark.word()).and_then(|()| out.flush());
    }
    if !scroll {
        return false;
    }
    let go = tauri::async_runtime::spawn_blocking(|| {
        let mut line = String::new();
        std::io::stdin().read_line(&mut line).is_ok_and(|read| read > 0 && line.trim() == "go")
    });
    go.await.unwrap_or(false)
}
