//! Timing frames: warm-up, then the median over many, by GPU timestamps
//! where the adapter has them and by wall time around submit + wait where not.

use super::workload::Workload;
use crate::gpu::renderer::ViewTargets;
use crate::gpu::timing::GpuTimer;
use anyhow::Result;
use std::time::Instant;

/// How many frames to warm up with and to time.
#[derive(Debug, Clone, Copy)]
pub struct FrameCounts {
    pub warmup: usize,
    pub timed: usize,
}

/// Median frame time and where it went.
#[derive(Debug, Clone, serde::Serialize)]
pub struct FrameTime {
    /// Median of the whole frame: depth pre-pass to the resolved image.
    pub frame_ms: f64,
    /// Median of wall time around submit + wait, for comparison.
    pub wall_ms: f64,
    /// Medians per pass (timestamp queries only): depth pre-pass, splat, shade.
    pub depth_prepass_ms: Option<f64>,
    pub splat_ms: Option<f64>,
    pub shade_ms: Option<f64>,
    pub frames: usize,
}

pub fn median(mut v: Vec<f64>) -> f64 {
    if v.is_empty() {
        return f64::NAN;
    }
    v.sort_by(f64::total_cmp);
    let m = v.len() / 2;
    if v.len() % 2 == 1 {
        v[m]
    } else {
        0.5 * (v[m - 1] + v[m])
    }
}

/// Time frames of the workload's scene at `width`×`height`. The frame loop
/// does what the viewer does each frame: write the frame uniform, record,
/// submit; the only readback is of the timestamps, after the frame is done.
pub fn frames(
    w: &Workload,
    timer: &GpuTimer,
    targets: &ViewTargets,
    counts: FrameCounts,
) -> Result<FrameTime> {
    let camera = w.camera(targets.width, targets.height);
    let output = targets.color.create_view(&Default::default());
    let (mut total, mut wall) = (Vec::new(), Vec::new());
    let (mut depth, mut splat, mut shade) = (Vec::new(), Vec::new(), Vec::new());
    for i in 0..counts.warmup + counts.timed {
        w.gpu.wait();
        let t = Instant::now();
        let mut encoder = w.gpu.device.create_command_encoder(&Default::default());
        w.renderer.encode_view_timed(
            &w.gpu,
            &mut encoder,
            &w.scene,
            &camera,
            targets,
            &output,
            Some(timer),
        );
        timer.resolve(&mut encoder);
        w.gpu.queue.submit([encoder.finish()]);
        w.gpu.wait();
        let wall_ms = t.elapsed().as_secs_f64() * 1e3;
        let times = timer.read(&w.gpu)?;
        if i < counts.warmup {
            continue;
        }
        wall.push(wall_ms);
        total.push(times.span_ms.unwrap_or(wall_ms));
        if times.span_ms.is_some() {
            depth.push(times.total("depth pre-pass"));
            splat.push(times.total("splat"));
            shade.push(times.total("shade"));
        }
    }
    let opt = |v: Vec<f64>| (!v.is_empty()).then(|| median(v));
    Ok(FrameTime {
        frame_ms: median(total),
        wall_ms: median(wall),
        depth_prepass_ms: opt(depth),
        splat_ms: opt(splat),
        shade_ms: opt(shade),
        frames: counts.timed,
    })
}

#[cfg(test)]
mod tests {
    use super::median;

    #[test]
    fn median_of_odd_and_even() {
        assert_eq!(median(vec![3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(vec![4.0, 1.0, 2.0, 3.0]), 2.5);
        assert!(median(vec![]).is_nan());
    }
}
