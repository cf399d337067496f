//! Sessions as layers of impressions, and how their pigment looks on the day shown.
//!
//! Healing model (documented in the README): fresh carbon pigment sits high and
//! looks like the ink; over about four weeks the epidermis closes over it, so
//! the impression looks lighter, cooler (grey to blue-grey: shorter wavelengths
//! scatter back from the skin above the ink) and softer-edged. After healing it
//! keeps fading slowly.

use crate::plan::{TreatmentPlan, pigment_srgb, skin_tone_srgb};

/// e-folding time of healing; ~95 % healed at 4 weeks.
pub const HEALING_TIME_DAYS: f32 = 9.0;
/// How much lighter a healed impression looks than fresh ink, in perceived
/// lightness (CIE L*, which goes as the cube root of reflectance).
pub const HEALED_LIGHTENING: f32 = 0.25;
/// How much of the skin's own colour the epidermis over healed ink adds.
pub const HEALED_VEIL: f32 = 0.06;
/// Further lightening per year once healed.
pub const FADE_PER_YEAR: f32 = 0.04;
/// Per-channel tint of pigment seen through healed epidermis (blue-grey shift).
pub const HEALED_TINT: [f32; 3] = [0.92, 0.97, 1.07];
/// Edge softness of an impression, as a fraction of its radius.
pub const FRESH_SOFTNESS: f32 = 0.10;
pub const HEALED_SOFTNESS: f32 = 0.30;

/// How one session's impressions look at the moment shown.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SessionLook {
    /// Linear RGB reflectance of the impression as seen.
    pub seen_linear: [f32; 3],
    /// Soft edge width, fraction of the radius.
    pub softness: f32,
    /// 0 on the day, → 1 when healed.
    pub healed: f32,
}

/// Fraction healed after `days`.
pub fn healed_fraction(days: f32) -> f32 {
    1.0 - (-days.max(0.0) / HEALING_TIME_DAYS).exp()
}

/// The look of pigment `ink_linear` on skin `skin_linear`, `days` after placing.
pub fn look(ink_linear: [f32; 3], skin_linear: [f32; 3], days: f32) -> SessionLook {
    let healed = healed_fraction(days);
    let years_after = ((days - 30.0) / 365.0).max(0.0);
    let lighten = healed * HEALED_LIGHTENING + (1.0 - (-FADE_PER_YEAR * years_after).exp());
    // L* ∝ Y^⅓: lighter by `lighten` in L* is × (1 + lighten)³ in reflectance.
    let gain = (1.0 + lighten).powi(3);
    let veil = healed * HEALED_VEIL;
    let seen_linear = std::array::from_fn(|c| {
        let tinted =
            (ink_linear[c] * gain * (1.0 + healed * (HEALED_TINT[c] - 1.0))).min(skin_linear[c]);
        tinted + (skin_linear[c] - tinted) * veil
    });
    SessionLook {
        seen_linear,
        softness: FRESH_SOFTNESS + (HEALED_SOFTNESS - FRESH_SOFTNESS) * healed,
        healed,
    }
}

/// The look of every session of a valid plan.
pub fn session_looks(plan: &TreatmentPlan) -> Vec<SessionLook> {
    let skin = skin_tone_srgb(&plan.skin.tone)
        .expect("validated plan")
        .to_linear();
    plan.sessions
        .iter()
        .map(|s| {
            look(
                pigment_srgb(&s.shade).expect("validated plan").to_linear(),
                skin,
                s.days_since,
            )
        })
        .collect()
}

/// Relative luminance of a linear colour.
pub fn luminance(c: [f32; 3]) -> f32 {
    0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2]
}

/// Planned impression counts per session for a coverage-weighted area (mm²).
pub fn planned_counts(plan: &TreatmentPlan, treated_area_mm2: f64) -> Vec<u32> {
    let per_mm2 = plan.density.final_per_cm2 as f64 / 100.0;
    plan.sessions
        .iter()
        .map(|s| (s.share as f64 * per_mm2 * treated_area_mm2).round() as u32)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn healing_lightens_and_cools_over_time() {
        let ink = [0.02, 0.02, 0.02];
        let skin = [0.6, 0.4, 0.3];
        let fresh = look(ink, skin, 0.0);
        let healed = look(ink, skin, 60.0);
        let years = look(ink, skin, 5.0 * 365.0);
        assert!(luminance(fresh.seen_linear) < luminance(healed.seen_linear));
        assert!(luminance(healed.seen_linear) < luminance(years.seen_linear));
        assert!(healed.softness > fresh.softness);
        // Cooler: blue gains relative to red once healed, against the warm skin pull.
        let ratio = |c: [f32; 3]| c[2] / c[0];
        assert!(ratio(look(ink, [0.5, 0.5, 0.5], 60.0).seen_linear) > ratio(fresh.seen_linear));
    }

    #[test]
    fn healed_fraction_is_about_95_percent_at_four_weeks() {
        let h = healed_fraction(28.0);
        assert!((0.93..0.97).contains(&h), "{h}");
    }
}
