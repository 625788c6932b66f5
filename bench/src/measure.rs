//! Running a child process and measuring it: wall time and peak resident set size, and the
//! series of measures of one command over the runs.

use std::ffi::OsStr;
use std::fmt::Write as _;
use std::fs::File;
use std::io::{self, Read, Write};
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::thread;
use std::time::Instant;

use crate::error::{Context, Res};

/// Where a child's stdout goes.
pub enum Out<'a> {
    Null,
    File(&'a Path),
}

pub struct Measure {
    pub secs: f64,
    /// Peak resident set size in KiB, where the platform reports it.
    pub max_rss_kib: Option<u64>,
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
pub fn run_measured(cmd: &mut Command, stdin: Option<&str>, out: Out) -> Res<Measure> {
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
pub fn run_for_output(cmd: &mut Command) -> Res<String> {
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
pub fn wait_with_rusage(child: &mut Child) -> io::Result<(ExitStatus, Option<u64>)> {
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
pub fn wait_with_rusage(child: &mut Child) -> io::Result<(ExitStatus, Option<u64>)> {
    Ok((child.wait()?, None))
}

/// Times collected over the runs of one command.
#[derive(Default)]
pub struct Series {
    secs: Vec<f64>,
    rss: Vec<u64>,
}

impl Series {
    pub fn add(&mut self, m: &Measure) {
        self.secs.push(m.secs);
        if let Some(k) = m.max_rss_kib {
            self.rss.push(k);
        }
    }

    pub fn median(&self) -> Option<f64> {
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
    pub fn peak_rss(&self) -> Option<u64> {
        self.rss.iter().copied().max()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn measure(secs: f64, kib: Option<u64>) -> Measure {
        Measure {
            secs,
            max_rss_kib: kib,
        }
    }

    #[test]
    fn a_series_reports_its_median_and_its_largest_peak() {
        let mut s = Series::default();
        assert_eq!(s.median(), None);
        for (secs, kib) in [(3.0, Some(10)), (1.0, None), (2.0, Some(30))] {
            s.add(&measure(secs, kib));
        }
        assert_eq!((s.median(), s.peak_rss()), (Some(2.0), Some(30)));
        s.add(&measure(4.0, Some(20)));
        assert_eq!(s.median(), Some(2.5));
    }

    #[test]
    fn a_failing_command_is_an_error_showing_its_line_and_stderr() {
        let mut cmd = Command::new("sh");
        cmd.args(["-c", "echo oops >&2; exit 3"]);
        let e = run_measured(&mut cmd, None, Out::Null)
            .err()
            .unwrap()
            .to_string();
        assert!(e.contains("sh -c 'echo oops >&2; exit 3'"), "{e}");
        assert!(e.contains("oops"), "{e}");
    }

    #[cfg(all(target_os = "linux", target_pointer_width = "64"))]
    #[test]
    fn peak_rss_is_measured_on_linux() {
        let m = run_measured(&mut Command::new("cat"), Some("a script\n"), Out::Null).unwrap();
        assert!(m.max_rss_kib.is_some_and(|k| k > 0));
    }
}
