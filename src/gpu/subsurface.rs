//! The subsurface pass (`shaders/subsurface.wgsl`): the ink's transmission
//! blurred by the skin's diffusion profile, rows then columns.

use super::{Gpu, pass_shader};

pub struct SubsurfacePass {
    layout: wgpu::BindGroupLayout,
    rows: wgpu::ComputePipeline,
    columns: wgpu::ComputePipeline,
}

fn storage(binding: u32, read_only: bool) -> wgpu::BindGroupLayoutEntry {
    wgpu::BindGroupLayoutEntry {
        binding,
        visibility: wgpu::ShaderStages::COMPUTE,
        ty: wgpu::BindingType::Buffer {
            ty: wgpu::BufferBindingType::Storage { read_only },
            has_dynamic_offset: false,
            min_binding_size: None,
        },
        count: None,
    }
}

impl SubsurfacePass {
    pub fn new(gpu: &Gpu) -> SubsurfacePass {
        let module = pass_shader!(gpu.device, "subsurface.wgsl");
        // One layout for both passes: the first writes `rows`, the second
        // reads it.
        let layout = gpu
            .device
            .create_bind_group_layout(&wgpu::BindGroupLayoutDescriptor {
                label: Some("subsurface"),
                entries: &[
                    storage(0, true),
                    storage(1, true),
                    wgpu::BindGroupLayoutEntry {
                        binding: 2,
                        visibility: wgpu::ShaderStages::COMPUTE,
                        ty: wgpu::BindingType::Texture {
                            sample_type: wgpu::TextureSampleType::Float { filterable: false },
                            view_dimension: wgpu::TextureViewDimension::D2,
                            multisampled: false,
                        },
                        count: None,
                    },
                    storage(3, false),
                    storage(4, false),
                ],
            });
        let pipeline_layout = gpu
            .device
            .create_pipeline_layout(&wgpu::PipelineLayoutDescriptor {
                label: Some("subsurface"),
                bind_group_layouts: &[Some(&layout)],
                immediate_size: 0,
            });
        let pipeline = |entry: &str| {
            gpu.device
                .create_compute_pipeline(&wgpu::ComputePipelineDescriptor {
                    label: Some(entry),
                    layout: Some(&pipeline_layout),
                    module: &module,
                    entry_point: Some(entry),
                    compilation_options: Default::default(),
                    cache: None,
                })
        };
        SubsurfacePass {
            rows: pipeline("diffuse_rows"),
            columns: pipeline("diffuse_columns"),
            layout,
        }
    }

    pub fn bind_group(
        &self,
        gpu: &Gpu,
        frame: &wgpu::Buffer,
        ink: &wgpu::Buffer,
        linear_depth: &wgpu::TextureView,
        rows: &wgpu::Buffer,
        diffused: &wgpu::Buffer,
    ) -> wgpu::BindGroup {
        fn buffer(binding: u32, b: &wgpu::Buffer) -> wgpu::BindGroupEntry<'_> {
            wgpu::BindGroupEntry {
                binding,
                resource: b.as_entire_binding(),
            }
        }
        gpu.device.create_bind_group(&wgpu::BindGroupDescriptor {
            label: Some("subsurface"),
            layout: &self.layout,
            entries: &[
                buffer(0, frame),
                buffer(1, ink),
                wgpu::BindGroupEntry {
                    binding: 2,
                    resource: wgpu::BindingResource::TextureView(linear_depth),
                },
                buffer(3, rows),
                buffer(4, diffused),
            ],
        })
    }

    /// Both passes over a `width` × `height` image.
    pub fn encode(
        &self,
        encoder: &mut wgpu::CommandEncoder,
        bind: &wgpu::BindGroup,
        (width, height): (u32, u32),
        timestamp_writes: Option<wgpu::ComputePassTimestampWrites>,
    ) {
        let mut pass = encoder.begin_compute_pass(&wgpu::ComputePassDescriptor {
            label: Some("subsurface"),
            timestamp_writes,
        });
        pass.set_bind_group(0, bind, &[]);
        for pipeline in [&self.rows, &self.columns] {
            pass.set_pipeline(pipeline);
            pass.dispatch_workgroups(width.div_ceil(8), height.div_ceil(8), 1);
        }
    }
}
