//! The window loop (winit 0.30): events in, one frame out per redraw.

mod faults;
mod landmarks;
mod motion;
mod scenes;
mod script;
mod wipe;

use super::gfx::{FrameResult, Gfx, UiFrame};
use super::input::{self, Action, Button, DoubleClick, Drag, Key, Mods};
use super::orbit::Orbit;
use super::panel::{self, PanelInfo, PanelState};
use super::placing::{Placing, Shown};
use super::{ViewOptions, plan_io, screenshot};
use crate::gpu::Scene;
use crate::head::HeadMesh;
use crate::loading;
use crate::output::compare::{self, Tile};
use crate::plan::TreatmentPlan;
use anyhow::{Context, Result};
use std::collections::VecDeque;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};
use winit::application::ApplicationHandler;
use winit::dpi::PhysicalSize;
use winit::event::{ElementState, MouseButton, MouseScrollDelta, WindowEvent};
use winit::event_loop::{ActiveEventLoop, ControlFlow};
use winit::keyboard::{Key as WKey, NamedKey};
use winit::window::{Fullscreen, Window, WindowId};

struct Running {
    window: Arc<Window>,
    gfx: Gfx,
    egui: egui_winit::State,
    shown: Vec<Shown>,
    orbit: Orbit,
}

/// How long frames stay at the motion resolution after the head stops. A
/// full frame takes several times a motion frame on a CPU rasteriser and
/// cannot be interrupted: drawn the moment a drag pauses, it would hold up
/// the next drag. Releasing and grabbing again within this time stays smooth.
const SETTLE: Duration = Duration::from_millis(250);

/// Frame timing: intervals between frames drawn back to back.
#[derive(Default)]
struct Timing {
    recent: VecDeque<f32>,
    all: Vec<f32>,
    render_ms: Vec<f32>,
}

impl Timing {
    fn push(&mut self, interval_ms: f32, render_ms: f32) {
        if self.recent.len() == 60 {
            self.recent.pop_front();
        }
        self.recent.push_back(interval_ms);
        self.all.push(interval_ms);
        self.render_ms.push(render_ms);
    }
}

/// The UI context, set up for frames that can take seconds.
fn new_egui_context() -> egui::Context {
    let ctx = egui::Context::default();
    // Frames can take seconds on a software renderer: a press and
    // its release then land in frames far apart and must still
    // count as a click.
    ctx.options_mut(|o| {
        o.input_options.max_click_duration = 60.0;
        o.input_options.max_double_click_delay = 2.0;
    });
    // No soft shadows under windows and popups: on a CPU
    // rasteriser the panel's shadow, a blended fringe twice the
    // panel's area, cost more per frame than the panel itself.
    ctx.all_styles_mut(|s| {
        s.visuals.window_shadow = egui::Shadow::NONE;
        s.visuals.popup_shadow = egui::Shadow::NONE;
    });
    ctx
}

pub fn median(values: &[f32]) -> Option<f32> {
    if values.is_empty() {
        return None;
    }
    let mut v = values.to_vec();
    v.sort_by(f32::total_cmp);
    Some(v[v.len() / 2])
}

pub struct App {
    opts: ViewOptions,
    run: Option<Running>,
    plan: TreatmentPlan,
    saved: TreatmentPlan,
    plan_path: Option<PathBuf>,
    head: HeadMesh,
    /// The plan's `[head]` that `head` was built from: the head is built
    /// again when the panel reshapes it.
    head_spec: crate::plan::HeadSpec,
    compare: bool,
    /// The before | after wipe is on: where its divider is, 0-1 of the width.
    wipe: Option<f32>,
    /// Input to play at given frames (`SMP_VIEWER_INPUT`, tests).
    script: Vec<(u32, script::Scripted)>,
    /// The consultation PDF being written, if one is.
    document: Option<crate::viewer::document::DocumentJob>,
    /// Landmark mode: clicks on a scan set its landmarks.
    landmarks: landmarks::LandmarkMode,
    ui_hidden: bool,
    help: bool,
    frame_time: bool,
    quit_prompt: bool,
    panel: PanelState,
    egui_ctx: egui::Context,
    mods: Mods,
    cursor: (f32, f32),
    drag: Option<(Drag, f32)>,
    dclick: DoubleClick,
    started: Instant,
    last_frame: Option<Instant>,
    /// The last frame asked for the next at once (intervals are frame times).
    continuous: bool,
    /// Until when frames stay at the motion resolution after the head last
    /// moved (see `SETTLE`); the full frame is drawn then.
    settle_until: Option<Instant>,
    /// The motion frames' resolution, kept to a frame rate (`app/motion.rs`).
    motion: motion::MotionBudget,
    /// The last frame drawn was a motion frame.
    last_fast: bool,
    /// A panel widget (a slider) was being dragged at the last frame.
    ui_dragging: bool,
    /// Fold the panel at the next frame (compare mode was turned on).
    fold_panel: bool,
    /// Scenes being placed in the background.
    placing: Option<Placing>,
    /// Where the plan panel was drawn this frame (points), if it was.
    panel_rect: Option<egui::Rect>,
    timing: Timing,
    frames: u32,
    shot_pending: bool,
    toast: Option<(String, Instant)>,
    exit: bool,
    /// Why the viewer stopped, if it failed.
    pub error: Option<anyhow::Error>,
    /// Frames that failed in a row (see `faults`).
    failed_frames: u32,
    /// The plan file as it was when loaded or saved, to notice changes made
    /// by another program.
    disk: Option<faults::DiskStamp>,
    /// The plan file changed on disk while there were unsaved edits: saving
    /// over it is refused until it is loaded again or saved elsewhere.
    disk_conflict: bool,
    last_disk_check: Instant,
}

