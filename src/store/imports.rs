//! Imports: one transaction per file, the batch that records it, and the
//! reads and writes an import makes inside it.

use std::collections::HashSet;

use chrono::NaiveDate;
use rusqlite::{OptionalExtension, Transaction, TransactionBehavior, params};

use super::rows::{self, IsoDate, iso};
use super::{Context, Result, Store, StoreError, now_stamp};
use crate::ledger::{CustomerId, DocumentKind, InvoiceId, PaymentId};
use crate::money::Currency;

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

/// An invoice already in the ledger, as an import compares it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Existing {
    /// Its id.
    pub id: InvoiceId,
    /// Its customer.
    pub customer_id: CustomerId,
    /// Invoice or credit note.
    pub kind: DocumentKind,
    /// Issue date.
    pub issue_date: NaiveDate,
    /// Due date.
    pub due_date: NaiveDate,
    /// Amount in minor units.
    pub amount_minor: i64,
    /// Currency.
    pub currency: Currency,
    /// Open balance in minor units.
    pub open_minor: i64,
    /// Set when written off.
    pub written_off: bool,
    /// The import that last carried it.
    pub import_id: Option<i64>,
    /// What imports found settled on it, in minor units.
    pub settled_minor: i64,
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
}

/// An invoice still open that a newer export of the same profile left out.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Vanished {
    /// Invoice number.
    pub number: String,
    /// Customer code.
    pub customer: String,
    /// Open balance in the ledger, minor units.
    #[serde(skip)]
    pub open_minor: i64,
    /// Currency.
    pub currency: Currency,
}

/// A bank line waiting to be allocated.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Receipt {
    /// Its id (`dun payment allocate ID`).
    pub id: i64,
    /// Value date.
    pub paid_on: NaiveDate,
    /// Amount in minor units.
    #[serde(skip)]
    pub amount_minor: i64,
    /// Currency.
    pub currency: Currency,
    /// Who paid, as the bank wrote it.
    pub counterparty: Option<String>,
    /// The reference, as the bank wrote it.
    pub reference: Option<String>,
    /// The import and line it came from.
    pub import_id: i64,
    /// Its line in that file.
    pub line: u64,
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
    sha256: String,
}

