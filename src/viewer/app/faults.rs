//! The viewer under faults: the GPU device lost, frames that fail, the plan
//! file changed or removed by another program, saves that cannot be
//! written. It keeps running, says what happened, and loses nothing: when
//! it must stop, unsaved edits go to a new file first.

use super::{App, new_egui_context};
use crate::files::FileId;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime};

/// A plan file as it was seen: identity, size and modification time.
#[derive(Debug, Clone, PartialEq)]
pub struct DiskStamp {
    id: Option<FileId>,
    len: u64,
    modified: Option<SystemTime>,
}

impl DiskStamp {
    /// `None` when nothing is at `path`.
    pub fn of(path: &Path) -> Option<DiskStamp> {
        let m = std::fs::metadata(path).ok()?;
        Some(DiskStamp {
            id: Some(FileId::from_metadata(&m)),
            len: m.len(),
            modified: m.modified().ok(),
        })
    }
}

/// How often the plan file is looked at.
pub const DISK_CHECK: Duration = Duration::from_secs(1);
/// Failed frames in a row after which an automated run (`--frames`) stops.
const MAX_FAILED_FRAMES: u32 = 3;

/// `SMP_VIEWER_FAULT=lose-device@N`: destroy the device before frame N, as
/// a driver reset would (the fault test uses it).
/// Read once: `check_device` runs before every frame.
fn injected_device_loss() -> Option<u32> {
    static AT: std::sync::OnceLock<Option<u32>> = std::sync::OnceLock::new();
    *AT.get_or_init(|| {
        let v = std::env::var("SMP_VIEWER_FAULT").ok()?;
        v.strip_prefix("lose-device@")?.parse().ok()
    })
}

impl App {
    pub(super) fn with_disk_stamp(mut self) -> App {
        self.disk = self.plan_path.as_deref().and_then(DiskStamp::of);
        self
    }

    /// After a load or a save: this is what the file now is.
    pub(super) fn note_disk(&mut self) {
        self.disk = self.plan_path.as_deref().and_then(DiskStamp::of);
        self.disk_conflict = false;
    }

    /// Whether saving to `path` would overwrite changes another program made.
    pub(super) fn save_conflicts(&self, path: &Path) -> bool {
        let open = self.plan_path.as_deref().and_then(FileId::of);
        self.disk_conflict && open.is_some() && open == FileId::of(path)
    }

    /// Look at the plan file (at most once a second): reload it when it
    /// changed and nothing is unsaved; otherwise keep the edits and say so.
    pub(super) fn watch_disk(&mut self) {
        if self.last_disk_check.elapsed() < DISK_CHECK {
            return;
        }
        self.last_disk_check = Instant::now();
        let Some(path) = self.plan_path.clone() else {
            return;
        };
        let now = DiskStamp::of(&path);
        if now == self.disk {
            return;
        }
        self.disk = now.clone();
        let shown = path.display();
        match now {
            None => self.set_status(
                format!("{shown} was removed or renamed on disk; Ctrl+S writes it again"),
                true,
            ),
            Some(_) if !self.dirty() => {
                self.load(path.clone());
                self.set_status(format!("{shown} changed on disk: loaded again"), false);
            }
            Some(_) => {
                self.disk_conflict = true;
                self.set_status(
                    format!(
                        "{shown} was changed by another program; your unsaved edits are kept here \
                         and Ctrl+S will not overwrite it: save under another name, or open it \
                         again to take its changes"
                    ),
                    true,
                );
            }
        }
        if let Some(run) = &self.run {
            run.window.request_redraw();
        }
    }

