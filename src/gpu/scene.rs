//! One plan on one head, on the GPU: the head's buffers and its impressions.

use super::frame::{BeardArea, Look};
use super::impressions::{GenParams, HeadInputs, ImpressionGenerator, Impressions};
use super::{Gpu, GpuError};
use crate::hairline::Layer;
use crate::head::HeadMesh;
use crate::placement::PlacementPlan;
use crate::plan::{TreatmentPlan, parse_color, skin_tone_srgb};
use crate::stats::ImpressionRecord;
use glam::Vec3;
use wgpu::util::DeviceExt;

pub struct Scene {
    pub vertices: wgpu::Buffer,
    pub indices: wgpu::Buffer,
    pub index_count: u32,
    /// The head at fewer triangles over the same vertices, drawn while it
    /// moves (`HeadMesh::coarse_indices`).
    pub coarse_indices: wgpu::Buffer,
    pub coarse_index_count: u32,
    /// `HeadMesh::coarse_sag_mm`.
    pub coarse_sag_mm: f32,
    /// The pigment impressions of every session.
    pub impressions: Impressions,
    /// The client's own buzzed hair, where it still grows.
    pub hair: Option<Impressions>,
    /// FUE extraction scars, as pale marks.
    pub scar_dots: Option<Impressions>,
    pub placement: PlacementPlan,
    pub look: Look,
    pub bounds: (Vec3, Vec3),
    /// The largest of the sessions' and the hair's mean diameters and the
    /// scar marks' diameters, mm (`gpu::renderer::motion_run`).
    pub impression_mm: f32,
    /// Changes whenever what the scene draws changes (a new scene, a
    /// restyle): a picture of it drawn at one version stays true until then.
    pub version: u64,
}

/// Scene versions, unique in the process.
fn next_version() -> u64 {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
    NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

impl Scene {
    pub fn new(
        gpu: &Gpu,
        generator: &ImpressionGenerator,
        plan: &TreatmentPlan,
        head: &HeadMesh,
    ) -> Result<Scene, GpuError> {
        super::checked(gpu, "placing impressions", || {
            Self::place(gpu, generator, plan, head)
        })
    }

    fn place(
        gpu: &Gpu,
        generator: &ImpressionGenerator,
        plan: &TreatmentPlan,
        head: &HeadMesh,
    ) -> Result<Scene, GpuError> {
        use wgpu::BufferUsages as U;
        let buffer = |label, contents: &[u8], usage| {
            gpu.device
                .create_buffer_init(&wgpu::util::BufferInitDescriptor {
                    label: Some(label),
                    contents,
                    usage,
                })
        };
        let vertices = buffer(
            "head vertices",
            bytemuck::cast_slice(&head.vertices),
            U::VERTEX | U::STORAGE,
        );
        let indices = buffer(
            "head indices",
            bytemuck::cast_slice(&head.indices),
            U::INDEX | U::STORAGE,
        );
        let coarse_indices = buffer(
            "head indices, coarse",
            bytemuck::cast_slice(&head.coarse_indices),
            U::INDEX,
        );
        let placement = PlacementPlan::new(plan, head);
        let inputs = |support, support_ratio| HeadInputs {
            vertices: &vertices,
            indices: &indices,
            support,
            support_ratio,
        };
        let impressions = generator.generate(
            gpu,
            &inputs(&placement.support, placement.support_ratio),
            &placement.coverage.to_uniform(Layer::Treatment),
            gen_params(plan, &placement),
            plan.density.relaxation_steps,
            "density.final_per_cm2",
        )?;
        let hair = match placement.hair.planned {
            0 => None,
            _ => Some(generator.generate(
                gpu,
                &inputs(&placement.hair.support, placement.hair.support_ratio),
                &placement.coverage.to_uniform(Layer::Hair),
                hair_params(plan, &placement),
                crate::placement::HAIR_RELAXATION_STEPS,
                "hair.natural_per_cm2",
            )?),
        };
        let dots: Vec<ImpressionRecord> = placement
            .coverage
            .scars
            .dots
            .iter()
            .map(|d| ImpressionRecord::new(d.position, d.normal, d.diameter_mm, SLOT_SCAR_DOT))
            .collect();
        let impression_mm = dots
            .iter()
            .map(|d| d.diameter_mm)
            .fold(impression_mm(plan), f32::max);
        let scar_dots = (!dots.is_empty()).then(|| Impressions::upload(gpu, "FUE scars", &dots));
        Ok(Scene {
            impression_mm,
            version: next_version(),
            index_count: head.indices.len() as u32,
            vertices,
            indices,
            coarse_index_count: head.coarse_indices.len() as u32,
            coarse_sag_mm: head.coarse_sag_mm,
            coarse_indices,
            impressions,
            hair,
            scar_dots,
            look: look(plan, head, &placement),
            bounds: head.frame_bounds(),
            placement,
        })
    }

    /// Take up a change of `plan` that only alters how things look (shades,
    /// skin, lights, the moment shown): no impression is placed again.
    pub fn restyle(&mut self, plan: &TreatmentPlan, head: &HeadMesh) {
        self.look = look(plan, head, &self.placement);
        self.version = next_version();
    }

    /// The head as the placement pass reads it, with the treatment's support.
    pub fn head_inputs(&self) -> HeadInputs<'_> {
        HeadInputs {
            vertices: &self.vertices,
            indices: &self.indices,
            support: &self.placement.support,
            support_ratio: self.placement.support_ratio,
        }
    }

    /// Everything the splat pass draws: pigment, hair, scar marks.
    pub fn splat_sets(&self) -> impl Iterator<Item = &Impressions> {
        std::iter::once(&self.impressions)
            .chain(self.hair.as_ref())
            .chain(self.scar_dots.as_ref())
    }
}

