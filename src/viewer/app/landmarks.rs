//! A scan's landmarks on screen, and the practitioner's correction of them:
//! in landmark mode (L, or the panel) a click on the head casts a ray from
//! the camera through the pixel onto the skin and writes the hit, in the mesh
//! file's own coordinates, into the plan's `[head.landmarks]`. The plan
//! change frames the head again (`sync_scenes`): hairline and impressions
//! follow at once, and saving the plan keeps the landmarks.

use super::App;
use crate::camera::Camera;
use crate::head::HeadMesh;
use crate::head::align::{LANDMARK_NAMES, frame};
use crate::output::compare::Tile;
use crate::plan::LandmarkSpec;
use glam::{Vec3, Vec4};

/// The eyes' landmarks are the eyeballs' centres: a click on an eye sets
/// the centre one eye radius behind the surface it hit.
const EYES: [usize; 2] = [5, 6];

/// Landmark mode and what it remembers of this head's landmarks.
#[derive(Default)]
pub struct LandmarkMode {
    pub on: bool,
    /// The landmark the next click sets (index into `LANDMARK_NAMES`).
    pub next: usize,
    /// The head these flags belong to (its source).
    source: String,
    /// Set by a click since the head was loaded.
    picked: [bool; 7],
    /// The confidences alignment found for this head, kept once the
    /// landmarks are given in the plan (the head then has none of its own).
    found: Option<[f32; 7]>,
    /// Which landmarks the skin hides, per camera they were last seen from.
    seen: Vec<(Camera, [Vec3; 7], [bool; 7])>,
}

impl LandmarkMode {
    /// Follow the head: a new scan starts over.
    fn follow(&mut self, head: &HeadMesh) {
        if self.source != head.source {
            self.source = head.source.clone();
            self.picked = [false; 7];
            self.found = None;
        }
        if head.landmark_confidence.is_some() {
            self.found = head.landmark_confidence;
        }
    }

    /// The label beside landmark `i`: its name, and its confidence or that
    /// it was set by hand.
    fn label(&self, i: usize) -> String {
        let name = LANDMARK_NAMES[i];
        if self.picked[i] {
            format!("{name} (set)")
        } else if let Some(c) = self.found {
            format!("{name} {:.2}", c[i])
        } else {
            name.to_string()
        }
    }
}

/// The ray (origin, unit direction) from `cam` through the window pixel
/// `at` in the viewport `tile`.
pub fn pixel_ray(cam: &Camera, tile: &Tile, at: (f32, f32)) -> Option<(Vec3, Vec3)> {
    let (w, h) = (tile.width.max(1) as f32, tile.height.max(1) as f32);
    let nx = (at.0 - tile.x as f32) / w * 2.0 - 1.0;
    let ny = 1.0 - (at.1 - tile.y as f32) / h * 2.0;
    let inv = cam.view_proj().inverse();
    let unproject = |z: f32| {
        let p = inv * Vec4::new(nx, ny, z, 1.0);
        (p.w.abs() > 1e-12).then(|| p.truncate() / p.w)
    };
    let (near, far) = (unproject(0.0)?, unproject(1.0)?);
    let dir = (far - near).normalize_or_zero();
    (dir != Vec3::ZERO).then_some((cam.eye, dir))
}

/// Where `p` lands in the window (pixels), if in front of the camera.
pub fn project(cam: &Camera, tile: &Tile, p: Vec3) -> Option<(f32, f32)> {
    let c = cam.view_proj() * p.extend(1.0);
    if c.w <= 1e-6 {
        return None;
    }
    let (nx, ny) = (c.x / c.w, c.y / c.w);
    Some((
        tile.x as f32 + (nx + 1.0) * 0.5 * tile.width as f32,
        tile.y as f32 + (1.0 - ny) * 0.5 * tile.height as f32,
    ))
}

/// The nearest hit of the ray on the head's skin.
pub fn nearest_hit(head: &HeadMesh, origin: Vec3, dir: Vec3) -> Option<Vec3> {
    let at = |i: u32| Vec3::from(head.vertices[i as usize].position_mm);
    head.skin_triangles()
        .filter_map(|[a, b, c]| crate::raycast::ray_triangle(origin, dir, at(a), at(b), at(c)))
        .min_by(f32::total_cmp)
        .map(|t| origin + dir * t)
}

