//! Personal stories: written to a prompt or freely, personal or about learning, seen by the
//! community, the leads or chosen members; with responses and reactions. Every read takes a
//! [`Viewer`] and never returns a story (or its responses) the viewer may not see.

use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};

use crate::clock::Millis;
use crate::error::{Error, Result};
use crate::people::members::person;
use crate::people::threads::{self, Message};
use crate::store::library::Library;
use crate::text::validate_text;
use crate::viewer::Viewer;
use crate::{ids, people::members, store::search, text::markdown};

pub const TITLE_MAX: usize = 140;
pub const BODY_MAX: usize = 20_000;
pub const RESPONSE_MAX: usize = 4_000;

/// The reactions a story can get, named for what they say (the words a reaction may hold, in
/// the write rules).
pub use crate::store::rules::REACTIONS;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type, clap::ValueEnum)]
#[serde(rename_all = "camelCase")]
pub enum StoryKind {
    /// About the person: where they come from, what they love, what they went through.
    Personal,
    /// About the practice: what they learned, what changed how they work.
    Learning,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub enum StoryVisibility {
    Community,
    Leads,
    /// Only the members in the story's audience (and its author).
    Members,
}

#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct Prompt {
    pub id: String,
    pub text: String,
}

#[derive(Debug, Clone, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct StoryDraft {
    pub title: String,
    pub body: String,
    #[serde(default)]
    pub prompt_id: Option<String>,
    pub kind: StoryKind,
    pub visibility: StoryVisibility,
    /// Member ids, for `members` visibility.
    #[serde(default)]
    pub audience: Vec<String>,
    /// Hashes of photos already stored with `store_photo`, in order.
    #[serde(default)]
    pub photos: Vec<String>,
}

pub use crate::people::members::Person;

#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct ReactionCount {
    pub reaction: String,
    pub count: u32,
    /// Whether the viewer is among them (so the window can show the toggle pressed).
    pub mine: bool,
    pub by: Vec<Person>,
}

#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct Story {
    pub id: String,
    pub author: Person,
    pub title: String,
    /// Markdown source, for the author to edit; `None` for everyone else.
    pub body: Option<String>,
    pub body_html: String,
    pub prompt: Option<Prompt>,
    pub kind: StoryKind,
    pub visibility: StoryVisibility,
    /// Who the story is shown to when `visibility` is `members` (their names).
    pub audience: Vec<Person>,
    pub created_at: Millis,
    pub updated_at: Millis,
    /// Hashes of the story's photos (shown through `hearth://localhost/blobs/<hash>`).
    pub photos: Vec<String>,
    pub responses: Vec<Message>,
    pub reactions: Vec<ReactionCount>,
}

/// Which stories to list.
#[derive(Debug, Clone, Default, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct StoryFilter {
    #[serde(default)]
    pub author: Option<String>,
    #[serde(default)]
    pub kind: Option<StoryKind>,
    #[serde(default)]
    pub prompt_id: Option<String>,
}

