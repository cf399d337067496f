//! The built-in head: the MakeHuman hm08 head and neck (`assets/head/head.bin`,
//! written by `tools/make_head.rs`), morphed to a [`HeadShape`], its landmarks
//! found on the morph, moved into the head frame, cut below the morphed chin
//! and dressed in a crew-neck collar so that it ends as a person does.

use super::morph::{HeadShape, target_weights};
use super::{HeadError, Landmarks, Piece};
use super::{landmark_rules, smooth};
use crate::ramps::smoothstep;
use glam::Vec3;
use std::collections::HashMap;
use std::sync::OnceLock;

pub const BUILTIN_NAME: &str = "built-in head (assets/head/head.bin)";
const ASSET: &[u8] = include_bytes!("../../assets/head/head.bin");

/// The neck is cut this far below the chin in front (mm) ...
const NECK_FRONT_BELOW_CHIN_MM: f32 = 50.0;
/// ... rising towards the nape by this much per mm behind the chin: a collar
/// sits low at the throat and high at the back of the neck.
const NECK_CUT_RISE: f32 = 0.42;

/// The decoded asset, shared by every morph.
struct Asset {
    /// Base shape, mm, hm08 axes.
    base: Vec<Vec3>,
    /// Per corner: source vertex, uv, part (0 skin, 1 eye_left, 2 eye_right).
    corners: Vec<(u32, [f32; 2], u32)>,
    triangles: Vec<[u32; 3]>,
    targets: HashMap<String, Vec<(u32, Vec3)>>,
    /// Per part (skin, eye_left, eye_right): its source vertices, once each.
    part_vertices: [Vec<usize>; 3],
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Reader<'_> {
    fn take(&mut self, n: usize) -> &[u8] {
        let s = &self.bytes[self.at..self.at + n];
        self.at += n;
        s
    }
    fn u32(&mut self) -> u32 {
        u32::from_le_bytes(self.take(4).try_into().expect("4 bytes"))
    }
    fn f32(&mut self) -> f32 {
        f32::from_bits(self.u32())
    }
    fn vec3(&mut self) -> Vec3 {
        Vec3::new(self.f32(), self.f32(), self.f32())
    }
}

fn asset() -> &'static Asset {
    static ASSET_CELL: OnceLock<Asset> = OnceLock::new();
    ASSET_CELL.get_or_init(|| {
        let mut r = Reader {
            bytes: ASSET,
            at: 0,
        };
        assert_eq!(
            r.take(8),
            b"SMPHM08\x01",
            "assets/head/head.bin: wrong format"
        );
        let base = (0..r.u32()).map(|_| r.vec3()).collect();
        let corners: Vec<(u32, [f32; 2], u32)> = (0..r.u32())
            .map(|_| (r.u32(), [r.f32(), r.f32()], r.u32()))
            .collect();
        let triangles = (0..r.u32()).map(|_| [r.u32(), r.u32(), r.u32()]).collect();
        let targets = (0..r.u32())
            .map(|_| {
                let len = r.take(1)[0] as usize;
                let name = String::from_utf8_lossy(r.take(len)).into_owned();
                let offsets = (0..r.u32()).map(|_| (r.u32(), r.vec3())).collect();
                (name, offsets)
            })
            .collect();
        let part_vertices = std::array::from_fn(|part| {
            let mut ids: Vec<usize> = corners
                .iter()
                .filter(|c| c.2 == part as u32)
                .map(|c| c.0 as usize)
                .collect();
            ids.sort_unstable();
            ids.dedup();
            ids
        });
        Asset {
            base,
            corners,
            triangles,
            targets,
            part_vertices,
        }
    })
}

/// The morphed source vertices (mm, hm08 axes).
fn morphed_positions(shape: &HeadShape) -> Vec<Vec3> {
    let a = asset();
    let mut pos = a.base.clone();
    for (name, w) in target_weights(shape) {
        let offsets = a
            .targets
            .get(&name)
            .unwrap_or_else(|| panic!("head.bin lacks target {name}"));
        for &(i, d) in offsets {
            pos[i as usize] += w * d;
        }
    }
    for part in [1, 2] {
        keep_eyeball_round(&mut pos, part);
    }
    pos
}

