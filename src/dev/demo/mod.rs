//! The demo community: a deterministic sample (same ids, names and times on every machine)
//! that shows every capability. Each capability adds its content here as it lands.

use crate::memories::tags;
use std::path::Path;
use std::sync::Arc;

use crate::clock::{FixedClock, Millis};
use crate::community::CommunityDraft;
use crate::error::Result;
use crate::ids::IdSource;
use crate::memories::import::{self, ImportOptions};
use crate::memories::media::{self, MediaQuery};
use crate::memories::moments::{self, MomentDraft};
use crate::memories::tags::PhotoConsent;
use crate::people::care::{self, CareAudience, CareNoteDraft};
use crate::people::celebrations::{self, AccomplishmentDraft, AccomplishmentKind};
use crate::people::members::{self, MemberDraft, ProfileFields};
use crate::people::stories::{self, StoryDraft, StoryKind, StoryVisibility};
use crate::store::library::Library;
use crate::viewer::{Viewer, Visibility};

mod artefacts;
mod convene;
mod data;
mod health;
mod pulse;

use data::{Person, MOMENTS, PEOPLE, STORIES};

pub const DEMO_NAME: &str = "Riverside Care Learning Circle";
const SEED: u64 = 0x4845_4152_5448;
/// 2026-01-05T09:00:00Z: when the demo "happened".
pub(super) const DEMO_START: Millis = Millis(1_767_603_600_000);
pub(super) const DAY: i64 = 86_400_000;

/// Creates the demo community in `root` (which must be new or empty) and opens it, on the real
/// clock, as its first lead, so every screen has something to show.
pub fn create_demo(root: &Path) -> Result<Library> {
    let clock = Arc::new(FixedClock::new(DEMO_START, 60_000));
    let draft = CommunityDraft::new(
        DEMO_NAME,
        "Nurses, therapists, doctors, pharmacists, social workers and patient partners from across the \
         Riverside area who meet monthly to learn from each other's practice.",
    );
    let mut library = crate::community::create_with(root, draft, clock.clone(), IdSource::seeded(SEED))?;
    for (index, Person(name, role, joined, profession, organisation, interests)) in PEOPLE.iter().enumerate() {
        // Birthdays spread through the year, every 17 days or so, so some are always coming
        // up; every fifth member keeps theirs to themselves.
        let birthday = chrono::NaiveDate::from_yo_opt(2025, (index as u32 * 23 % 365) + 1).expect("a day of 2025");
        let draft = MemberDraft {
            display_name: (*name).to_owned(),
            role: Some(*role),
            joined_on: Some((*joined).to_owned()),
            profile: ProfileFields {
                profession: (*profession).to_owned(),
                organisation: (*organisation).to_owned(),
                interests: interests.iter().map(|s| (*s).to_owned()).collect(),
                birthday: birthday.format("%m-%d").to_string(),
                celebrate_birthday: index % 5 != 4,
                ..Default::default()
            },
        };
        if index == 0 {
            members::create_my_profile(&mut library, draft)?;
        } else {
            members::create_member(&mut library, draft)?;
        }
    }
    add_stories(&mut library, &clock)?;
    add_accomplishments(&mut library, &clock)?;
    add_profiles_and_care(&mut library, &clock)?;
    add_initiatives(&mut library, &clock)?;
    let mut library = add_gallery(library)?;
    convene::add_rituals(&mut library, &clock)?;
    artefacts::add_artefacts(&mut library, &clock)?;
    pulse::add_pulse(&mut library, &clock)?;
    add_primer(&mut library, &clock)?;
    // The demo's own clock stops here: what people do in it from now on happens today.
    drop(library);
    // Its last half year, planted up to yesterday, for the Health page.
    health::plant(root)?;
    let mut library = Library::open(root)?;
    // A pulse round open now, on the real clock (the demo is opened long after its own stops).
    pulse::open_current_round(&mut library)?;
    Ok(library)
}

