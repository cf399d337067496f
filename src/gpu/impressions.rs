//! The impression placement compute pass (`shaders/impressions.wgsl`).

use super::scan::Scanner;
use super::splat::{SPLAT_WORKGROUP, splat_args};
use super::{Gpu, GpuError, bind_buffers, compute_pipeline, dispatch_size, pass_shader, readback};
use crate::hairline::CoverageUniform;
use wgpu::util::DeviceExt;

/// GPU size of one impression (see `Impression` in `common.wgsl`).
pub const BYTES_PER_IMPRESSION: u64 = 24;
/// Candidate slots per planned impression: the candidates of one wave (see
/// `generate`), the impressions carried from earlier waves included.
pub const CANDIDATES_PER_IMPRESSION: f64 = 3.0;
/// Waves at most: up to about 15 candidates per impression in all, more than
/// dart throwing at the default spacing takes (the default plan and the
/// bench's 100 k to 1 M impressions take two).
const MAX_WAVES: u32 = 6;
/// A wave that adds fewer than this share of the planned count ends placing:
/// the spacing is saturated, more candidates would find no room.
const SATURATED_SHARE: f64 = 0.002;
/// Scratch GPU memory per candidate while placing: radius, position, cell,
/// state, cell item, rank (also the sorted state) and the sorted position
/// and radius (52 bytes), plus the hashed cell table (count and
/// start, 8 bytes per entry, about one entry per candidate).
pub const PLACEMENT_BYTES_PER_CANDIDATE: u64 = 52 + 8;
const ROUNDS_PER_BATCH: u32 = 8;
const MAX_ROUNDS: u32 = 512;

#[repr(C)]
#[derive(Debug, Clone, Copy, bytemuck::Pod, bytemuck::Zeroable)]
pub struct GenParams {
    pub candidate_count: u32,
    pub support_triangles: u32,
    pub table_mask: u32,
    pub seed: u32,
    pub spacing_mm: f32,
    pub coverage_max: f32,
    pub target_total: u32,
    pub session_count: u32,
    pub session_end: [u32; 4],
    pub diameter_mm: [f32; 4],
    pub diameter_spread: [f32; 4],
    pub shade_spread: [f32; 4],
    /// x: the number of the first session these impressions belong to.
    pub session_base: [u32; 4],
    /// x: impressions carried from earlier waves, y: the stream index of the
    /// wave's first candidate (filled in by `generate`).
    pub wave: [u32; 4],
}

/// What the generator needs of the head, already on the GPU.
pub struct HeadInputs<'a> {
    pub vertices: &'a wgpu::Buffer,
    pub indices: &'a wgpu::Buffer,
    /// Per support triangle: (cumulative normalised area as f32 bits, triangle
    /// number into `indices` / 3).
    pub support: &'a [[u32; 2]],
    /// The support's area over the density-weighted area: how many more
    /// candidates to draw than a support filled at full density would need.
    pub support_ratio: f64,
}

/// Placed impressions: the instance buffer and the indirect arguments
/// `[groups_x, 1, 1, count, accepted]` for the splat pass.
pub struct Impressions {
    pub buffer: wgpu::Buffer,
    pub args: wgpu::Buffer,
    pub count: u32,
    pub accepted: u32,
    /// Candidate slots (the scratch memory's size in candidates).
    pub candidates: u32,
    /// Candidates drawn from the stream, all waves together.
    pub drawn: u32,
    pub waves: u32,
    /// Accept/reject rounds, all waves together.
    pub rounds: u32,
}

impl Impressions {
    /// Impressions made on the CPU (scar marks), ready for the splat pass.
    pub fn upload(
        gpu: &Gpu,
        label: &str,
        records: &[crate::stats::ImpressionRecord],
    ) -> Impressions {
        let count = records.len() as u32;
        let args = splat_args(count, count);
        let usage = wgpu::BufferUsages::STORAGE | wgpu::BufferUsages::COPY_SRC;
        let bytes: &[u8] = if records.is_empty() {
            &[0; BYTES_PER_IMPRESSION as usize]
        } else {
            bytemuck::cast_slice(records)
        };
        Impressions {
            buffer: init(gpu, label, bytes, usage),
            args: init(
                gpu,
                label,
                bytemuck::cast_slice(&args),
                usage | wgpu::BufferUsages::INDIRECT,
            ),
            count,
            accepted: count,
            candidates: count,
            drawn: count,
            waves: 0,
            rounds: 0,
        }
    }
}

