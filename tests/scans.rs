//! A client's own scan: the project's corpus written as scan apps write it
//! (GLB, PLY, OBJ), aligned by `smp-preview align`, and rendered from a
//! plan that names only the scan.

mod common;

use smp_preview::head::corpus;
use std::path::{Path, PathBuf};

use common::{folder, run};

/// Its stdout, after checking it succeeded.
fn run_ok(dir: &Path, args: &[&str]) -> String {
    let out = run(dir, args);
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

const KINDS: [corpus::FileKind; 4] = [
    corpus::FileKind::ObjTextured,
    corpus::FileKind::GlbTextured,
    corpus::FileKind::GlbColored,
    corpus::FileKind::PlyColored,
];

/// Writes corpus scan `k` in `kind` and returns its path.
fn write_scan(
    dir: &Path,
    k: usize,
    kind: corpus::FileKind,
) -> (PathBuf, corpus::Scan, corpus::ScanSpec) {
    let spec = corpus::standard()[k].clone();
    let scan = corpus::make(&spec).unwrap();
    let path = corpus::write(&scan, dir, &format!("scan-{k}"), kind).unwrap();
    (path, scan, spec)
}

fn parse_point(v: &toml::Value) -> glam::Vec3 {
    let a = v.as_array().unwrap();
    glam::Vec3::new(
        a[0].as_float().unwrap() as f32,
        a[1].as_float().unwrap() as f32,
        a[2].as_float().unwrap() as f32,
    )
}

#[test]
fn align_finds_the_corpus_landmarks_within_4_mm() {
    let dir = folder("scans-align");
    for k in 0..corpus::standard().len() {
        let format = KINDS[k % KINDS.len()];
        let (path, scan, spec) = write_scan(&dir, k, format);
        let out = run_ok(&dir, &["align", path.to_str().unwrap()]);
        let report: toml::Table = toml::from_str(&out).unwrap_or_else(|e| panic!("{e}\n{out}"));
        let truth = smp_preview::head::align::frame::points(&scan.truth);
        for (name, t) in smp_preview::head::align::LANDMARK_NAMES.iter().zip(truth) {
            let found = parse_point(&report[*name]);
            let off_mm = found.distance(t) * spec.unit_mm;
            assert!(
                off_mm < 4.0,
                "scan {k} ({format:?}): {name} is {off_mm:.2} mm off\n{out}"
            );
        }
        let scale = report["transform"]["scale_to_mm"].as_float().unwrap() as f32;
        assert_eq!(scale, spec.unit_mm, "scan {k}");
    }
}

/// Every way a scan brings its colour arrives on the mesh as the skin's.
#[test]
fn scan_colours_are_read_from_every_format() {
    let dir = folder("scans-colour");
    for kind in KINDS {
        let (path, ..) = write_scan(&dir, 2, kind);
        let head = smp_preview::head::load_mesh(&path, None, None, Some(0)).unwrap();
        let scalp = head
            .scan_scalp_srgb()
            .unwrap_or_else(|| panic!("{kind:?}: no colour"));
        // The painted scalp: skin under grey stubble, warm, mid-light.
        assert!(
            scalp[0] > scalp[2] && (120..220).contains(&scalp[0]),
            "{kind:?}: {scalp:?}"
        );
        let coloured = head
            .vertices
            .iter()
            .filter(|v| v.scan_srgba[3] == 255)
            .count();
        assert_eq!(coloured, head.vertices.len(), "{kind:?}");
    }
}

/// A plan that names only `mesh`, small output.
fn scan_plan(mesh: &str) -> String {
    format!("[head]\nmesh = \"{mesh}\"\n[output]\nwidth = 160\nheight = 90\nviews = [\"front\"]\n")
}

/// `align` and `render` both refuse `mesh` with every one of `needles`,
/// and nothing new appears beside it.
fn both_refuse(dir: &Path, mesh: &str, needles: &[&str]) {
    let before = common::file_names(dir);
    common::refused(&run(dir, &["align", mesh]), needles);
    std::fs::write(dir.join("plan.toml"), scan_plan(mesh)).unwrap();
    common::refused(
        &run(
            dir,
            &[
                "render",
                "--plan",
                "plan.toml",
                "--out",
                "out",
                "--no-sheet",
            ],
        ),
        needles,
    );
    std::fs::remove_file(dir.join("plan.toml")).unwrap();
    assert_eq!(common::file_names(dir), before, "{mesh}: files appeared");
}

#[test]
fn what_is_not_a_head_scan_is_refused_naming_the_file() {
    let dir = folder("scans-refused");
    // A ball a head's size.
    let ball = smp_preview::head::load_builtin(0).unwrap();
    let mut sphere = ball.clone();
    for v in &mut sphere.vertices {
        let p = glam::Vec3::from(v.position_mm);
        v.position_mm = (p.normalize_or_zero() * 95.0).into();
    }
    std::fs::write(
        dir.join("ball.ply"),
        smp_preview::head::export::to_ply(&sphere, 1.0, true),
    )
    .unwrap();
    both_refuse(&dir, "ball.ply", &["ball.ply", "does not look like a head"]);

    // The back half of a head: no face.
    let spec = corpus::standard()[2].clone();
    let mut scan = corpus::make(&spec).unwrap();
    let to_head = scan.to_head;
    let vertices = scan.mesh.vertices.clone();
    let behind = |i: u32| to_head.apply(vertices[i as usize].position_mm.into()).z < -10.0;
    scan.mesh.indices = scan
        .mesh
        .indices
        .chunks_exact(3)
        .filter(|t| t.iter().all(|&i| behind(i)))
        .flatten()
        .copied()
        .collect();
    corpus::write(&scan, &dir, "back-half", corpus::FileKind::PlyColored).unwrap();
    both_refuse(&dir, "back-half.ply", &["back-half.ply", "head"]);

    // Empty and cut files.
    std::fs::write(dir.join("empty.glb"), b"").unwrap();
    both_refuse(&dir, "empty.glb", &["empty.glb"]);
    let good = corpus::write(
        &corpus::make(&spec).unwrap(),
        &dir,
        "good",
        corpus::FileKind::GlbColored,
    )
    .unwrap();
    let bytes = std::fs::read(&good).unwrap();
    std::fs::write(dir.join("cut.glb"), &bytes[..bytes.len() / 2]).unwrap();
    both_refuse(&dir, "cut.glb", &["cut.glb"]);
    std::fs::write(dir.join("cut.ply"), b"ply\nformat binary_little_endian 1.0\nelement vertex 10\nproperty float x\nproperty float y\nproperty float z\nend_header\n\x01\x02").unwrap();
    both_refuse(&dir, "cut.ply", &["cut.ply"]);

    // A header that promises 20 M triangles is refused by its counts.
    std::fs::write(
        dir.join("huge.ply"),
        b"ply\nformat binary_little_endian 1.0\nelement vertex 10000000\nproperty float x\nproperty float y\nproperty float z\nelement face 20000000\nproperty list uchar int vertex_indices\nend_header\n",
    )
    .unwrap();
    both_refuse(&dir, "huge.ply", &["huge.ply", "at most"]);

    // A folder named like a scan.
    std::fs::create_dir_all(dir.join("folder.glb")).unwrap();
    both_refuse(&dir, "folder.glb", &["folder.glb", "not a regular file"]);
}

#[test]
fn a_texture_that_is_missing_or_not_an_image_is_refused() {
    let dir = folder("scans-texture");
    let scan = corpus::make(&corpus::standard()[0]).unwrap();
    corpus::write(&scan, &dir, "scan", corpus::FileKind::ObjTextured).unwrap();
    std::fs::rename(dir.join("scan.png"), dir.join("moved.png")).unwrap();
    both_refuse(&dir, "scan.obj", &["scan.obj", "map_Kd", "scan.png"]);
    std::fs::write(dir.join("scan.png"), "not a picture at all").unwrap();
    both_refuse(&dir, "scan.obj", &["scan.obj", "scan.png", "not an image"]);
    std::fs::remove_file(dir.join("scan.mtl")).unwrap();
    both_refuse(&dir, "scan.obj", &["scan.obj", "mtllib", "scan.mtl"]);
}

/// A plan that says only `mesh = "…"` renders from any folder, framed as
/// the built-in head is framed, and session 0 shows the scan as taken.
#[test]
fn a_plan_naming_only_a_scan_renders_from_anywhere() {
    let dir = folder("scans-render");
    std::fs::create_dir_all(dir.join("scans")).unwrap();
    std::fs::create_dir_all(dir.join("plans")).unwrap();
    std::fs::create_dir_all(dir.join("elsewhere")).unwrap();
    let spec = corpus::sample();
    let scan = corpus::make(&spec).unwrap();
    corpus::write(
        &scan,
        &dir.join("scans"),
        "client",
        corpus::FileKind::GlbTextured,
    )
    .unwrap();
    let before = common::file_names(&dir.join("scans"));
    let plan = "[head]\nmesh = \"../scans/client.glb\"\n[output]\nwidth = 320\nheight = 180\nviews = [\"front\", \"left\"]\n";
    std::fs::write(dir.join("plans/plan.toml"), plan).unwrap();
    let here = dir.join("elsewhere");
    for (out, extra) in [("after", vec![]), ("before", vec!["--session", "0"])] {
        let mut args = vec![
            "render",
            "--plan",
            "../plans/plan.toml",
            "--out",
            out,
            "--no-sheet",
        ];
        args.extend(extra);
        let o = run(&here, &args);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }
    assert_eq!(
        common::file_names(&dir.join("scans")),
        before,
        "nothing beside the scan"
    );
    // Framed like the built-in head: the head spans about the same share
    // of the picture's height.
    std::fs::write(
        dir.join("plans/builtin.toml"),
        "[output]\nwidth = 320\nheight = 180\nviews = [\"front\"]\n",
    )
    .unwrap();
    let o = run(
        &here,
        &[
            "render",
            "--plan",
            "../plans/builtin.toml",
            "--out",
            "builtin",
            "--no-sheet",
        ],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let height = |p: PathBuf| {
        let img = image::open(p).unwrap().to_rgba8();
        let bg = *img.get_pixel(2, 2);
        let rows: Vec<u32> = (0..img.height())
            .filter(|&y| {
                (0..img.width()).any(|x| {
                    let p = img.get_pixel(x, y);
                    (0..3)
                        .map(|k| (i32::from(p[k]) - i32::from(bg[k])).abs())
                        .sum::<i32>()
                        > 60
                })
            })
            .collect();
        rows.last().unwrap() - rows.first().unwrap()
    };
    let (scan_h, builtin_h) = (
        height(here.join("after/front.png")),
        height(here.join("builtin/front.png")),
    );
    assert!(
        (scan_h as f32 / builtin_h as f32 - 1.0).abs() < 0.15,
        "scan {scan_h} px, built-in {builtin_h} px"
    );
    // Session 0 is the scan as taken: treated and untreated differ on the scalp only.
    let (a, b) = (
        image::open(here.join("after/left.png")).unwrap().to_rgba8(),
        image::open(here.join("before/left.png"))
            .unwrap()
            .to_rgba8(),
    );
    assert_ne!(a, b);
}

/// `align --plan` writes a plan that renders, and never over the scan.
#[test]
fn align_writes_a_plan_that_uses_the_scan() {
    let dir = folder("scans-plan");
    let scan = corpus::make(&corpus::standard()[1]).unwrap();
    let path = corpus::write(&scan, &dir, "client", corpus::FileKind::PlyColored).unwrap();
    let mesh = path.file_name().unwrap().to_str().unwrap();
    common::refused(
        &run(&dir, &["align", mesh, "--plan", mesh]),
        &["--plan", "client.ply"],
    );
    run_ok(&dir, &["align", mesh, "--plan", "client.toml"]);
    let plan = std::fs::read_to_string(dir.join("client.toml")).unwrap();
    assert!(
        plan.contains("mesh = \"client.ply\"") && plan.contains("[head.landmarks]"),
        "{plan}"
    );
    // The scan's size decides the subdivisions, not the built-in head's 2.
    assert!(!plan.contains("subdivisions"), "{plan}");
    let out = run_ok(&dir, &["check", "--plan", "client.toml"]);
    assert!(out.contains("valid"), "{out}");
}

/// A measurement beyond the standard corpus (run with `--ignored`): 24
/// heads of random shape (oval, square, round, sloping forehead, jaw,
/// age, build), units, cuts, holes and noise. It asserts what holds there
/// (every one aligns; glabella and eye centres within 4 mm) and prints the
/// rest (README, "Scans").
#[test]
#[ignore]
fn shape_sweep() {
    use smp_preview::head::HeadShape;
    let mut worst = 0.0f32;
    let mut fails = 0;
    for seed in 100..124u64 {
        let f = |k: u64| ((seed * 2654435761 + k * 40503) % 1000) as f32 / 1000.0;
        let d = HeadShape::default();
        let shape = HeadShape {
            age_years: 20.0 + 60.0 * f(1),
            muscle: f(2),
            weight: f(3),
            head_oval: f(4) * 0.8,
            head_square: f(5) * 0.8,
            head_round: f(6) * 0.8,
            forehead_slope: f(7) * 0.8,
            jaw_width: f(8) * 0.8,
            ..d
        };
        let units = [1.0, 10.0, 25.4, 1000.0];
        let spec = corpus::ScanSpec {
            shape,
            seed,
            unit_mm: units[(seed % 4) as usize],
            below: if seed % 3 == 0 {
                corpus::Below::Shoulders
            } else {
                corpus::Below::NeckCut(10.0 + 30.0 * f(9))
            },
            holes: (f(10) * 12.0) as usize,
            noise_mm: 0.2 + 0.6 * f(11),
            fragments: (f(12) * 5.0) as usize,
        };
        let scan = corpus::make(&spec).unwrap();
        let pieces = vec![smp_preview::head::Piece {
            name: "scan".into(),
            positions: scan.mesh.vertices.iter().map(|v| v.position_mm).collect(),
            triangles: scan
                .mesh
                .indices
                .chunks_exact(3)
                .map(|t| [t[0], t[1], t[2]])
                .collect(),
            ..Default::default()
        }];
        match smp_preview::head::align::align(&pieces, "sweep") {
            Ok(a) => {
                let e: Vec<f32> = smp_preview::head::align::frame::points(&a.landmarks)
                    .iter()
                    .zip(smp_preview::head::align::frame::points(&scan.truth))
                    .map(|(x, y)| x.distance(y) * spec.unit_mm)
                    .collect();
                let m = e.iter().copied().fold(0.0, f32::max);
                worst = worst.max(m);
                eprintln!("seed {seed} {:?} max {m:.2} {:.1?}", spec.below, e);
                for k in [0, 5, 6] {
                    assert!(e[k] < 4.0, "seed {seed}: landmark {k} {:.2} mm off", e[k]);
                }
            }
            Err(err) => {
                fails += 1;
                eprintln!("seed {seed} FAILED {err}");
            }
        }
    }
    eprintln!("worst {worst:.2} fails {fails}");
    assert_eq!(fails, 0);
}
