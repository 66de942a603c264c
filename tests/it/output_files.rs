//! Secrets dun holds: a password in the config is refused without being
//! printed, and credentials never travel in the clear to another host.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use std::process::Output;

use crate::cli_config::check;
use common::{Ledger, LedgerBuilder};

/// ACME owes an overdue invoice and has an email address: `send` writes
/// one message for it.
fn ledger() -> Ledger {
    LedgerBuilder::new()
        .customer_with("ACME", "Acme Retail Ltd", |c| {
            c.email("payables@acmeretail.example")
        })
        .invoice("A-1", "ACME", "2026-10-01", "2026-11-16", "99.90")
        .build()
}

fn failed(out: &Output, fragment: &str) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains(fragment), "{stderr}");
}

// ── Secrets ────────────────────────────────────────────────────────────

#[test]
fn a_password_in_the_config_is_refused_without_printing_it() {
    let l = ledger();
    for line in [
        "password = \"hunter2-secret\"",
        "password = 12345678",
        "password = [\"hunter2-secret\"]",
        // Not even TOML: the parser's error names the key only.
        "password = hunter2-secret",
    ] {
        let (code, _, stderr) = check(&l, &format!("[smtp]\nusername = \"u\"\n{line}\n"));
        assert_eq!(code, Some(1), "{line}: {stderr}");
        // The file and the key; the key's full name once the file is TOML.
        let key = if line.contains("hunter2-secret\"") || line.contains("12345678") {
            "smtp.password"
        } else {
            "password = …"
        };
        assert!(
            stderr.contains("dun.toml") && stderr.contains(key),
            "{line}: {stderr}"
        );
        assert!(
            !stderr.contains("hunter2") && !stderr.contains("12345678"),
            "{line}: the secret is printed: {stderr}"
        );
    }
}

#[test]
fn credentials_never_go_in_the_clear_to_another_host() {
    let l = ledger();
    let smtp = |host: &str| {
        format!(
            "[smtp]\nhost = \"{host}\"\nport = 25\ntls = \"none\"\nusername = \"ar@example.com\"\n\
             password_env = \"DUN_TEST_PASSWORD\"\nfrom = \"ar@example.com\"\n"
        )
    };
    let (code, _, stderr) = check(&l, &smtp("mail.example.com"));
    assert_eq!(code, Some(1), "{stderr}");
    assert!(
        stderr.contains("dun.toml") && stderr.contains("smtp.tls"),
        "{stderr}"
    );
    // Every command loads the config first: `send` never connects.
    let out = l
        .dun()
        .arg("--config")
        .arg(l.dir.path().join("dun.toml"))
        .env("DUN_TEST_PASSWORD", "s3cret-value")
        .arg("send")
        .output()
        .unwrap();
    failed(&out, "smtp.tls");
    assert!(!String::from_utf8_lossy(&out.stderr).contains("s3cret"));
    // Loopback may take them in the clear (a local relay); TLS anywhere.
    for host in ["127.0.0.1", "::1"] {
        let (code, _, stderr) = check(&l, &smtp(host));
        assert_eq!(code, Some(0), "{host}: {stderr}");
    }
    let tls = smtp("mail.example.com").replace("\"none\"", "\"starttls\"");
    let (code, _, stderr) = check(&l, &tls);
    assert_eq!(code, Some(0), "{stderr}");
}
