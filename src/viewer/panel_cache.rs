//! The plan panel, drawn once and copied into every frame until it changes.
//!
//! egui draws with alpha blending and a filtered texture lookup per pixel: on
//! a CPU rasteriser the 300x420 panel cost about 12 ms of every frame, a
//! third of a frame while the head turns, though it changes only when the
//! practitioner touches it. The panel is opaque (square corners, opaque
//! fill), so its pixels can be drawn into a texture of their own when they
//! change and copied opaquely (`Blit`) otherwise; everything else egui draws
//! (popups, hints, labels, overlays) is drawn live over it, as before.

use super::blit::{Blit, BlitSource};
use super::gfx;
use crate::output::compare::Tile;
use std::hash::{Hash, Hasher};

/// Pixel rectangle: x, y, width, height.
pub type PixelRect = [u32; 4];

pub struct PanelCache {
    /// A renderer of its own: egui's buffers hold one primitive list at a time.
    egui: egui_wgpu::Renderer,
    texture: wgpu::Texture,
    source: BlitSource,
    /// What the texture holds, by the hash of its primitives and screen.
    key: Option<u64>,
}

impl PanelCache {
    pub fn new(device: &wgpu::Device, format: wgpu::TextureFormat, blit: &Blit) -> PanelCache {
        let egui = egui_wgpu::Renderer::new(
            device,
            format,
            egui_wgpu::RendererOptions {
                msaa_samples: 1,
                depth_stencil_format: None,
                dithering: false,
                predictable_texture_filtering: false,
            },
        );
        let (texture, source) = target(device, format, blit, (1, 1));
        PanelCache {
            egui,
            texture,
            source,
            key: None,
        }
    }

    /// egui's texture changes (the font atlas), as for the live renderer.
    pub fn update_textures(
        &mut self,
        device: &wgpu::Device,
        queue: &wgpu::Queue,
        textures: &egui::TexturesDelta,
    ) {
        gfx::update_textures(&mut self.egui, device, queue, textures);
    }

    pub fn free_textures(&mut self, textures: &egui::TexturesDelta) {
        gfx::free_textures(&mut self.egui, textures);
    }

    /// Draw `panel` into the cache if it differs from what the cache holds.
    #[allow(clippy::too_many_arguments)]
    pub fn update(
        &mut self,
        device: &wgpu::Device,
        queue: &wgpu::Queue,
        encoder: &mut wgpu::CommandEncoder,
        blit: &Blit,
        panel: &[egui::ClippedPrimitive],
        screen: &egui_wgpu::ScreenDescriptor,
        textures_changed: bool,
    ) -> Vec<wgpu::CommandBuffer> {
        let key = key(panel, screen);
        if self.key == Some(key) && !textures_changed {
            return Vec::new();
        }
        let size = (screen.size_in_pixels[0], screen.size_in_pixels[1]);
        if (self.texture.width(), self.texture.height()) != size {
            (self.texture, self.source) = target(device, self.texture.format(), blit, size);
        }
        let extra = self
            .egui
            .update_buffers(device, queue, encoder, panel, screen);
        let view = self.texture.create_view(&Default::default());
        let mut pass = gfx::clear_pass(encoder, "panel cache", &view, wgpu::Color::TRANSPARENT);
        self.egui.render(&mut pass, panel, screen);
        self.key = Some(key);
        extra
    }

    /// Copy the panel's pixels (`rect`) into the pass's target.
    pub fn draw(&self, pass: &mut wgpu::RenderPass, blit: &Blit, rect: PixelRect) {
        let (w, h) = (self.texture.width(), self.texture.height());
        let [x, y, rw, rh] = clamp(rect, w, h);
        if rw == 0 || rh == 0 {
            return;
        }
        pass.set_scissor_rect(x, y, rw, rh);
        let whole = Tile {
            x: 0,
            y: 0,
            width: w,
            height: h,
        };
        blit.draw(pass, &self.source, &whole);
        pass.set_scissor_rect(0, 0, w, h);
    }
}

