//! A colour texture baked from per-vertex colours over the UVs, as a scan
//! app writes its texture: each triangle filled in UV space, then the
//! edges grown outwards so a bilinear read at an island's border stays on
//! the island's colours.

use image::{Rgba, RgbaImage};

use crate::head::HeadMesh;

/// Bakes `mesh`'s `scan_srgba` over its `uv` (v up) into a `side`² texture.
pub fn texture(mesh: &HeadMesh, side: u32) -> RgbaImage {
    let mut img = RgbaImage::new(side, side);
    let s = side as f32;
    let texel = |uv: [f32; 2]| glam::Vec2::new(uv[0] * s, (1.0 - uv[1]) * s);
    for t in mesh.indices.chunks_exact(3) {
        let v = [t[0], t[1], t[2]].map(|i| &mesh.vertices[i as usize]);
        let [a, b, c] = v.map(|v| texel(v.uv));
        let area = (b - a).perp_dot(c - a);
        if area.abs() < 1e-9 {
            continue;
        }
        let lo = a.min(b).min(c).floor().max(glam::Vec2::ZERO);
        let hi = a.max(b).max(c).ceil().min(glam::Vec2::splat(s - 1.0));
        for y in lo.y as u32..=hi.y as u32 {
            for x in lo.x as u32..=hi.x as u32 {
                let p = glam::Vec2::new(x as f32 + 0.5, y as f32 + 0.5);
                let w0 = (b - p).perp_dot(c - p) / area;
                let w1 = (c - p).perp_dot(a - p) / area;
                let w2 = 1.0 - w0 - w1;
                if w0 < -1e-4 || w1 < -1e-4 || w2 < -1e-4 {
                    continue;
                }
                let mut out = [0u8; 4];
                for (k, o) in out.iter_mut().enumerate().take(3) {
                    let f = |i: usize| f32::from(v[i].scan_srgba[k]);
                    *o = (w0 * f(0) + w1 * f(1) + w2 * f(2))
                        .round()
                        .clamp(0.0, 255.0) as u8;
                }
                out[3] = 255;
                img.put_pixel(x, y, Rgba(out));
            }
        }
    }
    grow_edges(&mut img, 4);
    img
}

/// Fills empty texels from filled neighbours, `steps` texels outwards.
fn grow_edges(img: &mut RgbaImage, steps: u32) {
    let (w, h) = img.dimensions();
    for _ in 0..steps {
        let before = img.clone();
        for y in 0..h {
            for x in 0..w {
                if before.get_pixel(x, y).0[3] > 0 {
                    continue;
                }
                let mut sum = [0u32; 3];
                let mut n = 0;
                for (dx, dy) in [(-1i32, 0i32), (1, 0), (0, -1), (0, 1)] {
                    let (nx, ny) = (x as i32 + dx, y as i32 + dy);
                    if nx < 0 || ny < 0 || nx >= w as i32 || ny >= h as i32 {
                        continue;
                    }
                    let q = before.get_pixel(nx as u32, ny as u32).0;
                    if q[3] > 0 {
                        (0..3).for_each(|k| sum[k] += u32::from(q[k]));
                        n += 1;
                    }
                }
                if n > 0 {
                    let c = sum.map(|s| (s / n) as u8);
                    img.put_pixel(x, y, Rgba([c[0], c[1], c[2], 255]));
                }
            }
        }
    }
}
