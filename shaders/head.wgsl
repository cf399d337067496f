// The head: a depth pre-pass (linear view depth, for the pigment splat's
// occlusion test) and the shading pass (skin with pigment under it, eyes),
// plus the studio backdrop.

@group(0) @binding(0) var<uniform> frame: Frame;
// Per pixel: (coverage | r << 16, g | b << 16), 16-bit fixed point sums of
// coverage and coverage-weighted colour (see `splat.wgsl`).
@group(0) @binding(1) var<storage, read> pigment: array<vec2<u32>>;
// The ink's one-pass absorption (see `splat.wgsl`) and the transmission the
// subsurface pass diffused from it.
@group(0) @binding(2) var<storage, read> ink: array<u32>;
@group(0) @binding(3) var<storage, read> diffused: array<u32>;

// Scar accessors for `scars.wgsl`.
fn scars_counts() -> vec4<f32> { return frame.scars.counts; }
fn scar_capsule(i: u32) -> vec4<f32> { return frame.scars.capsules[i]; }
fn scar_params(k: u32) -> vec4<f32> { return frame.scars.params[k]; }
fn scar_area(k: u32) -> vec4<f32> { return frame.scars.areas[k]; }

struct VertexIn {
    @location(0) position_mm: vec3<f32>,
    @location(1) normal: vec3<f32>,
    @location(2) uv: vec2<f32>,
    @location(3) material: u32,
    // A scan's own colour (sRGB), alpha 0 where the mesh has none.
    @location(4) scan_srgba: vec4<f32>,
    // The share of the sky this point sees (`head::occlusion`).
    @location(5) sky_visibility: f32,
    @location(6) open_direction: vec3<f32>,
}

struct VertexOut {
    clip: vec4<f32>,
    world: vec3<f32>,
    normal: vec3<f32>,
    view_depth: f32,
    material: u32,
    // The skin's mottling (albedo, extra red), 6-24 mm features: evaluated
    // per vertex (1-2 mm apart) instead of per fragment.
    mottle: vec2<f32>,
    uv: vec2<f32>,
    // The scan's colour, linear, alpha 1 where it has one.
    scan: vec4<f32>,
    sky: f32,
    open_dir: vec3<f32>,
    // `skin_redness` and `under_eye`, 1-3 cm features: per vertex.
    redness: f32,
    under_eye: f32,
}

// `VertexOut` as the rasteriser interpolates it, packed four to a slot: a
// CPU rasteriser sets up each slot of every triangle, and the motion
// frames' triangles are a pixel or two each, so eleven slots cost more
// than the shading of their pixels.
struct Varyings {
    @builtin(position) clip: vec4<f32>,
    @location(0) world_depth: vec4<f32>,
    @location(1) normal_sky: vec4<f32>,
    @location(2) open_dir_redness: vec4<f32>,
    @location(3) mottle_uv: vec4<f32>,
    @location(4) scan: vec4<f32>,
    @location(5) under_eye: f32,
    @location(6) @interpolate(flat) material: u32,
}

fn pack_varyings(o: VertexOut) -> Varyings {
    return Varyings(o.clip, vec4<f32>(o.world, o.view_depth), vec4<f32>(o.normal, o.sky),
        vec4<f32>(o.open_dir, o.redness), vec4<f32>(o.mottle, o.uv), o.scan, o.under_eye, o.material);
}

fn unpack_varyings(v: Varyings) -> VertexOut {
    return VertexOut(v.clip, v.world_depth.xyz, v.normal_sky.xyz, v.world_depth.w, v.material,
        v.mottle_uv.xy, v.mottle_uv.zw, v.scan, v.normal_sky.w, v.open_dir_redness.xyz,
        v.open_dir_redness.w, v.under_eye);
}

fn head_vertex(v: VertexIn) -> VertexOut {
    var out: VertexOut;
    out.clip = frame.view_proj * vec4<f32>(v.position_mm, 1.0);
    out.world = v.position_mm;
    out.normal = v.normal;
    out.view_depth = -(frame.view * vec4<f32>(v.position_mm, 1.0)).z;
    out.material = v.material;
    out.mottle = vec2<f32>(0.0);
    out.redness = 0.0;
    out.under_eye = 0.0;
    out.uv = v.uv;
    out.scan = vec4<f32>(srgb_to_linear(v.scan_srgba.rgb), v.scan_srgba.a);
    out.sky = v.sky_visibility;
    out.open_dir = v.open_direction;
    return out;
}

fn srgb_to_linear(c: vec3<f32>) -> vec3<f32> {
    return select(pow((c + 0.055) / 1.055, vec3<f32>(2.4)), c / 12.92, c <= vec3<f32>(0.04045));
}

@vertex
fn vs_head(v: VertexIn) -> Varyings {
    return pack_varyings(head_vertex(v));
}

@vertex
fn vs_shade(v: VertexIn) -> Varyings {
    var out = head_vertex(v);
    // A scan has its own mottling in its colour.
    out.mottle = skin_mottle(v.position_mm) * (1.0 - v.scan_srgba.a);
    out.redness = skin_redness(v.position_mm) * (1.0 - v.scan_srgba.a);
    out.under_eye = under_eye(v.position_mm) * (1.0 - v.scan_srgba.a);
    return pack_varyings(out);
}

// The mesh ends in a ragged edge on the neck: cut it cleanly with a plane
// (lower under the chin, higher at the nape).
fn below_neck_cut(world: vec3<f32>) -> bool {
    return world.y < frame.neck_cut.x + frame.neck_cut.y * world.z;
}

@fragment
fn fs_depth(v: Varyings) -> @location(0) vec4<f32> {
    if (below_neck_cut(v.world_depth.xyz)) { discard; }
    return vec4<f32>(v.world_depth.w, 0.0, 0.0, 1.0);
}

// ---- lighting -------------------------------------------------------------

fn ggx(n_dot_h: f32, roughness: f32) -> f32 {
    let a2 = roughness * roughness * roughness * roughness;
    let d = n_dot_h * n_dot_h * (a2 - 1.0) + 1.0;
    return a2 / (PI * d * d);
}

