//! Writing a head mesh as a scanner would: OBJ, binary glTF (`.glb`) and PLY
//! (ASCII or binary). The project's own test corpus is made this way (the
//! built-in head in other formats, as a scan app exports it), and the fuzz
//! suite breaks these bytes.

use super::{HeadMesh, MATERIAL_CLOTH, MATERIAL_EYE};
use std::fmt::Write as _;

/// One material's triangles over its own vertices.
struct Part {
    name: &'static str,
    positions: Vec<[f32; 3]>,
    uvs: Vec<[f32; 2]>,
    colors: Vec<[u8; 4]>,
    indices: Vec<u32>,
}

/// Skin, eyes and clothing as separate triangle lists.
fn parts(mesh: &HeadMesh) -> Vec<Part> {
    let mut out = Vec::new();
    for (name, material) in [
        ("skin", super::MATERIAL_SKIN),
        ("eyes", MATERIAL_EYE),
        ("garment", MATERIAL_CLOTH),
    ] {
        let mut remap = vec![u32::MAX; mesh.vertices.len()];
        let (mut positions, mut indices) = (Vec::new(), Vec::new());
        let (mut uvs, mut colors) = (Vec::new(), Vec::new());
        for t in mesh.indices.chunks_exact(3) {
            if mesh.vertices[t[0] as usize].material != material {
                continue;
            }
            for &i in t {
                if remap[i as usize] == u32::MAX {
                    remap[i as usize] = positions.len() as u32;
                    let v = &mesh.vertices[i as usize];
                    positions.push(v.position_mm);
                    uvs.push(v.uv);
                    colors.push(v.scan_srgba);
                }
                indices.push(remap[i as usize]);
            }
        }
        if !indices.is_empty() {
            out.push(Part {
                name,
                positions,
                uvs,
                colors,
                indices,
            });
        }
    }
    out
}

/// A GLB: one node and mesh per part (named `skin`, `eyes`), positions in
/// `scale` units per mm (a scan app writes metres: 0.001); the scan's
/// colours as `COLOR_0` when it has them.
pub fn to_glb(mesh: &HeadMesh, scale: f32) -> Vec<u8> {
    glb(mesh, scale, None)
}

/// A GLB whose material's base colour is `png` (the bytes of a PNG), read
/// at the mesh's UVs, as a photogrammetry app writes it.
pub fn to_glb_textured(mesh: &HeadMesh, scale: f32, png: &[u8]) -> Vec<u8> {
    glb(mesh, scale, Some(png))
}

