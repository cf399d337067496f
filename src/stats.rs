//! Statistics of placed impressions, from the instance buffer read back:
//! counts and densities per session, spacing, Clark–Evans aggregation index.

use crate::hairline::CoverageModel;
use crate::head::HeadMesh;
use crate::plan::TreatmentPlan;
use glam::Vec3;
use serde::Serialize;
use std::collections::HashMap;

/// One impression as read back (see `Impression` in `common.wgsl`).
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, bytemuck::Pod, bytemuck::Zeroable)]
pub struct ImpressionRecord {
    pub position_mm: [f32; 3],
    pub normal_oct: u32,
    pub diameter_mm: f32,
    pub packed: u32,
}

impl ImpressionRecord {
    /// A record for a point on the skin (`session`: a session or a slot such
    /// as `SLOT_SCAR_DOT`), darkness 1.
    pub fn new(position: Vec3, normal: Vec3, diameter_mm: f32, session: u32) -> ImpressionRecord {
        ImpressionRecord {
            position_mm: position.into(),
            normal_oct: pack_normal(normal),
            diameter_mm,
            packed: session | (128 << 8),
        }
    }

    pub fn session(&self) -> usize {
        (self.packed & 0xff) as usize
    }
    pub fn position(&self) -> Vec3 {
        Vec3::from(self.position_mm)
    }
}

