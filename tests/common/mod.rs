//! Helpers shared by the GPU tests: load a plan, prepare it on the adapter
//! wgpu finds (lavapipe on a machine with no GPU). No adapter is a failure.

#![allow(dead_code)]

use smp_preview::loading::{self, Loaded};
use smp_preview::output::views::Prepared;
use std::path::PathBuf;

pub fn plan_path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("assets/plans")
        .join(name)
}

pub fn load(name: &str) -> Loaded {
    loading::load(Some(&plan_path(name))).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// Prepare a plan on the GPU; panics with the install hint when no adapter exists.
pub fn prepare(loaded: &Loaded) -> Prepared {
    match Prepared::new(loaded) {
        Ok(p) => p,
        Err(e) => panic!("GPU test cannot run: {e:#}"),
    }
}

/// Mean FLIP error of `actual` against `reference` (NVIDIA FLIP, as the
/// golden tests use), and the error map.
pub fn flip(reference: &image::RgbaImage, actual: &image::RgbaImage) -> (f32, image::RgbaImage) {
    let rgb = |img: &image::RgbaImage| -> Vec<u8> {
        img.pixels().flat_map(|p| [p[0], p[1], p[2]]).collect()
    };
    let (w, h) = reference.dimensions();
    let a = nv_flip::FlipImageRgb8::with_data(w, h, &rgb(reference));
    let b = nv_flip::FlipImageRgb8::with_data(w, h, &rgb(actual));
    let error = nv_flip::flip(a, b, nv_flip::DEFAULT_PIXELS_PER_DEGREE);
    let mean = nv_flip::FlipPool::from_image(&error).mean();
    let map = error.apply_color_lut(&nv_flip::magma_lut()).to_vec();
    let map = image::RgbaImage::from_fn(w, h, |x, y| {
        let i = ((y * w + x) * 3) as usize;
        image::Rgba([map[i], map[i + 1], map[i + 2], 255])
    });
    (mean, map)
}

/// The golden tests' tolerance (tests/golden.rs).
pub const MEAN_FLIP_TOLERANCE: f32 = 0.02;

/// A fresh, empty folder for one test, under the target's temporary folder.
pub fn folder(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The `smp-preview` binary run in `dir`, as a user runs it.
pub fn run(dir: &std::path::Path, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_smp-preview"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run smp-preview")
}

/// It exited 1 with a message containing every one of `needles`, and no panic.
pub fn refused(out: &std::process::Output, needles: &[&str]) {
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    for n in needles {
        assert!(err.contains(n), "missing {n:?} in: {err}");
    }
}

/// The names in `dir`, sorted.
pub fn file_names(dir: &std::path::Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}
