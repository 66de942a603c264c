//! The matching end to end from a camt.053 statement: the same six lines
//! as `matching.rs`'s bank CSV, read from ISO 20022 XML (camt.053.001.08,
//! `tests/fixtures/bank/e2e-camt053.xml`): one pays ACME's account by its
//! structured creditor reference (`RmtInf/Strd/CdtrRefInf/Ref`), the
//! others by invoice number, by the payer's IBAN (`DbtrAcct`), by the
//! payer's name and amount, in part; one waits.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::PathBuf;

use super::matching::{acme_reference, assert_matched, ledger, teach_gamma_iban};

#[test]
fn a_camt053_statement_pays_by_reference_number_iban_and_name_and_one_line_waits() {
    let ledger = ledger();
    teach_gamma_iban(&ledger);
    // The fixture quotes the reference ACME's statement prints.
    assert_eq!(acme_reference(&ledger).replace(' ', ""), "RF35C1");
    let statement =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/bank/e2e-camt053.xml");
    let report = ledger.json(&["import", "payments", statement.to_str().unwrap()]);
    assert_matched(&ledger, &report);
    let again = ledger.json(&["import", "payments", statement.to_str().unwrap()]);
    assert_eq!(again["outcome"], "nothing_changed", "{again}");
}

/// A statement is taken an entry at a time, each matched as it is read: a
/// bad entry after lines already matched still refuses the whole file,
/// naming the entry, and leaves the ledger as it was.
#[test]
fn a_bad_entry_after_matched_ones_refuses_the_whole_statement() {
    let ledger = ledger();
    teach_gamma_iban(&ledger);
    let before = ledger.dump();
    let text = std::fs::read_to_string(
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/bank/e2e-camt053.xml"),
    )
    .unwrap();
    // The sixth and last entry's booking date is no date.
    let at = text.find("<NtryRef>E2E-6</NtryRef>").unwrap();
    let (head, tail) = text.split_at(at);
    let bad = format!(
        "{head}{}",
        tail.replacen(
            "<BookgDt><Dt>2026-11-21</Dt>",
            "<BookgDt><Dt>21.11.2026</Dt>",
            1
        )
    );
    assert_ne!(bad, text);
    let file = ledger.file("late-bad.xml", bad);
    let output = ledger
        .dun()
        .args(["import", "payments", file.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(!output.status.success());
    let err = String::from_utf8_lossy(&output.stderr);
    assert!(
        err.contains("late-bad.xml") && err.contains("Stmt[1]/Ntry[6]/BookgDt/Dt"),
        "{err}"
    );
    assert!(err.contains("'21.11.2026'"), "{err}");
    let out = String::from_utf8_lossy(&output.stdout);
    assert!(!out.contains("A-2") && !out.contains("B-7"), "{out}");
    assert_eq!(ledger.dump(), before);
}
