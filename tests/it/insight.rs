//! The insight reports through the real binary, on a small ledger whose
//! figures are worked out by hand below. Every write runs as of its own
//! day, every report with a fixed `--as-of`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::OnceLock;

use serde_json::Value;

use crate::common::Ledger;

/// The ledger, written once per test process and copied per test:
///
/// | invoice | customer | issued | due    | amount | what happened                 |
/// |---------|----------|--------|--------|-------:|-------------------------------|
/// | A1      | ACME     | 1 Sep  | 1 Oct  | 1000   | paid in full 11 Oct           |
/// | A2      | ACME     | 5 Oct  | 4 Nov  |  600   | 200 paid 10 Nov; promise of 150 for 1 Dec made 20 Nov |
/// | A3      | ACME     | 2 Nov  | 2 Dec  |  300   | open                          |
/// | B1      | BETA     | 20 Oct | 30 Oct |  500   | paid in full 30 Oct           |
/// | B2      | BETA     | 10 Nov | 10 Dec |  250   | open                          |
/// | G1      | GAMMA    | 1 Oct  | 31 Oct |  600   | disputed 15 Nov               |
fn ledger() -> Ledger {
    static BYTES: OnceLock<Vec<u8>> = OnceLock::new();
    let bytes = BYTES.get_or_init(|| {
        let ledger = Ledger::new();
        let run = |on: &str, args: &[&str]| {
            let out = ledger.dun_as_of(on).args(args).output().unwrap();
            assert!(
                out.status.success(),
                "{args:?}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        };
        for code in ["ACME", "BETA", "GAMMA"] {
            run("2026-06-01", &["customer", "add", code, "--name", code]);
        }
        let invoices = [
            ("A1", "ACME", "2026-09-01", "2026-10-01", "1000"),
            ("A2", "ACME", "2026-10-05", "2026-11-04", "600"),
            ("A3", "ACME", "2026-11-02", "2026-12-02", "300"),
            ("B1", "BETA", "2026-10-20", "2026-10-30", "500"),
            ("B2", "BETA", "2026-11-10", "2026-12-10", "250"),
            ("G1", "GAMMA", "2026-10-01", "2026-10-31", "600"),
        ];
        let mut facts: Vec<(&str, Vec<&str>)> = invoices
            .iter()
            .map(|(n, c, issued, due, amount)| {
                let args = vec![
                    "invoice",
                    "add",
                    n,
                    "--customer",
                    c,
                    "--issued",
                    issued,
                    "--due",
                    due,
                    "--amount",
                    amount,
                ];
                (*issued, args)
            })
            .collect();
        let pay = |c: &'static str, amount: &'static str, on: &'static str, n: &'static str| {
            (
                on,
                vec![
                    "payment",
                    "add",
                    "--customer",
                    c,
                    "--amount",
                    amount,
                    "--date",
                    on,
                    "--invoice",
                    n,
                ],
            )
        };
        facts.push(pay("ACME", "1000", "2026-10-11", "A1"));
        facts.push(pay("BETA", "500", "2026-10-30", "B1"));
        facts.push(pay("ACME", "200", "2026-11-10", "A2"));
        facts.push((
            "2026-11-15",
            vec!["invoice", "dispute", "G1", "--reason", "not delivered"],
        ));
        facts.push((
            "2026-11-20",
            vec![
                "promise",
                "ACME",
                "--date",
                "2026-12-01",
                "--amount",
                "150",
                "--invoice",
                "A2",
            ],
        ));
        facts.sort_by_key(|(on, _)| *on);
        for (on, args) in &facts {
            run(on, args);
        }
        std::fs::read(&ledger.db).unwrap()
    });
    let copy = Ledger::new();
    std::fs::write(&copy.db, bytes).unwrap();
    copy
}

fn report(ledger: &Ledger, as_of: &str, args: &[&str]) -> Vec<Value> {
    let mut cmd = ledger.dun_as_of(as_of);
    cmd.arg("report").args(args).args(["--format", "json"]);
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let value: Value = serde_json::from_slice(&out.stdout).unwrap();
    value.as_array().cloned().unwrap()
}

fn find<'a>(rows: &'a [Value], key: &str, value: &str) -> &'a Value {
    rows.iter()
        .find(|r| r[key] == value)
        .unwrap_or_else(|| panic!("no row with {key} = {value}: {rows:?}"))
}

