//! Keys are data: the default bindings are embedded from `keymap.toml`, a
//! user's file is merged over them, and help and the status bar read the
//! live map, so they never drift from the real bindings.

use std::collections::BTreeMap;
use std::fmt;

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::action::Action;

const DEFAULT: &str = include_str!("keymap.toml");

/// Where a binding applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Mode {
    /// Everywhere, even while typing.
    Global,
    /// On a screen, with no form open.
    Screen,
    /// While typing in a form or the filter line.
    Form,
}

impl Mode {
    fn parse(name: &str) -> Option<Mode> {
        match name {
            "global" => Some(Mode::Global),
            "screen" => Some(Mode::Screen),
            "form" => Some(Mode::Form),
            _ => None,
        }
    }
}

/// One key with its modifiers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Key {
    code: KeyCodeOrd,
    ctrl: bool,
    alt: bool,
}

/// `KeyCode` limited to what a keymap can name, with an order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum KeyCodeOrd {
    Char(char),
    F(u8),
    Named(&'static str),
}

const NAMED: &[(&str, KeyCode)] = &[
    ("enter", KeyCode::Enter),
    ("esc", KeyCode::Esc),
    ("tab", KeyCode::Tab),
    ("backtab", KeyCode::BackTab),
    ("backspace", KeyCode::Backspace),
    ("delete", KeyCode::Delete),
    ("up", KeyCode::Up),
    ("down", KeyCode::Down),
    ("left", KeyCode::Left),
    ("right", KeyCode::Right),
    ("home", KeyCode::Home),
    ("end", KeyCode::End),
    ("pageup", KeyCode::PageUp),
    ("pagedown", KeyCode::PageDown),
];

impl Key {
    /// Reads `ctrl-c`, `G`, `enter`, `f5`, `space`…
    pub fn parse(text: &str) -> Result<Key, String> {
        let mut rest = text;
        let (mut ctrl, mut alt) = (false, false);
        loop {
            if let Some(r) = rest.strip_prefix("ctrl-").filter(|r| !r.is_empty()) {
                ctrl = true;
                rest = r;
            } else if let Some(r) = rest.strip_prefix("alt-").filter(|r| !r.is_empty()) {
                alt = true;
                rest = r;
            } else {
                break;
            }
        }
        let mut chars = rest.chars();
        let code = match (chars.next(), chars.next()) {
            (Some(c), None) if !c.is_control() => KeyCodeOrd::Char(c),
            _ if rest == "space" => KeyCodeOrd::Char(' '),
            _ => {
                if let Some((name, _)) = NAMED.iter().find(|(n, _)| *n == rest) {
                    KeyCodeOrd::Named(name)
                } else if let Some(n) = rest
                    .strip_prefix('f')
                    .and_then(|n| n.parse::<u8>().ok())
                    .filter(|n| (1..=12).contains(n))
                {
                    KeyCodeOrd::F(n)
                } else {
                    return Err(format!(
                        "'{text}' is not a key; expected a character, or enter, esc, tab, up, f1… with ctrl- or alt- in front"
                    ));
                }
            }
        };
        Ok(Key { code, ctrl, alt })
    }

    /// The key a terminal event stands for.
    pub fn from_event(event: &KeyEvent) -> Option<Key> {
        let code = match event.code {
            KeyCode::Char(c) => KeyCodeOrd::Char(c),
            KeyCode::F(n) => KeyCodeOrd::F(n),
            other => KeyCodeOrd::Named(NAMED.iter().find(|(_, k)| *k == other)?.0),
        };
        Some(Key {
            code,
            ctrl: event.modifiers.contains(KeyModifiers::CONTROL),
            alt: event.modifiers.contains(KeyModifiers::ALT),
        })
    }
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.ctrl {
            f.write_str("ctrl-")?;
        }
        if self.alt {
            f.write_str("alt-")?;
        }
        match self.code {
            KeyCodeOrd::Char(' ') => f.write_str("space"),
            KeyCodeOrd::Char(c) => write!(f, "{c}"),
            KeyCodeOrd::F(n) => write!(f, "f{n}"),
            KeyCodeOrd::Named(name) => f.write_str(name),
        }
    }
}

/// The live bindings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Keymap {
    bindings: BTreeMap<(Mode, Action), Vec<Key>>,
}

impl Keymap {
    /// The embedded defaults.
    pub fn default_map() -> Keymap {
        // The embedded file is checked by a unit test; an empty map is the
        // only fallback that cannot fail.
        Keymap::parse(DEFAULT).unwrap_or(Keymap {
            bindings: BTreeMap::new(),
        })
    }

    /// Parses a keymap file's text.
    pub fn parse(text: &str) -> Result<Keymap, String> {
        let table: toml::Table = text
            .parse()
            .map_err(|e: toml::de::Error| e.message().to_string())?;
        let mut bindings = BTreeMap::new();
        for (section, value) in &table {
            let mode = Mode::parse(section).ok_or_else(|| {
                format!("unknown section [{section}]; expected global, screen or form")
            })?;
            let actions = value
                .as_table()
                .ok_or_else(|| format!("[{section}] must be a table of action = [keys]"))?;
            for (name, keys) in actions {
                let action = Action::from_name(name)
                    .ok_or_else(|| format!("[{section}] {name}: no such action"))?;
                let keys = keys
                    .as_array()
                    .ok_or_else(|| format!("[{section}] {name}: expected a list of keys"))?
                    .iter()
                    .map(|k| {
                        k.as_str()
                            .ok_or_else(|| format!("[{section}] {name}: keys are strings"))
                            .and_then(|s| {
                                Key::parse(s).map_err(|e| format!("[{section}] {name}: {e}"))
                            })
                    })
                    .collect::<Result<Vec<Key>, String>>()?;
                bindings.insert((mode, action), keys);
            }
        }
        Ok(Keymap { bindings })
    }

