//! Each synced table's write rule: who may create, change and delete its rows (see the
//! module above for what every row shares and how a change is judged).

use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension};

use super::{
    a, consent, lifecycle_allows, may_move_initiative, sees_care_note, stored, text, Actor, Change, Refusal, RowValues,
};
use crate::error::Result;

/// The rule of the change's table.
pub(super) fn by_table(j: &Judged) -> Result<Verdict> {
    match j.change.table {
        "community" | "dimensions" | "story_prompts" | "invitations" | "pair_rounds" | "badge_issuers" | "badges"
        | "badge_revocations" => rule_leads_only(j),
        "devices" => rule_roster_entry(j),
        "members" => rule_member(j),
        "stories"
        | "story_responses"
        | "story_reactions"
        | "celebration_messages"
        | "initiative_people"
        | "initiative_updates"
        | "stances"
        | "accomplishments" => rule_owned(j),
        "care_notes" => rule_care_note(j),
        "care_messages" => rule_care_message(j),
        "initiatives" => rule_initiative(j),
        "initiative_moves" => rule_initiative_move(j),
        "decisions" => rule_decision(j),
        "moments" | "albums" | "album_media" => rule_collection(j),
        "media" => rule_photo(j),
        "media_tags" => rule_tag(j),
        "hide_requests" => rule_hide_request(j),
        "rituals" => rule_ritual(j),
        "ritual_occurrences" => rule_occurrence(j),
        "rsvps" => rule_rsvp(j),
        "ritual_hosts" => rule_host_offer(j),
        "attendance" => rule_attendance(j),
        "bring_items" => rule_bring_item(j),
        "welcomes" => rule_welcome(j),
        "pair_optins" => rule_pair_optin(j),
        "yearbook_pages" | "yearbook_signatures" => super::yearbook::rule(j),
        "pulse_rounds" | "pulse_answers" | "pulse_results" => super::pulse::rule(j),
        "artefacts" | "artefact_files" | "artefact_accounts" | "artefact_versions" | "merch_orders"
        | "badge_awards" | "badge_showcase" => super::artefacts::rule(j),
        table => Ok(Err(format!("writes {table}, which has no write rule"))),
    }
}

/// A verdict on one change: Ok, or why it is refused.
pub(super) type Verdict = std::result::Result<(), Refusal>;

/// One change being judged, with what every table's rule reads.
#[derive(Clone, Copy)]
pub(super) struct Judged<'a> {
    pub conn: &'a Connection,
    pub actor: &'a Actor,
    pub change: &'a Change<'a>,
    pub row: &'a dyn RowValues,
    /// The writer's member id.
    pub me: &'a str,
    /// What a row of the table is called ("care note").
    pub noun: &'static str,
}

impl Judged<'_> {
    /// Who wrote the row: from the database, never from the change (a row it creates is its
    /// writer's).
    pub(super) fn owner(&self) -> Result<String> {
        Ok(match self.change.creating {
            true => self.me.to_owned(),
            false => text(stored(self.conn, self.change.table, self.change.row, "author")?),
        })
    }

    pub(super) fn owns(&self) -> Result<bool> {
        Ok(self.owner()? == self.me && !self.me.is_empty())
    }

    /// Whether the change sets one of `columns` (set once, at creation) to something else.
    pub(super) fn set_once(&self, columns: &[&str]) -> Result<bool> {
        let change = self.change;
        Ok(!change.creating
            && columns.contains(&change.column)
            && stored(self.conn, change.table, change.row, change.column)?.as_ref() != Some(change.value))
    }
}

fn rule_leads_only(j: &Judged) -> Result<Verdict> {
    let Change { table, .. } = *j.change;
    let lead = j.actor.lead;
    let refuse = |why: String| Ok(Err(why));
    if !lead {
        return refuse(format!("changes {}, which only leads may", table.replace('_', " ")));
    }
    if table == "invitations" && j.set_once(&["public_key", "member_id"])? {
        return refuse("changes whom an invitation lets in".into());
    }
    if table == "badge_issuers" && j.set_once(&["did", "secret"])? {
        return refuse("changes the community's issuer key".into());
    }
    let undoing = j.change.column == "deleted" && *j.change.value == Value::Integer(1);
    if table == "badge_revocations" && (j.set_once(&["credential_id"])? || undoing) {
        return refuse("takes back a revocation".into());
    }
    Ok(Ok(()))
}