fn specular(n: vec3<f32>, v: vec3<f32>, l: vec3<f32>, roughness: f32, f0: f32) -> f32 {
    let h = normalize(v + l);
    let n_dot_l = max(dot(n, l), 0.0);
    let n_dot_v = max(dot(n, v), 1e-3);
    let k = roughness * roughness * 0.5;
    let vis = 0.25 / ((n_dot_l * (1.0 - k) + k) * (n_dot_v * (1.0 - k) + k));
    let fresnel = f0 + (1.0 - f0) * pow(1.0 - max(dot(v, h), 0.0), 5.0);
    return ggx(max(dot(n, h), 0.0), roughness) * vis * fresnel * n_dot_l;
}

// Wrapped diffuse with more wrap in red: light scattered under the skin
// softens the terminator and warms it.
fn skin_diffuse(n_dot_l: f32) -> vec3<f32> {
    let wrap = vec3<f32>(0.21, 0.17, 0.15);
    return max((vec3<f32>(n_dot_l) + wrap) / ((1.0 + wrap) * (1.0 + wrap)), vec3<f32>(0.0));
}

// How much of a light reaches a point in a fold or hollow, from what it
// sees of the sky (the bent cone, Klehm et al. 2011): a point that sees a
// cosine-weighted share V of its sky sees it through a cone of half-angle θ,
// sin²θ = V, round its open direction. A light inside the cone reaches it,
// one outside is hidden, with a soft edge for the soft boxes' size: the ear's
// fold, the nose and the chin shade the skin on the far side from the light.
fn light_occlusion(sky: f32, open_dir: vec3<f32>, l: vec3<f32>) -> f32 {
    let cos_cone = sqrt(max(1.0 - sky, 0.0));
    let inside = smoothstep(cos_cone - 0.4, cos_cone + 0.2, dot(open_dir, l));
    // Where nearly the whole sky is open the diffuse term alone shades it.
    return mix(mix(0.35, 1.0, inside), 1.0, smoothstep(0.8, 0.97, sky));
}

// The soft boxes stand this far from the head's centre (the world's origin):
// a point nearer a light gets more of it, by the inverse square, so the
// shoulders under the head and the chest below it fall off as in a studio
// photograph instead of being lit as brightly as the face.
const SOFT_BOX_DISTANCE_MM: f32 = 1500.0;

// Light `k`'s radiance at `p`.
fn light_at(k: u32, p: vec3<f32>) -> vec3<f32> {
    let to_light = frame.light_dir[k].xyz * SOFT_BOX_DISTANCE_MM - p;
    let falloff = SOFT_BOX_DISTANCE_MM * SOFT_BOX_DISTANCE_MM / max(dot(to_light, to_light), 1.0);
    return frame.light_color[k].rgb * falloff;
}

fn ambient(n: vec3<f32>) -> vec3<f32> {
    return mix(frame.ambient_ground.rgb, frame.ambient_sky.rgb, 0.5 + 0.5 * n.y);
}

// Khronos PBR Neutral tone mapping: keeps skin and pigment hues true. Its
// toe (the Fresnel floor's 0.04 taken off) is taken off in proportion,
// not from each channel alike: subtracted, it took most of a dark skin's
// blue and turned fitzpatrick-5 brown (#755243) terracotta (R/G 1.68,
// G/B 1.5 against the preset's 1.43, 1.22).
fn tone_map(color: vec3<f32>) -> vec3<f32> {
    let start = 0.8 - 0.04;
    let desat = 0.15;
    let x = min(color.r, min(color.g, color.b));
    let offset = select(0.04, x - 6.25 * x * x, x < 0.08);
    let top = max(color.r, max(color.g, color.b));
    var c = color * max(top - offset, 0.0) / max(top, 1e-6);
    let peak = max(c.r, max(c.g, c.b));
    if (peak < start) { return c; }
    let d = 1.0 - start;
    let new_peak = 1.0 - d * d / (peak + d - start);
    c *= new_peak / peak;
    let g = 1.0 - 1.0 / (desat * (peak - new_peak) + 1.0);
    return mix(c, vec3<f32>(new_peak), g);
}

// ---- skin -----------------------------------------------------------------

// Pigment under this pixel: (coverage, seen colour).
// The ink's one-pass transmission here (the light's way out) times the
// transmission blurred by the subsurface pass (its way in).
fn ink_transmission_at(frag: vec4<f32>) -> vec3<f32> {
    let px = u32(frag.y) * u32(frame.viewport.x) + u32(frag.x);
    let a = vec3<f32>(f32(ink[2u * px] & 0xffffu), f32(ink[2u * px] >> 16u), f32(ink[2u * px + 1u] & 0xffffu));
    let sharp = vec3<f32>(1.0) - min(a / PIGMENT_SCALE, vec3<f32>(1.0));
    let spread = unpack_unit3(diffused[2u * px]);
    // Healed ink lies partly spread round each dot (`skin_optics::INK_SPREAD`).
    // A thinned motion frame sees its ink through the blur only (see
    // `THINNED_INK_BLUR_PX`).
    let near = select(sharp, spread, frame.detail_level.y > 0.0);
    return mix(near, spread, frame.subsurface.w) * spread;
}

// How matte the stubble makes the skin here (0 bare, 1 dense stubble):
// cut shafts break up the skin's sheen. Saturates where stubs cover a few
// per cent of the skin, as a grown buzz cut's do.
fn stubble_matte(frag: vec4<f32>) -> f32 {
    let px = u32(frag.y) * u32(frame.viewport.x) + u32(frag.x);
    return clamp(bitcast<f32>(diffused[2u * px + 1u]) * 40.0, 0.0, 1.0);
}

fn pigment_at(frag: vec4<f32>) -> vec4<f32> {
    let idx = u32(frag.y) * u32(frame.viewport.x) + u32(frag.x);
    let p = pigment[idx];
    let cover = f32(p.x & 0xffffu) / PIGMENT_SCALE;
    if (cover <= 0.0) { return vec4<f32>(0.0); }
    let rgb = vec3<f32>(f32(p.x >> 16u), f32(p.y & 0xffffu), f32(p.y >> 16u));
    return vec4<f32>(min(cover, 1.0), rgb / PIGMENT_SCALE / cover);
}

