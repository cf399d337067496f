//! Scars on the scalp: where the tissue is, what it does to hair and to the
//! impressions laid over it.
//!
//! Strip (FUT) and line scars are chains of capsules (segments with a radius)
//! between points found on the skin; FUE scars are many small round dots
//! scattered over a donor band, drawn as pale marks. Over a scar the plan may
//! scale the impression density and give the impressions their own shade.
//! `shaders/common.wgsl` evaluates `ScarUniform` the same way.

use crate::hairline::{azimuth, direction, hash_u32};
use crate::head::HeadMesh;
use crate::plan::{ScarKind, TreatmentPlan, pigment_srgb};
use crate::ramps::smoothstep;
use crate::raycast::RaysFrom;
use glam::Vec3;

pub const MAX_SCAR_SEGMENTS: usize = 32;
pub const MAX_SCARS: usize = 4;
/// Width of the soft edge of scar tissue, mm.
pub const SCAR_EDGE_MM: f32 = 0.8;
/// Segments a strip scar is drawn with.
const STRIP_SEGMENTS: usize = 16;
/// How much higher a strip scar's ends sit than its middle.
const STRIP_END_RISE_DEG: f32 = 5.0;
/// A sutured strip is not a ruled line: its elevation wanders by up to this
/// much along its length, and its width by this share either way.
const STRIP_WANDER_DEG: f32 = 1.2;
const STRIP_WIDTH_VARIATION: f32 = 0.35;

#[derive(Debug, Clone, Copy)]
pub struct Capsule {
    pub a: Vec3,
    pub b: Vec3,
    pub radius_mm: f32,
    pub scar: usize,
}

#[derive(Debug, Clone)]
pub struct Scar {
    pub kind: ScarKind,
    pub density_scale: f32,
    /// The pigment for impressions over the scar, linear; `None`: the session's.
    pub shade_linear: Option<[f32; 3]>,
    /// FUE: the donor band (centre on the skin, half-width).
    pub area: Option<(Vec3, f32)>,
}

/// One FUE extraction scar on the skin.
#[derive(Debug, Clone, Copy)]
pub struct ScarDot {
    pub position: Vec3,
    pub normal: Vec3,
    pub diameter_mm: f32,
}

#[derive(Debug, Clone, Default)]
pub struct ScarModel {
    pub scars: Vec<Scar>,
    pub capsules: Vec<Capsule>,
    pub dots: Vec<ScarDot>,
}

/// Mirrors `Scars` in `common.wgsl`.
#[repr(C)]
#[derive(Debug, Clone, Copy, bytemuck::Pod, bytemuck::Zeroable)]
pub struct ScarUniform {
    /// capsule count, scar count, 0, 0
    pub counts: [f32; 4],
    /// per capsule: (a, radius), (b, scar index)
    pub capsules: [[f32; 4]; 2 * MAX_SCAR_SEGMENTS],
    /// per scar: density scale, kind (0 strip, 1 FUE, 2 line), has own shade, 0
    pub params: [[f32; 4]; MAX_SCARS],
    /// per scar: FUE donor band (centre, half-width); 0 for other kinds
    pub areas: [[f32; 4]; MAX_SCARS],
}

/// How a point relates to the scars: tissue weight (0-1) and the density
/// multiplier for impressions there.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ScarInfluence {
    pub tissue: f32,
    pub density_scale: f32,
}

