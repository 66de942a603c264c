//! Imports: one transaction per file, the batch that records it, and the
//! reads and writes an import makes inside it. The writes on documents are
//! in `documents`, those on payments and bank lines in `bank`.

mod bank;
mod carried;
mod documents;
mod instalments;

pub use bank::{MatchedPayment, NewReceipt, Receipt};
pub use documents::{Existing, Vanished};

use std::collections::HashSet;
use std::time::Duration;

use chrono::NaiveDate;
use rusqlite::{OptionalExtension, Transaction, params};

use super::busy::{self, Wait};
use super::rows::{self, IsoDate, iso};
use super::{Context, Result, Store, StoreError, Tx, now_stamp};
use dun_core::ledger::CustomerId;

/// The file an import reads, as recorded.
#[derive(Debug, Clone)]
pub struct NewBatch {
    /// `invoices` or `payments`.
    pub kind: &'static str,
    /// The profile used.
    pub profile: String,
    /// The file's name (not its folder).
    pub file_name: String,
    /// The import's as-of date.
    pub on: NaiveDate,
    /// A dry run: rolled back whatever happens.
    pub dry_run: bool,
}

/// What an import did, as recorded.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Counts {
    /// Data rows read (line items count once per row).
    pub rows: u64,
    /// Invoices, credit notes and payments created.
    pub created: u64,
    /// Invoices changed.
    pub updated: u64,
    /// Rows that matched the ledger already.
    pub unchanged: u64,
    /// Rows left out: invalid ones under --skip-invalid, outgoing payments.
    pub skipped: u64,
}

/// A recorded import, for `dun import history`.
#[derive(Debug, Clone, serde::Serialize)]
pub struct BatchRecord {
    /// Its id.
    pub id: i64,
    /// `invoices` or `payments`.
    pub kind: String,
    /// The profile used.
    pub profile: String,
    /// The file's name.
    pub file_name: String,
    /// The file's SHA-256.
    pub sha256: String,
    /// Its as-of date.
    pub imported_on: NaiveDate,
    /// When it ran (UTC).
    pub recorded_at: String,
    /// What it did.
    #[serde(flatten)]
    pub counts: Counts,
}

/// A customer as an import matches it.
#[derive(Debug, Clone)]
pub struct KnownCustomer {
    /// Its id.
    pub id: CustomerId,
    /// Its code.
    pub code: String,
    /// Its name.
    pub name: String,
    /// Its email.
    pub email: Option<String>,
    /// When the relationship began, when known.
    pub since: Option<NaiveDate>,
    /// Its payment terms in days, when set.
    pub terms_days: Option<u32>,
}

/// The writes of one import, inside its transaction.
pub struct ImportTx<'a> {
    tx: &'a Transaction<'a>,
    batch: i64,
    on: NaiveDate,
    stamp: String,
    touched: HashSet<CustomerId>,
    /// Earlier imports that carried invoices this one carries too.
    carried_from: HashSet<i64>,
    /// Invoices this import carries unchanged, marked when it commits.
    carried: carried::IdSet,
    /// Instalments retired since last asked (see `take_retired`).
    retired: Vec<String>,
    /// The ledger's instalments by document, read once when first needed.
    instalments:
        Option<std::collections::HashMap<String, Vec<(dun_core::ledger::InvoiceId, String)>>>,
    sha256: String,
}

