//! Writing outputs, the one way every command does it: resolve the target,
//! refuse to write over any input, write a temporary file that no existing
//! file can be (created exclusively, in the target's folder, unique per
//! process), sync it, rename it over the target; on any failure remove the
//! temporary file and leave the target as it was.

use super::identity::Inputs;
use super::read::io_message;
use std::fs::{File, OpenOptions};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("refusing to write {path}: it is the input {input} (the same file)")]
    IsInput { path: String, input: String },
    #[error("refusing to write {path}: it is {kind}, not a regular file")]
    NotAFile { path: String, kind: &'static str },
    #[error("cannot write {path}: {message}")]
    Io { path: String, message: String },
}

/// Where the bytes will go: the target with symbolic links followed, its
/// folder and its file name.
struct Resolved {
    target: PathBuf,
    dir: PathBuf,
    name: String,
}

fn resolve(path: &Path, inputs: &Inputs) -> Result<Resolved, WriteError> {
    let shown = path.display().to_string();
    let io = |message: String| WriteError::Io {
        path: shown.clone(),
        message,
    };
    let mut target = path.to_path_buf();
    if let Ok(link) = std::fs::symlink_metadata(path)
        && link.file_type().is_symlink()
    {
        // Write through the link, as an editor would: the link stays a link.
        target = std::fs::canonicalize(path)
            .map_err(|_| io("it is a symbolic link to a file that does not exist".into()))?;
    }
    if let Ok(meta) = std::fs::metadata(&target)
        && !meta.file_type().is_file()
    {
        return Err(WriteError::NotAFile {
            path: shown,
            kind: if meta.is_dir() {
                "a directory"
            } else {
                "a special file"
            },
        });
    }
    if let Some(input) = inputs.reached_by(&target) {
        return Err(WriteError::IsInput {
            path: shown,
            input: input.display().to_string(),
        });
    }
    let name = target
        .file_name()
        .ok_or_else(|| io("the path names no file".into()))?
        .to_string_lossy()
        .into_owned();
    let dir = match target.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    match std::fs::metadata(&dir) {
        Ok(m) if m.is_dir() => {}
        Ok(_) => return Err(io(format!("{} is not a folder", dir.display()))),
        Err(e) => return Err(io(format!("folder {}: {}", dir.display(), io_message(&e)))),
    }
    Ok(Resolved { target, dir, name })
}