impl Store {
    /// Runs an import in one `BEGIN IMMEDIATE` transaction with its batch
    /// recorded; `work` says whether to commit (false: a dry run, a file
    /// with errors, or one that changed nothing). A failure or a process
    /// killed mid-way leaves the ledger as it was.
    pub fn import<T, E: From<StoreError>>(
        &mut self,
        batch: &NewBatch,
        work: impl FnOnce(&mut ImportTx<'_>) -> std::result::Result<(T, Option<Counts>), E>,
    ) -> std::result::Result<T, E> {
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
        let journal = bulk
            && self
                .conn
                .query_row("PRAGMA journal_mode = DELETE", [], |r| {
                    r.get::<_, String>(0)
                })
                .is_ok_and(|mode| mode.eq_ignore_ascii_case("delete"));
        if journal {
            // Without the WAL, NORMAL would not survive a power cut.
            self.conn
                .execute_batch("PRAGMA synchronous = FULL")
                .context("cannot set the ledger's pragmas")?;
        }
        let result = self.import_in(batch, work);
        if journal {
            let restored = self
                .conn
                .query_row("PRAGMA journal_mode = WAL", [], |r| r.get::<_, String>(0))
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
        work: impl FnOnce(&mut ImportTx<'_>) -> std::result::Result<(T, Option<Counts>), E>,
    ) -> std::result::Result<T, E> {
        let sync = self.sync.clone();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .context("cannot start the import")?;
        // Into an empty table, rows go faster without the secondary indexes,
        // built once at the end (in this transaction: all or nothing).
        let deferred = if batch.kind == "invoices" && is_empty(&tx, "invoice")? {
            drop_indexes(&tx, "invoice")?
        } else {
            Vec::new()
        };
        let stamp = now_stamp();
        tx.execute(
            "INSERT INTO import_batch (kind, profile, file_name, sha256, rows_read, created, updated,
                unchanged, skipped, imported_on, recorded_at)
             VALUES (?1, ?2, ?3, ?4, 0, 0, 0, 0, 0, ?5, ?6)",
            params![batch.kind, batch.profile, batch.file_name, "", iso(batch.on), stamp],
        )
        .context("cannot record the import")?;
        let mut import = ImportTx {
            tx: &tx,
            batch: tx.last_insert_rowid(),
            on: batch.on,
            stamp,
            touched: HashSet::new(),
            carried_from: HashSet::new(),
            sha256: String::new(),
        };
        let (value, commit) = work(&mut import)?;
        let Some(counts) = commit else {
            return Ok(value);
        };
        import.close(counts)?;
        for sql in &deferred {
            tx.execute_batch(sql)
                .context("cannot build the invoice indexes")?;
        }
        if let Some(s) = &sync {
            let mut touched: Vec<CustomerId> = import.touched.iter().copied().collect();
            touched.sort_unstable();
            super::measures::record_for(&tx, &s.policy, &touched, s.as_of)?;
        }
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
        let n = |v: u64| i64::try_from(v).unwrap_or(i64::MAX);
        self.write(|tx| {
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
                    now_stamp()
                ],
            )
            .context("cannot record the import")?;
            Ok(())
        })
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

    /// Bank lines waiting for `dun payment allocate`, oldest first.
    pub fn receipts(&self) -> Result<Vec<Receipt>> {
        read_receipts(
            self.conn(),
            "WHERE allocated_to IS NULL ORDER BY paid_on, id",
            [],
        )
    }

    /// Records a waiting bank line as a payment of `customer_id`, applied
    /// to `invoice_id` first when given; returns the payment's id. One
    /// transaction: a line is allocated once only.
    pub fn allocate_receipt(
        &mut self,
        receipt_id: i64,
        customer_id: CustomerId,
        invoice_id: Option<InvoiceId>,
    ) -> Result<PaymentId> {
        let receipt = read_receipts(self.conn(), "WHERE id = ?1", [receipt_id])?
            .pop()
            .ok_or_else(|| StoreError::NotFound {
                what: "waiting payment",
                key: receipt_id.to_string(),
            })?;
        let payment = super::NewPayment {
            customer_id,
            paid_on: receipt.paid_on,
            amount: rows::amount(receipt.amount_minor, receipt.currency),
            currency: receipt.currency,
            method: Some("transfer".into()),
            reference: receipt.reference.clone(),
            invoice_id,
        };
        if let Some(invoice_id) = invoice_id {
            self.check_payable(invoice_id, &payment)?;
        }
        self.write_account(customer_id, receipt.paid_on, |tx| {
            let id = super::payments::insert_payment(tx, &payment)?;
            let claimed = tx
                .execute(
                    "UPDATE receipt SET allocated_to = ?2 WHERE id = ?1 AND allocated_to IS NULL",
                    params![receipt_id, id],
                )
                .context("cannot mark the payment allocated")?;
            if claimed == 0 {
                return Err(StoreError::Refused(format!(
                    "waiting payment {receipt_id} is already allocated"
                )));
            }
            tx.execute(
                "UPDATE payment SET import_id = ?2 WHERE id = ?1",
                params![id, receipt.import_id],
            )
            .context("cannot mark the payment allocated")?;
            super::allocate::reallocate(tx, customer_id, payment.currency)?;
            Ok(id)
        })
    }
}

fn is_empty(tx: &Transaction<'_>, table: &'static str) -> Result<bool> {
    tx.query_row(
        &format!("SELECT NOT EXISTS (SELECT 1 FROM {table})"),
        [],
        |r| r.get(0),
    )
    .context("cannot count rows")
}

/// Drops a table's secondary indexes; returns the SQL that makes them again.
fn drop_indexes(tx: &Transaction<'_>, table: &'static str) -> Result<Vec<String>> {
    let indexes: Vec<(String, String)> = tx
        .prepare("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ?1 AND sql IS NOT NULL")
        .and_then(|mut s| {
            s.query_map([table], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<rusqlite::Result<Vec<_>>>()
        })
        .context("cannot read the indexes")?;
    for (name, _) in &indexes {
        tx.execute_batch(&format!("DROP INDEX \"{}\"", name.replace('"', "\"\"")))
            .context("cannot set the indexes aside")?;
    }
    Ok(indexes.into_iter().map(|(_, sql)| sql).collect())
}

fn read_receipts(
    conn: &rusqlite::Connection,
    filter: &str,
    args: impl rusqlite::Params,
) -> Result<Vec<Receipt>> {
    let sql = format!(
        "SELECT id, paid_on, amount_minor, currency, counterparty, reference, import_id, line
         FROM receipt {filter}"
    );
    let mut stmt = conn.prepare(&sql).context("cannot read waiting payments")?;
    let rows = stmt
        .query_map(args, |r| {
            Ok((
                (
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, i64>(2)?,
                    r.get::<_, String>(3)?,
                ),
                (
                    r.get(4)?,
                    r.get(5)?,
                    r.get::<_, i64>(6)?,
                    r.get::<_, i64>(7)?,
                ),
            ))
        })
        .context("cannot read waiting payments")?;
    rows.map(|row| {
        let ((id, on, minor, currency), (counterparty, reference, import_id, line)) =
            row.context("cannot read a waiting payment")?;
        Ok(Receipt {
            id,
            paid_on: rows::date(&on)?,
            amount_minor: minor,
            currency: rows::currency(&currency)?,
            counterparty,
            reference,
            import_id,
            line: u64::try_from(line).unwrap_or(0),
        })
    })
    .collect()
}

impl ImportTx<'_> {
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
            .prepare("SELECT id, code, name, email FROM customer")
            .context("cannot read customers")?;
        let rows = stmt
            .query_map([], |r| {
                Ok(KnownCustomer {
                    id: r.get(0)?,
                    code: r.get(1)?,
                    name: r.get(2)?,
                    email: r.get(3)?,
                })
            })
            .context("cannot read customers")?;
        rows.map(|r| r.context("cannot read a customer")).collect()
    }

