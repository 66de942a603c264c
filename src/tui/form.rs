//! Compact forms: a list of fields, one focused, typed into directly.
//! A form validates its text and hands a typed request to the shell.
//! Fields are keyed by what they are, not by the text of their label: the
//! label shown comes from the key, and asking a form for a field it does
//! not have is an error, never an empty value.

use chrono::NaiveDate;

use crate::ops;

/// What a form's field is: a field of a write request, named as the write
/// path names it (so its label is the one the write path's errors use),
/// or the aging's filter line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldKey {
    /// A field of a request to the write path.
    Request(ops::Field),
    /// The aging filter's text.
    Filter,
}

impl FieldKey {
    /// The label the form shows.
    pub fn label(self) -> &'static str {
        match self {
            FieldKey::Request(field) => field.label(),
            FieldKey::Filter => "Filter",
        }
    }
}

impl From<ops::Field> for FieldKey {
    fn from(field: ops::Field) -> FieldKey {
        FieldKey::Request(field)
    }
}

/// A form was asked for a field it does not have.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("{}: this form has no such field", .0.label())]
pub struct NoSuchField(pub FieldKey);

/// A single line of editable text with a cursor.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TextField {
    text: String,
    /// Cursor position in characters.
    cursor: usize,
    /// The text is a suggestion: typing replaces it, backspace clears it.
    suggested: bool,
}

impl TextField {
    /// A field suggesting `text`: typing replaces it, as if selected.
    pub fn suggesting(text: &str) -> Self {
        TextField {
            suggested: !text.is_empty(),
            ..TextField::with(text)
        }
    }

    /// A field holding `text`, cursor at the end.
    pub fn with(text: &str) -> Self {
        TextField {
            text: text.to_string(),
            cursor: text.chars().count(),
            suggested: false,
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

    /// True while the text is a suggestion typing would replace.
    pub fn suggested(&self) -> bool {
        self.suggested
    }

    /// Drops a suggestion before an edit.
    fn take_suggestion(&mut self) -> bool {
        let suggested = std::mem::take(&mut self.suggested);
        if suggested {
            self.text.clear();
            self.cursor = 0;
        }
        suggested
    }

    /// Types a character at the cursor; control characters are ignored.
    pub fn insert(&mut self, c: char) {
        if c.is_control() {
            return;
        }
        self.take_suggestion();
        if self.text.chars().count() >= 200 {
            return;
        }
        let at = self.byte(self.cursor);
        self.text.insert(at, c);
        self.cursor += 1;
    }

    /// Deletes the character before the cursor.
    pub fn backspace(&mut self) {
        if self.take_suggestion() {
            return;
        }
        if self.cursor > 0 {
            self.cursor -= 1;
            let at = self.byte(self.cursor);
            self.text.remove(at);
        }
    }

    /// Moves the cursor left.
    pub fn left(&mut self) {
        self.suggested = false;
        self.cursor = self.cursor.saturating_sub(1);
    }

    /// Moves the cursor right.
    pub fn right(&mut self) {
        self.suggested = false;
        self.cursor = (self.cursor + 1).min(self.text.chars().count());
    }
}

/// What a field holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldKind {
    /// Free text.
    Text,
    /// A date as `ops::input::parse_date` reads it (`YYYY-MM-DD`, `fri`,
    /// `+3`…), read against the as-of date; may be empty.
    Date,
    /// An amount in the configured locale, may be empty.
    Amount,
    /// One of a few options, cycled with left/right or space.
    Choice(Vec<&'static str>),
}

/// One field of a form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    /// What it is; its label comes from it.
    pub key: FieldKey,
    /// What it holds.
    pub kind: FieldKind,
    /// Typed text (for choices: unused).
    pub input: TextField,
    /// Selected option, for choices.
    pub choice: usize,
    /// The value it was opened with: a field still holding it was not
    /// filled in.
    pub initial: String,
}

impl Field {
    /// A text, date or amount field with an initial value.
    pub fn text(key: impl Into<FieldKey>, kind: FieldKind, initial: &str) -> Field {
        Field {
            key: key.into(),
            kind,
            input: TextField::with(initial),
            choice: 0,
            initial: initial.trim().to_string(),
        }
    }

    /// A text, date or amount field suggesting a value: typing replaces it.
    pub fn suggested(key: impl Into<FieldKey>, kind: FieldKind, initial: &str) -> Field {
        Field {
            input: TextField::suggesting(initial),
            ..Field::text(key, kind, initial)
        }
    }

    /// A choice with one option preselected.
    pub fn choice(key: impl Into<FieldKey>, options: Vec<&'static str>, selected: &str) -> Field {
        let choice = options.iter().position(|o| *o == selected).unwrap_or(0);
        let initial = options.get(choice).map_or("", |o| *o).to_string();
        Field {
            key: key.into(),
            kind: FieldKind::Choice(options),
            input: TextField::default(),
            choice,
            initial,
        }
    }

    /// The label shown before it.
    pub fn label(&self) -> &'static str {
        self.key.label()
    }

