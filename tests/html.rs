//! The HTML reports and the public page, read back with a real HTML parser (scraper, on
//! html5ever): the figures equal the JSON report's, nothing points outside the file, Arabic
//! pages are right to left, hostile text is escaped, and the public page names only what is
//! marked public.

mod common;
use common::*;

use scraper::{ElementRef, Html, Selector};

use mou::dates::parse_stored;
use mou::model::{Engagement, EngagementKind};
use mou::registry::Registry;
use mou::store::{self, Access, Location, Options};

fn sel(s: &str) -> Selector {
    Selector::parse(s).unwrap_or_else(|e| panic!("selector {s}: {e:?}"))
}

fn text(e: ElementRef<'_>) -> String {
    e.text().collect()
}

/// The figures of a table row `tr[data-key=key]` inside `scope`.
fn row(doc: &Html, scope: &str, key: &str) -> Vec<i64> {
    let s = sel(&format!("{scope} tr[data-key=\"{key}\"] td"));
    let cells: Vec<i64> = doc
        .select(&s)
        .map(|td| text(td).trim().parse().unwrap())
        .collect();
    assert!(!cells.is_empty(), "no row {key} in {scope}");
    cells
}

/// A headline figure and the figure beside it (`previous quarter N`).
fn headline(doc: &Html, key: &str) -> (i64, Option<i64>) {
    let div = doc
        .select(&sel(&format!("dl.figures div[data-key=\"{key}\"]")))
        .next()
        .unwrap_or_else(|| panic!("no headline {key}"));
    let value = div
        .select(&sel("data"))
        .next()
        .and_then(|d| d.value().attr("value"))
        .unwrap()
        .parse()
        .unwrap();
    let beside = div
        .select(&sel("small"))
        .next()
        .map(|s| text(s).split_whitespace().last().unwrap().parse().unwrap());
    (value, beside)
}

fn engagement(title: &str, on: &str, partners: &[&str], sdgs: &[u8], public: bool) -> Engagement {
    Engagement {
        id: 0,
        reference: String::new(),
        kind: EngagementKind::Meeting,
        title: title.into(),
        partners: partners.iter().map(|p| p.to_string()).collect(),
        starts_on: parse_stored(on).unwrap(),
        ends_on: parse_stored(on).unwrap(),
        place: Some("Vienna".into()),
        country: Some("AT".into()),
        agreement: None,
        part_of: None,
        sdgs: sdgs.to_vec(),
        tags: vec![],
        participants: None,
        outcome: None,
        notes: None,
        document: None,
        cancelled: false,
        public,
        created_at: NOW.into(),
        updated_at: NOW.into(),
    }
}

const HOSTILE_NAME: &str = "<script>alert(1)</script> Org";
const HOSTILE_ALIAS: &str = "<img src=x onerror=alert(2)>";
const HOSTILE_TITLE: &str = "Tricky \u{202e}eltit\u{202c} <script>alert(3)</script>";

