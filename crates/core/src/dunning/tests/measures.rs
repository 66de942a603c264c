//! Measure dates and what lifts cash only: a start is dated the day the
//! ledger reached it, and a write-off is not a payment.

use super::*;

/// Cash only started `days` ago, as recorded.
fn cash_only_since(days: i64) -> MeasureEvent {
    MeasureEvent {
        measure: Measure::CashOnly,
        start: true,
        effective_on: ago(days),
        reason: "INV-1 reached 60 days overdue".into(),
        invoice_id: Some(1),
    }
}

fn written_off(id: i64, days: i64, amount: i64) -> WriteOff {
    WriteOff {
        invoice_id: id,
        number: format!("INV-{id}"),
        on: ago(days),
        amount: Money::new(eur(amount), Currency::EUR),
    }
}

fn since(account: &Account, measure: Measure) -> Option<NaiveDate> {
    evaluate_account(account, &Policy::standard(), as_of())
        .measures
        .into_iter()
        .find(|m| m.measure == measure)
        .map(|m| m.since)
}

#[test]
fn a_start_inside_a_dispute_is_dated_the_day_it_was_resolved() {
    let mut a = account(1, vec![invoice(1, 70, 100)]);
    a.disputes_resolved.push((1, ago(5)));
    assert_eq!(since(&a, Measure::StopSupply), Some(ago(5)));
    assert_eq!(since(&a, Measure::CashOnly), Some(ago(5)));
    let assessed = evaluate_account(&a, &Policy::standard(), as_of());
    assert!(
        assessed.changes.iter().all(|c| c.effective_on == ago(5)),
        "{:?}",
        assessed.changes
    );
    // A dispute resolved before the trigger leaves its date alone.
    let mut b = account(1, vec![invoice(1, 70, 100)]);
    b.disputes_resolved.push((1, ago(60)));
    assert_eq!(since(&b, Measure::StopSupply), Some(ago(40)));
    // As of a day before the resolution it is not known yet.
    let earlier = evaluate_account(&a, &Policy::standard(), ago(10));
    let stop = earlier
        .measures
        .iter()
        .find(|m| m.measure == Measure::StopSupply);
    assert_eq!(stop.map(|m| m.since), Some(ago(40)));
}

#[test]
fn a_write_off_keeps_cash_only_in_force() {
    let mut a = account(1, vec![]);
    a.measure_events.push(cash_only_since(20));
    a.write_offs.push(written_off(1, 10, 100));
    assert_eq!(since(&a, Measure::CashOnly), Some(ago(20)));
    let assessed = evaluate_account(&a, &Policy::standard(), as_of());
    assert!(assessed.changes.is_empty(), "{:?}", assessed.changes);
    // Paid instead, it lifts.
    let mut paid = account(1, vec![]);
    paid.measure_events.push(cash_only_since(20));
    assert_eq!(since(&paid, Measure::CashOnly), None);
    // A write-off before the start, or of crumbs, is no reason to keep it.
    for w in [written_off(1, 30, 100), written_off(1, 10, 0)] {
        let mut a = account(1, vec![]);
        a.measure_events.push(cash_only_since(20));
        a.write_offs.push(w);
        assert_eq!(since(&a, Measure::CashOnly), None);
    }
}

#[test]
fn a_release_by_hand_is_not_undone_by_what_was_reached_before_it() {
    let mut a = account(1, vec![invoice(1, 70, 100)]);
    a.measure_events.push(cash_only_since(10));
    a.measure_events.push(MeasureEvent {
        start: false,
        effective_on: ago(3),
        reason: "released by hand: agreed".into(),
        invoice_id: None,
        ..cash_only_since(10)
    });
    a.cash_only_released = Some(ago(3));
    assert_eq!(since(&a, Measure::CashOnly), None);
    assert_eq!(since(&a, Measure::StopSupply), Some(ago(40)));
    // Another invoice reaching the stage after the release starts it again.
    a.invoices.push(invoice(2, 61, 100));
    assert_eq!(since(&a, Measure::CashOnly), Some(ago(1)));
}
