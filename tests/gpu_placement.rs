//! Impression placement on the GPU, checked from the instance buffer read back.

mod common;

use glam::Vec3;
use smp_preview::hairline::STRAY_REACH_MM;
use smp_preview::stats::{self, ImpressionRecord};

#[test]
fn density_spacing_and_blue_noise_match_the_plan() {
    let loaded = common::load("default.toml");
    let prepared = common::prepare(&loaded);
    let stats = prepared.stats(&loaded).unwrap();
    println!("{}", stats.table());
    let planned = &prepared.scene.placement.planned;
    assert!(
        stats.impressions > 10_000,
        "{} impressions",
        stats.impressions
    );
    for (s, planned_count) in stats.sessions.iter().zip(planned) {
        assert_eq!(
            s.impressions as u32, *planned_count,
            "session {} placed fewer than planned",
            s.session
        );
        let err = (s.interior_density_per_cm2 - s.planned_density_per_cm2).abs()
            / s.planned_density_per_cm2;
        assert!(
            err <= 0.05,
            "session {}: measured {:.2}/cm² vs planned {:.2}/cm²",
            s.session,
            s.interior_density_per_cm2,
            s.planned_density_per_cm2
        );
    }
    assert!(
        stats.min_spacing_mm >= stats.planned_min_spacing_mm * 0.999,
        "{} < {}",
        stats.min_spacing_mm,
        stats.planned_min_spacing_mm
    );
    // Nearly saturated dart throwing, then relaxed: 1.85 on this plan (1.92
    // before the relaxation's random nudges, 1.60 before relaxation, 1.48
    // before the spacing was widened to 0.7 / √ρ).
    assert!(
        stats.clark_evans_r >= 1.55,
        "Clark–Evans R {}",
        stats.clark_evans_r
    );
}

/// Waves of candidates (`gpu::impressions`) decide exactly what one pass over
/// the whole candidate stream would: a smaller plan at the same spacing (and
/// so fewer candidate slots, other wave boundaries) places the first of the
/// larger plan's impressions, in the same order. Both take two waves or more,
/// so the comparison reaches past the larger plan's first wave.
#[test]
fn waves_of_candidates_place_what_one_stream_would() {
    // Relaxation moves impressions by their neighbours: off, to compare
    // what dart throwing placed.
    let mut small = common::load("default.toml");
    small.plan.density.min_spacing_mm = Some(small.plan.min_spacing_mm());
    small.plan.density.relaxation_steps = 0;
    let mut large = common::load("default.toml");
    large.plan.density.min_spacing_mm = small.plan.density.min_spacing_mm;
    large.plan.density.relaxation_steps = 0;
    // (Within what the spacing can hold: it saturates near 1.07 times the plan.)
    large.plan.density.final_per_cm2 *= 1.04;
    let large = common::prepare(&large);
    let small = common::prepare(&small);
    for p in [&large, &small] {
        let waves = p.scene.impressions.waves;
        assert!(waves >= 2, "{waves} wave(s): the test needs more");
        let placed = p.scene.impressions.count;
        let planned = p.scene.placement.total_planned();
        assert_eq!(placed, planned, "placed of planned");
    }
    let (a, b) = (large.impressions().unwrap(), small.impressions().unwrap());
    assert!(b.len() > 50_000 && b.len() < a.len());
    let first_differing = a
        .iter()
        .zip(&b)
        .position(|(x, y)| x.position_mm != y.position_mm);
    assert_eq!(first_differing, None, "of {} impressions", b.len());
}

/// Relaxation evens the spacing out (Clark–Evans R up), keeps the minimum
/// spacing and the count, and moves impressions only a little: on the
/// default plan, and on one whose denser zones (over its scars) leave the
/// rest of the treated scalp below the plan's peak coverage.
#[test]
fn relaxation_evens_the_spacing_and_keeps_the_minimum() {
    for plan in ["default.toml", "fue-scars.toml"] {
        relaxation_evens(plan);
    }
}

