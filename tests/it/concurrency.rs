//! Several dun processes writing one ledger at once: a write waits for
//! another (an import can hold the ledger for minutes) and says so; none
//! fails as "locked", and every write that succeeded is in the ledger.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use crate::common::tmux::Tmux;
use common::{AS_OF, Ledger, LedgerBuilder};

/// A write the ledger must hold at the end, and how its command ended.
struct Attempt {
    /// What to look for in the ledger's rows.
    mark: String,
    /// The command's exit and stderr.
    output: std::process::Output,
}

#[test]
fn a_write_waits_for_a_long_write_and_says_so() {
    let ledger = LedgerBuilder::new().customer("ACME", "Acme").build();
    // Another writer holds the ledger for longer than SQLite's usual wait.
    let holder = rusqlite::Connection::open(&ledger.db).unwrap();
    holder
        .execute_batch("BEGIN IMMEDIATE; UPDATE customer SET name = name;")
        .unwrap();
    let waiting = std::thread::scope(|scope| {
        let payment = scope.spawn(|| {
            ledger
                .dun()
                .args(["payment", "add", "--customer", "ACME", "--amount", "12.34"])
                .args(["--date", AS_OF, "--reference", "WAITED-1"])
                .output()
                .unwrap()
        });
        let note = scope.spawn(|| {
            ledger
                .dun()
                .args(["log", "ACME", "--kind", "note", "--note", "WAITED-2"])
                .output()
                .unwrap()
        });
        std::thread::sleep(Duration::from_secs(7));
        holder.execute_batch("COMMIT").unwrap();
        [payment.join().unwrap(), note.join().unwrap()]
    });
    for out in &waiting {
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "the write waited: {stderr}");
        assert!(stderr.contains("waiting for it to finish"), "{stderr}");
        assert!(!stderr.contains("locked"), "{stderr}");
    }
    let rows = ledger.dump().join("\n");
    assert!(rows.contains("WAITED-1") && rows.contains("WAITED-2"));
}

/// Payments and follow-ups, one after another until `stop`, by writer `n`.
fn write_until(ledger: &Ledger, n: usize, stop: &AtomicBool) -> Vec<Attempt> {
    let mut attempts = Vec::new();
    let code = format!("W{n}");
    for i in 0.. {
        if stop.load(Ordering::Relaxed) {
            break;
        }
        let mark = format!("T{n}-{i}");
        let output = if i % 2 == 0 {
            ledger
                .dun()
                .args(["payment", "add", "--customer", &code, "--amount", "1.00"])
                .args(["--date", AS_OF, "--reference", &mark])
                .output()
        } else {
            ledger
                .dun()
                .args(["log", &code, "--kind", "note", "--note", &mark])
                .output()
        };
        attempts.push(Attempt {
            mark,
            output: output.unwrap(),
        });
    }
    attempts
}

