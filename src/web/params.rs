//! Query strings. Filters are named as the command line's flags and read by the command line's
//! own parser (`mou list agreements --status=active ...`), so a value means the same here and
//! there, and a bad one is refused in the same words. Only the filter flags are passed on:
//! never `--db` or any other option of the command.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::StatusCode;

use super::Failure;
use crate::cli::Cli;

pub use crate::milestone::Lang;

/// The flags of the shared filters, as query parameters.
pub const FILTERS: &[&str] = &[
    "category",
    "country",
    "kind",
    "status",
    "sdg",
    "tag",
    "partner",
    "signed-in",
    "expires-in",
    "active-on",
    "search",
    "as-of",
];

/// Parameters of the web view itself, never passed to the parser.
const OWN: &[&str] = &["lang", "after", "token"];

/// A request's query string: its pairs in order, and the page's language.
#[derive(Debug, Clone)]
pub struct Query {
    pub pairs: Vec<(String, String)>,
    pub lang: Lang,
}

impl<S: Send + Sync> FromRequestParts<S> for Query {
    type Rejection = Failure;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Query, Failure> {
        let pairs = axum::extract::Query::<Vec<(String, String)>>::try_from_uri(&parts.uri)
            .map(|q| q.0)
            .map_err(|_| {
                Failure::status(
                    StatusCode::BAD_REQUEST,
                    Lang::En,
                    "mou: the query string is not name=value pairs joined by &",
                )
            })?;
        let lang = match pairs.iter().rev().find(|(k, _)| k == "lang") {
            None => Lang::En,
            Some((_, v)) if v == "en" || v.is_empty() => Lang::En,
            Some((_, v)) if v == "ar" => Lang::Ar,
            Some((_, v)) => {
                return Err(Failure::status(
                    StatusCode::BAD_REQUEST,
                    Lang::En,
                    format!(
                        "mou: invalid lang '{}': give en or ar",
                        crate::text::visible(v)
                    ),
                ))
            }
        };
        Ok(Query { pairs, lang })
    }
}

impl Query {
    /// The last value of `name`, if given and not empty.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.pairs
            .iter()
            .rev()
            .find(|(k, v)| k == name && !v.is_empty())
            .map(|(_, v)| v.as_str())
    }

    /// The command line `mou WORDS --name=value ...` of this query's parameters (each of
    /// `allowed`; empty values, as an empty search box sends, are left out), parsed by the
    /// command line's parser. A parameter that is not one of them is refused, naming them.
    pub fn parse_as(&self, words: &[&str], allowed: &[&str]) -> Result<Cli, Failure> {
        let mut argv: Vec<String> = vec!["mou".into()];
        argv.extend(words.iter().map(|w| w.to_string()));
        for (k, v) in &self.pairs {
            if OWN.contains(&k.as_str()) || v.is_empty() {
                continue;
            }
            if !allowed.contains(&k.as_str()) {
                return Err(self.bad(format!(
                    "mou: unknown parameter '{}'\n  hint: this page takes {}",
                    crate::text::visible(k),
                    allowed.join(", ")
                )));
            }
            argv.push(format!("--{k}={v}"));
        }
        crate::cli::parse_from(argv).map_err(|e| {
            let text = crate::cli::render_error(&e);
            // The usage line names the command behind the page; the message and hints stay.
            let kept: Vec<&str> = text
                .lines()
                .filter(|l| !l.trim_start().starts_with("usage:"))
                .collect();
            self.bad(kept.join("\n"))
        })
    }

    /// A 400 page in this query's language.
    pub fn bad(&self, message: impl Into<String>) -> Failure {
        Failure::status(StatusCode::BAD_REQUEST, self.lang, message)
    }

    /// This query with `name` set to `value` (or taken out for `None`), as `?a=b&c=d`.
    pub fn with(&self, name: &str, value: Option<&str>) -> String {
        let mut pairs: Vec<(&str, &str)> = self
            .pairs
            .iter()
            .filter(|(k, v)| k != name && k != "token" && !v.is_empty())
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        if let Some(v) = value {
            pairs.push((name, v));
        }
        query_string(&pairs)
    }
}

/// `?a=b&c=d` of `pairs`, percent-encoded (empty for none).
pub fn query_string(pairs: &[(&str, &str)]) -> String {
    if pairs.is_empty() {
        return String::new();
    }
    let parts: Vec<String> = pairs
        .iter()
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect();
    format!("?{}", parts.join("&"))
}

/// Percent-encodes everything but unreserved characters (RFC 3986), for a query or a path
/// segment.
pub fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}
