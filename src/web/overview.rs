//! The pages over the whole registry: the dashboard (headline figures, the milestone
//! sentences, what is due), `/due`, `/reports/quarterly/PERIOD` and `/calendar.ics`. Each is
//! the value the report command builds, laid out by its own `shape`.

use axum::extract::{Path, State};
use axum::http::header;
use axum::response::IntoResponse;
use maud::{html, Markup};

use super::html::{page, t, table};
use super::lists::{filter_args, ListOf};
use super::params::{Query, FILTERS};
use super::{with_store, Answer, App, Failure, Lang};
use crate::cli::{Command, ReportCommand};
use crate::dates::Date;
use crate::error::{Error, Result};
use crate::output::Format;
use crate::query::Filter;
use crate::report::render::Shape;
use crate::report::values::DueReport;
use crate::report::Render;
use crate::store::{Access, Backend};

/// A report as its table shape lays it out: sections of named figures, or rows.
fn report_markup(lang: Lang, report: &impl Render) -> Markup {
    match report.shape(Format::Table) {
        Shape::Sections {
            sections, notes, ..
        } => html! {
            @for s in sections {
                h2 { (s.title) }
                table {
                    thead { tr { @for c in &s.columns { th scope="col" { (t(lang, c)) } } } }
                    tbody {
                        @for (name, figures) in &s.rows {
                            tr { td { bdi { (super::html::shown(name)) } } @for n in figures { td { (n) } } }
                        }
                    }
                }
            }
            @for n in notes { p class="notice" { (n) } }
        },
        Shape::Rows {
            columns,
            rows,
            shown,
        } => {
            let shown = shown.unwrap_or(&columns);
            table(lang, &columns, shown, &rows, "")
        }
        Shape::Line(s) => html! { p { (s) } },
    }
}

/// What `write` writes (a report's charts: the same SVG and tables as `mou report --format
/// html`, built from escaped parts), to set inside a page.
fn fragment(
    write: impl FnOnce(&mut dyn std::io::Write) -> Result<()>,
) -> std::result::Result<maud::PreEscaped<String>, Failure> {
    let mut out = Vec::new();
    write(&mut out).map_err(|e| Failure::of(e, Lang::En))?;
    let text = String::from_utf8(out)
        .map_err(|_| Failure::of(Error::registry("a chart was not UTF-8"), Lang::En))?;
    Ok(maud::PreEscaped(text))
}

/// What is due by `until` among the agreements `filter` matches, as `mou due` lists it.
fn due_report(store: &dyn Backend, filter: &Filter, until: Date) -> Result<DueReport> {
    let mut report = DueReport::default();
    store.scan_due(filter, until, &mut |g, _| {
        report
            .0
            .push(crate::commands::due::due_row(g, filter.as_of, until));
        Ok(())
    })?;
    Ok(report)
}

pub async fn dashboard(State(app): State<App>, q: Query) -> Answer {
    let lang = q.lang;
    let req = filter_args(&q, ListOf::Agreements)?;
    let (summary, due) = with_store(&app, Access::Read, move |ctx, store| {
        let filter = req.filter(ctx, store)?;
        let summary = crate::commands::summary::summary_report(store, &filter, &[lang])?;
        let until = crate::dates::Term::Days(90)
            .after(filter.as_of)
            .ok_or_else(|| Error::input("the window runs past the calendar's end"))?;
        Ok((summary, due_report(store, &filter, until)?))
    })
    .await
    .map_err(|e| Failure::of(e, lang))?;
    let charts = fragment(|out| crate::report::html::summary_charts(out, &summary, lang))?;
    let s = &summary.summary;
    let figures = [
        (t(lang, "partners"), s.partners),
        (t(lang, "agreements"), s.agreements),
        (
            match lang {
                Lang::En => "Partners with an active MoU".to_string(),
                Lang::Ar => "شركاء لهم مذكرة تفاهم سارية".to_string(),
            },
            s.partners_with_active_mou,
        ),
    ];
    let body = html! {
        @for (_, sentence) in &summary.milestone { p class="milestone" { (sentence) } }
        div class="figures" {
            @for (label, n) in &figures { div class="figure" { b { (n) } (label) } }
        }
        h2 { (t(lang, "due_soon")) }
        (report_markup(lang, &due))
        div class="charts" { (charts) }
        p class="downloads" {
            a href=(super::html::href(lang, "/reports/quarterly/this-quarter")) { (t(lang, "quarterly")) }
            a href="/calendar.ics" download { (t(lang, "calendar")) " (ICS)" }
        }
    };
    Ok(page(lang, &t(lang, "dashboard"), body).into_response())
}

