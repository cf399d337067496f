//! The head turning once, as a video the client takes home: MP4 (H.264,
//! OpenH264 built from source) or GIF, by the file's extension. Frames are
//! rendered and encoded one at a time (never all held in memory) and written
//! by the output policy: a temporary file, renamed into place only when the
//! encoding finished.

use crate::camera::Camera;
use crate::files::{self, Inputs};
use crate::plan::ViewName;
use crate::render::Prepared;
use anyhow::{Context, Result, bail};
use glam::{Quat, Vec3};
use std::io::Write;
use std::path::Path;

/// One full turn: its length, frame rate and picture size.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Turntable {
    pub seconds: f32,
    pub fps: u32,
    pub width: u32,
    pub height: u32,
}

pub const SECONDS: (f32, f32) = (1.0, 60.0);
pub const FPS: (u32, u32) = (5, 60);
/// The largest MP4 picture (H.264 level 5.1 holds 4096×2304).
pub const MP4_MAX: (u32, u32) = (4096, 2304);
/// Looking down on the head a little: the top of the scalp shows as it turns.
const ELEVATION_DEG: f32 = 10.0;

/// What the file's extension asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VideoFormat {
    Mp4,
    Gif,
}

impl VideoFormat {
    pub fn of(path: &Path) -> Result<VideoFormat> {
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        match ext.as_deref() {
            Some("mp4") => Ok(VideoFormat::Mp4),
            Some("gif") => Ok(VideoFormat::Gif),
            _ => bail!(
                "--turntable {}: unknown video format; name a .mp4 (H.264) or .gif file",
                path.display()
            ),
        }
    }
}

impl Turntable {
    /// Checked like a plan's fields; messages name the flag that set each value.
    pub fn check(&self, format: VideoFormat) -> Result<()> {
        let (lo, hi) = SECONDS;
        if !self.seconds.is_finite() || !(lo..=hi).contains(&self.seconds) {
            bail!("--seconds {}: allowed {lo} to {hi} seconds", self.seconds);
        }
        let (lo, hi) = FPS;
        if !(lo..=hi).contains(&self.fps) {
            bail!("--fps {}: allowed {lo} to {hi} frames a second", self.fps);
        }
        if format == VideoFormat::Mp4 {
            if !self.width.is_multiple_of(2) || !self.height.is_multiple_of(2) {
                bail!(
                    "--size {}x{}: an MP4's width and height must be even (H.264 stores colour at half resolution)",
                    self.width,
                    self.height
                );
            }
            if self.width > MP4_MAX.0 || self.height > MP4_MAX.1 {
                bail!(
                    "--size {}x{}: an MP4 is at most {}x{}",
                    self.width,
                    self.height,
                    MP4_MAX.0,
                    MP4_MAX.1
                );
            }
        }
        Ok(())
    }

    pub fn frames(&self) -> u32 {
        (self.seconds * self.fps as f32).round().max(1.0) as u32
    }

    /// The camera of frame `i`: the front view turned about the vertical
    /// axis through the head, far enough back that the side view fits too.
    pub fn camera(&self, bounds: (Vec3, Vec3), i: u32) -> Camera {
        let aspect = self.width as f32 / self.height as f32;
        let front = Camera::preset(ViewName::Front, bounds, aspect);
        let side = Camera::preset(ViewName::Left, bounds, aspect);
        let distance = (front.eye - front.target)
            .length()
            .max((side.eye - side.target).length());
        let yaw = std::f32::consts::TAU * i as f32 / self.frames() as f32;
        let dir = Quat::from_rotation_y(yaw)
            * Quat::from_rotation_x(-ELEVATION_DEG.to_radians())
            * Vec3::Z;
        Camera {
            eye: front.target + dir * distance,
            ..front
        }
    }
}

