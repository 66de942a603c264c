//! Table-driven tests of every rule of the collections playbook, on plain
//! values: no database, no clock.

use chrono::{Days, NaiveDate};
use rust_decimal::Decimal;

use super::*;
use crate::money::{Currency, Money};

const AS_OF: (i32, u32, u32) = (2026, 11, 22);

fn as_of() -> NaiveDate {
    NaiveDate::from_ymd_opt(AS_OF.0, AS_OF.1, AS_OF.2).expect("valid")
}

/// `n` days before (negative: after) the as-of date.
fn ago(n: i64) -> NaiveDate {
    if n >= 0 {
        as_of() - Days::new(n as u64)
    } else {
        as_of() + Days::new((-n) as u64)
    }
}

fn eur(n: i64) -> Decimal {
    Decimal::from(n)
}

/// An invoice `days` overdue on the as-of date (negative: due in so many days).
fn invoice(id: i64, days: i64, open: i64) -> OpenInvoice {
    OpenInvoice {
        id,
        number: format!("INV-{id}"),
        issue_date: ago(days + 30),
        due_date: ago(days),
        amount: eur(open),
        open: eur(open),
        currency: Currency::EUR,
        dispute: None,
        settlements: Vec::new(),
    }
}

fn account(id: i64, invoices: Vec<OpenInvoice>) -> Account {
    Account {
        invoices,
        ..Account::new(id, &format!("C{id}"), ago(400))
    }
}

fn logged(days_ago: i64, kind: ActivityKind, invoices: Vec<i64>) -> Activity {
    Activity {
        occurred_on: ago(days_ago),
        kind,
        stage: None,
        invoices,
        next_on: None,
    }
}

fn label(account: &Account, at: NaiveDate) -> Vec<String> {
    evaluate_account(account, &Policy::standard(), at)
        .invoices
        .into_iter()
        .map(|a| a.label)
        .collect()
}

fn agenda(accounts: &[Account], at: NaiveDate) -> Vec<AgendaItem> {
    evaluate(accounts, &Policy::standard(), at).agenda
}

fn measures(account: &Account, at: NaiveDate) -> Vec<&'static str> {
    evaluate_account(account, &Policy::standard(), at)
        .measures
        .into_iter()
        .map(|m| m.measure.as_str())
        .collect()
}

#[test]
fn the_ladder_by_days_overdue() {
    let cases: &[(i64, &str, Option<&str>)] = &[
        (-5, "current", None),
        (-2, "pre_due_reminder", Some("email")),
        (0, "pre_due_reminder", Some("email")),
        (4, "pre_due_reminder", None),
        (5, "overdue_email", Some("email")),
        (7, "call", Some("call")),
        (14, "call", Some("call")),
        (15, "escalate_sales_rep", Some("notify_sales_rep")),
        (30, "stop_supply", Some("stop_supply")),
        (59, "stop_supply", Some("stop_supply")),
        (60, "cash_only", Some("cash_only")),
        (200, "cash_only", Some("cash_only")),
    ];
    for &(days, stage, action) in cases {
        let a = account(1, vec![invoice(1, days, 100)]);
        assert_eq!(label(&a, as_of()), [stage], "{days} days overdue");
        let items = agenda(&[a], as_of());
        let actions: Vec<&str> = items.iter().map(|i| i.action.as_str()).collect();
        assert_eq!(
            actions,
            action.into_iter().collect::<Vec<_>>(),
            "{days} days overdue"
        );
    }
}

