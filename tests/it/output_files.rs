//! Files dun writes and secrets it holds: the outbox, letters and
//! statements are owner-only whatever the umask and created new (never
//! through a symlink, never over a file unless `--force`); a password in the
//! config is refused without being printed, and credentials never travel
//! in the clear to another host.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Output;

use crate::cli_config::check;
use common::smtp::mail_config;
use common::{AS_OF, Ledger, LedgerBuilder};

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

/// `dun ARGS…` run by `sh` under `umask 000`, with the config file `cfg`.
fn dun_umask_000(ledger: &Ledger, cfg: &Path, args: &[&str]) -> Output {
    std::process::Command::new("sh")
        .arg("-c")
        .arg("umask 000; exec \"$0\" \"$@\"")
        .arg(env!("CARGO_BIN_EXE_dun"))
        .arg("--db")
        .arg(&ledger.db)
        .args(["--as-of", AS_OF, "--config"])
        .arg(cfg)
        .args(args)
        .env("HOME", ledger.dir.path())
        .env_remove("DUN_CONFIG")
        .env_remove("DUN_DB")
        .output()
        .unwrap()
}

fn mode(path: &Path) -> u32 {
    std::fs::symlink_metadata(path)
        .unwrap()
        .permissions()
        .mode()
        & 0o777
}

fn ok(out: &Output) {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn failed(out: &Output, fragment: &str) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains(fragment), "{stderr}");
}

fn path_str(path: &Path) -> &str {
    path.to_str().unwrap()
}

#[test]
fn the_outbox_and_its_messages_are_owner_only_whatever_the_umask() {
    let l = ledger();
    let cfg = mail_config(&l, 25, "");
    let outbox = l.dir.path().join("outbox");
    let out = dun_umask_000(
        &l,
        &cfg,
        &["send", "--dry-run", "--to-dir", path_str(&outbox)],
    );
    ok(&out);
    assert_eq!(mode(&outbox), 0o700);
    let files: Vec<PathBuf> = std::fs::read_dir(&outbox)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(files.len(), 1, "{files:?}");
    assert_eq!(mode(&files[0]), 0o600);
}

#[test]
fn letters_and_statements_are_owner_only_whatever_the_umask() {
    let l = ledger();
    let cfg = mail_config(&l, 25, "");
    let letter = l.dir.path().join("letter.txt");
    let statement = l.dir.path().join("statement.html");
    ok(&dun_umask_000(
        &l,
        &cfg,
        &["letter", "ACME", "--out", path_str(&letter)],
    ));
    ok(&dun_umask_000(
        &l,
        &cfg,
        &["statement", "ACME", "--html", "--out", path_str(&statement)],
    ));
    assert_eq!(mode(&letter), 0o600);
    assert_eq!(mode(&statement), 0o600);
}

#[test]
fn backups_and_the_demo_export_are_owner_only_whatever_the_umask() {
    let l = ledger();
    let cfg = mail_config(&l, 25, "");
    let backup = l.dir.path().join("copy.db");
    let export = l.dir.path().join("demo.csv");
    ok(&dun_umask_000(&l, &cfg, &["backup", path_str(&backup)]));
    ok(&dun_umask_000(
        &l,
        &cfg,
        &["demo", "--csv", path_str(&export), "--invoices", "20"],
    ));
    assert_eq!(mode(&backup), 0o600);
    assert_eq!(mode(&export), 0o600);
    // Neither writes over a file that is there.
    failed(
        &dun_umask_000(&l, &cfg, &["demo", "--csv", path_str(&export)]),
        "must not exist",
    );
}

#[test]
fn an_existing_file_is_kept_unless_forced() {
    let l = ledger();
    let cfg = mail_config(&l, 25, "");
    let letter = l.dir.path().join("letter.txt");
    std::fs::write(&letter, "keep me").unwrap();
    failed(
        &dun_umask_000(&l, &cfg, &["letter", "ACME", "--out", path_str(&letter)]),
        "--force",
    );
    assert_eq!(std::fs::read_to_string(&letter).unwrap(), "keep me");
    ok(&dun_umask_000(
        &l,
        &cfg,
        &["letter", "ACME", "--out", path_str(&letter), "--force"],
    ));
    assert_ne!(std::fs::read_to_string(&letter).unwrap(), "keep me");
    assert_eq!(mode(&letter), 0o600);
    // A second dry run into the same outbox keeps the first one's messages.
    let outbox = l.dir.path().join("outbox");
    let send = ["send", "--dry-run", "--to-dir", path_str(&outbox)];
    ok(&dun_umask_000(&l, &cfg, &send));
    failed(&dun_umask_000(&l, &cfg, &send), "--force");
    ok(&dun_umask_000(
        &l,
        &cfg,
        &[&send[..], &["--force"]].concat(),
    ));
}

#[test]
fn no_file_is_written_through_a_symlink() {
    let l = ledger();
    let cfg = mail_config(&l, 25, "");
    let target = l.dir.path().join("victim.txt");
    std::fs::write(&target, "precious").unwrap();
    let link = l.dir.path().join("statement.txt");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    let out = dun_umask_000(&l, &cfg, &["statement", "ACME", "--out", path_str(&link)]);
    failed(&out, "statement.txt");
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "precious");
    // Forced, the link itself is replaced; what it pointed to is untouched.
    let forced = ["statement", "ACME", "--out", path_str(&link), "--force"];
    ok(&dun_umask_000(&l, &cfg, &forced));
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "precious");
    assert!(!std::fs::symlink_metadata(&link).unwrap().is_symlink());
    assert_eq!(mode(&link), 0o600);
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