impl ScarModel {
    pub fn new(plan: &TreatmentPlan, head: &HeadMesh, center: Vec3) -> ScarModel {
        let mut model = ScarModel::default();
        if plan.scars.is_empty() {
            return model;
        }
        let rays = RaysFrom::new(head, center);
        for (index, spec) in plan.scars.iter().take(MAX_SCARS).enumerate() {
            let at = |az: f32, el: f32| -> Vec3 {
                let d = direction(az.to_radians(), el.to_radians());
                rays.outermost(d).unwrap_or(center + d * 90.0)
            };
            let mut area = None;
            match spec.kind {
                ScarKind::Strip => {
                    let wander = StripWander::new(plan.seed, index);
                    let points = strip_points(
                        spec.azimuth_deg,
                        spec.elevation_deg,
                        spec.length_mm,
                        &wander,
                        at,
                    );
                    model.strip(&points, 0.5 * spec.width_mm, &wander, index);
                }
                ScarKind::Line => {
                    let points: Vec<Vec3> =
                        spec.points.iter().map(|[az, el]| at(*az, *el)).collect();
                    model.chain(&points, 0.5 * spec.width_mm, index);
                }
                ScarKind::Fue => {
                    let centre = at(spec.azimuth_deg, spec.elevation_deg);
                    area = Some((centre, spec.radius_mm));
                    model
                        .dots
                        .extend(fue_dots(plan, index, &rays, center, centre));
                }
            }
            model.scars.push(Scar {
                kind: spec.kind,
                density_scale: spec.density_scale,
                shade_linear: spec
                    .shade
                    .as_deref()
                    .map(|s| pigment_srgb(s).expect("validated plan").to_linear()),
                area,
            });
        }
        model.capsules.truncate(MAX_SCAR_SEGMENTS);
        model
    }

    /// A strip scar: widest in the middle, tapering to a point at the ends
    /// as a closed donor incision does, its width uneven along the way
    /// (where the wound pulled wider as it healed).
    fn strip(&mut self, points: &[Vec3], radius_mm: f32, wander: &StripWander, scar: usize) {
        let n = points.len().saturating_sub(1).max(1) as f32;
        for (i, w) in points.windows(2).enumerate() {
            let t = (i as f32 + 0.5) / n;
            let taper = 1.0 - (2.0 * t - 1.0).abs().powi(3);
            let uneven = 1.0 + STRIP_WIDTH_VARIATION * wander.width(t);
            self.capsules.push(Capsule {
                a: w[0],
                b: w[1],
                radius_mm: radius_mm * (0.15 + 0.85 * taper) * uneven,
                scar,
            });
        }
    }

    fn chain(&mut self, points: &[Vec3], radius_mm: f32, scar: usize) {
        for w in points.windows(2) {
            self.capsules.push(Capsule {
                a: w[0],
                b: w[1],
                radius_mm,
                scar,
            });
        }
    }

    /// Scar tissue weight at `p` and the impression density multiplier there;
    /// `margin_mm` widens every scar (for choosing where to sample).
    pub fn influence(&self, p: Vec3, margin_mm: f32) -> ScarInfluence {
        let mut weights = [0.0f32; MAX_SCARS];
        for c in &self.capsules {
            let d = segment_distance(p, c.a, c.b) - c.radius_mm - margin_mm;
            weights[c.scar] =
                weights[c.scar].max(1.0 - smoothstep(-0.5 * SCAR_EDGE_MM, 0.5 * SCAR_EDGE_MM, d));
        }
        let mut tissue = 0.0f32;
        let mut density_scale = 1.0;
        for (i, scar) in self.scars.iter().enumerate() {
            let w = match scar.area {
                // The override covers the donor area; the dots themselves are drawn.
                Some((centre, radius)) => {
                    1.0 - ramp(band_distance(p - centre) - radius - margin_mm, 10.0)
                }
                None => {
                    tissue = tissue.max(weights[i]);
                    weights[i]
                }
            };
            let scale = if margin_mm > 0.0 {
                scar.density_scale.max(1.0)
            } else {
                scar.density_scale
            };
            density_scale *= 1.0 + (scale - 1.0) * w;
        }
        ScarInfluence {
            tissue,
            density_scale,
        }
    }

    pub fn max_density_scale(&self) -> f32 {
        self.scars
            .iter()
            .map(|s| s.density_scale)
            .fold(1.0, f32::max)
    }

