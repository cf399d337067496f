//! Plan sections of the treatment over time and of what it must hide: the
//! moment shown, healing and fading, scars, and the practitioner's pace.

use super::validate::{Checker, Seg};
use super::{TreatmentPlan, limits};
use Seg::{Index, Key};
use serde::{Deserialize, Serialize};

/// The moment the preview shows: `days_after` days after session `session`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ShownSpec {
    /// 1-based session number; later sessions have not happened yet.
    /// 0: before the first session. Default: the last session.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session: Option<u32>,
    #[serde(default = "default_days_after")]
    pub days_after: f32,
}

/// The healing and fading model (README: "Sessions, healing and fading").
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct HealingSpec {
    /// e-folding time of healing: about 95 % settled after three of them.
    #[serde(default = "default_settle_days")]
    pub settle_days: f32,
    /// How much lighter healed ink looks than fresh, in CIE L* (the client's
    /// fading rate, read off after the first session).
    #[serde(default = "default_healed_lightening")]
    pub healed_lightening: f32,
    /// Further lightening per year once healed, at average sun exposure.
    #[serde(default = "default_fade_per_year")]
    pub fade_per_year: f32,
    /// Sun on the scalp: 0 = always covered, 1 = average, 3 = outdoor work, no hat.
    #[serde(default = "default_sun_exposure")]
    pub sun_exposure: f32,
    /// Redness around fresh impressions on the day (0 = none, 1 = strong).
    #[serde(default = "default_redness")]
    pub redness: f32,
}

/// What a scar is shaped like.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum ScarKind {
    /// A linear strip scar (FUT donor scar): a band at constant elevation
    /// across the back of the head, centred on `azimuth_deg`.
    Strip,
    /// FUE donor scars: `count` small round pale dots scattered over a disc.
    Fue,
    /// A free scar along `points` (azimuth, elevation pairs).
    Line,
}

impl ScarKind {
    pub const ALL: [ScarKind; 3] = [ScarKind::Strip, ScarKind::Fue, ScarKind::Line];
    /// The fields that give a scar its shape; each kind takes some of them.
    pub const SHAPE_FIELDS: [&'static str; 8] = [
        "azimuth_deg",
        "elevation_deg",
        "length_mm",
        "width_mm",
        "radius_mm",
        "count",
        "diameter_mm",
        "points",
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ScarKind::Strip => "strip",
            ScarKind::Fue => "fue",
            ScarKind::Line => "line",
        }
    }

    /// The shape fields this kind of scar takes.
    pub fn fields(self) -> &'static [&'static str] {
        match self {
            ScarKind::Strip => &["azimuth_deg", "elevation_deg", "length_mm", "width_mm"],
            ScarKind::Fue => &[
                "azimuth_deg",
                "elevation_deg",
                "radius_mm",
                "count",
                "diameter_mm",
            ],
            ScarKind::Line => &["points", "width_mm"],
        }
    }
}

/// One scar, in the head frame's azimuth/elevation (see zones).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ScarSpec {
    pub kind: ScarKind,
    #[serde(default)]
    pub name: String,
    /// Strip and FUE: the centre.
    #[serde(default = "default_scar_azimuth")]
    pub azimuth_deg: f32,
    #[serde(default = "default_scar_elevation")]
    pub elevation_deg: f32,
    /// Strip: length along the band.
    #[serde(default = "default_strip_length")]
    pub length_mm: f32,
    /// Strip and line: width of the scar.
    #[serde(default = "default_scar_width")]
    pub width_mm: f32,
    /// FUE: radius of the donor area the dots are scattered over.
    #[serde(default = "default_donor_radius")]
    pub radius_mm: f32,
    /// FUE: number of extraction scars.
    #[serde(default = "default_fue_count")]
    pub count: u32,
    /// FUE: diameter of one extraction scar.
    #[serde(default = "default_fue_diameter")]
    pub diameter_mm: f32,
    /// Line: the scar's path, `[[azimuth_deg, elevation_deg], …]`.
    #[serde(default)]
    pub points: Vec<[f32; 2]>,
    /// Multiplies the impression density over the scar.
    #[serde(default = "one")]
    pub density_scale: f32,
    /// Pigment for impressions over the scar (palette name or "#rrggbb");
    /// default: the sessions' own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shade: Option<String>,
}

