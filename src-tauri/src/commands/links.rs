//! Links that leave Hearth.

use crate::error::CommandResult;

/// Opens a web or mail link from what members wrote in the desktop's browser or mail program,
/// once the person has agreed in the window. Refuses any other kind of link; says so when no
/// program on the computer opened it (the launchers are watched for a moment, off the main
/// thread).
#[tauri::command]
#[specta::specta]
pub async fn open_link(href: String) -> CommandResult<()> {
    let url = crate::opening::outside_link(&href).map_err(|reason| hearth::Error::invalid("link", reason))?;
    crate::opening::open_link(url)
        .await
        .map_err(|reason| hearth::Error::invalid("link", format!("the link could not be opened: {reason}")).into())
}
