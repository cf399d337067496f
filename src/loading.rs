//! Loading a plan and the head it names, with errors that name the file.

use crate::head::{self, HeadMesh};
use crate::plan::{PlanError, TreatmentPlan};
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error(transparent)]
    Plan(#[from] PlanError),
    #[error(transparent)]
    Head(#[from] head::HeadError),
}

/// A validated plan and its head mesh.
pub struct Loaded {
    pub plan: TreatmentPlan,
    /// `None` for the built-in default plan.
    pub plan_path: Option<PathBuf>,
    pub head: HeadMesh,
}

/// The plan at `path`, or the built-in default plan.
pub fn load_plan(path: Option<&Path>) -> Result<TreatmentPlan, PlanError> {
    let mut plan = match path {
        Some(p) => TreatmentPlan::load(p)?,
        None => TreatmentPlan::default_plan(),
    };
    crate::hair_match::apply(&mut plan);
    Ok(plan)
}

/// The head mesh a plan names, with its landmarks.
pub fn load_head(
    plan: &TreatmentPlan,
    plan_path: Option<&Path>,
) -> Result<HeadMesh, head::HeadError> {
    let subdivisions = plan.head.subdivisions;
    match plan.mesh_path(plan_path) {
        None => head::load_builtin_shape(
            &plan.head.shape,
            subdivisions.unwrap_or(crate::plan::BUILTIN_SUBDIVISIONS),
        ),
        Some(mesh) => {
            let landmarks = plan.head.landmarks.as_ref().map(|l| l.to_landmarks());
            let head = head::load_mesh(&mesh, plan.head.scale_to_mm, landmarks, subdivisions)?;
            head::check_landmarks_on_mesh(&head)?;
            Ok(head)
        }
    }
}

/// A scan with colour brings its own skin: the ink lies under its measured
/// scalp colour, whatever `skin.tone` says.
pub fn apply_scan_tone(plan: &mut TreatmentPlan, head: &HeadMesh) {
    if let Some([r, g, b]) = head.scan_scalp_srgb() {
        plan.skin.tone = format!("#{r:02x}{g:02x}{b:02x}");
        crate::hair_match::apply(plan);
    }
}

pub fn load(path: Option<&Path>) -> Result<Loaded, LoadError> {
    let mut plan = load_plan(path)?;
    let head = load_head(&plan, path)?;
    apply_scan_tone(&mut plan, &head);
    Ok(Loaded {
        plan,
        plan_path: path.map(Path::to_path_buf),
        head,
    })
}
