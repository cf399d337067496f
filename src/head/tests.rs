//! Loading meshes: formats, welding, subdivision, landmarks, errors.

use super::*;
use std::collections::HashMap;
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

/// Closest distance from `p` to the triangle `a b c` (Ericson, Real-Time
/// Collision Detection, 5.1.5).
fn distance_to_triangle(p: Vec3, a: Vec3, b: Vec3, c: Vec3) -> f32 {
    let (ab, ac, ap) = (b - a, c - a, p - a);
    let (d1, d2) = (ab.dot(ap), ac.dot(ap));
    if d1 <= 0.0 && d2 <= 0.0 {
        return ap.length();
    }
    let bp = p - b;
    let (d3, d4) = (ab.dot(bp), ac.dot(bp));
    if d3 >= 0.0 && d4 <= d3 {
        return bp.length();
    }
    let vc = d1 * d4 - d3 * d2;
    if vc <= 0.0 && d1 >= 0.0 && d3 <= 0.0 {
        return (p - (a + ab * (d1 / (d1 - d3)))).length();
    }
    let cp = p - c;
    let (d5, d6) = (ab.dot(cp), ac.dot(cp));
    if d6 >= 0.0 && d5 <= d6 {
        return cp.length();
    }
    let vb = d5 * d2 - d1 * d6;
    if vb <= 0.0 && d2 >= 0.0 && d6 <= 0.0 {
        return (p - (a + ac * (d2 / (d2 - d6)))).length();
    }
    let va = d3 * d6 - d5 * d4;
    if va <= 0.0 && (d4 - d3) >= 0.0 && (d5 - d6) >= 0.0 {
        let w = (d4 - d3) / ((d4 - d3) + (d5 - d6));
        return (p - (b + (c - b) * w)).length();
    }
    let denom = 1.0 / (va + vb + vc);
    (p - (a + ab * (vb * denom) + ac * (vc * denom))).length()
}

/// How far the full surface stands off the coarse one the motion frames
/// draw: the largest distance from a full-mesh vertex to the nearest coarse
/// triangle (triangles binned by their boxes, widened by `reach` mm, in
/// 8 mm cells); `reach` if some vertex has none that near.
pub(super) fn farthest_off_coarse(mesh: &HeadMesh, reach: f32) -> f32 {
    const CELL_MM: f32 = 8.0;
    let cell = |p: Vec3| (p / CELL_MM).floor().as_ivec3();
    let mut bins: HashMap<glam::IVec3, Vec<usize>> = HashMap::new();
    for (k, t) in mesh.coarse_indices.chunks_exact(3).enumerate() {
        let [a, b, c] = [t[0], t[1], t[2]].map(|i| mesh.position(i));
        let (lo, hi) = (cell(a.min(b).min(c) - reach), cell(a.max(b).max(c) + reach));
        for x in lo.x..=hi.x {
            for y in lo.y..=hi.y {
                for z in lo.z..=hi.z {
                    bins.entry(glam::IVec3::new(x, y, z)).or_default().push(k);
                }
            }
        }
    }
    let tri = |k: usize| {
        let t = &mesh.coarse_indices[3 * k..3 * k + 3];
        [t[0], t[1], t[2]].map(|i| mesh.position(i))
    };
    (0..mesh.vertices.len() as u32)
        .map(|v| {
            let p = mesh.position(v);
            bins.get(&cell(p)).map_or(reach, |ks| {
                ks.iter()
                    .map(|&k| {
                        let [a, b, c] = tri(k);
                        distance_to_triangle(p, a, b, c)
                    })
                    .fold(reach, f32::min)
            })
        })
        .fold(0.0, f32::max)
}

