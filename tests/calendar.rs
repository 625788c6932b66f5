//! Calendars: `export agreements --format ics` read back with a parser (the `ical` crate),
//! checked against the registry's own JSON export.

mod common;

use common::Env;
use ical::parser::ical::component::IcalEvent;
use std::collections::BTreeMap;

const TITLE: &str = "Water; sanitation, and \\ hygiene\nsecond line";
/// Long enough, in a two-byte script, to be folded inside the Arabic letters.
const AR_TITLE: &str =
    "مذكرة تفاهم بشأن التعاون في مجال الحوار بين أتباع الأديان والثقافات في منطقة الدانوب";

fn registry() -> Env {
    let env = Env::new();
    for (name, key) in [
        ("Société d'Études, Beirut", "etudes"),
        ("جامعة وادي السنديان", "oak"),
    ] {
        env.run(&[
            "add",
            "partner",
            name,
            "--category",
            "academic",
            "--key",
            key,
        ])
        .ok();
    }
    // Active, with a notice period: two events.
    env.run(&[
        "add",
        "mou",
        "--partner",
        "etudes",
        "--signed",
        "2025-01-01",
        "--term",
        "3y",
        "--notice",
        "90d",
        "--title",
        TITLE,
        "--ref",
        "MOU-2025-001",
    ])
    .ok();
    // Pending (effective later), Arabic title: two events.
    env.run(&[
        "add",
        "mou",
        "--partner",
        "oak",
        "--partner",
        "etudes",
        "--signed",
        "2026-10-01",
        "--effective",
        "2027-01-01",
        "--term",
        "2y",
        "--notice",
        "30d",
        "--title",
        AR_TITLE,
    ])
    .ok();
    // Active, no notice period: one event.
    env.run(&[
        "add",
        "agreement",
        "--partner",
        "oak",
        "--signed",
        "2026-01-01",
        "--expires",
        "2027-03-31",
    ])
    .ok();
    // None: expired, open-ended, a draft, terminated.
    env.run(&[
        "add",
        "mou",
        "--partner",
        "oak",
        "--signed",
        "2020-01-01",
        "--term",
        "1y",
    ])
    .ok();
    env.run(&["add", "mou", "--partner", "oak", "--signed", "2021-01-01"])
        .ok();
    env.run(&["add", "mou", "--partner", "oak", "--title", "draft"])
        .ok();
    let r = env.run(&[
        "add",
        "mou",
        "--partner",
        "oak",
        "--signed",
        "2024-01-01",
        "--term",
        "5y",
    ]);
    let terminated = r.ok().trim().to_string();
    env.run(&["terminate", &terminated, "--on", "2026-06-30"])
        .ok();
    env
}

fn prop(e: &IcalEvent, name: &str) -> Option<String> {
    e.properties
        .iter()
        .find(|p| p.name == name)
        .and_then(|p| p.value.clone())
}

/// RFC 5545 TEXT unescaping.
fn unescape(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('n') | Some('N') => out.push('\n'),
                Some(o) => out.push(o),
                None => {}
            }
        } else {
            out.push(c);
        }
    }
    out
}

fn parse(ics: &str) -> Vec<IcalEvent> {
    let mut cals = ical::IcalParser::new(ics.as_bytes());
    let cal = cals.next().expect("one calendar").expect("parses");
    assert!(cals.next().is_none(), "one calendar only");
    cal.events
}

/// The lines as RFC 5545 wants them: CRLF only, at most 75 octets, folded lines starting
/// with a space.
#[track_caller]
fn assert_content_lines(ics: &str) {
    assert!(ics.ends_with("\r\n"));
    for line in ics.split_terminator("\r\n") {
        assert!(
            !line.contains('\n') && !line.contains('\r'),
            "bare line end in {line:?}"
        );
        assert!(line.len() <= 75, "{} octets: {line:?}", line.len());
    }
}

/// (uid, date) of every event the registry's JSON says the calendar should hold.
fn expected_events(env: &Env) -> BTreeMap<String, String> {
    let json: serde_json::Value =
        serde_json::from_str(env.run(&["export", "agreements", "--format", "json"]).ok()).unwrap();
    let mut want = BTreeMap::new();
    for a in json.as_array().unwrap() {
        let status = a["status"].as_str().unwrap();
        let Some(expires) = a["expires_on"].as_str() else {
            continue;
        };
        if status != "active" && status != "pending" {
            continue;
        }
        let r = a["ref"].as_str().unwrap();
        let exp = chrono::NaiveDate::parse_from_str(expires, "%Y-%m-%d").unwrap();
        want.insert(format!("{r}-expires@mou"), exp.format("%Y%m%d").to_string());
        if let Some(n) = a["notice_days"].as_u64() {
            let notice = exp - chrono::Days::new(n);
            want.insert(
                format!("{r}-notice@mou"),
                notice.format("%Y%m%d").to_string(),
            );
        }
    }
    want
}

