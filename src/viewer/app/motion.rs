//! How coarse the frames drawn while the head moves are, kept to a frame
//! rate: on a CPU rasteriser the motion frame's cost depends on the
//! machine's load as much as on its pixels (the same build measured 32 and
//! 50 ms a frame on two afternoons), so the resolution follows the frame
//! times measured, between the pixel budget's scale and 0.3 of it.

use std::collections::VecDeque;

/// Aimed-for interval between motion frames, ms (33 fps, so that the
/// viewer stays above 30 with the frame-to-frame spread).
pub const TARGET_MS: f32 = 30.0;
/// Motion frames looked at before the scale changes.
const WINDOW: usize = 6;
/// Each step up, the resolution's factor (per side).
const STEP: f32 = 0.85;
/// The most one step down may take off (per side). A step down is the
/// square root of the overrun (the frame's cost is not all pixels), at
/// least STEP and at most this: a single slow window cannot halve the
/// resolution.
const MAX_STEP_DOWN: f32 = 0.6;
/// The least factor of the pixel budget's scale (0.5 at 1280x720 becomes 0.15).
pub const MIN_FACTOR: f32 = 0.3;

pub struct MotionBudget {
    factor: f32,
    recent: VecDeque<f32>,
}

impl Default for MotionBudget {
    fn default() -> Self {
        MotionBudget {
            factor: 1.0,
            recent: VecDeque::with_capacity(WINDOW),
        }
    }
}

impl MotionBudget {
    /// The motion scale to draw at, given the pixel budget's (`auto`).
    pub fn scale(&self, auto: f32) -> f32 {
        (auto * self.factor).clamp(0.1, 1.0)
    }

    /// One motion frame came `interval_ms` after the one before.
    pub fn record(&mut self, interval_ms: f32) {
        if !interval_ms.is_finite() {
            return;
        }
        self.recent.push_back(interval_ms);
        if self.recent.len() < WINDOW {
            return;
        }
        let mut sorted: Vec<f32> = self.recent.drain(..).collect();
        sorted.sort_by(f32::total_cmp);
        let median = sorted[sorted.len() / 2];
        if median > TARGET_MS * 1.03 {
            // Down in proportion to the overrun: on a loaded machine a drag
            // starts at 80 ms a frame, and steps of 0.85 every ten frames
            // took 60 frames (two seconds) to reach the frame rate.
            let step = (TARGET_MS / median).sqrt().clamp(MAX_STEP_DOWN, STEP);
            self.factor = (self.factor * step).max(MIN_FACTOR);
        } else if median < TARGET_MS * 0.7 {
            self.factor = (self.factor / STEP).min(1.0);
        }
    }

    /// The head stopped: the next drag starts from what this one learnt,
    /// but not from a half-measured window.
    pub fn pause(&mut self) {
        self.recent.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slow_frames_lower_the_resolution_to_its_floor_and_fast_ones_raise_it() {
        let mut b = MotionBudget::default();
        assert_eq!(b.scale(0.5), 0.5);
        for _ in 0..200 {
            b.record(50.0);
        }
        assert_eq!(b.scale(0.5), 0.5 * MIN_FACTOR);
        for _ in 0..200 {
            b.record(12.0);
        }
        assert_eq!(b.scale(0.5), 0.5);
    }

    #[test]
    fn a_large_overrun_comes_down_in_a_few_windows() {
        // 80 ms a frame at the start of a drag on a loaded machine: the
        // floor within four windows (24 frames), not sixty frames.
        let mut b = MotionBudget::default();
        for _ in 0..4 * WINDOW {
            b.record(80.0);
        }
        assert_eq!(b.scale(0.5), 0.5 * MIN_FACTOR);
        // A small overrun takes the usual step.
        let mut b = MotionBudget::default();
        for _ in 0..WINDOW {
            b.record(TARGET_MS * 1.1);
        }
        assert_eq!(b.scale(1.0), STEP);
    }

    #[test]
    fn frames_near_the_target_keep_it() {
        let mut b = MotionBudget::default();
        for _ in 0..20 {
            b.record(45.0);
        }
        let settled = b.scale(0.5);
        assert!(settled < 0.5);
        for i in 0..100 {
            b.record(27.0 + (i % 5) as f32);
        }
        assert_eq!(b.scale(0.5), settled);
    }
}
