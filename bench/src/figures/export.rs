//! Figure B: `mou export agreements -o FILE` against `sqlite3 -csv DB 'SELECT * FROM agreement'`
//! on the same registry (with `--db`: against `psql -c "\copy (SELECT * FROM mou.agreement) TO
//! STDOUT CSV"`); and the export timing the eight-column figure shares.

use std::path::Path;

use super::{time_pair, Bench};
use crate::data::file_len;
use crate::error::{Context, Res};
use crate::measure::{Out, Series};
use crate::table::{fmt_size, Row};
use crate::tools::Db;

/// One export compared: what each side reads, and the prefix of the files they write.
pub(super) struct Export<'a> {
    pub mou_db: &'a Db,
    /// The baseline's database: a file for sqlite3, a URL for psql.
    pub sqlite_db: &'a Db,
    /// The query the baseline exports as CSV.
    pub sql: &'a str,
    /// Before `out.csv` and `sqlite-out.csv` in the scratch directory.
    pub out_prefix: &'a str,
    /// Before `run K:` on each run's line.
    pub line_prefix: &'a str,
}

pub fn figure(bench: &Bench, db: &Db) -> Res<Row> {
    println!(
        "\n== B. export agreements ({} runs) from {}",
        bench.opts.runs,
        db.describe()
    );
    let export = Export {
        mou_db: db,
        sqlite_db: db,
        sql: match db {
            Db::File(_) => "SELECT * FROM agreement",
            Db::Pg(_) => "SELECT * FROM mou.agreement",
        },
        out_prefix: "",
        line_prefix: "",
    };
    let (mou, sqlite) = time(bench, &export)?;
    let rows = bench.opts.rows;
    // On PostgreSQL the target is psql's own COPY: at most as long.
    let target = if bench.tools.psql.is_some() { 1.0 } else { 0.9 };
    Ok(Row::new(
        "export agreements",
        rows,
        (&mou, &sqlite),
        bench.tools,
        Some(target),
    ))
}

/// Times both exports in paired runs, then says (untimed) what each side wrote.
pub(super) fn time(bench: &Bench, export: &Export) -> Res<(Series, Series)> {
    let tools = bench.tools;
    let mou_out = bench.run_dir.join(format!("{}out.csv", export.out_prefix));
    let base = tools.base();
    let sqlite_out = bench
        .run_dir
        .join(format!("{}{base}-out.csv", export.out_prefix));
    let series = time_pair(
        bench.opts.runs,
        export.line_prefix,
        ("mou", base),
        &mut || {
            let args = [
                "export".as_ref(),
                "agreements".as_ref(),
                "-o".as_ref(),
                mou_out.as_os_str(),
            ];
            tools.mou(export.mou_db.arg(), args)
        },
        &mut || match (export.sqlite_db, &tools.psql) {
            (Db::Pg(_), Some(psql)) => {
                let copy = format!("\\copy ({}) TO STDOUT CSV", export.sql);
                psql.command(&copy, Out::File(&sqlite_out)).map(Some)
            }
            (Db::Pg(_), None) => Err("--db needs psql".into()),
            (Db::File(db), _) => tools.sqlite_query(db, true, export.sql, Out::File(&sqlite_out)),
        },
    )?;
    if tools.mou.is_some() {
        println!(
            "  mou wrote     {} ({} records after the header)",
            fmt_size(file_len(&mou_out)?),
            count_records(&mou_out, true)?
        );
    }
    if tools.sqlite || tools.psql.is_some() {
        println!(
            "  {base:<7} wrote {} ({} records, no header)",
            fmt_size(file_len(&sqlite_out)?),
            count_records(&sqlite_out, false)?
        );
    }
    Ok(series)
}

/// Counts CSV records (not lines: cells may hold newlines).
fn count_records(path: &Path, has_headers: bool) -> Res<u64> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(has_headers)
        .flexible(true)
        .from_path(path)
        .ctx(|| format!("cannot read {}", path.display()))?;
    let mut record = csv::ByteRecord::new();
    let mut n = 0;
    while reader
        .read_byte_record(&mut record)
        .ctx(|| format!("cannot read {}", path.display()))?
    {
        n += 1;
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::count_records;

    #[test]
    fn records_are_counted_not_lines() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.csv");
        std::fs::write(&path, "a,b\n\"one\ntwo\",3\n4,5\n").unwrap();
        assert_eq!(count_records(&path, true).unwrap(), 2);
        assert_eq!(count_records(&path, false).unwrap(), 3);
    }
}
