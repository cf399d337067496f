//! The consultation document: an A4 or Letter PDF (krilla) the client takes home and
//! the practitioner files. Vector text in an embedded open-licence font
//! (Ubuntu Light, Ubuntu Font Licence, as egui ships it), so it can be
//! selected and searched; pictures embedded as JPEG at print resolution.
//!
//! Page 1: the plan's name, the consultation, before and after from the
//! front and three-quarter, the session table. Page 2: before and after from
//! the side and the top, and the healing strip (the hairline close up on
//! the day, at two weeks, two months and five years).

use crate::files::{self, Inputs};
use crate::loading::Loaded;
use crate::output::views::Prepared;
use crate::plan::{TreatmentPlan, ViewName, pigment_srgb};
use crate::stats::Stats;
use anyhow::{Context, Result, anyhow};
use krilla::Document;
use krilla::color::rgb;
use krilla::geom::{PathBuilder, Point, Rect, Size, Transform};
use krilla::image::Image;
use krilla::page::PageSettings;
use krilla::paint::Fill;
use krilla::surface::Surface;
use krilla::text::{Font, TextDirection};
use std::path::Path;
use std::sync::Arc;

const MARGIN: f32 = 42.0;
/// Pictures at 1280×720: 250 pt wide is about 370 dpi.
const PICTURE_PX: (u32, u32) = (1280, 720);
const JPEG_QUALITY: u8 = 88;

struct Pen<'a, 'b> {
    surface: &'a mut Surface<'b>,
    font: Font,
    /// The page's width and height, points.
    page: (f32, f32),
}

impl Pen<'_, '_> {
    fn fill(&mut self, (r, g, b): (u8, u8, u8)) {
        self.surface.set_fill(Some(Fill {
            paint: rgb::Color::new(r, g, b).into(),
            ..Default::default()
        }));
    }

    fn text(&mut self, x: f32, y: f32, size: f32, text: &str) {
        self.surface.draw_text(
            Point::from_xy(x, y),
            self.font.clone(),
            size,
            text,
            false,
            TextDirection::Auto,
        );
    }

    fn rect(&mut self, x: f32, y: f32, w: f32, h: f32, color: (u8, u8, u8)) {
        let mut pb = PathBuilder::new();
        if let Some(r) = Rect::from_xywh(x, y, w, h) {
            pb.push_rect(r);
        }
        if let Some(path) = pb.finish() {
            self.fill(color);
            self.surface.draw_path(&path);
        }
    }

    fn picture(&mut self, x: f32, y: f32, w: f32, image: &image::RgbaImage) -> Result<f32> {
        let h = w * image.height() as f32 / image.width() as f32;
        let rgb = image::DynamicImage::ImageRgba8(image.clone()).to_rgb8();
        let mut jpeg = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, JPEG_QUALITY)
            .encode_image(&rgb)
            .context("encoding a picture")?;
        let img = Image::from_jpeg(jpeg.into(), true).map_err(|e| anyhow!("a picture: {e}"))?;
        self.surface
            .push_transform(&Transform::from_translate(x, y));
        self.surface
            .draw_image(img, Size::from_wh(w, h).expect("positive"));
        self.surface.pop();
        Ok(h)
    }
}

/// Render the document for `loaded` into `path`.
pub fn write(
    prepared: &mut Prepared,
    loaded: &Loaded,
    stats: &Stats,
    path: &Path,
    inputs: &Inputs,
) -> Result<()> {
    let plan = &loaded.plan;
    let (w, h) = PICTURE_PX;
    let views = [
        ViewName::Front,
        ViewName::ThreeQuarter,
        ViewName::Left,
        ViewName::Top,
    ];
    let mut render = |p: &TreatmentPlan, views: &[ViewName]| -> Result<Vec<image::RgbaImage>> {
        prepared.scene.restyle(p, &loaded.head);
        Ok(prepared
            .render_views(views, w, h)?
            .into_iter()
            .map(|(_, i)| i)
            .collect())
    };
    let before = render(&plan.shown_at(Some(0), 0.0), &views)?;
    let after = render(plan, &views)?;
    let n = plan.sessions.len() as u32;
    let healing = [
        ("on the day", 0.0),
        ("2 weeks", 14.0),
        ("2 months", 60.0),
        ("5 years", 1825.0),
    ];
    let mut strip = Vec::new();
    for (label, days) in healing {
        prepared
            .scene
            .restyle(&plan.shown_at(Some(n), days), &loaded.head);
        strip.push((label, prepared.render_hairline_closeup(800, 600)?));
    }
    prepared.scene.restyle(plan, &loaded.head);

    let font = Font::new(Arc::new(super::text::TYPEFACE.to_vec()).into(), 0)
        .context("the embedded font")?;
    let size = plan.consultation.paper.size_pt();
    let settings = || PageSettings::from_wh(size.0, size.1).expect("a paper size");
    let mut doc = Document::new();
    {
        let mut page = doc.start_page_with(settings());
        let mut surface = page.surface();
        let mut pen = Pen {
            surface: &mut surface,
            font: font.clone(),
            page: size,
        };
        first_page(&mut pen, plan, stats, &before[..2], &after[..2])?;
        surface.finish();
        page.finish();
    }
    {
        let mut page = doc.start_page_with(settings());
        let mut surface = page.surface();
        let mut pen = Pen {
            surface: &mut surface,
            font,
            page: size,
        };
        second_page(&mut pen, plan, &before[2..], &after[2..], &strip)?;
        surface.finish();
        page.finish();
    }
    let bytes = doc
        .finish()
        .map_err(|e| anyhow!("the PDF could not be made: {e:?}"))?;
    files::write_bytes(path, inputs, &bytes)?;
    Ok(())
}