/// Cheap to clone (shared pipeline handles): the viewer places on a worker thread.
#[derive(Clone)]
pub struct ImpressionGenerator {
    generate: wgpu::ComputePipeline,
    scatter: wgpu::ComputePipeline,
    accept: wgpu::ComputePipeline,
    reject: wgpu::ComputePipeline,
    mark: wgpu::ComputePipeline,
    emit: wgpu::ComputePipeline,
    finish: wgpu::ComputePipeline,
    unsort: wgpu::ComputePipeline,
    relax_propose: wgpu::ComputePipeline,
    relax_accept: wgpu::ComputePipeline,
    scanner: Scanner,
}

/// The largest impression count this device can hold: the instance buffer,
/// the splat pass's dispatch, and the candidate buffers that place them when
/// the support is no wider than the density (a feathered plan draws up to 4×
/// more candidates and holds up to 4× fewer; `candidates_for` says exactly).
pub fn max_impressions(device: &wgpu::Device) -> u64 {
    max_impressions_for(&device.limits(), 1.0)
}

fn max_impressions_for(l: &wgpu::Limits, support_ratio: f64) -> u64 {
    let binding = l.max_storage_buffer_binding_size.min(l.max_buffer_size);
    // cand_pos and sorted_pos are the largest candidate buffers: 16 bytes each.
    let by_candidates = (binding / 16) as f64 / candidates_per_impression(support_ratio);
    let by_instances = binding / BYTES_PER_IMPRESSION;
    // The splat pass dispatches one row of groups.
    let by_dispatch = l.max_compute_workgroups_per_dimension as u64 * SPLAT_WORKGROUP as u64;
    (by_candidates as u64)
        .min(by_instances)
        .min(by_dispatch)
        .min(u32::MAX as u64 / 2)
}

/// A support much wider than the density (feathered regions) keeps fewer
/// candidates: draw more, up to 4× more.
fn candidates_per_impression(support_ratio: f64) -> f64 {
    CANDIDATES_PER_IMPRESSION * support_ratio.clamp(1.0, 4.0)
}

/// The candidates the placement pass draws for `count` impressions, or an
/// error naming `field` (the plan field that sets the count) when the
/// adapter's limits cannot hold them: never a silent truncation.
pub fn candidates_for(
    limits: &wgpu::Limits,
    count: u64,
    support_ratio: f64,
    field: &str,
) -> Result<u32, GpuError> {
    let max = max_impressions_for(limits, support_ratio);
    if count > max {
        let binding = limits
            .max_storage_buffer_binding_size
            .min(limits.max_buffer_size);
        return Err(GpuError::Limit(format!(
            "{count} impressions planned ({field}); this adapter holds at most {max} here \
             ({:.1} placement candidates of 16 bytes per impression, {} MiB per storage buffer, \
             {} bytes per impression): lower {field} or the treated area",
            candidates_per_impression(support_ratio),
            binding >> 20,
            BYTES_PER_IMPRESSION
        )));
    }
    Ok(((count.max(1) as f64 * candidates_per_impression(support_ratio)) as u64).max(1024) as u32)
}

fn storage(gpu: &Gpu, label: &str, size: u64, extra: wgpu::BufferUsages) -> wgpu::Buffer {
    gpu.device.create_buffer(&wgpu::BufferDescriptor {
        label: Some(label),
        size: size.max(16),
        usage: wgpu::BufferUsages::STORAGE | extra,
        mapped_at_creation: false,
    })
}

fn init(gpu: &Gpu, label: &str, bytes: &[u8], usage: wgpu::BufferUsages) -> wgpu::Buffer {
    gpu.device
        .create_buffer_init(&wgpu::util::BufferInitDescriptor {
            label: Some(label),
            contents: bytes,
            usage,
        })
}