/// Whether `p` is on the camera's side of the head's centre `center`.
fn facing(cam: &Camera, center: Vec3, p: Vec3) -> bool {
    (p - center).dot((cam.eye - center).normalize_or_zero()) > -5.0
}

/// How far under the skin a landmark may lie and still be seen (mm): the
/// ear canals are recessed, the eyes' landmarks are their centres.
fn depth_allowed(i: usize, eye_radius_mm: f32) -> f32 {
    match i {
        2 | 3 => 20.0,
        5 | 6 => eye_radius_mm + 8.0,
        _ => 5.0,
    }
}

/// Which of `points` the head's skin does not hide from `eye`: one pass
/// over the triangles, all seven rays each.
pub fn unhidden(head: &HeadMesh, eye: Vec3, points: &[Vec3; 7]) -> [bool; 7] {
    let rays = points.map(|p| {
        let d = p - eye;
        let far = d.length();
        (d / far.max(1e-6), far)
    });
    let limit: [f32; 7] =
        std::array::from_fn(|i| rays[i].1 - depth_allowed(i, head.landmarks.eye_radius_mm));
    let mut seen = [true; 7];
    let at = |i: u32| Vec3::from(head.vertices[i as usize].position_mm);
    for [a, b, c] in head.skin_triangles() {
        let (a, b, c) = (at(a), at(b), at(c));
        for (k, (dir, _)) in rays.iter().enumerate() {
            if seen[k]
                && crate::raycast::ray_triangle(eye, *dir, a, b, c).is_some_and(|t| t < limit[k])
            {
                seen[k] = false;
            }
        }
    }
    seen
}

fn point_mut(spec: &mut LandmarkSpec, i: usize) -> &mut [f32; 3] {
    match i {
        0 => &mut spec.glabella,
        1 => &mut spec.vertex,
        2 => &mut spec.ear_left,
        3 => &mut spec.ear_right,
        4 => &mut spec.inion,
        5 => &mut spec.eye_left,
        _ => &mut spec.eye_right,
    }
}

/// The plan's landmarks with landmark `i` at `file_point` (file
/// coordinates). Where the plan gives none, the others are the head's
/// current ones, taken back into the file's coordinates.
pub fn with_landmark(
    given: Option<&LandmarkSpec>,
    head: &HeadMesh,
    i: usize,
    file_point: Vec3,
) -> Option<LandmarkSpec> {
    let to_head = head.file_frame?;
    let mut spec = given.cloned().unwrap_or_else(|| {
        let l = &head.landmarks;
        let mut s = LandmarkSpec::from(l);
        for (k, p) in frame::points(l).into_iter().enumerate() {
            *point_mut(&mut s, k) = to_head.apply_inverse(p).into();
        }
        s
    });
    *point_mut(&mut spec, i.min(6)) = file_point.into();
    Some(spec)
}

fn contains(t: &Tile, at: (f32, f32)) -> bool {
    at.0 >= t.x as f32
        && at.1 >= t.y as f32
        && at.0 < (t.x + t.width) as f32
        && at.1 < (t.y + t.height) as f32
}

/// The panel's landmark section.
pub(super) fn section(ui: &mut egui::Ui, mode: &mut LandmarkMode, head: &HeadMesh) {
    mode.follow(head);
    egui::CollapsingHeader::new("Landmarks")
        .default_open(true)
        .show(ui, |ui| {
            if head.file_frame.is_none() {
                ui.label(egui::RichText::new("the built-in head has its own landmarks").weak());
                return;
            }
            ui.checkbox(&mut mode.on, "landmarks (L)")
                .on_hover_text("click the head to set a landmark where the scan's is wrong");
            if !mode.on {
                return;
            }
            ui.label("a click on the head sets:");
            for i in 0..LANDMARK_NAMES.len() {
                if ui.selectable_label(mode.next == i, mode.label(i)).clicked() {
                    mode.next = i;
                }
            }
            if EYES.contains(&mode.next) {
                ui.label(egui::RichText::new("click the eye: its centre is set behind it").weak());
            }
        });
}

impl App {
    pub(super) fn toggle_landmarks(&mut self, on: bool) {
        if on && self.head.file_frame.is_none() {
            let msg = "landmarks: the built-in head has its own; set head.mesh to a scan";
            self.set_status(msg.into(), true);
            return;
        }
        self.landmarks.follow(&self.head);
        self.landmarks.on = on;
        if on {
            let name = LANDMARK_NAMES[self.landmarks.next.min(6)];
            self.set_status(
                format!("landmark mode: click the head to set {name}"),
                false,
            );
        }
    }

