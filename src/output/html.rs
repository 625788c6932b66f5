//! One self-contained HTML page, written as it goes: the head with its style (A4 print rules
//! included) and a content security policy that allows no outside resource and no script,
//! then headings, sentences, headline figures, tables and charts (inline SVG, [`super::svg`])
//! each beside the table of its figures. Every text goes through [`escape`].

use std::borrow::Cow;
use std::io::{self, Write};

use super::svg::{self, Chart};

/// Text for the page: control and direction characters shown as visible escapes (as in
/// tables: a stored U+202E must not reorder the page), then `& < > " '` as entities, so the
/// result is safe in element content and in quoted attributes.
pub fn escape(s: &str) -> Cow<'_, str> {
    let shown = crate::text::visible(s);
    if !shown.contains(['&', '<', '>', '"', '\'']) {
        return shown;
    }
    let mut out = String::with_capacity(shown.len() + 16);
    for c in shown.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out.into()
}

/// Whether `b` starts with an ISO date (`2026-07-01`).
fn starts_with_date(b: &[u8]) -> bool {
    b.len() >= 10
        && b[..10].iter().enumerate().all(|(i, c)| {
            if i == 4 || i == 7 {
                *c == b'-'
            } else {
                c.is_ascii_digit()
            }
        })
}

/// Text for the page's content, escaped as [`escape`], with each ISO date (or range of two,
/// `2016-05-23 – 2016-05-24`) isolated left to right. Without it, in an Arabic sentence, the
/// digits after Arabic letters are Arabic numbers to the bidi algorithm (rule W2), the hyphens
/// do not join them, and `2026-07-01` shows as `01-07-2026`.
pub fn display(s: &str) -> Cow<'_, str> {
    let text = escape(s);
    let b = text.as_bytes();
    if !(0..b.len()).any(|i| starts_with_date(&b[i..])) {
        return text;
    }
    const RANGE: &str = " – ";
    let mut out = String::with_capacity(text.len() + 32);
    let mut i = 0;
    let mut plain = 0;
    while i < b.len() {
        if !starts_with_date(&b[i..]) {
            i += 1;
            continue;
        }
        out.push_str(&text[plain..i]);
        let mut end = i + 10;
        if text[end..].starts_with(RANGE) && starts_with_date(&b[end + RANGE.len()..]) {
            end += RANGE.len() + 10;
        }
        out.push_str("<bdi dir=\"ltr\">");
        out.push_str(&text[i..end]);
        out.push_str("</bdi>");
        i = end;
        plain = end;
    }
    out.push_str(&text[plain..]);
    out.into()
}

const STYLE: &str = "\
:root{color-scheme:light}\
body{font-family:'DejaVu Sans','Noto Sans Arabic',Tahoma,Arial,sans-serif;margin:2rem auto;max-width:72rem;padding:0 1rem;color:#222;line-height:1.45}\
h1{font-size:1.6rem;margin-bottom:.3rem}\
h2{font-size:1.2rem;border-bottom:1px solid #ccc;padding-bottom:.2rem;margin-top:2rem}\
h3{font-size:1rem;margin:1.2rem 0 .3rem}\
.sub{color:#555;margin-top:0}\
.milestone{font-size:1.15rem}\
.note{color:#7a4a00}\
dl.figures{display:flex;flex-wrap:wrap;gap:.75rem;margin:1rem 0}\
dl.figures div{border:1px solid #ccc;border-radius:6px;padding:.4rem .9rem;min-width:8.5rem}\
dl.figures dt{font-size:.85rem;color:#555}\
dl.figures dd{margin:0;font-size:1.5rem;font-weight:bold}\
dl.figures dd small{font-size:.75rem;color:#666;font-weight:normal}\
figure{display:flex;flex-wrap:wrap;gap:1rem;align-items:flex-start;margin:1rem 0;break-inside:avoid}\
figcaption{flex-basis:100%;font-weight:bold}\
figure svg{flex:0 1 560px;max-width:100%;height:auto}\
table{border-collapse:collapse;font-size:.85rem}\
th,td{border:1px solid #ccc;padding:.15rem .5rem;text-align:start;vertical-align:top}\
thead th{background:#f3f3f3}\
td.n{text-align:end;font-variant-numeric:tabular-nums}\
bdi[dir=ltr]{white-space:nowrap}\
.swatch{display:inline-block;width:.8em;height:.8em;margin-inline-end:.35em;vertical-align:-.05em;border-radius:2px}\
ul.items{padding-inline-start:1.2rem}\
ul.items li{margin:.3rem 0}\
.sdgs{color:#444;font-size:.85rem}\
@page{size:A4;margin:15mm}\
@media print{body{margin:0;max-width:none;font-size:10pt}h2{break-after:avoid}figure,section.partner{break-inside:avoid}}";

