//! Range checks for every field, and messages that point at the plan's line.

use super::color::{parse_color, pigment_palette};
use super::{TreatmentPlan, limits};
use std::fmt;

/// One segment of a field path: a key or an index into an array.
#[derive(Debug, Clone, PartialEq)]
pub enum Seg {
    Key(&'static str),
    /// A key known only at run time (from the file).
    Name(String),
    Index(usize),
}

/// One problem with one field.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanIssue {
    pub path: Vec<Seg>,
    pub message: String,
}

impl PlanIssue {
    /// The dotted field name, e.g. `sessions[1].diameter_mm`.
    pub fn field(&self) -> String {
        let mut out = String::new();
        for seg in &self.path {
            match seg {
                Seg::Key(k) if out.is_empty() => out.push_str(k),
                Seg::Name(k) if out.is_empty() => out.push_str(k),
                Seg::Key(k) => {
                    out.push('.');
                    out.push_str(k);
                }
                Seg::Name(k) => {
                    out.push('.');
                    out.push_str(k);
                }
                Seg::Index(i) => out.push_str(&format!("[{i}]")),
            }
        }
        out
    }
}

#[derive(Debug, thiserror::Error)]
pub enum PlanError {
    /// The file could not be read; the message names it.
    #[error("{message}")]
    Io { message: String },
    #[error("{origin}:{line}: {message}")]
    Syntax {
        origin: String,
        line: usize,
        message: String,
    },
    #[error("{}", format_invalid(.origin, .lines))]
    Invalid {
        origin: String,
        lines: Vec<(Option<usize>, PlanIssue)>,
    },
}

fn format_invalid(origin: &str, lines: &[(Option<usize>, PlanIssue)]) -> String {
    let mut out = format!("{origin}: {} problem(s) in the plan", lines.len());
    for (line, issue) in lines {
        let at = line
            .map(|l| format!("{origin}:{l}"))
            .unwrap_or_else(|| origin.to_string());
        out.push_str(&format!("\n  {at}: {}: {}", issue.field(), issue.message));
    }
    out
}

impl PlanError {
    pub(super) fn syntax(origin: &str, text: &str, err: &toml::de::Error) -> PlanError {
        let line = err
            .span()
            .map(|s| LineIndex::new(text).line_of(s.start))
            .unwrap_or(1);
        let mut message = err.message().trim().to_string();
        // "duplicate key" alone: say which (the span is the repeated key).
        if message == "duplicate key"
            && let Some(key) = err.span().and_then(|s| text.get(s))
        {
            message = format!("duplicate key `{}`: each key may be given once", key.trim());
        }
        // Show the line itself: a syntax error has no field to name.
        if let Some(text) = text.lines().nth(line.saturating_sub(1)) {
            let shown: String = text.chars().take(100).collect();
            message = format!("{message}\n  {line} | {shown}");
        }
        PlanError::Syntax {
            origin: origin.to_string(),
            line,
            message,
        }
    }

    pub(super) fn invalid(origin: &str, text: &str, issues: Vec<PlanIssue>) -> PlanError {
        let doc = toml_edit::Document::parse(text).ok();
        let index = LineIndex::new(text);
        let lines = issues
            .into_iter()
            .map(|issue| {
                let line = doc
                    .as_ref()
                    .and_then(|d| span_of(d.as_item(), &issue.path))
                    .map(|s| index.line_of(s));
                (line, issue)
            })
            .collect::<Vec<(Option<usize>, PlanIssue)>>();
        let mut lines = lines;
        // In the file's order, so the list reads top to bottom.
        lines.sort_by_key(|(line, _)| line.unwrap_or(0));
        PlanError::Invalid {
            origin: origin.to_string(),
            lines,
        }
    }

    /// The problems found, for tests and the viewer.
    pub fn issues(&self) -> Vec<&PlanIssue> {
        match self {
            PlanError::Invalid { lines, .. } => lines.iter().map(|(_, i)| i).collect(),
            _ => Vec::new(),
        }
    }
}

/// The byte offset of the deepest item of `path` present in the document.
fn span_of(root: &toml_edit::Item, path: &[Seg]) -> Option<usize> {
    let mut item = root;
    let mut best = None;
    for seg in path {
        let next = match seg {
            Seg::Key(k) => item.get(*k),
            Seg::Name(k) => item.get(k.as_str()),
            Seg::Index(i) => item.get(*i),
        };
        match next {
            Some(n) => {
                item = n;
                best = n.span().map(|s| s.start).or(best);
            }
            None => break,
        }
    }
    best
}

