//! The command palette: every action of the one `Action` vocabulary by
//! name, found by fuzzy search, so nothing has to be memorised. Pure: the
//! app runs the chosen action as if its key had been pressed.

use super::action::Action;
use super::form::TextField;

/// The actions the palette offers: every one that works on a screen. The
/// form's own (next field, submit…) do nothing there and are left out.
pub fn offered() -> impl Iterator<Item = Action> {
    Action::ALL.iter().copied().filter(|a| {
        !matches!(
            a,
            Action::NextField | Action::PreviousField | Action::Submit | Action::Palette
        )
    })
}

/// An open palette: what was typed and which match is selected.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Palette {
    /// The search text.
    pub input: TextField,
    /// The selected match, an index into [`Palette::matches`].
    pub selected: usize,
}

impl Palette {
    /// The actions matching the search, best first; all of them, in help
    /// order, while nothing is typed.
    pub fn matches(&self) -> Vec<Action> {
        let query = self.input.value().trim().to_lowercase();
        let mut scored: Vec<(i64, usize, Action)> = offered()
            .enumerate()
            .filter_map(|(n, action)| score(&query, action).map(|s| (s, n, action)))
            .collect();
        scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        scored.into_iter().map(|(_, _, action)| action).collect()
    }

    /// The selected action, if anything matches.
    pub fn chosen(&self) -> Option<Action> {
        self.matches().get(self.selected).copied()
    }

    /// Moves the selection by `step`, within the matches.
    pub fn move_by(&mut self, step: isize) {
        let n = self.matches().len();
        self.selected = match n {
            0 => 0,
            n => (self.selected as isize + step).clamp(0, n as isize - 1) as usize,
        };
    }

    /// Types into the search, which starts the matches over.
    pub fn key(&mut self, key: ratatui::crossterm::event::KeyCode) {
        use ratatui::crossterm::event::KeyCode;
        match key {
            KeyCode::Char(c) => self.input.insert(c),
            KeyCode::Backspace => self.input.backspace(),
            KeyCode::Left => self.input.left(),
            KeyCode::Right => self.input.right(),
            _ => return,
        }
        self.selected = 0;
    }
}

/// How well `query` matches an action: its name spelt out ("record
/// payment") or its description. A name whose words start with the
/// query's letters in order scores highest, letters in order anywhere in
/// it next, a description holding every word of the query last. `None`:
/// no match.
pub fn score(query: &str, action: Action) -> Option<i64> {
    if query.is_empty() {
        return Some(0);
    }
    let name = action.name().replace('_', " ");
    if let Some(s) = subsequence(query, &name) {
        return Some(1_000 + s);
    }
    let description = action.describe().to_lowercase();
    query
        .split_whitespace()
        .all(|word| description.contains(word))
        .then_some(1)
}

/// Letters of `query` found in order in `text`: higher for letters that
/// start a word or follow the previous match, lower for gaps.
fn subsequence(query: &str, text: &str) -> Option<i64> {
    let text: Vec<char> = text.chars().collect();
    let mut at = 0;
    let mut last: Option<usize> = None;
    let mut score = 0i64;
    for q in query.chars().filter(|c| !c.is_whitespace() && *c != '_') {
        let found = (at..text.len()).find(|&i| text[i] == q)?;
        let word_start = found == 0 || text[found - 1] == ' ';
        score += match (word_start, last) {
            (true, _) => 10,
            (false, Some(l)) if l + 1 == found => 5,
            _ => 0,
        };
        score -= (found - at) as i64;
        last = Some(found);
        at = found + 1;
    }
    Some(score)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::crossterm::event::KeyCode;

    fn typed(text: &str) -> Palette {
        let mut palette = Palette::default();
        for c in text.chars() {
            palette.key(KeyCode::Char(c));
        }
        palette
    }

    #[test]
    fn an_empty_search_lists_every_screen_action_in_help_order() {
        let all = Palette::default().matches();
        assert_eq!(all.first(), Some(&Action::Quit));
        assert!(all.contains(&Action::RecordPayment));
        assert!(!all.contains(&Action::Submit) && !all.contains(&Action::Palette));
        assert_eq!(all.len(), Action::ALL.len() - 4);
    }

    #[test]
    fn initials_and_letters_in_order_find_the_action_first() {
        assert_eq!(typed("rp").chosen(), Some(Action::RecordPayment));
        assert_eq!(typed("pay").chosen(), Some(Action::RecordPayment));
        assert_eq!(typed("lfu").chosen(), Some(Action::LogFollowUp));
        assert_eq!(typed("notes").chosen(), Some(Action::EditNotes));
        // Found by its description when its name does not say it.
        assert_eq!(typed("promise").chosen(), Some(Action::LogFollowUp));
        assert_eq!(typed("zzz").matches(), Vec::<Action>::new());
    }

    #[test]
    fn the_selection_stays_within_the_matches_and_typing_resets_it() {
        let mut palette = typed("s");
        palette.move_by(100);
        assert_eq!(palette.selected, palette.matches().len() - 1);
        palette.key(KeyCode::Char('o'));
        assert_eq!(palette.selected, 0);
        palette.move_by(-5);
        assert_eq!(palette.selected, 0);
    }
}
