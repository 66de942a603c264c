//! The dashboard's screens and overlays, rendered to ratatui's TestBackend
//! at 80x24 and 160x48 from a real demo ledger, driven through actions.
//! The expected screens are snapshots in tests/it/snapshots/.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use chrono::NaiveDate;
use dun::commands::Session;
use dun::commands::dashboard::{load_board, run_effects};
use dun::config::{Config, Origin};
use dun::ops::Field;
use dun::store::Store;
use dun::tui::action::Action;
use dun::tui::app::{App, Effect, Screen};
use dun::tui::keymap::Keymap;
use dun::tui::ui;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::style::Modifier;

const SIZES: [(u16, u16); 2] = [(80, 24), (160, 48)];

pub(crate) struct Fixture {
    _dir: tempfile::TempDir,
    pub(crate) session: Session,
}

/// A demo ledger of 120 invoices as of 2026-11-22, built by the real binary.
pub(crate) fn fixture() -> Fixture {
    let demo = common::Ledger::demo(120, 3, "2026-11-22");
    let session = Session {
        config: Config::default().validate(Origin::Defaults).unwrap(),
        as_of: NaiveDate::from_ymd_opt(2026, 11, 22).unwrap(),
        db: demo.db,
        today: NaiveDate::from_ymd_opt(2026, 11, 22).unwrap(),
    };
    Fixture {
        _dir: demo.dir,
        session,
    }
}

impl Fixture {
    pub(crate) fn store(&self) -> Store {
        Store::open(&self.session.db).unwrap()
    }

    pub(crate) fn app(&self) -> App {
        let board = load_board(&self.session, &self.store()).unwrap();
        App::new(board, Keymap::default_map())
    }

    /// Renames the first customer owing something, as an import could.
    pub(crate) fn rename_a_debtor(&self, name: &str) {
        rusqlite::Connection::open(&self.session.db)
            .unwrap()
            .execute("UPDATE customer SET name = ?1 WHERE id = (SELECT MIN(customer_id) FROM invoice WHERE open_minor > 0)", [name])
            .unwrap();
    }

    /// Applies actions, carrying out their effects on the real ledger.
    pub(crate) fn drive(&self, app: &mut App, actions: &[Action]) {
        let mut store = self.store();
        for action in actions {
            let effects = app.update(*action);
            run_effects(&self.session, &mut store, app, effects).unwrap();
        }
    }
}

pub(crate) fn render(
    app: &mut App,
    (width, height): (u16, u16),
) -> (String, Terminal<TestBackend>) {
    app.page = ui::page_rows(height);
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal.draw(|frame| ui::draw(app, frame)).unwrap();
    let buffer = terminal.backend().buffer().clone();
    let mut text = String::new();
    for y in 0..height {
        let line: String = (0..width)
            .map(|x| buffer[(x, y)].symbol().to_string())
            .collect();
        text.push_str(line.trim_end());
        text.push('\n');
    }
    (text, terminal)
}

fn snapshot(name: &str, app: &mut App) {
    for size in SIZES {
        let (text, _) = render(app, size);
        insta::assert_snapshot!(format!("{name}_{}x{}", size.0, size.1), text);
    }
}

#[test]
fn agenda_screen() {
    let f = fixture();
    let mut app = f.app();
    assert_eq!(
        app.screen,
        Screen::Agenda,
        "the agenda opens first when there is work"
    );
    f.drive(&mut app, &[Action::MoveDown]);
    snapshot("agenda", &mut app);
}

