//! The rules of `dun send` and `dun letter` on real ledgers: a message is
//! sent once, whatever stages it covers and however many runs start
//! together; a message keeps overdue and upcoming invoices apart; a stage
//! renders the message its action asks for.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use std::path::Path;
use std::time::Duration;

use common::smtp::{
    Mails, dry_run, free_port, mail_config, send, serve_on, slow_smtp_server, smtp_server,
    twelve_overdue,
};
use common::{Ledger, LedgerBuilder};
use dun_core::money::Locale;
use mail_parser::MessageParser;
use rust_decimal::Decimal;

/// Rows of the follow-up log that record a message sent.
fn sent_rows(ledger: &Ledger) -> Vec<(String, String)> {
    let conn = rusqlite::Connection::open(&ledger.db).unwrap();
    let mut stmt = conn
        .prepare(
            "SELECT c.code, a.outcome FROM activity a JOIN customer c ON c.id = a.customer_id
             WHERE a.outcome LIKE 'sent to %' ORDER BY a.id",
        )
        .unwrap();
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

/// Subject and first text body of each message received.
fn parsed(mails: &Mails) -> Vec<(Vec<String>, String, String)> {
    mails
        .lock()
        .unwrap()
        .iter()
        .map(|m| {
            let msg = MessageParser::default().parse(&m.data).unwrap();
            (
                m.to.clone(),
                msg.subject().unwrap_or("").to_string(),
                msg.body_text(0).unwrap().to_string(),
            )
        })
        .collect()
}

/// MIX owes 1000.00, six days overdue (overdue_email), and 250.00 due in
/// two days (pre_due_reminder): both go out in one email.
fn mixed(languages: &[&str]) -> LedgerBuilder {
    let mut builder = LedgerBuilder::new();
    for lang in languages {
        let code = format!("MIX{}", lang.to_uppercase());
        let email = format!("ap@{lang}.example");
        builder = builder
            .customer_with(&code, &format!("Mix {lang}"), |c| {
                c.language(lang).email(&email)
            })
            .invoice(
                &format!("{code}-OLD"),
                &code,
                "2026-10-01",
                "2026-11-16",
                "1000",
            )
            .invoice(
                &format!("{code}-NEW"),
                &code,
                "2026-10-25",
                "2026-11-24",
                "250",
            );
    }
    builder
}

#[test]
fn a_second_run_the_same_day_sends_nothing_after_a_message_of_mixed_stages() {
    let (port, mails) = smtp_server();
    let l = mixed(&["en"]).build();
    let cfg = mail_config(&l, port, "");
    let first = send(&l, &cfg);
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    assert_eq!(
        mails.lock().unwrap().len(),
        1,
        "one email for both invoices"
    );
    let again = send(&l, &cfg);
    assert!(
        again.status.success(),
        "{}",
        String::from_utf8_lossy(&again.stderr)
    );
    assert_eq!(
        mails.lock().unwrap().len(),
        1,
        "the second run sends nothing: {}",
        String::from_utf8_lossy(&again.stdout)
    );
    let agenda = l.json(&["agenda"]);
    assert_eq!(agenda, serde_json::json!([]), "nothing left to do today");
}

#[test]
fn two_sends_started_together_send_each_message_once() {
    // The server takes a while over each message, so the two runs overlap.
    let (port, mails) = slow_smtp_server(Duration::from_millis(80));
    let l = twelve_overdue();
    let cfg = mail_config(&l, port, "");
    let (a, b) = std::thread::scope(|s| {
        let a = s.spawn(|| send(&l, &cfg));
        let b = s.spawn(|| send(&l, &cfg));
        (a.join().unwrap(), b.join().unwrap())
    });
    for out in [&a, &b] {
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let mut recipients: Vec<String> = parsed(&mails)
        .into_iter()
        .flat_map(|(to, _, _)| to)
        .collect();
    recipients.sort();
    let expected: Vec<String> = (1..=12).map(|n| format!("ap{n}@example.com")).collect();
    let mut expected_sorted = expected.clone();
    expected_sorted.sort();
    assert_eq!(
        recipients,
        expected_sorted,
        "each message once:\n{}\n{}",
        String::from_utf8_lossy(&a.stdout),
        String::from_utf8_lossy(&b.stdout)
    );
    assert_eq!(sent_rows(&l).len(), 12, "each message logged once");
    let both = format!(
        "{}{}",
        String::from_utf8_lossy(&a.stdout),
        String::from_utf8_lossy(&b.stdout)
    );
    assert!(
        both.contains("left to another run"),
        "the runs overlapped: {both}"
    );
}

#[test]
fn a_send_that_failed_is_retried_by_the_next_run() {
    let port = free_port();
    let l = twelve_overdue();
    let cfg = mail_config(&l, port, "");
    let down = send(&l, &cfg);
    assert_eq!(down.status.code(), Some(1));
    assert!(sent_rows(&l).is_empty());
    let conn = rusqlite::Connection::open(&l.db).unwrap();
    let failed: i64 = conn
        .query_row(
            "SELECT COUNT(*) FROM message_claim WHERE state = 'failed' AND outcome LIKE '%did not take it%'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(failed, 12, "each failure is recorded with its reason");
    drop(conn);

    let mails = serve_on(
        std::net::TcpListener::bind(("127.0.0.1", port)).unwrap(),
        Duration::ZERO,
    );
    let up = send(&l, &cfg);
    assert!(
        up.status.success(),
        "{}",
        String::from_utf8_lossy(&up.stderr)
    );
    assert_eq!(mails.lock().unwrap().len(), 12, "the next run sends them");
    assert_eq!(sent_rows(&l).len(), 12);
}

/// The headings a merged reminder gives its two lists, per language.
const HEADINGS: [(&str, &str, &str); 5] = [
    ("en", "Overdue", "Not yet due"),
    ("it", "Scadute", "Non ancora scadute"),
    ("es", "Vencidas", "Aún no vencidas"),
    ("fr", "Échues", "Non encore échues"),
    ("ro", "Restante", "Încă nescadente"),
];

fn amount(lang: &str, units: i64) -> String {
    let locale: Locale = lang.parse().unwrap();
    format!(
        "{} EUR",
        locale.format_amount(Decimal::new(units * 100, 2), 2)
    )
}

/// The line of `body` that is exactly `text`, by index.
fn line_of(body: &str, text: &str) -> usize {
    body.lines()
        .position(|l| l.trim() == text)
        .unwrap_or_else(|| panic!("no line '{text}' in:\n{body}"))
}

fn line_containing(body: &str, text: &str) -> usize {
    body.lines()
        .position(|l| l.contains(text))
        .unwrap_or_else(|| panic!("no '{text}' in:\n{body}"))
}

#[test]
fn a_merged_reminder_keeps_overdue_and_upcoming_invoices_apart_in_every_language() {
    let (port, mails) = smtp_server();
    let langs: Vec<&str> = HEADINGS.iter().map(|h| h.0).collect();
    let l = mixed(&langs).build();
    let out = send(&l, &mail_config(&l, port, ""));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let received = parsed(&mails);
    assert_eq!(received.len(), 5);
    for (lang, overdue, upcoming) in HEADINGS {
        let (_, subject, body) = received
            .iter()
            .find(|(to, _, _)| to[0] == format!("ap@{lang}.example"))
            .unwrap();
        let code = format!("MIX{}", lang.to_uppercase());
        assert!(subject.contains(&amount(lang, 1000)), "{lang}: {subject}");
        assert!(!subject.contains(&amount(lang, 1250)), "{lang}: {subject}");
        let (o, u) = (line_of(body, overdue), line_of(body, upcoming));
        let old = line_containing(body, &format!("{code}-OLD"));
        let new = line_containing(body, &format!("{code}-NEW"));
        assert!(o < old && old < u && u < new, "{lang}:\n{body}");
        let upcoming_total = body
            .lines()
            .skip(new + 1)
            .position(|l| l.trim_end().ends_with(&amount(lang, 250)));
        assert!(
            upcoming_total.is_some(),
            "{lang}: the upcoming total:\n{body}"
        );
        assert!(
            !body.contains(&amount(lang, 1250)),
            "{lang}: no sum of both:\n{body}"
        );
    }
}

/// A ladder with a demand letter and an agency, and no templates named:
/// each stage gets the message of its action.
const LADDER: &str = r#"
[[dunning.stage]]
id = "pre_due_reminder"
days = -3
action = "email"

[[dunning.stage]]
id = "overdue_email"
days = 5
action = "email"

[[dunning.stage]]
id = "call"
days = 7
action = "call"

[[dunning.stage]]
id = "demand_letter"
days = 20
action = "letter"

[[dunning.stage]]
id = "collection_agency"
days = 45
action = "agency"
"#;

fn ladder_ledger() -> Ledger {
    let mut builder = LedgerBuilder::new();
    for (code, due) in [
        ("SOON", "2026-11-24"),
        ("LATE", "2026-11-16"),
        ("FORMAL", "2026-10-30"),
        ("GONE", "2026-10-01"),
    ] {
        builder = builder
            .customer_with(code, &format!("{code} Ltd"), |c| {
                c.email(&format!("ap@{}.example", code.to_lowercase()))
            })
            .invoice(&format!("{code}-1"), code, "2026-09-01", due, "400");
    }
    builder.build()
}

fn letter(l: &Ledger, cfg: &Path, args: &[&str]) -> String {
    let out = l
        .dun()
        .arg("--config")
        .arg(cfg)
        .arg("letter")
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn a_stage_renders_the_message_its_action_asks_for() {
    let l = ladder_ledger();
    let cfg = mail_config(&l, 25, LADDER);
    let formal = letter(&l, &cfg, &["FORMAL"]);
    assert!(
        formal.starts_with("Formal notice to pay 400.00 EUR"),
        "{formal}"
    );
    assert_eq!(
        letter(&l, &cfg, &["FORMAL", "--stage", "demand_letter"]),
        formal
    );
    let agency = letter(&l, &cfg, &["GONE"]);
    assert!(
        agency.starts_with("Your account is handed to our collection agency")
            && agency.contains("GONE-1"),
        "{agency}"
    );

    let (_, files) = dry_run(&l, &cfg);
    let mut subjects: Vec<String> = files
        .iter()
        .map(|file| {
            let eml = std::fs::read(file).unwrap();
            MessageParser::default()
                .parse(&eml)
                .unwrap()
                .subject()
                .unwrap()
                .to_string()
        })
        .collect();
    subjects.sort();
    assert_eq!(
        subjects,
        [
            "Overdue invoices: 400.00 EUR to pay",
            "Reminder: 1 invoice(s) fall due on 24 Nov 2026"
        ],
        "the email stages are sent without a template named"
    );
}

#[test]
fn a_stage_naming_an_unknown_template_is_a_config_error() {
    let l = ladder_ledger();
    let threat = LADDER.replace(
        "id = \"overdue_email\"\ndays = 5\naction = \"email\"\n",
        "id = \"overdue_email\"\ndays = 5\naction = \"email\"\ntemplate = \"threat\"\n",
    );
    assert_ne!(threat, LADDER);
    let cfg = mail_config(&l, 25, &threat);
    let out = l
        .dun()
        .arg("--config")
        .arg(&cfg)
        .arg("agenda")
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("dunning.stage.template") && stderr.contains("threat"),
        "{stderr}"
    );
}

/// `dun send` as of `date`.
fn send_on(ledger: &Ledger, config: &Path, date: &str) -> std::process::Output {
    ledger
        .dun_as_of(date)
        .arg("--config")
        .arg(config)
        .arg("send")
        .output()
        .unwrap()
}

#[test]
fn the_recurring_reminder_after_the_last_stage_is_sent_once_a_week() {
    let (port, mails) = smtp_server();
    let l = LedgerBuilder::new()
        .customer_with("PIA", "Pia SpA", |c| c.email("ap@pia.example"))
        .invoice("P-1", "PIA", "2026-08-01", "2026-09-01", "900")
        .build();
    l.ok(&["log", "PIA", "--kind", "letter", "--invoice", "P-1"]);
    let cfg = mail_config(&l, port, "");
    for (date, sent) in [
        ("2026-11-28", 0),
        ("2026-11-29", 1),
        ("2026-11-29", 1),
        ("2026-12-05", 1),
        ("2026-12-06", 2),
    ] {
        let out = send_on(&l, &cfg, date);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(mails.lock().unwrap().len(), sent, "as of {date}");
    }
    let mails = parsed(&mails);
    assert!(mails[0].2.contains("P-1"), "{}", mails[0].2);
}
