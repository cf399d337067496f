// Shared helpers, prepended to every pass at build time. No bindings here.

const PI: f32 = 3.14159265;
const TAU: f32 = 6.2831853;
const HAIRLINE_SAMPLES: u32 = 128u;
const MAX_ZONES: u32 = 8u;
// Fixed-point scale of the pigment accumulation buffers.
const PIGMENT_SCALE: f32 = 4096.0;
// A healed dot's halo of migrated ink (`skin_optics::INK_HALO_REACH`, `INK_HALO_SHARE`).
const INK_HALO_REACH: f32 = 3.0;
const INK_HALO_SHARE: f32 = 0.15;
// Impressions per splat thread in a motion frame whose units are all under a
// pixel (`gpu::renderer::MOTION_IMPRESSION_STRIDE`).
const MOTION_STRIDE: u32 = 4u;

// One pigment impression: 24 bytes.
struct Impression {
    px: f32, py: f32, pz: f32,
    normal_oct: u32,   // octahedral unit normal, snorm16 × 2
    diameter_mm: f32,
    packed: u32,       // session (bits 0-7), darkness ×128 (bits 8-15), unit's dots - 1 (16-17), ink share (18-25)
}

// An impression's ink against its session's mean, in steps of 1/64 (bits
// 18-25 of `packed`); 0, as a record made on the CPU leaves it, is 1.
const INK_SHARE_STEPS: f32 = 64.0;
fn ink_share(imp: Impression) -> f32 {
    let steps = (imp.packed >> 18u) & 0xffu;
    return select(f32(steps) / INK_SHARE_STEPS, 1.0, steps == 0u);
}

// Mirrors `scars::ScarUniform`.
struct Scars {
    counts: vec4<f32>,                  // capsule count, scar count
    capsules: array<vec4<f32>, 64>,     // per capsule: (a, radius), (b, scar index)
    params: array<vec4<f32>, 4>,        // density scale, kind (0 strip, 1 FUE, 2 line), own shade
    areas: array<vec4<f32>, 4>,         // FUE donor disc: centre, radius
}

// Mirrors `hairline::CoverageUniform`.
struct Coverage {
    center: vec4<f32>,
    band: vec4<f32>,        // band_mm, irregularity_mm, irregularity_scale_mm, noise seed bits
    region: vec4<f32>,      // preset, depth_mm, feather_mm, crown_radius_mm
    crown_point: vec4<f32>,
    counts: vec4<f32>,      // zone count, max coverage, layer (0 treatment, 1 hair)
    bald: vec4<f32>,        // Norwood: corner_mm, mid_mm, crown_mm, fringe_mm
    bald_side: vec4<f32>,   // Norwood: side_deg
    temple_point: vec4<f32>, // the temporal points' tip: |azimuth| deg, elevation deg
    zone_points: array<vec4<f32>, 8>,
    zone_params: array<vec4<f32>, 8>,   // feather, density scale, hair scale
    hairline: array<vec4<f32>, 32>,
    scars: Scars,
}

