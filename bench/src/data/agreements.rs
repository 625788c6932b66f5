//! The agreements of the data set: one generator of rows, written to the full file, its first
//! tenth and its eight-column projection in one pass.

use std::fmt::Write as _;

use chrono::{Datelike, Days, Months, NaiveDate};

use super::vocab::{AGREEMENT_NOTES, KINDS, NEWLINE_NOTES, TAGS, TERMINATION_REASONS, TOPICS};
use super::{CsvFile, DataFiles, PARTNERS};
use crate::error::Res;
use crate::rng::Rng;

/// The columns a user's spreadsheet has: the eight-column figure imports a file of these only.
pub const EIGHT_COLUMNS: [&str; 8] = [
    "ref",
    "kind",
    "title",
    "parties",
    "signed_on",
    "expires_on",
    "sdgs",
    "notes",
];

// Positions in `header()`; a test checks them against the names.
const REF: usize = 0;
const KIND: usize = 1;
const TITLE: usize = 2;
const PARTIES: usize = 3;
const SIGNED_ON: usize = 4;
const EFFECTIVE_ON: usize = 5;
const EXPIRES_ON: usize = 6;
const TERMINATED_ON: usize = 7;
const TERMINATION_REASON: usize = 8;
const NOTICE_DAYS: usize = 9;
// 10, renews, stays empty.
const SDGS: usize = 11;
const TAGS_COLUMN: usize = 12;
const NOTES: usize = 13;
const DOCUMENT: usize = 14;

const FIRST_DAY: NaiveDate = NaiveDate::from_ymd_opt(2000, 1, 1).unwrap();
const LAST_DAY: NaiveDate = NaiveDate::from_ymd_opt(2026, 12, 31).unwrap();

/// The columns export writes, less the derived and timestamp ones (import fills those).
fn header() -> Vec<&'static str> {
    mou::records::AGREEMENT_COLUMNS
        .iter()
        .copied()
        .filter(|c| !matches!(*c, "status" | "created_at" | "updated_at"))
        .collect()
}

/// Writes `rows` agreements to the full file, the first `small_rows` of them to the small one,
/// and all of them in `EIGHT_COLUMNS` to the eight-column one.
pub fn write(files: &DataFiles, rows: u64) -> Res<()> {
    let header = header();
    let eight = positions(&header, &EIGHT_COLUMNS)?;
    let mut big = CsvFile::create(&files.agreements)?;
    let mut small = CsvFile::create(&files.small)?;
    let mut narrow = CsvFile::create(&files.eight)?;
    big.write(&header)?;
    small.write(&header)?;
    narrow.write(EIGHT_COLUMNS)?;

    let mut rng = Rng::new(0x6d6f_755f_6167_7265);
    let mut fields: Vec<String> = vec![String::new(); header.len()];
    for seq in 1..=rows {
        fill(&mut rng, seq, &mut fields);
        big.write(&fields)?;
        if seq <= files.small_rows {
            small.write(&fields)?;
        }
        narrow.write(eight.iter().map(|&i| &fields[i]))?;
    }
    big.finish()?;
    small.finish()?;
    narrow.finish()
}

/// Where each of `names` is in `header`.
fn positions(header: &[&str], names: &[&str]) -> Res<Vec<usize>> {
    names
        .iter()
        .map(|name| {
            header
                .iter()
                .position(|h| h == name)
                .ok_or_else(|| format!("mou's agreement columns have no {name:?}").into())
        })
        .collect()
}

/// Fills `fields` with agreement number `seq`. The order of the draws is the data: keep it.
fn fill(rng: &mut Rng, seq: u64, fields: &mut [String]) {
    for f in fields.iter_mut() {
        f.clear();
    }
    let (kind, kind_upper, en_prefix, ar_prefix) = *rng.weighted(&KINDS);
    let signed = if rng.chance(2.0) {
        None
    } else {
        let span = (LAST_DAY - FIRST_DAY).num_days() as u64 + 1;
        Some(FIRST_DAY + Days::new(rng.below(span)))
    };
    let year = signed.map_or(2026, |d| d.year());
    let _ = write!(fields[REF], "{kind_upper}-{year}-{seq:03}");
    fields[KIND].push_str(kind);
    fill_title(rng, (kind, en_prefix, ar_prefix), year, &mut fields[TITLE]);
    fill_parties(rng, &mut fields[PARTIES]);
    if let Some(signed) = signed {
        fill_dates(rng, signed, fields);
    }
    if rng.chance(50.0) {
        let _ = write!(fields[NOTICE_DAYS], "{}", rng.pick(&[30, 60, 90, 180]));
    }
    let sdgs = rng.below(5) as usize;
    join_into(&mut fields[SDGS], rng.distinct_sorted(sdgs, 17), |s, n| {
        let _ = write!(s, "{n}");
    });
    let tags = rng.below(4) as usize;
    let picked = rng.distinct_sorted(tags, TAGS.len() as u64);
    join_into(&mut fields[TAGS_COLUMN], picked, |s, t| {
        s.push_str(TAGS[t as usize - 1])
    });
    if rng.chance(15.0) {
        let notes = if rng.chance(13.0) {
            rng.pick(&NEWLINE_NOTES)
        } else {
            rng.pick(&AGREEMENT_NOTES)
        };
        fields[NOTES].push_str(notes);
    }
    if rng.chance(30.0) {
        fields[DOCUMENT] = format!("docs/{}.pdf", fields[REF]);
    }
}

