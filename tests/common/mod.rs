//! Helpers shared by the integration tests: a hermetic `dun` command on a
//! temporary ledger, the demo ledger built by the real binary once per test
//! process and copied for each test, and a full dump of the ledger to
//! compare before/after.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

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

    /// A ledger of its own holding `bytes`, at `name` in a new folder.
    fn from_bytes(name: &str, bytes: &[u8]) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let db = dir.path().join(name);
        write_private(&db, bytes);
        Ledger { dir, db }
    }

    /// A copy of the demo ledger `dun --as-of AS_OF demo --no-tui
    /// --invoices INVOICES --seed SEED` builds, at `demo.db` in a folder of
    /// its own. The demo is built once per test process.
    pub fn demo(invoices: u32, seed: u64, as_of: &str) -> Self {
        let key = format!("demo {invoices} {seed} {as_of}");
        let bytes = built_once(&key, |dir| {
            let db = dir.join("demo.db");
            let (invoices, seed) = (invoices.to_string(), seed.to_string());
            let mut cmd = bare_dun(dir);
            cmd.arg("--db").arg(&db).args([
                "--as-of",
                as_of,
                "demo",
                "--no-tui",
                "--invoices",
                &invoices,
                "--seed",
                &seed,
            ]);
            run_ok(&mut cmd, &key);
            ledger_bytes(&db)
        });
        Ledger::from_bytes("demo.db", &bytes)
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

/// Writes the CSV export `dun --as-of AS_OF demo --invoices INVOICES --csv
/// FILE` makes to `to`; the export is made once per test process.
pub fn demo_csv(invoices: u32, as_of: &str, to: &Path) {
    let key = format!("demo csv {invoices} {as_of}");
    let bytes = built_once(&key, |dir| {
        let csv = dir.join("demo.csv");
        let mut cmd = bare_dun(dir);
        cmd.args([
            "--as-of",
            as_of,
            "demo",
            "--invoices",
            &invoices.to_string(),
        ])
        .arg("--csv")
        .arg(&csv);
        run_ok(&mut cmd, &key);
        std::fs::read(&csv).expect("read the demo export")
    });
    std::fs::write(to, &*bytes).expect("write the demo export");
}

/// What `build` makes from a folder of its own, made once per test process
/// for each `key` and kept in memory (tests that want it at the same time
/// wait for the first to finish it).
fn built_once(key: &str, build: impl FnOnce(&Path) -> Vec<u8>) -> Arc<Vec<u8>> {
    type Cells = BTreeMap<String, Arc<OnceLock<Arc<Vec<u8>>>>>;
    static BUILT: Mutex<Cells> = Mutex::new(BTreeMap::new());
    let cell = BUILT
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .entry(key.to_string())
        .or_default()
        .clone();
    cell.get_or_init(|| {
        let dir = tempfile::tempdir().expect("temp dir");
        Arc::new(build(dir.path()))
    })
    .clone()
}

/// The whole ledger, read from its file once what is still in its
/// write-ahead log has been checkpointed into it.
fn ledger_bytes(db: &Path) -> Vec<u8> {
    let conn = rusqlite::Connection::open(db).expect("open the built ledger");
    conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| {
        r.get::<_, i64>(0)
    })
    .expect("checkpoint");
    drop(conn);
    let mut wal = db.as_os_str().to_owned();
    wal.push("-wal");
    assert!(
        std::fs::metadata(&wal).map_or(true, |m| m.len() == 0),
        "the built ledger is not all in its file"
    );
    std::fs::read(db).expect("read the built ledger")
}

/// Creates `path` holding `bytes`, readable by its owner only, as dun
/// creates a ledger.
fn write_private(path: &Path, bytes: &[u8]) {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path).expect("create the ledger copy");
    file.write_all(bytes).expect("write the ledger copy");
}

/// Runs a command that must succeed.
fn run_ok(cmd: &mut Command, what: &str) {
    let out = cmd.output().expect("runs");
    assert!(
        out.status.success(),
        "{what} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
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
