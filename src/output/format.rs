//! The formats mou writes, and the rules that choose one: `--format`, else what `-o FILE`'s
//! extension names, else the command's default. Each command says which formats it can
//! write ([`TEXT_FORMATS`], [`EXPORT_FORMATS`]; the table `WRITES` in `crate::cli` names them
//! per command); any other is exit 2 naming the ones it can. A binary format is refused on a
//! terminal.

use std::path::Path;

use crate::error::{Error, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Table,
    Csv,
    Json,
    Jsonl,
    Markdown,
    // An Excel workbook (binary); an iCalendar file (RFC 5545); one self-contained HTML page.
    // (Plain comments: a doc comment here would become help text and make clap's help long.)
    Xlsx,
    Ics,
    Html,
}

/// What every listing and report writes.
pub const TEXT_FORMATS: &[Format] = &[
    Format::Table,
    Format::Csv,
    Format::Json,
    Format::Jsonl,
    Format::Markdown,
];

/// What `mou report [summary|quarterly]` writes: what every report writes, and a page.
pub const REPORT_FORMATS: &[Format] = &[
    Format::Table,
    Format::Csv,
    Format::Json,
    Format::Jsonl,
    Format::Markdown,
    Format::Html,
];

/// What `mou report page` writes: the public page.
pub const PAGE_FORMATS: &[Format] = &[Format::Html];

/// What `mou export partners|agreements` writes.
pub const EXPORT_FORMATS: &[Format] = &[
    Format::Table,
    Format::Csv,
    Format::Json,
    Format::Jsonl,
    Format::Markdown,
    Format::Xlsx,
];

/// What `mou export agreements` writes: what every export writes, and a calendar of the
/// agreements' notice and expiry dates.
pub const AGREEMENT_EXPORT_FORMATS: &[Format] = &[
    Format::Table,
    Format::Csv,
    Format::Json,
    Format::Jsonl,
    Format::Markdown,
    Format::Xlsx,
    Format::Ics,
];

impl Format {
    /// The format an output file's extension asks for.
    pub fn from_path(path: &Path) -> Option<Format> {
        match path.extension()?.to_str()?.to_ascii_lowercase().as_str() {
            "csv" => Some(Format::Csv),
            "json" => Some(Format::Json),
            "jsonl" | "ndjson" => Some(Format::Jsonl),
            "md" | "markdown" => Some(Format::Markdown),
            "txt" => Some(Format::Table),
            "xlsx" => Some(Format::Xlsx),
            "ics" => Some(Format::Ics),
            "html" | "htm" => Some(Format::Html),
            _ => None,
        }
    }

    /// The name `--format` takes.
    pub fn name(self) -> &'static str {
        match self {
            Format::Table => "table",
            Format::Csv => "csv",
            Format::Json => "json",
            Format::Jsonl => "jsonl",
            Format::Markdown => "markdown",
            Format::Xlsx => "xlsx",
            Format::Ics => "ics",
            Format::Html => "html",
        }
    }

    /// The extension of a file in this format.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Table => "txt",
            Format::Markdown => "md",
            other => other.name(),
        }
    }

    /// Whether the format is bytes that a terminal cannot show.
    pub fn is_binary(self) -> bool {
        self == Format::Xlsx
    }
}

/// `a, b or c`.
fn names(formats: &[Format]) -> String {
    let names: Vec<&str> = formats.iter().map(|f| f.name()).collect();
    match names.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
        _ => names.join(""),
    }
}

/// `--format FORMAT` given to `mou COMMAND`, which writes only `can`: exit 2 naming them.
pub fn check_format(command: &str, can: &[Format], format: Format) -> Result<()> {
    if can.contains(&format) {
        return Ok(());
    }
    Err(Error::field(
        "--format",
        format.name(),
        format!(
            "`mou {command}` cannot write {}; it writes {}",
            format.name(),
            names(can)
        ),
    ))
}

