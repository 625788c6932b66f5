//! The generated data set: 2,000 partners and N agreements as CSV files, made once per row
//! count and generator version, deterministic (the same bytes on every machine and version).

mod agreements;
pub mod engagements;
mod vocab;

use std::fs::{self, File};
use std::io::BufWriter;
use std::path::{Path, PathBuf};
use std::time::Instant;

use crate::error::{Context, Res};
use crate::rng::Rng;
use crate::table::fmt_size;

pub use agreements::EIGHT_COLUMNS;

/// Bump when the generator changes, so that old data sets are regenerated.
const GENERATOR_VERSION: u32 = 2;
pub const PARTNERS: usize = 2000;

/// The files of one data set.
pub struct DataFiles {
    pub partners: PathBuf,
    pub agreements: PathBuf,
    /// The first tenth of the agreements (for the memory comparison).
    pub small: PathBuf,
    pub small_rows: u64,
    /// The agreements in the eight columns of `EIGHT_COLUMNS` only.
    pub eight: PathBuf,
}

impl DataFiles {
    fn new(dir: &Path, rows: u64) -> Self {
        DataFiles {
            partners: dir.join("partners.csv"),
            agreements: dir.join("agreements.csv"),
            small: dir.join("agreements-small.csv"),
            small_rows: rows / 10,
            eight: dir.join("agreements-eight.csv"),
        }
    }

    fn all(&self) -> [&PathBuf; 4] {
        [&self.partners, &self.agreements, &self.small, &self.eight]
    }
}

/// The data set of `rows` agreements in `dir`: reused when it is there and up to date, else
/// generated.
pub fn generate(dir: &Path, rows: u64) -> Res<DataFiles> {
    let files = DataFiles::new(dir, rows);
    let meta_path = dir.join("meta.txt");
    let meta = format!("rows={rows}\ngenerator={GENERATOR_VERSION}\n");
    let up_to_date = fs::read_to_string(&meta_path).is_ok_and(|m| m == meta)
        && files.all().iter().all(|p| p.is_file());
    if up_to_date {
        println!("data: reusing {} ({rows} agreements)", dir.display());
    } else {
        fs::create_dir_all(dir).ctx(|| format!("cannot create {}", dir.display()))?;
        // The meta file goes last: an interrupted generation is redone.
        let _ = fs::remove_file(&meta_path);
        let start = Instant::now();
        write_partners(&files.partners)?;
        agreements::write(&files, rows)?;
        fs::write(&meta_path, meta).ctx(|| format!("cannot write {}", meta_path.display()))?;
        println!(
            "data: generated {rows} agreements in {:.1} s",
            start.elapsed().as_secs_f64()
        );
    }
    for path in files.all() {
        println!("  {:<40} {}", path.display(), fmt_size(file_len(path)?));
    }
    Ok(files)
}

pub fn file_len(path: &Path) -> Res<u64> {
    Ok(fs::metadata(path)
        .ctx(|| format!("cannot read {}", path.display()))?
        .len())
}

/// A CSV file being written, whose errors name it.
struct CsvFile {
    path: PathBuf,
    writer: csv::Writer<BufWriter<File>>,
}

impl CsvFile {
    fn create(path: &Path) -> Res<Self> {
        let file = File::create(path).ctx(|| format!("cannot create {}", path.display()))?;
        Ok(CsvFile {
            path: path.to_path_buf(),
            writer: csv::Writer::from_writer(BufWriter::with_capacity(1 << 16, file)),
        })
    }

    fn write<I, T>(&mut self, record: I) -> Res<()>
    where
        I: IntoIterator<Item = T>,
        T: AsRef<[u8]>,
    {
        let path = &self.path;
        self.writer
            .write_record(record)
            .ctx(|| format!("cannot write {}", path.display()))
    }

    /// Flushes and syncs the file.
    fn finish(mut self) -> Res<()> {
        let path = self.path;
        let fail = |e: &dyn std::fmt::Display| format!("cannot write {}: {e}", path.display());
        self.writer.flush().map_err(|e| fail(&e))?;
        let buffered = self.writer.into_inner().map_err(|e| fail(e.error()))?;
        let file = buffered.into_inner().map_err(|e| fail(e.error()))?;
        file.sync_all().map_err(|e| fail(&e))?;
        Ok(())
    }
}

