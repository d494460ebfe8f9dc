//! Personal stories: prompts, visibility, responses and reactions.

use hearth::people::members;
use hearth::people::stories::{self, StoryDraft, StoryFilter, StoryKind, StoryVisibility};
use hearth::viewer::Viewer;
use hearth::Error;

use crate::support::{circle, Circle, Scratch};

fn draft(title: &str, visibility: StoryVisibility, audience: Vec<String>) -> StoryDraft {
    StoryDraft {
        title: title.into(),
        body: "It was a **long** night shift.".into(),
        prompt_id: Some("prompt-hard-day".into()),
        kind: StoryKind::Personal,
        visibility,
        audience,
        photos: vec![],
    }
}

fn titles(conn: &rusqlite::Connection, viewer: &Viewer) -> Vec<String> {
    stories::list_stories(conn, viewer, &StoryFilter::default()).unwrap().into_iter().map(|s| s.title).collect()
}

#[test]
fn a_story_written_to_a_prompt_gets_responses_the_author_sees() {
    let scratch = Scratch::new();
    let mut c = circle(&scratch);
    assert!(stories::prompts(c.library.conn()).unwrap().len() >= 8, "communities start with prompts");
    members::choose_me(&c.library, &c.ada).unwrap();
    let story = stories::write_story(&mut c.library, draft("The flood", StoryVisibility::Community, vec![])).unwrap();
    assert_eq!(story.prompt.as_ref().map(|p| p.text.as_str()), Some("A hard day, and what got you through it"));
    assert_eq!(story.body_html, "<p>It was a <strong>long</strong> night shift.</p>\n");

    members::choose_me(&c.library, &c.bo).unwrap();
    stories::respond(&mut c.library, &story.id, "Thank you for telling us.").unwrap();
    assert_eq!(story_as(&c, &c.bo, &story.id).body, None, "only the author gets the Markdown source to edit");

    let seen_by_author = story_as(&c, &c.ada, &story.id);
    assert_eq!(seen_by_author.responses.len(), 1);
    assert_eq!(seen_by_author.responses[0].author.display_name, "Bo", "the author sees who responded");
}

fn story_as(c: &Circle, who: &str, id: &str) -> stories::Story {
    stories::get_story(c.library.conn(), &Viewer::member(c.library.conn(), who).unwrap(), id).unwrap()
}

#[test]
fn reactions_toggle_and_count_once_per_member() {
    let scratch = Scratch::new();
    let mut c = circle(&scratch);
    members::choose_me(&c.library, &c.ada).unwrap();
    let story = stories::write_story(&mut c.library, draft("Sea", StoryVisibility::Community, vec![])).unwrap();
    members::choose_me(&c.library, &c.bo).unwrap();
    stories::toggle_reaction(&mut c.library, &story.id, "heart").unwrap();
    members::choose_me(&c.library, &c.cy).unwrap();
    let after = stories::toggle_reaction(&mut c.library, &story.id, "heart").unwrap();
    assert_eq!((after.reactions[0].count, after.reactions[0].mine), (2, true));
    let after = stories::toggle_reaction(&mut c.library, &story.id, "heart").unwrap();
    assert_eq!((after.reactions[0].count, after.reactions[0].mine), (1, false), "a second toggle takes it back");
    let rows: i64 = c.library.conn().query_row("SELECT count(*) FROM story_reactions", [], |r| r.get(0)).unwrap();
    assert_eq!(rows, 2, "one row per member and reaction, however often it is toggled");
    let bad = stories::toggle_reaction(&mut c.library, &story.id, "<script>");
    assert!(matches!(bad, Err(Error::Invalid { field: "reaction", .. })));
}

