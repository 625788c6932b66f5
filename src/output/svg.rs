//! A small SVG writer for the HTML reports: horizontal bar charts (one row per label, a bar per
//! series), column charts (grouped bars over time) and line charts. mou's own rather than a
//! plotting crate: a chart is a few rectangles, lines and labels; the output is the same bytes
//! for the same figures (coordinates rounded to one decimal, no random ids); and right-to-left
//! pages need charts that mirror (labels on the right, bars growing leftwards, time running
//! from right to left), which is one function here ([`Frame::x`]).
//!
//! Charts are inline in HTML (no `xmlns`: the page names no outside address). Every chart is
//! `role="img"` with a `<title>` and a `<desc>` (by `aria-labelledby`), so a
//! screen reader names it; every text is escaped ([`super::html::escape`]).

use std::io::{self, Write};

use super::html::escape;

/// One series of values, one per label, in a colour.
pub struct Series<'a> {
    pub name: &'a str,
    pub values: Vec<i64>,
    pub color: &'a str,
}

/// What a chart shows: labels (rows or points in time) and one or more series over them.
pub struct Chart<'a> {
    /// Unique within the page: the prefix of the ids `<title>` and `<desc>` are named by.
    pub id: &'a str,
    pub title: &'a str,
    pub desc: &'a str,
    pub labels: Vec<String>,
    pub series: Vec<Series<'a>>,
    /// A colour per label (the SDGs' own), instead of the series' colour; later series are
    /// drawn in it lighter.
    pub label_colors: Option<Vec<&'a str>>,
    /// Right to left: mirrored, as the page around it reads.
    pub rtl: bool,
}

const WIDTH: f64 = 560.0;
const FONT: &str =
    "font-family=\"'DejaVu Sans','Noto Sans Arabic',Tahoma,Arial,sans-serif\" font-size=\"12\"";

/// Which edge of a text stands at its x.
#[derive(Clone, Copy)]
enum Edge {
    Left,
    Right,
    Middle,
}

/// Geometry shared by every chart: mirrored x for right-to-left, and the text anchors that
/// put a text's left or right edge where asked whatever the direction.
struct Frame {
    rtl: bool,
}

impl Frame {
    /// x measured from the reading start (the left, or the right when right to left).
    fn x(&self, x: f64) -> f64 {
        if self.rtl {
            WIDTH - x
        } else {
            x
        }
    }

    /// The edge that faces the reading start, as seen on screen.
    fn start_edge(&self) -> Edge {
        if self.rtl {
            Edge::Right
        } else {
            Edge::Left
        }
    }

    fn end_edge(&self) -> Edge {
        if self.rtl {
            Edge::Left
        } else {
            Edge::Right
        }
    }

    /// `text-anchor` for `edge` on screen; with `direction="rtl"` a text's start is its right.
    fn anchor(&self, edge: Edge) -> &'static str {
        match (edge, self.rtl) {
            (Edge::Middle, _) => "middle",
            (Edge::Left, false) | (Edge::Right, true) => "start",
            (Edge::Left, true) | (Edge::Right, false) => "end",
        }
    }

    /// A rectangle across `(x0, x1)` (in reading order) and down `(y, height)`.
    fn rect(
        &self,
        out: &mut dyn Write,
        (x0, x1): (f64, f64),
        (y, h): (f64, f64),
        fill: &str,
        extra: &str,
    ) -> io::Result<()> {
        let (a, b) = (self.x(x0), self.x(x1));
        write!(
            out,
            "<rect x=\"{:.1}\" y=\"{y:.1}\" width=\"{:.1}\" height=\"{h:.1}\" fill=\"{}\"{extra}/>",
            a.min(b),
            (b - a).abs(),
            escape(fill)
        )
    }

    fn text(
        &self,
        out: &mut dyn Write,
        x: f64,
        y: f64,
        edge: Edge,
        text: &str,
        extra: &str,
    ) -> io::Result<()> {
        write!(
            out,
            "<text x=\"{:.1}\" y=\"{y:.1}\" text-anchor=\"{}\"{extra}>{}</text>",
            self.x(x),
            self.anchor(edge),
            escape(text)
        )
    }
}

