//! How WebKit paints the window: composited on the GPU where there is one, painted by the CPU
//! alone where there is none.
//!
//! Without a GPU (no DRM render node: a virtual machine, a remote desktop, an old laptop whose
//! graphics have no driver), Mesa emulates accelerated compositing on the CPU. `hearth bench
//! startup` measured what that costs under Xvfb: about 105 MB more for the web process at rest and a
//! gallery scroll 2.4 times slower (189 s against 78 s at 100,000 media) than painting without
//! compositing. There the window asks WebKit not to composite. A person who set WebKit's own
//! variables keeps their choice.
//!
//! Without a GPU the window process has no use for OpenGL either, yet probes make it load Mesa's
//! software renderer and its LLVM (25 MB of its proportional memory on 100,000 media, from
//! `smaps` as `hearth bench startup` reads it). [`PROBES_OFF`] turns off two of them, GTK's GLX
//! check when it opens the display and WebKit's check of the DMA-BUF renderer: 6 MB less in the
//! window process, 4 MB in all (one run each). The
//! third, WebKit's search for the main DRM device before each web process starts, loads Mesa
//! anyway; its undocumented switch (`WEBKIT_WEB_RENDER_DEVICE_FILE`) saved the rest but left
//! the web process without the desktop's settings (`prefers-reduced-motion` was lost, as
//! `display.test.mjs` showed), so it is not used.

use std::ffi::OsString;
use std::path::Path;

/// WebKit's switch for painting without accelerated compositing (WebKitGTK's documented
/// environment variable, read when its first web view starts).
#[cfg_attr(not(target_os = "linux"), allow(dead_code))]
pub const DISABLE_COMPOSITING: &str = "WEBKIT_DISABLE_COMPOSITING_MODE";
/// WebKit's switch that forces compositing on.
#[cfg_attr(not(target_os = "linux"), allow(dead_code))]
const FORCE_COMPOSITING: &str = "WEBKIT_FORCE_COMPOSITING_MODE";

/// Set with [`DISABLE_COMPOSITING`], where there is no GPU: GTK's switch that keeps its X11
/// backend from probing GLX (`GDK_GL=disable`, GTK 3's documented debugging variable), and
/// WebKit's switch that leaves out the DMA-BUF renderer (documented with its compositing
/// switches), which it would otherwise check through EGL.
#[cfg_attr(not(target_os = "linux"), allow(dead_code))]
pub const PROBES_OFF: [(&str, &str); 2] = [("GDK_GL", "disable"), ("WEBKIT_DISABLE_DMABUF_RENDERER", "1")];

/// Whether `dri` (normally `/dev/dri`) holds a render node (`renderD128`, …), that is whether a
/// GPU driver is there to composite with.
#[cfg_attr(not(target_os = "linux"), allow(dead_code))]
fn has_render_node(dri: &Path) -> bool {
    std::fs::read_dir(dri)
        .map(|entries| entries.flatten().any(|entry| entry.file_name().to_string_lossy().starts_with("renderD")))
        .unwrap_or(false)
}

/// Whether the window should ask WebKit to paint without compositing: no GPU, and neither of
/// WebKit's own variables set (`var` reads the environment).
#[cfg_attr(not(target_os = "linux"), allow(dead_code))]
fn paint_without_compositing(gpu: bool, var: impl Fn(&str) -> Option<OsString>) -> bool {
    !gpu && var(DISABLE_COMPOSITING).is_none() && var(FORCE_COMPOSITING).is_none()
}

/// Applies the choice for this process and the WebKit processes it starts; returns the
/// variables it set (none where there is a GPU or the person chose): [`DISABLE_COMPOSITING`]
/// and those of [`PROBES_OFF`] the person had not set. Call it first in `run()`, which `main`
/// calls before anything else: it sets environment variables, which is only safe while the
/// process has one thread.
pub fn choose() -> Vec<&'static str> {
    let mut set = Vec::new();
    #[cfg(target_os = "linux")]
    if paint_without_compositing(has_render_node(Path::new("/dev/dri")), |name| std::env::var_os(name)) {
        std::env::set_var(DISABLE_COMPOSITING, "1");
        set.push(DISABLE_COMPOSITING);
        for (name, value) in PROBES_OFF {
            if std::env::var_os(name).is_none() {
                std::env::set_var(name, value);
                set.push(name);
            }
        }
    }
    set
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_machine_without_a_gpu_paints_without_compositing() {
        let unset = |_: &str| None;
        assert!(paint_without_compositing(false, unset), "no render node: Mesa would emulate the GPU on the CPU");
        assert!(!paint_without_compositing(true, unset), "a GPU composites, as WebKit does by default");
    }

    #[test]
    fn a_choice_made_in_webkits_own_variables_is_kept() {
        for name in [DISABLE_COMPOSITING, FORCE_COMPOSITING] {
            let set = |asked: &str| (asked == name).then(|| OsString::from("0"));
            assert!(!paint_without_compositing(false, set), "{name} set: Hearth leaves it alone");
        }
    }

    #[test]
    fn a_render_node_is_found_by_its_name() {
        let dri = tempfile::tempdir().unwrap();
        assert!(!has_render_node(dri.path()), "an empty folder has none");
        assert!(!has_render_node(&dri.path().join("missing")), "nor does a missing one");
        std::fs::write(dri.path().join("card0"), b"").unwrap();
        assert!(!has_render_node(dri.path()), "a display node alone cannot render off screen");
        std::fs::write(dri.path().join("renderD128"), b"").unwrap();
        assert!(has_render_node(dri.path()));
    }
}
