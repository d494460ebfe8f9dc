//! Originals for the window: videos and the photos it zooms into. WebKitGTK's media player
//! hands URLs to GStreamer, which has no source for custom schemes (WebKit bug 146351), so
//! `<video src="hearth://…">` never loads on Linux; and a custom scheme's answer is one buffer,
//! so a 200 MB original would sit whole in memory. Originals are therefore served over HTTP on
//! the loopback interface, streamed from disk in the ranges asked for, with the `hearth://`
//! protocol's privacy check, under a random token that only this window learns. Nothing
//! listens beyond 127.0.0.1, and no other path resolves.
//!
//! Any local program can connect, so the server trusts nothing it reads: request and header
//! lines are bounded, connections are capped, the `Host` must be this server's own (a web page
//! elsewhere cannot rebind a name to it), the token is compared in constant time, and no
//! response allows other origins to read it.

use std::io::{BufRead, BufReader, BufWriter, Read, Seek, SeekFrom, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use tauri::http::StatusCode;
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
    // A client that stops reading or writing gives its slot back: without these a local
    // program could hold every slot with a byte now and then.
    stream.set_read_timeout(Some(std::time::Duration::from_secs(10)))?;
    stream.set_write_timeout(Some(std::time::Duration::from_secs(10)))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut writer = BufWriter::new(stream);
    while let Some(request) = read_request(&mut reader)? {
        let answer = route(&request, token, host)
            .ok_or(StatusCode::NOT_FOUND)
            .and_then(|path| crate::protocol::resolve(app, path))
            .and_then(|(file, content_type)| open_range(&file, content_type, request.range.as_deref()));
        match answer {
            Ok(answer) => send_file(&mut writer, &request, answer)?,
            Err(code) => write_head(&mut writer, &request, code, 0, &[])?,
        }
        writer.flush()?;
        if !request.keep_alive {
            return Ok(());
        }
    }
    Ok(())
}