#[test]
fn dso_counts_back_through_the_months_sales() {
    let ledger = ledger();
    let rows = report(&ledger, "2026-11-22", &["dso"]);
    let month = |m: &str| {
        rows.iter()
            .find(|r| r["scope"] == "portfolio" && r["month"] == m)
            .unwrap()
            .clone()
    };
    // 30 Sep: owed A1 1000; September sold 1000: 1000/1000 × 30 = 30.0.
    assert_eq!(month("2026-09")["dso"], "30.0");
    // 31 Oct: owed A2 600 + G1 600 = 1200; October sold 600 + 500 + 600 =
    // 1700 ≥ 1200: 1200/1700 × 31 = 21.88.
    assert_eq!(month("2026-10")["receivables"], "1200.00");
    assert_eq!(month("2026-10")["sales"], "1700.00");
    assert_eq!(month("2026-10")["dso"], "21.9");
    // 22 Nov: owed 400 + 300 + 250 + 600 = 1550; November (22 days) sold
    // 300 + 250 = 550 < 1550: 22 days, 1000 left; October 1700 ≥ 1000:
    // 1000/1700 × 31 = 18.24. 22 + 18.24 = 40.2.
    assert_eq!(month("2026-11")["receivables"], "1550.00");
    assert_eq!(month("2026-11")["dso"], "40.2");
    assert_eq!(
        rows.iter().filter(|r| r["scope"] == "portfolio").count(),
        12
    );
    // Per customer, at the as-of date. BETA owes B2 250 of November's 250
    // sold: 250/250 × 22 = 22.0.
    let beta = find(&rows, "scope", "BETA");
    assert_eq!(
        (beta["month"].as_str(), beta["dso"].as_str()),
        (Some("2026-11"), Some("22.0"))
    );
    // --customer ACME: its own 12 months. 22 Nov: owed 400 + 300 = 700,
    // November sold 300: 22 days, 400 left; October sold 600:
    // 400/600 × 31 = 20.67. 42.7.
    let acme = report(&ledger, "2026-11-22", &["dso", "--customer", "ACME"]);
    assert_eq!(acme.len(), 12);
    assert_eq!(find(&acme, "month", "2026-11")["dso"], "42.7");
}

#[test]
fn cei_is_collected_over_collectable() {
    let ledger = ledger();
    let rows = report(&ledger, "2026-11-22", &["cei"]);
    // October: beginning 1000, sales 1700, ending 1200, ending current
    // (due on or after 31 Oct: A2 600, G1 600) 1200:
    // (1000 + 1700 − 1200) / (1000 + 1700 − 1200) × 100 = 100.0.
    let oct = find(&rows, "month", "2026-10");
    assert_eq!(oct["cei"], "100.0");
    // November to the 22nd: beginning 1200, sales 550, ending 1550,
    // current (A3 300, B2 250) 550: (1200 + 550 − 1550) / (1200 + 550 − 550)
    // × 100 = 200 / 1200 × 100 = 16.7.
    let nov = find(&rows, "month", "2026-11");
    assert_eq!(
        (
            nov["beginning"].as_str(),
            nov["sales"].as_str(),
            nov["ending"].as_str(),
            nov["ending_current"].as_str()
        ),
        (
            Some("1200.00"),
            Some("550.00"),
            Some("1550.00"),
            Some("550.00")
        )
    );
    assert_eq!(nov["cei"], "16.7");
}

#[test]
fn payers_average_the_paid_invoices() {
    let ledger = ledger();
    let rows = report(&ledger, "2026-11-22", &["payers"]);
    // GAMMA has paid nothing: no row. ACME paid A1 only (A2 in part):
    // 11 Oct − 1 Sep = 40 days to pay, 11 Oct − 1 Oct = 10 beyond terms:
    // above 5 (late_after_days), not above 30: late. 10 ≤ 15, the ladder's
    // slow-payer threshold: no advice.
    assert_eq!(rows.len(), 2);
    let acme = find(&rows, "customer", "ACME");
    assert_eq!(acme["paid_invoices"], 1);
    assert_eq!(acme["days_to_pay"], "40.0");
    assert_eq!(acme["days_beyond_terms"], "10.0");
    assert_eq!(acme["class"], "late");
    assert_eq!(acme["suggested_policy"], Value::Null);
    // BETA paid B1 on its due date: 10 days to pay, 0 beyond: prompt.
    let beta = find(&rows, "customer", "BETA");
    assert_eq!(
        (beta["days_to_pay"].as_str(), beta["class"].as_str()),
        (Some("10.0"), Some("prompt"))
    );
}