// The lashes, seen from the front as a dark fringe along the upper lid
// margin (found on the mesh, `HeadMesh::lid_margins`), thickest in the
// middle and thinning to the corners, ragged with single lashes (averaged
// out where a pixel spans several); a thin, faint line along the lower lid,
// which touches the eyeball. `footprint_mm`: what one pixel spans.
fn lash_line(world: vec3<f32>, footprint_mm: f32) -> f32 {
    let eye = select(frame.eye_right, frame.eye_left, world.x > 0.0);
    let local = (world - eye.xyz) / eye.w;
    let gap = length(world - eye.xyz) - eye.w;
    // Most of the skin is far from either eye: out before any work.
    if (local.z < 0.3 || gap > 8.0) { return 0.0; }
    let lower = (1.0 - smoothstep(0.4, 1.2, gap)) * (1.0 - smoothstep(-0.2, 0.1, local.y));
    var upper = 0.0;
    let k = select(2u, 0u, world.x > 0.0);
    let curve = frame.lid_curves[k];
    if (curve.w > 0.0) {
        // Height above the margin's curve and how far along it (0 inner,
        // 1 outer), seen from the front. (One curve, not a polyline: on a
        // CPU rasteriser every branch is paid by every pixel.)
        let span = frame.lid_curves[k + 1u];
        let along = (world.x - span.x) / (span.y - span.x);
        let above = world.y - (curve.x + curve.y * world.x + curve.z * world.x * world.x);
        let inside = smoothstep(-0.08, 0.02, along) * (1.0 - smoothstep(0.98, 1.08, along));
        // The lashes stand out and up from the margin: seen from the front
        // they cover a band above it, densest at the roots; never thinner
        // than about a pixel and a half, so that they read at a distance.
        let width_mm = max(3.2 * (1.0 - 0.7 * pow(2.0 * clamp(along, 0.0, 1.0) - 1.0, 2.0)) + 0.5, 1.5 * footprint_mm);
        // Single lashes about 0.3 mm apart, averaged out where a pixel spans several.
        let single = 0.5 + 0.5 * sin(along * 110.0 + 2.0 * sin(world.x * 7.3 + world.y * 3.1));
        let resolved = 1.0 - smoothstep(0.1, 0.3, footprint_mm);
        let ragged = mix(0.85, 0.5 + 0.5 * single, resolved);
        let reach = select(0.45 * width_mm, width_mm, above > 0.0);
        upper = (1.0 - smoothstep(0.3 * reach, reach, abs(above))) * ragged * inside;
    }
    return max(0.95 * upper, 0.35 * lower);
}

// The beard's shadow: the roots of a shaved beard under the skin, over the
// upper lip, chin, jaw and the cheeks below a line from the mouth's corners
// to the sideburns, and under the jaw onto the neck; not on the lips. Plain
// arithmetic on a few landmarks (no branches that cost every pixel).
fn beard_shadow(world: vec3<f32>) -> f32 {
    let b = frame.beard[0];
    let ear = frame.beard[1];
    let ax = abs(world.x);
    let t = clamp(ax / max(ear.x - 10.0, 1.0), 0.0, 1.0);
    // The top edge: the moustache just under the nose, dipping below the
    // cheek's bare patch towards the jaw, up again to the sideburn.
    let dip = 16.0 * smoothstep(0.15, 0.55, t) * (1.0 - smoothstep(0.6, 1.0, t));
    let top = mix(b.x - 3.0, ear.y - 6.0, smoothstep(0.45, 1.0, t)) - dip;
    // The beard thins out over 1-2 cm up the cheek: an 11 mm ramp drew a
    // ruled line from the nose to the jaw once the shadow was strong enough
    // to be seen.
    let below = 1.0 - smoothstep(top - 13.0, top + 5.0, world.y);
    let front = smoothstep(-14.0, 2.0, world.z) * (1.0 - smoothstep(ear.x - 14.0, ear.x - 7.0, ax));
    let neck = smoothstep(b.z - 42.0, b.z - 30.0, world.y);
    let lips = (1.0 - smoothstep(LIPS_HALF_HEIGHT_MM - 2.0, LIPS_HALF_HEIGHT_MM + 0.5, abs(world.y - (b.y - MOUTH_BELOW_STOMION_MM)))) * (1.0 - smoothstep(20.0, 25.0, ax));
    return b.w * below * front * neck * (1.0 - lips);
}

// Where the face is redder, as faces are: the blood close under thin skin
// on the nose, the cheeks and the ears (a 6-10 % shift towards red at the
// middle of each, fading over 1-3 cm), on a head whose landmarks give them.
fn skin_redness(world: vec3<f32>) -> f32 {
    let ear = frame.beard[1];
    if (ear.x <= 0.0) { return 0.0; }
    let eye = select(frame.eye_right, frame.eye_left, world.x > 0.0);
    let ax = abs(world.x);
    let nose_top = eye.y - 8.0;
    let nose_bottom = frame.beard[0].x;
    let along = smoothstep(nose_bottom - 4.0, nose_bottom + 6.0, world.y) * (1.0 - smoothstep(nose_top - 6.0, nose_top, world.y));
    let nose = exp(-ax * ax / (2.0 * 8.0 * 8.0)) * along * smoothstep(eye.z, eye.z + 12.0, world.z);
    let cheek_at = vec3<f32>(sign(world.x) * (abs(eye.x) + 4.0), eye.y - 30.0, eye.z + 2.0);
    let cheek = exp(-dot(world - cheek_at, world - cheek_at) / (2.0 * 15.0 * 15.0));
    let ear_at = vec3<f32>(sign(world.x) * ear.x, ear.y + 4.0, ear.z);
    let ears = exp(-dot(world - ear_at, world - ear_at) / (2.0 * 20.0 * 20.0));
    return max(nose, max(0.8 * cheek, ears));
}

// The ears' outer flap (the pinna, skin over a thin cartilage, standing
// out from the head past the ear canal): a light behind it shows through it
// red, as it does in every backlit portrait. A weight, 0 to 1.
fn pinna(world: vec3<f32>) -> f32 {
    let ear = frame.beard[1];
    if (ear.x <= 0.0) { return 0.0; }
    let out = abs(world.x) - ear.x;
    let d = world.yz - vec2<f32>(ear.y + 6.0, ear.z - 6.0);
    return smoothstep(3.0, 9.0, out) * exp(-dot(d, d) / (2.0 * 24.0 * 24.0));
}