/// The format `mou COMMAND` writes: `given` (`--format`), else the one `output`'s extension
/// names, else `default`. Each must be one of `can`. An output whose extension names no format
/// is refused unless `--format` says what to write; a binary format into a file named for
/// another format (or the other way round) is refused, since the program that opens the file
/// by its name could not read it.
pub fn choose_format(
    command: &str,
    can: &[Format],
    given: Option<Format>,
    output: Option<&Path>,
    default: Format,
) -> Result<Format> {
    let named = output.and_then(Format::from_path);
    let shown = |p: &Path| p.display().to_string();
    if let (Some(out), Some(ext)) = (output, output.and_then(Path::extension)) {
        if named.is_none() && given.is_none() {
            let exts: Vec<String> = can.iter().map(|f| format!(".{}", f.extension())).collect();
            return Err(Error::field(
                "output",
                &shown(out),
                format!(
                    "`mou {command}` cannot write .{} files; name the file {}, or give --format",
                    ext.to_string_lossy(),
                    exts.join(", ")
                ),
            ));
        }
    }
    let format = given.or(named).unwrap_or(default);
    if let (Some(out), Some(n)) = (output, named) {
        if n != format && (n.is_binary() || format.is_binary()) {
            return Err(Error::field(
                "output",
                &shown(out),
                format!(
                    "the name says {} but --format says {}; nothing was written",
                    n.name(),
                    format.name()
                ),
            )
            .with_hint(format!(
                "name the file {}",
                out.with_extension(format.extension()).display()
            )));
        }
    }
    if given.is_none() && !can.contains(&format) {
        return Err(Error::field(
            "output",
            &output.map(shown).unwrap_or_default(),
            format!(
                "`mou {command}` cannot write {}; it writes {}",
                format.name(),
                names(can)
            ),
        ));
    }
    check_format(command, can, format)?;
    Ok(format)
}

/// Refuses a binary `format` written to stdout when stdout is a terminal (`terminal`): the
/// bytes would garble the screen. The fix is a file, or a pipe.
pub fn refuse_binary_on_terminal(format: Format, terminal: bool) -> Result<()> {
    if !format.is_binary() || !terminal {
        return Ok(());
    }
    Err(Error::input(format!(
        "{} is a binary file and stdout is a terminal; nothing was written",
        format.name()
    ))
    .with_hint(format!(
        "give -o FILE.{} (or pipe it: ... -o - | program)",
        format.extension()
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    const EXPORT_FORMATS: &[Format] = &[Format::Csv, Format::Json, Format::Xlsx];

    #[test]
    fn a_format_a_command_cannot_write_names_those_it_can() {
        let e = check_format("list", TEXT_FORMATS, Format::Xlsx).unwrap_err();
        assert!(
            e.to_string()
                .contains("cannot write xlsx; it writes table, csv, json, jsonl or markdown"),
            "{e}"
        );
        assert!(check_format("export", EXPORT_FORMATS, Format::Xlsx).is_ok());
    }

    #[test]
    fn the_output_name_chooses_the_format() {
        let p = Path::new("a.XLSX");
        let f = choose_format("export", EXPORT_FORMATS, None, Some(p), Format::Csv).unwrap();
        assert_eq!(f, Format::Xlsx);
        let p = Path::new("a.ics");
        let e = choose_format("export", EXPORT_FORMATS, None, Some(p), Format::Csv).unwrap_err();
        assert!(e.to_string().contains("cannot write ics; it writes"), "{e}");
        let p = Path::new("a.xyz");
        let e = choose_format("export", EXPORT_FORMATS, None, Some(p), Format::Csv).unwrap_err();
        assert!(e.to_string().contains(".csv"), "{e}");
        let given = Some(Format::Csv);
        let p = Path::new("a.xlsx");
        let e = choose_format("export", EXPORT_FORMATS, given, Some(p), Format::Csv).unwrap_err();
        assert!(e.to_string().contains("the name says xlsx"), "{e}");
        // A text format into a file named for another text format is what --format asks.
        let p = Path::new("a.txt");
        let f = choose_format("export", EXPORT_FORMATS, given, Some(p), Format::Csv).unwrap();
        assert_eq!(f, Format::Csv);
    }

    #[test]
    fn binary_output_is_refused_on_a_terminal_only() {
        let e = refuse_binary_on_terminal(Format::Xlsx, true).unwrap_err();
        assert!(e.hint.unwrap_or_default().contains("-o FILE.xlsx"));
        assert!(refuse_binary_on_terminal(Format::Xlsx, false).is_ok());
        assert!(refuse_binary_on_terminal(Format::Csv, true).is_ok());
    }
}
