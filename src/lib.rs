//! smp-preview: a scalp micropigmentation preview renderer.
//!
//! Domain (no wgpu): `plan`, `head`, `hairline`, `sessions`, `skin_optics`, `placement`,
//! `camera`, `lighting`, `stats`. GPU: `gpu`. Outputs: `output` (views,
//! sheet, compare, PDF, video), `bench`. The window: `viewer`, the only module that uses winit or egui.

pub mod args;
pub mod bench;
pub mod camera;
pub mod files;
pub mod gpu;
pub mod hair_match;
pub mod hairline;
pub mod head;
pub mod lighting;
pub mod loading;
pub mod output;
pub mod par;
pub mod placement;
pub mod plan;
pub mod ramps;
pub mod raycast;
pub mod scars;
pub mod sessions;
pub mod skin_optics;
pub mod stats;
pub mod temple_point;
pub mod viewer;
#[cfg(test)]
mod wgsl_twins;