fn rule_roster_entry(j: &Judged) -> Result<Verdict> {
    let Judged { actor, change, me, .. } = *j;
    let Change { column, value, creating, .. } = *j.change;
    let lead = j.actor.lead;
    let deleting = j.change.column == "deleted";
    let refuse = |why: String| Ok(Err(why));
    if change.row != change.device {
        if !(lead && deleting) {
            return refuse("changes another device's entry in the roster".into());
        }
    } else if deleting && !(creating && *value == Value::Integer(0)) && !lead {
        // A device's first entry says it is not deleted; after that only a lead may say so.
        return refuse("removes or restores a laptop, which only leads may".into());
    } else if !actor.founder && j.set_once(&["public_key", "invitation_id", "endorsement", "member_id"])? {
        return refuse("changes the key or the invitation a laptop was let in with".into());
    } else if column == "public_key" && change.signer.is_some_and(|signer| *value != Value::Text(signer.into())) {
        return refuse("names a key in the roster other than the one that signed it".into());
    } else if column == "member_id" && !actor.founder && *value != Value::Text(me.into()) {
        return refuse("says its laptop speaks for another member".into());
    }
    Ok(Ok(()))
}

fn rule_member(j: &Judged) -> Result<Verdict> {
    let Judged { change, me, .. } = *j;
    let Change { column, value, creating, .. } = *j.change;
    let lead = j.actor.lead;
    let deleting = j.change.column == "deleted";
    let refuse = |why: String| Ok(Err(why));
    let own = change.row == me && !me.is_empty();
    if creating && !lead && !own {
        return refuse("adds a member, which only leads may".into());
    }
    if column == "feature_me" && !own {
        return refuse("sets whether another member is featured in memories and the yearbook".into());
    }
    if (column == "farewell" || column == "farewell_on") && !own {
        return refuse("writes another member's farewell".into());
    }
    if column == "welcomes_newcomers" && !own {
        return refuse("offers another member as a welcomer of newcomers".into());
    }
    if column == "hidden_dates" && !own {
        return refuse("sets the days another member asked not to be shown on".into());
    }
    if column == "health_opt_out" && !own {
        // Leaving oneself out of community health is the member's choice alone, even in a
        // lead's creation of the row (which would otherwise win on a laptop that is new to it).
        return refuse("sets another member's choice about community health".into());
    }
    if column == "role" {
        let plain_member = *value == Value::Text("member".into());
        if !(lead || creating && own && plain_member) {
            return refuse("changes a member's role, which only leads may".into());
        }
    } else if column == "joined_on" && !(lead || creating || own && later_or_same(j)?) {
        // When someone joined earns automatic badges (`artefacts::badges`): only the leads move
        // it earlier (a newcomer's own profile may say a later day than the lead's copy).
        return refuse("changes when a member joined, which only leads may".into());
    } else if deleting {
        if !(lead || creating && *value == Value::Integer(0)) {
            return refuse("removes a member, which only leads may".into());
        }
    } else if !(own || creating && lead) {
        return refuse("changes another member's profile".into());
    }
    Ok(Ok(()))
}

/// Whether a change to `joined_on` keeps it or moves it later than it stands here.
fn later_or_same(j: &Judged) -> Result<bool> {
    let stored = text(stored(j.conn, "members", j.change.row, "joined_on")?);
    Ok(text(Some(j.change.value.clone())) >= stored)
}