    pub fn to_uniform(&self) -> ScarUniform {
        let mut u = ScarUniform {
            counts: [
                self.capsules.len() as f32,
                self.scars.len() as f32,
                0.0,
                0.0,
            ],
            capsules: [[0.0; 4]; 2 * MAX_SCAR_SEGMENTS],
            params: [[0.0; 4]; MAX_SCARS],
            areas: [[0.0; 4]; MAX_SCARS],
        };
        for (i, c) in self.capsules.iter().enumerate() {
            u.capsules[2 * i] = [c.a.x, c.a.y, c.a.z, c.radius_mm];
            u.capsules[2 * i + 1] = [c.b.x, c.b.y, c.b.z, c.scar as f32];
        }
        for (i, s) in self.scars.iter().enumerate() {
            let kind = match s.kind {
                ScarKind::Strip => 0.0,
                ScarKind::Fue => 1.0,
                ScarKind::Line => 2.0,
            };
            u.params[i] = [
                s.density_scale,
                kind,
                f32::from(s.shade_linear.is_some()),
                0.0,
            ];
            if let Some((c, r)) = s.area {
                u.areas[i] = [c.x, c.y, c.z, r];
            }
        }
        u
    }
}

/// Skin triangles near the direction `d` from `center` (within `reach_mm` of
/// the point 90 mm out): ray casts against these are much cheaper.
/// Smooth seeded wobbles along a strip (t from 0 to 1 along it), -1 to 1:
/// a sum of two sines of random phase, the same for the same seed.
pub struct StripWander {
    phases: [f32; 4],
}

impl StripWander {
    pub fn new(seed: u32, scar: usize) -> StripWander {
        let phase = |k: u32| {
            let h = hash_u32(seed ^ hash_u32(0x5ca7 + 4 * scar as u32 + k));
            (h >> 8) as f32 / 16_777_216.0 * std::f32::consts::TAU
        };
        StripWander {
            phases: [phase(0), phase(1), phase(2), phase(3)],
        }
    }

    fn wave(&self, t: f32, a: usize) -> f32 {
        let tau = std::f32::consts::TAU;
        0.65 * (tau * 1.3 * t + self.phases[a]).sin()
            + 0.35 * (tau * 3.1 * t + self.phases[a + 1]).sin()
    }

    /// How far the elevation wanders, -1 to 1.
    pub fn elevation(&self, t: f32) -> f32 {
        self.wave(t, 0)
    }

    /// How much wider or narrower the strip is, -1 to 1.
    pub fn width(&self, t: f32) -> f32 {
        self.wave(t, 2)
    }
}

/// Points along a band centred on `az0`, `length_mm` long on the skin, at
/// elevation `el` in the middle and rising toward the ends (donor strips are
/// cut along the occipital curve, ear to ear), wandering a little.
fn strip_points(
    az0: f32,
    el: f32,
    length_mm: f32,
    wander: &StripWander,
    at: impl Fn(f32, f32) -> Vec3,
) -> Vec<Vec3> {
    // Walk out from the centre in small azimuth steps to find the half-length's span.
    let half = 0.5 * length_mm;
    let span = |sign: f32| {
        let mut prev = at(az0, el);
        let mut walked = 0.0;
        let mut az = az0;
        while walked < half && (az - az0).abs() < 170.0 {
            az += sign * 1.0;
            let p = at(az, el);
            walked += (p - prev).length();
            prev = p;
        }
        az
    };
    let (lo, hi) = (span(-1.0), span(1.0));
    (0..=STRIP_SEGMENTS)
        .map(|i| {
            let t = i as f32 / STRIP_SEGMENTS as f32;
            let rise = STRIP_END_RISE_DEG * (2.0 * t - 1.0).powi(2);
            at(
                lo + (hi - lo) * t,
                el + rise + STRIP_WANDER_DEG * wander.elevation(t),
            )
        })
        .collect()
}

