//! `mou import partners|agreements FILE`: any bytes give a result or an error, never a
//! panic. The bytes are written to a file and imported, through the library, into a fresh
//! registry holding one partner.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mou::cli::{Entity, ImportArgs};
use mou::commands::{import, Ctx};
use mou::store::{Access, Store};

fuzz_target!(|data: &[u8]| {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("registry.db");
    let file = dir.path().join("input.csv");
    std::fs::write(&file, data).unwrap();
    std::fs::write(
        dir.path().join("seed.csv"),
        "key,name,category\nunicef,UNICEF,intergovernmental\n",
    )
    .unwrap();
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 29).unwrap();
    let ctx = Ctx {
        db: db.clone(),
        format: None,
        as_of: today,
        today,
        actor: "fuzz".into(),
        db_named: true,
        store: Default::default(),
    };
    let args = |entity, file| ImportArgs {
        entity,
        file,
        dry_run: false,
        update: true,
        force: false,
        create_partners: false,
        delimiter: None,
        date_format: None,
        ignore_columns: Vec::new(),
    };
    import::run(&ctx, &args(Entity::Partners, dir.path().join("seed.csv"))).unwrap();
    for entity in [Entity::Partners, Entity::Agreements] {
        if let Err(e) = import::run(&ctx, &args(entity, file.clone())) {
            // Bad input is exit 2; the registry itself must never fail on it.
            assert_eq!(e.exit_code() as i32, 2, "{e}");
        }
    }
    // Whatever was imported leaves a sound registry.
    let store = Store::open(&db, Access::Read, &Default::default()).unwrap();
    assert!(store.integrity_problems().unwrap().is_empty());
});
