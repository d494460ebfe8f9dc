//! Who is reading. Every read of personal data is made on behalf of a [`Viewer`], and the
//! rules of what they may see live here, in the core, not in the window.

use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::store::library::Library;

/// Who may see a profile field.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum Visibility {
    #[default]
    Community,
    Leads,
    OnlyMe,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Viewer {
    /// The member reading, or `None` for no one in particular (sees only community fields).
    pub member_id: Option<String>,
    pub is_lead: bool,
}

impl Viewer {
    pub fn anonymous() -> Viewer {
        Viewer { member_id: None, is_lead: false }
    }

    /// The viewer for member `id` as the library knows them now (an unknown id sees what an
    /// anonymous reader sees).
    pub fn member(conn: &Connection, id: &str) -> Result<Viewer> {
        let role: Option<String> = conn
            .prepare_cached("SELECT role FROM members WHERE id = ?1 AND deleted = 0")?
            .query_row([id], |row| row.get(0))
            .optional()?;
        Ok(match role {
            Some(role) => Viewer { member_id: Some(id.to_owned()), is_lead: role == "lead" },
            None => Viewer::anonymous(),
        })
    }

    /// The member using this device.
    pub fn me(library: &Library) -> Result<Viewer> {
        match library.me()? {
            Some(id) => Viewer::member(library.conn(), &id),
            None => Ok(Viewer::anonymous()),
        }
    }

    pub fn is(&self, member_id: &str) -> bool {
        self.member_id.as_deref() == Some(member_id)
    }

    /// Whether this viewer may see a field of `owner` set to `visibility`.
    pub fn may_see(&self, owner: &str, visibility: Visibility) -> bool {
        self.is(owner)
            || match visibility {
                Visibility::Community => true,
                Visibility::Leads => self.is_lead,
                Visibility::OnlyMe => false,
            }
    }
}
