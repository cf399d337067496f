//! Landmarks of the built-in head, found on its (morphed) vertices by fixed
//! rules, so that they follow every shape: no hand-picked vertex ids.
//! Works in the hm08 source axes (+Y up, +Z out of the face, +X the client's
//! left), in millimetres, before the head is moved into the head frame.
//!
//! - midline: skin vertices with |x| < 0.5 mm (hm08's midline has x = 0);
//! - eyes: centroid of each eyeball's vertices, radius their mean distance;
//! - glabella: the most anterior midline point from the eye centres' height
//!   to 45 mm above it (the outer profile; the nasion lies just below);
//! - vertex: the highest skin point;
//! - ear canals: ear vertices stick out past the skull's half-width (measured
//!   20-40 mm above the eyes) by 2 mm within 60 mm of eye height; the canal
//!   lies a quarter of the ear's depth behind its front edge, at the ear
//!   vertices' mean height, on the innermost skin within 8 mm; left and right
//!   are averaged into mirror images;
//! - inion: the most posterior midline point from the ear canals' height to
//!   60 mm above it;
//! - menton: the lowest midline point of the front profile (no more than 25 mm
//!   behind the eye centres).

use super::Landmarks;
use glam::Vec3;

const MIDLINE_MM: f32 = 0.5;
const GLABELLA_BAND_MM: f32 = 45.0;
const SKULL_BAND_MM: (f32, f32) = (20.0, 40.0);
const EAR_MARGIN_MM: f32 = 2.0;
const EAR_BAND_MM: f32 = 60.0;
const CANAL_FRONT_FRACTION: f32 = 0.25;
const CANAL_SURFACE_RADIUS_MM: f32 = 8.0;
const INION_BAND_MM: f32 = 60.0;
const MENTON_FRONT_MM: f32 = 25.0;

/// The landmarks and the chin, in the source frame.
pub struct Found {
    pub landmarks: Landmarks,
    pub menton: Vec3,
}

fn centroid(pts: &[Vec3]) -> Vec3 {
    pts.iter().copied().sum::<Vec3>() / pts.len().max(1) as f32
}

fn mirror_x(p: Vec3) -> Vec3 {
    Vec3::new(-p.x, p.y, p.z)
}

/// Ear canal of one side (`side` = +1 for the client's left, -1 the right).
fn ear_canal(skin: &[Vec3], eye_y: f32, skull_half_width: f32, side: f32) -> Result<Vec3, String> {
    let ear: Vec<Vec3> = skin
        .iter()
        .copied()
        .filter(|p| {
            p.x * side > skull_half_width + EAR_MARGIN_MM && (p.y - eye_y).abs() < EAR_BAND_MM
        })
        .collect();
    if ear.len() < 10 {
        return Err(format!("only {} ear vertices on side {side}", ear.len()));
    }
    let y = centroid(&ear).y;
    let z_min = ear.iter().map(|p| p.z).fold(f32::INFINITY, f32::min);
    let z_max = ear.iter().map(|p| p.z).fold(f32::NEG_INFINITY, f32::max);
    let z = z_max - CANAL_FRONT_FRACTION * (z_max - z_min);
    let x = skin
        .iter()
        .filter(|p| p.x * side > 0.5 * skull_half_width)
        .filter(|p| (p.y - y).hypot(p.z - z) < CANAL_SURFACE_RADIUS_MM)
        .map(|p| p.x * side)
        .fold(f32::INFINITY, f32::min);
    if !x.is_finite() {
        return Err("no skin under the ear canal".into());
    }
    Ok(Vec3::new(x * side, y, z))
}

/// Finds the landmarks on skin and eyeball vertices (mm, source axes).
pub fn find(skin: &[Vec3], eye_l: &[Vec3], eye_r: &[Vec3]) -> Result<Found, String> {
    let eye_left = centroid(eye_l);
    let eye_right = centroid(eye_r);
    let radius =
        |pts: &[Vec3], c: Vec3| pts.iter().map(|p| p.distance(c)).sum::<f32>() / pts.len() as f32;
    let eye_radius_mm = 0.5 * (radius(eye_l, eye_left) + radius(eye_r, eye_right));
    let eye_y = 0.5 * (eye_left.y + eye_right.y);
    let eye_z = 0.5 * (eye_left.z + eye_right.z);
    let midline: Vec<Vec3> = skin
        .iter()
        .copied()
        .filter(|p| p.x.abs() < MIDLINE_MM)
        .collect();
    let highest = |a: &Vec3, b: &Vec3| a.y.total_cmp(&b.y);
    let glabella = midline
        .iter()
        .copied()
        .filter(|p| p.y >= eye_y && p.y <= eye_y + GLABELLA_BAND_MM)
        .max_by(|a, b| a.z.total_cmp(&b.z))
        .ok_or("no midline skin in the glabella band")?;
    let vertex = skin.iter().copied().max_by(highest).ok_or("no skin")?;
    let skull_half_width = skin
        .iter()
        .filter(|p| p.y > eye_y + SKULL_BAND_MM.0 && p.y < eye_y + SKULL_BAND_MM.1)
        .map(|p| p.x.abs())
        .fold(0.0f32, f32::max);
    let ear_l = ear_canal(skin, eye_y, skull_half_width, 1.0)?;
    let ear_r = ear_canal(skin, eye_y, skull_half_width, -1.0)?;
    let ear_left = 0.5 * (ear_l + mirror_x(ear_r));
    let ear_right = mirror_x(ear_left);
    let inion = midline
        .iter()
        .copied()
        .filter(|p| p.y >= ear_left.y && p.y <= ear_left.y + INION_BAND_MM)
        .min_by(|a, b| a.z.total_cmp(&b.z))
        .ok_or("no midline skin in the inion band")?;
    let menton = midline
        .iter()
        .copied()
        .filter(|p| p.z > eye_z - MENTON_FRONT_MM)
        .min_by(highest)
        .ok_or("no chin")?;
    Ok(Found {
        landmarks: Landmarks {
            glabella,
            vertex,
            ear_left,
            ear_right,
            inion,
            eye_left,
            eye_right,
            eye_radius_mm,
        },
        menton,
    })
}
