//! Opening what leaves Hearth, a web or mail link or the yearbook's folder, with the desktop's
//! own program, without the WebKit settings Hearth chose for its own window (`painting`,
//! `scripting`). Those are environment variables, which every program Hearth starts inherits:
//! a browser or mail program built on WebKit, started by a click on a link, would run its own
//! pages without a JIT and without compositing until it was restarted.

use std::sync::OnceLock;

use tauri::AppHandle;

/// The variables Hearth set for its own WebKit processes, left out of what it opens.
static CHOSEN: OnceLock<Vec<&'static str>> = OnceLock::new();

/// Records the variables `run()` set (once; a second call is ignored).
pub fn remember(set: Vec<&'static str>) {
    let _ = CHOSEN.set(set);
}

/// `href` when it is a link Hearth opens outside: `http`, `https` or `mailto`, as the window's
/// `webLink` allows (a member's text holds them). Anything else (a file, a script, another
/// scheme) is refused with the reason.
pub fn outside_link(href: &str) -> Result<String, String> {
    let url = tauri::Url::parse(href).map_err(|e| format!("not a link: {e}"))?;
    match url.scheme() {
        "http" | "https" | "mailto" => Ok(url.to_string()),
        other => Err(format!("Hearth opens only web and mail links, not {other}: links")),
    }
}

/// Opens `target` (a checked URL or a folder's path) with the desktop's default program.
pub fn open(app: &AppHandle, target: &str) -> Result<(), String> {
    #[cfg(target_os = "linux")]
    {
        let _ = app;
        let mut command = std::process::Command::new("xdg-open");
        command
            .arg(target)
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null());
        for name in CHOSEN.get().into_iter().flatten() {
            command.env_remove(name);
        }
        let mut child = command.spawn().map_err(|e| format!("xdg-open could not start: {e}"))?;
        // Reaped when it ends (xdg-open hands over to the program and exits).
        std::thread::spawn(move || child.wait());
        Ok(())
    }
    #[cfg(not(target_os = "linux"))]
    {
        use tauri_plugin_opener::OpenerExt;
        let opened = if target.contains("://") || target.starts_with("mailto:") {
            app.opener().open_url(target, None::<&str>)
        } else {
            app.opener().open_path(target, None::<&str>)
        };
        opened.map_err(|e| e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_web_and_mail_links_leave_hearth() {
        assert_eq!(outside_link("https://example.org/a?b=c").unwrap(), "https://example.org/a?b=c");
        assert_eq!(outside_link("mailto:amara@example.org").unwrap(), "mailto:amara@example.org");
        for refused in
            ["file:///etc/passwd", "javascript:alert(1)", "hearth://localhost/x", "/home/me", "", "smb://share/x"]
        {
            assert!(outside_link(refused).is_err(), "{refused} must not be opened outside");
        }
    }
}
