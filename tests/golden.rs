//! Golden images: renders compared perceptually (NVIDIA FLIP) with references
//! in tests/golden/. On failure the actual image and the FLIP error map are
//! written beside the reference. A missing reference is written and the test
//! fails, so a person looks at it before it is committed; set
//! SMP_UPDATE_GOLDEN=1 to rewrite references on purpose.

mod common;

use common::{MEAN_FLIP_TOLERANCE, flip};
use image::RgbaImage;
use smp_preview::plan::ViewName;
use std::path::PathBuf;

/// Mean FLIP error allowed: renders from one adapter are identical; across
/// Mesa versions and GPUs the sub-pixel impressions may shift a little.
const WIDTH: u32 = 640;
const HEIGHT: u32 = 360;

fn golden_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/golden")
}

fn check(plan: &str, views: &[ViewName]) {
    check_loaded(&common::load(plan), plan.trim_end_matches(".toml"), views);
}

fn check_loaded(loaded: &smp_preview::loading::Loaded, stem: &str, views: &[ViewName]) {
    let prepared = common::prepare(loaded);
    let images = prepared.render_views(views, WIDTH, HEIGHT).unwrap();
    let mut failures = Vec::new();
    for (view, actual) in images {
        failures.extend(compare(&format!("{stem}-{}", view.as_str()), &actual));
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Compare one image with its reference; the failure message, if any.
fn compare(name: &str, actual: &RgbaImage) -> Option<String> {
    let reference_path = golden_dir().join(format!("{name}.png"));
    let updating = std::env::var_os("SMP_UPDATE_GOLDEN").is_some();
    if updating || !reference_path.exists() {
        let existed = reference_path.exists();
        actual.save(&reference_path).unwrap();
        return (!existed && !updating).then(|| {
            format!(
                "{name}: no reference; wrote {} — look at it, then commit it",
                reference_path.display()
            )
        });
    }
    let reference = image::open(&reference_path).unwrap().to_rgba8();
    assert_eq!(
        reference.dimensions(),
        actual.dimensions(),
        "{name}: size changed"
    );
    let (mean, map) = flip(&reference, actual);
    println!("{name}: mean FLIP {mean:.5}");
    if mean <= MEAN_FLIP_TOLERANCE {
        return None;
    }
    actual
        .save(golden_dir().join(format!("{name}-actual.png")))
        .unwrap();
    map.save(golden_dir().join(format!("{name}-difference.png")))
        .unwrap();
    Some(format!(
        "{name}: mean FLIP {mean:.4} > {MEAN_FLIP_TOLERANCE}; see {name}-actual.png and {name}-difference.png"
    ))
}

#[test]
fn full_shaved_front_and_top() {
    check("full-shaved-nw7.toml", &[ViewName::Front, ViewName::Top]);
}

#[test]
fn receding_three_quarter_and_left() {
    check(
        "receding-nw3.toml",
        &[ViewName::ThreeQuarter, ViewName::Left],
    );
}

/// The receding-hairline plan over time, close up on the hairline: after
/// session 1 (light, sparse, the hairline set), after session 2 (denser,
/// darker), healed after session 3, and five years on (faded).
#[test]
fn receding_timeline() {
    let mut failures = Vec::new();
    for (session, days) in [(1, 20.0), (2, 20.0), (3, 60.0), (3, 1825.0)] {
        let mut loaded = common::load("receding-nw3.toml");
        loaded.plan.shown.session = Some(session);
        loaded.plan.shown.days_after = days;
        let prepared = common::prepare(&loaded);
        let actual = prepared.render_hairline_closeup(WIDTH, HEIGHT).unwrap();
        let name = format!("receding-nw3-s{session}-d{days}-hairline");
        failures.extend(compare(&name, &actual));
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn flip_sees_a_changed_image() {
    let a = RgbaImage::from_pixel(64, 64, image::Rgba([120, 100, 90, 255]));
    let mut b = a.clone();
    for x in 16..48 {
        for y in 16..48 {
            b.put_pixel(x, y, image::Rgba([30, 30, 35, 255]));
        }
    }
    assert_eq!(flip(&a, &a).0, 0.0);
    assert!(flip(&a, &b).0 > MEAN_FLIP_TOLERANCE);
}

/// Not a check: writes the README's hairline close-up (receding-nw3 as the
/// plan shows it, 800x600) to the file `SMP_README_CLOSEUP` names, for
/// `tools/readme-pictures.sh`.
#[test]
#[ignore]
fn readme_close_up() {
    let Some(path) = std::env::var_os("SMP_README_CLOSEUP") else {
        return;
    };
    let prepared = common::prepare(&common::load("receding-nw3.toml"));
    prepared
        .render_hairline_closeup(800, 600)
        .unwrap()
        .save(path)
        .unwrap();
}
