//! The invoice exports of invoicing tools, imported by the real binary
//! without `--profile`: each layout is recognised from its header, its line
//! items make one invoice, drafts and voided ones are left out and counted,
//! paid ones are settled; every invoice lands with its number, customer,
//! currency, due date and open balance.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use std::collections::BTreeMap;
use std::path::PathBuf;

use common::Ledger;
use serde_json::Value;

pub fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/csv")
        .join(name)
}

/// A config giving invoices without a due date 30 days (FreshBooks and
/// Invoice2go export none).
fn config(ledger: &Ledger) -> PathBuf {
    let path = ledger.dir.path().join("config.toml");
    std::fs::write(&path, "[import]\npayment_terms_days = 30\n").unwrap();
    path
}

/// `dun import invoices FILE --format json [extra…]` with no profile named;
/// it must succeed.
pub fn import(ledger: &Ledger, file: &PathBuf, extra: &[&str]) -> Value {
    let config = config(ledger);
    ledger.run_json(
        ledger
            .dun()
            .arg("--config")
            .arg(&config)
            .args(["import", "invoices"])
            .arg(file)
            .args(["--format", "json"])
            .args(extra),
    )
}

/// One invoice as `invoice list` shows it.
#[derive(Debug, PartialEq, Eq)]
pub struct Doc {
    pub customer: String,
    pub currency: String,
    pub due: String,
    pub amount: String,
    pub open: String,
    pub kind: String,
}

pub fn doc(customer: &str, currency: &str, due: &str, amount: &str, open: &str) -> Doc {
    Doc {
        customer: customer.into(),
        currency: currency.into(),
        due: due.into(),
        amount: amount.into(),
        open: open.into(),
        kind: "invoice".into(),
    }
}

/// number → what the ledger holds.
pub fn ledger_docs(ledger: &Ledger) -> BTreeMap<String, Doc> {
    let list = ledger.json(&["invoice", "list"]);
    list.as_array()
        .unwrap()
        .iter()
        .map(|i| {
            let s = |k: &str| i[k].as_str().unwrap_or_default().to_string();
            (
                s("number"),
                Doc {
                    customer: s("customer"),
                    currency: s("currency"),
                    due: s("due_date"),
                    amount: s("amount"),
                    open: s("open_balance"),
                    kind: s("kind"),
                },
            )
        })
        .collect()
}

/// Imports `name` unprompted and checks the report: the layout recognised,
/// the documents left out by status; returns the ledger's invoices.
pub fn imported(
    name: &str,
    layout: &str,
    left_out: &[(&str, u64)],
) -> (Ledger, BTreeMap<String, Doc>) {
    let ledger = Ledger::new();
    let report = import(&ledger, &fixture(name), &[]);
    assert_eq!(report["outcome"], "imported", "{report}");
    assert_eq!(report["profile"], layout, "{report}");
    assert_eq!(report["recognised"]["layout"], layout, "{report}");
    assert_eq!(report["error_count"], 0, "{report}");
    let by_status: BTreeMap<String, u64> =
        left_out.iter().map(|(s, n)| (s.to_string(), *n)).collect();
    assert_eq!(
        report["left_out_by_status"],
        serde_json::to_value(&by_status).unwrap(),
        "{report}"
    );
    let docs = ledger_docs(&ledger);
    (ledger, docs)
}

pub fn expect(docs: &BTreeMap<String, Doc>, want: Vec<(&str, Doc)>) {
    let want: BTreeMap<String, Doc> = want.into_iter().map(|(n, d)| (n.into(), d)).collect();
    assert_eq!(*docs, want);
}