pub async fn due(State(app): State<App>, q: Query) -> Answer {
    let lang = q.lang;
    let mut allowed = FILTERS.to_vec();
    allowed.push("within");
    let cli = q.parse_as(&["due"], &allowed)?;
    let (Command::Due(a), as_of) = (cli.command, cli.global.as_of) else {
        return Err(q.bad("mou: not a due list"));
    };
    let report = with_store(&app, Access::Read, move |ctx, store| {
        let mut ctx = ctx.clone();
        if let Some(d) = as_of {
            ctx.as_of = d;
        }
        let filter = ctx.filter(store, &a.filters)?;
        let until = a.within.after(ctx.as_of).ok_or_else(|| {
            Error::input("the window runs past the calendar's end; give a shorter --within")
        })?;
        due_report(store, &filter, until)
    })
    .await
    .map_err(|e| Failure::of(e, lang))?;
    Ok(page(lang, &t(lang, "nav_due"), report_markup(lang, &report)).into_response())
}

pub async fn quarterly(State(app): State<App>, Path(period): Path<String>, q: Query) -> Answer {
    let lang = q.lang;
    let mut allowed = FILTERS.to_vec();
    allowed.push("fiscal-start");
    if period.starts_with('-') {
        return Err(q.bad(format!(
            "mou: invalid period '{}': give a quarter such as 2026Q3 or 2026-Q3, or this-quarter, last-quarter or next-quarter",
            super::html::shown(&period)
        )));
    }
    let cli = q.parse_as(&["report", "quarterly", &period], &allowed)?;
    let Command::Report(r) = cli.command else {
        return Err(q.bad("mou: not a report"));
    };
    let Some(ReportCommand::Quarterly(qa)) = r.which else {
        return Err(q.bad("mou: not a quarterly report"));
    };
    let (report, trend) = with_store(&app, Access::Read, move |ctx, store| {
        let f = crate::commands::report::merged_filters(&r.filters, &qa.filters);
        crate::commands::report::quarterly_report(ctx, store, &qa, &f, true)
    })
    .await
    .map_err(|e| Failure::of(e, lang))?;
    let title = format!("{} {}", t(lang, "quarterly"), report.head.label);
    let body = fragment(|out| crate::report::html::quarterly_fragment(out, &report, &trend, lang))?;
    let body = html! { div class="charts" { (body) } };
    Ok(page(lang, &title, body).into_response())
}

pub async fn calendar(State(app): State<App>, q: Query) -> Answer {
    let lang = q.lang;
    let req = filter_args(&q, ListOf::Agreements)?;
    let ctx = app.request_ctx();
    let body = super::stream::stream(
        move || {
            let store = ctx.open(Access::Read)?;
            let filter = req.filter(&ctx, &*store)?;
            Ok((ctx, store, filter))
        },
        move |(ctx, mut store, filter), out| {
            crate::commands::rows::write_calendar(
                &mut *store,
                crate::cli::Entity::Agreements,
                &filter,
                out,
                &ctx.now(),
                None,
            )
        },
    )
    .await
    .map_err(|e| Failure::of(e, lang))?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/calendar; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"mou.ics\"",
            ),
        ],
        axum::body::Body::new(body),
    )
        .into_response())
}