/// The sample registry, with UNICEF and a hostile-named partner marked public and five
/// engagements: public ones with public and private partners, one with private partners
/// only, a private one and a cancelled one.
fn registry() -> Env {
    let env = Env::sample();
    // The sample marks some partners public; here only those the tests choose are.
    for key in [
        "unicef",
        "iatf-religion",
        "danube-interfaith",
        "hukama-salam",
        "vids",
        "kalima-tayyiba",
        "sindiyan-univ",
    ] {
        env.run(&["edit", "partner", key, "--clear", "public"]).ok();
    }
    let csv = format!(
        "key,name,aliases,category,country,public\nhostile,\"{HOSTILE_NAME}\",\"{HOSTILE_ALIAS}\",ngo,AT,true\n"
    );
    env.write("more.csv", &csv);
    env.run(&["import", "partners", "more.csv"]).ok();
    let mut s = store::open(
        &Location::File(env.db.clone()),
        Access::Write,
        &Options::default(),
    )
    .unwrap();
    s.write(|s| {
        let mut unicef = s.find_partner("unicef")?;
        unicef.public = true;
        s.update_partner(&unicef)?;
        let reg = Registry::new(s, "tester", Some(NOW));
        let mut cancelled = engagement("CANCELLED-EVENT", "2026-08-20", &["unicef"], &[16], true);
        cancelled.cancelled = true;
        for mut e in [
            engagement(
                "Expert meeting on child protection",
                "2026-08-10",
                &["unicef", "iatf-religion"],
                &[16, 17],
                true,
            ),
            engagement(
                "Side event at the General Assembly",
                "2026-09-21",
                &["iatf-religion"],
                &[16],
                true,
            ),
            engagement("SECRET-MEETING", "2026-07-15", &["unicef"], &[4], false),
            engagement(
                HOSTILE_TITLE,
                "2026-05-02",
                &["hostile", "unicef"],
                &[5],
                true,
            ),
            cancelled,
        ] {
            let year = chrono::Datelike::year(&e.starts_on);
            e.reference = reg.new_engagement_ref(None, year)?;
            let on = e.starts_on;
            let links = reg.resolve_engagement(&mut e, on)?;
            reg.add_engagement(&e, &links)?;
        }
        Ok(())
    })
    .unwrap();
    env
}

fn page(env: &Env, args: &[&str]) -> (String, Html) {
    let out = env.run(args).ok().to_string();
    let doc = Html::parse_document(&out);
    (out, doc)
}

#[test]
fn quarterly_page_shows_the_json_reports_figures() {
    let env = registry();
    let j = json(
        env.run(&["report", "quarterly", "2026Q3", "--format", "json"])
            .ok(),
    );
    for lang in ["en", "ar"] {
        let (_, doc) = page(
            &env,
            &[
                "report",
                "quarterly",
                "2026Q3",
                "--format",
                "html",
                "--lang",
                lang,
            ],
        );
        for (key, pair) in j["figures"].as_object().unwrap() {
            let (cur, prev) = headline(&doc, key);
            assert_eq!(cur, pair["current"].as_i64().unwrap(), "{lang} {key}");
            assert_eq!(prev, pair["previous"].as_i64(), "{lang} {key}");
        }
        let cats = "figure[data-key=\"active_partners_by_category\"]";
        for (key, pair) in j["active_partners_by_category"].as_object().unwrap() {
            let want = vec![
                pair["current"].as_i64().unwrap(),
                pair["previous"].as_i64().unwrap(),
            ];
            assert_eq!(row(&doc, cats, key), want, "{lang} {key}");
        }
        let goals = "figure[data-key=\"active_by_sdg\"]";
        for g in j["active_by_sdg"].as_array().unwrap() {
            let n = g["sdg"].to_string();
            assert_eq!(
                row(&doc, goals, &n)[0],
                g["current"].as_i64().unwrap(),
                "{lang} SDG {n}"
            );
        }
        // Engagements held in the quarter: the expert meeting (16, 17) and the side event (16);
        // the private one counts (4), the cancelled one and the one in Q2 do not.
        assert_eq!(row(&doc, goals, "16")[1], 2);
        assert_eq!(row(&doc, goals, "17")[1], 1);
        assert_eq!(row(&doc, goals, "4")[1], 1);
        assert_eq!(row(&doc, goals, "5")[1], 0);
        // The eight quarters up to 2026Q3: the last two are the report's own figures.
        let trend = "figure[data-key=\"active_at_end_by_quarter\"]";
        let quarters: Vec<String> = doc
            .select(&sel(&format!("{trend} tbody th")))
            .map(text)
            .collect();
        assert_eq!(
            quarters,
            ["2024Q4", "2025Q1", "2025Q2", "2025Q3", "2025Q4", "2026Q1", "2026Q2", "2026Q3"]
        );
        let active = &j["figures"]["active_at_end"];
        assert_eq!(
            row(&doc, trend, "2026Q3"),
            [active["current"].as_i64().unwrap()]
        );
        assert_eq!(
            row(&doc, trend, "2026Q2"),
            [active["previous"].as_i64().unwrap()]
        );
        let flows = "figure[data-key=\"signed_expired_by_quarter\"]";
        assert_eq!(
            row(&doc, flows, "2026Q3"),
            [
                j["figures"]["signed"]["current"].as_i64().unwrap(),
                j["figures"]["expired"]["current"].as_i64().unwrap()
            ]
        );
    }
    // An older quarter in the chart holds that quarter's own report figures.
    let old = json(
        env.run(&["report", "quarterly", "2025Q1", "--format", "json"])
            .ok(),
    );
    let (_, doc) = page(&env, &["report", "quarterly", "2026Q3", "--format", "html"]);
    assert_eq!(
        row(
            &doc,
            "figure[data-key=\"signed_expired_by_quarter\"]",
            "2025Q1"
        ),
        [
            old["figures"]["signed"]["current"].as_i64().unwrap(),
            old["figures"]["expired"]["current"].as_i64().unwrap()
        ]
    );
}

