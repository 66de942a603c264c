//! The SQLite ledger: opening (pragmas, permissions, migrations), backups,
//! and queries named by intent in the submodules.

mod allocate;
mod bulk;
mod busy;
mod changes;
mod claims;
mod commitments;
mod corrections;
mod customers;
mod follow_up;
mod history;
mod imports;
mod insight;
mod invoices;
mod later;
mod matching;
mod measures;
mod open;
mod payments;
mod rows;
mod scan;
mod settlements;
mod snapshot;
mod timeline;

pub use bulk::BulkWriter;
pub use busy::{Wait, when_waiting};
pub use changes::Marks;
pub use claims::{ClaimState, NewClaim};
pub use corrections::{
    Correction, Corrects, LogRow, PaymentRow, PromiseListed, PromiseRow, Voidable,
};
pub use follow_up::{NewActivity, NewPlan, NewPromise};
pub use imports::{
    BatchRecord, Counts, Existing, Finish, ImportTx, KnownCustomer, MatchedPayment, NewBatch,
    NewReceipt, Receipt, Vanished,
};
pub use invoices::{InvoiceFilter, NewInvoice};
pub use later::Later;
pub use matching::{MatchReads, NotNumbers, OpenDoc};
pub use measures::{Latest, Recording};
pub use open::ReadOnly;
pub use payments::NewPayment;
pub use scan::{Scan, Settled, stretch};
pub use snapshot::FollowUpLog;
pub use timeline::{HistoryOf, LogEntry};

use std::fs::OpenOptions;
use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, TransactionBehavior};

use dun_core::ledger::CustomerId;
use rusqlite_migration::{M, Migrations};

/// Every migration, in order. Files are never edited once released.
const MIGRATIONS: &[M<'static>] = &[
    M::up(include_str!("../../migrations/0001_init.sql")),
    M::up(include_str!("../../migrations/0002_follow_up.sql")),
    M::up(include_str!("../../migrations/0003_import.sql")),
    M::up(include_str!("../../migrations/0004_commitments.sql")),
    M::up(include_str!("../../migrations/0005_measures.sql")),
    M::up(include_str!("../../migrations/0006_claims.sql")),
    M::up(include_str!("../../migrations/0007_customer_since.sql")),
    M::up(include_str!("../../migrations/0008_corrections.sql")),
    M::up(include_str!("../../migrations/0009_instalments.sql")),
    M::up(include_str!("../../migrations/0010_matching.sql")),
    M::up(include_str!("../../migrations/0011_open_items.sql")),
    M::up(include_str!("../../migrations/0012_settled_by_import.sql")),
];

/// The schema version this build writes.
pub const SCHEMA_VERSION: usize = MIGRATIONS.len();

/// The migration list, for opening and for its validation test.
pub fn migrations() -> Migrations<'static> {
    Migrations::from_slice(MIGRATIONS)
}

/// What went wrong in the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// SQLite refused, with what we were doing at the time.
    #[error("{context}: {source}")]
    Sqlite {
        /// What dun was doing.
        context: &'static str,
        /// SQLite's error.
        source: rusqlite::Error,
    },
    /// A file operation around the database failed.
    #[error("{context} {path}: {source}")]
    Io {
        /// What dun was doing.
        context: &'static str,
        /// The file.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
    /// The schema could not be brought up to date.
    #[error("cannot migrate {path}: {message}")]
    Migration {
        /// The ledger file.
        path: PathBuf,
        /// Why.
        message: String,
    },
    /// The file is not a dun ledger: another application's database, or
    /// not a database at all.
    #[error(
        "{path} is not a dun ledger (another application's file?); it was left as it was. \
         Pass --db with a new file name, or the path of a dun ledger"
    )]
    NotALedger {
        /// The file.
        path: PathBuf,
    },
    /// The ledger cannot be written.
    #[error("cannot write {path}: {why}; nothing was changed (commands that only read still work)")]
    ReadOnly {
        /// The ledger file.
        path: PathBuf,
        /// Why it cannot be written.
        why: ReadOnly,
    },
    /// Another connection held the ledger longer than this one waits.
    #[error(
        "{context}: the ledger is busy with another dun's write (an import?); \
         try again when it finishes"
    )]
    Busy {
        /// What dun was doing.
        context: &'static str,
    },
    /// The ledger was written by a newer dun.
    #[error(
        "{path} has schema version {found}, newer than this dun understands ({SCHEMA_VERSION}); upgrade dun"
    )]
    TooNew {
        /// The ledger file.
        path: PathBuf,
        /// The version found.
        found: usize,
    },
    /// Something named does not exist.
    #[error("no {what} '{key}'")]
    NotFound {
        /// Customer, invoice…
        what: &'static str,
        /// The code or number given.
        key: String,
    },
    /// The operation breaks a rule of the ledger.
    #[error("{0}")]
    Refused(String),
    /// Stored data that does not read back (a damaged or hand-edited file).
    #[error("corrupt ledger: {0}")]
    Corrupt(String),
}

