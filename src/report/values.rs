//! The reports as values: each is built once from the figures and rendered in every format
//! ([`super::render()`]). Field order is JSON key order.

use serde::Serialize;

use super::engagements::Dormant;
use super::render::{as_map, Render, Section, Shape};
use super::{CountBy, QuarterFigures, Summary};
use crate::dates::iso;
use crate::model::{Category, EngagementKind};
use crate::output::{Cell, Format};

/// `mou report [summary]`.
#[derive(Debug, Serialize)]
pub struct SummaryReport {
    pub as_of: String,
    #[serde(flatten)]
    pub summary: Summary,
    /// The milestone sentence in each language asked for, by language code.
    #[serde(serialize_with = "as_map")]
    pub milestone: Vec<(&'static str, String)>,
    /// The engagement milestone sentence (partners engaged in the last twelve months).
    #[serde(serialize_with = "as_map")]
    pub engagement_milestone: Vec<(&'static str, String)>,
}

fn counts<T: ToString>(v: &[(T, i64)]) -> Vec<(String, Vec<i64>)> {
    v.iter().map(|(k, n)| (k.to_string(), vec![*n])).collect()
}

fn counted(
    key: &'static str,
    title: &str,
    column: &'static str,
    rows: Vec<(String, Vec<i64>)>,
) -> Section {
    Section {
        key,
        title: title.to_string(),
        columns: vec![column, "count"],
        rows,
    }
}

impl Render for SummaryReport {
    fn shape(&self, _: Format) -> Shape<'_> {
        let s = &self.summary;
        let totals = [
            ("partners", s.partners),
            ("agreements", s.agreements),
            ("partners_with_active_mou", s.partners_with_active_mou),
            ("engagements", s.engagements),
            ("partners_engaged", s.partners_engaged),
            (
                "partners_engaged_without_mou",
                s.partners_engaged_without_mou,
            ),
        ];
        let sections = vec![
            counted(
                "partners_by_category",
                "Partners by category",
                "category",
                counts(&s.partners_by_category),
            ),
            counted(
                "agreements_by_kind",
                "Agreements by kind",
                "kind",
                counts(&s.agreements_by_kind),
            ),
            counted(
                "agreements_by_status",
                "Agreements by status",
                "status",
                counts(&s.agreements_by_status),
            ),
            counted(
                "engagements_by_kind",
                "Engagements in the last twelve months, by kind",
                "kind",
                counts(&s.engagements_by_kind),
            ),
            counted("totals", "Totals", "figure", counts(&totals)),
        ];
        let mut notes = vec![format!(
            "Partners with an active MoU: {}",
            s.partners_with_active_mou
        )];
        notes.extend(self.milestone.iter().map(|(_, t)| t.clone()));
        notes.push(format!(
            "Partners engaged in the last twelve months: {} ({} without an active MoU)",
            s.partners_engaged, s.partners_engaged_without_mou
        ));
        notes.extend(self.engagement_milestone.iter().map(|(_, t)| t.clone()));
        Shape::Sections {
            title: format!("Registry summary at {}", self.as_of),
            sections,
            notes,
            figure_columns: &["count"],
        }
    }
}

/// A figure this quarter and the one before.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Pair {
    pub current: i64,
    pub previous: i64,
}

/// Active agreements under one SDG, this quarter and the one before.
#[derive(Debug, Serialize)]
pub struct SdgPair {
    pub sdg: usize,
    pub name_en: &'static str,
    pub name_ar: &'static str,
    pub current: i64,
    pub previous: i64,
}

/// What names a quarterly report's quarter: all its fields but the figures.
#[derive(Debug, Serialize)]
pub struct QuarterHead {
    pub period: String,
    pub start: String,
    pub end: String,
    pub previous_period: String,
    pub fiscal_start: u32,
    /// The quarter's name for people, `FY2026 Q1 (fiscal, from July)`.
    pub label: String,
    pub complete: bool,
    /// The previous quarter's short name for people (`FY2026 Q4`).
    #[serde(skip)]
    pub previous_label: String,
    /// The day figures are taken up to, for the note on a quarter not over.
    #[serde(skip)]
    pub today: String,
}

