//! Videos for WebKitGTK. Its media player hands URLs to GStreamer, which has no source for
//! custom schemes (WebKit bug 146351), so `<video src="hearth://…">` never loads on Linux.
//! Videos are therefore served over HTTP on the loopback interface, by the same code as the
//! `hearth://` protocol (Range requests, the privacy check), under a random token that only
//! this window learns. Nothing listens beyond 127.0.0.1, and no other path resolves.
//!
//! Any local program can connect, so the server trusts nothing it reads: request and header
//! lines are bounded, connections are capped, the `Host` must be this server's own (a web page
//! elsewhere cannot rebind a name to it), the token is compared in constant time, and no
//! response allows other origins to read it.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use tauri::AppHandle;

/// At most this many connections at once (a player opens a few; more wait to be refused).
const MAX_CONNECTIONS: usize = 16;
/// The longest request or header line read, in bytes; a longer one ends the connection.
const MAX_LINE: u64 = 8 * 1024;
/// The most header bytes one request may send.
const MAX_HEADERS: usize = 16 * 1024;

/// The server's socket on a free loopback port, bound before the window is built so that the
/// window's content security policy can name this port and no other.
pub fn bind() -> std::io::Result<TcpListener> {
    TcpListener::bind(("127.0.0.1", 0))
}

/// The content security policy `csp` with its loopback media source narrowed from any port
/// (`http://127.0.0.1:*`, as written in tauri.conf.json) to the server's own `port`.
pub fn narrow_csp(csp: &str, port: u16) -> String {
    csp.replace("http://127.0.0.1:*", &format!("http://127.0.0.1:{port}"))
}

/// Serves on `listener`; returns the base URL (`http://127.0.0.1:<port>/<token>`).
pub fn start(app: AppHandle, listener: TcpListener) -> std::io::Result<String> {
    let port = listener.local_addr()?.port();
    let token = uuid::Uuid::new_v4().simple().to_string();
    let base = format!("http://127.0.0.1:{port}/{token}");
    let host = format!("127.0.0.1:{port}");
    let active = Arc::new(AtomicUsize::new(0));
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            if active.fetch_add(1, Ordering::SeqCst) >= MAX_CONNECTIONS {
                active.fetch_sub(1, Ordering::SeqCst);
                continue; // dropped: closed at once
            }
            let (app, token, host, active) = (app.clone(), token.clone(), host.clone(), active.clone());
            std::thread::spawn(move || {
                let _ = handle(&app, &token, &host, stream);
                active.fetch_sub(1, Ordering::SeqCst);
            });
        }
    });
    Ok(base)
}

/// One request as read: what the server needs of it.
#[derive(Debug, Default, PartialEq)]
struct Request {
    method: String,
    target: String,
    host: String,
    range: Option<String>,
    keep_alive: bool,
}

/// A line of at most `max` bytes; an error for a longer one (the connection then ends), None at
/// the end of the stream.
fn read_line_bounded(reader: &mut impl BufRead, max: u64) -> std::io::Result<Option<String>> {
    let mut line = String::new();
    let read = reader.by_ref().take(max).read_line(&mut line)?;
    if read == 0 {
        return Ok(None);
    }
    if !line.ends_with('\n') && read as u64 >= max {
        return Err(std::io::Error::new(std::io::ErrorKind::InvalidData, "line too long"));
    }
    Ok(Some(line))
}

/// Reads one request's line and headers, within the bounds; None when the client is done.
fn read_request(reader: &mut impl BufRead) -> std::io::Result<Option<Request>> {
    let Some(line) = read_line_bounded(reader, MAX_LINE)? else { return Ok(None) };
    let mut parts = line.split_whitespace();
    let mut request = Request {
        method: parts.next().unwrap_or_default().to_owned(),
        target: parts.next().unwrap_or_default().to_owned(),
        keep_alive: true,
        ..Request::default()
    };
    let mut header_bytes = 0;
    while let Some(line) = read_line_bounded(reader, MAX_LINE)? {
        header_bytes += line.len();
        if header_bytes > MAX_HEADERS {
            return Err(std::io::Error::new(std::io::ErrorKind::InvalidData, "headers too long"));
        }
        if line == "\r\n" || line == "\n" {
            break;
        }
        if let Some((name, value)) = line.split_once(':') {
            let value = value.trim();
            match name.trim().to_ascii_lowercase().as_str() {
                "range" => request.range = Some(value.to_owned()),
                "host" => request.host = value.to_owned(),
                "connection" if value.eq_ignore_ascii_case("close") => request.keep_alive = false,
                _ => {}
            }
        }
    }
    Ok(Some(request))
}

/// The media path a request names, when it is a read, to this server's own host, under the
/// token; None for anything else.
fn route<'a>(request: &'a Request, token: &str, host: &str) -> Option<&'a str> {
    if !matches!(request.method.as_str(), "GET" | "HEAD") || !same(request.host.as_bytes(), host.as_bytes()) {
        return None;
    }
    let rest = request.target.strip_prefix('/')?;
    let (given, path) = rest.split_at_checked(token.len())?;
    (same(given.as_bytes(), token.as_bytes()) && path.starts_with("/media/")).then_some(path)
}

