//! The dashboard as a daily tool: keys that act on the screen they are
//! pressed on, columns that still add up when space is short, the agenda's
//! own amounts and its action filter, the sort menu, an accent-blind
//! filter that also finds invoice numbers, previews without SMTP settings,
//! help per screen, fading status lines, the mouse and the empty ledger.
//! Rendered at 80x24, 100x30, 160x48 and 220x60 from real ledgers.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;
use crate::tui_screens::{Fixture, fixture, render};

use chrono::NaiveDate;
use dun::commands::Session;
use dun::commands::dashboard::{load_board, run_effects};
use dun::config::{Config, Origin};
use dun::tui::action::Action;
use dun::tui::app::{App, Screen, screen_actions};
use dun::tui::keymap::Keymap;
use dun::tui::ui;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::Rect;

const SIZES: [(u16, u16); 4] = [(80, 24), (100, 30), (160, 48), (220, 60)];

fn snapshot(name: &str, app: &mut App) {
    for size in SIZES {
        let (text, _) = render(app, size);
        insta::assert_snapshot!(format!("{name}_{}x{}", size.0, size.1), text);
    }
}

/// Presses keys as typed, carrying out their effects on the ledger.
fn press(f: &Fixture, app: &mut App, keys: &str) {
    let mut store = f.store();
    for c in keys.chars() {
        let event = match c {
            '\n' => KeyEvent::from(KeyCode::Enter),
            '\u{1b}' => KeyEvent::from(KeyCode::Esc),
            c => KeyEvent::from(KeyCode::Char(c)),
        };
        let effects = app.key(event);
        run_effects(&f.session, &mut store, app, effects).unwrap();
    }
}

/// The amount as the dashboard shows it in English.
fn amount(value: rust_decimal::Decimal) -> String {
    dun_core::money::Locale::En.format_amount(value, 2)
}

#[test]
fn filter_and_sort_keys_act_only_where_they_work() {
    let f = fixture();
    let mut app = f.app();
    assert_eq!(app.screen, Screen::Agenda);
    press(&f, &mut app, "/");
    assert_eq!(app.screen, Screen::Agenda, "/ stays on the agenda");
    assert!(app.form.is_none(), "no filter opened for the aging");
    assert!(app.status.contains("aging"), "{}", app.status);
    snapshot("agenda_slash", &mut app);
    let sort = app.sort;
    press(&f, &mut app, "s");
    assert_eq!((app.screen, app.sort), (Screen::Agenda, sort));
    press(&f, &mut app, "\n/s");
    assert_eq!(app.screen, Screen::Customer);
    assert!(app.form.is_none() && !app.sort_menu);
    assert_eq!(app.sort, sort, "the aging's sort did not change");
}

#[test]
fn q_in_help_closes_help_and_ctrl_c_still_quits() {
    let f = fixture();
    let mut app = f.app();
    press(&f, &mut app, "?q");
    assert!(!app.quit, "q in help does not quit");
    assert!(!app.help, "q closes help");
    press(&f, &mut app, "?");
    app.key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL));
    assert!(app.quit);
}

#[test]
fn aging_buckets_fold_youngest_first_so_every_row_adds_up() {
    let f = fixture();
    let mut app = f.app();
    f.drive(&mut app, &[Action::ShowAging]);
    let titles = app.board.bucket_titles.clone();
    let first = app.board.rows[app.view[0]].clone();
    for size in SIZES {
        let (text, _) = render(&mut app, size);
        let lines: Vec<&str> = text.lines().collect();
        let header = lines[1];
        let shown: Vec<&String> = titles.iter().filter(|t| header.contains(*t)).collect();
        if shown.len() < titles.len() {
            // The hidden buckets are the youngest, folded into one column.
            let folded = titles.len() - shown.len();
            assert_eq!(
                shown,
                titles[folded..].iter().collect::<Vec<_>>(),
                "{size:?}"
            );
            let upper = titles[folded - 1].rsplit('-').next().unwrap();
            let mark = format!("≤{upper}");
            assert!(header.contains(&mark), "{size:?}: {header}");
            let sum: rust_decimal::Decimal = first.report.buckets[..folded].iter().sum();
            if !sum.is_zero() {
                assert!(lines[2].contains(&amount(sum)), "{size:?}: {}", lines[2]);
            }
            assert!(
                text.contains(&format!("{mark} =")),
                "{size:?}: the fold is explained"
            );
        }
        for title in ["Flags", "Next action", "Last contact"] {
            assert!(
                header.contains(title) || text.contains("hidden:"),
                "{size:?}: {title} dropped without a marker"
            );
        }
    }
    let (text, _) = render(&mut app, (100, 30));
    assert!(
        text.lines().nth(1).unwrap().contains("≤"),
        "folded at 100x30"
    );
    snapshot("aging_widths", &mut app);
}

