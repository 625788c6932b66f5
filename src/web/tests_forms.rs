//! The edit forms (prefilled, unchanged sends changing nothing, changes written through the
//! registry with history), the engagement and contact forms, the record pages' links, the
//! engagement list's filters, and the dashboard's and quarterly page's charts; in-process
//! with tower's `oneshot` on the hostile registry of [`super::tests`].

use axum::http::{header, StatusCode};

use super::tests::{app, fixture, get, post, send, Answer, Fixture, CSRF};
use crate::store::Access;

/// `&amp;` and the other entities maud writes, back to text.
fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// The value of attribute `name` in the tag `tag` (its text between `<` and `>`).
fn attr(tag: &str, name: &str) -> Option<String> {
    let start = tag.find(&format!(" {name}=\""))? + name.len() + 3;
    let end = tag[start..].find('"')? + start;
    Some(unescape(&tag[start..end]))
}

/// What a browser sends for the first form of `page`, as it stands: every input's value
/// (ticked checkboxes only), each select's chosen option, each textarea's text (its first
/// line break is the markup's, as the HTML parser drops it).
fn form_values(page: &str) -> Vec<(String, String)> {
    let form = &page[page.find("<form class=\"edit\"").expect("an edit form")..];
    let form = &form[..form.find("</form>").unwrap()];
    let mut out = Vec::new();
    let mut rest = form;
    while let Some(i) = rest.find('<') {
        rest = &rest[i + 1..];
        let end = rest.find('>').unwrap();
        let tag = &rest[..end];
        if let Some(t) = tag.strip_prefix("input ") {
            let t = format!(" {t}");
            let name = attr(&t, "name").unwrap();
            let checkbox = attr(&t, "type").as_deref() == Some("checkbox");
            if checkbox && !t.contains(" checked") {
                continue;
            }
            let value = attr(&t, "value").unwrap_or_else(|| {
                if checkbox {
                    "on".into()
                } else {
                    String::new()
                }
            });
            out.push((name, value));
        } else if let Some(t) = tag.strip_prefix("select ") {
            let name = attr(&format!(" {t}"), "name").unwrap();
            let body = &rest[end..rest.find("</select>").unwrap()];
            let chosen = body
                .split("<option ")
                .find(|o| o.contains(" selected"))
                .and_then(|o| attr(&format!(" {o}"), "value"))
                .unwrap_or_default();
            out.push((name, chosen));
        } else if let Some(t) = tag.strip_prefix("textarea ") {
            let name = attr(&format!(" {t}"), "name").unwrap();
            let body = &rest[end + 1..rest.find("</textarea>").unwrap()];
            out.push((name, unescape(body.strip_prefix('\n').unwrap_or(body))));
        }
    }
    out
}

/// `values` with `field` set to `to` (its first box), as if typed over.
fn typed(mut values: Vec<(String, String)>, field: &str, to: &str) -> Vec<(String, String)> {
    match values.iter_mut().find(|(k, _)| k == field) {
        Some(v) => v.1 = to.to_string(),
        None => values.push((field.to_string(), to.to_string())),
    }
    values
}

fn post_values(path: &str, values: &[(String, String)]) -> axum::http::Request<axum::body::Body> {
    let pairs: Vec<(&str, &str)> = values
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    post(path, &pairs)
}

/// The history rows about one record: (actor, action).
fn history(f: &Fixture, entity: &str, id: i64, key: &str) -> Vec<(String, String)> {
    let store = f.ctx.open(Access::Read).unwrap();
    let mut rows = Vec::new();
    store
        .scan_history_about(entity, Some(id), key, &mut |h| {
            rows.push((h.actor, h.action));
            Ok(())
        })
        .unwrap();
    rows
}

fn partner_history(f: &Fixture, key: &str) -> Vec<(String, String)> {
    let store = f.ctx.open(Access::Read).unwrap();
    let p = store.find_partner(key).unwrap();
    drop(store);
    history(f, "partner", p.id, &p.key)
}

