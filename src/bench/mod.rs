//! `smp-preview bench`: frame, placement and render figures on the adapter
//! wgpu finds, all from one run so that their ratios mean something.

pub mod measure;
pub mod report;
pub mod workload;

use crate::gpu::GpuError;
use crate::gpu::impressions::{BYTES_PER_IMPRESSION, Impressions, PLACEMENT_BYTES_PER_CANDIDATE};
use crate::gpu::timing::{GpuTimer, TimingMethod};
use crate::output::views::{self as render, RenderOptions};
use crate::plan::ViewName;
use anyhow::Result;
use measure::{FrameCounts, FrameTime};
pub use report::{BenchReport, ScalingRow};
use std::time::Instant;
use workload::Workload;

pub struct BenchOptions {
    /// Fewer frames (for CI and a first look).
    pub quick: bool,
    /// Also sweep 10 k – 1 M impressions and 720p – 4K.
    pub scaling: bool,
}

pub const FRAME_SIZE: (u32, u32) = (1280, 720);
/// The viewer's motion frames at 1280x720: the pixel budget's scale (0.5)
/// where a drag starts, and the adaptive scale's floor (0.2).
const MOTION_SIZES: [(&str, u32, u32); 2] = [("motion-360", 640, 360), ("motion-144", 256, 144)];
const COUNTS: [(&str, u32); 3] = [("100k", 100_000), ("300k", 300_000), ("1m", 1_000_000)];
const SCALING_COUNTS: [u32; 5] = [10_000, 30_000, 100_000, 300_000, 1_000_000];
const SCALING_SIZES: [(&str, u32, u32); 4] = [
    ("720p", 1280, 720),
    ("1080p", 1920, 1080),
    ("1440p", 2560, 1440),
    ("4K", 3840, 2160),
];