/// The newcomers' guide: three stories the lead chose, and three members who offered to
/// welcome; and a signature in the lead's 2025 book.
fn add_primer(library: &mut Library, clock: &FixedClock) -> Result<()> {
    let everyone = members::list(library.conn(), &Viewer::anonymous())?;
    let id_of =
        |name: &str| everyone.iter().find(|m| m.display_name == name).map(|m| m.id.clone()).expect("demo member");
    let me = library.me()?.expect("the demo has a member at the keyboard");
    for welcomer in ["Tomás Herrera", "Grace Mwangi", "Sofia Rossi"] {
        members::choose_me(library, &id_of(welcomer))?;
        crate::yearbook::primer::offer_to_welcome(library, true)?;
    }
    // Bogdan moves away in December 2025 and leaves a few words for the year's book.
    clock.set(Millis(DEMO_START.0 - 25 * DAY));
    members::choose_me(library, &id_of("Bogdan Kowalski"))?;
    crate::yearbook::farewell::write(
        library,
        "I am moving to my daughter's town in the new year. Thank you for every Friday at the boathouse.",
    )?;
    // Tomás signs the lead's 2025 book; it waits for her yes.
    members::choose_me(library, &id_of("Tomás Herrera"))?;
    crate::yearbook::personal::sign(
        library,
        2025,
        &me,
        "Thank you for the boathouse dinners, and for making me sing.",
    )?;
    members::choose_me(library, &me)?;
    // The three oldest stories shared with everyone.
    let stories: Vec<String> = crate::yearbook::primer::story_choices(library.conn())?
        .into_iter()
        .rev()
        .take(3)
        .map(|story| story.id)
        .collect();
    crate::yearbook::primer::choose_stories(library, &stories)
}

