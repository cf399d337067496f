//! Saving the edited plan by the output policy (`files::write_atomic`): the
//! previous file survives any failure, and the mesh is never written over.

use crate::plan::TreatmentPlan;
use anyhow::{Context, Result};
use std::path::Path;

/// Write `plan` to `path` atomically. A custom head mesh given relative to
/// `loaded_from` is rewritten so it still resolves from `path`'s folder.
pub fn save(plan: &TreatmentPlan, path: &Path, loaded_from: Option<&Path>) -> Result<()> {
    let mut plan = plan.clone();
    if let Some(mesh) = plan.mesh_path(loaded_from) {
        let same_dir = loaded_from.and_then(Path::parent) == path.parent();
        if !same_dir {
            plan.head.mesh = std::path::absolute(&mesh)
                .unwrap_or(mesh)
                .display()
                .to_string();
        }
    }
    let text = format!(
        "# Saved by smp-preview view. Every field: README \"Plan format\".\n{}",
        plan.to_toml_string()
    );
    // Check it loads back before touching the target.
    TreatmentPlan::from_toml_str(&text, &path.display().to_string())
        .context("the edited plan does not validate; not saved")?;
    // The plan may replace itself (that is saving), never the mesh it names.
    let inputs = crate::files::Inputs::new(plan.mesh_path(Some(path)));
    crate::files::write_bytes(path, &inputs, text.as_bytes())?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn saves_atomically_and_loads_back() {
        let dir = std::env::temp_dir().join(format!("smp-save-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("client.toml");
        std::fs::write(&path, "previous").unwrap();
        let mut plan = TreatmentPlan::default_plan();
        plan.density.final_per_cm2 = 72.0;
        plan.head.shape.age_years = 55.0;
        plan.head.shape.ancestry.asian = 0.8;
        save(&plan, &path, None).unwrap();
        assert!(
            std::fs::read_to_string(&path)
                .unwrap()
                .contains("[head.shape]")
        );
        let back = TreatmentPlan::load(&path).unwrap();
        assert_eq!(back, plan);
        // An invalid plan is refused and the file on disk stays as it was.
        let mut bad = plan.clone();
        bad.density.final_per_cm2 = 1000.0;
        assert!(save(&bad, &path, None).is_err());
        assert_eq!(TreatmentPlan::load(&path).unwrap(), plan);
        // A folder that does not exist: an error, nothing written.
        assert!(save(&plan, &dir.join("no/such/dir/p.toml"), None).is_err());
        let names: Vec<_> = std::fs::read_dir(&dir).unwrap().collect();
        assert_eq!(names.len(), 1);
        // A folder that takes no files (not even from root): a message, nothing lost.
        let err = save(&plan, Path::new("/proc/client.toml"), None).unwrap_err();
        assert!(
            format!("{err:#}").contains("cannot write /proc/client.toml"),
            "{err:#}"
        );
        // Never over the mesh the plan names.
        let mesh = dir.join("scan.obj");
        std::fs::write(&mesh, "v 0 0 0").unwrap();
        let mut custom = plan.clone();
        custom.head.mesh = "scan.obj".into();
        custom.head.landmarks = Some(crate::plan::LandmarkSpec::typical());
        custom.head.shape = Default::default();
        let err = save(&custom, &mesh, Some(&path)).unwrap_err();
        assert!(format!("{err:#}").contains("it is the input"), "{err:#}");
        assert_eq!(std::fs::read(&mesh).unwrap(), b"v 0 0 0");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
