// The camera's depth of field: the shaded picture (sharp) blurred by each
// point's circle of confusion for a thin lens focused on the scalp facing
// the camera (`gpu::lens`). A photograph's background and shoulders are soft; a
// picture sharp from the nose to the collar reads as rendered.
//
// A gather in the point's own circle, from a Vogel disc turned per pixel.
// Farther samples count (the point's blur takes in what lies behind it);
// a nearer one only where its own circle reaches the point, so a sharp head
// never bleeds into the soft torso behind it. Anything nearly in focus is
// left as it is; so is the backdrop (a smooth gradient already), except
// where something out of focus lies in front of it within the widest
// circle: there it takes in what reaches it, so a soft torso's outline
// spreads over the backdrop as in a photograph instead of ending in a
// sharp silhouette.
//
// Then, everywhere, the optics' own blur (`optics`): no lens and sensor
// resolve a pixel alone, and an edge drawn to one pixel (the head's outline
// against the backdrop, stepping row by row) reads as rendered. Last, the
// sensor's grain, which lies over the blur in a photograph.

@group(0) @binding(0) var<uniform> frame: Frame;
@group(0) @binding(1) var sharp: texture_2d<f32>;
@group(0) @binding(2) var head_depth: texture_2d<f32>;

const LENS_TAPS: u32 = 32u;
const GOLDEN_ANGLE: f32 = 2.39996323;
const NO_SURFACE: f32 = 1e8;

struct VertexOut {
    @builtin(position) clip: vec4<f32>,
}

@vertex
fn vs_lens(@builtin(vertex_index) i: u32) -> VertexOut {
    let corner = vec2<f32>(f32((i << 1u) & 2u), f32(i & 2u));
    var out: VertexOut;
    out.clip = vec4<f32>(corner * vec2<f32>(2.0, -2.0) + vec2<f32>(-1.0, 1.0), 0.0, 1.0);
    return out;
}

// The circle of confusion's radius, pixels, at view depth `d` mm.
fn blur_radius_px(d: f32) -> f32 {
    let focus = frame.lens.x;
    return min(0.5 * frame.lens.y * abs(d - focus) / d, frame.lens.z);
}

// Interleaved gradient noise (Jimenez 2014): the disc's turn per pixel.
fn disc_turn(pixel: vec2<f32>) -> f32 {
    return TAU * fract(52.9829189 * fract(dot(pixel, vec2<f32>(0.06711056, 0.00583715))));
}

fn tap(p: vec2<i32>, r: f32, a: f32, size: vec2<i32>) -> vec2<i32> {
    return clamp(p + vec2<i32>(round(r * vec2<f32>(cos(a), sin(a)))), vec2<i32>(0), size - 1);
}

// A backdrop pixel: what out-of-focus surface in front of it reaches it
// (its own circle as wide as the tap's distance), with the backdrop round it.
// Only clearly soft surfaces (a circle of at least `BACKDROP_SOFT` of the
// widest): a nearly sharp one, the head's own outline, would reach the
// backdrop through one or two of the taps here and there and speckle it.
const BACKDROP_SOFT: f32 = 0.3;
fn backdrop_pixel(p: vec2<i32>, own: vec4<f32>, turn: f32, depth: f32) -> vec4<f32> {
    let size = vec2<i32>(textureDimensions(sharp));
    let widest = frame.lens.z;
    let soft = BACKDROP_SOFT * widest;
    // Most of the backdrop has nothing soft within the widest circle: four
    // taps on its rim say so (their turn differs from pixel to pixel, so
    // nothing wider than a few pixels slips between them everywhere).
    var near = false;
    for (var k = 0u; k < 4u; k++) {
        let d = depth_at(tap(p, widest, turn + f32(k) * TAU / 4.0, size));
        near = near || (d < NO_SURFACE && blur_radius_px(d) >= soft);
    }
    if (!near) { return optics(p, own); }
    // (The backdrop's depth is the pre-pass's clear value: any backdrop
    // sample counts as behind it, a surface only if its circle reaches.)
    return disc_gather(p, own, turn, depth, widest, soft);
}

fn depth_at(p: vec2<i32>) -> f32 {
    return textureLoad(head_depth, p, 0).x;
}

// The gather in a circle of `radius` px round `p` (view depth `depth`): a
// sample behind the point counts, a nearer one where its own circle
// reaches the point and is at least `least_reach` px.
fn disc_gather(p: vec2<i32>, own: vec4<f32>, turn: f32, depth: f32, radius: f32, least_reach: f32) -> vec4<f32> {
    let size = vec2<i32>(textureDimensions(sharp));
    var sum = own.rgb;
    var weight = 1.0;
    for (var k = 1u; k < LENS_TAPS; k++) {
        let r = radius * sqrt(f32(k) / f32(LENS_TAPS - 1u));
        let q = tap(p, r, turn + f32(k) * GOLDEN_ANGLE, size);
        let d = depth_at(q);
        let behind = d >= depth - 2.0 * radius * depth / frame.camera_pos.w;
        let reaches = blur_radius_px(min(d, NO_SURFACE)) >= max(r, least_reach);
        if (behind || reaches) {
            sum += textureLoad(sharp, q, 0).rgb;
            weight += 1.0;
        }
    }
    return vec4<f32>(sum / weight, own.a);
}

// A point's image through the lens and the sensor's filter, where nothing
// defocuses it: a Gaussian of `frame.lens.w` px, in 3×3 taps.
fn optics(p: vec2<i32>, own: vec4<f32>) -> vec4<f32> {
    let size = vec2<i32>(textureDimensions(sharp));
    let fall = -0.5 / (frame.lens.w * frame.lens.w);
    let side = exp(fall);
    let corner = side * side;
    var sum = vec3<f32>(0.0);
    for (var dy = -1; dy <= 1; dy++) {
        for (var dx = -1; dx <= 1; dx++) {
            let q = clamp(p + vec2<i32>(dx, dy), vec2<i32>(0), size - 1);
            let w = select(select(1.0, side, dx != 0 || dy != 0), corner, dx != 0 && dy != 0);
            sum += w * textureLoad(sharp, q, 0).rgb;
        }
    }
    return vec4<f32>(sum / (1.0 + 4.0 * side + 4.0 * corner), own.a);
}

fn focused(p: vec2<i32>, own: vec4<f32>, turn: f32) -> vec4<f32> {
    let depth = depth_at(p);
    if (depth > NO_SURFACE) { return backdrop_pixel(p, own, turn, depth); }
    let radius = blur_radius_px(depth);
    if (radius < 0.5) { return optics(p, own); }
    return disc_gather(p, own, turn, depth, radius, 0.0);
}

@fragment
fn fs_lens(in: VertexOut) -> @location(0) vec4<f32> {
    let p = vec2<i32>(in.clip.xy);
    let own = textureLoad(sharp, p, 0);
    let seen = focused(p, own, disc_turn(in.clip.xy));
    return vec4<f32>(sensor_grain(seen.rgb, in.clip.xy), seen.a);
}
