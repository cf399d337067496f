//! From importer pieces to a [`HeadMesh`]: checks, welding, smooth normals,
//! and Phong-tessellation subdivision (with the coarse level for motion).

use std::collections::HashMap;

use glam::Vec3;

use super::{
    HeadError, HeadMesh, HeadVertex, Landmarks, MATERIAL_CLOTH, MATERIAL_EYE, MATERIAL_SKIN,
    MAX_SUBDIVISIONS, MAX_TRIANGLES, PHONG_ALPHA, PLAUSIBLE_DIAGONAL_MM, Piece,
};

pub(super) fn check_subdivisions(file: &str, subdivisions: u32) -> Result<(), HeadError> {
    if subdivisions > MAX_SUBDIVISIONS {
        return Err(HeadError::Subdivisions {
            file: file.to_string(),
            requested: subdivisions,
        });
    }
    Ok(())
}

/// Working mesh: per-vertex attributes plus the welded-position id of every vertex.
pub(super) struct Work {
    pos: Vec<Vec3>,
    uv: Vec<[f32; 2]>,
    material: Vec<u32>,
    /// The scan's own colour, sRGB; alpha 0 where it has none.
    color: Vec<[u8; 4]>,
    /// Index into `textures` of the colour texture read at `uv`; `NO_TEXTURE` for none.
    texture: Vec<u32>,
    /// Welded id: vertices with the same position and material share it.
    weld: Vec<u32>,
    /// Per welded id: position and normal.
    weld_pos: Vec<Vec3>,
    weld_normal: Vec<Vec3>,
    tris: Vec<[u32; 3]>,
}

const NO_TEXTURE: u32 = u32::MAX;

/// The texture's colour at `uv` (v up, wrapping), bilinear, alpha 255.
fn texel(t: &image::RgbaImage, uv: [f32; 2]) -> [u8; 4] {
    let (w, h) = (t.width().max(1), t.height().max(1));
    let x = uv[0].rem_euclid(1.0) * w as f32 - 0.5;
    let y = (1.0 - uv[1].rem_euclid(1.0)) * h as f32 - 0.5;
    let (x0, y0) = (x.floor(), y.floor());
    let (fx, fy) = (x - x0, y - y0);
    let at = |dx: f32, dy: f32| {
        let px = ((x0 + dx).max(0.0) as u32).min(w - 1);
        let py = ((y0 + dy).max(0.0) as u32).min(h - 1);
        t.get_pixel(px, py).0.map(f32::from)
    };
    let (a, b, c, d) = (at(0.0, 0.0), at(1.0, 0.0), at(0.0, 1.0), at(1.0, 1.0));
    let mut out = [255u8; 4];
    for k in 0..3 {
        let top = a[k] + (b[k] - a[k]) * fx;
        let bottom = c[k] + (d[k] - c[k]) * fx;
        out[k] = (top + (bottom - top) * fy).round().clamp(0.0, 255.0) as u8;
    }
    out
}