fn write_partners(path: &Path) -> Res<()> {
    let mut rng = Rng::new(0x6d6f_755f_7061_7274);
    let mut w = CsvFile::create(path)?;
    w.write([
        "key", "name", "aliases", "category", "country", "website", "notes",
    ])?;
    for i in 1..=PARTNERS {
        let category = *rng.weighted(&vocab::CATEGORIES);
        let (en, ar, acronym) = *rng.pick(vocab::name_templates(category));
        let english = format!("{en} {i}");
        let arabic = format!("{ar} {i}");
        let english_name = rng.chance(55.0);
        let (name, translation) = if english_name {
            (english, arabic)
        } else {
            (arabic, english)
        };
        let acronym = format!("{acronym}-{i:04}");
        let aliases = match rng.below(3) {
            0 => String::new(),
            1 if rng.chance(50.0) => acronym,
            1 => translation,
            _ => format!("{acronym};{translation}"),
        };
        let country = if category == "intergovernmental" {
            ""
        } else {
            *rng.pick(&vocab::COUNTRIES)
        };
        let website = if rng.chance(60.0) {
            format!("https://p{i:04}.example.org")
        } else {
            String::new()
        };
        let notes = if rng.chance(25.0) {
            *rng.pick(&vocab::PARTNER_NOTES)
        } else {
            ""
        };
        let key = format!("p{i:04}");
        w.write([
            key.as_str(),
            &name,
            &aliases,
            category,
            country,
            &website,
            notes,
        ])?;
    }
    w.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use sha2::{Digest, Sha256};

    fn sha256(path: &Path) -> String {
        let bytes = fs::read(path).unwrap();
        Sha256::digest(bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }

    /// The hashes of the files written by generator 2 before the benchmark became a crate
    /// (`src/bin/mou-bench.rs` at 8306eca, `--rows 200`): the figures stay comparable.
    #[test]
    fn generator_2_data_is_byte_identical() {
        let dir = tempfile::tempdir().unwrap();
        let files = generate(dir.path(), 200).unwrap();
        assert_eq!(
            sha256(&files.partners),
            "692e2f8b08731847ad8a9479f4691091e6f3f0d0286195b4251bbd37e4d56b17"
        );
        assert_eq!(
            sha256(&files.agreements),
            "e564c21fabb72d7b7e494d49ec513f177bc5e4e864c580c86a5108d4748d2613"
        );
        assert_eq!(
            sha256(&files.small),
            "49a046faaa4131f7452ec1139aa8665e14e11dd08ced88f0f3b72f2df99e0e70"
        );
    }

    #[test]
    fn the_eight_column_file_is_the_agreements_in_eight_columns() {
        let dir = tempfile::tempdir().unwrap();
        let files = generate(dir.path(), 300).unwrap();
        let mut full = csv::Reader::from_path(&files.agreements).unwrap();
        let mut eight = csv::Reader::from_path(&files.eight).unwrap();
        assert_eq!(eight.headers().unwrap(), EIGHT_COLUMNS.as_slice());
        let positions: Vec<usize> = EIGHT_COLUMNS
            .iter()
            .map(|c| {
                full.headers()
                    .unwrap()
                    .iter()
                    .position(|h| h == *c)
                    .unwrap()
            })
            .collect();
        let full_rows: Vec<csv::StringRecord> = full.records().map(Result::unwrap).collect();
        let eight_rows: Vec<csv::StringRecord> = eight.records().map(Result::unwrap).collect();
        assert_eq!(eight_rows.len(), 300);
        assert_eq!(full_rows.len(), 300);
        for (f, e) in full_rows.iter().zip(&eight_rows) {
            let projected: Vec<&str> = positions.iter().map(|&i| &f[i]).collect();
            assert_eq!(e.iter().collect::<Vec<_>>(), projected);
        }
    }

    #[test]
    fn a_data_set_without_its_eight_column_file_is_generated_again() {
        let dir = tempfile::tempdir().unwrap();
        let files = generate(dir.path(), 50).unwrap();
        fs::remove_file(&files.eight).unwrap();
        generate(dir.path(), 50).unwrap();
        assert!(files.eight.is_file());
    }
}
