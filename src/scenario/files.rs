//! Reading and writing user files safely.
//!
//! Reading refuses anything that is not a regular file before opening it
//! (a FIFO would block for ever, `/dev/zero` never ends) and reads through
//! a hard limit whatever length the file reports.
//!
//! Writing never leaves a half-written file and never replaces what the
//! path points at with something else:
//! - a regular file (or a symlink to one: its target) is replaced
//!   atomically: the new bytes go to an unnamed temporary file beside it
//!   (Linux `O_TMPFILE`, so a killed write leaves nothing behind; a short
//!   random name elsewhere), which is synced, given the target's
//!   permissions, linked and renamed over the target, and the directory is
//!   synced so a completed save survives a power loss;
//! - a device or FIFO (`/dev/null`, a pipe) is written directly, neither
//!   replaced nor truncated; `-` is standard output;
//! - a directory, or a read-only file, is refused with a clear message,
//!   even for root.
//!
//! A hard link's other names keep the old contents after an atomic save:
//! the save gives the path a new file.

use std::fs::{File, OpenOptions};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

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
    use std::os::unix::fs::FileTypeExt;
    let t = meta.file_type();
    if t.is_dir() {
        "a directory"
    } else if t.is_fifo() {
        "a FIFO"
    } else if t.is_char_device() || t.is_block_device() {
        "a device"
    } else if t.is_socket() {
        "a socket"
    } else {
        "not a file"
    }
}

/// A named temporary file, removed when dropped unless it was renamed.
struct TempName(Option<PathBuf>);

impl Drop for TempName {
    fn drop(&mut self) {
        if let Some(name) = &self.0 {
            let _ = std::fs::remove_file(name);
        }
    }
}

/// Where written bytes go until [`Output::commit`].
enum Sink {
    /// A temporary file to be renamed over `target`. `name`: its name,
    /// when it has one (not `O_TMPFILE`).
    Atomic {
        file: File,
        target: PathBuf,
        dir: PathBuf,
        mode: u32,
        name: TempName,
    },
    /// A device or FIFO, written in place.
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
    /// path gets).
    pub fn create(path: &Path) -> io::Result<Output> {
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
                use std::os::unix::fs::PermissionsExt;
                if !meta.is_file() {
                    if meta.is_dir() {
                        return Err(error(
                            io::ErrorKind::InvalidInput,
                            "is a directory; give a file name".into(),
                        ));
                    }
                    let file = OpenOptions::new().write(true).open(&target)?;
                    return Ok(Output {
                        sink: Sink::Direct(file),
                    });
                }
                let mode = meta.permissions().mode() & 0o7777;
                if mode & 0o222 == 0 {
                    return Err(error(
                        io::ErrorKind::PermissionDenied,
                        "is read-only; make it writable or choose another name".into(),
                    ));
                }
                mode
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => 0o644,
            Err(e) => return Err(e),
        };
        let dir = match target.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let (file, name) = temporary_in(&dir)?;
        Ok(Output {
            sink: Sink::Atomic {
                file,
                target,
                dir,
                mode,
                name: TempName(name),
            },
        })
    }

    /// Makes the written bytes the file's contents.
    pub fn commit(self) -> io::Result<()> {
        match self.sink {
            Sink::Stdout(mut out) => out.flush(),
            Sink::Direct(mut f) => f.flush(),
            Sink::Atomic {
                file,
                target,
                dir,
                mode,
                mut name,
            } => {
                use std::os::unix::fs::PermissionsExt;
                file.sync_all()?;
                file.set_permissions(std::fs::Permissions::from_mode(mode))?;
                if name.0.is_none() {
                    name.0 = Some(link_anonymous(&file, &dir)?);
                }
                if let Some(named) = &name.0 {
                    std::fs::rename(named, &target)?;
                }
                // Renamed: nothing left to clean up.
                name.0 = None;
                // The rename is durable once the directory is synced.
                File::open(&dir)?.sync_all()
            }
        }
    }
}

impl Write for Output {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match &mut self.sink {
            Sink::Atomic { file, .. } | Sink::Direct(file) => file.write(buf),
            Sink::Stdout(out) => out.write(buf),
        }
    }
    fn flush(&mut self) -> io::Result<()> {
        match &mut self.sink {
            Sink::Atomic { file, .. } | Sink::Direct(file) => file.flush(),
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

/// A short random name in `dir` that does not exist yet: `.alXXXXXXXX.tmp`
/// (15 bytes, so even a 250-byte target name leaves room).
fn fresh_name(dir: &Path) -> PathBuf {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos()),
    );
    h.write_u32(std::process::id());
    dir.join(format!(".al{:08x}.tmp", h.finish() as u32))
}

/// A temporary file in `dir`: unnamed where the system allows it (a
/// killed process then leaves nothing), else named with a fresh short
/// random name, created exclusively.
fn temporary_in(dir: &Path) -> io::Result<(File, Option<PathBuf>)> {
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::fs::OpenOptionsExt;
        if let Ok(f) = OpenOptions::new()
            .write(true)
            .custom_flags(libc::O_TMPFILE)
            .mode(0o600)
            .open(dir)
        {
            return Ok((f, None));
        }
    }
    for _ in 0..16 {
        let name = fresh_name(dir);
        match OpenOptions::new().write(true).create_new(true).open(&name) {
            Ok(f) => return Ok((f, Some(name))),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
    Err(error(
        io::ErrorKind::AlreadyExists,
        "could not find a free temporary name".into(),
    ))
}

/// Gives an `O_TMPFILE` file a (fresh, short) name in `dir`.
fn link_anonymous(file: &File, dir: &Path) -> io::Result<PathBuf> {
    #[cfg(target_os = "linux")]
    {
        use std::ffi::CString;
        use std::os::unix::ffi::OsStrExt;
        use std::os::unix::io::AsRawFd;
        let proc_path = CString::new(format!("/proc/self/fd/{}", file.as_raw_fd()))
            .map_err(|e| error(io::ErrorKind::InvalidInput, e.to_string()))?;
        for _ in 0..16 {
            let name = fresh_name(dir);
            let c_name = CString::new(name.as_os_str().as_bytes())
                .map_err(|e| error(io::ErrorKind::InvalidInput, e.to_string()))?;
            // SAFETY: both paths are valid NUL-terminated strings that
            // outlive the call; linkat only reads them.
            let rc = unsafe {
                libc::linkat(
                    libc::AT_FDCWD,
                    proc_path.as_ptr(),
                    libc::AT_FDCWD,
                    c_name.as_ptr(),
                    libc::AT_SYMLINK_FOLLOW,
                )
            };
            if rc == 0 {
                return Ok(name);
            }
            let e = io::Error::last_os_error();
            if e.kind() != io::ErrorKind::AlreadyExists {
                return Err(e);
            }
        }
        Err(error(
            io::ErrorKind::AlreadyExists,
            "could not find a free temporary name".into(),
        ))
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = (file, dir);
        Err(error(
            io::ErrorKind::Unsupported,
            "no unnamed files here".into(),
        ))
    }
}
