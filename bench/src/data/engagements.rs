//! The engagements of the data set: N joint events with the same 2,000 partners, in the
//! columns `mou export engagements` writes (less the derived and timestamp ones), generated
//! once per row count and generator version into a file of their own, so that the agreements'
//! files (and their figures) stay as they were.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

use chrono::{Days, NaiveDate};

use super::agreements::{fill_parties, join_into};
use super::vocab::{COUNTRIES, TAGS, TOPICS};
use super::CsvFile;
use crate::error::{Context, Res};
use crate::rng::Rng;

/// Bump when the generator changes, so that old files are regenerated.
const GENERATOR_VERSION: u32 = 1;

const KINDS: [(&str, u64); 10] = [
    ("meeting", 30),
    ("workshop", 25),
    ("training", 10),
    ("conference", 10),
    ("side-event", 8),
    ("visit", 7),
    ("advisory", 3),
    ("campaign", 3),
    ("publication", 2),
    ("other", 2),
];

const FIRST_DAY: NaiveDate = NaiveDate::from_ymd_opt(2000, 1, 1).unwrap();
const LAST_DAY: NaiveDate = NaiveDate::from_ymd_opt(2027, 6, 30).unwrap();

/// The columns export writes, less the derived and timestamp ones.
pub fn header() -> Vec<&'static str> {
    mou::records::ENGAGEMENT_COLUMNS
        .iter()
        .copied()
        .filter(|c| !matches!(*c, "status" | "created_at" | "updated_at"))
        .collect()
}

/// The engagements file of `rows` rows in `dir`: reused when up to date, else generated.
pub fn generate(dir: &Path, rows: u64) -> Res<PathBuf> {
    let path = dir.join("engagements.csv");
    let meta_path = dir.join("engagements-meta.txt");
    let meta = format!("rows={rows}\ngenerator={GENERATOR_VERSION}\n");
    if fs::read_to_string(&meta_path).is_ok_and(|m| m == meta) && path.is_file() {
        return Ok(path);
    }
    let _ = fs::remove_file(&meta_path);
    write(&path, rows)?;
    fs::write(&meta_path, meta).ctx(|| format!("cannot write {}", meta_path.display()))?;
    Ok(path)
}

fn write(path: &Path, rows: u64) -> Res<()> {
    let header = header();
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap_or(0);
    let at = [
        "ref",
        "kind",
        "title",
        "partners",
        "starts_on",
        "ends_on",
        "place",
        "country",
        "sdgs",
        "tags",
        "participants",
        "cancelled",
        "public",
    ]
    .map(col);
    let mut w = CsvFile::create(path)?;
    w.write(&header)?;
    let mut rng = Rng::new(0x6d6f_755f_656e_6761);
    let mut fields: Vec<String> = vec![String::new(); header.len()];
    let span = (LAST_DAY - FIRST_DAY).num_days() as u64 + 1;
    for seq in 1..=rows {
        for f in fields.iter_mut() {
            f.clear();
        }
        let kind = *rng.weighted(&KINDS);
        let (en, ar) = *rng.pick(&TOPICS);
        let starts = FIRST_DAY + Days::new(rng.below(span));
        let ends = starts + Days::new(rng.below(3));
        let _ = write!(fields[at[0]], "E-{seq:07}");
        fields[at[1]].push_str(kind);
        if rng.chance(60.0) {
            let _ = write!(fields[at[2]], "{kind} on {en}, {seq}");
        } else {
            let _ = write!(fields[at[2]], "لقاء حول {ar} {seq}");
        }
        fill_parties(&mut rng, &mut fields[at[3]]);
        let _ = write!(fields[at[4]], "{starts}");
        let _ = write!(fields[at[5]], "{ends}");
        if rng.chance(50.0) {
            fields[at[6]].push_str("Vienna, \"Hofburg\"");
        }
        if rng.chance(80.0) {
            let country = *rng.pick(&COUNTRIES);
            fields[at[7]].push_str(country);
        }
        let sdgs = rng.below(4) as usize;
        join_into(&mut fields[at[8]], rng.distinct_sorted(sdgs, 17), |s, n| {
            let _ = write!(s, "{n}");
        });
        let tags = rng.below(3) as usize;
        let picked = rng.distinct_sorted(tags, TAGS.len() as u64);
        join_into(&mut fields[at[9]], picked, |s, t| {
            s.push_str(TAGS[t as usize - 1])
        });
        if rng.chance(85.0) {
            let _ = write!(fields[at[10]], "{}", rng.below(400));
        }
        let cancelled = rng.chance(5.0);
        fields[at[11]].push_str(if cancelled { "true" } else { "false" });
        let public = rng.chance(30.0);
        fields[at[12]].push_str(if public { "true" } else { "false" });
        w.write(&fields)?;
    }
    w.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn engagements_have_the_export_columns_and_are_deterministic() {
        let dir = tempfile::tempdir().unwrap();
        let path = generate(dir.path(), 100).unwrap();
        let first = fs::read(&path).unwrap();
        let mut r = csv::Reader::from_path(&path).unwrap();
        assert_eq!(r.headers().unwrap().iter().collect::<Vec<_>>(), header());
        let rows: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
        assert_eq!(rows.len(), 100);
        let h = header();
        let starts = h.iter().position(|c| *c == "starts_on").unwrap();
        let ends = h.iter().position(|c| *c == "ends_on").unwrap();
        assert!(rows.iter().all(|r| r[starts] <= r[ends]));
        fs::remove_file(dir.path().join("engagements-meta.txt")).unwrap();
        generate(dir.path(), 100).unwrap();
        assert_eq!(fs::read(&path).unwrap(), first, "the same bytes again");
    }
}
