//! A document re-imported corrected to fewer due dates: the instalments
//! of the earlier numbering are closed, what was paid on them moves to
//! the current ones, and the document's open balance is right in the
//! aging, the agenda and the statement. FatturaPA (the public sample with
//! three due dates, corrected to two) and CSV (three to two, two to one).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};

use crate::common::Ledger;
use serde_json::Value;

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/einvoice")
        .join(name)
}

fn import(l: &Ledger, path: &Path) -> Value {
    l.run_json(
        l.dun()
            .args(["import", "invoices"])
            .arg(path)
            .args(["--format", "json"]),
    )
}

/// number → open balance.
fn open(l: &Ledger) -> std::collections::BTreeMap<String, String> {
    l.invoice_fields(["open_balance"])
        .into_iter()
        .map(|(n, [o])| (n, o))
        .collect()
}

/// The customer's aging total.
fn aged_total(l: &Ledger, customer: &str) -> String {
    let aging = l.json(&["aging"]);
    let row = aging
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["customer"] == customer)
        .unwrap_or_else(|| panic!("{customer} in {aging}"));
    row["total"].as_str().unwrap().to_string()
}

/// Every invoice number the agenda names.
fn agenda_invoices(l: &Ledger) -> String {
    l.json(&["agenda"]).to_string()
}

#[test]
fn fatturapa_corrected_to_two_due_dates_closes_the_third_and_moves_what_was_paid() {
    let l = Ledger::new();
    let original = fixture("fatturapa-instalments.xml");
    import(&l, &original);
    let c = "IT09999999990";
    // 300.00 paid naming the document, with the credit note NC-3 (122.00),
    // pays its first instalment and 22.00 of the second.
    l.ok(&[
        "payment",
        "add",
        "--customer",
        c,
        "--amount",
        "300",
        "--date",
        "2026-05-05",
        "--invoice",
        "FT-12",
    ]);
    let before = open(&l);
    assert_eq!(before["FT-12 (1/3)"], "0.00");
    assert_eq!(before["FT-12 (2/3)"], "378.00");
    let aged_before = aged_total(&l, c);
    // The same invoice, corrected: 600.00 due 30 April, 620.00 due 31 May.
    let text = std::fs::read_to_string(&original).unwrap();
    let three = "<DettaglioPagamento><ModalitaPagamento>MP05</ModalitaPagamento><DataScadenzaPagamento>2026-04-30</DataScadenzaPagamento><ImportoPagamento>400.00</ImportoPagamento></DettaglioPagamento>";
    let start = text.find(three).unwrap();
    let end = text[start..].find("</DatiPagamento>").unwrap() + start;
    let two = "<DettaglioPagamento><ModalitaPagamento>MP05</ModalitaPagamento><DataScadenzaPagamento>2026-04-30</DataScadenzaPagamento><ImportoPagamento>600.00</ImportoPagamento></DettaglioPagamento>\
               <DettaglioPagamento><ModalitaPagamento>MP05</ModalitaPagamento><DataScadenzaPagamento>2026-05-31</DataScadenzaPagamento><ImportoPagamento>620.00</ImportoPagamento></DettaglioPagamento>";
    let corrected = format!("{}{two}{}", &text[..start], &text[end..]);
    let file = l.dir.path().join("IT01234567890_FPA02-corrected.xml");
    std::fs::write(&file, corrected).unwrap();
    let report = import(&l, &file);
    assert_eq!(report["outcome"], "imported", "{report}");
    let notes = report["notes"].to_string();
    assert!(
        notes.contains("FT-12 (3/3): no longer an instalment of FT-12 (now due in 2)"),
        "{notes}"
    );
    let after = open(&l);
    // The 422.00 applied moved onto the first current instalment.
    assert_eq!(after["FT-12 (1/2)"], "178.00");
    assert_eq!(after["FT-12 (2/2)"], "620.00");
    for old in ["FT-12 (1/3)", "FT-12 (2/3)", "FT-12 (3/3)"] {
        assert_eq!(after[old], "0.00", "{old}: {after:?}");
    }
    // The document owes 798.00 as before, counted once.
    assert_eq!(aged_total(&l, c), aged_before);
    let agenda = agenda_invoices(&l);
    assert!(!agenda.contains("/3)"), "{agenda}");
    let statement = l.ok(&["statement", c]);
    assert!(statement.contains("FT-12 (1/2)"), "{statement}");
    assert!(!statement.contains("FT-12 (3/3)"), "{statement}");
    let shown = l.ok(&["invoice", "show", "FT-12 (2/2)"]);
    assert!(shown.contains("instalment 2 of 2 of FT-12"), "{shown}");
}

