//! Keeping the dashboard in step with the ledger: the board reloaded
//! when it was written elsewhere, and the session's last write undone.

use super::super::action::Action;
use super::super::model::{Board, CustomerDetail, Shift};
use super::super::requests::{Effect, Request, Undo};
use super::super::sort::view_order;
use super::App;
use dun_core::money::Currency;

impl App {
    /// Changes the board, keeping the aging and agenda selections on the
    /// same rows, or where they were when their rows left. A change that
    /// says where the rows went (`Some(shift)`) moves the view with them;
    /// any other builds it again.
    pub(super) fn keeping_selections(&mut self, change: impl FnOnce(&mut App) -> Option<Shift>) {
        let keep = self.aging_key();
        let keep_item = self
            .selected_agenda()
            .map(|a| (a.item.customer_id, a.item.stage.clone(), a.item.currency));
        let at = self.aging.selected;
        match change(self) {
            Some(shift) if self.needle() == self.view_needle => {
                self.shift_view(&shift, keep);
            }
            _ => self.rebuild_view(keep),
        }
        if keep.is_some_and(|(id, _)| self.aging_key().is_none_or(|(now, _)| now != id)) {
            // The selected row left (paid in full): stay where it was.
            self.aging.selected = at.min(self.view.len().saturating_sub(1));
        }
        self.refresh_agenda();
        let items = self.agenda_rows();
        self.agenda.selected = keep_item
            .and_then(|(id, stage, currency)| {
                items.iter().position(|a| {
                    a.item.customer_id == id && a.item.stage == stage && a.item.currency == currency
                })
            })
            .unwrap_or(self.agenda.selected)
            .min(items.len().saturating_sub(1));
    }

    /// One customer's rows were replaced (`shift` says where the board's
    /// rows went): the view keeps every other row where it was and puts
    /// the new ones (those the filter lets through) in their places, as
    /// sorting the whole view again would, without doing so.
    /// Its totals follow too: the rows taken out of the view subtracted,
    /// those put in added, unless a currency is left at zero, which only
    /// the view's rows can say whether to list.
    fn shift_view(&mut self, shift: &Shift, keep: Option<(i64, Currency)>) {
        let rows = &self.board.rows;
        let mut totals = self.view_totals.clone();
        for (before, report) in shift.removed.iter().zip(&shift.reports) {
            if self.view.contains(before) {
                totals.remove_row(report);
            }
        }
        let mut view: Vec<usize> = self.view.iter().filter_map(|&i| shift.moved(i)).collect();
        for &at in &shift.inserted {
            if !rows[at].search.contains(self.view_needle.as_str()) {
                continue;
            }
            totals.add_row(&rows[at].report);
            let place = view.partition_point(|&i| view_order(rows, self.sort, i, at).is_lt());
            view.insert(place, at);
        }
        self.view = view;
        if totals.has_zero_currency() {
            self.settle_view(keep);
        } else {
            self.view_totals = totals;
            self.select_kept(keep);
        }
    }

    /// The ledger was reloaded: show the new board and the open customer's
    /// screen, staying on the screen the user is on.
    pub(super) fn reloaded(&mut self, board: Board, detail: Option<CustomerDetail>) {
        self.keeping_selections(|app| {
            app.board = board;
            None
        });
        let lines = self.board.waiting.len();
        if self.bank.0.selected >= lines {
            self.bank = (super::Selection::default().moved(isize::MAX / 2, lines), 0);
        }
        let open = self.customer.as_ref().map(|c| c.customer_id);
        match detail {
            Some(detail) if open == Some(detail.customer_id) => {
                let screen = self.screen;
                self.show_customer(detail);
                self.screen = screen;
            }
            _ => {}
        }
    }

    /// Offers the session's last write for undoing.
    pub(super) fn ask_undo(&mut self) {
        let entries = self.undo.iter().cloned().collect();
        self.offer(entries, "nothing to undo in this session");
    }

    /// Offers the customer screen's follow-ups, payments and promises for
    /// removal, newest first.
    pub(super) fn pick(&mut self) {
        match (&self.customer, self.screen) {
            (Some(c), super::Screen::Customer) => {
                self.offer(c.removable.clone(), "nothing to remove");
            }
            _ => {
                self.status =
                    "open a customer to remove its follow-ups, payments or promises".into();
            }
        }
    }

    /// Offers `entries` for removal one at a time, or says `none`.
    fn offer(&mut self, entries: Vec<Undo>, none: &str) {
        if entries.is_empty() {
            self.status = none.into();
            return;
        }
        self.offer = Some(Offer { entries, at: 0 });
        self.show_offer();
    }

    /// The status line's question about the entry offered.
    fn show_offer(&mut self) {
        let Some(offer) = &self.offer else {
            return;
        };
        let Some(entry) = offer.entries.get(offer.at) else {
            return;
        };
        let (at, of) = (offer.at + 1, offer.entries.len());
        self.status = if of == 1 {
            format!("remove {}? enter removes it, esc keeps it", entry.what)
        } else {
            format!(
                "remove {} ({at}/{of})? tab next, enter removes it, esc keeps it",
                entry.what
            )
        };
    }

    /// Applies an action while an entry is offered for removal: the next
    /// or previous one, remove it, or keep everything.
    pub(super) fn update_offer(&mut self, action: Action) -> Vec<Effect> {
        let Some(offer) = self.offer.as_mut() else {
            return Vec::new();
        };
        let of = offer.entries.len().max(1);
        match action {
            Action::NextField => offer.at = (offer.at + 1) % of,
            Action::PreviousField => offer.at = (offer.at + of - 1) % of,
            Action::Submit => {
                let entry = offer.entries.get(offer.at).cloned();
                self.offer = None;
                self.status = String::new();
                return entry
                    .map(|e| vec![Effect::Save(Request::Undo(e))])
                    .unwrap_or_default();
            }
            Action::Back => {
                self.offer = None;
                self.status = "kept".into();
                return Vec::new();
            }
            _ => return Vec::new(),
        }
        self.show_offer();
        Vec::new()
    }
}

/// Entries offered for removal (the session's last write, or what the
/// customer screen can remove), one at a time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Offer {
    /// What can be removed.
    pub entries: Vec<Undo>,
    /// The one asked about.
    pub at: usize,
}
