// Placing pigment impressions on the scalp.
//
// 1. generate_candidates: area-weighted points on the support triangles, kept
//    with probability coverage / max coverage (the plan's density field); each
//    candidate's index is its priority (the stream is random, so index order
//    is a random order).
// 2. bin into a hashed grid of cells (count, scan, scatter); each live
//    candidate's position and radius are copied into cell order, so the
//    neighbour searches below read contiguous memory and neighbouring threads
//    share the cells they read (on a CPU rasteriser this is most of the speed).
// 3. Rounds of accept/reject compute the greedy dart-throwing result in
//    priority order: a candidate is accepted once no lower-index live
//    candidate or accepted impression lies within the spacing, rejected once an
//    accepted one does. The few candidates accepted in a round reject their
//    neighbours (push), instead of every undecided one searching for them. The outcome depends on nothing but the indices, so it
//    is the same bit for bit whatever the thread order.
// 4. The first N accepted (in priority order) become impressions; sessions take
//    consecutive ranks, so later sessions fill the gaps left by earlier ones.
//
// 5. Relaxation (plan: density.relaxation_steps): each step bins the
//    impressions (as carried ones), proposes for each where the coverage is
//    flat a small move away from its neighbours plus a random nudge (none in
//    the last step), and keeps a move only if it
//    stays clear of every neighbour by the spacing, at that neighbour's old
//    and proposed places (so any mix of kept and refused moves keeps the
//    minimum spacing), and stays at the same coverage.
//
// Waves: when the candidates that fit in memory accept fewer than N, the next
// wave draws the stream's next candidates into the same slots, after the
// impressions accepted so far (carried in as accepted, in the first slots).
// Every candidate of a wave ranks below every earlier one, so the waves give
// exactly what one pass over the whole stream would: nearly saturated dart
// throwing, an even spacing, in a fixed memory.

const DEAD: u32 = 0u;
const UNDECIDED: u32 = 1u;
const ACCEPTED: u32 = 2u;
// Accepted in this round; its neighbours not yet rejected.
const ACCEPTED_NEW: u32 = 3u;
const NO_CELL: u32 = 0xffffffffu;

struct GenParams {
    candidate_count: u32,
    support_triangles: u32,
    table_mask: u32,
    seed: u32,
    spacing_mm: f32,
    coverage_max: f32,
    target_total: u32,
    session_count: u32,
    session_end: vec4<u32>,
    diameter_mm: vec4<f32>,
    diameter_spread: vec4<f32>,
    shade_spread: vec4<f32>,
    session_base: vec4<u32>,   // x: number of the first session (hair: SLOT_HAIR)
    // x: impressions carried from earlier waves (slots 0..x), y: the stream
    // index of the first slot after them.
    wave: vec4<u32>,
}

@group(0) @binding(0) var<uniform> gen: GenParams;
@group(0) @binding(1) var<uniform> cov: Coverage;
@group(0) @binding(2) var<storage, read> head_vertices: array<f32>;
@group(0) @binding(3) var<storage, read> head_indices: array<u32>;
// (cumulative area as f32 bits, triangle number) per support triangle.
@group(0) @binding(4) var<storage, read> support: array<vec2<u32>>;
// Each candidate's own spacing: wider where the plan asks for less density.
@group(0) @binding(5) var<storage, read_write> cand_radius: array<f32>;
@group(0) @binding(6) var<storage, read_write> cand_pos: array<vec4<f32>>;
@group(0) @binding(7) var<storage, read_write> cand_cell: array<u32>;
@group(0) @binding(8) var<storage, read_write> cand_state: array<u32>;
@group(0) @binding(9) var<storage, read_write> cell_count: array<atomic<u32>>;
@group(0) @binding(10) var<storage, read_write> cell_start: array<u32>;
@group(0) @binding(11) var<storage, read_write> cell_items: array<u32>;
@group(0) @binding(12) var<storage, read_write> rank: array<u32>;
@group(0) @binding(13) var<storage, read_write> impressions: array<Impression>;
@group(0) @binding(14) var<storage, read_write> round_counts: array<atomic<u32>>;
@group(0) @binding(15) var<storage, read_write> draw_args: array<u32>;
@group(0) @binding(16) var<uniform> round_index: vec4<u32>;
// Live candidates in cell order: (position, exclusion radius), and their state.
// `cell_items[k]` is the candidate (its priority) at sorted slot k.
@group(0) @binding(17) var<storage, read_write> sorted_pos: array<vec4<f32>>;
@group(0) @binding(18) var<storage, read_write> sorted_state: array<u32>;

