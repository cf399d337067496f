// Light diffusing under the ink (Donner et al. 2008, read for real time as
// Jimenez et al.'s separable screen-space blur): the ink's one-pass
// transmission T = 1 - absorption, blurred by the skin's diffusion profile
// (a Gaussian per channel, red reaching furthest), in two 1-D passes. The
// shading multiplies the light leaving a point by T there (the way out)
// and by this blurred T (the way in, from wherever the light entered), so a
// dot comes out soft-edged with a cool rim, and darkens more skin than it
// covers. The kernel's width in pixels follows the depth (mm per pixel);
// samples across a silhouette (a depth jump) are left out.

@group(0) @binding(0) var<storage, read> frame: Frame;
@group(0) @binding(1) var<storage, read> ink: array<u32>;
@group(0) @binding(2) var head_depth: texture_2d<f32>;
@group(0) @binding(3) var<storage, read_write> rows: array<u32>;
@group(0) @binding(4) var<storage, read_write> diffused: array<u32>;

const MAX_RADIUS_PX: i32 = 24;
const NO_SURFACE: f32 = 1e8;

// Per pixel: the ink's one-pass transmission (rgb) and how much of the
// pixel the hair's cut stubs cover (w), which the shading turns into the
// matte of stubble; the stubs' cover is blurred with the red kernel.
fn transmission_at(q: vec2<i32>) -> vec4<f32> {
    let i = 2u * u32(q.y * i32(frame.viewport.x) + q.x);
    let a = vec3<f32>(f32(ink[i] & 0xffffu), f32(ink[i] >> 16u), f32(ink[i + 1u] & 0xffffu));
    let stubs = f32(ink[i + 1u] >> 16u) / PIGMENT_SCALE;
    return vec4<f32>(vec3<f32>(1.0) - min(a / PIGMENT_SCALE, vec3<f32>(1.0)), stubs);
}

fn row_value_at(q: vec2<i32>) -> vec4<f32> {
    let i = 2u * u32(q.y * i32(frame.viewport.x) + q.x);
    return vec4<f32>(unpack_unit3(rows[i]), bitcast<f32>(rows[i + 1u]));
}

fn source_at(q: vec2<i32>, first: bool) -> vec4<f32> {
    if (first) { return transmission_at(q); }
    return row_value_at(q);
}

// One 1-D pass along `step` from pixel `p`; `first` reads the ink, the
// second pass the first's output.
fn diffuse(p: vec2<i32>, step: vec2<i32>, first: bool) -> vec4<f32> {
    let size = vec2<i32>(frame.viewport.xy);
    let depth = textureLoad(head_depth, p, 0).x;
    let own = source_at(p, first);
    if (depth > NO_SURFACE) { return own; }
    let px_per_mm = frame.camera_pos.w / depth;
    // In a thinned motion frame, at least its blur (`THINNED_INK_BLUR_PX`).
    let sigma_px = max(frame.subsurface.xyz * px_per_mm, vec3<f32>(frame.detail_level.y));
    let widest = max(sigma_px.x, max(sigma_px.y, sigma_px.z));
    // Under a third of a pixel the kernel is the pixel itself.
    if (widest < 0.33) { return own; }
    let radius = min(i32(ceil(2.5 * widest)), MAX_RADIUS_PX);
    let inv_two_var = 0.5 / max(sigma_px * sigma_px, vec3<f32>(1e-4));
    let inv = vec4<f32>(inv_two_var, inv_two_var.x);
    // A depth jump larger than the skin's own relief across the kernel is
    // another surface (an ear in front of the scalp, the background).
    let tolerance = 3.0 + 2.0 * f32(radius) / px_per_mm;
    var sum = vec4<f32>(0.0);
    var weight = vec4<f32>(0.0);
    for (var k = -radius; k <= radius; k++) {
        let q = p + step * k;
        if (q.x < 0 || q.y < 0 || q.x >= size.x || q.y >= size.y) { continue; }
        if (abs(textureLoad(head_depth, q, 0).x - depth) > tolerance) { continue; }
        let w = exp(-f32(k * k) * inv);
        sum += w * source_at(q, first);
        weight += w;
    }
    return sum / max(weight, vec4<f32>(1e-6));
}

fn store(buffer_index: u32, v: vec4<f32>, to_rows: bool) {
    let i = 2u * buffer_index;
    if (to_rows) {
        rows[i] = pack_unit3(v.xyz);
        rows[i + 1u] = bitcast<u32>(v.w);
    } else {
        diffused[i] = pack_unit3(v.xyz);
        diffused[i + 1u] = bitcast<u32>(v.w);
    }
}

@compute @workgroup_size(8, 8)
fn diffuse_rows(@builtin(global_invocation_id) gid: vec3<u32>) {
    let p = vec2<i32>(gid.xy);
    if (p.x >= i32(frame.viewport.x) || p.y >= i32(frame.viewport.y)) { return; }
    store(u32(p.y * i32(frame.viewport.x) + p.x), diffuse(p, vec2<i32>(1, 0), true), true);
}

@compute @workgroup_size(8, 8)
fn diffuse_columns(@builtin(global_invocation_id) gid: vec3<u32>) {
    let p = vec2<i32>(gid.xy);
    if (p.x >= i32(frame.viewport.x) || p.y >= i32(frame.viewport.y)) { return; }
    store(u32(p.y * i32(frame.viewport.x) + p.x), diffuse(p, vec2<i32>(0, 1), false), false);
}
