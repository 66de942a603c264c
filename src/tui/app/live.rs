//! Keeping the dashboard in step with the ledger: the board reloaded
//! when it was written elsewhere, and the session's last write undone.

use super::super::action::Action;
use super::super::model::{Board, CustomerDetail};
use super::super::requests::{Effect, Request};
use super::App;

impl App {
    /// Changes the board, keeping the aging and agenda selections on the
    /// same rows, or where they were when their rows left.
    pub(super) fn keeping_selections(&mut self, change: impl FnOnce(&mut App)) {
        let keep = self.aging_key();
        let keep_item = self
            .board
            .agenda
            .get(self.agenda.selected)
            .map(|a| (a.item.customer_id, a.item.stage.clone(), a.item.currency));
        let at = self.aging.selected;
        change(self);
        self.rebuild_view(keep);
        if keep.is_some_and(|(id, _)| self.aging_key().is_none_or(|(now, _)| now != id)) {
            // The selected row left (paid in full): stay where it was.
            self.aging.selected = at.min(self.view.len().saturating_sub(1));
        }
        let items = &self.board.agenda;
        self.agenda.selected = keep_item
            .and_then(|(id, stage, currency)| {
                items.iter().position(|a| {
                    a.item.customer_id == id && a.item.stage == stage && a.item.currency == currency
                })
            })
            .unwrap_or(self.agenda.selected)
            .min(items.len().saturating_sub(1));
    }

    /// The ledger was reloaded: show the new board and the open customer's
    /// screen, staying on the screen the user is on.
    pub(super) fn reloaded(&mut self, board: Board, detail: Option<CustomerDetail>) {
        self.keeping_selections(|app| app.board = board);
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

    /// Asks to confirm undoing the session's last write, or says there is
    /// none.
    pub(super) fn ask_undo(&mut self) {
        match &self.undo {
            Some(undo) => {
                self.confirming = true;
                self.status = format!("undo: remove {}? enter removes it, esc keeps it", undo.what);
            }
            None => self.status = "nothing to undo in this session".into(),
        }
    }

    /// Offers the customer screen's removable entry `at` for removal, or
    /// says there is nothing to remove.
    pub(super) fn pick(&mut self, at: usize) {
        let removable = match (&self.customer, self.screen) {
            (Some(c), super::Screen::Customer) => &c.removable,
            _ => {
                self.status =
                    "open a customer to remove its follow-ups, payments or promises".into();
                return;
            }
        };
        let Some(entry) = removable.get(at) else {
            self.picking = None;
            self.status = "nothing to remove".into();
            return;
        };
        self.picking = Some(at);
        self.status = format!(
            "remove {} ({}/{})? tab next, enter removes it, esc keeps it",
            entry.what,
            at + 1,
            removable.len()
        );
    }

    /// Applies an action while an entry is offered for removal.
    pub(super) fn update_pick(&mut self, action: Action) -> Vec<Effect> {
        let Some(at) = self.picking else {
            return Vec::new();
        };
        let count = self.customer.as_ref().map_or(0, |c| c.removable.len());
        match action {
            Action::NextField => self.pick((at + 1) % count.max(1)),
            Action::PreviousField => self.pick((at + count.max(1) - 1) % count.max(1)),
            Action::Submit => {
                self.picking = None;
                self.status = String::new();
                let entry = self.customer.as_ref().and_then(|c| c.removable.get(at));
                if let Some(entry) = entry {
                    return vec![Effect::Save(Request::Undo(entry.clone()))];
                }
            }
            Action::Back => {
                self.picking = None;
                self.status = "kept".into();
            }
            _ => {}
        }
        Vec::new()
    }

    /// Applies an action while an undo waits for its confirmation.
    pub(super) fn update_confirm(&mut self, action: Action) -> Vec<Effect> {
        match action {
            Action::Submit => {
                self.confirming = false;
                if let Some(undo) = &self.undo {
                    self.status = String::new();
                    return vec![Effect::Save(Request::Undo(undo.clone()))];
                }
            }
            Action::Back => {
                self.confirming = false;
                self.status = "kept".into();
            }
            _ => {}
        }
        Vec::new()
    }
}