// The T-zone: the forehead and the nose's bridge and tip, where the skin
// is oiliest and shines most in a portrait (Weyrich et al. 2006 measure
// the strongest, sharpest specular there). A weight, 0 to 1; 0 off the
// built-in head's face.
fn t_zone(world: vec3<f32>) -> f32 {
    if (frame.beard[1].x <= 0.0) { return 0.0; }
    let eye_y = 0.5 * (frame.eye_left.y + frame.eye_right.y);
    let eye_z = 0.5 * (frame.eye_left.z + frame.eye_right.z);
    let ax = abs(world.x);
    let front = smoothstep(eye_z - 15.0, eye_z, world.z);
    // (Up to about the hairline: the scalp keeps the skin's own sheen.)
    let forehead = smoothstep(eye_y + 12.0, eye_y + 26.0, world.y) * (1.0 - smoothstep(eye_y + 45.0, eye_y + 60.0, world.y))
        * (1.0 - smoothstep(28.0, 50.0, ax));
    let nose = (1.0 - smoothstep(5.0, 13.0, ax)) * smoothstep(frame.beard[0].x + 2.0, frame.beard[0].x + 10.0, world.y)
        * (1.0 - smoothstep(eye_y, eye_y + 12.0, world.y)) * smoothstep(eye_z + 4.0, eye_z + 14.0, world.z);
    return max(forehead * front, nose);
}

// The thin skin under and beside the eyes, darker and a little violet (the
// blood and muscle under it show through), fading over about a centimetre.
fn under_eye(world: vec3<f32>) -> f32 {
    if (frame.beard[1].x <= 0.0) { return 0.0; }
    let eye = select(frame.eye_right, frame.eye_left, world.x > 0.0);
    let d = world - (eye.xyz + vec3<f32>(0.0, -0.55 * eye.w, 0.3 * eye.w));
    let r2 = d.x * d.x / (1.1 * 1.1) + d.y * d.y / (0.55 * 0.55) + d.z * d.z;
    return exp(-r2 / (2.0 * 9.0 * 9.0)) * smoothstep(eye.z - 4.0, eye.z + 4.0, world.z);
}

// The lips' middle sits this far below the mouth's line (found on the mesh,
// `HeadMesh::stomion_y`): the lower lip's red is a little the taller. The
// facial thirds had put the line 3-4 mm high, on the upper lip, and the red
// on the lower lip alone.
const MOUTH_BELOW_STOMION_MM: f32 = 0.5;
// Half the height of both lips' red together at the middle, mm.
const LIPS_HALF_HEIGHT_MM: f32 = 8.0;

// The lips' red (the vermilion): a band round the mouth line, fuller at the
// middle, where the beard leaves off.
fn lip_tint(world: vec3<f32>) -> f32 {
    let b = frame.beard[0];
    if (frame.beard[1].x <= 0.0) { return 0.0; }
    let ax = abs(world.x);
    let half_height = mix(LIPS_HALF_HEIGHT_MM, 2.0, smoothstep(8.0, 24.0, ax));
    let band = 1.0 - smoothstep(half_height - 2.0, half_height + 1.5, abs(world.y - (b.y - MOUTH_BELOW_STOMION_MM)));
    let across = 1.0 - smoothstep(19.0, 24.0, ax);
    return band * across * smoothstep(-5.0, 10.0, world.z);
}

// The brow's single hairs, in the flow's coordinates (mm): four layers of
// rows 0.2 mm apart, each row a run of hairs 5-8 mm long a tenth of a
// millimetre thick at the root, tapering, each leaning across its row a
// little. The layers' grids are offset so no row or column lines up.
const BROW_ROW_MM: f32 = 0.2;
const BROW_PERIOD_MM: f32 = 8.5;
// What the layers cover on average (measured on a numpy twin), where a
// pixel spans several hairs.
const BROW_HAIRS_MEAN: f32 = 0.78;
fn brow_hairs(along: f32, side: f32, footprint_mm: f32) -> f32 {
    var bare = 1.0;
    let aa = max(0.5 * footprint_mm, 0.015);
    for (var k = 0u; k < 4u; k++) {
        let s = side / BROW_ROW_MM + f32(k) * 0.37;
        let row = hash_u32(bitcast<u32>(i32(floor(s))) ^ (k * 0x9e3779b9u));
        let a = along / BROW_PERIOD_MM + f32(row & 0xffffu) / 65535.0;
        let hair = hash_u32(row ^ bitcast<u32>(i32(floor(a))));
        let len = 0.6 + 0.35 * f32(hair & 0xffu) / 255.0;
        let pos = fract(a) / len;                    // 0 at the root, 1 at the tip
        let lean = (f32((hair >> 8u) & 0xffu) / 255.0 - 0.5) * 0.8;
        let d = abs(fract(s) - 0.5 - lean * (pos - 0.5)) * BROW_ROW_MM;
        let half_thick = 0.055 * (1.0 - 0.75 * pos);
        let on = (1.0 - smoothstep(half_thick - aa, half_thick + aa, d)) * step(pos, 1.0);
        bare *= 1.0 - on;
    }
    return 1.0 - bare;
}

// The lips' own colour against the skin's: rosy rather than salmon, darker
// towards the line where they meet (their inner, wetter part, in the shadow
// of the upper lip). (Plain arithmetic: every skin pixel pays for it on a
// CPU rasteriser; a noise for the lips' fine furrows cost the full frame
// more than it showed.)
fn lip_color(world: vec3<f32>) -> vec3<f32> {
    let meet = 1.0 - smoothstep(0.5, 3.5, abs(world.y - frame.beard[0].y));
    return vec3<f32>(0.9, 0.68, 0.7) * (1.0 - 0.28 * meet);
}

