//! Plan parsing and every validation error, without a GPU.

use smp_preview::plan::{PlanError, TreatmentPlan};

fn parse(text: &str) -> Result<TreatmentPlan, PlanError> {
    TreatmentPlan::from_toml_str(text, "client.toml")
}

/// The error text for a plan that must be rejected.
fn rejected(text: &str) -> String {
    match parse(text) {
        Ok(_) => panic!("plan accepted but should be rejected:\n{text}"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn default_and_example_plans_are_valid() {
    let plan = TreatmentPlan::default_plan();
    assert_eq!(plan.sessions.len(), 3);
    for entry in std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/assets/plans")).unwrap() {
        let path = entry.unwrap().path();
        TreatmentPlan::load(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    }
}

#[test]
fn an_empty_plan_takes_the_documented_defaults() {
    let plan = parse("").unwrap();
    assert_eq!(plan.density.final_per_cm2, 90.0);
    assert_eq!(plan.hairline.frontal_height_mm, None);
    assert_eq!(plan.hairline.band_mm, 6.0);
    let shares: Vec<f32> = plan.sessions.iter().map(|s| s.share).collect();
    assert_eq!(shares, vec![0.30, 0.40, 0.30]);
    assert!(plan.sessions.iter().all(|s| s.diameter_mm == 0.45));
    assert_eq!(plan.lights.exposure, None);
    // 0.74 / √90 cm = 0.780 mm
    assert!((plan.min_spacing_mm() - 0.7800).abs() < 1e-3);
}

#[test]
fn round_trips_through_toml() {
    let plan = TreatmentPlan::default_plan();
    let again = parse(&plan.to_toml_string()).unwrap();
    assert_eq!(plan, again);
}

#[test]
fn out_of_range_values_name_file_line_field_and_range() {
    let text = "seed = 3\n\n[density]\nfinal_per_cm2 = 400\n";
    let msg = rejected(text);
    assert!(msg.contains("client.toml:4"), "{msg}");
    assert!(msg.contains("density.final_per_cm2"), "{msg}");
    assert!(msg.contains("5 to 200"), "{msg}");
}

#[test]
fn session_fields_point_at_their_line() {
    let text = "[[sessions]]\nshade = \"dark\"\nshare = 0.5\n\n[[sessions]]\nshade = \"dark\"\nshare = 0.5\ndiameter_mm = 3.0\n";
    let msg = rejected(text);
    assert!(msg.contains("client.toml:8"), "{msg}");
    assert!(msg.contains("sessions[1].diameter_mm"), "{msg}");
    assert!(msg.contains("0.2 to 1.5 mm"), "{msg}");
}

#[test]
fn every_problem_is_reported_at_once() {
    let text = "[hairline]\nfrontal_height_mm = 30\nband_mm = 40\n[output]\nwidth = 10\n";
    let err = parse(text).unwrap_err();
    let fields: Vec<String> = err.issues().iter().map(|i| i.field()).collect();
    assert_eq!(
        fields,
        vec![
            "hairline.frontal_height_mm",
            "hairline.band_mm",
            "output.width"
        ]
    );
}

#[test]
fn each_range_is_checked() {
    let cases = [
        (
            "[hairline]\nirregularity_mm = 9",
            "hairline.irregularity_mm",
        ),
        (
            "[hairline]\nirregularity_scale_mm = 1",
            "hairline.irregularity_scale_mm",
        ),
        ("[head]\nsubdivisions = 5", "head.subdivisions"),
        ("[head]\nscale_to_mm = 0", "head.scale_to_mm"),
        ("[skin]\ndetail = 3", "skin.detail"),
        ("[skin]\ntone = \"olive\"", "skin.tone"),
        ("[region]\ndepth_mm = 1", "region.depth_mm"),
        ("[region]\ncrown_radius_mm = 500", "region.crown_radius_mm"),
        ("[region]\nfeather_mm = -1", "region.feather_mm"),
        ("[density]\nmin_spacing_mm = 0.01", "density.min_spacing_mm"),
        ("[density]\nmin_spacing_mm = 2.5", "density.min_spacing_mm"),
        (
            "[density]\nrelaxation_steps = 33",
            "density.relaxation_steps",
        ),
        (
            "[density]\nrelaxation_steps = -1",
            "density.relaxation_steps",
        ),
        ("[lights]\nexposure = 0", "lights.exposure"),
        (
            "[lights.key]\ndirection = [0, 0, 0]\nintensity = 1",
            "lights.key.direction",
        ),
        (
            "[lights.rim]\ndirection = [0, 1, 0]\nintensity = 99",
            "lights.rim.intensity",
        ),
        (
            "[lights.fill]\ndirection = [0, 1, 0]\nintensity = 1\ncolor = \"white\"",
            "lights.fill.color",
        ),
        ("[output]\nheight = 9000", "output.height"),
        ("[output]\nviews = []", "output.views"),
        ("[output]\nbackground = \"#12\"", "output.background"),
        (
            "[[zones]]\nazimuth_deg = 200\nelevation_deg = 40\nradius_mm = 30\ndensity_scale = 1",
            "zones[0].azimuth_deg",
        ),
        (
            "[[zones]]\nazimuth_deg = 0\nelevation_deg = 40\nradius_mm = 30\ndensity_scale = 5",
            "zones[0].density_scale",
        ),
    ];
    for (text, field) in cases {
        let err = parse(text).unwrap_err();
        let fields: Vec<String> = err.issues().iter().map(|i| i.field()).collect();
        assert!(
            fields.iter().any(|f| f == field),
            "{text:?}: expected {field}, got {fields:?}"
        );
    }
}

#[test]
fn session_shares_must_add_up() {
    let text = "[[sessions]]\nshade = \"dark\"\nshare = 0.5\n[[sessions]]\nshade = \"dark\"\nshare = 0.3\n";
    let msg = rejected(text);
    assert!(msg.contains("add up to 1"), "{msg}");
}

#[test]
fn too_many_sessions_and_unknown_shades() {
    let five: String = (0..5)
        .map(|_| "[[sessions]]\nshade = \"dark\"\nshare = 0.2\n")
        .collect();
    let msg = rejected(&five);
    assert!(
        msg.contains("sessions: 5 sessions given: at most 4"),
        "{msg}"
    );
    let msg = rejected("[[sessions]]\nshade = \"purple\"\nshare = 1.0\n");
    assert!(
        msg.contains("sessions[0].shade") && msg.contains("soft-black"),
        "{msg}"
    );
}

#[test]
fn syntax_errors_and_unknown_fields_name_the_line() {
    let msg = rejected("seed = 1\n[hairline]\nheight_mm = 80\n");
    assert!(msg.contains("client.toml:3: hairline.height_mm"), "{msg}");
    assert!(msg.contains("height_mm"), "{msg}");
    let msg = rejected("seed = 1\nname = \"unterminated\n");
    assert!(msg.starts_with("client.toml:2"), "{msg}");
    let msg = rejected("[hairline]\npreset = \"zigzag\"\n");
    assert!(
        msg.contains("client.toml:2") && msg.contains("rounded"),
        "{msg}"
    );
}

#[test]
fn a_missing_file_names_the_path() {
    let err = TreatmentPlan::load(std::path::Path::new("/no/such/plan.toml")).unwrap_err();
    assert!(err.to_string().contains("/no/such/plan.toml"), "{err}");
}