#[test]
fn opening_an_agenda_item_selects_its_invoice() {
    let f = fixture();
    let mut app = f.app();
    let mut checked = 0;
    for at in 0..app.board.agenda.len() {
        f.drive(&mut app, &[Action::ShowAgenda, Action::First]);
        for _ in 0..at {
            f.drive(&mut app, &[Action::MoveDown]);
        }
        let wanted = app.board.agenda[at]
            .numbers
            .iter()
            .next()
            .unwrap()
            .to_string();
        f.drive(&mut app, &[Action::Open]);
        let customer = app.customer.as_ref().unwrap();
        assert_eq!(customer.invoices[app.invoice.selected].number, wanted);
        if app.invoice.selected > 0 {
            checked += 1;
            if checked == 1 {
                snapshot("agenda_opens_its_invoice", &mut app);
            }
        }
    }
    assert!(
        checked > 0,
        "some item's invoice is not the customer's first"
    );
}

#[test]
fn each_agenda_row_shows_its_own_invoices_amount() {
    let f = fixture();
    let mut app = f.app();
    let conn = rusqlite::Connection::open(&f.session.db).unwrap();
    let mut differs = 0;
    for row in &app.board.agenda {
        let open: i64 = row
            .numbers
            .iter()
            .map(|n| {
                conn.query_row(
                    "SELECT open_minor FROM invoice WHERE number = ?1",
                    [n],
                    |r| r.get::<_, i64>(0),
                )
                .unwrap()
            })
            .sum();
        let own = rust_decimal::Decimal::new(open, 2);
        assert_eq!(row.amount, own, "{} {}", row.item.code, row.item.stage);
        differs += usize::from(own != row.item.overdue_balance);
    }
    assert!(differs > 0, "some customer has several items");
    let (text, _) = render(&mut app, (160, 48));
    let row = &app.board.agenda[0];
    let line = text.lines().nth(2).unwrap();
    assert!(line.contains(&amount(row.amount)), "{line}");
    snapshot("agenda_amounts", &mut app);
}

#[test]
fn the_agenda_filters_by_action() {
    let f = fixture();
    let mut app = f.app();
    let all = app.board.agenda.len();
    press(&f, &mut app, "a");
    let only = app.agenda_action.expect("an action chosen");
    let shown = app.agenda_rows();
    assert!(!shown.is_empty() && shown.len() < all);
    assert!(shown.iter().all(|r| r.item.action == only));
    assert_eq!(
        shown.len(),
        app.board
            .agenda
            .iter()
            .filter(|r| r.item.action == only)
            .count()
    );
    let (text, _) = render(&mut app, (160, 48));
    assert!(text.contains(&format!("only: {}", only.as_str())), "{text}");
    snapshot("agenda_only_one_action", &mut app);
    // Around every action present and back to all of them.
    for _ in 0..20 {
        press(&f, &mut app, "a");
        if app.agenda_action.is_none() {
            break;
        }
    }
    assert_eq!(app.agenda_rows().len(), all);
}

#[test]
fn aging_sort_menu_marks_the_column_and_totals_follow_the_filter() {
    let f = fixture();
    let mut app = f.app();
    press(&f, &mut app, "1s");
    assert!(app.sort_menu);
    snapshot("aging_sort_menu", &mut app);
    press(&f, &mut app, "n");
    assert!(!app.sort_menu);
    let (text, _) = render(&mut app, (160, 48));
    assert!(text.lines().nth(1).unwrap().contains("Name ▼"), "{text}");
    // The same column again reverses it.
    press(&f, &mut app, "sn");
    assert!(app.sort.1);
    let (text, _) = render(&mut app, (160, 48));
    assert!(text.lines().nth(1).unwrap().contains("Name ▲"), "{text}");
    press(&f, &mut app, "s4");
    let names: Vec<String> = app
        .view
        .iter()
        .map(|&i| app.board.rows[i].report.buckets[3].to_string())
        .collect();
    assert!(!names.is_empty());
    assert!(
        render(&mut app, (160, 48))
            .0
            .lines()
            .nth(1)
            .unwrap()
            .contains("61-90 ▼")
    );

    press(&f, &mut app, "/ro\n");
    let eur: rust_decimal::Decimal = app
        .view
        .iter()
        .map(|&i| &app.board.rows[i].report)
        .filter(|r| r.currency == dun_core::money::Currency::EUR)
        .map(|r| r.total)
        .sum();
    let (text, _) = render(&mut app, (160, 48));
    let total = text.lines().find(|l| l.starts_with("SHOWN")).expect(&text);
    assert!(total.contains(&amount(eur)), "{total}");
    assert!(text.contains("totals of the rows shown"), "{text}");
    snapshot("aging_filtered_totals", &mut app);
}

