//! A scan's surface as points: area-weighted samples (so a scan's dense and
//! sparse parts count by area, not by vertex count) and a nearest-point index.

use glam::Vec3;
use rstar::RTree;

/// A small deterministic generator (splitmix64): the same scan always gives
/// the same samples, so alignment is reproducible.
pub struct SplitMix(u64);

impl SplitMix {
    pub fn new(seed: u64) -> Self {
        SplitMix(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    pub fn next_f32(&mut self) -> f32 {
        (self.next_u64() >> 40) as f32 / (1u64 << 24) as f32
    }
}

/// `n` points spread over the triangles by area.
pub fn sample_by_area(
    positions: &[Vec3],
    triangles: &[[u32; 3]],
    n: usize,
    seed: u64,
) -> Vec<Vec3> {
    let mut cumulative = Vec::with_capacity(triangles.len());
    let mut total = 0.0f64;
    for t in triangles {
        let [a, b, c] = t.map(|i| positions[i as usize]);
        total += 0.5 * f64::from((b - a).cross(c - a).length());
        cumulative.push(total);
    }
    if total <= 0.0 {
        return Vec::new();
    }
    let mut rng = SplitMix::new(seed);
    (0..n)
        .map(|_| {
            let target = f64::from(rng.next_f32()) * total;
            let k = cumulative
                .partition_point(|&c| c < target)
                .min(triangles.len() - 1);
            let [a, b, c] = triangles[k].map(|i| positions[i as usize]);
            let (mut u, mut v) = (rng.next_f32(), rng.next_f32());
            if u + v > 1.0 {
                (u, v) = (1.0 - u, 1.0 - v);
            }
            a + u * (b - a) + v * (c - a)
        })
        .collect()
}

/// Nearest-point queries over a point set.
pub struct PointIndex {
    tree: RTree<[f32; 3]>,
}

impl PointIndex {
    pub fn new(points: &[Vec3]) -> Self {
        PointIndex {
            tree: RTree::bulk_load(points.iter().map(|p| p.to_array()).collect()),
        }
    }

    pub fn nearest(&self, p: Vec3) -> Option<Vec3> {
        self.tree.nearest_neighbor(&p.to_array()).map(|&q| q.into())
    }

    /// The points within `radius` of `p`.
    pub fn within(&self, p: Vec3, radius: f32) -> impl Iterator<Item = Vec3> + '_ {
        self.tree
            .locate_within_distance(p.to_array(), radius * radius)
            .map(|&q| q.into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn samples_follow_area() {
        // Two triangles, the second with 9 times the area.
        let p = [
            Vec3::ZERO,
            Vec3::X,
            Vec3::Y,
            Vec3::new(10.0, 0.0, 0.0),
            Vec3::new(13.0, 0.0, 0.0),
            Vec3::new(10.0, 3.0, 0.0),
        ];
        let s = sample_by_area(&p, &[[0, 1, 2], [3, 4, 5]], 10_000, 7);
        let big = s.iter().filter(|q| q.x >= 10.0).count();
        assert!((8700..9300).contains(&big), "{big}");
        assert!(s.iter().all(|q| q.z == 0.0 && q.x + q.y <= 13.0 + 1e-4));
    }

    #[test]
    fn nearest_is_nearest() {
        let pts: Vec<Vec3> = (0..100).map(|i| Vec3::new(i as f32, 0.0, 0.0)).collect();
        let index = PointIndex::new(&pts);
        assert_eq!(
            index.nearest(Vec3::new(41.4, 3.0, 0.0)),
            Some(Vec3::new(41.0, 0.0, 0.0))
        );
        assert_eq!(index.within(Vec3::new(50.0, 0.0, 0.0), 2.5).count(), 5);
    }
}
