//! Promises to pay and payment plans: kept, pending or broken on a date.

use chrono::{Days, NaiveDate};
use rust_decimal::Decimal;

use super::snapshot::{OpenInvoice, Plan, Promise, Receipt};
use crate::ledger::InvoiceId;
use crate::money::Currency;

/// Where a promise stands on a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PromiseState {
    /// Made after the as-of date: not in force yet.
    NotYet,
    /// Waiting for its date (plus grace): chasing is paused.
    Pending {
        /// The last day before it counts as broken.
        until: NaiveDate,
    },
    /// The promised amount arrived.
    Kept {
        /// When the amount was complete.
        on: NaiveDate,
    },
    /// A later promise on the same invoices, made before this one fell
    /// due, replaced it.
    Superseded {
        /// The day the later promise was made.
        on: NaiveDate,
    },
    /// The date passed without the amount.
    Broken {
        /// The first day it counted as broken.
        on: NaiveDate,
        /// What had arrived by then.
        received: Decimal,
    },
}

/// Average days late of paid invoices, each `(due date, date paid)`; an
/// invoice paid early counts as zero days late. `None` without any.
pub fn average_days_late(paid: &[(NaiveDate, NaiveDate)]) -> Option<Decimal> {
    if paid.is_empty() {
        return None;
    }
    let total: i64 = paid
        .iter()
        .map(|(due, on)| (*on - *due).num_days().max(0))
        .sum();
    Some(Decimal::from(total) / Decimal::from(paid.len()))
}

/// The money applied to the `covered` invoices: the only payments that
/// keep a promise or a plan.
fn applied_to(payments: &[Receipt], covered: &[InvoiceId]) -> Vec<Receipt> {
    payments
        .iter()
        .filter(|p| covered.contains(&p.invoice))
        .copied()
        .collect()
}

/// Payments in `currency` dated from `from` to `to`, inclusive, in date order.
fn received(
    payments: &[Receipt],
    currency: Currency,
    from: NaiveDate,
    to: NaiveDate,
) -> impl Iterator<Item = &Receipt> {
    payments
        .iter()
        .filter(move |p| p.currency == currency && p.paid_on >= from && p.paid_on <= to)
}

/// The day `amount` was complete from payments dated `from` to `to`.
fn complete_on(
    payments: &[Receipt],
    currency: Currency,
    from: NaiveDate,
    to: NaiveDate,
    amount: Decimal,
) -> Option<NaiveDate> {
    let mut dated: Vec<&Receipt> = received(payments, currency, from, to).collect();
    dated.sort_by_key(|p| p.paid_on);
    let mut sum = Decimal::ZERO;
    dated.into_iter().find_map(|p| {
        sum += p.amount;
        (sum >= amount).then_some(p.paid_on)
    })
}

/// A promise's state on `as_of`, with `grace` days after its date: kept
/// only by money applied to the `covered` invoices.
pub fn promise_state(
    promise: &Promise,
    covered: &[InvoiceId],
    payments: &[Receipt],
    grace: u32,
    as_of: NaiveDate,
) -> PromiseState {
    if promise.made_on > as_of {
        return PromiseState::NotYet;
    }
    let payments = &applied_to(payments, covered);
    let until = promise.promised_on + Days::new(u64::from(grace));
    let window_end = until.min(as_of);
    if let Some(on) = complete_on(
        payments,
        promise.currency,
        promise.made_on,
        window_end,
        promise.amount,
    ) {
        return PromiseState::Kept { on };
    }
    if as_of > until {
        let received = received(payments, promise.currency, promise.made_on, until)
            .map(|p| p.amount)
            .sum();
        PromiseState::Broken {
            on: until + Days::new(1),
            received,
        }
    } else {
        PromiseState::Pending { until }
    }
}

