//! `[[variants]]`: named alternatives of one plan (say three shades), shown
//! side by side in compare mode and by `render --compare`. A variant holds a
//! few overrides; everything else comes from the plan.

use super::validate::{Checker, Seg};
use super::{TreatmentPlan, limits};
use Seg::{Index, Key};
use serde::{Deserialize, Serialize};

/// At most this many variants: compare mode shows up to four viewports.
pub const MAX_VARIANTS: usize = 4;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
#[serde(deny_unknown_fields)]
pub struct VariantSpec {
    /// The label shown over its viewport.
    pub name: String,
    /// The pigment of every session (palette name or `"#rrggbb"`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shade: Option<String>,
    /// One pigment per session, overriding `shade`; as many as the plan has sessions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shades: Option<Vec<String>>,
    /// Final density, per cm² (see `density.final_per_cm2`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub final_per_cm2: Option<f32>,
    /// Skin tone (see `skin.tone`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub skin_tone: Option<String>,
}

impl TreatmentPlan {
    /// The plan as variant `index` has it (its `variants` list emptied).
    /// Panics when `index` is out of range.
    pub fn variant(&self, index: usize) -> TreatmentPlan {
        let v = &self.variants[index];
        let mut plan = self.clone();
        plan.variants.clear();
        v.apply(&mut plan);
        plan
    }

    pub(super) fn check_variants(&self, c: &mut Checker) {
        if self.variants.len() > MAX_VARIANTS {
            c.push(
                vec![Key("variants")],
                format!(
                    "{} variants given: at most {MAX_VARIANTS} are allowed",
                    self.variants.len()
                ),
            );
        }
        for (i, v) in self.variants.iter().enumerate() {
            let p = |k| vec![Key("variants"), Index(i), Key(k)];
            if v.name.trim().is_empty() {
                c.push(
                    p("name"),
                    "is empty: give the label shown over the variant".into(),
                );
            } else if self.variants[..i].iter().any(|o| o.name == v.name) {
                c.push(
                    p("name"),
                    format!(
                        "{:?} is used by an earlier variant: names must differ",
                        v.name
                    ),
                );
            }
            if let Some(shade) = &v.shade {
                c.shade(p("shade"), shade);
            }
            if let Some(shades) = &v.shades {
                if shades.len() != self.sessions.len() {
                    c.push(
                        p("shades"),
                        format!(
                            "{} shades given: give one per session ({})",
                            shades.len(),
                            self.sessions.len()
                        ),
                    );
                }
                for (k, s) in shades.iter().enumerate() {
                    c.shade(vec![Key("variants"), Index(i), Key("shades"), Index(k)], s);
                }
            }
            if let Some(d) = v.final_per_cm2 {
                c.range(
                    p("final_per_cm2"),
                    d,
                    limits::FINAL_DENSITY_PER_CM2,
                    " per cm²",
                );
            }
            if let Some(t) = &v.skin_tone
                && let Err(e) = super::skin_tone_srgb(t)
            {
                c.push(p("skin_tone"), e);
            }
        }
    }
}

impl VariantSpec {
    /// Write this variant's overrides into `plan`.
    pub fn apply(&self, plan: &mut TreatmentPlan) {
        if let Some(shade) = &self.shade {
            for s in &mut plan.sessions {
                s.shade = shade.clone();
            }
        }
        if let Some(shades) = &self.shades {
            for (s, shade) in plan.sessions.iter_mut().zip(shades) {
                s.shade = shade.clone();
            }
        }
        if let Some(d) = self.final_per_cm2 {
            plan.density.final_per_cm2 = d;
        }
        if let Some(t) = &self.skin_tone {
            plan.skin.tone = t.clone();
        }
    }

    /// A variant that pins what `plan` has now (shades, density, skin tone):
    /// the panel's "duplicate current as a variant".
    pub fn capture(plan: &TreatmentPlan, name: String) -> VariantSpec {
        VariantSpec {
            name,
            shade: None,
            shades: Some(plan.sessions.iter().map(|s| s.shade.clone()).collect()),
            final_per_cm2: Some(plan.density.final_per_cm2),
            skin_tone: Some(plan.skin.tone.clone()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(extra: &str) -> Result<TreatmentPlan, super::super::PlanError> {
        TreatmentPlan::from_toml_str(extra, "v.toml")
    }

    #[test]
    fn a_variant_overrides_only_what_it_names() {
        let p = plan("[[variants]]\nname = \"soft\"\nshade = \"soft-black\"\n[[variants]]\nname = \"d\"\nfinal_per_cm2 = 90\n").unwrap();
        let a = p.variant(0);
        assert!(a.sessions.iter().all(|s| s.shade == "soft-black"));
        assert_eq!(a.density.final_per_cm2, p.density.final_per_cm2);
        assert!(a.variants.is_empty());
        let b = p.variant(1);
        assert_eq!(b.density.final_per_cm2, 90.0);
        assert_eq!(b.sessions, p.sessions);
    }

    #[test]
    fn bad_variants_name_the_field_and_range() {
        let text = "[[variants]]\nname = \"a\"\nshades = [\"dark\"]\nfinal_per_cm2 = 500\nskin_tone = \"green\"\n[[variants]]\nname = \"a\"\nshade = \"purple\"\n";
        let msg = plan(text).unwrap_err().to_string();
        assert!(
            msg.contains("v.toml:3: variants[0].shades: 1 shades given: give one per session (3)"),
            "{msg}"
        );
        assert!(
            msg.contains("variants[0].final_per_cm2: 500 is out of range: allowed 5 to 200"),
            "{msg}"
        );
        assert!(msg.contains("variants[0].skin_tone"), "{msg}");
        assert!(msg.contains("variants[1].name"), "{msg}");
        assert!(msg.contains("variants[1].shade"), "{msg}");
        let five: String = (0..5)
            .map(|i| format!("[[variants]]\nname = \"v{i}\"\n"))
            .collect();
        assert!(plan(&five).unwrap_err().to_string().contains("at most 4"));
    }

    #[test]
    fn capture_round_trips_the_current_look() {
        let mut p = TreatmentPlan::default_plan();
        p.sessions[0].shade = "#404040".into();
        let v = VariantSpec::capture(&p, "mine".into());
        let mut q = TreatmentPlan::default_plan();
        v.apply(&mut q);
        assert_eq!(q.sessions, p.sessions);
    }
}
