//! The ledger file at its edges: other applications' databases, ledgers
//! from a newer dun, an interrupted first run, read-only files and file
//! systems, and a reader that stops reading.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use std::process::{Command, Stdio};

use common::{AS_OF, Ledger};

/// Every command that prints, with a reader that has gone away before it
/// writes (`dun … | head` once head has quit): no error, no panic.
#[test]
fn a_closed_pipe_ends_quietly_for_every_command() {
    let ledger = Ledger::demo(400, 7, AS_OF);
    let customers = ledger.json(&["customer", "list"]);
    let code = customers[0]["code"].as_str().unwrap().to_string();
    let invoices = ledger.json(&["invoice", "list"]);
    let number = invoices[0]["number"].as_str().unwrap().to_string();
    let commands: Vec<Vec<&str>> = vec![
        vec!["aging"],
        vec!["aging", "--format", "csv"],
        vec!["aging", "--format", "json"],
        vec!["agenda"],
        vec!["agenda", "--format", "csv"],
        vec!["agenda", "--format", "json"],
        vec!["invoice", "list"],
        vec!["invoice", "list", "--format", "csv"],
        vec!["invoice", "list", "--format", "json"],
        vec!["invoice", "show", &number],
        vec!["customer", "list"],
        vec!["customer", "list", "--format", "csv"],
        vec!["customer", "show", &code],
        vec!["status", &code],
        vec!["status", &code, "--format", "json"],
        vec!["why", &number],
        vec!["letter", &code],
        vec!["statement", &code],
        vec!["statement", &code, "--html"],
        vec!["payment", "allocate"],
        vec!["import", "history"],
        vec!["config", "check"],
        vec!["init"],
        vec![],
        vec!["completions", "bash"],
        vec!["completions", "zsh"],
        vec!["completions", "fish"],
        vec!["completions", "elvish"],
        vec!["completions", "powershell"],
        vec!["man"],
        vec!["--help"],
    ];
    let mut failed = Vec::new();
    for args in commands {
        let mut child = Command::new(assert_cmd::cargo::cargo_bin("dun"))
            .env("HOME", ledger.dir.path())
            .env("XDG_CONFIG_HOME", ledger.dir.path().join("config"))
            .env_remove("DUN_DB")
            .arg("--db")
            .arg(&ledger.db)
            .args(["--as-of", AS_OF])
            .args(&args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take());
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        if !out.status.success() || !stderr.is_empty() {
            failed.push(format!(
                "dun {args:?} | (closed): {:?} {stderr}",
                out.status
            ));
        }
    }
    assert!(failed.is_empty(), "{failed:#?}");
}