/// Render the turn of `prepared` into `path`; `progress(done, total)` after
/// each frame.
pub fn write(
    prepared: &Prepared,
    turn: &Turntable,
    path: &Path,
    inputs: &Inputs,
    mut progress: impl FnMut(u32, u32),
) -> Result<()> {
    let format = VideoFormat::of(path)?;
    turn.check(format)?;
    let targets = prepared
        .renderer
        .targets(&prepared.gpu, turn.width, turn.height)?;
    let n = turn.frames();
    let mut failure = None;
    let written = files::write_atomic(path, inputs, |out| {
        let mut frame = |i: u32| -> Result<image::RgbaImage> {
            let camera = turn.camera(prepared.scene.bounds, i);
            let img = prepared.renderer.render_image(
                &prepared.gpu,
                &prepared.scene,
                &camera,
                &targets,
            )?;
            progress(i + 1, n);
            Ok(img)
        };
        let result = match format {
            VideoFormat::Mp4 => encode_mp4(out, turn, n, &mut frame),
            VideoFormat::Gif => encode_gif(out, turn, n, &mut frame),
        };
        result.map_err(|e| {
            let io = std::io::Error::other(format!("{e:#}"));
            failure = Some(e);
            io
        })
    });
    match (written, failure) {
        (Ok(()), _) => Ok(()),
        (Err(_), Some(e)) => Err(e.context(format!("{}: not written", path.display()))),
        (Err(e), None) => Err(e.into()),
    }
}

fn encode_gif(
    out: &mut impl Write,
    turn: &Turntable,
    n: u32,
    frame: &mut impl FnMut(u32) -> Result<image::RgbaImage>,
) -> Result<()> {
    let mut encoder = image::codecs::gif::GifEncoder::new_with_speed(out, 10);
    encoder.set_repeat(image::codecs::gif::Repeat::Infinite)?;
    // GIF delays are in hundredths of a second.
    let delay = image::Delay::from_numer_denom_ms(1000, turn.fps);
    for i in 0..n {
        let img = frame(i)?;
        encoder.encode_frame(image::Frame::from_parts(img, 0, 0, delay))?;
    }
    Ok(())
}

/// Annex B (start codes) to the NAL units themselves.
fn nal_units(stream: &[u8]) -> Vec<&[u8]> {
    let mut units = Vec::new();
    let mut i = 0;
    let mut start = None;
    while i + 3 <= stream.len() {
        if stream[i] == 0 && stream[i + 1] == 0 && stream[i + 2] == 1 {
            if let Some(s) = start {
                // A four-byte start code leaves a zero before the three.
                let end = if i > 0 && stream[i - 1] == 0 {
                    i - 1
                } else {
                    i
                };
                units.push(&stream[s..end.max(s)]);
            }
            i += 3;
            start = Some(i);
        } else {
            i += 1;
        }
    }
    if let Some(s) = start {
        units.push(&stream[s..]);
    }
    units.into_iter().filter(|u| !u.is_empty()).collect()
}

