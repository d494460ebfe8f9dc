//! Migrations are append-only in fact: each applied migration's text is fixed by its hash in
//! `tests/it/migrations.blake3`. A library that already ran a migration never runs it again,
//! so changing one would leave old and new libraries with different schemas.

use hearth::store::db::MIGRATIONS;

#[test]
fn applied_migrations_never_change() {
    let listed = include_str!("migrations.blake3");
    let hashes: Vec<(&str, &str)> =
        listed.lines().filter(|l| !l.trim().is_empty()).map(|l| l.split_once(' ').expect("name hash")).collect();
    for (index, (name, sql)) in MIGRATIONS.iter().enumerate() {
        let hash = blake3::hash(sql.as_bytes()).to_hex().to_string();
        match hashes.get(index) {
            Some((listed_name, listed_hash)) => {
                assert_eq!(
                    listed_name, name,
                    "migration {index} was {listed_name}; migrations are never renamed or reordered"
                );
                assert_eq!(
                    *listed_hash, hash,
                    "{name} changed after it was applied: libraries that ran it keep the old schema. Put the change in a new migration"
                );
            }
            None => panic!("{name} is new: add `{name} {hash}` to tests/it/migrations.blake3 once it is final"),
        }
    }
    assert_eq!(hashes.len(), MIGRATIONS.len(), "a listed migration is gone: migrations are never removed");
}

#[test]
#[ignore = "prints the list; run with --ignored to write tests/it/migrations.blake3 for a new migration"]
fn print_migration_hashes() {
    for (name, sql) in MIGRATIONS {
        println!("{name} {}", blake3::hash(sql.as_bytes()).to_hex());
    }
}
