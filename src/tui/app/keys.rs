//! Key routing: which actions work on which screen, and what each does
//! there. An action pressed where it does not work changes nothing and
//! says where it does.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::super::action::Action;
use super::super::form::{Field, FieldKey, FieldKind, Form, Purpose};
use super::super::keymap::{Key, Mode};
use super::{App, Effect, Hit, STATUS_TICKS, Screen, Selection, SortColumn};

/// The actions that work on every screen.
pub const EVERYWHERE: &[Action] = &[
    Action::Quit,
    Action::Back,
    Action::Help,
    Action::ShowAging,
    Action::ShowAgenda,
    Action::ShowInsight,
    Action::NextScreen,
    Action::MoveDown,
    Action::MoveUp,
    Action::PageDown,
    Action::PageUp,
    Action::First,
    Action::Last,
    Action::Palette,
    Action::Reload,
    Action::Undo,
    Action::ShowWaiting,
];

/// The actions of one screen, besides those that work everywhere, in the
/// order help and the status bar list them.
pub fn screen_actions(screen: Screen) -> &'static [Action] {
    match screen {
        Screen::Aging => &[
            Action::Open,
            Action::Filter,
            Action::SortMenu,
            Action::SortReverse,
            Action::LogFollowUp,
            Action::RecordPayment,
            Action::ToggleHold,
        ],
        Screen::Agenda => &[
            Action::Open,
            Action::MarkDone,
            Action::PreviewMessage,
            Action::FilterAction,
            Action::LogFollowUp,
            Action::RecordPayment,
            Action::ToggleHold,
        ],
        Screen::Customer => &[
            Action::LogFollowUp,
            Action::RecordPayment,
            Action::Dispute,
            Action::ResolveDispute,
            Action::ToggleHold,
            Action::EditNotes,
            Action::RemoveEntry,
        ],
        Screen::Waiting => &[Action::Allocate, Action::NextCandidate, Action::Open],
        Screen::Insight => &[Action::Open],
    }
}

/// The screens' names, as help and the status bar say them.
fn screen_name(screen: Screen) -> &'static str {
    match screen {
        Screen::Aging => "aging",
        Screen::Agenda => "agenda",
        Screen::Customer => "customer",
        Screen::Waiting => "bank lines",
        Screen::Insight => "insight",
    }
}

impl App {
    /// True when `action` works on the screen shown.
    pub fn works_here(&self, action: Action) -> bool {
        EVERYWHERE.contains(&action) || screen_actions(self.screen).contains(&action)
    }

    /// Handles a key press: a bound action, or typing into a form.
    pub fn key(&mut self, event: KeyEvent) -> Vec<Effect> {
        let Some(key) = Key::from_event(&event) else {
            return Vec::new();
        };
        let action = self.keymap.action(self.mode(), key);
        // In help, the screen's quit key closes help; the global one quits.
        if self.help
            && action == Some(Action::Quit)
            && self.keymap.action(Mode::Global, key) != Some(Action::Quit)
        {
            self.help = false;
            return Vec::new();
        }
        match action {
            Some(action) => self.update(action),
            // An unbound ctrl or alt chord types nothing. Both at once is
            // how some terminals report AltGr, which types `@` or `€`.
            None if event.modifiers.contains(KeyModifiers::CONTROL)
                != event.modifiers.contains(KeyModifiers::ALT) =>
            {
                Vec::new()
            }
            None => {
                self.type_key(event.code);
                Vec::new()
            }
        }
    }

    fn type_key(&mut self, code: KeyCode) {
        if let Some(palette) = self.palette.as_mut() {
            palette.key(code);
            return;
        }
        if self.sort_menu {
            if let KeyCode::Char(c) = code {
                self.pick_sort(c);
            }
            return;
        }
        let Some(form) = self.form.as_mut() else {
            return;
        };
        form.confirm_discard = false;
        if let Some(field) = form.focused() {
            field.key(code);
        }
        if form.purpose == Purpose::Filter
            && let Ok(filter) = form.value(FieldKey::Filter)
        {
            self.filter = filter;
            self.narrow_view();
        }
    }

    /// Sorts by the sort menu's column `c`; the column sorted by already
    /// is reversed.
    fn pick_sort(&mut self, c: char) {
        let Some(column) = SortColumn::for_key(c, self.board.bucket_titles.len()) else {
            return;
        };
        self.sort = if self.sort.0 == column {
            (column, !self.sort.1)
        } else {
            (column, false)
        };
        self.sort_menu = false;
        self.refresh_view();
    }