    /// Landmark mode takes clicks on the head (a scan's).
    pub(super) fn picking_landmarks(&self) -> bool {
        self.landmarks.on && self.head.file_frame.is_some()
    }

    /// A click at window pixel `at` in landmark mode: set the next landmark
    /// where the ray through it meets the skin. A miss sets nothing.
    pub(super) fn pick_landmark(&mut self, at: (f32, f32)) {
        self.landmarks.follow(&self.head);
        let Some(run) = self.run.as_ref() else { return };
        let Some(tile) = run
            .gfx
            .viewports
            .iter()
            .map(|v| v.tile)
            .find(|t| contains(t, at))
        else {
            return;
        };
        let cam = run
            .orbit
            .camera(tile.width as f32 / tile.height.max(1) as f32);
        let Some(to_head) = self.head.file_frame else {
            return;
        };
        let Some((origin, dir)) = pixel_ray(&cam, &tile, at) else {
            return;
        };
        let Some(hit) = nearest_hit(&self.head, origin, dir) else {
            self.set_status("landmarks: the click missed the head".into(), false);
            return;
        };
        let i = self.landmarks.next.min(6);
        let in_head = if EYES.contains(&i) {
            hit + dir * self.head.landmarks.eye_radius_mm
        } else {
            hit
        };
        let file_point = to_head.apply_inverse(in_head);
        let before = self.plan.head.landmarks.clone();
        let Some(spec) = with_landmark(before.as_ref(), &self.head, i, file_point) else {
            return;
        };
        self.plan.head.landmarks = Some(spec);
        let name = LANDMARK_NAMES[i];
        if let Some(issue) = self.plan.validate().first() {
            self.plan.head.landmarks = before;
            self.set_status(format!("{name} not set: {issue}"), true);
            return;
        }
        match self.sync_scenes() {
            Ok(()) => {
                self.landmarks.follow(&self.head);
                self.landmarks.picked[i] = true;
                self.landmarks.next = (i + 1) % LANDMARK_NAMES.len();
                let [x, y, z] = file_point.to_array();
                let msg =
                    format!("{name} set at [{x:.4}, {y:.4}, {z:.4}] (the file's coordinates)");
                self.set_status(msg, false);
            }
            Err(e) => {
                self.plan.head.landmarks = before;
                self.set_status(format!("{name} not set: {e:#}"), true);
            }
        }
    }