impl App {
    pub fn new(opts: ViewOptions, loaded: loading::Loaded) -> Result<App> {
        let compare = opts.compare;
        let wipe = opts.wipe.then_some(0.5);
        let script = script::from_env()?;
        Ok(App {
            ui_hidden: opts.no_ui,
            plan: loaded.plan.clone(),
            head_spec: loaded.plan.head.clone(),
            saved: loaded.plan,
            panel: PanelState {
                path_text: loaded
                    .plan_path
                    .as_ref()
                    .map(|p| p.display().to_string())
                    .unwrap_or_default(),
                ..Default::default()
            },
            plan_path: loaded.plan_path,
            head: loaded.head,
            opts,
            run: None,
            compare,
            wipe,
            script,
            document: None,
            landmarks: Default::default(),
            help: false,
            frame_time: false,
            quit_prompt: false,
            egui_ctx: new_egui_context(),
            mods: Mods::default(),
            cursor: (0.0, 0.0),
            drag: None,
            dclick: DoubleClick::default(),
            started: Instant::now(),
            last_frame: None,
            continuous: false,
            settle_until: None,
            motion: motion::MotionBudget::default(),
            last_fast: false,
            ui_dragging: false,
            fold_panel: compare,
            placing: None,
            panel_rect: None,
            timing: Timing::default(),
            frames: 0,
            shot_pending: false,
            toast: None,
            exit: false,
            error: None,
            failed_frames: 0,
            disk: None,
            disk_conflict: false,
            last_disk_check: Instant::now(),
        }
        .with_disk_stamp())
    }

    fn dirty(&self) -> bool {
        self.plan != self.saved
    }

    fn start(&mut self, event_loop: &ActiveEventLoop) -> Result<()> {
        let (w, h) = self.opts.size;
        let attrs = Window::default_attributes()
            .with_title(self.title())
            .with_inner_size(PhysicalSize::new(w, h));
        let window = Arc::new(
            event_loop
                .create_window(attrs)
                .context("cannot open a window")?,
        );
        self.attach(window, None)?;
        let run = self.run.as_ref().expect("attached");
        println!("viewer: {} on {}", self.title(), run.gfx.gpu.adapter_name());
        Ok(())
    }

    /// Open the device for `window`, place the scenes and start drawing;
    /// `orbit` keeps the camera of an earlier device (after a device loss).
    fn attach(&mut self, window: Arc<Window>, orbit: Option<Orbit>) -> Result<()> {
        let gfx = Gfx::new(window.clone())?;
        let egui = egui_winit::State::new(
            self.egui_ctx.clone(),
            egui::ViewportId::ROOT,
            &window,
            Some(window.scale_factor() as f32),
            None,
            Some(gfx.gpu.device.limits().max_texture_dimension_2d as usize),
        );
        let t0 = Instant::now();
        let mut shown = Vec::new();
        for (name, plan) in self.wanted() {
            let generator = &gfx.renderer.generator;
            shown.push(Shown::place(&gfx.gpu, generator, &self.head, name, plan)?);
        }
        self.panel.placement_ms = Some(t0.elapsed().as_secs_f32() * 1e3);
        let size = window.inner_size();
        let tiles = self.layout(shown.len(), size.width, size.height);
        let aspect = tiles[0].width as f32 / tiles[0].height as f32;
        let orbit = orbit.unwrap_or_else(|| {
            let mut orbit = Orbit::new(shown[0].scene.bounds, self.opts.view, aspect);
            orbit.turntable = self.opts.turntable;
            orbit
        });
        self.run = Some(Running {
            window,
            gfx,
            egui,
            shown,
            orbit,
        });
        Ok(())
    }

