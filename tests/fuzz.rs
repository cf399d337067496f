//! The fuzz suite: generated and mutated plans, OBJ files, command-line
//! paths and sizes. Every case asserts: no panic, no hang, an error that
//! names the file (and, for plans, the field), and every input file
//! byte-identical afterwards.
//!
//! `cargo test --release --test fuzz` runs a fixed number of cases from a
//! fixed seed (CI: well under two minutes). Longer, with fresh seeds:
//! `SMP_FUZZ_SECONDS=3600 cargo test --release --test fuzz -- --nocapture`
//! (the time is shared by the six targets; `SMP_FUZZ_SEED=N` picks the
//! first seed). A failure prints the seed and the shrunk input.

use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestCaseError, TestRng, TestRunner};
use smp_preview::head::{self, HeadMesh, Landmarks};
use smp_preview::placement::PlacementPlan;
use smp_preview::plan::{PlanError, TreatmentPlan};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

const EXAMPLE_PLANS: [&str; 7] = [
    include_str!("../assets/plans/default.toml"),
    include_str!("../assets/plans/receding-nw3.toml"),
    include_str!("../assets/plans/crown-thinning.toml"),
    include_str!("../assets/plans/fue-scars.toml"),
    include_str!("../assets/plans/fut-scar.toml"),
    include_str!("../assets/plans/norwood-5.toml"),
    include_str!("../assets/plans/full-shaved-nw7.toml"),
];

/// Values a hostile or careless plan puts where numbers and names go.
const HOSTILE_VALUES: [&str; 28] = [
    "-1",
    "0",
    "1",
    "0.2",
    "-0.0",
    "1e39",
    "-1e39",
    "1e-40",
    "nan",
    "inf",
    "-inf",
    "4294967296",
    "99999999",
    "5000",
    "8192",
    "\"x\"",
    "\"\"",
    "\"builtin\"",
    "\"/dev/zero\"",
    "\"fue\"",
    "\"strip\"",
    "\"#zzzzzz\"",
    "[1, 2, 3, 4]",
    "[]",
    "[[0, 10], [10, 10, 3]]",
    "{ a = 1 }",
    "true",
    "[\"front\", \"front\"]",
];

/// Lines a mutation inserts: sections, and fields that interact.
const HOSTILE_LINES: [&str; 24] = [
    "[[zones]]",
    "azimuth_deg = 0",
    "elevation_deg = 90",
    "radius_mm = 150",
    "density_scale = 0",
    "[[scars]]",
    "kind = \"fue\"",
    "kind = \"strip\"",
    "kind = \"line\"",
    "count = 5000",
    "diameter_mm = 2",
    "points = [[0, 10], [20, 10]]",
    "[head]",
    "[head.landmarks]",
    "glabella = [0, 0, 0]",
    "scale_to_mm = 0.2",
    "mesh = \"missing.obj\"",
    "[output]",
    "width = 8192",
    "height = 8192",
    "[[sessions]]",
    "shade = \"dark\"",
    "share = 1",
    "[[variants]]",
];

#[derive(Debug, Clone)]
enum Mutation {
    DeleteLine(usize),
    DuplicateLine(usize),
    ReplaceValue(usize, usize),
    InsertLine(usize, usize),
    Truncate(usize),
    InsertText(usize, String),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        any::<usize>().prop_map(Mutation::DeleteLine),
        any::<usize>().prop_map(Mutation::DuplicateLine),
        (any::<usize>(), 0..HOSTILE_VALUES.len()).prop_map(|(l, v)| Mutation::ReplaceValue(l, v)),
        (any::<usize>(), 0..HOSTILE_LINES.len()).prop_map(|(l, v)| Mutation::InsertLine(l, v)),
        any::<usize>().prop_map(Mutation::Truncate),
        (any::<usize>(), "\\PC{0,12}").prop_map(|(p, t)| Mutation::InsertText(p, t)),
    ]
}