/// An inclusive span of customer ids: one customer, a chunk, or all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Customers(pub CustomerId, pub CustomerId);

impl Customers {
    /// Every customer.
    pub const ALL: Customers = Customers(CustomerId::MIN, CustomerId::MAX);
}

impl From<Option<CustomerId>> for Customers {
    fn from(customer: Option<CustomerId>) -> Self {
        customer.map_or(Customers::ALL, |id| Customers(id, id))
    }
}

/// Result of a store operation.
pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// Adds a context label to a rusqlite result.
pub(crate) trait Context<T> {
    fn context(self, context: &'static str) -> Result<T>;
}

impl<T> Context<T> for rusqlite::Result<T> {
    fn context(self, context: &'static str) -> Result<T> {
        self.map_err(|source| {
            if busy::is_busy(&source) {
                StoreError::Busy { context }
            } else {
                StoreError::Sqlite { context, source }
            }
        })
    }
}

/// An open ledger.
pub struct Store {
    conn: Connection,
    path: PathBuf,
    /// Why the ledger cannot be written, when it cannot: reads still work.
    read_only: Option<ReadOnly>,
    /// How long a write waits for another process's.
    wait: Wait,
    /// Whether account snapshots carry what settled each open invoice,
    /// which only late-payment charges read.
    settlements: bool,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("path", &self.path).finish()
    }
}

/// Creates `path` empty with mode 0600, failing if it exists.
fn create_private(path: &Path, context: &'static str) -> Result<()> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options
        .open(path)
        .map(drop)
        .map_err(|source| StoreError::Io {
            context,
            path: path.to_path_buf(),
            source,
        })
}

/// Creates `path` (mode 0600) and its parent folders; it must not exist.
fn create_ledger_file(path: &Path) -> Result<()> {
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(|source| StoreError::Io {
            context: "cannot create the folder for",
            path: path.to_path_buf(),
            source,
        })?;
    }
    create_private(path, "cannot create ledger file")
}

impl Store {
    /// Opens the ledger at `path`, creating it (mode 0600, parent folders
    /// too) when missing, and brings its schema up to date. An existing
    /// ledger on an older schema is backed up beside itself first.
    ///
    /// Nothing is written before the file is known to be a dun ledger this
    /// dun understands (or blank, as an interrupted first run leaves it):
    /// another application's database and a newer dun's ledger are refused
    /// as they are. A ledger that cannot be written opens for reading.
    pub fn open(path: &Path) -> Result<Store> {
        let existed = path.exists();
        if !existed {
            create_ledger_file(path)?;
        }
        let read_only = open::writable(path)?;
        let conn = match read_only {
            Some(why) => open::open_read_only(path, why)?,
            None => Connection::open(path).context("cannot open the ledger")?,
        };
        busy::set_wait(&conn, Wait::Patiently)?;
        let current = open::check(open::inspect(&conn, path)?.found, path)?;
        let mut store = Store {
            conn,
            path: path.to_path_buf(),
            read_only,
            wait: Wait::Patiently,
            settlements: true,
        };
        if let Some(why) = read_only {
            return if current == SCHEMA_VERSION {
                Ok(store)
            } else {
                Err(StoreError::Migration {
                    path: store.path,
                    message: format!("{why}, and its schema {current} needs bringing up to date"),
                })
            };
        }
        busy::retry(Wait::Patiently, || {
            store.conn.execute_batch(
                "PRAGMA journal_mode = WAL;
                 PRAGMA foreign_keys = ON;
                 PRAGMA synchronous = NORMAL;",
            )
        })
        .context("cannot set the ledger's pragmas")?;
        store.migrate(existed, current)?;
        Ok(store)
    }

