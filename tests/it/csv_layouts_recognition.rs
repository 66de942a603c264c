//! Recognising a layout from the header: every fixture of a known tool as
//! its own layout and no other, a tidy header of no tool as generic,
//! `--profile` still forcing one; the summary says which layout and why;
//! statuses a layout does not know and line items that disagree refused.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;
use crate::csv_layouts::{fixture, import};

use std::path::PathBuf;

use common::Ledger;

fn import_fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/import")
        .join(name)
}

#[test]
fn every_fixture_is_recognised_as_its_own_layout_and_a_tidy_header_as_generic() {
    let cases = [
        (fixture("freshbooks-invoices.csv"), "freshbooks"),
        (fixture("zoho-invoices.csv"), "zoho"),
        (fixture("invoicely-invoices.csv"), "invoicely"),
        (fixture("invoice2go-invoices.csv"), "invoice2go"),
        (fixture("invoiceninja-invoices.csv"), "invoiceninja"),
        (fixture("odoo-account-move.csv"), "odoo"),
        (fixture("smartbill-facturi.csv"), "smartbill"),
        (fixture("erpnext-sales-invoice.csv"), "erpnext"),
        (fixture("xero-invoice-template.csv"), "xero"),
        (import_fixture("xero-SalesInvoices.csv"), "xero"),
        (
            import_fixture("quickbooks-ar-aging-detail.csv"),
            "quickbooks",
        ),
        (import_fixture("quickbooks-open-invoices.csv"), "quickbooks"),
        (import_fixture("stripe-invoices.csv"), "stripe"),
    ];
    for (file, layout) in &cases {
        let ledger = Ledger::new();
        let report = import(&ledger, file, &["--dry-run"]);
        assert_eq!(report["profile"], *layout, "{}: {report}", file.display());
        assert_eq!(report["recognised"]["layout"], *layout, "{report}");
        assert!(
            !report["recognised"]["columns"]
                .as_array()
                .unwrap()
                .is_empty(),
            "{report}"
        );
        assert_eq!(report["outcome"], "dry_run", "{}: {report}", file.display());
    }
    for tidy in ["generic-en.csv", "generic-it-cp1252.csv"] {
        let ledger = Ledger::new();
        let report = import(&ledger, &import_fixture(tidy), &["--dry-run"]);
        assert_eq!(report["profile"], "generic", "{tidy}: {report}");
        assert!(report["recognised"].is_null(), "{report}");
    }
}

#[test]
fn the_summary_names_the_layout_and_the_columns_that_told() {
    let ledger = Ledger::new();
    let config = ledger.file("config.toml", "[import]\npayment_terms_days = 30\n");
    let output = ledger
        .dun()
        .arg("--config")
        .arg(&config)
        .args(["import", "invoices"])
        .arg(fixture("freshbooks-invoices.csv"))
        .output()
        .unwrap();
    assert!(output.status.success());
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(text.contains("(profile freshbooks): imported"), "{text}");
    assert!(
        text.contains(
            "layout: freshbooks (recognised from its columns Client Name, Invoice #, Date Issued, Invoice Status, Line Total)"
        ),
        "{text}"
    );
    assert!(
        text.contains("left out by their status, never chased: 1 draft"),
        "{text}"
    );
    assert!(
        text.contains(
            "1 partly paid by their status, with no balance in the file: imported with their whole amount open"
        ),
        "{text}"
    );
    // The same file again changes nothing.
    let again = import(&ledger, &fixture("freshbooks-invoices.csv"), &[]);
    assert_eq!(again["outcome"], "nothing_changed", "{again}");
}

#[test]
fn a_named_profile_is_used_as_named() {
    let ledger = Ledger::new();
    let report = import(
        &ledger,
        &fixture("zoho-invoices.csv"),
        &["--profile", "zoho", "--dry-run"],
    );
    assert_eq!(report["profile"], "zoho");
    assert!(report["recognised"].is_null(), "{report}");
    // Forced to the generic reading, the file is read as generic, whatever
    // its header says.
    let output = ledger
        .dun()
        .args(["import", "invoices"])
        .arg(fixture("zoho-invoices.csv"))
        .args(["--profile", "generic", "--format", "json", "--dry-run"])
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["profile"], "generic", "{report}");
    assert!(report["recognised"].is_null(), "{report}");
}

#[test]
fn a_status_the_layout_does_not_know_is_refused_with_its_place() {
    let ledger = Ledger::new();
    let original = std::fs::read_to_string(fixture("zoho-invoices.csv")).unwrap();
    let changed = original.replacen(",Overdue,", ",Archiviert,", 1);
    assert_ne!(changed, original);
    let file = ledger.file("Invoice.csv", changed);
    let output = ledger
        .dun()
        .args(["import", "invoices"])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        stderr.contains(":9:5: column 'Invoice Status': 'Archiviert': expected a status this layout knows (draft, void, pending approval, paid, partially paid, sent"),
        "{stderr}"
    );
    assert!(ledger.dump().iter().all(|r| !r.starts_with("invoice:")));
}

