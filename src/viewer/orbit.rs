//! The orbit camera: yaw free, pitch clamped, zoom and pan clamped, smooth
//! jumps to the named views, a slow turntable. Plain math (no window types),
//! so it is unit-tested without a display.

use crate::camera::{Camera, FOV_Y_DEG};
use crate::plan::ViewName;
use glam::{Vec2, Vec3};
use std::f32::consts::{PI, TAU};

/// Pitch stays within ±this (radians): the camera never flips over the top.
pub const PITCH_LIMIT: f32 = 85.0 * PI / 180.0;
/// Zoom range, as multiples of the front view's framing distance.
pub const ZOOM_RANGE: (f32, f32) = (0.25, 3.0);
/// Pan reach, mm from the head's centre.
pub const PAN_LIMIT_MM: f32 = 150.0;
/// Degrees of yaw or pitch per pixel dragged.
pub const DEG_PER_PX: f32 = 0.35;
/// Turntable speed: a slow turn, one revolution in 30 s.
pub const TURNTABLE_RAD_PER_S: f32 = TAU / 30.0;
/// Rate of the smooth jumps (1/s): ~95 % of the way in 3 / RATE seconds.
pub const JUMP_RATE: f32 = 7.0;
/// Distance change per wheel step.
pub const ZOOM_PER_STEP: f32 = 0.9;

/// Where the camera is: yaw 0 looks at the face, +90° from the client's left;
/// pitch up is positive; `pan` moves the target across the view (mm).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Pose {
    pub yaw: f32,
    pub pitch: f32,
    pub distance: f32,
    pub pan: Vec2,
}

#[derive(Debug, Clone)]
pub struct Orbit {
    pub pose: Pose,
    goal: Option<Pose>,
    pub turntable: bool,
    center: Vec3,
    bounds: (Vec3, Vec3),
    /// The front view's distance: zoom limits are relative to it.
    fit: f32,
}

/// Unit vector from the target toward the camera.
pub fn direction(yaw: f32, pitch: f32) -> Vec3 {
    Vec3::new(
        yaw.sin() * pitch.cos(),
        pitch.sin(),
        yaw.cos() * pitch.cos(),
    )
}

/// `a` wrapped into (-π, π].
fn wrap(a: f32) -> f32 {
    let w = (a + PI).rem_euclid(TAU) - PI;
    if w <= -PI { w + TAU } else { w }
}

impl Orbit {
    /// An orbit around a head with `bounds`, starting at `view` framed for `aspect`.
    pub fn new(bounds: (Vec3, Vec3), view: ViewName, aspect: f32) -> Orbit {
        let front = Camera::preset(ViewName::Front, bounds, aspect);
        let mut o = Orbit {
            pose: Pose {
                yaw: 0.0,
                pitch: 0.0,
                distance: 1.0,
                pan: Vec2::ZERO,
            },
            goal: None,
            turntable: false,
            center: front.target,
            bounds,
            fit: (front.eye - front.target).length(),
        };
        o.pose = o.preset_pose(view, aspect);
        o
    }

    /// The pose of the named view (the headless renderer's framing).
    pub fn preset_pose(&self, view: ViewName, aspect: f32) -> Pose {
        let cam = Camera::preset(view, self.bounds, aspect);
        let d = cam.eye - cam.target;
        let dir = d.normalize();
        let (yaw, pitch) = (
            dir.x.atan2(dir.z),
            dir.y.asin().clamp(-PITCH_LIMIT, PITCH_LIMIT),
        );
        // A view framed on part of the head (the top view) aims off the
        // orbit's centre: pan across the line of sight, and move along it.
        let dir = direction(yaw, pitch);
        let right = Vec3::new(yaw.cos(), 0.0, -yaw.sin());
        let up = dir.cross(right).normalize();
        let off = cam.target - self.center;
        Pose {
            yaw,
            pitch,
            distance: d.length() + off.dot(dir),
            pan: Vec2::new(off.dot(right), off.dot(up)),
        }
    }

    /// Glide to the named view.
    pub fn jump(&mut self, view: ViewName, aspect: f32) {
        self.goal = Some(self.preset_pose(view, aspect));
    }

    /// Snap to the named view at once.
    pub fn snap(&mut self, view: ViewName, aspect: f32) {
        self.goal = None;
        self.pose = self.preset_pose(view, aspect);
    }

    /// True while a jump is under way.
    pub fn gliding(&self) -> bool {
        self.goal.is_some()
    }

    /// True while the picture changes on its own (glide or turntable).
    pub fn animating(&self) -> bool {
        self.goal.is_some() || self.turntable
    }

