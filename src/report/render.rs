//! How a report reaches the page. Each report is one value: its serde form is its JSON (and
//! JSON lines) output, and [`Render::shape`] lays the same value out for table, csv and
//! markdown. A new format (html, xlsx) is one more arm in [`render`], not a copy of the figures.

use serde::Serialize;
use serde_json::Value as Json;
use std::io::Write;

use crate::error::Result;
use crate::output::{write_markdown, write_table, Cell, Format, RowWriter};

/// A report value: serialisable (that is its JSON), and shaped for the other formats.
pub trait Render: Serialize {
    /// The value as `format` (table, csv or markdown) lays it out.
    fn shape(&self, format: Format) -> Shape<'_>;
}

/// A report laid out for people's formats and csv.
pub enum Shape<'a> {
    /// A titled document of sections, with lines of notes after them; csv writes
    /// `section,name,<figure columns>`.
    Sections {
        title: String,
        sections: Vec<Section>,
        notes: Vec<String>,
        figure_columns: &'a [&'a str],
    },
    /// One table of rows, as every listing is written; `shown` is the subset of columns a
    /// table or markdown shows people (all of them when `None`).
    Rows {
        columns: Vec<&'a str>,
        rows: Vec<Vec<Cell>>,
        shown: Option<&'a [&'a str]>,
    },
    /// A single line (a count).
    Line(String),
}

/// A titled list of (name, figures) rows.
pub struct Section {
    /// The section's name in csv.
    pub key: &'static str,
    pub title: String,
    /// The heading of the name column, then of each figure.
    pub columns: Vec<&'static str>,
    pub rows: Vec<(String, Vec<i64>)>,
}

/// Writes `report` in `format`.
pub fn render(out: &mut impl Write, format: Format, report: &impl Render) -> Result<()> {
    match format {
        Format::Json | Format::Jsonl => write_json(out, format, &serde_json::to_value(report)?),
        _ => match report.shape(format) {
            Shape::Sections {
                title,
                sections,
                notes,
                figure_columns,
            } => match format {
                Format::Csv => csv_sections(out, &sections, figure_columns),
                Format::Markdown => markdown_sections(out, &title, &sections, &notes),
                _ => table_sections(out, &title, &sections, &notes),
            },
            Shape::Rows {
                columns,
                rows,
                shown,
            } => {
                let mut w = RowWriter::new(&mut *out, format, false, &columns, shown)?;
                for r in rows {
                    w.row(r)?;
                }
                w.finish()
            }
            Shape::Line(l) => Ok(writeln!(out, "{l}")?),
        },
    }
}

/// A document pretty-printed (json) or on one line (jsonl); a list as every listing is
/// written: one item a line, in brackets for json.
fn write_json(out: &mut impl Write, format: Format, v: &Json) -> Result<()> {
    match (v, format) {
        (Json::Array(items), Format::Jsonl) => {
            for item in items {
                serde_json::to_writer(&mut *out, item)?;
                writeln!(out)?;
            }
        }
        (Json::Array(items), _) => {
            for (i, item) in items.iter().enumerate() {
                out.write_all(if i == 0 { b"[\n  " } else { b",\n  " })?;
                serde_json::to_writer(&mut *out, item)?;
            }
            out.write_all(if items.is_empty() { b"[]\n" } else { b"\n]\n" })?;
        }
        (_, Format::Jsonl) => {
            serde_json::to_writer(&mut *out, v)?;
            writeln!(out)?;
        }
        _ => {
            serde_json::to_writer_pretty(&mut *out, v)?;
            writeln!(out)?;
        }
    }
    Ok(())
}

fn text_rows(s: &Section) -> Vec<Vec<String>> {
    s.rows
        .iter()
        .map(|(k, v)| {
            std::iter::once(k.clone())
                .chain(v.iter().map(|n| n.to_string()))
                .collect()
        })
        .collect()
}

fn markdown_sections(
    out: &mut impl Write,
    title: &str,
    sections: &[Section],
    notes: &[String],
) -> Result<()> {
    writeln!(out, "## {title}")?;
    for s in sections {
        writeln!(out, "\n### {}\n", s.title)?;
        write_markdown(out, &s.columns, &text_rows(s))?;
    }
    if !notes.is_empty() {
        writeln!(out)?;
        for l in notes {
            writeln!(out, "{l}\n")?;
        }
    }
    Ok(())
}

fn table_sections(
    out: &mut impl Write,
    title: &str,
    sections: &[Section],
    notes: &[String],
) -> Result<()> {
    writeln!(out, "{title}")?;
    for s in sections {
        writeln!(out, "\n{}", s.title)?;
        write_table(out, &s.columns, &text_rows(s))?;
    }
    if !notes.is_empty() {
        writeln!(out)?;
        for l in notes {
            writeln!(out, "{l}")?;
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

/// Serialises `(key, value)` pairs as a JSON object, keys in their order.
pub fn as_map<S, K, V>(pairs: &[(K, V)], s: S) -> std::result::Result<S::Ok, S::Error>
where
    S: serde::Serializer,
    K: std::fmt::Display,
    V: Serialize,
{
    s.collect_map(pairs.iter().map(|(k, v)| (k.to_string(), v)))
}
