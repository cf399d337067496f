//! The consultation PDF from the viewer (P, or the panel's button): the
//! plan as it is on screen, written by `output::pdf` on a thread of its own
//! (its own device, so the window keeps turning) into the screenshot folder
//! under the next free `consultation-NNN.pdf`, never over a file.

use crate::files::Inputs;
use crate::head::HeadMesh;
use crate::loading::Loaded;
use crate::output::{pdf, views::Prepared};
use crate::plan::TreatmentPlan;
use anyhow::Result;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, TryRecvError, channel};

/// A document being written.
pub struct DocumentJob {
    pub path: PathBuf,
    done: Receiver<Result<()>>,
}

impl DocumentJob {
    /// Start writing the document of `plan` on `head` into `dir`.
    pub fn start(
        plan: &TreatmentPlan,
        head: &HeadMesh,
        plan_path: Option<PathBuf>,
        dir: &Path,
        inputs: Inputs,
    ) -> Result<DocumentJob> {
        crate::files::create_folder(dir)?;
        let path = super::screenshot::next_numbered(dir, "consultation", "pdf");
        crate::files::check_writable(&path, &inputs)?;
        let loaded = Loaded {
            plan: plan.clone(),
            plan_path,
            head: head.clone(),
        };
        let (tx, done) = channel();
        let target = path.clone();
        std::thread::Builder::new()
            .name("consultation pdf".into())
            .spawn(move || {
                let result = (|| {
                    let mut prepared = Prepared::new(&loaded)?;
                    let stats = prepared.stats(&loaded)?;
                    pdf::write(&mut prepared, &loaded, &stats, &target, &inputs)
                })();
                let _ = tx.send(result);
            })?;
        Ok(DocumentJob { path, done })
    }

    /// `Some` once the document is written or failed.
    pub fn poll(&self) -> Option<Result<()>> {
        match self.done.try_recv() {
            Ok(r) => Some(r),
            Err(TryRecvError::Empty) => None,
            Err(TryRecvError::Disconnected) => {
                Some(Err(anyhow::anyhow!("the document's thread stopped")))
            }
        }
    }

    /// Wait for it (the viewer is closing).
    pub fn wait(self) -> Result<()> {
        self.done
            .recv()
            .unwrap_or_else(|_| Err(anyhow::anyhow!("the document's thread stopped")))
    }
}
