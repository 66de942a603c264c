//! Compact forms: a list of fields, one focused, typed into directly.
//! A form validates its text and hands a typed request to the shell.

use chrono::NaiveDate;

/// A single line of editable text with a cursor.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TextField {
    text: String,
    /// Cursor position in characters.
    cursor: usize,
}

impl TextField {
    /// A field holding `text`, cursor at the end.
    pub fn with(text: &str) -> Self {
        TextField {
            text: text.to_string(),
            cursor: text.chars().count(),
        }
    }

    /// The text.
    pub fn value(&self) -> &str {
        &self.text
    }

    /// Cursor position in characters.
    pub fn cursor(&self) -> usize {
        self.cursor
    }

    fn byte(&self, chars: usize) -> usize {
        self.text
            .char_indices()
            .nth(chars)
            .map_or(self.text.len(), |(i, _)| i)
    }

    /// Types a character at the cursor; control characters are ignored.
    pub fn insert(&mut self, c: char) {
        if c.is_control() || self.text.chars().count() >= 200 {
            return;
        }
        let at = self.byte(self.cursor);
        self.text.insert(at, c);
        self.cursor += 1;
    }

    /// Deletes the character before the cursor.
    pub fn backspace(&mut self) {
        if self.cursor > 0 {
            self.cursor -= 1;
            let at = self.byte(self.cursor);
            self.text.remove(at);
        }
    }

    /// Moves the cursor left.
    pub fn left(&mut self) {
        self.cursor = self.cursor.saturating_sub(1);
    }

    /// Moves the cursor right.
    pub fn right(&mut self) {
        self.cursor = (self.cursor + 1).min(self.text.chars().count());
    }
}

/// What a field holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldKind {
    /// Free text.
    Text,
    /// `YYYY-MM-DD`, may be empty.
    Date,
    /// An amount in the configured locale, may be empty.
    Amount,
    /// One of a few options, cycled with left/right or space.
    Choice(Vec<&'static str>),
}

/// One field of a form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    /// Its label.
    pub label: &'static str,
    /// What it holds.
    pub kind: FieldKind,
    /// Typed text (for choices: unused).
    pub input: TextField,
    /// Selected option, for choices.
    pub choice: usize,
}

impl Field {
    /// A text, date or amount field with an initial value.
    pub fn text(label: &'static str, kind: FieldKind, initial: &str) -> Field {
        Field {
            label,
            kind,
            input: TextField::with(initial),
            choice: 0,
        }
    }

    /// A choice with one option preselected.
    pub fn choice(label: &'static str, options: Vec<&'static str>, selected: &str) -> Field {
        let choice = options.iter().position(|o| *o == selected).unwrap_or(0);
        Field {
            label,
            kind: FieldKind::Choice(options),
            input: TextField::default(),
            choice,
        }
    }

    /// The field's value as text: the typed text or the chosen option.
    pub fn value(&self) -> &str {
        match &self.kind {
            FieldKind::Choice(options) => options.get(self.choice).copied().unwrap_or(""),
            _ => self.input.value().trim(),
        }
    }

    /// The value as a date; `None` when empty.
    pub fn date(&self) -> Result<Option<NaiveDate>, String> {
        match self.value() {
            "" => Ok(None),
            text => crate::cli::parse_date(text)
                .map(Some)
                .map_err(|e| format!("{}: {e}", self.label)),
        }
    }

    /// Handles a key the keymap left for typing.
    pub fn key(&mut self, key: ratatui::crossterm::event::KeyCode) {
        use ratatui::crossterm::event::KeyCode;
        if let FieldKind::Choice(options) = &self.kind {
            let n = options.len().max(1);
            match key {
                KeyCode::Left => self.choice = (self.choice + n - 1) % n,
                KeyCode::Right | KeyCode::Char(' ') => self.choice = (self.choice + 1) % n,
                KeyCode::Char(c) => {
                    if let Some(i) = options.iter().position(|o| o.starts_with(c)) {
                        self.choice = i;
                    }
                }
                _ => {}
            }
            return;
        }
        match key {
            KeyCode::Char(c) => self.input.insert(c),
            KeyCode::Backspace => self.input.backspace(),
            KeyCode::Left => self.input.left(),
            KeyCode::Right => self.input.right(),
            _ => {}
        }
    }
}

/// What a form is for, with what it was opened on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Purpose {
    /// Log a follow-up, possibly with a promise.
    FollowUp {
        /// The customer.
        customer_id: i64,
        /// The stage it performs, when logged from a due stage.
        stage: Option<String>,
        /// The invoices it covers.
        invoices: Vec<i64>,
    },
    /// Record a payment.
    Payment {
        /// The customer.
        customer_id: i64,
    },
    /// Open a dispute.
    Dispute {
        /// The invoice.
        number: String,
    },
    /// Resolve a dispute.
    Resolve {
        /// The invoice.
        number: String,
    },
    /// Put on hold or release.
    Hold {
        /// The customer.
        customer_id: i64,
        /// True to release.
        release: bool,
    },
    /// The filter line.
    Filter,
}

/// An open form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Form {
    /// What it is for.
    pub purpose: Purpose,
    /// Its title.
    pub title: String,
    /// Its fields.
    pub fields: Vec<Field>,
    /// The focused field.
    pub focus: usize,
    /// The last validation or save error.
    pub error: Option<String>,
}

impl Form {
    /// A form.
    pub fn new(purpose: Purpose, title: String, fields: Vec<Field>) -> Form {
        Form {
            purpose,
            title,
            fields,
            focus: 0,
            error: None,
        }
    }

    /// The field labelled `label`.
    pub fn field(&self, label: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.label == label)
    }

    /// The value of the field labelled `label` ("" when absent).
    pub fn value(&self, label: &str) -> String {
        self.field(label)
            .map(|f| f.value().to_string())
            .unwrap_or_default()
    }

    /// Moves focus by `step` fields, wrapping.
    pub fn move_focus(&mut self, step: isize) {
        let n = self.fields.len().max(1) as isize;
        self.focus = ((self.focus as isize + step).rem_euclid(n)) as usize;
    }

    /// The focused field.
    pub fn focused(&mut self) -> Option<&mut Field> {
        self.fields.get_mut(self.focus)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::crossterm::event::KeyCode;

    #[test]
    fn text_fields_edit_at_the_cursor_and_ignore_controls() {
        let mut f = TextField::with("ac");
        f.left();
        f.insert('b');
        assert_eq!(f.value(), "abc");
        f.insert('\u{1b}');
        assert_eq!(f.value(), "abc");
        f.right();
        f.backspace();
        assert_eq!(f.value(), "ab");
        let mut accented = TextField::with("é");
        accented.backspace();
        assert_eq!(accented.value(), "");
    }

    #[test]
    fn choices_cycle_and_jump_by_initial() {
        let mut f = Field::choice("Kind", vec!["call", "email", "letter"], "email");
        assert_eq!(f.value(), "email");
        f.key(KeyCode::Right);
        assert_eq!(f.value(), "letter");
        f.key(KeyCode::Right);
        assert_eq!(f.value(), "call");
        f.key(KeyCode::Char('e'));
        assert_eq!(f.value(), "email");
        f.key(KeyCode::Left);
        assert_eq!(f.value(), "call");
    }

    #[test]
    fn dates_validate_with_the_field_name() {
        let f = Field::text("Promise date", FieldKind::Date, "2026-02-30");
        assert!(f.date().expect_err("bad").contains("Promise date"));
        assert_eq!(Field::text("Next", FieldKind::Date, " ").date(), Ok(None));
    }
}
