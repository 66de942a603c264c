//! Every amount a person reads is written in the locale with its currency,
//! a single day is "1 day", and a promise says what it promised: in
//! `status`, `why` and the agenda, in English and in Italian.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common::{Ledger, LedgerBuilder};

/// ROSSI owes 12,345.67 (due yesterday, 2026-11-21) against a credit
/// limit of 10,000, and promised on 2026-11-15 to pay 1,000 by 2026-11-18 that never came.
fn rossi() -> Ledger {
    let l = LedgerBuilder::new()
        .customer_with("ROSSI", "Rossi SpA", |c| c.credit_limit("10000"))
        .invoice("R-1", "ROSSI", "2025-10-01", "2026-11-21", "12345.67")
        .build();
    let out = l
        .dun_as_of("2026-11-15")
        .args([
            "promise",
            "ROSSI",
            "--date",
            "2026-11-18",
            "--amount",
            "1000",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    l
}

fn in_locale(l: &Ledger, locale: &str, args: &[&str]) -> String {
    let out = l
        .dun()
        .env("DUN_LOCALE", locale)
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn status_writes_amounts_in_the_locale_and_one_day_in_the_singular() {
    let l = rossi();
    let en = in_locale(&l, "en", &["status", "ROSSI"]);
    for expected in [
        "open 12,345.67 EUR exceeds the credit limit 10,000.00 EUR",
        "R-1 due 2026-11-21, 1 day overdue",
        "promise #1 of 1,000.00 EUR by 2026-11-18: broken on ",
        "promise   promised 1,000.00 EUR by 2026-11-18",
    ] {
        assert!(en.contains(expected), "{expected:?} in:\n{en}");
    }
    for wrong in ["12345.67", "10000.00", "1000.00", "1 days"] {
        assert!(!en.contains(wrong), "{wrong:?} in:\n{en}");
    }
    let it = in_locale(&l, "it", &["status", "ROSSI"]);
    for expected in [
        "open 12.345,67 EUR exceeds the credit limit 10.000,00 EUR",
        "promise #1 of 1.000,00 EUR by 2026-11-18",
        "promised 1.000,00 EUR by 2026-11-18",
    ] {
        assert!(it.contains(expected), "{expected:?} in:\n{it}");
    }
}

#[test]
fn the_agenda_and_why_word_a_broken_promise_with_its_amount_in_the_locale() {
    let l = rossi();
    let agenda = in_locale(&l, "it", &["agenda"]);
    assert!(
        agenda.contains("to pay 1.000,00 EUR by 2026-11-18"),
        "{agenda}"
    );
    let why = in_locale(&l, "en", &["why", "R-1"]);
    assert!(
        why.contains("promise #1 of 1,000.00 EUR by 2026-11-18"),
        "{why}"
    );
    assert!(!why.contains("1 days"), "{why}");
}