fn mutate(base: &str, mutations: &[Mutation]) -> String {
    let mut lines: Vec<String> = base.lines().map(str::to_string).collect();
    for m in mutations {
        let n = lines.len().max(1);
        match m {
            Mutation::DeleteLine(i) if !lines.is_empty() => {
                lines.remove(i % n);
            }
            Mutation::DuplicateLine(i) if !lines.is_empty() => {
                let l = lines[i % n].clone();
                lines.insert(i % n, l);
            }
            Mutation::ReplaceValue(i, v) => {
                // The first `key = value` line at or after i.
                let k = (0..lines.len())
                    .map(|k| (i % n + k) % n)
                    .find(|&k| lines[k].contains(" = ") && !lines[k].trim_start().starts_with('#'));
                if let Some(k) = k {
                    let key = lines[k].split(" = ").next().unwrap_or("").to_string();
                    lines[k] = format!("{key} = {}", HOSTILE_VALUES[*v]);
                }
            }
            Mutation::InsertLine(i, v) => {
                lines.insert(i % (lines.len() + 1), HOSTILE_LINES[*v].into())
            }
            Mutation::Truncate(at) => {
                let text = lines.join("\n");
                let mut cut = at % (text.len() + 1);
                while !text.is_char_boundary(cut) {
                    cut -= 1;
                }
                lines = text[..cut].lines().map(str::to_string).collect();
            }
            Mutation::InsertText(at, t) => {
                let i = at % (lines.len() + 1);
                lines.insert(i, t.clone());
            }
            _ => {}
        }
    }
    lines.join("\n")
}

fn plan_text() -> impl Strategy<Value = String> {
    (
        0..EXAMPLE_PLANS.len(),
        proptest::collection::vec(mutation(), 1..4),
    )
        .prop_map(|(base, ms)| mutate(EXAMPLE_PLANS[base], &ms))
}

/// The built-in head without subdivision: placement on it is quick.
fn coarse_head() -> &'static HeadMesh {
    static HEAD: OnceLock<HeadMesh> = OnceLock::new();
    HEAD.get_or_init(|| head::load_builtin(0).unwrap())
}

/// How many cases of a target were accepted and how many refused: a suite
/// that only ever exercises the first check proves little.
#[derive(Default)]
struct Tally {
    accepted: std::sync::atomic::AtomicUsize,
    refused: std::sync::atomic::AtomicUsize,
}

impl Tally {
    fn count(&self, ok: bool) {
        let c = if ok { &self.accepted } else { &self.refused };
        c.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    }

    fn report(&self, name: &str) {
        let (a, r) = self.counts(name);
        assert!(
            a > 0 && r > 0,
            "fuzz {name}: every case went one way ({a} accepted, {r} refused)"
        );
    }

    /// For generated valid input: only that most of it was taken.
    fn report_mostly_accepted(&self, name: &str) {
        let (a, r) = self.counts(name);
        assert!(
            a > r,
            "fuzz {name}: the generator makes mostly invalid plans ({a} accepted, {r} refused)"
        );
    }

    fn counts(&self, name: &str) -> (usize, usize) {
        use std::sync::atomic::Ordering::Relaxed;
        let (a, r) = (self.accepted.load(Relaxed), self.refused.load(Relaxed));
        eprintln!("fuzz {name}: {a} accepted, {r} refused");
        (a, r)
    }
}

/// Cases per target, and the time a long run gives each.
fn budget(cases: u32) -> (u32, Option<Duration>) {
    let seconds = std::env::var("SMP_FUZZ_SECONDS")
        .ok()
        .and_then(|s| s.parse::<u64>().ok());
    (cases, seconds.map(|s| Duration::from_secs(s / 6)))
}

