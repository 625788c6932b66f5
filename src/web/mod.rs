//! `mou serve`: the registry in a browser. axum on a two-worker tokio runtime; every page is
//! built by maud (escaped at compile time) from the same registry reads, filters and writers
//! as the command line. The store is synchronous, so each request opens it and does its work
//! in `spawn_blocking`.
//!
//! - [`guard`]: what every request passes first (Host, token, write refusal, headers, CSRF)
//! - [`params`]: query strings read by the CLI's own parser, language, keyset cursors
//! - [`html`]: the page frame, labels in English and Arabic, tables of cells
//! - [`lists`]: the lists and their downloads; [`records`]: one record's page
//! - [`overview`]: the dashboard, what is due, the quarterly report, the calendar
//! - [`forms`]: adding and changing records, only with `--allow-edit`

mod edit;
mod forms;
mod guard;
mod html;
mod lists;
mod overview;
mod params;
mod records;
mod stream;

use std::net::SocketAddr;
use std::sync::Arc;

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;

use crate::cli::ServeArgs;
use crate::commands::Ctx;
use crate::error::{Error, Kind, Result};
use crate::store::{Access, Backend};

pub use params::Lang;

/// What the server was started with, fixed for its life.
#[derive(Clone)]
pub struct Config {
    /// The command context: registry, actor, store options.
    pub ctx: Ctx,
    /// `MOU_TODAY`, when set; else today is read per request.
    pub fixed_today: Option<crate::dates::Date>,
    pub bind: SocketAddr,
    pub allow_edit: bool,
    pub token: Option<String>,
    /// Who history names for changes made here.
    pub actor: String,
    /// The token forms carry (made once per server from random bytes).
    pub csrf: String,
    /// Read-only stores kept open between requests.
    pub pool: Arc<Pool>,
}

/// Read-only stores kept between requests (at most [`Pool::KEEP`]): opening SQLite, setting
/// its pragmas and checking its schema costs more than a small page's reads. A store is taken
/// out for one request and put back after; writes always open their own.
#[derive(Default)]
pub struct Pool(std::sync::Mutex<Vec<Box<dyn Backend>>>);

impl Pool {
    const KEEP: usize = 8;

    fn take(&self) -> Option<Box<dyn Backend>> {
        self.0.lock().ok()?.pop()
    }

    fn put(&self, store: Box<dyn Backend>) {
        if let Ok(mut v) = self.0.lock() {
            if v.len() < Pool::KEEP {
                v.push(store);
            }
        }
    }
}

impl Config {
    /// Checks the options: an address other than loopback needs `--token`.
    pub fn new(ctx: &Ctx, a: &ServeArgs) -> Result<Config> {
        if !a.bind.ip().is_loopback() && a.token.is_none() {
            return Err(Error::field(
                "--bind",
                &a.bind.to_string(),
                "an address other than loopback is reachable by others; give --token TOKEN too, or bind 127.0.0.1",
            ));
        }
        if let Some(t) = &a.token {
            if t.len() < 16 || t.chars().any(|c| !c.is_ascii_graphic()) {
                return Err(Error::field(
                    "--token",
                    "(hidden)",
                    "give at least 16 printable ASCII characters, without spaces, e.g. from `openssl rand -hex 16`",
                ));
            }
        }
        let env = crate::environment::Environment::read()?;
        Ok(Config {
            ctx: ctx.clone(),
            fixed_today: env.today,
            bind: a.bind,
            allow_edit: a.allow_edit,
            token: a.token.clone(),
            actor: a.token_name.clone().unwrap_or_else(|| ctx.actor.clone()),
            csrf: guard::new_secret()?,
            pool: Arc::default(),
        })
    }

    /// The command context of one request: today's date (unless `MOU_TODAY` fixes it).
    pub fn request_ctx(&self) -> Ctx {
        let mut ctx = self.ctx.clone();
        let today = self
            .fixed_today
            .unwrap_or_else(|| chrono::Local::now().date_naive());
        ctx.today = today;
        ctx.as_of = today;
        ctx.actor = self.actor.clone();
        ctx
    }
}

pub type App = Arc<Config>;