#[test]
fn agreements_calendar_parses_back_with_every_event() {
    let env = registry();
    let path = env.path("due.ics");
    env.run(&["export", "agreements", "-o", path.to_str().unwrap()])
        .ok();
    let ics = std::fs::read_to_string(&path).unwrap();
    assert_content_lines(&ics);
    let events = parse(&ics);
    let want = expected_events(&env);
    assert_eq!(want.len(), 5, "the fixture's events: {want:?}");
    let got: BTreeMap<String, String> = events
        .iter()
        .map(|e| (prop(e, "UID").unwrap(), prop(e, "DTSTART").unwrap()))
        .collect();
    assert_eq!(got.len(), events.len(), "UIDs are unique");
    assert_eq!(got, want);
    for e in &events {
        let start = e.properties.iter().find(|p| p.name == "DTSTART").unwrap();
        let params = start.params.clone().unwrap_or_default();
        assert!(
            params.iter().any(|(k, v)| k == "VALUE" && v == &["DATE"]),
            "all-day: {params:?}"
        );
        let day =
            chrono::NaiveDate::parse_from_str(&prop(e, "DTSTART").unwrap(), "%Y%m%d").unwrap();
        let end = chrono::NaiveDate::parse_from_str(&prop(e, "DTEND").unwrap(), "%Y%m%d").unwrap();
        assert_eq!(end, day.succ_opt().unwrap(), "one day long");
        assert_eq!(prop(e, "DTSTAMP").unwrap(), "20261129T100000Z");
        assert!(e.alarms.is_empty(), "no alarm without --remind");
    }
    // Escaped text comes back as it was: ; , \ and the newline, and the Arabic title folded
    // between characters (the file is UTF-8: read_to_string would have failed otherwise).
    let summary = |uid: &str| {
        let e = events
            .iter()
            .find(|e| prop(e, "UID").unwrap() == uid)
            .unwrap();
        unescape(&prop(e, "SUMMARY").unwrap())
    };
    assert_eq!(
        summary("MOU-2025-001-expires@mou"),
        format!("Expires: MOU-2025-001 {TITLE} (Société d'Études, Beirut)")
    );
    assert_eq!(
        summary("MOU-2025-001-notice@mou"),
        format!("Notice date: MOU-2025-001 {TITLE} (Société d'Études, Beirut)")
    );
    let arabic = summary("MOU-2026-001-expires@mou");
    assert!(arabic.contains(AR_TITLE), "{arabic}");
    assert!(arabic.contains("جامعة وادي السنديان, Société d'Études, Beirut"));
    let raw = ics
        .lines()
        .find(|l| l.starts_with("SUMMARY:Expires: MOU-2025-001"))
        .unwrap();
    assert!(
        raw.contains("Water\\; sanitation\\, and \\\\ hygiene\\nsecond"),
        "{raw}"
    );
}

#[test]
fn uids_are_stable_and_remind_adds_an_alarm() {
    let env = registry();
    let first = env
        .run(&["export", "agreements", "--format", "ics"])
        .ok()
        .to_string();
    let again = env
        .run(&["export", "agreements", "--format", "ics"])
        .ok()
        .to_string();
    assert_eq!(first, again, "the same registry gives the same calendar");
    let later = env
        .command()
        .env("MOU_NOW", "2026-12-01T08:30:00Z")
        .args(["export", "agreements", "--format", "ics"])
        .output()
        .unwrap();
    let later = String::from_utf8(later.stdout).unwrap();
    let uids =
        |s: &str| -> Vec<String> { parse(s).iter().map(|e| prop(e, "UID").unwrap()).collect() };
    assert_eq!(uids(&first), uids(&later), "UIDs do not follow the clock");
    assert!(later.contains("DTSTAMP:20261201T083000Z"));

    for term in ["14d", "2w"] {
        let out = env
            .run(&["export", "agreements", "--format", "ics", "--remind", term])
            .ok()
            .to_string();
        assert_content_lines(&out);
        let events = parse(&out);
        assert_eq!(events.len(), 5);
        for e in &events {
            assert_eq!(e.alarms.len(), 1, "one alarm per event");
            let a = &e.alarms[0];
            let trigger = a.properties.iter().find(|p| p.name == "TRIGGER").unwrap();
            assert_eq!(trigger.value.as_deref(), Some("-P14D"));
            let action = a.properties.iter().find(|p| p.name == "ACTION").unwrap();
            assert_eq!(action.value.as_deref(), Some("DISPLAY"));
        }
    }
}

#[test]
fn calendar_follows_the_filters_and_the_as_of_date() {
    let env = registry();
    let only = env
        .run(&[
            "export",
            "agreements",
            "--format",
            "ics",
            "--partner",
            "etudes",
        ])
        .ok()
        .to_string();
    let uids: Vec<String> = parse(&only)
        .iter()
        .map(|e| prop(e, "UID").unwrap())
        .collect();
    assert_eq!(uids.len(), 4, "{uids:?}");
    // In 2031 every one of them has expired: an empty calendar, still a calendar.
    let r = env.run(&[
        "export",
        "agreements",
        "--format",
        "ics",
        "--as-of",
        "2031-01-01",
    ]);
    assert!(parse(r.ok()).is_empty());
    assert!(
        r.stderr.contains("no active or pending agreement"),
        "{}",
        r.stderr
    );
}

#[test]
fn calendar_refusals_name_the_fix() {
    let env = registry();
    env.fails_unchanged(
        &["export", "partners", "--format", "ics"],
        2,
        &["cannot write ics", "csv, json"],
    );
    env.fails_unchanged(
        &["export", "agreements", "--remind", "14d"],
        2,
        &["--remind", "--format ics"],
    );
    env.fails_unchanged(
        &[
            "export",
            "agreements",
            "--format",
            "ics",
            "--columns",
            "ref",
        ],
        2,
        &["--columns"],
    );
    env.fails_unchanged(
        &[
            "export",
            "agreements",
            "--format",
            "ics",
            "--remind",
            "soon",
        ],
        2,
        &["soon"],
    );
    assert!(!env.path("x.ics").exists());
}
