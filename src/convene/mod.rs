//! Convening: rituals and their gatherings. When a ritual meets (`cadence`), the rituals with
//! their RSVPs (`rituals`), and mixing the tables of a gathering (`tables`).

pub mod cadence;
pub mod rituals;
pub mod tables;
