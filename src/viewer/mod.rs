//! The consultation viewer: a window over the same renderer `render` uses.
//! Thin shell: window loop (`app`), GPU side of the window (`gfx`), orbit
//! camera (`orbit`), key and mouse mapping (`input`), control panel
//! (`panel`), screenshots and plan saving. Nothing outside this module
//! depends on winit or egui.

mod app;
mod blit;
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
    pub turntable: bool,
    /// Folder for `S` screenshots.
    pub out: PathBuf,
    /// Print frame timing on exit even without `frames`.
    pub timing: bool,
    /// Resolution scale of the frames drawn while the head moves (1: full).
    pub motion_scale: f32,
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
    if !(0.1..=1.0).contains(&opts.motion_scale) {
        bail!("--motion-scale {}: allowed 0.1 to 1", opts.motion_scale);
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
    let mut app = app::App::new(opts, loaded);
    event_loop.run_app(&mut app)?;
    match app.error.take() {
        Some(e) => Err(e),
        None => Ok(()),
    }
}
