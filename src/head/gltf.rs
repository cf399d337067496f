//! glTF 2.0 (`.gltf` with its buffers, `.glb`): every triangle primitive of
//! the default scene's nodes, with the node transforms applied. External
//! buffers are read by the file policy (regular files, bounded), relative to
//! the glTF file; `data:` URIs are not read (export as `.glb`).

use super::{HeadError, Piece};
use glam::{Mat4, Vec3};
use std::path::Path;

/// Deeper node trees than this are refused (a cycle would never end).
const MAX_NODE_DEPTH: usize = 64;

pub fn read(bytes: &[u8], path: &Path) -> Result<Vec<Piece>, HeadError> {
    let file = path.display().to_string();
    let fail = |message: String| HeadError::Parse {
        file: file.clone(),
        message,
    };
    // gltf-json 1.4's validation indexes a primitive's POSITION accessor
    // before checking it exists (a panic on a broken file): check that first.
    let unchecked = gltf::Gltf::from_slice_without_validation(bytes)
        .map_err(|e| fail(format!("not a valid glTF: {e}")))?;
    let root = unchecked.document.as_json();
    for (m, mesh) in root.meshes.iter().enumerate() {
        for primitive in &mesh.primitives {
            if primitive
                .attributes
                .values()
                .any(|a| a.value() >= root.accessors.len())
            {
                return Err(fail(format!(
                    "mesh {m} refers to an accessor past the {} the file has",
                    root.accessors.len()
                )));
            }
        }
    }
    // Parsed once; validated now that the check above has passed.
    let mut blob = unchecked.blob;
    let gltf = gltf::Document::from_json(unchecked.document.into_json())
        .map_err(|e| fail(format!("not a valid glTF: {e}")))?;
    let mut buffers = Vec::new();
    for buffer in gltf.buffers() {
        let data = match buffer.source() {
            // The binary chunk is moved, not copied: it can be hundreds of MB.
            gltf::buffer::Source::Bin => blob
                .take()
                .ok_or_else(|| fail("buffer 0 refers to a binary chunk the file lacks".into()))?,
            gltf::buffer::Source::Uri(uri) if uri.starts_with("data:") => {
                return Err(fail(
                    "embedded data: URIs are not read; export the scan as .glb".into(),
                ));
            }
            gltf::buffer::Source::Uri(uri) => {
                let dir = path.parent().unwrap_or(Path::new("."));
                crate::files::read_regular(
                    &dir.join(uri),
                    crate::files::MAX_MESH_BYTES,
                    "mesh buffer",
                )
                .map_err(|e| HeadError::Read(format!("{file}: {e}")))?
            }
        };
        if data.len() < buffer.length() {
            return Err(fail(format!(
                "buffer {} holds {} bytes of the {} it declares",
                buffer.index(),
                data.len(),
                buffer.length()
            )));
        }
        buffers.push(data);
    }
    let scene = gltf
        .default_scene()
        .or_else(|| gltf.scenes().next())
        .ok_or_else(|| fail("no scene in the file".into()))?;
    let mut pieces = Vec::new();
    let mut stack: Vec<(gltf::Node, Mat4, usize)> =
        scene.nodes().map(|n| (n, Mat4::IDENTITY, 0)).collect();
    while let Some((node, parent, depth)) = stack.pop() {
        if depth > MAX_NODE_DEPTH {
            return Err(fail(format!("node tree deeper than {MAX_NODE_DEPTH}")));
        }
        let world = parent * Mat4::from_cols_array_2d(&node.transform().matrix());
        if let Some(mesh) = node.mesh() {
            for (k, primitive) in mesh.primitives().enumerate() {
                if primitive.mode() != gltf::mesh::Mode::Triangles {
                    continue;
                }
                let name = mesh
                    .name()
                    .or(node.name())
                    .map_or(format!("mesh {}.{k}", mesh.index()), str::to_string);
                let mut piece = primitive_piece(&primitive, &buffers, world, name, &fail)?;
                piece.texture = base_color_texture(&primitive, &buffers, path)?;
                if piece.texture.is_some() {
                    let set = primitive
                        .material()
                        .pbr_metallic_roughness()
                        .base_color_texture()
                        .map_or(0, |t| t.tex_coord());
                    piece.uvs = tex_coords(&primitive, &buffers, set);
                }
                pieces.push(piece);
            }
        }
        stack.extend(node.children().map(|c| (c, world, depth + 1)));
    }
    Ok(pieces)
}