pub(super) fn build(
    pieces: &[Piece],
    file: &str,
    scale: f32,
    landmarks: Landmarks,
    subdivisions: u32,
) -> Result<HeadMesh, HeadError> {
    let mut w = Work {
        pos: Vec::new(),
        uv: Vec::new(),
        material: Vec::new(),
        color: Vec::new(),
        texture: Vec::new(),
        weld: Vec::new(),
        weld_pos: Vec::new(),
        weld_normal: Vec::new(),
        tris: Vec::new(),
    };
    let mut textures: Vec<&image::RgbaImage> = Vec::new();
    for piece in pieces {
        let name = piece.name.to_ascii_lowercase();
        let material = if name.contains("eye") {
            MATERIAL_EYE
        } else if name.contains("garment") {
            MATERIAL_CLOTH
        } else {
            MATERIAL_SKIN
        };
        let base = w.pos.len() as u32;
        let n = piece.positions.len();
        let has_uv = piece.uvs.len() == n;
        let has_color = piece.colors.len() == n;
        let texture = match &piece.texture {
            Some(t) if has_uv => {
                textures.push(t);
                textures.len() as u32 - 1
            }
            _ => NO_TEXTURE,
        };
        for (i, p) in piece.positions.iter().enumerate() {
            let p = Vec3::from(*p) * scale;
            if !p.is_finite() {
                return Err(HeadError::NonFinite {
                    file: file.to_string(),
                    object: piece.name.clone(),
                    position: p.into(),
                    scale,
                });
            }
            w.pos.push(p);
            w.uv.push(if has_uv { piece.uvs[i] } else { [0.0, 0.0] });
            w.color
                .push(if has_color { piece.colors[i] } else { [0; 4] });
            w.texture.push(texture);
            w.material.push(material);
        }
        for t in &piece.triangles {
            if t.iter().any(|&i| i as usize >= n) {
                return Err(HeadError::Parse {
                    file: file.to_string(),
                    message: format!(
                        "object '{}': a face refers to vertex {} of {n}",
                        piece.name,
                        t.iter().max().copied().unwrap_or(0)
                    ),
                });
            }
            let tri = t.map(|i| i + base);
            let [a, b, c] = tri.map(|i| w.pos[i as usize]);
            // Degenerate (zero-area) triangles carry no surface: drop them.
            if (b - a).cross(c - a).length_squared() > 0.0 {
                w.tris.push(tri);
            }
        }
    }
    if w.tris.is_empty() {
        return Err(HeadError::NoFaces {
            file: file.to_string(),
        });
    }
    drop_unused_vertices(&mut w);

    let (lo, hi) = w
        .pos
        .iter()
        .fold((Vec3::INFINITY, Vec3::NEG_INFINITY), |(lo, hi), &p| {
            (lo.min(p), hi.max(p))
        });
    let diagonal_mm = (hi - lo).length();
    if !(PLAUSIBLE_DIAGONAL_MM.0..=PLAUSIBLE_DIAGONAL_MM.1).contains(&diagonal_mm) {
        return Err(HeadError::NotMillimetres {
            file: file.to_string(),
            diagonal_mm,
            scale,
        });
    }

    let base = w.tris.len();
    let triangles = base.saturating_mul(4usize.pow(subdivisions));
    if triangles > MAX_TRIANGLES {
        let fits = (0..=subdivisions)
            .rev()
            .find(|&s| base.saturating_mul(4usize.pow(s)) <= MAX_TRIANGLES);
        let hint = match fits {
            Some(s) => format!("use at most {s} subdivision(s)"),
            None => "simplify the mesh".to_string(),
        };
        return Err(HeadError::TooManyTriangles {
            file: file.to_string(),
            base,
            subdivisions,
            triangles,
            limit: MAX_TRIANGLES,
            hint,
        });
    }

    weld_by_position(&mut w);
    compute_normals(&mut w);
    let coarse_at = coarse_level(subdivisions);
    let mut coarse_tris = w.tris.clone();
    let mut coarse_sag_mm = 0.0;
    // The finest level few enough to draw the occlusion maps from, and how far
    // the finished surface stands off it.
    let mut occluder: Option<(Vec<[u32; 3]>, f32)> = None;
    for step in 0..subdivisions {
        // At most one level is the last that few (each step has 4x more).
        let last_few = w.tris.len() <= OCCLUDER_TRIANGLES && w.tris.len() * 4 > OCCLUDER_TRIANGLES;
        if step == coarse_at || last_few {
            let sag_mm = refinement_sag_mm(&w);
            if step == coarse_at {
                coarse_sag_mm = sag_mm;
            }
            if last_few {
                occluder = Some((w.tris.clone(), sag_mm));
            }
        }
        subdivide(&mut w);
        if step + 1 == coarse_at {
            coarse_tris = w.tris.clone();
        }
    }
    if subdivisions > 0 {
        compute_normals(&mut w);
    }
    if coarse_tris.len() > super::decimate::MOTION_TRIANGLES {
        let (fewer, off_mm) = super::decimate::decimate(
            &coarse_tris,
            &w.weld,
            &w.weld_pos,
            super::decimate::MOTION_TRIANGLES,
        );
        coarse_tris = fewer;
        coarse_sag_mm += off_mm;
    }

    let (occluder_tris, occluder_sag_mm) = match occluder {
        Some(o) => o,
        None if w.tris.len() <= OCCLUDER_TRIANGLES => (w.tris.clone(), 0.0),
        None => (coarse_tris.clone(), coarse_sag_mm),
    };
    let sky = sky_view_per_weld(&w, &occluder_tris, occluder_sag_mm);

    // Textures are read at every vertex of the finished surface: after
    // subdivision that is 0.3-1 mm apart on a scan, finer than its colour
    // varies at consultation distance.
    let vertices = (0..w.pos.len())
        .map(|i| HeadVertex {
            position_mm: w.pos[i].into(),
            normal: w.weld_normal[w.weld[i] as usize].into(),
            uv: w.uv[i],
            material: w.material[i],
            scan_srgba: match textures.get(w.texture[i] as usize) {
                Some(t) => texel(t, w.uv[i]),
                None => w.color[i],
            },
            sky_visibility: sky[w.weld[i] as usize].visibility,
            open_direction: sky[w.weld[i] as usize].open_direction.into(),
        })
        .collect();
    let indices = w.tris.iter().flatten().copied().collect();
    Ok(HeadMesh {
        vertices,
        indices,
        coarse_indices: coarse_tris.into_iter().flatten().collect(),
        coarse_sag_mm,
        landmarks,
        lid_margins: None,
        source: file.to_string(),
        file_frame: None,
        landmark_confidence: None,
    })
}

