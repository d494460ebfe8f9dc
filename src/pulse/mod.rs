//! The community pulse: rounds in which each member sets the dimensions' sliders, now and
//! wished-for (`rounds`), the results published at the close behind the community's threshold
//! (`tally`), the spread of views on each dimension (`stats`) and opinion groups (`groups`).

pub mod groups;
pub mod rounds;
pub mod stats;
pub mod tally;
