//! OBJ (tobj): objects and groups as pieces, polygons triangulated, one
//! index per vertex; errors name the line (`obj_errors`). Materials are
//! not read (a `mtllib` may name any file, special files included).

use super::{HeadError, Piece, obj_errors};
use std::io::Cursor;
use std::path::Path;

pub fn read(bytes: &[u8], path: &Path) -> Result<Vec<Piece>, HeadError> {
    let file = path.display().to_string();
    let options = tobj::LoadOptions {
        triangulate: true,
        single_index: true,
        ..Default::default()
    };
    let (models, _materials) = tobj::load_obj_buf(&mut Cursor::new(bytes), &options, |_| {
        Err(tobj::LoadError::OpenFileFailed)
    })
    .map_err(|e| HeadError::Parse {
        file: match obj_errors::locate(bytes, &e) {
            Some((line, text)) => format!("{file}:{line}: {text:?}"),
            None => file.clone(),
        },
        message: e.to_string(),
    })?;
    Ok(models
        .into_iter()
        .map(|model| {
            let m = model.mesh;
            Piece {
                name: model.name,
                positions: m
                    .positions
                    .chunks_exact(3)
                    .map(|p| [p[0], p[1], p[2]])
                    .collect(),
                uvs: m.texcoords.chunks_exact(2).map(|t| [t[0], t[1]]).collect(),
                triangles: m
                    .indices
                    .chunks_exact(3)
                    .map(|t| [t[0], t[1], t[2]])
                    .collect(),
            }
        })
        .collect())
}
