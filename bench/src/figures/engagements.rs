//! Figure F: engagements beside N agreements. `mou import engagements` of N rows into the
//! registry of the agreements against the sqlite3 shell's `.import` into a typed table (target
//! 1.0, with mou's peak RSS); then, on a copy of the registry with the engagements loaded by the
//! sqlite3 shell (untimed, so the reports do not depend on the import), `mou report` and
//! `mou report quarterly 2026Q3` against one naive GROUP BY over both tables (target 0.5), and
//! `mou report dormant` against `mou report` (target 2).

use std::path::{Path, PathBuf};

use super::report::{QUARTER, SQLITE_GROUP_BY};
use super::{fmt_run, paired, time_pair, Bench};
use crate::error::Res;
use crate::measure::{Out, Series};
use crate::table::Row;
use crate::tools::{dot_path, remove_db, MOU_TODAY};

/// The engagements' side of the naive GROUP BY: partner category, kind and quarter of start
/// over the engagement-partner-partner join.
const SQLITE_ENGAGEMENT_GROUP_BY: &str = "SELECT p.category, e.kind, \
strftime('%Y', e.starts_on) || 'Q' || ((CAST(strftime('%m', e.starts_on) AS INTEGER) + 2) / 3), \
count(*) FROM engagement e JOIN engagement_partner ep ON ep.engagement_id = e.id \
JOIN partner p ON p.id = ep.partner_id GROUP BY 1, 2, 3;";

/// The typed table sqlite3 imports the engagements file into.
fn raw_table() -> String {
    let cols: Vec<String> = crate::data::engagements::header()
        .iter()
        .map(|c| {
            let ty = if *c == "participants" {
                "INTEGER"
            } else {
                "TEXT"
            };
            format!("{c} {ty}")
        })
        .collect();
    format!("CREATE TABLE engagement_raw({});", cols.join(", "))
}

/// `mou import engagements` into a copy of the agreements' registry `db` (copied untimed before
/// each run) against sqlite3's `.import`. A failed mou import is reported and leaves no row.
fn import(bench: &Bench, db: &Path, csv: &Path) -> Res<Option<Row>> {
    let (opts, tools) = (bench.opts, bench.tools);
    println!("\n== F. import engagements ({} runs)", opts.runs);
    let (target, raw) = (
        bench.run_dir.join("mou-import-engagements.db"),
        bench.run_dir.join("raw-engagements.db"),
    );
    let copy = format!(".backup {}", dot_path(&target)?);
    let table = raw_table();
    let result = time_pair(
        opts.runs,
        "",
        ("mou import engagements", "sqlite3 .import"),
        &mut || {
            remove_db(&target)?;
            tools.sqlite_script(db, &copy)?;
            tools.mou(
                &target,
                [
                    std::ffi::OsStr::new("import"),
                    std::ffi::OsStr::new("engagements"),
                    csv.as_os_str(),
                ],
            )
        },
        &mut || tools.sqlite_import(&raw, &table, "engagement_raw", csv),
    );
    match result {
        Ok((mou, sqlite)) => Ok(Some(Row::new(
            "import engagements",
            opts.rows,
            (&mou, &sqlite),
            tools,
            Some(1.0),
        ))),
        Err(e) => {
            println!("  import engagements failed, no figure: {e}");
            Ok(None)
        }
    }
}

/// A copy of `db` with the engagements of `csv` in mou's tables (ids in file order).
fn load(bench: &Bench, db: &Path, csv: &Path) -> Res<PathBuf> {
    let out = bench.run_dir.join("mou-engagements.db");
    remove_db(&out)?;
    println!(
        "\nloading {} into {} (untimed)",
        csv.display(),
        out.display()
    );
    let cols = crate::data::engagements::header().join(", ");
    let script = format!(
        ".backup {dest}
.open {dest}
CREATE TABLE engagement_raw({cols});
.import --csv --skip 1 {csv} engagement_raw
INSERT INTO engagement(id, ref, kind, title, starts_on, ends_on, place, country, sdgs, tags,
  participants, outcome, notes, document, cancelled, public, created_at, updated_at)
  SELECT rowid, ref, kind, title, starts_on, ends_on, nullif(place, ''), nullif(country, ''),
         sdgs, tags, nullif(participants, ''), nullif(outcome, ''), nullif(notes, ''),
         nullif(document, ''), cancelled = 'true', public = 'true',
         '{MOU_TODAY}T00:00:00Z', '{MOU_TODAY}T00:00:00Z'
  FROM engagement_raw ORDER BY rowid;
INSERT INTO engagement_partner(engagement_id, position, partner_id)
  SELECT r.rowid, j.key, p.id
  FROM engagement_raw r, json_each('[\"' || replace(r.partners, ';', '\",\"') || '\"]') j
       JOIN partner p ON p.key = j.value;
DROP TABLE engagement_raw;
",
        dest = dot_path(&out)?,
        csv = dot_path(csv)?,
    );
    bench.tools.sqlite_script(db, &script)?;
    Ok(out)
}

pub fn figure(bench: &Bench, db: &Path) -> Res<Vec<Row>> {
    let (opts, tools) = (bench.opts, bench.tools);
    if !tools.sqlite {
        println!("\nsqlite3 not found: the engagement figures need it to load the engagements");
        return Ok(vec![]);
    }
    let csv = crate::data::engagements::generate(&opts.dir, opts.rows)?;
    let imported = import(bench, db, &csv)?;
    let db = load(bench, db, &csv)?;
    println!(
        "\n== F. reports with {} engagements ({} runs) from {}",
        opts.rows,
        opts.runs,
        db.display()
    );
    let both = format!("{SQLITE_GROUP_BY}\n{SQLITE_ENGAGEMENT_GROUP_BY}");
    let mut s = [(); 4].map(|_| Series::default());
    for run in 1..=opts.runs {
        let mou_side = || -> Res<[Option<crate::measure::Measure>; 3]> {
            Ok([
                tools.mou(&db, ["report"])?,
                tools.mou(&db, ["report", "quarterly", QUARTER])?,
                tools.mou(&db, ["report", "dormant"])?,
            ])
        };
        let sqlite_side = || tools.sqlite_query(&db, false, &both, Out::Null);
        let (m, q) = paired(run, mou_side, sqlite_side)?;
        println!(
            "  run {run}:{}{}{}{}",
            fmt_run("mou report", &m[0]),
            fmt_run("quarterly", &m[1]),
            fmt_run("dormant", &m[2]),
            fmt_run("sqlite3 GROUP BY both", &q)
        );
        for (series, m) in s.iter_mut().zip(m.iter().chain([&q])) {
            if let Some(m) = m {
                series.add(m);
            }
        }
    }
    let rows = opts.rows;
    Ok(imported
        .into_iter()
        .chain([
            Row::new(
                "report, engagements too",
                rows,
                (&s[0], &s[3]),
                tools,
                Some(0.5),
            ),
            Row::new(
                "quarterly, engagements too",
                rows,
                (&s[1], &s[3]),
                tools,
                Some(0.5),
            ),
            Row::new(
                "dormant / mou report",
                rows,
                (&s[2], &s[0]),
                tools,
                Some(2.0),
            ),
        ])
        .collect())
}
