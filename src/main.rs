//! `smp-preview`: render, check and inspect scalp micropigmentation plans.

use anyhow::{Context, Result, bail};
use clap::{Parser, Subcommand};
use smp_preview::args::{parse_size, parse_views};
use smp_preview::files::{self, Inputs};
use smp_preview::gpu::Gpu;
use smp_preview::loading;
use smp_preview::output::views::{self as render, RenderOptions};
use smp_preview::plan::TreatmentPlan;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "smp-preview",
    version,
    about = "Scalp micropigmentation preview: see the treated head before treatment"
)]
#[command(
    after_help = "With no command, opens the viewer on the default plan when a display is present \
                  (DISPLAY or WAYLAND_DISPLAY set); otherwise prints this help and exits with status 2."
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Open the consultation viewer: turn the head, edit the plan live, compare variants.
    View {
        /// Plan file (TOML); the built-in default plan when omitted.
        #[arg(long)]
        plan: Option<PathBuf>,
        /// Window size WIDTHxHEIGHT in physical pixels.
        #[arg(long, default_value = "1280x720")]
        size: String,
        /// View to start from: front, left, right, back, top, three-quarter.
        #[arg(long, default_value = "front")]
        view: String,
        /// Render this many frames in the window, then exit 0 (tests, kiosks, timing).
        #[arg(long)]
        frames: Option<u32>,
        /// With --frames: save the last frame as presented in the window to this PNG.
        #[arg(long)]
        screenshot: Option<PathBuf>,
        /// Start with all UI hidden (as after pressing H).
        #[arg(long)]
        no_ui: bool,
        /// Start in compare mode (the plan's [[variants]] side by side).
        #[arg(long)]
        compare: bool,
        /// Start with the before | after wipe (before left of the divider, after right).
        #[arg(long)]
        wipe: bool,
        /// Start with the slow turntable on.
        #[arg(long)]
        turntable: bool,
        /// Folder for screenshots taken with S.
        #[arg(long, default_value = "smp-out")]
        out: PathBuf,
        /// Print the frame timing on exit (always printed with --frames).
        #[arg(long)]
        timing: bool,
        /// Resolution scale (0.1-1) of the frames drawn while the head moves; the frame
        /// after it stops is full resolution. 1 draws every frame in full. Default: on a
        /// CPU rasteriser, about 640x360 pixels in all (0.5 at 1280x720, 0.33 at
        /// 1920x1080); on a GPU, 1.
        #[arg(long)]
        motion_scale: Option<f32>,
    },
    /// Render the plan's views to PNG files (no window; works without a GPU on Mesa's lavapipe).
    Render {
        /// Plan file (TOML); the built-in default plan when omitted.
        #[arg(long)]
        plan: Option<PathBuf>,
        /// Comma-separated views: front, left, right, back, top, three-quarter (default: the plan's).
        #[arg(long, value_delimiter = ',')]
        views: Option<Vec<String>>,
        /// Image size WIDTHxHEIGHT (default: the plan's output size).
        #[arg(long)]
        size: Option<String>,
        /// Output folder, created if missing.
        #[arg(long, default_value = "smp-out")]
        out: PathBuf,
        /// Also write the statistics as JSON to this file.
        #[arg(long)]
        stats_json: Option<PathBuf>,
        /// Skip the sheet.png grid of all views.
        #[arg(long)]
        no_sheet: bool,
        /// Show the state after this session (1-based; later sessions are not drawn; 0: before treatment).
        #[arg(long)]
        session: Option<u32>,
        /// ...this many days after it (healing, fading).
        #[arg(long)]
        days: Option<f32>,
        /// Write compare-<view>.png instead: the plan's [[variants]] side by side at --size.
        #[arg(long)]
        compare: bool,
        /// Write one full turn of the head to this file instead: .mp4 (H.264) or .gif
        /// (at --size, default 1280x720).
        #[arg(long)]
        turntable: Option<PathBuf>,
        /// Write the treatment as a film to this file instead: before, each session
        /// on the day and settled, healed, 5 years on, with captions (.mp4 or .gif).
        #[arg(long)]
        timeline: Option<PathBuf>,
        /// With --turntable or --timeline: the video's length in seconds (1-120; default:
        /// 8 for a turn, 2 a stage for a timeline).
        #[arg(long)]
        seconds: Option<f32>,
        /// With --turntable or --timeline: frames a second (5-60).
        #[arg(long, default_value_t = 30)]
        fps: u32,
        /// Write the consultation document (PDF, A4 or Letter by the plan) to this file instead.
        #[arg(long)]
        pdf: Option<PathBuf>,
    },
    /// Validate a plan and its head mesh; print nothing else on success but a summary.
    Check {
        #[arg(long)]
        plan: PathBuf,
    },
    /// Find a scan's unit, orientation and landmarks by itself and print them
    /// as TOML (landmarks in the file's own coordinates and units).
    Align {
        /// The scan: OBJ, glTF / GLB or PLY, in any unit and orientation.
        file: PathBuf,
        /// Also write a plan that uses the scan, with the landmarks found.
        #[arg(long)]
        plan: Option<PathBuf>,
        /// Millimetres per unit of the file, when known (found otherwise).
        #[arg(long)]
        scale_to_mm: Option<f32>,
    },
    /// Write the project's own scan corpus into a folder: the built-in head's
    /// shapes as phone scans come (any unit and orientation, holes, noise),
    /// as OBJ+MTL+PNG, GLB and PLY, with the true landmarks beside each.
    Corpus {
        /// Folder to write into (made if missing; files of the same names are replaced).
        dir: PathBuf,
    },
    /// Print the GPU adapter and the limits that matter.
    Info,
    /// Measure frame, placement and render times on the adapter it finds (see README).
    Bench {
        /// Also write the figures as JSON to this file.
        #[arg(long)]
        json: Option<PathBuf>,
        /// Fewer frames: a first look in about half the time.
        #[arg(long)]
        quick: bool,
        /// Also sweep 10 k to 1 M impressions and 720p to 4K (takes longer).
        #[arg(long)]
        scaling: bool,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> Result<()> {
    let Some(command) = cli.command else {
        if smp_preview::viewer::display_present() {
            return smp_preview::viewer::run(view_options(None, "1280x720", "front")?);
        }
        use clap::CommandFactory;
        let _ = Cli::command().print_help();
        eprintln!("\nerror: {}", smp_preview::viewer::NO_DISPLAY);
        std::process::exit(2);
    };
    match command {
        Command::View {
            plan,
            size,
            view,
            frames,
            screenshot,
            no_ui,
            compare,
            wipe,
            turntable,
            out,
            timing,
            motion_scale,
        } => {
            if compare && wipe {
                bail!("--compare and --wipe: give one of them");
            }
            let mut opts = view_options(plan, &size, &view)?;
            opts.frames = frames;
            opts.screenshot = screenshot;
            opts.no_ui = no_ui;
            opts.compare = compare;
            opts.wipe = wipe;
            opts.turntable = turntable;
            opts.out = out;
            opts.timing = timing;
            opts.motion_scale = motion_scale;
            smp_preview::viewer::run(opts)
        }
        Command::Render {
            plan,
            views,
            size,
            out,
            stats_json,
            no_sheet,
            session,
            days,
            compare,
            turntable,
            timeline,
            seconds,
            fps,
            pdf,
        } => match (turntable, timeline, pdf) {
            (Some(_), Some(_), _) | (Some(_), _, Some(_)) | (_, Some(_), Some(_)) => {
                bail!("--turntable, --timeline and --pdf: give one of them")
            }
            (Some(file), None, None) => video_command(
                plan,
                Video::Turntable(file),
                size,
                session,
                days,
                seconds,
                fps,
            ),
            (None, Some(file), None) => {
                if session.is_some() || days.is_some() {
                    bail!(
                        "--timeline shows every session and the healing: leave out --session and --days"
                    );
                }
                video_command(plan, Video::Timeline(file), size, None, None, seconds, fps)
            }
            (None, None, Some(pdf)) => pdf_command(plan, pdf, session, days),
            (None, None, None) => render_command(
                plan,
                RenderArgs {
                    views,
                    size,
                    out,
                    stats_json,
                    no_sheet,
                    session,
                    days,
                    compare,
                },
            ),
        },
        Command::Check { plan } => {
            let loaded = loading::load(Some(&plan))?;
            let placement = smp_preview::placement::PlacementPlan::new(&loaded.plan, &loaded.head);
            say(format!(
                "{}: valid. \"{}\": {} triangles, treated area {:.1} cm², {} impressions planned over {} sessions",
                plan.display(),
                loaded.plan.name,
                loaded.head.triangle_count(),
                placement.treated_area_mm2 / 100.0,
                placement.total_planned(),
                loaded.plan.sessions.len()
            ));
            if placement.total_planned() == 0 {
                say(
                    "note: the region and zones leave no scalp to treat: render draws the head as it is",
                );
            }
            let asked: u32 = loaded
                .plan
                .scars
                .iter()
                .filter(|s| s.kind == smp_preview::plan::ScarKind::Fue)
                .map(|s| s.count)
                .sum();
            let placed = placement.coverage.scars.dots.len();
            if (placed as u32) < asked {
                say(format!(
                    "note: {placed} of the {asked} FUE scars asked for found room on the skin"
                ));
            }
            Ok(())
        }
        Command::Align {
            file,
            plan,
            scale_to_mm,
        } => align_command(&file, plan.as_deref(), scale_to_mm),
        Command::Corpus { dir } => corpus_command(&dir),
        Command::Info => {
            let gpu = Gpu::new()?;
            say(gpu.describe());
            Ok(())
        }
        Command::Bench {
            json,
            quick,
            scaling,
        } => {
            let opts = smp_preview::bench::BenchOptions { quick, scaling };
            // An unwritable --json fails now, not after the whole benchmark.
            if let Some(path) = &json {
                files::check_writable(path, &Inputs::default()).context("--json")?;
            }
            let report = smp_preview::bench::run(&opts, |line| eprintln!("{line}"))?;
            say(report.table());
            if let Some(path) = json {
                let text = serde_json::to_string_pretty(&report)?;
                files::write_bytes(&path, &Inputs::default(), text.as_bytes()).context("--json")?;
                say(format!("wrote {}", path.display()));
            }
            Ok(())
        }
    }
}

/// Print a line to stdout; a closed pipe (`render | head`) is not an error.
/// `smp-preview align`: the report on stdout, and the plan when asked for
/// (never over the scan).
fn align_command(
    file: &std::path::Path,
    plan_out: Option<&std::path::Path>,
    scale_to_mm: Option<f32>,
) -> Result<()> {
    if let Some(out) = plan_out {
        files::check_writable(out, &Inputs::new([file])).context("--plan")?;
    }
    let found = smp_preview::head::align_file(file, scale_to_mm)?;
    say(smp_preview::head::align::report::to_toml(
        &found,
        &file.display().to_string(),
    ));
    if let Some(out) = plan_out {
        let plan = smp_preview::plan::TreatmentPlan::for_scan(file, out, &found);
        files::write_bytes(out, &Inputs::new([file]), plan.to_toml_string().as_bytes())
            .context("--plan")?;
        eprintln!("wrote {}", out.display());
    }
    Ok(())
}

/// `smp-preview corpus DIR`: the standard corpus, and a clean sample scan.
fn corpus_command(dir: &std::path::Path) -> Result<()> {
    use smp_preview::head::corpus::{self, FileKind};
    files::create_folder(dir)?;
    let kinds = [
        FileKind::ObjTextured,
        FileKind::GlbTextured,
        FileKind::GlbColored,
        FileKind::PlyColored,
    ];
    let mut specs: Vec<(String, corpus::ScanSpec, FileKind)> = corpus::standard()
        .into_iter()
        .enumerate()
        .map(|(k, s)| (format!("scan-{k}"), s, kinds[k % kinds.len()]))
        .collect();
    specs.push(("sample".into(), corpus::sample(), FileKind::ObjTextured));
    for (stem, spec, kind) in specs {
        let scan = corpus::make(&spec)?;
        let path = corpus::write(&scan, dir, &stem, kind)
            .with_context(|| format!("writing {stem} into {}", dir.display()))?;
        let truth = smp_preview::head::align::report::truth_toml(&scan.truth, spec.unit_mm);
        let truth_path = dir.join(format!("{stem}.truth.toml"));
        files::write_bytes(&truth_path, &Inputs::default(), truth.as_bytes())?;
        say(format!(
            "wrote {} ({kind:?}, {} mm per unit)",
            path.display(),
            spec.unit_mm
        ));
    }
    Ok(())
}

fn say(text: impl std::fmt::Display) {
    let _ = writeln!(std::io::stdout().lock(), "{text}");
}

struct RenderArgs {
    views: Option<Vec<String>>,
    size: Option<String>,
    out: PathBuf,
    stats_json: Option<PathBuf>,
    no_sheet: bool,
    session: Option<u32>,
    days: Option<f32>,
    compare: bool,
}

fn view_options(
    plan: Option<PathBuf>,
    size: &str,
    view: &str,
) -> Result<smp_preview::viewer::ViewOptions> {
    Ok(smp_preview::viewer::ViewOptions {
        plan,
        size: parse_size(size)?,
        view: parse_views(&[view.to_string()])?[0],
        frames: None,
        screenshot: None,
        no_ui: false,
        compare: false,
        wipe: false,
        turntable: false,
        out: PathBuf::from("smp-out"),
        timing: false,
        motion_scale: None,
    })
}

/// `--session K --days D`: the moment shown, checked like the plan's own.
fn apply_moment(plan: &mut TreatmentPlan, session: Option<u32>, days: Option<f32>) -> Result<()> {
    let n = plan.sessions.len() as u32;
    if let Some(k) = session {
        if k > n {
            bail!(
                "--session {k} is out of range: the plan has sessions 1 to {n} (0: before treatment)"
            );
        }
        plan.shown.session = Some(k);
    }
    if let Some(d) = days {
        let (lo, hi) = smp_preview::plan::limits::DAYS_AFTER;
        if !d.is_finite() || !(lo..=hi).contains(&d) {
            bail!("--days {d} is out of range: allowed {lo} to {hi} days");
        }
        plan.shown.days_after = d;
    }
    Ok(())
}

/// The plan at the moment asked for, and the files it reads (the plan and
/// its mesh), which no output may be written over.
fn load_for_output(
    plan_path: Option<&std::path::Path>,
    session: Option<u32>,
    days: Option<f32>,
) -> Result<(loading::Loaded, Inputs)> {
    let mut loaded = loading::load(plan_path)?;
    apply_moment(&mut loaded.plan, session, days)?;
    let mesh = loaded.plan.mesh_path(plan_path);
    let inputs = Inputs::new(
        plan_path
            .map(std::path::Path::to_path_buf)
            .into_iter()
            .chain(mesh),
    );
    Ok((loaded, inputs))
}

/// `render --pdf FILE`: the consultation document.
fn pdf_command(
    plan_path: Option<PathBuf>,
    pdf: PathBuf,
    session: Option<u32>,
    days: Option<f32>,
) -> Result<()> {
    if !pdf
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("pdf"))
    {
        bail!("--pdf {}: name a .pdf file", pdf.display());
    }
    let (loaded, inputs) = load_for_output(plan_path.as_deref(), session, days)?;
    files::check_writable(&pdf, &inputs).context("--pdf")?;
    let mut prepared = render::Prepared::new(&loaded)?;
    let stats = prepared.stats(&loaded)?;
    smp_preview::output::pdf::write(&mut prepared, &loaded, &stats, &pdf, &inputs)
        .context("--pdf")?;
    say(format!("wrote {}", pdf.display()));
    Ok(())
}

