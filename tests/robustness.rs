//! What a fuzzing run found, one regression test each: files lost, crashes
//! and hangs, plans accepted though wrong, messages that did not help. The
//! commands run as a user runs them (the binary, in a folder of its own).

mod common;

use smp_preview::plan::TreatmentPlan;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const SMALL: &str = "name = \"small\"\n[output]\nwidth = 96\nheight = 64\nviews = [\"front\"]\n";

fn folder(name: &str) -> PathBuf {
    common::folder(&format!("robust-{name}"))
}

fn run(dir: &Path, args: &[&str]) -> Output {
    common::run(dir, args)
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

use common::refused;

fn ok(out: &Output) -> String {
    assert!(out.status.success(), "{}", stderr(out));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn files_named_like_temporary_outputs_survive_a_render() {
    let dir = folder("partial");
    // The plan itself named as the old temporary file of front.png.
    std::fs::write(dir.join("front.png.partial"), SMALL).unwrap();
    std::fs::write(dir.join("sheet.png.partial"), "the user's").unwrap();
    let out = run(
        &dir,
        &["render", "--plan", "front.png.partial", "--out", "."],
    );
    ok(&out);
    assert_eq!(
        std::fs::read_to_string(dir.join("front.png.partial")).unwrap(),
        SMALL
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("sheet.png.partial")).unwrap(),
        "the user's"
    );
    assert!(image::open(dir.join("front.png")).is_ok());
    let names = common::file_names(&dir);
    assert!(
        !names.iter().any(|n| n.ends_with(".smp-partial")),
        "{names:?}"
    );
}

#[test]
fn stats_json_never_lands_on_an_input_however_spelled() {
    let dir = folder("same-file");
    std::fs::write(dir.join("plan.toml"), SMALL).unwrap();
    std::fs::create_dir_all(dir.join("sub")).unwrap();
    std::os::unix::fs::symlink(dir.join("plan.toml"), dir.join("link.json")).unwrap();
    std::fs::hard_link(dir.join("plan.toml"), dir.join("hard.json")).unwrap();
    for json in ["sub/../plan.toml", "link.json", "hard.json", "./plan.toml"] {
        let out = run(
            &dir,
            &[
                "render",
                "--plan",
                "plan.toml",
                "--out",
                "o",
                "--stats-json",
                json,
            ],
        );
        refused(&out, &["--stats-json", json, "it is the input plan.toml"]);
        assert_eq!(
            std::fs::read_to_string(dir.join("plan.toml")).unwrap(),
            SMALL
        );
    }
    // And no PNG was rendered for nothing: the refusal comes first.
    assert!(!dir.join("o/front.png").exists());
    // The JSON onto one of the render's own pictures.
    let out = run(
        &dir,
        &[
            "render",
            "--plan",
            "plan.toml",
            "--out",
            "o",
            "--stats-json",
            "o/../o/front.png",
        ],
    );
    refused(&out, &["--stats-json", "where this render writes"]);
}

#[test]
fn a_plan_that_places_nothing_renders_the_bare_head() {
    let dir = folder("empty-scene");
    let zones: String = (0..8)
        .map(|i| {
            format!(
                "[[zones]]\nazimuth_deg = {}\nelevation_deg = 10\nradius_mm = 150\nfeather_mm = 0\ndensity_scale = 0\n",
                -180 + 45 * i
            )
        })
        .collect();
    std::fs::write(dir.join("plan.toml"), format!("{SMALL}{zones}")).unwrap();
    let check = ok(&run(&dir, &["check", "--plan", "plan.toml"]));
    assert!(check.contains("0 impressions planned"), "{check}");
    assert!(check.contains("no scalp to treat"), "{check}");
    let out = ok(&run(&dir, &["render", "--plan", "plan.toml", "--out", "o"]));
    assert!(out.contains("total 0 impressions"), "{out}");
    let img = image::open(dir.join("o/front.png")).unwrap().to_rgba8();
    let bare = img.pixels().any(|p| p[0] > 150 && p[1] > 100);
    assert!(bare, "no skin drawn");
}

#[test]
fn a_mesh_with_no_skin_renders_without_a_crash() {
    let dir = folder("no-skin");
    std::fs::write(
        dir.join("eyes.obj"),
        "o eye_left\nv -100 0 -100\nv 100 0 -100\nv 0 130 0\nv 0 0 110\nf 1 2 3\nf 1 2 4\nf 2 3 4\nf 1 3 4\n",
    )
    .unwrap();
    let plan = format!(
        "{SMALL}[head]\nmesh = \"eyes.obj\"\n[head.landmarks]\nglabella = [0, 40, 90]\n\
         vertex = [0, 125, 0]\near_left = [70, 0, 0]\near_right = [-70, 0, 0]\ninion = [0, 30, -90]\n"
    );
    std::fs::write(dir.join("plan.toml"), plan).unwrap();
    let out = ok(&run(&dir, &["render", "--plan", "plan.toml", "--out", "o"]));
    assert!(out.contains("total 0 impressions"), "{out}");
}

#[test]
fn special_files_are_refused_at_once() {
    let dir = folder("special");
    assert!(
        Command::new("mkfifo")
            .arg(dir.join("fifo.toml"))
            .status()
            .unwrap()
            .success()
    );
    std::fs::create_dir_all(dir.join("folder.toml")).unwrap();
    let cases = [
        ("/dev/zero", "a character device"),
        ("/dev/urandom", "a character device"),
        ("fifo.toml", "a FIFO"),
        ("folder.toml", "a directory"),
    ];
    for (plan, what) in cases {
        refused(
            &run(&dir, &["check", "--plan", plan]),
            &[plan, what, "not a regular file"],
        );
    }
    // The same for a mesh (named as a mesh: the extension is checked first).
    let mesh_plan = |mesh: &str| {
        format!(
            "[head]\nmesh = \"{mesh}\"\n[head.landmarks]\nglabella = [0, 40, 90]\nvertex = [0, 125, 0]\n\
             ear_left = [70, 0, 0]\near_right = [-70, 0, 0]\ninion = [0, 30, -90]\n"
        )
    };
    std::os::unix::fs::symlink("/dev/zero", dir.join("zero.obj")).unwrap();
    assert!(
        Command::new("mkfifo")
            .arg(dir.join("fifo.ply"))
            .status()
            .unwrap()
            .success()
    );
    std::fs::create_dir_all(dir.join("folder.glb")).unwrap();
    for (mesh, what) in [("zero.obj", "a character device"), ("fifo.ply", "a FIFO")] {
        std::fs::write(dir.join("p.toml"), mesh_plan(mesh)).unwrap();
        refused(
            &run(&dir, &["check", "--plan", "p.toml"]),
            &["mesh", mesh, what],
        );
    }
    std::fs::write(dir.join("p.toml"), mesh_plan("head.stl")).unwrap();
    refused(
        &run(&dir, &["check", "--plan", "p.toml"]),
        &["head.mesh", "unknown mesh format", ".glb"],
    );
    // An OS error is said once, not twice.
    std::fs::write(dir.join("p.toml"), mesh_plan("folder.glb")).unwrap();
    let err = stderr(&run(&dir, &["check", "--plan", "p.toml"]));
    assert_eq!(err.matches("directory").count(), 1, "{err}");
    assert!(!err.contains("os error"), "{err}");
}

#[test]
fn a_tall_size_makes_a_sheet_of_bounded_tiles() {
    let dir = folder("tall");
    std::fs::write(
        dir.join("plan.toml"),
        SMALL.replace("[\"front\"]", "[\"front\", \"top\"]"),
    )
    .unwrap();
    ok(&run(
        &dir,
        &[
            "render",
            "--plan",
            "plan.toml",
            "--out",
            "o",
            "--size",
            "64x4096",
        ],
    ));
    let sheet = image::open(dir.join("o/sheet.png")).unwrap();
    let max = smp_preview::output::sheet::TILE_MAX_PX;
    assert!(
        sheet.height() < max + 200,
        "sheet {}x{}",
        sheet.width(),
        sheet.height()
    );
}

#[test]
fn check_refuses_what_render_would() {
    let dir = folder("size");
    let big = SMALL
        .replace("width = 96", "width = 4097")
        .replace("height = 64", "height = 4096");
    std::fs::write(dir.join("plan.toml"), big).unwrap();
    refused(
        &run(&dir, &["check", "--plan", "plan.toml"]),
        &[
            "plan.toml:3: output.width",
            "16781312 pixels",
            "at most 16777216",
        ],
    );
    refused(
        &run(&dir, &["render", "--size", "4097x4096", "--out", "o"]),
        &["--size 4097x4096", "at most 16777216"],
    );
}

#[test]
fn compare_writes_the_stats_json_of_every_variant() {
    let dir = folder("compare-json");
    let out = run(
        &dir,
        &[
            "render",
            "--compare",
            "--views",
            "front",
            "--size",
            "256x96",
            "--out",
            "o",
            "--stats-json",
            "s.json",
        ],
    );
    ok(&out);
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("s.json")).unwrap()).unwrap();
    let variants = json["variants"].as_array().unwrap();
    assert_eq!(variants.len(), 3, "{json}");
    assert!(
        variants
            .iter()
            .all(|v| v["stats"]["impressions"].as_u64() > Some(1000)),
        "{json}"
    );
}

