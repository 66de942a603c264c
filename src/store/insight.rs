//! What the insight reports read: every invoice issued by a date with what
//! settled it, on which day, up to that date.

use std::collections::HashMap;

use chrono::NaiveDate;
use rusqlite::params;

use super::rows::{self, iso};
use super::settlements::{Of, by_id_lists, settlements};
use super::{Context, Customers, Result, Store};
use dun_core::insight::InvoiceRecord;
use dun_core::ledger::CustomerId;

impl Store {
    /// The invoices (not credit notes) issued by `as_of`, of one customer
    /// or all, each with its settlements up to `as_of`: the dated facts
    /// DSO, CEI, the payers report, the changes and the backtest read.
    pub fn invoice_records(
        &self,
        as_of: NaiveDate,
        customer: Option<CustomerId>,
    ) -> Result<Vec<InvoiceRecord>> {
        self.invoice_records_between(as_of, Customers::from(customer))
    }

    /// As [`Store::invoice_records`], for the customers whose ids fall in
    /// `span`.
    pub fn invoice_records_between(
        &self,
        as_of: NaiveDate,
        span: Customers,
    ) -> Result<Vec<InvoiceRecord>> {
        let mut parts = settlements(self.conn(), as_of, span, Of::Issued)?;
        let mut stmt = self
            .conn()
            .prepare_cached(
                "SELECT id, number, customer_id, issue_date, due_date, amount_minor, currency
                   FROM invoice
                  WHERE kind = 'invoice' AND issue_date <= ?1 AND customer_id BETWEEN ?2 AND ?3",
            )
            .context("cannot read the invoices issued")?;
        let rows = stmt
            .query_map(params![iso(as_of), span.0, span.1], record_row)
            .context("cannot read the invoices issued")?;
        let mut out = Vec::new();
        for row in rows {
            let mut record = row.context("cannot read an invoice issued")??;
            record.settlements = parts.remove(&record.id).unwrap_or_default();
            out.push(record);
        }
        out.sort_by_key(|r| (r.customer_id, r.issue_date, r.id));
        Ok(out)
    }
}

/// An invoice record from the columns id, number, customer_id,
/// issue_date, due_date, amount_minor and currency, its settlements not
/// yet read.
fn record_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Result<InvoiceRecord>> {
    let text = |i: usize| -> rusqlite::Result<&str> { r.get_ref(i)?.as_str().map_err(Into::into) };
    let (id, number, customer_id, minor): (i64, String, i64, i64) =
        (r.get(0)?, r.get(1)?, r.get(2)?, r.get(5)?);
    let (issued, due, currency) = (text(3)?, text(4)?, text(6)?);
    Ok((|| {
        let currency = rows::currency(currency)?;
        Ok(InvoiceRecord {
            id,
            number,
            customer_id,
            issue_date: rows::date(issued)?,
            due_date: rows::date(due)?,
            amount: rows::amount(minor, currency),
            currency,
            settlements: Vec::new(),
        })
    })())
}

impl Store {
    /// The invoices (not credit notes) among `ids` issued by `as_of`, each
    /// with its settlements up to `as_of`, as [`Store::invoice_records`]
    /// gives them, in the order of `ids` (each once): for the few a report
    /// needs exactly, looked up many to a query.
    pub fn invoice_records_of(
        &self,
        as_of: NaiveDate,
        ids: impl IntoIterator<Item = i64>,
    ) -> Result<Vec<InvoiceRecord>> {
        let mut stmt = self
            .conn()
            .prepare_cached(
                "SELECT id, number, customer_id, issue_date, due_date, amount_minor, currency
                   FROM invoice
                  WHERE id IN (SELECT value FROM json_each(?1)) AND kind = 'invoice'
                    AND issue_date <= ?2",
            )
            .context("cannot read the invoices issued")?;
        let (mut out, mut found) = (Vec::new(), HashMap::new());
        by_id_lists(ids, |chunk, list| {
            let mut parts = settlements(self.conn(), as_of, Customers::ALL, Of::Among(list))?;
            let rows = stmt
                .query_map(params![list, iso(as_of)], record_row)
                .context("cannot read the invoices issued")?;
            for row in rows {
                let mut record = row.context("cannot read an invoice issued")??;
                record.settlements = parts.remove(&record.id).unwrap_or_default();
                found.insert(record.id, record);
            }
            out.extend(chunk.iter().filter_map(|id| found.remove(id)));
            Ok(())
        })?;
        Ok(out)
    }

    /// The ids of the span's invoices (not credit notes) issued after
    /// `after` and by `by`, through the customers' index: one seek per
    /// customer (`CROSS JOIN` keeps that order), not a walk through every
    /// invoice of the span.
    pub fn issued_between(
        &self,
        span: Customers,
        after: NaiveDate,
        by: NaiveDate,
    ) -> Result<Vec<i64>> {
        let mut stmt = self
            .conn()
            .prepare_cached(
                "SELECT i.id FROM customer c CROSS JOIN invoice i ON i.customer_id = c.id
                  WHERE c.id BETWEEN ?1 AND ?2 AND i.kind = 'invoice'
                    AND i.issue_date > ?3 AND i.issue_date <= ?4",
            )
            .context("cannot read the invoices issued")?;
        let rows = stmt
            .query_map(params![span.0, span.1, iso(after), iso(by)], |r| r.get(0))
            .context("cannot read the invoices issued")?;
        rows.map(|r| r.context("cannot read an invoice issued"))
            .collect()
    }
}
