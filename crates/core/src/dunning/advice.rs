//! What the ladder advises beyond an invoice's stage: who to call first,
//! and what comes next on an invoice and when. Pure functions of the
//! engine's answers and the policy; the CLI and the dashboard only fetch
//! their inputs and render the answers.

use chrono::NaiveDate;

use super::evaluate::{AccountAssessment, Status, trigger_date};
use super::ladder::{Policy, Stage};
use super::snapshot::{Account, OpenInvoice};
use crate::ledger::ContactRole;

/// The customer's contacts in the order to try them, first choice first.
///
/// Once any chased invoice stands at a stage whose action is escalated
/// (the sales rep, a measure, a letter, an agency), or a measure is in
/// force on the account, the call goes to the senior contact: the billing
/// clerk has had the routine reminders already. Before that, accounts
/// payable. The stage's action decides, never its place on the ladder, so
/// a custom ladder gets the same answer for the same kind of step.
pub fn call_order(
    account: &Account,
    assessed: &AccountAssessment,
    policy: &Policy,
) -> [ContactRole; 2] {
    let ladder = policy.ladder(account.profile.as_deref());
    let escalated = assessed.invoices.iter().any(|a| match a.status {
        Status::Stage(i) => ladder.get(i).is_some_and(|s| s.action.is_escalated()),
        _ => false,
    });
    if escalated || !assessed.measures.is_empty() {
        [ContactRole::Senior, ContactRole::Billing]
    } else {
        [ContactRole::Billing, ContactRole::Senior]
    }
}

/// The next rung of an invoice's ladder and the day it triggers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NextStep<'a> {
    /// The stage that comes next.
    pub stage: &'a Stage,
    /// The day its trigger is reached.
    pub on: NaiveDate,
}

/// What comes next on `ladder` (the customer's) for an invoice standing at
/// `status`: the first stage while it is current, the stage after the one
/// reached while it is on the ladder. Nothing while chasing is paused
/// (promise, plan), the invoice is disputed or below the minimum, or it
/// stands at the last stage.
pub fn next_step<'a>(
    invoice: &OpenInvoice,
    status: &Status,
    ladder: &'a [Stage],
) -> Option<NextStep<'a>> {
    let stage = match status {
        Status::Current => ladder.first(),
        Status::Stage(i) => ladder.get(i + 1),
        _ => None,
    }?;
    Some(NextStep {
        stage,
        on: trigger_date(invoice, stage),
    })
}

/// The earliest day after `as_of` when the ladder asks for the next stage
/// of one of the account's chased invoices: the natural date of the next
/// follow-up.
pub fn account_next_step(
    account: &Account,
    assessed: &AccountAssessment,
    policy: &Policy,
    as_of: NaiveDate,
) -> Option<NaiveDate> {
    let ladder = policy.ladder(account.profile.as_deref());
    assessed
        .invoices
        .iter()
        .filter_map(|a| {
            let invoice = account.invoices.iter().find(|i| i.id == a.invoice_id)?;
            next_step(invoice, &a.status, ladder)
        })
        .map(|next| next.on)
        .filter(|on| *on > as_of)
        .min()
}
