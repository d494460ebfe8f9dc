//! Community health, computed on one laptop from what it holds and never synced: the
//! interaction graph of a window of days (`graph`), circles that turn inward (`groups`),
//! members who connect circles (`bridges`), the learning share over time (`learning`), who gets
//! the opportunities (`equity`), the finders (`findings`) and the report (`report`), plus a
//! member's choice to be left out of all of it (`opt_out`).

pub mod bridges;
pub mod equity;
mod findings;
pub mod graph;
pub mod groups;
pub mod learning;
pub mod opt_out;
pub mod placement;
pub mod report;
