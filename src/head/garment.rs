//! A plain crew-neck top over the built-in head's neck cut, so that the head
//! ends as a person does (neck, collar, shoulders) rather than as a cut in
//! the air. Made from the cut itself, so it follows every morph: a rolled rib
//! collar on the neck, then shoulders sized from the neck, falling out of the
//! frame.

use super::Piece;
use glam::{Vec2, Vec3};

/// Shoulder half-width and half-depth as multiples of the neck's.
const SHOULDER_WIDTH_PER_NECK: f32 = 3.7;
const SHOULDER_DEPTH_PER_NECK: f32 = 2.0;
/// Superellipse exponent of the shoulders' outline: boxier than an ellipse.
const SHOULDER_SQUARENESS: f32 = 3.0;
/// The armpits' creases in the outline: where across the shoulders (share
/// of the half-width), how wide (share), how deep (share of the depth).
const ARMPIT_AT: f32 = 0.74;
const ARMPIT_WIDTH: f32 = 0.09;
const ARMPIT_DEPTH: f32 = 0.22;
/// The upper arms' caps are shallower front to back than the chest: the
/// outline's depth narrows by this share towards the shoulders' ends, from
/// `CAP_FROM` of the half-width out, so seen from above the shoulders end in
/// round caps rather than a slab's corners.
const CAP_NARROWING: f32 = 0.3;
const CAP_FROM: f32 = 0.55;
/// Front and back, the top falls away faster than along the shoulders
/// (the chest and the shoulder blades under the trapezius' slope): straight
/// ahead or behind, a ring's drop grows by this share of itself times the
/// ring's share of the way out, so from above a ridge runs out along each
/// shoulder instead of the cushion-like plateau one slope all round gave.
const CHEST_FALL: f32 = 0.9;
/// Where the shoulders' slope ends and their sides fall straight: the
/// drop of `SHOULDERS`' last sloping ring.
const SLOPE_END_MM: f32 = SHOULDERS[3].1;

/// Rings from the neck out: (outward offset mm, rise mm above the cut) on the
/// collar, a 12 mm rib that starts inside the neck (so it meets the skin in a
/// smooth line above the cut's stepped edge), then
/// (share of the way to the shoulder outline, drop mm below the collar).
const COLLAR: [(f32, f32); 5] = [
    (-3.0, 7.0),
    (1.5, 11.0),
    (4.5, 13.0),
    (7.5, 9.5),
    (8.5, -3.0),
];
const SHOULDERS: [(f32, f32); 6] = [
    (0.22, -15.0),
    (0.50, -34.0),
    (0.78, -60.0),
    (0.95, -92.0),
    (1.02, -150.0),
    (1.02, -330.0),
];

/// The `uv.y` of the top's inside, which the shader darkens (`shade_cloth`).
pub const INSIDE_UV: f32 = -1.0;

/// Samples around the neck: the cut's loop is resampled at even angles and
/// smoothed, so the collar runs clean whatever the mesh's steps.
const AROUND: usize = 144;