    /// Creates a demo ledger at `path`, which must not exist: the file is
    /// marked as a demo ledger before anything else is written to it, so a
    /// build interrupted at any point is replaced by the next `dun demo`.
    pub fn create_demo(path: &Path) -> Result<Store> {
        create_ledger_file(path)?;
        Connection::open(path)
            .and_then(|conn| {
                conn.execute_batch(&format!(
                    "PRAGMA application_id = {}",
                    open::DEMO_APPLICATION_ID
                ))
            })
            .context("cannot mark the demo ledger")?;
        Store::open(path)
    }

    /// True when `dun demo` may replace the file at `path`: a demo ledger,
    /// or a file with nothing in it yet (an interrupted first run's).
    pub fn replaceable_by_demo(path: &Path) -> Result<bool> {
        if std::fs::metadata(path).is_ok_and(|m| m.len() == 0) {
            return Ok(true);
        }
        let conn = Connection::open(path).context("cannot open the existing file")?;
        busy::set_wait(&conn, Wait::Patiently)?;
        let inspected = open::inspect(&conn, path)?;
        Ok(inspected.demo || inspected.found == open::Found::Blank)
    }

    /// Sets how this connection waits for another process's write.
    pub fn wait(&mut self, wait: Wait) -> Result<()> {
        busy::set_wait(&self.conn, wait)?;
        self.wait = wait;
        Ok(())
    }

    /// The error for a write on a ledger that cannot be written.
    fn refuse_write(&self, why: ReadOnly) -> StoreError {
        StoreError::ReadOnly {
            path: self.path.clone(),
            why,
        }
    }

    /// Fails when the ledger cannot be written.
    pub(crate) fn check_writable(&self) -> Result<()> {
        self.read_only
            .map_or(Ok(()), |why| Err(self.refuse_write(why)))
    }

    fn migrate(&mut self, existed: bool, current: usize) -> Result<()> {
        if current == SCHEMA_VERSION {
            return Ok(());
        }
        if existed && current > 0 {
            let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%SZ");
            let mut name = self.path.clone().into_os_string();
            name.push(format!(".v{current}-{stamp}.bak"));
            self.backup_to(Path::new(&name))?;
        }
        migrations()
            .to_latest(&mut self.conn)
            .map_err(|e| self.migration_error(e))
    }

    /// Why a migration failed, without the SQL it ran: SQLite's reason only.
    fn migration_error(&self, e: rusqlite_migration::Error) -> StoreError {
        let message = match e {
            rusqlite_migration::Error::RusqliteError { err, .. } => match err {
                rusqlite::Error::SqlInputError { msg, .. } => msg,
                err => err.to_string(),
            },
            e => e.to_string(),
        };
        StoreError::Migration {
            path: self.path.clone(),
            message,
        }
    }

    /// Account snapshots read from here on (and by this store's readers)
    /// leave out what settled each invoice, when the terms charge nothing
    /// late and nothing would read it.
    pub fn without_settlements(&mut self) {
        self.settlements = false;
    }

