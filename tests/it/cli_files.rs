//! Files on disk: permissions, backups, schema fixtures, the demo ledger.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use std::path::Path;

use common::{Ledger, LedgerBuilder, bare_dun, dump};
use serde_json::Value;

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[cfg(unix)]
#[test]
fn ledger_and_backups_are_private_to_their_owner() {
    let ledger = Ledger::new();
    ledger.ok(&["init"]);
    assert_eq!(mode(&ledger.db), 0o600, "ledger file");
    ledger.ok(&["customer", "add", "A", "--name", "A Ltd"]);
    let wal = ledger.db.with_extension("db-wal");
    if wal.exists() {
        assert_eq!(mode(&wal), 0o600, "write-ahead log");
    }
    let backup = ledger.dir.path().join("backup.db");
    ledger.ok(&["backup", backup.to_str().unwrap()]);
    assert_eq!(mode(&backup), 0o600, "backup file");
}

#[cfg(unix)]
#[test]
fn the_default_ledger_lives_in_the_data_dir_and_dun_db_overrides_it() {
    let home = tempfile::tempdir().unwrap();
    let out = bare_dun(home.path()).arg("init").output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let default = home.path().join("data/dun/dun.db");
    assert!(default.exists(), "ledger created at {}", default.display());
    assert_eq!(mode(&default), 0o600);
    let elsewhere = home.path().join("elsewhere/books.db");
    let out = bare_dun(home.path())
        .env("DUN_DB", &elsewhere)
        .arg("init")
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(elsewhere.exists());
}

#[test]
fn backup_is_a_complete_copy_and_never_overwrites() {
    let ledger = LedgerBuilder::new()
        .customer("A", "A Ltd")
        .invoice("1", "A", "2026-09-01", "2026-10-01", "42.42")
        .build();
    let backup = ledger.dir.path().join("copy.db");
    let out = ledger.ok(&["backup", backup.to_str().unwrap()]);
    assert!(out.contains("backed up"), "{out}");
    assert_eq!(dump(&backup), ledger.dump());
    let again = ledger
        .dun()
        .args(["backup", backup.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(again.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&again.stderr).contains("already exists"));
}

#[test]
fn a_schema_1_ledger_opens_under_the_current_code() {
    let ledger = Ledger::new();
    std::fs::copy("tests/fixtures/ledger-v1.db", &ledger.db).unwrap();
    let invoices = ledger.json(&["invoice", "list"]);
    let open: Vec<(String, String)> = invoices
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["number"].as_str().unwrap().to_string(),
                r["open_balance"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let expected = [
        ("000123", "699.70"),
        ("CN-1", "0.00"),
        ("R-77", "700.00"),
        ("R-78", "0.00"),
        ("000124", "0.10"),
        ("000125", "0.00"),
    ];
    let expected: Vec<(String, String)> = expected
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
    assert_eq!(open, expected);
    let customers = ledger.json(&["customer", "list"]);
    let usd = customers
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["currency"] == "USD")
        .unwrap();
    assert_eq!(usd["unapplied_credit"], "50.01");
    // The ledger is now on the current schema; when a schema 2 exists,
    // opening this file must also have left a backup beside it.
    let version: i64 = rusqlite::Connection::open(&ledger.db)
        .unwrap()
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(version as usize, dun::store::SCHEMA_VERSION);
    let backups = std::fs::read_dir(ledger.dir.path())
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .contains(".v1-")
        })
        .count();
    assert_eq!(backups, usize::from(dun::store::SCHEMA_VERSION > 1));
}

#[test]
fn a_ledger_from_a_newer_dun_is_refused_untouched() {
    let ledger = Ledger::new();
    ledger.ok(&["init"]);
    rusqlite::Connection::open(&ledger.db)
        .unwrap()
        .execute_batch("PRAGMA user_version = 999")
        .unwrap();
    let before = std::fs::read(&ledger.db).unwrap();
    let out = ledger.dun().args(["customer", "list"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("newer than this dun"));
    assert_eq!(std::fs::read(&ledger.db).unwrap(), before);
}

#[test]
fn migrations_are_valid() {
    dun::store::migrations().validate().unwrap();
}

fn demo(ledger: &Ledger, seed: &str) -> std::process::Output {
    ledger
        .dun()
        .args(["demo", "--no-tui", "--invoices", "600", "--seed", seed])
        .output()
        .unwrap()
}

#[test]
fn demo_is_deterministic_and_only_replaces_its_own_file() {
    let ledger = Ledger::new();
    let first = demo(&ledger, "5");
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let stdout = String::from_utf8_lossy(&first.stdout);
    assert!(
        stdout.contains("Aging as of 2026-11-22") && stdout.contains("TOTAL"),
        "{stdout}"
    );
    let aging_a: Value = ledger.json(&["aging"]);
    let invoices: Value = ledger.json(&["invoice", "list"]);
    let count = invoices
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["kind"] == "invoice")
        .count();
    assert_eq!(count, 600);
    assert!(
        demo(&ledger, "5").status.success(),
        "a demo ledger is replaced"
    );
    assert_eq!(ledger.json(&["aging"]), aging_a, "same seed, same ledger");
    assert!(demo(&ledger, "6").status.success());
    assert_ne!(
        ledger.json(&["aging"]),
        aging_a,
        "another seed, another ledger"
    );

    let real = Ledger::new();
    real.ok(&["customer", "add", "KEEP", "--name", "Keep Me"]);
    let before = real.dump();
    let refused = demo(&real, "5");
    assert_eq!(refused.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("not a demo ledger"));
    assert_eq!(real.dump(), before);
}

