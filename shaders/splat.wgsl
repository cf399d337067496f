// Pigment splatting: each impression adds its screen-space footprint to a
// per-pixel pigment buffer (coverage, and coverage-weighted seen colour), in
// fixed point with integer atomics so the sum is order-independent.
//
// The footprint is the impression's disc projected through its tangent plane
// (an ellipse), widened by a half-pixel reconstruction filter with the opacity
// scaled down to keep its area: an impression smaller than a pixel keeps its
// average darkness instead of sparkling. Occluded impressions are rejected
// against the head's linear depth from the depth pre-pass.

// The frame is read as storage, not uniform: lavapipe inlines uniform values
// that steer branches (the culling tests here depend on the camera) and
// recompiled this shader on every camera move, most of a turning frame.
@group(0) @binding(0) var<storage, read> frame: Frame;
@group(0) @binding(1) var<storage, read> impressions: array<Impression>;
@group(0) @binding(2) var<storage, read> draw_args: array<u32>;
@group(0) @binding(3) var head_depth: texture_2d<f32>;
@group(0) @binding(4) var<storage, read_write> pigment: array<atomic<u32>>;
// Ink under the skin, apart from the marks on it: per pixel the one-pass
// absorption (r | g << 16, b) in the same fixed point, for the subsurface
// pass and the shading (see `ink_absorption`).
@group(0) @binding(5) var<storage, read_write> ink: array<atomic<u32>>;

// Scar accessors for `scars.wgsl`.
fn scars_counts() -> vec4<f32> { return frame.scars.counts; }
fn scar_capsule(i: u32) -> vec4<f32> { return frame.scars.capsules[i]; }
fn scar_params(k: u32) -> vec4<f32> { return frame.scars.params[k]; }
fn scar_area(k: u32) -> vec4<f32> { return frame.scars.areas[k]; }

const MAX_FOOTPRINT_PX: i32 = 48;
// How far round a fresh impression the skin reddens, in its radii.
const HALO_REACH: f32 = 7.0;
// A fresh impression is the open needle wound with the ink in it: this
// much wider than the healed dot it shrinks to (DESIGN.md: the hole
// shrinks about half in area as it closes).
const FRESH_WIDTH: f32 = 1.3;
// Ink kept through healing (`sessions.rs`): the share of weak impressions,
// the range they keep, and the rest's mean and spread.
const WEAK_SHARE: f32 = 0.12;
const WEAK_KEPT: vec2<f32> = vec2<f32>(0.3, 0.7);
const STRONG_KEPT_MEAN: f32 = 1.0682;
const STRONG_KEPT_SPREAD: f32 = 0.08;
// A healed pigment dot is round only on average: the needle enters at a
// slant and the skin stretches round it, so each heals a little oval, at its
// own turn, its half-axes r·k and r / k for k up to this (axes up to 1.44 :
// 1); and at its own depth, its edge softer or crisper than the session's
// by up to this share. Its area and ink stay the same, so only a close-up
// sees it (a dot under a pixel is its area).
const DOT_OVAL_MAX: f32 = 1.2;
const DOT_SOFTNESS_SPREAD: f32 = 0.4;

fn to_pixel(p: vec3<f32>) -> vec3<f32> {
    let clip = frame.view_proj * vec4<f32>(p, 1.0);
    let ndc = clip.xyz / clip.w;
    return vec3<f32>((ndc.x * 0.5 + 0.5) * frame.viewport.x, (0.5 - ndc.y * 0.5) * frame.viewport.y, clip.w);
}

struct Mark {
    look: vec4<f32>,     // rgb, edge softness (< 0: not drawn)
    seen: vec3<f32>,
    redness: f32,
    under_skin: bool,    // pigment (absorbs under the skin) or a mark on it
    absorption: vec3<f32>, // one-pass, when under the skin
    stub: bool,          // a cut hair stub (its cover makes the skin matte)
    surface: f32,        // of pigment under the skin, the share still at the surface
    migrated: f32,       // healed pigment: the share of its absorption in the halo of migrated ink round it
}

