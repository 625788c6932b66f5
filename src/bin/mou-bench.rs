//! `mou-bench`: measures `mou` against the `sqlite3` shell on a synthetic registry.
//!
//! ```text
//! cargo build --release
//! cargo run --release --bin mou-bench -- [--rows N] [--dir DIR] [--runs K] [--only import,export,report]
//! ```
//!
//! It generates a deterministic partners/agreements data set into DIR (once per row count), then
//! times, as medians of K paired runs with a warm page cache:
//!
//! * figure A: `mou import agreements` against the sqlite3 shell's `.import` into a typed table,
//!   with mou's peak RSS at N and at N/10 rows (memory should stay flat);
//! * figure B: `mou export agreements` against `sqlite3 -csv 'SELECT * FROM agreement'`;
//! * figure C: `mou report` and `mou report quarterly 2026Q3` against one naive GROUP BY in the
//!   sqlite3 shell on the same registry file.
//!
//! It prints figures and ratios (mou / sqlite3, lower is better) and asserts nothing. The mou
//! binary is `$MOU_BIN`, else `target/release/mou`; without it only the sqlite3 side runs.

use std::error::Error;
use std::ffi::OsStr;
use std::fmt::{Display, Write as _};
use std::fs::{self, File};
use std::io::{self, BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitCode, ExitStatus, Stdio};
use std::thread;
use std::time::Instant;

type Res<T> = Result<T, Box<dyn Error>>;

/// Adds a description of what was being done to an error.
trait Context<T> {
    fn ctx<S: Display, F: FnOnce() -> S>(self, f: F) -> Res<T>;
}

impl<T, E: Display> Context<T> for Result<T, E> {
    fn ctx<S: Display, F: FnOnce() -> S>(self, f: F) -> Res<T> {
        self.map_err(|e| format!("{}: {e}", f()).into())
    }
}

/// Bump when the generator changes, so that old data sets are regenerated.
const GENERATOR_VERSION: u32 = 2;
const PARTNERS: usize = 2000;
const MOU_TODAY: &str = "2026-11-29";
const QUARTER: &str = "2026Q3";

const SQLITE_GROUP_BY: &str = "SELECT p.category, strftime('%Y', a.signed_on) || 'Q' || \
((CAST(strftime('%m', a.signed_on) AS INTEGER) + 2) / 3) AS q, count(*) FROM agreement a \
JOIN agreement_party ap ON ap.agreement_id = a.id JOIN partner p ON p.id = ap.partner_id \
GROUP BY 1, 2;";

const AGREEMENT_RAW_TABLE: &str = "CREATE TABLE agreement_raw(ref TEXT, kind TEXT, title TEXT, \
parties TEXT, signed_on TEXT, effective_on TEXT, expires_on TEXT, terminated_on TEXT, \
termination_reason TEXT, notice_days INTEGER, renews TEXT, sdgs TEXT, tags TEXT, notes TEXT, \
document TEXT);";

const USAGE: &str =
    "usage: mou-bench [--rows N] [--dir DIR] [--runs K] [--only import,export,report]

  --rows N     agreements to generate (default 1000000)
  --dir DIR    data and scratch directory (default bench-data)
  --runs K     timed runs per command; medians are reported (default 3)
  --only LIST  comma-separated figures to run: import, export, report (default all)

The mou binary is $MOU_BIN, else target/release/mou (run `cargo build --release` first).";

fn main() -> ExitCode {
    let opts = match parse_args(std::env::args().skip(1)) {
        Ok(Some(opts)) => opts,
        Ok(None) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("mou-bench: {e}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    match run(&opts) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("mou-bench: error: {e}");
            ExitCode::FAILURE
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Options

struct Opts {
    rows: u64,
    dir: PathBuf,
    runs: usize,
    import: bool,
    export: bool,
    report: bool,
}

fn parse_args(args: impl Iterator<Item = String>) -> Res<Option<Opts>> {
    let mut opts = Opts {
        rows: 1_000_000,
        dir: PathBuf::from("bench-data"),
        runs: 3,
        import: true,
        export: true,
        report: true,
    };
    let mut args = args.peekable();
    while let Some(arg) = args.next() {
        let (name, inline) = match arg.split_once('=') {
            Some((n, v)) if n.starts_with("--") => (n.to_string(), Some(v.to_string())),
            _ => (arg.clone(), None),
        };
        if name == "-h" || name == "--help" {
            return Ok(None);
        }
        let mut value = || -> Res<String> {
            match inline.clone().or_else(|| args.next()) {
                Some(v) => Ok(v),
                None => Err(format!("{name} needs a value").into()),
            }
        };
        match name.as_str() {
            "--rows" => {
                let v = value()?;
                opts.rows = v
                    .replace('_', "")
                    .parse()
                    .ctx(|| format!("--rows: bad number {v:?}"))?;
            }
            "--dir" => opts.dir = PathBuf::from(value()?),
            "--runs" => {
                let v = value()?;
                opts.runs = v.parse().ctx(|| format!("--runs: bad number {v:?}"))?;
                if opts.runs == 0 {
                    return Err("--runs must be at least 1".into());
                }
            }
            "--only" => {
                opts.import = false;
                opts.export = false;
                opts.report = false;
                for part in value()?.split(',').map(str::trim) {
                    match part {
                        "import" => opts.import = true,
                        "export" => opts.export = true,
                        "report" | "reports" => opts.report = true,
                        other => {
                            return Err(format!(
                                "--only: unknown figure {other:?} (valid: import, export, report)"
                            )
                            .into())
                        }
                    }
                }
            }
            other => return Err(format!("unknown argument {other:?}").into()),
        }
    }
    Ok(Some(opts))
}

// ---------------------------------------------------------------------------------------------
// Deterministic random numbers (xorshift64*)

struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Self {
        Rng(seed | 1)
    }

    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number in `0..n` (n > 0); the modulo bias is negligible here.
    fn below(&mut self, n: u64) -> u64 {
        (self.next() >> 11) % n
    }

    /// True with the given probability in percent (two decimals).
    fn chance(&mut self, percent: f64) -> bool {
        (self.below(10_000) as f64) < percent * 100.0
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }

    /// Picks from `(item, weight)` pairs.
    fn weighted<'a, T>(&mut self, items: &'a [(T, u64)]) -> &'a T {
        let total: u64 = items.iter().map(|(_, w)| w).sum();
        let mut r = self.below(total);
        for (item, w) in items {
            if r < *w {
                return item;
            }
            r -= w;
        }
        &items[items.len() - 1].0
    }

    /// `count` distinct numbers in `1..=max`, ascending.
    fn distinct_sorted(&mut self, count: usize, max: u64) -> Vec<u64> {
        let mut out: Vec<u64> = Vec::with_capacity(count);
        while out.len() < count {
            let n = 1 + self.below(max);
            if !out.contains(&n) {
                out.push(n);
            }
        }
        out.sort_unstable();
        out
    }
}

