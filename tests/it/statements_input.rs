//! Bank statements imported twice or overlapping add only what is new; a
//! bad statement is refused whole, named by file and line or element path,
//! with the ledger untouched; a statement for another account than ours is
//! refused naming both.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;
use crate::statements::{fixture, import, refused, waiting};

use std::path::PathBuf;

use common::Ledger;

/// A ledger with one customer and invoice, so that "untouched" means
/// something.
fn seeded() -> Ledger {
    let ledger = Ledger::new();
    ledger.ok(&["customer", "add", "ACME", "--name", "Acme"]);
    ledger.ok(&[
        "invoice",
        "add",
        "A-1",
        "--customer",
        "ACME",
        "--issued",
        "2026-10-01",
        "--due",
        "2026-10-31",
        "--amount",
        "100.00",
    ]);
    ledger
}

/// Writes `text` beside the ledger.
fn write(ledger: &Ledger, name: &str, text: &[u8]) -> PathBuf {
    let path = ledger.dir.path().join(name);
    std::fs::write(&path, text).unwrap();
    path
}

fn rows(ledger: &Ledger) -> Vec<String> {
    ledger
        .dump()
        .into_iter()
        .filter(|row| !row.starts_with("import_batch:"))
        .collect()
}

fn stderr(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn the_same_statement_twice_adds_nothing() {
    for file in [
        "own-camt053-v13-batch.xml",
        "own-mt940-envelope.sta",
        "own-ofx1-utf8-corrections.qfx",
    ] {
        let ledger = Ledger::new();
        let first = import(&ledger, &fixture(file), &[]);
        assert_eq!(first["outcome"], "imported", "{file}");
        let before = rows(&ledger);
        let again = import(&ledger, &fixture(file), &[]);
        assert_eq!(again["outcome"], "nothing_changed", "{file}: {again}");
        assert_eq!(again["unchanged"], first["created"], "{file}");
        assert_eq!(rows(&ledger), before, "{file}");
    }
}

#[test]
fn an_overlapping_statement_adds_only_its_new_lines() {
    // A month, then a week inside it; no line has a bank reference, so
    // each is known by what it says, not where it stands in the file.
    let ledger = Ledger::new();
    let month = import(&ledger, &fixture("own-mt940-month.sta"), &[]);
    assert_eq!(month["created"], 3);
    let week = import(&ledger, &fixture("own-mt940-week.sta"), &[]);
    assert_eq!(
        (week["created"].as_u64(), week["unchanged"].as_u64()),
        (Some(1), Some(2)),
        "{week}"
    );
    let payers: Vec<String> = waiting(&ledger).into_iter().map(|l| l.2).collect();
    assert_eq!(payers, ["Alpha GmbH", "Beta AG", "Gamma KG", "Delta SE"]);

    // camt: a later statement repeating an entry by its bank reference,
    // whatever else it says of it, and one new entry.
    let ledger = Ledger::new();
    import(&ledger, &fixture("own-camt053-v13-batch.xml"), &[]);
    let text = std::fs::read_to_string(fixture("own-camt053-v13-batch.xml")).unwrap();
    let later = text
        .replace("<AddtlNtryInf>Ruecklastschrift</AddtlNtryInf>", "")
        .replace("2026112700005", "2026112800009")
        .replace("<Cd>PDNG</Cd>", "<Cd>BOOK</Cd>")
        .replace("Rossi Forniture S.r.l.", "ROSSI FORNITURE SRL");
    let file = write(&ledger, "later.xml", later.as_bytes());
    let report = import(&ledger, &file, &[]);
    assert_eq!(
        (report["created"].as_u64(), report["unchanged"].as_u64()),
        (Some(1), Some(3)),
        "{report}"
    );
    assert_eq!(waiting(&ledger).last().unwrap().0, "45.00");
}

#[test]
fn malformed_xml_is_refused_whole_naming_the_line() {
    let ledger = seeded();
    let before = rows(&ledger);
    let text = std::fs::read_to_string(fixture("genkgo-camt053.v2.multi.statement.xml")).unwrap();
    let cut = text.replace("</Ntry>\n        </Stmt>", "</Ntr>\n        </Stmt>");
    let file = write(&ledger, "cut.xml", cut.as_bytes());
    let err = stderr(&refused(&ledger, &file, &[]));
    let line = cut.lines().position(|l| l.contains("</Ntr>")).unwrap() + 1;
    assert!(err.contains(&format!("cut.xml:{line}: ")), "{err}");
    assert!(err.contains("not well-formed XML"), "{err}");
    assert_eq!(rows(&ledger), before);
}

#[test]
fn a_bad_amount_or_unknown_currency_is_named_by_element_path() {
    let ledger = seeded();
    let before = rows(&ledger);
    let text = std::fs::read_to_string(fixture("genkgo-camt053.v2.multi.statement.xml")).unwrap();
    let bad = text.replacen(
        "<Amt Ccy=\"EUR\">7.00</Amt>",
        "<Amt Ccy=\"EUR\">7,0O</Amt>",
        1,
    );
    let file = write(&ledger, "amount.xml", bad.as_bytes());
    let err = stderr(&refused(&ledger, &file, &[]));
    assert!(
        err.contains("Document/BkToCstmrStmt/Stmt[2]/Ntry[1]/Amt"),
        "{err}"
    );
    assert!(err.contains("'7,0O'"), "{err}");

    let bad = text.replacen(
        "<Amt Ccy=\"EUR\">8.85</Amt>",
        "<Amt Ccy=\"XYZ\">8.85</Amt>",
        1,
    );
    let file = write(&ledger, "currency.xml", bad.as_bytes());
    let err = stderr(&refused(&ledger, &file, &[]));
    assert!(
        err.contains("Stmt[1]/Ntry[1]/Amt@Ccy") && err.contains("'XYZ'"),
        "{err}"
    );

    let bad = text.replacen("<Amt Ccy=\"EUR\">8.85</Amt>", "", 1);
    let file = write(&ledger, "none.xml", bad.as_bytes());
    let err = stderr(&refused(&ledger, &file, &[]));
    assert!(
        err.contains("Stmt[1]/Ntry[1]/Amt") && err.contains("missing"),
        "{err}"
    );
    assert_eq!(rows(&ledger), before);
}

#[test]
fn a_camt_document_without_statements_is_refused() {
    let ledger = seeded();
    let err = stderr(&refused(
        &ledger,
        &fixture("genkgo-camt053.v2.wrong.xml"),
        &[],
    ));
    assert!(
        err.contains("genkgo-camt053.v2.wrong.xml") && err.contains("found none"),
        "{err}"
    );
}

#[test]
fn an_mt940_line_without_an_amount_is_named_by_line() {
    let ledger = seeded();
    let before = rows(&ledger);
    let text = std::fs::read_to_string(fixture("wolph-jejik-ing.sta")).unwrap();
    let bad = text.replace(":61:100722C3,68NTRFNONREF", ":61:100722CNTRFNONREF");
    let line = bad
        .lines()
        .position(|l| l.starts_with(":61:100722CNTRF"))
        .unwrap()
        + 1;
    let file = write(&ledger, "ing.sta", bad.as_bytes());
    let err = stderr(&refused(&ledger, &file, &[]));
    assert!(
        err.contains(&format!("ing.sta:{line}: :61:")) && err.contains("an amount"),
        "{err}"
    );
    assert!(err.contains("'NTRFNONREF'"), "{err}");

    let bad = text.replace(":60F:C100722EUR0,00", ":60F:C100722ZZZ0,00");
    let file = write(&ledger, "ccy.sta", bad.as_bytes());
    let err = stderr(&refused(&ledger, &file, &[]));
    assert!(
        err.contains("ccy.sta:7: :60F:") && err.contains("'ZZZ'"),
        "{err}"
    );
    assert_eq!(rows(&ledger), before);
}

#[test]
fn an_ofx_amount_that_is_not_one_is_named_by_line() {
    let ledger = seeded();
    let before = rows(&ledger);
    let file = fixture("ofxparse-fail_nice-decimal_error.ofx");
    let err = stderr(&refused(&ledger, &file, &[]));
    assert!(
        err.contains("decimal_error.ofx:34: TRNAMT") && err.contains("'$120'"),
        "{err}"
    );
    assert_eq!(rows(&ledger), before);
}

#[test]
fn an_ofx_transaction_without_an_amount_or_currency_is_named_by_line() {
    let ledger = seeded();
    let before = rows(&ledger);
    let text = std::fs::read_to_string(fixture("ofxparse-multiple_accounts.ofx")).unwrap();
    let bad = text.replacen("<TRNAMT>130.00\n", "", 1);
    let line = bad
        .lines()
        .position(|l| l.starts_with("<FITID>1014000010"))
        .unwrap()
        - 2;
    // The line STMTTRN opens on, 1-based.
    let file = write(&ledger, "noamount.ofx", bad.as_bytes());
    let err = stderr(&refused(&ledger, &file, &[]));
    assert!(
        err.contains(&format!("noamount.ofx:{line}: STMTTRN: expected TRNAMT")),
        "{err}"
    );
    let bad = text.replacen("<CURDEF>EUR", "<CURDEF>EURO", 1);
    let file = write(&ledger, "euro.ofx", bad.as_bytes());
    let err = stderr(&refused(&ledger, &file, &[]));
    assert!(err.contains("CURDEF: 'EURO'"), "{err}");
    assert_eq!(rows(&ledger), before);
}

#[test]
fn a_statement_for_another_account_is_refused_naming_both() {
    let ledger = seeded();
    let before = rows(&ledger);
    let config = write(
        &ledger,
        "config.toml",
        b"[company]\nname = \"Us\"\niban = \"NL91 ABNA 0417 1643 00\"\n",
    );
    let config = config.to_str().unwrap();
    let file = fixture("own-camt053-v13-batch.xml");
    let err = stderr(&refused(&ledger, &file, &["--config", config]));
    assert!(
        err.contains("DE89370400440532013000") && err.contains("NL91ABNA0417164300"),
        "{err}"
    );
    assert_eq!(rows(&ledger), before);
    let file = fixture("own-mt940-envelope.sta");
    let err = stderr(&refused(&ledger, &file, &["--config", config]));
    assert!(err.contains("DE89370400440532013000"), "{err}");

    // Ours, written with spaces: imported.
    let ours = write(
        &ledger,
        "ours.toml",
        b"[company]\nname = \"Us\"\niban = \"de89 3704 0044 0532 0130 00\"\n",
    );
    let report = import(
        &ledger,
        &fixture("own-camt053-v13-batch.xml"),
        &["--config", ours.to_str().unwrap()],
    );
    assert_eq!(report["outcome"], "imported", "{report}");
}

#[test]
fn an_entry_nested_beyond_reason_is_refused_not_followed() {
    let ledger = seeded();
    let text = std::fs::read_to_string(fixture("genkgo-camt053.v2.multi.statement.xml")).unwrap();
    let deep = format!("{}{}", "<X>".repeat(100_000), "</X>".repeat(100_000));
    let bad = text.replacen("<RvslInd>false</RvslInd>", &deep, 1);
    let file = write(&ledger, "deep.xml", bad.as_bytes());
    let err = stderr(&refused(&ledger, &file, &[]));
    assert!(
        err.contains("deep.xml:") && err.contains("nested more than 64"),
        "{err}"
    );
}
