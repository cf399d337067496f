//! The window's GPU side: the surface, the viewports the scenes render into
//! (offscreen), copied into their tiles of the window, and egui drawn over
//! them. The scene passes are the headless renderer's, unchanged; only where
//! the frame goes differs.

use super::blit::{Blit, BlitSource};
use super::panel_cache::{self, PanelCache};
use crate::camera::Camera;
use crate::gpu::renderer::HEADLESS_FORMAT;
use crate::gpu::{Gpu, Renderer, Scene, ViewTargets, readback};
use crate::output::compare::Tile;
use anyhow::{Context, Result};
use image::RgbaImage;
use std::borrow::Cow;
use std::sync::Arc;
use winit::window::Window;

/// One viewport: a tile of the window and the render targets whose
/// picture is copied into it.
pub struct Viewport {
    pub tile: Tile,
    pub targets: ViewTargets,
    picture: BlitSource,
    /// Reduced-resolution targets drawn while the head moves, if enabled.
    pub motion: Option<(ViewTargets, BlitSource)>,
    /// What the full and the motion targets hold: the scene version and the
    /// camera they were drawn with. A frame that changes neither (the UI
    /// alone changed: a hover, a popup) reuses the picture.
    drawn: [Option<(u64, Camera)>; 2],
}

impl Viewport {
    fn targets(&self, fast: bool) -> (&ViewTargets, &BlitSource) {
        match (&self.motion, fast) {
            (Some((t, b)), true) => (t, b),
            _ => (&self.targets, &self.picture),
        }
    }
}

/// The reduced size of a `w`×`h` viewport at `scale`.
pub fn motion_size(w: u32, h: u32, scale: f32) -> (u32, u32) {
    let s = |v: u32| ((v as f32 * scale).round() as u32).max(1);
    (s(w), s(h))
}

pub struct Gfx {
    pub gpu: Gpu,
    pub renderer: Renderer,
    instance: wgpu::Instance,
    surface: wgpu::Surface<'static>,
    config: wgpu::SurfaceConfiguration,
    /// Whether the surface can be copied back (the presented-frame screenshot).
    pub surface_readable: bool,
    /// The adapter is a CPU rasteriser (lavapipe, llvmpipe).
    pub software: bool,
    egui: egui_wgpu::Renderer,
    blit: Blit,
    panel_cache: PanelCache,
    pub viewports: Vec<Viewport>,
    /// The before | after wipe: the second viewport is shown only from
    /// this column (window pixels) on.
    pub wipe_x: Option<u32>,
    window: Arc<Window>,
}

/// What a frame did.
pub enum FrameResult {
    Presented(Option<RgbaImage>),
    /// No frame this time (minimised, occluded, surface recreated): try again.
    Skipped(&'static str),
}

/// The egui side of one frame.
pub struct UiFrame<'a> {
    pub primitives: &'a [egui::ClippedPrimitive],
    pub textures: &'a egui::TexturesDelta,
    pub pixels_per_point: f32,
    /// Where the plan panel is (points), if shown: drawn from a cache.
    pub panel: Option<egui::Rect>,
}