/// A file to send: the open handle, where to start, how many bytes, and the headers.
struct FileAnswer {
    handle: std::fs::File,
    status: StatusCode,
    start: u64,
    length: u64,
    headers: Vec<(&'static str, String)>,
}

/// Opens `file` for the requested range (the whole file without one). Nothing is read yet.
fn open_range(
    file: &std::path::Path,
    content_type: &'static str,
    range: Option<&str>,
) -> Result<FileAnswer, StatusCode> {
    let handle = std::fs::File::open(file).map_err(|_| StatusCode::NOT_FOUND)?;
    let size = handle.metadata().map_err(|_| StatusCode::NOT_FOUND)?.len();
    let mut headers = vec![
        ("Content-Type", content_type.to_owned()),
        ("Accept-Ranges", "bytes".to_owned()),
        // Content-addressed: a hash always names the same bytes.
        ("Cache-Control", "max-age=31536000, immutable".to_owned()),
    ];
    let Some(range) = range else {
        return Ok(FileAnswer { handle, status: StatusCode::OK, start: 0, length: size, headers });
    };
    let (start, end) = crate::protocol::parse_range(range, size).ok_or(StatusCode::RANGE_NOT_SATISFIABLE)?;
    headers.push(("Content-Range", format!("bytes {start}-{end}/{size}")));
    Ok(FileAnswer { handle, status: StatusCode::PARTIAL_CONTENT, start, length: end - start + 1, headers })
}

/// Streams the answer from disk through a small buffer: a photo or video of any size costs
/// this process the same few kilobytes (the window's player asks again for what it needs).
fn send_file(writer: &mut impl Write, request: &Request, answer: FileAnswer) -> std::io::Result<()> {
    let FileAnswer { mut handle, status, start, length, headers } = answer;
    write_head(writer, request, status, length, &headers)?;
    if request.method != "HEAD" {
        handle.seek(SeekFrom::Start(start))?;
        let sent = std::io::copy(&mut handle.take(length), writer)?;
        if sent < length {
            // The file shrank under us: end the connection rather than send a short body.
            return Err(std::io::Error::new(std::io::ErrorKind::UnexpectedEof, "file ended early"));
        }
    }
    Ok(())
}

/// The status line and headers. No `Access-Control-Allow-Origin`: the window plays and shows
/// what it loads without reading it from script, so no origin is let in.
fn write_head(
    writer: &mut impl Write,
    request: &Request,
    status: StatusCode,
    length: u64,
    headers: &[(&'static str, String)],
) -> std::io::Result<()> {
    let mut head = format!(
        "HTTP/1.1 {} {}\r\nContent-Length: {length}\r\nConnection: {}\r\n",
        status.as_u16(),
        status.canonical_reason().unwrap_or(""),
        if request.keep_alive { "keep-alive" } else { "close" }
    );
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    writer.write_all(head.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOKEN: &str = "0123456789abcdef0123456789abcdef";
    const HOST: &str = "127.0.0.1:4242";

    fn request(text: &str) -> std::io::Result<Option<Request>> {
        read_request(&mut std::io::Cursor::new(text.as_bytes().to_vec()))
    }

    fn sent(range: Option<&str>, method: &str) -> String {
        let mut file = tempfile::NamedTempFile::new().unwrap();
        let bytes: Vec<u8> = (0..50_000u32).map(|i| (i % 251) as u8).collect();
        file.write_all(&bytes).unwrap();
        let request = Request { method: method.into(), keep_alive: true, ..Request::default() };
        let mut out = Vec::new();
        match open_range(file.path(), "image/png", range) {
            Ok(answer) => send_file(&mut out, &request, answer).unwrap(),
            Err(code) => write_head(&mut out, &request, code, 0, &[]).unwrap(),
        }
        let split = out.windows(4).position(|w| w == b"\r\n\r\n").unwrap() + 4;
        let (head, body) = out.split_at(split);
        let expected: &[u8] = match range {
            Some("bytes=100-199") => &bytes[100..200],
            None if method == "GET" => &bytes,
            _ => &[],
        };
        assert_eq!(body, expected, "the body is exactly the bytes asked for");
        String::from_utf8(head.to_vec()).unwrap()
    }

    /// Originals are streamed from disk: a range gets exactly that range, no range the whole
    /// file, HEAD only the headers, and no answer lets another origin read it.
    #[test]
    fn an_original_is_streamed_in_the_range_asked_for() {
        let partial = sent(Some("bytes=100-199"), "GET");
        assert!(partial.starts_with("HTTP/1.1 206"), "{partial}");
        assert!(partial.contains("Content-Range: bytes 100-199/50000\r\n"), "{partial}");
        assert!(partial.contains("Content-Length: 100\r\n"), "{partial}");
        let whole = sent(None, "GET");
        assert!(whole.starts_with("HTTP/1.1 200") && whole.contains("Content-Length: 50000\r\n"), "{whole}");
        let head = sent(None, "HEAD");
        assert!(head.contains("Content-Length: 50000\r\n"), "HEAD says the size: {head}");
        let outside = sent(Some("bytes=60000-"), "GET");
        assert!(outside.starts_with("HTTP/1.1 416"), "{outside}");
        for answer in [partial, whole, head, outside] {
            assert!(!answer.to_ascii_lowercase().contains("access-control-allow-origin"), "{answer}");
        }
    }

    /// The window's policy allows media from this server's port and from no other loopback port.
    #[test]
    fn the_window_policy_names_only_this_servers_port() {
        let config: serde_json::Value = serde_json::from_str(include_str!("../tauri.conf.json")).unwrap();
        let written = config["app"]["security"]["csp"].as_str().expect("a CSP in tauri.conf.json");
        assert!(written.contains("http://127.0.0.1:*"), "the placeholder narrowed at start is in the config");
        let narrowed = narrow_csp(written, 4242);
        for directive in ["media-src", "img-src"] {
            let sources = narrowed.split(';').find(|d| d.trim().starts_with(directive)).expect(directive);
            assert!(sources.contains("http://127.0.0.1:4242"), "originals load from the server: {sources}");
        }
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