    fn title(&self) -> String {
        let file = self
            .plan_path
            .as_ref()
            .and_then(|p| p.file_name())
            .map_or("built-in default plan".to_string(), |f| {
                f.to_string_lossy().to_string()
            });
        format!(
            "{}{} — {} — smp-preview",
            if self.dirty() { "* " } else { "" },
            self.plan.name,
            file
        )
    }

    fn set_status(&mut self, msg: String, error: bool) {
        if error {
            eprintln!("viewer: {msg}");
        } else {
            println!("viewer: {msg}");
        }
        self.toast = Some((msg.clone(), Instant::now()));
        self.panel.status = Some((msg, error));
    }

    fn load(&mut self, path: PathBuf) {
        match loading::load(Some(&path)) {
            Ok(l) => {
                let bounds_changed = l.head.bounds() != self.head.bounds();
                self.plan = l.plan.clone();
                self.head_spec = l.plan.head.clone();
                self.saved = l.plan;
                self.head = l.head;
                self.plan_path = Some(path.clone());
                self.note_disk();
                // A new plan: place everything again (what was being placed
                // belongs to the old one).
                self.placing = None;
                self.panel.placing = false;
                if let Some(run) = self.run.as_mut() {
                    run.shown.clear();
                }
                match self.sync_scenes() {
                    Ok(()) => self.set_status(format!("loaded {}", path.display()), false),
                    Err(e) => self.set_status(format!("{e:#}"), true),
                }
                if bounds_changed
                    && let Some(run) = self.run.as_mut()
                    && !run.shown.is_empty()
                {
                    let size = run.window.inner_size();
                    let a = size.width.max(1) as f32 / size.height.max(1) as f32;
                    run.orbit = Orbit::new(run.shown[0].scene.bounds, self.opts.view, a);
                }
            }
            Err(e) => self.set_status(format!("not loaded: {e}"), true),
        }
    }

    fn save(&mut self, path: PathBuf) -> bool {
        if self.save_conflicts(&path) {
            self.set_status(
                format!(
                    "not saved: {} was changed by another program since it was opened; \
                     save under another name, or open it again",
                    path.display()
                ),
                true,
            );
            return false;
        }
        match plan_io::save(&self.plan, &path, self.plan_path.as_deref()) {
            Ok(()) => {
                self.saved = self.plan.clone();
                self.plan_path = Some(path.clone());
                self.note_disk();
                self.panel.path_text = path.display().to_string();
                self.set_status(format!("saved {}", path.display()), false);
                true
            }
            Err(e) => {
                self.set_status(format!("{e:#}"), true);
                false
            }
        }
    }

    fn save_here(&mut self) -> bool {
        let path = self
            .plan_path
            .clone()
            .or_else(|| {
                let t = self.panel.path_text.trim();
                (!t.is_empty()).then(|| PathBuf::from(t))
            })
            .unwrap_or_else(|| PathBuf::from("plan.toml"));
        self.save(path)
    }

    fn request_quit(&mut self) {
        if self.dirty() {
            self.quit_prompt = true;
            self.ui_hidden = false;
        } else {
            self.exit = true;
        }
    }

    fn act(&mut self, action: Action) {
        let Some(run) = self.run.as_ref() else { return };
        let size = run.window.inner_size();
        let tiles = self.layout(run.shown.len(), size.width, size.height);
        let Some(run) = self.run.as_mut() else { return };
        let aspect = tiles[0].width as f32 / tiles[0].height.max(1) as f32;
        match action {
            Action::View(v) => run.orbit.jump(v, aspect),
            Action::Turntable => run.orbit.turntable = !run.orbit.turntable,
            Action::Fullscreen => {
                let full = run.window.fullscreen().is_some();
                run.window
                    .set_fullscreen((!full).then_some(Fullscreen::Borderless(None)));
            }
            Action::HideUi => self.ui_hidden = !self.ui_hidden,
            Action::Screenshot => self.shot_pending = true,
            Action::FrameTime => self.frame_time = !self.frame_time,
            Action::Compare => self.toggle_compare(!self.compare),
            Action::Wipe => self.toggle_wipe(self.wipe.is_none()),
            Action::Document => self.start_document(),
            Action::Landmarks => self.toggle_landmarks(!self.landmarks.on),
            Action::Help => self.help = !self.help,
            Action::Save => {
                self.save_here();
            }
            Action::Open => {
                self.ui_hidden = false;
                self.panel.focus_path = true;
            }
            Action::Quit => self.request_quit(),
            Action::Dismiss => {
                if self.help {
                    self.help = false;
                } else if run.window.fullscreen().is_some() {
                    run.window.set_fullscreen(None);
                }
            }
        }
    }

