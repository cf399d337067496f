// The coverage model (hairline, region, zones, scars), evaluated from the
// `cov` uniform of the pass that includes it; mirrors `hairline::CoverageModel`.
// Reads `cov` in place: passing the 2 KB `Coverage` struct by value would
// copy it at every call.

fn scars_counts() -> vec4<f32> { return cov.scars.counts; }
fn scar_capsule(i: u32) -> vec4<f32> { return cov.scars.capsules[i]; }
fn scar_params(k: u32) -> vec4<f32> { return cov.scars.params[k]; }
fn scar_area(k: u32) -> vec4<f32> { return cov.scars.areas[k]; }

fn hairline_elevation(azimuth: f32) -> f32 {
    let n = f32(HAIRLINE_SAMPLES);
    let x = (azimuth + PI) / TAU * n;
    let i0 = floor(x);
    let t = x - i0;
    let ia = u32((i32(i0) % 128 + 128) % 128);
    let ib = (ia + 1u) % HAIRLINE_SAMPLES;
    let a = cov.hairline[ia / 4u][ia % 4u];
    let b = cov.hairline[ib / 4u][ib % 4u];
    return a + (b - a) * t;
}

// How bald the scalp is at p, d mm above the hairline; mirrors
// `CoverageModel::bald_fraction` (margin 0).
fn bald_fraction(p: vec3<f32>, d: f32, az_deg: f32) -> f32 {
    let preset = u32(cov.region.x);
    let feather = cov.region.z;
    if (preset == 0u) { return 1.0; }
    if (preset == 1u) {
        let side = 1.0 - ramp(az_deg - 62.0, 16.0);
        return (1.0 - ramp(d - cov.region.y, feather)) * side;
    }
    if (preset == 2u) {
        return 1.0 - ramp(length(p - cov.crown_point.xyz) - cov.region.w, feather);
    }
    let b = cov.bald;
    let corner = exp(-pow((az_deg - 38.0) / 16.0, 2.0));
    let recess = b.y + (b.x - b.y) * corner;
    let side = 1.0 - ramp(az_deg - cov.bald_side.x, 15.0);
    let front = (1.0 - ramp(d - recess, feather)) * side;
    var crown = 0.0;
    if (b.z > 0.0) {
        crown = 1.0 - ramp(length(p - cov.crown_point.xyz) - b.z, feather);
    }
    let top = ramp(d - b.w, feather);
    return max(max(front, crown), top);
}

// The temporal points' wedges; mirrors `temple_point::temple_point_distance_deg`
// (its test checks these constants are the same).
const TEMPLE_POINT_HALF_ANGLE_DEG: f32 = 40.0;
const TEMPLE_POINT_LENGTH_DEG: f32 = 20.0;
const TEMPLE_POINT_SHARPNESS: f32 = 1.5;
const TEMPLE_POINT_ROUNDING_DEG: f32 = 2.5;
const TEMPLE_POINT_BLEND_MM: f32 = 5.0;
fn temple_point_distance(az_deg: f32, el_deg: f32) -> f32 {
    let half = radians(TEMPLE_POINT_HALF_ANGLE_DEG);
    let back = abs(az_deg) - cov.temple_point.x;
    let r = TEMPLE_POINT_ROUNDING_DEG;
    let off = sqrt((el_deg - cov.temple_point.y) * (el_deg - cov.temple_point.y) + r * r) - r;
    return TEMPLE_POINT_SHARPNESS * min(back * sin(half) - off * cos(half), TEMPLE_POINT_LENGTH_DEG - back);
}

// Mirrors `temple_point::smooth_union_mm`: the union of two signed distances
// (mm, > 0 inside), its inner corners rounded.
fn smooth_union_mm(a: f32, b: f32) -> f32 {
    let h = max(TEMPLE_POINT_BLEND_MM - abs(a - b), 0.0) / TEMPLE_POINT_BLEND_MM;
    return max(a, b) + 0.25 * TEMPLE_POINT_BLEND_MM * h * h;
}