/// Run the benchmark; `progress` gets one line per step.
pub fn run(opts: &BenchOptions, mut progress: impl FnMut(&str)) -> Result<BenchReport> {
    let counts = if opts.quick {
        FrameCounts {
            warmup: 1,
            timed: 3,
        }
    } else {
        FrameCounts {
            warmup: 2,
            timed: 7,
        }
    };
    let steps = 3 + COUNTS.len() + 3 + if opts.scaling { 3 } else { 0 };
    let mut step = 0;
    let mut say = |what: &str| {
        step += 1;
        progress(&format!("[{step}/{steps}] {what}"));
    };
    let load_before = load_average();
    say("opening the adapter and placing the default plan");
    let mut w = Workload::new()?;
    let timer = GpuTimer::new(&w.gpu, 16);
    let (width, height) = FRAME_SIZE;
    let targets = w.renderer.targets(&w.gpu, width, height)?;
    let camera = w.camera(width, height);

    say("the viewer's motion frames of the default plan (three-quarter view)");
    let sizes: Vec<(u32, u32)> = MOTION_SIZES.iter().map(|&(_, w, h)| (w, h)).collect();
    let motion: Vec<(String, FrameTime)> = MOTION_SIZES
        .iter()
        .map(|(name, _, _)| name.to_string())
        .zip(measure::motion_frames(&w, &timer, &sizes, counts)?)
        .collect();

    let mut generated = Vec::new();
    let mut sets = vec![Impressions::upload(&w.gpu, "none", &[])];
    let mut scratch_per_impression = 0.0;
    for (name, n) in COUNTS {
        say(&format!("placing {n} impressions"));
        let placed = w.place(n)?;
        scratch_per_impression = placed.impressions.candidates as f64
            * PLACEMENT_BYTES_PER_CANDIDATE as f64
            / placed.impressions.count.max(1) as f64;
        generated.push(generated_row(&w, name, n, &placed, &camera)?);
        sets.push(placed.impressions);
    }
    say("frames at 1280x720: bare, 100k, 300k, 1m, interleaved");
    let mut times = measure::frames_interleaved(&mut w, &timer, &targets, &mut sets, counts)?;
    let bare = times.remove(0);
    let frames: Vec<(String, FrameTime)> = COUNTS
        .iter()
        .map(|(name, _)| name.to_string())
        .zip(times)
        .collect();

    say("placement at the adapter's limit");
    let max_impressions = crate::gpu::impressions::max_impressions(&w.gpu.device);
    let over_limit_error = match w.place(max_impressions as u32 + 1) {
        Err(e) if e.downcast_ref::<GpuError>().is_some() => e.to_string(),
        Err(e) => return Err(e),
        Ok(p) => anyhow::bail!(
            "placing {} impressions, past the limit of {max_impressions}, did not fail (placed {})",
            max_impressions + 1,
            p.impressions.count
        ),
    };

    let scaling = if opts.scaling {
        Some(scaling(
            &mut w, &timer, counts, &mut sets, &generated, &mut say,
        )?)
    } else {
        None
    };
    drop(sets);

    say("render of five 1920x1080 views with PNG encoding");
    let render_s = time_render()?;
    say("building the default plan's head, and its occlusion bake");
    let (head_build_ms, occlusion_bake_ms) = time_head_build()?;

    let frame = |name: &str| {
        frames
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, f)| f.frame_ms)
            .unwrap_or(f64::NAN)
    };
    let generate = |name: &str| {
        generated
            .iter()
            .find(|g| g.name == name)
            .map(|g| g.generate_ms)
            .unwrap_or(f64::NAN)
    };
    let info = w.gpu.adapter.get_info();
    Ok(BenchReport {
        adapter: info.name.clone(),
        backend: format!("{:?}", info.backend),
        device_type: format!("{:?}", info.device_type),
        driver: format!("{} {}", info.driver, info.driver_info),
        frame_timing: timer.method(),
        generate_timing: TimingMethod::WallTime,
        width,
        height,
        msaa_samples: w.gpu.msaa_samples(),
        view: workload::BENCH_VIEW.as_str().to_string(),
        frame_ms_bare: bare.frame_ms,
        frame_ms_100k: frame("100k"),
        frame_ms_300k: frame("300k"),
        frame_ms_1m: frame("1m"),
        ratio_100k: frame("100k") / bare.frame_ms,
        ratio_300k: frame("300k") / bare.frame_ms,
        ratio_1m: frame("1m") / bare.frame_ms,
        generate_ms_100k: generate("100k"),
        generate_ms_1m: generate("1m"),
        render_5views_1080p_s: render_s,
        head_build_ms,
        occlusion_bake_ms,
        bytes_per_impression: BYTES_PER_IMPRESSION,
        placement_scratch_bytes_per_impression: scratch_per_impression,
        max_impressions,
        over_limit_error,
        bare,
        frames: frames.into_iter().collect(),
        motion_frame_ms_360: motion[0].1.frame_ms,
        motion_frame_ms_144: motion[1].1.frame_ms,
        motion,
        generated,
        scaling,
        quick: opts.quick,
        load_average_before: load_before,
        load_average_after: load_average(),
    })
}

/// Frame and placement time from 10 k to 1 M impressions at 720p, and the
/// bare and 1 M frames from 720p to 4K; `sets` holds the bare head and the
/// main run's 100 k, 300 k and 1 M placements (`generated`).
fn scaling(
    w: &mut Workload,
    timer: &GpuTimer,
    counts: FrameCounts,
    sets: &mut Vec<Impressions>,
    generated: &[report::Generated],
    say: &mut impl FnMut(&str),
) -> Result<Vec<ScalingRow>> {
    let (width, height) = FRAME_SIZE;
    let targets = w.renderer.targets(&w.gpu, width, height)?;
    say("scaling: placing 10k and 30k");
    let mut placed_ms: Vec<(u32, f64)> = generated
        .iter()
        .map(|g| (g.requested, g.generate_ms))
        .collect();
    let mut extra = Vec::new();
    for n in SCALING_COUNTS {
        if placed_ms.iter().any(|(m, _)| *m == n) {
            continue;
        }
        let placed = w.place(n)?;
        placed_ms.push((n, placed.generate_ms));
        extra.push((n, placed.impressions));
    }
    // The bare head, then every count in ascending order.
    let mut by_count: Vec<(u32, Impressions)> = extra;
    let main: Vec<Impressions> = sets.drain(1..).collect();
    by_count.extend(generated.iter().map(|g| g.requested).zip(main));
    by_count.sort_by_key(|(n, _)| *n);
    let (ns, mut all): (Vec<u32>, Vec<Impressions>) = by_count.into_iter().unzip();
    all.insert(0, sets.remove(0));
    say("scaling: frames at 720p, bare and 10k to 1M interleaved");
    let times = measure::frames_interleaved(w, timer, &targets, &mut all, counts)?;
    drop(targets);
    let mut rows = Vec::new();
    for (k, f) in times.iter().enumerate() {
        let n = if k == 0 { 0 } else { ns[k - 1] };
        let g = placed_ms.iter().find(|(m, _)| *m == n).map(|(_, ms)| *ms);
        rows.push(row(n, "720p", g, f));
    }
    say("scaling: bare and 1M from 720p to 4K, interleaved per size");
    let million = all.pop().expect("1 M is the largest count");
    let bare = all.swap_remove(0);
    drop(all);
    let mut pair = [bare, million];
    for (name, width, height) in SCALING_SIZES {
        let targets = w.renderer.targets(&w.gpu, width, height)?;
        let t = measure::frames_interleaved(w, timer, &targets, &mut pair, counts)?;
        rows.push(row(0, name, None, &t[0]));
        rows.push(row(1_000_000, name, None, &t[1]));
    }
    Ok(rows)
}

