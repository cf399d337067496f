//! Ray queries against the head's skin, for points defined by direction from
//! the scalp centre (frontal hairline point, zone centres, crown).

use crate::head::HeadMesh;
use glam::Vec3;

/// A set of skin triangles to cast rays against.
pub struct SkinRays {
    tris: Vec<[Vec3; 3]>,
}

impl SkinRays {
    /// The skin triangles for which `keep` holds.
    pub fn new(head: &HeadMesh, keep: impl Fn(&[Vec3; 3]) -> bool) -> SkinRays {
        let tris = head
            .skin_triangles()
            .map(|t| t.map(|i| Vec3::from(head.vertices[i as usize].position_mm)))
            .filter(|t| keep(t))
            .collect();
        SkinRays { tris }
    }

    /// These triangles for which `keep` holds: a narrower set for many rays
    /// into one region.
    pub fn subset(&self, keep: impl Fn(&[Vec3; 3]) -> bool) -> SkinRays {
        SkinRays {
            tris: self.tris.iter().filter(|t| keep(t)).copied().collect(),
        }
    }

    /// Triangles that cross the midline plane x = 0.
    pub fn midline(head: &HeadMesh) -> SkinRays {
        SkinRays::new(head, |t| {
            t.iter().any(|v| v.x <= 0.0) && t.iter().any(|v| v.x >= 0.0)
        })
    }

    /// The farthest hit of the ray `origin + t·dir` (t > 0): the outer surface
    /// seen from inside the head.
    pub fn outermost(&self, origin: Vec3, dir: Vec3) -> Option<Vec3> {
        self.outermost_hit(origin, dir).map(|(p, _)| p)
    }

    /// `outermost`, with the hit triangle's unit normal (facing out along `dir`).
    pub fn outermost_hit(&self, origin: Vec3, dir: Vec3) -> Option<(Vec3, Vec3)> {
        let (t, [a, b, c]) = self
            .tris
            .iter()
            .filter_map(|tri| ray_triangle(origin, dir, tri[0], tri[1], tri[2]).map(|t| (t, tri)))
            .reduce(|x, y| if y.0 > x.0 { y } else { x })?;
        let n = (*b - *a).cross(*c - *a).normalize_or_zero();
        Some((origin + dir * t, if n.dot(dir) < 0.0 { -n } else { n }))
    }
}

/// Skin triangles binned by direction as seen from one origin, so that a ray
/// from there tests the few triangles in its cell instead of all of them
/// (scars cast tens of thousands of rays from the scalp centre).
pub struct RaysFrom {
    origin: Vec3,
    tris: Vec<[Vec3; 3]>,
    /// Per direction cell (azimuth-major): indices into `tris`.
    cells: Vec<Vec<u32>>,
    /// Triangles too wide, or too near a pole, to bin: tested by every ray.
    everywhere: Vec<u32>,
}

/// Cells per turn of azimuth and per half turn of elevation (1° each).
const AZ_CELLS: usize = 360;
const EL_CELLS: usize = 180;
/// Wider than this, seen from the origin, a triangle's edges may bulge out
/// of its corners' cells: it goes to `everywhere`.
const MAX_BINNED_SPAN_RAD: f32 = 0.17;

fn az_el(d: Vec3) -> (f32, f32) {
    let d = d.normalize_or_zero();
    (d.x.atan2(d.z), d.y.clamp(-1.0, 1.0).asin())
}

fn el_cell(el: f32) -> i64 {
    ((el / std::f32::consts::PI + 0.5) * EL_CELLS as f32).floor() as i64
}

fn az_cell(az: f32) -> i64 {
    ((az / std::f32::consts::TAU + 0.5) * AZ_CELLS as f32).floor() as i64
}

