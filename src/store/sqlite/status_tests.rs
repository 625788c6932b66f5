//! The SQL status rule (`filter::STATUS_SQL`, `filter::ACTIVE_ON_SQL`) against the Rust one
//! (`model::status_of`), over every combination of stored dates, NULLs included (a row written
//! by another tool may have no effective date), at as-of dates on and around each of them.

use super::filter::{active_params, status_params, ACTIVE_ON_SQL, STATUS_SQL};
use crate::dates::iso;
use crate::model::{status_of, Status};
use chrono::NaiveDate as Date;
use rusqlite::types::Value;

fn day(n: i64) -> Date {
    Date::from_ymd_opt(2024, 1, 1).unwrap() + chrono::Duration::days(n)
}

#[test]
fn sql_status_and_active_on_agree_with_status_of() {
    let conn = rusqlite::Connection::open_in_memory().unwrap();
    conn.execute_batch(
        "CREATE TABLE agreement (signed_on TEXT, effective_on TEXT, expires_on TEXT, terminated_on TEXT)",
    )
    .unwrap();
    // Each date absent or on day 10, 20 or 30: every order of the four, NULLs included.
    let choices = [None, Some(day(10)), Some(day(20)), Some(day(30))];
    let mut rows = Vec::new();
    for s in choices {
        for e in choices {
            for x in choices {
                for t in choices {
                    rows.push([s, e, x, t]);
                }
            }
        }
    }
    let status_sql = format!("SELECT {STATUS_SQL}, {ACTIVE_ON_SQL} FROM agreement a");
    let mut checked = 0;
    let mut pending_without_effective = 0;
    for [s, e, x, t] in rows {
        conn.execute("DELETE FROM agreement", []).unwrap();
        conn.execute(
            "INSERT INTO agreement VALUES (?1, ?2, ?3, ?4)",
            [s, e, x, t].map(|d| d.map(iso)),
        )
        .unwrap();
        for as_of in (5..=35).map(day) {
            let mut params = Vec::<Value>::new();
            status_params(as_of, &mut params);
            active_params(as_of, &mut params);
            let (sql, active): (String, Option<bool>) = conn
                .query_row(&status_sql, rusqlite::params_from_iter(params), |r| {
                    Ok((r.get(0)?, r.get(1)?))
                })
                .unwrap();
            let rust = status_of(s, e, x, t, as_of);
            assert_eq!(
                sql,
                rust.as_str(),
                "dates {s:?} {e:?} {x:?} {t:?} at {as_of}"
            );
            assert_eq!(
                active.unwrap_or(false),
                rust == Status::Active,
                "active on {as_of}: dates {s:?} {e:?} {x:?} {t:?}"
            );
            if e.is_none() && rust == Status::Pending {
                pending_without_effective += 1;
            }
            checked += 1;
        }
    }
    assert_eq!(checked, 256 * 31);
    // The case that once differed: signed after the as-of date with no effective date.
    assert!(pending_without_effective > 0);
}
