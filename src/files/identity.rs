//! What a path resolves to: device and inode, so that `dir/sub/../plan.toml`,
//! a symbolic link and a hard link are all seen as the same file.

use std::path::{Path, PathBuf};

/// The identity of an existing file (device, inode), following symbolic links.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FileId {
    dev: u64,
    ino: u64,
}

impl FileId {
    /// `None` when nothing exists at `path` (or it cannot be inspected).
    pub fn of(path: &Path) -> Option<FileId> {
        std::fs::metadata(path)
            .ok()
            .map(|m| FileId::from_metadata(&m))
    }

    #[cfg(unix)]
    pub fn from_metadata(m: &std::fs::Metadata) -> FileId {
        use std::os::unix::fs::MetadataExt;
        FileId {
            dev: m.dev(),
            ino: m.ino(),
        }
    }

    /// Without inodes, the best stand-in: the length and modification time.
    #[cfg(not(unix))]
    pub fn from_metadata(m: &std::fs::Metadata) -> FileId {
        let mtime = m
            .modified()
            .ok()
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .map_or(0, |d| d.as_nanos() as u64);
        FileId {
            dev: m.len(),
            ino: mtime,
        }
    }
}

/// Whether two output paths name the same place, existing yet or not: the
/// same file name in the same folder, the folders compared as resolved.
pub fn same_place(a: &Path, b: &Path) -> bool {
    let split = |p: &Path| {
        let dir = match p.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
            _ => PathBuf::from("."),
        };
        (
            std::fs::canonicalize(&dir).ok(),
            p.file_name().map(|n| n.to_owned()),
        )
    };
    let (da, na) = split(a);
    let (db, nb) = split(b);
    da.is_some() && da == db && na.is_some() && na == nb
        || FileId::of(a).is_some() && FileId::of(a) == FileId::of(b)
}

/// The files a command reads, by identity: no output may be written over one.
#[derive(Debug, Clone, Default)]
pub struct Inputs {
    files: Vec<(FileId, PathBuf)>,
}

impl Inputs {
    /// The inputs among `paths` that exist now (a missing one cannot be overwritten).
    pub fn new<P: AsRef<Path>>(paths: impl IntoIterator<Item = P>) -> Inputs {
        let mut inputs = Inputs::default();
        for p in paths {
            inputs.add(p.as_ref());
        }
        inputs
    }

    pub fn add(&mut self, path: &Path) {
        if let Some(id) = FileId::of(path) {
            self.files.push((id, path.to_path_buf()));
        }
    }

    /// The input that `path` reaches, however it is spelled.
    pub fn reached_by(&self, path: &Path) -> Option<&Path> {
        let id = FileId::of(path)?;
        self.files
            .iter()
            .find(|(i, _)| *i == id)
            .map(|(_, p)| p.as_path())
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_spelling_of_a_file_is_the_same_input() {
        let dir = crate::files::write::tests::scratch_dir("identity");
        let plan = dir.join("plan.toml");
        std::fs::write(&plan, "x").unwrap();
        std::fs::create_dir_all(dir.join("sub")).unwrap();
        let inputs = Inputs::new([&plan]);
        assert!(inputs.reached_by(&dir.join("sub/../plan.toml")).is_some());
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(&plan, dir.join("link.toml")).unwrap();
            std::fs::hard_link(&plan, dir.join("hard.toml")).unwrap();
            assert!(inputs.reached_by(&dir.join("link.toml")).is_some());
            assert!(inputs.reached_by(&dir.join("hard.toml")).is_some());
        }
        std::fs::write(dir.join("other.toml"), "x").unwrap();
        assert!(inputs.reached_by(&dir.join("other.toml")).is_none());
        assert!(inputs.reached_by(&dir.join("missing.toml")).is_none());
        assert!(same_place(
            &dir.join("sub/../new.png"),
            &dir.join("new.png")
        ));
        assert!(!same_place(&dir.join("sub/new.png"), &dir.join("new.png")));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
