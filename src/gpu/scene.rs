//! One plan on one head, on the GPU: the head's buffers and its impressions.

use super::frame::Look;
use super::impressions::{GenParams, HeadInputs, ImpressionGenerator, Impressions};
use super::{Gpu, GpuError};
use crate::head::HeadMesh;
use crate::placement::PlacementPlan;
use crate::plan::{TreatmentPlan, parse_color, skin_tone_srgb};
use glam::Vec3;
use wgpu::util::DeviceExt;

pub struct Scene {
    pub vertices: wgpu::Buffer,
    pub indices: wgpu::Buffer,
    pub index_count: u32,
    pub impressions: Impressions,
    pub placement: PlacementPlan,
    pub look: Look,
    pub bounds: (Vec3, Vec3),
}

impl Scene {
    pub fn new(
        gpu: &Gpu,
        generator: &ImpressionGenerator,
        plan: &TreatmentPlan,
        head: &HeadMesh,
    ) -> Result<Scene, GpuError> {
        let vertices = gpu
            .device
            .create_buffer_init(&wgpu::util::BufferInitDescriptor {
                label: Some("head vertices"),
                contents: bytemuck::cast_slice(&head.vertices),
                usage: wgpu::BufferUsages::VERTEX | wgpu::BufferUsages::STORAGE,
            });
        let indices = gpu
            .device
            .create_buffer_init(&wgpu::util::BufferInitDescriptor {
                label: Some("head indices"),
                contents: bytemuck::cast_slice(&head.indices),
                usage: wgpu::BufferUsages::INDEX | wgpu::BufferUsages::STORAGE,
            });
        let placement = PlacementPlan::new(plan, head);
        let impressions = generator.generate(
            gpu,
            &HeadInputs {
                vertices: &vertices,
                indices: &indices,
                support: &placement.support,
            },
            &placement.coverage.to_uniform(),
            gen_params(plan, &placement),
        )?;
        Ok(Scene {
            index_count: head.indices.len() as u32,
            vertices,
            indices,
            impressions,
            look: look(plan, head),
            bounds: head.bounds(),
            placement,
        })
    }
}

fn gen_params(plan: &TreatmentPlan, placement: &PlacementPlan) -> GenParams {
    let mut p = GenParams {
        candidate_count: 0,
        support_triangles: 0,
        table_mask: 0,
        seed: plan.seed,
        spacing_mm: placement.spacing_mm,
        coverage_max: placement.coverage.max_coverage(),
        target_total: placement.total_planned(),
        session_count: plan.sessions.len() as u32,
        session_end: [u32::MAX; 4],
        diameter_mm: [0.0; 4],
        diameter_spread: [0.0; 4],
        shade_spread: [0.0; 4],
    };
    let mut end = 0;
    for (i, (s, n)) in plan.sessions.iter().zip(&placement.planned).enumerate() {
        end += n;
        p.session_end[i] = end;
        p.diameter_mm[i] = s.diameter_mm;
        p.diameter_spread[i] = s.diameter_spread;
        p.shade_spread[i] = s.shade_spread;
    }
    p
}

fn look(plan: &TreatmentPlan, head: &HeadMesh) -> Look {
    let l = &head.landmarks;
    Look {
        lights: crate::lighting::resolve(&plan.lights),
        skin_linear: skin_tone_srgb(&plan.skin.tone)
            .expect("validated plan")
            .to_linear(),
        skin_detail: plan.skin.detail,
        sessions: crate::sessions::session_looks(plan),
        eye_left: l.eye_left,
        eye_right: l.eye_right,
        eye_radius_mm: l.eye_radius_mm,
        background_linear: parse_color(&plan.output.background)
            .expect("validated plan")
            .to_linear(),
        noise_seed: plan.seed ^ 0x2545_f491,
        hair_linear: parse_color(&plan.hair.color)
            .expect("validated plan")
            .to_linear(),
        // Below the jaw: 0.78 of the ear-to-vertex height under the ear canals,
        // tilted so it runs under the chin in front and higher at the nape.
        neck_cut: (
            l.ear_midpoint().y - 0.78 * (l.vertex.y - l.ear_midpoint().y),
            -0.15,
        ),
    }
}
