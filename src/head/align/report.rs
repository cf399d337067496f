//! What `smp-preview align` prints: the landmarks found, in the scan's own
//! coordinates and units, then the transform to the head frame and the
//! confidence of each point, each in a table of its own (TOML).

use std::fmt::Write as _;

use super::{Alignment, LANDMARK_NAMES, MIN_FACE_COVERAGE, MIN_HEAD_COVERAGE, frame};

/// A number as TOML writes it, to `digits` significant places.
fn num(v: f32, digits: usize) -> String {
    let magnitude = v.abs().max(1e-30).log10().floor() as i32;
    let decimals = (digits as i32 - 1 - magnitude).clamp(0, 9) as usize;
    let text = format!("{v:.decimals$}");
    if text.contains('.') {
        text
    } else {
        format!("{text}.0")
    }
}

fn point(p: glam::Vec3) -> String {
    format!("[{}, {}, {}]", num(p.x, 6), num(p.y, 6), num(p.z, 6))
}

/// The landmarks as `name = [x, y, z]` lines, then `eye_radius_mm`.
pub fn landmark_lines(a: &Alignment) -> String {
    let mut out = String::new();
    for (name, p) in LANDMARK_NAMES.iter().zip(frame::points(&a.landmarks)) {
        let _ = writeln!(out, "{name} = {}", point(p));
    }
    let _ = writeln!(out, "eye_radius_mm = {}", num(a.landmarks.eye_radius_mm, 3));
    out
}

/// The true landmarks of a corpus scan, as `align` would print them.
pub fn truth_toml(l: &crate::head::Landmarks, unit_mm: f32) -> String {
    let mut out =
        format!("# The true landmarks, in the file's coordinates ({unit_mm} mm per unit).\n");
    for (name, p) in LANDMARK_NAMES.iter().zip(frame::points(l)) {
        let _ = writeln!(out, "{name} = {}", point(p));
    }
    out
}

/// The whole report for the scan `file`.
pub fn to_toml(a: &Alignment, file: &str) -> String {
    let mut out = format!(
        "# smp-preview align {file}\n# Landmarks in the file's own coordinates and units \
         (ear_left = the client's left).\n"
    );
    out += &landmark_lines(a);
    let unit = a.unit.map_or(
        "none recognised: the scale fitted to a typical head".into(),
        |u| u.to_string(),
    );
    let r = a.to_head.rotation.transpose();
    let _ = write!(
        out,
        "\n# head = scale_to_mm * rotation * file + translation_mm (rows of the rotation).\n\
         [transform]\nunit = {unit:?}\nscale_to_mm = {}\nrotation = [{}, {}, {}]\ntranslation_mm = {}\n",
        num(a.to_head.scale, 6),
        point(r.x_axis),
        point(r.y_axis),
        point(r.z_axis),
        point(a.to_head.translation),
    );
    let _ = write!(
        out,
        "\n# 0-1 per landmark: the share of the head's surface round it that lies on the scan.\n\
         [confidence]\n"
    );
    for (name, c) in LANDMARK_NAMES.iter().zip(a.confidence) {
        let _ = writeln!(out, "{name} = {}", num(c, 2));
    }
    let _ = write!(
        out,
        "\n# Share of a head's surface on the scan (needs {:.2}), of its face (needs {:.2}), \
         and the fit's RMS distance.\n[fit]\nhead_coverage = {}\nface_coverage = {}\nrms_mm = {}\n",
        MIN_HEAD_COVERAGE,
        MIN_FACE_COVERAGE,
        num(a.head_coverage, 2),
        num(a.face_coverage, 2),
        num(a.fit_rms_mm, 2),
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_toml_floats() {
        assert_eq!(num(0.0012345678, 6), "0.00123457");
        assert_eq!(num(120.0, 6), "120.000");
        assert_eq!(num(-3.0, 2), "-3.0");
        assert_eq!(num(1234567.0, 3), "1234567.0");
    }
}
