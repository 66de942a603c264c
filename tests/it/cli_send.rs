//! `dun send` against a real SMTP server on 127.0.0.1 (mailin-embedded):
//! what arrives, that a second run sends nothing, that a server that is
//! down gets nothing logged as sent, and that CR/LF in data cannot add a header or
//! a recipient.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use common::smtp::{dry_run, free_port, mail_config, send, smtp_server};
use common::{Ledger, LedgerBuilder};
use mail_parser::MessageParser;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

fn config(ledger: &Ledger, port: u16) -> std::path::PathBuf {
    mail_config(ledger, port, "")
}

/// ROSSI (Italian) has an overdue email and a sales-rep note due, ACME
/// (English) a pre-due reminder, DUPONT (French) an overdue email.
fn ledger() -> Ledger {
    LedgerBuilder::new()
        .customer_with("ROSSI", "Rossi Costruzioni S.r.l.", |c| {
            c.language("it")
                .billing("Giulia Rossi", "ap@rossi.example")
                .sales_rep("Tom Baker", "tom@acme.example")
        })
        .customer_with("ACME", "Acme Retail Ltd", |c| {
            c.email("payables@acmeretail.example")
        })
        .customer_with("DUPONT", "Dupont SARL", |c| {
            c.language("fr").email("compta@dupont.example")
        })
        .invoice("R-1", "ROSSI", "2026-10-01", "2026-11-16", "1234.56")
        .invoice("R-2", "ROSSI", "2026-10-01", "2026-11-05", "500")
        .invoice("A-1", "ACME", "2026-10-01", "2026-11-24", "99.90")
        .invoice("D-1", "DUPONT", "2026-10-01", "2026-11-16", "2000")
        .build()
}

fn activity_count(ledger: &Ledger) -> i64 {
    rusqlite::Connection::open(&ledger.db)
        .unwrap()
        .query_row(
            "SELECT COUNT(*) FROM activity WHERE outcome LIKE 'sent to %'",
            [],
            |r| r.get(0),
        )
        .unwrap()
}

#[test]
fn reminders_arrive_in_each_customers_language_and_are_sent_once() {
    let (port, mails) = smtp_server();
    let l = ledger();
    let cfg = config(&l, port);
    let out = send(&l, &cfg);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let received = mails.lock().unwrap().clone();
    assert_eq!(
        received.len(),
        4,
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let parsed: Vec<(Vec<String>, String, String, usize)> = received
        .iter()
        .map(|m| {
            let msg = MessageParser::default().parse(&m.data).unwrap();
            let body = msg.body_text(0).unwrap().to_string();
            (
                m.to.clone(),
                msg.subject().unwrap_or("").to_string(),
                body,
                msg.attachment_count(),
            )
        })
        .collect();
    let find = |rcpt: &str| {
        parsed
            .iter()
            .find(|(to, _, _, _)| to.iter().any(|t| t.contains(rcpt)))
            .unwrap_or_else(|| panic!("nothing to {rcpt}"))
    };

    let (to, subject, body, attachments) = find("ap@rossi.example");
    assert_eq!(to, &vec!["ap@rossi.example".to_string()]);
    assert_eq!(
        subject, "Fatture scadute: 1.234,56 EUR da pagare",
        "R-1 alone: R-2 is the sales rep's"
    );
    assert!(
        body.contains("R-1")
            && body.contains("1.234,56 EUR")
            && body.contains("Gentile Giulia Rossi"),
        "{body}"
    );
    assert!(body.contains("Se avete già provveduto al pagamento, vi preghiamo di non tenere conto di questo messaggio."), "{body}");
    assert_eq!(*attachments, 1, "the statement is attached");

    let (_, subject, body, _) = find("tom@acme.example");
    assert!(
        subject.contains("Rossi Costruzioni S.r.l.") && subject.contains("days overdue"),
        "{subject}"
    );
    assert!(body.contains("R-2"), "{body}");

    let (_, subject, body, _) = find("payables@acmeretail.example");
    assert!(
        subject.starts_with("Reminder: 1 invoice(s) fall due on 24 Nov 2026"),
        "{subject}"
    );
    assert!(
        body.contains("If you have already paid, please disregard this message.")
            && body.contains("99.90 EUR"),
        "{body}"
    );

    let (_, subject, body, _) = find("compta@dupont.example");
    assert!(subject.starts_with("Factures échues"), "{subject}");
    assert!(
        body.contains("2 000,00 EUR")
            && body.contains("merci de ne pas tenir compte de ce message"),
        "{body}"
    );

    assert_eq!(activity_count(&l), 4, "each message sent is logged");
    let again = send(&l, &cfg);
    assert!(again.status.success());
    assert!(String::from_utf8_lossy(&again.stdout).contains("0 of 0 messages sent"));
    assert_eq!(
        mails.lock().unwrap().len(),
        4,
        "the second run sends nothing"
    );
}

#[test]
fn with_the_server_down_send_fails_and_logs_nothing() {
    let port = free_port();
    let l = ledger();
    let before = l.dump();
    let out = send(&l, &config(&l, port));
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("4 messages not sent; nothing was logged for them"),
        "{stderr}"
    );
    // Only the claims changed: each released as failed, for a later run.
    let (claims, rest): (Vec<String>, Vec<String>) = l
        .dump()
        .into_iter()
        .partition(|row| row.starts_with("message_claim: "));
    assert_eq!(rest, before, "nothing was logged as sent");
    assert_eq!(claims.len(), 4, "{claims:?}");
    assert!(
        claims.iter().all(|c| c.contains("Text(\"failed\")")),
        "{claims:?}"
    );
}

