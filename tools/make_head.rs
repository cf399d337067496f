//! `make-head`: reproducible converter from the MakeHuman hm08 base mesh to the
//! built-in head of `smp-preview`.
//!
//! ```text
//! cargo run --release --bin make-head -- ../shared/assets-src/makehuman-hm08/base.obj assets/head
//! ```
//!
//! Input: the MakeHuman hm08 base mesh (CC0): a whole body made of quads, 1 unit =
//! 1 decimetre, +Y up, +Z out of the face, +X towards the character's (client's) left.
//!
//! Output (in the output directory):
//! * `head.obj`: the head in the head frame (millimetres, +Y up, +Z out of the face,
//!   +X = client's left, origin midway between the ear canals) as three OBJ objects:
//!   `skin` (faces of group `body` entirely above [`CUT_Y_DM`]), `eye_left` and
//!   `eye_right` (groups `helper-l-eye` / `helper-r-eye`). UVs are kept, faces stay
//!   quads, unused vertices are dropped and everything is re-indexed.
//! * `landmarks.toml`: landmarks in the head frame, computed by the rules below
//!   (no hand-picked vertex ids).
//!
//! This tool deliberately does not depend on the `smp_preview` library.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail, ensure};
use glam::Vec3;

/// Cut height (source units, dm). Only `body` faces whose vertices all lie strictly
/// above this height are kept. On hm08 the chin (menton) is at y ≈ 6.16 dm and the
/// neck is narrowest at y ≈ 6.1 dm; 6.0 dm cuts the upper neck cleanly below the jaw
/// and above the trapezius / shoulder slope (which starts below y ≈ 5.85 dm).
const CUT_Y_DM: f32 = 6.0;

/// Source units to millimetres.
const DM_TO_MM: f32 = 100.0;

/// Midline: vertices with |x| below this (dm). hm08 midline vertices have x = 0.
const MIDLINE_DM: f32 = 0.005;

/// Glabella search band above the eye centres' height (dm).
const GLABELLA_BAND_DM: f32 = 0.45;

/// Skull half-width is measured on skin vertices in this band above the eye centres'
/// height (dm): above the top of the ears (≈ eye height + 0.1 dm) on the temporal /
/// parietal region, where nothing sticks out of the skull.
const SKULL_BAND_DM: (f32, f32) = (0.2, 0.4);

/// Ear vertices: skin vertices whose |x| exceeds the skull half-width by this margin
/// (dm) ...
const EAR_MARGIN_DM: f32 = 0.02;

/// ... within this distance of the eye centres' height (dm).
const EAR_BAND_DM: f32 = 0.6;

/// The ear canal opens in the anterior part of the auricle, just behind the tragus.
/// Its z is placed this fraction of the protruding ear's front-to-back extent behind
/// the ear's front edge (max z of the ear vertices).
const CANAL_FRONT_FRACTION: f32 = 0.25;

/// The canal's |x| is the innermost skin surface (min |x|, ignoring the face/neck
/// interior) among skin vertices within this radius (dm) of the canal point in the
/// y-z plane: the floor of the concha / the skull surface under the ear.
const CANAL_SURFACE_RADIUS_DM: f32 = 0.08;

/// Inion search band above the ear canals (dm): the occipital protuberance lies
/// between the ear canals' height and 6 cm above it.
const INION_BAND_DM: f32 = 0.6;

/// The chin (menton, only used for the sanity print-out) is the lowest midline skin
/// vertex further forward than the eye centres' z minus this (dm); this excludes the
/// mouth interior and the throat.
const MENTON_FRONT_DM: f32 = 0.25;

struct Face {
    v: Vec<usize>,
    vt: Vec<Option<usize>>,
}

struct SourceObj {
    v: Vec<Vec3>,
    vt: Vec<[f32; 2]>,
    groups: HashMap<String, Vec<Face>>,
    header: Vec<String>,
}

fn parse_index(tok: &str, len: usize, what: &str, line_no: usize) -> Result<usize> {
    let i: i64 = tok
        .parse()
        .with_context(|| format!("line {line_no}: bad {what} index {tok:?}"))?;
    let idx = if i > 0 {
        i - 1
    } else if i < 0 {
        len as i64 + i
    } else {
        bail!("line {line_no}: {what} index 0 is not allowed in OBJ");
    };
    ensure!(
        idx >= 0 && (idx as usize) < len,
        "line {line_no}: {what} index {i} out of range (have {len})"
    );
    Ok(idx as usize)
}

