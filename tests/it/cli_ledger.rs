//! The real binary on a real ledger file: customers, invoices, credit
//! notes, partial and over-payments, and the exact balances it reports.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use common::{Ledger, LedgerBuilder};
use serde_json::{Value, json};

/// ACME, with an email address, and ROSSI, Italian, with a credit limit.
fn customers() -> LedgerBuilder {
    LedgerBuilder::new()
        .customer_with("ACME", "Acme Supplies Ltd", |c| c.email("ap@acme.example"))
        .customer_with("ROSSI", "Rossi S.r.l.", |c| {
            c.language("it").credit_limit("100")
        })
}

fn setup() -> Ledger {
    customers().build()
}

fn invoice(ledger: &Ledger, number: &str, customer: &str, due: &str, amount: &str) {
    ledger.ok(&[
        "invoice",
        "add",
        number,
        "--customer",
        customer,
        "--issued",
        "2026-09-01",
        "--due",
        due,
        "--amount",
        amount,
    ]);
}

fn find<'a>(rows: &'a Value, key: &str, value: &str) -> &'a Value {
    rows.as_array()
        .expect("array")
        .iter()
        .find(|r| r[key] == value)
        .unwrap_or_else(|| panic!("no row with {key} = {value} in {rows}"))
}

#[test]
fn ten_cents_plus_twenty_cents_is_exactly_thirty() {
    let ledger = setup();
    invoice(&ledger, "A-1", "ACME", "2026-10-01", "0.10");
    invoice(&ledger, "A-2", "ACME", "2026-10-02", "0.20");
    let customers = ledger.json(&["customer", "list"]);
    assert_eq!(find(&customers, "code", "ACME")["open_balance"], "0.30");
    assert_eq!(find(&customers, "code", "ACME")["overdue_balance"], "0.30");
    ledger.ok(&[
        "payment",
        "add",
        "--customer",
        "ACME",
        "--amount",
        "0.30",
        "--date",
        "2026-11-01",
    ]);
    let invoices = ledger.json(&["invoice", "list"]);
    for number in ["A-1", "A-2"] {
        let row = find(&invoices, "number", number);
        assert_eq!(row["open_balance"], "0.00");
        assert_eq!(row["stage"], "paid");
    }
    let customers = ledger.json(&["customer", "list"]);
    assert_eq!(find(&customers, "code", "ACME")["open_balance"], "0.00");
}

#[test]
fn partial_payment_goes_to_the_named_invoice_then_oldest_due() {
    let ledger = setup();
    invoice(&ledger, "0001", "ACME", "2026-10-01", "1,000.00");
    invoice(&ledger, "0002", "ACME", "2026-11-15", "250.50");
    invoice(&ledger, "0003", "ACME", "2026-12-31", "99.99");
    let out = ledger.ok(&[
        "payment",
        "add",
        "--customer",
        "ACME",
        "--amount",
        "400",
        "--date",
        "2026-11-20",
        "--invoice",
        "0002",
    ]);
    assert!(out.contains("applied to 0002, 0001"), "{out}");
    let invoices = ledger.json(&["invoice", "list"]);
    assert_eq!(find(&invoices, "number", "0002")["open_balance"], "0.00");
    let first = find(&invoices, "number", "0001");
    assert_eq!(first["open_balance"], "850.50");
    assert_eq!(first["amount"], "1000.00");
    assert_eq!(first["days_overdue"], 52);
    assert_eq!(first["stage"], "stop_supply");
    assert_eq!(first["customer"], "ACME");
    assert_eq!(first["currency"], "EUR");
    assert_eq!(first["issue_date"], "2026-09-01");
    assert_eq!(first["due_date"], "2026-10-01");
    let third = find(&invoices, "number", "0003");
    assert_eq!(third["open_balance"], "99.99");
    assert_eq!(third["stage"], "current");
    assert_eq!(third["days_overdue"], -39);
    let acme = find(&ledger.json(&["customer", "list"]), "code", "ACME").clone();
    assert_eq!(acme["open_balance"], "950.49");
    assert_eq!(acme["overdue_balance"], "850.50");
}

