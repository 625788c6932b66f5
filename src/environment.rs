//! The environment, read once at start and checked: every knob mou takes from it. Nothing
//! else in the crate reads an environment variable (but `dates::today`, for the word `today`
//! in a flag, which clap parses before the context exists, with the same rule for MOU_TODAY).
//! A bad value is an error naming the variable, its value and the fix (exit 2).

use std::ffi::OsString;
use std::path::PathBuf;
use std::time::Duration;

use crate::dates::{parse_stored, Date};
use crate::error::{Error, Result};
use crate::store::{Options, DEFAULT_BUSY_TIMEOUT_MS};

/// The longest wait for another writer `MOU_BUSY_TIMEOUT_MS` may ask for: one hour.
pub const MAX_BUSY_TIMEOUT_MS: u64 = 3_600_000;

/// The largest `MOU_MAX_PAGE_COUNT`: SQLite's own limit on a file's pages.
pub const MAX_PAGE_COUNT: u64 = 4_294_967_294;

/// The knobs, checked.
#[derive(Debug, Clone, Default)]
pub struct Environment {
    /// `MOU_DB`: the registry named explicitly.
    pub db: Option<PathBuf>,
    /// `MOU_TODAY`: stands in for today's date.
    pub today: Option<Date>,
    /// `MOU_BUSY_TIMEOUT_MS`, `MOU_MAX_PAGE_COUNT` and `MOU_NOW`, for the store.
    pub store: Options,
    /// `XDG_DATA_HOME`, when absolute (the XDG spec says to ignore a relative one).
    pub data_home: Option<PathBuf>,
    /// `HOME`.
    pub home: Option<PathBuf>,
    /// `USER`: who makes a change, unless `--actor`.
    pub user: Option<String>,
    /// `COLUMNS`, when a whole number above 0: the width tables fit, terminal or not.
    /// Any other value is ignored (as the shell's own variable, it is not mou's to refuse).
    pub columns: Option<usize>,
    /// `NO_COLOR` set to anything but the empty string: no colour under `--color auto`.
    pub no_color: bool,
    /// `MOU_XLSX_SHEET_ROWS`: data rows per sheet of a workbook before they go on in another
    /// (for tests: Excel's limit, 1,048,575, is too many to test with).
    pub xlsx_sheet_rows: Option<u32>,
    /// `PGUSER`, `PGPASSWORD` and the contents of `PGPASSFILE` (else `~/.pgpass`): what a
    /// `postgres://` URL does not say.
    pub pg: crate::store::PgCredentials,
}

/// `MOU_TEST_PG`: the PostgreSQL server the store's tests use, when set.
#[cfg(test)]
pub fn test_pg_url() -> Option<String> {
    std::env::var("MOU_TEST_PG").ok().filter(|u| !u.is_empty())
}

impl Environment {
    /// Reads the process's environment.
    pub fn read() -> Result<Environment> {
        Environment::from_lookup(|k| std::env::var_os(k))
    }

    /// Reads the knobs through `get` (the process's environment, or a test's).
    pub fn from_lookup(get: impl Fn(&str) -> Option<OsString>) -> Result<Environment> {
        // An empty value (or only spaces) counts as unset, as it always has.
        let var = |k: &str| get(k).filter(|v| !v.to_string_lossy().trim().is_empty());
        let text = |k: &str| var(k).map(|v| utf8(k, v)).transpose();
        let pg = crate::store::PgCredentials {
            user: text("PGUSER")?.or(text("USER")?),
            password: text("PGPASSWORD")?,
            pgpass: var("PGPASSFILE")
                .map(PathBuf::from)
                .or_else(|| var("HOME").map(|h| PathBuf::from(h).join(".pgpass")))
                .and_then(|f| std::fs::read_to_string(f).ok()),
        };
        Ok(Environment {
            db: var("MOU_DB").map(PathBuf::from),
            today: text("MOU_TODAY")?.map(|v| today(&v)).transpose()?,
            store: Options {
                busy_timeout: Duration::from_millis(
                    text("MOU_BUSY_TIMEOUT_MS")?
                        .map(|v| whole("MOU_BUSY_TIMEOUT_MS", &v, 0, MAX_BUSY_TIMEOUT_MS))
                        .transpose()?
                        .unwrap_or(DEFAULT_BUSY_TIMEOUT_MS),
                ),
                max_page_count: text("MOU_MAX_PAGE_COUNT")?
                    .map(|v| whole("MOU_MAX_PAGE_COUNT", &v, 1, MAX_PAGE_COUNT))
                    .transpose()?,
                now: text("MOU_NOW")?.map(|v| now(&v)).transpose()?,
                pg: pg.clone(),
            },
            data_home: var("XDG_DATA_HOME")
                .map(PathBuf::from)
                .filter(|p| p.is_absolute()),
            home: var("HOME").map(PathBuf::from),
            user: text("USER")?,
            columns: var("COLUMNS")
                .and_then(|v| v.to_str()?.trim().parse::<usize>().ok())
                .filter(|n| *n > 0),
            no_color: get("NO_COLOR").is_some_and(|v| !v.is_empty()),
            xlsx_sheet_rows: text("MOU_XLSX_SHEET_ROWS")?
                .map(|v| {
                    let max = u64::from(crate::output::xlsx::MAX_SHEET_ROWS);
                    whole("MOU_XLSX_SHEET_ROWS", &v, 1, max).map(|n| n as u32)
                })
                .transpose()?,
            pg,
        })
    }
}