fn encode_mp4<W: Write + std::io::Seek>(
    out: &mut W,
    turn: &Turntable,
    n: u32,
    frame: &mut impl FnMut(u32) -> Result<image::RgbaImage>,
) -> Result<()> {
    use openh264::encoder::{Encoder, EncoderConfig, FrameRate, QpRange, RateControlMode};
    use openh264::formats::{RgbaSliceU8, YUVBuffer};
    let (w, h) = (turn.width as usize, turn.height as usize);
    // Constant quality, no rate control: every frame kept (a skipped frame
    // would shorten the turn), the impressions sharp (QP 20-26).
    let config = EncoderConfig::new()
        .max_frame_rate(FrameRate::from_hz(turn.fps as f32))
        .rate_control_mode(RateControlMode::Off)
        .qp(QpRange::new(20, 26))
        .skip_frames(false);
    let mut encoder = Encoder::with_api_config(openh264::OpenH264API::from_source(), config)
        .context("the H.264 encoder did not start")?;
    let mut mp4: Option<mp4::Mp4Writer<&mut W>> = None;
    let mut out = Some(out);
    let mut yuv = YUVBuffer::new(w, h);
    for i in 0..n {
        let img = frame(i)?;
        yuv.read_rgba8(RgbaSliceU8::new(img.as_raw(), (w, h)));
        let stream = encoder
            .encode(&yuv)
            .context("H.264 encoding failed")?
            .to_vec();
        let units = nal_units(&stream);
        let nal_type = |u: &[u8]| u[0] & 0x1f;
        if mp4.is_none() {
            let sps = units.iter().find(|u| nal_type(u) == 7);
            let pps = units.iter().find(|u| nal_type(u) == 8);
            let (Some(sps), Some(pps)) = (sps, pps) else {
                bail!("the H.264 encoder's first frame has no parameter sets");
            };
            let config = mp4::Mp4Config {
                major_brand: (*b"isom").into(),
                minor_version: 512,
                compatible_brands: vec![
                    (*b"isom").into(),
                    (*b"iso2").into(),
                    (*b"avc1").into(),
                    (*b"mp41").into(),
                ],
                timescale: 1000,
            };
            let mut writer = mp4::Mp4Writer::write_start(out.take().expect("once"), &config)?;
            writer.add_track(&mp4::TrackConfig {
                track_type: mp4::TrackType::Video,
                timescale: turn.fps,
                language: "und".into(),
                media_conf: mp4::MediaConfig::AvcConfig(mp4::AvcConfig {
                    width: w as u16,
                    height: h as u16,
                    seq_param_set: sps.to_vec(),
                    pic_param_set: pps.to_vec(),
                }),
            })?;
            mp4 = Some(writer);
        }
        // The sample: every picture NAL unit, each after its length (AVCC);
        // the parameter sets live in the track's header.
        let mut sample = Vec::with_capacity(stream.len());
        let mut sync = false;
        for u in units.iter().filter(|u| !matches!(nal_type(u), 7 | 8)) {
            sync |= nal_type(u) == 5;
            sample.extend((u.len() as u32).to_be_bytes());
            sample.extend_from_slice(u);
        }
        mp4.as_mut().expect("started").write_sample(
            1,
            &mp4::Mp4Sample {
                start_time: i as u64,
                duration: 1,
                rendering_offset: 0,
                is_sync: sync,
                bytes: bytes::Bytes::from(sample),
            },
        )?;
    }
    mp4.as_mut().expect("at least one frame").write_end()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn start_codes_split_into_units() {
        let s = [
            0, 0, 0, 1, 0x67, 1, 2, 0, 0, 1, 0x68, 3, 0, 0, 0, 1, 0x65, 4, 5,
        ];
        let u = nal_units(&s);
        assert_eq!(u, [&[0x67, 1, 2][..], &[0x68, 3][..], &[0x65, 4, 5][..]]);
    }

    #[test]
    fn values_are_checked_and_name_the_flag() {
        let t = Turntable {
            seconds: 8.0,
            fps: 30,
            width: 1280,
            height: 720,
        };
        assert_eq!(t.frames(), 240);
        t.check(VideoFormat::Mp4).unwrap();
        let odd = Turntable { width: 641, ..t };
        assert!(
            odd.check(VideoFormat::Mp4)
                .unwrap_err()
                .to_string()
                .contains("even")
        );
        odd.check(VideoFormat::Gif).unwrap();
        let slow = Turntable { fps: 1, ..t };
        assert!(
            slow.check(VideoFormat::Gif)
                .unwrap_err()
                .to_string()
                .starts_with("--fps")
        );
        let long = Turntable {
            seconds: f32::NAN,
            ..t
        };
        assert!(
            long.check(VideoFormat::Gif)
                .unwrap_err()
                .to_string()
                .starts_with("--seconds")
        );
        assert!(VideoFormat::of(Path::new("a.avi")).is_err());
        assert_eq!(
            VideoFormat::of(Path::new("A.MP4")).unwrap(),
            VideoFormat::Mp4
        );
    }

    #[test]
    fn the_camera_turns_once_around_the_head() {
        let t = Turntable {
            seconds: 4.0,
            fps: 10,
            width: 640,
            height: 360,
        };
        let bounds = (
            Vec3::new(-80.0, -120.0, -100.0),
            Vec3::new(80.0, 140.0, 130.0),
        );
        let first = t.camera(bounds, 0);
        let quarter = t.camera(bounds, 10);
        let r = |c: &Camera| c.eye - c.target;
        assert!(
            r(&first).z > 0.0 && r(&first).x.abs() < 1e-3,
            "starts at the front"
        );
        assert!(
            r(&quarter).x > 0.0 && r(&quarter).z.abs() < 1.0,
            "a quarter turn: the client's left"
        );
        assert!((r(&first).length() - r(&quarter).length()).abs() < 1e-3);
    }
}
