//! GPU pass timing with timestamp queries, where the adapter has them.
//!
//! Each timed pass writes a timestamp at its beginning and at its end; after
//! the work is submitted, `read` resolves them into milliseconds per pass.
//! Without `Features::TIMESTAMP_QUERY` the timer hands out no timestamp
//! writes and `read` returns nothing: callers then fall back to wall time
//! around submit + wait (and say so).

use super::{Gpu, GpuError, readback};
use std::cell::RefCell;

pub struct GpuTimer {
    queries: Option<Queries>,
    labels: RefCell<Vec<&'static str>>,
    capacity: u32,
}

struct Queries {
    set: wgpu::QuerySet,
    resolve: wgpu::Buffer,
    period_ns: f64,
}

/// How a figure was measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum TimingMethod {
    /// GPU timestamp queries at the beginning and end of the passes.
    TimestampQueries,
    /// Wall time around submit + wait for the device to go idle.
    WallTime,
}

impl TimingMethod {
    pub fn describe(self) -> &'static str {
        match self {
            TimingMethod::TimestampQueries => "GPU timestamp queries",
            TimingMethod::WallTime => "wall time around submit + wait",
        }
    }
}

impl GpuTimer {
    /// A timer for up to `passes` passes per submission.
    pub fn new(gpu: &Gpu, passes: u32) -> GpuTimer {
        let capacity = (passes * 2).clamp(2, wgpu::QUERY_SET_MAX_QUERIES);
        let queries = gpu
            .device
            .features()
            .contains(wgpu::Features::TIMESTAMP_QUERY)
            .then(|| Queries {
                set: gpu.device.create_query_set(&wgpu::QuerySetDescriptor {
                    label: Some("pass timestamps"),
                    ty: wgpu::QueryType::Timestamp,
                    count: capacity,
                }),
                resolve: gpu.device.create_buffer(&wgpu::BufferDescriptor {
                    label: Some("timestamp resolve"),
                    size: capacity as u64 * wgpu::QUERY_SIZE as u64,
                    usage: wgpu::BufferUsages::QUERY_RESOLVE | wgpu::BufferUsages::COPY_SRC,
                    mapped_at_creation: false,
                }),
                period_ns: gpu.queue.get_timestamp_period() as f64,
            });
        GpuTimer {
            queries,
            labels: RefCell::new(Vec::new()),
            capacity,
        }
    }

    pub fn method(&self) -> TimingMethod {
        if self.queries.is_some() {
            TimingMethod::TimestampQueries
        } else {
            TimingMethod::WallTime
        }
    }

    /// The next pair of query indices, or `None` when there are no queries
    /// (or no room left).
    fn next(&self, label: &'static str) -> Option<(&wgpu::QuerySet, u32)> {
        let q = self.queries.as_ref()?;
        let mut labels = self.labels.borrow_mut();
        let base = labels.len() as u32 * 2;
        if base + 2 > self.capacity {
            return None;
        }
        labels.push(label);
        Some((&q.set, base))
    }

    pub fn compute(&self, label: &'static str) -> Option<wgpu::ComputePassTimestampWrites<'_>> {
        self.next(label)
            .map(|(query_set, base)| wgpu::ComputePassTimestampWrites {
                query_set,
                beginning_of_pass_write_index: Some(base),
                end_of_pass_write_index: Some(base + 1),
            })
    }

    pub fn render(&self, label: &'static str) -> Option<wgpu::RenderPassTimestampWrites<'_>> {
        self.next(label)
            .map(|(query_set, base)| wgpu::RenderPassTimestampWrites {
                query_set,
                beginning_of_pass_write_index: Some(base),
                end_of_pass_write_index: Some(base + 1),
            })
    }

    /// Record the resolve of every timestamp written so far; call once, after
    /// the last timed pass of the submission.
    pub fn resolve(&self, encoder: &mut wgpu::CommandEncoder) {
        let n = self.labels.borrow().len() as u32 * 2;
        if let (Some(q), true) = (&self.queries, n > 0) {
            encoder.resolve_query_set(&q.set, 0..n, &q.resolve, 0);
        }
    }

    /// Per timed pass: its label and its GPU time in ms, in the order the
    /// passes were recorded; also the span from the first pass's beginning
    /// to the last one's end. Clears the timer for the next submission.
    pub fn read(&self, gpu: &Gpu) -> Result<PassTimes, GpuError> {
        let labels = std::mem::take(&mut *self.labels.borrow_mut());
        let Some(q) = &self.queries else {
            return Ok(PassTimes::default());
        };
        if labels.is_empty() {
            return Ok(PassTimes::default());
        }
        let bytes = readback::read_buffer(gpu, &q.resolve, 0, labels.len() as u64 * 16)?;
        let ticks: Vec<u64> = bytemuck::pod_collect_to_vec(&bytes);
        let ms = |a: u64, b: u64| b.saturating_sub(a) as f64 * q.period_ns / 1e6;
        let passes = labels
            .iter()
            .enumerate()
            .map(|(i, l)| (*l, ms(ticks[2 * i], ticks[2 * i + 1])))
            .collect();
        Ok(PassTimes {
            passes,
            span_ms: Some(ms(ticks[0], ticks[ticks.len() - 1])),
        })
    }
}

/// What one submission's timestamps say.
#[derive(Debug, Clone, Default)]
pub struct PassTimes {
    pub passes: Vec<(&'static str, f64)>,
    /// From the first timed pass's beginning to the last one's end; `None`
    /// without timestamp queries.
    pub span_ms: Option<f64>,
}

impl PassTimes {
    /// The summed time of the passes with this label.
    pub fn total(&self, label: &str) -> f64 {
        self.passes
            .iter()
            .filter(|(l, _)| *l == label)
            .map(|(_, ms)| ms)
            .sum()
    }
}
