//! Head mesh: loading, smooth normals and Phong-tessellation subdivision.
//!
//! The head frame used throughout the crate: millimetres, +Y up, +Z out of the face,
//! +X towards the client's left, origin midway between the ear canals.
//!
//! The built-in head (`assets/head/head.bin`) is derived from the MakeHuman hm08 base
//! mesh and shape targets (CC0) by `tools/make_head.rs` and embedded in the binary, so
//! it runs from any directory; `builtin` morphs it to the plan's [`HeadShape`].

pub mod align;
mod build;
mod builtin;
pub mod corpus;
mod decimate;
mod error;
pub mod export;
mod face;
mod garment;
mod gltf;
mod landmark_rules;
mod landmarks;
pub mod lids;
pub mod morph;
mod obj;
mod obj_errors;
mod ply;
mod texture;

pub use build::coarse_level;
use build::{build, check_subdivisions};
pub use error::HeadError;
pub use face::TYPICAL_GLABELLA_MENTON_MM;
pub use landmarks::Landmarks;
pub use morph::HeadShape;

use std::path::Path;

use glam::Vec3;

/// One vertex of the head mesh as uploaded to the GPU (40 bytes).
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, bytemuck::Pod, bytemuck::Zeroable)]
pub struct HeadVertex {
    /// Position in the head frame (mm).
    pub position_mm: [f32; 3],
    /// Unit smooth normal, welded by position (no seam at UV splits).
    pub normal: [f32; 3],
    /// Texture coordinate as stored in the OBJ (`vt`, v pointing up); 0 when absent.
    pub uv: [f32; 2],
    /// [`MATERIAL_SKIN`], [`MATERIAL_EYE`] or [`MATERIAL_CLOTH`].
    pub material: u32,
    /// A scan's own colour here (sRGB, from its vertex colours or texture);
    /// alpha 0 where the mesh has none (the built-in head).
    pub scan_srgba: [u8; 4],
}

const _: () = assert!(std::mem::size_of::<HeadVertex>() == 40);

/// `HeadVertex::material` of skin.
pub const MATERIAL_SKIN: u32 = 0;
/// `HeadVertex::material` of the eyeballs.
pub const MATERIAL_EYE: u32 = 1;
/// The built-in head's clothing (a plain crew-neck top): never treated.
pub const MATERIAL_CLOTH: u32 = 2;

/// Most triangles a head may have after subdivision.
pub const MAX_TRIANGLES: usize = 2_000_000;
/// A mesh file is subdivided (up to twice) while it stays under this many
/// triangles, unless the plan says how often.
pub const AUTO_TRIANGLES: usize = 400_000;
/// Most subdivision steps allowed.
pub const MAX_SUBDIVISIONS: u32 = 3;
/// Plausible range of a head's bounding-box diagonal in millimetres.
/// How far outside the mesh's bounding box a surface landmark may lie, mm.
pub const LANDMARK_SLACK_MM: f32 = 30.0;
pub const PLAUSIBLE_DIAGONAL_MM: (f32, f32) = (50.0, 2000.0);
/// Phong tessellation shape factor (0 = flat midpoints, 1 = full Phong).
/// The named views show this much below the chin, mm.
pub const FRAME_BELOW_CHIN_MM: f32 = 20.0;
pub const PHONG_ALPHA: f32 = 0.75;

/// The `source` of the built-in head.
pub const BUILTIN_SOURCE: &str = "builtin";

/// Points along each upper lid margin, from the inner corner out.
pub const LID_POINTS: usize = 8;
/// The upper lid margins of the client's left and right eye (where the
/// lashes grow), in the head frame, mm.
pub type LidMargins = [[Vec3; LID_POINTS]; 2];

/// A triangulated head in the head frame.
#[derive(Clone, Debug)]
pub struct HeadMesh {
    pub vertices: Vec<HeadVertex>,
    /// Triangle list (3 indices per triangle, counter-clockwise seen from outside).
    pub indices: Vec<u32>,
    /// The same surface at fewer triangles, over the same vertices, for frames
    /// drawn while the head moves (see `coarse_level`).
    pub coarse_indices: Vec<u32>,
    /// How far the full surface may stand off the coarse triangles, mm (0
    /// when they are the same): depth slack for the splat's occlusion test
    /// against a coarse depth pre-pass.
    pub coarse_sag_mm: f32,
    pub landmarks: Landmarks,
    /// Where the lashes grow, on a head whose eyes are modelled (the
    /// built-in head); `None` for a custom mesh or scan.
    pub lid_margins: Option<LidMargins>,
    /// `"builtin"` or the path the mesh was loaded from.
    pub source: String,
    /// From the file's coordinates to the head frame; `None` for the built-in head.
    pub file_frame: Option<align::fit::Similarity>,
    /// Per landmark (`align::LANDMARK_NAMES`), 0-1, when alignment found them.
    pub landmark_confidence: Option<[f32; 7]>,
}