#[test]
fn an_entry_counts_only_for_the_stage_it_performed() {
    // Due at 40 days overdue: stop supply. An untagged email today is not
    // the stop-supply notice, nor every earlier email stage at once.
    let mut a = account(1, vec![invoice(1, 40, 100)]);
    a.activities.push(logged(0, ActivityKind::Email, vec![1]));
    let assessed = evaluate_account(&a, &Policy::standard(), as_of());
    assert!(
        assessed.invoices[0].action_due,
        "{}",
        assessed.invoices[0].why
    );
    assert!(
        assessed.invoices[0]
            .why
            .contains("skipped: pre_due_reminder, overdue_email"),
        "{}",
        assessed.invoices[0].why
    );
    // Tagged with a stage its kind cannot perform, it counts for nothing.
    let mut b = account(1, vec![invoice(1, 8, 100)]);
    b.activities.push(Activity {
        stage: Some("call".into()),
        ..logged(0, ActivityKind::Note, vec![1])
    });
    assert_eq!(agenda(&[b], as_of()).len(), 1, "a note is not a call");
}

#[test]
fn a_disputed_invoice_does_not_keep_the_measure_it_started() {
    let mut disputed = invoice(1, 40, 100);
    disputed.dispute = Some(Dispute {
        opened_on: ago(1),
        reason: "damaged".into(),
    });
    let mut a = account(1, vec![disputed, invoice(2, 10, 50)]);
    a.measure_events.push(MeasureEvent {
        measure: Measure::StopSupply,
        start: true,
        effective_on: ago(10),
        reason: "INV-1 reached 30 days overdue".into(),
        invoice_id: Some(1),
    });
    let assessed = evaluate_account(&a, &Policy::standard(), as_of());
    assert!(assessed.measures.is_empty(), "{:?}", assessed.measures);
    assert_eq!(assessed.changes.len(), 1);
    assert!(!assessed.changes[0].start);
    // A cash-only from a broken promise survives a dispute on another invoice.
    let mut b = account(1, vec![invoice(1, 10, 100), invoice(2, 12, 50)]);
    b.invoices[1].dispute = Some(Dispute {
        opened_on: ago(1),
        reason: "damaged".into(),
    });
    b.measure_events.push(MeasureEvent {
        measure: Measure::CashOnly,
        start: true,
        effective_on: ago(5),
        reason: "promise #1 broken".into(),
        invoice_id: None,
    });
    assert_eq!(measures(&b, as_of()), ["cash_only"]);
}

#[test]
fn paused_invoices_trigger_no_measure() {
    let mut a = account(1, vec![invoice(1, 64, 1_000)]);
    a.plans.push(Plan {
        id: 1,
        created_on: ago(20),
        currency: Currency::EUR,
        instalments: vec![(ago(-10), eur(500)), (ago(-40), eur(500))],
        invoices: vec![],
    });
    assert_eq!(label(&a, as_of()), ["in_plan"]);
    assert_eq!(measures(&a, as_of()), Vec::<&str>::new());
}

#[test]
fn a_later_promise_replaces_a_pending_one() {
    let mut a = account(1, vec![invoice(1, 20, 500)]);
    let promise = |id, made, by| Promise {
        id,
        made_on: ago(made),
        promised_on: ago(by),
        amount: eur(500),
        currency: Currency::EUR,
        invoices: vec![],
    };
    a.promises.push(promise(1, 10, 5));
    a.promises.push(promise(2, 6, -6));
    assert_eq!(label(&a, as_of()), ["promised"]);
    assert_eq!(
        measures(&a, as_of()),
        Vec::<&str>::new(),
        "the first promise is not broken"
    );
    assert!(agenda(std::slice::from_ref(&a), as_of()).is_empty());
}

#[test]
fn crumbs_below_the_minimum_hold_no_measure() {
    let mut crumb = invoice(1, 40, 100);
    crumb.open = Decimal::new(5, 3);
    let mut a = account(1, vec![crumb]);
    a.measure_events.push(MeasureEvent {
        measure: Measure::StopSupply,
        start: true,
        effective_on: ago(10),
        reason: "INV-1 reached 30 days overdue".into(),
        invoice_id: Some(1),
    });
    assert_eq!(label(&a, as_of()), ["below_minimum"]);
    assert_eq!(measures(&a, as_of()), Vec::<&str>::new());
}

