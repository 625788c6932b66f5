//! Files mou writes (`export -o`, `backup`): never the registry or one of its companion files,
//! written beside their destination as `.NAME.PID.partial` and renamed into place when
//! complete, so a failed or killed write never leaves half a file under the real name. A run
//! removes what killed runs left beside the same destination.

use std::ffi::OsString;
use std::fs::File;
use std::io::Write;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// What a partial file's name ends with: the file itself, and the journal SQLite may keep
/// beside a backup's.
const PARTIAL_ENDINGS: &[&str] = &["partial", "partial-journal", "partial-wal", "partial-shm"];

/// How many symlinks are followed when resolving a path that does not exist.
const MAX_LINKS: usize = 40;

/// A destination that is not the registry; made by [`OutputFile::new`] only.
pub struct OutputFile {
    path: PathBuf,
}

impl OutputFile {
    /// Checks `path` against the registry's files (`registry`: each with what it is), also
    /// through symlinks, `..` and hard links, then removes partial files of dead runs
    /// beside it.
    pub fn new(path: &Path, registry: &[(PathBuf, &str)]) -> Result<OutputFile> {
        let name = path.file_name().ok_or_else(|| {
            Error::input(format!(
                "invalid output '{}': not a file name",
                path.display()
            ))
        })?;
        for (file, what) in registry {
            if same_file(path, file) {
                return Err(Error::input(format!(
                    "{} is {what}; nothing was written",
                    path.display()
                ))
                .with_hint("give another file for the output"));
            }
        }
        remove_stale_partials(path, name);
        Ok(OutputFile {
            path: path.to_path_buf(),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Where this process writes the file before renaming it into place.
    pub fn partial(&self) -> PathBuf {
        let mut name = OsString::from(".");
        name.push(self.path.file_name().unwrap_or_default());
        name.push(format!(".{}.partial", std::process::id()));
        self.path.with_file_name(name)
    }
}

/// Whether two paths name one file: the same device and inode when both exist, else the same
/// place once symlinks and `..` are resolved.
fn same_file(a: &Path, b: &Path) -> bool {
    if let (Ok(ma), Ok(mb)) = (std::fs::metadata(a), std::fs::metadata(b)) {
        return ma.dev() == mb.dev() && ma.ino() == mb.ino();
    }
    matches!((resolve(a), resolve(b)), (Some(x), Some(y)) if x == y)
}

/// Where a path leads, for a file that may not exist: its directory canonicalized, and a
/// dangling symlink followed to its target.
fn resolve(path: &Path) -> Option<PathBuf> {
    let mut path = std::path::absolute(path).ok()?;
    for _ in 0..MAX_LINKS {
        let dir = path.parent()?.canonicalize().ok()?;
        let here = dir.join(path.file_name()?);
        match std::fs::read_link(&here) {
            Ok(target) => path = dir.join(target),
            Err(_) => return Some(here),
        }
    }
    None
}

/// Removes `.NAME.PID.partial` files (and their journals) beside `dest` whose process is no
/// longer alive: what a killed run left. A file of a running process is never touched.
fn remove_stale_partials(dest: &Path, name: &std::ffi::OsStr) {
    let dir = match dest.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let mut prefix = b".".to_vec();
    prefix.extend_from_slice(name.as_bytes());
    prefix.push(b'.');
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let file = entry.file_name();
        let Some(pid) = file
            .as_bytes()
            .strip_prefix(prefix.as_slice())
            .and_then(partial_pid)
        else {
            continue;
        };
        if pid != std::process::id() && !process_alive(pid) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// `PID.partial` (or one of the other endings) → PID.
fn partial_pid(rest: &[u8]) -> Option<u32> {
    let dot = rest.iter().position(|&b| b == b'.')?;
    let (pid, ending) = (&rest[..dot], &rest[dot + 1..]);
    if !PARTIAL_ENDINGS.iter().any(|e| e.as_bytes() == ending) {
        return None;
    }
    std::str::from_utf8(pid).ok()?.parse().ok()
}

/// Whether a process runs under `pid`. Without /proc to ask, every process counts as alive,
/// so that nothing another mou may be writing is removed.
fn process_alive(pid: u32) -> bool {
    let proc = Path::new("/proc");
    !proc.join("self").exists() || proc.join(pid.to_string()).exists()
}

/// A file being written under its partial name; dropped without [`Partial::persist`], it is
/// removed.
pub struct Partial {
    file: File,
    tmp: PathBuf,
    dest: PathBuf,
}

impl Partial {
    /// A file written beside `dest` and renamed onto it when complete. A destination that is
    /// not a regular file (a FIFO, `/dev/stdout`, a terminal) is written into directly, since
    /// renaming over it would replace it; a symlink to a regular file is followed, so the
    /// file it points to is replaced and the link stays.
    pub fn create(dest: OutputFile) -> Result<Partial> {
        let cannot = |e: std::io::Error| {
            Error::input(format!(
                "cannot write output '{}': {e}",
                dest.path.display()
            ))
        };
        match std::fs::metadata(&dest.path) {
            Ok(m) if !m.is_file() && !m.is_dir() => {
                let file = std::fs::OpenOptions::new()
                    .write(true)
                    .open(&dest.path)
                    .map_err(cannot)?;
                return Ok(Partial {
                    file,
                    tmp: PathBuf::new(),
                    dest: dest.path.clone(),
                });
            }
            Ok(m) if m.is_file() && dest.path.is_symlink() => {
                let target = std::fs::canonicalize(&dest.path).map_err(cannot)?;
                return Partial::create(OutputFile { path: target });
            }
            _ => {}
        }
        let tmp = dest.partial();
        let file = File::create(&tmp).map_err(cannot)?;
        Ok(Partial {
            file,
            tmp,
            dest: dest.path,
        })
    }

    /// No fsync: an export can be made again from the registry, and syncing 200 MB
    /// doubled the time of a million-row export; the rename still keeps half files away.
    pub fn persist(mut self) -> Result<()> {
        self.file.flush()?;
        if self.tmp.as_os_str().is_empty() {
            // Written in place (not a regular file): nothing to rename.
            return Ok(());
        }
        std::fs::rename(&self.tmp, &self.dest).map_err(|e| {
            Error::input(format!(
                "cannot write output '{}': {e}",
                self.dest.display()
            ))
        })?;
        self.tmp = PathBuf::new();
        Ok(())
    }
}

impl Write for Partial {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.file.write(buf)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.file.flush()
    }
}

impl Drop for Partial {
    fn drop(&mut self) {
        if !self.tmp.as_os_str().is_empty() {
            let _ = std::fs::remove_file(&self.tmp);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partial_names_give_their_pid() {
        assert_eq!(partial_pid(b"123.partial"), Some(123));
        assert_eq!(partial_pid(b"123.partial-journal"), Some(123));
        assert_eq!(partial_pid(b"123.partialx"), None);
        assert_eq!(partial_pid(b"csv.123.partial"), None);
        assert_eq!(partial_pid(b"x.partial"), None);
    }
}