impl ImpressionGenerator {
    pub fn new(gpu: &Gpu) -> ImpressionGenerator {
        let module = pass_shader!(
            gpu.device,
            "impressions.wgsl",
            "scars.wgsl",
            "coverage.wgsl"
        );
        let p = |e| compute_pipeline(&gpu.device, &module, e);
        ImpressionGenerator {
            generate: p("generate_candidates"),
            scatter: p("scatter_candidates"),
            accept: p("accept_round"),
            reject: p("reject_round"),
            mark: p("mark_accepted"),
            emit: p("emit_impressions"),
            finish: p("finish_counts"),
            unsort: p("unsort_states"),
            relax_propose: p("relax_propose"),
            relax_accept: p("relax_accept"),
            scanner: Scanner::new(gpu),
        }
    }

    /// Place impressions, then relax their spacing `relaxation_steps` times;
    /// `params.candidate_count` and `table_mask` are filled in here. `field`
    /// names what sets the count, for the error past the adapter's limits.
    pub fn generate(
        &self,
        gpu: &Gpu,
        head: &HeadInputs,
        coverage: &CoverageUniform,
        mut params: GenParams,
        relaxation_steps: u32,
        field: &str,
    ) -> Result<Impressions, GpuError> {
        // Nothing to place on (every triangle excluded, no skin): an empty
        // set, and the splat draws nothing.
        if head.support.is_empty() || params.target_total == 0 {
            return Ok(Impressions::upload(gpu, field, &[]));
        }
        let m = candidates_for(
            &gpu.device.limits(),
            params.target_total as u64,
            head.support_ratio,
            field,
        )?;
        // A candidate's fate depends only on candidates of higher priority
        // (lower stream index), and each candidate only on its index and the
        // seed: so any prefix of the stream decides its own candidates exactly
        // as the whole stream would, and the first N accepted are the same
        // impressions, bit for bit, however long the stream. Waves of `m`
        // slots walk down the stream until N are accepted (or the spacing is
        // saturated), each carrying in the impressions accepted so far.
        let b = self.buffers(gpu, head, coverage, &mut params, m);
        let table = params.table_mask + 1;
        let (mut rounds, mut drawn, mut waves) = (0, 0u32, 0);
        let mut accepted = 0u32;
        loop {
            params.wave = [accepted, drawn, 0, 0];
            gpu.queue
                .write_buffer(&b.params, 0, bytemuck::bytes_of(&params));
            self.bin_candidates(gpu, &b, m, table);
            rounds += self.resolve(gpu, &b, m)?;
            self.unsort(gpu, &b, m);
            self.emit(gpu, &b, m);
            drawn += m - accepted;
            waves += 1;
            let args: Vec<u32> =
                bytemuck::pod_collect_to_vec(&readback::read_buffer(gpu, &b.args, 0, 32)?);
            let added = args[4] - accepted;
            accepted = args[4];
            let saturated = (added as f64) < params.target_total as f64 * SATURATED_SHARE;
            if args[3] >= params.target_total || waves == MAX_WAVES || saturated {
                self.relax(gpu, &b, &mut params, args[3], relaxation_steps);
                return Ok(Impressions {
                    buffer: b.out,
                    args: b.args,
                    count: args[3],
                    accepted,
                    candidates: m,
                    drawn,
                    waves,
                    rounds,
                });
            }
        }
    }