/// Whether two byte strings are equal, in time that depends only on their lengths.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |differ, (x, y)| differ | (x ^ y)) == 0
}

fn handle(app: &AppHandle, token: &str, host: &str, stream: TcpStream) -> std::io::Result<()> {
    stream.set_read_timeout(Some(std::time::Duration::from_secs(30)))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut writer = stream;
    while let Some(request) = read_request(&mut reader)? {
        let response = match route(&request, token, host) {
            Some(path) => crate::protocol::serve_path(app, path, request.range.as_deref()),
            None => tauri::http::Response::builder().status(404).body(Vec::new()).expect("an empty response builds"),
        };
        let mut head = format!(
            "HTTP/1.1 {} {}\r\nContent-Length: {}\r\nConnection: {}\r\n",
            response.status().as_u16(),
            response.status().canonical_reason().unwrap_or(""),
            response.body().len(),
            if request.keep_alive { "keep-alive" } else { "close" }
        );
        for (name, value) in response.headers() {
            // The window plays videos without reading them from script: no origin is let in.
            if name.as_str().eq_ignore_ascii_case("access-control-allow-origin") {
                continue;
            }
            head.push_str(&format!("{}: {}\r\n", name, value.to_str().unwrap_or("")));
        }
        head.push_str("\r\n");
        writer.write_all(head.as_bytes())?;
        if request.method != "HEAD" {
            writer.write_all(response.body())?;
        }
        writer.flush()?;
        if !request.keep_alive {
            return Ok(());
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOKEN: &str = "0123456789abcdef0123456789abcdef";
    const HOST: &str = "127.0.0.1:4242";

    fn request(text: &str) -> std::io::Result<Option<Request>> {
        read_request(&mut std::io::Cursor::new(text.as_bytes().to_vec()))
    }

    /// The window's policy allows media from this server's port and from no other loopback port.
    #[test]
    fn the_window_policy_names_only_this_servers_port() {
        let config: serde_json::Value = serde_json::from_str(include_str!("../tauri.conf.json")).unwrap();
        let written = config["app"]["security"]["csp"].as_str().expect("a CSP in tauri.conf.json");
        assert!(written.contains("http://127.0.0.1:*"), "the placeholder narrowed at start is in the config");
        let narrowed = narrow_csp(written, 4242);
        let media = narrowed.split(';').find(|d| d.trim().starts_with("media-src")).expect("media-src");
        assert!(media.contains("http://127.0.0.1:4242"), "{media}");
        assert!(!narrowed.contains("127.0.0.1:*"), "no wildcard port is left: {narrowed}");
    }

    #[test]
    fn only_a_read_to_this_host_under_the_token_is_served() {
        let good = request(&format!("GET /{TOKEN}/media/ab.mp4 HTTP/1.1\r\nHost: {HOST}\r\nRange: bytes=0-\r\n\r\n"))
            .unwrap()
            .unwrap();
        assert_eq!(route(&good, TOKEN, HOST), Some("/media/ab.mp4"));
        assert_eq!(good.range.as_deref(), Some("bytes=0-"));
        let other_host = Request { host: "evil.example:4242".into(), ..good };
        assert_eq!(route(&other_host, TOKEN, HOST), None, "a rebound name is not this server");
        let wrong = request(&format!("GET /{}/media/ab.mp4 HTTP/1.1\r\nHost: {HOST}\r\n\r\n", "f".repeat(32)))
            .unwrap()
            .unwrap();
        assert_eq!(route(&wrong, TOKEN, HOST), None, "another token");
        let post = request(&format!("POST /{TOKEN}/media/ab.mp4 HTTP/1.1\r\nHost: {HOST}\r\n\r\n")).unwrap().unwrap();
        assert_eq!(route(&post, TOKEN, HOST), None, "only reads");
        let elsewhere = request(&format!("GET /{TOKEN}/etc/passwd HTTP/1.1\r\nHost: {HOST}\r\n\r\n")).unwrap().unwrap();
        assert_eq!(route(&elsewhere, TOKEN, HOST), None, "only media");
        let short = request(&format!("GET /{} HTTP/1.1\r\nHost: {HOST}\r\n\r\n", &TOKEN[..5])).unwrap().unwrap();
        assert_eq!(route(&short, TOKEN, HOST), None, "a cut token");
    }

    #[test]
    fn endless_lines_and_headers_end_the_connection() {
        let long_line = format!("GET /{} HTTP/1.1\r\n\r\n", "a".repeat(20_000));
        assert!(request(&long_line).is_err(), "a request line past {MAX_LINE} bytes is refused unread");
        let many_headers = format!(
            "GET / HTTP/1.1\r\n{}\r\n",
            "X-Pad: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n".repeat(1_000)
        );
        assert!(request(&many_headers).is_err(), "more than {MAX_HEADERS} header bytes are refused");
        assert_eq!(request("").unwrap(), None, "a closed connection is no request");
    }

    #[test]
    fn tokens_compare_equal_only_when_equal() {
        assert!(same(b"abc", b"abc"));
        assert!(!same(b"abc", b"abd") && !same(b"abc", b"ab") && !same(b"", b"a"));
    }
}
