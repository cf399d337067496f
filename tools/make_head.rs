//! `make-head`: reproducible converter from the MakeHuman hm08 source data (base
//! mesh and shape targets, CC0) to the built-in morphable head of `smp-preview`.
//!
//! ```text
//! cargo run --release --bin make-head -- ../shared/assets-src/makehuman-hm08 assets/head
//! ```
//!
//! Input: the hm08 folder: `base.obj` (a whole body of quads, 1 unit = 1 dm, +Y up,
//! +Z out of the face, +X towards the character's (client's) left) and
//! `targets/**/*.target.gz` (one `index dx dy dz` line per moved vertex, dm).
//!
//! Output: `head.bin`, everything the library needs to build a head of any age,
//! build, ancestry and head shape (see `src/head/builtin.rs` for the reader):
//!
//! ```text
//! "SMPHM08\x01"
//! u32 S, S x [f32; 3]           source vertices, base shape, mm (source axes, x 100)
//! u32 V, V x (u32 source, [f32; 2] uv, u32 part)   corners: part 0 skin, 1 eye_left, 2 eye_right
//! u32 T, T x [u32; 3]           triangles over the corners (quads fanned 0-1-2, 0-2-3)
//! u32 N, N x (u8 len, name, u32 n, n x (u32 source, [f32; 3] delta mm))   shape targets
//! ```
//!
//! Little-endian throughout. The skin is the region of group `body` that any morph's
//! neck cut can need (faces entirely above [`REGION_Y_DM`] and within
//! [`REGION_HALF_WIDTH_DM`] of the midline); the library cuts it at the morphed
//! chin and dresses the cut. Landmarks are found on the morphed mesh at run time,
//! so nothing here depends on one shape. Only the male targets of adult ages are
//! kept (the plan's age range is 18 to 90 years).
//!
//! This tool deliberately does not depend on the `smp_preview` library.

use std::collections::HashMap;
use std::io::Read as _;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail, ensure};
use glam::Vec3;

/// Lowest height of the kept body region (source units, dm): 10 cm under the chin
/// (menton y = 6.16 dm), below the lowest neck cut of any morph.
const REGION_Y_DM: f32 = 5.2;

/// The kept body region reaches this far either side of the midline (dm): the
/// neck and the start of the shoulders, not the arms.
const REGION_HALF_WIDTH_DM: f32 = 1.0;

/// Source units to millimetres.
const DM_TO_MM: f32 = 100.0;

/// Offsets below this (mm) are dropped from the targets.
const DELTA_EPSILON_MM: f32 = 1e-4;

/// The shape targets kept, as paths under `targets/` without `.target.gz`.
fn target_names() -> Vec<String> {
    let mut names = Vec::new();
    for age in ["young", "old"] {
        for muscle in ["min", "average", "max"] {
            for weight in ["min", "average", "max"] {
                names.push(format!(
                    "macrodetails/universal-male-{age}-{muscle}muscle-{weight}weight"
                ));
            }
        }
        for ancestry in ["african", "asian", "caucasian"] {
            names.push(format!("macrodetails/{ancestry}-male-{age}"));
        }
    }
    for local in [
        "head/head-oval",
        "head/head-square",
        "head/head-round",
        "head/head-scale-horiz-incr",
        "head/head-scale-horiz-decr",
        "head/head-scale-vert-incr",
        "head/head-scale-vert-decr",
        "head/head-scale-depth-incr",
        "head/head-scale-depth-decr",
        "forehead/forehead-trans-backward",
        "forehead/forehead-trans-forward",
        "chin/chin-width-incr",
        "chin/chin-width-decr",
    ] {
        names.push(local.to_string());
    }
    names
}

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

/// One target's offsets, keyed by source vertex index (dm).
fn read_target(path: &Path) -> Result<Vec<(usize, Vec3)>> {
    let file = std::fs::File::open(path).with_context(|| format!("opening {}", path.display()))?;
    let mut text = String::new();
    flate2::read::GzDecoder::new(file)
        .read_to_string(&mut text)
        .with_context(|| format!("reading {}", path.display()))?;
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let t: Vec<&str> = line.split_whitespace().collect();
        ensure!(
            t.len() == 4,
            "{}:{}: expected `index dx dy dz`",
            path.display(),
            n + 1
        );
        let i: usize = t[0]
            .parse()
            .with_context(|| format!("{}:{}", path.display(), n + 1))?;
        let d: Vec<f32> = t[1..]
            .iter()
            .map(|s| s.parse::<f32>())
            .collect::<Result<_, _>>()
            .with_context(|| format!("{}:{}", path.display(), n + 1))?;
        out.push((i, Vec3::new(d[0], d[1], d[2])));
    }
    Ok(out)
}

fn put_u32(out: &mut Vec<u8>, x: u32) {
    out.extend_from_slice(&x.to_le_bytes());
}

