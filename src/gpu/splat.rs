//! The pigment splat compute pass (`shaders/splat.wgsl`).

use super::{Gpu, compute_pipeline, pass_shader};

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
        timestamp_writes: Option<wgpu::ComputePassTimestampWrites>,
    ) {
        let mut pass = encoder.begin_compute_pass(&wgpu::ComputePassDescriptor {
            label: Some("splat"),
            timestamp_writes,
        });
        pass.set_pipeline(&self.pipeline);
        pass.set_bind_group(0, bind, &[]);
        pass.dispatch_workgroups_indirect(args, 0);
    }
}
