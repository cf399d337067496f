//! From TOML text to a plan, reporting every problem at once: the syntax
//! first (one error: the parser cannot go on), then every section and every
//! array element on its own, so that a wrong type in `[head]` does not hide
//! one in `[[sessions]]`. Each problem names the field and what it allows.

use super::validate::{PlanError, PlanIssue, Seg};
use super::{
    DensitySpec, HairSpec, HairlineSpec, HeadSpec, LightingSpec, OutputSpec, RegionSpec,
    SessionSpec, SkinSpec, TreatmentPlan, VariantSpec, ZoneSpec, limits,
};
use super::{HealingSpec, PracticeSpec, ScarSpec, ShownSpec};
use serde::de::DeserializeOwned;

/// The sections of a plan, in the order the README documents them.
pub const SECTIONS: [&str; 18] = [
    "name",
    "seed",
    "head",
    "skin",
    "hair",
    "hairline",
    "region",
    "zones",
    "density",
    "sessions",
    "shown",
    "healing",
    "scars",
    "practice",
    "lights",
    "output",
    "consultation",
    "variants",
];

/// Parse `text` (named `origin` in messages) into a plan, not yet range-checked.
pub(super) fn parse(text: &str, origin: &str) -> Result<TreatmentPlan, PlanError> {
    let table: toml::Table =
        toml::from_str(text).map_err(|e| PlanError::syntax(origin, text, &e))?;
    let mut issues = shape_issues(table.clone());
    issues.extend(scar_field_issues(&table));
    if !issues.is_empty() {
        return Err(PlanError::invalid(origin, text, issues));
    }
    toml::Value::Table(table)
        .try_into()
        .map_err(|e: toml::de::Error| PlanError::Syntax {
            origin: origin.to_string(),
            line: 1,
            message: e.message().trim().to_string(),
        })
}

/// Every type and shape problem in the plan's sections.
fn shape_issues(table: toml::Table) -> Vec<PlanIssue> {
    let mut issues = Vec::new();
    for (key, value) in table {
        let Some(&section) = SECTIONS.iter().find(|s| **s == key) else {
            issues.push(PlanIssue {
                path: vec![Seg::Name(key.clone())],
                message: format!("unknown section; a plan has {}", SECTIONS.join(", ")),
            });
            continue;
        };
        let found = &mut issues;
        match section {
            "name" => one::<String>(section, value, found),
            "seed" => one::<u32>(section, value, found),
            "head" => one::<HeadSpec>(section, value, found),
            "skin" => one::<SkinSpec>(section, value, found),
            "hair" => one::<HairSpec>(section, value, found),
            "hairline" => one::<HairlineSpec>(section, value, found),
            "region" => one::<RegionSpec>(section, value, found),
            "density" => one::<DensitySpec>(section, value, found),
            "shown" => one::<ShownSpec>(section, value, found),
            "healing" => one::<HealingSpec>(section, value, found),
            "practice" => one::<PracticeSpec>(section, value, found),
            "lights" => one::<LightingSpec>(section, value, found),
            "output" => one::<OutputSpec>(section, value, found),
            "consultation" => one::<super::ConsultationSpec>(section, value, found),
            "zones" => each::<ZoneSpec>(section, value, found),
            "sessions" => each::<SessionSpec>(section, value, found),
            "scars" => each::<ScarSpec>(section, value, found),
            _ => each::<VariantSpec>(section, value, found),
        }
    }
    issues
}

fn one<T: DeserializeOwned>(section: &'static str, value: toml::Value, out: &mut Vec<PlanIssue>) {
    let mut path = vec![Seg::Key(section)];
    let shown = describe(&value);
    if let Err(e) = serde_path_to_error::deserialize::<_, T>(value) {
        push_error(&mut path, e, &shown, out);
    }
}

/// An array of tables, element by element. Past its limit of elements only
/// the count is reported: the rest would only repeat it.
fn each<T: DeserializeOwned>(section: &'static str, value: toml::Value, out: &mut Vec<PlanIssue>) {
    let toml::Value::Array(items) = value else {
        out.push(PlanIssue {
            path: vec![Seg::Key(section)],
            message: format!(
                "{} given: write each entry as a [[{section}]] table",
                describe(&value)
            ),
        });
        return;
    };
    let cap = element_limit(section);
    if items.len() > cap {
        out.push(PlanIssue {
            path: vec![Seg::Key(section)],
            message: format!("{} {section} given: at most {cap} are allowed", items.len()),
        });
        return;
    }
    for (i, item) in items.into_iter().enumerate() {
        let mut path = vec![Seg::Key(section), Seg::Index(i)];
        let shown = describe(&item);
        if let Err(e) = serde_path_to_error::deserialize::<_, T>(item) {
            push_error(&mut path, e, &shown, out);
        }
    }
}

