//! The project's own scan corpus: the built-in head in its shapes, made to
//! look as a phone scan comes: one surface (no separate eyes), in some unit,
//! turned and moved anyhow, with noise, holes, and the neck cut off or the
//! shoulders left on. The true landmarks come along, in the scan's own
//! coordinates, so alignment can be measured against them.

pub mod bake;
mod paint;

use glam::{Mat3, Quat, Vec3};

use crate::head::align::fit::Similarity;
use crate::head::align::frame::landmarks_in_head_frame;
use crate::head::{
    HeadError, HeadMesh, HeadShape, Landmarks, MATERIAL_CLOTH, MATERIAL_EYE, MATERIAL_SKIN,
};

/// How the scan ends below.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Below {
    /// Cut off this far under the chin, mm.
    NeckCut(f32),
    /// Neck and shoulders (the clothing) kept.
    Shoulders,
}

#[derive(Clone, Debug)]
pub struct ScanSpec {
    pub shape: HeadShape,
    /// Seeds the rotation, offset, holes and noise.
    pub seed: u64,
    /// Millimetres per file unit (1000 for metres).
    pub unit_mm: f32,
    pub below: Below,
    /// Holes punched in the surface, away from the landmarks.
    pub holes: usize,
    /// Each vertex moved up to this far, mm.
    pub noise_mm: f32,
    /// Loose fragments floating beside the head (a bit of the chair, a
    /// stray tuft), 10-25 mm across, 200-300 mm from the ears' midpoint.
    pub fragments: usize,
}

/// A scan and its true landmarks, both in the file's coordinates and units.
pub struct Scan {
    pub mesh: HeadMesh,
    pub truth: Landmarks,
    /// File to head frame, as made.
    pub to_head: Similarity,
}

fn rng(seed: u64) -> impl FnMut() -> f32 {
    let mut s = crate::head::align::SplitMix::new(seed);
    move || s.next_f32()
}

/// Makes the scan `spec` describes.
pub fn make(spec: &ScanSpec) -> Result<Scan, HeadError> {
    let mut head = crate::head::load_builtin_shape(&spec.shape, 1)?;
    let mut next = rng(spec.seed);
    let truth_head = head.landmarks;
    let menton = head.menton_or_estimate();
    keep_triangles(&mut head, |p, material| match spec.below {
        Below::NeckCut(mm) => material != MATERIAL_CLOTH && p.iter().all(|q| q.y > menton.y - mm),
        Below::Shoulders => true,
    });
    let near_landmark = |p: Vec3| {
        crate::head::align::frame::points(&truth_head)
            .iter()
            .any(|l| l.distance(p) < 28.0)
    };
    let skin: Vec<Vec3> = head
        .vertices
        .iter()
        .map(|v| Vec3::from(v.position_mm))
        .collect();
    let mut holes = Vec::new();
    while holes.len() < spec.holes {
        let at = skin[(next() * skin.len() as f32) as usize % skin.len()];
        if !near_landmark(at) {
            holes.push((at, 6.0 + 8.0 * next()));
        }
    }
    keep_triangles(&mut head, |p, _| {
        let c = (p[0] + p[1] + p[2]) / 3.0;
        holes.iter().all(|(h, r)| c.distance(*h) > *r)
    });
    for _ in 0..spec.fragments {
        add_fragment(&mut head, &mut next);
    }
    let q = Quat::from_xyzw(next() - 0.5, next() - 0.5, next() - 0.5, next() - 0.5).normalize();
    let to_file = Similarity {
        scale: 1.0 / spec.unit_mm,
        rotation: Mat3::from_quat(q),
        translation: Vec3::new(next() - 0.5, next() - 0.5, next() - 0.5) * 800.0 / spec.unit_mm,
    };
    for v in &mut head.vertices {
        // The colour a scan app records, and one texture for it all: skin
        // in the left four-fifths, eyes and the top in the strip beside it.
        let p = Vec3::from(v.position_mm);
        v.scan_srgba = paint::color_at(p, v.material, &truth_head, menton);
        v.uv = match v.material {
            // The two eyes share their UVs in hm08: each gets a strip.
            MATERIAL_EYE => [
                if p.x > 0.0 { 0.8 } else { 0.9 } + 0.1 * v.uv[0].clamp(0.0, 1.0),
                0.1 + 0.9 * v.uv[1].clamp(0.0, 1.0),
            ],
            MATERIAL_CLOTH => [0.9, 0.05],
            _ => [0.8 * v.uv[0].clamp(0.0, 1.0), v.uv[1].clamp(0.0, 1.0)],
        };
        let jitter = Vec3::new(next() - 0.5, next() - 0.5, next() - 0.5) * 2.0 * spec.noise_mm;
        v.position_mm = to_file.apply(Vec3::from(v.position_mm) + jitter).into();
        v.normal = (to_file.rotation * Vec3::from(v.normal)).into();
        v.material = MATERIAL_SKIN;
    }
    let truth = Landmarks {
        eye_radius_mm: truth_head.eye_radius_mm,
        ..landmarks_in_head_frame(&truth_head, &to_file)
    };
    head.landmarks = truth;
    head.lid_margins = None;
    head.source = format!("corpus scan {}", spec.seed);
    let to_head = Similarity {
        scale: spec.unit_mm,
        rotation: to_file.rotation.transpose(),
        translation: -(to_file.rotation.transpose() * to_file.translation) * spec.unit_mm,
    };
    Ok(Scan {
        mesh: head,
        truth,
        to_head,
    })
}