#[test]
fn dry_run_writes_eml_files_and_sends_nothing() {
    let (port, mails) = smtp_server();
    let l = ledger();
    let (_, files) = dry_run(&l, &config(&l, port));
    assert_eq!(files.len(), 4);
    assert!(
        files
            .iter()
            .all(|f| f.extension().is_some_and(|e| e == "eml"))
    );
    let eml = std::fs::read(
        files
            .iter()
            .find(|f| f.to_string_lossy().contains("DUPONT"))
            .unwrap(),
    )
    .unwrap();
    assert!(
        MessageParser::default()
            .parse(&eml)
            .unwrap()
            .subject()
            .unwrap()
            .starts_with("Factures échues")
    );
    assert!(mails.lock().unwrap().is_empty());
    assert_eq!(activity_count(&l), 0);
}

#[test]
fn cr_lf_in_a_name_or_address_cannot_add_a_header_or_a_recipient() {
    let (port, mails) = smtp_server();
    let mut builder = LedgerBuilder::new();
    for (code, name, email) in [
        ("EVIL", "placeholder", "ap@evil.example"),
        ("BAD", "Bad Ltd", "ap@bad.example"),
    ] {
        builder = builder
            .customer_with(code, name, |c| c.email(email))
            .invoice(&format!("{code}-1"), code, "2026-10-01", "2026-11-16", "10");
    }
    let l = builder.build();
    let conn = rusqlite::Connection::open(&l.db).unwrap();
    // As an import from a hostile file could store them.
    conn.execute("UPDATE customer SET name = 'Evil Ltd\r\nBcc: victim@else.example\r\nX-Injected: yes' WHERE code = 'EVIL'", []).unwrap();
    conn.execute("UPDATE customer SET email = 'ap@bad.example\r\nBcc: victim@else.example' WHERE code = 'BAD'", []).unwrap();
    drop(conn);
    let out = send(&l, &config(&l, port));
    assert_eq!(out.status.code(), Some(1), "BAD's address is refused");
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("BAD: 'ap@bad.example\\x0d\\x0aBcc"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let received = mails.lock().unwrap().clone();
    assert_eq!(received.len(), 1, "only EVIL's reminder went out");
    assert_eq!(
        received[0].to,
        vec!["ap@evil.example".to_string()],
        "one recipient, no Bcc"
    );
    let raw = String::from_utf8_lossy(&received[0].data);
    let headers = raw.split("\r\n\r\n").next().unwrap();
    assert!(
        !headers
            .lines()
            .any(|l| l.starts_with("Bcc") || l.starts_with("X-Injected")),
        "{headers}"
    );
}

#[test]
fn the_dashboard_previews_a_message_and_sends_it_after_confirmation() {
    use dun::commands::Session;
    use dun::commands::dashboard::{load_board, run_effects};
    use dun::config::{Config, Origin};
    use dun::tui::keymap::Keymap;

    let (port, mails) = smtp_server();
    let l = ledger();
    let path = config(&l, port);
    let text = std::fs::read_to_string(&path).unwrap();
    let session = Session {
        config: Config::from_toml(&text, &path)
            .unwrap()
            .validate(Origin::File(path.clone()))
            .unwrap(),
        as_of: chrono::NaiveDate::from_ymd_opt(2026, 11, 22).unwrap(),
        db: l.db.clone(),
        today: chrono::NaiveDate::from_ymd_opt(2026, 11, 22).unwrap(),
    };
    let mut store = dun::store::Store::open(&l.db).unwrap();
    let mut app =
        dun::tui::app::App::new(load_board(&session, &store).unwrap(), Keymap::default_map());
    let row = app
        .board
        .agenda
        .iter()
        .position(|a| a.item.code == "DUPONT")
        .unwrap();
    app.agenda.selected = row;
    // Through the keymap, as the bookkeeper presses them: `m`, then enter.
    let press =
        |app: &mut dun::tui::app::App, code| app.key(KeyEvent::new(code, KeyModifiers::NONE));
    let effects = press(&mut app, KeyCode::Char('m'));
    run_effects(&session, &mut store, &mut app, effects).unwrap();
    let preview = app.preview.clone().expect("a preview");
    assert!(
        preview.subject.starts_with("Factures échues")
            && preview.to.contains("compta@dupont.example"),
        "{preview:?}"
    );
    let mut terminal = ratatui::Terminal::new(ratatui::backend::TestBackend::new(80, 24)).unwrap();
    terminal.draw(|f| dun::tui::ui::draw(&app, f)).unwrap();
    let screen: String = terminal
        .backend()
        .buffer()
        .content()
        .iter()
        .map(|c| c.symbol())
        .collect();
    assert!(
        screen.contains("Send this message?") && screen.contains("Factures"),
        "the overlay shows the message"
    );
    assert!(
        mails.lock().unwrap().is_empty(),
        "nothing is sent before confirmation"
    );

    // Down scrolls a long message; up scrolls back; neither sends.
    assert!(press(&mut app, KeyCode::Down).is_empty());
    assert!(press(&mut app, KeyCode::Down).is_empty());
    assert_eq!(app.preview.as_ref().map(|p| p.scroll), Some(2));
    assert!(press(&mut app, KeyCode::Up).is_empty());
    assert_eq!(app.preview.as_ref().map(|p| p.scroll), Some(1));
    let effects = press(&mut app, KeyCode::Enter);
    run_effects(&session, &mut store, &mut app, effects).unwrap();
    assert!(app.preview.is_none());
    assert!(
        app.status
            .starts_with("Dupont SARL: sent the overdue_email"),
        "{}",
        app.status
    );
    assert_eq!(mails.lock().unwrap().len(), 1);
    assert_eq!(activity_count(&l), 1);
    assert!(
        !app.board.agenda.iter().any(|a| a.item.code == "DUPONT"),
        "the item left the agenda"
    );
}

#[test]
fn letters_and_statements_render_from_the_command_line() {
    let l = ledger();
    let cfg = config(&l, 25);
    let letter = l
        .dun()
        .arg("--config")
        .arg(&cfg)
        .args(["letter", "ROSSI"])
        .output()
        .unwrap();
    assert!(
        letter.status.success(),
        "{}",
        String::from_utf8_lossy(&letter.stderr)
    );
    let text = String::from_utf8(letter.stdout).unwrap();
    // The customer's letter, never the internal note to the sales rep.
    assert!(text.starts_with("Fatture scadute"), "{text}");
    let formal = l
        .dun()
        .arg("--config")
        .arg(&cfg)
        .args(["letter", "DUPONT", "--stage", "letter"])
        .output()
        .unwrap();
    let formal = String::from_utf8(formal.stdout).unwrap();
    assert!(
        formal.starts_with("Mise en demeure") && formal.contains("D-1"),
        "{formal}"
    );
    let file = l.dir.path().join("statement.html");
    let out = l
        .dun()
        .arg("--config")
        .arg(&cfg)
        .args(["statement", "ROSSI", "--html", "--out"])
        .arg(&file)
        .output()
        .unwrap();
    assert!(out.status.success());
    let html = std::fs::read_to_string(&file).unwrap();
    assert!(
        html.contains("<html lang=\"it\">") && html.contains("R-1") && html.contains("R-2"),
        "{html}"
    );
    let bad = l
        .dun()
        .arg("--config")
        .arg(&cfg)
        .args(["letter", "ROSSI", "--stage", "threat"])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("--stage: no letter for 'threat'"));
}