/// The window-sized texture the panel is drawn into, and its copy source.
fn target(
    device: &wgpu::Device,
    format: wgpu::TextureFormat,
    blit: &Blit,
    size: (u32, u32),
) -> (wgpu::Texture, BlitSource) {
    let texture = device.create_texture(&wgpu::TextureDescriptor {
        label: Some("panel cache"),
        size: wgpu::Extent3d {
            width: size.0,
            height: size.1,
            depth_or_array_layers: 1,
        },
        mip_level_count: 1,
        sample_count: 1,
        dimension: wgpu::TextureDimension::D2,
        format,
        usage: wgpu::TextureUsages::RENDER_ATTACHMENT | wgpu::TextureUsages::TEXTURE_BINDING,
        view_formats: &[],
    });
    let source = blit.source(
        device,
        &texture.create_view(&Default::default()),
        size,
        size,
    );
    (texture, source)
}

fn clamp(r: PixelRect, w: u32, h: u32) -> PixelRect {
    let x = r[0].min(w);
    let y = r[1].min(h);
    [x, y, r[2].min(w - x), r[3].min(h - y)]
}

/// The panel's whole pixels from its rectangle in points (rounded inward:
/// a pixel it only partly covers is its anti-aliased fringe, transparent in
/// the cache).
pub fn pixel_rect(rect: egui::Rect, pixels_per_point: f32) -> PixelRect {
    let x0 = (rect.min.x * pixels_per_point).ceil().max(0.0) as u32;
    let y0 = (rect.min.y * pixels_per_point).ceil().max(0.0) as u32;
    let x1 = (rect.max.x * pixels_per_point).floor().max(0.0) as u32;
    let y1 = (rect.max.y * pixels_per_point).floor().max(0.0) as u32;
    [x0, y0, x1.saturating_sub(x0), y1.saturating_sub(y0)]
}

/// Split egui's primitives into what lies inside `rect` (points: the panel
/// and what it contains) and the rest, keeping their order. egui merges
/// shapes of a layer into one mesh (the panel's frame shares one with a hint
/// at the other end of the window), so the split is by triangle; a triangle
/// counts where its visible part, inside its clip rectangle, lies. The cache
/// is drawn first: from the first triangle drawn live over the panel's area
/// on (a popup reaching out of it), everything is drawn live, in order.
pub fn split(
    primitives: &[egui::ClippedPrimitive],
    rect: egui::Rect,
) -> (Vec<egui::ClippedPrimitive>, Vec<egui::ClippedPrimitive>) {
    // egui's anti-aliasing feathers an edge a pixel outward.
    let panel = rect.expand(2.0);
    let (mut inside, mut live) = (Vec::new(), Vec::new());
    let mut spilled = false;
    for p in primitives {
        let egui::epaint::Primitive::Mesh(mesh) = &p.primitive else {
            live.push(p.clone());
            continue;
        };
        let (mut a, mut b) = (empty_like(mesh), empty_like(mesh));
        for tri in mesh.indices.chunks_exact(3) {
            let bounds = egui::Rect::from_points(
                &[tri[0], tri[1], tri[2]].map(|i| mesh.vertices[i as usize].pos),
            );
            let seen = bounds.intersect(p.clip_rect);
            let cached = !spilled && panel.contains_rect(seen);
            spilled |= !cached && seen.intersects(panel);
            let part = if cached { &mut a } else { &mut b };
            for &i in tri {
                part.indices.push(part.vertices.len() as u32);
                part.vertices.push(mesh.vertices[i as usize]);
            }
        }
        for (part, out) in [(a, &mut inside), (b, &mut live)] {
            if !part.indices.is_empty() {
                out.push(egui::ClippedPrimitive {
                    clip_rect: p.clip_rect,
                    primitive: egui::epaint::Primitive::Mesh(part),
                });
            }
        }
    }
    (inside, live)
}

fn empty_like(mesh: &egui::Mesh) -> egui::Mesh {
    egui::Mesh::with_texture(mesh.texture_id)
}

