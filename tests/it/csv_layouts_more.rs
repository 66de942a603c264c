//! More invoicing tools' exports, imported by the real binary without
//! `--profile`: Wave's journal of accounting transactions, and the local
//! tools of Italy, Spain, France and Romania.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common::Ledger;
use crate::csv_layouts::{doc, expect, fixture, import, imported};

#[test]
fn wave_receivable_lines_make_each_invoice_with_what_was_paid_against_it() {
    let (ledger, docs) = imported("wave-accounting-transactions.csv", "wave", &[]);
    expect(
        &docs,
        vec![
            // Debited 904.00 (800.00 of sales, 104.00 of tax), then paid in
            // full by an Invoice Payment line further down.
            (
                "101",
                doc("HARBOUR-LIGHTS-L", "EUR", "2026-11-01", "904.00", "0.00"),
            ),
            // Two income lines, one receivable debit of 1450.00; 450.00
            // paid three weeks later, on a line not next to it.
            (
                "102",
                doc("MOSAIC-STUDIO", "EUR", "2026-11-19", "1450.00", "1000.00"),
            ),
            (
                "103",
                doc("HARBOUR-LIGHTS-L", "EUR", "2026-12-05", "600.00", "600.00"),
            ),
        ],
    );
    // The bill and the bank lines are not receivables; the payment of
    // invoice 87, which the file does not carry, is left out and said so.
    let again = import(
        &ledger,
        &fixture("wave-accounting-transactions.csv"),
        &["--dry-run"],
    );
    assert_eq!(again["outcome"], "nothing_changed", "{again}");
    let detected = again["detected"].to_string();
    assert!(
        detected.contains("payments of 1 invoice(s) the file does not carry left out"),
        "{again}"
    );
}

#[test]
fn a_wave_payment_line_with_a_bad_amount_is_refused_on_its_line() {
    let ledger = Ledger::new();
    let original = std::fs::read_to_string(fixture("wave-accounting-transactions.csv")).unwrap();
    let changed = original.replacen(",,,450.00,Cash on Hand", ",,,45O.00,Cash on Hand", 1);
    assert_ne!(changed, original);
    let file = ledger.file("accounting.csv", changed);
    let output = ledger
        .dun()
        .args(["import", "invoices"])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        stderr.contains(
            ":14:9: column 'Credit Amount (Two Column Approach)': '45O.00': expected an amount like 1,234.56"
        ),
        "{stderr}"
    );
    assert!(ledger.dump().iter().all(|r| !r.starts_with("invoice:")));
}

#[test]
fn sage50_audit_headers_give_invoices_credit_notes_and_credit_on_account() {
    let (ledger, docs) = imported(
        "sage50-audit-header.csv",
        "sage50",
        &[("deleted flag 1", 1)],
    );
    let mut credit = doc("HARBOUR1", "EUR", "2026-10-22", "-60.00", "-60.00");
    credit.kind = "credit_note".into();
    expect(
        &docs,
        vec![
            // Due dates and times as Sage writes them; OUTSTANDING is what
            // stays open (the SR receipt is already in it, not counted
            // again); the deleted 10044 and the purchase invoice are out.
            (
                "10041",
                doc("HARBOUR1", "EUR", "2026-10-31", "1200.00", "1200.00"),
            ),
            (
                "10042",
                doc("MOSAIC01", "EUR", "2026-11-04", "600.00", "350.00"),
            ),
            (
                "10043",
                doc("MOSAIC01", "EUR", "2026-11-06", "300.00", "0.00"),
            ),
            ("CN-7", credit),
        ],
    );
    // The receipt on account (SA), written negative, is credit on account.
    let payments = ledger.json(&["payment", "list"]);
    let payments = payments.as_array().unwrap();
    assert_eq!(payments.len(), 1, "{payments:?}");
    assert_eq!(payments[0]["customer"], "HARBOUR1");
    assert_eq!(payments[0]["unapplied"], "400.00");
}
