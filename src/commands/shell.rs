//! `mou completions SHELL` and `mou man`, generated from the clap definitions.

use std::io::Write;
use std::path::Path;

use super::stdout;
use crate::cli::{command, CompletionsArgs, ManArgs};
use crate::error::{Error, Result};

/// The environment variable through which the shell asks mou for candidates.
pub const COMPLETE_VAR: &str = "MOU_COMPLETE";

/// Answers a completion request (`MOU_COMPLETE=SHELL mou -- mou ...`, made by the script of
/// `mou completions SHELL`) with the exit code to end with; `None` on an ordinary run.
pub fn answer_completion_request() -> Option<i32> {
    let cwd = std::env::current_dir().ok();
    let answered = clap_complete::CompleteEnv::with_factory(command)
        .var(COMPLETE_VAR)
        .try_complete(std::env::args_os(), cwd.as_deref());
    match answered {
        Ok(false) => None,
        Ok(true) => Some(0),
        Err(e) => {
            eprint!("{}", crate::cli::render_error(&e));
            Some(2)
        }
    }
}

/// The registration script: it calls `mou` back while completing, so values, partner keys
/// and refs come from the registry of the moment.
pub fn completions(a: &CompletionsArgs) -> Result<()> {
    let name = a.shell.to_string();
    let shells = clap_complete::env::Shells::builtins();
    let shell = shells.completer(&name).ok_or_else(|| {
        Error::field(
            "shell",
            &name,
            "expected bash, elvish, fish, powershell or zsh",
        )
    })?;
    // Written into memory first, so a closed pipe is an ordinary write error.
    let mut script = Vec::new();
    shell.write_registration(COMPLETE_VAR, "mou", "mou", "mou", &mut script)?;
    let mut out = stdout();
    out.write_all(&script)?;
    out.flush()?;
    Ok(())
}

/// `mou man`: the page of mou on stdout; `mou man --dir DIR`: mou.1 and one page per command.
pub fn man(a: &ManArgs) -> Result<()> {
    let mut cmd = command().disable_help_subcommand(true);
    cmd.build();
    match &a.dir {
        None => {
            let mut out = stdout();
            write_page(&cmd, "", &mut out)?;
            out.flush()?;
        }
        Some(dir) => {
            std::fs::create_dir_all(dir).map_err(|e| {
                Error::input(format!("cannot create man folder '{}': {e}", dir.display()))
            })?;
            write_pages(&cmd, "", dir)?
        }
    }
    Ok(())
}

fn write_pages(cmd: &clap::Command, path: &str, dir: &Path) -> Result<()> {
    let file = dir.join(format!("{}.1", page_name(path)));
    let mut page = Vec::new();
    write_page(cmd, path, &mut page)?;
    std::fs::write(&file, page)
        .map_err(|e| Error::input(format!("cannot write man page '{}': {e}", file.display())))?;
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        let sub_path = format!("{path} {}", sub.get_name());
        write_pages(sub, sub_path.trim(), dir)?;
    }
    Ok(())
}

fn page_name(path: &str) -> String {
    std::iter::once("mou")
        .chain(path.split_whitespace())
        .collect::<Vec<_>>()
        .join("-")
}

/// One page: clap_mangen's sections, with ENVIRONMENT and EXAMPLES before VERSION.
fn write_page(cmd: &clap::Command, path: &str, w: &mut dyn Write) -> Result<()> {
    let mut page = Vec::new();
    clap_mangen::Man::new(cmd.clone()).render(&mut page)?;
    let page = String::from_utf8_lossy(&page);
    let extra = format!("{}{}", environment_section(), examples_section(path));
    let at = page.find(".SH VERSION").unwrap_or(page.len());
    w.write_all(page[..at].as_bytes())?;
    w.write_all(extra.as_bytes())?;
    w.write_all(page[at..].as_bytes())?;
    Ok(())
}

/// Every environment variable mou reads.
const ENVIRONMENT: &[(&str, &str)] = &[
    ("MOU_DB", "The registry file when --db is not given."),
    (
        "XDG_DATA_HOME",
        "Without --db and MOU_DB the registry is $XDG_DATA_HOME/mou/registry.db, else ~/.local/share/mou/registry.db.",
    ),
    (
        "MOU_TODAY",
        "A date (YYYY-MM-DD) that stands in for today, for reproducible scripts and tests.",
    ),
    (
        "MOU_NOW",
        "An RFC 3339 time that stands in for the clock in timestamps and history, for tests.",
    ),
    (
        "MOU_BUSY_TIMEOUT_MS",
        "How long a command waits for another writer, in milliseconds (default 5000).",
    ),
    (
        "MOU_MAX_PAGE_COUNT",
        "Caps the registry file at this many SQLite pages, to test a full disk.",
    ),
    ("USER", "Who makes a change, for history, when --actor is not given."),
    ("NO_COLOR", "When set and not empty, tables are printed without colour."),
    (
        COMPLETE_VAR,
        "Set by the script of `mou completions SHELL` to ask mou for completions.",
    ),
];

