//! Where a PostgreSQL registry is: a `postgres://` or `postgresql://` URL, its password from
//! the URL, `PGPASSWORD` or `~/.pgpass`, and the connection (TLS through rustls when the URL
//! asks for it with `sslmode`). The password is never shown: the location displays as the URL
//! without it.

use postgres::config::{Host, SslMode};
use postgres::{Client, Config};
use std::fmt;

use crate::error::{Error, Result, StoreKind};
use crate::store::Options;

#[derive(Clone)]
pub struct PgLocation {
    config: Config,
    /// The URL as shown: no password.
    shown: String,
}

impl PartialEq for PgLocation {
    fn eq(&self, other: &Self) -> bool {
        self.shown == other.shown
    }
}

impl Eq for PgLocation {}

impl fmt::Debug for PgLocation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PgLocation({})", self.shown)
    }
}

impl fmt::Display for PgLocation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.shown)
    }
}

/// Whether `text` names a PostgreSQL registry rather than a file.
pub fn is_url(text: &str) -> bool {
    text.starts_with("postgres://") || text.starts_with("postgresql://")
}

impl PgLocation {
    /// Parses a URL; `pgpassword` and `pgpass` (the contents of `~/.pgpass`) supply a
    /// password the URL does not hold, and `user` the role when the URL names none.
    pub fn parse(
        url: &str,
        user: Option<&str>,
        pgpassword: Option<&str>,
        pgpass: Option<&str>,
    ) -> Result<PgLocation> {
        let mut config: Config = url.parse().map_err(|e: postgres::Error| {
            let why = e.to_string();
            // The parser's message never holds the password, but a URL may: name only why.
            Error::field(
                "--db",
                &shown_url(url),
                format!(
                    "it is not a PostgreSQL URL ({why}); write postgres://USER@HOST:PORT/DATABASE"
                ),
            )
        })?;
        if config.get_hosts().is_empty() {
            config.host("localhost");
        }
        if config.get_user().is_none() {
            if let Some(u) = user {
                config.user(u);
            }
        }
        if config.get_dbname().is_none() {
            let db = config.get_user().unwrap_or("postgres").to_string();
            config.dbname(&db);
        }
        let mut loc = PgLocation {
            shown: String::new(),
            config,
        };
        if loc.config.get_password().is_none() {
            let found = pgpassword
                .filter(|p| !p.is_empty())
                .map(str::to_string)
                .or_else(|| pgpass.and_then(|f| loc.password_in_pgpass(f)));
            if let Some(p) = found {
                loc.config.password(p);
            }
        }
        loc.shown = format!(
            "postgres://{}@{}:{}/{}",
            loc.user(),
            loc.host(),
            loc.port(),
            loc.dbname()
        );
        Ok(loc)
    }

    pub fn host(&self) -> String {
        match self.config.get_hosts().first() {
            Some(Host::Tcp(h)) => h.clone(),
            Some(Host::Unix(p)) => p.display().to_string(),
            None => "localhost".into(),
        }
    }

    pub fn port(&self) -> u16 {
        self.config.get_ports().first().copied().unwrap_or(5432)
    }

    pub fn dbname(&self) -> &str {
        self.config.get_dbname().unwrap_or("postgres")
    }

    pub fn user(&self) -> &str {
        self.config.get_user().unwrap_or("")
    }

    /// The password of the first `~/.pgpass` line that matches host, port, database and
    /// user (`*` matches anything; `\:` and `\\` escape).
    fn password_in_pgpass(&self, file: &str) -> Option<String> {
        let want = [
            self.host(),
            self.port().to_string(),
            self.dbname().to_string(),
            self.user().to_string(),
        ];
        for line in file.lines() {
            if line.starts_with('#') || line.trim().is_empty() {
                continue;
            }
            let fields = pgpass_fields(line);
            if fields.len() != 5 {
                continue;
            }
            let matches = fields[..4]
                .iter()
                .zip(&want)
                .all(|(f, w)| f == "*" || f == w || (f == "localhost" && w == "127.0.0.1"));
            if matches {
                return Some(fields[4].clone());
            }
        }
        None
    }

