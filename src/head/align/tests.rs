use super::*;
use crate::head::corpus;

/// A mesh as the importers hand it over: one piece.
fn pieces_of(mesh: &crate::head::HeadMesh) -> Vec<Piece> {
    vec![Piece {
        name: "scan".into(),
        positions: mesh.vertices.iter().map(|v| v.position_mm).collect(),
        triangles: mesh
            .indices
            .chunks_exact(3)
            .map(|t| [t[0], t[1], t[2]])
            .collect(),
        ..Piece::default()
    }]
}

#[test]
fn the_corpus_aligns_within_4_mm() {
    let mut worst = 0.0f32;
    for spec in corpus::standard() {
        let scan = corpus::make(&spec).unwrap();
        let t0 = std::time::Instant::now();
        let found = align(&pieces_of(&scan.mesh), "corpus").unwrap();
        let errors: Vec<f32> = frame::points(&found.landmarks)
            .iter()
            .zip(frame::points(&scan.truth))
            .map(|(a, b)| a.distance(b) * spec.unit_mm)
            .collect();
        eprintln!(
            "seed {} unit {} {:?}: {:.1?} mm, unit {:?}, coverage {:.2}/{:.2}, rms {:.2}, conf {:.2?}, {:.1?}",
            spec.seed,
            spec.unit_mm,
            spec.below,
            errors,
            found.unit,
            found.head_coverage,
            found.face_coverage,
            found.fit_rms_mm,
            found.confidence,
            t0.elapsed()
        );
        worst = errors.iter().copied().fold(worst, f32::max);
    }
    assert!(worst < 4.0, "worst landmark {worst:.2} mm");
}

/// A ball as big as a head.
fn sphere(radius: f32) -> Vec<Piece> {
    let (rings, segments) = (60u32, 120u32);
    let mut positions = Vec::new();
    for i in 0..=rings {
        let theta = std::f32::consts::PI * i as f32 / rings as f32;
        for j in 0..segments {
            let phi = std::f32::consts::TAU * j as f32 / segments as f32;
            positions.push([
                radius * theta.sin() * phi.cos(),
                radius * theta.cos(),
                radius * theta.sin() * phi.sin(),
            ]);
        }
    }
    let mut triangles = Vec::new();
    for i in 0..rings {
        for j in 0..segments {
            let a = i * segments + j;
            let b = i * segments + (j + 1) % segments;
            triangles.push([a, a + segments, b]);
            triangles.push([b, a + segments, b + segments]);
        }
    }
    vec![Piece {
        name: "ball".into(),
        positions,
        triangles,
        ..Piece::default()
    }]
}

#[test]
fn a_ball_is_not_a_head() {
    let err = align(&sphere(95.0), "ball.ply").unwrap_err();
    assert!(matches!(err, AlignError::NotAHead { .. }), "{err}");
    assert!(
        err.to_string()
            .starts_with("ball.ply: this does not look like a head"),
        "{err}"
    );
}

#[test]
fn the_back_half_of_a_head_has_no_face() {
    let scan = corpus::make(&corpus::standard()[2]).unwrap();
    // Keep what lies behind the ears, in the scan's own frame.
    let behind = |p: Vec3| scan.to_head.apply(p).z < 0.0;
    let mut piece = pieces_of(&scan.mesh).remove(0);
    let positions = piece.positions.clone();
    piece
        .triangles
        .retain(|t| t.iter().all(|&i| behind(positions[i as usize].into())));
    let err = align(&[piece], "half.glb").unwrap_err();
    assert!(
        matches!(err, AlignError::NoFace { .. } | AlignError::NotAHead { .. }),
        "{err}"
    );
}

#[test]
fn a_scan_without_its_face_says_so() {
    let scan = corpus::make(&corpus::standard()[2]).unwrap();
    let template = Template::get();
    let mut piece = pieces_of(&scan.mesh).remove(0);
    let positions = piece.positions.clone();
    let face = |i: u32| template.is_face(scan.to_head.apply(positions[i as usize].into()));
    piece.triangles.retain(|t| !t.iter().any(|&i| face(i)));
    let err = align(&[piece], "faceless.obj").unwrap_err();
    assert!(matches!(err, AlignError::NoFace { .. }), "{err}");
    assert!(err.to_string().contains("no face found"), "{err}");
}

#[test]
fn the_symmetry_plane_is_found() {
    let scan = corpus::make(&corpus::standard()[3]).unwrap();
    let (positions, triangles) = merged(&pieces_of(&scan.mesh));
    let samples = sample_by_area(&positions, &triangles, SCAN_POINTS, 1);
    let centre = samples.iter().copied().sum::<Vec3>() / samples.len() as f32;
    let index = PointIndex::new(&samples);
    let normals = symmetry_normals(&samples, &index, centre);
    let best = (scan.to_head.rotation * normals[0]).x.abs();
    assert!(best > 3f32.to_radians().cos(), "{normals:?}");
}
