//! How much of the sky each point of the head sees (ambient occlusion),
//! baked once per head on the CPU.
//!
//! A photograph's soft light does not reach into the ear's folds, the eye
//! sockets, the nostrils, under the chin or inside the collar; a render
//! without that reads as a mannequin. The occluder is drawn orthographically
//! into a depth map from each of [`DIRECTIONS`] directions spread over the
//! sphere, and a point sees the sky in a direction when nothing in that map
//! lies above it; the share is weighted by the cosine to the point's normal.
//! Drawing whole maps is cheaper than casting rays on the CPU: the cost is
//! `DIRECTIONS` small rasterisations, then one lookup per point and direction.

use glam::Vec3;

/// Directions over the whole sphere (about half face any one point).
pub const DIRECTIONS: usize = 64;
/// Texels across a depth map, over the occluder's bounding sphere: about
/// 1 mm a texel on the built-in head with its shoulders.
const MAP_TEXELS: usize = 512;
/// Nothing this far above a point in a map counts against it, mm: the
/// occluder is a coarser copy of the surface, and the map's texels are coarser
/// still (see `bias_mm`).
const MIN_BIAS_MM: f32 = 0.3;

/// One direction's depth map: per texel the height (along the direction) of
/// the highest occluder surface, `NEG_INFINITY` where there is none.
struct DepthMap {
    toward: Vec3,
    u: Vec3,
    v: Vec3,
    origin: Vec3,
    texel_mm: f32,
    height: Vec<f32>,
}

impl DepthMap {
    fn new(toward: Vec3, centre: Vec3, radius_mm: f32) -> DepthMap {
        let u = toward.any_orthonormal_vector();
        let v = toward.cross(u);
        DepthMap {
            toward,
            u,
            v,
            origin: centre - (u + v) * radius_mm,
            texel_mm: 2.0 * radius_mm / MAP_TEXELS as f32,
            height: vec![f32::NEG_INFINITY; MAP_TEXELS * MAP_TEXELS],
        }
    }

    /// (column, row, height) of a point, in texels and mm.
    fn project(&self, p: Vec3) -> Vec3 {
        let d = p - self.origin;
        Vec3::new(
            d.dot(self.u) / self.texel_mm,
            d.dot(self.v) / self.texel_mm,
            p.dot(self.toward),
        )
    }

    /// Keeps the highest surface at each texel centre the triangle covers.
    fn draw(&mut self, a: Vec3, b: Vec3, c: Vec3) {
        let last = (MAP_TEXELS - 1) as f32;
        let x0 = a.x.min(b.x).min(c.x).ceil().max(0.0);
        let x1 = a.x.max(b.x).max(c.x).floor().min(last);
        let y0 = a.y.min(b.y).min(c.y).ceil().max(0.0);
        let y1 = a.y.max(b.y).max(c.y).floor().min(last);
        // Most triangles are smaller than a texel and cover no texel centre.
        if x0 > x1 || y0 > y1 {
            return;
        }
        let area = (b.x - a.x) * (c.y - a.y) - (b.y - a.y) * (c.x - a.x);
        if area.abs() < 1e-12 {
            return;
        }
        // The barycentric weights of a and b, and the height, are linear in
        // the texel's (x, y): stepped, not evaluated, across the box.
        let inv = 1.0 / area;
        let (ax, ay) = ((b.y - c.y) * inv, (c.x - b.x) * inv);
        let a0 = (b.x * c.y - b.y * c.x) * inv;
        let (bx, by) = ((c.y - a.y) * inv, (a.x - c.x) * inv);
        let b0 = (c.x * a.y - c.y * a.x) * inv;
        let (x0, x1, y0, y1) = (x0 as usize, x1 as usize, y0 as usize, y1 as usize);
        for row in y0..=y1 {
            let y = row as f32;
            let x = x0 as f32;
            let mut wa = ax * x + ay * y + a0;
            let mut wb = bx * x + by * y + b0;
            let line = &mut self.height[row * MAP_TEXELS + x0..=row * MAP_TEXELS + x1];
            for t in line {
                let wc = 1.0 - wa - wb;
                if wa >= 0.0 && wb >= 0.0 && wc >= 0.0 {
                    let h = wa * a.z + wb * b.z + wc * c.z;
                    if h > *t {
                        *t = h;
                    }
                }
                wa += ax;
                wb += bx;
            }
        }
    }

