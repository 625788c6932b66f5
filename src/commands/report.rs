//! `mou report [summary|quarterly|by|count]`. Figures come from the data layer; this module
//! builds each report's one value (`crate::report::values`), which renders every format.

use chrono::{Datelike, Months, NaiveDate};

use super::{Ctx, Sink};
use crate::cli::{DormantArgs, FilterArgs, LangArg, ReportArgs, ReportCommand};
use crate::dates::{iso, period_holding, quarter_shift, Date, Period};
use crate::error::{Error, Result};
use crate::milestone::Lang;
use crate::query::Filter;
use crate::report::engagements::{
    months_up_to, shared_with_engagements, sort_dormant, DormantAcc, EngagementTally,
};
use crate::report::values::{ByReport, Count, DormantReport, QuarterHead, QuarterlyReport};
use crate::report::{render, CountBy, Render};
use crate::store::{Access, Backend};

fn cat<T: Clone>(x: &[T], y: &[T]) -> Vec<T> {
    x.iter().chain(y).cloned().collect()
}

/// Flags given before the subcommand apply as well as those after it.
fn merged(a: &FilterArgs, b: &FilterArgs) -> FilterArgs {
    FilterArgs {
        categories: cat(&a.categories, &b.categories),
        countries: cat(&a.countries, &b.countries),
        kinds: cat(&a.kinds, &b.kinds),
        statuses: cat(&a.statuses, &b.statuses),
        sdgs: cat(&a.sdgs, &b.sdgs),
        tags: cat(&a.tags, &b.tags),
        partners: cat(&a.partners, &b.partners),
        signed_in: b.signed_in.or(a.signed_in),
        expires_in: b.expires_in.or(a.expires_in),
        active_on: b.active_on.or(a.active_on),
        search: b.search.clone().or_else(|| a.search.clone()),
    }
}

pub fn run(ctx: &Ctx, a: ReportArgs) -> Result<()> {
    let langs: Vec<Lang> = match a.lang {
        None => vec![Lang::En, Lang::Ar],
        Some(LangArg::En) => vec![Lang::En],
        Some(LangArg::Ar) => vec![Lang::Ar],
    };
    match &a.which {
        None => summary(ctx, &a.filters, &langs),
        Some(ReportCommand::Summary(s)) => summary(ctx, &merged(&a.filters, &s.filters), &langs),
        Some(ReportCommand::Quarterly(q)) => quarterly(ctx, q, &merged(&a.filters, &q.filters)),
        Some(ReportCommand::By(b)) => {
            by(ctx, b.field, b.engagements, &merged(&a.filters, &b.filters))
        }
        Some(ReportCommand::Count(c)) => {
            let counted = if c.engagements {
                Counted::Engagements
            } else if c.count_partners {
                Counted::Partners
            } else {
                Counted::Agreements
            };
            count(ctx, c.more_than, counted, &merged(&a.filters, &c.filters))
        }
        Some(ReportCommand::Dormant(d)) => dormant(ctx, d, &merged(&a.filters, &d.filters)),
    }
}

/// The filter of `report by|count --engagements`: the flags that mean something for an
/// engagement (partner, partner category, goal, tag, text, and the country where it was
/// held); the agreement-only ones are refused rather than ignored.
fn engagement_filter(ctx: &Ctx, store: &dyn Backend, f: &FilterArgs) -> Result<Filter> {
    let agreement_only = [
        ("--kind", !f.kinds.is_empty()),
        ("--status", !f.statuses.is_empty()),
        ("--signed-in", f.signed_in.is_some()),
        ("--expires-in", f.expires_in.is_some()),
        ("--active-on", f.active_on.is_some()),
    ];
    if let Some((flag, _)) = agreement_only.iter().find(|(_, given)| *given) {
        return Err(Error::input(format!(
            "{flag} filters agreements, and --engagements counts engagements"
        ))
        .with_hint(
            "with --engagements, filter by --partner, --category, --country (where it was held), --sdg, --tag or --search",
        ));
    }
    ctx.filter(store, f)
}

fn summary(ctx: &Ctx, f: &FilterArgs, langs: &[Lang]) -> Result<()> {
    let store = ctx.open(Access::Read)?;
    let filter = ctx.filter(&*store, f)?;
    let report = super::summary::summary_report(&*store, &filter, langs)?;
    emit(ctx, &report)
}

/// Writes `report` to standard output in the format asked for.
fn emit(ctx: &Ctx, report: &impl Render) -> Result<()> {
    let mut out = Sink::open(None)?;
    render(&mut out, ctx.format(), report)?;
    out.commit()
}

