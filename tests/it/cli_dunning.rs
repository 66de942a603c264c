//! The dunning engine through the real binary: the agenda, follow-up
//! logging, promises, plans, disputes, holds, the measure history, status
//! and why.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use common::{Ledger, LedgerBuilder};
use serde_json::{Value, json};

fn at(ledger: &Ledger, date: &str, args: &[&str]) -> std::process::Output {
    common::bare_dun(ledger.dir.path())
        .arg("--db")
        .arg(&ledger.db)
        .args(["--as-of", date])
        .args(args)
        .output()
        .unwrap()
}

fn json_at(ledger: &Ledger, date: &str, args: &[&str]) -> Value {
    let mut all = args.to_vec();
    all.extend(["--format", "json"]);
    let out = at(ledger, date, &all);
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// ACME owes 1,000 (40 days late) and 200 (8 days late); BETA owes 5,000
/// (10 days late); GAMMA's invoice is not due yet.
fn ledger() -> Ledger {
    LedgerBuilder::new()
        .customer("ACME", "Acme Ltd")
        .customer("BETA", "Beta SpA")
        .customer("GAMMA", "Gamma SL")
        .invoice("A-1", "ACME", "2026-09-01", "2026-10-13", "1000")
        .invoice("A-2", "ACME", "2026-09-01", "2026-11-14", "200")
        .invoice("B-1", "BETA", "2026-09-01", "2026-11-12", "5000")
        .invoice("G-1", "GAMMA", "2026-09-01", "2026-12-31", "300")
        .build()
}

fn items(agenda: &Value) -> Vec<(String, String, String)> {
    agenda
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["customer"].as_str().unwrap().to_string(),
                i["action"].as_str().unwrap().to_string(),
                i["stage"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn the_agenda_lists_each_customer_and_action_once_largest_balance_first() {
    let l = ledger();
    let agenda = l.json(&["agenda"]);
    let expected = [
        ("ACME", "stop_supply", "stop_supply"),
        ("ACME", "call", "call"),
        ("BETA", "call", "call"),
    ];
    let expected: Vec<(String, String, String)> = expected
        .iter()
        .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
        .collect();
    // BETA's 5,000 overdue comes before ACME's 1,200.
    assert_eq!(items(&agenda)[0].0, "BETA");
    let mut got = items(&agenda);
    got.sort();
    let mut want = expected;
    want.sort();
    assert_eq!(got, want);
    let beta = &agenda[0];
    assert_eq!(beta["invoices"], json!(["B-1"]));
    assert_eq!(beta["overdue_balance"], "5000.00");
    assert_eq!(beta["currency"], "EUR");
    assert!(
        beta["why"]
            .as_str()
            .unwrap()
            .starts_with("B-1 due 2026-11-12, 10 days overdue ≥ 7: call")
    );
    let table = l.ok(&["agenda"]);
    assert!(table.contains("3 items as of 2026-11-22"), "{table}");
}

#[test]
fn logging_the_action_takes_it_off_the_agenda() {
    let l = ledger();
    l.ok(&[
        "log",
        "BETA",
        "--kind",
        "call",
        "--outcome",
        "will pay Friday",
        "--invoice",
        "B-1",
    ]);
    let agenda = l.json(&["agenda"]);
    assert!(
        items(&agenda).iter().all(|(c, _, _)| c != "BETA"),
        "{agenda}"
    );
    let status = l.json(&["status", "BETA"]);
    assert_eq!(status["history"][0]["kind"], "call");
    assert!(
        status["history"][0]["text"]
            .as_str()
            .unwrap()
            .contains("will pay Friday")
    );
}

#[test]
fn a_promise_pauses_chasing_and_breaking_it_means_cash_only() {
    let l = ledger();
    l.ok(&[
        "promise",
        "BETA",
        "--date",
        "2026-11-30",
        "--amount",
        "5000",
    ]);
    let invoices = l.json(&["invoice", "list", "--customer", "BETA"]);
    assert_eq!(invoices[0]["stage"], "promised");
    assert!(
        items(&l.json(&["agenda"]))
            .iter()
            .all(|(c, _, _)| c != "BETA")
    );
    // The promised date passes without the money.
    let later = json_at(&l, "2026-12-02", &["agenda"]);
    let beta: Vec<_> = items(&later)
        .into_iter()
        .filter(|(c, _, _)| c == "BETA")
        .collect();
    assert!(
        beta.contains(&("BETA".into(), "call".into(), "broken_promise".into())),
        "{beta:?}"
    );
    let customers = json_at(&l, "2026-12-02", &["customer", "list"]);
    let beta = customers
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["code"] == "BETA")
        .unwrap();
    // Not new: invoiced since 1 September, more than three months ago.
    assert_eq!(beta["measures"], json!(["cash_only"]));
    // Kept on time instead: no measure, nothing to chase.
    // Recorded once received: as of its own date.
    let paid = at(
        &l,
        "2026-11-29",
        &[
            "payment",
            "add",
            "--customer",
            "BETA",
            "--amount",
            "5000",
            "--date",
            "2026-11-29",
        ],
    );
    assert!(
        paid.status.success(),
        "{}",
        String::from_utf8_lossy(&paid.stderr)
    );
    let customers = json_at(&l, "2026-12-02", &["customer", "list"]);
    let beta = customers
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["code"] == "BETA")
        .unwrap();
    assert_eq!(beta["measures"], json!([]));
}

#[test]
fn a_dispute_takes_the_invoice_off_the_ladder_until_resolved() {
    let l = ledger();
    l.ok(&[
        "invoice",
        "dispute",
        "A-1",
        "--reason",
        "wrong quantity delivered",
    ]);
    let invoices = l.json(&["invoice", "list", "--customer", "ACME"]);
    let a1 = invoices
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["number"] == "A-1")
        .unwrap();
    assert_eq!(a1["stage"], "disputed");
    let acme: Vec<_> = items(&l.json(&["agenda"]))
        .into_iter()
        .filter(|(c, _, _)| c == "ACME")
        .collect();
    assert_eq!(
        acme,
        [("ACME".into(), "call".into(), "call".into())],
        "only A-2's call is left"
    );
    let customers = l.json(&["customer", "list"]);
    let acme = customers
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["code"] == "ACME")
        .unwrap();
    assert_eq!(
        acme["measures"],
        json!(["probation"]),
        "the disputed invoice does not stop supply"
    );
    // A week later, unresolved, it comes back.
    let later = json_at(&l, "2026-11-30", &["agenda"]);
    assert!(
        items(&later).contains(&("ACME".into(), "call".into(), "disputed".into())),
        "{later}"
    );
    l.ok(&[
        "invoice",
        "resolve",
        "A-1",
        "--note",
        "customer accepted the delivery note",
    ]);
    let invoices = l.json(&["invoice", "list", "--customer", "ACME"]);
    let a1 = invoices
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["number"] == "A-1")
        .unwrap();
    assert_eq!(a1["stage"], "stop_supply");
}

