//! Forecast and changes on small accounts computed by hand, evaluated by
//! the real engine.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use super::record::tests::{date, dec, record};
use super::*;
use crate::aging::Buckets;
use crate::dunning::{Account, Dispute, OpenInvoice, Policy, Promise, evaluate_account};
use crate::money::{Currency, Locale, Money};

fn open(id: i64, due: &str, open: &str) -> OpenInvoice {
    let due = date(due);
    OpenInvoice {
        id,
        number: format!("INV-{id}"),
        issue_date: due - chrono::Days::new(30),
        due_date: due,
        amount: dec(open),
        open: dec(open),
        currency: Currency::EUR,
        dispute: None,
        settlements: Vec::new(),
    }
}

fn account(invoices: Vec<OpenInvoice>) -> Account {
    let mut a = Account::new(1, "ACME", date("2025-01-01"));
    a.invoices = invoices;
    a
}

#[test]
fn the_forecast_places_promises_lateness_and_disputes_by_hand() {
    let as_of = date("2026-11-02");
    let mut a = account(vec![
        // Due 10 Nov + 7 days' lateness = 17 Nov: week 3 (16–22 Nov).
        open(1, "2026-11-10", "100"),
        // Due 1 Oct + 7 = 8 Oct, already past: week 1 (3–9 Nov).
        open(2, "2026-10-01", "50"),
        // Disputed: apart.
        open(3, "2026-11-05", "70"),
        // 300 owed, 200 promised for 20 Nov (week 3); the other 100 by
        // due date 1 Mar + 7 = 8 Mar 2027: after the 13 weeks.
        open(4, "2027-03-01", "300"),
    ]);
    a.invoices[3].issue_date = date("2026-10-01");
    a.invoices[2].dispute = Some(Dispute {
        opened_on: date("2026-10-20"),
        reason: "damaged".into(),
    });
    a.promises.push(Promise {
        id: 9,
        made_on: date("2026-11-01"),
        promised_on: date("2026-11-20"),
        amount: dec("200"),
        currency: Currency::EUR,
        invoices: vec![4],
    });
    let assessed = evaluate_account(&a, &Policy::standard(), as_of);
    let lateness = BTreeMap::from([(1, 7)]);
    let f = forecast(&[(&a, &assessed)], &lateness, as_of);
    assert_eq!(f.weeks.len(), 13);
    assert_eq!(
        (f.weeks[0].start, f.weeks[0].end),
        (date("2026-11-03"), date("2026-11-09"))
    );
    let eur = |w: usize| f.weeks[w].expected.get(Currency::EUR);
    assert_eq!(eur(0), dec("50"));
    assert_eq!(eur(1), dec("0"));
    // 100 (invoice 1 by lateness) + 200 (the promise) = 300.
    assert_eq!(eur(2), dec("300"));
    assert_eq!(f.later.get(Currency::EUR), dec("100"));
    assert_eq!(f.disputed.get(Currency::EUR), dec("70"));
    let week3: Vec<(&str, Basis)> = f.weeks[2]
        .items
        .iter()
        .map(|i| (f.items[*i].invoice.as_str(), f.items[*i].basis))
        .collect();
    assert_eq!(
        week3,
        vec![("INV-1", Basis::Due(7)), ("INV-4", Basis::Promise)]
    );
}

#[test]
fn the_backtest_error_is_weighted_by_what_came_in() {
    let as_of = date("2026-11-02");
    let a = account(vec![
        open(1, "2026-11-04", "100"),
        open(2, "2026-11-12", "100"),
    ]);
    let assessed = evaluate_account(&a, &Policy::standard(), as_of);
    let f = forecast(&[(&a, &assessed)], &BTreeMap::new(), as_of);
    // Expected: 100 in week 1 (due 4 Nov), 100 in week 2 (due 12 Nov).
    // Actually paid: invoice 1 on 12 Nov (week 2), invoice 2 on 13 Nov (week 2).
    let records = vec![
        record(
            1,
            1,
            ("2026-10-05", "2026-11-04"),
            "100",
            &[("2026-11-12", "100")],
        ),
        record(
            2,
            1,
            ("2026-10-13", "2026-11-12"),
            "100",
            &[("2026-11-13", "100")],
        ),
    ];
    let b = backtest(&f, &records);
    assert_eq!(b.weeks[0].forecast, dec("100"));
    assert_eq!(b.weeks[0].actual, dec("0"));
    assert_eq!(b.weeks[1].actual, dec("200"));
    // |100 − 0| + |100 − 200| = 200 over 200 received: 100.0%.
    assert_eq!(
        b.totals,
        vec![(Currency::EUR, dec("200"), dec("200"), Some(dec("100.0")))]
    );
}

