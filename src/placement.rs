//! The CPU half of impression placement: what the compute pass is asked to do
//! for a plan on a head (coverage, where to sample, how many per session).

use crate::hairline::CoverageModel;
use crate::head::HeadMesh;
use crate::plan::TreatmentPlan;
use glam::Vec3;

#[derive(Debug, Clone)]
pub struct PlacementPlan {
    pub coverage: CoverageModel,
    /// ∫ coverage dA over the skin, mm².
    pub treated_area_mm2: f64,
    /// Impressions planned per session.
    pub planned: Vec<u32>,
    pub spacing_mm: f32,
    /// Triangles that may receive impressions: (normalised cumulative area
    /// as f32 bits, triangle number), the layout the compute pass reads.
    pub support: Vec<[u32; 2]>,
}

impl PlacementPlan {
    pub fn new(plan: &TreatmentPlan, head: &HeadMesh) -> PlacementPlan {
        let coverage = CoverageModel::new(plan, head);
        let treated_area_mm2 = coverage.treated_area_mm2(head);
        let planned = crate::sessions::planned_counts(plan, treated_area_mm2);
        let support = support(&coverage, head);
        PlacementPlan {
            coverage,
            treated_area_mm2,
            planned,
            spacing_mm: plan.min_spacing_mm(),
            support,
        }
    }

    pub fn total_planned(&self) -> u32 {
        self.planned.iter().sum()
    }
}

/// Skin triangles where coverage can be non-zero (with a margin for the
/// triangle's size), with the normalised cumulative area for sampling.
fn support(coverage: &CoverageModel, head: &HeadMesh) -> Vec<[u32; 2]> {
    let margin_base = coverage.irregularity_mm + 1.0;
    let mut tris = Vec::new();
    let mut cumulative = Vec::new();
    let mut total = 0.0f64;
    for (t, idx) in head.indices.chunks_exact(3).enumerate() {
        let v = |k: usize| &head.vertices[idx[k] as usize];
        if v(0).material != 0 {
            continue;
        }
        let [a, b, c] = [0, 1, 2].map(|k| Vec3::from(v(k).position_mm));
        let edge = (b - a).length().max((c - b).length()).max((a - c).length());
        let margin = margin_base + edge;
        let centroid = (a + b + c) / 3.0;
        if [a, b, c, centroid]
            .iter()
            .all(|p| coverage.support(*p, margin) <= 0.0)
        {
            continue;
        }
        total += 0.5 * (b - a).cross(c - a).length() as f64;
        tris.push(t as u32);
        cumulative.push(total);
    }
    cumulative
        .iter()
        .zip(tris)
        .map(|(c, t)| [((c / total.max(1e-12)) as f32).to_bits(), t])
        .collect()
}