    /// A new session; a server that cannot be reached is exit 3 naming host, port and
    /// database, never the password.
    pub fn connect(&self, options: &Options) -> Result<Client> {
        let mut config = self.config.clone();
        config.connect_timeout(options.busy_timeout.max(std::time::Duration::from_secs(1)));
        config.application_name("mou");
        let result = if config.get_ssl_mode() == SslMode::Disable {
            config.connect(postgres::NoTls)
        } else {
            config.connect(tls()?)
        };
        result.map_err(|e| self.connect_error(e))
    }

    fn connect_error(&self, e: postgres::Error) -> Error {
        let at = format!(
            "host {}, port {}, database {}",
            self.host(),
            self.port(),
            self.dbname()
        );
        if let Some(db) = e.as_db_error() {
            let code = db.code().code();
            let (why, hint) = match code {
                "28P01" | "28000" => (
                    format!(
                        "the PostgreSQL server refused the login of role '{}' ({})",
                        self.user(),
                        db.message()
                    ),
                    "check the user and password (in the URL, PGPASSWORD or ~/.pgpass)",
                ),
                "3D000" => (
                    format!("there is no database '{}' on the server", self.dbname()),
                    "create it (createdb), or name another database in the URL",
                ),
                _ => (
                    format!(
                        "the PostgreSQL server refused the connection ({})",
                        db.message()
                    ),
                    "check the URL given by --db or MOU_DB",
                ),
            };
            return Error::store(StoreKind::CannotOpen, format!("{why}: {at}")).with_hint(hint);
        }
        let why = std::error::Error::source(&e)
            .map(|s| s.to_string())
            .unwrap_or_else(|| e.to_string());
        Error::store(
            StoreKind::CannotOpen,
            format!("cannot reach the PostgreSQL server at {at} ({why})"),
        )
        .with_hint("check that the server is running and that host and port are right")
    }
}

/// The URL with any password taken out, for a message about a URL that did not parse.
fn shown_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let auth = &url[s + 3..at];
            let user = auth.split(':').next().unwrap_or("");
            format!("{}{user}{}", &url[..s + 3], &url[at..])
        }
        _ => url.to_string(),
    }
}

fn pgpass_fields(line: &str) -> Vec<String> {
    let mut fields = Vec::new();
    let mut field = String::new();
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => field.extend(chars.next()),
            ':' => fields.push(std::mem::take(&mut field)),
            c => field.push(c),
        }
    }
    fields.push(field);
    fields
}

/// TLS through rustls, trusting the Mozilla roots that webpki-roots carries.
fn tls() -> Result<tokio_postgres_rustls::MakeRustlsConnect> {
    let mut roots = rustls::RootCertStore::empty();
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    let config = rustls::ClientConfig::builder_with_provider(std::sync::Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .map_err(|e| Error::registry(format!("TLS cannot be set up: {e}")))?
    .with_root_certificates(roots)
    .with_no_client_auth();
    Ok(tokio_postgres_rustls::MakeRustlsConnect::new(config))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_url_shows_without_its_password() {
        let l = PgLocation::parse(
            "postgres://ann:s3cret@db.example:5433/reg",
            None,
            None,
            None,
        )
        .unwrap();
        assert_eq!(l.to_string(), "postgres://ann@db.example:5433/reg");
        assert_eq!(shown_url("postgres://ann:s3cret@h/x"), "postgres://ann@h/x");
    }

    #[test]
    fn pgpass_gives_the_password_of_the_matching_line() {
        let pass = "# comment\nother:5432:*:*:no\ndb.example:*:reg:ann:pa\\:ss\n";
        let l = PgLocation::parse("postgres://ann@db.example/reg", None, None, Some(pass)).unwrap();
        assert_eq!(l.config.get_password(), Some(&b"pa:ss"[..]));
        let l = PgLocation::parse(
            "postgres://ann@db.example/reg",
            None,
            Some("env"),
            Some(pass),
        )
        .unwrap();
        assert_eq!(l.config.get_password(), Some(&b"env"[..]));
    }
}