#[test]
fn a_customer_owing_in_two_currencies_gets_both_and_each_message_its_own_file() {
    let (port, mails) = smtp_server();
    let l = ledger();
    l.ok(&[
        "invoice",
        "add",
        "R-3",
        "--customer",
        "ROSSI",
        "--issued",
        "2026-10-01",
        "--due",
        "2026-11-05",
        "--amount",
        "700",
        "--currency",
        "USD",
    ]);
    let cfg = config(&l, port);
    let statement = l.ok(&["--config", cfg.to_str().unwrap(), "statement", "ROSSI"]);
    for expected in ["R-1", "R-2", "R-3", "1.734,56 EUR", "700,00 USD"] {
        assert!(statement.contains(expected), "{expected}: {statement}");
    }

    let (stdout, files) = dry_run(&l, &cfg);
    assert!(
        stdout.contains(&format!("{} messages written", files.len())),
        "one file per message: {stdout}"
    );
    let notes: Vec<_> = files
        .iter()
        .filter(|f| {
            let name = f.to_string_lossy();
            name.contains("ROSSI") && name.contains("escalate_sales_rep")
        })
        .collect();
    assert_eq!(notes.len(), 2, "a note per currency: {files:?}");
    // The note goes to the rep, in the company's locale, amounts included.
    let eur = notes
        .iter()
        .find(|f| f.to_string_lossy().ends_with("EUR.eml"))
        .unwrap();
    let eml = std::fs::read(eur).unwrap();
    let parsed = MessageParser::default().parse(&eml).unwrap();
    let body = parsed.body_text(0).unwrap();
    assert!(body.contains("500.00 EUR"), "{body}");
    assert!(!body.contains("500,00"), "{body}");
    assert!(mails.lock().unwrap().is_empty());
}