#[test]
fn measures_follow_the_stages() {
    let cases: &[(i64, &[&str])] = &[
        (14, &[]),
        (29, &[]),
        (30, &["stop_supply"]),
        (59, &["stop_supply"]),
        (60, &["stop_supply", "cash_only"]),
    ];
    for &(days, expected) in cases {
        let a = account(1, vec![invoice(1, days, 100)]);
        assert_eq!(measures(&a, as_of()), expected, "{days} days overdue");
    }
}

#[test]
fn a_partial_payment_keeps_the_stage_and_full_payment_clears_it() {
    let mut partly_paid = invoice(1, 35, 100);
    partly_paid.open = eur(40);
    let a = account(1, vec![partly_paid]);
    assert_eq!(label(&a, as_of()), ["stop_supply"]);
    assert_eq!(measures(&a, as_of()), ["stop_supply"]);
    let assessed = evaluate_account(&a, &Policy::standard(), as_of());
    assert_eq!(assessed.changes.len(), 1, "the start is to be recorded");

    // Paid in full: the invoice leaves the open list; stop supply lifts,
    // and the lift is to be recorded.
    let mut paid = account(1, vec![]);
    paid.measure_events.push(MeasureEvent {
        measure: Measure::StopSupply,
        start: true,
        effective_on: ago(5),
        reason: "INV-1 30 days overdue ≥ 30".into(),
        invoice_id: Some(1),
    });
    let assessed = evaluate_account(&paid, &Policy::standard(), as_of());
    assert!(assessed.measures.is_empty());
    assert_eq!(assessed.changes.len(), 1);
    assert!(!assessed.changes[0].start, "a lift");
    assert!(agenda(&[paid], as_of()).is_empty());
}

#[test]
fn stop_supply_stays_while_any_overdue_balance_remains() {
    // INV-1 triggered stop supply and was paid; INV-2 is still 10 days late.
    let mut a = account(1, vec![invoice(2, 10, 100)]);
    a.measure_events.push(MeasureEvent {
        measure: Measure::StopSupply,
        start: true,
        effective_on: ago(3),
        reason: "INV-1 30 days overdue ≥ 30".into(),
        invoice_id: Some(1),
    });
    assert_eq!(measures(&a, as_of()), ["stop_supply"]);
    // With only a not-yet-due invoice left, it lifts by itself.
    a.invoices = vec![invoice(3, -10, 100)];
    assert_eq!(measures(&a, as_of()), Vec::<&str>::new());
}

#[test]
fn a_promise_pauses_chasing_until_its_date() {
    let mut a = account(1, vec![invoice(1, 10, 500)]);
    a.promises.push(Promise {
        id: 7,
        made_on: ago(2),
        promised_on: ago(-3),
        amount: eur(500),
        currency: Currency::EUR,
        invoices: vec![],
    });
    assert_eq!(label(&a, as_of()), ["promised"]);
    assert!(
        agenda(std::slice::from_ref(&a), as_of()).is_empty(),
        "nothing to chase while promised"
    );
    // On the promised date itself it is still pending.
    assert_eq!(label(&a, ago(-3)), ["promised"]);
    assert_eq!(measures(&a, ago(-3)), Vec::<&str>::new());
}

#[test]
fn a_broken_promise_puts_the_customer_on_cash_only_at_once_and_asks_for_a_call() {
    let mut a = account(1, vec![invoice(1, 10, 500)]);
    a.promises.push(Promise {
        id: 7,
        made_on: ago(6),
        promised_on: ago(1),
        amount: eur(500),
        currency: Currency::EUR,
        invoices: vec![],
    });
    a.payments.push(Receipt {
        paid_on: ago(2),
        amount: eur(100),
        currency: Currency::EUR,
        invoice: 1,
    });
    assert_eq!(measures(&a, as_of()), ["cash_only"]);
    let items = agenda(std::slice::from_ref(&a), as_of());
    let broken = items
        .iter()
        .find(|i| i.stage == "broken_promise")
        .expect("a follow-up item");
    assert_eq!(broken.action, StageAction::Call);
    assert!(broken.why.contains("broken on"), "{}", broken.why);
    // A call after the break satisfies the follow-up; cash only stays.
    a.activities.push(logged(0, ActivityKind::Call, vec![]));
    let items = agenda(std::slice::from_ref(&a), as_of());
    assert!(items.iter().all(|i| i.stage != "broken_promise"));
    assert_eq!(measures(&a, as_of()), ["cash_only"]);
}

