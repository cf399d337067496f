//! "Match the client's hair" (`[hair] match_treatment = true`): what a
//! practitioner does where SMP meets hair that still grows. The ink is the
//! palette shade nearest the hair's colour, the density the hair's own
//! follicular units, and the impression size whatever makes a unit of ink
//! darken the skin as much as a unit of buzzed hair does, so the two read as
//! one buzz cut with no seam.

use crate::placement::DOTS_PER_UNIT;
use crate::plan::{
    TreatmentPlan, limits, parse_color, pigment_palette, pigment_srgb, skin_tone_srgb,
};
use crate::sessions::{Healing, luminance};

/// Days after which a session is taken as settled for the match.
const SETTLED_DAYS: f32 = 120.0;

/// How deep a buzzed hair's root is seen through the skin, mm: the shaft runs
/// obliquely from the surface to the bulb 3-4 mm down; what shows is its
/// upper part, where healed ink also lies.
pub const ROOT_DEPTH_MM: f32 = 0.6;

/// A buzzed hair's root as seen through the skin (linear RGB): the hair's
/// colour under the same veil of skin as settled ink, the same optics.
pub fn root_seen(plan: &TreatmentPlan) -> [f32; 3] {
    let hair = parse_color(&plan.hair.color)
        .expect("validated plan")
        .to_linear();
    let skin = skin_tone_srgb(&plan.skin.tone)
        .expect("validated plan")
        .to_linear();
    Healing::from_plan(&plan.healing)
        .look(hair, skin, ROOT_DEPTH_MM, SETTLED_DAYS)
        .seen_linear
}

/// Replaces the sessions' shade and size and the density by the match, when
/// the plan asks for it; a valid plan stays valid.
pub fn apply(plan: &mut TreatmentPlan) {
    if !plan.hair.match_treatment {
        return;
    }
    let hair = parse_color(&plan.hair.color)
        .expect("validated plan")
        .to_linear();
    let skin = skin_tone_srgb(&plan.skin.tone)
        .expect("validated plan")
        .to_linear();
    let shade = nearest_shade(hair);
    let ink = pigment_srgb(shade).expect("a palette shade").to_linear();
    let healing = Healing::from_plan(&plan.healing);
    let hair_contrast = 1.0 - luminance(root_seen(plan)) / luminance(skin);
    let (lo, hi) = limits::DIAMETER_MM;
    for s in &mut plan.sessions {
        let seen = healing
            .look(ink, skin, s.depth_mm, SETTLED_DAYS)
            .seen_linear;
        let ink_contrast = (1.0 - luminance(seen) / luminance(skin)).max(0.05);
        // Darkening ∝ dot area × contrast at the same units per area.
        let size = plan.hair.stubble_diameter_mm * (hair_contrast / ink_contrast).max(0.0).sqrt();
        s.shade = shade.to_string();
        s.diameter_mm = size.clamp(lo, hi);
    }
    let (lo, hi) = limits::FINAL_DENSITY_PER_CM2;
    plan.density.final_per_cm2 = (plan.hair.natural_per_cm2 / DOTS_PER_UNIT).clamp(lo, hi);
}

/// The palette shade nearest `hair` (linear RGB).
fn nearest_shade(hair: [f32; 3]) -> &'static str {
    let distance = |hex: &str| {
        let c = parse_color(hex).expect("palette colour").to_linear();
        (0..3).map(|k| (c[k] - hair[k]).powi(2)).sum::<f32>()
    };
    pigment_palette()
        .iter()
        .min_by(|a, b| distance(a.1).total_cmp(&distance(b.1)))
        .map(|(name, _)| *name)
        .expect("a palette")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_match_follows_the_hair() {
        let mut plan = TreatmentPlan::default_plan();
        plan.hair.match_treatment = true;
        plan.hair.color = "#35302d".into();
        plan.hair.natural_per_cm2 = 180.0;
        apply(&mut plan);
        assert!(plan.validate().is_empty(), "{:?}", plan.validate());
        assert!(plan.sessions.iter().all(|s| s.shade == "warm-dark"));
        assert!((plan.density.final_per_cm2 - 180.0 / DOTS_PER_UNIT).abs() < 1e-3);
        // Lighter hair: less contrast to match, smaller impressions.
        let mut light = plan.clone();
        light.hair.color = "#6a5a4c".into();
        apply(&mut light);
        assert!(light.sessions[0].diameter_mm < plan.sessions[0].diameter_mm);
        // Off: nothing changes.
        let mut off = TreatmentPlan::default_plan();
        let before = off.clone();
        apply(&mut off);
        assert_eq!(off, before);
    }
}
