//! Everything that touches wgpu: device, buffers, pipelines and passes.
//! Knows nothing of windows: a frame goes to whatever texture view it is given.

pub mod context;
pub mod errors;
pub mod frame;
pub mod head_pass;
pub mod impressions;
pub mod lens;
pub mod readback;
pub mod renderer;
pub mod scan;
pub mod scene;
pub mod splat;
pub mod subsurface;
pub mod timing;

pub use context::{Gpu, GpuError};
pub use errors::checked;
pub use renderer::{Renderer, ViewTargets};
pub use scene::Scene;

/// A shader module made of the shared helpers, then any extra helper files
/// (e.g. `scars.wgsl`), then one pass's WGSL.
macro_rules! pass_shader {
    ($device:expr, $file:literal $(, $extra:literal)*) => {
        $device.create_shader_module(wgpu::ShaderModuleDescriptor {
            label: Some($file),
            source: wgpu::ShaderSource::Wgsl(
                concat!(
                    include_str!("../../shaders/common.wgsl"),
                    $(include_str!(concat!("../../shaders/", $extra)),)*
                    include_str!(concat!("../../shaders/", $file))
                )
                .into(),
            ),
        })
    };
}
pub(crate) use pass_shader;

/// Workgroup counts for `n` invocations of `width`-wide groups, spilling into
/// y past the 65 535 per-dimension limit (shaders use `flat_index`).
pub fn dispatch_size(n: u32, width: u32) -> (u32, u32) {
    let groups = n.div_ceil(width).max(1);
    if groups <= 65_535 {
        (groups, 1)
    } else {
        (65_535, groups.div_ceil(65_535))
    }
}

/// A compute pipeline with a layout derived from its entry point.
pub fn compute_pipeline(
    device: &wgpu::Device,
    module: &wgpu::ShaderModule,
    entry: &str,
) -> wgpu::ComputePipeline {
    device.create_compute_pipeline(&wgpu::ComputePipelineDescriptor {
        label: Some(entry),
        layout: None,
        module,
        entry_point: Some(entry),
        compilation_options: Default::default(),
        cache: None,
    })
}

/// A bind group for group 0 of `pipeline`, binding `buffers` by number.
pub fn bind_buffers(
    device: &wgpu::Device,
    pipeline: &wgpu::ComputePipeline,
    buffers: &[(u32, &wgpu::Buffer)],
) -> wgpu::BindGroup {
    let entries: Vec<_> = buffers
        .iter()
        .map(|(binding, buffer)| wgpu::BindGroupEntry {
            binding: *binding,
            resource: buffer.as_entire_binding(),
        })
        .collect();
    device.create_bind_group(&wgpu::BindGroupDescriptor {
        label: None,
        layout: &pipeline.get_bind_group_layout(0),
        entries: &entries,
    })
}
