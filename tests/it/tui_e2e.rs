//! The real binary in a real terminal (tmux): open the dashboard on a demo
//! ledger, go to a customer, log a call with a promise, quit. The ledger
//! then holds both and the terminal is back from the alternate screen.
//! Needs tmux (`.ci/run` installs it).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use crate::common::tmux::Tmux;

#[test]
fn log_a_call_with_a_promise_from_the_dashboard() {
    let demo = common::Ledger::demo(120, 3, "2026-11-22");
    let tmux = Tmux::board(&demo);
    tmux.keys(&["Enter"]);
    let screen = tmux.wait_for("call first");
    let code = screen
        .lines()
        .nth(1)
        .and_then(|l| l.split_whitespace().next())
        .unwrap()
        .to_string();
    tmux.keys(&["l"]);
    tmux.wait_for("Log a follow-up");
    tmux.type_text("c"); // the kind: typing an initial picks it
    tmux.wait_for("[call]");
    tmux.keys(&["Tab"]);
    tmux.type_text("will pay on Friday");
    // The promise date, as a shortcut read from --as-of (a Sunday).
    tmux.keys(&["Tab"]);
    tmux.type_text("fri");
    tmux.wait_for("fri = Fri 2026-11-27");
    // The amount offered is the overdue balance; typing replaces it.
    tmux.keys(&["Tab"]);
    tmux.type_text("1,500.00");
    tmux.wait_for("1,500.00");
    tmux.keys(&["Enter"]);
    tmux.wait_for("logged the call and a promise of 1,500.00 EUR by 2026-11-27");
    tmux.keys(&["q"]);
    let screen = tmux.wait_for("DUN-EXIT=0");
    assert!(
        !screen.contains("2 Agenda"),
        "the dashboard is gone from the screen:\n{screen}"
    );
    assert_eq!(
        tmux.run(&["display-message", "-p", "-t", "dun", "#{alternate_on}"])
            .trim(),
        "0",
        "left the alternate screen"
    );

    let conn = rusqlite::Connection::open(&demo.db).unwrap();
    let (kind, outcome): (String, String) = conn
        .query_row(
            "SELECT a.kind, a.outcome FROM activity a JOIN customer c ON c.id = a.customer_id
             WHERE c.code = ?1 ORDER BY a.id DESC LIMIT 1",
            [&code],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(
        (kind.as_str(), outcome.as_str()),
        ("call", "will pay on Friday")
    );
    let (promised_on, amount): (String, i64) = conn
        .query_row(
            "SELECT p.promised_on, p.amount_minor FROM promise p JOIN customer c ON c.id = p.customer_id
             WHERE c.code = ?1 ORDER BY p.id DESC LIMIT 1",
            [&code],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((promised_on.as_str(), amount), ("2026-11-27", 150_000));
}
