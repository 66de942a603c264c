//! The dashboard as a live, safe daily tool, on real ledgers: writes made
//! elsewhere (another terminal, `dun send`) show up on the open dashboard;
//! a stale item is re-checked before it is logged or sent, so work is
//! never done twice; the log file beside the ledger is private and keeps
//! no typed text or personal data.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use std::path::Path;
use std::time::Duration;

use common::smtp::{Mails, mail_config, send, slow_smtp_server, smtp_server, twelve_overdue};
use common::tmux::Tmux;
use common::{Ledger, LedgerBuilder};

/// ACME owes 1,200.00, twelve days overdue: a call is due today.
pub(crate) fn call_due() -> Ledger {
    LedgerBuilder::new()
        .customer_with("ACME", "Acme Widgets", |c| c.email("ap@acme.example"))
        .invoice("A-1", "ACME", "2026-10-10", "2026-11-10", "1200")
        .build()
}

/// How many follow-ups the log holds for a customer, of a kind.
fn logged(db: &Path, code: &str, kind: &str) -> i64 {
    let conn = rusqlite::Connection::open(db).unwrap();
    conn.query_row(
        "SELECT COUNT(*) FROM activity a JOIN customer c ON c.id = a.customer_id
         WHERE c.code = ?1 AND a.kind = ?2",
        [code, kind],
        |r| r.get(0),
    )
    .unwrap()
}

/// `dun log CODE --kind KIND --note NOTE` from another terminal.
fn log_elsewhere(l: &Ledger, code: &str, kind: &str, note: &str) {
    l.ok(&["log", code, "--kind", kind, "--note", note]);
}

#[test]
fn a_follow_up_logged_by_the_cli_appears_on_the_open_dashboard_within_a_second() {
    let l = call_due();
    let tmux = Tmux::dashboard(l.dir.path(), &l.db, "", (120, 40));
    tmux.wait_for("2 Agenda");
    tmux.wait_for("ACME");
    tmux.keys(&["Enter"]);
    tmux.wait_for("call first");
    log_elsewhere(&l, "ACME", "call", "called from the other desk");
    tmux.wait_within("called from the other desk", Duration::from_secs(1));
    // Back on the agenda the call is gone: `d` there logs nothing more.
    tmux.keys(&["Escape"]);
    tmux.wait_gone("call first");
    tmux.keys(&["d"]);
    tmux.quit();
    assert_eq!(logged(&l.db, "ACME", "call"), 1, "the call is logged once");
}

#[test]
fn a_stale_item_done_elsewhere_is_refused_as_already_done() {
    let l = call_due();
    let tmux = Tmux::dashboard(l.dir.path(), &l.db, "", (120, 40));
    tmux.wait_for("ACME");
    // The form answers the agenda's call; meanwhile the call is logged
    // from another terminal.
    tmux.keys(&["l"]);
    tmux.wait_for("Log a follow-up");
    log_elsewhere(&l, "ACME", "call", "called from the other desk");
    std::thread::sleep(Duration::from_millis(600));
    tmux.keys(&["Tab"]);
    tmux.type_text("no answer");
    tmux.keys(&["Enter"]);
    tmux.wait_for("already done elsewhere");
    // esc on its own: followed at once by q, a terminal reads alt-q. The
    // form holds what was typed, so the first esc asks, the second throws
    // it away.
    tmux.keys(&["Escape"]);
    tmux.wait_for("Throw away what you typed?");
    tmux.keys(&["Escape"]);
    tmux.wait_gone("Log a follow-up");
    tmux.quit();
    assert_eq!(logged(&l.db, "ACME", "call"), 1, "the call is logged once");
}

#[test]
fn u_undoes_the_last_write_of_the_session_once_confirmed() {
    let l = call_due();
    let tmux = Tmux::dashboard(l.dir.path(), &l.db, "", (100, 30));
    tmux.wait_for("ACME");
    tmux.keys(&["d"]);
    tmux.wait_for("logged the call");
    tmux.keys(&["u"]);
    tmux.wait_for("remove the call logged just now?");
    tmux.keys(&["Enter"]);
    tmux.wait_for("removed the call of 2026-11-22");
    tmux.quit();
    let agenda = l.json(&["agenda"]);
    assert_eq!(
        agenda[0]["stage"], "call",
        "the call is due again: {agenda}"
    );
    let log = l.json(&["log", "list"]);
    assert_eq!(log[0]["removed_by"], log[1]["id"], "{log}");
}

