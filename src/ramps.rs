//! WGSL's `smoothstep` on the CPU, for the domain's mirrors of shader code
//! (the hairline's band, scars' edges, the head's smoothing weights).

/// 0 at or below `e0`, 1 at or beyond `e1`, a cubic Hermite ease between,
/// as WGSL's `smoothstep(e0, e1, x)`.
pub fn smoothstep(e0: f32, e1: f32, x: f32) -> f32 {
    let t = ((x - e0) / (e1 - e0)).clamp(0.0, 1.0);
    t * t * (3.0 - 2.0 * t)
}
