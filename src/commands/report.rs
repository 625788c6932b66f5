//! `mou report [summary|quarterly|by|count]`. Figures come from the data layer; this module
//! only shapes them for people (table, markdown) and scripts (csv, json).

use chrono::{Datelike, Months, NaiveDate};
use serde_json::{json, Map, Value as Json};
use std::io::Write;

use super::{Ctx, Sink};
use crate::cli::{FilterArgs, LangArg, ReportArgs, ReportCommand};
use crate::dates::{iso, period_holding, quarter_shift, Date, Period};
use crate::error::{Error, Result};
use crate::milestone::{sentence, Lang};
use crate::output::{write_markdown, write_table, Cell, Format, RowWriter};
use crate::report::QuarterFigures;
use crate::store::{Access, CountBy};

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
        Some(ReportCommand::By(b)) => by(ctx, b.field, &merged(&a.filters, &b.filters)),
        Some(ReportCommand::Count(c)) => count(ctx, c.more_than, &merged(&a.filters, &c.filters)),
    }
}

/// A titled list of (name, figures) rows: how every report is shaped before rendering.
struct Section {
    key: &'static str,
    title: String,
    columns: Vec<&'static str>,
    rows: Vec<(String, Vec<i64>)>,
}

fn render_sections(
    out: &mut impl Write,
    format: Format,
    title: &str,
    sections: &[Section],
    lines: &[String],
) -> Result<()> {
    match format {
        Format::Markdown => {
            writeln!(out, "## {title}")?;
            for s in sections {
                writeln!(out, "\n### {}\n", s.title)?;
                let mut header = vec![s.columns[0]];
                header.extend(&s.columns[1..]);
                let rows: Vec<Vec<String>> = s
                    .rows
                    .iter()
                    .map(|(k, v)| {
                        std::iter::once(k.clone())
                            .chain(v.iter().map(|n| n.to_string()))
                            .collect()
                    })
                    .collect();
                write_markdown(out, &header, &rows)?;
            }
            if !lines.is_empty() {
                writeln!(out)?;
                for l in lines {
                    writeln!(out, "{l}\n")?;
                }
            }
        }
        _ => {
            writeln!(out, "{title}")?;
            for s in sections {
                writeln!(out, "\n{}", s.title)?;
                let rows: Vec<Vec<String>> = s
                    .rows
                    .iter()
                    .map(|(k, v)| {
                        std::iter::once(k.clone())
                            .chain(v.iter().map(|n| n.to_string()))
                            .collect()
                    })
                    .collect();
                write_table(out, &s.columns, &rows)?;
            }
            if !lines.is_empty() {
                writeln!(out)?;
                for l in lines {
                    writeln!(out, "{l}")?;
                }
            }
        }
    }
    Ok(())
}

/// CSV of sections: `section,name,<figure columns>`.
fn csv_sections(out: &mut impl Write, sections: &[Section], figure_columns: &[&str]) -> Result<()> {
    let mut cols = vec!["section", "name"];
    cols.extend(figure_columns);
    let mut w = RowWriter::new(out, Format::Csv, false, &cols, None)?;
    for s in sections {
        for (k, v) in &s.rows {
            let mut cells = vec![Cell::text(s.key), Cell::text(k)];
            cells.extend(v.iter().map(|n| Cell::Int(*n)));
            w.row(cells)?;
        }
    }
    w.finish()
}