/// Initiatives in every state, with supporters, helpers and a couple of decisions.
fn add_initiatives(library: &mut Library, clock: &FixedClock) -> Result<()> {
    use crate::initiatives::decisions::{self, StanceKind};
    use crate::initiatives::{self, InitiativeDraft, Involvement, Status};
    let everyone = members::list(library.conn(), &Viewer::anonymous())?;
    let id_of =
        |name: &str| everyone.iter().find(|m| m.display_name == name).map(|m| m.id.clone()).expect("demo member");
    let me = library.me()?.expect("the demo has a member at the keyboard");
    let dimensions = crate::community::dimensions(library.conn())?;
    // (proposer, title, difference, help wanted, interests, path of moves, supporters)
    type Plan<'a> = (&'a str, &'a str, &'a str, &'a [&'a str], &'a [&'a str], &'a [Status], &'a [&'a str]);
    let plans: [Plan; 6] = [
        ("Tomás Herrera", "Falls clinic in the community hall", "Older people fall at home and nobody sees it until A&E. I want a monthly clinic where they can come with a friend.", &["exercise", "data visualisation"], &["falls prevention"], &[Status::Gathering, Status::Active], &["Ingrid Johansson", "Rafael Gómez", "Priya Raman"]),
        ("Grace Mwangi", "Plain-language leaflets with patients", "Our leaflets are written for us, not for the people who read them.", &["health literacy", "design"], &["health literacy", "patient voice"], &[Status::Gathering], &["Amelia Watson", "Nadia Haddad"]),
        ("Marta Nowak", "Buddy system for newly qualified nurses", "My first month would have been easier with someone to ask. I want every new nurse to have that.", &["mentoring"], &["mentoring"], &[], &["Amara Okafor"]),
        ("Arjun Nair", "Shared simulation afternoons", "Simulation teaches teams, not individuals: let us train across professions.", &["simulation"], &["simulation", "human factors"], &[Status::Gathering, Status::Active], &["Hannah Schmidt", "Amara Okafor"]),
        ("Kwame Mensah", "Night-shift breakfast", "Night staff never see the community. A breakfast at 7 would change that.", &[], &["staff wellbeing"], &[Status::Gathering, Status::Paused], &["Liam O'Connor"]),
        ("Oliver Bennett", "Community podcast", "Recording our stories for people who cannot come.", &["audio editing"], &["podcasts"], &[Status::Dropped], &[]),
    ];
    for (index, (proposer, title, difference, help, interests, path, supporters)) in plans.iter().enumerate() {
        clock.set(Millis(DEMO_START.0 - (60 - index as i64 * 8) * DAY));
        members::choose_me(library, &id_of(proposer))?;
        let draft = InitiativeDraft {
            title: (*title).into(),
            difference: (*difference).into(),
            help_wanted: help.iter().map(|s| s.to_string()).collect(),
            interests: interests.iter().map(|s| s.to_string()).collect(),
            dimensions: vec![dimensions[index % dimensions.len()].id.clone(), dimensions[3].id.clone()],
            cover: if index % 3 == 0 {
                crate::ingest::images::store_photo(library.root(), &demo_photo(10 + index as u32))?
            } else {
                String::new()
            },
            ..Default::default()
        };
        let id = initiatives::propose(library, draft)?.id;
        for step in *path {
            initiatives::move_to(library, &id, *step)?;
        }
        for who in *supporters {
            members::choose_me(library, &id_of(who))?;
            initiatives::support(library, &id, "")?;
        }
        if index == 3 {
            members::choose_me(library, &id_of("Hannah Schmidt"))?;
            initiatives::involve(library, &id, Involvement::Colead, false)?;
            initiatives::post_update(library, &id, true, "First afternoon: 14 people from 5 professions.", &[])?;
            initiatives::close(
                library,
                &id,
                "Four afternoons ran; two wards now simulate monthly on their own.",
                "Mixing professions mattered more than the scenarios. Book the room before recruiting.",
            )?;
        }
        if index == 0 {
            members::choose_me(library, &id_of(proposer))?;
            let closes = Millis(DEMO_START.0 + 400 * DAY);
            let decision = decisions::propose(library, &id, "Hold the clinic on Saturday mornings", closes)?;
            for (who, stance, reason) in [
                ("Ingrid Johansson", StanceKind::Agree, "Families can come along."),
                ("Rafael Gómez", StanceKind::Disagree, "I work Saturdays."),
                ("Priya Raman", StanceKind::Abstain, ""),
            ] {
                members::choose_me(library, &id_of(who))?;
                decisions::take_stance(library, &decision.id, stance, reason)?;
            }
        }
    }
    // A community question, decided.
    members::choose_me(library, &me)?;
    let question =
        decisions::propose(library, "", "Move the monthly meeting to Thursdays", Millis(DEMO_START.0 + 5 * DAY))?;
    decisions::take_stance(library, &question.id, StanceKind::Agree, "Fewer clashes with clinics.")?;
    members::choose_me(library, &id_of("Sipho Dlamini"))?;
    decisions::take_stance(library, &question.id, StanceKind::Block, "Thursday is the ambulance training day.")?;
    members::choose_me(library, &me)?;
    decisions::close(library, &question.id, "We stay on Tuesdays and revisit in spring.")?;
    Ok(())
}