/// Every page of the web view, behind the guard.
pub fn router(config: Config) -> Router {
    let app: App = Arc::new(config);
    Router::new()
        .route("/", get(overview::dashboard))
        .route("/style.css", get(html::style))
        .route("/due", get(overview::due))
        .route("/reports/quarterly/{period}", get(overview::quarterly))
        .route("/calendar.ics", get(overview::calendar))
        .route("/partners", get(lists::partners))
        .route("/partners.csv", get(lists::partners_csv))
        .route("/partners.json", get(lists::partners_json))
        .route("/partners.xlsx", get(lists::partners_xlsx))
        .route("/agreements", get(lists::agreements))
        .route("/agreements.csv", get(lists::agreements_csv))
        .route("/agreements.json", get(lists::agreements_json))
        .route("/agreements.xlsx", get(lists::agreements_xlsx))
        .route("/engagements", get(lists::engagements))
        .route("/engagements.csv", get(lists::engagements_csv))
        .route("/engagements.json", get(lists::engagements_json))
        .route("/engagements.xlsx", get(lists::engagements_xlsx))
        .route("/partners/{key}", get(records::partner))
        .route("/agreements/{reference}", get(records::agreement))
        .route("/engagements/{reference}", get(records::engagement))
        .merge(forms::routes())
        .fallback(not_found)
        .layer(axum::middleware::from_fn_with_state(
            app.clone(),
            guard::guard,
        ))
        .with_state(app)
}

async fn not_found(q: params::Query) -> Response {
    Failure::status(StatusCode::NOT_FOUND, q.lang, "no such page").into_response()
}

/// Runs the server until it is stopped (Ctrl-C).
pub fn serve(config: Config) -> Result<()> {
    // Fail at start, not on the first page, when the registry cannot be read.
    config.request_ctx().open(Access::Read)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .max_blocking_threads(8)
        .enable_all()
        .build()?;
    let bind = config.bind;
    let edit = if config.allow_edit {
        "editing allowed"
    } else {
        "read only"
    };
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(bind)
            .await
            .map_err(|e| Error::input(format!("cannot listen on {bind}: {e}")))?;
        crate::note!("mou: serving http://{bind}/ ({edit}); Ctrl-C stops");
        axum::serve(listener, router(config))
            .with_graceful_shutdown(async {
                let _ = tokio::signal::ctrl_c().await;
            })
            .await
            .map_err(Error::from)
    })
}

/// Runs `f` on a blocking thread with this request's context and a store opened for `access`.
pub async fn with_store<T: Send + 'static>(
    app: &App,
    access: Access,
    f: impl FnOnce(&Ctx, &mut dyn Backend) -> Result<T> + Send + 'static,
) -> Result<T> {
    let app = app.clone();
    tokio::task::spawn_blocking(move || {
        let ctx = app.request_ctx();
        let pooled = if access == Access::Read {
            app.pool.take()
        } else {
            None
        };
        let mut store = match pooled {
            Some(s) => s,
            None => ctx.open(access)?,
        };
        let out = f(&ctx, &mut *store);
        // A store whose request failed is dropped rather than kept, whatever state it is in.
        if access == Access::Read && out.is_ok() {
            app.pool.put(store);
        }
        out
    })
    .await
    .unwrap_or_else(|_| Err(Error::registry("the request's worker stopped")))
}

/// A page that could not be given: its status and the message, in mou's words.
#[derive(Debug)]
pub struct Failure {
    pub status: StatusCode,
    pub lang: Lang,
    pub message: String,
}

impl Failure {
    pub fn status(status: StatusCode, lang: Lang, message: impl Into<String>) -> Failure {
        Failure {
            status,
            lang,
            message: message.into(),
        }
    }

    /// An error of the registry layer: bad input is 400, anything else 500 (503 when busy).
    pub fn of(e: Error, lang: Lang) -> Failure {
        let status = match e.kind {
            Kind::Input => StatusCode::BAD_REQUEST,
            _ if e.store == Some(crate::error::StoreKind::Busy) => StatusCode::SERVICE_UNAVAILABLE,
            _ => StatusCode::INTERNAL_SERVER_ERROR,
        };
        let mut message = format!("mou: {}", e.message);
        if let Some(h) = &e.hint {
            message.push_str(&format!("\n  hint: {h}"));
        }
        Failure::status(status, lang, crate::text::visible(&message))
    }
}

impl IntoResponse for Failure {
    fn into_response(self) -> Response {
        let page = html::failure_page(self.lang, self.status, &self.message);
        (self.status, page).into_response()
    }
}

/// A handler's answer: a page, or why not.
pub type Answer = std::result::Result<Response, Failure>;

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_forms;
