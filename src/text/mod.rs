//! Text checks and Markdown: the ground every layer may stand on (imports only `error`).

pub mod markdown;
