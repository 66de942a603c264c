//! Loading a whole prepared ledger (the demo) in one transaction, with ids
//! and balances already worked out by the pure core.

use chrono::NaiveDate;
use rusqlite::{Transaction, params};

use super::NewActivity;
use super::customers::insert_customer;
use super::rows::{self, iso};
use super::{Context, Result, Store, now_stamp};
use dun_core::dunning::Activity;
use dun_core::ledger::{Allocation, Customer, CustomerId, Discount, Invoice, Payment, SourceRef};

/// Writes rows with their ids as given, inside one transaction.
pub struct BulkWriter<'a> {
    tx: &'a Transaction<'a>,
    stamp: String,
}

impl Store {
    /// Runs `load` in one transaction; nothing is written if it fails.
    pub(crate) fn bulk<T>(
        &mut self,
        load: impl FnOnce(&mut BulkWriter<'_>) -> Result<T>,
    ) -> Result<T> {
        self.write(|tx| {
            let mut writer = BulkWriter {
                tx: tx.sql(),
                stamp: now_stamp(),
            };
            load(&mut writer)
        })
    }
}

impl BulkWriter<'_> {
    /// A customer with its contacts; its id is assigned by SQLite.
    pub fn customer(&mut self, customer: &Customer) -> Result<i64> {
        insert_customer(self.tx, customer)
    }

    /// An invoice or credit note with its id and open balance as given, and
    /// the early-payment discount it was offered.
    pub fn document(&mut self, doc: &Invoice, offer: Option<Discount>) -> Result<()> {
        let (offer_minor, offer_until) = match offer {
            Some(d) => (rows::minor(d.amount, doc.currency)?, Some(iso(d.until))),
            None => (0, None),
        };
        let amount = rows::minor(doc.amount, doc.currency)?;
        let open = rows::minor(doc.open, doc.currency)?;
        let discount = rows::minor(doc.discount, doc.currency)?;
        self.tx
            .prepare_cached(
                "INSERT INTO invoice (id, number, customer_id, kind, issue_date, due_date, amount_minor,
                    currency, open_minor, created_at, closed_on, discount_minor, discount_offer_minor,
                    discount_until)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
            )
            .and_then(|mut s| {
                s.execute(params![
                    doc.id,
                    doc.number,
                    doc.customer_id,
                    doc.kind.as_str(),
                    iso(doc.issue_date),
                    iso(doc.due_date),
                    amount,
                    doc.currency.as_str(),
                    open,
                    self.stamp,
                    doc.closed_on.map(iso),
                    discount,
                    offer_minor,
                    offer_until,
                ])
            })
            .context("cannot insert invoice")?;
        Ok(())
    }

    /// A payment with its id and unapplied amount as given.
    pub fn payment(&mut self, p: &Payment) -> Result<()> {
        let amount = rows::minor(p.amount, p.currency)?;
        let unapplied = rows::minor(p.unapplied, p.currency)?;
        self.tx
            .prepare_cached(
                "INSERT INTO payment (id, customer_id, paid_on, amount_minor, currency, method, reference,
                    invoice_id, unapplied_minor, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            )
            .and_then(|mut s| {
                s.execute(params![
                    p.id,
                    p.customer_id,
                    iso(p.paid_on),
                    amount,
                    p.currency.as_str(),
                    p.method,
                    p.reference,
                    p.invoice_id,
                    unapplied,
                    self.stamp,
                ])
            })
            .context("cannot insert payment")?;
        Ok(())
    }

    /// A follow-up of the log.
    pub fn activity(
        &mut self,
        customer_id: CustomerId,
        a: &Activity,
        outcome: Option<&str>,
    ) -> Result<()> {
        super::follow_up::insert_activity(
            self.tx,
            &NewActivity {
                customer_id,
                occurred_on: a.occurred_on,
                kind: a.kind,
                stage: a.stage.as_deref().map(str::to_string),
                outcome: outcome.map(str::to_string),
                note: None,
                next_on: a.next_on,
                invoices: a.invoices.clone(),
            },
        )?;
        Ok(())
    }

    /// An allocation already reflected in the open and unapplied amounts.
    pub fn allocation(
        &mut self,
        a: &Allocation,
        on: NaiveDate,
        currency: dun_core::money::Currency,
    ) -> Result<()> {
        let minor = rows::minor(a.amount, currency)?;
        let discount = rows::minor(a.discount, currency)?;
        let (payment_id, credit_note_id) = match a.source {
            SourceRef::Payment(id) => (Some(id), None),
            SourceRef::CreditNote(id) => (None, Some(id)),
        };
        self.tx
            .prepare_cached(
                "INSERT INTO allocation (invoice_id, payment_id, credit_note_id, amount_minor, allocated_on,
                    discount_minor)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )
            .and_then(|mut s| s.execute(params![a.invoice_id, payment_id, credit_note_id, minor, iso(on), discount]))
            .context("cannot insert allocation")?;
        Ok(())
    }
}