    /// One tick of the event loop: a save waiting for the ledger is tried
    /// again, with what its form holds now (none once the form is closed);
    /// a status message fades after [`STATUS_TICKS`] ticks unchanged.
    pub fn tick(&mut self) -> Vec<Effect> {
        // Not while esc's question is asked: that answer decides.
        match &self.form {
            Some(form) if self.waiting && !form.confirm_discard => {
                self.waiting = false;
                return self.update_form(Action::Submit);
            }
            None => self.waiting = false,
            Some(_) => {}
        }
        self.fade();
        Vec::new()
    }

    fn fade(&mut self) {
        if self.status.is_empty() {
            self.status_age = (String::new(), 0);
            return;
        }
        if self.status == self.status_age.0 {
            self.status_age.1 += 1;
        } else {
            self.status_age = (self.status.clone(), 1);
        }
        if self.status_age.1 >= STATUS_TICKS {
            self.status.clear();
            self.status_age = (String::new(), 0);
        }
    }

    /// Applies an action.
    pub fn update(&mut self, action: Action) -> Vec<Effect> {
        if action == Action::Quit {
            self.quit = true;
            return Vec::new();
        }
        if self.help {
            if matches!(action, Action::Back | Action::Help) {
                self.help = false;
            }
            return Vec::new();
        }
        if self.sort_menu {
            if action == Action::Back {
                self.sort_menu = false;
            }
            return Vec::new();
        }
        if self.offer.is_some() {
            return self.update_offer(action);
        }
        if self.preview.is_some() {
            return self.update_preview(action);
        }
        if self.palette.is_some() {
            return self.update_palette(action);
        }
        if self.form.is_some() {
            return self.update_form(action);
        }
        self.status.clear();
        if !self.works_here(action) {
            self.not_here(action);
            return Vec::new();
        }
        if action != Action::Allocate && action != Action::Open {
            self.allocating = None;
        }
        let customer = self.selected_customer();
        let effects = self.update_screen(action);
        if effects.iter().any(|e| matches!(e, Effect::Save(_))) {
            self.writing_for = customer.and_then(|id| self.customer_name(id));
        }
        effects
    }

    /// Says where an action that does nothing here works.
    fn not_here(&mut self, action: Action) {
        let keys = self.keymap.describe(Mode::Screen, action);
        let screens: Vec<&str> = [
            Screen::Aging,
            Screen::Agenda,
            Screen::Customer,
            Screen::Waiting,
            Screen::Insight,
        ]
        .into_iter()
        .filter(|s| screen_actions(*s).contains(&action))
        .map(screen_name)
        .collect();
        self.status = format!("{keys} works on the {} screen only", screens.join(" and "));
    }

    /// The name of a customer on the board or the open screen.
    pub(super) fn customer_name(&self, id: i64) -> Option<String> {
        self.customer
            .as_ref()
            .filter(|c| c.customer_id == id)
            .map(|c| c.name.clone())
            .or_else(|| {
                let row = self.board.rows.iter().find(|r| r.report.customer_id == id);
                row.map(|r| r.name.clone())
            })
            .or_else(|| {
                let item = self.board.agenda.iter().find(|a| a.item.customer_id == id);
                item.map(|a| a.name.clone())
            })
    }

    /// Applies an action while a message preview is open: send, close or scroll.
    fn update_preview(&mut self, action: Action) -> Vec<Effect> {
        let Some(preview) = &self.preview else {
            return Vec::new();
        };
        match action {
            Action::Back => {
                self.preview = None;
                Vec::new()
            }
            Action::Submit if preview.letter => {
                self.status = format!("print the letter with: dun letter {}", preview.item.code);
                self.preview = None;
                Vec::new()
            }
            Action::Submit => {
                self.writing_for = self.customer_name(preview.item.customer_id);
                vec![Effect::SendMessage(preview.item.clone())]
            }
            Action::NextField | Action::PreviousField => {
                let last = u16::try_from(preview.body.lines().count()).unwrap_or(u16::MAX);
                let scroll = if action == Action::NextField {
                    preview.scroll.saturating_add(1).min(last)
                } else {
                    preview.scroll.saturating_sub(1)
                };
                if let Some(p) = self.preview.as_mut() {
                    p.scroll = scroll;
                }
                Vec::new()
            }
            _ => Vec::new(),
        }
    }