/// `mou report quarterly`.
#[derive(Debug, Serialize)]
pub struct QuarterlyReport {
    #[serde(flatten)]
    pub head: QuarterHead,
    #[serde(serialize_with = "as_map")]
    pub figures: Vec<(&'static str, Pair)>,
    #[serde(serialize_with = "as_map")]
    pub active_partners_by_category: Vec<(Category, Pair)>,
    pub active_by_sdg: Vec<SdgPair>,
    #[serde(serialize_with = "as_map")]
    pub engagements_by_kind: Vec<(EngagementKind, Pair)>,
    pub engagements_by_sdg: Vec<SdgPair>,
}

/// Goals 1..17 with their names, each with its figure in `cur` and `old` (index 0 = SDG 1).
fn sdg_pairs(cur: &[i64], old: &[i64]) -> Vec<SdgPair> {
    (0..17)
        .map(|i| {
            let (name_en, name_ar) = crate::sdg::name(i + 1).unwrap_or_default();
            SdgPair {
                sdg: i + 1,
                name_en,
                name_ar,
                current: cur.get(i).copied().unwrap_or(0),
                previous: old.get(i).copied().unwrap_or(0),
            }
        })
        .collect()
}

fn pairs_of<K: Copy>(cur: &[(K, i64)], old: &[(K, i64)]) -> Vec<(K, Pair)> {
    cur.iter()
        .zip(old)
        .map(|((k, a), (_, b))| {
            (
                *k,
                Pair {
                    current: *a,
                    previous: *b,
                },
            )
        })
        .collect()
}

impl QuarterlyReport {
    /// The report of `cur` beside `old`, the quarter before.
    pub fn new(head: QuarterHead, cur: &QuarterFigures, old: &QuarterFigures) -> Self {
        let figures = |x: &QuarterFigures| {
            [
                ("signed", x.signed),
                ("effective", x.effective),
                ("expired", x.expired),
                ("terminated", x.terminated),
                ("renewed", x.renewed),
                ("active_at_end", x.active_at_end),
                ("expiring_next_quarter", x.expiring_next_quarter),
                ("new_partners", x.new_partners),
                ("engagements_held", x.engagements_held),
                ("partners_engaged", x.partners_engaged),
                ("participants", x.participants),
            ]
        };
        let pair = |current, previous| Pair { current, previous };
        QuarterlyReport {
            head,
            figures: figures(cur)
                .into_iter()
                .zip(figures(old))
                .map(|((k, a), (_, b))| (k, pair(a, b)))
                .collect(),
            active_partners_by_category: pairs_of(
                &cur.active_partners_by_category,
                &old.active_partners_by_category,
            ),
            active_by_sdg: sdg_pairs(&cur.active_by_sdg, &old.active_by_sdg),
            engagements_by_kind: pairs_of(&cur.engagements_by_kind, &old.engagements_by_kind),
            engagements_by_sdg: sdg_pairs(&cur.engagements_by_sdg, &old.engagements_by_sdg),
        }
    }
}

fn paired<K: ToString>(v: &[(K, Pair)]) -> Vec<(String, Vec<i64>)> {
    v.iter()
        .map(|(k, p)| (k.to_string(), vec![p.current, p.previous]))
        .collect()
}

impl Render for QuarterlyReport {
    fn shape(&self, format: Format) -> Shape<'_> {
        let sdg_name = |s: &SdgPair| match format {
            Format::Csv => s.sdg.to_string(),
            _ => format!("{} {} · {}", s.sdg, s.name_en, s.name_ar),
        };
        let sdg_rows = |v: &[SdgPair]| -> Vec<(String, Vec<i64>)> {
            v.iter()
                .map(|s| (sdg_name(s), vec![s.current, s.previous]))
                .collect()
        };
        let sections = vec![
            Section {
                key: "figures",
                title: "Agreements and engagements".into(),
                columns: vec!["figure", "current", "previous"],
                rows: paired(&self.figures),
            },
            Section {
                key: "active_partners_by_category",
                title: "Partners with an active agreement, by category".into(),
                columns: vec!["category", "current", "previous"],
                rows: paired(&self.active_partners_by_category),
            },
            Section {
                key: "active_by_sdg",
                title: "Active agreements per SDG".into(),
                columns: vec!["sdg", "current", "previous"],
                rows: sdg_rows(&self.active_by_sdg),
            },
            Section {
                key: "engagements_by_kind",
                title: "Engagements starting in the quarter, by kind".into(),
                columns: vec!["kind", "current", "previous"],
                rows: paired(&self.engagements_by_kind),
            },
            Section {
                key: "engagements_by_sdg",
                title: "Engagements starting in the quarter, per SDG".into(),
                columns: vec!["sdg", "current", "previous"],
                rows: sdg_rows(&self.engagements_by_sdg),
            },
        ];
        let h = &self.head;
        let title = format!(
            "Quarterly report {} ({} to {}{}), beside {}",
            h.label,
            h.start,
            h.end,
            if h.complete { "" } else { ", not final" },
            h.previous_label,
        );
        let notes = if h.complete {
            vec![]
        } else {
            vec![format!(
                "Figures not final: the quarter ends on {}, after today ({}).",
                h.end, h.today
            )]
        };
        Shape::Sections {
            title,
            sections,
            notes,
            figure_columns: &["current", "previous"],
        }
    }
}

