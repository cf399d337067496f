//! The frame, top to bottom: depth pre-pass → pigment splat → subsurface
//! diffusion under the ink → backdrop and head shading (MSAA, resolved into
//! the output). Shared by `render` and the
//! viewer; only the output view differs.

use super::frame::FrameUniform;
use super::head_pass::{DEPTH_FORMAT, HeadPass, LINEAR_DEPTH_FORMAT};
use super::impressions::ImpressionGenerator;
use super::lens::{LensPass, lens_uniform};
use super::splat::SplatPass;
use super::subsurface::SubsurfacePass;
use super::timing::GpuTimer;
use super::{Gpu, GpuError, Scene, readback};
use crate::camera::Camera;
use glam::Vec3;
use std::sync::OnceLock;

pub const HEADLESS_FORMAT: wgpu::TextureFormat = wgpu::TextureFormat::Rgba8UnormSrgb;

/// While the head moves and its impressions' units fall within a pixel,
/// one impression of each run of this many is splatted, at the area of the
/// run: the same mean darkness for a quarter of the impressions read and
/// splatted (stochastic simplification, Cook, Halstead, Planck & Ryu,
/// SIGGRAPH 2007), the kept ones' ink blurred over the run's pixels
/// (`THINNED_INK_BLUR_PX`). The motion frame is coarse and blurred anyway;
/// still frames draw them all. `MOTION_STRIDE` in `shaders/common.wgsl`.
pub const MOTION_IMPRESSION_STRIDE: u32 = 4;

/// In a frame that splats one impression of each run, the least spread
/// (Gaussian sigma, px) of the ink's light: the run's other impressions
/// are drawn by blurring the one kept over about as many pixels as the run
/// would have darkened, which keeps the shadow even instead of speckled.
const THINNED_INK_BLUR_PX: f32 = 0.7;

/// Where a picture is focused: the scalp's point facing the camera, on the
/// sphere through the frontal hairline round the scalp's centre.
fn focus_point(scene: &Scene, camera: &Camera) -> Vec3 {
    let coverage = &scene.placement.coverage;
    let radius = (coverage.frontal_point - coverage.center).length();
    coverage.center + (camera.eye - coverage.center).normalize_or(Vec3::Y) * radius
}

/// The impressions a splat thread takes for `scene` seen by `camera` in a
/// `height`-pixel-tall motion frame: `MOTION_IMPRESSION_STRIDE` when a unit
/// of the session with the largest impressions, at the head's nearest
/// point, is under a pixel, else 1.
pub fn motion_run(scene: &Scene, camera: &Camera, height: u32) -> u32 {
    let (lo, hi) = scene.bounds;
    let nearest_mm = (camera.eye.clamp(lo, hi) - camera.eye).length().max(1.0);
    // A unit of three dots, at its dots' offsets in `splat_impressions`,
    // spans about 2.5 of its impressions' diameters.
    let unit_px = 2.5 * scene.impression_mm * camera.focal_px(height as f32) / nearest_mm;
    if unit_px < 1.0 {
        MOTION_IMPRESSION_STRIDE
    } else {
        1
    }
}

pub struct Renderer {
    pub generator: ImpressionGenerator,
    head: HeadPass,
    /// Single-sampled twin of `head` for frames drawn while the camera
    /// moves (built on first use; headless rendering never needs it).
    head_1x: OnceLock<HeadPass>,
    splat: SplatPass,
    subsurface: SubsurfacePass,
    lens: LensPass,
    color_format: wgpu::TextureFormat,
    samples: u32,
}

/// Everything sized to one output image.
pub struct ViewTargets {
    pub width: u32,
    pub height: u32,
    samples: u32,
    /// Draw the head's coarse triangles (frames while it moves).
    coarse: bool,
    frame: wgpu::Buffer,
    linear_depth: wgpu::TextureView,
    prepass_depth: wgpu::TextureView,
    msaa_color: Option<wgpu::TextureView>,
    depth: wgpu::TextureView,
    pigment: wgpu::Buffer,
    /// Ink absorption per pixel (two u32), written by the splat.
    ink: wgpu::Buffer,
    subsurface_bind: wgpu::BindGroup,
    head_bind: wgpu::BindGroup,
    /// Still frames: the shaded picture before the lens's depth of field,
    /// and the lens pass's bindings. (Frames drawn while the head moves are
    /// shaded straight into their output.)
    sharp: Option<(wgpu::TextureView, wgpu::BindGroup)>,
    /// The resolved image, for headless use.
    pub color: wgpu::Texture,
}