    /// Runs `work` on this connection (as the 0th) and on each of
    /// `others` (the 1st, 2nd, …) at once, one thread each; the answers
    /// come back in that order, or the first error. `what` names the work
    /// if a thread stops.
    pub fn on_each<T: Send>(
        &self,
        others: &mut [Store],
        what: &str,
        work: impl Fn(&Store, usize) -> Result<T> + Sync,
    ) -> Result<Vec<T>> {
        std::thread::scope(|scope| -> Result<Vec<T>> {
            let handles: Vec<_> = (1..)
                .zip(others.iter_mut())
                .map(|(k, other)| {
                    let work = &work;
                    scope.spawn(move || work(other, k))
                })
                .collect();
            let mut all = vec![work(self, 0)?];
            for handle in handles {
                all.push(
                    handle
                        .join()
                        .map_err(|_| StoreError::Refused(format!("{what} stopped")))??,
                );
            }
            Ok(all)
        })
    }

    /// A second, read-only handle on the same ledger, for reading in
    /// parallel. The ledger must already be open (and migrated) elsewhere.
    pub fn reader(&self) -> Result<Store> {
        let conn = if self.conn.path().is_none_or(str::is_empty) {
            // A ledger read into memory (see `open::open_read_only`).
            open::copy_to_memory(&self.conn)?
        } else {
            Connection::open_with_flags(&self.path, open::READ_ONLY)
                .context("cannot open a reader on the ledger")?
        };
        busy::set_wait(&conn, Wait::Patiently)?;
        Ok(Store {
            conn,
            path: self.path.clone(),
            read_only: self.read_only,
            wait: Wait::Patiently,
            settlements: self.settlements,
        })
    }

    /// The ledger file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The schema version of the open ledger.
    pub fn schema_version(&self) -> Result<usize> {
        self.conn
            .query_row("PRAGMA user_version", [], |r| r.get::<_, i64>(0))
            .context("cannot read the schema version")
            .map(|v| usize::try_from(v).unwrap_or(0))
    }

    /// Copies the ledger to a new file (mode 0600) with SQLite's online
    /// backup, consistent even while another dun writes. Refuses to
    /// overwrite an existing file.
    pub fn backup_to(&self, dest: &Path) -> Result<()> {
        create_private(dest, "cannot create backup file")?;
        let result = (|| {
            let mut target = Connection::open(dest).context("cannot open the backup file")?;
            let backup = rusqlite::backup::Backup::new(&self.conn, &mut target)
                .context("cannot start the backup")?;
            backup
                .run_to_completion(1024, Duration::ZERO, None)
                .context("backup failed")
        })();
        if result.is_err() {
            let _ = std::fs::remove_file(dest);
        }
        result
    }

    /// Runs `work` in one `BEGIN IMMEDIATE` transaction: all of it is
    /// written, or none of it. Only the write path (`ops`) calls this.
    pub(crate) fn write<T, E: From<StoreError>>(
        &mut self,
        work: impl FnOnce(&Tx<'_>) -> std::result::Result<T, E>,
    ) -> std::result::Result<T, E> {
        self.check_writable()?;
        let tx = self.begin().context("cannot start a write")?;
        let value = work(&Tx { tx: &tx })?;
        tx.commit().context("cannot commit")?;
        Ok(value)
    }

    /// Starts a `BEGIN IMMEDIATE` transaction, waiting for another
    /// process's write as this connection waits.
    fn begin(&self) -> rusqlite::Result<rusqlite::Transaction<'_>> {
        busy::retry(self.wait, || {
            rusqlite::Transaction::new_unchecked(&self.conn, TransactionBehavior::Immediate)
        })
    }

    /// The connection, for read queries.
    pub(crate) fn conn(&self) -> &Connection {
        &self.conn
    }
}

/// A write in progress: one `BEGIN IMMEDIATE` transaction, handed out by
/// [`Store::write`]. The store's write statements are methods of this type,
/// so nothing writes outside a transaction the write path opened.
pub struct Tx<'a> {
    tx: &'a rusqlite::Transaction<'a>,
}

impl Tx<'_> {
    /// The transaction's connection, for reads inside the write.
    pub(crate) fn conn(&self) -> &Connection {
        self.tx
    }

    /// The underlying transaction, for the statements of the submodules.
    pub(crate) fn sql(&self) -> &rusqlite::Transaction<'_> {
        self.tx
    }
}

/// The current time as RFC 3339 UTC, for `created_at` columns.
pub(crate) fn now_stamp() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}