fn parse_source(path: &Path) -> Result<SourceObj> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let mut obj = SourceObj {
        v: Vec::new(),
        vt: Vec::new(),
        groups: HashMap::new(),
        header: Vec::new(),
    };
    let mut group = String::from("default");
    let mut in_header = true;
    for (n, line) in text.lines().enumerate() {
        let line_no = n + 1;
        let line = line.trim();
        if in_header {
            if let Some(c) = line.strip_prefix('#') {
                obj.header.push(c.trim().to_string());
                continue;
            }
            in_header = false;
        }
        let mut it = line.split_whitespace();
        match it.next() {
            Some("v") => {
                let c: Vec<f32> = it
                    .take(3)
                    .map(|t| t.parse::<f32>())
                    .collect::<Result<_, _>>()
                    .with_context(|| format!("line {line_no}: bad vertex"))?;
                ensure!(c.len() == 3, "line {line_no}: vertex needs 3 coordinates");
                obj.v.push(Vec3::new(c[0], c[1], c[2]));
            }
            Some("vt") => {
                let c: Vec<f32> = it
                    .take(2)
                    .map(|t| t.parse::<f32>())
                    .collect::<Result<_, _>>()
                    .with_context(|| format!("line {line_no}: bad texcoord"))?;
                ensure!(c.len() == 2, "line {line_no}: texcoord needs 2 coordinates");
                obj.vt.push([c[0], c[1]]);
            }
            Some("g") | Some("o") => {
                group = it.next().unwrap_or("default").to_string();
            }
            Some("f") => {
                let mut face = Face {
                    v: Vec::new(),
                    vt: Vec::new(),
                };
                for tok in it {
                    let mut parts = tok.split('/');
                    let vi = parse_index(parts.next().unwrap_or(""), obj.v.len(), "v", line_no)?;
                    let ti = match parts.next() {
                        Some(t) if !t.is_empty() => {
                            Some(parse_index(t, obj.vt.len(), "vt", line_no)?)
                        }
                        _ => None,
                    };
                    face.v.push(vi);
                    face.vt.push(ti);
                }
                ensure!(face.v.len() >= 3, "line {line_no}: face with < 3 vertices");
                obj.groups.entry(group.clone()).or_default().push(face);
            }
            _ => {}
        }
    }
    Ok(obj)
}

/// A landmark set in source units (dm).
struct Found {
    glabella: Vec3,
    vertex: Vec3,
    ear_left: Vec3,
    ear_right: Vec3,
    inion: Vec3,
    eye_left: Vec3,
    eye_right: Vec3,
    eye_radius: f32,
    menton: Vec3,
    skull_half_width: f32,
    ear_vertex_count: [usize; 2],
}

fn centroid(pts: &[Vec3]) -> Vec3 {
    pts.iter().copied().sum::<Vec3>() / pts.len() as f32
}

fn mirror_x(p: Vec3) -> Vec3 {
    Vec3::new(-p.x, p.y, p.z)
}

/// Ear canal of one side (`side` = +1 for +X = client's left, -1 for the right).
fn ear_canal(skin: &[Vec3], eye_y: f32, skull_half_width: f32, side: f32) -> Result<(Vec3, usize)> {
    // Ear vertices: stick out past the skull near ear height.
    let ear: Vec<Vec3> = skin
        .iter()
        .copied()
        .filter(|p| {
            p.x * side > skull_half_width + EAR_MARGIN_DM && (p.y - eye_y).abs() < EAR_BAND_DM
        })
        .collect();
    ensure!(
        ear.len() >= 10,
        "found only {} ear vertices on side {side}",
        ear.len()
    );
    let c = centroid(&ear);
    let z_min = ear.iter().map(|p| p.z).fold(f32::INFINITY, f32::min);
    let z_max = ear.iter().map(|p| p.z).fold(f32::NEG_INFINITY, f32::max);
    let y = c.y;
    let z = z_max - CANAL_FRONT_FRACTION * (z_max - z_min);
    // Skull / concha surface under the canal point: innermost skin vertex nearby
    // (ignoring anything closer to the midline than half the skull width).
    let x = skin
        .iter()
        .filter(|p| p.x * side > 0.5 * skull_half_width)
        .filter(|p| {
            let d = (p.y - y).hypot(p.z - z);
            d < CANAL_SURFACE_RADIUS_DM
        })
        .map(|p| p.x * side)
        .fold(f32::INFINITY, f32::min);
    ensure!(x.is_finite(), "no skin surface found under the ear canal");
    Ok((Vec3::new(x * side, y, z), ear.len()))
}

