//! Fitting one point set onto another: the least-squares similarity
//! (Umeyama 1991), and trimmed ICP that finds the pairs as it goes.

use glam::{Mat3, Quat, Vec3};
use nalgebra::Matrix3;

use super::surface::PointIndex;

/// `head = scale · rotation · file + translation`: from a file's coordinates
/// and units to the head frame in millimetres.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Similarity {
    pub scale: f32,
    pub rotation: Mat3,
    pub translation: Vec3,
}

impl Similarity {
    pub const IDENTITY: Similarity = Similarity {
        scale: 1.0,
        rotation: Mat3::IDENTITY,
        translation: Vec3::ZERO,
    };

    pub fn apply(&self, p: Vec3) -> Vec3 {
        self.scale * (self.rotation * p) + self.translation
    }

    pub fn apply_inverse(&self, q: Vec3) -> Vec3 {
        self.rotation.transpose() * ((q - self.translation) / self.scale)
    }

    /// `self` followed by `then`.
    pub fn then(&self, then: &Similarity) -> Similarity {
        Similarity {
            scale: then.scale * self.scale,
            rotation: then.rotation * self.rotation,
            translation: then.apply(self.translation),
        }
    }
}

fn from_na(m: &Matrix3<f64>) -> Mat3 {
    let c: Vec<f32> = m.as_slice().iter().map(|&v| v as f32).collect();
    Mat3::from_cols_slice(&c)
}

/// Whether a fit finds the scale too, or keeps one.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Scale {
    Fit,
    Fixed(f32),
}

/// The similarity (with `Scale::Fixed`, the rotation and translation at that
/// scale) that brings `from` closest to `to` in the least-squares sense, with
/// `weights`; `None` when the points are too few or all in one line.
pub fn umeyama(from: &[Vec3], to: &[Vec3], weights: &[f32], scale: Scale) -> Option<Similarity> {
    let total: f64 = weights.iter().map(|&w| f64::from(w)).sum();
    if from.len() < 3 || total <= 0.0 {
        return None;
    }
    let mean = |pts: &[Vec3]| {
        pts.iter()
            .zip(weights)
            .map(|(p, &w)| p.as_dvec3() * f64::from(w))
            .sum::<glam::DVec3>()
            / total
    };
    let (mf, mt) = (mean(from), mean(to));
    let mut cov = Matrix3::<f64>::zeros();
    let mut var_from = 0.0f64;
    for ((f, t), &w) in from.iter().zip(to).zip(weights) {
        let (df, dt) = (f.as_dvec3() - mf, t.as_dvec3() - mt);
        let w = f64::from(w);
        var_from += w * df.length_squared();
        for r in 0..3 {
            for c in 0..3 {
                cov[(r, c)] += w * dt[r] * df[c];
            }
        }
    }
    cov /= total;
    var_from /= total;
    let svd = cov.svd(true, true);
    let (u, v_t) = (svd.u?, svd.v_t?);
    let mut s = Matrix3::<f64>::identity();
    if (u.determinant() * v_t.determinant()) < 0.0 {
        s[(2, 2)] = -1.0;
    }
    let rotation = u * s * v_t;
    let d = svd.singular_values;
    if d[1] < 1e-9 * d[0].max(1e-30) {
        return None;
    }
    let scale = match scale {
        Scale::Fit => (d[0] * s[(0, 0)] + d[1] * s[(1, 1)] + d[2] * s[(2, 2)]) / var_from,
        Scale::Fixed(s) => f64::from(s),
    };
    let rotation = from_na(&rotation);
    let translation = mt.as_vec3() - scale as f32 * (rotation * mf.as_vec3());
    Some(Similarity {
        scale: scale as f32,
        rotation,
        translation,
    })
}

/// Rotations spread evenly over all orientations (super-Fibonacci spirals,
/// Alexa 2022): the starts of the global search.
pub fn spread_rotations(n: usize) -> Vec<Mat3> {
    const PHI: f64 = std::f64::consts::SQRT_2;
    const PSI: f64 = 1.533_751_168_755_204_3;
    (0..n)
        .map(|i| {
            let s = i as f64 + 0.5;
            let (r, big_r) = ((s / n as f64).sqrt(), (1.0 - s / n as f64).sqrt());
            let (alpha, beta) = (
                std::f64::consts::TAU * s / PHI,
                std::f64::consts::TAU * s / PSI,
            );
            let q = Quat::from_xyzw(
                (r * alpha.sin()) as f32,
                (r * alpha.cos()) as f32,
                (big_r * beta.sin()) as f32,
                (big_r * beta.cos()) as f32,
            );
            Mat3::from_quat(q.normalize())
        })
        .collect()
}

/// How an ICP run went.
#[derive(Clone, Copy, Debug)]
pub struct Fit {
    pub to_head: Similarity,
    /// Mean of min(distance, `cap_mm`)² over all template points: lower is a
    /// better fit; a template point with no scan near it costs the cap.
    pub cost: f32,
}

/// The template points' distances (mm) to the scan placed by `to_head`.
pub fn distances_mm(template: &[Vec3], scan: &PointIndex, to_head: &Similarity) -> Vec<f32> {
    template
        .iter()
        .map(|&q| match scan.nearest(to_head.apply_inverse(q)) {
            Some(p) => to_head.apply(p).distance(q),
            None => f32::INFINITY,
        })
        .collect()
}

