//! One write path: the same bad request sent through the command line (the
//! real binary) and through the dashboard (its forms, driven by actions, on
//! the same ledger) gets the same error, and nothing is written by either.
//! Every write also records the measure history, whichever way it came.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use chrono::NaiveDate;
use dun::commands::Session;
use dun::commands::dashboard::{apply, load_board, run_effects};
use dun::config::{Config, Origin};
use dun::ops::{self, Context, CustomerRef, Field};
use dun::store::Store;
use dun::tui::action::Action;
use dun::tui::app::{App, Effect, Screen};
use dun::tui::keymap::Keymap;

const AS_OF: &str = "2026-11-22";

/// ACME owes INV-1 (overdue); OTHER owes INV-2.
fn ledger() -> common::Ledger {
    common::LedgerBuilder::new()
        .customer("ACME", "Acme Ltd")
        .customer("OTHER", "Other Srl")
        .invoice("INV-1", "ACME", "2026-09-01", "2026-10-01", "500.00")
        .invoice("INV-2", "OTHER", "2026-09-01", "2026-10-01", "300.00")
        .build()
}

pub(crate) fn session(ledger: &common::Ledger) -> Session {
    let day = NaiveDate::parse_from_str(AS_OF, "%Y-%m-%d").unwrap();
    Session {
        config: Config::default().validate(Origin::Defaults).unwrap(),
        as_of: day,
        db: ledger.db.clone(),
        today: day,
    }
}

/// The one line the real binary prints on stderr, which must fail with 1.
fn cli_error(ledger: &common::Ledger, args: &[&str]) -> String {
    let output = ledger.dun().args(args).output().unwrap();
    assert_eq!(
        output.status.code(),
        Some(1),
        "dun {args:?} must be refused"
    );
    String::from_utf8(output.stderr)
        .unwrap()
        .trim_end()
        .to_string()
}

/// The dashboard on ACME's customer screen, on the real ledger.
struct Dashboard {
    session: Session,
    store: Store,
    app: App,
}

impl Dashboard {
    fn on_acme(ledger: &common::Ledger) -> Dashboard {
        let session = session(ledger);
        let store = Store::open(&session.db).unwrap();
        let app = App::new(load_board(&session, &store).unwrap(), Keymap::default_map());
        let mut dashboard = Dashboard {
            session,
            store,
            app,
        };
        dashboard.drive(Action::ShowAging);
        let app = &mut dashboard.app;
        app.aging.selected = app
            .view
            .iter()
            .position(|&i| app.board.rows[i].code == "ACME")
            .expect("ACME is on the aging");
        dashboard.drive(Action::Open);
        assert_eq!(dashboard.app.screen, Screen::Customer);
        dashboard
    }

    /// One action, its effects carried out on the ledger.
    fn drive(&mut self, action: Action) {
        let effects = self.app.update(action);
        run_effects(&self.session, &mut self.store, &mut self.app, effects).unwrap();
    }

    /// Opens a form, fills it, submits it; returns the write path's error
    /// for its request and checks the form shows exactly that error.
    fn refused(&mut self, open: Action, values: &[(Field, &str)]) -> ops::OpError {
        self.drive(open);
        let form = self.app.form.as_mut().expect("the form opens");
        for (key, value) in values {
            let field = form.field_mut(*key).unwrap_or_else(|e| panic!("{e}"));
            field.input = dun::tui::form::TextField::with(value);
        }
        let effects = self.app.update(Action::Submit);
        let [Effect::Save(request)] = effects.as_slice() else {
            panic!("the form asks for a write: {effects:?} {:?}", self.app.form);
        };
        let error = apply(&self.session, &mut self.store, request).expect_err("refused");
        run_effects(&self.session, &mut self.store, &mut self.app, effects).unwrap();
        let shown = self.app.form.as_ref().and_then(|f| f.error.clone());
        assert_eq!(
            shown,
            Some(error.for_dashboard()),
            "the form shows the error"
        );
        // Esc on a filled form asks first; the second esc throws it away.
        let filled = self.app.form.as_ref().is_some_and(|f| f.is_filled());
        self.drive(Action::Back);
        if filled {
            assert!(self.app.form.as_ref().is_some_and(|f| f.confirm_discard));
            self.drive(Action::Back);
        }
        assert!(self.app.form.is_none());
        error
    }
}

/// Asserts the dashboard's error is the command line's, field and message.
fn same(cli: &str, dashboard: &ops::OpError, field: Field, words: &str) {
    assert_eq!(cli, format!("error: {dashboard}"), "the same error");
    assert_eq!(dashboard.field(), Some(field), "{dashboard}");
    assert!(cli.contains(words), "{cli}");
}

/// The command line's arguments; the form to open and what to type in it;
/// the field the error is about; words the message holds.
type Case<'a> = (Vec<&'a str>, Action, Vec<(Field, String)>, Field, &'a str);

