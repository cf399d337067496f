//! The benchmark's figures: JSON (`--json`) and the printed table.

use super::measure::FrameTime;
use crate::gpu::timing::TimingMethod;
use serde::Serialize;
use std::fmt::Write;

#[derive(Debug, Clone, Serialize)]
pub struct BenchReport {
    pub adapter: String,
    pub backend: String,
    pub device_type: String,
    pub driver: String,
    /// How frame times were measured.
    pub frame_timing: TimingMethod,
    /// How placement times were measured (it reads its round counters back,
    /// so it is timed as the caller sees it).
    pub generate_timing: TimingMethod,
    pub width: u32,
    pub height: u32,
    pub msaa_samples: u32,
    pub view: String,
    pub frame_ms_bare: f64,
    pub frame_ms_100k: f64,
    pub frame_ms_300k: f64,
    pub frame_ms_1m: f64,
    pub ratio_100k: f64,
    pub ratio_300k: f64,
    pub ratio_1m: f64,
    pub generate_ms_100k: f64,
    pub generate_ms_1m: f64,
    pub render_5views_1080p_s: f64,
    /// The default plan's head built (morph, subdivision, occlusion bake), ms.
    pub head_build_ms: f64,
    /// Of which the occlusion bake (`head::occlusion`), ms.
    pub occlusion_bake_ms: f64,
    /// GPU memory per placed impression, kept for as long as the plan is shown.
    pub bytes_per_impression: u64,
    /// Scratch memory of the placement pass per impression (the 1 M run),
    /// freed when placement ends.
    pub placement_scratch_bytes_per_impression: f64,
    /// The most impressions this adapter's limits allow.
    pub max_impressions: u64,
    /// What placing one more than that says.
    pub over_limit_error: String,
    pub bare: FrameTime,
    pub frames: Vec<(String, FrameTime)>,
    /// The viewer's frames while the head turns, the default plan seen
    /// three-quarter: at 640x360 (where a drag at 1280x720 starts) and at
    /// 256x144 (the adaptive scale's floor). The viewer adds its window's
    /// blit, UI and present (about 7 ms on lavapipe at 1280x720).
    pub motion_frame_ms_360: f64,
    pub motion_frame_ms_144: f64,
    pub motion: Vec<(String, FrameTime)>,
    pub generated: Vec<Generated>,
    pub scaling: Option<Vec<ScalingRow>>,
    pub quick: bool,
    /// The machine's 1-minute load average before and after (Linux only):
    /// other work on the machine inflates every figure.
    pub load_average_before: Option<f64>,
    pub load_average_after: Option<f64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Generated {
    pub name: String,
    pub requested: u32,
    pub placed: u32,
    /// Facing the camera inside the frame.
    pub in_view: u32,
    pub generate_ms: f64,
    pub rounds: u32,
    /// Waves of candidates the placement took (see `gpu::impressions`).
    pub waves: u32,
    /// Candidate slots (the scratch memory) and the candidates drawn in all.
    pub candidates: u32,
    pub drawn: u32,
    pub spacing_mm: f32,
    pub diameter_mm: f32,
}

#[derive(Debug, Clone, Serialize)]
pub struct ScalingRow {
    pub impressions: u32,
    pub size: String,
    pub frame_ms: f64,
    pub splat_ms: Option<f64>,
    pub generate_ms: Option<f64>,
}

fn opt(v: Option<f64>) -> String {
    v.map_or("-".into(), |v| format!("{v:.1}"))
}

impl BenchReport {
    pub fn table(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(
            s,
            "adapter: {} ({}, {}), {}",
            self.adapter, self.backend, self.device_type, self.driver
        );
        let _ = writeln!(
            s,
            "frames: {}x{}, {}x MSAA, view {}, medians of {} frames after warm-up, {}; placement: {}",
            self.width,
            self.height,
            self.msaa_samples,
            self.view,
            self.bare.frames,
            self.frame_timing.describe(),
            self.generate_timing.describe()
        );
        let _ = writeln!(
            s,
            "\n{:<10} {:>7} {:>9} {:>10} {:>9} {:>9} {:>7} {:>9} {:>8} {:>8} {:>11} {:>7} {:>5}",
            "",
            "in view",
            "frame ms",
            "ratio",
            "depth ms",
            "splat ms",
            "sss ms",
            "shade ms",
            "lens ms",
            "wall ms",
            "generate ms",
            "rounds",
            "waves"
        );
        // Still frames against the bare one; the motion frames (another
        // size, another view) stand alone.
        let line = |s: &mut String,
                    name: &str,
                    f: &FrameTime,
                    g: Option<&Generated>,
                    still: bool| {
            let _ = writeln!(
                s,
                "{:<10} {:>7} {:>9.1} {:>10} {:>9} {:>9} {:>7} {:>9} {:>8} {:>8.1} {:>11} {:>7} {:>5}",
                name,
                match (g, still) {
                    (Some(g), _) => g.in_view.to_string(),
                    (None, true) => "0".into(),
                    (None, false) => "-".into(),
                },
                f.frame_ms,
                if still {
                    format!("{:.2}", f.frame_ms / self.frame_ms_bare)
                } else {
                    "-".into()
                },
                opt(f.depth_prepass_ms),
                opt(f.splat_ms),
                opt(f.subsurface_ms),
                opt(f.shade_ms),
                opt(f.lens_ms),
                f.wall_ms,
                g.map_or("-".into(), |g| format!("{:.1}", g.generate_ms)),
                g.map_or("-".into(), |g| g.rounds.to_string()),
                g.map_or("-".into(), |g| g.waves.to_string()),
            );
        };
        line(&mut s, "bare", &self.bare, None, true);
        for (name, f) in &self.frames {
            line(
                &mut s,
                name,
                f,
                self.generated.iter().find(|g| &g.name == name),
                true,
            );
        }
        for (name, f) in &self.motion {
            line(&mut s, name, f, None, false);
        }
        let _ = writeln!(s);
        let _ = writeln!(s, "frame_ms_bare          {:>10.1}", self.frame_ms_bare);
        let _ = writeln!(s, "frame_ms_100k          {:>10.1}", self.frame_ms_100k);
        let _ = writeln!(s, "frame_ms_300k          {:>10.1}", self.frame_ms_300k);
        let _ = writeln!(s, "frame_ms_1m            {:>10.1}", self.frame_ms_1m);
        let _ = writeln!(s, "ratio_100k             {:>10.2}", self.ratio_100k);
        let _ = writeln!(s, "ratio_1m               {:>10.2}", self.ratio_1m);
        let _ = writeln!(
            s,
            "motion_frame_ms_360    {:>10.1}   (the viewer's, default plan; 144: {:.1})",
            self.motion_frame_ms_360, self.motion_frame_ms_144
        );
        let _ = writeln!(s, "generate_ms_100k       {:>10.1}", self.generate_ms_100k);
        let _ = writeln!(s, "generate_ms_1m         {:>10.1}", self.generate_ms_1m);
        let _ = writeln!(
            s,
            "render_5views_1080p_s  {:>10.2}",
            self.render_5views_1080p_s
        );
        let _ = writeln!(s, "head_build_ms          {:>10.1}", self.head_build_ms);
        let _ = writeln!(
            s,
            "occlusion_bake_ms      {:>10.1}   (of the head build, over its vertices)",
            self.occlusion_bake_ms
        );
        let _ = writeln!(
            s,
            "bytes_per_impression   {:>10}   (placement scratch while placing: {:.0})",
            self.bytes_per_impression, self.placement_scratch_bytes_per_impression
        );
        let _ = writeln!(s, "max_impressions        {:>10}", self.max_impressions);
        let _ = writeln!(s, "  past it: {}", self.over_limit_error);
        if let Some(rows) = &self.scaling {
            let _ = writeln!(
                s,
                "\n{:>11} {:>6} {:>9} {:>9} {:>11}",
                "impressions", "size", "frame ms", "splat ms", "generate ms"
            );
            for r in rows {
                let _ = writeln!(
                    s,
                    "{:>11} {:>6} {:>9.1} {:>9} {:>11}",
                    r.impressions,
                    r.size,
                    r.frame_ms,
                    opt(r.splat_ms),
                    opt(r.generate_ms)
                );
            }
        }
        let load = |l: Option<f64>| l.map_or("?".into(), |l| format!("{l:.2}"));
        let _ = write!(
            s,
            "load average (1 min): {} before, {} after{}",
            load(self.load_average_before),
            load(self.load_average_after),
            if self.quick { "; --quick" } else { "" }
        );
        s
    }
}