/// A hash of what drawing `primitives` on `screen` produces.
fn key(primitives: &[egui::ClippedPrimitive], screen: &egui_wgpu::ScreenDescriptor) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    screen.size_in_pixels.hash(&mut h);
    screen.pixels_per_point.to_bits().hash(&mut h);
    for p in primitives {
        for f in [p.clip_rect.min, p.clip_rect.max] {
            (f.x.to_bits(), f.y.to_bits()).hash(&mut h);
        }
        if let egui::epaint::Primitive::Mesh(m) = &p.primitive {
            m.texture_id.hash(&mut h);
            m.indices.hash(&mut h);
            for v in &m.vertices {
                (v.pos.x.to_bits(), v.pos.y.to_bits()).hash(&mut h);
                (v.uv.x.to_bits(), v.uv.y.to_bits()).hash(&mut h);
                v.color.to_array().hash(&mut h);
            }
        }
    }
    h.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn quad(min: (f32, f32), max: (f32, f32)) -> egui::ClippedPrimitive {
        let mut mesh = egui::Mesh::default();
        mesh.add_colored_rect(
            egui::Rect::from_min_max(min.into(), max.into()),
            egui::Color32::WHITE,
        );
        egui::ClippedPrimitive {
            clip_rect: egui::Rect::EVERYTHING,
            primitive: egui::epaint::Primitive::Mesh(mesh),
        }
    }

    #[test]
    fn split_keeps_what_lies_inside_the_panel() {
        let panel = egui::Rect::from_min_max((900.0, 10.0).into(), (1270.0, 430.0).into());
        let prims = [
            quad((0.0, 690.0), (100.0, 710.0)),    // a hint, bottom left
            quad((900.0, 10.0), (1270.0, 430.0)),  // the panel's frame
            quad((950.0, 50.0), (1000.0, 60.0)),   // a label in it
            quad((950.0, 400.0), (1100.0, 600.0)), // a popup reaching out of it
        ];
        let (inside, live) = split(&prims, panel);
        assert_eq!(inside.len(), 2);
        assert_eq!(live.len(), 2);
        assert_eq!(live[0].clip_rect, prims[0].clip_rect);
        // One mesh holding a hint far away and the panel's frame, and
        // content that reaches below the panel but is clipped to it.
        let mut merged = quad((0.0, 690.0), (100.0, 710.0));
        let egui::epaint::Primitive::Mesh(m) = &mut merged.primitive else {
            unreachable!()
        };
        m.add_colored_rect(
            egui::Rect::from_min_max((900.0, 10.0).into(), (1270.0, 430.0).into()),
            egui::Color32::GRAY,
        );
        let mut scrolled = quad((950.0, 60.0), (1200.0, 900.0));
        scrolled.clip_rect = egui::Rect::from_min_max((900.0, 50.0).into(), (1270.0, 420.0).into());
        let (inside, live) = split(&[merged, scrolled], panel);
        let triangles = |v: &[egui::ClippedPrimitive]| -> usize {
            v.iter()
                .map(|p| match &p.primitive {
                    egui::epaint::Primitive::Mesh(m) => m.indices.len() / 3,
                    _ => 0,
                })
                .sum()
        };
        assert_eq!((triangles(&inside), triangles(&live)), (4, 2));
        // A popup reaching out of the panel, then its text inside the panel:
        // the text stays above the popup, so both are drawn live.
        let popup = quad((950.0, 300.0), (1100.0, 600.0));
        let text = quad((960.0, 310.0), (1000.0, 320.0));
        let frame = quad((900.0, 10.0), (1270.0, 430.0));
        let (inside, live) = split(&[frame, popup, text], panel);
        assert_eq!((triangles(&inside), triangles(&live)), (2, 4));
        let screen = egui_wgpu::ScreenDescriptor {
            size_in_pixels: [1280, 720],
            pixels_per_point: 1.0,
        };
        assert_eq!(key(&inside, &screen), key(&inside.clone(), &screen));
        assert_ne!(key(&inside, &screen), key(&prims, &screen));
    }

    #[test]
    fn pixel_rect_rounds_inward() {
        let r = egui::Rect::from_min_max((10.4, 5.6).into(), (20.2, 30.0).into());
        assert_eq!(pixel_rect(r, 1.0), [11, 6, 9, 24]);
        assert_eq!(pixel_rect(r, 2.0), [21, 12, 19, 48]);
    }
}