/// True when going from `old` to `new` changes only what `Scene::restyle`
/// takes up (shades, skin, lights, healing, the moment shown, colours), so
/// the impressions already placed stay valid.
pub fn restyle_suffices(old: &TreatmentPlan, new: &TreatmentPlan) -> bool {
    fn placement_only(p: &TreatmentPlan) -> TreatmentPlan {
        let mut p = p.clone();
        p.name.clear();
        p.skin = Default::default();
        p.hair.color.clear();
        p.hair.beard_shadow = 0.0;
        for s in &mut p.sessions {
            s.shade.clear();
            s.day = None;
            s.depth_mm = 0.0;
            s.refresh = false;
        }
        p.shown = Default::default();
        p.healing = Default::default();
        p.lights = Default::default();
        p.output = Default::default();
        p.practice = Default::default();
        p.variants.clear();
        p
    }
    placement_only(old) == placement_only(new)
}

/// Impression numbers that mark what is not pigment (`common.wgsl`).
pub const SLOT_HAIR: u32 = 4;
pub const SLOT_SCAR_DOT: u32 = 5;

/// The hair layer: one "session" of follicles at the natural density.
fn hair_params(plan: &TreatmentPlan, placement: &PlacementPlan) -> GenParams {
    let hair = &placement.hair;
    GenParams {
        candidate_count: 0,
        support_triangles: 0,
        table_mask: 0,
        seed: plan.seed ^ 0x68a1_c0de,
        spacing_mm: hair.spacing_mm,
        coverage_max: 1.0,
        target_total: hair.planned,
        session_count: 1,
        session_end: [hair.planned, u32::MAX, u32::MAX, u32::MAX],
        diameter_mm: [plan.hair.stubble_diameter_mm; 4],
        diameter_spread: [crate::placement::ROOT_DIAMETER_SPREAD; 4],
        shade_spread: [0.15; 4],
        session_base: [SLOT_HAIR, 0, 0, 0],
        wave: [0; 4],
    }
}

/// The largest of a plan's sessions' and its buzzed hair's mean diameters,
/// mm.
fn impression_mm(plan: &TreatmentPlan) -> f32 {
    plan.sessions
        .iter()
        .map(|s| s.diameter_mm)
        .fold(plan.hair.stubble_diameter_mm, f32::max)
}

/// The placement pass's parameters for a plan's sessions.
pub fn gen_params(plan: &TreatmentPlan, placement: &PlacementPlan) -> GenParams {
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
        session_base: [0; 4],
        wave: [0; 4],
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

fn look(plan: &TreatmentPlan, head: &HeadMesh, placement: &PlacementPlan) -> Look {
    let l = &head.landmarks;
    let skin = skin_tone_srgb(&plan.skin.tone)
        .expect("validated plan")
        .to_linear();
    // The built-in head's chin, for its beard and its shadow on the clothes
    // (a scan shows the client's own face, beard and all, and no clothes):
    // found once, a pass over the mesh on every restyle.
    let dressed_chin = head.is_dressed().then(|| head.menton()).flatten();
    let scars = &placement.coverage.scars;
    let mut scar_looks = [None; 4];
    for (slot, scar) in scar_looks.iter_mut().zip(&scars.scars) {
        *slot = scar
            .shade_linear
            .map(|ink| crate::sessions::shown_look(plan, ink).seen_linear);
    }
    Look {
        lights: crate::lighting::resolve(&plan.lights, skin),
        skin_linear: skin,
        skin_detail: plan.skin.detail,
        sessions: crate::sessions::session_looks(plan),
        eye_left: l.eye_left,
        eye_right: l.eye_right,
        eye_radius_mm: l.eye_radius_mm,
        face_paint: !head.has_scan_color(),
        lid_curves: head
            .lid_margins
            .map(|lids| lids.map(|m| crate::head::lids::margin_curve(&m))),
        beard: dressed_chin.map(|m| BeardArea::of(head, m, plan.hair.beard_shadow)),
        head_ellipsoid: dressed_chin.map(|m| head.head_ellipsoid(m)),
        background_linear: parse_color(&plan.output.background)
            .expect("validated plan")
            .to_linear(),
        clothing_linear: parse_color(&plan.output.clothing)
            .expect("validated plan")
            .to_linear(),
        noise_seed: plan.seed ^ 0x2545_f491,
        hair_root_linear: crate::hair_match::root_seen(plan),
        crown_whorl: placement.coverage.crown_point,
        stub_on_skin_mm: crate::hair_match::stub_on_skin_mm(&plan.hair),
        grey_fraction: plan.hair.grey_fraction,
        hair_linear: parse_color(&plan.hair.color)
            .expect("validated plan")
            .to_linear(),
        // A bare mesh ends in a ragged edge on the neck: cut it below the jaw,
        // 0.78 of the ear-to-vertex height under the ear canals, tilted so it
        // runs under the chin in front and higher at the nape. The built-in
        // head ends in its clothes and is drawn whole.
        neck_cut: if head.is_dressed() {
            (f32::MIN, 0.0)
        } else {
            (
                l.ear_midpoint().y - 0.78 * (l.vertex.y - l.ear_midpoint().y),
                -0.15,
            )
        },
        scar_tissue_linear: scar_tissue(skin),
        scar_looks,
        scars: scars.to_uniform(),
    }
}

/// Scar tissue: paler than the skin around it and less red (fewer
/// melanocytes, a flattened, less vascular surface).
fn scar_tissue(skin: [f32; 3]) -> [f32; 3] {
    let gain = [1.12, 1.22, 1.26];
    std::array::from_fn(|c| (skin[c] * gain[c] + 0.03).min(0.92))
}
