//! Core integration tests: one binary, a module per domain, real library folders on disk.

mod care;
mod celebrations;
mod community;
mod exchange;
mod gallery;
mod hostile;
mod initiatives;
mod layers;
mod library;
mod meet;
mod members;
mod migrations;
mod privacy;
mod sealing;
mod search;
mod servers;
mod stories;
mod story;
mod support;
mod sync;
mod sync_crash;
mod sync_keys;
mod sync_remote;
