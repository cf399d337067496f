//! The face's own proportions, found on the mesh: the menton (the lowest
//! point of the chin), from which the facial thirds place the hairline.

use super::{HeadMesh, MATERIAL_SKIN};
use glam::Vec3;

/// Half-width of the band around x = 0 taken as the midline profile, mm
/// (a scan has no vertices exactly on the plane).
const MIDLINE_BAND_MM: f32 = 3.0;
/// The chin is the front of the profile: no more than this behind the
/// glabella, mm (the throat below it lies 40-60 mm further back).
const CHIN_DEPTH_MM: f32 = 30.0;

impl HeadMesh {
    /// The menton: the lowest skin point of the midline profile that is still
    /// at the front of the face. `None` when the mesh has no chin (a scan cut
    /// above it).
    pub fn menton(&self) -> Option<Vec3> {
        let l = &self.landmarks;
        let eye_y = 0.5 * (l.eye_left.y + l.eye_right.y);
        self.vertices
            .iter()
            .filter(|v| v.material == MATERIAL_SKIN)
            .map(|v| Vec3::from(v.position_mm))
            .filter(|p| {
                p.x.abs() < MIDLINE_BAND_MM
                    && p.z > l.glabella.z - CHIN_DEPTH_MM
                    && p.y < eye_y - 40.0
                    && p.y > eye_y - CHIN_BELOW_EYES_MAX_MM
            })
            .min_by(|a, b| a.y.total_cmp(&b.y))
    }

    /// The head from the chin up as an ellipsoid (centre, semi-axes mm): the
    /// box of its skin above `chin` (the menton), whose faces the ellipsoid
    /// touches. Enough to say where the head shades the shoulders under it.
    pub fn head_ellipsoid(&self, chin: Vec3) -> (Vec3, Vec3) {
        let (lo, hi) = self
            .vertices
            .iter()
            .filter(|v| v.material == MATERIAL_SKIN && v.position_mm[1] >= chin.y)
            .map(|v| Vec3::from(v.position_mm))
            .fold((Vec3::MAX, Vec3::MIN), |(lo, hi), p| (lo.min(p), hi.max(p)));
        (0.5 * (lo + hi), 0.5 * (hi - lo))
    }

    /// The menton, or where the facial thirds put it when the mesh has none:
    /// the face (glabella to menton) twice the forehead's usual 60 mm.
    pub fn menton_or_estimate(&self) -> Vec3 {
        self.menton().unwrap_or_else(|| {
            let g = self.landmarks.glabella;
            Vec3::new(0.0, g.y - TYPICAL_GLABELLA_MENTON_MM, g.z - 20.0)
        })
    }
}

/// The chin lies no further below the eye centres than this, mm (adults
/// 100-140): a scan's chest, further down, is not its chin.
const CHIN_BELOW_EYES_MAX_MM: f32 = 180.0;

/// Glabella to menton on adult men, mm (midface 65 + lower face 76).
pub const TYPICAL_GLABELLA_MENTON_MM: f32 = 141.0;

#[cfg(test)]
mod tests {
    #[test]
    fn the_built_in_chin_is_below_the_mouth_at_the_front() {
        let head = crate::head::load_builtin(2).unwrap();
        let m = head.menton().expect("the built-in head has a chin");
        let g = head.landmarks.glabella;
        // An adult's glabella-menton height is 120-160 mm.
        assert!((120.0..160.0).contains(&(g.y - m.y)), "menton {m}");
        assert!(m.z > 60.0 && m.x.abs() < 3.0, "menton {m}");
    }

    #[test]
    fn the_built_in_head_shades_as_a_head_sized_ellipsoid() {
        let head = crate::head::load_builtin(2).unwrap();
        let (centre, axes) = head.head_ellipsoid(head.menton().unwrap());
        // Adult men: head breadth 140-170 mm with the ears, length 180-210,
        // chin to vertex 210-250.
        assert!((65.0..95.0).contains(&axes.x), "{axes}");
        assert!((90.0..110.0).contains(&axes.z), "{axes}");
        assert!((105.0..125.0).contains(&axes.y), "{axes}");
        assert!(centre.x.abs() < 3.0, "{centre}");
    }
}
