//! The registry the export and report figures read: mou's own when mou is there (a file, or the
//! database of `--db`), else a stand-in file with mou's tables built by the sqlite3 shell (so the
//! sqlite3 side can still run).

use super::import::AGREEMENT_RAW_TABLE;
use super::Bench;
use crate::error::Res;
use crate::tools::{dot_path, remove_db, Db, MOU_TODAY};

/// The registry; `imported` when figure A has just left one. `None` without either tool.
pub fn prepare(bench: &Bench, imported: bool) -> Res<Option<Db>> {
    let (tools, files, run_dir) = (bench.tools, bench.files, bench.run_dir);
    if tools.mou.is_some() {
        let reg = bench.registry(run_dir.join("mou.db"));
        if !imported {
            println!("\nbuilding {} with mou (untimed)", reg.describe());
            tools.mou_import(&reg, &files.partners, &files.agreements)?;
        }
        let Db::File(db) = reg else {
            return Ok(Some(reg));
        };
        if !db.is_file() {
            return Err(format!(
                "mou's imports succeeded but left no registry at {}: is `mou import` implemented?",
                db.display()
            )
            .into());
        }
        return Ok(Some(Db::File(db)));
    }
    if !tools.sqlite || bench.opts.db.is_some() {
        return Ok(None);
    }
    let db = run_dir.join("standin.db");
    println!(
        "\nmou binary not found: building a stand-in registry {} with mou's tables using sqlite3 \
         (untimed); sqlite3 figures on it are indicative only",
        db.display()
    );
    remove_db(&db)?;
    let script = format!(
        "CREATE TABLE partner(id INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE, name TEXT NOT NULL, \
name_norm TEXT NOT NULL, category TEXT NOT NULL, country TEXT, website TEXT, notes TEXT, \
created_at TEXT NOT NULL, updated_at TEXT NOT NULL);
CREATE TABLE agreement(id INTEGER PRIMARY KEY, ref TEXT NOT NULL UNIQUE, kind TEXT NOT NULL, \
title TEXT, signed_on TEXT, effective_on TEXT, expires_on TEXT, terminated_on TEXT, \
termination_reason TEXT, notice_days INTEGER, renews INTEGER, sdgs TEXT, tags TEXT, notes TEXT, \
document TEXT, created_at TEXT NOT NULL, updated_at TEXT NOT NULL);
CREATE TABLE agreement_party(agreement_id INTEGER NOT NULL, position INTEGER NOT NULL, \
partner_id INTEGER NOT NULL, PRIMARY KEY (agreement_id, position)) WITHOUT ROWID;
CREATE TABLE partner_raw(key, name, aliases, category, country, website, notes);
.import --csv --skip 1 {partners} partner_raw
INSERT INTO partner(key, name, name_norm, category, country, website, notes, created_at, updated_at)
  SELECT key, name, lower(name), category, nullif(country, ''), nullif(website, ''),
         nullif(notes, ''), '{MOU_TODAY}T00:00:00Z', '{MOU_TODAY}T00:00:00Z' FROM partner_raw;
{AGREEMENT_RAW_TABLE}
.import --csv --skip 1 {agreements} agreement_raw
INSERT INTO agreement(ref, kind, title, signed_on, effective_on, expires_on, terminated_on,
  termination_reason, notice_days, renews, sdgs, tags, notes, document, created_at, updated_at)
  SELECT ref, kind, title, nullif(signed_on, ''), nullif(effective_on, ''), nullif(expires_on, ''),
         nullif(terminated_on, ''), nullif(termination_reason, ''), nullif(notice_days, ''), NULL,
         nullif(sdgs, ''), nullif(tags, ''), nullif(notes, ''), nullif(document, ''),
         '{MOU_TODAY}T00:00:00Z', '{MOU_TODAY}T00:00:00Z'
  FROM agreement_raw ORDER BY rowid;
INSERT INTO agreement_party(agreement_id, position, partner_id)
  SELECT a.id, j.key + 1, p.id
  FROM agreement_raw r JOIN agreement a ON a.ref = r.ref,
       json_each('[\"' || replace(r.parties, ';', '\",\"') || '\"]') j
       JOIN partner p ON p.key = j.value;
DROP TABLE partner_raw;
DROP TABLE agreement_raw;
",
        partners = dot_path(&files.partners)?,
        agreements = dot_path(&files.agreements)?,
    );
    tools.sqlite_script(&db, &script)?;
    Ok(Some(Db::File(db)))
}
