//! Where the lashes grow: the upper lid margins of a head whose eyes are
//! modelled. The built-in head's skin runs on behind the eyeballs into the
//! sockets (it has no eye holes to trace), so the margin is found as it is
//! seen: looking straight at the face, the lowest point above each eye's
//! centre where the skin, not the eyeball, is in front.

use super::{HeadMesh, LID_POINTS, LidMargins, MATERIAL_EYE, MATERIAL_SKIN};
use glam::Vec3;

/// Rays are cast this finely across and up the eye, mm.
const STEP_MM: f32 = 0.2;

/// A triangle near an eye and whether it is the eyeball's.
struct Tri {
    p: [Vec3; 3],
    eye: bool,
}

/// The nearest hit along -Z from `o` (a ray cast straight at the face), and
/// whether it is the eyeball's.
fn front_hit(tris: &[Tri], o: Vec3) -> Option<(f32, bool)> {
    tris.iter()
        .filter_map(|t| {
            crate::raycast::ray_triangle(o, Vec3::NEG_Z, t.p[0], t.p[1], t.p[2])
                .map(|dist| (dist, t.eye))
        })
        .min_by(|a, b| a.0.total_cmp(&b.0))
}

/// The upper lid margin of the eye at `centre` (radius `r`), from the inner
/// corner out, or `None` if no eyeball shows there.
fn upper_margin(tris: &[Tri], centre: Vec3, r: f32) -> Option<[Vec3; LID_POINTS]> {
    let z0 = centre.z + 4.0 * r;
    let sees_eye =
        |x: f32, y: f32| front_hit(tris, Vec3::new(x, y, z0)).is_some_and(|(_, eye)| eye);
    // The corners: along the opening's widest row (below the eyeball's
    // centre: the upper lid hangs over the top of the eye), out until skin.
    let reach = |y: f32, dir: f32| {
        let mut x = centre.x;
        while (x - centre.x).abs() < 1.5 * r && sees_eye(x + dir * STEP_MM, y) {
            x += dir * STEP_MM;
        }
        x
    };
    let inward = -centre.x.signum();
    let (mut row, mut inner, mut outer) = (centre.y, centre.x, centre.x);
    let mut y = centre.y;
    while y > centre.y - 0.8 * r {
        if sees_eye(centre.x, y) {
            let (i, o) = (reach(y, inward), reach(y, -inward));
            if (o - i).abs() > (outer - inner).abs() {
                (row, inner, outer) = (y, i, o);
            }
        }
        y -= 4.0 * STEP_MM;
    }
    if (outer - inner).abs() < 0.5 * r {
        return None;
    }
    let mut margin = [Vec3::ZERO; LID_POINTS];
    for (i, m) in margin.iter_mut().enumerate() {
        let t = 0.04 + 0.92 * i as f32 / (LID_POINTS - 1) as f32;
        let x = inner + (outer - inner) * t;
        let mut y = row;
        while y < centre.y + r && sees_eye(x, y + STEP_MM) {
            y += STEP_MM;
        }
        // The skin just above the last of the eyeball.
        let (dist, _) = front_hit(tris, Vec3::new(x, y + STEP_MM, z0))?;
        *m = Vec3::new(x, y + STEP_MM, z0 - dist);
    }
    Some(margin)
}

/// A margin as the shader draws it: y = c0 + c1·x + c2·x² (head frame, mm)
/// fitted by least squares, over x from the inner corner to the outer.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MarginCurve {
    pub coefficients: [f32; 3],
    pub x_inner: f32,
    pub x_outer: f32,
}

