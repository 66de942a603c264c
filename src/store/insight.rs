//! What the insight reports read: every invoice issued by a date with what
//! settled it, on which day, up to that date.

use chrono::NaiveDate;
use rusqlite::params;

use super::rows::{self, iso};
use super::settlements::{Of, settlements};
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
            .query_map(params![iso(as_of), span.0, span.1], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, i64>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, String>(4)?,
                    r.get::<_, i64>(5)?,
                    r.get::<_, String>(6)?,
                ))
            })
            .context("cannot read the invoices issued")?;
        let mut out = Vec::new();
        for row in rows {
            let (id, number, customer_id, issued, due, minor, currency) =
                row.context("cannot read an invoice issued")?;
            let currency = rows::currency(&currency)?;
            out.push(InvoiceRecord {
                id,
                number,
                customer_id,
                issue_date: rows::date(&issued)?,
                due_date: rows::date(&due)?,
                amount: rows::amount(minor, currency),
                currency,
                settlements: parts.remove(&id).unwrap_or_default(),
            });
        }
        out.sort_by_key(|r| (r.customer_id, r.issue_date, r.id));
        Ok(out)
    }
}
