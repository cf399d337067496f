//! A corpus scan's colour, as a phone scan records it: skin with its
//! blotches and redder cheeks, lips, brows, the grey of a shaved scalp and
//! beard, eyes with iris and pupil, the top's fabric. Painted per vertex
//! in the head frame, from the landmarks.

use glam::Vec3;

use crate::head::{Landmarks, MATERIAL_CLOTH, MATERIAL_EYE};

fn mix(a: Vec3, b: Vec3, t: f32) -> Vec3 {
    a + (b - a) * t.clamp(0.0, 1.0)
}

/// 1 inside a soft box round `centre` of half-size `half`, 0 well outside.
fn near(p: Vec3, centre: Vec3, half: Vec3) -> f32 {
    let d = ((p - centre).abs() / half).max_element();
    (1.5 - d).clamp(0.0, 1.0).min(1.0)
}

/// The colour (sRGB 0-255) at `p` (head frame, mm) of a vertex of `material`.
pub fn color_at(p: Vec3, material: u32, l: &Landmarks, menton: Vec3) -> [u8; 4] {
    let c = match material {
        MATERIAL_CLOTH => Vec3::new(58.0, 62.0, 70.0),
        MATERIAL_EYE => eye(p, l),
        _ => skin(p, l, menton),
    };
    let c = c.clamp(Vec3::ZERO, Vec3::splat(255.0));
    [c.x as u8, c.y as u8, c.z as u8, 255]
}

fn eye(p: Vec3, l: &Landmarks) -> Vec3 {
    let centre = if p.x > 0.0 { l.eye_left } else { l.eye_right };
    let front = (p - centre).normalize_or_zero().z;
    if front > 0.988 {
        Vec3::splat(12.0)
    } else if front > 0.91 {
        Vec3::new(84.0, 58.0, 40.0)
    } else {
        Vec3::new(228.0, 222.0, 215.0)
    }
}

fn skin(p: Vec3, l: &Landmarks, menton: Vec3) -> Vec3 {
    let blotch = (p.x / 11.0).sin() * (p.y / 13.0).sin() * (p.z / 17.0).sin();
    let mut c = Vec3::new(206.0, 152.0, 124.0) * (1.0 + 0.05 * blotch);
    let eye_y = 0.5 * (l.eye_left.y + l.eye_right.y);
    let front_z = l.glabella.z - 25.0;
    // Cheeks a little redder, lips red.
    for side in [-1.0, 1.0] {
        let cheek = near(
            p,
            Vec3::new(side * 42.0, eye_y - 30.0, front_z),
            Vec3::new(16.0, 14.0, 30.0),
        );
        c = mix(c, Vec3::new(214.0, 138.0, 118.0), 0.45 * cheek);
    }
    let mouth_y = menton.y + 0.32 * (eye_y - menton.y);
    let lips = near(
        p,
        Vec3::new(0.0, mouth_y, front_z),
        Vec3::new(22.0, 5.5, 30.0),
    );
    c = mix(c, Vec3::new(172.0, 92.0, 88.0), 0.8 * lips);
    // Brows: dark hair over the brow ridge.
    for side in [-1.0, 1.0] {
        let brow = near(
            p,
            Vec3::new(side * 33.0, eye_y + 17.0, front_z),
            Vec3::new(19.0, 4.0, 40.0),
        );
        c = mix(c, Vec3::new(58.0, 44.0, 36.0), 0.9 * brow);
    }
    // A shaved scalp and beard: dark stubble in the skin.
    let hairline_y = l.glabella.y + 49.0;
    let scalp = ((p.y - hairline_y) / 8.0 + 0.5).clamp(0.0, 1.0)
        * ((p.z - front_z + 60.0) / 40.0)
            .clamp(0.0, 1.0)
            .max(((p.y - l.ear_left.y - 25.0) / 10.0).clamp(0.0, 1.0));
    c = mix(c, Vec3::new(120.0, 104.0, 96.0), 0.35 * scalp);
    let beard = ((mouth_y + 6.0 - p.y) / 10.0).clamp(0.0, 1.0)
        * ((p.z - l.ear_left.z) / 30.0).clamp(0.0, 1.0);
    c = mix(c, Vec3::new(150.0, 126.0, 118.0), 0.3 * beard);
    c
}