pub fn prompts(conn: &Connection) -> Result<Vec<Prompt>> {
    let mut stmt =
        conn.prepare_cached("SELECT id, text FROM story_prompts WHERE deleted = 0 ORDER BY created_at, rowid")?;
    let rows = stmt.query_map([], |row| Ok(Prompt { id: row.get(0)?, text: row.get(1)? }))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Adds a prompt for everyone to write to. Leads only.
pub fn add_prompt(library: &mut Library, text: &str) -> Result<Prompt> {
    let text = validate_text("text", text, 200)?;
    if text.is_empty() {
        return Err(Error::invalid("text", "a prompt needs words"));
    }
    if !Viewer::me(library)?.is_lead {
        return Err(Error::Forbidden { action: "add prompts", reason: "only the community's leads may".into() });
    }
    let id = library.write(|w| {
        let id = w.new_id();
        w.apply("story_prompts", &id, &[("text", Value::Text(text.clone()))])?;
        Ok(id)
    })?;
    Ok(Prompt { id, text })
}

/// Writes a new story as the member at this device.
pub fn write_story(library: &mut Library, draft: StoryDraft) -> Result<Story> {
    let me = library.me()?.ok_or(Error::NoIdentity)?;
    let columns = story_columns(library, &draft)?;
    let id = library.write(|w| {
        let id = w.new_id();
        w.apply("stories", &id, &columns)?;
        search::index_story(w.conn(), &id)?;
        Ok(id)
    })?;
    get_story(library.conn(), &Viewer::member(library.conn(), &me)?, &id)
}

/// Rewrites a story. Only its author may.
pub fn update_story(library: &mut Library, id: &str, draft: StoryDraft) -> Result<Story> {
    let viewer = Viewer::me(library)?;
    let author = stored_author(library.conn(), id)?;
    if !viewer.is(&author) {
        return Err(Error::Forbidden { action: "edit this story", reason: "a story is edited by its author".into() });
    }
    let columns = story_columns(library, &draft)?;
    library.write(|w| {
        w.apply("stories", id, &columns)?;
        search::index_story(w.conn(), id)
    })?;
    get_story(library.conn(), &viewer, id)
}

/// Removes a story. Only its author may.
pub fn delete_story(library: &mut Library, id: &str) -> Result<()> {
    let viewer = Viewer::me(library)?;
    if !viewer.is(&stored_author(library.conn(), id)?) {
        return Err(Error::Forbidden {
            action: "delete this story",
            reason: "a story is deleted by its author".into(),
        });
    }
    library.write(|w| {
        w.delete("stories", id)?;
        search::index_story(w.conn(), id)
    })
}

/// Responds to a story the member at this device can see.
pub fn respond(library: &mut Library, story_id: &str, body: &str) -> Result<Story> {
    let viewer = Viewer::me(library)?;
    viewer.member_id.as_ref().ok_or(Error::NoIdentity)?;
    get_story(library.conn(), &viewer, story_id)?;
    let body = validate_text("body", body, RESPONSE_MAX)?;
    if body.is_empty() {
        return Err(Error::invalid("body", "a response needs words"));
    }
    library.write(|w| {
        w.apply(
            "story_responses",
            &w.new_id(),
            &[("story_id", Value::Text(story_id.to_owned())), ("body", Value::Text(body))],
        )
    })?;
    get_story(library.conn(), &viewer, story_id)
}

/// Adds the reaction, or takes it back if the member already gave it.
pub fn toggle_reaction(library: &mut Library, story_id: &str, reaction: &str) -> Result<Story> {
    if !REACTIONS.contains(&reaction) {
        return Err(Error::invalid("reaction", format!("{reaction:?} is not one of {}", REACTIONS.join(", "))));
    }
    let viewer = Viewer::me(library)?;
    let me = viewer.member_id.clone().ok_or(Error::NoIdentity)?;
    get_story(library.conn(), &viewer, story_id)?;
    let id = ids::derived(&["story_reaction", story_id, &me, reaction]);
    let given: Option<i64> = library
        .conn()
        .query_row("SELECT deleted FROM story_reactions WHERE id = ?1", [&id], |row| row.get(0))
        .optional()?;
    let deleted = matches!(given, Some(0));
    library.write(|w| {
        w.apply(
            "story_reactions",
            &id,
            &[
                ("story_id", Value::Text(story_id.to_owned())),
                ("reaction", Value::Text(reaction.to_owned())),
                ("deleted", Value::Integer(deleted.into())),
            ],
        )
    })?;
    get_story(library.conn(), &viewer, story_id)
}

struct StoredStory {
    id: String,
    author: String,
    title: String,
    body: String,
    prompt_id: String,
    kind: StoryKind,
    visibility: StoryVisibility,
    audience: Vec<String>,
    created_at: i64,
    updated_at: i64,
    photos: Vec<String>,
}

const STORY_COLUMNS: &str =
    "id, author, title, body, prompt_id, kind, visibility, audience, created_at, updated_at, photos";

fn stored(row: &Row) -> rusqlite::Result<StoredStory> {
    Ok(StoredStory {
        id: row.get(0)?,
        author: row.get(1)?,
        title: row.get(2)?,
        body: row.get(3)?,
        prompt_id: row.get(4)?,
        kind: if row.get::<_, String>(5)? == "learning" { StoryKind::Learning } else { StoryKind::Personal },
        visibility: match row.get::<_, String>(6)?.as_str() {
            "community" => StoryVisibility::Community,
            "leads" => StoryVisibility::Leads,
            // Anything unknown is treated as the narrowest audience.
            _ => StoryVisibility::Members,
        },
        audience: serde_json::from_str(&row.get::<_, String>(7)?).unwrap_or_default(),
        created_at: row.get(8)?,
        updated_at: row.get(9)?,
        photos: serde_json::from_str(&row.get::<_, String>(10)?).unwrap_or_default(),
    })
}

impl StoredStory {
    fn visible_to(&self, viewer: &Viewer) -> bool {
        viewer.is(&self.author)
            || match self.visibility {
                StoryVisibility::Community => true,
                StoryVisibility::Leads => viewer.is_lead,
                StoryVisibility::Members => {
                    viewer.member_id.as_ref().is_some_and(|me| self.audience.iter().any(|a| a == me))
                }
            }
    }
}

/// Whether `viewer` may see story `id` (false for unknown stories).
pub fn visible_to(conn: &Connection, viewer: &Viewer, id: &str) -> Result<bool> {
    Ok(load(conn, id)?.is_some_and(|s| s.visible_to(viewer)))
}

fn load(conn: &Connection, id: &str) -> Result<Option<StoredStory>> {
    Ok(conn
        .prepare_cached(&format!("SELECT {STORY_COLUMNS} FROM stories WHERE id = ?1 AND deleted = 0"))?
        .query_row([id], stored)
        .optional()?)
}

fn stored_author(conn: &Connection, id: &str) -> Result<String> {
    Ok(load(conn, id)?.ok_or_else(|| Error::not_found("story", id))?.author)
}

/// One story with its responses and reactions. A story hidden from the viewer is "not found",
/// exactly like one that does not exist, so its existence does not leak either.
pub fn get_story(conn: &Connection, viewer: &Viewer, id: &str) -> Result<Story> {
    match load(conn, id)? {
        Some(story) if story.visible_to(viewer) => assemble(conn, viewer, story),
        _ => Err(Error::not_found("story", id)),
    }
}

/// Stories the viewer may see, newest first.
pub fn list_stories(conn: &Connection, viewer: &Viewer, filter: &StoryFilter) -> Result<Vec<Story>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {STORY_COLUMNS} FROM stories WHERE deleted = 0
           AND (?1 IS NULL OR author = ?1) AND (?2 IS NULL OR kind = ?2) AND (?3 IS NULL OR prompt_id = ?3)
         ORDER BY created_at DESC, id DESC"
    ))?;
    let kind = filter.kind.map(|k| if k == StoryKind::Learning { "learning" } else { "personal" });
    let rows = stmt.query_map(rusqlite::params![filter.author, kind, filter.prompt_id], stored)?;
    let mut out = Vec::new();
    for story in rows {
        let story = story?;
        if story.visible_to(viewer) {
            out.push(assemble(conn, viewer, story)?);
        }
    }
    Ok(out)
}

