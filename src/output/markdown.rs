//! Markdown tables (pipes and newlines escaped, controls shown as escapes).

use std::io::Write;

use crate::error::Result;
use crate::text::visible;

fn md_cell(s: &str) -> String {
    visible(s)
        .replace('\\', "\\\\")
        .replace('|', "\\|")
        .replace('\n', "<br>")
}

pub fn write_markdown(out: &mut impl Write, header: &[&str], rows: &[Vec<String>]) -> Result<()> {
    writeln!(
        out,
        "| {} |",
        header
            .iter()
            .map(|h| md_cell(h))
            .collect::<Vec<_>>()
            .join(" | ")
    )?;
    writeln!(
        out,
        "|{}",
        header.iter().map(|_| "---|").collect::<String>()
    )?;
    for r in rows {
        writeln!(
            out,
            "| {} |",
            r.iter().map(|c| md_cell(c)).collect::<Vec<_>>().join(" | ")
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_escapes_pipes_and_newlines() {
        let mut buf = Vec::new();
        write_markdown(&mut buf, &["x"], &[vec!["a|b\nc".into()]]).unwrap();
        assert_eq!(
            String::from_utf8(buf).unwrap(),
            "| x |\n|---|\n| a\\|b<br>c |\n"
        );
    }
}