    fn toggle_compare(&mut self, on: bool) {
        if on && compare::variant_plans(&self.plan).len() < 2 {
            self.set_status(
                "compare: the plan has no variants; use \"duplicate current as a variant\"".into(),
                true,
            );
            return;
        }
        self.fold_panel |= on && !self.compare;
        self.compare = on;
        if on {
            self.wipe = None;
        }
        if let Err(e) = self.sync_scenes() {
            self.set_status(format!("{e:#}"), true);
        }
    }

    fn tiles(&self) -> Vec<Tile> {
        let run = self.run.as_ref().expect("running");
        let (w, h) = run.gfx.size();
        self.layout(run.shown.len(), w, h)
    }

    /// The egui side of a frame: scene images, labels, panel, overlays.
    fn build_ui(&mut self, ctx: &egui::Context, tiles: &[Tile]) -> panel::PanelEvents {
        self.panel_rect = None;
        let run = self.run.as_ref().expect("running");
        let ppp = ctx.pixels_per_point();
        let painter = ctx.layer_painter(egui::LayerId::background());
        let to_points = |t: &Tile| {
            egui::Rect::from_min_size(
                egui::pos2(t.x as f32 / ppp, t.y as f32 / ppp),
                egui::vec2(t.width as f32 / ppp, t.height as f32 / ppp),
            )
        };
        for (vp, shown) in run.gfx.viewports.iter().zip(&run.shown) {
            // The picture itself is copied in under the UI (see `blit`).
            let rect = to_points(&vp.tile);
            if tiles.len() > 1 && self.wipe.is_none() {
                let pos = rect.min + egui::vec2(10.0, 10.0);
                let galley = painter.layout_no_wrap(
                    shown.name.clone(),
                    egui::FontId::proportional(20.0),
                    egui::Color32::from_rgb(236, 238, 242),
                );
                let bg = egui::Rect::from_min_size(pos, galley.size()).expand(5.0);
                painter.rect_filled(bg, 4.0, egui::Color32::from_black_alpha(150));
                painter.galley(pos, galley, egui::Color32::WHITE);
            }
        }
        self.draw_divider(&painter, ppp, run.gfx.size());
        if !self.ui_hidden {
            self.draw_landmarks(&painter, ppp);
        }
        let mut events = panel::PanelEvents::default();
        if self.frame_time
            && let Some(ms) = median(self.timing.recent.make_contiguous())
        {
            egui::Area::new(egui::Id::unique("frame time"))
                .anchor(egui::Align2::LEFT_TOP, egui::vec2(10.0, 10.0))
                .show(ctx, |ui| {
                    egui::Frame::popup(ui.style()).show(ui, |ui| {
                        ui.add(
                            egui::Label::new(
                                egui::RichText::new(format!(
                                    "frame {ms:.1} ms · {:.1} fps (median of {})",
                                    1000.0 / ms,
                                    self.timing.recent.len()
                                ))
                                .monospace(),
                            )
                            .extend(),
                        );
                    });
                });
        }
        if self.quit_prompt {
            let modal = egui::Modal::new(egui::Id::unique("quit")).show(ctx, |ui| {
                ui.heading("Unsaved changes");
                ui.label("The plan has changes that are not saved. Save them before quitting?");
                ui.horizontal(|ui| {
                    if ui.button("Save").clicked() {
                        return Some(0);
                    }
                    if ui.button("Discard").clicked() {
                        return Some(1);
                    }
                    if ui.button("Cancel").clicked() {
                        return Some(2);
                    }
                    None
                })
                .inner
            });
            match modal.inner {
                Some(0) => {
                    if self.save_here() {
                        self.exit = true;
                    }
                    self.quit_prompt = false;
                }
                Some(1) => self.exit = true,
                Some(2) => self.quit_prompt = false,
                _ if modal.should_close() => self.quit_prompt = false,
                _ => {}
            }
        }
        if self.ui_hidden {
            return events;
        }
        let run = self.run.as_ref().expect("running");
        let info = PanelInfo {
            dirty: self.dirty(),
            compare: self.compare,
            wipe: self.wipe.is_some(),
            document_busy: self.document.is_some(),
            plan_path: self.plan_path.as_deref(),
            impressions: run.shown[0].scene.impressions.count,
        };
        let plan = &mut self.plan;
        let state = &mut self.panel;
        let (marks, head) = (&mut self.landmarks, &self.head);
        let panel_id = egui::Id::unique("plan panel");
        if std::mem::take(&mut self.fold_panel) {
            // Compare mode fills the window: fold the panel away so it does
            // not cover a variant (its title bar stays to unfold it).
            let mut folding = egui::collapsing_header::CollapsingState::load_with_default_open(
                ctx,
                panel_id.with("collapsing"),
                true,
            );
            folding.set_open(false);
            folding.store(ctx);
        }
        let shown = egui::Window::new("Plan")
            .id(panel_id)
            .anchor(egui::Align2::RIGHT_TOP, egui::vec2(-8.0, 8.0))
            .default_width(300.0)
            .collapsible(true)
            .resizable(false)
            // Square and opaque: its pixels are copied from a cache (`panel_cache`).
            .frame(egui::Frame::window(&ctx.global_style()).corner_radius(0.0))
            .show(ctx, |ui| {
                // As tall as the window allows: also after the window was
                // made smaller and larger again (egui would keep it small).
                let tallest = (ctx.content_rect().height() - 60.0).max(40.0);
                egui::ScrollArea::vertical()
                    .max_height(tallest)
                    .min_scrolled_height(tallest)
                    .show(ui, |ui| {
                        events = panel::show(ui, state, plan, &info);
                        landmarks::section(ui, marks, head);
                    });
            });
        self.panel_rect = shown.map(|r| r.response.rect);
        if self.help {
            let mut open = true;
            egui::Window::new("Keys and mouse")
                .anchor(egui::Align2::CENTER_CENTER, egui::vec2(0.0, 0.0))
                .min_width(560.0)
                .collapsible(false)
                .resizable(false)
                .open(&mut open)
                .show(ctx, |ui| {
                    egui::Grid::new("keys").striped(true).show(ui, |ui| {
                        for (keys, what) in input::BINDINGS {
                            ui.strong(*keys);
                            ui.label(*what);
                            ui.end_row();
                        }
                    });
                });
            self.help = open;
        } else {
            egui::Area::new(egui::Id::unique("help hint"))
                .anchor(egui::Align2::LEFT_BOTTOM, egui::vec2(10.0, -10.0))
                .show(ctx, |ui| {
                    ui.label(egui::RichText::new("? help · H hide UI").weak());
                });
        }
        if let Some((msg, at)) = &self.toast
            && at.elapsed() < Duration::from_secs(6)
        {
            egui::Area::new(egui::Id::unique("toast"))
                .anchor(egui::Align2::CENTER_BOTTOM, egui::vec2(0.0, -16.0))
                .show(ctx, |ui| {
                    egui::Frame::popup(ui.style()).show(ui, |ui| {
                        ui.label(msg);
                    });
                });
        }
        events
    }

