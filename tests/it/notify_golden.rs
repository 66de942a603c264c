//! Golden tests: every built-in template in every language, rendered from
//! a fixed context. The snapshots in tests/it/snapshots/ are the reference.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use dun::notify::render::BucketTotal;
use dun::notify::{
    InvoiceLine, MissedInstalment, Party, ReminderContext, ReminderKind, Renderer,
    StatementContext, StatementLine,
};
use dun_core::ledger::{CreditorReference, ReferenceTarget};
use dun_core::money::Locale;

fn company() -> Party {
    Party {
        name: "Acme Supplies Ltd".into(),
        address_lines: vec!["1 High Street".into(), "London EC1A 1AA".into()],
        email: "accounts@acme.example".into(),
        phone: "+44 20 7946 0000".into(),
        billing_contact: "Jane Smith".into(),
        iban: "GB33BUKB20201555555555".into(),
        vat_number: "GB123456789".into(),
        ..Party::default()
    }
}

fn customer() -> Party {
    Party {
        name: "Rossi Costruzioni S.r.l.".into(),
        code: "ROSSI".into(),
        address_lines: vec!["ap@rossi.example".into()],
        email: "ap@rossi.example".into(),
        ..Party::default()
    }
}

/// Two invoices past their due date.
fn overdue_lines() -> Vec<InvoiceLine> {
    vec![
        InvoiceLine {
            number: "000123".into(),
            issue_date: "01/10/2026".into(),
            due_date: "31/10/2026".into(),
            amount: "1.200,00 EUR".into(),
            open: "699,70 EUR".into(),
        },
        InvoiceLine {
            number: "000124".into(),
            issue_date: "05/10/2026".into(),
            due_date: "04/11/2026".into(),
            amount: "350,00 EUR".into(),
            open: "350,00 EUR".into(),
        },
    ]
}

fn reminder() -> ReminderContext {
    ReminderContext {
        company: company(),
        customer: customer(),
        contact_name: "Giulia Rossi".into(),
        date: "22/11/2026".into(),
        due: "31/10/2026".into(),
        invoices: overdue_lines(),
        overdue: overdue_lines(),
        upcoming: Vec::new(),
        upcoming_total: String::new(),
        principal: "1.049,70 EUR".into(),
        interest: "5,84 EUR".into(),
        fees: "80,00 EUR".into(),
        amount_due: "1.135,54 EUR".into(),
        has_charges: true,
        rate: "10,15".into(),
        compensation: "40,00 EUR".into(),
        penalty: String::new(),
        deadline: "02/12/2026".into(),
        reference: CreditorReference::of(ReferenceTarget::Invoice(123)).printed(),
        days: 22,
        instalment: MissedInstalment {
            amount: "300,00 EUR".into(),
            due: "10/11/2026".into(),
            agreed: "15/10/2026".into(),
        },
    }
}

fn statement() -> StatementContext {
    let line = |number: &str, bucket: &str, current: bool, open: &str| StatementLine {
        number: number.into(),
        issue_date: "01/10/2026".into(),
        due_date: "31/10/2026".into(),
        bucket: bucket.into(),
        current,
        open: open.into(),
    };
    StatementContext {
        company: company(),
        customer: customer(),
        date: "22/11/2026".into(),
        items: vec![
            line("000123", "1-30", false, "699,70 EUR"),
            line("000125", "Current", true, "80,00 EUR"),
        ],
        buckets: vec![
            BucketTotal {
                title: "Current".into(),
                current: true,
                amount: "80,00 EUR".into(),
            },
            BucketTotal {
                title: "1-30".into(),
                current: false,
                amount: "699,70 EUR".into(),
            },
        ],
        total: "779,70 EUR".into(),
        credit: String::new(),
        net: String::new(),
        reference: CreditorReference::of(ReferenceTarget::Account(7)).printed(),
    }
}