#[test]
fn overpayment_stays_as_credit_until_an_invoice_uses_it() {
    let ledger = setup();
    invoice(&ledger, "R-1", "ROSSI", "2026-10-15", "50.00");
    let out = ledger.ok(&[
        "payment",
        "add",
        "--customer",
        "ROSSI",
        "--amount",
        "80",
        "--date",
        "2026-11-02",
    ]);
    assert!(out.contains("30.00 EUR left on account"), "{out}");
    let rossi = find(&ledger.json(&["customer", "list"]), "code", "ROSSI").clone();
    assert_eq!(rossi["open_balance"], "-30.00");
    assert_eq!(rossi["unapplied_credit"], "30.00");
    assert_eq!(rossi["overdue_balance"], "0.00");
    let payments = ledger.json(&["payment", "list"]);
    assert_eq!(payments[0]["unapplied"], "30.00");
    assert_eq!(payments[0]["invoices"], json!(["R-1"]));

    invoice(&ledger, "R-2", "ROSSI", "2026-12-15", "20.00");
    let invoices = ledger.json(&["invoice", "list", "--customer", "ROSSI"]);
    assert_eq!(find(&invoices, "number", "R-2")["open_balance"], "0.00");
    let rossi = find(&ledger.json(&["customer", "list"]), "code", "ROSSI").clone();
    assert_eq!(rossi["unapplied_credit"], "10.00");
    assert_eq!(rossi["open_balance"], "-10.00");
}

#[test]
fn credit_note_reduces_the_oldest_invoice_and_write_off_closes_one() {
    let ledger = setup();
    invoice(&ledger, "R-1", "ROSSI", "2026-10-15", "300.00");
    invoice(&ledger, "R-2", "ROSSI", "2026-11-15", "200.00");
    ledger.ok(&[
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
        "120",
        "--credit-note",
    ]);
    let invoices = ledger.json(&["invoice", "list"]);
    assert_eq!(find(&invoices, "number", "R-1")["open_balance"], "180.00");
    let note = find(&invoices, "number", "CN-1");
    assert_eq!(note["amount"], "-120.00");
    assert_eq!(note["open_balance"], "0.00");
    assert_eq!(note["kind"], "credit_note");
    let rossi = find(&ledger.json(&["customer", "list"]), "code", "ROSSI").clone();
    assert_eq!(rossi["open_balance"], "380.00");
    assert_eq!(
        rossi["measures"],
        json!(["stop_supply", "over_limit", "probation"])
    );

    let out = ledger.ok(&["invoice", "write-off", "R-1", "--reason", "insolvent"]);
    assert!(out.contains("180.00 EUR"), "{out}");
    let invoices = ledger.json(&["invoice", "list"]);
    let r1 = find(&invoices, "number", "R-1");
    assert_eq!(r1["stage"], "written_off");
    assert_eq!(r1["open_balance"], "0.00");
    let rossi = find(&ledger.json(&["customer", "list"]), "code", "ROSSI").clone();
    assert_eq!(rossi["open_balance"], "200.00");
}

