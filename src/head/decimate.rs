//! The motion level of a large mesh: a decimated copy (meshoptimizer's
//! simplifier) over the same vertices, for frames drawn while the head
//! turns. A phone scan has no subdivision steps to drop: 1-2 M triangles
//! would make every moving frame as slow as a still one.

use glam::Vec3;

/// Most triangles drawn while the head moves (the built-in head's base mesh,
/// 11 900, comes down to this: on a CPU rasteriser a moving frame costs
/// what its triangles cost). 9 000 look the same as 11 900 in a 640×360
/// motion frame and turn the viewer 2-4 ms a frame faster; 6 000 left a bare
/// patch behind the ear and a crease down the neck.
pub const MOTION_TRIANGLES: usize = 9_000;

/// `triangles` (indices into `positions`) simplified to about `target`,
/// collapsing across copies of a vertex split at a UV seam (`weld` gives
/// each vertex its position's id, `weld_pos` that position), and how far
/// the result may stand off the full surface, mm.
pub fn decimate(
    triangles: &[[u32; 3]],
    weld: &[u32],
    weld_pos: &[Vec3],
    target: usize,
) -> (Vec<[u32; 3]>, f32) {
    // Simplified in welded ids, so seams do not lock; each id drawn by the
    // first vertex that has it.
    let mut representative = vec![u32::MAX; weld_pos.len()];
    let welded: Vec<u32> = triangles
        .iter()
        .flatten()
        .map(|&v| {
            let id = weld[v as usize];
            if representative[id as usize] == u32::MAX {
                representative[id as usize] = v;
            }
            id
        })
        .collect();
    let positions: Vec<[f32; 3]> = weld_pos.iter().map(|p| p.to_array()).collect();
    let Ok(adapter) = meshopt::VertexDataAdapter::new(bytemuck::cast_slice(&positions), 12, 0)
    else {
        return (triangles.to_vec(), 0.0);
    };
    let mut relative_error = 0.0f32;
    let simplified = meshopt::simplify(
        &welded,
        &adapter,
        target * 3,
        f32::MAX,
        meshopt::SimplifyOptions::None,
        Some(&mut relative_error),
    );
    let scale = meshopt::simplify_scale(&adapter);
    let out: Vec<[u32; 3]> = simplified
        .chunks_exact(3)
        .map(|t| [t[0], t[1], t[2]].map(|id| representative[id as usize]))
        .collect();
    // The simplifier's error is a distance over the mesh's extent; doubled
    // as slack for what it does not measure (normals, Phong bulge).
    (out, 2.0 * relative_error * scale)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_dense_grid_comes_down_and_stays_close() {
        let n = 200u32;
        let pos: Vec<Vec3> = (0..n * n)
            .map(|i| {
                let (x, y) = ((i % n) as f32, (i / n) as f32);
                Vec3::new(x, y, 3.0 * (x * 0.05).sin())
            })
            .collect();
        let tris: Vec<[u32; 3]> = crate::head::grid_triangles(n as usize)
            .iter()
            .map(|t| t.map(|v| v as u32))
            .collect();
        let weld: Vec<u32> = (0..n * n).collect();
        let (coarse, sag) = decimate(&tris, &weld, &pos, 5000);
        assert!(
            coarse.len() <= 5200 && coarse.len() > 2000,
            "{}",
            coarse.len()
        );
        assert!(sag > 0.0 && sag < 1.0, "{sag}");
        assert!(coarse.iter().flatten().all(|&v| v < n * n));
    }
}
