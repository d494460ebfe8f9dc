//! Core integration tests: one binary, a module per domain, real library folders on disk.

mod artefacts;
mod badges;
mod care;
mod celebrations;
mod clocks;
mod community;
mod convene;
mod convene_rules;
mod exchange;
mod fuzz;
mod gallery;
mod health;
mod hostile;
mod initiatives;
mod layers;
mod library;
mod meet;
mod members;
mod migrations;
mod privacy;
mod pulse;
mod sealing;
mod search;
mod servers;
mod stories;
mod story;
mod support;
mod sync;
mod sync_crash;
mod sync_keys;
mod sync_remote;
mod yearbook;

/// `hearth … --json | head` ends quietly when the reader has gone, as Unix tools do.
#[test]
fn a_closed_pipe_ends_the_cli_quietly() {
    use std::io::Read;
    use std::process::{Command, Stdio};
    let scratch = support::Scratch::new();
    let library = scratch.path("big");
    // Far more output than a pipe holds (64 KiB), so the writer meets the closed pipe.
    let mut big = support::create(&library, "Big");
    hearth::people::members::create_my_profile(&mut big, hearth::people::members::MemberDraft::named("Lea")).unwrap();
    let drafts = (0..1500).map(|i| hearth::people::members::MemberDraft::named(&format!("Member {i:04}"))).collect();
    hearth::people::members::create_members(&mut big, drafts).unwrap();
    drop(big);
    let mut child = Command::new(env!("CARGO_BIN_EXE_hearth"))
        .args(["members", "list"])
        .arg(&library)
        .arg("--json")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Read one byte, then hang up, as `head -c 1` does.
    let mut stdout = child.stdout.take().unwrap();
    let mut first = [0u8; 1];
    stdout.read_exact(&mut first).unwrap();
    drop(stdout);
    let mut stderr = String::new();
    child.stderr.take().unwrap().read_to_string(&mut stderr).unwrap();
    let status = child.wait().unwrap();
    assert!(!stderr.contains("panicked") && !stderr.contains("Broken pipe"), "{stderr}");
    assert!(status.success(), "{status:?}: {stderr}");
}