fn summary(ctx: &Ctx, f: &FilterArgs, langs: &[Lang]) -> Result<()> {
    let store = ctx.open(Access::Read)?;
    let filter = ctx.filter(&store, f)?;
    let mut acc = crate::report::SummaryAcc::new(filter.as_of);
    store.for_each_report_row(&filter, |r| {
        acc.add(r);
        Ok(())
    })?;
    let s = acc.finish(store.partners_by_category(&filter)?);
    let n = s.partners_with_active_mou.max(0) as u64;
    let sentences: Vec<(Lang, String)> = langs.iter().map(|l| (*l, sentence(n, *l))).collect();
    let sec = |key, title: &str, col, rows: Vec<(String, i64)>| Section {
        key,
        title: title.to_string(),
        columns: vec![col, "count"],
        rows: rows.into_iter().map(|(k, v)| (k, vec![v])).collect(),
    };
    let sections = vec![
        sec(
            "partners_by_category",
            "Partners by category",
            "category",
            s.partners_by_category
                .iter()
                .map(|(c, n)| (c.to_string(), *n))
                .collect(),
        ),
        sec(
            "agreements_by_kind",
            "Agreements by kind",
            "kind",
            s.agreements_by_kind
                .iter()
                .map(|(c, n)| (c.to_string(), *n))
                .collect(),
        ),
        sec(
            "agreements_by_status",
            "Agreements by status",
            "status",
            s.agreements_by_status
                .iter()
                .map(|(c, n)| (c.to_string(), *n))
                .collect(),
        ),
        sec(
            "totals",
            "Totals",
            "figure",
            vec![
                ("partners".into(), s.partners),
                ("agreements".into(), s.agreements),
                (
                    "partners_with_active_mou".into(),
                    s.partners_with_active_mou,
                ),
            ],
        ),
    ];
    let mut out = Sink::open(None)?;
    match ctx.format() {
        Format::Json | Format::Jsonl => {
            let obj = |v: &[(String, i64)]| -> Json {
                Json::Object(v.iter().map(|(k, n)| (k.clone(), json!(n))).collect())
            };
            let rows = |i: usize| -> Vec<(String, i64)> {
                sections[i]
                    .rows
                    .iter()
                    .map(|(k, v)| (k.clone(), v[0]))
                    .collect()
            };
            let mut milestone = Map::new();
            for (l, t) in &sentences {
                milestone.insert(lang_key(*l).into(), json!(t));
            }
            let v = json!({
                "as_of": iso(ctx.as_of),
                "partners": s.partners,
                "partners_by_category": obj(&rows(0)),
                "agreements": s.agreements,
                "agreements_by_kind": obj(&rows(1)),
                "agreements_by_status": obj(&rows(2)),
                "partners_with_active_mou": s.partners_with_active_mou,
                "milestone": milestone,
            });
            write_json(&mut out, ctx.format(), &v)?;
        }
        Format::Csv => csv_sections(&mut out, &sections, &["count"])?,
        format => {
            let mut lines = vec![format!(
                "Partners with an active MoU: {}",
                s.partners_with_active_mou
            )];
            lines.extend(sentences.into_iter().map(|(_, t)| t));
            render_sections(
                &mut out,
                format,
                &format!("Registry summary at {}", iso(ctx.as_of)),
                &sections,
                &lines,
            )?;
        }
    }
    out.commit()
}

fn lang_key(l: Lang) -> &'static str {
    match l {
        Lang::En => "en",
        Lang::Ar => "ar",
    }
}

fn write_json(out: &mut impl Write, format: Format, v: &Json) -> Result<()> {
    if format == Format::Jsonl {
        serde_json::to_writer(&mut *out, v)?;
    } else {
        serde_json::to_writer_pretty(&mut *out, v)?;
    }
    writeln!(out)?;
    Ok(())
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
    let mut filter = ctx.filter(&store, f)?;
    filter.as_of = q.end;
    let mut acc = crate::report::Quarterly::new(&[(q, next), (prev, q)]);
    store.for_each_report_row(&filter, |r| {
        acc.add(r);
        Ok(())
    })?;
    let mut both = acc.finish(&store.partner_categories()?).into_iter();
    let (Some(cur), Some(old)) = (both.next(), both.next()) else {
        return Err(Error::registry("quarterly figures missing"));
    };
    let figures = |x: &QuarterFigures| -> Vec<(&'static str, i64)> {
        vec![
            ("signed", x.signed),
            ("effective", x.effective),
            ("expired", x.expired),
            ("terminated", x.terminated),
            ("renewed", x.renewed),
            ("active_at_end", x.active_at_end),
            ("expiring_next_quarter", x.expiring_next_quarter),
            ("new_partners", x.new_partners),
        ]
    };
    let pair_rows = |a: Vec<(String, i64)>, b: Vec<(String, i64)>| -> Vec<(String, Vec<i64>)> {
        a.into_iter()
            .zip(b)
            .map(|((k, x), (_, y))| (k, vec![x, y]))
            .collect()
    };
    let cols = vec!["figure", "current", "previous"];
    let sections = vec![
        Section {
            key: "figures",
            title: "Agreements".into(),
            columns: cols.clone(),
            rows: pair_rows(
                figures(&cur)
                    .into_iter()
                    .map(|(k, v)| (k.to_string(), v))
                    .collect(),
                figures(&old)
                    .into_iter()
                    .map(|(k, v)| (k.to_string(), v))
                    .collect(),
            ),
        },
        Section {
            key: "active_partners_by_category",
            title: "Partners with an active agreement, by category".into(),
            columns: vec!["category", "current", "previous"],
            rows: pair_rows(
                cur.active_partners_by_category
                    .iter()
                    .map(|(c, n)| (c.to_string(), *n))
                    .collect(),
                old.active_partners_by_category
                    .iter()
                    .map(|(c, n)| (c.to_string(), *n))
                    .collect(),
            ),
        },
        Section {
            key: "active_by_sdg",
            title: "Active agreements per SDG".into(),
            columns: vec!["sdg", "current", "previous"],
            rows: (0..17)
                .map(|i| {
                    let (en, ar) = crate::sdg::name(i + 1).unwrap_or_default();
                    (
                        format!("{} {en} · {ar}", i + 1),
                        vec![cur.active_by_sdg[i], old.active_by_sdg[i]],
                    )
                })
                .collect(),
        },
    ];
    let mut out = Sink::open(None)?;
    match ctx.format() {
        Format::Json | Format::Jsonl => {
            let cp = |a: i64, b: i64| json!({"current": a, "previous": b});
            let mut figs = Map::new();
            for ((k, a), (_, b)) in figures(&cur).into_iter().zip(figures(&old)) {
                figs.insert(k.into(), cp(a, b));
            }
            let mut cats = Map::new();
            for ((c, a), (_, b)) in cur
                .active_partners_by_category
                .iter()
                .zip(&old.active_partners_by_category)
            {
                cats.insert(c.to_string(), cp(*a, *b));
            }
            let sdgs: Vec<Json> = (0..17)
                .map(|i| {
                    let (en, ar) = crate::sdg::name(i + 1).unwrap_or_default();
                    json!({"sdg": i + 1, "name_en": en, "name_ar": ar, "current": cur.active_by_sdg[i], "previous": old.active_by_sdg[i]})
                })
                .collect();
            let v = json!({
                "period": label,
                "start": iso(q.start),
                "end": iso(q.end),
                "previous_period": prev_label,
                "fiscal_start": a.fiscal_start,
                "label": people_label(q, a.fiscal_start, true),
                "complete": complete,
                "figures": figs,
                "active_partners_by_category": cats,
                "active_by_sdg": sdgs,
            });
            write_json(&mut out, ctx.format(), &v)?;
        }
        Format::Csv => {
            let sections: Vec<Section> = sections
                .into_iter()
                .map(|mut s| {
                    if s.key == "active_by_sdg" {
                        for (i, r) in s.rows.iter_mut().enumerate() {
                            r.0 = (i + 1).to_string();
                        }
                    }
                    s
                })
                .collect();
            csv_sections(&mut out, &sections, &["current", "previous"])?
        }
        format => {
            let title = format!(
                "Quarterly report {} ({} to {}{}), beside {}",
                people_label(q, a.fiscal_start, true),
                iso(q.start),
                iso(q.end),
                if complete { "" } else { ", not final" },
                people_label(prev, a.fiscal_start, false),
            );
            let notes = if complete {
                vec![]
            } else {
                vec![format!(
                    "Figures not final: the quarter ends on {}, after today ({}).",
                    iso(q.end),
                    iso(ctx.today)
                )]
            };
            render_sections(&mut out, format, &title, &sections, &notes)?;
        }
    }
    out.commit()
}