/// The quarter `period` names: `2026Q3` (quarter 3 of the year 2026), or `this-quarter`,
/// `last-quarter`, `next-quarter` counted from `today`; of a fiscal year starting in the month
/// `fiscal_start`. Returns it with its name (`2026Q3`).
pub fn fiscal_quarter(period: &str, fiscal_start: u32, today: Date) -> Result<(Period, String)> {
    let bad = || {
        Error::field(
            "period",
            period,
            "give a quarter such as 2026Q3 or 2026-Q3, or this-quarter, last-quarter or next-quarter",
        )
    };
    if let Some(n) = quarter_shift(period) {
        let q = period_holding(today, 3, fiscal_start, n).ok_or_else(bad)?;
        return Ok((q, label_of(q, fiscal_start)));
    }
    let s = crate::text::ascii_digits(period.trim()).to_ascii_uppercase();
    let (y, q) = s.split_once('Q').ok_or_else(bad)?;
    let y: i32 = y.trim_end_matches('-').parse().map_err(|_| bad())?;
    let q: u32 = q.parse().map_err(|_| bad())?;
    if !(1..=4).contains(&q) || !(1..=9998).contains(&y) {
        return Err(bad());
    }
    let start = NaiveDate::from_ymd_opt(y, fiscal_start, 1)
        .and_then(|d| d.checked_add_months(Months::new((q - 1) * 3)))
        .ok_or_else(bad)?;
    let end = start
        .checked_add_months(Months::new(3))
        .and_then(|d| d.pred_opt())
        .ok_or_else(bad)?;
    Ok((Period { start, end }, format!("{y}Q{q}")))
}

/// The fiscal year and quarter `p` starts: the fiscal year is named by the calendar year it
/// starts in.
fn fiscal_year_quarter(p: Period, fiscal_start: u32) -> (i32, i32) {
    let months_in = (p.start.year() * 12 + p.start.month0() as i32) - (fiscal_start as i32 - 1);
    (months_in.div_euclid(12), months_in.rem_euclid(12) / 3 + 1)
}

/// A quarter's name for scripts: `2026Q3`, fiscal or not.
fn label_of(p: Period, fiscal_start: u32) -> String {
    let (fy, q) = fiscal_year_quarter(p, fiscal_start);
    format!("{fy}Q{q}")
}

/// A quarter's name for people: `2026Q3`, or `FY2026 Q1` for a fiscal year's quarter
/// (`long` adds "(fiscal, from July)").
fn people_label(p: Period, fiscal_start: u32, long: bool) -> String {
    if fiscal_start == 1 {
        return label_of(p, fiscal_start);
    }
    let (fy, q) = fiscal_year_quarter(p, fiscal_start);
    let month =
        chrono::Month::try_from(u8::try_from(fiscal_start).unwrap_or(1)).map_or("", |m| m.name());
    if long {
        format!("FY{fy} Q{q} (fiscal, from {month})")
    } else {
        format!("FY{fy} Q{q}")
    }
}

fn quarterly(ctx: &Ctx, a: &crate::cli::QuarterlyArgs, f: &FilterArgs) -> Result<()> {
    let (q, label) = fiscal_quarter(&a.period, a.fiscal_start, ctx.today)?;
    // Figures are taken at the quarter's end: until that day comes they will still change.
    let complete = q.end <= ctx.today;
    let prev = q
        .shifted_quarters(-1)
        .ok_or_else(|| Error::field("period", &a.period, "give a later quarter"))?;
    let prev_label = label_of(prev, a.fiscal_start);
    let next = q
        .shifted_quarters(1)
        .ok_or_else(|| Error::field("period", &a.period, "give an earlier quarter"))?;
    let store = ctx.open(Access::Read)?;
    let mut filter = ctx.filter(&*store, f)?;
    filter.as_of = q.end;
    let mut acc = crate::report::Quarterly::new(&[(q, next), (prev, q)]);
    store.scan_report_rows(&filter, &mut |r| {
        acc.add(r);
        Ok(())
    })?;
    let (mut cur_eng, mut old_eng) = (EngagementTally::new(q), EngagementTally::new(prev));
    let both_quarters = Period {
        start: prev.start,
        end: q.end,
    };
    store.scan_engagement_rows(
        &shared_with_engagements(&filter),
        Some(both_quarters),
        &mut |r| {
            cur_eng.add(r);
            old_eng.add(r);
            Ok(())
        },
    )?;
    let mut both = acc.finish(&store.partner_categories()?).into_iter();
    let (Some(cur), Some(old)) = (both.next(), both.next()) else {
        return Err(Error::registry("quarterly figures missing"));
    };
    let (cur, old) = (cur.with_engagements(cur_eng), old.with_engagements(old_eng));
    let head = QuarterHead {
        period: label,
        start: iso(q.start),
        end: iso(q.end),
        previous_period: prev_label,
        fiscal_start: a.fiscal_start,
        label: people_label(q, a.fiscal_start, true),
        complete,
        previous_label: people_label(prev, a.fiscal_start, false),
        today: iso(ctx.today),
    };
    emit(ctx, &QuarterlyReport::new(head, &cur, &old))
}

