//! Helpers shared by the GPU tests: load a plan, prepare it on the adapter
//! wgpu finds (lavapipe on a machine with no GPU). No adapter is a failure.

#![allow(dead_code)]

use smp_preview::loading::{self, Loaded};
use smp_preview::render::Prepared;
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
