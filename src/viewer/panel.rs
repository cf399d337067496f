//! The control panel (egui): edits the plan in place. The app compares the
//! plan before and after to decide what to redo (restyle or place again).

use crate::plan::{
    HairlinePreset, LightSpec, LightingPreset, MAX_VARIANTS, RegionPreset, TreatmentPlan,
    VariantSpec, limits, parse_color, pigment_palette,
};
use egui::{ComboBox, RichText, Slider, Ui};
use std::path::PathBuf;

/// Panel state that is not part of the plan.
#[derive(Default)]
pub struct PanelState {
    /// The plan file field: load from it, save to it.
    pub path_text: String,
    /// Put the keyboard focus on the path field next frame (Ctrl+O).
    pub focus_path: bool,
    /// Last message for the practitioner (saved, loaded, screenshot) and whether it is an error.
    pub status: Option<(String, bool)>,
    /// Time the last placement took, ms.
    pub placement_ms: Option<f32>,
    /// A slider that moves impressions is being dragged: they are placed
    /// again when it is let go.
    pub placement_deferred: bool,
    /// Impressions are being placed in the background.
    pub placing: bool,
}

/// What the panel asks the app to do (besides editing the plan).
#[derive(Debug, Default, PartialEq)]
pub struct PanelEvents {
    pub load: Option<PathBuf>,
    pub save: Option<PathBuf>,
    pub compare: Option<bool>,
    pub wipe: Option<bool>,
    /// Write the consultation PDF.
    pub document: bool,
}

pub struct PanelInfo<'a> {
    pub dirty: bool,
    pub compare: bool,
    pub wipe: bool,
    /// A consultation PDF is being written.
    pub document_busy: bool,
    pub plan_path: Option<&'a std::path::Path>,
    pub impressions: u32,
}

const HAIRLINES: [(HairlinePreset, &str); 4] = [
    (HairlinePreset::Straight, "straight"),
    (HairlinePreset::Rounded, "rounded"),
    (HairlinePreset::WidowsPeak, "widow's peak"),
    (HairlinePreset::Mature, "mature"),
];

const REGIONS: [(RegionPreset, &str); 9] = [
    (RegionPreset::Full, "full (no hair left)"),
    (RegionPreset::Frontal, "frontal"),
    (RegionPreset::Crown, "crown"),
    (RegionPreset::Norwood2, "Norwood 2"),
    (RegionPreset::Norwood3, "Norwood 3"),
    (RegionPreset::Norwood4, "Norwood 4"),
    (RegionPreset::Norwood5, "Norwood 5"),
    (RegionPreset::Norwood6, "Norwood 6"),
    (RegionPreset::Norwood7, "Norwood 7"),
];

const SKIN_TONES: [&str; 6] = [
    "fitzpatrick-1",
    "fitzpatrick-2",
    "fitzpatrick-3",
    "fitzpatrick-4",
    "fitzpatrick-5",
    "fitzpatrick-6",
];

fn range(r: (f32, f32)) -> std::ops::RangeInclusive<f32> {
    r.0..=r.1
}

/// "#rrggbb" ↔ bytes.
fn hex_bytes(text: &str) -> Option<[u8; 3]> {
    parse_color(text)
        .ok()
        .map(|c| c.0.map(|v| (v * 255.0).round() as u8))
}

fn bytes_hex(c: [u8; 3]) -> String {
    format!("#{:02x}{:02x}{:02x}", c[0], c[1], c[2])
}

/// A pigment: a palette name, or a custom colour.
fn shade_picker(ui: &mut Ui, id: impl std::hash::Hash + std::fmt::Debug, shade: &mut String) {
    ui.horizontal(|ui| {
        let custom = !pigment_palette().iter().any(|(n, _)| *n == shade.as_str());
        ComboBox::from_id_salt(id)
            .selected_text(if custom { "custom" } else { shade.as_str() })
            .show_ui(ui, |ui| {
                for (name, _) in pigment_palette() {
                    ui.selectable_value(shade, name.to_string(), *name);
                }
                if ui.selectable_label(custom, "custom").clicked() && !custom {
                    *shade = crate::plan::pigment_srgb(shade)
                        .map(|c| bytes_hex(c.0.map(|v| (v * 255.0).round() as u8)))
                        .unwrap_or_else(|_| "#303030".into());
                }
            });
        if let Some(mut c) = custom.then(|| hex_bytes(shade)).flatten()
            && ui.color_edit_button_srgb(&mut c).changed()
        {
            *shade = bytes_hex(c);
        }
    });
}

