//! `mou due [--within 90d] [--exit-code]`: what needs attention soon.

use super::{Ctx, Sink};
use crate::cli::DueArgs;
use crate::dates::{iso, Date};
use crate::error::{Error, Result};
use crate::output::{Cell, RowWriter};
use crate::store::Access;

const COLUMNS: &[&str] = &[
    "ref",
    "kind",
    "title",
    "parties",
    "expires_on",
    "notice_on",
    "days_left",
    "due",
    "due_on",
];

/// Why an agreement is due at `today`, and the date that is due: the notice date while it is
/// still ahead, else (no notice, or its notice date passed) the expiry.
fn due_reason(
    notice: Option<Date>,
    expires: Option<Date>,
    today: Date,
    until: Date,
) -> (&'static str, Option<Date>) {
    match notice {
        Some(d) if d < today => ("notice date passed", expires),
        Some(d) if d <= until => ("notice date", Some(d)),
        _ => ("expires", expires),
    }
}

pub fn run(ctx: &Ctx, a: &DueArgs) -> Result<()> {
    let store = ctx.open(Access::Read)?;
    let filter = ctx.filter(&store, &a.filters)?;
    let until = a.within.after(ctx.as_of).ok_or_else(|| {
        Error::input("the window runs past the calendar's end; give a shorter --within")
    })?;
    let mut out = Sink::open(None)?;
    let mut w = RowWriter::new(&mut out, ctx.format(), false, COLUMNS, None)?;
    let mut n = 0;
    store.for_each_due(&filter, until, |g, _| {
        n += 1;
        let notice = g.notice_on();
        let (why, due_on) = due_reason(notice, g.expires_on, ctx.as_of, until);
        w.row(vec![
            Cell::text(&g.reference),
            Cell::text(g.kind.as_str()),
            Cell::text(&g.title),
            Cell::List(g.parties.clone()),
            Cell::opt(g.expires_on.map(iso)),
            Cell::opt(notice.map(iso)),
            due_on.map_or(Cell::Null, |d| Cell::Int((d - ctx.as_of).num_days())),
            Cell::text(why),
            Cell::opt(due_on.map(iso)),
        ])
    })?;
    w.finish()?;
    out.commit()?;
    if n == 0 {
        crate::note!("nothing due by {}", iso(until));
    }
    if a.exit_code && n > 0 {
        return Err(Error::no(format!("{n} agreement(s) due by {}", iso(until))));
    }
    Ok(())
}
