//! The per-view uniform block (`Frame` in `common.wgsl`).

use crate::camera::Camera;
use crate::head::HeadMesh;
use crate::head::lids::MarginCurve;
use crate::lighting::LightRig;
use crate::scars::ScarUniform;
use crate::sessions::SessionLook;
use glam::{Mat4, Vec3};

#[repr(C)]
#[derive(Debug, Clone, Copy, bytemuck::Pod, bytemuck::Zeroable)]
pub struct FrameUniform {
    pub view_proj: [[f32; 4]; 4],
    pub view: [[f32; 4]; 4],
    pub camera_pos: [f32; 4],
    pub viewport: [f32; 4],
    pub light_dir: [[f32; 4]; 3],
    pub light_color: [[f32; 4]; 3],
    pub ambient_sky: [f32; 4],
    pub ambient_ground: [f32; 4],
    pub skin: [f32; 4],
    pub eye_left: [f32; 4],
    pub eye_right: [f32; 4],
    pub session_look: [[f32; 4]; 4],
    pub session_extra: [[f32; 4]; 4],
    pub params: [f32; 4],
    pub background_top: [f32; 4],
    pub background_bottom: [f32; 4],
    pub clothing: [f32; 4],
    pub hair: [f32; 4],
    pub hair_root: [f32; 4],
    pub hair_flow: [f32; 4],
    pub neck_cut: [f32; 4],
    pub scar_tissue: [f32; 4],
    pub scar_look: [[f32; 4]; 4],
    /// The skin's diffusion widths, mm (rgb), and the healed ink's spread (w).
    pub subsurface: [f32; 4],
    /// The upper lid margins as curves, left eye then right: (c0, c1, c2,
    /// 1 where known), (x inner, x outer, 0, 0).
    pub lid_curves: [[f32; 4]; 4],
    /// The beard's shadow: (subnasale y, stomion y, menton y, strength),
    /// (ear canal |x|, y, z, 0); strength 0: none.
    pub beard: [[f32; 4]; 2],
    /// 1 / the impressions a splat thread takes (1 in still frames; see
    /// `MOTION_IMPRESSION_STRIDE`), the least blur of the ink's light in px
    /// (0 unless thinned: `THINNED_INK_BLUR_PX`), 0, 0.
    pub detail_level: [f32; 4],
    /// The camera's depth of field (`gpu::lens::lens_uniform`); zero: none.
    pub lens: [f32; 4],
    /// The head as an ellipsoid for its shadow on the clothes: centre (xyz,
    /// 0), semi-axes mm (xyz, 0); zero axes: none.
    pub head_ellipsoid: [[f32; 4]; 2],
    pub scars: ScarUniform,
}

/// Where the face's beard shows through the skin, from the head's landmarks.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BeardArea {
    pub subnasale_y: f32,
    pub stomion_y: f32,
    pub menton_y: f32,
    /// An ear canal (the beard stops in front of the ears).
    pub ear: Vec3,
    /// `[hair] beard_shadow`.
    pub strength: f32,
}

impl BeardArea {
    /// On a head with a chin and a glabella, by the facial thirds: the
    /// subnasale halfway from the glabella to the menton; the mouth where
    /// the mesh shows it (`HeadMesh::stomion_y`), or a third of the way from
    /// the subnasale down to the menton.
    pub fn of(head: &HeadMesh, menton: Vec3, strength: f32) -> BeardArea {
        let l = &head.landmarks;
        let subnasale_y = menton.y + 0.5 * (l.glabella.y - menton.y);
        let thirds = subnasale_y - (subnasale_y - menton.y) / 3.0;
        BeardArea {
            subnasale_y,
            stomion_y: head.stomion_y(menton, subnasale_y).unwrap_or(thirds),
            menton_y: menton.y,
            ear: l.ear_left,
            strength,
        }
    }
}

/// Edge softness of a buzzed hair's dot, fraction of its radius.
pub const STUBBLE_SOFTNESS: f32 = 0.45;

/// What stays the same for every view of one plan.
#[derive(Debug, Clone)]
pub struct Look {
    pub lights: LightRig,
    pub skin_linear: [f32; 3],
    pub skin_detail: f32,
    pub sessions: Vec<SessionLook>,
    pub eye_left: Vec3,
    pub eye_right: Vec3,
    pub eye_radius_mm: f32,
    /// Where the lashes grow, if the head's eyes are modelled: the upper lid
    /// margins as the shader draws them (left eye, right), fitted once per head.
    pub lid_curves: Option<[MarginCurve; 2]>,
    /// Where the beard shows, on the built-in head.
    pub beard: Option<BeardArea>,
    /// The head's ellipsoid (centre, semi-axes mm) that shades the clothes
    /// under it, on the built-in head.
    pub head_ellipsoid: Option<(Vec3, Vec3)>,
    /// Whether the shader paints the brows and the lower lash line: not on
    /// a scan that brings its own colour (its brows are in it).
    pub face_paint: bool,
    pub background_linear: [f32; 3],
    pub clothing_linear: [f32; 3],
    pub noise_seed: u32,
    pub hair_linear: [f32; 3],
    /// A buzzed hair's root as seen through the skin (`hair_match::root_seen`).
    pub hair_root_linear: [f32; 3],
    /// The crown whorl the hair flows from, and the stubs' length as they
    /// lie on the skin (mm).
    pub crown_whorl: Vec3,
    pub stub_on_skin_mm: f32,
    /// Share of the hairs that are grey.
    pub grey_fraction: f32,
    /// The neck cut plane: y = intercept + slope · z (head frame, mm).
    pub neck_cut: (f32, f32),
    pub scar_tissue_linear: [f32; 3],
    /// Per scar: the seen colour of its own shade, if it has one.
    pub scar_looks: [Option<[f32; 3]>; 4],
    pub scars: ScarUniform,
}

