//! What every request passes before its page: the `Host` must be the bound name (a page of
//! another site that rebinds its DNS name to this address is refused); with `--token`, the
//! token (`Authorization: Bearer`, the cookie, or `?token=` once, which sets the cookie); no
//! write without `--allow-edit`; a write's `Origin`, when sent, must be this server. Every
//! answer carries the security headers. Forms check their CSRF token ([`check_csrf`]).

use std::io::Read;

use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

use super::{App, Failure, Lang};

const COOKIE: &str = "mou_token";

/// The content security policy of every answer: nothing from elsewhere, no script at all.
pub const CSP: &str = "default-src 'none'; style-src 'self'; img-src 'self' data:; \
     form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// 32 random bytes from the system, as hex.
pub fn new_secret() -> crate::error::Result<String> {
    let mut bytes = [0u8; 32];
    std::fs::File::open("/dev/urandom")?.read_exact(&mut bytes)?;
    Ok(hex(&bytes))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Compares in time that does not depend on where the two differ.
pub fn same(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// What the cookie holds for a token: a digest of it, so the token itself is not stored.
fn cookie_value(token: &str) -> String {
    hex(&Sha256::digest(
        format!("mou serve cookie\n{token}").as_bytes(),
    ))
}

/// Whether `host` (the `Host` header) names the address the server is bound to: its IP
/// literal with its port, and `localhost` for loopback. Bound to every address (0.0.0.0,
/// which needs a token), any name with the port is taken.
pub fn host_allowed(app: &App, host: &str) -> bool {
    let port = app.bind.port();
    let ip = app.bind.ip();
    let Some((name, p)) = host.rsplit_once(':') else {
        return false;
    };
    if p != port.to_string() {
        return false;
    }
    if ip.is_unspecified() {
        return !name.is_empty();
    }
    let literal = match ip {
        std::net::IpAddr::V4(v4) => v4.to_string(),
        std::net::IpAddr::V6(v6) => format!("[{v6}]"),
    };
    name.eq_ignore_ascii_case(&literal)
        || (ip.is_loopback() && name.eq_ignore_ascii_case("localhost"))
}

fn refuse(status: StatusCode, message: &str) -> Response {
    Failure::status(status, Lang::En, message).into_response()
}

pub async fn guard(State(app): State<App>, req: Request, next: Next) -> Response {
    let mut answer = check(&app, req, next).await;
    let headers = answer.headers_mut();
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    // `same-origin`, not `no-referrer`: under `no-referrer` a browser sends `Origin: null`
    // with the page's own form posts, which `check` refuses as another site (the browser test
    // found it); `same-origin` still sends nothing to another site.
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    answer
}

async fn check(app: &App, req: Request, next: Next) -> Response {
    let host = req
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("");
    if !host_allowed(app, host) {
        return refuse(
            StatusCode::MISDIRECTED_REQUEST,
            "mou: this server answers only to the name it was bound to; open it by that address",
        );
    }
    if let Some(token) = &app.token {
        if let Some(r) = token_check(token, &req) {
            return r;
        }
    }
    let write = !matches!(*req.method(), Method::GET | Method::HEAD);
    if write {
        if !app.allow_edit {
            let mut r = refuse(
                StatusCode::METHOD_NOT_ALLOWED,
                "mou: this server is read only; start it with `mou serve --allow-edit` to change records",
            );
            r.headers_mut()
                .insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
            return r;
        }
        let origin = req
            .headers()
            .get(header::ORIGIN)
            .and_then(|h| h.to_str().ok());
        if let Some(origin) = origin {
            let own = origin
                .strip_prefix("http://")
                .is_some_and(|h| host_allowed(app, h) && h.eq_ignore_ascii_case(host));
            if !own {
                return refuse(
                    StatusCode::FORBIDDEN,
                    "mou: a change must come from this server's own pages",
                );
            }
        }
    }
    next.run(req).await
}

/// `None` when the request carries the token; else the answer: a redirect that sets the
/// cookie (for a right `?token=`), or 401.
fn token_check(token: &str, req: &Request) -> Option<Response> {
    let bearer = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|h| h.to_str().ok())
        .and_then(|h| h.strip_prefix("Bearer "));
    if bearer.is_some_and(|b| same(b.trim(), token)) {
        return None;
    }
    let wanted = cookie_value(token);
    let cookie_ok = req
        .headers()
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|h| h.to_str().ok())
        .flat_map(|h| h.split(';'))
        .filter_map(|c| c.trim().split_once('='))
        .any(|(k, v)| k == COOKIE && same(v, &wanted));
    if cookie_ok {
        return None;
    }
    let pairs: Vec<(String, String)> = axum::extract::Query::try_from_uri(req.uri())
        .map(|q| q.0)
        .unwrap_or_default();
    let given = pairs.iter().find(|(k, _)| k == "token").map(|(_, v)| v);
    if given.is_some_and(|g| same(g, token)) && *req.method() == Method::GET {
        // Once: the cookie carries it from now on, and the address loses it.
        let rest: Vec<(&str, &str)> = pairs
            .iter()
            .filter(|(k, _)| k != "token")
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let to = format!("{}{}", req.uri().path(), super::params::query_string(&rest));
        let cookie = format!("{COOKIE}={wanted}; HttpOnly; SameSite=Strict; Path=/");
        let mut r = (StatusCode::SEE_OTHER, "").into_response();
        let h = r.headers_mut();
        h.insert(
            header::LOCATION,
            HeaderValue::from_str(&to).unwrap_or(HeaderValue::from_static("/")),
        );
        if let Ok(v) = HeaderValue::from_str(&cookie) {
            h.insert(header::SET_COOKIE, v);
        }
        return Some(r);
    }
    let mut r = refuse(
        StatusCode::UNAUTHORIZED,
        "mou: this server needs its token: open it once with ?token=TOKEN, or send Authorization: Bearer TOKEN",
    );
    r.headers_mut().insert(
        header::WWW_AUTHENTICATE,
        HeaderValue::from_static("Bearer realm=\"mou\""),
    );
    Some(r)
}

/// Whether a form's `csrf` field is this server's token.
pub fn check_csrf(app: &App, fields: &[(String, String)]) -> Result<(), Failure> {
    let given = fields.iter().find(|(k, _)| k == "csrf").map(|(_, v)| v);
    if given.is_some_and(|g| same(g, &app.csrf)) {
        Ok(())
    } else {
        Err(Failure::status(
            StatusCode::FORBIDDEN,
            Lang::En,
            "mou: the form's security token is missing or stale; reload the page and send it again",
        ))
    }
}