    /// Creates a customer with the import's date as its start.
    pub fn create_customer(
        &mut self,
        code: &str,
        name: &str,
        email: Option<&str>,
    ) -> Result<CustomerId> {
        self.tx
            .prepare_cached(
                "INSERT INTO customer (code, name, email, created_on) VALUES (?1, ?2, ?3, ?4)",
            )
            .and_then(|mut s| s.execute(params![code, name, email, iso(self.on)]))
            .context("cannot create customer")?;
        Ok(self.tx.last_insert_rowid())
    }

    /// Updates a customer's name and email.
    pub fn update_customer(
        &mut self,
        id: CustomerId,
        name: &str,
        email: Option<&str>,
    ) -> Result<()> {
        self.tx
            .prepare_cached("UPDATE customer SET name = ?2, email = ?3 WHERE id = ?1")
            .and_then(|mut s| s.execute(params![id, name, email]))
            .context("cannot update customer")?;
        Ok(())
    }

    /// The invoice or credit note with this number.
    pub fn invoice(&self, number: &str) -> Result<Option<Existing>> {
        let row = self
            .tx
            .prepare_cached(
                "SELECT id, customer_id, kind, issue_date, due_date, amount_minor, currency, open_minor,
                    written_off_on IS NOT NULL, import_id,
                    settled_minor + COALESCE((SELECT SUM(s.amount_minor) FROM settlement s
                                              WHERE s.invoice_id = invoice.id), 0)
                 FROM invoice WHERE number = ?1",
            )
            .and_then(|mut s| {
                s.query_row([number], |r| {
                    Ok((
                        (r.get::<_, i64>(0)?, r.get::<_, i64>(1)?, r.get::<_, String>(2)?),
                        (r.get::<_, String>(3)?, r.get::<_, String>(4)?),
                        (r.get::<_, i64>(5)?, r.get::<_, String>(6)?, r.get::<_, i64>(7)?),
                        (r.get::<_, bool>(8)?, r.get::<_, Option<i64>>(9)?, r.get::<_, i64>(10)?),
                    ))
                })
                .optional()
            })
            .context("cannot look up invoice")?;
        let Some((
            (id, customer_id, kind),
            (issue, due),
            (amount, currency, open),
            (wo, import_id, settled),
        )) = row
        else {
            return Ok(None);
        };
        Ok(Some(Existing {
            id,
            customer_id,
            kind: DocumentKind::parse(&kind)
                .ok_or_else(|| StoreError::Corrupt(format!("document kind '{kind}'")))?,
            issue_date: rows::date(&issue)?,
            due_date: rows::date(&due)?,
            amount_minor: amount,
            currency: rows::currency(&currency)?,
            open_minor: open,
            written_off: wo,
            import_id,
            settled_minor: settled,
        }))
    }