fn skin_picker(ui: &mut Ui, tone: &mut String) {
    ui.horizontal(|ui| {
        let custom = !SKIN_TONES.contains(&tone.as_str());
        ComboBox::from_id_salt("skin tone")
            .selected_text(if custom {
                "custom".to_string()
            } else {
                tone.replace("fitzpatrick-", "Fitzpatrick ")
            })
            .show_ui(ui, |ui| {
                for t in SKIN_TONES {
                    ui.selectable_value(
                        tone,
                        t.to_string(),
                        t.replace("fitzpatrick-", "Fitzpatrick "),
                    );
                }
                if ui.selectable_label(custom, "custom").clicked() && !custom {
                    *tone = crate::plan::skin_tone_srgb(tone)
                        .map(|c| bytes_hex(c.0.map(|v| (v * 255.0).round() as u8)))
                        .unwrap_or_else(|_| "#cf9f87".into());
                }
            });
        if let Some(mut c) = custom.then(|| hex_bytes(tone)).flatten()
            && ui.color_edit_button_srgb(&mut c).changed()
        {
            *tone = bytes_hex(c);
        }
    });
}

/// The key light's direction as (azimuth, elevation) in degrees, camera space.
fn key_angles(key: &LightSpec) -> (f32, f32) {
    let d = glam::Vec3::from(key.direction).normalize_or(glam::Vec3::Z);
    (
        d.x.atan2(d.z).to_degrees(),
        d.y.clamp(-1.0, 1.0).asin().to_degrees(),
    )
}

fn key_direction(azimuth_deg: f32, elevation_deg: f32) -> [f32; 3] {
    let (a, e) = (azimuth_deg.to_radians(), elevation_deg.to_radians());
    [a.sin() * e.cos(), e.sin(), a.cos() * e.cos()]
}

