//! The dashboard's state and how actions change it. Pure: `update` returns
//! the effects (load a customer, save a follow-up) for the shell to carry
//! out, and their outcomes come back as messages for `handle`.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::action::Action;
use super::form::{Field, FieldKey, FieldKind, Form, Purpose};
use super::keymap::{Key, Keymap, Mode};
use super::message::Message;
use super::model::{AgingRow, Board, CustomerDetail};
pub use super::requests::{Effect, Request, Undo};
pub use super::sort::SortColumn;
pub use live::Offer;

mod forms;
mod live;
#[cfg(test)]
mod tests;

/// An email shown before it is sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Preview {
    /// The agenda item it answers.
    pub item: dun_core::dunning::AgendaItem,
    /// Recipient.
    pub to: String,
    /// Subject line.
    pub subject: String,
    /// Body text.
    pub body: String,
    /// Body lines scrolled past.
    pub scroll: u16,
}

/// The screens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    /// Every customer's aging.
    Aging,
    /// Today's worklist.
    Agenda,
    /// One customer.
    Customer,
}

/// Which row is selected in a list, and the first row shown.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Selection {
    /// Selected row.
    pub selected: usize,
    /// First visible row.
    pub offset: usize,
}

impl Selection {
    fn moved(self, by: isize, len: usize) -> Selection {
        if len == 0 {
            return Selection::default();
        }
        let selected = (self.selected as isize + by).clamp(0, len as isize - 1) as usize;
        Selection { selected, ..self }
    }

    /// Keeps the selection within `height` rows of the offset.
    pub fn scrolled(self, height: usize) -> Selection {
        let height = height.max(1);
        let offset = if self.selected < self.offset {
            self.selected
        } else if self.selected >= self.offset + height {
            self.selected + 1 - height
        } else {
            self.offset
        };
        Selection { offset, ..self }
    }
}

/// The dashboard's state.
#[derive(Debug, Clone)]
pub struct App {
    /// The data shown.
    pub board: Board,
    /// The screen on top.
    pub screen: Screen,
    /// The screen to go back to from the customer screen.
    pub previous: Screen,
    /// Aging selection, over `view`.
    pub aging: Selection,
    /// Indices of `board.rows` shown, filtered and sorted.
    pub view: Vec<usize>,
    /// Agenda selection.
    pub agenda: Selection,
    /// The open customer.
    pub customer: Option<CustomerDetail>,
    /// Selected invoice on the customer screen.
    pub invoice: Selection,
    /// The aging filter text.
    pub filter: String,
    /// The sort column and whether it is reversed.
    pub sort: (SortColumn, bool),
    /// An open form (follow-up, payment, filter line…).
    pub form: Option<Form>,
    /// The help overlay is shown.
    pub help: bool,
    /// An email previewed before sending.
    pub preview: Option<Preview>,
    /// One line of feedback for the status bar.
    pub status: String,
    /// The live key bindings.
    pub keymap: Keymap,
    /// Rows of the list areas at the last draw, for paging.
    pub page: usize,
    /// Set when the user quits.
    pub quit: bool,
    /// Amount display style.
    pub locale: dun_core::money::Locale,
    /// Colours allowed (off under `NO_COLOR`).
    pub color: bool,
    /// The session's last write, while it can be undone.
    pub undo: Option<Undo>,
    /// Entries offered for removal, waiting for the bookkeeper's answer.
    pub offer: Option<Offer>,
}

impl App {
    /// A dashboard on a board, showing the agenda first when it has work.
    pub fn new(board: Board, keymap: Keymap) -> App {
        let screen = if board.agenda.is_empty() {
            Screen::Aging
        } else {
            Screen::Agenda
        };
        let mut app = App {
            board,
            screen,
            previous: screen,
            aging: Selection::default(),
            view: Vec::new(),
            agenda: Selection::default(),
            customer: None,
            invoice: Selection::default(),
            filter: String::new(),
            sort: (SortColumn::Total, false),
            form: None,
            help: false,
            preview: None,
            status: String::new(),
            keymap,
            page: 10,
            quit: false,
            locale: dun_core::money::Locale::En,
            color: true,
            undo: None,
            offer: None,
        };
        app.refresh_view();
        app
    }

    /// The same dashboard, showing amounts in `locale`, in colour unless
    /// `color` is false.
    pub fn with_display(mut self, locale: dun_core::money::Locale, color: bool) -> App {
        self.locale = locale;
        self.color = color;
        self
    }

    /// The keymap mode in force.
    pub fn mode(&self) -> Mode {
        // A preview or an entry offered for removal answers like a form:
        // enter goes ahead, esc cancels.
        if self.form.is_some() || self.preview.is_some() || self.offer.is_some() {
            Mode::Form
        } else {
            Mode::Screen
        }
    }

