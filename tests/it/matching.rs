//! Bank lines matched to invoices end to end: a statement pays invoices by
//! the creditor reference dun printed on a statement, by an invoice number,
//! by the payer's IBAN learned from an earlier statement, by the payer's
//! name and the exact amount of a set of invoices, and in part; one line
//! waits, and `dun payment allocate` settles it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common::{Ledger, LedgerBuilder};

use serde_json::Value;

/// The ledger every statement of these tests is matched against.
pub fn ledger() -> Ledger {
    LedgerBuilder::new()
        .customer("ACME", "Acme Trading Ltd")
        .customer("BETA", "Beta Foods SpA")
        .customer("GAMMA", "Gamma Works")
        .customer("DELTA", "Delta Srl")
        .customer("EPSI", "Epsilon Bau GmbH")
        .invoice("A-1", "ACME", "2026-09-01", "2026-10-01", "500.00")
        .invoice("A-2", "ACME", "2026-09-15", "2026-10-15", "300.00")
        .invoice("B-7", "BETA", "2026-09-10", "2026-10-10", "420.00")
        .invoice("G-1", "GAMMA", "2026-09-01", "2026-10-01", "80.00")
        .invoice("G-2", "GAMMA", "2026-09-20", "2026-10-20", "150.00")
        .invoice("D-1", "DELTA", "2026-08-01", "2026-09-01", "100.00")
        .invoice("D-2", "DELTA", "2026-08-15", "2026-09-15", "230.50")
        .invoice("D-3", "DELTA", "2026-09-01", "2026-10-01", "999.00")
        .invoice("E-1", "EPSI", "2026-09-01", "2026-10-01", "1000.00")
        .build()
}

/// The creditor reference of ACME's account, as its statement prints it.
pub fn acme_reference(ledger: &Ledger) -> String {
    let statement = ledger.ok(&["statement", "ACME"]);
    let at = statement
        .find("RF")
        .expect("the statement carries a reference");
    let reference: String = statement[at..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == ' ')
        .collect();
    reference.trim().to_string()
}

/// An earlier statement: GAMMA pays G-1 by its number from its IBAN.
pub fn teach_gamma_iban(ledger: &Ledger) {
    let earlier = ledger.dir.path().join("earlier.csv");
    std::fs::write(
        &earlier,
        "Date,Amount,Currency,Payer,IBAN,Reference\n\
         2026-11-02,80.00,EUR,GAMMA WORKS GMBH,DE89 3704 0044 0532 0130 00,Invoice G-1\n",
    )
    .unwrap();
    let report = ledger.json(&["import", "payments", earlier.to_str().unwrap()]);
    assert_eq!(report["matched"], 1, "{report}");
}

fn open_of(ledger: &Ledger, number: &str) -> String {
    let list = ledger.json(&["invoice", "list"]);
    list.as_array()
        .unwrap()
        .iter()
        .find(|i| i["number"] == number)
        .map(|i| i["open_balance"].as_str().unwrap().to_string())
        .unwrap()
}

