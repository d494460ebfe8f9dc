//! Artefacts and signs of membership on the community's History: when an artefact was made,
//! a new version, and a badge someone chose to show (an award kept private never appears).

use rusqlite::OptionalExtension;
use serde::Serialize;

use crate::error::Result;
use crate::store::library::Library;
use crate::text::forms::PartialDate;

/// What happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum HistoryKind {
    /// An artefact was made (at the precision its date is known).
    Made,
    /// A new version of an artefact.
    Version,
    /// A member received a badge and chose to show it.
    Badge,
}

/// One event on the History.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct HistoryEvent {
    pub year: i32,
    /// `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
    pub date: String,
    pub kind: HistoryKind,
    /// "The boathouse round", "Learning Circle t-shirt: 2026 (otter green)", "First-aid buddy".
    pub title: String,
    /// Who received a badge.
    pub member: Option<String>,
    /// The artefact, to open it.
    pub artefact_id: Option<String>,
}

/// Every event this member may see, newest first.
pub fn events(library: &Library) -> Result<Vec<HistoryEvent>> {
    let conn = library.conn();
    let mut out = Vec::new();
    for artefact in super::registry::list(library)? {
        let made = PartialDate::parse(&artefact.draft.original_date)
            .map(|d| (d.year(), artefact.draft.original_date.clone()))
            .unwrap_or_else(|| {
                let created: i64 = conn
                    .query_row("SELECT created_at FROM artefacts WHERE id = ?1", [&artefact.id], |r| r.get(0))
                    .optional()
                    .ok()
                    .flatten()
                    .unwrap_or_default();
                let date = library.local_date(crate::clock::Millis(created));
                (chrono::Datelike::year(&date), date.format("%Y-%m-%d").to_string())
            });
        out.push(HistoryEvent {
            year: made.0,
            date: made.1,
            kind: HistoryKind::Made,
            title: artefact.draft.name.clone(),
            member: None,
            artefact_id: Some(artefact.id.clone()),
        });
        // A first version is the artefact itself; later ones are news.
        for version in artefact.versions.iter().skip(1) {
            let created: i64 =
                conn.query_row("SELECT created_at FROM artefact_versions WHERE id = ?1", [&version.id], |r| r.get(0))?;
            let date = library.local_date(crate::clock::Millis(created));
            out.push(HistoryEvent {
                year: chrono::Datelike::year(&date),
                date: date.format("%Y-%m-%d").to_string(),
                kind: HistoryKind::Version,
                title: format!("{}: {}", artefact.draft.name, version.draft.label),
                member: None,
                artefact_id: Some(artefact.id.clone()),
            });
        }
    }
    let shown: Vec<String> = conn
        .prepare("SELECT DISTINCT member_id FROM badge_showcase WHERE shown = 1 AND deleted = 0")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for member in shown {
        let Ok(person) = crate::people::members::person(conn, &member) else { continue };
        for badge in super::awards::shown_on_profile(conn, &member)? {
            let Some(year) = badge.awarded_on.get(..4).and_then(|y| y.parse().ok()) else { continue };
            out.push(HistoryEvent {
                year,
                date: badge.awarded_on.clone(),
                kind: HistoryKind::Badge,
                title: badge.name,
                member: Some(person.display_name.clone()),
                artefact_id: None,
            });
        }
    }
    out.sort_by(|a, b| b.date.cmp(&a.date).then_with(|| a.title.cmp(&b.title)));
    Ok(out)
}
