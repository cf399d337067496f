//! The plan's lights: presets and overrides, resolved to linear colours.

use crate::plan::{AmbientSpec, LightSpec, LightingPreset, LightingSpec, parse_color};
use crate::sessions::{luminance, palette_skin_linear};
use glam::Vec3;

/// One directional light; `direction` points toward the light in camera
/// space (+x right, +y up, +z toward the viewer).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Light {
    pub direction: Vec3,
    /// Linear RGB × intensity.
    pub radiance: [f32; 3],
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LightRig {
    pub key: Light,
    pub fill: Light,
    pub rim: Light,
    pub ambient_sky: [f32; 3],
    pub ambient_ground: [f32; 3],
    pub exposure: f32,
}

fn light(direction: [f32; 3], color: &str, intensity: f32) -> Light {
    let c = parse_color(color).expect("validated colour").to_linear();
    Light {
        direction: Vec3::from(direction).normalize(),
        radiance: c.map(|v| v * intensity),
    }
}

pub fn preset(p: LightingPreset) -> (LightSpec, LightSpec, LightSpec, AmbientSpec) {
    let l = |d: [f32; 3], c: &str, i: f32| LightSpec {
        direction: d,
        color: c.into(),
        intensity: i,
    };
    match p {
        LightingPreset::Clinic => (
            l([-0.55, 0.6, 0.62], "#fff3e6", 2.3),
            l([0.75, 0.05, 0.6], "#e9f0ff", 0.5),
            l([0.35, 0.55, -0.75], "#ffffff", 1.1),
            AmbientSpec {
                color: "#c2ccd9".into(),
                intensity: 0.27,
            },
        ),
        LightingPreset::Daylight => (
            l([0.6, 0.55, 0.55], "#fff6ea", 2.2),
            l([-0.7, 0.0, 0.65], "#dce7ff", 0.55),
            l([-0.4, 0.45, -0.8], "#ffffff", 1.1),
            AmbientSpec {
                color: "#c9d8ee".into(),
                intensity: 0.40,
            },
        ),
    }
}

/// The exposure a camera set for the skin gets when the plan sets none: 0.7
/// on the reference tone (fitzpatrick-3, the palette's skin:
/// `sessions::palette_skin_linear`), where lit skin sits below the tone
/// curve's shoulder. Paler skin is exposed down by the square root of its
/// luminance ratio, so it keeps its colour instead of reaching the shoulder,
/// where the curve desaturates it to an ashen white (fitzpatrick-1 at 0.7 did);
/// darker skin is exposed up by the ratio's fourth root, as a photographer
/// opens up for a dark face without making it look pale.
pub fn exposure_for_skin(skin_linear: [f32; 3]) -> f32 {
    const REFERENCE_EXPOSURE: f32 = 0.7;
    let ratio = luminance(palette_skin_linear()) / luminance(skin_linear).max(1e-4);
    let power = if ratio < 1.0 { 0.5 } else { 0.25 };
    REFERENCE_EXPOSURE * ratio.powf(power)
}

/// The plan's lights; `skin_linear` sets the exposure where the plan does not.
pub fn resolve(spec: &LightingSpec, skin_linear: [f32; 3]) -> LightRig {
    let (key, fill, rim, ambient) = preset(spec.preset);
    let pick = |o: &Option<LightSpec>, d: LightSpec| {
        let s = o.clone().unwrap_or(d);
        light(s.direction, &s.color, s.intensity)
    };
    let amb = spec.ambient.clone().unwrap_or(ambient);
    let sky = parse_color(&amb.color)
        .expect("validated colour")
        .to_linear()
        .map(|v| v * amb.intensity);
    LightRig {
        key: pick(&spec.key, key),
        fill: pick(&spec.fill, fill),
        rim: pick(&spec.rim, rim),
        ambient_sky: sky,
        // Light bounced from clothes and the room below: dimmer and warmer.
        ambient_ground: [sky[0] * 0.45, sky[1] * 0.38, sky[2] * 0.32],
        exposure: spec
            .exposure
            .unwrap_or_else(|| exposure_for_skin(skin_linear)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::skin_tone_srgb;

    fn auto(tone: &str) -> f32 {
        exposure_for_skin(skin_tone_srgb(tone).unwrap().to_linear())
    }

    #[test]
    fn the_camera_is_exposed_for_the_skin_unless_the_plan_sets_it() {
        assert!((auto("fitzpatrick-3") - 0.7).abs() < 1e-4);
        let by_tone: Vec<f32> = (1..=6).map(|k| auto(&format!("fitzpatrick-{k}"))).collect();
        assert!(by_tone.windows(2).all(|w| w[0] < w[1]), "{by_tone:?}");
        // Within the plan's allowed range, and never so far that a dark face
        // is shown pale or a fair one dim.
        assert!(by_tone[0] > 0.5 && by_tone[5] < 1.4, "{by_tone:?}");
        let skin = skin_tone_srgb("fitzpatrick-1").unwrap().to_linear();
        let mut spec = LightingSpec::default();
        assert_eq!(resolve(&spec, skin).exposure, by_tone[0]);
        spec.exposure = Some(0.9);
        assert_eq!(resolve(&spec, skin).exposure, 0.9);
    }
}