#[test]
fn an_unwritable_bench_json_fails_before_the_benchmark() {
    let dir = folder("bench-json");
    let out = run(&dir, &["bench", "--quick", "--json", "/proc/bench.json"]);
    refused(&out, &["--json", "/proc/bench.json"]);
    // Nothing was measured: the benchmark prints its figures to stdout.
    assert!(
        out.stdout.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

fn rejected(text: &str) -> String {
    match TreatmentPlan::from_toml_str(text, "p.toml") {
        Ok(_) => panic!("accepted:\n{text}"),
        Err(e) => e.to_string(),
    }
}

const LANDMARKS: &str = "[head]\nmesh = \"scan.obj\"\n[head.landmarks]\n";

#[test]
fn landmarks_that_cannot_be_a_head_are_refused() {
    let zero = format!(
        "{LANDMARKS}glabella = [0, 0, 0]\nvertex = [0, 0, 0]\near_left = [0, 0, 0]\near_right = [0, 0, 0]\ninion = [0, 0, 0]\n"
    );
    assert!(
        rejected(&zero).contains("ear canals are 0 mm apart"),
        "{}",
        rejected(&zero)
    );
    let swapped = format!(
        "{LANDMARKS}glabella = [0, 40, 90]\nvertex = [0, 125, 0]\near_left = [-70, 0, 0]\near_right = [70, 0, 0]\ninion = [0, 30, -90]\n"
    );
    assert!(
        rejected(&swapped).contains("head.landmarks.ear_left"),
        "{}",
        rejected(&swapped)
    );
    let at_vertex = format!(
        "{LANDMARKS}glabella = [0, 125, 0]\nvertex = [0, 125, 0]\near_left = [70, 0, 0]\near_right = [-70, 0, 0]\ninion = [0, 30, -90]\n"
    );
    assert!(rejected(&at_vertex).contains("glabella and vertex are 0 mm apart"));
    // Landmarks with the built-in head are not silently ignored.
    let builtin = "[head.landmarks]\nglabella = [0, 40, 90]\nvertex = [0, 125, 0]\near_left = [70, 0, 0]\near_right = [-70, 0, 0]\ninion = [0, 30, -90]\n";
    assert!(
        rejected(builtin).contains("are for a custom mesh"),
        "{}",
        rejected(builtin)
    );
}

#[test]
fn a_mesh_far_from_its_landmarks_is_refused() {
    let dir = folder("far-mesh");
    // The sphere is half a metre off the landmarks.
    let mut obj = String::from("o skin\n");
    for (x, y, z) in [
        (1, 0, 0),
        (-1, 0, 0),
        (0, 1, 0),
        (0, -1, 0),
        (0, 0, 1),
        (0, 0, -1),
    ] {
        obj += &format!("v {} {} {}\n", 100 * x + 500, 100 * y, 100 * z);
    }
    obj += "f 1 3 5\nf 3 2 5\nf 2 4 5\nf 4 1 5\nf 3 1 6\nf 2 3 6\nf 4 2 6\nf 1 4 6\n";
    std::fs::write(dir.join("scan.obj"), obj).unwrap();
    let plan = format!(
        "{LANDMARKS}glabella = [0, 40, 90]\nvertex = [0, 100, 0]\near_left = [70, 0, 0]\near_right = [-70, 0, 0]\ninion = [0, 30, -90]\n"
    );
    std::fs::write(dir.join("plan.toml"), plan).unwrap();
    refused(
        &run(&dir, &["check", "--plan", "plan.toml"]),
        &["scan.obj", "outside the mesh's bounds"],
    );
}

#[test]
fn plans_accepted_though_wrong_are_refused() {
    let strip = "[[scars]]\nkind = \"strip\"\ncount = 40\n";
    assert!(
        rejected(strip).contains("a strip scar has no count"),
        "{}",
        rejected(strip)
    );
    let views = "[output]\nviews = [\"front\", \"left\", \"front\"]\n";
    assert!(
        rejected(views).contains("output.views[2]"),
        "{}",
        rejected(views)
    );
    let points = "[[scars]]\nkind = \"line\"\npoints = [[0, 10, 5], [10, 10]]\n";
    assert!(
        rejected(points).contains("scars[0].points[0]: 3 numbers given"),
        "{}",
        rejected(points)
    );
    let scale = "[head]\nscale_to_mm = 0.2\n";
    assert!(
        rejected(scale).contains("head.scale_to_mm"),
        "{}",
        rejected(scale)
    );
}

#[test]
fn fue_scars_are_all_placed_or_the_plan_says_how_many_fit() {
    let dir = folder("fue");
    let scar = |count: u32, radius: u32| {
        format!(
            "[[scars]]\nkind = \"fue\"\nradius_mm = {radius}\ncount = {count}\ndiameter_mm = 0.8\n"
        )
    };
    std::fs::write(dir.join("many.toml"), scar(4000, 120)).unwrap();
    let out = ok(&run(&dir, &["check", "--plan", "many.toml"]));
    assert!(!out.contains("note:"), "{out}");
    std::fs::write(dir.join("too-many.toml"), scar(5000, 30)).unwrap();
    refused(
        &run(&dir, &["check", "--plan", "too-many.toml"]),
        &["scars[0].count", "do not fit", "at most"],
    );
}

#[test]
fn a_hundred_thousand_zones_are_one_problem() {
    let zones =
        "[[zones]]\nazimuth_deg = 500\nelevation_deg = 0\nradius_mm = 1\ndensity_scale = 9\n"
            .repeat(100_000);
    let msg = rejected(&zones);
    assert_eq!(msg.lines().count(), 2, "{}", &msg[..msg.len().min(500)]);
    assert!(msg.contains("100000 zones given: at most 8"), "{msg}");
}

#[test]
fn gpu_errors_are_errors_not_aborts() {
    let loaded = smp_preview::loading::load(None).unwrap();
    let prepared = common::prepare(&loaded);
    let gpu = &prepared.gpu;
    // A buffer that cannot exist (mappable for reading and a storage buffer).
    let result = smp_preview::gpu::checked(gpu, "a deliberate mistake", || {
        let _ = gpu.device.create_buffer(&wgpu::BufferDescriptor {
            label: Some("invalid"),
            size: 16,
            usage: wgpu::BufferUsages::MAP_READ | wgpu::BufferUsages::STORAGE,
            mapped_at_creation: false,
        });
        Ok(())
    });
    let err = result.unwrap_err().to_string();
    assert!(err.contains("a deliberate mistake"), "{err}");
    // The device is still usable afterwards.
    assert!(
        prepared
            .render_views(&[smp_preview::plan::ViewName::Front], 64, 64)
            .is_ok()
    );
}

/// A scan as a phone app exports it: the built-in head as GLB in metres and
/// as binary PLY, rendered with `scale_to_mm = 1000` and its landmarks (in
/// the file's metres).
#[test]
fn a_glb_or_ply_head_renders() {
    let dir = folder("scan-formats");
    let head = smp_preview::head::load_builtin(1).unwrap();
    std::fs::write(
        dir.join("scan.glb"),
        smp_preview::head::export::to_glb(&head, 0.001),
    )
    .unwrap();
    std::fs::write(
        dir.join("scan.ply"),
        smp_preview::head::export::to_ply(&head, 0.001, true),
    )
    .unwrap();
    let l = &head.landmarks;
    let v = |p: glam::Vec3| format!("[{}, {}, {}]", p.x * 0.001, p.y * 0.001, p.z * 0.001);
    for mesh in ["scan.glb", "scan.ply"] {
        let plan = format!(
            "{SMALL}[head]\nmesh = \"{mesh}\"\nscale_to_mm = 1000\nsubdivisions = 1\n[head.landmarks]\n\
             glabella = {}\nvertex = {}\near_left = {}\near_right = {}\ninion = {}\neye_left = {}\neye_right = {}\n",
            v(l.glabella),
            v(l.vertex),
            v(l.ear_left),
            v(l.ear_right),
            v(l.inion),
            v(l.eye_left),
            v(l.eye_right)
        );
        std::fs::write(dir.join("plan.toml"), plan).unwrap();
        let out = ok(&run(
            &dir,
            &["render", "--plan", "plan.toml", "--out", "o", "--no-sheet"],
        ));
        let total: usize = out
            .lines()
            .find_map(|l| l.strip_prefix("total ")?.split(' ').next()?.parse().ok())
            .unwrap_or(0);
        assert!(total > 10_000, "{mesh}: {out}");
    }
}