/// Where a payment plan stands on a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlanState {
    /// Agreed after the as-of date.
    NotYet,
    /// Every instalment due so far is paid: chasing is paused.
    OnTrack {
        /// The next instalment, if any remain.
        next: Option<(NaiveDate, Decimal)>,
    },
    /// Every instalment is paid.
    Completed,
    /// An instalment was missed.
    Broken {
        /// The first day it counted as missed.
        on: NaiveDate,
        /// The instalment missed.
        missed: (NaiveDate, Decimal),
    },
}

/// A plan's state on `as_of`: money applied to the `covered` invoices from
/// the day it was agreed counts towards its instalments in order, each due
/// by its date plus `grace`.
pub fn plan_state(
    plan: &Plan,
    covered: &[InvoiceId],
    payments: &[Receipt],
    grace: u32,
    as_of: NaiveDate,
) -> PlanState {
    if plan.created_on > as_of {
        return PlanState::NotYet;
    }
    let payments = &applied_to(payments, covered);
    let paid_by = |d: NaiveDate| -> Decimal {
        received(payments, plan.currency, plan.created_on, d.min(as_of))
            .map(|p| p.amount)
            .sum()
    };
    let mut due_so_far = Decimal::ZERO;
    for &(due_on, amount) in &plan.instalments {
        due_so_far += amount;
        let deadline = due_on + Days::new(u64::from(grace));
        if deadline >= as_of {
            break;
        }
        if paid_by(deadline) < due_so_far {
            return PlanState::Broken {
                on: deadline + Days::new(1),
                missed: (due_on, amount),
            };
        }
    }
    let total: Decimal = plan.instalments.iter().map(|(_, a)| *a).sum();
    if paid_by(as_of) >= total {
        return PlanState::Completed;
    }
    let mut cumulative = Decimal::ZERO;
    let paid = paid_by(as_of);
    let next = plan.instalments.iter().copied().find(|(_, amount)| {
        cumulative += amount;
        cumulative > paid
    });
    PlanState::OnTrack { next }
}

/// Each promise's state, with a promise replaced by a later one on the same
/// invoices (made before it fell due) marked superseded.
pub fn promise_states(
    promises: &[Promise],
    invoices: &[OpenInvoice],
    payments: &[Receipt],
    grace: u32,
    as_of: NaiveDate,
) -> Vec<(i64, PromiseState)> {
    promises
        .iter()
        .map(|p| {
            let mine = covered(&p.invoices, p.currency, p.made_on, invoices);
            let state = promise_state(p, &mine, payments, grace, as_of);
            let due = p
                .promised_on
                .checked_add_days(Days::new(u64::from(grace)))
                .unwrap_or(NaiveDate::MAX);
            let later = promises
                .iter()
                .filter(|q| {
                    q.id != p.id && q.made_on > p.made_on && q.made_on <= due && q.made_on <= as_of
                })
                .find(|q| {
                    let theirs = covered(&q.invoices, q.currency, q.made_on, invoices);
                    q.currency == p.currency
                        && (mine.is_empty() || theirs.iter().any(|id| mine.contains(id)))
                });
            match (state, later) {
                (PromiseState::Pending { .. } | PromiseState::Broken { .. }, Some(q)) => {
                    (p.id, PromiseState::Superseded { on: q.made_on })
                }
                _ => (p.id, state),
            }
        })
        .collect()
}