#[test]
fn freshbooks_lines_add_up_to_one_invoice_due_by_the_terms() {
    let (ledger, docs) = imported("freshbooks-invoices.csv", "freshbooks", &[("draft", 1)]);
    let again = import(&ledger, &fixture("freshbooks-invoices.csv"), &["--dry-run"]);
    assert_eq!(again["paid_part_unknown"], 1, "{again}");
    expect(
        &docs,
        vec![
            // 650.00 + 490.00 on two lines.
            (
                "0000041",
                doc(
                    "HARBOUR-LIGHTS-L",
                    "USD",
                    "2026-10-15",
                    "1140.00",
                    "1140.00",
                ),
            ),
            // Paid, and the file has no balance column: settled.
            (
                "0000042",
                doc("HARBOUR-LIGHTS-L", "USD", "2026-11-19", "300.00", "0.00"),
            ),
            // 120.00 (with its tax) + a line free of charge + 80.50.
            (
                "0000044",
                doc("MOSAIC-STUDIO", "EUR", "2026-10-31", "200.50", "200.50"),
            ),
            // Partly paid, but the export does not say how much: all open,
            // and counted in the summary.
            (
                "0000045",
                doc("MOSAIC-STUDIO", "EUR", "2026-11-09", "500.00", "500.00"),
            ),
        ],
    );
}

#[test]
fn zoho_keeps_the_balance_and_leaves_drafts_and_voids_out() {
    let (ledger, docs) = imported("zoho-invoices.csv", "zoho", &[("draft", 1), ("void", 1)]);
    let (highland, simpsons) = ("2520018000000073035", "2520018000000073048");
    expect(
        &docs,
        vec![
            (
                "INV-000101",
                doc(highland, "USD", "2026-11-30", "489.75", "489.75"),
            ),
            (
                "INV-000103",
                doc(simpsons, "EUR", "2026-10-31", "390.00", "150.00"),
            ),
            (
                "INV-000104",
                doc(simpsons, "EUR", "2026-11-04", "25.00", "0.00"),
            ),
            (
                "INV-000106",
                doc(highland, "USD", "2026-10-15", "1200.00", "1200.00"),
            ),
        ],
    );
    let aging = ledger.json(&["aging"]);
    let highland_row = aging
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["customer"] == highland)
        .unwrap();
    assert_eq!(highland_row["name"], "Highland Bakery");
    assert_eq!(highland_row["current"], "489.75");
    assert_eq!(highland_row["d31_60"], "1200.00");
}

#[test]
fn invoicely_reads_month_names_and_thousands() {
    let (_, docs) = imported("invoicely-invoices.csv", "invoicely", &[("draft", 1)]);
    expect(
        &docs,
        vec![
            (
                "INV-11",
                doc("BRUCE-WAYNE", "EUR", "2026-10-28", "1020.00", "1020.00"),
            ),
            (
                "INV-12",
                doc("WAYNE-FOUNDATION", "EUR", "2026-11-04", "450.00", "0.00"),
            ),
            (
                "INV-14",
                doc("SELINA-KYLE", "EUR", "2026-11-14", "2500.50", "2500.50"),
            ),
        ],
    );
}

#[test]
fn invoice2go_leaves_unsent_documents_out_and_keeps_what_is_due() {
    let (ledger, docs) = imported("invoice2go-invoices.csv", "invoice2go", &[("unsent", 1)]);
    expect(
        &docs,
        vec![
            (
                "101",
                doc("BARRY-GORDON", "USD", "2026-10-31", "953.55", "953.55"),
            ),
            (
                "103",
                doc("DEADPOOL-INC", "USD", "2026-11-09", "72.90", "0.00"),
            ),
            (
                "104",
                doc("DAILY-PLANET", "EUR", "2026-11-19", "367.20", "167.20"),
            ),
        ],
    );
    let barry = ledger.json(&["customer", "show", "BARRY-GORDON"]);
    assert_eq!(barry["email"], "barry@capitalcity.example", "{barry}");
}

#[test]
fn invoice_ninja_below_its_title_lines_with_partial_payments() {
    let (_, docs) = imported(
        "invoiceninja-invoices.csv",
        "invoiceninja",
        &[("cancelled", 1), ("draft", 1)],
    );
    expect(
        &docs,
        vec![
            (
                "0041",
                doc("KRAJCIK-DENTAL", "EUR", "2026-10-25", "1250.00", "750.00"),
            ),
            (
                "0042",
                doc("KRAJCIK-DENTAL", "EUR", "2026-11-01", "80.00", "0.00"),
            ),
            (
                "0044",
                doc("JASKOLSKI-SONS", "EUR", "2026-11-29", "300.00", "300.00"),
            ),
        ],
    );
}