/// The whole panel. Edits `plan` in place.
pub fn show(
    ui: &mut Ui,
    state: &mut PanelState,
    plan: &mut TreatmentPlan,
    info: &PanelInfo,
) -> PanelEvents {
    let mut ev = PanelEvents::default();
    file_section(ui, state, info, &mut ev);
    ui.separator();
    /// The millimetre height offered when the proportions are switched off.
    const DEFAULT_FRONTAL_HEIGHT_MM: f32 = 75.0;
    egui::CollapsingHeader::new("Hairline")
        .default_open(true)
        .show(ui, |ui| {
            let h = &mut plan.hairline;
            ComboBox::from_label("preset")
                .selected_text(
                    HAIRLINES
                        .iter()
                        .find(|(p, _)| *p == h.preset)
                        .map_or("", |(_, n)| *n),
                )
                .show_ui(ui, |ui| {
                    for (p, name) in HAIRLINES {
                        ui.selectable_value(&mut h.preset, p, name);
                    }
                });
            // The height from the face's proportions, or in mm along the skin.
            let mut by_face = h.frontal_height_mm.is_none();
            if ui
                .checkbox(&mut by_face, "height from the face's proportions")
                .changed()
            {
                h.frontal_height_mm = (!by_face).then_some(DEFAULT_FRONTAL_HEIGHT_MM);
                h.forehead_fraction = None;
            }
            match &mut h.frontal_height_mm {
                Some(mm) => {
                    ui.add(
                        Slider::new(mm, range(limits::FRONTAL_HEIGHT_MM))
                            .text("height along the skin")
                            .suffix(" mm"),
                    );
                }
                None => {
                    let preset = crate::hairline::preset_shape(h.preset).forehead_fraction;
                    let mut f = h.forehead_fraction.unwrap_or(preset);
                    if ui
                        .add(
                            Slider::new(&mut f, range(limits::FOREHEAD_FRACTION))
                                .text("forehead / face"),
                        )
                        .changed()
                    {
                        h.forehead_fraction = Some(f);
                    }
                }
            }
            ui.add(
                Slider::new(&mut h.band_mm, range(limits::BAND_MM))
                    .text("band width")
                    .suffix(" mm"),
            );
            ui.add(
                Slider::new(&mut h.irregularity_mm, range(limits::IRREGULARITY_MM))
                    .text("irregularity")
                    .suffix(" mm"),
            );
        });
    if plan.head.mesh == crate::head::BUILTIN_SOURCE {
        head_section(ui, &mut plan.head.shape);
    }
    egui::CollapsingHeader::new("Treatment")
        .default_open(true)
        .show(ui, |ui| {
            let r = &mut plan.region;
            ComboBox::from_label("treated region")
                .selected_text(
                    REGIONS
                        .iter()
                        .find(|(p, _)| *p == r.preset)
                        .map_or("", |(_, n)| *n),
                )
                .show_ui(ui, |ui| {
                    for (p, name) in REGIONS {
                        ui.selectable_value(&mut r.preset, p, name);
                    }
                });
            ui.add(
                Slider::new(
                    &mut plan.density.final_per_cm2,
                    range(limits::FINAL_DENSITY_PER_CM2),
                )
                .text("density")
                .suffix(" /cm²"),
            );
            ui.label(RichText::new(format!("{} impressions placed", info.impressions)).weak());
            for (i, s) in plan.sessions.iter_mut().enumerate() {
                ui.label(format!("session {}", i + 1));
                ui.indent(("session", i), |ui| {
                    shade_picker(ui, ("shade", i), &mut s.shade);
                    ui.add(
                        Slider::new(&mut s.diameter_mm, range(limits::DIAMETER_MM))
                            .text("impression size")
                            .suffix(" mm"),
                    );
                });
            }
        });
    egui::CollapsingHeader::new("Skin and light")
        .default_open(true)
        .show(ui, |ui| {
            ui.horizontal(|ui| {
                ui.label("skin tone");
                skin_picker(ui, &mut plan.skin.tone);
            });
            let l = &mut plan.lights;
            ComboBox::from_label("lighting")
                .selected_text(match l.preset {
                    LightingPreset::Clinic => "clinic",
                    LightingPreset::Daylight => "daylight",
                })
                .show_ui(ui, |ui| {
                    ui.selectable_value(&mut l.preset, LightingPreset::Clinic, "clinic");
                    ui.selectable_value(&mut l.preset, LightingPreset::Daylight, "daylight");
                });
            let key = l
                .key
                .clone()
                .unwrap_or_else(|| crate::lighting::preset(l.preset).0);
            let (mut az, mut el) = key_angles(&key);
            let a = ui.add(
                Slider::new(&mut az, -180.0..=180.0)
                    .text("key light azimuth")
                    .suffix("°"),
            );
            let e = ui.add(
                Slider::new(&mut el, -80.0..=85.0)
                    .text("key light elevation")
                    .suffix("°"),
            );
            if a.changed() || e.changed() {
                l.key = Some(LightSpec {
                    direction: key_direction(az, el),
                    ..key
                });
            }
            if l.key.is_some() && ui.small_button("key light: preset's").clicked() {
                l.key = None;
            }
        });
    egui::CollapsingHeader::new("Moment shown")
        .default_open(true)
        .show(ui, |ui| {
            let n = plan.sessions.len() as u32;
            let mut k = plan.shown.session.unwrap_or(n).min(n);
            if ui
                .add(Slider::new(&mut k, 0..=n).text("after session"))
                .changed()
            {
                plan.shown.session = Some(k);
            }
            if k == 0 {
                ui.label(RichText::new("0: the head before treatment").weak());
            }
            ui.add(
                Slider::new(&mut plan.shown.days_after, range(limits::DAYS_AFTER))
                    .logarithmic(true)
                    .text("days after")
                    .suffix(" d"),
            );
        });
    egui::CollapsingHeader::new("Compare")
        .default_open(true)
        .show(ui, |ui| {
            let mut on = info.compare;
            if ui.checkbox(&mut on, "compare mode (C)").changed() {
                ev.compare = Some(on);
            }
            let mut wipe = info.wipe;
            if ui
                .checkbox(&mut wipe, "before | after wipe (W)")
                .on_hover_text("drag the divider across the head")
                .changed()
            {
                ev.wipe = Some(wipe);
            }
            let mut remove = None;
            let base = plan
                .sessions
                .last()
                .map_or_else(String::new, |s| s.shade.clone());
            for (i, v) in plan.variants.iter_mut().enumerate() {
                ui.horizontal(|ui| {
                    ui.label(&v.name);
                    if v.shades.is_none() {
                        let mut shade = v.shade.clone().unwrap_or_else(|| base.clone());
                        let before = shade.clone();
                        shade_picker(ui, ("variant", i), &mut shade);
                        if shade != before {
                            v.shade = Some(shade);
                        }
                    } else {
                        ui.label(RichText::new("own shades per session").weak());
                    }
                    if ui
                        .small_button("remove")
                        .on_hover_text("remove this variant")
                        .clicked()
                    {
                        remove = Some(i);
                    }
                });
            }
            if let Some(i) = remove {
                plan.variants.remove(i);
            }
            let full = plan.variants.len() >= MAX_VARIANTS;
            if ui
                .add_enabled(!full, egui::Button::new("duplicate current as a variant"))
                .on_disabled_hover_text("at most 4 variants")
                .clicked()
            {
                let mut n = plan.variants.len() + 1;
                while plan
                    .variants
                    .iter()
                    .any(|v| v.name == format!("variant {n}"))
                {
                    n += 1;
                }
                let v = VariantSpec::capture(plan, format!("variant {n}"));
                plan.variants.push(v);
                ev.compare = Some(true);
            }
        });
    ev
}

