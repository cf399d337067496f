//! Headless rendering: one PNG per view, the consultation sheet, statistics.

use crate::camera::Camera;
use crate::files::{self, Inputs};
use crate::gpu::renderer::HEADLESS_FORMAT;
use crate::gpu::{Gpu, Renderer, Scene, readback};
use crate::head::HeadMesh;
use crate::loading::Loaded;
use crate::plan::{TreatmentPlan, ViewName};
use crate::stats::{self, ImpressionRecord, Stats};
use anyhow::{Context, Result, bail};
use image::RgbaImage;
use std::path::{Path, PathBuf};

pub struct RenderOptions {
    pub views: Vec<ViewName>,
    pub width: u32,
    pub height: u32,
    pub out_dir: PathBuf,
    pub sheet: bool,
}

pub struct Rendered {
    pub files: Vec<PathBuf>,
    pub stats: Stats,
}

/// A GPU scene for a loaded plan, ready to draw from any camera.
pub struct Prepared {
    pub gpu: Gpu,
    pub renderer: Renderer,
    pub scene: Scene,
}

impl Prepared {
    pub fn new(loaded: &Loaded) -> Result<Prepared> {
        let gpu = Gpu::new()?;
        let renderer = Renderer::new(&gpu, HEADLESS_FORMAT);
        let scene = Scene::new(&gpu, &renderer.generator, &loaded.plan, &loaded.head)?;
        Ok(Prepared {
            gpu,
            renderer,
            scene,
        })
    }

    /// Place the impressions of a changed plan again on the same device
    /// (no new device, no new pipelines).
    pub fn rebuild(&mut self, plan: &crate::plan::TreatmentPlan, head: &HeadMesh) -> Result<()> {
        self.scene = Scene::new(&self.gpu, &self.renderer.generator, plan, head)?;
        Ok(())
    }

    /// The impressions, read back from the GPU.
    pub fn impressions(&self) -> Result<Vec<ImpressionRecord>> {
        read_impressions(&self.gpu, &self.scene)
    }

    pub fn stats(&self, loaded: &Loaded) -> Result<Stats> {
        scene_stats(&self.gpu, &self.scene, &loaded.plan, &loaded.head)
    }

    /// The scene through any camera at `width`×`height`.
    pub fn render_camera(&self, camera: &Camera, width: u32, height: u32) -> Result<RgbaImage> {
        let targets = self.renderer.targets(&self.gpu, width, height)?;
        Ok(self
            .renderer
            .render_image(&self.gpu, &self.scene, camera, &targets)?)
    }

    /// The close-up of the frontal hairline and left temple corner.
    pub fn render_hairline_closeup(&self, width: u32, height: u32) -> Result<RgbaImage> {
        let coverage = &self.scene.placement.coverage;
        let camera = Camera::hairline_closeup(
            coverage.frontal_point,
            coverage.center,
            width as f32 / height as f32,
        );
        self.render_camera(&camera, width, height)
    }

    /// Every view in `views` at `width`×`height`.
    pub fn render_views(
        &self,
        views: &[ViewName],
        width: u32,
        height: u32,
    ) -> Result<Vec<(ViewName, RgbaImage)>> {
        let targets = self.renderer.targets(&self.gpu, width, height)?;
        views
            .iter()
            .map(|v| {
                let camera = Camera::preset(*v, self.scene.bounds, width as f32 / height as f32);
                Ok((
                    *v,
                    self.renderer
                        .render_image(&self.gpu, &self.scene, &camera, &targets)?,
                ))
            })
            .collect()
    }
}

/// A scene's impressions, read back from the GPU.
fn read_impressions(gpu: &Gpu, scene: &Scene) -> Result<Vec<ImpressionRecord>> {
    let n = scene.impressions.count as u64;
    if n == 0 {
        return Ok(Vec::new());
    }
    let bytes = readback::read_buffer(gpu, &scene.impressions.buffer, 0, n * 24)?;
    Ok(bytemuck::pod_collect_to_vec(&bytes))
}

/// The statistics of one placed scene.
fn scene_stats(gpu: &Gpu, scene: &Scene, plan: &TreatmentPlan, head: &HeadMesh) -> Result<Stats> {
    let p = &scene.placement;
    let mut stats = stats::compute(
        plan,
        head,
        &p.coverage,
        p.treated_area_mm2,
        &read_impressions(gpu, scene)?,
        gpu.adapter_name(),
    );
    stats.hair_follicles = scene.hair.as_ref().map_or(0, |h| h.count as usize);
    stats.hair_area_cm2 = p.hair.area_mm2 / 100.0;
    stats.scar_marks = scene.scar_dots.as_ref().map_or(0, |d| d.count as usize);
    Ok(stats)
}