/// A table: a caption, column headings, then rows whose first cell heads the row. Figures
/// are right-aligned (`end` in right-to-left pages). `key` is written as `data-key` on each
/// row, so that a program can find a figure whatever the page's language.
pub struct Table<'a> {
    pub caption: &'a str,
    pub head: Vec<&'a str>,
    pub rows: Vec<Row>,
}

pub struct Row {
    pub key: String,
    /// The heading cell's content as HTML (already escaped: it may hold a colour swatch).
    pub head_html: String,
    pub figures: Vec<i64>,
}

impl Row {
    /// A row headed by plain text.
    pub fn new(key: impl Into<String>, head: &str, figures: Vec<i64>) -> Row {
        Row {
            key: key.into(),
            head_html: escape(head).into_owned(),
            figures,
        }
    }
}

/// One headline figure: a name for people, the value, and optionally the figure it is set
/// beside (the previous quarter's) with its label.
pub struct Headline<'a> {
    pub key: &'a str,
    pub label: &'a str,
    pub value: i64,
    pub beside: Option<(&'a str, i64)>,
}

/// How a chart is drawn.
#[derive(Clone, Copy)]
pub enum Draw {
    Bars,
    Columns,
    Line,
}

/// The page being written. `begin` writes the head; `end` closes the document.
pub struct Page<'w> {
    out: &'w mut dyn Write,
    charts: usize,
    /// Part of another page ([`Page::fragment`]): no head, and nothing that needs an inline
    /// style, so that a page whose policy allows only its own style sheet shows it whole.
    fragment: bool,
}