// Eyebrows: an arched band above each eye, about 10 mm tall at the head
// and tapering to a 3 mm tail, made of hairs 5-8 mm long lying in the
// brow's flow: rising at the head, then outward, the lower hairs angled up
// and the upper ones down so they meet along the middle. Dense in the body
// (skin hardly shows), sparser at the head and the edges, and the edges
// wander by a millimetre: a band with a sharp, even edge reads as painted.
// Single hairs (a tenth of a millimetre) fade into their mean where a pixel
// spans more than one; the clumps they lie in stay, so the flow shows at
// consultation distance. A weight, 0 to 1.
fn brow_cover(world: vec3<f32>, footprint_mm: f32) -> f32 {
    let eye = select(frame.eye_right, frame.eye_left, world.x > 0.0);
    if (world.z < eye.z - 2.0) { return 0.0; }
    let out = (world.x - eye.x) * sign(world.x);       // + toward the temple
    let t = (out + 19.0) / 46.0;                        // 0 at the brow head, 1 at the tail
    if (t < -0.1 || t > 1.1) { return 0.0; }
    let tc = clamp(t, 0.0, 1.0);
    let r = eye.w / 15.0;
    let centre = eye.y + r * (20.5 + 4.5 * sin(tc * 2.6) - 3.5 * tc * tc);
    let half_width = r * (5.4 - 0.8 * tc) * (1.0 - 0.62 * smoothstep(0.45, 1.0, tc));
    let up = world.y - centre;
    // Past the band's widest reach (edge ramp and wander): out before the
    // noises, which every pixel near the brow would pay for.
    if (abs(up) > 1.2 * half_width + 1.0) { return 0.0; }
    let wander = value_noise(vec3<f32>(out * 0.4, up * 0.4, 3.1), 29u);
    let across = abs(up + 0.9 * wander) / max(half_width, 1e-3);
    let band = 1.0 - smoothstep(0.45, 1.2, across);
    let ends = smoothstep(-0.08, 0.1, t) * (1.0 - smoothstep(0.86, 1.08, t));
    // The hairs' direction, radians above the outward line.
    let angle = mix(1.0, 0.12, smoothstep(0.0, 0.3, tc)) - 0.3 * smoothstep(0.6, 1.0, tc)
        - 0.35 * clamp(up / max(half_width, 1e-3), -1.0, 1.0);
    let dir = vec2<f32>(cos(angle), sin(angle));
    // Hairs do not lie in ruled lines: the flow's coordinates wander too.
    let along = out * dir.x + up * dir.y + 2.0 * wander;
    let side = -out * dir.y + up * dir.x + 0.7 * value_noise(vec3<f32>(out * 0.25, up * 0.25, 7.3), 37u);
    let clumps = value_noise(vec3<f32>(along * 0.16, side * 0.75, world.z * 0.05), 31u);
    let resolved = 1.0 - smoothstep(0.3, 0.9, footprint_mm);
    var hairs = BROW_HAIRS_MEAN;
    if (resolved > 0.0) { hairs = mix(hairs, brow_hairs(along, side, footprint_mm), resolved); }
    let body = (0.6 + 0.4 * smoothstep(-0.5, 0.4, clumps)) * mix(0.6, 1.0, smoothstep(0.0, 0.22, tc));
    let fill = 1.0 - 0.3 * smoothstep(0.35, 1.0, across);
    // Hairs overlap and shade the skin between them: the band is darker
    // than their cover alone.
    return min(1.15 * band * ends * fill * body * hairs, 1.0);
}

// Skin detail noise: value noise on a one-hash lattice with its analytic
// gradient. A third of the hashing of `value_noise` (which must match its CPU
// twin in the coverage model; the skin's noise need not), and one call gives
// the pores' slope instead of four.
fn lattice_hash(i: vec3<i32>, seed: u32) -> u32 {
    return hash_u32((u32(i.x) * 73856093u) ^ (u32(i.y) * 19349663u) ^ (u32(i.z) * 83492791u) ^ seed);
}

fn skin_lattice(i: vec3<i32>, seed: u32) -> f32 {
    return f32(lattice_hash(i, seed) >> 8u) / 16777216.0 * 2.0 - 1.0;
}

// (value in [-1, 1], gradient).
fn skin_noise(p: vec3<f32>, seed: u32) -> vec4<f32> {
    let fl = floor(p);
    let t = p - fl;
    let w = t * t * (vec3<f32>(3.0) - 2.0 * t);
    let dw = 6.0 * t * (vec3<f32>(1.0) - t);
    let i = vec3<i32>(fl);
    let a = skin_lattice(i, seed);
    let b = skin_lattice(i + vec3<i32>(1, 0, 0), seed);
    let c = skin_lattice(i + vec3<i32>(0, 1, 0), seed);
    let d = skin_lattice(i + vec3<i32>(1, 1, 0), seed);
    let e = skin_lattice(i + vec3<i32>(0, 0, 1), seed);
    let f = skin_lattice(i + vec3<i32>(1, 0, 1), seed);
    let g = skin_lattice(i + vec3<i32>(0, 1, 1), seed);
    let h = skin_lattice(i + vec3<i32>(1, 1, 1), seed);
    let k1 = b - a;
    let k2 = c - a;
    let k3 = e - a;
    let k4 = a - b - c + d;
    let k5 = a - c - e + g;
    let k6 = a - b - e + f;
    let k7 = -a + b + c - d + e - f - g + h;
    let value = a + k1 * w.x + k2 * w.y + k3 * w.z + k4 * w.x * w.y + k5 * w.y * w.z
        + k6 * w.z * w.x + k7 * w.x * w.y * w.z;
    let grad = dw * vec3<f32>(k1 + k4 * w.y + k6 * w.z + k7 * w.y * w.z,
                              k2 + k5 * w.z + k4 * w.x + k7 * w.z * w.x,
                              k3 + k6 * w.x + k5 * w.y + k7 * w.x * w.y);
    return vec4<f32>(value, grad);
}

