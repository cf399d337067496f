//! wgpu's errors as values: nothing the user gives may abort the program.
//!
//! wgpu reports validation and out-of-memory errors through error scopes and,
//! outside any scope, to a handler whose default panics. Every device this
//! program opens gets a handler that records the error instead, and the
//! passes run inside [`checked`], which turns what was captured into an
//! error that says what was being done.

use super::{Gpu, GpuError};
use std::sync::{Arc, Mutex};

/// What the device reported outside any error scope, and whether it was lost.
#[derive(Default)]
pub struct DeviceHealth {
    uncaptured: Vec<String>,
    lost: Option<String>,
}

pub type SharedHealth = Arc<Mutex<DeviceHealth>>;

/// Route `device`'s uncaptured errors and its loss into `health`.
pub fn watch(device: &wgpu::Device) -> SharedHealth {
    let health = SharedHealth::default();
    let h = health.clone();
    device.on_uncaptured_error(Arc::new(move |e: wgpu::Error| {
        if let Ok(mut h) = h.lock() {
            h.uncaptured.push(e.to_string());
        }
    }));
    let h = health.clone();
    device.set_device_lost_callback(move |reason, message| {
        if let Ok(mut h) = h.lock() {
            h.lost = Some(if message.trim().is_empty() {
                format!("{reason:?}")
            } else {
                format!("{reason:?}: {message}")
            });
        }
    });
    health
}

impl Gpu {
    /// Why the device was lost, once it has been.
    pub fn lost(&self) -> Option<String> {
        self.health.lock().ok().and_then(|h| h.lost.clone())
    }

    /// Errors reported outside any scope since the last call.
    pub fn take_uncaptured(&self) -> Vec<String> {
        self.health
            .lock()
            .map(|mut h| std::mem::take(&mut h.uncaptured))
            .unwrap_or_default()
    }
}

/// Run `work` with the device's validation and out-of-memory errors caught;
/// `what` says what was being done, for the message.
pub fn checked<T>(
    gpu: &Gpu,
    what: &str,
    work: impl FnOnce() -> Result<T, GpuError>,
) -> Result<T, GpuError> {
    if let Some(why) = gpu.lost() {
        return Err(GpuError::Lost(why));
    }
    let memory = gpu.device.push_error_scope(wgpu::ErrorFilter::OutOfMemory);
    let validation = gpu.device.push_error_scope(wgpu::ErrorFilter::Validation);
    let result = work();
    let invalid = pollster::block_on(validation.pop());
    let out_of_memory = pollster::block_on(memory.pop());
    if let Some(e) = out_of_memory {
        return Err(GpuError::OutOfMemory(format!("{what}: {e}")));
    }
    if let Some(e) = invalid {
        return Err(GpuError::Validation(format!("{what}: {}", first_line(&e))));
    }
    if let Some(why) = gpu.lost() {
        return Err(GpuError::Lost(why));
    }
    let stray = gpu.take_uncaptured();
    if let Some(e) = stray.first() {
        return Err(GpuError::Validation(format!("{what}: {e}")));
    }
    result
}

/// wgpu's message, without the blank "Caused by" padding.
fn first_line(e: &wgpu::Error) -> String {
    let text = e.to_string();
    let parts: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && *l != "Caused by:")
        .collect();
    parts.join(": ")
}