#[test]
fn cash_only_lifts_only_when_the_whole_balance_is_paid() {
    // Recorded start; the late invoice is paid, but one not yet due remains.
    let mut a = account(1, vec![invoice(2, -20, 300)]);
    a.measure_events.push(MeasureEvent {
        measure: Measure::CashOnly,
        start: true,
        effective_on: ago(10),
        reason: "INV-1 60 days overdue ≥ 60".into(),
        invoice_id: Some(1),
    });
    assert_eq!(
        measures(&a, as_of()),
        ["cash_only"],
        "a not-yet-due invoice still counts"
    );
    a.invoices.clear();
    let assessed = evaluate_account(&a, &Policy::standard(), as_of());
    assert!(assessed.measures.is_empty());
    assert_eq!(assessed.changes.len(), 1);
    assert!(!assessed.changes[0].start);
}

#[test]
fn a_disputed_invoice_leaves_the_ladder_the_measures_and_the_agenda() {
    let mut disputed = invoice(1, 45, 900);
    disputed.dispute = Some(Dispute {
        opened_on: ago(2),
        reason: "goods damaged".into(),
    });
    let a = account(1, vec![disputed.clone(), invoice(2, 8, 100)]);
    assert_eq!(label(&a, as_of()), ["disputed", "call"]);
    assert_eq!(measures(&a, as_of()), Vec::<&str>::new());
    let items = agenda(std::slice::from_ref(&a), as_of());
    assert_eq!(items.len(), 1);
    assert_eq!(items[0].invoices, [2]);
    assert_eq!(
        items[0].overdue_balance,
        eur(100),
        "the disputed 900 is not counted"
    );
    // Unresolved after a week, the dispute comes back to the agenda.
    let later = agenda(&[account(1, vec![disputed])], ago(-5));
    assert_eq!(later.len(), 1);
    assert_eq!(later[0].stage, "disputed");
}

#[test]
fn a_missed_instalment_asks_for_a_reminder_at_once() {
    let mut a = account(1, vec![invoice(1, 40, 600)]);
    a.plans.push(Plan {
        id: 3,
        created_on: ago(20),
        currency: Currency::EUR,
        instalments: vec![
            (ago(10), eur(200)),
            (ago(-20), eur(200)),
            (ago(-50), eur(200)),
        ],
        invoices: vec![],
    });
    a.payments.push(Receipt {
        paid_on: ago(12),
        amount: eur(200),
        currency: Currency::EUR,
        invoice: 1,
    });
    assert_eq!(label(&a, as_of()), ["in_plan"], "on track: paused");
    assert!(agenda(std::slice::from_ref(&a), as_of()).is_empty());
    // The second instalment is missed: back on the ladder and a reminder now.
    let after = ago(-21);
    assert_eq!(label(&a, after), ["cash_only"]);
    let items = agenda(std::slice::from_ref(&a), after);
    let reminder = items
        .iter()
        .find(|i| i.stage == "missed_instalment")
        .expect("a reminder");
    assert_eq!(reminder.action, StageAction::Email);
    assert_eq!(
        items.len(),
        2,
        "one email item, one for the stage's own action"
    );
    // A plan over some invoices reminds of those, not of the whole account,
    // even when another invoice's pre-due reminder is due the same day.
    let mut some = a.clone();
    some.plans[0].invoices = vec![1];
    some.invoices.push(invoice(2, -23, 5_000));
    let items = agenda(std::slice::from_ref(&some), after);
    let reminder = items
        .iter()
        .find(|i| i.stage == "missed_instalment")
        .expect("a reminder");
    assert_eq!(reminder.invoices, [1]);
    assert_eq!(reminder.overdue_balance, eur(600));
    let pre_due = items
        .iter()
        .find(|i| i.stage == "pre_due_reminder")
        .expect("a pre-due reminder of its own");
    assert_eq!(pre_due.invoices, [2]);
}