fn by(ctx: &Ctx, field: CountBy, engagements: bool, f: &FilterArgs) -> Result<()> {
    let store = ctx.open(Access::Read)?;
    let counts = if engagements {
        store.count_engagements_by(field, &engagement_filter(ctx, &*store, f)?)?
    } else {
        store.count_by(field, &ctx.filter(&*store, f)?)?
    };
    let rows = crate::report::arrange_by(field, engagements, counts);
    emit(ctx, &ByReport { field, rows })
}

/// What `report count` counts.
enum Counted {
    Agreements,
    Partners,
    Engagements,
}

fn count(ctx: &Ctx, more_than: Option<u64>, counted: Counted, f: &FilterArgs) -> Result<()> {
    let store = ctx.open(Access::Read)?;
    let n = match counted {
        Counted::Agreements => store.count_agreements(&ctx.filter(&*store, f)?)?,
        Counted::Partners => store.count_partners_with_agreements(&ctx.filter(&*store, f)?)?,
        Counted::Engagements => store.count_engagements(&engagement_filter(ctx, &*store, f)?)?,
    };
    emit(ctx, &Count(n))?;
    match more_than {
        Some(m) if n.max(0) as u64 <= m => Err(Error::no("")),
        _ => Ok(()),
    }
}

/// `report dormant`: the filter's partner terms choose the partners listed, its agreement
/// terms the agreements that count (as active, and as signed); every engagement counts.
fn dormant(ctx: &Ctx, a: &DormantArgs, f: &FilterArgs) -> Result<()> {
    let window = months_up_to(ctx.as_of, a.months).ok_or_else(|| {
        Error::field(
            "months",
            &a.months.to_string(),
            format!(
                "{} months before {} is before the calendar starts; give fewer",
                a.months,
                iso(ctx.as_of)
            ),
        )
    })?;
    let store = ctx.open(Access::Read)?;
    let filter = ctx.filter(&*store, f)?;
    let (partner_terms, agreement_terms) = filter
        .terms
        .into_iter()
        .partition(|t| t.cond.is_partner_level());
    let mut agreements = Filter::new(ctx.as_of);
    agreements.terms = agreement_terms;
    let mut partners = Filter::new(ctx.as_of);
    partners.terms = partner_terms;
    let mut acc = DormantAcc::new(window);
    store.scan_report_rows(&agreements, &mut |r| {
        acc.add_agreement(r);
        Ok(())
    })?;
    store.scan_engagement_rows(&Filter::new(ctx.as_of), None, &mut |r| {
        acc.add_engagement(r);
        Ok(())
    })?;
    let mut rows = Vec::new();
    store.scan_partners(&partners, &mut |p| {
        rows.extend(acc.dormant(&p));
        Ok(())
    })?;
    sort_dormant(&mut rows);
    let any = !rows.is_empty();
    emit(ctx, &DormantReport(rows))?;
    if a.exit_code && any {
        return Err(Error::no(""));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day() -> Date {
        crate::dates::parse_stored("2026-11-29").unwrap()
    }

    #[test]
    fn fiscal_quarters() {
        let (p, l) = fiscal_quarter("2026Q3", 1, day()).unwrap();
        assert_eq!(
            (iso(p.start), iso(p.end), l.as_str()),
            ("2026-07-01".into(), "2026-09-30".into(), "2026Q3")
        );
        let (p, _) = fiscal_quarter("2026-Q1", 7, day()).unwrap();
        assert_eq!(
            (iso(p.start), iso(p.end)),
            ("2026-07-01".into(), "2026-09-30".into())
        );
        let (p, _) = fiscal_quarter("2026Q4", 7, day()).unwrap();
        assert_eq!(
            (iso(p.start), iso(p.end)),
            ("2027-04-01".into(), "2027-06-30".into())
        );
        assert_eq!(label_of(p.shifted_quarters(-1).unwrap(), 7), "2026Q3");
        assert_eq!(
            label_of(
                fiscal_quarter("2026Q1", 7, day())
                    .unwrap()
                    .0
                    .shifted_quarters(-1)
                    .unwrap(),
                7
            ),
            "2025Q4"
        );
        assert!(fiscal_quarter("2026Q5", 1, day()).is_err());
        let (p, l) = fiscal_quarter("last-quarter", 7, day()).unwrap();
        assert_eq!((iso(p.start), l.as_str()), ("2026-07-01".into(), "2026Q1"));
        assert_eq!(people_label(p, 7, true), "FY2026 Q1 (fiscal, from July)");
        assert_eq!(people_label(p, 7, false), "FY2026 Q1");
        assert_eq!(people_label(p, 1, true), "2026Q3");
        assert!(fiscal_quarter("this-year", 1, day()).is_err());
        assert!(fiscal_quarter("2026", 1, day()).is_err());
    }
}