fn texture(
    gpu: &Gpu,
    label: &str,
    size: (u32, u32),
    format: wgpu::TextureFormat,
    samples: u32,
    usage: wgpu::TextureUsages,
) -> wgpu::Texture {
    gpu.device.create_texture(&wgpu::TextureDescriptor {
        label: Some(label),
        size: wgpu::Extent3d {
            width: size.0,
            height: size.1,
            depth_or_array_layers: 1,
        },
        mip_level_count: 1,
        sample_count: samples,
        dimension: wgpu::TextureDimension::D2,
        format,
        usage,
        view_formats: &[],
    })
}

impl Renderer {
    pub fn new(gpu: &Gpu, color_format: wgpu::TextureFormat) -> Renderer {
        let samples = gpu.msaa_samples();
        Renderer {
            generator: ImpressionGenerator::new(gpu),
            head: HeadPass::new(gpu, color_format, samples),
            head_1x: OnceLock::new(),
            splat: SplatPass::new(gpu),
            subsurface: SubsurfacePass::new(gpu),
            lens: LensPass::new(gpu, color_format),
            color_format,
            samples,
        }
    }

    /// Targets for the viewer's frames while the head moves: no
    /// multisampling (4x MSAA would roughly double the shading cost on a CPU
    /// rasteriser, and the edges are in motion anyway) and the head's coarse
    /// triangles (on a CPU rasteriser a half-size frame costs what its
    /// triangles cost; see `head::coarse_level`).
    pub fn motion_targets(
        &self,
        gpu: &Gpu,
        width: u32,
        height: u32,
    ) -> Result<ViewTargets, GpuError> {
        super::checked(gpu, "making motion targets", || {
            self.targets_sampled(gpu, width, height, 1, true)
        })
    }

    pub fn targets(&self, gpu: &Gpu, width: u32, height: u32) -> Result<ViewTargets, GpuError> {
        super::checked(gpu, "making render targets", || {
            self.targets_sampled(gpu, width, height, self.samples, false)
        })
    }

    fn head_pass(&self, gpu: &Gpu, samples: u32) -> &HeadPass {
        if samples == self.samples {
            &self.head
        } else {
            self.head_1x
                .get_or_init(|| self.head.twin(gpu, self.color_format, samples))
        }
    }

    fn targets_sampled(
        &self,
        gpu: &Gpu,
        width: u32,
        height: u32,
        samples: u32,
        coarse: bool,
    ) -> Result<ViewTargets, GpuError> {
        let l = gpu.device.limits();
        // Two u32 per pixel (see `splat.wgsl`).
        let pigment_bytes = width as u64 * height as u64 * 8;
        let max_side = l.max_texture_dimension_2d;
        if width == 0 || height == 0 || width > max_side || height > max_side {
            return Err(GpuError::Limit(format!(
                "image size {width}x{height} is outside 1..{max_side} px on this adapter"
            )));
        }
        if pigment_bytes > l.max_storage_buffer_binding_size {
            return Err(GpuError::Limit(format!(
                "image size {width}x{height} needs a {} MiB pigment buffer; this adapter binds at most {} MiB",
                pigment_bytes >> 20,
                l.max_storage_buffer_binding_size >> 20
            )));
        }
        let size = (width, height);
        let attach = wgpu::TextureUsages::RENDER_ATTACHMENT;
        let view = |t: wgpu::Texture| t.create_view(&Default::default());
        let frame = gpu.device.create_buffer(&wgpu::BufferDescriptor {
            label: Some("frame"),
            size: std::mem::size_of::<FrameUniform>() as u64,
            // Uniform for the head passes, storage for the splat (see splat.wgsl).
            usage: wgpu::BufferUsages::UNIFORM
                | wgpu::BufferUsages::STORAGE
                | wgpu::BufferUsages::COPY_DST,
            mapped_at_creation: false,
        });
        let buffer = |label, size| {
            gpu.device.create_buffer(&wgpu::BufferDescriptor {
                label: Some(label),
                size,
                usage: wgpu::BufferUsages::STORAGE | wgpu::BufferUsages::COPY_DST,
                mapped_at_creation: false,
            })
        };
        let pigment = buffer("pigment", pigment_bytes);
        let ink = buffer("ink", pigment_bytes);
        // The diffused transmission (10 bits a channel in one u32) and the
        // stubs' cover (an f32), and the rows pass's output before it.
        let rows = buffer("subsurface rows", pigment_bytes);
        let diffused = buffer("diffused", pigment_bytes);
        let linear_depth = view(texture(
            gpu,
            "linear depth",
            size,
            LINEAR_DEPTH_FORMAT,
            1,
            attach | wgpu::TextureUsages::TEXTURE_BINDING,
        ));
        let subsurface_bind =
            self.subsurface
                .bind_group(gpu, &frame, &ink, &linear_depth, &rows, &diffused);
        let head_bind = gpu.device.create_bind_group(&wgpu::BindGroupDescriptor {
            label: Some("head"),
            layout: &self.head.layout,
            entries: &[
                wgpu::BindGroupEntry {
                    binding: 0,
                    resource: frame.as_entire_binding(),
                },
                wgpu::BindGroupEntry {
                    binding: 1,
                    resource: pigment.as_entire_binding(),
                },
                wgpu::BindGroupEntry {
                    binding: 2,
                    resource: ink.as_entire_binding(),
                },
                wgpu::BindGroupEntry {
                    binding: 3,
                    resource: diffused.as_entire_binding(),
                },
            ],
        });
        let sharp = (!coarse).then(|| {
            let sharp = view(texture(
                gpu,
                "sharp colour",
                size,
                self.color_format,
                1,
                attach | wgpu::TextureUsages::TEXTURE_BINDING,
            ));
            let bind = self.lens.bind_group(gpu, &frame, &sharp, &linear_depth);
            (sharp, bind)
        });
        Ok(ViewTargets {
            width,
            height,
            samples,
            coarse,
            linear_depth,
            prepass_depth: view(texture(gpu, "prepass depth", size, DEPTH_FORMAT, 1, attach)),
            msaa_color: (samples > 1).then(|| {
                view(texture(
                    gpu,
                    "msaa colour",
                    size,
                    self.color_format,
                    samples,
                    attach,
                ))
            }),
            depth: view(texture(gpu, "depth", size, DEPTH_FORMAT, samples, attach)),
            sharp,
            // Also viewable without the sRGB suffix: a UI that treats
            // textures as gamma-encoded bytes (the viewer's) shows it as is.
            color: gpu.device.create_texture(&wgpu::TextureDescriptor {
                label: Some("colour"),
                size: wgpu::Extent3d {
                    width,
                    height,
                    depth_or_array_layers: 1,
                },
                mip_level_count: 1,
                sample_count: 1,
                dimension: wgpu::TextureDimension::D2,
                format: self.color_format,
                usage: attach
                    | wgpu::TextureUsages::COPY_SRC
                    | wgpu::TextureUsages::TEXTURE_BINDING,
                view_formats: &[self.color_format.remove_srgb_suffix()],
            }),
            frame,
            pigment,
            ink,
            subsurface_bind,
            head_bind,
        })
    }

