//! Every route and every refusal, in-process (tower's `oneshot`), on a registry holding
//! hostile records: names with `<script>` and `<img onerror>`, a note with a direction
//! override.

use axum::body::Body;
use axum::http::{header, HeaderMap, Request, StatusCode};
use axum::Router;
use tower::ServiceExt;

use super::{router, Config};
use crate::commands::Ctx;
use crate::model::{Category, Kind};
use crate::registry::{NewAgreement, NewPartner};
use crate::store::{Access, Location, Options};

pub(super) const HOST: &str = "127.0.0.1:8700";
pub(super) const CSRF: &str = "0123456789abcdef0123456789abcdef";
const TOKEN: &str = "a-token-of-some-length";

pub(super) struct Fixture {
    _dir: tempfile::TempDir,
    pub(super) ctx: Ctx,
}

pub(super) fn day(s: &str) -> crate::dates::Date {
    crate::dates::parse_stored(s).unwrap()
}

pub(super) fn partner(name: &str, key: &str, aliases: &[&str], note: Option<&str>) -> NewPartner {
    NewPartner {
        name: name.into(),
        category: Category::Intergovernmental,
        key: Some(key.into()),
        country: None,
        aliases: aliases.iter().map(|a| a.to_string()).collect(),
        website: None,
        note: note.map(str::to_string),
    }
}

pub(super) fn agreement(partner: &str, signed: &str, title: &str) -> NewAgreement {
    NewAgreement {
        kind: Kind::Mou,
        partners: vec![partner.into()],
        signed: Some(day(signed)),
        title: Some(title.into()),
        reference: None,
        effective: None,
        expires: None,
        term: Some(crate::dates::Term::Years(3)),
        notice: None,
        sdgs: vec![16],
        tags: vec![],
        note: None,
        document: None,
        renews: None,
    }
}

/// A registry with UNICEF (an Arabic alias), a hostile partner, and `extra` more agreements.
pub(super) fn fixture(extra: usize) -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let today = day("2026-06-15");
    let ctx = Ctx {
        db: Location::File(dir.path().join("registry.db")),
        db_named: true,
        format: None,
        as_of: today,
        today,
        actor: "tester".into(),
        store: Options {
            now: Some("2026-06-15T10:00:00Z".into()),
            ..Options::default()
        },
        xlsx_sheet_rows: crate::output::xlsx::MAX_SHEET_ROWS,
    };
    let mut store = ctx.open(Access::Write).unwrap();
    store
        .write(|s| {
            let r = ctx.registry(s);
            let un = partner("UNICEF", "unicef", &["اليونيسيف"], None);
            r.create_partner(&un)?;
            let evil = partner(
                "Evil <script>alert(1)</script>",
                "evil",
                &["<img src=x onerror=alert(1)>"],
                Some("abc\u{202e}fed"),
            );
            r.create_partner(&evil)?;
            let a = agreement("unicef", "2025-01-10", "Child protection");
            r.create_agreement(&a, today, today)?;
            let b = agreement("evil", "2025-02-01", "<script>steal()</script>");
            r.create_agreement(&b, today, today)?;
            for n in 0..extra {
                let a = agreement("unicef", "2024-03-01", &format!("Bulk {n}"));
                r.create_agreement(&a, today, today)?;
            }
            let p = s.find_partner("unicef")?;
            let e = crate::model::Engagement {
                id: 0,
                reference: "ENG-2026-001".into(),
                kind: crate::model::EngagementKind::Workshop,
                title: "Workshop <b>bold</b>".into(),
                partners: vec!["unicef".into()],
                starts_on: day("2026-05-01"),
                ends_on: day("2026-05-02"),
                place: Some("Vienna".into()),
                country: Some("AT".into()),
                agreement: None,
                part_of: None,
                sdgs: vec![16],
                tags: vec![],
                participants: Some(12),
                outcome: None,
                notes: None,
                document: None,
                cancelled: false,
                public: false,
                created_at: "2026-06-15T10:00:00Z".into(),
                updated_at: "2026-06-15T10:00:00Z".into(),
            };
            s.insert_engagement(
                &e,
                &crate::store::EngagementLinks {
                    partner_ids: vec![p.id],
                    ..Default::default()
                },
            )?;
            Ok(())
        })
        .unwrap();
    Fixture { _dir: dir, ctx }
}