    /// The field's value as text: the typed text or the chosen option.
    pub fn value(&self) -> &str {
        match &self.kind {
            FieldKind::Choice(options) => options.get(self.choice).copied().unwrap_or(""),
            _ => self.input.value().trim(),
        }
    }

    /// True when its value is still the one it was opened with.
    pub fn untouched(&self) -> bool {
        self.value() == self.initial
    }

    /// The value as a date, shortcuts read against `as_of`; `None` when
    /// empty.
    pub fn date(&self, as_of: NaiveDate) -> Result<Option<NaiveDate>, String> {
        match self.value() {
            "" => Ok(None),
            text => crate::ops::input::parse_date(text, as_of)
                .map(Some)
                .map_err(|e| format!("{}: {e}", self.label())),
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
    /// Edit the customer's notes.
    Notes {
        /// The customer.
        customer_id: i64,
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
    /// Lines shown above the fields: what the form is about (the open
    /// amount, the number to call).
    pub context: Vec<String>,
    /// Esc was pressed on a filled form: the next esc throws it away.
    pub confirm_discard: bool,
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
            context: Vec::new(),
            confirm_discard: false,
        }
    }

    /// The same form with lines of context above its fields.
    pub fn with_context(mut self, context: Vec<String>) -> Form {
        self.context = context;
        self
    }

    /// True when something was typed or chosen since it opened.
    pub fn is_filled(&self) -> bool {
        self.fields.iter().any(|f| !f.untouched())
    }

    /// The field keyed `key`.
    pub fn field(&self, key: impl Into<FieldKey>) -> Result<&Field, NoSuchField> {
        let key = key.into();
        self.fields
            .iter()
            .find(|f| f.key == key)
            .ok_or(NoSuchField(key))
    }

    /// The field keyed `key`, to change.
    pub fn field_mut(&mut self, key: impl Into<FieldKey>) -> Result<&mut Field, NoSuchField> {
        let key = key.into();
        self.fields
            .iter_mut()
            .find(|f| f.key == key)
            .ok_or(NoSuchField(key))
    }

    /// The value of the field keyed `key`.
    pub fn value(&self, key: impl Into<FieldKey>) -> Result<String, NoSuchField> {
        self.field(key).map(|f| f.value().to_string())
    }

    /// The value of the date field keyed `key`, read against `as_of`;
    /// `None` when empty.
    pub fn date(
        &self,
        key: impl Into<FieldKey>,
        as_of: NaiveDate,
    ) -> Result<Option<NaiveDate>, String> {
        self.field(key).map_err(|e| e.to_string())?.date(as_of)
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
    fn a_suggestion_is_replaced_by_typing_and_kept_by_moving() {
        let mut typed = TextField::suggesting("1,500.00");
        typed.insert('9');
        assert_eq!(typed.value(), "9");
        typed.insert('0');
        assert_eq!(typed.value(), "90", "only the first key replaces");
        let mut cleared = TextField::suggesting("EUR");
        cleared.backspace();
        assert_eq!(cleared.value(), "");
        let mut kept = TextField::suggesting("2026-12-01");
        kept.left();
        kept.backspace();
        kept.insert('2');
        assert_eq!(kept.value(), "2026-12-21");
    }

    #[test]
    fn choices_cycle_and_jump_by_initial() {
        let mut f = Field::choice(ops::Field::Kind, vec!["call", "email", "letter"], "email");
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
        let as_of = NaiveDate::from_ymd_opt(2026, 11, 22).expect("a date");
        let f = Field::text(ops::Field::PromiseDate, FieldKind::Date, "2026-02-30");
        assert!(f.date(as_of).expect_err("bad").contains("Promise date"));
        assert_eq!(
            Field::text(ops::Field::NextDate, FieldKind::Date, " ").date(as_of),
            Ok(None)
        );
        let fri = Field::text(ops::Field::PromiseDate, FieldKind::Date, "fri");
        assert_eq!(fri.date(as_of), Ok(NaiveDate::from_ymd_opt(2026, 11, 27)));
    }

    #[test]
    fn fields_are_found_by_key_and_labelled_from_it() {
        let form = Form::new(
            Purpose::Payment { customer_id: 1 },
            "Record a payment".into(),
            vec![
                Field::text(ops::Field::Amount, FieldKind::Amount, " 10.00 "),
                Field::text(ops::Field::Currency, FieldKind::Text, "EUR"),
            ],
        );
        assert_eq!(form.value(ops::Field::Amount), Ok("10.00".to_string()));
        assert_eq!(form.fields[1].label(), "Currency");
        assert_eq!(FieldKey::Filter.label(), "Filter");
        let missing = form.value(ops::Field::Reason).expect_err("no reason here");
        assert_eq!(missing, NoSuchField(FieldKey::Request(ops::Field::Reason)));
        assert_eq!(missing.to_string(), "Reason: this form has no such field");
        let as_of = NaiveDate::from_ymd_opt(2026, 11, 22).expect("a date");
        assert!(form.date(ops::Field::Date, as_of).is_err());
        assert!(!form.is_filled(), "opened with values, not filled in");
    }
}