/// A new file beside the target that did not exist before (so removing it
/// on failure can never remove anything of the user's).
fn create_temp(r: &Resolved) -> std::io::Result<(PathBuf, File)> {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    loop {
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let tmp = r.dir.join(format!(
            ".{}.{}-{n}.smp-partial",
            r.name,
            std::process::id()
        ));
        match OpenOptions::new().write(true).create_new(true).open(&tmp) {
            Ok(f) => return Ok((tmp, f)),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
}

fn creating_in(path: &Path, r: &Resolved, e: &std::io::Error) -> WriteError {
    WriteError::Io {
        path: path.display().to_string(),
        message: format!(
            "cannot create a file in the folder {}: {}",
            r.dir.display(),
            io_message(e)
        ),
    }
}

/// Make the output folder `dir` (and its parents) if missing.
pub fn create_folder(dir: &Path) -> Result<(), WriteError> {
    let io = |message: String| WriteError::Io {
        path: dir.display().to_string(),
        message,
    };
    match std::fs::metadata(dir) {
        Ok(m) if m.is_dir() => return Ok(()),
        Ok(_) => return Err(io("it exists and is not a folder".into())),
        Err(_) => {}
    }
    std::fs::create_dir_all(dir)
        .map_err(|e| io(format!("cannot create the folder: {}", io_message(&e))))
}

/// Fail early, before long work, when `path` could not be written: it is an
/// input, a folder or special file, its folder is missing, or the folder
/// does not take new files.
pub fn check_writable(path: &Path, inputs: &Inputs) -> Result<(), WriteError> {
    let r = resolve(path, inputs)?;
    let (tmp, file) = create_temp(&r).map_err(|e| creating_in(path, &r, &e))?;
    drop(file);
    let _ = std::fs::remove_file(&tmp);
    Ok(())
}

/// Write `path` by the policy above; `write` fills the temporary file.
pub fn write_atomic(
    path: &Path,
    inputs: &Inputs,
    write: impl FnOnce(&mut BufWriter<File>) -> std::io::Result<()>,
) -> Result<(), WriteError> {
    let r = resolve(path, inputs)?;
    let io = |e: std::io::Error| WriteError::Io {
        path: path.display().to_string(),
        message: io_message(&e),
    };
    let (tmp, file) = create_temp(&r).map_err(|e| creating_in(path, &r, &e))?;
    let result = (|| {
        if let Ok(old) = std::fs::metadata(&r.target) {
            // A replaced file keeps its permissions.
            file.set_permissions(old.permissions())?;
        }
        let mut out = BufWriter::new(file);
        write(&mut out)?;
        let file = out.into_inner().map_err(|e| e.into_error())?;
        file.sync_all()?;
        drop(file);
        // The target may have changed while writing: check it again.
        if let Some(input) = inputs.reached_by(&r.target) {
            return Err(std::io::Error::other(format!(
                "it became the input {} while writing",
                input.display()
            )));
        }
        std::fs::rename(&tmp, &r.target)
    })();
    if let Err(e) = result {
        let _ = std::fs::remove_file(&tmp);
        return Err(io(e));
    }
    // Make the rename itself durable; a folder that cannot be synced is no error.
    if let Ok(d) = File::open(&r.dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

/// [`write_atomic`] of a byte string.
pub fn write_bytes(path: &Path, inputs: &Inputs, bytes: &[u8]) -> Result<(), WriteError> {
    write_atomic(path, inputs, |w| w.write_all(bytes))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A fresh, empty folder for one test.
    pub(crate) fn scratch_dir(name: &str) -> PathBuf {
        static N: AtomicU64 = AtomicU64::new(0);
        let dir = std::env::temp_dir().join(format!(
            "smp-files-{name}-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    fn names(dir: &Path) -> Vec<String> {
        let mut v: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    #[test]
    fn refuses_every_spelling_of_an_input() {
        let dir = scratch_dir("inputs");
        let plan = dir.join("plan.toml");
        std::fs::write(&plan, "plan").unwrap();
        std::fs::create_dir_all(dir.join("sub")).unwrap();
        std::os::unix::fs::symlink(&plan, dir.join("link.json")).unwrap();
        std::fs::hard_link(&plan, dir.join("hard.json")).unwrap();
        let inputs = Inputs::new([&plan]);
        for spelling in ["plan.toml", "sub/../plan.toml", "link.json", "hard.json"] {
            let err = write_bytes(&dir.join(spelling), &inputs, b"{}").unwrap_err();
            assert!(
                matches!(err, WriteError::IsInput { .. }),
                "{spelling}: {err}"
            );
            assert!(check_writable(&dir.join(spelling), &inputs).is_err());
        }
        assert_eq!(std::fs::read(&plan).unwrap(), b"plan");
        assert_eq!(names(&dir), ["hard.json", "link.json", "plan.toml", "sub"]);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_file_named_like_a_temporary_one_is_left_alone() {
        let dir = scratch_dir("partial");
        // Names an older version used for its temporary files, and this one's.
        let lookalikes = [
            "front.png.partial".to_string(),
            ".front.png.partial".to_string(),
            format!(".front.png.{}-0.smp-partial", std::process::id()),
            format!(".front.png.{}-1.smp-partial", std::process::id()),
        ];
        for n in &lookalikes {
            std::fs::write(dir.join(n), n).unwrap();
        }
        let inputs = Inputs::new(lookalikes.iter().map(|n| dir.join(n)));
        for _ in 0..3 {
            write_bytes(&dir.join("front.png"), &inputs, b"png").unwrap();
        }
        for n in &lookalikes {
            assert_eq!(std::fs::read_to_string(dir.join(n)).unwrap(), *n);
        }
        assert_eq!(std::fs::read(dir.join("front.png")).unwrap(), b"png");
        assert_eq!(names(&dir).len(), lookalikes.len() + 1);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_failed_write_leaves_the_target_and_no_temporary_file() {
        let dir = scratch_dir("failed");
        let target = dir.join("stats.json");
        std::fs::write(&target, "old").unwrap();
        let err = write_atomic(&target, &Inputs::default(), |w| {
            w.write_all(b"half")?;
            Err(std::io::Error::other("encoder failed"))
        })
        .unwrap_err();
        assert!(err.to_string().contains("encoder failed"), "{err}");
        assert_eq!(std::fs::read(&target).unwrap(), b"old");
        assert_eq!(names(&dir), ["stats.json"]);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn writes_through_a_symbolic_link_and_refuses_folders() {
        let dir = scratch_dir("link");
        std::fs::write(dir.join("real.json"), "old").unwrap();
        std::os::unix::fs::symlink(dir.join("real.json"), dir.join("link.json")).unwrap();
        write_bytes(&dir.join("link.json"), &Inputs::default(), b"new").unwrap();
        assert_eq!(std::fs::read(dir.join("real.json")).unwrap(), b"new");
        assert!(
            std::fs::symlink_metadata(dir.join("link.json"))
                .unwrap()
                .file_type()
                .is_symlink()
        );
        let err = write_bytes(&dir, &Inputs::default(), b"x").unwrap_err();
        assert!(matches!(err, WriteError::NotAFile { .. }), "{err}");
        let err = write_bytes(Path::new("/dev/null"), &Inputs::default(), b"x").unwrap_err();
        assert!(err.to_string().contains("special file"), "{err}");
        let err = write_bytes(&dir.join("no/such/a.json"), &Inputs::default(), b"x").unwrap_err();
        assert!(err.to_string().contains("no/such"), "{err}");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn an_unwritable_folder_is_found_before_any_work() {
        // /proc takes no new files, not even from root.
        let err = check_writable(Path::new("/proc/bench.json"), &Inputs::default()).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("cannot write /proc/bench.json: "),
            "{err}"
        );
        let err =
            check_writable(Path::new("/proc/no/such/bench.json"), &Inputs::default()).unwrap_err();
        assert!(err.to_string().contains("folder /proc/no/such"), "{err}");
    }
}