pub(super) fn app(f: &Fixture, allow_edit: bool, token: Option<&str>) -> Router {
    router(Config {
        ctx: f.ctx.clone(),
        fixed_today: Some(f.ctx.today),
        bind: HOST.parse().unwrap(),
        allow_edit,
        token: token.map(str::to_string),
        actor: "web-tester".into(),
        csrf: CSRF.into(),
        pool: Default::default(),
    })
}

pub(super) struct Answer {
    pub(super) status: StatusCode,
    pub(super) headers: HeaderMap,
    pub(super) body: String,
}

pub(super) fn run<T>(f: impl std::future::Future<Output = T>) -> T {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(f)
}

pub(super) fn send(app: &Router, req: Request<Body>) -> Answer {
    run(async {
        let r = app.clone().oneshot(req).await.unwrap();
        let status = r.status();
        let headers = r.headers().clone();
        let bytes = http_body_util::BodyExt::collect(r.into_body())
            .await
            .unwrap()
            .to_bytes();
        Answer {
            status,
            headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
        }
    })
}

pub(super) fn get(path: &str) -> Request<Body> {
    Request::get(path)
        .header(header::HOST, HOST)
        .body(Body::empty())
        .unwrap()
}

pub(super) fn post(path: &str, form: &[(&str, &str)]) -> Request<Body> {
    let body = super::params::query_string(form);
    Request::post(path)
        .header(header::HOST, HOST)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(body.trim_start_matches('?').to_string()))
        .unwrap()
}

