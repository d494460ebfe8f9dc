//! Importing members from CSV and vCard, exporting the directory as CSV.

use hearth::people::exchange::{self, ImportFormat};
use hearth::people::members::{self, MemberDraft, ProfileFields, Role};
use hearth::viewer::{Viewer, Visibility};
use hearth::{Error, Library};

use crate::support::{create, Scratch};

fn circle(scratch: &Scratch) -> Library {
    let mut library = create(&scratch.path("c"), "Circle");
    members::create_my_profile(&mut library, MemberDraft::named("Lea Lead")).unwrap();
    library
}

const CSV: &str = "\u{feff}Name,Role,Joined,Profession,Interests,Birthday,Email\n\
Ada Lovelace,member,2021-03-04,Analyst,\"maths; poetry\",12-10,ada@example.org\n\
,member,,,,,\n\
Bo,chief,,,,,\n\
Cy,newcomer,,Nurse,,1990-07-01,\n\
Dee,member,,,,02-30,\n\
lea lead,member,,,,,\n\
Ada Lovelace,member,,,,,\n";

#[test]
fn a_csv_preview_names_every_bad_row_and_changes_nothing() {
    let scratch = Scratch::new();
    let library = circle(&scratch);
    let preview = exchange::preview(&library, "people.csv", CSV.as_bytes()).unwrap();
    assert_eq!(preview.format, ImportFormat::Csv);
    let summary: Vec<(u32, &str, usize)> =
        preview.rows.iter().map(|r| (r.line, r.display_name.as_str(), r.errors.len())).collect();
    assert_eq!(
        summary,
        vec![
            (2, "Ada Lovelace", 0),
            (3, "", 1),
            (4, "Bo", 1),
            (5, "Cy", 0),
            (6, "Dee", 0),
            (7, "lea lead", 1),
            (8, "Ada Lovelace", 1)
        ],
        "the blank line 3 has no name; Bo's role, an existing member and a repeat are refused"
    );
    assert!(
        preview.rows[4].notes[0].contains("\"02-30\" is not a day and month"),
        "Dee keeps her place: {:?}",
        preview.rows[4]
    );
    assert!(preview.rows[3].notes[0].contains("birth year"), "Cy's birth year is dropped, and the preview says so");
    assert_eq!((preview.valid, preview.invalid), (3, 4));
    assert_eq!(members::count(library.conn()).unwrap(), 1, "a preview writes nothing");
}

#[test]
fn importing_writes_the_valid_rows_only_and_never_a_birth_year() {
    let scratch = Scratch::new();
    let mut library = circle(&scratch);
    let result = exchange::import(&mut library, "people.csv", CSV.as_bytes()).unwrap();
    assert_eq!(result.valid, 3);
    let everyone = members::list(library.conn(), &Viewer::anonymous()).unwrap();
    let names: Vec<&str> = everyone.iter().map(|m| m.display_name.as_str()).collect();
    assert_eq!(names, ["Ada Lovelace", "Cy", "Dee", "Lea Lead"], "Dee joins without her unreadable birthday");
    let ada = &everyone[0];
    assert_eq!(ada.interests.as_deref(), Some(&["maths".to_string(), "poetry".to_string()][..]));
    assert_eq!((ada.joined_on.as_str(), ada.contact.as_deref()), ("2021-03-04", Some("ada@example.org")));
    let cy = &everyone[1];
    assert_eq!((cy.role, cy.birthday.as_deref()), (Role::Newcomer, Some("07-01")), "only day and month are kept");
    let stored: String =
        library.conn().query_row("SELECT group_concat(birthday) FROM members", [], |r| r.get(0)).unwrap();
    assert!(!stored.contains("1990"), "no year reaches the database: {stored}");
}

#[test]
fn vcards_import_with_folded_lines_and_structured_names() {
    let scratch = Scratch::new();
    let mut library = circle(&scratch);
    let vcf = "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Okafor;Amara;;;\r\nORG:Riverside General;Nursing\r\nTITLE:Nurse educator\r\n\
               EMAIL;TYPE=work:amara@example.org\r\nTEL;TYPE=cell:+44 7700 900123\r\nBDAY:--0714\r\n\
               NOTE:Teaches with simulation\\, and sings in a\r\n  choir.\r\nCATEGORIES:simulation,choir\r\nEND:VCARD\r\n\
               BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Tomás Herrera\r\nBDAY:19850302\r\nEND:VCARD\r\n";
    let result = exchange::import(&mut library, "contacts.vcf", vcf.as_bytes()).unwrap();
    assert_eq!((result.format, result.valid, result.invalid), (ImportFormat::VCard, 2, 0));
    let everyone = members::list(library.conn(), &Viewer::anonymous()).unwrap();
    let amara = everyone.iter().find(|m| m.display_name == "Amara Okafor").expect("N gives the name");
    assert_eq!(amara.organisation.as_deref(), Some("Riverside General, Nursing"));
    assert_eq!(amara.contact.as_deref(), Some("amara@example.org, +44 7700 900123"));
    assert_eq!(amara.birthday.as_deref(), Some("07-14"));
    assert_eq!(amara.bio.as_deref(), Some("Teaches with simulation, and sings in a choir."), "folded lines are joined");
    let tomas = everyone.iter().find(|m| m.display_name == "Tomás Herrera").unwrap();
    assert_eq!(tomas.birthday.as_deref(), Some("03-02"));
}

