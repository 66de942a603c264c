//! Helpers shared by the integration tests: a hermetic `dun` command on a
//! temporary ledger, and a full dump of the ledger to compare before/after.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use tempfile::TempDir;

/// A temporary home with a ledger path inside it.
pub struct Ledger {
    pub dir: TempDir,
    pub db: PathBuf,
}

impl Ledger {
    pub fn new() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let db = dir.path().join("ledger.db");
        Ledger { dir, db }
    }

    /// `dun --db LEDGER --as-of 2026-11-22 …` with a clean environment.
    pub fn dun(&self) -> Command {
        let mut cmd = bare_dun(self.dir.path());
        cmd.arg("--db")
            .arg(&self.db)
            .args(["--as-of", "2026-11-22"]);
        cmd
    }

    /// `dun --db LEDGER --as-of AS_OF …`: the same ledger, another date.
    pub fn dun_as_of(&self, as_of: &str) -> Command {
        let mut cmd = bare_dun(self.dir.path());
        cmd.arg("--db").arg(&self.db).args(["--as-of", as_of]);
        cmd
    }

    /// Runs a prepared command that must succeed and print JSON.
    pub fn run_json(&self, cmd: &mut Command) -> serde_json::Value {
        let output = cmd.output().expect("runs");
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        serde_json::from_slice(&output.stdout).expect("valid JSON")
    }

    /// Runs a command that must succeed; returns stdout.
    pub fn ok(&self, args: &[&str]) -> String {
        let output = self.dun().args(args).output().expect("runs");
        assert!(
            output.status.success(),
            "dun {args:?} failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8(output.stdout).expect("utf-8 output")
    }

    /// Runs a command and parses its JSON output.
    pub fn json(&self, args: &[&str]) -> serde_json::Value {
        let mut all = args.to_vec();
        all.extend(["--format", "json"]);
        serde_json::from_str(&self.ok(&all)).expect("valid JSON")
    }

    /// Every row of every table, as text, for before/after comparisons.
    pub fn dump(&self) -> Vec<String> {
        dump(&self.db)
    }
}

/// `dun` with HOME and XDG folders inside `home` and no DUN_* variables.
pub fn bare_dun(home: &Path) -> Command {
    let mut cmd = Command::cargo_bin("dun").expect("binary built");
    cmd.env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_DATA_HOME", home.join("data"))
        .env_remove("DUN_DB")
        .env_remove("DUN_CONFIG")
        .env_remove("DUN_LOCALE");
    cmd
}

pub fn dump(db: &Path) -> Vec<String> {
    let conn = rusqlite::Connection::open(db).expect("open ledger");
    let mut tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    tables.retain(|t| !t.starts_with("sqlite_"));
    let mut out = Vec::new();
    for table in tables {
        let mut stmt = conn
            .prepare(&format!("SELECT * FROM {table} ORDER BY 1, 2"))
            .unwrap();
        let columns = stmt.column_count();
        let rows = stmt
            .query_map([], |r| {
                let mut cells = Vec::new();
                for i in 0..columns {
                    let v: rusqlite::types::Value = r.get(i)?;
                    cells.push(format!("{v:?}"));
                }
                Ok(format!("{table}: {}", cells.join(" | ")))
            })
            .unwrap();
        for row in rows {
            out.push(row.unwrap());
        }
    }
    out
}
