//! Errors from loading a head mesh: every message names the file.

use super::{LANDMARK_SLACK_MM, MAX_SUBDIVISIONS, PLAUSIBLE_DIAGONAL_MM};

/// Errors from loading a head mesh. Every message names the file.
#[derive(thiserror::Error, Debug)]
pub enum HeadError {
    /// The file could not be read; the message names it.
    #[error("{0}")]
    Read(String),
    #[error("{file}: {message}")]
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
    #[error("{texture}: {message}")]
    Texture { texture: String, message: String },
    #[error(transparent)]
    Align(#[from] super::align::AlignError),
    #[error("{file}: invalid landmarks: {message}")]
    Landmarks { file: String, message: String },
}
