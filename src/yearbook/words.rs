//! The book's wording, shared by the HTML folder and the PDF so both say the same: months and
//! days as people say them, counts with their noun, and the year's totals in one sentence.

use super::book::Book;

pub const CHAPTER_YEAR: &str = "The year, month by month";
pub const CHAPTER_RITUALS: &str = "Our rituals";
pub const CHAPTER_ARTEFACTS: &str = "Made this year";
pub const CHAPTER_INITIATIVES: &str = "What we did together";
pub const CHAPTER_CELEBRATIONS: &str = "Celebrations";
pub const CHAPTER_WELCOME: &str = "Welcome";
pub const CHAPTER_PULSE: &str = "How we felt";
pub const CHAPTER_GUIDE: &str = "When we meet";
pub const CHAPTER_SONGS: &str = "Our songs";
pub const CHAPTER_STORIES: &str = "Stories to start with";
pub const CHAPTER_WELCOMERS: &str = "Who will welcome you";
pub const CHAPTER_SIGNATURES: &str = "Signatures";
pub const CHAPTER_FAREWELLS: &str = "Farewells";
/// The title of `owner`'s own pages in their copy: "Amara's pages".
pub fn pages_of(owner: &str) -> String {
    if owner.ends_with('s') {
        format!("{owner}' pages")
    } else {
        format!("{owner}'s pages")
    }
}

/// The book's last words: a member's own copy also holds their pages and the signatures they
/// approved, which are not for everyone.
pub fn colophon(book: &Book) -> &'static str {
    if book.owner.is_empty() {
        "Made with Hearth, from what every member of the community may see. No one is ranked here."
    } else {
        "Made with Hearth. Its own pages and signatures are for the one whose yearbook it is; the rest is what every member of the community may see. No one is ranked here."
    }
}

pub const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// The name of `month` (1–12; anything else is clamped).
pub fn month(month: u32) -> &'static str {
    MONTHS[(month as usize).clamp(1, 12) - 1]
}

/// `YYYY-MM-DD…` as "14 March"; text that is not such a date is returned as it is.
pub fn day(date: &str) -> String {
    match chrono::NaiveDate::parse_from_str(date.get(..10).unwrap_or(date), "%Y-%m-%d") {
        Ok(d) => format!("{} {}", chrono::Datelike::day(&d), month(chrono::Datelike::month(&d))),
        Err(_) => date.to_owned(),
    }
}

/// A photo's text alternative: its caption, or where it comes from when it has none ("A photo
/// from Monthly dinner, 3 June"), so a screen reader tells one moment's photos from another's.
/// "A photo" when neither is known.
pub fn photo_alt(caption: &str, from: &str) -> String {
    match (caption.trim().is_empty(), from.trim().is_empty()) {
        (false, _) => caption.to_string(),
        (true, false) => format!("A photo from {from}"),
        (true, true) => "A photo".to_string(),
    }
}

/// Where a moment's photos come from: "Monthly dinner, 3 June".
pub fn from_moment(title: &str, day: &str) -> String {
    if title.trim().is_empty() {
        self::day(day)
    } else {
        format!("{title}, {}", self::day(day))
    }
}

/// Where a month's highlights come from: "the highlights of June".
pub fn from_highlights(month_number: u32) -> String {
    format!("the highlights of {}", month(month_number))
}

/// Where a member's own page's photos come from: its title, or "Amara's pages" when untitled.
pub fn from_page(title: &str, owner: &str) -> String {
    if title.trim().is_empty() {
        pages_of(owner)
    } else {
        title.to_string()
    }
}

/// "1 photo", "3 photos".
pub fn plural(n: u32, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// "2 moments, 19 photos and 3 gatherings in 2025.", leaving out what did not happen; `None`
/// when nothing did.
pub fn totals(book: &Book) -> Option<String> {
    let t = &book.totals;
    let parts: Vec<String> = [
        (t.moments, "moment", "moments"),
        (t.photos, "photo", "photos"),
        (t.gatherings, "gathering", "gatherings"),
        (t.stories, "story told", "stories told"),
        (t.newcomers, "newcomer welcomed", "newcomers welcomed"),
        (t.initiatives_finished, "initiative finished", "initiatives finished"),
    ]
    .into_iter()
    .filter(|(n, ..)| *n > 0)
    .map(|(n, one, many)| plural(n, one, many))
    .collect();
    match parts.as_slice() {
        [] => None,
        [one] => Some(format!("{one} in {}.", book.year)),
        [rest @ .., last] => Some(format!("{} and {last} in {}.", rest.join(", "), book.year)),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn an_uncaptioned_photo_is_named_by_where_it_comes_from() {
        assert_eq!(super::photo_alt("Tomás at the piano", "Spring walk, 3 June"), "Tomás at the piano");
        let from = super::from_moment("Spring walk", "2026-06-03T18:00");
        assert_eq!(super::photo_alt("", &from), "A photo from Spring walk, 3 June");
        assert_eq!(super::photo_alt("", &super::from_highlights(6)), "A photo from the highlights of June");
        assert_eq!(super::photo_alt("", &super::from_page("", "Amara")), "A photo from Amara's pages", "untitled page");
        assert_eq!(super::photo_alt("", &super::from_page("Our garden", "Amara")), "A photo from Our garden");
        assert_eq!(super::photo_alt("", &super::from_moment("", "2026-06-03")), "A photo from 3 June", "no title");
        assert_eq!(super::photo_alt("", " "), "A photo", "never 'A photo from ' with nothing after it");
        assert_eq!(super::photo_alt("  ", "Our garden"), "A photo from Our garden", "a caption of spaces says nothing");
    }

    #[test]
    fn days_are_said_as_words() {
        assert_eq!(super::day("2025-03-14"), "14 March");
        assert_eq!(super::day("2025-12-01T18:00"), "1 December", "a time after the date is not said");
        assert_eq!(super::day("spring"), "spring", "what is not a date stays as written");
    }
}
