//! The reports as HTML pages, from the same values as their JSON ([`super::values`]): headline
//! figures, the milestone sentences, and each figure group as a chart beside its table, in
//! English or in Arabic (right to left). The quarterly page also shows what only a picture
//! needs ([`QuarterlyCharts`]: the eight quarters up to the report's).

use serde::Serialize;
use std::io::Write;

use super::values::{DormantReport, QuarterlyReport, SummaryReport};
use super::words::{self, tr};
use crate::error::Result;
use crate::milestone::Lang;
use crate::output::html::{escape, Draw, Headline, Page, Row, Table};
use crate::output::svg::{Chart, Series};

const CURRENT: &str = "#2f6690";
const PREVIOUS: &str = "#9db4c0";
const EXPIRED: &str = "#c0504d";

/// One quarter of the quarterly page's time charts.
#[derive(Debug, Clone, Serialize)]
pub struct TrendPoint {
    pub period: String,
    pub active_at_end: i64,
    pub signed: i64,
    pub expired: i64,
}

/// What the quarterly page draws beyond the report's own figures.
#[derive(Debug, Clone, Serialize)]
pub struct QuarterlyCharts {
    /// The eight quarters ending with the report's, oldest first.
    pub trend: Vec<TrendPoint>,
}

/// `label: value` pairs as a sentence, for a chart's `<desc>`.
fn described(labels: &[String], series: &[Series<'_>]) -> String {
    series
        .iter()
        .map(|s| {
            let values: Vec<String> = labels
                .iter()
                .zip(&s.values)
                .map(|(l, v)| format!("{l}: {v}"))
                .collect();
            format!("{}: {}", s.name, values.join(", "))
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// A group of figures drawn as a chart beside the table of the same figures.
struct Figures<'a> {
    key: &'a str,
    draw: Draw,
    title: String,
    /// The heading of the table's first column.
    first_column: &'a str,
    /// Each row's key (`data-key`) and its name for people.
    rows: Vec<(String, String)>,
    /// Shorter names for the chart, when the table's are long (the goals' names).
    short: Option<Vec<String>>,
    series: Vec<Series<'a>>,
    label_colors: Option<Vec<&'a str>>,
}

impl Figures<'_> {
    fn write(self, page: &mut Page<'_>, lang: Lang) -> Result<()> {
        let labels: Vec<String> = self
            .short
            .unwrap_or_else(|| self.rows.iter().map(|(_, l)| l.clone()).collect());
        let desc = described(&labels, &self.series);
        let mut head = vec![self.first_column];
        head.extend(self.series.iter().map(|s| s.name));
        let rows = self
            .rows
            .iter()
            .enumerate()
            .map(|(i, (key, label))| {
                let swatch = self
                    .label_colors
                    .as_ref()
                    .and_then(|c| c.get(i))
                    .map(|c| page.swatch(c))
                    .unwrap_or_default();
                Row {
                    key: key.clone(),
                    head_html: format!("{swatch}{}", escape(label)),
                    figures: self
                        .series
                        .iter()
                        .map(|s| s.values.get(i).copied().unwrap_or(0))
                        .collect(),
                }
            })
            .collect();
        let table = Table {
            caption: "",
            head,
            rows,
        };
        let chart = Chart {
            id: "",
            title: &self.title,
            desc: &desc,
            labels,
            series: self.series,
            label_colors: self.label_colors,
            rtl: lang == Lang::Ar,
        };
        page.chart(self.key, self.draw, chart, &table)?;
        Ok(())
    }
}

/// The milestone sentences: the page's language as it is, another marked with its own.
fn milestones(page: &mut Page<'_>, sentences: &[(&str, String)], lang: Lang) -> Result<()> {
    for (key, text) in sentences {
        let other = (*key != lang.key()).then_some(*key);
        page.para("milestone", other, text)?;
    }
    Ok(())
}

/// Bars of one count per word of a vocabulary.
fn counted<T: Copy + ToString>(
    key: &'static str,
    title: String,
    first_column: &'static str,
    counts: &[(T, i64)],
    word: impl Fn(T) -> &'static str,
    lang: Lang,
) -> Figures<'static> {
    Figures {
        key,
        draw: Draw::Bars,
        title,
        first_column,
        rows: counts
            .iter()
            .map(|(c, _)| (c.to_string(), word(*c).to_string()))
            .collect(),
        short: None,
        series: vec![Series {
            name: tr(lang, "Count", "العدد"),
            values: counts.iter().map(|(_, n)| *n).collect(),
            color: CURRENT,
        }],
        label_colors: None,
    }
}

/// `mou report --format html`.
pub fn summary(out: &mut dyn Write, r: &SummaryReport, lang: Lang) -> Result<()> {
    let at = |en: &str, ar: &str| match lang {
        Lang::En => format!("{en} at {}", r.as_of),
        Lang::Ar => format!("{ar} في {}", r.as_of),
    };
    let title = at("Registry summary", "ملخص السجل");
    let mut page = Page::begin(out, lang.key(), &title)?;
    page.heading(1, &title)?;
    let s = &r.summary;
    page.headlines(&[
        Headline {
            key: "partners",
            label: tr(lang, "Partners", "الشركاء"),
            value: s.partners,
            beside: None,
        },
        Headline {
            key: "agreements",
            label: tr(lang, "Agreements", "الاتفاقيات"),
            value: s.agreements,
            beside: None,
        },
        Headline {
            key: "partners_with_active_mou",
            label: tr(
                lang,
                "Partners with an active MoU",
                "شركاء لديهم مذكرة تفاهم سارية",
            ),
            value: s.partners_with_active_mou,
            beside: None,
        },
    ])?;
    milestones(&mut page, &r.milestone, lang)?;
    milestones(&mut page, &r.engagement_milestone, lang)?;
    page.headlines(&[
        Headline {
            key: "engagements",
            label: tr(
                lang,
                "Engagements, last twelve months",
                "أنشطة مشتركة خلال 12 شهراً",
            ),
            value: s.engagements,
            beside: None,
        },
        Headline {
            key: "partners_engaged",
            label: tr(lang, "Partners engaged", "شركاء في الأنشطة"),
            value: s.partners_engaged,
            beside: None,
        },
        Headline {
            key: "partners_engaged_without_mou",
            label: tr(lang, "Of those, without an MoU", "منهم بلا مذكرة تفاهم"),
            value: s.partners_engaged_without_mou,
            beside: None,
        },
    ])?;
    summary_figures(&mut page, r, lang)?;
    page.end()?;
    Ok(())
}

/// The summary's figure groups, each a chart beside its table.
fn summary_figures(page: &mut Page<'_>, r: &SummaryReport, lang: Lang) -> Result<()> {
    let at = |en: &str, ar: &str| match lang {
        Lang::En => format!("{en} at {}", r.as_of),
        Lang::Ar => format!("{ar} في {}", r.as_of),
    };
    let s = &r.summary;
    counted(
        "partners_by_category",
        tr(lang, "Partners by category", "الشركاء حسب الفئة").to_string(),
        tr(lang, "Category", "الفئة"),
        &s.partners_by_category,
        |c| words::category(c, lang),
        lang,
    )
    .write(page, lang)?;
    counted(
        "agreements_by_kind",
        tr(lang, "Agreements by kind", "الاتفاقيات حسب النوع").to_string(),
        tr(lang, "Kind", "النوع"),
        &s.agreements_by_kind,
        |k| words::kind(k, lang),
        lang,
    )
    .write(page, lang)?;
    counted(
        "agreements_by_status",
        at("Agreements by status", "الاتفاقيات حسب الحالة"),
        tr(lang, "Status", "الحالة"),
        &s.agreements_by_status,
        |k| words::status(k, lang),
        lang,
    )
    .write(page, lang)?;
    Ok(())
}

/// The summary's charts (each beside its table) as a fragment of another page: the web
/// view's dashboard.
pub fn summary_charts(out: &mut dyn Write, r: &SummaryReport, lang: Lang) -> Result<()> {
    let mut page = Page::fragment(out);
    summary_figures(&mut page, r, lang)?;
    page.finish()?;
    Ok(())
}

/// The quarterly page's title and the line under it.
fn quarterly_title(r: &QuarterlyReport, lang: Lang) -> (String, String) {
    let h = &r.head;
    match lang {
        Lang::En => (
            format!(
                "Quarterly report {}{}",
                h.label,
                if h.complete { "" } else { ", not final" }
            ),
            format!("{} to {}, beside {}", h.start, h.end, h.previous_label),
        ),
        Lang::Ar => (
            format!(
                "التقرير الفصلي {}{}",
                h.period,
                if h.complete {
                    ""
                } else {
                    " (غير نهائي)"
                }
            ),
            format!(
                "من {} إلى {}، مقارنةً بالربع {}{}",
                h.start,
                h.end,
                h.previous_period,
                if h.fiscal_start == 1 {
                    String::new()
                } else {
                    format!(
                        "؛ ربع من السنة المالية التي تبدأ في الشهر {}",
                        h.fiscal_start
                    )
                }
            ),
        ),
    }
}

/// `mou report quarterly P --format html`.
pub fn quarterly(
    out: &mut dyn Write,
    r: &QuarterlyReport,
    charts: &QuarterlyCharts,
    lang: Lang,
) -> Result<()> {
    let (title, sub) = quarterly_title(r, lang);
    let mut page = Page::begin(out, lang.key(), &title)?;
    page.heading(1, &title)?;
    page.para("sub", None, &sub)?;
    quarterly_body(&mut page, r, charts, lang)?;
    page.end()?;
    Ok(())
}

/// The quarterly page under its title: headline figures, the note on a quarter not over,
/// and the charts.
fn quarterly_body(
    page: &mut Page<'_>,
    r: &QuarterlyReport,
    charts: &QuarterlyCharts,
    lang: Lang,
) -> Result<()> {
    let h = &r.head;
    let previous = tr(lang, "previous quarter", "الربع السابق");
    let headlines: Vec<Headline<'_>> = r
        .figures
        .iter()
        .map(|(key, p)| Headline {
            key,
            label: words::figure(key, lang),
            value: p.current,
            beside: Some((previous, p.previous)),
        })
        .collect();
    page.headlines(&headlines)?;
    if !h.complete {
        let note = match lang {
            Lang::En => format!(
                "Figures not final: the quarter ends on {}, after today ({}).",
                h.end, h.today
            ),
            Lang::Ar => format!(
                "الأرقام غير نهائية: ينتهي الربع في {}، بعد اليوم ({}).",
                h.end, h.today
            ),
        };
        page.para("note", None, &note)?;
    }
    let quarter = tr(lang, "Quarter", "الربع");
    let trend_rows: Vec<(String, String)> = charts
        .trend
        .iter()
        .map(|t| (t.period.clone(), t.period.clone()))
        .collect();
    let trend = |f: fn(&TrendPoint) -> i64| charts.trend.iter().map(f).collect::<Vec<i64>>();
    Figures {
        key: "active_at_end_by_quarter",
        draw: Draw::Line,
        title: tr(
            lang,
            "Active agreements at the end of each quarter",
            "الاتفاقيات السارية في نهاية كل ربع",
        )
        .to_string(),
        first_column: quarter,
        rows: trend_rows.clone(),
        short: None,
        series: vec![Series {
            name: words::figure("active_at_end", lang),
            values: trend(|t| t.active_at_end),
            color: CURRENT,
        }],
        label_colors: None,
    }
    .write(page, lang)?;
    Figures {
        key: "signed_expired_by_quarter",
        draw: Draw::Columns,
        title: tr(
            lang,
            "Signed and expired per quarter",
            "الاتفاقيات الموقّعة والمنتهية في كل ربع",
        )
        .to_string(),
        first_column: quarter,
        rows: trend_rows,
        short: None,
        series: vec![
            Series {
                name: words::figure("signed", lang),
                values: trend(|t| t.signed),
                color: CURRENT,
            },
            Series {
                name: words::figure("expired", lang),
                values: trend(|t| t.expired),
                color: EXPIRED,
            },
        ],
        label_colors: None,
    }
    .write(page, lang)?;
    let cats = &r.active_partners_by_category;
    Figures {
        key: "active_partners_by_category",
        draw: Draw::Bars,
        title: tr(
            lang,
            "Partners with an active agreement, by category",
            "الشركاء الذين لديهم اتفاقية سارية، حسب الفئة",
        )
        .to_string(),
        first_column: tr(lang, "Category", "الفئة"),
        rows: cats
            .iter()
            .map(|(c, _)| (c.to_string(), words::category(*c, lang).to_string()))
            .collect(),
        short: None,
        series: vec![
            Series {
                name: tr(lang, "This quarter", "هذا الربع"),
                values: cats.iter().map(|(_, p)| p.current).collect(),
                color: CURRENT,
            },
            Series {
                name: tr(lang, "Previous quarter", "الربع السابق"),
                values: cats.iter().map(|(_, p)| p.previous).collect(),
                color: PREVIOUS,
            },
        ],
        label_colors: None,
    }
    .write(page, lang)?;
    let goals = &r.active_by_sdg;
    Figures {
        key: "active_by_sdg",
        draw: Draw::Bars,
        title: tr(
            lang,
            "Active agreements and engagements per SDG",
            "الاتفاقيات السارية والأنشطة المشتركة لكل هدف من أهداف التنمية المستدامة",
        )
        .to_string(),
        first_column: tr(lang, "Goal", "الهدف"),
        rows: goals
            .iter()
            .map(|s| {
                let name = format!("{} {}", s.sdg, words::sdg_name(s.sdg, lang));
                (s.sdg.to_string(), name)
            })
            .collect(),
        short: Some(
            goals
                .iter()
                .map(|s| words::sdg_short(s.sdg, lang))
                .collect(),
        ),
        series: vec![
            Series {
                name: tr(lang, "Active agreements", "اتفاقيات سارية"),
                values: goals.iter().map(|s| s.current).collect(),
                color: CURRENT,
            },
            Series {
                name: tr(lang, "Engagements held", "أنشطة مشتركة"),
                values: goals
                    .iter()
                    .map(|g| {
                        let held = r.engagements_by_sdg.iter().find(|e| e.sdg == g.sdg);
                        held.map_or(0, |e| e.current)
                    })
                    .collect(),
                color: PREVIOUS,
            },
        ],
        label_colors: Some(
            goals
                .iter()
                .map(|s| {
                    crate::sdg::COLOURS
                        .get(s.sdg.wrapping_sub(1))
                        .copied()
                        .unwrap_or(CURRENT)
                })
                .collect(),
        ),
    }
    .write(page, lang)?;
    Ok(())
}

/// The quarterly page's line under the title, figures and charts as a fragment of another
/// page (the web view's `/reports/quarterly/PERIOD`).
pub fn quarterly_fragment(
    out: &mut dyn Write,
    r: &QuarterlyReport,
    charts: &QuarterlyCharts,
    lang: Lang,
) -> Result<()> {
    let (_, sub) = quarterly_title(r, lang);
    let mut page = Page::fragment(out);
    page.para("sub", None, &sub)?;
    quarterly_body(&mut page, r, charts, lang)?;
    page.finish()?;
    Ok(())
}

/// How many partners the dormant page's chart shows (the longest silences); the table lists all.
const DORMANT_CHART_ROWS: usize = 25;

/// `mou report dormant --format html`: the partners, longest silence first, as a chart of the
/// days since their last activity beside its figures, then the whole table.
pub fn dormant(
    out: &mut dyn Write,
    r: &DormantReport,
    as_of: &str,
    months: u32,
    lang: Lang,
) -> Result<()> {
    let title = match lang {
        Lang::En => format!("Dormant partnerships at {as_of}: nothing in the last {months} months"),
        Lang::Ar => format!("شراكات خاملة في {as_of}: لا نشاط خلال آخر {months} شهراً"),
    };
    let mut page = Page::begin(out, lang.key(), &title)?;
    page.heading(1, &title)?;
    page.headlines(&[Headline {
        key: "dormant",
        label: tr(lang, "Dormant partners", "شركاء خاملون"),
        value: r.0.len() as i64,
        beside: None,
    }])?;
    let charted: Vec<_> =
        r.0.iter()
            .filter(|d| d.days_since.is_some())
            .take(DORMANT_CHART_ROWS)
            .collect();
    if !charted.is_empty() {
        Figures {
            key: "days_since",
            draw: Draw::Bars,
            title: tr(
                lang,
                "Days since the last engagement or signed agreement",
                "الأيام منذ آخر نشاط مشترك أو اتفاقية موقّعة",
            )
            .to_string(),
            first_column: tr(lang, "Partner", "الشريك"),
            rows: charted
                .iter()
                .map(|d| (d.key.clone(), d.name.clone()))
                .collect(),
            short: None,
            series: vec![Series {
                name: tr(lang, "Days", "الأيام"),
                values: charted.iter().map(|d| d.days_since.unwrap_or(0)).collect(),
                color: CURRENT,
            }],
            label_colors: None,
        }
        .write(&mut page, lang)?;
    }
    let never = tr(lang, "never", "لا يوجد");
    let date = |d: Option<crate::dates::Date>| d.map_or(never.to_string(), crate::dates::iso);
    let mut html = format!(
        "<table data-key=\"dormant\"><thead><tr>{}</tr></thead><tbody>\n",
        [
            tr(lang, "Partner", "الشريك"),
            tr(lang, "Category", "الفئة"),
            tr(lang, "Active agreements", "اتفاقيات سارية"),
            tr(lang, "Last engagement", "آخر نشاط مشترك"),
            tr(lang, "Last signed", "آخر توقيع"),
            tr(lang, "Days since", "الأيام منذ ذلك"),
        ]
        .iter()
        .map(|h| format!("<th scope=\"col\">{}</th>", escape(h)))
        .collect::<String>()
    );
    for d in &r.0 {
        html.push_str(&format!(
            "<tr data-key=\"{}\"><th scope=\"row\"><bdi>{}</bdi></th><td>{}</td><td class=\"n\">{}</td><td><bdi dir=\"ltr\">{}</bdi></td><td><bdi dir=\"ltr\">{}</bdi></td><td class=\"n\">{}</td></tr>\n",
            escape(&d.key),
            escape(&d.name),
            escape(words::category(d.category, lang)),
            d.active_agreements,
            escape(&date(d.last_engagement)),
            escape(&date(d.last_signed)),
            d.days_since.map_or(String::new(), |n| n.to_string()),
        ));
    }
    html.push_str("</tbody></table>\n");
    page.raw(&html)?;
    page.end()?;
    Ok(())
}
