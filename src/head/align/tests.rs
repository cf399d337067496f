use super::*;
use crate::head::corpus;

/// A mesh as the importers hand it over: one piece.
fn pieces_of(mesh: &crate::head::HeadMesh) -> Vec<Piece> {
    vec![Piece {
        name: "scan".into(),
        positions: mesh.vertices.iter().map(|v| v.position_mm).collect(),
        uvs: Vec::new(),
        triangles: mesh
            .indices
            .chunks_exact(3)
            .map(|t| [t[0], t[1], t[2]])
            .collect(),
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

#[test]
fn debug_shoulders() {
    let spec = corpus::standard()[5].clone();
    let scan = corpus::make(&spec).unwrap();
    let pts: Vec<Vec3> = scan
        .mesh
        .vertices
        .iter()
        .map(|v| scan.to_head.apply(v.position_mm.into()))
        .collect();
    let (lo, hi) = pts
        .iter()
        .fold((Vec3::INFINITY, Vec3::NEG_INFINITY), |(a, b), p| {
            (a.min(*p), b.max(*p))
        });
    let t = Template::get();
    let ct = t.points.iter().copied().sum::<Vec3>() / t.points.len() as f32;
    let (positions, triangles) = merged(&pieces_of(&scan.mesh));
    let samples = sample_by_area(&positions, &triangles, SCAN_POINTS, 0xa11e);
    let cs = samples.iter().copied().sum::<Vec3>() / samples.len() as f32;
    eprintln!(
        "bounds {lo} {hi} template centre {ct} scan centre {}",
        scan.to_head.apply(cs)
    );
    for (axis, sd) in principal_axes(&samples, cs) {
        eprintln!(
            "axis {} sd {}",
            scan.to_head.rotation * axis,
            sd * spec.unit_mm
        );
    }
    let index = PointIndex::new(&samples);
    eprintln!(
        "left = {:?}",
        symmetry_normals(&samples, &index, cs)
            .iter()
            .map(|d| scan.to_head.rotation * *d)
            .collect::<Vec<_>>()
    );
}

#[test]
fn debug_seed3() {
    let spec = corpus::standard()[2].clone();
    let scan = corpus::make(&spec).unwrap();
    let (positions, triangles) = merged(&pieces_of(&scan.mesh));
    let samples = sample_by_area(&positions, &triangles, SCAN_POINTS, 0xa11e);
    let index = PointIndex::new(&samples);
    let t = Template::get();
    let f = icp(
        &t.points,
        &index,
        scan.to_head,
        25,
        (12.0, ON_SURFACE_MM),
        true,
    );
    eprintln!("truth cost {} scale {}", f.cost, f.to_head.scale);
    let found = global_fit(&samples, &index, t);
    let turn = glam::Quat::from_mat3(&(found.rotation * scan.to_head.rotation.transpose()));
    eprintln!(
        "found off by {}° axis {:?}",
        turn.angle_between(glam::Quat::IDENTITY).to_degrees(),
        turn.to_axis_angle()
    );
}