// Adds `units` of a mark's coverage at pixel `idx`: ink into the ink buffer
// as absorption, anything else (hair, scar marks, the fresh halo) into the
// pigment buffer as coverage and colour. `migrated_units`: the ink
// migrated round a healed dot, all under the skin.
fn add_mark(idx: u32, units: f32, mark: Mark, red_units: f32, halo_color: vec3<f32>, migrated_units: f32) {
    var cover_units = units;
    var rgb_units = units * mark.seen;
    if (mark.under_skin) {
        // Fresh ink lies in the open wound, on the surface: a dark dot over
        // the skin. As the skin closes over it, it goes under (absorbing the
        // light that diffuses through the skin).
        let a = vec3<u32>((units * (1.0 - mark.surface) + migrated_units) * mark.absorption + 0.5);
        atomicAdd(&ink[idx], a.r | (a.g << 16u));
        atomicAdd(&ink[idx + 1u], a.b);
        cover_units = units * mark.surface;
        rgb_units = cover_units * mark.seen;
    }
    if (mark.stub) {
        atomicAdd(&ink[idx + 1u], u32(units + 0.5) << 16u);
    }
    if (cover_units + red_units < 0.5) { return; }
    let rgb = vec3<u32>(rgb_units + red_units * halo_color + 0.5);
    atomicAdd(&pigment[idx], u32(cover_units + red_units + 0.5) | (rgb.r << 16u));
    atomicAdd(&pigment[idx + 1u], rgb.g | (rgb.b << 16u));
}

// What one impression looks like: a session's pigment (with a scar's own
// shade over a scar, applied less evenly there), a buzzed hair, or an FUE scar.
fn mark_look(imp: Impression, p: vec3<f32>, i: u32) -> Mark {
    let slot = imp.packed & 0xffu;
    let darkness = f32((imp.packed >> 8u) & 0xffu) / 128.0;
    if (slot == SLOT_HAIR) {
        // A buzzed hair is mostly its root, a dark shaft seen through the
        // skin: the same optics as ink.
        var seen = clamp(frame.hair_root.rgb / darkness, vec3<f32>(0.0), vec3<f32>(1.0));
        // A grey hair's root has no pigment: the skin all but hides it.
        if (is_grey(i)) { seen = mix(seen, frame.skin.rgb, 0.85); }
        return Mark(vec4<f32>(frame.hair.rgb, frame.hair.w), seen, 0.0, true, ink_absorption(seen, frame.skin.rgb), false, 0.0, 0.0);
    }
    if (slot == SLOT_SCAR_DOT) {
        return Mark(vec4<f32>(frame.scar_tissue.rgb, 0.5), frame.scar_tissue.rgb, 0.0, false, vec3<f32>(0.0), false, 1.0, 0.0);
    }
    let look = frame.session_look[slot];
    var seen = look.rgb;
    var dark = darkness;
    if (frame.scars.counts.y > 0.0) {
        let w = scar_weights(p, 0.0);
        for (var k = 0u; k < u32(frame.scars.counts.y); k++) {
            if (frame.scar_look[k].w > 0.0) { seen = mix(seen, frame.scar_look[k].rgb, w[k]); }
            // Scar tissue takes ink unevenly: strip and line scars only.
            if (frame.scars.areas[k].w <= 0.0) {
                let jitter = f32(hash_u32(i ^ 0x5ca4u) >> 8u) / 16777216.0 - 0.5;
                dark *= 1.0 + 0.7 * w[k] * jitter;
            }
        }
    }
    seen = clamp(seen / dark, vec3<f32>(0.0), vec3<f32>(1.0));
    let kept = ink_retained(i, frame.session_extra[slot].y);
    // The ink's absorption over the dot's area stays the session's whatever
    // the dot's size (`emit_impressions`): sizes vary close up, and the
    // treated scalp seen whole stays even.
    let absorption = min(ink_absorption(seen, frame.skin.rgb) * kept * ink_share(imp), vec3<f32>(1.0));
    let healed = frame.session_extra[slot].y;
    return Mark(look, seen, frame.session_extra[slot].x, true, absorption, false, 1.0 - healed, INK_HALO_SHARE * healed);
}

