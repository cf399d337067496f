//! Timing frames: warm-up, then the median over many, by GPU timestamps
//! where the adapter has them and by wall time around submit + wait where not.

use super::workload::Workload;
use crate::gpu::impressions::Impressions;
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
    /// Medians per pass (timestamp queries only): depth pre-pass, splat,
    /// subsurface diffusion, shade, the lens's depth of field.
    pub depth_prepass_ms: Option<f64>,
    pub splat_ms: Option<f64>,
    pub subsurface_ms: Option<f64>,
    pub shade_ms: Option<f64>,
    pub lens_ms: Option<f64>,
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

/// One frame's timings.
struct Sample {
    wall_ms: f64,
    times: crate::gpu::timing::PassTimes,
}

/// Render and time one frame of the workload's scene. It does what the viewer
/// does each frame: write the frame uniform, record, submit; the only
/// readback is of the timestamps, after the frame is done.
fn frame(w: &Workload, timer: &GpuTimer, targets: &ViewTargets) -> Result<Sample> {
    frame_from(w, timer, targets, &w.camera(targets.width, targets.height))
}

fn frame_from(
    w: &Workload,
    timer: &GpuTimer,
    targets: &ViewTargets,
    camera: &crate::camera::Camera,
) -> Result<Sample> {
    let output = targets.color.create_view(&Default::default());
    w.gpu.wait();
    let t = Instant::now();
    let mut encoder = w.gpu.device.create_command_encoder(&Default::default());
    w.renderer.encode_view_timed(
        &w.gpu,
        &mut encoder,
        &w.scene,
        camera,
        targets,
        &output,
        Some(timer),
    );
    timer.resolve(&mut encoder);
    w.gpu.queue.submit([encoder.finish()]);
    w.gpu.wait();
    let wall_ms = t.elapsed().as_secs_f64() * 1e3;
    Ok(Sample {
        wall_ms,
        times: timer.read(&w.gpu)?,
    })
}

fn summarise(samples: &[Sample]) -> FrameTime {
    let total = samples
        .iter()
        .map(|s| s.times.span_ms.unwrap_or(s.wall_ms))
        .collect();
    let wall = samples.iter().map(|s| s.wall_ms).collect();
    let timed = samples.iter().all(|s| s.times.span_ms.is_some()) && !samples.is_empty();
    // A pass the frames do not run (the lens, in motion frames) has no figure.
    let ran = |label: &str| {
        samples
            .iter()
            .all(|s| s.times.passes.iter().any(|(l, _)| *l == label))
    };
    let pass = |label: &str| {
        (timed && ran(label))
            .then(|| median(samples.iter().map(|s| s.times.total(label)).collect()))
    };
    FrameTime {
        frame_ms: median(total),
        wall_ms: median(wall),
        depth_prepass_ms: pass("depth pre-pass"),
        splat_ms: pass("splat"),
        subsurface_ms: pass("subsurface"),
        shade_ms: pass("shade"),
        lens_ms: pass("lens"),
        frames: samples.len(),
    }
}

/// Time frames of the head with each of `sets` in turn (an empty set: the
/// bare head), interleaved frame by frame, so that every set sees the same
/// machine: on a CPU shared with other work the load drifts over a run, and
/// timing one set after the other would put that drift into the ratios.
pub fn frames_interleaved(
    w: &mut Workload,
    timer: &GpuTimer,
    targets: &ViewTargets,
    sets: &mut [Impressions],
    counts: FrameCounts,
) -> Result<Vec<FrameTime>> {
    interleaved(sets.len(), counts, |k| {
        std::mem::swap(&mut w.scene.impressions, &mut sets[k]);
        let sample = frame(w, timer, targets);
        std::mem::swap(&mut w.scene.impressions, &mut sets[k]);
        sample
    })
}

/// `cases` kinds of frame, each drawn by `sample(k)`, one of each in turn
/// for every warm-up and timed frame; the timed ones summarised per kind.
fn interleaved(
    cases: usize,
    counts: FrameCounts,
    mut sample: impl FnMut(usize) -> Result<Sample>,
) -> Result<Vec<FrameTime>> {
    let mut samples: Vec<Vec<Sample>> = (0..cases).map(|_| Vec::new()).collect();
    for i in 0..counts.warmup + counts.timed {
        for (k, kept) in samples.iter_mut().enumerate() {
            let s = sample(k)?;
            if i >= counts.warmup {
                kept.push(s);
            }
        }
    }
    Ok(samples.iter().map(|s| summarise(s)).collect())
}

/// The viewer's frames while the head turns (`Renderer::motion_targets`:
/// the coarse triangles, no multisampling, one impression of each run where
/// units are under a pixel) of the workload's own plan, from the
/// three-quarter view, at each of `sizes`, interleaved frame by frame.
pub fn motion_frames(
    w: &Workload,
    timer: &GpuTimer,
    sizes: &[(u32, u32)],
    counts: FrameCounts,
) -> Result<Vec<FrameTime>> {
    let views = sizes
        .iter()
        .map(|&(width, height)| {
            let targets = w.renderer.motion_targets(&w.gpu, width, height)?;
            let aspect = width as f32 / height as f32;
            let camera = crate::camera::Camera::preset(
                crate::plan::ViewName::ThreeQuarter,
                w.scene.bounds,
                aspect,
            );
            Ok((targets, camera))
        })
        .collect::<Result<Vec<_>>>()?;
    interleaved(views.len(), counts, |k| {
        let (targets, camera) = &views[k];
        frame_from(w, timer, targets, camera)
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
