//! The consultation sheet: every view in a labelled grid, with the plan's name
//! and key figures.

use super::text;
use image::{Rgba, RgbaImage, imageops};

const INK: Rgba<u8> = Rgba([232, 234, 238, 255]);
const DIM: Rgba<u8> = Rgba([160, 166, 176, 255]);
const PAPER: Rgba<u8> = Rgba([28, 31, 36, 255]);

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
    text::draw(&mut sheet, gap as f32, 14.0, 34.0, INK, title);
    text::draw(&mut sheet, gap as f32, 52.0, 20.0, DIM, subtitle);
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
        text::draw(&mut sheet, x as f32, (y + 3) as f32, 22.0, INK, name);
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