enum Video {
    Turntable(PathBuf),
    Timeline(PathBuf),
}

/// `render --turntable FILE` (one full turn) or `--timeline FILE` (the
/// sessions and the healing), frame by frame into the encoder.
fn video_command(
    plan_path: Option<PathBuf>,
    video: Video,
    size: Option<String>,
    session: Option<u32>,
    days: Option<f32>,
    seconds: Option<f32>,
    fps: u32,
) -> Result<()> {
    use smp_preview::output::video::{VideoFormat, VideoSettings};
    use smp_preview::output::{timeline, turntable};
    let (file, flag) = match &video {
        Video::Turntable(f) => (f.clone(), "--turntable"),
        Video::Timeline(f) => (f.clone(), "--timeline"),
    };
    let format = VideoFormat::of(&file, flag)?;
    let (width, height) = parse_size(size.as_deref().unwrap_or("1280x720"))?;
    let mut settings = VideoSettings {
        seconds: seconds.unwrap_or(8.0),
        fps,
        width,
        height,
    };
    settings.check(format)?;
    let (loaded, inputs) = load_for_output(plan_path.as_deref(), session, days)?;
    if let (Video::Timeline(_), None) = (&video, seconds) {
        settings.seconds = timeline::default_seconds(&loaded.plan);
    }
    files::check_writable(&file, &inputs).context(flag)?;
    let mut prepared = render::Prepared::new(&loaded)?;
    use std::io::IsTerminal;
    let terminal = std::io::stderr().is_terminal();
    let name = flag.trim_start_matches('-');
    let progress = |done: u32, total: u32| {
        if terminal {
            let bar = "#".repeat((30 * done / total) as usize);
            eprint!("\r{name} [{bar:<30}] frame {done}/{total}");
            if done == total {
                eprintln!();
            }
        }
    };
    match video {
        Video::Turntable(_) => turntable::write(&prepared, &settings, &file, &inputs, progress)?,
        Video::Timeline(_) => timeline::write(
            &mut prepared,
            &loaded.plan,
            &loaded.head,
            &settings,
            &file,
            &inputs,
            progress,
        )?,
    }
    say(format!(
        "wrote {} ({} frames, {width}x{height}, {fps} fps, {} s)",
        file.display(),
        settings.frames(),
        settings.seconds
    ));
    Ok(())
}

