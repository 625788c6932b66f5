//! The reads that PostgreSQL answers its own way give what the SQLite store gives for the
//! same imported files: the reports, aggregated in SQL on PostgreSQL and from the rows on a
//! file, under every kind of filter; and the agreements export, byte for byte. Without
//! `MOU_TEST_PG` the tests pass without running, and say so.

mod common;
use common::pg::Database;
use common::*;

use chrono::{Days, NaiveDate};

/// Agreements meant to meet every boundary the reports count at: signed, effective, expiring
/// and terminated on the first and last days of quarters and the days around them, drafts,
/// open-ended ones, renewals, several parties, every number of goals; Arabic titles, quotes,
/// commas and line breaks in the text.
fn agreements_csv(partners: &[String]) -> String {
    let mut out = String::from(
        "ref,kind,title,parties,signed_on,effective_on,expires_on,terminated_on,notice_days,renews,sdgs,tags,notes,document\n",
    );
    let kinds = ["mou", "mou", "mou", "loi", "agreement", "other"];
    let base = NaiveDate::from_ymd_opt(2024, 1, 1).unwrap();
    // The days around quarter ends, often.
    let edges = [
        "2026-06-30",
        "2026-07-01",
        "2026-09-30",
        "2026-10-01",
        "2026-03-31",
        "2026-04-01",
        "2026-12-31",
        "2027-01-01",
        "2026-08-15",
    ];
    let day = |i: usize| -> NaiveDate {
        if i % 3 == 0 {
            edges[i / 3 % edges.len()].parse().unwrap()
        } else {
            base + Days::new((i * 37 % 1200) as u64)
        }
    };
    for i in 0..360usize {
        let r = format!("AGR-{i:04}");
        let kind = kinds[i % kinds.len()];
        let title = match i % 7 {
            0 => format!("مذكرة تفاهم رقم {i}"),
            1 => format!("Cooperation \"{i}\", with commas"),
            2 => format!("Two lines\nof title {i}"),
            _ => format!("Agreement {i}"),
        };
        let n = 1 + i % 3;
        let parties: Vec<&str> = (0..n)
            .map(|k| partners[(i * 7 + k * 5) % partners.len()].as_str())
            .collect();
        let draft = i % 17 == 5;
        let signed = day(i);
        let effective = match i % 5 {
            0 => day(i + 1).max(signed),
            _ => signed,
        };
        let expires = match i % 4 {
            0 => None,
            1 => Some(day(i + 2).max(effective)),
            _ => Some(effective + Days::new((i * 53 % 900) as u64)),
        };
        let terminated = (i % 9 == 4).then(|| day(i + 4).max(signed));
        let renews = (i % 11 == 10 && i > 20).then(|| format!("AGR-{:04}", i - 13));
        let goals: Vec<String> = (0..i % 5)
            .map(|g| (1 + (i + g * 4) % 17).to_string())
            .collect();
        let mut goals_sorted: Vec<u32> = goals.iter().map(|g| g.parse().unwrap()).collect();
        goals_sorted.sort();
        goals_sorted.dedup();
        let sdgs: Vec<String> = goals_sorted.iter().map(|g| g.to_string()).collect();
        let iso = |d: NaiveDate| d.format("%Y-%m-%d").to_string();
        let cells = [
            r,
            kind.to_string(),
            title,
            parties.join(";"),
            if draft { String::new() } else { iso(signed) },
            if draft { String::new() } else { iso(effective) },
            expires.map(iso).unwrap_or_default(),
            if draft {
                String::new()
            } else {
                terminated.map(iso).unwrap_or_default()
            },
            if i % 6 == 0 {
                "90".into()
            } else {
                String::new()
            },
            renews.unwrap_or_default(),
            sdgs.join(";"),
            if i % 4 == 1 {
                "tag-a;tag-b".into()
            } else {
                String::new()
            },
            if i % 8 == 3 {
                format!("note, \"quoted\" {i}")
            } else {
                String::new()
            },
            String::new(),
        ];
        let quoted: Vec<String> = cells
            .iter()
            .map(|c| {
                if c.contains([',', '"', '\n']) {
                    format!("\"{}\"", c.replace('"', "\"\""))
                } else {
                    c.clone()
                }
            })
            .collect();
        out.push_str(&quoted.join(","));
        out.push('\n');
    }
    // Terminated on, before and after the first day of being expired, at the quarters' edges.
    let ends = [
        ("2026-06-30", "2026-07-01"),
        ("2026-06-30", "2026-07-02"),
        ("2026-08-15", "2026-08-16"),
        ("2026-08-15", "2026-08-15"),
        ("2026-08-15", "2026-08-17"),
        ("2026-09-30", "2026-10-01"),
        ("2026-09-29", "2026-09-30"),
    ];
    for (i, (expires, terminated)) in ends.iter().enumerate() {
        out.push_str(&format!(
            "END-{i},mou,Ends {i},{},2025-01-01,2025-01-01,{expires},{terminated},,,4,,,\n",
            partners[i]
        ));
    }
    out
}