/// The FUE donor area's height as a share of its width: grafts are taken
/// from the band of permanent hair between the ears, low on the back of the
/// head (the "safe donor zone"), wider than it is tall.
pub const FUE_BAND_ASPECT: f32 = 0.45;

/// How far out an offset from the donor band's centre is, in the band's
/// half-widths: its height (world up, near enough on the back of the head)
/// stretched to its width.
pub fn band_distance(q: Vec3) -> f32 {
    Vec3::new(q.x, q.y / FUE_BAND_ASPECT, q.z).length()
}

/// FUE extraction scars: scattered over the donor band (`radius_mm` its
/// half-width, `FUE_BAND_ASPECT` of that its half-height), never closer than
/// their own diameter, on the skin.
fn fue_dots(
    plan: &TreatmentPlan,
    index: usize,
    rays: &RaysFrom,
    center: Vec3,
    disc_centre: Vec3,
) -> Vec<ScarDot> {
    let spec = &plan.scars[index];
    let axis = (disc_centre - center).normalize();
    let az0 = azimuth(axis);
    let el0 = axis.y.asin();
    let r_centre = (disc_centre - center).length();
    let mut state = hash_u32(plan.seed ^ 0xf0e1_d2c3 ^ index as u32);
    let mut next = || {
        state = hash_u32(state);
        (state >> 8) as f32 / 16_777_216.0
    };
    let mut dots: Vec<ScarDot> = Vec::new();
    // Dots by grid cell, a cell as wide as the largest clearance, so that a
    // new dot is tested against its neighbours only.
    let cell_mm = spec.diameter_mm * 1.25 + FUE_GAP_MM;
    let key = |p: Vec3| (p / cell_mm).floor().as_ivec3();
    let mut grid: std::collections::HashMap<glam::IVec3, Vec<u32>> = Default::default();
    let mut tries = 0;
    while dots.len() < spec.count as usize && tries < spec.count * FUE_TRIES_PER_SCAR {
        tries += 1;
        // Uniform on the band, an ellipse (angles small enough to treat as flat).
        let r = spec.radius_mm * next().sqrt() / r_centre;
        let phi = std::f32::consts::TAU * next();
        let d = direction(
            az0 + r * phi.cos() / el0.cos().max(0.2),
            el0 + FUE_BAND_ASPECT * r * phi.sin(),
        );
        let Some((position, normal)) = rays.outermost_hit(d) else {
            continue;
        };
        let diameter_mm = spec.diameter_mm * (0.75 + 0.5 * next());
        let k = key(position);
        let clear = (-1..=1).all(|x| {
            (-1..=1).all(|y| {
                (-1..=1).all(|z| {
                    grid.get(&(k + glam::IVec3::new(x, y, z)))
                        .is_none_or(|near| {
                            near.iter().all(|&j| {
                                let o = &dots[j as usize];
                                (o.position - position).length()
                                    > 0.5 * (o.diameter_mm + diameter_mm) + FUE_GAP_MM
                            })
                        })
                })
            })
        });
        if clear {
            grid.entry(k).or_default().push(dots.len() as u32);
            dots.push(ScarDot {
                position,
                normal,
                diameter_mm,
            });
        }
    }
    dots
}

/// The least skin between two FUE extraction scars, mm.
pub const FUE_GAP_MM: f32 = 0.6;
/// Random tries per extraction scar asked for before giving up.
const FUE_TRIES_PER_SCAR: u32 = 30;

fn segment_distance(p: Vec3, a: Vec3, b: Vec3) -> f32 {
    let ab = b - a;
    let t = ((p - a).dot(ab) / ab.length_squared().max(1e-9)).clamp(0.0, 1.0);
    (p - (a + ab * t)).length()
}

fn ramp(x: f32, width: f32) -> f32 {
    (x / width).clamp(0.0, 1.0)
}
