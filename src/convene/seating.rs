//! Mixing the tables of a ritual's gathering from the members going (see `convene::tables`).

use serde::Serialize;

use crate::convene::rituals::{answers_for, get, invalid, load_answers, Answer};
use crate::error::{Error, Result};
use crate::store::library::Library;
use crate::viewer::Viewer;

/// One table of a gathering, with its people's names.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct TableOfPeople {
    pub people: Vec<crate::people::members::Person>,
    pub reasons: Vec<String>,
}

/// The tables of a gathering as mixed, with the pairs who meet someone new.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct TablePlan {
    pub tables: Vec<TableOfPeople>,
    pub new_pairs: u32,
    pub pairs: u32,
}

/// Mixes the tables of a gathering (a lead or its host) from the members going, at tables
/// of `size` (2 to 20): see `convene::tables`. Who has met whom is what "people to get to know"
/// reads (story responses and reactions, celebration messages, either way). `seed` gives
/// another good seating ("Mix again").
pub fn mix_tables(library: &Library, id: &str, key: &str, size: u32, seed: u64) -> Result<TablePlan> {
    use crate::convene::tables::{mix, Guest, Met};
    let ritual = get(library, id)?;
    let viewer = Viewer::me(library)?;
    // Seating names who is going: the leads and the gathering's host see it, nobody else.
    let hosting = ritual
        .upcoming
        .iter()
        .find(|g| g.occurrence.key == key)
        .and_then(|g| g.host.as_ref())
        .is_some_and(|host| viewer.member_id.as_deref() == Some(host.id.as_str()));
    if !(viewer.is_lead || hosting) {
        return Err(Error::Forbidden {
            action: "mix the tables",
            reason: "the leads and the gathering's host may".into(),
        });
    }
    if !(2..=20).contains(&size) {
        return Err(invalid("size", "tables seat 2 to 20"));
    }
    let conn = library.conn();
    let answers = load_answers(conn, id)?;
    let going: std::collections::HashSet<&str> = answers_for(&answers, key)
        .into_iter()
        .filter(|(_, a)| a.answer == Answer::Going)
        .map(|(member, _)| member)
        .collect();
    let today = library.today();
    let guests: Vec<Guest> = crate::people::members::list(conn, &viewer)?
        .into_iter()
        .filter(|m| going.contains(m.id.as_str()))
        .map(|m| Guest {
            years: chrono::NaiveDate::parse_from_str(&m.joined_on, "%Y-%m-%d")
                .map(|joined| (today - joined).num_days().max(0) as u32 / 365)
                .unwrap_or(0),
            newcomer: m.role == crate::people::members::Role::Newcomer,
            profession: m.profession.clone().unwrap_or_default(),
            name: m.display_name.clone(),
            id: m.id,
        })
        .collect();
    let mut met = Met::default();
    for guest in &guests {
        for other in crate::people::meet::interacted_with(conn, &guest.id)? {
            met.insert(&guest.id, &other);
        }
    }
    let seating = mix(&guests, size as usize, &met, seed);
    let name = |member: &str| guests.iter().find(|g| g.id == member).map(|g| g.name.clone()).unwrap_or_default();
    Ok(TablePlan {
        tables: seating
            .tables
            .into_iter()
            .map(|table| TableOfPeople {
                people: table
                    .guests
                    .iter()
                    .map(|member| crate::people::members::Person { id: member.clone(), display_name: name(member) })
                    .collect(),
                reasons: table.reasons,
            })
            .collect(),
        new_pairs: seating.new_pairs,
        pairs: seating.pairs,
    })
}