#[test]
fn the_filter_ignores_accents() {
    let f = fixture();
    f.rename_a_debtor("Électricité Zéphyrin Frères");
    let mut app = f.app();
    press(&f, &mut app, "1/electricite zephyrin");
    assert_eq!(app.view.len(), 1, "found without the accents");
    assert_eq!(
        app.board.rows[app.view[0]].name,
        "Électricité Zéphyrin Frères"
    );
    press(&f, &mut app, "\u{1b}/ZEPHYRIN FRERES");
    assert_eq!(app.view.len(), 1, "capitals and accents both ignored");
    snapshot("aging_accent_filter", &mut app);
}

#[test]
fn an_invoice_number_in_the_filter_opens_its_customer_on_it() {
    let f = fixture();
    let conn = rusqlite::Connection::open(&f.session.db).unwrap();
    let (number, code): (String, String) = conn
        .query_row(
            "SELECT i.number, c.code FROM invoice i JOIN customer c ON c.id = i.customer_id \
             WHERE i.open_minor > 0 AND (SELECT COUNT(*) FROM invoice j WHERE j.customer_id = i.customer_id AND j.open_minor > 0) > 2 \
             ORDER BY i.due_date DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    let mut app = f.app();
    press(&f, &mut app, &format!("1/{}", number.to_lowercase()));
    assert_eq!(app.view.len(), 1, "the number finds its customer");
    press(&f, &mut app, "\n");
    assert_eq!(app.screen, Screen::Customer);
    let customer = app.customer.as_ref().unwrap();
    assert_eq!(customer.code, code);
    assert_eq!(customer.invoices[app.invoice.selected].number, number);
    snapshot("filter_invoice_number", &mut app);
}

/// Moves the agenda's selection to the first item whose action is `action`.
fn select_action(f: &Fixture, app: &mut App, action: &str) {
    f.drive(app, &[Action::ShowAgenda, Action::First]);
    let at = app
        .agenda_rows()
        .iter()
        .position(|r| r.item.action.as_str() == action)
        .unwrap_or_else(|| panic!("the demo has a {action} due"));
    for _ in 0..at {
        f.drive(app, &[Action::MoveDown]);
    }
}

#[test]
fn an_email_previews_wrapped_without_smtp_settings() {
    let f = fixture();
    assert!(f.session.config.config.smtp.from.is_empty());
    let mut app = f.app();
    select_action(&f, &mut app, "email");
    press(&f, &mut app, "m");
    let preview = app.preview.clone().expect(&app.status);
    let long = preview
        .body
        .lines()
        .max_by_key(|l| l.chars().count())
        .unwrap();
    assert!(long.chars().count() > 76, "{long}");
    let last_word = long.split_whitespace().last().unwrap();
    let (text, _) = render(&mut app, (80, 24));
    assert!(text.contains(last_word), "the long line wraps: {text}");
    snapshot("preview_email", &mut app);
    // Sending is what needs `[smtp] from`: refused, nothing logged.
    let before = common::dump(&f.session.db);
    press(&f, &mut app, "\n");
    assert!(app.status.contains("[smtp] from"), "{}", app.status);
    assert_eq!(common::dump(&f.session.db), before);
}

#[test]
fn a_letter_stage_previews_its_letter() {
    let f = fixture();
    let mut app = f.app();
    // The cash-only notice goes out as a letter.
    select_action(&f, &mut app, "cash_only");
    let row = app.agenda_rows()[app.agenda.selected].clone();
    press(&f, &mut app, "m");
    let preview = app.preview.clone().expect(&app.status);
    assert!(preview.letter);
    let printed = common::Ledger {
        dir: tempfile::tempdir().unwrap(),
        db: f.session.db.clone(),
    }
    .ok(&["letter", &row.item.code, "--stage", &row.item.stage]);
    assert_eq!(printed.lines().next(), Some(preview.subject.as_str()));
    for number in &row.numbers {
        assert!(preview.body.contains(number), "{number}");
    }
    snapshot("preview_letter", &mut app);
    press(&f, &mut app, "\n");
    assert!(app.preview.is_none() && app.status.contains("dun letter"));
}

#[test]
fn help_lists_this_screens_keys_then_the_global_ones() {
    let f = fixture();
    let mut app = f.app();
    for (keys, here, not_here) in [
        ("?", "Log the selected agenda item", "Filter customers"),
        (
            "\u{1b}1?",
            "Filter customers",
            "Log the selected agenda item",
        ),
        ("\u{1b}2\n?", "Open a dispute", "Filter customers"),
    ] {
        press(&f, &mut app, keys);
        assert!(app.help);
        let (text, _) = render(&mut app, (160, 48));
        let screen = text.find("On this screen").expect(&text);
        let global = text.find("Everywhere").expect(&text);
        assert!(screen < global, "{text}");
        assert!(text.contains(here) && !text.contains(not_here), "{text}");
        let name = format!("help_{:?}", app.screen).to_lowercase();
        snapshot(&name, &mut app);
    }
}

#[test]
fn the_status_bar_hints_every_key_of_the_screen() {
    let f = fixture();
    let mut app = f.app();
    // The screen's own keys, and help and quit.
    let keys = |app: &App| -> Vec<String> {
        screen_actions(app.screen)
            .iter()
            .chain(&[Action::Undo, Action::Palette, Action::Help, Action::Quit])
            .map(|a| app.keymap.describe(app.mode(), *a))
            .filter(|k| !k.is_empty())
            .collect()
    };
    for screen in ["", "1", "2\n"] {
        press(&f, &mut app, screen);
        let (text, _) = render(&mut app, (220, 60));
        let status = text.lines().last().unwrap().to_string();
        for key in keys(&app) {
            assert!(status.contains(&format!("{key} ")), "{key}: {status}");
        }
        assert!(!status.contains("/ filter") || app.screen == Screen::Aging);
    }
}

#[test]
fn status_messages_name_the_customer_and_fade() {
    let f = fixture();
    let mut app = f.app();
    let name = app.agenda_rows()[0].name.clone();
    f.drive(&mut app, &[Action::MarkDone]);
    assert!(
        app.status.starts_with(&format!("{name}: logged the")),
        "{}",
        app.status
    );
    snapshot("status_names_the_customer", &mut app);
    for _ in 0..dun::tui::app::STATUS_TICKS - 1 {
        app.tick();
    }
    assert!(!app.status.is_empty(), "still shown");
    app.tick();
    assert!(app.status.is_empty(), "faded");
}

#[test]
fn a_click_selects_a_row_and_a_tab_switches_screen() {
    let f = fixture();
    let mut app = f.app();
    let area = Rect::new(0, 0, 160, 48);
    render(&mut app, (160, 48));
    // Rows start below the title and the header.
    let hit = ui::hit(&app, area, 10, 5);
    assert!(app.click(hit).is_empty(), "a click loads nothing");
    assert_eq!((app.screen, app.agenda.selected), (Screen::Agenda, 3));
    let (text, _) = render(&mut app, (160, 48));
    let x = text.lines().next().unwrap().find("1 Aging").unwrap() as u16;
    let hit = ui::hit(&app, area, x + 2, 0);
    assert!(app.click(hit).is_empty(), "a click loads nothing");
    assert_eq!(app.screen, Screen::Aging);
    let hit = ui::hit(&app, area, 3, 4);
    assert!(app.click(hit).is_empty(), "a click loads nothing");
    assert_eq!(app.aging.selected, 2);
    snapshot("clicked", &mut app);
}

#[test]
fn an_empty_ledger_says_how_to_add_customers() {
    let ledger = common::Ledger::new();
    ledger.ok(&["init"]);
    let session = Session {
        config: Config::default().validate(Origin::Defaults).unwrap(),
        as_of: NaiveDate::from_ymd_opt(2026, 11, 22).unwrap(),
        db: ledger.db.clone(),
        today: NaiveDate::from_ymd_opt(2026, 11, 22).unwrap(),
    };
    let store = dun::store::Store::open(&session.db).unwrap();
    let mut app = App::new(load_board(&session, &store).unwrap(), Keymap::default_map());
    let (text, _) = render(&mut app, (80, 24));
    assert!(!text.contains("no customer matches"), "{text}");
    assert!(
        text.contains("dun customer add") && text.contains("dun import"),
        "{text}"
    );
    snapshot("empty_ledger", &mut app);
    app.update(Action::ShowAgenda);
    let (text, _) = render(&mut app, (80, 24));
    assert!(text.contains("dun customer add"), "{text}");
}
