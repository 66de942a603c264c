//! The dashboard's common path made quick: forms that say who and what,
//! date shortcuts, esc that asks before throwing a form away, the number
//! to call in front of you, the customer's notes, the command palette and
//! the keys of "log a call with a promise". Screens at 80x24, 100x30,
//! 160x48 and 220x60 from a real demo ledger as of 2026-11-22 (a Sunday),
//! driven by actions and keys; writes go through the real write path.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::tui_screens::{Fixture, fixture, render};

use dun::ops::Field;
use dun::tui::action::Action;
use dun::tui::app::{App, Screen};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

const SIZES: [(u16, u16); 4] = [(80, 24), (100, 30), (160, 48), (220, 60)];

fn snapshot(name: &str, app: &mut App) {
    for size in SIZES {
        let (text, _) = render(app, size);
        insta::assert_snapshot!(format!("{name}_{}x{}", size.0, size.1), text);
    }
}

/// Presses keys on the app as the terminal would, carrying out effects.
fn press(f: &Fixture, app: &mut App, keys: &[KeyCode]) {
    let mut store = f.store();
    for key in keys {
        let effects = app.key(KeyEvent::new(*key, KeyModifiers::NONE));
        dun::commands::dashboard::run_effects(&f.session, &mut store, app, effects).unwrap();
    }
}

fn chars(text: &str) -> Vec<KeyCode> {
    text.chars().map(KeyCode::Char).collect()
}

fn value(app: &App, field: Field) -> String {
    app.form.as_ref().unwrap().value(field).unwrap()
}