impl Gfx {
    /// Open the adapter (WGPU_BACKEND / WGPU_ADAPTER_NAME as for `render`)
    /// that can present to `window`.
    pub fn new(window: Arc<Window>) -> Result<Gfx> {
        let instance = wgpu::Instance::new(
            wgpu::InstanceDescriptor::new_with_display_handle_from_env(Box::new(window.clone())),
        );
        let surface = instance
            .create_surface(window.clone())
            .context("cannot create a drawing surface for the window")?;
        let adapter = pollster::block_on(wgpu::util::initialize_adapter_from_env_or_default(
            &instance,
            Some(&surface),
        ))
        .map_err(|e| crate::gpu::GpuError::NoAdapter(e.to_string()))?;
        let gpu = Gpu::from_adapter(adapter)?;
        let caps = surface.get_capabilities(&gpu.adapter);
        // egui writes gamma-encoded colours: a non-sRGB surface shows them as is.
        let format = caps
            .formats
            .iter()
            .copied()
            .find(|f| !f.is_srgb())
            .or(caps.formats.first().copied())
            .context("the window surface offers no format")?;
        let surface_readable = caps.usages.contains(wgpu::TextureUsages::COPY_SRC)
            && matches!(
                format,
                wgpu::TextureFormat::Bgra8Unorm | wgpu::TextureFormat::Rgba8Unorm
            );
        let size = window.inner_size();
        let config = wgpu::SurfaceConfiguration {
            usage: if surface_readable {
                wgpu::TextureUsages::RENDER_ATTACHMENT | wgpu::TextureUsages::COPY_SRC
            } else {
                wgpu::TextureUsages::RENDER_ATTACHMENT
            },
            format,
            width: size.width.max(1),
            height: size.height.max(1),
            // Vsync.
            present_mode: wgpu::PresentMode::AutoVsync,
            desired_maximum_frame_latency: 2,
            alpha_mode: caps.alpha_modes[0],
            view_formats: vec![],
            ..surface
                .get_default_config(&gpu.adapter, size.width.max(1), size.height.max(1))
                .context("the window surface is not supported by this adapter")?
        };
        if size.width > 0 && size.height > 0 {
            surface.configure(&gpu.device, &config);
        }
        let renderer = Renderer::new(&gpu, HEADLESS_FORMAT);
        let egui = egui_wgpu::Renderer::new(
            &gpu.device,
            format,
            egui_wgpu::RendererOptions {
                msaa_samples: 1,
                depth_stencil_format: None,
                // No noise on the picture: the window shows the scene's bytes.
                dithering: false,
                predictable_texture_filtering: false,
            },
        );
        let blit = Blit::new(&gpu.device, format);
        let panel_cache = PanelCache::new(&gpu.device, format, &blit);
        let software = gpu.adapter.get_info().device_type == wgpu::DeviceType::Cpu;
        Ok(Gfx {
            software,
            blit,
            panel_cache,
            gpu,
            renderer,
            instance,
            surface,
            config,
            surface_readable,
            egui,
            viewports: Vec::new(),
            wipe_x: None,
            window,
        })
    }

    /// Follow a window resize (physical pixels); zero means minimised.
    pub fn resize(&mut self, width: u32, height: u32) {
        if width == 0 || height == 0 {
            return;
        }
        self.config.width = width;
        self.config.height = height;
        self.surface.configure(&self.gpu.device, &self.config);
    }

    pub fn size(&self) -> (u32, u32) {
        (self.config.width, self.config.height)
    }

    /// Make the viewports match `tiles` (reallocating only what changed
    /// size); with `motion_scale` below 1 each also gets reduced targets.
    pub fn set_tiles(&mut self, tiles: &[Tile], motion_scale: f32) -> Result<()> {
        self.viewports.truncate(tiles.len());
        for (i, tile) in tiles.iter().enumerate() {
            let wants_motion = motion_scale < 1.0;
            let motion_wh = motion_size(tile.width, tile.height, motion_scale);
            if let Some(v) = self.viewports.get_mut(i)
                && v.tile.width == tile.width
                && v.tile.height == tile.height
                && v.motion.is_some() == wants_motion
            {
                v.tile = *tile;
                let resized = v
                    .motion
                    .as_ref()
                    .is_some_and(|(t, _)| (t.width, t.height) != motion_wh);
                if resized {
                    // The motion scale changed (it follows the frame rate):
                    // only the motion targets are made again.
                    let t = self
                        .renderer
                        .motion_targets(&self.gpu, motion_wh.0, motion_wh.1)?;
                    let b = self.blit_source(&t, (tile.width, tile.height));
                    self.viewports[i].motion = Some((t, b));
                    self.viewports[i].drawn = [None, None];
                }
                continue;
            }
            let size = (tile.width, tile.height);
            let targets = self.renderer.targets(&self.gpu, tile.width, tile.height)?;
            let picture = self.blit_source(&targets, size);
            let motion = if wants_motion {
                let (w, h) = motion_size(tile.width, tile.height, motion_scale);
                let t = self.renderer.motion_targets(&self.gpu, w, h)?;
                let b = self.blit_source(&t, size);
                Some((t, b))
            } else {
                None
            };
            let vp = Viewport {
                tile: *tile,
                targets,
                picture,
                motion,
                drawn: [None, None],
            };
            match self.viewports.get_mut(i) {
                Some(v) => *v = vp,
                None => self.viewports.push(vp),
            }
        }
        Ok(())
    }

