//! Reading and writing user files safely.
//!
//! Reading refuses anything that is not a regular file before opening it
//! (a FIFO would block for ever, `/dev/zero` never ends) and reads through
//! a hard limit whatever length the file reports.
//!
//! Writing never leaves a half-written file and never replaces what the
//! path points at with something else:
//! - a regular file (or a symlink to one: its target) is replaced
//!   atomically: the new bytes go to a temporary file beside it, which is
//!   synced, given the target's permissions, renamed over the target, and
//!   (Unix) the directory is synced so a completed save survives a power
//!   loss. On Linux the temporary file is unnamed (`O_TMPFILE`) until the
//!   commit, so a killed write leaves nothing behind; elsewhere it is a
//!   named, locked `.asynclab-XXXXXXXX.tmp` (the `tempfile` crate), and the
//!   next write into the folder removes any that a killed write left;
//! - on Unix, a device or FIFO (`/dev/null`, a pipe) is written directly,
//!   neither replaced nor truncated; elsewhere only regular files are
//!   written; `-` is standard output everywhere;
//! - a directory, or a read-only file, is refused with a clear message,
//!   even for root.
//!
//! A hard link's other names keep the old contents after an atomic save:
//! the save gives the path a new file.

use std::fs::{File, OpenOptions};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

// The only Unix-specific code, each module under its `cfg` (a test checks
// that no Unix-only import sits anywhere else).
#[cfg(target_os = "linux")]
mod linux;
#[cfg(unix)]
mod unix;

/// Largest scene file accepted, bytes: a hostile multi-gigabyte file is
/// refused before it is read into memory.
pub const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;

/// `n` bytes in MB for messages: "20.0 MB".
pub fn megabytes(n: u64) -> String {
    format!("{:.1} MB", n as f64 / (1024.0 * 1024.0))
}

fn error(kind: io::ErrorKind, text: String) -> io::Error {
    io::Error::new(kind, text)
}

/// Reads a text file of at most [`MAX_FILE_BYTES`]. Refuses directories,
/// devices and FIFOs before opening them.
pub fn read_text(path: &Path) -> io::Result<String> {
    let meta = std::fs::metadata(path)?;
    if !meta.is_file() {
        return Err(error(
            io::ErrorKind::InvalidInput,
            format!(
                "not a regular file ({}); scenes are read from files only",
                kind_of(&meta)
            ),
        ));
    }
    if meta.len() > MAX_FILE_BYTES {
        return Err(too_big(meta.len()));
    }
    let file = File::open(path)?;
    // The path could have been swapped between the check and the open.
    if !file.metadata()?.is_file() {
        return Err(error(
            io::ErrorKind::InvalidInput,
            "not a regular file".into(),
        ));
    }
    let mut bytes = Vec::new();
    file.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(too_big(bytes.len() as u64));
    }
    String::from_utf8(bytes)
        .map_err(|e| error(io::ErrorKind::InvalidData, format!("not UTF-8 text: {e}")))
}

fn too_big(n: u64) -> io::Error {
    error(
        io::ErrorKind::InvalidData,
        format!(
            "file is {}; scenes are at most {}",
            megabytes(n),
            megabytes(MAX_FILE_BYTES)
        ),
    )
}

/// Refuses, before anything is opened, a path that exists and is not a
/// regular file (or a link to one): a FIFO with no reader would block the
/// opening thread until something reads it, and a device is no place for
/// a scene or an image. The app calls this for every path a user picks;
/// the command line writes FIFOs and devices in place on purpose.
pub fn regular_target(path: &Path) -> io::Result<()> {
    match std::fs::metadata(path) {
        Ok(meta) if !meta.is_file() => Err(error(
            io::ErrorKind::InvalidInput,
            format!(
                "{} is {}: the app reads and writes regular files only (a pipe with no reader would freeze the window); choose a file",
                path.display(),
                kind_of(&meta)
            ),
        )),
        _ => Ok(()),
    }
}

fn kind_of(meta: &std::fs::Metadata) -> &'static str {
    if meta.is_dir() {
        "a directory"
    } else {
        special_kind(meta)
    }
}

#[cfg(unix)]
fn special_kind(meta: &std::fs::Metadata) -> &'static str {
    unix::special_kind(&meta.file_type())
}

#[cfg(not(unix))]
fn special_kind(_: &std::fs::Metadata) -> &'static str {
    "not a regular file"
}

/// Every temporary file a write makes starts with this (and ends with
/// [`TEMP_SUFFIX`]): the next write into the folder knows its own.
pub const TEMP_PREFIX: &str = ".asynclab-";

