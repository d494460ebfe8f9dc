//! Hosts of a ritual: members offer, the next host is suggested fairly, a host may step out.

use rusqlite::types::Value;
use serde::Serialize;

use crate::convene::rituals::{get, invalid, Ritual};
use crate::error::{Error, Result};
use crate::ids;
use crate::people::members::Person;
use crate::store::library::Library;
use crate::viewer::Viewer;

/// Who could host the next gathering without a host: the willing member who hosted least in
/// the last 12 months (ties: longest since hosting, then by name), and a backup.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct HostSuggestion {
    /// The gathering it is for.
    pub key: String,
    pub host: Person,
    pub backup: Option<Person>,
    /// Why, in words ("hosted once in the last 12 months, in March").
    pub reason: String,
}

/// The willing member who hosted least in the 12 months before `key` (ties: longest since
/// hosting, never first; then by name), and the next as a backup.
pub(super) fn suggest_host(
    willing: &[Person],
    hosted: &std::collections::HashMap<String, String>,
    key: &str,
) -> Option<HostSuggestion> {
    let year_before = chrono::NaiveDate::parse_from_str(key, "%Y-%m-%d").ok()? - chrono::Duration::days(365);
    let year_before = year_before.format("%Y-%m-%d").to_string();
    let mut ranked: Vec<(usize, String, &Person)> = willing
        .iter()
        .map(|p| {
            let mine: Vec<&String> =
                hosted.iter().filter(|(k, m)| **m == p.id && k.as_str() < key).map(|(k, _)| k).collect();
            let recent = mine.iter().filter(|k| k.as_str() >= year_before.as_str()).count();
            let last = mine.iter().max().map(|k| k.to_string()).unwrap_or_default();
            (recent, last, p)
        })
        .collect();
    ranked.sort_by(|a, b| (a.0, &a.1, &a.2.display_name).cmp(&(b.0, &b.1, &b.2.display_name)));
    let (recent, last, host) = ranked.first()?.clone();
    let reason = match (recent, last.as_str()) {
        (_, "") => "has not hosted yet".to_owned(),
        (0, last) => format!("last hosted on {last}, more than a year ago"),
        (1, last) => format!("hosted once in the last 12 months, last on {last}"),
        (n, last) => format!("hosted {n} times in the last 12 months, last on {last}"),
    };
    Some(HostSuggestion { key: key.to_owned(), host: host.clone(), backup: ranked.get(1).map(|r| r.2.clone()), reason })
}

/// Offers (or stops offering) to host a ritual's gatherings.
pub fn offer_to_host(library: &mut Library, id: &str, willing: bool) -> Result<Ritual> {
    let me = Viewer::me(library)?.member_id.ok_or(Error::NoIdentity)?;
    get(library, id)?;
    let row = ids::derived(&["ritual_hosts", id, &me]);
    library.write(|w| {
        w.apply(
            "ritual_hosts",
            &row,
            &[
                ("ritual_id", Value::Text(id.to_owned())),
                ("member_id", Value::Text(me.clone())),
                ("willing", Value::Integer(willing.into())),
            ],
        )
    })?;
    get(library, id)
}

/// Names the host of a gathering (its starter or a lead; a member willing to host), or, with
/// None, leaves it without one; the host may step out of it themselves.
pub fn set_host(library: &mut Library, id: &str, key: &str, host: Option<&str>) -> Result<Ritual> {
    let me = Viewer::me(library)?.member_id.ok_or(Error::NoIdentity)?;
    let ritual = get(library, id)?;
    let current = ritual
        .upcoming
        .iter()
        .find(|g| g.occurrence.key == key)
        .ok_or_else(|| invalid("occurrence", "that gathering is not among the next ones"))?;
    let stepping_out = host.is_none() && current.host.as_ref().is_some_and(|h| h.id == me);
    if !(ritual.can_edit || stepping_out) {
        return Err(Error::Forbidden {
            action: "name a host",
            reason: "who started the ritual and the leads may; a host may step out".into(),
        });
    }
    if let Some(host) = host {
        if !ritual.hosts.iter().any(|p| p.id == host) {
            return Err(invalid("host", "only members who offered to host can be named"));
        }
    }
    let columns = vec![("host_id", Value::Text(host.unwrap_or_default().to_owned()))];
    crate::convene::rituals::write_gathering(library, id, key, columns, !stepping_out)?;
    get(library, id)
}