    /// Drag to orbit: pixels moved right and down.
    pub fn rotate(&mut self, dx_px: f32, dy_px: f32) {
        self.goal = None;
        let k = DEG_PER_PX.to_radians();
        self.pose.yaw = wrap(self.pose.yaw - dx_px * k);
        self.pose.pitch = (self.pose.pitch + dy_px * k).clamp(-PITCH_LIMIT, PITCH_LIMIT);
    }

    /// Zoom by `steps` wheel steps (positive: closer).
    pub fn zoom_steps(&mut self, steps: f32) {
        self.zoom_factor(ZOOM_PER_STEP.powf(steps));
    }

    /// Multiply the distance by `factor` (pinch: 1 / the pinch's scale), clamped.
    pub fn zoom_factor(&mut self, factor: f32) {
        if !factor.is_finite() || factor <= 0.0 {
            return;
        }
        self.goal = None;
        let (lo, hi) = ZOOM_RANGE;
        self.pose.distance = (self.pose.distance * factor).clamp(lo * self.fit, hi * self.fit);
    }

    /// Pan: the head follows the pointer, `dx_px, dy_px` in a viewport
    /// `height_px` tall.
    pub fn pan(&mut self, dx_px: f32, dy_px: f32, height_px: f32) {
        self.goal = None;
        let mm_per_px =
            2.0 * self.pose.distance * (0.5 * FOV_Y_DEG.to_radians()).tan() / height_px.max(1.0);
        let p = self.pose.pan + Vec2::new(-dx_px, dy_px) * mm_per_px;
        self.pose.pan = p.clamp_length_max(PAN_LIMIT_MM);
    }

    /// Advance the turntable and any glide by `dt` seconds.
    pub fn update(&mut self, dt: f32) {
        let dt = dt.clamp(0.0, 0.25);
        if self.turntable {
            self.pose.yaw = wrap(self.pose.yaw + TURNTABLE_RAD_PER_S * dt);
            if let Some(g) = &mut self.goal {
                g.yaw = self.pose.yaw;
            }
        }
        let Some(goal) = self.goal else { return };
        let t = 1.0 - (-JUMP_RATE * dt).exp();
        let p = &mut self.pose;
        p.yaw = wrap(p.yaw + wrap(goal.yaw - p.yaw) * t);
        p.pitch += (goal.pitch - p.pitch) * t;
        p.distance += (goal.distance - p.distance) * t;
        p.pan += (goal.pan - p.pan) * t;
        let close = wrap(goal.yaw - p.yaw).abs() < 1e-3
            && (goal.pitch - p.pitch).abs() < 1e-3
            && (goal.distance - p.distance).abs() < 0.05
            && (goal.pan - p.pan).length() < 0.05;
        if close {
            *p = goal;
            self.goal = None;
        }
    }