#[test]
fn changes_since_a_date_list_what_happened_on_each_account() {
    let ledger = ledger();
    let rows = report(&ledger, "2026-11-22", &["changes", "--since", "2026-11-01"]);
    let dated: Vec<(String, String, String, String)> = rows
        .iter()
        .filter(|r| !r["date"].is_null())
        .map(|r| {
            let s = |k: &str| r[k].as_str().unwrap_or_default().to_string();
            (s("customer"), s("date"), s("change"), s("invoice"))
        })
        .collect();
    let expect = |c: &str, d: &str, k: &str, n: &str| (c.into(), d.into(), k.into(), n.into());
    // A2 due 4 Nov: current on 1 Nov, 18 days overdue on 22 Nov; it
    // entered 1–30 on 5 Nov. G1 due 31 Oct was 1 day overdue on 1 Nov.
    assert!(dated.contains(&expect("ACME", "2026-11-02", "invoice_added", "A3")));
    assert!(dated.contains(&expect("ACME", "2026-11-05", "older_bucket", "A2")));
    assert!(dated.contains(&expect("ACME", "2026-11-20", "promise_made", "")));
    assert!(dated.contains(&expect("BETA", "2026-11-10", "invoice_added", "B2")));
    // The part payment of A2 pays nothing in full; B1 was paid before.
    assert!(!dated.iter().any(|d| d.2 == "paid"));
    // On 22 Nov A2 is promised: chasing paused, no stage. As of 19 Nov,
    // before the promise, A2 at 15 days overdue stands at
    // escalate_sales_rep (15 days); on 1 Nov it was 3 days before due, at
    // pre_due_reminder: a later stage reached.
    assert!(
        !rows
            .iter()
            .any(|r| r["change"] == "stage_reached" && r["invoice"] == "A2")
    );
    let earlier = report(&ledger, "2026-11-19", &["changes", "--since", "2026-11-01"]);
    let stage = earlier
        .iter()
        .find(|r| r["change"] == "stage_reached" && r["invoice"] == "A2")
        .unwrap_or_else(|| panic!("{earlier:#?}"));
    assert_eq!(stage["detail"], "escalate_sales_rep");
    assert!(!earlier.iter().any(|r| r["change"] == "promise_made"));
    // The disputed G1 leaves the ladder: no stage reached for it.
    assert!(
        !rows
            .iter()
            .any(|r| r["change"] == "stage_reached" && r["invoice"] == "G1")
    );
}

#[test]
fn the_forecast_puts_promises_overdue_and_due_invoices_in_their_weeks() {
    let ledger = ledger();
    let rows = report(&ledger, "2026-11-22", &["forecast"]);
    let week = |w: &str| {
        find(&rows, "week", w)["expected"]
            .as_str()
            .map(str::to_string)
    };
    // ACME pays 10 days beyond terms on average, BETA and GAMMA 0.
    // Week 1 (23–29 Nov): A2's 400 less the 150 promised = 250, overdue
    // since 14 Nov (4 Nov + 10). Week 2 (30 Nov – 6 Dec): the promise's 150
    // on 1 Dec. Week 3 (7–13 Dec): A3 on 2 Dec + 10 = 12 Dec, 300, and B2
    // on 10 Dec, 250: 550. G1 is disputed: 600 apart.
    assert_eq!(week("1").as_deref(), Some("250.00"));
    assert_eq!(week("2").as_deref(), Some("150.00"));
    assert_eq!(week("3").as_deref(), Some("550.00"));
    assert_eq!(week("disputed").as_deref(), Some("600.00"));
    assert!(
        !rows
            .iter()
            .any(|r| r["week"] == "4" || r["week"] == "later")
    );
    let explained = report(&ledger, "2026-11-22", &["forecast", "--explain"]);
    let basis: Vec<(String, String, String)> = explained
        .iter()
        .map(|r| {
            let s = |k: &str| r[k].as_str().unwrap_or_default().to_string();
            (s("week"), s("invoice"), s("basis"))
        })
        .collect();
    let row = |w: &str, n: &str, b: &str| (w.to_string(), n.to_string(), b.to_string());
    assert!(basis.contains(&row("1", "A2", "overdue")));
    assert!(basis.contains(&row("2", "A2", "promise")));
    assert!(basis.contains(&row("3", "A3", "due + 10 days")));
    assert!(basis.contains(&row("3", "B2", "due + 0 days")));
    assert!(basis.contains(&row("disputed", "G1", "disputed")));
}

