//! Smoothing the built-in head's cranium. A skull under a shaved scalp is
//! smooth at the scale of centimetres; the morphed hm08 mesh has lumps 2-5
//! cm across there (its sculpt and the age and muscle targets), which the
//! studio light turned into cloudy light and dark patches on a treated
//! scalp seen from behind (blind reviews 15 and 16).

use glam::Vec3;

/// Pairs of Taubin steps (a shrinking step λ, an inflating one μ, |μ| > λ,
/// so the head keeps its size while bumps of a few edges across flatten).
const TAUBIN_PAIRS: usize = 30;
const TAUBIN_LAMBDA: f32 = 0.6;
const TAUBIN_MU: f32 = -0.63;

/// Smooths `pos` where `weight` (0 to 1) says, over the vertices that
/// `triangles` join. Each step moves a vertex only along its normal,
/// towards (λ) or away from (μ) its neighbours' mean: the bumps flatten,
/// the triangles keep their places along the surface.
pub fn smooth_where(pos: &mut [Vec3], triangles: &[[usize; 3]], weight: impl Fn(Vec3) -> f32) {
    let neighbours = neighbours(pos.len(), triangles);
    let w: Vec<f32> = pos.iter().map(|&p| weight(p).clamp(0.0, 1.0)).collect();
    if w.iter().all(|&x| x == 0.0) {
        return;
    }
    for _ in 0..TAUBIN_PAIRS {
        for factor in [TAUBIN_LAMBDA, TAUBIN_MU] {
            let normals = vertex_normals(pos, triangles);
            let moved: Vec<Vec3> = (0..pos.len())
                .map(|i| {
                    let n = &neighbours[i];
                    if w[i] == 0.0 || n.is_empty() {
                        return pos[i];
                    }
                    let mean = n.iter().map(|&j| pos[j]).sum::<Vec3>() / n.len() as f32;
                    let along = (mean - pos[i]).dot(normals[i]);
                    pos[i] + normals[i] * (factor * w[i] * along)
                })
                .collect();
            pos.copy_from_slice(&moved);
        }
    }
}

/// Each vertex's neighbours along the triangles' edges, once each.
fn neighbours(count: usize, triangles: &[[usize; 3]]) -> Vec<Vec<usize>> {
    let mut out = vec![Vec::new(); count];
    for t in triangles {
        for k in 0..3 {
            let (a, b) = (t[k], t[(k + 1) % 3]);
            if !out[a].contains(&b) {
                out[a].push(b);
            }
            if !out[b].contains(&a) {
                out[b].push(a);
            }
        }
    }
    out
}

/// Area-weighted vertex normals (zero where a vertex is in no triangle).
fn vertex_normals(pos: &[Vec3], triangles: &[[usize; 3]]) -> Vec<Vec3> {
    let mut n = vec![Vec3::ZERO; pos.len()];
    for t in triangles {
        let face = (pos[t[1]] - pos[t[0]]).cross(pos[t[2]] - pos[t[0]]);
        for &i in t {
            n[i] += face;
        }
    }
    n.iter().map(|v| v.normalize_or_zero()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A grid of `n`×`n` vertices 1 mm apart in the xz plane, its height
    /// from `height`.
    fn grid(n: usize, height: impl Fn(f32, f32) -> f32) -> (Vec<Vec3>, Vec<[usize; 3]>) {
        let mut pos = Vec::new();
        for i in 0..n {
            for j in 0..n {
                let (x, z) = (i as f32, j as f32);
                pos.push(Vec3::new(x, height(x, z), z));
            }
        }
        (pos, crate::head::grid_triangles(n))
    }

    #[test]
    fn a_bump_flattens_where_weighted_and_stays_elsewhere() {
        let bump = |x: f32, z: f32| 2.0 * (-((x - 15.0).powi(2) + (z - 15.0).powi(2)) / 2.0).exp();
        let (mut pos, tris) = grid(31, bump);
        let before = pos.clone();
        smooth_where(&mut pos, &tris, |p| f32::from(p.x < 22.0));
        let centre = 15 * 31 + 15;
        assert!(pos[centre].y < 0.5 * before[centre].y, "{}", pos[centre].y);
        // Unweighted vertices do not move.
        let far = 28 * 31 + 15;
        assert_eq!(pos[far], before[far]);
        // Moves are along the normal: a flat region stays where it was.
        let flat = 3 * 31 + 3;
        assert!(pos[flat].distance(before[flat]) < 1e-3);
    }

    #[test]
    fn nothing_weighted_nothing_moves() {
        let (mut pos, tris) = grid(5, |x, z| (x * z).sin());
        let before = pos.clone();
        smooth_where(&mut pos, &tris, |_| 0.0);
        assert_eq!(pos, before);
    }
}