/// Fuller profiles for a few members (with some fields kept close), and care notes that show
/// how a struggle is shared with a few.
fn add_profiles_and_care(library: &mut Library, clock: &FixedClock) -> Result<()> {
    let everyone = members::list(library.conn(), &Viewer::anonymous())?;
    let find = |name: &str| everyone.iter().find(|m| m.display_name == name).cloned().expect("demo member");
    let me = library.me()?.expect("the demo has a member at the keyboard");
    clock.set(Millis(DEMO_START.0 - DAY));
    let profiles = [
        (
            "Amara Okafor",
            "she/her",
            "I trained in Lagos and Leeds and have taught nurses for fifteen years. I started this circle because \
             the best things I learned came from colleagues over tea, not from courses.",
            "running simulation on a shoestring",
        ),
        (
            "Tomás Herrera",
            "he/him",
            "Physio, cyclist, terrible cook. I care about keeping older people on their feet and out of hospital.",
            "falls clinics that people actually come back to",
        ),
        (
            "Marta Nowak",
            "she/her",
            "Newly qualified, first job on the surgical ward. Still learning where everything is, including people.",
            "what nursing school does not tell you",
        ),
    ];
    for (name, pronouns, bio, ask) in profiles {
        let member = find(name);
        members::choose_me(library, &member.id)?;
        let fields = ProfileFields {
            pronouns: pronouns.into(),
            bio: bio.into(),
            ask_me_about: ask.into(),
            profession: member.profession.clone().unwrap_or_default(),
            organisation: member.organisation.clone().unwrap_or_default(),
            interests: member.interests.clone().unwrap_or_default(),
            birthday: member.birthday.clone().unwrap_or_default(),
            celebrate_birthday: member.celebrate_birthday,
            contact: format!("{}@riverside.example", name.split_whitespace().next().unwrap_or(name).to_lowercase()),
            visibility: [("contact".to_string(), Visibility::Leads)].into(),
            ..Default::default()
        };
        members::update_profile(library, &member.id, name, &fields)?;
    }
    let bogdan = find("Bogdan Kowalski").id;
    members::choose_me(library, &bogdan)?;
    let note = care::share_care_note(
        library,
        CareNoteDraft {
            member_id: None,
            consent: String::new(),
            audience_kind: CareAudience::Leads,
            audience: Vec::new(),
            title: "My mother died last week".into(),
            body: "I will miss the January meeting. I would rather not talk about it at the dinner, but I wanted the leads to know.".into(),
        },
    )?;
    members::choose_me(library, &me)?;
    care::offer_support(library, &note.id, "Thank you for telling us, Bogdan. Take all the time you need.")?;
    Ok(())
}

fn add_accomplishments(library: &mut Library, clock: &FixedClock) -> Result<()> {
    let everyone = members::list(library.conn(), &Viewer::anonymous())?;
    let id_of =
        |name: &str| everyone.iter().find(|m| m.display_name == name).map(|m| m.id.clone()).expect("demo member");
    let me = library.me()?.expect("the demo has a member at the keyboard");
    let posts = [
        (
            "Tomás Herrera",
            "Priya Raman",
            AccomplishmentKind::Publication,
            "Published the falls audit",
            "Our falls audit is out in the regional quality bulletin.",
            "2025-11-20",
        ),
        // Shared by Hannah herself: her consent to be celebrated in the yearbook.
        (
            "Hannah Schmidt",
            "Hannah Schmidt",
            AccomplishmentKind::Certification,
            "Simulation instructor certificate",
            "",
            "2025-12-08",
        ),
        (
            "Mei Lin Chen",
            "Yusuf Demir",
            AccomplishmentKind::Thanks,
            "Covered three weekends in a row",
            "Thank you, Yusuf. The pharmacy kept running because of you.",
            "2025-12-22",
        ),
    ];
    for (author, honouree, kind, title, description, on) in posts {
        clock.set(Millis(DEMO_START.0 - 10 * DAY));
        members::choose_me(library, &id_of(author))?;
        let occasion = celebrations::post_accomplishment(
            library,
            AccomplishmentDraft {
                member_id: id_of(honouree),
                kind,
                title: title.into(),
                description: description.into(),
                happened_on: on.into(),
            },
        )?;
        members::choose_me(library, &id_of("Sofia Rossi"))?;
        celebrations::leave_message(library, &occasion.key, "Congratulations! Well deserved.", &[])?;
    }
    members::choose_me(library, &me)?;
    Ok(())
}