    fn redraw(&mut self) -> Result<()> {
        if let Err(e) = self.land_placement() {
            self.set_status(format!("{e:#}"), true);
        }
        let now = Instant::now();
        let dt = self
            .last_frame
            .map_or(0.0, |t| now.duration_since(t).as_secs_f32());
        let Some(run) = self.run.as_mut() else {
            return Ok(());
        };
        let size = run.window.inner_size();
        if size.width == 0 || size.height == 0 {
            return Ok(()); // minimised: nothing to draw
        }
        run.orbit.update(dt);
        // The UI first: its changes show in this very frame.
        let tiles = self.tiles();
        let run = self.run.as_mut().expect("running");
        let scale = self.opts.motion_scale.unwrap_or_else(|| {
            let auto = super::auto_motion_scale(run.gfx.software, size.width, size.height);
            if auto < 1.0 {
                self.motion.scale(auto)
            } else {
                auto
            }
        });
        run.gfx.set_tiles(&tiles, scale)?;
        // While the head moves, and for a moment after, frames are drawn at
        // the motion resolution; then once in full.
        let last = self.opts.frames.is_some_and(|f| self.frames + 1 >= f);
        let moving = run.orbit.animating()
            || self.drag.is_some_and(|(_, moved)| input::is_drag(moved))
            || self.ui_dragging;
        if moving {
            self.settle_until = Some(now + SETTLE);
        }
        let settling = self.settle_until.is_some_and(|t| now < t);
        let fast = scale < 1.0 && !self.shot_pending && !last && (moving || settling);
        if !fast {
            self.settle_until = None;
        }
        let raw = run.egui.take_egui_input(&run.window);
        let before = self.plan.clone();
        let ctx = self.egui_ctx.clone();
        let mut events = panel::PanelEvents::default();
        let out = ctx.run_pass(raw, |ctx| events = self.build_ui(ctx, &tiles));
        let run = self.run.as_mut().expect("running");
        run.egui
            .handle_platform_output(&run.window, out.platform_output);
        if let Some(path) = events.load {
            self.load(path);
        }
        if let Some(path) = events.save {
            self.save(path);
        }
        if let Some(on) = events.compare {
            self.toggle_compare(on);
        }
        if let Some(on) = events.wipe {
            self.toggle_wipe(on);
        }
        if events.document {
            self.start_document();
        }
        self.ui_dragging = ctx.dragged_id().is_some();
        let released = self.panel.placement_deferred && !self.ui_dragging;
        if self.plan != before || released {
            let issues = self.plan.validate();
            if let Some(issue) = issues.first() {
                self.set_status(format!("not applied: {issue}"), true);
            } else if self.ui_dragging && self.placement_needed() {
                // Placing takes from a fraction of a second to a few: once
                // per drag, not once per slider step.
                self.panel.placement_deferred = true;
            } else {
                self.panel.placement_deferred = false;
                if let Err(e) = self.sync_scenes() {
                    self.set_status(format!("{e:#}"), true);
                }
            }
            if self.compare && compare::variant_plans(&self.plan).len() < 2 {
                self.compare = false;
                self.sync_scenes()?;
            }
        }
        let title = self.title();
        // Tiles may have changed with compare mode or the wipe.
        let run = self.run.as_ref().expect("running");
        let (w, h) = run.gfx.size();
        let tiles = self.layout(run.shown.len(), w, h);
        let divider = self.divider_px(w);
        let run = self.run.as_mut().expect("running");
        run.window.set_title(&title);
        run.gfx.wipe_x = divider;
        let primitives = ctx.tessellate(out.shapes, out.pixels_per_point);
        if tiles != run.gfx.viewports.iter().map(|v| v.tile).collect::<Vec<_>>() {
            // Compare mode changed this frame: draw the new layout next frame.
            run.gfx.set_tiles(&tiles, scale)?;
            run.window.request_redraw();
        }
        let cameras: Vec<_> = run
            .gfx
            .viewports
            .iter()
            .map(|v| run.orbit.camera(v.tile.width as f32 / v.tile.height as f32))
            .collect();
        let scenes: Vec<&Scene> = run.shown.iter().map(|s| &s.scene).collect();
        let n = scenes.len().min(cameras.len());
        let capture = last && self.opts.screenshot.is_some();
        let t0 = Instant::now();
        let result = run.gfx.frame(
            &scenes[..n],
            &cameras[..n],
            UiFrame {
                primitives: &primitives,
                textures: &out.textures_delta,
                pixels_per_point: out.pixels_per_point,
                panel: self.panel_rect,
            },
            capture,
            fast,
        )?;
        let render_ms = t0.elapsed().as_secs_f32() * 1e3;
        if crate::viewer::debug() {
            let kind = if fast { "motion" } else { "full" };
            eprintln!(
                "viewer: frame {} ({kind}) {render_ms:.1} ms at scale {scale:.3}",
                self.frames
            );
        }
        let shot = match result {
            FrameResult::Skipped(why) => {
                log::info!("frame skipped: {why}");
                run.window.request_redraw();
                return Ok(());
            }
            FrameResult::Presented(shot) => shot,
        };
        if let Some(t) = self.last_frame
            && self.continuous
        {
            self.timing
                .push(now.duration_since(t).as_secs_f32() * 1e3, render_ms);
        }
        if let Some(t) = self.last_frame {
            if fast && self.last_fast {
                self.motion
                    .record(now.duration_since(t).as_secs_f32() * 1e3);
            } else if !fast {
                self.motion.pause();
            }
        }
        self.last_fast = fast;
        self.last_frame = Some(now);
        self.frames += 1;
        if self.frames == 1 && !fast {
            // Compile the motion frames' pipelines now, not at the first drag.
            run.gfx.warm_motion(&scenes[..n], &cameras[..n]);
        }
        if self.shot_pending {
            self.shot_pending = false;
            let dir = self.opts.out.clone();
            match self.picture() {
                Ok(img) => {
                    let path = screenshot::next_path(&dir);
                    match screenshot::save(&img, &path, &self.inputs()) {
                        Ok(()) => self.set_status(format!("screenshot {}", path.display()), false),
                        Err(e) => self.set_status(format!("screenshot failed: {e:#}"), true),
                    }
                }
                Err(e) => self.set_status(format!("screenshot failed: {e:#}"), true),
            }
        }
        if last {
            if let Some(path) = self.opts.screenshot.clone() {
                let img = match shot {
                    Some(img) => img,
                    None => {
                        eprintln!(
                            "viewer: this surface cannot be read back; saving the rendered picture instead"
                        );
                        self.picture()?
                    }
                };
                screenshot::save(&img, &path, &self.inputs())?;
                println!("viewer: screenshot {}", path.display());
            }
            self.exit = true;
        }
        let run = self.run.as_mut().expect("running");
        let animating = run.orbit.animating() || self.drag.is_some();
        let egui_wants = out
            .viewport_output
            .get(&egui::ViewportId::ROOT)
            .is_some_and(|v| v.repaint_delay.is_zero());
        if egui_wants && crate::viewer::debug() {
            eprintln!(
                "viewer: egui asks for a repaint: {:?}",
                ctx.repaint_causes()
            );
        }
        self.continuous = self.opts.frames.is_some() || animating || egui_wants;
        if self.continuous {
            run.window.request_redraw();
        }
        Ok(())
    }

