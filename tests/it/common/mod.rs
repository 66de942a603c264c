//! Helpers shared by the integration tests: a hermetic `dun` command on a
//! temporary ledger, ledgers built by the real binary once per test process
//! and copied for each test (the demo ledger, [`LedgerBuilder`]), and a full
//! dump of the ledger to compare before/after.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use assert_cmd::Command;
use tempfile::TempDir;

pub mod smtp;
pub mod tmux;

/// The date every fixture is built as of, and [`Ledger::dun`]'s.
pub const AS_OF: &str = "2026-11-22";

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
        cmd.arg("--db").arg(&self.db).args(["--as-of", AS_OF]);
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

    /// Writes a file beside the ledger; returns its path.
    pub fn file(&self, name: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        let path = self.dir.path().join(name);
        std::fs::write(&path, contents).expect("a file beside the ledger");
        path
    }

    /// Some fields of every invoice of `dun invoice list`, by number.
    pub fn invoice_fields<const N: usize>(
        &self,
        fields: [&str; N],
    ) -> std::collections::BTreeMap<String, [String; N]> {
        let list = self.json(&["invoice", "list"]);
        let text = |i: &serde_json::Value, k: &str| i[k].as_str().unwrap_or_default().to_string();
        list.as_array()
            .expect("a list")
            .iter()
            .map(|i| (text(i, "number"), fields.map(|k| text(i, k))))
            .collect()
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

/// A ledger written by the real binary, one CLI call per customer, invoice,
/// payment or import, all as of [`AS_OF`]:
///
/// ```ignore
/// let ledger = LedgerBuilder::new()
///     .customer_with("ROSSI", "Rossi S.r.l.", |c| c.language("it"))
///     .invoice("R-1", "ROSSI", "2026-09-01", "2026-10-01", "100.00")
///     .build();
/// ```
///
/// The calls are made once per test process for each distinct builder;
/// every [`build`](LedgerBuilder::build) gets a copy of the file of its own.
#[derive(Debug, Clone, Default)]
pub struct LedgerBuilder {
    /// Files written into the folder the calls run in, before the first.
    files: Vec<(String, Vec<u8>)>,
    /// The calls, in order, each without `--db` and `--as-of`.
    calls: Vec<Vec<String>>,
}

/// The flags of one `dun customer add`, for [`LedgerBuilder::customer_with`].
#[derive(Debug, Clone, Default)]
pub struct Customer {
    args: Vec<String>,
}

impl Customer {
    /// Any other flag of `dun customer add`, e.g. `("--terms", "60")`.
    pub fn flag(mut self, flag: &str, value: &str) -> Self {
        self.args.extend([flag.to_string(), value.to_string()]);
        self
    }

    pub fn email(self, email: &str) -> Self {
        self.flag("--email", email)
    }

    pub fn language(self, language: &str) -> Self {
        self.flag("--language", language)
    }

    pub fn credit_limit(self, amount: &str) -> Self {
        self.flag("--credit-limit", amount)
    }

    pub fn discount(self, percent_days: &str) -> Self {
        self.flag("--discount", percent_days)
    }

    /// The billing contact: `--billing-contact NAME --billing-email EMAIL`.
    pub fn billing(self, name: &str, email: &str) -> Self {
        self.flag("--billing-contact", name)
            .flag("--billing-email", email)
    }

    /// Our sales rep: `--sales-rep NAME --sales-rep-email EMAIL`.
    pub fn sales_rep(self, name: &str, email: &str) -> Self {
        self.flag("--sales-rep", name)
            .flag("--sales-rep-email", email)
    }
}

impl LedgerBuilder {
    pub fn new() -> Self {
        Self::default()
    }

    /// Any call, e.g. `&["hold", "ACME", "--reason", "…"]`.
    pub fn call(mut self, args: &[&str]) -> Self {
        self.calls
            .push(args.iter().map(|a| (*a).to_string()).collect());
        self
    }

    /// `dun customer add CODE --name NAME`.
    pub fn customer(self, code: &str, name: &str) -> Self {
        self.customer_with(code, name, |c| c)
    }

    /// `dun customer add CODE --name NAME`, with the flags `with` adds.
    pub fn customer_with(
        self,
        code: &str,
        name: &str,
        with: impl FnOnce(Customer) -> Customer,
    ) -> Self {
        let flags = with(Customer::default()).args;
        let mut call = vec!["customer", "add", code, "--name", name];
        call.extend(flags.iter().map(String::as_str));
        self.call(&call)
    }

    /// `dun invoice add NUMBER --customer CUSTOMER --issued ISSUED --due DUE
    /// --amount AMOUNT`.
    pub fn invoice(
        self,
        number: &str,
        customer: &str,
        issued: &str,
        due: &str,
        amount: &str,
    ) -> Self {
        self.call(&[
            "invoice",
            "add",
            number,
            "--customer",
            customer,
            "--issued",
            issued,
            "--due",
            due,
            "--amount",
            amount,
        ])
    }

    /// `dun payment add --customer CUSTOMER --amount AMOUNT --date DATE`.
    pub fn payment(self, customer: &str, amount: &str, date: &str) -> Self {
        self.call(&[
            "payment",
            "add",
            "--customer",
            customer,
            "--amount",
            amount,
            "--date",
            date,
        ])
    }

    /// A payment naming the invoice it pays: `… --invoice INVOICE`.
    pub fn payment_to(self, customer: &str, amount: &str, date: &str, invoice: &str) -> Self {
        self.call(&[
            "payment",
            "add",
            "--customer",
            customer,
            "--amount",
            amount,
            "--date",
            date,
            "--invoice",
            invoice,
        ])
    }

    /// `dun import invoices FILE` of a file named `file` holding `contents`.
    pub fn import_invoices(mut self, file: &str, contents: &[u8]) -> Self {
        self.files.push((file.to_string(), contents.to_vec()));
        self.call(&["import", "invoices", file])
    }

    /// A copy of the ledger, at `ledger.db` in a folder of its own.
    pub fn build(self) -> Ledger {
        let key = format!("{self:?}");
        let bytes = built_once(&key, |dir| {
            for (name, contents) in &self.files {
                std::fs::write(dir.join(name), contents).expect("write an input file");
            }
            let db = dir.join("ledger.db");
            for call in &self.calls {
                let mut cmd = bare_dun(dir);
                cmd.current_dir(dir)
                    .arg("--db")
                    .arg(&db)
                    .args(["--as-of", AS_OF])
                    .args(call);
                run_ok(&mut cmd, &format!("dun {call:?}"));
            }
            ledger_bytes(&db)
        });
        Ledger::from_bytes("ledger.db", &bytes)
    }
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