#[test]
fn line_items_that_disagree_on_the_currency_are_refused() {
    let ledger = Ledger::new();
    let original = std::fs::read_to_string(fixture("freshbooks-invoices.csv")).unwrap();
    // The second line of invoice 0000041 in euros.
    let changed = original.replacen("490.00,USD", "490.00,EUR", 1);
    assert_ne!(changed, original);
    let file = ledger.file("invoices.csv", changed);
    let config = ledger.file("config.toml", "[import]\npayment_terms_days = 30\n");
    let output = ledger
        .dun()
        .arg("--config")
        .arg(&config)
        .args(["import", "invoices"])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        stderr.contains(
            ":3: invoice 0000041 appears again with a different currency or balance than on line 2"
        ),
        "{stderr}"
    );
}

#[test]
fn a_header_that_fits_two_layouts_alike_is_read_as_generic_with_a_note() {
    let ledger = Ledger::new();
    let file = ledger.dir.path().join("both.csv");
    // Odoo's and ERPNext's distinctive columns together: neither layout's
    // are all among the other's.
    std::fs::write(
        &file,
        "Number,Customer,Invoice/Bill Date,Payment Due Date,Grand Total,Outstanding Amount,Amount Due\n\
         A-1,Acme,2026-10-01,2026-10-31,100.00,100.00,100.00\n",
    )
    .unwrap();
    let output = ledger
        .dun()
        .args(["import", "invoices"])
        .arg(&file)
        .args(["--format", "json", "--dry-run"])
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["profile"], "generic", "{report}");
    assert!(report["recognised"].is_null(), "{report}");
    let notes = report["notes"].to_string();
    assert!(
        notes.contains("the header fits the layouts erpnext and odoo alike; read as generic"),
        "{notes}"
    );
}

#[test]
fn a_configured_profile_with_recognise_names_is_picked_by_its_header() {
    let ledger = Ledger::new();
    let config = ledger.file("config.toml", "[import.profiles.shop]\nrecognise = [\"Beleg\", \"Kunde\", \"Offen\"]\n\
         [import.profiles.shop.columns]\nnumber = [\"Beleg\"]\ncustomer_name = [\"Kunde\"]\n\
         issue_date = [\"Datum\"]\ndue_date = [\"Fällig\"]\namount = [\"Brutto\"]\nopen = [\"Offen\"]\n");
    let file = ledger.file("belege.csv", "Beleg;Kunde;Datum;Fällig;Brutto;Offen\nRE-7;Müller GmbH;01.10.2026;31.10.2026;119,00;19,00\n");
    let report = ledger.run_json(
        ledger
            .dun()
            .arg("--config")
            .arg(&config)
            .args(["import", "invoices"])
            .arg(&file)
            .args(["--format", "json"]),
    );
    assert_eq!(report["profile"], "shop", "{report}");
    assert_eq!(report["recognised"]["layout"], "shop", "{report}");
    let list = ledger.json(&["invoice", "list"]);
    assert_eq!(list[0]["number"], "RE-7", "{list}");
    assert_eq!(list[0]["open_balance"], "19.00", "{list}");
    assert_eq!(list[0]["due_date"], "2026-10-31", "{list}");
}

#[test]
fn xeros_starred_import_template_is_recognised_and_a_blank_total_is_refused() {
    let ledger = Ledger::new();
    let header = "*ContactName,EmailAddress,POAddressLine1,POAddressLine2,POAddressLine3,POAddressLine4,\
                  POCity,PORegion,POPostalCode,POCountry,*InvoiceNumber,Reference,*InvoiceDate,*DueDate,\
                  Total,InventoryItemCode,*Description,*Quantity,*UnitAmount,Discount,*AccountCode,\
                  *TaxType,TaxAmount,TrackingName1,TrackingOption1,TrackingName2,TrackingOption2,\
                  Currency,BrandingTheme";
    let file = ledger.file("SalesInvoiceTemplate.csv", format!(
            "{header}\nKauri Books,ap@kauri.example,,,,,,,,,INV-0100,,15/10/2026,14/11/2026,230.00,,\
             Binding,2,100.00,,200,15% GST on Income,30.00,,,,,NZD,Standard\n"
        ));
    let report = ledger.run_json(
        ledger
            .dun()
            .args(["import", "invoices"])
            .arg(&file)
            .args(["--format", "json"]),
    );
    assert_eq!(report["recognised"]["layout"], "xero", "{report}");
    let list = ledger.json(&["invoice", "list"]);
    assert_eq!(list[0]["number"], "INV-0100", "{list}");
    assert_eq!(list[0]["amount"], "230.00", "{list}");
    assert_eq!(list[0]["currency"], "NZD", "{list}");
    assert_eq!(list[0]["due_date"], "2026-11-14", "{list}");
    // The template as downloaded, Total left for Xero to compute: refused,
    // with the place to fill in.
    let blank = ledger.file("blank.csv", format!(
            "{header}\nKauri Books,,,,,,,,,,INV-0101,,16/10/2026,15/11/2026,,,Binding,2,100.00,,200,\
             15% GST on Income,,,,,,NZD,Standard\n"
        ));
    let output = ledger
        .dun()
        .args(["import", "invoices"])
        .arg(&blank)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        stderr.contains(":2:15: column 'Total': '': expected an amount"),
        "{stderr}"
    );
}