#[test]
fn a_plan_pauses_chasing_and_a_missed_instalment_asks_for_a_reminder() {
    let l = ledger();
    l.ok(&[
        "plan",
        "ACME",
        "--instalment",
        "2026-11-30:600",
        "--instalment",
        "2026-12-30:600",
    ]);
    let invoices = l.json(&["invoice", "list", "--customer", "ACME"]);
    assert!(
        invoices
            .as_array()
            .unwrap()
            .iter()
            .all(|i| i["stage"] == "in_plan"),
        "{invoices}"
    );
    assert!(
        items(&l.json(&["agenda"]))
            .iter()
            .all(|(c, _, _)| c != "ACME")
    );
    let later = json_at(&l, "2026-12-02", &["agenda"]);
    assert!(
        items(&later).contains(&("ACME".into(), "email".into(), "missed_instalment".into())),
        "{later}"
    );
    // Paid on time instead: still on track.
    // Recorded once received: as of its own date.
    let paid = at(
        &l,
        "2026-11-29",
        &[
            "payment",
            "add",
            "--customer",
            "ACME",
            "--amount",
            "600",
            "--date",
            "2026-11-29",
        ],
    );
    assert!(
        paid.status.success(),
        "{}",
        String::from_utf8_lossy(&paid.stderr)
    );
    let later = json_at(&l, "2026-12-02", &["agenda"]);
    assert!(items(&later).iter().all(|(c, _, _)| c != "ACME"), "{later}");
}