// Spots a real skin has and a rendered one lacks: a few moles (a dark brown
// dot 1-2.5 mm across, about one in 30 cm²) and more faint brown macules
// (lentigines, 2-5 mm, a few per cent darker). At most one in each 12 mm
// cell of space, lying wholly inside it, so one cell is looked at per pixel.
// Returns the albedo's factor; a spot under a pixel keeps its mean darkness.
const SPOT_CELL_MM: f32 = 12.0;
fn skin_spots(world: vec3<f32>, footprint_mm: f32) -> vec3<f32> {
    let seed = bitcast<u32>(frame.params.y) ^ 0x5b07u;
    let cell = floor(world / SPOT_CELL_MM);
    let h = lattice_hash(vec3<i32>(cell), seed);
    let u = f32(h >> 8u) / 16777216.0;
    let mole = u < 0.07;
    if (!mole && u > 0.25) { return vec3<f32>(1.0); }
    let h2 = hash_u32(h ^ 0x9e37u);
    let h3 = hash_u32(h2 ^ 0x79b9u);
    let size = f32(h3 >> 8u) / 16777216.0;
    let radius = select(1.0 + 1.5 * size, 0.5 + 0.75 * size, mole);
    // The spot's centre, inside the cell by its radius.
    let room = SPOT_CELL_MM - 2.0 * radius;
    let at = (cell * SPOT_CELL_MM) + vec3<f32>(radius)
        + room * vec3<f32>(f32(h2 & 0x3ffu), f32((h2 >> 10u) & 0x3ffu), f32((h2 >> 20u) & 0x3ffu)) / 1023.0;
    // Spots lie on the skin, not in it: only a cell's spot near this point.
    let d = length(world - at);
    let soft = max(0.35 * radius, footprint_mm);
    let inside = 1.0 - smoothstep(radius - soft, radius + soft, d);
    if (inside <= 0.0) { return vec3<f32>(1.0); }
    // Under a pixel: the spot's area share of it.
    let share = min(1.0, (radius * radius) / (soft * soft));
    let tint = select(vec3<f32>(0.93, 0.90, 0.89), vec3<f32>(0.55, 0.43, 0.38), mole);
    return mix(vec3<f32>(1.0), tint, inside * share);
}

struct SkinSurface {
    albedo: vec3<f32>,
    normal: vec3<f32>,
    roughness: f32,
}

// Mottling and pores, faded out where a pixel spans more than a pore so
// they never alias into sparkle.
fn skin_mottle(world: vec3<f32>) -> vec2<f32> {
    let seed = bitcast<u32>(frame.params.y);
    let blotch = skin_noise(world / 16.0, seed).x + 0.5 * skin_noise(world / 6.0, seed ^ 7u).x;
    return vec2<f32>(blotch, skin_noise(world / 24.0, seed ^ 31u).x);
}

fn skin_surface(world: vec3<f32>, n: vec3<f32>, footprint_mm: f32, mottle: vec2<f32>, scan: vec4<f32>) -> SkinSurface {
    let detail = frame.skin.w;
    let seed = bitcast<u32>(frame.params.y);
    // The scan's colour where it has one; relief and pores still come from
    // here, finer than any scan records.
    var albedo = mix(frame.skin.rgb, scan.rgb, scan.a);
    // (A scan has its own spots in its colour.)
    albedo *= mix(vec3<f32>(1.0), skin_spots(world, footprint_mm), detail * (1.0 - scan.a));
    albedo *= 1.0 + 0.07 * detail * mottle.x;
    albedo.r *= 1.0 + 0.05 * detail * mottle.y;
    // Fine relief (the skin's criss-cross microtopography, ~0.4 mm) and
    // pores: small pits, 0.1-0.2 mm across about half a millimetre apart,
    // a little darker and rougher than the skin around them. Each fades
    // out where a pixel spans more than it.
    let relief_fade = detail * (1.0 - smoothstep(0.18, 0.55, footprint_mm));
    var normal = n;
    var roughness = 0.46;
    if (relief_fade > 0.0) {
        let relief = skin_noise(world / 0.42, seed ^ 99u);
        let grad = relief.yzw / 0.42;
        // The fine unevenness of the skin's own colour, a few per cent,
        // which a smooth albedo lacks and a camera sees (waxy without it).
        albedo *= 1.0 + 0.05 * relief_fade * relief.x;
        let tangential = grad - n * dot(grad, n);
        normal = normalize(n - 0.018 * relief_fade * tangential);
        roughness += 0.05 * relief_fade * relief.x;
        // Pores where the relief peaks: isolated pits, from the same noise
        // (on a CPU rasteriser a second noise would cost every pixel).
        let pore_fade = detail * (1.0 - smoothstep(0.06, 0.16, footprint_mm));
        let x = clamp((relief.x - 0.5) / 0.3, 0.0, 1.0);
        let pit = x * x * (3.0 - 2.0 * x);
        let dpit = 6.0 * x * (1.0 - x) / 0.3 * grad;
        let into = dpit - n * dot(dpit, n);
        normal = normalize(normal + 0.03 * pore_fade * into);
        albedo *= 1.0 - 0.12 * pore_fade * pit;
        roughness += 0.15 * pore_fade * pit;
    }
    return SkinSurface(albedo, normal, roughness);
}