/// The rule, invoices and why of the matched line of this amount.
fn rule_of<'a>(report: &'a Value, amount: &str) -> (&'a str, Vec<&'a str>, &'a str) {
    let m = report["matches"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["amount"] == amount)
        .unwrap_or_else(|| panic!("{amount} not matched: {report}"));
    let invoices = m["invoices"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    (
        m["rule"].as_str().unwrap(),
        invoices,
        m["why"].as_str().unwrap(),
    )
}

/// Checks the import of a statement holding the six lines of these tests
/// (each amount is a different line's) and the ledger after it.
pub fn assert_matched(ledger: &Ledger, report: &Value) {
    assert_eq!(report["outcome"], "imported", "{report}");
    assert_eq!(report["matched"], 5, "{report}");
    let (rule, invoices, why) = rule_of(report, "300.00");
    assert_eq!(
        (rule, invoices),
        ("creditor_reference", vec!["A-2"]),
        "{why}"
    );
    assert!(why.contains("RF"), "{why}");
    let (rule, invoices, _) = rule_of(report, "420.00");
    assert_eq!((rule, invoices), ("invoice_number", vec!["B-7"]));
    let (rule, invoices, _) = rule_of(report, "150.00");
    assert_eq!((rule, invoices), ("payer_iban", vec!["G-2"]));
    let (rule, invoices, _) = rule_of(report, "330.50");
    assert_eq!((rule, invoices), ("name_and_amount", vec!["D-1", "D-2"]));
    let (rule, invoices, _) = rule_of(report, "400.00");
    assert_eq!((rule, invoices), ("partial_payment", vec!["E-1"]));
    // The reference paid A-2 although A-1 is older; the set paid D-1 and
    // D-2 exactly and left D-3 alone.
    for (number, open) in [
        ("A-1", "500.00"),
        ("A-2", "0.00"),
        ("B-7", "0.00"),
        ("G-2", "0.00"),
        ("D-1", "0.00"),
        ("D-2", "0.00"),
        ("D-3", "999.00"),
        ("E-1", "600.00"),
    ] {
        assert_eq!(open_of(ledger, number), open, "{number}");
    }
    let waiting = report["waiting"].as_array().unwrap();
    assert_eq!(waiting.len(), 1, "{report}");
    assert_eq!(waiting[0]["amount"], "99.99");
    assert!(
        waiting[0]["why"].as_str().unwrap().contains("no customer"),
        "{}",
        waiting[0]
    );
}

#[test]
fn a_bank_statement_pays_by_reference_number_iban_and_name_and_one_line_waits() {
    let ledger = ledger();
    teach_gamma_iban(&ledger);
    let reference = acme_reference(&ledger);
    let statement = ledger.dir.path().join("statement.csv");
    std::fs::write(
        &statement,
        format!(
            "Date,Amount,Currency,Payer,IBAN,Reference\n\
             2026-11-20,300.00,EUR,ACME TRADING,GB29 NWBK 6016 1331 9268 19,Payment {reference}\n\
             2026-11-20,420.00,EUR,Beta Foods,,Saldo fattura B-7\n\
             2026-11-20,150.00,EUR,G. WORKS,de89370400440532013000,October\n\
             2026-11-20,330.50,EUR,Delta Srl,,Pagamento fatture agosto\n\
             2026-11-20,400.00,EUR,Epsilon Bau,,E-1 Anzahlung\n\
             2026-11-21,99.99,EUR,Unknown Person,,thanks\n"
        ),
    )
    .unwrap();
    let report = ledger.json(&["import", "payments", statement.to_str().unwrap()]);
    assert_matched(&ledger, &report);
    // The same statement again adds nothing.
    let again = ledger.json(&["import", "payments", statement.to_str().unwrap()]);
    assert_eq!(again["outcome"], "nothing_changed", "{again}");

    // The bookkeeper gives the waiting line to ACME; it pays A-1 and the
    // IBAN it came from is learned no more than the line carried.
    let list = ledger.json(&["payment", "allocate"]);
    assert_eq!(list.as_array().unwrap().len(), 1, "{list}");
    assert!(
        list[0]["why"].as_str().unwrap().contains("no customer"),
        "{list}"
    );
    let id = list[0]["id"].to_string();
    ledger.ok(&["payment", "allocate", &id, "--customer", "ACME"]);
    assert_eq!(open_of(&ledger, "A-1"), "400.01");
    assert!(
        ledger
            .json(&["payment", "allocate"])
            .as_array()
            .unwrap()
            .is_empty()
    );
}

#[test]
fn an_iban_seen_for_two_customers_teaches_nothing_and_a_set_is_paid_by_name_and_amount() {
    let ledger = ledger();
    teach_gamma_iban(&ledger);
    let statement = ledger.dir.path().join("statement.csv");
    // An IBAN used for GAMMA now pays for BETA by number, so it names
    // nobody; ACME's 800 is both its invoices, and then 100 fits none.
    std::fs::write(
        &statement,
        "Date,Amount,Currency,Payer,IBAN,Reference\n\
         2026-11-20,420.00,EUR,Beta Foods,DE89370400440532013000,B-7\n\
         2026-11-20,150.00,EUR,Someone,DE89370400440532013000,\n\
         2026-11-20,800.00,EUR,Acme Trading Ltd,,\n\
         2026-11-20,100.00,EUR,Acme Trading Ltd,,\n",
    )
    .unwrap();
    let report = ledger.json(&["import", "payments", statement.to_str().unwrap()]);
    assert_eq!(report["matched"], 2, "{report}");
    let (rule, invoices, _) = rule_of(&report, "800.00");
    assert_eq!((rule, invoices), ("name_and_amount", vec!["A-1", "A-2"]));
    let waiting = report["waiting"].as_array().unwrap();
    assert_eq!(waiting.len(), 2, "{report}");
    let why = |line: u64| {
        waiting
            .iter()
            .find(|w| w["line"] == line)
            .map(|w| w["why"].as_str().unwrap().to_string())
            .unwrap()
    };
    assert!(why(3).contains("more than one customer"), "{}", why(3));
    assert!(why(5).contains("adds up"), "{}", why(5));
    assert_eq!(open_of(&ledger, "G-2"), "150.00", "never guessed");
}

#[test]
fn a_waiting_line_lists_its_best_candidates_and_is_allocated_across_invoices() {
    let ledger = ledger();
    let statement = ledger.dir.path().join("statement.csv");
    // The bank shortens the payer's name: no customer is named so, but
    // ACME's name is alike and 800.00 is both its open invoices.
    std::fs::write(
        &statement,
        "Date,Amount,Currency,Payer,Reference\n\
         2026-11-20,800.00,EUR,ACME TRADING,November\n",
    )
    .unwrap();
    let report = ledger.json(&["import", "payments", statement.to_str().unwrap()]);
    assert_eq!(report["matched"], 0, "{report}");
    let list = ledger.json(&["payment", "allocate"]);
    let candidates = list[0]["candidates"].as_array().unwrap();
    let best = candidates[0].as_str().unwrap();
    assert!(best.starts_with("ACME A-1, A-2 (50: "), "{list}");
    assert!(best.contains("100% like Acme Trading Ltd"), "{best}");
    assert!(best.contains("open balances of A-1, A-2"), "{best}");
    let table = ledger.ok(&["payment", "allocate"]);
    assert!(table.contains("ACME A-1, A-2"), "{table}");

    let id = list[0]["id"].to_string();
    let done = ledger.ok(&[
        "payment",
        "allocate",
        &id,
        "--invoice",
        "A-2",
        "--invoice",
        "A-1",
    ]);
    assert!(done.contains("A-1") && done.contains("A-2"), "{done}");
    assert_eq!(open_of(&ledger, "A-1"), "0.00");
    assert_eq!(open_of(&ledger, "A-2"), "0.00");
    // Allocated once only.
    let again = ledger
        .dun()
        .args(["payment", "allocate", &id, "--customer", "ACME"])
        .output()
        .unwrap();
    assert!(!again.status.success());
}

/// The invoices each waiting line is offered for its exact amount, by the
/// line's counterparty.
fn offered(list: &Value) -> std::collections::BTreeMap<String, String> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["counterparty"].as_str().unwrap().to_string(),
                l["candidates"].to_string(),
            )
        })
        .collect()
}

