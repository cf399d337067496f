//! Anatomical landmarks: what the hairline and the views are placed from.

use std::path::Path;

use glam::Vec3;
use serde::Deserialize;

use super::{HeadError, HeadShape, builtin};

/// Anatomical landmarks in the head frame (mm).
#[derive(Clone, Copy, Debug, PartialEq, Deserialize)]
#[serde(try_from = "LandmarksToml")]
pub struct Landmarks {
    /// Most prominent midline point of the brow ridge, between the eyebrows.
    pub glabella: Vec3,
    /// Highest point of the head.
    pub vertex: Vec3,
    /// Left ear canal (client's left, +X).
    pub ear_left: Vec3,
    /// Right ear canal (-X).
    pub ear_right: Vec3,
    /// External occipital protuberance (most posterior midline point above the ears).
    pub inion: Vec3,
    /// Centre of the left eyeball (+X).
    pub eye_left: Vec3,
    /// Centre of the right eyeball (-X).
    pub eye_right: Vec3,
    /// Eyeball radius.
    pub eye_radius_mm: f32,
}

/// The on-disk form of [`Landmarks`] (points as `[x, y, z]`).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LandmarksToml {
    glabella: [f32; 3],
    vertex: [f32; 3],
    ear_left: [f32; 3],
    ear_right: [f32; 3],
    inion: [f32; 3],
    eye_left: [f32; 3],
    eye_right: [f32; 3],
    eye_radius_mm: f32,
}

impl TryFrom<LandmarksToml> for Landmarks {
    type Error = String;

    fn try_from(t: LandmarksToml) -> Result<Self, String> {
        let points = [
            ("glabella", t.glabella),
            ("vertex", t.vertex),
            ("ear_left", t.ear_left),
            ("ear_right", t.ear_right),
            ("inion", t.inion),
            ("eye_left", t.eye_left),
            ("eye_right", t.eye_right),
        ];
        for (name, p) in points {
            if !p.iter().all(|c| c.is_finite()) {
                return Err(format!("{name} = {p:?} has a non-finite coordinate"));
            }
        }
        if !(t.eye_radius_mm.is_finite() && t.eye_radius_mm > 0.0 && t.eye_radius_mm <= 50.0) {
            return Err(format!(
                "eye_radius_mm = {} is out of range (allowed: > 0 and <= 50 mm)",
                t.eye_radius_mm
            ));
        }
        Ok(Landmarks {
            glabella: t.glabella.into(),
            vertex: t.vertex.into(),
            ear_left: t.ear_left.into(),
            ear_right: t.ear_right.into(),
            inion: t.inion.into(),
            eye_left: t.eye_left.into(),
            eye_right: t.eye_right.into(),
            eye_radius_mm: t.eye_radius_mm,
        })
    }
}

impl Landmarks {
    /// Parses the `landmarks.toml` format; `name` (a path or description) is used in errors.
    pub fn from_toml_str(text: &str, name: &str) -> Result<Self, HeadError> {
        toml::from_str(text).map_err(|e| HeadError::Landmarks {
            file: name.to_string(),
            message: e.to_string().trim_end().to_string(),
        })
    }

    /// Reads a `landmarks.toml` file.
    pub fn load(path: &Path) -> Result<Self, HeadError> {
        let text =
            crate::files::read_regular_string(path, crate::files::MAX_PLAN_BYTES, "landmarks")
                .map_err(|e| HeadError::Read(e.to_string()))?;
        Self::from_toml_str(&text, &path.display().to_string())
    }

    /// Landmarks of the built-in head in its default shape.
    pub fn builtin() -> Self {
        static DEFAULT: std::sync::OnceLock<Landmarks> = std::sync::OnceLock::new();
        *DEFAULT.get_or_init(|| {
            builtin::pieces(&HeadShape::default())
                .expect("the default head shape has its landmarks")
                .1
        })
    }

    /// Midpoint of the ear canals (the head-frame origin for the built-in head).
    pub fn ear_midpoint(&self) -> Vec3 {
        0.5 * (self.ear_left + self.ear_right)
    }
}
