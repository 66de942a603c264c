//! Bad input: a one-line error that names what was wrong and what was
//! expected, exit code 1, and a ledger exactly as it was.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use common::{Ledger, LedgerBuilder};

fn seeded() -> Ledger {
    LedgerBuilder::new()
        .customer("ACME", "Acme Ltd")
        .customer("OTHER", "Other Ltd")
        .invoice("INV-1", "ACME", "2026-09-01", "2026-10-01", "100")
        .invoice("PAID-1", "ACME", "2026-09-01", "2026-10-01", "10")
        .payment_to("ACME", "10", "2026-10-01", "PAID-1")
        .build()
}

const INVOICE: &[&str] = &[
    "invoice",
    "add",
    "NEW-1",
    "--customer",
    "ACME",
    "--issued",
    "2026-09-01",
];

/// (arguments, words the one-line message must contain)
fn cases() -> Vec<(Vec<&'static str>, Vec<&'static str>)> {
    let with = |extra: &[&'static str]| -> Vec<&'static str> {
        INVOICE
            .iter()
            .copied()
            .chain(extra.iter().copied())
            .collect()
    };
    vec![
        (
            with(&["--due", "2026-02-30", "--amount", "5"]),
            vec!["2026-02-30", "YYYY-MM-DD"],
        ),
        (
            with(&["--due", "10/01/2026", "--amount", "5"]),
            vec!["10/01/2026", "YYYY-MM-DD"],
        ),
        (
            with(&["--due", "2026-10-01", "--amount", "12,5"]),
            vec!["--amount", "12,5", "1,234.56"],
        ),
        (
            with(&["--due", "2026-10-01", "--amount", "ten"]),
            vec!["--amount", "ten", "expected"],
        ),
        (
            with(&["--due", "2026-10-01", "--amount", "1.005"]),
            vec!["1.005", "2 decimal places", "EUR"],
        ),
        (
            with(&["--due", "2026-10-01", "--amount", "-5"]),
            vec!["must be positive", "--credit-note"],
        ),
        (
            with(&["--due", "2026-10-01", "--amount", "0"]),
            vec!["must be positive"],
        ),
        (
            with(&["--due", "2026-10-01", "--amount", "5", "--currency", "EURO"]),
            vec!["EURO", "three letters"],
        ),
        (
            with(&["--due", "2026-08-01", "--amount", "5"]),
            vec!["NEW-1", "before it is issued"],
        ),
        (with(&["--amount", "5"]), vec!["missing", "--due"]),
        (
            vec![
                "invoice",
                "add",
                "NEW-1",
                "--customer",
                "NOPE",
                "--issued",
                "2026-09-01",
                "--due",
                "2026-10-01",
                "--amount",
                "5",
            ],
            vec!["--customer", "no customer 'NOPE'"],
        ),
        (
            vec![
                "invoice",
                "add",
                "INV-1",
                "--customer",
                "ACME",
                "--issued",
                "2026-09-01",
                "--due",
                "2026-10-01",
                "--amount",
                "5",
            ],
            vec!["invoice number 'INV-1' already exists"],
        ),
        (
            vec!["invoice", "write-off", "PAID-1"],
            vec!["PAID-1", "is paid"],
        ),
        (
            vec!["invoice", "write-off", "NOPE-9"],
            vec!["no invoice 'NOPE-9'"],
        ),
        (
            vec!["invoice", "show", "NOPE-9"],
            vec!["no invoice 'NOPE-9'"],
        ),
        (
            vec!["payment", "add", "--customer", "ACME", "--amount", "5"],
            vec!["missing", "--date"],
        ),
        (
            vec![
                "payment",
                "add",
                "--customer",
                "ACME",
                "--amount",
                "5",
                "--date",
                "yesterday",
            ],
            vec!["yesterday", "YYYY-MM-DD"],
        ),
        (
            vec![
                "payment",
                "add",
                "--customer",
                "ACME",
                "--amount",
                "-5",
                "--date",
                "2026-11-01",
            ],
            vec!["must be positive"],
        ),
        (
            vec![
                "payment",
                "add",
                "--customer",
                "OTHER",
                "--amount",
                "5",
                "--date",
                "2026-11-01",
                "--invoice",
                "INV-1",
            ],
            vec!["INV-1", "another customer"],
        ),
        (
            vec![
                "payment",
                "add",
                "--customer",
                "ACME",
                "--amount",
                "5",
                "--date",
                "2026-11-01",
                "--invoice",
                "X-404",
            ],
            vec!["--invoice", "no invoice 'X-404'"],
        ),
        (
            vec![
                "payment",
                "add",
                "--customer",
                "ACME",
                "--amount",
                "5",
                "--date",
                "2026-11-01",
                "--currency",
                "USD",
                "--invoice",
                "INV-1",
            ],
            vec!["INV-1", "EUR", "USD"],
        ),
        (
            vec![
                "payment",
                "add",
                "--customer",
                "GHOST",
                "--amount",
                "5",
                "--date",
                "2026-11-01",
            ],
            vec!["no customer 'GHOST'"],
        ),
        (
            vec!["customer", "add", "ACME", "--name", "Again"],
            vec!["ACME", "already in use"],
        ),
        (
            vec!["customer", "add", "NEW", "--name", "  "],
            vec!["--name", "empty"],
        ),
        (vec!["customer", "add", "NEW"], vec!["missing", "--name"]),
        (
            vec![
                "customer",
                "add",
                "NEW",
                "--name",
                "N",
                "--email",
                "not-an-email",
            ],
            vec!["not-an-email", "name@domain"],
        ),
        (
            vec!["customer", "add", "NEW", "--name", "N", "--language", "de"],
            vec!["--language", "'de'", "en, it, es, fr, ro"],
        ),
        (
            vec!["customer", "add", "NEW", "--name", "N", "--policy", "lax"],
            vec!["--policy", "lax", "slow_payer"],
        ),
        (
            vec!["customer", "add", "NEW", "--name", "N", "--discount", "2%"],
            vec!["--discount", "PERCENT/DAYS"],
        ),
        (
            vec![
                "customer",
                "add",
                "NEW",
                "--name",
                "N",
                "--credit-limit",
                "1.000,00",
            ],
            vec!["--credit-limit", "1.000,00"],
        ),
        (
            vec!["customer", "edit", "NOPE", "--name", "N"],
            vec!["no customer 'NOPE'"],
        ),
        (vec!["customer", "show", "NOPE"], vec!["no customer 'NOPE'"]),
        (
            vec!["log", "ACME", "--kind", "fax"],
            vec!["--kind", "'fax'", "call, email"],
        ),
        (
            vec!["log", "ACME", "--kind", "call", "--stage", "nag"],
            vec!["--stage", "'nag'", "overdue_email"],
        ),
        (
            vec!["log", "ACME", "--kind", "call", "--invoice", "X-404"],
            vec!["--invoice", "no invoice 'X-404'"],
        ),
        (
            vec!["log", "OTHER", "--kind", "call", "--invoice", "INV-1"],
            vec!["INV-1", "another customer"],
        ),
        (
            vec!["log", "ACME", "--kind", "call", "--next", "2026-01-01"],
            vec!["--next", "on or after"],
        ),
        (vec!["log", "ACME"], vec!["missing", "--kind"]),
        (
            vec!["promise", "ACME", "--date", "2026-12-01", "--amount", "-5"],
            vec!["--amount", "positive"],
        ),
        (
            vec!["promise", "ACME", "--date", "2026-11-01", "--amount", "5"],
            vec!["promised date", "before"],
        ),
        (
            vec!["promise", "ACME", "--amount", "5"],
            vec!["missing", "--date"],
        ),
        (
            vec![
                "promise",
                "ACME",
                "--date",
                "2026-12-01",
                "--amount",
                "5",
                "--currency",
                "USD",
                "--invoice",
                "INV-1",
            ],
            vec!["--invoice", "INV-1 is in EUR, not USD"],
        ),
        (
            vec!["plan", "ACME", "--instalment", "2026-12-01"],
            vec!["--instalment", "DATE:AMOUNT"],
        ),
        (
            vec!["plan", "ACME", "--instalment", "2026-12-01:abc"],
            vec!["--instalment", "abc"],
        ),
        (
            vec!["plan", "ACME", "--instalment", "2026-10-01:50"],
            vec!["instalment", "before the plan"],
        ),
        (
            vec![
                "plan",
                "ACME",
                "--instalment",
                "2026-12-01:5",
                "--instalment",
                "2026-12-01:5",
            ],
            vec!["same date"],
        ),
        (vec!["plan", "ACME"], vec!["missing", "--instalment"]),
        (
            vec!["invoice", "dispute", "PAID-1", "--reason", "late"],
            vec!["PAID-1", "not open"],
        ),
        (
            vec!["invoice", "dispute", "INV-1", "--reason", " "],
            vec!["--reason", "empty"],
        ),
        (
            vec!["invoice", "resolve", "INV-1"],
            vec!["INV-1", "no open dispute"],
        ),
        (
            vec!["release", "ACME", "--reason", "paid"],
            vec!["not on hold"],
        ),
        (
            vec!["hold", "NOPE", "--reason", "x"],
            vec!["no customer 'NOPE'"],
        ),
        (vec!["status", "NOPE"], vec!["no customer 'NOPE'"]),
        (vec!["why", "NOPE-1"], vec!["no invoice 'NOPE-1'"]),
        (
            vec!["log", "ACME", "--kind", "note", "--stage", "call"],
            vec!["--stage", "a note cannot perform 'call'"],
        ),
        (
            vec!["status", "ACME", "--format", "csv"],
            vec!["--format", "table or json"],
        ),
        (
            vec!["why", "INV-1", "--format", "csv"],
            vec!["--format", "table or json"],
        ),
        (vec!["hold", "ACME"], vec!["missing", "--reason"]),
    ]
}

#[test]
fn every_bad_input_is_refused_in_one_line_with_exit_1_and_nothing_written() {
    let ledger = seeded();
    let before = ledger.dump();
    assert!(before.len() > 5, "the ledger has content to protect");
    for (args, words) in cases() {
        let output = if args.contains(&"--as-of") {
            common::bare_dun(ledger.dir.path())
                .arg("--db")
                .arg(&ledger.db)
                .args(&args)
                .output()
                .unwrap()
        } else {
            ledger.dun().args(&args).output().unwrap()
        };
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(1), "dun {args:?}: {stderr}");
        assert!(
            output.stdout.is_empty(),
            "dun {args:?} printed {:?}",
            String::from_utf8_lossy(&output.stdout)
        );
        assert_eq!(
            stderr.trim_end().lines().count(),
            1,
            "dun {args:?}: not one line: {stderr}"
        );
        assert!(stderr.starts_with("error: "), "dun {args:?}: {stderr}");
        for word in words {
            assert!(
                stderr.contains(word),
                "dun {args:?}: {stderr:?} lacks {word:?}"
            );
        }
        assert_eq!(ledger.dump(), before, "dun {args:?} changed the ledger");
    }
}

