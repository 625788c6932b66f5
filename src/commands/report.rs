//! `mou report [summary|quarterly|by|count]`. Figures come from the data layer; this module
//! builds each report's one value (`crate::report::values`), which renders every format.

use chrono::{Datelike, Months, NaiveDate};
use std::path::Path;

use super::{Ctx, Sink};
use crate::cli::{
    formats_of, DormantArgs, EngagementFilterArgs, FilterArgs, LangArg, ReportArgs, ReportCommand,
};
use crate::dates::{iso, period_holding, quarter_shift, Date, Period};
use crate::error::{Error, Result};
use crate::milestone::Lang;
use crate::output::{choose_format, Format};
use crate::query::Filter;
use crate::report::engagements::{
    months_up_to, shared_with_engagements, sort_dormant, DormantAcc, EngagementTally,
};
use crate::report::html::{QuarterlyCharts, TrendPoint};
use crate::report::values::{ByReport, Count, DormantReport, QuarterHead, QuarterlyReport};
use crate::report::{render, CountBy, QuarterFigures, Render};
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

/// Flags given before the subcommand merged with those after it.
pub fn merged_filters(a: &FilterArgs, b: &FilterArgs) -> FilterArgs {
    merged(a, b)
}

pub fn run(ctx: &Ctx, a: ReportArgs) -> Result<()> {
    let lang = a.lang.map(|l| match l {
        LangArg::En => Lang::En,
        LangArg::Ar => Lang::Ar,
    });
    let output = |own: &Option<std::path::PathBuf>| own.clone().or_else(|| a.output.clone());
    match &a.which {
        None => summary(ctx, "report", &a.filters, lang, a.output.as_deref()),
        Some(ReportCommand::Summary(s)) => summary(
            ctx,
            "report summary",
            &merged(&a.filters, &s.filters),
            lang,
            output(&s.output).as_deref(),
        ),
        Some(ReportCommand::Quarterly(q)) => quarterly(
            ctx,
            q,
            &merged(&a.filters, &q.filters),
            lang,
            output(&q.output).as_deref(),
        ),
        Some(ReportCommand::By(b)) => by(
            ctx,
            b.field,
            b.engagements,
            (&merged(&a.filters, &b.filters), &b.engagement_filters),
        ),
        Some(ReportCommand::Count(c)) => {
            let counted = if c.engagements {
                Counted::Engagements
            } else if c.count_partners {
                Counted::Partners
            } else {
                Counted::Agreements
            };
            let filters = merged(&a.filters, &c.filters);
            count(ctx, c.more_than, counted, (&filters, &c.engagement_filters))
        }
        Some(ReportCommand::Dormant(d)) => dormant(
            ctx,
            d,
            &merged(&a.filters, &d.filters),
            lang,
            output(&d.output).as_deref(),
        ),
        Some(ReportCommand::Page(p)) => page(ctx, &a.filters, lang, output(&p.output).as_deref()),
    }
}

/// The filter of `report by|count`: of engagements (`--kind` and `--status` in their words,
/// `--held-in`, `--agreement`, `--country` where it was held) with `--engagements`, else of
/// agreements, which refuse the engagement-only flags.
fn by_count_filter(
    ctx: &Ctx,
    store: &dyn Backend,
    engagements: bool,
    f: &FilterArgs,
    e: &EngagementFilterArgs,
) -> Result<Filter> {
    if engagements {
        ctx.engagement_filter(store, f, e)
    } else {
        super::refuse_engagement_filters(
            e,
            "agreements (give --engagements to count engagements)",
        )?;
        ctx.filter(store, f)
    }
}

/// Where a report goes: stdout or `-o FILE`, in `--format`, else the format FILE's extension
/// names, else `default`; `command` (as the table WRITES names it) says which it can write.
struct Dest {
    format: Format,
    file: Option<super::output_file::OutputFile>,
}

impl Dest {
    fn new(ctx: &Ctx, command: &str, output: Option<&Path>, default: Format) -> Result<Dest> {
        let output = output.filter(|p| p.as_os_str() != "-");
        let format = choose_format(command, formats_of(command), ctx.format, output, default)?;
        Ok(Dest {
            format,
            file: output.map(|p| ctx.output_file(p)).transpose()?,
        })
    }