    /// Record one frame of `scene` seen by `camera` into `output`.
    pub fn encode_view(
        &self,
        gpu: &Gpu,
        encoder: &mut wgpu::CommandEncoder,
        scene: &Scene,
        camera: &Camera,
        targets: &ViewTargets,
        output: &wgpu::TextureView,
    ) {
        self.encode_view_timed(gpu, encoder, scene, camera, targets, output, None);
    }

    /// `encode_view`, with each pass timed by `timer` when one is given.
    #[allow(clippy::too_many_arguments)]
    pub fn encode_view_timed(
        &self,
        gpu: &Gpu,
        encoder: &mut wgpu::CommandEncoder,
        scene: &Scene,
        camera: &Camera,
        targets: &ViewTargets,
        output: &wgpu::TextureView,
        timer: Option<&GpuTimer>,
    ) {
        let mut uniform = FrameUniform::new(camera, targets.width, targets.height, &scene.look);
        // Impressions lie on the full surface; a coarse depth pre-pass may
        // sit that much off it.
        uniform.params[2] = if targets.coarse {
            scene.coarse_sag_mm
        } else {
            0.0
        };
        let run = if targets.coarse {
            motion_run(scene, camera, targets.height)
        } else {
            1
        };
        uniform.detail_level[0] = 1.0 / run as f32;
        uniform.detail_level[1] = if run > 1 { THINNED_INK_BLUR_PX } else { 0.0 };
        if targets.sharp.is_some() {
            uniform.lens = lens_uniform(camera, focus_point(scene, camera), targets.height);
        }
        gpu.queue
            .write_buffer(&targets.frame, 0, bytemuck::bytes_of(&uniform));
        self.depth_prepass(encoder, scene, targets, timer);
        encoder.clear_buffer(&targets.pigment, 0, None);
        encoder.clear_buffer(&targets.ink, 0, None);
        // Pigment, the client's own hair and scar marks all land in the
        // same per-pixel buffer the skin shader reads.
        for set in scene.splat_sets() {
            let bind = self.splat.bind_group(
                gpu,
                &targets.frame,
                &set.buffer,
                &set.args,
                &targets.linear_depth,
                (&targets.pigment, &targets.ink),
            );
            self.splat.encode(
                encoder,
                &bind,
                &set.args,
                run > 1,
                timer.and_then(|t| t.compute("splat")),
            );
        }
        self.subsurface.encode(
            encoder,
            &targets.subsurface_bind,
            (targets.width, targets.height),
            timer.and_then(|t| t.compute("subsurface")),
        );
        let head = self.head_pass(gpu, targets.samples);
        match &targets.sharp {
            Some((sharp, lens_bind)) => {
                self.shade(head, encoder, scene, targets, sharp, timer);
                let timestamps = timer.and_then(|t| t.render("lens"));
                self.lens.encode(encoder, lens_bind, output, timestamps);
            }
            None => self.shade(head, encoder, scene, targets, output, timer),
        }
    }

