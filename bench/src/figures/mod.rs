//! The figures: each times mou and the sqlite3 shell (psql with `--db`) doing the same work,
//! in paired runs, and gives lines of the final table.

mod eight;
mod engagements;
mod export;
mod html;
mod import;
mod registry;
mod report;
mod serve;
mod writers;
mod xlsx;

use std::path::{Path, PathBuf};

use crate::args::Opts;
use crate::data::DataFiles;
use crate::error::Res;
use crate::measure::{Measure, Series};
use crate::table::{fmt_rss, fmt_secs};
use crate::tools::{Db, Tools};

pub use eight::figure as eight;
pub use engagements::figure as engagements;
pub use export::figure as export;
pub use html::figure as html;
pub use import::figure as import;
pub use registry::prepare as prepare_registry;
pub use report::figure as report;
pub use serve::figure as serve;
pub use writers::figure as writers;
pub use xlsx::figure as xlsx;

/// What every figure works with.
pub struct Bench<'a> {
    pub opts: &'a Opts,
    pub tools: &'a Tools,
    pub files: &'a DataFiles,
    /// The scratch directory for registries and outputs.
    pub run_dir: &'a Path,
}

impl Bench<'_> {
    /// The registry mou writes: the database of `--db`, else the file `file`.
    pub fn registry(&self, file: PathBuf) -> Db {
        match &self.opts.db {
            Some(url) => Db::Pg(url.clone()),
            None => Db::File(file),
        }
    }
}

/// A command of one side: `None` when its tool is missing.
type Side<'a> = dyn FnMut() -> Res<Option<Measure>> + 'a;

/// Runs `a` then `b` on odd runs and `b` then `a` on even runs, so neither always goes first.
fn paired<X, Y>(run: u32, a: impl FnOnce() -> Res<X>, b: impl FnOnce() -> Res<Y>) -> Res<(X, Y)> {
    if run % 2 == 1 {
        let x = a()?;
        Ok((x, b()?))
    } else {
        let y = b()?;
        Ok((a()?, y))
    }
}

/// `  LABEL TIME (RSS)`, or nothing without a measure.
fn fmt_run(label: &str, m: &Option<Measure>) -> String {
    match m {
        None => String::new(),
        Some(m) => {
            let rss = m
                .max_rss_kib
                .map(|k| format!(" ({})", fmt_rss(k)))
                .unwrap_or_default();
            format!("  {label} {}{rss}", fmt_secs(m.secs))
        }
    }
}

/// Times mou's side and sqlite3's in `runs` paired runs, printing each run on a line
/// `  {prefix}run K:  {mou label} TIME  {sqlite label} TIME`.
fn time_pair(
    runs: u32,
    prefix: &str,
    (mou_label, sqlite_label): (&str, &str),
    mou: &mut Side,
    sqlite: &mut Side,
) -> Res<(Series, Series)> {
    let (mut mou_series, mut sqlite_series) = (Series::default(), Series::default());
    for run in 1..=runs {
        let (m, s) = paired(run, &mut *mou, &mut *sqlite)?;
        println!(
            "  {prefix}run {run}:{}{}",
            fmt_run(mou_label, &m),
            fmt_run(sqlite_label, &s)
        );
        if let Some(m) = &m {
            mou_series.add(m);
        }
        if let Some(s) = &s {
            sqlite_series.add(s);
        }
    }
    Ok((mou_series, sqlite_series))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::RefCell;

    #[test]
    fn paired_runs_alternate_which_side_goes_first() {
        let order = RefCell::new(Vec::new());
        for run in 1..=4 {
            paired(
                run,
                || {
                    order.borrow_mut().push('m');
                    Ok(())
                },
                || {
                    order.borrow_mut().push('s');
                    Ok(())
                },
            )
            .unwrap();
        }
        assert_eq!(order.into_inner(), ['m', 's', 's', 'm', 'm', 's', 's', 'm']);
    }

    #[test]
    fn a_missing_side_leaves_its_series_empty() {
        let m = || Measure {
            secs: 0.5,
            max_rss_kib: Some(2048),
        };
        let (mou, sqlite) = time_pair(
            3,
            "",
            ("mou", "sqlite3"),
            &mut || Ok(Some(m())),
            &mut || Ok(None),
        )
        .unwrap();
        assert_eq!((mou.median(), mou.peak_rss()), (Some(0.5), Some(2048)));
        assert_eq!(sqlite.median(), None);
        assert_eq!(fmt_run("mou", &Some(m())), "  mou 500 ms (2.0 MB)");
    }
}