/// A file registry and a PostgreSQL one holding the same imported files.
fn both(tag: &str) -> Option<(Env, Database)> {
    let pg = Database::new("mou_reads", tag)?;
    let env = Env::new();
    let partners_file = data_dir().join("partners.csv");
    let keys: Vec<String> = csv::Reader::from_path(&partners_file)
        .unwrap()
        .records()
        .map(|r| r.unwrap()[0].to_string())
        .collect();
    let agreements = env.write("agreements.csv", &agreements_csv(&keys));
    env.run(&["--db", &pg.url, "init"]).ok();
    for db in [p(&env.db), pg.url.as_str()] {
        env.run(&["--db", db, "import", "partners", p(&partners_file)])
            .ok();
        let sample = data_dir().join("agreements.csv");
        for file in [sample.as_path(), agreements.as_path()] {
            env.run(&["--db", db, "import", "agreements", p(file)]).ok();
        }
        // A partner new in 2026Q3, and one whose first agreement is a draft.
        for (name, signed) in [("First Signed Org", "2026-08-01"), ("Drafts Only Org", "")] {
            env.run(&["--db", db, "add", "partner", name, "--category", "ngo"])
                .ok();
            let key = name.to_lowercase().replace(' ', "-");
            let mut add = vec!["--db", db, "add", "agreement", "--partner", &key];
            if !signed.is_empty() {
                add.extend(["--signed", signed]);
            }
            env.run(&add).ok();
        }
        let engagements = data_dir().join("engagements.csv");
        env.run(&["--db", db, "import", "engagements", p(&engagements)])
            .ok();
    }
    Some((env, pg))
}

fn same_on_both(env: &Env, pg: &Database, args: &[&str]) -> String {
    let file = env
        .run(&[&["--db", p(&env.db)], args].concat())
        .ok()
        .to_string();
    let on_pg = env
        .run(&[&["--db", pg.url.as_str()], args].concat())
        .ok()
        .to_string();
    assert_eq!(
        on_pg,
        file,
        "mou {} on PostgreSQL and on a file",
        args.join(" ")
    );
    file
}

#[test]
fn reports_aggregated_in_sql_equal_the_file_store_s_under_every_filter() {
    let Some((env, pg)) = both("reports") else {
        return;
    };
    let filters: &[&[&str]] = &[
        &[],
        &["--category", "ngo"],
        &["--country", "AT"],
        &["--kind", "mou"],
        &["--status", "active,expired"],
        &["--sdg", "4"],
        &["--tag", "tag-a"],
        &["--partner", "unicef"],
        &["--signed-in", "2026"],
        &["--expires-in", "2026Q4"],
        &["--active-on", "2026-07-01"],
        &["--search", "cooperation"],
        &["--kind", "mou", "--sdg", "16"],
    ];
    let mut seen = std::collections::HashSet::new();
    for f in filters {
        for report in [
            &["report", "--format", "json"][..],
            &["report", "--as-of", "2026-09-30", "--format", "json"],
            &["report", "quarterly", "2026Q3", "--format", "json"],
            &["report", "quarterly", "2026Q1", "--format", "json"],
            &[
                "report",
                "quarterly",
                "2026Q3",
                "--fiscal-start",
                "7",
                "--format",
                "json",
            ],
        ] {
            let out = same_on_both(&env, &pg, &[report, f].concat());
            seen.insert(out);
        }
    }
    assert!(
        seen.len() > 30,
        "the filters change the figures: {}",
        seen.len()
    );
    // The page's charts count eight quarters.
    same_on_both(
        &env,
        &pg,
        &["report", "quarterly", "2026Q3", "--format", "html"],
    );
    let q = json(&same_on_both(
        &env,
        &pg,
        &["report", "quarterly", "2026Q3", "--format", "json"],
    ));
    assert!(
        q["figures"]["active_at_end"]["current"].as_i64().unwrap() > 20,
        "{q}"
    );
    assert!(
        q["figures"]["expired"]["current"].as_i64().unwrap() > 0,
        "{q}"
    );
    let s = json(&same_on_both(&env, &pg, &["report", "--format", "json"]));
    assert!(s["partners_with_active_mou"].as_i64().unwrap() > 3, "{s}");
}

#[test]
fn the_agreements_export_is_the_file_store_s_byte_for_byte() {
    let Some((env, pg)) = both("export") else {
        return;
    };
    // The whole registry merges the parties' keys from their own scan; a filter, a sort or a
    // page reads them joined.
    for args in [
        &["export", "agreements"][..],
        &["export", "agreements", "--format", "json"],
        &["export", "agreements", "--format", "jsonl"],
        &["export", "agreements", "--as-of", "2026-07-01"],
        &["export", "agreements", "--partner", "unicef"],
        &["export", "agreements", "--status", "expired"],
        &["list", "agreements", "--format", "csv"],
    ] {
        let out = same_on_both(&env, &pg, args);
        assert!(out.contains("AGR-0013") || args.len() > 2, "{out}");
    }
    let csv = same_on_both(&env, &pg, &["export", "agreements"]);
    assert!(csv.contains("مذكرة تفاهم رقم 0"), "Arabic text kept");
    assert!(
        csv.contains("\"Two lines\nof title 2\""),
        "line breaks quoted"
    );
    let (_, rows) = common::find::parse_csv(&csv);
    let sample = csv::Reader::from_path(data_dir().join("agreements.csv"))
        .unwrap()
        .records()
        .count();
    assert_eq!(rows.len(), sample + 360 + 7 + 2);
    assert!(
        rows.iter().any(|r| r[3].split(';').count() == 3),
        "several parties, in order"
    );
}