#[test]
fn a_csv_corrected_from_three_instalments_to_two_leaves_none_of_the_old_ones_open() {
    let l = Ledger::new();
    let first = l.file(
        "scadenze.csv",
        "number,customer,issue_date,due_date,amount\n\
         FT-9 (1/3),ACME,2026-09-30,2026-10-30,300.00\n\
         FT-9 (2/3),ACME,2026-09-30,2026-11-30,300.00\n\
         FT-9 (3/3),ACME,2026-09-30,2026-12-30,400.00\n",
    );
    import(&l, &first);
    let aged_before = aged_total(&l, "ACME");
    assert_eq!(aged_before, "1000.00");
    let corrected = l.file(
        "scadenze-corrected.csv",
        "number,customer,issue_date,due_date,amount\n\
         FT-9 (1/2),ACME,2026-09-30,2026-10-30,500.00\n\
         FT-9 (2/2),ACME,2026-09-30,2026-11-30,500.00\n",
    );
    import(&l, &corrected);
    let after = open(&l);
    assert_eq!(after["FT-9 (1/2)"], "500.00");
    assert_eq!(after["FT-9 (2/2)"], "500.00");
    for old in ["FT-9 (1/3)", "FT-9 (2/3)", "FT-9 (3/3)"] {
        assert_eq!(after[old], "0.00", "{old}: {after:?}");
    }
    assert_eq!(aged_total(&l, "ACME"), "1000.00");
    let statement = l.ok(&["statement", "ACME"]);
    assert!(!statement.contains("FT-9 (3/3)"), "{statement}");
    let shown = l.ok(&["invoice", "show", "FT-9 (1/2)"]);
    assert!(shown.contains("instalment 1 of 2 of FT-9"), "{shown}");
}

#[test]
fn a_csv_corrected_from_instalments_to_one_number_closes_them_and_moves_what_was_paid() {
    let l = Ledger::new();
    let first = l.file(
        "scadenze.csv",
        "number,customer,issue_date,due_date,amount\n\
         FT-7 (1/2),ACME,2026-09-30,2026-10-30,400.00\n\
         FT-7 (2/2),ACME,2026-09-30,2026-11-30,600.00\n",
    );
    import(&l, &first);
    // 250.00 paid on the first instalment.
    l.ok(&[
        "payment",
        "add",
        "--customer",
        "ACME",
        "--amount",
        "250",
        "--date",
        "2026-10-28",
        "--invoice",
        "FT-7 (1/2)",
    ]);
    assert_eq!(aged_total(&l, "ACME"), "750.00");
    // The export now shows the document whole: one due date, 1000.00.
    let corrected = l.file(
        "whole.csv",
        "number,customer,issue_date,due_date,amount\n\
         FT-7,ACME,2026-09-30,2026-11-30,1000.00\n",
    );
    let report = import(&l, &corrected);
    let notes = report["notes"].to_string();
    for old in ["FT-7 (1/2)", "FT-7 (2/2)"] {
        assert!(
            notes.contains(&format!("{old}: no longer an instalment")),
            "{old}: {notes}"
        );
    }
    let after = open(&l);
    // 1000.00 less the 250.00 paid, which moved to FT-7.
    assert_eq!(after["FT-7"], "750.00", "{after:?}");
    assert_eq!(after["FT-7 (1/2)"], "0.00", "{after:?}");
    assert_eq!(after["FT-7 (2/2)"], "0.00", "{after:?}");
    assert_eq!(aged_total(&l, "ACME"), "750.00");
    let agenda = agenda_invoices(&l);
    assert!(!agenda.contains("/2)"), "{agenda}");
    let statement = l.ok(&["statement", "ACME"]);
    assert!(!statement.contains("FT-7 (2/2)"), "{statement}");
    // Imported again, nothing changes.
    let again = import(&l, &corrected);
    assert!(!again["notes"].to_string().contains("no longer"), "{again}");
    assert_eq!(open(&l), after);
}
