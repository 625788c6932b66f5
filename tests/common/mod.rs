//! Runs the real binary on a registry in a temporary directory, with the clock fixed and the
//! environment cleared.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub mod engagement_model;
pub mod find;
pub mod import;
pub mod pg;
pub mod report_model;
pub mod robustness;
pub mod text;

/// The refs of the sample's agreements with UNICEF (data/).
pub const UNICEF: &[&str] = &["MOU-2015-001", "MOU-2022-002", "MOU-2026-004"];

pub const TODAY: &str = "2026-11-29";
pub const NOW: &str = "2026-11-29T10:00:00Z";

pub struct Env {
    pub dir: tempfile::TempDir,
    pub db: PathBuf,
}

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    fn from(o: Output) -> Run {
        Run::from_output(o)
    }

    /// The result of a command run by hand (`env.command()...output()`).
    pub fn from_output(o: Output) -> Run {
        Run {
            code: o.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
        }
    }

    /// Asserts success and returns stdout.
    #[track_caller]
    pub fn ok(&self) -> &str {
        assert_eq!(
            self.code, 0,
            "expected success\nstdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        &self.stdout
    }

    /// Asserts the exit code and that stderr mentions every word of `needles`.
    #[track_caller]
    pub fn fails(&self, code: i32, needles: &[&str]) -> &Run {
        assert_eq!(
            self.code, code,
            "expected exit {code}\nstdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        for n in needles {
            assert!(
                self.stderr.contains(n),
                "stderr lacks {n:?}:\n{}",
                self.stderr
            );
        }
        self
    }
}

pub fn bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_mou"))
}

pub fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data")
}

impl Env {
    pub fn new() -> Env {
        let dir = tempfile::tempdir().expect("temp dir");
        let db = dir.path().join("registry.db");
        Env { dir, db }
    }

    /// A registry holding the sample data of data/.
    pub fn sample() -> Env {
        let env = Env::new();
        env.run(&[
            "import",
            "partners",
            data_dir().join("partners.csv").to_str().unwrap(),
        ])
        .ok();
        env.run(&[
            "import",
            "agreements",
            data_dir().join("agreements.csv").to_str().unwrap(),
        ])
        .ok();
        env
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    pub fn command(&self) -> Command {
        let mut c = Command::new(bin());
        c.env_clear()
            .env("MOU_DB", &self.db)
            .env("MOU_TODAY", TODAY)
            .env("MOU_NOW", NOW)
            .env("USER", "tester")
            .env("MOU_BUSY_TIMEOUT_MS", "2000")
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .current_dir(self.dir.path());
        c
    }

    pub fn run(&self, args: &[&str]) -> Run {
        Run::from(self.command().args(args).output().expect("run mou"))
    }

    pub fn run_stdin(&self, args: &[&str], input: &str) -> Run {
        use std::io::Write;
        use std::process::Stdio;
        let mut child = self
            .command()
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn mou");
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
        Run::from(child.wait_with_output().unwrap())
    }

    /// The registry file's bytes (and its WAL's), to prove a failed command changed nothing.
    pub fn snapshot_bytes(&self) -> Vec<u8> {
        let mut v = std::fs::read(&self.db).unwrap_or_default();
        let mut wal = self.db.clone().into_os_string();
        wal.push("-wal");
        v.extend(std::fs::read(PathBuf::from(wal)).unwrap_or_default());
        v
    }

    /// [`Env::snapshot_bytes`] but for the file change counter in SQLite's header (offsets
    /// 24 and 92): a bulk import switches to a rollback journal and back, and each switch
    /// counts as a change even when the import itself is refused and rolled back.
    pub fn snapshot_bytes_but_counter(&self) -> Vec<u8> {
        let mut b = self.snapshot_bytes();
        if b.len() >= 100 {
            b[24..28].fill(0);
            b[92..96].fill(0);
        }
        b
    }

    pub fn write(&self, name: &str, content: &str) -> PathBuf {
        let p = self.path(name);
        std::fs::write(&p, content).unwrap();
        p
    }

    /// The candidates the shell would be offered for the last word of `line` (fish's form).
    pub fn complete(&self, line: &[&str]) -> Vec<String> {
        let out = self
            .command()
            .env("MOU_COMPLETE", "fish")
            .arg("--")
            .args(line)
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(|l| l.split('\t').next().unwrap().to_string())
            .collect()
    }

    /// Runs a command expected to fail and asserts the registry is byte-for-byte unchanged.
    #[track_caller]
    pub fn fails_unchanged(&self, args: &[&str], code: i32, needles: &[&str]) -> Run {
        let before = self.snapshot_bytes();
        let r = self.run(args);
        r.fails(code, needles);
        assert!(
            self.snapshot_bytes() == before,
            "registry changed by failing {args:?}"
        );
        r
    }
}

/// What a command printed, parsed as JSON; a panic shows the text when it is not JSON.
pub fn json(s: &str) -> serde_json::Value {
    serde_json::from_str(s).unwrap_or_else(|e| panic!("not JSON ({e}):\n{s}"))
}

/// A date written `YYYY-MM-DD`.
pub fn d(s: &str) -> chrono::NaiveDate {
    chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// A date, or none for an empty cell.
pub fn od(s: &str) -> Option<chrono::NaiveDate> {
    (!s.is_empty()).then(|| d(s))
}

/// A path as the argument of a command.
pub fn p(path: &Path) -> &str {
    path.to_str().unwrap()
}

/// Owned strings, to compare with what a command printed.
pub fn s(v: &[&str]) -> Vec<String> {
    v.iter().map(|x| x.to_string()).collect()
}
