//! Colours in plans are sRGB; shaders get linear values.

/// An sRGB colour with components in 0..=1.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Srgb(pub [f32; 3]);

impl Srgb {
    pub fn to_linear(self) -> [f32; 3] {
        self.0.map(srgb_to_linear)
    }
}

pub fn srgb_to_linear(c: f32) -> f32 {
    if c <= 0.04045 {
        c / 12.92
    } else {
        ((c + 0.055) / 1.055).powf(2.4)
    }
}

/// Parse `"#rrggbb"`.
pub fn parse_color(text: &str) -> Result<Srgb, String> {
    let hex = text
        .strip_prefix('#')
        .filter(|h| h.len() == 6 && h.chars().all(|c| c.is_ascii_hexdigit()))
        .ok_or_else(|| format!("{text:?} is not a colour: write \"#rrggbb\""))?;
    let byte =
        |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).expect("checked hex") as f32 / 255.0;
    Ok(Srgb([byte(0), byte(2), byte(4)]))
}

/// Pigment shades as placed, darkest to lightest plus warm and cool options.
/// SMP pigments are carbon blacks diluted to a grey; values are the fresh ink's
/// appearance on the skin surface, sRGB.
pub fn pigment_palette() -> &'static [(&'static str, &'static str)] {
    &[
        ("soft-black", "#242326"),
        ("dark", "#2e2d31"),
        ("medium", "#3d3c40"),
        ("light", "#525156"),
        ("extra-light", "#69686d"),
        ("warm-dark", "#35302d"),
        ("cool-dark", "#2b2e34"),
    ]
}

/// A session's shade: a palette name or `"#rrggbb"`.
pub fn pigment_srgb(shade: &str) -> Result<Srgb, String> {
    match pigment_palette().iter().find(|(n, _)| *n == shade) {
        Some((_, hex)) => parse_color(hex),
        None => parse_color(shade),
    }
}

/// Fitzpatrick I-VI skin presets (sRGB albedo of scalp skin), or `"#rrggbb"`.
/// Skin is red with haemoglobin, not orange: in linear RGB its green is about
/// 1.4 times its blue, as on the ColorChecker's "light skin" (1.37) and "dark
/// skin" (1.45) patches, and its red about twice its green on darker skin.
pub fn skin_tone_srgb(tone: &str) -> Result<Srgb, String> {
    const PRESETS: [(&str, &str); 6] = [
        ("fitzpatrick-1", "#e9c4b0"),
        ("fitzpatrick-2", "#e6bca2"),
        ("fitzpatrick-3", "#cf9f87"),
        ("fitzpatrick-4", "#ad7a66"),
        ("fitzpatrick-5", "#755243"),
        ("fitzpatrick-6", "#4b3025"),
    ];
    match PRESETS.iter().find(|(n, _)| *n == tone) {
        Some((_, hex)) => parse_color(hex),
        None => parse_color(tone).map_err(|_| {
            format!("{tone:?} is not a skin tone: use \"fitzpatrick-1\" … \"fitzpatrick-6\" or \"#rrggbb\"")
        }),
    }
}
