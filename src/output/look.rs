//! How tables look: width, box drawing and colour, decided once at start.

/// How tables look: set once at start for stdout ([`set_look`]); a file gets [`Look::PLAIN`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Look {
    /// The width a table must fit, in terminal cells; `None`: no limit, nothing wraps.
    pub width: Option<usize>,
    /// Box drawing around the table (a terminal); else plain aligned columns.
    pub boxed: bool,
    /// Colour codes around the cells that mean something (status, days left).
    pub color: bool,
}

/// The width of the terminal on stdout. terminal_size gives none when the terminal's height is
/// unknown (0, as under `script` after `stty cols 80`), so its width is then read directly.
fn terminal_width() -> Option<usize> {
    if let Some((terminal_size::Width(w), _)) = terminal_size::terminal_size() {
        return Some(usize::from(w));
    }
    #[cfg(unix)]
    {
        let size = rustix::termios::tcgetwinsize(std::io::stdout()).ok()?;
        (size.ws_col > 0).then_some(usize::from(size.ws_col))
    }
    #[cfg(not(unix))]
    None
}

impl Look {
    /// Plain aligned columns, no colour, no width limit: what pipes and files get.
    pub const PLAIN: Look = Look {
        width: None,
        boxed: false,
        color: false,
    };
}

/// `--color`: when tables are coloured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum ColorChoice {
    // When stdout is a terminal and `NO_COLOR` is not set.
    #[default]
    Auto,
    Always,
    Never,
}

impl Look {
    /// The look of tables on stdout: see [`Look::decide`].
    pub fn for_stdout(columns: Option<usize>, color: ColorChoice, no_color: bool) -> Look {
        use std::io::IsTerminal;
        let terminal = std::io::stdout().is_terminal().then(terminal_width);
        Look::decide(terminal, columns, color, no_color)
    }

    /// The look for an output that is a terminal (`Some`, with its width if known) or not:
    /// boxed on a terminal; as wide as `columns` (`COLUMNS`), else the terminal, else no
    /// limit; coloured as `color` says (`auto`: on a terminal, unless `no_color`).
    fn decide(
        terminal: Option<Option<usize>>,
        columns: Option<usize>,
        color: ColorChoice,
        no_color: bool,
    ) -> Look {
        Look {
            width: columns.or(terminal.flatten()),
            boxed: terminal.is_some(),
            color: match color {
                ColorChoice::Always => true,
                ColorChoice::Never => false,
                ColorChoice::Auto => terminal.is_some() && !no_color,
            },
        }
    }
}

static LOOK: std::sync::RwLock<Look> = std::sync::RwLock::new(Look::PLAIN);

/// Sets how the tables written from now on look.
pub fn set_look(look: Look) {
    if let Ok(mut l) = LOOK.write() {
        *l = look;
    }
}

pub(super) fn look() -> Look {
    LOOK.read().map_or(Look::PLAIN, |l| *l)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colour_and_width_follow_the_terminal_the_flag_and_no_color() {
        use ColorChoice::*;
        let tty = Some(Some(100));
        assert_eq!(
            Look::decide(tty, None, Auto, false),
            Look {
                width: Some(100),
                boxed: true,
                color: true
            }
        );
        assert!(!Look::decide(tty, None, Auto, true).color, "NO_COLOR");
        assert!(
            Look::decide(tty, None, Always, true).color,
            "--color always wins"
        );
        assert!(!Look::decide(tty, None, Never, false).color);
        assert_eq!(Look::decide(None, None, Auto, false), Look::PLAIN, "a pipe");
        assert!(Look::decide(None, None, Always, false).color);
        assert_eq!(Look::decide(None, Some(60), Auto, false).width, Some(60));
        assert_eq!(
            Look::decide(tty, Some(60), Auto, false).width,
            Some(60),
            "COLUMNS wins"
        );
    }
}
