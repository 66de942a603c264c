//! The command palette's keys: move through the matches, run the chosen
//! action as if its key had been pressed, or close it.

use super::super::action::Action;
use super::{App, Effect};

impl App {
    /// Applies an action while the palette is open: move through the
    /// matches, run the chosen one, or close it.
    pub(super) fn update_palette(&mut self, action: Action) -> Vec<Effect> {
        let Some(palette) = self.palette.as_mut() else {
            return Vec::new();
        };
        match action {
            Action::Back => self.palette = None,
            Action::NextField | Action::MoveDown => palette.move_by(1),
            Action::PreviousField | Action::MoveUp => palette.move_by(-1),
            Action::Submit => {
                let chosen = palette.chosen();
                self.palette = None;
                if let Some(chosen) = chosen {
                    return self.update(chosen);
                }
            }
            _ => {}
        }
        Vec::new()
    }
}