#[test]
fn a_done_action_is_not_asked_again() {
    let mut a = account(1, vec![invoice(1, 8, 100)]);
    assert_eq!(agenda(std::slice::from_ref(&a), as_of()).len(), 1);
    a.activities.push(logged(0, ActivityKind::Call, vec![1]));
    assert!(agenda(std::slice::from_ref(&a), as_of()).is_empty());
    assert!(
        agenda(std::slice::from_ref(&a), ago(-6)).is_empty(),
        "still call stage: still done"
    );
    // A call made before the call stage (day 5) does not count for it.
    let mut early = account(1, vec![invoice(1, 8, 100)]);
    early
        .activities
        .push(logged(3, ActivityKind::Call, vec![1]));
    assert_eq!(agenda(&[early], as_of()).len(), 1);
    // A log entry for another invoice does not count either.
    let mut other = account(1, vec![invoice(1, 8, 100)]);
    other
        .activities
        .push(logged(0, ActivityKind::Call, vec![99]));
    assert_eq!(agenda(&[other], as_of()).len(), 1);
}

#[test]
fn an_invoice_entering_late_asks_only_for_its_current_stage() {
    let a = account(1, vec![invoice(1, 20, 100)]);
    let items = agenda(std::slice::from_ref(&a), as_of());
    assert_eq!(items.len(), 1);
    assert_eq!(items[0].stage, "escalate_sales_rep");
    assert!(
        items[0]
            .why
            .contains("skipped: pre_due_reminder, overdue_email, call"),
        "{}",
        items[0].why
    );
}

#[test]
fn one_item_per_customer_and_action_listing_all_its_invoices() {
    let a = account(
        1,
        vec![invoice(1, 8, 100), invoice(2, 10, 50), invoice(3, 5, 70)],
    );
    let items = agenda(&[a], as_of());
    let summary: Vec<(&str, Vec<i64>)> = items
        .iter()
        .map(|i| (i.action.as_str(), i.invoices.clone()))
        .collect();
    assert_eq!(summary.len(), 2, "{summary:?}");
    let call = items
        .iter()
        .find(|i| i.action == StageAction::Call)
        .expect("call");
    let mut invoices = call.invoices.clone();
    invoices.sort_unstable();
    assert_eq!(invoices, [1, 2]);
    let email = items
        .iter()
        .find(|i| i.action == StageAction::Email)
        .expect("email");
    assert_eq!(email.invoices, [3]);
    assert_eq!(call.overdue_balance, eur(220));
}

#[test]
fn a_cash_only_notice_also_covers_invoices_at_stop_supply() {
    let a = account(1, vec![invoice(1, 65, 100), invoice(2, 35, 50)]);
    let items = agenda(&[a], as_of());
    assert_eq!(items.len(), 1, "{items:?}");
    assert_eq!(items[0].action, StageAction::CashOnly);
    let mut invoices = items[0].invoices.clone();
    invoices.sort_unstable();
    assert_eq!(invoices, [1, 2]);
}

