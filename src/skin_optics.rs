//! How light and ink meet in the skin: the CPU side of the subsurface pass
//! (`shaders/subsurface.wgsl`) and of the shading's ink term, so the model
//! is stated and tested without a GPU.
//!
//! Ink lies under the epidermis, between scattering layers (Donner et al.,
//! SIGGRAPH Asia 2008). Light crosses the ink layer twice: on the way in,
//! somewhere near where it leaves, and on the way out, where it leaves. With
//! `T(x)` the ink's one-pass transmission and `K` the skin's diffusion
//! profile, the light leaving a point is `skin · T(y) · (K * T)(y)`. On a
//! solid area that is `skin · t²`, the ink's calibrated colour; around a
//! dot it is soft-edged (the blur) and cool-rimmed (red spreads furthest),
//! and a sparse dot darkens about twice its one-pass absorption — why
//! sub-millimetre dots darken a scalp more than their area suggests.

/// Gaussian widths (mm) of the skin's diffusion profile, red, green, blue:
/// single-Gaussian reductions of d'Eon & Luebke's six-Gaussian skin profile
/// (GPU Gems 3, ch. 14), red scattering furthest.
pub const DIFFUSION_SIGMA_MM: [f32; 3] = [0.75, 0.42, 0.24];

/// One-pass absorption of ink whose solid area looks `seen` on `skin`
/// (linear RGB): `1 - √(seen / skin)` per channel, mirrored by
/// `ink_absorption` in `shaders/common.wgsl`.
pub fn ink_absorption(seen: [f32; 3], skin: [f32; 3]) -> [f32; 3] {
    std::array::from_fn(|c| 1.0 - (seen[c] / skin[c].max(1e-4)).clamp(0.0, 1.0).sqrt())
}

/// The reflectance ratio (to bare skin) of one channel along a line through
/// ink absorbing `absorption(x)` (one pass) at positions `x_mm`, spaced
/// `dx_mm`, for a diffusion width `sigma_mm`: `T · (K * T)`, the 1-D twin of
/// the shading's ink term.
pub fn reflectance_1d(absorption: &[f32], dx_mm: f32, sigma_mm: f32) -> Vec<f32> {
    let t: Vec<f32> = absorption.iter().map(|a| 1.0 - a.clamp(0.0, 1.0)).collect();
    let radius = (2.5 * sigma_mm / dx_mm).ceil() as i64;
    (0..t.len() as i64)
        .map(|i| {
            let (mut sum, mut weight) = (0.0, 0.0);
            for k in -radius..=radius {
                let j = i + k;
                if j < 0 || j >= t.len() as i64 {
                    continue;
                }
                let x = k as f32 * dx_mm;
                let w = (-x * x / (2.0 * sigma_mm * sigma_mm)).exp();
                sum += w * t[j as usize];
                weight += w;
            }
            t[i as usize] * sum / weight
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_solid_area_shows_the_inks_colour() {
        let skin = [0.55, 0.38, 0.30];
        let seen = [0.12, 0.10, 0.10];
        let a = ink_absorption(seen, skin);
        let r = reflectance_1d(&vec![a[0]; 200], 0.05, DIFFUSION_SIGMA_MM[0]);
        assert!(
            (r[100] * skin[0] - seen[0]).abs() < 1e-4,
            "{}",
            r[100] * skin[0]
        );
    }

    /// A lone dot darkens about twice its one-pass absorption (the light
    /// crosses the ink on the way in and on the way out), spread wider than
    /// the dot, with the red's spread the widest.
    #[test]
    fn a_sparse_dot_darkens_more_than_its_area_and_softly() {
        let dx = 0.02;
        let mut a = vec![0.0f32; 401];
        for v in &mut a[190..=210] {
            *v = 0.5; // a 0.4 mm dot, half absorbing on one pass
        }
        let one_pass: f32 = a.iter().sum::<f32>() * dx;
        let darkening = |sigma| {
            let r = reflectance_1d(&a, dx, sigma);
            let total: f32 = r.iter().map(|r| 1.0 - r).sum::<f32>() * dx;
            let beyond = r[230]; // 0.4 mm outside the dot's edge
            (total, beyond)
        };
        let (red, red_beyond) = darkening(DIFFUSION_SIGMA_MM[0]);
        let (blue, blue_beyond) = darkening(DIFFUSION_SIGMA_MM[2]);
        for total in [red, blue] {
            assert!(
                total > 1.6 * one_pass && total <= 2.0 * one_pass,
                "{total} vs {one_pass}"
            );
        }
        // Beyond the dot the skin is darker in red than in blue: a cool rim
        // inside, the red shadow reaching further out.
        assert!(
            red_beyond < blue_beyond && red_beyond < 0.99,
            "{red_beyond} {blue_beyond}"
        );
    }
}
