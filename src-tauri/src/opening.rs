//! Opening what leaves Hearth, a web or mail link or the yearbook's folder, with the desktop's
//! own program, without the WebKit settings Hearth chose for its own window (`painting`,
//! `scripting`). Those are environment variables, which every program Hearth starts inherits:
//! a browser or mail program built on WebKit, started by a click on a link, would run its own
//! pages without a JIT and without compositing until it was restarted.

use std::ffi::OsStr;
use std::path::PathBuf;
use std::sync::OnceLock;

/// The variables Hearth set for its own WebKit processes, left out of what it opens.
static CHOSEN: OnceLock<Vec<&'static str>> = OnceLock::new();

/// Records the variables `run()` set (once; a second call is ignored).
pub fn remember(set: Vec<&'static str>) {
    let _ = CHOSEN.set(set);
}

/// What a `mailto:` link may carry besides its addresses (RFC 6068's common fields). Others
/// are dropped: `attach` and `attachment` have made mail programs attach a local file (Evolution
/// CVE-2020-11879, KMail CVE-2020-11880); `bcc` would add a recipient the window's question
/// does not name.
const MAIL_FIELDS: &[&str] = &["to", "cc", "subject", "body"];

/// Whether `c` makes an address read as something else in the window's question: a space or
/// line break, a control character, or a bidirectional formatting mark that reorders the text
/// around it (Unicode UAX #9: U+061C, U+200E–U+200F, U+202A–U+202E, U+2066–U+2069).
fn misleading(c: char) -> bool {
    c.is_whitespace()
        || c.is_control()
        || matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// A mail link's recipients as the window names them in its question: the addresses before
/// `?` and those of `to` and `cc`, percent-decoded, split at commas (RFC 6068, section 2); None
/// when the addresses are not UTF-8 once decoded (the window cannot show them either).
fn recipients(url: &tauri::Url) -> Option<Vec<String>> {
    let path = percent_encoding::percent_decode_str(url.path()).decode_utf8().ok()?.into_owned();
    let fields = url.query_pairs().filter(|(name, _)| matches!(name.to_ascii_lowercase().as_str(), "to" | "cc"));
    let lists = std::iter::once(path).chain(fields.map(|(_, value)| value.into_owned()));
    Some(
        lists
            .flat_map(|list| list.split(',').map(|one| one.trim().to_owned()).collect::<Vec<_>>())
            .filter(|one| !one.is_empty())
            .collect(),
    )
}

/// `href` when it is a link Hearth opens outside: `http`, `https` or `mailto`, as the window's
/// `webLink` allows (a member's text holds them), normalised; a mail link keeps only
/// [`MAIL_FIELDS`]. Anything else (a file, a script, another scheme) is refused with the reason,
/// and so is a link that reads as somewhere else in the question the window asks: a name before
/// an `@` in a web address (`https://bank.example@elsewhere.example/` goes to `elsewhere`), or
/// a mail address that is [`misleading`] once decoded (`mailto:a@b.example%20is%20safe`). The
/// window's `webLink` applies the same rules.
pub fn outside_link(href: &str) -> Result<String, String> {
    let mut url = tauri::Url::parse(href).map_err(|e| format!("not a link: {e}"))?;
    if url.as_str().chars().any(char::is_whitespace) {
        return Err("a link with a space in it is not opened: it may not go where it reads".into());
    }
    match url.scheme() {
        "http" | "https" if !url.username().is_empty() || url.password().is_some() => {
            Err("a web link with a name before its address is not opened: it hides where it goes".into())
        }
        "http" | "https" => Ok(url.to_string()),
        "mailto" if recipients(&url).is_none_or(|names| names.iter().any(|one| one.chars().any(misleading))) => {
            Err("a mail address with spaces or hidden characters is not opened: it may not go where it reads".into())
        }
        "mailto" => {
            let kept: Vec<(String, String)> = url
                .query_pairs()
                .filter(|(name, _)| MAIL_FIELDS.contains(&name.to_ascii_lowercase().as_str()))
                .map(|(name, value)| (name.into_owned(), value.into_owned()))
                .collect();
            url.set_query(None);
            if !kept.is_empty() {
                url.query_pairs_mut().extend_pairs(kept);
                // Form encoding writes a space as `+`, which a mail link reads as a plus (RFC
                // 6068); a `+` of the text itself is `%2B` by then.
                let query = url.query().map(|q| q.replace('+', "%20"));
                url.set_query(query.as_deref());
            }
            Ok(url.to_string())
        }
        other => Err(format!("Hearth opens only web and mail links, not {other}: links")),
    }
}

/// Opens a checked link with the desktop's default program, waiting off the main thread (see
/// [`launch`]).
pub async fn open_link(url: String) -> Result<(), String> {
    off_main_thread(move || {
        #[cfg(target_os = "linux")]
        return launch(OsStr::new(&url));
        #[cfg(not(target_os = "linux"))]
        return tauri_plugin_opener::open_url(url, None::<&str>).map_err(|e| e.to_string());
    })
    .await
}

/// Opens a folder in the desktop's file manager, waiting off the main thread (see [`launch`]).
pub async fn open_folder(folder: PathBuf) -> Result<(), String> {
    off_main_thread(move || {
        #[cfg(target_os = "linux")]
        return launch(folder.as_os_str());
        #[cfg(not(target_os = "linux"))]
        return tauri_plugin_opener::open_path(folder, None::<&str>).map_err(|e| e.to_string());
    })
    .await
}

/// Runs `open` on a blocking thread: watching a launcher takes up to [`LAUNCHER_GRACE`] each.
async fn off_main_thread(open: impl FnOnce() -> Result<(), String> + Send + 'static) -> Result<(), String> {
    tauri::async_runtime::spawn_blocking(open)
        .await
        .unwrap_or_else(|e| Err(format!("the launcher stopped unexpectedly: {e}")))
}

/// How long a launcher is watched for failing. `xdg-open` with no program for a link, or a
/// `gio open` that cannot reach one, exits at once with an error status; one that found the
/// program may run as long as it does (a browser `xdg-open` started in the foreground).
#[cfg(target_os = "linux")]
const LAUNCHER_GRACE: std::time::Duration = std::time::Duration::from_secs(2);

/// Starts the desktop's launchers on `target` in turn (`xdg-open`, then `gio open`, …, as the
/// `open` crate lists them), without [`CHOSEN`], each in a process group of its own (so a
/// browser it runs does not end with the terminal Hearth was started from), until one is
/// still running or has succeeded after [`LAUNCHER_GRACE`]; one that is missing or exits with
/// an error makes way for the next, as `open::that` does. The error names each attempt. As the
/// `open` crate warns, `xdg-open` may wait for a browser that opened the link and then failed,
/// so the next launcher opens it a second time: a second tab of a link the person agreed to.
/// Blocks for up to the grace period for each launcher tried: call it off the main thread.
#[cfg(target_os = "linux")]
fn launch(target: &OsStr) -> Result<(), String> {
    use std::os::unix::process::CommandExt;
    let mut reasons = Vec::new();
    for mut command in open::commands(target) {
        command
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null());
        command.process_group(0);
        for name in CHOSEN.get().into_iter().flatten() {
            command.env_remove(name);
        }
        let program = command.get_program().to_string_lossy().into_owned();
        match command.spawn() {
            Ok(mut child) => match watch(&mut child, LAUNCHER_GRACE) {
                Some(status) if !status.success() => reasons.push(format!("{program} failed ({status})")),
                Some(_) => return Ok(()),
                None => {
                    let _ = std::thread::Builder::new().name("launcher".into()).spawn(move || child.wait());
                    return Ok(());
                }
            },
            Err(e) => reasons.push(format!("{program}: {e}")),
        }
    }
    Err(format!("no program on this computer opened it ({})", reasons.join("; ")))
}

