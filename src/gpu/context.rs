//! Finding an adapter and opening a device, with messages that say what to do.

use std::fmt::Write;

#[derive(Debug, thiserror::Error)]
pub enum GpuError {
    #[error(
        "no GPU adapter found ({0}).\n  On a machine without a GPU, install Mesa's software Vulkan driver \
         (Debian/Ubuntu: `apt-get install mesa-vulkan-drivers`); to pick an adapter set WGPU_BACKEND \
         (vulkan, gl) or WGPU_ADAPTER_NAME (e.g. llvmpipe)."
    )]
    NoAdapter(String),
    #[error(
        "the adapter {adapter} cannot run smp-preview: it lacks {missing}.\n  On a machine \
         without a GPU, install Mesa's software Vulkan driver (Debian/Ubuntu: \
         `apt-get install mesa-vulkan-drivers`)."
    )]
    Unsupported { adapter: String, missing: String },
    #[error("opening the GPU device failed: {0}")]
    Device(String),
    #[error("{0}")]
    Limit(String),
    #[error("reading back from the GPU failed: {0}")]
    Readback(String),
    #[error("the GPU refused the work (a bug in smp-preview, please report it): {0}")]
    Validation(String),
    #[error("the GPU ran out of memory: {0}; try a smaller --size or fewer impressions")]
    OutOfMemory(String),
    #[error("the GPU device was lost ({0}); restart smp-preview")]
    Lost(String),
}

/// The device everything renders with.
/// Cheap to clone: wgpu's handles are shared.
#[derive(Clone)]
pub struct Gpu {
    pub adapter: wgpu::Adapter,
    pub device: wgpu::Device,
    pub queue: wgpu::Queue,
    /// Errors and loss the device reported (see `errors`).
    pub(crate) health: super::errors::SharedHealth,
}

impl Gpu {
    /// Open the adapter chosen by WGPU_BACKEND / WGPU_ADAPTER_NAME, or the best one.
    pub fn new() -> Result<Gpu, GpuError> {
        let instance =
            wgpu::Instance::new(wgpu::InstanceDescriptor::new_without_display_handle_from_env());
        let adapter = pollster::block_on(wgpu::util::initialize_adapter_from_env_or_default(
            &instance, None,
        ))
        .map_err(|e| GpuError::NoAdapter(e.to_string()))?;
        Self::from_adapter(adapter)
    }

    pub fn from_adapter(adapter: wgpu::Adapter) -> Result<Gpu, GpuError> {
        let caps = adapter.get_downlevel_capabilities();
        let mut missing = Vec::new();
        if !caps.flags.contains(wgpu::DownlevelFlags::COMPUTE_SHADERS) {
            missing.push("compute shaders");
        }
        if !caps
            .flags
            .contains(wgpu::DownlevelFlags::INDIRECT_EXECUTION)
        {
            missing.push("indirect execution");
        }
        // The head's depth pre-pass writes linear depth into an R32Float target
        // that the splat pass tests impressions against; GL drivers without
        // EXT_color_buffer_float cannot render to it.
        let depth_target = adapter.get_texture_format_features(wgpu::TextureFormat::R32Float);
        if !depth_target
            .allowed_usages
            .contains(wgpu::TextureUsages::RENDER_ATTACHMENT)
        {
            missing.push("rendering to R32Float (try WGPU_BACKEND=vulkan)");
        }
        if adapter.limits().max_storage_buffers_per_shader_stage < 8 {
            missing.push("8 storage buffers per shader stage");
        }
        if !missing.is_empty() {
            return Err(GpuError::Unsupported {
                adapter: adapter.get_info().name,
                missing: missing.join(", "),
            });
        }
        // Timestamp queries, where the adapter has them, for `bench`.
        let optional = wgpu::Features::TIMESTAMP_QUERY;
        let (device, queue) = pollster::block_on(adapter.request_device(&wgpu::DeviceDescriptor {
            label: Some("smp-preview"),
            required_features: adapter.features() & optional,
            required_limits: adapter.limits(),
            ..Default::default()
        }))
        .map_err(|e| GpuError::Device(e.to_string()))?;
        let health = super::errors::watch(&device);
        Ok(Gpu {
            adapter,
            device,
            queue,
            health,
        })
    }

    /// "name (backend, type)".
    pub fn adapter_name(&self) -> String {
        let i = self.adapter.get_info();
        format!("{} ({:?}, {:?})", i.name, i.backend, i.device_type)
    }

    /// Adapter and the limits that matter for `info`.
    pub fn describe(&self) -> String {
        let i = self.adapter.get_info();
        let l = self.device.limits();
        let mut s = String::new();
        let _ = writeln!(s, "adapter:  {}", i.name);
        let _ = writeln!(s, "backend:  {:?} ({:?})", i.backend, i.device_type);
        let _ = writeln!(s, "driver:   {} {}", i.driver, i.driver_info);
        let _ = writeln!(
            s,
            "max texture side:            {} px",
            l.max_texture_dimension_2d
        );
        let _ = writeln!(
            s,
            "max storage buffer binding:  {} MiB",
            l.max_storage_buffer_binding_size / (1 << 20)
        );
        let _ = writeln!(
            s,
            "max buffer size:             {} MiB",
            l.max_buffer_size / (1 << 20)
        );
        let _ = writeln!(
            s,
            "storage buffers per stage:   {}",
            l.max_storage_buffers_per_shader_stage
        );
        let _ = writeln!(
            s,
            "max workgroups per dim:      {}",
            l.max_compute_workgroups_per_dimension
        );
        let _ = writeln!(
            s,
            "4x MSAA:                     {}",
            if self.msaa_samples() == 4 {
                "yes"
            } else {
                "no"
            }
        );
        let _ = write!(
            s,
            "max impressions:             {}",
            crate::gpu::impressions::max_impressions(&self.device)
        );
        s
    }

    /// 4 when the colour and depth formats support 4× MSAA, else 1.
    pub fn msaa_samples(&self) -> u32 {
        let ok = |f: wgpu::TextureFormat| {
            self.adapter
                .get_texture_format_features(f)
                .flags
                .sample_count_supported(4)
        };
        if ok(wgpu::TextureFormat::Rgba8UnormSrgb) && ok(wgpu::TextureFormat::Depth32Float) {
            4
        } else {
            1
        }
    }

    pub fn wait(&self) {
        let _ = self.device.poll(wgpu::PollType::wait_indefinitely());
    }
}
