//! Text on pictures (the sheet, the compare labels, the timeline's captions)
//! in the same typeface as the PDF: Ubuntu Light (Ubuntu Font Licence, as
//! egui ships it), antialiased by `ab_glyph`'s outline rasteriser. No bitmap
//! font anywhere.

use ab_glyph::{Font, FontRef, GlyphId, PxScale, ScaleFont, point};
use image::{Rgba, RgbaImage};
use std::sync::OnceLock;

/// The typeface's bytes, also embedded by the PDF.
pub const TYPEFACE: &[u8] = epaint_default_fonts::UBUNTU_LIGHT;

fn typeface() -> &'static FontRef<'static> {
    static FONT: OnceLock<FontRef<'static>> = OnceLock::new();
    FONT.get_or_init(|| FontRef::try_from_slice(TYPEFACE).expect("the embedded typeface parses"))
}

/// Where each glyph of `text` starts along the line at `size_px` (kerned
/// advances from 0), and where the line ends: the one layout that measuring
/// and drawing share.
fn layout(size_px: f32, text: &str) -> (Vec<(GlyphId, f32)>, f32) {
    let font = typeface().as_scaled(PxScale::from(size_px));
    let mut x = 0.0;
    let mut prev = None;
    let mut glyphs = Vec::with_capacity(text.len());
    for c in text.chars() {
        let id = font.glyph_id(c);
        if let Some(p) = prev {
            x += font.kern(p, id);
        }
        glyphs.push((id, x));
        x += font.h_advance(id);
        prev = Some(id);
    }
    (glyphs, x)
}

/// The width of `text` at `size_px` (the em size), in pixels.
pub fn width_px(size_px: f32, text: &str) -> f32 {
    layout(size_px, text).1
}

/// `text` broken into lines no wider than `max_width` at `size` (the same
/// units: px on pictures, points on the PDF), at spaces; a word wider than
/// the line is cut. Line breaks in `text` are kept.
pub fn wrap(size: f32, max_width: f32, text: &str) -> Vec<String> {
    let mut lines = Vec::new();
    for paragraph in text.lines() {
        let mut line = String::new();
        for word in paragraph.split_whitespace() {
            let candidate = if line.is_empty() {
                word.to_string()
            } else {
                format!("{line} {word}")
            };
            if width_px(size, &candidate) <= max_width || line.is_empty() {
                line = candidate;
            } else {
                lines.push(std::mem::take(&mut line));
                line = word.to_string();
            }
            // A single word too long for the line: cut it to fit.
            while width_px(size, &line) > max_width && line.chars().count() > 1 {
                let mut cut: String = line.clone();
                while width_px(size, &cut) > max_width && cut.chars().count() > 1 {
                    cut.pop();
                }
                let rest = line[cut.len()..].to_string();
                lines.push(cut);
                line = rest;
            }
        }
        lines.push(line);
    }
    lines
}

/// Draw `text` with its top-left corner at (`x`, `y`), the em `size_px`
/// high, blended over `img` in `color` (its alpha scales the cover).
/// Whatever falls outside the image is dropped.
pub fn draw(img: &mut RgbaImage, x: f32, y: f32, size_px: f32, color: Rgba<u8>, text: &str) {
    let scale = PxScale::from(size_px);
    let baseline = y + typeface().as_scaled(scale).ascent();
    for (id, pen) in layout(size_px, text).0 {
        let glyph = id.with_scale_and_position(scale, point(x + pen, baseline));
        let Some(outline) = typeface().outline_glyph(glyph) else {
            continue; // a space
        };
        let bounds = outline.px_bounds();
        outline.draw(|gx, gy, cover| {
            let px = bounds.min.x as i64 + gx as i64;
            let py = bounds.min.y as i64 + gy as i64;
            if px < 0 || py < 0 || px >= img.width() as i64 || py >= img.height() as i64 {
                return;
            }
            let a = cover.clamp(0.0, 1.0) * color[3] as f32 / 255.0;
            let dst = img.get_pixel_mut(px as u32, py as u32);
            for ch in 0..3 {
                let v = dst[ch] as f32 * (1.0 - a) + color[ch] as f32 * a;
                dst[ch] = v.round() as u8;
            }
            dst[3] = dst[3].max((a * 255.0).round() as u8);
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_antialiased_and_as_wide_as_measured() {
        let mut img = RgbaImage::from_pixel(400, 60, Rgba([0, 0, 0, 255]));
        let text = "Before · 5 years";
        draw(&mut img, 10.0, 10.0, 28.0, Rgba([255, 255, 255, 255]), text);
        let lit: Vec<(u32, u32)> = img
            .enumerate_pixels()
            .filter(|(_, _, p)| p[0] > 0)
            .map(|(x, y, _)| (x, y))
            .collect();
        assert!(!lit.is_empty());
        // Antialiased: edges are in between, not only black and white.
        let grey = img.pixels().filter(|p| p[0] > 20 && p[0] < 235).count();
        assert!(grey > lit.len() / 5, "{grey} of {}", lit.len());
        let right = lit.iter().map(|p| p.0).max().unwrap() as f32;
        let w = width_px(28.0, text);
        assert!(
            (right - 10.0 - w).abs() < 4.0,
            "inked to {right}, measured {w}"
        );
        // Cap height about 0.7 em, below the top.
        let top = lit.iter().map(|p| p.1).min().unwrap();
        assert!((10..22).contains(&top), "{top}");
    }

    #[test]
    fn wrapped_lines_fit_and_keep_every_word() {
        let text = "Mature hairline, slightly recessed temples; ink matched to the buzzed hair.\nSecond paragraph averyveryverylongwordthatcannotfitononeline";
        let lines = wrap(10.0, 120.0, text);
        assert!(lines.len() >= 4, "{lines:?}");
        for l in &lines {
            assert!(width_px(10.0, l) <= 120.0, "{l:?}");
        }
        let joined: String = lines.concat().split_whitespace().collect();
        let want: String = text.split_whitespace().collect();
        assert_eq!(joined, want);
        assert_eq!(wrap(10.0, 500.0, "one line"), ["one line"]);
    }

    #[test]
    fn text_past_the_edges_is_clipped() {
        let mut img = RgbaImage::new(20, 10);
        draw(&mut img, -30.0, -8.0, 40.0, Rgba([255, 0, 0, 255]), "WWWW");
        draw(&mut img, 15.0, 5.0, 40.0, Rgba([255, 0, 0, 255]), "WWWW");
    }
}
