//! Bounded fuzzing of every parser of outside input reachable from the library's surface (see
//! `hearth::dev::fuzz`): images and their EXIF/XMP, ffprobe's report, CSV and vCard member
//! lists, invitation codes, sync targets, key files, member Markdown and library folders.
//! Each must neither panic nor take long on a few hundred mutations of real inputs.

use hearth::dev::fuzz::{self, DEFAULT_CASES};
use hearth::dev::sample::{self, SampleExif};
use hearth::people::members::{self, MemberDraft};

use crate::support::{create, Scratch};

fn case(name: &str) -> Vec<u8> {
    std::fs::read(format!("{}/tests/cases/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

fn encoded(format: image::ImageFormat) -> Vec<u8> {
    let mut out = Vec::new();
    image::DynamicImage::new_rgba8(24, 16).write_to(&mut std::io::Cursor::new(&mut out), format).unwrap();
    out
}

#[test]
fn images_and_their_metadata_never_panic() {
    let exif = SampleExif {
        taken_at: Some("2024:05:06 07:08:09".into()),
        offset: Some("+02:00".into()),
        orientation: Some(6),
        gps: Some((48.85, 2.29)),
        camera: Some(("Pixel".into(), "Pixel 8".into())),
    };
    let seeds = vec![
        sample::jpeg(32, 24, 7, &exif),
        sample::png(20, 12, 3),
        encoded(image::ImageFormat::Gif),
        encoded(image::ImageFormat::WebP),
        encoded(image::ImageFormat::Tiff),
        case("motion-photo.MP.jpg"),
        case("scan-no-original-date.jpg"),
    ];
    let ran = fuzz::run("image", fuzz::inputs(&seeds, fuzz::cases(DEFAULT_CASES), 1), |bytes| {
        let _ = hearth::ingest::imaging::derive(bytes, 1);
        let _ = hearth::ingest::metadata::read_exif(bytes);
        let _ = hearth::ingest::imaging::jpeg_end(bytes);
    });
    assert!(ran > seeds.len(), "the mutations ran");
}

#[test]
fn ffprobe_reports_never_panic() {
    let seeds = vec![br#"{"streams":[{"codec_type":"video","width":1920,"height":1080,"side_data_list":[{"rotation":-90}],"tags":{"rotate":"90","creation_time":"2019-07-14T16:30:12.000000Z"}}],"format":{"duration":"3.5","tags":{"creation_time":"2019-07-14T16:30:12Z","com.apple.quicktime.creationdate":"2019-07-14T18:30:12+0200","location":"+48.8577+002.2950/"}}}"#.to_vec()];
    let structured: serde_json::Value = serde_json::from_slice(&seeds[0]).unwrap();
    let inputs = fuzz::inputs(&seeds, fuzz::cases(DEFAULT_CASES), 2).chain(fuzz::json_inputs(
        &structured,
        fuzz::cases(DEFAULT_CASES),
        12,
    ));
    fuzz::run("ffprobe report", inputs, |bytes| {
        if let Ok(report) = serde_json::from_slice::<serde_json::Value>(bytes) {
            let _ = hearth::ingest::metadata::from_probe_report(&report);
        }
    });
}

#[test]
fn member_lists_as_csv_and_vcard_never_panic() {
    let scratch = Scratch::new();
    let mut library = create(&scratch.path("c"), "Circle");
    members::create_my_profile(&mut library, MemberDraft::named("Lea")).unwrap();
    let vcard3 = b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ana Lopez\r\nN:Lopez;Ana;;;\r\nBDAY:--0415\r\nEMAIL:ana@example.org\r\nNOTE:folded\r\n  line\r\nEND:VCARD\r\n".to_vec();
    let seeds = vec![
        case("members-semicolon.csv"),
        case("members-formulas.csv"),
        case("members-time-zones.csv"),
        case("vcard21-quoted-printable.vcf"),
        vcard3,
    ];
    fuzz::run("members file", fuzz::inputs(&seeds, fuzz::cases(DEFAULT_CASES), 3), |bytes| {
        for name in ["members.csv", "contacts.vcf"] {
            let _ = hearth::people::exchange::preview(&library, name, bytes);
        }
    });
}

#[test]
fn invitation_codes_targets_and_key_files_never_panic() {
    let scratch = Scratch::new();
    let mut library = create(&scratch.path("c"), "Circle");
    members::create_my_profile(&mut library, MemberDraft::named("Lea")).unwrap();
    let invitation = hearth::community::invite(&mut library, "Sam", None).unwrap().to_code();
    let key = hearth::sync::crypto::CommunityKey::generate().unwrap().to_text();
    let seeds: Vec<Vec<u8>> = [
        invitation.as_str(),
        "s3://circle-photos?endpoint=https://s3.example.org&region=eu-west-1",
        "https://dav.example.org/remote.php/dav/files/ana/hearth",
        "/media/usb/circle",
        &format!("{key} 1700000000000\n{key} 1800000000000\n"),
    ]
    .iter()
    .map(|s| s.as_bytes().to_vec())
    .collect();
    fuzz::run("codes and keys", fuzz::inputs(&seeds, fuzz::cases(DEFAULT_CASES), 4), |bytes| {
        let text = String::from_utf8_lossy(bytes);
        let _ = hearth::sync::roster::Invitation::parse(&text);
        let _ = hearth::sync::storage::Target::parse(&text);
        let _ = hearth::sync::crypto::Keyring::from_text(&text);
        let _ = hearth::sync::crypto::CommunityKey::from_text(&text);
    });
}

#[test]
fn member_markdown_never_panics() {
    let seeds = vec![
        b"# Hello\n\n**bold** _it_ [link](https://example.org) <script>x</script> ![img](x.png)\n\n- a\n- b\n\n> quote\n\n```\ncode\n```".to_vec(),
        b"| a | b |\n|---|---|\n| 1 | 2 |\n\n[//evil.example](//evil.example) <a href=\"javascript:x\">x</a>".to_vec(),
    ];
    fuzz::run("markdown", fuzz::inputs(&seeds, fuzz::cases(DEFAULT_CASES), 5), |bytes| {
        let _ = hearth::text::markdown::render(&String::from_utf8_lossy(bytes));
    });
}

/// A damaged hearth.db (a member who edits their own database, a crash, a bad disk) is
/// refused or opened read-only with a reason; it never panics the app.
#[test]
fn damaged_library_files_never_panic() {
    let scratch = Scratch::new();
    let mut library = create(&scratch.path("seed"), "Circle");
    members::create_my_profile(&mut library, MemberDraft::named("Lea")).unwrap();
    drop(library);
    let seed = std::fs::read(scratch.path("seed").join("hearth.db")).unwrap();
    let folder = scratch.path("damaged");
    std::fs::create_dir_all(&folder).unwrap();
    // Opening a library is slower than parsing a file: a tenth of the cases.
    fuzz::run("library file", fuzz::inputs(&[seed], fuzz::cases(DEFAULT_CASES) / 10, 6), |bytes| {
        std::fs::write(folder.join("hearth.db"), bytes).unwrap();
        for leftover in ["hearth.db-wal", "hearth.db-shm"] {
            let _ = std::fs::remove_file(folder.join(leftover));
        }
        if let Ok(library) = hearth::Library::open(&folder) {
            let _ = hearth::community::info(&library);
        }
    });
}

/// A target's list of a file's pieces (what a folder holder or a hostile member can write)
/// never makes a download panic, allocate what no real file needs, or take long.
#[test]
fn chunk_manifests_from_a_target_never_panic() {
    use hearth::sync::storage::{manifest_name, ChunkManifest, Credentials, Store, Target};
    let scratch = Scratch::new();
    let folder = scratch.path("target");
    std::fs::create_dir_all(folder.join("media")).unwrap();
    std::fs::write(folder.join("media/file.part0"), vec![7u8; 64]).unwrap();
    let store = Store::open(&Target::Folder(folder.clone()), &Credentials::default()).unwrap();
    let name = "media/file";
    let seed = serde_json::to_value(ChunkManifest { size: 100, chunk_bytes: 64, chunks: 2 }).unwrap();
    let dest = scratch.path("received/file");
    let seeds = [serde_json::to_vec(&seed).unwrap()];
    let inputs = fuzz::inputs(&seeds, fuzz::cases(DEFAULT_CASES), 13).chain(fuzz::json_inputs(
        &seed,
        fuzz::cases(DEFAULT_CASES),
        14,
    ));
    fuzz::run("chunk manifest", inputs, |bytes| {
        std::fs::write(folder.join(manifest_name(name)), bytes).unwrap();
        let _ = store.download_chunked(name, &dest, &|_, piece| Ok(piece), &|_| true);
        let _ = std::fs::remove_file(&dest);
    });
}
