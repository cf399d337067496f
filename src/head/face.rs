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

    /// The height (y, mm) of the mouth's line, the stomion, on a head whose
    /// chin is `menton` and nose base about `subnasale_y`: the notch of the
    /// midline profile between the lips, the deepest point between its two
    /// front-most bulges (the lips: the chin's stands further back). `None`
    /// where the profile shows no such notch (a scan with a smooth or a
    /// broken mouth).
    /// The facial thirds put it 3-4 mm too high on the built-in head's three
    /// builds, on the upper lip, and the lips' red, placed from that, on the
    /// lower lip alone.
    pub fn stomion_y(&self, menton: Vec3, subnasale_y: f32) -> Option<f32> {
        let span = subnasale_y - menton.y;
        if span < 20.0 {
            return None;
        }
        // The front of the profile in 1 mm steps, from a quarter of the way
        // up from the chin to just under the nose.
        let (lo, hi) = (menton.y + 0.25 * span, subnasale_y - 0.1 * span);
        let steps = (hi - lo).ceil() as usize;
        let mut front = vec![f32::NEG_INFINITY; steps];
        for v in self.vertices.iter().filter(|v| v.material == MATERIAL_SKIN) {
            let p = Vec3::from(v.position_mm);
            if p.x.abs() < MIDLINE_BAND_MM
                && p.y >= lo
                && p.y < hi
                && p.z > menton.z - CHIN_DEPTH_MM
            {
                let k = ((p.y - lo) as usize).min(steps - 1);
                front[k] = front[k].max(p.z);
            }
        }
        // The bulges: steps further forward than both neighbours.
        let mut bulges: Vec<usize> = (1..steps.saturating_sub(1))
            .filter(|&k| {
                front[k].is_finite() && front[k] > front[k - 1] && front[k] >= front[k + 1]
            })
            .collect();
        bulges.sort_by(|&a, &b| front[b].total_cmp(&front[a]));
        // The front-most is one lip; the other is the next front-most with a
        // notch at least `STOMION_NOTCH_MIN_MM` deep between them (a wobble
        // of the profile under the nose has none).
        let first = *bulges.first()?;
        let notch_to = |k: usize| {
            let (a, b) = (first.min(k), first.max(k));
            let notch = (a..=b)
                .filter(|&n| front[n].is_finite())
                .min_by(|&x, &y| front[x].total_cmp(&front[y]))?;
            let depth = front[first].min(front[k]) - front[notch];
            (depth >= STOMION_NOTCH_MIN_MM).then_some(notch)
        };
        let notch = bulges[1..].iter().find_map(|&k| notch_to(k))?;
        Some(lo + notch as f32 + 0.5)
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

/// The least depth (mm) of the notch between the lips that counts as the
/// mouth's line.
const STOMION_NOTCH_MIN_MM: f32 = 0.3;

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
    fn the_mouth_line_lies_between_the_lips_on_every_build() {
        for shape in crate::head::HeadShape::three_builds() {
            let head = crate::head::load_builtin_shape(&shape, 2).unwrap();
            let m = head.menton().unwrap();
            let g = head.landmarks.glabella;
            let subnasale = m.y + 0.5 * (g.y - m.y);
            let y = head.stomion_y(m, subnasale).expect("a mouth");
            // An adult's stomion: 20-27 mm below the subnasale, a third or
            // a little more of the lower face, never on the chin.
            let below_nose = subnasale - y;
            assert!(
                (14.0..30.0).contains(&below_nose),
                "{shape:?}: {below_nose} mm"
            );
            assert!(y - m.y > 35.0, "{shape:?}: {} mm above the chin", y - m.y);
        }
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
