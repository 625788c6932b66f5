//! `mou due [--within 90d] [--exit-code]`: what needs attention soon.

use super::{Ctx, Sink};
use crate::cli::DueArgs;
use crate::dates::{iso, Date};
use crate::error::{Error, Result};
use crate::model::Agreement;
use crate::report::values::{DueReport, DueRow};
use crate::store::Access;

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

/// The row `due` lists for `g` at `today`, looking as far as `until`.
pub fn due_row(g: Agreement, today: Date, until: Date) -> DueRow {
    let notice = g.notice_on();
    let (why, due_on) = due_reason(notice, g.expires_on, today, until);
    DueRow {
        reference: g.reference,
        kind: g.kind.as_str(),
        title: g.title,
        parties: g.parties,
        expires_on: g.expires_on.map(iso),
        notice_on: notice.map(iso),
        days_left: due_on.map(|d| (d - today).num_days()),
        due: why,
        due_on: due_on.map(iso),
    }
}

pub fn run(ctx: &Ctx, a: &DueArgs) -> Result<()> {
    let store = ctx.open(Access::Read)?;
    let filter = ctx.filter(&*store, &a.filters)?;
    let until = a.within.after(ctx.as_of).ok_or_else(|| {
        Error::input("the window runs past the calendar's end; give a shorter --within")
    })?;
    let mut report = DueReport::default();
    store.scan_due(&filter, until, &mut |g, _| {
        report.0.push(due_row(g, ctx.as_of, until));
        Ok(())
    })?;
    let mut out = Sink::open(None)?;
    crate::report::render(&mut out, ctx.format(), &report)?;
    out.commit()?;
    let n = report.0.len();
    if n == 0 {
        crate::note!("nothing due by {}", iso(until));
    }
    if a.exit_code && n > 0 {
        return Err(Error::no(format!("{n} agreement(s) due by {}", iso(until))));
    }
    Ok(())
}