/// Run `test` on `strategy`: one pass of `cases` from the fixed seed, or
/// passes with fresh seeds until the long run's time is up.
fn fuzz<S: Strategy>(
    name: &str,
    cases: u32,
    strategy: S,
    test: impl Fn(S::Value) -> Result<(), TestCaseError>,
) where
    S::Value: std::fmt::Debug,
{
    let (cases, time) = budget(cases);
    let first: u64 = std::env::var("SMP_FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x5eed_0001);
    let start = Instant::now();
    let mut seed = first;
    loop {
        let mut bytes = [0u8; 32];
        bytes[..8].copy_from_slice(&seed.to_le_bytes());
        let config = Config {
            cases,
            failure_persistence: None,
            max_shrink_iters: 200,
            ..Config::default()
        };
        let mut runner =
            TestRunner::new_with_rng(config, TestRng::from_seed(RngAlgorithm::ChaCha, &bytes));
        if let Err(e) = runner.run(&strategy, &test) {
            panic!("fuzz target {name}, seed {seed} (SMP_FUZZ_SEED={seed}): {e}");
        }
        seed += 1;
        match time {
            Some(t) if start.elapsed() < t => continue,
            _ => break,
        }
    }
    eprintln!(
        "fuzz {name}: {} seed(s) of {cases} cases in {:.1} s",
        seed - first,
        start.elapsed().as_secs_f32()
    );
}

/// Fails a case that takes longer than `limit`: a hang in the making.
fn timed<T>(what: &str, limit: Duration, f: impl FnOnce() -> T) -> Result<T, TestCaseError> {
    let t = Instant::now();
    let out = f();
    let took = t.elapsed();
    prop_assert!(took < limit, "{what} took {took:?} (limit {limit:?})");
    Ok(out)
}

fn check_plan_error(e: &PlanError, origin: &str) -> Result<(), TestCaseError> {
    let text = e.to_string();
    prop_assert!(
        text.contains(origin),
        "the message does not name {origin}: {text}"
    );
    for issue in e.issues() {
        prop_assert!(!issue.field().is_empty(), "an issue names no field: {text}");
        prop_assert!(!issue.message.is_empty(), "an issue says nothing: {text}");
    }
    Ok(())
}

#[test]
fn fuzz_plans_in_memory() {
    let tally = Tally::default();
    fuzz("plans", 2000, plan_text(), |text| {
        let parsed = timed("parsing", Duration::from_secs(2), || {
            TreatmentPlan::from_toml_str(&text, "fuzz.toml")
        })?;
        tally.count(parsed.is_ok());
        match parsed {
            Err(e) => check_plan_error(&e, "fuzz.toml")?,
            Ok(plan) => {
                // A valid plan saves and loads back to the same plan.
                let back = TreatmentPlan::from_toml_str(&plan.to_toml_string(), "saved.toml");
                prop_assert!(back.as_ref().is_ok_and(|b| *b == plan), "{back:?}");
                if plan.head.mesh == "builtin" {
                    let placement = timed("placement planning", Duration::from_secs(10), || {
                        PlacementPlan::new(&plan, coarse_head())
                    })?;
                    prop_assert!(placement.treated_area_mm2.is_finite());
                }
            }
        }
        Ok(())
    });
    tally.report("plans");
}

/// A fresh folder for one case.
fn scratch(name: &str) -> PathBuf {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    let dir = std::env::temp_dir().join(format!(
        "smp-fuzz-{name}-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn fuzz_plan_files() {
    let bytes = plan_text().prop_flat_map(|t| {
        let b = t.into_bytes();
        let n = b.len();
        (
            Just(b),
            proptest::collection::vec((0..=n, any::<u8>()), 0..4),
        )
    });
    let tally = Tally::default();
    fuzz("plan files", 400, bytes, |(mut bytes, inserts)| {
        for (at, byte) in inserts {
            bytes.insert(at.min(bytes.len()), byte);
        }
        let dir = scratch("planfile");
        let path = dir.join("plan.toml");
        std::fs::write(&path, &bytes).unwrap();
        let loaded = timed("loading", Duration::from_secs(20), || {
            smp_preview::loading::load(Some(&path))
        })?;
        tally.count(loaded.is_ok());
        if let Err(e) = &loaded {
            let text = e.to_string();
            let names_it = text.contains(&path.display().to_string()) || text.contains(".obj");
            prop_assert!(names_it, "the message names no file: {text}");
            if let smp_preview::loading::LoadError::Plan(p) = e {
                check_plan_error(p, &path.display().to_string())?;
            }
        }
        prop_assert_eq!(
            std::fs::read(&path).unwrap(),
            bytes,
            "the plan file changed"
        );
        let _ = std::fs::remove_dir_all(&dir);
        Ok(())
    });
    tally.report("plan files");
}

/// OBJ lines: vertices (some not finite or huge), faces with indices in and
/// out of range, groups, materials pointing at special files, junk.
fn obj_line() -> impl Strategy<Value = String> {
    let coord = prop_oneof![
        4 => (-150.0f32..150.0).prop_map(|v| v.to_string()),
        1 => Just("nan".to_string()),
        1 => Just("1e39".to_string()),
        1 => Just("x".to_string()),
    ];
    let index = prop_oneof![
        8 => (1i32..40).prop_map(|v| v.to_string()),
        1 => (-40i32..1).prop_map(|v| v.to_string()),
        1 => Just("1/2/3".to_string()),
        1 => Just("1//".to_string()),
        1 => Just("a".to_string()),
    ];
    prop_oneof![
        8 => proptest::collection::vec(coord.clone(), 3..=4).prop_map(|c| format!("v {}", c.join(" "))),
        1 => proptest::collection::vec(coord.clone(), 2..=3).prop_map(|c| format!("vt {}", c.join(" "))),
        1 => proptest::collection::vec(coord, 2..=4).prop_map(|c| format!("vn {}", c.join(" "))),
        6 => proptest::collection::vec(index, 1..=6).prop_map(|i| format!("f {}", i.join(" "))),
        1 => prop_oneof![Just("o eye_left"), Just("o skin"), Just("g"), Just("usemtl x"), Just("mtllib /dev/zero"), Just("s off")]
            .prop_map(str::to_string),
        1 => "\\PC{0,20}",
    ]
}

#[test]
fn fuzz_obj_files() {
    let sphere = sphere_obj(100.0, 12, 24);
    let generated = proptest::collection::vec(obj_line(), 0..200);
    let mutated = (
        proptest::collection::vec(obj_line(), 0..4),
        proptest::collection::vec(any::<usize>(), 0..4),
    )
        .prop_map(move |(extra, deletes)| {
            let mut lines = sphere.clone();
            for d in deletes {
                let n = lines.len().max(1);
                lines.remove(d % n);
            }
            for (i, l) in extra.into_iter().enumerate() {
                let at = (i * 977) % (lines.len() + 1);
                lines.insert(at, l);
            }
            lines
        });
    let obj = (
        prop_oneof![1 => generated, 3 => mutated],
        0u32..=2,
        prop_oneof![6 => Just(1.0f32), 1 => Just(0.001), 1 => Just(1000.0), 1 => Just(25.4)],
    );
    let tally = Tally::default();
    fuzz("obj files", 600, obj, |(lines, subdivisions, scale)| {
        let bytes = lines.join("\n").into_bytes();
        mesh_case("scan.obj", &bytes, scale, subdivisions, &tally)
    });
    tally.report("obj files");
}

/// One mesh case of any format: `bytes` written as `name` and loaded. An
/// error names the file; a mesh has only valid indices and finite
/// positions; the file is as it was.
fn mesh_case(
    name: &str,
    bytes: &[u8],
    scale: f32,
    subdivisions: u32,
    tally: &Tally,
) -> Result<(), TestCaseError> {
    let dir = scratch("mesh");
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    let result = timed("loading the mesh", Duration::from_secs(20), || {
        head::load_mesh(
            &path,
            Some(scale),
            Some(Landmarks::builtin()),
            Some(subdivisions),
        )
    })?;
    tally.count(result.is_ok());
    match result {
        Err(e) => {
            let msg = e.to_string();
            prop_assert!(msg.contains(&path.display().to_string()), "{msg}");
        }
        Ok(mesh) => {
            let n = mesh.vertices.len() as u32;
            prop_assert!(mesh.indices.iter().all(|&i| i < n));
            prop_assert!(mesh.coarse_indices.iter().all(|&i| i < n));
            prop_assert!(
                mesh.vertices
                    .iter()
                    .all(|v| v.position_mm.iter().all(|c| c.is_finite()))
            );
        }
    }
    prop_assert_eq!(std::fs::read(&path).unwrap(), bytes, "the mesh changed");
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}

/// A closed UV sphere of `radius_mm` as OBJ lines: a valid mesh to break.
fn sphere_obj(radius_mm: f32, rings: usize, segments: usize) -> Vec<String> {
    let mut lines = vec!["o skin".to_string()];
    for i in 0..=rings {
        let theta = std::f32::consts::PI * i as f32 / rings as f32;
        for j in 0..segments {
            let phi = std::f32::consts::TAU * j as f32 / segments as f32;
            let (x, y, z) = (
                theta.sin() * phi.cos(),
                theta.cos(),
                theta.sin() * phi.sin(),
            );
            lines.push(format!(
                "v {} {} {}",
                radius_mm * x,
                radius_mm * y,
                radius_mm * z
            ));
        }
    }
    let id = |i: usize, j: usize| i * segments + (j % segments) + 1;
    for i in 0..rings {
        for j in 0..segments {
            lines.push(format!(
                "f {} {} {} {}",
                id(i, j),
                id(i + 1, j),
                id(i + 1, j + 1),
                id(i, j + 1)
            ));
        }
    }
    lines
}

const BIN: &str = env!("CARGO_BIN_EXE_smp-preview");

/// The files a CLI case starts with, and how paths may spell them.
struct Fixture {
    dir: PathBuf,
    /// Every pre-existing regular file and its bytes.
    files: Vec<(PathBuf, Vec<u8>)>,
}

const SMALL_PLAN: &str =
    "name = \"fuzz\"\n[output]\nwidth = 64\nheight = 64\nviews = [\"front\"]\n";

fn fixture() -> Fixture {
    let dir = scratch("cli");
    let w = |name: &str, text: &str| std::fs::write(dir.join(name), text).unwrap();
    w("plan.toml", SMALL_PLAN);
    w(
        "front.png.partial",
        "a file of the user's named like an old temporary file",
    );
    w(".front.png.partial", "another");
    w("sheet.png.partial", "and another");
    std::fs::create_dir_all(dir.join("sub")).unwrap();
    std::fs::create_dir_all(dir.join("out")).unwrap();
    std::os::unix::fs::symlink(dir.join("plan.toml"), dir.join("link.toml")).unwrap();
    std::fs::hard_link(dir.join("plan.toml"), dir.join("hard.toml")).unwrap();
    let fifo_made = std::process::Command::new("mkfifo")
        .arg(dir.join("fifo"))
        .status()
        .is_ok_and(|s| s.success());
    assert!(fifo_made, "mkfifo failed");
    let files = [
        "plan.toml",
        "front.png.partial",
        ".front.png.partial",
        "sheet.png.partial",
    ]
    .iter()
    .map(|n| (dir.join(n), std::fs::read(dir.join(n)).unwrap()))
    .collect();
    Fixture { dir, files }
}

const PLAN_PATHS: [&str; 11] = [
    "plan.toml",
    "./plan.toml",
    "sub/../plan.toml",
    "link.toml",
    "hard.toml",
    "fifo",
    "/dev/zero",
    "/dev/urandom",
    "missing.toml",
    "sub",
    "front.png.partial",
];

const OUTPUT_PATHS: [&str; 12] = [
    "out",
    ".",
    "sub/..",
    "plan.toml",
    "link.toml",
    "hard.toml",
    "sub/../plan.toml",
    "fifo",
    "/proc",
    "/proc/x/y",
    "/dev/null",
    "new",
];

const SIZES: [&str; 8] = [
    "64x64",
    "64x8192",
    "8192x64",
    "4097x4096",
    "0x0",
    "abc",
    "-1x64",
    "64x64x64",
];

#[derive(Debug, Clone)]
struct CliCase {
    plan: usize,
    out: usize,
    json: Option<usize>,
    size: Option<usize>,
    sheet: bool,
    check_only: bool,
}

fn cli_case() -> impl Strategy<Value = CliCase> {
    // Half the cases on paths that work, so that rendering runs too.
    let plan = prop_oneof![1 => 0..5usize, 1 => 0..PLAN_PATHS.len()];
    let out = prop_oneof![1 => prop_oneof![Just(0usize), Just(11)], 1 => 0..OUTPUT_PATHS.len()];
    (
        plan,
        out,
        proptest::option::of(0..OUTPUT_PATHS.len()),
        proptest::option::weighted(0.3, 0..SIZES.len()),
        any::<bool>(),
        proptest::bool::weighted(0.3),
    )
        .prop_map(|(plan, out, json, size, sheet, check_only)| CliCase {
            plan,
            out,
            json,
            size,
            sheet,
            check_only,
        })
}

/// Run the binary in `dir`, killing it past `limit`.
fn run_cli(
    dir: &Path,
    args: &[String],
    limit: Duration,
) -> Result<std::process::Output, TestCaseError> {
    let mut child = std::process::Command::new(BIN)
        .args(args)
        .current_dir(dir)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let start = Instant::now();
    loop {
        if child.try_wait().unwrap().is_some() {
            return Ok(child.wait_with_output().unwrap());
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            return Err(TestCaseError::fail(format!(
                "{args:?} hung: killed after {limit:?}"
            )));
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn fuzz_command_line_paths_and_sizes() {
    let tally = Tally::default();
    fuzz("command line", 40, cli_case(), |case| {
        let fx = fixture();
        let mut args: Vec<String> = Vec::new();
        if case.check_only {
            args.extend([
                "check".into(),
                "--plan".into(),
                PLAN_PATHS[case.plan].into(),
            ]);
        } else {
            args.extend([
                "render".into(),
                "--plan".into(),
                PLAN_PATHS[case.plan].into(),
            ]);
            args.extend(["--out".into(), OUTPUT_PATHS[case.out].into()]);
            if let Some(j) = case.json {
                args.extend(["--stats-json".into(), OUTPUT_PATHS[j].into()]);
            }
            if let Some(s) = case.size {
                args.extend(["--size".into(), SIZES[s].into()]);
            }
            if !case.sheet {
                args.push("--no-sheet".into());
            }
        }
        let out = run_cli(&fx.dir, &args, Duration::from_secs(120))?;
        let stderr = String::from_utf8_lossy(&out.stderr);
        let code = out.status.code();
        tally.count(code == Some(0));
        // 0: done, 1: refused with a message, 2: a usage error from clap.
        prop_assert!(
            matches!(code, Some(0..=2)),
            "{args:?}: exit {:?} (a panic or a signal): {stderr}",
            out.status
        );
        prop_assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        if code != Some(0) {
            let last = stderr
                .lines()
                .rfind(|l| l.starts_with("error: "))
                .unwrap_or("");
            prop_assert!(!last.is_empty(), "{args:?}: no error line: {stderr}");
            prop_assert!(!last.contains("os error"), "{args:?}: raw OS error: {last}");
        }
        for (path, bytes) in &fx.files {
            let now = std::fs::read(path);
            prop_assert!(
                now.as_ref().is_ok_and(|b| b == bytes),
                "{args:?}: {} was changed or lost",
                path.display()
            );
        }
        let leftovers: Vec<_> = walk(&fx.dir)
            .into_iter()
            .filter(|p| p.to_string_lossy().ends_with(".smp-partial"))
            .collect();
        prop_assert!(leftovers.is_empty(), "{args:?}: left {leftovers:?}");
        let _ = std::fs::remove_dir_all(&fx.dir);
        Ok(())
    });
    tally.report("command line");
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            let p = e.path();
            if e.file_type().is_ok_and(|t| t.is_dir()) {
                out.extend(walk(&p));
            }
            out.push(p);
        }
    }
    out
}

/// A plan generated field by field within the documented ranges: valid
/// plans in combinations no example has (every zone excluding, scars on a
/// crown, four sessions of tiny impressions), to be placed and drawn.
fn generated_plan() -> impl Strategy<Value = String> {
    let zone = (
        -180.0f32..180.0,
        -60.0f32..90.0,
        5.0f32..150.0,
        0.0f32..60.0,
        prop_oneof![Just(0.0f32), 0.0f32..3.0],
        0.0f32..1.0,
    )
        .prop_map(|(az, el, r, f, d, h)| {
            format!(
                "[[zones]]\nazimuth_deg = {az}\nelevation_deg = {el}\nradius_mm = {r}\nfeather_mm = {f}\n\
                 density_scale = {d}\nhair_density_scale = {h}\n"
            )
        });
    let scar = (0..3usize, -180.0f32..180.0, -40.0f32..60.0, 1u32..300, 0.5f32..20.0).prop_map(
        |(kind, az, el, count, width)| match kind {
            0 => format!(
                "[[scars]]\nkind = \"strip\"\nazimuth_deg = {az}\nelevation_deg = {el}\nwidth_mm = {width}\n"
            ),
            1 => format!(
                "[[scars]]\nkind = \"fue\"\nazimuth_deg = {az}\nelevation_deg = {el}\ncount = {count}\n"
            ),
            _ => format!(
                "[[scars]]\nkind = \"line\"\npoints = [[{az}, {el}], [{}, {}]]\nwidth_mm = {width}\n",
                (az + 30.0).min(180.0),
                (el + 10.0).min(60.0)
            ),
        },
    );
    let region = prop_oneof![
        Just("full"),
        Just("frontal"),
        Just("crown"),
        Just("norwood-2"),
        Just("norwood-3"),
        Just("norwood-4"),
        Just("norwood-5"),
        Just("norwood-6"),
        Just("norwood-7"),
    ];
    let hairline = prop_oneof![
        Just("straight"),
        Just("rounded"),
        Just("widows-peak"),
        Just("mature")
    ];
    (
        (any::<u32>(), region, 10.0f32..200.0, 10.0f32..150.0, 0.0f32..60.0),
        (
            hairline,
            prop_oneof![
                (50.0f32..120.0).prop_map(|mm| format!("frontal_height_mm = {mm}")),
                (0.3f32..0.65).prop_map(|f| format!("forehead_fraction = {f}")),
                Just(String::new()),
            ],
            0.0f32..25.0,
            0.0f32..8.0,
        ),
        (5.0f32..120.0, 0.0f32..300.0, 1usize..=4, 0.2f32..1.5),
        proptest::collection::vec(zone, 0..=8),
        proptest::collection::vec(scar, 0..=4),
        (0u32..=4, 0.0f32..7300.0),
    )
        .prop_map(|(r, h, d, zones, scars, (shown, days))| {
            let (seed, preset, depth, crown, feather) = r;
            let (hl, height, band, irregular) = h;
            let (density, hair, sessions, diameter) = d;
            let mut t = format!(
                "seed = {seed}\n{}[head]\nsubdivisions = 1\n[region]\npreset = \"{preset}\"\ndepth_mm = {depth}\n\
                 crown_radius_mm = {crown}\nfeather_mm = {feather}\n[hairline]\npreset = \"{hl}\"\n\
                 {height}\nband_mm = {band}\nirregularity_mm = {irregular}\n\
                 [density]\nfinal_per_cm2 = {density}\n[hair]\nnatural_per_cm2 = {hair}\n\
                 [shown]\nsession = {}\ndays_after = {days}\n",
                zones.concat(),
                shown.min(sessions as u32)
            );
            for _ in 0..sessions {
                t += &format!(
                    "[[sessions]]\nshade = \"dark\"\nshare = {}\ndiameter_mm = {diameter}\n",
                    1.0 / sessions as f32
                );
            }
            t + &scars.concat()
        })
}

#[test]
fn fuzz_generated_plans_on_the_gpu() {
    let loaded = smp_preview::loading::load(None).unwrap();
    let prepared = std::cell::RefCell::new(
        smp_preview::output::views::Prepared::new(&loaded)
            .unwrap_or_else(|e| panic!("the GPU fuzz target needs an adapter: {e:#}")),
    );
    let heads = std::cell::RefCell::new(std::collections::HashMap::new());
    let tally = Tally::default();
    fuzz("plans on the GPU", 24, generated_plan(), |text| {
        let plan = match TreatmentPlan::from_toml_str(&text, "generated.toml") {
            Ok(p) => p,
            Err(e) => {
                check_plan_error(&e, "generated.toml")?;
                tally.count(false);
                return Ok(());
            }
        };
        tally.count(true);
        let mut heads = heads.borrow_mut();
        let head = heads
            .entry(plan.head.subdivisions.unwrap_or(2))
            .or_insert_with(|| head::load_builtin(plan.head.subdivisions.unwrap_or(2)).unwrap());
        let mut p = prepared.borrow_mut();
        let placed = timed("placing", Duration::from_secs(60), || {
            p.rebuild(&plan, head)
        })?;
        prop_assert!(placed.is_ok(), "placing failed: {placed:?}");
        let images = p.render_views(&[smp_preview::plan::ViewName::Top], 64, 64);
        prop_assert!(images.is_ok(), "drawing failed: {:?}", images.err());
        let loaded = smp_preview::loading::Loaded {
            plan: plan.clone(),
            plan_path: None,
            head: head.clone(),
        };
        let stats = p.stats(&loaded);
        prop_assert!(stats.is_ok(), "{:?}", stats.err());
        Ok(())
    });
    tally.report_mostly_accepted("plans on the GPU");
}

/// Mesh bytes as scan apps write them (glTF binary, PLY ASCII and binary: the
/// built-in head exported, its first 1 500 triangles), then broken: bytes
/// overwritten, cut, inserted; numbers in the JSON or the PLY header changed.
fn scan_bytes() -> impl Strategy<Value = (String, Vec<u8>)> {
    let mut head = head::load_builtin(0).unwrap();
    head.indices.truncate(3 * 1500);
    let bases: Vec<(String, Vec<u8>)> = vec![
        (
            "scan.glb".into(),
            smp_preview::head::export::to_glb(&head, 1.0),
        ),
        (
            "scan.ply".into(),
            smp_preview::head::export::to_ply(&head, 1.0, false),
        ),
        (
            "scan-binary.ply".into(),
            smp_preview::head::export::to_ply(&head, 1.0, true),
        ),
    ];
    let edit = prop_oneof![
        (any::<usize>(), any::<u8>()).prop_map(|(at, b)| (0u8, at, vec![b])),
        any::<usize>().prop_map(|at| (1u8, at, Vec::new())),
        (
            any::<usize>(),
            proptest::collection::vec(any::<u8>(), 1..16)
        )
            .prop_map(|(at, b)| (2u8, at, b)),
        (any::<usize>(), 0..HOSTILE_VALUES.len()).prop_map(|(at, v)| (
            3u8,
            at,
            HOSTILE_VALUES[v].as_bytes().to_vec()
        )),
    ];
    (0..bases.len(), proptest::collection::vec(edit, 0..4)).prop_map(move |(k, edits)| {
        let (name, mut bytes) = bases[k].clone();
        for (kind, at, data) in edits {
            let n = bytes.len().max(1);
            match kind {
                0 => bytes[at % n] = data[0],
                1 => bytes.truncate(at % n),
                2 => {
                    let at = at % (bytes.len() + 1);
                    bytes.splice(at..at, data);
                }
                _ => {
                    // Replace the first run of digits at or after `at` (a count,
                    // a length, an index in the JSON or the header).
                    let head_len = bytes.len().min(4000);
                    let from = at % head_len.max(1);
                    if let Some(s) = (from..head_len).find(|&i| bytes[i].is_ascii_digit()) {
                        let e = (s..bytes.len())
                            .find(|&i| !bytes[i].is_ascii_digit())
                            .unwrap_or(bytes.len());
                        bytes.splice(s..e, data);
                    }
                }
            }
        }
        (name, bytes)
    })
}

#[test]
fn fuzz_gltf_and_ply_files() {
    let tally = Tally::default();
    fuzz("glTF and PLY files", 400, scan_bytes(), |(name, bytes)| {
        mesh_case(&name, &bytes, 1.0, 0, &tally)
    });
    tally.report("glTF and PLY files");
}
