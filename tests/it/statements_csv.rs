//! Banks' CSV exports as they write them (`tests/fixtures/bank/own-csv-*`,
//! equivalents of the layouts the banks document): a sign column, debit
//! and credit columns, account lines above the header and a balance line
//! below, Windows-1252 and UTF-16, German and Dutch headers, lines not
//! booked yet left out, money going out left out.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;
use crate::statements::{fixture, import, refused, waiting};

use common::Ledger;

/// [rows, created, unchanged, skipped].
fn counts(report: &serde_json::Value) -> [u64; 4] {
    ["rows", "created", "unchanged", "skipped"].map(|k| report[k].as_u64().unwrap())
}

#[test]
fn ing_nl_af_bij_says_which_way_the_amount_went() {
    let ledger = Ledger::new();
    let file = fixture("own-csv-ing-nl.csv");
    let report = import(&ledger, &file, &["--profile", "ing_nl"]);
    assert_eq!(counts(&report), [3, 2, 0, 1], "{report}");
    let lines = waiting(&ledger);
    assert_eq!(
        lines
            .iter()
            .map(|l| (l.0.as_str(), l.2.as_str(), l.4.as_str()))
            .collect::<Vec<_>>(),
        [
            ("1250.00", "Jansen Installatie B.V.", "2026-11-25"),
            ("310.50", "De Vries Techniek", "2026-11-27"),
        ]
    );
    assert!(lines[0].3.contains("Factuur F-2026-118"), "{lines:?}");

    // A sign that is neither: named with its column.
    let text = std::fs::read_to_string(&file).unwrap();
    let bad = ledger.dir.path().join("bad.csv");
    std::fs::write(&bad, text.replacen("\"Bij\"", "\"Bof\"", 1)).unwrap();
    let out = refused(&ledger, &bad, &["--profile", "ing_nl"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("bad.csv:2:6") && err.contains("'Bof'"),
        "{err}"
    );
}

#[test]
fn deutsche_bank_soll_haben_with_account_lines_and_a_balance_line() {
    let ledger = Ledger::new();
    let report = import(
        &ledger,
        &fixture("own-csv-deutsche-bank.csv"),
        &["--profile", "deutsche_bank"],
    );
    // The Kontostand line below the data is not a payment; the direct
    // debit (Soll) goes out.
    assert_eq!(counts(&report), [3, 2, 0, 1], "{report}");
    let lines = waiting(&ledger);
    assert_eq!(lines.len(), 2);
    assert_eq!(
        (
            lines[0].0.as_str(),
            lines[0].2.as_str(),
            lines[0].3.as_str()
        ),
        (
            "1190.00",
            "Müller & Söhne GmbH",
            "Rechnung 2026-0042 Kd-Nr. 77"
        )
    );
    assert_eq!(
        (lines[1].0.as_str(), lines[1].2.as_str()),
        ("2500.00", "Österreicher KG")
    );
}

#[test]
fn sparkasse_lines_not_booked_yet_are_left_out() {
    let ledger = Ledger::new();
    let report = import(
        &ledger,
        &fixture("own-csv-sparkasse.csv"),
        &["--profile", "sparkasse"],
    );
    assert_eq!(counts(&report), [3, 1, 0, 2], "{report}");
    let lines = waiting(&ledger);
    assert_eq!(lines.len(), 1);
    assert_eq!(
        (
            lines[0].0.as_str(),
            lines[0].2.as_str(),
            lines[0].4.as_str()
        ),
        ("480.00", "Bäckerei Schmidt", "2026-11-27")
    );
    // The generic profile reads the same German headers.
    let ledger = Ledger::new();
    let report = import(&ledger, &fixture("own-csv-sparkasse.csv"), &[]);
    assert_eq!(counts(&report), [3, 1, 0, 2], "{report}");
}

#[test]
fn a_utf16_export_reads_and_pending_lines_wait_for_the_bank() {
    let ledger = Ledger::new();
    let report = import(
        &ledger,
        &fixture("own-csv-revolut-utf16.csv"),
        &["--profile", "revolut"],
    );
    assert_eq!(counts(&report), [3, 1, 0, 2], "{report}");
    let lines = waiting(&ledger);
    assert_eq!(
        (
            lines[0].0.as_str(),
            lines[0].2.as_str(),
            lines[0].4.as_str()
        ),
        (
            "1190.00",
            "Payment from Rossi Forniture S.r.l.",
            "2026-11-20"
        )
    );
    // Imported again: nothing new.
    let again = import(
        &ledger,
        &fixture("own-csv-revolut-utf16.csv"),
        &["--profile", "revolut"],
    );
    assert_eq!(again["outcome"], "nothing_changed", "{again}");
}