/// What people's formats show for an empty value (a partner without a country); CSV and JSON
/// keep it empty (null) for scripts.
const NONE_SHOWN: &str = "(none)";

/// A `report by` column heading in words, for markdown documents.
fn heading(field: CountBy) -> &'static str {
    match field {
        CountBy::Category => "Category",
        CountBy::Country => "Country",
        CountBy::Kind => "Kind",
        CountBy::Status => "Status",
        CountBy::Sdg => "SDG",
        CountBy::Year => "Year",
        CountBy::Quarter => "Quarter",
    }
}

fn by(ctx: &Ctx, field: CountBy, f: &FilterArgs) -> Result<()> {
    let store = ctx.open(Access::Read)?;
    let filter = ctx.filter(&store, f)?;
    let rows = crate::report::arrange_by(field, store.count_by(field, &filter)?);
    let format = ctx.format();
    let for_people = matches!(format, Format::Table | Format::Markdown);
    let cols = if format == Format::Markdown {
        [heading(field), "Count"]
    } else {
        [field.name(), "count"]
    };
    let mut out = Sink::open(None)?;
    let mut w = RowWriter::new(&mut out, format, false, &cols, None)?;
    for (k, n) in rows {
        let key = match field {
            CountBy::Sdg | CountBy::Year => {
                k.parse::<i64>().map(Cell::Int).unwrap_or(Cell::Text(k))
            }
            _ if k.is_empty() && for_people => Cell::text(NONE_SHOWN),
            _ if k.is_empty() => Cell::Null,
            _ => Cell::Text(k),
        };
        w.row(vec![key, Cell::Int(n)])?;
    }
    w.finish()?;
    out.commit()
}

fn count(ctx: &Ctx, more_than: Option<u64>, f: &FilterArgs) -> Result<()> {
    let store = ctx.open(Access::Read)?;
    let filter = ctx.filter(&store, f)?;
    let n = store.count_agreements(&filter)?;
    let mut out = Sink::open(None)?;
    writeln!(out, "{n}")?;
    out.commit()?;
    match more_than {
        Some(m) if n.max(0) as u64 <= m => Err(Error::no("")),
        _ => Ok(()),
    }
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
