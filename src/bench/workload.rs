//! What the benchmark draws: the built-in head with the default plan's
//! coverage, and N impressions placed over it by the real placement pass.

use crate::camera::Camera;
use crate::gpu::impressions::{BYTES_PER_IMPRESSION, Impressions};
use crate::gpu::scene::{self, Scene};
use crate::gpu::{Gpu, Renderer, readback};
use crate::hairline::Layer;
use crate::loading::{self, Loaded};
use crate::output::views::Prepared;
use crate::plan::ViewName;
use crate::stats::ImpressionRecord;
use anyhow::Result;
use glam::Vec3;
use std::time::Instant;

/// The view every frame figure uses: from above and in front, where the
/// whole treated scalp faces the camera.
pub const BENCH_VIEW: ViewName = ViewName::Top;

pub struct Workload {
    pub loaded: Loaded,
    pub gpu: Gpu,
    pub renderer: Renderer,
    /// The head; its pigment set is swapped for each count.
    pub scene: Scene,
}

/// N impressions placed, and what placing them cost.
pub struct Placed {
    pub impressions: Impressions,
    /// Wall time of the placement pass (submit to the last readback of its
    /// counters), ms.
    pub generate_ms: f64,
    pub spacing_mm: f32,
    pub diameter_mm: f32,
}

impl Workload {
    pub fn new() -> Result<Workload> {
        let loaded = loading::load(None)?;
        let Prepared {
            gpu,
            renderer,
            scene,
        } = Prepared::new(&loaded)?;
        Ok(Workload {
            loaded,
            gpu,
            renderer,
            scene,
        })
    }

    /// Place `n` impressions over the default plan's treated scalp with the
    /// real placement pass: the plan's sessions and coverage, its density
    /// raised to give `n`, the default minimum spacing for that density as for any plan,
    /// and the impression diameter shrunk in proportion to the spacing where
    /// it is denser than the plan (a denser plan uses finer impressions; at
    /// the plan's own size a million would cover the scalp five times over).
    pub fn place(&mut self, n: u32) -> Result<Placed> {
        let plan = &self.loaded.plan;
        let placement = &self.scene.placement;
        let area_cm2 = placement.treated_area_mm2 / 100.0;
        let per_cm2 = n as f64 / area_cm2;
        let spacing_mm = crate::plan::default_min_spacing_mm(
            (per_cm2 * plan.peak_density_scale() as f64) as f32,
        );
        let shrink = (spacing_mm / placement.spacing_mm).min(1.0);
        let mut params = scene::gen_params(plan, placement);
        params.spacing_mm = spacing_mm;
        params.target_total = n;
        let mut end = 0u32;
        for (i, s) in plan.sessions.iter().enumerate() {
            end = if i + 1 == plan.sessions.len() {
                n
            } else {
                end + (s.share as f64 * n as f64).round() as u32
            };
            params.session_end[i] = end;
            params.diameter_mm[i] = s.diameter_mm * shrink;
        }
        let inputs = self.scene.head_inputs();
        let coverage = placement.coverage.to_uniform(Layer::Treatment);
        self.gpu.wait();
        let t = Instant::now();
        let impressions = self.renderer.generator.generate(
            &self.gpu,
            &inputs,
            &coverage,
            params,
            plan.density.relaxation_steps,
            "the bench's impression count",
        )?;
        self.gpu.wait();
        let generate_ms = t.elapsed().as_secs_f64() * 1e3;
        Ok(Placed {
            diameter_mm: params.diameter_mm[0],
            impressions,
            generate_ms,
            spacing_mm,
        })
    }

    pub fn camera(&self, width: u32, height: u32) -> Camera {
        Camera::preset(BENCH_VIEW, self.scene.bounds, width as f32 / height as f32)
    }

    /// How many of the placed impressions face the camera inside the frame
    /// (read back once, outside any timing).
    pub fn in_view(&self, impressions: &Impressions, camera: &Camera) -> Result<u32> {
        let bytes = readback::read_buffer(
            &self.gpu,
            &impressions.buffer,
            0,
            impressions.count as u64 * BYTES_PER_IMPRESSION,
        )?;
        let records: Vec<ImpressionRecord> = bytemuck::pod_collect_to_vec(&bytes);
        let vp = camera.view_proj();
        let seen = records
            .iter()
            .filter(|r| {
                let p = r.position();
                let facing = unpack_normal(r.normal_oct).dot((camera.eye - p).normalize()) > 0.02;
                let clip = vp * p.extend(1.0);
                let ndc = clip.truncate() / clip.w;
                facing && clip.w > 0.0 && ndc.x.abs() <= 1.0 && ndc.y.abs() <= 1.0
            })
            .count();
        Ok(seen as u32)
    }
}

/// The inverse of `stats::pack_normal` (octahedral, snorm16 × 2).
fn unpack_normal(bits: u32) -> Vec3 {
    let s = |v: u32| (v as u16 as i16) as f32 / 32767.0;
    let (x, y) = (s(bits & 0xffff), s(bits >> 16));
    let z = 1.0 - x.abs() - y.abs();
    let (x, y) = if z < 0.0 {
        let sign = |v: f32| if v >= 0.0 { 1.0 } else { -1.0 };
        ((1.0 - y.abs()) * sign(x), (1.0 - x.abs()) * sign(y))
    } else {
        (x, y)
    };
    Vec3::new(x, y, z).normalize_or(Vec3::Z)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normals_round_trip() {
        for n in [
            Vec3::X,
            -Vec3::Y,
            Vec3::new(0.3, -0.5, -0.8).normalize(),
            Vec3::new(-0.7, 0.1, 0.7).normalize(),
        ] {
            let back = unpack_normal(crate::stats::pack_normal(n));
            assert!((back - n).length() < 1e-3, "{n} → {back}");
        }
    }
}