/// The files `render` writes into `opts.out_dir`, by name.
pub fn output_names(opts: &RenderOptions, compare: bool) -> Vec<String> {
    let mut names: Vec<String> = opts
        .views
        .iter()
        .map(|v| {
            if compare {
                format!("compare-{}.png", v.as_str())
            } else {
                format!("{}.png", v.as_str())
            }
        })
        .collect();
    if opts.sheet && !compare {
        names.push("sheet.png".into());
    }
    names
}

/// Render a plan's views into `opts.out_dir`, never over `inputs`.
pub fn render(loaded: &Loaded, opts: &RenderOptions, inputs: &Inputs) -> Result<Rendered> {
    files::create_folder(&opts.out_dir)?;
    let prepared = Prepared::new(loaded)?;
    let stats = prepared.stats(loaded)?;
    let images = prepared.render_views(&opts.views, opts.width, opts.height)?;
    let mut files = Vec::new();
    for (view, img) in &images {
        let path = opts.out_dir.join(format!("{}.png", view.as_str()));
        save_png(img, &path, inputs)?;
        files.push(path);
    }
    if opts.sheet {
        let named: Vec<_> = images
            .iter()
            .map(|(v, i)| (v.as_str().to_string(), i.clone()))
            .collect();
        let subtitle = sheet_subtitle(
            loaded,
            &stats,
            prepared.scene.placement.coverage.frontal_point,
        );
        let sheet = crate::output::sheet::compose(&loaded.plan.name, &subtitle, &named);
        let path = opts.out_dir.join("sheet.png");
        save_png(&sheet, &path, inputs)?;
        files.push(path);
    }
    Ok(Rendered { files, stats })
}

/// What `render --compare` wrote, and each variant's statistics.
pub struct Compared {
    pub files: Vec<PathBuf>,
    pub variants: Vec<(String, Stats)>,
}

/// `render --compare`: per view, the plan's variants side by side
/// (`compare-<view>.png`, `opts.width`×`opts.height` in all).
pub fn render_compare(loaded: &Loaded, opts: &RenderOptions, inputs: &Inputs) -> Result<Compared> {
    let variants = crate::output::compare::variant_plans(&loaded.plan);
    if variants.len() < 2 {
        bail!(
            "--compare: the plan has no [[variants]] to compare; add two to four (README: \"Plan format\")"
        );
    }
    files::create_folder(&opts.out_dir)?;
    let gpu = Gpu::new()?;
    let renderer = Renderer::new(&gpu, HEADLESS_FORMAT);
    let scenes = variants
        .iter()
        .map(|(name, plan)| {
            Scene::new(&gpu, &renderer.generator, plan, &loaded.head)
                .with_context(|| format!("variant {name:?}"))
        })
        .collect::<Result<Vec<_>>>()?;
    let tiles = crate::output::compare::layout(scenes.len(), opts.width, opts.height);
    let mut files = Vec::new();
    for view in &opts.views {
        let mut images = Vec::new();
        for ((name, _), (scene, tile)) in variants.iter().zip(scenes.iter().zip(&tiles)) {
            let targets = renderer.targets(&gpu, tile.width, tile.height)?;
            let camera =
                Camera::preset(*view, scene.bounds, tile.width as f32 / tile.height as f32);
            images.push((
                name.clone(),
                renderer.render_image(&gpu, scene, &camera, &targets)?,
            ));
        }
        let img = crate::output::compare::compose(opts.width, opts.height, &images);
        let path = opts.out_dir.join(format!("compare-{}.png", view.as_str()));
        save_png(&img, &path, inputs)?;
        files.push(path);
    }
    let stats = variants
        .iter()
        .zip(&scenes)
        .map(|((name, plan), scene)| {
            Ok((name.clone(), scene_stats(&gpu, scene, plan, &loaded.head)?))
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(Compared {
        files,
        variants: stats,
    })
}

/// The sheet's line of figures; the hairline as a practitioner measures it,
/// its height above the glabella seen from the front.
fn sheet_subtitle(loaded: &Loaded, stats: &Stats, frontal_point: glam::Vec3) -> String {
    let p = &loaded.plan;
    let forehead_mm = frontal_point.y - loaded.head.landmarks.glabella.y;
    let shades: Vec<_> = p.sessions.iter().map(|s| s.shade.as_str()).collect();
    format!(
        "{} impressions, {:.0}/cm² planned, {} sessions ({}), hairline {:.0} mm above the glabella",
        stats.impressions,
        p.density.final_per_cm2,
        p.sessions.len(),
        shades.join(" / "),
        forehead_mm
    )
}

/// Write a PNG by the output policy (`files::write_atomic`): never over an
/// input, never half-written under its final name.
pub fn save_png(img: &RgbaImage, path: &Path, inputs: &Inputs) -> Result<()> {
    use image::ImageEncoder;
    files::write_atomic(path, inputs, |w| {
        image::codecs::png::PngEncoder::new(w)
            .write_image(
                img.as_raw(),
                img.width(),
                img.height(),
                image::ExtendedColorType::Rgba8,
            )
            .map_err(std::io::Error::other)
    })?;
    Ok(())
}