#[test]
fn coarse_level_is_the_base_mesh_decimated_over_the_same_vertices() {
    let base = load_builtin(0).unwrap();
    let fine = load_builtin(2).unwrap();
    // Two steps coarser is the unsubdivided mesh, 11 900 triangles,
    // decimated to what a moving frame should draw, over vertices that sit
    // where the base mesh has them.
    let coarse_count = fine.coarse_indices.len() / 3;
    assert!(
        coarse_count <= super::decimate::MOTION_TRIANGLES && coarse_count > 5_000,
        "{coarse_count}"
    );
    for &i in &fine.coarse_indices {
        assert!((i as usize) < base.vertices.len(), "vertex {i}");
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
    // nearest coarse triangle.
    let most = farthest_off_coarse(&fine, 2.0 * fine.coarse_sag_mm + 1.0);
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
    // Nothing coarser than the base mesh but its decimated copy.
    assert!(base.coarse_sag_mm > 0.0 && base.coarse_sag_mm < fine.coarse_sag_mm);
    // Three steps: two coarser is level 1 (47 000 triangles), more than a
    // moving frame should draw, so it is decimated over the same vertices.
    let finest = load_builtin(3).unwrap();
    let coarse = finest.coarse_indices.len() / 3;
    assert!(
        coarse <= super::decimate::MOTION_TRIANGLES && coarse > 5_000,
        "{coarse}"
    );
    assert!(
        finest
            .coarse_indices
            .iter()
            .all(|&i| (i as usize) < finest.vertices.len())
    );
    assert!(
        finest.coarse_sag_mm > fine.coarse_sag_mm / 4.0,
        "{}",
        finest.coarse_sag_mm
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
    let err = load_mesh(path, Some(1.0), Some(Landmarks::builtin()), Some(0)).unwrap_err();
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
    let err = load_mesh(
        Path::new("some.obj"),
        Some(1.0),
        Some(Landmarks::builtin()),
        Some(9),
    )
    .unwrap_err();
    assert!(err.to_string().contains("some.obj"), "{err}");
}

#[test]
fn load_obj_roundtrip_and_materials() {
    // The built-in head written as OBJ loads the same, with scale applied.
    let builtin = load_builtin(1).unwrap();
    let path = temp_obj("roundtrip", &export::to_obj(&load_builtin(0).unwrap(), 1.0));
    let mesh = load_mesh(&path, Some(1.0), Some(Landmarks::builtin()), Some(1)).unwrap();
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
    let scaled = load_mesh(&path, Some(2.0), Some(Landmarks::builtin()), Some(0)).unwrap();
    let (lo, hi) = scaled.bounds();
    let (blo, bhi) = load_builtin(0).unwrap().bounds();
    assert!(((hi - lo) - 2.0 * (bhi - blo)).length() < 1e-2);
    std::fs::remove_file(&path).ok();
}

#[test]
fn metres_rejected_with_scale_hint() {
    let text =
        "o skin\nv 0 0 0\nv 0.1 0 0\nv 0 0.1 0\nv 0 0 0.1\nf 1 3 2\nf 1 2 4\nf 1 4 3\nf 2 3 4\n";
    let path = temp_obj("metres", text);
    let err = load_mesh(&path, Some(1.0), Some(Landmarks::builtin()), Some(0)).unwrap_err();
    let msg = err.to_string();
    assert!(matches!(err, HeadError::NotMillimetres { .. }), "{err:?}");
    assert!(msg.contains("scale_to_mm") && msg.contains(&path.display().to_string()));
    assert!(msg.contains("50..2000"), "{msg}");
    // ... and accepted with the scale.
    let mesh = load_mesh(&path, Some(1000.0), Some(Landmarks::builtin()), Some(1)).unwrap();
    assert_eq!(mesh.triangle_count(), 16);
    assert!(load_mesh(&path, Some(0.0), Some(Landmarks::builtin()), Some(0)).is_err());
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
        let msg = load_mesh(&path, Some(1.0), Some(Landmarks::builtin()), Some(0))
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
    let mesh = load_mesh(&path, Some(1.0), Some(Landmarks::builtin()), Some(0)).unwrap();
    assert_eq!(mesh.triangle_count(), 1);
    assert_eq!(mesh.vertices.len(), 3);
    // The built-in landmarks frame the mesh where it is (to rounding).
    assert!(mesh.bounds().1.distance(Vec3::new(100.0, 100.0, 0.0)) < 1e-4);
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
    let err = load_mesh(&path, Some(1.0), Some(Landmarks::builtin()), Some(3)).unwrap_err();
    let msg = err.to_string();
    assert!(matches!(err, HeadError::TooManyTriangles { .. }), "{err:?}");
    assert!(msg.contains("2560000") && msg.contains("2000000"), "{msg}");
    assert!(msg.contains("at most 2 subdivision"), "{msg}");
    assert!(msg.contains(&path.display().to_string()), "{msg}");
    let mesh = load_mesh(&path, Some(1.0), Some(Landmarks::builtin()), Some(2)).unwrap();
    assert_eq!(mesh.triangle_count(), 640_000);
    std::fs::remove_file(&path).ok();
}