// How much of its ink impression `i` keeps once healed (`healed` 0 to 1),
// against its session's mean; mirrors `sessions::ink_retained`. Most keep a
// little more than the mean; about one in eight loses half with its scab
// and shows as a faint dot until a touch-up.
fn ink_retained(i: u32, healed: f32) -> f32 {
    let u = f32(hash_u32(i ^ 0x4e7au) >> 8u) / 16777216.0;
    let weak = WEAK_KEPT.x + (WEAK_KEPT.y - WEAK_KEPT.x) * u / WEAK_SHARE;
    let v = (u - WEAK_SHARE) / (1.0 - WEAK_SHARE);
    let strong = STRONG_KEPT_MEAN + STRONG_KEPT_SPREAD * (2.0 * v - 1.0);
    return mix(1.0, select(strong, weak, u < WEAK_SHARE), healed);
}

// One thread per impression; in a motion frame where every unit is under a
// pixel, one per run of `run` (`detail_level.x` = 1 / run, the motion
// dispatch in `draw_args`): one of the run, at random, drawn at the area of
// all of them, the rest not even read. Reading and culling an impression
// was most of the pass's cost on a CPU rasteriser.
@compute @workgroup_size(64)
fn splat_impressions(@builtin(global_invocation_id) gid: vec3<u32>) {
    let run = u32(round(1.0 / frame.detail_level.x));
    let thinned = run > 1u;
    let i = gid.x * run + select(0u, hash_u32(gid.x ^ 0x5eedu) % run, thinned);
    if (i >= draw_args[3]) { return; }
    let imp = impressions[i];
    let p = vec3<f32>(imp.px, imp.py, imp.pz);
    let n = unpack_normal(imp.normal_oct);
    let to_eye = frame.camera_pos.xyz - p;
    let facing = dot(n, normalize(to_eye));
    if (facing <= 0.02) { return; }
    let view_depth = -(frame.view * vec4<f32>(p, 1.0)).z;
    if (view_depth <= 1.0) { return; }
    var mark = mark_look(imp, p, i);
    if (mark.look.w < 0.0) { return; }
    // Tangent frame.
    let t1 = normalize(select(cross(n, vec3<f32>(0.0, 1.0, 0.0)), cross(n, vec3<f32>(1.0, 0.0, 0.0)), abs(n.y) > 0.9));
    let t2 = cross(n, t1);
    // A unit of one to three dots (`emit_impressions`), overlapping, at a
    // random turn; smaller dots in the larger units, as the finer hairs of a
    // follicular unit.
    let unit = ((imp.packed >> 16u) & 3u) + 1u;
    var radius = 0.5 * imp.diameter_mm * unit_dot_scale(unit);
    if (slot_of(imp) < 4u) {
        radius *= mix(FRESH_WIDTH, 1.0, frame.session_extra[slot_of(imp)].y);
    }
    if (thinned) { radius *= sqrt(f32(run)); }
    let turn = f32(hash_u32(i ^ 0x7a11u) >> 8u) / 16777216.0 * TAU;
    var offset = select(0.0, UNIT_DOT_GAP * radius / (2.0 * sin(PI / f32(max(unit, 2u)))), unit > 1u);
    var dots = unit;
    // A whole unit within a pixel reads as its summed darkness: one disc of
    // the same area, as the sub-pixel footprint does for one dot.
    if (unit > 1u && (offset + radius) * frame.camera_pos.w / view_depth < 1.0 && mark.redness <= 0.01) {
        radius *= sqrt(f32(unit));
        offset = 0.0;
        dots = 1u;
    }
    // A hair's root is its shaft seen through the skin, running obliquely
    // down from where it leaves the skin, back against the flow: a streak
    // along the flow of the same area, behind the stub.
    // (The flow only for hair: pigment's dots are round.)
    let hair = slot_of(imp) == SLOT_HAIR;
    var along = t1 * radius;
    var across = t2 * radius;
    var root_shift = vec3<f32>(0.0);
    var flow = vec3<f32>(0.0);
    if (hair) { flow = scattered_flow(hair_flow_at(p, n), n, i); }
    if (dot(flow, flow) > 0.0) {
        along = flow * radius * ROOT_ELONGATION;
        across = cross(n, flow) * radius / ROOT_ELONGATION;
        root_shift = -along;
    } else if (slot_of(imp) < 4u) {
        let shape = dot_shape(i);
        let c = cos(shape.y);
        let s = sin(shape.y);
        along = (t1 * c + t2 * s) * radius * shape.x;
        across = (t2 * c - t1 * s) * radius / shape.x;
        mark.look.w *= shape.z;
    }
    for (var j = 0u; j < dots; j++) {
        let angle = turn + TAU * f32(j) / f32(dots);
        let q = p + root_shift + (t1 * cos(angle) + t2 * sin(angle)) * offset;
        splat_disc(q, along, across, facing, mark);
    }
    if (hair && frame.hair_flow.w > 0.0) {
        splat_stubs(p, n, flow, unit, facing, is_grey(i), run);
    }
}

