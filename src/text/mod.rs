//! Text checks and Markdown: the ground every layer may stand on (imports only `error`).

pub mod forms;
pub mod markdown;

use crate::error::{Error, Result};

/// `text` safe inside HTML, as element content or a quoted attribute.
pub fn escape_html(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// Trims, and refuses text longer than `max` characters or holding control characters.
pub fn validate_text(field: &'static str, text: &str, max: usize) -> Result<String> {
    let text = text.trim();
    let length = text.chars().count();
    if length > max {
        return Err(Error::invalid(field, format!("is {length} characters long; at most {max} fit")));
    }
    if text.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
        return Err(Error::invalid(field, "contains control characters"));
    }
    Ok(text.to_owned())
}
