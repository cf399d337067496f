//! OBJ (tobj): objects and groups as pieces, polygons triangulated, one
//! index per vertex; errors name the line (`obj_errors`). A `mtllib` and
//! the `map_Kd` colour textures it names are read by the file policy
//! (regular files, bounded), relative to the OBJ and the MTL; a missing or
//! broken one is an error naming it. `v x y z r g b` vertex colours are read.

use super::{HeadError, Piece, obj_errors, texture};
use std::cell::RefCell;
use std::collections::HashMap;
use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Largest MTL file read.
const MAX_MTL_BYTES: u64 = 16 << 20;

pub fn read(bytes: &[u8], path: &Path) -> Result<Vec<Piece>, HeadError> {
    let file = path.display().to_string();
    let dir = path.parent().unwrap_or(Path::new(".")).to_path_buf();
    let options = tobj::LoadOptions {
        triangulate: true,
        single_index: true,
        ..Default::default()
    };
    // tobj's loader can only say "failed": the reason is kept here.
    let mtl_error: RefCell<Option<HeadError>> = RefCell::new(None);
    let mtl_dir: RefCell<PathBuf> = RefCell::new(dir.clone());
    let (models, materials) = tobj::load_obj_buf(&mut Cursor::new(bytes), &options, |mtl| {
        let mtl_path = dir.join(mtl);
        *mtl_dir.borrow_mut() = mtl_path.parent().unwrap_or(&dir).to_path_buf();
        let text = crate::files::read_regular(&mtl_path, MAX_MTL_BYTES, "material library")
            .map_err(|e| {
                *mtl_error.borrow_mut() = Some(HeadError::Read(format!("{file}: mtllib: {e}")));
                tobj::LoadError::OpenFileFailed
            })?;
        tobj::load_mtl_buf(&mut Cursor::new(text)).inspect_err(|e| {
            *mtl_error.borrow_mut() = Some(HeadError::Parse {
                file: mtl_path.display().to_string(),
                message: format!("not a valid MTL file: {e}"),
            });
        })
    })
    .map_err(|e| HeadError::Parse {
        file: match obj_errors::locate(bytes, &e) {
            Some((line, text)) => format!("{file}:{line}: {text:?}"),
            None => file.clone(),
        },
        message: format!("not a valid OBJ file: {e}"),
    })?;
    if let Some(e) = mtl_error.into_inner() {
        return Err(e);
    }
    let materials = materials.unwrap_or_default();
    let mtl_dir = mtl_dir.into_inner();
    let mut textures: HashMap<String, Arc<image::RgbaImage>> = HashMap::new();
    let mut pieces = Vec::new();
    for model in models {
        let m = model.mesh;
        let map = m
            .material_id
            .and_then(|id| materials.get(id))
            .and_then(|mat| mat.diffuse_texture.clone());
        let texture = match map {
            Some(name) => Some(match textures.get(&name) {
                Some(t) => t.clone(),
                None => {
                    let at = mtl_dir.join(name.trim());
                    let what = format!("{file}: map_Kd {}", at.display());
                    let t = texture::read(&at, &what)?;
                    textures.insert(name, t.clone());
                    t
                }
            }),
            None => None,
        };
        let colors = m
            .vertex_color
            .chunks_exact(3)
            .map(|c| {
                let [r, g, b] =
                    [c[0], c[1], c[2]].map(|x| (x.clamp(0.0, 1.0) * 255.0).round() as u8);
                [r, g, b, 255]
            })
            .collect();
        pieces.push(Piece {
            name: model.name,
            positions: m
                .positions
                .chunks_exact(3)
                .map(|p| [p[0], p[1], p[2]])
                .collect(),
            uvs: m.texcoords.chunks_exact(2).map(|t| [t[0], t[1]]).collect(),
            colors,
            texture,
            triangles: m
                .indices
                .chunks_exact(3)
                .map(|t| [t[0], t[1], t[2]])
                .collect(),
        });
    }
    Ok(pieces)
}
