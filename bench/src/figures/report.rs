//! Figure C: `mou report` and `mou report quarterly 2026Q3` against one naive GROUP BY
//! (category and quarter of signing over the agreement-party-partner join) in the sqlite3 shell,
//! or with `--db` in psql on the same database.

use super::{fmt_run, paired, Bench};
use crate::error::Res;
use crate::measure::{Measure, Out, Series};
use crate::table::Row;
use crate::tools::{Db, MOU_TODAY};

/// The quarter of the quarterly reports.
pub(super) const QUARTER: &str = "2026Q3";

/// The year and quarter of `signed_on`, e.g. `2026Q3`, in SQLite.
pub(super) const SQL_QUARTER: &str = "strftime('%Y', signed_on) || 'Q' || \
((CAST(strftime('%m', signed_on) AS INTEGER) + 2) / 3)";

pub(super) const SQLITE_GROUP_BY: &str =
    "SELECT p.category, strftime('%Y', a.signed_on) || 'Q' || \
((CAST(strftime('%m', a.signed_on) AS INTEGER) + 2) / 3) AS q, count(*) FROM agreement a \
JOIN agreement_party ap ON ap.agreement_id = a.id JOIN partner p ON p.id = ap.partner_id \
GROUP BY 1, 2;";

/// The same GROUP BY on mou's tables in PostgreSQL.
pub(super) const PG_GROUP_BY: &str = "SELECT p.category, to_char(a.signed_on, 'YYYY\"Q\"Q') AS q, \
count(*) FROM mou.agreement a JOIN mou.agreement_party ap ON ap.agreement_id = a.id \
JOIN mou.partner p ON p.id = ap.partner_id GROUP BY 1, 2;";

pub fn figure(bench: &Bench, db: &Db) -> Res<Vec<Row>> {
    let (opts, tools) = (bench.opts, bench.tools);
    println!(
        "\n== C. reports ({} runs, MOU_TODAY={MOU_TODAY}) from {}",
        opts.runs,
        db.describe()
    );
    let base = tools.base();
    let (mut summary, mut quarterly, mut sql) =
        (Series::default(), Series::default(), Series::default());
    for run in 1..=opts.runs {
        let mou_side = || -> Res<Option<(Measure, Measure)>> {
            let Some(a) = tools.mou(db.arg(), ["report"])? else {
                return Ok(None);
            };
            let b = tools.mou(db.arg(), ["report", "quarterly", QUARTER])?;
            Ok(b.map(|b| (a, b)))
        };
        let sqlite_side = || match (db, &tools.psql) {
            (Db::Pg(_), Some(psql)) => psql.command(PG_GROUP_BY, Out::Null).map(Some),
            (Db::Pg(_), None) => Err("--db needs psql".into()),
            (Db::File(f), _) => tools.sqlite_query(f, false, SQLITE_GROUP_BY, Out::Null),
        };
        let (m, s) = paired(run, mou_side, sqlite_side)?;
        let (ma, mb) = m.map_or((None, None), |(a, b)| (Some(a), Some(b)));
        println!(
            "  run {run}:{}{}{}",
            fmt_run("mou report", &ma),
            fmt_run(&format!("mou report quarterly {QUARTER}"), &mb),
            fmt_run(&format!("{base} GROUP BY"), &s)
        );
        if let (Some(a), Some(b)) = (&ma, &mb) {
            summary.add(a);
            quarterly.add(b);
        }
        if let Some(s) = &s {
            sql.add(s);
        }
    }
    let rows = opts.rows;
    Ok(vec![
        Row::new("report (summary)", rows, (&summary, &sql), tools, Some(0.5)),
        Row::new(
            format!("report quarterly {QUARTER}"),
            rows,
            (&quarterly, &sql),
            tools,
            Some(0.5),
        ),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_group_by_uses_the_same_quarter_expression() {
        let on_a = SQL_QUARTER.replace("signed_on", "a.signed_on");
        assert!(SQLITE_GROUP_BY.contains(&on_a), "{SQLITE_GROUP_BY}");
    }
}
