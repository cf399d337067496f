//! Command-line values, checked as strictly as the plan's own fields, with
//! messages that name the flag.

use crate::plan::{ViewName, limits};
use anyhow::{Context, Result, bail};

/// `--size WIDTHxHEIGHT`: each side within `limits::IMAGE_SIDE_PX`, and no
/// more pixels than every adapter can render (`limits::MAX_IMAGE_PIXELS`).
pub fn parse_size(text: &str) -> Result<(u32, u32)> {
    let (w, h) = text
        .split_once(['x', 'X'])
        .with_context(|| format!("--size {text:?}: write WIDTHxHEIGHT, e.g. 1920x1080"))?;
    let parse = |s: &str| {
        s.trim()
            .parse::<u32>()
            .ok()
            .filter(|v| (limits::IMAGE_SIDE_PX.0..=limits::IMAGE_SIDE_PX.1).contains(v))
    };
    let (lo, hi) = limits::IMAGE_SIDE_PX;
    match (parse(w), parse(h)) {
        (Some(w), Some(h)) if w as u64 * h as u64 > limits::MAX_IMAGE_PIXELS => bail!(
            "--size {text}: {} pixels; {}",
            w as u64 * h as u64,
            limits::image_pixels_rule()
        ),
        (Some(w), Some(h)) => Ok((w, h)),
        _ => bail!("--size {text:?}: each side must be a whole number from {lo} to {hi} px"),
    }
}

/// `--views a,b`: known view names, each once.
pub fn parse_views(names: &[String]) -> Result<Vec<ViewName>> {
    let views = names
        .iter()
        .map(|n| {
            ViewName::parse(n.trim()).with_context(|| {
                let all: Vec<_> = ViewName::ALL.iter().map(|v| v.as_str()).collect();
                format!(
                    "--views: unknown view {n:?}; choose from {}",
                    all.join(", ")
                )
            })
        })
        .collect::<Result<Vec<_>>>()?;
    for (i, v) in views.iter().enumerate() {
        if views[..i].contains(v) {
            bail!(
                "--views: {} is listed twice; name each view once",
                v.as_str()
            );
        }
    }
    Ok(views)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_name_the_flag_and_the_range() {
        assert_eq!(parse_size("1920x1080").unwrap(), (1920, 1080));
        assert_eq!(parse_size("64X64").unwrap(), (64, 64));
        for bad in [
            "",
            "x",
            "10x10",
            "1920",
            "-5x100",
            "8193x64",
            "1e3x100",
            "64x8192x2",
        ] {
            let e = parse_size(bad).unwrap_err().to_string();
            assert!(e.starts_with("--size"), "{bad}: {e}");
        }
        let e = parse_size("4097x4096").unwrap_err().to_string();
        assert!(e.contains("at most 16777216"), "{e}");
        assert!(parse_size("4096x4096").is_ok());
    }

    #[test]
    fn views_are_known_and_given_once() {
        let v = |s: &[&str]| parse_views(&s.iter().map(|x| x.to_string()).collect::<Vec<_>>());
        assert_eq!(
            v(&["front", " top"]).unwrap(),
            [ViewName::Front, ViewName::Top]
        );
        assert!(
            v(&["front", "front"])
                .unwrap_err()
                .to_string()
                .contains("twice")
        );
        assert!(
            v(&["side"])
                .unwrap_err()
                .to_string()
                .contains("unknown view")
        );
    }
}