fn open(out: &mut dyn Write, c: &Chart<'_>, height: f64) -> io::Result<Frame> {
    let id = escape(c.id);
    write!(
        out,
        "<svg role=\"img\" aria-labelledby=\"{id}-t {id}-d\" \
         viewBox=\"0 0 {WIDTH} {height:.0}\" width=\"{WIDTH}\" height=\"{height:.0}\" \
         direction=\"{}\" {FONT}><title id=\"{id}-t\">{}</title><desc id=\"{id}-d\">{}</desc>",
        if c.rtl { "rtl" } else { "ltr" },
        escape(c.title),
        escape(c.desc)
    )?;
    Ok(Frame { rtl: c.rtl })
}

fn close(out: &mut dyn Write) -> io::Result<()> {
    out.write_all(b"</svg>")
}

/// A round step for an axis reaching `max` in about four steps: 1, 2 or 5 times a power of ten.
fn step_for(max: i64) -> i64 {
    let rough = (max.max(1) as f64 / 4.0).max(1.0);
    let mut p = 1i64;
    while (p as f64) * 10.0 <= rough {
        p *= 10;
    }
    [1, 2, 5, 10]
        .into_iter()
        .map(|m| m * p)
        .find(|s| (*s as f64) >= rough)
        .unwrap_or(10 * p)
}

/// The axis top: `max` rounded up to a whole step (at least one step).
fn axis_top(max: i64) -> (i64, i64) {
    let step = step_for(max);
    let top = ((max.max(1) + step - 1) / step) * step;
    (top, step)
}

fn max_of(c: &Chart<'_>) -> i64 {
    c.series
        .iter()
        .flat_map(|s| s.values.iter().copied())
        .max()
        .unwrap_or(0)
        .max(0)
}

/// The legend along the top, one swatch per series, from the reading start.
fn legend(out: &mut dyn Write, f: &Frame, c: &Chart<'_>, y: f64) -> io::Result<()> {
    let mut x = 8.0;
    for (i, s) in c.series.iter().enumerate() {
        let opacity = if c.label_colors.is_some() && i > 0 {
            " fill-opacity=\"0.45\""
        } else {
            ""
        };
        let color = match &c.label_colors {
            Some(_) => "#555",
            None => s.color,
        };
        f.rect(out, (x, x + 12.0), (y - 10.0, 12.0), color, opacity)?;
        f.text(out, x + 18.0, y, f.start_edge(), s.name, "")?;
        // Room for the name: an estimate (7 px a character) keeps swatches apart.
        x += 40.0 + 7.0 * s.name.chars().count() as f64;
    }
    Ok(())
}

/// `text` in at most `n` characters, the last a `…` when cut. The `…` is followed by a
/// direction mark of the text's own direction (LRM for Latin, RLM for Arabic), so that in a
/// chart of the other direction it stays at the end of the text rather than jumping to its
/// start.
fn cut(text: &str, n: usize) -> std::borrow::Cow<'_, str> {
    if text.chars().count() <= n {
        return text.into();
    }
    let kept: String = text.chars().take(n.saturating_sub(1)).collect();
    let rtl = kept
        .chars()
        .find(|c| c.is_alphabetic())
        .is_some_and(|c| matches!(c, '\u{0590}'..='\u{08FF}' | '\u{FB1D}'..='\u{FEFF}'));
    let mark = if rtl { '\u{200F}' } else { '\u{200E}' };
    format!("{}…{mark}", kept.trim_end()).into()
}

/// Horizontal bars: a row per label, the label at the reading start, a bar per series
/// growing away from it, each value written after its bar.
pub fn bar_chart(out: &mut dyn Write, c: &Chart<'_>) -> io::Result<()> {
    // The label column fits the longest label (an estimate: 7 px a character), within bounds.
    let longest = c
        .labels
        .iter()
        .map(|l| l.chars().count())
        .max()
        .unwrap_or(0);
    let label_width = (longest as f64 * 7.0 + 16.0).clamp(60.0, 260.0);
    // A label longer than its column is cut with `…`, so that it never runs off the chart.
    let fits = ((label_width - 16.0) / 7.0) as usize;
    const BAR: f64 = 14.0;
    const GAP: f64 = 8.0;
    const TOP: f64 = 28.0;
    let n = c.series.len().max(1) as f64;
    let row = BAR * n + GAP;
    let height = TOP + row * c.labels.len() as f64 + 8.0;
    let f = open(out, c, height)?;
    legend(out, &f, c, 16.0)?;
    let max = max_of(c).max(1) as f64;
    let room = WIDTH - label_width - 50.0;
    for (i, label) in c.labels.iter().enumerate() {
        let y = TOP + row * i as f64;
        f.text(
            out,
            label_width - 8.0,
            y + (row - GAP) / 2.0,
            f.end_edge(),
            &cut(label, fits),
            " dominant-baseline=\"middle\"",
        )?;
        for (j, s) in c.series.iter().enumerate() {
            let v = s.values.get(i).copied().unwrap_or(0);
            let len = room * v.max(0) as f64 / max;
            let (color, extra) = match &c.label_colors {
                Some(colors) => (
                    colors.get(i).copied().unwrap_or(s.color),
                    if j > 0 { " fill-opacity=\"0.45\"" } else { "" },
                ),
                None => (s.color, ""),
            };
            let by = y + BAR * j as f64;
            f.rect(
                out,
                (label_width, label_width + len),
                (by, BAR - 2.0),
                color,
                extra,
            )?;
            f.text(
                out,
                label_width + len + 4.0,
                by + BAR / 2.0,
                f.start_edge(),
                &v.to_string(),
                " dominant-baseline=\"middle\" font-size=\"11\"",
            )?;
        }
    }
    close(out)
}