    /// The camera for a viewport of `aspect`.
    pub fn camera(&self, aspect: f32) -> Camera {
        let p = &self.pose;
        let dir = direction(p.yaw, p.pitch);
        let right = Vec3::new(p.yaw.cos(), 0.0, -p.yaw.sin());
        let up = dir.cross(right).normalize();
        let target = self.center + right * p.pan.x + up * p.pan.y;
        Camera {
            eye: target + dir * p.distance,
            target,
            up: Vec3::Y,
            fov_y_deg: FOV_Y_DEG,
            aspect,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bounds() -> (Vec3, Vec3) {
        (
            Vec3::new(-80.0, -120.0, -100.0),
            Vec3::new(80.0, 140.0, 130.0),
        )
    }

    fn near(a: Vec3, b: Vec3) -> bool {
        (a - b).length() < 1e-2
    }

    #[test]
    fn named_views_match_the_headless_cameras() {
        for view in ViewName::ALL {
            let o = Orbit::new(bounds(), view, 16.0 / 9.0);
            let want = Camera::preset(view, bounds(), 16.0 / 9.0);
            let got = o.camera(16.0 / 9.0);
            assert!(
                near(got.eye, want.eye),
                "{view:?}: {} vs {}",
                got.eye,
                want.eye
            );
            // The same line of sight (the top view aims off the orbit's centre).
            let sight = (want.target - got.eye).normalize();
            assert!(near(sight, (got.target - got.eye).normalize()), "{view:?}");
            // The top view keeps +Y as up (the headless one turns the forehead up).
            if view != ViewName::Top {
                let (lo, hi) = bounds();
                for i in 0..8 {
                    let corner =
                        Vec3::select(glam::BVec3::new(i & 1 == 0, i & 2 == 0, i & 4 == 0), lo, hi);
                    let a = got.view_proj().project_point3(corner);
                    let b = want.view_proj().project_point3(corner);
                    assert!(a.abs_diff_eq(b, 1e-4), "{view:?}: {a} vs {b}");
                }
            }
        }
        // The front view is the headless camera bit for bit.
        let o = Orbit::new(bounds(), ViewName::Front, 1.5);
        assert_eq!(
            o.camera(1.5),
            Camera::preset(ViewName::Front, bounds(), 1.5)
        );
    }

    #[test]
    fn pitch_is_clamped_and_yaw_is_free() {
        let mut o = Orbit::new(bounds(), ViewName::Front, 1.0);
        o.rotate(0.0, 10_000.0);
        assert_eq!(o.pose.pitch, PITCH_LIMIT);
        o.rotate(0.0, -100_000.0);
        assert_eq!(o.pose.pitch, -PITCH_LIMIT);
        for _ in 0..20 {
            o.rotate(300.0, 0.0);
        }
        assert!(o.pose.yaw.abs() <= PI);
        // 6000 px at 0.35°/px = 2100° = 5 turns + 300°: yaw = -300° = +60°.
        assert!(
            (o.pose.yaw.to_degrees() - 60.0).abs() < 0.05,
            "{}",
            o.pose.yaw.to_degrees()
        );
        let cam = o.camera(1.0);
        assert!(cam.eye.is_finite());
    }

    #[test]
    fn dragging_right_brings_the_clients_right_side_into_view() {
        let mut o = Orbit::new(bounds(), ViewName::Front, 1.0);
        o.rotate(90.0 / DEG_PER_PX, 0.0);
        // The camera went to the client's right (−X).
        assert!(o.camera(1.0).eye.x < -100.0);
    }

    #[test]
    fn zoom_is_clamped() {
        let mut o = Orbit::new(bounds(), ViewName::Front, 1.0);
        let fit = o.pose.distance;
        o.zoom_steps(100.0);
        assert!((o.pose.distance - fit * ZOOM_RANGE.0).abs() < 1e-3);
        o.zoom_steps(-100.0);
        assert!((o.pose.distance - fit * ZOOM_RANGE.1).abs() < 1e-2);
        o.zoom_factor(f32::NAN);
        assert!(o.pose.distance.is_finite());
    }

    #[test]
    fn pan_moves_the_target_across_the_view_and_is_clamped() {
        let mut o = Orbit::new(bounds(), ViewName::Front, 1.0);
        let before = o.camera(1.0);
        o.pan(-100.0, 0.0, 720.0);
        let after = o.camera(1.0);
        let moved = after.target - before.target;
        // Front view: the view's right is +... the client's right is -X; the
        // image's right is the client's left (+X). Pointer left → head left →
        // target to the image's right.
        assert!(
            moved.x > 0.0 && moved.y.abs() < 1e-3 && moved.z.abs() < 1e-3,
            "{moved}"
        );
        for _ in 0..1000 {
            o.pan(-500.0, 300.0, 720.0);
        }
        assert!(o.pose.pan.length() <= PAN_LIMIT_MM + 1e-3);
    }

    #[test]
    fn a_jump_glides_the_short_way_and_lands_exactly() {
        let mut o = Orbit::new(bounds(), ViewName::Front, 1.0);
        o.pose.yaw = 170f32.to_radians();
        o.jump(ViewName::Back, 1.0);
        let goal = o.preset_pose(ViewName::Back, 1.0);
        o.update(1.0 / 60.0);
        // 170° → 180° goes up through 180°, never back through 0°.
        assert!(o.pose.yaw.to_degrees().abs() > 170.0);
        assert!(o.gliding());
        let mut frames = 0;
        while o.gliding() && frames < 1000 {
            o.update(1.0 / 60.0);
            frames += 1;
        }
        assert!(!o.gliding(), "never landed");
        assert!(frames < 120, "took {frames} frames");
        assert_eq!(o.pose, goal);
        // A drag cancels a glide.
        o.jump(ViewName::Left, 1.0);
        o.rotate(1.0, 0.0);
        assert!(!o.gliding());
    }

    #[test]
    fn turntable_turns_slowly() {
        let mut o = Orbit::new(bounds(), ViewName::Front, 1.0);
        o.turntable = true;
        assert!(o.animating());
        for _ in 0..60 {
            o.update(1.0 / 60.0);
        }
        let deg = o.pose.yaw.to_degrees();
        assert!((deg - 12.0).abs() < 0.1, "{deg}");
        // A long stall does not jump the head around.
        o.update(10.0);
        assert!((o.pose.yaw.to_degrees() - deg - 3.0).abs() < 0.1);
    }
}
