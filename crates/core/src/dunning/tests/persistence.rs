//! Persistence past the last stage: a reminder recurs after the last
//! contact about the invoice, until it is paid or handed to an agency.

use super::*;

/// Owes 500, 90 days overdue; the cash-only letter went out 10 days ago.
fn exhausted() -> Account {
    let mut a = account(1, vec![invoice(1, 90, 500)]);
    a.activities.push(Activity {
        stage: Some("cash_only".into()),
        ..logged(10, ActivityKind::Letter, vec![1])
    });
    a
}

fn persistence(a: &Account, at: NaiveDate) -> Vec<AgendaItem> {
    agenda(std::slice::from_ref(a), at)
        .into_iter()
        .filter(|i| i.kind == AgendaKind::Persistence)
        .collect()
}

#[test]
fn a_reminder_recurs_a_week_after_the_last_contact_about_the_invoice() {
    let mut a = exhausted();
    let due = persistence(&a, as_of());
    assert_eq!(due.len(), 1, "{due:?}");
    assert_eq!(due[0].action, StageAction::Email);
    assert_eq!(due[0].stage, "persistence");
    assert_eq!(due[0].invoices, [1]);
    // A call about it three days ago: the next reminder is four days away.
    a.activities.push(logged(3, ActivityKind::Call, vec![1]));
    assert!(persistence(&a, as_of()).is_empty());
    assert!(persistence(&a, ago(-3)).is_empty());
    assert_eq!(persistence(&a, ago(-4)).len(), 1);
    // The routine email of another invoice does not count as a contact.
    let mut b = exhausted();
    b.activities.push(logged(1, ActivityKind::Email, vec![2]));
    assert_eq!(persistence(&b, as_of()).len(), 1);
}

#[test]
fn no_reminder_once_handed_to_an_agency_or_while_a_promise_pauses_it() {
    let mut handed = exhausted();
    handed
        .activities
        .push(logged(2, ActivityKind::Agency, vec![]));
    assert!(persistence(&handed, as_of()).is_empty());

    let mut promised = exhausted();
    promised.promises.push(Promise {
        id: 1,
        made_on: ago(1),
        promised_on: ago(-5),
        amount: eur(500),
        currency: Currency::EUR,
        invoices: vec![1],
    });
    assert!(persistence(&promised, as_of()).is_empty());
}

#[test]
fn a_broken_promise_call_takes_the_place_of_the_reminder() {
    let mut a = exhausted();
    a.promises.push(Promise {
        id: 1,
        made_on: ago(8),
        promised_on: ago(4),
        amount: eur(500),
        currency: Currency::EUR,
        invoices: vec![1],
    });
    let items = agenda(std::slice::from_ref(&a), as_of());
    let stages: Vec<&str> = items.iter().map(|i| i.stage.as_str()).collect();
    assert_eq!(stages, ["broken_promise"]);
}
