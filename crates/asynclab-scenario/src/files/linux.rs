//! Linux only: an unnamed temporary file (`O_TMPFILE`), so a killed write
//! leaves nothing behind, and its link into the folder at commit.

use std::ffi::CString;
use std::fs::{File, OpenOptions};
use std::io;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::OpenOptionsExt;
use std::os::unix::io::AsRawFd;
use std::path::Path;

/// An unnamed file in `dir`, or `None` where the file system has none.
pub fn unnamed_in(dir: &Path) -> Option<File> {
    OpenOptions::new()
        .write(true)
        .custom_flags(libc::O_TMPFILE)
        .mode(0o600)
        .open(dir)
        .ok()
}

/// Gives an unnamed file `name` (which must not exist yet).
pub fn link(file: &File, name: &Path) -> io::Result<()> {
    let bad = |e: std::ffi::NulError| io::Error::new(io::ErrorKind::InvalidInput, e.to_string());
    let proc_path = CString::new(format!("/proc/self/fd/{}", file.as_raw_fd())).map_err(bad)?;
    let c_name = CString::new(name.as_os_str().as_bytes()).map_err(bad)?;
    // SAFETY: both paths are valid NUL-terminated strings that outlive the
    // call; linkat only reads them.
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
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}