#[test]
fn holds_and_measure_changes_are_logged() {
    let l = ledger();
    l.ok(&["hold", "GAMMA", "--reason", "awaiting a bank guarantee"]);
    let customers = l.json(&["customer", "list"]);
    let gamma = customers
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["code"] == "GAMMA")
        .unwrap();
    assert!(
        gamma["measures"]
            .as_array()
            .unwrap()
            .contains(&json!("hold"))
    );
    l.ok(&["release", "GAMMA", "--reason", "guarantee received"]);
    // ACME reached stop supply; paying the late invoice leaves A-2 overdue,
    // so stop supply stays; paying A-2 too lifts it. Each change is logged.
    l.ok(&[
        "payment",
        "add",
        "--customer",
        "ACME",
        "--amount",
        "1000",
        "--date",
        "2026-11-22",
        "--invoice",
        "A-1",
    ]);
    let status = l.json(&["status", "ACME"]);
    let measures: Vec<&str> = status["measures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["measure"].as_str().unwrap())
        .collect();
    assert!(measures.contains(&"stop_supply"), "{status}");
    l.ok(&[
        "payment",
        "add",
        "--customer",
        "ACME",
        "--amount",
        "200",
        "--date",
        "2026-11-22",
    ]);
    let conn = rusqlite::Connection::open(&l.db).unwrap();
    let events: Vec<(String, String, String)> = conn
        .prepare("SELECT c.code, m.measure, m.event FROM measure_event m JOIN customer c ON c.id = m.customer_id ORDER BY m.id")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let event = |c: &str, m: &str, e: &str| (c.to_string(), m.to_string(), e.to_string());
    assert_eq!(
        events,
        [
            // A-1 was entered 40 days late: stop supply from the start.
            event("ACME", "stop_supply", "start"),
            event("GAMMA", "hold", "start"),
            event("GAMMA", "hold", "lift"),
            event("ACME", "stop_supply", "lift"),
        ]
    );
}

