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

/// The largest side of a tile on the sheet, px.
pub const TILE_MAX_PX: u32 = 640;

/// A view of `w`×`h` scaled to fit a `TILE_MAX_PX` square, keeping its
/// aspect: however tall or wide the views, the sheet stays a few megapixels.
fn tile_size(w: u32, h: u32) -> (u32, u32) {
    let (w, h) = (w.max(1) as f32, h.max(1) as f32);
    let scale = TILE_MAX_PX as f32 / w.max(h);
    (
        ((w * scale).round() as u32).max(1),
        ((h * scale).round() as u32).max(1),
    )
}

/// Lay out `views` (name, image) in a grid under a title and a subtitle.
pub fn compose(title: &str, subtitle: &str, views: &[(String, RgbaImage)]) -> RgbaImage {
    let cols = if views.len() >= 3 {
        3
    } else {
        views.len().max(1)
    } as u32;
    let rows = (views.len() as u32).div_ceil(cols).max(1);
    let (w0, h0) = views
        .first()
        .map(|(_, i)| i.dimensions())
        .unwrap_or((16, 9));
    let (tile_w, tile_h) = tile_size(w0, h0);
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

    #[test]
    fn tall_and_wide_views_make_a_bounded_sheet() {
        for (w, h) in [(64, 8192), (8192, 64), (1920, 1080)] {
            let views: Vec<_> = (0..6)
                .map(|i| (format!("v{i}"), RgbaImage::new(w, h)))
                .collect();
            let sheet = compose("T", "s", &views);
            let (tw, th) = tile_size(w, h);
            assert!(tw <= TILE_MAX_PX && th <= TILE_MAX_PX);
            assert!(sheet.width() <= 3 * TILE_MAX_PX + 64, "{w}x{h}");
            assert!(
                sheet.height() <= 84 + 2 * (TILE_MAX_PX + 46) + 16,
                "{w}x{h}"
            );
        }
    }
}