/// No raw markup from the registry or the request on the page, and no direction control
/// outside the form's own fields (an input's value and a text area hold text exactly, so that
/// it is sent back as it is; a form control is isolated from the text around it).
fn assert_no_raw_markup(a: &Answer) {
    for raw in ["<script", "<img", "<b>bold", " style=\""] {
        assert!(!a.body.contains(raw), "raw {raw:?} in {}", a.body);
    }
    let mut outside = String::new();
    let mut rest = a.body.as_str();
    let next = |r: &str| {
        [r.find(" value=\""), r.find("<textarea")]
            .into_iter()
            .flatten()
            .min()
    };
    while let Some(i) = next(rest) {
        let (before, after) = rest.split_at(i);
        outside.push_str(before);
        let close = if after.starts_with("<textarea") {
            "</textarea>"
        } else {
            "\""
        };
        let skip = if close == "\"" { 8 } else { 0 };
        let end = after[skip..]
            .find(close)
            .map_or(after.len(), |e| e + skip + close.len());
        rest = &after[end..];
    }
    outside.push_str(rest);
    assert!(!outside.contains('\u{202e}'), "raw U+202E in {}", a.body);
}

/// A contact of UNICEF added through its form; its id.
fn add_contact(f: &Fixture, app: &axum::Router, name: &str, primary: bool) -> i64 {
    let mut form = vec![
        ("csrf", CSRF),
        ("name", name),
        ("partner", "unicef"),
        ("email", "focal@unicef.example"),
        ("lang", "ar"),
    ];
    if primary {
        form.push(("primary", "on"));
    }
    let a = send(app, post("/contacts/new", &form));
    assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.body);
    let store = f.ctx.open(Access::Read).unwrap();
    let p = store.find_partner("unicef").unwrap();
    let mut ids = Vec::new();
    store
        .scan_contacts(
            &crate::query::ContactFilter {
                partners: vec![p.id],
                former: true,
                ..crate::query::ContactFilter::all(f.ctx.as_of)
            },
            &mut |c| {
                if c.name == name {
                    ids.push(c.id);
                }
                Ok(())
            },
        )
        .unwrap();
    ids.pop().expect("the contact just added")
}

#[test]
fn record_pages_link_to_their_forms_only_with_allow_edit() {
    let f = fixture(0);
    let edit = app(&f, true, None);
    let id = add_contact(&f, &edit, "Amina <b>", false);
    let partner = send(&edit, get("/partners/unicef"));
    for link in [
        "/partners/unicef/edit",
        "/contacts/new?partner=unicef",
        "/agreements/new?partner=unicef",
        "/engagements/new?partner=unicef",
        &format!("/contacts/{id}/edit"),
    ] {
        assert!(partner.body.contains(link), "{link} in {}", partner.body);
    }
    let agreement = send(&edit, get("/agreements/MOU-2025-001?lang=ar"));
    for link in [
        "/agreements/MOU-2025-001/edit?lang=ar",
        "/agreements/MOU-2025-001/renew?lang=ar",
        "/agreements/MOU-2025-001/terminate?lang=ar",
    ] {
        assert!(agreement.body.contains(link), "{link}");
    }
    let engagement = send(&edit, get("/engagements/ENG-2026-001"));
    assert!(engagement.body.contains("/engagements/ENG-2026-001/edit"));
    let lists = send(&edit, get("/engagements"));
    assert!(lists.body.contains("href=\"/engagements/new\""));
    let read_only = app(&f, false, None);
    for path in [
        "/partners/unicef",
        "/agreements/MOU-2025-001",
        "/engagements/ENG-2026-001",
        "/engagements",
    ] {
        let a = send(&read_only, get(path));
        assert_eq!(a.status, StatusCode::OK);
        for word in ["/edit", "/new", "/renew", "/terminate"] {
            assert!(
                !a.body.contains(word),
                "{word} on {path} without --allow-edit"
            );
        }
    }
}

