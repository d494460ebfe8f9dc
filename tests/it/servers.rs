//! Real storage servers on loopback for sync tests: `moto_server` (S3, from PyPI) and
//! `rclone serve webdav` (Debian). Each runs as a child process on a free port and is
//! stopped when its handle drops. `scripts/deps.sh test` installs both.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

pub struct Server {
    child: Child,
    pub port: u16,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").expect("a free loopback port").local_addr().unwrap().port()
}

/// A tool from PATH or pip's user folder; the test fails with how to get it when absent.
fn tool(name: &str) -> std::path::PathBuf {
    let user_bin = dirs::home_dir().map(|h| h.join(".local/bin").join(name));
    std::env::var_os("PATH")
        .map(|paths| std::env::split_paths(&paths).map(|p| p.join(name)).collect::<Vec<_>>())
        .unwrap_or_default()
        .into_iter()
        .chain(user_bin)
        .find(|p| p.is_file())
        .unwrap_or_else(|| panic!("{name} is needed for the sync tests; run scripts/deps.sh test"))
}

fn start(mut command: Command, port: u16) -> Server {
    let child = command.stdout(Stdio::null()).stderr(Stdio::null()).spawn().expect("the server starts");
    let server = Server { child, port };
    // Up to 30 s (600 tries 50 ms apart): moto takes a few seconds to import on a cold start.
    let mut tries = 0;
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        tries += 1;
        assert!(tries < 600, "the server on port {port} did not start listening in 30 s");
        std::thread::sleep(Duration::from_millis(50));
    }
    server
}

/// An S3 server with one empty bucket.
pub fn s3(bucket: &str) -> Server {
    let port = free_port();
    let mut command = Command::new(tool("moto_server"));
    command.args(["-H", "127.0.0.1", "-p", &port.to_string()]);
    let server = start(command, port);
    let status = request(
        port,
        &format!("PUT /{bucket} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"),
    );
    assert!(status.starts_with("HTTP/1.1 200") || status.starts_with("HTTP/1.0 200"), "bucket made: {status}");
    server
}

/// A WebDAV server over `dir`, requiring a user name and password.
pub fn webdav(dir: &Path, user: &str, password: &str) -> Server {
    std::fs::create_dir_all(dir).unwrap();
    let port = free_port();
    let mut command = Command::new(tool("rclone"));
    command
        .args(["serve", "webdav"])
        .arg(dir)
        .args(["--user", user, "--pass", password, "--config", "/dev/null", "--addr"])
        .arg(format!("127.0.0.1:{port}"));
    start(command, port)
}

/// Sends a raw HTTP request and returns the response's status line.
fn request(port: u16, text: &str) -> String {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream.write_all(text.as_bytes()).unwrap();
    let mut response = String::new();
    let _ = stream.read_to_string(&mut response);
    response.lines().next().unwrap_or_default().to_owned()
}