#[test]
fn summary_page_shows_the_json_reports_figures() {
    let env = registry();
    let j = json(env.run(&["report", "--format", "json"]).ok());
    let (_, doc) = page(&env, &["report", "--format", "html"]);
    for key in [
        "partners",
        "agreements",
        "partners_with_active_mou",
        "engagements",
        "partners_engaged",
        "partners_engaged_without_mou",
    ] {
        assert_eq!(headline(&doc, key).0, j[key].as_i64().unwrap(), "{key}");
    }
    for section in [
        "partners_by_category",
        "agreements_by_kind",
        "agreements_by_status",
    ] {
        for (key, n) in j[section].as_object().unwrap() {
            let scope = format!("figure[data-key=\"{section}\"]");
            assert_eq!(
                row(&doc, &scope, key),
                [n.as_i64().unwrap()],
                "{section} {key}"
            );
        }
    }
    let sentences: Vec<(String, Option<String>)> = doc
        .select(&sel("p.milestone"))
        .map(|p| (text(p), p.value().attr("lang").map(String::from)))
        .collect();
    assert_eq!(
        sentences,
        [
            (j["milestone"]["en"].as_str().unwrap().to_string(), None),
            (
                j["milestone"]["ar"].as_str().unwrap().to_string(),
                Some("ar".into())
            ),
            (
                j["engagement_milestone"]["en"]
                    .as_str()
                    .unwrap()
                    .to_string(),
                None
            ),
            (
                j["engagement_milestone"]["ar"]
                    .as_str()
                    .unwrap()
                    .to_string(),
                Some("ar".into())
            )
        ]
    );
}

#[test]
fn dormant_page_shows_the_json_reports_rows() {
    let env = registry();
    let args = ["report", "dormant", "--months", "6"];
    let j = json(env.run(&[&args[..], &["--format", "json"]].concat()).ok());
    let rows = j.as_array().unwrap();
    assert!(!rows.is_empty(), "the sample has dormant partners");
    for lang in ["en", "ar"] {
        let (_, doc) = page(
            &env,
            &[&args[..], &["--format", "html", "--lang", lang]].concat(),
        );
        assert_eq!(headline(&doc, "dormant").0, rows.len() as i64);
        let keys: Vec<&str> = doc
            .select(&sel("table[data-key=\"dormant\"] tbody tr"))
            .map(|r| r.value().attr("data-key").unwrap())
            .collect();
        let want: Vec<&str> = rows.iter().map(|r| r["key"].as_str().unwrap()).collect();
        assert_eq!(
            keys, want,
            "{lang}: every dormant partner, in the report's order"
        );
        for r in rows.iter().filter(|r| !r["days_since"].is_null()).take(25) {
            let key = r["key"].as_str().unwrap();
            let days = row(&doc, "figure[data-key=\"days_since\"]", key);
            assert_eq!(days, [r["days_since"].as_i64().unwrap()], "{lang} {key}");
        }
    }
}

