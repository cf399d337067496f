//! The treatment plan: the whole scene as data (TOML + serde), validated on load.
//!
//! Every quantity the renderer uses is a field here, with its unit in the name.
//! Validation collects every problem at once and names the file, the line, the
//! field and the allowed range, so a practitioner can fix a plan in one go.

mod color;
mod landmark_check;
mod parse;
mod treatment;
mod validate;
mod variants;

pub use color::{Srgb, parse_color, pigment_palette, pigment_srgb, skin_tone_srgb, srgb_to_linear};
pub use treatment::{HealingSpec, PracticeSpec, ScarKind, ScarSpec, ShownSpec};
pub use validate::{PlanError, PlanIssue};
pub use variants::{MAX_VARIANTS, VariantSpec};

use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// Sessions with no `day` follow the previous one after this many days.
pub const DEFAULT_SESSION_GAP_DAYS: f32 = 21.0;

/// The default plan, embedded so `render` works from any directory.
pub const DEFAULT_PLAN_TOML: &str = include_str!("../../assets/plans/default.toml");

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct TreatmentPlan {
    /// Shown on the consultation sheet.
    #[serde(default = "default_name")]
    pub name: String,
    /// Same seed, same impressions, bit for bit.
    #[serde(default = "default_seed")]
    pub seed: u32,
    #[serde(default)]
    pub head: HeadSpec,
    #[serde(default)]
    pub skin: SkinSpec,
    #[serde(default)]
    pub hair: HairSpec,
    #[serde(default)]
    pub hairline: HairlineSpec,
    #[serde(default)]
    pub region: RegionSpec,
    /// Extra density (thinning, crown) or exclusions, on top of the region.
    #[serde(default)]
    pub zones: Vec<ZoneSpec>,
    #[serde(default)]
    pub density: DensitySpec,
    #[serde(default = "default_sessions")]
    pub sessions: Vec<SessionSpec>,
    /// The moment the preview shows: some days after one of the sessions.
    #[serde(default)]
    pub shown: ShownSpec,
    /// How impressions heal, settle and fade.
    #[serde(default)]
    pub healing: HealingSpec,
    /// Scars to camouflage: strip (FUT), FUE dots, or a free line.
    #[serde(default)]
    pub scars: Vec<ScarSpec>,
    #[serde(default)]
    pub practice: PracticeSpec,
    #[serde(default)]
    pub lights: LightingSpec,
    #[serde(default)]
    pub output: OutputSpec,
    /// Who the plan is for, printed on the consultation document.
    #[serde(default, skip_serializing_if = "ConsultationSpec::is_empty")]
    pub consultation: ConsultationSpec,
    /// Named alternatives shown side by side (compare mode, `render --compare`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub variants: Vec<VariantSpec>,
}

/// The consultation: printed on the PDF, never used by the renderer.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ConsultationSpec {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub practitioner: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clinic: Option<String>,
    /// As written, e.g. "2026-12-01".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
    /// The document's paper: `"a4"` (the default) or `"letter"`.
    #[serde(default, skip_serializing_if = "Paper::is_a4")]
    pub paper: Paper,
}

/// Paper sizes the consultation document is laid out for.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Paper {
    #[default]
    A4,
    /// US Letter, 8.5 × 11 in.
    Letter,
}

impl Paper {
    fn is_a4(&self) -> bool {
        *self == Paper::A4
    }

    /// Width and height in PDF points (1/72 in).
    pub fn size_pt(self) -> (f32, f32) {
        match self {
            Paper::A4 => (595.28, 841.89),
            Paper::Letter => (612.0, 792.0),
        }
    }
}

impl ConsultationSpec {
    pub fn is_empty(&self) -> bool {
        *self == ConsultationSpec::default()
    }