/// How `child` ended, if it did within `grace`; None while it still runs.
#[cfg(target_os = "linux")]
fn watch(child: &mut std::process::Child, grace: std::time::Duration) -> Option<std::process::ExitStatus> {
    let started = hearth::clock::Stopwatch::start();
    loop {
        match child.try_wait() {
            Ok(Some(status)) => return Some(status),
            Ok(None) if started.seconds() < grace.as_secs_f64() => {
                std::thread::sleep(std::time::Duration::from_millis(40))
            }
            _ => return None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(target_os = "linux")]
    #[test]
    fn a_launcher_that_fails_is_told_from_one_still_running() {
        let run = |script: &str| std::process::Command::new("sh").args(["-c", script]).spawn().unwrap();
        let failed = watch(&mut run("exit 3"), LAUNCHER_GRACE).expect("it ended within the grace period");
        assert_eq!(failed.code(), Some(3), "xdg-open's status for a missing program");
        assert!(watch(&mut run("exit 0"), LAUNCHER_GRACE).unwrap().success());
        let mut browser = run("sleep 5");
        assert!(
            watch(&mut browser, std::time::Duration::from_millis(200)).is_none(),
            "a launcher still running has found its program"
        );
        browser.kill().unwrap();
        browser.wait().unwrap();
    }

    /// The links every member could write, shared with the window's test (`links.test.ts`) so
    /// the two rules cannot drift apart.
    fn link_cases() -> serde_json::Value {
        serde_json::from_str(include_str!("../../tests/cases/links.json")).unwrap()
    }

    #[test]
    fn only_web_and_mail_links_leave_hearth() {
        let cases = link_cases();
        for opened in cases["opened"].as_array().unwrap() {
            let link = opened.as_str().unwrap();
            assert!(outside_link(link).is_ok(), "{link} is an address the window opens too");
        }
        let refused = cases["refused"].as_array().unwrap();
        assert!(refused.len() > 10, "the shared cases were read");
        for case in refused {
            let (link, why) = (case["link"].as_str().unwrap(), case["why"].as_str().unwrap());
            assert!(outside_link(link).is_err(), "{link:?} must not be opened outside: {why}");
        }
    }

    #[test]
    fn a_mail_link_attaches_no_file() {
        let kept = outside_link(
            "mailto:amara@example.org?subject=Falls%20audit&attach=/home/me/.ssh/id_rsa&Attachment=x&body=Hi",
        )
        .unwrap();
        assert_eq!(kept, "mailto:amara@example.org?subject=Falls%20audit&body=Hi", "only the common fields travel");
        assert_eq!(
            outside_link("mailto:amara@example.org?bcc=spy@elsewhere.example&cc=tom@example.org").unwrap(),
            "mailto:amara@example.org?cc=tom%40example.org",
            "no hidden recipient the question does not name"
        );
        assert_eq!(
            recipients(
                &tauri::Url::parse("mailto:a@example.org,%20b@example.org?to=c@example.org&cc=d@example.org").unwrap()
            )
            .unwrap(),
            ["a@example.org", "b@example.org", "c@example.org", "d@example.org"],
            "every recipient the window names"
        );
        assert_eq!(
            outside_link("mailto:a@example.org?subject=1%2B1").unwrap(),
            "mailto:a@example.org?subject=1%2B1",
            "a plus stays one"
        );
        let lines = outside_link("mailto:a@example.org?subject=a%0D%0Ab").unwrap();
        assert!(!lines.contains('\n') && !lines.contains('\r'), "line breaks stay encoded: {lines}");
    }
}
