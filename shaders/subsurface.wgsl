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

fn transmission_at(q: vec2<i32>) -> vec3<f32> {
    let i = 2u * u32(q.y * i32(frame.viewport.x) + q.x);
    let a = vec3<f32>(f32(ink[i] & 0xffffu), f32(ink[i] >> 16u), f32(ink[i + 1u] & 0xffffu));
    return vec3<f32>(1.0) - min(a / PIGMENT_SCALE, vec3<f32>(1.0));
}

fn row_value_at(q: vec2<i32>) -> vec3<f32> {
    return unpack_unit3(rows[u32(q.y * i32(frame.viewport.x) + q.x)]);
}

fn source_at(q: vec2<i32>, first: bool) -> vec3<f32> {
    if (first) { return transmission_at(q); }
    return row_value_at(q);
}

// One 1-D pass along `step` from pixel `p`; `first` reads the ink, the
// second pass the first's output.
fn diffuse(p: vec2<i32>, step: vec2<i32>, first: bool) -> vec3<f32> {
    let size = vec2<i32>(frame.viewport.xy);
    let depth = textureLoad(head_depth, p, 0).x;
    let own = source_at(p, first);
    if (depth > NO_SURFACE) { return own; }
    let px_per_mm = frame.camera_pos.w / depth;
    let sigma_px = frame.subsurface.xyz * px_per_mm;
    let widest = max(sigma_px.x, max(sigma_px.y, sigma_px.z));
    // Under a third of a pixel the kernel is the pixel itself.
    if (widest < 0.33) { return own; }
    let radius = min(i32(ceil(2.5 * widest)), MAX_RADIUS_PX);
    let inv_two_var = 0.5 / max(sigma_px * sigma_px, vec3<f32>(1e-4));
    // A depth jump larger than the skin's own relief across the kernel is
    // another surface (an ear in front of the scalp, the background).
    let tolerance = 3.0 + 2.0 * f32(radius) / px_per_mm;
    var sum = vec3<f32>(0.0);
    var weight = vec3<f32>(0.0);
    for (var k = -radius; k <= radius; k++) {
        let q = p + step * k;
        if (q.x < 0 || q.y < 0 || q.x >= size.x || q.y >= size.y) { continue; }
        if (abs(textureLoad(head_depth, q, 0).x - depth) > tolerance) { continue; }
        let w = exp(-f32(k * k) * inv_two_var);
        let t = source_at(q, first);
        sum += w * t;
        weight += w;
    }
    return sum / max(weight, vec3<f32>(1e-6));
}

@compute @workgroup_size(8, 8)
fn diffuse_rows(@builtin(global_invocation_id) gid: vec3<u32>) {
    let p = vec2<i32>(gid.xy);
    if (p.x >= i32(frame.viewport.x) || p.y >= i32(frame.viewport.y)) { return; }
    rows[u32(p.y * i32(frame.viewport.x) + p.x)] = pack_unit3(diffuse(p, vec2<i32>(1, 0), true));
}

@compute @workgroup_size(8, 8)
fn diffuse_columns(@builtin(global_invocation_id) gid: vec3<u32>) {
    let p = vec2<i32>(gid.xy);
    if (p.x >= i32(frame.viewport.x) || p.y >= i32(frame.viewport.y)) { return; }
    diffused[u32(p.y * i32(frame.viewport.x) + p.x)] = pack_unit3(diffuse(p, vec2<i32>(0, 1), false));
}