fn add_stories(library: &mut Library, clock: &FixedClock) -> Result<()> {
    let everyone = members::list(library.conn(), &Viewer::anonymous())?;
    let id_of =
        |name: &str| everyone.iter().find(|m| m.display_name == name).map(|m| m.id.clone()).expect("demo member");
    let me = library.me()?.expect("the demo has a member at the keyboard");
    for (index, (author, prompt, title, kind, body, responses, reactions)) in STORIES.iter().enumerate() {
        // Spread the stories over the autumn before the demo's day, one every 17 days.
        clock.set(Millis(DEMO_START.0 - (STORIES.len() - index) as i64 * 17 * DAY));
        members::choose_me(library, &id_of(author))?;
        let draft = StoryDraft {
            title: (*title).to_owned(),
            body: (*body).to_owned(),
            prompt_id: Some((*prompt).to_owned()),
            kind: *kind,
            visibility: StoryVisibility::Community,
            audience: Vec::new(),
            // Every other story carries a (generated) photo.
            photos: if index % 2 == 1 {
                vec![crate::ingest::images::store_photo(library.root(), &demo_photo(index as u32))?]
            } else {
                Vec::new()
            },
        };
        let story = stories::write_story(library, draft)?;
        for (who, text) in *responses {
            members::choose_me(library, &id_of(who))?;
            stories::respond(library, &story.id, text)?;
        }
        for (who, reaction) in *reactions {
            members::choose_me(library, &id_of(who))?;
            stories::toggle_reaction(library, &story.id, reaction)?;
        }
    }
    clock.set(Millis(DEMO_START.0 - 2 * DAY));
    // One story shared with the leads only, to show that stories can be kept close.
    members::choose_me(library, &id_of("Bogdan Kowalski"))?;
    stories::write_story(
        library,
        StoryDraft {
            title: "Why I almost left".into(),
            body: "Last winter I nearly stopped coming. I am glad I did not, and I would like the leads to know why."
                .into(),
            prompt_id: None,
            kind: StoryKind::Personal,
            visibility: StoryVisibility::Leads,
            audience: Vec::new(),
            photos: Vec::new(),
        },
    )?;
    members::choose_me(library, &me)?;
    Ok(())
}

/// A generated picture (an evening sky over hills, in the demo's colours), so the demo holds
/// photos without downloading any.
fn demo_photo(seed: u32) -> Vec<u8> {
    let (width, height) = (960u32, 640u32);
    let hue = (seed * 37 % 60) as f32;
    let picture = image::RgbImage::from_fn(width, height, |x, y| {
        let fx = x as f32 / width as f32;
        let fy = y as f32 / height as f32;
        let hill = 0.62 + 0.08 * ((fx * 6.0 + seed as f32).sin()) + 0.04 * ((fx * 17.0).cos());
        let sun = ((fx - 0.7).powi(2) + (fy - 0.35).powi(2)).sqrt() < 0.08;
        if sun {
            image::Rgb([255, 226, 150])
        } else if fy > hill {
            image::Rgb([(60.0 + hue) as u8, (70.0 + 40.0 * fy) as u8, 50])
        } else {
            image::Rgb([(230.0 - 60.0 * fy) as u8, (140.0 + hue - 40.0 * fy) as u8, (110.0 + 60.0 * fy) as u8])
        }
    });
    let mut png = Vec::new();
    image::DynamicImage::ImageRgb8(picture)
        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .expect("a generated picture encodes");
    png
}

