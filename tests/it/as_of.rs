//! As of D means as of D, and a write-off is not a payment: measures,
//! their dates and their history, through the real binary.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common::{AS_OF, Ledger};

use serde_json::Value;

/// `dun --as-of AS_OF status CODE --format json`.
fn status(ledger: &Ledger, code: &str) -> Value {
    status_on(ledger, code, AS_OF)
}

fn status_on(ledger: &Ledger, code: &str, as_of: &str) -> Value {
    ledger.run_json(
        ledger
            .dun_as_of(as_of)
            .args(["status", code, "--format", "json"]),
    )
}

/// Runs `dun --as-of AS_OF ARGS…`, which must succeed.
fn run(ledger: &Ledger, as_of: &str, args: &[&str]) {
    let out = ledger.dun_as_of(as_of).args(args).output().unwrap();
    assert!(
        out.status.success(),
        "dun --as-of {as_of} {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// ACME pays `amount` on `date`, recorded as of that date.
fn pay(ledger: &Ledger, amount: &str, date: &str) {
    let args = [
        "payment",
        "add",
        "--customer",
        "ACME",
        "--amount",
        amount,
        "--date",
        date,
    ];
    run(ledger, date, &args);
}

/// ACME with one invoice of 500.00 issued 2026-07-01, due 2026-08-01,
/// written as of 2026-07-15: it reaches stop supply on 2026-08-31 and cash
/// only on 2026-09-30 with nothing written since.
fn one_late_invoice() -> Ledger {
    let ledger = Ledger::new();
    run(
        &ledger,
        "2026-06-01",
        &["customer", "add", "ACME", "--name", "Acme"],
    );
    run(
        &ledger,
        "2026-07-15",
        &[
            "invoice",
            "add",
            "A-1",
            "--customer",
            "ACME",
            "--issued",
            "2026-07-01",
            "--due",
            "2026-08-01",
            "--amount",
            "500.00",
        ],
    );
    ledger
}

/// (measure, since) of each measure in force.
fn measures(status: &Value) -> Vec<(String, String)> {
    status["measures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["measure"].as_str().unwrap().to_string(),
                m["since"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// The history's measure lines, newest first, as "date text".
fn measure_history(status: &Value) -> Vec<String> {
    status["history"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|h| h["kind"] == "measure")
        .map(|h| {
            format!(
                "{} {}",
                h["date"].as_str().unwrap(),
                h["text"].as_str().unwrap()
            )
        })
        .collect()
}

#[test]
fn average_lateness_as_of_a_date_ignores_invoices_paid_after_it() {
    let ledger = one_late_invoice();
    let before = status(&ledger, "ACME");
    assert_eq!(before["average_days_late"], Value::Null);
    pay(&ledger, "500.00", "2026-12-20");
    let after = status(&ledger, "ACME");
    assert_eq!(after["average_days_late"], Value::Null);
    assert_eq!(after["suggestion"], Value::Null);
    assert_eq!(after, before);
    // As of the payment's own date the lateness counts.
    let later = status_on(&ledger, "ACME", "2026-12-20");
    assert_eq!(later["average_days_late"], "141");
}

#[test]
fn a_measure_reached_with_nothing_written_since_is_in_the_history() {
    let ledger = one_late_invoice();
    let status = status(&ledger, "ACME");
    assert_eq!(
        measures(&status),
        [
            ("stop_supply".to_string(), "2026-08-31".to_string()),
            ("cash_only".to_string(), "2026-09-30".to_string())
        ]
    );
    assert_eq!(
        measure_history(&status),
        [
            "2026-09-30 cash_only started: A-1 reached 60 days overdue",
            "2026-08-31 stop_supply started: A-1 reached 30 days overdue",
        ]
    );
}

#[test]
fn a_later_write_never_changes_the_measure_history_of_an_earlier_date() {
    let ledger = one_late_invoice();
    let on = |date: &str| status_on(&ledger, "ACME", date);
    let (before, earlier) = (on(AS_OF), on("2026-09-15"));
    run(
        &ledger,
        "2026-12-10",
        &[
            "log",
            "ACME",
            "--kind",
            "call",
            "--outcome",
            "pays next week",
        ],
    );
    pay(&ledger, "500.00", "2026-12-12");
    assert_eq!(on(AS_OF), before);
    assert_eq!(on("2026-09-15"), earlier);
    assert_eq!(
        measure_history(&earlier),
        ["2026-08-31 stop_supply started: A-1 reached 30 days overdue"]
    );
}

#[test]
fn a_measure_starts_the_day_a_dispute_is_resolved_never_inside_it() {
    let ledger = one_late_invoice();
    run(
        &ledger,
        "2026-08-20",
        &["invoice", "dispute", "A-1", "--reason", "wrong quantity"],
    );
    // Inside the dispute the invoice is out of the measures.
    assert_eq!(measures(&status_on(&ledger, "ACME", "2026-10-01")), []);
    run(&ledger, "2026-10-10", &["invoice", "resolve", "A-1"]);
    let status = status(&ledger, "ACME");
    assert_eq!(
        measures(&status),
        [
            ("stop_supply".to_string(), "2026-10-10".to_string()),
            ("cash_only".to_string(), "2026-10-10".to_string())
        ]
    );
    let history = measure_history(&status);
    assert!(
        history.iter().all(|h| h.starts_with("2026-10-10 ")),
        "{history:?}"
    );
    // The day before the resolution still shows none.
    assert_eq!(measures(&status_on(&ledger, "ACME", "2026-10-09")), []);
}

/// ACME on cash only since 2026-09-30, 200.00 paid on 2026-10-05 and the
/// rest written off on 2026-10-20.
fn written_off_on_cash_only() -> Ledger {
    let ledger = one_late_invoice();
    pay(&ledger, "200.00", "2026-10-05");
    run(
        &ledger,
        "2026-10-20",
        &[
            "invoice",
            "write-off",
            "A-1",
            "--reason",
            "not worth chasing",
        ],
    );
    ledger
}

#[test]
fn a_write_off_does_not_lift_cash_only() {
    let ledger = written_off_on_cash_only();
    let status = status(&ledger, "ACME");
    let cash_only: Vec<&Value> = status["measures"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["measure"] == "cash_only")
        .collect();
    assert_eq!(cash_only.len(), 1, "{status}");
    assert_eq!(cash_only[0]["since"], "2026-09-30");
    let why = cash_only[0]["why"].as_str().unwrap();
    assert!(
        why.contains("A-1 was written off on 2026-10-20, which is not a payment"),
        "{why}"
    );
    let history = measure_history(&status);
    assert!(
        !history.iter().any(|h| h.contains("cash_only lifted")),
        "{history:?}"
    );
    // The history says what happened: the write-off is in it.
    let texts: Vec<String> = status["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| {
            format!(
                "{} {}",
                h["date"].as_str().unwrap(),
                h["text"].as_str().unwrap()
            )
        })
        .collect();
    assert!(
        texts
            .iter()
            .any(|t| t == "2026-10-20 A-1 written off: 300.00 EUR not worth chasing"),
        "{texts:?}"
    );
}

#[test]
fn a_release_by_hand_with_a_reason_lifts_cash_only() {
    let ledger = written_off_on_cash_only();
    run(
        &ledger,
        "2026-11-02",
        &["release", "ACME", "--reason", "agreed with the owner"],
    );
    let status = status(&ledger, "ACME");
    assert!(
        !measures(&status).iter().any(|(m, _)| m == "cash_only"),
        "{status}"
    );
    assert_eq!(
        measure_history(&status).first().map(String::as_str),
        Some("2026-11-02 cash_only lifted: released by hand: agreed with the owner")
    );
    // Before the release it was still in force.
    let earlier = status_on(&ledger, "ACME", "2026-11-01");
    assert!(measures(&earlier).iter().any(|(m, _)| m == "cash_only"));
}

#[test]
fn paying_the_whole_balance_lifts_cash_only() {
    let ledger = one_late_invoice();
    pay(&ledger, "500.00", "2026-10-15");
    let status = status(&ledger, "ACME");
    assert_eq!(measures(&status), []);
    assert!(
        measure_history(&status)
            .iter()
            .any(|h| h == "2026-10-15 cash_only lifted: the whole balance is paid"),
        "{status}"
    );
}

#[test]
fn a_schema_3_ledger_keeps_its_measure_history_as_of_each_date() {
    let ledger = Ledger::new();
    std::fs::copy("tests/fixtures/ledger-v3.db", &ledger.db).unwrap();
    let start = "2026-11-14 stop_supply started: 2026/001 reached 30 days overdue";
    let history = measure_history(&status(&ledger, "ROSSI"));
    assert_eq!(history, [start]);
    // Rows recorded before the schema knew when count from their own date.
    assert_eq!(
        measure_history(&status_on(&ledger, "ROSSI", "2026-11-13")),
        Vec::<String>::new()
    );
}

#[test]
fn a_measure_reached_under_a_promise_or_a_plan_starts_the_day_it_broke() {
    let commitments: [&[&str]; 2] = [
        &[
            "promise",
            "ACME",
            "--date",
            "2026-09-05",
            "--amount",
            "500.00",
        ],
        &[
            "plan",
            "ACME",
            "--instalment",
            "2026-09-05:250",
            "--instalment",
            "2026-10-05:250",
        ],
    ];
    for commitment in commitments {
        let ledger = one_late_invoice();
        run(&ledger, "2026-08-20", commitment);
        let status = status(&ledger, "ACME");
        let states = [&status["promises"], &status["plans"]];
        let broke = states
            .iter()
            .flat_map(|s| s.as_array().unwrap())
            .find_map(|s| s["state"].as_str()?.strip_prefix("broken on "))
            .map(|s| s[..10].to_string())
            .unwrap_or_else(|| panic!("{status}"));
        assert!(broke.as_str() > "2026-08-31", "{broke}");
        let stop = measures(&status)
            .into_iter()
            .find(|(m, _)| m == "stop_supply")
            .map(|(_, since)| since);
        assert_eq!(stop, Some(broke.clone()), "{commitment:?}: {status}");
        // Under the commitment, on the stage's own trigger date, none.
        let paused = status_on(&ledger, "ACME", "2026-09-01");
        assert!(
            !measures(&paused).iter().any(|(m, _)| m == "stop_supply"),
            "{paused}"
        );
    }
}
