//! The pigment splat compute pass (`shaders/splat.wgsl`).

use super::renderer::MOTION_IMPRESSION_STRIDE;
use super::{Gpu, compute_pipeline, pass_shader};

/// Where in an impression set's `args` the motion frames' dispatch is
/// (`splat_args`).
const MOTION_DISPATCH: u64 = 5 * 4;

/// An impression set's `args` for `count` impressions (of `accepted`
/// placed): the still frames' dispatch (one thread an impression), the
/// count, `accepted`, then the motion frames' dispatch (one thread per
/// `MOTION_IMPRESSION_STRIDE`). `finish_counts` in `impressions.wgsl`
/// writes the same on the GPU.
pub fn splat_args(count: u32, accepted: u32) -> [u32; 8] {
    let groups = |threads: u32| threads.div_ceil(SPLAT_WORKGROUP);
    let motion = count.div_ceil(MOTION_IMPRESSION_STRIDE);
    [groups(count), 1, 1, count, accepted, groups(motion), 1, 1]
}

/// `splat_impressions`'s workgroup size.
pub const SPLAT_WORKGROUP: u32 = 64;

pub struct SplatPass {
    pub pipeline: wgpu::ComputePipeline,
}

impl SplatPass {
    pub fn new(gpu: &Gpu) -> SplatPass {
        let module = pass_shader!(gpu.device, "splat.wgsl", "scars.wgsl");
        SplatPass {
            pipeline: compute_pipeline(&gpu.device, &module, "splat_impressions"),
        }
    }

    pub fn bind_group(
        &self,
        gpu: &Gpu,
        frame: &wgpu::Buffer,
        impressions: &wgpu::Buffer,
        args: &wgpu::Buffer,
        linear_depth: &wgpu::TextureView,
        // The marks on the skin and the ink under it.
        (pigment, ink): (&wgpu::Buffer, &wgpu::Buffer),
    ) -> wgpu::BindGroup {
        gpu.device.create_bind_group(&wgpu::BindGroupDescriptor {
            label: Some("splat"),
            layout: &self.pipeline.get_bind_group_layout(0),
            entries: &[
                wgpu::BindGroupEntry {
                    binding: 0,
                    resource: frame.as_entire_binding(),
                },
                wgpu::BindGroupEntry {
                    binding: 1,
                    resource: impressions.as_entire_binding(),
                },
                wgpu::BindGroupEntry {
                    binding: 2,
                    resource: args.as_entire_binding(),
                },
                wgpu::BindGroupEntry {
                    binding: 3,
                    resource: wgpu::BindingResource::TextureView(linear_depth),
                },
                wgpu::BindGroupEntry {
                    binding: 4,
                    resource: pigment.as_entire_binding(),
                },
                wgpu::BindGroupEntry {
                    binding: 5,
                    resource: ink.as_entire_binding(),
                },
            ],
        })
    }

    pub fn encode(
        &self,
        encoder: &mut wgpu::CommandEncoder,
        bind: &wgpu::BindGroup,
        args: &wgpu::Buffer,
        motion: bool,
        timestamp_writes: Option<wgpu::ComputePassTimestampWrites>,
    ) {
        let mut pass = encoder.begin_compute_pass(&wgpu::ComputePassDescriptor {
            label: Some("splat"),
            timestamp_writes,
        });
        pass.set_pipeline(&self.pipeline);
        pass.set_bind_group(0, bind, &[]);
        pass.dispatch_workgroups_indirect(args, if motion { MOTION_DISPATCH } else { 0 });
    }
}
