//! How WebKit runs the window's JavaScript: interpreted, without its just-in-time compilers.
//!
//! The window runs one page, Hearth's own, whose script is glue between the page and the core:
//! the work is in Rust. `hearth bench startup` measured what the JIT costs there (release build,
//! Xvfb, 100,000 media, the web process's proportional memory sampled every 5 s while the whole
//! gallery scrolls): with it, the web process climbed from 125 MB to 175–250 MB and back in a
//! saw-tooth, collected only every 40 s or so; without it, it stayed between 138 and 155 MB, and
//! the scroll took 87 s against 72–84 s. Turning off only the optimising tiers
//! (`useDFGJIT`), only the baseline tier or only the regular-expression compiler changed
//! nothing; the collector's options (`forceRAMSize`, `useConcurrentGC`) changed nothing either.
//! Without a JIT, JavaScriptCore maps no memory that is both writable and executable, which
//! takes a common step out of exploiting an engine bug. What Hearth opens outside (a link, a
//! folder) is started without the variable (`opening`).
//!
//! JavaScriptCore reads its options from `JSC_<name>` environment variables when a web process
//! starts, and web processes inherit the window's environment. A person who set `JSC_useJIT`
//! keeps their choice.

use std::ffi::OsString;

/// JavaScriptCore's option for its just-in-time compilers (all tiers, regular expressions
/// included).
#[cfg_attr(not(target_os = "linux"), allow(dead_code))]
pub const USE_JIT: &str = "JSC_useJIT";

/// Whether the window should ask JavaScriptCore to interpret: unless `JSC_useJIT` is set
/// already (`var` reads the environment).
#[cfg_attr(not(target_os = "linux"), allow(dead_code))]
fn interpret(var: impl Fn(&str) -> Option<OsString>) -> bool {
    var(USE_JIT).is_none()
}

/// Applies the choice for the WebKit processes this one starts; true when it turned the JIT
/// off. Call it first in `run()`, with [`crate::painting::choose`]: it sets an environment
/// variable, which is only safe while the process has one thread. WebKitGTK only (other
/// platforms' engines read no such variable).
pub fn choose() -> bool {
    #[cfg(target_os = "linux")]
    if interpret(|name| std::env::var_os(name)) {
        std::env::set_var(USE_JIT, "false");
        return true;
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_is_interpreted_unless_the_person_chose() {
        assert!(interpret(|_| None), "nothing set: no JIT, for the memory it saves");
        for value in ["true", "1", "false"] {
            let set = |asked: &str| (asked == USE_JIT).then(|| OsString::from(value));
            assert!(!interpret(set), "JSC_useJIT={value} set: Hearth leaves it alone");
        }
    }
}
