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
//! Healed ink also lies partly spread round each dot, so part of the way out
//! is blurred too ([`INK_SPREAD`]).

/// Gaussian widths (mm) of the skin's diffusion profile, red, green, blue:
/// single-Gaussian reductions of d'Eon & Luebke's six-Gaussian skin profile
/// (GPU Gems 3, ch. 14), red scattering furthest.
pub const DIFFUSION_SIGMA_MM: [f32; 3] = [0.75, 0.42, 0.24];

/// How much of a healed dot's ink lies spread round it rather than in it
/// (0-1): the light leaving a point crosses `(1 − s)·T + s·(K * T)`. Healed
/// pigment is not a crisp disc: macrophages and fibroblasts hold the
/// particles through the upper dermis round the needle's track, so a healed
/// SMP dot is soft-edged, as practitioners' close-ups show, and at a
/// consultation distance the dots merge into a shadow instead of pepper.
pub const INK_SPREAD: f32 = 0.5;

/// Healed ink also migrates a little past the needle's track: a faint halo
/// round each dot, out to this many of its radii (`splat.wgsl`)…
pub const INK_HALO_REACH: f32 = 3.0;
/// …holding this share of the dot's absorption at its middle, falling to
/// none at its reach (a smoothstep). Halos of neighbouring dots, about
/// 0.65 mm apart, overlap: between the dots the skin is faintly grey, which
/// is what makes a healed treatment a shadow at a distance rather than
/// pepper, and what still shows of it on dark skin.
pub const INK_HALO_SHARE: f32 = 0.15;

/// The ink a fully healed dot's halo adds, as a share of the dot's own:
/// the halo's profile `h·(1 − smoothstep(0, R, q))` integrates to
/// `0.3·R²·h` dot areas.
pub fn ink_halo_gain() -> f32 {
    0.3 * INK_HALO_REACH * INK_HALO_REACH * INK_HALO_SHARE
}

/// Reduced scattering of the skin over the ink, 1/mm, red, green, blue
/// (610, 550, 465 nm): Jacques' fit for skin, μs' = 4.60 mm⁻¹ (λ / 500
/// nm)^−1.421 (Phys. Med. Biol. 58 (2013) R37, table 2). Blue scatters most.
pub const SKIN_REDUCED_SCATTERING_PER_MM: [f32; 3] = [3.47, 4.02, 5.10];

/// The part of the ink's depth that scatters as a diffuse layer. Dermal
/// scattering is strongly forward (g ≈ 0.8): within a transport mean free
/// path (1/μs', about 0.25 mm) most light crosses the skin over the ink
/// almost straight, and only a thin diffuse layer's worth sends light back
/// before it reaches the ink. With this share, healed carbon 0.5 mm deep
/// on fitzpatrick-3 skin comes out a grey with a blue cast, L* about 35, as
/// healed black tattoo and SMP dots measure (JAMA Dermatol 2017;153:308).
pub const DIFFUSE_SHARE_OF_DEPTH: f32 = 0.02;

/// Reflectance (linear, one channel) of ink of reflectance `ink` under a
/// layer of skin `cover_mm` thick that alone, infinitely thick, reflects
/// `skin`, scattering `scattering_per_mm`: Kubelka and Munk's layer over a
/// background. The skin's own colour gives its absorption to scattering
/// ratio, K/S = (1 − R∞)² / 2R∞. With no cover it is the ink; thick, the
/// skin. Red, which bare skin returns from deep, is the first the ink
/// takes; blue, scattered back near the surface, the last: why carbon black
/// under skin looks grey to blue-grey (the Tyndall look), not a darker
/// skin tone.
pub fn covered_reflectance(skin: f32, ink: f32, cover_mm: f32, scattering_per_mm: f32) -> f32 {
    let skin = skin.clamp(1e-3, 0.999);
    let ink = ink.clamp(0.0, 1.0);
    let a = (1.0 + skin * skin) / (2.0 * skin);
    let b = (a * a - 1.0).sqrt();
    let x = b * scattering_per_mm * cover_mm.max(0.0);
    if x < 1e-6 {
        return ink;
    }
    let coth = 1.0 / x.tanh();
    (1.0 - ink * (a - b * coth)) / (a - ink + b * coth)
}

/// `covered_reflectance` in red, green and blue for ink `depth_mm` deep
/// under a cover grown back to `healed` (0 on the day, 1 healed).
pub fn ink_under_skin(skin: [f32; 3], ink: [f32; 3], depth_mm: f32, healed: f32) -> [f32; 3] {
    let cover = DIFFUSE_SHARE_OF_DEPTH * depth_mm * healed.clamp(0.0, 1.0);
    std::array::from_fn(|c| {
        covered_reflectance(skin[c], ink[c], cover, SKIN_REDUCED_SCATTERING_PER_MM[c])
    })
}