#[test]
fn a_missed_instalment_is_reminded_for_the_instalment_and_the_plans_invoices() {
    let (port, _mails) = smtp_server();
    let l = ledger();
    l.ok(&[
        "invoice",
        "add",
        "A-2",
        "--customer",
        "ACME",
        "--issued",
        "2026-09-01",
        "--due",
        "2026-10-01",
        "--amount",
        "900",
    ]);
    // The plan was agreed a month ago; its first instalment was missed.
    let plan = common::bare_dun(l.dir.path())
        .arg("--db")
        .arg(&l.db)
        .args([
            "--as-of",
            "2026-10-20",
            "plan",
            "ACME",
            "--invoice",
            "A-2",
            "--instalment",
            "2026-11-05:300",
            "--instalment",
            "2026-12-05:600",
        ])
        .output()
        .unwrap();
    assert!(
        plan.status.success(),
        "{}",
        String::from_utf8_lossy(&plan.stderr)
    );
    let cfg = config(&l, port);
    let (_, files) = dry_run(&l, &cfg);
    let reminder = files
        .iter()
        .find(|f| f.to_string_lossy().contains("ACME-missed_instalment"))
        .unwrap_or_else(|| panic!("a missed-instalment reminder: {files:?}"));
    let eml = std::fs::read(reminder).unwrap();
    let parsed = MessageParser::default().parse(&eml).unwrap();
    assert_eq!(
        parsed.subject().unwrap(),
        "Missed instalment of 300.00 EUR due 5 Nov 2026"
    );
    let body = parsed.body_text(0).unwrap();
    assert!(
        body.contains("Please pay the instalment of 300.00 EUR by"),
        "{body}"
    );
    assert!(body.contains("A-2") && !body.contains("A-1"), "{body}");
    // `dun letter` picks the same reminder.
    let letter = l.ok(&["--config", cfg.to_str().unwrap(), "letter", "ACME"]);
    assert!(letter.starts_with("Missed instalment"), "{letter}");
}

#[test]
fn a_dry_run_needs_no_smtp_settings_and_sending_names_the_one_it_needs() {
    let l = ledger();
    let cfg = l.dir.path().join("no-smtp.toml");
    std::fs::write(&cfg, "[company]\nname = \"Acme Supplies Ltd\"\n").unwrap();
    let (out, files) = dry_run(&l, &cfg);
    assert!(out.contains("nothing sent or logged"), "{out}");
    assert_eq!(files.len(), 4, "{out}");
    let raw = std::fs::read_to_string(&files[0]).unwrap();
    assert!(raw.contains("from-not-set@invalid"), "{raw}");
    let sent = send(&l, &cfg);
    assert!(!sent.status.success());
    assert!(String::from_utf8_lossy(&sent.stderr).contains("[smtp] from"));
    assert_eq!(activity_count(&l), 0);
}