#[test]
fn edit_forms_open_holding_the_current_values() {
    let f = fixture(0);
    let app = app(&f, true, None);
    let p = send(&app, get("/partners/unicef/edit?lang=ar"));
    assert_eq!(p.status, StatusCode::OK);
    let v = form_values(&p.body);
    assert!(v.contains(&("name".into(), "UNICEF".into())), "{v:?}");
    assert!(v.contains(&("alias".into(), "اليونيسيف".into())), "{v:?}");
    assert!(v.contains(&("category".into(), "intergovernmental".into())));
    assert!(p.body.contains(r#"<html lang="ar" dir="rtl">"#));
    let a = form_values(&send(&app, get("/agreements/MOU-2025-001/edit")).body);
    for (k, want) in [
        ("signed", "2025-01-10"),
        ("expires", "2028-01-09"),
        ("partner", "unicef"),
        ("sdg", "16"),
        ("kind", "mou"),
        ("title", "Child protection"),
    ] {
        assert!(a.contains(&(k.into(), want.into())), "{k}={want} in {a:?}");
    }
    let e = form_values(&send(&app, get("/engagements/ENG-2026-001/edit")).body);
    for (k, want) in [
        ("title", "Workshop <b>bold</b>"),
        ("on", "2026-05-01"),
        ("until", "2026-05-02"),
        ("place", "Vienna"),
        ("country", "AT"),
        ("participants", "12"),
        ("kind", "workshop"),
    ] {
        assert!(e.contains(&(k.into(), want.into())), "{k}={want} in {e:?}");
    }
    // Hostile values are escaped in the page and held exactly in the fields.
    let evil = send(&app, get("/partners/evil/edit"));
    for raw in ["<script", "<img"] {
        assert!(!evil.body.contains(raw), "{}", evil.body);
    }
    let v = form_values(&evil.body);
    assert!(v.contains(&("name".into(), "Evil <script>alert(1)</script>".into())));
    assert!(v.contains(&("alias".into(), "<img src=x onerror=alert(1)>".into())));
    assert!(v.contains(&("note".into(), "abc\u{202e}fed".into())));
    let missing = send(&app, get("/engagements/ENG-1999-009/edit"));
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    let no_contact = send(&app, get("/contacts/999/edit"));
    assert_eq!(no_contact.status, StatusCode::NOT_FOUND);
}

#[test]
fn a_form_sent_unchanged_changes_nothing() {
    let f = fixture(0);
    let app = app(&f, true, None);
    let id = add_contact(&f, &app, "Amina", true);
    let before_contact = history(&f, "contact", id, &id.to_string()).len();
    for (form, page) in [
        ("/partners/unicef/edit", "/partners/unicef"),
        ("/partners/evil/edit", "/partners/evil"),
        ("/agreements/MOU-2025-001/edit", "/agreements/MOU-2025-001"),
        (
            "/engagements/ENG-2026-001/edit",
            "/engagements/ENG-2026-001",
        ),
        (&format!("/contacts/{id}/edit"), "/partners/unicef"),
    ] {
        let values = form_values(&send(&app, get(form)).body);
        let before = (partner_history(&f, "unicef"), partner_history(&f, "evil"));
        let a = send(&app, post_values(form, &values));
        assert_eq!(a.status, StatusCode::SEE_OTHER, "{form}: {}", a.body);
        assert_eq!(a.headers[header::LOCATION], page);
        let after = (partner_history(&f, "unicef"), partner_history(&f, "evil"));
        assert_eq!(before, after, "{form} wrote history");
    }
    assert_eq!(
        history(&f, "contact", id, &id.to_string()).len(),
        before_contact
    );
    let store = f.ctx.open(Access::Read).unwrap();
    let e = store
        .find_engagement("ENG-2026-001", f.ctx.today)
        .unwrap()
        .0;
    assert_eq!(e.updated_at, "2026-06-15T10:00:00Z");
    assert_eq!(e.title, "Workshop <b>bold</b>");
    let evil = store.find_partner("evil").unwrap();
    assert_eq!(evil.notes.as_deref(), Some("abc\u{202e}fed"));
    assert_eq!(evil.aliases, ["<img src=x onerror=alert(1)>"]);
}

#[test]
fn a_changed_field_is_written_as_mou_edit_writes_it() {
    let f = fixture(0);
    let app = app(&f, true, None);
    let before = partner_history(&f, "unicef").len();
    let values = form_values(&send(&app, get("/partners/unicef/edit")).body);
    let values = typed(values, "website", "https://unicef.example");
    let values = typed(values, "alias", "يونيسف");
    let a = send(&app, post_values("/partners/unicef/edit", &values));
    assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.body);
    let store = f.ctx.open(Access::Read).unwrap();
    let p = store.find_partner("unicef").unwrap();
    assert_eq!(p.website.as_deref(), Some("https://unicef.example"));
    assert_eq!(p.aliases, ["يونيسف"]);
    drop(store);
    let rows = partner_history(&f, "unicef");
    assert_eq!(rows.len(), before + 1, "{rows:?}");
    assert_eq!(rows.last().unwrap().0, "web-tester");
    // A list emptied and a date cleared: --remove-tag for each, --clear expires.
    let values = form_values(&send(&app, get("/agreements/MOU-2025-001/edit")).body);
    let values = typed(values, "tag", "water, sanitation");
    let values = typed(values, "sdg", "6");
    let a = send(&app, post_values("/agreements/MOU-2025-001/edit", &values));
    assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.body);
    let values = form_values(&send(&app, get("/agreements/MOU-2025-001/edit")).body);
    assert!(values.contains(&("tag".into(), "water, sanitation".into())));
    let values: Vec<_> = values
        .into_iter()
        .map(|(k, v)| match k.as_str() {
            "tag" | "expires" => (k, String::new()),
            _ => (k, v),
        })
        .collect();
    let a = send(&app, post_values("/agreements/MOU-2025-001/edit", &values));
    assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.body);
    let store = f.ctx.open(Access::Read).unwrap();
    let (g, _) = store.find_agreement("MOU-2025-001", f.ctx.today).unwrap();
    assert!(g.tags.is_empty(), "{:?}", g.tags);
    assert_eq!(g.sdgs, [6]);
    assert_eq!(g.expires_on, None);
    // An engagement: a switch ticked, a field emptied (--clear place).
    let values = form_values(&send(&app, get("/engagements/ENG-2026-001/edit")).body);
    let values = typed(typed(values, "place", ""), "public", "on");
    let a = send(&app, post_values("/engagements/ENG-2026-001/edit", &values));
    assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.body);
    let (e, _) = store.find_engagement("ENG-2026-001", f.ctx.today).unwrap();
    assert!(e.public);
    assert_eq!(e.place, None);
    assert_eq!(e.title, "Workshop <b>bold</b>");
}

