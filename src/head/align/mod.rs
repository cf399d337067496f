//! Aligning a scan without help: its unit, its up, front and left, and the
//! landmarks the plan needs, in the scan's own coordinates.
//!
//! 1. The scan's surface is sampled by area and indexed.
//! 2. Global search: the template head (`template`) is fitted from 96
//!    orientations spread over all of them, with scale, by trimmed ICP on a
//!    sparse template; the best few are refined on the full one.
//! 3. The fitted scale is snapped to the nearest unit (mm, cm, in, dm, ft,
//!    m) and the fit redone rigid at that scale.
//! 4. Checks: the template must lie on the scan (a head) and its face must
//!    (a face), or the scan is refused saying what was not found.
//! 5. Each landmark: the template patch around it is fitted again on its
//!    own (rigid), which follows the client's shape there; the landmark goes
//!    where that local fit carries the template's. Its confidence is the
//!    share of the patch that then lies on the scan.
//! 6. The head frame comes from the landmarks by `frame::head_frame`, the
//!    rule given landmarks use too.

pub mod fit;
pub mod frame;
pub mod report;
mod surface;
mod template;

use glam::Vec3;

use super::{Landmarks, Piece};
use fit::{Similarity, distances_mm, icp};
pub use surface::SplitMix;
use surface::{PointIndex, sample_by_area};
use template::Template;

#[cfg(test)]
mod tests;

/// The landmarks' names, in the order of `frame::points` and `confidence`.
pub const LANDMARK_NAMES: [&str; 7] = [
    "glabella",
    "vertex",
    "ear_left",
    "ear_right",
    "inion",
    "eye_left",
    "eye_right",
];
/// Scan samples indexed for the fit.
const SCAN_POINTS: usize = 40_000;
/// Turns about the left-right axis tried in the global search, and how many
/// fits go on to refining.
const IN_PLANE_STEPS: usize = 24;
const REFINED: usize = 6;
/// Start scales, times the ratio of the template's spread to the scan's.
const START_SCALES: [f32; 3] = [1.0, 1.5, 2.2];
/// A template point "lies on the scan" within this distance, mm.
const ON_SURFACE_MM: f32 = 3.0;
/// A template point counts as covered by the scan within this distance, mm:
/// loose, for heads shaped unlike the template.
const COVERED_MM: f32 = 8.0;
/// Least share of the template covered for a head, and of its face.
pub const MIN_HEAD_COVERAGE: f32 = 0.6;
pub const MIN_FACE_COVERAGE: f32 = 0.7;
/// Patch radius around each landmark for its local fit, mm.
const PATCH_MM: [f32; 7] = [30.0, 45.0, 30.0, 30.0, 40.0, 22.0, 22.0];

/// What `align` found.
#[derive(Clone, Debug)]
pub struct Alignment {
    /// In the file's coordinates and units (`eye_radius_mm` in mm).
    pub landmarks: Landmarks,
    /// File to head frame.
    pub to_head: Similarity,
    /// The unit recognised, or `None` for a scan in arbitrary units.
    pub unit: Option<&'static str>,
    /// Per landmark, 0-1, in `LANDMARK_NAMES` order.
    pub confidence: [f32; 7],
    /// Share of the template head on the scan, and of its face.
    pub head_coverage: f32,
    pub face_coverage: f32,
    /// RMS distance of the template points on the scan, mm.
    pub fit_rms_mm: f32,
}

#[derive(Debug, thiserror::Error)]
pub enum AlignError {
    #[error("{file}: the mesh has no triangles to align")]
    Empty { file: String },
    #[error(
        "{file}: this does not look like a head: at best {coverage:.0} % of a head's surface \
         lies within 8 mm of it (at least {min:.0} % is needed); give a head scan, or give its landmarks \
         in [head.landmarks]",
        coverage = 100.0 * coverage,
        min = 100.0 * MIN_HEAD_COVERAGE
    )]
    NotAHead { file: String, coverage: f32 },
    #[error(
        "{file}: no face found: only {coverage:.0} % of a face (eyes, nose, mouth, chin) lies on \
         the scan where the rest of the head puts it (at least {min:.0} % is needed); scan the \
         whole head, face included, or give its landmarks in [head.landmarks]",
        coverage = 100.0 * coverage,
        min = 100.0 * MIN_FACE_COVERAGE
    )]
    NoFace { file: String, coverage: f32 },
}

