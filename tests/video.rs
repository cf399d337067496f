//! `render --turntable`: the head turning once, and `render --timeline`:
//! the sessions and the healing, as an MP4 that any player
//! decodes (checked with ffprobe from Debian's ffmpeg, which `.ci/run`
//! installs) or a GIF (decoded with the `image` crate); bad requests refused
//! with the flag named and nothing written.

mod common;

use image::AnimationDecoder;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn folder(name: &str) -> PathBuf {
    common::folder(&format!("video-{name}"))
}

fn run(dir: &Path, args: &[&str]) -> Output {
    common::run(dir, args)
}

fn ffprobe(path: &Path, entries: &str, count: bool) -> String {
    let mut args = vec!["-v", "error", "-select_streams", "v:0"];
    if count {
        args.push("-count_frames");
    }
    args.extend(["-show_entries", entries, "-of", "default=nw=1"]);
    let out = Command::new("ffprobe")
        .args(&args)
        .arg(path)
        .output()
        .unwrap_or_else(|e| {
            panic!(
                "the MP4 test needs ffprobe ({e}): install ffmpeg (Debian/Ubuntu: `apt-get install ffmpeg`; .ci/run does)"
            )
        });
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn an_mp4_turntable_decodes_as_h264_with_every_frame() {
    let dir = folder("mp4");
    let out = run(
        &dir,
        &[
            "render",
            "--turntable",
            "turn.mp4",
            "--size",
            "320x180",
            "--seconds",
            "2",
            "--fps",
            "12",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let path = dir.join("turn.mp4");
    let info = ffprobe(
        &path,
        "stream=codec_name,width,height,nb_read_frames,avg_frame_rate,duration",
        true,
    );
    for want in [
        "codec_name=h264",
        "width=320",
        "height=180",
        "nb_read_frames=24",
        "avg_frame_rate=12/1",
        "duration=2.000000",
    ] {
        assert!(info.contains(want), "missing {want} in:\n{info}");
    }
    // Every frame decodes without an error.
    let decode = Command::new("ffmpeg")
        .args(["-v", "error", "-i"])
        .arg(&path)
        .args(["-f", "null", "-"])
        .output()
        .unwrap();
    assert!(
        decode.status.success() && decode.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&decode.stderr)
    );
}

#[test]
fn a_gif_turntable_turns_the_head() {
    let dir = folder("gif");
    let out = run(
        &dir,
        &[
            "render",
            "--turntable",
            "turn.gif",
            "--size",
            "160x120",
            "--seconds",
            "1",
            "--fps",
            "8",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let file = std::io::BufReader::new(std::fs::File::open(dir.join("turn.gif")).unwrap());
    let frames = image::codecs::gif::GifDecoder::new(file)
        .unwrap()
        .into_frames()
        .collect_frames()
        .unwrap();
    assert_eq!(frames.len(), 8);
    assert_eq!(frames[0].buffer().dimensions(), (160, 120));
    // The same plan (the same seed) gives the same frames, run after run.
    let again = run(
        &dir,
        &[
            "render",
            "--turntable",
            "again.gif",
            "--size",
            "160x120",
            "--seconds",
            "1",
            "--fps",
            "8",
        ],
    );
    assert!(again.status.success());
    let file = std::io::BufReader::new(std::fs::File::open(dir.join("again.gif")).unwrap());
    let again = image::codecs::gif::GifDecoder::new(file)
        .unwrap()
        .into_frames()
        .collect_frames()
        .unwrap();
    for (a, b) in frames.iter().zip(&again) {
        assert_eq!(
            a.buffer().as_raw(),
            b.buffer().as_raw(),
            "frames differ between runs"
        );
    }
    // The head turns: the first and the middle frame differ.
    assert_ne!(frames[0].buffer(), frames[4].buffer());
}

/// Pull frame `i` out of an MP4 as a picture (ffmpeg).
fn mp4_frame(path: &Path, i: u32, dir: &Path) -> image::RgbaImage {
    let png = dir.join(format!("frame-{i}.png"));
    let out = Command::new("ffmpeg")
        .args(["-v", "error", "-y", "-i"])
        .arg(path)
        .args(["-vf", &format!("select=eq(n\\,{i})"), "-frames:v", "1"])
        .arg(&png)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    image::open(&png).unwrap().to_rgba8()
}

/// The default plan's timeline: before, three sessions on the day and
/// settled, healed, five years: 8 stages of 2 s by default, each with its
/// caption; the scalp darkens from the first stage to the healed one.
#[test]
fn a_timeline_walks_through_the_sessions_with_captions() {
    let dir = folder("timeline");
    let out = run(
        &dir,
        &[
            "render",
            "--timeline",
            "film.mp4",
            "--size",
            "320x180",
            "--fps",
            "10",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let path = dir.join("film.mp4");
    let info = ffprobe(
        &path,
        "stream=codec_name,width,height,nb_read_frames,duration",
        true,
    );
    for want in [
        "codec_name=h264",
        "width=320",
        "height=180",
        "nb_read_frames=160",
        "duration=16.000000",
    ] {
        assert!(info.contains(want), "missing {want} in:\n{info}");
    }
    // The middle of the first stage (before) and of the healed one (the 7th).
    let before = mp4_frame(&path, 5, &dir);
    let healed = mp4_frame(&path, 125, &dir);
    let luminance = |img: &image::RgbaImage, y0: u32, y1: u32| {
        let px: Vec<_> = (y0..y1)
            .flat_map(|y| (0..img.width()).map(move |x| (x, y)))
            .map(|(x, y)| img.get_pixel(x, y))
            .collect();
        px.iter()
            .map(|p| p[0] as f64 + p[1] as f64 + p[2] as f64)
            .sum::<f64>()
            / px.len() as f64
    };
    // The crown (upper third) is darker once treated.
    let (b, h) = (luminance(&before, 10, 60), luminance(&healed, 10, 60));
    assert!(
        h < b - 2.0,
        "the treated scalp is not darker: {h:.1} vs {b:.1}"
    );
    // The caption band: dark, with light text on it that differs by stage.
    let band = |img: &image::RgbaImage| image::imageops::crop_imm(img, 0, 158, 200, 22).to_image();
    let lit = |img: &image::RgbaImage| band(img).pixels().filter(|p| p[0] > 140).count();
    assert!(lit(&before) > 20 && lit(&healed) > 20, "no caption text");
    assert_ne!(
        band(&before).as_raw(),
        band(&healed).as_raw(),
        "the same caption"
    );
}

#[test]
fn bad_turntable_requests_are_refused_and_write_nothing() {
    let dir = folder("bad");
    let plan = "name = \"p\"\n[output]\nwidth = 96\nheight = 64\nviews = [\"front\"]\n";
    std::fs::write(dir.join("plan.mp4"), plan).unwrap();
    let cases: [(&[&str], &str); 9] = [
        (
            &["--timeline", "film.webm"],
            "--timeline film.webm: unknown video format",
        ),
        (
            &["--timeline", "film.mp4", "--session", "2"],
            "leave out --session",
        ),
        (
            &["--timeline", "film.mp4", "--turntable", "turn.mp4"],
            "give one of them",
        ),
        (&["--turntable", "turn.avi"], "unknown video format"),
        (
            &["--turntable", "turn.mp4", "--size", "321x180"],
            "must be even",
        ),
        (&["--turntable", "turn.mp4", "--fps", "500"], "--fps 500"),
        (
            &["--turntable", "turn.gif", "--seconds", "0"],
            "--seconds 0",
        ),
        (&["--turntable", "/proc/turn.mp4"], "/proc/turn.mp4"),
        (
            &["--turntable", "plan.mp4", "--plan", "plan.mp4"],
            "it is the input",
        ),
    ];
    for (args, want) in cases {
        let mut all = vec!["render"];
        all.extend_from_slice(args);
        common::refused(&run(&dir, &all), &[want]);
    }
    let names = common::file_names(&dir);
    assert_eq!(names, ["plan.mp4"]);
    assert_eq!(std::fs::read_to_string(dir.join("plan.mp4")).unwrap(), plan);
}
