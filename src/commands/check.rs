//! `mou check`: integrity and data checks; exit 1 when there are problems.

use std::collections::HashMap;
use std::io::Write;

use super::{stdout, Ctx};
use crate::db::Access;
use crate::error::{Error, Result};
use crate::output::{Cell, Format, RowWriter};

pub fn run(ctx: &Ctx) -> Result<()> {
    let store = ctx.open(Access::Read)?;
    let mut problems: Vec<String> = store.integrity_problems()?;
    for (a, b) in store.near_duplicate_pairs()? {
        problems.push(format!(
            "near-duplicate names: {} ('{}') and {} ('{}')",
            a.key, a.matched, b.key, b.matched
        ));
    }
    problems.extend(crate::validate::lookalike_problems(&store)?);
    for (r, why) in store.date_order_problems()? {
        problems.push(format!("{r}: {why}"));
    }
    for (r, renews) in store.dangling_renewals()? {
        problems.push(format!("{r}: renews {renews}, which does not exist"));
    }
    let links: HashMap<String, String> = store
        .renewal_links()?
        .into_iter()
        .map(|(a, b)| (a.to_ascii_uppercase(), b.to_ascii_uppercase()))
        .collect();
    let mut looped: Vec<String> = Vec::new();
    for start in links.keys() {
        let mut seen = vec![start.clone()];
        let mut cur = start;
        while let Some(next) = links.get(cur) {
            if seen.contains(next) {
                if next == start {
                    looped.push(start.clone());
                }
                break;
            }
            seen.push(next.clone());
            cur = next;
        }
    }
    looped.sort();
    for r in looped {
        problems.push(format!("{r}: its renewal chain loops back to itself"));
    }
    let info: Vec<String> = store
        .partners_without_agreements()?
        .into_iter()
        .map(|(key, name)| format!("partner {key} ({name}) has no agreements"))
        .collect();
    let findings = problems
        .iter()
        .map(|p| ("problem", p))
        .chain(info.iter().map(|i| ("info", i)));
    let mut out = stdout();
    match ctx.format() {
        // The default: one `level: message` line each, for people and grep.
        Format::Table => {
            for (level, message) in findings {
                writeln!(out, "{level}: {}", crate::text::visible(message))?;
            }
            out.flush()?;
        }
        format => {
            let mut w = RowWriter::new(&mut out, format, false, &["level", "message"], None)?;
            for (level, message) in findings {
                w.row(vec![Cell::text(level), Cell::text(message.as_str())])?;
            }
            w.finish()?;
        }
    }
    if problems.is_empty() {
        crate::note!("check passed: no problems");
        Ok(())
    } else {
        Err(Error::no(format!(
            "check found {} problem(s)",
            problems.len()
        )))
    }
}
