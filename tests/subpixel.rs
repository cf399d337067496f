//! Impressions smaller than a pixel keep their average darkness: the pigment's
//! darkening of the scalp is the same whether an impression spans 0.2 or 1.6
//! pixels (no sparkle, no loss, no bloat).

mod common;

use smp_preview::output::views::Prepared;
use smp_preview::plan::{ViewName, ZoneSpec};

fn linear(c: u8) -> f64 {
    let c = c as f64 / 255.0;
    if c <= 0.04045 {
        c / 12.92
    } else {
        ((c + 0.055) / 1.055).powf(2.4)
    }
}

/// Mean linear luminance of the central window of the back view (all scalp).
fn scalp_luminance(prepared: &Prepared, width: u32, height: u32) -> f64 {
    let (_, img) = prepared
        .render_views(&[ViewName::Back], width, height)
        .unwrap()
        .remove(0);
    let (x0, x1, y0, y1) = (
        width * 45 / 100,
        width * 55 / 100,
        height * 25 / 100,
        height * 45 / 100,
    );
    let mut sum = 0.0;
    for y in y0..y1 {
        for x in x0..x1 {
            let p = img.get_pixel(x, y);
            sum += 0.2126 * linear(p[0]) + 0.7152 * linear(p[1]) + 0.0722 * linear(p[2]);
        }
    }
    sum / ((x1 - x0) * (y1 - y0)) as f64
}

#[test]
fn pigment_darkening_does_not_depend_on_resolution() {
    // Low exposure keeps every pixel in the tone curve's linear range, so
    // averaging over a pixel and averaging over the eye agree: what remains to
    // compare is the pigment coverage the splat lays down.
    let mut treated = common::load("default.toml");
    treated.plan.lights.exposure = Some(0.4);
    let mut bare = common::load("default.toml");
    bare.plan.lights.exposure = Some(0.4);
    // A zone of density 0 over the whole back: the same head with no impressions.
    bare.plan.zones.push(ZoneSpec {
        name: "none".into(),
        azimuth_deg: 180.0,
        elevation_deg: 30.0,
        radius_mm: 150.0,
        feather_mm: 0.0,
        density_scale: 0.0,
        hair_density_scale: 1.0,
    });
    let with = common::prepare(&treated);
    let without = common::prepare(&bare);
    assert!(without.scene.impressions.count < with.scene.impressions.count / 4);
    let darkening = |w, h| 1.0 - scalp_luminance(&with, w, h) / scalp_luminance(&without, w, h);
    let small = darkening(320, 180);
    let large = darkening(1920, 1080);
    println!("pigment darkening: {small:.4} at 320x180, {large:.4} at 1920x1080");
    assert!(large > 0.05, "pigment barely darkens the scalp: {large}");
    assert!(
        (small - large).abs() / large < 0.05,
        "darkening {small:.4} at 320x180 vs {large:.4} at 1920x1080"
    );
}