/// The invoices a promise or plan covers: those recorded with it, else
/// every open invoice in its currency issued by the day it was made. The
/// write path records that set when the promise or plan is made, with this
/// function, so an invoice entered later is never covered; the fallback
/// serves snapshots written by hand.
pub fn covered(
    named: &[InvoiceId],
    currency: Currency,
    made_on: NaiveDate,
    invoices: &[OpenInvoice],
) -> Vec<InvoiceId> {
    if !named.is_empty() {
        return named.to_vec();
    }
    invoices
        .iter()
        .filter(|i| i.currency == currency && i.issue_date <= made_on)
        .map(|i| i.id)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, day).expect("valid")
    }

    fn pay(day: u32, amount: i64) -> Receipt {
        Receipt {
            paid_on: d(day),
            amount: Decimal::from(amount),
            currency: Currency::EUR,
            invoice: 1,
        }
    }

    /// The invoice the test promises and plans cover.
    const COVERED: &[InvoiceId] = &[1];

    fn promise_state(
        p: &Promise,
        payments: &[Receipt],
        grace: u32,
        as_of: NaiveDate,
    ) -> PromiseState {
        super::promise_state(p, COVERED, payments, grace, as_of)
    }

    fn plan_state(p: &Plan, payments: &[Receipt], grace: u32, as_of: NaiveDate) -> PlanState {
        super::plan_state(p, COVERED, payments, grace, as_of)
    }

    #[test]
    fn money_applied_to_another_invoice_keeps_nothing() {
        let elsewhere = Receipt {
            invoice: 2,
            ..pay(8, 100)
        };
        assert!(matches!(
            promise_state(&promise(10), &[elsewhere], 0, d(20)),
            PromiseState::Broken { .. }
        ));
        assert_eq!(
            promise_state(&promise(10), &[elsewhere, pay(9, 100)], 0, d(20)),
            PromiseState::Kept { on: d(9) }
        );
    }

    fn promise(grace_day: u32) -> Promise {
        Promise {
            id: 1,
            made_on: d(2),
            promised_on: d(grace_day),
            amount: Decimal::from(100),
            currency: Currency::EUR,
            invoices: vec![],
        }
    }

    #[test]
    fn promise_pending_kept_or_broken() {
        assert_eq!(
            promise_state(&promise(10), &[], 0, d(1)),
            PromiseState::NotYet
        );
        assert_eq!(
            promise_state(&promise(10), &[], 0, d(10)),
            PromiseState::Pending { until: d(10) }
        );
        assert_eq!(
            promise_state(&promise(10), &[pay(8, 60), pay(9, 40)], 0, d(20)),
            PromiseState::Kept { on: d(9) }
        );
        assert_eq!(
            promise_state(&promise(10), &[pay(8, 60), pay(12, 40)], 0, d(20)),
            PromiseState::Broken {
                on: d(11),
                received: Decimal::from(60)
            }
        );
        assert_eq!(
            promise_state(&promise(10), &[], 2, d(12)),
            PromiseState::Pending { until: d(12) }
        );
        assert_eq!(
            promise_state(&promise(10), &[pay(1, 500)], 0, d(11)),
            PromiseState::Broken {
                on: d(11),
                received: Decimal::ZERO
            },
            "a payment before the promise does not keep it"
        );
    }

    #[test]
    fn average_lateness_counts_early_payments_as_on_time() {
        assert_eq!(average_days_late(&[]), None);
        let paid = [(d(1), d(11)), (d(1), d(1)), (d(10), d(5))];
        assert_eq!(
            average_days_late(&paid),
            Some(Decimal::from(10) / Decimal::from(3))
        );
    }

    #[test]
    fn plan_breaks_on_the_first_missed_instalment() {
        let plan = Plan {
            id: 1,
            created_on: d(1),
            currency: Currency::EUR,
            instalments: vec![(d(5), Decimal::from(50)), (d(15), Decimal::from(50))],
            invoices: vec![],
        };
        assert_eq!(
            plan_state(&plan, &[], 0, d(5)),
            PlanState::OnTrack {
                next: Some((d(5), Decimal::from(50)))
            }
        );
        assert_eq!(
            plan_state(&plan, &[], 0, d(6)),
            PlanState::Broken {
                on: d(6),
                missed: (d(5), Decimal::from(50))
            }
        );
        assert_eq!(
            plan_state(&plan, &[pay(4, 50)], 0, d(10)),
            PlanState::OnTrack {
                next: Some((d(15), Decimal::from(50)))
            }
        );
        assert_eq!(
            plan_state(&plan, &[pay(4, 50), pay(15, 50)], 0, d(20)),
            PlanState::Completed
        );
        assert!(matches!(
            plan_state(&plan, &[pay(4, 50), pay(16, 50)], 0, d(20)),
            PlanState::Broken { .. }
        ));
    }
}