#[test]
fn edit_forms_refuse_as_the_command_line_does() {
    let f = fixture(0);
    let app = app(&f, true, None);
    let values = form_values(&send(&app, get("/partners/unicef/edit")).body);
    let bad = typed(values.clone(), "country", "<script>alert(1)</script>");
    let a = send(&app, post_values("/partners/unicef/edit", &bad));
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
    assert!(a.body.contains("field-error"), "{}", a.body);
    assert!(a.body.contains("invalid country"), "{}", a.body);
    assert_no_raw_markup(&a);
    let values = form_values(&send(&app, get("/engagements/ENG-2026-001/edit")).body);
    let bad = typed(values, "participants", "<img src=x onerror=alert(1)>");
    let a = send(&app, post_values("/engagements/ENG-2026-001/edit", &bad));
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
    assert!(a.body.contains("invalid participants"), "{}", a.body);
    assert!(a.body.contains("field-error"), "{}", a.body);
    assert_no_raw_markup(&a);
    let id = add_contact(&f, &app, "Omar", false);
    let form = format!("/contacts/{id}/edit");
    let values = form_values(&send(&app, get(&form)).body);
    let bad = typed(values, "email", "omar\u{202e}@example");
    let a = send(&app, post_values(&form, &bad));
    assert_eq!(a.status, StatusCode::BAD_REQUEST, "{}", a.body);
    assert!(a.body.contains("\\u{202e}"), "{}", a.body);
    assert_no_raw_markup(&a);
    // An emptied required value: the CLI's refusal, nothing changed.
    let values = form_values(&send(&app, get("/partners/evil/edit")).body);
    let a = send(
        &app,
        post_values("/partners/evil/edit", &typed(values, "name", "")),
    );
    assert_eq!(a.status, StatusCode::BAD_REQUEST, "{}", a.body);
    assert!(
        a.body.contains("field-error\"><bdi>mou: name is empty"),
        "{}",
        a.body
    );
    assert_no_raw_markup(&a);
    let store = f.ctx.open(Access::Read).unwrap();
    assert_eq!(store.find_partner("unicef").unwrap().country, None);
    assert_eq!(
        store.find_partner("evil").unwrap().name,
        "Evil <script>alert(1)</script>"
    );
    // No CSRF token: 403, nothing written; read only: 403 and 405.
    let a = send(
        &app,
        post("/engagements/ENG-2026-001/edit", &[("title", "Stolen")]),
    );
    assert_eq!(a.status, StatusCode::FORBIDDEN);
    let read_only = super::tests::app(&f, false, None);
    for path in [
        "/partners/unicef/edit",
        "/agreements/MOU-2025-001/edit",
        "/engagements/ENG-2026-001/edit",
        &form,
    ] {
        assert_eq!(send(&read_only, get(path)).status, StatusCode::FORBIDDEN);
        let a = send(&read_only, post(path, &[("csrf", CSRF), ("title", "x")]));
        assert_eq!(a.status, StatusCode::METHOD_NOT_ALLOWED, "{path}");
    }
    let (e, _) = store.find_engagement("ENG-2026-001", f.ctx.today).unwrap();
    assert_eq!(e.title, "Workshop <b>bold</b>");
}