#[test]
fn aging_screen_sorted_and_filtered() {
    let f = fixture();
    let mut app = f.app();
    f.drive(&mut app, &[Action::ShowAging]);
    snapshot("aging", &mut app);
    // The sort menu has one key per column of the table.
    let mut seen = Vec::new();
    let menu = dun::tui::sort::SortColumn::menu(app.board.bucket_titles.len());
    for &column in menu.iter().skip(1).chain(&menu[..1]) {
        f.drive(&mut app, &[Action::SortMenu]);
        app.key(ratatui::crossterm::event::KeyEvent::from(
            ratatui::crossterm::event::KeyCode::Char(column.key()),
        ));
        assert_eq!(app.sort, (column, false));
        seen.push(app.sort.0.label(&app.board.bucket_titles));
    }
    assert_eq!(
        seen,
        [
            "Current",
            "1-30",
            "31-60",
            "61-90",
            "90+",
            "oldest debt",
            "code",
            "name",
            "currency",
            "flags",
            "last contact",
            "next action",
            "total"
        ]
    );
    f.drive(&mut app, &[Action::SortMenu]);
    app.key(ratatui::crossterm::event::KeyEvent::from(
        ratatui::crossterm::event::KeyCode::Char('n'),
    ));
    let names: Vec<String> = app
        .view
        .iter()
        .map(|&i| dun::tui::model::fold(&app.board.rows[i].name))
        .collect();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted, "sorted by name, accents aside");
    snapshot("aging_by_name", &mut app);
    f.drive(&mut app, &[Action::Filter]);
    for c in "ro".chars() {
        app.key(ratatui::crossterm::event::KeyEvent::from(
            ratatui::crossterm::event::KeyCode::Char(c),
        ));
    }
    // An unbound ctrl chord types nothing into the field.
    app.key(ratatui::crossterm::event::KeyEvent::new(
        ratatui::crossterm::event::KeyCode::Char('w'),
        ratatui::crossterm::event::KeyModifiers::CONTROL,
    ));
    assert_eq!(app.filter, "ro");
    snapshot("aging_filter", &mut app);
    f.drive(&mut app, &[Action::Submit]);
    assert!(app.view.iter().all(|&i| {
        let r = &app.board.rows[i];
        r.code.to_lowercase().contains("ro") || r.name.to_lowercase().contains("ro")
    }));
    f.drive(&mut app, &[Action::Back]);
    assert_eq!(
        app.view.len(),
        app.board.rows.len(),
        "esc clears the filter"
    );
}

#[test]
fn customer_screen_and_its_forms() {
    let f = fixture();
    let mut app = f.app();
    f.drive(&mut app, &[Action::Open]);
    assert_eq!(app.screen, Screen::Customer);
    snapshot("customer", &mut app);
    f.drive(&mut app, &[Action::LogFollowUp]);
    snapshot("form_follow_up", &mut app);
    f.drive(&mut app, &[Action::Back, Action::RecordPayment]);
    snapshot("form_payment", &mut app);
    f.drive(&mut app, &[Action::Back, Action::MoveDown, Action::Dispute]);
    snapshot("form_dispute", &mut app);
    f.drive(&mut app, &[Action::Back, Action::ToggleHold]);
    snapshot("form_hold", &mut app);
    f.drive(&mut app, &[Action::Back, Action::Back]);
    assert_eq!(
        app.screen,
        Screen::Agenda,
        "esc goes back where the customer was opened from"
    );
}

#[test]
fn help_overlay_reads_the_live_keymap() {
    let f = fixture();
    let mut app = f.app();
    app.keymap = Keymap::with_user("[screen]\nmove_down = [\"n\"]\n").unwrap();
    f.drive(&mut app, &[Action::Help]);
    snapshot("help", &mut app);
    let (text, _) = render(&mut app, (160, 48));
    let line = text
        .lines()
        .find(|l| l.contains("Move the selection down"))
        .expect("listed");
    assert!(line.contains(" n "), "the user's key is shown: {line}");
    f.drive(&mut app, &[Action::Help]);
    assert!(!app.help);
}

#[test]
fn the_selected_row_is_reversed_and_no_color_keeps_it() {
    let f = fixture();
    let mut app = f.app();
    app.color = false;
    let (_, terminal) = render(&mut app, (80, 24));
    let buffer = terminal.backend().buffer();
    let reversed = |y: u16| (0..40).all(|x| buffer[(x, y)].modifier.contains(Modifier::REVERSED));
    assert!(reversed(2), "the first agenda row is selected");
    assert!(!reversed(3));
    let colored =
        (0..24).any(|y| (0..80).any(|x| buffer[(x, y)].fg != ratatui::style::Color::Reset));
    assert!(!colored, "NO_COLOR: no foreground colours at all");
}

