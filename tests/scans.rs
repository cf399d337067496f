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
