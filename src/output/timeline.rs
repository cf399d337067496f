//! The treatment as a film: before, each session on the day and settled
//! before the next, healed, five years on, from the three-quarter view with
//! a caption on each stage. Each stage is rendered once; the frames hold it
//! and cross-fade into the next, so only two stages are in memory at a time.

use super::text;
use super::video::{self, VideoSettings};
use crate::camera::Camera;
use crate::files::Inputs;
use crate::head::HeadMesh;
use crate::output::views::Prepared;
use crate::plan::{TreatmentPlan, ViewName};
use anyhow::Result;
use image::{Rgba, RgbaImage};
use std::path::Path;

/// Seconds each stage is shown when `--seconds` is not given.
pub const SECONDS_PER_STAGE: f32 = 2.0;
/// The part of a stage's time spent fading into the next.
const FADE_SHARE: f32 = 0.3;
/// The healed look is shown two months after the last session; then five years.
const HEALED_DAYS: f32 = 60.0;
const YEARS_DAYS: f32 = 5.0 * 365.0;

/// One moment of the treatment: what the plan shows and what the caption says.
#[derive(Debug, Clone, PartialEq)]
pub struct Stage {
    pub caption: String,
    /// 0: before treatment; k: after session k.
    pub session: u32,
    pub days_after: f32,
}

/// The stages of `plan`'s treatment, in order.
pub fn stages(plan: &TreatmentPlan) -> Vec<Stage> {
    let days = plan.session_days();
    let n = plan.sessions.len();
    let stage = |caption: String, session: usize, days_after: f32| Stage {
        caption,
        session: session as u32,
        days_after,
    };
    let mut out = vec![stage("Before treatment".into(), 0, 0.0)];
    for k in 1..=n {
        out.push(stage(
            format!("Session {k} of {n} · on the day (day {:.0})", days[k - 1]),
            k,
            0.0,
        ));
        if k < n {
            let gap = (days[k] - days[k - 1]).max(1.0);
            out.push(stage(
                format!("Session {k} of {n} · settled, {gap:.0} days later"),
                k,
                gap,
            ));
        }
    }
    if n > 0 {
        out.push(stage(
            format!("Healed · 2 months after session {n}"),
            n,
            HEALED_DAYS,
        ));
        out.push(stage("5 years later".into(), n, YEARS_DAYS));
    }
    out
}

/// The default length: `SECONDS_PER_STAGE` a stage, within what a video may be.
pub fn default_seconds(plan: &TreatmentPlan) -> f32 {
    let (lo, hi) = video::SECONDS;
    (stages(plan).len() as f32 * SECONDS_PER_STAGE).clamp(lo, hi)
}

/// Which stage frame `i` of `n` shows, and how far it has faded into the
/// next (0: not at all).
pub fn stage_at(i: u32, n: u32, stages: usize) -> (usize, f32) {
    let per = n as f32 / stages.max(1) as f32;
    let t = i as f32 / per;
    let s = (t.floor() as usize).min(stages.saturating_sub(1));
    let into = t - s as f32;
    let fade_from = 1.0 - FADE_SHARE;
    let fade = if s + 1 < stages && into > fade_from {
        // Smooth in and out.
        let x = ((into - fade_from) / FADE_SHARE).clamp(0.0, 1.0);
        x * x * (3.0 - 2.0 * x)
    } else {
        0.0
    };
    (s, fade)
}

/// `a` faded towards `b` by `t`.
fn cross_fade(a: &RgbaImage, b: &RgbaImage, t: f32) -> RgbaImage {
    let mut out = a.clone();
    for (o, p) in out.pixels_mut().zip(b.pixels()) {
        for c in 0..3 {
            o[c] = (o[c] as f32 * (1.0 - t) + p[c] as f32 * t).round() as u8;
        }
    }
    out
}

/// The caption's size and band for a picture `height` px high.
fn caption_metrics(height: u32) -> (f32, u32) {
    let size_px = (height as f32 / 20.0).max(12.0);
    (size_px, (size_px * 1.9) as u32)
}

/// A dark band along the bottom, for the captions.
pub fn caption_band(img: &mut RgbaImage) {
    let (w, h) = img.dimensions();
    let (_, band) = caption_metrics(h);
    for y in h.saturating_sub(band)..h {
        for x in 0..w {
            let p = img.get_pixel_mut(x, y);
            for c in 0..3 {
                p[c] = (p[c] as f32 * 0.45) as u8;
            }
        }
    }
}

/// A caption on the band, at `opacity` (captions fade through nothing, so
/// two never show over each other).
pub fn caption(img: &mut RgbaImage, text_line: &str, opacity: f32) {
    let h = img.height();
    let (size_px, band) = caption_metrics(h);
    let top = h.saturating_sub(band) as f32;
    let alpha = (255.0 * opacity.clamp(0.0, 1.0)).round() as u8;
    let y = top + (band as f32 - size_px * 1.15) / 2.0;
    let color = Rgba([240, 242, 245, alpha]);
    text::draw(img, size_px * 0.9, y, size_px, color, text_line);
}

