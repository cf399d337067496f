//! Placing impressions off the window loop. The placement compute pass takes
//! from half a second to a few on a CPU rasteriser; run on the loop, the
//! picture would freeze that long after every hairline or density change. A
//! worker thread places on the same device while the window keeps drawing the
//! scenes it has (their submissions interleave on the queue), and the new
//! scenes replace them when they are ready.

use crate::gpu::impressions::ImpressionGenerator;
use crate::gpu::{Gpu, Scene};
use crate::head::HeadMesh;
use crate::plan::TreatmentPlan;
use anyhow::{Context, Result};
use std::sync::Arc;
use std::sync::mpsc::{self, Receiver, TryRecvError};
use std::time::Instant;
use winit::window::Window;

/// One plan on screen: a viewport's label, the plan it shows and its scene.
pub struct Shown {
    pub name: String,
    pub plan: TreatmentPlan,
    pub scene: Scene,
}

impl Shown {
    /// Place `plan`'s impressions on `head` and show them as `name`.
    pub fn place(
        gpu: &Gpu,
        generator: &ImpressionGenerator,
        head: &HeadMesh,
        name: String,
        plan: TreatmentPlan,
    ) -> Result<Shown> {
        let scene = Scene::new(gpu, generator, &plan, head)
            .with_context(|| format!("placing the impressions of {name:?}"))?;
        Ok(Shown { name, plan, scene })
    }
}

/// A viewport to place for: its index among the viewports, label and plan.
pub type Todo = (usize, String, TreatmentPlan);

/// Scenes being placed on a worker thread.
pub struct Placing {
    landed: Receiver<Result<Vec<(usize, Shown)>>>,
    pub started: Instant,
}

impl Placing {
    /// Place `todo` on `gpu` in the background; `window` is asked to redraw
    /// when the scenes are ready.
    pub fn spawn(
        gpu: Gpu,
        generator: ImpressionGenerator,
        head: HeadMesh,
        todo: Vec<Todo>,
        window: Arc<Window>,
    ) -> Result<Placing> {
        let (tx, landed) = mpsc::channel();
        std::thread::Builder::new()
            .name("placement".into())
            .spawn(move || {
                let placed = todo
                    .into_iter()
                    .map(|(i, name, plan)| {
                        Ok((i, Shown::place(&gpu, &generator, &head, name, plan)?))
                    })
                    .collect();
                gpu.wait();
                // The loop may have dropped this job (a plan was loaded).
                if tx.send(placed).is_ok() {
                    window.request_redraw();
                }
            })
            .context("cannot start the placement thread")?;
        Ok(Placing {
            landed,
            started: Instant::now(),
        })
    }

    /// The placed scenes, once ready.
    pub fn poll(&self) -> Option<Result<Vec<(usize, Shown)>>> {
        match self.landed.try_recv() {
            Ok(r) => Some(r),
            Err(TryRecvError::Empty) => None,
            Err(TryRecvError::Disconnected) => Some(Err(anyhow::anyhow!(
                "the placement thread stopped without a result"
            ))),
        }
    }
}
