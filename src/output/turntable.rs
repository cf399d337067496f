//! The head turning once: the front view turned about the vertical axis
//! through the head, frame by frame into a video (`video`).

use super::video::{self, VideoSettings};
use crate::camera::Camera;
use crate::files::Inputs;
use crate::output::views::Prepared;
use crate::plan::ViewName;
use anyhow::Result;
use glam::{Quat, Vec3};
use std::path::Path;

/// The turntable's settings: 8 s, 30 fps, 1280×720 unless the flags say.
pub type Turntable = VideoSettings;

/// Looking down on the head a little: the top of the scalp shows as it turns.
const ELEVATION_DEG: f32 = 10.0;

/// The camera of frame `i` of `turn`: the front view turned about the
/// vertical axis through the head, far enough back that the side view fits
/// too.
pub fn camera(turn: &Turntable, bounds: (Vec3, Vec3), i: u32) -> Camera {
    let aspect = turn.width as f32 / turn.height as f32;
    let front = Camera::preset(ViewName::Front, bounds, aspect);
    let side = Camera::preset(ViewName::Left, bounds, aspect);
    let distance = (front.eye - front.target)
        .length()
        .max((side.eye - side.target).length());
    let yaw = std::f32::consts::TAU * i as f32 / turn.frames() as f32;
    let dir =
        Quat::from_rotation_y(yaw) * Quat::from_rotation_x(-ELEVATION_DEG.to_radians()) * Vec3::Z;
    Camera {
        eye: front.target + dir * distance,
        ..front
    }
}

/// Render the turn of `prepared` into `path`; `progress(done, total)` after
/// each frame.
pub fn write(
    prepared: &Prepared,
    turn: &Turntable,
    path: &Path,
    inputs: &Inputs,
    mut progress: impl FnMut(u32, u32),
) -> Result<()> {
    let targets = prepared
        .renderer
        .targets(&prepared.gpu, turn.width, turn.height)?;
    let n = turn.frames();
    video::write(path, inputs, turn, "--turntable", |i| {
        let camera = camera(turn, prepared.scene.bounds, i);
        let img =
            prepared
                .renderer
                .render_image(&prepared.gpu, &prepared.scene, &camera, &targets)?;
        progress(i + 1, n);
        Ok(img)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use glam::Vec3;

    #[test]
    fn the_camera_turns_once_around_the_head() {
        let t = Turntable {
            seconds: 4.0,
            fps: 10,
            width: 640,
            height: 360,
        };
        let bounds = (
            Vec3::new(-80.0, -120.0, -100.0),
            Vec3::new(80.0, 140.0, 130.0),
        );
        let first = camera(&t, bounds, 0);
        let quarter = camera(&t, bounds, 10);
        let r = |c: &Camera| c.eye - c.target;
        assert!(
            r(&first).z > 0.0 && r(&first).x.abs() < 1e-3,
            "starts at the front"
        );
        assert!(
            r(&quarter).x > 0.0 && r(&quarter).z.abs() < 1.0,
            "a quarter turn: the client's left"
        );
        assert!((r(&first).length() - r(&quarter).length()).abs() < 1e-3);
    }
}
