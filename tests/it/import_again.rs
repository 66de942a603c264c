//! Importing a newer export of invoices the ledger already has: what one
//! carries unchanged counts as carried by it once it commits (so the next
//! export that drops it says so), a number the file repeats is refused
//! even when the ledger already held it unchanged, and a file that
//! changes nothing leaves every invoice as it was.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common::Ledger;
use serde_json::Value;

const HEADER: &str = "number,customer,issue_date,due_date,amount,currency\n";

fn export(ledger: &Ledger, name: &str, rows: &[&str]) -> String {
    let mut text = HEADER.to_string();
    for row in rows {
        text.push_str(row);
        text.push('\n');
    }
    let path = ledger.file(name, text);
    path.to_str().unwrap().to_string()
}

fn import(ledger: &Ledger, path: &str) -> Value {
    ledger.json(&["import", "invoices", path, "--profile", "generic"])
}

fn vanished(report: &Value) -> Vec<String> {
    report["vanished"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["number"].as_str().unwrap().to_string())
        .collect()
}

const A1: &str = "A-1,ACME,2026-10-01,2026-10-31,100.00,EUR";
const A2: &str = "A-2,ACME,2026-10-02,2026-11-01,200.00,EUR";
const B1: &str = "B-1,BETA,2026-10-03,2026-11-02,300.00,EUR";

#[test]
fn invoices_a_newer_export_carries_unchanged_are_missed_when_the_next_one_drops_them() {
    let ledger = Ledger::new();
    let first = export(&ledger, "first.csv", &[A1, A2, B1]);
    assert_eq!(import(&ledger, &first)["created"], 3);
    // A-1's amount changes; A-2 and B-1 are carried as they are.
    let a1_more = "A-1,ACME,2026-10-01,2026-10-31,150.00,EUR";
    let second = export(&ledger, "second.csv", &[a1_more, A2, B1]);
    let report = import(&ledger, &second);
    assert_eq!(
        (report["updated"].as_u64(), report["unchanged"].as_u64()),
        (Some(1), Some(2))
    );
    assert!(vanished(&report).is_empty(), "{report}");
    // The third export holds A-1 only, changed again: the two the second
    // carried are gone from it, and said to be.
    let a1_again = "A-1,ACME,2026-10-01,2026-10-31,175.00,EUR";
    let third = export(&ledger, "third.csv", &[a1_again]);
    let report = import(&ledger, &third);
    assert_eq!(report["outcome"], "imported");
    assert_eq!(vanished(&report), ["A-2", "B-1"], "{report}");
}

#[test]
fn a_number_repeated_apart_is_refused_when_the_ledger_holds_it_unchanged() {
    let ledger = Ledger::new();
    let first = export(&ledger, "first.csv", &[A1, B1]);
    import(&ledger, &first);
    let before = ledger.dump();
    let again = export(&ledger, "again.csv", &[A1, B1, A1]);
    let output = ledger
        .dun()
        .args(["import", "invoices", &again, "--profile", "generic"])
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("again.csv:4: A-1 appears twice in the file"),
        "{stderr}"
    );
    assert_eq!(ledger.dump(), before, "a refused file changes nothing");
}

#[test]
fn the_same_export_again_leaves_every_invoice_as_it_was() {
    let ledger = Ledger::new();
    let first = export(&ledger, "first.csv", &[A1, A2, B1]);
    import(&ledger, &first);
    let before: Vec<String> = ledger
        .dump()
        .into_iter()
        .filter(|row| row.starts_with("invoice:"))
        .collect();
    assert_eq!(before.len(), 3, "{before:?}");
    let report = import(&ledger, &first);
    assert_eq!(report["outcome"], "nothing_changed");
    assert_eq!(report["unchanged"], 3);
    let after: Vec<String> = ledger
        .dump()
        .into_iter()
        .filter(|row| row.starts_with("invoice:"))
        .collect();
    assert_eq!(after, before);
}
