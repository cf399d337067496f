//! Copies each viewport's picture into its tile of the window
//! (`shaders/blit.wgsl`): one opaque draw per tile, under the UI.
//!
//! The pictures used to go through egui as images. On a CPU rasteriser that
//! alpha-blended, sRGB-converting quad cost about 30 ms of a 1280x720 frame;
//! this opaque copy costs a few.

use crate::output::compare::Tile;

pub struct Blit {
    exact: wgpu::RenderPipeline,
    scaled: wgpu::RenderPipeline,
    sampler: wgpu::Sampler,
    layout: wgpu::BindGroupLayout,
}

/// One picture, ready to be drawn into a tile.
pub struct BlitSource {
    bind: wgpu::BindGroup,
    /// Smaller than its tile: filtered up (else copied texel for pixel).
    scaled: bool,
}

impl Blit {
    pub fn new(device: &wgpu::Device, format: wgpu::TextureFormat) -> Blit {
        let module = device.create_shader_module(wgpu::ShaderModuleDescriptor {
            label: Some("blit.wgsl"),
            source: wgpu::ShaderSource::Wgsl(include_str!("../../shaders/blit.wgsl").into()),
        });
        let layout = device.create_bind_group_layout(&wgpu::BindGroupLayoutDescriptor {
            label: Some("blit"),
            entries: &[
                wgpu::BindGroupLayoutEntry {
                    binding: 0,
                    visibility: wgpu::ShaderStages::FRAGMENT,
                    ty: wgpu::BindingType::Texture {
                        sample_type: wgpu::TextureSampleType::Float { filterable: true },
                        view_dimension: wgpu::TextureViewDimension::D2,
                        multisampled: false,
                    },
                    count: None,
                },
                wgpu::BindGroupLayoutEntry {
                    binding: 1,
                    visibility: wgpu::ShaderStages::FRAGMENT,
                    ty: wgpu::BindingType::Sampler(wgpu::SamplerBindingType::Filtering),
                    count: None,
                },
            ],
        });
        let pipeline_layout = device.create_pipeline_layout(&wgpu::PipelineLayoutDescriptor {
            label: Some("blit"),
            bind_group_layouts: &[Some(&layout)],
            immediate_size: 0,
        });
        let pipeline = |entry: &str| {
            device.create_render_pipeline(&wgpu::RenderPipelineDescriptor {
                label: Some(entry),
                layout: Some(&pipeline_layout),
                vertex: wgpu::VertexState {
                    module: &module,
                    entry_point: Some("vs_tile"),
                    compilation_options: Default::default(),
                    buffers: &[],
                },
                fragment: Some(wgpu::FragmentState {
                    module: &module,
                    entry_point: Some(entry),
                    compilation_options: Default::default(),
                    targets: &[Some(wgpu::ColorTargetState {
                        format,
                        blend: None,
                        write_mask: wgpu::ColorWrites::ALL,
                    })],
                }),
                primitive: Default::default(),
                depth_stencil: None,
                multisample: Default::default(),
                multiview_mask: None,
                cache: None,
            })
        };
        Blit {
            exact: pipeline("fs_exact"),
            scaled: pipeline("fs_scaled"),
            sampler: device.create_sampler(&wgpu::SamplerDescriptor {
                label: Some("blit"),
                mag_filter: wgpu::FilterMode::Linear,
                min_filter: wgpu::FilterMode::Linear,
                ..Default::default()
            }),
            layout,
        }
    }

    /// `view` (read as plain bytes) drawn into a tile of `tile_size`.
    pub fn source(
        &self,
        device: &wgpu::Device,
        view: &wgpu::TextureView,
        picture_size: (u32, u32),
        tile_size: (u32, u32),
    ) -> BlitSource {
        BlitSource {
            bind: device.create_bind_group(&wgpu::BindGroupDescriptor {
                label: Some("blit"),
                layout: &self.layout,
                entries: &[
                    wgpu::BindGroupEntry {
                        binding: 0,
                        resource: wgpu::BindingResource::TextureView(view),
                    },
                    wgpu::BindGroupEntry {
                        binding: 1,
                        resource: wgpu::BindingResource::Sampler(&self.sampler),
                    },
                ],
            }),
            scaled: picture_size != tile_size,
        }
    }

    /// Draw `source` into `tile` of the pass's target.
    pub fn draw(&self, pass: &mut wgpu::RenderPass, source: &BlitSource, tile: &Tile) {
        pass.set_viewport(
            tile.x as f32,
            tile.y as f32,
            tile.width as f32,
            tile.height as f32,
            0.0,
            1.0,
        );
        pass.set_pipeline(if source.scaled {
            &self.scaled
        } else {
            &self.exact
        });
        pass.set_bind_group(0, &source.bind, &[]);
        pass.draw(0..3, 0..1);
    }
}
