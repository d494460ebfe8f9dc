//! Signs of membership: badge definitions (leads), and which members an automatic badge is
//! due to, computed from Hearth's own data in the same way on every laptop. Awards, and what
//! the person awarded decides about them, are in `awards`.
//!
//! There are no leaderboards, counts of anyone's badges or rarity anywhere: a badge lists who
//! chose to show it, nothing more.

use std::collections::BTreeSet;

use chrono::{Datelike, NaiveDate};
use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::store::library::Library;
use crate::text::validate_text;
use crate::viewer::Viewer;

/// A badge awarded from Hearth's own data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(tag = "kind", rename_all = "camelCase", rename_all_fields = "camelCase")]
pub enum AutoRule {
    /// Joined within 90 days of the community's beginning (its earliest member's joining).
    Founding,
    /// Went to at least `times` held gatherings of a ritual.
    Attended { ritual_id: String, times: u32 },
    /// Proposed or co-led an initiative that was closed as done.
    FirstInitiative,
    /// With the community for at least `years` years.
    YearsWithUs { years: u32 },
}

/// What a lead fills in to define a badge.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct BadgeDraft {
    pub name: String,
    pub description: String,
    /// What earns it, in words (Open Badges' `criteria.narrative`).
    pub criteria: String,
    /// A square picture's hash (stored as a photo is), if one.
    pub image: Option<String>,
    /// Whether a member may ask for it (a lead then approves).
    pub requestable: bool,
    /// Awarded automatically by this rule, if one.
    pub rule: Option<AutoRule>,
}

/// A badge as a member sees it.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct Badge {
    pub id: String,
    #[serde(flatten)]
    pub draft: BadgeDraft,
    /// Members who chose to show it on their profile, by name (never a count of anyone's).
    pub shown_by: Vec<crate::people::members::Person>,
    /// This member's award of it, if any.
    pub mine: Option<super::awards::Award>,
    /// For the leads: every award of it (who, and where each stands), newest first.
    pub awards: Option<Vec<super::awards::Award>>,
}

fn columns(library: &Library, draft: &BadgeDraft) -> Result<Vec<(&'static str, Value)>> {
    let name = validate_text("name", &draft.name, 80)?;
    if name.is_empty() {
        return Err(Error::invalid("name", "give the badge a name"));
    }
    let image = draft.image.clone().unwrap_or_default();
    if !image.is_empty() {
        crate::ingest::images::validate_photos(library.root(), std::slice::from_ref(&image))?;
    }
    if let Some(AutoRule::Attended { ritual_id, times }) = &draft.rule {
        crate::convene::rituals::get(library, ritual_id)?;
        if !(1..=500).contains(times) {
            return Err(Error::invalid("rule", "count from 1 to 500 gatherings"));
        }
    }
    if let Some(AutoRule::YearsWithUs { years }) = &draft.rule {
        if !(1..=80).contains(years) {
            return Err(Error::invalid("rule", "count from 1 to 80 years"));
        }
    }
    Ok(vec![
        ("name", Value::Text(name)),
        ("description", Value::Text(validate_text("description", &draft.description, 1_000)?)),
        ("criteria", Value::Text(validate_text("criteria", &draft.criteria, 2_000)?)),
        ("image", Value::Text(image)),
        ("requestable", Value::Integer(draft.requestable.into())),
        (
            "rule",
            Value::Text(
                draft.rule.as_ref().map(|r| serde_json::to_string(r).expect("a rule serialises")).unwrap_or_default(),
            ),
        ),
    ])
}

fn lead_only(library: &Library, action: &'static str) -> Result<Viewer> {
    let viewer = Viewer::me(library)?;
    if !viewer.is_lead {
        return Err(Error::Forbidden { action, reason: "the leads may".into() });
    }
    Ok(viewer)
}

/// Defines a badge (leads).
pub fn define(library: &mut Library, draft: BadgeDraft) -> Result<Badge> {
    lead_only(library, "define a badge")?;
    let columns = columns(library, &draft)?;
    let id = library.write(|w| {
        let id = w.new_id();
        w.apply("badges", &id, &columns)?;
        Ok(id)
    })?;
    get(library, &id)
}

/// Changes a badge's definition (leads); awards keep the definition they were given with.
pub fn update(library: &mut Library, id: &str, draft: BadgeDraft) -> Result<Badge> {
    lead_only(library, "change a badge")?;
    get(library, id)?;
    let columns = columns(library, &draft)?;
    library.write(|w| w.apply("badges", id, &columns))?;
    get(library, id)
}

/// Deletes a badge's definition (leads); its awards stay their members', with their snapshot.
pub fn delete(library: &mut Library, id: &str) -> Result<()> {
    lead_only(library, "delete a badge")?;
    get(library, id)?;
    library.write(|w| w.delete("badges", id))
}

