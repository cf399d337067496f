//! Reading inputs: only regular files, and only up to a stated size, so that
//! `/dev/zero` cannot fill memory and a FIFO cannot hang the program.

use std::io::Read;
use std::path::Path;

#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("cannot read {what} {path}: {message}")]
    Io {
        what: &'static str,
        path: String,
        message: String,
    },
    #[error("cannot read {what} {path}: it is {kind}, not a regular file")]
    NotAFile {
        what: &'static str,
        path: String,
        kind: &'static str,
    },
    #[error(
        "cannot read {what} {path}: it is {size} bytes; a {what} may be at most {limit} bytes ({limit_mib} MiB)"
    )]
    TooLarge {
        what: &'static str,
        path: String,
        size: u64,
        limit: u64,
        limit_mib: u64,
    },
    #[error("cannot read {what} {path}: it is not UTF-8 text (byte {offset})")]
    NotText {
        what: &'static str,
        path: String,
        offset: usize,
    },
}

/// What a non-regular file is, for the message.
fn kind_of(ft: std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if ft.is_fifo() {
            return "a FIFO (named pipe)";
        }
        if ft.is_char_device() {
            return "a character device";
        }
        if ft.is_block_device() {
            return "a block device";
        }
        if ft.is_socket() {
            return "a socket";
        }
    }
    if ft.is_dir() {
        "a directory"
    } else {
        "a special file"
    }
}

/// The bytes of the regular file at `path`, at most `limit` of them.
/// `what` names the file's role in messages ("plan", "mesh").
pub fn read_regular(path: &Path, limit: u64, what: &'static str) -> Result<Vec<u8>, ReadError> {
    let shown = path.display().to_string();
    let io = |e: std::io::Error| ReadError::Io {
        what,
        path: shown.clone(),
        message: io_message(&e),
    };
    // Inspect before opening: opening a FIFO for reading blocks until a writer comes.
    let meta = std::fs::metadata(path).map_err(io)?;
    if !meta.file_type().is_file() {
        return Err(ReadError::NotAFile {
            what,
            path: shown,
            kind: kind_of(meta.file_type()),
        });
    }
    let too_large = |size| ReadError::TooLarge {
        what,
        path: shown.clone(),
        size,
        limit,
        limit_mib: limit >> 20,
    };
    if meta.len() > limit {
        return Err(too_large(meta.len()));
    }
    let file = std::fs::File::open(path).map_err(io)?;
    // The file may have been swapped or grown since: check what was opened,
    // and never read past the limit.
    let opened = file.metadata().map_err(io)?;
    if !opened.file_type().is_file() {
        return Err(ReadError::NotAFile {
            what,
            path: shown,
            kind: kind_of(opened.file_type()),
        });
    }
    let mut bytes = Vec::with_capacity(opened.len().min(limit) as usize);
    file.take(limit + 1).read_to_end(&mut bytes).map_err(io)?;
    if bytes.len() as u64 > limit {
        return Err(too_large(bytes.len() as u64));
    }
    Ok(bytes)
}

/// As [`read_regular`], as UTF-8 text.
pub fn read_regular_string(
    path: &Path,
    limit: u64,
    what: &'static str,
) -> Result<String, ReadError> {
    let bytes = read_regular(path, limit, what)?;
    String::from_utf8(bytes).map_err(|e| ReadError::NotText {
        what,
        path: path.display().to_string(),
        offset: e.utf8_error().valid_up_to(),
    })
}

/// An OS error's text without the "(os error N)" suffix a user cannot act on.
pub fn io_message(e: &std::io::Error) -> String {
    let text = e.to_string();
    match text.find(" (os error") {
        Some(i) => text[..i].to_string(),
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn special_files_are_refused_without_reading_them() {
        let err = read_regular(Path::new("/dev/zero"), 1 << 20, "plan").unwrap_err();
        assert!(err.to_string().contains("a character device"), "{err}");
        let err = read_regular(Path::new("/"), 1 << 20, "mesh").unwrap_err();
        assert!(err.to_string().contains("a directory"), "{err}");
        let err = read_regular(Path::new("/no/such/file"), 1 << 20, "mesh").unwrap_err();
        assert_eq!(
            err.to_string(),
            "cannot read mesh /no/such/file: No such file or directory"
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_fifo_is_refused_at_once() {
        let dir = crate::files::write::tests::scratch_dir("fifo");
        let fifo = dir.join("plan.toml");
        let ok = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .is_ok_and(|s| s.success());
        assert!(ok, "mkfifo failed");
        let err = read_regular(&fifo, 1 << 20, "plan").unwrap_err();
        assert!(err.to_string().contains("FIFO"), "{err}");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn size_limit_is_stated() {
        let dir = crate::files::write::tests::scratch_dir("limit");
        let big = dir.join("big.toml");
        std::fs::write(&big, vec![b'#'; 2000]).unwrap();
        let err = read_regular(&big, 1000, "plan").unwrap_err();
        assert!(err.to_string().contains("at most 1000 bytes"), "{err}");
        assert_eq!(read_regular(&big, 2000, "plan").unwrap().len(), 2000);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
