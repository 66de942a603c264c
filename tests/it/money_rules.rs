//! Money on real ledgers: interest day by day on what was outstanding,
//! fixed fees in their own currency, a discount over several invoices paid
//! at once, and what settled an invoice.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::PathBuf;

use serde_json::Value;

use crate::common::{Ledger, LedgerBuilder};

/// Writes `[terms]` settings into the ledger's folder; returns the file.
fn terms(ledger: &Ledger, body: &str) -> PathBuf {
    let path = ledger.dir.path().join("terms.toml");
    std::fs::write(&path, format!("[terms]\n{body}")).unwrap();
    path
}

/// `dun --config CONFIG --as-of AS_OF ARGS`, which must succeed; stdout.
fn run(ledger: &Ledger, config: Option<&PathBuf>, as_of: &str, args: &[&str]) -> String {
    let mut cmd = ledger.dun_as_of(as_of);
    if let Some(config) = config {
        cmd.arg("--config").arg(config);
    }
    let out = cmd.args(args).output().unwrap();
    assert!(
        out.status.success(),
        "dun {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// The invoice `number` of `dun status CODE --format json`.
fn status_invoice(status: &Value, number: &str) -> Value {
    status["invoices"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["number"] == number)
        .unwrap_or_else(|| panic!("{number} in {status}"))
        .clone()
}

fn status_json(ledger: &Ledger, config: &PathBuf, as_of: &str, code: &str) -> Value {
    serde_json::from_str(&run(
        ledger,
        Some(config),
        as_of,
        &["status", code, "--format", "json"],
    ))
    .unwrap()
}

/// `dun invoice add NUMBER --customer ACME … --currency USD`.
fn usd_invoice(builder: LedgerBuilder, number: &str, amount: &str) -> LedgerBuilder {
    builder.call(&[
        "invoice",
        "add",
        number,
        "--customer",
        "ACME",
        "--issued",
        "2026-10-01",
        "--due",
        "2026-10-31",
        "--amount",
        amount,
        "--currency",
        "USD",
    ])
}

/// ACME on 2/10 terms with D-1 (200) and, when `both`, D-2 (300), and one
/// payment of `paid` on 15 Nov.
fn discounted(both: bool, paid: &str) -> Ledger {
    let mut builder = LedgerBuilder::new()
        .customer_with("ACME", "Acme Ltd", |c| c.discount("2/10"))
        .invoice("D-1", "ACME", "2026-11-10", "2026-12-10", "200.00");
    if both {
        builder = builder.invoice("D-2", "ACME", "2026-11-12", "2026-12-12", "300.00");
    }
    builder.payment("ACME", paid, "2026-11-15").build()
}

fn half_paid() -> Ledger {
    LedgerBuilder::new()
        .customer("ACME", "Acme Ltd")
        .invoice("I-1", "ACME", "2026-09-01", "2026-10-01", "10000.00")
        .payment_to("ACME", "5000.00", "2026-10-31", "I-1")
        .build()
}

#[test]
fn a_partial_payment_stops_interest_on_the_part_paid_from_its_date() {
    let ledger = half_paid();
    let config = terms(&ledger, "interest = \"simple\"\ninterest_rate = \"8\"\n");
    // 10,000 × 8% × 30/365 until 31 Oct, then 5,000 × 8% × 15/365:
    // 65.7534… + 16.4383… = 82.19, rounded once.
    let status = status_json(&ledger, &config, "2026-11-15", "ACME");
    let i1 = status_invoice(&status, "I-1");
    assert_eq!(i1["interest"], "82.19", "{i1}");
    assert_eq!(i1["amount_due"], "5082.19", "{i1}");
    // Before the payment, the whole amount earns interest.
    let status = status_json(&ledger, &config, "2026-10-31", "ACME");
    assert_eq!(
        status_invoice(&status, "I-1")["interest"],
        "65.75",
        "{status}"
    );
}

#[test]
fn the_fixed_compensation_is_charged_only_in_its_own_currency() {
    let builder = LedgerBuilder::new().customer("ACME", "Acme Ltd").invoice(
        "E-1",
        "ACME",
        "2026-09-01",
        "2026-10-31",
        "100.00",
    );
    let ledger = usd_invoice(builder, "U-1", "100.00").build();
    let config = terms(&ledger, "compensation = \"40\"\n");
    let status = status_json(&ledger, &config, "2026-11-22", "ACME");
    assert_eq!(status_invoice(&status, "E-1")["fees"], "40.00", "{status}");
    assert_eq!(
        status_invoice(&status, "U-1")["fees"],
        "0.00",
        "40 EUR is not 40 USD: {status}"
    );
    let check = run(&ledger, Some(&config), "2026-11-22", &["config", "check"]);
    assert!(
        check.contains("a fixed compensation of 40 EUR per late invoice in EUR"),
        "{check}"
    );

    let config = terms(&ledger, "compensation = \"40\"\nfees_currency = \"USD\"\n");
    let status = status_json(&ledger, &config, "2026-11-22", "ACME");
    assert_eq!(status_invoice(&status, "E-1")["fees"], "0.00", "{status}");
    assert_eq!(status_invoice(&status, "U-1")["fees"], "40.00", "{status}");
    let check = run(&ledger, Some(&config), "2026-11-22", &["config", "check"]);
    assert!(
        check.contains("a fixed compensation of 40 USD per late invoice in USD"),
        "{check}"
    );
}

#[test]
fn an_invoice_paid_late_keeps_the_interest_accrued_until_it_was_paid() {
    let ledger = LedgerBuilder::new()
        .customer("ACME", "Acme Ltd")
        .invoice("L-1", "ACME", "2026-09-01", "2026-10-01", "10000.00")
        .payment_to("ACME", "10000.00", "2026-10-31", "L-1")
        .build();
    let config = terms(
        &ledger,
        "interest = \"simple\"\ninterest_rate = \"8\"\ncompensation = \"40\"\n",
    );
    // 10,000 × 8% × 30/365 = 65.75, plus the compensation; no more after
    // the payment, however late the report.
    for as_of in ["2026-11-22", "2027-03-01"] {
        let shown = run(&ledger, Some(&config), as_of, &["invoice", "show", "L-1"]);
        assert!(
            shown.contains(
                "Late-payment charges until paid on 2026-10-31: interest 65.75 EUR, fees 40.00 EUR"
            ),
            "{shown}"
        );
        let status = run(&ledger, Some(&config), as_of, &["status", "ACME"]);
        assert!(
            status.contains("charges on invoices paid late 105.75 EUR (L-1)"),
            "{status}"
        );
    }
}

#[test]
fn one_payment_inside_the_windows_takes_the_discount_of_every_invoice_it_settles() {
    let ledger = discounted(true, "490.00");
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
    let ledger = discounted(true, "500.00");
    let customers = ledger.json(&["customer", "list"]);
    assert_eq!(customers[0]["open_balance"], "0.00", "{customers}");
    assert_eq!(customers[0]["unapplied_credit"], "0.00", "{customers}");
}

#[test]
fn invoice_show_lists_what_settled_it_adding_up_to_amount_less_open() {
    let ledger = LedgerBuilder::new()
        .customer("ROSSI", "Rossi S.r.l.")
        .invoice("R-0", "ROSSI", "2026-08-15", "2026-09-15", "300.00")
        .invoice("R-1", "ROSSI", "2026-09-01", "2026-10-01", "1000.00")
        .call(&[
            "payment",
            "add",
            "--customer",
            "ROSSI",
            "--amount",
            "700.00",
            "--date",
            "2026-10-10",
            "--reference",
            "BONIFICO 77",
        ])
        .call(&[
            "invoice",
            "add",
            "CN-1",
            "--customer",
            "ROSSI",
            "--issued",
            "2026-10-20",
            "--due",
            "2026-10-20",
            "--amount",
            "100.00",
            "--credit-note",
        ])
        .call(&["invoice", "write-off", "R-1", "--reason", "insolvent"])
        .build();
    let shown = ledger.ok(&["invoice", "show", "R-1"]);
    let lines: Vec<&str> = shown.lines().collect();
    let has = |parts: &[&str]| lines.iter().any(|l| parts.iter().all(|p| l.contains(p)));
    assert!(
        has(&[
            "2026-10-10",
            "payment",
            "400.00 EUR",
            "of 700.00 EUR",
            "BONIFICO 77"
        ]),
        "{shown}"
    );
    assert!(
        has(&["2026-10-20", "credit note CN-1", "100.00 EUR"]),
        "{shown}"
    );
    assert!(has(&["2026-11-22", "written off", "500.00 EUR"]), "{shown}");
    assert!(
        has(&["settled 1,000.00 EUR = amount 1,000.00 EUR - open 0.00 EUR"]),
        "{shown}"
    );
    // As of before the write-off, only what had settled it by then.
    let earlier = run(&ledger, None, "2026-11-01", &["invoice", "show", "R-1"]);
    assert!(!earlier.contains("written off"), "{earlier}");
    assert!(
        earlier.contains("settled 500.00 EUR = amount 1,000.00 EUR - open 500.00 EUR"),
        "{earlier}"
    );
}

#[test]
fn invoice_show_names_the_discount_and_what_an_import_found_settled() {
    let ledger = discounted(false, "196.00");
    let export = ledger.dir.path().join("export.csv");
    std::fs::write(
        &export,
        "number,customer,issue_date,due_date,amount,open balance\nX-1,ACME,2026-10-01,2026-10-31,1000.00,700.00\n",
    )
    .unwrap();
    run(
        &ledger,
        None,
        "2026-11-22",
        &["import", "invoices", export.to_str().unwrap()],
    );
    let shown = ledger.ok(&["invoice", "show", "D-1"]);
    assert!(shown.contains("196.00 EUR"), "{shown}");
    assert!(
        shown
            .lines()
            .any(|l| l.contains("discount") && l.contains("4.00 EUR")),
        "{shown}"
    );
    assert!(
        shown.contains("settled 200.00 EUR = amount 200.00 EUR - open 0.00 EUR"),
        "{shown}"
    );
    let shown = ledger.ok(&["invoice", "show", "X-1"]);
    assert!(
        shown
            .lines()
            .any(|l| l.contains("settled before import") && l.contains("300.00 EUR")),
        "{shown}"
    );
    assert!(
        shown.contains("settled 300.00 EUR = amount 1,000.00 EUR - open 700.00 EUR"),
        "{shown}"
    );
}

fn in_credit() -> Ledger {
    let builder = LedgerBuilder::new()
        .customer("ACME", "Acme Ltd")
        .invoice("A-1", "ACME", "2026-10-01", "2026-10-31", "100.00")
        .payment("ACME", "150.00", "2026-11-10");
    usd_invoice(builder, "U-1", "80.00").build()
}

#[test]
fn status_shows_unapplied_credit_and_the_net_balance() {
    let ledger = in_credit();
    let status = ledger.ok(&["status", "ACME"]);
    assert!(
        status.contains("open 0.00 EUR, credit on account 50.00 EUR, net balance -50.00 EUR"),
        "{status}"
    );
    assert!(status.contains("open 80.00 USD"), "{status}");
    let json = ledger.json(&["status", "ACME"]);
    let eur = json["balances"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["currency"] == "EUR")
        .cloned()
        .unwrap_or_else(|| panic!("{json}"));
    assert_eq!(eur["unapplied_credit"], "50.00", "{json}");
    assert_eq!(eur["net_balance"], "-50.00", "{json}");
}

#[test]
fn a_statement_shows_unapplied_credit_and_the_net_balance() {
    let ledger = in_credit();
    let statement = ledger.ok(&["statement", "ACME"]);
    let line = |label: &str| {
        statement
            .lines()
            .find(|l| l.starts_with(label))
            .unwrap_or_else(|| panic!("{label} in {statement}"))
            .to_string()
    };
    assert!(
        line("Credit on account").contains("50.00 EUR"),
        "{statement}"
    );
    let net = line("Net balance");
    assert!(
        net.contains("-50.00 EUR") && net.contains("80.00 USD"),
        "{statement}"
    );
}

#[test]
fn an_invoice_an_import_found_paid_is_not_charged_for_a_day_nobody_knows() {
    let ledger = Ledger::new();
    let config = terms(&ledger, "interest = \"simple\"\ninterest_rate = \"8\"\n");
    let export = ledger.dir.path().join("export.csv");
    let import = |open: &str, as_of: &str| {
        std::fs::write(
            &export,
            format!(
                "number,customer,issue_date,due_date,amount,open balance\nX-1,ACME,2026-09-01,2026-10-01,1000.00,{open}\n"
            ),
        )
        .unwrap();
        run(
            &ledger,
            Some(&config),
            as_of,
            &["import", "invoices", export.to_str().unwrap()],
        );
    };
    import("1000.00", "2026-10-15");
    import("0.00", "2026-11-20");
    let shown = run(
        &ledger,
        Some(&config),
        "2026-11-22",
        &["invoice", "show", "X-1"],
    );
    assert!(shown.contains("settled by import"), "{shown}");
    assert!(!shown.contains("Late-payment charges"), "{shown}");
    let status = run(&ledger, Some(&config), "2026-11-22", &["status", "ACME"]);
    assert!(!status.contains("paid late"), "{status}");
}
