// Scar helpers, for the passes that see scars. They read the scars through
// four accessors that the including pass defines over its own uniform
// (`scars_counts`, `scar_capsule`, `scar_params`, `scar_area`): a `Scars`
// struct passed by value would be copied whole (~1 KB) at every call, which
// on a software rasteriser costs more than all of the skin shading.

// How far out an offset from the FUE donor band's centre is, in the band's
// half-widths: its height is stretched to its width (mirrors `band_distance`
// in `src/scars.rs`).
fn band_distance(q: vec3<f32>) -> f32 {
    return length(vec3<f32>(q.x, q.y / FUE_BAND_ASPECT, q.z));
}

// Per scar, how much of p it covers (tissue for strip/line scars, the donor
// disc for FUE); mirrors `ScarModel::influence`.
fn scar_weights(p: vec3<f32>, margin: f32) -> vec4<f32> {
    var w = vec4<f32>(0.0);
    let counts = scars_counts();
    for (var i = 0u; i < u32(counts.x); i++) {
        let a = scar_capsule(2u * i);
        let b = scar_capsule(2u * i + 1u);
        let d = segment_distance(p, a.xyz, b.xyz) - a.w - margin;
        let k = u32(b.w);
        w[k] = max(w[k], 1.0 - smoothstep(-0.5 * SCAR_EDGE_MM, 0.5 * SCAR_EDGE_MM, d));
    }
    for (var k = 0u; k < u32(counts.y); k++) {
        let area = scar_area(k);
        if (area.w > 0.0) {
            w[k] = 1.0 - ramp(band_distance(p - area.xyz) - area.w - margin, 10.0);
        }
    }
    return w;
}

// (scar tissue weight, impression density multiplier) at p.
fn scar_influence(p: vec3<f32>, margin: f32) -> vec2<f32> {
    var tissue = 0.0;
    var scale = 1.0;
    let n = u32(scars_counts().y);
    if (n == 0u) { return vec2<f32>(tissue, scale); }
    let w = scar_weights(p, margin);
    for (var k = 0u; k < n; k++) {
        if (scar_area(k).w <= 0.0) { tissue = max(tissue, w[k]); }
        scale *= 1.0 + (scar_params(k).x - 1.0) * w[k];
    }
    return vec2<f32>(tissue, scale);
}
