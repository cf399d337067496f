//! "Match the client's hair" (`[hair] match_treatment = true`): what a
//! practitioner does where SMP meets hair that still grows. The ink is the
//! palette shade nearest the hair's colour, the density the hair's own
//! follicular units, and the impression size whatever makes a unit of ink
//! darken the skin as much as a unit of buzzed hair does, so the two read as
//! one buzz cut with no seam.

use crate::placement::{DOTS_PER_UNIT, ROOT_DIAMETER_SPREAD, mean_over_spread, mean_over_units};
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

/// The plan's hair and skin colours, linear RGB.
fn hair_and_skin(plan: &TreatmentPlan) -> ([f32; 3], [f32; 3]) {
    let hair = parse_color(&plan.hair.color).expect("validated plan");
    let skin = skin_tone_srgb(&plan.skin.tone).expect("validated plan");
    (hair.to_linear(), skin.to_linear())
}

/// A buzzed hair's root as seen through the skin (linear RGB): the hair's
/// colour under the same veil of skin as settled ink, the same optics.
pub fn root_seen(plan: &TreatmentPlan) -> [f32; 3] {
    let (hair, skin) = hair_and_skin(plan);
    // A root does not fade as healed ink does: only the veil of skin over it.
    let mut healing = Healing::from_plan(&plan.healing);
    healing.healed_lightening = 0.0;
    healing
        .look(hair, skin, ROOT_DEPTH_MM, SETTLED_DAYS)
        .seen_linear
}

/// A cut stub leaves the skin at about this angle (degrees), so it lies
/// along the skin for cos of it of its length.
pub const STUB_ANGLE_DEG: f32 = 35.0;

/// A root is drawn as a streak along the hair's flow rather than a round dot
/// (`ROOT_ELONGATION` in `shaders/splat.wgsl`): of the same area, this many
/// times longer along the flow and shorter across. What shows through the
/// skin is the shaft running obliquely down from where it leaves the skin,
/// back against the flow: at [`STUB_ANGLE_DEG`] it stays within
/// [`ROOT_DEPTH_MM`] of the surface for 0.86 mm along it, and a root of the
/// default 0.45 mm streaks 0.81 mm. Round roots read as pepper, with no
/// grain of hair in the buzz cut (blind reviews 13-18); the area, and so
/// the darkening the match counts, is the same.
pub const ROOT_ELONGATION: f32 = 1.8;

/// A hair shaft's diameter, mm (60-80 µm, DESIGN.md).
pub const SHAFT_DIAMETER_MM: f32 = 0.07;

/// Area (mm²) a unit's stubs cover on the skin, on average: one ellipse per
/// unit along the flow, as long as a stub lies and as wide as its shafts
/// side by side (`splat_stubs` in `shaders/splat.wgsl`).
pub fn stub_area_mm2(hair: &crate::plan::HairSpec) -> f32 {
    let width = mean_over_units(|dots, _| dots.sqrt());
    std::f32::consts::FRAC_PI_4 * stub_on_skin_mm(hair) * SHAFT_DIAMETER_MM * width
}

/// How long a stub looks where it lies over the skin, mm.
pub fn stub_on_skin_mm(hair: &crate::plan::HairSpec) -> f32 {
    hair.stubble_length_mm() * STUB_ANGLE_DEG.to_radians().cos()
}

/// Replaces the sessions' shade and size and the density by the match, when
/// the plan asks for it; a valid plan stays valid.
pub fn apply(plan: &mut TreatmentPlan) {
    if !plan.hair.match_treatment {
        return;
    }
    let (hair, skin) = hair_and_skin(plan);
    let shade = nearest_shade(hair);
    let ink = pigment_srgb(shade).expect("a palette shade").to_linear();
    let healing = Healing::from_plan(&plan.healing);
    // A unit of hair darkens by its roots (under the skin, as ink) and its
    // stubs (opaque shafts over it): as dot area × contrast.
    let root_contrast = 1.0 - luminance(root_seen(plan)) / luminance(skin);
    let stub_contrast = 1.0 - luminance(hair) / luminance(skin);
    // Roots vary in width and a wider one is as dark: on average it covers
    // E[s²] of a root of the mean width.
    let mean_root_area = unit_area_mm2(plan.hair.stubble_diameter_mm);
    let root_area = mean_root_area * mean_over_spread(ROOT_DIAMETER_SPREAD, |s| s * s);
    let stub_area = stub_area_mm2(&plan.hair);
    // Grey hairs hardly darken the skin (their roots hide, their stubs are
    // light): count them as 85 % less.
    let grey = 1.0 - 0.85 * plan.hair.grey_fraction;
    let hair_darkening = (root_area * root_contrast + stub_area * stub_contrast) * grey;
    let (lo, hi) = limits::DIAMETER_MM;
    for s in &mut plan.sessions {
        let seen = healing
            .look(ink, skin, s.depth_mm, SETTLED_DAYS)
            .seen_linear;
        let ink_contrast = (1.0 - luminance(seen) / luminance(skin)).max(0.05);
        // The same darkening per unit at the same units per area; settled
        // ink darkens by its dot and its halo of migrated ink as well.
        let ink_per_area = ink_contrast
            * (1.0 + crate::skin_optics::ink_halo_gain())
            * ink_held_darkening(s.diameter_spread, ink_contrast);
        let size = plan.hair.stubble_diameter_mm
            * (hair_darkening / (mean_root_area * ink_per_area))
                .max(0.0)
                .sqrt();
        s.shade = shade.to_string();
        s.diameter_mm = size.clamp(lo, hi);
    }
    let (lo, hi) = limits::FINAL_DENSITY_PER_CM2;
    plan.density.final_per_cm2 = (plan.hair.natural_per_cm2 / DOTS_PER_UNIT).clamp(lo, hi);
}

