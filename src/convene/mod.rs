//! Convening: rituals and their gatherings. So far the parts that need no table of their own:
//! when a ritual meets (`cadence`) and mixing the tables of a gathering (`tables`).

pub mod cadence;
pub mod tables;
