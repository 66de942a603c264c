//! The engine on real ledgers: promises and plans kept only by money
//! applied to what they cover, one contact doing all it says, follow-ups
//! after a broken promise cleared only by a contact about it, and
//! persistence once the ladder is exhausted.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use common::{Ledger, LedgerBuilder};
use serde_json::Value;

/// Runs `args` as of `date` and parses the JSON it prints.
fn json_at(ledger: &Ledger, date: &str, args: &[&str]) -> Value {
    ledger.run_json(ledger.dun_as_of(date).args(args).args(["--format", "json"]))
}

/// Runs `args` as of `date`; it must succeed.
pub(crate) fn ok_at(ledger: &Ledger, date: &str, args: &[&str]) {
    let out = ledger.dun_as_of(date).args(args).output().unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The agenda items of one customer as of a date: (action, stage, invoices).
fn agenda_of(ledger: &Ledger, date: &str, code: &str) -> Vec<(String, String, Vec<String>)> {
    json_at(ledger, date, &["agenda"])
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["customer"] == code)
        .map(|i| {
            let invoices = i["invoices"]
                .as_array()
                .unwrap()
                .iter()
                .map(|n| n.as_str().unwrap().to_string())
                .collect();
            (
                i["action"].as_str().unwrap().to_string(),
                i["stage"].as_str().unwrap().to_string(),
                invoices,
            )
        })
        .collect()
}

fn stages_of(items: &[(String, String, Vec<String>)]) -> Vec<&str> {
    items.iter().map(|(_, stage, _)| stage.as_str()).collect()
}

