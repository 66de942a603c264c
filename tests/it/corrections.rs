//! Corrections through the real binary: a follow-up, a payment or a
//! promise recorded by mistake is removed (`dun log remove`, `dun payment
//! remove`, `dun promise remove`) or undone on the dashboard (`u`, after a
//! confirmation). The follow-up log stays append-only and keeps a trace of
//! every correction; the engine then decides as if the entry had never
//! been; the measure history is brought up to date in the same write.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use common::{Ledger, LedgerBuilder};
use serde_json::Value;

use crate::tui_live::call_due;

/// `dun payment add --customer CODE --amount AMOUNT --date DATE`.
pub(crate) fn pay(l: &Ledger, code: &str, amount: &str, date: &str) {
    l.ok(&[
        "payment",
        "add",
        "--customer",
        code,
        "--amount",
        amount,
        "--date",
        date,
    ]);
}

/// `dun promise CODE --date DATE --amount AMOUNT`.
fn promise(l: &Ledger, code: &str, amount: &str, date: &str) {
    l.ok(&["promise", code, "--date", date, "--amount", amount]);
}

/// The stages on today's agenda.
fn agenda(l: &Ledger) -> Vec<String> {
    l.json(&["agenda"])
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["stage"].as_str().unwrap().to_string())
        .collect()
}

/// The id of the last row of a JSON list.
fn last_id(list: &Value) -> String {
    list.as_array().unwrap().last().unwrap()["id"].to_string()
}

/// The stderr of a command the binary must refuse with exit code 1.
fn refused(l: &Ledger, args: &[&str]) -> String {
    let out = l.dun().args(args).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "dun {args:?} must be refused");
    String::from_utf8(out.stderr).unwrap()
}

#[test]
fn a_follow_up_removed_is_voided_by_a_new_entry_and_no_longer_counts() {
    let l = call_due();
    assert_eq!(agenda(&l), ["call"]);
    l.ok(&["log", "ACME", "--kind", "call", "--outcome", "pays Friday"]);
    assert!(agenda(&l).is_empty(), "the call is done");
    let id = last_id(&l.json(&["log", "list", "--customer", "ACME"]));
    let out = l.ok(&[
        "log",
        "remove",
        &id,
        "--reason",
        "logged for the wrong customer",
    ]);
    assert_eq!(out, "removed the call of 2026-11-22 for ACME\n");
    assert_eq!(agenda(&l), ["call"], "the engine ignores the voided call");
    // Append-only: the call stays, voided by a note saying what and why.
    let log = l.json(&["log", "list"]);
    let rows = log.as_array().unwrap();
    assert_eq!(rows.len(), 2, "{log}");
    assert_eq!(rows[0]["kind"], "call");
    assert_eq!(rows[0]["outcome"], "pays Friday");
    assert_eq!(rows[0]["removed_by"], rows[1]["id"]);
    assert_eq!(rows[1]["kind"], "note");
    assert_eq!(rows[1]["outcome"], "removed the call of 2026-11-22");
    assert_eq!(rows[1]["note"], "logged for the wrong customer");
    assert!(
        l.ok(&["status", "ACME"])
            .contains("removed the call of 2026-11-22")
    );
    // Neither the voided entry nor the removal can be removed again.
    assert!(refused(&l, &["log", "remove", &id]).contains("was removed already"));
    let void = rows[1]["id"].to_string();
    assert!(refused(&l, &["log", "remove", &void]).contains("records a correction"));
    assert!(refused(&l, &["log", "remove", "999"]).contains("there is no follow-up 999"));
}

#[test]
fn a_voided_follow_up_date_no_longer_brings_the_customer_back() {
    let l = LedgerBuilder::new()
        .customer("ACME", "Acme Widgets")
        .invoice("A-1", "ACME", "2026-11-01", "2026-12-31", "500")
        .build();
    l.dun_as_of("2026-11-10")
        .args(["log", "ACME", "--kind", "note", "--next", "2026-11-20"])
        .assert()
        .success();
    assert_eq!(agenda(&l), ["follow_up"], "the follow-up date has come");
    let id = last_id(&l.json(&["log", "list"]));
    l.ok(&["log", "remove", &id]);
    assert!(agenda(&l).is_empty(), "{:?}", agenda(&l));
}

