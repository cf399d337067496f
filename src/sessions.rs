//! Sessions as layers of impressions, and how their pigment looks on the day shown.
//!
//! Healing model (documented in the README): fresh carbon pigment sits high and
//! looks like the ink; over about four weeks the skin closes over it, so the
//! impression looks lighter, cooler and softer-edged. The colour comes from
//! the skin optics (`skin_optics::ink_under_skin`): the skin grown back over
//! the ink scatters light back before it reaches the ink, blue most, so
//! healed carbon is grey to blue-grey, bluer the deeper it lies. The ink
//! itself also thins (`healed_lightening`) and keeps fading slowly.

use crate::plan::{HealingSpec, TreatmentPlan, pigment_srgb, skin_tone_srgb};
use crate::skin_optics::ink_under_skin;

/// Ink kept through healing, per impression, against its session's mean
/// (`healed_lightening` is the mean): scabs come off at about a week taking
/// some pigment (DESIGN.md), more from some impressions than others. This
/// share of the impressions keeps `WEAK_KEPT` of the ink; the rest a little
/// more than the mean, so that the session's mean stays 1.
pub const WEAK_SHARE: f32 = 0.12;
pub const WEAK_KEPT: (f32, f32) = (0.3, 0.7);
pub const STRONG_KEPT_SPREAD: f32 = 0.08;

/// The mean the strong impressions keep (`STRONG_KEPT_MEAN` in
/// `shaders/splat.wgsl`).
pub fn strong_kept_mean() -> f32 {
    let weak_mean = 0.5 * (WEAK_KEPT.0 + WEAK_KEPT.1);
    (1.0 - WEAK_SHARE * weak_mean) / (1.0 - WEAK_SHARE)
}

/// How much of its ink an impression keeps once healed, for its uniform
/// random number `u` and the healed fraction: the twin of `ink_retained` in
/// `shaders/splat.wgsl`.
pub fn ink_retained(u: f32, healed: f32) -> f32 {
    let kept = if u < WEAK_SHARE {
        WEAK_KEPT.0 + (WEAK_KEPT.1 - WEAK_KEPT.0) * u / WEAK_SHARE
    } else {
        let v = (u - WEAK_SHARE) / (1.0 - WEAK_SHARE);
        strong_kept_mean() + STRONG_KEPT_SPREAD * (2.0 * v - 1.0)
    };
    1.0 + (kept - 1.0) * healed
}

/// Edge softness of an impression, as a fraction of its radius.
pub const FRESH_SOFTNESS: f32 = 0.10;
pub const HEALED_SOFTNESS: f32 = 0.30;
/// e-folding time of the redness around fresh impressions.
pub const REDNESS_DAYS: f32 = 2.5;

/// How one session's impressions look at the moment shown.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SessionLook {
    /// Linear RGB reflectance of the impression as seen.
    pub seen_linear: [f32; 3],
    /// Soft edge width, fraction of the radius.
    pub softness: f32,
    /// 0 on the day, → 1 when healed.
    pub healed: f32,
    /// Strength of the red halo around fresh impressions (0-1).
    pub redness: f32,
    /// False when the session has not happened yet at the moment shown.
    pub visible: bool,
}

/// The healing model's parameters, from the plan.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Healing {
    pub settle_days: f32,
    pub healed_lightening: f32,
    /// Fade per year once healed, sun included.
    pub fade_per_year: f32,
    pub redness: f32,
}

impl Healing {
    pub fn from_plan(h: &HealingSpec) -> Healing {
        Healing {
            settle_days: h.settle_days,
            healed_lightening: h.healed_lightening,
            // Sun breaks carbon down faster: the rate scales with exposure.
            fade_per_year: h.fade_per_year * h.sun_exposure,
            redness: h.redness,
        }
    }

    /// Fraction healed after `days`.
    pub fn healed_fraction(&self, days: f32) -> f32 {
        1.0 - (-days.max(0.0) / self.settle_days).exp()
    }

    /// Lightening in L* (fraction) `days` after placing: settling while it
    /// heals, then a slow exponential fade.
    pub fn lightening(&self, days: f32) -> f32 {
        let years_after = ((days - 3.0 * self.settle_days) / 365.0).max(0.0);
        self.healed_fraction(days) * self.healed_lightening
            + (1.0 - (-self.fade_per_year * years_after).exp())
    }

    /// The look of ink `ink_linear` placed `depth_mm` deep in skin
    /// `skin_linear`, `days` after placing.
    pub fn look(
        &self,
        ink_linear: [f32; 3],
        skin_linear: [f32; 3],
        depth_mm: f32,
        days: f32,
    ) -> SessionLook {
        let healed = self.healed_fraction(days);
        // The ink thins (macrophages, sun): L* ∝ Y^⅓, so lighter by `l` in
        // L* is × (1 + l)³ in the ink's own reflectance.
        let gain = (1.0 + self.lightening(days)).powi(3);
        let melanin = melanin_over_ink(skin_linear);
        let ink: [f32; 3] =
            std::array::from_fn(|c| (ink_linear[c] * gain * melanin).min(skin_linear[c]));
        let seen_linear = ink_under_skin(skin_linear, ink, depth_mm, healed);
        SessionLook {
            seen_linear,
            softness: FRESH_SOFTNESS + (HEALED_SOFTNESS - FRESH_SOFTNESS) * healed,
            healed,
            redness: self.redness * (-days.max(0.0) / REDNESS_DAYS).exp(),
            visible: true,
        }
    }
}