fn glb(mesh: &HeadMesh, scale: f32, png: Option<&[u8]>) -> Vec<u8> {
    let mut bin: Vec<u8> = Vec::new();
    let (mut views, mut accessors, mut meshes, mut nodes) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let mut push_view = |bin: &mut Vec<u8>, bytes: &[u8]| {
        let start = bin.len();
        bin.extend(bytes);
        while !bin.len().is_multiple_of(4) {
            bin.push(0);
        }
        views.push(format!(
            r#"{{"buffer":0,"byteOffset":{start},"byteLength":{}}}"#,
            bytes.len()
        ));
        views.len() - 1
    };
    for (k, part) in parts(mesh).into_iter().enumerate() {
        let name = part.name;
        let scaled: Vec<[f32; 3]> = part
            .positions
            .iter()
            .map(|p| p.map(|c| c * scale))
            .collect();
        let (lo, hi) = scaled
            .iter()
            .fold(([f32::MAX; 3], [f32::MIN; 3]), |(lo, hi), p| {
                (
                    [lo[0].min(p[0]), lo[1].min(p[1]), lo[2].min(p[2])],
                    [hi[0].max(p[0]), hi[1].max(p[1]), hi[2].max(p[2])],
                )
            });
        let bytes: Vec<u8> = scaled
            .iter()
            .flatten()
            .flat_map(|c| c.to_le_bytes())
            .collect();
        let view = push_view(&mut bin, &bytes);
        accessors.push(format!(
            r#"{{"bufferView":{view},"componentType":5126,"count":{},"type":"VEC3","min":{lo:?},"max":{hi:?}}}"#,
            scaled.len()
        ));
        let mut attributes = format!(r#""POSITION":{}"#, accessors.len() - 1);
        if png.is_some() {
            let bytes: Vec<u8> = part
                .uvs
                .iter()
                .flat_map(|uv| [uv[0], 1.0 - uv[1]])
                .flat_map(|c| c.to_le_bytes())
                .collect();
            let view = push_view(&mut bin, &bytes);
            accessors.push(format!(
                r#"{{"bufferView":{view},"componentType":5126,"count":{},"type":"VEC2"}}"#,
                part.uvs.len()
            ));
            attributes += &format!(r#","TEXCOORD_0":{}"#, accessors.len() - 1);
        } else if part.colors.iter().any(|c| c[3] > 0) {
            let linear = |c: u8| {
                let s = f32::from(c) / 255.0;
                if s <= 0.04045 {
                    s / 12.92
                } else {
                    ((s + 0.055) / 1.055).powf(2.4)
                }
            };
            let bytes: Vec<u8> = part
                .colors
                .iter()
                .flat_map(|c| [c[0], c[1], c[2]].map(linear))
                .flat_map(|c| c.to_le_bytes())
                .collect();
            let view = push_view(&mut bin, &bytes);
            accessors.push(format!(
                r#"{{"bufferView":{view},"componentType":5126,"count":{},"type":"VEC3"}}"#,
                part.colors.len()
            ));
            attributes += &format!(r#","COLOR_0":{}"#, accessors.len() - 1);
        }
        let bytes: Vec<u8> = part.indices.iter().flat_map(|i| i.to_le_bytes()).collect();
        let view = push_view(&mut bin, &bytes);
        accessors.push(format!(
            r#"{{"bufferView":{view},"componentType":5125,"count":{},"type":"SCALAR"}}"#,
            part.indices.len()
        ));
        let material = if png.is_some() {
            r#","material":0"#
        } else {
            ""
        };
        meshes.push(format!(
            r#"{{"name":"{name}","primitives":[{{"attributes":{{{attributes}}},"indices":{}{material}}}]}}"#,
            accessors.len() - 1
        ));
        nodes.push(format!(r#"{{"mesh":{k},"name":"{name}"}}"#));
    }
    let textured = match png {
        Some(png) => {
            let view = push_view(&mut bin, png);
            format!(
                r#","images":[{{"bufferView":{view},"mimeType":"image/png"}}],"textures":[{{"source":0}}],"materials":[{{"name":"scan","pbrMetallicRoughness":{{"baseColorTexture":{{"index":0}},"metallicFactor":0}}}}]"#
            )
        }
        None => String::new(),
    };
    let node_list: Vec<String> = (0..nodes.len()).map(|i| i.to_string()).collect();
    let json = format!(
        r#"{{"asset":{{"version":"2.0","generator":"smp-preview"}},"scene":0,"scenes":[{{"nodes":[{}]}}],"nodes":[{}],"meshes":[{}],"buffers":[{{"byteLength":{}}}],"bufferViews":[{}],"accessors":[{}]{textured}}}"#,
        node_list.join(","),
        nodes.join(","),
        meshes.join(","),
        bin.len(),
        views.join(","),
        accessors.join(",")
    );
    glb_container(json, &bin)
}

/// The GLB container around a JSON chunk and a binary chunk (whose length
/// is a multiple of 4, as every accessor's data here is).
pub(crate) fn glb_container(json: String, bin: &[u8]) -> Vec<u8> {
    let mut json = json.into_bytes();
    while !json.len().is_multiple_of(4) {
        json.push(b' ');
    }
    let mut out = Vec::with_capacity(28 + json.len() + bin.len());
    out.extend(b"glTF");
    out.extend(2u32.to_le_bytes());
    out.extend(((12 + 8 + json.len() + 8 + bin.len()) as u32).to_le_bytes());
    out.extend((json.len() as u32).to_le_bytes());
    out.extend(b"JSON");
    out.extend(&json);
    out.extend((bin.len() as u32).to_le_bytes());
    out.extend(b"BIN\0");
    out.extend(bin);
    out
}

/// An OBJ: one object per part (`skin`, `eyes`, `garment`), positions in
/// `scale` units per mm.
pub fn to_obj(mesh: &HeadMesh, scale: f32) -> String {
    let mut out = String::from("# smp-preview head\n");
    let mut base = 1;
    for part in parts(mesh) {
        let _ = writeln!(out, "o {}", part.name);
        for p in &part.positions {
            let _ = writeln!(out, "v {} {} {}", p[0] * scale, p[1] * scale, p[2] * scale);
        }
        for t in part.indices.chunks_exact(3) {
            let _ = writeln!(out, "f {} {} {}", t[0] + base, t[1] + base, t[2] + base);
        }
        base += part.positions.len() as u32;
    }
    out
}

/// An OBJ with UVs that uses material `scan` of `mtl_name` (see
/// [`to_mtl`]), as a photogrammetry app writes it beside its texture.
pub fn to_obj_textured(mesh: &HeadMesh, scale: f32, mtl_name: &str) -> String {
    let mut out = format!("# smp-preview scan\nmtllib {mtl_name}\n");
    let mut base = 1;
    for part in parts(mesh) {
        let _ = writeln!(out, "o {}\nusemtl scan", part.name);
        for p in &part.positions {
            let _ = writeln!(out, "v {} {} {}", p[0] * scale, p[1] * scale, p[2] * scale);
        }
        for t in &part.uvs {
            let _ = writeln!(out, "vt {} {}", t[0], t[1]);
        }
        for t in part.indices.chunks_exact(3) {
            let [a, b, c] = [t[0] + base, t[1] + base, t[2] + base];
            let _ = writeln!(out, "f {a}/{a} {b}/{b} {c}/{c}");
        }
        base += part.positions.len() as u32;
    }
    out
}

/// The MTL of [`to_obj_textured`]: material `scan`, its colour `texture_name`.
pub fn to_mtl(texture_name: &str) -> String {
    format!("# smp-preview scan\nnewmtl scan\nKd 1 1 1\nmap_Kd {texture_name}\n")
}

/// A PLY of the skin (a scan has no separate eyes), ASCII or binary little
/// endian, positions in `scale` units per mm.
pub fn to_ply(mesh: &HeadMesh, scale: f32, binary: bool) -> Vec<u8> {
    let Some(Part {
        positions,
        indices,
        colors,
        ..
    }) = parts(mesh).into_iter().find(|p| p.name == "skin")
    else {
        return Vec::new();
    };
    let colored = colors.iter().any(|c| c[3] > 0);
    let color_props = if colored {
        "property uchar red\nproperty uchar green\nproperty uchar blue\n"
    } else {
        ""
    };
    let format = if binary {
        "binary_little_endian"
    } else {
        "ascii"
    };
    let mut out = format!(
        "ply\nformat {format} 1.0\ncomment smp-preview\nelement vertex {}\nproperty float x\n\
         property float y\nproperty float z\n{color_props}element face {}\nproperty list uchar int vertex_indices\nend_header\n",
        positions.len(),
        indices.len() / 3
    )
    .into_bytes();
    for (p, c) in positions.iter().zip(&colors) {
        let p = p.map(|c| c * scale);
        if binary {
            out.extend(p.iter().flat_map(|c| c.to_le_bytes()));
            if colored {
                out.extend(&c[..3]);
            }
        } else if colored {
            out.extend(format!("{} {} {} {} {} {}\n", p[0], p[1], p[2], c[0], c[1], c[2]).bytes());
        } else {
            out.extend(format!("{} {} {}\n", p[0], p[1], p[2]).bytes());
        }
    }
    for t in indices.chunks_exact(3) {
        if binary {
            out.push(3);
            out.extend(t.iter().flat_map(|&i| (i as i32).to_le_bytes()));
        } else {
            out.extend(format!("3 {} {} {}\n", t[0], t[1], t[2]).bytes());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn the_built_in_head_survives_both_formats() {
        let head = crate::head::load_builtin(0).unwrap();
        let skin = head.skin_triangles().count();
        let glb = crate::head::gltf::read(&to_glb(&head, 0.001), Path::new("head.glb")).unwrap();
        assert_eq!(glb.len(), 3);
        let skin_piece = glb.iter().find(|p| p.name == "skin").unwrap();
        assert_eq!(skin_piece.triangles.len(), skin);
        assert!(glb.iter().any(|p| p.name == "eyes"));
        for binary in [false, true] {
            let ply =
                crate::head::ply::read(&to_ply(&head, 1.0, binary), Path::new("head.ply")).unwrap();
            assert_eq!(ply[0].triangles.len(), skin);
            let max = ply[0]
                .positions
                .iter()
                .map(|p| p[1])
                .fold(f32::MIN, f32::max);
            assert!((max - head.landmarks.vertex.y).abs() < 0.01);
        }
    }
}