#[test]
fn customers_in_several_currencies_are_never_summed() {
    let ledger = setup();
    invoice(&ledger, "E-1", "ACME", "2026-10-01", "100");
    ledger.ok(&[
        "invoice",
        "add",
        "U-1",
        "--customer",
        "ACME",
        "--issued",
        "2026-09-01",
        "--due",
        "2026-10-01",
        "--amount",
        "70",
        "--currency",
        "usd",
    ]);
    let rows: Vec<Value> = ledger
        .json(&["customer", "list"])
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["code"] == "ACME")
        .cloned()
        .collect();
    let by_currency: Vec<(String, String)> = rows
        .iter()
        .map(|r| {
            (
                r["currency"].as_str().unwrap().into(),
                r["open_balance"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert_eq!(
        by_currency,
        [
            ("EUR".into(), "100.00".into()),
            ("USD".into(), "70.00".into())
        ]
    );
    let aging = ledger.json(&["aging"]);
    let acme: Vec<&Value> = aging
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["customer"] == "ACME")
        .collect();
    assert_eq!(acme.len(), 2);
    assert_eq!(acme[0]["total"], "100.00");
    assert_eq!(acme[0]["d31_60"], "100.00");
    assert_eq!(acme[1]["currency"], "USD");
}

#[test]
fn european_locale_reads_and_writes_amounts_its_own_way() {
    let ledger = setup();
    let it = |args: &[&str]| {
        let out = ledger
            .dun()
            .env("DUN_LOCALE", "it")
            .args(args)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    it(&[
        "invoice",
        "add",
        "IT-1",
        "--customer",
        "ROSSI",
        "--issued",
        "2026-09-01",
        "--due",
        "2026-10-01",
        "--amount",
        "1.234,56",
    ]);
    let table = it(&["invoice", "list"]);
    assert!(table.contains("1.234,56"), "{table}");
    let json: Value = serde_json::from_str(&it(&["invoice", "list", "--format", "json"])).unwrap();
    assert_eq!(json[0]["amount"], "1234.56");
    let csv = it(&["invoice", "list", "--format", "csv"]);
    assert!(
        csv.lines()
            .next()
            .unwrap()
            .starts_with("number,customer,kind,issue_date,due_date,amount")
    );
    assert!(csv.contains(",1234.56,"), "{csv}");
}

#[test]
fn customer_edit_and_show() {
    let ledger = setup();
    ledger.ok(&[
        "customer",
        "edit",
        "ACME",
        "--phone",
        "+44 20 7946 0000",
        "--sales-rep",
        "Tom Baker",
        "--sales-rep-email",
        "tom@us.example",
        "--policy",
        "slow_payer",
        "--discount",
        "2/10",
        "--billing-contact",
        "Jane Smith",
    ]);
    let shown = ledger.json(&["customer", "show", "ACME"]);
    assert_eq!(shown["phone"], "+44 20 7946 0000");
    assert_eq!(shown["policy_profile"], "slow_payer");
    assert_eq!(shown["early_discount"]["days"], 10);
    let roles: Vec<&str> = shown["contacts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["role"].as_str().unwrap())
        .collect();
    assert_eq!(roles, ["billing", "sales_rep"]);
    ledger.ok(&["customer", "edit", "ACME", "--phone", ""]);
    assert_eq!(
        ledger.json(&["customer", "show", "ACME"])["phone"],
        Value::Null
    );
    let table = ledger.ok(&["customer", "show", "ACME"]);
    assert!(
        table.contains("Tom Baker") && table.contains("Acme Supplies Ltd"),
        "{table}"
    );
}

#[test]
fn hostile_names_are_refused_when_typed_and_escaped_when_stored() {
    let ledger = Ledger::new();
    let typed = ledger
        .dun()
        .args(["customer", "add", "EVIL", "--name", "Evil\u{1b}[2J Corp"])
        .output()
        .unwrap();
    assert_eq!(typed.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&typed.stderr).contains("control character U+001B"));

    // Data from an imported file can still hold anything: it is shown escaped.
    ledger.ok(&["customer", "add", "EVIL", "--name", "placeholder"]);
    let hostile = "Evil\u{1b}[2J\u{1b}]0;pwned\u{7} Corp";
    rusqlite::Connection::open(&ledger.db)
        .unwrap()
        .execute("UPDATE customer SET name = ?1", [hostile])
        .unwrap();
    for format in ["table", "csv", "json"] {
        let out = ledger.ok(&["customer", "list", "--format", format]);
        assert!(
            !out.contains('\u{1b}') && !out.contains('\u{7}'),
            "{format}: raw control characters in {out:?}"
        );
    }
    let table = ledger.ok(&["customer", "list"]);
    assert!(table.contains("Evil\\x1b[2J"), "{table}");
    let json = ledger.json(&["customer", "list"]);
    assert_eq!(json[0]["name"], hostile, "JSON keeps the data, escaped");
}

#[test]
fn early_payment_discount_is_honoured_only_within_its_window() {
    let ledger = LedgerBuilder::new()
        .customer_with("DISC", "Prompt Payer Ltd", |c| c.discount("2/10"))
        .invoice("D-1", "DISC", "2026-11-01", "2026-12-01", "500.00")
        .invoice("D-2", "DISC", "2026-11-01", "2026-12-01", "500.00")
        .build();
    // Within ten days of issue, 490.00 settles a 500.00 invoice.
    ledger.ok(&[
        "payment",
        "add",
        "--customer",
        "DISC",
        "--amount",
        "490",
        "--date",
        "2026-11-10",
        "--invoice",
        "D-1",
    ]);
    // Eleven days after issue the discount is gone.
    ledger.ok(&[
        "payment",
        "add",
        "--customer",
        "DISC",
        "--amount",
        "490",
        "--date",
        "2026-11-12",
        "--invoice",
        "D-2",
    ]);
    let invoices = ledger.json(&["invoice", "list"]);
    assert_eq!(find(&invoices, "number", "D-1")["open_balance"], "0.00");
    assert_eq!(find(&invoices, "number", "D-1")["stage"], "paid");
    assert_eq!(find(&invoices, "number", "D-2")["open_balance"], "10.00");
}

#[test]
fn balances_are_as_of_the_date_asked() {
    let ledger = customers()
        .invoice("H-1", "ACME", "2026-01-01", "2026-01-31", "100")
        .payment("ACME", "30", "2026-02-10")
        .payment("ACME", "70", "2026-06-30")
        .build();
    let at = |date: &str| -> Value {
        let out = common::bare_dun(ledger.dir.path())
            .arg("--db")
            .arg(&ledger.db)
            .args(["--as-of", date, "invoice", "list", "--format", "json"])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).unwrap()
    };
    let march = at("2026-03-15");
    assert_eq!(
        march[0]["open_balance"], "70.00",
        "the June payment had not arrived"
    );
    assert_eq!(march[0]["days_overdue"], 43);
    assert_eq!(march[0]["stage"], "stop_supply");
    let february = at("2026-02-05");
    assert_eq!(february[0]["open_balance"], "100.00");
    assert_eq!(at("2025-12-31"), json!([]), "not issued yet");
    let now = ledger.json(&["invoice", "list"]);
    assert_eq!(find(&now, "number", "H-1")["stage"], "paid");
}
