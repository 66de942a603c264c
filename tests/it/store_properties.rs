//! Property tests over random ledgers written through the real store to a
//! real SQLite file: money is conserved per currency, no allocation ever
//! makes a balance negative, and the ledger read as of a past date from
//! what changed since gives the accounts rebuilt from every dated row.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;

use chrono::{Days, NaiveDate};
use dun::ops::{self, AddInvoice, Context, CustomerRef, RecordPayment};
use dun::store::{Customers, InvoiceFilter, Scan, Store, stretch};
use dun_core::ledger::{Customer, DocumentKind};
use dun_core::money::{Currency, Locale};
use proptest::prelude::*;
use rust_decimal::Decimal;

#[derive(Debug, Clone)]
enum Op {
    /// An invoice, or a credit note when `credit`.
    Document {
        customer: usize,
        usd: bool,
        day: u32,
        terms: u32,
        cents: i64,
        credit: bool,
    },
    Payment {
        customer: usize,
        usd: bool,
        day: u32,
        cents: i64,
        named: Option<usize>,
    },
    /// What is left of an invoice written off on a day.
    WriteOff { named: usize, day: u32 },
    /// A follow-up, for the whole account or one invoice named.
    FollowUp {
        customer: usize,
        call: bool,
        day: u32,
        named: Option<usize>,
        next: Option<u32>,
    },
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (0..2usize, any::<bool>(), 0..200u32, 0..60u32, 1..500_000i64)
            .prop_map(|(customer, usd, day, terms, cents)| Op::Document { customer, usd, day, terms, cents, credit: false }),
        1 => (0..2usize, any::<bool>(), 0..200u32, 1..100_000i64)
            .prop_map(|(customer, usd, day, cents)| Op::Document { customer, usd, day, terms: 0, cents, credit: true }),
        3 => (0..2usize, any::<bool>(), 0..200u32, 1..800_000i64, prop::option::of(0..30usize))
            .prop_map(|(customer, usd, day, cents, named)| Op::Payment { customer, usd, day, cents, named }),
        1 => (0..30usize, 0..230u32).prop_map(|(named, day)| Op::WriteOff { named, day }),
        2 => (0..2usize, any::<bool>(), 0..200u32, prop::option::of(0..30usize), prop::option::of(0..20u32))
            .prop_map(|(customer, call, day, named, next)| Op::FollowUp { customer, call, day, named, next }),
    ]
}

fn day(n: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 1, 1).unwrap() + Days::new(u64::from(n))
}

fn customer(code: &str) -> Customer {
    Customer {
        id: 0,
        code: code.into(),
        name: code.into(),
        email: None,
        phone: None,
        language: Locale::En,
        contacts: vec![],
        payment_terms_days: None,
        early_discount: None,
        credit_limit: None,
        policy_profile: None,
        notes: None,
        created_on: day(0),
    }
}

/// Per currency: (invoiced, credited or written off, paid) as recorded by
/// the test.
type Totals = BTreeMap<Currency, (Decimal, Decimal, Decimal)>;