    /// Applies an action on a screen with no form or preview open.
    fn update_screen(&mut self, action: Action) -> Vec<Effect> {
        match action {
            Action::Back => self.back(),
            Action::Help => self.help = true,
            Action::ShowAging => self.screen = Screen::Aging,
            Action::ShowAgenda => self.screen = Screen::Agenda,
            Action::ShowWaiting => self.screen = Screen::Waiting,
            Action::NextCandidate => self.next_candidate(),
            Action::Allocate => return self.allocate_selected(),
            Action::Open if self.screen == Screen::Waiting => return self.allocate_selected(),
            Action::ShowInsight => return self.show_insight(),
            Action::NextScreen => self.next_screen(),
            Action::MoveDown => self.move_by(1),
            Action::MoveUp => self.move_by(-1),
            Action::PageDown => self.move_by(self.page as isize),
            Action::PageUp => self.move_by(-(self.page as isize)),
            Action::First => self.move_by(isize::MIN / 2),
            Action::Last => self.move_by(isize::MAX / 2),
            Action::Open => return self.open_selected(),
            Action::Filter => self.open_filter(),
            Action::FilterAction => self.next_agenda_action(),
            Action::SortMenu => self.sort_menu = true,
            Action::SortReverse => {
                self.sort.1 = !self.sort.1;
                self.refresh_view();
            }
            Action::LogFollowUp => self.open_follow_up(false),
            Action::MarkDone => return self.mark_done(),
            Action::RecordPayment => self.open_payment(),
            Action::Dispute | Action::ResolveDispute => {
                self.open_dispute(action == Action::ResolveDispute)
            }
            Action::ToggleHold => self.open_hold(),
            Action::PreviewMessage => return self.preview_selected(),
            Action::EditNotes => self.open_notes(),
            Action::Palette => self.palette = Some(super::super::palette::Palette::default()),
            Action::Reload => return vec![Effect::Reload],
            Action::Undo => self.ask_undo(),
            Action::RemoveEntry => self.pick(),
            Action::NextField | Action::PreviousField | Action::Submit | Action::Quit => {}
        }
        Vec::new()
    }

    /// Leaves the customer screen, or else clears the screen's filter.
    fn back(&mut self) {
        match self.screen {
            Screen::Customer => self.screen = self.previous,
            Screen::Aging if !self.filter.is_empty() => {
                self.filter.clear();
                self.refresh_view();
            }
            Screen::Agenda if self.agenda_action.is_some() => {
                self.agenda_action = None;
                self.refresh_agenda();
            }
            _ => {}
        }
    }

    /// Cycles aging, agenda and, once one is loaded, the customer screen.
    fn next_screen(&mut self) {
        self.screen = match self.screen {
            Screen::Aging => Screen::Agenda,
            Screen::Agenda if self.customer.is_some() => Screen::Customer,
            Screen::Agenda | Screen::Customer if !self.board.waiting.is_empty() => Screen::Waiting,
            Screen::Agenda | Screen::Customer | Screen::Waiting => Screen::Insight,
            _ => Screen::Aging,
        }
    }

    /// Shows only the next action on the agenda, in the order they first
    /// appear in it, then every action again.
    fn next_agenda_action(&mut self) {
        let mut actions = Vec::new();
        for row in &self.board.agenda {
            if !actions.contains(&row.item.action) {
                actions.push(row.item.action);
            }
        }
        self.agenda_action = match self.agenda_action {
            None => actions.first().copied(),
            Some(now) => actions
                .iter()
                .position(|a| *a == now)
                .and_then(|at| actions.get(at + 1))
                .copied(),
        };
        self.agenda = Selection::default();
        self.refresh_agenda();
    }

    /// Asks for the selected customer's screen, remembering where to go
    /// back; from an agenda item, its first invoice is selected there.
    fn open_selected(&mut self) -> Vec<Effect> {
        if self.screen != Screen::Customer
            && let Some(id) = self.selected_customer()
        {
            self.wanted_invoice = match self.screen {
                Screen::Agenda => self
                    .selected_agenda()
                    .and_then(|a| a.item.invoices.first().copied()),
                _ => None,
            };
            self.previous = self.screen;
            return vec![Effect::LoadCustomer(id)];
        }
        Vec::new()
    }

