//! The consultation viewer: a window over the same renderer `render` uses.
//! Thin shell: window loop (`app`), GPU side of the window (`gfx`), orbit
//! camera (`orbit`), key and mouse mapping (`input`), control panel
//! (`panel`), screenshots and plan saving. Nothing outside this module
//! depends on winit or egui.

mod app;
mod blit;
mod document;
mod gfx;
pub mod input;
pub mod orbit;
mod panel;
mod panel_cache;
mod placing;
pub mod plan_io;
pub mod screenshot;

use crate::loading;
use crate::plan::ViewName;
use anyhow::{Result, bail};
use std::path::PathBuf;

pub struct ViewOptions {
    pub plan: Option<PathBuf>,
    /// Window size, physical pixels.
    pub size: (u32, u32),
    pub view: ViewName,
    /// Render this many frames, then exit (automation, timing).
    pub frames: Option<u32>,
    /// With `frames`: save the last presented frame here.
    pub screenshot: Option<PathBuf>,
    /// Start with the UI hidden (as after `H`).
    pub no_ui: bool,
    pub compare: bool,
    /// Start with the before | after wipe, the divider in the middle.
    pub wipe: bool,
    pub turntable: bool,
    /// Folder for `S` screenshots.
    pub out: PathBuf,
    /// Print frame timing on exit even without `frames`.
    pub timing: bool,
    /// Resolution scale of the frames drawn while the head moves (1: full);
    /// `None`: `auto_motion_scale`.
    pub motion_scale: Option<f32>,
}

/// Pixels of a frame drawn while the head moves, all viewports together, on
/// a CPU rasteriser: at 1280x720 (scale 0.5) such a frame took 28-32 ms on 2
/// cores (see the README); its cost grows with its pixels.
pub const MOTION_PIXELS_CPU: f64 = 640.0 * 360.0;

/// The motion scale for a `width`x`height` window: on a CPU rasteriser the
/// scale that keeps `MOTION_PIXELS_CPU` (at most 0.5, at least 0.2); on a GPU
/// every frame is drawn in full (a full frame takes 2-3 ms on one).
pub fn auto_motion_scale(cpu: bool, width: u32, height: u32) -> f32 {
    if !cpu {
        return 1.0;
    }
    let pixels = (width.max(1) as f64) * (height.max(1) as f64);
    ((MOTION_PIXELS_CPU / pixels).sqrt() as f32).clamp(0.2, 0.5)
}

/// `SMP_VIEWER_DEBUG` is set: log keys, frames, placements and repaints.
pub(crate) fn debug() -> bool {
    static DEBUG: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *DEBUG.get_or_init(|| std::env::var_os("SMP_VIEWER_DEBUG").is_some())
}

/// Whether a display server is there to open a window on.
pub fn display_present() -> bool {
    if cfg!(any(target_os = "windows", target_os = "macos")) {
        return true;
    }
    ["DISPLAY", "WAYLAND_DISPLAY"]
        .iter()
        .any(|v| std::env::var_os(v).is_some_and(|s| !s.is_empty()))
}

pub const NO_DISPLAY: &str = "no display: set DISPLAY or use `smp-preview render`";

/// Open the viewer; returns when its window closes.
pub fn run(opts: ViewOptions) -> Result<()> {
    if opts.screenshot.is_some() && opts.frames.is_none() {
        bail!("--screenshot needs --frames N (the frame to save)");
    }
    if let Some(s) = opts.motion_scale
        && !(0.1..=1.0).contains(&s)
    {
        bail!("--motion-scale {s}: allowed 0.1 to 1");
    }
    if opts.frames == Some(0) {
        bail!("--frames must be at least 1");
    }
    let loaded = loading::load(opts.plan.as_deref())?;
    if !display_present() {
        bail!(NO_DISPLAY);
    }
    let event_loop =
        winit::event_loop::EventLoop::new().map_err(|e| anyhow::anyhow!("{NO_DISPLAY} ({e})"))?;
    let mut app = app::App::new(opts, loaded)?;
    event_loop.run_app(&mut app)?;
    match app.error.take() {
        Some(e) => Err(e),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::auto_motion_scale;

    #[test]
    fn motion_scale_keeps_a_pixel_budget_on_a_cpu_and_is_full_on_a_gpu() {
        assert_eq!(auto_motion_scale(true, 1280, 720), 0.5);
        let s = auto_motion_scale(true, 1920, 1080);
        assert!((s - 1.0 / 3.0).abs() < 1e-3, "{s}");
        assert_eq!(auto_motion_scale(true, 640, 360), 0.5);
        assert_eq!(auto_motion_scale(true, 7680, 4320), 0.2);
        assert_eq!(auto_motion_scale(false, 1920, 1080), 1.0);
        assert_eq!(auto_motion_scale(true, 0, 0), 0.5);
    }
}