// ---------------------------------------------------------------------------------------------
// Civil dates as day numbers (days since 1970-01-01)

fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (i64::from(m) + 9) % 12;
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

/// The same calendar day `years` later (29 February becomes 28 February).
fn add_years(day: i64, years: i64) -> i64 {
    let (y, m, d) = civil_from_days(day);
    let y2 = y + years;
    let d2 = if m == 2 && d == 29 && !is_leap(y2) {
        28
    } else {
        d
    };
    days_from_civil(y2, m, d2)
}

fn fmt_date(day: i64) -> String {
    let (y, m, d) = civil_from_days(day);
    format!("{y:04}-{m:02}-{d:02}")
}

// ---------------------------------------------------------------------------------------------
// Data generation

const CATEGORIES: [(&str, u64); 7] = [
    ("government", 15),
    ("intergovernmental", 5),
    ("academic", 20),
    ("religious", 25),
    ("ngo", 20),
    ("grassroots", 10),
    ("other", 5),
];

const COUNTRIES: [&str; 20] = [
    "AT", "DE", "FR", "GB", "US", "SA", "AE", "EG", "JO", "LB", "MA", "TN", "ES", "IT", "CH", "NG",
    "KE", "ID", "PK", "IN",
];

/// (English name, Arabic name, acronym) templates per category; the partner's index is appended.
fn name_templates(category: &str) -> &'static [(&'static str, &'static str, &'static str)] {
    match category {
        "government" => &[
            ("Ministry of Culture", "وزارة الثقافة", "MOC"),
            ("Ministry of Foreign Affairs", "وزارة الخارجية", "MFA"),
            ("Municipality of the Capital", "أمانة العاصمة", "MUN"),
        ],
        "intergovernmental" => &[
            (
                "UN Inter-Agency Task Force",
                "فرقة العمل الأممية المشتركة",
                "IATF",
            ),
            (
                "Regional Development Office",
                "المكتب الإقليمي للتنمية",
                "RDO",
            ),
            (
                "Children's Fund Country Office",
                "مكتب صندوق الطفولة",
                "CFO",
            ),
        ],
        "academic" => &[
            (
                "University Institute for Dialogue",
                "معهد الجامعة للحوار",
                "UID",
            ),
            ("Faculty of Theology", "كلية الدراسات الدينية", "FOT"),
            ("Centre for Peace Studies", "مركز دراسات السلام", "CPS"),
        ],
        "religious" => &[
            ("Interfaith Council", "مجلس الحوار بين الأديان", "IFC"),
            (
                "Council of Religious Leaders",
                "مجلس القيادات الدينية",
                "CRL",
            ),
            (
                "Religions for Peace Chapter",
                "فرع أديان من أجل السلام",
                "RFP",
            ),
        ],
        "ngo" => &[
            ("Peace Foundation", "مؤسسة السلام", "PF"),
            (
                "Humanitarian Relief Association",
                "جمعية الإغاثة الإنسانية",
                "HRA",
            ),
            ("Social Cohesion Network", "شبكة التماسك الاجتماعي", "SCN"),
        ],
        "grassroots" => &[
            ("Youth Network", "شبكة الشباب", "YN"),
            ("Women Mediators Circle", "دائرة الوسيطات", "WMC"),
            ("Neighbourhood Initiative", "مبادرة الحي", "NI"),
        ],
        _ => &[
            ("Media Partners", "شركاء الإعلام", "MP"),
            ("Cultural Exchange Fund", "صندوق التبادل الثقافي", "CEF"),
        ],
    }
}

const PARTNER_NOTES: [&str; 6] = [
    "Signed at the World Humanitarian Summit, Istanbul",
    "Focal point: \"Dr. Amal\", external relations",
    "Contact through the embassy.\nRenewal under discussion",
    "شريك في أسبوع الوئام العالمي بين الأديان، ٢٠١٧",
    "Joint side event at the UN General Assembly, New York",
    "Expert meeting, \"World Interfaith Harmony Week\"",
];

/// (kind, ref prefix, English title prefix, Arabic title prefix)
type Kind = (&'static str, &'static str, &'static str, &'static str);

const KINDS: [(Kind, u64); 4] = [
    (
        (
            "mou",
            "MOU",
            "Memorandum of Understanding on",
            "مذكرة تفاهم بشأن",
        ),
        70,
    ),
    (
        (
            "agreement",
            "AGREEMENT",
            "Cooperation Agreement on",
            "اتفاقية تعاون في مجال",
        ),
        15,
    ),
    (("loi", "LOI", "Letter of Intent on", "خطاب نوايا بشأن"), 10),
    (("other", "OTHER", "Framework for", "إطار عمل بشأن"), 5),
];

const TOPICS: [(&str, &str); 10] = [
    ("interreligious dialogue", "الحوار بين أتباع الأديان"),
    ("youth, peace and security", "الشباب والسلام والأمن"),
    (
        "education for global citizenship",
        "التعليم من أجل المواطنة العالمية",
    ),
    ("social cohesion", "التماسك الاجتماعي"),
    ("hate speech prevention", "الوقاية من خطاب الكراهية"),
    ("refugee and migrant inclusion", "دمج اللاجئين والمهاجرين"),
    ("the 2030 Agenda", "خطة التنمية المستدامة لعام 2030"),
    (
        "capacity building for religious leaders",
        "بناء قدرات القيادات الدينية",
    ),
    ("child protection", "حماية الطفل"),
    ("women in peacebuilding", "دور المرأة في بناء السلام"),
];