/// Moments with generated photos (and a short generated video when ffmpeg is present), a
/// few highlights and tags, and two groups of photos not yet in a moment to review.
fn add_gallery(library: Library) -> Result<Library> {
    use crate::dev::sample::{self, SampleExif};
    // Generated inside the new library's folder (unique to this demo), removed when imported.
    let folder = library.root().join(".demo-photos");
    let _ = std::fs::remove_dir_all(&folder);
    let write_photos = |dir: &Path, count: usize, first: &str, step: u32, seed: u64, place: (f64, f64)| -> Result<()> {
        std::fs::create_dir_all(dir).map_err(|e| crate::Error::io(dir, e))?;
        let start = chrono::NaiveDateTime::parse_from_str(first, "%Y:%m:%d %H:%M:%S").expect("demo times parse");
        for i in 0..count {
            let at = start + chrono::Duration::minutes(i64::from(step) * i as i64);
            let exif = SampleExif {
                taken_at: Some(at.format("%Y:%m:%d %H:%M:%S").to_string()),
                offset: Some("+01:00".into()),
                orientation: Some(if i == 2 { 6 } else { 1 }),
                gps: Some((place.0 + i as f64 * 1e-4, place.1)),
                camera: Some(("Hearth".into(), "Demo Camera".into())),
            };
            let (width, height) = if i == 2 { (600, 450) } else { (800, 600) };
            let path = dir.join(format!("IMG_{:04}.jpg", seed as usize * 100 + i));
            std::fs::write(&path, sample::jpeg(width, height, seed * 1000 + i as u64, &exif))
                .map_err(|e| crate::Error::io(&path, e))?;
        }
        Ok(())
    };
    let shared = std::sync::Mutex::new(library);
    let cancel = std::sync::atomic::AtomicBool::new(false);
    let me = shared.lock().expect("not poisoned").me()?.unwrap_or_default();
    for (index, (title, kind, starts, place, story, learned, count, first, step)) in MOMENTS.iter().enumerate() {
        let moment = {
            let mut library = shared.lock().expect("not poisoned");
            let attendees: Vec<String> = members::list(library.conn(), &Viewer::anonymous())?
                .iter()
                .skip(index)
                .step_by(3)
                .map(|m| m.id.clone())
                .collect();
            let mut draft = MomentDraft::titled(title, *kind, starts);
            draft.place = (*place).into();
            draft.story = (*story).into();
            draft.learned = (*learned).into();
            draft.attendees = attendees;
            moments::create(&mut library, draft)?
        };
        let dir = folder.join(format!("moment-{index}"));
        write_photos(&dir, *count, first, *step, index as u64 + 1, (51.50 + index as f64 * 0.1, -0.12))?;
        if index == 1 {
            sample::video(&dir.join("MOV_0001.mp4"), 2, "2025-06-14T09:40:00Z");
        }
        let options = ImportOptions { moment_id: Some(moment.id.clone()), workers: 0 };
        import::run(&shared, &[dir], &options, &cancel, &mut |_| {})?;
    }
    // Two recent outings not yet grouped, for "To review".
    write_photos(&folder.join("unsorted"), 4, "2025:09:20 14:00:00", 11, 7, (51.6, -0.2))?;
    write_photos(&folder.join("unsorted-2"), 3, "2025:11:08 18:30:00", 9, 8, (51.45, -0.1))?;
    import::run(
        &shared,
        &[folder.join("unsorted"), folder.join("unsorted-2")],
        &ImportOptions::default(),
        &cancel,
        &mut |_| {},
    )?;
    let _ = std::fs::remove_dir_all(&folder);

    let mut library = shared.into_inner().expect("not poisoned");
    let everyone = members::list(library.conn(), &Viewer::anonymous())?;
    // Each member chooses for themselves, as in the window.
    let at_keyboard = library.me()?;
    for (i, member) in everyone.iter().enumerate() {
        let consent = match i % 7 {
            3 => PhotoConsent::Ask,
            5 => PhotoConsent::Never,
            _ => PhotoConsent::Allow,
        };
        members::choose_me(&library, &member.id)?;
        tags::set_photo_consent(&mut library, consent)?;
    }
    if let Some(me) = &at_keyboard {
        members::choose_me(&library, me)?;
    }
    let photos =
        media::page(library.conn(), &Viewer::anonymous(), &MediaQuery { limit: 100, ..MediaQuery::default() })?.items;
    for (i, item) in photos.iter().enumerate() {
        if i % 4 == 1 {
            media::set_highlight(&mut library, &item.id, true)?;
        }
        if i % 3 == 0 && !me.is_empty() {
            let who = &everyone[(i * 5 + 1) % everyone.len()];
            if tags::photo_consent(library.conn(), &who.id)? != PhotoConsent::Never {
                tags::tag(&mut library, &item.id, &who.id)?;
            }
        }
    }
    if let Some(first) = photos.first() {
        media::set_caption(&mut library, &first.id, "Everyone at the table, just before dessert")?;
    }
    Ok(library)
}