#[test]
fn story_visibility_is_enforced_for_lists_reads_and_responses() {
    let scratch = Scratch::new();
    let mut c = circle(&scratch);
    members::choose_me(&c.library, &c.ada).unwrap();
    let for_leads = stories::write_story(&mut c.library, draft("For leads", StoryVisibility::Leads, vec![])).unwrap();
    let for_bo =
        stories::write_story(&mut c.library, draft("For Bo", StoryVisibility::Members, vec![c.bo.clone()])).unwrap();
    stories::write_story(&mut c.library, draft("For all", StoryVisibility::Community, vec![])).unwrap();
    let conn = c.library.conn();
    let as_member = |id: &str| Viewer::member(conn, id).unwrap();

    assert_eq!(titles(conn, &as_member(&c.ada)), ["For all", "For Bo", "For leads"], "authors see their own");
    assert_eq!(titles(conn, &as_member(&c.lead)), ["For all", "For leads"], "leads see leads' stories");
    assert_eq!(titles(conn, &as_member(&c.bo)), ["For all", "For Bo"], "a named member sees theirs");
    assert_eq!(titles(conn, &as_member(&c.cy)), ["For all"], "others see only the community's");
    assert_eq!(titles(conn, &Viewer::anonymous()), ["For all"]);

    for (who, id) in [(&c.cy, &for_leads.id), (&c.cy, &for_bo.id), (&c.lead, &for_bo.id)] {
        let read = stories::get_story(conn, &as_member(who), id);
        assert!(matches!(read, Err(Error::NotFound { .. })), "a hidden story reads as not found");
    }
    members::choose_me(&c.library, &c.cy).unwrap();
    let respond = stories::respond(&mut c.library, &for_bo.id, "me too");
    assert!(matches!(respond, Err(Error::NotFound { .. })), "nobody responds to a story they cannot see");
    let react = stories::toggle_reaction(&mut c.library, &for_leads.id, "heart");
    assert!(matches!(react, Err(Error::NotFound { .. })));
}

#[test]
fn bad_stories_are_refused_and_only_authors_edit() {
    let scratch = Scratch::new();
    let mut c = circle(&scratch);
    members::choose_me(&c.library, &c.ada).unwrap();
    let cases = [
        (StoryDraft { title: " ".into(), ..draft("x", StoryVisibility::Community, vec![]) }, "title"),
        (StoryDraft { body: "".into(), ..draft("x", StoryVisibility::Community, vec![]) }, "body"),
        (draft("x", StoryVisibility::Members, vec![]), "audience"),
    ];
    for (bad, field) in cases {
        let result = stories::write_story(&mut c.library, bad);
        assert!(matches!(result, Err(Error::Invalid { field: f, .. }) if f == field), "{field}: {:?}", result.err());
    }
    let unknown = StoryDraft { prompt_id: Some("nope".into()), ..draft("x", StoryVisibility::Community, vec![]) };
    assert!(matches!(stories::write_story(&mut c.library, unknown), Err(Error::NotFound { entity: "prompt", .. })));
    assert!(titles(c.library.conn(), &Viewer::member(c.library.conn(), &c.ada).unwrap()).is_empty());

    let story = stories::write_story(&mut c.library, draft("Mine", StoryVisibility::Community, vec![])).unwrap();
    members::choose_me(&c.library, &c.bo).unwrap();
    let edit = stories::update_story(&mut c.library, &story.id, draft("Bo's now", StoryVisibility::Community, vec![]));
    assert!(matches!(edit, Err(Error::Forbidden { .. })));
    assert!(matches!(stories::delete_story(&mut c.library, &story.id), Err(Error::Forbidden { .. })));
}

#[test]
fn leads_add_prompts_and_members_cannot() {
    let scratch = Scratch::new();
    let mut c = circle(&scratch);
    let prompt = stories::add_prompt(&mut c.library, "The patient you still think about").unwrap();
    assert!(stories::prompts(c.library.conn()).unwrap().contains(&prompt));
    members::choose_me(&c.library, &c.bo).unwrap();
    assert!(matches!(stories::add_prompt(&mut c.library, "Mine"), Err(Error::Forbidden { .. })));
}

#[test]
fn stories_carry_photos_stored_in_the_library_and_nothing_else() {
    let scratch = Scratch::new();
    let mut c = circle(&scratch);
    members::choose_me(&c.library, &c.ada).unwrap();
    let picture = image::RgbImage::from_pixel(2400, 1200, image::Rgb([200, 120, 80]));
    let mut png = Vec::new();
    image::DynamicImage::ImageRgb8(picture)
        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .unwrap();
    let hash = hearth::ingest::images::store_photo(c.library.root(), &png).unwrap();
    let stored = image::open(hearth::store::blobs::image(c.library.root(), &hash).unwrap()).unwrap();
    assert_eq!((stored.width(), stored.height()), (1600, 800), "large photos are brought down to 1600 px");
    let with_photo = StoryDraft { photos: vec![hash.clone()], ..draft("Sea", StoryVisibility::Community, vec![]) };
    assert_eq!(stories::write_story(&mut c.library, with_photo).unwrap().photos, vec![hash]);
    let forged =
        StoryDraft { photos: vec!["../../hearth.db".into()], ..draft("x", StoryVisibility::Community, vec![]) };
    let result = stories::write_story(&mut c.library, forged);
    assert!(matches!(result, Err(Error::Invalid { field: "photos", .. })), "only stored photos can be attached");
}
