//! Customer measures: stop supply, cash only, hold, over limit, probation.
//!
//! Stop supply starts when an invoice reaches its stage and lifts once no
//! overdue balance remains; cash only starts at its stage or on a broken
//! promise and lifts only when the whole balance is paid, or by hand: a
//! write-off is not a payment, so once something is written off while it
//! is in force only a release by hand lifts it. Both are sticky: a recorded
//! start stays in force until its lifting condition holds, even after the
//! invoice that triggered it is paid, but not while that invoice is
//! disputed (a disputed invoice leaves the measures). Invoices whose
//! chasing is paused by a plan or a promise trigger nothing, and a start
//! is dated on the day the ledger reached it: never inside a dispute or a
//! pause, but the day the invoice came back onto the ladder.

use chrono::{Months, NaiveDate};
use rust_decimal::Decimal;

use super::StageAction;
use super::commitments::{PlanState, PromiseState, covered, plan_state};
use super::evaluate::{InvoiceAssessment, Status, trigger_date};
use super::snapshot::{Account, Measure, MeasureEvent, OpenInvoice, WriteOff};
use super::wording::{days, money};
use super::{Policy, Stage};
use crate::ledger::InvoiceId;

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
    /// The invoice whose stage started it, if one did.
    pub invoice_id: Option<InvoiceId>,
}

/// What set a measure off.
struct Trigger {
    on: NaiveDate,
    why: String,
    invoice_id: Option<InvoiceId>,
}

fn last_event(events: &[MeasureEvent], measure: Measure) -> Option<&MeasureEvent> {
    events.iter().rev().find(|e| e.measure == measure)
}

/// Invoices that count for measures: undisputed, not paused, above the minimum.
fn counted<'a>(
    account: &'a Account,
    assessed: &'a [InvoiceAssessment],
    policy: &'a Policy,
) -> impl Iterator<Item = (&'a OpenInvoice, &'a InvoiceAssessment)> {
    account.invoices.iter().filter_map(move |i| {
        let a = assessed.iter().find(|a| a.invoice_id == i.id)?;
        let counts = i.open >= policy.min_balance
            && !matches!(
                a.status,
                Status::Disputed
                    | Status::BelowMinimum
                    | Status::InPlan { .. }
                    | Status::Promised { .. }
            );
        counts.then_some((i, a))
    })
}

/// What the measures of one account are decided from.
struct Deciding<'a> {
    account: &'a Account,
    assessed: &'a [InvoiceAssessment],
    policy: &'a Policy,
    as_of: NaiveDate,
    promises: &'a [(i64, PromiseState)],
    /// Balances that keep a measure in force.
    owed: Vec<(&'a OpenInvoice, &'a InvoiceAssessment)>,
}

/// Measures in force on `as_of`, and the changes to record.
pub(super) fn measures_for(
    account: &Account,
    assessed: &[InvoiceAssessment],
    promises: &[(i64, PromiseState)],
    policy: &Policy,
    as_of: NaiveDate,
) -> (Vec<ActiveMeasure>, Vec<MeasureChange>) {
    let deciding = Deciding {
        account,
        assessed,
        policy,
        as_of,
        promises,
        owed: owed(account, assessed, policy),
    };
    let overdue_remains = deciding.owed.iter().any(|(_, a)| a.days_overdue > 0);
    let balance_remains = !deciding.owed.is_empty();
    let mut active = Vec::new();
    let mut changes = Vec::new();

    let state = Sticky {
        measure: Measure::StopSupply,
        trigger: deciding.ladder_trigger(StageAction::StopSupply, None),
        remains: overdue_remains,
        lifts_when: "no overdue balance remains",
        written_off: Vec::new(),
    };
    state.apply(account, as_of, (&mut active, &mut changes));

    let state = Sticky {
        measure: Measure::CashOnly,
        trigger: deciding.cash_only_trigger(),
        remains: balance_remains,
        lifts_when: "the whole balance is paid",
        written_off: deciding.written_off(),
    };
    state.apply(account, as_of, (&mut active, &mut changes));

    active.extend(hold(account, as_of));
    let probation = probation(account, policy, as_of);
    active.extend(deciding.over_limit(probation.is_some()));
    active.extend(probation);
    (active, changes)
}

/// Balances that keep a measure in force: paused invoices still count here
/// (a plan does not pay the debt), disputed ones and crumbs do not.
fn owed<'a>(
    account: &'a Account,
    assessed: &'a [InvoiceAssessment],
    policy: &Policy,
) -> Vec<(&'a OpenInvoice, &'a InvoiceAssessment)> {
    account
        .invoices
        .iter()
        .filter_map(|i| {
            assessed
                .iter()
                .find(|a| a.invoice_id == i.id)
                .map(|a| (i, a))
        })
        .filter(|(i, a)| i.open >= policy.min_balance && a.status != Status::Disputed)
        .collect()
}

