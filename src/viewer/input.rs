//! Keys and mouse buttons to viewer actions. Window-system keys are turned
//! into `Key` by the app; the mapping itself is plain data, unit-tested.

use crate::plan::ViewName;

/// A key, as far as the viewer cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    /// A printable character (as typed, lower case for letters).
    Char(char),
    F1,
    F11,
    Escape,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Mods {
    pub ctrl: bool,
    pub shift: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Glide to a named view.
    View(ViewName),
    Turntable,
    Fullscreen,
    /// Hide or show every piece of UI (a clean client-facing picture).
    HideUi,
    Screenshot,
    FrameTime,
    Compare,
    /// Before and after in one picture, split by a divider.
    Wipe,
    /// Write the consultation PDF.
    Document,
    /// Landmark mode: a click on the scan sets the next landmark.
    Landmarks,
    Help,
    Save,
    Open,
    Quit,
    /// Close an overlay (help), leave fullscreen.
    Dismiss,
}

/// The key bindings, in the order the help overlay and the README list them.
pub const BINDINGS: &[(&str, &str)] = &[
    ("drag", "turn the head (yaw free, pitch limited)"),
    ("wheel / pinch", "zoom"),
    ("right-drag, shift-drag", "pan"),
    ("double-click", "reset to the front view"),
    ("1 … 6", "front, left, right, back, top, three-quarter"),
    ("T", "slow turntable on/off"),
    ("C", "compare mode: the plan's variants side by side"),
    ("W", "before | after wipe: drag the divider across the head"),
    ("P", "write the consultation PDF into the screenshot folder"),
    (
        "L",
        "landmark mode (a scan): a click on the head sets the next landmark",
    ),
    ("H", "hide all UI (clean picture for the client)"),
    ("S", "save a full-resolution screenshot PNG"),
    ("F", "frame-time readout"),
    ("F11", "fullscreen"),
    ("Ctrl+S", "save the plan (TOML)"),
    ("Ctrl+O", "open a plan (path field)"),
    ("? or F1", "this help"),
    ("Esc", "close help, leave fullscreen"),
    ("Ctrl+Q", "quit (asks when there are unsaved changes)"),
];

/// The views on the number keys 1-6: front, left, right, back, top,
/// three-quarter, as `ViewName::ALL` lists them.
pub const NUMBER_VIEWS: [ViewName; 6] = ViewName::ALL;