fn render_command(plan_path: Option<PathBuf>, args: RenderArgs) -> Result<()> {
    let RenderArgs {
        views,
        size,
        out,
        stats_json,
        no_sheet,
        session,
        days,
        compare,
    } = args;
    let (loaded, inputs) = load_for_output(plan_path.as_deref(), session, days)?;
    let (width, height) = match size {
        Some(s) => parse_size(&s)?,
        None => (loaded.plan.output.width, loaded.plan.output.height),
    };
    let views = match views {
        Some(v) => parse_views(&v)?,
        None => loaded.plan.output.views.clone(),
    };
    let opts = RenderOptions {
        views,
        width,
        height,
        out_dir: out,
        sheet: !no_sheet,
    };
    // Every output is checked before the GPU work, so a bad path fails at once.
    files::create_folder(&opts.out_dir).context("--out")?;
    let outputs: Vec<PathBuf> = render::output_names(&opts, compare)
        .into_iter()
        .map(|name| opts.out_dir.join(name))
        .collect();
    for path in &outputs {
        files::check_writable(path, &inputs).context("--out")?;
    }
    if let Some(json) = &stats_json {
        files::check_writable(json, &inputs).context("--stats-json")?;
        if let Some(png) = outputs.iter().find(|p| files::same_place(p, json)) {
            bail!(
                "--stats-json {}: that is where this render writes {}; choose another name",
                json.display(),
                png.display()
            );
        }
    }
    let write_json = |value: serde_json::Value| -> Result<()> {
        if let Some(json) = &stats_json {
            let text = serde_json::to_string_pretty(&value)?;
            files::write_bytes(json, &inputs, text.as_bytes()).context("--stats-json")?;
            say(format!("wrote {}", json.display()));
        }
        Ok(())
    };
    if compare {
        let compared = render::render_compare(&loaded, &opts, &inputs)?;
        for f in &compared.files {
            say(format!("wrote {}", f.display()));
        }
        let variants: Vec<_> = compared
            .variants
            .iter()
            .map(|(name, stats)| serde_json::json!({ "name": name, "stats": stats }))
            .collect();
        return write_json(serde_json::json!({ "variants": variants }));
    }
    let rendered = render::render(&loaded, &opts, &inputs)?;
    say(rendered.stats.table());
    say(format!("adapter: {}", rendered.stats.adapter));
    write_json(serde_json::to_value(&rendered.stats)?)?;
    for f in &rendered.files {
        say(format!("wrote {}", f.display()));
    }
    Ok(())
}
