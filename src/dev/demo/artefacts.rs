//! The demo's artefacts: the dinner's round (a short recording, lyrics and who wrote which
//! verse), a mascot, and the t-shirt in two versions with sizes collected.

use crate::artefacts::registry::{self, ArtefactDraft, Kind};
use crate::artefacts::versions::{self, VersionDraft, VersionStatus};
use crate::artefacts::{accounts, files};
use crate::clock::{FixedClock, Millis};
use crate::error::{Error, Result};
use crate::people::members;
use crate::store::library::Library;
use crate::text::forms::{Credit, NamedPerson};
use crate::viewer::Viewer;

use super::{DAY, DEMO_START};

pub(super) fn add_artefacts(library: &mut Library, clock: &FixedClock) -> Result<()> {
    let everyone = members::list(library.conn(), &Viewer::anonymous())?;
    let id_of =
        |name: &str| everyone.iter().find(|m| m.display_name == name).map(|m| m.id.clone()).expect("demo member");
    let member = |name: &str| NamedPerson { member_id: id_of(name), name: String::new() };
    let me = library.me()?.expect("the demo has a member at the keyboard");
    clock.set(Millis(DEMO_START.0 - 10 * DAY));

    members::choose_me(library, &id_of("Tomás Herrera"))?;
    let mut song = ArtefactDraft::new(Kind::Song, "The boathouse round");
    song.summary = "Sung as a round at the end of every Second-Friday dinner.".into();
    song.original_date = "2024-10".into();
    song.date_description = "the second dinner, autumn 2024".into();
    song.origin = "Tomás hummed it while washing up; by dessert the whole table had a verse.".into();
    song.creators = vec![member("Tomás Herrera"), member("Amara Okafor")];
    song.lyrics = "Row, row, the river's slow,\nwe've learned a thing or two;\n\n\
                   Shift's done, the kettle's on,\nand someone here is new."
        .into();
    song.credits = vec![
        Credit { who: member("Tomás Herrera"), part: "the tune and verse 1".into() },
        Credit { who: member("Amara Okafor"), part: "verse 2".into() },
    ];
    song.keywords = vec!["dinner".into(), "round".into()];
    song.rituals = crate::convene::rituals::list(library)?
        .into_iter()
        .filter(|r| r.draft.name == "Second-Friday dinner")
        .map(|r| r.id)
        .collect();
    let song = registry::create(library, song)?;
    let recording = library.root().join("demo-round.wav");
    std::fs::write(&recording, crate::dev::sound::tune_wav(11)).map_err(|e| Error::io(&recording, e))?;
    let attached = files::attach(library, &song.id, None, &recording);
    let _ = std::fs::remove_file(&recording);
    attached?;
    members::choose_me(library, &id_of("Grace Mwangi"))?;
    accounts::write(
        library,
        &song.id,
        None,
        "I remember it differently: the second verse came first, on the walk home, and Amara fixed the rhyme.",
    )?;

    members::choose_me(library, &id_of("Amara Okafor"))?;
    let mut otter = ArtefactDraft::new(Kind::Mascot, "Ollie the otter");
    otter.summary = "Our mascot: curious, sociable, never far from the river.".into();
    otter.original_date = "2025".into();
    otter.creators = vec![member("Priya Raman")];
    let otter = registry::create(library, otter)?;
    let drawing = library.root().join("demo-otter.png");
    std::fs::write(&drawing, crate::dev::sample::png(480, 480, 41)).map_err(|e| Error::io(&drawing, e))?;
    let attached = files::attach(library, &otter.id, None, &drawing);
    let _ = std::fs::remove_file(&drawing);
    attached?;

    let mut shirt = ArtefactDraft::new(Kind::Garment, "Learning Circle t-shirt");
    shirt.summary = "Worn at conferences so newcomers can find us.".into();
    shirt.original_date = "2024".into();
    let shirt = registry::create(library, shirt)?;
    let sizes: Vec<String> = ["S", "M", "L", "XL"].map(String::from).to_vec();
    let version =
        |label: &str, status| VersionDraft { label: label.into(), status, sizes: sizes.clone(), decision_id: None };
    versions::add(library, &shirt.id, version("2024 (river blue)", VersionStatus::Retired))?;
    let shirt = versions::add(library, &shirt.id, version("2026 (otter green)", VersionStatus::Made))?;
    let new = shirt.versions[1].id.clone();
    for (index, version) in shirt.versions.iter().enumerate() {
        let picture = library.root().join(format!("demo-shirt-{index}.png"));
        std::fs::write(&picture, crate::dev::sample::png(400, 400, 60 + index as u64))
            .map_err(|e| Error::io(&picture, e))?;
        let attached = files::attach(library, &shirt.id, Some(&version.id), &picture);
        let _ = std::fs::remove_file(&picture);
        attached?;
    }
    for (name, size, count) in
        [("Amara Okafor", "M", 1), ("Grace Mwangi", "L", 2), ("Liam O'Connor", "XL", 1), ("Priya Raman", "S", 1)]
    {
        members::choose_me(library, &id_of(name))?;
        versions::order(library, &shirt.id, &new, size, count)?;
    }
    add_badges(library, &|name: &str| id_of(name))?;
    members::choose_me(library, &me)?;
    Ok(())
}

/// Signs of membership: founding members get theirs automatically (Tomás shows it; the member
/// at the keyboard has not answered yet); Grace asked to be a first-aid buddy and was approved.
fn add_badges(library: &mut Library, id_of: &dyn Fn(&str) -> String) -> Result<()> {
    use crate::artefacts::awarding;
    use crate::artefacts::awards::{self, AwardSource, AwardStatus};
    use crate::artefacts::badges::{self, AutoRule, BadgeDraft};
    let me = library.me()?.expect("the demo has a member at the keyboard");
    members::choose_me(library, &id_of("Amara Okafor"))?;
    let picture = library.root().join("demo-badge.png");
    std::fs::write(&picture, crate::dev::sample::png(256, 256, 77)).map_err(|e| Error::io(&picture, e))?;
    let image = crate::ingest::images::store_photo(
        library.root(),
        &std::fs::read(&picture).map_err(|e| Error::io(&picture, e))?,
    );
    let _ = std::fs::remove_file(&picture);
    let founding = badges::define(
        library,
        BadgeDraft {
            name: "Founding member".into(),
            description: "Was there in the circle's first three months.".into(),
            criteria: "Joined within 90 days of the first member.".into(),
            image: Some(image?),
            requestable: false,
            rule: Some(AutoRule::Founding),
        },
    )?;
    awarding::run_automatic(library)?;
    let buddy = badges::define(
        library,
        BadgeDraft {
            name: "First-aid buddy".into(),
            description: "Keeps the first-aid kit at gatherings and knows where the defibrillator is.".into(),
            criteria: "A current first-aid certificate; ask, and a lead says yes.".into(),
            image: None,
            requestable: true,
            rule: None,
        },
    )?;
    members::choose_me(library, &id_of("Grace Mwangi"))?;
    let asked = awards::request(library, &buddy.id)?;
    members::choose_me(library, &id_of("Amara Okafor"))?;
    awarding::award(library, &buddy.id, &id_of("Grace Mwangi"), AwardSource::Requested)?;
    members::choose_me(library, &id_of("Grace Mwangi"))?;
    awards::respond(library, &asked.id, AwardStatus::Accepted, true)?;
    members::choose_me(library, &id_of("Tomás Herrera"))?;
    awards::respond(library, &awards::award_id(&founding.id, &id_of("Tomás Herrera")), AwardStatus::Accepted, true)?;
    members::choose_me(library, &me)?;
    Ok(())
}