fn generated_row(
    w: &Workload,
    name: &str,
    n: u32,
    placed: &workload::Placed,
    camera: &crate::camera::Camera,
) -> Result<report::Generated> {
    Ok(report::Generated {
        name: name.to_string(),
        requested: n,
        placed: placed.impressions.count,
        in_view: w.in_view(&placed.impressions, camera)?,
        generate_ms: placed.generate_ms,
        rounds: placed.impressions.rounds,
        waves: placed.impressions.waves,
        candidates: placed.impressions.candidates,
        drawn: placed.impressions.drawn,
        spacing_mm: placed.spacing_mm,
        diameter_mm: placed.diameter_mm,
    })
}

fn row(n: u32, size: &str, generate_ms: Option<f64>, f: &FrameTime) -> ScalingRow {
    ScalingRow {
        impressions: n,
        size: size.to_string(),
        frame_ms: f.frame_ms,
        splat_ms: f.splat_ms,
        generate_ms,
    }
}

/// The whole `render` of five 1920×1080 views of the default plan (plan,
/// device, placement, statistics, frames, PNGs and the sheet), in seconds.
fn time_render() -> Result<f64> {
    let dir = std::env::temp_dir().join(format!("smp-bench-{}", std::process::id()));
    let opts = RenderOptions {
        views: vec![
            ViewName::Front,
            ViewName::Left,
            ViewName::Right,
            ViewName::Back,
            ViewName::Top,
        ],
        width: 1920,
        height: 1080,
        out_dir: dir.clone(),
        sheet: true,
    };
    let t = Instant::now();
    let loaded = crate::loading::load(None)?;
    render::render(&loaded, &opts, &Default::default())?;
    let seconds = t.elapsed().as_secs_f64();
    let _ = std::fs::remove_dir_all(&dir);
    Ok(seconds)
}

/// The default plan's head built from the embedded mesh (morph,
/// subdivision, normals, occlusion bake), and the occlusion bake alone over
/// the built head's vertices: medians of three, ms. A head is built when a
/// plan loads and when the viewer's shape sliders change it.
fn time_head_build() -> Result<(f64, f64)> {
    use crate::head::occlusion::{Occluder, sky_view};
    let plan = crate::loading::load_plan(None)?;
    let (mut builds, mut bakes) = (Vec::new(), Vec::new());
    for _ in 0..3 {
        let t = Instant::now();
        let head = crate::loading::load_head(&plan, None)?;
        builds.push(t.elapsed().as_secs_f64() * 1e3);
        let points: Vec<glam::Vec3> = head.vertices.iter().map(|v| v.position_mm.into()).collect();
        let normals: Vec<glam::Vec3> = head.vertices.iter().map(|v| v.normal.into()).collect();
        let triangles: Vec<[u32; 3]> = head
            .indices
            .chunks_exact(3)
            .map(|t| [t[0], t[1], t[2]])
            .collect();
        let occluder = Occluder {
            positions: &points,
            triangles: &triangles,
        };
        let t = Instant::now();
        std::hint::black_box(sky_view(&points, &normals, occluder, 0.0));
        bakes.push(t.elapsed().as_secs_f64() * 1e3);
    }
    Ok((measure::median(builds), measure::median(bakes)))
}

/// The 1-minute load average, where the OS tells it (Linux).
fn load_average() -> Option<f64> {
    std::fs::read_to_string("/proc/loadavg")
        .ok()?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}
