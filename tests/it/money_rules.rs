//! Money on real ledgers: interest day by day on what was outstanding,
//! fixed fees in their own currency, a discount over several invoices paid
//! at once, and what settled an invoice.

use crate::common::LedgerBuilder;

#[test]
fn one_payment_inside_the_windows_takes_the_discount_of_every_invoice_it_settles() {
    let ledger = LedgerBuilder::new()
        .customer_with("ACME", "Acme Ltd", |c| c.discount("2/10"))
        .invoice("D-1", "ACME", "2026-11-10", "2026-12-10", "200.00")
        .invoice("D-2", "ACME", "2026-11-12", "2026-12-12", "300.00")
        .payment("ACME", "490.00", "2026-11-15")
        .build();
    let invoices = ledger.json(&["invoice", "list"]);
    for number in ["D-1", "D-2"] {
        let row = invoices
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["number"] == number)
            .unwrap();
        assert_eq!(row["open_balance"], "0.00", "{invoices}");
        assert_eq!(row["stage"], "paid", "{invoices}");
    }
    let customers = ledger.json(&["customer", "list"]);
    assert_eq!(customers[0]["unapplied_credit"], "0.00", "{customers}");
}

#[test]
fn a_payment_of_the_full_amounts_takes_no_discount() {
    let ledger = LedgerBuilder::new()
        .customer_with("ACME", "Acme Ltd", |c| c.discount("2/10"))
        .invoice("D-1", "ACME", "2026-11-10", "2026-12-10", "200.00")
        .invoice("D-2", "ACME", "2026-11-12", "2026-12-12", "300.00")
        .payment("ACME", "500.00", "2026-11-15")
        .build();
    let customers = ledger.json(&["customer", "list"]);
    assert_eq!(customers[0]["open_balance"], "0.00", "{customers}");
    assert_eq!(customers[0]["unapplied_credit"], "0.00", "{customers}");
}
