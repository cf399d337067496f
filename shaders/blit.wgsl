// The viewer's last step: each viewport's picture copied into its tile of the
// window (the render pass's viewport is the tile). Bytes pass through as they
// are: the picture is read through a non-sRGB view and the window's surface is
// non-sRGB, so the window shows exactly what `render` writes.

@group(0) @binding(0) var picture: texture_2d<f32>;
@group(0) @binding(1) var smooth_sampler: sampler;

struct VertexOut {
    @builtin(position) clip: vec4<f32>,
    // 0..1 across the tile, top-left origin.
    @location(0) uv: vec2<f32>,
}

// One triangle that covers the tile.
@vertex
fn vs_tile(@builtin(vertex_index) i: u32) -> VertexOut {
    let corner = vec2<f32>(f32((i << 1u) & 2u), f32(i & 2u));
    var out: VertexOut;
    out.clip = vec4<f32>(corner * vec2<f32>(2.0, -2.0) + vec2<f32>(-1.0, 1.0), 0.0, 1.0);
    out.uv = corner;
    return out;
}

// Same size as the tile: texel for pixel, no filtering.
@fragment
fn fs_exact(in: VertexOut) -> @location(0) vec4<f32> {
    let size = vec2<f32>(textureDimensions(picture));
    return textureLoad(picture, vec2<i32>(floor(in.uv * size)), 0);
}

// A reduced-size picture (frames drawn while the head moves): bilinear.
@fragment
fn fs_scaled(in: VertexOut) -> @location(0) vec4<f32> {
    return textureSample(picture, smooth_sampler, in.uv);
}