// Whether hair unit `i` is grey (`frame.hair_root.w` of them).
fn is_grey(i: u32) -> bool {
    return f32(hash_u32(i ^ 0x6e7au) >> 8u) / 16777216.0 < frame.hair_root.w;
}

// A pigment dot's shape: (elongation 1 to DOT_OVAL_MAX, its turn, its edge's
// softness against the session's), from its number.
fn dot_shape(i: u32) -> vec3<f32> {
    var rng = rng_seed(i, 0x0a7du);
    let oval = 1.0 + (DOT_OVAL_MAX - 1.0) * rng_next(&rng);
    let turn = PI * rng_next(&rng);
    let soft = 1.0 + DOT_SOFTNESS_SPREAD * (2.0 * rng_next(&rng) - 1.0);
    return vec3<f32>(oval, turn, soft);
}

fn slot_of(imp: Impression) -> u32 {
    return imp.packed & 0xffu;
}

// The cut stubs of a unit of hair: opaque shafts lying along the hair's flow
// (`hair_flow_at`, zero where it has none) from the follicle, as long as the
// stubble has grown. (`run`: the units it stands for, at their area.)
fn splat_stubs(p: vec3<f32>, n: vec3<f32>, flow: vec3<f32>, unit: u32, facing: f32, grey: bool, run: u32) {
    if (dot(flow, flow) == 0.0) { return; }
    let side = cross(n, flow);
    let half = 0.5 * frame.hair_flow.w;
    // One stub per unit, as wide as its shafts side by side.
    let width = 0.5 * SHAFT_DIAMETER_MM * sqrt(f32(unit)) * f32(run);
    let colour = select(frame.hair.rgb, vec3<f32>(0.42, 0.41, 0.40), grey);
    let stub = Mark(vec4<f32>(colour, 0.2), colour, 0.0, false, vec3<f32>(0.0), true, 1.0, 0.0);
    splat_disc(p + flow * half, flow * half, side * width, facing, stub);
}

const SHAFT_DIAMETER_MM: f32 = 0.07;

// How a hair's root streak is drawn against a round dot of its area: this
// many times longer along the flow, and shorter across (`hair_match::ROOT_ELONGATION`
// says why).
const ROOT_ELONGATION: f32 = 1.8;

// The way hair grows at `p` (normal `n`), along the skin: away from the
// crown's whorl (forward on top, down the sides and the nape), turning round
// it near the whorl. Zero where it is not defined (at the whorl itself).
fn hair_flow_at(p: vec3<f32>, n: vec3<f32>) -> vec3<f32> {
    let from_crown = p - frame.hair_flow.xyz;
    let whorl = cross(n, from_crown) * exp(-length(from_crown) / 25.0);
    var flow = normalize(from_crown + 0.9 * whorl) + vec3<f32>(0.0, -0.35, 0.0) * (1.0 - abs(n.y));
    flow = flow - n * dot(flow, n);
    let len = length(flow);
    if (len < 1e-4) { return vec3<f32>(0.0); }
    return flow / len;
}

