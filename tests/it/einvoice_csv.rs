//! CSV exports in a folder or zip of e-invoices: imported in the same
//! transaction when their header names a known layout, listed with why
//! when not, and a bad row in one refuses the whole folder.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::common::Ledger;
use serde_json::Value;

fn fixture(area: &str, name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(area)
        .join(name)
}

/// A folder holding a UBL invoice, Zoho's export, a tidy CSV of no known
/// layout and a README.
fn inbox(l: &Ledger) -> PathBuf {
    let dir = l.dir.path().join("inbox");
    std::fs::create_dir_all(&dir).unwrap();
    for (area, name) in [
        ("einvoice", "cius-ro-invoice.xml"),
        ("csv", "zoho-invoices.csv"),
        ("import", "generic-en.csv"),
    ] {
        std::fs::copy(fixture(area, name), dir.join(name)).unwrap();
    }
    std::fs::write(dir.join("README.txt"), "invoices of November\n").unwrap();
    dir
}

fn import(l: &Ledger, path: &Path) -> Value {
    l.run_json(
        l.dun()
            .args(["import", "invoices"])
            .arg(path)
            .args(["--format", "json"]),
    )
}

fn notes(report: &Value) -> String {
    report["notes"].to_string()
}

#[test]
fn a_known_csv_in_a_folder_is_imported_with_the_e_invoices_in_one_transaction() {
    let l = Ledger::new();
    let dir = inbox(&l);
    let first = import(&l, &dir);
    assert_eq!(first["outcome"], "imported", "{first}");
    // The UBL invoice and Zoho's four invoices it does not leave out.
    assert_eq!(first["created"], 5, "{first}");
    assert_eq!(
        first["left_out_by_status"],
        serde_json::json!({"draft": 1, "void": 1}),
        "{first}"
    );
    let notes = notes(&first);
    assert!(notes.contains("zoho-invoices.csv: layout zoho"), "{notes}");
    assert!(
        notes.contains("left out generic-en.csv : not an e-invoice (XML, signed XML or PDF), nor a CSV of a layout dun recognises"),
        "{notes}"
    );
    assert!(notes.contains("left out README.txt"), "{notes}");
    let all = l.invoice_fields(["customer", "open_balance", "currency"]);
    assert_eq!(all["EXS-2026-118"][1], "5000.00");
    assert_eq!(all["INV-000103"][1], "150.00");
    assert_eq!(all["INV-000104"][1], "0.00");
    assert_eq!(all.len(), 5, "{all:?}");
    let history = l.json(&["import", "history"]);
    assert_eq!(history.as_array().unwrap().len(), 1, "one batch");
    let again = import(&l, &dir);
    assert_eq!(again["outcome"], "nothing_changed", "{again}");
}

#[test]
fn a_bad_row_in_a_csv_of_a_zip_refuses_the_whole_zip_naming_member_line_and_column() {
    let l = Ledger::new();
    let zoho = std::fs::read_to_string(fixture("csv", "zoho-invoices.csv")).unwrap();
    let bad = zoho.replacen(",Overdue,", ",Archiviert,", 1);
    assert_ne!(bad, zoho);
    let zip = l.dir.path().join("november.zip");
    let file = std::fs::File::create(&zip).unwrap();
    let mut writer = zip::ZipWriter::new(file);
    let options =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for (name, bytes) in [
        (
            "nov/cius-ro-invoice.xml",
            std::fs::read(fixture("einvoice", "cius-ro-invoice.xml")).unwrap(),
        ),
        ("nov/Invoice.csv", bad.into_bytes()),
    ] {
        writer.start_file(name, options).unwrap();
        writer.write_all(&bytes).unwrap();
    }
    writer.finish().unwrap();
    let before = l.dump();
    let output = l
        .dun()
        .args(["import", "invoices"])
        .arg(&zip)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        stderr.contains(
            "november.zip:nov/Invoice.csv:9:5: column 'Invoice Status': 'Archiviert': expected a status this layout knows"
        ),
        "{stderr}"
    );
    assert_eq!(l.dump(), before, "nothing written, the XML neither");
}
