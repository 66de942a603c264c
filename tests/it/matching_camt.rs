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