/// Aligns the scan made of `pieces` (the file's coordinates and units);
/// `file` names it in errors.
pub fn align(pieces: &[Piece], file: &str) -> Result<Alignment, AlignError> {
    let (positions, triangles) = merged(pieces);
    let samples = sample_by_area(&positions, &triangles, SCAN_POINTS, 0xa11e);
    if samples.len() < 100 {
        return Err(AlignError::Empty { file: file.into() });
    }
    let scan = PointIndex::new(&samples);
    let template = Template::get();
    // First at the units a scan comes in, the scale then exact; a scan in
    // no unit (or one these starts miss) is searched with the scale free.
    let coverage = |f: &Similarity| {
        share(
            distances_mm(&template.points, &scan, f)
                .iter()
                .map(|&d| d < ON_SURFACE_MM),
        )
    };
    let scored = |scales| global_fit(&samples, &scan, template, scales).map(|f| (coverage(&f), f));
    let fitted = match scored(Scales::Units) {
        Some((covered, f)) if covered >= MIN_HEAD_COVERAGE => f,
        units => match (units, scored(Scales::Free)) {
            (Some(a), Some(b)) => {
                if a.0 >= b.0 {
                    a.1
                } else {
                    b.1
                }
            }
            (a, b) => a.or(b).map_or(Similarity::IDENTITY, |(_, f)| f),
        },
    };
    let (scale, unit) = frame::snap_to_unit(fitted.scale);
    // The rest looks at the head alone, sampled as densely as a head-only
    // scan: a bust's samples are mostly torso.
    let samples = sample_by_area(
        &positions,
        &near_head(&positions, &triangles, &fitted, template),
        SCAN_POINTS,
        0x4ead,
    );
    if samples.len() < 100 {
        return Err(AlignError::NotAHead {
            file: file.into(),
            coverage: 0.0,
        });
    }
    let scan = PointIndex::new(&samples);
    // Rescaled about the head's centre, so the head stays where the fit put it.
    let centre = samples.iter().copied().sum::<Vec3>() / samples.len() as f32;
    let start = Similarity {
        scale,
        rotation: fitted.rotation,
        translation: fitted.translation + (fitted.scale - scale) * (fitted.rotation * centre),
    };
    let rigid = icp(
        &template.points,
        &scan,
        start,
        15,
        (10.0, ON_SURFACE_MM),
        false,
    )
    .to_head;

    let distances = distances_mm(&template.points, &scan, &rigid);
    let on = |d: f32| d < COVERED_MM;
    let head_coverage = share(distances.iter().map(|&d| on(d)));
    if head_coverage < MIN_HEAD_COVERAGE {
        return Err(AlignError::NotAHead {
            file: file.into(),
            coverage: head_coverage,
        });
    }
    let face = template
        .points
        .iter()
        .zip(&distances)
        .filter(|(p, _)| template.is_face(**p));
    let face_coverage = share(face.map(|(_, &d)| on(d)));
    if face_coverage < MIN_FACE_COVERAGE {
        return Err(AlignError::NoFace {
            file: file.into(),
            coverage: face_coverage,
        });
    }
    let inliers: Vec<f32> = distances
        .iter()
        .copied()
        .filter(|&d| d < ON_SURFACE_MM)
        .collect();
    let fit_rms_mm = (inliers.iter().map(|d| d * d).sum::<f32>() / inliers.len() as f32).sqrt();

    let (found, confidence) = local_landmarks(template, &scan, &rigid);
    let landmarks = Landmarks {
        eye_radius_mm: template.landmarks.eye_radius_mm,
        ..found
    };
    let (to_head, _) = frame::head_frame(&landmarks, Some(scale)).ok_or(AlignError::NotAHead {
        file: file.into(),
        coverage: head_coverage,
    })?;
    Ok(Alignment {
        landmarks,
        to_head,
        unit,
        confidence,
        head_coverage,
        face_coverage,
        fit_rms_mm,
    })
}

