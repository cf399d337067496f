//! Screenshots: where they go and how they are written (atomically, never
//! over an existing file unless asked for by name).

use anyhow::Result;
use image::RgbaImage;
use std::path::{Path, PathBuf};

/// The first `screenshot-NNN.png` in `dir` that does not exist yet.
pub fn next_path(dir: &Path) -> PathBuf {
    next_numbered(dir, "screenshot", "png")
}

/// The first `STEM-NNN.EXT` in `dir` that does not exist yet: what the
/// viewer writes by itself never takes a name already there.
pub fn next_numbered(dir: &Path, stem: &str, ext: &str) -> PathBuf {
    (1..)
        .map(|n| dir.join(format!("{stem}-{n:03}.{ext}")))
        .find(|p| !p.exists())
        .expect("some number is free")
}

/// Write `img` to `path` (temp file in the same folder, then rename),
/// creating the folder; never over one of `inputs`.
pub fn save(img: &RgbaImage, path: &Path, inputs: &crate::files::Inputs) -> Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        crate::files::create_folder(dir)?;
    }
    crate::output::views::save_png(img, path, inputs)
}

/// The picture the viewports show, without the UI: one viewport as is, or
/// the compare layout with its labels (as `render --compare` writes it).
pub fn picture(width: u32, height: u32, tiles: Vec<(String, RgbaImage)>) -> RgbaImage {
    if tiles.len() == 1 {
        return tiles.into_iter().next().expect("one").1;
    }
    crate::output::compare::compose(width, height, &tiles)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_never_overwrite() {
        let dir = std::env::temp_dir().join(format!("smp-shots-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let img = RgbaImage::from_pixel(4, 4, image::Rgba([1, 2, 3, 255]));
        let a = next_path(&dir);
        save(&img, &a, &Default::default()).unwrap();
        let b = next_path(&dir);
        assert_ne!(a, b);
        assert!(a.ends_with("screenshot-001.png") && b.ends_with("screenshot-002.png"));
        // No temp file is left behind.
        let names: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names.len(), 1, "{names:?}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