/// Line numbers by binary search, so that many issues cost what one does.
struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    fn new(text: &str) -> LineIndex {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        LineIndex { starts }
    }

    /// 1-based line of a byte offset.
    fn line_of(&self, offset: usize) -> usize {
        self.starts.partition_point(|&s| s <= offset)
    }
}

/// Collects issues while walking the plan.
pub(super) struct Checker {
    issues: Vec<PlanIssue>,
}

impl Checker {
    pub(super) fn push(&mut self, path: Vec<Seg>, message: String) {
        self.issues.push(PlanIssue { path, message });
    }

    pub(super) fn range(&mut self, path: Vec<Seg>, value: f32, (lo, hi): (f32, f32), unit: &str) {
        if !value.is_finite() || value < lo || value > hi {
            self.push(
                path,
                format!("{value} is out of range: allowed {lo} to {hi}{unit}"),
            );
        }
    }

    pub(super) fn range_u32(
        &mut self,
        path: Vec<Seg>,
        value: u32,
        (lo, hi): (u32, u32),
        unit: &str,
    ) {
        if value < lo || value > hi {
            self.push(
                path,
                format!("{value} is out of range: allowed {lo} to {hi}{unit}"),
            );
        }
    }

    fn color(&mut self, path: Vec<Seg>, value: &str) {
        if let Err(e) = parse_color(value) {
            self.push(path, e);
        }
    }

    /// A pigment: a palette name or "#rrggbb".
    pub(super) fn shade(&mut self, path: Vec<Seg>, shade: &str) {
        if parse_color(shade).is_err() && !pigment_palette().iter().any(|(n, _)| *n == shade) {
            let names: Vec<_> = pigment_palette().iter().map(|(n, _)| *n).collect();
            self.push(
                path,
                format!(
                    "{shade:?} is neither \"#rrggbb\" nor a palette name ({})",
                    names.join(", ")
                ),
            );
        }
    }

    fn direction(&mut self, path: Vec<Seg>, v: [f32; 3]) {
        let len2: f32 = v.iter().map(|c| c * c).sum();
        if !len2.is_finite() || len2 < 1e-8 {
            self.push(
                path,
                format!("{v:?} is not a direction: give a non-zero [x, y, z]"),
            );
        }
    }
}

use Seg::{Index, Key};

impl TreatmentPlan {
    /// Every problem in the plan, empty when it is valid.
    pub fn validate(&self) -> Vec<PlanIssue> {
        let mut c = Checker { issues: Vec::new() };
        self.check_head(&mut c);
        self.check_skin_and_hairline(&mut c);
        self.check_region(&mut c);
        self.check_sessions(&mut c);
        self.check_treatment(&mut c);
        self.check_lights(&mut c);
        self.check_output(&mut c);
        self.check_variants(&mut c);
        c.issues
    }