// `HeadVertex` in floats (a test in `gpu::impressions` holds the two equal).
const VERTEX_FLOATS: u32 = 14u;

fn vertex_position(i: u32) -> vec3<f32> {
    let b = i * VERTEX_FLOATS;
    return vec3<f32>(head_vertices[b], head_vertices[b + 1u], head_vertices[b + 2u]);
}

fn vertex_normal(i: u32) -> vec3<f32> {
    let b = i * VERTEX_FLOATS + 3u;
    return vec3<f32>(head_vertices[b], head_vertices[b + 1u], head_vertices[b + 2u]);
}

// The widest adaptive spacing, as a multiple of the minimum; also the hash
// grid's cell size, so neighbours within any spacing lie in the 27 cells around.
const MAX_SPACING_FACTOR: f32 = 2.0;

fn cell_of(p: vec3<f32>) -> vec3<i32> {
    return vec3<i32>(floor(p / (gen.spacing_mm * MAX_SPACING_FACTOR)));
}

// Adaptive spacing: scaling the exclusion radius with 1/√density keeps dart
// throwing equally saturated everywhere, so the accepted density follows the
// coverage (zones, the hairline ramp) instead of flattening it. Never below
// the plan's minimum spacing, never above MAX_SPACING_FACTOR times it.
fn spacing_for(c: f32) -> f32 {
    let floor_c = gen.coverage_max / (MAX_SPACING_FACTOR * MAX_SPACING_FACTOR);
    return gen.spacing_mm * sqrt(gen.coverage_max / max(c, floor_c));
}

// Spread the low 10 bits of v to every third bit.
fn spread_bits(v: u32) -> u32 {
    var x = v & 0x3ffu;
    x = (x | (x << 16u)) & 0x030000ffu;
    x = (x | (x << 8u)) & 0x0300f00fu;
    x = (x | (x << 4u)) & 0x030c30c3u;
    x = (x | (x << 2u)) & 0x09249249u;
    return x;
}

// The cell's slot in the table: its Morton code, so that cells near each
// other in space lie near each other in the table and in the cell-ordered
// candidate arrays (the neighbour searches then read memory that is close
// together). Cells that share the low bits of all three coordinates share a
// slot: periodic in space, far apart, and told apart by the distance test.
fn cell_hash(c: vec3<i32>) -> u32 {
    let m = spread_bits(u32(c.x)) | (spread_bits(u32(c.y)) << 1u) | (spread_bits(u32(c.z)) << 2u);
    return m & gen.table_mask;
}

// The sorted slots [x, y) of the n-th (0-26) of the 27 cells around cell c:
// neighbours within a cell's width of a point in c lie in them.
fn neighbour_slots(c: vec3<i32>, n: u32) -> vec2<u32> {
    let d = vec3<i32>(i32(n % 3u), i32((n / 3u) % 3u), i32(n / 9u)) - vec3<i32>(1);
    let h = cell_hash(c + d);
    return vec2<u32>(cell_start[h], cell_start[h + 1u]);
}

// The stream index of the candidate in slot i (carried impressions keep theirs).
fn stream_index(i: u32) -> u32 {
    return gen.wave.y + (i - gen.wave.x);
}

// Slot i: an impression carried from an earlier wave, or the stream's next
// candidate. Either way binned with its spacing.
@compute @workgroup_size(256)
fn generate_candidates(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
    let i = flat_index(gid, groups);
    if (i >= gen.candidate_count) { return; }
    if (i < gen.wave.x) {
        let imp = impressions[i];
        let p = vec3<f32>(imp.px, imp.py, imp.pz);
        cand_pos[i] = vec4<f32>(p, bitcast<f32>(imp.normal_oct));
        bin_candidate(i, p, coverage(p), true);
        return;
    }
    var rng = rng_seed(stream_index(i), gen.seed);
    let u = rng_next(&rng);
    var lo = 0u;
    var hi = gen.support_triangles - 1u;
    while (lo < hi) {
        let mid = (lo + hi) / 2u;
        if (bitcast<f32>(support[mid].x) < u) { lo = mid + 1u; } else { hi = mid; }
    }
    let t = support[lo].y;
    let i0 = head_indices[3u * t];
    let i1 = head_indices[3u * t + 1u];
    let i2 = head_indices[3u * t + 2u];
    let s = sqrt(rng_next(&rng));
    let r = rng_next(&rng);
    let b = vec3<f32>(1.0 - s, s * (1.0 - r), s * r);
    let p = b.x * vertex_position(i0) + b.y * vertex_position(i1) + b.z * vertex_position(i2);
    let n = normalize(b.x * vertex_normal(i0) + b.y * vertex_normal(i1) + b.z * vertex_normal(i2));
    cand_pos[i] = vec4<f32>(p, bitcast<f32>(pack_normal(n)));
    let c = coverage(p);
    bin_candidate(i, p, c, rng_next(&rng) * gen.coverage_max < c);
}

