//! The ledger file at its edges: other applications' databases, ledgers
//! from a newer dun, an interrupted first run, read-only files and file
//! systems, and a reader that stops reading.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{AS_OF, Ledger, LedgerBuilder};

/// The ledger file and whichever of its journal files exist, with their bytes.
fn files_of(db: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    ["", "-wal", "-shm", "-journal"]
        .iter()
        .filter_map(|suffix| {
            let mut name = db.as_os_str().to_owned();
            name.push(suffix);
            let path = PathBuf::from(name);
            std::fs::read(&path).ok().map(|bytes| (path, bytes))
        })
        .collect()
}

/// A database of another application: a table of its own, one row, in
/// rollback-journal mode, with `user_version` set as such programs do.
fn foreign_database(path: &Path, user_version: i64) {
    let conn = rusqlite::Connection::open(path).unwrap();
    conn.execute_batch(&format!(
        "CREATE TABLE moz_cookies (id INTEGER PRIMARY KEY, host TEXT, value TEXT);
         INSERT INTO moz_cookies (host, value) VALUES ('example.org', 'secret');
         PRAGMA user_version = {user_version};"
    ))
    .unwrap();
}

#[test]
fn another_applications_database_is_refused_untouched() {
    // 0: no version set; 3: a number dun's own schema went through; 70: a
    // number past dun's.
    for user_version in [0, 3, 70] {
        let ledger = Ledger::new();
        let csv = ledger.dir.path().join("invoices.csv");
        std::fs::write(
            &csv,
            "number,customer,issue_date,due_date,amount\nF-1,ACME,2026-10-01,2026-10-31,100.00\n",
        )
        .unwrap();
        foreign_database(&ledger.db, user_version);
        let before = files_of(&ledger.db);
        let commands: [&[&str]; 5] = [
            &["init"],
            &["customer", "list"],
            &["customer", "add", "ACME", "--name", "Acme"],
            &["import", "invoices", csv.to_str().unwrap()],
            &["demo", "--no-tui", "--invoices", "20"],
        ];
        for args in commands {
            let out = ledger.dun().args(args).output().unwrap();
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert_eq!(
                out.status.code(),
                Some(1),
                "{args:?} (v{user_version}): {stderr}"
            );
            // `dun demo` only ever replaces a demo ledger of its own.
            let refusal = if args[0] == "demo" {
                "not a demo ledger"
            } else {
                "not a dun ledger"
            };
            assert!(
                stderr.contains(refusal),
                "{args:?} (v{user_version}): {stderr}"
            );
            assert!(
                files_of(&ledger.db) == before,
                "{args:?} (v{user_version}) left the file as it was"
            );
        }
    }
}

#[test]
fn a_ledger_from_a_newer_dun_is_refused_byte_for_byte_in_either_journal_mode() {
    for mode in ["DELETE", "WAL"] {
        let ledger = LedgerBuilder::new().customer("ACME", "Acme").build();
        rusqlite::Connection::open(&ledger.db)
            .unwrap()
            .execute_batch(&format!(
                "PRAGMA journal_mode = {mode}; PRAGMA user_version = 999;"
            ))
            .unwrap();
        let before = files_of(&ledger.db);
        for args in [
            &["customer", "list"][..],
            &["init"],
            &["customer", "add", "B", "--name", "B"],
        ] {
            let out = ledger.dun().args(args).output().unwrap();
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(1), "{mode} {args:?}: {stderr}");
            assert!(stderr.contains("newer than this dun"), "{mode}: {stderr}");
            assert!(files_of(&ledger.db) == before, "{mode} {args:?}: untouched");
        }
    }
}

/// Starts `dun ARGS` on `ledger` and kills it `delay` after the ledger
/// file first appears (or after a second if it never does).
fn kill_early(ledger: &Ledger, args: &[&str], delay: Duration) {
    let mut child = Command::new(assert_cmd::cargo::cargo_bin("dun"))
        .env("HOME", ledger.dir.path())
        .env("XDG_DATA_HOME", ledger.dir.path().join("data"))
        .arg("--db")
        .arg(&ledger.db)
        .args(["--as-of", AS_OF])
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while !ledger.db.exists() && started.elapsed() < Duration::from_secs(1) {
        if child.try_wait().unwrap().is_some() {
            return;
        }
        std::hint::spin_loop();
    }
    std::thread::sleep(delay);
    child.kill().ok();
    child.wait().unwrap();
}