/// Every write's bad requests, each typed on the command line and in the
/// dashboard's form for it.
fn cases() -> Vec<Case<'static>> {
    let pay = |amount: &str, date: &str, invoice: &str| {
        vec![
            (Field::Amount, amount.to_string()),
            (Field::Date, date.to_string()),
            (Field::Invoice, invoice.to_string()),
        ]
    };
    vec![
        (
            vec!["invoice", "dispute", "INV-1", "--reason", " "],
            Action::Dispute,
            vec![(Field::Reason, " ".into())],
            Field::Reason,
            "must not be empty",
        ),
        (
            vec!["hold", "ACME", "--reason", ""],
            Action::ToggleHold,
            vec![(Field::Reason, String::new())],
            Field::Reason,
            "must not be empty",
        ),
        (
            vec![
                "payment",
                "add",
                "--customer",
                "ACME",
                "--amount",
                "",
                "--date",
                "2026-11-20",
            ],
            Action::RecordPayment,
            pay("", "2026-11-20", ""),
            Field::Amount,
            "--amount: ",
        ),
        (
            vec!["log", "ACME", "--kind", "call", "--next", "2026-11-01"],
            Action::LogFollowUp,
            vec![
                (Field::Kind, "call".into()),
                (Field::NextDate, "2026-11-01".into()),
            ],
            Field::NextDate,
            "on or after",
        ),
        (
            vec![
                "payment",
                "add",
                "--customer",
                "ACME",
                "--amount",
                "1,00,0",
                "--date",
                "2026-11-20",
            ],
            Action::RecordPayment,
            pay("1,00,0", "2026-11-20", ""),
            Field::Amount,
            "1,00,0",
        ),
        (
            vec![
                "payment",
                "add",
                "--customer",
                "ACME",
                "--amount",
                "10",
                "--date",
                "2026-11-20",
                "--invoice",
                "X-404",
            ],
            Action::RecordPayment,
            pay("10", "2026-11-20", "X-404"),
            Field::Invoice,
            "no invoice 'X-404'",
        ),
        (
            vec![
                "payment",
                "add",
                "--customer",
                "ACME",
                "--amount",
                "10",
                "--date",
                "2026-11-20",
                "--invoice",
                "INV-2",
            ],
            Action::RecordPayment,
            pay("10", "2026-11-20", "INV-2"),
            Field::Invoice,
            "another customer",
        ),
        (
            vec![
                "payment",
                "add",
                "--customer",
                "ACME",
                "--amount",
                "10",
                "--date",
                "2026-11-30",
            ],
            Action::RecordPayment,
            pay("10", "2026-11-30", ""),
            Field::Date,
            "after 2026-11-22",
        ),
        (
            vec![
                "promise",
                "ACME",
                "--date",
                "2026-11-30",
                "--amount",
                "1.000,5",
            ],
            Action::LogFollowUp,
            vec![
                (Field::PromiseDate, "2026-11-30".into()),
                (Field::PromiseAmount, "1.000,5".into()),
            ],
            Field::PromiseAmount,
            "1.000,5",
        ),
        (
            vec!["log", "ACME", "--kind", "call", "--note", "a\u{1b}[2Jb"],
            Action::LogFollowUp,
            vec![(Field::Note, "a\u{1b}[2Jb".into())],
            Field::Note,
            "U+001B",
        ),
    ]
}

#[test]
fn a_bad_request_gets_the_same_error_from_the_cli_and_the_dashboard() {
    let ledger = ledger();
    let before = ledger.dump();
    let mut dashboard = Dashboard::on_acme(&ledger);
    for (args, open, values, field, words) in cases() {
        let cli = cli_error(&ledger, &args);
        let values: Vec<(Field, &str)> = values.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let shown = dashboard.refused(open, &values);
        // `dun promise --amount` and the follow-up form's "Promise amount"
        // are one field of the request: both are named --amount on the
        // command line.
        same(&cli, &shown, field, words);
    }
    assert_eq!(ledger.dump(), before, "nothing was written by either");
}

#[test]
fn a_refused_state_change_reads_the_same_from_both() {
    let ledger = ledger();
    let mut dashboard = Dashboard::on_acme(&ledger);
    // Resolving a dispute that was never opened.
    let cli = cli_error(&ledger, &["invoice", "resolve", "INV-1"]);
    let shown = dashboard.refused(Action::ResolveDispute, &[]);
    assert_eq!(cli, format!("error: {shown}"));
    assert!(cli.contains("INV-1 has no open dispute"), "{cli}");
}