    /// The scene as the viewports show it, without UI.
    fn picture(&self) -> Result<image::RgbaImage> {
        let run = self.run.as_ref().expect("running");
        let mut tiles = Vec::new();
        for (i, s) in run.shown.iter().enumerate().take(run.gfx.viewports.len()) {
            tiles.push((s.name.clone(), run.gfx.read_viewport(i)?));
        }
        let (w, h) = run.gfx.size();
        if self.wipe.is_some() && tiles.len() == 2 {
            let after = tiles.pop().expect("two").1;
            let before = tiles.pop().expect("two").1;
            return Ok(self.wipe_picture(before, &after));
        }
        Ok(screenshot::picture(w, h, tiles))
    }

    /// The files this session reads: the plan and its mesh.
    fn inputs(&self) -> crate::files::Inputs {
        let mesh = self.plan.mesh_path(self.plan_path.as_deref());
        crate::files::Inputs::new(self.plan_path.iter().cloned().chain(mesh))
    }

    fn key(&mut self, key: &WKey) {
        let k = match key {
            WKey::Named(NamedKey::F1) => Key::F1,
            WKey::Named(NamedKey::F11) => Key::F11,
            WKey::Named(NamedKey::Escape) => Key::Escape,
            WKey::Character(s) => match s.chars().next() {
                Some(c) => Key::Char(c),
                None => return,
            },
            _ => return,
        };
        if crate::viewer::debug() {
            eprintln!("viewer: key {k:?} {:?}", self.mods);
        }
        if !self.mods.ctrl && self.egui_ctx.text_edit_focused() {
            return; // typing in a field
        }
        if let Some(action) = input::key_action(k, self.mods) {
            self.act(action);
        }
    }