/// Plot area of the charts over time: x from the reading start, y up from the base line.
struct Plot {
    left: f64,
    right: f64,
    top: f64,
    base: f64,
    max: i64,
}

impl Plot {
    const HEIGHT: f64 = 240.0;

    fn new(c: &Chart<'_>) -> (Plot, i64) {
        let (top, step) = axis_top(max_of(c));
        (
            Plot {
                left: 44.0,
                right: WIDTH - 12.0,
                top: 30.0,
                base: Self::HEIGHT - 28.0,
                max: top,
            },
            step,
        )
    }

    fn y(&self, v: i64) -> f64 {
        self.base - (self.base - self.top) * v.max(0) as f64 / self.max.max(1) as f64
    }

    /// The centre of slot `i` of `n` across the plot.
    fn slot(&self, i: usize, n: usize) -> (f64, f64) {
        let w = (self.right - self.left) / n.max(1) as f64;
        (self.left + w * (i as f64 + 0.5), w)
    }

    /// Grid lines with their values at the reading start, and the labels under the slots.
    fn axes(&self, out: &mut dyn Write, f: &Frame, c: &Chart<'_>, step: i64) -> io::Result<()> {
        let mut v = 0;
        while v <= self.max {
            let y = self.y(v);
            write!(
                out,
                "<line x1=\"{:.1}\" y1=\"{y:.1}\" x2=\"{:.1}\" y2=\"{y:.1}\" stroke=\"{}\"/>",
                f.x(self.left),
                f.x(self.right),
                if v == 0 { "#555" } else { "#ddd" }
            )?;
            f.text(
                out,
                self.left - 6.0,
                y + 4.0,
                f.end_edge(),
                &v.to_string(),
                " font-size=\"11\"",
            )?;
            v += step.max(1);
        }
        for (i, label) in c.labels.iter().enumerate() {
            let (x, _) = self.slot(i, c.labels.len());
            f.text(
                out,
                x,
                self.base + 18.0,
                Edge::Middle,
                label,
                " font-size=\"11\"",
            )?;
        }
        Ok(())
    }
}

/// Grouped columns over time: a group per label (a quarter), a column per series, each value
/// above its column; time runs from the reading start.
pub fn column_chart(out: &mut dyn Write, c: &Chart<'_>) -> io::Result<()> {
    let f = open(out, c, Plot::HEIGHT)?;
    legend(out, &f, c, 16.0)?;
    let (p, step) = Plot::new(c);
    p.axes(out, &f, c, step)?;
    let n = c.series.len().max(1) as f64;
    for i in 0..c.labels.len() {
        let (centre, w) = p.slot(i, c.labels.len());
        let col = (w * 0.7 / n).min(28.0);
        let start = centre - col * n / 2.0;
        for (j, s) in c.series.iter().enumerate() {
            let v = s.values.get(i).copied().unwrap_or(0);
            let x0 = start + col * j as f64;
            let y = p.y(v);
            f.rect(
                out,
                (x0 + 1.0, x0 + col - 1.0),
                (y, p.base - y),
                s.color,
                "",
            )?;
            f.text(
                out,
                x0 + col / 2.0,
                y - 3.0,
                Edge::Middle,
                &v.to_string(),
                " font-size=\"10\"",
            )?;
        }
    }
    close(out)
}