/// The stage label of each of a customer's open invoices as of a date.
fn invoice_stages(ledger: &Ledger, date: &str, code: &str) -> Vec<(String, String)> {
    json_at(ledger, date, &["invoice", "list", "--customer", code])
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["number"].as_str().unwrap().to_string(),
                i["stage"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn pair(a: &str, b: &str) -> (String, String) {
    (a.to_string(), b.to_string())
}

/// ACME owes 1,000 (40 days late) and 200 (8 days late).
fn acme() -> Ledger {
    LedgerBuilder::new()
        .customer("ACME", "Acme Ltd")
        .invoice("A-1", "ACME", "2026-09-01", "2026-10-13", "1000")
        .invoice("A-2", "ACME", "2026-09-01", "2026-11-14", "200")
        .build()
}

/// `dun promise` of 200 by 2026-11-30 from ACME, for `invoice`.
fn promise_for(invoice: &str) -> [&str; 8] {
    [
        "promise",
        "ACME",
        "--date",
        "2026-11-30",
        "--amount",
        "200",
        "--invoice",
        invoice,
    ]
}

/// `dun plan` of one instalment of 200 on 2026-11-30 from ACME, for A-2.
const PLAN_FOR_A2: [&str; 6] = [
    "plan",
    "ACME",
    "--instalment",
    "2026-11-30:200",
    "--invoice",
    "A-2",
];

/// A payment of 200 on 2026-11-25 that the payer names for A-1.
fn pay_a1(ledger: &Ledger) {
    ok_at(
        ledger,
        "2026-11-25",
        &[
            "payment",
            "add",
            "--customer",
            "ACME",
            "--amount",
            "200",
            "--date",
            "2026-11-25",
            "--invoice",
            "A-1",
        ],
    );
}

#[test]
fn a_payment_to_another_invoice_does_not_keep_a_promise() {
    let l = acme();
    l.ok(&promise_for("A-2"));
    pay_a1(&l);
    let items = agenda_of(&l, "2026-12-02", "ACME");
    assert!(
        items
            .iter()
            .any(|(action, stage, invoices)| action == "call"
                && stage == "broken_promise"
                && invoices == &["A-2".to_string()]),
        "{items:?}"
    );
    let status = json_at(&l, "2026-12-02", &["status", "ACME"]);
    let measures: Vec<&str> = status["measures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["measure"].as_str().unwrap())
        .collect();
    assert!(measures.contains(&"cash_only"), "{status}");
}

#[test]
fn a_payment_to_another_invoice_does_not_keep_a_plan() {
    let l = acme();
    l.ok(&PLAN_FOR_A2);
    pay_a1(&l);
    let items = agenda_of(&l, "2026-12-02", "ACME");
    assert!(
        stages_of(&items).contains(&"missed_instalment"),
        "{items:?}"
    );
}

#[test]
fn a_payment_to_a_covered_invoice_keeps_the_promise() {
    let l = acme();
    l.ok(&promise_for("A-1"));
    pay_a1(&l);
    let items = agenda_of(&l, "2026-12-02", "ACME");
    assert!(!stages_of(&items).contains(&"broken_promise"), "{items:?}");
}

/// BETA owes 5,000, 10 days late; an older invoice is entered the day after
/// a promise or plan that named no invoice.
fn beta_with_a_late_entry(commitment: &[&str]) -> Ledger {
    let l = LedgerBuilder::new()
        .customer("BETA", "Beta SpA")
        .invoice("B-1", "BETA", "2026-09-01", "2026-11-12", "5000")
        .build();
    l.ok(commitment);
    ok_at(
        &l,
        "2026-11-23",
        &[
            "invoice",
            "add",
            "B-2",
            "--customer",
            "BETA",
            "--issued",
            "2026-10-01",
            "--due",
            "2026-11-10",
            "--amount",
            "300",
        ],
    );
    l
}

#[test]
fn a_promise_naming_no_invoice_covers_only_those_open_when_it_was_made() {
    let l = beta_with_a_late_entry(&[
        "promise",
        "BETA",
        "--date",
        "2026-11-30",
        "--amount",
        "5000",
    ]);
    let stages = invoice_stages(&l, "2026-11-23", "BETA");
    assert!(stages.contains(&pair("B-1", "promised")), "{stages:?}");
    assert!(stages.contains(&pair("B-2", "call")), "{stages:?}");
}

#[test]
fn a_plan_naming_no_invoice_covers_only_those_open_when_it_was_agreed() {
    let l = beta_with_a_late_entry(&["plan", "BETA", "--instalment", "2026-11-30:5000"]);
    let stages = invoice_stages(&l, "2026-11-23", "BETA");
    assert!(stages.contains(&pair("B-1", "in_plan")), "{stages:?}");
    assert!(stages.contains(&pair("B-2", "call")), "{stages:?}");
}

/// `code` owes two invoices `(number, issued, due)` that the agenda lists
/// in one item for `stage`; one `kind` logged about both answers it all.
fn one_contact_answers_the_item(
    code: &str,
    invoices: [(&str, &str, &str); 2],
    stage: &str,
    kind: &str,
) {
    let mut builder = LedgerBuilder::new().customer(code, "Two Invoices Ltd");
    for (number, issued, due) in invoices {
        builder = builder.invoice(number, code, issued, due, "400");
    }
    let l = builder.build();
    let numbers = invoices.map(|(number, _, _)| number);
    let before = agenda_of(&l, common::AS_OF, code);
    assert_eq!(stages_of(&before), [stage], "{before:?}");
    assert_eq!(before[0].2, numbers);
    let [first, second] = numbers;
    l.ok(&[
        "log",
        code,
        "--kind",
        kind,
        "--invoice",
        first,
        "--invoice",
        second,
    ]);
    let after = agenda_of(&l, common::AS_OF, code);
    assert!(after.is_empty(), "{after:?}");
}

#[test]
fn one_email_performs_the_overdue_email_and_the_pre_due_reminder() {
    // C-1 is 6 days overdue (overdue email); C-2 falls due in 2 days.
    one_contact_answers_the_item(
        "CARO",
        [
            ("C-1", "2026-10-01", "2026-11-16"),
            ("C-2", "2026-10-20", "2026-11-24"),
        ],
        "overdue_email",
        "email",
    );
}

#[test]
fn one_letter_performs_the_stop_supply_and_the_cash_only_notices() {
    // D-1 is 82 days overdue (cash only); D-2 is 38 days overdue (stop supply).
    one_contact_answers_the_item(
        "DELTA",
        [
            ("D-1", "2026-08-01", "2026-09-01"),
            ("D-2", "2026-09-15", "2026-10-15"),
        ],
        "cash_only",
        "letter",
    );
}

/// With `commitment` on A-2 broken as of 2026-12-02, the agenda asks for
/// `stage` until a contact about A-2: the routine email of A-1 does not
/// answer it, a `kind` about A-2 does.
fn answered_only_about_its_invoices(commitment: &[&str], stage: &str, kind: &str) {
    let l = acme();
    l.ok(commitment);
    let asked = |l: &Ledger| stages_of(&agenda_of(l, "2026-12-02", "ACME")).contains(&stage);
    assert!(asked(&l));
    for (invoice, still_asked) in [("A-1", true), ("A-2", false)] {
        let kind = if invoice == "A-1" { "email" } else { kind };
        ok_at(
            &l,
            "2026-12-02",
            &["log", "ACME", "--kind", kind, "--invoice", invoice],
        );
        assert_eq!(
            asked(&l),
            still_asked,
            "after a {kind} about {invoice}: {:?}",
            agenda_of(&l, "2026-12-02", "ACME")
        );
    }
}

#[test]
fn a_broken_promise_is_not_followed_up_by_the_reminder_of_another_invoice() {
    answered_only_about_its_invoices(&promise_for("A-2"), "broken_promise", "call");
}

#[test]
fn a_missed_instalment_is_not_followed_up_by_the_reminder_of_another_invoice() {
    answered_only_about_its_invoices(&PLAN_FOR_A2, "missed_instalment", "email");
}

/// PIA owes 900, 82 days overdue: the last stage (cash only) is reached,
/// and its notice goes out on the as-of date.
fn exhausted() -> Ledger {
    let l = LedgerBuilder::new()
        .customer("PIA", "Pia SpA")
        .invoice("P-1", "PIA", "2026-08-01", "2026-09-01", "900")
        .build();
    assert_eq!(
        stages_of(&agenda_of(&l, common::AS_OF, "PIA")),
        ["cash_only"]
    );
    l.ok(&["log", "PIA", "--kind", "letter", "--invoice", "P-1"]);
    l
}

#[test]
fn after_the_last_stage_a_reminder_recurs_every_week() {
    let l = exhausted();
    assert!(agenda_of(&l, common::AS_OF, "PIA").is_empty());
    assert!(agenda_of(&l, "2026-11-28", "PIA").is_empty());
    let due = json_at(&l, "2026-11-29", &["agenda"]);
    let item = due
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["customer"] == "PIA")
        .unwrap_or_else(|| panic!("PIA is on the agenda: {due}"));
    assert_eq!(item["action"], "email");
    assert_eq!(item["stage"], "persistence");
    assert_eq!(item["invoices"], serde_json::json!(["P-1"]));
    let why = item["why"].as_str().unwrap();
    assert!(why.contains("cash_only done 2026-11-22"), "{why}");
    assert!(why.contains("every 7 days"), "{why}");
    // It stays until a contact about the invoice answers it, then recurs.
    assert!(!agenda_of(&l, "2026-12-01", "PIA").is_empty());
    ok_at(
        &l,
        "2026-12-01",
        &["log", "PIA", "--kind", "email", "--invoice", "P-1"],
    );
    assert!(agenda_of(&l, "2026-12-07", "PIA").is_empty());
    assert_eq!(
        stages_of(&agenda_of(&l, "2026-12-08", "PIA")),
        ["persistence"]
    );
}

#[test]
fn persistence_stops_once_the_account_is_handed_to_an_agency_or_paid() {
    let l = exhausted();
    ok_at(&l, "2026-11-25", &["log", "PIA", "--kind", "agency"]);
    assert!(agenda_of(&l, "2026-12-15", "PIA").is_empty());

    let paid = exhausted();
    ok_at(
        &paid,
        "2026-11-25",
        &[
            "payment",
            "add",
            "--customer",
            "PIA",
            "--amount",
            "900",
            "--date",
            "2026-11-25",
        ],
    );
    assert!(agenda_of(&paid, "2026-12-15", "PIA").is_empty());
}

#[test]
fn the_persistence_cadence_and_action_are_configured() {
    let l = exhausted();
    let config = l.dir.path().join("persist.toml");
    std::fs::write(
        &config,
        "[dunning]\npersistence_days = 3\npersistence_action = \"call\"\n",
    )
    .unwrap();
    let agenda = |date: &str| -> Value {
        l.run_json(
            l.dun_as_of(date)
                .arg("--config")
                .arg(&config)
                .args(["agenda", "--format", "json"]),
        )
    };
    let pia = |v: &Value| -> Vec<(String, String)> {
        v.as_array()
            .unwrap()
            .iter()
            .filter(|i| i["customer"] == "PIA")
            .map(|i| pair(i["action"].as_str().unwrap(), i["stage"].as_str().unwrap()))
            .collect()
    };
    assert!(pia(&agenda("2026-11-24")).is_empty());
    assert_eq!(pia(&agenda("2026-11-25")), [pair("call", "persistence")]);
}

#[test]
fn a_bad_persistence_setting_is_refused() {
    let l = exhausted();
    for (body, key) in [
        (
            "[dunning]\npersistence_days = 0\n",
            "dunning.persistence_days",
        ),
        (
            "[dunning]\npersistence_action = \"stop_supply\"\n",
            "dunning.persistence_action",
        ),
    ] {
        let config = l.dir.path().join("bad.toml");
        std::fs::write(&config, body).unwrap();
        let out = l
            .dun()
            .arg("--config")
            .arg(&config)
            .args(["agenda"])
            .output()
            .unwrap();
        assert!(!out.status.success(), "{body}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(key), "{body}: {err}");
    }
}

#[test]
fn the_largest_debtor_stays_on_the_agenda_once_the_ladder_is_exhausted() {
    // BIG's notices all went out by 2026-11-10; SMALL still has a call due.
    let l = LedgerBuilder::new()
        .customer("BIG", "Big Holdings SA")
        .customer("SMALL", "Small Srl")
        .invoice("G-1", "BIG", "2026-06-01", "2026-07-01", "50000")
        .invoice("S-1", "SMALL", "2026-10-01", "2026-11-12", "100")
        .build();
    l.ok(&[
        "log",
        "BIG",
        "--kind",
        "letter",
        "--invoice",
        "G-1",
        "--stage",
        "cash_only",
        "--date",
        "2026-11-10",
    ]);
    let agenda = l.json(&["agenda"]);
    let first = &agenda[0];
    assert_eq!(first["customer"], "BIG", "{agenda}");
    assert_eq!(first["stage"], "persistence");
    assert!(
        first["why"]
            .as_str()
            .unwrap()
            .contains("last contact 2026-11-10"),
        "{first}"
    );
}

#[test]
fn promises_made_before_schema_4_get_the_invoices_open_when_they_were_made() {
    let l = beta_with_a_late_entry(&[
        "promise",
        "BETA",
        "--date",
        "2026-11-30",
        "--amount",
        "5000",
    ]);
    // As a schema 3 ledger had it: no invoice linked, B-2 entered later,
    // and none of the tables later migrations add.
    let conn = rusqlite::Connection::open(&l.db).unwrap();
    conn.execute_batch(
        "DELETE FROM promise_invoice;
         DROP TABLE message_claim;
         DROP INDEX payment_by_payer_iban;
         ALTER TABLE payment DROP COLUMN payer_iban;
         ALTER TABLE receipt DROP COLUMN payer_iban;
         ALTER TABLE receipt DROP COLUMN structured_reference;
         ALTER TABLE receipt DROP COLUMN why;
         DROP INDEX invoice_open;
         CREATE INDEX invoice_open ON invoice (customer_id, currency, due_date) WHERE open_minor > 0;
         DROP INDEX invoice_by_customer;
         CREATE INDEX invoice_by_customer ON invoice (customer_id, due_date);
         DROP INDEX invoice_settled;
         ALTER TABLE customer DROP COLUMN customer_since;
         ALTER TABLE measure_event DROP COLUMN recorded_on;
         ALTER TABLE measure_event DROP COLUMN by_hand;
         DROP INDEX activity_voided_once;
         ALTER TABLE activity DROP COLUMN voids;
         ALTER TABLE activity DROP COLUMN corrects;
         DROP INDEX invoice_document;
         ALTER TABLE invoice DROP COLUMN instalment;
         ALTER TABLE invoice DROP COLUMN document;
         UPDATE invoice SET created_at = '2999-01-01T00:00:00Z' WHERE number = 'B-2';
         PRAGMA user_version = 3;",
    )
    .unwrap();
    drop(conn);
    let stages = invoice_stages(&l, "2026-11-23", "BETA");
    assert!(stages.contains(&pair("B-1", "promised")), "{stages:?}");
    assert!(stages.contains(&pair("B-2", "call")), "{stages:?}");
    let conn = rusqlite::Connection::open(&l.db).unwrap();
    let linked: Vec<String> = conn
        .prepare(
            "SELECT i.number FROM promise_invoice l JOIN invoice i ON i.id = l.invoice_id
             ORDER BY i.number",
        )
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(linked, ["B-1"]);
}