pub(super) fn read(conn: &Connection, id: &str) -> Result<Option<BadgeDraft>> {
    Ok(conn
        .query_row(
            "SELECT name, description, criteria, image, requestable, rule FROM badges WHERE id = ?1 AND deleted = 0",
            [id],
            |r| {
                let rule: String = r.get(5)?;
                Ok(BadgeDraft {
                    name: r.get(0)?,
                    description: r.get(1)?,
                    criteria: r.get(2)?,
                    image: Some(r.get::<_, String>(3)?).filter(|i| !i.is_empty()),
                    requestable: r.get(4)?,
                    rule: serde_json::from_str(&rule).ok(),
                })
            },
        )
        .optional()?)
}

/// One badge. Errors: `NotFound`.
pub fn get(library: &Library, id: &str) -> Result<Badge> {
    let draft = read(library.conn(), id)?.ok_or_else(|| Error::NotFound { entity: "badge", id: id.to_owned() })?;
    let viewer = Viewer::me(library)?;
    let conn = library.conn();
    let awards = super::awards::of_badge(library, &viewer, id)?;
    let mine = awards.iter().find(|a| viewer.is(&a.member.id)).cloned();
    Ok(Badge {
        id: id.to_owned(),
        draft,
        shown_by: super::awards::shown_by(conn, id)?,
        mine,
        awards: viewer.is_lead.then_some(awards),
    })
}

/// Every badge, by name.
pub fn list(library: &Library) -> Result<Vec<Badge>> {
    let ids: Vec<String> = library
        .conn()
        .prepare("SELECT id FROM badges WHERE deleted = 0 ORDER BY name COLLATE NOCASE, id")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    ids.iter().map(|id| get(library, id)).collect()
}

/// The members (ids, sorted) an automatic badge is due to on `today`, from what this laptop
/// holds: the same data gives the same members on every laptop.
pub fn due(library: &Library, rule: &AutoRule, today: NaiveDate) -> Result<BTreeSet<String>> {
    let conn = library.conn();
    // Each member's joining date: as their profile says, else when their record was made.
    let joined: Vec<(String, NaiveDate)> = conn
        .prepare("SELECT id, joined_on, created_at FROM members WHERE deleted = 0 AND role != 'alumni'")?
        .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, i64>(2)?)))?
        .collect::<rusqlite::Result<Vec<_>>>()?
        .into_iter()
        .map(|(id, on, created)| {
            let date = NaiveDate::parse_from_str(&on, "%Y-%m-%d")
                .unwrap_or_else(|_| library.local_date(crate::clock::Millis(created)));
            (id, date)
        })
        .collect();
    Ok(match rule {
        AutoRule::Founding => {
            let Some(start) = joined.iter().map(|(_, d)| *d).min() else { return Ok(BTreeSet::new()) };
            let until = start + chrono::Duration::days(90);
            joined.into_iter().filter(|(_, d)| *d <= until).map(|(id, _)| id).collect()
        }
        AutoRule::YearsWithUs { years } => {
            let years = i32::try_from(*years).unwrap_or(i32::MAX);
            joined
                .into_iter()
                .filter(|(_, d)| {
                    let anniversary = NaiveDate::from_ymd_opt(d.year().saturating_add(years), d.month(), d.day())
                        .or_else(|| NaiveDate::from_ymd_opt(d.year().saturating_add(years), 3, 1));
                    anniversary.is_some_and(|a| a <= today)
                })
                .map(|(id, _)| id)
                .collect()
        }
        AutoRule::FirstInitiative => conn
            .prepare(
                "SELECT i.author FROM initiatives i WHERE i.status = 'done' AND i.deleted = 0
                 UNION SELECT p.author FROM initiative_people p JOIN initiatives i ON i.id = p.initiative_id
                 WHERE p.kind = 'colead' AND p.deleted = 0 AND i.status = 'done' AND i.deleted = 0",
            )?
            .query_map([], |r| r.get::<_, String>(0))?
            .collect::<rusqlite::Result<BTreeSet<_>>>()?
            .into_iter()
            .filter(|id| joined.iter().any(|(m, _)| m == id))
            .collect(),
        AutoRule::Attended { ritual_id, times } => {
            let held: BTreeSet<String> = crate::convene::attendance::held_keys(library, ritual_id)?;
            let mut counts: std::collections::BTreeMap<String, u32> = Default::default();
            let rows: Vec<(String, String)> = conn
                .prepare("SELECT member_id, occurrence_key FROM attendance WHERE ritual_id = ?1 AND went = 1 AND deleted = 0")?
                .query_map([ritual_id], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<rusqlite::Result<_>>()?;
            for (member, key) in rows {
                if held.contains(&key) {
                    *counts.entry(member).or_default() += 1;
                }
            }
            counts
                .into_iter()
                .filter(|(member, n)| n >= times && joined.iter().any(|(m, _)| m == member))
                .map(|(member, _)| member)
                .collect()
        }
    })
}