/// Render the timeline of `plan` into `path`; `progress(done, total)` after
/// each frame.
pub fn write(
    prepared: &mut Prepared,
    plan: &TreatmentPlan,
    head: &HeadMesh,
    settings: &VideoSettings,
    path: &Path,
    inputs: &Inputs,
    mut progress: impl FnMut(u32, u32),
) -> Result<()> {
    let stages = stages(plan);
    let (w, h) = (settings.width, settings.height);
    let targets = prepared.renderer.targets(&prepared.gpu, w, h)?;
    let camera = Camera::preset(
        ViewName::ThreeQuarter,
        prepared.scene.bounds,
        w as f32 / h as f32,
    );
    let render = |prepared: &mut Prepared, s: usize| -> Result<RgbaImage> {
        let stage = &stages[s];
        prepared
            .scene
            .restyle(&plan.shown_at(Some(stage.session), stage.days_after), head);
        let mut img =
            prepared
                .renderer
                .render_image(&prepared.gpu, &prepared.scene, &camera, &targets)?;
        caption_band(&mut img);
        Ok(img)
    };
    let n = settings.frames();
    // The stage shown and the next, rendered once each.
    let mut held: Option<(usize, RgbaImage, Option<RgbaImage>)> = None;
    let result = video::write(path, inputs, settings, "--timeline", |i| {
        let (s, fade) = stage_at(i, n, stages.len());
        if held.as_ref().is_none_or(|(k, _, _)| *k != s) {
            let current = match held.take() {
                Some((k, _, Some(next))) if k + 1 == s => next,
                _ => render(prepared, s)?,
            };
            held = Some((s, current, None));
        }
        let (_, current, next) = held.as_mut().expect("held");
        let mut frame = if fade > 0.0 {
            if next.is_none() {
                *next = Some(render(prepared, s + 1)?);
            }
            cross_fade(current, next.as_ref().expect("rendered"), fade)
        } else {
            current.clone()
        };
        caption(&mut frame, &stages[s].caption, 1.0 - 2.0 * fade);
        if fade > 0.5 {
            caption(&mut frame, &stages[s + 1].caption, 2.0 * fade - 1.0);
        }
        progress(i + 1, n);
        Ok(frame)
    });
    prepared.scene.restyle(plan, head);
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_plan_walks_through_every_session_and_the_healing() {
        let plan = TreatmentPlan::default_plan();
        let s = stages(&plan);
        let captions: Vec<_> = s.iter().map(|s| s.caption.as_str()).collect();
        assert_eq!(s.len(), 2 + 2 * plan.sessions.len(), "{captions:?}");
        assert_eq!(s[0].session, 0);
        assert!(captions[1].starts_with("Session 1 of 3 · on the day"));
        assert!(captions[2].starts_with("Session 1 of 3 · settled"));
        assert_eq!(s[s.len() - 1].caption, "5 years later");
        assert_eq!(s[s.len() - 1].days_after, YEARS_DAYS);
        // Every stage is a moment after the one before it (a session's
        // settled look is on the day of the next, before it).
        let when = |st: &Stage| {
            let days = plan.session_days();
            let start = if st.session == 0 {
                -1.0
            } else {
                days[st.session as usize - 1]
            };
            start + st.days_after
        };
        assert!(s.windows(2).all(|p| when(&p[0]) <= when(&p[1])));
        assert!(s.windows(2).all(|p| p[0] != p[1]));
        assert_eq!(default_seconds(&plan), 2.0 * s.len() as f32);
    }

    #[test]
    fn frames_hold_each_stage_then_fade_into_the_next() {
        let (n, stages) = (80, 8);
        let shown: Vec<_> = (0..n).map(|i| stage_at(i, n, stages)).collect();
        for s in 0..stages {
            let frames = shown.iter().filter(|(k, _)| *k == s).count();
            assert_eq!(frames, 10, "stage {s}");
            assert_eq!(shown[s * 10].1, 0.0, "each stage starts unfaded");
        }
        assert!(shown[9].1 > 0.5, "the end of a stage is mostly the next");
        assert!(
            shown[n as usize - 1].1 == 0.0,
            "the last stage does not fade"
        );
        // Fades only grow within a stage.
        for w in shown.windows(2) {
            if w[0].0 == w[1].0 {
                assert!(w[1].1 >= w[0].1);
            }
        }
    }

    #[test]
    fn the_caption_darkens_the_band_and_writes_on_it() {
        let mut img = RgbaImage::from_pixel(320, 180, Rgba([200, 200, 200, 255]));
        caption_band(&mut img);
        caption(&mut img, "Session 1 of 3", 1.0);
        assert_eq!(*img.get_pixel(5, 5), Rgba([200, 200, 200, 255]));
        let band: Vec<_> = (0..320).map(|x| img.get_pixel(x, 175)[0]).collect();
        assert!(band.iter().all(|&v| v < 120));
        let bright = (150..180)
            .flat_map(|y| (0..160).map(move |x| (x, y)))
            .filter(|&(x, y)| img.get_pixel(x, y)[0] > 130)
            .count();
        assert!(bright > 30, "{bright} text pixels");
    }
}
