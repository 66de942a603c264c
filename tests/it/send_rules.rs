//! The rules of `dun send` and `dun letter` on real ledgers: a message
//! keeps overdue and upcoming invoices apart; a stage renders the message
//! its action asks for.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use std::path::{Path, PathBuf};
use std::process::Output;

use common::smtp::{Mails, mail_config, smtp_server};
use common::{Ledger, LedgerBuilder};
use dun_core::money::Locale;
use mail_parser::MessageParser;
use rust_decimal::Decimal;

fn send(ledger: &Ledger, config: &Path) -> Output {
    ledger
        .dun()
        .arg("--config")
        .arg(config)
        .arg("send")
        .output()
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

    let outbox: PathBuf = l.dir.path().join("outbox");
    let out = l
        .dun()
        .arg("--config")
        .arg(&cfg)
        .args(["send", "--dry-run", "--to-dir"])
        .arg(&outbox)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut subjects: Vec<String> = std::fs::read_dir(&outbox)
        .unwrap()
        .map(|e| {
            let eml = std::fs::read(e.unwrap().path()).unwrap();
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
