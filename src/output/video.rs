//! Video files the client takes home: MP4 (H.264, OpenH264 built from
//! source) or GIF, by the file's extension. Frames come from a closure, one
//! at a time (never all held in memory), and are written by the output
//! policy: a temporary file, renamed into place only when the encoding
//! finished. `turntable` and `timeline` say what the frames show.

use crate::files::{self, Inputs};
use anyhow::{Context, Result, bail};
use std::io::Write;
use std::path::Path;

/// A video's length, frame rate and picture size.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct VideoSettings {
    pub seconds: f32,
    pub fps: u32,
    pub width: u32,
    pub height: u32,
}

pub const SECONDS: (f32, f32) = (1.0, 120.0);
pub const FPS: (u32, u32) = (5, 60);
/// The largest MP4 picture (H.264 level 5.1 holds 4096×2304).
pub const MP4_MAX: (u32, u32) = (4096, 2304);

/// What the file's extension asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VideoFormat {
    Mp4,
    Gif,
}

impl VideoFormat {
    /// The format of `path`; `flag` (`--turntable`) names it in the message.
    pub fn of(path: &Path, flag: &str) -> Result<VideoFormat> {
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        match ext.as_deref() {
            Some("mp4") => Ok(VideoFormat::Mp4),
            Some("gif") => Ok(VideoFormat::Gif),
            _ => bail!(
                "{flag} {}: unknown video format; name a .mp4 (H.264) or .gif file",
                path.display()
            ),
        }
    }
}

impl VideoSettings {
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
}

/// Encode `settings.frames()` frames from `frame(i)` into `path` (its format
/// by extension). Nothing is left under `path` unless every frame was
/// encoded.
pub fn write(
    path: &Path,
    inputs: &Inputs,
    settings: &VideoSettings,
    flag: &str,
    mut frame: impl FnMut(u32) -> Result<image::RgbaImage>,
) -> Result<()> {
    let format = VideoFormat::of(path, flag)?;
    settings.check(format)?;
    let n = settings.frames();
    let mut failure = None;
    let written = files::write_atomic(path, inputs, |out| {
        let result = match format {
            VideoFormat::Mp4 => encode_mp4(out, settings, n, &mut frame),
            VideoFormat::Gif => encode_gif(out, settings, n, &mut frame),
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
    turn: &VideoSettings,
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
    turn: &VideoSettings,
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

    /// A frame that fails half way: the error says which file was not
    /// written, nothing is under its name, an older file there is kept, and
    /// no temporary file is left beside it.
    #[test]
    fn a_failed_encode_leaves_no_file_under_the_name() {
        let dir = std::env::temp_dir().join(format!("smp-video-fail-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let settings = VideoSettings {
            seconds: 1.0,
            fps: 8,
            width: 32,
            height: 16,
        };
        let failing = |i: u32| {
            if i == 4 {
                bail!("frame 4 could not be rendered");
            }
            Ok(image::RgbaImage::from_pixel(
                32,
                16,
                image::Rgba([i as u8 * 20, 0, 0, 255]),
            ))
        };
        for name in ["new.mp4", "new.gif"] {
            let path = dir.join(name);
            let e =
                write(&path, &Inputs::default(), &settings, "--turntable", failing).unwrap_err();
            let text = format!("{e:#}");
            assert!(
                text.contains("not written") && text.contains("frame 4"),
                "{text}"
            );
            assert!(!path.exists(), "{name} was left half-written");
        }
        let old = dir.join("old.gif");
        std::fs::write(&old, b"the earlier video").unwrap();
        assert!(write(&old, &Inputs::default(), &settings, "--turntable", failing).is_err());
        assert_eq!(std::fs::read(&old).unwrap(), b"the earlier video");
        let mut names: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        assert_eq!(names, ["old.gif"]);
        // The same frames encode when none fails.
        let ok = |i: u32| {
            Ok(image::RgbaImage::from_pixel(
                32,
                16,
                image::Rgba([i as u8, 0, 0, 255]),
            ))
        };
        write(
            &dir.join("ok.mp4"),
            &Inputs::default(),
            &settings,
            "--turntable",
            ok,
        )
        .unwrap();
        std::fs::remove_dir_all(&dir).unwrap();
    }

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
        let t = VideoSettings {
            seconds: 8.0,
            fps: 30,
            width: 1280,
            height: 720,
        };
        assert_eq!(t.frames(), 240);
        t.check(VideoFormat::Mp4).unwrap();
        let odd = VideoSettings { width: 641, ..t };
        assert!(
            odd.check(VideoFormat::Mp4)
                .unwrap_err()
                .to_string()
                .contains("even")
        );
        odd.check(VideoFormat::Gif).unwrap();
        let slow = VideoSettings { fps: 1, ..t };
        assert!(
            slow.check(VideoFormat::Gif)
                .unwrap_err()
                .to_string()
                .starts_with("--fps")
        );
        let long = VideoSettings {
            seconds: f32::NAN,
            ..t
        };
        assert!(
            long.check(VideoFormat::Gif)
                .unwrap_err()
                .to_string()
                .starts_with("--seconds")
        );
        assert!(VideoFormat::of(Path::new("a.avi"), "--turntable").is_err());
        assert_eq!(
            VideoFormat::of(Path::new("A.MP4"), "--turntable").unwrap(),
            VideoFormat::Mp4
        );
    }
}
