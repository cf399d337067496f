//! The camera's depth of field (`shaders/lens.wgsl`): the last pass of a
//! still frame, from the shaded picture into the frame's output.

use super::{Gpu, pass_shader};
use crate::camera::Camera;
use glam::Vec3;

/// The lens's f-number: a portrait at f/5.6, sharp over the face and the
/// scalp, the shoulders and the torso behind them soft.
pub const F_NUMBER: f32 = 5.6;
/// The sensor's height, mm (full frame): with the field of view it gives
/// the lens's focal length.
const SENSOR_HEIGHT_MM: f32 = 24.0;
/// Nearer than this a photographer stops down (macro close-ups of the
/// hairline): the depth of field is that of a picture taken from here.
const STOP_DOWN_WITHIN_MM: f32 = 500.0;
/// The widest circle of confusion drawn, as a fraction of the image height.
const MAX_RADIUS_OF_HEIGHT: f32 = 0.012;

/// The lens and sensor's own blur where nothing is out of focus (Gaussian
/// sigma, px): a sharp portrait lens and a sensor's anti-aliasing filter
/// resolve about 0.3 cycles a pixel at half contrast, not 0.5.
pub const OPTICS_SIGMA_PX: f32 = 0.55;

/// `Frame.lens`: focus distance mm, blur scale px (the circle's diameter at
/// infinity), the largest radius px, the optics' blur (sigma px; non-zero
/// tells the head's shading that this pass follows and adds the grain).
pub fn lens_uniform(camera: &Camera, focus: Vec3, height_px: u32) -> [f32; 4] {
    let h = height_px as f32;
    let focus_mm = (focus - camera.eye)
        .dot((camera.target - camera.eye).normalize())
        .max(1.0);
    let focal_mm = 0.5 * SENSOR_HEIGHT_MM / (0.5 * camera.fov_y_deg.to_radians()).tan();
    // Thin lens: the circle's diameter on the sensor is A·f/(u − f)·|d − u|/d
    // for an aperture A = f/N; in pixels, f/(u − f) is about focal_px / u.
    let aperture_mm = focal_mm / F_NUMBER;
    let blur_px = aperture_mm * camera.focal_px(h) / focus_mm.max(STOP_DOWN_WITHIN_MM);
    [focus_mm, blur_px, MAX_RADIUS_OF_HEIGHT * h, OPTICS_SIGMA_PX]
}

pub struct LensPass {
    pipeline: wgpu::RenderPipeline,
    layout: wgpu::BindGroupLayout,
}

impl LensPass {
    pub fn new(gpu: &Gpu, color_format: wgpu::TextureFormat) -> LensPass {
        let d = &gpu.device;
        let module = pass_shader!(d, "lens.wgsl");
        let texture = |binding| wgpu::BindGroupLayoutEntry {
            binding,
            visibility: wgpu::ShaderStages::FRAGMENT,
            ty: wgpu::BindingType::Texture {
                sample_type: wgpu::TextureSampleType::Float { filterable: false },
                view_dimension: wgpu::TextureViewDimension::D2,
                multisampled: false,
            },
            count: None,
        };
        let layout = d.create_bind_group_layout(&wgpu::BindGroupLayoutDescriptor {
            label: Some("lens"),
            entries: &[
                wgpu::BindGroupLayoutEntry {
                    binding: 0,
                    visibility: wgpu::ShaderStages::FRAGMENT,
                    ty: wgpu::BindingType::Buffer {
                        ty: wgpu::BufferBindingType::Uniform,
                        has_dynamic_offset: false,
                        min_binding_size: None,
                    },
                    count: None,
                },
                texture(1),
                texture(2),
            ],
        });
        let pipeline_layout = d.create_pipeline_layout(&wgpu::PipelineLayoutDescriptor {
            label: Some("lens"),
            bind_group_layouts: &[Some(&layout)],
            immediate_size: 0,
        });
        let pipeline = d.create_render_pipeline(&wgpu::RenderPipelineDescriptor {
            label: Some("lens"),
            layout: Some(&pipeline_layout),
            vertex: wgpu::VertexState {
                module: &module,
                entry_point: Some("vs_lens"),
                compilation_options: Default::default(),
                buffers: &[],
            },
            fragment: Some(wgpu::FragmentState {
                module: &module,
                entry_point: Some("fs_lens"),
                compilation_options: Default::default(),
                targets: &[Some(wgpu::ColorTargetState {
                    format: color_format,
                    blend: None,
                    write_mask: wgpu::ColorWrites::ALL,
                })],
            }),
            primitive: Default::default(),
            depth_stencil: None,
            multisample: Default::default(),
            multiview_mask: None,
            cache: None,
        });
        LensPass { pipeline, layout }
    }

