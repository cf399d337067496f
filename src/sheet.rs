//! The consultation sheet: every view in a labelled grid, with the plan's name
//! and key figures.

use image::{Rgba, RgbaImage, imageops};

const INK: Rgba<u8> = Rgba([232, 234, 238, 255]);
const DIM: Rgba<u8> = Rgba([160, 166, 176, 255]);
const PAPER: Rgba<u8> = Rgba([28, 31, 36, 255]);

/// Draw `text` with the 8×8 bitmap font at `scale`.
pub fn draw_text(img: &mut RgbaImage, x: u32, y: u32, scale: u32, color: Rgba<u8>, text: &str) {
    let mut cx = x;
    for ch in text.chars() {
        let glyph = font8x8::legacy::BASIC_LEGACY
            .get(ch as usize)
            .copied()
            .unwrap_or([0; 8]);
        for (row, bits) in glyph.iter().enumerate() {
            for col in 0..8 {
                if bits >> col & 1 == 0 {
                    continue;
                }
                for sy in 0..scale {
                    for sx in 0..scale {
                        let (px, py) = (cx + col * scale + sx, y + row as u32 * scale + sy);
                        if px < img.width() && py < img.height() {
                            img.put_pixel(px, py, color);
                        }
                    }
                }
            }
        }
        cx += 8 * scale;
    }
}

/// Lay out `views` (name, image) in a grid under a title and a subtitle.
pub fn compose(title: &str, subtitle: &str, views: &[(String, RgbaImage)]) -> RgbaImage {
    let cols = if views.len() >= 3 {
        3
    } else {
        views.len().max(1)
    } as u32;
    let rows = (views.len() as u32).div_ceil(cols).max(1);
    let tile_w = 640u32;
    let (w0, h0) = views
        .first()
        .map(|(_, i)| i.dimensions())
        .unwrap_or((16, 9));
    let tile_h = (tile_w as f32 * h0 as f32 / w0 as f32).round() as u32;
    let (gap, header, label) = (16u32, 84u32, 30u32);
    let width = cols * tile_w + (cols + 1) * gap;
    let height = header + rows * (tile_h + label + gap) + gap;
    let mut sheet = RgbaImage::from_pixel(width, height, PAPER);
    draw_text(&mut sheet, gap, 18, 3, INK, title);
    draw_text(&mut sheet, gap, 54, 2, DIM, subtitle);
    // The downscaling is most of the work: every view at once, over the cores.
    let tiles = crate::par::map_chunks(views.len(), |r| {
        r.map(|i| imageops::resize(&views[i].1, tile_w, tile_h, imageops::FilterType::Triangle))
            .collect::<Vec<_>>()
    })
    .concat();
    for (i, ((name, _), tile)) in views.iter().zip(&tiles).enumerate() {
        let (c, r) = (i as u32 % cols, i as u32 / cols);
        let x = gap + c * (tile_w + gap);
        let y = header + r * (tile_h + label + gap);
        imageops::overlay(&mut sheet, tile, x as i64, (y + label) as i64);
        draw_text(&mut sheet, x, y + 6, 2, INK, name);
    }
    sheet
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grid_holds_every_view_and_draws_labels() {
        let views: Vec<_> = (0..6)
            .map(|i| {
                (
                    format!("v{i}"),
                    RgbaImage::from_pixel(320, 180, Rgba([i * 40, 0, 0, 255])),
                )
            })
            .collect();
        let sheet = compose("Title", "sub", &views);
        assert_eq!(sheet.width(), 3 * 640 + 4 * 16);
        assert!(sheet.pixels().any(|p| *p == INK));
    }
}
