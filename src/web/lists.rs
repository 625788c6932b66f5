//! The lists (`/partners`, `/agreements`, `/engagements`), a page at a time by keyset (the
//! rows after the last one shown, never an offset), and each as `.csv`, `.json` and `.xlsx`
//! of the same filters, written by export's own writers.

use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use maud::{html, Markup};

use super::html::{page, t, table};
use super::params::{Query, FILTERS};
use super::{with_store, Answer, App, Failure};
use crate::cli::{Command, EngagementFilterArgs, Entity, FilterArgs};
use crate::commands::rows::{write_rows, write_to, Target};
use crate::error::Result;
use crate::output::xlsx::{BookOptions, Workbook};
use crate::output::{Cell, Format};
use crate::query::{After, Filter};
use crate::records::{
    agreement_cells, engagement_cells, partner_cells, AGREEMENT_COLUMNS, AGREEMENT_TABLE,
    ENGAGEMENT_COLUMNS, ENGAGEMENT_TABLE, PARTNER_COLUMNS, PARTNER_TABLE,
};
use crate::store::{Access, Backend};

/// Rows on one page.
pub const PAGE: usize = 50;

/// The filters of `mou list engagements`.
const ENGAGEMENT_FILTERS: &[&str] = &[
    "category",
    "country",
    "kind",
    "status",
    "sdg",
    "tag",
    "partner",
    "held-in",
    "agreement",
    "search",
    "as-of",
];

/// What a list shows.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum ListOf {
    Partners,
    Agreements,
    Engagements,
}

impl ListOf {
    pub fn name(self) -> &'static str {
        match self {
            ListOf::Partners => "partners",
            ListOf::Agreements => "agreements",
            ListOf::Engagements => "engagements",
        }
    }

    fn columns(self) -> (&'static [&'static str], &'static [&'static str]) {
        match self {
            ListOf::Partners => (PARTNER_COLUMNS, PARTNER_TABLE),
            ListOf::Agreements => (AGREEMENT_COLUMNS, AGREEMENT_TABLE),
            ListOf::Engagements => (ENGAGEMENT_COLUMNS, ENGAGEMENT_TABLE),
        }
    }

    fn allowed(self) -> &'static [&'static str] {
        match self {
            ListOf::Engagements => ENGAGEMENT_FILTERS,
            _ => FILTERS,
        }
    }
}

/// The filter flags and as-of date of `q`, read as `mou list agreements` reads them.
pub fn filter_args(q: &Query, of: ListOf) -> std::result::Result<Request, Failure> {
    let words = ["list", of.name()];
    let cli = q.parse_as(&words, of.allowed())?;
    let Command::List(list) = cli.command else {
        return Err(q.bad("mou: not a list"));
    };
    let after = match (q.get("after"), of) {
        (None, _) => None,
        (Some(k), ListOf::Partners) => Some(After::Key(k.to_string())),
        (Some(n), _) => Some(After::Id(n.parse().map_err(|_| {
            q.bad(format!(
                "mou: invalid after '{}': give the id of the last row shown, as the next-page link does",
                super::html::shown(n)
            ))
        })?)),
    };
    Ok(Request {
        of,
        filters: list.filters,
        engagement_filters: list.engagement_filters,
        as_of: cli.global.as_of,
        after,
    })
}

/// A list request: its filters, the date of statuses, and where its page starts.
pub struct Request {
    pub of: ListOf,
    pub filters: FilterArgs,
    /// `--held-in`, `--agreement`: only engagements take them.
    pub engagement_filters: EngagementFilterArgs,
    pub as_of: Option<crate::dates::Date>,
    pub after: Option<After>,
}

impl Request {
    /// The [`Filter`] of these flags, partner names resolved by the store.
    pub fn filter(&self, ctx: &crate::commands::Ctx, store: &dyn Backend) -> Result<Filter> {
        let mut ctx = ctx.clone();
        if let Some(d) = self.as_of {
            ctx.as_of = d;
        }
        match self.of {
            ListOf::Engagements => {
                ctx.engagement_filter(store, &self.filters, &self.engagement_filters)
            }
            _ => ctx.filter(store, &self.filters),
        }
    }
}

/// One page of rows and the cursor of the next page, if there is one.
struct Rows {
    cells: Vec<Vec<Cell>>,
    next: Option<String>,
}

fn read_page(store: &mut dyn Backend, of: ListOf, mut filter: Filter) -> Result<Rows> {
    filter.limit = Some(PAGE as u64 + 1);
    let mut cells = Vec::new();
    let mut cursors = Vec::new();
    match of {
        ListOf::Partners => store.scan_partners(&filter, &mut |p| {
            cursors.push(p.key.clone());
            cells.push(partner_cells(p));
            Ok(())
        })?,
        ListOf::Agreements => store.scan_agreements(&filter, &mut |a, s| {
            cursors.push(a.id.to_string());
            cells.push(agreement_cells(a, s));
            Ok(())
        })?,
        ListOf::Engagements => store.scan_engagements(&filter, &mut |e, s| {
            cursors.push(e.id.to_string());
            cells.push(engagement_cells(e, s));
            Ok(())
        })?,
    }
    let next = if cells.len() > PAGE {
        cells.truncate(PAGE);
        cursors.get(PAGE - 1).cloned()
    } else {
        None
    };
    Ok(Rows { cells, next })
}