/// Every write goes through the write path, as the program's do.
fn apply(store: &mut Store, steps: &[Op]) -> Totals {
    let ctx = Context::standard(NaiveDate::from_ymd_opt(2999, 1, 1).unwrap());
    let codes = ["A", "B"];
    for code in codes {
        ops::add_customer(store, &customer(code)).unwrap();
    }
    let mut numbers: Vec<(String, usize, Currency)> = Vec::new();
    let mut totals = Totals::new();
    for (n, op) in steps.iter().enumerate() {
        let currency = |usd: bool| if usd { Currency::USD } else { Currency::EUR };
        match *op {
            Op::Document {
                customer,
                usd,
                day: d,
                terms,
                cents,
                credit,
            } => {
                let amount = Decimal::new(cents, 2);
                let number = format!("D{n:03}");
                ops::add_invoice(
                    store,
                    &ctx,
                    &AddInvoice {
                        number: number.clone(),
                        customer: codes[customer].into(),
                        issued: day(d),
                        due: day(d + terms),
                        amount: amount.to_string(),
                        currency: currency(usd).to_string(),
                        credit_note: credit,
                    },
                )
                .unwrap();
                let entry = totals.entry(currency(usd)).or_default();
                if credit {
                    entry.1 += amount;
                } else {
                    entry.0 += amount;
                    numbers.push((number, customer, currency(usd)));
                }
            }
            Op::Payment {
                customer,
                usd,
                day: d,
                cents,
                named,
            } => {
                let amount = Decimal::new(cents, 2);
                // Name an invoice only when it is this customer's, in this currency.
                let invoice = named
                    .and_then(|i| numbers.get(i))
                    .filter(|(_, c, cur)| *c == customer && *cur == currency(usd))
                    .map(|(number, _, _)| number.clone());
                ops::record_payment(
                    store,
                    &ctx,
                    &RecordPayment {
                        customer: CustomerRef::Code(codes[customer].into()),
                        amount: amount.to_string(),
                        currency: currency(usd).to_string(),
                        paid_on: day(d),
                        invoice,
                        reference: String::new(),
                        method: String::new(),
                    },
                )
                .unwrap();
                totals.entry(currency(usd)).or_default().2 += amount;
            }
            Op::WriteOff { named, day: d } => {
                // An invoice with nothing left to write off is refused:
                // nothing written, as for a bookkeeper.
                if let Some((number, _, _)) = numbers.get(named) {
                    let req = ops::WriteOff {
                        invoice: number.clone(),
                        reason: String::new(),
                    };
                    match ops::write_off(store, &Context::standard(day(d)), &req) {
                        Ok((_, money)) => {
                            totals.entry(money.currency).or_default().1 += money.amount;
                        }
                        Err(ops::OpError::Refused(_))
                        | Err(ops::OpError::Store(dun::store::StoreError::Refused(_))) => {}
                        Err(other) => panic!("write-off of {number}: {other}"),
                    }
                }
            }
            Op::FollowUp {
                customer,
                call,
                day: d,
                named,
                next,
            } => {
                let invoices = named
                    .and_then(|i| numbers.get(i))
                    .filter(|(_, c, _)| *c == customer)
                    .map(|(number, _, _)| ops::InvoiceRef::Number(number.clone()));
                ops::log_follow_up(
                    store,
                    &ctx,
                    &ops::LogFollowUp {
                        customer: CustomerRef::Code(codes[customer].into()),
                        kind: if call { "call" } else { "email" }.into(),
                        stage: ops::StageChoice::Due,
                        invoices: invoices.into_iter().collect(),
                        occurred_on: Some(day(d)),
                        outcome: String::new(),
                        note: String::new(),
                        next_on: next.map(|n| day(d + n)),
                        promise: None,
                    },
                )
                .unwrap();
            }
        }
    }
    totals
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, .. ProptestConfig::default() })]

    #[test]
    fn money_is_conserved_per_currency_and_never_negative(ops in prop::collection::vec(op(), 1..30)) {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("p.db")).unwrap();
        let totals = apply(&mut store, &ops);

        let documents = store.invoices(&InvoiceFilter::default(), NaiveDate::from_ymd_opt(2999, 1, 1).unwrap()).unwrap();
        let unapplied = store.unapplied_payments(NaiveDate::from_ymd_opt(2999, 1, 1).unwrap()).unwrap();
        for (currency, (invoiced, credited, paid)) in &totals {
            let open: Decimal = documents.iter()
                .filter(|d| d.currency == *currency && d.kind == DocumentKind::Invoice)
                .map(|d| d.open).sum();
            let note_credit: Decimal = documents.iter()
                .filter(|d| d.currency == *currency && d.kind == DocumentKind::CreditNote)
                .map(|d| d.open).sum();
            let payment_credit: Decimal = unapplied.iter()
                .filter(|(_, c, _)| c == currency)
                .map(|(_, _, a)| *a).sum();
            // invoices − credit notes − payments = open balances − unapplied credit
            prop_assert_eq!(*invoiced - *credited - *paid, open - (note_credit + payment_credit));
        }
        for d in &documents {
            prop_assert!(d.open >= Decimal::ZERO && d.open <= d.amount, "{:?}", d);
        }
        prop_assert!(unapplied.iter().all(|(_, _, a)| *a >= Decimal::ZERO));
        // Credit is never left unapplied beside an open invoice of the same
        // customer and currency.
        for (customer, currency, amount) in &unapplied {
            let owed = documents.iter().any(|d| d.customer_id == *customer && d.currency == *currency
                && d.kind == DocumentKind::Invoice && !d.open.is_zero());
            prop_assert!(!owed || amount.is_zero(), "credit {} beside an open invoice", amount);
        }
        // Every stored open balance agrees with its allocations.
        let conn = rusqlite::Connection::open(dir.path().join("p.db")).unwrap();
        let disagreements: i64 = conn.query_row(
            "SELECT COUNT(*) FROM invoice i WHERE i.kind = 'invoice' AND i.open_minor + i.written_off_minor + i.discount_minor
               + COALESCE((SELECT SUM(amount_minor) FROM allocation a WHERE a.invoice_id = i.id), 0) != i.amount_minor",
            [], |r| r.get(0)).unwrap();
        prop_assert_eq!(disagreements, 0);
        let notes: i64 = conn.query_row(
            "SELECT COUNT(*) FROM invoice i WHERE i.kind = 'credit_note' AND i.open_minor
               + COALESCE((SELECT SUM(amount_minor) FROM allocation a WHERE a.credit_note_id = i.id), 0) != i.amount_minor",
            [], |r| r.get(0)).unwrap();
        prop_assert_eq!(notes, 0);
        let payments: i64 = conn.query_row(
            "SELECT COUNT(*) FROM payment p WHERE p.unapplied_minor
               + COALESCE((SELECT SUM(amount_minor) FROM allocation a WHERE a.payment_id = p.id), 0) != p.amount_minor",
            [], |r| r.get(0)).unwrap();
        prop_assert_eq!(payments, 0);
    }

    #[test]
    fn a_past_date_read_from_what_changed_since_is_the_ledger_rebuilt(
        ops in prop::collection::vec(op(), 1..30),
        days in prop::collection::vec(0..230u32, 1..6),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("p.db")).unwrap();
        apply(&mut store, &ops);
        for d in days {
            let on = day(d);
            let later = store.later(on).unwrap();
            // Every document and payment rebuilt from its dated rows.
            let rebuilt = store.accounts_between(on, Customers::ALL, None).unwrap();
            let read = store.accounts_then(&later, Customers::ALL, None).unwrap();
            prop_assert_eq!(&read, &rebuilt, "as of {}", on);
            // Beside the accounts of a later date, the untouched invoices
            // taken from them.
            for to in [on, day(d + 20), day(300)] {
                let recorded = store.accounts_between(to, Customers::ALL, None).unwrap();
                let beside = store.accounts_beside(&later, Customers::ALL, &recorded, None).unwrap();
                prop_assert_eq!(&beside, &rebuilt, "as of {} beside {}", on, to);
            }
            let one = Customers(rebuilt[0].customer_id, rebuilt[0].customer_id);
            prop_assert_eq!(
                store.accounts_then(&later, one, None).unwrap(),
                store.accounts_between(on, one, None).unwrap()
            );
        }
    }

    /// The follow-up log read once for the whole ledger, in two parts on
    /// two connections, gives every span the entries its own read gives,
    /// in the same order, invoices and follow-up dates included.
    #[test]
    fn the_whole_ledgers_log_gives_each_span_what_its_own_read_gives(
        ops in prop::collection::vec(op(), 1..40),
        days in prop::collection::vec(0..120u32, 1..5),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("p.db")).unwrap();
        apply(&mut store, &ops);
        let mut readers = vec![store.reader().unwrap()];
        // Entries logged after the log's last day sit between those it
        // holds, with their invoices.
        let log = store.ledger_log(&mut readers, day(120)).unwrap();
        for d in days {
            let on = day(d);
            let own = store.accounts_between(on, Customers::ALL, None).unwrap();
            let shared = store.accounts_between(on, Customers::ALL, Some(&log)).unwrap();
            prop_assert_eq!(&shared, &own, "as of {}", on);
            let later = store.later(on).unwrap();
            let then = store.accounts_then(&later, Customers::ALL, Some(&log)).unwrap();
            prop_assert_eq!(&then, &own, "as of {} from what changed", on);
            for account in &own {
                let one = Customers(account.customer_id, account.customer_id);
                prop_assert_eq!(
                    store.accounts_between(on, one, Some(&log)).unwrap(),
                    store.accounts_between(on, one, None).unwrap()
                );
            }
        }
    }

    /// The whole ledger's invoice records, what settled them read in
    /// shares on one to four connections and the invoices in spans of ids,
    /// are the records read customer by customer: the same settlements in
    /// the same order (payments met out of date order, write-offs), the
    /// number aside. And a record read as of a later day, less what settled
    /// it after, is the record of the earlier.
    #[test]
    fn the_ledger_scanned_in_shares_and_spans_gives_every_invoices_record(
        ops in prop::collection::vec(op(), 1..40),
        days in prop::collection::vec(0..240u32, 1..4),
        readers in 0..4usize,
        spans in 1..6usize,
    ) {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("p.db")).unwrap();
        apply(&mut store, &ops);
        let mut others: Vec<Store> = (0..readers).map(|_| store.reader().unwrap()).collect();
        let last = store.last_invoice_id().unwrap();
        for d in days {
            let on = day(d);
            let settled = store.settled(&mut others, on).unwrap();
            let mut scanned = Vec::new();
            for n in 0..spans {
                let (from, to) = stretch(n, spans, last);
                store
                    .scan_invoice_records(on, Scan::ALL.part(from, to), &settled, |r| scanned.push(r.clone()))
                    .unwrap();
            }
            let mut read = store.invoice_records(on, None).unwrap();
            read.sort_by_key(|r| r.id);
            for r in &mut read {
                r.number.clear();
            }
            prop_assert_eq!(&scanned, &read, "as of {}", on);
            // Read as of a later day, each invoice as it stood then is its
            // record as of that day.
            let after: Vec<_> = store
                .invoice_records(day(d + 45), None)
                .unwrap()
                .iter()
                .filter_map(|r| r.then(on))
                .collect();
            prop_assert_eq!(after, store.invoice_records(on, None).unwrap(), "as of {} from later", on);
        }
    }
}
