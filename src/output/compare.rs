//! Compare layout: two to four variants of a plan side by side, one camera,
//! each labelled. Shared by the viewer's compare mode and `render --compare`;
//! no window, no GPU.

use super::text;
use crate::plan::TreatmentPlan;
use image::{Rgba, RgbaImage};

/// A viewport in pixels, origin top left.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tile {
    pub x: u32,
    pub y: u32,
    pub width: u32,
    pub height: u32,
}

/// Pixels between tiles.
pub const GAP_PX: u32 = 2;

/// `n` tiles filling `width`×`height`: up to three in one row, four in a 2×2
/// grid. Tiles are at least 1 px on a side; the last column and row take the
/// rounding remainder so the tiles and gaps cover the area exactly.
pub fn layout(n: usize, width: u32, height: u32) -> Vec<Tile> {
    let n = n.max(1) as u32;
    let (cols, rows) = if n == 4 { (2, 2) } else { (n, 1) };
    let split = |total: u32, parts: u32| -> Vec<(u32, u32)> {
        let usable = total.saturating_sub(GAP_PX * (parts - 1)).max(parts);
        let base = usable / parts;
        (0..parts)
            .map(|i| {
                let start = i * (base + GAP_PX);
                let len = if i == parts - 1 {
                    total.saturating_sub(start).max(1)
                } else {
                    base.max(1)
                };
                (start, len)
            })
            .collect()
    };
    let xs = split(width, cols);
    let ys = split(height, rows);
    let mut tiles = Vec::new();
    for &(y, h) in &ys {
        for &(x, w) in &xs {
            if tiles.len() < n as usize {
                tiles.push(Tile {
                    x,
                    y,
                    width: w,
                    height: h,
                });
            }
        }
    }
    tiles
}

/// The plans compare mode shows, labelled: the plan's variants; with only one
/// variant, the plan as it is first ("current"); with none, the plan alone.
pub fn variant_plans(plan: &TreatmentPlan) -> Vec<(String, TreatmentPlan)> {
    let mut out: Vec<(String, TreatmentPlan)> = (0..plan.variants.len())
        .map(|i| (plan.variants[i].name.clone(), plan.variant(i)))
        .collect();
    if out.len() < 2 {
        let mut current = plan.clone();
        current.variants.clear();
        out.insert(0, ("current".to_string(), current));
    }
    out
}

const BACKDROP: Rgba<u8> = Rgba([18, 20, 24, 255]);
const LABEL: Rgba<u8> = Rgba([236, 238, 242, 255]);

/// Lay out rendered tiles (name, image sized as `layout` says) in one image.
pub fn compose(width: u32, height: u32, tiles: &[(String, RgbaImage)]) -> RgbaImage {
    let mut out = RgbaImage::from_pixel(width, height, BACKDROP);
    for (tile, (name, img)) in layout(tiles.len(), width, height).iter().zip(tiles) {
        image::imageops::replace(&mut out, img, tile.x as i64, tile.y as i64);
        let size_px = if tile.width >= 480 { 22.0 } else { 16.0 };
        label(&mut out, tile.x + 12, tile.y + 12, size_px, name);
    }
    out
}

/// A label on a dark box, legible over any backdrop: the box is the line's
/// height (34 px at 22 px: clear of the top 48 px the viewer labels too) and the text's width, padded.
pub fn label(img: &mut RgbaImage, x: u32, y: u32, size_px: f32, text: &str) {
    let pad = (0.2 * size_px).round() as u32;
    let w = text::width_px(size_px, text).ceil() as u32 + 2 * pad;
    let h = (1.15 * size_px).ceil() as u32 + 2 * pad;
    for py in y..(y + h).min(img.height()) {
        for px in x..(x + w).min(img.width()) {
            let p = img.get_pixel_mut(px, py);
            for c in 0..3 {
                p[c] = (p[c] as u32 * 2 / 5) as u8;
            }
        }
    }
    text::draw(
        img,
        (x + pad) as f32,
        (y + pad) as f32,
        size_px,
        LABEL,
        text,
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tiles_cover_the_area_without_overlap() {
        for n in 1..=4 {
            for (w, h) in [(1280, 720), (641, 359), (64, 64)] {
                let tiles = layout(n, w, h);
                assert_eq!(tiles.len(), n);
                let area: u32 = tiles.iter().map(|t| t.width * t.height).sum();
                let (cols, rows) = if n == 4 { (2, 2) } else { (n as u32, 1) };
                let gaps = GAP_PX * (cols - 1) * h + GAP_PX * (rows - 1) * w
                    - GAP_PX * GAP_PX * (cols - 1) * (rows - 1);
                assert_eq!(area + gaps, w * h, "n={n} {w}x{h}");
                for t in &tiles {
                    assert!(t.x + t.width <= w && t.y + t.height <= h);
                }
            }
        }
        let three = layout(3, 1280, 720);
        assert!(three.iter().all(|t| t.y == 0 && t.height == 720));
        let four = layout(4, 1280, 720);
        assert_eq!((four[3].x, four[3].y), (640 + 1, 360 + 1));
    }

    #[test]
    fn default_plan_compares_three_shades() {
        let plan = TreatmentPlan::default_plan();
        let v = variant_plans(&plan);
        let names: Vec<_> = v.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["soft black", "dark", "medium"]);
        assert!(v[0].1.sessions.iter().all(|s| s.shade == "soft-black"));
        let mut one = plan.clone();
        one.variants.truncate(1);
        assert_eq!(variant_plans(&one)[0].0, "current");
        assert_eq!(variant_plans(&one).len(), 2);
    }

    #[test]
    fn compose_places_tiles_and_labels() {
        let tiles: Vec<_> = (0..3)
            .map(|i| {
                (
                    format!("v{i}"),
                    RgbaImage::from_pixel(100, 100, Rgba([i * 80, 100, 100, 255])),
                )
            })
            .collect();
        let t = layout(3, 304, 100);
        assert_eq!(t[1].width, 100);
        let img = compose(304, 100, &tiles);
        assert_eq!(*img.get_pixel(t[2].x + 50, 90), Rgba([160, 100, 100, 255]));
        let near = |p: &Rgba<u8>| (0..3).all(|c| p[c].abs_diff(LABEL[c]) < 40);
        assert!(img.pixels().any(near), "no label text");
    }
}
