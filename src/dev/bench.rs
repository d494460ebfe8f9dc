//! Benchmarks that print a comparison (`hearth bench import`, `hearth bench gallery`). Speed
//! targets live here, never in timed tests.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::AtomicBool;
use std::sync::Mutex;

use rusqlite::params;

use crate::clock::{Millis, Stopwatch};
use crate::community::CommunityDraft;
use crate::dev::sample::{self, SampleExif};
use crate::error::{Error, Result};
use crate::memories::import::{self, ImportOptions};
use crate::memories::media::{self, MediaQuery, PageCursor};
use crate::store::library::Library;
use crate::viewer::Viewer;

pub(crate) fn scratch(dir: Option<&Path>, name: &str) -> Result<PathBuf> {
    let base = dir.map(Path::to_path_buf).unwrap_or_else(|| std::env::temp_dir().join("hearth-bench"));
    let path = base.join(name);
    if path.exists() {
        std::fs::remove_dir_all(&path).map_err(|e| Error::io(&path, e))?;
    }
    std::fs::create_dir_all(&path).map_err(|e| Error::io(&path, e))?;
    Ok(path)
}

/// Writes `count` 12 MP JPEGs (4000 × 3000, with EXIF) into `folder`.
pub fn make_photos(folder: &Path, count: usize) -> Result<u64> {
    let total = std::sync::atomic::AtomicU64::new(0);
    let next = std::sync::atomic::AtomicUsize::new(0);
    std::thread::scope(|scope| {
        for _ in 0..std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2) {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                if i >= count {
                    break;
                }
                let exif = SampleExif {
                    taken_at: Some(format!("2025:06:{:02} 19:{:02}:00", 1 + i % 28, i % 60)),
                    offset: Some("+02:00".into()),
                    orientation: Some(if i % 5 == 0 { 6 } else { 1 }),
                    gps: Some((48.85 + i as f64 * 1e-4, 2.35)),
                    camera: Some(("Hearth".into(), "Bench Camera".into())),
                };
                let bytes = sample::jpeg(4000, 3000, i as u64 + 1, &exif);
                total.fetch_add(bytes.len() as u64, std::sync::atomic::Ordering::Relaxed);
                std::fs::write(folder.join(format!("photo-{i:04}.jpg")), bytes).expect("bench folder is writable");
            });
        }
    });
    Ok(total.into_inner())
}

/// Hearth's import against `vipsthumbnail` making the same two sizes from the same files.
pub fn import(files: usize, rounds: usize, dir: Option<&Path>) -> Result<()> {
    let photos = scratch(dir, "photos")?;
    println!("Generating {files} photos of 12 MP (4000 × 3000 JPEG with EXIF) …");
    let bytes = make_photos(&photos, files)?;
    println!("  {:.1} MB in all", bytes as f64 / 1e6);
    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2);
    let vips_available = Command::new("vipsthumbnail").arg("--version").output().is_ok_and(|o| o.status.success());
    let mut inputs: Vec<PathBuf> = std::fs::read_dir(&photos)
        .map_err(|e| Error::io(&photos, e))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    inputs.sort();
    let (mut hearth_best, mut vips_best) = (f64::MAX, f64::MAX);
    for round in 1..=rounds {
        let library_dir = scratch(dir, "library")?;
        std::fs::remove_dir(&library_dir).map_err(|e| Error::io(&library_dir, e))?;
        let library = Mutex::new(crate::community::create(&library_dir, CommunityDraft::new("Bench", ""))?);
        let clock = Stopwatch::start();
        let summary = import::run(
            &library,
            std::slice::from_ref(&photos),
            &ImportOptions::default(),
            &AtomicBool::new(false),
            &mut |_| {},
        )?;
        let hearth = clock.seconds();
        if summary.imported.len() != files {
            return Err(Error::invalid(
                "bench",
                format!("imported {} of {files}: {:?}", summary.imported.len(), summary.failed),
            ));
        }
        hearth_best = hearth_best.min(hearth);
        let vips = if vips_available {
            let out = scratch(dir, "vips")?;
            let clock = Stopwatch::start();
            for size in ["1280", "256"] {
                let status = Command::new("vipsthumbnail")
                    .args(["-s", size, "-o"])
                    .arg(out.join(format!("%s-{size}.jpg[Q=82]")))
                    .args(&inputs)
                    .status()
                    .map_err(|e| Error::io(Path::new("vipsthumbnail"), e))?;
                if !status.success() {
                    return Err(Error::invalid("bench", "vipsthumbnail failed"));
                }
            }
            let seconds = clock.seconds();
            vips_best = vips_best.min(seconds);
            Some(seconds)
        } else {
            None
        };
        println!(
            "  round {round}: Hearth {:.2} s ({:.1} photos/s){}",
            hearth,
            files as f64 / hearth,
            vips.map(|v| format!(", vipsthumbnail {v:.2} s ({:.1} photos/s)", files as f64 / v)).unwrap_or_default()
        );
    }
    println!();
    println!("Import of {files} × 12 MP JPEG on {cores} cores (best of {rounds}):");
    println!(
        "  Hearth import (BLAKE3, EXIF, 256 px + 1280 px, original copied, rows written): {:>7.1} photos/s",
        files as f64 / hearth_best
    );
    if vips_available {
        println!(
            "  vipsthumbnail -s 1280 and -s 256 over the same files:                         {:>7.1} photos/s",
            files as f64 / vips_best
        );
        println!("  ratio (Hearth / vipsthumbnail): {:.2}× (target ≥ 1.5×)", vips_best / hearth_best);
    } else {
        println!("  vipsthumbnail not found (install libvips-tools) — no comparison made");
    }
    Ok(())
}