/// The end of every temporary file's name.
pub const TEMP_SUFFIX: &str = ".tmp";

/// How a regular file's new bytes are held until [`Output::commit`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Temporary {
    /// Linux: an unnamed file (`O_TMPFILE`), given a name only at commit,
    /// so a killed write leaves nothing. Elsewhere, or on a Linux file
    /// system without unnamed files, the same as `Named`.
    Unnamed,
    /// Any system: a named temporary file (the `tempfile` crate), locked
    /// while it is written; one a killed write left behind is removed by
    /// the next write into its folder.
    Named,
}

impl Temporary {
    /// This system's way: unnamed on Linux, named elsewhere.
    pub const NATIVE: Temporary = if cfg!(target_os = "linux") {
        Temporary::Unnamed
    } else {
        Temporary::Named
    };
}

/// The temporary file's name, once it has one.
enum TempName {
    /// Not linked yet (`O_TMPFILE`).
    #[cfg(target_os = "linux")]
    Unnamed,
    /// Removed when dropped, unless persisted over the target.
    Named(tempfile::TempPath),
}

/// Where written bytes go until [`Output::commit`].
enum Sink {
    /// A temporary file to be renamed over `target`; `mode`: the
    /// permission bits it gets (Unix).
    Atomic {
        file: File,
        name: TempName,
        target: PathBuf,
        dir: PathBuf,
        mode: Option<u32>,
    },
    /// A device or FIFO, written in place (Unix).
    #[cfg(unix)]
    Direct(File),
    /// Standard output (`-`).
    Stdout(io::Stdout),
}

/// A file being written: bytes go in with `Write`, and [`Output::commit`]
/// makes them the file's contents. Dropped without a commit, nothing
/// changes (and no temporary file stays behind).
pub struct Output {
    sink: Sink,
}

impl Output {
    /// Starts writing `path` (see the module doc for what each kind of
    /// path gets), the system's way ([`Temporary::NATIVE`]).
    pub fn create(path: &Path) -> io::Result<Output> {
        Output::create_with(path, Temporary::NATIVE)
    }

    /// Starts writing `path` with the temporary file of `how` (tests call
    /// the portable way on Linux too).
    pub fn create_with(path: &Path, how: Temporary) -> io::Result<Output> {
        if path.as_os_str() == "-" {
            return Ok(Output {
                sink: Sink::Stdout(io::stdout()),
            });
        }
        let target = match std::fs::canonicalize(path) {
            // Follows symlinks: a link's target is what gets replaced.
            Ok(real) => real,
            Err(e) if e.kind() == io::ErrorKind::NotFound => path.to_path_buf(),
            Err(e) => return Err(e),
        };
        let mode = match std::fs::metadata(&target) {
            Ok(meta) => {
                if !meta.is_file() {
                    return in_place(&target, &meta);
                }
                if meta.permissions().readonly() {
                    return Err(error(
                        io::ErrorKind::PermissionDenied,
                        "is read-only; make it writable or choose another name".into(),
                    ));
                }
                file_mode(&meta)
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => Some(0o644),
            Err(e) => return Err(e),
        };
        let dir = match target.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
            _ => PathBuf::from("."),
        };
        remove_stale(&dir);
        let (file, name) = temporary_in(&dir, how)?;
        Ok(Output {
            sink: Sink::Atomic {
                file,
                name,
                target,
                dir,
                mode,
            },
        })
    }

    /// Makes the written bytes the file's contents.
    pub fn commit(self) -> io::Result<()> {
        match self.sink {
            Sink::Stdout(mut out) => out.flush(),
            #[cfg(unix)]
            Sink::Direct(mut f) => f.flush(),
            Sink::Atomic {
                file,
                name,
                target,
                dir,
                mode,
            } => {
                file.sync_all()?;
                set_mode(&file, mode)?;
                let named = match name {
                    TempName::Named(p) => p,
                    #[cfg(target_os = "linux")]
                    TempName::Unnamed => link_unnamed(&file, &dir)?,
                };
                named.persist(&target).map_err(|e| e.error)?;
                // The rename is durable once the directory is synced (a
                // directory cannot be opened as a file on Windows).
                if cfg!(unix) {
                    File::open(&dir)?.sync_all()?;
                }
                Ok(())
            }
        }
    }
}

/// A path that exists and is neither a regular file nor a directory: on
/// Unix a device or FIFO, written in place; elsewhere refused.
#[cfg(unix)]
fn in_place(target: &Path, meta: &std::fs::Metadata) -> io::Result<Output> {
    if meta.is_dir() {
        return Err(is_directory());
    }
    let file = OpenOptions::new().write(true).open(target)?;
    Ok(Output {
        sink: Sink::Direct(file),
    })
}