    /// Adds a document with the open balance the export gives; what was
    /// paid on an invoice is recorded as paid before the import.
    #[allow(clippy::too_many_arguments)]
    pub fn insert_invoice(
        &mut self,
        number: &str,
        customer_id: CustomerId,
        kind: DocumentKind,
        issue_date: NaiveDate,
        due_date: NaiveDate,
        amount_minor: i64,
        currency: Currency,
        open_minor: i64,
    ) -> Result<Option<InvoiceId>> {
        let settled = amount_minor - open_minor;
        let on = IsoDate::from(self.on);
        let closed = (open_minor == 0).then_some(on);
        let settled_on = (settled > 0).then_some(on);
        let inserted = self
            .tx
            .prepare_cached(
                "INSERT INTO invoice (number, customer_id, kind, issue_date, due_date, amount_minor,
                    currency, open_minor, created_at, import_id, closed_on, settled_minor, settled_on)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)
                 ON CONFLICT (number) DO NOTHING",
            )
            .and_then(|mut s| {
                s.execute(params![
                    number,
                    customer_id,
                    kind.as_str(),
                    IsoDate::from(issue_date),
                    IsoDate::from(due_date),
                    amount_minor,
                    currency.as_str(),
                    open_minor,
                    self.stamp,
                    self.batch,
                    closed,
                    settled,
                    settled_on,
                ])
            })
            .context("cannot insert invoice")?;
        if inserted == 0 {
            return Ok(None);
        }
        self.touched.insert(customer_id);
        Ok(Some(self.tx.last_insert_rowid()))
    }

    /// Marks an invoice as carried by this import.
    pub fn touch(&mut self, existing: &Existing) -> Result<()> {
        self.carried_from.extend(existing.import_id);
        self.tx
            .prepare_cached("UPDATE invoice SET import_id = ?2 WHERE id = ?1")
            .and_then(|mut s| s.execute(params![existing.id, self.batch]))
            .context("cannot mark invoice")?;
        Ok(())
    }

    /// Changes an invoice's dates and amount, keeping what was applied to
    /// it; `open_minor` is its new open balance before `settle`.
    pub fn update_invoice(
        &mut self,
        existing: &Existing,
        issue_date: NaiveDate,
        due_date: NaiveDate,
        amount_minor: i64,
        open_minor: i64,
    ) -> Result<()> {
        self.carried_from.extend(existing.import_id);
        self.tx
            .prepare_cached(
                "UPDATE invoice SET issue_date = ?2, due_date = ?3, amount_minor = ?4, open_minor = ?5,
                    closed_on = CASE WHEN ?5 = 0 THEN COALESCE(closed_on, ?6) END, import_id = ?7
                 WHERE id = ?1",
            )
            .and_then(|mut s| {
                s.execute(params![
                    existing.id,
                    iso(issue_date),
                    iso(due_date),
                    amount_minor,
                    open_minor,
                    iso(self.on),
                    self.batch
                ])
            })
            .context("cannot update invoice")?;
        self.touched.insert(existing.customer_id);
        Ok(())
    }

    /// Takes `delta` off a document's open balance as settled before the
    /// import (what the export says was paid or used, not when); a negative
    /// `delta` undoes that much of what earlier imports settled.
    pub fn settle(&mut self, existing: &Existing, delta: i64) -> Result<()> {
        if delta == 0 {
            return Ok(());
        }
        let on = IsoDate::from(self.on);
        self.tx
            .prepare_cached(
                "INSERT INTO settlement (invoice_id, import_id, settled_on, amount_minor)
                 VALUES (?1, ?2, ?3, ?4)",
            )
            .and_then(|mut s| s.execute(params![existing.id, self.batch, on, delta]))
            .context("cannot record what was settled before the import")?;
        self.tx
            .prepare_cached(
                "UPDATE invoice SET open_minor = open_minor - ?2,
                    closed_on = CASE WHEN open_minor - ?2 = 0 THEN ?3 WHEN ?2 < 0 THEN NULL
                                     ELSE closed_on END
                 WHERE id = ?1",
            )
            .and_then(|mut s| s.execute(params![existing.id, delta, on]))
            .context("cannot record what was settled before the import")?;
        self.touched.insert(existing.customer_id);
        Ok(())
    }

    /// Applies the unapplied credit of payments an earlier export listed
    /// (QuickBooks' Payment rows) to `existing`, up to `most`: a newer
    /// export showing an invoice paid down may be showing that payment
    /// applied. Returns what was applied.
    pub fn apply_listed_credit(&mut self, existing: &Existing, most: i64) -> Result<i64> {
        let credits: Vec<(PaymentId, i64)> = self
            .tx
            .prepare_cached(
                "SELECT id, unapplied_minor FROM payment
                 WHERE customer_id = ?1 AND currency = ?2 AND unapplied_minor > 0
                   AND import_key LIKE 'row:%'
                 ORDER BY paid_on, id",
            )
            .and_then(|mut s| {
                s.query_map(
                    params![existing.customer_id, existing.currency.as_str()],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )?
                .collect()
            })
            .context("cannot read payments on account")?;
        let mut applied = 0;
        for (payment, unapplied) in credits {
            let take = unapplied.min(most - applied);
            if take <= 0 {
                break;
            }
            let allocation = crate::ledger::Allocation {
                invoice_id: existing.id,
                source: crate::ledger::SourceRef::Payment(payment),
                amount: existing.currency.from_minor(take),
                discount: rust_decimal::Decimal::ZERO,
            };
            super::allocate::record(self.tx, &allocation, existing.currency, Some(self.on))?;
            applied += take;
        }
        if applied > 0 {
            self.touched.insert(existing.customer_id);
        }
        Ok(applied)
    }

    /// Open invoices that earlier imports of this profile carried and this
    /// one did not, counting only imports this one shares an invoice with
    /// (a newer export of the same thing, not another source).
    pub fn vanished(&self, profile: &str) -> Result<Vec<Vanished>> {
        if self.carried_from.is_empty() {
            return Ok(Vec::new());
        }
        let mut earlier: Vec<i64> = self.carried_from.iter().copied().collect();
        earlier.sort_unstable();
        let list = earlier
            .iter()
            .map(i64::to_string)
            .collect::<Vec<_>>()
            .join(",");
        // One pass over the invoices, however many earlier imports.
        let sql = format!(
            "SELECT i.number, c.code, i.open_minor, i.currency
             FROM invoice i JOIN customer c ON c.id = i.customer_id
             WHERE i.import_id IN ({list}) AND i.open_minor > 0 AND i.kind = 'invoice'
               AND i.import_id IN (SELECT id FROM import_batch WHERE kind = 'invoices' AND profile = ?1)
             ORDER BY c.code, i.number"
        );
        let mut stmt = self
            .tx
            .prepare(&sql)
            .context("cannot list vanished invoices")?;
        let rows = stmt
            .query_map(params![profile], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, i64>(2)?,
                    r.get::<_, String>(3)?,
                ))
            })
            .context("cannot list vanished invoices")?;
        rows.map(|row| {
            let (number, customer, open_minor, currency) = row.context("cannot read an invoice")?;
            Ok(Vanished {
                number,
                customer,
                open_minor,
                currency: rows::currency(&currency)?,
            })
        })
        .collect()
    }

    /// Open invoices of a customer in a currency with exactly this open
    /// balance (at most two: one is a match, two are not).
    pub fn open_with_balance(
        &self,
        customer_id: CustomerId,
        currency: Currency,
        minor: i64,
    ) -> Result<Vec<InvoiceId>> {
        let mut stmt = self
            .tx
            .prepare_cached(
                "SELECT id FROM invoice
                 WHERE customer_id = ?1 AND currency = ?2 AND open_minor = ?3 AND kind = 'invoice'
                 LIMIT 2",
            )
            .context("cannot read open invoices")?;
        let ids = stmt
            .query_map(params![customer_id, currency.as_str(), minor], |r| r.get(0))
            .context("cannot read open invoices")?;
        ids.map(|r| r.context("cannot read an invoice")).collect()
    }

    /// True when a bank line with this key was imported before.
    pub fn seen_bank_line(&self, key: &str) -> Result<bool> {
        self.tx
            .prepare_cached(
                "SELECT EXISTS (SELECT 1 FROM payment WHERE import_key = ?1)
                     OR EXISTS (SELECT 1 FROM receipt WHERE import_key = ?1)",
            )
            .and_then(|mut s| s.query_row([key], |r| r.get(0)))
            .context("cannot look up bank line")
    }

    /// Records a payment matched with certainty, applied to `invoice_id`
    /// first, then by the usual rules.
    pub fn insert_payment(&mut self, payment: &super::NewPayment, key: &str) -> Result<PaymentId> {
        let id = super::payments::insert_payment(self.tx, payment)?;
        self.tx
            .prepare_cached("UPDATE payment SET import_id = ?2, import_key = ?3 WHERE id = ?1")
            .and_then(|mut s| s.execute(params![id, self.batch, key]))
            .context("cannot record payment")?;
        super::allocate::reallocate(self.tx, payment.customer_id, payment.currency)?;
        self.touched.insert(payment.customer_id);
        Ok(id)
    }

    /// Records a payment on account as the export lists it (unapplied).
    pub fn insert_unapplied(&mut self, payment: &super::NewPayment, key: &str) -> Result<bool> {
        if self.seen_bank_line(key)? {
            return Ok(false);
        }
        let id = super::payments::insert_payment(self.tx, payment)?;
        self.tx
            .prepare_cached("UPDATE payment SET import_id = ?2, import_key = ?3 WHERE id = ?1")
            .and_then(|mut s| s.execute(params![id, self.batch, key]))
            .context("cannot record payment")?;
        self.touched.insert(payment.customer_id);
        Ok(true)
    }

    /// Keeps a bank line for the bookkeeper to allocate.
    #[allow(clippy::too_many_arguments)]
    pub fn insert_receipt(
        &mut self,
        line: u64,
        paid_on: NaiveDate,
        amount_minor: i64,
        currency: Currency,
        counterparty: Option<&str>,
        reference: Option<&str>,
        key: &str,
    ) -> Result<i64> {
        self.tx
            .prepare_cached(
                "INSERT INTO receipt (import_id, line, paid_on, amount_minor, currency, counterparty,
                    reference, import_key)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )
            .and_then(|mut s| {
                s.execute(params![
                    self.batch,
                    i64::try_from(line).unwrap_or(i64::MAX),
                    iso(paid_on),
                    amount_minor,
                    currency.as_str(),
                    counterparty,
                    reference,
                    key
                ])
            })
            .context("cannot keep the payment for allocation")?;
        Ok(self.tx.last_insert_rowid())
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
