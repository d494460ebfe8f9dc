//! For developers: the demo community, generated sample photos, benchmarks. May import anything.

pub mod bench;
pub mod demo;
pub mod fuzz;
pub mod health_bench;
pub mod pulse_bench;
pub mod sample;
pub mod sound;
pub mod startup_bench;
pub mod yearbook_bench;