    fn depth_prepass(
        &self,
        encoder: &mut wgpu::CommandEncoder,
        scene: &Scene,
        targets: &ViewTargets,
        timer: Option<&GpuTimer>,
    ) {
        let mut pass = encoder.begin_render_pass(&wgpu::RenderPassDescriptor {
            label: Some("depth pre-pass"),
            color_attachments: &[Some(wgpu::RenderPassColorAttachment {
                view: &targets.linear_depth,
                depth_slice: None,
                resolve_target: None,
                ops: wgpu::Operations {
                    load: wgpu::LoadOp::Clear(wgpu::Color {
                        r: 1e9,
                        g: 0.0,
                        b: 0.0,
                        a: 0.0,
                    }),
                    store: wgpu::StoreOp::Store,
                },
            })],
            depth_stencil_attachment: Some(depth_attachment(&targets.prepass_depth)),
            timestamp_writes: timer.and_then(|t| t.render("depth pre-pass")),
            occlusion_query_set: None,
            multiview_mask: None,
        });
        pass.set_pipeline(&self.head.depth);
        self.draw_head(&mut pass, scene, targets);
    }

    fn shade(
        &self,
        head: &HeadPass,
        encoder: &mut wgpu::CommandEncoder,
        scene: &Scene,
        targets: &ViewTargets,
        output: &wgpu::TextureView,
        timer: Option<&GpuTimer>,
    ) {
        let (view, resolve) = match &targets.msaa_color {
            Some(msaa) => (msaa, Some(output)),
            None => (output, None),
        };
        let mut pass = encoder.begin_render_pass(&wgpu::RenderPassDescriptor {
            label: Some("shade"),
            color_attachments: &[Some(wgpu::RenderPassColorAttachment {
                view,
                depth_slice: None,
                resolve_target: resolve,
                ops: wgpu::Operations {
                    load: wgpu::LoadOp::Clear(wgpu::Color::BLACK),
                    store: wgpu::StoreOp::Store,
                },
            })],
            depth_stencil_attachment: Some(depth_attachment(&targets.depth)),
            timestamp_writes: timer.and_then(|t| t.render("shade")),
            occlusion_query_set: None,
            multiview_mask: None,
        });
        pass.set_bind_group(0, &targets.head_bind, &[]);
        pass.set_pipeline(&head.backdrop);
        pass.draw(0..3, 0..1);
        pass.set_pipeline(&head.shade);
        self.draw_head(&mut pass, scene, targets);
    }

    fn draw_head(&self, pass: &mut wgpu::RenderPass, scene: &Scene, targets: &ViewTargets) {
        pass.set_bind_group(0, &targets.head_bind, &[]);
        pass.set_vertex_buffer(0, scene.vertices.slice(..));
        let (indices, count) = if targets.coarse {
            (&scene.coarse_indices, scene.coarse_index_count)
        } else {
            (&scene.indices, scene.index_count)
        };
        pass.set_index_buffer(indices.slice(..), wgpu::IndexFormat::Uint32);
        pass.draw_indexed(0..count, 0, 0..1);
    }

    /// Render one view into `targets.color` and read it back as RGBA8 (sRGB).
    pub fn render_image(
        &self,
        gpu: &Gpu,
        scene: &Scene,
        camera: &Camera,
        targets: &ViewTargets,
    ) -> Result<image::RgbaImage, GpuError> {
        super::checked(gpu, "rendering a view", || {
            let mut encoder = gpu.device.create_command_encoder(&Default::default());
            let output = targets.color.create_view(&Default::default());
            self.encode_view(gpu, &mut encoder, scene, camera, targets, &output);
            gpu.queue.submit([encoder.finish()]);
            let pixels = readback::read_rgba8(gpu, &targets.color)?;
            image::RgbaImage::from_raw(targets.width, targets.height, pixels)
                .ok_or_else(|| GpuError::Readback("image size mismatch".into()))
        })
    }
}

fn depth_attachment(view: &wgpu::TextureView) -> wgpu::RenderPassDepthStencilAttachment<'_> {
    wgpu::RenderPassDepthStencilAttachment {
        view,
        depth_ops: Some(wgpu::Operations {
            load: wgpu::LoadOp::Clear(1.0),
            store: wgpu::StoreOp::Store,
        }),
        stencil_ops: None,
    }
}
