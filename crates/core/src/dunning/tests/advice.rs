//! Who to call first, the next step and the slow-payer advice, on the
//! default ladder and on custom ones where a stage's place on the ladder
//! says nothing about what it does.

use std::collections::BTreeMap;

use super::*;
use crate::dunning::terms::TermsSpec;
use crate::ledger::ContactRole;

/// A policy on a ladder of `(id, days, action)`, without profiles.
fn custom(stages: &[(&str, i32, StageAction)]) -> Policy {
    let spec = DunningSpec {
        stage: stages
            .iter()
            .map(|(id, days, action)| StageSpec {
                id: (*id).into(),
                days: *days,
                action: *action,
                template: None,
            })
            .collect(),
        profiles: BTreeMap::new(),
        ..DunningSpec::default()
    };
    Policy::new(&spec, 3, &TermsSpec::default())
}

fn call_order_of(account: &Account, policy: &Policy) -> [ContactRole; 2] {
    let assessed = evaluate_account(account, policy, as_of());
    call_order(account, &assessed, policy)
}

const BILLING_FIRST: [ContactRole; 2] = [ContactRole::Billing, ContactRole::Senior];
const SENIOR_FIRST: [ContactRole; 2] = [ContactRole::Senior, ContactRole::Billing];

#[test]
fn on_the_default_ladder_the_sales_rep_stage_turns_to_the_senior_contact() {
    let policy = Policy::standard();
    let call = account(1, vec![invoice(1, 10, 500)]);
    assert_eq!(label(&call, as_of()), ["call"]);
    assert_eq!(call_order_of(&call, &policy), BILLING_FIRST);
    let rep = account(1, vec![invoice(1, 10, 500), invoice(2, 16, 500)]);
    assert_eq!(label(&rep, as_of()), ["call", "escalate_sales_rep"]);
    assert_eq!(call_order_of(&rep, &policy), SENIOR_FIRST);
}

#[test]
fn a_letter_second_on_a_short_ladder_calls_for_the_senior_contact() {
    let policy = custom(&[
        ("overdue_email", 1, StageAction::Email),
        ("demand_letter", 10, StageAction::Letter),
    ]);
    let a = account(1, vec![invoice(1, 12, 500)]);
    let assessed = evaluate_account(&a, &policy, as_of());
    // Index 1: a rule on the ladder position would stay with billing.
    assert_eq!(assessed.invoices[0].status, Status::Stage(1));
    assert_eq!(call_order(&a, &assessed, &policy), SENIOR_FIRST);
}

#[test]
fn a_fourth_reminder_email_stays_with_accounts_payable() {
    let policy = custom(&[
        ("pre_due", -3, StageAction::Email),
        ("first_reminder", 1, StageAction::Email),
        ("second_reminder", 7, StageAction::Email),
        ("third_reminder", 14, StageAction::Email),
        ("call", 21, StageAction::Call),
    ]);
    let a = account(1, vec![invoice(1, 15, 500)]);
    let assessed = evaluate_account(&a, &policy, as_of());
    // Index 3: a rule on the ladder position would go to the senior contact.
    assert_eq!(assessed.invoices[0].status, Status::Stage(3));
    assert!(assessed.measures.is_empty());
    assert_eq!(call_order(&a, &assessed, &policy), BILLING_FIRST);
}

#[test]
fn the_customers_profile_ladder_decides_who_to_call() {
    let mut spec = DunningSpec::default();
    spec.profiles.insert(
        "early_rep".into(),
        BTreeMap::from([("escalate_sales_rep".to_string(), 6)]),
    );
    let policy = Policy::new(&spec, 3, &TermsSpec::default());
    let mut a = account(1, vec![invoice(1, 6, 500)]);
    assert_eq!(call_order_of(&a, &policy), BILLING_FIRST);
    a.profile = Some("early_rep".into());
    // Index 2 on this profile is the sales rep; on the default ladder, the call.
    let assessed = evaluate_account(&a, &policy, as_of());
    assert_eq!(assessed.invoices[0].status, Status::Stage(2));
    assert_eq!(assessed.invoices[0].label, "escalate_sales_rep");
    assert_eq!(call_order(&a, &assessed, &policy), SENIOR_FIRST);
}

#[test]
fn a_measure_in_force_calls_for_the_senior_contact() {
    let mut a = account(1, vec![invoice(1, -10, 500)]);
    assert_eq!(call_order_of(&a, &Policy::standard()), BILLING_FIRST);
    a.hold = Some(Hold {
        started_on: ago(2),
        reason: "director's call".into(),
    });
    assert_eq!(call_order_of(&a, &Policy::standard()), SENIOR_FIRST);
}

#[test]
fn a_paused_invoice_does_not_escalate_the_call() {
    let mut a = account(1, vec![invoice(1, 20, 500)]);
    a.promises.push(Promise {
        id: 7,
        made_on: ago(1),
        promised_on: ago(-5),
        amount: eur(500),
        currency: Currency::EUR,
        invoices: vec![],
    });
    assert_eq!(label(&a, as_of()), ["promised"]);
    assert_eq!(call_order_of(&a, &Policy::standard()), BILLING_FIRST);
}

fn next_of(policy: &Policy, a: &Account) -> Vec<Option<(String, NaiveDate)>> {
    let assessed = evaluate_account(a, policy, as_of());
    let ladder = policy.ladder(a.profile.as_deref());
    a.invoices
        .iter()
        .zip(&assessed.invoices)
        .map(|(i, s)| next_step(i, &s.status, ladder).map(|n| (n.stage.id.clone(), n.on)))
        .collect()
}