    /// Relaxation steps over the `count` impressions placed (see
    /// `impressions.wgsl`): each bins them as carried impressions, proposes
    /// moves, and keeps those that keep the spacing.
    fn relax(&self, gpu: &Gpu, b: &Buffers, params: &mut GenParams, count: u32, steps: u32) {
        if count == 0 || steps == 0 {
            return;
        }
        params.candidate_count = count;
        let table = params.table_mask + 1;
        let d = &gpu.device;
        let propose = bind_buffers(
            d,
            &self.relax_propose,
            &[
                (0, &b.params),
                (1, &b.cov),
                (6, &b.pos),
                (10, &b.start),
                (11, &b.items),
                (13, &b.out),
                (17, &b.sorted),
            ],
        );
        let accept = bind_buffers(
            d,
            &self.relax_accept,
            &[
                (0, &b.params),
                (6, &b.pos),
                (10, &b.start),
                (11, &b.items),
                (13, &b.out),
                (17, &b.sorted),
            ],
        );
        for step in 0..steps {
            // The step's number seeds its random nudges (`relax_nudge`); the
            // last step has none.
            params.wave = [count, step, u32::from(step + 1 < steps), 0];
            gpu.queue
                .write_buffer(&b.params, 0, bytemuck::bytes_of(&*params));
            self.bin_candidates(gpu, b, count, table);
            let mut encoder = d.create_command_encoder(&Default::default());
            run(&mut encoder, &self.relax_propose, &propose, count);
            run(&mut encoder, &self.relax_accept, &accept, count);
            gpu.queue.submit([encoder.finish()]);
        }
    }

