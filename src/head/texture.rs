//! A scan's colour texture (PNG or JPEG), read by the file policy (a
//! regular file, bounded) and decoded within limits, so a hostile image
//! cannot exhaust memory.

use std::path::Path;
use std::sync::Arc;

use image::RgbaImage;

use super::HeadError;

/// Largest texture side read, px (phone scans write 2k-8k).
pub const MAX_SIDE_PX: u32 = 16_384;
/// Largest texture file read.
pub const MAX_BYTES: u64 = 512 << 20;

/// Decodes `bytes`; `what` names the texture in errors ("scan.mtl: map_Kd skin.png").
pub fn decode(bytes: &[u8], what: &str) -> Result<Arc<RgbaImage>, HeadError> {
    let fail = |message: String| HeadError::Texture {
        texture: what.to_string(),
        message,
    };
    let mut reader = image::ImageReader::new(std::io::Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| fail(e.to_string()))?;
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(MAX_SIDE_PX);
    limits.max_image_height = Some(MAX_SIDE_PX);
    limits.max_alloc = Some(2 << 30);
    reader.limits(limits);
    if reader.format().is_none() {
        return Err(fail("not an image (PNG or JPEG)".into()));
    }
    let image = reader
        .decode()
        .map_err(|e| fail(format!("not a readable image: {e}")))?;
    Ok(Arc::new(image.to_rgba8()))
}

/// Reads and decodes the texture file at `path`.
pub fn read(path: &Path, what: &str) -> Result<Arc<RgbaImage>, HeadError> {
    let bytes =
        crate::files::read_regular(path, MAX_BYTES, "texture").map_err(|e| HeadError::Texture {
            texture: what.to_string(),
            message: e.to_string(),
        })?;
    decode(&bytes, what)
}

/// Linear 0-1 to sRGB 8-bit (glTF vertex colours are linear).
pub fn linear_to_srgb8(c: f32) -> u8 {
    let c = c.clamp(0.0, 1.0);
    let s = if c <= 0.003_130_8 {
        12.92 * c
    } else {
        1.055 * c.powf(1.0 / 2.4) - 0.055
    };
    (s * 255.0).round() as u8
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn not_an_image_is_an_error_naming_it() {
        let err = decode(b"hello, this is text", "scan.mtl: map_Kd face.png")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("map_Kd face.png") && err.contains("not an image"),
            "{err}"
        );
    }

    #[test]
    fn a_png_decodes() {
        let mut png = Vec::new();
        RgbaImage::from_pixel(4, 2, image::Rgba([200, 150, 120, 255]))
            .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
            .unwrap();
        let t = decode(&png, "t.png").unwrap();
        assert_eq!((t.width(), t.height()), (4, 2));
        assert_eq!(linear_to_srgb8(1.0), 255);
        assert_eq!(linear_to_srgb8(0.2158), 128);
    }
}
