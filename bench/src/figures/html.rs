//! Figure G: `mou report quarterly 2026Q3 --format html` beside the same report as JSON, on the
//! same registry (target: at most 1.2x its time). The page reads the agreements once, as the
//! JSON report does, for the eight quarters its charts show.

use std::path::Path;

use super::{time_pair, Bench};
use crate::error::Res;
use crate::table::Row;

pub fn figure(bench: &Bench, db: &Path) -> Res<Row> {
    println!(
        "\n== G. report quarterly as html beside json ({} runs) from {}",
        bench.opts.runs,
        db.display()
    );
    let tools = bench.tools;
    let html = bench.run_dir.join("quarterly.html");
    let json = bench.run_dir.join("quarterly.json");
    let report = |out: &Path| {
        let args = [
            "report".as_ref(),
            "quarterly".as_ref(),
            "2026Q3".as_ref(),
            "-o".as_ref(),
            out.as_os_str(),
        ];
        tools.mou(db, args)
    };
    let (h, j) = time_pair(
        bench.opts.runs,
        "",
        ("html", "json"),
        &mut || report(&html),
        &mut || report(&json),
    )?;
    // The second column is mou's JSON report here, not sqlite3.
    Ok(Row::new(
        "report quarterly html (vs mou json)",
        bench.opts.rows,
        (&h, &j),
        tools,
        Some(1.2),
    ))
}