/// What people run, one line each, with what it does; each page shows those of its command.
const EXAMPLES: &[(&str, &str)] = &[
    ("mou init", "Create the registry."),
    ("mou demo", "Load the sample registry into a throwaway registry and show it."),
    (
        "mou add partner \"Danube Interfaith Council\" --category religious --country AT --alias DIC",
        "Record a partner; its key is derived from the name.",
    ),
    (
        "mou add agreement --kind loi --partner unicef",
        "Record a letter of intent without a signing date: a draft.",
    ),
    (
        "mou add mou --partner unicef,dic --signed 2016-05-01 --term 3y --sdg 16,17 --tag advocacy",
        "Record an MoU with two parties; it prints the new ref.",
    ),
    (
        "mou list agreements --status active --kind mou --format json",
        "The active MoUs as JSON.",
    ),
    (
        "mou list agreements --partner '\"Foo, Inc\",unicef'",
        "The agreements of either partner; a name holding a comma is quoted.",
    ),
    ("mou show unicef", "A partner with its agreements."),
    ("mou edit partner unicef --add-alias UNICEF", "Add an alias."),
    (
        "mou edit agreement MOU-2019-001 --add-sdg 4 --expires 2023-04-30",
        "Change fields of an agreement.",
    ),
    (
        "mou renew MOU-2016-001 --term 3y --signed 2019-04-15",
        "Record the renewal of an agreement.",
    ),
    (
        "mou terminate MOU-2021-001 --on 2026-06-30 --reason \"programme closed\"",
        "End an agreement early.",
    ),
    (
        "mou remove partner dic --cascade",
        "Remove a partner and the agreements it is the only party to.",
    ),
    ("mou remove agreement MOU-2021-001", "Remove an agreement; history keeps it."),
    (
        "mou query 'category:religious,academic status:active -country:AT expires<2027-01-01'",
        "Agreements matching a query expression.",
    ),
    (
        "mou export agreements --signed-in 2026Q3 -o q3.csv --excel",
        "The agreements signed in a quarter, for a spreadsheet.",
    ),
    (
        "mou import agreements spreadsheet.csv --dry-run",
        "Check a spreadsheet and say what importing it would do.",
    ),
    ("mou report", "Headline counts and the milestone sentence."),
    ("mou report summary --lang ar", "The summary with the Arabic sentence only."),
    (
        "mou report quarterly last-quarter --format markdown",
        "Last quarter's report as markdown.",
    ),
    ("mou report by category --status active", "Active agreements per category."),
    (
        "mou report count --kind mou --status active --more-than 12",
        "Exit 0 when more than twelve MoUs are active, else 1.",
    ),
    (
        "mou due --within 90d --exit-code",
        "For cron: what is due within 90 days; exit 1 when anything is.",
    ),
    ("mou history MOU-2016-001", "The audit trail of one agreement."),
    ("mou backup ~/registry-copy.db", "A consistent copy while others use the registry."),
    ("mou check", "Integrity and data checks."),
    (
        "source <(mou completions bash)",
        "Complete commands, flags, values, partner keys and refs in bash.",
    ),
    (
        "mou man --dir ~/.local/share/man/man1",
        "Write these pages, one per command.",
    ),
];

fn environment_section() -> String {
    let mut s = String::from(".SH ENVIRONMENT\n");
    for (var, what) in ENVIRONMENT {
        s.push_str(&format!(".TP\n\\fB{var}\\fR\n{}\n", roff_text(what)));
    }
    s
}

fn examples_section(path: &str) -> String {
    let prefix = format!("mou {path}").trim().to_string();
    let mine: Vec<&(&str, &str)> = EXAMPLES
        .iter()
        .filter(|(ex, _)| path.is_empty() || ex.starts_with(&format!("{prefix} ")) || *ex == prefix)
        .collect();
    let mut s = String::from(".SH EXAMPLES\n");
    let shown: Vec<&(&str, &str)> = if mine.is_empty() {
        EXAMPLES
            .iter()
            .filter(|(ex, _)| ex.contains(path))
            .collect()
    } else {
        mine
    };
    for (ex, what) in shown {
        s.push_str(&format!(
            ".PP\n{}\n.PP\n.RS\n.nf\n{}\n.fi\n.RE\n",
            roff_text(what),
            roff_text(ex)
        ));
    }
    s
}

/// Text made safe for roff: backslashes and hyphens escaped, no line starting with a control
/// character.
fn roff_text(s: &str) -> String {
    let t = s.replace('\\', "\\e").replace('-', "\\-");
    if t.starts_with('.') || t.starts_with('\'') {
        format!("\\&{t}")
    } else {
        t
    }
}