fn find_landmarks(skin: &[Vec3], eye_l: &[Vec3], eye_r: &[Vec3]) -> Result<Found> {
    // Eyes: centroid of each eyeball helper; radius = mean distance to the centre.
    let eye_left = centroid(eye_l);
    let eye_right = centroid(eye_r);
    ensure!(
        eye_left.x > 0.0 && eye_right.x < 0.0,
        "expected helper-l-eye at +X and helper-r-eye at -X"
    );
    let radius =
        |pts: &[Vec3], c: Vec3| pts.iter().map(|p| p.distance(c)).sum::<f32>() / pts.len() as f32;
    let eye_radius = 0.5 * (radius(eye_l, eye_left) + radius(eye_r, eye_right));
    let eye_y = 0.5 * (eye_left.y + eye_right.y);
    let eye_z = 0.5 * (eye_left.z + eye_right.z);

    let midline: Vec<Vec3> = skin
        .iter()
        .copied()
        .filter(|p| p.x.abs() < MIDLINE_DM)
        .collect();
    ensure!(!midline.is_empty(), "no midline vertices");

    // Glabella: the most anterior (max z) midline point in y ∈ [eye_y, eye_y + 0.45 dm].
    // Taking the max z picks the outer profile (the mouth/nose interior lies behind it).
    let glabella = midline
        .iter()
        .copied()
        .filter(|p| p.y >= eye_y && p.y <= eye_y + GLABELLA_BAND_DM)
        .max_by(|a, b| a.z.total_cmp(&b.z))
        .context("no midline vertex in the glabella band")?;

    // Vertex: the highest skin point.
    let vertex = skin
        .iter()
        .copied()
        .max_by(|a, b| a.y.total_cmp(&b.y))
        .context("no skin")?;

    // Skull half-width above the ears.
    let skull_half_width = skin
        .iter()
        .filter(|p| p.y > eye_y + SKULL_BAND_DM.0 && p.y < eye_y + SKULL_BAND_DM.1)
        .map(|p| p.x.abs())
        .fold(0.0f32, f32::max);

    // Ear canals, then symmetrised: average the left one with the mirrored right one.
    let (ear_l, n_l) = ear_canal(skin, eye_y, skull_half_width, 1.0)?;
    let (ear_r, n_r) = ear_canal(skin, eye_y, skull_half_width, -1.0)?;
    let ear_left = 0.5 * (ear_l + mirror_x(ear_r));
    let ear_right = mirror_x(ear_left);
    let ear_y = ear_left.y;

    // Inion: the most posterior (min z) midline point with y in [ear_y, ear_y + 0.6 dm].
    let inion = midline
        .iter()
        .copied()
        .filter(|p| p.y >= ear_y && p.y <= ear_y + INION_BAND_DM)
        .min_by(|a, b| a.z.total_cmp(&b.z))
        .context("no midline vertex in the inion band")?;

    // Menton (for the printout): lowest midline point of the front profile.
    let menton = midline
        .iter()
        .copied()
        .filter(|p| p.z > eye_z - MENTON_FRONT_DM)
        .min_by(|a, b| a.y.total_cmp(&b.y))
        .context("no menton")?;

    Ok(Found {
        glabella,
        vertex,
        ear_left,
        ear_right,
        inion,
        eye_left,
        eye_right,
        eye_radius,
        menton,
        skull_half_width,
        ear_vertex_count: [n_l, n_r],
    })
}