pub fn key_action(key: Key, mods: Mods) -> Option<Action> {
    use Action::*;
    match key {
        Key::F1 => Some(Help),
        Key::F11 => Some(Fullscreen),
        Key::Escape => Some(Dismiss),
        Key::Char(c) if mods.ctrl => match c.to_ascii_lowercase() {
            's' => Some(Save),
            'o' => Some(Open),
            'q' => Some(Quit),
            _ => None,
        },
        Key::Char(c) => match c {
            '1'..='6' => Some(View(NUMBER_VIEWS[c as usize - '1' as usize])),
            '?' => Some(Help),
            _ => match c.to_ascii_lowercase() {
                't' => Some(Turntable),
                'h' => Some(HideUi),
                's' => Some(Screenshot),
                'f' => Some(FrameTime),
                'c' => Some(Compare),
                'w' => Some(Wipe),
                'p' => Some(Document),
                'l' => Some(Landmarks),
                _ => None,
            },
        },
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Button {
    Left,
    Right,
    Middle,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Drag {
    Orbit,
    Pan,
    /// Moving the before | after divider.
    Wipe,
}

/// How close to the wipe's divider (px) a press grabs it rather than the head.
pub const DIVIDER_GRAB_PX: f32 = 12.0;

/// Whether a press at `x` grabs the divider at `divider_x`.
pub fn grabs_divider(x: f32, divider_x: f32) -> bool {
    (x - divider_x).abs() <= DIVIDER_GRAB_PX
}

/// What dragging with `button` does.
pub fn drag_for(button: Button, mods: Mods) -> Drag {
    match (button, mods.shift) {
        (Button::Left, false) => Drag::Orbit,
        _ => Drag::Pan,
    }
}

/// Wheel steps from a wheel event: whole lines, or pixels (touchpads).
pub fn wheel_steps(lines_y: Option<f32>, pixels_y: Option<f32>) -> f32 {
    lines_y.or(pixels_y.map(|p| p / 40.0)).unwrap_or(0.0)
}

/// Detects double clicks: two presses within `MAX_S` seconds and `MAX_PX`.
#[derive(Debug, Default)]
pub struct DoubleClick {
    last: Option<(f64, (f32, f32))>,
}

impl DoubleClick {
    pub const MAX_S: f64 = 0.4;
    pub const MAX_PX: f32 = 6.0;

    /// A press at `time_s`, `pos`: true when it completes a double click.
    pub fn press(&mut self, time_s: f64, pos: (f32, f32)) -> bool {
        let double = self.last.is_some_and(|(t, p)| {
            time_s - t <= Self::MAX_S && (pos.0 - p.0).hypot(pos.1 - p.1) <= Self::MAX_PX
        });
        self.last = if double { None } else { Some((time_s, pos)) };
        double
    }
}

/// Whether a drag moved far enough to count as a drag rather than a click.
pub fn is_drag(total_px: f32) -> bool {
    total_px > 3.0
}

#[cfg(test)]
mod tests {
    use super::*;

    const NONE: Mods = Mods {
        ctrl: false,
        shift: false,
    };
    const CTRL: Mods = Mods {
        ctrl: true,
        shift: false,
    };

    #[test]
    fn number_keys_jump_to_the_six_views() {
        let views: Vec<_> = "123456"
            .chars()
            .map(|c| key_action(Key::Char(c), NONE))
            .collect();
        let want: Vec<_> = NUMBER_VIEWS
            .iter()
            .map(|v| Some(Action::View(*v)))
            .collect();
        assert_eq!(views, want);
        assert_eq!(key_action(Key::Char('7'), NONE), None);
        assert_eq!(key_action(Key::Char('0'), NONE), None);
    }

    #[test]
    fn letters_and_ctrl_chords() {
        assert_eq!(key_action(Key::Char('s'), NONE), Some(Action::Screenshot));
        assert_eq!(key_action(Key::Char('S'), NONE), Some(Action::Screenshot));
        assert_eq!(key_action(Key::Char('s'), CTRL), Some(Action::Save));
        assert_eq!(key_action(Key::Char('o'), CTRL), Some(Action::Open));
        assert_eq!(key_action(Key::Char('q'), CTRL), Some(Action::Quit));
        assert_eq!(key_action(Key::Char('t'), NONE), Some(Action::Turntable));
        assert_eq!(key_action(Key::Char('h'), NONE), Some(Action::HideUi));
        assert_eq!(key_action(Key::Char('f'), NONE), Some(Action::FrameTime));
        assert_eq!(key_action(Key::Char('c'), NONE), Some(Action::Compare));
        assert_eq!(key_action(Key::Char('w'), NONE), Some(Action::Wipe));
        assert_eq!(key_action(Key::Char('P'), NONE), Some(Action::Document));
        assert_eq!(key_action(Key::Char('l'), NONE), Some(Action::Landmarks));
        assert_eq!(key_action(Key::Char('?'), NONE), Some(Action::Help));
        assert_eq!(key_action(Key::F1, NONE), Some(Action::Help));
        assert_eq!(key_action(Key::F11, NONE), Some(Action::Fullscreen));
        assert_eq!(key_action(Key::Escape, NONE), Some(Action::Dismiss));
        assert_eq!(key_action(Key::Char('t'), CTRL), None);
        assert_eq!(key_action(Key::Char('x'), NONE), None);
    }

    #[test]
    fn every_binding_in_the_help_is_reachable() {
        // Each single-key binding the help lists maps to an action.
        for (keys, _) in BINDINGS {
            if keys.len() == 1 {
                let c = keys.chars().next().unwrap();
                assert!(key_action(Key::Char(c), NONE).is_some(), "{keys}");
            }
        }
    }

    #[test]
    fn drags_orbit_or_pan() {
        assert_eq!(drag_for(Button::Left, NONE), Drag::Orbit);
        let shift = Mods {
            ctrl: false,
            shift: true,
        };
        assert_eq!(drag_for(Button::Left, shift), Drag::Pan);
        assert_eq!(drag_for(Button::Right, NONE), Drag::Pan);
        assert_eq!(drag_for(Button::Middle, NONE), Drag::Pan);
    }

    #[test]
    fn the_divider_is_grabbed_near_it_only() {
        assert!(grabs_divider(300.0, 310.0));
        assert!(grabs_divider(322.0, 310.0));
        assert!(!grabs_divider(330.0, 310.0));
    }

    #[test]
    fn wheel_lines_and_pixels() {
        assert_eq!(wheel_steps(Some(2.0), None), 2.0);
        assert_eq!(wheel_steps(None, Some(-80.0)), -2.0);
        assert_eq!(wheel_steps(None, None), 0.0);
    }

    #[test]
    fn double_click_needs_two_close_quick_presses() {
        let mut d = DoubleClick::default();
        assert!(!d.press(0.0, (10.0, 10.0)));
        assert!(d.press(0.2, (12.0, 11.0)));
        // A third press starts over.
        assert!(!d.press(0.3, (12.0, 11.0)));
        assert!(!d.press(1.0, (12.0, 11.0)));
        assert!(!d.press(1.1, (40.0, 11.0)), "too far");
        assert!(!d.press(1.6, (40.0, 11.0)), "too slow");
    }
}
