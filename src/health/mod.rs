//! Community health: the interaction graph of a window of days (`graph`) and the report of
//! findings in sentences (`report`), computed on one laptop and never synced.

pub mod graph;
pub mod report;