    /// The placement's buffers for `m` candidate slots; fills in `params`'
    /// slot count and cell table.
    fn buffers<'a>(
        &self,
        gpu: &Gpu,
        head: &HeadInputs<'a>,
        coverage: &CoverageUniform,
        params: &mut GenParams,
        m: u32,
    ) -> Buffers<'a> {
        params.candidate_count = m;
        params.support_triangles = head.support.len() as u32;
        let table = m.next_power_of_two();
        params.table_mask = table - 1;
        let u = wgpu::BufferUsages::empty();
        let copy = wgpu::BufferUsages::COPY_SRC | wgpu::BufferUsages::COPY_DST;
        Buffers {
            vertices: head.vertices,
            indices: head.indices,
            params: init(
                gpu,
                "gen params",
                bytemuck::bytes_of(params),
                wgpu::BufferUsages::UNIFORM | wgpu::BufferUsages::COPY_DST,
            ),
            cov: init(
                gpu,
                "coverage",
                bytemuck::bytes_of(coverage),
                wgpu::BufferUsages::UNIFORM,
            ),
            support: init(
                gpu,
                "support",
                bytemuck::cast_slice(head.support),
                wgpu::BufferUsages::STORAGE,
            ),
            radius: storage(gpu, "cand radius", m as u64 * 4, u),
            pos: storage(gpu, "cand pos", m as u64 * 16, u),
            cell: storage(gpu, "cand cell", m as u64 * 4, u),
            state: storage(gpu, "cand state", m as u64 * 4, u),
            count: storage(gpu, "cell count", table as u64 * 4, copy),
            // One entry more than the table: the live candidate count.
            start: storage(
                gpu,
                "cell start",
                (table as u64 + 1) * 4,
                wgpu::BufferUsages::COPY_DST,
            ),
            sorted: storage(gpu, "sorted candidates", m as u64 * 16, u),
            items: storage(gpu, "cell items", m as u64 * 4, u),
            rank: storage(gpu, "rank", m as u64 * 4, u),
            out: storage(
                gpu,
                "impressions",
                params.target_total as u64 * BYTES_PER_IMPRESSION,
                copy,
            ),
            rounds: storage(gpu, "round counts", ROUNDS_PER_BATCH as u64 * 4, copy),
            args: storage(
                gpu,
                "impression args",
                8 * 4,
                copy | wgpu::BufferUsages::INDIRECT,
            ),
        }
    }

    /// Candidates, binned into the hashed cell grid.
    fn bin_candidates(&self, gpu: &Gpu, b: &Buffers, m: u32, table: u32) {
        let d = &gpu.device;
        let generate = bind_buffers(
            d,
            &self.generate,
            &[
                (0, &b.params),
                (1, &b.cov),
                (2, b.vertices),
                (3, b.indices),
                (4, &b.support),
                (5, &b.radius),
                (6, &b.pos),
                (7, &b.cell),
                (8, &b.state),
                (9, &b.count),
                (13, &b.out),
            ],
        );
        let scatter = bind_buffers(
            d,
            &self.scatter,
            &[
                (0, &b.params),
                (5, &b.radius),
                (6, &b.pos),
                (7, &b.cell),
                (8, &b.state),
                (10, &b.start),
                (11, &b.items),
                (17, &b.sorted),
                (18, &b.rank),
            ],
        );
        let mut encoder = d.create_command_encoder(&Default::default());
        encoder.clear_buffer(&b.count, 0, None);
        run(&mut encoder, &self.generate, &generate, m);
        encoder.copy_buffer_to_buffer(&b.count, 0, &b.start, 0, table as u64 * 4);
        encoder.clear_buffer(&b.start, table as u64 * 4, Some(4));
        self.scanner.encode(gpu, &mut encoder, &b.start, table + 1);
        run(&mut encoder, &self.scatter, &scatter, m);
        gpu.queue.submit([encoder.finish()]);
    }

    /// Accept/reject rounds until no candidate is undecided; returns the rounds run.
    fn resolve(&self, gpu: &Gpu, b: &Buffers, m: u32) -> Result<u32, GpuError> {
        let d = &gpu.device;
        let reject = bind_buffers(
            d,
            &self.reject,
            &[
                (0, &b.params),
                (10, &b.start),
                (17, &b.sorted),
                (18, &b.rank),
            ],
        );
        let index_bufs: Vec<wgpu::Buffer> = (0..ROUNDS_PER_BATCH)
            .map(|i| {
                init(
                    gpu,
                    "round index",
                    bytemuck::cast_slice(&[i, 0, 0, 0]),
                    wgpu::BufferUsages::UNIFORM,
                )
            })
            .collect();
        let accepts: Vec<wgpu::BindGroup> = index_bufs
            .iter()
            .map(|ib| {
                bind_buffers(
                    d,
                    &self.accept,
                    &[
                        (0, &b.params),
                        (10, &b.start),
                        (11, &b.items),
                        (14, &b.rounds),
                        (16, ib),
                        (17, &b.sorted),
                        (18, &b.rank),
                    ],
                )
            })
            .collect();
        let mut rounds = 0;
        while rounds < MAX_ROUNDS {
            let mut encoder = d.create_command_encoder(&Default::default());
            encoder.clear_buffer(&b.rounds, 0, None);
            for accept in &accepts {
                run(&mut encoder, &self.accept, accept, m);
                run(&mut encoder, &self.reject, &reject, m);
            }
            gpu.queue.submit([encoder.finish()]);
            rounds += ROUNDS_PER_BATCH;
            let left: Vec<u32> = bytemuck::pod_collect_to_vec(&readback::read_buffer(
                gpu,
                &b.rounds,
                0,
                ROUNDS_PER_BATCH as u64 * 4,
            )?);
            // `left[r]`: candidates still undecided when round r began.
            if let Some(done) = left.iter().position(|&n| n == 0) {
                return Ok(rounds - ROUNDS_PER_BATCH + done as u32);
            }
        }
        Err(GpuError::Limit(format!(
            "impression placement did not settle within {MAX_ROUNDS} rounds"
        )))
    }

    /// The decisions, from cell order back to priority order.
    fn unsort(&self, gpu: &Gpu, b: &Buffers, m: u32) {
        let unsort = bind_buffers(
            &gpu.device,
            &self.unsort,
            &[
                (0, &b.params),
                (8, &b.state),
                (10, &b.start),
                (11, &b.items),
                (18, &b.rank),
            ],
        );
        let mut encoder = gpu.device.create_command_encoder(&Default::default());
        run(&mut encoder, &self.unsort, &unsort, m);
        gpu.queue.submit([encoder.finish()]);
    }

    /// Rank the accepted candidates and write the first N as impressions.
    fn emit(&self, gpu: &Gpu, b: &Buffers, m: u32) {
        let d = &gpu.device;
        let mark = bind_buffers(
            d,
            &self.mark,
            &[(0, &b.params), (8, &b.state), (12, &b.rank)],
        );
        let emit = bind_buffers(
            d,
            &self.emit,
            &[
                (0, &b.params),
                (1, &b.cov),
                (6, &b.pos),
                (8, &b.state),
                (12, &b.rank),
                (13, &b.out),
            ],
        );
        let finish = bind_buffers(
            d,
            &self.finish,
            &[(0, &b.params), (8, &b.state), (12, &b.rank), (15, &b.args)],
        );
        let mut encoder = d.create_command_encoder(&Default::default());
        run(&mut encoder, &self.mark, &mark, m);
        self.scanner.encode(gpu, &mut encoder, &b.rank, m);
        run(&mut encoder, &self.emit, &emit, m);
        {
            let mut pass = encoder.begin_compute_pass(&Default::default());
            pass.set_pipeline(&self.finish);
            pass.set_bind_group(0, &finish, &[]);
            pass.dispatch_workgroups(1, 1, 1);
        }
        gpu.queue.submit([encoder.finish()]);
    }
}

