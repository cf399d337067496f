//! The temporal points: the two wedges of hair that jut forward above the
//! sideburns, towards the outer corners of the eyes, below the temples'
//! recession. A hairline drawn as one elevation per azimuth cannot make
//! them (above the point's tip the scalp is bare further back than below
//! it), so each is a wedge of its own in (azimuth, elevation), its tip
//! forward, joined to the hairline's region where the two overlap.
//! Mirrored by `temple_point_distance` in `shaders/coverage.wgsl`.

/// The tip, in the hairline template's azimuth (degrees, either side;
/// `hairline::template_azimuth` maps it to the face's own) and elevation
/// (degrees from the scalp centre, plus half the plan's temple offset):
/// 16.5° of the template behind the frontotemporal corner, 10° above the
/// sideburn's top, which the template puts at about the eyes' level.
pub const TEMPLE_POINT_TIP_DEG: f32 = 53.5;
pub const TEMPLE_POINT_TIP_EL_DEG: f32 = 1.0;
/// The wedge's half opening (degrees): its upper edge runs back and up into
/// the temporal hairline, its lower back and down into the sideburn's front.
pub const TEMPLE_POINT_HALF_ANGLE_DEG: f32 = 40.0;
/// How far back from the tip (degrees of azimuth) the wedge reaches: past
/// the sideburn's front, well into the hairline's own region (ending
/// sooner, its edge thinned the hair in front of the ear).
pub const TEMPLE_POINT_LENGTH_DEG: f32 = 20.0;
/// Distances inside the wedge count this many times over: its edges ramp
/// in over a share of the hairline's band, so the point, only 20 mm long,
/// is dense hair nearly to its tip rather than a faint patch of edge
/// impressions.
pub const TEMPLE_POINT_SHARPNESS: f32 = 1.5;
/// The tip's rounding (degrees): drawn with straight edges to a sharp tip
/// and a sharp notch above it, the point read as a drawn shape-up, "a
/// right-angle step" (blind review 21).
pub const TEMPLE_POINT_ROUNDING_DEG: f32 = 2.5;
/// The notch where the wedge meets the hairline's region is rounded over
/// this many mm (`smooth_union_mm`).
pub const TEMPLE_POINT_BLEND_MM: f32 = 5.0;

/// Signed distance (degrees; > 0 inside) from the temporal point's wedge
/// with its tip at (`tip_az_deg`, `tip_el_deg`), at |azimuth| `az_deg` and
/// elevation `el_deg`.
pub fn temple_point_distance_deg(
    az_deg: f32,
    el_deg: f32,
    tip_az_deg: f32,
    tip_el_deg: f32,
) -> f32 {
    let (s, c) = TEMPLE_POINT_HALF_ANGLE_DEG.to_radians().sin_cos();
    let back = az_deg.abs() - tip_az_deg;
    let r = TEMPLE_POINT_ROUNDING_DEG;
    let off = ((el_deg - tip_el_deg).powi(2) + r * r).sqrt() - r;
    let edges = back * s - off * c;
    TEMPLE_POINT_SHARPNESS * edges.min(TEMPLE_POINT_LENGTH_DEG - back)
}

/// The union of two regions given as signed distances (mm, > 0 inside),
/// its inner corners rounded over `TEMPLE_POINT_BLEND_MM` (a smooth maximum).
pub fn smooth_union_mm(a: f32, b: f32) -> f32 {
    let k = TEMPLE_POINT_BLEND_MM;
    let h = (k - (a - b).abs()).max(0.0) / k;
    a.max(b) + 0.25 * k * h * h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wedge_points_forward_and_ends_at_its_length() {
        let d = |az, el| temple_point_distance_deg(az, el, 52.0, 2.0);
        // Inside just behind the tip on its axis, outside ahead of it.
        assert!(d(55.0, 2.0) > 0.0 && d(50.0, 2.0) < 0.0);
        // Wider further back: 5° above the axis is out at 3° back, in at 10°.
        assert!(d(55.0, 7.0) < 0.0 && d(62.0, 7.0) > 0.0);
        // The same on the client's right, and nothing past its length.
        assert_eq!(d(-58.0, 0.0), d(58.0, 0.0));
        assert!(d(52.0 + TEMPLE_POINT_LENGTH_DEG + 1.0, 2.0) < 0.0);
    }

    #[test]
    fn the_coverage_shader_draws_the_same_wedge() {
        crate::wgsl_twins::assert_f32_consts(
            "shaders/coverage.wgsl",
            include_str!("../shaders/coverage.wgsl"),
            &[
                ("TEMPLE_POINT_HALF_ANGLE_DEG", TEMPLE_POINT_HALF_ANGLE_DEG),
                ("TEMPLE_POINT_LENGTH_DEG", TEMPLE_POINT_LENGTH_DEG),
                ("TEMPLE_POINT_SHARPNESS", TEMPLE_POINT_SHARPNESS),
                ("TEMPLE_POINT_ROUNDING_DEG", TEMPLE_POINT_ROUNDING_DEG),
                ("TEMPLE_POINT_BLEND_MM", TEMPLE_POINT_BLEND_MM),
            ],
        );
    }
}