/// Fills a library with `media` rows and `tags` tags straight through SQL (the import path is
/// measured by `import`); returns the ids of a busy moment and member.
pub fn fill_gallery(
    library: &Library,
    media: usize,
    tags: usize,
    members: usize,
    moments: usize,
) -> Result<(String, String)> {
    fill_gallery_with(library, media, tags, members, moments, &[])
}

/// As [`fill_gallery`]; rows cycle through `pictures` (hashes with real thumbnails) if given.
fn fill_gallery_with(
    library: &Library,
    media: usize,
    tags: usize,
    members: usize,
    moments: usize,
    pictures: &[String],
) -> Result<(String, String)> {
    let conn = library.conn();
    conn.execute_batch("BEGIN")?;
    {
        let mut member = conn.prepare("INSERT INTO members (id, display_name, role) VALUES (?1, ?2, 'member')")?;
        for i in 0..members {
            member.execute(params![format!("member-{i:05}"), format!("Member {i}")])?;
        }
        let mut moment =
            conn.prepare("INSERT INTO moments (id, title, kind, starts_at) VALUES (?1, ?2, 'dinner', ?3)")?;
        for i in 0..moments {
            moment.execute(params![
                format!("moment-{i:05}"),
                format!("Moment {i}"),
                format!("2020-01-01T19:{:02}", i % 60)
            ])?;
        }
        let mut row = conn.prepare(
            "INSERT INTO media (id, hash, kind, format, width, height, taken_at, sort_at, moment_id, phash)
             VALUES (?1, ?2, 'photo', 'jpg', 4000, 3000, ?5, ?3, ?4, '0')",
        )?;
        let start = 1_500_000_000_000i64;
        for i in 0..media {
            let hash = blake3::hash(&(i as u64).to_le_bytes()).to_hex().to_string();
            let at = start + i as i64 * 60_000;
            let taken = Millis(at).to_utc().format("%Y-%m-%dT%H:%M:%S").to_string();
            let (id, shown) = match pictures {
                [] => (media::media_id(&hash), hash.clone()),
                _ => (media::media_id(&hash), pictures[i % pictures.len()].clone()),
            };
            row.execute(params![id, shown, at, format!("moment-{:05}", i * moments / media.max(1)), taken])?;
        }
        let mut tag = conn.prepare(
            "INSERT INTO media_tags (id, media_id, member_id, status, sort_at, moment_id)
             SELECT ?1, id, ?2, 'tagged', sort_at, moment_id FROM media WHERE id = ?3",
        )?;
        let mut state = 0x2545_F491_4F6C_DD1Du64;
        for i in 0..tags {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let m = (state % media as u64) as usize;
            let hash = blake3::hash(&(m as u64).to_le_bytes()).to_hex().to_string();
            tag.execute(params![format!("tag-{i:07}"), format!("member-{:05}", i % members), media::media_id(&hash)])?;
        }
    }
    let moment = format!("moment-{:05}", moments / 2);
    // The busy member is in every photo of the busy moment, so "by both" fills a whole page.
    conn.execute(
        "INSERT OR IGNORE INTO media_tags (id, media_id, member_id, status, sort_at, moment_id)
         SELECT 'both-' || id, id, 'member-00007', 'tagged', sort_at, moment_id FROM media WHERE moment_id = ?1",
        [&moment],
    )?;
    conn.execute_batch("COMMIT; ANALYZE;")?;
    Ok((moment, "member-00007".to_owned()))
}