    fn pointer_over_ui(&self) -> bool {
        self.egui_ctx.is_pointer_over_egui() || self.egui_ctx.egui_is_using_pointer()
    }
}

impl ApplicationHandler for App {
    fn resumed(&mut self, event_loop: &ActiveEventLoop) {
        if self.run.is_some() {
            return;
        }
        if let Err(e) = self.start(event_loop) {
            self.error = Some(e);
            event_loop.exit();
            return;
        }
        self.started = Instant::now();
        if let Some(run) = &self.run {
            run.window.request_redraw();
        }
    }

    fn window_event(&mut self, event_loop: &ActiveEventLoop, _id: WindowId, event: WindowEvent) {
        let over_ui = self.pointer_over_ui();
        let Some(run) = self.run.as_mut() else { return };
        let response = run.egui.on_window_event(&run.window, &event);
        // (egui asks for a repaint on every RedrawRequested too: that would
        // never let the viewer idle.)
        if response.repaint && !matches!(event, WindowEvent::RedrawRequested) {
            run.window.request_redraw();
        }
        match event {
            WindowEvent::CloseRequested => {
                run.window.request_redraw();
                self.request_quit();
            }
            WindowEvent::Resized(size) => {
                run.gfx.resize(size.width, size.height);
                run.window.request_redraw();
            }
            WindowEvent::ModifiersChanged(m) => {
                let s = m.state();
                self.mods = Mods {
                    ctrl: s.control_key(),
                    shift: s.shift_key(),
                };
            }
            WindowEvent::KeyboardInput { event, .. }
                if event.state == ElementState::Pressed && !event.repeat =>
            {
                self.key(&event.logical_key);
                if let Some(run) = &self.run {
                    run.window.request_redraw();
                }
            }
            WindowEvent::MouseInput { state, button, .. } => {
                let b = match button {
                    MouseButton::Left => Some(Button::Left),
                    MouseButton::Right => Some(Button::Right),
                    MouseButton::Middle => Some(Button::Middle),
                    _ => None,
                };
                let width = run.window.inner_size().width;
                let divider = wipe::divider_at(self.wipe, width);
                match (state, b) {
                    (ElementState::Pressed, Some(Button::Left))
                        if !over_ui
                            && divider
                                .is_some_and(|x| input::grabs_divider(self.cursor.0, x as f32)) =>
                    {
                        self.drag = Some((Drag::Wipe, 0.0));
                    }
                    (ElementState::Pressed, Some(b)) if !over_ui => {
                        self.drag = Some((input::drag_for(b, self.mods), 0.0));
                        let t = self.started.elapsed().as_secs_f64();
                        if b == Button::Left && self.dclick.press(t, self.cursor) {
                            self.act(Action::View(self.opts.view));
                        }
                    }
                    (ElementState::Released, b) => {
                        let click = matches!(self.drag, Some((Drag::Orbit, moved)) if !input::is_drag(moved));
                        self.drag = None;
                        if click && b == Some(Button::Left) && self.picking_landmarks() {
                            self.pick_landmark(self.cursor);
                        }
                        if let Some(run) = &self.run {
                            run.window.request_redraw();
                        }
                    }
                    _ => {}
                }
            }
            WindowEvent::CursorMoved { position, .. } => {
                let p = (position.x as f32, position.y as f32);
                let (dx, dy) = (p.0 - self.cursor.0, p.1 - self.cursor.1);
                self.cursor = p;
                if let Some((mode, moved)) = &mut self.drag {
                    *moved += dx.hypot(dy);
                    let size = run.window.inner_size();
                    if *mode == Drag::Wipe {
                        // The divider follows the pointer from the first pixel.
                        self.wipe = Some((p.0 / size.width.max(1) as f32).clamp(0.0, 1.0));
                        run.window.request_redraw();
                    } else if input::is_drag(*moved) {
                        let h = size.height as f32;
                        match mode {
                            Drag::Orbit => run.orbit.rotate(dx, dy),
                            Drag::Pan => run.orbit.pan(dx, dy, h),
                            Drag::Wipe => {}
                        }
                        run.window.request_redraw();
                    }
                }
            }
            WindowEvent::MouseWheel { delta, .. } if !over_ui => {
                let steps = match delta {
                    MouseScrollDelta::LineDelta(_, y) => input::wheel_steps(Some(y), None),
                    MouseScrollDelta::PixelDelta(p) => input::wheel_steps(None, Some(p.y as f32)),
                };
                run.orbit.zoom_steps(steps);
                run.window.request_redraw();
            }
            WindowEvent::PinchGesture { delta, .. } if !over_ui => {
                run.orbit.zoom_factor(1.0 / (1.0 + delta as f32).max(0.1));
                run.window.request_redraw();
            }
            WindowEvent::RedrawRequested => {
                self.check_device();
                match self.redraw() {
                    Ok(()) => self.failed_frames = 0,
                    Err(e) => self.frame_failed(e),
                }
            }
            _ => {}
        }
        if self.exit {
            event_loop.exit();
        }
    }