/// The macro targets stretch the eyeballs a little unevenly (radius 15.2 to
/// 16.0 mm on the default shape); an eyeball is a sphere. Moves the base
/// eyeball rigidly to the morphed one's centre, at its mean radius.
fn keep_eyeball_round(pos: &mut [Vec3], part: usize) {
    let a = asset();
    let ids = &a.part_vertices[part];
    let n = ids.len() as f32;
    let centre = |p: &[Vec3]| ids.iter().map(|&i| p[i]).sum::<Vec3>() / n;
    let radius = |p: &[Vec3], c: Vec3| ids.iter().map(|&i| p[i].distance(c)).sum::<f32>() / n;
    let (c0, c1) = (centre(&a.base), centre(pos));
    let scale = radius(pos, c1) / radius(&a.base, c0);
    for &i in ids {
        pos[i] = c1 + (a.base[i] - c0) * scale;
    }
}

/// The vertices of one part, once each.
fn part_points(pos: &[Vec3], part: usize) -> Vec<Vec3> {
    asset().part_vertices[part]
        .iter()
        .map(|&i| pos[i])
        .collect()
}

/// The built-in head in `shape`, ready for `build`: pieces in the head frame
/// (mm) and the landmarks found on it.
pub fn pieces(shape: &HeadShape) -> Result<(Vec<Piece>, Landmarks), HeadError> {
    let a = asset();
    let mut pos = morphed_positions(shape);
    let find = |pos: &[Vec3]| {
        landmark_rules::find(
            &part_points(pos, 0),
            &part_points(pos, 1),
            &part_points(pos, 2),
        )
        .map_err(|message| HeadError::Landmarks {
            file: BUILTIN_NAME.to_string(),
            message: format!("the head shape {shape:?} has no {message}"),
        })
    };
    let unsmoothed = find(&pos)?.landmarks;
    smooth_cranium(&mut pos, &unsmoothed);
    let found = find(&pos)?;
    let origin = found.landmarks.ear_midpoint();
    pos.iter_mut().for_each(|p| *p -= origin);
    let l = found.landmarks;
    let landmarks = Landmarks {
        glabella: l.glabella - origin,
        vertex: l.vertex - origin,
        ear_left: l.ear_left - origin,
        ear_right: l.ear_right - origin,
        inion: l.inion - origin,
        eye_left: l.eye_left - origin,
        eye_right: l.eye_right - origin,
        eye_radius_mm: l.eye_radius_mm,
    };
    let menton = found.menton - origin;
    let cut_y =
        |p: Vec3| menton.y - NECK_FRONT_BELOW_CHIN_MM + NECK_CUT_RISE * (menton.z - p.z).max(0.0);
    let above_cut = |p: Vec3| p.y > cut_y(p);
    let source = |c: u32| a.corners[c as usize].0 as usize;
    let part_of = |t: &[u32; 3]| a.corners[t[0] as usize].2;
    let skin_tris: Vec<[u32; 3]> = a
        .triangles
        .iter()
        .filter(|t| part_of(t) != 0 || t.iter().any(|&c| above_cut(pos[source(c)])))
        .copied()
        .collect();
    let piece = |name: &str, part: u32| Piece {
        name: name.to_string(),
        positions: a.corners.iter().map(|c| pos[c.0 as usize].into()).collect(),
        uvs: a.corners.iter().map(|c| c.1).collect(),
        triangles: skin_tris
            .iter()
            .filter(|t| part_of(t) == part)
            .copied()
            .collect(),
        ..Piece::default()
    };
    let skin = piece("skin", 0);
    let loops = boundary_loops(&skin.triangles, |c| source(c) as u32);
    let at = |lp: &Vec<u32>| lp.iter().map(|&s| pos[s as usize]).collect::<Vec<Vec3>>();
    let neck_loop = lowest_loop(&loops)
        .ok_or_else(|| HeadError::Landmarks {
            file: BUILTIN_NAME.to_string(),
            message: "the neck cut left no open edge to dress".into(),
        })
        .map(at)?;
    let pieces = vec![
        skin,
        piece("eye_left", 1),
        piece("eye_right", 2),
        super::garment::collar(&neck_loop, cut_y),
    ];
    Ok((pieces, landmarks))
}

/// Where each earlobe's front meets the cheek, from its ear canal (mm; x
/// towards the ear's side): the hm08 sculpt folds the skin there into a
/// crease about 6 mm long, sharp enough (40-75° between neighbouring
/// triangles) to draw a hard dark line under the lobe in every side view
/// (blind review 18).
const LOBE_JUNCTION_FROM_CANAL_MM: Vec3 = Vec3::new(0.0, -30.0, 10.0);
/// The junction is smoothed fully within this distance of it, and not at
/// all past the second: the lobe itself hangs 8 mm or more behind.
const LOBE_JUNCTION_RADII_MM: (f32, f32) = (4.0, 8.0);

