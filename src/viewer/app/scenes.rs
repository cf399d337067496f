//! Keeping the viewports' scenes in line with the plan: restyle, place
//! again (in the background where an old scene can stay on screen), land.

use super::App;
use crate::gpu::scene::restyle_suffices;
use crate::output::compare;
use crate::plan::TreatmentPlan;
use crate::viewer::placing::{Placing, Shown, Todo};
use anyhow::Result;
use std::time::Instant;

impl App {
    /// The plans the viewports show now.
    pub(super) fn wanted(&self) -> Vec<(String, TreatmentPlan)> {
        if self.compare {
            let v = compare::variant_plans(&self.plan);
            if v.len() >= 2 {
                return v;
            }
        }
        let mut p = self.plan.clone();
        p.variants.clear();
        if self.wipe.is_some() {
            let before = p.shown_at(Some(0), 0.0);
            return vec![("before".into(), before), ("after".into(), p)];
        }
        vec![(self.plan.name.clone(), p)]
    }

    /// Whether bringing the scenes in line with the plan means placing
    /// impressions again (not just restyling).
    pub(super) fn placement_needed(&self) -> bool {
        let Some(run) = self.run.as_ref() else {
            return false;
        };
        let wanted = self.wanted();
        wanted.len() != run.shown.len()
            || wanted.iter().zip(&run.shown).any(|((_, plan), shown)| {
                shown.plan != *plan && !restyle_suffices(&shown.plan, plan)
            })
    }

    /// Bring the scenes in line with the plan: restyle what only changed
    /// its look, place again what changed more, keep the rest. Placing runs
    /// in the background while the old scene stays on screen; where a
    /// viewport has no scene yet (a plan loaded, compare mode turned on) it
    /// runs here. While one placement runs, what needs placing again waits
    /// for it to land (`land_placement` syncs again).
    pub(super) fn sync_scenes(&mut self) -> Result<()> {
        // A plan that matches the client's hair follows the hair as it is
        // edited (the match replaces the sessions' shade and size and the
        // density, as on load).
        crate::hair_match::apply(&mut self.plan);
        if self.plan.head != self.head_spec {
            // Reshaped in the panel: every scene is placed again on the new head.
            self.head = crate::loading::load_head(&self.plan, self.plan_path.as_deref())?;
            self.head_spec = self.plan.head.clone();
            crate::loading::apply_scan_tone(&mut self.plan, &self.head);
        }
        let wanted = self.wanted();
        let Some(run) = self.run.as_mut() else {
            return Ok(());
        };
        let mut old: Vec<Option<Shown>> = run.shown.drain(..).map(Some).collect();
        let mut next: Vec<Option<Shown>> = Vec::new();
        let mut todo: Vec<Todo> = Vec::new();
        for (i, (name, plan)) in wanted.into_iter().enumerate() {
            // Reuse the scene at the same place, else one with the same name.
            let pos = if old
                .get(i)
                .is_some_and(|o| o.as_ref().is_some_and(|o| o.name == name))
            {
                Some(i)
            } else {
                old.iter()
                    .position(|o| o.as_ref().is_some_and(|o| o.name == name))
            }
            .or_else(|| (i < old.len() && old[i].is_some()).then_some(i));
            let reuse = pos.and_then(|p| old[p].take());
            next.push(match reuse {
                Some(mut s) if s.plan == plan => {
                    s.name = name;
                    Some(s)
                }
                Some(mut s) if restyle_suffices(&s.plan, &plan) => {
                    s.scene.restyle(&plan, &self.head);
                    s.name = name;
                    s.plan = plan;
                    Some(s)
                }
                // Shown until its replacement lands.
                kept => {
                    todo.push((i, name, plan));
                    kept
                }
            });
        }
        let busy = self.placing.is_some();
        let (now, later): (Vec<Todo>, Vec<Todo>) = if !busy && next.iter().all(Option::is_some) {
            (Vec::new(), todo)
        } else if busy {
            // Only what has nothing to show meanwhile.
            todo.into_iter().partition(|t| next[t.0].is_none())
        } else {
            (todo, Vec::new())
        };
        if !now.is_empty() {
            let t0 = Instant::now();
            let (gpu, generator) = (&run.gfx.gpu, &run.gfx.renderer.generator);
            for (i, name, plan) in now {
                next[i] = Some(Shown::place(gpu, generator, &self.head, name, plan)?);
            }
            run.gfx.gpu.wait();
            self.panel.placement_ms = Some(t0.elapsed().as_secs_f32() * 1e3);
        }
        run.shown = next.into_iter().flatten().collect();
        if !busy && !later.is_empty() {
            if crate::viewer::debug() {
                eprintln!("viewer: placing {} scene(s) in the background", later.len());
            }
            self.placing = Some(Placing::spawn(
                run.gfx.gpu.clone(),
                run.gfx.renderer.generator.clone(),
                self.head.clone(),
                later,
                run.window.clone(),
            )?);
            self.panel.placing = true;
        }
        Ok(())
    }

    /// Put the scenes placed in the background on screen once they are
    /// ready, then catch up with what changed meanwhile.
    pub(super) fn land_placement(&mut self) -> Result<()> {
        let Some(result) = self.placing.as_ref().and_then(Placing::poll) else {
            return Ok(());
        };
        let started = self.placing.take().expect("placing").started;
        self.panel.placing = false;
        let placed = result?;
        let ms = started.elapsed().as_secs_f32() * 1e3;
        self.panel.placement_ms = Some(ms);
        if crate::viewer::debug() {
            eprintln!(
                "viewer: placed {} scene(s) in the background in {ms:.0} ms",
                placed.len()
            );
        }
        if let Some(run) = self.run.as_mut() {
            for (i, shown) in placed {
                // The viewports may have changed meanwhile: only where the
                // same variant is still shown.
                if let Some(slot) = run.shown.get_mut(i).filter(|s| s.name == shown.name) {
                    *slot = shown;
                }
            }
        }
        self.sync_scenes()
    }
}
