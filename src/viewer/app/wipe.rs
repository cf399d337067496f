//! Before | after in one picture: two viewports over the whole window, the
//! same camera, "before" (session 0) left of a divider the practitioner
//! drags, "after" (the plan as shown) right of it; both turn together.
//! Also the consultation PDF the panel or P writes (`document`).

use super::App;
use crate::output::compare::{self, Tile};
use crate::viewer::document::DocumentJob;
use image::RgbaImage;

/// The divider at `wipe` (0-1 of the width) in a window `width` px wide.
pub(super) fn divider_at(wipe: Option<f32>, width: u32) -> Option<u32> {
    wipe.map(|f| (f.clamp(0.0, 1.0) * width as f32).round() as u32)
}

impl App {
    /// The viewports' tiles for `n` scenes in a `w`×`h` window: side by
    /// side, or all over the window for the wipe.
    pub(super) fn layout(&self, n: usize, w: u32, h: u32) -> Vec<Tile> {
        let (w, h) = (w.max(1), h.max(1));
        if self.wipe.is_some() && n == 2 {
            let full = Tile {
                x: 0,
                y: 0,
                width: w,
                height: h,
            };
            return vec![full; 2];
        }
        compare::layout(n, w, h)
    }

    pub(super) fn toggle_wipe(&mut self, on: bool) {
        self.wipe = on.then_some(self.wipe.unwrap_or(0.5));
        if on {
            self.compare = false;
        }
        if let Err(e) = self.sync_scenes() {
            self.set_status(format!("{e:#}"), true);
        }
    }

    /// The divider's position, window pixels from the left.
    pub(super) fn divider_px(&self, width: u32) -> Option<u32> {
        divider_at(self.wipe, width)
    }

    /// The divider, its handle and the two labels, in points.
    pub(super) fn draw_divider(&self, painter: &egui::Painter, ppp: f32, size: (u32, u32)) {
        let Some(x_px) = self.divider_px(size.0) else {
            return;
        };
        let x = x_px as f32 / ppp;
        let h = size.1 as f32 / ppp;
        let line = egui::Stroke::new(2.0, egui::Color32::from_rgb(240, 242, 245));
        painter.line_segment([egui::pos2(x, 0.0), egui::pos2(x, h)], line);
        let handle = egui::pos2(x, h * 0.5);
        painter.circle_filled(handle, 11.0, egui::Color32::from_rgb(240, 242, 245));
        for dir in [-1.0f32, 1.0] {
            let tip = handle + egui::vec2(7.0 * dir, 0.0);
            let back = handle + egui::vec2(2.0 * dir, 0.0);
            let stroke = egui::Stroke::new(2.0, egui::Color32::from_rgb(40, 44, 52));
            painter.line_segment([back + egui::vec2(0.0, -4.0), tip], stroke);
            painter.line_segment([back + egui::vec2(0.0, 4.0), tip], stroke);
        }
        let font = egui::FontId::proportional(20.0);
        let label = |text: &str, right_of: bool| {
            let galley = painter.layout_no_wrap(
                text.to_string(),
                font.clone(),
                egui::Color32::from_rgb(236, 238, 242),
            );
            let pos = if right_of {
                egui::pos2(x + 14.0, 14.0)
            } else {
                egui::pos2(x - 14.0 - galley.size().x, 14.0)
            };
            let bg = egui::Rect::from_min_size(pos, galley.size()).expand(5.0);
            painter.rect_filled(bg, 4.0, egui::Color32::from_black_alpha(150));
            painter.galley(pos, galley, egui::Color32::WHITE);
        };
        label("before", false);
        label("after", true);
    }

    /// The wipe's picture from the two viewports' renders: before's columns
    /// left of the divider, after's from it on.
    pub(super) fn wipe_picture(&self, before: RgbaImage, after: &RgbaImage) -> RgbaImage {
        let mut out = before;
        let split = self.divider_px(out.width()).unwrap_or(0);
        for (x, y, p) in out.enumerate_pixels_mut() {
            if x >= split
                && let Some(a) = after.get_pixel_checked(x, y)
            {
                *p = *a;
            }
        }
        out
    }

    /// Start writing the consultation PDF of the plan as it is now.
    pub(super) fn start_document(&mut self) {
        if let Some(job) = &self.document {
            let msg = format!("already writing {}", job.path.display());
            self.set_status(msg, false);
            return;
        }
        let issues = self.plan.validate();
        if let Some(issue) = issues.first() {
            self.set_status(format!("no PDF: {issue}"), true);
            return;
        }
        let job = DocumentJob::start(
            &self.plan,
            &self.head,
            self.plan_path.clone(),
            &self.opts.out,
            self.inputs(),
        );
        match job {
            Ok(job) => {
                let msg = format!("writing {}…", job.path.display());
                self.document = Some(job);
                self.set_status(msg, false);
            }
            Err(e) => self.set_status(format!("no PDF: {e:#}"), true),
        }
    }

    /// Say so once the document is written.
    pub(super) fn poll_document(&mut self) {
        let Some(result) = self.document.as_ref().and_then(|j| j.poll()) else {
            return;
        };
        let job = self.document.take().expect("polled");
        match result {
            Ok(()) => self.set_status(format!("wrote {}", job.path.display()), false),
            Err(e) => self.set_status(format!("no PDF: {e:#}"), true),
        }
    }

    /// Closing: a document being written is finished first, not lost.
    pub(super) fn finish_document(&mut self) {
        if let Some(job) = self.document.take() {
            println!("viewer: finishing {}", job.path.display());
            let path = job.path.clone();
            match job.wait() {
                Ok(()) => println!("viewer: wrote {}", path.display()),
                Err(e) => eprintln!("viewer: no PDF: {e:#}"),
            }
        }
    }
}