fn rule_owned(j: &Judged) -> Result<Verdict> {
    let Judged { conn, change, row, noun, .. } = *j;
    let Change { table, creating, .. } = *j.change;
    let refuse = |why: String| Ok(Err(why));
    if !j.owns()? {
        return refuse(format!("changes someone else's {noun}"));
    }
    let parts: &[&str] = match table {
        "story_responses" => &["story_id"],
        "story_reactions" => &["story_id", "reaction"],
        "celebration_messages" => &["occasion"],
        "initiative_people" => &["initiative_id", "kind"],
        "initiative_updates" => &["initiative_id"],
        "stances" => &["decision_id"],
        "accomplishments" => &["member_id"],
        _ => &[],
    };
    if j.set_once(parts)? {
        return refuse(format!("moves {} to something else", a(noun)));
    }
    if table == "initiative_people" && creating && text(row.get("kind")) == "support" {
        let status = text(stored(conn, "initiatives", &text(row.get("initiative_id")), "status")?);
        if matches!(status.as_str(), "done" | "dropped") {
            return refuse(format!("supports an initiative that is {status}"));
        }
    }
    if table == "stances" {
        let decision: Option<(i64, bool)> = conn
            .prepare_cached("SELECT closes_at, closed FROM decisions WHERE id = ?1")?
            .query_row([text(row.get("decision_id"))], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        if decision.is_some_and(|(closes_at, closed)| closed || change.at > closes_at) {
            return refuse("takes a stance after its decision closed".into());
        }
    }
    Ok(Ok(()))
}

fn rule_care_note(j: &Judged) -> Result<Verdict> {
    let Judged { row, me, .. } = *j;
    let Change { column, value, creating, .. } = *j.change;
    let lead = j.actor.lead;
    let refuse = |why: String| Ok(Err(why));
    let about = text(row.get("member_id"));
    let author = j.owner()?;
    if creating && about != me {
        if !lead {
            return refuse("shares a care note about another member, which only leads may".into());
        }
        if text(row.get("consent")).trim().is_empty() {
            return refuse("shares a care note about another member without their consent".into());
        }
    }
    if !creating {
        if j.set_once(&["member_id", "consent"])? {
            return refuse("changes whom a care note is about".into());
        }
        // Once shared, a note is only closed (its member or author may), as in the window.
        let closing = column == "closed" && *value == Value::Integer(1);
        if !(closing || column == "deleted") {
            return refuse("changes a care note after it was shared".into());
        }
        if !(author == me || about == me) || me.is_empty() {
            return refuse("changes someone else's care note".into());
        }
    }
    Ok(Ok(()))
}

fn rule_care_message(j: &Judged) -> Result<Verdict> {
    let Judged { conn, actor, .. } = *j;
    let Change { column, value, creating, .. } = *j.change;
    let refuse = |why: String| Ok(Err(why));
    if !j.owns()? {
        return refuse("changes someone else's care message".into());
    }
    if creating && column == "note_id" {
        let note = text(Some(value.clone()));
        if !sees_care_note(conn, actor, &note)? {
            return refuse("writes on a care note its author may not see".into());
        }
        if stored(conn, "care_notes", &note, "closed")? == Some(Value::Integer(1)) {
            return refuse("writes on a care note that was closed".into());
        }
    }
    if j.set_once(&["note_id"])? {
        return refuse("moves a care message to another note".into());
    }
    Ok(Ok(()))
}

fn rule_initiative(j: &Judged) -> Result<Verdict> {
    let Judged { conn, actor, change, row, .. } = *j;
    let Change { table, column, value, creating, .. } = *j.change;
    let lead = j.actor.lead;
    let refuse = |why: String| Ok(Err(why));
    let id = change.row;
    match column {
        "status" if creating => {
            if *value != Value::Text("idea".into()) {
                return refuse("proposes an initiative that is not an idea".into());
            }
        }
        // A proposal has no outcome yet: closing gives it one.
        "outcome" | "reflection" if creating => {
            if *value != Value::Text(String::new()) {
                return refuse("proposes an initiative with an outcome already".into());
            }
        }
        "status" | "outcome" | "reflection" => {
            if !may_move_initiative(conn, actor, id)? {
                return refuse("moves an initiative its author does not lead".into());
            }
            let from = text(stored(conn, table, id, "status")?);
            if from == "done" {
                return refuse("changes an initiative that was closed as done".into());
            }
            if column == "status"
                && *value == Value::Text("done".into())
                && !matches!(from.as_str(), "active" | "paused")
            {
                return refuse(format!("closes an initiative that is {from}, not active"));
            }
            // The write is judged as the row stood before it (the ops of one write are
            // judged together), so `from` is where the move starts.
            let to = text(row.get("status"));
            if column == "status" && from != to && !lifecycle_allows(&from, &to) {
                return refuse(format!("moves an initiative from {from} to {to}, which its lifecycle does not allow"));
            }
            if to == "done" && text(row.get("outcome")).trim().is_empty() {
                return refuse("marks an initiative done without its outcome".into());
            }
            // What came of it is written when it is closed, in the same write.
            if column != "status" && to != "done" {
                return refuse("writes an initiative's outcome without closing it".into());
            }
        }
        "deleted" if !creating => {
            if !lead {
                return refuse("deletes an initiative, which only leads may".into());
            }
        }
        _ => {
            if !j.owns()? {
                return refuse("changes someone else's initiative".into());
            }
        }
    }
    Ok(Ok(()))
}

fn rule_initiative_move(j: &Judged) -> Result<Verdict> {
    let Judged { conn, actor, row, .. } = *j;
    let Change { column, creating, .. } = *j.change;
    let refuse = |why: String| Ok(Err(why));
    if !creating {
        return refuse("changes the record of an initiative's moves".into());
    }
    if !may_move_initiative(conn, actor, &text(row.get("initiative_id")))? {
        return refuse("moves an initiative its author does not lead".into());
    }
    let (from, to) = (text(row.get("from_status")), text(row.get("to_status")));
    if column == "to_status" && !lifecycle_allows(&from, &to) {
        return refuse(format!("moves an initiative from {from} to {to}, which its lifecycle does not allow"));
    }
    Ok(Ok(()))
}

fn rule_decision(j: &Judged) -> Result<Verdict> {
    let Judged { conn, actor, change, row, .. } = *j;
    let Change { table, column, value, creating, .. } = *j.change;
    let lead = j.actor.lead;
    let refuse = |why: String| Ok(Err(why));
    let initiative = text(row.get("initiative_id"));
    let runs = match initiative.is_empty() {
        true => lead,
        false => may_move_initiative(conn, actor, &initiative)?,
    };
    if !runs {
        return refuse(if initiative.is_empty() {
            "opens or closes a community question, which only leads may".into()
        } else {
            "opens or closes a decision on an initiative its author does not lead".into()
        });
    }
    if j.set_once(&["initiative_id", "proposal", "closes_at"])? {
        return refuse("changes a decision after it was opened".into());
    }
    // Closing is once, with its outcome: no reopening, no rewriting what came of it.
    let outcome_set = !text(stored(conn, table, change.row, "outcome")?).is_empty();
    match column {
        "closed" if !creating && *value != Value::Integer(1) => {
            return refuse("reopens a decision".into());
        }
        "outcome" if !creating && (outcome_set || row.get("closed") != Some(Value::Integer(1))) => {
            return refuse("changes a decision's outcome other than by closing it".into());
        }
        "deleted" if !creating && !lead => {
            return refuse("deletes a decision, which only leads may".into());
        }
        _ => {}
    }
    Ok(Ok(()))
}

fn rule_collection(j: &Judged) -> Result<Verdict> {
    let Judged { noun, .. } = *j;
    let Change { table, creating, .. } = *j.change;
    let lead = j.actor.lead;
    let deleting = j.change.column == "deleted";
    let refuse = |why: String| Ok(Err(why));
    if deleting && !creating && table != "album_media" && !(j.owns()? || lead) {
        return refuse(format!("deletes someone else's {noun}"));
    }
    if j.set_once(&["album_id", "media_id"])? {
        return refuse(format!("moves {} to something else", a(noun)));
    }
    Ok(Ok(()))
}

fn rule_photo(j: &Judged) -> Result<Verdict> {
    let Change { column, value, creating, .. } = *j.change;
    let lead = j.actor.lead;
    let refuse = |why: String| Ok(Err(why));
    match column {
        "caption" | "moment_id" | "highlight" => {}
        "hidden" => {
            if !(lead || creating && *value == Value::Integer(0)) {
                return refuse("hides or shows a photo, which only leads may".into());
            }
        }
        "deleted" if !creating => {
            if !(j.owns()? || lead) {
                return refuse("deletes someone else's photo".into());
            }
        }
        _ => {
            if !creating && !j.owns()? {
                return refuse("changes what someone else imported".into());
            }
            if j.set_once(&["hash", "kind", "format", "thumb_hash", "preview_hash"])? {
                return refuse("changes which file a photo is".into());
            }
        }
    }
    Ok(Ok(()))
}

/// Whether member `tagged` lets a tag with `status` stand: "never" refuses every tag, "allow"
/// takes any, "ask" only a request waiting for their yes.
fn consents(conn: &Connection, tagged: &str, status: &str) -> Result<Verdict> {
    Ok(match consent(conn, tagged)?.as_str() {
        "never" => Err("tags a member who asked never to be tagged".into()),
        "allow" => Ok(()),
        _ if status == "requested" => Ok(()),
        _ => Err("tags a member without their yes".into()),
    })
}

fn rule_tag(j: &Judged) -> Result<Verdict> {
    let Judged { conn, row, me, .. } = *j;
    let Change { column, value, creating, .. } = *j.change;
    let lead = j.actor.lead;
    let refuse = |why: String| Ok(Err(why));
    let tagged = text(row.get("member_id"));
    if creating && tagged != me {
        // A tag made without a status is "tagged" (the column's default).
        let status = match row.get("status") {
            Some(Value::Text(status)) => status,
            _ => "tagged".into(),
        };
        if let Err(why) = consents(conn, &tagged, &status)? {
            return refuse(why);
        }
    }
    match column {
        "sort_at" | "moment_id" => {}
        "media_id" | "member_id" if j.set_once(&["media_id", "member_id"])? => {
            return refuse("moves a tag to another photo or member".into());
        }
        "status" if tagged != me => {
            if let Err(why) = consents(conn, &tagged, &text(Some(value.clone())))? {
                return refuse(why);
            }
        }
        "deleted" => {
            let restoring = *value == Value::Integer(0);
            let status = text(row.get("status"));
            let consent_now = consent(conn, &tagged)?;
            if restoring && tagged != me && (consent_now == "never" || (consent_now == "ask" && status != "requested"))
            {
                return refuse("tags a member without their yes".into());
            }
            if !(creating || restoring || j.owns()? || tagged == me || lead) {
                return refuse("removes someone else's tag".into());
            }
        }
        _ => {}
    }
    Ok(Ok(()))
}

fn rule_hide_request(j: &Judged) -> Result<Verdict> {
    let Change { column, value, .. } = *j.change;
    let lead = j.actor.lead;
    let deleting = j.change.column == "deleted";
    let refuse = |why: String| Ok(Err(why));
    match column {
        "status" | "resolved_by" => {
            let opening = (column == "status" && *value == Value::Text("open".into()))
                || (column == "resolved_by" && *value == Value::Text(String::new()));
            if !(lead || opening && j.owns()?) {
                return refuse("settles a request to hide a photo, which only leads may".into());
            }
        }
        _ => {
            if !(j.owns()? || (deleting && lead)) {
                return refuse("changes someone else's request to hide a photo".into());
            }
            if j.set_once(&["media_id"])? {
                return refuse("moves a request to hide a photo to another photo".into());
            }
        }
    }
    Ok(Ok(()))
}

/// Any member may start a ritual; its starter and the leads change or delete it; only a lead
/// brings a deleted one back (the window has no restore).
fn rule_ritual(j: &Judged) -> Result<Verdict> {
    if !(j.change.creating || j.owns()? || j.actor.lead) {
        return Ok(Err(format!("changes someone else's {}", j.noun)));
    }
    let restoring = !j.change.creating && j.change.column == "deleted" && *j.change.value == Value::Integer(0);
    if restoring && !j.actor.lead {
        return Ok(Err("brings back a deleted ritual, which only leads may".into()));
    }
    Ok(Ok(()))
}

/// Moving or cancelling one occurrence, or naming its host: the ritual's starter and the leads;
/// a host may step out of a gathering they were to host (and change nothing else).
fn rule_occurrence(j: &Judged) -> Result<Verdict> {
    let ritual = text(j.row.get("ritual_id"));
    let starter = text(stored(j.conn, "rituals", &ritual, "author")?);
    let stepping_out = !j.change.creating
        && j.change.column == "host_id"
        && *j.change.value == Value::Text(String::new())
        && text(stored(j.conn, "ritual_occurrences", j.change.row, "host_id")?) == j.me;
    if !(j.actor.lead || (!j.me.is_empty() && starter == j.me) || stepping_out) {
        return Ok(Err("moves or cancels a gathering of a ritual someone else started".into()));
    }
    if j.set_once(&["ritual_id", "occurrence_key"])? {
        return Ok(Err("moves a gathering's change to another gathering".into()));
    }
    // A host is someone who offered to host this ritual (as the window names them).
    let host = text(j.row.get("host_id"));
    if j.change.column == "host_id" && !host.is_empty() {
        let offered: bool = j.conn.query_row(
            "SELECT count(*) > 0 FROM ritual_hosts h JOIN members m ON m.id = h.member_id
             WHERE h.ritual_id = ?1 AND h.member_id = ?2 AND h.willing = 1 AND h.deleted = 0 AND m.deleted = 0",
            [&ritual, &host],
            |row| row.get(0),
        )?;
        if !offered {
            return Ok(Err("names a host who did not offer to host".into()));
        }
    }
    Ok(Ok(()))
}

/// An RSVP is its member's own: nobody answers for someone else.
fn rule_rsvp(j: &Judged) -> Result<Verdict> {
    if text(j.row.get("member_id")) != j.me || j.me.is_empty() {
        return Ok(Err("answers for another member".into()));
    }
    if j.set_once(&["ritual_id", "member_id", "occurrence_key", "scope"])? {
        return Ok(Err("moves an RSVP to another gathering".into()));
    }
    // A note is sealed to the leads and its member; as long as the window allows.
    if j.change.column == "note" && text(Some(j.change.value.clone())).chars().count() > 500 {
        return Ok(Err("adds a note to an RSVP longer than 500 characters".into()));
    }
    Ok(Ok(()))
}

/// An offer to host is its member's own.
fn rule_host_offer(j: &Judged) -> Result<Verdict> {
    if text(j.row.get("member_id")) != j.me || j.me.is_empty() {
        return Ok(Err("offers to host for another member".into()));
    }
    if j.set_once(&["ritual_id", "member_id"])? {
        return Ok(Err("moves an offer to host to another ritual or member".into()));
    }
    Ok(Ok(()))
}

/// A member says whether they went themself; the ritual's starter and the leads record anyone's
/// (a lead's tick). Each says which it is.
fn rule_attendance(j: &Judged) -> Result<Verdict> {
    let member = text(j.row.get("member_id"));
    let source = text(j.row.get("source"));
    let ritual = text(j.row.get("ritual_id"));
    let starter = text(stored(j.conn, "rituals", &ritual, "author")?);
    // The gathering's host records who came too.
    let key = text(j.row.get("occurrence_key"));
    let host: Option<String> = j
        .conn
        .query_row(
            "SELECT host_id FROM ritual_occurrences WHERE ritual_id = ?1 AND occurrence_key = ?2 AND deleted = 0",
            [&ritual, &key],
            |row| row.get(0),
        )
        .ok();
    let hosting = !j.me.is_empty() && host.as_deref() == Some(j.me);
    let may_record = j.actor.lead || (!j.me.is_empty() && starter == j.me) || hosting;
    match source.as_str() {
        "self" if member != j.me || j.me.is_empty() => return Ok(Err("says another member went or did not".into())),
        "lead" if !may_record => {
            return Ok(Err("records attendance, which the ritual's starter and the leads may".into()))
        }
        _ => {}
    }
    if j.set_once(&["ritual_id", "occurrence_key", "member_id"])? {
        return Ok(Err("moves attendance to another gathering or member".into()));
    }
    Ok(Ok(()))
}

/// Anyone adds to a bring list; its adder and the leads change or remove an item; a member
/// claims an unclaimed item for themself or lets go of their own; the claimer or a lead marks
/// it brought.
fn rule_bring_item(j: &Judged) -> Result<Verdict> {
    let Change { column, creating, .. } = *j.change;
    let lead = j.actor.lead;
    let stored_claim = match creating {
        true => String::new(),
        false => text(stored(j.conn, "bring_items", j.change.row, "claimed_by")?),
    };
    let refuse = |why: &str| Ok(Err(why.to_owned()));
    match column {
        "claimed_by" => {
            let claim = text(Some(j.change.value.clone()));
            let taking = claim == j.me && stored_claim.is_empty();
            let letting_go = claim.is_empty() && (stored_claim == j.me || lead);
            if !(taking || letting_go || (creating && claim.is_empty()) || claim == stored_claim) {
                return refuse("claims an item for someone else, or one already claimed");
            }
        }
        "brought" if !(creating || stored_claim == j.me || lead) => return refuse("marks someone else's item brought"),
        "item" | "deleted" if !(creating || j.owns()? || lead) => return refuse("changes an item someone else added"),
        _ => {}
    }
    if j.set_once(&["ritual_id", "occurrence_key"])? {
        return refuse("moves an item to another gathering");
    }
    Ok(Ok(()))
}

/// The leads and the ritual's starter ask a regular to welcome a newcomer.
fn rule_welcome(j: &Judged) -> Result<Verdict> {
    let ritual = text(j.row.get("ritual_id"));
    let starter = text(stored(j.conn, "rituals", &ritual, "author")?);
    if !(j.actor.lead || (!j.me.is_empty() && starter == j.me)) {
        return Ok(Err("asks someone to welcome a newcomer, which the leads and the ritual's starter may".into()));
    }
    if j.set_once(&["ritual_id", "occurrence_key", "newcomer_id"])? {
        return Ok(Err("moves a welcome to another gathering or newcomer".into()));
    }
    Ok(Ok(()))
}

/// Opting in to conversation pairs is each member's own choice.
fn rule_pair_optin(j: &Judged) -> Result<Verdict> {
    if text(j.row.get("member_id")) != j.me || j.me.is_empty() {
        return Ok(Err("opts another member in or out of conversation pairs".into()));
    }
    if j.set_once(&["member_id"])? {
        return Ok(Err("moves a choice about conversation pairs to another member".into()));
    }
    Ok(Ok(()))
}