fn shade_skin(in: VertexOut, frag: vec4<f32>) -> vec3<f32> {
    let n_geo = normalize(in.normal);
    let v = normalize(frame.camera_pos.xyz - in.world);
    let footprint = length(fwidth(in.world));
    var s = skin_surface(in.world, n_geo, footprint, in.mottle, in.scan);
    // Scar tissue: paler, smooth (no pores) and shinier.
    let scar = scar_influence(in.world, 0.0).x;
    if (scar > 0.0) {
        s.albedo = mix(s.albedo, frame.scar_tissue.rgb, 0.65 * scar);
        s.normal = normalize(mix(s.normal, n_geo, scar));
        s.roughness = mix(s.roughness, frame.scar_tissue.w, scar);
    }
    // Ink sits under the epidermis: it absorbs the light diffusing through
    // the skin, the sheen stays. Marks on the skin (the client's hair, scar
    // marks, the fresh halo) cover it.
    let marks = pigment_at(frag);
    var albedo = mix(s.albedo * ink_transmission_at(frag), marks.yzw, marks.x);
    // Painted brows and lash line, unless the scan brings its own (params.w 0).
    let paint = frame.params.w;
    // Brow hair is a shade darker than the hair on the head.
    albedo = mix(albedo, frame.hair.rgb * 0.8, brow_cover(in.world, footprint) * 0.95 * paint);
    // A shaved beard: dark roots and cut stubble seen through and on the
    // skin, a blue-grey shadow, grainy close up.
    let grain = 0.75 + 0.5 * fract(sin(dot(floor(in.world * 2.5), vec3<f32>(12.9898, 78.233, 37.719))) * 43758.5453);
    let stubble = mix(frame.hair.rgb, frame.hair_root.rgb, 0.5) * vec3<f32>(0.9, 1.0, 1.2);
    albedo = mix(albedo, stubble, 0.55 * beard_shadow(in.world) * grain);
    // The lips: darker and redder than the skin round them, and moist.
    let lips = lip_tint(in.world);
    albedo *= mix(vec3<f32>(1.0), lip_color(in.world), lips);
    s.roughness = mix(s.roughness, 0.3, lips);
    albedo *= mix(vec3<f32>(1.0), vec3<f32>(1.04, 0.90, 0.91), in.redness * frame.skin.w);
    albedo *= mix(vec3<f32>(1.0), vec3<f32>(0.86, 0.82, 0.88), in.under_eye * frame.skin.w);
    // Lashes are darker than the hair on the head.
    let lash = mix(vec3<f32>(0.012, 0.009, 0.008), frame.hair.rgb, 0.25);
    albedo = mix(albedo, lash, lash_line(in.world, footprint) * paint);
    let open_dir = normalize(in.open_dir);
    var color = ambient(open_dir) * albedo * in.sky;
    // Bare skin keeps a little sheen; stubble is matte. Folds and hollows
    // hide part of each light as they hide the sky. Skin oil is uneven
    // (patches of a few cm), so a shaved crown's highlight is broken up, not
    // a painted disc.
    let oily = t_zone(in.world);
    let oil = (0.75 + 0.45 * in.mottle.y) * (1.0 + 0.6 * oily);
    s.roughness -= 0.05 * oily;
    let sheen = (1.0 - 0.95 * stubble_matte(frag)) * oil;
    // What the blood lets through the pinna: mostly red.
    let through = pinna(in.world) * albedo * vec3<f32>(0.55, 0.16, 0.09);
    for (var k = 0u; k < 3u; k++) {
        let l = frame.light_dir[k].xyz;
        let light = light_at(k, in.world);
        let radiance = light * light_occlusion(in.sky, open_dir, l);
        let n_dot_l = dot(s.normal, l);
        color += radiance * albedo * skin_diffuse(n_dot_l);
        color += light * through * max(-dot(n_geo, l), 0.0);
        color += radiance * sheen * (specular(s.normal, v, l, s.roughness, 0.028) + 0.35 * specular(s.normal, v, l, 0.75, 0.028));
    }
    return color;
}

// ---- eyes -----------------------------------------------------------------

// The upper lid and its lashes shade the eyeball under them: a band a few
// millimetres deep below the lid's margin (found on the mesh), darkest at
// the margin. Without it an eye stares out of its socket like a doll's.
fn lid_shadow(world: vec3<f32>) -> f32 {
    let k = select(2u, 0u, world.x > 0.0);
    let curve = frame.lid_curves[k];
    if (curve.w <= 0.0) { return 1.0; }
    let below = (curve.x + curve.y * world.x + curve.z * world.x * world.x) - world.y;
    return 1.0 - 0.75 * (1.0 - smoothstep(0.0, 4.5, below));
}

fn shade_eye(in: VertexOut) -> vec3<f32> {
    let left = in.world.x > 0.0;
    let eye = select(frame.eye_right, frame.eye_left, left);
    let local = (in.world - eye.xyz) / eye.w;
    let n = normalize(in.normal);
    let v = normalize(frame.camera_pos.xyz - in.world);
    // The gaze: a little below the eyeball's axis, as at a camera held at
    // eye height, so the upper lid covers the iris's top and not the pupil.
    let gaze = normalize(vec3<f32>(0.0, -0.12, 1.0));
    let front = dot(normalize(local), gaze);
    // An iris 12 mm across and a 4-5 mm pupil on a 24-30 mm eyeball.
    let iris_edge = 0.91;
    let pupil_edge = 0.988;
    // The white is a warm off-white, not paper.
    // Redder towards the corners, where the vessels show.
    let white = mix(vec3<f32>(0.48, 0.41, 0.37), vec3<f32>(0.50, 0.33, 0.30), smoothstep(0.45, 0.8, abs(local.x)));
    // Radial fibres, a dark limbal ring at the edge and a lighter collar
    // round the pupil: a brown iris reads dark in a photograph. Edges are
    // smoothed over a pixel (MSAA does not reach inside a triangle).
    let across = normalize(local.xy + vec2<f32>(1e-4));
    let fibres = value_noise(vec3<f32>(across * 9.0, front * 40.0), 5u);
    let ring = clamp((front - iris_edge) / (pupil_edge - iris_edge), 0.0, 1.0);
    var iris = mix(vec3<f32>(0.018, 0.010, 0.006), vec3<f32>(0.06, 0.034, 0.016), 0.5 + 0.5 * fibres);
    iris *= mix(0.35, 1.0, smoothstep(0.0, 0.25, ring)) * (1.0 + 0.4 * smoothstep(0.7, 0.95, ring));
    let edge = max(fwidth(front), 1e-4);
    var albedo = mix(white, iris, smoothstep(iris_edge - edge, iris_edge + edge, front));
    albedo = mix(albedo, vec3<f32>(0.008), smoothstep(pupil_edge - edge, pupil_edge + edge, front));
    // Lids shade the upper and outer eyeball, and the upper lid and its
    // lashes hang over the top of the iris: no white above it, no stare.
    let lid = (1.0 - 0.7 * smoothstep(0.18, 0.42, local.y)) * lid_shadow(in.world);
    let occlusion = (0.35 + 0.65 * smoothstep(0.2, 0.9, front)) * lid;
    let open_dir = normalize(in.open_dir);
    var color = ambient(open_dir) * albedo * occlusion * in.sky;
    for (var k = 0u; k < 3u; k++) {
        let l = frame.light_dir[k].xyz;
        let radiance = light_at(k, in.world) * light_occlusion(in.sky, open_dir, l);
        // The cornea is wet: a small, sharp catchlight.
        let cornea = specular(n, v, l, 0.07, 0.03) * (0.4 + 0.6 * smoothstep(0.6, 0.95, front));
        color += radiance * (albedo * max(dot(n, l), 0.0) * occlusion + cornea * lid);
    }
    // The catchlight: the key's soft box mirrored in the wet cornea, a small
    // bright patch with an edge (a studio portrait always has one). The
    // cornea bulges out of the eyeball (7.8 mm radius on a 12 mm ball), so
    // its normal turns faster across it (three times, for the iris seen under
    // the lid); the upper lid
    // hides what falls under it.
    let along = dot(n, gaze);
    let n_cornea = normalize(gaze * along + 3.0 * (n - gaze * along));
    let mirrored = reflect(-v, n_cornea);
    let under_lid = 1.0 - smoothstep(0.22, 0.3, local.y);
    let catchlight = smoothstep(0.972, 0.988, dot(mirrored, frame.light_dir[0].xyz)) * smoothstep(0.86, 0.9, front) * under_lid;
    color += frame.light_color[0].rgb * 0.3 * catchlight;
    return color;
}