/// Fields of one scar kind given on a scar of another: a strip scar with a
/// `count` is a mistake to point out, not a value to ignore.
fn scar_field_issues(table: &toml::Table) -> Vec<PlanIssue> {
    use super::ScarKind;
    let Some(toml::Value::Array(scars)) = table.get("scars") else {
        return Vec::new();
    };
    let mut issues = Vec::new();
    for (i, scar) in scars.iter().enumerate() {
        let Some(t) = scar.as_table() else { continue };
        let Some(kind) = t
            .get("kind")
            .cloned()
            .and_then(|k| k.try_into::<ScarKind>().ok())
        else {
            continue;
        };
        for key in t.keys() {
            let Some(&field) = ScarKind::SHAPE_FIELDS.iter().find(|f| **f == key) else {
                continue;
            };
            if !kind.fields().contains(&field) {
                let owners: Vec<_> = ScarKind::ALL
                    .iter()
                    .filter(|k| k.fields().contains(&field))
                    .map(|k| k.as_str())
                    .collect();
                issues.push(PlanIssue {
                    path: vec![Seg::Key("scars"), Seg::Index(i), Seg::Key(field)],
                    message: format!(
                        "a {} scar has no {field} (that is for {} scars); a {} scar takes {}",
                        kind.as_str(),
                        owners.join(" and "),
                        kind.as_str(),
                        kind.fields().join(", ")
                    ),
                });
            }
        }
    }
    issues
}

/// The most entries an array section may have.
pub fn element_limit(section: &str) -> usize {
    match section {
        "zones" => limits::MAX_ZONES,
        "sessions" => limits::SESSIONS.1,
        "scars" => super::treatment::scar_limits::MAX_SCARS,
        _ => super::MAX_VARIANTS,
    }
}

fn push_error(
    path: &mut Vec<Seg>,
    e: serde_path_to_error::Error<toml::de::Error>,
    whole: &str,
    out: &mut Vec<PlanIssue>,
) {
    for seg in e.path().iter() {
        match seg {
            serde_path_to_error::Segment::Seq { index } => path.push(Seg::Index(*index)),
            serde_path_to_error::Segment::Map { key } => path.push(Seg::Name(key.clone())),
            serde_path_to_error::Segment::Enum { variant } => path.push(Seg::Name(variant.clone())),
            serde_path_to_error::Segment::Unknown => {}
        }
    }
    let raw = e.inner().message().trim().to_string();
    let message = humanize(&raw, whole);
    let message = match allowed(path) {
        Some(range) => format!("{message}; allowed: {range}"),
        None => message,
    };
    out.push(PlanIssue {
        path: path.clone(),
        message,
    });
}

/// What a value is, for messages.
fn describe(v: &toml::Value) -> String {
    match v {
        toml::Value::String(s) => format!("the string {s:?}"),
        toml::Value::Integer(i) => format!("the number {i}"),
        toml::Value::Float(f) => format!("the number {f}"),
        toml::Value::Boolean(b) => format!("{b}"),
        toml::Value::Datetime(d) => format!("the date {d}"),
        toml::Value::Array(a) => format!("an array of {}", a.len()),
        toml::Value::Table(_) => "a table".to_string(),
    }
}

/// serde's words in a practitioner's: Rust type names out.
fn humanize(raw: &str, whole: &str) -> String {
    let words = |expected: &str| {
        let e = expected.trim();
        match e {
            "u32" => "a whole number ≥ 0".to_string(),
            "f32" => "a number".to_string(),
            "a boolean" => "true or false".to_string(),
            "a sequence" => "an array [ … ]".to_string(),
            "fewer elements in array" => "fewer numbers".to_string(),
            _ if e.starts_with("struct ") => "a table".to_string(),
            _ if e.starts_with("an array of length ") => {
                format!("{} numbers", e.trim_start_matches("an array of length "))
            }
            _ => e.to_string(),
        }
    };
    let given = |what: &str| match what.split_once(' ') {
        Some(("integer" | "floating", _)) | Some(("string", _)) => what.replace('`', ""),
        _ if what == "sequence" => "an array".to_string(),
        _ if what == "map" => "a table".to_string(),
        _ => what.to_string(),
    };
    if let Some(rest) = raw.strip_prefix("invalid type: ")
        && let Some((what, expected)) = rest.split_once(", expected ")
    {
        let what = if expected.starts_with("struct ") {
            whole.to_string()
        } else {
            given(what)
        };
        return format!("{what} given, expected {}", words(expected));
    }
    if let Some(rest) = raw.strip_prefix("invalid value: ")
        && let Some((what, expected)) = rest.split_once(", expected ")
    {
        return format!("{} is not {}", given(what), words(expected));
    }
    if let Some(rest) = raw.strip_prefix("invalid length ")
        && let Some((n, expected)) = rest.split_once(", expected ")
    {
        return format!("{n} numbers given, expected {}", words(expected));
    }
    raw.to_string()
}