/// Lines over time: a point per label and series, joined, each value above its point.
pub fn line_chart(out: &mut dyn Write, c: &Chart<'_>) -> io::Result<()> {
    let f = open(out, c, Plot::HEIGHT)?;
    legend(out, &f, c, 16.0)?;
    let (p, step) = Plot::new(c);
    p.axes(out, &f, c, step)?;
    for s in &c.series {
        let points: Vec<(f64, f64, i64)> = (0..c.labels.len())
            .map(|i| {
                let v = s.values.get(i).copied().unwrap_or(0);
                (f.x(p.slot(i, c.labels.len()).0), p.y(v), v)
            })
            .collect();
        let path: Vec<String> = points
            .iter()
            .map(|(x, y, _)| format!("{x:.1},{y:.1}"))
            .collect();
        write!(
            out,
            "<polyline fill=\"none\" stroke=\"{}\" stroke-width=\"2\" points=\"{}\"/>",
            escape(s.color),
            path.join(" ")
        )?;
        for (x, y, v) in points {
            write!(
                out,
                "<circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"3.5\" fill=\"{}\"/>",
                escape(s.color)
            )?;
            // The value above the point; x is already on screen, so no mirroring.
            write!(
                out,
                "<text x=\"{x:.1}\" y=\"{:.1}\" text-anchor=\"middle\" font-size=\"11\">{v}</text>",
                y - 8.0
            )?;
        }
    }
    close(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chart(rtl: bool) -> Chart<'static> {
        Chart {
            id: "c1",
            title: "Signed <per> quarter",
            desc: "2026Q1: 3 & 2026Q2: 5",
            labels: vec!["2026Q1".into(), "2026Q2".into()],
            series: vec![Series {
                name: "signed",
                values: vec![3, 5],
                color: "#336",
            }],
            label_colors: None,
            rtl,
        }
    }

    fn drawn(f: fn(&mut dyn Write, &Chart<'_>) -> io::Result<()>, c: &Chart<'_>) -> String {
        let mut v = Vec::new();
        f(&mut v, c).unwrap();
        String::from_utf8(v).unwrap()
    }

    #[test]
    fn long_labels_are_cut_to_their_column() {
        assert_eq!(cut("NGOs", 5), "NGOs");
        assert_eq!(
            cut("Lakeshore County Directorate", 12),
            "Lakeshore C…\u{200e}"
        );
        assert_eq!(cut("مديرية الوئام في محافظة", 8), "مديرية…\u{200f}");
        let mut c = chart(false);
        c.labels[0] = "x".repeat(100);
        let s = drawn(bar_chart, &c);
        assert!(
            s.contains(&format!(">{}…\u{200e}</text>", "x".repeat(33))),
            "{s}"
        );
    }

    #[test]
    fn steps_are_round() {
        assert_eq!(axis_top(0), (1, 1));
        assert_eq!(axis_top(3), (3, 1));
        assert_eq!(axis_top(9), (10, 5));
        assert_eq!(axis_top(37), (40, 10));
        assert_eq!(axis_top(1_000_000), (1_000_000, 500_000));
    }

    #[test]
    fn charts_are_accessible_escaped_and_deterministic() {
        for f in [bar_chart, column_chart, line_chart] {
            let s = drawn(f, &chart(false));
            assert!(s.starts_with("<svg role=\"img\" aria-labelledby=\"c1-t c1-d\""));
            assert!(s.contains("<title id=\"c1-t\">Signed &lt;per&gt; quarter</title>"));
            assert!(s.contains("<desc id=\"c1-d\">2026Q1: 3 &amp; 2026Q2: 5</desc>"));
            assert_eq!(s, drawn(f, &chart(false)));
        }
    }

    #[test]
    fn right_to_left_mirrors_time_and_bars() {
        // The first quarter's column stands left of the second in English, right of it in Arabic.
        let first_x = |s: &str| -> f64 {
            let i = s.find(">3</text>").unwrap();
            let t = &s[..i];
            let x = &t[t.rfind("<text x=\"").unwrap() + 9..];
            x[..x.find('"').unwrap()].parse().unwrap()
        };
        let ltr = drawn(column_chart, &chart(false));
        let rtl = drawn(column_chart, &chart(true));
        assert!(first_x(&ltr) < WIDTH / 2.0 && first_x(&rtl) > WIDTH / 2.0);
        assert!(rtl.contains("direction=\"rtl\""));
        // A bar chart's labels sit at the right in Arabic, ending at their x.
        let bars = drawn(bar_chart, &chart(true));
        // "2026Q1": 6 characters, a label column of 58 + 16, clamped to 60.
        assert!(bars.contains(&format!("<text x=\"{:.1}\"", WIDTH - 52.0)));
    }
}