#[test]
fn marking_an_agenda_item_done_logs_it_and_updates_every_screen() {
    let f = fixture();
    let mut app = f.app();
    let before = app.board.agenda.len();
    let item = app.board.agenda[0].item.clone();
    let name = app.board.agenda[0].name.clone();
    f.drive(&mut app, &[Action::MarkDone]);
    assert!(
        app.status.starts_with(&format!("{name}: logged the")),
        "{}",
        app.status
    );
    assert_eq!(
        app.board.agenda.len(),
        before - 1,
        "the item left the agenda at once"
    );
    assert!(
        !app.board
            .agenda
            .iter()
            .any(|a| a.item.customer_id == item.customer_id && a.item.action == item.action)
    );
    let conn = rusqlite::Connection::open(&f.session.db).unwrap();
    let (stage, note): (String, String) = conn
        .query_row(
            "SELECT stage, note FROM activity ORDER BY id DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(stage, item.stage);
    assert_eq!(note, "done from the agenda");
    // The aging row's next action moved on too.
    let row = app
        .board
        .rows
        .iter()
        .find(|r| r.report.customer_id == item.customer_id)
        .unwrap();
    assert_ne!(
        row.next_action.as_deref(),
        Some(format!("{} ({})", item.action.as_str(), item.stage).as_str())
    );
}

#[test]
fn a_follow_up_with_a_promise_is_saved_in_one_go() {
    let f = fixture();
    let mut app = f.app();
    f.drive(&mut app, &[Action::Open, Action::LogFollowUp]);
    fill(
        &mut app,
        &[
            (Field::Outcome, "promised by phone"),
            (Field::PromiseDate, "2026-11-30"),
            (Field::PromiseAmount, "1,000.00"),
        ],
    );
    f.drive(&mut app, &[Action::Submit]);
    assert!(
        app.form.is_none(),
        "saved: {:?}",
        app.form.as_ref().and_then(|f| f.error.clone())
    );
    let customer = app.customer.as_ref().unwrap();
    assert!(
        customer.invoices.iter().any(|i| i.stage == "promised"),
        "the screen shows the promise at once"
    );
    let conn = rusqlite::Connection::open(&f.session.db).unwrap();
    let promise: (String, i64) = conn
        .query_row(
            "SELECT promised_on, amount_minor FROM promise ORDER BY id DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(promise, ("2026-11-30".to_string(), 100_000));
}

#[test]
fn form_errors_are_shown_and_nothing_is_written() {
    let f = fixture();
    let mut app = f.app();
    f.drive(&mut app, &[Action::Open, Action::LogFollowUp]);
    fill(&mut app, &[(Field::PromiseAmount, "500")]);
    let before = common::dump(&f.session.db);
    f.drive(&mut app, &[Action::Submit]);
    let error = app.form.as_ref().and_then(|f| f.error.clone()).unwrap();
    assert!(error.contains("Promise date"), "{error}");
    let (text, _) = render(&mut app, (80, 24));
    assert!(text.contains("Promise date: say by when"), "{text}");
    // A bad amount is refused by the shell, the form stays open.
    fill(
        &mut app,
        &[
            (Field::PromiseDate, "2026-11-30"),
            (Field::PromiseAmount, "1.2.3"),
        ],
    );
    f.drive(&mut app, &[Action::Submit]);
    assert!(
        app.form
            .as_ref()
            .and_then(|f| f.error.clone())
            .unwrap()
            .contains("1.2.3")
    );
    assert_eq!(common::dump(&f.session.db), before);
}

#[test]
fn a_hostile_customer_name_is_drawn_harmlessly() {
    let f = fixture();
    f.rename_a_debtor("Evil\u{1b}[2J\u{1b}]0;pwned\u{7} Corp");
    let mut app = f.app();
    for screen in [Action::ShowAging, Action::ShowAgenda, Action::Open] {
        f.drive(&mut app, &[screen]);
        for size in SIZES {
            let (text, terminal) = render(&mut app, size);
            let buffer = terminal.backend().buffer();
            assert!(
                buffer
                    .content()
                    .iter()
                    .all(|c| !c.symbol().chars().any(char::is_control)),
                "{screen:?}: a control character reached the buffer"
            );
            assert!(!text.contains('\u{1b}'));
        }
    }
    f.drive(&mut app, &[Action::ShowAging]);
    let (text, _) = render(&mut app, (160, 48));
    assert!(text.contains("Evil\\x1b[2J"), "shown escaped: {text}");
}

#[test]
fn effects_ask_the_shell_only_for_what_changed() {
    let f = fixture();
    let mut app = f.app();
    assert_eq!(app.update(Action::MoveDown), Vec::<Effect>::new());
    let id = app.selected_customer().unwrap();
    assert_eq!(app.update(Action::Open), vec![Effect::LoadCustomer(id)]);
}

/// Fills the open form's fields by key.
fn fill(app: &mut App, values: &[(Field, &str)]) {
    let form = app.form.as_mut().unwrap();
    for (key, value) in values {
        form.field_mut(*key).unwrap().input = dun::tui::form::TextField::with(value);
    }
}

#[test]
fn a_payment_keeps_the_selection_on_its_row_and_its_currency() {
    let f = fixture();
    let mut app = f.app();
    f.drive(&mut app, &[Action::ShowAging]);
    // A USD row: the form offers USD and the payment is recorded in USD.
    let at = app
        .view
        .iter()
        .position(|&i| app.board.rows[i].report.currency.to_string() == "USD")
        .expect("the demo has a USD customer");
    app.aging.selected = at;
    let row = app.board.rows[app.view[at]].clone();
    f.drive(&mut app, &[Action::RecordPayment]);
    let offered = app.form.as_ref().unwrap().value(Field::Currency).unwrap();
    assert_eq!(offered, "USD");
    fill(&mut app, &[(Field::Amount, "10.00")]);
    f.drive(&mut app, &[Action::Submit]);
    assert!(app.form.is_none(), "{}", app.status);
    assert!(app.status.ends_with("10.00 USD"), "{}", app.status);
    let selected = &app.board.rows[app.view[app.aging.selected]];
    assert_eq!(
        (selected.report.customer_id, selected.report.currency),
        (row.report.customer_id, row.report.currency)
    );
    assert_eq!(
        selected.report.total,
        row.report.total - rust_decimal::Decimal::TEN
    );

    // Paying the smallest debt in full removes its row: the selection
    // stays in range. (Credit balances sort after it.)
    app.aging.selected = app
        .view
        .iter()
        .rposition(|&i| app.board.rows[i].report.total > rust_decimal::Decimal::ZERO)
        .unwrap();
    let at = app.aging.selected;
    let last = app.board.rows[app.view[app.aging.selected]].clone();
    f.drive(&mut app, &[Action::RecordPayment]);
    let amount = last.report.total.to_string();
    fill(&mut app, &[(Field::Amount, amount.as_str())]);
    f.drive(&mut app, &[Action::Submit]);
    assert!(app.form.is_none(), "{:?}", app.form.and_then(|f| f.error));
    assert!(
        !app.board
            .rows
            .iter()
            .any(|r| r.report.customer_id == last.report.customer_id
                && r.report.currency == last.report.currency),
        "the paid row left the aging"
    );
    assert_eq!(
        app.aging.selected,
        at.min(app.view.len() - 1),
        "the cursor stays where the paid row was"
    );
    let conn = rusqlite::Connection::open(&f.session.db).unwrap();
    let currencies: Vec<String> = conn
        .prepare("SELECT currency FROM payment ORDER BY id DESC LIMIT 2")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(currencies[1], "USD");
    assert_eq!(currencies[0], last.report.currency.to_string());
}

#[test]
fn a_kind_that_cannot_perform_the_stage_is_logged_and_the_status_says_so() {
    let f = fixture();
    let mut app = f.app();
    let item = app
        .board
        .agenda
        .iter()
        .find(|a| {
            a.item.action.as_str() == "call" && a.item.kind == dun_core::dunning::AgendaKind::Stage
        })
        .expect("the demo has a call due")
        .item
        .clone();
    let request = dun::tui::app::Request::FollowUp(dun::ops::LogFollowUp {
        customer: dun::ops::CustomerRef::Id(item.customer_id),
        kind: "note".into(),
        stage: dun::ops::StageChoice::Suggested(item.stage.clone()),
        invoices: item
            .invoices
            .iter()
            .copied()
            .map(dun::ops::InvoiceRef::Id)
            .collect(),
        occurred_on: None,
        outcome: String::new(),
        note: "left a voicemail".into(),
        next_on: None,
        promise: None,
    });
    let mut store = f.store();
    run_effects(
        &f.session,
        &mut store,
        &mut app,
        vec![Effect::Save(request)],
    )
    .unwrap();
    assert_eq!(
        app.status,
        format!("logged the note; a note does not perform {}", item.stage)
    );
    let conn = rusqlite::Connection::open(&f.session.db).unwrap();
    let (kind, stage): (String, Option<String>) = conn
        .query_row(
            "SELECT kind, stage FROM activity ORDER BY id DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((kind.as_str(), stage), ("note", None));
    assert!(
        app.board
            .agenda
            .iter()
            .any(|a| a.item.customer_id == item.customer_id && a.item.stage == item.stage),
        "the call is still due"
    );
}
