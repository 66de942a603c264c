//! Persistence once the ladder is exhausted [001]: "keep communicating, be
//! persistent… a weekly reminder". A debtor who has had every stage is not
//! dropped from the agenda; a reminder recurs until the account is settled
//! or handed to an agency.

use std::collections::BTreeMap;

use chrono::{Days, NaiveDate};

use super::{AgendaItem, AgendaKind, Draft, Listing};
use crate::dunning::evaluate::{Status, done_on};
use crate::dunning::snapshot::{ActivityKind, OpenInvoice};
use crate::dunning::wording::days;
use crate::dunning::{Stage, StageAction};
use crate::ledger::InvoiceId;
use crate::money::Currency;

/// An invoice past the last stage whose recurring reminder is due.
struct Due<'a> {
    invoice: &'a OpenInvoice,
    days_overdue: i64,
    /// The day the last stage's action was done.
    done: NaiveDate,
    /// The last contact about the invoice (at least `done`).
    last: NaiveDate,
    /// The day the reminder fell due.
    next: NaiveDate,
}

impl Listing<'_> {
    /// One reminder per currency for the invoices at the last stage whose
    /// action is done, still overdue and not paused (a promise, plan or
    /// dispute gives them another status), once the policy's days have
    /// passed since the last contact about them. None once the account is
    /// handed to an agency, or when the last stage is that hand-over; the
    /// `followed` invoices are left to the follow-up already chasing them.
    pub(super) fn persistence(&self, followed: &[InvoiceId]) -> Vec<AgendaItem> {
        let Some(last_index) = self.ladder.len().checked_sub(1) else {
            return Vec::new();
        };
        let last_stage = &self.ladder[last_index];
        if last_stage.action == StageAction::Agency {
            return Vec::new();
        }
        let mut due: BTreeMap<Currency, Vec<Due<'_>>> = BTreeMap::new();
        for a in &self.assessed.invoices {
            if a.status != Status::Stage(last_index)
                || a.action_due
                || a.days_overdue <= 0
                || followed.contains(&a.invoice_id)
            {
                continue;
            }
            let Some(invoice) = self.account.invoices.iter().find(|i| i.id == a.invoice_id) else {
                continue;
            };
            if let Some(found) = self.reminder_due(invoice, last_stage, a.days_overdue) {
                due.entry(invoice.currency).or_default().push(found);
            }
        }
        due.into_iter()
            .filter_map(|(currency, mut invoices)| {
                invoices.sort_by_key(|d| std::cmp::Reverse(d.days_overdue));
                let lead = invoices.first()?;
                let why = format!(
                    "{} {} overdue, past the last stage: {} done {}, last contact {}; \
                     remind every {} while it stays overdue (due {})",
                    lead.invoice.number,
                    days(lead.days_overdue),
                    last_stage.id,
                    lead.done,
                    lead.last,
                    days(i64::from(self.policy.persistence_days)),
                    lead.next
                );
                Some(self.item(Draft {
                    kind: AgendaKind::Persistence,
                    action: self.policy.persistence_action,
                    stage: "persistence",
                    currency,
                    invoices: invoices.iter().map(|d| d.invoice.id).collect(),
                    severity: self.ladder.len(),
                    why,
                }))
            })
            .collect()
    }

    /// The invoice's recurring reminder, if one is due: the last stage's
    /// action is done, no agency has the file, and the policy's days have
    /// passed since the last contact about it.
    fn reminder_due<'i>(
        &self,
        invoice: &'i OpenInvoice,
        last_stage: &Stage,
        days_overdue: i64,
    ) -> Option<Due<'i>> {
        let log = &self.account.activities;
        if log
            .iter()
            .any(|a| a.kind == ActivityKind::Agency && a.covers(invoice.id))
        {
            return None;
        }
        let done = done_on(self.account, invoice, last_stage, self.ladder)?;
        let last = log
            .iter()
            .filter(|a| a.is_contact_about(&[invoice.id]))
            .map(|a| a.occurred_on)
            .max()
            .map_or(done, |contact| contact.max(done));
        let next = last.checked_add_days(Days::new(u64::from(self.policy.persistence_days)))?;
        (next <= self.as_of).then_some(Due {
            invoice,
            days_overdue,
            done,
            last,
            next,
        })
    }
}
