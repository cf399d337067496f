//! PLY (ply-rs-bw), ASCII and binary: `vertex` x, y, z (and u, v or s, t),
//! `face` vertex_indices (or vertex_index) polygons fanned into triangles.
//! The header's counts are checked before the payload is read, so a header
//! that promises a billion vertices is refused at once.

use super::{HeadError, MAX_TRIANGLES, Piece};
use ply_rs_bw::parser::{Parser, Reader};
use ply_rs_bw::ply::{DefaultElement, Property};
use std::io::Cursor;
use std::path::Path;

/// The most vertices a PLY may declare (a 2 M-triangle scan has about 1 M).
pub const MAX_VERTICES: usize = 4_000_000;

fn scalar(p: Option<&Property>) -> Option<f32> {
    Some(match p? {
        Property::Float(v) => *v,
        Property::Double(v) => *v as f32,
        Property::Char(v) => *v as f32,
        Property::UChar(v) => *v as f32,
        Property::Short(v) => *v as f32,
        Property::UShort(v) => *v as f32,
        Property::Int(v) => *v as f32,
        Property::UInt(v) => *v as f32,
        _ => return None,
    })
}

/// A face's vertex indices; `None` for a negative index or no list.
fn indices(p: Option<&Property>) -> Option<Vec<u32>> {
    let int = |v: i64| u32::try_from(v).ok();
    match p? {
        Property::ListUInt(v) => Some(v.clone()),
        Property::ListInt(v) => v.iter().map(|&i| int(i as i64)).collect(),
        Property::ListUShort(v) => Some(v.iter().map(|&i| i as u32).collect()),
        Property::ListShort(v) => v.iter().map(|&i| int(i as i64)).collect(),
        Property::ListUChar(v) => Some(v.iter().map(|&i| i as u32).collect()),
        Property::ListChar(v) => v.iter().map(|&i| int(i as i64)).collect(),
        _ => None,
    }
}

/// A vertex's `red`, `green`, `blue` (or `r`, `g`, `b`; `diffuse_red` …):
/// 8-bit integers, 16-bit integers or floats 0-1, taken as sRGB.
fn vertex_color(v: &DefaultElement) -> Option<[u8; 4]> {
    let names = [
        ["red", "green", "blue"],
        ["r", "g", "b"],
        ["diffuse_red", "diffuse_green", "diffuse_blue"],
    ];
    let props = names
        .iter()
        .find_map(|n| Some([v.get(n[0])?, v.get(n[1])?, v.get(n[2])?]))?;
    let channel = |p: &Property| -> Option<u8> {
        let x = match p {
            Property::UChar(c) => return Some(*c),
            Property::Char(c) => return Some((*c).max(0) as u8 * 2),
            Property::UShort(c) => return Some((c >> 8) as u8),
            Property::Float(f) => *f,
            Property::Double(f) => *f as f32,
            _ => return None,
        };
        x.is_finite()
            .then(|| (x.clamp(0.0, 1.0) * 255.0).round() as u8)
    };
    let [r, g, b] = props.map(channel);
    Some([r?, g?, b?, 255])
}