impl<'a> Deciding<'a> {
    /// The earliest trigger of the customer's ladder stage with this action,
    /// if the ladder has one, among those reached after `after`.
    fn ladder_trigger(&self, action: StageAction, after: Option<NaiveDate>) -> Option<Trigger> {
        let ladder = self.policy.ladder(self.account.profile.as_deref());
        let stage = ladder.iter().find(|s| s.action == action)?;
        // The earliest is found first and only its reason worded: an
        // account far overdue has many invoices past the stage.
        let (invoice, reached, back) = self
            .stage_reached(stage)
            .filter(|(_, reached, back)| after.is_none_or(|after| back.unwrap_or(*reached) > after))
            .min_by_key(|(_, reached, back)| back.unwrap_or(*reached))?;
        let mut why = format!(
            "{} reached {} overdue",
            invoice.number,
            days(i64::from(stage.days))
        );
        if let Some(back) = back {
            why.push_str(&format!(
                ", counted from {back} when it came back on the ladder"
            ));
        }
        Some(Trigger {
            on: back.unwrap_or(reached),
            why,
            invoice_id: Some(invoice.id),
        })
    }

    /// The counted invoices at or past `stage`, each with the day the
    /// ledger reached it: the stage's trigger date, and the day the invoice
    /// came back onto the ladder when that was later.
    fn stage_reached(
        &self,
        stage: &'a Stage,
    ) -> impl Iterator<Item = (&'a OpenInvoice, NaiveDate, Option<NaiveDate>)> + '_ {
        counted(self.account, self.assessed, self.policy)
            .filter(move |(_, a)| a.days_overdue >= i64::from(stage.days))
            .map(move |(invoice, _)| {
                let reached = trigger_date(invoice, stage);
                let back = self.back_on_ladder(invoice).filter(|back| *back > reached);
                (invoice, reached, back)
            })
    }

    /// The day an invoice came back onto the ladder, if it left it: the
    /// latest day a dispute on it was resolved or a promise or plan
    /// covering it broke, up to the as-of date.
    fn back_on_ladder(&self, invoice: &OpenInvoice) -> Option<NaiveDate> {
        let account = self.account;
        let resolved = account
            .disputes_resolved
            .iter()
            .filter(|(id, _)| *id == invoice.id)
            .map(|(_, on)| *on);
        let broke = self.promises.iter().filter_map(|(id, state)| {
            let PromiseState::Broken { on, .. } = state else {
                return None;
            };
            let promise = account.promises.iter().find(|p| p.id == *id)?;
            covered(
                &promise.invoices,
                promise.currency,
                promise.made_on,
                &account.invoices,
            )
            .contains(&invoice.id)
            .then_some(*on)
        });
        let plan_broke = account.plans.iter().filter_map(|plan| {
            let ids = covered(
                &plan.invoices,
                plan.currency,
                plan.created_on,
                &account.invoices,
            );
            if !ids.contains(&invoice.id) {
                return None;
            }
            let grace = self.policy.grace_days;
            match plan_state(plan, &ids, &account.payments, grace, self.as_of) {
                PlanState::Broken { on, .. } => Some(on),
                _ => None,
            }
        });
        resolved
            .chain(broke)
            .chain(plan_broke)
            .filter(|on| *on <= self.as_of)
            .max()
    }

    /// Write-offs up to the as-of date that are more than crumbs: each
    /// keeps cash only in force if it started by then.
    fn written_off(&self) -> Vec<&'a WriteOff> {
        let (as_of, minimum) = (self.as_of, self.policy.min_balance);
        self.account
            .write_offs
            .iter()
            .filter(|w| w.on <= as_of && w.amount.amount >= minimum)
            .collect()
    }

    /// What starts cash only: its ladder stage, or an earlier broken
    /// promise; once released by hand, only what is reached after that.
    fn cash_only_trigger(&self) -> Option<Trigger> {
        let account = self.account;
        let released = account.cash_only_released.filter(|on| *on <= self.as_of);
        let mut cash_trigger = self.ladder_trigger(StageAction::CashOnly, released);
        let lifted_on = last_event(&account.measure_events, Measure::CashOnly)
            .filter(|e| !e.start)
            .map(|e| e.effective_on);
        for (id, state) in self.promises {
            let PromiseState::Broken { on, received } = state else {
                continue;
            };
            let Some(promise) = account.promises.iter().find(|p| p.id == *id) else {
                continue;
            };
            // A broken promise counts while an invoice it covered is still
            // owed and undisputed, and only once: a lift after it settles it.
            let still_owed = covered(
                &promise.invoices,
                promise.currency,
                promise.made_on,
                &account.invoices,
            )
            .iter()
            .any(|c| self.owed.iter().any(|(i, _)| i.id == *c));
            if *on <= self.as_of
                && still_owed
                && lifted_on.is_none_or(|lifted| lifted < *on)
                && cash_trigger.as_ref().is_none_or(|t| *on < t.on)
            {
                cash_trigger = Some(Trigger {
                    on: *on,
                    why: format!("promise #{id} broken on {on} (received {received})"),
                    invoice_id: None,
                });
            }
        }
        cash_trigger
    }