#[test]
fn an_interrupted_first_run_never_wedges_the_next() {
    let demo: &[&str] = &["demo", "--no-tui", "--invoices", "30", "--seed", "3"];
    for args in [demo, &["init"]] {
        for step in 0..40_u64 {
            let ledger = Ledger::new();
            kill_early(&ledger, args, Duration::from_micros(step * 250));
            let left = files_of(&ledger.db)
                .iter()
                .map(|(p, b)| format!("{} ({} bytes)", p.display(), b.len()))
                .collect::<Vec<_>>();
            let out = ledger.dun().args(args).output().unwrap();
            assert!(
                out.status.success(),
                "{args:?} after one killed at +{}µs, which left {left:?}: {}",
                step * 250,
                String::from_utf8_lossy(&out.stderr)
            );
            ledger.ok(&["customer", "list"]);
        }
    }
}

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

/// A ledger with one customer and one invoice, for the read-only tests.
fn small_ledger() -> Ledger {
    LedgerBuilder::new()
        .customer("ACME", "Acme")
        .invoice("A-1", "ACME", "2026-09-01", "2026-10-01", "100.00")
        .build()
}

/// Checks that `run` reads the ledger but writes nothing: reads work,
/// writes say why not in plain words, and the files are as they were.
fn reads_but_never_writes(
    ledger: &Ledger,
    run: &dyn Fn(&[&str]) -> std::process::Output,
    why: &str,
) {
    let before = files_of(&ledger.db);
    for args in [&["customer", "list"][..], &["aging"], &["status", "ACME"]] {
        let out = run(args);
        assert!(
            out.status.success() && String::from_utf8_lossy(&out.stdout).contains("ACME"),
            "{args:?} reads a read-only ledger: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    for args in [
        &["customer", "add", "B", "--name", "B"][..],
        &[
            "payment",
            "add",
            "--customer",
            "ACME",
            "--amount",
            "10",
            "--date",
            AS_OF,
        ],
        &["log", "ACME", "--kind", "note", "--note", "n"],
    ] {
        let out = run(args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {stderr}");
        assert!(
            stderr.contains(why) && stderr.contains("nothing was changed"),
            "{args:?} says why: {stderr}"
        );
        assert!(!stderr.contains("attempt to write"), "{args:?}: {stderr}");
    }
    let main = |files: &[(PathBuf, Vec<u8>)]| files.first().cloned();
    assert!(
        main(&files_of(&ledger.db)) == main(&before),
        "the ledger is as it was"
    );
}

/// Undoes `chattr +i` when dropped, so the temporary folder can go.
struct Immutable(PathBuf);

impl Drop for Immutable {
    fn drop(&mut self) {
        let _ = Command::new("chattr").arg("-i").arg(&self.0).status();
    }
}

#[cfg(unix)]
#[test]
fn a_read_only_ledger_is_read_but_never_written() {
    use std::os::unix::fs::PermissionsExt;
    let ledger = small_ledger();
    // The owner (or root, for whom a mode 0444 file is still writable)
    // cannot write an immutable file.
    let _guard = Immutable(ledger.db.clone());
    let immutable = Command::new("chattr")
        .arg("+i")
        .arg(&ledger.db)
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !immutable {
        std::fs::set_permissions(&ledger.db, std::fs::Permissions::from_mode(0o400)).unwrap();
        if std::fs::OpenOptions::new()
            .write(true)
            .open(&ledger.db)
            .is_ok()
        {
            println!("skipped: cannot make a file read-only here (no chattr +i, and root)");
            return;
        }
    }
    let run = |args: &[&str]| ledger.dun().args(args).output().unwrap();
    reads_but_never_writes(&ledger, &run, "the file is read-only");
}

#[cfg(target_os = "linux")]
#[test]
fn a_ledger_on_a_read_only_file_system_is_read_but_never_written() {
    let ledger = small_ledger();
    let dir = ledger.dir.path().to_path_buf();
    // The folder is bind-mounted read-only on itself, in a mount namespace
    // of the command's own.
    let on_read_only = |db: &Path, args: &[&str]| {
        Command::new("unshare")
            .args(["-m", "sh", "-c"])
            .arg(r#"mount --bind "$0" "$0" && mount -o remount,bind,ro "$0" && exec "$@""#)
            .arg(&dir)
            .arg(assert_cmd::cargo::cargo_bin("dun"))
            .arg("--db")
            .arg(db)
            .args(["--as-of", AS_OF])
            .args(args)
            .env("HOME", &dir)
            .env("XDG_CONFIG_HOME", dir.join("config"))
            .env_remove("DUN_DB")
            .env_remove("DUN_CONFIG")
            .output()
            .unwrap()
    };
    let in_read_only = |args: &[&str]| on_read_only(&ledger.db, args);
    let probe = in_read_only(&["--version"]);
    if !probe.status.success() {
        println!(
            "skipped: cannot mount a read-only file system here: {}",
            String::from_utf8_lossy(&probe.stderr)
        );
        return;
    }
    reads_but_never_writes(&ledger, &in_read_only, "it is on a read-only file system");
    let elsewhere = dir.join("new.db");
    let out = on_read_only(&elsewhere, &["init"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.to_lowercase().contains("read-only file system"),
        "{stderr}"
    );
}