/// The practitioner's pace, for the treatment-time estimate.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct PracticeSpec {
    #[serde(default = "default_impressions_per_minute")]
    pub impressions_per_minute: f32,
}

pub mod scar_limits {
    pub const MAX_SCARS: usize = 4;
    pub const MAX_LINE_POINTS: usize = 8;
    pub const LENGTH_MM: (f32, f32) = (5.0, 400.0);
    pub const WIDTH_MM: (f32, f32) = (0.5, 25.0);
    pub const DONOR_RADIUS_MM: (f32, f32) = (5.0, 120.0);
    pub const FUE_COUNT: (u32, u32) = (1, 5000);
    pub const FUE_DIAMETER_MM: (f32, f32) = (0.3, 2.0);
    pub const DENSITY_SCALE: (f32, f32) = (0.0, 3.0);

    /// How many FUE scars of `diameter_mm` a donor band `radius_mm` wide
    /// each side of its centre holds when scattered at random: discs as wide
    /// as a scar plus the gap, covering 35 % of the band (random placement
    /// jams at about 55 %).
    pub fn fue_capacity(radius_mm: f32, diameter_mm: f32) -> u32 {
        let d = diameter_mm + crate::scars::FUE_GAP_MM;
        let band = crate::scars::FUE_BAND_ASPECT * (radius_mm / (0.5 * d)).powi(2);
        (0.35 * band).clamp(0.0, u32::MAX as f32) as u32
    }
}

pub mod healing_limits {
    pub const SETTLE_DAYS: (f32, f32) = (1.0, 60.0);
    pub const HEALED_LIGHTENING: (f32, f32) = (0.0, 0.6);
    pub const FADE_PER_YEAR: (f32, f32) = (0.0, 0.5);
    pub const SUN_EXPOSURE: (f32, f32) = (0.0, 3.0);
    pub const REDNESS: (f32, f32) = (0.0, 1.0);
    pub const IMPRESSIONS_PER_MINUTE: (f32, f32) = (5.0, 1000.0);
}

impl TreatmentPlan {
    pub(super) fn check_treatment(&self, c: &mut Checker) {
        self.check_timeline(c);
        self.check_healing(c);
        self.check_scars(c);
        c.range(
            vec![Key("practice"), Key("impressions_per_minute")],
            self.practice.impressions_per_minute,
            healing_limits::IMPRESSIONS_PER_MINUTE,
            " per minute",
        );
    }

    fn check_timeline(&self, c: &mut Checker) {
        let mut previous = None;
        for (i, s) in self.sessions.iter().enumerate() {
            let p = |k| vec![Key("sessions"), Index(i), Key(k)];
            c.range(p("depth_mm"), s.depth_mm, limits::INK_DEPTH_MM, " mm");
            if let Some(day) = s.day {
                c.range(p("day"), day, limits::DAY, " days");
                if let Some(prev) = previous.filter(|&prev| day < prev) {
                    c.push(
                        p("day"),
                        format!("{day} is before the previous session's day {prev}: sessions go in date order"),
                    );
                }
                previous = Some(day);
            }
            if s.refresh && i == 0 {
                c.push(
                    p("refresh"),
                    "the first session cannot be a refresh: there is nothing to re-ink".into(),
                );
            }
        }
        let shown = &self.shown;
        if let Some(k) = shown.session {
            let n = self.sessions.len().max(1) as u32;
            c.range_u32(
                vec![Key("shown"), Key("session")],
                k,
                (0, n),
                " (0: before treatment)",
            );
        }
        c.range(
            vec![Key("shown"), Key("days_after")],
            shown.days_after,
            limits::DAYS_AFTER,
            " days",
        );
    }

    fn check_healing(&self, c: &mut Checker) {
        use healing_limits as l;
        let h = &self.healing;
        let p = |k| vec![Key("healing"), Key(k)];
        c.range(p("settle_days"), h.settle_days, l::SETTLE_DAYS, " days");
        c.range(
            p("healed_lightening"),
            h.healed_lightening,
            l::HEALED_LIGHTENING,
            " (fraction of L*)",
        );
        c.range(
            p("fade_per_year"),
            h.fade_per_year,
            l::FADE_PER_YEAR,
            " per year",
        );
        c.range(p("sun_exposure"), h.sun_exposure, l::SUN_EXPOSURE, "");
        c.range(p("redness"), h.redness, l::REDNESS, "");
    }