fn utf8(var: &str, v: OsString) -> Result<String> {
    v.into_string().map_err(|v| {
        Error::field(
            var,
            &v.to_string_lossy(),
            format!("{var} is not UTF-8; set it to UTF-8 text or unset it"),
        )
    })
}

fn today(v: &str) -> Result<Date> {
    parse_stored(v).map_err(|e| {
        Error::field(
            "MOU_TODAY",
            v,
            format!("{e}; unset it or give YYYY-MM-DD, e.g. MOU_TODAY=2026-03-15"),
        )
    })
}

/// A whole number from `min` to `max`, digits only (no sign, exponent or fraction).
fn whole(var: &str, v: &str, min: u64, max: u64) -> Result<u64> {
    let t = v.trim();
    let n = (!t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()))
        .then(|| t.parse::<u64>().ok())
        .flatten()
        .filter(|n| (min..=max).contains(n));
    n.ok_or_else(|| {
        Error::field(
            var,
            v,
            format!("expected a whole number from {min} to {max}; unset {var} for the default"),
        )
    })
}

/// An RFC 3339 time, kept in UTC to the second as mou writes times.
fn now(v: &str) -> Result<String> {
    chrono::DateTime::parse_from_rfc3339(v.trim())
        .map(|t| {
            t.with_timezone(&chrono::Utc)
                .format("%Y-%m-%dT%H:%M:%SZ")
                .to_string()
        })
        .map_err(|e| {
            Error::field(
                "MOU_NOW",
                v,
                format!(
                    "not an RFC 3339 time ({e}); give one such as 2026-11-29T10:00:00Z, or unset it"
                ),
            )
        })
}

/// The default registry: `$XDG_DATA_HOME/mou/registry.db` (an absolute one), else
/// `~/.local/share/mou/registry.db`.
pub fn default_db_path(env: &Environment) -> Result<PathBuf> {
    if let Some(d) = &env.data_home {
        return Ok(d.join("mou").join("registry.db"));
    }
    match &env.home {
        Some(h) if h.is_absolute() => Ok(h.join(".local/share/mou/registry.db")),
        Some(h) => Err(Error::field(
            "HOME",
            &h.display().to_string(),
            "HOME is not an absolute path; set it to your home directory, or give --db PATH",
        )),
        None => Err(Error::input(
            "no registry path: give --db PATH or set MOU_DB",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> Result<Environment> {
        let pairs: Vec<(String, String)> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Environment::from_lookup(|k| {
            pairs
                .iter()
                .find(|(n, _)| n == k)
                .map(|(_, v)| OsString::from(v))
        })
    }

    #[test]
    fn busy_timeout_is_whole_milliseconds_up_to_the_maximum() {
        let ms = |v: &str| env(&[("MOU_BUSY_TIMEOUT_MS", v)]).map(|e| e.store.busy_timeout);
        assert_eq!(ms("250").unwrap(), Duration::from_millis(250));
        assert_eq!(ms("0").unwrap(), Duration::ZERO);
        assert_eq!(
            ms("").unwrap(),
            Duration::from_millis(DEFAULT_BUSY_TIMEOUT_MS)
        );
        assert!(ms(&MAX_BUSY_TIMEOUT_MS.to_string()).is_ok());
        for bad in [
            "3600001",
            "2147483648",
            "abc",
            "-5",
            "+5",
            "1e3",
            "3.5",
            "1_000",
        ] {
            let e = ms(bad).unwrap_err();
            assert!(e.message.contains("MOU_BUSY_TIMEOUT_MS"), "{}", e.message);
            assert!(e.message.contains(bad), "{}", e.message);
        }
    }

    #[test]
    fn now_is_rfc3339_kept_in_utc() {
        let now = |v: &str| env(&[("MOU_NOW", v)]).map(|e| e.store.now);
        assert_eq!(
            now("2026-11-29T12:30:00+02:00").unwrap().as_deref(),
            Some("2026-11-29T10:30:00Z")
        );
        assert!(now("garbage").unwrap_err().message.contains("MOU_NOW"));
        assert!(now("2026-11-29").is_err());
    }

    #[test]
    fn a_relative_xdg_data_home_is_ignored() {
        let e = env(&[("XDG_DATA_HOME", "rel/data"), ("HOME", "/home/x")]).unwrap();
        assert_eq!(e.data_home, None);
        let e = env(&[("XDG_DATA_HOME", "/data")]).unwrap();
        assert_eq!(e.data_home, Some(PathBuf::from("/data")));
    }

    #[test]
    fn columns_is_a_width_or_ignored_and_any_no_color_counts() {
        assert_eq!(env(&[("COLUMNS", "60")]).unwrap().columns, Some(60));
        for ignored in ["0", "wide", "-5", ""] {
            assert_eq!(env(&[("COLUMNS", ignored)]).unwrap().columns, None);
        }
        assert!(env(&[("NO_COLOR", "1")]).unwrap().no_color);
        assert!(env(&[("NO_COLOR", " ")]).unwrap().no_color);
        assert!(!env(&[("NO_COLOR", "")]).unwrap().no_color);
        assert!(!env(&[]).unwrap().no_color);
    }

    #[test]
    fn page_count_and_today_are_checked() {
        assert!(env(&[("MOU_MAX_PAGE_COUNT", "0")]).is_err());
        assert_eq!(
            env(&[("MOU_MAX_PAGE_COUNT", "40")])
                .unwrap()
                .store
                .max_page_count,
            Some(40)
        );
        let e = env(&[("MOU_TODAY", "soon")]).unwrap_err();
        assert!(e.message.contains("MOU_TODAY") && e.message.contains("soon"));
    }
}
