//! Head mesh: loading, smooth normals and Phong-tessellation subdivision.
//!
//! The head frame used throughout the crate: millimetres, +Y up, +Z out of the face,
//! +X towards the client's left, origin midway between the ear canals.
//!
//! The built-in head (`assets/head/head.bin`) is derived from the MakeHuman hm08 base
//! mesh and shape targets (CC0) by `tools/make_head.rs` and embedded in the binary, so
//! it runs from any directory; `builtin` morphs it to the plan's [`HeadShape`].

mod builtin;
pub mod export;
mod face;
mod garment;
mod gltf;
mod landmark_rules;
pub mod lids;
pub mod morph;
mod obj;
mod obj_errors;
mod ply;

pub use face::TYPICAL_GLABELLA_MENTON_MM;
pub use morph::HeadShape;

use std::collections::HashMap;
use std::path::Path;

use glam::Vec3;
use serde::Deserialize;

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
    /// [`MATERIAL_SKIN`] or [`MATERIAL_EYE`].
    pub material: u32,
    pub _pad: u32,
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

/// Errors from loading a head mesh. Every message names the file.
#[derive(thiserror::Error, Debug)]
pub enum HeadError {
    /// The file could not be read; the message names it.
    #[error("{0}")]
    Read(String),
    #[error("{file}: not a valid OBJ file: {message}")]
    Parse { file: String, message: String },
    #[error("{file}: the mesh has no (non-degenerate) triangle faces")]
    NoFaces { file: String },
    #[error(
        "{file}: object '{object}' has a vertex with a non-finite coordinate {position:?} \
         (after scale_to_mm = {scale})"
    )]
    NonFinite {
        file: String,
        object: String,
        position: [f32; 3],
        scale: f32,
    },
    #[error("{file}: subdivisions = {requested} is out of range (allowed: 0..={MAX_SUBDIVISIONS})")]
    Subdivisions { file: String, requested: u32 },
    #[error(
        "{file}: {triangles} triangles after {subdivisions} subdivision(s) exceed the limit of {limit} \
         (the mesh has {base} triangles, each subdivision multiplies by 4); {hint}"
    )]
    TooManyTriangles {
        file: String,
        base: usize,
        subdivisions: u32,
        triangles: usize,
        limit: usize,
        hint: String,
    },
    #[error("{file}: scale_to_mm = {scale} is invalid (allowed: a finite number > 0)")]
    InvalidScale { file: String, scale: f32 },
    #[error(
        "{file}: the bounding-box diagonal is {diagonal_mm:.4} mm after scale_to_mm = {scale}, \
         outside the plausible range for a head of {min}..{max} mm; the mesh is probably not in \
         millimetres: set scale_to_mm (e.g. 1000 for metres, 100 for decimetres, 10 for centimetres, \
         25.4 for inches)",
        min = PLAUSIBLE_DIAGONAL_MM.0,
        max = PLAUSIBLE_DIAGONAL_MM.1
    )]
    NotMillimetres {
        file: String,
        diagonal_mm: f32,
        scale: f32,
    },
    #[error(
        "{file}: landmark {name} = {position:?} lies {off_mm:.0} mm outside the mesh's bounds \
         {lo:.0?} to {hi:.0?} (mm, after scale_to_mm); at most {LANDMARK_SLACK_MM} mm is allowed: \
         give the landmarks in the mesh's frame and in millimetres"
    )]
    LandmarkOffMesh {
        file: String,
        name: &'static str,
        position: [f32; 3],
        off_mm: f32,
        lo: [f32; 3],
        hi: [f32; 3],
    },
    #[error("{file}: invalid landmarks: {message}")]
    Landmarks { file: String, message: String },
}

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

