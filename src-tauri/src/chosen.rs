//! Paths the person chose in this run. A command that reads or writes a file named by the page
//! would let any script in the window (a crafted story, a compromised dependency) read
//! `~/.ssh` or overwrite `~/.bashrc`; so the page never names a path the shell has not handed
//! it. The shell opens the file dialogs itself (`commands::dialogs`), records what a drop on the
//! window brought, and knows the libraries it opened or suggested; every command that takes a
//! path asks [`Chosen::check`] first.
//!
//! The list lives in memory only: a new run starts with the library it opens and nothing else.

use std::path::{Component, Path, PathBuf};
use std::sync::Mutex;

use crate::error::{CommandError, CommandResult, ErrorCode};

/// How far a grant reaches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reach {
    /// This path only: a file chosen in a dialog, a library folder.
    Exactly,
    /// This path and everything under it: a folder chosen or dropped (an import walks it).
    Within,
}

/// What a grant lets commands do there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Use {
    /// Read only: a file chosen to open, anything dropped on the window (dropping a home
    /// folder to import its photos must not let the page overwrite `~/.bashrc`).
    Read,
    /// Read and write: a folder chosen in a folder dialog, a file chosen in a save dialog, a
    /// library folder the shell suggested or opened.
    Write,
}

#[derive(Debug)]
struct Grant {
    /// Resolved (symbolic links followed), as every checked path is.
    path: PathBuf,
    reach: Reach,
    can_write: bool,
}

/// The set of paths granted in this run.
#[derive(Debug, Default)]
pub struct Chosen {
    granted: Mutex<Vec<Grant>>,
    /// S3 and WebDAV targets the person confirmed in the shell's own dialog this run (as
    /// `Target`'s text), and prefixes from `HEARTH_CONFIRMED_TARGETS`.
    confirmed: Mutex<Vec<String>>,
}

impl Chosen {
    /// Grants `path` (ignored unless absolute and free of `..`).
    pub fn grant(&self, path: &Path, reach: Reach, purpose: Use) {
        let Some(path) = resolved(path) else { return };
        let mut granted = self.granted.lock().unwrap_or_else(|p| p.into_inner());
        let can_write = purpose == Use::Write;
        if !granted.iter().any(|g| g.path == path && g.reach == reach && g.can_write == can_write) {
            granted.push(Grant { path, reach, can_write });
        }
    }

    /// Grants each path of `HEARTH_CHOSEN_PATHS` (separated as `PATH` is) as if chosen in a
    /// folder dialog: for scripted runs and the end-to-end tests, which cannot drive a native
    /// dialog or drop. The environment belongs to the person who started Hearth, not the page.
    pub fn grant_from_environment(&self) {
        if let Some(list) = std::env::var_os("HEARTH_CHOSEN_PATHS") {
            for path in std::env::split_paths(&list) {
                self.grant(&path, Reach::Within, Use::Write);
            }
        }
    }

    /// Records that the person confirmed syncing with the remote `target` (its canonical text).
    pub fn confirm_remote(&self, target: &str) {
        self.confirmed.lock().unwrap_or_else(|p| p.into_inner()).push(target.to_owned());
    }

    /// Whether syncing with the remote `target` was confirmed this run (or its text starts
    /// with one of `HEARTH_CONFIRMED_TARGETS`, for the end-to-end tests).
    pub fn remote_confirmed(&self, target: &str) -> bool {
        let from_environment = std::env::var("HEARTH_CONFIRMED_TARGETS").unwrap_or_default();
        let confirmed = self.confirmed.lock().unwrap_or_else(|p| p.into_inner());
        confirmed.iter().any(|c| c == target)
            || from_environment.split_whitespace().any(|prefix| target.starts_with(prefix))
    }

    /// `path` when the person chose it (or a folder holding it) in this run; otherwise a
    /// `forbidden` error that says what to do.
    pub fn check(&self, path: &str) -> CommandResult<PathBuf> {
        self.check_for(path, false)
    }

    /// `path` when the person chose it in this run for writing: in a save dialog, or inside a
    /// folder chosen in a folder dialog (never only dropped or opened).
    pub fn check_write(&self, path: &str) -> CommandResult<PathBuf> {
        self.check_for(path, true)
    }

    /// A sync target the page names: a folder must be the one this library synced with last or
    /// one the person chose (a sync writes the community's changes there). An S3 or WebDAV
    /// address can only be typed: a sync asks the person before sending anything to a new one
    /// (`commands::sync::confirm_new_remote`).
    pub fn check_target(&self, target: &str, remembered: Option<&str>) -> CommandResult<()> {
        let target = target.trim();
        if target.is_empty() || Some(target) == remembered {
            return Ok(());
        }
        if let Ok(hearth::sync::storage::Target::Folder(folder)) = hearth::sync::storage::Target::parse(target) {
            self.check_write(&folder.display().to_string())?;
        }
        Ok(())
    }