/// Boundary loops of a polygon mesh (edges used by exactly one face).
fn boundary_loops(faces: &[&Face]) -> (Vec<Vec<usize>>, usize) {
    let mut count: HashMap<(usize, usize), u32> = HashMap::new();
    let mut directed: Vec<(usize, usize)> = Vec::new();
    for f in faces {
        let n = f.v.len();
        for i in 0..n {
            let (a, b) = (f.v[i], f.v[(i + 1) % n]);
            *count.entry((a.min(b), a.max(b))).or_default() += 1;
            directed.push((a, b));
        }
    }
    let non_manifold = count.values().filter(|&&c| c > 2).count();
    // Boundary directed edges, keyed by start vertex.
    let mut next: HashMap<usize, Vec<usize>> = HashMap::new();
    for &(a, b) in &directed {
        if count[&(a.min(b), a.max(b))] == 1 {
            next.entry(a).or_default().push(b);
        }
    }
    let mut starts: Vec<usize> = next.keys().copied().collect();
    starts.sort_unstable();
    let mut loops = Vec::new();
    for s in starts {
        let mut lp = Vec::new();
        let mut cur = s;
        while let Some(list) = next.get_mut(&cur) {
            let Some(nx) = list.pop() else { break };
            lp.push(cur);
            cur = nx;
            if cur == s {
                break;
            }
        }
        if !lp.is_empty() {
            loops.push(lp);
        }
    }
    (loops, non_manifold)
}

fn connected_components(faces: &[&Face]) -> usize {
    let mut parent: HashMap<usize, usize> = HashMap::new();
    fn find(parent: &mut HashMap<usize, usize>, x: usize) -> usize {
        let p = *parent.entry(x).or_insert(x);
        if p == x {
            return x;
        }
        let r = find(parent, p);
        parent.insert(x, r);
        r
    }
    for f in faces {
        for w in f.v.windows(2) {
            let (a, b) = (find(&mut parent, w[0]), find(&mut parent, w[1]));
            if a != b {
                parent.insert(a, b);
            }
        }
    }
    let keys: Vec<usize> = parent.keys().copied().collect();
    let mut roots: Vec<usize> = keys.into_iter().map(|k| find(&mut parent, k)).collect();
    roots.sort_unstable();
    roots.dedup();
    roots.len()
}