// Per view: camera, lights, skin and pigment looks. Mirrors `gpu::frame::FrameUniform`.
struct Frame {
    view_proj: mat4x4<f32>,
    view: mat4x4<f32>,
    camera_pos: vec4<f32>,      // xyz, focal length in pixels
    viewport: vec4<f32>,        // width, height, 1/width, 1/height
    light_dir: array<vec4<f32>, 3>,    // toward the light, world; w unused
    light_color: array<vec4<f32>, 3>,  // linear rgb × intensity
    ambient_sky: vec4<f32>,
    ambient_ground: vec4<f32>,
    skin: vec4<f32>,            // linear albedo, detail
    eye_left: vec4<f32>,        // centre, radius
    eye_right: vec4<f32>,
    session_look: array<vec4<f32>, 4>,  // seen linear rgb, edge softness (< 0: not placed yet)
    session_extra: array<vec4<f32>, 4>, // redness, healed, 0, 0
    params: vec4<f32>,          // exposure, noise seed bits, depth slack mm (splat), 0
    background_top: vec4<f32>,
    background_bottom: vec4<f32>,
    clothing: vec4<f32>,        // linear albedo of the top the built-in head wears
    hair: vec4<f32>,            // linear hair colour (eyebrows, stubble), stubble softness
    hair_root: vec4<f32>,       // linear colour of a hair's root seen through the skin, grey share
    hair_flow: vec4<f32>,       // the crown's whorl (xyz, head frame), stub length on the skin mm
    neck_cut: vec4<f32>,        // y = x + y·z: the cut plane under the neck
    scar_tissue: vec4<f32>,     // linear albedo of scar tissue, roughness
    scar_look: array<vec4<f32>, 4>,  // seen rgb of a scar's own shade
    subsurface: vec4<f32>,      // light's diffusion under the ink, Gaussian sigma mm (r, g, b), healed ink's spread
    lid_curves: array<vec4<f32>, 4>, // upper lid margins, left eye then right: y = c0 + c1 x + c2 x² (w 1 where known), (x inner, x outer, 0, 0)
    beard: array<vec4<f32>, 2>,   // (subnasale y, stomion y, menton y, strength), (ear |x|, y, z, 0)
    detail_level: vec4<f32>,    // 1 / impressions per splat thread (1, or 1 / MOTION_STRIDE in motion), least ink blur px (0 unless thinned), 0, 0
    lens: vec4<f32>,            // focus distance mm, blur diameter at infinity px, largest radius px, 0
    head_ellipsoid: array<vec4<f32>, 2>, // the head's shadow on the clothes: centre, semi-axes mm (0: none)
    scars: Scars,
}

// Impressions with these session numbers are not pigment.
const SLOT_HAIR: u32 = 4u;
const SLOT_SCAR_DOT: u32 = 5u;

// PCG-style hash; identical to `hairline::hash_u32`.
fn hash_u32(x: u32) -> u32 {
    let state = x * 747796405u + 2891336453u;
    let word = ((state >> ((state >> 28u) + 4u)) ^ state) * 277803737u;
    return (word >> 22u) ^ word;
}

fn lattice(i: vec3<i32>, seed: u32) -> f32 {
    let h = hash_u32(u32(i.x) ^ hash_u32(u32(i.y) ^ hash_u32(u32(i.z) ^ seed)));
    return f32(h >> 8u) / 16777216.0 * 2.0 - 1.0;
}

// Smooth value noise in [-1, 1]; identical to `hairline::value_noise`.
fn value_noise(p: vec3<f32>, seed: u32) -> f32 {
    let f = floor(p);
    let t = p - f;
    let w = t * t * (vec3<f32>(3.0) - 2.0 * t);
    let i = vec3<i32>(f);
    let x00 = mix(lattice(i, seed), lattice(i + vec3<i32>(1, 0, 0), seed), w.x);
    let x10 = mix(lattice(i + vec3<i32>(0, 1, 0), seed), lattice(i + vec3<i32>(1, 1, 0), seed), w.x);
    let x01 = mix(lattice(i + vec3<i32>(0, 0, 1), seed), lattice(i + vec3<i32>(1, 0, 1), seed), w.x);
    let x11 = mix(lattice(i + vec3<i32>(0, 1, 1), seed), lattice(i + vec3<i32>(1, 1, 1), seed), w.x);
    return mix(mix(x00, x10, w.y), mix(x01, x11, w.y), w.z);
}

// A small counter-based random stream.
fn rng_next(state: ptr<function, u32>) -> f32 {
    *state = hash_u32(*state);
    return f32(*state >> 8u) / 16777216.0;
}

fn rng_seed(index: u32, seed: u32) -> u32 {
    return hash_u32(index * 0x9e3779b9u ^ hash_u32(seed));
}