fn v4(v: Vec3, w: f32) -> [f32; 4] {
    [v.x, v.y, v.z, w]
}

fn c4(c: [f32; 3], w: f32) -> [f32; 4] {
    [c[0], c[1], c[2], w]
}

impl FrameUniform {
    pub fn new(camera: &Camera, width: u32, height: u32, look: &Look) -> FrameUniform {
        let view = camera.view();
        // Lights are given in camera space: rotate them into the head frame.
        let to_world = Mat4::from_quat(glam::Quat::from_mat4(&view.inverse()));
        let lights = [look.lights.key, look.lights.fill, look.lights.rim];
        let mut session_look = [[0.0; 4]; 4];
        let mut session_extra = [[0.0; 4]; 4];
        for (i, s) in look.sessions.iter().take(4).enumerate() {
            let softness = if s.visible { s.softness } else { -1.0 };
            session_look[i] = c4(s.seen_linear, softness);
            session_extra[i] = [s.redness, s.healed, 0.0, 0.0];
        }
        let scar_look = look.scar_looks.map(|l| l.map_or([0.0; 4], |c| c4(c, 1.0)));
        let bg = look.background_linear;
        let mut lid_curves = [[0.0; 4]; 4];
        if let Some(curves) = &look.lid_curves {
            for (k, c) in curves.iter().enumerate() {
                let [c0, c1, c2] = c.coefficients;
                lid_curves[2 * k] = [c0, c1, c2, 1.0];
                lid_curves[2 * k + 1] = [c.x_inner, c.x_outer, 0.0, 0.0];
            }
        }
        FrameUniform {
            view_proj: camera.view_proj().to_cols_array_2d(),
            view: view.to_cols_array_2d(),
            camera_pos: v4(camera.eye, camera.focal_px(height as f32)),
            viewport: [
                width as f32,
                height as f32,
                1.0 / width as f32,
                1.0 / height as f32,
            ],
            light_dir: lights.map(|l| v4(to_world.transform_vector3(l.direction).normalize(), 0.0)),
            light_color: lights.map(|l| c4(l.radiance, 0.0)),
            ambient_sky: c4(look.lights.ambient_sky, 0.0),
            ambient_ground: c4(look.lights.ambient_ground, 0.0),
            skin: c4(look.skin_linear, look.skin_detail),
            eye_left: v4(look.eye_left, look.eye_radius_mm),
            eye_right: v4(look.eye_right, look.eye_radius_mm),
            session_look,
            session_extra,
            params: [
                look.lights.exposure,
                f32::from_bits(look.noise_seed),
                0.0,
                if look.face_paint { 1.0 } else { 0.0 },
            ],
            background_top: c4(bg.map(|c| c * 1.25), 0.0),
            background_bottom: c4(bg.map(|c| c * 0.55), 0.0),
            clothing: c4(look.clothing_linear, 0.0),
            hair: c4(look.hair_linear, STUBBLE_SOFTNESS),
            hair_root: c4(look.hair_root_linear, look.grey_fraction),
            hair_flow: v4(look.crown_whorl, look.stub_on_skin_mm),
            neck_cut: [look.neck_cut.0, look.neck_cut.1, 0.0, 0.0],
            scar_tissue: c4(look.scar_tissue_linear, 0.28),
            scar_look,
            subsurface: c4(
                crate::skin_optics::DIFFUSION_SIGMA_MM,
                crate::skin_optics::INK_SPREAD,
            ),
            lid_curves,
            beard: look.beard.map_or([[0.0; 4]; 2], |b| {
                [
                    [b.subnasale_y, b.stomion_y, b.menton_y, b.strength],
                    [b.ear.x.abs(), b.ear.y, b.ear.z, 0.0],
                ]
            }),
            detail_level: [1.0, 0.0, 0.0, 0.0],
            lens: [0.0; 4],
            head_ellipsoid: look
                .head_ellipsoid
                .map_or([[0.0; 4]; 2], |(c, r)| [v4(c, 0.0), v4(r, 0.0)]),
            scars: look.scars,
        }
    }
}