#[test]
fn every_reminder_in_every_language() {
    let renderer = Renderer::new(None).unwrap();
    for lang in Locale::ALL {
        for kind in ReminderKind::ALL {
            let r = renderer.reminder(kind, lang, &reminder()).unwrap();
            assert!(
                !r.subject.is_empty() && !r.subject.contains('\n'),
                "{kind:?} {lang}: {:?}",
                r.subject
            );
            if kind != ReminderKind::SalesRep {
                for must in [
                    "Acme Supplies Ltd",
                    "Rossi Costruzioni",
                    "22/11/2026",
                    "Jane Smith",
                    "000123",
                    "000124",
                    "1.135,54 EUR",
                    "02/12/2026",
                    "RF48 I123",
                    "GB33BUKB20201555555555",
                ] {
                    assert!(
                        r.body.contains(must),
                        "{kind:?} in {lang} lacks {must}:\n{}",
                        r.body
                    );
                }
            }
            insta::assert_snapshot!(
                format!("reminder_{}_{lang}", kind.name()),
                format!("Subject: {}\n\n{}", r.subject, r.body)
            );
        }
    }
}

/// A reminder about the two overdue invoices and one not yet due.
fn merged() -> ReminderContext {
    let upcoming = InvoiceLine {
        number: "000130".into(),
        issue_date: "25/10/2026".into(),
        due_date: "24/11/2026".into(),
        amount: "250,00 EUR".into(),
        open: "250,00 EUR".into(),
    };
    let mut context = reminder();
    context.invoices.push(upcoming.clone());
    context.upcoming = vec![upcoming];
    context.upcoming_total = "250,00 EUR".into();
    context
}

#[test]
fn a_merged_reminder_in_every_language() {
    let renderer = Renderer::new(None).unwrap();
    for lang in Locale::ALL {
        for kind in [ReminderKind::Overdue, ReminderKind::Letter] {
            let r = renderer.reminder(kind, lang, &merged()).unwrap();
            let body = &r.body;
            let (overdue, upcoming) = (body.find("000124").unwrap(), body.find("000130").unwrap());
            let total = body.find("250,00 EUR").unwrap();
            let due = body.find("1.135,54 EUR").unwrap();
            assert!(
                overdue < due && due < upcoming && upcoming < total,
                "{kind:?} {lang}:\n{body}"
            );
            insta::assert_snapshot!(
                format!("merged_{}_{lang}", kind.name()),
                format!("Subject: {}\n\n{}", r.subject, r.body)
            );
        }
    }
}

#[test]
fn statements_in_every_language_as_text_and_html() {
    let renderer = Renderer::new(None).unwrap();
    for lang in Locale::ALL {
        for html in [false, true] {
            let r = renderer.statement(lang, &statement(), html).unwrap();
            assert!(r.body.contains("000123") && r.body.contains("779,70 EUR"));
            let name = format!("statement_{lang}_{}", if html { "html" } else { "txt" });
            insta::assert_snapshot!(name, r.body);
        }
    }
}

#[test]
fn a_templates_folder_overrides_texts_and_phrases() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("phrases.toml"),
        "[it]\nclosing = \"Distinti saluti,\"\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("sales_rep.txt"),
        "Custom note for {{ customer.code }}: {{ amount_due }}\n",
    )
    .unwrap();
    let renderer = Renderer::new(Some(dir.path())).unwrap();
    let letter = renderer
        .reminder(ReminderKind::Overdue, Locale::It, &reminder())
        .unwrap();
    assert!(letter.body.contains("Distinti saluti,"), "{}", letter.body);
    assert!(!letter.body.contains("Cordiali saluti"));
    let note = renderer
        .reminder(ReminderKind::SalesRep, Locale::En, &reminder())
        .unwrap();
    assert_eq!(note.body.trim_end(), "Custom note for ROSSI: 1.135,54 EUR");
    std::fs::write(dir.path().join("reminder.txt"), "{% if %}").unwrap();
    let err = Renderer::new(Some(dir.path())).unwrap_err().to_string();
    assert!(err.contains("reminder.txt"), "{err}");
}

#[test]
fn html_statements_escape_data() {
    let renderer = Renderer::new(None).unwrap();
    let mut s = statement();
    s.customer.name = "<script>alert(1)</script>".into();
    let r = renderer.statement(Locale::En, &s, true).unwrap();
    assert!(!r.body.contains("<script>"), "{}", r.body);
}