    /// Opens the filter line of the aging screen.
    fn open_filter(&mut self) {
        self.form = Some(Form::new(
            Purpose::Filter,
            "Filter: code, name or invoice number".into(),
            vec![Field::text(FieldKey::Filter, FieldKind::Text, &self.filter)],
        ));
    }

    /// Closes the filter line; a filter that is one of the rows' invoice
    /// numbers opens its customer on that invoice.
    fn submit_filter(&mut self) -> Vec<Effect> {
        self.form = None;
        let needle = self.needle();
        let found = self.aging_rows().find_map(|row| {
            row.invoice_numbers()
                .find(|(number, _)| *number == needle)
                .map(|(_, id)| (row.report.customer_id, id))
        });
        let Some((customer, invoice)) = found else {
            return Vec::new();
        };
        self.filter.clear();
        self.refresh_view();
        self.wanted_invoice = Some(invoice);
        self.previous = Screen::Aging;
        vec![Effect::LoadCustomer(customer)]
    }

    /// Asks for the selected agenda item's message, or says why it cannot.
    fn preview_selected(&mut self) -> Vec<Effect> {
        if let Some(row) = self.selected_agenda() {
            return vec![Effect::Preview(row.item.clone())];
        }
        self.status = "select an agenda item to preview its message".into();
        Vec::new()
    }

    fn move_by(&mut self, by: isize) {
        let page = self.page;
        match self.screen {
            Screen::Aging => self.aging = self.aging.moved(by, self.view.len()).scrolled(page),
            Screen::Agenda => {
                self.agenda = self.agenda.moved(by, self.agenda_view.len()).scrolled(page)
            }
            Screen::Customer => {
                let n = self.customer.as_ref().map_or(0, |c| c.invoices.len());
                self.invoice = self.invoice.moved(by, n);
            }
            Screen::Waiting => {
                let n = self.board.waiting.len();
                self.bank = (self.bank.0.moved(by, n).scrolled(page), 0);
            }
            Screen::Insight => {
                let n = self.insight_len();
                self.insight_changes = self.insight_changes.moved(by, n).scrolled(page);
            }
        }
    }

    /// A mouse click: a tab shows its screen, a row is selected.
    pub fn click(&mut self, hit: Hit) -> Vec<Effect> {
        if self.help
            || self.form.is_some()
            || self.preview.is_some()
            || self.sort_menu
            || self.palette.is_some()
            || self.offer.is_some()
        {
            return Vec::new();
        }
        match hit {
            Hit::Tab(screen) if screen != Screen::Customer || self.customer.is_some() => {
                self.screen = screen;
            }
            Hit::Row(row) => {
                let (selection, len) = match self.screen {
                    Screen::Aging => (&mut self.aging, self.view.len()),
                    Screen::Agenda => (&mut self.agenda, self.agenda_view.len()),
                    Screen::Customer => (
                        &mut self.invoice,
                        self.customer.as_ref().map_or(0, |c| c.invoices.len()),
                    ),
                    Screen::Waiting => (&mut self.bank.0, self.board.waiting.len()),
                    Screen::Insight => {
                        let n = self.insight_len();
                        (&mut self.insight_changes, n)
                    }
                };
                if row < len {
                    selection.selected = row;
                }
            }
            Hit::Tab(_) | Hit::Nothing => {}
        }
        Vec::new()
    }

    fn update_form(&mut self, action: Action) -> Vec<Effect> {
        let customer = self.selected_customer();
        let Some(form) = self.form.as_mut() else {
            return Vec::new();
        };
        let confirming = std::mem::take(&mut form.confirm_discard);
        match action {
            // Esc on a filled form asks first; a second esc throws it away.
            Action::Back if form.purpose != Purpose::Filter && form.is_filled() && !confirming => {
                form.confirm_discard = true;
            }
            Action::Back => {
                if form.purpose == Purpose::Filter {
                    self.filter.clear();
                    self.refresh_view();
                }
                self.form = None;
            }
            Action::NextField => form.move_focus(1),
            Action::PreviousField => form.move_focus(-1),
            Action::Submit => {
                if form.purpose == Purpose::Filter {
                    return self.submit_filter();
                }
                match super::super::requests::request(form, self.board.as_of) {
                    Ok(request) => {
                        self.writing_for = customer.and_then(|id| self.customer_name(id));
                        return vec![Effect::Save(request)];
                    }
                    Err(error) => form.error = Some(error),
                }
            }
            _ => {}
        }
        Vec::new()
    }
}