    /// Recomputes the filtered, sorted aging view, keeping the selected
    /// customer selected when it is still shown.
    pub fn refresh_view(&mut self) {
        let keep = self.aging_key();
        self.rebuild_view(keep);
    }

    /// The selected aging row as (customer, currency): what stays selected
    /// when the rows change under it.
    fn aging_key(&self) -> Option<(i64, dun_core::money::Currency)> {
        self.selected_row()
            .map(|r| (r.report.customer_id, r.report.currency))
    }

    /// The aging row under the cursor.
    fn selected_row(&self) -> Option<&AgingRow> {
        self.view
            .get(self.aging.selected)
            .and_then(|&i| self.board.rows.get(i))
    }

    /// Puts one customer's recomputed rows and agenda items on the board
    /// after a write, keeping the selections on the same rows.
    fn replace_customer(
        &mut self,
        customer_id: i64,
        rows: Vec<AgingRow>,
        agenda: Vec<super::model::AgendaRow>,
    ) {
        self.keeping_selections(|app| app.board.replace_customer(customer_id, rows, agenda));
    }

    fn rebuild_view(&mut self, keep: Option<(i64, dun_core::money::Currency)>) {
        let needle = self.filter.to_lowercase();
        let rows = &self.board.rows;
        let mut view: Vec<usize> = if needle.is_empty() {
            (0..rows.len()).collect()
        } else {
            (0..rows.len())
                .filter(|&i| rows[i].search.contains(&needle))
                .collect()
        };
        match self.sort.0 {
            SortColumn::Total => {}
            SortColumn::Oldest => view.sort_by(|&a, &b| {
                rows[b]
                    .oldest
                    .cmp(&rows[a].oldest)
                    .then(rows[b].report.total.cmp(&rows[a].report.total))
            }),
            SortColumn::Code => view.sort_by(|&a, &b| rows[a].code.cmp(&rows[b].code)),
            SortColumn::Name => view.sort_by(|&a, &b| name_key(&rows[a]).cmp(name_key(&rows[b]))),
            SortColumn::LastContact => view.sort_by_key(|&i| rows[i].last_contact),
            SortColumn::Bucket(b) => view.sort_by(|&a, &c| {
                let amount = |r: &AgingRow| r.report.buckets.get(b).copied().unwrap_or_default();
                amount(&rows[c]).cmp(&amount(&rows[a]))
            }),
            SortColumn::Currency => view.sort_by_key(|&i| rows[i].report.currency),
            SortColumn::Flags => view.sort_by_key(|&i| std::cmp::Reverse(rows[i].badges.len())),
            SortColumn::NextAction => {
                view.sort_by(|&a, &b| rows[a].next_action.cmp(&rows[b].next_action))
            }
        }
        if self.sort.1 {
            view.reverse();
        }
        self.view = view;
        let rows = &self.board.rows;
        self.aging.selected = keep
            .and_then(|(id, currency)| {
                let at = |exact: bool| {
                    self.view.iter().position(|&i| {
                        let report = &rows[i].report;
                        report.customer_id == id && (!exact || report.currency == currency)
                    })
                };
                at(true).or_else(|| at(false))
            })
            .unwrap_or(0)
            .min(self.view.len().saturating_sub(1));
    }

    /// The customer selected on the current screen.
    pub fn selected_customer(&self) -> Option<i64> {
        match self.screen {
            Screen::Aging => self.selected_row().map(|r| r.report.customer_id),
            Screen::Agenda => self
                .board
                .agenda
                .get(self.agenda.selected)
                .map(|a| a.item.customer_id),
            Screen::Customer => self.customer.as_ref().map(|c| c.customer_id),
        }
    }