/// The skin the palette's shades are given on (`pigment_palette`: the
/// fresh ink's look on the skin): fitzpatrick-3.
pub fn palette_skin_linear() -> [f32; 3] {
    skin_tone_srgb("fitzpatrick-3")
        .expect("a preset")
        .to_linear()
}

/// How much darker ink looks on this skin than the palette says (0-1]:
/// the palette's shades are their looks on the palette's skin. Skin darker
/// than that has more melanin round and over the ink (the epidermis over a
/// healed dot carries it; the wound's edges on the day), filtering the light
/// to and from the ink as it does the light to and from the dermis round it,
/// so the same ink looks darker in proportion and keeps its contrast with
/// the skin: SMP shows on dark skin as a shadow, not a faint veil. On skin
/// fairer than the palette's, the palette's look stands (1). One grey factor
/// (luminance), so the ink keeps its hue, the same on every day, so fading
/// stays monotone.
pub fn melanin_over_ink(skin_linear: [f32; 3]) -> f32 {
    (luminance(skin_linear) / luminance(palette_skin_linear()).max(1e-4)).min(1.0)
}

/// Each session's age (days) at the day shown, counting a later refresh
/// (which re-inks the impressions already there); `None` if not yet placed.
pub fn session_ages(
    plan: &TreatmentPlan,
    shown_session: Option<usize>,
    shown_day: f32,
) -> Vec<Option<f32>> {
    let days = plan.session_days();
    (0..plan.sessions.len())
        .map(|i| {
            let shown_session = shown_session.filter(|&k| i <= k)?;
            let last_inked = (i..=shown_session)
                .filter(|&j| j == i || plan.sessions[j].refresh)
                .map(|j| days[j])
                .fold(days[i], f32::max);
            Some((shown_day - last_inked).max(0.0))
        })
        .collect()
}

/// The look of every session of a valid plan at the plan's moment.
pub fn session_looks(plan: &TreatmentPlan) -> Vec<SessionLook> {
    let skin = skin_tone_srgb(&plan.skin.tone)
        .expect("validated plan")
        .to_linear();
    let healing = Healing::from_plan(&plan.healing);
    let ages = session_ages(plan, plan.shown_session(), plan.shown_day());
    plan.sessions
        .iter()
        .zip(ages)
        .map(|(s, age)| {
            let ink = pigment_srgb(&s.shade).expect("validated plan").to_linear();
            let look = healing.look(ink, skin, s.depth_mm, age.unwrap_or(0.0));
            SessionLook {
                visible: age.is_some(),
                ..look
            }
        })
        .collect()
}

