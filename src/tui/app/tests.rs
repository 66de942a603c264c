//! `App::handle`: each message changes the state as the shell's outcome says.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::{App, Preview, Screen};
use crate::tui::action::Action;
use crate::tui::keymap::Keymap;
use crate::tui::message::Message;
use crate::tui::model::{AgingRow, Board, CustomerDetail};
use dun_core::dunning::{AgendaItem, AgendaKind, StageAction};
use dun_core::money::Currency;

fn day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 22).expect("a date")
}

fn row(customer_id: i64, code: &str, total: i64) -> AgingRow {
    AgingRow {
        report: dun_core::aging::AgingRow {
            customer_id,
            currency: Currency::EUR,
            total: Decimal::from(total),
            buckets: vec![Decimal::from(total)],
            credit: Decimal::ZERO,
        },
        code: code.into(),
        name: format!("{code} Ltd"),
        badges: Vec::new(),
        last_contact: None,
        next_action: None,
        search: format!("{}\u{0}{} ltd", code.to_lowercase(), code.to_lowercase()),
        oldest: 0,
        invoices: Vec::new(),
    }
}

fn detail(customer_id: i64, code: &str, on_hold: bool) -> CustomerDetail {
    CustomerDetail {
        customer_id,
        code: code.into(),
        name: format!("{code} Ltd"),
        call_first: None,
        contacts: Vec::new(),
        measures: Vec::new(),
        invoices: Vec::new(),
        payments: Vec::new(),
        commitments: Vec::new(),
        timeline: Vec::new(),
        due: None,
        on_hold,
        next_step: None,
        notes: None,
        removable: Vec::new(),
    }
}

/// A board of two customers, nothing on the agenda: it opens on the aging.
fn app() -> App {
    let board = Board {
        as_of: day(),
        bucket_titles: vec!["Current".into()],
        rows: vec![row(1, "ACME", 500), row(2, "OTHER", 300)],
        agenda: Vec::new(),
        customers: 2,
        waiting: Vec::new(),
    };
    App::new(board, Keymap::default_map())
}

#[test]
fn a_loaded_customer_opens_its_screen() {
    let mut app = app();
    assert_eq!(app.screen, Screen::Aging);
    let effects = app.handle(Message::CustomerLoaded(detail(1, "ACME", false)));
    assert!(effects.is_empty());
    assert_eq!(app.screen, Screen::Customer);
    assert_eq!(app.customer.as_ref().map(|c| c.customer_id), Some(1));
}

#[test]
fn a_refused_save_shows_in_the_form_and_a_saved_one_closes_it() {
    let mut app = app();
    app.update(Action::RecordPayment);
    assert!(app.form.is_some());
    app.handle(Message::Saved(Err("Amount: not a number".into())));
    let error = app.form.as_ref().and_then(|f| f.error.clone());
    assert_eq!(error.as_deref(), Some("Amount: not a number"));
    app.handle(Message::Saved(Ok("recorded a payment".into())));
    assert!(app.form.is_none());
    assert_eq!(app.status, "recorded a payment");
}

#[test]
fn a_refresh_replaces_the_rows_and_reloads_the_open_customer_in_place() {
    let mut app = app();
    app.handle(Message::CustomerLoaded(detail(1, "ACME", false)));
    app.update(Action::Back);
    assert_eq!(app.screen, Screen::Aging);
    app.handle(Message::Refreshed {
        customer_id: 1,
        rows: vec![row(1, "ACME", 100)],
        agenda: Vec::new(),
        detail: Some(detail(1, "ACME", true)),
    });
    assert_eq!(app.screen, Screen::Aging, "the user stays where they were");
    assert!(app.customer.as_ref().is_some_and(|c| c.on_hold));
    let totals: Vec<(&str, Decimal)> = app
        .view
        .iter()
        .map(|&i| {
            (
                app.board.rows[i].code.as_str(),
                app.board.rows[i].report.total,
            )
        })
        .collect();
    assert_eq!(
        totals,
        vec![("OTHER", Decimal::from(300)), ("ACME", Decimal::from(100))]
    );
    // Another customer's screen is never shown in place of the open one.
    app.handle(Message::Refreshed {
        customer_id: 2,
        rows: Vec::new(),
        agenda: Vec::new(),
        detail: Some(detail(2, "OTHER", false)),
    });
    assert_eq!(app.customer.as_ref().map(|c| c.customer_id), Some(1));
    assert_eq!(app.board.rows.len(), 1, "OTHER paid in full left the aging");
}

#[test]
fn a_preview_is_shown_then_closed_when_sent() {
    let mut app = app();
    let item = AgendaItem {
        customer_id: 1,
        code: "ACME".into(),
        kind: AgendaKind::Stage,
        action: StageAction::Email,
        stage: "overdue_email".into(),
        invoices: vec![10],
        overdue_balance: Decimal::from(500),
        currency: Currency::EUR,
        days_overdue: 20,
        severity: 1,
        why: "20 days overdue".into(),
    };
    app.handle(Message::PreviewReady(Preview {
        item: item.clone(),
        to: "ap@acme.example".into(),
        subject: "Overdue".into(),
        body: "Dear customer".into(),
        scroll: 0,
        letter: false,
    }));
    assert_eq!(app.preview.as_ref().map(|p| &p.item), Some(&item));
    app.handle(Message::Sent(Err("no mail transport".into())));
    assert!(app.preview.is_none());
    assert_eq!(app.status, "no mail transport");
}

#[test]
fn a_failure_goes_to_the_status_line_and_a_resize_sets_the_page() {
    let mut app = app();
    app.handle(Message::Failed("the ledger is locked".into()));
    assert_eq!(app.status, "the ledger is locked");
    app.handle(Message::Resized(42));
    assert_eq!(app.page, 42);
}

#[test]
fn a_filter_typed_further_narrows_to_what_a_fresh_filter_shows() {
    let mut app = App::new(
        Board {
            as_of: day(),
            bucket_titles: vec!["Current".into()],
            rows: vec![
                row(1, "CAB01", 900),
                row(2, "CAB02", 500),
                row(3, "DAB03", 700),
                row(4, "CAB14", 100),
            ],
            agenda: Vec::new(),
            customers: 4,
            waiting: Vec::new(),
        },
        Keymap::default_map(),
    );
    app.sort = (super::SortColumn::Code, true);
    app.filter = "ab".into();
    app.refresh_view();
    assert_eq!(app.view.len(), 4);
    app.filter = "cab".into();
    app.narrow_view();
    let narrowed = app.view.clone();
    assert_eq!(
        app.view_totals.total.get(Currency::EUR),
        Decimal::from(1500)
    );
    app.filter = "cab1".into();
    app.narrow_view();
    assert_eq!(app.view, vec![3]);
    // The same filter from scratch shows the same rows in the same order.
    app.filter = "cab".into();
    app.refresh_view();
    assert_eq!(app.view, narrowed);
    assert_eq!(narrowed, vec![3, 1, 0]);
}