    /// Before a frame: a lost device is opened again, with the same window,
    /// camera and plan; the scenes are placed anew on it.
    pub(super) fn check_device(&mut self) {
        if let Some(n) = injected_device_loss()
            && self.frames + 1 == n
            && let Some(run) = &self.run
            && run.gfx.gpu.lost().is_none()
        {
            eprintln!("viewer: SMP_VIEWER_FAULT: destroying the device before frame {n}");
            run.gfx.gpu.device.destroy();
            run.gfx.gpu.wait();
        }
        // Errors the device reported outside any scope (a frame's passes run
        // unscoped): said, not swallowed.
        let stray = self.run.as_ref().map(|r| r.gfx.gpu.take_uncaptured());
        if let Some(first) = stray.as_ref().and_then(|s| s.first()) {
            let more = stray.as_ref().map_or(0, |s| s.len() - 1);
            self.set_status(
                format!("the GPU reported an error: {first} ({more} more)"),
                true,
            );
        }
        let Some(why) = self.run.as_ref().and_then(|r| r.gfx.gpu.lost()) else {
            return;
        };
        // What was being placed belongs to the old device.
        self.placing = None;
        self.panel.placing = false;
        let run = self.run.take().expect("running");
        let (window, orbit) = (run.window.clone(), run.orbit.clone());
        // The old surface must go before a new one is made for the window.
        drop(run);
        // A new renderer holds no UI textures: a new context sends them all.
        self.egui_ctx = new_egui_context();
        match self.attach(window.clone(), Some(orbit)) {
            Ok(()) => {
                self.set_status(
                    format!(
                        "the GPU device was lost ({why}) and has been opened again; nothing was lost"
                    ),
                    true,
                );
                window.request_redraw();
            }
            Err(e) => {
                self.keep_unsaved();
                self.error = Some(e.context(format!(
                    "the GPU device was lost ({why}) and could not be opened again"
                )));
                self.exit = true;
            }
        }
    }

    /// A frame that could not be drawn: say why and go on (the next event
    /// draws again). Only an automated run, which would otherwise wait for
    /// frames that never come, stops after a few in a row.
    pub(super) fn frame_failed(&mut self, e: anyhow::Error) {
        self.failed_frames += 1;
        self.set_status(format!("a frame could not be drawn: {e:#}"), true);
        if self.opts.frames.is_some() && self.failed_frames >= MAX_FAILED_FRAMES {
            self.keep_unsaved();
            self.error = Some(e.context(format!("{} frames in a row failed", self.failed_frames)));
            self.exit = true;
        }
    }

    /// Unsaved edits, written to a new file beside the plan (never over
    /// anything) before the viewer stops on an error.
    pub(super) fn keep_unsaved(&mut self) {
        if !self.dirty() {
            return;
        }
        let path = recovery_path(self.plan_path.as_deref());
        match crate::viewer::plan_io::save(&self.plan, &path, self.plan_path.as_deref()) {
            Ok(()) => eprintln!("viewer: your unsaved edits are in {}", path.display()),
            Err(e) => eprintln!("viewer: could not keep your unsaved edits: {e:#}"),
        }
    }
}

/// `<plan>.unsaved-N.toml` beside the plan (or in the working folder), the
/// first N with no file yet.
pub fn recovery_path(plan: Option<&Path>) -> PathBuf {
    let (dir, stem) = match plan {
        Some(p) => (
            p.parent().map(Path::to_path_buf).unwrap_or_default(),
            p.file_stem()
                .map_or("plan".into(), |s| s.to_string_lossy().into_owned()),
        ),
        None => (PathBuf::new(), "plan".to_string()),
    };
    (1..)
        .map(|n| dir.join(format!("{stem}.unsaved-{n}.toml")))
        .find(|p| std::fs::symlink_metadata(p).is_err())
        .expect("some number is free")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_changed_file_has_a_new_stamp() {
        let dir = std::env::temp_dir().join(format!("smp-stamp-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let p = dir.join("plan.toml");
        std::fs::write(&p, "a").unwrap();
        let first = DiskStamp::of(&p).unwrap();
        assert_eq!(DiskStamp::of(&p), Some(first.clone()));
        std::fs::write(&p, "ab").unwrap();
        assert_ne!(DiskStamp::of(&p), Some(first));
        // Replaced by rename (as editors and this program save): a new identity.
        let before = DiskStamp::of(&p);
        std::fs::write(dir.join("new.toml"), "ab").unwrap();
        std::fs::rename(dir.join("new.toml"), &p).unwrap();
        assert_ne!(DiskStamp::of(&p), before);
        std::fs::remove_file(&p).unwrap();
        assert_eq!(DiskStamp::of(&p), None);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn recovery_never_takes_an_existing_name() {
        let dir = std::env::temp_dir().join(format!("smp-recover-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let plan = dir.join("client.toml");
        assert_eq!(
            recovery_path(Some(&plan)),
            dir.join("client.unsaved-1.toml")
        );
        std::fs::write(dir.join("client.unsaved-1.toml"), "x").unwrap();
        assert_eq!(
            recovery_path(Some(&plan)),
            dir.join("client.unsaved-2.toml")
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