impl RaysFrom {
    pub fn new(head: &HeadMesh, origin: Vec3) -> RaysFrom {
        let tris: Vec<[Vec3; 3]> = head
            .skin_triangles()
            .map(|t| t.map(|i| Vec3::from(head.vertices[i as usize].position_mm)))
            .collect();
        let mut cells = vec![Vec::new(); AZ_CELLS * EL_CELLS];
        let mut everywhere = Vec::new();
        for (i, t) in tris.iter().enumerate() {
            let dirs = t.map(|v| (v - origin).normalize_or_zero());
            let span = (0..3)
                .map(|k| dirs[k].angle_between(dirs[(k + 1) % 3]))
                .fold(0.0f32, f32::max);
            let ae = dirs.map(az_el);
            let near_pole = ae.iter().any(|(_, el)| el.abs() > 1.4);
            // A NaN span (a degenerate corner) counts as wide.
            if span.is_nan() || span > MAX_BINNED_SPAN_RAD || near_pole {
                everywhere.push(i as u32);
                continue;
            }
            let (mut a0, mut a1) = (f32::INFINITY, f32::NEG_INFINITY);
            let wraps = ae.iter().any(|a| a.0 > 2.0) && ae.iter().any(|a| a.0 < -2.0);
            let (mut e0, mut e1) = (f32::INFINITY, f32::NEG_INFINITY);
            for (az, el) in ae {
                let az = if wraps && az < 0.0 {
                    az + std::f32::consts::TAU
                } else {
                    az
                };
                a0 = a0.min(az);
                a1 = a1.max(az);
                e0 = e0.min(el);
                e1 = e1.max(el);
            }
            // One cell of slack each way; more toward the poles, where a
            // degree of azimuth is narrower.
            let pad = if e0.abs().max(e1.abs()) > 1.0 { 3 } else { 1 };
            for e in (el_cell(e0) - 1).max(0)..=(el_cell(e1) + 1).min(EL_CELLS as i64 - 1) {
                for a in az_cell(a0) - pad..=az_cell(a1) + pad {
                    let a = a.rem_euclid(AZ_CELLS as i64) as usize;
                    cells[a * EL_CELLS + e as usize].push(i as u32);
                }
            }
        }
        RaysFrom {
            origin,
            tris,
            cells,
            everywhere,
        }
    }

    /// The farthest skin hit along `dir` from the origin, with its unit
    /// normal (facing out along `dir`).
    pub fn outermost_hit(&self, dir: Vec3) -> Option<(Vec3, Vec3)> {
        let (az, el) = az_el(dir);
        let a = az_cell(az).rem_euclid(AZ_CELLS as i64) as usize;
        let e = el_cell(el).clamp(0, EL_CELLS as i64 - 1) as usize;
        let o = self.origin;
        let (t, [a, b, c]) = self.cells[a * EL_CELLS + e]
            .iter()
            .chain(&self.everywhere)
            .map(|&i| &self.tris[i as usize])
            .filter_map(|tri| ray_triangle(o, dir, tri[0], tri[1], tri[2]).map(|t| (t, tri)))
            .reduce(|x, y| if y.0 > x.0 { y } else { x })?;
        let n = (*b - *a).cross(*c - *a).normalize_or_zero();
        Some((o + dir * t, if n.dot(dir) < 0.0 { -n } else { n }))
    }

    pub fn outermost(&self, dir: Vec3) -> Option<Vec3> {
        self.outermost_hit(dir).map(|(p, _)| p)
    }
}

/// Möller–Trumbore, both faces: the distance along `d` to the hit, if any.
pub(crate) fn ray_triangle(o: Vec3, d: Vec3, a: Vec3, b: Vec3, c: Vec3) -> Option<f32> {
    let e1 = b - a;
    let e2 = c - a;
    let p = d.cross(e2);
    let det = e1.dot(p);
    if det.abs() < 1e-9 {
        return None;
    }
    let inv = 1.0 / det;
    let s = o - a;
    let u = s.dot(p) * inv;
    if !(0.0..=1.0).contains(&u) {
        return None;
    }
    let q = s.cross(e1);
    let v = d.dot(q) * inv;
    if v < 0.0 || u + v > 1.0 {
        return None;
    }
    let t = e2.dot(q) * inv;
    (t > 0.0).then_some(t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn binned_rays_hit_what_testing_every_triangle_hits() {
        let head = crate::head::load_builtin(1).unwrap();
        let origin = head.landmarks.ear_midpoint() + Vec3::new(0.0, 30.0, 0.0);
        let all = SkinRays::new(&head, |_| true);
        let binned = RaysFrom::new(&head, origin);
        let mut state = 7u32;
        let mut next = || {
            state = state.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            (state >> 8) as f32 / 16_777_216.0
        };
        for _ in 0..2000 {
            let d = Vec3::new(2.0 * next() - 1.0, 2.0 * next() - 1.0, 2.0 * next() - 1.0);
            if d.length() < 0.1 {
                continue;
            }
            let d = d.normalize();
            let a = all.outermost(origin, d);
            let b = binned.outermost(d);
            match (a, b) {
                (Some(a), Some(b)) => assert!(a.distance(b) < 1e-3, "{d}: {a} vs {b}"),
                (None, None) => {}
                _ => panic!("{d}: {a:?} vs {b:?}"),
            }
        }
    }
}