#[test]
fn unreadable_files_and_non_leads_are_refused_with_a_reason() {
    let scratch = Scratch::new();
    let mut library = circle(&scratch);
    let cases: [(&str, &[u8]); 4] = [
        ("people.csv", b"\xff\xfe\x00garbage"),
        ("people.xlsx", b"PK\x03\x04"),
        ("people.csv", b"email,phone\nx@y,1\n"),
        ("people.vcf", b"no cards here"),
    ];
    for (name, bytes) in cases {
        let result = exchange::preview(&library, name, bytes);
        assert!(matches!(result, Err(Error::Invalid { field: "file", .. })), "{name}: {:?}", result.err());
    }
    let bo = members::create_member(&mut library, MemberDraft::named("Bo")).unwrap();
    members::choose_me(&library, &bo.id).unwrap();
    assert!(matches!(exchange::import(&mut library, "p.csv", CSV.as_bytes()), Err(Error::Forbidden { .. })));
}

#[test]
fn the_csv_export_holds_only_what_the_reader_may_see() {
    let scratch = Scratch::new();
    let mut library = circle(&scratch);
    let ada = members::create_member(
        &mut library,
        MemberDraft {
            profile: ProfileFields {
                contact: "ada@example.org".into(),
                profession: "Analyst".into(),
                visibility: [("contact".to_string(), Visibility::OnlyMe)].into(),
                ..Default::default()
            },
            ..MemberDraft::named("Ada")
        },
    )
    .unwrap();
    let as_lead = exchange::export_csv(&library, &Viewer::me(&library).unwrap()).unwrap();
    assert!(as_lead.contains("Analyst"), "{as_lead}");
    assert!(!as_lead.contains("ada@example.org"), "Ada's only-me contact is not exported, even for a lead");
    let as_ada = exchange::export_csv(&library, &Viewer::member(library.conn(), &ada.id).unwrap()).unwrap();
    assert!(as_ada.contains("ada@example.org"));
    // Round trip: the export imports again into a fresh library.
    let other = Scratch::new();
    let mut fresh = create(&other.path("c"), "Copy");
    members::create_my_profile(&mut fresh, MemberDraft::named("Someone Else")).unwrap();
    let back = exchange::import(&mut fresh, "export.csv", as_lead.as_bytes()).unwrap();
    assert_eq!((back.valid, back.invalid), (2, 0), "{:?}", back.rows);
}

