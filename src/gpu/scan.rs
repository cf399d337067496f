//! Exclusive prefix sums of u32 buffers on the GPU (`shaders/scan.wgsl`).

use super::{Gpu, compute_pipeline, dispatch_size, pass_shader};
use wgpu::util::DeviceExt;

/// Cheap to clone: pipelines are shared handles.
#[derive(Clone)]
pub struct Scanner {
    scan_blocks: wgpu::ComputePipeline,
    add_offsets: wgpu::ComputePipeline,
}

const BLOCK: u32 = 512;

/// One level of the scan: its data, its block totals and the bind groups.
struct Level {
    n: u32,
    bind: wgpu::BindGroup,
    add_bind: wgpu::BindGroup,
}

impl Scanner {
    pub fn new(gpu: &Gpu) -> Scanner {
        let module = pass_shader!(gpu.device, "scan.wgsl");
        Scanner {
            scan_blocks: compute_pipeline(&gpu.device, &module, "scan_blocks"),
            add_offsets: compute_pipeline(&gpu.device, &module, "add_block_offsets"),
        }
    }

    /// Record an in-place exclusive scan of the first `n` u32 of `data`.
    pub fn encode(
        &self,
        gpu: &Gpu,
        encoder: &mut wgpu::CommandEncoder,
        data: &wgpu::Buffer,
        n: u32,
    ) {
        let mut levels = Vec::new();
        let mut current = data.clone();
        let mut len = n;
        loop {
            let blocks = len.div_ceil(BLOCK);
            let sums = gpu.device.create_buffer(&wgpu::BufferDescriptor {
                label: Some("scan block sums"),
                size: (blocks.max(1) as u64) * 4,
                usage: wgpu::BufferUsages::STORAGE,
                mapped_at_creation: false,
            });
            let len_buf = gpu
                .device
                .create_buffer_init(&wgpu::util::BufferInitDescriptor {
                    label: Some("scan length"),
                    contents: bytemuck::cast_slice(&[len, 0, 0, 0]),
                    usage: wgpu::BufferUsages::UNIFORM,
                });
            let bind = super::bind_buffers(
                &gpu.device,
                &self.scan_blocks,
                &[(0, &current), (1, &sums), (2, &len_buf)],
            );
            let add_bind = super::bind_buffers(
                &gpu.device,
                &self.add_offsets,
                &[(0, &current), (1, &sums), (2, &len_buf)],
            );
            levels.push(Level {
                n: len,
                bind,
                add_bind,
            });
            if blocks <= 1 {
                break;
            }
            current = sums;
            len = blocks;
        }
        let mut pass = encoder.begin_compute_pass(&Default::default());
        for level in &levels {
            let (x, y) = dispatch_size(level.n, BLOCK);
            pass.set_pipeline(&self.scan_blocks);
            pass.set_bind_group(0, &level.bind, &[]);
            pass.dispatch_workgroups(x, y, 1);
        }
        for level in levels.iter().rev().skip(1) {
            let (x, y) = dispatch_size(level.n, BLOCK);
            pass.set_pipeline(&self.add_offsets);
            pass.set_bind_group(0, &level.add_bind, &[]);
            pass.dispatch_workgroups(x, y, 1);
        }
    }
}
