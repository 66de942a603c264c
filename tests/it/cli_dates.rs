//! Dates typed on the command line: written out, or as a shortcut read
//! against `--as-of` (never the clock), by every date flag.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common::{Ledger, LedgerBuilder};
use crate::engine_rules::ok_at as ok;

fn ledger() -> Ledger {
    LedgerBuilder::new()
        .customer("ACME", "Acme Srl")
        .invoice("INV-1", "ACME", "2026-09-01", "2026-10-01", "1000")
        .build()
}

fn one(ledger: &Ledger, sql: &str) -> String {
    let conn = rusqlite::Connection::open(&ledger.db).unwrap();
    conn.query_row(sql, [], |r| r.get(0)).unwrap()
}

#[test]
fn every_date_flag_reads_shortcuts_against_the_as_of_date() {
    // 2026-11-22 is a Sunday.
    let l = ledger();
    let as_of = "2026-11-22";
    ok(
        &l,
        as_of,
        &[
            "invoice",
            "add",
            "INV-2",
            "--customer",
            "ACME",
            "--issued",
            "today",
            "--due",
            "15",
            "--amount",
            "50",
        ],
    );
    ok(
        &l,
        as_of,
        &["promise", "ACME", "--date", "fri", "--amount", "100"],
    );
    ok(
        &l,
        as_of,
        &[
            "log", "ACME", "--kind", "call", "--date", "today", "--next", "2w",
        ],
    );
    ok(
        &l,
        as_of,
        &[
            "payment",
            "add",
            "--customer",
            "ACME",
            "--amount",
            "5",
            "--date",
            "today",
        ],
    );
    ok(
        &l,
        as_of,
        &[
            "plan",
            "ACME",
            "--instalment",
            "+3:10",
            "--instalment",
            "2w:20",
        ],
    );
    assert_eq!(
        one(
            &l,
            "SELECT issue_date || ' ' || due_date FROM invoice WHERE number = 'INV-2'"
        ),
        "2026-11-22 2026-12-15"
    );
    assert_eq!(one(&l, "SELECT promised_on FROM promise"), "2026-11-27");
    assert_eq!(
        one(
            &l,
            "SELECT occurred_on || ' ' || next_on FROM activity WHERE kind = 'call'"
        ),
        "2026-11-22 2026-12-06"
    );
    assert_eq!(one(&l, "SELECT paid_on FROM payment"), "2026-11-22");
    assert_eq!(
        one(
            &l,
            "SELECT group_concat(due_on, ' ') FROM (SELECT due_on FROM instalment ORDER BY due_on)"
        ),
        "2026-11-25 2026-12-06"
    );
}

#[test]
fn the_same_shortcut_on_another_as_of_date_is_another_date() {
    for (as_of, date, expected) in [
        ("2026-11-27", "fri", "2026-12-04"),
        ("2026-11-25", "+3", "2026-11-28"),
        ("2026-12-15", "15", "2027-01-15"),
        ("2027-01-31", "30", "2027-03-30"),
        ("2026-11-25", "tomorrow", "2026-11-26"),
        ("2026-11-25", "2026-12-01", "2026-12-01"),
    ] {
        let l = ledger();
        ok(
            &l,
            as_of,
            &["promise", "ACME", "--date", date, "--amount", "100"],
        );
        assert_eq!(
            one(&l, "SELECT promised_on FROM promise"),
            expected,
            "{date} as of {as_of}"
        );
    }
}

#[test]
fn a_date_that_is_no_date_nor_shortcut_is_refused_saying_what_is() {
    let l = ledger();
    let before = l.dump();
    let output = l
        .dun()
        .args(["promise", "ACME", "--date", "someday", "--amount", "100"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    for word in ["someday", "YYYY-MM-DD", "today", "+3", "2w", "fri", "15"] {
        assert!(stderr.contains(word), "{word}: {stderr}");
    }
    assert_eq!(l.dump(), before, "nothing written");
    // The as-of date itself is written out: it is what shortcuts are read from.
    let output = crate::common::bare_dun(l.dir.path())
        .arg("--db")
        .arg(&l.db)
        .args(["--as-of", "fri", "aging"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("'fri' is not a date"));
}

#[test]
fn the_help_of_date_flags_shows_the_shortcuts() {
    let l = ledger();
    for command in [
        &["promise", "--help"][..],
        &["log", "--help"],
        &["payment", "add", "--help"],
    ] {
        let output = l.dun().args(command).output().unwrap();
        let help = String::from_utf8_lossy(&output.stdout);
        let help = help.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(
            help.contains("today, tomorrow, +3, 2w, fri or 15"),
            "{command:?}: {help}"
        );
    }
}