const TAGS: [&str; 10] = [
    "advocacy",
    "capacity-building",
    "dialogue",
    "education",
    "events",
    "humanitarian",
    "media",
    "research",
    "training",
    "youth",
];

const AGREEMENT_NOTES: [&str; 6] = [
    "Annual work plan attached",
    "Funded by the partner, in kind",
    "Renewal to be discussed at the \"steering committee\"",
    "تم التوقيع خلال القمة العالمية للعمل الإنساني",
    "Side event, UN General Assembly",
    "Budget: see annex 2; contact the focal point",
];

const NEWLINE_NOTES: [&str; 2] = [
    "Signed in two originals.\nArabic and English texts equally authentic",
    "ملاحظة أولى\nملاحظة ثانية",
];

const TERMINATION_REASONS: [&str; 4] = [
    "Partner dissolved",
    "Mutual consent, objectives met",
    "Replaced by a new \"framework agreement\"",
    "إنهاء بالتراضي",
];

struct DataFiles {
    partners: PathBuf,
    agreements: PathBuf,
    small: PathBuf,
    small_rows: u64,
}

fn data_files(dir: &Path, rows: u64) -> DataFiles {
    DataFiles {
        partners: dir.join("partners.csv"),
        agreements: dir.join("agreements.csv"),
        small: dir.join("agreements-small.csv"),
        small_rows: rows / 10,
    }
}

fn generate(opts: &Opts) -> Res<DataFiles> {
    let files = data_files(&opts.dir, opts.rows);
    let meta_path = opts.dir.join("meta.txt");
    let meta = format!("rows={}\ngenerator={GENERATOR_VERSION}\n", opts.rows);
    let up_to_date = fs::read_to_string(&meta_path).is_ok_and(|m| m == meta)
        && files.partners.is_file()
        && files.agreements.is_file()
        && files.small.is_file();
    if up_to_date {
        println!(
            "data: reusing {} ({} agreements)",
            opts.dir.display(),
            opts.rows
        );
    } else {
        fs::create_dir_all(&opts.dir).ctx(|| format!("cannot create {}", opts.dir.display()))?;
        // The meta file goes last: an interrupted generation is redone.
        let _ = fs::remove_file(&meta_path);
        let start = Instant::now();
        write_partners(&files.partners)?;
        write_agreements(&files, opts.rows)?;
        fs::write(&meta_path, meta).ctx(|| format!("cannot write {}", meta_path.display()))?;
        println!(
            "data: generated {} agreements in {:.1} s",
            opts.rows,
            start.elapsed().as_secs_f64()
        );
    }
    for path in [&files.partners, &files.agreements, &files.small] {
        println!("  {:<40} {}", path.display(), fmt_size(file_len(path)?));
    }
    Ok(files)
}

fn file_len(path: &Path) -> Res<u64> {
    Ok(fs::metadata(path)
        .ctx(|| format!("cannot read {}", path.display()))?
        .len())
}

fn csv_writer(path: &Path) -> Res<csv::Writer<BufWriter<File>>> {
    let file = File::create(path).ctx(|| format!("cannot create {}", path.display()))?;
    Ok(csv::Writer::from_writer(BufWriter::with_capacity(
        1 << 16,
        file,
    )))
}

fn finish(mut w: csv::Writer<BufWriter<File>>, path: &Path) -> Res<()> {
    w.flush()
        .ctx(|| format!("cannot write {}", path.display()))?;
    let inner = w
        .into_inner()
        .map_err(|e| format!("cannot write {}: {}", path.display(), e.error()))?;
    inner
        .into_inner()
        .map_err(|e| format!("cannot write {}: {}", path.display(), e.error()))?
        .sync_all()
        .ctx(|| format!("cannot write {}", path.display()))?;
    Ok(())
}

fn write_partners(path: &Path) -> Res<()> {
    let mut rng = Rng::new(0x6d6f_755f_7061_7274);
    let mut w = csv_writer(path)?;
    let werr = |e: csv::Error| format!("cannot write {}: {e}", path.display());
    w.write_record([
        "key", "name", "aliases", "category", "country", "website", "notes",
    ])
    .map_err(werr)?;
    for i in 1..=PARTNERS {
        let category = *rng.weighted(&CATEGORIES);
        let (en, ar, acronym) = *rng.pick(name_templates(category));
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
            *rng.pick(&COUNTRIES)
        };
        let website = if rng.chance(60.0) {
            format!("https://p{i:04}.example.org")
        } else {
            String::new()
        };
        let notes = if rng.chance(25.0) {
            *rng.pick(&PARTNER_NOTES)
        } else {
            ""
        };
        let key = format!("p{i:04}");
        w.write_record([
            key.as_str(),
            &name,
            &aliases,
            category,
            country,
            &website,
            notes,
        ])
        .map_err(werr)?;
    }
    finish(w, path)
}

