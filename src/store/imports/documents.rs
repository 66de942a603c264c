//! An import's writes on invoices and credit notes: adding, updating,
//! settling, and telling which ones a newer export left out.

use chrono::NaiveDate;
use rusqlite::{OptionalExtension, params};

use super::super::rows::{self, IsoDate};
use super::super::{Context, Result, StoreError};
use super::ImportTx;
use dun_core::ledger::{CustomerId, DocumentKind, InvoiceId, PaymentId};
use dun_core::money::Currency;

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

impl ImportTx<'_> {
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
        // Carried unchanged by this import already, though not yet marked.
        let import_id = if self.carried.contains(id) {
            Some(self.batch)
        } else {
            import_id
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

    /// Marks an invoice as carried by this import (written if it commits).
    pub fn touch(&mut self, existing: &Existing) -> Result<()> {
        self.carried_from.extend(existing.import_id);
        self.carried.insert(existing.id);
        Ok(())
    }

    /// The earliest due open instalment of the document numbered
    /// `document`, when the ledger keeps it in instalments.
    pub fn first_open_instalment(&self, document: &str) -> Result<Option<Existing>> {
        let number: Option<String> = self
            .tx
            .prepare_cached(
                "SELECT number FROM invoice WHERE document = ?1 AND instalment IS NOT NULL
                 AND open_minor > 0 ORDER BY due_date, instalment LIMIT 1",
            )
            .and_then(|mut s| s.query_row([document], |r| r.get(0)).optional())
            .context("cannot look up instalment")?;
        match number {
            Some(n) => self.invoice(&n),
            None => Ok(None),
        }
    }

    /// Marks an invoice as instalment `instalment` (1-based) of the document
    /// numbered `document`. Marking the last one (`N (n/n)`) retires the
    /// document's instalments under another numbering (see
    /// `retire_instalments`); returns their numbers.
    pub fn mark_instalment(
        &mut self,
        number: &str,
        document: &str,
        instalment: usize,
    ) -> Result<Vec<String>> {
        let i = i64::try_from(instalment).unwrap_or(i64::MAX);
        self.tx
            .prepare_cached(
                "UPDATE invoice SET document = ?2, instalment = ?3
                 WHERE number = ?1 AND (document IS NOT ?2 OR instalment IS NOT ?3)",
            )
            .and_then(|mut s| s.execute(params![number, document, i]))
            .context("cannot mark instalment")?;
        let of = number
            .strip_suffix(')')
            .and_then(|n| n.rsplit_once('/'))
            .and_then(|(_, n)| n.parse::<usize>().ok());
        match of {
            Some(n) if n == instalment => {
                let current: Vec<String> =
                    (1..=n).map(|j| format!("{document} ({j}/{n})")).collect();
                self.retire_instalments(document, &current)
            }
            _ => Ok(Vec::new()),
        }
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
                    IsoDate::from(issue_date),
                    IsoDate::from(due_date),
                    amount_minor,
                    open_minor,
                    IsoDate::from(self.on),
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
            let allocation = dun_core::ledger::Allocation {
                invoice_id: existing.id,
                source: dun_core::ledger::SourceRef::Payment(payment),
                amount: existing.currency.from_minor(take),
                discount: rust_decimal::Decimal::ZERO,
            };
            super::super::allocate::record(self.tx, &allocation, existing.currency, Some(self.on))?;
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
        // One pass over the invoices, however many earlier imports; those
        // this import carries unchanged are not marked yet, and are left
        // out here.
        let sql = format!(
            "SELECT i.id FROM invoice i
             WHERE i.import_id IN ({list}) AND i.open_minor > 0 AND i.kind = 'invoice'
               AND i.import_id IN (SELECT id FROM import_batch WHERE kind = 'invoices' AND profile = ?1)"
        );
        let ids: Vec<InvoiceId> = self
            .tx
            .prepare(&sql)
            .and_then(|mut s| {
                s.query_map(params![profile], |r| r.get(0))?
                    .collect::<rusqlite::Result<Vec<InvoiceId>>>()
            })
            .context("cannot list vanished invoices")?;
        let mut stmt = self
            .tx
            .prepare(
                "SELECT i.number, c.code, i.open_minor, i.currency
                 FROM invoice i JOIN customer c ON c.id = i.customer_id WHERE i.id = ?1",
            )
            .context("cannot list vanished invoices")?;
        let mut vanished = Vec::new();
        for id in ids.into_iter().filter(|id| !self.carried.contains(*id)) {
            let (number, customer, open_minor, currency) = stmt
                .query_row([id], |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, i64>(2)?,
                        r.get::<_, String>(3)?,
                    ))
                })
                .context("cannot read an invoice")?;
            vanished.push(Vanished {
                number,
                customer,
                open_minor,
                currency: rows::currency(&currency)?,
            });
        }
        vanished.sort_by(|a, b| (&a.customer, &a.number).cmp(&(&b.customer, &b.number)));
        Ok(vanished)
    }
}