    /// The defaults with the user's file merged over them: an action the
    /// user lists takes only the user's keys.
    pub fn with_user(user: &str) -> Result<Keymap, String> {
        let mut map = Keymap::default_map();
        map.bindings.extend(Keymap::parse(user)?.bindings);
        Ok(map)
    }

    /// The action a key does in a mode (global bindings first).
    pub fn action(&self, mode: Mode, key: Key) -> Option<Action> {
        let find = |m: Mode| {
            self.bindings
                .iter()
                .find(|((mode, _), keys)| *mode == m && keys.contains(&key))
                .map(|((_, action), _)| *action)
        };
        find(Mode::Global).or_else(|| find(mode))
    }

    /// The keys bound to an action in a mode (and globally).
    pub fn keys(&self, mode: Mode, action: Action) -> Vec<Key> {
        [Mode::Global, mode]
            .iter()
            .filter_map(|m| self.bindings.get(&(*m, action)))
            .flatten()
            .copied()
            .collect()
    }

    /// "j/down" for the status bar and help; empty when unbound.
    pub fn describe(&self, mode: Mode, action: Action) -> String {
        self.keys(mode, action)
            .iter()
            .map(Key::to_string)
            .collect::<Vec<_>>()
            .join("/")
    }

    /// Every binding of a mode, for the help screen: (keys, action).
    pub fn help(&self, mode: Mode) -> Vec<(String, Action)> {
        Action::ALL
            .iter()
            .map(|a| (self.describe(mode, *a), *a))
            .filter(|(keys, _)| !keys.is_empty())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::crossterm::event::KeyEventKind;

    fn event(code: KeyCode, modifiers: KeyModifiers) -> Key {
        Key::from_event(&KeyEvent {
            code,
            modifiers,
            kind: KeyEventKind::Press,
            state: ratatui::crossterm::event::KeyEventState::NONE,
        })
        .expect("a key")
    }

    #[test]
    fn the_embedded_defaults_parse_and_bind_vim_keys_and_arrows() {
        Keymap::parse(DEFAULT).expect("default keymap parses");
        let map = Keymap::default_map();
        for code in [KeyCode::Char('j'), KeyCode::Down] {
            assert_eq!(
                map.action(Mode::Screen, event(code, KeyModifiers::NONE)),
                Some(Action::MoveDown)
            );
        }
        assert_eq!(
            map.action(Mode::Screen, event(KeyCode::Char('G'), KeyModifiers::SHIFT)),
            Some(Action::Last)
        );
        assert_eq!(
            map.action(Mode::Form, event(KeyCode::Char('c'), KeyModifiers::CONTROL)),
            Some(Action::Quit)
        );
        assert_eq!(
            map.action(Mode::Form, event(KeyCode::Char('j'), KeyModifiers::NONE)),
            None,
            "typing in forms"
        );
        assert_eq!(map.describe(Mode::Screen, Action::MoveDown), "j/down");
    }

    #[test]
    fn a_user_file_replaces_the_keys_of_the_actions_it_names() {
        let map = Keymap::with_user("[screen]\nmove_down = [\"n\", \"ctrl-n\"]\n").expect("valid");
        assert_eq!(
            map.action(Mode::Screen, event(KeyCode::Char('n'), KeyModifiers::NONE)),
            Some(Action::MoveDown)
        );
        assert_eq!(
            map.action(Mode::Screen, event(KeyCode::Char('j'), KeyModifiers::NONE)),
            None
        );
        assert_eq!(
            map.action(Mode::Screen, event(KeyCode::Char('k'), KeyModifiers::NONE)),
            Some(Action::MoveUp)
        );
        assert_eq!(map.describe(Mode::Screen, Action::MoveDown), "n/ctrl-n");
    }

    #[test]
    fn bad_keymaps_are_refused_with_the_reason() {
        for (text, words) in [
            ("[screen]\nfly = [\"f\"]", "fly: no such action"),
            ("[screens]\nquit = [\"q\"]", "unknown section [screens]"),
            ("[screen]\nquit = [\"ctrl-\"]", "is not a key"),
            ("[screen]\nquit = [\"hyper-q\"]", "is not a key"),
            ("[screen]\nquit = \"q\"", "expected a list"),
        ] {
            let err = Keymap::parse(text).expect_err(text);
            assert!(err.contains(words), "{text}: {err}");
        }
    }

    #[test]
    fn keys_print_as_they_are_written() {
        for text in ["ctrl-c", "G", "enter", "f5", "space", "alt-x", "backtab"] {
            assert_eq!(Key::parse(text).expect(text).to_string(), text);
        }
    }
}