fn primitive_piece(
    primitive: &gltf::Primitive,
    buffers: &[Vec<u8>],
    world: Mat4,
    name: String,
    fail: &impl Fn(String) -> HeadError,
) -> Result<Piece, HeadError> {
    // gltf's reader assumes the types the spec requires (an `unreachable!`
    // otherwise): check them first.
    use gltf::accessor::{DataType, Dimensions};
    use gltf::mesh::Semantic;
    let typed = |a: Option<gltf::Accessor>, types: &[DataType], dims: Dimensions| {
        a.is_none_or(|a| types.contains(&a.data_type()) && a.dimensions() == dims)
    };
    let positions_ok = typed(
        primitive.get(&Semantic::Positions),
        &[DataType::F32],
        Dimensions::Vec3,
    );
    let indices_ok = typed(
        primitive.indices(),
        &[DataType::U8, DataType::U16, DataType::U32],
        Dimensions::Scalar,
    );
    if !positions_ok || !indices_ok {
        return Err(fail(format!(
            "{name}: positions must be float [x, y, z] and indices unsigned integers"
        )));
    }
    let uv_ok = typed(
        primitive.get(&Semantic::TexCoords(0)),
        &[DataType::U8, DataType::U16, DataType::F32],
        Dimensions::Vec2,
    );
    let reader = primitive.reader(|b| buffers.get(b.index()).map(Vec::as_slice));
    let positions: Vec<[f32; 3]> = reader
        .read_positions()
        .ok_or_else(|| fail(format!("{name}: a primitive without readable positions")))?
        .map(|p| world.transform_point3(Vec3::from(p)).into())
        .collect();
    let n = positions.len() as u32;
    let flat: Vec<u32> = match reader.read_indices() {
        Some(i) => i.into_u32().collect(),
        None => (0..n).collect(),
    };
    let mut triangles: Vec<[u32; 3]> = flat.chunks_exact(3).map(|t| [t[0], t[1], t[2]]).collect();
    // A mirroring transform turns the faces inside out: wind them back.
    if world.determinant() < 0.0 {
        for t in &mut triangles {
            t.swap(1, 2);
        }
    }
    let uvs = if uv_ok {
        tex_coords(primitive, buffers, 0)
    } else {
        Vec::new()
    };
    let colors_ok = [Dimensions::Vec3, Dimensions::Vec4].into_iter().any(|d| {
        typed(
            primitive.get(&Semantic::Colors(0)),
            &[DataType::U8, DataType::U16, DataType::F32],
            d,
        )
    });
    // glTF vertex colours are linear; ours are sRGB.
    let colors = colors_ok
        .then(|| reader.read_colors(0))
        .flatten()
        .map(|c| {
            c.into_rgba_f32()
                .map(|[r, g, b, _]| [r, g, b].map(super::texture::linear_to_srgb8))
                .map(|[r, g, b]| [r, g, b, 255])
                .collect()
        })
        .unwrap_or_default();
    Ok(Piece {
        name,
        positions,
        uvs,
        colors,
        texture: None,
        triangles,
    })
}

/// Texture coordinates of set `set`, v pointing up as in OBJ (glTF's
/// point down); empty when absent or of a type the spec does not allow.
fn tex_coords(primitive: &gltf::Primitive, buffers: &[Vec<u8>], set: u32) -> Vec<[f32; 2]> {
    use gltf::accessor::{DataType, Dimensions};
    let ok = primitive
        .get(&gltf::mesh::Semantic::TexCoords(set))
        .is_some_and(|a| {
            [DataType::U8, DataType::U16, DataType::F32].contains(&a.data_type())
                && a.dimensions() == Dimensions::Vec2
        });
    let reader = primitive.reader(|b| buffers.get(b.index()).map(Vec::as_slice));
    ok.then(|| reader.read_tex_coords(set))
        .flatten()
        .map(|t| t.into_f32().map(|[u, v]| [u, 1.0 - v]).collect())
        .unwrap_or_default()
}