#[test]
fn demo_by_default_never_touches_the_real_ledger() {
    let home = tempfile::tempdir().unwrap();
    let real = home.path().join("real.db");
    let out = bare_dun(home.path())
        .env("DUN_DB", &real)
        .args(["demo", "--no-tui", "--invoices", "50"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        !real.exists(),
        "DUN_DB is the real ledger; the demo has its own file"
    );
    assert!(home.path().join("data/dun/demo.db").exists());
}

#[test]
fn demo_csv_export_has_every_invoice() {
    let ledger = Ledger::new();
    let csv = ledger.dir.path().join("export.csv");
    let out = ledger.ok(&["demo", "--invoices", "300", "--csv", csv.to_str().unwrap()]);
    assert!(out.contains("wrote"), "{out}");
    let mut reader = csv::Reader::from_path(&csv).unwrap();
    let headers = reader.headers().unwrap().clone();
    assert_eq!(&headers[0], "number");
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let invoices = rows.iter().filter(|r| &r[4] == "invoice").count();
    assert_eq!(invoices, 300);
    assert!(!ledger.db.exists(), "--csv writes no ledger");
}

#[test]
fn completions_and_manual_page_are_generated() {
    let ledger = Ledger::new();
    let bash = ledger.ok(&["completions", "bash"]);
    assert!(
        bash.contains("_dun") && bash.contains("write-off"),
        "bash completion"
    );
    let man = ledger.ok(&["man"]);
    assert!(
        man.contains(".TH dun") || man.contains(".TH DUN"),
        "{}",
        &man[..man.len().min(200)]
    );
}

#[test]
fn the_follow_up_log_is_append_only() {
    let ledger = Ledger::new();
    ledger.ok(&["customer", "add", "A", "--name", "A Ltd"]);
    ledger.ok(&[
        "invoice",
        "add",
        "1",
        "--customer",
        "A",
        "--issued",
        "2026-09-01",
        "--due",
        "2026-10-01",
        "--amount",
        "5",
    ]);
    ledger.ok(&[
        "invoice",
        "write-off",
        "1",
        "--reason",
        "too small to chase",
    ]);
    let conn = rusqlite::Connection::open(&ledger.db).unwrap();
    let note: String = conn
        .query_row(
            "SELECT note FROM activity WHERE kind = 'write_off'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(note, "too small to chase");
    let update = conn.execute("UPDATE activity SET note = 'rewritten'", []);
    assert!(update.unwrap_err().to_string().contains("append-only"));
    let delete = conn.execute("DELETE FROM activity", []);
    assert!(delete.unwrap_err().to_string().contains("append-only"));
}

#[test]
fn a_schema_2_ledger_opens_under_the_current_code() {
    let ledger = Ledger::new();
    std::fs::copy("tests/fixtures/ledger-v2.db", &ledger.db).unwrap();
    let invoices = ledger.json(&["invoice", "list"]);
    let stages: Vec<(String, String, String)> = invoices
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["number"].as_str().unwrap().to_string(),
                r["open_balance"].as_str().unwrap().to_string(),
                r["stage"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let row = |n: &str, o: &str, s: &str| (n.to_string(), o.to_string(), s.to_string());
    assert_eq!(
        stages,
        [
            row("000201", "1200.00", "promised"),
            row("R-90", "700.00", "in_plan"),
            row("R-91", "300.00", "disputed"),
            row("000202", "0.00", "paid"),
        ]
    );
    let status = ledger.json(&["status", "ROSSI"]);
    let measures: Vec<&str> = status["measures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["measure"].as_str().unwrap())
        .collect();
    assert!(measures.contains(&"hold"), "{status}");
    let backups = std::fs::read_dir(ledger.dir.path())
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .contains(".v2-")
        })
        .count();
    assert_eq!(backups, usize::from(dun::store::SCHEMA_VERSION > 2));
}

#[test]
fn a_schema_3_ledger_keeps_its_imports() {
    let ledger = Ledger::new();
    std::fs::copy("tests/fixtures/ledger-v3.db", &ledger.db).unwrap();
    let history = ledger.json(&["import", "history"]);
    let files: Vec<&str> = history
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["file_name"].as_str().unwrap())
        .collect();
    assert_eq!(
        files,
        [
            "generic-en-newer.csv",
            "bank-it.csv",
            "generic-it-cp1252.csv",
            "generic-en.csv"
        ]
    );
    let waiting = ledger.json(&["payment", "allocate"]);
    assert_eq!(waiting[0]["amount"], "1000.00");
    // 000124: 350.50, of which 300.00 settled before the two imports.
    let open = |as_of: &str| {
        let v = ledger.run_json(
            ledger
                .dun_as_of(as_of)
                .args(["invoice", "show", "000124", "--format", "json"]),
        );
        v[0]["open_balance"].as_str().unwrap().to_string()
    };
    assert_eq!(open("2026-11-22"), "50.50");
    assert_eq!(open("2026-11-21"), "350.50");
}
