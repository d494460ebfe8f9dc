//! The core's layers: a module imports only from layers below its own (or from its own
//! folder), so the folders of `src/` read as the architecture and no two of them depend on
//! each other. Read from the source itself: every `crate::` path outside test modules.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// The top-level modules of `src/`, lowest first. A module may import only those before it.
const LAYERS: &[&str] = &[
    "error",       // what can go wrong
    "clock",       // the only reader of the wall clock
    "ids",         // row ids
    "text",        // text checks, Markdown
    "credentials", // signed Open Badges credentials: JCS, Ed25519, did:key
    "store",       // the library folder, the write path and its rules, blobs, the search index
    "viewer",      // who is reading
    "ingest",      // decoding what people bring in: images, metadata, portraits
    "sync",        // merge, segments, targets, roster, keys: tables and columns, never a domain
    "people",      // members, stories, celebrations, care, threads, directory
    "community",   // the community, founding it, inviting into it, library info
    "memories",    // moments, the gallery, albums, import, exports
    "initiatives", // initiatives and decisions
    "convene",     // rituals and gatherings, tables
    "artefacts",   // artefacts, their accounts, files, versions and sizes
    "pulse",       // pulse rounds, their tally, spread and opinion groups
    "health",      // the interaction graph and the health report
    "yearbook",    // the community's year as a book: gathered, then written as HTML
    "dev",         // the demo, sample photos, benchmarks
];

fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The top-level modules a file's non-test code names with `crate::`.
fn imports(code: &str) -> BTreeSet<String> {
    let code = match code.find("#[cfg(test)]") {
        Some(at) => &code[..at],
        None => code,
    };
    let mut found = BTreeSet::new();
    let mut rest = code;
    while let Some(at) = rest.find("crate::") {
        rest = &rest[at + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            // `crate::{a::b, c}`: each item's first name.
            let end = group.find('}').unwrap_or(group.len());
            for item in group[..end].split(',') {
                let name: String = item.trim().chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
                found.insert(name);
            }
        } else {
            found.insert(rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect());
        }
    }
    found.retain(|name| !name.is_empty());
    found
}

#[test]
fn each_module_imports_only_from_the_layers_below_it() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    sources(&src, &mut files);
    let mut wrong = Vec::new();
    for file in &files {
        let relative = file.strip_prefix(&src).unwrap();
        let top =
            relative.components().next().unwrap().as_os_str().to_string_lossy().trim_end_matches(".rs").to_owned();
        if matches!(top.as_str(), "lib" | "main" | "bin") {
            continue; // the crate root and the CLI may use everything
        }
        let Some(layer) = LAYERS.iter().position(|l| *l == top) else {
            wrong.push(format!("src/{} is in `{top}`, which the layers table does not list", relative.display()));
            continue;
        };
        for name in imports(&std::fs::read_to_string(file).unwrap()) {
            match LAYERS.iter().position(|l| *l == name) {
                Some(used) if used > layer => wrong.push(format!(
                    "src/{} imports crate::{name}, but `{name}` is a layer above `{top}`: move what it needs down, or the caller up",
                    relative.display()
                )),
                _ => {}
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// The check itself: an upward edge is named with its file.
#[test]
fn an_upward_import_is_found() {
    assert_eq!(
        imports("use crate::{people::members, store};\nfn f() { crate::sync::run(); }\n#[cfg(test)]\nuse crate::dev;"),
        ["people", "store", "sync"].into_iter().map(String::from).collect(),
        "grouped and inline paths count; test modules do not"
    );
}

/// Files stay readable: none over 700 lines, no function outside tests over 120 (the layered
/// core's limits; long ones read better as named steps).
#[test]
fn no_file_over_700_lines_and_no_function_over_120() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    sources(&src, &mut files);
    let mut long = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        let name = file.strip_prefix(&src).unwrap().display().to_string();
        if text.lines().count() > 700 {
            long.push(format!("src/{name} has {} lines (at most 700)", text.lines().count()));
        }
        let code = text.split("#[cfg(test)]").next().unwrap();
        let lines: Vec<&str> = code.lines().collect();
        let mut at = 0;
        while at < lines.len() {
            let line = lines[at].trim_start();
            let is_fn = ["fn ", "pub fn ", "pub(crate) fn ", "pub(super) fn "].iter().any(|p| line.starts_with(p));
            if !is_fn {
                at += 1;
                continue;
            }
            // Its body: from the line that opens it to the brace that closes it.
            let (mut depth, mut opened, mut end) = (0i32, false, at);
            for (offset, body) in lines[at..].iter().enumerate() {
                depth += body.matches('{').count() as i32 - body.matches('}').count() as i32;
                opened |= body.contains('{');
                end = at + offset;
                if (opened && depth <= 0) || (!opened && body.trim_end().ends_with(';')) {
                    break;
                }
            }
            if end + 1 - at > 120 {
                let name_of = line.split('(').next().unwrap_or(line);
                long.push(format!("src/{name}: `{name_of}` is {} lines (at most 120)", end + 1 - at));
            }
            at = end + 1;
        }
    }
    assert!(long.is_empty(), "{}", long.join("\n"));
}