fn relaxation_evens(plan: &str) {
    let mut plain = common::load(plan);
    plain.plan.density.relaxation_steps = 0;
    let relaxed = common::load(plan);
    assert!(relaxed.plan.density.relaxation_steps > 0);
    let (p, r) = (common::prepare(&plain), common::prepare(&relaxed));
    let (sp, sr) = (p.stats(&plain).unwrap(), r.stats(&relaxed).unwrap());
    println!(
        "{plan}: R {:.3} -> {:.3}; min spacing {:.3} -> {:.3} (planned {:.3})",
        sp.clark_evans_r,
        sr.clark_evans_r,
        sp.min_spacing_mm,
        sr.min_spacing_mm,
        sr.planned_min_spacing_mm
    );
    assert_eq!(sp.impressions, sr.impressions);
    assert!(sr.clark_evans_r > sp.clark_evans_r + 0.15);
    assert!(sr.min_spacing_mm >= sr.planned_min_spacing_mm * 0.999);
    let (a, b) = (p.impressions().unwrap(), r.impressions().unwrap());
    let spacing = relaxed.plan.min_spacing_mm();
    let moved = a
        .iter()
        .zip(&b)
        .filter(|(x, y)| x.position_mm != y.position_mm)
        .count();
    let farthest = a
        .iter()
        .zip(&b)
        .map(|(x, y)| x.position().distance(y.position()))
        .fold(0.0f32, f32::max);
    println!("{moved} of {} moved, at most {farthest:.3} mm", a.len());
    assert!(moved > a.len() / 2, "{moved} moved");
    // At most a quarter of an impression's own spacing a step (the least
    // spacing where the coverage is the plan's peak).
    let steps = relaxed.plan.density.relaxation_steps as f32;
    assert!(farthest <= 0.25 * spacing * steps + 1e-3, "{farthest}");
}

#[test]
fn same_seed_same_bytes_and_another_seed_differs() {
    let loaded = common::load("receding-nw3.toml");
    let a = common::prepare(&loaded).impressions().unwrap();
    let b = common::prepare(&loaded).impressions().unwrap();
    assert!(!a.is_empty());
    assert!(
        bytemuck::cast_slice::<_, u8>(&a) == bytemuck::cast_slice::<_, u8>(&b),
        "same seed gave different impressions"
    );
    let mut other = common::load("receding-nw3.toml");
    other.plan.seed += 1;
    let c = common::prepare(&other).impressions().unwrap();
    assert!(a != c);
}

#[test]
fn impressions_lie_on_the_treated_scalp_only() {
    let loaded = common::load("receding-nw3.toml");
    let prepared = common::prepare(&loaded);
    let coverage = &prepared.scene.placement.coverage;
    let records = prepared.impressions().unwrap();
    for r in &records {
        // The GPU evaluates the same coverage function as the CPU; allow float slack at the edge.
        // Sentinel dots lie up to STRAY_REACH_MM ahead of the line.
        let d = coverage.hairline_distance_mm(r.position());
        assert!(
            d > -STRAY_REACH_MM - 0.05,
            "impression {:?} is {d:.2} mm outside the hairline",
            r.position_mm
        );
    }
    // Nothing on the face: every impression is above the glabella.
    let glabella = loaded.head.landmarks.glabella;
    assert!(
        records
            .iter()
            .all(|r| r.position().y > glabella.y + 20.0 || r.position().z < glabella.z - 40.0)
    );
}