fn write_agreements(files: &DataFiles, rows: u64) -> Res<()> {
    let mut rng = Rng::new(0x6d6f_755f_6167_7265);
    let mut big = csv_writer(&files.agreements)?;
    let mut small = csv_writer(&files.small)?;
    let big_err = |e: csv::Error| format!("cannot write {}: {e}", files.agreements.display());
    let small_err = |e: csv::Error| format!("cannot write {}: {e}", files.small.display());
    // The columns export writes, less the derived and timestamp ones (import fills those).
    let header: Vec<&str> = mou::records::AGREEMENT_COLUMNS
        .iter()
        .copied()
        .filter(|c| !matches!(*c, "status" | "created_at" | "updated_at"))
        .collect();
    big.write_record(&header).map_err(big_err)?;
    small.write_record(&header).map_err(small_err)?;

    let first_day = days_from_civil(2000, 1, 1);
    let last_day = days_from_civil(2026, 12, 31);
    let mut fields: Vec<String> = vec![String::new(); header.len()];
    for seq in 1..=rows {
        for f in fields.iter_mut() {
            f.clear();
        }
        let (kind, kind_upper, en_prefix, ar_prefix) = *rng.weighted(&KINDS);
        let signed = if rng.chance(2.0) {
            None
        } else {
            Some(first_day + rng.below((last_day - first_day + 1) as u64) as i64)
        };
        let year = signed.map_or(2026, |d| civil_from_days(d).0);
        let _ = write!(fields[0], "{kind_upper}-{year}-{seq:03}");
        fields[1].push_str(kind);

        // Title: English or Arabic; some with commas and quotes; ~2% with a newline.
        let (topic_en, topic_ar) = *rng.pick(&TOPICS);
        let title = &mut fields[2];
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

        // Parties: one key (90%) or two or three distinct keys.
        let count = if rng.chance(90.0) {
            1
        } else {
            2 + rng.below(2) as usize
        };
        for (n, p) in rng
            .distinct_sorted(count, PARTNERS as u64)
            .into_iter()
            .enumerate()
        {
            if n > 0 {
                fields[3].push(';');
            }
            let _ = write!(fields[3], "p{p:04}");
        }

        if let Some(signed) = signed {
            fields[4] = fmt_date(signed);
            let effective = if rng.chance(75.0) {
                signed
            } else {
                signed + rng.below(91) as i64
            };
            fields[5] = fmt_date(effective);
            let expires = if rng.chance(30.0) {
                None
            } else {
                Some(add_years(effective, 1 + rng.below(10) as i64) - 1)
            };
            if let Some(expires) = expires {
                fields[6] = fmt_date(expires);
            }
            if rng.chance(2.0) {
                let end = expires.unwrap_or(effective + 3650);
                fields[7] = fmt_date(effective + rng.below((end - effective + 1) as u64) as i64);
                let reason: &&str = rng.pick(&TERMINATION_REASONS);
                fields[8].push_str(reason);
            }
        }
        if rng.chance(50.0) {
            let _ = write!(fields[9], "{}", rng.pick(&[30, 60, 90, 180]));
        }
        // fields[10] (renews) stays empty.
        let sdgs = rng.below(5) as usize;
        for (n, s) in rng.distinct_sorted(sdgs, 17).into_iter().enumerate() {
            if n > 0 {
                fields[11].push(';');
            }
            let _ = write!(fields[11], "{s}");
        }
        let tags = rng.below(4) as usize;
        for (n, t) in rng
            .distinct_sorted(tags, TAGS.len() as u64)
            .into_iter()
            .enumerate()
        {
            if n > 0 {
                fields[12].push(';');
            }
            fields[12].push_str(TAGS[t as usize - 1]);
        }
        if rng.chance(15.0) {
            let notes = if rng.chance(13.0) {
                rng.pick(&NEWLINE_NOTES)
            } else {
                rng.pick(&AGREEMENT_NOTES)
            };
            fields[13].push_str(notes);
        }
        if rng.chance(30.0) {
            let doc = format!("docs/{}.pdf", fields[0]);
            fields[14] = doc;
        }

        big.write_record(&fields).map_err(big_err)?;
        if seq <= files.small_rows {
            small.write_record(&fields).map_err(small_err)?;
        }
    }
    finish(big, &files.agreements)?;
    finish(small, &files.small)
}

// ---------------------------------------------------------------------------------------------
// Running child processes

/// Where a child's stdout goes.
enum Out<'a> {
    Null,
    File(&'a Path),
}

struct Measure {
    secs: f64,
    /// Peak resident set size in KiB, where the platform reports it.
    max_rss_kib: Option<u64>,
}