/// Work an import does besides its own rows, in its transaction just before
/// it commits, given the customers it touched (sorted).
pub type Finish<'a> = &'a dyn Fn(&Tx<'_>, &[CustomerId]) -> Result<()>;

impl Store {
    /// Runs an import in one `BEGIN IMMEDIATE` transaction with its batch
    /// recorded; `work` says whether to commit (false: a dry run, a file
    /// with errors, or one that changed nothing). A failure or a process
    /// killed mid-way leaves the ledger as it was. `finish` runs in the
    /// same transaction just before it commits, with the customers the
    /// import touched: the write path brings their measure history up to
    /// date there.
    pub(crate) fn import<T, E: From<StoreError>>(
        &mut self,
        batch: &NewBatch,
        finish: Finish<'_>,
        work: impl FnOnce(&mut ImportTx<'_>) -> std::result::Result<(T, Option<Counts>), E>,
    ) -> std::result::Result<T, E> {
        self.check_writable()?;
        // Room for the indexes' working set while millions of rows go in.
        self.conn
            .execute_batch("PRAGMA cache_size = -24576")
            .context("cannot size the page cache")?;
        // A first import into an empty ledger writes every page once with a
        // rollback journal, instead of twice through the WAL; it is just as
        // atomic. Another process with the ledger open keeps it in WAL.
        let bulk = batch.kind == "invoices"
            && !batch.dry_run
            && self
                .conn
                .query_row("SELECT NOT EXISTS (SELECT 1 FROM invoice)", [], |r| {
                    r.get::<_, bool>(0)
                })
                .context("cannot count invoices")?;
        // Leaving the WAL needs the ledger to itself: never wait for that.
        let journal = bulk && {
            busy::set_wait(&self.conn, Wait::AtMost(Duration::ZERO))?;
            let switched = self
                .conn
                .query_row("PRAGMA journal_mode = DELETE", [], |r| {
                    r.get::<_, String>(0)
                })
                .is_ok_and(|mode| mode.eq_ignore_ascii_case("delete"));
            busy::set_wait(&self.conn, Wait::Patiently)?;
            switched
        };
        if journal {
            // Without the WAL, NORMAL would not survive a power cut.
            self.conn
                .execute_batch("PRAGMA synchronous = FULL")
                .context("cannot set the ledger's pragmas")?;
        }
        let result = self.import_in(batch, finish, work);
        if journal {
            let restored = busy::retry(Wait::Patiently, || {
                self.conn
                    .query_row("PRAGMA journal_mode = WAL", [], |r| r.get::<_, String>(0))
            })
            .and_then(|_| self.conn.execute_batch("PRAGMA synchronous = NORMAL"))
            .context("cannot return the ledger to WAL");
            // The import's own error matters more; the next open returns
            // the ledger to WAL in any case.
            if let (Ok(_), Err(e)) = (&result, restored) {
                return Err(e.into());
            }
        }
        result
    }

    fn import_in<T, E: From<StoreError>>(
        &mut self,
        batch: &NewBatch,
        finish: Finish<'_>,
        work: impl FnOnce(&mut ImportTx<'_>) -> std::result::Result<(T, Option<Counts>), E>,
    ) -> std::result::Result<T, E> {
        let tx = self.begin().context("cannot start the import")?;
        // Into an empty table, rows go faster without the secondary indexes,
        // built once at the end (in this transaction: all or nothing).
        let deferred = if batch.kind == "invoices" && is_empty(&tx, "invoice")? {
            drop_indexes(&tx, "invoice")?
        } else {
            Vec::new()
        };
        let stamp = now_stamp();
        let id = insert_batch(&tx, batch, Counts::default(), "", &stamp)?;
        let mut import = ImportTx {
            tx: &tx,
            batch: id,
            on: batch.on,
            stamp,
            touched: HashSet::new(),
            carried_from: HashSet::new(),
            carried: carried::IdSet::default(),
            retired: Vec::new(),
            instalments: None,
            sha256: String::new(),
        };
        let (value, commit) = work(&mut import)?;
        let Some(counts) = commit else {
            return Ok(value);
        };
        import.close(counts)?;
        import.write_carried()?;
        for sql in &deferred {
            tx.execute_batch(sql)
                .context("cannot build the invoice indexes")?;
        }
        let mut touched: Vec<CustomerId> = import.touched.iter().copied().collect();
        touched.sort_unstable();
        finish(&Tx { tx: &tx }, &touched)?;
        tx.commit().context("cannot commit the import")?;
        Ok(value)
    }

    /// Records an import that changed nothing (the ledger matched the file
    /// already), so the history still lists it.
    pub fn record_unchanged_import(
        &mut self,
        batch: &NewBatch,
        counts: Counts,
        sha256: &str,
    ) -> Result<()> {
        self.write(|tx| insert_batch(tx.sql(), batch, counts, sha256, &now_stamp()).map(drop))
    }

    /// Every recorded import, newest first.
    pub fn import_history(&self) -> Result<Vec<BatchRecord>> {
        let mut stmt = self
            .conn()
            .prepare(
                "SELECT id, kind, profile, file_name, sha256, imported_on, recorded_at, rows_read,
                    created, updated, unchanged, skipped
                 FROM import_batch ORDER BY id DESC",
            )
            .context("cannot read the import history")?;
        let rows = stmt
            .query_map([], |r| {
                Ok((
                    (
                        r.get::<_, i64>(0)?,
                        r.get(1)?,
                        r.get(2)?,
                        r.get(3)?,
                        r.get(4)?,
                    ),
                    (r.get::<_, String>(5)?, r.get(6)?),
                    [
                        r.get::<_, i64>(7)?,
                        r.get(8)?,
                        r.get(9)?,
                        r.get(10)?,
                        r.get(11)?,
                    ],
                ))
            })
            .context("cannot read the import history")?;
        rows.map(|row| {
            let ((id, kind, profile, file_name, sha256), (on, recorded_at), n) =
                row.context("cannot read an import")?;
            let n = n.map(|v| u64::try_from(v).unwrap_or(0));
            Ok(BatchRecord {
                id,
                kind,
                profile,
                file_name,
                sha256,
                imported_on: rows::date(&on)?,
                recorded_at,
                counts: Counts {
                    rows: n[0],
                    created: n[1],
                    updated: n[2],
                    unchanged: n[3],
                    skipped: n[4],
                },
            })
        })
        .collect()
    }
}

/// Records an import; returns its id.
fn insert_batch(
    tx: &Transaction<'_>,
    batch: &NewBatch,
    counts: Counts,
    sha256: &str,
    stamp: &str,
) -> Result<i64> {
    let n = |v: u64| i64::try_from(v).unwrap_or(i64::MAX);
    tx.execute(
        "INSERT INTO import_batch (kind, profile, file_name, sha256, rows_read, created, updated,
            unchanged, skipped, imported_on, recorded_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        params![
            batch.kind,
            batch.profile,
            batch.file_name,
            sha256,
            n(counts.rows),
            n(counts.created),
            n(counts.updated),
            n(counts.unchanged),
            n(counts.skipped),
            IsoDate::from(batch.on),
            stamp
        ],
    )
    .context("cannot record the import")?;
    Ok(tx.last_insert_rowid())
}

fn is_empty(tx: &Transaction<'_>, table: &'static str) -> Result<bool> {
    tx.query_row(
        &format!("SELECT NOT EXISTS (SELECT 1 FROM {table})"),
        [],
        |r| r.get(0),
    )
    .context("cannot count rows")
}

/// The partial indexes an import of invoices adds nothing to (write-offs)
/// or adds to in order (those it finds partly paid, on its own date):
/// kept while it runs, they cost less than building them again.
const KEPT: [&str; 2] = ["invoice_written_off", "invoice_settled"];

/// Drops a table's secondary indexes but those [`KEPT`]; returns the SQL
/// that makes them again.
fn drop_indexes(tx: &Transaction<'_>, table: &'static str) -> Result<Vec<String>> {
    let indexes: Vec<(String, String)> = tx
        .prepare(
            "SELECT name, sql FROM sqlite_master
              WHERE type = 'index' AND tbl_name = ?1 AND sql IS NOT NULL
                AND name NOT IN (?2, ?3)",
        )
        .and_then(|mut s| {
            s.query_map(params![table, KEPT[0], KEPT[1]], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()
        })
        .context("cannot read the indexes")?;
    for (name, _) in &indexes {
        tx.execute_batch(&format!("DROP INDEX \"{}\"", name.replace('"', "\"\"")))
            .context("cannot set the indexes aside")?;
    }
    Ok(indexes.into_iter().map(|(_, sql)| sql).collect())
}

impl ImportTx<'_> {
    /// The transaction, for the reads other store modules make in it.
    pub(in crate::store) fn sql(&self) -> &rusqlite::Connection {
        self.tx
    }

    /// This import's batch id.
    pub fn batch(&self) -> i64 {
        self.batch
    }

    /// Records the file's checksum (known once it is read) and returns the
    /// earlier import of the same file, if any: (id, date).
    pub fn set_sha256(&mut self, sha256: &str) -> Result<Option<(i64, NaiveDate)>> {
        self.sha256 = sha256.to_string();
        self.tx
            .query_row(
                "SELECT id, imported_on FROM import_batch WHERE sha256 = ?1 AND id <> ?2
                 ORDER BY id DESC LIMIT 1",
                params![sha256, self.batch],
                |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)),
            )
            .optional()
            .context("cannot read the import history")?
            .map(|(id, on)| Ok((id, rows::date(&on)?)))
            .transpose()
    }

    /// Every customer, for matching by code and name.
    pub fn customers(&self) -> Result<Vec<KnownCustomer>> {
        let mut stmt = self
            .tx
            .prepare(
                "SELECT id, code, name, email, customer_since, payment_terms_days FROM customer",
            )
            .context("cannot read customers")?;
        let rows = stmt
            .query_map([], |r| {
                Ok((
                    KnownCustomer {
                        id: r.get(0)?,
                        code: r.get(1)?,
                        name: r.get(2)?,
                        email: r.get(3)?,
                        since: None,
                        terms_days: r.get(5)?,
                    },
                    r.get::<_, Option<String>>(4)?,
                ))
            })
            .context("cannot read customers")?;
        rows.map(|r| {
            let (mut customer, since) = r.context("cannot read a customer")?;
            customer.since = since.as_deref().map(rows::date).transpose()?;
            Ok(customer)
        })
        .collect()
    }

    /// Creates a customer, added to dun on the import's date.
    pub fn create_customer(&mut self, customer: &KnownCustomer) -> Result<CustomerId> {
        self.tx
            .prepare_cached(
                "INSERT INTO customer (code, name, email, customer_since, created_on)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )
            .and_then(|mut s| {
                s.execute(params![
                    customer.code,
                    customer.name,
                    customer.email,
                    customer.since.map(iso),
                    iso(self.on)
                ])
            })
            .context("cannot create customer")?;
        Ok(self.tx.last_insert_rowid())
    }

    /// Updates a customer's name, email and start of the relationship.
    pub fn update_customer(&mut self, customer: &KnownCustomer) -> Result<()> {
        self.tx
            .prepare_cached(
                "UPDATE customer SET name = ?2, email = ?3, customer_since = ?4 WHERE id = ?1",
            )
            .and_then(|mut s| {
                s.execute(params![
                    customer.id,
                    customer.name,
                    customer.email,
                    customer.since.map(iso)
                ])
            })
            .context("cannot update customer")?;
        Ok(())
    }

    /// Records the batch's counts and checksum.
    fn close(&mut self, counts: Counts) -> Result<()> {
        let n = |v: u64| i64::try_from(v).unwrap_or(i64::MAX);
        self.tx
            .execute(
                "UPDATE import_batch SET rows_read = ?2, created = ?3, updated = ?4, unchanged = ?5,
                    skipped = ?6, sha256 = ?7 WHERE id = ?1",
                params![
                    self.batch,
                    n(counts.rows),
                    n(counts.created),
                    n(counts.updated),
                    n(counts.unchanged),
                    n(counts.skipped),
                    self.sha256
                ],
            )
            .context("cannot record the import")?;
        Ok(())
    }
}