#[test]
fn many_waiting_lines_are_offered_the_invoices_of_their_amount_as_one_line_is() {
    // Unknown payers, no reference: what a line is offered comes from its
    // amount alone. 150.00 is G-2's balance, 230.50 D-2's, 77.00 nobody's.
    let amounts = ["150.00", "230.50", "77.00"];
    let rows: String = (0..30)
        .map(|i| format!("2026-11-20,{},EUR,PAYER {i:02},Ref {i}\n", amounts[i % 3]))
        .collect();
    let many = ledger();
    let statement = many.dir.path().join("many.csv");
    std::fs::write(
        &statement,
        format!("Date,Amount,Currency,Payer,Reference\n{rows}"),
    )
    .unwrap();
    let report = many.json(&["import", "payments", statement.to_str().unwrap()]);
    assert_eq!(report["matched"], 0, "{report}");
    let listed = offered(&many.json(&["payment", "allocate"]));
    assert_eq!(listed.len(), 30);
    assert!(listed["PAYER 00"].contains("GAMMA G-2"), "{listed:?}");
    assert!(listed["PAYER 01"].contains("DELTA D-2"), "{listed:?}");
    assert!(!listed["PAYER 02"].contains("G-2"), "{listed:?}");
    // Each line alone (listed with fewer lines, looked up one at a time) is
    // offered the same.
    for (i, amount) in amounts.iter().enumerate() {
        let one = ledger();
        let file = one.dir.path().join("one.csv");
        std::fs::write(
            &file,
            format!("Date,Amount,Currency,Payer,Reference\n2026-11-20,{amount},EUR,PAYER {i:02},Ref {i}\n"),
        )
        .unwrap();
        one.json(&["import", "payments", file.to_str().unwrap()]);
        let alone = offered(&one.json(&["payment", "allocate"]));
        let payer = format!("PAYER {i:02}");
        assert_eq!(alone[&payer], listed[&payer], "{payer}");
    }
}
