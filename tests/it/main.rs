//! Core integration tests: one binary, a module per domain, real library folders on disk.

mod community;
mod library;
mod members;
mod story;
mod support;