impl HeadMesh {
    pub fn triangle_count(&self) -> usize {
        self.indices.len() / 3
    }

    /// Area of every triangle, in `indices` order.
    pub fn triangle_areas_mm2(&self) -> Vec<f32> {
        self.indices
            .chunks_exact(3)
            .map(|t| {
                let [a, b, c] = [t[0], t[1], t[2]].map(|i| self.position(i));
                0.5 * (b - a).cross(c - a).length()
            })
            .collect()
    }

    /// Triangles of skin (material 0).
    pub fn skin_triangles(&self) -> impl Iterator<Item = [u32; 3]> + '_ {
        self.indices
            .chunks_exact(3)
            .filter(|t| self.vertices[t[0] as usize].material == MATERIAL_SKIN)
            .map(|t| [t[0], t[1], t[2]])
    }

    /// Axis-aligned bounds (min, max) of all vertices, in mm.
    pub fn bounds(&self) -> (Vec3, Vec3) {
        self.vertices.iter().fold(
            (Vec3::splat(f32::INFINITY), Vec3::splat(f32::NEG_INFINITY)),
            |(lo, hi), v| {
                let p = Vec3::from(v.position_mm);
                (lo.min(p), hi.max(p))
            },
        )
    }

    /// What the named views frame: the head down to just under the chin, not
    /// the neck, clothing or shoulders below it.
    pub fn frame_bounds(&self) -> (Vec3, Vec3) {
        let floor_y = self.menton_or_estimate().y - FRAME_BELOW_CHIN_MM;
        self.vertices
            .iter()
            .filter(|v| v.material != MATERIAL_CLOTH)
            .map(|v| Vec3::from(v.position_mm))
            .filter(|p| p.y >= floor_y)
            .fold((Vec3::INFINITY, Vec3::NEG_INFINITY), |(lo, hi), p| {
                (lo.min(p), hi.max(p))
            })
    }

    /// Whether the mesh ends in clothing (the built-in head) rather than a
    /// bare cut that the renderer trims.
    pub fn is_dressed(&self) -> bool {
        self.vertices.iter().any(|v| v.material == MATERIAL_CLOTH)
    }

    fn position(&self, i: u32) -> Vec3 {
        Vec3::from(self.vertices[i as usize].position_mm)
    }
}

/// Surface landmarks lie on the mesh: one far outside its bounds means the
/// landmarks were given in another frame or unit than the mesh.
pub fn check_landmarks_on_mesh(mesh: &HeadMesh) -> Result<(), HeadError> {
    let (lo, hi) = mesh.bounds();
    let l = &mesh.landmarks;
    for (name, p) in [
        ("glabella", l.glabella),
        ("vertex", l.vertex),
        ("ear_left", l.ear_left),
        ("ear_right", l.ear_right),
        ("inion", l.inion),
    ] {
        let off_mm = (p - p.clamp(lo, hi)).length();
        if off_mm > LANDMARK_SLACK_MM {
            return Err(HeadError::LandmarkOffMesh {
                file: mesh.source.clone(),
                name,
                position: p.into(),
                off_mm,
                lo: lo.into(),
                hi: hi.into(),
            });
        }
    }
    Ok(())
}

/// The built-in head (MakeHuman hm08, CC0) in its default shape (a man of
/// 40 of average build), subdivided `subdivisions` times (0..=3).
pub fn load_builtin(subdivisions: u32) -> Result<HeadMesh, HeadError> {
    load_builtin_shape(&HeadShape::default(), subdivisions)
}

/// The built-in head morphed to `shape`, subdivided `subdivisions` times.
pub fn load_builtin_shape(shape: &HeadShape, subdivisions: u32) -> Result<HeadMesh, HeadError> {
    check_subdivisions(builtin::BUILTIN_NAME, subdivisions)?;
    let (pieces, landmarks) = builtin::pieces(shape)?;
    let mut mesh = build(&pieces, builtin::BUILTIN_NAME, 1.0, landmarks, subdivisions)?;
    mesh.source = BUILTIN_SOURCE.to_string();
    mesh.lid_margins = lids::upper_lid_margins(&mesh);
    Ok(mesh)
}

/// The mesh formats read, by file extension.
pub const MESH_FORMATS: &str = "OBJ (.obj), glTF (.gltf, .glb) or PLY (.ply)";