/// The triangles within reach of the template head placed by `to_head`.
fn near_head(
    positions: &[Vec3],
    triangles: &[[u32; 3]],
    to_head: &Similarity,
    template: &Template,
) -> Vec<[u32; 3]> {
    let (centre, radius) = template.bounding_sphere();
    let reach = radius + 30.0;
    triangles
        .iter()
        .filter(|t| {
            t.iter()
                .any(|&i| to_head.apply(positions[i as usize]).distance(centre) < reach)
        })
        .copied()
        .collect()
}

fn share(flags: impl Iterator<Item = bool>) -> f32 {
    let (mut yes, mut all) = (0usize, 0usize);
    for f in flags {
        all += 1;
        yes += usize::from(f);
    }
    yes as f32 / all.max(1) as f32
}

/// All pieces as one surface (a scan's parts are all the client).
fn merged(pieces: &[Piece]) -> (Vec<Vec3>, Vec<[u32; 3]>) {
    let mut positions = Vec::new();
    let mut triangles = Vec::new();
    for piece in pieces {
        let base = positions.len() as u32;
        let n = piece.positions.len() as u32;
        positions.extend(piece.positions.iter().map(|&p| Vec3::from(p)));
        triangles.extend(
            piece
                .triangles
                .iter()
                .filter(|t| t.iter().all(|&i| i < n))
                .map(|t| t.map(|i| i + base)),
        );
    }
    let finite = |t: &[u32; 3]| t.iter().all(|&i| positions[i as usize].is_finite());
    let triangles = triangles.into_iter().filter(finite).collect();
    (positions, triangles)
}

/// The best similarity from file to head frame over starts in every
/// orientation, at three scales and seven places on the scan (a scan with
/// shoulders has its head off the centre and its spread too big), narrowed
/// in three rounds: many starts briefly, the best few longer, the best
/// four on the full template.
/// Where the global search starts its scale.
#[derive(Clone, Copy, PartialEq)]
enum Scales {
    /// Each unit (`frame::UNITS`) the scan's size allows, kept fixed.
    Units,
    /// `START_SCALES` times the spread ratio, fitted as it goes.
    Free,
}

fn global_fit(
    samples: &[Vec3],
    scan: &PointIndex,
    template: &Template,
    scales: Scales,
) -> Option<Similarity> {
    let centre = |pts: &[Vec3]| pts.iter().copied().sum::<Vec3>() / pts.len() as f32;
    let spread = |pts: &[Vec3], c: Vec3| {
        (pts.iter().map(|p| p.distance_squared(c)).sum::<f32>() / pts.len() as f32).sqrt()
    };
    let (cs, ct) = (centre(samples), centre(&template.points));
    let guess = spread(&template.points, ct) / spread(samples, cs).max(f32::MIN_POSITIVE);
    let (candidates, fit_scale): (Vec<f32>, bool) = match scales {
        // A bust spreads more than a head (×2.2), a head cut at the brows less.
        Scales::Units => (
            frame::UNITS
                .iter()
                .map(|u| u.1)
                .filter(|&u| (0.6 * guess..=2.6 * guess).contains(&u))
                .collect(),
            false,
        ),
        Scales::Free => (START_SCALES.iter().map(|f| f * guess).collect(), true),
    };
    if candidates.is_empty() {
        return None;
    }
    // The head may be the whole scan or one end of it (a bust): start at
    // the centre and a head's radius in from each end of the two axes in
    // the plane of symmetry.
    let axes = principal_axes(samples, cs);
    let head_radius = spread(&template.points, ct);
    let mut starts = Vec::new();
    for left in symmetry_normals(samples, scan, cs) {
        let in_plane = axes
            .iter()
            .map(|&(a, _)| a - a.dot(left) * left)
            .max_by(|a, b| a.length().total_cmp(&b.length()))
            .unwrap_or(Vec3::Y)
            .normalize();
        let rotations = symmetric_rotations(left, in_plane);
        for &s in &candidates {
            let mut places = vec![cs];
            for axis in [in_plane, left.cross(in_plane)] {
                for sign in [1.0, -1.0] {
                    let end = far_end(samples, cs, axis * sign);
                    places.push(cs + axis * sign * (end - head_radius / s).max(0.0));
                }
            }
            for &place in &places {
                for &r in &rotations {
                    starts.push(Similarity {
                        scale: s,
                        rotation: r,
                        translation: ct - s * (r * place),
                    });
                }
            }
        }
    }
    let rounds = [
        (template.sparse(40), 4, (80.0, 20.0), 32),
        (template.sparse(12), 10, (30.0, 8.0), REFINED),
        (template.points.clone(), 25, (12.0, ON_SURFACE_MM), 1),
    ];
    for (points, steps, reach, keep) in rounds {
        let mut fits: Vec<fit::Fit> = crate::par::map_chunks(starts.len(), |range| {
            range
                .map(|i| icp(&points, scan, starts[i], steps, reach, fit_scale))
                .collect::<Vec<_>>()
        })
        .into_iter()
        .flatten()
        .collect();
        fits.sort_by(|a, b| a.cost.total_cmp(&b.cost));
        starts = distinct(fits.iter().map(|f| f.to_head), keep);
    }
    starts.first().copied()
}