fn bin_candidate(i: u32, p: vec3<f32>, c: f32, keep: bool) {
    cand_radius[i] = spacing_for(c);
    if (keep) {
        let h = cell_hash(cell_of(p));
        cand_cell[i] = h;
        cand_state[i] = atomicAdd(&cell_count[h], 1u);
    } else {
        cand_cell[i] = NO_CELL;
    }
}

// Place each live candidate in its cell's list, in cell order, undecided.
// `cell_start` has one entry more than the table: its last is the live count.
@compute @workgroup_size(256)
fn scatter_candidates(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
    let i = flat_index(gid, groups);
    if (i >= gen.candidate_count) { return; }
    let h = cand_cell[i];
    if (h == NO_CELL) {
        cand_state[i] = DEAD;
        return;
    }
    let k = cell_start[h] + cand_state[i];
    cell_items[k] = i;
    sorted_pos[k] = vec4<f32>(cand_pos[i].xyz, cand_radius[i]);
    // Impressions carried from earlier waves are accepted already; as if
    // accepted in this round, so that the first reject round pushes away the
    // wave's candidates near them.
    sorted_state[k] = select(UNDECIDED, ACCEPTED_NEW, i < gen.wave.x);
}

fn live_count() -> u32 {
    return cell_start[gen.table_mask + 1u];
}

// True when a live neighbour of higher priority (lower index) or an accepted
// one lies within the spacing of the candidate at sorted slot k (priority i).
// A neighbour being accepted in this very round reads as ACCEPTED_NEW or
// UNDECIDED; either way it counts only if its index is lower (one of higher
// index cannot be accepted while this one is undecided), so the outcome does
// not depend on thread order.
fn blocked(k: u32, i: u32) -> bool {
    let me = sorted_pos[k];
    let p = me.xyz;
    let c = cell_of(p);
    for (var n = 0u; n < 27u; n++) {
        let slots = neighbour_slots(c, n);
        for (var q = slots.x; q < slots.y; q++) {
            let sj = sorted_state[q];
            let live = sj == UNDECIDED || sj == ACCEPTED_NEW;
            let counts = sj == ACCEPTED || (live && cell_items[q] < i);
            if (q != k && counts) {
                let other = sorted_pos[q];
                let d = other.xyz - p;
                let r = max(me.w, other.w);
                if (dot(d, d) < r * r) { return true; }
            }
        }
    }
    return false;
}

// Counts the candidates still undecided (zero: placement is done), and
// accepts those that nothing blocks.
@compute @workgroup_size(256)
fn accept_round(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
    let k = flat_index(gid, groups);
    if (k >= live_count() || sorted_state[k] != UNDECIDED) { return; }
    atomicAdd(&round_counts[round_index.x], 1u);
    if (!blocked(k, cell_items[k])) { sorted_state[k] = ACCEPTED_NEW; }
}

// Each candidate accepted this round rejects the undecided ones within the
// spacing (several may reject the same one: they all write DEAD).
@compute @workgroup_size(256)
fn reject_round(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
    let k = flat_index(gid, groups);
    if (k >= live_count() || sorted_state[k] != ACCEPTED_NEW) { return; }
    let me = sorted_pos[k];
    let p = me.xyz;
    let c = cell_of(p);
    for (var n = 0u; n < 27u; n++) {
        let slots = neighbour_slots(c, n);
        for (var q = slots.x; q < slots.y; q++) {
            if (sorted_state[q] == UNDECIDED) {
                let other = sorted_pos[q];
                let d = other.xyz - p;
                let r = max(me.w, other.w);
                if (dot(d, d) < r * r) { sorted_state[q] = DEAD; }
            }
        }
    }
    sorted_state[k] = ACCEPTED;
}

// The decisions, back in priority order.
@compute @workgroup_size(256)
fn unsort_states(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
    let k = flat_index(gid, groups);
    if (k >= live_count()) { return; }
    cand_state[cell_items[k]] = sorted_state[k];
}