/// Truncated squared distance, the fit's cost.
pub fn truncated_cost(distances: &[f32], cap_mm: f32) -> f32 {
    let sum: f32 = distances.iter().map(|d| d.min(cap_mm).powi(2)).sum();
    sum / distances.len().max(1) as f32
}

/// Trimmed ICP of `template` (head frame, mm) onto the scan: each step pairs
/// every template point with its nearest scan point, keeps the pairs closer
/// than a threshold that shrinks from `reach_mm[0]` to `reach_mm[1]`, and
/// refits. Pairs beyond the threshold (scan holes, a missing neck, shoulders)
/// do not pull.
pub fn icp(
    template: &[Vec3],
    scan: &PointIndex,
    start: Similarity,
    steps: usize,
    reach_mm: (f32, f32),
    fit_scale: bool,
) -> Fit {
    let mut to_head = start;
    let shrink = (reach_mm.1 / reach_mm.0).powf(1.0 / steps.max(1) as f32);
    let mut reach = reach_mm.0;
    for _ in 0..steps {
        let mut from = Vec::with_capacity(template.len());
        let mut to = Vec::with_capacity(template.len());
        for &q in template {
            let Some(p) = scan.nearest(to_head.apply_inverse(q)) else {
                continue;
            };
            if to_head.apply(p).distance(q) < reach {
                from.push(p);
                to.push(q);
            }
        }
        let weights = vec![1.0; from.len()];
        let scale = if fit_scale {
            Scale::Fit
        } else {
            Scale::Fixed(to_head.scale)
        };
        match umeyama(&from, &to, &weights, scale) {
            Some(next) if next.scale.is_finite() && next.scale > 0.0 => to_head = next,
            _ => break,
        }
        reach = (reach * shrink).max(reach_mm.1);
    }
    let cost = truncated_cost(&distances_mm(template, scan, &to_head), reach_mm.1);
    Fit { to_head, cost }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample_cloud() -> Vec<Vec3> {
        (0..200)
            .map(|i| {
                let t = i as f32 * 0.37;
                Vec3::new(
                    t.sin() * 40.0,
                    (t * 1.7).cos() * 25.0,
                    (t * 0.3).sin() * 60.0 + t,
                )
            })
            .collect()
    }

    #[test]
    fn umeyama_recovers_a_similarity() {
        let truth = Similarity {
            scale: 25.4,
            rotation: Mat3::from_quat(Quat::from_axis_angle(
                Vec3::new(1.0, 2.0, -0.5).normalize(),
                2.2,
            )),
            translation: Vec3::new(10.0, -300.0, 42.0),
        };
        let from = sample_cloud();
        let to: Vec<Vec3> = from.iter().map(|&p| truth.apply(p)).collect();
        let fit = umeyama(&from, &to, &vec![1.0; from.len()], Scale::Fit).unwrap();
        assert!((fit.scale - truth.scale).abs() < 1e-3, "{fit:?}");
        for p in &from {
            assert!(fit.apply(*p).distance(truth.apply(*p)) < 1e-2);
            assert!(fit.apply_inverse(fit.apply(*p)).distance(*p) < 1e-3);
        }
        let rigid = umeyama(&from, &to, &vec![1.0; from.len()], Scale::Fixed(25.4)).unwrap();
        assert_eq!(rigid.scale, 25.4);
        assert!(rigid.apply(from[0]).distance(to[0]) < 1e-2);
        assert!((rigid.rotation.determinant() - 1.0).abs() < 1e-4);
    }

    #[test]
    fn a_line_has_no_fit() {
        let line: Vec<Vec3> = (0..10).map(|i| Vec3::X * i as f32).collect();
        assert!(umeyama(&line, &line, &[1.0; 10], Scale::Fit).is_none());
    }

    #[test]
    fn spread_rotations_are_rotations_and_spread() {
        let r = spread_rotations(64);
        assert!(r.iter().all(|m| (m.determinant() - 1.0).abs() < 1e-4));
        // Every orientation of +Z is within 40° of one of them.
        let dirs: Vec<Vec3> = r.iter().map(|m| *m * Vec3::Z).collect();
        for probe in [
            Vec3::X,
            -Vec3::X,
            Vec3::Y,
            -Vec3::Y,
            -Vec3::Z,
            Vec3::ONE.normalize(),
        ] {
            let best = dirs.iter().map(|d| d.dot(probe)).fold(-1.0f32, f32::max);
            assert!(best > 40f32.to_radians().cos(), "{probe}: {best}");
        }
    }

    #[test]
    fn composition_applies_in_order() {
        let a = Similarity {
            scale: 2.0,
            rotation: Mat3::from_rotation_z(0.5),
            translation: Vec3::X,
        };
        let b = Similarity {
            scale: 0.5,
            rotation: Mat3::from_rotation_x(1.0),
            translation: Vec3::Y,
        };
        let p = Vec3::new(1.0, 2.0, 3.0);
        assert!(a.then(&b).apply(p).distance(b.apply(a.apply(p))) < 1e-5);
    }
}
