//! Figure F: the reports on a registry of N agreements and N engagements. `mou report` and
//! `mou report quarterly 2026Q3` against one naive GROUP BY over both tables in the sqlite3
//! shell (target 0.5), and `mou report dormant` against `mou report` (target 2). The
//! engagements are loaded into a copy of mou's registry by the sqlite3 shell (untimed): mou
//! has no `import engagements` yet.

use std::path::{Path, PathBuf};

use super::report::{QUARTER, SQLITE_GROUP_BY};
use super::{fmt_run, paired, Bench};
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
    Ok(vec![
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
}