async fn list_page(app: App, q: Query, of: ListOf) -> Answer {
    let lang = q.lang;
    let req = filter_args(&q, of)?;
    let first = req.after.is_none();
    let rows = with_store(&app, Access::Read, move |ctx, store| {
        let filter = req.filter(ctx, store)?;
        let filter = Filter {
            after: req.after.clone(),
            ..filter
        };
        read_page(store, of, filter)
    })
    .await
    .map_err(|e| Failure::of(e, lang))?;
    let (all, shown) = of.columns();
    let add = match of {
        ListOf::Partners => Some("/partners/new"),
        ListOf::Agreements => Some("/agreements/new"),
        ListOf::Engagements => Some("/engagements/new"),
    }
    .filter(|_| app.allow_edit);
    let body = html! {
        @if let Some(to) = add { p { a href=(super::html::href(lang, to)) { (t(lang, "add")) } } }
        (filter_form(&q, of))
        (downloads(&q, of))
        (table(lang, all, shown, &rows.cells, refs_to(of)))
        p class="pager" {
            @if !first { a href=(q.with("after", None)) { (t(lang, "first")) } }
            @if let Some(next) = &rows.next {
                a href=(q.with("after", Some(next))) rel="next" { (t(lang, "next")) }
            }
        }
    };
    Ok(page(lang, &t(lang, of.name()), body).into_response())
}

/// Where a list's `ref` column links.
fn refs_to(of: ListOf) -> &'static str {
    match of {
        ListOf::Engagements => "part_of",
        _ => "",
    }
}

/// The search box and the filters of a list, named as the flags, holding their values.
fn filter_form(q: &Query, of: ListOf) -> Markup {
    let lang = q.lang;
    let fields: &[&str] = match of {
        ListOf::Engagements => &[
            "search",
            "partner",
            "category",
            "country",
            "kind",
            "status",
            "sdg",
            "tag",
            "held-in",
            "agreement",
        ],
        _ => &[
            "search",
            "partner",
            "category",
            "country",
            "kind",
            "status",
            "sdg",
            "tag",
            "signed-in",
            "expires-in",
        ],
    };
    html! {
        form class="filters" method="get" action=(format!("/{}", of.name())) {
            @if lang == super::Lang::Ar { input type="hidden" name="lang" value="ar"; }
            @for f in fields {
                label { (t(lang, f)) input type=(if *f == "search" { "search" } else { "text" }) name=(f) value=(q.get(f).unwrap_or("")); }
            }
            button type="submit" { (t(lang, "filter")) }
        }
    }
}

/// Links to the same view as files.
fn downloads(q: &Query, of: ListOf) -> Markup {
    let view = q.with("after", None);
    let view = view.replace("lang=ar", "").replace("?&", "?");
    let view = if view == "?" { String::new() } else { view };
    let formats: &[&str] = &["csv", "json", "xlsx"];
    html! {
        p class="downloads" {
            (t(q.lang, "download")) ": "
            @for f in formats {
                a href=(format!("/{}.{f}{view}", of.name())) download { (f.to_uppercase()) }
            }
        }
    }
}

/// The whole filtered list (every page) as `format`, with every export column, streamed.
async fn download(app: App, q: Query, of: ListOf, format: Format) -> Answer {
    let lang = q.lang;
    let req = filter_args(&q, of)?;
    let name = of.name();
    let ctx = app.request_ctx();
    let body = super::stream::stream(
        move || {
            let store = ctx.open(Access::Read)?;
            let filter = req.filter(&ctx, &*store)?;
            Ok((ctx, store, filter))
        },
        move |(ctx, mut store, filter), out| {
            let store = &mut *store;
            match format {
                Format::Xlsx => {
                    let mut book = Workbook::new(BookOptions {
                        rtl: lang == super::Lang::Ar,
                        sheet_rows: ctx.xlsx_sheet_rows,
                    });
                    write_to(store, entity(of), &filter, Target::Sheet(&mut book), None)?;
                    book.save(out)
                }
                _ => write_rows(store, entity(of), &filter, out, format, false, None),
            }
        },
    )
    .await
    .map_err(|e| Failure::of(e, lang))?;
    let (ext, mime) = match format {
        Format::Csv => ("csv", "text/csv; charset=utf-8"),
        Format::Json => ("json", "application/json"),
        _ => (
            "xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
    };
    let disposition = format!("attachment; filename=\"{name}.{ext}\"");
    Ok((
        [
            (header::CONTENT_TYPE, mime.to_string()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        axum::body::Body::new(body),
    )
        .into_response())
}

fn entity(of: ListOf) -> Entity {
    match of {
        ListOf::Partners => Entity::Partners,
        ListOf::Agreements => Entity::Agreements,
        ListOf::Engagements => Entity::Engagements,
    }
}

macro_rules! handlers {
    ($($page:ident, $csv:ident, $json:ident, $of:expr;)*) => {$(
        pub async fn $page(State(app): State<App>, q: Query) -> Answer {
            list_page(app, q, $of).await
        }
        pub async fn $csv(State(app): State<App>, q: Query) -> Answer {
            download(app, q, $of, Format::Csv).await
        }
        pub async fn $json(State(app): State<App>, q: Query) -> Answer {
            download(app, q, $of, Format::Json).await
        }
    )*};
}

handlers! {
    partners, partners_csv, partners_json, ListOf::Partners;
    agreements, agreements_csv, agreements_json, ListOf::Agreements;
    engagements, engagements_csv, engagements_json, ListOf::Engagements;
}

pub async fn partners_xlsx(State(app): State<App>, q: Query) -> Answer {
    download(app, q, ListOf::Partners, Format::Xlsx).await
}

pub async fn agreements_xlsx(State(app): State<App>, q: Query) -> Answer {
    download(app, q, ListOf::Agreements, Format::Xlsx).await
}

pub async fn engagements_xlsx(State(app): State<App>, q: Query) -> Answer {
    download(app, q, ListOf::Engagements, Format::Xlsx).await
}
