//! The rules of `dun send` and `dun letter` on real ledgers: a stage
//! renders the message its action asks for.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use std::path::{Path, PathBuf};

use common::smtp::mail_config;
use common::{Ledger, LedgerBuilder};
use mail_parser::MessageParser;

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
