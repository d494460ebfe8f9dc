//! Links that leave Hearth.

use crate::error::CommandResult;

/// Opens a web or mail link from what members wrote in the desktop's browser or mail program,
/// once the person has agreed in the window. Refuses any other kind of link.
#[tauri::command]
#[specta::specta]
pub fn open_link(href: String) -> CommandResult<()> {
    let url = crate::opening::outside_link(&href).map_err(|reason| hearth::Error::invalid("link", reason))?;
    crate::opening::open_link(&url)
        .map_err(|reason| hearth::Error::invalid("link", format!("the link could not be opened: {reason}")).into())
}
