//! The plan's lights: presets and overrides, resolved to linear colours.

use crate::plan::{AmbientSpec, LightSpec, LightingPreset, LightingSpec, parse_color};
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

pub fn resolve(spec: &LightingSpec) -> LightRig {
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
        exposure: spec.exposure,
    }
}