#[test]
fn the_backtest_compares_a_past_forecast_with_what_was_paid() {
    let ledger = ledger();
    // As of 3 Jan 2027 the forecast is made as of 4 Oct 2026 (13 weeks
    // before). Open then: A1 1000 due 1 Oct, already past: week 1 (5–11
    // Oct); G1 600 due 31 Oct: week 4 (26 Oct – 1 Nov). Nobody had paid
    // anything yet: no lateness. Paid since on those two: A1's 1000 on
    // 11 Oct (week 1). Error: (|1000 − 1000| + |600 − 0|) / 1000 × 100 = 60.0.
    let rows = report(&ledger, "2027-01-03", &["forecast", "--backtest"]);
    assert_eq!(rows.len(), 14);
    let w1 = &rows[0];
    assert_eq!(
        (
            w1["start"].as_str(),
            w1["forecast"].as_str(),
            w1["actual"].as_str()
        ),
        (Some("2026-10-05"), Some("1000.00"), Some("1000.00"))
    );
    assert_eq!(rows[3]["forecast"], "600.00");
    let total = find(&rows, "week", "total");
    assert_eq!(
        (total["forecast"].as_str(), total["actual"].as_str()),
        (Some("1600.00"), Some("1000.00"))
    );
    assert_eq!(total["error_percent"], "60.0");
}

#[test]
fn each_report_as_of_a_date_ignores_later_facts() {
    let ledger = ledger();
    let calls: [&[&str]; 7] = [
        &["dso"],
        &["cei"],
        &["payers"],
        &["changes", "--since", "2026-11-01"],
        &["forecast", "--explain"],
        &["forecast"],
        &["forecast", "--backtest"],
    ];
    let before: Vec<Vec<Value>> = calls
        .iter()
        .map(|c| report(&ledger, "2026-11-22", c))
        .collect();
    let later = |on: &str, args: &[&str]| {
        let out = ledger.dun_as_of(on).args(args).output().unwrap();
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    later(
        "2026-11-25",
        &[
            "payment",
            "add",
            "--customer",
            "ACME",
            "--amount",
            "700",
            "--date",
            "2026-11-25",
        ],
    );
    later(
        "2026-11-26",
        &[
            "invoice",
            "add",
            "A4",
            "--customer",
            "ACME",
            "--issued",
            "2026-11-26",
            "--due",
            "2026-11-30",
            "--amount",
            "90",
        ],
    );
    later("2026-11-27", &["invoice", "resolve", "G1"]);
    later("2026-11-28", &["invoice", "write-off", "B2"]);
    later(
        "2026-11-29",
        &[
            "promise",
            "ACME",
            "--date",
            "2026-12-05",
            "--amount",
            "10",
            "--invoice",
            "A4",
        ],
    );
    for (call, was) in calls.iter().zip(&before) {
        assert_eq!(
            &report(&ledger, "2026-11-22", call),
            was,
            "report {call:?} changed"
        );
    }
}

#[test]
fn a_since_date_not_before_the_as_of_date_is_refused() {
    let ledger = ledger();
    let out = ledger
        .dun_as_of("2026-11-22")
        .args(["report", "changes", "--since", "2026-11-22"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("--since 2026-11-22 must be before the as-of date 2026-11-22"),
        "{err}"
    );
}

#[test]
fn the_insight_screen_charts_the_figures_and_opens_a_changed_customer() {
    let ledger = ledger();
    let tmux = crate::common::tmux::Tmux::board(&ledger);
    tmux.keys(&["i"]);
    // The week's changes (16–22 Nov): ACME's promise of 20 Nov.
    let screen = tmux.wait_for("promise_made");
    for title in ["DSO days (EUR)", "CEI %", "Cash expected per week (EUR)"] {
        assert!(screen.contains(title), "{title} missing:\n{screen}");
    }
    // The disputed G1 is named apart. DSO's bars for September, October
    // and November read 30, 22 (21.9) and 40 (40.2); CEI's for October and
    // November 100 and 17 (16.7); the forecast's first three weeks 250,
    // 150 and 550.
    assert!(screen.contains("disputed apart: 600.00"), "{screen}");
    assert!(screen.contains("30█ 22█ 40█"), "{screen}");
    assert!(screen.contains("100 17"), "{screen}");
    for week in ["250", "150", "550"] {
        assert!(screen.contains(week), "week of {week} missing:\n{screen}");
    }
    tmux.keys(&["Enter"]);
    // ACME's customer screen, with its open invoices.
    let screen = tmux.wait_for(" ACME ");
    assert!(screen.contains("A3"), "{screen}");
    tmux.quit();
}

#[test]
fn an_unknown_customer_is_named_and_nothing_is_printed() {
    let ledger = ledger();
    for report in ["dso", "cei", "payers", "forecast"] {
        let out = ledger
            .dun_as_of("2026-11-22")
            .args(["report", report, "--customer", "NOPE"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{report}");
        assert!(out.stdout.is_empty(), "{report}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("--customer: no customer 'NOPE'"),
            "{report}: {err}"
        );
    }
}