#[test]
fn odoo_keeps_customer_documents_and_leaves_bills_drafts_and_cancelled_out() {
    let (_, docs) = imported(
        "odoo-account-move.csv",
        "odoo",
        &[("cancelled", 1), ("draft", 1)],
    );
    let mut credit = doc("AZURE-INTERIOR", "EUR", "2026-10-15", "-150.00", "-150.00");
    credit.kind = "credit_note".into();
    expect(
        &docs,
        vec![
            (
                "INV/2026/00012",
                doc("AZURE-INTERIOR", "EUR", "2026-10-30", "1150.00", "1150.00"),
            ),
            (
                "INV/2026/00013",
                doc("DECO-ADDICT", "EUR", "2026-11-09", "862.50", "0.00"),
            ),
            (
                "INV/2026/00014",
                doc("DECO-ADDICT", "EUR", "2026-12-04", "2000.00", "500.00"),
            ),
            ("RINV/2026/00003", credit),
        ],
    );
}

#[test]
fn smartbill_in_romanian_with_semicolons_and_decimal_commas() {
    let (_, docs) = imported(
        "smartbill-facturi.csv",
        "smartbill",
        &[("anulata", 1), ("ciorna", 1)],
    );
    expect(
        &docs,
        vec![
            (
                "SB 0101",
                doc(
                    "ALFA-CONSTRUCT-S",
                    "RON",
                    "2026-10-15",
                    "1190.00",
                    "1190.00",
                ),
            ),
            // Incasata (collected), no balance column: settled.
            (
                "SB 0102",
                doc("BETA-LOGISTIC-SR", "RON", "2026-10-31", "595.00", "0.00"),
            ),
            (
                "SB 0105",
                doc(
                    "TESATORIA-STEFAN",
                    "RON",
                    "2026-11-24",
                    "3570.00",
                    "3570.00",
                ),
            ),
        ],
    );
}

#[test]
fn a_xero_template_file_reads_as_xero_with_its_totals_repeated_on_each_line() {
    let (ledger, docs) = imported("xero-invoice-template.csv", "xero", &[]);
    expect(
        &docs,
        vec![
            (
                "10045",
                doc("FJORD-LOGISTICS", "NOK", "2026-11-01", "1562.50", "1562.50"),
            ),
            (
                "10046",
                doc("NORDLYS-DESIGN", "EUR", "2026-12-20", "800.00", "800.00"),
            ),
        ],
    );
    let fjord = ledger.json(&["customer", "show", "FJORD-LOGISTICS"]);
    assert_eq!(fjord["email"], "post@fjord.example", "{fjord}");
}

#[test]
fn erpnext_returns_are_credit_notes_and_drafts_and_cancelled_are_left_out() {
    let (_, docs) = imported(
        "erpnext-sales-invoice.csv",
        "erpnext",
        &[("cancelled", 1), ("draft", 1)],
    );
    let mut credit = doc("CUST-0007", "GBP", "2026-10-25", "-120.00", "-120.00");
    credit.kind = "credit_note".into();
    expect(
        &docs,
        vec![
            (
                "ACC-SINV-2026-00031",
                doc("CUST-0007", "GBP", "2026-10-20", "1440.00", "1440.00"),
            ),
            (
                "ACC-SINV-2026-00032",
                doc("CUST-0007", "GBP", "2026-11-11", "600.00", "250.00"),
            ),
            (
                "ACC-SINV-2026-00033",
                doc("CUST-0011", "GBP", "2026-11-14", "2160.00", "0.00"),
            ),
            (
                "ACC-SINV-2026-00035",
                doc("CUST-0007", "GBP", "2026-11-29", "720.00", "720.00"),
            ),
            ("ACC-SINV-RET-2026-00002", credit),
        ],
    );
}