/// In front of each ear, between the tragus and the temple's hair, from
/// its ear canal (mm): forward (+z) and height (+y) ranges smoothed fully,
/// eased in over `PREAURICULAR_EASE_MM` round them. The hm08 sculpt ridges
/// the skin there in vertical folds of 10-24° between neighbouring
/// triangles, which the light drew as dark streaks in front of the ear in
/// the three-quarter views (blind review 20); the tragus, 5-10 mm in front
/// of the canal, is left as it is.
const PREAURICULAR_FORWARD_MM: (f32, f32) = (14.0, 32.0);
const PREAURICULAR_HEIGHT_MM: (f32, f32) = (-22.0, 24.0);
const PREAURICULAR_EASE_MM: f32 = 5.0;

/// Smooths the skin over the skull and the back of the neck
/// (`smooth::smooth_where`), not the face, nor the ears and the skin round
/// them, and the crease where each earlobe meets the cheek and the folds in
/// front of each ear. `l`: the
/// landmarks found on `pos`.
fn smooth_cranium(pos: &mut [Vec3], l: &Landmarks) {
    let a = asset();
    let skin: Vec<[usize; 3]> = a
        .triangles
        .iter()
        .filter(|t| a.corners[t[0] as usize].2 == 0)
        .map(|t| t.map(|c| a.corners[c as usize].0 as usize))
        .collect();
    let origin = l.ear_midpoint();
    let weight = |p: Vec3| {
        let q = p - origin;
        let ear = (p.distance(l.ear_left)).min(p.distance(l.ear_right));
        let away_from_ears = smoothstep(30.0, 50.0, ear);
        // Down to the ears' level at the sides, to the upper neck behind.
        let back = smoothstep(0.0, 40.0, -30.0 - q.z);
        let lowest_y = -5.0 - 65.0 * back;
        let above = smoothstep(-10.0, 10.0, q.y - lowest_y);
        // Not the face: from 35 mm behind the glabella forward.
        let behind_face = smoothstep(0.0, 25.0, l.glabella.z - origin.z - 35.0 - q.z);
        (away_from_ears * above * behind_face)
            .max(lobe_junction(p, l))
            .max(preauricular(p, l))
    };
    smooth::smooth_where(pos, &skin, weight);
}

/// 1 in front of either ear (`PREAURICULAR_FORWARD_MM`), easing to 0 round
/// it; on the skin's surface only (not the face's far side).
fn preauricular(p: Vec3, l: &Landmarks) -> f32 {
    let e = PREAURICULAR_EASE_MM;
    let band = |x: f32, (lo, hi): (f32, f32)| {
        smoothstep(lo - e, lo, x) * (1.0 - smoothstep(hi, hi + e, x))
    };
    let side = |canal: Vec3, outward: f32| {
        let q = p - canal;
        let lateral = q.x * outward;
        band(q.z, PREAURICULAR_FORWARD_MM)
            * band(q.y, PREAURICULAR_HEIGHT_MM)
            * smoothstep(-30.0, -20.0, lateral)
    };
    side(l.ear_left, 1.0).max(side(l.ear_right, -1.0))
}

/// 1 at either earlobe's junction with the cheek, easing to 0 round it.
fn lobe_junction(p: Vec3, l: &Landmarks) -> f32 {
    let (full, none) = LOBE_JUNCTION_RADII_MM;
    let j = LOBE_JUNCTION_FROM_CANAL_MM;
    let left = l.ear_left + j;
    let right = l.ear_right + Vec3::new(-j.x, j.y, j.z);
    1.0 - smoothstep(full, none, p.distance(left).min(p.distance(right)))
}

/// Of `loops`, the one with the lowest mean height: the neck cut.
fn lowest_loop(loops: &[Vec<u32>]) -> Option<&Vec<u32>> {
    let pos = |s: u32| asset().base[s as usize].y;
    let mean_y = |lp: &Vec<u32>| lp.iter().map(|&v| pos(v)).sum::<f32>() / lp.len() as f32;
    loops
        .iter()
        .filter(|lp| lp.len() >= 8)
        .min_by(|a, b| mean_y(a).total_cmp(&mean_y(b)))
}

