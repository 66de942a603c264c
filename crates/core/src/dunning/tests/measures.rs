//! Measure dates: a start is dated the day the ledger reached it.

use super::*;

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