#[test]
fn a_new_primary_contact_demotes_the_old_one_and_the_form_says_so() {
    let f = fixture(0);
    let app = app(&f, true, None);
    let form = send(&app, get("/contacts/new?partner=unicef"));
    assert!(form.body.contains("at most one current primary contact"));
    let ar = send(&app, get("/contacts/new?partner=unicef&lang=ar"));
    assert!(ar.body.contains("جهة اتصال رئيسية حالية واحدة"));
    let first = add_contact(&f, &app, "Amina", true);
    let second = add_contact(&f, &app, "Omar", true);
    let store = f.ctx.open(Access::Read).unwrap();
    assert!(!store.contact_by_id(first).unwrap().unwrap().primary);
    assert!(store.contact_by_id(second).unwrap().unwrap().primary);
    let edit = send(&app, get(&format!("/contacts/{first}/edit")));
    assert!(edit.body.contains("at most one current primary contact"));
    let values = form_values(&edit.body);
    assert!(values.contains(&("lang".into(), "ar".into())), "{values:?}");
    let values = typed(typed(values, "primary", "on"), "role", "Focal point");
    let a = send(
        &app,
        post_values(&format!("/contacts/{first}/edit"), &values),
    );
    assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.body);
    assert_eq!(a.headers[header::LOCATION], "/partners/unicef");
    let c = store.contact_by_id(first).unwrap().unwrap();
    assert!(c.primary);
    assert_eq!(c.role.as_deref(), Some("Focal point"));
    assert!(!store.contact_by_id(second).unwrap().unwrap().primary);
    let rows = history(&f, "contact", first, &first.to_string());
    assert_eq!(rows.last().unwrap().0, "web-tester", "{rows:?}");
    // Unticked: --clear primary.
    let values = form_values(&send(&app, get(&format!("/contacts/{first}/edit"))).body);
    let values: Vec<_> = values
        .into_iter()
        .filter(|(k, v)| !(k == "primary" && v == "on"))
        .collect();
    let a = send(
        &app,
        post_values(&format!("/contacts/{first}/edit"), &values),
    );
    assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.body);
    assert!(!store.contact_by_id(first).unwrap().unwrap().primary);
}

