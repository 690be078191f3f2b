//! Every file tether reads or appends to is opened here. It must be a
//! regular file once symbolic links are followed: a FIFO blocks the reader
//! (or writer) forever and a device such as `/dev/zero` never ends. A read
//! stops at the cap its caller names.
//!
//! The path is checked before it is opened, so a device or a FIFO is never
//! opened at all, and the opened handle is checked again (the path may have
//! changed in between); on Unix the open does not block on a FIFO put there
//! meanwhile.

use std::fmt;
use std::fs::{File, FileType, Metadata, OpenOptions};
use std::io::{self, Read};
use std::path::Path;

/// Why a file was not read, or not opened to append to.
#[derive(Debug)]
pub enum FileError {
    /// Nothing is at the path; `dangling` when a symbolic link is, pointing
    /// at nothing.
    NotFound {
        dangling: bool,
    },
    /// Something is at the path, but not a regular file: what it is.
    NotRegular(&'static str),
    /// The file holds more than `cap` bytes.
    TooLarge {
        cap: u64,
    },
    /// The file is not UTF-8 text (from [`read_text`]).
    NotText,
    Open(io::Error),
    Read(io::Error),
}

impl FileError {
    pub fn is_permission_denied(&self) -> bool {
        matches!(self, FileError::Open(err) if err.kind() == io::ErrorKind::PermissionDenied)
    }
}

/// What is wrong with the file, to follow its name: "`x` is not a regular
/// file: it is a directory".
impl fmt::Display for FileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FileError::NotFound { dangling: false } => f.write_str("does not exist"),
            FileError::NotFound { dangling: true } => {
                f.write_str("is a symbolic link to a file that does not exist")
            }
            FileError::NotRegular(what) => write!(f, "is not a regular file: it is {what}"),
            FileError::TooLarge { cap } => write!(
                f,
                "is larger than {}, the most tether reads from such a file",
                size(*cap)
            ),
            FileError::NotText => f.write_str("is not UTF-8 text"),
            FileError::Open(err) if err.kind() == io::ErrorKind::PermissionDenied => {
                f.write_str("cannot be opened: permission denied")
            }
            FileError::Open(err) => write!(f, "cannot be opened: {err}"),
            FileError::Read(err) => write!(f, "cannot be read: {err}"),
        }
    }
}

/// `cap` bytes in the largest whole unit.
fn size(cap: u64) -> String {
    match cap {
        _ if cap >= 1 << 20 && cap.is_multiple_of(1 << 20) => format!("{} MiB", cap >> 20),
        _ if cap >= 1 << 10 && cap.is_multiple_of(1 << 10) => format!("{} KiB", cap >> 10),
        _ => format!("{cap} bytes"),
    }
}

/// The bytes of the regular file at `path`, at most `cap` of them.
pub fn read(path: &Path, cap: u64) -> Result<Vec<u8>, FileError> {
    check(&metadata(path)?, Some(cap))?;
    let file = open(OpenOptions::new().read(true), path)?;
    let opened = file.metadata().map_err(FileError::Read)?;
    check(&opened, Some(cap))?;
    let mut bytes = Vec::with_capacity(usize::try_from(opened.len()).unwrap_or(0));
    file.take(cap.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(FileError::Read)?;
    // It grew after it was checked, or says a size it does not have.
    if bytes.len() as u64 > cap {
        return Err(FileError::TooLarge { cap });
    }
    Ok(bytes)
}

/// [`read`], as UTF-8 text.
pub fn read_text(path: &Path, cap: u64) -> Result<String, FileError> {
    String::from_utf8(read(path, cap)?).map_err(|_| FileError::NotText)
}

/// The regular file at `path` opened to append to, created when absent.
pub fn append(path: &Path) -> Result<File, FileError> {
    match metadata(path) {
        Ok(meta) => check(&meta, None)?,
        Err(FileError::NotFound { .. }) => {}
        Err(err) => return Err(err),
    }
    let file = open(OpenOptions::new().append(true).create(true), path)?;
    check(&file.metadata().map_err(FileError::Open)?, None)?;
    Ok(file)
}

fn metadata(path: &Path) -> Result<Metadata, FileError> {
    std::fs::metadata(path).map_err(|err| not_opened(path, err))
}

fn open(options: &mut OpenOptions, path: &Path) -> Result<File, FileError> {
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::custom_flags(options, libc::O_NONBLOCK | libc::O_NOCTTY);
    options.open(path).map_err(|err| not_opened(path, err))
}

fn not_opened(path: &Path, err: io::Error) -> FileError {
    if err.kind() == io::ErrorKind::NotFound {
        FileError::NotFound {
            dangling: std::fs::symlink_metadata(path).is_ok(),
        }
    } else {
        FileError::Open(err)
    }
}

fn check(meta: &Metadata, cap: Option<u64>) -> Result<(), FileError> {
    if !meta.is_file() {
        return Err(FileError::NotRegular(kind(meta.file_type())));
    }
    match cap {
        Some(cap) if meta.len() > cap => Err(FileError::TooLarge { cap }),
        _ => Ok(()),
    }
}

fn kind(file_type: FileType) -> &'static str {
    if file_type.is_dir() {
        return "a directory";
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if file_type.is_fifo() {
            return "a named pipe (FIFO)";
        }
        if file_type.is_char_device() || file_type.is_block_device() {
            return "a device";
        }
        if file_type.is_socket() {
            return "a socket";
        }
    }
    "something other than a file"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_at_its_cap_is_read_and_one_byte_more_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        std::fs::write(&path, b"12345").unwrap();
        assert_eq!(read(&path, 5).unwrap(), b"12345");
        assert!(matches!(
            read(&path, 4),
            Err(FileError::TooLarge { cap: 4 })
        ));
    }

    #[test]
    fn a_directory_and_a_dangling_link_say_what_they_are() {
        let dir = tempfile::tempdir().unwrap();
        let err = read(dir.path(), 10).unwrap_err();
        assert_eq!(err.to_string(), "is not a regular file: it is a directory");
        assert_eq!(
            read(&dir.path().join("absent"), 10)
                .unwrap_err()
                .to_string(),
            "does not exist"
        );
        #[cfg(unix)]
        {
            let link = dir.path().join("link");
            std::os::unix::fs::symlink(dir.path().join("absent"), &link).unwrap();
            let err = read(&link, 10).unwrap_err();
            assert!(matches!(err, FileError::NotFound { dangling: true }));
            assert_eq!(
                err.to_string(),
                "is a symbolic link to a file that does not exist"
            );
        }
    }

    #[cfg(unix)]
    #[test]
    fn a_device_is_refused_before_a_byte_is_read_or_appended() {
        let zero = Path::new("/dev/zero");
        assert_eq!(
            read(zero, 1 << 20).unwrap_err().to_string(),
            "is not a regular file: it is a device"
        );
        assert!(matches!(
            append(Path::new("/dev/null")),
            Err(FileError::NotRegular("a device"))
        ));
    }

    #[test]
    fn append_creates_the_file_and_adds_to_its_end() {
        use std::io::Write;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("summary.md");
        append(&path).unwrap().write_all(b"one\n").unwrap();
        append(&path).unwrap().write_all(b"two\n").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "one\ntwo\n");
    }

    #[test]
    fn sizes_read_in_whole_units() {
        assert_eq!(size(64 << 20), "64 MiB");
        assert_eq!(size(32 << 10), "32 KiB");
        assert_eq!(size(1000), "1000 bytes");
    }
}