/// One-pass absorption of ink whose solid area looks `seen` on `skin`
/// (linear RGB): `1 - √(seen / skin)` per channel, mirrored by
/// `ink_absorption` in `shaders/common.wgsl`.
pub fn ink_absorption(seen: [f32; 3], skin: [f32; 3]) -> [f32; 3] {
    std::array::from_fn(|c| 1.0 - (seen[c] / skin[c].max(1e-4)).clamp(0.0, 1.0).sqrt())
}

/// The reflectance ratio (to bare skin) of one channel along a line through
/// ink absorbing `absorption(x)` (one pass) at positions `x_mm`, spaced
/// `dx_mm`, for a diffusion width `sigma_mm`: `((1 − s)·T + s·(K * T)) ·
/// (K * T)` with `s` = [`INK_SPREAD`], the 1-D twin of the shading's ink term.
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
            let blurred = sum / weight;
            ((1.0 - INK_SPREAD) * t[i as usize] + INK_SPREAD * blurred) * blurred
        })
        .collect()
}

#[cfg(test)]
mod tests {

    #[test]
    fn the_splat_shader_draws_the_same_ink_halo() {
        crate::wgsl_twins::assert_f32_consts(
            "shaders/common.wgsl",
            include_str!("../shaders/common.wgsl"),
            &[
                ("INK_HALO_REACH", INK_HALO_REACH),
                ("INK_HALO_SHARE", INK_HALO_SHARE),
            ],
        );
        // The halo's integral, numerically: 0.3·R²·h dot areas.
        let (r, h) = (INK_HALO_REACH as f64, INK_HALO_SHARE as f64);
        let steps = 10_000;
        let integral: f64 = (0..steps)
            .map(|k| {
                let q = (k as f64 + 0.5) / steps as f64 * r;
                let t = q / r;
                h * (1.0 - t * t * (3.0 - 2.0 * t)) * 2.0 * q * (r / steps as f64)
            })
            .sum();
        assert!(
            (integral - ink_halo_gain() as f64).abs() < 1e-4,
            "{integral}"
        );
    }

    use super::*;

    #[test]
    fn a_cover_takes_the_ink_from_itself_to_the_skin() {
        let (skin, ink) = (0.6, 0.03);
        assert!((covered_reflectance(skin, ink, 0.0, 4.0) - ink).abs() < 1e-6);
        let thick = covered_reflectance(skin, ink, 50.0, 4.0);
        assert!((thick - skin).abs() < 1e-3, "{thick}");
        let mut last = ink;
        for d in [0.005, 0.01, 0.02, 0.05, 0.1, 0.3] {
            let r = covered_reflectance(skin, ink, d, 4.0);
            assert!(r > last && r < skin, "{d}: {r}");
            last = r;
        }
        // Over skin-coloured ink the cover changes nothing.
        assert!((covered_reflectance(skin, skin, 0.05, 4.0) - skin).abs() < 1e-4);
    }

    /// Healed carbon under fair skin: a grey, bluer than the skin relative to
    /// it, and bluer the deeper it lies (JAMA Dermatol 2017;153:308).
    #[test]
    fn carbon_under_skin_heals_grey_to_blue_grey() {
        let skin = [0.624, 0.347, 0.202]; // fitzpatrick-3, linear
        let ink = [0.027, 0.026, 0.031]; // "dark"
        let ratio = |c: [f32; 3]| [c[0] / skin[0], c[1] / skin[1], c[2] / skin[2]];
        let fresh = ink_under_skin(skin, ink, 0.5, 0.0);
        assert_eq!(fresh, ink);
        let healed = ink_under_skin(skin, ink, 0.5, 1.0);
        let r = ratio(healed);
        assert!(r[0] < r[1] && r[1] < r[2], "takes red most: {r:?}");
        // Nearly neutral in itself: a grey, not a darker skin tone.
        assert!(healed[0] / healed[2] < 1.3, "{healed:?}");
        let deep = ratio(ink_under_skin(skin, ink, 1.0, 1.0));
        assert!(deep[2] / deep[0] > r[2] / r[0] * 0.9, "{deep:?} vs {r:?}");
        assert!(deep.iter().zip(r).all(|(d, s)| *d > s), "deeper is lighter");
    }

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