/// Octahedral unit normal in two snorm16 halves, as `pack_normal` in WGSL.
pub fn pack_normal(n: Vec3) -> u32 {
    let n = n.normalize_or(Vec3::Z);
    let l1 = n.x.abs() + n.y.abs() + n.z.abs();
    let (mut x, mut y) = (n.x / l1, n.y / l1);
    if n.z < 0.0 {
        let sign = |v: f32| if v >= 0.0 { 1.0 } else { -1.0 };
        (x, y) = ((1.0 - y.abs()) * sign(x), (1.0 - x.abs()) * sign(y));
    }
    let snorm = |v: f32| ((v.clamp(-1.0, 1.0) * 32767.0).round() as i16) as u16 as u32;
    snorm(x) | (snorm(y) << 16)
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct SessionStats {
    pub session: usize,
    pub impressions: usize,
    /// Coverage-weighted treated area (∫ coverage dA).
    pub area_cm2: f64,
    pub density_per_cm2: f64,
    pub planned_density_per_cm2: f64,
    /// Measured where coverage is exactly 1 (away from the hairline band and zones).
    pub interior_density_per_cm2: f64,
    pub mean_diameter_mm: f64,
    /// Whether the session has happened at the moment shown.
    pub shown: bool,
    /// Relative luminance (linear) of the session's shade as it looks at the moment shown.
    pub mean_shade_luminance: f64,
    /// Estimated time to place this session's impressions, at the plan's pace.
    pub treatment_minutes: f64,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Stats {
    /// The moment shown: `days` days after session `session_shown` (1-based).
    pub session_shown: usize,
    pub days: f64,
    pub sessions: Vec<SessionStats>,
    pub impressions: usize,
    /// The client's own buzzed hairs drawn, and the area they grow on.
    pub hair_follicles: usize,
    pub hair_area_cm2: f64,
    /// FUE extraction scars drawn.
    pub scar_marks: usize,
    pub min_spacing_mm: f64,
    pub planned_min_spacing_mm: f64,
    pub mean_nearest_mm: f64,
    pub clark_evans_r: f64,
    pub interior_area_cm2: f64,
    pub adapter: String,
}

/// Below this fully treated area (1 cm²) interior density and Clark–Evans
/// are not measured (NaN, printed "–"): too few impressions to mean anything.
const MIN_INTERIOR_MM2: f64 = 100.0;

fn is_interior(c: f32) -> bool {
    (c - 1.0).abs() < 1e-3
}

/// Area (mm²) of skin where coverage is exactly 1.
fn interior_area_mm2(coverage: &CoverageModel, head: &HeadMesh) -> f64 {
    let tris: Vec<[Vec3; 3]> = head
        .skin_triangles()
        .map(|t| t.map(|i| Vec3::from(head.vertices[i as usize].position_mm)))
        .collect();
    crate::par::sum(tris.len(), |k| {
        let [a, b, c] = tris[k];
        if is_interior(coverage.coverage((a + b + c) / 3.0)) {
            0.5 * (b - a).cross(c - a).length() as f64
        } else {
            0.0
        }
    })
}

/// Nearest-neighbour distance of every impression (grid search).
pub fn nearest_distances(points: &[Vec3], cell_mm: f32) -> Vec<f32> {
    let key = |p: Vec3| {
        (
            (p.x / cell_mm).floor() as i32,
            (p.y / cell_mm).floor() as i32,
            (p.z / cell_mm).floor() as i32,
        )
    };
    let mut grid: HashMap<(i32, i32, i32), Vec<usize>> = HashMap::new();
    for (i, p) in points.iter().enumerate() {
        grid.entry(key(*p)).or_default().push(i);
    }
    let nearest = |i: usize| {
        let p = &points[i];
        let (cx, cy, cz) = key(*p);
        let mut best = f32::INFINITY;
        // Widen the search ring until a neighbour is found and the ring is past it.
        for ring in 1..64_i32 {
            for dz in -ring..=ring {
                for dy in -ring..=ring {
                    for dx in -ring..=ring {
                        let on_shell = dx.abs() == ring || dy.abs() == ring || dz.abs() == ring;
                        if ring > 1 && !on_shell {
                            continue;
                        }
                        for &j in grid.get(&(cx + dx, cy + dy, cz + dz)).into_iter().flatten() {
                            if j != i {
                                best = best.min(p.distance(points[j]));
                            }
                        }
                    }
                }
            }
            if best <= (ring - 1) as f32 * cell_mm {
                break;
            }
        }
        best
    };
    // Each point's search is independent: over the cores.
    crate::par::map_chunks(points.len(), |r| r.map(nearest).collect::<Vec<_>>()).concat()
}

pub fn compute(
    plan: &TreatmentPlan,
    head: &HeadMesh,
    coverage: &CoverageModel,
    treated_area_mm2: f64,
    records: &[ImpressionRecord],
    adapter: String,
) -> Stats {
    let points: Vec<Vec3> = records.iter().map(|r| r.position()).collect();
    let spacing = plan.min_spacing_mm();
    let nearest = nearest_distances(&points, spacing.max(0.05) * 2.0);
    let interior: Vec<bool> = crate::par::map_chunks(points.len(), |r| {
        r.map(|i| is_interior(coverage.coverage(points[i])))
            .collect::<Vec<_>>()
    })
    .concat();
    let interior_mm2 = interior_area_mm2(coverage, head);
    let area_cm2 = treated_area_mm2 / 100.0;
    let looks = crate::sessions::session_looks(plan);
    let sessions = plan
        .sessions
        .iter()
        .enumerate()
        .map(|(s, spec)| {
            let mine: Vec<usize> = (0..records.len())
                .filter(|&i| records[i].session() == s)
                .collect();
            let inside = mine.iter().filter(|&&i| interior[i]).count();
            let mean_d = mine
                .iter()
                .map(|&i| records[i].diameter_mm as f64)
                .sum::<f64>()
                / mine.len().max(1) as f64;
            SessionStats {
                session: s + 1,
                impressions: mine.len(),
                area_cm2,
                density_per_cm2: mine.len() as f64 / area_cm2.max(1e-9),
                planned_density_per_cm2: (spec.share * plan.density.final_per_cm2) as f64,
                interior_density_per_cm2: if interior_mm2 >= MIN_INTERIOR_MM2 {
                    inside as f64 * 100.0 / interior_mm2
                } else {
                    f64::NAN
                },
                mean_diameter_mm: mean_d,
                shown: looks[s].visible,
                mean_shade_luminance: crate::sessions::luminance(looks[s].seen_linear) as f64,
                treatment_minutes: mine.len() as f64 / plan.practice.impressions_per_minute as f64,
            }
        })
        .collect();
    let inner: Vec<f64> = nearest
        .iter()
        .zip(&interior)
        .filter(|(d, i)| **i && d.is_finite())
        .map(|(d, _)| *d as f64)
        .collect();
    let mean_nearest = inner.iter().sum::<f64>() / inner.len().max(1) as f64;
    let density_mm2 = inner.len() as f64 / interior_mm2.max(1e-9);
    // Clark–Evans: observed mean nearest distance over 0.5/√ρ, that of a Poisson process.
    let clark_evans_r = if density_mm2 > 0.0 && interior_mm2 >= MIN_INTERIOR_MM2 {
        mean_nearest / (0.5 / density_mm2.sqrt())
    } else {
        f64::NAN
    };
    Stats {
        session_shown: plan.shown_session().map_or(0, |k| k + 1),
        days: plan.shown.days_after as f64,
        sessions,
        impressions: records.len(),
        hair_follicles: 0,
        hair_area_cm2: 0.0,
        scar_marks: 0,
        min_spacing_mm: nearest.iter().copied().fold(f32::INFINITY, f32::min) as f64,
        planned_min_spacing_mm: spacing as f64,
        mean_nearest_mm: mean_nearest,
        clark_evans_r,
        interior_area_cm2: interior_mm2 / 100.0,
        adapter,
    }
}

impl Stats {
    /// The per-session table `render` prints.
    pub fn table(&self) -> String {
        let mut s = String::from(
            "session  impressions  treated area cm²  density /cm²  planned /cm²  interior /cm²  shade Y  minutes\n",
        );
        for x in &self.sessions {
            let shade = if x.shown {
                format!("{:.4}", x.mean_shade_luminance)
            } else {
                "not yet".into()
            };
            s.push_str(&format!(
                "{:>7}  {:>11}  {:>16.1}  {:>12.1}  {:>12.1}  {:>13}  {:>7}  {:>7.0}\n",
                x.session,
                x.impressions,
                x.area_cm2,
                x.density_per_cm2,
                x.planned_density_per_cm2,
                measured(x.interior_density_per_cm2, 1),
                shade,
                x.treatment_minutes
            ));
        }
        s.push_str(&format!(
            "shown: {:.0} days after session {} (0: before treatment); the client's own hair: {} follicular units (about {:.0} hairs) over {:.1} cm²; {} FUE scar marks\n",
            self.days,
            self.session_shown,
            self.hair_follicles,
            self.hair_follicles as f32 * crate::placement::DOTS_PER_UNIT,
            self.hair_area_cm2,
            self.scar_marks
        ));
        if self.impressions == 0 {
            s.push_str(
                "total 0 impressions: the region and zones leave no scalp to treat; the head is drawn as it is",
            );
        } else {
            s.push_str(&format!(
                "total {} impressions; min spacing {:.3} mm (planned ≥ {:.3}); Clark–Evans R {}",
                self.impressions,
                self.min_spacing_mm,
                self.planned_min_spacing_mm,
                measured(self.clark_evans_r, 2)
            ));
        }
        s
    }
}

/// A figure, or "–" where it was not measured (NaN).
fn measured(x: f64, decimals: usize) -> String {
    if x.is_finite() {
        format!("{x:.decimals$}")
    } else {
        "–".into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_on_a_line() {
        let pts: Vec<Vec3> = [0.0, 1.0, 3.0, 7.0]
            .iter()
            .map(|x| Vec3::new(*x, 0.0, 0.0))
            .collect();
        let d = nearest_distances(&pts, 0.7);
        assert_eq!(d, vec![1.0, 1.0, 2.0, 4.0]);
    }
}