    /// Opens the output, lets `write` fill it, and makes a file appear whole.
    fn write(self, write: impl FnOnce(&mut Sink, Format) -> Result<()>) -> Result<()> {
        let mut out = Sink::open(self.file)?;
        write(&mut out, self.format)?;
        out.commit()
    }
}

/// `--lang` changes a quarterly report only as a page: elsewhere it would do nothing.
fn lang_only_in_html(command: &str, lang: Option<Lang>, format: Format) -> Result<()> {
    match lang {
        Some(l) if format != Format::Html => Err(Error::field(
            "--lang",
            l.key(),
            format!(
                "`mou {command}` writes its words in one language only as html; give --format html (or -o FILE.html), or leave --lang out"
            ),
        )),
        _ => Ok(()),
    }
}

fn summary(
    ctx: &Ctx,
    command: &str,
    f: &FilterArgs,
    lang: Option<Lang>,
    output: Option<&Path>,
) -> Result<()> {
    let dest = Dest::new(ctx, command, output, Format::Table)?;
    let langs = match lang {
        Some(l) => vec![l],
        None => vec![Lang::En, Lang::Ar],
    };
    let store = ctx.open(Access::Read)?;
    let filter = ctx.filter(&*store, f)?;
    let report = super::summary::summary_report(&*store, &filter, &langs)?;
    dest.write(|out, format| match format {
        Format::Html => crate::report::html::summary(out, &report, lang.unwrap_or(Lang::En)),
        _ => render(out, format, &report),
    })
}

/// `mou report page`: the public partnerships page. Report filters do not apply to it: it
/// shows what is marked public.
fn page(ctx: &Ctx, f: &FilterArgs, lang: Option<Lang>, output: Option<&Path>) -> Result<()> {
    if has_filters(f) {
        return Err(Error::input(
            "`mou report page` takes no filters: it shows every partner and engagement marked public",
        )
        .with_hint("leave the filter flags out; `mou edit partner P --public` chooses what it shows"));
    }
    let dest = Dest::new(ctx, "report page", output, Format::Html)?;
    let lang = lang.unwrap_or(Lang::En);
    let store = ctx.open(Access::Read)?;
    let value = super::page::public_page(&*store, ctx.as_of, lang)?;
    dest.write(|out, _| crate::report::page::write_page(out, &value, lang))
}