    /// (label, value) of the fields given, in print order.
    pub fn fields(&self) -> Vec<(&'static str, &str)> {
        [
            ("client", &self.client),
            ("practitioner", &self.practitioner),
            ("clinic", &self.clinic),
            ("date", &self.date),
            ("notes", &self.notes),
        ]
        .into_iter()
        .filter_map(|(k, v)| v.as_deref().map(|v| (k, v)))
        .collect()
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct HeadSpec {
    /// `"builtin"` or a path to a mesh or scan (relative to the plan file),
    /// in any frame and unit.
    #[serde(default = "default_mesh")]
    pub mesh: String,
    /// Millimetres per unit of the mesh file; found from the scan's size when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scale_to_mm: Option<f32>,
    /// Smoothing subdivision steps applied on load (0-3).
    /// Absent: 2 for the built-in head; for a mesh file, as many (0-2) as
    /// keep it under `head::AUTO_TRIANGLES`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subdivisions: Option<u32>,
    /// For a custom mesh: landmarks in the mesh file's own coordinates and
    /// units (what `smp-preview align` prints); found on the scan when absent.
    #[serde(default)]
    pub landmarks: Option<LandmarkSpec>,
    /// The built-in head's age, build, ancestry and head shape (`[head.shape]`).
    #[serde(default, skip_serializing_if = "is_default_shape")]
    pub shape: crate::head::HeadShape,
}

fn is_default_shape(s: &crate::head::HeadShape) -> bool {
    *s == crate::head::HeadShape::default()
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct LandmarkSpec {
    pub glabella: [f32; 3],
    pub vertex: [f32; 3],
    pub ear_left: [f32; 3],
    pub ear_right: [f32; 3],
    pub inion: [f32; 3],
    #[serde(default = "default_eye_left")]
    pub eye_left: [f32; 3],
    #[serde(default = "default_eye_right")]
    pub eye_right: [f32; 3],
    #[serde(default = "default_eye_radius")]
    pub eye_radius_mm: f32,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SkinSpec {
    /// `"fitzpatrick-1"` … `"fitzpatrick-6"` or an sRGB colour `"#rrggbb"`.
    #[serde(default = "default_tone")]
    pub tone: String,
    /// Strength of the fine pore and mottling detail (0 = smooth, 1 = natural).
    #[serde(default = "one")]
    pub detail: f32,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct HairSpec {
    /// The client's natural hair colour, sRGB (eyebrows; existing hair).
    #[serde(default = "default_hair_color")]
    pub color: String,
    /// Density of the client's own hair where it still grows.
    #[serde(default = "default_natural_hair_density")]
    pub natural_per_cm2: f32,
    /// Apparent diameter of one buzzed hair: the cut stub and the root seen
    /// through the skin.
    #[serde(default = "default_stubble_diameter")]
    pub stubble_diameter_mm: f32,
    /// Days since the client last shaved or clippered: the stubs stand
    /// `HAIR_GROWTH_MM_PER_DAY` longer for each, up to 3 mm.
    #[serde(default = "one")]
    pub days_since_shaving: f32,
    /// Share of the client's hairs that are grey or white (0-1): unpigmented
    /// stubs and roots the skin barely shows.
    #[serde(default)]
    pub grey_fraction: f32,
    /// The treatment's shade, density and impression size follow this hair
    /// (`hair_match`), so that SMP and hair meet without a seam.
    #[serde(default)]
    pub match_treatment: bool,
    /// How much beard the face shows through the skin (0: none, 1: a dark
    /// beard shaved this morning); the built-in head only.
    #[serde(default = "default_beard_shadow")]
    pub beard_shadow: f32,
}

// A man who keeps his scalp buzzed and has dark brows shaves a beard that
// shows: at 0.45 two blind reviews in a row saw "no beard shadow at all",
// at 0.75 the jaw, chin and upper lip read grey as after a morning shave.
fn default_beard_shadow() -> f32 {
    0.75
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum HairlinePreset {
    /// Juvenile: low, straight across, no temple recession.
    Straight,
    /// A gently rounded front, slight temple recession: the common choice.
    Rounded,
    /// Rounded with a central peak.
    WidowsPeak,
    /// Mature: recessed temple corners.
    Mature,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct HairlineSpec {
    #[serde(default = "default_hairline_preset")]
    pub preset: HairlinePreset,
    /// Frontal hairline height above the glabella, measured along the
    /// surface. Default: from the face's proportions (`forehead_fraction`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub frontal_height_mm: Option<f32>,
    /// Without `frontal_height_mm`: the forehead's height (glabella to
    /// hairline, seen from the front) as a fraction of the face below it
    /// (glabella to menton). Default: the preset's (about 0.43, the facial
    /// thirds of adult men; higher for a mature hairline).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub forehead_fraction: Option<f32>,
    /// Width of the soft band across which density ramps from 0 to 1.
    #[serde(default = "default_band")]
    pub band_mm: f32,
    /// Rise of the front from the centre toward the temples (default: the preset's).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub front_curve_mm: Option<f32>,
    /// How far the frontotemporal corners recede (default: the preset's).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub corner_recession_mm: Option<f32>,
    /// Depth of a central widow's peak below the front (default: the preset's).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub peak_depth_mm: Option<f32>,
    /// Moves the temple points up (+) or down (−) along the surface.
    #[serde(default)]
    pub temple_offset_mm: f32,
    /// Left/right asymmetry: the client's left corner sits this much higher
    /// than the right (negative: the right sits higher).
    #[serde(default)]
    pub asymmetry_mm: f32,
    /// Amplitude of the irregular, follicle-like wander of the edge.
    #[serde(default = "default_irregularity")]
    pub irregularity_mm: f32,
    /// Spatial scale of that wander along the hairline.
    #[serde(default = "default_irregularity_scale")]
    pub irregularity_scale_mm: f32,
}

/// Which part of the scalp is bald (and so treated); hair still grows on the
/// rest, inside the hairline, and is drawn as a fresh buzz cut.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum RegionPreset {
    /// Everything inside the hairline: the full shaved look, no hair left.
    Full,
    /// The front of the scalp, from the hairline back `depth_mm`.
    Frontal,
    /// Only the crown (vertex whorl area).
    Crown,
    /// Norwood–Hamilton stages of male pattern hair loss.
    #[serde(rename = "norwood-2")]
    Norwood2,
    #[serde(rename = "norwood-3")]
    Norwood3,
    #[serde(rename = "norwood-4")]
    Norwood4,
    #[serde(rename = "norwood-5")]
    Norwood5,
    #[serde(rename = "norwood-6")]
    Norwood6,
    #[serde(rename = "norwood-7")]
    Norwood7,
}

impl RegionPreset {
    pub const NORWOOD: [RegionPreset; 6] = [
        RegionPreset::Norwood2,
        RegionPreset::Norwood3,
        RegionPreset::Norwood4,
        RegionPreset::Norwood5,
        RegionPreset::Norwood6,
        RegionPreset::Norwood7,
    ];
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct RegionSpec {
    #[serde(default = "default_region_preset")]
    pub preset: RegionPreset,
    /// Frontal region: how far behind the hairline the treatment reaches.
    #[serde(default = "default_frontal_depth")]
    pub depth_mm: f32,
    /// Crown region: radius around the crown point.
    #[serde(default = "default_crown_radius")]
    pub crown_radius_mm: f32,
    /// Width of the fade at the region's inner edges (not the hairline).
    #[serde(default = "default_feather")]
    pub feather_mm: f32,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ZoneSpec {
    #[serde(default)]
    pub name: String,
    /// Direction of the zone centre seen from the scalp centre: 0° = front,
    /// +90° = the client's left, ±180° = back.
    pub azimuth_deg: f32,
    /// 0° = level with the scalp centre, 90° = straight up.
    pub elevation_deg: f32,
    pub radius_mm: f32,
    #[serde(default = "default_feather")]
    pub feather_mm: f32,
    /// Multiplies the density inside the zone (0 excludes it).
    pub density_scale: f32,
    /// Fraction of the client's own hair left inside the zone (thinning:
    /// below 1). Impressions fill in what the hair no longer covers.
    #[serde(default = "one")]
    pub hair_density_scale: f32,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct DensitySpec {
    /// Density after all sessions in the fully treated area.
    #[serde(default = "default_final_density")]
    pub final_per_cm2: f32,
    /// Minimum distance between any two impressions (all sessions together).
    /// Default: 0.74 / √(highest density in the plan), in cm → mm.
    #[serde(default)]
    pub min_spacing_mm: Option<f32>,
    /// Steps of relaxation after dart throwing: each moves every impression
    /// where the coverage is flat a little away from its nearest neighbours,
    /// with a small random nudge (never closer than the minimum spacing to
    /// any), so the spacing evens out, as a practitioner's hand spaces the
    /// dots, without settling into a crystal's rows. 0 leaves dart
    /// throwing's own spacing. (The client's own follicular units take
    /// `placement::HAIR_RELAXATION_STEPS`.)
    #[serde(default = "default_relaxation_steps")]
    pub relaxation_steps: u32,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SessionSpec {
    /// A palette name (see `pigment_palette`) or `"#rrggbb"`: the pigment as
    /// placed ("dark" by default; chosen for the plan with `[hair]
    /// match_treatment`).
    #[serde(default = "default_shade")]
    pub shade: String,
    /// Share of the final density laid in this session.
    pub share: f32,
    /// Healed impression diameter, mean.
    #[serde(default = "default_diameter")]
    pub diameter_mm: f32,
    /// Relative standard deviation of the diameter.
    #[serde(default = "default_diameter_spread")]
    pub diameter_spread: f32,
    /// Relative standard deviation of each impression's darkness.
    #[serde(default = "default_shade_spread")]
    pub shade_spread: f32,
    /// Day of this session, counted from the first (default: three weeks
    /// after the previous one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub day: Option<f32>,
    /// Depth of the ink in the skin: deeper ink heals bluer.
    #[serde(default = "default_depth")]
    pub depth_mm: f32,
    /// A refresh re-inks every earlier impression: they look as fresh as this session's.
    #[serde(default)]
    pub refresh: bool,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum LightingPreset {
    /// Soft clinic lighting: broad key, gentle fill, a rim to separate the head.
    Clinic,
    /// Window daylight: stronger, cooler, more contrast.
    Daylight,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct LightingSpec {
    #[serde(default = "default_lighting_preset")]
    pub preset: LightingPreset,
    /// Overall exposure multiplier before the tone curve. Unset, the camera
    /// is exposed for the skin as a photographer would
    /// (`lighting::exposure_for_skin`): 0.7 on fitzpatrick-3, which keeps lit
    /// skin below the curve's shoulder, where a photo of skin sits, so that
    /// the scalp's tones (and what the pigment does to them) are not
    /// compressed; less on paler skin, more on darker.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exposure: Option<f32>,
    /// Overrides of the preset's lights; directions point toward the light in
    /// camera space (+x right, +y up, +z toward the viewer), so the lighting
    /// follows the view like a studio rig.
    #[serde(default)]
    pub key: Option<LightSpec>,
    #[serde(default)]
    pub fill: Option<LightSpec>,
    #[serde(default)]
    pub rim: Option<LightSpec>,
    #[serde(default)]
    pub ambient: Option<AmbientSpec>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct LightSpec {
    pub direction: [f32; 3],
    #[serde(default = "default_white")]
    pub color: String,
    pub intensity: f32,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct AmbientSpec {
    #[serde(default = "default_white")]
    pub color: String,
    pub intensity: f32,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[serde(rename_all = "kebab-case")]
pub enum ViewName {
    Front,
    Left,
    Right,
    Back,
    Top,
    ThreeQuarter,
}

impl ViewName {
    pub const ALL: [ViewName; 6] = [
        ViewName::Front,
        ViewName::Left,
        ViewName::Right,
        ViewName::Back,
        ViewName::Top,
        ViewName::ThreeQuarter,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ViewName::Front => "front",
            ViewName::Left => "left",
            ViewName::Right => "right",
            ViewName::Back => "back",
            ViewName::Top => "top",
            ViewName::ThreeQuarter => "three-quarter",
        }
    }

    pub fn parse(name: &str) -> Option<ViewName> {
        ViewName::ALL.into_iter().find(|v| v.as_str() == name)
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct OutputSpec {
    #[serde(default = "default_width")]
    pub width: u32,
    #[serde(default = "default_height")]
    pub height: u32,
    #[serde(default = "default_views")]
    pub views: Vec<ViewName>,
    /// Backdrop colour behind the head, sRGB.
    #[serde(default = "default_background")]
    pub background: String,
    /// The colour of the plain top the built-in head wears, sRGB.
    #[serde(default = "default_clothing")]
    pub clothing: String,
}

/// Allowed ranges, shared by validation, the docs and (later) the viewer's sliders.
pub mod limits {
    pub const DIAMETER_MM: (f32, f32) = (0.2, 1.5);
    pub const FINAL_DENSITY_PER_CM2: (f32, f32) = (5.0, 200.0);
    pub const BAND_MM: (f32, f32) = (0.0, 25.0);
    pub const FRONTAL_HEIGHT_MM: (f32, f32) = (50.0, 120.0);
    pub const FOREHEAD_FRACTION: (f32, f32) = (0.3, 0.65);
    pub const IRREGULARITY_MM: (f32, f32) = (0.0, 8.0);
    pub const IRREGULARITY_SCALE_MM: (f32, f32) = (2.0, 60.0);
    pub const MIN_SPACING_MM: (f32, f32) = (0.1, 5.0);
    pub const RELAXATION_STEPS: (u32, u32) = (0, 32);
    pub const DIAMETER_SPREAD: (f32, f32) = (0.0, 0.5);
    pub const SHADE_SPREAD: (f32, f32) = (0.0, 0.3);
    pub const DAY: (f32, f32) = (0.0, 3650.0);
    pub const DAYS_AFTER: (f32, f32) = (0.0, 7300.0);
    pub const INK_DEPTH_MM: (f32, f32) = (0.1, 1.5);
    pub const FRONT_CURVE_MM: (f32, f32) = (-5.0, 20.0);
    pub const CORNER_RECESSION_MM: (f32, f32) = (0.0, 45.0);
    pub const PEAK_DEPTH_MM: (f32, f32) = (0.0, 20.0);
    pub const TEMPLE_OFFSET_MM: (f32, f32) = (-15.0, 15.0);
    pub const ASYMMETRY_MM: (f32, f32) = (-10.0, 10.0);
    pub const NATURAL_HAIR_PER_CM2: (f32, f32) = (0.0, 300.0);
    pub const STUBBLE_DIAMETER_MM: (f32, f32) = (0.1, 0.8);
    /// 0.35 mm a day: 3 mm of stubble after 8.5 days.
    pub const DAYS_SINCE_SHAVING: (f32, f32) = (0.0, 8.5);
    pub const HAIR_DENSITY_SCALE: (f32, f32) = (0.0, 1.0);
    pub const SHARE: (f32, f32) = (0.0, 1.0);
    pub const SESSIONS: (usize, usize) = (1, 4);
    pub const SUBDIVISIONS: (u32, u32) = (0, 3);
    pub const SCALE_TO_MM: (f32, f32) = (1e-4, 1e4);
    pub const SKIN_DETAIL: (f32, f32) = (0.0, 2.0);
    pub const REGION_DEPTH_MM: (f32, f32) = (10.0, 200.0);
    pub const CROWN_RADIUS_MM: (f32, f32) = (10.0, 150.0);
    pub const FEATHER_MM: (f32, f32) = (0.0, 60.0);
    pub const ZONE_RADIUS_MM: (f32, f32) = (5.0, 150.0);
    pub const ZONE_DENSITY_SCALE: (f32, f32) = (0.0, 3.0);
    pub const AZIMUTH_DEG: (f32, f32) = (-180.0, 180.0);
    pub const ELEVATION_DEG: (f32, f32) = (-60.0, 90.0);
    pub const EXPOSURE: (f32, f32) = (0.05, 8.0);
    pub const LIGHT_INTENSITY: (f32, f32) = (0.0, 50.0);
    pub const IMAGE_SIDE_PX: (u32, u32) = (64, 8192);
    pub const SEED: (u32, u32) = (0, u32::MAX);
    pub const MAX_ZONES: usize = 8;
    /// Bytes per pixel of the splat's pigment buffer (two u32, `splat.wgsl`).
    pub const PIGMENT_BYTES_PER_PIXEL: u64 = 8;
    /// The storage-buffer binding every WebGPU adapter offers (128 MiB): an
    /// image whose pigment buffer fits it renders on any adapter.
    pub const PORTABLE_BINDING_BYTES: u64 = 128 << 20;
    /// The most pixels an image may have: 16 777 216, e.g. 4096×4096.
    pub const MAX_IMAGE_PIXELS: u64 = PORTABLE_BINDING_BYTES / PIGMENT_BYTES_PER_PIXEL;

    /// Why, for messages.
    pub fn image_pixels_rule() -> String {
        format!(
            "at most {MAX_IMAGE_PIXELS} (e.g. 4096x4096, 5460x3072) fit the {} MiB pigment buffer \
             ({PIGMENT_BYTES_PER_PIXEL} bytes a pixel) that every GPU can bind",
            PORTABLE_BINDING_BYTES >> 20
        )
    }
}

impl TreatmentPlan {
    /// The embedded default plan.
    /// The default plan on the scan at `scan`, with the landmarks `align`
    /// found, to be written at `plan_path` (the mesh path relative to it
    /// when they share a folder, absolute otherwise).
    pub fn for_scan(
        scan: &Path,
        plan_path: &Path,
        found: &crate::head::align::Alignment,
    ) -> TreatmentPlan {
        let folder = |p: &Path| {
            let dir = p
                .parent()
                .filter(|d| !d.as_os_str().is_empty())
                .unwrap_or(Path::new("."));
            std::fs::canonicalize(dir).ok()
        };
        let mesh = match (folder(scan), folder(plan_path), scan.file_name()) {
            (Some(a), Some(b), Some(name)) if a == b => PathBuf::from(name),
            _ => std::fs::canonicalize(scan).unwrap_or_else(|_| scan.to_path_buf()),
        };
        let mut plan = TreatmentPlan::default_plan();
        if let Some(stem) = scan.file_stem() {
            plan.name = format!("{} (scan)", stem.to_string_lossy());
        }
        plan.head.mesh = mesh.display().to_string();
        plan.head.scale_to_mm = Some(found.to_head.scale);
        // As many subdivisions as the scan's size allows (a 1 M-triangle
        // scan takes none), not the built-in head's 2.
        plan.head.subdivisions = None;
        plan.head.landmarks = Some(LandmarkSpec::from(&found.landmarks));
        plan
    }

    pub fn default_plan() -> TreatmentPlan {
        Self::from_toml_str(DEFAULT_PLAN_TOML, "<built-in default plan>")
            .expect("the embedded default plan is valid")
    }

    /// Parse and validate a plan; `origin` names the file in messages.
    pub fn from_toml_str(text: &str, origin: &str) -> Result<TreatmentPlan, PlanError> {
        let plan = parse::parse(text, origin)?;
        let issues = plan.validate();
        if issues.is_empty() {
            Ok(plan)
        } else {
            Err(PlanError::invalid(origin, text, issues))
        }
    }

    /// Read, parse and validate a plan file.
    pub fn load(path: &Path) -> Result<TreatmentPlan, PlanError> {
        let text = crate::files::read_regular_string(path, crate::files::MAX_PLAN_BYTES, "plan")
            .map_err(|e| PlanError::Io {
                message: e.to_string(),
            })?;
        Self::from_toml_str(&text, &path.display().to_string())
    }

    /// Serialise back to TOML (the viewer's save uses this).
    pub fn to_toml_string(&self) -> String {
        let text = toml::to_string_pretty(self).expect("a plan always serialises");
        // Serde writes every field of a scar; keep only its kind's, so that
        // the saved plan loads back (foreign fields are refused).
        let Ok(mut doc) = text.parse::<toml_edit::DocumentMut>() else {
            return text;
        };
        if let Some(scars) = doc
            .get_mut("scars")
            .and_then(|s| s.as_array_of_tables_mut())
        {
            for (scar, spec) in scars.iter_mut().zip(&self.scars) {
                for field in ScarKind::SHAPE_FIELDS {
                    if !spec.kind.fields().contains(&field) {
                        scar.remove(field);
                    }
                }
            }
        }
        doc.to_string()
    }

    /// The minimum spacing in force: the plan's, or 0.74 / √(highest density).
    pub fn min_spacing_mm(&self) -> f32 {
        self.density.min_spacing_mm.unwrap_or_else(|| {
            default_min_spacing_mm(self.density.final_per_cm2 * self.peak_density_scale())
        })
    }

    /// The largest density multiplier any zone or scar applies (at least 1).
    pub fn peak_density_scale(&self) -> f32 {
        let zones = self.zones.iter().map(|z| z.density_scale);
        let scars = self.scars.iter().map(|s| s.density_scale);
        zones.chain(scars).fold(1.0, f32::max)
    }

    /// The same plan shown at another moment: after `session` (0: before
    /// treatment; `None`: the last), `days_after` it.
    pub fn shown_at(&self, session: Option<u32>, days_after: f32) -> TreatmentPlan {
        let mut p = self.clone();
        p.shown.session = session;
        p.shown.days_after = days_after;
        p
    }

    /// The day each session took place, counted from the first.
    pub fn session_days(&self) -> Vec<f32> {
        let mut previous: Option<f32> = None;
        self.sessions
            .iter()
            .map(|s| {
                let day = s
                    .day
                    .unwrap_or_else(|| previous.map_or(0.0, |p| p + DEFAULT_SESSION_GAP_DAYS));
                previous = Some(day);
                day
            })
            .collect()
    }

    /// The session shown (0-based): the plan's, or the last; `None` before
    /// the first (`session = 0`: the head as it is today).
    pub fn shown_session(&self) -> Option<usize> {
        let last = self.sessions.len().saturating_sub(1);
        match self.shown.session {
            Some(0) => None,
            Some(k) => Some((k as usize - 1).min(last)),
            None => Some(last),
        }
    }

    /// The day shown, counted from the first session (before it: 0).
    pub fn shown_day(&self) -> f32 {
        self.shown_session()
            .map_or(0.0, |k| self.session_days()[k] + self.shown.days_after)
    }

    /// The mesh path resolved against the plan file's folder; `None` for the built-in head.
    pub fn mesh_path(&self, plan_path: Option<&Path>) -> Option<PathBuf> {
        if self.head.mesh == "builtin" {
            return None;
        }
        let mesh = Path::new(&self.head.mesh);
        Some(match plan_path.and_then(Path::parent) {
            Some(dir) if mesh.is_relative() => dir.join(mesh),
            _ => mesh.to_path_buf(),
        })
    }
}

fn default_name() -> String {
    "SMP plan".into()
}
fn default_seed() -> u32 {
    1
}
fn one() -> f32 {
    1.0
}
fn default_mesh() -> String {
    "builtin".into()
}
/// Subdivision steps of the built-in head unless the plan says.
pub const BUILTIN_SUBDIVISIONS: u32 = 2;
fn default_eye_left() -> [f32; 3] {
    [32.0, 42.0, 95.0]
}
fn default_eye_right() -> [f32; 3] {
    [-32.0, 42.0, 95.0]
}
fn default_eye_radius() -> f32 {
    12.0
}
fn default_tone() -> String {
    "fitzpatrick-3".into()
}
fn default_hair_color() -> String {
    "#2b221d".into()
}
fn default_natural_hair_density() -> f32 {
    160.0
}
/// Scalp hair grows about 0.35 mm a day.
pub const HAIR_GROWTH_MM_PER_DAY: f32 = 0.35;

impl HairSpec {
    /// How far the cut stubs stand out of the skin, mm (0-3).
    pub fn stubble_length_mm(&self) -> f32 {
        (self.days_since_shaving * HAIR_GROWTH_MM_PER_DAY).clamp(0.0, 3.0)
    }
}

fn default_stubble_diameter() -> f32 {
    0.45
}
fn default_hairline_preset() -> HairlinePreset {
    HairlinePreset::Rounded
}
fn default_band() -> f32 {
    6.0
}
fn default_irregularity() -> f32 {
    1.5
}
fn default_irregularity_scale() -> f32 {
    9.0
}
fn default_region_preset() -> RegionPreset {
    RegionPreset::Full
}
fn default_frontal_depth() -> f32 {
    70.0
}
fn default_crown_radius() -> f32 {
    55.0
}
fn default_feather() -> f32 {
    15.0
}
/// Follicular units per cm² once every session is done: the natural scalp's
/// 80-100 (DESIGN.md).
fn default_final_density() -> f32 {
    90.0
}
/// An impression's pigment footprint on the day (a single dot; the dots of
/// a unit of two or three are 0.8 and 0.7 of it): a 3RL grouping of 0.25 mm
/// needles, about 0.45 mm across.
fn default_diameter() -> f32 {
    0.45
}
/// The default minimum spacing for a peak density: 0.74 / √(per cm²), in cm
/// (×10 for mm). Near the most dart throwing reaches at that density, so the
/// impressions come out evenly spaced, as a practitioner's grid is, rather
/// than clumped: at 0.6 / √ρ the treated scalp seen whole was a fifth more
/// mottled (its darkening's variation at 1 mm). The plan's count is the
/// first N the throw accepts, and the last it would have accepted are the
/// ones that fill its gaps: on the default plan the throw saturates near
/// 0.80 / √ρ, so at 0.7 / √ρ it stopped at 83 % of saturation and left
/// pale holes a dot or two across, "mould" to three blind reviews. At 0.74
/// it stops at 93 %: the impressions' count within 2 mm (a Gaussian over
/// the top of the head) varies by 2.5 % where it varied by 3.1 %, for about
/// half a second more placement on a CPU rasteriser (3.5 s against 3.0 s).
pub fn default_min_spacing_mm(peak_per_cm2: f32) -> f32 {
    7.4 / peak_per_cm2.max(1.0).sqrt()
}

// Twelve steps of a full push each: dart throwing stopped at the plan's
// density (about 70 % of saturation) leaves pale gaps 2-4 mm across that
// read as a mottle on the treated scalp seen whole; four half steps took
// its darkening's variation at σ 4 px from the top 0.058 → 0.055 (R 1.82),
// twelve full ones to 0.048 (R 1.92), for about 0.45 s more placement on
// a CPU rasteriser (off the viewer's loop). Steps of two oscillated (R 1.74).
fn default_relaxation_steps() -> u32 {
    12
}

// A practitioner works at one needle depth and pressure per pass, but the
// healed dots still differ in how far their ink spread: close up they are
// not one printed size. A dot's ink is about the same whatever its spread
// (`ink_share` in the shaders: a wider dot is paler), so the size varies
// without the treated scalp seen whole turning to granite, as 15 % did when
// a wider dot also carried more ink; at 18 % with the ink held, its
// darkening varies at σ 4 px from the top as at 7 % without (0.045 / 0.048).
fn default_diameter_spread() -> f32 {
    0.18
}
fn default_shade_spread() -> f32 {
    0.05
}
fn default_depth() -> f32 {
    0.5
}
fn default_sessions() -> Vec<SessionSpec> {
    let session = |shade: &str, share: f32, day: f32| SessionSpec {
        shade: shade.into(),
        share,
        diameter_mm: default_diameter(),
        diameter_spread: default_diameter_spread(),
        shade_spread: default_shade_spread(),
        day: Some(day),
        depth_mm: default_depth(),
        refresh: false,
    };
    // 30 % → 70 % → 100 % of the final density (DESIGN.md).
    vec![
        session("medium", 0.30, 0.0),
        session("dark", 0.40, 14.0),
        session("dark", 0.30, 28.0),
    ]
}
fn default_lighting_preset() -> LightingPreset {
    LightingPreset::Clinic
}
fn default_white() -> String {
    "#ffffff".into()
}
fn default_width() -> u32 {
    1920
}
fn default_height() -> u32 {
    1080
}
fn default_views() -> Vec<ViewName> {
    ViewName::ALL.to_vec()
}
fn default_shade() -> String {
    "dark".into()
}
fn default_clothing() -> String {
    "#3c3f44".into()
}
fn default_background() -> String {
    "#3a3f47".into()
}

impl Default for HeadSpec {
    fn default() -> Self {
        HeadSpec {
            mesh: default_mesh(),
            scale_to_mm: None,
            subdivisions: None,
            landmarks: None,
            shape: crate::head::HeadShape::default(),
        }
    }
}
impl Default for SkinSpec {
    fn default() -> Self {
        SkinSpec {
            tone: default_tone(),
            detail: 1.0,
        }
    }
}
impl Default for HairSpec {
    fn default() -> Self {
        HairSpec {
            color: default_hair_color(),
            natural_per_cm2: default_natural_hair_density(),
            stubble_diameter_mm: default_stubble_diameter(),
            days_since_shaving: 1.0,
            grey_fraction: 0.0,
            match_treatment: false,
            beard_shadow: default_beard_shadow(),
        }
    }
}
impl Default for HairlineSpec {
    fn default() -> Self {
        HairlineSpec {
            preset: default_hairline_preset(),
            frontal_height_mm: None,
            forehead_fraction: None,
            band_mm: default_band(),
            front_curve_mm: None,
            corner_recession_mm: None,
            peak_depth_mm: None,
            temple_offset_mm: 0.0,
            asymmetry_mm: 0.0,
            irregularity_mm: default_irregularity(),
            irregularity_scale_mm: default_irregularity_scale(),
        }
    }
}
impl Default for RegionSpec {
    fn default() -> Self {
        RegionSpec {
            preset: default_region_preset(),
            depth_mm: default_frontal_depth(),
            crown_radius_mm: default_crown_radius(),
            feather_mm: default_feather(),
        }
    }
}
impl Default for DensitySpec {
    fn default() -> Self {
        DensitySpec {
            final_per_cm2: default_final_density(),
            min_spacing_mm: None,
            relaxation_steps: default_relaxation_steps(),
        }
    }
}
impl Default for LightingSpec {
    fn default() -> Self {
        LightingSpec {
            preset: default_lighting_preset(),
            exposure: None,
            key: None,
            fill: None,
            rim: None,
            ambient: None,
        }
    }
}
impl Default for OutputSpec {
    fn default() -> Self {
        OutputSpec {
            width: default_width(),
            height: default_height(),
            views: default_views(),
            background: default_background(),
            clothing: default_clothing(),
        }
    }
}
