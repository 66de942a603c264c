//! The waiting bank lines on the dashboard, in a real terminal (tmux): a
//! line no rule was sure of is listed with its best candidate and why, and
//! allocated with two presses of enter (ask, confirm) through the write
//! path. Needs tmux.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common::tmux::Tmux;

#[test]
fn a_waiting_bank_line_is_allocated_to_its_best_candidate_from_the_dashboard() {
    let ledger = super::matching::ledger();
    let statement = ledger.dir.path().join("statement.csv");
    std::fs::write(
        &statement,
        "Date,Amount,Currency,Payer,Reference\n\
         2026-11-20,800.00,EUR,ACME TRADING,November\n",
    )
    .unwrap();
    let report = ledger.json(&["import", "payments", statement.to_str().unwrap()]);
    assert_eq!(report["waiting"].as_array().unwrap().len(), 1, "{report}");

    let tmux = Tmux::board(&ledger);
    tmux.wait_for("b Bank lines (1)");
    tmux.keys(&["b"]);
    tmux.wait_for("Why it waits");
    let screen = tmux.wait_for("ACME A-1, A-2");
    assert!(screen.contains("100% like Acme Trading Ltd"), "{screen}");
    tmux.keys(&["Enter"]);
    tmux.wait_for("press the key again to confirm");
    tmux.keys(&["Enter"]);
    tmux.wait_for("allocated 800.00 EUR to ACME");
    tmux.wait_for("no bank line is waiting");
    tmux.keys(&["q"]);
    tmux.wait_for("DUN-EXIT=0");

    let conn = rusqlite::Connection::open(&ledger.db).unwrap();
    let open: i64 = conn
        .query_row(
            "SELECT SUM(open_minor) FROM invoice WHERE number IN ('A-1', 'A-2')",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(open, 0);
    let waiting: i64 = conn
        .query_row(
            "SELECT COUNT(*) FROM receipt WHERE allocated_to IS NULL",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(waiting, 0);
}