    /// A marker and its name at each landmark of a scan, in every viewport.
    pub(super) fn draw_landmarks(&mut self, painter: &egui::Painter, ppp: f32) {
        if self.head.file_frame.is_none() {
            return;
        }
        self.landmarks.follow(&self.head);
        let Some(run) = self.run.as_ref() else { return };
        if self.landmarks.on {
            // What the next click sets, seen without scrolling the panel.
            let name = LANDMARK_NAMES[self.landmarks.next.min(6)];
            let galley = painter.layout_no_wrap(
                format!("landmark mode: a click on the head sets {name} · L to leave"),
                egui::FontId::proportional(15.0),
                egui::Color32::from_rgb(255, 210, 60),
            );
            // Top left, under the frame-time readout when that is on.
            let at = egui::pos2(14.0, if self.frame_time { 50.0 } else { 14.0 });
            let bg = egui::Rect::from_min_size(at, galley.size()).expand(5.0);
            painter.rect_filled(bg, 4.0, egui::Color32::from_black_alpha(160));
            painter.galley(at, galley, egui::Color32::WHITE);
        }
        let Some(center) = run
            .shown
            .first()
            .map(|s| (s.scene.bounds.0 + s.scene.bounds.1) * 0.5)
        else {
            return;
        };
        let points = frame::points(&self.head.landmarks);
        // Casting rays against the skin takes a few ms: once the head is
        // still, not while it turns.
        let moving = run.orbit.animating() || self.drag.is_some();
        let mut drawn: Vec<Tile> = Vec::new();
        for tile in run.gfx.viewports.iter().map(|v| v.tile) {
            if drawn.contains(&tile) {
                continue; // the wipe's two viewports lie over each other
            }
            drawn.push(tile);
            let cam = run
                .orbit
                .camera(tile.width as f32 / tile.height.max(1) as f32);
            let seen = &mut self.landmarks.seen;
            let known = seen
                .iter()
                .find(|(c, p, _)| *c == cam && *p == points)
                .map(|s| s.2);
            let shown = match known {
                Some(s) => s,
                None if moving => points.map(|p| facing(&cam, center, p)),
                None => {
                    let t0 = std::time::Instant::now();
                    let s = unhidden(&self.head, cam.eye, &points);
                    if crate::viewer::debug() {
                        let ms = t0.elapsed().as_secs_f32() * 1e3;
                        eprintln!("viewer: landmarks hidden by the skin: {ms:.1} ms");
                    }
                    if seen.len() >= 4 {
                        seen.remove(0);
                    }
                    seen.push((cam, points, s));
                    s
                }
            };
            for (i, p) in points.iter().enumerate() {
                if !shown[i] {
                    continue;
                }
                let Some((x, y)) = project(&cam, &tile, *p) else {
                    continue;
                };
                if !contains(&tile, (x, y)) {
                    continue;
                }
                let next = self.landmarks.on && self.landmarks.next == i;
                let pos = egui::pos2(x / ppp, y / ppp);
                let colour = if next {
                    egui::Color32::from_rgb(255, 210, 60)
                } else {
                    egui::Color32::from_rgb(90, 220, 255)
                };
                painter.circle(
                    pos,
                    if next { 5.0 } else { 4.0 },
                    colour,
                    egui::Stroke::new(1.5, egui::Color32::from_black_alpha(200)),
                );
                let galley = painter.layout_no_wrap(
                    self.landmarks.label(i),
                    egui::FontId::proportional(13.0),
                    egui::Color32::WHITE,
                );
                let at = pos + egui::vec2(8.0, -galley.size().y * 0.5);
                let bg = egui::Rect::from_min_size(at, galley.size()).expand(2.0);
                painter.rect_filled(bg, 3.0, egui::Color32::from_black_alpha(140));
                painter.galley(at, galley, colour);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::ViewName;

    fn tile() -> Tile {
        Tile {
            x: 0,
            y: 0,
            width: 640,
            height: 360,
        }
    }

    #[test]
    fn a_pixel_ray_goes_back_through_the_projection() {
        let bounds = (
            Vec3::new(-80.0, -120.0, -100.0),
            Vec3::new(80.0, 140.0, 130.0),
        );
        let cam = Camera::preset(ViewName::ThreeQuarter, bounds, 640.0 / 360.0);
        let p = Vec3::new(20.0, 40.0, 60.0);
        let px = project(&cam, &tile(), p).unwrap();
        let (o, d) = pixel_ray(&cam, &tile(), px).unwrap();
        let off = (p - o) - d * (p - o).dot(d);
        assert!(off.length() < 0.05, "{off}");
        // The window's centre looks at the target.
        let (_, d) = pixel_ray(&cam, &tile(), (320.0, 180.0)).unwrap();
        assert!(d.angle_between(cam.target - cam.eye) < 1e-3);
    }

    #[test]
    fn a_click_sets_one_landmark_and_keeps_the_others() {
        let mut head = crate::head::load_builtin(0).unwrap();
        let cam = Camera::preset(ViewName::Front, head.frame_bounds(), 640.0 / 360.0);
        let (o, d) = pixel_ray(&cam, &tile(), (320.0, 180.0)).unwrap();
        let hit = nearest_hit(&head, o, d).expect("the centre hits the face");
        assert!(hit.z > 50.0, "the face's front, not the back: {hit}");
        assert!(nearest_hit(&head, o, -d).is_none(), "behind the camera");
        // No file frame (the built-in head): nothing.
        assert!(with_landmark(None, &head, 0, hit).is_none());
        let to_head = crate::head::align::fit::Similarity {
            scale: 10.0,
            ..crate::head::align::fit::Similarity::IDENTITY
        };
        head.file_frame = Some(to_head);
        let spec = with_landmark(None, &head, 2, Vec3::new(1.0, 2.0, 3.0)).unwrap();
        assert_eq!(spec.ear_left, [1.0, 2.0, 3.0]);
        let g = Vec3::from(spec.glabella) * 10.0;
        assert!(g.distance(head.landmarks.glabella) < 1e-3);
        let again = with_landmark(Some(&spec), &head, 0, Vec3::ONE).unwrap();
        assert_eq!(again.glabella, [1.0; 3]);
        assert_eq!(again.ear_left, [1.0, 2.0, 3.0]);
    }
}