#[test]
fn a_payment_removed_reopens_what_it_paid_and_lets_other_credit_apply() {
    let l = LedgerBuilder::new()
        .customer("ACME", "Acme Widgets")
        .invoice("A-1", "ACME", "2026-09-01", "2026-10-01", "300")
        .invoice("A-2", "ACME", "2026-10-01", "2026-11-01", "200")
        .payment("ACME", "300", "2026-10-20")
        .payment("ACME", "250", "2026-11-05")
        .build();
    // The first paid A-1, the second A-2 and left 50.00 on account.
    let invoices = |l: &Ledger| -> Vec<(String, String)> {
        l.json(&["invoice", "list"])
            .as_array()
            .unwrap()
            .iter()
            .map(|i| {
                let open = i["open_balance"].as_str().unwrap().to_string();
                (i["number"].as_str().unwrap().to_string(), open)
            })
            .collect()
    };
    assert_eq!(
        invoices(&l),
        [("A-1".into(), "0.00".into()), ("A-2".into(), "0.00".into())]
    );
    let payments = l.json(&["payment", "list"]);
    let first = payments[0]["id"].to_string();
    let before = crate::write_path::history(&l.db);
    assert_eq!(
        before.last().map(|(m, e, _)| (m.as_str(), e.as_str())),
        Some(("stop_supply", "lift"))
    );
    let out = l.ok(&["payment", "remove", &first, "--reason", "bounced"]);
    assert_eq!(
        out,
        "removed the payment of 300.00 EUR received 2026-10-20 for ACME\n"
    );
    // A-1 is open again, and takes the 50.00 left on account.
    assert_eq!(
        invoices(&l),
        [
            ("A-1".into(), "250.00".into()),
            ("A-2".into(), "0.00".into())
        ]
    );
    let payments = l.json(&["payment", "list"]);
    assert_eq!(payments.as_array().unwrap().len(), 1);
    assert_eq!(payments[0]["unapplied"], "0.00");
    assert_eq!(payments[0]["invoices"], serde_json::json!(["A-2", "A-1"]));
    // A-1 is 52 days overdue again: supply stops, recorded in the same write.
    let history = crate::write_path::history(&l.db);
    assert_eq!(
        history.last().map(|(m, e, _)| (m.as_str(), e.as_str())),
        Some(("stop_supply", "start")),
        "{history:?}"
    );
    assert_eq!(history.len(), before.len() + 1, "{history:?}");
    let log = l.json(&["log", "list"]);
    assert_eq!(
        log[0]["outcome"],
        "removed the payment of 300.00 EUR received 2026-10-20"
    );
    assert_eq!(log[0]["note"], "bounced");
    assert!(refused(&l, &["payment", "remove", &first]).contains("there is no payment"));
}

#[test]
fn a_promise_removed_no_longer_pauses_the_chase() {
    let l = call_due();
    promise(&l, "ACME", "1200", "2026-11-28");
    assert!(agenda(&l).is_empty(), "the promise pauses the chase");
    let promises = l.json(&["promise", "list", "--customer", "ACME"]);
    assert_eq!(promises[0]["amount"], "1200.00");
    assert_eq!(promises[0]["promised_on"], "2026-11-28");
    let id = last_id(&promises);
    let out = l.ok(&["promise", "remove", &id]);
    assert_eq!(
        out,
        "removed the promise of 1,200.00 EUR by 2026-11-28 made 2026-11-22 for ACME\n"
    );
    assert_eq!(agenda(&l), ["call"]);
    assert_eq!(l.json(&["promise", "list"]), serde_json::json!([]));
    let log = l.json(&["log", "list"]);
    assert_eq!(
        log[0]["outcome"],
        "removed the promise of 1,200.00 EUR by 2026-11-28 made 2026-11-22"
    );
    assert!(refused(&l, &["promise", "remove", &id]).contains("there is no promise"));
}

#[test]
fn a_follow_up_dated_after_the_as_of_date_is_refused() {
    let l = call_due();
    let err = refused(
        &l,
        &["log", "ACME", "--kind", "call", "--date", "2026-11-23"],
    );
    assert!(
        err.contains("--date: 2026-11-23 is after 2026-11-22, the date dun works as of"),
        "{err}"
    );
    assert_eq!(l.json(&["log", "list"]), serde_json::json!([]));
}

use crate::tui_live::Live;
use dun::ops::Field;
use dun::tui::action::Action;

#[test]
fn undo_on_the_dashboard_takes_back_the_last_write_after_a_confirmation() {
    let l = call_due();
    let mut live = Live::on(&l);
    live.drive(&[Action::MarkDone]);
    assert_eq!(live.app.status, "Acme Widgets: logged the call");
    assert!(live.app.board.agenda.is_empty());
    live.drive(&[Action::Undo]);
    assert_eq!(
        live.app.status,
        "remove the call logged just now? enter removes it, esc keeps it"
    );
    live.snapshot("undo_confirm");
    // esc keeps it.
    live.drive(&[Action::Back]);
    assert_eq!(live.app.status, "kept");
    assert_eq!(l.json(&["log", "list"]).as_array().unwrap().len(), 1);
    // enter removes it: the call is asked for again, the log keeps a trace.
    live.drive(&[Action::Undo, Action::Submit]);
    assert_eq!(live.app.status, "removed the call of 2026-11-22");
    assert_eq!(live.app.board.agenda.len(), 1, "the call is due again");
    let log = l.json(&["log", "list"]);
    assert_eq!(log[0]["removed_by"], log[1]["id"]);
    assert_eq!(log[1]["note"], "undone on the dashboard");
    live.snapshot("undone");
    live.drive(&[Action::Undo]);
    assert_eq!(live.app.status, "nothing to undo in this session");
}