// Each unit grows a little off the mean flow, by up to this much either
// way: follicles' angles scatter. Exactly along it, the stubs drew the
// flow's streamlines and the crown's whorl as a fingerprint (blind review
// 21).
const HAIR_FLOW_SCATTER_DEG: f32 = 18.0;

fn scattered_flow(flow: vec3<f32>, n: vec3<f32>, i: u32) -> vec3<f32> {
    let u = f32(hash_u32(i ^ 0x3f1cu) >> 8u) / 16777216.0;
    let a = radians(HAIR_FLOW_SCATTER_DEG) * (2.0 * u - 1.0);
    return flow * cos(a) + cross(n, flow) * sin(a);
}

// Dot diameter within a unit of 1, 2, 3 dots, against the impression's.
// Centre-to-centre distance of a unit's dots, in dot radii: overlapping, so
// a unit reads as one irregular impression. Set apart (2.2 radii), a unit
// was a dash, and neighbouring dashes chained into dark worms across the
// scalp seen whole.
const UNIT_DOT_GAP: f32 = 1.4;

fn unit_dot_scale(unit: u32) -> f32 {
    return select(select(1.0, 0.8, unit == 2u), 0.7, unit == 3u);
}

// One disc of pigment (or a hair's dot) at `p`: an ellipse in the tangent
// plane with half-axes `ea`, `eb`.
fn splat_disc(p: vec3<f32>, ea: vec3<f32>, eb: vec3<f32>, facing: f32, mark: Mark) {
    let radius = max(length(ea), length(eb));
    let view_depth = -(frame.view * vec4<f32>(p, 1.0)).z;
    // The projected ellipse: columns a, b in pixels.
    let c = to_pixel(p);
    // Outside the image (with room for the widest footprint): nothing to do.
    let margin = f32(MAX_FOOTPRINT_PX);
    if (c.x < -margin || c.y < -margin || c.x > frame.viewport.x + margin || c.y > frame.viewport.y + margin) {
        return;
    }
    let a = to_pixel(p + ea).xy - c.xy;
    let b = to_pixel(p + eb).xy - c.xy;
    // Σ = M·Mᵀ + filter²·I
    let f2 = 0.25;
    let sxx = a.x * a.x + b.x * b.x + f2;
    let syy = a.y * a.y + b.y * b.y + f2;
    let sxy = a.x * a.y + b.x * b.y;
    let det_s = sxx * syy - sxy * sxy;
    let det_m = abs(a.x * b.y - a.y * b.x);
    let opacity = det_m / sqrt(det_s);
    let look = mark.look;
    let w = i32(frame.viewport.x);
    let h = i32(frame.viewport.y);
    let mm_per_px = view_depth / frame.camera_pos.w;
    // An impression well under a pixel (no halo): its whole coverage, the
    // ellipse's area π·|det M| in pixels, shared bilinearly by the four
    // nearest pixels. The same total darkness as the filtered footprint
    // below, for four pixels and no per-pixel profile instead of nine.
    if (mark.redness <= 0.01 && max(dot(a, a), dot(b, b)) < 0.25) {
        let tolerance = 0.6 + radius * 2.0 + 4.0 * mm_per_px / max(facing, 0.2) + frame.params.z;
        let area = PI * det_m * PIGMENT_SCALE;
        // The migrated ink, `skin_optics::ink_halo_gain` dot areas at full share.
        let migrated_gain = 0.3 * INK_HALO_REACH * INK_HALO_REACH * mark.migrated;
        let g = c.xy - 0.5;
        let base = vec2<i32>(floor(g));
        let f = g - floor(g);
        for (var k = 0; k < 4; k++) {
            let o = vec2<i32>(k & 1, k >> 1u);
            let q = base + o;
            if (q.x < 0 || q.y < 0 || q.x >= w || q.y >= h) { continue; }
            let wx = select(1.0 - f.x, f.x, o.x == 1);
            let wy = select(1.0 - f.y, f.y, o.y == 1);
            let units = area * wx * wy;
            if (units < 0.5) { continue; }
            let surface = textureLoad(head_depth, q, 0).x;
            if (abs(surface - view_depth) > tolerance) { continue; }
            add_mark(2u * u32(q.y * w + q.x), units, mark, 0.0, vec3<f32>(0.0), units * migrated_gain);
        }
        return;
    }
    // Soft edge: the healed softness, never sharper than a pixel.
    let half_gap = sqrt(0.25 * (sxx - syy) * (sxx - syy) + sxy * sxy);
    let minor_px = sqrt(max(0.5 * (sxx + syy) - half_gap, 1e-6));
    let soft = clamp(max(look.w, 0.5 / minor_px), 0.0, 0.9);
    // The soft edge's area is π(1 + 0.2·soft²): divide it out to keep the area.
    let norm = 1.0 / (1.0 + 0.2 * soft * soft);
    // Fresh impressions carry a faint red halo (the skin's reaction).
    let halo = mark.redness;
    // Wide and faint: round a dense session the halos run together into
    // the pink, slightly swollen skin of the day, not a ring per dot.
    let halo_reach = select(0.0, HALO_REACH, halo > 0.01);
    // The migrated ink's halo, unless it would take the footprint past its
    // widest (close enough that one dot fills much of the picture).
    let axes = vec2<f32>(sqrt(sxx), sqrt(syy));
    let halo_fits = all(axes * INK_HALO_REACH < vec2<f32>(f32(MAX_FOOTPRINT_PX)));
    let migrated_share = select(0.0, mark.migrated, halo_fits);
    let ink_reach = select(0.0, INK_HALO_REACH, migrated_share > 0.0);
    let reach = max(max(1.0 + soft, halo_reach), ink_reach);
    let halo_color = frame.skin.rgb * vec3<f32>(1.0, 0.62, 0.62);
    let ext = axes * reach;
    let lo = vec2<i32>(floor(c.xy - ext));
    let hi = vec2<i32>(ceil(c.xy + ext));
    if (hi.x - lo.x > MAX_FOOTPRINT_PX * 2 || hi.y - lo.y > MAX_FOOTPRINT_PX * 2) { return; }
    let inv = vec3<f32>(syy, -sxy, sxx) / det_s;
    // Depth tolerance: the disc's own tilt, plus the surface's depth change
    // across the footprint, which grows with the size of a pixel on the head
    // (mm per pixel = depth / focal length) and with the slope (1 / facing).
    // Plus the slack for a coarse pre-pass (frames drawn while the head moves).
    let tolerance = 0.6 + radius * 2.0 + 2.0 * (reach + 1.0) * mm_per_px / max(facing, 0.2)
        + frame.params.z;
    for (var y = max(lo.y, 0); y <= min(hi.y, h - 1); y++) {
        for (var x = max(lo.x, 0); x <= min(hi.x, w - 1); x++) {
            let d = vec2<f32>(f32(x) + 0.5, f32(y) + 0.5) - c.xy;
            let q = sqrt(d.x * d.x * inv.x + 2.0 * d.x * d.y * inv.y + d.y * d.y * inv.z);
            let cover = opacity * norm * (1.0 - smoothstep(1.0 - soft, 1.0 + soft, q));
            // (Not over the dot itself: the fresh ink is dark and bold.)
            let red = halo * 0.07 * opacity * smoothstep(0.9, 1.3, q) * (1.0 - smoothstep(1.3, HALO_REACH, q));
            let migrated = migrated_share * opacity * (1.0 - smoothstep(0.0, INK_HALO_REACH, q));
            if (cover + red + migrated < 1.0 / 1024.0) { continue; }
            let surface = textureLoad(head_depth, vec2<i32>(x, y), 0).x;
            if (abs(surface - view_depth) > tolerance) { continue; }
            // Two words per pixel: coverage | r << 16, g | b << 16. Each
            // half sums 16-bit fixed point, exact while a pixel's summed
            // coverage stays under 16 (it is the area fraction the marks
            // cover, a few at most); two atomics instead of four.
            add_mark(2u * u32(y * w + x), cover * PIGMENT_SCALE, mark, red * PIGMENT_SCALE, halo_color, migrated * PIGMENT_SCALE);
        }
    }
}