#[test]
fn writers_and_a_long_import_at_once_lose_nothing() {
    const WRITERS: usize = 3;
    let mut builder = LedgerBuilder::new();
    for n in 0..WRITERS {
        builder = builder.customer(&format!("W{n}"), &format!("Writer {n}"));
    }
    let ledger = builder.build();
    let big = ledger.dir.path().join("big.csv");
    common::demo_csv(60000, AS_OF, &big);
    let stop = AtomicBool::new(false);
    let (imports, writes) = std::thread::scope(|scope| {
        // Imports back to back (the first into a ledger with no invoice
        // yet) for a bounded time, while the writers write.
        let importer = scope.spawn(|| {
            let started = Instant::now();
            let mut outputs = Vec::new();
            while started.elapsed() < Duration::from_secs(20) {
                outputs.push(
                    ledger
                        .dun()
                        .args(["import", "invoices"])
                        .arg(&big)
                        .output()
                        .unwrap(),
                );
            }
            stop.store(true, Ordering::Relaxed);
            outputs
        });
        let writers: Vec<_> = (0..WRITERS)
            .map(|n| {
                let (ledger, stop) = (&ledger, &stop);
                scope.spawn(move || write_until(ledger, n, stop))
            })
            .collect();
        let imports = importer.join().unwrap();
        let writes: Vec<Attempt> = writers
            .into_iter()
            .flat_map(|w| w.join().unwrap())
            .collect();
        (imports, writes)
    });
    for out in &imports {
        assert!(
            out.status.success(),
            "import: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    assert!(writes.len() >= 2 * WRITERS, "the writers wrote");
    let rows = ledger.dump().join("\n");
    for attempt in &writes {
        let stderr = String::from_utf8_lossy(&attempt.output.stderr);
        assert!(
            attempt.output.status.success(),
            "{}: {stderr}",
            attempt.mark
        );
        assert!(!stderr.contains("locked"), "{}: {stderr}", attempt.mark);
        assert!(
            rows.contains(&format!("\"{}\"", attempt.mark)),
            "{} is in the ledger",
            attempt.mark
        );
    }
    let invoices: i64 = rusqlite::Connection::open(&ledger.db)
        .unwrap()
        .query_row("SELECT count(*) FROM invoice", [], |r| r.get(0))
        .unwrap();
    assert!(invoices >= 60000, "the import is in: {invoices}");
}

#[test]
fn the_dashboard_waits_for_a_busy_ledger_and_keeps_answering() {
    let demo = common::Ledger::demo(120, 3, AS_OF);
    let tmux = Tmux::board(&demo);
    tmux.keys(&["Enter"]);
    tmux.wait_for("call first");
    // Another dun holds the ledger for a long write while the form is saved.
    let holder = rusqlite::Connection::open(&demo.db).unwrap();
    holder
        .execute_batch("BEGIN IMMEDIATE; UPDATE customer SET name = name;")
        .unwrap();
    tmux.keys(&["l"]);
    tmux.wait_for("Log a follow-up");
    tmux.type_text("c");
    tmux.wait_for("[call]");
    tmux.keys(&["Tab"]);
    tmux.type_text("saved once the import is done");
    let asked = Instant::now();
    tmux.keys(&["Enter"]);
    tmux.wait_for("waiting for another dun's write");
    assert!(
        asked.elapsed() < Duration::from_secs(3),
        "the dashboard answered at once: {:?}",
        asked.elapsed()
    );
    // The keyboard still answers while the save waits, its form open.
    tmux.type_text(", really");
    tmux.wait_for("done, really");
    std::thread::sleep(Duration::from_millis(600));
    tmux.wait_for("waiting for another dun's write");
    // Once the other write ends, the form is saved by itself, as it is now.
    holder.execute_batch("COMMIT").unwrap();
    tmux.wait_for("logged the call");
    let outcome: String = rusqlite::Connection::open(&demo.db)
        .unwrap()
        .query_row(
            "SELECT outcome FROM activity ORDER BY id DESC LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(outcome, "saved once the import is done, really");
}

#[test]
fn a_waiting_save_thrown_away_with_esc_is_never_written() {
    let demo = common::Ledger::demo(120, 3, AS_OF);
    let before = common::dump(&demo.db);
    let tmux = Tmux::board(&demo);
    tmux.keys(&["Enter"]);
    tmux.wait_for("call first");
    let holder = rusqlite::Connection::open(&demo.db).unwrap();
    holder
        .execute_batch("BEGIN IMMEDIATE; UPDATE customer SET name = name;")
        .unwrap();
    tmux.keys(&["l"]);
    tmux.wait_for("Log a follow-up");
    tmux.type_text("c");
    tmux.keys(&["Tab"]);
    tmux.type_text("never saved");
    tmux.keys(&["Enter"]);
    tmux.wait_for("waiting for another dun's write");
    // esc asks; while it asks, the save is not tried; a second esc throws
    // the form, and the waiting save with it, away.
    tmux.keys(&["Escape"]);
    tmux.wait_for("Throw away what you typed?");
    std::thread::sleep(Duration::from_millis(600));
    tmux.keys(&["Escape"]);
    tmux.wait_gone("Log a follow-up");
    holder.execute_batch("COMMIT").unwrap();
    std::thread::sleep(Duration::from_millis(800));
    tmux.quit();
    assert_eq!(common::dump(&demo.db), before, "nothing was written");
}
