//! The SQLite ledger: opening (pragmas, permissions, migrations), backups,
//! and queries named by intent in the submodules.

mod allocate;
mod bulk;
mod changes;
mod claims;
mod commitments;
mod corrections;
mod customers;
mod follow_up;
mod history;
mod imports;
mod invoices;
mod measures;
mod payments;
mod rows;
mod settlements;
mod snapshot;
mod timeline;

pub use bulk::BulkWriter;
pub use changes::Marks;
pub use claims::{ClaimState, NewClaim};
pub use corrections::{
    Correction, Corrects, LogRow, PaymentRow, PromiseListed, PromiseRow, Voidable,
};
pub use follow_up::{NewActivity, NewPlan, NewPromise};
pub use imports::{
    BatchRecord, Counts, Existing, Finish, ImportTx, KnownCustomer, NewBatch, NewReceipt, Receipt,
    Vanished,
};
pub use invoices::{InvoiceFilter, NewInvoice};
pub use payments::NewPayment;
pub use timeline::LogEntry;

use std::fs::OpenOptions;
use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, TransactionBehavior};

use dun_core::ledger::CustomerId;
use rusqlite_migration::{M, Migrations, SchemaVersion};

/// Every migration, in order. Files are never edited once released.
const MIGRATIONS: &[M<'static>] = &[
    M::up(include_str!("../../migrations/0001_init.sql")),
    M::up(include_str!("../../migrations/0002_follow_up.sql")),
    M::up(include_str!("../../migrations/0003_import.sql")),
    M::up(include_str!("../../migrations/0004_commitments.sql")),
    M::up(include_str!("../../migrations/0006_claims.sql")),
    M::up(include_str!("../../migrations/0007_customer_since.sql")),
    M::up(include_str!("../../migrations/0010_corrections.sql")),
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
        self.map_err(|source| StoreError::Sqlite { context, source })
    }
}

/// An open ledger.
pub struct Store {
    conn: Connection,
    path: PathBuf,
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

impl Store {
    /// Opens the ledger at `path`, creating it (mode 0600, parent folders
    /// too) when missing, and brings its schema up to date. An existing
    /// ledger on an older schema is backed up beside itself first.
    pub fn open(path: &Path) -> Result<Store> {
        let existed = path.exists();
        if !existed {
            if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
                std::fs::create_dir_all(parent).map_err(|source| StoreError::Io {
                    context: "cannot create the folder for",
                    path: path.to_path_buf(),
                    source,
                })?;
            }
            create_private(path, "cannot create ledger file")?;
        }
        let conn = Connection::open(path).context("cannot open the ledger")?;
        conn.busy_timeout(Duration::from_secs(5))
            .context("cannot set the busy timeout")?;
        conn.execute_batch(
            "PRAGMA journal_mode = WAL;
             PRAGMA foreign_keys = ON;
             PRAGMA synchronous = NORMAL;",
        )
        .context("cannot set the ledger's pragmas")?;
        let mut store = Store {
            conn,
            path: path.to_path_buf(),
        };
        store.migrate(existed)?;
        Ok(store)
    }

    fn migrate(&mut self, existed: bool) -> Result<()> {
        let migrations = migrations();
        let version = migrations
            .current_version(&self.conn)
            .map_err(|e| self.migration_error(e))?;
        let current = match version {
            SchemaVersion::NoneSet => 0,
            SchemaVersion::Inside(v) => v.get(),
            SchemaVersion::Outside(v) => {
                return Err(StoreError::TooNew {
                    path: self.path.clone(),
                    found: v.get(),
                });
            }
        };
        if current == SCHEMA_VERSION {
            return Ok(());
        }
        if existed && current > 0 {
            let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%SZ");
            let mut name = self.path.clone().into_os_string();
            name.push(format!(".v{current}-{stamp}.bak"));
            self.backup_to(Path::new(&name))?;
        }
        migrations
            .to_latest(&mut self.conn)
            .map_err(|e| self.migration_error(e))
    }

    fn migration_error(&self, e: rusqlite_migration::Error) -> StoreError {
        StoreError::Migration {
            path: self.path.clone(),
            message: e.to_string(),
        }
    }

    /// A second, read-only handle on the same ledger, for reading in
    /// parallel. The ledger must already be open (and migrated) elsewhere.
    pub fn reader(&self) -> Result<Store> {
        let conn =
            Connection::open_with_flags(&self.path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
                .context("cannot open a reader on the ledger")?;
        conn.busy_timeout(Duration::from_secs(5))
            .context("cannot set the busy timeout")?;
        Ok(Store {
            conn,
            path: self.path.clone(),
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
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .context("cannot start a write")?;
        let value = work(&Tx { tx: &tx })?;
        tx.commit().context("cannot commit")?;
        Ok(value)
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
