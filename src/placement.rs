//! The CPU half of impression placement: what the compute pass is asked to do
//! for a plan on a head (coverage, where to sample, how many per session).

use crate::hairline::{CoverageModel, Layer};
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
    /// Candidates are drawn over the support and kept in proportion to the
    /// density: the support's area over the density-weighted area (≥ 1).
    pub support_ratio: f64,
    /// The client's own hair, placed by the same pass.
    pub hair: HairPlacement,
}

/// Where the client's remaining hair grows, as buzzed stubble.
#[derive(Debug, Clone)]
pub struct HairPlacement {
    /// ∫ hair fraction dA, mm².
    pub area_mm2: f64,
    pub planned: u32,
    pub spacing_mm: f32,
    pub support: Vec<[u32; 2]>,
    pub support_ratio: f64,
}

impl PlacementPlan {
    pub fn new(plan: &TreatmentPlan, head: &HeadMesh) -> PlacementPlan {
        let coverage = CoverageModel::new(plan, head);
        let treated_area_mm2 = coverage.treated_area_mm2(head);
        let planned = crate::sessions::planned_counts(plan, treated_area_mm2);
        let (support, support_area) = support(&coverage, head, Layer::Treatment);
        let weighted = treated_area_mm2 / coverage.max_coverage() as f64;
        let support_ratio = (support_area / weighted.max(1e-9)).max(1.0);
        let hair = HairPlacement::new(plan, head, &coverage);
        PlacementPlan {
            coverage,
            treated_area_mm2,
            planned,
            spacing_mm: plan.min_spacing_mm(),
            support,
            support_ratio,
            hair,
        }
    }

    pub fn total_planned(&self) -> u32 {
        self.planned.iter().sum()
    }
}

/// Shares of units of one, two and three dots past the hairline's band
/// (`emit_impressions` in `shaders/impressions.wgsl`: `UNIT_TWO` is the
/// share of two or more, `UNIT_THREE` of three).
pub const UNIT_SHARES: [f32; 3] = [0.28, 0.48, 0.24];

/// A dot's diameter in a unit of one, two, three dots, against the
/// impression's (`unit_dot_scale` in `shaders/splat.wgsl`).
pub const UNIT_DOT_SCALE: [f32; 3] = [1.0, 0.8, 0.7];

/// The mean of `f(dots, dot scale)` over the units past the hairline's band.
pub fn mean_over_units(f: impl Fn(f32, f32) -> f32) -> f32 {
    (0..3)
        .map(|k| UNIT_SHARES[k] * f((k + 1) as f32, UNIT_DOT_SCALE[k]))
        .sum()
}

/// How much a buzzed hair's root varies in width, as a share of its mean
/// (`hair_gen_params` in `src/gpu/scene.rs`; SMP gives it per session).
pub const ROOT_DIAMETER_SPREAD: f32 = 0.2;

/// The mean of `f(s)` over a dot's width s against its mean, drawn as
/// `emit_impressions` does: max(0.35, 1 + spread·z), z a standard normal
/// (a midpoint sum over z in ±6).
pub fn mean_over_spread(spread: f32, f: impl Fn(f32) -> f32) -> f32 {
    const STEPS: usize = 480;
    let dz = 12.0 / STEPS as f32;
    let (mut sum, mut weight) = (0.0, 0.0);
    for k in 0..STEPS {
        let z = -6.0 + (k as f32 + 0.5) * dz;
        let w = (-0.5 * z * z).exp();
        sum += w * f((1.0 + spread * z).max(0.35));
        weight += w;
    }
    sum / weight
}

/// Dots in a unit on average (1.96). Hair grows in such follicular units, so
/// the client's hairs are placed as units of this many on average.
pub const DOTS_PER_UNIT: f32 = UNIT_SHARES[0] + 2.0 * UNIT_SHARES[1] + 3.0 * UNIT_SHARES[2];

/// The client's follicular units keep this far apart (mm, over the square
/// root of their density per cm²), then take `HAIR_RELAXATION_STEPS` steps
/// of relaxation: at 0.6 and unrelaxed the buzzed hair clumped into a grain
/// that read as sandpaper (blind review 20). On `receding-nw3` seen from the
/// top at 1280×720 the hair's luminance varies at a 1 px scale (against
/// 4 px) by 0.073 at 0.6 unrelaxed, 0.065 at 0.7 unrelaxed, 0.057 after 4
/// steps, 0.056 after 12, and 0.056 at 0.74 after 12, which places slower.
pub const HAIR_SPACING_PER_SQRT_CM2: f32 = 7.0;
pub const HAIR_RELAXATION_STEPS: u32 = 4;

impl HairPlacement {
    fn new(plan: &TreatmentPlan, head: &HeadMesh, coverage: &CoverageModel) -> HairPlacement {
        // Follicular units per cm² of the client's hair.
        let per_cm2 = plan.hair.natural_per_cm2 / DOTS_PER_UNIT;
        let area_mm2 = if per_cm2 > 0.0 {
            coverage.layer_area_mm2(head, Layer::Hair)
        } else {
            0.0
        };
        let planned = (per_cm2 as f64 / 100.0 * area_mm2).round() as u32;
        let (support, support_area) = if planned > 0 {
            support(coverage, head, Layer::Hair)
        } else {
            (Vec::new(), 0.0)
        };
        HairPlacement {
            area_mm2,
            planned,
            spacing_mm: HAIR_SPACING_PER_SQRT_CM2 / per_cm2.max(1.0).sqrt(),
            support,
            support_ratio: (support_area / area_mm2.max(1e-9)).max(1.0),
        }
    }
}

/// Skin triangles where a layer can be non-zero (with a margin for the
/// triangle's size), with the normalised cumulative area for sampling.
/// Also returns the support's total area, mm².
fn support(coverage: &CoverageModel, head: &HeadMesh, layer: Layer) -> (Vec<[u32; 2]>, f64) {
    let margin_base = coverage.irregularity_mm + 1.0;
    let corners = |t: usize| {
        let idx = &head.indices[3 * t..3 * t + 3];
        let v = |k: usize| &head.vertices[idx[k] as usize];
        (
            v(0).material,
            [0, 1, 2].map(|k| Vec3::from(v(k).position_mm)),
        )
    };
    // Which triangles the layer can reach: the costly part, over the cores.
    let inside: Vec<bool> = crate::par::map_chunks(head.indices.len() / 3, |r| {
        r.map(|t| {
            let (material, [a, b, c]) = corners(t);
            let edge = (b - a).length().max((c - b).length()).max((a - c).length());
            let margin = margin_base + edge;
            let centroid = (a + b + c) / 3.0;
            material == 0
                && [a, b, c, centroid]
                    .iter()
                    .any(|p| coverage.layer_density(layer, *p, margin) > 0.0)
        })
        .collect::<Vec<_>>()
    })
    .concat();
    let mut tris = Vec::new();
    let mut cumulative = Vec::new();
    let mut total = 0.0f64;
    for (t, _) in inside.iter().enumerate().filter(|(_, i)| **i) {
        let (_, [a, b, c]) = corners(t);
        total += 0.5 * (b - a).cross(c - a).length() as f64;
        tris.push(t as u32);
        cumulative.push(total);
    }
    let table = cumulative
        .iter()
        .zip(tris)
        .map(|(c, t)| [((c / total.max(1e-12)) as f32).to_bits(), t])
        .collect();
    (table, total)
}