/// Loads a mesh (OBJ, glTF / GLB or PLY, by extension) in any frame and
/// unit. `landmarks`, when given, are in the file's own coordinates and
/// units and place the head frame (`align::frame::head_frame`); without
/// them the scan is aligned by itself (`align::align`). `scale_to_mm`, when
/// given, is the file's unit; otherwise it is found. Objects, groups or
/// meshes whose name contains "eye" get [`MATERIAL_EYE`], "garment"
/// [`MATERIAL_CLOTH`], everything else [`MATERIAL_SKIN`].
pub fn load_mesh(
    path: &Path,
    scale_to_mm: Option<f32>,
    landmarks: Option<Landmarks>,
    subdivisions: Option<u32>,
) -> Result<HeadMesh, HeadError> {
    let file = path.display().to_string();
    if let Some(s) = subdivisions {
        check_subdivisions(&file, s)?;
    }
    if let Some(scale) = scale_to_mm
        && !(scale.is_finite() && scale > 0.0)
    {
        return Err(HeadError::InvalidScale { file, scale });
    }
    let pieces = read_pieces(path)?;
    let subdivisions = subdivisions.unwrap_or_else(|| {
        let base: usize = pieces.iter().map(|p| p.triangles.len()).sum();
        (0..=2u32)
            .rev()
            .find(|&s| base.saturating_mul(4usize.pow(s)) <= AUTO_TRIANGLES)
            .unwrap_or(0)
    });
    let (to_head, file_landmarks, confidence) = match landmarks {
        Some(l) => {
            let (to_head, _) =
                align::frame::head_frame(&l, scale_to_mm).ok_or_else(|| HeadError::Landmarks {
                    file: file.clone(),
                    message: "the landmarks lie in a line: they cannot place a head".into(),
                })?;
            (to_head, l, None)
        }
        None => {
            let found = align::align(&pieces, &file)?;
            let to_head = match scale_to_mm {
                Some(s) => align::frame::head_frame(&found.landmarks, Some(s))
                    .map_or(found.to_head, |f| f.0),
                None => found.to_head,
            };
            (to_head, found.landmarks, Some(found.confidence))
        }
    };
    // `build` scales; the turn and offset go in first, in the file's unit.
    let turned: Vec<Piece> = pieces
        .into_iter()
        .map(|p| Piece {
            positions: p
                .positions
                .iter()
                .map(|&q| {
                    (to_head.rotation * Vec3::from(q) + to_head.translation / to_head.scale).into()
                })
                .collect(),
            ..p
        })
        .collect();
    let in_head = align::frame::landmarks_in_head_frame(&file_landmarks, &to_head);
    let mut mesh = build(&turned, &file, to_head.scale, in_head, subdivisions)?;
    mesh.file_frame = Some(to_head);
    mesh.landmark_confidence = confidence;
    Ok(mesh)
}

/// The pieces of the mesh file at `path`, in its own coordinates and units.
fn read_pieces(path: &Path) -> Result<Vec<Piece>, HeadError> {
    let file = path.display().to_string();
    let read = match Format::of(path) {
        Some(Format::Obj) => obj::read,
        Some(Format::Gltf) => gltf::read,
        Some(Format::Ply) => ply::read,
        None => {
            return Err(HeadError::Parse {
                file,
                message: format!("unknown mesh format: give {MESH_FORMATS}"),
            });
        }
    };
    let bytes = crate::files::read_regular(path, crate::files::MAX_MESH_BYTES, "mesh")
        .map_err(|e| HeadError::Read(e.to_string()))?;
    read(&bytes, path)
}

/// Aligns the scan at `path` (`smp-preview align`): the landmarks found in
/// its own coordinates, and its head frame (at `scale_to_mm` when given).
pub fn align_file(path: &Path, scale_to_mm: Option<f32>) -> Result<align::Alignment, HeadError> {
    let file = path.display().to_string();
    if let Some(scale) = scale_to_mm
        && !(scale.is_finite() && scale > 0.0)
    {
        return Err(HeadError::InvalidScale { file, scale });
    }
    let mut found = align::align(&read_pieces(path)?, &file)?;
    if let Some(s) = scale_to_mm
        && let Some((to_head, _)) = align::frame::head_frame(&found.landmarks, Some(s))
    {
        found.to_head = to_head;
        found.unit = None;
    }
    Ok(found)
}

/// A mesh file's format, by its extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Obj,
    Gltf,
    Ply,
}

impl Format {
    pub fn of(path: &Path) -> Option<Format> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "obj" => Some(Format::Obj),
            "gltf" | "glb" => Some(Format::Gltf),
            "ply" => Some(Format::Ply),
            _ => None,
        }
    }
}

