//! The viewer's frames while the head moves (the head's coarse triangles, no
//! multisampling) show the same pigment as full frames: the splat's occlusion
//! test against the coarse depth pre-pass keeps every impression, close up too,
//! and where a frame splats one impression of a run for all of them it keeps
//! their darkness.

mod common;

use smp_preview::camera::Camera;
use smp_preview::gpu::renderer::motion_run;
use smp_preview::gpu::{Scene, ViewTargets};
use smp_preview::plan::ViewName;

const WIDTH: u32 = 640;
const HEIGHT: u32 = 360;

/// Mean grey level (0-255) of an image.
fn mean_grey(img: &image::RgbaImage) -> f64 {
    let sum: f64 = img
        .pixels()
        .map(|p| 0.2126 * p[0] as f64 + 0.7152 * p[1] as f64 + 0.0722 * p[2] as f64)
        .sum();
    sum / (img.width() * img.height()) as f64
}

#[test]
fn motion_frames_keep_every_impression() {
    let loaded = common::load("default.toml");
    let p = common::prepare(&loaded);
    // The same head before treatment: what the ink darkens.
    let mut bare_plan = loaded.plan.clone();
    bare_plan.shown.session = Some(0);
    let bare = Scene::new(&p.gpu, &p.renderer.generator, &bare_plan, &loaded.head).unwrap();
    let full = p.renderer.targets(&p.gpu, WIDTH, HEIGHT).unwrap();
    let motion = p.renderer.motion_targets(&p.gpu, WIDTH, HEIGHT).unwrap();
    let aspect = WIDTH as f32 / HEIGHT as f32;
    let coverage = &p.scene.placement.coverage;
    let top = Camera::preset(ViewName::Top, p.scene.bounds, aspect);
    // Zoomed in on the crown: where the coarse triangles are largest, and a
    // pixel is a small fraction of a millimetre.
    let crown = Camera {
        eye: top.target + 0.3 * (top.eye - top.target),
        ..top
    };
    // From further off every unit is under a pixel: a motion frame splats
    // one impression of each run, at the run's area.
    let far = Camera {
        eye: top.target + 2.0 * (top.eye - top.target),
        ..top
    };
    assert!(motion_run(&p.scene, &far, HEIGHT) > 1);
    assert_eq!(motion_run(&p.scene, &top, HEIGHT), 1);
    let cameras = [
        ("top, far", far),
        ("top", top),
        ("crown, close", crown),
        (
            "hairline close-up",
            Camera::hairline_closeup(coverage.frontal_point, coverage.center, aspect),
        ),
    ];
    let darkening = |camera: &Camera, targets: &ViewTargets| -> f64 {
        let render = |scene: &Scene| {
            p.renderer
                .render_image(&p.gpu, scene, camera, targets)
                .unwrap()
        };
        mean_grey(&render(&bare)) - mean_grey(&render(&p.scene))
    };
    for (name, camera) in &cameras {
        let in_full = darkening(camera, &full);
        let in_motion = darkening(camera, &motion);
        assert!(
            in_full > 0.3,
            "{name}: the ink darkens by {in_full} grey levels"
        );
        eprintln!(
            "{name}: ink darkens a full frame by {in_full:.2} grey levels, a motion frame by {in_motion:.2}"
        );
        let ratio = in_motion / in_full;
        assert!(
            (ratio - 1.0).abs() < 0.05,
            "{name}: ink darkens a motion frame by {in_motion:.2} grey levels, a full frame by {in_full:.2}"
        );
    }
}