const INK: (u8, u8, u8) = (30, 33, 38);
const DIM: (u8, u8, u8) = (105, 110, 120);

fn before_after(
    pen: &mut Pen,
    y: f32,
    labels: &[&str],
    before: &[image::RgbaImage],
    after: &[image::RgbaImage],
) -> Result<f32> {
    let col = (pen.page.0 - 2.0 * MARGIN - 12.0) / 2.0;
    pen.fill(DIM);
    pen.text(MARGIN, y, 10.0, "before");
    pen.text(MARGIN + col + 12.0, y, 10.0, "after");
    let mut y = y + 6.0;
    for (i, label) in labels.iter().enumerate() {
        let h = pen.picture(MARGIN, y, col, &before[i])?;
        pen.picture(MARGIN + col + 12.0, y, col, &after[i])?;
        pen.fill((235, 237, 240));
        pen.text(MARGIN + 6.0, y + h - 6.0, 8.0, label);
        y += h + 8.0;
    }
    Ok(y)
}

fn first_page(
    pen: &mut Pen,
    plan: &TreatmentPlan,
    stats: &Stats,
    before: &[image::RgbaImage],
    after: &[image::RgbaImage],
) -> Result<()> {
    pen.fill(INK);
    pen.text(MARGIN, 62.0, 20.0, &plan.name);
    pen.fill(DIM);
    pen.text(
        MARGIN,
        80.0,
        9.5,
        "Scalp micropigmentation: treatment plan and preview",
    );
    let mut y = 102.0;
    pen.fill(INK);
    for (label, value) in plan.consultation.fields() {
        // Notes run long: wrapped to the page's width, at most six lines.
        let width = pen.page.0 - 2.0 * MARGIN - 80.0;
        for (k, shown) in super::text::wrap(9.5, width, value)
            .iter()
            .take(6)
            .enumerate()
        {
            let head = if k == 0 { label } else { "" };
            pen.fill(DIM);
            pen.text(MARGIN, y, 9.5, head);
            pen.fill(INK);
            pen.text(MARGIN + 80.0, y, 9.5, shown);
            y += 13.0;
        }
    }
    y = before_after(pen, y + 10.0, &["front", "three-quarter"], before, after)?;
    sessions_table(pen, plan, stats, y + 10.0);
    Ok(())
}

fn sessions_table(pen: &mut Pen, plan: &TreatmentPlan, stats: &Stats, y: f32) {
    let columns = [
        ("session", 0.0),
        ("day", 50.0),
        ("shade", 90.0),
        ("impression", 190.0),
        ("planned /cm²", 260.0),
        ("impressions", 340.0),
        ("minutes", 420.0),
    ];
    pen.fill(DIM);
    for (label, x) in columns {
        pen.text(MARGIN + x, y, 9.0, label);
    }
    let days = plan.session_days();
    let mut y = y + 15.0;
    for (i, s) in plan.sessions.iter().enumerate() {
        let st = stats.sessions.get(i);
        pen.fill(INK);
        pen.text(MARGIN, y, 9.5, &format!("{}", i + 1));
        pen.text(MARGIN + 50.0, y, 9.5, &format!("{:.0}", days[i]));
        if let Ok(c) = pigment_srgb(&s.shade) {
            let [r, g, b] = c.0.map(|v| (v.clamp(0.0, 1.0) * 255.0).round() as u8);
            pen.rect(MARGIN + 90.0, y - 8.0, 10.0, 10.0, (r, g, b));
        }
        pen.fill(INK);
        pen.text(MARGIN + 105.0, y, 9.5, &s.shade);
        pen.text(MARGIN + 190.0, y, 9.5, &format!("{:.2} mm", s.diameter_mm));
        let planned = s.share * plan.density.final_per_cm2;
        pen.text(MARGIN + 260.0, y, 9.5, &format!("{planned:.0}"));
        let (count, minutes) = st.map_or((0, 0.0), |x| (x.impressions, x.treatment_minutes));
        pen.text(MARGIN + 340.0, y, 9.5, &format!("{count}"));
        pen.text(MARGIN + 420.0, y, 9.5, &format!("{minutes:.0}"));
        y += 14.0;
    }
    let area = stats.sessions.first().map_or(0.0, |s| s.area_cm2);
    let minutes: f64 = stats.sessions.iter().map(|s| s.treatment_minutes).sum();
    pen.fill(DIM);
    pen.text(
        MARGIN,
        y + 6.0,
        9.0,
        &format!(
            "treated area {area:.0} cm², {} impressions in all, about {:.1} hours of work; shown: {:.0} days after session {}",
            stats.impressions,
            minutes / 60.0,
            stats.days,
            stats.session_shown
        ),
    );
}

fn second_page(
    pen: &mut Pen,
    plan: &TreatmentPlan,
    before: &[image::RgbaImage],
    after: &[image::RgbaImage],
    strip: &[(&str, image::RgbaImage)],
) -> Result<()> {
    pen.fill(INK);
    pen.text(MARGIN, 62.0, 14.0, &plan.name);
    let y = before_after(pen, 90.0, &["side", "top"], before, after)?;
    pen.fill(INK);
    pen.text(
        MARGIN,
        y + 16.0,
        12.0,
        "Healing: the hairline after the last session",
    );
    let w = (pen.page.0 - 2.0 * MARGIN - 3.0 * 8.0) / 4.0;
    for (i, (label, img)) in strip.iter().enumerate() {
        let x = MARGIN + i as f32 * (w + 8.0);
        let h = pen.picture(x, y + 24.0, w, img)?;
        pen.fill(DIM);
        pen.text(x, y + 24.0 + h + 12.0, 9.0, label);
    }
    Ok(())
}