fn shell_quote(s: &OsStr) -> String {
    let s = s.to_string_lossy();
    let plain = !s.is_empty()
        && s.chars()
            .all(|c| c.is_alphanumeric() || "-_./=:,+%@".contains(c));
    if plain {
        s.into_owned()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

/// The command as a shell line, for messages.
fn describe(cmd: &Command, stdin: Option<&str>, out: &Out) -> String {
    let mut line = String::new();
    for (k, v) in cmd.get_envs() {
        if let Some(v) = v {
            let _ = write!(line, "{}={} ", k.to_string_lossy(), shell_quote(v));
        }
    }
    line.push_str(&shell_quote(cmd.get_program()));
    for a in cmd.get_args() {
        line.push(' ');
        line.push_str(&shell_quote(a));
    }
    if let Out::File(p) = out {
        let _ = write!(line, " > {}", shell_quote(p.as_os_str()));
    }
    if let Some(script) = stdin {
        let _ = write!(line, " <<'EOF'\n{}EOF", script);
    }
    line
}

/// Runs a command to completion: stdin null (or `stdin` written to it), stdout to `out`,
/// stderr captured and shown only if the command fails, which is an error.
fn run_measured(cmd: &mut Command, stdin: Option<&str>, out: Out) -> Res<Measure> {
    let line = describe(cmd, stdin, &out);
    cmd.stdin(if stdin.is_some() {
        Stdio::piped()
    } else {
        Stdio::null()
    });
    cmd.stdout(match out {
        Out::Null => Stdio::null(),
        Out::File(p) => {
            Stdio::from(File::create(p).ctx(|| format!("cannot create {}", p.display()))?)
        }
    });
    cmd.stderr(Stdio::piped());

    let start = Instant::now();
    let mut child = cmd.spawn().ctx(|| format!("cannot start `{line}`"))?;
    let stderr = child.stderr.take().map(|mut pipe| {
        thread::spawn(move || {
            let mut buf = Vec::new();
            let _ = pipe.read_to_end(&mut buf);
            buf
        })
    });
    let mut write_error = None;
    if let (Some(script), Some(mut pipe)) = (stdin, child.stdin.take()) {
        if let Err(e) = pipe.write_all(script.as_bytes()) {
            write_error = Some(e);
        }
    }
    let (status, max_rss_kib) =
        wait_with_rusage(&mut child).ctx(|| format!("waiting for `{line}`"))?;
    let secs = start.elapsed().as_secs_f64();
    let stderr = stderr
        .and_then(|h| h.join().ok())
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .unwrap_or_default();
    if !status.success() {
        return Err(format!(
            "command failed ({status}):\n  {line}\n{}",
            stderr.trim_end()
        )
        .into());
    }
    if let Some(e) = write_error {
        return Err(format!("cannot write the script to `{line}`: {e}").into());
    }
    Ok(Measure { secs, max_rss_kib })
}

/// Runs a command quickly for its stdout (e.g. `--version`).
fn run_for_output(cmd: &mut Command) -> Res<String> {
    let line = describe(cmd, None, &Out::Null);
    let out = cmd
        .stdin(Stdio::null())
        .output()
        .ctx(|| format!("cannot start `{line}`"))?;
    if !out.status.success() {
        return Err(format!(
            "command failed ({}):\n  {line}\n{}",
            out.status,
            String::from_utf8_lossy(&out.stderr).trim_end()
        )
        .into());
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
}

#[cfg(all(target_os = "linux", target_pointer_width = "64"))]
fn wait_with_rusage(child: &mut Child) -> io::Result<(ExitStatus, Option<u64>)> {
    use std::os::raw::{c_int, c_long};
    use std::os::unix::process::ExitStatusExt;

    /// Linux `struct rusage` on 64-bit targets, with spare room at the end (musl reserves some).
    #[repr(C)]
    struct RUsage {
        utime: [c_long; 2],
        stime: [c_long; 2],
        maxrss: c_long,
        other: [c_long; 13],
        reserved: [c_long; 16],
    }

    extern "C" {
        fn wait4(pid: c_int, status: *mut c_int, options: c_int, rusage: *mut RUsage) -> c_int;
    }

    let pid =
        c_int::try_from(child.id()).map_err(|_| io::Error::other("process id out of range"))?;
    loop {
        let mut status: c_int = 0;
        let mut usage = RUsage {
            utime: [0; 2],
            stime: [0; 2],
            maxrss: 0,
            other: [0; 13],
            reserved: [0; 16],
        };
        // SAFETY: `status` and `usage` are valid, writable and large enough for the kernel's
        // `struct rusage`; `pid` is our own child, not yet reaped (std has not waited on it).
        let r = unsafe { wait4(pid, &mut status, 0, &mut usage) };
        if r == pid {
            let kib = u64::try_from(usage.maxrss).ok();
            return Ok((ExitStatus::from_raw(status), kib));
        }
        let e = io::Error::last_os_error();
        if e.kind() != io::ErrorKind::Interrupted {
            return Err(e);
        }
    }
}

#[cfg(not(all(target_os = "linux", target_pointer_width = "64")))]
fn wait_with_rusage(child: &mut Child) -> io::Result<(ExitStatus, Option<u64>)> {
    Ok((child.wait()?, None))
}

// ---------------------------------------------------------------------------------------------
// Tools under test

struct Tools {
    /// The mou binary, if found.
    mou: Option<PathBuf>,
    /// Whether the sqlite3 shell is on PATH.
    sqlite: bool,
}

impl Tools {
    fn mou_cmd(&self, db: &Path) -> Option<Command> {
        let mou = self.mou.as_ref()?;
        let mut cmd = Command::new(mou);
        cmd.env_remove("MOU_DB")
            .env("MOU_TODAY", MOU_TODAY)
            .arg("--db")
            .arg(db);
        Some(cmd)
    }
}

fn sqlite_cmd() -> Command {
    let mut cmd = Command::new("sqlite3");
    // Ignore a user's ~/.sqliterc: it could change modes or print.
    cmd.args(["-init", "/dev/null"]);
    cmd
}

fn find_tools() -> Res<Tools> {
    let sqlite = match run_for_output(Command::new("sqlite3").arg("--version")) {
        Ok(v) => {
            let short: Vec<&str> = v.split_whitespace().take(2).collect();
            println!("sqlite3: {} (the shell on PATH)", short.join(" "));
            true
        }
        Err(e) => {
            println!(
                "sqlite3: not available ({e})\n  install it with `apt-get install sqlite3`; \
                 the sqlite3 side and the ratios are skipped"
            );
            false
        }
    };
    let path = std::env::var_os("MOU_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("target/release/mou"));
    let mou = if path.is_file() {
        let version = match run_for_output(Command::new(&path).arg("--version")) {
            Ok(v) if v.is_empty() => "version unknown (`--version` printed nothing)".to_string(),
            Ok(v) => v,
            Err(e) => format!("version unknown ({e})"),
        };
        println!("mou:     {} ({})", version, path.display());
        Some(path)
    } else {
        println!(
            "mou:     mou binary not found at {} -- run `cargo build --release` first, \
             or set MOU_BIN; only the sqlite3 side runs",
            path.display()
        );
        None
    };
    Ok(Tools { mou, sqlite })
}

// ---------------------------------------------------------------------------------------------
// Figures

/// One line of the final table.
struct Row {
    figure: String,
    rows: u64,
    mou: Result<f64, &'static str>,
    sqlite: Result<f64, &'static str>,
    target: Option<f64>,
    rss_kib: Option<u64>,
}

/// Times collected over the runs of one command.
#[derive(Default)]
struct Series {
    secs: Vec<f64>,
    rss: Vec<u64>,
}

impl Series {
    fn add(&mut self, m: &Measure) {
        self.secs.push(m.secs);
        if let Some(k) = m.max_rss_kib {
            self.rss.push(k);
        }
    }

    fn median(&self) -> Option<f64> {
        if self.secs.is_empty() {
            return None;
        }
        let mut v = self.secs.clone();
        v.sort_by(f64::total_cmp);
        let n = v.len();
        Some(if n % 2 == 1 {
            v[n / 2]
        } else {
            (v[n / 2 - 1] + v[n / 2]) / 2.0
        })
    }

    /// The largest peak RSS over the runs.
    fn peak_rss(&self) -> Option<u64> {
        self.rss.iter().copied().max()
    }
}

fn missing_mou(tools: &Tools) -> &'static str {
    if tools.mou.is_some() {
        "-"
    } else {
        "not found"
    }
}

fn missing_sqlite(tools: &Tools) -> &'static str {
    if tools.sqlite {
        "-"
    } else {
        "not installed"
    }
}

fn result(series: &Series, missing: &'static str) -> Result<f64, &'static str> {
    series.median().ok_or(missing)
}

fn remove_db(db: &Path) -> Res<()> {
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let mut p = db.as_os_str().to_owned();
        p.push(suffix);
        let p = PathBuf::from(p);
        match fs::remove_file(&p) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => return Err(format!("cannot remove {}: {e}", p.display()).into()),
        }
    }
    Ok(())
}

/// Path for use inside a sqlite3 dot-command, single-quoted (taken literally by the shell).
fn dot_path(p: &Path) -> Res<String> {
    let s = p
        .to_str()
        .ok_or_else(|| format!("path is not UTF-8: {}", p.display()))?;
    if s.contains('\'') {
        return Err(format!("path contains a single quote, not supported: {s}").into());
    }
    Ok(format!("'{s}'"))
}

/// Fresh mou registry: partners imported (untimed), then the agreements import measured.
fn mou_import(
    tools: &Tools,
    db: &Path,
    files: &DataFiles,
    agreements: &Path,
) -> Res<Option<Measure>> {
    let Some(mut partners) = tools.mou_cmd(db) else {
        return Ok(None);
    };
    remove_db(db)?;
    partners.args(["import", "partners"]).arg(&files.partners);
    run_measured(&mut partners, None, Out::Null)?;
    let Some(mut cmd) = tools.mou_cmd(db) else {
        return Ok(None);
    };
    cmd.args(["import", "agreements"]).arg(agreements);
    run_measured(&mut cmd, None, Out::Null).map(Some)
}

/// The sqlite3 shell importing the CSV into a typed table in a fresh file.
fn sqlite_import(tools: &Tools, db: &Path, agreements: &Path) -> Res<Option<Measure>> {
    if !tools.sqlite {
        return Ok(None);
    }
    remove_db(db)?;
    let script = format!(
        "{AGREEMENT_RAW_TABLE}\n.import --csv --skip 1 {} agreement_raw\n",
        dot_path(agreements)?
    );
    let mut cmd = sqlite_cmd();
    cmd.args(["-batch", "-bail"]).arg(db);
    run_measured(&mut cmd, Some(&script), Out::Null).map(Some)
}

fn fmt_run(label: &str, m: &Option<Measure>) -> String {
    match m {
        None => String::new(),
        Some(m) => {
            let rss = m
                .max_rss_kib
                .map(|k| format!(" ({})", fmt_rss(k)))
                .unwrap_or_default();
            format!("  {label} {}{rss}", fmt_secs(m.secs))
        }
    }
}

/// Runs `a` then `b` on odd runs and `b` then `a` on even runs, so neither always goes first.
fn paired<X, Y>(run: usize, a: impl FnOnce() -> Res<X>, b: impl FnOnce() -> Res<Y>) -> Res<(X, Y)> {
    if run % 2 == 1 {
        let x = a()?;
        Ok((x, b()?))
    } else {
        let y = b()?;
        Ok((a()?, y))
    }
}

fn figure_import(opts: &Opts, tools: &Tools, files: &DataFiles, run_dir: &Path) -> Res<Vec<Row>> {
    println!("\n== A. import agreements ({} runs)", opts.runs);
    let mou_db = run_dir.join("mou.db");
    let raw_db = run_dir.join("raw.db");
    let small_db = run_dir.join("mou-small.db");
    let raw_small_db = run_dir.join("raw-small.db");
    let mut rows = Vec::new();
    for (label, agreements, n, mou_db, raw_db) in [
        (
            "import agreements (N/10)",
            &files.small,
            files.small_rows,
            &small_db,
            &raw_small_db,
        ),
        (
            "import agreements",
            &files.agreements,
            opts.rows,
            &mou_db,
            &raw_db,
        ),
    ] {
        // The N/10 import is there for the memory comparison; its ratio is shown, untargeted.
        let target = (n == opts.rows).then_some(1.0);
        let (mut mou, mut sql) = (Series::default(), Series::default());
        for run in 1..=opts.runs {
            let (m, s) = paired(
                run,
                || mou_import(tools, mou_db, files, agreements),
                || sqlite_import(tools, raw_db, agreements),
            )?;
            println!(
                "  {n} rows, run {run}:{}{}",
                fmt_run("mou", &m),
                fmt_run("sqlite3", &s)
            );
            if let Some(m) = &m {
                mou.add(m);
            }
            if let Some(s) = &s {
                sql.add(s);
            }
        }
        rows.push(Row {
            figure: label.to_string(),
            rows: n,
            mou: result(&mou, missing_mou(tools)),
            sqlite: result(&sql, missing_sqlite(tools)),
            target,
            rss_kib: mou.peak_rss(),
        });
    }
    if let [small, big] = rows.as_slice() {
        if let (Some(a), Some(b)) = (small.rss_kib, big.rss_kib) {
            println!(
                "  mou peak RSS: {} at {} rows, {} at {} rows ({:.2}x for 10x the rows; flat is ~1x)",
                fmt_rss(a),
                small.rows,
                fmt_rss(b),
                big.rows,
                b as f64 / a.max(1) as f64
            );
        }
    }
    Ok(rows)
}

/// A registry file for the export and report figures: mou's own when mou is present, else a
/// stand-in with mou's tables built by the sqlite3 shell (so the sqlite3 side can still run).
fn prepare_registry(
    tools: &Tools,
    files: &DataFiles,
    run_dir: &Path,
    imported: bool,
) -> Res<Option<PathBuf>> {
    if tools.mou.is_some() {
        let db = run_dir.join("mou.db");
        if !imported {
            println!("\nbuilding {} with mou (untimed)", db.display());
            mou_import(tools, &db, files, &files.agreements)?;
        }
        if !db.is_file() {
            return Err(format!(
                "mou's imports succeeded but left no registry at {}: is `mou import` implemented?",
                db.display()
            )
            .into());
        }
        return Ok(Some(db));
    }
    if !tools.sqlite {
        return Ok(None);
    }
    let db = run_dir.join("standin.db");
    println!(
        "\nmou binary not found: building a stand-in registry {} with mou's tables using sqlite3 \
         (untimed); sqlite3 figures on it are indicative only",
        db.display()
    );
    remove_db(&db)?;
    let script = format!(
        "CREATE TABLE partner(id INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE, name TEXT NOT NULL, \
name_norm TEXT NOT NULL, category TEXT NOT NULL, country TEXT, website TEXT, notes TEXT, \
created_at TEXT NOT NULL, updated_at TEXT NOT NULL);
CREATE TABLE agreement(id INTEGER PRIMARY KEY, ref TEXT NOT NULL UNIQUE, kind TEXT NOT NULL, \
title TEXT, signed_on TEXT, effective_on TEXT, expires_on TEXT, terminated_on TEXT, \
termination_reason TEXT, notice_days INTEGER, renews INTEGER, sdgs TEXT, tags TEXT, notes TEXT, \
document TEXT, created_at TEXT NOT NULL, updated_at TEXT NOT NULL);
CREATE TABLE agreement_party(agreement_id INTEGER NOT NULL, position INTEGER NOT NULL, \
partner_id INTEGER NOT NULL, PRIMARY KEY (agreement_id, position)) WITHOUT ROWID;
CREATE TABLE partner_raw(key, name, aliases, category, country, website, notes);
.import --csv --skip 1 {partners} partner_raw
INSERT INTO partner(key, name, name_norm, category, country, website, notes, created_at, updated_at)
  SELECT key, name, lower(name), category, nullif(country, ''), nullif(website, ''),
         nullif(notes, ''), '{MOU_TODAY}T00:00:00Z', '{MOU_TODAY}T00:00:00Z' FROM partner_raw;
{AGREEMENT_RAW_TABLE}
.import --csv --skip 1 {agreements} agreement_raw
INSERT INTO agreement(ref, kind, title, signed_on, effective_on, expires_on, terminated_on,
  termination_reason, notice_days, renews, sdgs, tags, notes, document, created_at, updated_at)
  SELECT ref, kind, title, nullif(signed_on, ''), nullif(effective_on, ''), nullif(expires_on, ''),
         nullif(terminated_on, ''), nullif(termination_reason, ''), nullif(notice_days, ''), NULL,
         nullif(sdgs, ''), nullif(tags, ''), nullif(notes, ''), nullif(document, ''),
         '{MOU_TODAY}T00:00:00Z', '{MOU_TODAY}T00:00:00Z'
  FROM agreement_raw ORDER BY rowid;
INSERT INTO agreement_party(agreement_id, position, partner_id)
  SELECT a.id, j.key + 1, p.id
  FROM agreement_raw r JOIN agreement a ON a.ref = r.ref,
       json_each('[\"' || replace(r.parties, ';', '\",\"') || '\"]') j
       JOIN partner p ON p.key = j.value;
DROP TABLE partner_raw;
DROP TABLE agreement_raw;
",
        partners = dot_path(&files.partners)?,
        agreements = dot_path(&files.agreements)?,
    );
    let mut cmd = sqlite_cmd();
    cmd.args(["-batch", "-bail"]).arg(&db);
    run_measured(&mut cmd, Some(&script), Out::Null)?;
    Ok(Some(db))
}

/// Counts CSV records (not lines: cells may hold newlines).
fn count_records(path: &Path, has_headers: bool) -> Res<u64> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(has_headers)
        .flexible(true)
        .from_path(path)
        .ctx(|| format!("cannot read {}", path.display()))?;
    let mut record = csv::ByteRecord::new();
    let mut n = 0;
    while reader
        .read_byte_record(&mut record)
        .ctx(|| format!("cannot read {}", path.display()))?
    {
        n += 1;
    }
    Ok(n)
}