@compute @workgroup_size(256)
fn mark_accepted(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
    let i = flat_index(gid, groups);
    if (i >= gen.candidate_count) { return; }
    rank[i] = select(0u, 1u, cand_state[i] == ACCEPTED);
}

// Shares of units of two and of three dots past the hairline's band (the
// rest single): natural scalp units are a third single, half pairs and the
// rest triples, giving 1.8-2 hairs per unit.
const UNIT_TWO: f32 = 0.72;
const UNIT_THREE: f32 = 0.24;
// An impression's darkness at the very edge of the hairline, against the
// session's (1 past the band).
const EDGE_DARKNESS: f32 = 0.6;

@compute @workgroup_size(256)
fn emit_impressions(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
    let i = flat_index(gid, groups);
    // Carried impressions were written by the wave that accepted them.
    if (i >= gen.candidate_count || i < gen.wave.x || cand_state[i] != ACCEPTED) { return; }
    let k = rank[i];
    if (k >= gen.target_total) { return; }
    var session = 0u;
    for (var s = 0u; s < gen.session_count; s++) {
        if (k >= gen.session_end[s]) { session = s + 1u; }
    }
    session = min(session, gen.session_count - 1u);
    var rng = rng_seed(stream_index(i), gen.seed ^ 0x51ed270bu);
    let c = cand_pos[i];
    // At the hairline's edge single, smaller dots (a 1RL and a lighter hand);
    // past it units of 1-3 dots, as hair grows in follicular units.
    let edge = hairline_ramp(c.xyz);
    let spread = max(0.35, 1.0 + gen.diameter_spread[session] * rng_gaussian(&rng));
    let size = spread * (0.72 + 0.28 * edge);
    // Less pigment and a lighter hand towards the edge too (DESIGN.md): the
    // first rows are paler as well as sparser and smaller, so the edge fades
    // instead of ending in loose full-strength dots.
    let lighter = mix(EDGE_DARKNESS, 1.0, edge);
    let dark = clamp((1.0 + gen.shade_spread[session] * rng_gaussian(&rng)) * lighter, 0.5, 1.99);
    let pick = rng_next(&rng);
    let unit = select(select(1u, 2u, pick < UNIT_TWO * edge), 3u, pick < UNIT_THREE * edge * edge);
    var imp: Impression;
    imp.px = c.x;
    imp.py = c.y;
    imp.pz = c.z;
    imp.normal_oct = bitcast<u32>(c.w);
    imp.diameter_mm = gen.diameter_mm[session] * size;
    // The needle leaves about the same ink whatever the dot's spread: a dot
    // that spread wider is paler, a tighter one denser (`INK_SHARE_STEPS`).
    let share = u32(round(clamp(1.0 / (spread * spread), 0.5, 2.0) * INK_SHARE_STEPS));
    imp.packed = (gen.session_base.x + session) | (u32(round(dark * 128.0)) << 8u) | ((unit - 1u) << 16u) | (share << 18u);
    impressions[k] = imp;
}

// One thread: the impression count and the splat pass's indirect dispatches
// (still frames, then motion frames: `splat.wgsl`).
@compute @workgroup_size(1)
fn finish_counts() {
    let last = gen.candidate_count - 1u;
    let accepted = rank[last] + select(0u, 1u, cand_state[last] == ACCEPTED);
    let count = min(accepted, gen.target_total);
    draw_args[0] = (count + 63u) / 64u;
    draw_args[1] = 1u;
    draw_args[2] = 1u;
    draw_args[3] = count;
    draw_args[4] = accepted;
    draw_args[5] = ((count + MOTION_STRIDE - 1u) / MOTION_STRIDE + 63u) / 64u;
    draw_args[6] = 1u;
    draw_args[7] = 1u;
}

// ---- relaxation -------------------------------------------------------------

// Neighbours within this many (least) spacings push an impression away:
// the hashed cells are two spacings wide, so the 27 around hold them all.
const RELAX_REACH: f32 = 2.0;
// A step's move for a unit push, in the impression's own spacings; and the
// most a step moves.
const RELAX_STEP: f32 = 1.0;
const RELAX_MAX_MOVE: f32 = 0.25;
// The widest own spacing that moves, in least spacings: the reach is then
// at least 1.4 of it, and a move of a quarter of it keeps every neighbour
// the accept pass must see within the 27 cells.
const RELAX_WIDEST: f32 = 1.414;
// A step's random nudge, in the impression's own spacings. Pushes alone
// settle impressions into a crystal's curved rows, which close up read as a
// printed halftone; a needle's landings are even but in no rows. The nudge
// melts the rows while the pushes keep the count even over a few spacings.
// Nudged in every step but the last (`gen.wave.z`), which only pushes and
// so closes the small holes the nudges open.
const RELAX_JITTER: f32 = 0.25;