impl<'w> Page<'w> {
    /// Starts the page in `lang` (`en`, `ar`: right to left) with its title.
    pub fn begin(out: &'w mut dyn Write, lang: &str, title: &str) -> io::Result<Page<'w>> {
        let dir = if lang == "ar" { "rtl" } else { "ltr" };
        write!(
            out,
            "<!DOCTYPE html>\n<html lang=\"{}\" dir=\"{dir}\">\n<head>\n<meta charset=\"utf-8\">\n\
             <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
             <meta name=\"generator\" content=\"mou\">\n<title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<main>\n",
            escape(lang),
            escape(title)
        )?;
        Ok(Page {
            out,
            charts: 0,
            fragment: false,
        })
    }

    /// The body of a page to set inside another (the web view's): no head, no style; close
    /// it with [`Page::finish`].
    pub fn fragment(out: &'w mut dyn Write) -> Page<'w> {
        Page {
            out,
            charts: 0,
            fragment: true,
        }
    }

    /// A colour swatch before a row's name: a styled `<span>` in a document, a small inline
    /// SVG in a fragment (no `style` attribute, which a strict policy refuses).
    pub fn swatch(&self, color: &str) -> String {
        if self.fragment {
            format!(
                "<svg class=\"swatch\" width=\"12\" height=\"12\" aria-hidden=\"true\"><rect width=\"12\" height=\"12\" rx=\"2\" fill=\"{}\"/></svg>",
                escape(color)
            )
        } else {
            format!(
                "<span class=\"swatch\" style=\"background:{}\"></span>",
                escape(color)
            )
        }
    }

    pub fn heading(&mut self, level: u8, text: &str) -> io::Result<()> {
        let level = level.clamp(1, 6);
        writeln!(self.out, "<h{level}>{}</h{level}>", display(text))
    }

    /// A paragraph of `class` (may be empty); `lang` marks a sentence in another language than
    /// the page's, with its own direction.
    pub fn para(&mut self, class: &str, lang: Option<&str>, text: &str) -> io::Result<()> {
        let class = if class.is_empty() {
            String::new()
        } else {
            format!(" class=\"{}\"", escape(class))
        };
        let lang = match lang {
            Some(l) => format!(
                " lang=\"{}\" dir=\"{}\"",
                escape(l),
                if l == "ar" { "rtl" } else { "ltr" }
            ),
            None => String::new(),
        };
        writeln!(self.out, "<p{class}{lang}>{}</p>", display(text))
    }

    /// Opens a `<section>` (closed by [`Page::close_section`]).
    pub fn open_section(&mut self, class: &str) -> io::Result<()> {
        writeln!(self.out, "<section class=\"{}\">", escape(class))
    }

    pub fn close_section(&mut self) -> io::Result<()> {
        writeln!(self.out, "</section>")
    }

    /// HTML the caller built from escaped parts.
    pub fn raw(&mut self, html: &str) -> io::Result<()> {
        self.out.write_all(html.as_bytes())
    }

    /// The headline figures as a definition list.
    pub fn headlines(&mut self, figures: &[Headline<'_>]) -> io::Result<()> {
        writeln!(self.out, "<dl class=\"figures\">")?;
        for h in figures {
            write!(
                self.out,
                "<div data-key=\"{}\"><dt>{}</dt><dd><data value=\"{v}\">{v}</data>",
                escape(h.key),
                escape(h.label),
                v = h.value
            )?;
            if let Some((label, b)) = h.beside {
                write!(self.out, " <small>{} {b}</small>", escape(label))?;
            }
            writeln!(self.out, "</dd></div>")?;
        }
        writeln!(self.out, "</dl>")
    }

    pub fn table(&mut self, t: &Table<'_>) -> io::Result<()> {
        write!(self.out, "<table>")?;
        if !t.caption.is_empty() {
            write!(self.out, "<caption>{}</caption>", escape(t.caption))?;
        }
        write!(self.out, "<thead><tr>")?;
        for h in &t.head {
            write!(self.out, "<th scope=\"col\">{}</th>", escape(h))?;
        }
        writeln!(self.out, "</tr></thead><tbody>")?;
        for r in &t.rows {
            write!(
                self.out,
                "<tr data-key=\"{}\"><th scope=\"row\">{}</th>",
                escape(&r.key),
                r.head_html
            )?;
            for n in &r.figures {
                write!(self.out, "<td class=\"n\">{n}</td>")?;
            }
            writeln!(self.out, "</tr>")?;
        }
        writeln!(self.out, "</tbody></table>")
    }

    /// A chart beside the table of its figures, under a caption (the chart's title). The
    /// chart's id is made here (`chart-1`, `chart-2`, ...).
    pub fn chart(
        &mut self,
        key: &str,
        draw: Draw,
        chart: Chart<'_>,
        table: &Table<'_>,
    ) -> io::Result<()> {
        self.charts += 1;
        let id = format!("chart-{}", self.charts);
        let chart = Chart { id: &id, ..chart };
        writeln!(
            self.out,
            "<figure data-key=\"{}\"><figcaption>{}</figcaption>",
            escape(key),
            display(chart.title)
        )?;
        match draw {
            Draw::Bars => svg::bar_chart(self.out, &chart)?,
            Draw::Columns => svg::column_chart(self.out, &chart)?,
            Draw::Line => svg::line_chart(self.out, &chart)?,
        }
        writeln!(self.out)?;
        self.table(table)?;
        writeln!(self.out, "</figure>")
    }

    /// Ends a fragment.
    pub fn finish(self) -> io::Result<()> {
        self.out.flush()
    }

    /// Closes the document.
    pub fn end(self) -> io::Result<()> {
        writeln!(self.out, "</main>\n</body>\n</html>")?;
        self.out.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_quotes_and_direction_controls() {
        assert_eq!(escape("plain"), "plain");
        assert_eq!(
            escape("<script>alert('x')</script> & \"q\""),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;"
        );
        assert_eq!(escape("abc\u{202e}def"), "abc\\u{202e}def");
        assert_eq!(escape("a\u{1b}[2J"), "a\\u{1b}[2J");
    }

    #[test]
    fn dates_are_isolated_left_to_right() {
        assert_eq!(display("no dates <here>"), "no dates &lt;here&gt;");
        assert_eq!(
            display("من 2026-07-01 إلى 2026-09-30، <b>"),
            "من <bdi dir=\"ltr\">2026-07-01</bdi> إلى <bdi dir=\"ltr\">2026-09-30</bdi>، &lt;b&gt;"
        );
        assert_eq!(
            display("2016-05-23 – 2016-05-24 · x"),
            "<bdi dir=\"ltr\">2016-05-23 – 2016-05-24</bdi> · x"
        );
        assert_eq!(display("2026-7-01 and 12345"), "2026-7-01 and 12345");
    }

    #[test]
    fn a_page_is_one_document_in_its_direction() {
        let mut v = Vec::new();
        let mut p = Page::begin(&mut v, "ar", "تقرير <1>").unwrap();
        p.heading(1, "عنوان").unwrap();
        p.table(&Table {
            caption: "",
            head: vec!["a", "b"],
            rows: vec![Row::new("k", "x<y", vec![3])],
        })
        .unwrap();
        p.end().unwrap();
        let s = String::from_utf8(v).unwrap();
        assert!(s.starts_with("<!DOCTYPE html>\n<html lang=\"ar\" dir=\"rtl\">"));
        assert!(s.contains("<title>تقرير &lt;1&gt;</title>"));
        assert!(s.contains(
            "<tr data-key=\"k\"><th scope=\"row\">x&lt;y</th><td class=\"n\">3</td></tr>"
        ));
        assert!(s.contains("@page{size:A4"));
        assert!(s.ends_with("</html>\n"));
    }
}