/// Every page mou writes, in both languages.
fn every_page(env: &Env) -> Vec<(String, String)> {
    let mut out = vec![];
    for lang in ["en", "ar"] {
        for args in [
            vec!["report", "--format", "html"],
            vec!["report", "quarterly", "2026Q3", "--format", "html"],
            vec!["report", "dormant", "--format", "html"],
            vec!["report", "page"],
        ] {
            let mut args = args.clone();
            args.extend(["--lang", lang]);
            out.push((lang.to_string(), env.run(&args).ok().to_string()));
        }
    }
    out
}

#[test]
fn pages_are_self_contained_accessible_and_in_their_direction() {
    let env = registry();
    for (lang, html) in every_page(&env) {
        assert!(
            !html.contains("http://") && !html.contains("https://"),
            "{html}"
        );
        assert!(!html.contains("url("), "no CSS resource");
        let doc = Html::parse_document(&html);
        let root = doc.root_element();
        assert_eq!(root.value().attr("lang"), Some(lang.as_str()));
        let dir = if lang == "ar" { "rtl" } else { "ltr" };
        assert_eq!(root.value().attr("dir"), Some(dir));
        for e in root.descendants().filter_map(ElementRef::wrap) {
            let name = e.value().name();
            assert!(
                !["script", "link", "img", "iframe", "object", "embed", "image", "use"]
                    .contains(&name),
                "<{name}> in the page"
            );
            for (attr, value) in e.value().attrs() {
                assert!(
                    !["src", "href", "srcset", "xlink:href", "action"].contains(&attr)
                        && !attr.starts_with("on"),
                    "{attr}={value} on <{name}>"
                );
            }
        }
        for svg in doc.select(&sel("svg")) {
            assert_eq!(svg.value().attr("role"), Some("img"));
            assert_eq!(svg.value().attr("direction"), Some(dir));
            let ids: Vec<&str> = svg
                .value()
                .attr("aria-labelledby")
                .unwrap()
                .split(' ')
                .collect();
            let title = svg.select(&sel("title")).next().unwrap();
            let desc = svg.select(&sel("desc")).next().unwrap();
            assert_eq!(
                ids,
                [title.value().id().unwrap(), desc.value().id().unwrap()]
            );
            assert!(!text(title).is_empty() && text(desc).contains(':'));
        }
        let style: String = doc.select(&sel("style")).map(text).collect();
        assert!(style.contains("@page{size:A4"));
    }
    let (_, doc) = page(
        &env,
        &[
            "report",
            "quarterly",
            "2026Q3",
            "--format",
            "html",
            "--lang",
            "ar",
        ],
    );
    assert_eq!(
        text(doc.select(&sel("h1")).next().unwrap()),
        "التقرير الفصلي 2026Q3"
    );
    // Dates in Arabic sentences are isolated left to right, so that they read as written.
    let sub = doc
        .select(&sel("p.sub bdi[dir=\"ltr\"]"))
        .map(text)
        .collect::<Vec<_>>();
    assert_eq!(sub, ["2026-07-01", "2026-09-30"]);
}

#[test]
fn the_public_page_names_only_public_records() {
    let env = registry();
    let (html, doc) = page(&env, &["report", "page"]);
    let sections: Vec<&str> = doc
        .select(&sel("section.partner"))
        .map(|s| s.value().attr("data-key").unwrap())
        .collect();
    assert_eq!(sections, ["hostile", "unicef"], "public partners, by key");
    for hidden in [
        "SECRET-MEETING",
        "CANCELLED-EVENT",
        "Inter-Agency Task Force",
        "iatf-religion",
    ] {
        assert!(!html.contains(hidden), "{hidden} on the public page");
    }
    let unicef = doc
        .select(&sel("section[data-key=\"unicef\"]"))
        .next()
        .unwrap();
    let items: Vec<String> = unicef.select(&sel("li strong")).map(text).collect();
    assert_eq!(items.len(), 2, "{items:?}");
    assert_eq!(items[0], "Expert meeting on child protection");
    let with: Vec<String> = unicef.select(&sel("li .with")).map(text).collect();
    assert_eq!(
        with[0], "With one other partner",
        "a private partner goes unnamed"
    );
    assert!(with[1].contains(HOSTILE_NAME), "{with:?}");
    // The side event's only partner is private: it is listed unnamed under other activities.
    let others: Vec<String> = doc.select(&sel("ul.items li")).map(text).collect();
    assert!(others
        .iter()
        .any(|t| t.starts_with("Side event") && t.contains("With one other partner")));
    let kinds: Vec<&str> = doc
        .select(&sel("ul.kinds li"))
        .map(|l| l.value().attr("data-key").unwrap())
        .collect();
    assert!(kinds.contains(&"intergovernmental") && kinds.contains(&"ngo"));
    // In Arabic, UNICEF is named by its Arabic alias.
    let (_, doc) = page(&env, &["report", "page", "--lang", "ar"]);
    let names: Vec<String> = doc.select(&sel("section.partner h3")).map(text).collect();
    assert!(names.contains(&"اليونيسيف".to_string()), "{names:?}");
}

