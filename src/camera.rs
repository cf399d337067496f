//! Cameras: the named views of a head, framed to fit it.

use crate::plan::ViewName;
use glam::{Mat4, Vec3};

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Camera {
    pub eye: Vec3,
    pub target: Vec3,
    pub up: Vec3,
    pub fov_y_deg: f32,
    pub aspect: f32,
}

/// A portrait lens: little perspective distortion of the face.
pub const FOV_Y_DEG: f32 = 24.0;

impl Camera {
    pub fn view(&self) -> Mat4 {
        glam::camera::rh::view::look_at_mat4(self.eye, self.target, self.up)
    }

    pub fn projection(&self) -> Mat4 {
        let dist = (self.eye - self.target).length();
        // wgpu clip space: z in [0, 1], y up (the DirectX convention).
        glam::camera::rh::proj::directx::perspective(
            self.fov_y_deg.to_radians(),
            self.aspect,
            (dist * 0.05).max(1.0),
            dist * 4.0,
        )
    }

    pub fn view_proj(&self) -> Mat4 {
        self.projection() * self.view()
    }

    /// Focal length in pixels for an image `height_px` tall.
    pub fn focal_px(&self, height_px: f32) -> f32 {
        0.5 * height_px / (0.5 * self.fov_y_deg.to_radians()).tan()
    }

    /// The named view of a head with bounds `(min, max)`, fitted to the frame.
    pub fn preset(view: ViewName, bounds: (Vec3, Vec3), aspect: f32) -> Camera {
        let (dir, up) = view_direction(view);
        let bounds = seen_part(view, bounds);
        let center = (bounds.0 + bounds.1) * 0.5;
        let half = (bounds.1 - bounds.0) * 0.5;
        let forward = -dir;
        let right = forward.cross(up).normalize();
        let true_up = right.cross(forward);
        // Extent of the box across the image, and along the view.
        let extent =
            |axis: Vec3| half.x * axis.x.abs() + half.y * axis.y.abs() + half.z * axis.z.abs();
        let (half_w, half_h, half_d) = (extent(right), extent(true_up), extent(forward));
        let tan_y = (0.5 * FOV_Y_DEG.to_radians()).tan();
        let fit = (half_h / tan_y).max(half_w / (tan_y * aspect)) * 1.06 + half_d;
        Camera {
            eye: center + dir * fit,
            target: center,
            up,
            fov_y_deg: FOV_Y_DEG,
            aspect,
        }
    }
}

impl Camera {
    /// A close-up of the frontal hairline and the client's left temple corner,
    /// from the front-left and a little above: where a practitioner looks
    /// first. `frontal_point` is the hairline's midpoint, `center` the scalp
    /// centre.
    pub fn hairline_closeup(frontal_point: Vec3, center: Vec3, aspect: f32) -> Camera {
        let out = (frontal_point - center).normalize();
        // Aim between the front and the left corner, close enough that single
        // impressions read as round dots (about 0.1 mm a pixel at 800×600),
        // from high enough that the band is not foreshortened.
        let target = frontal_point + Vec3::X * 18.0 + Vec3::Y * 14.0 - out * 4.0;
        let dir = Vec3::new(0.55, 0.45, 1.0).normalize();
        Camera {
            eye: target + dir * 150.0,
            target,
            up: Vec3::Y,
            fov_y_deg: FOV_Y_DEG,
            aspect,
        }
    }
}

/// From above only the skull over the ears shows (the face and the neck lie
/// under it): the top view frames that, as a practitioner's photograph of the
/// crown does, so the scalp fills the picture and the shoulders fall away to
/// its edges.
const TOP_VIEW_DEPTH_MM: f32 = 120.0;
/// The nose's share of the head's length front to back (its tip may leave
/// the top view's frame).
const NOSE_SHARE: f32 = 0.1;

/// The part of the head's bounds a view frames.
fn seen_part(view: ViewName, (lo, hi): (Vec3, Vec3)) -> (Vec3, Vec3) {
    match view {
        ViewName::Top => (
            Vec3::new(lo.x, lo.y.max(hi.y - TOP_VIEW_DEPTH_MM), lo.z),
            Vec3::new(hi.x, hi.y, hi.z - NOSE_SHARE * (hi.z - lo.z)),
        ),
        _ => (lo, hi),
    }
}

/// (direction from the head to the camera, up) in the head frame: +X is the
/// client's left, +Y up, +Z out of the face.
pub fn view_direction(view: ViewName) -> (Vec3, Vec3) {
    match view {
        ViewName::Front => (Vec3::Z, Vec3::Y),
        ViewName::Left => (Vec3::X, Vec3::Y),
        ViewName::Right => (-Vec3::X, Vec3::Y),
        ViewName::Back => (-Vec3::Z, Vec3::Y),
        // From above, a little forward; the forehead at the top of the image.
        ViewName::Top => (Vec3::new(0.0, 1.0, 0.18).normalize(), Vec3::Z),
        ViewName::ThreeQuarter => (Vec3::new(0.68, 0.22, 0.70).normalize(), Vec3::Y),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_view_sees_the_whole_box() {
        let bounds = (
            Vec3::new(-80.0, -120.0, -100.0),
            Vec3::new(80.0, 140.0, 130.0),
        );
        for view in ViewName::ALL {
            let cam = Camera::preset(view, bounds, 16.0 / 9.0);
            let vp = cam.view_proj();
            for i in 0..8 {
                let corner = Vec3::new(
                    if i & 1 == 0 { bounds.0.x } else { bounds.1.x },
                    if i & 2 == 0 { bounds.0.y } else { bounds.1.y },
                    if i & 4 == 0 { bounds.0.z } else { bounds.1.z },
                );
                let ndc = vp.project_point3(corner);
                assert!(
                    ndc.x.abs() <= 1.0 && ndc.y.abs() <= 1.0,
                    "{view:?} loses {corner} at {ndc}"
                );
                assert!((0.0..=1.0).contains(&ndc.z), "{view:?} clips {corner}");
            }
        }
    }

    #[test]
    fn left_view_looks_at_the_clients_left() {
        let cam = Camera::preset(
            ViewName::Left,
            (Vec3::splat(-100.0), Vec3::splat(100.0)),
            1.0,
        );
        assert!(cam.eye.x > 100.0);
    }
}