#[cfg(not(unix))]
fn in_place(_: &Path, meta: &std::fs::Metadata) -> io::Result<Output> {
    if meta.is_dir() {
        return Err(is_directory());
    }
    Err(error(
        io::ErrorKind::InvalidInput,
        "is not a regular file; give a file name".into(),
    ))
}

fn is_directory() -> io::Error {
    error(
        io::ErrorKind::InvalidInput,
        "is a directory; give a file name".into(),
    )
}

#[cfg(unix)]
fn file_mode(meta: &std::fs::Metadata) -> Option<u32> {
    Some(unix::mode(meta))
}

#[cfg(not(unix))]
fn file_mode(_: &std::fs::Metadata) -> Option<u32> {
    None
}

#[cfg(unix)]
fn set_mode(file: &File, mode: Option<u32>) -> io::Result<()> {
    mode.map_or(Ok(()), |m| unix::set_mode(file, m))
}

#[cfg(not(unix))]
fn set_mode(_: &File, _: Option<u32>) -> io::Result<()> {
    Ok(())
}

impl Write for Output {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match &mut self.sink {
            Sink::Atomic { file, .. } => file.write(buf),
            #[cfg(unix)]
            Sink::Direct(file) => file.write(buf),
            Sink::Stdout(out) => out.write(buf),
        }
    }
    fn flush(&mut self) -> io::Result<()> {
        match &mut self.sink {
            Sink::Atomic { file, .. } => file.flush(),
            #[cfg(unix)]
            Sink::Direct(file) => file.flush(),
            Sink::Stdout(out) => out.flush(),
        }
    }
}

/// Writes `bytes` to `path` as [`Output`] does: atomically for files,
/// directly for devices and FIFOs, to standard output for `-`.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut out = Output::create(path)?;
    out.write_all(bytes)?;
    out.commit()
}

/// Removes the temporary files a killed write left in `dir`: those with
/// the project's prefix and suffix that no running write holds locked.
/// Best effort: what cannot be read, locked or removed stays.
fn remove_stale(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        let ours = name.starts_with(TEMP_PREFIX) && name.ends_with(TEMP_SUFFIX);
        if !(ours && entry.file_type().is_ok_and(|t| t.is_file())) {
            continue;
        }
        let Ok(file) = File::open(entry.path()) else {
            continue;
        };
        // Locked: a write in progress (this process or another). Any other
        // failure: no telling, so it stays.
        if file.try_lock().is_ok() {
            // Closed first: Windows removes no open file.
            drop(file);
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// A temporary file in `dir` made the way `how` says, locked so no other
/// write's clean-up takes it for stale.
fn temporary_in(dir: &Path, how: Temporary) -> io::Result<(File, TempName)> {
    #[cfg(target_os = "linux")]
    if how == Temporary::Unnamed
        && let Some(file) = linux::unnamed_in(dir)
    {
        lock(&file);
        return Ok((file, TempName::Unnamed));
    }
    let _ = how;
    let (file, path) = tempfile::Builder::new()
        .prefix(TEMP_PREFIX)
        .suffix(TEMP_SUFFIX)
        .rand_bytes(8)
        .tempfile_in(dir)?
        .into_parts();
    lock(&file);
    Ok((file, TempName::Named(path)))
}

/// Locks `file` for this write. A file system without locks leaves it
/// unlocked, and clean-up then leaves it alone too (it cannot lock it
/// either).
fn lock(file: &File) {
    let _ = file.try_lock();
}

/// Gives an unnamed file a fresh, short name in `dir`
/// (`.asynclab-XXXXXXXX.tmp`, so even a 250-byte target name leaves room).
#[cfg(target_os = "linux")]
fn link_unnamed(file: &File, dir: &Path) -> io::Result<tempfile::TempPath> {
    for _ in 0..16 {
        let name = dir.join(format!("{TEMP_PREFIX}{:08x}{TEMP_SUFFIX}", random_u32()));
        match linux::link(file, &name) {
            Ok(()) => return tempfile::TempPath::try_from_path(name),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
    Err(error(
        io::ErrorKind::AlreadyExists,
        "could not find a free temporary name".into(),
    ))
}

/// A random number for a temporary name (std's per-process random keys).
#[cfg(target_os = "linux")]
fn random_u32() -> u32 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u32(std::process::id());
    h.finish() as u32
}