    fn blit_source(&self, targets: &ViewTargets, tile_size: (u32, u32)) -> BlitSource {
        self.blit.source(
            &self.gpu.device,
            &gamma_view(targets),
            (targets.width, targets.height),
            tile_size,
        )
    }

    /// Render `scenes[i]` through `cameras[i]` into viewport `i`, draw the UI
    /// over them onto the window, present. With `capture`, the presented
    /// frame is read back too.
    pub fn frame(
        &mut self,
        scenes: &[&Scene],
        cameras: &[Camera],
        ui: UiFrame,
        capture: bool,
        fast: bool,
    ) -> Result<FrameResult> {
        let (w, h) = self.size();
        let size = self.window.inner_size();
        if size.width == 0 || size.height == 0 {
            return Ok(FrameResult::Skipped("minimised"));
        }
        let frame = match self.surface.get_current_texture() {
            wgpu::CurrentSurfaceTexture::Success(f) => f,
            wgpu::CurrentSurfaceTexture::Suboptimal(f) => f,
            wgpu::CurrentSurfaceTexture::Timeout => return Ok(FrameResult::Skipped("timeout")),
            wgpu::CurrentSurfaceTexture::Occluded => return Ok(FrameResult::Skipped("occluded")),
            wgpu::CurrentSurfaceTexture::Outdated => {
                self.resize(size.width, size.height);
                return Ok(FrameResult::Skipped("surface outdated: reconfigured"));
            }
            wgpu::CurrentSurfaceTexture::Lost => {
                self.surface = self
                    .instance
                    .create_surface(self.window.clone())
                    .context("cannot recreate the lost window surface")?;
                self.surface.configure(&self.gpu.device, &self.config);
                return Ok(FrameResult::Skipped("surface lost: recreated"));
            }
            wgpu::CurrentSurfaceTexture::Validation => {
                return Ok(FrameResult::Skipped("surface validation error"));
            }
        };
        let device = &self.gpu.device;
        let mut encoder = device.create_command_encoder(&Default::default());
        for ((scene, camera), vp) in scenes.iter().zip(cameras).zip(&mut self.viewports) {
            let slot = usize::from(fast && vp.motion.is_some());
            let key = Some((scene.version, *camera));
            if vp.drawn[slot] == key {
                continue;
            }
            vp.drawn[slot] = key;
            let (targets, _) = vp.targets(fast);
            let out = targets.color.create_view(&Default::default());
            self.renderer
                .encode_view(&self.gpu, &mut encoder, scene, camera, targets, &out);
        }
        update_textures(&mut self.egui, device, &self.gpu.queue, ui.textures);
        self.panel_cache
            .update_textures(device, &self.gpu.queue, ui.textures);
        let screen = egui_wgpu::ScreenDescriptor {
            size_in_pixels: [w, h],
            pixels_per_point: ui.pixels_per_point,
        };
        // The panel from its cache, the rest of the UI live over it.
        let (panel, live) = match ui.panel {
            Some(rect) => {
                let (panel, live) = panel_cache::split(ui.primitives, rect);
                (panel, Cow::Owned(live))
            }
            None => (Vec::new(), Cow::Borrowed(ui.primitives)),
        };
        let mut extra =
            self.egui
                .update_buffers(device, &self.gpu.queue, &mut encoder, &live, &screen);
        if !panel.is_empty() {
            extra.extend(self.panel_cache.update(
                device,
                &self.gpu.queue,
                &mut encoder,
                &self.blit,
                &panel,
                &screen,
                !ui.textures.set.is_empty(),
            ));
        }
        let view = frame.texture.create_view(&Default::default());
        {
            let backdrop = wgpu::Color {
                r: 0.006,
                g: 0.007,
                b: 0.009,
                a: 1.0,
            };
            let mut pass = clear_pass(&mut encoder, "window", &view, backdrop);
            for (i, vp) in self.viewports.iter().enumerate() {
                if let (Some(x), 1) = (self.wipe_x, i) {
                    let x = x.min(w);
                    if x >= w {
                        continue;
                    }
                    pass.set_scissor_rect(x, 0, w - x, h);
                }
                self.blit.draw(&mut pass, vp.targets(fast).1, &vp.tile);
                pass.set_scissor_rect(0, 0, w, h);
            }
            if let Some(rect) = ui.panel.filter(|_| !panel.is_empty()) {
                let px = panel_cache::pixel_rect(rect, ui.pixels_per_point);
                self.panel_cache.draw(&mut pass, &self.blit, px);
            }
            self.egui.render(&mut pass, &live, &screen);
        }
        self.gpu
            .queue
            .submit(extra.into_iter().chain([encoder.finish()]));
        free_textures(&mut self.egui, ui.textures);
        self.panel_cache.free_textures(ui.textures);
        let shot = if capture && self.surface_readable {
            let mut px = readback::read_rgba8(&self.gpu, &frame.texture)?;
            if self.config.format == wgpu::TextureFormat::Bgra8Unorm {
                for p in px.chunks_exact_mut(4) {
                    p.swap(0, 2);
                }
            }
            Some(
                RgbaImage::from_raw(frame.texture.width(), frame.texture.height(), px)
                    .context("surface readback size")?,
            )
        } else {
            None
        };
        self.window.pre_present_notify();
        self.gpu.queue.present(frame);
        Ok(FrameResult::Presented(shot))
    }