#[test]
fn a_measure_notice_is_sent_once_per_measure_not_per_invoice() {
    // Stop supply started ten days ago for INV-1 and the notice went out;
    // INV-2 reaches 30 days today while the measure still runs.
    let mut a = account(1, vec![invoice(1, 40, 100), invoice(2, 30, 50)]);
    a.measure_events.push(MeasureEvent {
        measure: Measure::StopSupply,
        start: true,
        effective_on: ago(10),
        reason: "INV-1 reached 30 days overdue".into(),
        invoice_id: Some(1),
    });
    let notice = Activity {
        stage: Some("stop_supply".into()),
        ..logged(10, ActivityKind::Email, vec![1])
    };
    a.activities.push(notice.clone());
    assert!(agenda(std::slice::from_ref(&a), as_of()).is_empty());
    // Untagged, the email is no measure notice: both invoices are asked for.
    let mut untagged = a.clone();
    untagged.activities[0].stage = None;
    let items = agenda(&[untagged], as_of());
    assert_eq!(items.len(), 1, "{items:?}");
    let mut invoices = items[0].invoices.clone();
    invoices.sort_unstable();
    assert_eq!(invoices, [1, 2]);
    // After a lift and a new start, the old notice no longer counts.
    let mut restarted = a.clone();
    for (start, days) in [(false, 8), (true, 2)] {
        restarted.measure_events.push(MeasureEvent {
            measure: Measure::StopSupply,
            start,
            effective_on: ago(days),
            reason: "again".into(),
            invoice_id: Some(1),
        });
    }
    let items = agenda(&[restarted], as_of());
    assert_eq!(items.len(), 1, "{items:?}");
    assert_eq!(items[0].action, StageAction::StopSupply);
    assert_eq!(items[0].invoices, [2], "INV-1's own notice still counts");
}

#[test]
fn the_larger_overdue_balance_comes_first() {
    let small = account(1, vec![invoice(1, 70, 100)]);
    let large = account(2, vec![invoice(2, 8, 5_000)]);
    let items = agenda(&[small, large], as_of());
    let order: Vec<&str> = items.iter().map(|i| i.code.as_str()).collect();
    assert_eq!(order, ["C2", "C1"]);
}

#[test]
fn balances_below_the_minimum_are_not_chased() {
    let mut tiny = invoice(1, 40, 1);
    tiny.open = Decimal::new(5, 3);
    let a = account(1, vec![tiny]);
    assert!(agenda(std::slice::from_ref(&a), as_of()).is_empty());
    assert_eq!(measures(&a, as_of()), Vec::<&str>::new());
}

#[test]
fn slow_payer_profile_moves_the_call_earlier() {
    let mut a = account(1, vec![invoice(1, 3, 100)]);
    assert_eq!(label(&a, as_of()), ["pre_due_reminder"]);
    a.profile = Some("slow_payer".into());
    assert_eq!(label(&a, as_of()), ["call"]);
}

#[test]
fn credit_limit_and_probation() {
    let mut a = account(1, vec![invoice(1, -10, 1_500)]);
    a.credit_limit = Some(Money::new(eur(1_000), Currency::EUR));
    a.created_on = ago(30);
    assert_eq!(measures(&a, as_of()), ["over_limit", "probation"]);
    a.created_on = ago(100);
    assert_eq!(measures(&a, as_of()), ["over_limit"]);
}

#[test]
fn every_explanation_is_one_line_and_names_its_reason() {
    let a = account(1, vec![invoice(1, 43, 100)]);
    let assessed = evaluate_account(&a, &Policy::standard(), as_of());
    let why = &assessed.invoices[0].why;
    assert!(!why.contains('\n'));
    assert!(
        why.starts_with("INV-1 due 2026-10-10, 43 days overdue ≥ 30: stop_supply"),
        "{why}"
    );
    let early = account(2, vec![invoice(2, -2, 100)]);
    let why = &evaluate_account(&early, &Policy::standard(), as_of()).invoices[0].why;
    assert!(
        why.starts_with(
            "INV-2 due 2026-11-24, in 2 days (from 3 days before due): pre_due_reminder"
        ),
        "{why}"
    );
    let trace = trace(&a, 1, &Policy::standard(), as_of());
    assert!(
        trace
            .iter()
            .any(|l| l.contains("call") && l.contains("reached, not done")),
        "{trace:?}"
    );
}

mod advice;
mod balances;
mod measures;
mod persistence;
mod probation;
mod properties;
mod terms;