/// The boundary loops (by source vertex) among the open edges of
/// `triangles`: the neck cut, the eye openings. Corners map to source
/// vertices through `source`, so that UV seams do not count as edges.
fn boundary_loops(triangles: &[[u32; 3]], source: impl Fn(u32) -> u32) -> Vec<Vec<u32>> {
    let mut count: HashMap<(u32, u32), u32> = HashMap::new();
    let mut directed = Vec::new();
    for t in triangles {
        for k in 0..3 {
            let (a, b) = (source(t[k]), source(t[(k + 1) % 3]));
            *count.entry((a.min(b), a.max(b))).or_default() += 1;
            directed.push((a, b));
        }
    }
    let mut next: HashMap<u32, u32> = HashMap::new();
    for &(a, b) in &directed {
        if count[&(a.min(b), a.max(b))] == 1 {
            next.insert(a, b);
        }
    }
    let mut starts: Vec<u32> = next.keys().copied().collect();
    starts.sort_unstable();
    let mut seen = std::collections::HashSet::new();
    let mut loops = Vec::new();
    for s in starts {
        if seen.contains(&s) {
            continue;
        }
        let mut lp = vec![s];
        seen.insert(s);
        let mut cur = next[&s];
        while cur != s && seen.insert(cur) {
            lp.push(cur);
            match next.get(&cur) {
                Some(&n) => cur = n,
                None => break,
            }
        }
        loops.push(lp);
    }
    loops
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::head::{MATERIAL_CLOTH, MATERIAL_SKIN, load_builtin_shape};

    #[test]
    fn morphed_landmarks_are_plausible() {
        for shape in HeadShape::three_builds() {
            let mesh = load_builtin_shape(&shape, 0).unwrap();
            let l = mesh.landmarks;
            let menton = mesh.menton().expect("a chin");
            let (lo, hi) = mesh.frame_bounds();
            // The vertex on top, the glabella in front above the eyes, the
            // inion behind, the ears mirror images round the origin.
            assert!((l.vertex.y - hi.y).abs() < 1e-3, "{shape:?}");
            assert!(l.glabella.z > l.eye_left.z && l.glabella.y > l.eye_left.y);
            assert!(l.glabella.x.abs() < 1.0 && l.inion.x.abs() < 1.0);
            assert!(l.inion.z < -70.0 && (l.inion.z - lo.z).abs() < 15.0);
            assert_eq!(l.ear_left.x, -l.ear_right.x);
            assert!(l.ear_midpoint().length() < 1e-3);
            assert!(l.eye_left.x > 20.0 && (l.eye_right.x + l.eye_left.x).abs() < 0.5);
            let height = l.vertex.y - menton.y;
            assert!((200.0..=260.0).contains(&height), "{shape:?}: {height} mm");
            let length = l.glabella.z - l.inion.z;
            assert!((165.0..=225.0).contains(&length), "{shape:?}: {length} mm");
        }
    }

    /// The sharpest fold (degrees between neighbouring skin triangles) along
    /// the edges whose midpoints `near` takes in.
    fn sharpest_fold(mesh: &crate::head::HeadMesh, near: impl Fn(Vec3) -> bool) -> f32 {
        let pos = |i: u32| Vec3::from(mesh.vertices[i as usize].position_mm);
        let mut faces: HashMap<(u32, u32), Vec<Vec3>> = HashMap::new();
        for t in mesh.skin_triangles() {
            let normal = (pos(t[1]) - pos(t[0]))
                .cross(pos(t[2]) - pos(t[0]))
                .normalize_or_zero();
            for k in 0..3 {
                let (a, b) = (t[k], t[(k + 1) % 3]);
                faces.entry((a.min(b), a.max(b))).or_default().push(normal);
            }
        }
        faces
            .iter()
            .filter(|((a, b), n)| n.len() == 2 && near(0.5 * (pos(*a) + pos(*b))))
            .map(|(_, n)| n[0].dot(n[1]).clamp(-1.0, 1.0).acos().to_degrees())
            .fold(0.0, f32::max)
    }

    /// The sharpest fold within 6 mm of either earlobe's junction with the
    /// cheek.
    fn sharpest_fold_at_lobe_junctions(mesh: &crate::head::HeadMesh) -> f32 {
        let l = &mesh.landmarks;
        let j = LOBE_JUNCTION_FROM_CANAL_MM;
        let junctions = [l.ear_left + j, l.ear_right + Vec3::new(-j.x, j.y, j.z)];
        sharpest_fold(mesh, |mid| junctions.iter().any(|j| j.distance(mid) < 6.0))
    }

    #[test]
    fn no_streaks_of_folds_in_front_of_the_ears() {
        // 15-30 mm in front of either ear canal, 5 mm below it to 20 mm
        // above, on the skin: unsmoothed, the hm08 sculpt folds by up to
        // 18-24° there (the streaks in front of the ear in review 20's
        // three-quarter views); smoothed, 5°.
        for shape in HeadShape::three_builds() {
            let mesh = load_builtin_shape(&shape, 0).unwrap();
            let l = &mesh.landmarks;
            let fold = sharpest_fold(&mesh, |mid| {
                [(l.ear_left, 1.0), (l.ear_right, -1.0)]
                    .iter()
                    .any(|(canal, out)| {
                        let q = mid - *canal;
                        (15.0..30.0).contains(&q.z)
                            && (-5.0..20.0).contains(&q.y)
                            && q.x * out > -25.0
                    })
            });
            assert!(fold < 10.0, "{shape:?}: a fold of {fold:.0}°");
        }
    }

    #[test]
    fn no_crease_where_the_earlobes_meet_the_cheeks() {
        // Unsmoothed, the hm08 sculpt folds by 73-74° there on all three
        // builds (blind review 18's dark line under the lobe); smoothed,
        // what is left, 42-46°, is the corner where the lobe hangs free of
        // the cheek, which shades as a soft shadow.
        for shape in HeadShape::three_builds() {
            let mesh = load_builtin_shape(&shape, 0).unwrap();
            let fold = sharpest_fold_at_lobe_junctions(&mesh);
            assert!(fold < 55.0, "{shape:?}: a fold of {fold:.0}°");
        }
    }

    #[test]
    fn the_collar_follows_the_morph() {
        let [slim, _, heavy] = HeadShape::three_builds();
        let neck = |shape: &HeadShape| {
            let mesh = load_builtin_shape(shape, 0).unwrap();
            let menton = mesh.menton().unwrap();
            // Where the clothing starts at the throat and at the nape (near
            // the midline: not the shoulders' tops), and how wide the neck
            // is above it.
            let top = |front: bool| {
                mesh.vertices
                    .iter()
                    .filter(|v| v.material == MATERIAL_CLOTH && v.position_mm[0].abs() < 30.0)
                    .filter(|v| (v.position_mm[2] > menton.z - 40.0) == front)
                    .map(|v| v.position_mm[1])
                    .fold(f32::MIN, f32::max)
            };
            let (front, back) = (top(true) - menton.y, top(false) - mesh.landmarks.inion.y);
            let width = mesh
                .vertices
                .iter()
                .filter(|v| v.material == MATERIAL_SKIN)
                .filter(|v| (v.position_mm[1] - (menton.y - 30.0)).abs() < 5.0)
                .map(|v| v.position_mm[0].abs())
                .fold(0.0, f32::max);
            (front, back, width)
        };
        let (slim_front, slim_back, slim_w) = neck(&slim);
        let (heavy_front, heavy_back, heavy_w) = neck(&heavy);
        eprintln!(
            "collar top: {slim_front:.1} / {heavy_front:.1} mm from the chin, {slim_back:.1} / \
             {heavy_back:.1} mm from the inion; neck half-width {slim_w:.1} / {heavy_w:.1} mm"
        );
        // 3-7 cm under the chin at the throat (a crew neck sits a little
        // above the suprasternal notch, 7-9 cm under the chin; measured on
        // the midline since the shoulders' outline has armpits: 61.5 mm on
        // the slim build, 37 on the heavy one), well under the occiput at the
        // nape, on both; the heavier neck wider.
        for front in [slim_front, heavy_front] {
            assert!((-70.0..=-30.0).contains(&front), "{front}");
        }
        for back in [slim_back, heavy_back] {
            assert!(back < -50.0, "{back}");
        }
        assert!(heavy_w > slim_w + 3.0, "{slim_w} vs {heavy_w}");
    }

    #[test]
    fn the_coarse_level_bounds_every_morph() {
        for shape in HeadShape::three_builds() {
            let fine = load_builtin_shape(&shape, 2).unwrap();
            let most =
                crate::head::tests::farthest_off_coarse(&fine, 2.0 * fine.coarse_sag_mm + 1.0);
            assert!(
                most <= fine.coarse_sag_mm,
                "{shape:?}: slack {} < {most} mm",
                fine.coarse_sag_mm
            );
        }
    }

    #[test]
    fn eyeballs_stay_round() {
        for shape in HeadShape::three_builds() {
            let pos = morphed_positions(&shape);
            for part in [1, 2] {
                let p = part_points(&pos, part);
                let c = p.iter().copied().sum::<Vec3>() / p.len() as f32;
                let (lo, hi) = p
                    .iter()
                    .map(|q| q.distance(c))
                    .fold((f32::MAX, 0.0f32), |(a, b), d| (a.min(d), b.max(d)));
                assert!(hi - lo < 0.05, "{shape:?}: radius {lo}..{hi}");
            }
        }
    }
}