fn fmt_v(p: Vec3) -> String {
    format!("[{:.3}, {:.3}, {:.3}]", p.x, p.y, p.z)
}

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().collect();
    if args.len() != 3 {
        bail!(
            "usage: {} <makehuman-hm08 base.obj> <output dir>\n\
             e.g. cargo run --release --bin make-head -- \
             ../shared/assets-src/makehuman-hm08/base.obj assets/head",
            args.first().map(String::as_str).unwrap_or("make-head")
        );
    }
    let src_path = PathBuf::from(&args[1]);
    let out_dir = PathBuf::from(&args[2]);
    let src = parse_source(&src_path)?;
    println!(
        "source {}: {} vertices, {} texcoords, {} groups",
        src_path.display(),
        src.v.len(),
        src.vt.len(),
        src.groups.len()
    );

    let group = |name: &str| -> Result<&Vec<Face>> {
        src.groups
            .get(name)
            .with_context(|| format!("group {name:?} not found in {}", src_path.display()))
    };
    let body = group("body")?;
    let skin_faces: Vec<&Face> = body
        .iter()
        .filter(|f| f.v.iter().all(|&i| src.v[i].y > CUT_Y_DM))
        .collect();
    let eye_l_faces: Vec<&Face> = group("helper-l-eye")?.iter().collect();
    let eye_r_faces: Vec<&Face> = group("helper-r-eye")?.iter().collect();
    ensure!(!skin_faces.is_empty(), "no body faces above the cut");

    let used = |faces: &[&Face]| -> Vec<usize> {
        let mut ids: Vec<usize> = faces.iter().flat_map(|f| f.v.iter().copied()).collect();
        ids.sort_unstable();
        ids.dedup();
        ids
    };
    let skin_ids = used(&skin_faces);
    let skin_pts: Vec<Vec3> = skin_ids.iter().map(|&i| src.v[i]).collect();
    let eye_l_pts: Vec<Vec3> = used(&eye_l_faces).iter().map(|&i| src.v[i]).collect();
    let eye_r_pts: Vec<Vec3> = used(&eye_r_faces).iter().map(|&i| src.v[i]).collect();

    let lm = find_landmarks(&skin_pts, &eye_l_pts, &eye_r_pts)?;
    // Head frame: origin midway between the ear canals, millimetres.
    let origin = 0.5 * (lm.ear_left + lm.ear_right);
    let to_mm = |p: Vec3| (p - origin) * DM_TO_MM;

    // ---- head.obj -------------------------------------------------------------
    let parts: [(&str, &[&Face]); 3] = [
        ("skin", &skin_faces),
        ("eye_left", &eye_l_faces),
        ("eye_right", &eye_r_faces),
    ];
    let mut v_map: HashMap<usize, usize> = HashMap::new();
    let mut v_order: Vec<usize> = Vec::new();
    let mut t_map: HashMap<usize, usize> = HashMap::new();
    let mut t_order: Vec<usize> = Vec::new();
    for (_, faces) in &parts {
        for f in faces.iter() {
            for &i in &f.v {
                v_map.entry(i).or_insert_with(|| {
                    v_order.push(i);
                    v_order.len()
                });
            }
            for &t in f.vt.iter().flatten() {
                t_map.entry(t).or_insert_with(|| {
                    t_order.push(t);
                    t_order.len()
                });
            }
        }
    }

    let mut obj = String::new();
    writeln!(
        obj,
        "# smp-preview built-in head, generated by make-head (tools/make_head.rs):"
    )?;
    writeln!(
        obj,
        "#   cargo run --release --bin make-head -- ../shared/assets-src/makehuman-hm08/base.obj assets/head"
    )?;
    writeln!(
        obj,
        "# Frame: millimetres, +Y up, +Z out of the face, +X = client's left, origin midway between the ear canals."
    )?;
    writeln!(
        obj,
        "# Objects: skin (hm08 group body above y = {CUT_Y_DM} dm), eye_left, eye_right (helper-l-eye, helper-r-eye)."
    )?;
    writeln!(
        obj,
        "# Derived from the MakeHuman hm08 base mesh (CC0), original header:"
    )?;
    for h in &src.header {
        writeln!(obj, "{}", format!("#   {h}").trim_end())?;
    }
    for &i in &v_order {
        let p = to_mm(src.v[i]);
        writeln!(obj, "v {:.3} {:.3} {:.3}", p.x, p.y, p.z)?;
    }
    for &t in &t_order {
        let [u, v] = src.vt[t];
        writeln!(obj, "vt {u:.6} {v:.6}")?;
    }
    let mut quads = 0usize;
    let mut other = 0usize;
    for (name, faces) in &parts {
        writeln!(obj, "o {name}")?;
        writeln!(obj, "g {name}")?;
        for f in faces.iter() {
            if f.v.len() == 4 {
                quads += 1;
            } else {
                other += 1;
            }
            obj.push('f');
            for (k, &i) in f.v.iter().enumerate() {
                match f.vt[k] {
                    Some(t) => write!(obj, " {}/{}", v_map[&i], t_map[&t])?,
                    None => write!(obj, " {}", v_map[&i])?,
                }
            }
            obj.push('\n');
        }
    }
    std::fs::create_dir_all(&out_dir).with_context(|| format!("creating {}", out_dir.display()))?;
    let obj_path = out_dir.join("head.obj");
    std::fs::write(&obj_path, &obj).with_context(|| format!("writing {}", obj_path.display()))?;
    println!(
        "wrote {}: {} vertices, {} texcoords, {} faces ({} quads, {} other): skin {}, eye_left {}, eye_right {}",
        obj_path.display(),
        v_order.len(),
        t_order.len(),
        quads + other,
        quads,
        other,
        skin_faces.len(),
        eye_l_faces.len(),
        eye_r_faces.len()
    );
    println!(
        "  skin: {} vertices, {} faces, {} connected component(s); eyes: {} + {} vertices",
        skin_ids.len(),
        skin_faces.len(),
        connected_components(&skin_faces),
        eye_l_pts.len(),
        eye_r_pts.len()
    );

    // ---- mesh report: holes ---------------------------------------------------
    let (loops, non_manifold) = boundary_loops(&skin_faces);
    println!(
        "  skin boundary: {} loop(s), {} non-manifold edge(s)",
        loops.len(),
        non_manifold
    );
    for lp in &loops {
        let pts: Vec<Vec3> = lp.iter().map(|&i| to_mm(src.v[i])).collect();
        let c = centroid(&pts);
        let (ymin, ymax) = pts
            .iter()
            .fold((f32::INFINITY, f32::NEG_INFINITY), |(a, b), p| {
                (a.min(p.y), b.max(p.y))
            });
        println!(
            "    loop of {:4} edges, centroid {} mm, y {:.1}..{:.1} mm",
            lp.len(),
            fmt_v(c),
            ymin,
            ymax
        );
    }
    // Winding: do face normals point away from the skin centroid on average?
    let skin_c = centroid(&skin_pts);
    let mut outward = 0usize;
    for f in &skin_faces {
        let p: Vec<Vec3> = f.v.iter().map(|&i| src.v[i]).collect();
        let n = (p[2] - p[0]).cross(p[3 % p.len()] - p[1]);
        if n.dot(centroid(&p) - skin_c) > 0.0 {
            outward += 1;
        }
    }
    // Enclosed volume with the neck cut closed by a fan to the boundary centroid:
    // positive when the faces wind counter-clockwise seen from outside.
    let fan_c = loops
        .first()
        .map(|lp| centroid(&lp.iter().map(|&i| src.v[i]).collect::<Vec<_>>()))
        .unwrap_or(skin_c);
    let signed_volume = |faces: &[&Face]| -> f32 {
        let mut vol = 0.0f32;
        for f in faces {
            for k in 1..f.v.len() - 1 {
                let (a, b, c) = (src.v[f.v[0]], src.v[f.v[k]], src.v[f.v[k + 1]]);
                vol += (a - fan_c).dot((b - fan_c).cross(c - fan_c)) / 6.0;
            }
        }
        vol * DM_TO_MM.powi(3) * 1e-6 // litres
    };
    println!(
        "  skin faces facing away from the skin centroid: {outward} of {}; enclosed volume {:.2} l \
         (positive = counter-clockwise seen from outside); eyes {:.3} l + {:.3} l",
        skin_faces.len(),
        signed_volume(&skin_faces),
        signed_volume(&eye_l_faces),
        signed_volume(&eye_r_faces),
    );

    // ---- landmarks.toml -----------------------------------------------------------
    let l = |p: Vec3| fmt_v(to_mm(p));
    let mut toml = String::new();
    let r = CANAL_FRONT_FRACTION;
    let _ = write!(
        toml,
        r#"# Landmarks of assets/head/head.obj, generated by make-head (tools/make_head.rs):
#   cargo run --release --bin make-head -- ../shared/assets-src/makehuman-hm08/base.obj assets/head
# Head frame: millimetres, +Y up, +Z out of the face, +X = client's left,
# origin midway between the ear canals. Points are [x, y, z].
#
# Rules (computed on the hm08 source, in dm; no hand-picked vertex ids):
# - midline: skin vertices with |x| < {MIDLINE_DM} dm.
# - eye_left / eye_right: centroid of the vertices of helper-l-eye / helper-r-eye;
#   eye_radius_mm: mean distance of those vertices to their centre.
# - glabella: the most anterior (max z) midline vertex with y in
#   [eye_y, eye_y + {GLABELLA_BAND_DM} dm] (eye_y = mean eye-centre height); max z keeps it on the
#   outer profile, the nasion (min z between the eyes) lies just below.
# - vertex: the highest skin vertex.
# - ear_left / ear_right (ear canals): skull half-width w = max |x| of skin vertices with
#   y in [eye_y + {s0}, eye_y + {s1}] dm (above the ears); ear vertices = skin vertices with
#   |x| > w + {EAR_MARGIN_DM} dm and |y - eye_y| < {EAR_BAND_DM} dm. Canal y = ear vertices' centroid y;
#   canal z = front edge of the ear (max z) minus {r} of the ear's z extent (the canal opens
#   in the anterior part of the auricle, behind the tragus); canal |x| = innermost skin
#   surface (min |x|) within {CANAL_SURFACE_RADIUS_DM} dm of that (y, z). Left and right are averaged into
#   exact mirror images (x negated).
# - inion: the most posterior (min z) midline vertex with y in
#   [ear canal y, ear canal y + {INION_BAND_DM} dm].
glabella = {glabella}
vertex = {vertex}
ear_left = {ear_left}
ear_right = {ear_right}
inion = {inion}
eye_left = {eye_left}
eye_right = {eye_right}
eye_radius_mm = {eye_radius:.3}
"#,
        s0 = SKULL_BAND_DM.0,
        s1 = SKULL_BAND_DM.1,
        glabella = l(lm.glabella),
        vertex = l(lm.vertex),
        ear_left = l(lm.ear_left),
        ear_right = l(lm.ear_right),
        inion = l(lm.inion),
        eye_left = l(lm.eye_left),
        eye_right = l(lm.eye_right),
        eye_radius = lm.eye_radius * DM_TO_MM,
    );
    let lm_path = out_dir.join("landmarks.toml");
    std::fs::write(&lm_path, &toml).with_context(|| format!("writing {}", lm_path.display()))?;
    println!("wrote {}", lm_path.display());

    // ---- sanity print-out -----------------------------------------------------------
    let all_mm: Vec<Vec3> = skin_pts.iter().map(|&p| to_mm(p)).collect();
    let min = all_mm.iter().copied().fold(Vec3::INFINITY, Vec3::min);
    let max = all_mm.iter().copied().fold(Vec3::NEG_INFINITY, Vec3::max);
    println!(
        "origin (midway between the ear canals) in source: {} dm",
        fmt_v(origin)
    );
    println!("landmarks (mm, head frame):");
    for (name, p) in [
        ("glabella", lm.glabella),
        ("vertex", lm.vertex),
        ("ear_left", lm.ear_left),
        ("ear_right", lm.ear_right),
        ("inion", lm.inion),
        ("eye_left", lm.eye_left),
        ("eye_right", lm.eye_right),
        ("menton*", lm.menton),
    ] {
        println!("  {name:10} {}", l(p));
    }
    println!(
        "  eye radius {:.2} mm   (* = print-out only)",
        lm.eye_radius * DM_TO_MM
    );
    println!(
        "  ear vertices found: left {}, right {}; skull half-width above the ears {:.1} mm",
        lm.ear_vertex_count[0],
        lm.ear_vertex_count[1],
        lm.skull_half_width * DM_TO_MM
    );
    let mm = |d: f32| d * DM_TO_MM;
    println!("dimensions:");
    println!(
        "  head height, vertex to menton: {:.1} mm",
        mm(lm.vertex.y - lm.menton.y)
    );
    println!(
        "  skin bounding box: {} .. {} mm (size {})",
        fmt_v(min),
        fmt_v(max),
        fmt_v(max - min)
    );
    println!(
        "  width incl. ears: {:.1} mm; skull width above the ears: {:.1} mm; ear canal to ear canal: {:.1} mm",
        max.x - min.x,
        mm(2.0 * lm.skull_half_width),
        mm(lm.ear_left.x - lm.ear_right.x)
    );
    println!(
        "  head length glabella to inion (z): {:.1} mm (3-D distance {:.1} mm)",
        mm(lm.glabella.z - lm.inion.z),
        mm(lm.glabella.distance(lm.inion))
    );
    println!(
        "  glabella height above origin: {:.1} mm; vertex height above origin: {:.1} mm; inion height {:.1} mm",
        mm(lm.glabella.y - origin.y),
        mm(lm.vertex.y - origin.y),
        mm(lm.inion.y - origin.y)
    );
    println!(
        "  interpupillary (eye centre) distance: {:.1} mm; eye centres {:.1} mm above origin",
        mm(lm.eye_left.distance(lm.eye_right)),
        mm(0.5 * (lm.eye_left.y + lm.eye_right.y) - origin.y)
    );
    println!(
        "  neck cut at y = {:.1} mm in the head frame ({CUT_Y_DM} dm in the source)",
        mm(CUT_Y_DM - origin.y)
    );
    Ok(())
}
