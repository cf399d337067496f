//! How much the treatment darkens the scalp in a picture: the treated scalp
//! against the same scalp before treatment (session 0), three-quarter view
//! at 1920×1080, in linear luminance. The treated region is found from the
//! pictures themselves: where the two differ, widened by a box filter so
//! that the skin between impressions counts too.

mod common;

use image::RgbaImage;
use smp_preview::plan::ViewName;

fn luminance(p: &image::Rgba<u8>) -> f64 {
    let lin = |c: u8| {
        let c = c as f64 / 255.0;
        if c <= 0.04045 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * lin(p[0]) + 0.7152 * lin(p[1]) + 0.0722 * lin(p[2])
}

/// (treated / untreated mean luminance over the treated region, its pixels).
fn darkening(after: &RgbaImage, before: &RgbaImage) -> (f64, usize) {
    let (w, h) = after.dimensions();
    let diff: Vec<f64> = after
        .pixels()
        .zip(before.pixels())
        .map(|(a, b)| (luminance(b) - luminance(a)).max(0.0))
        .collect();
    // Integral image for a 31×31 box.
    let mut sat = vec![0.0; ((w + 1) * (h + 1)) as usize];
    for y in 0..h {
        for x in 0..w {
            let i = ((y + 1) * (w + 1) + x + 1) as usize;
            sat[i] = diff[(y * w + x) as usize] + sat[i - 1] + sat[i - (w + 1) as usize]
                - sat[i - (w + 2) as usize];
        }
    }
    let r = 15i64;
    let (mut sa, mut sb, mut n) = (0.0, 0.0, 0usize);
    for y in 0..h as i64 {
        for x in 0..w as i64 {
            let (x0, y0) = ((x - r).max(0), (y - r).max(0));
            let (x1, y1) = ((x + r + 1).min(w as i64), (y + r + 1).min(h as i64));
            let at = |x: i64, y: i64| sat[(y * (w as i64 + 1) + x) as usize];
            let box_mean = (at(x1, y1) - at(x0, y1) - at(x1, y0) + at(x0, y0))
                / ((x1 - x0) * (y1 - y0)) as f64;
            if box_mean > 0.002 {
                sa += luminance(after.get_pixel(x as u32, y as u32));
                sb += luminance(before.get_pixel(x as u32, y as u32));
                n += 1;
            }
        }
    }
    (sa / sb.max(1e-9), n)
}

fn three_quarter(loaded: &smp_preview::loading::Loaded) -> RgbaImage {
    common::prepare(loaded)
        .render_views(&[ViewName::ThreeQuarter], 1920, 1080)
        .unwrap()
        .remove(0)
        .1
}

#[test]
fn the_treated_scalp_is_darker_than_before() {
    let after = common::load("default.toml");
    let mut before = common::load("default.toml");
    before.plan.shown.session = Some(0);
    let (ratio, pixels) = darkening(&three_quarter(&after), &three_quarter(&before));
    println!(
        "default plan, three-quarter 1920x1080: treated/untreated luminance {ratio:.3} over {pixels} px"
    );
    assert!(
        pixels > 50_000,
        "the treated region is too small: {pixels} px"
    );
    assert!(
        ratio < 0.97,
        "the treatment hardly darkens the scalp: {ratio:.3}"
    );
}