fn figure_export(opts: &Opts, tools: &Tools, db: &Path, run_dir: &Path) -> Res<Row> {
    println!(
        "\n== B. export agreements ({} runs) from {}",
        opts.runs,
        db.display()
    );
    let mou_out = run_dir.join("out.csv");
    let sqlite_out = run_dir.join("sqlite-out.csv");
    let (mut mou, mut sql) = (Series::default(), Series::default());
    for run in 1..=opts.runs {
        let (m, s) = paired(
            run,
            || match tools.mou_cmd(db) {
                None => Ok(None),
                Some(mut cmd) => {
                    cmd.args(["export", "agreements", "-o"]).arg(&mou_out);
                    run_measured(&mut cmd, None, Out::Null).map(Some)
                }
            },
            || {
                if !tools.sqlite {
                    return Ok(None);
                }
                let mut cmd = sqlite_cmd();
                cmd.arg("-csv").arg(db).arg("SELECT * FROM agreement");
                run_measured(&mut cmd, None, Out::File(&sqlite_out)).map(Some)
            },
        )?;
        println!(
            "  run {run}:{}{}",
            fmt_run("mou", &m),
            fmt_run("sqlite3", &s)
        );
        if let Some(m) = &m {
            mou.add(m);
        }
        if let Some(s) = &s {
            sql.add(s);
        }
    }
    // Not timed: a look at what each side wrote.
    if tools.mou.is_some() {
        println!(
            "  mou wrote     {} ({} records after the header)",
            fmt_size(file_len(&mou_out)?),
            count_records(&mou_out, true)?
        );
    }
    if tools.sqlite {
        println!(
            "  sqlite3 wrote {} ({} records, no header)",
            fmt_size(file_len(&sqlite_out)?),
            count_records(&sqlite_out, false)?
        );
    }
    Ok(Row {
        figure: "export agreements".to_string(),
        rows: opts.rows,
        mou: result(&mou, missing_mou(tools)),
        sqlite: result(&sql, missing_sqlite(tools)),
        target: Some(0.9),
        rss_kib: mou.peak_rss(),
    })
}

