//! Videos for WebKitGTK. Its media player hands URLs to GStreamer, which has no source for
//! custom schemes (WebKit bug 146351), so `<video src="hearth://…">` never loads on Linux.
//! Videos are therefore served over HTTP on the loopback interface, by the same code as the
//! `hearth://` protocol (Range requests, the privacy check), under a random token that only
//! this window learns. Nothing listens beyond 127.0.0.1, and no other path resolves.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};

use tauri::AppHandle;

/// Starts the server; returns the base URL (`http://127.0.0.1:<port>/<token>`).
pub fn start(app: AppHandle) -> std::io::Result<String> {
    let listener = TcpListener::bind(("127.0.0.1", 0))?;
    let port = listener.local_addr()?.port();
    let token = uuid::Uuid::new_v4().simple().to_string();
    let base = format!("http://127.0.0.1:{port}/{token}");
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let (app, token) = (app.clone(), token.clone());
            std::thread::spawn(move || {
                let _ = handle(&app, &token, stream);
            });
        }
    });
    Ok(base)
}

fn handle(app: &AppHandle, token: &str, stream: TcpStream) -> std::io::Result<()> {
    stream.set_read_timeout(Some(std::time::Duration::from_secs(30)))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut writer = stream;
    loop {
        let mut request_line = String::new();
        if reader.read_line(&mut request_line)? == 0 {
            return Ok(());
        }
        let mut range = None;
        let mut keep_alive = true;
        let mut header_bytes = 0;
        loop {
            let mut line = String::new();
            let read = reader.read_line(&mut line)?;
            header_bytes += read;
            if read == 0 || line == "\r\n" || line == "\n" || header_bytes > 16 * 1024 {
                break;
            }
            if let Some((name, value)) = line.split_once(':') {
                match name.trim().to_ascii_lowercase().as_str() {
                    "range" => range = Some(value.trim().to_owned()),
                    "connection" if value.trim().eq_ignore_ascii_case("close") => keep_alive = false,
                    _ => {}
                }
            }
        }
        let mut parts = request_line.split_whitespace();
        let (method, target) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
        let path =
            target.strip_prefix('/').and_then(|rest| rest.strip_prefix(token)).filter(|p| p.starts_with("/media/"));
        let response = match (method, path) {
            ("GET" | "HEAD", Some(path)) => crate::protocol::serve_path(app, path, range.as_deref()),
            _ => tauri::http::Response::builder().status(404).body(Vec::new()).expect("an empty response builds"),
        };
        let mut head = format!(
            "HTTP/1.1 {} {}\r\nContent-Length: {}\r\nConnection: {}\r\n",
            response.status().as_u16(),
            response.status().canonical_reason().unwrap_or(""),
            response.body().len(),
            if keep_alive { "keep-alive" } else { "close" }
        );
        for (name, value) in response.headers() {
            head.push_str(&format!("{}: {}\r\n", name, value.to_str().unwrap_or("")));
        }
        head.push_str("\r\n");
        writer.write_all(head.as_bytes())?;
        if method != "HEAD" {
            writer.write_all(response.body())?;
        }
        writer.flush()?;
        if !keep_alive {
            return Ok(());
        }
    }
}