/// The recipients of every message received, sorted.
fn recipients(mails: &Mails) -> Vec<String> {
    let mut to: Vec<String> = mails
        .lock()
        .unwrap()
        .iter()
        .flat_map(|m| m.to.clone())
        .collect();
    to.sort();
    to
}

#[test]
fn the_dashboard_and_dun_send_at_the_same_time_send_each_message_once() {
    // The server takes a while over each message, so the two overlap.
    let (port, mails) = slow_smtp_server(Duration::from_millis(150));
    let l = twelve_overdue();
    let cfg = mail_config(&l, port, "");
    let args = format!("--config {}", cfg.display());
    let tmux = Tmux::dashboard(l.dir.path(), &l.db, &args, (120, 40));
    tmux.wait_for("C12");
    tmux.keys(&["m"]);
    tmux.wait_for("ap12@example.com");
    let cron = std::thread::spawn({
        let (db, dir, cfg) = (l.db.clone(), l.dir.path().to_path_buf(), cfg.clone());
        move || {
            let mut cmd = common::bare_dun(&dir);
            cmd.arg("--db").arg(&db).args(["--as-of", common::AS_OF]);
            cmd.arg("--config").arg(&cfg).arg("send").output().unwrap()
        }
    });
    tmux.keys(&["Enter"]);
    let out = cron.join().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Every item is done, whoever sent it: the open dashboard shows so.
    tmux.wait_for("nothing to do today");
    tmux.quit();
    let expected: Vec<String> = {
        let mut all: Vec<String> = (1..=12).map(|n| format!("ap{n}@example.com")).collect();
        all.sort();
        all
    };
    assert_eq!(recipients(&mails), expected, "each message arrives once");
}

#[test]
fn a_reminder_logged_by_hand_elsewhere_is_not_sent_again_from_the_dashboard() {
    let (port, mails) = smtp_server();
    let l = twelve_overdue();
    let cfg = mail_config(&l, port, "");
    let args = format!("--config {}", cfg.display());
    let tmux = Tmux::dashboard(l.dir.path(), &l.db, &args, (120, 40));
    tmux.wait_for("C12");
    tmux.keys(&["m"]);
    tmux.wait_for("ap12@example.com");
    // The reminder went out by hand from another terminal meanwhile.
    log_elsewhere(&l, "C12", "email", "sent from the mail client");
    tmux.keys(&["Enter"]);
    tmux.wait_for("already done elsewhere");
    tmux.quit();
    assert_eq!(recipients(&mails), Vec::<String>::new(), "nothing sent");
    assert_eq!(logged(&l.db, "C12", "email"), 1);
    // And `dun send` from cron leaves it too.
    let out = send(&l, &cfg);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!recipients(&mails).contains(&"ap12@example.com".to_string()));
}

#[test]
fn the_watch_reloads_whom_a_write_elsewhere_touched_and_everything_when_it_cannot_tell() {
    use dun::commands::dashboard::Watch;
    use dun::tui::app::Effect;
    let l = LedgerBuilder::new()
        .customer("ACME", "Acme Widgets")
        .customer("BETA", "Beta GmbH")
        .invoice("A-1", "ACME", "2026-10-10", "2026-11-10", "1200")
        .invoice("B-1", "BETA", "2026-10-10", "2026-11-10", "800")
        .build();
    let store = dun::store::Store::open(&l.db).unwrap();
    let id = |code: &str| store.customer_by_code(code).unwrap().id;
    let mut watch = Watch::new(&store).unwrap();
    assert_eq!(watch.changes(&store).unwrap(), None, "nothing written");
    log_elsewhere(&l, "BETA", "call", "called from the other desk");
    assert_eq!(
        watch.changes(&store).unwrap(),
        Some(Effect::Refresh(vec![id("BETA")])),
        "only the customer written to"
    );
    assert_eq!(watch.changes(&store).unwrap(), None, "seen once");
    // A change made in place names no new row: everything is reloaded.
    l.ok(&["customer", "edit", "ACME", "--name", "Acme Widgets Ltd"]);
    assert_eq!(watch.changes(&store).unwrap(), Some(Effect::Reload));
}