#[test]
fn the_next_step_is_the_following_rung_and_its_trigger_day() {
    let a = account(
        1,
        vec![
            invoice(1, -10, 100),
            invoice(2, 6, 100),
            invoice(3, 70, 100),
        ],
    );
    assert_eq!(
        next_of(&Policy::standard(), &a),
        [
            // Due in 10 days: the reminder 3 days before.
            Some(("pre_due_reminder".to_string(), ago(-7))),
            // At the overdue email: the call at 7 days.
            Some(("call".to_string(), ago(-1))),
            // At cash only, the last rung: nothing further on the ladder.
            None,
        ]
    );
}

#[test]
fn the_next_step_follows_the_customers_profile() {
    let mut a = account(1, vec![invoice(1, 2, 100)]);
    assert_eq!(
        next_of(&Policy::standard(), &a),
        [Some(("overdue_email".to_string(), ago(-3)))]
    );
    a.profile = Some("slow_payer".into());
    // The slow-payer ladder: email at 1 day, call at 3.
    assert_eq!(
        next_of(&Policy::standard(), &a),
        [Some(("call".to_string(), ago(-1)))]
    );
}

#[test]
fn paused_and_disputed_invoices_have_no_next_step() {
    let mut a = account(1, vec![invoice(1, 6, 100), invoice(2, 6, 100)]);
    a.invoices[1].dispute = Some(Dispute {
        opened_on: ago(3),
        reason: "damaged".into(),
    });
    a.plans.push(Plan {
        id: 3,
        created_on: ago(2),
        currency: Currency::EUR,
        instalments: vec![(ago(-10), eur(100))],
        invoices: vec![1],
    });
    assert_eq!(label(&a, as_of()), ["in_plan", "disputed"]);
    assert_eq!(next_of(&Policy::standard(), &a), [None, None]);
    let assessed = evaluate_account(&a, &Policy::standard(), as_of());
    assert_eq!(
        account_next_step(&a, &assessed, &Policy::standard(), as_of()),
        None
    );
}

#[test]
fn the_accounts_next_step_is_the_earliest_of_its_invoices() {
    let a = account(1, vec![invoice(1, -10, 100), invoice(2, 6, 100)]);
    let policy = Policy::standard();
    let assessed = evaluate_account(&a, &policy, as_of());
    assert_eq!(
        account_next_step(&a, &assessed, &policy, as_of()),
        Some(ago(-1))
    );
}

#[test]
fn the_next_step_on_a_custom_ladder_is_its_next_rung() {
    let policy = custom(&[
        ("overdue_email", 1, StageAction::Email),
        ("demand_letter", 10, StageAction::Letter),
        ("agency", 45, StageAction::Agency),
    ]);
    let a = account(1, vec![invoice(1, 12, 100)]);
    assert_eq!(
        next_of(&policy, &a),
        [Some(("agency".to_string(), ago(-33)))]
    );
}

/// `(due, paid)` pairs, most recent first, each paid `late` days after due.
fn paid_late(late: &[i64]) -> Vec<(NaiveDate, NaiveDate)> {
    late.iter()
        .enumerate()
        .map(|(n, days)| {
            let due = ago(30 * (n as i64 + 1) + 100);
            (due, due + Days::new(*days as u64))
        })
        .collect()
}

#[test]
fn a_customer_paying_late_on_average_is_advised_the_slow_payer_profile() {
    let policy = Policy::standard();
    let advice = slow_payer_advice(&paid_late(&[39, 35, 31]), None, &policy);
    assert_eq!(
        advice,
        Some(SlowPayerAdvice {
            average_days_late: eur(35),
            sample: 3,
            threshold: 15,
            profile: SLOW_PAYER_PROFILE,
        })
    );
    // Any other profile is no reason to keep quiet.
    assert!(slow_payer_advice(&paid_late(&[39]), Some("lax"), &policy).is_some());
}

#[test]
fn no_advice_at_or_below_the_threshold_or_without_paid_invoices() {
    let policy = Policy::standard();
    assert_eq!(
        slow_payer_advice(&paid_late(&[15, 15]), None, &policy),
        None
    );
    assert_eq!(slow_payer_advice(&paid_late(&[30, 0]), None, &policy), None);
    assert_eq!(slow_payer_advice(&[], None, &policy), None);
    // Paid early counts as zero days late, not as days to spare.
    let early = [(ago(100), ago(160)), (ago(200), ago(210))];
    assert_eq!(
        slow_payer_advice(&early, None, &policy),
        None,
        "an early payment does not offset a late one"
    );
}

#[test]
fn no_advice_for_a_customer_already_on_the_profile() {
    let policy = Policy::standard();
    let late = paid_late(&[40, 40]);
    assert_eq!(
        slow_payer_advice(&late, Some(SLOW_PAYER_PROFILE), &policy),
        None
    );
}

#[test]
fn only_the_policys_sample_of_recent_invoices_counts() {
    let spec = DunningSpec {
        slow_payer_sample: 2,
        ..DunningSpec::default()
    };
    let policy = Policy::new(&spec, 3, &TermsSpec::default());
    // Two recent invoices on time; an old one very late is out of the sample.
    let late = paid_late(&[0, 2, 300]);
    assert_eq!(slow_payer_advice(&late, None, &policy), None);
    let late = paid_late(&[20, 40, 0]);
    let advice = slow_payer_advice(&late, None, &policy).map(|a| (a.average_days_late, a.sample));
    assert_eq!(advice, Some((eur(30), 2)));
}

#[test]
fn no_advice_when_the_configuration_has_no_slow_payer_profile() {
    let policy = custom(&[("overdue_email", 1, StageAction::Email)]);
    assert!(!policy.has_profile(SLOW_PAYER_PROFILE));
    assert_eq!(slow_payer_advice(&paid_late(&[40]), None, &policy), None);
}