/// The built-in head's shape: who the client is (age, build, ancestry) and
/// the head's own form. Applied when a slider is let go.
fn head_section(ui: &mut Ui, shape: &mut crate::head::HeadShape) {
    use crate::head::morph::AGE_YEARS;
    egui::CollapsingHeader::new("Head")
        .default_open(false)
        .show(ui, |ui| {
            ui.add(
                Slider::new(&mut shape.age_years, range(AGE_YEARS))
                    .text("age")
                    .suffix(" years")
                    .integer(),
            );
            ui.add(Slider::new(&mut shape.muscle, 0.0..=1.0).text("muscle"));
            ui.add(Slider::new(&mut shape.weight, 0.0..=1.0).text("weight"));
            ui.label(RichText::new("ancestry (shares, normalised)").weak());
            let a = &mut shape.ancestry;
            for (share, name) in [
                (&mut a.african, "African"),
                (&mut a.asian, "Asian"),
                (&mut a.caucasian, "Caucasian"),
            ] {
                ui.add(Slider::new(share, 0.0..=1.0).text(name));
            }
            ui.label(RichText::new("head form").weak());
            ui.add(Slider::new(&mut shape.head_oval, 0.0..=1.0).text("oval"));
            ui.add(Slider::new(&mut shape.head_square, 0.0..=1.0).text("square"));
            ui.add(Slider::new(&mut shape.head_round, 0.0..=1.0).text("round"));
            ui.add(Slider::new(&mut shape.forehead_slope, -1.0..=1.0).text("forehead slope"));
            ui.add(Slider::new(&mut shape.head_size, -1.0..=1.0).text("head size"));
            ui.add(Slider::new(&mut shape.jaw_width, -1.0..=1.0).text("jaw width"));
            if ui.button("average man of 40").clicked() {
                *shape = crate::head::HeadShape::default();
            }
        });
}

fn file_section(ui: &mut Ui, state: &mut PanelState, info: &PanelInfo, ev: &mut PanelEvents) {
    let name = info
        .plan_path
        .map_or("built-in default plan".to_string(), |p| {
            p.display().to_string()
        });
    ui.horizontal(|ui| {
        ui.label(RichText::new(name).strong());
        if info.dirty {
            ui.label(RichText::new("unsaved changes").color(egui::Color32::from_rgb(240, 180, 60)));
        }
    });
    ui.horizontal(|ui| {
        let field = ui.add(
            egui::TextEdit::singleline(&mut state.path_text)
                .hint_text("plan.toml")
                .desired_width(170.0),
        );
        if state.focus_path {
            field.request_focus();
            state.focus_path = false;
        }
        let enter = field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
        let path = state.path_text.trim();
        if (ui.button("Load").clicked() || enter) && !path.is_empty() {
            ev.load = Some(PathBuf::from(path));
        }
        if ui.button("Save").on_hover_text("Ctrl+S").clicked() {
            ev.save = Some(PathBuf::from(if path.is_empty() {
                "plan.toml"
            } else {
                path
            }));
        }
    });
    let pdf = egui::Button::new(if info.document_busy {
        "writing the consultation PDF…"
    } else {
        "consultation PDF"
    });
    if ui
        .add_enabled(!info.document_busy, pdf)
        .on_hover_text("P: before and after, sessions and healing, into the screenshot folder")
        .clicked()
    {
        ev.document = true;
    }
    if let Some((msg, error)) = &state.status {
        let color = if *error {
            egui::Color32::from_rgb(255, 120, 110)
        } else {
            egui::Color32::from_rgb(150, 210, 150)
        };
        ui.label(RichText::new(msg).color(color).small());
    }
    if state.placement_deferred {
        ui.label(RichText::new("impressions placed when you let go").small());
    } else if state.placing {
        ui.label(RichText::new("placing impressions…").small());
    } else if let Some(ms) = state.placement_ms {
        ui.label(
            RichText::new(format!("last placement {ms:.0} ms"))
                .weak()
                .small(),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_light_angles_round_trip() {
        for (az, el) in [(0.0, 0.0), (-40.0, 35.0), (120.0, -20.0)] {
            let d = key_direction(az, el);
            let (a, e) = key_angles(&LightSpec {
                direction: d,
                color: "#ffffff".into(),
                intensity: 1.0,
            });
            assert!((a - az).abs() < 1e-3 && (e - el).abs() < 1e-3, "{a} {e}");
        }
    }

    #[test]
    fn colours_round_trip() {
        assert_eq!(hex_bytes("#2e2d31"), Some([0x2e, 0x2d, 0x31]));
        assert_eq!(bytes_hex([0x2e, 0x2d, 0x31]), "#2e2d31");
        assert_eq!(hex_bytes("dark"), None);
    }
}