    fn about_to_wait(&mut self, event_loop: &ActiveEventLoop) {
        self.watch_disk();
        self.poll_document();
        self.play_script(event_loop);
        let Some(run) = self.run.as_ref() else { return };
        if run.orbit.animating() || self.opts.frames.is_some() {
            run.window.request_redraw();
        }
        if self.exit {
            event_loop.exit();
            return;
        }
        // The full frame once the head has settled.
        if let Some(t) = self.settle_until
            && !run.orbit.animating()
            && self.drag.is_none()
        {
            if Instant::now() >= t {
                run.window.request_redraw();
            } else {
                event_loop.set_control_flow(ControlFlow::WaitUntil(t));
                return;
            }
        }
        // Keep the toast's timeout and egui's animations going without
        // spinning, and look at the plan file now and then.
        let toast = self
            .toast
            .as_ref()
            .is_some_and(|(_, t)| t.elapsed() < Duration::from_secs(7));
        event_loop.set_control_flow(if toast || self.document.is_some() {
            ControlFlow::wait_duration(Duration::from_millis(500))
        } else if self.plan_path.is_some() {
            ControlFlow::wait_duration(faults::DISK_CHECK)
        } else {
            ControlFlow::Wait
        });
    }

    fn exiting(&mut self, _event_loop: &ActiveEventLoop) {
        self.finish_document();
        if self.opts.frames.is_some() || self.opts.timing {
            let t = &self.timing;
            match (median(&t.all), median(&t.render_ms)) {
                (Some(f), Some(r)) => {
                    let (w, h) = self.run.as_ref().map_or((0, 0), |r| r.gfx.size());
                    println!(
                        "viewer: {} frames at {w}x{h}, {} viewport(s): median frame {f:.1} ms ({:.1} fps), median render+present {r:.1} ms",
                        self.frames,
                        self.run.as_ref().map_or(0, |r| r.shown.len()),
                        1000.0 / f
                    );
                }
                _ => println!("viewer: {} frames (too few to time)", self.frames),
            }
        }
    }
}