/// What a session's dot darkens on average against a dot of the mean width
/// and ink, where the widths vary by `spread` with the ink held
/// (`ink_share` in the shaders: a dot s times the mean width carries 1/s²
/// of the absorption per area, within 0.5-2, and at most all the light).
/// Under one: darkening is concave in the ink, so a wide pale dot gains
/// less than a tight dense one loses, and the densest saturate.
fn ink_held_darkening(spread: f32, contrast: f32) -> f32 {
    // Light crosses the ink twice: seen / skin = (1 − a)² (`ink_absorption`).
    let absorption = 1.0 - (1.0 - contrast).clamp(0.0, 1.0).sqrt();
    let darkening = |a: f32| 1.0 - (1.0 - a.min(1.0)).powi(2);
    let held = |s: f32| s * s * darkening(absorption * (1.0 / (s * s)).clamp(0.5, 2.0));
    mean_over_spread(spread, held) / darkening(absorption).max(1e-6)
}

/// Area (mm²) of one unit's dots for a dot diameter, on average.
pub fn unit_area_mm2(diameter_mm: f32) -> f32 {
    let dots = mean_over_units(|dots, scale| dots * scale * scale);
    std::f32::consts::PI * (0.5 * diameter_mm).powi(2) * dots
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
    fn varied_widths_with_the_ink_held_darken_less() {
        let square = mean_over_spread(0.2, |s| s * s);
        assert!((square - 1.04).abs() < 1e-3, "{square}");
        assert!((mean_over_spread(0.2, |s| s) - 1.0).abs() < 1e-3);
        assert!((ink_held_darkening(0.0, 0.6) - 1.0).abs() < 1e-4);
        let mut last = 1.0;
        for spread in [0.1, 0.2, 0.3] {
            let d = ink_held_darkening(spread, 0.6);
            assert!(d < last && d > 0.85, "{spread}: {d}");
            last = d;
        }
    }

    #[test]
    fn roots_streak_as_far_as_the_shaft_runs_near_the_skin() {
        crate::wgsl_twins::assert_f32_consts(
            "shaders/splat.wgsl",
            include_str!("../shaders/splat.wgsl"),
            &[("ROOT_ELONGATION", ROOT_ELONGATION)],
        );
        let shaft_mm = ROOT_DEPTH_MM / STUB_ANGLE_DEG.to_radians().tan();
        let streak_mm = TreatmentPlan::default_plan().hair.stubble_diameter_mm * ROOT_ELONGATION;
        assert!(
            (streak_mm / shaft_mm - 1.0).abs() < 0.1,
            "{streak_mm} vs {shaft_mm}"
        );
    }

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
        // Lighter hair: a lighter ink.
        let mut light = plan.clone();
        light.hair.color = "#6a5a4c".into();
        apply(&mut light);
        let y =
            |p: &TreatmentPlan| luminance(pigment_srgb(&p.sessions[0].shade).unwrap().to_linear());
        assert!(
            y(&light) > y(&plan),
            "{} vs {}",
            light.sessions[0].shade,
            plan.sessions[0].shade
        );
        // Longer stubble darkens the hair more: larger impressions to match.
        let mut grown = plan.clone();
        grown.hair.days_since_shaving = 6.0;
        apply(&mut grown);
        assert!(grown.sessions[0].diameter_mm > plan.sessions[0].diameter_mm);
        // Half of it grey: it darkens the skin less, smaller impressions.
        let mut grey = plan.clone();
        grey.hair.grey_fraction = 0.5;
        apply(&mut grey);
        assert!(grey.sessions[0].diameter_mm < plan.sessions[0].diameter_mm);
        grey.hair.grey_fraction = 1.5;
        assert!(
            grey.validate()
                .iter()
                .any(|i| i.to_string().contains("hair.grey_fraction"))
        );
        // Dots that vary in width with their ink held darken less on
        // average (a wide dot is paler): larger impressions to match.
        let mut varied = plan.clone();
        varied
            .sessions
            .iter_mut()
            .for_each(|s| s.diameter_spread = 0.3);
        apply(&mut varied);
        assert!(varied.sessions[0].diameter_mm > plan.sessions[0].diameter_mm);
        // Off: nothing changes.
        let mut off = TreatmentPlan::default_plan();
        let before = off.clone();
        apply(&mut off);
        assert_eq!(off, before);
    }
}