/// What people's formats show for an empty value (a partner without a country); CSV and JSON
/// keep it empty (null) for scripts.
const NONE_SHOWN: &str = "(none)";

/// `mou report by FIELD`: agreements counted per value, in [`super::arrange_by`]'s order.
/// Its JSON is a list of `{"<field>": value, "count": n}`.
#[derive(Debug)]
pub struct ByReport {
    pub field: CountBy,
    pub rows: Vec<(String, i64)>,
}

impl ByReport {
    /// A value as `for_people` or scripts read it: goals and years as numbers.
    fn key(&self, k: &str, for_people: bool) -> Cell {
        match self.field {
            CountBy::Sdg | CountBy::Year => k
                .parse::<i64>()
                .map(Cell::Int)
                .unwrap_or_else(|_| Cell::text(k)),
            _ if k.is_empty() && for_people => Cell::text(NONE_SHOWN),
            _ if k.is_empty() => Cell::Null,
            _ => Cell::text(k),
        }
    }
}

impl Serialize for ByReport {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_seq(self.rows.iter().map(|(k, n)| {
            let mut row = serde_json::Map::new();
            row.insert(self.field.name().into(), self.key(k, false).to_json());
            row.insert("count".into(), (*n).into());
            row
        }))
    }
}

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
        CountBy::Partner => "Partner",
    }
}

impl Render for ByReport {
    fn shape(&self, format: Format) -> Shape<'_> {
        let for_people = matches!(format, Format::Table | Format::Markdown);
        let columns = if format == Format::Markdown {
            vec![heading(self.field), "Count"]
        } else {
            vec![self.field.name(), "count"]
        };
        Shape::Rows {
            columns,
            rows: self
                .rows
                .iter()
                .map(|(k, n)| vec![self.key(k, for_people), Cell::Int(*n)])
                .collect(),
            shown: None,
        }
    }
}

/// `mou report count`: the number alone, in every format.
#[derive(Debug, Clone, Copy, Serialize)]
#[serde(transparent)]
pub struct Count(pub i64);

impl Render for Count {
    fn shape(&self, _: Format) -> Shape<'_> {
        Shape::Line(self.0.to_string())
    }
}

/// `mou report dormant`: partners party to an active agreement with no engagement and no
/// agreement signed in the last `months` months, longest silence first.
#[derive(Debug, Default)]
pub struct DormantReport(pub Vec<Dormant>);

const DORMANT_COLUMNS: [&str; 7] = [
    "key",
    "name",
    "category",
    "active_agreements",
    "last_engagement",
    "last_signed",
    "days_since",
];

impl DormantReport {
    fn cells(d: &Dormant) -> Vec<Cell> {
        vec![
            Cell::text(&d.key),
            Cell::text(&d.name),
            Cell::Word(d.category.as_str()),
            Cell::Int(d.active_agreements),
            Cell::opt(d.last_engagement.map(iso)),
            Cell::opt(d.last_signed.map(iso)),
            d.days_since.map_or(Cell::Null, Cell::Int),
        ]
    }
}

impl Serialize for DormantReport {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_seq(self.0.iter().map(|d| {
            DORMANT_COLUMNS
                .iter()
                .zip(Self::cells(d))
                .map(|(k, c)| (k.to_string(), c.to_json()))
                .collect::<serde_json::Map<_, _>>()
        }))
    }
}

impl Render for DormantReport {
    fn shape(&self, _: Format) -> Shape<'_> {
        Shape::Rows {
            columns: DORMANT_COLUMNS.to_vec(),
            rows: self.0.iter().map(Self::cells).collect(),
            shown: None,
        }
    }
}

/// One agreement `mou due` lists.
#[derive(Debug, Serialize)]
pub struct DueRow {
    #[serde(rename = "ref")]
    pub reference: String,
    pub kind: &'static str,
    pub title: String,
    pub parties: Vec<String>,
    pub expires_on: Option<String>,
    pub notice_on: Option<String>,
    pub days_left: Option<i64>,
    /// Why it is due: `notice date`, `notice date passed` or `expires`.
    pub due: &'static str,
    pub due_on: Option<String>,
}

/// `mou due`: the agreements needing attention, earliest first.
#[derive(Debug, Default, Serialize)]
#[serde(transparent)]
pub struct DueReport(pub Vec<DueRow>);