/// The primitive's base colour texture, from the binary chunk or a file
/// beside the glTF; `None` when its material has none.
fn base_color_texture(
    primitive: &gltf::Primitive,
    buffers: &[Vec<u8>],
    path: &Path,
) -> Result<Option<std::sync::Arc<image::RgbaImage>>, HeadError> {
    let file = path.display().to_string();
    let Some(info) = primitive
        .material()
        .pbr_metallic_roughness()
        .base_color_texture()
    else {
        return Ok(None);
    };
    let image = info.texture().source();
    let what = format!("{file}: image {}", image.index());
    match image.source() {
        gltf::image::Source::View { view, .. } => {
            let buffer = buffers
                .get(view.buffer().index())
                .map(Vec::as_slice)
                .unwrap_or(&[]);
            let bytes = view
                .offset()
                .checked_add(view.length())
                .and_then(|end| buffer.get(view.offset()..end))
                .ok_or_else(|| HeadError::Texture {
                    texture: what.clone(),
                    message: "its buffer view lies outside the buffer".into(),
                })?;
            super::texture::decode(bytes, &what).map(Some)
        }
        gltf::image::Source::Uri { uri, .. } if uri.starts_with("data:") => {
            Err(HeadError::Texture {
                texture: what,
                message: "embedded data: URIs are not read; export the scan as .glb".into(),
            })
        }
        gltf::image::Source::Uri { uri, .. } => {
            let texture = path.parent().unwrap_or(Path::new(".")).join(uri);
            let what = format!("{file}: texture {}", texture.display());
            super::texture::read(&texture, &what).map(Some)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn triangle_glb() -> Vec<u8> {
        let mut head = crate::head::load_builtin(0).unwrap();
        // One skin triangle, its node without a transform.
        head.indices.truncate(3);
        crate::head::export::to_glb(&head, 1.0)
    }

    #[test]
    fn reads_a_glb() {
        let pieces = read(&triangle_glb(), Path::new("scan.glb")).unwrap();
        assert_eq!(pieces.len(), 1);
        assert_eq!(pieces[0].name, "skin");
        assert_eq!(pieces[0].triangles, [[0, 1, 2]]);
    }

    /// The GLB with its JSON chunk edited by `edit`.
    fn edit_json(glb: &[u8], edit: impl Fn(&str) -> String) -> Vec<u8> {
        let json_len = u32::from_le_bytes(glb[12..16].try_into().unwrap()) as usize;
        let json = std::str::from_utf8(&glb[20..20 + json_len]).unwrap();
        // After the JSON chunk: the binary chunk's length and type, then its data.
        let bin = &glb[20 + json_len + 8..];
        crate::head::export::glb_container(edit(json.trim_end()), bin)
    }

    #[test]
    fn node_transforms_are_applied() {
        let plain = triangle_glb();
        let moved = edit_json(&plain, |j| {
            j.replace(
                r#"{"mesh":0,"name":"skin"}"#,
                r#"{"mesh":0,"name":"skin","translation":[0,0,5]}"#,
            )
        });
        let a = read(&plain, Path::new("a.glb")).unwrap();
        let b = read(&moved, Path::new("b.glb")).unwrap();
        assert_eq!(b[0].positions[0][2], a[0].positions[0][2] + 5.0);
    }

    #[test]
    fn an_attribute_past_the_accessors_is_an_error() {
        // Found by the fuzz suite: gltf-json's validation panicked on it.
        let broken = edit_json(&triangle_glb(), |j| {
            j.replace(r#""POSITION":0"#, r#""POSITION":7"#)
        });
        let err = read(&broken, Path::new("b.glb")).unwrap_err().to_string();
        assert!(err.contains("b.glb") && err.contains("accessor"), "{err}");
    }

    #[test]
    fn indices_of_the_wrong_type_are_an_error() {
        // Found by the fuzz suite: float indices reached an `unreachable!`.
        let broken = edit_json(&triangle_glb(), |j| {
            j.replace(r#""componentType":5125"#, r#""componentType":5126"#)
        });
        let err = read(&broken, Path::new("f.glb")).unwrap_err().to_string();
        assert!(err.contains("f.glb") && err.contains("indices"), "{err}");
    }

    #[test]
    fn broken_files_are_errors_naming_the_file() {
        let good = triangle_glb();
        for cut in [10, 30, good.len() - 20] {
            let err = read(&good[..cut], Path::new("cut.glb"))
                .unwrap_err()
                .to_string();
            assert!(err.contains("cut.glb"), "{err}");
        }
        let err = read(
            b"{\"asset\":{\"version\":\"2.0\"},\"buffers\":[{\"byteLength\":4,\"uri\":\"/dev/zero\"}]}",
            Path::new("x.gltf"),
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("not a regular file"), "{err}");
    }
}
