//! Customer measures: stop supply, cash only, hold, over limit, probation.
//!
//! Stop supply starts when an invoice reaches its stage and lifts once no
//! overdue balance remains; cash only starts at its stage or on a broken
//! promise and lifts only when the whole balance is paid. Both are sticky:
//! a recorded start stays in force until its lifting condition holds, even
//! after the invoice that triggered it is paid.

use chrono::{Months, NaiveDate};
use rust_decimal::Decimal;

use super::commitments::PromiseState;
use super::evaluate::{InvoiceAssessment, Status, trigger_date};
use super::snapshot::{Account, Measure, MeasureEvent};
use super::{Policy, Stage};
use crate::config::StageAction;
use crate::money::plain_amount;

/// A measure in force.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActiveMeasure {
    /// Which.
    pub measure: Measure,
    /// Since when.
    pub since: NaiveDate,
    /// Why, in one line.
    pub why: String,
}

/// A start or lift the measure history does not show yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MeasureChange {
    /// Which measure.
    pub measure: Measure,
    /// True for a start, false for a lift.
    pub start: bool,
    /// The date it took effect.
    pub effective_on: NaiveDate,
    /// Why, in one line.
    pub reason: String,
}

fn last_event(events: &[MeasureEvent], measure: Measure) -> Option<&MeasureEvent> {
    events.iter().rev().find(|e| e.measure == measure)
}

/// The earliest trigger among undisputed invoices at or past `stage`.
fn stage_trigger(
    account: &Account,
    assessed: &[InvoiceAssessment],
    stage: &Stage,
    policy: &Policy,
) -> Option<(NaiveDate, String)> {
    account
        .invoices
        .iter()
        .filter_map(|invoice| {
            let a = assessed.iter().find(|a| a.invoice_id == invoice.id)?;
            let reached = a.status != Status::Disputed
                && invoice.open >= policy.min_balance
                && a.days_overdue >= i64::from(stage.days);
            reached.then(|| {
                (
                    trigger_date(invoice, stage),
                    format!(
                        "{} {} days overdue ≥ {}",
                        invoice.number, a.days_overdue, stage.days
                    ),
                )
            })
        })
        .min()
}

/// Measures in force on `as_of`, and the changes to record.
pub(super) fn measures_for(
    account: &Account,
    assessed: &[InvoiceAssessment],
    promises: &[(i64, PromiseState)],
    policy: &Policy,
    as_of: NaiveDate,
) -> (Vec<ActiveMeasure>, Vec<MeasureChange>) {
    let ladder = policy.ladder(account.profile.as_deref());
    let undisputed: Vec<(&super::OpenInvoice, &InvoiceAssessment)> = account
        .invoices
        .iter()
        .filter_map(|i| {
            assessed
                .iter()
                .find(|a| a.invoice_id == i.id)
                .map(|a| (i, a))
        })
        .filter(|(_, a)| a.status != Status::Disputed)
        .collect();
    let overdue_remains = undisputed
        .iter()
        .any(|(i, a)| a.days_overdue > 0 && i.open > Decimal::ZERO);
    let balance_remains = undisputed.iter().any(|(i, _)| i.open > Decimal::ZERO);
    let mut active = Vec::new();
    let mut changes = Vec::new();

    let stop = ladder.iter().find(|s| s.action == StageAction::StopSupply);
    let stop_trigger = stop.and_then(|s| stage_trigger(account, assessed, s, policy));
    sticky(
        Measure::StopSupply,
        account,
        stop_trigger,
        overdue_remains,
        "no overdue balance remains",
        as_of,
        (&mut active, &mut changes),
    );

    let cash = ladder.iter().find(|s| s.action == StageAction::CashOnly);
    let mut cash_trigger = cash.and_then(|s| stage_trigger(account, assessed, s, policy));
    let lifted_on = last_event(&account.measure_events, Measure::CashOnly)
        .filter(|e| !e.start)
        .map(|e| e.effective_on);
    for (id, state) in promises {
        if let PromiseState::Broken { on, received } = state
            && *on <= as_of
            && lifted_on.is_none_or(|lifted| lifted < *on)
        {
            let why = format!("promise #{id} broken on {on} (received {received})");
            if cash_trigger.as_ref().is_none_or(|(date, _)| on < date) {
                cash_trigger = Some((*on, why));
            }
        }
    }
    sticky(
        Measure::CashOnly,
        account,
        cash_trigger,
        balance_remains,
        "the whole balance is paid",
        as_of,
        (&mut active, &mut changes),
    );

    if let Some(hold) = &account.hold
        && hold.started_on <= as_of
    {
        active.push(ActiveMeasure {
            measure: Measure::Hold,
            since: hold.started_on,
            why: format!("put on hold by hand: {}", hold.reason),
        });
    }
    if let Some(limit) = account.credit_limit {
        let open: Decimal = undisputed
            .iter()
            .filter(|(i, _)| i.currency == limit.currency)
            .map(|(i, _)| i.open)
            .sum();
        if open > limit.amount {
            active.push(ActiveMeasure {
                measure: Measure::OverLimit,
                since: as_of,
                why: format!(
                    "open {} {} exceeds the credit limit {}",
                    plain_amount(open, limit.currency),
                    limit.currency,
                    plain_amount(limit.amount, limit.currency)
                ),
            });
        }
    }
    let probation_ends = account
        .created_on
        .checked_add_months(Months::new(policy.probation_months))
        .unwrap_or(NaiveDate::MAX);
    if policy.probation_months > 0 && as_of < probation_ends {
        active.push(ActiveMeasure {
            measure: Measure::Probation,
            since: account.created_on,
            why: format!(
                "new customer since {}, on probation until {probation_ends}",
                account.created_on
            ),
        });
    }
    (active, changes)
}

/// A measure that starts on a trigger and stays until `remains` is false.
fn sticky(
    measure: Measure,
    account: &Account,
    trigger: Option<(NaiveDate, String)>,
    remains: bool,
    lifts_when: &str,
    as_of: NaiveDate,
    (active, changes): (&mut Vec<ActiveMeasure>, &mut Vec<MeasureChange>),
) {
    let recorded =
        last_event(&account.measure_events, measure).filter(|e| e.start && e.effective_on <= as_of);
    let state = match (recorded, trigger) {
        (Some(event), _) if remains => Some((
            event.effective_on,
            format!("{}; until {lifts_when}", event.reason),
        )),
        (None, Some((on, why))) if remains => Some((on, format!("{why}; until {lifts_when}"))),
        _ => None,
    };
    match state {
        Some((since, why)) => {
            if recorded.is_none() {
                changes.push(MeasureChange {
                    measure,
                    start: true,
                    effective_on: since,
                    reason: why.split("; until").next().unwrap_or(&why).to_string(),
                });
            }
            active.push(ActiveMeasure {
                measure,
                since,
                why,
            });
        }
        None => {
            if recorded.is_some() {
                changes.push(MeasureChange {
                    measure,
                    start: false,
                    effective_on: as_of,
                    reason: lifts_when.to_string(),
                });
            }
        }
    }
}