/// The allowed range of a field, where one applies, for type errors
/// (range errors say it themselves).
fn allowed(path: &[Seg]) -> Option<String> {
    let keys: Vec<&str> = path
        .iter()
        .filter_map(|s| match s {
            Seg::Key(k) => Some(*k),
            Seg::Name(k) => Some(k.as_str()),
            Seg::Index(_) => None,
        })
        .collect();
    let f = |(lo, hi): (f32, f32), unit: &str| format!("{lo} to {hi}{unit}");
    let u = |(lo, hi): (u32, u32), unit: &str| format!("whole numbers {lo} to {hi}{unit}");
    use super::treatment::scar_limits as s;
    Some(match keys.as_slice() {
        ["seed"] => u(limits::SEED, ""),
        ["head", "subdivisions"] => u(limits::SUBDIVISIONS, ""),
        ["head", "scale_to_mm"] => f(limits::SCALE_TO_MM, ""),
        ["output", "width" | "height"] => u(limits::IMAGE_SIDE_PX, " px"),
        ["shown", "session"] => {
            "whole numbers 0 (before treatment) to the number of sessions".into()
        }
        ["shown", "days_after"] => f(limits::DAYS_AFTER, " days"),
        ["scars", "count"] => u(s::FUE_COUNT, " scars"),
        ["scars", "diameter_mm"] => f(s::FUE_DIAMETER_MM, " mm"),
        ["scars", "radius_mm"] => f(s::DONOR_RADIUS_MM, " mm"),
        ["scars", "length_mm"] => f(s::LENGTH_MM, " mm"),
        ["scars", "width_mm"] => f(s::WIDTH_MM, " mm"),
        ["sessions", "share"] => f(limits::SHARE, ""),
        ["sessions", "diameter_mm"] => f(limits::DIAMETER_MM, " mm"),
        ["sessions", "day"] => f(limits::DAY, " days"),
        ["sessions", "depth_mm"] => f(limits::INK_DEPTH_MM, " mm"),
        ["density", "final_per_cm2"] => f(limits::FINAL_DENSITY_PER_CM2, " per cm²"),
        ["density", "min_spacing_mm"] => f(limits::MIN_SPACING_MM, " mm"),
        ["density", "relaxation_steps"] => u(limits::RELAXATION_STEPS, " steps"),
        ["hairline", "frontal_height_mm"] => f(limits::FRONTAL_HEIGHT_MM, " mm"),
        ["hairline", "band_mm"] => f(limits::BAND_MM, " mm"),
        ["zones", "radius_mm"] => f(limits::ZONE_RADIUS_MM, " mm"),
        ["zones", "density_scale"] => f(limits::ZONE_DENSITY_SCALE, ""),
        ["zones", "azimuth_deg"] => f(limits::AZIMUTH_DEG, "°"),
        ["zones", "elevation_deg"] => f(limits::ELEVATION_DEG, "°"),
        ["hair", "natural_per_cm2"] => f(limits::NATURAL_HAIR_PER_CM2, " per cm²"),
        ["hair", "days_since_shaving"] => f(limits::DAYS_SINCE_SHAVING, " days"),
        ["hair", "grey_fraction"] => f((0.0, 1.0), ""),
        ["hair", "beard_shadow"] => f((0.0, 1.0), ""),
        ["lights", "exposure"] => f(limits::EXPOSURE, ""),
        ["lights", _, "intensity"] => f(limits::LIGHT_INTENSITY, ""),
        ["lights", _, "direction"] => "[x, y, z], 3 numbers".into(),
        ["head", "landmarks", _] => "[x, y, z] in mm, 3 numbers".into(),
        ["head", "shape", rest @ ..] => {
            let name = rest.join(".");
            let shape = crate::head::HeadShape::default();
            let (_, _, lo, hi) = crate::head::morph::field_ranges(&shape)
                .into_iter()
                .find(|r| r.0 == name)?;
            f((lo, hi), if name == "age_years" { " years" } else { "" })
        }
        ["scars", "points", ..] => "[[azimuth_deg, elevation_deg], …], 2 numbers each".into(),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn messages(text: &str) -> Vec<String> {
        match TreatmentPlan::from_toml_str(text, "p.toml") {
            Ok(_) => Vec::new(),
            Err(e) => e.to_string().lines().skip(1).map(str::to_string).collect(),
        }
    }

    #[test]
    fn every_type_error_is_reported_with_its_field_and_range() {
        let m = messages(
            "[head]\nsubdivisions = -1\n[density]\nfinal_per_cm2 = \"x\"\n\
             [[sessions]]\nshade = \"dark\"\nshare = 0.5\n[[sessions]]\nshade = 3\nshare = 0.5\n",
        );
        assert_eq!(m.len(), 3, "{m:#?}");
        assert!(m[0].contains("p.toml:2: head.subdivisions:"), "{}", m[0]);
        assert!(m[0].contains("whole numbers 0 to 3"), "{}", m[0]);
        assert!(
            !m.iter().any(|l| l.contains("u32") || l.contains("f32")),
            "{m:#?}"
        );
        assert!(
            m[1].contains("density.final_per_cm2") && m[1].contains("5 to 200"),
            "{}",
            m[1]
        );
        assert!(m[2].contains("p.toml:9: sessions[1].shade"), "{}", m[2]);
    }

    #[test]
    fn wrong_shapes_say_what_was_given() {
        let m = messages("head = 5\nsessions = 3\n");
        assert!(
            m[0].contains("head: the number 5 given, expected a table"),
            "{m:#?}"
        );
        assert!(m[1].contains("sessions: the number 3 given"), "{m:#?}");
        assert!(!m.iter().any(|l| l.contains("HeadSpec")), "{m:#?}");
        let m = messages("[colour]\nx = 1\n");
        assert!(m[0].contains("colour: unknown section"), "{m:#?}");
    }

    #[test]
    fn extra_array_members_are_refused() {
        let m = messages(
            "[head]\nmesh = \"x.obj\"\n[head.landmarks]\nglabella = [0, 1, 2, 3]\nvertex = [0, 1]\n\
             ear_left = [1, 0, 0]\near_right = [-1, 0, 0]\ninion = [0, 0, -1]\n\
             [lights.key]\ndirection = [1, 1, 1, 5]\nintensity = 2\n\
             [[scars]]\nkind = \"line\"\npoints = [[0, 10], [10, 10, 3]]\n",
        );
        // One problem per section or array element (serde stops at the first).
        let fields: Vec<_> = m.iter().filter(|l| l.contains("numbers given")).collect();
        assert_eq!(fields.len(), 3, "{m:#?}");
        assert!(
            fields[0].contains("head.landmarks.glabella: 4 numbers given"),
            "{m:#?}"
        );
        assert!(
            fields[1].contains("lights.key.direction: 4 numbers given"),
            "{m:#?}"
        );
        assert!(
            fields[2].contains("scars[0].points[1]: 3 numbers"),
            "{m:#?}"
        );
        let m = messages(
            "[head]\nmesh = \"x.obj\"\n[head.landmarks]\nglabella = [0, 1, 2]\nvertex = [0, 1]\n\
             ear_left = [1, 0, 0]\near_right = [-1, 0, 0]\ninion = [0, 0, -1]\n",
        );
        assert!(
            m[0].contains("head.landmarks.vertex: 2 numbers given"),
            "{m:#?}"
        );
    }

    #[test]
    fn a_scar_takes_only_its_own_kind_of_fields() {
        let m = messages("[[scars]]\nkind = \"strip\"\ncount = 40\nradius_mm = 20\n");
        assert_eq!(m.len(), 2, "{m:#?}");
        assert!(
            m[0].contains("scars[0].count: a strip scar has no count (that is for fue scars)"),
            "{m:#?}"
        );
        // What a plan saves loads back: the foreign fields serde fills in are not written.
        let mut plan = TreatmentPlan::default_plan();
        plan.scars = TreatmentPlan::from_toml_str(
            "[[scars]]\nkind = \"fue\"\ncount = 40\n[[scars]]\nkind = \"line\"\npoints = [[0, 10], [10, 10]]\n",
            "s.toml",
        )
        .unwrap()
        .scars;
        let back = TreatmentPlan::from_toml_str(&plan.to_toml_string(), "saved.toml").unwrap();
        assert_eq!(back, plan);
    }

    #[test]
    fn arrays_past_their_limit_are_one_problem() {
        let zones = "[[zones]]\nazimuth_deg = 0\n".repeat(50);
        let m = messages(&zones);
        assert_eq!(m.len(), 1, "{m:#?}");
        assert!(m[0].contains("50 zones given: at most 8"), "{m:#?}");
    }
}