/// How ink `ink_linear` laid in the last session shown looks at the moment
/// shown (scar shades, which follow that session).
pub fn shown_look(plan: &TreatmentPlan, ink_linear: [f32; 3]) -> SessionLook {
    let skin = skin_tone_srgb(&plan.skin.tone)
        .expect("validated plan")
        .to_linear();
    let k = plan.shown_session().unwrap_or(0);
    let age = (plan.shown_day() - plan.session_days()[k]).max(0.0);
    Healing::from_plan(&plan.healing).look(ink_linear, skin, plan.sessions[k].depth_mm, age)
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

    /// Healed ink keeps most of its contrast on dark skin (the melanin round
    /// it), and is as the palette says on the palette's skin.
    #[test]
    fn healed_ink_keeps_its_contrast_on_dark_skin() {
        let h = Healing::from_plan(&crate::plan::HealingSpec::default());
        let ink = pigment_srgb("soft-black").unwrap().to_linear();
        let contrast = |tone: &str| {
            let skin = skin_tone_srgb(tone).unwrap().to_linear();
            let seen = h.look(ink, skin, 0.5, 120.0).seen_linear;
            1.0 - luminance(seen) / luminance(skin)
        };
        let (fair, palette, dark) = (
            contrast("fitzpatrick-1"),
            contrast("fitzpatrick-3"),
            contrast("fitzpatrick-5"),
        );
        println!(
            "healed soft-black: contrast {fair:.3} on fitzpatrick-1, {palette:.3} on -3, {dark:.3} on -5"
        );
        assert!(dark > 0.7 * palette, "{dark} vs {palette}");
        assert!(fair > 0.8 * palette, "{fair} vs {palette}");
        assert_eq!(melanin_over_ink(palette_skin_linear()), 1.0);
    }

    fn healing(sun: f32) -> Healing {
        Healing::from_plan(&HealingSpec {
            sun_exposure: sun,
            ..HealingSpec::default()
        })
    }

    #[test]
    fn healing_lightens_and_cools_over_time() {
        let h = healing(1.0);
        let ink = [0.02, 0.02, 0.02];
        let skin = [0.6, 0.4, 0.3];
        let fresh = h.look(ink, skin, 0.5, 0.0);
        let healed = h.look(ink, skin, 0.5, 60.0);
        let years = h.look(ink, skin, 0.5, 5.0 * 365.0);
        assert!(luminance(fresh.seen_linear) < luminance(healed.seen_linear));
        assert!(luminance(healed.seen_linear) < luminance(years.seen_linear));
        assert!(healed.softness > fresh.softness);
        assert!(fresh.redness > 0.4 && healed.redness < 1e-6);
        // Cooler: blue gains relative to red once healed, against the warm skin pull.
        let grey = [0.5, 0.5, 0.5];
        let ratio = |c: [f32; 3]| c[2] / c[0];
        assert!(ratio(h.look(ink, grey, 0.5, 60.0).seen_linear) > ratio(fresh.seen_linear));
    }

    #[test]
    fn fade_is_monotone_and_faster_with_sun() {
        let ink = [0.02, 0.02, 0.02];
        let skin = [0.6, 0.4, 0.3];
        for sun in [0.0, 1.0, 3.0] {
            let h = healing(sun);
            let mut last = 0.0;
            for day in (0..3650).step_by(10) {
                let y = luminance(h.look(ink, skin, 0.5, day as f32).seen_linear);
                assert!(y >= last, "sun {sun}: day {day} darker than before");
                last = y;
            }
        }
        let at = |sun, years: f32| {
            luminance(healing(sun).look(ink, skin, 0.5, years * 365.0).seen_linear)
        };
        assert!(at(3.0, 5.0) > at(1.0, 5.0) && at(1.0, 5.0) > at(0.0, 5.0));
        // With no sun the look stays as healed.
        assert!((at(0.0, 5.0) - at(0.0, 0.5)).abs() < 1e-4);
    }

    #[test]
    fn healing_takes_more_ink_from_some_impressions_keeping_the_mean() {
        let n = 100_000;
        let kept: Vec<f32> = (0..n)
            .map(|i| ink_retained((i as f32 + 0.5) / n as f32, 1.0))
            .collect();
        let mean = kept.iter().sum::<f32>() / n as f32;
        assert!((mean - 1.0).abs() < 1e-3, "{mean}");
        let weak = kept.iter().filter(|&&k| k < 0.75).count() as f32 / n as f32;
        assert!((weak - WEAK_SHARE).abs() < 0.005, "{weak}");
        assert!(kept.iter().all(|&k| (0.3..=1.15).contains(&k)));
        // On the day every impression holds all its ink.
        assert!((0..10).all(|i| ink_retained(i as f32 / 10.0, 0.0) == 1.0));
        // The shader's constant.
        assert!(
            (strong_kept_mean() - 1.0682).abs() < 1e-4,
            "{}",
            strong_kept_mean()
        );
    }

    #[test]
    fn deeper_ink_heals_bluer() {
        let h = healing(1.0);
        let ink = [0.02, 0.02, 0.02];
        let grey = [0.5, 0.5, 0.5];
        let ratio = |d: f32| {
            let c = h.look(ink, grey, d, 90.0).seen_linear;
            c[2] / c[0]
        };
        assert!(ratio(1.0) > ratio(0.3));
    }

    #[test]
    fn healed_fraction_is_about_95_percent_at_four_weeks() {
        let f = healing(1.0).healed_fraction(28.0);
        assert!((0.93..0.97).contains(&f), "{f}");
    }

    #[test]
    fn session_two_is_darker_than_session_one_by_default() {
        let plan = TreatmentPlan::default_plan();
        let looks = session_looks(&plan);
        assert!(luminance(looks[1].seen_linear) < luminance(looks[0].seen_linear));
        let defaults = TreatmentPlan::from_toml_str("", "empty").unwrap();
        let looks = session_looks(&defaults);
        assert!(luminance(looks[1].seen_linear) < luminance(looks[0].seen_linear));
    }

    #[test]
    fn later_sessions_are_hidden_and_refresh_resets_age() {
        let text = r#"
[[sessions]]
shade = "dark"
share = 0.6
day = 0
[[sessions]]
shade = "dark"
share = 0.4
day = 20
[[sessions]]
shade = "dark"
share = 0.0
day = 1500
refresh = true
"#;
        let plan = TreatmentPlan::from_toml_str(text, "t").unwrap();
        assert_eq!(session_ages(&plan, None, 0.0), vec![None, None, None]);
        assert_eq!(
            session_ages(&plan, Some(0), 10.0),
            vec![Some(10.0), None, None]
        );
        assert_eq!(
            session_ages(&plan, Some(1), 30.0),
            vec![Some(30.0), Some(10.0), None]
        );
        assert_eq!(
            session_ages(&plan, Some(2), 1510.0),
            vec![Some(10.0), Some(10.0), Some(10.0)]
        );
    }
}