    /// Handles a key press: a bound action, or typing into a form.
    pub fn key(&mut self, event: KeyEvent) -> Vec<Effect> {
        let Some(key) = Key::from_event(&event) else {
            return Vec::new();
        };
        match self.keymap.action(self.mode(), key) {
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
        let Some(form) = self.form.as_mut() else {
            return;
        };
        if let Some(field) = form.focused() {
            field.key(code);
        }
        if form.purpose == Purpose::Filter
            && let Ok(filter) = form.value(FieldKey::Filter)
        {
            self.filter = filter;
            self.refresh_view();
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
        if self.offer.is_some() {
            return self.update_offer(action);
        }
        if self.preview.is_some() {
            return self.update_preview(action);
        }
        if self.form.is_some() {
            return self.update_form(action);
        }
        self.status.clear();
        self.update_screen(action)
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
            Action::Submit => vec![Effect::SendMessage(preview.item.clone())],
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
            Action::NextScreen => self.next_screen(),
            Action::MoveDown => self.move_by(1),
            Action::MoveUp => self.move_by(-1),
            Action::PageDown => self.move_by(self.page as isize),
            Action::PageUp => self.move_by(-(self.page as isize)),
            Action::First => self.move_by(isize::MIN / 2),
            Action::Last => self.move_by(isize::MAX / 2),
            Action::Open => return self.open_selected(),
            Action::Filter => self.open_filter(),
            Action::SortNext => {
                self.sort = (self.sort.0.next(self.board.bucket_titles.len()), false);
                self.refresh_view();
            }
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
            Action::Reload => return vec![Effect::Reload],
            Action::Undo => self.ask_undo(),
            Action::RemoveEntry => self.pick(),
            Action::NextField | Action::PreviousField | Action::Submit | Action::Quit => {}
        }
        Vec::new()
    }

    /// Leaves the customer screen, or else clears the filter.
    fn back(&mut self) {
        match self.screen {
            Screen::Customer => self.screen = self.previous,
            _ if !self.filter.is_empty() => {
                self.filter.clear();
                self.refresh_view();
            }
            _ => {}
        }
    }

    /// Cycles aging, agenda and, once one is loaded, the customer screen.
    fn next_screen(&mut self) {
        self.screen = match self.screen {
            Screen::Aging => Screen::Agenda,
            Screen::Agenda if self.customer.is_some() => Screen::Customer,
            _ => Screen::Aging,
        }
    }

    /// Asks for the selected customer's screen, remembering where to go back.
    fn open_selected(&mut self) -> Vec<Effect> {
        if self.screen != Screen::Customer
            && let Some(id) = self.selected_customer()
        {
            self.previous = self.screen;
            return vec![Effect::LoadCustomer(id)];
        }
        Vec::new()
    }

    /// Opens the filter form on the aging screen, where the filter applies.
    fn open_filter(&mut self) {
        self.screen = Screen::Aging;
        self.form = Some(Form::new(
            Purpose::Filter,
            "Filter".into(),
            vec![Field::text(FieldKey::Filter, FieldKind::Text, &self.filter)],
        ));
    }

    /// Asks for the selected agenda item's message, or says why it cannot.
    fn preview_selected(&mut self) -> Vec<Effect> {
        if self.screen == Screen::Agenda
            && let Some(row) = self.board.agenda.get(self.agenda.selected)
        {
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
                self.agenda = self
                    .agenda
                    .moved(by, self.board.agenda.len())
                    .scrolled(page)
            }
            Screen::Customer => {
                let n = self.customer.as_ref().map_or(0, |c| c.invoices.len());
                self.invoice = self.invoice.moved(by, n);
            }
        }
    }

    /// The customer screen's data arrived.
    fn show_customer(&mut self, detail: CustomerDetail) {
        if self.customer.as_ref().map(|c| c.customer_id) != Some(detail.customer_id) {
            self.invoice = Selection::default();
        }
        let n = detail.invoices.len();
        self.invoice = self.invoice.moved(0, n);
        self.customer = Some(detail);
        self.screen = Screen::Customer;
    }

    /// A save finished: close the form, or show the error in it.
    fn saved(&mut self, result: Result<String, String>) {
        match result {
            Ok(message) => {
                self.form = None;
                self.status = message;
            }
            Err(error) => match self.form.as_mut() {
                Some(form) => form.error = Some(error),
                None => self.status = error,
            },
        }
    }

    /// Takes in the outcome of an effect the shell carried out; returns
    /// what the shell must do next, like `update`.
    pub fn handle(&mut self, message: Message) -> Vec<Effect> {
        match message {
            Message::CustomerLoaded(detail) => self.show_customer(detail),
            Message::Saved(result) => self.saved(result),
            Message::Refreshed {
                customer_id,
                rows,
                agenda,
                detail,
            } => {
                self.replace_customer(customer_id, rows, agenda);
                let open = self.customer.as_ref().map(|c| c.customer_id);
                if let Some(detail) = detail
                    && open == Some(customer_id)
                    && detail.customer_id == customer_id
                {
                    // The user stays on the screen they wrote from.
                    let screen = self.screen;
                    self.show_customer(detail);
                    self.screen = screen;
                }
            }
            Message::PreviewReady(preview) => self.preview = Some(preview),
            Message::Sent(result) => {
                self.preview = None;
                self.saved(result);
            }
            Message::Reloaded { board, detail } => self.reloaded(board, detail),
            Message::Undoable(undo) => self.undo = undo,
            Message::Failed(error) => self.status = error,
            Message::Resized(page) => self.page = page,
        }
        Vec::new()
    }

    fn update_form(&mut self, action: Action) -> Vec<Effect> {
        let Some(form) = self.form.as_mut() else {
            return Vec::new();
        };
        match action {
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
                    self.form = None;
                    return Vec::new();
                }
                match super::requests::request(form, self.board.as_of) {
                    Ok(request) => return vec![Effect::Save(request)],
                    Err(error) => form.error = Some(error),
                }
            }
            _ => {}
        }
        Vec::new()
    }
}

/// The lowercase name stored in a row's search key.
fn name_key(row: &AgingRow) -> &str {
    row.search.split_once('\u{0}').map_or("", |(_, name)| name)
}