/// Most triangles the occlusion maps are drawn from (a coarser level of
/// the surface beyond that): about 0.3 s for the bake on two cores.
const OCCLUDER_TRIANGLES: usize = 200_000;

/// What each welded vertex sees of the sky, occluded by `tris` (a level
/// of the same surface `sag_mm` off it at most).
fn sky_view_per_weld(w: &Work, tris: &[[u32; 3]], sag_mm: f32) -> Vec<super::occlusion::SkyView> {
    let occluder = super::occlusion::Occluder {
        positions: &w.pos,
        triangles: tris,
    };
    super::occlusion::sky_view(&w.weld_pos, &w.weld_normal, occluder, sag_mm)
}

/// The subdivision level drawn while the head moves: two steps coarser than
/// the still frames. Subdivision keeps every vertex where it was and appends
/// the new ones, so a coarser level's triangles index the same vertices. The
/// full surface bulges out of them by 0.1 mm at the median and up to 3 mm on
/// the built-in head's large scalp triangles; `coarse_sag_mm` bounds that for
/// the splat's occlusion test. On a software rasteriser the triangle count, not the pixel count, bounds a
/// half-resolution motion frame: 4^2 times fewer triangles make it 4-5x faster.
pub fn coarse_level(subdivisions: u32) -> u32 {
    subdivisions.saturating_sub(2)
}

/// The most the refined surface stands off the current triangles: the
/// largest offset of an edge's Phong midpoint from the straight edge, times
/// 4/3 for the steps after it (each bulges about a quarter as much as the
/// one before, the edges being half as long). A test holds it above the
/// offsets measured at every vertex of the built-in head.
pub(super) fn refinement_sag_mm(w: &Work) -> f32 {
    let sag = |a: u32, b: u32| {
        let (wa, wb) = (w.weld[a as usize] as usize, w.weld[b as usize] as usize);
        let (pa, pb) = (w.weld_pos[wa], w.weld_pos[wb]);
        let (m, _) = phong_midpoint(pa, w.weld_normal[wa], pb, w.weld_normal[wb]);
        (m - 0.5 * (pa + pb)).length()
    };
    let most = w
        .tris
        .iter()
        .flat_map(|t| [sag(t[0], t[1]), sag(t[1], t[2]), sag(t[2], t[0])])
        .fold(0.0f32, f32::max);
    most * 4.0 / 3.0
}

/// Removes vertices no triangle uses (e.g. those of dropped degenerate triangles), so
/// they do not count towards the bounds. Runs before welding.
fn drop_unused_vertices(w: &mut Work) {
    let mut remap = vec![u32::MAX; w.pos.len()];
    let mut next = 0u32;
    for t in &mut w.tris {
        for i in t.iter_mut() {
            let r = &mut remap[*i as usize];
            if *r == u32::MAX {
                *r = next;
                next += 1;
            }
            *i = *r;
        }
    }
    if next as usize == w.pos.len() && remap.iter().enumerate().all(|(i, &r)| r == i as u32) {
        return;
    }
    let n = next as usize;
    let (mut pos, mut uv, mut material) = (vec![Vec3::ZERO; n], vec![[0.0; 2]; n], vec![0; n]);
    let (mut color, mut texture) = (vec![[0u8; 4]; n], vec![NO_TEXTURE; n]);
    for (old, &new) in remap.iter().enumerate() {
        if new != u32::MAX {
            pos[new as usize] = w.pos[old];
            uv[new as usize] = w.uv[old];
            material[new as usize] = w.material[old];
            color[new as usize] = w.color[old];
            texture[new as usize] = w.texture[old];
        }
    }
    (w.pos, w.uv, w.material) = (pos, uv, material);
    (w.color, w.texture) = (color, texture);
}

/// Assigns welded ids: vertices with bit-identical positions (and the same material)
/// share one id, so UV-seam copies get one normal.
fn weld_by_position(w: &mut Work) {
    let mut map: HashMap<([u32; 3], u32), u32> = HashMap::with_capacity(w.pos.len());
    w.weld.clear();
    w.weld_pos.clear();
    for (i, p) in w.pos.iter().enumerate() {
        // +0.0 turns -0.0 into 0.0 so both weld together.
        let key = (
            (*p + Vec3::ZERO).to_array().map(f32::to_bits),
            w.material[i],
        );
        let next = w.weld_pos.len() as u32;
        let id = *map.entry(key).or_insert(next);
        if id == next {
            w.weld_pos.push(*p);
        }
        w.weld.push(id);
    }
}

