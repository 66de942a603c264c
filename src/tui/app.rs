//! The dashboard's state and how actions change it. Pure: `update` returns
//! the effects (load a customer, save a follow-up) for the shell to carry
//! out, and their outcomes come back as messages for `handle`.

use super::form::Form;
use super::keymap::{Keymap, Mode};
use super::message::Message;
use super::model::{AgendaRow, AgingRow, Board, CustomerDetail, fold};
pub use super::requests::{Effect, Request, Undo};
pub use super::sort::SortColumn;
use super::sort::view_order;
use dun_core::dunning::StageAction;
pub use live::Offer;

mod bank;
mod forms;
mod insight;
pub use insight::{ChangeRow, InsightView};
mod keys;
mod live;
mod palette;
pub use keys::{EVERYWHERE, screen_actions};
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_view;

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
    /// Lines scrolled past.
    pub scroll: u16,
    /// A letter to print, not an email: shown, never sent from here.
    pub letter: bool,
}

/// Event-loop ticks a status message stays up: the loop ticks once per
/// idle watch period of 200 ms, so about five seconds.
pub const STATUS_TICKS: u32 = 25;

/// What a mouse click landed on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hit {
    /// A screen's tab in the title bar.
    Tab(Screen),
    /// A row of the list on the screen shown, by its index in the list.
    Row(usize),
    /// Nothing that answers a click.
    Nothing,
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
    /// Bank lines waiting to be allocated.
    Waiting,
    /// DSO, CEI, the cash forecast and what changed this week.
    Insight,
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
    /// The folded filter `view` was made for: a filter typed further only
    /// narrows it.
    view_needle: String,
    /// The totals of the rows in `view`, worked out when it changes rather
    /// than on every frame.
    pub view_totals: dun_core::aging::AgingTotals,
    /// Agenda selection, over `agenda_view`.
    pub agenda: Selection,
    /// Indices of `board.agenda` shown: every item, or one action's.
    pub agenda_view: Vec<usize>,
    /// The one action the agenda shows, when filtered.
    pub agenda_action: Option<StageAction>,
    /// The sort menu is open.
    pub sort_menu: bool,
    /// The invoice to select when the customer's screen arrives.
    pub wanted_invoice: Option<i64>,
    /// Who the write under way is for, named in its status message.
    pub writing_for: Option<String>,
    /// The status message last seen by `tick`, and ticks since.
    pub status_age: (String, u32),
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
    /// The command palette, when open.
    pub palette: Option<super::palette::Palette>,
    /// A save found the ledger busy: its form is saved again on each idle
    /// tick while it stays open.
    pub waiting: bool,
    /// The session's last write, while it can be undone.
    pub undo: Option<Undo>,
    /// Entries offered for removal, waiting for the bookkeeper's answer.
    pub offer: Option<Offer>,
    /// Waiting bank lines: the selected line, and its chosen candidate.
    pub bank: (Selection, usize),
    /// The allocation asked for, waiting for the same key again: (line
    /// id, candidate index).
    pub allocating: Option<(i64, usize)>,
    /// The Insight screen's figures, once loaded.
    pub insight: Option<InsightView>,
    /// Selected change on the Insight screen.
    pub insight_changes: Selection,
    /// The ledger changed since the Insight figures were worked out, while
    /// another screen showed: they are worked out again when next shown.
    pub insight_stale: bool,
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
            view_needle: String::new(),
            view_totals: Default::default(),
            agenda: Selection::default(),
            agenda_view: Vec::new(),
            agenda_action: None,
            sort_menu: false,
            wanted_invoice: None,
            writing_for: None,
            status_age: (String::new(), 0),
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
            palette: None,
            waiting: false,
            undo: None,
            offer: None,
            bank: (Selection::default(), 0),
            allocating: None,
            insight: None,
            insight_changes: Selection::default(),
            insight_stale: false,
        };
        app.refresh_view();
        app.refresh_agenda();
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
        // A preview, an entry offered for removal or the palette answers
        // like a form: enter goes ahead, esc cancels; the sort menu reads
        // the letter typed.
        if self.form.is_some()
            || self.preview.is_some()
            || self.sort_menu
            || self.palette.is_some()
            || self.offer.is_some()
        {
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
        self.keeping_selections(|app| Some(app.board.replace_customer(customer_id, rows, agenda)));
    }

    /// Recomputes which agenda items are shown.
    pub fn refresh_agenda(&mut self) {
        let only = self.agenda_action;
        self.agenda_view = (0..self.board.agenda.len())
            .filter(|&i| only.is_none_or(|a| self.board.agenda[i].item.action == a))
            .collect();
        let len = self.agenda_view.len();
        self.agenda = self.agenda.moved(0, len);
    }

    /// The agenda items shown, in priority order.
    pub fn agenda_rows(&self) -> Vec<&AgendaRow> {
        self.agenda_view
            .iter()
            .filter_map(|&i| self.board.agenda.get(i).map(|row| &**row))
            .collect()
    }

    /// The agenda item under the cursor.
    pub fn selected_agenda(&self) -> Option<&AgendaRow> {
        self.agenda_view
            .get(self.agenda.selected)
            .and_then(|&i| self.board.agenda.get(i))
            .map(|row| &**row)
    }

    /// The aging rows shown, filtered and sorted.
    pub fn aging_rows(&self) -> impl Iterator<Item = &AgingRow> {
        self.view.iter().filter_map(|&i| self.board.rows.get(i))
    }

    /// Narrows the view to the filter just typed when it only adds to the
    /// one the view was made for: the rows left keep their order, so the
    /// view need not be sorted again.
    pub(super) fn narrow_view(&mut self) {
        let needle = self.needle();
        if self.view_needle.is_empty() || !needle.contains(self.view_needle.as_str()) {
            return self.refresh_view();
        }
        let keep = self.aging_key();
        let rows = &self.board.rows;
        self.view.retain(|&i| rows[i].search.contains(&needle));
        self.view_needle = needle;
        self.settle_view(keep);
    }

    /// The filter as rows are matched against it: folded, trimmed.
    pub(super) fn needle(&self) -> String {
        fold(self.filter.trim())
    }

    fn rebuild_view(&mut self, keep: Option<(i64, dun_core::money::Currency)>) {
        let needle = self.needle();
        let rows = &self.board.rows;
        let mut view: Vec<usize> = if needle.is_empty() {
            (0..rows.len()).collect()
        } else {
            (0..rows.len())
                .filter(|&i| rows[i].search.contains(&needle))
                .collect()
        };
        view.sort_unstable_by(|&a, &b| view_order(rows, self.sort, a, b));
        self.view = view;
        self.view_needle = needle;
        self.settle_view(keep);
    }

    /// After the view changed: its totals, and the selection on the row
    /// `keep` names when it is still shown.
    fn settle_view(&mut self, keep: Option<(i64, dun_core::money::Currency)>) {
        self.view_totals =
            dun_core::aging::AgingTotals::of(self.view.iter().map(|&i| &self.board.rows[i].report));
        self.select_kept(keep);
    }

    /// The selection on the row `keep` names when it is still shown, else
    /// on the first.
    fn select_kept(&mut self, keep: Option<(i64, dun_core::money::Currency)>) {
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
            Screen::Agenda => self.selected_agenda().map(|a| a.item.customer_id),
            Screen::Customer => self.customer.as_ref().map(|c| c.customer_id),
            Screen::Waiting => None,
            Screen::Insight => self.selected_change().map(|c| c.customer_id),
        }
    }

    /// The customer screen's data arrived.
    fn show_customer(&mut self, detail: CustomerDetail) {
        if self.customer.as_ref().map(|c| c.customer_id) != Some(detail.customer_id) {
            self.invoice = Selection::default();
        }
        let n = detail.invoices.len();
        if let Some(wanted) = self.wanted_invoice.take()
            && let Some(at) = detail.invoices.iter().position(|i| i.id == wanted)
        {
            self.invoice = Selection {
                selected: at,
                offset: 0,
            };
        }
        self.invoice = self.invoice.moved(0, n);
        self.customer = Some(detail);
        self.screen = Screen::Customer;
    }

    /// A save finished: close the form, or show the error in it.
    fn saved(&mut self, result: Result<String, String>) {
        let writing_for = self.writing_for.take();
        match result {
            Ok(message) => {
                self.form = None;
                self.status = match writing_for {
                    Some(name) => format!("{name}: {message}"),
                    None => message,
                };
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
            Message::Saved(result) => {
                self.waiting = false;
                self.saved(result);
            }
            Message::Waiting(why) => {
                self.waiting = true;
                match self.form.as_mut() {
                    Some(form) => form.error = Some(why),
                    None => self.status = why,
                }
            }
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
            Message::Reloaded { board, detail } => {
                self.reloaded(board, detail);
                // The ledger changed: the Insight figures are worked out
                // again, now if they are on screen, else when next shown
                // (on a large ledger they take seconds).
                if self.insight.is_some() {
                    if self.screen == Screen::Insight {
                        return vec![Effect::LoadInsight];
                    }
                    self.insight_stale = true;
                }
            }
            Message::Undoable(undo) => self.undo = undo,
            Message::Failed(error) => self.status = error,
            Message::Resized(page) => self.page = page,
            Message::InsightLoaded(view) => self.insight_loaded(view),
        }
        Vec::new()
    }
}