fn assemble(conn: &Connection, viewer: &Viewer, s: StoredStory) -> Result<Story> {
    let prompt = if s.prompt_id.is_empty() {
        None
    } else {
        conn.prepare_cached("SELECT id, text FROM story_prompts WHERE id = ?1")?
            .query_row([&s.prompt_id], |row| Ok(Prompt { id: row.get(0)?, text: row.get(1)? }))
            .optional()?
    };
    let responses = threads::read(conn, "story_responses", "story_id", &s.id, false)?;
    let mut reactions: Vec<ReactionCount> = Vec::new();
    let mut stmt = conn.prepare_cached(
        "SELECT reaction, author FROM story_reactions WHERE story_id = ?1 AND deleted = 0 ORDER BY created_at, id",
    )?;
    let rows = stmt.query_map([&s.id], |row| Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?)))?;
    for row in rows {
        let (reaction, author) = row?;
        let who = person(conn, &author)?;
        let mine = viewer.is(&author);
        match reactions.iter_mut().find(|r| r.reaction == reaction) {
            Some(existing) => {
                existing.count += 1;
                existing.mine |= mine;
                existing.by.push(who);
            }
            None => reactions.push(ReactionCount { reaction, count: 1, mine, by: vec![who] }),
        }
    }
    reactions.sort_by_key(|r| REACTIONS.iter().position(|known| *known == r.reaction));
    let audience = match s.visibility {
        StoryVisibility::Members => s.audience.iter().map(|id| person(conn, id)).collect::<Result<_>>()?,
        _ => Vec::new(),
    };
    Ok(Story {
        author: person(conn, &s.author)?,
        title: s.title,
        body_html: markdown::render(&s.body),
        body: viewer.is(&s.author).then_some(s.body),
        prompt,
        kind: s.kind,
        visibility: s.visibility,
        audience,
        created_at: Millis(s.created_at),
        updated_at: Millis(s.updated_at),
        photos: s.photos,
        responses,
        reactions,
        id: s.id,
    })
}

fn story_columns(library: &Library, draft: &StoryDraft) -> Result<Vec<(&'static str, Value)>> {
    let conn = library.conn();
    let photos = crate::ingest::images::validate_photos(library.root(), &draft.photos)?;
    let title = validate_text("title", &draft.title, TITLE_MAX)?;
    if title.is_empty() {
        return Err(Error::invalid("title", "a story needs a title"));
    }
    let body = validate_text("body", &draft.body, BODY_MAX)?;
    if body.is_empty() {
        return Err(Error::invalid("body", "a story needs to be told"));
    }
    let prompt_id = draft.prompt_id.clone().unwrap_or_default();
    if !prompt_id.is_empty() && !prompts(conn)?.iter().any(|p| p.id == prompt_id) {
        return Err(Error::not_found("prompt", prompt_id));
    }
    let mut audience: Vec<String> = Vec::new();
    if draft.visibility == StoryVisibility::Members {
        for id in &draft.audience {
            members::role_of(conn, id)?;
            if !audience.contains(id) {
                audience.push(id.clone());
            }
        }
        if audience.is_empty() {
            return Err(Error::invalid("audience", "choose at least one member to share this story with"));
        }
    }
    let text = |s: &str| Value::Text(s.to_owned());
    Ok(vec![
        ("title", Value::Text(title)),
        ("body", Value::Text(body)),
        ("prompt_id", Value::Text(prompt_id)),
        ("kind", text(if draft.kind == StoryKind::Learning { "learning" } else { "personal" })),
        (
            "visibility",
            text(match draft.visibility {
                StoryVisibility::Community => "community",
                StoryVisibility::Leads => "leads",
                StoryVisibility::Members => "members",
            }),
        ),
        ("audience", Value::Text(serde_json::to_string(&audience).expect("ids serialize"))),
        ("photos", Value::Text(serde_json::to_string(&photos).expect("hashes serialize"))),
    ])
}