    fn check_for(&self, path: &str, write: bool) -> CommandResult<PathBuf> {
        let given = PathBuf::from(path);
        let granted = self.granted.lock().unwrap_or_else(|p| p.into_inner());
        let allowed = resolved(&given).is_some_and(|path| {
            granted.iter().any(|grant| {
                (grant.can_write || !write)
                    && match grant.reach {
                        Reach::Exactly => grant.path == path,
                        Reach::Within => path.starts_with(&grant.path),
                    }
            })
        });
        match allowed {
            true => Ok(given),
            false => Err(CommandError {
                code: ErrorCode::Forbidden,
                message: format!(
                    "Hearth opens and writes only files and folders you chose in its own dialogs or dropped on \
                     its window{}, and {} was not one of them. Choose it again.",
                    if write { " (and writes only where you chose to save)" } else { "" },
                    given.display()
                ),
                field: Some("path".into()),
                target: None,
            }),
        }
    }
}

/// `path` with symbolic links followed (a link inside a chosen folder pointing at `/` must
/// not reach what it points to): its nearest existing ancestor resolved, the rest appended.
/// None unless absolute and free of `..`.
fn resolved(path: &Path) -> Option<PathBuf> {
    if !path.is_absolute() || path.components().any(|c| c == Component::ParentDir) {
        return None;
    }
    let mut existing = path;
    let mut rest = Vec::new();
    loop {
        if let Ok(real) = existing.canonicalize() {
            return Some(rest.iter().rev().fold(real, |whole, part| whole.join(part)));
        }
        rest.push(existing.file_name()?.to_owned());
        existing = existing.parent()?;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chosen() -> Chosen {
        let chosen = Chosen::default();
        chosen.grant(Path::new("/home/sam/Pictures/dinner"), Reach::Within, Use::Read);
        chosen.grant(Path::new("/home/sam/members.csv"), Reach::Exactly, Use::Write);
        chosen
    }

    #[test]
    fn a_chosen_folder_grants_what_is_inside_it_and_a_chosen_file_only_itself() {
        let chosen = chosen();
        assert!(chosen.check("/home/sam/Pictures/dinner").is_ok());
        assert!(chosen.check("/home/sam/Pictures/dinner/IMG_1.jpg").is_ok(), "an import walks the folder");
        assert!(chosen.check("/home/sam/members.csv").is_ok());
        assert!(chosen.check("/home/sam/members.csv.bak").is_err(), "a file grants no neighbour");
        assert!(chosen.check("/home/sam/Pictures/dinner-2").is_err(), "a prefix of the name is not inside");
    }

    #[test]
    fn paths_nobody_chose_are_refused_with_what_to_do() {
        let chosen = chosen();
        for path in ["/home/sam/.ssh/id_ed25519", "/etc/passwd", "/home/sam/Pictures", "relative/members.csv", ""] {
            let error = chosen.check(path).expect_err(path);
            assert_eq!(error.code, ErrorCode::Forbidden, "{path}");
            assert!(error.message.contains("Choose it again"), "{}", error.message);
        }
    }

    #[test]
    fn what_was_only_dropped_or_opened_is_read_and_never_written() {
        let chosen = chosen();
        assert!(chosen.check_write("/home/sam/Pictures/dinner/.bashrc").is_err(), "a dropped folder is read only");
        assert!(chosen.check_write("/home/sam/members.csv").is_ok(), "where the person chose to save");
        chosen.grant(Path::new("/home/sam/Exports"), Reach::Within, Use::Write);
        assert!(chosen.check_write("/home/sam/Exports/Dinner 2026").is_ok(), "inside a folder chosen to export into");
    }

    #[test]
    fn a_link_inside_a_chosen_folder_does_not_reach_what_it_points_to() {
        let dir = tempfile::tempdir().unwrap();
        let chosen_dir = dir.path().join("photos");
        let elsewhere = dir.path().join("private");
        std::fs::create_dir_all(&chosen_dir).unwrap();
        std::fs::create_dir_all(&elsewhere).unwrap();
        std::fs::write(elsewhere.join("secret.txt"), "x").unwrap();
        std::os::unix::fs::symlink(&elsewhere, chosen_dir.join("link")).unwrap();
        let chosen = Chosen::default();
        chosen.grant(&chosen_dir, Reach::Within, Use::Write);
        let through = chosen_dir.join("link/secret.txt");
        assert!(chosen.check(through.to_str().unwrap()).is_err(), "the link leads out of the chosen folder");
        let inside = chosen_dir.join("new.csv");
        assert!(chosen.check_write(inside.to_str().unwrap()).is_ok(), "a new file inside it is fine");
    }

    #[test]
    fn only_remote_targets_the_person_confirmed_count_as_confirmed() {
        let chosen = Chosen::default();
        assert!(!chosen.remote_confirmed("s3://circle?endpoint=https://evil.example"));
        chosen.confirm_remote("s3://circle?endpoint=https://s3.example.org");
        assert!(chosen.remote_confirmed("s3://circle?endpoint=https://s3.example.org"));
        assert!(
            !chosen.remote_confirmed("s3://circle?endpoint=https://s3.example.org.evil.example"),
            "exactly that one"
        );
    }

    #[test]
    fn dot_dot_cannot_climb_out_of_a_chosen_folder() {
        let chosen = chosen();
        assert!(chosen.check("/home/sam/Pictures/dinner/../../.bashrc").is_err());
        chosen.grant(Path::new("/home/sam/Pictures/../.."), Reach::Within, Use::Write);
        assert!(chosen.check("/home/sam/Pictures/../../etc/passwd").is_err(), "a grant with .. is ignored");
    }
}
