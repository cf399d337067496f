// Exclusive prefix sum of u32, 512 elements per workgroup (Blelloch), in place.
// Each level writes its block totals to `block_sums`; `add_block_offsets`
// adds the scanned totals back.

@group(0) @binding(0) var<storage, read_write> data: array<u32>;
@group(0) @binding(1) var<storage, read_write> block_sums: array<u32>;
@group(0) @binding(2) var<uniform> scan_len: vec4<u32>;

var<workgroup> tile: array<u32, 512>;

@compute @workgroup_size(256)
fn scan_blocks(@builtin(local_invocation_index) lid: u32, @builtin(workgroup_id) wid: vec3<u32>,
               @builtin(num_workgroups) groups: vec3<u32>) {
    let block = wid.x + wid.y * groups.x;
    let base = block * 512u;
    let n = scan_len.x;
    if (base >= n) { return; }
    let a = base + 2u * lid;
    tile[2u * lid] = select(0u, data[a], a < n);
    tile[2u * lid + 1u] = select(0u, data[a + 1u], a + 1u < n);
    var offset = 1u;
    for (var d = 256u; d > 0u; d >>= 1u) {
        workgroupBarrier();
        if (lid < d) {
            let ai = offset * (2u * lid + 1u) - 1u;
            let bi = offset * (2u * lid + 2u) - 1u;
            tile[bi] += tile[ai];
        }
        offset <<= 1u;
    }
    workgroupBarrier();
    if (lid == 0u) {
        block_sums[block] = tile[511];
        tile[511] = 0u;
    }
    for (var d = 1u; d < 512u; d <<= 1u) {
        offset >>= 1u;
        workgroupBarrier();
        if (lid < d) {
            let ai = offset * (2u * lid + 1u) - 1u;
            let bi = offset * (2u * lid + 2u) - 1u;
            let t = tile[ai];
            tile[ai] = tile[bi];
            tile[bi] += t;
        }
    }
    workgroupBarrier();
    if (a < n) { data[a] = tile[2u * lid]; }
    if (a + 1u < n) { data[a + 1u] = tile[2u * lid + 1u]; }
}

@compute @workgroup_size(256)
fn add_block_offsets(@builtin(local_invocation_index) lid: u32, @builtin(workgroup_id) wid: vec3<u32>,
                     @builtin(num_workgroups) groups: vec3<u32>) {
    let block = wid.x + wid.y * groups.x;
    let a = block * 512u + 2u * lid;
    let add = block_sums[block];
    if (a < scan_len.x) { data[a] += add; }
    if (a + 1u < scan_len.x) { data[a + 1u] += add; }
}