// Signed distance above the hairline (mm, with its wander; the temporal
// points' wedges count as above it) and the azimuth.
fn hairline_distance(p: vec3<f32>) -> vec2<f32> {
    let v = p - cov.center.xyz;
    let az = atan2(v.x, v.z);
    let el = atan2(v.y, length(v.xz));
    let s = max(cov.band.z, 1e-3);
    let seed = bitcast<u32>(cov.band.w);
    let line = el - hairline_elevation(az);
    let point = radians(temple_point_distance(degrees(az), degrees(el)));
    let d = smooth_union_mm(line * length(v), point * length(v));
    return vec2<f32>(d + cov.band.y * edge_wander(p, s, seed), az);
}

// Mirrors `hairline::edge_wander`: three octaves, so the line breaks at
// every scale instead of drawing even scallops.
fn edge_wander(p: vec3<f32>, s: f32, seed: u32) -> f32 {
    let wander = value_noise(p / s, seed)
        + 0.5 * value_noise(p / (0.37 * s), seed ^ 0xa5a5u)
        + 0.25 * value_noise(p / (0.14 * s), seed ^ 0x3c3cu);
    return wander / 1.75;
}

// Mirrors `hairline::edge_density`: sentinel dots in sparse clumps up to
// STRAY_REACH_MM ahead of the line, then the band's ramp.
const STRAY_SHARE: f32 = 0.06;
const STRAY_REACH_MM: f32 = 4.0;
const STRAY_CLUMP_MM: f32 = 6.0;
fn edge_density(d: f32, band: f32, p: vec3<f32>) -> f32 {
    let fill = ramp(d, band);
    if (fill >= 1.0) { return 1.0; }
    let seed = bitcast<u32>(cov.band.w);
    let clump = clamp(0.5 + value_noise(p / STRAY_CLUMP_MM, seed ^ 0x57a4u), 0.0, 1.0);
    let strays = STRAY_SHARE * clump * ramp(d + STRAY_REACH_MM, STRAY_REACH_MM);
    return fill + (1.0 - fill) * strays;
}

// The edge's ramp width at |azimuth| (degrees); mirrors `hairline::band_at`
// (its test checks these constants are the same).
const TAPER_MM: f32 = 7.0;
const TAPER_FROM_DEG: f32 = 95.0;
const TAPER_OVER_DEG: f32 = 35.0;
const NAPE_TAPER_SHARE: f32 = 0.35;
const NAPE_FROM_DEG: f32 = 140.0;
const NAPE_OVER_DEG: f32 = 30.0;
fn band_at(az_deg: f32) -> f32 {
    let behind_ears = smoothstep(0.0, 1.0, (az_deg - TAPER_FROM_DEG) / TAPER_OVER_DEG);
    let nape = smoothstep(0.0, 1.0, (az_deg - NAPE_FROM_DEG) / NAPE_OVER_DEG);
    return cov.band.x + TAPER_MM * behind_ears * (1.0 - (1.0 - NAPE_TAPER_SHARE) * nape);
}

// 0 at the hairline's edge, 1 past its band: where the edge's single,
// smaller impressions give way to the fill's.
fn hairline_ramp(p: vec3<f32>) -> f32 {
    let h = hairline_distance(p);
    return ramp(h.x, band_at(abs(degrees(h.y))));
}

// The layer's relative density at p (impressions, or the client's own hair);
// mirrors `CoverageModel::layer_density` (margin 0).
fn coverage(p: vec3<f32>) -> f32 {
    let h = hairline_distance(p);
    let d = h.x;
    let az = h.y;
    let inside = edge_density(d, band_at(abs(degrees(az))), p);
    let bald = bald_fraction(p, d, abs(degrees(az)));
    var zone_scale = 1.0;
    var hair_scale = 1.0;
    for (var z = 0u; z < u32(cov.counts.x); z++) {
        let zp = cov.zone_points[z];
        let w = 1.0 - ramp(length(p - zp.xyz) - zp.w, cov.zone_params[z].x);
        zone_scale *= 1.0 + (cov.zone_params[z].y - 1.0) * w;
        hair_scale *= 1.0 + (cov.zone_params[z].z - 1.0) * w;
    }
    let scar = scar_influence(p, 0.0);
    let remaining = (1.0 - bald) * hair_scale * (1.0 - scar.x);
    if (cov.counts.z > 0.5) { return inside * remaining; }
    return inside * (1.0 - remaining) * zone_scale * scar.y;
}