/// How far the scan reaches from `centre` along `dir`: the 99.5th
/// percentile, so that a loose fragment is not taken for the end of it.
fn far_end(samples: &[Vec3], centre: Vec3, dir: Vec3) -> f32 {
    let mut along: Vec<f32> = samples.iter().map(|p| (*p - centre).dot(dir)).collect();
    let k = (along.len() * 995 / 1000).min(along.len().saturating_sub(1));
    along.select_nth_unstable_by(k, f32::total_cmp);
    along[k].max(0.0)
}

/// The first `keep` of `fits` that differ from every one kept before by
/// 10° or 10 mm: starts that fell into the same basin are tried once.
fn distinct(fits: impl Iterator<Item = Similarity>, keep: usize) -> Vec<Similarity> {
    let mut kept: Vec<Similarity> = Vec::new();
    for f in fits {
        let same = |k: &Similarity| {
            let turn = glam::Quat::from_mat3(&(f.rotation * k.rotation.transpose()));
            let offset =
                f.apply_inverse(Vec3::ZERO) * f.scale - k.apply_inverse(Vec3::ZERO) * k.scale;
            turn.angle_between(glam::Quat::IDENTITY) < 10f32.to_radians() && offset.length() < 10.0
        };
        if !kept.iter().any(same) {
            kept.push(f);
            if kept.len() == keep {
                break;
            }
        }
    }
    kept
}

/// Candidates for the normal of the head's plane of symmetry (through
/// `centre`): of directions spread over a hemisphere, those whose mirror
/// image of the scan lies closest to the scan, each refined ever closer.
/// The best and the best at least 30° from it: on a bust the torso is
/// nearly as symmetric front to back as left to right, and outweighs the head.
fn symmetry_normals(samples: &[Vec3], scan: &PointIndex, centre: Vec3) -> Vec<Vec3> {
    let probe: Vec<Vec3> = samples
        .iter()
        .step_by(samples.len() / 1500 + 1)
        .copied()
        .collect();
    let mismatch = |axis: Vec3| {
        let mut d: Vec<f32> = probe
            .iter()
            .map(|&p| {
                let mirrored = p - 2.0 * (p - centre).dot(axis) * axis;
                scan.nearest(mirrored)
                    .map_or(f32::INFINITY, |q| q.distance(mirrored))
            })
            .collect();
        d.sort_by(f32::total_cmp);
        d[d.len() / 2]
    };
    let scored = |dirs: Vec<Vec3>| {
        let scores = crate::par::map_chunks(dirs.len(), |range| {
            range.map(|i| mismatch(dirs[i])).collect::<Vec<f32>>()
        });
        let mut out: Vec<(f32, Vec3)> = scores.into_iter().flatten().zip(dirs).collect();
        out.sort_by(|a, b| a.0.total_cmp(&b.0));
        out
    };
    let coarse = scored(fibonacci_directions(300).filter(|d| d.z >= 0.0).collect());
    let first = coarse[0].1;
    let apart = |d: Vec3| d.dot(first).abs() < 30f32.to_radians().cos();
    let second = coarse
        .iter()
        .find(|(_, d)| apart(*d))
        .map_or(first.any_orthogonal_vector(), |c| c.1);
    [first, second]
        .into_iter()
        .map(|mut best| {
            for cone_deg in [8.0f32, 3.0, 1.0] {
                let (u, v) = best.any_orthonormal_pair();
                let cone = cone_deg.to_radians();
                let mut dirs = vec![best];
                for k in 0..12 {
                    let a = std::f32::consts::TAU * k as f32 / 12.0;
                    for r in [0.5, 1.0] {
                        dirs.push(
                            (best + (u * a.cos() + v * a.sin()) * (cone * r).tan()).normalize(),
                        );
                    }
                }
                best = scored(dirs)[0].1;
            }
            best
        })
        .collect()
}