    /// The share (0-1) of the four texels around a projected point that
    /// nothing covers above it, bilinearly weighted.
    fn open(&self, q: Vec3, bias_mm: f32) -> f32 {
        let last = MAP_TEXELS - 1;
        let (fx, fy) = (q.x.floor(), q.y.floor());
        let (tx, ty) = (q.x - fx, q.y - fy);
        let at = |col: f32, row: f32| -> f32 {
            if col < 0.0 || row < 0.0 || col as usize > last || row as usize > last {
                return 1.0;
            }
            let h = self.height[row as usize * MAP_TEXELS + col as usize];
            if h <= q.z + bias_mm { 1.0 } else { 0.0 }
        };
        let top = at(fx, fy) * (1.0 - tx) + at(fx + 1.0, fy) * tx;
        let bottom = at(fx, fy + 1.0) * (1.0 - tx) + at(fx + 1.0, fy + 1.0) * tx;
        top * (1.0 - ty) + bottom * ty
    }
}

/// `DIRECTIONS` directions spread evenly over the sphere (a Fibonacci spiral).
fn sphere_directions() -> Vec<Vec3> {
    let golden = std::f32::consts::PI * (3.0 - 5f32.sqrt());
    (0..DIRECTIONS)
        .map(|i| {
            let y = 1.0 - 2.0 * (i as f32 + 0.5) / DIRECTIONS as f32;
            let r = (1.0 - y * y).max(0.0).sqrt();
            let a = golden * i as f32;
            Vec3::new(r * a.cos(), y, r * a.sin())
        })
        .collect()
}

/// How far below the map's surface a point of the same surface may read:
/// half a texel's slope across it, the occluder's own distance from the
/// surface (`slack_mm`), and a floor.
fn bias_mm(map: &DepthMap, n_dot_d: f32, slack_mm: f32) -> f32 {
    let tan = (1.0 - n_dot_d * n_dot_d).max(0.0).sqrt() / n_dot_d.max(0.25);
    MIN_BIAS_MM + slack_mm + map.texel_mm * (0.5 + 0.5 * tan)
}

/// What a point sees of the sky: the cosine-weighted share (0-1) of its
/// normal's hemisphere that nothing covers, and the mean open direction (the
/// "bent normal"): light from near it gets in, light from far off it is
/// blocked, so a fold shades one side and not the other.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SkyView {
    pub visibility: f32,
    pub open_direction: Vec3,
}

/// What hides the sky: triangles over `positions`.
#[derive(Clone, Copy)]
pub struct Occluder<'a> {
    pub positions: &'a [Vec3],
    pub triangles: &'a [[u32; 3]],
}