fn median_micros(mut run: impl FnMut() -> Result<usize>, times: usize) -> Result<(f64, usize)> {
    let mut samples = Vec::with_capacity(times);
    let mut rows = 0;
    for _ in 0..times {
        let clock = Stopwatch::start();
        rows = run()?;
        samples.push(clock.seconds() * 1e6);
    }
    samples.sort_by(f64::total_cmp);
    Ok((samples[samples.len() / 2], rows))
}

/// Page queries at gallery scale.
pub fn gallery(media_count: usize, tags: usize, page: u32, dir: Option<&Path>) -> Result<()> {
    let folder = scratch(dir, "gallery")?;
    std::fs::remove_dir(&folder).map_err(|e| Error::io(&folder, e))?;
    let library = crate::community::create(&folder, CommunityDraft::new("Bench", ""))?;
    println!("Filling a library with {media_count} media and {tags} tags …");
    let clock = Stopwatch::start();
    let (moment, member) = fill_gallery(&library, media_count, tags, 1000, 400)?;
    println!("  filled in {:.1} s", clock.seconds());
    let conn = library.conn();
    let viewer = Viewer::anonymous();
    let deep = media::page(
        conn,
        &viewer,
        &MediaQuery { limit: 1, offset: (media_count / 2) as u32, ..MediaQuery::default() },
    )?;
    let middle: Option<PageCursor> =
        deep.items.first().map(|i| PageCursor { sort_at: Millis(i.sort_at.0), id: i.id.clone() });
    let cases: Vec<(&str, MediaQuery)> = vec![
        ("newest", MediaQuery { limit: page, ..MediaQuery::default() }),
        ("newest, from the middle (keyset)", MediaQuery { limit: page, after: middle, ..MediaQuery::default() }),
        ("by moment", MediaQuery { limit: page, moment_id: Some(moment.clone()), ..MediaQuery::default() }),
        ("by member", MediaQuery { limit: page, member_id: Some(member.clone()), ..MediaQuery::default() }),
        (
            "by member and moment",
            MediaQuery {
                limit: page,
                member_id: Some(member.clone()),
                moment_id: Some(moment.clone()),
                ..MediaQuery::default()
            },
        ),
        ("highlights", MediaQuery { limit: page, highlights: true, ..MediaQuery::default() }),
    ];
    println!();
    println!("Gallery pages of {page} (the window's page) at {media_count} media and {tags} tags (median of 500 runs; target < 100 µs):");
    for (name, query) in cases {
        let (micros, rows) = median_micros(|| Ok(media::page(conn, &viewer, &query)?.items.len()), 500)?;
        println!("  {name:<34} {micros:>8.1} µs  ({rows} rows)");
    }
    for (label, sql) in [
        ("by member, ids only (join cost)", "SELECT m.id FROM media_tags t JOIN media m ON m.id = t.media_id WHERE t.member_id = ?1 AND t.deleted = 0 AND t.status = 'tagged' AND m.deleted = 0 AND m.hidden = 0 ORDER BY t.sort_at DESC, t.media_id DESC LIMIT 60"),
        ("by member, tags only (no join)", "SELECT t.media_id FROM media_tags t WHERE t.member_id = ?1 AND t.deleted = 0 AND t.status = 'tagged' ORDER BY t.sort_at DESC, t.media_id DESC LIMIT 60"),
    ] {
        let (micros, rows) = median_micros(
            || {
                let mut stmt = conn.prepare_cached(sql)?;
                let ids: Vec<String> = stmt.query_map([&member], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
                Ok(ids.len())
            },
            500,
        )?;
        println!("  {label:<34} {micros:>8.1} µs  ({rows} rows)");
    }
    let (micros, rows) = median_micros(|| Ok(media::months(conn, &MediaQuery::default())?.len()), 20)?;
    println!("  {:<34} {micros:>8.1} µs  ({rows} months; once per gallery open)", "month sections");
    Ok(())
}

/// A library of `media` items (cycling through 60 real generated pictures, so the grid has
/// something to show) and `tags` tags, for trying a large gallery in the window.
pub fn fill(folder: &Path, media_count: usize, tags: usize) -> Result<()> {
    let library =
        crate::community::create(folder, CommunityDraft::new("A large gallery", "Generated by `hearth bench fill`"))?;
    let source = folder.join(".pictures");
    std::fs::create_dir_all(&source).map_err(|e| Error::io(&source, e))?;
    for i in 0..60u64 {
        let path = source.join(format!("{i}.jpg"));
        std::fs::write(&path, sample::jpeg(320, 240, 500 + i, &SampleExif::default()))
            .map_err(|e| Error::io(&path, e))?;
    }
    let shared = Mutex::new(library);
    let summary = import::run(
        &shared,
        std::slice::from_ref(&source),
        &ImportOptions::default(),
        &AtomicBool::new(false),
        &mut |_| {},
    )?;
    let library = shared.into_inner().unwrap_or_else(|p| p.into_inner());
    let pictures: Vec<String> = media::records(library.conn())?.into_iter().map(|r| r.hash).collect();
    library.conn().execute("DELETE FROM media", [])?;
    std::fs::remove_dir_all(&source).map_err(|e| Error::io(&source, e))?;
    fill_gallery_with(&library, media_count, tags, 100, 200, &pictures)?;
    library.set_me("member-00000")?;
    println!(
        "Filled {} with {media_count} media ({} distinct pictures) and {tags} tags; you are Member 0",
        folder.display(),
        summary.imported.len()
    );
    Ok(())
}

/// Merge of `count` ops from another device into a library, in one call.
pub fn merge(count: usize, dir: Option<&Path>) -> Result<()> {
    use crate::sync::{Cell, Op};
    let folder = scratch(dir, "merge")?;
    std::fs::remove_dir(&folder).map_err(|e| Error::io(&folder, e))?;
    let mut library = Library::create_for_join(&folder)?;
    let columns = ["title", "difference", "involves", "status", "outcome", "reflection", "target_date", "cover"];
    let start = library.now().0 - 3_600_000;
    let ops: Vec<Op> = (0..count)
        .map(|i| Op {
            hlc: format!("{:012x}-{:06x}-bench-device", start + (i / 50) as i64, i % 50),
            table: "initiatives".into(),
            row: format!("initiative-{:05}", i % (count / 8).max(1)),
            column: columns[i % columns.len()].into(),
            value: Cell::Text(format!("value {i}")),
            author: "bench".into(),
        })
        .collect();
    let clock = Stopwatch::start();
    let report = crate::sync::merge(&mut library, &ops)?;
    let seconds = clock.seconds();
    println!(
        "Merged {count} ops ({} applied, {} superseded) in {seconds:.2} s — {:.0} ops/s (target: 100,000 in < 2 s)",
        report.applied,
        report.superseded,
        count as f64 / seconds
    );

    // The whole way: an invited member's laptop writes the ops, syncs them through a folder,
    // and the founding laptop syncs: read, signature, admission, per-op permissions, merge.
    // Once with every op for everyone, once with a tenth of them care notes for the leads,
    // sealed (target: within 1.3 times the first).
    let mut times = Vec::new();
    for (run, sealed_share) in [0.0, 0.1].into_iter().enumerate() {
        let base = scratch(dir, &format!("merge-sync-{run}"))?;
        let (sent, received, seconds) = whole_way(&base, count, sealed_share)?;
        println!(
            "Synced {} ops ({:.0}% sealed) from an invited laptop through a folder ({} applied, {} refused) in {seconds:.2} s — read, signature, admission, opening, permissions and merge",
            sent.sent_ops,
            sealed_share * 100.0,
            received.merge.applied,
            received.merge.refused
        );
        times.push(seconds);
    }
    println!("Sealed against plain: {:.2}× (target: at most 1.3×)", times[1] / times[0]);
    Ok(())
}

/// One run of [`merge`]'s whole way: `count` ops written on an invited laptop, `sealed_share`
/// of them care notes for the leads; returns both sync reports and the founder's seconds.
fn whole_way(
    base: &Path,
    count: usize,
    sealed_share: f64,
) -> Result<(crate::sync::SyncReport, crate::sync::SyncReport, f64)> {
    let columns = ["title", "difference", "involves", "status", "outcome", "reflection", "target_date", "cover"];
    let shared = base.join("shared");
    let mut founder = crate::community::create(&base.join("a"), crate::community::CommunityDraft::new("Bench", ""))?;
    crate::people::members::create_my_profile(&mut founder, crate::people::members::MemberDraft::named("Ada"))?;
    crate::sync::sync_folder(&mut founder, &shared)?;
    let invitation = crate::community::invite(&mut founder, "Bo", None)?;
    crate::sync::sync_folder(&mut founder, &shared)?;
    let target = crate::sync::storage::Target::Folder(shared.clone());
    let (mut member, _) = crate::sync::join(&base.join("b"), &invitation, Some(&target), &Default::default())?;
    let bo = member.me()?.unwrap_or_default();
    let per_row = columns.len() + 3; // the columns, plus author, created and updated stamps
    let care_columns = ["member_id", "consent", "audience_kind", "audience", "title", "body", "closed"];
    let per_note = care_columns.len() + 4; // and author, created, updated, deleted
    let notes = (count as f64 * sealed_share / per_note as f64).round() as usize;
    let rows = (count - notes * per_note).div_ceil(per_row);
    member.write(|w| {
        use rusqlite::types::Value;
        for row in 0..rows {
            // Values the rules accept: a new initiative is an idea, with no outcome yet, and a
            // cover names a file.
            let value = |column: &str| match column {
                "status" => "idea".to_owned(),
                "cover" | "outcome" | "reflection" => String::new(),
                _ => format!("{column} {row}"),
            };
            let values: Vec<(&'static str, Value)> = columns.iter().map(|c| (*c, Value::Text(value(c)))).collect();
            w.apply("initiatives", &format!("bench-initiative-{row:06}"), &values)?;
            // The notes spread among the initiatives, as a member's writes are.
            if row % (rows / notes.max(1)).max(1) == 0 && row / (rows / notes.max(1)).max(1) < notes {
                let values = [
                    ("member_id", Value::Text(bo.clone())),
                    ("consent", Value::Text(String::new())),
                    ("audience_kind", Value::Text("leads".into())),
                    ("audience", Value::Text("[]".into())),
                    ("title", Value::Text(format!("A hard week {row}"))),
                    ("body", Value::Text(format!("What happened on the ward, week {row}"))),
                    ("closed", Value::Integer(0)),
                ];
                w.apply("care_notes", &w.new_id(), &values)?;
            }
        }
        Ok(())
    })?;
    let sent = crate::sync::sync_folder(&mut member, &shared)?;
    let clock = Stopwatch::start();
    let received = crate::sync::sync_folder(&mut founder, &shared)?;
    Ok((sent, received, clock.seconds()))
}

/// Media upload to an S3 server: Hearth's transfer against `rclone copy` of the same files to
/// the same server, side by side. Starts `moto_server` on loopback unless given an endpoint.
pub fn upload(files: usize, megabytes: usize, rounds: usize, endpoint: Option<&str>, dir: Option<&Path>) -> Result<()> {
    let source = scratch(dir, "upload")?;
    let blobs = source.join("blobs");
    std::fs::create_dir_all(&blobs).map_err(|e| Error::io(&blobs, e))?;
    println!("Writing {files} files of {megabytes} MB (incompressible, named by their hash) …");
    let mut names = Vec::new();
    for i in 0..files {
        let mut bytes = vec![0u8; megabytes * 1_000_000];
        blake3::Hasher::new().update(&(i as u64).to_le_bytes()).finalize_xof().fill(&mut bytes);
        let name = blake3::hash(&bytes).to_hex().to_string();
        std::fs::write(blobs.join(&name), &bytes).map_err(|e| Error::io(blobs.join(&name), e))?;
        names.push(name);
    }
    let total_mb = (files * megabytes) as f64;
    let _server;
    let endpoint = match endpoint {
        Some(endpoint) => endpoint.to_owned(),
        None => {
            let port = std::net::TcpListener::bind("127.0.0.1:0")
                .and_then(|l| l.local_addr())
                .map_err(|e| Error::invalid("bench", format!("no free port: {e}")))?
                .port();
            _server = Server(
                Command::new("moto_server")
                    .args(["-H", "127.0.0.1", "-p", &port.to_string()])
                    .stdout(std::process::Stdio::null())
                    .stderr(std::process::Stdio::null())
                    .spawn()
                    .map_err(|e| {
                        Error::invalid("bench", format!("moto_server could not start ({e}); run scripts/deps.sh test"))
                    })?,
            );
            let mut tries = 0;
            while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
                tries += 1;
                if tries > 600 {
                    return Err(Error::invalid("bench", "moto_server did not start listening in 30 s"));
                }
                std::thread::sleep(std::time::Duration::from_millis(50));
            }
            format!("http://127.0.0.1:{port}")
        }
    };
    let credentials = crate::sync::storage::Credentials { user: "bench".into(), secret: "bench-secret".into() };
    let rclone_available = Command::new("rclone").arg("version").output().is_ok_and(|o| o.status.success());
    let (mut hearth_best, mut rclone_best) = (f64::MAX, f64::MAX);
    for round in 1..=rounds {
        let (ours, theirs) = (format!("hearth-{round}"), format!("rclone-{round}"));
        for bucket in [&ours, &theirs] {
            make_bucket(&endpoint, bucket)?;
        }
        let target = crate::sync::storage::Target::S3 {
            bucket: ours,
            endpoint: Some(endpoint.clone()),
            region: "us-east-1".into(),
        };
        let store = crate::sync::storage::Store::open(&target, &credentials)?;
        let clock = Stopwatch::start();
        let present = store.list("blobs")?.len();
        let uploads = names.iter().map(|n| (format!("blobs/{n}"), blobs.join(n))).collect();
        let sent = store.upload(uploads, crate::sync::storage::CHUNK_BYTES, &|_, bytes| Ok(bytes), &|_| {})?;
        let hearth = clock.seconds();
        if present != 0 || sent as usize != files {
            return Err(Error::invalid("bench", format!("uploaded {sent} of {files}")));
        }
        hearth_best = hearth_best.min(hearth);
        let rclone = if rclone_available {
            let clock = Stopwatch::start();
            let status = Command::new("rclone")
                // rclone 1.60 cannot apply a CA bundle to its transport; the server is plain HTTP.
                .env_remove("AWS_CA_BUNDLE")
                .args(["copy", "--config", "/dev/null", "--s3-provider", "Other", "--s3-region", "us-east-1"])
                .args(["--s3-access-key-id", &credentials.user, "--s3-secret-access-key", &credentials.secret])
                .args(["--s3-endpoint", &endpoint])
                .arg(&blobs)
                .arg(format!(":s3:{theirs}/blobs"))
                .status()
                .map_err(|e| Error::io(Path::new("rclone"), e))?;
            if !status.success() {
                return Err(Error::invalid("bench", "rclone copy failed"));
            }
            let seconds = clock.seconds();
            rclone_best = rclone_best.min(seconds);
            Some(seconds)
        } else {
            None
        };
        println!(
            "  round {round}: Hearth {hearth:.2} s ({:.1} MB/s){}",
            total_mb / hearth,
            rclone.map(|r| format!(", rclone copy {r:.2} s ({:.1} MB/s)", total_mb / r)).unwrap_or_default()
        );
    }
    println!();
    println!("Upload of {files} × {megabytes} MB to S3 at {endpoint} (best of {rounds}):");
    println!("  Hearth       {:>7.1} MB/s", total_mb / hearth_best);
    if rclone_available {
        println!("  rclone copy  {:>7.1} MB/s", total_mb / rclone_best);
        println!("  Hearth / rclone = {:.2}× (target ≥ 0.8×)", rclone_best / hearth_best);
    } else {
        println!("  rclone copy  (rclone is not installed: run scripts/deps.sh test)");
    }
    Ok(())
}

/// A child server stopped when the benchmark ends.
struct Server(std::process::Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Creates a bucket on an S3 test server (which accepts any credentials) with a bare PUT.
fn make_bucket(endpoint: &str, bucket: &str) -> Result<()> {
    use std::io::{Read, Write};
    let host = endpoint.trim_start_matches("http://").trim_end_matches('/');
    let fail =
        |e: std::io::Error| Error::invalid("bench", format!("could not create bucket {bucket} at {endpoint}: {e}"));
    let mut stream = std::net::TcpStream::connect(host).map_err(fail)?;
    write!(stream, "PUT /{bucket} HTTP/1.1\r\nHost: {host}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
        .map_err(fail)?;
    let mut response = String::new();
    stream.read_to_string(&mut response).map_err(fail)?;
    if !response.starts_with("HTTP/1.1 200") {
        return Err(Error::invalid(
            "bench",
            format!("creating bucket {bucket}: {}", response.lines().next().unwrap_or("")),
        ));
    }
    Ok(())
}

/// Peak resident memory of one import worker making the gallery's two sizes from one large
/// image of each kind Hearth decodes whole (PNG 8-bit RGB and RGBA, PNG 16-bit RGBA, TIFF
/// 16-bit RGB, PNG grey with alpha, lossless WebP) and, for comparison, a JPEG (decoded at a reduced scale). Measured on Linux
/// from `VmHWM` after resetting it (`/proc/self/clear_refs`), above the resident size with the
/// file already read; the figure to hold is `imaging::PEAK_BUDGET`, 640 MiB a worker.
pub fn decode(megapixels: u32) -> Result<()> {
    use crate::ingest::imaging;
    let width = ((f64::from(megapixels) * 1e6 * 4.0 / 3.0).sqrt() as u32).max(4);
    let height = width * 3 / 4;
    println!(
        "One image of {width} × {height} ({:.1} MP) of each kind, its thumbnail and preview made once:",
        f64::from(width * height) / 1e6
    );
    type Make = fn(u32, u32) -> image::DynamicImage;
    let kinds: [(&str, image::ImageFormat, Make); 7] = [
        ("JPEG (reduced scale)", image::ImageFormat::Jpeg, |w, h| image::DynamicImage::ImageRgb8(sample_rgb(w, h))),
        ("PNG 8-bit RGB", image::ImageFormat::Png, |w, h| image::DynamicImage::ImageRgb8(sample_rgb(w, h))),
        ("PNG 8-bit RGBA", image::ImageFormat::Png, |w, h| {
            image::DynamicImage::ImageRgb8(sample_rgb(w, h)).to_rgba8().into()
        }),
        ("PNG 16-bit RGBA", image::ImageFormat::Png, |w, h| {
            image::DynamicImage::ImageRgb8(sample_rgb(w, h)).to_rgba16().into()
        }),
        ("TIFF 16-bit RGB", image::ImageFormat::Tiff, |w, h| {
            image::DynamicImage::ImageRgb8(sample_rgb(w, h)).to_rgb16().into()
        }),
        ("PNG 8-bit grey+alpha", image::ImageFormat::Png, |w, h| {
            image::DynamicImage::ImageRgb8(sample_rgb(w, h)).to_luma_alpha8().into()
        }),
        ("WebP lossless", image::ImageFormat::WebP, |w, h| image::DynamicImage::ImageRgb8(sample_rgb(w, h))),
    ];
    for (name, format, make) in kinds {
        let mut bytes = Vec::new();
        make(width, height)
            .write_to(&mut std::io::Cursor::new(&mut bytes), format)
            .map_err(|e| Error::invalid("bench", format!("could not encode {name}: {e}")))?;
        let base = reset_peak_memory();
        let watch = Stopwatch::start();
        let outcome = imaging::derive(&bytes, 1).map(|_| ());
        let seconds = watch.seconds();
        let peak = peak_memory().zip(base).map(|(peak, base)| peak.saturating_sub(base));
        let peak = peak.map_or("not measured here".to_owned(), |kb| format!("{:>5} MB", kb / 1024));
        let outcome = outcome.map_or_else(|e| format!("refused: {e}"), |()| format!("{seconds:.2} s"));
        println!("  {name:<22} {:>6.1} MB file   peak above the file: {peak}   {outcome}", bytes.len() as f64 / 1e6);
    }
    println!(
        "Budgets: {} MiB decoded for a non-JPEG image, {} MiB in all a worker (estimated from the header).",
        imaging::DECODE_BUDGET >> 20,
        imaging::PEAK_BUDGET >> 20
    );
    Ok(())
}

/// A photo-like picture: smooth gradients with fine noise, so that it compresses like one.
fn sample_rgb(width: u32, height: u32) -> image::RgbImage {
    image::RgbImage::from_fn(width, height, |x, y| {
        let mut hash = x.wrapping_mul(0x9E37_79B1) ^ y.wrapping_mul(0x85EB_CA77);
        hash ^= hash >> 15;
        hash = hash.wrapping_mul(0x2C1B_3C6D);
        let noise = (hash ^ (hash >> 12)) >> 28;
        image::Rgb([((x * 255 / width) + noise) as u8, ((y * 255 / height) + noise) as u8, (90 + noise) as u8])
    })
}

/// Resets the peak resident size to the current one; returns the current one in KiB (Linux).
pub(crate) fn reset_peak_memory() -> Option<u64> {
    std::fs::write("/proc/self/clear_refs", "5").ok()?;
    status_kib("VmRSS:")
}

/// The peak resident size since the last reset, in KiB (Linux).
pub(crate) fn peak_memory() -> Option<u64> {
    status_kib("VmHWM:")
}

fn status_kib(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|line| line.starts_with(field))?;
    line[field.len()..].trim().trim_end_matches("kB").trim().parse().ok()
}

/// Mixing `people` going into tables of `size` (`hearth bench tables`): the median of `rounds`
/// seatings, with 30 % of pairs having met. Target: 120 people at tables of 8 in < 200 ms.
pub fn tables(people: usize, size: usize, rounds: usize) -> Result<()> {
    use crate::convene::tables::{mix, Guest, Met};
    let guests: Vec<Guest> = (0..people)
        .map(|i| Guest {
            id: format!("m{i:04}"),
            name: format!("Member {i}"),
            newcomer: i % 12 == 0,
            profession: ["nurse", "teacher", "social worker", "midwife", ""][i % 5].to_owned(),
            years: (i % 11) as u32,
        })
        .collect();
    let mut met = Met::default();
    let mut state = 11u64;
    for a in 0..people {
        for b in a + 1..people {
            state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            if (state >> 33) % 10 < 3 {
                met.insert(&guests[a].id, &guests[b].id);
            }
        }
    }
    let mut times = Vec::new();
    let mut seating = None;
    for round in 0..rounds.max(1) {
        let watch = Stopwatch::start();
        seating = Some(mix(&guests, size, &met, round as u64 + 1));
        times.push(watch.seconds() * 1000.0);
    }
    times.sort_by(f64::total_cmp);
    let seating = seating.expect("at least one round");
    println!(
        "{people} people at tables of {size}: {} tables, {} of {} pairs new (30 % of all pairs had met); median {:.1} ms, slowest {:.1} ms (target < 200 ms)",
        seating.tables.len(),
        seating.new_pairs,
        seating.pairs,
        times[times.len() / 2],
        times[times.len() - 1]
    );
    Ok(())
}