fn has_filters(f: &FilterArgs) -> bool {
    !(f.categories.is_empty()
        && f.countries.is_empty()
        && f.kinds.is_empty()
        && f.statuses.is_empty()
        && f.sdgs.is_empty()
        && f.tags.is_empty()
        && f.partners.is_empty()
        && f.signed_in.is_none()
        && f.expires_in.is_none()
        && f.active_on.is_none()
        && f.search.is_none())
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

/// How many quarters the html report's time charts show, the report's own the last.
const TREND_QUARTERS: i32 = 8;

fn quarterly(
    ctx: &Ctx,
    a: &crate::cli::QuarterlyArgs,
    f: &FilterArgs,
    lang: Option<Lang>,
    output: Option<&Path>,
) -> Result<()> {
    let dest = Dest::new(ctx, "report quarterly", output, Format::Table)?;
    lang_only_in_html("report quarterly", lang, dest.format)?;
    let html = dest.format == Format::Html;
    let store = ctx.open(Access::Read)?;
    let (report, charts) = quarterly_report(ctx, &*store, a, f, html)?;
    if !html {
        return dest.write(|out, format| render(out, format, &report));
    }
    let lang = lang.unwrap_or(Lang::En);
    dest.write(|out, _| crate::report::html::quarterly(out, &report, &charts, lang))
}

/// The quarterly report of `a`'s quarter over the records `f` matches, and (with `html`) the
/// eight quarters of its charts: one value for every format, the command's and the web view's.
pub fn quarterly_report(
    ctx: &Ctx,
    store: &dyn crate::store::Backend,
    a: &crate::cli::QuarterlyArgs,
    f: &FilterArgs,
    html: bool,
) -> Result<(QuarterlyReport, QuarterlyCharts)> {
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
    // The report's quarter and the one before; for a page, the six before those as well
    // (as far back as the calendar goes), for its charts over time. One pass reads them all.
    let mut quarters = vec![(q, next), (prev, q)];
    if html {
        for back in 2..TREND_QUARTERS {
            match (q.shifted_quarters(-back), q.shifted_quarters(1 - back)) {
                (Some(p), Some(n)) => quarters.push((p, n)),
                _ => break,
            }
        }
    }
    let mut filter = ctx.filter(store, f)?;
    filter.as_of = q.end;
    // The older quarters are only counted: the charts show their counts, nothing else.
    const FULL: usize = 2;
    let aggregated = store
        .quarter_aggregate(&filter, &quarters, FULL)?
        .and_then(|agg| crate::report::Quarterly::from_aggregate(&quarters, FULL, agg));
    let acc = match aggregated {
        Some(acc) => acc,
        None => {
            let mut acc = crate::report::Quarterly::with_counts_after(&quarters, FULL);
            store.scan_report_rows(&filter, &mut |r| {
                acc.add(r);
                Ok(())
            })?;
            acc
        }
    };
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
    let all = acc.finish(&store.partner_categories()?);
    let (Some(cur), Some(old)) = (all.first(), all.get(1)) else {
        return Err(Error::registry("quarterly figures missing"));
    };
    let (cur, old) = (
        cur.clone().with_engagements(cur_eng),
        old.clone().with_engagements(old_eng),
    );
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
    let report = QuarterlyReport::new(head, &cur, &old);
    let charts = QuarterlyCharts {
        trend: quarters
            .iter()
            .zip(&all)
            .rev()
            .map(|((p, _), x)| trend_point(label_of(*p, a.fiscal_start), x))
            .collect(),
    };
    Ok((report, charts))
}

fn trend_point(period: String, x: &QuarterFigures) -> TrendPoint {
    TrendPoint {
        period,
        active_at_end: x.active_at_end,
        signed: x.signed,
        expired: x.expired,
    }
}

fn by(
    ctx: &Ctx,
    field: CountBy,
    engagements: bool,
    (f, e): (&FilterArgs, &EngagementFilterArgs),
) -> Result<()> {
    let store = ctx.open(Access::Read)?;
    let filter = by_count_filter(ctx, &*store, engagements, f, e)?;
    let counts = if engagements {
        store.count_engagements_by(field, &filter)?
    } else {
        store.count_by(field, &filter)?
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

fn count(
    ctx: &Ctx,
    more_than: Option<u64>,
    counted: Counted,
    (f, e): (&FilterArgs, &EngagementFilterArgs),
) -> Result<()> {
    let store = ctx.open(Access::Read)?;
    let engagements = matches!(counted, Counted::Engagements);
    let filter = by_count_filter(ctx, &*store, engagements, f, e)?;
    let n = match counted {
        Counted::Agreements => store.count_agreements(&filter)?,
        Counted::Partners => store.count_partners_with_agreements(&filter)?,
        Counted::Engagements => store.count_engagements(&filter)?,
    };
    emit(ctx, &Count(n))?;
    match more_than {
        Some(m) if n.max(0) as u64 <= m => Err(Error::no("")),
        _ => Ok(()),
    }
}

/// `report dormant`: the filter's partner terms choose the partners listed, its agreement
/// terms the agreements that count (as active, and as signed); every engagement counts.
fn dormant(
    ctx: &Ctx,
    a: &DormantArgs,
    f: &FilterArgs,
    lang: Option<Lang>,
    output: Option<&Path>,
) -> Result<()> {
    let dest = Dest::new(ctx, "report dormant", output, Format::Table)?;
    lang_only_in_html("report dormant", lang, dest.format)?;
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
    let report = DormantReport(rows);
    dest.write(|out, format| match format {
        Format::Html => crate::report::html::dormant(
            out,
            &report,
            &iso(ctx.as_of),
            a.months,
            lang.unwrap_or(Lang::En),
        ),
        _ => render(out, format, &report),
    })?;
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
