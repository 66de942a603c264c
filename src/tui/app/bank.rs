//! The waiting bank lines: choosing a candidate for the selected line and
//! allocating the line to it, asked first and confirmed with the same key.

use super::super::model::WaitingLine;
use super::super::requests::{Effect, Request};
use super::App;
use crate::ops::{AllocateBankLine, CustomerRef};
use crate::text::sanitize;

impl App {
    /// The waiting line selected.
    pub fn selected_waiting(&self) -> Option<&WaitingLine> {
        self.board.waiting.get(self.bank.0.selected)
    }

    /// Chooses the selected line's next candidate, in turn.
    pub(super) fn next_candidate(&mut self) {
        let n = self.selected_waiting().map_or(0, |l| l.candidates.len());
        if n == 0 {
            self.status =
                "this line has no candidate: allocate it with dun payment allocate".into();
            return;
        }
        self.bank.1 = (self.bank.1 + 1) % n;
    }

    /// Asks to allocate the selected line to its chosen candidate; asked
    /// already for the same line and candidate, allocates it.
    pub(super) fn allocate_selected(&mut self) -> Vec<Effect> {
        let chosen = self.bank.1;
        let Some(line) = self.selected_waiting() else {
            self.status = "no bank line is waiting".into();
            return Vec::new();
        };
        let Some(candidate) = line.candidates.get(chosen) else {
            self.status =
                "this line has no candidate: allocate it with dun payment allocate".into();
            return Vec::new();
        };
        let pays = if candidate.invoices.is_empty() {
            "on account".to_string()
        } else {
            candidate.invoices.join(", ")
        };
        let what = format!(
            "{} {} to {} ({})",
            line.amount,
            line.currency,
            sanitize(&candidate.customer),
            sanitize(&pays)
        );
        let request = AllocateBankLine {
            receipt: line.id,
            customer: Some(CustomerRef::Code(candidate.customer.clone())),
            invoices: candidate.invoices.clone(),
        };
        if self.allocating != Some((request.receipt, chosen)) {
            self.allocating = Some((request.receipt, chosen));
            self.status = format!("allocate {what}? press the key again to confirm, esc to cancel");
            return Vec::new();
        }
        self.allocating = None;
        vec![Effect::Save(Request::Allocate(request))]
    }
}