    pub fn bind_group(
        &self,
        gpu: &Gpu,
        frame: &wgpu::Buffer,
        sharp: &wgpu::TextureView,
        linear_depth: &wgpu::TextureView,
    ) -> wgpu::BindGroup {
        gpu.device.create_bind_group(&wgpu::BindGroupDescriptor {
            label: Some("lens"),
            layout: &self.layout,
            entries: &[
                wgpu::BindGroupEntry {
                    binding: 0,
                    resource: frame.as_entire_binding(),
                },
                wgpu::BindGroupEntry {
                    binding: 1,
                    resource: wgpu::BindingResource::TextureView(sharp),
                },
                wgpu::BindGroupEntry {
                    binding: 2,
                    resource: wgpu::BindingResource::TextureView(linear_depth),
                },
            ],
        })
    }

    pub fn encode(
        &self,
        encoder: &mut wgpu::CommandEncoder,
        bind: &wgpu::BindGroup,
        output: &wgpu::TextureView,
        timestamp_writes: Option<wgpu::RenderPassTimestampWrites>,
    ) {
        let mut pass = encoder.begin_render_pass(&wgpu::RenderPassDescriptor {
            label: Some("lens"),
            color_attachments: &[Some(wgpu::RenderPassColorAttachment {
                view: output,
                depth_slice: None,
                resolve_target: None,
                ops: wgpu::Operations {
                    load: wgpu::LoadOp::Clear(wgpu::Color::BLACK),
                    store: wgpu::StoreOp::Store,
                },
            })],
            depth_stencil_attachment: None,
            timestamp_writes,
            occlusion_query_set: None,
            multiview_mask: None,
        });
        pass.set_pipeline(&self.pipeline);
        pass.set_bind_group(0, bind, &[]);
        pass.draw(0..3, 0..1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::camera::FOV_Y_DEG;

    fn camera_at(distance_mm: f32) -> Camera {
        Camera {
            eye: Vec3::new(0.0, 0.0, distance_mm),
            target: Vec3::ZERO,
            up: Vec3::Y,
            fov_y_deg: FOV_Y_DEG,
            aspect: 16.0 / 9.0,
        }
    }

    #[test]
    fn a_portraits_shoulders_blur_and_its_face_does_not() {
        // Focused on a hairline 650 mm off at 1080p: a point 100 mm behind
        // (the ears from the front) blurs by a few pixels, 300 mm behind
        // (the shoulders from above) by several more, the focus not at all.
        let [focus, blur, max, _] = lens_uniform(&camera_at(700.0), Vec3::Z * 50.0, 1080);
        assert!((focus - 650.0).abs() < 1e-3);
        let diameter = |d: f32| (blur * (d - focus).abs() / d).min(2.0 * max);
        assert_eq!(diameter(focus), 0.0);
        let ears = diameter(focus + 100.0);
        let shoulders = diameter(focus + 300.0);
        assert!((2.0..6.0).contains(&ears), "{ears}");
        assert!(shoulders > 2.0 * ears, "{shoulders} vs {ears}");
        // Resolution-independent: half the pixels, half the blur.
        let half = lens_uniform(&camera_at(700.0), Vec3::Z * 50.0, 540);
        assert!((half[1] - 0.5 * blur).abs() < 1e-3);
    }

    #[test]
    fn close_ups_are_stopped_down() {
        let close = lens_uniform(&camera_at(150.0), Vec3::ZERO, 1080);
        let portrait = lens_uniform(&camera_at(STOP_DOWN_WITHIN_MM), Vec3::ZERO, 1080);
        assert!((close[1] - portrait[1]).abs() < 1e-3);
    }
}
