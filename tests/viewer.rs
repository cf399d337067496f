//! The viewer in a real window (under Xvfb when no display is set, on
//! whatever adapter wgpu finds: lavapipe on CI) against the headless
//! renderer, and `render --compare`. No Xvfb and no display is a failure
//! that says what to install, never a silent pass.

mod common;

use image::RgbaImage;
use smp_preview::plan::ViewName;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_smp-preview");
const WIDTH: u32 = 640;
const HEIGHT: u32 = 360;

fn out_dir(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// An X display for the viewer: $DISPLAY if set, else a private Xvfb that
/// is stopped when this is dropped.
struct Display {
    name: String,
    xvfb: Option<Child>,
}

impl Drop for Display {
    fn drop(&mut self) {
        if let Some(child) = &mut self.xvfb {
            // SIGTERM, so that Xvfb removes its lock and socket (a SIGKILL
            // leaves them, and stale locks used up every display number
            // on a machine that ran the suite a few hundred times).
            let asked = Command::new("kill")
                .args(["-TERM", &child.id().to_string()])
                .status()
                .is_ok_and(|s| s.success());
            if !asked {
                let _ = child.kill();
            }
            let _ = child.wait();
        }
    }
}

/// No X server holds display `n`: no lock, or a lock whose server is gone
/// (which Xvfb itself takes over).
fn display_is_free(n: u32) -> bool {
    let lock = format!("/tmp/.X{n}-lock");
    match std::fs::read_to_string(&lock) {
        Err(_) => !Path::new(&format!("/tmp/.X11-unix/X{n}")).exists(),
        Ok(text) => text
            .trim()
            .parse::<u32>()
            .is_ok_and(|pid| !Path::new(&format!("/proc/{pid}")).exists()),
    }
}

fn display() -> Display {
    if let Some(d) = std::env::var_os("DISPLAY").filter(|d| !d.is_empty()) {
        return Display {
            name: d.to_string_lossy().into_owned(),
            xvfb: None,
        };
    }
    // Tests run in parallel: each takes its own number from a counter, so two
    // never race for the same free display (and one's server never serves
    // the other).
    static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(90);
    let n = std::iter::repeat_with(|| NEXT.fetch_add(1, std::sync::atomic::Ordering::SeqCst))
        .take_while(|&n| n < 400)
        .find(|&n| display_is_free(n))
        .expect("a free X display number");
    let child = Command::new("Xvfb")
        .args([&format!(":{n}"), "-screen", "0", "1280x800x24", "-nolisten", "tcp"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| {
            panic!(
                "the viewer test needs a display: DISPLAY is not set and Xvfb cannot be started ({e}).\n  \
                 Install it (Debian/Ubuntu: `apt-get install xvfb`; .ci/run does) or run under a desktop session."
            )
        });
    let socket = format!("/tmp/.X11-unix/X{n}");
    let start = Instant::now();
    while !Path::new(&socket).exists() {
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "Xvfb :{n} did not start"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    Display {
        name: format!(":{n}"),
        xvfb: Some(child),
    }
}

fn viewer(display: &Display, args: &[&str]) -> Output {
    viewer_with_env(display, args, &[])
}

/// The viewer's standard output, once it is seen to have exited 0.
fn succeeded(out: &Output) -> String {
    assert!(
        out.status.success(),
        "viewer failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn viewer_with_env(display: &Display, args: &[&str], env: &[(&str, &str)]) -> Output {
    let out = Command::new(BIN)
        .arg("view")
        .args(args)
        .envs(env.iter().copied())
        .env("DISPLAY", &display.name)
        .env_remove("WAYLAND_DISPLAY")
        .output()
        .expect("run smp-preview view");
    println!("{}", String::from_utf8_lossy(&out.stdout));
    eprintln!("{}", String::from_utf8_lossy(&out.stderr));
    out
}

/// `render --compare` of the front view at `size` into `dir`; it must succeed.
fn render_compare_front(dir: &Path, size: &str) {
    let out = Command::new(BIN)
        .args([
            "render",
            "--compare",
            "--views",
            "front",
            "--size",
            size,
            "--out",
        ])
        .arg(dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The built-in default plan from the front, as `render` draws it.
fn headless_front() -> RgbaImage {
    headless_front_at(None)
}

/// The same before treatment (`Some(0)`) or after any session.
fn headless_front_at(session: Option<u32>) -> RgbaImage {
    let mut loaded = smp_preview::loading::load(None).unwrap();
    if session.is_some() {
        loaded.plan = loaded.plan.shown_at(session, 0.0);
    }
    let prepared = common::prepare(&loaded);
    prepared
        .render_views(&[ViewName::Front], WIDTH, HEIGHT)
        .unwrap()
        .remove(0)
        .1
}

fn assert_matches(name: &str, dir: &Path, reference: &RgbaImage, actual: &RgbaImage) -> f32 {
    assert_eq!(reference.dimensions(), actual.dimensions(), "{name}: size");
    let (mean, map) = common::flip(reference, actual);
    println!("{name}: mean FLIP {mean:.5}");
    if mean > common::MEAN_FLIP_TOLERANCE {
        reference
            .save(dir.join(format!("{name}-headless.png")))
            .unwrap();
        map.save(dir.join(format!("{name}-difference.png")))
            .unwrap();
        panic!(
            "{name}: mean FLIP {mean:.4} > {}; see {}",
            common::MEAN_FLIP_TOLERANCE,
            dir.display()
        );
    }
    mean
}

/// The window's presented frame equals the headless render of the same plan
/// and view; with the UI shown, the panel is really drawn over it.
#[test]
fn window_screenshot_matches_headless_render() {
    let display = display();
    let dir = out_dir("viewer-window");
    let size = format!("{WIDTH}x{HEIGHT}");
    let clean = dir.join("viewer-front.png");
    let out = viewer(
        &display,
        &[
            "--frames",
            "3",
            "--screenshot",
            clean.to_str().unwrap(),
            "--size",
            &size,
            "--no-ui",
        ],
    );
    let stdout = succeeded(&out);
    assert!(
        stdout.contains("median frame"),
        "no timing printed: {stdout}"
    );
    let actual = image::open(&clean).unwrap().to_rgba8();
    let reference = headless_front();
    assert_matches("viewer-front", &dir, &reference, &actual);

    // The same frame with the panel: the right-hand side differs, the left
    // half (head and backdrop) is still the render.
    let with_ui = dir.join("viewer-front-ui.png");
    let out = viewer(
        &display,
        &[
            "--frames",
            "3",
            "--screenshot",
            with_ui.to_str().unwrap(),
            "--size",
            &size,
        ],
    );
    assert!(out.status.success());
    let ui = image::open(&with_ui).unwrap().to_rgba8();
    let (mean, _) = common::flip(&reference, &ui);
    assert!(
        mean > common::MEAN_FLIP_TOLERANCE,
        "the panel is not drawn (FLIP {mean})"
    );
    let left =
        |img: &RgbaImage| image::imageops::crop_imm(img, 0, 0, WIDTH / 3, HEIGHT - 40).to_image();
    assert_matches("viewer-front-ui-left", &dir, &left(&reference), &left(&ui));

    // Compare mode in the window: the default plan's three shades side by
    // side, each viewport (below its label) the same as `render --compare`.
    let (w, h) = (3 * 240 + 2 * smp_preview::output::compare::GAP_PX, 300);
    let shot = dir.join("viewer-compare.png");
    let size = format!("{w}x{h}");
    let out = viewer(
        &display,
        &[
            "--frames",
            "2",
            "--screenshot",
            shot.to_str().unwrap(),
            "--size",
            &size,
            "--no-ui",
            "--compare",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    render_compare_front(&dir, &size);
    let window = image::open(&shot).unwrap().to_rgba8();
    let headless = image::open(dir.join("compare-front.png"))
        .unwrap()
        .to_rgba8();
    let tiles = smp_preview::output::compare::layout(3, w, h);
    for (i, t) in tiles.iter().enumerate() {
        let crop = |img: &RgbaImage| {
            image::imageops::crop_imm(img, t.x, t.y + 48, t.width, t.height - 48).to_image()
        };
        assert_matches(
            &format!("viewer-compare-{i}"),
            &dir,
            &crop(&headless),
            &crop(&window),
        );
    }
    // The three shades differ.
    let (m, _) = common::flip(
        &image::imageops::crop_imm(&window, tiles[0].x, 48, 240, h - 48).to_image(),
        &image::imageops::crop_imm(&window, tiles[2].x, 48, 240, h - 48).to_image(),
    );
    assert!(m > 0.0, "soft black and medium look the same");
}

/// Turning in the window: frames drawn while the head moves are motion
/// frames (reduced resolution, the head's coarse triangles, copied up into
/// the window under the cached panel), the last one is full, and the turned
/// head is there in it.
#[test]
fn turning_draws_motion_frames_then_a_full_one() {
    let display = display();
    let dir = out_dir("viewer-turning");
    let shot = dir.join("turned.png");
    let size = format!("{WIDTH}x{HEIGHT}");
    let out = viewer_with_env(
        &display,
        &[
            "--turntable",
            "--frames",
            "12",
            "--size",
            &size,
            "--screenshot",
            shot.to_str().unwrap(),
        ],
        &[("SMP_VIEWER_DEBUG", "1")],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "viewer failed: {stderr}");
    let frames: Vec<&str> = stderr
        .lines()
        .filter(|l| l.starts_with("viewer: frame "))
        .collect();
    // (A frame the surface skips is listed too.)
    assert!(frames.len() >= 12, "{stderr}");
    let motion = frames.iter().filter(|l| l.contains("(motion)")).count();
    assert!(motion >= 9, "{motion} motion frames of 12:\n{stderr}");
    let last = frames[frames.len() - 1];
    assert!(last.contains("(full)"), "last frame: {last}");
    // The head turned: not the front view any more, but as much head (in
    // the left half: the panel covers the right).
    let turned = image::open(&shot).unwrap().to_rgba8();
    let front = headless_front();
    let head_pixels = |img: &RgbaImage| {
        let backdrop = *img.get_pixel(2, HEIGHT / 2);
        let left = image::imageops::crop_imm(img, 0, 0, WIDTH / 2, HEIGHT).to_image();
        left.pixels()
            .filter(|p| (0..3).any(|c| p[c].abs_diff(backdrop[c]) > 24))
            .count() as f32
    };
    let left =
        |img: &RgbaImage| image::imageops::crop_imm(img, 0, 0, WIDTH / 2, HEIGHT - 40).to_image();
    let (mean, _) = common::flip(&left(&front), &left(&turned));
    println!("turned: FLIP {mean:.4} against the front (left half)");
    assert!(
        mean > 0.02,
        "the head did not turn (FLIP {mean} against the front)"
    );
    let ratio = head_pixels(&turned) / head_pixels(&front);
    println!("turned: head area {ratio:.2} of the front view's (left half)");
    assert!(
        (0.6..1.6).contains(&ratio),
        "head area {ratio} of the front view's"
    );
}

/// Automation flags and bad input fail clearly.
#[test]
fn viewer_errors_are_clear() {
    let out = Command::new(BIN)
        .args(["view", "--frames", "1"])
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("no display: set DISPLAY or use `smp-preview render`"),
        "{err}"
    );

    let dir = out_dir("viewer-errors");
    let bad = dir.join("bad.toml");
    std::fs::write(&bad, "[density]\nfinal_per_cm2 = 900\n").unwrap();
    let out = Command::new(BIN)
        .args(["view", "--plan", bad.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("bad.toml:2") && err.contains("density.final_per_cm2"),
        "{err}"
    );

    let out = Command::new(BIN)
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no display"));
}

/// `render --compare`: the default plan's three shades side by side, each
/// tile the headless render of its variant, darker shades darker.
#[test]
fn render_compare_shows_the_variants() {
    let dir = out_dir("render-compare");
    let (w, h) = (3 * 320 + 2 * smp_preview::output::compare::GAP_PX, 400);
    render_compare_front(&dir, &format!("{w}x{h}"));
    let img = image::open(dir.join("compare-front.png"))
        .unwrap()
        .to_rgba8();
    assert_eq!(img.dimensions(), (w, h));
    let plan = smp_preview::plan::TreatmentPlan::default_plan();
    let variants = smp_preview::output::compare::variant_plans(&plan);
    assert_eq!(variants.len(), 3);
    let tiles = smp_preview::output::compare::layout(3, w, h);
    let head = smp_preview::loading::load_head(&plan, None).unwrap();
    let mut scalp_luma = Vec::new();
    for ((name, vplan), tile) in variants.iter().zip(&tiles) {
        assert_eq!((tile.width, tile.height), (320, 400));
        let crop =
            image::imageops::crop_imm(&img, tile.x, tile.y, tile.width, tile.height).to_image();
        let loaded = smp_preview::loading::Loaded {
            plan: vplan.clone(),
            plan_path: None,
            head: head.clone(),
        };
        let reference = common::prepare(&loaded)
            .render_views(&[ViewName::Front], tile.width, tile.height)
            .unwrap()
            .remove(0)
            .1;
        // Below the label band the tile is the variant's own render.
        let band = |img: &RgbaImage, y: u32, h: u32| {
            image::imageops::crop_imm(img, 0, y, tile.width, h).to_image()
        };
        let rest = tile.height - 48;
        assert_matches(
            &format!("compare-{}", name.replace(' ', "-")),
            &dir,
            &band(&reference, 48, rest),
            &band(&crop, 48, rest),
        );
        // The label is drawn in the band above.
        let (label, _) = common::flip(&band(&reference, 0, 48), &band(&crop, 0, 48));
        // (A short name in the 16 px type covers about 1.5 % of the band.)
        assert!(label > 0.015, "{name}: no label drawn (FLIP {label})");
        // The whole tile below the label: the shades differ only on the scalp.
        let scalp = band(&crop, 48, rest);
        let l: f32 = scalp
            .pixels()
            .map(|p| p[0] as f32 * 0.2126 + p[1] as f32 * 0.7152 + p[2] as f32 * 0.0722)
            .sum::<f32>()
            / (scalp.width() * scalp.height()) as f32;
        scalp_luma.push(l);
    }
    println!("mean luma soft black / dark / medium: {scalp_luma:?}");
    assert!(
        scalp_luma[0] < scalp_luma[1] && scalp_luma[1] < scalp_luma[2],
        "{scalp_luma:?}"
    );
}

/// The device lost mid-session (as a driver reset does; injected with
/// `SMP_VIEWER_FAULT`): the viewer opens it again, says so, and goes on to
/// draw the same picture as before.
#[test]
fn a_lost_device_is_opened_again() {
    let display = display();
    let dir = out_dir("viewer-device-lost");
    let shot = dir.join("after-loss.png");
    let size = format!("{WIDTH}x{HEIGHT}");
    let args = [
        "--frames",
        "8",
        "--screenshot",
        shot.to_str().unwrap(),
        "--size",
        &size,
        "--no-ui",
    ];
    let out = viewer_with_env(&display, &args, &[("SMP_VIEWER_FAULT", "lose-device@3")]);
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{text}");
    assert!(
        text.contains("destroying the device before frame 3"),
        "{text}"
    );
    assert!(text.contains("has been opened again"), "{text}");
    let after = image::open(&shot).unwrap().to_rgba8();
    assert_matches("viewer-after-device-loss", &dir, &headless_front(), &after);
}

/// The plan file replaced by another program while the viewer shows it,
/// with nothing unsaved: it is loaded again, and the file is left as written.
#[test]
fn a_plan_changed_on_disk_is_loaded_again() {
    let display = display();
    let dir = out_dir("viewer-plan-changed");
    let plan = dir.join("client.toml");
    let first = "name = \"first\"\n[output]\nwidth = 320\nheight = 180\nviews = [\"front\"]\n";
    std::fs::write(&plan, first).unwrap();
    let mut child = Command::new(BIN)
        .args(["view", "--plan", plan.to_str().unwrap(), "--frames", "400"])
        .args(["--size", "320x180", "--motion-scale", "1"])
        .env("DISPLAY", &display.name)
        .env_remove("WAYLAND_DISPLAY")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Wait for the window's first line, then change the file as an editor
    // would (a new file renamed over it).
    let mut stdout = std::io::BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    use std::io::BufRead;
    stdout.read_line(&mut line).unwrap();
    assert!(line.contains("first"), "{line}");
    let second = first.replace("first", "second");
    std::fs::write(dir.join("edit.tmp"), &second).unwrap();
    std::fs::rename(dir.join("edit.tmp"), &plan).unwrap();
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut stdout, &mut rest).unwrap();
    let status = child.wait().unwrap();
    assert!(status.success(), "{line}{rest}");
    assert!(
        rest.contains("changed on disk: loaded again"),
        "{line}{rest}"
    );
    assert_eq!(std::fs::read_to_string(&plan).unwrap(), second);
}

/// The before | after wipe, driven as a user would (`SMP_VIEWER_INPUT`
/// plays a press on the divider, a drag to the left and a release, then
/// the P key): the divider follows the drag, the picture is the untreated
/// head left of it and the treated one right of it, as `render` draws them;
/// and P writes the consultation PDF into the screenshot folder.
#[test]
fn the_wipe_divider_drags_and_p_writes_the_consultation_pdf() {
    let display = display();
    let dir = out_dir("viewer-wipe");
    let shot = dir.join("wipe.png");
    let size = format!("{WIDTH}x{HEIGHT}");
    let (mid, to) = (WIDTH / 2, 200);
    let y = HEIGHT / 2;
    let script = format!(
        "2:press={mid},{y};3:move={},{y};4:move={to},{y};5:release;6:key=p",
        mid - 40
    );
    let out = viewer_with_env(
        &display,
        &[
            "--wipe",
            "--frames",
            "10",
            "--size",
            &size,
            "--no-ui",
            "--screenshot",
            shot.to_str().unwrap(),
            "--out",
            dir.to_str().unwrap(),
        ],
        &[("SMP_VIEWER_INPUT", &script)],
    );
    let stdout = succeeded(&out);
    let window = image::open(&shot).unwrap().to_rgba8();
    // Left of the divider (clear of it and of the labels): before.
    let crop = |img: &RgbaImage, x0: u32, x1: u32| {
        image::imageops::crop_imm(img, x0, 50, x1 - x0, HEIGHT - 50).to_image()
    };
    let before = headless_front_at(Some(0));
    let after = headless_front();
    assert_matches(
        "wipe-left",
        &dir,
        &crop(&before, 0, to - 16),
        &crop(&window, 0, to - 16),
    );
    assert_matches(
        "wipe-right",
        &dir,
        &crop(&after, to + 16, WIDTH),
        &crop(&window, to + 16, WIDTH),
    );
    // The divider is a light line where the drag left it, not in the middle.
    let column_light = |x: u32| {
        (60..HEIGHT - 10)
            .filter(|&yy| window.get_pixel(x, yy)[0] > 200)
            .count()
    };
    assert!(
        column_light(to) > (HEIGHT as usize - 70) * 3 / 4,
        "no divider at x={to}"
    );
    let off_after = (60..HEIGHT - 10)
        .filter(|&yy| {
            let (w, r) = (window.get_pixel(mid, yy), after.get_pixel(mid, yy));
            (0..3).any(|c| w[c].abs_diff(r[c]) > 60)
        })
        .count();
    assert!(off_after < 10, "a divider is still in the middle");
    // The PDF: written before the viewer closed, named as the folder's next.
    let pdf = dir.join("consultation-001.pdf");
    assert!(stdout.contains("wrote"), "{stdout}");
    let text = Command::new("pdftotext")
        .arg(&pdf)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils; .ci/run installs it)");
    let text = String::from_utf8_lossy(&text.stdout);
    let plan = smp_preview::plan::TreatmentPlan::default_plan();
    assert!(text.contains(&plan.name), "{text}");
}

#[test]
fn a_click_in_landmark_mode_sets_the_landmark_and_ctrl_s_saves_it() {
    use smp_preview::head::corpus;
    use smp_preview::plan::TreatmentPlan;
    let display = display();
    let dir = out_dir("viewer-landmarks");
    let scan = corpus::make(&corpus::sample()).unwrap();
    let mesh = corpus::write(&scan, &dir, "client", corpus::FileKind::GlbColored).unwrap();
    let plan_path = dir.join("client.toml");
    let name = mesh.file_name().unwrap().to_string_lossy();
    std::fs::write(&plan_path, format!("[head]\nmesh = \"{name}\"\n")).unwrap();
    // The head as the viewer first shows it: aligned on load.
    let plan = TreatmentPlan::load(&plan_path).unwrap();
    assert!(plan.head.landmarks.is_none());
    let head = smp_preview::loading::load_head(&plan, Some(&plan_path)).unwrap();
    let to_head = head.file_frame.expect("a scan has a file frame");
    // Point at the window's centre first (the X pointer starts over the
    // panel), landmark mode, click there (glabella, the first), save.
    let (w, h) = (960u32, 540u32);
    let (x, y) = (w / 2, h / 2);
    let script = format!("2:move={x},{y};3:key=l;4:press={x},{y};5:release;8:key=ctrl+s");
    let size = format!("{w}x{h}");
    let out = viewer_with_env(
        &display,
        &[
            "--plan",
            plan_path.to_str().unwrap(),
            "--frames",
            "14",
            "--size",
            &size,
            "--out",
            dir.to_str().unwrap(),
        ],
        &[("SMP_VIEWER_INPUT", &script)],
    );
    let stdout = succeeded(&out);
    assert!(stdout.contains("glabella set at"), "{stdout}");
    assert!(stdout.contains("saved"), "{stdout}");
    let text = std::fs::read_to_string(&plan_path).unwrap();
    assert!(text.contains("[head.landmarks]"), "{text}");
    let saved = TreatmentPlan::load(&plan_path).unwrap();
    let given = saved.head.landmarks.clone().expect("landmarks saved");
    // The glabella lies where the click's ray (the camera's axis, at the
    // window's centre) meets the front of the head, not where align put it.
    let orbit = smp_preview::viewer::orbit::Orbit::new(
        head.frame_bounds(),
        ViewName::Front,
        w as f32 / h as f32,
    );
    let cam = orbit.camera(w as f32 / h as f32);
    let g = to_head.apply(given.glabella.into());
    let axis = (cam.target - cam.eye).normalize();
    let off_ray = ((g - cam.eye) - axis * (g - cam.eye).dot(axis)).length();
    assert!(
        off_ray < 1.5,
        "the glabella is {off_ray:.2} mm off the click's ray"
    );
    assert!(g.z > cam.target.z, "on the face, not the back: {g}");
    let moved = g.distance(head.landmarks.glabella);
    assert!(moved > 3.0, "the glabella moved only {moved:.2} mm");
    // The other six are the head's as aligned, in the file's coordinates.
    let found = smp_preview::head::align::frame::points(&head.landmarks);
    let kept = smp_preview::head::align::frame::points(&given.to_landmarks());
    for k in 1..7 {
        let d = to_head.apply(kept[k]).distance(found[k]);
        assert!(d < 0.1, "landmark {k} moved {d:.3} mm");
    }
    // The saved plan loads its head from the landmarks it gives.
    let again = smp_preview::loading::load_head(&saved, Some(&plan_path)).unwrap();
    assert!(again.landmark_confidence.is_none());
}