#[test]
fn usage_errors_keep_clap_exit_code_2() {
    let ledger = seeded();
    let output = ledger
        .dun()
        .args(["invoice", "frobnicate"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let output = ledger.dun().args(["aging", "--colour"]).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn reading_a_missing_ledger_says_how_to_create_one() {
    let ledger = Ledger::new();
    let output = ledger.dun().args(["invoice", "list"]).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("no ledger at") && stderr.contains("dun init"),
        "{stderr}"
    );
    assert!(!ledger.db.exists(), "a read must not create the ledger");
}

#[test]
fn control_characters_in_bad_input_are_not_echoed_raw() {
    let ledger = seeded();
    let output = ledger
        .dun()
        .args(["customer", "show", "X\u{1b}[2J"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains('\u{1b}'), "{stderr:?}");
    assert!(stderr.contains("X\\x1b[2J"), "{stderr:?}");
}

#[test]
fn a_bad_as_of_date_is_bad_input() {
    let ledger = seeded();
    let output = common::bare_dun(ledger.dir.path())
        .arg("--db")
        .arg(&ledger.db)
        .args(["--as-of", "2026-13-01", "aging"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("2026-13-01") && stderr.contains("YYYY-MM-DD"),
        "{stderr}"
    );
}

#[test]
fn a_refused_write_does_not_create_a_ledger() {
    let ledger = Ledger::new();
    let output = ledger
        .dun()
        .args([
            "invoice",
            "add",
            "1",
            "--customer",
            "NOPE",
            "--issued",
            "2026-09-01",
            "--due",
            "2026-10-01",
            "--amount",
            "5",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(!ledger.db.exists());
}

#[test]
fn demo_csv_never_overwrites_a_file() {
    let ledger = seeded();
    let before = std::fs::read(&ledger.db).unwrap();
    let output = ledger
        .dun()
        .args(["demo", "--invoices", "5", "--csv"])
        .arg(&ledger.db)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("must not exist"));
    assert_eq!(std::fs::read(&ledger.db).unwrap(), before);
}