    /// Over limit, when the owed balance in the limit's currency exceeds it;
    /// on probation, the policy's share of it.
    fn over_limit(&self, on_probation: bool) -> Option<ActiveMeasure> {
        let limit = self.account.credit_limit?;
        let open: Decimal = self
            .owed
            .iter()
            .filter(|(i, _)| i.currency == limit.currency)
            .map(|(i, _)| i.open)
            .sum();
        let shown = |amount: Decimal| money(amount, limit.currency, self.policy.locale);
        let percent = self.policy.probation_limit_percent;
        let (applies, which) = if on_probation {
            let share = (limit.amount * Decimal::from(percent) / Decimal::ONE_HUNDRED)
                .round_dp(limit.currency.minor_digits());
            let which = format!(
                "the probation credit limit {} ({percent}% of {})",
                shown(share),
                shown(limit.amount)
            );
            (share, which)
        } else {
            let which = format!("the credit limit {}", shown(limit.amount));
            (limit.amount, which)
        };
        (open > applies).then(|| ActiveMeasure {
            measure: Measure::OverLimit,
            since: self.as_of,
            why: format!("open {} exceeds {which}", shown(open)),
        })
    }
}

/// The hold put on by hand, once it has started.
fn hold(account: &Account, as_of: NaiveDate) -> Option<ActiveMeasure> {
    let hold = account.hold.as_ref().filter(|h| h.started_on <= as_of)?;
    Some(ActiveMeasure {
        measure: Measure::Hold,
        since: hold.started_on,
        why: format!("put on hold by hand: {}", hold.reason),
    })
}

/// Probation, while a new customer is within the policy's first months.
/// It starts with the relationship, not with the customer's record in dun.
fn probation(account: &Account, policy: &Policy, as_of: NaiveDate) -> Option<ActiveMeasure> {
    let start = account.relationship_start();
    let probation_ends = start
        .checked_add_months(Months::new(policy.probation_months))
        .unwrap_or(NaiveDate::MAX);
    let on_probation = policy.probation_months > 0 && as_of < probation_ends && start <= as_of;
    on_probation.then(|| ActiveMeasure {
        measure: Measure::Probation,
        since: start,
        why: format!("new customer since {start}, on probation until {probation_ends}"),
    })
}

/// A measure that starts on a trigger and stays until `remains` is false,
/// or, once something in `written_off` was written off while it was in
/// force, until it is lifted by hand.
struct Sticky<'a> {
    measure: Measure,
    trigger: Option<Trigger>,
    remains: bool,
    lifts_when: &'static str,
    written_off: Vec<&'a WriteOff>,
}

impl Sticky<'_> {
    /// The latest write-off made while the measure was in force since
    /// `since`.
    fn kept_by(&self, since: NaiveDate) -> Option<&WriteOff> {
        self.written_off
            .iter()
            .rev()
            .find(|w| w.on >= since)
            .copied()
    }

    fn apply(
        self,
        account: &Account,
        as_of: NaiveDate,
        (active, changes): (&mut Vec<ActiveMeasure>, &mut Vec<MeasureChange>),
    ) {
        let last =
            last_event(&account.measure_events, self.measure).filter(|e| e.effective_on <= as_of);
        // A recorded start holds unless the invoice that started it is now
        // disputed: then the measure is decided afresh.
        let disputed = |id: InvoiceId| {
            account
                .invoices
                .iter()
                .any(|i| i.id == id && i.dispute.is_some())
        };
        let recorded = last.filter(|e| e.start && !e.invoice_id.is_some_and(disputed));
        let state = match (recorded, &self.trigger) {
            (Some(event), _) => Some((event.effective_on, event.reason.clone(), event.invoice_id)),
            (None, Some(t)) => {
                // Never dated before the measure's last recorded event.
                let on = last.map_or(t.on, |e| t.on.max(e.effective_on));
                Some((on, t.why.clone(), t.invoice_id))
            }
            _ => None,
        };
        let kept_by = state.as_ref().and_then(|(since, ..)| self.kept_by(*since));
        let state = state.filter(|_| self.remains || kept_by.is_some());
        let is_started = last.is_some_and(|e| e.start);
        match state {
            Some((since, why, invoice_id)) => {
                if recorded.is_none() {
                    changes.push(MeasureChange {
                        measure: self.measure,
                        start: true,
                        effective_on: since,
                        reason: why.clone(),
                        invoice_id,
                    });
                }
                let until = match kept_by {
                    Some(w) => format!(
                        "until lifted by hand ({} was written off on {}, which is not a payment)",
                        w.number, w.on
                    ),
                    None => format!("until {}", self.lifts_when),
                };
                active.push(ActiveMeasure {
                    measure: self.measure,
                    since,
                    why: format!("{why}; {until}"),
                });
            }
            None if is_started => changes.push(MeasureChange {
                measure: self.measure,
                start: false,
                effective_on: as_of,
                reason: if recorded.is_none() {
                    "the invoice that started it is disputed".to_string()
                } else {
                    self.lifts_when.to_string()
                },
                invoice_id: None,
            }),
            None => {}
        }
    }
}