/// The measure history, as the ledger holds it: (measure, event, date).
pub(crate) fn history(db: &std::path::Path) -> Vec<(String, String, String)> {
    let conn = rusqlite::Connection::open(db).unwrap();
    let mut stmt = conn
        .prepare("SELECT measure, event, effective_on FROM measure_event ORDER BY id")
        .unwrap();
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

#[test]
fn writes_through_the_store_opened_as_tests_open_it_record_measure_history() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("ledger.db");
    let mut store = Store::open(&db).unwrap();
    let as_of = NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
    let ctx = Context::standard(as_of);
    let customer = dun_core::ledger::Customer {
        id: 0,
        code: "ACME".into(),
        name: "Acme Ltd".into(),
        email: None,
        phone: None,
        language: dun_core::money::Locale::En,
        contacts: Vec::new(),
        payment_terms_days: None,
        early_discount: None,
        credit_limit: None,
        policy_profile: None,
        notes: None,
        created_on: NaiveDate::from_ymd_opt(2025, 1, 1).unwrap(),
    };
    ops::add_customer(&mut store, &customer).unwrap();
    // 45 days overdue: stop supply starts with the invoice.
    ops::add_invoice(
        &mut store,
        &ctx,
        &ops::AddInvoice {
            number: "INV-1".into(),
            customer: "ACME".into(),
            issued: NaiveDate::from_ymd_opt(2026, 9, 8).unwrap(),
            due: NaiveDate::from_ymd_opt(2026, 10, 8).unwrap(),
            amount: "800.00".into(),
            currency: String::new(),
            credit_note: false,
        },
    )
    .unwrap();
    let started = history(&db);
    assert!(
        started.contains(&("stop_supply".into(), "start".into(), "2026-11-07".into())),
        "{started:?}"
    );
    // The payment in full that brings the account up to date, dated two
    // days back: stop supply lifts on the day of the payment.
    ops::record_payment(
        &mut store,
        &ctx,
        &ops::RecordPayment {
            customer: CustomerRef::Code("ACME".into()),
            amount: "800.00".into(),
            currency: String::new(),
            paid_on: NaiveDate::from_ymd_opt(2026, 11, 20).unwrap(),
            invoice: Some("INV-1".into()),
            reference: String::new(),
            method: String::new(),
        },
    )
    .unwrap();
    // A hold by hand: it starts as of the as-of date.
    ops::hold(
        &mut store,
        &ctx,
        &ops::Hold {
            customer: CustomerRef::Code("ACME".into()),
            release: false,
            reason: "guarantee awaited".into(),
        },
    )
    .unwrap();
    let after = history(&db);
    assert!(
        after.contains(&("hold".into(), "start".into(), "2026-11-22".into())),
        "{after:?}"
    );
    assert!(
        after.contains(&("stop_supply".into(), "lift".into(), "2026-11-20".into())),
        "{after:?}"
    );
}

/// The invoices a follow-up links, by id.
fn linked(ledger: &common::Ledger, follow_up: i64) -> Vec<i64> {
    let conn = rusqlite::Connection::open(&ledger.db).unwrap();
    let mut stmt = conn
        .prepare("SELECT invoice_id FROM activity_invoice WHERE activity_id = ?1 ORDER BY 1")
        .unwrap();
    stmt.query_map([follow_up], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

/// A follow-up links the invoices it names: open ones (found among the
/// customer's open items, by the id the dashboard sends or by a number as
/// typed), a paid one (looked up on its own), each once; naming another
/// customer's open invoice is refused and writes nothing.
#[test]
fn a_follow_up_links_each_invoice_it_names_once_open_or_paid() {
    let ledger = common::LedgerBuilder::new()
        .customer("ACME", "Acme Ltd")
        .customer("OTHER", "Other Srl")
        .invoice("INV-1", "ACME", "2026-09-01", "2026-10-01", "500.00")
        .invoice("INV-2", "OTHER", "2026-09-01", "2026-10-01", "300.00")
        .invoice("INV-3", "ACME", "2026-09-05", "2026-10-05", "80.00")
        .payment_to("ACME", "80.00", "2026-10-02", "INV-3")
        .build();
    let session = session(&ledger);
    let mut store = Store::open(&session.db).unwrap();
    let id = |number: &str| store.invoice_by_number(number).unwrap().id;
    let (one, two, three) = (id("INV-1"), id("INV-2"), id("INV-3"));
    let ctx = session.ops();
    let call = |invoices: Vec<ops::InvoiceRef>| ops::LogFollowUp {
        customer: CustomerRef::Code("ACME".into()),
        kind: "call".into(),
        stage: ops::StageChoice::Due,
        invoices,
        occurred_on: None,
        outcome: "will pay".into(),
        note: String::new(),
        next_on: None,
        promise: None,
    };
    let logged = ops::log_follow_up(
        &mut store,
        &ctx,
        &call(vec![
            ops::InvoiceRef::Id(one),
            ops::InvoiceRef::Number(" INV-1 ".into()),
            ops::InvoiceRef::Number("INV-3".into()),
        ]),
    )
    .unwrap();
    assert_eq!(linked(&ledger, logged.id), vec![one, three]);

    let before = common::dump(&ledger.db);
    let refused = ops::log_follow_up(
        &mut store,
        &ctx,
        &call(vec![ops::InvoiceRef::Id(one), ops::InvoiceRef::Id(two)]),
    )
    .unwrap_err();
    assert!(
        refused
            .to_string()
            .contains("invoice INV-2 belongs to another customer"),
        "{refused}"
    );
    assert_eq!(common::dump(&ledger.db), before, "nothing written");
}
