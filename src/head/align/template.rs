//! The head a scan is fitted to: the built-in head (MakeHuman hm08, CC0) in
//! its default shape, skin and eyes from just under the chin up, as points in
//! the head frame, with its landmarks and the parts of it that make a face.

use std::sync::OnceLock;

use glam::Vec3;

use super::surface::sample_by_area;
use crate::head::{HeadMesh, Landmarks, MATERIAL_CLOTH};

/// How far below the chin the template reaches, mm: the jaw's underside,
/// not the neck (scans end anywhere on the neck, or have shoulders).
const BELOW_CHIN_MM: f32 = 15.0;
/// Template points: enough for sub-millimetre fits on a 1.5 mm spacing.
pub const POINTS: usize = 6000;

pub struct Template {
    /// Surface points, head frame, mm.
    pub points: Vec<Vec3>,
    pub landmarks: Landmarks,
    pub menton: Vec3,
}

impl Template {
    pub fn get() -> &'static Template {
        static TEMPLATE: OnceLock<Template> = OnceLock::new();
        TEMPLATE.get_or_init(|| {
            let head = crate::head::load_builtin(0).expect("the built-in head loads");
            Template::of(&head)
        })
    }

    fn of(head: &HeadMesh) -> Template {
        let menton = head.menton_or_estimate();
        let positions: Vec<Vec3> = head.vertices.iter().map(|v| v.position_mm.into()).collect();
        let triangles: Vec<[u32; 3]> = head
            .indices
            .chunks_exact(3)
            .map(|t| [t[0], t[1], t[2]])
            .filter(|t| {
                t.iter().all(|&i| {
                    let v = &head.vertices[i as usize];
                    v.material != MATERIAL_CLOTH && v.position_mm[1] > menton.y - BELOW_CHIN_MM
                })
            })
            .collect();
        Template {
            points: sample_by_area(&positions, &triangles, POINTS, 0x5eed),
            landmarks: head.landmarks,
            menton,
        }
    }

    /// Every `stride`-th point: a lighter template for the global search.
    pub fn sparse(&self, stride: usize) -> Vec<Vec3> {
        self.points.iter().step_by(stride).copied().collect()
    }

    /// The face: in front of the ears, from the chin to above the brows.
    pub fn is_face(&self, p: Vec3) -> bool {
        let l = &self.landmarks;
        p.z > l.ear_midpoint().z + 40.0 && p.y > self.menton.y && p.y < l.glabella.y + 20.0
    }

    /// Centre and radius of a sphere round every point, mm.
    pub fn bounding_sphere(&self) -> (Vec3, f32) {
        let (lo, hi) = self
            .points
            .iter()
            .fold((Vec3::INFINITY, Vec3::NEG_INFINITY), |(lo, hi), p| {
                (lo.min(*p), hi.max(*p))
            });
        let centre = 0.5 * (lo + hi);
        let radius = self
            .points
            .iter()
            .map(|p| p.distance(centre))
            .fold(0.0, f32::max);
        (centre, radius)
    }

    /// The template points within `radius_mm` of `centre`.
    pub fn patch(&self, centre: Vec3, radius_mm: f32) -> Vec<Vec3> {
        self.points
            .iter()
            .copied()
            .filter(|p| p.distance(centre) < radius_mm)
            .collect()
    }
}
