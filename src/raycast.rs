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

/// Möller–Trumbore, both faces.
fn ray_triangle(o: Vec3, d: Vec3, a: Vec3, b: Vec3, c: Vec3) -> Option<f32> {
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