/// One object of a mesh file, as every importer hands it over: positions in
/// the file's units, optional UVs and colours (one per position), the
/// colour texture the UVs address, triangles.
#[derive(Debug, Clone, Default)]
pub struct Piece {
    pub name: String,
    pub positions: Vec<[f32; 3]>,
    pub uvs: Vec<[f32; 2]>,
    /// sRGB vertex colours, alpha 255 (empty: none).
    pub colors: Vec<[u8; 4]>,
    pub texture: Option<std::sync::Arc<image::RgbaImage>>,
    pub triangles: Vec<[u32; 3]>,
}

impl HeadMesh {
    /// Whether the mesh brings its own colour (a scan).
    pub fn has_scan_color(&self) -> bool {
        self.vertices.iter().any(|v| v.scan_srgba[3] > 0)
    }

    /// The scan's own scalp colour (sRGB, the median of its coloured skin
    /// 40 mm and more above the ear canals): what the ink lies under.
    /// `None` for a mesh without colour.
    pub fn scan_scalp_srgb(&self) -> Option<[u8; 3]> {
        let floor = self.landmarks.ear_midpoint().y + 40.0;
        let mut channels: [Vec<u8>; 3] = Default::default();
        for v in &self.vertices {
            if v.material == MATERIAL_SKIN && v.scan_srgba[3] > 0 && v.position_mm[1] > floor {
                for (k, c) in channels.iter_mut().enumerate() {
                    c.push(v.scan_srgba[k]);
                }
            }
        }
        if channels[0].is_empty() {
            return None;
        }
        Some(std::array::from_fn(|k| {
            let c = &mut channels[k];
            let mid = c.len() / 2;
            *c.select_nth_unstable(mid).1
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;
    use std::path::PathBuf;

    fn temp_obj(name: &str, text: &str) -> PathBuf {
        let path = std::env::temp_dir().join(format!(
            "smp-preview-head-test-{}-{name}.obj",
            std::process::id()
        ));
        std::fs::write(&path, text).unwrap();
        path
    }

    #[test]
    fn builtin_loads() {
        let mesh = load_builtin(0).unwrap();
        assert_eq!(mesh.source, "builtin");
        assert!(mesh.triangle_count() > 8000, "{}", mesh.triangle_count());
        assert_eq!(mesh.indices.len() % 3, 0);
        assert!(
            mesh.indices
                .iter()
                .all(|&i| (i as usize) < mesh.vertices.len())
        );
        let skin = mesh.skin_triangles().count();
        let eyes = mesh
            .vertices
            .iter()
            .filter(|v| v.material == MATERIAL_EYE)
            .count();
        assert!(skin > 8000 && skin < mesh.triangle_count(), "{skin}");
        assert!(eyes > 100, "{eyes}");
        let (lo, hi) = mesh.frame_bounds();
        let size = hi - lo;
        // A head: roughly 15-20 cm wide, 22-28 cm tall (vertex to under the
        // chin), 19-22 cm deep.
        assert!(size.x > 140.0 && size.x < 200.0, "{size}");
        assert!(size.y > 220.0 && size.y < 280.0, "{size}");
        assert!(size.z > 180.0 && size.z < 240.0, "{size}");
        let areas = mesh.triangle_areas_mm2();
        let total: f32 = mesh
            .indices
            .chunks_exact(3)
            .zip(&areas)
            .filter(|(t, _)| mesh.vertices[t[0] as usize].material == MATERIAL_SKIN)
            .map(|(_, a)| a)
            .sum();
        assert!(total > 5.0e4 && total < 2.0e5, "{total}");
    }

    #[test]
    fn triangle_counts_scale_by_four() {
        let counts: Vec<usize> = (0..=2)
            .map(|s| load_builtin(s).unwrap().triangle_count())
            .collect();
        assert_eq!(counts[1], 4 * counts[0]);
        assert_eq!(counts[2], 4 * counts[1]);
        let skin0 = load_builtin(0).unwrap().skin_triangles().count();
        let skin1 = load_builtin(1).unwrap().skin_triangles().count();
        assert_eq!(skin1, 4 * skin0);
    }

    #[test]
    fn coarse_level_is_the_base_mesh_over_the_same_vertices() {
        let base = load_builtin(0).unwrap();
        let fine = load_builtin(2).unwrap();
        // Two steps coarser: the unsubdivided triangles, indexing vertices
        // that sit where the base mesh has them.
        assert_eq!(fine.coarse_indices, base.indices);
        for &i in &fine.coarse_indices {
            let (a, b) = (fine.position(i), base.position(i));
            assert!((a - b).length() < 1e-4, "vertex {i} moved: {a} vs {b}");
        }
        // The same surface: areas agree within 1 %.
        let area = |m: &HeadMesh, idx: &[u32]| -> f32 {
            idx.chunks_exact(3)
                .map(|t| {
                    let [a, b, c] = [t[0], t[1], t[2]].map(|i| m.position(i));
                    0.5 * (b - a).cross(c - a).length()
                })
                .sum()
        };
        let (coarse, full) = (
            area(&fine, &fine.coarse_indices),
            area(&fine, &fine.indices),
        );
        assert!((coarse / full - 1.0).abs() < 0.02, "{coarse} vs {full} mm²");
        // The splat's depth slack covers how far the full surface stands off
        // the coarse one: measured at the full mesh's vertices, against the
        // plane of the coarse triangle each lies in (subdivision keeps them
        // in order: four children per parent, per step).
        let per_parent = fine.triangle_count() / base.triangle_count();
        let mut most = 0.0f32;
        for (k, parent) in fine.coarse_indices.chunks_exact(3).enumerate() {
            let [a, b, c] = [parent[0], parent[1], parent[2]].map(|i| fine.position(i));
            let n = (b - a).cross(c - a).normalize();
            for &v in &fine.indices[3 * k * per_parent..3 * (k + 1) * per_parent] {
                most = most.max((fine.position(v) - a).dot(n).abs());
            }
        }
        eprintln!(
            "full surface off the coarse one: at most {most:.2} mm; slack {:.2} mm",
            fine.coarse_sag_mm
        );
        assert!(most > 0.1, "the full surface bulges: {most} mm");
        assert!(
            most <= fine.coarse_sag_mm,
            "slack {} mm < measured {most} mm",
            fine.coarse_sag_mm
        );
        assert!(
            fine.coarse_sag_mm < 3.0 * most,
            "slack {} mm is loose",
            fine.coarse_sag_mm
        );
        assert_eq!(base.coarse_sag_mm, 0.0);
        // Nothing coarser than the mesh itself.
        assert_eq!(base.coarse_indices, base.indices);
        assert_eq!(
            load_builtin(3).unwrap().coarse_indices,
            load_builtin(1).unwrap().indices
        );
    }

    #[test]
    fn normals_are_unit_and_point_outward() {
        for s in [0, 2] {
            let mesh = load_builtin(s).unwrap();
            let menton_y = mesh.menton().unwrap().y;
            for v in &mesh.vertices {
                let n = Vec3::from(v.normal);
                assert!((n.length() - 1.0).abs() < 1e-4, "{n}");
            }
            // Area-weighted over the skin: the mean vertex normal of each triangle
            // against the direction from the skin's area centroid. The mouth cavity
            // (~120 cm², it reaches back to the ear plane) and the eyelid pockets
            // face inward; everything else faces out.
            let areas = mesh.triangle_areas_mm2();
            let skin: Vec<(usize, [u32; 3])> = mesh
                .indices
                .chunks_exact(3)
                .enumerate()
                .filter(|(_, t)| mesh.vertices[t[0] as usize].material == MATERIAL_SKIN)
                .map(|(k, t)| (k, [t[0], t[1], t[2]]))
                // The head, not the neck below it.
                .filter(|(_, t)| mesh.position(t[0]).y > menton_y)
                .collect();
            let centre_of = |t: &[u32; 3]| t.map(|i| mesh.position(i)).iter().sum::<Vec3>() / 3.0;
            let total_area: f32 = skin.iter().map(|(k, _)| areas[*k]).sum();
            let c = skin
                .iter()
                .map(|(k, t)| areas[*k] * centre_of(t))
                .sum::<Vec3>()
                / total_area;
            let (mut cos_sum, mut outward_area) = (0.0f32, 0.0f32);
            for (k, t) in &skin {
                let n: Vec3 = t
                    .map(|i| Vec3::from(mesh.vertices[i as usize].normal))
                    .iter()
                    .sum();
                let cos = n.normalize().dot((centre_of(t) - c).normalize());
                cos_sum += areas[*k] * cos;
                if cos > 0.0 {
                    outward_area += areas[*k];
                }
            }
            let mean_cos = cos_sum / total_area;
            // The face's folds and the ears lower the mean; inward faces would
            // make it negative.
            assert!(mean_cos > 0.55, "mean cosine {mean_cos}");
            assert!(
                outward_area > 0.8 * total_area,
                "{outward_area} of {total_area}"
            );
            // The top of the head points up.
            let top = mesh
                .vertices
                .iter()
                .max_by(|a, b| a.position_mm[1].total_cmp(&b.position_mm[1]))
                .unwrap();
            assert!(top.normal[1] > 0.9, "{:?}", top.normal);
            // Eyeball normals point away from the eye centres.
            let lm = &mesh.landmarks;
            for v in mesh.vertices.iter().filter(|v| v.material == MATERIAL_EYE) {
                let p = Vec3::from(v.position_mm);
                let centre = if p.x > 0.0 { lm.eye_left } else { lm.eye_right };
                assert!(Vec3::from(v.normal).dot((p - centre).normalize()) > 0.9);
            }
        }
    }

    #[test]
    fn triangles_wind_counter_clockwise_outside() {
        let mesh = load_builtin(1).unwrap();
        let mut agree = 0usize;
        let mut total = 0usize;
        for t in mesh.indices.chunks_exact(3) {
            let [pa, pb, pc] = [t[0], t[1], t[2]].map(|i| mesh.position(i));
            let face_n = (pb - pa).cross(pc - pa);
            let vn = Vec3::from(mesh.vertices[t[0] as usize].normal);
            total += 1;
            if face_n.dot(vn) > 0.0 {
                agree += 1;
            }
        }
        assert!(agree * 100 > total * 97, "{agree} of {total}");
    }

    #[test]
    fn seam_copies_share_position_and_normal() {
        let mesh = load_builtin(2).unwrap();
        let mut by_pos: HashMap<([u32; 3], u32), [f32; 3]> = HashMap::new();
        let mut shared = 0;
        for v in &mesh.vertices {
            let key = (v.position_mm.map(f32::to_bits), v.material);
            match by_pos.get(&key) {
                Some(n) => {
                    assert_eq!(*n, v.normal, "seam normal mismatch at {:?}", v.position_mm);
                    shared += 1;
                }
                None => {
                    by_pos.insert(key, v.normal);
                }
            }
        }
        assert!(shared > 0, "expected UV-seam copies");
    }

    /// Largest distance of the left eyeball's vertices inside its sphere.
    fn eye_sag_mm(mesh: &HeadMesh) -> f32 {
        let lm = &mesh.landmarks;
        mesh.vertices
            .iter()
            .filter(|v| v.material == MATERIAL_EYE && v.position_mm[0] > 0.0)
            .map(|v| lm.eye_radius_mm - Vec3::from(v.position_mm).distance(lm.eye_left))
            .fold(0.0, f32::max)
    }

    #[test]
    fn subdivision_follows_the_surface() {
        // The eyeball is a low-poly sphere: flat midpoints would sag inside it by
        // R (1 - cos(θ/2)) for an edge of angle θ; Phong midpoints stay much closer.
        let base = load_builtin(0).unwrap();
        assert!(eye_sag_mm(&base) < 0.05);
        let lm = base.landmarks;
        let max_edge_angle = base
            .indices
            .chunks_exact(3)
            .filter(|t| base.vertices[t[0] as usize].material == MATERIAL_EYE)
            .flat_map(|t| [(t[0], t[1]), (t[1], t[2]), (t[2], t[0])])
            .map(|(a, b)| {
                let (pa, pb) = (base.position(a), base.position(b));
                let c = if pa.x > 0.0 {
                    lm.eye_left
                } else {
                    lm.eye_right
                };
                (pa - c).angle_between(pb - c)
            })
            .fold(0.0f32, f32::max);
        let flat_sag = lm.eye_radius_mm * (1.0 - (0.5 * max_edge_angle).cos());
        let phong_sag = eye_sag_mm(&load_builtin(2).unwrap());
        assert!(
            phong_sag < 0.5 * flat_sag,
            "phong {phong_sag} flat {flat_sag}"
        );
    }

    #[test]
    fn landmarks_are_plausible() {
        let mesh = load_builtin(0).unwrap();
        let lm = mesh.landmarks;
        let (lo, hi) = mesh.frame_bounds();
        // The vertex is the highest point of the mesh.
        assert!((lm.vertex.y - hi.y).abs() < 1e-3, "{} vs {}", lm.vertex, hi);
        assert!(lm.vertex.y > lm.glabella.y && lm.glabella.y > lm.eye_left.y);
        // Glabella in front on the midline, inion behind.
        assert!(lm.glabella.x.abs() < 1.0 && lm.inion.x.abs() < 1.0);
        assert!(lm.glabella.z > 80.0 && lm.glabella.z > lm.eye_left.z);
        assert!(lm.inion.z < -70.0 && (lm.inion.z - lo.z).abs() < 1e-3);
        let length = lm.glabella.z - lm.inion.z;
        assert!(length > 170.0 && length < 215.0, "{length}");
        // Ears at ±x, mirror images; the origin is midway between them.
        assert!(lm.ear_left.x > 50.0 && lm.ear_right.x < -50.0);
        assert_eq!(lm.ear_left.x, -lm.ear_right.x);
        assert!(lm.ear_midpoint().length() < 1e-3, "{}", lm.ear_midpoint());
        // Eyes: left at +x, in front, sensible size and spacing.
        assert!(lm.eye_left.x > 20.0 && lm.eye_right.x < -20.0);
        assert!(lm.eye_left.z > 50.0);
        let ipd = lm.eye_left.distance(lm.eye_right);
        assert!(ipd > 50.0 && ipd < 75.0, "{ipd}");
        // hm08's eyeballs are 15 mm spheres on the base shape, a little larger
        // once aged.
        assert!(
            lm.eye_radius_mm > 10.0 && lm.eye_radius_mm < 17.0,
            "{}",
            lm.eye_radius_mm
        );
    }

    #[test]
    fn landmarks_toml_errors_name_the_file() {
        let err = Landmarks::from_toml_str("glabella = [0, 1]", "my-landmarks.toml").unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains("my-landmarks.toml"), "{msg}");
        let good = "glabella = [0, 39, 101]\nvertex = [0, 132, 17]\near_left = [70, 0, 0]\n\
                    ear_right = [-70, 0, 0]\ninion = [0, 27, -91]\neye_left = [31, 11, 72]\n\
                    eye_right = [-31, 11, 72]\neye_radius_mm = 15\n";
        assert!(Landmarks::from_toml_str(good, "x.toml").is_ok());
        let bad_radius = good.replace("eye_radius_mm = ", "eye_radius_mm = -");
        let msg = Landmarks::from_toml_str(&bad_radius, "x.toml")
            .unwrap_err()
            .to_string();
        assert!(
            msg.contains("x.toml") && msg.contains("eye_radius_mm"),
            "{msg}"
        );
        let missing = Path::new("/nonexistent/landmarks.toml");
        let msg = Landmarks::load(missing).unwrap_err().to_string();
        assert!(msg.contains("/nonexistent/landmarks.toml"), "{msg}");
    }

    #[test]
    fn missing_file_error_names_the_path() {
        let path = Path::new("/nonexistent/dir/head-model.obj");
        let err = load_mesh(path, Some(1.0), Some(Landmarks::builtin()), Some(0)).unwrap_err();
        assert!(matches!(err, HeadError::Read(_)), "{err:?}");
        assert!(
            err.to_string().contains("/nonexistent/dir/head-model.obj"),
            "{err}"
        );
    }

    #[test]
    fn too_many_subdivisions_rejected() {
        let err = load_builtin(4).unwrap_err();
        assert!(
            matches!(err, HeadError::Subdivisions { requested: 4, .. }),
            "{err:?}"
        );
        let msg = err.to_string();
        assert!(msg.contains("0..=3") && msg.contains("head.bin"), "{msg}");
        let err = load_mesh(
            Path::new("some.obj"),
            Some(1.0),
            Some(Landmarks::builtin()),
            Some(9),
        )
        .unwrap_err();
        assert!(err.to_string().contains("some.obj"), "{err}");
    }

    #[test]
    fn load_obj_roundtrip_and_materials() {
        // The built-in head written as OBJ loads the same, with scale applied.
        let builtin = load_builtin(1).unwrap();
        let path = temp_obj("roundtrip", &export::to_obj(&load_builtin(0).unwrap(), 1.0));
        let mesh = load_mesh(&path, Some(1.0), Some(Landmarks::builtin()), Some(1)).unwrap();
        assert_eq!(mesh.triangle_count(), builtin.triangle_count());
        let count =
            |m: &HeadMesh, material| m.vertices.iter().filter(|v| v.material == material).count();
        for material in [MATERIAL_SKIN, MATERIAL_EYE, MATERIAL_CLOTH] {
            assert!(count(&mesh, material) > 0);
        }
        let (lo, hi) = mesh.bounds();
        let (blo, bhi) = builtin.bounds();
        assert!((lo - blo).length() < 0.01 && (hi - bhi).length() < 0.01);
        assert_eq!(mesh.source, path.display().to_string());
        let scaled = load_mesh(&path, Some(2.0), Some(Landmarks::builtin()), Some(0)).unwrap();
        let (lo, hi) = scaled.bounds();
        let (blo, bhi) = load_builtin(0).unwrap().bounds();
        assert!(((hi - lo) - 2.0 * (bhi - blo)).length() < 1e-2);
        std::fs::remove_file(&path).ok();
    }

    #[test]
    fn metres_rejected_with_scale_hint() {
        let text = "o skin\nv 0 0 0\nv 0.1 0 0\nv 0 0.1 0\nv 0 0 0.1\nf 1 3 2\nf 1 2 4\nf 1 4 3\nf 2 3 4\n";
        let path = temp_obj("metres", text);
        let err = load_mesh(&path, Some(1.0), Some(Landmarks::builtin()), Some(0)).unwrap_err();
        let msg = err.to_string();
        assert!(matches!(err, HeadError::NotMillimetres { .. }), "{err:?}");
        assert!(msg.contains("scale_to_mm") && msg.contains(&path.display().to_string()));
        assert!(msg.contains("50..2000"), "{msg}");
        // ... and accepted with the scale.
        let mesh = load_mesh(&path, Some(1000.0), Some(Landmarks::builtin()), Some(1)).unwrap();
        assert_eq!(mesh.triangle_count(), 16);
        assert!(load_mesh(&path, Some(0.0), Some(Landmarks::builtin()), Some(0)).is_err());
        std::fs::remove_file(&path).ok();
    }

    #[test]
    fn bad_files_rejected() {
        let cases = [
            (
                "noface",
                "v 0 0 0\nv 100 0 0\nv 0 100 0\n",
                "no (non-degenerate)",
            ),
            (
                "degenerate",
                "v 0 0 0\nv 100 0 0\nv 200 0 0\nf 1 2 3\n",
                "no (non-degenerate)",
            ),
            (
                "badindex",
                "v 0 0 0\nv 100 0 0\nv 0 100 0\nf 1 2 9\n",
                "not a valid OBJ",
            ),
            (
                "nan",
                "v 0 0 0\nv 100 0 0\nv 0 NaN 0\nf 1 2 3\n",
                "non-finite",
            ),
        ];
        for (name, text, expect) in cases {
            let path = temp_obj(name, text);
            let msg = load_mesh(&path, Some(1.0), Some(Landmarks::builtin()), Some(0))
                .unwrap_err()
                .to_string();
            assert!(msg.contains(expect), "{name}: {msg}");
            assert!(msg.contains(&path.display().to_string()), "{name}: {msg}");
            std::fs::remove_file(&path).ok();
        }
    }

    #[test]
    fn landmarks_far_off_the_mesh_are_refused() {
        let head = load_builtin(0).unwrap();
        check_landmarks_on_mesh(&head).unwrap();
        let mut moved = head.clone();
        moved.landmarks.inion += Vec3::new(0.0, 0.0, -800.0);
        let err = check_landmarks_on_mesh(&moved).unwrap_err().to_string();
        assert!(
            err.contains("landmark inion") && err.contains("mm outside"),
            "{err}"
        );
    }

    #[test]
    fn degenerate_triangles_dropped() {
        let text = "v 0 0 0\nv 100 0 0\nv 0 100 0\nv 200 0 0\nf 1 2 3\nf 1 2 4\n";
        let path = temp_obj("somedegenerate", text);
        let mesh = load_mesh(&path, Some(1.0), Some(Landmarks::builtin()), Some(0)).unwrap();
        assert_eq!(mesh.triangle_count(), 1);
        assert_eq!(mesh.vertices.len(), 3);
        // The built-in landmarks frame the mesh where it is (to rounding).
        assert!(mesh.bounds().1.distance(Vec3::new(100.0, 100.0, 0.0)) < 1e-4);
        std::fs::remove_file(&path).ok();
    }

    #[test]
    fn too_many_triangles_rejected() {
        // 100 x 200 quads = 40 000 triangles; x 64 at 3 subdivisions > MAX_TRIANGLES.
        let (nx, ny) = (200usize, 100usize);
        let mut text = String::from("o skin\n");
        for j in 0..=ny {
            for i in 0..=nx {
                text.push_str(&format!("v {} {} 0\n", i, j));
            }
        }
        let id = |i: usize, j: usize| j * (nx + 1) + i + 1;
        for j in 0..ny {
            for i in 0..nx {
                text.push_str(&format!(
                    "f {} {} {} {}\n",
                    id(i, j),
                    id(i + 1, j),
                    id(i + 1, j + 1),
                    id(i, j + 1)
                ));
            }
        }
        let path = temp_obj("grid", &text);
        let err = load_mesh(&path, Some(1.0), Some(Landmarks::builtin()), Some(3)).unwrap_err();
        let msg = err.to_string();
        assert!(matches!(err, HeadError::TooManyTriangles { .. }), "{err:?}");
        assert!(msg.contains("2560000") && msg.contains("2000000"), "{msg}");
        assert!(msg.contains("at most 2 subdivision"), "{msg}");
        assert!(msg.contains(&path.display().to_string()), "{msg}");
        let mesh = load_mesh(&path, Some(1.0), Some(Landmarks::builtin()), Some(2)).unwrap();
        assert_eq!(mesh.triangle_count(), 640_000);
        std::fs::remove_file(&path).ok();
    }
}