    fn check_head_shape(&self, c: &mut Checker) {
        let h = &self.head;
        let path = |name: &'static str| {
            let mut p = vec![Key("head"), Key("shape")];
            p.extend(name.split('.').map(Key));
            p
        };
        if h.mesh != "builtin" {
            if h.shape != crate::head::HeadShape::default() {
                c.push(
                    vec![Key("head"), Key("shape")],
                    "shapes the built-in head only: a custom mesh already has its own shape; remove [head.shape] or set head.mesh = \"builtin\"".into(),
                );
            }
            return;
        }
        for (name, value, lo, hi) in crate::head::morph::field_ranges(&h.shape) {
            c.range(
                path(name),
                value,
                (lo, hi),
                if name == "age_years" { " years" } else { "" },
            );
        }
        let a = h.shape.ancestry;
        if a.african + a.asian + a.caucasian <= 0.0 {
            c.push(
                path("ancestry"),
                "african, asian and caucasian are all 0: give at least one a share above 0 (they are normalised to sum to 1)".into(),
            );
        }
    }

    fn check_head(&self, c: &mut Checker) {
        let h = &self.head;
        if let Some(scale) = h.scale_to_mm {
            c.range(
                vec![Key("head"), Key("scale_to_mm")],
                scale,
                limits::SCALE_TO_MM,
                "",
            );
        }
        if let Some(steps) = h.subdivisions {
            c.range_u32(
                vec![Key("head"), Key("subdivisions")],
                steps,
                limits::SUBDIVISIONS,
                "",
            );
        }
        if h.mesh.trim().is_empty() {
            c.push(
                vec![Key("head"), Key("mesh")],
                format!(
                    "is empty: give \"builtin\" or a path to a mesh: {}",
                    crate::head::MESH_FORMATS
                ),
            );
        } else if h.mesh != "builtin"
            && crate::head::Format::of(std::path::Path::new(&h.mesh)).is_none()
        {
            c.push(
                vec![Key("head"), Key("mesh")],
                format!(
                    "{:?}: unknown mesh format; give {}",
                    h.mesh,
                    crate::head::MESH_FORMATS
                ),
            );
        }
        self.check_head_shape(c);
        if h.mesh == "builtin" {
            if h.landmarks.is_some() {
                c.push(
                    vec![Key("head"), Key("landmarks")],
                    "are for a custom mesh: the built-in head has its own; remove [head.landmarks] or set head.mesh".into(),
                );
            }
            if let Some(scale) = h.scale_to_mm.filter(|&s| s != 1.0) {
                c.push(
                    vec![Key("head"), Key("scale_to_mm")],
                    format!("{scale} given: the built-in head is in millimetres already; scale_to_mm applies to a custom mesh"),
                );
            }
        }
        if let Some(l) = &h.landmarks {
            c.range(
                vec![Key("head"), Key("landmarks"), Key("eye_radius_mm")],
                l.eye_radius_mm,
                (3.0, 30.0),
                " mm",
            );
            if !crate::head::align::frame::points(&l.to_landmarks())
                .iter()
                .all(|p| p.is_finite())
            {
                c.push(
                    vec![Key("head"), Key("landmarks")],
                    "every coordinate must be finite".into(),
                );
            } else {
                // Given in the file's frame: judged where they put the head.
                let in_file = l.to_landmarks();
                match crate::head::align::frame::head_frame(&in_file, h.scale_to_mm) {
                    None => c.push(
                        vec![Key("head"), Key("landmarks")],
                        "lie in a line: they cannot place a head".into(),
                    ),
                    Some((to_head, _)) => {
                        let in_head =
                            crate::head::align::frame::landmarks_in_head_frame(&in_file, &to_head);
                        let problems = super::landmark_check::implausible(
                            &super::LandmarkSpec::from(&in_head),
                        );
                        let hint = match h.scale_to_mm {
                            Some(s)
                                if !problems.is_empty()
                                    && s != 1.0
                                    && super::landmark_check::plausible_in_mm(l) =>
                            {
                                format!(
                                    " (the landmarks are in the mesh file's own units; these look like millimetres: divide them by scale_to_mm = {s})"
                                )
                            }
                            _ => String::new(),
                        };
                        for (field, message) in problems {
                            c.push(
                                vec![Key("head"), Key("landmarks"), Key(field)],
                                message + &hint,
                            );
                        }
                    }
                }
            }
        }
    }

    fn check_skin_and_hairline(&self, c: &mut Checker) {
        if let Err(e) = super::skin_tone_srgb(&self.skin.tone) {
            c.push(vec![Key("skin"), Key("tone")], e);
        }
        c.range(
            vec![Key("skin"), Key("detail")],
            self.skin.detail,
            limits::SKIN_DETAIL,
            "",
        );
        let h = &self.hairline;
        let p = |k| vec![Key("hairline"), Key(k)];
        if let Some(v) = h.frontal_height_mm {
            c.range(p("frontal_height_mm"), v, limits::FRONTAL_HEIGHT_MM, " mm");
        }
        if let Some(v) = h.forehead_fraction {
            c.range(p("forehead_fraction"), v, limits::FOREHEAD_FRACTION, "");
            if h.frontal_height_mm.is_some() {
                c.push(
                    p("forehead_fraction"),
                    "give frontal_height_mm or forehead_fraction, not both".into(),
                );
            }
        }
        c.range(p("band_mm"), h.band_mm, limits::BAND_MM, " mm");
        c.range(
            p("irregularity_mm"),
            h.irregularity_mm,
            limits::IRREGULARITY_MM,
            " mm",
        );
        c.range(
            p("irregularity_scale_mm"),
            h.irregularity_scale_mm,
            limits::IRREGULARITY_SCALE_MM,
            " mm",
        );
        let optional = [
            ("front_curve_mm", h.front_curve_mm, limits::FRONT_CURVE_MM),
            (
                "corner_recession_mm",
                h.corner_recession_mm,
                limits::CORNER_RECESSION_MM,
            ),
            ("peak_depth_mm", h.peak_depth_mm, limits::PEAK_DEPTH_MM),
        ];
        for (key, value, range) in optional {
            if let Some(v) = value {
                c.range(p(key), v, range, " mm");
            }
        }
        c.range(
            p("temple_offset_mm"),
            h.temple_offset_mm,
            limits::TEMPLE_OFFSET_MM,
            " mm",
        );
        c.range(
            p("asymmetry_mm"),
            h.asymmetry_mm,
            limits::ASYMMETRY_MM,
            " mm",
        );
        let hair = |k| vec![Key("hair"), Key(k)];
        c.color(hair("color"), &self.hair.color);
        c.range(
            hair("natural_per_cm2"),
            self.hair.natural_per_cm2,
            limits::NATURAL_HAIR_PER_CM2,
            " per cm²",
        );
        c.range(
            hair("stubble_diameter_mm"),
            self.hair.stubble_diameter_mm,
            limits::STUBBLE_DIAMETER_MM,
            " mm",
        );
        c.range(
            hair("days_since_shaving"),
            self.hair.days_since_shaving,
            limits::DAYS_SINCE_SHAVING,
            " days",
        );
        c.range(
            hair("grey_fraction"),
            self.hair.grey_fraction,
            (0.0, 1.0),
            "",
        );
        c.range(hair("beard_shadow"), self.hair.beard_shadow, (0.0, 1.0), "");
    }

    fn check_region(&self, c: &mut Checker) {
        let r = &self.region;
        let p = |k| vec![Key("region"), Key(k)];
        c.range(p("depth_mm"), r.depth_mm, limits::REGION_DEPTH_MM, " mm");
        c.range(
            p("crown_radius_mm"),
            r.crown_radius_mm,
            limits::CROWN_RADIUS_MM,
            " mm",
        );
        c.range(p("feather_mm"), r.feather_mm, limits::FEATHER_MM, " mm");
        if self.zones.len() > limits::MAX_ZONES {
            c.push(
                vec![Key("zones")],
                format!(
                    "{} zones given: at most {} are allowed",
                    self.zones.len(),
                    limits::MAX_ZONES
                ),
            );
        }
        for (i, z) in self.zones.iter().enumerate() {
            let p = |k| vec![Key("zones"), Index(i), Key(k)];
            c.range(p("azimuth_deg"), z.azimuth_deg, limits::AZIMUTH_DEG, "°");
            c.range(
                p("elevation_deg"),
                z.elevation_deg,
                limits::ELEVATION_DEG,
                "°",
            );
            c.range(p("radius_mm"), z.radius_mm, limits::ZONE_RADIUS_MM, " mm");
            c.range(p("feather_mm"), z.feather_mm, limits::FEATHER_MM, " mm");
            c.range(
                p("density_scale"),
                z.density_scale,
                limits::ZONE_DENSITY_SCALE,
                "",
            );
            c.range(
                p("hair_density_scale"),
                z.hair_density_scale,
                limits::HAIR_DENSITY_SCALE,
                "",
            );
        }
        let d = &self.density;
        c.range(
            vec![Key("density"), Key("final_per_cm2")],
            d.final_per_cm2,
            limits::FINAL_DENSITY_PER_CM2,
            " per cm²",
        );
        c.range_u32(
            vec![Key("density"), Key("relaxation_steps")],
            d.relaxation_steps,
            limits::RELAXATION_STEPS,
            " steps",
        );
        if let Some(s) = d.min_spacing_mm {
            c.range(
                vec![Key("density"), Key("min_spacing_mm")],
                s,
                limits::MIN_SPACING_MM,
                " mm",
            );
            // Dart throwing jams near 0.55 packing: past ~1.9 / s² the density cannot be reached.
            let peak = d.final_per_cm2 * self.peak_density_scale();
            let reachable = 1.5 * 100.0 / (s * s);
            if s.is_finite() && s > 0.0 && peak > reachable {
                c.push(
                    vec![Key("density"), Key("min_spacing_mm")],
                    format!(
                        "{s} mm is too wide for a peak density of {peak:.0} per cm²: at most {:.2} mm fits",
                        (150.0 / peak).sqrt()
                    ),
                );
            }
        }
    }

    fn check_sessions(&self, c: &mut Checker) {
        let (lo, hi) = limits::SESSIONS;
        if self.sessions.len() < lo || self.sessions.len() > hi {
            c.push(
                vec![Key("sessions")],
                format!(
                    "{} sessions given: allowed {lo} to {hi}",
                    self.sessions.len()
                ),
            );
        }
        for (i, s) in self.sessions.iter().enumerate() {
            let p = |k| vec![Key("sessions"), Index(i), Key(k)];
            c.shade(p("shade"), &s.shade);
            c.range(p("share"), s.share, limits::SHARE, "");
            c.range(p("diameter_mm"), s.diameter_mm, limits::DIAMETER_MM, " mm");
            c.range(
                p("diameter_spread"),
                s.diameter_spread,
                limits::DIAMETER_SPREAD,
                "",
            );
            c.range(p("shade_spread"), s.shade_spread, limits::SHADE_SPREAD, "");
        }
        let total: f32 = self.sessions.iter().map(|s| s.share).sum();
        if !self.sessions.is_empty() && (total - 1.0).abs() > 0.01 {
            c.push(
                vec![Key("sessions")],
                format!("shares add up to {total:.3}: they must add up to 1 (±0.01)"),
            );
        }
    }

    fn check_lights(&self, c: &mut Checker) {
        let l = &self.lights;
        if let Some(exposure) = l.exposure {
            c.range(
                vec![Key("lights"), Key("exposure")],
                exposure,
                limits::EXPOSURE,
                "",
            );
        }
        for (name, light) in [("key", &l.key), ("fill", &l.fill), ("rim", &l.rim)] {
            if let Some(light) = light {
                let p = |k| vec![Key("lights"), Key(name), Key(k)];
                c.direction(p("direction"), light.direction);
                c.color(p("color"), &light.color);
                c.range(p("intensity"), light.intensity, limits::LIGHT_INTENSITY, "");
            }
        }
        if let Some(a) = &l.ambient {
            c.color(vec![Key("lights"), Key("ambient"), Key("color")], &a.color);
            c.range(
                vec![Key("lights"), Key("ambient"), Key("intensity")],
                a.intensity,
                limits::LIGHT_INTENSITY,
                "",
            );
        }
    }

    fn check_output(&self, c: &mut Checker) {
        let o = &self.output;
        c.range_u32(
            vec![Key("output"), Key("width")],
            o.width,
            limits::IMAGE_SIDE_PX,
            " px",
        );
        c.range_u32(
            vec![Key("output"), Key("height")],
            o.height,
            limits::IMAGE_SIDE_PX,
            " px",
        );
        let pixels = o.width as u64 * o.height as u64;
        if pixels > limits::MAX_IMAGE_PIXELS {
            c.push(
                vec![Key("output"), Key("width")],
                format!(
                    "{}x{} is {pixels} pixels: {}",
                    o.width,
                    o.height,
                    limits::image_pixels_rule()
                ),
            );
        }
        let mut seen = Vec::new();
        for (i, v) in o.views.iter().enumerate() {
            if seen.contains(v) {
                c.push(
                    vec![Key("output"), Key("views"), Index(i)],
                    format!("{:?} is listed twice: name each view once", v.as_str()),
                );
            }
            seen.push(*v);
        }
        if o.views.is_empty() {
            c.push(
                vec![Key("output"), Key("views")],
                "is empty: name at least one view".into(),
            );
        }
        c.color(vec![Key("output"), Key("background")], &o.background);
        c.color(vec![Key("output"), Key("clothing")], &o.clothing);
        for (field, value) in self.consultation.fields() {
            let limit = if field == "notes" { 2000 } else { 200 };
            let n = value.chars().count();
            if n > limit {
                c.push(
                    vec![Key("consultation"), Key(field)],
                    format!("{n} characters: at most {limit}"),
                );
            }
        }
    }
}

impl fmt::Display for PlanIssue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field(), self.message)
    }
}