/// Title: English or Arabic; some with commas and quotes; ~2% with a newline.
fn fill_title(
    rng: &mut Rng,
    (kind, en_prefix, ar_prefix): (&str, &str, &str),
    year: i32,
    title: &mut String,
) {
    let (topic_en, topic_ar) = *rng.pick(&TOPICS);
    if rng.chance(55.0) {
        let en_prefix = if kind == "mou" && rng.chance(50.0) {
            "MoU on"
        } else {
            en_prefix
        };
        let _ = write!(title, "{en_prefix} {topic_en}");
    } else {
        let _ = write!(title, "{ar_prefix} {topic_ar}");
    }
    if rng.chance(10.0) {
        let _ = write!(title, ", phase {}", 1 + rng.below(4));
    }
    if rng.chance(3.0) {
        let _ = write!(title, " (\"Dialogue for Peace\" programme {year})");
    }
    if rng.chance(2.0) {
        title.push_str("\nAnnex: joint work plan");
    }
}

/// Parties: one key (90%) or two or three distinct keys.
pub(super) fn fill_parties(rng: &mut Rng, parties: &mut String) {
    let count = if rng.chance(90.0) {
        1
    } else {
        2 + rng.below(2) as usize
    };
    join_into(
        parties,
        rng.distinct_sorted(count, PARTNERS as u64),
        |s, p| {
            let _ = write!(s, "p{p:04}");
        },
    );
}

/// Effective, expiry and termination dates of an agreement signed on `signed`.
fn fill_dates(rng: &mut Rng, signed: NaiveDate, fields: &mut [String]) {
    let _ = write!(fields[SIGNED_ON], "{signed}");
    let effective = if rng.chance(75.0) {
        signed
    } else {
        signed + Days::new(rng.below(91))
    };
    let _ = write!(fields[EFFECTIVE_ON], "{effective}");
    let expires = if rng.chance(30.0) {
        None
    } else {
        Some(add_years(effective, 1 + rng.below(10)) - Days::new(1))
    };
    if let Some(expires) = expires {
        let _ = write!(fields[EXPIRES_ON], "{expires}");
    }
    if rng.chance(2.0) {
        let end = expires.unwrap_or(effective + Days::new(3650));
        let span = (end - effective).num_days() as u64 + 1;
        let _ = write!(
            fields[TERMINATED_ON],
            "{}",
            effective + Days::new(rng.below(span))
        );
        let reason: &&str = rng.pick(&TERMINATION_REASONS);
        fields[TERMINATION_REASON].push_str(reason);
    }
}

/// The same calendar day `years` later (29 February becomes 28 February).
fn add_years(day: NaiveDate, years: u64) -> NaiveDate {
    let months = u32::try_from(years * 12).expect("a few years of months fit in u32");
    day.checked_add_months(Months::new(months))
        .expect("generated dates stay far inside chrono's range")
}

/// Appends `items` to `out`, `;`-separated, each written by `push`.
pub(super) fn join_into(out: &mut String, items: Vec<u64>, mut push: impl FnMut(&mut String, u64)) {
    for (n, item) in items.into_iter().enumerate() {
        if n > 0 {
            out.push(';');
        }
        push(out, item);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_column_positions_match_mous_columns() {
        let header = header();
        let named = [
            (REF, "ref"),
            (KIND, "kind"),
            (TITLE, "title"),
            (PARTIES, "parties"),
            (SIGNED_ON, "signed_on"),
            (EFFECTIVE_ON, "effective_on"),
            (EXPIRES_ON, "expires_on"),
            (TERMINATED_ON, "terminated_on"),
            (TERMINATION_REASON, "termination_reason"),
            (NOTICE_DAYS, "notice_days"),
            (10, "renews"),
            (SDGS, "sdgs"),
            (TAGS_COLUMN, "tags"),
            (NOTES, "notes"),
            (DOCUMENT, "document"),
        ];
        assert_eq!(header.len(), named.len());
        for (i, name) in named {
            assert_eq!(header[i], name);
        }
    }

    #[test]
    fn a_year_later_29_february_is_28_february() {
        let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        assert_eq!(add_years(d(2024, 2, 29), 1), d(2025, 2, 28));
        assert_eq!(add_years(d(2024, 2, 29), 4), d(2028, 2, 29));
        assert_eq!(add_years(d(2023, 12, 31), 10), d(2033, 12, 31));
    }
}
