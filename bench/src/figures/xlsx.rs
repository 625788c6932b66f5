//! Figure E: `mou export agreements -o FILE.xlsx` beside mou's own CSV export of the same
//! registry (target: at most 4x its time), with the workbook's peak memory (target: 64 MB).

use std::path::Path;

use super::{time_pair, Bench};
use crate::data::file_len;
use crate::error::Res;
use crate::table::{fmt_size, Row};

pub fn figure(bench: &Bench, db: &Path) -> Res<Row> {
    println!(
        "\n== E. export agreements to xlsx beside CSV ({} runs) from {}",
        bench.opts.runs,
        db.display()
    );
    let tools = bench.tools;
    let xlsx = bench.run_dir.join("out.xlsx");
    let csv = bench.run_dir.join("out-beside-xlsx.csv");
    let export = |out: &Path| {
        let args = [
            "export".as_ref(),
            "agreements".as_ref(),
            "-o".as_ref(),
            out.as_os_str(),
        ];
        tools.mou(db, args)
    };
    let (x, c) = time_pair(
        bench.opts.runs,
        "",
        ("xlsx", "csv"),
        &mut || export(&xlsx),
        &mut || export(&csv),
    )?;
    if tools.mou.is_some() {
        println!(
            "  xlsx {} beside csv {}",
            fmt_size(file_len(&xlsx)?),
            fmt_size(file_len(&csv)?)
        );
    }
    // The second column is mou's CSV export here, not sqlite3.
    Ok(Row::new(
        "export xlsx (vs mou csv)",
        bench.opts.rows,
        (&x, &c),
        tools,
        Some(4.0),
    ))
}