pub fn margin_curve(margin: &[Vec3; LID_POINTS]) -> MarginCurve {
    // Normal equations in x measured from the middle (well conditioned).
    let x0 = 0.5 * (margin[0].x + margin[LID_POINTS - 1].x);
    let (mut s, mut t) = ([0.0f64; 5], [0.0f64; 3]);
    for p in margin {
        let x = (p.x - x0) as f64;
        let y = p.y as f64;
        for (k, sk) in s.iter_mut().enumerate() {
            *sk += x.powi(k as i32);
        }
        for (k, tk) in t.iter_mut().enumerate() {
            *tk += y * x.powi(k as i32);
        }
    }
    let m = glam::DMat3::from_cols_array(&[s[0], s[1], s[2], s[1], s[2], s[3], s[2], s[3], s[4]]);
    let c = m.inverse() * glam::DVec3::from_array(t);
    // Back to absolute x: y = a + b(x - x0) + c(x - x0)².
    let (a, b, c2) = (c.x, c.y, c.z);
    let x0 = x0 as f64;
    MarginCurve {
        coefficients: [
            (a - b * x0 + c2 * x0 * x0) as f32,
            (b - 2.0 * c2 * x0) as f32,
            c2 as f32,
        ],
        x_inner: margin[0].x,
        x_outer: margin[LID_POINTS - 1].x,
    }
}

impl MarginCurve {
    pub fn y_at(&self, x: f32) -> f32 {
        let [a, b, c] = self.coefficients;
        a + b * x + c * x * x
    }
}

/// Both upper lid margins (client's left eye, then right), if the mesh has
/// eyeballs that show.
pub fn upper_lid_margins(mesh: &HeadMesh) -> Option<LidMargins> {
    let l = &mesh.landmarks;
    let r = l.eye_radius_mm;
    // The coarse level (the same surface within a fraction of a millimetre
    // round the eyes) is sixteen times fewer triangles to cast against.
    let indices = if mesh.coarse_indices.is_empty() {
        &mesh.indices
    } else {
        &mesh.coarse_indices
    };
    let near = |c: Vec3| -> Vec<Tri> {
        indices
            .chunks_exact(3)
            .filter_map(|t| {
                let p =
                    [t[0], t[1], t[2]].map(|i| Vec3::from(mesh.vertices[i as usize].position_mm));
                let m = mesh.vertices[t[0] as usize].material;
                let close = p.iter().any(|q| {
                    (q.x - c.x).abs() < 2.0 * r && (q.y - c.y).abs() < 2.0 * r && q.z > c.z - r
                });
                (close && (m == MATERIAL_EYE || m == MATERIAL_SKIN)).then_some(Tri {
                    p,
                    eye: m == MATERIAL_EYE,
                })
            })
            .collect()
    };
    let left = upper_margin(&near(l.eye_left), l.eye_left, r)?;
    let right = upper_margin(&near(l.eye_right), l.eye_right, r)?;
    Some([left, right])
}

#[cfg(test)]
mod tests {
    use super::*;

    /// On the built-in head both margins are found: arched over the eye,
    /// ordered from the inner corner out, mirror images, on the skin just
    /// in front of the eyeball.
    #[test]
    fn the_built_in_head_has_its_upper_lid_margins() {
        let head = crate::head::load_builtin(1).unwrap();
        let [left, right] = upper_lid_margins(&head).expect("margins");
        let l = &head.landmarks;
        for (margin, eye) in [(left, l.eye_left), (right, l.eye_right)] {
            assert!(
                margin.windows(2).all(|w| w[1].x.abs() > w[0].x.abs()),
                "{margin:?}"
            );
            let width = margin[LID_POINTS - 1].x.abs() - margin[0].x.abs();
            assert!((15.0..35.0).contains(&width), "{width} mm wide");
            let middle = margin[LID_POINTS / 2].y;
            assert!(
                middle > margin[0].y && middle > margin[LID_POINTS - 1].y,
                "arched: {margin:?}"
            );
            for p in margin {
                let gap = p.distance(eye) - l.eye_radius_mm;
                assert!((-1.0..6.0).contains(&gap), "{gap} mm off the eyeball");
            }
        }
        for (a, b) in left.iter().zip(&right) {
            assert!(
                (a.x + b.x).abs() < 0.5 && (a.y - b.y).abs() < 0.5,
                "{a} vs {b}"
            );
        }
    }
}