pub(super) fn assert_headers(a: &Answer) {
    let csp = a.headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
    for part in [
        "default-src 'none'",
        "style-src 'self'",
        "img-src 'self' data:",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ] {
        assert!(csp.contains(part), "{csp} lacks {part}");
    }
    assert_eq!(a.headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
}

#[test]
fn every_read_route_answers_with_the_security_headers() {
    let f = fixture(0);
    let app = app(&f, false, None);
    for (path, kind) in [
        ("/", "text/html"),
        ("/?lang=ar", "text/html"),
        ("/partners", "text/html"),
        ("/partners/unicef", "text/html"),
        (
            "/partners/%D8%A7%D9%84%D9%8A%D9%88%D9%86%D9%8A%D8%B3%D9%8A%D9%81",
            "text/html",
        ),
        ("/agreements", "text/html"),
        ("/agreements/MOU-2025-001", "text/html"),
        ("/engagements", "text/html"),
        ("/engagements/ENG-2026-001", "text/html"),
        ("/due", "text/html"),
        ("/due?within=1y", "text/html"),
        ("/reports/quarterly/2026Q2", "text/html"),
        ("/reports/quarterly/this-quarter?lang=ar", "text/html"),
        ("/calendar.ics", "text/calendar"),
        ("/partners.csv", "text/csv"),
        ("/partners.json", "application/json"),
        ("/partners.xlsx", "application/vnd.openxmlformats"),
        ("/agreements.csv?status=active", "text/csv"),
        ("/agreements.json", "application/json"),
        ("/agreements.xlsx", "application/vnd.openxmlformats"),
        ("/engagements.csv", "text/csv"),
        ("/engagements.json", "application/json"),
        ("/style.css", "text/css"),
    ] {
        let a = send(&app, get(path));
        assert_eq!(a.status, StatusCode::OK, "{path}: {}", a.body);
        let ct = a.headers[header::CONTENT_TYPE].to_str().unwrap();
        assert!(ct.starts_with(kind), "{path}: {ct}");
        assert_headers(&a);
    }
}

#[test]
fn pages_show_what_the_registry_holds() {
    let f = fixture(0);
    let app = app(&f, false, None);
    let home = send(&app, get("/"));
    assert!(
        home.body.contains("Partners with an active MoU"),
        "{}",
        home.body
    );
    let unicef = send(&app, get("/partners/unicef"));
    assert!(unicef.body.contains("MOU-2025-001"));
    assert!(unicef.body.contains("ENG-2026-001"));
    let agreement = send(&app, get("/agreements/mou-2025-001"));
    assert!(agreement.body.contains(r#"href="/partners/unicef""#));
    let csv = send(&app, get("/agreements.csv?partner=unicef"));
    let lines: Vec<&str> = csv.body.lines().collect();
    assert!(lines[0].starts_with("ref,kind,title,parties"));
    assert_eq!(lines.len(), 2, "{}", csv.body);
    assert!(csv.headers[header::CONTENT_DISPOSITION]
        .to_str()
        .unwrap()
        .contains("agreements.csv"));
    let json = send(&app, get("/partners.json"));
    let v: serde_json::Value = serde_json::from_str(&json.body).unwrap();
    assert_eq!(v.as_array().unwrap().len(), 2);
    let ics = send(&app, get("/calendar.ics"));
    assert!(
        ics.body.contains("MOU-2025-001-expires@mou"),
        "{}",
        ics.body
    );
}

#[test]
fn arabic_pages_are_right_to_left() {
    let f = fixture(0);
    let app = app(&f, false, None);
    let a = send(&app, get("/partners?lang=ar"));
    assert!(a.body.contains(r#"<html lang="ar" dir="rtl">"#));
    assert!(a.body.contains("الشركاء"));
    let home = send(&app, get("/?lang=ar"));
    assert!(
        home.body.contains("أبرمنا") || home.body.contains("شراكات"),
        "{}",
        home.body
    );
    let bad = send(&app, get("/?lang=fr"));
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(bad.body.contains("give en or ar"));
}

#[test]
fn search_finds_arabic_and_latin_alike() {
    let f = fixture(0);
    let app = app(&f, false, None);
    for q in [
        "unicef",
        "UNICEF",
        "%D8%A7%D9%84%D9%8A%D9%88%D9%86%D9%8A%D8%B3%D9%8A%D9%81",
    ] {
        let a = send(&app, get(&format!("/partners?search={q}")));
        assert_eq!(a.status, StatusCode::OK);
        assert!(a.body.contains(r#"href="/partners/unicef""#), "{q}");
        assert!(!a.body.contains(r#"href="/partners/evil""#), "{q}");
    }
}

#[test]
fn filters_are_read_as_the_command_line_reads_them() {
    let f = fixture(0);
    let app = app(&f, false, None);
    let a = send(&app, get("/agreements?partner=evil&status=active"));
    assert_eq!(a.status, StatusCode::OK);
    assert!(a.body.contains("MOU-2025-002") && !a.body.contains("MOU-2025-001"));
    // A bad value: 400, in the command line's words.
    let bad = send(&app, get("/agreements?status=actve"));
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(bad.body.contains("invalid status 'actve'"), "{}", bad.body);
    assert!(bad.body.contains("did you mean active?"));
    let bad = send(&app, get("/agreements?expires-in=2026Q5"));
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(bad.body.contains("--expires-in"), "{}", bad.body);
    let unknown = send(&app, get("/agreements?partner=nobody"));
    assert_eq!(unknown.status, StatusCode::BAD_REQUEST);
    // Options of the command other than filters are not parameters.
    for p in ["db=/etc/passwd", "format=json", "actor=x", "columns=ref"] {
        let a = send(&app, get(&format!("/agreements?{p}")));
        assert_eq!(a.status, StatusCode::BAD_REQUEST, "{p}");
        assert!(a.body.contains("unknown parameter"), "{p}");
    }
    let q = send(&app, get("/reports/quarterly/2026Q9"));
    assert_eq!(q.status, StatusCode::BAD_REQUEST);
    let q = send(&app, get("/reports/quarterly/--db=x"));
    assert_eq!(q.status, StatusCode::BAD_REQUEST);
    let missing = send(&app, get("/partners/nobody"));
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    let missing = send(&app, get("/agreements/MOU-1999-009"));
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_eq!(send(&app, get("/nowhere")).status, StatusCode::NOT_FOUND);
}

#[test]
fn lists_are_paged_by_keyset() {
    let f = fixture(60);
    let app = app(&f, false, None);
    let first = send(&app, get("/agreements?partner=unicef"));
    let rows = first.body.matches("<tr>").count() - 1;
    assert_eq!(rows, super::lists::PAGE);
    let next = first
        .body
        .split("rel=\"next\"")
        .next()
        .and_then(|s| s.rsplit("href=\"").next())
        .and_then(|s| s.split('"').next())
        .unwrap()
        .replace("&amp;", "&");
    assert!(next.contains("after="), "{next}");
    assert!(next.contains("partner=unicef"), "{next}");
    let second = send(&app, get(&format!("/agreements{next}")));
    assert_eq!(second.status, StatusCode::OK);
    // 61 agreements of unicef: 50, then 11, and no further page.
    assert_eq!(second.body.matches("<tr>").count() - 1, 11);
    assert!(!second.body.contains("rel=\"next\""));
    let bad = send(&app, get("/agreements?after=x"));
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
}

#[test]
fn hostile_records_are_escaped() {
    let f = fixture(0);
    let app = app(&f, false, None);
    for path in [
        "/partners",
        "/partners/evil",
        "/agreements",
        "/agreements/MOU-2025-002",
        "/engagements",
        "/",
        "/partners?search=%3Cscript%3E",
    ] {
        let a = send(&app, get(path));
        assert_eq!(a.status, StatusCode::OK, "{path}");
        assert!(!a.body.contains("<script"), "{path}");
        assert!(!a.body.contains("<img"), "{path}");
        assert!(!a.body.contains("<b>bold"), "{path}");
        assert!(!a.body.contains('\u{202e}'), "{path}");
    }
    let evil = send(&app, get("/partners/evil"));
    assert!(evil
        .body
        .contains("Evil &lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(evil.body.contains("&lt;img src=x onerror=alert(1)&gt;"));
    assert!(evil.body.contains(r"abc\u{202e}fed"), "{}", evil.body);
    // A hostile value in a bad parameter is escaped in the error page too.
    let bad = send(&app, get("/agreements?status=%3Cscript%3E"));
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(!bad.body.contains("<script"));
}

#[test]
fn a_host_that_is_not_the_bound_name_is_refused() {
    let f = fixture(0);
    let app = app(&f, false, None);
    for host in ["evil.example:8700", "127.0.0.1:9999", "127.0.0.1", ""] {
        let req = Request::get("/")
            .header(header::HOST, host)
            .body(Body::empty())
            .unwrap();
        let a = send(&app, req);
        assert_eq!(a.status, StatusCode::MISDIRECTED_REQUEST, "{host}");
        assert_headers(&a);
    }
    let req = Request::get("/").body(Body::empty()).unwrap();
    assert_eq!(send(&app, req).status, StatusCode::MISDIRECTED_REQUEST);
    let req = Request::get("/")
        .header(header::HOST, "localhost:8700")
        .body(Body::empty())
        .unwrap();
    assert_eq!(send(&app, req).status, StatusCode::OK);
}

#[test]
fn without_allow_edit_no_route_accepts_a_write() {
    let f = fixture(0);
    let app = app(&f, false, None);
    for path in [
        "/partners/new",
        "/agreements/new",
        "/contacts/new",
        "/agreements/MOU-2025-001/terminate",
        "/agreements/MOU-2025-001/renew",
        "/agreements/MOU-2025-001/edit",
        "/partners/unicef/edit",
        "/engagements/new",
        "/partners",
        "/",
    ] {
        let a = send(
            &app,
            post(path, &[("csrf", CSRF), ("name", "X"), ("category", "ngo")]),
        );
        assert_eq!(a.status, StatusCode::METHOD_NOT_ALLOWED, "{path}");
        assert_headers(&a);
    }
    for method in ["PUT", "DELETE", "PATCH"] {
        let req = Request::builder()
            .method(method)
            .uri("/partners/unicef")
            .header(header::HOST, HOST)
            .body(Body::empty())
            .unwrap();
        assert_eq!(send(&app, req).status, StatusCode::METHOD_NOT_ALLOWED);
    }
    let form = send(&app, get("/partners/new"));
    assert_eq!(form.status, StatusCode::FORBIDDEN);
    assert!(form.body.contains("--allow-edit"));
    let page = send(&app, get("/partners/unicef"));
    assert!(!page.body.contains("/contacts/new"));
    // Nothing was written.
    let store = f.ctx.open(Access::Read).unwrap();
    assert!(store.try_find_partner("X").unwrap().is_err());
}

#[test]
fn with_a_token_every_request_must_carry_it() {
    let f = fixture(0);
    let app = app(&f, false, Some(TOKEN));
    let none = send(&app, get("/"));
    assert_eq!(none.status, StatusCode::UNAUTHORIZED);
    assert_headers(&none);
    let wrong = Request::get("/")
        .header(header::HOST, HOST)
        .header(header::AUTHORIZATION, "Bearer not-the-token-at-all")
        .body(Body::empty())
        .unwrap();
    assert_eq!(send(&app, wrong).status, StatusCode::UNAUTHORIZED);
    let bearer = Request::get("/partners.csv")
        .header(header::HOST, HOST)
        .header(header::AUTHORIZATION, format!("Bearer {TOKEN}"))
        .body(Body::empty())
        .unwrap();
    assert_eq!(send(&app, bearer).status, StatusCode::OK);
    // ?token= once: a redirect without it, and a cookie the script cannot read.
    let once = send(&app, get(&format!("/partners?token={TOKEN}&lang=ar")));
    assert_eq!(once.status, StatusCode::SEE_OTHER);
    assert_eq!(once.headers[header::LOCATION], "/partners?lang=ar");
    let cookie = once.headers[header::SET_COOKIE]
        .to_str()
        .unwrap()
        .to_string();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"));
    assert!(!cookie.contains(TOKEN));
    let pair = cookie.split(';').next().unwrap();
    let with_cookie = Request::get("/partners")
        .header(header::HOST, HOST)
        .header(header::COOKIE, pair)
        .body(Body::empty())
        .unwrap();
    assert_eq!(send(&app, with_cookie).status, StatusCode::OK);
    let bad = send(&app, get("/partners?token=guess-guess-guess"));
    assert_eq!(bad.status, StatusCode::UNAUTHORIZED);
}

#[test]
fn another_address_needs_a_token() {
    let f = fixture(0);
    let args = |bind: &str, token: Option<&str>| crate::cli::ServeArgs {
        bind: bind.parse().unwrap(),
        allow_edit: false,
        token: token.map(str::to_string),
        token_name: None,
    };
    let e = Config::new(&f.ctx, &args("0.0.0.0:8700", None))
        .err()
        .unwrap();
    assert!(e.message.contains("--token"), "{}", e.message);
    assert!(Config::new(&f.ctx, &args("0.0.0.0:8700", Some(TOKEN))).is_ok());
    assert!(Config::new(&f.ctx, &args("127.0.0.1:8700", None)).is_ok());
    let short = Config::new(&f.ctx, &args("0.0.0.0:8700", Some("short")));
    assert!(short.is_err());
}

#[test]
fn a_form_adds_a_partner_with_history_naming_the_actor() {
    let f = fixture(0);
    let app = app(&f, true, None);
    let form = send(&app, get("/partners/new?lang=ar"));
    assert_eq!(form.status, StatusCode::OK);
    assert!(form
        .body
        .contains(&format!(r#"name="csrf" value="{CSRF}""#)));
    assert!(form.body.contains(r#"<select name="category">"#));
    let sent = send(
        &app,
        post(
            "/partners/new",
            &[
                ("csrf", CSRF),
                ("name", "Danube Interfaith Council"),
                ("category", "religious"),
                ("country", "AT"),
                ("alias", "DIC"),
                ("alias", ""),
            ],
        ),
    );
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
    let to = sent.headers[header::LOCATION].to_str().unwrap().to_string();
    assert!(to.starts_with("/partners/"), "{to}");
    let page = send(&app, get(&to));
    assert!(page.body.contains("Danube Interfaith Council"));
    let store = f.ctx.open(Access::Read).unwrap();
    let p = store.find_partner("DIC").unwrap();
    let mut actors = Vec::new();
    store
        .scan_history_about("partner", Some(p.id), &p.key, &mut |h| {
            actors.push(h.actor);
            Ok(())
        })
        .unwrap();
    assert_eq!(actors, ["web-tester"]);
}

#[test]
fn a_refused_form_shows_the_message_beside_its_field() {
    let f = fixture(0);
    let app = app(&f, true, None);
    let bad = send(
        &app,
        post(
            "/partners/new",
            &[
                ("csrf", CSRF),
                ("name", "Someone"),
                ("category", "religous"),
            ],
        ),
    );
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(bad.body.contains("field-error"), "{}", bad.body);
    assert!(bad.body.contains("did you mean religious?"), "{}", bad.body);
    assert!(bad.body.contains(r#"value="Someone""#));
    let taken = send(
        &app,
        post(
            "/partners/new",
            &[("csrf", CSRF), ("name", "UNICEF"), ("category", "ngo")],
        ),
    );
    assert_eq!(taken.status, StatusCode::BAD_REQUEST);
    assert!(taken.body.contains("unicef"), "{}", taken.body);
    // A flag of the command that is not a field of the form is not read.
    let sneaky = send(
        &app,
        post(
            "/partners/new",
            &[
                ("csrf", CSRF),
                ("name", "--db=/tmp/x"),
                ("category", "ngo"),
                ("db", "/tmp/y"),
            ],
        ),
    );
    assert_eq!(sneaky.status, StatusCode::SEE_OTHER, "{}", sneaky.body);
    let store = f.ctx.open(Access::Read).unwrap();
    assert_eq!(
        store.find_partner("--db=/tmp/x").unwrap().name,
        "--db=/tmp/x"
    );
}

#[test]
fn a_form_without_its_csrf_token_or_from_elsewhere_is_refused() {
    let f = fixture(0);
    let app = app(&f, true, None);
    let fields = [("name", "Nobody Org"), ("category", "ngo")];
    let none = send(&app, post("/partners/new", &fields));
    assert_eq!(none.status, StatusCode::FORBIDDEN);
    let mut wrong = fields.to_vec();
    wrong.push(("csrf", "0000000000000000000000000000000f"));
    assert_eq!(
        send(&app, post("/partners/new", &wrong)).status,
        StatusCode::FORBIDDEN
    );
    let mut req = post("/partners/new", &[("csrf", CSRF), fields[0], fields[1]]);
    req.headers_mut()
        .insert(header::ORIGIN, "http://evil.example".parse().unwrap());
    assert_eq!(send(&app, req).status, StatusCode::FORBIDDEN);
    let store = f.ctx.open(Access::Read).unwrap();
    assert!(store.try_find_partner("Nobody Org").unwrap().is_err());
}

#[test]
fn forms_add_contacts_and_agreements_and_terminate_and_renew() {
    let f = fixture(0);
    let app = app(&f, true, None);
    let c = send(
        &app,
        post(
            "/contacts/new",
            &[
                ("csrf", CSRF),
                ("name", "Amal"),
                ("partner", "unicef"),
                ("email", "amal@example.org"),
                ("primary", "on"),
            ],
        ),
    );
    assert_eq!(c.status, StatusCode::SEE_OTHER, "{}", c.body);
    assert!(send(&app, get("/partners/unicef"))
        .body
        .contains("amal@example.org"));
    let bad = send(
        &app,
        post(
            "/contacts/new",
            &[
                ("csrf", CSRF),
                ("name", "B"),
                ("partner", "unicef"),
                ("email", "nope"),
            ],
        ),
    );
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(bad.body.contains("field-error"), "{}", bad.body);
    let a = send(
        &app,
        post(
            "/agreements/new",
            &[
                ("csrf", CSRF),
                ("kind", "mou"),
                ("partner", "unicef"),
                ("partner", "evil"),
                ("signed", "2026-01-05"),
                ("term", "2y"),
            ],
        ),
    );
    assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.body);
    assert_eq!(a.headers[header::LOCATION], "/agreements/MOU-2026-001");
    let t = send(
        &app,
        post(
            "/agreements/MOU-2026-001/terminate",
            &[("csrf", CSRF), ("on", "2026-06-01"), ("reason", "done")],
        ),
    );
    assert_eq!(t.status, StatusCode::SEE_OTHER, "{}", t.body);
    let store = f.ctx.open(Access::Read).unwrap();
    let (g, _) = store.find_agreement("MOU-2026-001", f.ctx.today).unwrap();
    assert_eq!(g.terminated_on, Some(day("2026-06-01")));
    let r = send(
        &app,
        post(
            "/agreements/MOU-2025-001/renew",
            &[("csrf", CSRF), ("signed", "2026-06-01"), ("term", "3y")],
        ),
    );
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let renewal = r.headers[header::LOCATION].to_str().unwrap().to_string();
    let page = send(&app, get(&renewal));
    assert!(page.body.contains("MOU-2025-001"), "{}", page.body);
    // A draft cannot be terminated: the registry's message, on the form.
    let no = send(
        &app,
        post(
            "/agreements/MOU-2026-001/terminate",
            &[("csrf", CSRF), ("on", "bad-date")],
        ),
    );
    assert_eq!(no.status, StatusCode::BAD_REQUEST);
    assert!(no.body.contains("field-error"), "{}", no.body);
}

#[test]
fn forms_edit_partners_and_agreements_and_add_engagements() {
    let f = fixture(0);
    let app = app(&f, true, None);
    let form = send(&app, get("/partners/unicef/edit"));
    assert_eq!(form.status, StatusCode::OK);
    assert!(form
        .body
        .contains(&format!(r#"name="csrf" value="{CSRF}""#)));
    let hostile = "<script>alert(1)</script>\u{202e}";
    let p = send(
        &app,
        post(
            "/partners/unicef/edit",
            &[
                ("csrf", CSRF),
                ("website", "https://unicef.example"),
                ("note", "<img src=x onerror=alert(1)>"),
            ],
        ),
    );
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    assert_eq!(p.headers[header::LOCATION], "/partners/unicef");
    let page = send(&app, get("/partners/unicef"));
    assert!(!page.body.contains("<img src=x"), "{}", page.body);
    // The CLI's message, beside the field it names; nothing changed.
    let bad = send(
        &app,
        post("/partners/unicef/edit", &[("csrf", CSRF), ("key", hostile)]),
    );
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(bad.body.contains("field-error"), "{}", bad.body);
    assert!(bad.body.contains("invalid key"), "{}", bad.body);
    assert!(!bad.body.contains("<script>alert"), "{}", bad.body);
    let none = send(&app, post("/partners/unicef/edit", &[("note", "x")]));
    assert_eq!(none.status, StatusCode::FORBIDDEN);
    let a = send(
        &app,
        post(
            "/agreements/MOU-2025-001/edit",
            &[("csrf", CSRF), ("title", "Renamed"), ("tag", "water")],
        ),
    );
    assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.body);
    let bad = send(
        &app,
        post(
            "/agreements/MOU-2025-001/edit",
            &[("csrf", CSRF), ("sdg", "99")],
        ),
    );
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(bad.body.contains("--sdg"), "{}", bad.body);
    let e = send(
        &app,
        post(
            "/engagements/new",
            &[
                ("csrf", CSRF),
                ("title", "Visit"),
                ("on", "2026-07-01"),
                ("partner", "unicef"),
            ],
        ),
    );
    assert_eq!(e.status, StatusCode::SEE_OTHER, "{}", e.body);
    let store = f.ctx.open(Access::Read).unwrap();
    let (g, _) = store.find_agreement("MOU-2025-001", f.ctx.today).unwrap();
    assert_eq!(g.title, "Renamed");
    assert!(g.tags.contains(&"water".to_string()));
    assert_eq!(
        store.find_partner("unicef").unwrap().notes.as_deref(),
        Some("<img src=x onerror=alert(1)>")
    );
    let mut actions = Vec::new();
    let p = store.find_partner("unicef").unwrap();
    store
        .scan_history_about("partner", Some(p.id), &p.key, &mut |h| {
            actions.push((h.actor, h.action));
            Ok(())
        })
        .unwrap();
    assert!(
        actions.iter().any(|(a, _)| a == "web-tester"),
        "{actions:?}"
    );
}