fn rng_gaussian(state: ptr<function, u32>) -> f32 {
    let u1 = max(rng_next(state), 1e-7);
    let u2 = rng_next(state);
    return sqrt(-2.0 * log(u1)) * cos(TAU * u2);
}

fn ramp(x: f32, width: f32) -> f32 {
    if (width > 0.0) { return clamp(x / width, 0.0, 1.0); }
    return select(0.0, 1.0, x >= 0.0);
}

fn segment_distance(p: vec3<f32>, a: vec3<f32>, b: vec3<f32>) -> f32 {
    let ab = b - a;
    let t = clamp(dot(p - a, ab) / max(dot(ab, ab), 1e-9), 0.0, 1.0);
    return length(p - (a + ab * t));
}

const SCAR_EDGE_MM: f32 = 0.8;
// The FUE donor band's height over its width (`scars::FUE_BAND_ASPECT`).
const FUE_BAND_ASPECT: f32 = 0.45;

// Octahedral normal encoding.
fn oct_wrap(v: vec2<f32>) -> vec2<f32> {
    return (1.0 - abs(v.yx)) * select(vec2<f32>(-1.0), vec2<f32>(1.0), v >= vec2<f32>(0.0));
}

fn pack_normal(n: vec3<f32>) -> u32 {
    var p = n.xy / (abs(n.x) + abs(n.y) + abs(n.z));
    if (n.z < 0.0) { p = oct_wrap(p); }
    return pack2x16snorm(p);
}

fn unpack_normal(bits: u32) -> vec3<f32> {
    let p = unpack2x16snorm(bits);
    var n = vec3<f32>(p, 1.0 - abs(p.x) - abs(p.y));
    if (n.z < 0.0) { n = vec3<f32>(oct_wrap(n.xy), n.z); }
    return normalize(n);
}

// Flattened invocation index for 2D dispatches of 256-wide workgroups.
fn flat_index(gid: vec3<u32>, groups: vec3<u32>) -> u32 {
    return gid.x + gid.y * groups.x * 256u;
}

// Ink absorbs light on the way into the skin and on the way out (it lies
// under the epidermis, between scattering layers): a one-pass transmission
// t with t² the reflectance ratio of skin fully covered by the ink, so a
// solid area still shows the ink's calibrated colour.
fn ink_absorption(seen: vec3<f32>, skin: vec3<f32>) -> vec3<f32> {
    let ratio = seen / max(skin, vec3<f32>(1e-4));
    return vec3<f32>(1.0) - sqrt(clamp(ratio, vec3<f32>(0.0), vec3<f32>(1.0)));
}

// Packs three values in [0, 1] into 10 bits each.
fn pack_unit3(v: vec3<f32>) -> u32 {
    let q = vec3<u32>(clamp(v, vec3<f32>(0.0), vec3<f32>(1.0)) * 1023.0 + 0.5);
    return q.r | (q.g << 10u) | (q.b << 20u);
}

fn unpack_unit3(p: u32) -> vec3<f32> {
    return vec3<f32>(f32(p & 1023u), f32((p >> 10u) & 1023u), f32((p >> 20u) & 1023u)) / 1023.0;
}

// A camera's sensor noise: a faint, fixed grain (±2.5 % of the signal per
// pixel, a third of it in colour; deterministic), without which a clean
// render reads as a render.
fn sensor_grain(c: vec3<f32>, pixel: vec2<f32>) -> vec3<f32> {
    let k = hash_u32(u32(pixel.x) * 1973u + u32(pixel.y) * 9277u + 7u);
    let luma = f32(k >> 8u) / 16777216.0 - 0.5;
    let j = hash_u32(k);
    let chroma = vec3<f32>(f32(j & 255u), f32((j >> 8u) & 255u), f32((j >> 16u) & 255u)) / 255.0 - vec3<f32>(0.5);
    return c * (vec3<f32>(1.0 + 0.05 * luma) + 0.017 * chroma);
}