fn query(f: &Fixture, sql: &str, code: &str) -> (String, i64) {
    let conn = rusqlite::Connection::open(&f.session.db).unwrap();
    conn.query_row(sql, [code], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
}

#[test]
fn forms_say_who_and_what_and_start_from_the_overdue_balance() {
    let f = fixture();
    let mut app = f.app();
    let top = app.board.agenda[0].clone();
    f.drive(&mut app, &[Action::LogFollowUp]);
    let form = app.form.clone().unwrap();
    assert!(form.title.contains(&top.name), "{}", form.title);
    for number in &top.numbers {
        assert!(form.title.contains(number), "{}", form.title);
    }
    let overdue = app
        .locale
        .format_amount(top.item.overdue_balance, top.item.currency.minor_digits());
    assert_eq!(value(&app, Field::PromiseAmount), overdue);
    assert_eq!(value(&app, Field::Currency), top.item.currency.to_string());
    snapshot("follow_up_from_the_agenda", &mut app);

    // The payment form of the customer's screen: its name, the open amount.
    f.drive(
        &mut app,
        &[Action::Back, Action::Open, Action::RecordPayment],
    );
    let form = app.form.clone().unwrap();
    let detail = app.customer.clone().unwrap();
    assert!(form.title.contains(&detail.name), "{}", form.title);
    // Opened from the agenda, the screen selects the item's own invoice.
    let invoice = &detail.invoices[app.invoice.selected];
    assert!(form.title.contains(&invoice.number), "{}", form.title);
    let open: Vec<String> = app
        .board
        .rows
        .iter()
        .filter(|r| r.report.customer_id == detail.customer_id)
        .map(|r| dun_core::money::Money::new(r.report.total, r.report.currency).display(app.locale))
        .collect();
    assert!(!open.is_empty());
    for amount in &open {
        assert!(
            form.context.iter().any(|l| l.contains(amount.as_str())),
            "{amount}: {:?}",
            form.context
        );
    }
    snapshot("payment_with_the_open_amount", &mut app);
    f.drive(&mut app, &[Action::Back, Action::MoveDown, Action::Dispute]);
    let number = &detail.invoices[1].number;
    let title = app.form.as_ref().unwrap().title.clone();
    assert!(
        title.contains(number) && title.contains(&detail.name),
        "{title}"
    );
}

#[test]
fn a_date_typed_as_a_shortcut_shows_its_day_and_is_saved_as_it() {
    let f = fixture();
    let mut app = f.app();
    let code = app.board.agenda[0].item.code.clone();
    f.drive(&mut app, &[Action::LogFollowUp]);
    app.form.as_mut().unwrap().focus = 2;
    assert_eq!(
        app.form.as_ref().unwrap().fields[2].key,
        Field::PromiseDate.into()
    );
    press(&f, &mut app, &chars("fri"));
    let (text, _) = render(&mut app, (100, 30));
    assert!(text.contains("fri = Fri 2026-11-27"), "{text}");
    snapshot("promise_date_fri", &mut app);
    // The next date: `2w` replaces the suggested date in one go.
    app.form.as_mut().unwrap().focus = 6;
    press(&f, &mut app, &chars("2w"));
    assert_eq!(value(&app, Field::NextDate), "2w");
    press(&f, &mut app, &[KeyCode::Enter]);
    assert!(app.form.is_none(), "{:?}", app.form.and_then(|f| f.error));
    let (promised_on, _) = query(
        &f,
        "SELECT p.promised_on, p.amount_minor FROM promise p JOIN customer c
         ON c.id = p.customer_id WHERE c.code = ?1 ORDER BY p.id DESC LIMIT 1",
        &code,
    );
    assert_eq!(promised_on, "2026-11-27");
    let (next_on, _) = query(
        &f,
        "SELECT a.next_on, a.id FROM activity a JOIN customer c
         ON c.id = a.customer_id WHERE c.code = ?1 ORDER BY a.id DESC LIMIT 1",
        &code,
    );
    assert_eq!(next_on, "2026-12-06");
}

#[test]
fn esc_on_a_filled_form_asks_before_throwing_it_away() {
    let f = fixture();
    let mut app = f.app();
    // Nothing typed: esc closes at once.
    f.drive(&mut app, &[Action::LogFollowUp, Action::Back]);
    assert!(app.form.is_none());
    f.drive(&mut app, &[Action::LogFollowUp, Action::NextField]);
    press(&f, &mut app, &chars("will pay friday"));
    press(&f, &mut app, &[KeyCode::Esc]);
    let form = app.form.as_ref().expect("still open");
    assert!(form.confirm_discard);
    assert_eq!(value(&app, Field::Outcome), "will pay friday");
    snapshot("discard_asked", &mut app);
    // Any other key keeps it; esc then asks again, and a second esc discards.
    press(&f, &mut app, &chars("!"));
    assert!(!app.form.as_ref().unwrap().confirm_discard);
    assert_eq!(value(&app, Field::Outcome), "will pay friday!");
    press(&f, &mut app, &[KeyCode::Esc]);
    assert!(app.form.is_some());
    press(&f, &mut app, &[KeyCode::Esc]);
    assert!(app.form.is_none(), "discarded");
    assert_eq!(app.screen, Screen::Agenda);
}

#[test]
fn call_first_and_the_call_form_show_the_number_to_call() {
    let f = fixture();
    let mut app = f.app();
    f.drive(&mut app, &[Action::Open]);
    let detail = app.customer.clone().unwrap();
    let (phone, _) = query(
        &f,
        "SELECT phone, id FROM customer WHERE code = ?1",
        &detail.code,
    );
    let call = detail.call_first.clone().unwrap();
    let name = call.name.clone().unwrap();
    let email = call.email.clone().unwrap();
    for size in SIZES {
        let (text, _) = render(&mut app, size);
        for shown in [&name, &call.role, &phone, &email] {
            assert!(
                text.contains(shown.as_str()),
                "{shown} at {size:?}:\n{text}"
            );
        }
    }
    snapshot("call_first", &mut app);
    f.drive(&mut app, &[Action::LogFollowUp]);
    let context = app.form.as_ref().unwrap().context.join("\n");
    for shown in [&name, &call.role, &phone, &email] {
        assert!(context.contains(shown.as_str()), "{shown}: {context}");
    }
    snapshot("call_form", &mut app);
    // From the agenda too, before the customer's screen was ever opened.
    let mut fresh = f.app();
    f.drive(&mut fresh, &[Action::LogFollowUp]);
    let context = fresh.form.as_ref().unwrap().context.join(" ");
    assert!(context.contains("phone +"), "{context}");
}

#[test]
fn the_customers_notes_are_shown_and_edited_through_the_write_path() {
    let f = fixture();
    let mut app = f.app();
    f.drive(&mut app, &[Action::Open, Action::EditNotes]);
    let code = app.customer.as_ref().unwrap().code.clone();
    assert_eq!(value(&app, Field::Notes), "");
    press(&f, &mut app, &chars("pays on the 15th; ask for Mihai"));
    snapshot("notes_form", &mut app);
    press(&f, &mut app, &[KeyCode::Enter]);
    assert!(app.form.is_none(), "{:?}", app.form.and_then(|f| f.error));
    let name = app.customer.as_ref().unwrap().name.clone();
    assert_eq!(app.status, format!("{name}: notes on {code} saved"));
    let conn = rusqlite::Connection::open(&f.session.db).unwrap();
    let notes: String = conn
        .query_row("SELECT notes FROM customer WHERE code = ?1", [&code], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(notes, "pays on the 15th; ask for Mihai");
    let (text, _) = render(&mut app, (80, 24));
    assert!(
        text.contains("notes (N to edit): pays on the 15th"),
        "{text}"
    );
    snapshot("notes_shown", &mut app);
    // Editing starts from what is there.
    f.drive(&mut app, &[Action::EditNotes]);
    assert_eq!(value(&app, Field::Notes), notes);
}

#[test]
fn the_palette_lists_every_action_by_name_and_runs_the_one_found() {
    let f = fixture();
    let mut app = f.app();
    press(&f, &mut app, &[KeyCode::Char(':')]);
    assert!(app.palette.is_some(), "':' opens the palette");
    let (text, _) = render(&mut app, (220, 60));
    for action in dun::tui::palette::offered() {
        assert!(text.contains(action.name()), "{action} listed:\n{text}");
    }
    snapshot("palette", &mut app);
    press(&f, &mut app, &chars("pay"));
    snapshot("palette_pay", &mut app);
    press(&f, &mut app, &[KeyCode::Enter]);
    assert!(app.palette.is_none());
    let title = app
        .form
        .as_ref()
        .map(|f| f.title.clone())
        .unwrap_or_default();
    assert!(title.starts_with("Record a payment"), "{title}");
    // Esc closes it without running anything.
    f.drive(&mut app, &[Action::Back]);
    press(&f, &mut app, &[KeyCode::Char(':'), KeyCode::Esc]);
    assert!(app.palette.is_none() && app.form.is_none());
}

#[test]
fn a_call_with_a_promise_for_the_top_agenda_item_takes_eight_keys() {
    let f = fixture();
    let mut app = f.app();
    let top = app.board.agenda[0].clone();
    let outcome = "will pay by Friday";
    // l, c, tab, (the outcome), tab, f, r, i, enter: the README counts them.
    let before: Vec<KeyCode> = vec![KeyCode::Char('l'), KeyCode::Char('c'), KeyCode::Tab];
    let after: Vec<KeyCode> = [KeyCode::Tab]
        .into_iter()
        .chain(chars("fri"))
        .chain([KeyCode::Enter])
        .collect();
    assert_eq!(before.len() + after.len(), 8);
    press(&f, &mut app, &before);
    press(&f, &mut app, &chars(outcome));
    press(&f, &mut app, &after[..after.len() - 1]);
    snapshot("eight_keys", &mut app);
    press(&f, &mut app, &after[after.len() - 1..]);
    assert!(app.form.is_none(), "{:?}", app.form.and_then(|f| f.error));
    let (kind, _) = query(
        &f,
        "SELECT a.kind || ': ' || a.outcome, a.id FROM activity a JOIN customer c
         ON c.id = a.customer_id WHERE c.code = ?1 ORDER BY a.id DESC LIMIT 1",
        &top.item.code,
    );
    assert_eq!(kind, format!("call: {outcome}"));
    let (promised_on, minor) = query(
        &f,
        "SELECT p.promised_on, p.amount_minor FROM promise p JOIN customer c
         ON c.id = p.customer_id WHERE c.code = ?1 ORDER BY p.id DESC LIMIT 1",
        &top.item.code,
    );
    assert_eq!(promised_on, "2026-11-27");
    assert_eq!(
        rust_decimal::Decimal::new(minor, top.item.currency.minor_digits()),
        top.item.overdue_balance
    );
}

#[test]
fn the_eight_keys_work_in_the_real_dashboard() {
    let demo = crate::common::Ledger::demo(120, 3, "2026-11-22");
    let agenda = demo.json(&["agenda"]);
    let top = &agenda.as_array().unwrap()[0];
    let code = top["customer"].as_str().unwrap().to_string();
    assert_eq!(top["currency"], "EUR", "two decimal places below");
    let tmux = crate::common::tmux::Tmux::board(&demo);
    tmux.keys(&["l"]);
    tmux.wait_for("Log a follow-up");
    tmux.keys(&["c", "Tab"]);
    tmux.type_text("will pay by Friday");
    tmux.keys(&["Tab", "f", "r", "i"]);
    tmux.wait_for("fri = Fri 2026-11-27");
    tmux.keys(&["Enter"]);
    tmux.wait_for("a promise of");
    tmux.keys(&["q"]);
    tmux.wait_for("DUN-EXIT=0");
    let conn = rusqlite::Connection::open(&demo.db).unwrap();
    let (promised_on, minor, outcome): (String, i64, String) = conn
        .query_row(
            "SELECT p.promised_on, p.amount_minor, a.outcome FROM promise p
             JOIN customer c ON c.id = p.customer_id
             JOIN activity a ON a.customer_id = c.id AND a.kind = 'call'
             WHERE c.code = ?1 ORDER BY p.id DESC, a.id DESC LIMIT 1",
            [&code],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    let overdue: rust_decimal::Decimal = top["overdue_balance"].as_str().unwrap().parse().unwrap();
    assert_eq!(
        (
            promised_on.as_str(),
            rust_decimal::Decimal::new(minor, 2),
            outcome.as_str()
        ),
        ("2026-11-27", overdue, "will pay by Friday")
    );
}
