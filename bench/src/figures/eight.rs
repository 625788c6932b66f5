//! Figure D: a registry made from a file of the eight columns a user's spreadsheet has. mou's
//! import, export and quarterly report of it against the sqlite3 shell importing the file into
//! an untyped table, `sqlite3 -csv` of that table and a bare GROUP BY of the quarter of signing.

use super::report::{QUARTER, SQL_QUARTER};
use super::{export, time_pair, Bench};
use crate::data::EIGHT_COLUMNS;
use crate::error::Res;
use crate::measure::Out;
use crate::table::Row;
use crate::tools::Db;

/// The untyped table sqlite3 imports the eight-column file into.
fn create_table() -> String {
    format!("CREATE TABLE agreement({});", EIGHT_COLUMNS.join(", "))
}

fn group_by_quarter() -> String {
    format!("SELECT {SQL_QUARTER} AS q, count(*) FROM agreement GROUP BY 1;")
}

pub fn figure(bench: &Bench) -> Res<Vec<Row>> {
    let (opts, tools, files) = (bench.opts, bench.tools, bench.files);
    println!(
        "\n== D. eight columns ({}) from {} ({} runs)",
        EIGHT_COLUMNS.join(", "),
        files.eight.display(),
        opts.runs
    );
    let mou_db = bench.run_dir.join("mou-eight.db");
    let raw_db = bench.run_dir.join("raw-eight.db");
    let (mou_reg, raw_reg) = (Db::File(mou_db.clone()), Db::File(raw_db.clone()));
    let create = create_table();
    let import = time_pair(
        opts.runs,
        "import, ",
        ("mou", "sqlite3"),
        &mut || tools.mou_import(&mou_reg, &files.partners, &files.eight),
        &mut || tools.sqlite_import(&raw_db, &create, "agreement", &files.eight),
    )?;
    let export = export::time(
        bench,
        &export::Export {
            mou_db: &mou_reg,
            sqlite_db: &raw_reg,
            sql: "SELECT * FROM agreement",
            out_prefix: "eight-",
            line_prefix: "export, ",
        },
    )?;
    let group_by = group_by_quarter();
    let quarterly = time_pair(
        opts.runs,
        "quarterly, ",
        (
            &format!("mou report quarterly {QUARTER}"),
            "sqlite3 GROUP BY",
        ),
        &mut || tools.mou(&mou_db, ["report", "quarterly", QUARTER]),
        &mut || tools.sqlite_query(&raw_db, false, &group_by, Out::Null),
    )?;
    let row = |figure: &str, (mou, sqlite): &_, target| {
        Row::new(figure, opts.rows, (mou, sqlite), tools, Some(target))
    };
    Ok(vec![
        row("import (8 columns)", &import, 1.0),
        row("export (8 columns)", &export, 0.9),
        row("report quarterly (8 columns)", &quarterly, 0.5),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_gets_an_untyped_table_of_the_eight_columns_and_a_bare_group_by() {
        assert_eq!(
            create_table(),
            "CREATE TABLE agreement(ref, kind, title, parties, signed_on, expires_on, sdgs, notes);"
        );
        let q = group_by_quarter();
        assert!(q.starts_with("SELECT strftime('%Y', signed_on)"), "{q}");
        assert!(q.ends_with("FROM agreement GROUP BY 1;"), "{q}");
    }
}