fn put_f32s(out: &mut Vec<u8>, xs: &[f32]) {
    for x in xs {
        out.extend_from_slice(&x.to_le_bytes());
    }
}

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().collect();
    if args.len() != 3 {
        bail!(
            "usage: {} <makehuman-hm08 folder> <output dir>\n\
             e.g. cargo run --release --bin make-head -- \
             ../shared/assets-src/makehuman-hm08 assets/head",
            args.first().map(String::as_str).unwrap_or("make-head")
        );
    }
    let src_dir = PathBuf::from(&args[1]);
    let out_dir = PathBuf::from(&args[2]);
    let src_path = src_dir.join("base.obj");
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
    let in_region = |p: Vec3| p.y > REGION_Y_DM && p.x.abs() < REGION_HALF_WIDTH_DM;
    let skin: Vec<&Face> = group("body")?
        .iter()
        .filter(|f| f.v.iter().all(|&i| in_region(src.v[i])))
        .collect();
    ensure!(!skin.is_empty(), "no body faces in the head region");
    let parts: [(u32, Vec<&Face>); 3] = [
        (0, skin),
        (1, group("helper-l-eye")?.iter().collect()),
        (2, group("helper-r-eye")?.iter().collect()),
    ];

    // Source vertices in first-use order, corners per (vertex, uv, part).
    let mut s_map: HashMap<usize, u32> = HashMap::new();
    let mut s_order: Vec<usize> = Vec::new();
    let mut c_map: HashMap<(usize, Option<usize>, u32), u32> = HashMap::new();
    let mut corners: Vec<(u32, [f32; 2], u32)> = Vec::new();
    let mut triangles: Vec<[u32; 3]> = Vec::new();
    for (part, faces) in &parts {
        for f in faces {
            let ids: Vec<u32> =
                f.v.iter()
                    .zip(&f.vt)
                    .map(|(&v, &t)| {
                        let s = *s_map.entry(v).or_insert_with(|| {
                            s_order.push(v);
                            (s_order.len() - 1) as u32
                        });
                        *c_map.entry((v, t, *part)).or_insert_with(|| {
                            let uv = t.map(|t| src.vt[t]).unwrap_or([0.0, 0.0]);
                            corners.push((s, uv, *part));
                            (corners.len() - 1) as u32
                        })
                    })
                    .collect();
            for k in 1..ids.len() - 1 {
                triangles.push([ids[0], ids[k], ids[k + 1]]);
            }
        }
    }

    let mut out = b"SMPHM08\x01".to_vec();
    put_u32(&mut out, s_order.len() as u32);
    for &i in &s_order {
        let p = src.v[i] * DM_TO_MM;
        put_f32s(&mut out, &[p.x, p.y, p.z]);
    }
    put_u32(&mut out, corners.len() as u32);
    for (s, uv, part) in &corners {
        put_u32(&mut out, *s);
        put_f32s(&mut out, uv);
        put_u32(&mut out, *part);
    }
    put_u32(&mut out, triangles.len() as u32);
    for t in &triangles {
        t.iter().for_each(|&i| put_u32(&mut out, i));
    }
    let names = target_names();
    put_u32(&mut out, names.len() as u32);
    for name in &names {
        let path = src_dir.join("targets").join(format!("{name}.target.gz"));
        let offsets = read_target(&path)?;
        let kept: Vec<(u32, Vec3)> = offsets
            .iter()
            .filter_map(|&(i, d)| Some((*s_map.get(&i)?, d * DM_TO_MM)))
            .filter(|(_, d)| d.abs().max_element() >= DELTA_EPSILON_MM)
            .collect();
        let short = name.rsplit('/').next().unwrap_or(name);
        out.push(short.len() as u8);
        out.extend_from_slice(short.as_bytes());
        put_u32(&mut out, kept.len() as u32);
        for (s, d) in &kept {
            put_u32(&mut out, *s);
            put_f32s(&mut out, &[d.x, d.y, d.z]);
        }
        let largest = kept.iter().map(|(_, d)| d.length()).fold(0.0, f32::max);
        println!(
            "  target {short:55} {:5} of {:5} offsets kept, largest {largest:.1} mm",
            kept.len(),
            offsets.len()
        );
    }
    std::fs::create_dir_all(&out_dir).with_context(|| format!("creating {}", out_dir.display()))?;
    let path = out_dir.join("head.bin");
    std::fs::write(&path, &out).with_context(|| format!("writing {}", path.display()))?;
    let skin_faces = &parts[0].1;
    let (loops, non_manifold) = boundary_loops(skin_faces);
    println!(
        "wrote {}: {} bytes; {} source vertices, {} corners, {} triangles, {} targets",
        path.display(),
        out.len(),
        s_order.len(),
        corners.len(),
        triangles.len(),
        names.len()
    );
    println!(
        "  skin: {} faces, {} connected component(s), {} boundary loop(s), {} non-manifold edge(s)",
        skin_faces.len(),
        connected_components(skin_faces),
        loops.len(),
        non_manifold
    );
    Ok(())
}
