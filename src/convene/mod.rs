//! Convening: rituals and their gatherings. When a ritual meets is `clock::cadence`; the rituals with
//! their RSVPs (`rituals`), who hosts (`hosts`), who came (`attendance`), and mixing the tables
//! of a gathering (`tables`, `seating`).

pub mod attendance;
pub mod bring;
pub mod fairness;
pub mod gatherings;
pub mod hosts;
pub mod looking_back;
pub mod pairs;
pub mod rituals;
pub mod seating;
pub mod tables;
pub mod welcome;