    /// Draw each viewport's motion frame once, unseen, so that the
    /// pipelines the first drag needs are built ahead of it.
    pub fn warm_motion(&self, scenes: &[&Scene], cameras: &[Camera]) {
        let mut encoder = self.gpu.device.create_command_encoder(&Default::default());
        for ((scene, camera), vp) in scenes.iter().zip(cameras).zip(&self.viewports) {
            if let Some((targets, _)) = &vp.motion {
                let out = targets.color.create_view(&Default::default());
                self.renderer
                    .encode_view(&self.gpu, &mut encoder, scene, camera, targets, &out);
            }
        }
        self.gpu.queue.submit([encoder.finish()]);
    }

    /// Viewport `i`'s last rendered picture (the scene only, no UI), as the
    /// headless renderer writes it.
    pub fn read_viewport(&self, i: usize) -> Result<RgbaImage> {
        let t = &self.viewports[i].targets;
        let px = readback::read_rgba8(&self.gpu, &t.color)?;
        RgbaImage::from_raw(t.width, t.height, px).context("viewport readback size")
    }
}

/// egui's new and changed textures (the font atlas), into `renderer`.
pub(super) fn update_textures(
    renderer: &mut egui_wgpu::Renderer,
    device: &wgpu::Device,
    queue: &wgpu::Queue,
    textures: &egui::TexturesDelta,
) {
    for (id, deltas) in &textures.set {
        for delta in deltas {
            renderer.update_texture(device, queue, *id, delta);
        }
    }
}

/// egui's textures that are gone, out of `renderer`.
pub(super) fn free_textures(renderer: &mut egui_wgpu::Renderer, textures: &egui::TexturesDelta) {
    for id in &textures.free {
        renderer.free_texture(id);
    }
}

/// A render pass onto `view`, cleared to `color` first.
pub(super) fn clear_pass(
    encoder: &mut wgpu::CommandEncoder,
    label: &str,
    view: &wgpu::TextureView,
    color: wgpu::Color,
) -> wgpu::RenderPass<'static> {
    encoder
        .begin_render_pass(&wgpu::RenderPassDescriptor {
            label: Some(label),
            color_attachments: &[Some(wgpu::RenderPassColorAttachment {
                view,
                depth_slice: None,
                resolve_target: None,
                ops: wgpu::Operations {
                    load: wgpu::LoadOp::Clear(color),
                    store: wgpu::StoreOp::Store,
                },
            })],
            depth_stencil_attachment: None,
            timestamp_writes: None,
            occlusion_query_set: None,
            multiview_mask: None,
        })
        .forget_lifetime()
}

/// The colour target viewed as plain (gamma-encoded) bytes, as egui samples it.
fn gamma_view(targets: &ViewTargets) -> wgpu::TextureView {
    targets.color.create_view(&wgpu::TextureViewDescriptor {
        format: Some(HEADLESS_FORMAT.remove_srgb_suffix()),
        ..Default::default()
    })
}
