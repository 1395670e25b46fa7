//! Unix only: file kinds a regular-file check names (FIFOs, devices,
//! sockets) and permission bits carried over to a replaced file.

use std::fs::{File, FileType, Metadata};
use std::io;
use std::os::unix::fs::{FileTypeExt, PermissionsExt};

/// What a non-regular, non-directory file is ("a FIFO", "a device").
pub fn special_kind(t: &FileType) -> &'static str {
    if t.is_fifo() {
        "a FIFO"
    } else if t.is_char_device() || t.is_block_device() {
        "a device"
    } else if t.is_socket() {
        "a socket"
    } else {
        "not a file"
    }
}

/// The permission bits of a file (0o644, ...).
pub fn mode(meta: &Metadata) -> u32 {
    meta.permissions().mode() & 0o7777
}

/// Gives `file` the permission bits `mode`.
pub fn set_mode(file: &File, mode: u32) -> io::Result<()> {
    file.set_permissions(std::fs::Permissions::from_mode(mode))
}