/// The member lists in `tests/cases/`, made up in the shapes real tools write.
fn case(name: &str) -> Vec<u8> {
    std::fs::read(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cases").join(name)).unwrap()
}

/// A CSV as a European spreadsheet saves it: `;` between cells (`,` is the decimal mark there),
/// a byte-order mark, CRLF, and a quoted cell holding a `;`.
#[test]
fn a_semicolon_csv_from_a_european_spreadsheet_is_read_whole() {
    let scratch = Scratch::new();
    let mut library = circle(&scratch);
    let preview = exchange::import(&mut library, "members-semicolon.csv", &case("members-semicolon.csv")).unwrap();
    assert_eq!(preview.valid, 2, "{:?}", preview.rows);
    assert_eq!(preview.rows.iter().map(|r| r.line).collect::<Vec<_>>(), [2, 3], "the physical lines");
    let everyone = members::list(library.conn(), &Viewer::me(&library).unwrap()).unwrap();
    let klaus = everyone.iter().find(|m| m.display_name == "Klaus Weber").expect("Klaus imported");
    assert_eq!(klaus.organisation.as_deref(), Some("Imkerei Weber; Sohn"), "a quoted `;` stays in its cell");
    let ines = everyone.iter().find(|m| m.display_name == "Inès Moreau").expect("Inès imported, accents and all");
    assert_eq!(ines.birthday.as_deref(), Some("04-15"));

    // Tab-separated, and a header that names no name: what was read is said.
    let tabs = "Name\tEmail\nPat Tab\tpat@example.org\n";
    assert_eq!(exchange::preview(&library, "t.csv", tabs.as_bytes()).unwrap().valid, 1);
    let Err(Error::Invalid { reason, .. }) = exchange::preview(&library, "x.csv", b"Nom;Courriel\nA;b\n") else {
        panic!("a list without a name column was read")
    };
    assert!(reason.contains("semicolons") && reason.contains("\"Nom\", \"Courriel\""), "{reason}");
}

/// Cells a spreadsheet would run as formulas are written as text in every CSV Hearth writes.
#[test]
fn the_directory_export_never_hands_a_spreadsheet_a_formula() {
    let scratch = Scratch::new();
    let mut library = circle(&scratch);
    let preview = exchange::import(&mut library, "members-formulas.csv", &case("members-formulas.csv")).unwrap();
    assert_eq!(preview.valid, 1, "{:?}", preview.rows);
    let csv = exchange::export_csv(&library, &Viewer::me(&library).unwrap()).unwrap();
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    for record in reader.records() {
        for cell in record.unwrap().iter() {
            assert!(
                !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                "{cell:?} would run as a formula when a lead opens the file"
            );
        }
    }
    assert!(csv.contains("'=HYPERLINK("), "the formula is kept as text: {csv}");
    assert!(csv.contains("'@SUM(1+1)") && csv.contains("'-2+3"), "{csv}");
    for sneaky in [" =1+1", "\n=1+1", "＝1+1"] {
        assert!(
            exchange::spreadsheet_safe(sneaky.into()).starts_with('\''),
            "{sneaky:?} is a formula to some spreadsheets"
        );
    }
    assert_eq!(exchange::spreadsheet_safe("Ada".into()), "Ada");
}

/// vCard 2.1 as Android and Thunderbird export it: quoted-printable UTF-8 names, one soft line
/// break inside a character, CRLF; and the other encodings 2.1 allows.
#[test]
fn vcard_21_quoted_printable_and_base64_names_read_right() {
    let scratch = Scratch::new();
    let mut library = circle(&scratch);
    let preview = exchange::import(&mut library, "contacts.vcf", &case("vcard21-quoted-printable.vcf")).unwrap();
    let names: Vec<&str> = preview.rows.iter().map(|r| r.display_name.as_str()).collect();
    assert_eq!(names, ["Lucie Šimková", "Jörg Müller-Lüdenscheidt", "Pat Plain"], "{:?}", preview.rows);
    assert_eq!(preview.valid, 3);

    let other = "BEGIN:VCARD\r\nVERSION:2.1\r\nFN;ENCODING=BASE64;CHARSET=UTF-8:w4ltaWxpZSBaw6lsZQ==\r\nEND:VCARD\r\n\
                 BEGIN:VCARD\r\nVERSION:2.1\r\nFN;CHARSET=ISO-8859-1;QUOTED-PRINTABLE:Ren=E9e Latin\r\nEND:VCARD\r\n";
    let preview = exchange::preview(&library, "more.vcf", other.as_bytes()).unwrap();
    let names: Vec<&str> = preview.rows.iter().map(|r| r.display_name.as_str()).collect();
    assert_eq!(names, ["Émilie Zéle", "Renée Latin"], "BASE64, and a Latin-1 charset");
}

/// Birthdays in every form vCard 3.0 and 4.0 (RFC 6350 4.3.1) allow: a full date, a date
/// without year, with a time of day, or free text. The day and month are kept; a year is
/// dropped with a note; what is not a day and month is left out with a note and never costs
/// the person their place.
#[test]
fn vcard_birthdays_in_every_standard_form_keep_day_and_month_or_are_left_out_with_a_note() {
    let scratch = Scratch::new();
    let library = circle(&scratch);
    let card = |name: &str, bday: &str| format!("BEGIN:VCARD\r\nVERSION:4.0\r\nFN:{name}\r\n{bday}\r\nEND:VCARD\r\n");
    let cards = [
        card("Ana", "BDAY:19850412"),
        card("Ben", "BDAY:--0412"),
        card("Cas", "BDAY:1953-10-15T23:10:00Z"),
        card("Dai", "BDAY;VALUE=text:circa 1970"),
        card("Eve", "BDAY:--0229"),
        card("Fox", "BDAY:1985"),
        card("Gil", "BDAY:--04-12"),
    ]
    .concat();
    let preview = exchange::preview(&library, "contacts.vcf", cards.as_bytes()).unwrap();
    assert_eq!((preview.valid, preview.invalid), (7, 0), "nobody is refused for a birthday: {:?}", preview.rows);
    let mut library = library;
    exchange::import(&mut library, "contacts.vcf", cards.as_bytes()).unwrap();
    let everyone = members::list(library.conn(), &Viewer::me(&library).unwrap()).unwrap();
    let birthday = |name: &str| everyone.iter().find(|m| m.display_name == name).unwrap().birthday.clone();
    for (name, expected) in [
        ("Ana", "04-12"),
        ("Ben", "04-12"),
        ("Cas", "10-15"),
        ("Dai", ""),
        ("Eve", "02-29"),
        ("Fox", ""),
        ("Gil", "04-12"),
    ] {
        assert_eq!(birthday(name).unwrap_or_default(), expected, "{name}");
    }
    let notes = |name: &str| preview.rows.iter().find(|r| r.display_name == name).unwrap().notes.join(" ");
    assert!(notes("Ana").contains("birth year was left out") && notes("Cas").contains("birth year"));
    assert!(notes("Dai").contains("\"circa 1970\" is not a day and month"), "{}", notes("Dai"));
    assert!(notes("Ben").is_empty() && notes("Eve").is_empty(), "nothing to say about a day and month");
}
