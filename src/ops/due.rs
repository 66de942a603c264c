//! The re-check every write answering an agenda item makes inside its own
//! transaction: is the item still to do? A screen can be stale (a follow-up
//! logged from another terminal, a reminder sent by `dun send` from cron);
//! the ledger as it is now decides, so the same work is never done twice.

use chrono::NaiveDate;

use super::{Context, OpError, Result};
use crate::store::{Customers, Tx};
use dun_core::dunning::{AgendaItem, Explain, evaluate_with};
use dun_core::ledger::{CustomerId, InvoiceId};

/// The agenda item a write answers, as the front end saw it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Answering<'a> {
    /// The customer.
    pub customer_id: CustomerId,
    /// The item's stage (or `persistence`, `broken_promise`…).
    pub stage: &'a str,
    /// The invoices the front end knew it for; empty for any.
    pub invoices: &'a [InvoiceId],
}

impl Answering<'_> {
    /// True when `item` is this one: same customer and stage, and one of
    /// the invoices it was seen for.
    fn is(&self, item: &AgendaItem) -> bool {
        item.customer_id == self.customer_id
            && item.stage == self.stage
            && (self.invoices.is_empty() || item.invoices.iter().any(|i| self.invoices.contains(i)))
    }
}

/// Refuses the write unless the customer's agenda as of the as-of date,
/// read in the write's transaction, still holds the item; `also` narrows
/// which of its items count (a message's action and currency).
pub(crate) fn still_due(
    tx: &Tx<'_>,
    ctx: &Context,
    answering: &Answering<'_>,
    also: impl Fn(&AgendaItem) -> bool,
) -> Result<()> {
    let id = answering.customer_id;
    let on: NaiveDate = ctx.as_of;
    let accounts = tx.accounts_charging(on, Customers(id, id), !ctx.policy.terms.is_free())?;
    let agenda = evaluate_with(&accounts, &ctx.policy, on, Explain::DueOnly).agenda;
    if agenda.iter().any(|item| answering.is(item) && also(item)) {
        return Ok(());
    }
    Err(OpError::Refused(format!(
        "{} was already done elsewhere: nothing written",
        answering.stage
    )))
}