/// Loads a mesh (OBJ, glTF / GLB or PLY, by extension) that is already in
/// the head frame once multiplied by `scale_to_mm`. Objects, groups or
/// meshes whose name contains "eye" (e.g. `eye_left`, `eye_right`) get
/// [`MATERIAL_EYE`], everything else [`MATERIAL_SKIN`]. Materials are ignored.
pub fn load_mesh(
    path: &Path,
    scale_to_mm: f32,
    landmarks: Landmarks,
    subdivisions: u32,
) -> Result<HeadMesh, HeadError> {
    let file = path.display().to_string();
    check_subdivisions(&file, subdivisions)?;
    if !(scale_to_mm.is_finite() && scale_to_mm > 0.0) {
        return Err(HeadError::InvalidScale {
            file,
            scale: scale_to_mm,
        });
    }
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
    let pieces = read(&bytes, path)?;
    build(&pieces, &file, scale_to_mm, landmarks, subdivisions)
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
/// the file's units, optional UVs (one per position), triangles.
#[derive(Debug, Clone, Default)]
pub struct Piece {
    pub name: String,
    pub positions: Vec<[f32; 3]>,
    pub uvs: Vec<[f32; 2]>,
    pub triangles: Vec<[u32; 3]>,
}

fn check_subdivisions(file: &str, subdivisions: u32) -> Result<(), HeadError> {
    if subdivisions > MAX_SUBDIVISIONS {
        return Err(HeadError::Subdivisions {
            file: file.to_string(),
            requested: subdivisions,
        });
    }
    Ok(())
}

/// Working mesh: per-vertex attributes plus the welded-position id of every vertex.
struct Work {
    pos: Vec<Vec3>,
    uv: Vec<[f32; 2]>,
    material: Vec<u32>,
    /// Welded id: vertices with the same position and material share it.
    weld: Vec<u32>,
    /// Per welded id: position and normal.
    weld_pos: Vec<Vec3>,
    weld_normal: Vec<Vec3>,
    tris: Vec<[u32; 3]>,
}

fn build(
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
        weld: Vec::new(),
        weld_pos: Vec::new(),
        weld_normal: Vec::new(),
        tris: Vec::new(),
    };
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
    for step in 0..subdivisions {
        if step == coarse_at {
            coarse_sag_mm = refinement_sag_mm(&w);
        }
        subdivide(&mut w);
        if step + 1 == coarse_at {
            coarse_tris = w.tris.clone();
        }
    }
    if subdivisions > 0 {
        compute_normals(&mut w);
    }

    let vertices = (0..w.pos.len())
        .map(|i| HeadVertex {
            position_mm: w.pos[i].into(),
            normal: w.weld_normal[w.weld[i] as usize].into(),
            uv: w.uv[i],
            material: w.material[i],
            _pad: 0,
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
    })
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
fn refinement_sag_mm(w: &Work) -> f32 {
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
    for (old, &new) in remap.iter().enumerate() {
        if new != u32::MAX {
            pos[new as usize] = w.pos[old];
            uv[new as usize] = w.uv[old];
            material[new as usize] = w.material[old];
        }
    }
    (w.pos, w.uv, w.material) = (pos, uv, material);
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
fn phong_midpoint(p0: Vec3, n0: Vec3, p1: Vec3, n1: Vec3) -> (Vec3, Vec3) {
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
fn subdivide(w: &mut Work) {
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

#[cfg(test)]
mod tests {
    use super::*;
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
        let err = load_mesh(path, 1.0, Landmarks::builtin(), 0).unwrap_err();
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
        let err = load_mesh(Path::new("some.obj"), 1.0, Landmarks::builtin(), 9).unwrap_err();
        assert!(err.to_string().contains("some.obj"), "{err}");
    }

    #[test]
    fn load_obj_roundtrip_and_materials() {
        // The built-in head written as OBJ loads the same, with scale applied.
        let builtin = load_builtin(1).unwrap();
        let path = temp_obj("roundtrip", &export::to_obj(&load_builtin(0).unwrap(), 1.0));
        let mesh = load_mesh(&path, 1.0, Landmarks::builtin(), 1).unwrap();
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
        let scaled = load_mesh(&path, 2.0, Landmarks::builtin(), 0).unwrap();
        let (lo, hi) = scaled.bounds();
        let (blo, bhi) = load_builtin(0).unwrap().bounds();
        assert!(((hi - lo) - 2.0 * (bhi - blo)).length() < 1e-2);
        std::fs::remove_file(&path).ok();
    }

    #[test]
    fn metres_rejected_with_scale_hint() {
        let text = "o skin\nv 0 0 0\nv 0.1 0 0\nv 0 0.1 0\nv 0 0 0.1\nf 1 3 2\nf 1 2 4\nf 1 4 3\nf 2 3 4\n";
        let path = temp_obj("metres", text);
        let err = load_mesh(&path, 1.0, Landmarks::builtin(), 0).unwrap_err();
        let msg = err.to_string();
        assert!(matches!(err, HeadError::NotMillimetres { .. }), "{err:?}");
        assert!(msg.contains("scale_to_mm") && msg.contains(&path.display().to_string()));
        assert!(msg.contains("50..2000"), "{msg}");
        // ... and accepted with the scale.
        let mesh = load_mesh(&path, 1000.0, Landmarks::builtin(), 1).unwrap();
        assert_eq!(mesh.triangle_count(), 16);
        assert!(load_mesh(&path, 0.0, Landmarks::builtin(), 0).is_err());
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
            let msg = load_mesh(&path, 1.0, Landmarks::builtin(), 0)
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
        let mesh = load_mesh(&path, 1.0, Landmarks::builtin(), 0).unwrap();
        assert_eq!(mesh.triangle_count(), 1);
        assert_eq!(mesh.vertices.len(), 3);
        assert_eq!(mesh.bounds().1, Vec3::new(100.0, 100.0, 0.0));
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
        let err = load_mesh(&path, 1.0, Landmarks::builtin(), 3).unwrap_err();
        let msg = err.to_string();
        assert!(matches!(err, HeadError::TooManyTriangles { .. }), "{err:?}");
        assert!(msg.contains("2560000") && msg.contains("2000000"), "{msg}");
        assert!(msg.contains("at most 2 subdivision"), "{msg}");
        assert!(msg.contains(&path.display().to_string()), "{msg}");
        let mesh = load_mesh(&path, 1.0, Landmarks::builtin(), 2).unwrap();
        assert_eq!(mesh.triangle_count(), 640_000);
        std::fs::remove_file(&path).ok();
    }
}
