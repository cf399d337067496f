//! `SMP_VIEWER_INPUT`: pointer and key input played into the window at
//! given frames, through the same event handler (and egui) as a user's, so
//! that tests under Xvfb drive the viewer without a window manager or an X
//! input tool. `FRAME:EVENT` entries separated by `;`:
//! `move=X,Y`, `press=X,Y` (move there, press the left button), `release`,
//! `key=C` (a character key), `key=ctrl+C` (with Ctrl held). Positions in
//! window pixels.

use super::App;
use anyhow::{Context, Result, bail};
use winit::dpi::PhysicalPosition;
use winit::event::{DeviceId, ElementState, MouseButton, WindowEvent};
use winit::event_loop::ActiveEventLoop;
use winit::keyboard::Key as WKey;

#[derive(Debug, Clone, PartialEq)]
pub enum Scripted {
    Move(f32, f32),
    Press(f32, f32),
    Release,
    Key(char),
    /// A character key with Ctrl held.
    Ctrl(char),
}

/// Parse a script: (frame, event) in frame order.
pub fn parse(text: &str) -> Result<Vec<(u32, Scripted)>> {
    let mut out = Vec::new();
    for entry in text.split(';').map(str::trim).filter(|e| !e.is_empty()) {
        let (frame, event) = entry
            .split_once(':')
            .with_context(|| format!("SMP_VIEWER_INPUT {entry:?}: write FRAME:EVENT"))?;
        let frame: u32 = frame
            .trim()
            .parse()
            .with_context(|| format!("SMP_VIEWER_INPUT {entry:?}: the frame is a number"))?;
        let point = |v: &str| -> Result<(f32, f32)> {
            let (x, y) = v
                .split_once(',')
                .with_context(|| format!("SMP_VIEWER_INPUT {entry:?}: write X,Y"))?;
            Ok((x.trim().parse()?, y.trim().parse()?))
        };
        let event = match event.trim().split_once('=') {
            Some(("move", v)) => point(v).map(|(x, y)| Scripted::Move(x, y))?,
            Some(("press", v)) => point(v).map(|(x, y)| Scripted::Press(x, y))?,
            Some(("key", v)) if v.chars().count() == 1 => {
                Scripted::Key(v.chars().next().expect("one"))
            }
            Some(("key", v))
                if v.starts_with("ctrl+") && v.chars().count() == "ctrl+".len() + 1 =>
            {
                Scripted::Ctrl(v.chars().last().expect("one"))
            }
            None if event.trim() == "release" => Scripted::Release,
            _ => bail!(
                "SMP_VIEWER_INPUT {entry:?}: move=X,Y, press=X,Y, release, key=C or key=ctrl+C"
            ),
        };
        out.push((frame, event));
    }
    out.sort_by_key(|(f, _)| *f);
    Ok(out)
}

/// The script from the environment, if any (read once).
pub fn from_env() -> Result<Vec<(u32, Scripted)>> {
    match std::env::var("SMP_VIEWER_INPUT") {
        Ok(text) => parse(&text),
        Err(_) => Ok(Vec::new()),
    }
}

fn cursor(x: f32, y: f32) -> WindowEvent {
    WindowEvent::CursorMoved {
        device_id: DeviceId::dummy(),
        position: PhysicalPosition::new(x as f64, y as f64),
    }
}

fn button(state: ElementState) -> WindowEvent {
    WindowEvent::MouseInput {
        device_id: DeviceId::dummy(),
        state,
        button: MouseButton::Left,
    }
}

impl App {
    /// Play the events due by the frames drawn so far.
    pub(super) fn play_script(&mut self, event_loop: &ActiveEventLoop) {
        let Some(id) = self.run.as_ref().map(|r| r.window.id()) else {
            return;
        };
        while self.script.first().is_some_and(|(f, _)| *f <= self.frames) {
            let (frame, event) = self.script.remove(0);
            if crate::viewer::debug() {
                eprintln!("viewer: input at frame {frame}: {event:?}");
            }
            use winit::application::ApplicationHandler;
            match event {
                Scripted::Move(x, y) => self.window_event(event_loop, id, cursor(x, y)),
                Scripted::Press(x, y) => {
                    self.window_event(event_loop, id, cursor(x, y));
                    self.window_event(event_loop, id, button(ElementState::Pressed));
                }
                Scripted::Release => {
                    self.window_event(event_loop, id, button(ElementState::Released))
                }
                Scripted::Key(c) | Scripted::Ctrl(c) => {
                    let held = self.mods;
                    self.mods.ctrl |= matches!(event, Scripted::Ctrl(_));
                    self.key(&WKey::Character(c.to_string().into()));
                    self.mods = held;
                    if let Some(run) = &self.run {
                        run.window.request_redraw();
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts_parse_in_frame_order_and_bad_ones_say_why() {
        let s = parse("5:key=p; 2:press=10,20;3:move=30.5,20;4:release;6:key=ctrl+s").unwrap();
        assert_eq!(
            s,
            [
                (2, Scripted::Press(10.0, 20.0)),
                (3, Scripted::Move(30.5, 20.0)),
                (4, Scripted::Release),
                (5, Scripted::Key('p')),
                (6, Scripted::Ctrl('s')),
            ]
        );
        for bad in [
            "x:key=p",
            "2:click=1,2",
            "2:move=1",
            "2",
            "2:key=pp",
            "2:key=ctrl+",
        ] {
            let e = parse(bad).unwrap_err().to_string();
            assert!(e.starts_with("SMP_VIEWER_INPUT"), "{bad}: {e}");
        }
    }
}