/// One compute pass of `n` invocations in 256-wide groups.
fn run(
    encoder: &mut wgpu::CommandEncoder,
    pipeline: &wgpu::ComputePipeline,
    bind: &wgpu::BindGroup,
    n: u32,
) {
    let (x, y) = dispatch_size(n, 256);
    let mut pass = encoder.begin_compute_pass(&Default::default());
    pass.set_pipeline(pipeline);
    pass.set_bind_group(0, bind, &[]);
    pass.dispatch_workgroups(x, y, 1);
}

struct Buffers<'a> {
    vertices: &'a wgpu::Buffer,
    indices: &'a wgpu::Buffer,
    params: wgpu::Buffer,
    cov: wgpu::Buffer,
    support: wgpu::Buffer,
    radius: wgpu::Buffer,
    pos: wgpu::Buffer,
    cell: wgpu::Buffer,
    state: wgpu::Buffer,
    count: wgpu::Buffer,
    start: wgpu::Buffer,
    items: wgpu::Buffer,
    /// Ranks; while resolving, the sorted candidates' states.
    rank: wgpu::Buffer,
    sorted: wgpu::Buffer,
    out: wgpu::Buffer,
    rounds: wgpu::Buffer,
    args: wgpu::Buffer,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shaders_split_motion_frames_into_the_renderers_runs() {
        let src = include_str!("../../shaders/common.wgsl");
        let stride = super::super::renderer::MOTION_IMPRESSION_STRIDE;
        assert!(src.contains(&format!("const MOTION_STRIDE: u32 = {stride}u;")));
        // One thread per impression still, one per run in motion: 257
        // impressions are 65 runs of four, two groups of 64.
        assert_eq!(stride, 4);
        assert_eq!(splat_args(257, 260), [5, 1, 1, 257, 260, 2, 1, 1]);
        assert_eq!(splat_args(0, 0)[0], 0);
    }

    #[test]
    fn the_placement_shader_reads_head_vertices_at_their_size() {
        let src = include_str!("../../shaders/impressions.wgsl");
        let floats = std::mem::size_of::<crate::head::HeadVertex>() / 4;
        assert!(src.contains(&format!("const VERTEX_FLOATS: u32 = {floats}u;")));
    }

    #[test]
    fn past_the_limits_is_an_error_naming_the_field() {
        let limits = wgpu::Limits {
            max_storage_buffer_binding_size: 16 << 20,
            max_buffer_size: 1 << 30,
            ..wgpu::Limits::downlevel_defaults()
        };
        // 16 MiB / 16 bytes / 3 candidate slots per impression.
        let max = max_impressions_for(&limits, 1.0);
        assert_eq!(max, 349_525);
        assert_eq!(
            candidates_for(&limits, max, 1.0, "density.final_per_cm2").unwrap(),
            3 * 349_525
        );
        let err = candidates_for(&limits, max + 1, 1.0, "density.final_per_cm2")
            .unwrap_err()
            .to_string();
        assert!(err.contains("349526 impressions planned"), "{err}");
        assert!(err.contains("at most 349525"), "{err}");
        assert!(err.contains("lower density.final_per_cm2"), "{err}");
        // A feathered support draws more candidates, so it holds fewer.
        let err = candidates_for(&limits, max, 2.0, "hair.natural_per_cm2").unwrap_err();
        assert!(err.to_string().contains("at most 174762"), "{err}");
    }
}