const DUE_COLUMNS: [&str; 9] = [
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

/// The columns a table shows people: `due` and `due_on` say what `expires_on` and `notice_on`
/// would, and fewer columns leave the title room in a narrow terminal.
const DUE_TABLE: &[&str] = &["ref", "title", "parties", "days_left", "due", "due_on"];

impl Render for DueReport {
    fn shape(&self, _: Format) -> Shape<'_> {
        let rows = self
            .0
            .iter()
            .map(|g| {
                vec![
                    Cell::text(&g.reference),
                    Cell::Word(g.kind),
                    Cell::text(&g.title),
                    Cell::List(g.parties.clone()),
                    Cell::opt(g.expires_on.clone()),
                    Cell::opt(g.notice_on.clone()),
                    g.days_left.map_or(Cell::Null, Cell::Int),
                    Cell::Word(g.due),
                    Cell::opt(g.due_on.clone()),
                ]
            })
            .collect();
        Shape::Rows {
            columns: DUE_COLUMNS.to_vec(),
            rows,
            shown: Some(DUE_TABLE),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Kind, Status};

    const FORMATS: [Format; 5] = [
        Format::Table,
        Format::Csv,
        Format::Json,
        Format::Jsonl,
        Format::Markdown,
    ];

    fn rendered(report: &impl Render, format: Format) -> String {
        let mut buf = Vec::new();
        super::super::render(&mut buf, format, report).unwrap();
        String::from_utf8(buf).unwrap()
    }

    /// Renders `report` in every format, checks its JSON is its serde form, then changes one
    /// figure (`bump`) and checks every format shows the change: all come from the one value.
    fn one_value_in_every_format<R: Render>(mut report: R, bump: impl Fn(&mut R)) {
        let before: Vec<String> = FORMATS.iter().map(|f| rendered(&report, *f)).collect();
        let serde_form: serde_json::Value = serde_json::to_value(&report).unwrap();
        let json: serde_json::Value = serde_json::from_str(&before[2]).unwrap();
        assert_eq!(json, serde_form, "json is the value's serde form");
        bump(&mut report);
        for (f, was) in FORMATS.iter().zip(&before) {
            assert_ne!(
                &rendered(&report, *f),
                was,
                "{f:?} does not follow the value"
            );
        }
    }

    fn summary() -> SummaryReport {
        SummaryReport {
            as_of: "2026-11-29".into(),
            summary: Summary {
                partners: 3,
                partners_by_category: vec![(Category::Ngo, 2), (Category::Other, 1)],
                agreements: 4,
                agreements_by_kind: vec![(Kind::Mou, 4)],
                agreements_by_status: vec![(Status::Active, 3), (Status::Expired, 1)],
                partners_with_active_mou: 2,
                engagements: 5,
                engagements_by_kind: vec![(EngagementKind::Workshop, 5)],
                partners_engaged: 3,
                partners_engaged_without_mou: 1,
            },
            milestone: vec![("en", "Two partners.".into())],
            engagement_milestone: vec![("en", "Three partners.".into())],
        }
    }

    fn quarterly() -> QuarterlyReport {
        let figures = |n| QuarterFigures {
            signed: n,
            active_by_sdg: vec![n; 17],
            active_partners_by_category: vec![(Category::Ngo, n)],
            engagements_by_kind: EngagementKind::ALL.iter().map(|k| (*k, n)).collect(),
            engagements_by_sdg: vec![n; 17],
            ..Default::default()
        };
        let head = QuarterHead {
            period: "2026Q3".into(),
            start: "2026-07-01".into(),
            end: "2026-09-30".into(),
            previous_period: "2026Q2".into(),
            fiscal_start: 1,
            label: "2026Q3".into(),
            complete: false,
            previous_label: "2026Q2".into(),
            today: "2026-08-01".into(),
        };
        QuarterlyReport::new(head, &figures(5), &figures(2))
    }

    fn due_row(days_left: i64) -> DueRow {
        DueRow {
            reference: "MOU-2026-001".into(),
            kind: "mou",
            title: "Dialogue".into(),
            parties: vec!["unicef".into(), "atlas".into()],
            expires_on: Some("2026-12-31".into()),
            notice_on: None,
            days_left: Some(days_left),
            due: "expires",
            due_on: Some("2026-12-31".into()),
        }
    }

    #[test]
    fn every_report_renders_every_format_from_its_one_value() {
        one_value_in_every_format(summary(), |r| r.summary.agreements_by_kind[0].1 = 7);
        one_value_in_every_format(quarterly(), |r| r.figures[0].1.current = 9);
        one_value_in_every_format(quarterly(), |r| r.active_by_sdg[16].previous = 9);
        one_value_in_every_format(summary(), |r| r.summary.partners_engaged_without_mou = 2);
        one_value_in_every_format(summary(), |r| r.summary.engagements_by_kind[0].1 = 6);
        one_value_in_every_format(quarterly(), |r| r.engagements_by_kind[1].1.current = 9);
        one_value_in_every_format(quarterly(), |r| r.engagements_by_sdg[10].previous = 9);
        one_value_in_every_format(
            DormantReport(vec![Dormant {
                key: "atlas".into(),
                name: "Atlas".into(),
                category: Category::Ngo,
                active_agreements: 1,
                last_engagement: None,
                last_signed: crate::dates::parse_stored("2020-01-01").ok(),
                days_since: Some(2524),
            }]),
            |r| r.0[0].days_since = Some(2525),
        );
        one_value_in_every_format(
            ByReport {
                field: CountBy::Country,
                rows: vec![("AT".into(), 2), (String::new(), 1)],
            },
            |r| r.rows[1].1 = 4,
        );
        one_value_in_every_format(Count(30), |r| r.0 = 31);
        one_value_in_every_format(DueReport(vec![due_row(32)]), |r| {
            r.0[0].days_left = Some(33)
        });
    }

    #[test]
    fn report_json_is_shaped_as_the_design_names_it() {
        let s = serde_json::to_value(summary()).unwrap();
        let keys: Vec<&str> = s.as_object().unwrap().keys().map(|k| k.as_str()).collect();
        assert_eq!(
            keys,
            [
                "as_of",
                "partners",
                "partners_by_category",
                "agreements",
                "agreements_by_kind",
                "agreements_by_status",
                "partners_with_active_mou",
                "engagements",
                "engagements_by_kind",
                "partners_engaged",
                "partners_engaged_without_mou",
                "milestone",
                "engagement_milestone"
            ]
        );
        assert_eq!(s["engagements_by_kind"]["workshop"], 5);
        assert_eq!(s["engagement_milestone"]["en"], "Three partners.");
        assert_eq!(s["agreements_by_status"]["expired"], 1);
        let q = serde_json::to_value(quarterly()).unwrap();
        assert_eq!(q["figures"]["signed"]["previous"], 2);
        assert_eq!(q["active_partners_by_category"]["ngo"]["current"], 5);
        assert_eq!(q["active_by_sdg"][0]["sdg"], 1);
        assert!(q.get("today").is_none() && q.get("previous_label").is_none());
        assert_eq!(q["figures"]["participants"]["current"], 0);
        assert_eq!(q["engagements_by_kind"]["side-event"]["previous"], 2);
        assert_eq!(q["engagements_by_sdg"][16]["sdg"], 17);
        let d = DormantReport(vec![Dormant {
            key: "atlas".into(),
            name: "Atlas".into(),
            category: Category::Ngo,
            active_agreements: 2,
            last_engagement: None,
            last_signed: crate::dates::parse_stored("2020-01-01").ok(),
            days_since: Some(9),
        }]);
        assert_eq!(
            rendered(&d, Format::Jsonl),
            "{\"key\":\"atlas\",\"name\":\"Atlas\",\"category\":\"ngo\",\"active_agreements\":2,\"last_engagement\":null,\"last_signed\":\"2020-01-01\",\"days_since\":9}\n"
        );
        assert_eq!(
            rendered(&d, Format::Csv),
            "key,name,category,active_agreements,last_engagement,last_signed,days_since\natlas,Atlas,ngo,2,,2020-01-01,9\n"
        );
        let by = ByReport {
            field: CountBy::Sdg,
            rows: vec![("4".into(), 2)],
        };
        assert_eq!(
            rendered(&by, Format::Json),
            "[\n  {\"sdg\":4,\"count\":2}\n]\n"
        );
        assert_eq!(rendered(&DueReport::default(), Format::Json), "[]\n");
        assert_eq!(rendered(&Count(3), Format::Markdown), "3\n");
    }

    #[test]
    fn people_see_none_where_scripts_see_null() {
        let by = ByReport {
            field: CountBy::Country,
            rows: vec![(String::new(), 1)],
        };
        assert!(rendered(&by, Format::Table).contains("(none)"));
        assert!(rendered(&by, Format::Markdown).contains("| Country | Count |"));
        assert_eq!(rendered(&by, Format::Csv), "country,count\n,1\n");
        assert_eq!(
            rendered(&by, Format::Jsonl),
            "{\"country\":null,\"count\":1}\n"
        );
    }
}