#[test]
fn undo_takes_back_a_payment_recorded_on_the_customer_screen() {
    let l = call_due();
    let mut live = Live::on(&l);
    live.drive(&[Action::Open, Action::RecordPayment]);
    let form = live.app.form.as_mut().expect("the payment form opens");
    form.field_mut(Field::Amount).unwrap().input = dun::tui::form::TextField::with("400");
    live.drive(&[Action::Submit]);
    assert_eq!(
        live.app.status,
        "Acme Widgets: recorded a payment of 400.00 EUR"
    );
    live.drive(&[Action::Undo]);
    assert_eq!(
        live.app.status,
        "remove the payment of 400.00 EUR recorded just now? enter removes it, esc keeps it"
    );
    live.drive(&[Action::Submit]);
    assert_eq!(
        live.app.status,
        "removed the payment of 400.00 EUR received 2026-11-22"
    );
    assert_eq!(l.json(&["payment", "list"]), serde_json::json!([]));
    let detail = live.app.customer.as_ref().unwrap();
    assert!(detail.payments.is_empty(), "the open screen shows it gone");
    assert_eq!(detail.invoices[0].open.to_string(), "1200.00");
    live.snapshot("undone_payment");
}

#[test]
fn a_follow_up_logged_under_an_older_schema_can_be_removed_after_the_upgrade() {
    let l = Ledger::new();
    std::fs::copy("tests/fixtures/ledger-v3.db", &l.db).unwrap();
    let log = l.json(&["log", "list", "--customer", "ACME"]);
    assert_eq!(log[0]["outcome"], "will pay on Friday", "{log}");
    assert_eq!(log[0]["removed_by"], Value::Null);
    let id = log[0]["id"].to_string();
    let out = l.ok(&["log", "remove", &id]);
    assert_eq!(out, "removed the call of 2026-11-22 for ACME\n");
}

#[test]
fn the_customer_screen_removes_a_follow_up_payment_or_promise_picked_from_it() {
    let l = call_due();
    l.ok(&["log", "ACME", "--kind", "call", "--outcome", "pays Friday"]);
    promise(&l, "ACME", "1200", "2026-11-28");
    pay(&l, "ACME", "100", "2026-11-21");
    let mut live = Live::on(&l);
    live.drive(&[Action::ShowAging, Action::Open, Action::RemoveEntry]);
    assert_eq!(
        live.app.status,
        "remove the promise of 1,200.00 EUR by 2026-11-28 (1/3)? tab next, enter removes it, esc keeps it"
    );
    live.snapshot("remove_pick");
    live.drive(&[Action::NextField]);
    assert_eq!(
        live.app.status,
        "remove the call of 2026-11-22 (pays Friday) (2/3)? tab next, enter removes it, esc keeps it"
    );
    live.drive(&[Action::Back]);
    assert_eq!(live.app.status, "kept");
    assert_eq!(l.json(&["log", "list"]).as_array().unwrap().len(), 1);
    // The call goes: the ladder asks for it again, the history says why.
    live.drive(&[Action::RemoveEntry, Action::NextField, Action::Submit]);
    assert_eq!(live.app.status, "removed the call of 2026-11-22");
    let log = l.json(&["log", "list"]);
    assert_eq!(log[1]["note"], "removed on the dashboard");
    assert_eq!(log[0]["removed_by"], log[1]["id"]);
    // The rest: the payment and the promise.
    live.drive(&[Action::RemoveEntry, Action::Submit]);
    assert!(
        live.app.status.starts_with("removed the "),
        "{}",
        live.app.status
    );
    live.drive(&[Action::RemoveEntry, Action::Submit]);
    assert!(
        live.app.status.starts_with("removed the "),
        "{}",
        live.app.status
    );
    assert_eq!(l.json(&["payment", "list"]), serde_json::json!([]));
    assert_eq!(l.json(&["promise", "list"]), serde_json::json!([]));
    live.snapshot("removed_all");
    live.drive(&[Action::RemoveEntry]);
    assert_eq!(live.app.status, "nothing to remove");
}

#[test]
fn a_bank_line_dated_after_the_as_of_date_is_not_allocated_yet() {
    let l = Ledger::new();
    std::fs::copy("tests/fixtures/ledger-v3.db", &l.db).unwrap();
    let waiting = l.json(&["payment", "allocate"]);
    assert_eq!(waiting[0]["paid_on"], "2026-11-19", "{waiting}");
    let id = waiting[0]["id"].to_string();
    let out = l
        .dun_as_of("2026-11-18")
        .args(["payment", "allocate", &id, "--customer", "ACME"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("2026-11-19 is after 2026-11-18, the date dun works as of"),
        "{err}"
    );
    assert_eq!(l.json(&["payment", "allocate"]), waiting, "it still waits");
}