/// Per point, what it sees of the sky past the occluder.
/// `slack_mm`: how far the occluder may lie off the surface the points are on.
pub fn sky_view(
    points: &[Vec3],
    normals: &[Vec3],
    occluder: Occluder,
    slack_mm: f32,
) -> Vec<SkyView> {
    if points.is_empty() {
        return Vec::new();
    }
    let (lo, hi) = occluder
        .triangles
        .iter()
        .flatten()
        .map(|&i| &occluder.positions[i as usize])
        .chain(points)
        .fold((Vec3::INFINITY, Vec3::NEG_INFINITY), |(lo, hi), &p| {
            (lo.min(p), hi.max(p))
        });
    let centre = 0.5 * (lo + hi);
    let radius_mm = (0.5 * (hi - lo).length()).max(1.0) * 1.02;
    let directions = sphere_directions();
    // Direction by direction: draw the map, then look every point up in it
    // while it is hot in the cache (a point looking itself up in 64 maps of
    // 1 MB in turn missed the cache every time: twice as slow).
    let parts = crate::par::map_chunks(directions.len(), |range| {
        let mut sums = vec![(0.0f32, 0.0f32, Vec3::ZERO); points.len()];
        for &toward in &directions[range] {
            let mut map = DepthMap::new(toward, centre, radius_mm);
            // Each vertex once, not once per triangle it is in.
            let projected: Vec<Vec3> = occluder.positions.iter().map(|&p| map.project(p)).collect();
            for t in occluder.triangles {
                let [a, b, c] = t.map(|i| projected[i as usize]);
                map.draw(a, b, c);
            }
            for ((&p, &n), sum) in points.iter().zip(normals).zip(sums.iter_mut()) {
                let w = n.dot(toward);
                if w <= 0.0 {
                    continue;
                }
                let seen = w * map.open(map.project(p), bias_mm(&map, w, slack_mm));
                *sum = (sum.0 + seen, sum.1 + w, sum.2 + seen * toward);
            }
        }
        sums
    });
    let mut sums = vec![(0.0f32, 0.0f32, Vec3::ZERO); points.len()];
    for part in parts {
        for (total, s) in sums.iter_mut().zip(part) {
            *total = (total.0 + s.0, total.1 + s.1, total.2 + s.2);
        }
    }
    sums.iter()
        .zip(normals)
        .map(|(&(open, weight, bent), &n)| SkyView {
            visibility: if weight > 0.0 {
                (open / weight).clamp(0.0, 1.0)
            } else {
                1.0
            },
            // Never a zero vector (the shader normalises it): a vertex with no
            // normal (an isolated point) opens upwards.
            open_direction: bent
                .try_normalize()
                .or(n.try_normalize())
                .unwrap_or(Vec3::Y),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A closed box's faces as triangles, counter-clockwise from outside.
    fn cube(centre: Vec3, half: f32) -> Vec<[Vec3; 3]> {
        let mut tris = Vec::new();
        for axis in 0..3 {
            for sign in [-1.0f32, 1.0] {
                let n =
                    Vec3::from_array(std::array::from_fn(|k| if k == axis { sign } else { 0.0 }));
                let u = Vec3::from_array(std::array::from_fn(|k| {
                    if k == (axis + 1) % 3 { 1.0 } else { 0.0 }
                }));
                let v = n.cross(u);
                let c = centre + n * half;
                let q = [
                    c - (u + v) * half,
                    c + (u - v) * half,
                    c + (u + v) * half,
                    c + (v - u) * half,
                ];
                tris.push([q[0], q[1], q[2]]);
                tris.push([q[0], q[2], q[3]]);
            }
        }
        tris
    }

    /// Each triangle's corners as vertices of their own.
    fn view(points: &[Vec3], normals: &[Vec3], scene: &[[Vec3; 3]]) -> Vec<SkyView> {
        let positions: Vec<Vec3> = scene.iter().flatten().copied().collect();
        let triangles: Vec<[u32; 3]> = (0..scene.len() as u32)
            .map(|t| [3 * t, 3 * t + 1, 3 * t + 2])
            .collect();
        let occluder = Occluder {
            positions: &positions,
            triangles: &triangles,
        };
        sky_view(points, normals, occluder, 0.0)
    }

    #[test]
    fn an_open_face_sees_the_sky_and_a_covered_one_does_not() {
        // A 40 mm cube: its top sees all of its hemisphere.
        let mut scene = cube(Vec3::ZERO, 20.0);
        let top = Vec3::new(0.0, 20.0, 0.0);
        let open = view(&[top], &[Vec3::Y], &scene)[0].visibility;
        assert!(open > 0.97, "{open}");
        // A slab 2 mm above that top, 300 mm wide: hardly any sky left.
        scene.extend(cube(Vec3::new(0.0, 172.0, 0.0), 150.0));
        let covered = view(&[top], &[Vec3::Y], &scene)[0].visibility;
        assert!(covered < 0.2, "{covered}");
        // A point on the cube's side, under the slab's edge: in between.
        let side = Vec3::new(20.0, 0.0, 0.0);
        let half = view(&[side], &[Vec3::X], &scene)[0];
        // What is left of its sky is below the slab: it opens down and out.
        assert!(
            half.open_direction.y < -0.1 && half.open_direction.x > 0.5,
            "{half:?}"
        );
        let half = half.visibility;
        assert!(half > 0.3 && half < 0.8, "{half}");
    }

    #[test]
    fn a_point_without_a_normal_opens_upwards() {
        let scene = cube(Vec3::ZERO, 20.0);
        let v = view(&[Vec3::new(0.0, 50.0, 0.0)], &[Vec3::ZERO], &scene)[0];
        assert_eq!(v.visibility, 1.0);
        assert_eq!(v.open_direction, Vec3::Y);
    }

    #[test]
    fn a_corner_is_darker_than_a_face() {
        // Two cubes side by side: the floor of the gap between them sees less.
        let mut scene = cube(Vec3::new(-30.0, 0.0, 0.0), 20.0);
        scene.extend(cube(Vec3::new(30.0, 0.0, 0.0), 20.0));
        scene.extend(cube(Vec3::new(0.0, -120.0, 0.0), 100.0));
        let gap = Vec3::new(0.0, -20.0, 0.0);
        let open_floor = Vec3::new(0.0, -20.0, 80.0);
        let v: Vec<f32> = view(&[gap, open_floor], &[Vec3::Y, Vec3::Y], &scene)
            .iter()
            .map(|s| s.visibility)
            .collect();
        assert!(v[0] < v[1] - 0.2, "{v:?}");
        assert!(v[1] > 0.85, "{v:?}");
    }
}