    fn check_scars(&self, c: &mut Checker) {
        use scar_limits as l;
        if self.scars.len() > l::MAX_SCARS {
            c.push(
                vec![Key("scars")],
                format!(
                    "{} scars given: at most {} are allowed",
                    self.scars.len(),
                    l::MAX_SCARS
                ),
            );
        }
        for (i, s) in self.scars.iter().enumerate() {
            let p = |k| vec![Key("scars"), Index(i), Key(k)];
            c.range(p("azimuth_deg"), s.azimuth_deg, limits::AZIMUTH_DEG, "°");
            c.range(
                p("elevation_deg"),
                s.elevation_deg,
                limits::ELEVATION_DEG,
                "°",
            );
            c.range(p("density_scale"), s.density_scale, l::DENSITY_SCALE, "");
            if let Some(shade) = &s.shade {
                c.shade(p("shade"), shade);
            }
            match s.kind {
                ScarKind::Strip => {
                    c.range(p("length_mm"), s.length_mm, l::LENGTH_MM, " mm");
                    c.range(p("width_mm"), s.width_mm, l::WIDTH_MM, " mm");
                }
                ScarKind::Fue => {
                    c.range(p("radius_mm"), s.radius_mm, l::DONOR_RADIUS_MM, " mm");
                    c.range_u32(p("count"), s.count, l::FUE_COUNT, " scars");
                    c.range(p("diameter_mm"), s.diameter_mm, l::FUE_DIAMETER_MM, " mm");
                    let fits = l::fue_capacity(s.radius_mm, s.diameter_mm);
                    if s.radius_mm.is_finite() && s.diameter_mm.is_finite() && s.count > fits {
                        c.push(
                            p("count"),
                            format!(
                                "{} scars of {} mm do not fit a donor band {} mm either side: at most {fits} \
                                 (each keeps {} mm of skin to the next); raise radius_mm or lower count",
                                s.count,
                                s.diameter_mm,
                                s.radius_mm,
                                crate::scars::FUE_GAP_MM
                            ),
                        );
                    }
                }
                ScarKind::Line => {
                    c.range(p("width_mm"), s.width_mm, l::WIDTH_MM, " mm");
                    let n = s.points.len();
                    if !(2..=l::MAX_LINE_POINTS).contains(&n) {
                        c.push(
                            p("points"),
                            format!(
                                "{n} points given: a line scar needs 2 to {}",
                                l::MAX_LINE_POINTS
                            ),
                        );
                    }
                    for (j, [az, el]) in s.points.iter().enumerate() {
                        let q = vec![Key("scars"), Index(i), Key("points"), Index(j)];
                        c.range(q.clone(), *az, limits::AZIMUTH_DEG, "° (azimuth)");
                        c.range(q, *el, limits::ELEVATION_DEG, "° (elevation)");
                    }
                }
            }
        }
    }
}

fn one() -> f32 {
    1.0
}
fn default_days_after() -> f32 {
    60.0
}
fn default_settle_days() -> f32 {
    9.0
}
fn default_healed_lightening() -> f32 {
    0.25
}
fn default_fade_per_year() -> f32 {
    0.04
}
fn default_sun_exposure() -> f32 {
    1.0
}
fn default_redness() -> f32 {
    0.5
}
fn default_scar_azimuth() -> f32 {
    180.0
}
fn default_scar_elevation() -> f32 {
    -12.0
}
fn default_strip_length() -> f32 {
    180.0
}
fn default_scar_width() -> f32 {
    4.0
}
fn default_donor_radius() -> f32 {
    45.0
}
fn default_fue_count() -> u32 {
    400
}
fn default_fue_diameter() -> f32 {
    0.9
}
fn default_impressions_per_minute() -> f32 {
    100.0
}

impl Default for ShownSpec {
    fn default() -> Self {
        ShownSpec {
            session: None,
            days_after: default_days_after(),
        }
    }
}
impl Default for HealingSpec {
    fn default() -> Self {
        HealingSpec {
            settle_days: default_settle_days(),
            healed_lightening: default_healed_lightening(),
            fade_per_year: default_fade_per_year(),
            sun_exposure: default_sun_exposure(),
            redness: default_redness(),
        }
    }
}
impl Default for PracticeSpec {
    fn default() -> Self {
        PracticeSpec {
            impressions_per_minute: default_impressions_per_minute(),
        }
    }
}