#[test]
fn status_shows_interest_and_fees_and_why_shows_the_trace() {
    let l = ledger();
    let config = l.dir.path().join("terms.toml");
    std::fs::write(
        &config,
        "[terms]\ninterest = \"statutory\"\nreference_rate = \"2.15\"\ncompensation = \"40\"\n",
    )
    .unwrap();
    let out = l
        .dun()
        .arg("--config")
        .arg(&config)
        .args(["status", "ACME", "--format", "json"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let status: Value = serde_json::from_slice(&out.stdout).unwrap();
    let a1 = status["invoices"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["number"] == "A-1")
        .unwrap();
    // 1000 × 10.15% × 40 / 365 = 11.12; plus 40 compensation.
    assert_eq!(a1["interest"], "11.12");
    assert_eq!(a1["fees"], "40.00");
    assert_eq!(a1["amount_due"], "1051.12");
    let why = l.json(&["why", "A-1"]);
    assert_eq!(why["stage"], "stop_supply");
    let trace: Vec<&str> = why["trace"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_str().unwrap())
        .collect();
    assert!(
        trace
            .iter()
            .any(|t| t.contains("call") && t.contains("reached, not done")),
        "{trace:?}"
    );
    assert!(
        trace
            .iter()
            .any(|t| t.contains("cash_only") && t.contains("not reached")),
        "{trace:?}"
    );
    let text = l.ok(&["why", "A-1"]);
    assert!(
        text.starts_with("A-1 (ACME) as of 2026-11-22: stop_supply"),
        "{text}"
    );
}

#[test]
fn status_suggests_the_slow_payer_profile_for_late_payers() {
    let mut slow = LedgerBuilder::new().customer("SLOW", "Slow Ltd");
    for (n, due, paid) in [
        (1, "2026-06-01", "2026-07-10"),
        (2, "2026-07-01", "2026-08-05"),
        (3, "2026-08-01", "2026-09-01"),
    ] {
        let number = format!("S-{n}");
        slow = slow
            .invoice(&number, "SLOW", "2026-05-01", due, "100")
            .payment_to("SLOW", "100", paid, &number);
    }
    let l = slow.build();
    let status = l.json(&["status", "SLOW"]);
    assert_eq!(status["average_days_late"], "35");
    assert!(
        status["suggestion"]
            .as_str()
            .unwrap()
            .contains("--policy slow_payer"),
        "{status}"
    );
}

#[test]
fn a_log_entry_records_the_stage_it_performs_and_only_that_one() {
    let l = ledger();
    let out = l.ok(&["log", "BETA", "--kind", "call"]);
    assert!(out.contains("logged call for call with BETA"), "{out}");
    // A visit performs no written notice: ACME's stop-supply notice is still due.
    let out = l.ok(&["log", "ACME", "--kind", "visit"]);
    assert!(
        out.contains("logged visit for call"),
        "the visit answers A-2's call: {out}"
    );
    let agenda = l.json(&["agenda"]);
    assert!(
        items(&agenda).contains(&("ACME".into(), "stop_supply".into(), "stop_supply".into())),
        "{agenda}"
    );
    // An email now is taken as that notice, and says so.
    let out = l.ok(&["log", "ACME", "--kind", "email"]);
    assert!(out.contains("logged email for stop_supply"), "{out}");
    assert!(
        items(&l.json(&["agenda"]))
            .iter()
            .all(|(c, _, _)| c != "ACME")
    );
}

#[test]
fn repeated_invoices_count_once_and_credit_notes_cannot_be_promised() {
    let l = ledger();
    l.ok(&[
        "log",
        "ACME",
        "--kind",
        "call",
        "--invoice",
        "A-2",
        "--invoice",
        "A-2",
    ]);
    l.ok(&[
        "invoice",
        "add",
        "CN-9",
        "--customer",
        "ACME",
        "--issued",
        "2026-11-20",
        "--due",
        "2026-11-20",
        "--amount",
        "5",
        "--credit-note",
    ]);
    let out = at(
        &l,
        "2026-11-22",
        &[
            "promise",
            "ACME",
            "--date",
            "2026-11-30",
            "--amount",
            "10",
            "--invoice",
            "CN-9",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("CN-9 is a credit note"));
}

#[test]
fn holds_cannot_overlap() {
    let l = ledger();
    at(&l, "2026-11-01", &["hold", "GAMMA", "--reason", "first"]);
    at(&l, "2026-11-10", &["release", "GAMMA", "--reason", "done"]);
    let out = at(&l, "2026-11-05", &["hold", "GAMMA", "--reason", "second"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("released 2026-11-10"));
}

#[test]
fn a_write_dated_in_the_future_does_not_write_the_measure_history_ahead() {
    let l = ledger();
    let today = chrono::Local::now().date_naive().to_string();
    let out = at(
        &l,
        "2999-01-01",
        &["log", "GAMMA", "--kind", "note", "--note", "planning ahead"],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let conn = rusqlite::Connection::open(&l.db).unwrap();
    let late: i64 = conn
        .query_row(
            "SELECT COUNT(*) FROM measure_event WHERE effective_on > ?1",
            [&today],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(late, 0, "no start or lift dated after today");
}
