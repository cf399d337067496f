//! Whether given landmarks can be a head at all, in the head frame (mm,
//! +Y up, +Z out of the face, +X to the client's left): the ears a head's
//! breadth apart and the right way round, the glabella in front, the vertex
//! on top, the inion behind. Loose bounds: they catch typing errors and
//! swapped axes, not unusual heads.

use super::LandmarkSpec;
use crate::head::Landmarks;
use glam::Vec3;

/// Ear canal to ear canal, mm (adults about 120-160).
pub const EAR_SPAN_MM: (f32, f32) = (80.0, 250.0);
/// Glabella to vertex, mm (adults about 100-150).
pub const GLABELLA_VERTEX_MM: (f32, f32) = (50.0, 250.0);
/// The farthest any landmark may lie from the ears' midpoint, mm.
pub const REACH_MM: f32 = 250.0;

impl LandmarkSpec {
    /// An adult head's landmarks in the head frame, for tests and examples.
    pub fn typical() -> LandmarkSpec {
        LandmarkSpec {
            glabella: [0.0, 40.0, 100.0],
            vertex: [0.0, 130.0, 0.0],
            ear_left: [70.0, 0.0, 0.0],
            ear_right: [-70.0, 0.0, 0.0],
            inion: [0.0, 20.0, -95.0],
            eye_left: [32.0, 42.0, 95.0],
            eye_right: [-32.0, 42.0, 95.0],
            eye_radius_mm: 12.0,
        }
    }
}

impl LandmarkSpec {
    /// The landmarks as given (in the mesh file's coordinates and units).
    pub fn to_landmarks(&self) -> Landmarks {
        Landmarks {
            glabella: self.glabella.into(),
            vertex: self.vertex.into(),
            ear_left: self.ear_left.into(),
            ear_right: self.ear_right.into(),
            inion: self.inion.into(),
            eye_left: self.eye_left.into(),
            eye_right: self.eye_right.into(),
            eye_radius_mm: self.eye_radius_mm,
        }
    }
}

impl From<&Landmarks> for LandmarkSpec {
    fn from(l: &Landmarks) -> Self {
        LandmarkSpec {
            glabella: l.glabella.into(),
            vertex: l.vertex.into(),
            ear_left: l.ear_left.into(),
            ear_right: l.ear_right.into(),
            inion: l.inion.into(),
            eye_left: l.eye_left.into(),
            eye_right: l.eye_right.into(),
            eye_radius_mm: l.eye_radius_mm,
        }
    }
}

/// Whether `l`, read as millimetres, frames a plausible head: the hint for
/// a plan that gives millimetres where the file's units are wanted.
pub fn plausible_in_mm(l: &LandmarkSpec) -> bool {
    let given = l.to_landmarks();
    crate::head::align::frame::head_frame(&given, Some(1.0)).is_some_and(|(to_head, _)| {
        let in_head = crate::head::align::frame::landmarks_in_head_frame(&given, &to_head);
        implausible(&LandmarkSpec::from(&in_head)).is_empty()
    })
}

/// (field, message) for every landmark that cannot be where it is given.
pub fn implausible(l: &LandmarkSpec) -> Vec<(&'static str, String)> {
    let p = |v: [f32; 3]| Vec3::from(v);
    let (left, right) = (p(l.ear_left), p(l.ear_right));
    let mid = 0.5 * (left + right);
    let mut out = Vec::new();
    let span = left.distance(right);
    if !(EAR_SPAN_MM.0..=EAR_SPAN_MM.1).contains(&span) {
        out.push((
            "ear_right",
            format!(
                "the ear canals are {span:.0} mm apart: allowed {} to {} mm",
                EAR_SPAN_MM.0, EAR_SPAN_MM.1
            ),
        ));
    } else if left.x <= right.x {
        out.push((
            "ear_left",
            "ear_left must be the client's left ear, at larger x than ear_right (+x is the client's left); are the ears swapped?".into(),
        ));
    }
    let (glabella, vertex, inion) = (p(l.glabella), p(l.vertex), p(l.inion));
    let gv = glabella.distance(vertex);
    if !(GLABELLA_VERTEX_MM.0..=GLABELLA_VERTEX_MM.1).contains(&gv) {
        out.push((
            "vertex",
            format!(
                "glabella and vertex are {gv:.0} mm apart: allowed {} to {} mm",
                GLABELLA_VERTEX_MM.0, GLABELLA_VERTEX_MM.1
            ),
        ));
    }
    let checks = [
        (
            "glabella",
            glabella.z > mid.z + 20.0,
            "in front of the ears (larger z)",
        ),
        (
            "vertex",
            vertex.y > mid.y + 40.0,
            "above the ears (larger y)",
        ),
        (
            "inion",
            inion.z < mid.z - 20.0,
            "behind the ears (smaller z)",
        ),
    ];
    for (field, ok, where_) in checks {
        if !ok {
            out.push((
                field,
                format!("must lie {where_}: +y is up, +z out of the face"),
            ));
        }
    }
    if p(l.eye_left).x <= p(l.eye_right).x {
        out.push((
            "eye_left",
            "eye_left must be the client's left eye, at larger x than eye_right".into(),
        ));
    }
    for (field, v) in [
        ("glabella", l.glabella),
        ("vertex", l.vertex),
        ("inion", l.inion),
        ("eye_left", l.eye_left),
        ("eye_right", l.eye_right),
    ] {
        let d = p(v).distance(mid);
        if d > REACH_MM {
            out.push((
                field,
                format!("lies {d:.0} mm from the ears' midpoint: at most {REACH_MM} mm on a head"),
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec() -> LandmarkSpec {
        LandmarkSpec::typical()
    }

    #[test]
    fn a_head_passes_and_impossible_ones_do_not() {
        assert!(
            implausible(&spec()).is_empty(),
            "{:?}",
            implausible(&spec())
        );
        let zero = LandmarkSpec {
            glabella: [0.0; 3],
            vertex: [0.0; 3],
            ear_left: [0.0; 3],
            ear_right: [0.0; 3],
            inion: [0.0; 3],
            ..spec()
        };
        assert!(implausible(&zero).len() >= 4);
        let swapped = LandmarkSpec {
            ear_left: [-70.0, 0.0, 0.0],
            ear_right: [70.0, 0.0, 0.0],
            ..spec()
        };
        assert_eq!(implausible(&swapped)[0].0, "ear_left");
        let one_ear = LandmarkSpec {
            ear_right: [70.0, 0.0, 0.0],
            ..spec()
        };
        assert_eq!(implausible(&one_ear)[0].0, "ear_right");
        let glabella_at_vertex = LandmarkSpec {
            glabella: [0.0, 130.0, 0.0],
            ..spec()
        };
        let found: Vec<_> = implausible(&glabella_at_vertex)
            .iter()
            .map(|f| f.0)
            .collect();
        assert!(
            found.contains(&"vertex") && found.contains(&"glabella"),
            "{found:?}"
        );
    }
}
