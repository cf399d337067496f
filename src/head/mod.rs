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
pub mod occlusion;
mod ply;
mod smooth;
mod texture;

pub use build::coarse_level;
use build::{build, check_subdivisions};
pub use error::HeadError;
pub use face::TYPICAL_GLABELLA_MENTON_MM;
pub use landmarks::Landmarks;
pub use morph::HeadShape;

use std::path::Path;

use glam::Vec3;

/// One vertex of the head mesh as uploaded to the GPU (56 bytes).
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
    /// The cosine-weighted share of the sky this point sees (0-1; see
    /// `occlusion`): how much soft light reaches it.
    pub sky_visibility: f32,
    /// The mean direction in which it sees the sky (unit; the normal where
    /// nothing covers it): lights far off it are hidden by a fold.
    pub open_direction: [f32; 3],
}

const _: () = assert!(std::mem::size_of::<HeadVertex>() == 56);

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
/// Nothing further than this from the ear canals' midpoint is framed, mm
/// (a head reaches about 150).
pub const FRAME_REACH_MM: f32 = 250.0;
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
        // A scan's loose fragments (a bit of the chair, a stray tuft) are
        // not the head.
        let centre = self.landmarks.ear_midpoint();
        self.vertices
            .iter()
            .filter(|v| v.material != MATERIAL_CLOTH)
            .map(|v| Vec3::from(v.position_mm))
            .filter(|p| p.y >= floor_y && p.distance(centre) < FRAME_REACH_MM)
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
    check_scale(&file, scale_to_mm)?;
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
            let found = align_pieces(&pieces, &file, scale_to_mm)?;
            (found.to_head, found.landmarks, Some(found.confidence))
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
    check_scale(&file, scale_to_mm)?;
    align_pieces(&read_pieces(path)?, &file, scale_to_mm)
}

/// `scale_to_mm`, when given, is a finite number > 0.
fn check_scale(file: &str, scale_to_mm: Option<f32>) -> Result<(), HeadError> {
    match scale_to_mm {
        Some(scale) if !(scale.is_finite() && scale > 0.0) => Err(HeadError::InvalidScale {
            file: file.to_string(),
            scale,
        }),
        _ => Ok(()),
    }
}

/// The scan aligned; with `scale_to_mm` given, framed at that unit
/// instead of the one found.
fn align_pieces(
    pieces: &[Piece],
    file: &str,
    scale_to_mm: Option<f32>,
) -> Result<align::Alignment, HeadError> {
    let mut found = align::align(pieces, file)?;
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

/// Two triangles per square of an `n`×`n` grid of vertices numbered row by
/// row: the meshes the head's mesh tools are tested on.
#[cfg(test)]
pub(crate) fn grid_triangles(n: usize) -> Vec<[usize; 3]> {
    let mut tris = Vec::new();
    for row in 0..n - 1 {
        for col in 0..n - 1 {
            let a = row * n + col;
            tris.push([a, a + 1, a + n]);
            tris.push([a + 1, a + n + 1, a + n]);
        }
    }
    tris
}

#[cfg(test)]
mod tests;