// Where the coverage is flat, at whatever level (a zone's or the plan's
// density): in the hairline's band and a zone's feather the spacing grows
// with the coverage, and a move there would carry the ramp with it.
fn relaxes(radius: f32) -> bool {
    return radius <= gen.spacing_mm * RELAX_WIDEST;
}

// Fixed-point steps of a neighbour's push (each under 1 in every component;
// a few dozen neighbours stay far inside an i32).
const PUSH_SCALE: f32 = 1048576.0;

// A random vector in the unit cube, from the impression, the step
// (`gen.wave.y`) and the seed: the same on every run.
fn relax_nudge(i: u32) -> vec3<f32> {
    var rng = rng_seed(i, gen.seed ^ hash_u32(gen.wave.y ^ 0x6a09e667u));
    let u = vec3<f32>(rng_next(&rng), rng_next(&rng), rng_next(&rng));
    return 2.0 * u - vec3<f32>(1.0);
}

// The proposed place of the impression at sorted slot k, into cand_pos.
@compute @workgroup_size(256)
fn relax_propose(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
    let k = flat_index(gid, groups);
    if (k >= live_count()) { return; }
    let me = sorted_pos[k];
    let i = cell_items[k];
    let p = me.xyz;
    var dest = p;
    if (relaxes(me.w)) {
        let reach = RELAX_REACH * gen.spacing_mm;
        // Summed in fixed point: the order of the impressions within a cell
        // follows the scatter's atomics, and a float sum in that order
        // differed in its last bit from run to run (the same seed then
        // placed an impression a ULP elsewhere).
        var push_fixed = vec3<i32>(0);
        let c = cell_of(p);
        for (var n = 0u; n < 27u; n++) {
            let slots = neighbour_slots(c, n);
            for (var q = slots.x; q < slots.y; q++) {
                let d = p - sorted_pos[q].xyz;
                let dist = length(d);
                if (q != k && dist < reach && dist > 1e-6) {
                    let f = 1.0 - dist / reach;
                    push_fixed += vec3<i32>(round(f * f * d / dist * PUSH_SCALE));
                }
            }
        }
        let push = vec3<f32>(push_fixed) / PUSH_SCALE;
        // Along the skin: the move leaves the normal out.
        let n = unpack_normal(impressions[i].normal_oct);
        let nudge = relax_nudge(i) * select(0.0, RELAX_JITTER, gen.wave.z != 0u);
        let along = push * RELAX_STEP + nudge;
        var shift = (along - n * dot(along, n)) * me.w;
        let most = RELAX_MAX_MOVE * me.w;
        let len = length(shift);
        if (len > most) { shift *= most / len; }
        let moved = p + shift;
        // Only along flat coverage: the same level within 0.01 %.
        let here = coverage(p);
        if (abs(coverage(moved) - here) <= here * 1e-4) { dest = moved; }
    }
    cand_pos[i] = vec4<f32>(dest, 0.0);
}

// Keeps the impression's proposed move when no neighbour, at its old or its
// proposed place, lies within the spacing of it.
@compute @workgroup_size(256)
fn relax_accept(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
    let k = flat_index(gid, groups);
    if (k >= live_count()) { return; }
    let me = sorted_pos[k];
    let i = cell_items[k];
    let next = cand_pos[i].xyz;
    if (all(next == me.xyz)) { return; }
    // Around the proposed place: every neighbour within the spacing of it
    // (old places are binned; a moving one has moved at most a quarter of
    // its own spacing, 0.35 of the least, a still one not at all).
    let c = cell_of(next);
    for (var n = 0u; n < 27u; n++) {
        let slots = neighbour_slots(c, n);
        for (var q = slots.x; q < slots.y; q++) {
            if (q != k) {
                let other = sorted_pos[q];
                let r = max(me.w, other.w);
                let a = next - other.xyz;
                let b = next - cand_pos[cell_items[q]].xyz;
                if (dot(a, a) < r * r || dot(b, b) < r * r) { return; }
            }
        }
    }
    impressions[i].px = next.x;
    impressions[i].py = next.y;
    impressions[i].pz = next.z;
}