#[test]
fn hostile_text_is_shown_not_run() {
    let env = registry();
    let (html, doc) = page(&env, &["report", "page"]);
    assert!(
        !html.contains('\u{202e}'),
        "a direction override reaches the page"
    );
    let hostile = doc
        .select(&sel("section[data-key=\"hostile\"]"))
        .next()
        .unwrap();
    assert_eq!(
        text(hostile.select(&sel("h3")).next().unwrap()),
        HOSTILE_NAME
    );
    let title = text(hostile.select(&sel("li strong")).next().unwrap());
    assert_eq!(
        title,
        "Tricky \\u{202e}eltit\\u{202c} <script>alert(3)</script>"
    );
    assert_eq!(doc.select(&sel("script")).count(), 0);
    // The alias is the name in no script of the page's: it is not shown, and nothing of it
    // became markup.
    assert_eq!(doc.select(&sel("img")).count(), 0);
    let (_, doc) = page(&env, &["report", "page", "--lang", "ar"]);
    assert_eq!(doc.select(&sel("script, img")).count(), 0);
}

#[test]
fn html_goes_where_it_is_asked_and_nowhere_else() {
    let env = registry();
    env.run(&["report", "quarterly", "2026Q3", "-o", "q.html"])
        .ok();
    let q = std::fs::read_to_string(env.path("q.html")).unwrap();
    assert!(q.starts_with("<!DOCTYPE html>") && q.contains("data-key=\"active_by_sdg\""));
    env.run(&["report", "page", "-o", "page.html", "--lang", "ar"])
        .ok();
    assert!(std::fs::read_to_string(env.path("page.html"))
        .unwrap()
        .contains("dir=\"rtl\""));
    env.run(&["report", "summary", "-o", "s.json"]).ok();
    json(&std::fs::read_to_string(env.path("s.json")).unwrap());
    env.run(&["report", "page", "--format", "json"])
        .fails(2, &["cannot write json", "it writes html"]);
    env.run(&["report", "quarterly", "2026Q3", "--lang", "ar"])
        .fails(2, &["--lang", "--format html"]);
    env.run(&["report", "by", "kind", "--format", "html"])
        .fails(2, &["cannot write html"]);
    env.run(&["report", "--category", "ngo", "page"])
        .fails(2, &["takes no filters"]);
}

// ---------------------------------------------------------------------------------------------
// In a real browser

/// The Chromium to run: `$MOU_CHROMIUM`, else the first of Debian's and others' names on PATH.
fn chromium() -> Option<std::path::PathBuf> {
    if let Some(p) = std::env::var_os("MOU_CHROMIUM").filter(|p| !p.is_empty()) {
        return Some(p.into());
    }
    let path = std::env::var_os("PATH")?;
    ["chromium", "chromium-browser", "google-chrome", "chrome"]
        .iter()
        .flat_map(|name| std::env::split_paths(&path).map(move |d| d.join(name)))
        .find(|p| p.is_file())
}