fn figure_report(opts: &Opts, tools: &Tools, db: &Path) -> Res<Vec<Row>> {
    println!(
        "\n== C. reports ({} runs, MOU_TODAY={MOU_TODAY}) from {}",
        opts.runs,
        db.display()
    );
    let (mut summary, mut quarterly, mut sql) =
        (Series::default(), Series::default(), Series::default());
    for run in 1..=opts.runs {
        let mou_side = || -> Res<Option<(Measure, Measure)>> {
            let (Some(mut a), Some(mut b)) = (tools.mou_cmd(db), tools.mou_cmd(db)) else {
                return Ok(None);
            };
            a.arg("report");
            let ma = run_measured(&mut a, None, Out::Null)?;
            b.args(["report", "quarterly", QUARTER]);
            let mb = run_measured(&mut b, None, Out::Null)?;
            Ok(Some((ma, mb)))
        };
        let sqlite_side = || -> Res<Option<Measure>> {
            if !tools.sqlite {
                return Ok(None);
            }
            let mut cmd = sqlite_cmd();
            cmd.arg(db).arg(SQLITE_GROUP_BY);
            run_measured(&mut cmd, None, Out::Null).map(Some)
        };
        let (m, s) = paired(run, mou_side, sqlite_side)?;
        let (ma, mb) = match m {
            Some((a, b)) => (Some(a), Some(b)),
            None => (None, None),
        };
        println!(
            "  run {run}:{}{}{}",
            fmt_run("mou report", &ma),
            fmt_run(&format!("mou report quarterly {QUARTER}"), &mb),
            fmt_run("sqlite3 GROUP BY", &s)
        );
        if let (Some(a), Some(b)) = (&ma, &mb) {
            summary.add(a);
            quarterly.add(b);
        }
        if let Some(s) = &s {
            sql.add(s);
        }
    }
    let sqlite = result(&sql, missing_sqlite(tools));
    Ok(vec![
        Row {
            figure: "report (summary)".to_string(),
            rows: opts.rows,
            mou: result(&summary, missing_mou(tools)),
            sqlite,
            target: Some(0.5),
            rss_kib: summary.peak_rss(),
        },
        Row {
            figure: format!("report quarterly {QUARTER}"),
            rows: opts.rows,
            mou: result(&quarterly, missing_mou(tools)),
            sqlite,
            target: Some(0.5),
            rss_kib: quarterly.peak_rss(),
        },
    ])
}

