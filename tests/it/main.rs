//! Core integration tests: one binary, a module per domain, real library folders on disk.

mod community;
mod library;
mod members;
mod privacy;
mod stories;
mod story;
mod support;