#[cfg(unix)]
#[test]
fn the_log_file_is_private_and_keeps_no_typed_text_or_addresses() {
    use std::os::unix::fs::PermissionsExt as _;
    let (port, mails) = smtp_server();
    let l = twelve_overdue();
    let cfg = mail_config(&l, port, "");
    let args = format!("--config {}", cfg.display());
    let tmux = Tmux::dashboard(l.dir.path(), &l.db, &args, (120, 40));
    tmux.wait_for("C12");
    tmux.keys(&["l"]);
    tmux.wait_for("Log a follow-up");
    tmux.type_text("c");
    tmux.keys(&["Tab"]);
    tmux.type_text("spoke to Oliver, pays Friday");
    tmux.keys(&["Enter"]);
    tmux.wait_for("logged the call");
    tmux.keys(&["j", "m"]);
    tmux.wait_for("Subject");
    tmux.keys(&["Enter"]);
    tmux.wait_for("sent the");
    tmux.quit();
    assert_eq!(mails.lock().unwrap().len(), 1);
    let path = l.db.with_extension("db.log");
    let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600, "the log file is the owner's alone");
    let log = std::fs::read_to_string(&path).unwrap();
    for secret in ["Oliver", "Friday", "@example.com", "1,11", "Customer 1"] {
        assert!(!log.contains(secret), "{secret:?} in the log:\n{log}");
    }
    assert!(log.contains("keystroke log_follow_up took"), "{log}");
    assert!(log.contains("save follow-up: done"), "{log}");
}

#[cfg(unix)]
#[test]
fn a_log_file_left_readable_by_others_is_made_private() {
    use std::os::unix::fs::PermissionsExt as _;
    let l = call_due();
    let path = l.db.with_extension("db.log");
    std::fs::write(&path, "").unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    let tmux = Tmux::dashboard(l.dir.path(), &l.db, "", (80, 24));
    tmux.wait_for("ACME");
    tmux.quit();
    let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
}

/// The sizes every screen of this file is drawn at.
const SIZES: [(u16, u16); 4] = [(80, 24), (100, 30), (160, 48), (220, 60)];

/// The dashboard on a real ledger, its effects carried out as the shell
/// carries them out.
pub(crate) struct Live {
    pub(crate) session: dun::commands::Session,
    pub(crate) store: dun::store::Store,
    pub(crate) app: dun::tui::app::App,
}

impl Live {
    pub(crate) fn on(l: &Ledger) -> Live {
        let session = crate::write_path::session(l);
        let store = dun::store::Store::open(&session.db).unwrap();
        let board = dun::commands::dashboard::load_board(&session, &store).unwrap();
        let app = dun::tui::app::App::new(board, dun::tui::keymap::Keymap::default_map());
        Live {
            session,
            store,
            app,
        }
    }

    pub(crate) fn drive(&mut self, actions: &[Action]) {
        for action in actions {
            let effects = self.app.update(*action);
            dun::commands::dashboard::run_effects(
                &self.session,
                &mut self.store,
                &mut self.app,
                effects,
            )
            .unwrap();
        }
    }

    pub(crate) fn snapshot(&mut self, name: &str) {
        for size in SIZES {
            let (text, _) = crate::tui_screens::render(&mut self.app, size);
            insta::assert_snapshot!(format!("{name}_{}x{}", size.0, size.1), text);
        }
    }
}

use dun::tui::action::Action;
use dun::tui::app::Screen;

#[test]
fn done_on_a_stale_item_is_refused_and_the_screen_catches_up() {
    let l = call_due();
    let mut live = Live::on(&l);
    assert_eq!(live.app.board.agenda.len(), 1, "the call is on the agenda");
    log_elsewhere(&l, "ACME", "call", "called from the other desk");
    live.drive(&[Action::MarkDone]);
    assert!(
        live.app.status == "call was already done elsewhere: nothing written",
        "{}",
        live.app.status
    );
    assert_eq!(logged(&l.db, "ACME", "call"), 1, "the call is logged once");
    assert!(live.app.board.agenda.is_empty(), "the agenda caught up");
    live.snapshot("live_stale_done_refused");
}

#[test]
fn the_refresh_key_shows_what_was_written_elsewhere() {
    let l = call_due();
    let mut live = Live::on(&l);
    live.drive(&[Action::Open]);
    assert_eq!(live.app.screen, Screen::Customer);
    log_elsewhere(&l, "ACME", "call", "called from the other desk");
    crate::corrections::pay(&l, "ACME", "200", "2026-11-21");
    live.drive(&[Action::Reload]);
    assert_eq!(
        live.app.screen,
        Screen::Customer,
        "the user stays where they were"
    );
    let detail = live.app.customer.as_ref().unwrap();
    assert!(
        detail
            .timeline
            .iter()
            .any(|(_, _, text)| text.contains("other desk")),
        "{:?}",
        detail.timeline
    );
    assert_eq!(detail.payments.len(), 1);
    live.snapshot("live_reloaded_customer");
    live.drive(&[Action::Back]);
    assert!(live.app.board.agenda.is_empty(), "the call is done");
    live.snapshot("live_reloaded_agenda");
}