// ---- clothing -------------------------------------------------------------

// How much of a light the head lets reach a point on the clothes: the head
// as an ellipsoid (`HeadMesh::head_ellipsoid`), its shadow's edge softer the
// farther the point lies from it, as under a soft box. Without it the
// shoulders under the head are lit as brightly as the crown in the top view
// and the head floats over a cushion. 1 where nothing is known.
fn head_shadow(p: vec3<f32>, l: vec3<f32>) -> f32 {
    let axes = frame.head_ellipsoid[1].xyz;
    if (axes.x <= 0.0) { return 1.0; }
    // In the ellipsoid's own space it is the unit sphere.
    let q = (p - frame.head_ellipsoid[0].xyz) / axes;
    let d = normalize(l / axes);
    let along = -dot(q, d);
    if (along <= 0.0) { return 1.0; }
    let miss = length(q + along * d);
    let soft = 0.1 + 0.3 * along;
    return smoothstep(1.0 - soft, 1.0 + soft, miss);
}

// A plain cotton top (charcoal unless `[output] clothing` says): matte, a fine knit and the rib of the collar
// (uv.y < 4 is the collar's rings), so the eye reads it as fabric and then
// leaves it for the head.
fn shade_cloth(in: VertexOut) -> vec3<f32> {
    // Soft drape creases, a few cm apart, longer down the body than round
    // it (the ridges of value noise): a smooth shell reads as a cushion, not
    // as a worn top.
    let n_geo = normalize(in.normal);
    let scale = vec3<f32>(1.0 / 30.0, 1.0 / 80.0, 1.0 / 30.0);
    let fold = skin_noise(in.world * scale, 23u);
    let ridge = sign(fold.x) * fold.yzw * scale * 12.0;
    let n = normalize(n_geo + 0.15 * (ridge - n_geo * dot(ridge, n_geo)));
    let rib = 0.5 + 0.5 * sin(in.uv.x * 6.2831853 * 180.0);
    let knit = value_noise(in.world * 1.7, 11u);
    var albedo = frame.clothing.rgb * (0.9 + 0.12 * knit);
    if (in.uv.y < 4.0) { albedo *= 0.85 + 0.2 * rib; }
    // The inside of the top (`garment::INSIDE_UV`), in the collar's shadow
    // (the occlusion bake darkens it further).
    if (in.uv.y < -0.5) { albedo *= 0.6; }
    let open_dir = normalize(in.open_dir);
    var color = ambient(open_dir) * albedo * in.sky;
    for (var k = 0u; k < 3u; k++) {
        let l = frame.light_dir[k].xyz;
        let shadow = light_occlusion(in.sky, open_dir, l) * head_shadow(in.world, l);
        color += light_at(k, in.world) * albedo * (0.15 + 0.85 * max(dot(n, l), 0.0)) * shadow;
    }
    return color;
}

@fragment
fn fs_shade(v: Varyings) -> @location(0) vec4<f32> {
    let in = unpack_varyings(v);
    if (below_neck_cut(in.world)) { discard; }
    var color: vec3<f32>;
    if (in.material == 1u) {
        color = shade_eye(in);
    } else if (in.material == 2u) {
        color = shade_cloth(in);
    } else {
        color = shade_skin(in, in.clip);
    }
    return vec4<f32>(grain_unless_lens(tone_map(color * frame.params.x), in.clip.xy), 1.0);
}

// The sensor's grain lies over the lens's blur: where the lens pass
// follows (`frame.lens.w`, its optics' blur), it adds the grain after.
fn grain_unless_lens(c: vec3<f32>, pixel: vec2<f32>) -> vec3<f32> {
    if (frame.lens.w > 0.0) { return c; }
    return sensor_grain(c, pixel);
}

// ---- backdrop -------------------------------------------------------------

struct BackdropOut {
    @builtin(position) clip: vec4<f32>,
    @location(0) t: f32,
}

@vertex
fn vs_backdrop(@builtin(vertex_index) i: u32) -> BackdropOut {
    let uv = vec2<f32>(f32((i << 1u) & 2u), f32(i & 2u));
    var out: BackdropOut;
    out.clip = vec4<f32>(uv * 2.0 - 1.0, 0.0, 1.0);
    out.t = uv.y * 0.5;
    return out;
}

@fragment
fn fs_backdrop(in: BackdropOut) -> @location(0) vec4<f32> {
    let base = mix(frame.background_bottom.rgb, frame.background_top.rgb, clamp(in.t, 0.0, 1.0));
    // A lens darkens the corners a little; the studio's backdrop is lit
    // brightest behind the head.
    let centred = (in.clip.xy / frame.viewport.xy - vec2<f32>(0.5)) * vec2<f32>(frame.viewport.x / frame.viewport.y, 1.0);
    let vignette = 1.0 - 0.35 * dot(centred, centred);
    return vec4<f32>(grain_unless_lens(base * vignette, in.clip.xy), 1.0);
}