pub fn read(bytes: &[u8], path: &Path) -> Result<Vec<Piece>, HeadError> {
    let file = path.display().to_string();
    let fail = |message: String| HeadError::Parse {
        file: file.clone(),
        message,
    };
    let parser = Parser::<DefaultElement>::new();
    let mut reader = Reader::new(Cursor::new(bytes));
    let header = parser
        .read_header(&mut reader)
        .map_err(|e| fail(format!("not a valid PLY header: {e}")))?;
    let count = |name: &str| header.elements.get(name).map_or(0, |e| e.count);
    let (vertices, faces) = (count("vertex"), count("face"));
    if vertices > MAX_VERTICES || faces > MAX_TRIANGLES {
        return Err(fail(format!(
            "{vertices} vertices and {faces} faces declared: at most {MAX_VERTICES} vertices \
             and {MAX_TRIANGLES} faces are read"
        )));
    }
    let payload = parser
        .read_payload(&mut reader, &header)
        .map_err(|e| fail(format!("not a valid PLY file: {e}")))?;
    let empty = Vec::new();
    let vertex = payload.get("vertex").unwrap_or(&empty);
    let mut piece = Piece {
        name: "ply".into(),
        ..Default::default()
    };
    for (i, v) in vertex.iter().enumerate() {
        let p = [v.get("x"), v.get("y"), v.get("z")].map(scalar);
        let [Some(x), Some(y), Some(z)] = p else {
            return Err(fail(format!("vertex {i} has no numeric x, y and z")));
        };
        piece.positions.push([x, y, z]);
        let uv = [("u", "v"), ("s", "t"), ("texture_u", "texture_v")]
            .iter()
            .find_map(|(a, b)| Some([scalar(v.get(*a))?, scalar(v.get(*b))?]));
        if let Some(uv) = uv {
            piece.uvs.push(uv);
        }
        if let Some(color) = vertex_color(v) {
            piece.colors.push(color);
        }
    }
    for (i, f) in payload.get("face").unwrap_or(&empty).iter().enumerate() {
        let list = indices(f.get("vertex_indices").or_else(|| f.get("vertex_index"))).ok_or_else(
            || {
                fail(format!(
                    "face {i} has no vertex_indices list of indices ≥ 0"
                ))
            },
        )?;
        if list.len() < 3 {
            continue;
        }
        for k in 1..list.len() - 1 {
            piece.triangles.push([list[0], list[k], list[k + 1]]);
        }
        if piece.triangles.len() > MAX_TRIANGLES {
            return Err(fail(format!("more than {MAX_TRIANGLES} triangles")));
        }
    }
    Ok(vec![piece])
}

#[cfg(test)]
mod tests {
    use super::*;

    const ASCII: &str = "ply\nformat ascii 1.0\nelement vertex 4\nproperty float x\nproperty float y\n\
                         property float z\nelement face 1\nproperty list uchar int vertex_indices\n\
                         end_header\n0 0 0\n100 0 0\n100 100 0\n0 100 0\n4 0 1 2 3\n";

    #[test]
    fn reads_ascii_and_binary() {
        let pieces = read(ASCII.as_bytes(), Path::new("quad.ply")).unwrap();
        assert_eq!(pieces[0].positions.len(), 4);
        assert_eq!(pieces[0].triangles, [[0, 1, 2], [0, 2, 3]]);
        let mut bin = b"ply\nformat binary_little_endian 1.0\nelement vertex 3\nproperty float x\n\
                        property float y\nproperty float z\nelement face 1\n\
                        property list uchar uint vertex_indices\nend_header\n"
            .to_vec();
        for v in [[0.0f32, 0.0, 0.0], [1.0, 0.0, 0.0], [0.0, 1.0, 0.0]] {
            for c in v {
                bin.extend(c.to_le_bytes());
            }
        }
        bin.push(3);
        for i in [0u32, 1, 2] {
            bin.extend(i.to_le_bytes());
        }
        let pieces = read(&bin, Path::new("tri.ply")).unwrap();
        assert_eq!(pieces[0].triangles, [[0, 1, 2]]);
        assert_eq!(pieces[0].positions[1], [1.0, 0.0, 0.0]);
    }

    #[test]
    fn hostile_headers_are_refused_by_their_counts() {
        let huge = ASCII.replace("element vertex 4", "element vertex 4000000000");
        let err = read(huge.as_bytes(), Path::new("huge.ply"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("huge.ply") && err.contains("at most"), "{err}");
        let cut = &ASCII[..ASCII.len() - 12];
        let err = read(cut.as_bytes(), Path::new("cut.ply"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("cut.ply"), "{err}");
    }
}