#[test]
fn changes_are_the_difference_of_two_evaluations_and_the_dated_facts() {
    let (since, as_of) = (date("2026-11-01"), date("2026-11-08"));
    let policy = Policy::standard();
    // Invoice 1: 100 due 25 Oct, paid on 5 Nov. Invoice 2: 200 due 30 Sep,
    // still open: 32 days overdue on 1 Nov (31–60), 39 on 8 Nov: same
    // bucket. Invoice 3: 50 due 2 Oct: 30 days (1–30) on 1 Nov, 37 on
    // 8 Nov (31–60), crossing on 2 Oct + 31 = 2 Nov. Invoice 4 issued 3 Nov.
    let records = [
        record(
            1,
            1,
            ("2026-09-25", "2026-10-25"),
            "100",
            &[("2026-11-05", "100")],
        ),
        record(2, 1, ("2026-08-31", "2026-09-30"), "200", &[]),
        record(3, 1, ("2026-09-02", "2026-10-02"), "50", &[]),
        record(4, 1, ("2026-11-03", "2026-12-03"), "80", &[]),
    ];
    let before = account(vec![
        open(1, "2026-10-25", "100"),
        open(2, "2026-09-30", "200"),
        open(3, "2026-10-02", "50"),
    ]);
    let mut after = account(vec![
        open(2, "2026-09-30", "200"),
        open(3, "2026-10-02", "50"),
        open(4, "2026-12-03", "80"),
    ]);
    after.invoices[2].issue_date = date("2026-11-03");
    let (b, a) = (
        evaluate_account(&before, &policy, since),
        evaluate_account(&after, &policy, as_of),
    );
    let buckets = Buckets::default();
    let between = Between {
        since,
        as_of,
        buckets: &buckets,
        locale: Locale::En,
    };
    let refs: Vec<&InvoiceRecord> = records.iter().collect();
    let found = changes(
        &refs,
        Some(Side {
            account: &before,
            assessed: &b,
        }),
        Side {
            account: &after,
            assessed: &a,
        },
        &between,
    );
    let dated: Vec<(Option<NaiveDate>, ChangeKind, Option<&str>)> = found
        .iter()
        .filter(|c| c.kind != ChangeKind::StageReached && c.kind != ChangeKind::MeasureStarted)
        .map(|c| (c.on, c.kind, c.invoice.as_deref()))
        .collect();
    assert_eq!(
        dated,
        vec![
            (
                Some(date("2026-11-02")),
                ChangeKind::OlderBucket,
                Some("INV-3")
            ),
            (
                Some(date("2026-11-03")),
                ChangeKind::InvoiceAdded,
                Some("INV-4")
            ),
            (Some(date("2026-11-05")), ChangeKind::Paid, Some("INV-1")),
        ]
    );
    let older = found
        .iter()
        .find(|c| c.kind == ChangeKind::OlderBucket)
        .map(|c| c.detail.as_str());
    assert_eq!(older, Some("1-30 → 31-60"));
    assert_eq!(
        found
            .iter()
            .find(|c| c.kind == ChangeKind::Paid)
            .map(|c| c.amount),
        Some(Some(Money::new(dec("100"), Currency::EUR)))
    );
    // Invoice 3 stood at 30 days (stop_supply at 30 was reached on 1 Nov
    // already); invoice 2 was past it too: no stage is new, except what the
    // engine says differs between the dates.
    for c in found.iter().filter(|c| c.kind == ChangeKind::StageReached) {
        assert_ne!(
            c.invoice.as_deref(),
            Some("INV-4"),
            "a current invoice has no stage"
        );
    }
}

#[test]
fn receipts_and_lateness_books_read_in_parts_are_those_of_the_whole() {
    let as_of = date("2026-11-02");
    let a = account(vec![
        open(1, "2026-11-04", "100"),
        open(2, "2026-11-12", "100"),
    ]);
    let assessed = evaluate_account(&a, &Policy::standard(), as_of);
    let f = forecast(&[(&a, &assessed)], &BTreeMap::new(), as_of);
    let records = [
        record(
            1,
            1,
            ("2026-10-05", "2026-11-04"),
            "100",
            &[("2026-11-12", "100")],
        ),
        record(
            2,
            1,
            ("2026-10-13", "2026-11-12"),
            "100",
            &[("2026-11-13", "60")],
        ),
        record(
            3,
            2,
            ("2026-09-01", "2026-10-01"),
            "80",
            &[("2026-10-21", "80")],
        ),
    ];
    let (mut whole, mut paid) = (Receipts::new(as_of), LatenessBook::default());
    for r in &records {
        whole.add(r);
        paid.add(r, date("2026-11-30"));
    }
    for split in 0..=records.len() {
        let (mut first, mut second) = (Receipts::new(as_of), Receipts::new(as_of));
        let (mut paid_first, mut paid_second) = (LatenessBook::default(), LatenessBook::default());
        for r in &records[..split] {
            first.add(r);
            paid_first.add(r, date("2026-11-30"));
        }
        for r in &records[split..] {
            second.add(r);
            paid_second.add(r, date("2026-11-30"));
        }
        first.absorb(second);
        paid_first.absorb(paid_second);
        assert_eq!(
            backtest_of(&f, &first.received(&f)),
            backtest_of(&f, &whole.received(&f)),
            "split {split}"
        );
        assert_eq!(paid_first.lateness(), paid.lateness(), "split {split}");
    }
    // Week 2 received 100 + 60; customer 1 paid invoice 1 eight days late,
    // customer 2 twenty days late.
    assert_eq!(
        backtest_of(&f, &whole.received(&f)).weeks[1].actual,
        dec("160")
    );
    assert_eq!(paid.lateness(), BTreeMap::from([(1, 8), (2, 20)]));
}
