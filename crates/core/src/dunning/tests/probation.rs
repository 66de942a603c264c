//! Probation runs from the start of the relationship, not from the day a
//! customer was added to dun, and lowers the credit limit while it lasts.

use super::*;

fn why_of(account: &Account, policy: &Policy, measure: Measure) -> Option<String> {
    evaluate_account(account, policy, as_of())
        .measures
        .into_iter()
        .find(|m| m.measure == measure)
        .map(|m| m.why)
}

#[test]
fn the_relationship_starts_at_the_earliest_of_record_invoice_and_opening() {
    let mut a = account(1, vec![]);
    a.created_on = ago(1);
    assert_eq!(a.relationship_start(), ago(1));
    a.first_invoice_on = Some(ago(400));
    assert_eq!(
        a.relationship_start(),
        ago(400),
        "imported with old invoices"
    );
    assert_eq!(measures(&a, as_of()), Vec::<&str>::new());
    a.first_invoice_on = Some(ago(10));
    assert_eq!(measures(&a, as_of()), ["probation"]);
    a.since = Some(ago(2_000));
    assert_eq!(a.relationship_start(), ago(2_000), "the record's own date");
    assert_eq!(measures(&a, as_of()), Vec::<&str>::new());
}

#[test]
fn probation_is_judged_as_of_the_date() {
    let mut a = account(1, vec![]);
    a.created_on = as_of();
    a.first_invoice_on = Some(ago(91));
    // 91 days before 22 November is 23 August: three months end on 23 November.
    assert_eq!(measures(&a, as_of()), ["probation"]);
    assert_eq!(measures(&a, ago(-1)), Vec::<&str>::new());
    assert_eq!(measures(&a, ago(92)), Vec::<&str>::new(), "not started yet");
}

#[test]
fn on_probation_the_limit_is_the_policys_share() {
    let mut a = account(1, vec![invoice(1, -10, 600)]);
    a.credit_limit = Some(Money::new(eur(1_000), Currency::EUR));
    a.created_on = as_of();
    a.first_invoice_on = Some(ago(30));
    let mut policy = Policy::standard();
    let why = why_of(&a, &policy, Measure::OverLimit);
    assert_eq!(
        why.as_deref(),
        Some("open 600.00 EUR exceeds the probation credit limit 500.00 EUR (50% of 1,000.00 EUR)")
    );
    policy.probation_limit_percent = 60;
    assert_eq!(why_of(&a, &policy, Measure::OverLimit), None);
    // Past probation the whole limit applies.
    a.first_invoice_on = Some(ago(200));
    policy.probation_limit_percent = 50;
    assert_eq!(why_of(&a, &policy, Measure::OverLimit), None);
}