// ---------------------------------------------------------------------------------------------
// Output

fn fmt_secs(s: f64) -> String {
    if s >= 1.0 {
        format!("{s:.2} s")
    } else {
        format!("{:.0} ms", s * 1000.0)
    }
}

fn fmt_rss(kib: u64) -> String {
    format!("{:.1} MB", kib as f64 / 1024.0)
}

fn fmt_size(bytes: u64) -> String {
    format!("{:.1} MB", bytes as f64 / 1_000_000.0)
}

fn print_table(rows: &[Row]) {
    println!(
        "\n{:<28} {:>8}  {:<10} {:<10} {:>6}  {:<7} {:>9}",
        "figure", "rows", "mou", "sqlite3", "ratio ", "target", "peak RSS"
    );
    let mut over = false;
    for r in rows {
        let ratio = match (r.mou, r.sqlite) {
            (Ok(m), Ok(s)) if s > 0.0 => {
                let ratio = m / s;
                let mark = match r.target {
                    Some(t) if ratio > t => {
                        over = true;
                        '*'
                    }
                    _ => ' ',
                };
                format!("{ratio:.2}{mark}")
            }
            _ => "- ".to_string(),
        };
        let target = r.target.map_or("-".to_string(), |t| format!("<={t:.1}"));
        let cell = |x: Result<f64, &'static str>| x.map_or_else(str::to_string, fmt_secs);
        println!(
            "{:<28} {:>8}  {:<10} {:<10} {:>6}  {:<7} {:>9}",
            r.figure,
            r.rows,
            cell(r.mou),
            cell(r.sqlite),
            ratio,
            target,
            r.rss_kib.map_or("-".to_string(), fmt_rss)
        );
    }
    println!(
        "\nmou and sqlite3 are median wall times; ratio = mou / sqlite3 (lower is better); \
         peak RSS is mou's (max over runs)."
    );
    if over {
        println!("* over target. On a shared 2-core machine differences under ~10% are noise.");
    }
}

fn run(opts: &Opts) -> Res<()> {
    println!(
        "mou-bench: {} agreements, {} partners, {} runs, data in {}",
        opts.rows,
        PARTNERS,
        opts.runs,
        opts.dir.display()
    );
    let files = generate(opts)?;
    let tools = find_tools()?;
    let run_dir = opts.dir.join("run");
    fs::create_dir_all(&run_dir).ctx(|| format!("cannot create {}", run_dir.display()))?;

    let mut rows = Vec::new();
    if opts.import {
        rows.extend(figure_import(opts, &tools, &files, &run_dir)?);
    }
    if opts.export || opts.report {
        match prepare_registry(&tools, &files, &run_dir, opts.import)? {
            Some(db) => {
                if opts.export {
                    rows.push(figure_export(opts, &tools, &db, &run_dir)?);
                }
                if opts.report {
                    rows.extend(figure_report(opts, &tools, &db)?);
                }
            }
            None => println!("\nneither mou nor sqlite3 available: export and reports skipped"),
        }
    }
    print_table(&rows);
    if let Some(mou) = &tools.mou {
        println!("mou binary: {}", mou.display());
    } else {
        println!(
            "mou binary not found: build it with `cargo build --release` (or set MOU_BIN) \
             for the mou side and the ratios."
        );
    }
    if !tools.sqlite {
        println!("sqlite3 not found: install it with `apt-get install sqlite3` for the ratios.");
    }
    Ok(())
}