/// `n` directions spread evenly over the sphere.
fn fibonacci_directions(n: usize) -> impl Iterator<Item = Vec3> {
    let golden = std::f32::consts::PI * (3.0 - 5f32.sqrt());
    (0..n).map(move |i| {
        let y = 1.0 - 2.0 * (i as f32 + 0.5) / n as f32;
        let r = (1.0 - y * y).max(0.0).sqrt();
        let a = golden * i as f32;
        Vec3::new(r * a.cos(), y, r * a.sin())
    })
}

/// Rotations that turn `left` (either way) onto the head frame's X, at
/// every 360/`IN_PLANE_STEPS` degrees about it.
fn symmetric_rotations(left: Vec3, other: Vec3) -> Vec<glam::Mat3> {
    let mut out = Vec::new();
    for sign in [1.0, -1.0] {
        let a1 = left * sign;
        let a2 = (other - other.dot(a1) * a1).normalize();
        let a3 = a1.cross(a2);
        let basis = glam::Mat3::from_cols(a1, a2, a3).transpose();
        for k in 0..IN_PLANE_STEPS {
            let turn = std::f32::consts::TAU * k as f32 / IN_PLANE_STEPS as f32;
            out.push(glam::Mat3::from_rotation_x(turn) * basis);
        }
    }
    out
}

/// The samples' principal axes and the spread along each.
fn principal_axes(samples: &[Vec3], centre: Vec3) -> Vec<(Vec3, f32)> {
    let mut cov = nalgebra::Matrix3::<f64>::zeros();
    for p in samples {
        let d = (*p - centre).as_dvec3();
        for r in 0..3 {
            for c in 0..3 {
                cov[(r, c)] += d[r] * d[c];
            }
        }
    }
    cov /= samples.len().max(1) as f64;
    let eigen = cov.symmetric_eigen();
    (0..3)
        .map(|k| {
            let v = eigen.eigenvectors.column(k);
            let axis = Vec3::new(v[0] as f32, v[1] as f32, v[2] as f32);
            (axis, eigen.eigenvalues[k].max(0.0).sqrt() as f32)
        })
        .collect()
}

/// Each landmark carried by a rigid fit of the template patch around it,
/// in file coordinates, with its confidence.
fn local_landmarks(
    template: &Template,
    scan: &PointIndex,
    global: &Similarity,
) -> (Landmarks, [f32; 7]) {
    let truth = frame::points(&template.landmarks);
    let mut found = [Vec3::ZERO; 7];
    let mut confidence = [0.0; 7];
    for (k, &at) in truth.iter().enumerate() {
        let patch = template.patch(at, PATCH_MM[k]);
        let local = icp(&patch, scan, *global, 12, (8.0, ON_SURFACE_MM), false).to_head;
        let d = distances_mm(&patch, scan, &local);
        confidence[k] = share(d.iter().map(|&d| d < 1.5));
        found[k] = local.apply_inverse(at);
    }
    (
        frame::from_points(found, template.landmarks.eye_radius_mm),
        confidence,
    )
}