/// The garment on the neck cut: `neck` is the cut's open edge (any order),
/// `cut_y` the height of the cutting surface at a point.
pub fn collar(neck: &[Vec3], cut_y: impl Fn(Vec3) -> f32) -> Piece {
    let neck = smooth_ring(neck, &cut_y);
    let n = neck.len();
    let c = neck.iter().copied().sum::<Vec3>() / n as f32;
    let outward: Vec<Vec2> = neck
        .iter()
        .map(|p| Vec2::new(p.x - c.x, p.z - c.z).normalize_or(Vec2::X))
        .collect();
    let half_w = neck.iter().map(|p| (p.x - c.x).abs()).fold(0.0, f32::max);
    let half_d = neck.iter().map(|p| (p.z - c.z).abs()).fold(0.0, f32::max);
    let (sw, sd) = (
        SHOULDER_WIDTH_PER_NECK * half_w,
        SHOULDER_DEPTH_PER_NECK * half_d,
    );
    let outline = |d: Vec2| {
        let e = 2.0 / SHOULDER_SQUARENESS;
        let x = sw * d.x.signum() * d.x.abs().powf(e);
        // The armpits' creases, front and back, between the chest and the
        // upper arms: seen from above the arms' round caps end the shoulders,
        // not one slab's rounded corners.
        let u = (x.abs() / sw - ARMPIT_AT) / ARMPIT_WIDTH;
        let notch = 1.0 - ARMPIT_DEPTH * (-u * u).exp();
        let t = ((x.abs() / sw - CAP_FROM) / (1.0 - CAP_FROM)).clamp(0.0, 1.0);
        let cap = 1.0 - CAP_NARROWING * t * t * (3.0 - 2.0 * t);
        Vec2::new(x, sd * notch * cap * d.y.signum() * d.y.abs().powf(e))
    };
    let mut rings: Vec<Vec<Vec3>> = COLLAR
        .iter()
        .map(|&(out, rise)| {
            (0..n)
                .map(|i| neck[i] + Vec3::new(outward[i].x * out, rise, outward[i].y * out))
                .collect()
        })
        .collect();
    let edge = rings[rings.len() - 1].clone();
    for &(share, drop) in &SHOULDERS {
        rings.push(
            (0..n)
                .map(|i| {
                    let from = Vec2::new(edge[i].x, edge[i].z);
                    let to = Vec2::new(c.x, c.z) + outline(outward[i]);
                    let xz = from.lerp(to, share);
                    // More fall the further from the collar (which stays
                    // where it sits), down to the arms' vertical sides.
                    let ahead = outward[i].y * outward[i].y;
                    let fall = CHEST_FALL * ahead * share.min(1.0) * drop.max(SLOPE_END_MM);
                    Vec3::new(xz.x, edge[i].y + drop + fall, xz.y)
                })
                .collect(),
        );
    }
    let positions: Vec<[f32; 3]> = rings.iter().flatten().map(|p| (*p).into()).collect();
    let uvs: Vec<[f32; 2]> = (0..rings.len())
        .flat_map(|k| (0..n).map(move |i| [i as f32 / n as f32, k as f32]))
        .collect();
    let id = |k: usize, i: usize| (k * n + i % n) as u32;
    let mut triangles = Vec::new();
    for k in 0..rings.len() - 1 {
        for i in 0..n {
            let (a, b, cc, d) = (id(k, i), id(k, i + 1), id(k + 1, i + 1), id(k + 1, i));
            triangles.push([a, b, cc]);
            triangles.push([a, cc, d]);
        }
    }
    // Face outwards: the shoulder band's normals point away from the neck.
    let p = |i: u32| Vec3::from(positions[i as usize]);
    let [a, b, cc] = triangles[2 * n * (COLLAR.len() + 1)];
    let normal = (p(b) - p(a)).cross(p(cc) - p(a));
    let away = p(a) - Vec3::new(c.x, p(a).y, c.z);
    if normal.dot(away) < 0.0 {
        triangles.iter_mut().for_each(|t| t.swap(1, 2));
    }
    // The inside of the top, across the collar's first ring (inside the
    // neck): where the neck is narrower than the collar, looking in at the
    // back of the collar shows fabric, not the backdrop through the hole.
    let (mut positions, mut uvs) = (positions, uvs);
    let centre = rings[0].iter().copied().sum::<Vec3>() / n as f32 - Vec3::Y * 4.0;
    let hub = positions.len() as u32;
    positions.push(centre.into());
    uvs.push([0.0, INSIDE_UV]);
    // Its own copy of the ring, all of it marked as the inside.
    let first = positions.len() as u32;
    for (i, q) in rings[0].iter().enumerate() {
        positions.push((*q).into());
        uvs.push([i as f32 / n as f32, INSIDE_UV]);
    }
    let at = |v: u32| Vec3::from(positions[v as usize]);
    for i in 0..n as u32 {
        let (a, b) = (first + i, first + (i + 1) % n as u32);
        // Facing up: seen from above the collar, as a view looks into it.
        let up = (at(a) - centre).cross(at(b) - centre).y > 0.0;
        triangles.push(if up { [hub, a, b] } else { [hub, b, a] });
    }
    Piece {
        name: "garment".to_string(),
        positions,
        uvs,
        triangles,
        ..Piece::default()
    }
}

/// The neck's outline at even angles round its centre, radius smoothed over
/// neighbouring samples, on the cutting surface.
fn smooth_ring(neck: &[Vec3], cut_y: impl Fn(Vec3) -> f32) -> Vec<Vec3> {
    let c = neck.iter().copied().sum::<Vec3>() / neck.len() as f32;
    let mut polar: Vec<(f32, f32)> = neck
        .iter()
        .map(|p| ((p.x - c.x).atan2(p.z - c.z), (p.x - c.x).hypot(p.z - c.z)))
        .collect();
    polar.sort_by(|a, b| a.0.total_cmp(&b.0));
    let tau = std::f32::consts::TAU;
    let radius_at = |theta: f32| {
        // Linear between the samples either side, wrapping round.
        let i = polar.partition_point(|q| q.0 < theta);
        let (a, b) = if i == 0 || i == polar.len() {
            let (l, f) = (polar[polar.len() - 1], polar[0]);
            let l = (l.0 - tau * f32::from(i == 0), l.1);
            let f = (f.0 + tau * f32::from(i == polar.len()), f.1);
            (l, f)
        } else {
            (polar[i - 1], polar[i])
        };
        let t = ((theta - a.0) / (b.0 - a.0).max(1e-6)).clamp(0.0, 1.0);
        a.1 + (b.1 - a.1) * t
    };
    let theta = |k: usize| -std::f32::consts::PI + tau * k as f32 / AROUND as f32;
    let raw: Vec<f32> = (0..AROUND).map(|k| radius_at(theta(k))).collect();
    // The widest of the neighbours first, so no step of the cut pokes out
    // through the collar, then a mean that rounds the result.
    let window =
        |k: usize, half: usize| (0..=2 * half).map(move |j| (k + AROUND + j - half) % AROUND);
    let widest: Vec<f32> = (0..AROUND)
        .map(|k| window(k, 3).map(|j| raw[j]).fold(0.0, f32::max))
        .collect();
    let half = 3;
    (0..AROUND)
        .map(|k| {
            let r = window(k, half).map(|j| widest[j]).sum::<f32>() / (2 * half + 1) as f32;
            let p = Vec3::new(c.x + r * theta(k).sin(), 0.0, c.z + r * theta(k).cos());
            Vec3::new(p.x, cut_y(p), p.z)
        })
        .collect()
}
