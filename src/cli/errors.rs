//! clap errors in mou's own shape.

use clap::error::ErrorKind;

use super::command;

/// A clap error in mou's own shape: `mou: message`, then indented `usage:` and `hint:` lines,
/// with no blank lines and no tip to pass a flag as a value (the flag is simply not taken).
/// A flag that other commands take is named with them, instead of clap's nearest spelling.
pub fn render_error(e: &clap::Error) -> String {
    let text = e.render().to_string();
    let elsewhere = taken_elsewhere(e);
    let mut out = String::new();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let line = line.trim_end();
        if line.contains("as a value, use '--") || line.starts_with("For more information") {
            continue;
        }
        if let Some(hint) = &elsewhere {
            if line.contains("a similar argument exists") {
                continue;
            }
            if let Some(usage) = line.strip_prefix("Usage: ") {
                out.push_str(&format!("  hint: {hint}\n"));
                let path: Vec<&str> = usage
                    .split_whitespace()
                    .take_while(|w| !w.starts_with(['[', '<', '-']))
                    .collect();
                out.push_str(&format!(
                    "  hint: `{} --help` lists its options\n",
                    path.join(" ")
                ));
                continue;
            }
        }
        let line = if let Some(m) = line.strip_prefix("error: ") {
            format!("mou: {m}")
        } else if let Some(u) = line.strip_prefix("Usage: ") {
            format!("  usage: {u}")
        } else if let Some(t) = line.trim_start().strip_prefix("tip: ") {
            format!("  hint: {t}")
        } else {
            format!("  {}", line.trim_start())
        };
        out.push_str(&line);
        out.push('\n');
    }
    if !out.starts_with("mou: ") {
        out.insert_str(0, "mou: ");
    }
    out
}

/// For an unknown flag that other commands take: which ones (`--kind is taken by mou add
/// agreement, mou edit agreement, ...`).
fn taken_elsewhere(e: &clap::Error) -> Option<String> {
    use clap::error::{ContextKind, ContextValue};
    if e.kind() != ErrorKind::UnknownArgument {
        return None;
    }
    let Some(ContextValue::String(arg)) = e.get(ContextKind::InvalidArg) else {
        return None;
    };
    let long = arg.strip_prefix("--")?.split('=').next()?;
    let mut paths = Vec::new();
    walk_paths(&command(), "mou", &mut |path, cmd| {
        if cmd.get_arguments().any(|a| a.get_long() == Some(long)) {
            paths.push(path.to_string());
        }
    });
    if paths.is_empty() {
        return None;
    }
    let shown = paths.len().min(6);
    let more = if paths.len() > shown { ", ..." } else { "" };
    Some(format!(
        "--{long} is taken by {}{more}",
        paths[..shown].join(", ")
    ))
}

fn walk_paths(cmd: &clap::Command, path: &str, f: &mut dyn FnMut(&str, &clap::Command)) {
    f(path, cmd);
    for sub in cmd.get_subcommands() {
        walk_paths(sub, &format!("{path} {}", sub.get_name()), f);
    }
}
