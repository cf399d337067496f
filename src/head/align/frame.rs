//! From landmarks in a file's own coordinates to the head frame: the file's
//! unit, then the rotation and offset that put its landmarks where the
//! template head has them, with the origin midway between the ear canals.
//! Found and given landmarks go through this one rule, so a plan written by
//! `align` and a plan that only names the scan frame it the same way.

use glam::Vec3;

use super::fit::{Scale, Similarity, umeyama};
use super::template::Template;
use crate::head::Landmarks;

/// Units a scan may come in, and millimetres per unit.
pub const UNITS: [(&str, f32); 6] = [
    ("mm", 1.0),
    ("cm", 10.0),
    ("in", 25.4),
    ("dm", 100.0),
    ("ft", 304.8),
    ("m", 1000.0),
];
/// A fitted scale is taken for a unit when the head it makes is within this
/// factor of the template's size (heads vary about ±15 %; the nearest units,
/// cm and in, are 2.54 apart).
const UNIT_TOLERANCE: f32 = 1.35;

/// The unit nearest a fitted scale (mm per file unit): `(scale, Some(unit))`,
/// or the fitted scale itself when no unit is near (a scan in arbitrary units).
pub fn snap_to_unit(fitted: f32) -> (f32, Option<&'static str>) {
    let (name, mm) = UNITS
        .iter()
        .copied()
        .min_by(|a, b| {
            let off = |u: f32| (fitted / u).ln().abs();
            off(a.1).total_cmp(&off(b.1))
        })
        .expect("units are listed");
    if (fitted / mm).ln().abs() <= UNIT_TOLERANCE.ln() {
        (mm, Some(name))
    } else {
        (fitted, None)
    }
}

/// The seven points, in `LANDMARK_NAMES` order.
pub fn points(l: &Landmarks) -> [Vec3; 7] {
    [
        l.glabella,
        l.vertex,
        l.ear_left,
        l.ear_right,
        l.inion,
        l.eye_left,
        l.eye_right,
    ]
}

/// Landmarks from the seven points in `points` order.
pub fn from_points(p: [Vec3; 7], eye_radius_mm: f32) -> Landmarks {
    let [
        glabella,
        vertex,
        ear_left,
        ear_right,
        inion,
        eye_left,
        eye_right,
    ] = p;
    Landmarks {
        glabella,
        vertex,
        ear_left,
        ear_right,
        inion,
        eye_left,
        eye_right,
        eye_radius_mm,
    }
}

/// The head frame of landmarks given in a file's coordinates: `scale_to_mm`
/// when known, else the unit the landmarks' spread suggests. `None` when
/// the points are degenerate (all in a line).
pub fn head_frame(
    file: &Landmarks,
    scale_to_mm: Option<f32>,
) -> Option<(Similarity, Option<&'static str>)> {
    let template = points(&Template::get().landmarks);
    let given = points(file);
    let weights = [1.0; 7];
    let (scale, unit) = match scale_to_mm {
        Some(s) => (s, None),
        None => snap_to_unit(umeyama(&given, &template, &weights, Scale::Fit)?.scale),
    };
    let mut to_head = umeyama(&given, &template, &weights, Scale::Fixed(scale))?;
    let ears = to_head.apply(file.ear_midpoint());
    to_head.translation -= ears;
    Some((to_head, unit))
}

/// `file` (landmarks in a file's coordinates) in the head frame.
pub fn landmarks_in_head_frame(file: &Landmarks, to_head: &Similarity) -> Landmarks {
    from_points(points(file).map(|p| to_head.apply(p)), file.eye_radius_mm)
}

#[cfg(test)]
mod tests {
    use super::*;
    use glam::{Mat3, Quat};

    #[test]
    fn units_snap_to_the_nearest() {
        assert_eq!(snap_to_unit(1.1), (1.0, Some("mm")));
        assert_eq!(snap_to_unit(870.0), (1000.0, Some("m")));
        assert_eq!(snap_to_unit(23.0), (25.4, Some("in")));
        assert_eq!(snap_to_unit(11.5), (10.0, Some("cm")));
        // A scan normalised to a unit box is in no unit.
        assert_eq!(snap_to_unit(480.0).1, None);
    }

    #[test]
    fn the_builtin_landmarks_frame_themselves_as_they_are() {
        let l = Template::get().landmarks;
        let (f, unit) = head_frame(&l, None).unwrap();
        assert_eq!(unit, Some("mm"));
        for p in points(&l) {
            assert!(f.apply(p).distance(p) < 1e-3, "{p}");
        }
    }

    #[test]
    fn moved_landmarks_come_back() {
        let l = Template::get().landmarks;
        let file_of = Similarity {
            scale: 1.0 / 25.4,
            rotation: Mat3::from_quat(Quat::from_euler(glam::EulerRot::YXZ, 2.0, -0.7, 0.3)),
            translation: Vec3::new(3.0, -9.0, 40.0),
        };
        let moved = Landmarks {
            eye_radius_mm: l.eye_radius_mm,
            ..landmarks_in_head_frame(&l, &file_of)
        };
        let (f, unit) = head_frame(&moved, None).unwrap();
        assert_eq!(unit, Some("in"));
        let back = landmarks_in_head_frame(&moved, &f);
        for (a, b) in points(&back).into_iter().zip(points(&l)) {
            assert!(a.distance(b) < 1e-2, "{a} vs {b}");
        }
    }
}