#[test]
fn engagement_lists_take_the_filters_of_list_engagements() {
    let f = fixture(0);
    let app = app(&f, false, None);
    let has = |path: &str| {
        let a = send(&app, get(path));
        assert_eq!(a.status, StatusCode::OK, "{path}: {}", a.body);
        a.body.contains("ENG-2026-001")
    };
    for path in [
        "/engagements?kind=workshop",
        "/engagements?status=held",
        "/engagements?held-in=2026Q2",
        "/engagements?country=AT&partner=unicef",
        "/engagements.csv?held-in=2026-05",
        "/engagements.json?kind=workshop,meeting",
    ] {
        assert!(has(path), "{path}");
    }
    for path in [
        "/engagements?kind=meeting",
        "/engagements?status=planned",
        "/engagements?held-in=2025",
        "/engagements.csv?held-in=2025",
        "/engagements.json?status=cancelled",
    ] {
        assert!(!has(path), "{path}");
    }
    let xlsx = send(&app, get("/engagements.xlsx?held-in=2026"));
    assert_eq!(xlsx.status, StatusCode::OK);
    assert!(xlsx.headers[header::CONTENT_TYPE]
        .to_str()
        .unwrap()
        .contains("spreadsheetml"));
    // The CLI's refusals, in its words.
    let a = send(&app, get("/engagements?signed-in=2026"));
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
    assert!(a.body.contains("held-in, agreement"), "{}", a.body);
    let a = send(&app, get("/engagements.csv?kind=mou"));
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
    let a = send(&app, get("/engagements?held-in=%3Cscript%3E"));
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
    assert_no_raw_markup(&a);
    let a = send(&app, get("/agreements?held-in=2026"));
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
    // The download links carry the filters.
    let page = send(&app, get("/engagements?held-in=2026Q2&kind=workshop"));
    assert!(page
        .body
        .contains("/engagements.xlsx?held-in=2026Q2&amp;kind=workshop"));
}

#[test]
fn the_dashboard_shows_the_html_reports_charts() {
    let f = fixture(0);
    let app = app(&f, true, None);
    // An agreement due in the window, so that the due table has a row.
    let a = send(
        &app,
        post(
            "/agreements/new",
            &[
                ("csrf", CSRF),
                ("kind", "mou"),
                ("partner", "unicef"),
                ("title", "Due soon"),
                ("signed", "2025-07-02"),
                ("expires", "2026-07-01"),
            ],
        ),
    );
    assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.body);
    let en = send(&app, get("/"));
    assert_eq!(en.status, StatusCode::OK);
    assert!(en.body.contains("<svg role=\"img\""), "{}", en.body);
    for words in [
        "Partners by category",
        "Agreements by kind",
        "Days left",
        "Due on",
    ] {
        assert!(en.body.contains(words), "{words}");
    }
    assert!(!en.body.contains(">days_left<"), "{}", en.body);
    assert_no_raw_markup(&en);
    // The same SVG as `mou report --format html`.
    let store = f.ctx.open(Access::Read).unwrap();
    let filter = f
        .ctx
        .filter(&*store, &crate::cli::FilterArgs::default())
        .unwrap();
    let r =
        crate::commands::summary::summary_report(&*store, &filter, &[crate::milestone::Lang::En])
            .unwrap();
    let mut doc = Vec::new();
    crate::report::html::summary(&mut doc, &r, crate::milestone::Lang::En).unwrap();
    let doc = String::from_utf8(doc).unwrap();
    let svg = &en.body[en.body.find("<svg role").unwrap()..];
    let svg = &svg[..svg.find("</svg>").unwrap()];
    assert!(doc.contains(svg), "{svg}");
    let ar = send(&app, get("/?lang=ar"));
    for words in [
        "الشركاء حسب الفئة",
        "الاتفاقيات حسب النوع",
        "الأيام المتبقية",
        "تاريخ الاستحقاق",
        "ينتهي",
        "direction=\"rtl\"",
    ] {
        assert!(ar.body.contains(words), "{words}");
    }
    for english in ["Partners by category", ">expires<", ">Days left<"] {
        assert!(!ar.body.contains(english), "{english} on the Arabic page");
    }
    assert_no_raw_markup(&ar);
    let csp = en.headers[header::CONTENT_SECURITY_POLICY]
        .to_str()
        .unwrap();
    assert!(csp.contains("default-src 'none'") && !csp.contains("unsafe-inline"));
    for path in [
        "/reports/quarterly/2026Q2",
        "/reports/quarterly/2026Q2?lang=ar",
    ] {
        let q = send(&app, get(path));
        assert_eq!(q.status, StatusCode::OK, "{}", q.body);
        assert!(q.body.matches("<svg role=\"img\"").count() >= 3, "{path}");
        assert_no_raw_markup(&q);
    }
    let due = send(&app, get("/due?lang=ar"));
    assert!(due.body.contains("ينتهي") && due.body.contains("المستحق"));
}