/// Area-weighted smooth normals per welded id.
fn compute_normals(w: &mut Work) {
    let mut acc = vec![Vec3::ZERO; w.weld_pos.len()];
    for t in &w.tris {
        let [a, b, c] = t.map(|i| w.weld[i as usize] as usize);
        // |cross| = 2 · area: area weighting.
        let n = (w.weld_pos[b] - w.weld_pos[a]).cross(w.weld_pos[c] - w.weld_pos[a]);
        acc[a] += n;
        acc[b] += n;
        acc[c] += n;
    }
    w.weld_normal = acc
        .into_iter()
        .map(|n| n.try_normalize().unwrap_or(Vec3::Y))
        .collect();
}

/// Phong-tessellation midpoint of the edge between welded vertices a and b.
pub(super) fn phong_midpoint(p0: Vec3, n0: Vec3, p1: Vec3, n1: Vec3) -> (Vec3, Vec3) {
    let m = 0.5 * (p0 + p1);
    let pi0 = m - (m - p0).dot(n0) * n0;
    let pi1 = m - (m - p1).dot(n1) * n1;
    let p = (1.0 - PHONG_ALPHA) * m + PHONG_ALPHA * 0.5 * (pi0 + pi1);
    let n = (n0 + n1).try_normalize().unwrap_or(n0);
    (p, n)
}

/// One 1→4 subdivision step. Edge vertices are shared by the triangles of an edge;
/// seam-split copies of an edge get their own vertex (own UV) but the identical
/// position and welded id, because the geometry is computed from welded ids only.
pub(super) fn subdivide(w: &mut Work) {
    let n_tris = w.tris.len();
    // Each triangle has 3 edges, interior edges are shared: ~1.5 edges per triangle.
    let mut edge_vertex: HashMap<u64, u32> = HashMap::with_capacity(n_tris * 3 / 2 + 16);
    let mut edge_weld: HashMap<u64, u32> = HashMap::with_capacity(n_tris * 3 / 2 + 16);
    let key = |a: u32, b: u32| -> u64 {
        let (lo, hi) = if a < b { (a, b) } else { (b, a) };
        (u64::from(lo) << 32) | u64::from(hi)
    };
    let mut new_tris = Vec::with_capacity(n_tris * 4);
    let old_tris = std::mem::take(&mut w.tris);
    for t in &old_tris {
        let mut mid = [0u32; 3];
        for e in 0..3 {
            let (a, b) = (t[e], t[(e + 1) % 3]);
            let vkey = key(a, b);
            if let Some(&v) = edge_vertex.get(&vkey) {
                mid[e] = v;
                continue;
            }
            let (wa, wb) = (w.weld[a as usize], w.weld[b as usize]);
            let wkey = key(wa, wb);
            let weld_id = match edge_weld.get(&wkey) {
                Some(&id) => id,
                None => {
                    // Evaluate in a canonical order so the result is independent of
                    // which triangle reaches the edge first.
                    let (w0, w1) = if wa < wb { (wa, wb) } else { (wb, wa) };
                    let (p, n) = phong_midpoint(
                        w.weld_pos[w0 as usize],
                        w.weld_normal[w0 as usize],
                        w.weld_pos[w1 as usize],
                        w.weld_normal[w1 as usize],
                    );
                    let id = w.weld_pos.len() as u32;
                    w.weld_pos.push(p);
                    w.weld_normal.push(n);
                    edge_weld.insert(wkey, id);
                    id
                }
            };
            let (ua, ub) = (w.uv[a as usize], w.uv[b as usize]);
            let v = w.pos.len() as u32;
            w.pos.push(w.weld_pos[weld_id as usize]);
            w.uv.push([0.5 * (ua[0] + ub[0]), 0.5 * (ua[1] + ub[1])]);
            w.material.push(w.material[a as usize]);
            let (ca, cb) = (w.color[a as usize], w.color[b as usize]);
            w.color.push(std::array::from_fn(|k| {
                (u16::from(ca[k]) + u16::from(cb[k])).div_ceil(2) as u8
            }));
            w.texture.push(w.texture[a as usize]);
            w.weld.push(weld_id);
            edge_vertex.insert(vkey, v);
            mid[e] = v;
        }
        let [a, b, c] = *t;
        let [ab, bc, ca] = mid;
        new_tris.push([a, ab, ca]);
        new_tris.push([ab, b, bc]);
        new_tris.push([ca, bc, c]);
        new_tris.push([ab, bc, ca]);
    }
    w.tris = new_tris;
}
