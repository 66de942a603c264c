//! What the ladder advises beyond an invoice's stage: who to call first,
//! what comes next on an invoice and when, and whether a customer's record
//! of paying late calls for the slow-payer profile. Pure functions of the
//! engine's answers and the policy; the CLI and the dashboard only fetch
//! their inputs and render the answers.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::commitments::average_days_late;
use super::evaluate::{AccountAssessment, Status, trigger_date};
use super::ladder::{Policy, SLOW_PAYER_PROFILE, Stage};
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

/// Advice to put a customer on the slow-payer profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SlowPayerAdvice {
    /// Average days late over the invoices looked at.
    pub average_days_late: Decimal,
    /// How many paid invoices the average looked at.
    pub sample: usize,
    /// The policy's threshold, in days, the average exceeds.
    pub threshold: u32,
    /// The profile to put the customer on.
    pub profile: &'static str,
}

/// Advice to move a customer to the slow-payer profile [002: known late
/// payers get a stricter policy], or `None`.
///
/// `lateness` holds the customer's paid invoices, each `(due date, date
/// paid)`, most recent first; only the policy's `slow_payer_sample` most
/// recent count. The advice is given when they were paid on average more
/// than `slow_payer_after_days` late, the customer is not on the profile
/// already, and the policy defines the profile: suggesting a profile the
/// configuration lacks would send the bookkeeper to a command that fails.
pub fn slow_payer_advice(
    lateness: &[(NaiveDate, NaiveDate)],
    current_profile: Option<&str>,
    policy: &Policy,
) -> Option<SlowPayerAdvice> {
    if current_profile == Some(SLOW_PAYER_PROFILE) || !policy.has_profile(SLOW_PAYER_PROFILE) {
        return None;
    }
    let sample = usize::try_from(policy.slow_payer_sample).unwrap_or(usize::MAX);
    let recent = &lateness[..lateness.len().min(sample)];
    let average = average_days_late(recent)?;
    (average > Decimal::from(policy.slow_payer_after_days)).then_some(SlowPayerAdvice {
        average_days_late: average,
        sample: recent.len(),
        threshold: policy.slow_payer_after_days,
        profile: SLOW_PAYER_PROFILE,
    })
}