/// Runs headless Chromium on `page` with `action` (`--screenshot=...` or
/// `--print-to-pdf=...`), a fresh profile, nothing fetched, killed after two minutes; returns
/// what it logged.
fn run_chromium(chrome: &std::path::Path, page: &std::path::Path, action: &str) -> String {
    use std::process::{Command, Stdio};
    let profile = tempfile::tempdir().unwrap();
    let mut child = Command::new(chrome)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
            "--no-pdf-header-footer",
            "--enable-logging=stderr",
            "--v=0",
            "--window-size=1100,2400",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg(action)
        .arg(format!("file://{}", page.display()))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("chromium starts");
    let started = std::time::Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > std::time::Duration::from_secs(120) {
            let _ = child.kill();
            panic!(
                "chromium did not finish {action} on {} in two minutes",
                page.display()
            );
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    let out = child.wait_with_output().unwrap();
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The console messages in Chromium's log: any at all (an error, a blocked resource, a
/// refused script) is a fault of the page.
fn console_messages(log: &str) -> Vec<&str> {
    log.lines()
        .filter(|l| l.contains(":CONSOLE") || l.contains("Uncaught"))
        .collect()
}

#[test]
fn renders_in_chromium_without_console_messages() {
    use std::io::Write as _;
    let Some(chrome) = chromium() else {
        // Written past the test harness's capture, so that a skipped run says so.
        let _ = writeln!(
            std::io::stderr(),
            "renders_in_chromium_without_console_messages: SKIPPED: no chromium binary found \
             (apt-get install chromium, or set MOU_CHROMIUM)"
        );
        return;
    };
    let env = registry();
    let out = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("browser");
    std::fs::create_dir_all(&out).unwrap();
    // The detector sees a console message: a page that breaks its own policy logs one.
    let control = out.join("control.html");
    std::fs::write(
        &control,
        "<!DOCTYPE html><meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'\"><script>x()</script>",
    )
    .unwrap();
    let log = run_chromium(
        &chrome,
        &control,
        &format!("--screenshot={}", out.join("control.png").display()),
    );
    assert!(
        !console_messages(&log).is_empty(),
        "a refused script logs nothing:\n{log}"
    );
    for lang in ["en", "ar"] {
        for (name, args) in [
            (
                "quarterly",
                vec!["report", "quarterly", "2026Q3", "--format", "html"],
            ),
            ("page", vec!["report", "page"]),
        ] {
            let base = format!("{name}-{lang}");
            let html = out.join(format!("{base}.html"));
            let mut args = args.clone();
            args.extend(["--lang", lang, "-o"]);
            args.push(html.to_str().unwrap());
            env.run(&args).ok();
            let png = out.join(format!("{base}.png"));
            let pdf = out.join(format!("{base}.pdf"));
            for (action, file, magic) in [
                (
                    format!("--screenshot={}", png.display()),
                    &png,
                    &b"\x89PNG"[..],
                ),
                (
                    format!("--print-to-pdf={}", pdf.display()),
                    &pdf,
                    &b"%PDF"[..],
                ),
            ] {
                let _ = std::fs::remove_file(file);
                let log = run_chromium(&chrome, &html, &action);
                let messages = console_messages(&log);
                assert!(messages.is_empty(), "{base}: console says {messages:#?}");
                let bytes = std::fs::read(file)
                    .unwrap_or_else(|e| panic!("{base}: no {} ({e}):\n{log}", file.display()));
                assert!(
                    bytes.starts_with(magic) && bytes.len() > 2000,
                    "{base}: {} is not a picture of the page",
                    file.display()
                );
                if magic == b"%PDF" {
                    // The print style's @page size: A4 is 595 x 842 points.
                    let pdf = String::from_utf8_lossy(&bytes);
                    assert!(
                        pdf.contains("MediaBox [0 0 594.9"),
                        "{base}: the PDF is not A4"
                    );
                }
            }
        }
    }
    let _ = writeln!(
        std::io::stderr(),
        "screenshots and PDFs in {}",
        out.display()
    );
}
