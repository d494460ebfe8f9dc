//! The yearbook: the community's year as a book anyone can open. `book` gathers the year's
//! chapters from the library, with the people in it in control (a member who asked not to be
//! featured, a photo with a tag not agreed to, a hidden photo and care notes never appear);
//! `html` writes it as a self-contained folder (no script, no network, relative links), the
//! same bytes for the same library and year; `pdf` typesets the same book with typst;
//! `export` writes both, with progress and cancel; `words` is the wording both share.

pub mod book;
pub mod coverage;
pub mod export;
pub mod farewell;
pub mod featured;
pub mod html;
pub mod pdf;
pub mod personal;
pub mod primer;
pub mod words;
