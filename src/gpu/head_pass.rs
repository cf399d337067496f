//! Pipelines that draw the head: depth pre-pass, backdrop, shading.

use super::{Gpu, pass_shader};
use crate::head::HeadVertex;

pub const LINEAR_DEPTH_FORMAT: wgpu::TextureFormat = wgpu::TextureFormat::R32Float;
pub const DEPTH_FORMAT: wgpu::TextureFormat = wgpu::TextureFormat::Depth32Float;

pub struct HeadPass {
    pub layout: wgpu::BindGroupLayout,
    pub depth: wgpu::RenderPipeline,
    pub backdrop: wgpu::RenderPipeline,
    pub shade: wgpu::RenderPipeline,
}

const VERTEX_ATTRIBUTES: [wgpu::VertexAttribute; 7] = wgpu::vertex_attr_array![
    0 => Float32x3, 1 => Float32x3, 2 => Float32x2, 3 => Uint32, 4 => Unorm8x4, 5 => Float32,
    6 => Float32x3
];

fn head_vertex_layout() -> wgpu::VertexBufferLayout<'static> {
    wgpu::VertexBufferLayout {
        array_stride: std::mem::size_of::<HeadVertex>() as u64,
        step_mode: wgpu::VertexStepMode::Vertex,
        attributes: &VERTEX_ATTRIBUTES,
    }
}

fn depth_state(write: bool, compare: wgpu::CompareFunction) -> Option<wgpu::DepthStencilState> {
    Some(wgpu::DepthStencilState {
        format: DEPTH_FORMAT,
        depth_write_enabled: Some(write),
        depth_compare: Some(compare),
        stencil: Default::default(),
        bias: Default::default(),
    })
}

struct PipelineSpec<'a> {
    label: &'a str,
    vs: &'a str,
    fs: &'a str,
    format: wgpu::TextureFormat,
    samples: u32,
    head: bool,
}

impl HeadPass {
    pub fn new(gpu: &Gpu, color_format: wgpu::TextureFormat, samples: u32) -> HeadPass {
        Self::with_layout(gpu, bind_group_layout(gpu), color_format, samples)
    }

    /// The same passes at another sample count, sharing this one's bind
    /// group layout so the same bind groups serve both.
    pub fn twin(&self, gpu: &Gpu, color_format: wgpu::TextureFormat, samples: u32) -> HeadPass {
        Self::with_layout(gpu, self.layout.clone(), color_format, samples)
    }

    fn with_layout(
        gpu: &Gpu,
        layout: wgpu::BindGroupLayout,
        color_format: wgpu::TextureFormat,
        samples: u32,
    ) -> HeadPass {
        let d = &gpu.device;
        let pipeline_layout = d.create_pipeline_layout(&wgpu::PipelineLayoutDescriptor {
            label: Some("head"),
            bind_group_layouts: &[Some(&layout)],
            immediate_size: 0,
        });
        let module = pass_shader!(d, "head.wgsl", "scars.wgsl");
        let make = |s: PipelineSpec| {
            let buffers = [Some(head_vertex_layout())];
            d.create_render_pipeline(&wgpu::RenderPipelineDescriptor {
                label: Some(s.label),
                layout: Some(&pipeline_layout),
                vertex: wgpu::VertexState {
                    module: &module,
                    entry_point: Some(s.vs),
                    compilation_options: Default::default(),
                    buffers: if s.head { &buffers } else { &[] },
                },
                primitive: wgpu::PrimitiveState {
                    cull_mode: if s.head { Some(wgpu::Face::Back) } else { None },
                    ..Default::default()
                },
                depth_stencil: if s.head {
                    depth_state(true, wgpu::CompareFunction::Less)
                } else {
                    depth_state(false, wgpu::CompareFunction::Always)
                },
                multisample: wgpu::MultisampleState {
                    count: s.samples,
                    ..Default::default()
                },
                fragment: Some(wgpu::FragmentState {
                    module: &module,
                    entry_point: Some(s.fs),
                    compilation_options: Default::default(),
                    targets: &[Some(s.format.into())],
                }),
                multiview_mask: None,
                cache: None,
            })
        };
        HeadPass {
            depth: make(PipelineSpec {
                label: "head depth",
                vs: "vs_head",
                fs: "fs_depth",
                format: LINEAR_DEPTH_FORMAT,
                samples: 1,
                head: true,
            }),
            backdrop: make(PipelineSpec {
                label: "backdrop",
                vs: "vs_backdrop",
                fs: "fs_backdrop",
                format: color_format,
                samples,
                head: false,
            }),
            shade: make(PipelineSpec {
                label: "head shade",
                vs: "vs_shade",
                fs: "fs_shade",
                format: color_format,
                samples,
                head: true,
            }),
            layout,
        }
    }
}

/// Binding 0: the frame (camera, lights, looks); 1: the pigment buffer (marks
/// on the skin); 2: the ink's absorption; 3: the light diffused under it.
fn bind_group_layout(gpu: &Gpu) -> wgpu::BindGroupLayout {
    gpu.device
        .create_bind_group_layout(&wgpu::BindGroupLayoutDescriptor {
            label: Some("head"),
            entries: &[
                wgpu::BindGroupLayoutEntry {
                    binding: 0,
                    visibility: wgpu::ShaderStages::VERTEX_FRAGMENT,
                    ty: wgpu::BindingType::Buffer {
                        ty: wgpu::BufferBindingType::Uniform,
                        has_dynamic_offset: false,
                        min_binding_size: None,
                    },
                    count: None,
                },
                fragment_storage(1),
                fragment_storage(2),
                fragment_storage(3),
            ],
        })
}

fn fragment_storage(binding: u32) -> wgpu::BindGroupLayoutEntry {
    wgpu::BindGroupLayoutEntry {
        binding,
        visibility: wgpu::ShaderStages::FRAGMENT,
        ty: wgpu::BindingType::Buffer {
            ty: wgpu::BufferBindingType::Storage { read_only: true },
            has_dynamic_offset: false,
            min_binding_size: None,
        },
        count: None,
    }
}
