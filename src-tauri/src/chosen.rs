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

/// The set of paths granted in this run.
#[derive(Debug, Default)]
pub struct Chosen {
    granted: Mutex<Vec<(PathBuf, Reach)>>,
}

impl Chosen {
    /// Grants `path` (ignored unless absolute and free of `..`).
    pub fn grant(&self, path: &Path, reach: Reach) {
        if plain(path) {
            self.granted.lock().unwrap_or_else(|p| p.into_inner()).push((path.to_path_buf(), reach));
        }
    }

    /// Grants each path of `HEARTH_CHOSEN_PATHS` (separated as `PATH` is) as if dropped on the
    /// window: for scripted runs and the end-to-end tests, which cannot drive a native dialog
    /// or drop. The environment belongs to the person who started Hearth, not to the page.
    pub fn grant_from_environment(&self) {
        if let Some(list) = std::env::var_os("HEARTH_CHOSEN_PATHS") {
            for path in std::env::split_paths(&list) {
                self.grant(&path, Reach::Within);
            }
        }
    }

    /// `path` as a `PathBuf` when the person chose it in this run; otherwise a `forbidden`
    /// error that says what to do.
    pub fn check(&self, path: &str) -> CommandResult<PathBuf> {
        let path = PathBuf::from(path);
        let granted = self.granted.lock().unwrap_or_else(|p| p.into_inner());
        let allowed = plain(&path)
            && granted.iter().any(|(grant, reach)| match reach {
                Reach::Exactly => *grant == path,
                Reach::Within => path.starts_with(grant),
            });
        match allowed {
            true => Ok(path),
            false => Err(CommandError {
                code: ErrorCode::Forbidden,
                message: format!(
                    "Hearth opens and writes only files and folders you chose in its own dialogs or dropped on \
                     its window, and {} was not one of them. Choose it again.",
                    path.display()
                ),
                field: Some("path".into()),
                target: None,
            }),
        }
    }
}

/// Absolute, and no `..` that could climb out of a granted folder.
fn plain(path: &Path) -> bool {
    path.is_absolute() && !path.components().any(|c| c == Component::ParentDir)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chosen() -> Chosen {
        let chosen = Chosen::default();
        chosen.grant(Path::new("/home/sam/Pictures/dinner"), Reach::Within);
        chosen.grant(Path::new("/home/sam/members.csv"), Reach::Exactly);
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
    fn dot_dot_cannot_climb_out_of_a_chosen_folder() {
        let chosen = chosen();
        assert!(chosen.check("/home/sam/Pictures/dinner/../../.bashrc").is_err());
        chosen.grant(Path::new("/home/sam/Pictures/../.."), Reach::Within);
        assert!(chosen.check("/home/sam/Pictures/../../etc/passwd").is_err(), "a grant with .. is ignored");
    }
}