#[test]
fn later_sessions_fill_the_gaps_of_earlier_ones() {
    let loaded = common::load("default.toml");
    let prepared = common::prepare(&loaded);
    let records = prepared.impressions().unwrap();
    let spacing = loaded.plan.min_spacing_mm();
    let first: Vec<Vec3> = records
        .iter()
        .filter(|r| r.session() == 0)
        .map(ImpressionRecord::position)
        .collect();
    let all: Vec<Vec3> = records.iter().map(ImpressionRecord::position).collect();
    let mean = |v: &[f32]| v.iter().map(|x| *x as f64).sum::<f64>() / v.len() as f64;
    let nn_first = mean(&stats::nearest_distances(&first, spacing * 2.0));
    let nn_all = mean(&stats::nearest_distances(&all, spacing * 2.0));
    // Session 1 alone is sparser, and keeps the minimum spacing. Its 30 % are
    // dart throwing's first, held apart by the spacing as the rest are, so
    // not the √(1/0.3) ≈ 1.8× of a random third: measured 1.017 against
    // 0.848 mm (1.20×; 1.26× before relaxation's twelve full steps evened
    // the whole set out).
    assert!(
        nn_first > nn_all * 1.15,
        "session 1 mean NN {nn_first:.3} vs all {nn_all:.3}"
    );
    assert!(
        stats::nearest_distances(&first, spacing * 2.0)
            .iter()
            .all(|d| *d >= spacing * 0.999)
    );
}

#[test]
fn a_density_zone_adds_density() {
    let mut loaded = common::load("default.toml");
    loaded.plan.zones.push(smp_preview::plan::ZoneSpec {
        name: "crown".into(),
        azimuth_deg: 180.0,
        elevation_deg: 55.0,
        radius_mm: 45.0,
        feather_mm: 25.0,
        density_scale: 1.4,
        hair_density_scale: 1.0,
    });
    let prepared = common::prepare(&loaded);
    let zone = prepared.scene.placement.coverage.zones[0];
    let records = prepared.impressions().unwrap();
    let inside = records
        .iter()
        .filter(|r| r.position().distance(zone.point) < zone.radius_mm * 0.8)
        .count() as f64;
    let stats = prepared.stats(&loaded).unwrap();
    let per_cm2_overall: f64 = stats
        .sessions
        .iter()
        .map(|s| s.interior_density_per_cm2)
        .sum();
    // Area of the zone's inner disc on the scalp, by its own impressions' count vs the interior density.
    let disc_cm2 = std::f64::consts::PI * (zone.radius_mm as f64 * 0.8).powi(2) / 100.0;
    let ratio = inside / disc_cm2 / per_cm2_overall;
    assert!(
        (1.25..1.6).contains(&ratio),
        "crown density ratio {ratio:.2} (zone scale {})",
        zone.density_scale
    );
}

/// Density is right *everywhere*, not just on average: per azimuth sector of
/// the fully treated scalp, within ±8 % of the plan (each sector holds
/// thousands of impressions, so counting noise is ~2 %).
#[test]
fn density_is_even_around_the_head() {
    use smp_preview::hairline::azimuth;
    let loaded = common::load("default.toml");
    let prepared = common::prepare(&loaded);
    let coverage = &prepared.scene.placement.coverage;
    let head = &loaded.head;
    let sector = |p: Vec3| {
        ((azimuth(p - coverage.center).to_degrees() + 180.0) / 45.0)
            .floor()
            .clamp(0.0, 7.0) as usize
    };
    let interior = |p: Vec3| (coverage.coverage(p) - 1.0).abs() < 1e-3;
    let mut area_mm2 = [0f64; 8];
    for t in head.skin_triangles() {
        let [a, b, c] = t.map(|i| Vec3::from(head.vertices[i as usize].position_mm));
        let centroid = (a + b + c) / 3.0;
        if interior(centroid) {
            area_mm2[sector(centroid)] += 0.5 * (b - a).cross(c - a).length() as f64;
        }
    }
    let mut count = [0f64; 8];
    for r in prepared.impressions().unwrap() {
        if interior(r.position()) {
            count[sector(r.position())] += 1.0;
        }
    }
    let planned = loaded.plan.density.final_per_cm2 as f64;
    for s in 0..8 {
        let density = count[s] * 100.0 / area_mm2[s];
        assert!(
            area_mm2[s] > 1000.0,
            "sector {s} has only {:.0} mm² of treated scalp",
            area_mm2[s]
        );
        assert!(
            (density - planned).abs() / planned <= 0.08,
            "sector {s}: {density:.1}/cm² vs planned {planned}"
        );
    }
}