/// A small crumpled patch of surface somewhere round the head.
fn add_fragment(head: &mut HeadMesh, next: &mut impl FnMut() -> f32) {
    let dir = Vec3::new(next() - 0.5, next() - 0.3, next() - 0.5).normalize_or(Vec3::Y);
    let centre = dir * (200.0 + 100.0 * next());
    let size = 10.0 + 15.0 * next();
    let (u, v) = dir.any_orthonormal_pair();
    let n = 6u32;
    let base = head.vertices.len() as u32;
    for i in 0..=n {
        for j in 0..=n {
            let (a, b) = (i as f32 / n as f32 - 0.5, j as f32 / n as f32 - 0.5);
            let p = centre + (u * a + v * b) * size + dir * 3.0 * (7.0 * a).sin() * (5.0 * b).cos();
            let mut vertex = head.vertices[0];
            vertex.position_mm = p.into();
            vertex.normal = dir.into();
            vertex.material = MATERIAL_SKIN;
            head.vertices.push(vertex);
        }
    }
    for i in 0..n {
        for j in 0..n {
            let a = base + i * (n + 1) + j;
            for t in [[a, a + 1, a + n + 1], [a + 1, a + n + 2, a + n + 1]] {
                head.indices.extend(t);
                head.coarse_indices.extend(t);
            }
        }
    }
}

/// Keeps the triangles `keep(corners, material)` accepts (the coarse level
/// too, so the mesh stays whole).
fn keep_triangles(head: &mut HeadMesh, keep: impl Fn([Vec3; 3], u32) -> bool) {
    let vertices = &head.vertices;
    let test = |t: &[u32]| {
        let p = [t[0], t[1], t[2]].map(|i| Vec3::from(vertices[i as usize].position_mm));
        keep(p, vertices[t[0] as usize].material)
    };
    head.indices = head
        .indices
        .chunks_exact(3)
        .filter(|t| test(t))
        .flatten()
        .copied()
        .collect();
    head.coarse_indices = head
        .coarse_indices
        .chunks_exact(3)
        .filter(|t| test(t))
        .flatten()
        .copied()
        .collect();
}

/// The corpus the tests and the README's accuracy figures use: every
/// built-in morph, in metres, centimetres, inches and millimetres, with and
/// without shoulders, all turned, moved, holed and noisy.
pub fn standard() -> Vec<ScanSpec> {
    let shapes = HeadShape::three_builds();
    let units = [1000.0, 10.0, 25.4, 1.0];
    let mut out = Vec::new();
    for (i, shape) in shapes.into_iter().enumerate() {
        for (j, below) in [Below::NeckCut(25.0), Below::Shoulders]
            .into_iter()
            .enumerate()
        {
            let k = i * 2 + j;
            out.push(ScanSpec {
                shape,
                seed: 1 + k as u64,
                unit_mm: units[k % units.len()],
                below,
                holes: 6,
                noise_mm: 0.4,
                fragments: 3,
            });
        }
    }
    out
}

/// A clean scan for pictures and trying things: the default head in
/// metres, turned, with the shoulders, no holes and little noise.
pub fn sample() -> ScanSpec {
    ScanSpec {
        shape: HeadShape::default(),
        seed: 42,
        unit_mm: 1000.0,
        below: Below::Shoulders,
        holes: 0,
        noise_mm: 0.1,
        fragments: 0,
    }
}

/// How a corpus scan is written, as the apps that make scans write them.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum FileKind {
    /// `.obj` with a `.mtl` and a `.png` colour texture.
    ObjTextured,
    /// `.glb` with its colour texture inside.
    GlbTextured,
    /// `.glb` with vertex colours.
    GlbColored,
    /// Binary `.ply` with vertex colours.
    PlyColored,
}

/// Writes `scan` into `dir` as `stem` plus the extensions `kind` needs;
/// returns the mesh file's path.
pub fn write(
    scan: &Scan,
    dir: &std::path::Path,
    stem: &str,
    kind: FileKind,
) -> std::io::Result<std::path::PathBuf> {
    use crate::head::export;
    let png = || -> std::io::Result<Vec<u8>> {
        let mut bytes = Vec::new();
        bake::texture(&scan.mesh, 2048)
            .write_to(
                &mut std::io::Cursor::new(&mut bytes),
                image::ImageFormat::Png,
            )
            .map_err(std::io::Error::other)?;
        Ok(bytes)
    };
    Ok(match kind {
        FileKind::ObjTextured => {
            std::fs::write(dir.join(format!("{stem}.png")), png()?)?;
            std::fs::write(
                dir.join(format!("{stem}.mtl")),
                export::to_mtl(&format!("{stem}.png")),
            )?;
            let path = dir.join(format!("{stem}.obj"));
            std::fs::write(
                &path,
                export::to_obj_textured(&scan.mesh, 1.0, &format!("{stem}.mtl")),
            )?;
            path
        }
        FileKind::GlbTextured => {
            let path = dir.join(format!("{stem}.glb"));
            std::fs::write(&path, export::to_glb_textured(&scan.mesh, 1.0, &png()?))?;
            path
        }
        FileKind::GlbColored => {
            let path = dir.join(format!("{stem}.glb"));
            std::fs::write(&path, export::to_glb(&scan.mesh, 1.0))?;
            path
        }
        FileKind::PlyColored => {
            let path = dir.join(format!("{stem}.ply"));
            std::fs::write(&path, export::to_ply(&scan.mesh, 1.0, true))?;
            path
        }
    })
}
