//! `mou query 'EXPR'`: the expression parser must never panic, whatever the text.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(expr) = std::str::from_utf8(data) else {
        return;
    };
    let as_of = chrono::NaiveDate::from_ymd_opt(2026, 11, 29).unwrap();
    // Names of an even length resolve, others are unknown: both paths are taken.
    let mut resolve = |name: &str| -> mou::error::Result<i64> {
        if name.len() % 2 == 0 {
            Ok(1)
        } else {
            Err(mou::error::Error::input("unknown partner"))
        }
    };
    let _ = mou::query::parse_expression(expr, as_of, &mut resolve);
});
